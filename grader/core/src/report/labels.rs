//! What several result formats say alike about a check: numbers read from ids, the three-way
//! status of test runners, and a message for every check that did not pass.

use super::text::strip_ansi;
use crate::{ChallengeStatus, CheckReport, Report, Status};

/// The number in an id like `c01` or `q2` (its prefix letter, then digits): 1, 2.
pub fn id_number(id: &str) -> Option<u32> {
    let mut chars = id.chars();
    chars.next().filter(char::is_ascii_alphabetic)?;
    let digits = chars.as_str();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// How test runners (Exercism's, GitHub Classroom's) see a status: `pass`; `fail` when the code
/// ran and answered wrong; `error` when the check could not run to a verdict (not started,
/// panicked, hung, crashed, did not build).
pub fn runner_status(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Todo | Status::Panic | Status::Timeout | Status::Crash | Status::CompileError => "error",
    }
}

/// True when no check could run: the report has challenges and every one of them failed to build.
pub fn nothing_ran(report: &Report) -> bool {
    !report.challenges.is_empty()
        && report
            .challenges
            .iter()
            .all(|c| c.status == ChallengeStatus::CompileError)
}

/// `c01 q1: <check name>`, the test name of the runner formats.
pub fn runner_test_name(challenge_id: &str, question_id: &str, check: &CheckReport) -> String {
    format!("{challenge_id} {question_id}: {}", check.name)
}

/// What a learner should read about a check that did not pass (ANSI escapes stripped), or `None`
/// for a pass. A `todo` becomes a sentence that says where to start; a status that came without
/// a message (the runner protocol allows it) gets one that names the status.
pub fn problem_message(check: &CheckReport) -> Option<String> {
    let message = check.message.as_deref().map(strip_ansi);
    match check.status {
        Status::Pass => None,
        Status::Todo => Some(todo_sentence(message.as_deref())),
        status => Some(message.filter(|m| !m.trim().is_empty()).unwrap_or_else(|| {
            format!("The check ended as `{status}` without a message; run it locally for details.")
        })),
    }
}

/// The runner reports `todo` as `not implemented yet (<file>:<line>)`; a crate left as shipped is
/// `todo` without running (`scoring::not_started`), with the question's `todo!()` when the stub
/// names it.
fn todo_sentence(message: Option<&str>) -> String {
    if let Some(untouched) = message.and_then(|m| m.strip_prefix(crate::scoring::NOT_STARTED)) {
        let crate_dir = untouched.split(" is the stub").next().unwrap_or(untouched);
        return match todo_location(untouched) {
            Some(place) => format!(
                "Not started yet: {crate_dir} is the stub as shipped; replace the `todo!()` at {place} with your implementation."
            ),
            None => format!("Not started yet: {untouched}; replace its `todo!()`s with your implementation."),
        };
    }
    let location = message.and_then(todo_location);
    match (location, message) {
        (Some(place), _) => format!(
            "Not started yet: the code under test reached the `todo!()` at {place}; replace it with your implementation."
        ),
        (None, Some(m)) if !m.trim().is_empty() => format!(
            "Not started yet: the code under test reached a `todo!()` ({m}); replace it with your implementation."
        ),
        _ => "Not started yet: the code under test reached a `todo!()`; replace it with your implementation."
            .to_owned(),
    }
}

/// The `<file>:<line>` of a `todo` message: the runner's `not implemented yet (<file>:<line>)`, or
/// a stub's `… (todo!() at <file>:<line>)`.
pub(crate) fn todo_location(message: &str) -> Option<&str> {
    let place = match message.rsplit_once("(todo!() at ") {
        Some((_, rest)) => rest.strip_suffix(')')?,
        None => message.rsplit_once('(')?.1.strip_suffix(')')?,
    };
    place.contains(':').then_some(place)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: Status, message: Option<&str>) -> CheckReport {
        CheckReport {
            id: "reply".into(),
            name: "replies".into(),
            status,
            score: 0,
            max_score: 1,
            message: message.map(str::to_owned),
            duration_ms: 1,
        }
    }

    #[test]
    fn numbers_come_from_ids() {
        assert_eq!(id_number("c01"), Some(1));
        assert_eq!(id_number("c14"), Some(14));
        assert_eq!(id_number("q2"), Some(2));
        assert_eq!(id_number("c"), None);
        assert_eq!(id_number("echo"), None);
        assert_eq!(id_number("c1a"), None);
    }

    #[test]
    fn statuses_map_to_three() {
        let mapped: Vec<&str> = Status::ALL.iter().map(|&s| runner_status(s)).collect();
        assert_eq!(
            mapped,
            ["pass", "fail", "error", "error", "error", "error", "error"]
        );
    }

    #[test]
    fn every_problem_has_a_message() {
        assert_eq!(problem_message(&check(Status::Pass, None)), None);
        let todo = problem_message(&check(
            Status::Todo,
            Some("not implemented yet (exercises/c01-identity/src/lib.rs:12)"),
        ));
        assert!(
            todo.as_deref()
                .is_some_and(|m| m.contains("`todo!()` at exercises/c01-identity/src/lib.rs:12"))
        );
        let untouched = problem_message(&check(
            Status::Todo,
            Some("not started: exercises/c01-identity is the stub as shipped"),
        ));
        assert_eq!(
            untouched.as_deref(),
            Some(
                "Not started yet: exercises/c01-identity is the stub as shipped; replace its `todo!()`s with your implementation."
            )
        );
        let crash = problem_message(&check(Status::Crash, None));
        assert!(crash.is_some_and(|m| m.contains("`crash`")));
        let fail = problem_message(&check(Status::Fail, Some("\x1b[31mexpected 1\x1b[0m")));
        assert_eq!(fail.as_deref(), Some("expected 1"));
    }

    #[test]
    fn runner_names() {
        assert_eq!(
            runner_test_name("c01", "q2", &check(Status::Pass, None)),
            "c01 q2: replies"
        );
    }
}
