//! `--format json`: the report of docs/GRADER.md, pretty-printed.

use crate::Report;

pub fn to_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("reports always serialise")
}
