//! # Challenge 7: Cancel on Timeout
//!
//! A future that may never finish needs a deadline. Write [`with_timeout`]: it gives up on the
//! future when the time is up, cancels it, and returns what a canceller produces instead, logged by
//! the given [`log_timeout`]. Read `README.md` first; check your work with
//! `cargo test -p c07-cancel-on-timeout`.

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
    // TODO(Q1): race `inner` against a timer of `timeout`. Which of the two must be dropped, and
    // when? When may the canceller be called?
    let _ = (inner, timeout, canceller, out);
    todo!("wait for inner, at most timeout; on timeout cancel it and log the canceller's value")
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
