//! Q1, when the timeout fires, and what it writes and returns: the program's two lines, the
//! default 2 s, timeouts that are not whole seconds, and a log line that cannot be written.

use crate::support::{BrokenPipe, Canceller, PATIENCE, not_returned, write_failed};
use challenge::{MESSAGE, TIMEOUT, program, with_timeout};
use harness::time::{ms, show};
use harness::tokio::time::{Instant, sleep_until, timeout};
use harness::tokio::{self};
use harness::{Outcome, SharedBuffer, fail};
use std::time::Duration;

pub async fn two_lines() -> Outcome {
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
                "2 s",
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

pub async fn fires_at_two_seconds() -> Outcome {
    expect_gives_up_at(TIMEOUT).await
}

pub async fn other_timeouts() -> Outcome {
    expect_gives_up_at(ms(350)).await?;
    expect_gives_up_at(ms(2500)).await?;
    // Zero is a timeout like any other, up at once: not "no timeout".
    expect_gives_up_at(Duration::ZERO).await
}

/// A likely cause when the timeout fired at `at` instead of `limit`, if the numbers point to one.
fn cause(limit: Duration, at: Duration) -> &'static str {
    let at = at.as_millis();
    if limit != TIMEOUT && at == TIMEOUT.as_millis() {
        " (is the constant TIMEOUT used instead of the `timeout` argument?)"
    } else if limit.subsec_nanos() != 0 && at == Duration::from_secs(limit.as_secs()).as_millis() {
        " (is the timeout rounded down to whole seconds?)"
    } else {
        ""
    }
}

/// Waits for a future that never completes, with `limit` and a canceller of the check's: nothing
/// may happen 1 ms before `limit`; at `limit` exactly, the canceller is called once, its value is
/// logged with `limit` as Python writes it, and `<value>(timed out)` is returned.
async fn expect_gives_up_at(limit: Duration) -> Outcome {
    let start = Instant::now();
    let out = SharedBuffer::new();
    let canceller = Canceller::new(start);
    let mut writer = out.clone();
    let call = async {
        let result = with_timeout(
            std::future::pending::<String>(),
            limit,
            canceller.producing("cancelled by the check"),
            &mut writer,
        );
        (timeout(PATIENCE, result).await, start.elapsed())
    };
    // Nothing to look at before a zero timeout.
    let just_before = limit.checked_sub(ms(1));
    let probe = async {
        match just_before {
            Some(at) => {
                sleep_until(start + at).await;
                (out.text(), canceller.times())
            }
            None => (String::new(), Vec::new()),
        }
    };
    let just_before = just_before.unwrap_or_default();
    let ((result, returned_at), (early_output, early_calls)) = tokio::join!(call, probe);
    let returned = result.is_ok();
    if !early_output.is_empty() {
        return fail(format!(
            "the timeout is {}, but at {} it had already fired: {early_output:?} was written{}",
            show(limit),
            show(just_before),
            if returned { cause(limit, returned_at) } else { "" }
        ));
    }
    if !early_calls.is_empty() {
        return fail(format!(
            "the timeout is {}, but the canceller was called at {early_calls:?}, before the time was up: \
             expected it to be called only once the timeout has passed",
            show(limit)
        ));
    }
    let value = match result {
        Err(_) if limit.is_zero() && out.text().is_empty() => fail!(
            "with a timeout of 0 and an inner future that never completes, expected with_timeout to \
             give up at once (0 is a timeout like any other, not \"no timeout\"); it had not returned \
             after {} of virtual time, and wrote nothing",
            show(PATIENCE)
        ),
        Err(_) => {
            return Err(not_returned(
                &format!(
                    "with_timeout (inner future never completes, timeout {})",
                    show(limit)
                ),
                &show(limit),
                &out.text(),
            ));
        }
        Ok(Err(e)) => return Err(write_failed(e)),
        Ok(Ok(value)) => value,
    };
    let calls = canceller.times();
    if calls != [show(limit)] {
        let why = if calls.len() == 1 {
            cause(limit, returned_at)
        } else {
            ""
        };
        return fail(format!(
            "with a timeout of {}, expected the canceller to be called once, at {}; it was called at {calls:?}{why}",
            show(limit),
            show(limit)
        ));
    }
    let expected_output = format!(
        "got 'cancelled by the check', but after {} seconds\n",
        limit.as_secs_f64()
    );
    if out.text() != expected_output {
        return fail(format!(
            "with a timeout of {} and a canceller producing \"cancelled by the check\", expected {expected_output:?} \
             to be written, got {:?}",
            show(limit),
            out.text()
        ));
    }
    if value != "cancelled by the check(timed out)" {
        return fail(format!(
            "expected with_timeout to return what log_timeout returned, \"cancelled by the check(timed out)\", \
             got {value:?}"
        ));
    }
    if returned_at.as_millis() != limit.as_millis() {
        return fail(format!(
            "with a timeout of {}, expected with_timeout to return at {}, it returned at {}",
            show(limit),
            show(limit),
            show(returned_at)
        ));
    }
    Ok(())
}

pub async fn log_error() -> Outcome {
    // The log line cannot be written: `log_timeout` returns the error, and so must `with_timeout`.
    let start = Instant::now();
    let canceller = Canceller::new(start);
    let mut out = BrokenPipe;
    let call = with_timeout(
        std::future::pending::<String>(),
        TIMEOUT,
        canceller.producing("cancelled by the check"),
        &mut out,
    );
    match timeout(PATIENCE, call).await {
        Err(_) => Err(not_returned(
            "with_timeout (inner future never completes, a writer that fails)",
            "2 s",
            "",
        )),
        Ok(Err(_)) => Ok(()),
        Ok(Ok(value)) => fail!(
            "with a writer whose every write fails, the log line cannot be written and log_timeout \
             returns that error; expected with_timeout to return it (what log_timeout returns), \
             got Ok({value:?})"
        ),
    }
}
