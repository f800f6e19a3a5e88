//! What a check runner tells the grader, one JSON object per line in its events file.
//!
//! The runner writes `Started` (and flushes) before it runs a check and `Finished` after. If the
//! process dies in between, the grader knows which check killed it and restarts the runner after it.

use crate::Status;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Check number `index` (in plan order) is about to run.
    Started { index: usize },
    /// Check number `index` ended with this status.
    Finished {
        index: usize,
        status: Status,
        message: Option<String>,
        duration_ms: u64,
    },
}

impl Event {
    /// One line of the events file (no trailing newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("events always serialise")
    }

    /// Parses one line; `None` for a line that is not an event (a torn last line, say).
    pub fn from_line(line: &str) -> Option<Event> {
        serde_json::from_str(line).ok()
    }
}
