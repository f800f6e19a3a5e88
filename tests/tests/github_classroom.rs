//! The GitHub Classroom workflow (`classroom/github/classroom.yml`): it is what the plans make, it
//! has one step per challenge worth the plan's points, the reporter reads every step, and each
//! step's command, run here as Actions runs it, hands the reporter a classroom result.
//!
//! The YAML is read with yaml-rust2: maintained (serde_yaml is archived), pure Rust, few
//! dependencies, YAML 1.2 (so Actions' `on:` key is a string, not YAML 1.1's `true`), and its
//! `Yaml` tree suits walking a document whose shape is the test's to assert.

use base64::Engine;
use grader_core::ChallengePlan;
use kit_tests::{grader, kit_root, plans};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

const WORKFLOW: &str = "classroom/github/classroom.yml";

fn workflow() -> Yaml {
    let text = std::fs::read_to_string(kit_root().join(WORKFLOW)).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{WORKFLOW}: {e}"));
    assert_eq!(docs.len(), 1, "{WORKFLOW} is one YAML document");
    docs.remove(0)
}

fn steps(workflow: &Yaml) -> Vec<Yaml> {
    let jobs = workflow["jobs"].as_hash().expect("jobs");
    assert_eq!(
        jobs.len(),
        1,
        "one job: the reporter reads the outputs of its own job's steps"
    );
    let job = jobs.values().next().unwrap();
    job["steps"].as_vec().expect("the job's steps").clone()
}

fn text<'a>(step: &'a Yaml, key: &str) -> &'a str {
    step[key].as_str().unwrap_or_default()
}

/// The step of a challenge, found by its id.
fn step_of<'a>(steps: &'a [Yaml], plan: &ChallengePlan) -> &'a Yaml {
    steps
        .iter()
        .find(|s| text(s, "id") == plan.id)
        .unwrap_or_else(|| panic!("{WORKFLOW} has no step with `id: {}`", plan.id))
}

#[test]
fn the_workflow_is_the_one_the_plans_make() {
    let out = grader()
        .args(["package", "github", "--output", "-"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let committed = std::fs::read_to_string(kit_root().join(WORKFLOW)).unwrap();
    assert!(
        committed == String::from_utf8(out).unwrap(),
        "{WORKFLOW} is out of date with the plans: run `cargo run -p grader -- package github`"
    );
}

#[test]
fn every_challenge_has_its_step_and_the_reporter_reads_them_all() {
    let workflow = workflow();
    assert!(
        workflow["on"]
            .as_hash()
            .is_some_and(|on| on.contains_key(&Yaml::from_str("push"))),
        "it runs on push"
    );
    let steps = steps(&workflow);
    let uses = |s: &Yaml, action: &str| text(s, "uses").starts_with(action);
    let position = |found: &dyn Fn(&Yaml) -> bool| steps.iter().position(found);
    let checkout = position(&|s| uses(s, "actions/checkout@")).expect("a checkout step");
    let rust = position(&|s| uses(s, "dtolnay/rust-toolchain@")).expect("a Rust step");
    let cache = position(&|s| uses(s, "Swatinem/rust-cache@")).expect("a cache step");
    let build = position(&|s| text(s, "run").contains("cargo build") && text(s, "run").contains("-p grader"))
        .expect("a step that builds the grader once");
    assert!(
        checkout < rust && rust < cache && cache < build,
        "checkout, Rust, cache, build in order"
    );
    let plans = plans();
    for plan in &plans {
        let step = step_of(&steps, plan);
        let index = steps.iter().position(|s| s == step).unwrap();
        assert!(index > build, "{}: after the grader is built", plan.id);
        assert_eq!(
            text(step, "name"),
            format!("{} {} ({} points)", plan.id, plan.slug, plan.max_score()),
            "{}: its name says the plan's points",
            plan.id
        );
        let run = text(step, "run");
        assert!(
            run.contains(&format!(
                "cargo run -q -p grader -- --only {} --format classroom --base64",
                plan.id
            )),
            "{}: grades only its challenge: {run}",
            plan.id
        );
        assert!(
            run.contains("result=") && run.contains("$GITHUB_OUTPUT"),
            "{}: {run}",
            plan.id
        );
        assert_eq!(
            text(step, "if"),
            "always()",
            "{}: runs whatever the steps before did",
            plan.id
        );
    }
    let reporter = steps
        .iter()
        .find(|s| uses(s, "classroom-resources/autograding-grading-reporter@v1"))
        .expect("the grading reporter");
    assert_eq!(steps.last(), Some(reporter), "the reporter comes last");
    assert_eq!(
        text(reporter, "if"),
        "always()",
        "the reporter runs whatever the grades"
    );
    let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        text(&reporter["with"], "runners").split(',').collect::<Vec<_>>(),
        ids,
        "the reporter's runners are the challenges' step ids"
    );
    let env = reporter["env"].as_hash().expect("the reporter's env");
    assert_eq!(
        env.len(),
        plans.len(),
        "one result variable per challenge: {env:?}"
    );
    for id in &ids {
        let name = format!("{}_RESULTS", id.to_ascii_uppercase());
        assert_eq!(
            reporter["env"][name.as_str()].as_str(),
            Some(format!("${{{{ steps.{id}.outputs.result }}}}").as_str()),
            "{name} is the output of step {id}"
        );
    }
}

/// Runs a step's `run:` as Actions does (`bash --noprofile --norc -eo pipefail`), in the kit with
/// `GITHUB_OUTPUT` in a temp folder; returns the decoded `result=` object.
fn run_step(step: &Yaml, path: Option<&Path>) -> Value {
    let temp = tempfile::tempdir().unwrap();
    let output_file = temp.path().join("github_output");
    let mut command = Command::new("bash");
    grader_core::cargo_env::clear_program_vars(&mut command);
    command
        .args([
            "--noprofile",
            "--norc",
            "-eo",
            "pipefail",
            "-c",
            text(step, "run"),
        ])
        .current_dir(kit_root())
        .env("GITHUB_OUTPUT", &output_file);
    if let Some(dir) = path {
        let inherited = std::env::var("PATH").unwrap_or_default();
        command.env("PATH", format!("{}:{inherited}", dir.display()));
    }
    let out = command.output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "step {} fails its job: {log}",
        text(step, "id")
    );
    let outputs = std::fs::read_to_string(&output_file).unwrap_or_default();
    let encoded = outputs
        .lines()
        .find_map(|l| l.strip_prefix("result="))
        .unwrap_or_else(|| panic!("step {} wrote no result=: {outputs:?}\n{log}", text(step, "id")));
    // Standard base64 with padding, as `base64 -w0` writes it.
    let json = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .unwrap_or_else(|e| panic!("result= is not base64 ({e}): {encoded}"));
    serde_json::from_slice(&json).unwrap_or_else(|e| panic!("result= is not JSON ({e}): {json:?}"))
}

/// The classroom v1 runner result of a challenge: its shape, and scores that add up.
fn assert_classroom_result(result: &Value, plan: &ChallengePlan) {
    assert_eq!(result["version"], 1, "{}: {result}", plan.id);
    assert!(
        ["pass", "fail", "error"].contains(&result["status"].as_str().unwrap_or_default()),
        "{}: {result}",
        plan.id
    );
    assert_eq!(
        result["max_score"].as_f64(),
        Some(f64::from(plan.max_score())),
        "{}: {result}",
        plan.id
    );
    let tests = result["tests"].as_array().expect("tests");
    assert!(!tests.is_empty(), "{}: {result}", plan.id);
    for test in tests {
        for key in ["name", "status", "message"] {
            assert!(
                test.get(key).is_some(),
                "{}: a test without {key}: {test}",
                plan.id
            );
        }
        assert!(test["score"].is_number(), "{}: {test}", plan.id);
    }
    let sum: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap_or(0.0)).sum();
    assert!(
        sum <= f64::from(plan.max_score()),
        "{}: {sum} points of {}",
        plan.id,
        plan.max_score()
    );
}

#[test]
fn each_step_grades_its_challenge_into_a_classroom_result() {
    let steps = steps(&workflow());
    for plan in &plans() {
        let result = run_step(step_of(&steps, plan), None);
        assert_classroom_result(&result, plan);
        // The stubs: graded (not an `error`), and worth nothing.
        assert_eq!(
            result["status"], "fail",
            "{}: the stub is graded: {result}",
            plan.id
        );
        let sum: f64 = result["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["score"].as_f64().unwrap_or(0.0))
            .sum();
        assert_eq!(sum, 0.0, "{}: a stub scores nothing: {result}", plan.id);
    }
}

#[test]
fn a_step_whose_grader_cannot_run_still_hands_the_reporter_an_error_worth_zero() {
    // A `cargo` that fails as a broken Cargo.toml makes it fail: no output, exit 101.
    let bin = tempfile::tempdir().unwrap();
    let cargo = bin.path().join("cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\necho 'error: failed to parse manifest' >&2\nexit 101\n",
    )
    .unwrap();
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let steps = steps(&workflow());
    let plan = &plans()[0];
    let result = run_step(step_of(&steps, plan), Some(bin.path()));
    assert_classroom_result(&result, plan);
    assert_eq!(result["status"], "error", "{result}");
    assert_eq!(result["tests"][0]["score"], 0, "{result}");
    assert!(
        result["tests"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&plan.id),
        "{result}"
    );
}
