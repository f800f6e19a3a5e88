//! The decision after one run of a check runner: a pure function of what the runner reported and
//! how it ended, so that every case (restart after a timeout, a crash, a hang, a tampered report,
//! a limit hit) is tested without starting a process.

use super::CheckOutcome;
use crate::Status;
use crate::event::{Envelope, Event, RESTART_EXIT_CODE};
use crate::sandbox::{Limits, human_size};
use std::time::Duration;

/// One line read from a runner's events channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Event(Envelope),
    /// A line that is not an event (its first characters).
    Unreadable(String),
    /// The channel's last line had no end: the runner died while writing it.
    Torn,
    /// More bytes than any honest runner writes; the rest was not read.
    Overflow,
}

/// How the runner's process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    Unknown,
}

/// Everything the supervisor knows about one run.
#[derive(Debug, Clone)]
pub struct RunRecord<'a> {
    /// The check the run was asked to start from.
    pub start: usize,
    /// The run's secret: every event must carry it.
    pub secret: &'a str,
    pub received: &'a [Received],
    pub exit: Exit,
    /// The supervisor stopped the runner at `deadline` (it had not exited).
    pub killed: bool,
    pub deadline: Duration,
    pub elapsed_ms: u64,
    /// The end of the runner's output (stdout and stderr, at most the last 64 KiB).
    pub output: &'a str,
}

/// What the run settled, and where the next run starts (`next >= total` means done).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcomes: Vec<(usize, CheckOutcome)>,
    pub next: usize,
}

/// Where the runner was in the protocol when its report ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Checks before this one are finished; this one has not started.
    Before(usize),
    /// This check started and did not finish.
    In(usize),
}

impl Position {
    fn check(self) -> usize {
        match self {
            Position::Before(i) | Position::In(i) => i,
        }
    }
}

/// Decides a run of a runner over a plan of `total` checks.
pub fn decide(run: &RunRecord<'_>, total: usize, limits: &Limits) -> Decision {
    let mut outcomes = Vec::new();
    let mut position = Position::Before(run.start);
    let mut finished_ms = 0;
    let mut last_status = None;
    for received in run.received {
        let problem = match (received, position) {
            (Received::Torn, _) => break,
            (Received::Overflow, _) => Some("it wrote more than a runner ever writes".to_string()),
            (Received::Unreadable(text), _) => Some(format!("a line that is not an event: {text:?}")),
            (Received::Event(envelope), _) if envelope.secret != run.secret => {
                Some("an event without this run's secret".to_string())
            }
            (Received::Event(envelope), Position::Before(i)) => match envelope.event {
                Event::Started { index } if index == i && i < total => {
                    position = Position::In(i);
                    None
                }
                ref other => Some(format!("{} where check {i} should have started", show(other))),
            },
            (Received::Event(envelope), Position::In(i)) => match &envelope.event {
                Event::Finished {
                    index,
                    status,
                    message,
                    duration_ms,
                } if *index == i && *status != Status::CompileError => {
                    outcomes.push((
                        i,
                        CheckOutcome {
                            status: *status,
                            message: message.clone(),
                            duration_ms: *duration_ms,
                        },
                    ));
                    finished_ms += duration_ms;
                    last_status = Some(*status);
                    position = Position::Before(i + 1);
                    None
                }
                other => Some(format!("{} where check {i} should have finished", show(other))),
            },
        };
        if let Some(problem) = problem {
            // Nothing after this line is believed; the check it happened in is a crash.
            let i = position.check().min(total.saturating_sub(1));
            outcomes.push((
                i,
                crash(
                    format!(
                        "the check runner's report was tampered with ({problem}): only the grader's \
                     runner may write to its channel"
                    ),
                    0,
                ),
            ));
            return Decision {
                outcomes,
                next: i + 1,
            };
        }
    }
    let elapsed_ms = run.elapsed_ms.saturating_sub(finished_ms);
    match position {
        Position::Before(i) if i >= total => Decision { outcomes, next: i },
        Position::Before(i) => {
            let restart_asked =
                run.exit == Exit::Code(RESTART_EXIT_CODE) && last_status == Some(Status::Timeout);
            if restart_asked {
                // The runner reported a timeout and left so that its stuck threads die with it.
                return Decision { outcomes, next: i };
            }
            let outcome = if run.killed {
                stopped_answering(run.deadline, elapsed_ms)
            } else {
                crash(
                    format!(
                        "the check runner exited before running this check ({})",
                        describe(run.exit, limits)
                    ),
                    0,
                )
            };
            outcomes.push((i, outcome));
            Decision {
                outcomes,
                next: i + 1,
            }
        }
        Position::In(i) => {
            let outcome = if run.killed {
                stopped_answering(run.deadline, elapsed_ms)
            } else {
                crash(died_message(run.exit, run.output, limits), elapsed_ms)
            };
            outcomes.push((i, outcome));
            Decision {
                outcomes,
                next: i + 1,
            }
        }
    }
}

fn show(event: &Event) -> String {
    match event {
        Event::Started { index } => format!("`started {index}`"),
        Event::Finished { index, status, .. } => format!("`finished {index} {status}`"),
    }
}

pub(super) fn crash(message: String, duration_ms: u64) -> CheckOutcome {
    CheckOutcome {
        status: Status::Crash,
        message: Some(message),
        duration_ms,
    }
}

fn stopped_answering(deadline: Duration, duration_ms: u64) -> CheckOutcome {
    CheckOutcome {
        status: Status::Timeout,
        message: Some(format!(
            "the check runner stopped answering and was stopped after {} s",
            deadline.as_secs()
        )),
        duration_ms,
    }
}

/// The line Rust's default allocation-error handler prints (before it aborts, and before a
/// backtrace if backtraces are on) when memory runs out.
fn out_of_memory(output: &str) -> Option<&str> {
    output
        .lines()
        .rev()
        .find(|l| l.starts_with("memory allocation of") && l.ends_with("failed"))
}

/// The last non-empty line of the output (e.g. "thread 'x' has overflowed its stack").
fn last_line(output: &str) -> String {
    let line = output.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().chars().take(300).collect()
}

fn died_message(exit: Exit, output: &str, limits: &Limits) -> String {
    if let Some(line) = out_of_memory(output)
        && matches!(exit, Exit::Signal(_))
    {
        return format!(
            "the process running the check ran out of memory: it may use {} (the grader's \
             --memory-limit) — {line}",
            human_size(limits.memory)
        );
    }
    let tail = last_line(output);
    let mut message = format!("the process running the check died: {}", describe(exit, limits));
    if !tail.is_empty() {
        message.push_str(&format!(" — last output: {tail}"));
    }
    message
}

fn describe(exit: Exit, limits: &Limits) -> String {
    match exit {
        Exit::Unknown => "unknown exit status".into(),
        Exit::Code(code) => format!("it exited with code {code} (std::process::exit?)"),
        Exit::Signal(signal) => format!(
            "it was killed by signal {signal} ({})",
            signal_name(signal, limits)
        ),
    }
}

fn signal_name(signal: i32, limits: &Limits) -> String {
    match signal {
        4 => "SIGILL".into(),
        6 => "SIGABRT: abort, or a stack overflow".into(),
        7 => "SIGBUS".into(),
        9 => "SIGKILL".into(),
        11 => "SIGSEGV: a stack overflow or bad memory access".into(),
        15 => "SIGTERM".into(),
        24 => "SIGXCPU: it used up its CPU time limit; is a thread spinning?".into(),
        25 => format!(
            "SIGXFSZ: it wrote a file larger than the limit of {}",
            human_size(limits.file_size)
        ),
        _ => "a signal".into(),
    }
}

#[cfg(test)]
mod tests;
