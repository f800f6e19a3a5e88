//! Q2, `to_future(f)`: what it gives back, and whether the runtime keeps running meanwhile.
//!
//! The blocking pool is made of real threads, which a paused clock cannot speed up, so the ticker
//! check uses a real clock: the blocking function really sleeps, for 300 ms.

use crate::support::within;
use challenge::{BlockingError, panic_message, to_future};
use harness::futures::FutureExt;
use harness::time::{ms, show};
use harness::tokio::time::{Duration, Instant, MissedTickBehavior, interval};
use harness::tokio::{self, runtime, sync::oneshot};
use harness::{Outcome, expect_eq, fail};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;

const TICK: Duration = ms(50);
const BLOCKING: Duration = ms(300);
/// A ticker that is not stalled ticks at 50, 100, … 250 ms while the function blocks; one that is
/// stalled cannot tick at all until the function returns (and then once, as it skips the ticks it
/// missed). Asking for two of the five leaves room for a loaded machine.
const MIN_TICKS: usize = 2;

pub async fn value() -> Outcome {
    let got = held_within(
        "to_future(f)",
        to_future(|| Ok::<_, String>(format!("{} computed on a thread", 6 * 7))),
    )
    .await?;
    expect_eq(
        "to_future(|| Ok(..))",
        Ok("42 computed on a thread".to_string()),
        got,
    )?;
    slow_value().await
}

/// How long the slow function of [`slow_value`] takes, in the check's virtual time.
const SLOW: Duration = Duration::from_secs(3600);
const SLOW_DONE: &str = "done after an hour";

/// However long `f` takes, `to_future(f)` waits for it: no timeout of its own. On the paused clock
/// (this check is `paused`) `f` blocks until the check has moved the clock an hour on; a timer
/// inside `to_future` fires during that hour. An answer that runs `f` on the check's own thread
/// is `q2-no-stall`'s business: there `f` returns at once.
async fn slow_value() -> Outcome {
    let check_thread = std::thread::current().id();
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let mut future = std::pin::pin!(to_future(move || {
        if std::thread::current().id() != check_thread {
            let _ = wait.recv_timeout(Duration::from_secs(10));
        }
        Ok::<_, String>(SLOW_DONE.to_string())
    }));
    // One poll starts `f` (and any timer of `to_future`'s own); then an hour passes while `f` runs.
    match harness::futures::poll!(&mut future) {
        Poll::Ready(Ok(text)) if text == SLOW_DONE => return Ok(()),
        Poll::Ready(other) => fail!(
            "to_future(f) with an `f` still running: expected it to wait for `f`, got {other:?} at \
             once"
        ),
        Poll::Pending => {}
    }
    tokio::time::advance(SLOW).await;
    if let Poll::Ready(other) = harness::futures::poll!(&mut future) {
        if !matches!(&other, Ok(text) if text == SLOW_DONE) {
            fail!(
                "to_future(f) with an `f` still running {} later: expected it to wait for `f`, got \
                 {other:?}: does `to_future` give up on `f` after a while? It waits for `f` however \
                 long it takes (`Cancelled` is only for a runtime that has shut down)",
                show(SLOW)
            );
        }
        return Ok(());
    }
    let _ = release.send(());
    let got = held_within("to_future(f) once the slow `f` returned", future).await?;
    expect_eq(
        &format!("to_future(f) with an `f` that returns Ok after {}", show(SLOW)),
        Ok(SLOW_DONE.to_string()),
        got,
    )
}

/// [`within`], on a paused clock held still for up to 2 s of real time: `f` runs on a thread of
/// its own, in real time, and a paused clock would otherwise jump to the limit as soon as the
/// runtime is idle (a blocking task in flight keeps it still; an answer on a `std::thread` has none).
async fn held_within<T>(what: &str, future: impl std::future::Future<Output = T>) -> Outcome<T> {
    let (_stop_holding, holding) = std::sync::mpsc::channel::<()>();
    tokio::task::spawn_blocking(move || {
        let _ = holding.recv_timeout(Duration::from_secs(2));
    });
    within(what, future).await
}

pub async fn no_stall() -> Outcome {
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
    // The value is `q2-value`'s point: only a missing result stops this check.
    let _value = got?;
    let during = ticks
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|&&at| at > began && at < ended)
        .count();
    if during < MIN_TICKS {
        fail!(
            "a {} ticker on the same one-thread runtime ticked {during} time(s) while to_future ran \
             a function that blocks for {} (expected at least {MIN_TICKS}): the function blocked \
             the runtime's thread instead of running on a thread of its own",
            show(TICK),
            show(BLOCKING)
        );
    }
    Ok(())
}

pub async fn error() -> Outcome {
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

const PANIC_TEXT: &str = "the blocking function panics on purpose";

/// The check's own panic in `f`, planted with `resume_unwind`: it unwinds like `panic!` (and
/// `spawn_blocking`, `catch_unwind` and a thread's `join` catch it alike), but it skips the panic
/// hook, through which the grader records every panic as the learner's. So a panic that the
/// learner's code raises itself (an `unwrap()` of the `JoinError`) is still reported as `panic`,
/// while a wrong answer about the planted one is a `fail` that says what came instead.
///
/// `panic!("literal")` carries a `&'static str`, a formatted `panic!("{n} items")` a `String`: the
/// check plants both, since taking the message from one kind of payload only is a likely slip.
fn planted_panic(text: String, formatted: bool) -> ! {
    if formatted {
        std::panic::resume_unwind(Box::new(text))
    } else {
        std::panic::resume_unwind(Box::new(PANIC_TEXT))
    }
}

pub async fn panic() -> Outcome {
    panicked(false).await?;
    panicked(true).await
}

/// `to_future` of a function that panics with a `&str` payload (`panic!("literal")`) or, when
/// `formatted`, a `String` one (`panic!("{} …", …)`).
async fn panicked(formatted: bool) -> Outcome {
    let (what, text) = if formatted {
        (
            "to_future(a function that panics with a formatted message, a String payload)",
            format!("{PANIC_TEXT}, formatted ({} of 2)", 2),
        )
    } else {
        (
            "to_future(a function that panics with a literal, a &str payload)",
            PANIC_TEXT.to_string(),
        )
    };
    let planted = text.clone();
    let future = to_future(move || -> Result<u32, String> { planted_panic(planted, formatted) });
    let got = within(what, AssertUnwindSafe(future).catch_unwind()).await?;
    let expected = format!("Err(Panicked({text:?}))");
    match got {
        Ok(Err(BlockingError::Panicked(message))) if message == text => Ok(()),
        Ok(Err(BlockingError::Panicked(message))) => fail(format!(
            "{what}: expected {expected}, got Err(Panicked({message:?})): the message should be the panic's \
             own text, whether its payload is a `&str` (`panic!(\"boom\")`) or a `String` (`panic!(\"{{}}\", x)`); \
             the given `panic_message` turns the payload of the JoinError into it"
        )),
        Ok(other) => fail(format!("{what}: expected {expected}, got {other:?}")),
        Err(payload) => fail(format!(
            "{what}: expected {expected}, but to_future itself panicked with {:?}: the panic of f must come \
             back as an Err, not go on into the caller",
            panic_message(&*payload)
        )),
    }
}

/// What `to_future(f)` gives on a runtime that has shut down, and whether `f` ran.
type AfterShutdown = (Result<u32, BlockingError<String>>, bool);

/// Runs `to_future(f)` on a runtime that has shut down, on a thread of its own: the runtime is
/// dropped, then its handle is entered (so that `spawn_blocking` finds it) and the future is
/// driven by a plain executor. A blocking task handed to a runtime that has shut down is
/// cancelled before it runs, and its `JoinHandle` gives `Err(JoinError)` with `is_cancelled()`.
fn after_shutdown() -> std::io::Result<oneshot::Receiver<AfterShutdown>> {
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("to_future after shutdown".into())
        .spawn(move || {
            let Ok(rt) = runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            let handle = rt.handle().clone();
            drop(rt);
            let _entered = handle.enter();
            let ran = Arc::new(AtomicBool::new(false));
            let f = {
                let ran = ran.clone();
                move || {
                    ran.store(true, Ordering::SeqCst);
                    Ok::<u32, String>(7)
                }
            };
            let got = harness::futures::executor::block_on(to_future(f));
            let _ = tx.send((got, ran.load(Ordering::SeqCst)));
        })?;
    Ok(rx)
}

pub async fn cancelled() -> Outcome {
    let what = "to_future(f) on a runtime that has shut down";
    let rx = match after_shutdown() {
        Ok(rx) => rx,
        Err(e) => fail!("could not start a thread for the check: {e}"),
    };
    let Ok((got, ran)) = within(what, rx).await? else {
        // The thread ended without a result: learner code panicked there (the runner reports that
        // panic, with its text and place), or the check could not build its runtime.
        fail!(
            "{what}: expected Err(Cancelled), but it gave nothing: it panicked (or the runtime could not start)"
        );
    };
    match got {
        Err(BlockingError::Cancelled) => Ok(()),
        other if ran => fail(format!(
            "{what}: expected Err(Cancelled) without running f, got {other:?} after f ran: f must run on the \
             runtime's blocking pool, which takes no work once the runtime has shut down"
        )),
        other => fail(format!(
            "{what}: expected Err(Cancelled) (the JoinError is not a panic: `is_cancelled()`), got {other:?}"
        )),
    }
}
