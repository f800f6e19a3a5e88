//! Wrong answers are caught, and unusual correct answers are not: each case in
//! `tests/wrong/<challenge>/<case>.toml` edits a copy of a reference solution into a plausible
//! mistake and lists the checks it must lose (`fails`), every other check still passing; each case
//! in `tests/correct/<challenge>/` edits it into a different but correct answer, which scores full
//! marks. Both are graded by `grader dev wrong` (see `grader/src/dev/wrong.rs`), one place for
//! applying cases and judging them; this test holds the kit to its verdicts.
//!
//! A case unchanged since `tests/verdicts.txt` recorded it is not graded again, but for the day's
//! sample (see `grader/src/dev/wrong_record.rs`); `WRONG_ALL=1` grades every case.
//! `WRONG_ONLY=c01,c04` keeps those challenges; `WRONG_CASE=no-spawn` keeps the cases of that name.

use kit_tests::grader;

fn dev_wrong(extra: &[&str]) -> (bool, String) {
    let mut args = vec!["dev".to_string(), "wrong".to_string()];
    if let Ok(only) = std::env::var("WRONG_ONLY") {
        args.extend(
            only.split(',')
                .map(|id| id.trim().to_string())
                .filter(|id| !id.is_empty()),
        );
    }
    if let Ok(case) = std::env::var("WRONG_CASE") {
        args.extend(["--case".to_string(), case]);
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    let output = grader().args(&args).output().expect("the grader runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn each_wrong_answer_loses_exactly_its_checks_and_each_correct_answer_none() {
    // One after the other: both grade in the same staged submission, so cargo rebuilds only what a
    // case changed.
    let (wrong_ok, wrong) = dev_wrong(&[]);
    let correct_dir = kit_tests::kit_root().join("tests/correct");
    let (correct_ok, correct) = if correct_dir.is_dir() && std::env::var_os("WRONG_CASE").is_none() {
        dev_wrong(&[
            "--cases",
            correct_dir.to_str().expect("a UTF-8 path"),
            "--correct",
        ])
    } else {
        (true, String::new())
    };
    assert!(
        wrong_ok && correct_ok,
        "\n{wrong}\n{correct}\n(lines marked `!` are not what the case says)"
    );
}
