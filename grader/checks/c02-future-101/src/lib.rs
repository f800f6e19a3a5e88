//! The checks of challenge c02 (work in progress).
