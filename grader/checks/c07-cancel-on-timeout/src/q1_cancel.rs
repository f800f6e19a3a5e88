//! Q1, cancellation: an inner future that wins (done before the deadline) leaves nothing
//! behind, one that loses is dropped before the canceller is called, and a real request that loses
//! has its connection closed.

use crate::support::{Canceller, Moment, PATIENCE, never_completing, not_returned, write_failed};
use challenge::{MESSAGE, TIMEOUT, fetch, with_timeout};
use harness::tasks::Tasks;
use harness::time::{ms, show};
use harness::tokio::io::AsyncReadExt;
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Instant, sleep, timeout};
use harness::tokio::{self};
use harness::{Failure, Outcome, SharedBuffer, fail};
use std::time::Duration;

/// Runs `with_timeout` on an inner future that gives `"done"` after `done_at`, with the 2 s
/// timeout; checks that it returns that value at `done_at`, leaving no task behind, and that
/// nothing is written and the canceller is not called, even once the 2 s have passed.
async fn expect_inner_wins(done_at: Duration, scenario: &str) -> Outcome {
    let start = Instant::now();
    let tasks = Tasks::now();
    let out = SharedBuffer::new();
    let canceller = Canceller::new(start);
    let inner = async move {
        sleep(done_at).await;
        "done".to_string()
    };
    let mut writer = out.clone();
    let result = timeout(
        PATIENCE,
        with_timeout(inner, TIMEOUT, canceller.producing("cancelled"), &mut writer),
    )
    .await;
    let returned_at = start.elapsed();
    let value = match result {
        Err(_) => {
            return Err(not_returned(
                &format!("with_timeout ({scenario})"),
                &show(done_at),
                &out.text(),
            ));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(value)) => value,
    };
    // Counted at once: a timer task left behind would still be sleeping towards the 2 s.
    let left_behind = tasks.gone_within(Duration::ZERO).await.err();
    if value != "done" {
        fail!("{scenario}, the inner future returned \"done\"; with_timeout returned {value:?}");
    }
    if returned_at.as_millis() != done_at.as_millis() {
        fail!(
            "{scenario}: expected with_timeout to return the inner future's value at {}, it returned at {}",
            show(done_at),
            show(returned_at)
        );
    }
    if let Some(left) = left_behind {
        fail!(
            "{scenario}: with_timeout returned, but left {left} task(s) running behind it (a timer \
             spawned as a task of its own? Dropping its `JoinHandle` does not stop it)"
        );
    }
    // Let virtual time run past the timeout: whatever was left behind has its chance now.
    sleep(ms(5000)).await;
    let calls = canceller.times();
    let written = out.text();
    if !calls.is_empty() || !written.is_empty() {
        let mut happened = Vec::new();
        if !calls.is_empty() {
            happened.push(format!("the canceller was called (at {calls:?})"));
        }
        if !written.is_empty() {
            happened.push(format!("{written:?} was written"));
        }
        fail!(
            "{scenario}, so expected no canceller call and nothing written by 7 s; yet {}: only a \
             timeout calls the canceller and logs",
            happened.join(" and ")
        );
    }
    Ok(())
}

pub async fn inner_first() -> Outcome {
    // Done well before the deadline: a tie at the deadline itself is not graded (see the README).
    expect_inner_wins(
        ms(500),
        "the inner future was done at 0.5 s, before the 2 s timeout",
    )
    .await
}

pub async fn drops_inner() -> Outcome {
    let start = Instant::now();
    let dropped = Moment::new(start);
    let canceller = Canceller::watching(start, &dropped);
    let out = SharedBuffer::new();
    let mut writer = out.clone();
    let result = timeout(
        PATIENCE,
        with_timeout(
            never_completing(&dropped),
            TIMEOUT,
            canceller.producing(MESSAGE),
            &mut writer,
        ),
    )
    .await;
    if result.is_err() {
        return Err(not_returned(
            "with_timeout (inner future never completes)",
            "2 s",
            &out.text(),
        ));
    }
    let gave_up_at = start.elapsed();
    // A cancelled task is dropped a moment after `abort()`: let the runtime run, in virtual time.
    sleep(ms(2000)).await;
    // When the timeout fires is `fires-at-2s`'s business: here the drop must come with it, and
    // before the canceller is called.
    match dropped.get() {
        Some(at) if at.as_millis() == gave_up_at.as_millis() => {}
        Some(at) => fail!(
            "expected the inner future to be dropped when with_timeout gave up on it, at {}; it was \
             dropped at {}",
            show(gave_up_at),
            show(at)
        ),
        None => fail!(
            "2 s after the timeout, the inner future had still not been dropped: it was not cancelled \
             and would run on. (A future is cancelled by dropping it; dropping a `JoinHandle` does \
             not cancel its task.)"
        ),
    }
    // A canceller called before the time was up is `fires-at-2s`'s business: here only the calls
    // made once it was up are judged.
    let calls = canceller.calls();
    let early = calls
        .iter()
        .filter(|c| c.at >= TIMEOUT)
        .find(|c| c.inner_dropped == Some(false));
    if let Some(call) = early {
        fail!(
            "expected the inner future to be dropped first and the canceller called after, but the \
             canceller was called at {} while the inner future was still alive (it was dropped \
             only later, still at {}): drop it, then ask the canceller (a task's `abort()` drops \
             its future only once the task has been awaited)",
            show(call.at),
            show(dropped.get().unwrap_or_default())
        );
    }
    Ok(())
}

/// A server for one connection that reads the request and never answers. It reports when the
/// request has arrived, and when the client has closed the connection.
async fn silent_server() -> Outcome<(String, oneshot::Receiver<()>, oneshot::Receiver<Instant>)> {
    let (listener, addr) = harness::tcp::listen().await?;
    let (arrived_tx, arrived) = oneshot::channel();
    let (closed_tx, closed) = oneshot::channel();
    tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let mut request = Vec::new();
        let mut arrived_tx = Some(arrived_tx);
        let mut buf = [0u8; 4096];
        // Read until the client closes (0) or resets (an error): either way the connection is gone.
        while let Ok(n @ 1..) = stream.read(&mut buf).await {
            request.extend_from_slice(&buf[..n]);
            if request.windows(4).any(|w| w == b"\r\n\r\n")
                && let Some(tx) = arrived_tx.take()
            {
                let _ = tx.send(());
            }
        }
        let _ = closed_tx.send(Instant::now());
    });
    Ok((format!("http://{addr}/never"), arrived, closed))
}

/// The timeout of `never_answers`: long enough for the request to reach the server first, even on
/// a busy machine (a new reqwest client takes a while to build in a debug build).
const REQUEST_LIMIT: Duration = ms(200);

pub async fn never_answers() -> Outcome {
    let (url, arrived, closed) = silent_server().await?;
    let limit = REQUEST_LIMIT;
    let limit_ms = limit.as_millis();
    let mut out = Vec::new();
    let started = Instant::now();
    let result = timeout(
        ms(1000),
        with_timeout(fetch(url), limit, || MESSAGE.to_string(), &mut out),
    )
    .await;
    let took = started.elapsed();
    let output = String::from_utf8_lossy(&out).into_owned();
    let value = match result {
        Err(_) => {
            return Err(Failure::Timeout(format!(
                "with a {limit_ms} ms timeout and a server that never answers, expected with_timeout to give up after \
                 {limit_ms} ms; it had not returned after 1 s (it wrote {output:?})"
            )));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(value)) => value,
    };
    let expected = format!("{MESSAGE}(timed out)");
    if value != expected {
        return fail(format!(
            "with a {limit_ms} ms timeout and a server that never answers, expected {expected:?}, got {value:?}"
        ));
    }
    let expected_output = format!("got '{MESSAGE}', but after {} seconds\n", limit.as_secs_f64());
    if output != expected_output {
        return fail(format!(
            "with a {limit_ms} ms timeout, expected {expected_output:?} to be written, got {output:?}"
        ));
    }
    if took < limit {
        return fail(format!(
            "with a {limit_ms} ms timeout, expected with_timeout to give up after {limit_ms} ms; it gave up after {} ms, \
             before the time was up",
            took.as_millis()
        ));
    }
    if timeout(ms(1000), arrived).await.is_err() {
        return fail(format!(
            "with a {limit_ms} ms timeout, expected the request to reach the server before with_timeout gave up; \
             1 s later it had still not arrived (was the inner future polled at all?)"
        ));
    }
    match timeout(ms(1000), closed).await {
        Ok(Ok(_)) => Ok(()),
        _ => fail(
            "expected the cancelled request's connection to be closed when with_timeout gave up; 1 s later it \
             was still open: the inner future was not dropped. (Dropping a `JoinHandle` does not cancel its task.)",
        ),
    }
}
