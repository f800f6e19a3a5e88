//! `--format gradescope`: the `results.json` a Gradescope autograder writes to
//! `/autograder/results/`. One Gradescope test per check, so a learner sees every check with its
//! points; the top-level `score` is the report's total, which Gradescope then uses as is.

use super::labels::id_number;
use super::text::strip_ansi;
use crate::{ChallengeReport, CheckReport, Report, Status};
use serde::Serialize;

#[derive(Serialize)]
struct Results {
    score: u32,
    /// Whole seconds, rounded up: the sum of the challenges' durations.
    execution_time: u64,
    output: String,
    output_format: &'static str,
    visibility: &'static str,
    /// The grader's stdout holds the kit's build progress: instructors only.
    stdout_visibility: &'static str,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    /// `<challenge number>.<check number within the challenge>`, e.g. `1.2`.
    number: String,
    score: u32,
    max_score: u32,
    status: &'static str,
    output: String,
    tags: Vec<String>,
    visibility: &'static str,
}

/// The report as Gradescope's `results.json`, pretty-printed.
pub fn to_gradescope(report: &Report) -> String {
    let duration_ms: u64 = report.challenges.iter().map(|c| c.duration_ms).sum();
    let results = Results {
        score: report.score,
        execution_time: duration_ms.div_ceil(1000),
        output: report.challenges.iter().map(summary_line).collect(),
        output_format: "text",
        visibility: "visible",
        stdout_visibility: "hidden",
        tests: report
            .challenges
            .iter()
            .enumerate()
            .flat_map(|(index, c)| challenge_tests(index, c))
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&results).expect("results always serialise");
    json.push('\n');
    json
}

/// `c01 identity: 12/22 (partial)`.
fn summary_line(c: &ChallengeReport) -> String {
    format!(
        "{} {}: {}/{} ({})\n",
        c.id, c.slug, c.score, c.max_score, c.status
    )
}

/// The tests of the challenge at `index` in the report. Its number comes from its id (`c04` → 4),
/// or from its place in the report for an id without one, so that numbers stay unique.
fn challenge_tests(index: usize, c: &ChallengeReport) -> Vec<Test> {
    let challenge_number = id_number(&c.id).map_or(index + 1, |n| n as usize);
    c.questions
        .iter()
        .flat_map(|q| q.checks.iter().map(move |k| (q, k)))
        .enumerate()
        .map(|(i, (q, k))| Test {
            name: format!("{} {} · {}", c.id, q.id, k.name),
            number: format!("{challenge_number}.{}", i + 1),
            score: k.score,
            max_score: k.max_score,
            status: if k.status == Status::Pass {
                "passed"
            } else {
                "failed"
            },
            output: check_output(k),
            tags: vec![c.id.clone(), q.id.clone(), k.status.to_string()],
            visibility: "visible",
        })
        .collect()
}

/// `fail: expected …`: the status word, then the message (a compile error's message is the
/// compiler's, the same in each check of the challenge).
fn check_output(k: &CheckReport) -> String {
    match k.message.as_deref().map(strip_ansi) {
        Some(message) if !message.is_empty() => format!("{}: {message}", k.status),
        _ => k.status.to_string(),
    }
}
