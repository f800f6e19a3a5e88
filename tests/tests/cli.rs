//! The command line of docs/GRADER.md: arguments, exit codes, hints, and the table (snapshot-tested with
//! insta, durations redacted).

use kit_tests::{grader, kit_root};
use predicates::str::contains;

#[test]
fn help_lists_the_options_of_the_contract() {
    let out = grader()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(out).unwrap();
    for option in ["--solutions", "--submission", "--only", "--format", "hint"] {
        assert!(help.contains(option), "--help mentions {option}");
    }
}

#[test]
fn arguments_it_cannot_use_exit_2() {
    grader()
        .args(["--solutions", "--submission", "."])
        .assert()
        .code(2);
    grader().args(["--format", "xml"]).assert().code(2);
    grader()
        .args(["--only", "c99"])
        .assert()
        .code(2)
        .stderr(contains("there is no challenge `c99`"));
    grader()
        .args(["--submission", "/no/such/folder"])
        .assert()
        .code(2)
        .stderr(contains("cannot read the submission"));
}

#[test]
fn hints_come_one_more_each_time_and_can_start_over() {
    let state = tempfile::tempdir().unwrap();
    let plans = kit_tests::plans();
    let n = plans.iter().find(|p| p.id == "c04").unwrap().questions[0]
        .hints
        .len();
    assert!(n >= 3, "c04 q1 has a nudge, a middle and nearly the answer");
    let hint = |args: &[&str]| {
        let out = grader()
            .env("TOKIO_CHALLENGES_STATE_DIR", state.path())
            .arg("hint")
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let of = |k: usize| format!("Hint {k} of {n}");
    let first = hint(&["c04"]);
    assert!(first.contains(&of(1)) && !first.contains(&of(2)), "{first}");
    let second = hint(&["c04", "q1"]);
    assert!(second.contains(&of(1)) && second.contains(&of(2)), "{second}");
    for _ in 3..n {
        hint(&["c04", "q1"]);
    }
    let last = hint(&["heartbeat"]);
    assert!(
        last.contains(&of(n)) && last.contains("That was the last hint"),
        "{last}"
    );
    assert!(hint(&["c04", "--reset"]).contains("start over"));
    assert!(hint(&["4"]).contains(&of(1)));
    // A challenge with several questions needs one named.
    grader()
        .env("TOKIO_CHALLENGES_STATE_DIR", state.path())
        .args(["hint", "c01"])
        .assert()
        .code(2);
    grader()
        .env("TOKIO_CHALLENGES_STATE_DIR", state.path())
        .args(["hint", "c04", "q9"])
        .assert()
        .code(2);
}

#[test]
fn the_table_of_a_fresh_clone_fits_a_screen_and_names_where_to_start() {
    let out = grader().assert().code(1).get_output().stdout.clone();
    let table = String::from_utf8(out).unwrap();
    assert!(
        table.lines().count() <= 30,
        "one screen, 30 lines at most:\n{table}"
    );
    let start = "read exercises/c01-identity/README.md";
    assert!(table.contains(start), "says where to start, `{start}`:\n{table}");
    insta::with_settings!({ filters => vec![(r"\d+ ms", "[ms]")] }, {
        insta::assert_snapshot!("fresh_clone_table", table);
    });
}

#[test]
fn the_table_of_the_solutions_is_all_pass() {
    let out = grader()
        .args(["--solutions", "--only", "c04"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    insta::with_settings!({ filters => vec![(r"\d+ ms", "[ms]")] }, {
        insta::assert_snapshot!("solutions_c04_table", table);
    });
}

#[test]
fn the_grader_does_not_touch_the_submission() {
    let temp = kit_tests::submission("exercises", &["c04-heartbeat"]);
    let before = listing(temp.path());
    grader()
        .args(["--submission", temp.path().to_str().unwrap(), "--only", "c04"])
        .assert()
        .code(1);
    assert_eq!(listing(temp.path()), before);
    assert!(kit_root().join("exercises/c04-heartbeat/src/lib.rs").exists());
}

fn listing(dir: &std::path::Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(listing(&entry.path()));
        } else {
            out.push((
                entry.path().display().to_string(),
                entry.metadata().unwrap().len(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn the_first_grade_builds_the_next_challenge_in_the_background_once() {
    // A stand-in for cargo that notes its arguments: the real build is what `cargo test` times.
    let temp = tempfile::tempdir().unwrap();
    let noted = temp.path().join("args");
    let fake = temp.path().join("cargo");
    std::fs::write(&fake, format!("#!/bin/sh\necho \"$@\" > '{}'\n", noted.display())).unwrap();
    let mut permissions = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&fake, permissions).unwrap();
    let target = temp.path().join("target");
    let grade = |prebuild: &str| {
        // Not `grader()`, which passes `--quiet`: a quiet grade builds nothing ahead.
        let out = assert_cmd::Command::new(kit_tests::grader_bin())
            .current_dir(kit_root())
            .env("TOKIO_CHALLENGES_PREBUILD", prebuild)
            .env("CARGO", &fake)
            .env("CARGO_TARGET_DIR", &target)
            .env("TOKIO_CHALLENGES_STATE_DIR", temp.path().join("state"))
            .args(["--only", "c01"])
            .assert()
            .code(1)
            .get_output()
            .clone();
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(!grade("0").contains("in the background"), "off when asked");
    let said = grade("1");
    assert!(
        said.contains("Building what `cargo test -p c01-identity` needs in the background"),
        "{said}"
    );
    let stamp = target.join("tokio-challenges/prebuild/c01-identity.done");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !stamp.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(stamp.exists(), "the stamp once the build succeeded");
    assert_eq!(
        std::fs::read_to_string(&noted).unwrap().trim(),
        "test -p c01-identity --no-run"
    );
    assert!(
        !grade("1").contains("in the background"),
        "once: {stamp:?} says it is built"
    );
}
