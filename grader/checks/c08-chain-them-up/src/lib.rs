//! The checks of challenge c08 (work in progress).
