//! The two facts the kit stands on: every reference solution scores full marks, and every stub
//! scores 0 with all its checks `todo` (a check that passes on a stub is a bug).

use grader_core::Status;
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

/// A fresh clone's stubs: untouched, they are `todo` without building anything, each check saying
/// so. That this shortcut agrees, check by check, with really building and running the stubs is
/// held by the Gradescope test, whose `setup.sh` builds and grades them for real anyway (one build
/// of the 14 stub runners for the kit's tests).
#[test]
fn every_stub_scores_zero_with_all_checks_todo() {
    let report = kit_tests::grade_stubs();
    for c in report.checks() {
        let says = c.message.as_deref().unwrap_or_default();
        assert!(says.contains("is the stub as shipped"), "{}: {says}", c.id);
    }
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
