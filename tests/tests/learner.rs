//! The learner's loop: `cargo test -p c04-heartbeat` grades one challenge and reports each check by
//! name with its message; a stub reads "not implemented yet", not as a wall of panics.

use kit_tests::kit_root;

#[test]
fn cargo_test_on_a_stub_reports_each_check_as_not_implemented_yet() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = grader_core::cargo_env::clear_program_vars(&mut std::process::Command::new(cargo))
        .args(["test", "-q", "-p", "c04-heartbeat"])
        .current_dir(kit_root())
        .output()
        .expect("cargo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.status.success(), "a stub fails its test");
    for plan in kit_tests::plans().iter().filter(|p| p.id == "c04") {
        for (_, check) in plan.checks() {
            assert!(
                text.contains(&check.name),
                "the output names `{}`:\n{text}",
                check.name
            );
        }
    }
    let stub = format!(
        "not implemented yet ({})",
        kit_tests::stub_location("exercises/c04-heartbeat/src/lib.rs")
    );
    let checks = kit_tests::plans()
        .iter()
        .find(|p| p.id == "c04")
        .map_or(0, |p| p.checks().count());
    assert_eq!(
        text.matches(&stub).count(),
        checks,
        "every check of c04 names {stub}:\n{text}"
    );
    assert_eq!(
        text.matches("panicked").count(),
        0,
        "a table, not a wall of panics:\n{text}"
    );
    assert!(
        text.contains("c04 heartbeat: not every check passes yet"),
        "{text}"
    );
    // Written past libtest's capture (so that a pass shows it too): once, not again as captured
    // output of the failed test.
    assert_eq!(
        text.matches("c04 heartbeat — Heartbeat").count(),
        1,
        "the table once:\n{text}"
    );
    let next = format!(
        "Next: c04 q1 \"{}\"\n  1. read exercises/c04-heartbeat/README.md\n  2. fill in the `todo!()` at {}",
        kit_tests::plans()
            .iter()
            .find(|p| p.id == "c04")
            .map_or("", |p| p.questions[0].title.as_str()),
        kit_tests::stub_location("exercises/c04-heartbeat/src/lib.rs")
    );
    assert!(text.contains(&next), "`{next}` in:\n{text}");
}
