//! The checks of challenge 9, synchronous functions.
//!
//! `hello_world` is polled once by hand (`now_or_never`): a future that is already complete gives its
//! value at the first poll. `to_future` (in [`q2`]) runs on a current-thread runtime with a real
//! clock — one thread for every task, like Twisted's reactor — next to a 100 ms ticker: if the
//! blocking function runs on that thread, the ticker cannot tick until it returns.

mod q2;

use challenge::hello_world;
use harness::futures::FutureExt;
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome, Suite, expect_eq, fail, paused, real_current_thread};
use std::future::Future;

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("q1-value", q1_value),
            paused("q1-ready", q1_ready),
            real_current_thread("q2-value", q2::value),
            real_current_thread("q2-no-stall", q2::no_stall),
            real_current_thread("q2-error", q2::error),
            real_current_thread("q2-panic", q2::panic),
            real_current_thread("q2-cancelled", q2::cancelled),
        ],
    )
}

/// Awaits `future`, or fails after 2 s.
async fn within<T>(what: &str, future: impl Future<Output = T>) -> Outcome<T> {
    timeout(Duration::from_secs(2), future)
        .await
        .map_err(|_| Failure::Timeout(format!("{what} did not end within 2 s")))
}

async fn q1_value() -> Outcome {
    let got = within("hello_world().await", hello_world()).await?;
    expect_eq("hello_world().await", "Hello World", got)
}

async fn q1_ready() -> Outcome {
    // Only the readiness is judged here: the value is `q1-value`'s point.
    match hello_world().now_or_never() {
        Some(_) => Ok(()),
        None => fail(
            "hello_world() was still pending at its first poll: expected a future that is already complete, \
             like Twisted's `succeed`, not one that waits for something",
        ),
    }
}
