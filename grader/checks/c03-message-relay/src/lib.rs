//! The checks of challenge c03 (work in progress).
