//! The checks of challenge c09 (work in progress).
