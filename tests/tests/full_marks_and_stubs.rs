//! The two facts the kit stands on: every reference solution scores full marks, and every stub
//! scores 0 with all its checks `todo` (a check that passes on a stub is a bug).

use grader_core::{ChallengeStatus, Status};
use kit_tests::{grade_json, plans};

#[test]
fn every_solution_scores_full_marks() {
    let (report, code) = grade_json(&["--solutions"]);
    let failing: Vec<_> = kit_tests::statuses(&report)
        .into_iter()
        .filter(|s| s.2 != Status::Pass)
        .collect();
    assert!(
        failing.is_empty(),
        "checks that fail on the solutions: {failing:#?}"
    );
    assert_eq!(report.score, report.max_score);
    assert_eq!(report.target, "solutions");
    assert_eq!(code, 0);
    assert_eq!(
        report.challenges.len(),
        plans().len(),
        "every challenge is graded"
    );
}

/// The stubs are graded twice: as a fresh clone sees them (untouched stubs are `todo` without
/// building anything) and really built and run (`TOKIO_CHALLENGES_NO_SHORTCUTS`). Both must agree,
/// check by check: that is what makes the shortcut honest.
#[test]
fn every_stub_scores_zero_with_all_checks_todo() {
    let real = grade_stubs(true);
    let shortcut = grade_stubs(false);
    let statuses = |r: &grader_core::Report| -> Vec<(String, String, Status)> {
        kit_tests::statuses(r)
            .into_iter()
            .map(|s| (s.0, s.1, s.2))
            .collect()
    };
    assert_eq!(
        statuses(&real),
        statuses(&shortcut),
        "the shortcut agrees with the real grade"
    );
    for c in shortcut.checks() {
        let says = c.message.as_deref().unwrap_or_default();
        assert!(says.contains("is the stub as shipped"), "{}: {says}", c.id);
    }
    assert!(
        real.checks().all(|c| c
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("not implemented yet ("))),
        "the real grade names each stub's `todo!()`"
    );
}

fn grade_stubs(really: bool) -> grader_core::Report {
    let mut grader = kit_tests::grader();
    if really {
        grader.env("TOKIO_CHALLENGES_NO_SHORTCUTS", "1");
    }
    let output = grader
        .args(["--format", "json"])
        .output()
        .expect("the grader runs");
    let report: grader_core::Report = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let not_todo: Vec<_> = kit_tests::statuses(&report)
        .into_iter()
        .filter(|s| s.2 != Status::Todo)
        .collect();
    assert!(
        not_todo.is_empty(),
        "checks that are not `todo` on the stubs: {not_todo:#?}"
    );
    assert_eq!(report.score, 0);
    assert!(
        report
            .challenges
            .iter()
            .all(|c| c.status == ChallengeStatus::Todo)
    );
    assert_eq!(report.target, "exercises");
    assert_eq!(output.status.code(), Some(1));
    let max: u32 = plans().iter().map(|p| p.max_score()).sum();
    assert_eq!(report.max_score, max);
    report
}

/// docs/GRADER.md fixes the JSON report's field names: add fields, never rename them.
#[test]
fn the_json_report_has_the_fields_of_the_contract() {
    let output = kit_tests::grader()
        .args(["--solutions", "--only", "c04", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&value),
        ["challenges", "kit", "max_score", "score", "target", "version"]
    );
    assert_eq!(value["kit"], "tokio-challenges");
    let challenge = &value["challenges"][0];
    assert_eq!(
        keys(challenge),
        [
            "duration_ms",
            "id",
            "max_score",
            "questions",
            "score",
            "slug",
            "status",
            "title"
        ]
    );
    let question = &challenge["questions"][0];
    assert_eq!(keys(question), ["checks", "id", "max_score", "score", "title"]);
    let check = &question["checks"][0];
    assert_eq!(
        keys(check),
        [
            "duration_ms",
            "id",
            "max_score",
            "message",
            "name",
            "score",
            "status"
        ]
    );
    assert!(check["message"].is_null(), "a passing check has a null message");
    assert_eq!(challenge["status"], "pass");
}
