//! The child side of the process model: the process that runs a challenge's checks against
//! learner code, started by a supervisor (see [`super`]).
//!
//! It runs the checks in plan order from the index the supervisor gives, each one on a fresh thread
//! and a fresh runtime, while the main thread keeps a watchdog on the check's time limit. Before and
//! after each check it appends an [`Event`] line to the events file. On a timeout it reports, then
//! exits with [`RESTART_EXIT_CODE`] so that any thread stuck in learner code dies with the process;
//! the supervisor starts it again after that check. Its configuration (where to report, the run's
//! secret, where to start) comes on standard input, not in its environment: see
//! [`grader_core::event`].

use crate::panics::{self, PanicRecord};
use crate::suite::{BoundCheck, Clock};
use crate::{Failure, Outcome, Suite};
use grader_core::event::{Envelope, RESTART_EXIT_CODE, RunnerConfig};
use grader_core::{Event, Status};
use std::io::Write;
use std::panic::{self as std_panic, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Runs the checks from `config.start` on, then exits. `config` is what the supervisor wrote on
/// standard input ([`RunnerConfig::from_stdin`]), or why it could not be read.
pub fn run_child(suite: &'static Suite, config: Result<RunnerConfig, String>) -> ! {
    let config = config.unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let mut events = match config.open_events() {
        Ok(file) => file,
        Err(e) => {
            eprintln!(
                "cannot open the events channel (descriptor {}): {e}",
                config.events_fd
            );
            std::process::exit(2)
        }
    };
    panics::install_recorder(config.strip_prefix.clone());
    let secret = config.secret;
    let mut emit = |event: Event| {
        // One write per line: if the process dies, what was written stays.
        let line = format!(
            "{}\n",
            Envelope {
                secret: secret.clone(),
                event
            }
            .to_line()
        );
        if events.write_all(line.as_bytes()).is_err() {
            std::process::exit(2);
        }
    };
    let limits = suite
        .plan
        .checks()
        .map(|(_, c)| Duration::from_millis(c.limit_ms));
    for (index, (check, limit)) in suite.checks.iter().zip(limits).enumerate().skip(config.start) {
        emit(Event::Started { index });
        let started = Instant::now();
        let (status, message) = run_with_watchdog(check, limit);
        let duration_ms = started.elapsed().as_millis() as u64;
        emit(Event::Finished {
            index,
            status,
            message,
            duration_ms,
        });
        if status == Status::Timeout {
            // Learner code may still be spinning on some thread (the check's, if the watchdog
            // fired): leave, so that it dies with the process; the supervisor restarts after it.
            std::process::exit(RESTART_EXIT_CODE);
        }
    }
    std::process::exit(0)
}

fn run_with_watchdog(check: &'static BoundCheck, limit: Duration) -> (Status, Option<String>) {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("check {}", check.id))
        .spawn(move || {
            let _ = tx.send(run_check(check));
        });
    if let Err(e) = spawned {
        return (
            Status::Crash,
            Some(format!("could not start a thread for the check: {e}")),
        );
    }
    match rx.recv_timeout(limit) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let message = format!(
                "the check did not finish within its limit of {} (is something blocking the runtime, or waiting forever?)",
                human(limit)
            );
            // A `todo!()` hit while waiting explains the hang better than the limit does.
            classify(Err(Failure::Timeout(message)), panics::take())
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => (
            Status::Panic,
            Some("the check's thread ended without a result".into()),
        ),
    }
}

fn human(limit: Duration) -> String {
    if limit.subsec_millis() == 0 {
        format!("{} s", limit.as_secs())
    } else {
        format!("{} ms", limit.as_millis())
    }
}

/// Runs one check on a runtime of its own and classifies how it ended.
fn run_check(check: &BoundCheck) -> (Status, Option<String>) {
    // This thread and every thread of the check's runtime log for this check only: the runtime of
    // the check before may still be shutting down in the background.
    let number = crate::logs::begin_check();
    crate::logs::for_check(number);
    let runtime = match check.clock {
        Clock::Real => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .on_thread_start(move || crate::logs::for_check(number))
            .build(),
        Clock::Paused => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .on_thread_start(move || crate::logs::for_check(number))
            .build(),
        Clock::RealCurrentThread => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .on_thread_start(move || crate::logs::for_check(number))
            .build(),
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            return (
                Status::Crash,
                Some(format!("could not start a tokio runtime: {e}")),
            );
        }
    };
    panics::take();
    let result = std_panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(check.future())));
    // Do not wait for tasks or blocking threads that learner code left behind.
    runtime.shutdown_background();
    let outcome = result.unwrap_or_else(|_| Err(Failure::Fail("the check panicked".into())));
    classify(outcome, panics::take())
}

/// Turns a check's outcome and the panics seen while it ran into a status and a message.
///
/// A check that passed passes. Otherwise a `todo!()` hit on the way makes it `todo` (the learner has
/// not started), any other panic makes it `panic` (with the panic's text and place), and else the
/// check's own failure stands.
fn classify(outcome: Outcome, panics: Vec<PanicRecord>) -> (Status, Option<String>) {
    let failure = match outcome {
        Ok(()) => return (Status::Pass, None),
        Err(failure) => failure,
    };
    if let Some(todo) = panics.iter().find(|p| p.is_todo()) {
        return (
            Status::Todo,
            Some(format!("not implemented yet ({})", todo.location)),
        );
    }
    if let Some(panic) = panics.first() {
        return (
            Status::Panic,
            Some(format!("panicked at {}: {}", panic.location, panic.message)),
        );
    }
    match failure {
        Failure::Fail(message) => (Status::Fail, Some(message)),
        Failure::Timeout(message) => (Status::Timeout, Some(message)),
    }
}

/// Runs a suite in-process, without isolation: for the harness's own tests.
#[cfg(test)]
fn run_in_process(suite: &Suite) -> Vec<(Status, Option<String>)> {
    suite.checks.iter().map(run_check).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::real_current_thread;
    use tokio::runtime::{Handle, RuntimeFlavor};

    const PLAN: &str = r#"
id = "t00"
slug = "test"
title = "Test"
dir = "t00-test"

[[questions]]
id = "q1"
title = "Q"
hints = ["a hint"]
checks = [{ id = "clock", name = "the clock", points = 1 }]
"#;

    #[test]
    fn a_real_current_thread_check_has_one_thread_and_a_real_clock() {
        let suite = Suite::new(
            PLAN,
            vec![real_current_thread("clock", || async {
                let flavor = Handle::current().runtime_flavor();
                crate::ensure!(
                    flavor == RuntimeFlavor::CurrentThread,
                    "expected a current-thread runtime, got {flavor:?}"
                );
                let started = std::time::Instant::now();
                tokio::time::sleep(Duration::from_millis(20)).await;
                let slept = started.elapsed();
                crate::ensure!(
                    slept >= Duration::from_millis(20),
                    "a 20 ms sleep took {slept:?}: the clock is not real"
                );
                Ok(())
            })],
        );
        assert_eq!(run_in_process(&suite), [(Status::Pass, None)]);
    }

    #[test]
    fn an_earlier_checks_late_event_is_not_the_next_checks() {
        let _alone = crate::logs::TEST_CAPTURE
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let plan = PLAN.replace(
            r#"checks = [{ id = "clock", name = "the clock", points = 1 }]"#,
            r#"checks = [{ id = "early", name = "e", points = 1 }, { id = "late", name = "l", points = 1 }]"#,
        );
        let suite = Suite::new(
            &plan,
            vec![
                // A blocking thread outlives its runtime's background shutdown and logs after
                // the next check began capturing.
                crate::real("early", || async {
                    tokio::task::spawn_blocking(|| {
                        std::thread::sleep(Duration::from_millis(100));
                        tracing::info!("from the check before");
                    });
                    Ok(())
                }),
                crate::real("late", || async {
                    let logs = crate::logs::capture()?;
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    tracing::info!("mine");
                    let seen: Vec<String> = logs.events().into_iter().map(|e| e.message).collect();
                    crate::ensure!(seen == ["mine"], "expected only this check's event, got {seen:?}");
                    Ok(())
                }),
            ],
        );
        assert_eq!(
            run_in_process(&suite),
            [(Status::Pass, None), (Status::Pass, None)]
        );
    }
}
