//! `cargo test -p <challenge>`: grading one challenge from a `#[test]`.
//!
//! The test starts its own binary again as the check runner (child mode, selected by the
//! environment), so a `process::exit`, an abort or a hang in learner code is reported as a status
//! instead of killing or freezing the test. It prints the challenge's table and fails the test,
//! with one line, unless every check passes.

use crate::Suite;
use crate::runner::run_child;
use grader_core::event::RunnerConfig;
use grader_core::report::{TableOptions, render_challenge};
use grader_core::sandbox::Sandbox;
use grader_core::supervise::{self, Supervision};
use grader_core::{ChallengePlan, Status, scoring};
use std::io::IsTerminal;
use std::process::Command;
use std::time::Instant;

/// Grades the challenge from a test named `test_name` (so the child runs only that test).
///
/// # Panics
/// When some check does not pass (that is how `cargo test` shows a failing challenge), quietly:
/// the table says what failed, and a backtrace would only hide it.
pub fn grade_as_test(suite: Suite, test_name: &str) {
    let test_args = ["--exact", test_name, "--nocapture", "--test-threads=1", "-q"];
    crate::exec::dispatch(&suite, test_args.iter().map(|a| a.to_string()).collect());
    if let Some(config) = RunnerConfig::from_stdin() {
        run_child(Box::leak(Box::new(suite)), config);
    }
    let plan = suite.plan;
    let exe = std::env::current_exe().expect("a test binary knows its own path");
    let command = || {
        let mut cmd = Command::new(&exe);
        cmd.args(test_args);
        cmd
    };
    if !supervise_and_print(&plan, &command) {
        println!(
            "{} {}: not every check passes yet (the table above says which, and why)",
            plan.id, plan.slug
        );
        // Fail the test without the panic hook: no "panicked at", no backtrace, just the table.
        std::panic::resume_unwind(Box::new("not every check passes yet"));
    }
}

/// Supervises a runner through the whole plan, prints the challenge's table, and says whether every
/// check passed.
pub fn supervise_and_print(plan: &ChallengePlan, command: &dyn Fn() -> Command) -> bool {
    let started = Instant::now();
    let how = Supervision {
        sandbox: Sandbox::for_grading(),
        strip_prefix: None,
    };
    let outcomes = supervise::supervise(plan, command, &how);
    let report = scoring::score_challenge(plan, &outcomes, started.elapsed().as_millis() as u64);
    let table = render_challenge(&report, TableOptions { verbose: true });
    // `print!` (not a raw stdout handle) so that libtest shows it with the failing test.
    if std::io::stdout().is_terminal() {
        print!("\n{table}");
    } else {
        print!("\n{}", anstream::adapter::strip_str(&table));
    }
    report.checks().all(|c| c.status == Status::Pass)
}
