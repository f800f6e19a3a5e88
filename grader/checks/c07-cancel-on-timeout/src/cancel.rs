//! Cancellation: an inner future that wins leaves nothing behind, one that loses is dropped, and a
//! real request that loses has its connection closed.

use crate::support::{Canceller, DropGuard, PATIENCE, millis, not_returned, secs, write_failed};
use challenge::{MESSAGE, TIMEOUT, fetch, with_timeout};
use harness::tokio::io::AsyncReadExt;
use harness::tokio::net::TcpListener;
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Instant, sleep, timeout};
use harness::tokio::{self};
use harness::{Failure, Outcome, SharedBuffer, fail};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub async fn inner_first() -> Outcome {
    let start = Instant::now();
    let tasks = tokio::runtime::Handle::current().metrics();
    let baseline = tasks.num_alive_tasks();
    let out = SharedBuffer::new();
    let canceller = Canceller::new(start);
    let inner = async {
        sleep(millis(500)).await;
        "done early".to_string()
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
                "with_timeout (inner future done at 0.5 s)",
                "0.5 s",
                &out.text(),
            ));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(value)) => value,
    };
    // Counted at once: a timer task left behind would still be sleeping towards the 2 s.
    let left_behind = tasks.num_alive_tasks().saturating_sub(baseline);
    if value != "done early" {
        return fail(format!(
            "the inner future returned \"done early\" at 0.5 s, before the 2 s timeout; with_timeout returned {value:?}"
        ));
    }
    if returned_at.as_millis() != 500 {
        return fail(format!(
            "the inner future was done at 0.5 s, but with_timeout returned at {}",
            secs(returned_at)
        ));
    }
    if left_behind > 0 {
        return fail(format!(
            "the inner future was done at 0.5 s and with_timeout returned, but left {left_behind} task(s) \
             running behind it (a timer spawned as a task of its own? Dropping its `JoinHandle` does not \
             stop it)"
        ));
    }
    // Let virtual time run past the timeout: whatever was left behind has its chance now.
    sleep(millis(5000)).await;
    let calls = canceller.calls();
    let written = out.text();
    if !calls.is_empty() || !written.is_empty() {
        let mut happened = Vec::new();
        if !calls.is_empty() {
            happened.push(format!("the canceller was called (at {calls:?})"));
        }
        if !written.is_empty() {
            happened.push(format!("{written:?} was written"));
        }
        return fail(format!(
            "the inner future was done at 0.5 s, before the 2 s timeout, so expected no canceller call and \
             nothing written; yet {}: only a timeout calls the canceller and logs",
            happened.join(" and ")
        ));
    }
    Ok(())
}

pub async fn drops_inner() -> Outcome {
    let start = Instant::now();
    let dropped = Arc::new(Mutex::new(None));
    let guard = DropGuard {
        dropped: dropped.clone(),
        start,
    };
    let inner = async move {
        let _guard = guard;
        std::future::pending::<String>().await
    };
    let out = SharedBuffer::new();
    let mut writer = out.clone();
    let result = timeout(
        PATIENCE,
        with_timeout(inner, TIMEOUT, || MESSAGE.to_string(), &mut writer),
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
    sleep(millis(2000)).await;
    let dropped_at = *dropped.lock().unwrap_or_else(|e| e.into_inner());
    // When the timeout fires is `fires-at-2s`'s business: here the drop must come with it.
    match dropped_at {
        Some(at) if at.as_millis() == gave_up_at.as_millis() => Ok(()),
        Some(at) => fail(format!(
            "expected the inner future to be dropped when with_timeout gave up on it, at {}; it was dropped at {}",
            secs(gave_up_at),
            secs(at)
        )),
        None => fail(
            "2 s after the timeout, the inner future had still not been dropped: it was not cancelled and \
             would run on. (A future is cancelled by dropping it; dropping a `JoinHandle` does not cancel its task.)",
        ),
    }
}

/// A server for one connection that reads the request and never answers. It reports when the
/// request has arrived, and when the client has closed the connection.
async fn silent_server() -> Outcome<(String, oneshot::Receiver<()>, oneshot::Receiver<Instant>)> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .or_else(|e| fail(format!("the harness could not bind 127.0.0.1:0: {e}")))?;
    let addr = listener
        .local_addr()
        .or_else(|e| fail(format!("the harness has no local address: {e}")))?;
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
const REQUEST_LIMIT: Duration = Duration::from_millis(200);

pub async fn never_answers() -> Outcome {
    let (url, arrived, closed) = silent_server().await?;
    let limit = REQUEST_LIMIT;
    let ms = limit.as_millis();
    let mut out = Vec::new();
    let started = Instant::now();
    let result = timeout(
        millis(1000),
        with_timeout(fetch(url), limit, || MESSAGE.to_string(), &mut out),
    )
    .await;
    let took = started.elapsed();
    let output = String::from_utf8_lossy(&out).into_owned();
    let value = match result {
        Err(_) => {
            return Err(Failure::Timeout(format!(
                "with a {ms} ms timeout and a server that never answers, expected with_timeout to give up after \
                 {ms} ms; it had not returned after 1 s (it wrote {output:?})"
            )));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(value)) => value,
    };
    let expected = format!("{MESSAGE}(timed out)");
    if value != expected {
        return fail(format!(
            "with a {ms} ms timeout and a server that never answers, expected {expected:?}, got {value:?}"
        ));
    }
    let expected_output = format!("got '{MESSAGE}', but after {} seconds\n", limit.as_secs_f64());
    if output != expected_output {
        return fail(format!(
            "with a {ms} ms timeout, expected {expected_output:?} to be written, got {output:?}"
        ));
    }
    if took < limit {
        return fail(format!(
            "with a {ms} ms timeout, expected with_timeout to give up after {ms} ms; it gave up after {} ms, \
             before the time was up",
            took.as_millis()
        ));
    }
    if timeout(millis(1000), arrived).await.is_err() {
        return fail(format!(
            "with a {ms} ms timeout, expected the request to reach the server before with_timeout gave up; \
             it never arrived (was the inner future polled at all?)"
        ));
    }
    match timeout(millis(1000), closed).await {
        Ok(Ok(_)) => Ok(()),
        _ => fail(
            "expected the cancelled request's connection to be closed when with_timeout gave up; 1 s later it \
             was still open: the inner future was not dropped. (Dropping a `JoinHandle` does not cancel its task.)",
        ),
    }
}
