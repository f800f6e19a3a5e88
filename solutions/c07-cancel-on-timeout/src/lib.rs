//! # Challenge 7: Cancel on Timeout — reference solution
//!
//! A future that may never finish gets a deadline: [`with_timeout`] gives up on it when the time is
//! up, drops it (which is how a future is cancelled in Rust), and returns what a canceller produces
//! instead, logged by [`log_timeout`].

use std::future::Future;
use std::io::{self, Write};
use std::time::Duration;

/// The original's timeout.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// What the original's canceller makes of the cancelled Deferred.
pub const MESSAGE: &str = "Everything's ok!";

/// Given (Python's `logTimeout`): writes `got '<result>', but after <timeout> seconds` to `out` and
/// returns `<result>(timed out)`. The timeout is written as Python writes the number: `2`, `0.05`.
pub fn log_timeout<W: Write>(out: &mut W, result: String, timeout: Duration) -> io::Result<String> {
    writeln!(out, "got '{result}', but after {} seconds", timeout.as_secs_f64())?;
    Ok(result + "(timed out)")
}

/// Q1 (Twisted's `d.addTimeout(timeout, reactor, onTimeoutCancel=logTimeout)`): waits for `inner`
/// for at most `timeout`.
///
/// - If `inner` finishes first, returns its value; nothing is written, `canceller` is not called and
///   no timer or task is left behind.
/// - Otherwise, when `timeout` has passed (not a moment before), `inner` is dropped — cancelled —
///   and only then is `canceller()` called; the value it produces goes through [`log_timeout`], whose
///   result is returned, an `Err` included.
/// - A zero `timeout` is up at once: it does not mean "no timeout".
///
/// `inner` is `Send + 'static`, like any future that could run as a task of its own.
pub async fn with_timeout<F, C, W>(
    inner: F,
    timeout: Duration,
    canceller: C,
    out: &mut W,
) -> io::Result<String>
where
    F: Future<Output = String> + Send + 'static,
    C: FnOnce() -> String,
    W: Write,
{
    // `tokio::time::timeout` races `inner` against a timer and owns both: whichever loses is dropped
    // as soon as the other wins. So when `inner` wins, the timer is gone at once; when the timer
    // wins, `inner` is dropped before we get `Err`: it is never polled again, and whatever it held
    // (a socket, a timer of its own) is released. That is cancellation in Rust: no canceller is
    // needed to stop the work, only to say what the result is instead.
    match tokio::time::timeout(timeout, inner).await {
        Ok(value) => Ok(value),
        // The canceller is called only now that we know the time is up (`unwrap_or` would call it,
        // and log, on every path).
        Err(_elapsed) => log_timeout(out, canceller(), timeout),
    }
}

/// Given: the original program. It waits for `inner` (in the original, a Deferred that never fires
/// on its own) with a timeout, with a canceller that produces [`MESSAGE`], and writes the result on
/// a line of its own (`d.addBoth(print)`).
pub async fn program<F, W>(inner: F, timeout: Duration, out: &mut W) -> io::Result<()>
where
    F: Future<Output = String> + Send + 'static,
    W: Write,
{
    let result = with_timeout(inner, timeout, || MESSAGE.to_string(), out).await?;
    writeln!(out, "{result}")
}

/// Given: GETs `url` and returns the body as text, or a sentence saying why there is none. With
/// `cancel-on-timeout --url`, this is the inner future: point it at a server that is slow to answer.
pub async fn fetch(url: String) -> String {
    let body = async { reqwest::get(&url).await?.text().await };
    match body.await {
        Ok(text) => text,
        Err(e) => {
            // reqwest's own message is terse: the reason ("Connection refused") is in its sources.
            let mut message = format!("the request failed: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message += &format!(": {cause}");
                source = cause.source();
            }
            message
        }
    }
}
