//! Q2's client against servers of the check's own: one that echoes in two pieces (the second
//! 100 ms later, splitting a two-byte character; in upper case, its last byte not UTF-8, so that
//! what the client returns and logs shows it is what came back), one that reads a long message only after a
//! pause (so that one `write` cannot take it all) and sends it back in upper case, and one that
//! closes halfway through the echo.

use crate::support::{expect_field, random_bytes, show_events, starting_with};
use challenge::client::run;
use harness::tcp::listen;
use harness::time::{ms, show};
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt};
use harness::tokio::net::{TcpListener, TcpStream};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{sleep, timeout};
use harness::{Failure, Outcome, bytes_differ, fail, show_bytes};
use std::net::SocketAddr;
use std::time::Duration;

/// The message the checks send: not the default, and with a character of two bytes, split by the
/// server's two pieces.
const MESSAGE: &str = "Echo, échö!";

/// What the two-piece server sends back for `message`: the bytes in ASCII upper case, the last one
/// replaced by a byte that is not UTF-8. What the client returns and logs must be what came back
/// (decoded lossily for the log), not the message it sent.
fn sent_back(message: &[u8]) -> Vec<u8> {
    let mut back = message.to_ascii_uppercase();
    if let Some(last) = back.last_mut() {
        *last = 0xFF;
    }
    back
}

/// How long the check's server waits between the two pieces of its echo (real time).
const GAP: Duration = ms(100);

/// The long message: more than a socket's send buffer can take in one `write` (4 MiB at most on
/// Linux by default), ASCII.
const LONG: usize = 5 * 1024 * 1024;

/// How long the slow reader waits for more of the long message before it calls the rest lost.
const IDLE: Duration = Duration::from_secs(1);

/// How long `run` may take with one exchange.
const LIMIT: Duration = Duration::from_secs(5);

/// What the check's server saw of its one client.
struct Seen {
    /// Everything the client sent until it closed.
    received: Vec<u8>,
    /// Whether the client closed before the second piece of the echo was due.
    closed_early: bool,
    /// Whether the client closed its side after the echo (within 2 s).
    closed: bool,
}

type Served = JoinHandle<std::io::Result<Seen>>;

/// Reads until the client closes (or 2 s pass); whether it did.
async fn until_closed(stream: &mut TcpStream, received: &mut Vec<u8>) -> bool {
    let mut more = [0u8; 4096];
    loop {
        match timeout(Duration::from_secs(2), stream.read(&mut more)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(n)) => received.extend_from_slice(&more[..n]),
            Err(_) => return false,
        }
    }
}

/// A server for one client: reads `expected` bytes, sends the first 7 back ([`sent_back`]), waits
/// [`GAP`] (or until the client closes), sends the rest, then reads until the client closes.
async fn echo_in_two_pieces(expected: usize) -> Outcome<(SocketAddr, Served)> {
    let (listener, addr) = listen().await?;
    let task = harness::tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut received = vec![0u8; expected];
        stream.read_exact(&mut received).await?;
        let split = 7.min(expected);
        let back = sent_back(&received);
        stream.write_all(&back[..split]).await?;
        let mut more = [0u8; 256];
        let mut closed_early = false;
        harness::tokio::select! {
            read = stream.read(&mut more) => match read {
                Ok(0) | Err(_) => closed_early = true,
                Ok(n) => received.extend_from_slice(&more[..n]),
            },
            () = sleep(GAP) => {}
        }
        let mut closed = closed_early;
        if !closed_early {
            stream.write_all(&back[split..]).await?;
            closed = until_closed(&mut stream, &mut received).await;
        }
        Ok(Seen {
            received,
            closed_early,
            closed,
        })
    });
    Ok((addr, task))
}

/// A server that reads nothing for [`GAP`], so that the client's first write cannot take the
/// whole long message (it fills the socket's buffers); then reads until it has `expected` bytes or
/// none come for [`IDLE`], sends back what it got in upper case (the bytes that come back are what
/// the client returns, whatever it sent), and closes.
async fn slow_reader(expected: usize) -> Outcome<(SocketAddr, Served)> {
    let (listener, addr) = listen().await?;
    let task = harness::tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        sleep(GAP).await;
        let mut received = Vec::with_capacity(expected);
        let mut buf = vec![0u8; 64 * 1024];
        while received.len() < expected {
            match timeout(IDLE, stream.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
                Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            }
        }
        stream.write_all(&received.to_ascii_uppercase()).await?;
        let _ = stream.shutdown().await;
        let mut rest = Vec::new();
        let closed = until_closed(&mut stream, &mut rest).await;
        Ok(Seen {
            received,
            closed_early: false,
            closed,
        })
    });
    Ok((addr, task))
}

/// A server that reads the message, echoes its first 7 bytes and closes the connection.
async fn closes_halfway(expected: usize) -> Outcome<(SocketAddr, Served)> {
    let (listener, addr) = listen().await?;
    let task = harness::tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut received = vec![0u8; expected];
        stream.read_exact(&mut received).await?;
        stream.write_all(&received[..7.min(expected)]).await?;
        Ok(Seen {
            received,
            closed_early: false,
            closed: true,
        })
    });
    Ok((addr, task))
}

/// Runs the client against a server and returns what it returned and what the server saw.
async fn exchange(
    message: &str,
    (addr, server): (SocketAddr, Served),
) -> Outcome<(std::io::Result<Vec<u8>>, Seen)> {
    let Ok(returned) = timeout(LIMIT, run(addr, message)).await else {
        return Err(Failure::Timeout(format!(
            "expected `run` to return within {}, got it still running",
            show(LIMIT)
        )));
    };
    let seen = match timeout(Duration::from_secs(3), server).await {
        Ok(Ok(Ok(seen))) => seen,
        Ok(Ok(Err(e))) => fail!("the check's server failed: {e} (`run` returned {returned:?})"),
        Ok(Err(e)) => fail!("the check's server failed: {e}"),
        Err(_) => fail!("the check's server did not finish within 3 s after `run` returned"),
    };
    Ok((returned, seen))
}

/// The two-piece echo (the message as it is, the whole echo, then close), the long message (all
/// of it sent), and a server that closes halfway (an error, not a part).
pub(crate) async fn echo() -> Outcome {
    // Random letters, 4093 of them (a prime) over and over: cheap to make, and no two pieces
    // of a wrong answer line up by chance.
    let letters: String = random_bytes(7, 4093)
        .into_iter()
        .map(|b| char::from(b'a' + b % 26))
        .collect();
    let mut long = letters.repeat(LONG / letters.len() + 1);
    long.truncate(LONG);
    let (two, big, half) = harness::tokio::join!(
        async { exchange(MESSAGE, echo_in_two_pieces(MESSAGE.len()).await?).await },
        async { exchange(&long, slow_reader(long.len()).await?).await },
        async { exchange(MESSAGE, closes_halfway(MESSAGE.len()).await?).await },
    );

    let (returned, seen) = two?;
    let returned = match returned {
        Ok(bytes) => bytes,
        Err(e) => fail!(
            "expected `run` to return the echo of {}, got Err({e})",
            show_bytes(MESSAGE.as_bytes())
        ),
    };
    if seen.closed_early {
        fail!(
            "the server echoed the first 7 of {} bytes, then the client closed without waiting for \
             the rest (it returned {}): TCP is a byte stream, read until the whole echo is in",
            MESSAGE.len(),
            show_bytes(&returned)
        );
    }
    if seen.received != MESSAGE.as_bytes() {
        fail!(
            "expected the client to send exactly {} and nothing more, got {}",
            show_bytes(MESSAGE.as_bytes()),
            show_bytes(&seen.received)
        );
    }
    let back = sent_back(MESSAGE.as_bytes());
    if returned != back {
        let cause = if returned == MESSAGE.as_bytes() {
            ": the message it sent, not the bytes that came back"
        } else {
            ""
        };
        fail!(
            "the server sent back {} (the message in upper case, its last byte not UTF-8): \
             expected `run` to return those bytes, got {}{cause}",
            show_bytes(&back),
            show_bytes(&returned)
        );
    }
    if !seen.closed {
        fail!(
            "expected the client to close the connection after the echo, got it still open 2 s after `run` returned"
        );
    }

    let (returned, seen) = big?;
    if seen.received.len() < LONG {
        fail!(
            "a message of {LONG} bytes (5 MiB): the server got only {} of them, then nothing for \
             1 s: send the message whole (`write_all`; one `write` takes only what the socket \
             has room for)",
            seen.received.len()
        );
    }
    let upper = long.to_ascii_uppercase();
    match returned {
        Ok(bytes) if bytes == upper.as_bytes() => {}
        Ok(bytes) if bytes == long.as_bytes() => fail!(
            "the server sent a 5 MiB message back in upper case: expected `run` to return the bytes \
             that came back, got the message it sent"
        ),
        Ok(bytes) => fail!(
            "the 5 MiB that came back (the message in upper case): {}",
            bytes_differ(upper.as_bytes(), &bytes)
        ),
        Err(e) => fail!("expected `run` to return the echo of a 5 MiB message, got Err({e})"),
    }

    let (returned, _) = half?;
    match returned {
        Err(_) => Ok(()),
        Ok(bytes) => fail!(
            "the server echoed the first 7 of {} bytes, then closed the connection: expected `run` \
             to return an error (the echo is not all there), got Ok({})",
            MESSAGE.len(),
            show_bytes(&bytes)
        ),
    }
}

pub(crate) async fn logs() -> Outcome {
    let logs = harness::logs::capture()?;
    let (returned, _) = exchange(MESSAGE, echo_in_two_pieces(MESSAGE.len()).await?).await?;
    if let Err(e) = returned {
        fail!(
            "expected `run` to return the echo, got Err({e}); the logs: {}",
            logs.summary()
        );
    }
    let events = logs.events();
    let position = |message: &str| events.iter().position(|e| e.message == message);
    // The server sends the message back in upper case, its last byte not UTF-8.
    let text = String::from_utf8_lossy(&sent_back(MESSAGE.as_bytes())).into_owned();
    let data = format!("Data received {text}");
    let order = ["Started to connect.", "Connected.", data.as_str()];
    let mut last = None;
    for message in order {
        let Some(at) = position(message) else {
            fail!(
                "expected the log events {order:?} in this order, {message:?} missing; got {}",
                logs.summary()
            );
        };
        if events[at].level != harness::tracing::Level::INFO {
            fail!("expected {message:?} at INFO, got {}", events[at]);
        }
        if last.is_some_and(|last| at < last) {
            fail!(
                "expected the log events {order:?} in this order, got {message:?} earlier; all: {}",
                logs.summary()
            );
        }
        last = Some(at);
    }
    let data_events = starting_with(&logs, "Data received");
    if data_events.len() != 1 {
        fail!(
            "expected one `Data received <text>` once the whole echo is in (it came in two \
             pieces), got {}: {}",
            data_events.len(),
            show_events(&data_events)
        );
    }
    expect_field(&data_events[0], "text", &text)
}

pub(crate) async fn refused() -> Outcome {
    // A port that nobody listens on: bound, then let go.
    let addr = match TcpListener::bind("127.0.0.1:0")
        .await
        .and_then(|l| l.local_addr())
    {
        Ok(addr) => addr,
        Err(e) => fail!("the check could not bind 127.0.0.1:0: {e}"),
    };
    let expected_error = match TcpStream::connect(addr).await {
        Err(e) => e.to_string(),
        Ok(_) => fail!("the check found a server on {addr}: try again"),
    };
    let logs = harness::logs::capture()?;
    let error = match timeout(Duration::from_secs(2), run(addr, MESSAGE)).await {
        Ok(Err(e)) => e,
        Ok(Ok(bytes)) => fail!(
            "nobody listens on {addr}: expected `run` to return the error, got Ok({})",
            show_bytes(&bytes)
        ),
        Err(_) => fail!(
            "nobody listens on {addr}: expected `run` to return the error at once, got it still \
             running 2 s later"
        ),
    };
    if error.to_string() != expected_error {
        fail!(
            "nobody listens on {addr}: expected `run` to return the connect error \
             ({expected_error:?}), got {error:?}"
        );
    }
    let expected = format!("Connection failed. Reason: {expected_error}");
    let failed = starting_with(&logs, "Connection failed");
    match failed.as_slice() {
        [event] if event.message == expected => expect_field(event, "reason", &expected_error)?,
        [] => fail!(
            "nobody listens on {addr}: expected the log event {expected:?}, got {}",
            logs.summary()
        ),
        other => fail!(
            "nobody listens on {addr}: expected one log event {expected:?}, got {}",
            show_events(other)
        ),
    }
    let events = logs.events();
    if let Some(connected) = events.iter().find(|e| e.message == "Connected.") {
        fail!("nobody listens on {addr}: expected no `Connected.`, got {connected}");
    }
    let started = events.iter().position(|e| e.message == "Started to connect.");
    let failed = events.iter().position(|e| e.message == expected);
    match (started, failed) {
        (Some(s), Some(f)) if s < f => Ok(()),
        _ => fail!(
            "nobody listens on {addr}: expected `Started to connect.` (before connecting), then \
             {expected:?}, got {}",
            show_events(&events)
        ),
    }
}
