//! The checks of challenge c05 (work in progress).
