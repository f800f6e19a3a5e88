//! # Challenge 9: Work with synchronous functions
//!
//! Two ways a plain function meets the event loop: a value that is already there becomes a future
//! that is already complete (Twisted's `succeed`), and a function that blocks runs on a thread of
//! its own, so that the loop keeps turning meanwhile (Twisted's `deferToThread`). Read `README.md`
//! first; check your work with `cargo test -p c09-sync-functions`.

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
    // TODO(Q1): replace this placeholder (a future whose first poll is a `todo!()`): `std::future`
    // has a function that wraps a value in a future that is complete at once.
    std::future::poll_fn(|_| todo!("a future that is already complete, with \"Hello World\""))
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
    // TODO(Q2): calling `f()` here would block the thread that runs every task. Where does tokio
    // run blocking work, and what does awaiting it give when the function panicked?
    let _ = f;
    todo!("run the blocking function off the runtime's threads")
}
