//! The checks of challenge c07 (work in progress).
