//! `cargo test -p <challenge>`: grading one challenge from a `#[test]`.
//!
//! The test starts its own binary again as the check runner (child mode, selected by the
//! environment), so a `process::exit`, an abort or a hang in learner code is reported as a status
//! instead of killing or freezing the test. It prints the challenge's table and the next step, pass
//! or fail, and fails the test, with one line, unless every check passes.

use crate::Suite;
use crate::runner::run_child;
use grader_core::event::RunnerConfig;
use grader_core::report::{TableOptions, Upcoming, next_step, render_challenge, render_next};
use grader_core::sandbox::Sandbox;
use grader_core::supervise::{self, Supervision};
use grader_core::{ChallengePlan, scoring};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
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

/// Supervises a runner through the whole plan, prints the challenge's table and the next step, and
/// says whether every check passed.
pub fn supervise_and_print(plan: &ChallengePlan, command: &dyn Fn() -> Command) -> bool {
    let started = Instant::now();
    let how = Supervision {
        sandbox: Sandbox::for_grading(),
        strip_prefix: None,
    };
    let outcomes = supervise::supervise(plan, command, &how);
    let report = scoring::score_challenge(plan, &outcomes, started.elapsed().as_millis() as u64);
    let options = TableOptions {
        verbose: true,
        upcoming: upcoming(plan),
        compact: false,
    };
    let one = scoring::report("exercises", vec![report]);
    let mut table = render_challenge(&one.challenges[0], &options);
    table.push('\n');
    table.push_str(&render_next(&next_step(&one, options.upcoming.as_ref())));
    // Straight to the file descriptor, past libtest's capture of `print!`: a learner sees the table
    // when every check passes too, and once (not again under "---- checks stdout ----") when not.
    let mut stdout = std::io::stdout().lock();
    let text = if stdout.is_terminal() {
        table
    } else {
        anstream::adapter::strip_str(&table).to_string()
    };
    let _ = write!(stdout, "\n{text}");
    let _ = stdout.flush();
    one.all_passed()
}

/// The challenge after this one in the kit the test runs in (`cargo test` sets
/// `CARGO_MANIFEST_DIR` to `exercises/<dir>/`), for the next step once every check passes.
fn upcoming(plan: &ChallengePlan) -> Option<Upcoming> {
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let exercises = crate_dir.parent()?;
    let plans = grader_core::plan::discover(exercises.parent()?).ok()?;
    let shown = exercises.file_name()?.to_string_lossy().into_owned();
    grader_core::todo_marks::upcoming_after(&plans, &[plan.id.as_str()], exercises, &shown)
}
