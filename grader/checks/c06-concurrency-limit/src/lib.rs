//! The checks of challenge c06 (work in progress).
