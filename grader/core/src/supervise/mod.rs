//! Running a challenge's check runner as a child process, and surviving whatever it does.
//!
//! One run: start the runner in its [`Sandbox`], hand it its configuration (a secret and the
//! descriptor to report on) through its standard input, read its events and its output on threads
//! (keeping a bounded tail of the output), wait for it under a deadline, kill what is left of it,
//! then [`decide`] from what it said and how it ended. A check that killed the process costs that
//! check; the next run starts after it.
//!
//! The runner enforces each check's own limit with a watchdog and exits after a timeout (so that a
//! thread spinning in `loop {}` dies with it); the supervisor's deadline is a second line of defence.

mod capture;
pub mod decide;

use crate::event::{EVENTS_FD, RUNNER_ENV, RunnerConfig, new_secret};
use crate::sandbox::{Limits, Sandbox};
use crate::{ChallengePlan, Status};
use decide::{Decision, Exit, RunRecord, decide};
use std::io::Write;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

pub use capture::OUTPUT_KEPT;

/// Extra time the supervisor grants a runner beyond the sum of its checks' limits.
const GRACE: Duration = Duration::from_secs(5);
/// How long the pipes may stay open after the runner is gone (a process that escaped the kill may
/// hold them); what was read by then stands.
const PIPE_GRACE: Duration = Duration::from_secs(1);

/// How one check ended, as the supervisor saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    pub status: Status,
    pub message: Option<String>,
    pub duration_ms: u64,
}

/// How runners are started and contained.
#[derive(Debug, Clone, Default)]
pub struct Supervision {
    pub sandbox: Sandbox,
    /// A path prefix to strip from panic locations.
    pub strip_prefix: Option<String>,
}

/// Runs every check of `plan`, starting the runner with `command` (called once per start; the
/// supervisor adds the configuration and redirects the output). Returns one outcome per check, in
/// plan order.
pub fn supervise(
    plan: &ChallengePlan,
    command: &dyn Fn() -> Command,
    how: &Supervision,
) -> Vec<CheckOutcome> {
    let limits: Vec<Duration> = plan
        .checks()
        .map(|(_, c)| Duration::from_millis(c.limit_ms))
        .collect();
    let total = limits.len();
    let mut outcomes: Vec<Option<CheckOutcome>> = vec![None; total];
    let mut start = 0;
    while start < total {
        let deadline = limits[start..].iter().sum::<Duration>() + GRACE;
        let decision = match run_once(command, how, start, total, deadline) {
            Ok(decision) => decision,
            Err(error) => {
                // The runner could not even start: every remaining check crashed.
                for outcome in &mut outcomes[start..] {
                    *outcome = Some(decide::crash(
                        format!("the check runner could not start: {error}"),
                        0,
                    ));
                }
                break;
            }
        };
        for (index, outcome) in decision.outcomes {
            outcomes[index] = Some(outcome);
        }
        start = decision.next;
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| decide::crash("the check never ran".into(), 0)))
        .collect()
}

/// One run of the runner from check `start`.
fn run_once(
    command: &dyn Fn() -> Command,
    how: &Supervision,
    start: usize,
    total: usize,
    deadline: Duration,
) -> std::io::Result<Decision> {
    let secret = new_secret();
    let (events_read, events_write) = std::io::pipe()?;
    let (output_read, output_write) = std::io::pipe()?;
    let mut cmd = command();
    cmd.env(RUNNER_ENV, "1")
        // Panics are recorded by the runner; a backtrace would only bury the line that says why
        // a process died.
        .env("RUST_BACKTRACE", "0")
        .env("NO_PROXY", no_proxy("NO_PROXY"))
        .env("no_proxy", no_proxy("no_proxy"))
        .stdin(Stdio::piped())
        .stdout(output_write.try_clone()?)
        .stderr(output_write);
    let events_fd = Some(std::os::fd::AsRawFd::as_raw_fd(&events_write));
    let started = Instant::now();
    let mut child = how
        .sandbox
        .spawn(&mut cmd, Limits::cpu_seconds(deadline), events_fd)?;
    // The grader's copies of the write ends go, so that the pipes end when the runner does.
    drop(cmd);
    drop(events_write);
    let events = capture::events(events_read)?;
    let output = capture::output(output_read)?;
    let config = RunnerConfig {
        secret: secret.clone(),
        start,
        events_fd: EVENTS_FD,
        strip_prefix: how.strip_prefix.clone(),
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A runner that died at once does not read it; what it did is told by how it ended.
        let line = serde_json::to_string(&config).expect("the config serialises");
        let _ = writeln!(stdin, "{line}");
    }
    let (status, killed) = match child.wait_timeout(deadline)? {
        Some(status) => (Some(status), false),
        None => {
            let _ = child.kill();
            (child.wait().ok(), true)
        }
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    how.sandbox.clean_up(&child);
    let received = events.finish(PIPE_GRACE);
    let output = output.finish(PIPE_GRACE);
    let output: Vec<u8> = output.into();
    let output = String::from_utf8_lossy(&output);
    let record = RunRecord {
        start,
        secret: &secret,
        received: &received,
        exit: exit_of(status),
        killed,
        deadline,
        elapsed_ms,
        output: &output,
    };
    Ok(decide(&record, total, &how.sandbox.limits))
}

fn exit_of(status: Option<ExitStatus>) -> Exit {
    let Some(status) = status else {
        return Exit::Unknown;
    };
    if let Some(code) = status.code() {
        return Exit::Code(code);
    }
    use std::os::unix::process::ExitStatusExt;
    status.signal().map_or(Exit::Unknown, Exit::Signal)
}

/// The variable's value with loopback added: checks talk to servers on 127.0.0.1, which must not
/// go through a proxy that the learner's environment sets (`HTTP_PROXY`) for the outside world.
fn no_proxy(name: &str) -> String {
    let loopback = "127.0.0.1,localhost,::1";
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => format!("{value},{loopback}"),
        _ => loopback.to_string(),
    }
}
