//! The kit's own tests live in `tests/tests/`.
