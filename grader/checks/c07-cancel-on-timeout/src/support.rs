//! What the checks share: a canceller that notes its calls, an inner future that notes its drop,
//! a writer that fails, and messages.

use harness::Failure;
use harness::time::show;
use harness::tokio::time::Instant;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long (virtual time) a check waits for `with_timeout` to return before it gives up on it.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// When something happened, measured from a check's start; shared with learner code.
#[derive(Clone)]
pub struct Moment {
    at: Arc<Mutex<Option<Duration>>>,
    start: Instant,
}

impl Moment {
    pub fn new(start: Instant) -> Moment {
        Moment {
            at: Arc::default(),
            start,
        }
    }

    /// Notes now (the first time only).
    pub fn note(&self) {
        self.at
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(self.start.elapsed());
    }

    pub fn get(&self) -> Option<Duration> {
        *self.at.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Notes when it is dropped: an inner future that holds one is dropped with it.
pub struct DropGuard(pub Moment);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.note();
    }
}

/// An inner future that never completes and notes when it is dropped in `dropped`.
pub fn never_completing(dropped: &Moment) -> impl Future<Output = String> + Send + 'static + use<> {
    let guard = DropGuard(dropped.clone());
    async move {
        let _guard = guard;
        std::future::pending::<String>().await
    }
}

/// One call of a [`Canceller`]: when, and whether the inner future had been dropped by then.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    pub at: Duration,
    pub inner_dropped: Option<bool>,
}

/// A canceller that notes when it was called (and, if it watches an inner future, whether that
/// had been dropped by then), and produces a value.
#[derive(Clone)]
pub struct Canceller {
    calls: Arc<Mutex<Vec<Call>>>,
    start: Instant,
    inner: Option<Moment>,
}

impl Canceller {
    pub fn new(start: Instant) -> Canceller {
        Canceller {
            calls: Arc::default(),
            start,
            inner: None,
        }
    }

    /// A canceller that also notes whether the inner future that notes its drop in `dropped` had
    /// been dropped when it was called.
    pub fn watching(start: Instant, dropped: &Moment) -> Canceller {
        Canceller {
            inner: Some(dropped.clone()),
            ..Canceller::new(start)
        }
    }

    pub fn producing(&self, value: &'static str) -> impl FnOnce() -> String + use<> {
        let (calls, start, inner) = (self.calls.clone(), self.start, self.inner.clone());
        move || {
            let call = Call {
                at: start.elapsed(),
                inner_dropped: inner.map(|m| m.get().is_some()),
            };
            calls.lock().unwrap_or_else(|e| e.into_inner()).push(call);
            value.to_string()
        }
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// When it was called, for messages: `["2 s"]`.
    pub fn times(&self) -> Vec<String> {
        self.calls().iter().map(|c| show(c.at)).collect()
    }
}

/// A writer whose every write fails, as standard output does when its reader has gone.
pub struct BrokenPipe;

impl Write for BrokenPipe {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(
            io::ErrorKind::BrokenPipe,
            "the check's writer is closed",
        ))
    }

    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::BrokenPipe,
            "the check's writer is closed",
        ))
    }
}

/// `with_timeout` (or the program) had not returned after [`PATIENCE`]; `at` is when it should
/// have.
pub fn not_returned(what: &str, at: &str, output: &str) -> Failure {
    let cause = if output.is_empty() {
        ""
    } else {
        " (it logged the timeout, then went on waiting: for the inner future?)"
    };
    Failure::Fail(format!(
        "expected {what} to return at {at}; it had not returned after {} of virtual time, and it \
         wrote {output:?}{cause}",
        show(PATIENCE)
    ))
}

pub fn write_failed(e: io::Error) -> Failure {
    Failure::Fail(format!(
        "with_timeout returned an error, but writing to the check's buffer cannot fail: {e}"
    ))
}
