//! What the checks share: a canceller that notes its calls, a drop guard, and messages.

use harness::Failure;
use harness::tokio::time::Instant;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long (virtual time) a check waits for `with_timeout` to return before it gives up on it.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Seconds with millisecond precision, for messages: `1.999 s`.
pub fn secs(d: Duration) -> String {
    format!("{} s", d.as_millis() as f64 / 1000.0)
}

/// A canceller that notes when it was called and produces `value`.
#[derive(Clone)]
pub struct Canceller {
    calls: Arc<Mutex<Vec<Duration>>>,
    start: Instant,
}

impl Canceller {
    pub fn new(start: Instant) -> Canceller {
        Canceller {
            calls: Arc::default(),
            start,
        }
    }

    pub fn producing(&self, value: &'static str) -> impl FnOnce() -> String + use<> {
        let calls = self.calls.clone();
        let start = self.start;
        move || {
            calls
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(start.elapsed());
            value.to_string()
        }
    }

    /// When it was called, in seconds since the start, for messages.
    pub fn calls(&self) -> Vec<String> {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.iter().map(|&at| secs(at)).collect()
    }
}

/// Notes when it is dropped: the inner future holds one, so its drop is the future's.
pub struct DropGuard {
    pub dropped: Arc<Mutex<Option<Duration>>>,
    pub start: Instant,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        *self.dropped.lock().unwrap_or_else(|e| e.into_inner()) = Some(self.start.elapsed());
    }
}

/// `with_timeout` (or the program) had not returned after [`PATIENCE`]; `given_up_at` is when it
/// should have.
pub fn not_returned(what: &str, at: &str, output: &str) -> Failure {
    let cause = if output.is_empty() {
        ""
    } else {
        " (it logged the timeout, then went on waiting: for the inner future?)"
    };
    Failure::Fail(format!(
        "expected {what} to return at {at}; it had not returned after {} s of virtual \
         time, and it wrote {output:?}{cause}",
        PATIENCE.as_secs()
    ))
}

pub fn write_failed(e: io::Error) -> Failure {
    Failure::Fail(format!(
        "with_timeout returned an error, but writing to the check's buffer cannot fail: {e}"
    ))
}
