//! What the checks share: the expected replies, reading a reply loosely or exactly, the clock held
//! still, asking the server, reading the log.
//!
//! Each check judges its own sentence. The exact bytes of a Q1 reply are `exact-reply`'s business:
//! a check of *serving* accepts any reply ([`read_reply`]), a check of the text compares the text
//! between the quotes ([`quoted_text`]), a check of the port looks for the port's number
//! ([`numbers_in`]), a check of a whole reply asks that its text came whole ([`whole_reply`]). The
//! exact bytes of a `show log` reply are `exact-json`'s: the other checks read the log as JSON,
//! however it is laid out ([`read_log_reply`], [`parse_log`]). So one slip in a reply's format
//! costs one check, not ten.

use harness::serde_json::{self, Value};
use harness::tcp::{Client, Connect, STEP_LIMIT, Server};
use harness::tokio::io::{AsyncRead, AsyncReadExt};
use harness::tokio::net::{TcpListener, TcpSocket, TcpStream};
use harness::tokio::task::spawn_blocking;
use harness::tokio::time::{Instant, timeout, timeout_at};
use harness::{Failure, Outcome, fail, show_bytes};
use std::future::Future;
use std::io;
use std::os::fd::OwnedFd;
use std::time::Duration;

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
        fail(format!("{what}: {}", harness::bytes_differ(expected, got)))
    }
}

/// Adds to a failure how the server ended, if it did.
pub(crate) fn on(server: &Server) -> impl Fn(Failure) -> Failure + '_ {
    |failure| server.explain(failure)
}

/// The text of a Q1 reply, read loosely: what follows `saying ` up to the line ending, without the
/// quotes around it (`"…"`, or `'…'`) and whatever whitespace follows them; or, in a reply without
/// `saying `, what stands between the first `"` and the last. `None` when there is neither.
pub(crate) fn quoted_text(line: &[u8]) -> Option<&[u8]> {
    let line = without_line_ending(line);
    let marker = b"saying ";
    let Some(at) = line.windows(marker.len()).position(|w| w == marker) else {
        let start = line.iter().position(|&b| b == b'"')? + 1;
        let end = line.iter().rposition(|&b| b == b'"')?;
        return (end >= start).then(|| &line[start..end]);
    };
    let said = &line[at + marker.len()..];
    let closed = said.trim_ascii_end();
    match closed {
        [open, text @ .., close] if open == close && (*open == b'"' || *open == b'\'') => Some(text),
        _ => Some(said),
    }
}

/// Whether `reply` is a whole reply to a line `text` (through small buffers, say): it ends with a
/// line ending, or, if it has none (`exact-reply`'s business), it quotes all of `text`.
pub(crate) fn whole_reply(reply: &[u8], text: &[u8]) -> bool {
    reply.ends_with(b"\n") || says(reply, text)
}

/// Whether a Q1 reply quotes `text`: its quoted text is `text`, whatever the rest of the reply.
pub(crate) fn says(line: &[u8], text: &[u8]) -> bool {
    quoted_text(line) == Some(text)
}

/// The numbers written in a line (runs of decimal digits that fit a `u32`): a reply names its
/// client's port among them, whatever the words around it.
pub(crate) fn numbers_in(line: &[u8]) -> Vec<u32> {
    line.split(|b| !b.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .filter_map(|run| std::str::from_utf8(run).ok()?.parse().ok())
        .collect()
}

/// Reads one reply: up to and including the first `\n`, or everything until the server closed
/// (a reply without a line ending is still a reply; its bytes are `exact-reply`'s business).
/// Fails when nothing at all came. Waits 2 s on the check's clock, and at most 2.5 s of real time
/// (for a clock held still).
pub(crate) async fn read_reply(client: &mut Client) -> Outcome<Vec<u8>> {
    let reading = async {
        match client.read_line().await {
            Err(Failure::Fail(m)) if m.starts_with("the connection closed before the line ended") => {
                // The bytes that came are still the client's: at EOF, `read_to_end` hands them over.
                client.read_to_end().await
            }
            other => other,
        }
    };
    match real_limit(STEP_LIMIT + Duration::from_millis(500), reading).await {
        Some(outcome) => outcome,
        None => Err(Failure::Timeout("no reply within 2.5 s".into())),
    }
}

/// Connects, sends `request` and reads one reply (see [`read_reply`]). Returns the client (still
/// connected) and the reply.
pub(crate) async fn ask(server: &Server, request: &[u8]) -> Outcome<(Client, Vec<u8>)> {
    let mut client = server.connect().await?;
    client.send(request).await.map_err(on(server))?;
    let line = read_reply(&mut client).await.map_err(on(server))?;
    Ok((client, line))
}

/// Sends `text` + `\r\n` on a new connection and expects any reply: proof that the server serves.
pub(crate) async fn expect_served(server: &Server, text: &str) -> Outcome {
    ask(server, format!("{text}\r\n").as_bytes()).await.map(drop)
}

/// `line` without its line ending (`\r\n` or a bare `\n`).
pub(crate) fn without_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Sends `request` on a new connection and expects a reply that quotes `text` (the rest of the
/// reply is `exact-reply`'s business). `what` says what was sent, for the message.
pub(crate) async fn expect_text(server: &Server, request: &[u8], text: &str, what: &str) -> Outcome {
    let (client, line) = ask(server, request).await?;
    if says(&line, text.as_bytes()) {
        return Ok(());
    }
    let expected = identity(client.local_addr().port(), text);
    fail(format!(
        "{what}: expected the reply to quote {text:?} ({}), got {}",
        show_bytes(&expected),
        show_bytes(&line)
    ))
}

/// Parses a `show log` reply into `(ip, port)` pairs, failing with a sentence when it is not the
/// expected JSON array of `{"ip": "…", "port": …}` objects. Its layout is `exact-json`'s business:
/// any line ending (or none), whitespace, the keys in any order, a port written as a string of
/// digits are accepted here.
pub(crate) fn parse_log(reply: &[u8]) -> Outcome<Vec<(String, u16)>> {
    let not_a_log = |why: String| {
        fail(format!(
            "the reply to `show log` should be a JSON array of {{\"ip\":…,\"port\":…}} objects, \
             but {why}; got {}",
            show_bytes(reply)
        ))
    };
    let value: Value = match serde_json::from_slice(without_line_ending(reply)) {
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
            .and_then(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok()))
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

/// Reads a reply that may be the log: one line (see [`read_reply`]), or, when that line only begins
/// a JSON array (`[` then a line ending: a log laid out over several lines, `exact-json`'s
/// business), everything up to the server's EOF.
pub(crate) async fn read_log_reply(client: &mut Client) -> Outcome<Vec<u8>> {
    let mut reply = read_reply(client).await?;
    let begins_array = reply.trim_ascii_start().starts_with(b"[");
    let parses = serde_json::from_slice::<Value>(without_line_ending(&reply)).is_ok();
    if begins_array && !parses && reply.ends_with(b"\n") {
        let rest = real_limit(STEP_LIMIT + Duration::from_millis(500), client.read_to_end()).await;
        if let Some(Ok(rest)) = rest {
            reply.extend_from_slice(&rest);
        }
    }
    Ok(reply)
}

/// Connects, sends `request` and reads one reply that may be the log ([`read_log_reply`]). Returns
/// the client (still connected) and the reply.
pub(crate) async fn ask_log(server: &Server, request: &[u8]) -> Outcome<(Client, Vec<u8>)> {
    let mut client = server.connect().await?;
    client.send(request).await.map_err(on(server))?;
    let reply = read_log_reply(&mut client).await.map_err(on(server))?;
    Ok((client, reply))
}

/// Sends `show log` on a new connection; returns the requester's port and the parsed log.
pub(crate) async fn show_log(server: &Server) -> Outcome<(u16, Vec<(String, u16)>)> {
    let (client, reply) = ask_log(server, b"show log\r\n").await?;
    Ok((client.local_addr().port(), parse_log(&reply)?))
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
            Ok(Ok(0)) => return Ok(line),
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

/// The check's paused clock, held still while this lives: tokio does not let a paused clock
/// advance by itself while a `spawn_blocking` task is in flight, and this is one, waiting to be
/// dropped. Then the server's timers (its one-second drain, a retry's pause) fire only when the
/// check calls `tokio::time::advance`, while sockets go on in real time: a verdict never depends
/// on how fast the machine is. Waits on the server then need a real-time limit: [`real_limit`].
pub(crate) struct HeldClock {
    _release: std::sync::mpsc::Sender<()>,
}

/// Holds the check's paused clock still (see [`HeldClock`]). Only for `paused` checks.
pub(crate) fn hold_clock() -> HeldClock {
    let (release, held) = std::sync::mpsc::channel::<()>();
    spawn_blocking(move || {
        let _ = held.recv();
    });
    HeldClock { _release: release }
}

/// `f`, or `None` after `limit` of real time (for checks whose clock is held still, where tokio's
/// own timers do not run by themselves).
pub(crate) async fn real_limit<F: Future>(limit: Duration, f: F) -> Option<F::Output> {
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let timer = spawn_blocking(move || {
        let _ = wait.recv_timeout(limit);
    });
    harness::tokio::select! {
        biased;
        out = f => {
            drop(done);
            Some(out)
        }
        _ = timer => None,
    }
}

/// A step of a check whose clock is held still: `f`, or a timeout after 2 s of real time saying
/// `what` did not happen.
pub(crate) async fn step<T>(what: &str, f: impl Future<Output = Outcome<T>>) -> Outcome<T> {
    match real_limit(STEP_LIMIT, f).await {
        Some(outcome) => outcome,
        None => Err(Failure::Timeout(format!("{what} within 2 s"))),
    }
}

/// A tiny socket buffer, in bytes (Linux doubles it, then raises it to its minimum of a few KiB): far
/// less than a 30 KB reply or a 19 KB log, so such a reply does not fit in the kernel's buffers at once,
/// and its end is still in the server's send buffer when the server's last write returns (where a
/// reset destroys it, if the server drops a stream with the client's bytes unread).
pub(crate) const SMALL_BUFFER: u32 = 1024;

/// A client with a small receive buffer: a long reply waits in the server's buffers until the
/// client reads it.
pub(crate) const SMALL_RECEIVE: Connect = Connect {
    receive_buffer: Some(SMALL_BUFFER),
};

/// Makes the sockets `listener` accepts keep a small send buffer (accepted sockets inherit it),
/// so that a long reply does not fit in the kernel at once: a single `write` then takes only part
/// of it.
pub(crate) fn small_send_buffer(listener: TcpListener) -> io::Result<TcpListener> {
    let fd = OwnedFd::from(listener.into_std()?);
    let socket = TcpSocket::from_std_stream(std::net::TcpStream::from(fd));
    socket.set_send_buffer_size(SMALL_BUFFER)?;
    // `listen` again on a listening socket only sets its backlog; it gives the listener back.
    socket.listen(1024)
}

/// Starts `serve` (Q1's or Q2's) on a listener made by [`small_send_buffer`] before any client
/// connects: every reply leaves the server a few KiB at a time.
pub(crate) async fn start_with_small_send_buffer<F, Fut>(serve: F) -> Outcome<Server>
where
    F: FnOnce(TcpListener) -> Fut + Send + 'static,
    Fut: Future<Output = io::Result<()>> + Send + 'static,
{
    Server::start(move |listener| {
        let listener = small_send_buffer(listener);
        async move { serve(listener?).await }
    })
    .await
}

/// Lets the server catch up with what the check just did on a socket, on a clock held still:
/// yields, a few milliseconds of real time for the kernel to deliver, yields again.
pub(crate) async fn settle() {
    for _ in 0..10 {
        harness::tokio::task::yield_now().await;
    }
    let _ = real_limit(harness::time::ms(5), std::future::pending::<()>()).await;
    for _ in 0..10 {
        harness::tokio::task::yield_now().await;
    }
}

/// How much a client that is "still sending" goes on sending after its line, without pause.
pub(crate) const STILL_SENDING: usize = 1024 * 1024;

/// What a client that sent while it read saw: the reply (up to EOF, a reset, or a time limit) and
/// how its own sending ended.
pub(crate) struct Seen {
    pub(crate) reply: Vec<u8>,
    /// How the reply ended: `Ok(true)` EOF, `Ok(false)` no EOF within 2 s after a whole line.
    pub(crate) end: Result<bool, io::Error>,
    /// How the sending ended: `None` when it was still blocked after 5 s (the server not reading).
    pub(crate) sent: Option<io::Result<()>>,
}

/// Sends `line`, then `more` without pause, while reading the reply until EOF (or a reset, or 2 s
/// of real time after a whole line with no EOF, 5 s before one). With `after_reply`, `more` waits
/// for the reply's first byte (then its first KiB is sent before the client reads on, so that it is
/// surely unread in the server when the reply's end is written): the server has read `line` alone,
/// even one that reads a chunk rather than a line.
pub(crate) async fn send_while_reading(
    client: &mut Client,
    line: &[u8],
    more: &[u8],
    after_reply: bool,
) -> Seen {
    use harness::tokio::io::AsyncWriteExt;
    let (mut reader, mut writer) = client.stream().split();
    let mut reply = Vec::new();
    let mut request = line.to_vec();
    if after_reply {
        let sent = real_limit(Duration::from_secs(5), writer.write_all(line)).await;
        if !matches!(sent, Some(Ok(()))) {
            return Seen {
                reply,
                end: Ok(false),
                sent,
            };
        }
        let mut first = [0u8; 1];
        match real_limit(Duration::from_secs(5), reader.read(&mut first)).await {
            None => {
                return Seen {
                    reply,
                    end: Ok(false),
                    sent: Some(Ok(())),
                };
            }
            Some(Ok(0)) => {
                return Seen {
                    reply,
                    end: Ok(true),
                    sent: Some(Ok(())),
                };
            }
            Some(Ok(_)) => reply.push(first[0]),
            Some(Err(e)) => {
                return Seen {
                    reply,
                    end: Err(e),
                    sent: Some(Ok(())),
                };
            }
        }
        let (burst, after) = more.split_at(more.len().min(1024));
        let sent = real_limit(Duration::from_secs(5), writer.write_all(burst)).await;
        if !matches!(sent, Some(Ok(()))) {
            return Seen {
                reply,
                end: Ok(false),
                sent,
            };
        }
        request = after.to_vec();
    } else {
        request.extend_from_slice(more);
    }
    let send = writer.write_all(&request);
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            // Once a whole line came, EOF must follow; `closes-after-reply` judges when.
            let limit = if reply.ends_with(b"\n") {
                Duration::from_secs(2)
            } else {
                Duration::from_secs(5)
            };
            match real_limit(limit, reader.read(&mut buf)).await {
                None => return Ok(false),
                Some(Ok(0)) => return Ok(true),
                Some(Ok(n)) => reply.extend_from_slice(&buf[..n]),
                Some(Err(e)) => return Err(e),
            }
        }
    };
    let (end, sent) = harness::tokio::join!(read, real_limit(Duration::from_secs(5), send));
    Seen { reply, end, sent }
}
