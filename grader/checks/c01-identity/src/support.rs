//! What the checks share: the expected replies, asking the server, reading the log.

use harness::serde_json::{self, Value};
use harness::tcp::{Client, STEP_LIMIT, Server};
use harness::tokio::io::{AsyncRead, AsyncReadExt};
use harness::tokio::net::{TcpSocket, TcpStream};
use harness::tokio::time::{Instant, timeout, timeout_at};
use harness::{Failure, Outcome, fail, show_bytes};

/// The Q1 reply to a client on `port` (of 127.0.0.1) that said `text`.
pub(crate) fn identity(port: u16, text: &str) -> Vec<u8> {
    identity_of("127.0.0.1", port, text)
}

/// The Q1 reply to a client at `ip`:`port` that said `text`.
pub(crate) fn identity_of(ip: &str, port: u16, text: &str) -> Vec<u8> {
    format!("You are from {ip} on port {port}, saying \"{text}\"\r\n").into_bytes()
}

/// Fails with "`what`: expected …, got …" unless the bytes are equal.
pub(crate) fn expect_bytes(what: &str, expected: &[u8], got: &[u8]) -> Outcome {
    if expected == got {
        Ok(())
    } else {
        fail(format!(
            "{what}: expected {}, got {}",
            show_bytes(expected),
            show_bytes(got)
        ))
    }
}

/// Adds to a failure how the server ended, if it did.
pub(crate) fn on(server: &Server) -> impl Fn(Failure) -> Failure + '_ {
    |failure| server.explain(failure)
}

/// Connects, sends `request` and reads one reply line. Returns the client (still connected) and
/// the line.
pub(crate) async fn ask(server: &Server, request: &[u8]) -> Outcome<(Client, Vec<u8>)> {
    let mut client = server.connect().await?;
    client.send(request).await.map_err(on(server))?;
    let line = client.read_line().await.map_err(on(server))?;
    Ok((client, line))
}

/// `line` without its line ending (`\r\n` or a bare `\n`).
pub(crate) fn without_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Like [`expect_bytes`] for two lines, but blind to the line ending: only `exact-reply` judges
/// the `\r\n`, so that a `\n` costs the points of that one check.
pub(crate) fn expect_line(what: &str, expected: &[u8], got: &[u8]) -> Outcome {
    if without_line_ending(expected) == without_line_ending(got) {
        Ok(())
    } else {
        expect_bytes(what, expected, got)
    }
}

/// Sends `request` on a new connection and expects the Q1 reply for `text` (any line ending:
/// [`expect_exact_identity`] is the one check of the `\r\n`).
pub(crate) async fn expect_identity(server: &Server, request: &[u8], text: &str) -> Outcome {
    let (client, line) = ask(server, request).await?;
    let what = format!("reply to {}", show_bytes(request));
    expect_line(&what, &identity(client.local_addr().port(), text), &line)
}

/// Sends `request` on a new connection and expects the Q1 reply for `text`, byte for byte.
pub(crate) async fn expect_exact_identity(server: &Server, request: &[u8], text: &str) -> Outcome {
    let (client, line) = ask(server, request).await?;
    let what = format!("reply to {}", show_bytes(request));
    expect_bytes(&what, &identity(client.local_addr().port(), text), &line)
}

/// Parses a `show log` reply into `(ip, port)` pairs, failing with a sentence when it is not the
/// expected JSON array of `{"ip": "…", "port": …}` objects.
pub(crate) fn parse_log(reply: &[u8]) -> Outcome<Vec<(String, u16)>> {
    let not_a_log = |why: String| {
        fail(format!(
            "the reply to `show log` should be a JSON array of {{\"ip\":…,\"port\":…}} objects on one line, \
             but {why}; got {}",
            show_bytes(reply)
        ))
    };
    let value: Value = match serde_json::from_slice(reply) {
        Ok(value) => value,
        Err(e) => return not_a_log(format!("it is not JSON ({e})")),
    };
    let Some(entries) = value.as_array() else {
        return not_a_log("it is not an array".into());
    };
    let mut log = Vec::new();
    for entry in entries {
        let ip = entry.get("ip").and_then(Value::as_str);
        let port = entry
            .get("port")
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok());
        match (ip, port) {
            (Some(ip), Some(port)) => log.push((ip.to_string(), port)),
            _ => {
                return not_a_log(format!(
                    "the entry {entry} has no string `ip` or no numeric `port`"
                ));
            }
        }
    }
    // Which ip each entry has is `exact-json`'s point; the other checks judge ports only.
    Ok(log)
}

/// Sends `show log` on a new connection; returns the requester's port and the parsed log.
pub(crate) async fn show_log(server: &Server) -> Outcome<(u16, Vec<(String, u16)>)> {
    let (client, line) = ask(server, b"show log\r\n").await?;
    Ok((client.local_addr().port(), parse_log(&line)?))
}

pub(crate) fn ports(log: &[(String, u16)]) -> Vec<u16> {
    log.iter().map(|(_, port)| *port).collect()
}

/// Prefixes a failure with what happened before it.
pub(crate) fn after(event: &str, failure: Failure) -> Failure {
    context(&format!("after {event}, the next client failed"), failure)
}

/// Prefixes a failure's message with `prefix: `.
pub(crate) fn context(prefix: &str, failure: Failure) -> Failure {
    match failure {
        Failure::Fail(m) => Failure::Fail(format!("{prefix}: {m}")),
        Failure::Timeout(m) => Failure::Timeout(format!("{prefix}: {m}")),
    }
}

/// Reads up to and including the next `\n` from a raw stream (for checks that cannot use the
/// harness's `Client`), within the harness's step limit; fails at once on EOF.
pub(crate) async fn raw_line<R: AsyncRead + Unpin>(reader: &mut R) -> Outcome<Vec<u8>> {
    let deadline = Instant::now() + STEP_LIMIT;
    let mut line = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = line.iter().position(|&b| b == b'\n') {
            line.truncate(end + 1);
            return Ok(line);
        }
        match timeout_at(deadline, reader.read(&mut buf)).await {
            Err(_) => {
                return Err(Failure::Timeout(format!(
                    "no reply within 2 s; got so far {}",
                    show_bytes(&line)
                )));
            }
            Ok(Err(e)) => return fail(format!("the connection failed while reading: {e}")),
            Ok(Ok(0)) if line.is_empty() => return fail("the connection closed without a reply"),
            Ok(Ok(0)) => {
                return fail(format!(
                    "the connection closed before the line ended; got {}",
                    show_bytes(&line)
                ));
            }
            Ok(Ok(n)) => line.extend_from_slice(&buf[..n]),
        }
    }
}

/// A connection to the server from 127.0.0.2, if the system has that address (Linux has all of
/// 127.0.0.0/8, macOS only 127.0.0.1): a check that `<ip>` is the client's, not a constant.
pub(crate) async fn connect_from_127_0_0_2(server: &Server) -> Option<TcpStream> {
    let socket = TcpSocket::new_v4().ok()?;
    socket.bind(([127, 0, 0, 2], 0).into()).ok()?;
    timeout(STEP_LIMIT, socket.connect(server.addr)).await.ok()?.ok()
}
