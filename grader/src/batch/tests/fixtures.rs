//! Made-up plans and reports, built with the grader's own scoring so their totals add up as real
//! ones do.

use grader_core::supervise::CheckOutcome;
use grader_core::{ChallengePlan, CheckPlan, QuestionPlan, Report, Status};

/// Two small challenges: c01 (q1: a 3 pts, b 2 pts; q2: c 5 pts) and c02 (q1: x 4 pts, y 1 pt).
pub fn plans() -> Vec<ChallengePlan> {
    const C01: &str = r#"
id = "c01"
slug = "identity"
title = "Identity Server and Client"
dir = "c01-identity"
[[questions]]
id = "q1"
title = "Who are you?"
hints = ["a nudge"]
checks = [
  { id = "a", name = "first", points = 3 },
  { id = "b", name = "second", points = 2 },
]
[[questions]]
id = "q2"
title = "Show log"
hints = ["a nudge"]
checks = [{ id = "c", name = "third", points = 5 }]
"#;
    const C02: &str = r#"
id = "c02"
slug = "future-101"
title = "Deferred 101"
dir = "c02-future-101"
[[questions]]
id = "q1"
title = "Futures"
hints = ["a nudge"]
checks = [
  { id = "x", name = "fourth", points = 4 },
  { id = "y", name = "fifth", points = 1 },
]
"#;
    [C01, C02]
        .iter()
        .map(|text| ChallengePlan::from_toml(text).expect("the fixture plans parse"))
        .collect()
}

/// A plausible message for a check that ended in `status`.
pub fn message(plan: &ChallengePlan, status: Status) -> Option<String> {
    let dir = &plan.dir;
    match status {
        Status::Pass => None,
        Status::Fail => Some(
            "expected the reply `You are from 127.0.0.1 on port 50412, saying \"hi\"\\r\\n`,\n\
             got `You are from 127.0.0.1:50412\\r\\n` (the port is not separated by ` on port `)"
                .into(),
        ),
        Status::Todo => Some(format!("not implemented yet (exercises/{dir}/src/q1.rs:25)")),
        Status::Panic => Some(format!(
            "panicked at exercises/{dir}/src/q1.rs:41:38: called `Result::unwrap()` on an `Err` value: \
             Os {{ code: 32, kind: BrokenPipe, message: \"Broken pipe\" }}"
        )),
        Status::Timeout => Some("did not finish within its 10 s limit (the server never replied)".into()),
        Status::Crash => Some("the check runner was killed by signal 11 (SIGSEGV)".into()),
        Status::CompileError => Some(format!(
            "error[E0308]: mismatched types\n  --> exercises/{dir}/src/q1.rs:31:18\n   |\n\
             31 |     let n: u32 = line.len();\n   |            ---   ^^^^^^^^^^ expected `u32`, found `usize`"
        )),
    }
}

/// A report of `plans` where `status` decides each check; a challenge for which `status` gives
/// `CompileError` on its first check does not build at all.
pub fn report(
    plans: &[ChallengePlan],
    status: impl Fn(&ChallengePlan, &QuestionPlan, &CheckPlan) -> Status,
) -> Report {
    let challenges = plans
        .iter()
        .map(|plan| {
            let first = plan.checks().next().map(|(q, c)| status(plan, q, c));
            if first == Some(Status::CompileError) {
                let message = message(plan, Status::CompileError).unwrap_or_default();
                return grader_core::scoring::compile_error(plan, &message, 900);
            }
            let outcomes: Vec<CheckOutcome> = plan
                .checks()
                .enumerate()
                .map(|(i, (q, c))| {
                    let status = status(plan, q, c);
                    CheckOutcome {
                        status,
                        message: message(plan, status),
                        duration_ms: if status == Status::Timeout {
                            c.limit_ms
                        } else {
                            3 + i as u64 * 7
                        },
                    }
                })
                .collect();
            grader_core::scoring::score_challenge(plan, &outcomes, 1200)
        })
        .collect();
    grader_core::scoring::report("submissions/someone", challenges)
}

/// The four graded learners of the unit tests, as (name, report):
/// - `finished`: everything passes (15/15, 100 %);
/// - `half`: c01 a pass, b fail, c todo; c02 x pass, y timeout (7/15);
/// - `broken`: c01 does not build; c02 all pass (5/15);
/// - `fresh`: everything todo (0/15).
pub fn class(plans: &[ChallengePlan]) -> Vec<(&'static str, Report)> {
    use Status::*;
    let by_id = |table: &'static [(&'static str, Status)]| {
        move |_: &ChallengePlan, _: &QuestionPlan, c: &CheckPlan| {
            table.iter().find(|(id, _)| *id == c.id).map_or(Todo, |(_, s)| *s)
        }
    };
    vec![
        ("finished", report(plans, |_, _, _| Pass)),
        (
            "half",
            report(
                plans,
                by_id(&[("a", Pass), ("b", Fail), ("x", Pass), ("y", Timeout)]),
            ),
        ),
        (
            "broken",
            report(plans, by_id(&[("a", CompileError), ("x", Pass), ("y", Pass)])),
        ),
        ("fresh", report(plans, |_, _, _| Todo)),
    ]
}
