//! The report formats: a table for people, JSON for machines (docs/GRADER.md).

mod json;
mod table;

pub use json::to_json;
pub use table::{TableOptions, render_challenge, render_table};
