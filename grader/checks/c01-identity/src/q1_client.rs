//! Q1, the client: its transcript against a reference server (input given a line at a time, each
//! reply expected on the output, flushed, before the next line comes), a refused connection, a
//! server that closes without a reply.

use challenge::client;
use harness::io::{Chop, Cuts};
use harness::tcp::Server;
use harness::time::ms;
use harness::tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream, duplex,
};
use harness::tokio::net::TcpListener;
use harness::tokio::time::{sleep, timeout};
use harness::tokio::{self};
use harness::{Failure, Outcome, fail, show_bytes};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// An output that, like a buffered stdout, shows only what was flushed; its clones share it.
#[derive(Default, Clone)]
struct Flushed(Arc<Mutex<Written>>);

#[derive(Default)]
struct Written {
    bytes: Vec<u8>,
    flushed: usize,
}

impl Flushed {
    fn with<T>(&self, f: impl FnOnce(&mut Written) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// What was written and flushed.
    fn flushed(&self) -> String {
        self.with(|w| String::from_utf8_lossy(&w.bytes[..w.flushed]).into_owned())
    }

    /// What was written, flushed or not.
    fn written(&self) -> String {
        self.with(|w| String::from_utf8_lossy(&w.bytes).into_owned())
    }

    /// What was written and not flushed.
    fn unflushed(&self) -> String {
        self.with(|w| String::from_utf8_lossy(&w.bytes[w.flushed..]).into_owned())
    }
}

impl AsyncWrite for Flushed {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.with(|w| w.bytes.extend_from_slice(buf));
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.with(|w| w.flushed = w.bytes.len());
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// What the client did: its exit code, its flushed output and errors, and what it wrote to
/// `output` without flushing.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) output: String,
    pub(crate) errors: String,
    pub(crate) unflushed: String,
}

/// Runs the learner's client on `input` (all of it at once) against `addr`, within a limit.
pub(crate) async fn run_client(addr: &str, input: &[u8]) -> Outcome<Run> {
    let output = Flushed::default();
    let errors = Flushed::default();
    let run = client::run(addr, input, output.clone(), errors.clone());
    let Ok(code) = timeout(Duration::from_secs(5), run).await else {
        return Err(Failure::Timeout(format!(
            "the client did not return within 5 s; it printed {:?} (does it stop at the end of the input?)",
            output.written()
        )));
    };
    Ok(Run {
        code,
        output: output.flushed(),
        // Errors count flushed or not: the exit code comes with them.
        errors: errors.written(),
        unflushed: output.unflushed(),
    })
}

/// The lines the reference server received, as they came.
pub(crate) type Received = Arc<Mutex<Vec<Vec<u8>>>>;

/// What the reference server replies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reply {
    Whole,
    /// The reply without its `\r\n`, then the server closes.
    Cut,
    Nothing,
}

pub(crate) fn lines_of(received: &Received) -> Vec<Vec<u8>> {
    received.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The reference server for the client checks: the Q1 server in a few lines, which writes each
/// reply in two pieces a moment apart (a client must read up to `\n`, not once). `reply` says
/// whether it sends the whole reply, the reply without its `\r\n` (then closes), or nothing.
pub(crate) async fn reference_server(
    listener: TcpListener,
    received: Received,
    reply: Reply,
) -> io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        let received = Arc::clone(&received);
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let (read, mut write) = stream.into_split();
            let mut line = Vec::new();
            let mut reader = BufReader::new(read.take(64 * 1024));
            reader.read_until(b'\n', &mut line).await?;
            let text = String::from_utf8_lossy(&line).trim().to_string();
            received.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            if reply != Reply::Nothing {
                let end = if reply == Reply::Whole { "\r\n" } else { "" };
                let reply = format!(
                    "You are from {} on port {}, saying \"{text}\"{end}",
                    peer.ip(),
                    peer.port()
                );
                let (first, rest) = reply.as_bytes().split_at(20);
                write.write_all(first).await?;
                sleep(ms(5)).await;
                write.write_all(rest).await?;
            }
            write.shutdown().await
        });
    }
}

/// The port in a line of client output `You are from 127.0.0.1 on port P, saying "text"`.
pub(crate) fn port_in(line: &str, text: &str) -> Option<u16> {
    let rest = line.strip_prefix("You are from 127.0.0.1 on port ")?;
    let port = rest.strip_suffix(&format!(", saying \"{text}\""))?;
    port.parse().ok()
}

/// Whether a line of client output holds a reply `You are from 127.0.0.1 on port P, saying "text"`
/// somewhere, whatever comes before or after it.
pub(crate) fn holds_reply(line: &str, text: &str) -> bool {
    let prefix = "You are from 127.0.0.1 on port ";
    let said = format!(", saying \"{text}\"");
    line.match_indices(prefix).any(|(at, _)| {
        let rest = &line[at + prefix.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with(&said)
    })
}

/// Where the client's output first goes wrong, for a message: the first of its lines that is not
/// the reply's text + `\n`, against what it should be (from where they differ: a reply of 20,000
/// `x` with a stray byte at its end reads as that byte). Empty when no line names its port.
fn first_wrong_line(lines: &[&str], texts: &[&str]) -> String {
    let prefix = "You are from 127.0.0.1 on port ";
    for (i, (line, text)) in lines.iter().zip(texts).enumerate() {
        if line.strip_suffix('\n').and_then(|l| port_in(l, text)).is_some() {
            continue;
        }
        let Some(at) = line.find(prefix) else {
            return String::new();
        };
        let rest = &line[at + prefix.len()..];
        let port = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
        let expected = format!("{prefix}{port}, saying \"{text}\"\n");
        return format!(
            "; its line {}: {}",
            i + 1,
            harness::bytes_differ(expected.as_bytes(), line.as_bytes())
        );
    }
    String::new()
}

/// A long string for messages, cut after 300 characters.
fn shown(s: &str) -> String {
    let s = format!("{s:?}");
    if s.chars().count() > 300 {
        let cut: String = s.chars().take(300).collect();
        format!("{cut}… ({} characters in all)", s.chars().count())
    } else {
        s
    }
}

/// Waits until the client's flushed output holds `n` lines, for at most 2 s.
async fn until_printed(output: &Flushed, n: usize) -> bool {
    harness::time::until(Duration::from_secs(2), || {
        (output.flushed().matches('\n').count() >= n).then_some(())
    })
    .await
    .is_some()
}

/// Feeds the client its input a line at a time: each line only once the reply to the one before
/// is on the output, flushed (an interactive user types the next line after reading the reply).
/// Its reads of the input are cut into small pieces. Returns the exit code.
async fn interactive(addr: &str, lines: &[&str], output: &Flushed, errors: &Flushed) -> Outcome<i32> {
    let (mut typing, input) = duplex(64 * 1024);
    let input: BufReader<Chop<DuplexStream>> = BufReader::new(Chop::new(input, Cuts::fine(1)));
    let run = client::run(addr, input, output.clone(), errors.clone());
    let feed = async {
        for (i, line) in lines.iter().enumerate() {
            if i > 0 && !until_printed(output, i).await {
                let unflushed = output.unflushed();
                if !unflushed.is_empty() {
                    fail!(
                        "after input line {i}, the reply was written but not flushed within 2 s: {} \
                         (flush `output` after each line: a user typing lines reads each reply before \
                         typing the next)",
                        shown(&unflushed)
                    );
                }
                fail!(
                    "after input line {i}, no reply on the output within 2 s (printed so far: {}; \
                     errors: {})",
                    shown(&output.flushed()),
                    shown(&errors.written())
                );
            }
            if typing.write_all(line.as_bytes()).await.is_err() {
                break; // the client stopped reading its input: its exit code tells
            }
        }
        drop(typing);
        Ok(())
    };
    tokio::pin!(run, feed);
    tokio::select! {
        // The client returned before the end of its input: what it printed tells the rest.
        code = &mut run => Ok(code),
        fed = &mut feed => {
            fed?;
            timeout(Duration::from_secs(5), run).await.map_err(|_| {
                Failure::Timeout(format!(
                    "the input ended, and the client did not return within 5 s; it printed {}",
                    shown(&output.written())
                ))
            })
        }
    }
}

pub(crate) async fn client_transcript() -> Outcome {
    let received = Received::default();
    let record = Arc::clone(&received);
    let server = Server::start(|l| reference_server(l, record, Reply::Whole)).await?;
    // A line over 16 KiB (the original client dropped those), an empty line, and a last line
    // without a newline.
    let long = "x".repeat(20_000);
    let texts = ["first", long.as_str(), "", "second"];
    let first = "first\n".to_string();
    let long_line = format!("{long}\n");
    let input = [first.as_str(), long_line.as_str(), "\n", "second"];
    let (output, errors) = (Flushed::default(), Flushed::default());
    let code = interactive(&server.addr.to_string(), &input, &output, &errors).await?;
    let run = Run {
        code,
        output: output.flushed(),
        errors: errors.written(),
        unflushed: output.unflushed(),
    };
    if !run.errors.is_empty() {
        fail!("expected nothing on `errors`, got {}", shown(&run.errors));
    }
    let sent = lines_of(&received);
    let bad = sent
        .iter()
        .zip(texts)
        .find(|(got, text)| **got != format!("{text}\r\n").into_bytes());
    if let Some((got, text)) = bad {
        fail!(
            "for the input line {}, the server received {}: expected the line + `\\r\\n`",
            shown(text),
            show_bytes(got)
        );
    }
    let shape = "expected four lines, `You are from 127.0.0.1 on port <port>, saying \"first\"\\n`, the same \
                 with the 20,000 `x`, with \"\" (the empty line), then with \"second\" (each reply's text \
                 without its `\\r\\n`, then `\\n`)";
    let lines: Vec<&str> = run.output.split_inclusive('\n').collect();
    let port = |line: &str, text: &str| line.strip_suffix('\n').and_then(|l| port_in(l, text));
    let ports: Option<Vec<u16>> = (lines.len() == texts.len())
        .then(|| lines.iter().zip(texts).map(|(l, t)| port(l, t)).collect())
        .flatten();
    let Some(ports) = ports else {
        let unflushed = if run.unflushed.is_empty() {
            String::new()
        } else {
            format!(
                " (and, never flushed, {}: flush `output` after each line)",
                shown(&run.unflushed)
            )
        };
        fail!(
            "for the input b\"first\\n<20,000 x>\\n\\nsecond\": {shape}; got {}{unflushed}{}",
            shown(&run.output),
            first_wrong_line(&lines, &texts)
        );
    };
    let mut distinct = ports.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != ports.len() {
        fail!("replies came from the same port ({ports:?}): expected a new connection for each line");
    }
    if run.code != 0 {
        fail!(
            "expected the exit code 0 at the end of the input, got {}",
            run.code
        );
    }
    crate::q1_client_edges::unreadable_input().await
}

/// Whether `errors` is one message `prefix<reason>` (a `\n` after it or not), `<reason>` not empty.
pub(crate) fn one_message(errors: &str, prefix: &str) -> bool {
    let message = errors.strip_suffix('\n').unwrap_or(errors);
    message
        .strip_prefix(prefix)
        .is_some_and(|reason| !reason.trim().is_empty() && !reason.contains('\n'))
}

pub(crate) async fn client_refused() -> Outcome {
    // An address where nothing listens: bound, then closed.
    let (listener, addr) = harness::tcp::listen().await?;
    drop(listener);
    let run = run_client(&addr.to_string(), b"hello\n").await?;
    // Its first message is judged here; whether it stops there is `client-lost`'s point.
    let first = run.errors.split_inclusive('\n').next().unwrap_or_default();
    if !one_message(first, "connection failed: ") {
        fail!(
            "with no server at {addr}, expected `errors` to be \"connection failed: <reason>\\n\", got {:?}",
            run.errors
        );
    }
    if !run.output.is_empty() || !run.unflushed.is_empty() {
        fail!(
            "with no server, expected nothing on `output`, got {:?}",
            run.output + &run.unflushed
        );
    }
    if run.code != 1 {
        fail!("with no server, expected the exit code 1, got {}", run.code);
    }
    Ok(())
}

pub(crate) async fn client_lost() -> Outcome {
    crate::q1_client_edges::cut_reply().await?;
    let received = Received::default();
    let record = Arc::clone(&received);
    let server = Server::start(|l| reference_server(l, record, Reply::Nothing)).await?;
    let run = run_client(&server.addr.to_string(), b"hello\nagain\n").await?;
    let what = "a server read the line `hello` and closed the connection without a reply";
    if !run.errors.starts_with("connection lost: ") {
        fail!(
            "{what}: expected `errors` to be \"connection lost: <reason>\\n\", got {:?}",
            run.errors
        );
    }
    if !run.output.is_empty() || !run.unflushed.is_empty() {
        fail!(
            "{what}: expected nothing on `output`, got {:?}",
            run.output + &run.unflushed
        );
    }
    let sent = lines_of(&received).len();
    if sent > 1 {
        fail!(
            "{what}: expected the client to stop there (exit code 1, the next input line `again` never \
             sent), but it went on: the server received {sent} lines, and `errors` is {:?}",
            run.errors
        );
    }
    if !one_message(&run.errors, "connection lost: ") {
        fail!(
            "{what}: expected `errors` to be one line \"connection lost: <reason>\\n\" (a reason that \
             says what happened), got {:?}",
            run.errors
        );
    }
    if run.code != 1 {
        fail!("{what}: expected the exit code 1, got {}", run.code);
    }
    Ok(())
}
