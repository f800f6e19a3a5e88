//! Wrong answers are caught: each case in `tests/wrong/<challenge>/<case>.toml` edits a copy of a
//! reference solution into a plausible mistake and lists the checks it must lose (`fails`). Every
//! other check of the challenge must still pass, so a mistake costs exactly what it breaks.
//!
//! Cases of different challenges share a submission (case k of each challenge), which keeps the
//! number of grader runs down; each challenge is still graded on its own. Every round reuses one
//! submission folder under `target/`, rewritten only where a file changes: the grader's runner for
//! each challenge is then the same crate from round to round, and cargo's incremental compilation
//! rebuilds only what a case changed (about a second) instead of compiling the checks anew.
//!
//! `WRONG_ONLY=c01,c04` keeps those challenges; `WRONG_CASE=no-spawn` keeps the cases of that name.

use grader_core::Status;
use grader_core::wrong::{self, WrongCase};
use kit_tests::{check_name, copy_dir, grade_json, kit_root, plans};
use std::collections::BTreeSet;

struct Case {
    challenge: String,
    dir: String,
    case: WrongCase,
    fails: BTreeSet<String>,
}

fn wanted(var: &str, value: &str) -> bool {
    std::env::var(var).map_or(true, |list| list.split(',').any(|v| v.trim() == value))
}

/// Rounds of cases, at most one per challenge in each.
fn rounds() -> Vec<Vec<Case>> {
    let kit = kit_root();
    let mut by_challenge = Vec::new();
    for plan in plans().iter().filter(|p| wanted("WRONG_ONLY", &p.id)) {
        let cases = wrong::load_cases(&kit, plan).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            cases.len() >= 3 || std::env::var_os("WRONG_CASE").is_some(),
            "{}: at least three wrong answers in {}, found {}",
            plan.id,
            wrong::cases_dir(&kit, plan).display(),
            cases.len()
        );
        let cases: Vec<Case> = cases
            .into_iter()
            .filter(|c| wanted("WRONG_CASE", &c.name))
            .map(|case| {
                let problems = case.problems(plan);
                assert!(problems.is_empty(), "{}", problems.join("\n"));
                Case {
                    challenge: plan.id.clone(),
                    dir: plan.dir.clone(),
                    fails: case.fails.iter().map(|id| check_name(plan, id)).collect(),
                    case,
                }
            })
            .collect();
        by_challenge.push(cases);
    }
    let rounds = by_challenge.iter().map(Vec::len).max().unwrap_or(0);
    let mut iters: Vec<_> = by_challenge.into_iter().map(Vec::into_iter).collect();
    (0..rounds)
        .map(|_| iters.iter_mut().filter_map(Iterator::next).collect())
        .collect()
}

#[test]
fn each_wrong_answer_loses_exactly_the_checks_it_breaks() {
    let kit = kit_root();
    let mut problems = Vec::new();
    for round in rounds() {
        let submission = kit.join("target/kit-tests/wrong/submission");
        for case in &round {
            // Edit a scratch copy, then sync it into the submission: unchanged files keep their
            // timestamps.
            let scratch = tempfile::tempdir().unwrap();
            copy_dir(&kit.join("solutions").join(&case.dir), scratch.path());
            case.case.apply(scratch.path()).unwrap_or_else(|e| panic!("{e}"));
            copy_dir(scratch.path(), &submission.join(&case.dir));
        }
        let only: Vec<&str> = round.iter().map(|c| c.challenge.as_str()).collect();
        let started = std::time::Instant::now();
        let (report, _) = grade_json(&[
            "--submission",
            submission.to_str().unwrap(),
            "--only",
            &only.join(","),
        ]);
        let graded: u64 = report.challenges.iter().map(|c| c.duration_ms).sum();
        eprintln!(
            "round of {}: {} ms in all, {graded} ms of it grading",
            only.join(","),
            started.elapsed().as_millis()
        );
        for case in &round {
            let challenge = report.challenges.iter().find(|c| c.id == case.challenge).unwrap();
            let lost: BTreeSet<String> = challenge
                .checks()
                .filter(|k| k.status != Status::Pass)
                .map(|k| k.name.clone())
                .collect();
            if lost != case.fails {
                let details: Vec<String> = challenge
                    .checks()
                    .filter(|k| k.status != Status::Pass)
                    .map(|k| {
                        format!(
                            "    {} {}: {}",
                            k.status,
                            k.name,
                            k.message.clone().unwrap_or_default()
                        )
                    })
                    .collect();
                problems.push(format!(
                    "{} {} ({}): expected to lose {:?}, lost {:?}\n{}",
                    case.challenge,
                    case.case.name,
                    case.case.why,
                    case.fails,
                    lost,
                    details.join("\n")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
