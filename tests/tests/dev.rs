//! `grader dev check` and `grader dev new`, on scratch copies of the kit (`TOKIO_CHALLENGES_KIT`),
//! so the kit itself is never changed: the check passes on the kit, fails with a message that names
//! the file on each kind of drift, and a scaffolded challenge passes it and grades as `todo`.

use grader_core::ChallengeStatus;
use kit_tests::{copy_dir, grader, kit_root};
use std::path::Path;

/// A copy of what `dev check` reads (and what grading a challenge needs), with the grader's crates
/// linked rather than copied, in a temporary folder.
fn scratch_kit() -> tempfile::TempDir {
    let temp = tempfile::Builder::new().prefix("kit-").tempdir().unwrap();
    fill_scratch_kit(temp.path());
    temp
}

/// The same at a fixed place, emptied first, for a test that builds: cargo keys the linked crates
/// (the harness, the grader's core) by the path they are reached by, so at a fixed path a rerun
/// reuses their builds instead of compiling them again (10 of a warm run's 12 s).
fn scratch_kit_at(name: &str) -> std::path::PathBuf {
    let dir = kit_tests::kit_target_dir()
        .join("kit-tests")
        .join("dev")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    fill_scratch_kit(&dir);
    dir
}

fn fill_scratch_kit(temp: &Path) {
    let kit = kit_root();
    for dir in ["exercises", "solutions", "grader/checks", "tests/wrong", "docs"] {
        copy_dir(&kit.join(dir), &temp.join(dir));
    }
    for file in ["README.md", "Cargo.toml", "Cargo.lock"] {
        std::fs::copy(kit.join(file), temp.join(file)).unwrap();
    }
    for dir in [
        "grader/harness",
        "grader/core",
        "grader/bench",
        "grader/workspace-hack",
    ] {
        std::os::unix::fs::symlink(kit.join(dir), temp.join(dir)).unwrap();
    }
}

/// Runs the grader on the scratch kit; returns (exit code, stdout, stderr).
fn run_on(kit: &Path, args: &[&str]) -> (i32, String, String) {
    let output = grader()
        .env("TOKIO_CHALLENGES_KIT", kit)
        .env("TOKIO_CHALLENGES_STATE_DIR", kit.join("state"))
        .env("CARGO_TARGET_DIR", kit_root().join("target"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// One kind of drift: what it is, how to make it in a scratch kit, what `dev check` must say.
type Drift<'a> = (&'a str, Box<dyn Fn(&Path) + 'a>, String);

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} has no {from:?}: update this test",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn dev_check_passes_on_the_kit() {
    let output = grader().args(["dev", "check"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn dev_check_names_the_file_and_the_fix_for_each_kind_of_drift() {
    let plans = kit_tests::plans();
    let c04 = plans.iter().find(|p| p.id == "c04").unwrap();
    let total = c04.max_score();
    let cases = grader_core::wrong::load_cases(&kit_root(), c04).unwrap();
    let stale = &cases[0];
    let drifts: Vec<Drift<'_>> = vec![
        (
            "a README total that disagrees",
            Box::new(move |kit| {
                edit(
                    &kit.join("exercises/c04-heartbeat/README.md"),
                    &format!("The checks ({total} points)"),
                    &format!("The checks ({} points)", total + 1),
                )
            }),
            format!(
                "exercises/c04-heartbeat/README.md: says `The checks ({} points)`",
                total + 1
            ),
        ),
        (
            "a stale edit",
            Box::new(|kit| {
                let find = &stale.edits[0].find;
                let first = find.lines().find(|l| !l.trim().is_empty()).unwrap();
                edit(
                    &kit.join("solutions/c04-heartbeat").join(&stale.edits[0].file),
                    find,
                    &find.replacen(first, &format!("{first} // changed"), 1),
                )
            }),
            format!("tests/wrong/c04-heartbeat/{}.toml: edit 1 of", stale.name),
        ),
        (
            "a check id missing from the suite",
            Box::new(|kit| {
                edit(
                    &kit.join("grader/checks/c04-heartbeat/challenge.toml"),
                    "checks = [\n",
                    "checks = [\n    { id = \"ghost\", name = \"a check with no code\", points = 1 },\n",
                )
            }),
            "check `ghost` is planned but grader/checks/c04-heartbeat/src/lib.rs binds no check to it".into(),
        ),
        (
            "an exercise file with no solution twin",
            Box::new(|kit| {
                std::fs::write(
                    kit.join("exercises/c04-heartbeat/src/extra.rs"),
                    "pub fn extra() {}\n",
                )
                .unwrap()
            }),
            "exercises/c04-heartbeat/src/extra.rs: no twin in solutions/c04-heartbeat/".into(),
        ),
    ];
    for (what, break_it, expected) in drifts {
        let kit = scratch_kit();
        let (code, _, before) = run_on(kit.path(), &["dev", "check"]);
        assert_eq!(code, 0, "the copy starts consistent:\n{before}");
        break_it(kit.path());
        let (code, _, stderr) = run_on(kit.path(), &["dev", "check"]);
        assert_eq!(code, 1, "{what}: dev check fails");
        assert!(
            stderr.contains(&expected),
            "{what}: expected `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn dev_new_scaffolds_a_challenge_that_dev_check_accepts_and_that_grades_as_todo() {
    let kit = scratch_kit_at("dev-new");
    let (code, out, err) = run_on(&kit, &["dev", "new", "c99-demo", "Demo"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run_on(&kit, &["dev", "check"]);
    assert_eq!(code, 0, "dev check accepts the scaffold:\n{err}");
    let (code, _, err) = run_on(&kit, &["dev", "new", "c99-demo", "Demo"]);
    assert_eq!(code, 2, "a second scaffold of the same challenge is refused");
    assert!(err.contains("exists already"), "{err}");

    let report = |args: &[&str]| {
        let mut all = vec!["--only", "c99", "--format", "json"];
        all.extend(args);
        let (_, out, err) = run_on(&kit, &all);
        serde_json::from_str::<grader_core::Report>(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"))
    };
    let stub = report(&[]);
    assert_eq!(stub.challenges[0].status, ChallengeStatus::Todo, "{stub:#?}");
    let solution = report(&["--solutions"]);
    assert_eq!(
        solution.challenges[0].status,
        ChallengeStatus::Pass,
        "{solution:#?}"
    );
}
