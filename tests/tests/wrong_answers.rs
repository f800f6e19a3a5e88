//! Wrong answers are caught: each case in `tests/wrong/<challenge>/<case>/` overlays a reference
//! solution with a plausible mistake, and `expect.toml` lists the checks it must lose. Every other
//! check of the challenge must still pass, so a mistake costs exactly what it breaks.
//!
//! Cases of different challenges share a submission (case k of each challenge), which keeps the
//! number of builds down; each challenge is still graded on its own.

use grader_core::Status;
use kit_tests::{check_name, copy_dir, grade_json, kit_root, plans};
use std::collections::BTreeSet;
use std::path::PathBuf;

struct Case {
    challenge: String,
    name: String,
    dir: PathBuf,
    fails: BTreeSet<String>,
}

fn cases() -> Vec<Vec<Case>> {
    let plans = plans();
    let mut by_challenge = Vec::new();
    for plan in &plans {
        let root = kit_root().join("tests/wrong").join(&plan.dir);
        let mut cases: Vec<Case> = std::fs::read_dir(&root)
            .unwrap_or_else(|_| panic!("{} has no wrong answers in {}", plan.id, root.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .map(|dir| {
                let expect: toml::Table = std::fs::read_to_string(dir.join("expect.toml"))
                    .unwrap()
                    .parse()
                    .unwrap();
                let fails = expect["fails"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|id| check_name(plan, id.as_str().unwrap()))
                    .collect();
                Case {
                    challenge: plan.id.clone(),
                    name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                    dir,
                    fails,
                }
            })
            .collect();
        cases.sort_by(|a, b| a.name.cmp(&b.name));
        assert!(
            cases.len() >= 3,
            "{}: at least three wrong answers, found {}",
            plan.id,
            cases.len()
        );
        by_challenge.push(cases);
    }
    // Round k: case k of every challenge that has one.
    let rounds = by_challenge.iter().map(Vec::len).max().unwrap_or(0);
    let mut iters: Vec<_> = by_challenge.into_iter().map(Vec::into_iter).collect();
    (0..rounds)
        .map(|_| iters.iter_mut().filter_map(Iterator::next).collect())
        .collect()
}

#[test]
fn each_wrong_answer_loses_exactly_the_checks_it_breaks() {
    let plans = plans();
    let mut problems = Vec::new();
    for round in cases() {
        let temp = tempfile::Builder::new().prefix("wrong-").tempdir().unwrap();
        for case in &round {
            let plan = plans.iter().find(|p| p.id == case.challenge).unwrap();
            let dest = temp.path().join(&plan.dir);
            copy_dir(&kit_root().join("solutions").join(&plan.dir), &dest);
            copy_dir(&case.dir, &dest);
        }
        let only: Vec<&str> = round.iter().map(|c| c.challenge.as_str()).collect();
        let (report, _) = grade_json(&[
            "--submission",
            temp.path().to_str().unwrap(),
            "--only",
            &only.join(","),
        ]);
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
                    "{} {}: expected to lose {:?}, lost {:?}\n{}",
                    case.challenge,
                    case.name,
                    case.fails,
                    lost,
                    details.join("\n")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
