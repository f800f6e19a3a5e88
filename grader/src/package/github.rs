//! The GitHub Classroom workflow: one step per challenge, then the reporter that adds them up.
//!
//! GitHub Classroom's current model (classroom-resources' graders and reporter) reads one result
//! per step: a base64 JSON object (`{version: 1, status, max_score, tests: […]}`) in the step's
//! output `result`, which the reporter finds in the env variable `<ID>_RESULTS` of each runner named
//! in its `runners` input. The grader writes that object itself (`--format classroom --base64`), so
//! each step only runs it and passes the result on.
//!
//! The workflow is generated from the challenge plans, the one place that says which challenges
//! there are and what they are worth; `classroom/github/classroom.yml` is this output, and a kit
//! test fails when the two drift apart.

use grader_core::ChallengePlan;
use std::path::{Path, PathBuf};

/// `classroom/github/classroom.yml` in the kit.
pub fn default_output(kit: &Path) -> PathBuf {
    kit.join("classroom").join("github").join("classroom.yml")
}

/// The workflow's text.
pub fn workflow(plans: &[ChallengePlan]) -> String {
    let total: u32 = plans.iter().map(ChallengePlan::max_score).sum();
    let mut yaml = format!(
        "# GitHub Classroom autograding for tokio-challenges: {n} challenges, {total} points.\n\
         # Generated from the challenge plans by `cargo run -p grader -- package github`: regenerate it\n\
         # after changing a plan, do not edit it. In the assignment's template repository (made from the\n\
         # kit) it goes to .github/workflows/classroom.yml.\n\
         name: Autograding Tests\n\
         'on':\n  push:\n  workflow_dispatch:\n  repository_dispatch:\n\
         permissions:\n  checks: write\n  actions: read\n  contents: read\n\
         jobs:\n  run-autograding-tests:\n    runs-on: ubuntu-latest\n\
         \x20   # GitHub Classroom pushes the starter code as its bot: nothing to grade yet.\n\
         \x20   if: github.actor != 'github-classroom[bot]'\n\
         \x20   timeout-minutes: 60\n\
         \x20   steps:\n\
         \x20     - name: Checkout code\n        uses: actions/checkout@v4\n\
         \x20     - name: Install Rust\n        uses: dtolnay/rust-toolchain@stable\n\
         \x20     - name: Cache cargo\n        uses: Swatinem/rust-cache@v2\n\
         \x20     # Built once here, so that each challenge's step only grades.\n\
         \x20     - name: Build the grader\n        run: cargo build -q -p grader\n",
        n = plans.len(),
    );
    for plan in plans {
        yaml.push_str(&step(plan));
    }
    yaml.push_str(
        "      # Adds up the steps' results: the Points X/Y that GitHub Classroom records.\n\
         \x20     - name: Autograding Reporter\n\
         \x20       if: always()\n\
         \x20       uses: classroom-resources/autograding-grading-reporter@v1\n\
         \x20       env:\n",
    );
    for plan in plans {
        yaml.push_str(&format!(
            "          {}_RESULTS: \"${{{{ steps.{}.outputs.result }}}}\"\n",
            plan.id.to_ascii_uppercase(),
            plan.id
        ));
    }
    let runners: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
    yaml.push_str(&format!(
        "        with:\n          runners: {}\n",
        runners.join(",")
    ));
    yaml
}

/// One challenge's step. A grade that is not full marks must not stop the later steps (`|| true`),
/// and a grader that could not grade at all (the learner's `Cargo.toml` broken, say) still hands
/// the reporter a result: an `error` worth 0 of the challenge's points, so the total stays right.
fn step(plan: &ChallengePlan) -> String {
    let fallback = serde_json::json!({
        "version": 1,
        "status": "error",
        "max_score": plan.max_score(),
        "tests": [{
            "name": format!("{} {}", plan.id, plan.slug),
            "status": "error",
            "score": 0,
            "message": format!(
                "The grader could not grade {}: the log of the step \"{}\" says why.",
                plan.id,
                step_name(plan)
            ),
            "test_code": format!("cargo run -p grader -- --only {}", plan.id),
            "filename": "",
            "line_no": 0,
            "duration": 0,
        }],
    })
    .to_string()
    // Single-quoted in the shell: a quote inside could not be.
    .replace('\'', "\u{2019}");
    format!(
        "      - name: {name}\n\
         \x20       id: {id}\n\
         \x20       if: always()\n\
         \x20       run: |\n\
         \x20         result=$(cargo run -q -p grader -- --only {id} --format classroom --base64) || true\n\
         \x20         if [ -z \"$result\" ]; then\n\
         \x20           result=$(printf '%s' '{fallback}' | base64 -w0)\n\
         \x20         fi\n\
         \x20         echo \"result=$result\" >> \"$GITHUB_OUTPUT\"\n",
        id = plan.id,
        name = step_name(plan),
    )
}

/// `c01 identity (26 points)`: what the Actions log and the reporter's table show.
fn step_name(plan: &ChallengePlan) -> String {
    format!("{} {} ({} points)", plan.id, plan.slug, plan.max_score())
}
