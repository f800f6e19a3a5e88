//! Q1's log lines from `echo`, driven in memory on a paused clock: `Data received <n> bytes`
//! matched read by read against what the reads really gave (cut at 1–7 bytes), and `Lost connection
//! because …` with `echo`'s result for each way a connection ends.

use crate::q1_echo::{PIPE, STEP, ended, fine, read_up_to, start_chopped, whole_echo};
use crate::support::{Counted, Gone, expect_field, show_events, starting_with};
use challenge::server::{CLEAN, echo};
use harness::io::{Recorder, Script};
use harness::logs::Logs;
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};
use harness::tokio::time::timeout;
use harness::{Outcome, ensure, fail};
use std::io;
use std::time::Duration;

/// `Data received <n> bytes` for each read that gave bytes, `n` being what that read gave: reads
/// cut at 1–7 bytes, two messages each echoed before the next, then a half-close.
pub(crate) async fn log_data() -> Outcome {
    const SEED: u64 = 5;
    let logs = harness::logs::capture()?;
    let (mut client, learner) = duplex(PIPE);
    let (counted, reads) = Counted::new(fine(learner, SEED));
    let task = harness::tokio::spawn(echo(counted));
    for piece in [&b"hello, world"[..], b"abc"] {
        if timeout(STEP, client.write_all(piece)).await.is_err() {
            fail!(
                "could not send {} bytes to `echo` within {} s (virtual)",
                piece.len(),
                STEP.as_secs()
            );
        }
        let (got, ended) = read_up_to(&mut client, piece.len()).await;
        whole_echo("the echo", piece, &got, ended)?;
    }
    let _ = client.shutdown().await;
    let mut rest = Vec::new();
    let _ = timeout(STEP, client.read_to_end(&mut rest)).await;
    // Judged once `echo` has seen the end of the stream (if it ends at all: that is `half-close`).
    let _ = timeout(STEP, task).await;
    let reads = reads.lock().unwrap_or_else(|e| e.into_inner()).clone();
    expect_data_events(&logs, &reads, SEED)
}

/// Fails unless the `Data received` events are one per read in `reads`, each with its size.
fn expect_data_events(logs: &Logs, reads: &[usize], seed: u64) -> Outcome {
    let events = starting_with(logs, "Data received");
    let mut logged = Vec::new();
    for event in &events {
        let Some(n) = event
            .message
            .strip_prefix("Data received ")
            .and_then(|rest| rest.strip_suffix(" bytes"))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            fail!("expected `Data received <n> bytes`, got the log event {event}");
        };
        ensure!(
            n > 0,
            "expected `Data received <n> bytes` for each read that gave bytes, got {event}: the \
             read that finds the end of the stream gives none, and is not logged"
        );
        expect_field(event, "bytes", &n.to_string())?;
        logged.push(n);
    }
    if logged != reads {
        let total: usize = reads.iter().sum();
        fail!(
            "15 bytes sent (12, then 3), read by `echo` in {} reads cut at 1–7 bytes (seed {seed}): \
             {reads:?}; expected one `Data received <n> bytes` per read with its n, got {}",
            reads.len(),
            if logged.is_empty() {
                format!("none ({})", logs.summary())
            } else if logged.iter().sum::<usize>() != total {
                format!("{logged:?} (a running total, or the buffer's size, instead of what the read gave?)")
            } else {
                format!("{logged:?}")
            }
        );
    }
    Ok(())
}

/// `Lost connection because …` once per connection, and `echo`'s result: the clean reason at the
/// end of the stream, the error when writing fails (the client vanished), and the error when
/// reading fails (a reset).
pub(crate) async fn log_lost() -> Outcome {
    // A clean close: the client half-closes without sending anything.
    let logs = harness::logs::capture()?;
    let (mut client, task) = start_chopped(3);
    if let Err(e) = client.shutdown().await {
        fail!("could not half-close: {e}");
    }
    let mut rest = Vec::new();
    let _ = timeout(STEP, client.read_to_end(&mut rest)).await;
    let result = ended(task, "after a clean close").await?;
    let when = "after a clean close";
    expect_one_lost(&logs, CLEAN, when)?;
    if let Err(e) = result {
        fail!("{when}: expected `echo` to return Ok(()), got Err({e})");
    }

    // Writing fails: the client sends 5 bytes and vanishes, so writing the echo fails.
    let logs = harness::logs::capture()?;
    let (mut client, task) = start_chopped(4);
    if let Err(e) = client.write_all(b"hello").await {
        fail!("could not send: {e}");
    }
    drop(client);
    let result = ended(task, "after the client vanished").await?;
    let when = "when writing the echo fails (broken pipe)";
    let error = io::Error::from(io::ErrorKind::BrokenPipe).to_string();
    expect_one_lost(&logs, &error, when)?;
    ensure!(
        result.is_err(),
        "{when}: expected `echo` to return the error, got Ok(())"
    );

    // The client sends 5 bytes, half-closes and vanishes: the end of the stream comes first, and
    // writing the echo fails a second later. The echo was not finished: not a clean close.
    let logs = harness::logs::capture()?;
    let stream = harness::tokio::io::join(Script::new().data(b"hello"), Gone::after(Duration::from_secs(1)));
    let task = harness::tokio::spawn(echo(stream));
    let result = timeout(STEP * 2, task).await;
    let when = "when the client half-closed and vanished before its echo was written (broken pipe)";
    expect_one_lost(&logs, &error, when)?;
    match result {
        Ok(Ok(Err(_))) => {}
        Ok(Ok(Ok(()))) => fail!(
            "{when}: expected `echo` to return the error, got Ok(()): the end of the stream is a \
             clean close only once everything read has been written back"
        ),
        Ok(Err(e)) => fail!("{when}: `echo` did not return: {e}"),
        Err(_) => fail!(
            "{when}: expected `echo` to return, got it still running {} s (virtual) later",
            (STEP * 2).as_secs()
        ),
    }

    // Reading fails: 5 bytes, then the connection is reset.
    let logs = harness::logs::capture()?;
    let peer = Script::new().data(b"hello").fail(io::ErrorKind::ConnectionReset);
    let stream = harness::tokio::io::join(peer, Recorder::new());
    let task = harness::tokio::spawn(echo(stream));
    let result = ended(task, "after a reset").await?;
    let when = "when reading fails (a reset)";
    let error = io::Error::new(io::ErrorKind::ConnectionReset, "scripted failure").to_string();
    expect_one_lost(&logs, &error, when)?;
    match result {
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => Ok(()),
        Err(e) => fail!("{when}: expected `echo` to return the reset ({error}), got Err({e})"),
        Ok(()) => fail!(
            "{when}: expected `echo` to return the error, got Ok(()): a failed read is not the end \
             of the stream"
        ),
    }
}

fn expect_one_lost(logs: &Logs, reason: &str, when: &str) -> Outcome {
    let expected = format!("Lost connection because {reason}");
    let lost = starting_with(logs, "Lost connection");
    match lost.as_slice() {
        [event] if event.message == expected => expect_field(event, "reason", reason),
        [event] => fail!("{when}: expected the log event {expected:?}, got {event}"),
        [] => fail!(
            "{when}: expected the log event {expected:?}, got {}",
            logs.summary()
        ),
        many => fail!(
            "{when}: expected one `Lost connection because …` event, got {}: {}",
            many.len(),
            show_events(many)
        ),
    }
}
