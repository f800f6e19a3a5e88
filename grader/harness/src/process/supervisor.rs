//! The supervising side of the process model, in a check runner started by hand or in a learner's
//! `cargo test -p <challenge>`: it starts the same executable again as the child (see [`super`]),
//! so a `process::exit`, an abort or a hang in learner code is reported as a status instead of
//! killing or freezing it, and prints the challenge's table and the next step, pass or fail.

use grader_core::report::{TableOptions, Upcoming, next_step, render_challenge, render_next};
use grader_core::sandbox::Sandbox;
use grader_core::supervise::{self, Supervision};
use grader_core::{ChallengePlan, scoring};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

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
