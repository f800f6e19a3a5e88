//! Every result format against its documented shape (docs/FORMATS.md), on reports built in code:
//! every status, and messages as hostile as a learner's code can make them (ANSI escapes, NUL,
//! form feeds, `]]>`, a 70,000-character message, non-ASCII). The JSON formats are validated
//! against the schemas in `tests/schemas/`, written from the platforms' specifications; the
//! JUnit XML is parsed back and its structure compared with the report.

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/junit_xml.rs"]
mod junit_xml;
#[path = "support/schema.rs"]
mod schema;

use base64::Engine;
use fixtures::*;
use grader_core::report::{Format, RenderOptions};
use grader_core::{CheckReport, QuestionReport, Report, Status};
use schema::{tests_of, validated, validator};
use serde_json::Value;
use std::collections::HashSet;

fn render(format: Format, report: &Report) -> String {
    render_with(format, report, RenderOptions::default())
}

fn render_with(format: Format, report: &Report, options: RenderOptions) -> String {
    let text = format.render(report, &options).expect("every report renders");
    assert!(text.ends_with('\n'), "{format:?} ends with a line break");
    text
}

#[test]
fn the_schemas_reject_what_the_specifications_forbid() {
    // The schemas are only worth something if they can fail.
    let gradescope = validator("gradescope.schema.json");
    assert!(!gradescope.is_valid(&serde_json::json!({"score": 1, "tests": [{"status": "pass"}]})));
    assert!(!gradescope.is_valid(&serde_json::json!({"score": 1, "grade": 1})));
    let exercism = validator("exercism-v3.schema.json");
    assert!(!exercism.is_valid(&serde_json::json!({"version": 3, "status": "error", "message": null})));
    assert!(!exercism.is_valid(&serde_json::json!({"version": 3, "status": "fail", "message": null})));
    let long = "x".repeat(65_536);
    assert!(!exercism.is_valid(
        &serde_json::json!({"version": 3, "status": "fail", "message": null,
        "tests": [{"name": "t", "status": "fail", "message": long}]})
    ));
    assert!(!exercism.is_valid(
        &serde_json::json!({"version": 3, "status": "fail", "message": null,
        "tests": [{"name": "t", "status": "error", "message": null}]})
    ));
    let classroom = validator("classroom-v1.schema.json");
    assert!(!classroom.is_valid(
        &serde_json::json!({"version": 1, "status": "pass", "max_score": 1,
        "tests": [{"name": "t", "status": "passed", "score": 1, "message": null, "test_code": "t",
                   "filename": "f", "line_no": 0, "duration": 1}]})
    ));
}

// ---------------------------------------------------------------- Gradescope

#[test]
fn gradescope_matches_its_schema_and_adds_up() {
    let report = nasty();
    let value = validated("gradescope.schema.json", &render(Format::Gradescope, &report));
    assert_eq!(value["score"], report.score);
    // 3 challenges × 1.5 s = 4.5 s, rounded up.
    assert_eq!(value["execution_time"], 5);
    assert_eq!(
        value["output"],
        "c01 identity: 3/16 (partial)\nc02 echo: 0/5 (compile_error)\nc03 relay: 5/5 (pass)\n"
    );
    let tests = tests_of(&value);
    let checks = plan_order(&report);
    assert_eq!(tests.len(), checks.len(), "one test per check");
    let sum: u64 = tests
        .iter()
        .map(|t| t["score"].as_u64().expect("an integer score"))
        .sum();
    assert_eq!(
        sum,
        u64::from(report.score),
        "the tests' scores add up to the report's"
    );

    let mut numbers = HashSet::new();
    for (test, (challenge_id, question_id, check)) in tests.iter().zip(&checks) {
        assert_eq!(
            test["name"],
            format!("{challenge_id} {question_id} · {}", check.name)
        );
        let number = test["number"].as_str().expect("a string number");
        let (major, minor) = number.split_once('.').expect("N.M");
        assert!(
            major.parse::<u32>().is_ok() && minor.parse::<u32>().is_ok(),
            "{number} is N.M"
        );
        assert_eq!(
            format!("c{major:0>2}"),
            *challenge_id,
            "{number} comes from {challenge_id}"
        );
        assert!(numbers.insert(number.to_owned()), "{number} is unique");
        assert_eq!(test["max_score"], check.max_score);
        let passed = check.status == Status::Pass;
        assert_eq!(test["status"], if passed { "passed" } else { "failed" });
        let output = test["output"].as_str().expect("a string output");
        assert!(output.starts_with(check.status.as_str()), "{output:.80}");
        assert!(!output.contains('\x1b'), "no ANSI escapes in {output:.80}");
        assert_eq!(
            test["tags"],
            serde_json::json!([challenge_id, question_id, check.status.as_str()])
        );
    }
    let numbers: Vec<&str> = tests.iter().map(|t| t["number"].as_str().unwrap_or("")).collect();
    assert_eq!(
        &numbers[..4],
        ["1.1", "1.2", "1.3", "1.4"],
        "numbers run on across questions"
    );
    let compile = &tests[checks
        .iter()
        .position(|(_, _, k)| k.status == Status::CompileError)
        .expect("one")];
    assert_eq!(compile["output"], format!("compile_error: {COMPILE_CLEAN}"));
    let wrong = &tests[1];
    assert_eq!(
        wrong["output"],
        format!("fail: {}", "expected `hello\\n`\0 but got `\x0chel`\nsecond line")
    );
}

// ---------------------------------------------------------------- Exercism

#[test]
fn exercism_matches_its_schema_in_plan_order() {
    let report = nasty();
    let value = validated("exercism-v3.schema.json", &render(Format::Exercism, &report));
    assert_eq!(value["version"], 3);
    assert_eq!(value["status"], "fail");
    assert_eq!(value["message"], Value::Null);
    let tests = tests_of(&value);
    let checks = plan_order(&report);
    assert_eq!(tests.len(), checks.len());
    for (test, (challenge_id, question_id, check)) in tests.iter().zip(&checks) {
        assert_eq!(
            test["name"],
            format!("{challenge_id} {question_id}: {}", check.name)
        );
        assert_eq!(test["test_code"], check.id);
        assert_eq!(test["task_id"], question_id[1..].parse::<u32>().expect("qN"));
        let expected = match check.status {
            Status::Pass => "pass",
            Status::Fail => "fail",
            _ => "error",
        };
        assert_eq!(test["status"], expected, "{}", check.id);
        let message = test["message"].as_str();
        assert_eq!(
            message.is_none(),
            check.status == Status::Pass,
            "{}: {message:?}",
            check.id
        );
        assert!(message.is_none_or(|m| m.chars().count() <= 65_535 && !m.contains('\x1b')));
    }
    let by_code = |code: &str| {
        tests
            .iter()
            .find(|t| t["test_code"] == code)
            .expect("the test is there")
    };
    let todo = by_code("start")["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        todo.contains("`todo!()` at exercises/c01-identity/src/lib.rs:12"),
        "{todo}"
    );
    let huge = by_code("dies")["message"].as_str().unwrap_or_default().to_owned();
    assert_eq!(huge.chars().count(), 65_535);
    assert!(huge.starts_with("the runner died: éé") && huge.ends_with("é… (truncated)"));
    assert_eq!(by_code("panics")["message"], PANIC);
    assert!(
        by_code("silent")["message"]
            .as_str()
            .is_some_and(|m| m.contains("`crash`"))
    );
}

#[test]
fn exercism_says_error_only_when_nothing_ran() {
    let value = validated(
        "exercism-v3.schema.json",
        &render(Format::Exercism, &nothing_built()),
    );
    assert_eq!(value["status"], "error");
    let message = value["message"].as_str().expect("the compiler's messages");
    assert!(message.contains("c02 echo does not build:") && message.contains("c05 chat does not build:"));
    assert_eq!(
        message.matches(COMPILE_CLEAN).count(),
        2,
        "once per challenge: {message}"
    );
    assert!(value.get("tests").is_none());

    let passed = validated(
        "exercism-v3.schema.json",
        &render(Format::Exercism, &all_passed()),
    );
    assert_eq!(
        (&passed["status"], &passed["message"]),
        (&Value::from("pass"), &Value::Null)
    );

    // A compile error next to a challenge that ran is a failure, not an error.
    let mut mixed = nothing_built();
    mixed.challenges.push(passing_challenge());
    let value = validated("exercism-v3.schema.json", &render(Format::Exercism, &mixed));
    assert_eq!(value["status"], "fail");
}

// ---------------------------------------------------------------- GitHub Classroom

#[test]
fn classroom_matches_its_schema_and_scores_only_passes() {
    let report = nasty();
    let value = validated("classroom-v1.schema.json", &render(Format::Classroom, &report));
    assert_eq!(
        (&value["version"], &value["status"]),
        (&Value::from(1), &Value::from("fail"))
    );
    assert_eq!(value["max_score"], report.max_score);
    let tests = tests_of(&value);
    let checks = plan_order(&report);
    assert_eq!(tests.len(), checks.len());
    let mut sum = 0;
    for (test, (challenge_id, question_id, check)) in tests.iter().zip(&checks) {
        let score = test["score"].as_u64().expect("an integer score");
        sum += score;
        assert_eq!(test["status"] == "pass", check.status == Status::Pass);
        assert!(
            score == 0 || test["status"] == "pass",
            "only a pass scores: {test}"
        );
        assert_eq!(
            test["name"],
            format!("{challenge_id} {question_id}: {}", check.name)
        );
        assert_eq!(test["test_code"], check.id);
        assert!(
            test["filename"]
                .as_str()
                .is_some_and(|f| f.starts_with(&format!("exercises/{challenge_id}-")))
        );
        assert_eq!(
            (&test["line_no"], &test["duration"]),
            (&Value::from(0), &Value::from(1_234))
        );
    }
    assert_eq!(
        sum,
        u64::from(report.score),
        "the reporter's sum is the report's score"
    );

    let error = validated(
        "classroom-v1.schema.json",
        &render(Format::Classroom, &nothing_built()),
    );
    assert_eq!(error["status"], "error");
    assert_eq!(tests_of(&error).len(), 4, "the reporter iterates tests even then");
    let pass = validated(
        "classroom-v1.schema.json",
        &render(Format::Classroom, &all_passed()),
    );
    assert_eq!(pass["status"], "pass");
}

#[test]
fn classroom_base64_decodes_to_the_same_json() {
    for report in [nasty(), nothing_built(), all_passed()] {
        let plain: Value = serde_json::from_str(&render(Format::Classroom, &report)).expect("JSON");
        let options = RenderOptions {
            base64: true,
            ..RenderOptions::default()
        };
        let encoded = render_with(Format::Classroom, &report, options);
        let line = encoded.strip_suffix('\n').expect("one line");
        assert!(!line.contains('\n'), "a single line");
        assert!(line.len().is_multiple_of(4), "padded");
        assert!(
            line.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            "standard alphabet"
        );
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(line)
            .expect("valid base64");
        let text = String::from_utf8(decoded).expect("UTF-8 JSON");
        let value = validated("classroom-v1.schema.json", &text);
        assert_eq!(value, plain);
    }
}

// ---------------------------------------------------------------- JUnit

#[test]
fn junit_parses_back_to_the_report() {
    let report = nasty();
    let xml = render(Format::Junit, &report);
    junit_xml::assert_only_xml_chars("the document", &xml);
    let root = junit_xml::parse(&xml);
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attr("name"), "tokio-challenges");
    let count = |pred: fn(Status) -> bool| report.checks().filter(|k| pred(k.status)).count().to_string();
    assert_eq!(root.attr("tests"), count(|_| true));
    assert_eq!(root.attr("failures"), count(|s| s == Status::Fail));
    assert_eq!(
        root.attr("errors"),
        count(|s| !matches!(s, Status::Pass | Status::Fail))
    );

    let suites = root.children_named("testsuite");
    assert_eq!(
        suites.len(),
        report.challenges.len(),
        "one testsuite per challenge"
    );
    for (suite, c) in suites.iter().zip(&report.challenges) {
        assert_eq!(suite.attr("name"), format!("{}-{}", c.id, c.slug));
        let of = |pred: fn(Status) -> bool| c.checks().filter(|k| pred(k.status)).count().to_string();
        assert_eq!(suite.attr("tests"), of(|_| true));
        assert_eq!(suite.attr("failures"), of(|s| s == Status::Fail));
        assert_eq!(
            suite.attr("errors"),
            of(|s| !matches!(s, Status::Pass | Status::Fail))
        );
        assert_eq!(suite.attr("time"), "1.500");
        assert_eq!(
            suite.properties(),
            [
                ("score".to_owned(), c.score.to_string()),
                ("max_score".to_owned(), c.max_score.to_string()),
                ("status".to_owned(), c.status.as_str().to_owned()),
            ]
        );
        let cases = suite.children_named("testcase");
        let checks: Vec<(&QuestionReport, &CheckReport)> = c
            .questions
            .iter()
            .flat_map(|q| q.checks.iter().map(move |k| (q, k)))
            .collect();
        assert_eq!(cases.len(), checks.len());
        for (case, (q, k)) in cases.iter().zip(checks) {
            assert_eq!(case.attr("name"), format!("{} · {}", q.id, k.name));
            assert_eq!(case.attr("classname"), format!("{}.{}", c.id, q.id));
            assert_eq!(case.attr("time"), "1.234");
            assert_eq!(
                case.properties(),
                [
                    ("score".to_owned(), k.score.to_string()),
                    ("max_score".to_owned(), k.max_score.to_string()),
                ]
            );
            let failures = case.children_named("failure");
            let errors = case.children_named("error");
            let outcome: Vec<&junit_xml::Element> = failures.iter().chain(&errors).copied().collect();
            match k.status {
                Status::Pass => assert!(outcome.is_empty(), "{}: a pass has no outcome", k.id),
                Status::Fail => assert_eq!((failures.len(), errors.len()), (1, 0), "{}", k.id),
                _ => assert_eq!((failures.len(), errors.len()), (0, 1), "{}", k.id),
            }
            if let [element] = outcome[..] {
                assert_eq!(element.attr("type"), k.status.as_str());
                let first = element.text.lines().next().unwrap_or("").replace('\t', " ");
                assert_eq!(
                    element.attr("message"),
                    first,
                    "{}: the message is the first line",
                    k.id
                );
            }
        }
    }
}

#[test]
fn junit_messages_survive_cleaned_of_what_xml_forbids() {
    let xml = render(Format::Junit, &nasty());
    let root = junit_xml::parse(&xml);
    let text_of = |code: &str| -> String {
        let case = root
            .descendants()
            .into_iter()
            .find(|e| e.name == "testcase" && e.attr("name").ends_with(&format!("the {code} check")))
            .expect("the testcase is there");
        case.children
            .iter()
            .find(|e| e.name == "failure" || e.name == "error")
            .expect("an outcome")
            .text
            .clone()
    };
    assert_eq!(text_of("wrong"), FAIL_CLEAN);
    assert_eq!(
        text_of("panics"),
        PANIC_CLEAN,
        "markup and non-ASCII survive, U+FFFE/U+FFFF go"
    );
    assert_eq!(text_of("start"), TODO);
    assert_eq!(text_of("hangs"), TIMEOUT);
    assert_eq!(text_of("dies"), huge(), "JUnit has no cap");
    // The controls XML forbids are gone. quick-junit's own filter (strip-ansi-escapes) also
    // drops tab, carriage return and C1 controls such as NEL: allowed in XML, but lost; line
    // feeds, DEL and the astral planes stay.
    assert_eq!(text_of("controls"), "\n\x7f\u{10FFFF}");
    assert_eq!(text_of("builds-a"), COMPILE_CLEAN);
    assert!(text_of("silent").contains("`crash`"));
}

// ---------------------------------------------------------------- every format

#[test]
fn every_format_renders_every_report() {
    for report in [nasty(), nothing_built(), all_passed(), report(Vec::new())] {
        for format in Format::ALL {
            render(format, &report);
        }
    }
    let table = render(Format::Table, &nasty());
    assert!(table.contains("c02 echo"));
    let styled = render_with(
        Format::Table,
        &nasty(),
        RenderOptions {
            color: true,
            ..RenderOptions::default()
        },
    );
    assert!(
        styled.contains('\x1b') && !table.contains("\x1b["),
        "styles only when asked for"
    );
    let json: Report = serde_json::from_str(&render(Format::Json, &nasty())).expect("the JSON report");
    assert_eq!(json, nasty());
}
