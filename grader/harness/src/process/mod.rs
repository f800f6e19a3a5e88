//! The process model, in one place: which side of a process boundary this process is on.
//!
//! One executable plays three parts (nextest's shape: the entry decides, the runner runs, the suite
//! describes):
//!
//! - **a bench server** ([`bench`]): `grader bench` started this executable to serve the
//!   challenge's server, or the floor, under load (`TOKIO_CHALLENGES_BENCH` is set);
//! - **a challenge's program** ([`program`]): a check started this executable again to run one of
//!   the suite's binaries (`TOKIO_CHALLENGES_EXEC` is set); it runs that binary's `main` and exits;
//! - **the child** ([`child`]): a supervisor started it and wrote its configuration on standard
//!   input; it runs the checks and reports each one as an event;
//! - **the supervisor** ([`supervisor`]): started by hand (a generated runner) or by `cargo test -p
//!   <challenge>`; it starts this executable again as the child, survives it, scores and prints.
//!
//! The grader itself is a supervisor too (`grader_core::supervise`), of runners it built. [`Role`]
//! is the decision, made once at the start by [`runner_main`] and [`Suite::grade_as_test`]; the
//! suite ([`crate::suite`]) only describes the checks and binaries.

pub mod bench;
pub mod child;
pub mod program;
pub mod supervisor;

use crate::Suite;
use grader_core::event::RunnerConfig;
use std::process::Command;

/// Which part this process plays, decided from how it was started.
pub enum Role {
    /// Run the checks: the configuration a supervisor wrote on standard input (or why it could not
    /// be read).
    Child(Result<RunnerConfig, String>),
    /// Start the child, watch it, print the table.
    Supervisor,
}

/// Decides this process's part. A bench server and a challenge's program never return from here:
/// they run and exit.
/// `test_args` select the one test again when the executable is a test binary (none for a runner).
fn role(suite: &Suite, test_args: Vec<String>) -> Role {
    bench::become_bench_server(suite);
    program::become_program(suite, test_args);
    match RunnerConfig::from_stdin() {
        Some(config) => Role::Child(config.map_err(|e| format!("{e:#}"))),
        None => Role::Supervisor,
    }
}

/// The `main` of a check runner the grader generates: the child under the grader; started by hand,
/// the supervisor of itself.
pub fn runner_main(suite: Suite) -> ! {
    match role(&suite, Vec::new()) {
        Role::Child(config) => child::run_child(Box::leak(Box::new(suite)), config),
        Role::Supervisor => {
            let exe = std::env::current_exe().expect("the runner knows its own path");
            let passed = supervisor::supervise_and_print(&suite.plan, &|| Command::new(&exe));
            std::process::exit(if passed { 0 } else { 1 })
        }
    }
}

impl Suite {
    /// `cargo test -p <challenge>`: grades this suite from the test named `test_name` (so that the
    /// child runs only that test). A learner's `tests/checks.rs` is one line:
    /// `checks_c04::suite().grade_as_test("checks")`.
    ///
    /// # Panics
    /// When some check does not pass (that is how `cargo test` shows a failing challenge), quietly:
    /// the table says what failed, and a backtrace would only hide it.
    pub fn grade_as_test(self, test_name: &str) {
        let test_args = ["--exact", test_name, "--nocapture", "--test-threads=1", "-q"];
        match role(&self, test_args.iter().map(|a| a.to_string()).collect()) {
            Role::Child(config) => child::run_child(Box::leak(Box::new(self)), config),
            Role::Supervisor => {}
        }
        let exe = std::env::current_exe().expect("a test binary knows its own path");
        let command = || {
            let mut cmd = Command::new(&exe);
            cmd.args(test_args);
            cmd
        };
        if !supervisor::supervise_and_print(&self.plan, &command) {
            println!(
                "{} {}: not every check passes yet (the table above says which, and why)",
                self.plan.id, self.plan.slug
            );
            // Fail the test without the panic hook: no "panicked at", no backtrace, just the table.
            std::panic::resume_unwind(Box::new("not every check passes yet"));
        }
    }
}
