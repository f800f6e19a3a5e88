//! The checks of challenge 9, synchronous functions.
//!
//! `hello_world` is polled once by hand (`now_or_never`): a future that is already complete gives its
//! value at the first poll. `to_future` runs on a current-thread runtime with a real clock — one
//! thread for every task, like Twisted's reactor — next to a 100 ms ticker: if the blocking function
//! runs on that thread, the ticker cannot tick until it returns. The blocking pool is real threads,
//! so the blocking function really sleeps, for 300 ms.

use challenge::{BlockingError, hello_world, to_future};
use harness::futures::FutureExt;
use harness::tokio::time::{Duration, Instant, MissedTickBehavior, interval, timeout};
use harness::tokio::{self};
use harness::{Failure, Outcome, Suite, expect_eq, fail, paused, real_current_thread};
use std::future::Future;
use std::sync::{Arc, Mutex};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("q1-value", q1_value),
            paused("q1-ready", q1_ready),
            real_current_thread("q2-value", q2_value),
            real_current_thread("q2-no-stall", q2_no_stall),
            real_current_thread("q2-error", q2_error),
            real_current_thread("q2-panic", q2_panic),
        ],
    )
}

const TICK: Duration = Duration::from_millis(100);
const BLOCKING: Duration = Duration::from_millis(300);
/// A ticker that is not stalled ticks at 100 ms and 200 ms while the function blocks (and maybe at
/// 300 ms); one that is stalled cannot tick at all until the function returns.
const MIN_TICKS: usize = 2;

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
    match hello_world().now_or_never() {
        Some(got) => expect_eq("the value of hello_world() at its first poll", "Hello World", got),
        None => fail(
            "hello_world() was still pending at its first poll: expected a future that is already complete, \
             like Twisted's `succeed`, not one that waits for something",
        ),
    }
}

async fn q2_value() -> Outcome {
    let got = within(
        "to_future(f)",
        to_future(|| Ok::<_, String>(format!("{} computed on a thread", 6 * 7))),
    )
    .await?;
    expect_eq(
        "to_future(|| Ok(..))",
        Ok("42 computed on a thread".to_string()),
        got,
    )
}

async fn q2_no_stall() -> Outcome {
    let ticks = Arc::new(Mutex::new(Vec::new()));
    let ticker = tokio::spawn({
        let ticks = ticks.clone();
        async move {
            let mut every = interval(TICK);
            every.set_missed_tick_behavior(MissedTickBehavior::Skip);
            loop {
                every.tick().await;
                ticks
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Instant::now());
            }
        }
    });
    // Let the ticker start (its first tick is at once) before the blocking function does.
    tokio::task::yield_now().await;
    let began = Instant::now();
    let got = within(
        "to_future(a function that sleeps 300 ms)",
        to_future(|| {
            std::thread::sleep(BLOCKING);
            Ok::<_, String>("slept")
        }),
    )
    .await;
    let ended = Instant::now();
    ticker.abort();
    expect_eq("to_future(a function that sleeps 300 ms)", Ok("slept"), got?)?;
    let during = ticks
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|&&at| at > began && at < ended)
        .count();
    if during < MIN_TICKS {
        return fail(format!(
            "a 100 ms ticker on the same one-thread runtime ticked {during} time(s) while to_future ran a \
             function that blocks for 300 ms (expected at least {MIN_TICKS}): the function blocked the \
             runtime's thread instead of running on a thread of its own"
        ));
    }
    Ok(())
}

async fn q2_error() -> Outcome {
    let got = within(
        "to_future(f)",
        to_future(|| Err::<u32, _>("disk on fire".to_string())),
    )
    .await?;
    expect_eq(
        "to_future(|| Err(\"disk on fire\"))",
        Err(BlockingError::Failed("disk on fire".to_string())),
        got,
    )
}

const PANIC_TEXT: &str = "the blocking function panics on purpose (to_future must give this back as Err(BlockingError::Panicked(..)))";

async fn q2_panic() -> Outcome {
    let got = within(
        "to_future(a function that panics)",
        to_future(|| -> Result<u32, String> { panic!("{PANIC_TEXT}") }),
    )
    .await?;
    match got {
        Err(BlockingError::Panicked(message)) if message.contains(PANIC_TEXT) => Ok(()),
        Err(BlockingError::Panicked(message)) => fail(format!(
            "to_future(a function that panics) gave Err(Panicked({message:?})): expected the panic's message, \
             {PANIC_TEXT:?}"
        )),
        other => fail(format!(
            "to_future(a function that panics): expected Err(BlockingError::Panicked(..)), got {other:?}"
        )),
    }
}
