//! # Challenge 9: Work with synchronous functions — reference solution
//!
//! Two ways a plain function meets the event loop: a value that is already there becomes a future
//! that is already complete (Twisted's `succeed`), and a function that blocks runs on a thread of
//! its own, so that the loop keeps turning meanwhile (Twisted's `deferToThread`). The question
//! is in `exercises/c09-sync-functions/README.md`.

use std::any::Any;
use std::fmt;
use std::future::Future;

/// Why [`to_future`] has no value to give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockingError<E> {
    /// The function returned `Err(e)`.
    Failed(E),
    /// The function panicked: the panic's message.
    Panicked(String),
    /// The function never ran: the runtime had shut down before it could start.
    Cancelled,
}

impl<E: fmt::Display> fmt::Display for BlockingError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockingError::Failed(e) => write!(f, "the blocking function failed: {e}"),
            BlockingError::Panicked(message) => write!(f, "the blocking function panicked: {message}"),
            BlockingError::Cancelled => f.write_str("the blocking function was cancelled"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for BlockingError<E> {}

/// Given: the text of a panic, from the payload that a panic carries (`JoinError::into_panic`,
/// `std::panic::catch_unwind`): `panic!("boom")` gives `"boom"` (a `&str` payload), `panic!("{n} left")`
/// its formatted text (a `String` payload).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Q1: a future that is **already complete** with `"Hello World"`, the counterpart of Twisted's
/// `defer.succeed("Hello World")`: its first poll gives the value, nothing is waited for.
pub fn hello_world() -> impl Future<Output = &'static str> {
    // `ready` holds the value and hands it over on the first poll: `.await` on it never gives the
    // runtime a chance to switch tasks, just as `succeed` runs its callbacks at once.
    std::future::ready("Hello World")
}

/// Q2: runs the blocking function `f` **without stalling the runtime**, the counterpart of Twisted's
/// `deferToThread(f)`: while `f` sleeps or crunches, the runtime's other tasks keep running, even on
/// a runtime with a single thread. Resolves to what `f` returns: `Ok(value)`, or
/// `Err(BlockingError::Failed(e))` when `f` returns `Err(e)`, or
/// `Err(BlockingError::Panicked(message))` with the panic's text when `f` panics (never a panic of
/// its own), or `Err(BlockingError::Cancelled)` when the runtime has shut down before `f` could run.
pub async fn to_future<T, E, F>(f: F) -> Result<T, BlockingError<E>>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    // `spawn_blocking` runs `f` on tokio's pool of blocking threads (Twisted's thread pool), and the
    // task that awaits its handle sleeps until `f` is done: the runtime's own thread stays free.
    // (`block_in_place` would block that thread instead, and panics on a current-thread runtime.)
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(BlockingError::Failed(e)),
        // A panic in `f` does not cross into the awaiting task: it comes back as a `JoinError`
        // carrying the panic's payload, which becomes an `Err` like any other failure.
        Err(join_error) if join_error.is_panic() => {
            Err(BlockingError::Panicked(panic_message(&*join_error.into_panic())))
        }
        // Otherwise the task was cancelled: the runtime shut down before `f` ran.
        Err(_) => Err(BlockingError::Cancelled),
    }
}
