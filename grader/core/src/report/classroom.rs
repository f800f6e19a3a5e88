//! `--format classroom`: the result a GitHub Classroom runner step hands to
//! `autograding-grading-reporter` (in its `result` output, base64-encoded: `--base64`).
//!
//! The reporter adds up the tests' `score` fields for "Points X/Y" and fails the job on any test
//! that is not `pass`, so a test scores its points only when it passed. Unlike Exercism's format,
//! `tests` is always there (the reporter iterates it), even when nothing built.

use super::labels::{nothing_ran, problem_message, runner_status, runner_test_name};
use super::text::{MESSAGE_CAP, truncate_chars};
use crate::{ChallengeReport, Report, Status};
use base64::Engine;
use serde::Serialize;

#[derive(Serialize)]
struct Results {
    version: u8,
    status: &'static str,
    max_score: u32,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    status: &'static str,
    score: u32,
    message: Option<String>,
    test_code: String,
    /// The challenge's folder, relative to the kit's root: where the learner looks.
    filename: String,
    line_no: u32,
    /// Milliseconds.
    duration: u64,
}

/// The report as a Classroom runner result: pretty JSON, or with `base64` the compact JSON
/// base64-encoded (standard alphabet, padded) on one line, as the reporter reads it.
pub fn to_classroom(report: &Report, base64: bool) -> String {
    let results = Results {
        version: 1,
        status: if nothing_ran(report) {
            "error"
        } else if report.all_passed() {
            "pass"
        } else {
            "fail"
        },
        max_score: report.max_score,
        tests: report
            .challenges
            .iter()
            .flat_map(|c| challenge_tests(&report.target, c))
            .collect(),
    };
    let mut out = if base64 {
        let json = serde_json::to_string(&results).expect("results always serialise");
        base64::engine::general_purpose::STANDARD.encode(json)
    } else {
        serde_json::to_string_pretty(&results).expect("results always serialise")
    };
    out.push('\n');
    out
}

fn challenge_tests(target: &str, c: &ChallengeReport) -> Vec<Test> {
    let filename = format!("{}/{}-{}", folder(target), c.id, c.slug);
    c.questions
        .iter()
        .flat_map(|q| q.checks.iter().map(move |k| (q, k)))
        .map(|(q, k)| Test {
            name: runner_test_name(&c.id, &q.id, k),
            status: runner_status(k.status),
            score: if k.status == Status::Pass { k.score } else { 0 },
            message: problem_message(k).map(|m| truncate_chars(&m, MESSAGE_CAP)),
            test_code: k.id.clone(),
            filename: filename.clone(),
            line_no: 0,
            duration: k.duration_ms,
        })
        .collect()
}

/// The kit folder a target's challenges live in: `solutions` for the reference answers, and
/// `exercises` otherwise (a submission is a copy of a learner's `exercises/`).
fn folder(target: &str) -> &'static str {
    if target == "solutions" {
        "solutions"
    } else {
        "exercises"
    }
}
