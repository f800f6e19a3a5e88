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

#[test]
fn every_stub_scores_zero_with_all_checks_todo() {
    let (report, code) = grade_json(&[]);
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
    assert_eq!(code, 1);
    let max: u32 = plans().iter().map(|p| p.max_score()).sum();
    assert_eq!(report.max_score, max);
}
