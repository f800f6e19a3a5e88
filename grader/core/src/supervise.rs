//! Running a challenge's check runner as a child process, and surviving whatever it does.
//!
//! The runner writes an event line before and after each check (see [`crate::Event`]). The
//! supervisor waits for it under a deadline, then reads the events:
//! - a check with `Started` but no `Finished` killed the process: it is a `crash` (or a `timeout`
//!   when the supervisor had to kill a runner that stopped answering);
//! - the runner then starts again after that check, so one `process::exit` costs one check.
//!
//! The runner enforces each check's own limit with a watchdog and exits after a timeout (so that a
//! thread spinning in `loop {}` dies with it); the supervisor's deadline is a second line of defence.

use crate::{ChallengePlan, Event, Status};
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// Environment variable naming the events file; its presence puts a runner in child mode.
pub const EVENTS_ENV: &str = "TOKIO_CHALLENGES_EVENTS";
/// Environment variable with the index of the first check to run.
pub const START_ENV: &str = "TOKIO_CHALLENGES_START";
/// Environment variable with a path prefix to strip from panic locations (so messages show
/// `exercises/c01-identity/src/q1.rs:20` rather than an absolute path).
pub const STRIP_PREFIX_ENV: &str = "TOKIO_CHALLENGES_STRIP_PREFIX";
/// The exit code with which a runner says "a check timed out; restart me after it".
pub const RESTART_EXIT_CODE: i32 = 75;

/// Extra time the supervisor grants a runner beyond the sum of its checks' limits.
const GRACE: Duration = Duration::from_secs(5);

/// How one check ended, as the supervisor saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    pub status: Status,
    pub message: Option<String>,
    pub duration_ms: u64,
}

/// Runs every check of `plan`, starting the runner with `command` (called once per start; the
/// supervisor adds the environment variables and redirects the output). Returns one outcome per
/// check, in plan order.
pub fn supervise(plan: &ChallengePlan, command: &dyn Fn() -> Command) -> Vec<CheckOutcome> {
    let limits: Vec<Duration> = plan
        .checks()
        .map(|(_, c)| Duration::from_millis(c.limit_ms))
        .collect();
    let mut outcomes: Vec<Option<CheckOutcome>> = vec![None; limits.len()];
    let mut start = 0;
    while start < limits.len() {
        let deadline = limits[start..].iter().sum::<Duration>() + GRACE;
        let run = match run_once(command, start, deadline) {
            Ok(run) => run,
            Err(error) => {
                // The runner could not even start: every remaining check crashed.
                for outcome in &mut outcomes[start..] {
                    *outcome = Some(crash(format!("the check runner could not start: {error}"), 0));
                }
                break;
            }
        };
        let mut running: Option<usize> = None;
        let mut finished_ms = 0;
        let mut progress = false;
        for event in &run.events {
            match *event {
                Event::Started { index } => running = Some(index),
                Event::Finished {
                    index,
                    status,
                    ref message,
                    duration_ms,
                } => {
                    if let Some(slot) = outcomes.get_mut(index) {
                        *slot = Some(CheckOutcome {
                            status,
                            message: message.clone(),
                            duration_ms,
                        });
                        progress = true;
                    }
                    finished_ms += duration_ms;
                    running = None;
                }
            }
        }
        // The first check without an outcome is where this run stopped.
        let Some(stopped) = (start..limits.len()).find(|&i| outcomes[i].is_none()) else {
            break;
        };
        let started_it = running == Some(stopped);
        let restart_asked = run.status.and_then(|s| s.code()) == Some(RESTART_EXIT_CODE);
        if restart_asked && !started_it && progress {
            // The runner reported a timeout and exited so that its stuck threads die with it.
            start = stopped;
            continue;
        }
        let elapsed = run.elapsed_ms.saturating_sub(finished_ms);
        outcomes[stopped] = Some(if run.killed {
            CheckOutcome {
                status: Status::Timeout,
                message: Some(format!(
                    "the check runner stopped answering and was stopped after {} s",
                    deadline.as_secs()
                )),
                duration_ms: elapsed,
            }
        } else if started_it {
            crash(died_message(run.status, &run.stderr_tail), elapsed)
        } else {
            crash(
                format!(
                    "the check runner exited before running this check ({})",
                    describe(run.status)
                ),
                0,
            )
        });
        start = stopped + 1;
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| crash("the check never ran".into(), 0)))
        .collect()
}

fn crash(message: String, duration_ms: u64) -> CheckOutcome {
    CheckOutcome {
        status: Status::Crash,
        message: Some(message),
        duration_ms,
    }
}

struct Run {
    events: Vec<Event>,
    status: Option<ExitStatus>,
    killed: bool,
    stderr_tail: String,
    elapsed_ms: u64,
}

fn run_once(command: &dyn Fn() -> Command, start: usize, deadline: Duration) -> std::io::Result<Run> {
    let dir = tempfile::tempdir()?;
    let events_path = dir.path().join("events.jsonl");
    let stderr_path = dir.path().join("stderr.txt");
    fs::write(&events_path, "")?;
    let mut cmd = command();
    cmd.env(EVENTS_ENV, &events_path)
        .env("NO_PROXY", no_proxy("NO_PROXY"))
        .env("no_proxy", no_proxy("no_proxy"))
        .env(START_ENV, start.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&stderr_path)?);
    let started = Instant::now();
    let mut child: Child = cmd.spawn()?;
    let (status, killed) = match child.wait_timeout(deadline)? {
        Some(status) => (Some(status), false),
        None => {
            let _ = child.kill();
            (child.wait().ok(), true)
        }
    };
    let events = fs::read_to_string(&events_path)?
        .lines()
        .filter_map(Event::from_line)
        .collect();
    let elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(Run {
        events,
        status,
        killed,
        stderr_tail: tail(&stderr_path),
        elapsed_ms,
    })
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

/// The last non-empty line the runner wrote to stderr (e.g. "thread 'check' has overflowed its stack").
fn tail(path: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = fs::File::open(path) {
        let _ = file.read_to_string(&mut text);
    }
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .chars()
        .take(300)
        .collect()
}

fn died_message(status: Option<ExitStatus>, stderr_tail: &str) -> String {
    let mut message = format!("the process running the check died: {}", describe(status));
    if !stderr_tail.is_empty() {
        message.push_str(&format!(" — last output: {stderr_tail}"));
    }
    message
}

fn describe(status: Option<ExitStatus>) -> String {
    let Some(status) = status else {
        return "unknown exit status".into();
    };
    if let Some(code) = status.code() {
        return format!("it exited with code {code} (std::process::exit?)");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("it was killed by signal {signal} ({})", signal_name(signal));
        }
    }
    status.to_string()
}

#[cfg(unix)]
fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => "SIGILL",
        6 => "SIGABRT: abort, or a stack overflow",
        7 => "SIGBUS",
        9 => "SIGKILL",
        11 => "SIGSEGV: a stack overflow or bad memory access",
        15 => "SIGTERM",
        _ => "a signal",
    }
}
