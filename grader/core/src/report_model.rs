//! The JSON report of docs/GRADER.md. Field names are a contract: add fields, never rename them.

use crate::{ChallengeStatus, Status};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub kit: String,
    pub version: String,
    /// `exercises`, `solutions`, or the submission's path.
    pub target: String,
    pub score: u32,
    pub max_score: u32,
    pub challenges: Vec<ChallengeReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChallengeReport {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub status: ChallengeStatus,
    pub score: u32,
    pub max_score: u32,
    pub duration_ms: u64,
    pub questions: Vec<QuestionReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionReport {
    pub id: String,
    pub title: String,
    pub score: u32,
    pub max_score: u32,
    pub checks: Vec<CheckReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The check's stable id from `challenge.toml`, e.g. `reply-bytes`.
    pub id: String,
    pub name: String,
    pub status: Status,
    pub score: u32,
    pub max_score: u32,
    pub message: Option<String>,
    pub duration_ms: u64,
}

impl Report {
    /// True when every check passed.
    pub fn all_passed(&self) -> bool {
        self.checks().all(|c| c.status == Status::Pass)
    }

    pub fn checks(&self) -> impl Iterator<Item = &CheckReport> {
        self.challenges.iter().flat_map(|c| c.checks())
    }
}

impl ChallengeReport {
    pub fn checks(&self) -> impl Iterator<Item = &CheckReport> {
        self.questions.iter().flat_map(|q| q.checks.iter())
    }
}
