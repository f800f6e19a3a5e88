//! `echo` driven through in-memory pipes (`tokio::io::duplex`) in virtual time: backpressure,
//! half-close and the per-connection log lines, all deterministic.

use crate::support::{expect_field, random_bytes, same_bytes, starting_with};
use challenge::server::{CLEAN, MAX_BUFFER, echo};
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, duplex};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome, fail};
use std::io;

/// Each pipe's capacity: what one direction holds before a write waits.
const PIPE: usize = 16 * 1024;

/// How long (virtual) a step may wait before the check calls it stuck.
const STEP: Duration = Duration::from_secs(2);

/// A pipe pair with `echo` running on the far end.
fn start() -> (DuplexStream, JoinHandle<io::Result<()>>) {
    let (client, server_end) = duplex(PIPE);
    (client, harness::tokio::spawn(echo(server_end)))
}

/// Reads exactly `n` bytes of echo, or says why not.
async fn read_echo(client: &mut DuplexStream, n: usize, when: &str) -> Outcome<Vec<u8>> {
    let mut got = vec![0u8; n];
    match timeout(STEP, client.read_exact(&mut got)).await {
        Ok(Ok(_)) => Ok(got),
        Ok(Err(e)) => fail(format!(
            "{when}: expected the echo of {n} bytes, got the stream closed ({e})"
        )),
        Err(_) => fail(format!(
            "{when}: expected the echo of {n} bytes, got none within {} s (virtual)",
            STEP.as_secs()
        )),
    }
}

/// `echo`'s result once it returned, waiting at most [`STEP`].
async fn ended(task: JoinHandle<io::Result<()>>, when: &str) -> Outcome<io::Result<()>> {
    match timeout(STEP, task).await {
        Ok(Ok(result)) => Ok(result),
        // A panic is the runner's to report (a `todo!()` makes the check `todo`).
        Ok(Err(e)) => fail(format!("{when}: `echo` did not return: {e}")),
        Err(_) => fail(format!(
            "{when}: expected `echo` to return, got it still running {} s (virtual) later",
            STEP.as_secs()
        )),
    }
}

/// A client writes 4 KiB at a time and never reads. Once a write has waited a (virtual) second,
/// the server must have stopped taking more: everything pushed fits in its bound and the pipes.
pub(crate) async fn bounded() -> Outcome {
    let (mut client, _task) = start();
    let limit = MAX_BUFFER + 2 * PIPE;
    let data = random_bytes(10, limit + 8 * 1024);
    let mut pushed = 0;
    loop {
        let end = (pushed + 4096).min(data.len());
        match timeout(Duration::from_secs(1), client.write(&data[pushed..end])).await {
            // Stuck for a second: backpressure reached the client.
            Err(_) => break,
            Ok(Ok(n)) if n > 0 => pushed += n,
            Ok(Ok(_)) => return fail("the pipe to the server took 0 bytes".to_string()),
            Ok(Err(e)) => {
                return fail(format!(
                    "expected the server to take the client's bytes until its writes are stuck, got \
                     the connection closed after {pushed} bytes ({e})"
                ));
            }
        }
        if pushed > limit {
            return fail(format!(
                "a client that never reads pushed {pushed} bytes and the server still takes more: \
                 expected it to stop reading while its writes wait, at most {limit} bytes in all \
                 (64 KiB of its own, plus {} KiB in each of the two pipes). Reading on into a \
                 growing buffer or an unbounded channel holds everything a client sends",
                PIPE / 1024
            ));
        }
    }
    harness::ensure!(
        pushed > PIPE,
        "expected the server to read (and echo) what the client sends, got only {pushed} bytes \
         taken before the client's writes were stuck: the pipe alone holds {PIPE}"
    );
    // The server is stuck, not broken: once the client reads, every byte comes back, in order.
    let got = read_echo(&mut client, pushed, "once the client reads").await?;
    same_bytes("the echo after the stall", &data[..pushed], &got)
}

/// The client sends 24 KiB (as much as the two pipes hold, whatever the server's buffer), closes
/// its side, and only then reads: the whole echo, then the end of the stream.
pub(crate) async fn half_close() -> Outcome {
    let (mut client, task) = start();
    let data = random_bytes(11, 24 * 1024);
    match timeout(STEP, client.write_all(&data)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return fail(format!("could not send 24 KiB to the server: {e}")),
        Err(_) => {
            return fail(format!(
                "expected the server to take 24 KiB while the client is not reading yet (they fit \
                 in the two {} KiB pipes), got the client's writes stuck",
                PIPE / 1024
            ));
        }
    }
    if let Err(e) = client.shutdown().await {
        return fail(format!("could not half-close: {e}"));
    }
    let mut got = Vec::new();
    match timeout(STEP, client.read_to_end(&mut got)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return fail(format!("reading the echo after a half-close failed: {e}")),
        Err(_) => {
            return fail(format!(
                "after the client half-closed, expected the rest of the echo then the end of the \
                 stream, got {} bytes and no end within {} s (virtual): does the server close its \
                 side when it reads EOF?",
                got.len(),
                STEP.as_secs()
            ));
        }
    }
    if got.len() < data.len() && data.starts_with(&got) {
        return fail(format!(
            "the client half-closed after sending {} bytes; expected all of them echoed, then EOF, \
             got only the first {} then EOF: the server closed before writing back what it had \
             already read",
            data.len(),
            got.len()
        ));
    }
    same_bytes("the echo after a half-close", &data, &got)?;
    match ended(task, "after the half-close").await? {
        Ok(()) => Ok(()),
        Err(e) => fail(format!(
            "expected `echo` to return Ok(()) after a clean close, got Err({e})"
        )),
    }
}

/// Two writes, each echoed before the next: `Data received <n> bytes` per read, with `bytes`.
pub(crate) async fn log_data() -> Outcome {
    let logs = harness::logs::capture()?;
    let (mut client, _task) = start();
    let mut total = 0;
    for piece in [&b"hello"[..], b"abc"] {
        total += piece.len();
        if let Err(e) = client.write_all(piece).await {
            return fail(format!("could not send {piece:?}: {e}"));
        }
        read_echo(&mut client, piece.len(), "logs").await?;
        let events = starting_with(&logs, "Data received");
        let mut logged = 0;
        for event in &events {
            let Some(n) = event
                .message
                .strip_prefix("Data received ")
                .and_then(|rest| rest.strip_suffix(" bytes"))
                .and_then(|n| n.parse::<usize>().ok())
            else {
                return fail(format!(
                    "expected `Data received <n> bytes`, got the log event {event}"
                ));
            };
            expect_field(event, "bytes", &n.to_string())?;
            logged += n;
        }
        if logged != total {
            let shown: Vec<String> = events.iter().map(ToString::to_string).collect();
            return fail(format!(
                "after {total} bytes sent (5, then 3) and echoed, expected one `Data received <n> \
                 bytes` per read, the n adding up to {total}, got {}",
                if shown.is_empty() {
                    format!("none ({})", logs.summary())
                } else {
                    shown.join("; ")
                }
            ));
        }
    }
    Ok(())
}

/// `Lost connection because …` once per connection: the clean reason at EOF, the error otherwise.
pub(crate) async fn log_lost() -> Outcome {
    // A clean close: the client half-closes without sending anything.
    let logs = harness::logs::capture()?;
    let (mut client, task) = start();
    if let Err(e) = client.shutdown().await {
        return fail(format!("could not half-close: {e}"));
    }
    let mut rest = Vec::new();
    let _ = timeout(STEP, client.read_to_end(&mut rest)).await;
    let result = ended(task, "after a clean close").await?;
    let expected = format!("Lost connection because {CLEAN}");
    expect_one_lost(&logs, &expected, CLEAN, "after a clean close")?;
    if let Err(e) = result {
        return fail(format!(
            "expected `echo` to return Ok(()) after a clean close, got Err({e})"
        ));
    }

    // An error: the client sends 5 bytes and vanishes, so writing the echo fails.
    let logs = harness::logs::capture()?;
    let (mut client, task) = start();
    if let Err(e) = client.write_all(b"hello").await {
        return fail(format!("could not send: {e}"));
    }
    drop(client);
    let result = ended(task, "after the client vanished").await?;
    let error = io::Error::from(io::ErrorKind::BrokenPipe).to_string();
    let expected = format!("Lost connection because {error}");
    expect_one_lost(
        &logs,
        &expected,
        &error,
        "when writing the echo fails (broken pipe)",
    )?;
    match result {
        Err(_) => Ok(()),
        Ok(()) => {
            fail("when writing the echo fails, expected `echo` to return the error, got Ok(())".to_string())
        }
    }
}

fn expect_one_lost(logs: &harness::logs::Logs, expected: &str, reason: &str, when: &str) -> Outcome {
    let lost = starting_with(logs, "Lost connection");
    match lost.as_slice() {
        [event] if event.message == expected => expect_field(event, "reason", reason),
        [event] => fail(format!(
            "{when}: expected the log event {expected:?}, got {event}"
        )),
        [] => Err(Failure::Fail(format!(
            "{when}: expected the log event {expected:?}, got {}",
            logs.summary()
        ))),
        many => fail(format!(
            "{when}: expected one `Lost connection because …` event, got {}: {}",
            many.len(),
            many.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}
