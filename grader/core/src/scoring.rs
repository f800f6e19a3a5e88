//! From outcomes to points: a check scores its points only when it passes; every total is the sum
//! of its parts, so `score` can never disagree with the statuses below it.

use crate::supervise::CheckOutcome;
use crate::{ChallengePlan, ChallengeReport, ChallengeStatus, CheckReport, QuestionReport, Report, Status};

/// Scores one challenge. `outcomes` holds one entry per check of the plan, in plan order.
pub fn score_challenge(plan: &ChallengePlan, outcomes: &[CheckOutcome], duration_ms: u64) -> ChallengeReport {
    let mut outcomes = outcomes.iter();
    let questions: Vec<QuestionReport> = plan
        .questions
        .iter()
        .map(|q| {
            let checks: Vec<CheckReport> = q
                .checks
                .iter()
                .map(|c| {
                    let o = outcomes.next().cloned().unwrap_or(CheckOutcome {
                        status: Status::Crash,
                        message: Some("no outcome was recorded for this check".into()),
                        duration_ms: 0,
                    });
                    CheckReport {
                        id: c.id.clone(),
                        name: c.name.clone(),
                        status: o.status,
                        score: if o.status == Status::Pass { c.points } else { 0 },
                        max_score: c.points,
                        message: o.message,
                        duration_ms: o.duration_ms,
                    }
                })
                .collect();
            QuestionReport {
                id: q.id.clone(),
                title: q.title.clone(),
                score: checks.iter().map(|c| c.score).sum(),
                max_score: checks.iter().map(|c| c.max_score).sum(),
                checks,
            }
        })
        .collect();
    let score = questions.iter().map(|q| q.score).sum();
    let max_score = questions.iter().map(|q| q.max_score).sum();
    let statuses: Vec<Status> = questions
        .iter()
        .flat_map(|q| q.checks.iter().map(|c| c.status))
        .collect();
    ChallengeReport {
        id: plan.id.clone(),
        slug: plan.slug.clone(),
        title: plan.title.clone(),
        status: ChallengeStatus::derive(&statuses, score, max_score),
        score,
        max_score,
        duration_ms,
        questions,
    }
}

/// A challenge that did not build: every check gets `compile_error` and the compiler's message.
pub fn compile_error(plan: &ChallengePlan, message: &str, duration_ms: u64) -> ChallengeReport {
    every_check(plan, Status::CompileError, message, duration_ms)
}

/// How the message of a challenge that was not started begins (see [`not_started`]).
pub const NOT_STARTED: &str = "not started: ";

/// A challenge whose crate is the stub as shipped: every check is `todo` without building
/// anything (the kit's tests hold this to what grading the stub really gives). `crate_dir` names
/// the crate in the message (`exercises/c04-heartbeat`); `start` gives where a question's
/// `todo!()` is (`exercises/c04-heartbeat/src/lib.rs:35`), named in its checks' messages as the
/// runner names the `todo!()` it reached.
pub fn not_started(
    plan: &ChallengePlan,
    crate_dir: &str,
    start: &dyn Fn(&str) -> Option<String>,
) -> ChallengeReport {
    let outcomes: Vec<CheckOutcome> = plan
        .questions
        .iter()
        .flat_map(|q| {
            let message = match start(&q.id) {
                Some(place) => {
                    format!("{NOT_STARTED}{crate_dir} is the stub as shipped (todo!() at {place})")
                }
                None => format!("{NOT_STARTED}{crate_dir} is the stub as shipped"),
            };
            q.checks.iter().map(move |_| CheckOutcome {
                status: Status::Todo,
                message: Some(message.clone()),
                duration_ms: 0,
            })
        })
        .collect();
    score_challenge(plan, &outcomes, 0)
}

/// Every check of `plan` ends the same way, for a reason that is the challenge's, not a check's.
fn every_check(plan: &ChallengePlan, status: Status, message: &str, duration_ms: u64) -> ChallengeReport {
    let outcomes: Vec<CheckOutcome> = plan
        .checks()
        .map(|_| CheckOutcome {
            status,
            message: Some(message.to_string()),
            duration_ms: 0,
        })
        .collect();
    score_challenge(plan, &outcomes, duration_ms)
}

/// The whole report: totals are the sums of the challenges.
pub fn report(target: &str, challenges: Vec<ChallengeReport>) -> Report {
    Report {
        kit: "tokio-challenges".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        target: target.into(),
        score: challenges.iter().map(|c| c.score).sum(),
        max_score: challenges.iter().map(|c| c.max_score).sum(),
        challenges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"
id = "c99"
slug = "demo"
title = "Demo"
dir = "c99-demo"
[[questions]]
id = "q1"
title = "One"
hints = ["a nudge"]
checks = [
  { id = "a", name = "first", points = 3 },
  { id = "b", name = "second", points = 2 },
]
[[questions]]
id = "q2"
title = "Two"
hints = ["a nudge"]
checks = [{ id = "c", name = "third", points = 5 }]
"#;

    fn outcome(status: Status) -> CheckOutcome {
        CheckOutcome {
            status,
            message: None,
            duration_ms: 1,
        }
    }

    #[test]
    fn only_passing_checks_score_and_totals_add_up() {
        let plan = ChallengePlan::from_toml(PLAN).unwrap();
        let outcomes = [
            outcome(Status::Pass),
            outcome(Status::Fail),
            outcome(Status::Pass),
        ];
        let report = score_challenge(&plan, &outcomes, 7);
        assert_eq!((report.score, report.max_score), (8, 10));
        assert_eq!((report.questions[0].score, report.questions[0].max_score), (3, 5));
        assert_eq!(report.status, ChallengeStatus::Partial);
    }

    #[test]
    fn a_compile_error_scores_zero_of_the_full_maximum() {
        let plan = ChallengePlan::from_toml(PLAN).unwrap();
        let report = compile_error(&plan, "error: expected `;` --> src/lib.rs:3:9", 5);
        assert_eq!((report.score, report.max_score), (0, 10));
        assert_eq!(report.status, ChallengeStatus::CompileError);
        assert!(report.checks().all(|c| c.status == Status::CompileError));
    }

    #[test]
    fn plans_reject_duplicate_ids() {
        let text = PLAN.replace("id = \"b\"", "id = \"a\"");
        assert!(
            ChallengePlan::from_toml(&text)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
    }
}
