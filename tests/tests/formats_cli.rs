//! The result formats through the real grader: `--format`, `--output` and `--base64` on the
//! command line, the files and lines they produce validated against the schemas of
//! `grader/core/tests/schemas/` (the format-by-format checks are grader-core's `formats` tests).

#[path = "../../grader/core/tests/support/schema.rs"]
mod schema;

use base64::Engine;
use kit_tests::grader;
use schema::{tests_of, validated};

#[test]
fn gradescope_goes_to_the_output_file() {
    let temp = tempfile::tempdir().expect("a temporary folder");
    let path = temp.path().join("results/r.json");
    let output = grader()
        .args(["--only", "c03", "--format", "gradescope", "--output"])
        .arg(&path)
        .output()
        .expect("the grader runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "the stub does not pass: {output:?}"
    );
    assert!(
        output.stdout.is_empty(),
        "the report went to the file, not stdout"
    );
    let text = std::fs::read_to_string(&path).expect("--output wrote the file, creating its folder");
    let value = validated("gradescope.schema.json", &text);
    assert_eq!(value["score"], 0);
    let tests = tests_of(&value);
    assert!(!tests.is_empty());
    assert!(
        tests
            .iter()
            .all(|t| t["status"] == "failed" && t["number"].as_str().is_some_and(|n| n.starts_with("3.")))
    );
    assert!(
        tests.iter().all(|t| t["tags"][2] == "todo"),
        "a stub's checks are todo"
    );
}

#[test]
fn classroom_base64_on_stdout() {
    let output = grader()
        .args([
            "--solutions",
            "--only",
            "c03",
            "--format",
            "classroom",
            "--base64",
        ])
        .output()
        .expect("the grader runs");
    assert_eq!(output.status.code(), Some(0), "the solution passes: {output:?}");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let line = stdout.strip_suffix('\n').expect("a line");
    assert!(!line.contains('\n'), "one line");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(line)
        .expect("standard, padded base64");
    let value = validated(
        "classroom-v1.schema.json",
        &String::from_utf8(decoded).expect("UTF-8 JSON"),
    );
    assert_eq!(value["status"], "pass");
    let tests = tests_of(&value);
    let sum: u64 = tests.iter().filter_map(|t| t["score"].as_u64()).sum();
    assert_eq!(
        Some(sum),
        value["max_score"].as_u64(),
        "full marks, summed as the reporter does"
    );
    assert!(
        tests
            .iter()
            .all(|t| t["filename"] == "solutions/c03-message-relay")
    );
}

/// `--only nosuch` would stop the grader too: that it is the format's error that comes shows the
/// options are checked before anything is looked up or built.
#[test]
fn pointless_format_options_are_refused_before_grading() {
    let several = grader()
        .args(["--only", "nosuch", "--format", "json", "--format", "junit"])
        .output()
        .expect("the grader runs");
    assert_eq!(several.status.code(), Some(2));
    assert!(several.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&several.stderr);
    assert!(
        stderr.contains("several formats (json, junit) are for `grader batch`"),
        "{stderr}"
    );

    let base64 = grader()
        .args(["--only", "nosuch", "--format", "json", "--base64"])
        .output()
        .expect("the grader runs");
    assert_eq!(base64.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&base64.stderr);
    assert!(
        stderr.contains("--base64 only applies to --format classroom"),
        "{stderr}"
    );
}
