//! The client against a server of the check's own, which echoes in two pieces.

use crate::support::{expect_field, starting_with};
use challenge::client::run;
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt};
use harness::tokio::net::{TcpListener, TcpStream};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{Duration, sleep, timeout};
use harness::{Failure, Outcome, fail, show_bytes};
use std::net::SocketAddr;

/// The message the checks send: not the default, and with a character of two bytes, split by the
/// server's two pieces.
const MESSAGE: &str = "Echo, échö!";

/// How long the check's server waits between the two pieces of its echo (real time).
const GAP: Duration = Duration::from_millis(100);

/// What the check's server saw of its one client.
struct Seen {
    /// Everything the client sent until it closed.
    received: Vec<u8>,
    /// Whether the client closed before the second piece of the echo was due.
    closed_early: bool,
}

/// A server for one client: reads `expected` bytes, echoes the first 7 bytes, waits [`GAP`] (or
/// until the client closes), echoes the rest, then reads until the client closes.
async fn echo_in_two_pieces(expected: usize) -> Outcome<(SocketAddr, JoinHandle<std::io::Result<Seen>>)> {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(e) => return fail(format!("the check could not bind 127.0.0.1:0: {e}")),
    };
    let addr = listener.local_addr().map_err(|e| Failure::Fail(e.to_string()))?;
    let task = harness::tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut received = vec![0u8; expected];
        stream.read_exact(&mut received).await?;
        let split = 7.min(expected);
        stream.write_all(&received[..split]).await?;
        let mut more = [0u8; 256];
        let mut closed_early = false;
        harness::tokio::select! {
            read = stream.read(&mut more) => {
                match read {
                    Ok(0) | Err(_) => closed_early = true,
                    Ok(n) => received.extend_from_slice(&more[..n]),
                }
            }
            () = sleep(GAP) => {}
        }
        if !closed_early {
            stream.write_all(&received[split..expected]).await?;
            loop {
                match stream.read(&mut more).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => received.extend_from_slice(&more[..n]),
                }
            }
        }
        Ok(Seen {
            received,
            closed_early,
        })
    });
    Ok((addr, task))
}

/// Runs the client against the two-piece server and returns what it returned and what the server
/// saw.
async fn exchange() -> Outcome<(Vec<u8>, Seen)> {
    let (addr, server) = echo_in_two_pieces(MESSAGE.len()).await?;
    let limit = Duration::from_secs(5);
    let returned = match timeout(limit, run(addr, MESSAGE)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return fail(format!("expected `run` to return the echo, got Err({e})")),
        Err(_) => {
            return Err(Failure::Timeout(format!(
                "expected `run` to return within {} s, got it still running (the echo comes in two \
                 pieces, then the server waits for the client to close)",
                limit.as_secs()
            )));
        }
    };
    let seen = match timeout(Duration::from_secs(2), server).await {
        Ok(Ok(Ok(seen))) => seen,
        Ok(Ok(Err(e))) => return fail(format!("the check's server failed: {e}")),
        Ok(Err(e)) => return fail(format!("the check's server failed: {e}")),
        Err(_) => {
            return fail(
                "expected the client to close the connection after the echo, got it still open 2 s \
                 after `run` returned"
                    .to_string(),
            );
        }
    };
    Ok((returned, seen))
}

pub(crate) async fn echo() -> Outcome {
    let (returned, seen) = exchange().await?;
    if seen.closed_early {
        return fail(format!(
            "the server echoed the first 7 of {} bytes, then the client closed without waiting for \
             the rest (it returned {}): TCP is a byte stream, read until the whole echo is in",
            MESSAGE.len(),
            show_bytes(&returned)
        ));
    }
    if seen.received != MESSAGE.as_bytes() {
        return fail(format!(
            "expected the client to send exactly {} and nothing more, got {}",
            show_bytes(MESSAGE.as_bytes()),
            show_bytes(&seen.received)
        ));
    }
    if returned != MESSAGE.as_bytes() {
        return fail(format!(
            "expected `run` to return the echo {}, got {}",
            show_bytes(MESSAGE.as_bytes()),
            show_bytes(&returned)
        ));
    }
    Ok(())
}

pub(crate) async fn logs() -> Outcome {
    let logs = harness::logs::capture()?;
    let _ = exchange().await?;
    let events = logs.events();
    let position = |message: &str| events.iter().position(|e| e.message == message);
    let data = format!("Data received {MESSAGE}");
    let order = ["Started to connect.", "Connected.", data.as_str()];
    let mut last = None;
    for message in order {
        let Some(at) = position(message) else {
            return fail(format!(
                "expected the log events {order:?} in this order, {message:?} missing; got {}",
                logs.summary()
            ));
        };
        if event_level_wrong(&events[at]) {
            return fail(format!("expected {message:?} at INFO, got {}", events[at]));
        }
        if last.is_some_and(|last| at < last) {
            return fail(format!(
                "expected the log events {order:?} in this order, got {message:?} earlier; all: {}",
                logs.summary()
            ));
        }
        last = Some(at);
    }
    let data_events = starting_with(&logs, "Data received");
    if data_events.len() != 1 {
        return fail(format!(
            "expected one `Data received <text>` once the whole echo is in, got {}: {}",
            data_events.len(),
            data_events
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    expect_field(&data_events[0], "text", MESSAGE)
}

fn event_level_wrong(event: &harness::logs::LogEvent) -> bool {
    event.level != harness::tracing::Level::INFO
}

pub(crate) async fn refused() -> Outcome {
    // A port that nobody listens on: bound, then let go.
    let addr = match TcpListener::bind("127.0.0.1:0")
        .await
        .and_then(|l| l.local_addr())
    {
        Ok(addr) => addr,
        Err(e) => return fail(format!("the check could not bind 127.0.0.1:0: {e}")),
    };
    let expected_error = match TcpStream::connect(addr).await {
        Err(e) => e.to_string(),
        Ok(_) => return fail(format!("the check found a server on {addr}: try again")),
    };
    let logs = harness::logs::capture()?;
    let error = match timeout(Duration::from_secs(2), run(addr, MESSAGE)).await {
        Ok(Err(e)) => e,
        Ok(Ok(bytes)) => {
            return fail(format!(
                "nobody listens on {addr}: expected `run` to return the error, got Ok({})",
                show_bytes(&bytes)
            ));
        }
        Err(_) => {
            return fail(format!(
                "nobody listens on {addr}: expected `run` to return the error at once, got it still \
                 running 2 s later"
            ));
        }
    };
    if error.to_string() != expected_error {
        return fail(format!(
            "nobody listens on {addr}: expected `run` to return the connect error \
             ({expected_error:?}), got {error:?}"
        ));
    }
    let expected = format!("Connection failed. Reason: {expected_error}");
    let failed = starting_with(&logs, "Connection failed");
    match failed.as_slice() {
        [event] if event.message == expected => expect_field(event, "reason", &expected_error)?,
        [] => {
            return fail(format!(
                "nobody listens on {addr}: expected the log event {expected:?}, got {}",
                logs.summary()
            ));
        }
        other => {
            return fail(format!(
                "nobody listens on {addr}: expected one log event {expected:?}, got {}",
                other
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    if let Some(connected) = logs.events().iter().find(|e| e.message == "Connected.") {
        return fail(format!(
            "nobody listens on {addr}: expected no `Connected.`, got {connected}"
        ));
    }
    Ok(())
}
