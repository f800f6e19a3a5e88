//! Q1, the client: its transcript against a reference server, a refused connection, a server that
//! closes without a reply.

use challenge::client;
use harness::tcp::Server;
use harness::tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use harness::tokio::net::TcpListener;
use harness::tokio::time::{Duration, timeout};
use harness::tokio::{self};
use harness::{Failure, Outcome, fail, show_bytes};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// An output that, like a buffered stdout, shows only what was flushed.
#[derive(Default)]
struct Flushed {
    written: Vec<u8>,
    flushed: usize,
}

impl AsyncWrite for Flushed {
    fn poll_write(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.written.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushed = self.written.len();
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// What the client did: its exit code, its flushed output and errors, and what it wrote to
/// `output` without flushing.
struct Run {
    code: i32,
    output: String,
    errors: String,
    unflushed: String,
}

/// Runs the learner's client on `input` against `addr`, within a limit.
async fn run_client(addr: &str, input: &[u8]) -> Outcome<Run> {
    let mut output = Flushed::default();
    let mut errors = Flushed::default();
    let run = client::run(addr, input, &mut output, &mut errors);
    let Ok(code) = timeout(Duration::from_secs(5), run).await else {
        return Err(Failure::Timeout(format!(
            "the client did not return within 5 s; it printed {} (does it stop at the end of the input?)",
            show_bytes(&output.written)
        )));
    };
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    Ok(Run {
        code,
        output: text(&output.written[..output.flushed]),
        // Errors count flushed or not: the exit code comes with them.
        errors: text(&errors.written),
        unflushed: text(&output.written[output.flushed..]),
    })
}

/// The lines the reference server received, as they came.
type Received = Arc<Mutex<Vec<Vec<u8>>>>;

/// The reference server for the client checks: the Q1 server in a few lines. With `reply` false it
/// reads the line and closes without a reply.
async fn reference_server(listener: TcpListener, received: Received, reply: bool) -> io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        let received = Arc::clone(&received);
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut line = Vec::new();
            let mut reader = BufReader::new(read.take(64 * 1024));
            reader.read_until(b'\n', &mut line).await?;
            let text = String::from_utf8_lossy(&line).trim().to_string();
            received.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            if reply {
                let reply = format!(
                    "You are from {} on port {}, saying \"{text}\"\r\n",
                    peer.ip(),
                    peer.port()
                );
                write.write_all(reply.as_bytes()).await?;
            }
            write.shutdown().await
        });
    }
}

/// The port in a line of client output `You are from 127.0.0.1 on port P, saying "text"`.
fn port_in(line: &str, text: &str) -> Option<u16> {
    let rest = line.strip_prefix("You are from 127.0.0.1 on port ")?;
    let port = rest.strip_suffix(&format!(", saying \"{text}\""))?;
    port.parse().ok()
}

pub(crate) async fn client_transcript() -> Outcome {
    let received = Received::default();
    let record = Arc::clone(&received);
    let server = Server::start(|l| reference_server(l, record, true)).await?;
    // A line over 16 KiB in the middle (the original client dropped those), and a last line
    // without a newline.
    let long = "x".repeat(20_000);
    let texts = ["first", long.as_str(), "second"];
    let input = format!("first\n{long}\nsecond");
    let run = run_client(&server.addr.to_string(), input.as_bytes()).await?;
    let shown = |s: &str| {
        let s = format!("{s:?}");
        if s.chars().count() > 300 {
            let cut: String = s.chars().take(300).collect();
            format!("{cut}… ({} characters in all)", s.chars().count())
        } else {
            s
        }
    };
    if !run.errors.is_empty() {
        return fail(format!(
            "expected nothing on `errors`, got {}",
            shown(&run.errors)
        ));
    }
    let sent = received.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(bad) = sent
        .iter()
        .zip(texts)
        .find(|(got, text)| **got != format!("{text}\r\n").into_bytes())
    {
        return fail(format!(
            "for the input line {}, the server received {}: expected the line + `\\r\\n`",
            shown(bad.1),
            show_bytes(bad.0)
        ));
    }
    let shape = "expected three lines, `You are from 127.0.0.1 on port <port>, saying \"first\"\\n`, the same \
                 with the 20,000 `x`, then with \"second\" (each reply's text without its `\\r\\n`, then `\\n`)";
    let lines: Vec<&str> = run.output.split_inclusive('\n').collect();
    let port = |line: &str, text: &str| line.strip_suffix('\n').and_then(|l| port_in(l, text));
    let ports: Option<Vec<u16>> = if lines.len() == 3 {
        lines
            .iter()
            .zip(texts)
            .map(|(line, text)| port(line, text))
            .collect()
    } else {
        None
    };
    let Some(ports) = ports else {
        let unflushed = if run.unflushed.is_empty() {
            String::new()
        } else {
            format!(
                " (and, never flushed, {}: flush `output` after each line)",
                shown(&run.unflushed)
            )
        };
        return fail(format!(
            "for the input b\"first\\n<20,000 x>\\nsecond\": {shape}; got {}{unflushed}",
            shown(&run.output)
        ));
    };
    if ports[0] == ports[1] || ports[1] == ports[2] || ports[0] == ports[2] {
        return fail(format!(
            "replies came from the same port ({ports:?}): expected a new connection for each line"
        ));
    }
    if run.code != 0 {
        return fail(format!(
            "expected the exit code 0 at the end of the input, got {}",
            run.code
        ));
    }
    Ok(())
}

pub(crate) async fn client_refused() -> Outcome {
    // An address where nothing listens: bound, then closed.
    let addr = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener.local_addr().map_err(|e| Failure::Fail(e.to_string()))?,
        Err(e) => return fail(format!("the check could not bind 127.0.0.1:0: {e}")),
    };
    let run = run_client(&addr.to_string(), b"hello\n").await?;
    if !run.errors.starts_with("connection failed: ") {
        return fail(format!(
            "with no server at {addr}, expected `errors` to start with \"connection failed: \", got {:?}",
            run.errors
        ));
    }
    if !run.output.is_empty() || !run.unflushed.is_empty() {
        return fail(format!(
            "with no server, expected nothing on `output`, got {:?}",
            run.output + &run.unflushed
        ));
    }
    if run.code != 1 {
        return fail(format!(
            "with no server, expected the exit code 1, got {}",
            run.code
        ));
    }
    Ok(())
}

pub(crate) async fn client_lost() -> Outcome {
    let server = Server::start(|l| reference_server(l, Received::default(), false)).await?;
    let run = run_client(&server.addr.to_string(), b"hello\nagain\n").await?;
    let what = "a server read the line and closed the connection without a reply";
    if !run.errors.starts_with("connection lost: ") {
        return fail(format!(
            "{what}: expected `errors` to start with \"connection lost: \", got {:?}",
            run.errors
        ));
    }
    if !run.output.is_empty() || !run.unflushed.is_empty() {
        return fail(format!(
            "{what}: expected nothing on `output`, got {:?}",
            run.output + &run.unflushed
        ));
    }
    if run.code != 1 {
        return fail(format!("{what}: expected the exit code 1, got {}", run.code));
    }
    Ok(())
}
