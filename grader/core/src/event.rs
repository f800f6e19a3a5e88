//! The protocol between the supervisor and a check runner.
//!
//! The supervisor starts a runner with [`RUNNER_ENV`] set (that is all the environment says) and
//! writes one [`RunnerConfig`] line on its standard input, then closes it. The config names the
//! descriptor the runner reports on (a pipe it inherited, not a path) and a secret for this run
//! only. The runner moves that descriptor out of reach of the programs learner code starts
//! (close-on-exec), then writes an [`Envelope`] line before and after each check: `Started`
//! (flushed) before it runs a check, `Finished` after. If the process dies in between, the grader
//! knows which check killed it and starts the runner again after it.

use crate::Status;
use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};

/// Set (to `1`) in a runner's environment: it puts the runner in child mode. It carries nothing
/// else; the rest of the configuration comes on standard input.
pub const RUNNER_ENV: &str = "TOKIO_CHALLENGES_RUNNER";

/// The exit code with which a runner says "a check timed out; restart me after it".
pub const RESTART_EXIT_CODE: i32 = 75;

/// The descriptor on which a runner finds its events channel (Unix).
pub const EVENTS_FD: i32 = 3;

/// What the supervisor tells a runner on its standard input (one JSON line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunnerConfig {
    /// Put in every event of this run; an event without it was not written by the runner.
    pub secret: String,
    /// The index (in plan order) of the first check to run.
    pub start: usize,
    /// The inherited descriptor to write events to.
    pub events_fd: i32,
    /// A path prefix to strip from panic locations (so that messages show
    /// `exercises/c01-identity/src/q1.rs:20` rather than an absolute path).
    pub strip_prefix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Check number `index` (in plan order) is about to run.
    Started { index: usize },
    /// Check number `index` ended with this status.
    Finished {
        index: usize,
        status: Status,
        message: Option<String>,
        duration_ms: u64,
    },
}

/// One line on the events channel: an event and the run's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub secret: String,
    #[serde(flatten)]
    pub event: Event,
}

impl Envelope {
    /// One line of the events channel (no trailing newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("events always serialise")
    }

    /// Parses one line; `None` for a line that is not an event.
    pub fn from_line(line: &str) -> Option<Envelope> {
        serde_json::from_str(line).ok()
    }
}

impl RunnerConfig {
    /// In a runner: the configuration on standard input, when [`RUNNER_ENV`] says there is one.
    pub fn from_stdin() -> Option<Result<RunnerConfig>> {
        if std::env::var_os(RUNNER_ENV).is_none_or(|v| v != "1") {
            return None;
        }
        let mut line = String::new();
        let read = std::io::BufRead::read_line(
            &mut std::io::Read::take(std::io::stdin().lock(), 64 << 10),
            &mut line,
        );
        Some(match read {
            Ok(_) => serde_json::from_str(&line).context("a bad runner configuration"),
            Err(e) => Err(anyhow!("cannot read the runner configuration: {e}")),
        })
    }

    /// In a runner: the events channel, made close-on-exec so that no program learner code starts
    /// inherits it.
    pub fn open_events(&self) -> std::io::Result<std::fs::File> {
        use std::os::fd::FromRawFd;
        // SAFETY: fcntl on any number is safe; it fails on a descriptor that is not open.
        if unsafe { libc::fcntl(self.events_fd, libc::F_SETFD, libc::FD_CLOEXEC) } == -1 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: the descriptor is open (above), was handed to this process for this purpose,
        // and nothing else in the runner owns it.
        Ok(unsafe { std::fs::File::from_raw_fd(self.events_fd) })
    }
}

/// A fresh secret for one run: 128 bits from the operating system, in hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .expect("/dev/urandom is readable on Linux and macOS");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_is_one_flat_json_object() {
        let line = Envelope {
            secret: "s".into(),
            event: Event::Started { index: 2 },
        }
        .to_line();
        assert_eq!(line, r#"{"secret":"s","event":"started","index":2}"#);
        assert_eq!(
            Envelope::from_line(&line).map(|e| e.event),
            Some(Event::Started { index: 2 })
        );
    }

    #[test]
    fn secrets_differ() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
