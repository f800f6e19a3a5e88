//! `--format junit`: JUnit XML in the Jenkins flavour that CI test widgets (GitHub, GitLab) read,
//! written by `quick-junit`, the crate cargo-nextest uses.
//!
//! One `testsuite` per challenge (`c01-identity`), one `testcase` per check. A wrong answer is a
//! `<failure>`; a check that could not reach a verdict (todo, panic, timeout, crash, compile
//! error) is an `<error>`, its `type` the status word. JUnit has no points, so they travel as
//! properties: `score`, `max_score` and `status` on each suite, `score` and `max_score` on each
//! testcase.
//!
//! Every string goes through [`xml_text`] first: a learner's panic message can hold ANSI escapes,
//! NUL or form feeds, which no XML 1.0 document may contain even escaped. quick-junit filters
//! strings too (it also drops tabs, carriage returns and C1 controls), but lets U+FFFE and U+FFFF
//! through; the kit's tests parse the result back and check every character.

use super::text::{first_line, xml_text};
use crate::{ChallengeReport, CheckReport, QuestionReport, Report, Status};
use anyhow::{Context, Result};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

/// The report as a JUnit XML document.
pub fn to_junit(report: &Report) -> Result<String> {
    let mut junit = quick_junit::Report::new(xml_text(&report.kit));
    let total_ms = report.challenges.iter().map(|c| c.duration_ms).sum();
    junit.set_time(Duration::from_millis(total_ms));
    junit.add_test_suites(report.challenges.iter().map(suite));
    junit.to_string().context("could not write the JUnit report")
}

fn suite(c: &ChallengeReport) -> TestSuite {
    let mut suite = TestSuite::new(xml_text(&format!("{}-{}", c.id, c.slug)));
    suite.set_time(Duration::from_millis(c.duration_ms));
    suite.add_properties([
        Property::new("score", c.score.to_string()),
        Property::new("max_score", c.max_score.to_string()),
        Property::new("status", c.status.as_str()),
    ]);
    for q in &c.questions {
        suite.add_test_cases(q.checks.iter().map(|k| test_case(c, q, k)));
    }
    suite
}

fn test_case(c: &ChallengeReport, q: &QuestionReport, k: &CheckReport) -> TestCase {
    let status = match k.status {
        Status::Pass => TestCaseStatus::success(),
        Status::Fail => non_success(NonSuccessKind::Failure, k),
        Status::Todo | Status::Panic | Status::Timeout | Status::Crash | Status::CompileError => {
            non_success(NonSuccessKind::Error, k)
        }
    };
    let mut case = TestCase::new(xml_text(&format!("{} · {}", q.id, k.name)), status);
    case.set_classname(xml_text(&format!("{}.{}", c.id, q.id)));
    case.set_time(Duration::from_millis(k.duration_ms));
    case.add_properties([
        Property::new("score", k.score.to_string()),
        Property::new("max_score", k.max_score.to_string()),
    ]);
    case
}

/// A `<failure>` or `<error>`: `type` the status word, `message` the message's first line, the
/// whole message as the element's text.
fn non_success(kind: NonSuccessKind, k: &CheckReport) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(kind);
    status.set_type(k.status.as_str());
    let message = k
        .message
        .as_deref()
        .map(xml_text)
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| format!("the check ended as `{}` without a message", k.status));
    status.set_message(first_line(&message));
    status.set_description(message.as_str());
    status
}
