//! The statuses of docs/GRADER.md: one per check, one per challenge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How one check ended. Anything but `Pass` scores 0 for that check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Full points.
    Pass,
    /// The code ran and did the wrong thing; the message says what was expected and what came instead.
    Fail,
    /// The code under test hit a `todo!()`.
    Todo,
    /// It panicked; the message has the panic text and location.
    Panic,
    /// It did not finish within its time limit; the message names the limit.
    Timeout,
    /// The process running it died (exit, abort, stack overflow, signal).
    Crash,
    /// The challenge does not build; the message has the first compiler error with file and line.
    CompileError,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Pass,
        Status::Fail,
        Status::Todo,
        Status::Panic,
        Status::Timeout,
        Status::Crash,
        Status::CompileError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Todo => "todo",
            Status::Panic => "panic",
            Status::Timeout => "timeout",
            Status::Crash => "crash",
            Status::CompileError => "compile_error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A challenge's overall status, derived from its checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeStatus {
    /// Full score.
    Pass,
    /// Some points, not all.
    Partial,
    /// It ran and scored 0.
    Fail,
    /// Every check is `todo`: the learner has not started.
    Todo,
    /// It does not build.
    CompileError,
}

impl ChallengeStatus {
    /// The rule of docs/GRADER.md, from the statuses and scores of a challenge's checks.
    pub fn derive(statuses: &[Status], score: u32, max_score: u32) -> Self {
        if statuses.contains(&Status::CompileError) {
            ChallengeStatus::CompileError
        } else if !statuses.is_empty() && statuses.iter().all(|s| *s == Status::Todo) {
            ChallengeStatus::Todo
        } else if score == max_score {
            ChallengeStatus::Pass
        } else if score > 0 {
            ChallengeStatus::Partial
        } else {
            ChallengeStatus::Fail
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeStatus::Pass => "pass",
            ChallengeStatus::Partial => "partial",
            ChallengeStatus::Fail => "fail",
            ChallengeStatus::Todo => "todo",
            ChallengeStatus::CompileError => "compile_error",
        }
    }
}

impl fmt::Display for ChallengeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_serialise_as_in_the_contract() {
        let names: Vec<String> = Status::ALL
            .iter()
            .map(|s| serde_json::to_string(s).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "\"pass\"",
                "\"fail\"",
                "\"todo\"",
                "\"panic\"",
                "\"timeout\"",
                "\"crash\"",
                "\"compile_error\""
            ]
        );
        for s in Status::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
    }

    #[test]
    fn challenge_status_follows_the_contract() {
        use Status::*;
        assert_eq!(
            ChallengeStatus::derive(&[Todo, Todo], 0, 5),
            ChallengeStatus::Todo
        );
        assert_eq!(
            ChallengeStatus::derive(&[Todo, Fail], 0, 5),
            ChallengeStatus::Fail
        );
        assert_eq!(
            ChallengeStatus::derive(&[Pass, Fail], 3, 5),
            ChallengeStatus::Partial
        );
        assert_eq!(
            ChallengeStatus::derive(&[Pass, Pass], 5, 5),
            ChallengeStatus::Pass
        );
        assert_eq!(
            ChallengeStatus::derive(&[CompileError], 0, 5),
            ChallengeStatus::CompileError
        );
    }
}
