//! `--format exercism`: the `results.json` of Exercism's test-runner interface, version 3. One
//! test per check in plan order (Exercism shows the first failure, so order is the curriculum's);
//! `task_id` ties a check to its question, the numbered task of the instructions.
//!
//! The top-level status is `error` only when nothing could run, that is when every challenge
//! failed to build; the message then holds the compiler's messages and `tests` is left out, as
//! the interface allows. Per-check `output` is not produced: the report does not keep what the
//! learner's code printed.

use super::labels::{id_number, nothing_ran, problem_message, runner_status, runner_test_name};
use super::text::{MESSAGE_CAP, strip_ansi, truncate_chars};
use crate::Report;
use serde::Serialize;

#[derive(Serialize)]
struct Results {
    version: u8,
    status: &'static str,
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tests: Option<Vec<Test>>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    status: &'static str,
    message: Option<String>,
    test_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_id: Option<u32>,
}

/// The report as Exercism's `results.json` (version 3), pretty-printed.
pub fn to_exercism(report: &Report) -> String {
    let results = if nothing_ran(report) {
        Results {
            version: 3,
            status: "error",
            message: Some(truncate_chars(&compiler_messages(report), MESSAGE_CAP)),
            tests: None,
        }
    } else {
        Results {
            version: 3,
            status: if report.all_passed() { "pass" } else { "fail" },
            message: None,
            tests: Some(tests(report)),
        }
    };
    let mut json = serde_json::to_string_pretty(&results).expect("results always serialise");
    json.push('\n');
    json
}

fn tests(report: &Report) -> Vec<Test> {
    let mut tests = Vec::new();
    for c in &report.challenges {
        for q in &c.questions {
            for k in &q.checks {
                tests.push(Test {
                    name: runner_test_name(&c.id, &q.id, k),
                    status: runner_status(k.status),
                    message: problem_message(k).map(|m| truncate_chars(&m, MESSAGE_CAP)),
                    test_code: k.id.clone(),
                    task_id: id_number(&q.id),
                });
            }
        }
    }
    tests
}

/// Each challenge's compiler message once (every check of a challenge that does not build carries
/// the same one), under the challenge's name.
fn compiler_messages(report: &Report) -> String {
    report
        .challenges
        .iter()
        .map(|c| {
            let message = c
                .checks()
                .find_map(|k| k.message.as_deref())
                .map(strip_ansi)
                .unwrap_or_else(|| "the challenge does not build".to_owned());
            format!("{} {} does not build:\n{message}", c.id, c.slug)
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}
