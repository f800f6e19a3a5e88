//! The checks of challenge 7, cancel on timeout.
//!
//! The timing checks run in virtual time (a paused clock): waiting 2 s costs nothing, and the
//! timeout must fire at 2.000 s exactly, the canceller must not have been called at 1.999 s. The
//! learner's `with_timeout` writes to a writer the check holds, so the check can look at the output
//! while the call is still running. One check uses real time and a real socket: a server that reads
//! the request and never answers, a 50 ms timeout, and the connection closed by the cancellation.

use challenge::{MESSAGE, TIMEOUT, fetch, program, with_timeout};
use harness::tokio::io::AsyncReadExt;
use harness::tokio::net::TcpListener;
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Instant, sleep, sleep_until, timeout};
use harness::tokio::{self};
use harness::{Failure, Outcome, Suite, fail, paused, real};
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("two-lines", two_lines),
            paused("fires-at-2s", fires_at_two_seconds),
            paused("inner-first", inner_first),
            paused("drops-inner", drops_inner),
            real("never-answers", never_answers),
        ],
    )
}

/// How long (virtual time) a check waits for `with_timeout` to return before it gives up on it.
const PATIENCE: Duration = Duration::from_secs(10);

fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Seconds with millisecond precision, for messages: `1.999 s`.
fn secs(d: Duration) -> String {
    format!("{} s", d.as_millis() as f64 / 1000.0)
}

/// A writer the check keeps a handle on, to read what was written while the call still runs.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Shared {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A canceller that notes when it was called and produces `value`.
#[derive(Clone)]
struct Canceller {
    calls: Arc<Mutex<Vec<Duration>>>,
    start: Instant,
}

impl Canceller {
    fn new(start: Instant) -> Canceller {
        Canceller {
            calls: Arc::default(),
            start,
        }
    }

    fn producing(&self, value: &'static str) -> impl FnOnce() -> String + use<> {
        let calls = self.calls.clone();
        let start = self.start;
        move || {
            calls
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(start.elapsed());
            value.to_string()
        }
    }

    /// When it was called, in seconds since the start, for messages.
    fn calls(&self) -> Vec<String> {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.iter().map(|&at| secs(at)).collect()
    }
}

/// Notes when it is dropped: the inner future holds one, so its drop is the future's.
struct DropGuard {
    dropped: Arc<Mutex<Option<Duration>>>,
    start: Instant,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        *self.dropped.lock().unwrap_or_else(|e| e.into_inner()) = Some(self.start.elapsed());
    }
}

fn not_returned(what: &str, output: &str) -> Failure {
    Failure::Fail(format!(
        "{what} had not returned after {} s of virtual time (it wrote {output:?}): does it wait for the \
         inner future after the timeout?",
        PATIENCE.as_secs()
    ))
}

fn write_failed(e: io::Error) -> Failure {
    Failure::Fail(format!(
        "with_timeout returned an error, but writing to the check's buffer cannot fail: {e}"
    ))
}

async fn two_lines() -> Outcome {
    let mut out = Vec::new();
    let ran = timeout(
        PATIENCE,
        program(std::future::pending::<String>(), TIMEOUT, &mut out),
    )
    .await;
    let output = String::from_utf8_lossy(&out).into_owned();
    match ran {
        Err(_) => {
            return Err(not_returned(
                "the program (with an inner future that never completes)",
                &output,
            ));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(())) => {}
    }
    let expected = format!("got '{MESSAGE}', but after 2 seconds\n{MESSAGE}(timed out)\n");
    if output != expected {
        return fail(format!(
            "with an inner future that never completes, expected the program to print {expected:?}, got {output:?}"
        ));
    }
    Ok(())
}

async fn fires_at_two_seconds() -> Outcome {
    let start = Instant::now();
    let out = Shared::default();
    let canceller = Canceller::new(start);
    let mut writer = out.clone();
    let call = async {
        let result = with_timeout(
            std::future::pending::<String>(),
            TIMEOUT,
            canceller.producing("cancelled by the check"),
            &mut writer,
        );
        (timeout(PATIENCE, result).await, start.elapsed())
    };
    let probe = async {
        sleep_until(start + millis(1999)).await;
        (out.text(), canceller.calls())
    };
    let ((result, returned_at), (early_output, early_calls)) = tokio::join!(call, probe);
    if !early_output.is_empty() || !early_calls.is_empty() {
        return fail(format!(
            "the timeout is 2 s, but at 1.999 s it had already fired: the canceller was called at {early_calls:?} \
             and {early_output:?} was written"
        ));
    }
    let value = match result {
        Err(_) => {
            return Err(not_returned(
                "with_timeout (inner future never completes)",
                &out.text(),
            ));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(value)) => value,
    };
    let calls = canceller.calls();
    if calls != ["2 s"] {
        return fail(format!(
            "expected the canceller to be called once, at 2 s; it was called at {calls:?} \
             (its value is what the timed-out call returns)"
        ));
    }
    let expected_output = "got 'cancelled by the check', but after 2 seconds\n";
    if out.text() != expected_output {
        return fail(format!(
            "with a canceller producing \"cancelled by the check\", expected {expected_output:?} to be written, got {:?}",
            out.text()
        ));
    }
    if value != "cancelled by the check(timed out)" {
        return fail(format!(
            "expected with_timeout to return what log_timeout returned, \"cancelled by the check(timed out)\", got {value:?}"
        ));
    }
    if returned_at.as_millis() != 2000 {
        return fail(format!(
            "expected with_timeout to return at 2 s, it returned at {}",
            secs(returned_at)
        ));
    }
    Ok(())
}

async fn inner_first() -> Outcome {
    let start = Instant::now();
    let tasks = tokio::runtime::Handle::current().metrics();
    let baseline = tasks.num_alive_tasks();
    let out = Shared::default();
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
                &out.text(),
            ));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(value)) => value,
    };
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
    // Let virtual time run past the timeout: whatever was left behind has its chance now.
    sleep(millis(5000)).await;
    let calls = canceller.calls();
    if !calls.is_empty() || !out.text().is_empty() {
        return fail(format!(
            "the inner future finished first, yet the canceller was called (at {calls:?}) and {:?} was written: \
             only a timeout calls the canceller and logs",
            out.text()
        ));
    }
    let alive = tasks.num_alive_tasks();
    if alive > baseline {
        return fail(format!(
            "with_timeout returned, but left {} task(s) running behind it (a timer in a task of its own?)",
            alive - baseline
        ));
    }
    Ok(())
}

async fn drops_inner() -> Outcome {
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
    let out = Shared::default();
    let mut writer = out.clone();
    let result = timeout(
        PATIENCE,
        with_timeout(inner, TIMEOUT, || MESSAGE.to_string(), &mut writer),
    )
    .await;
    if result.is_err() {
        return Err(not_returned(
            "with_timeout (inner future never completes)",
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

async fn never_answers() -> Outcome {
    let (url, arrived, closed) = silent_server().await?;
    let limit = millis(50);
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
                "with a 50 ms timeout and a server that never answers, with_timeout had not returned after 1 s \
                 (it wrote {output:?})"
            )));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(value)) => value,
    };
    let expected = format!("{MESSAGE}(timed out)");
    if value != expected {
        return fail(format!(
            "with a 50 ms timeout and a server that never answers, expected {expected:?}, got {value:?}"
        ));
    }
    let expected_output = format!("got '{MESSAGE}', but after 0.05 seconds\n");
    if output != expected_output {
        return fail(format!(
            "with a 50 ms timeout, expected {expected_output:?} to be written, got {output:?}"
        ));
    }
    if took < limit {
        return fail(format!(
            "with a 50 ms timeout, with_timeout gave up after {} ms, before the time was up \
             (is the timeout rounded, or shortened?)",
            took.as_millis()
        ));
    }
    if took >= millis(1000) {
        return fail(format!(
            "with a 50 ms timeout, with_timeout gave up only after {} ms",
            took.as_millis()
        ));
    }
    if timeout(millis(1000), arrived).await.is_err() {
        return fail("the request never reached the server: was the inner future polled at all?");
    }
    match timeout(millis(1000), closed).await {
        Ok(Ok(_)) => Ok(()),
        _ => fail(
            "1 s after the timeout, the cancelled request's connection was still open: the inner future was \
             not dropped. (Dropping a `JoinHandle` does not cancel its task.)",
        ),
    }
}
