//! Q1, the client: its transcript against a reference server, and a refused connection.

use challenge::client;
use harness::tcp::Server;
use harness::tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use harness::tokio::net::TcpListener;
use harness::tokio::time::{Duration, timeout};
use harness::tokio::{self};
use harness::{Failure, Outcome, fail, show_bytes};

/// Runs the learner's client on `input` against `addr`, within a limit; returns its exit code,
/// output and errors.
pub(crate) async fn run_client(addr: &str, input: &'static [u8]) -> Outcome<(i32, String, String)> {
    let mut output = Vec::new();
    let mut errors = Vec::new();
    let run = client::run(addr, input, &mut output, &mut errors);
    let Ok(code) = timeout(Duration::from_secs(5), run).await else {
        return Err(Failure::Timeout(format!(
            "the client did not return within 5 s; it printed {} (does it stop at the end of the input?)",
            show_bytes(&output)
        )));
    };
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    Ok((code, text(output), text(errors)))
}

/// The reference server for the client checks: the Q1 server in a few lines.
pub(crate) async fn reference_server(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut line = Vec::new();
            let mut reader = BufReader::new(read.take(64 * 1024));
            reader.read_until(b'\n', &mut line).await?;
            let text = String::from_utf8_lossy(&line).trim().to_string();
            let reply = format!(
                "You are from {} on port {}, saying \"{text}\"\r\n",
                peer.ip(),
                peer.port()
            );
            write.write_all(reply.as_bytes()).await?;
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
    let server = Server::start(reference_server).await?;
    let (code, output, errors) = run_client(&server.addr.to_string(), b"first\nsecond").await?;
    if !errors.is_empty() {
        return fail(format!("expected nothing on `errors`, got {errors:?}"));
    }
    let lines: Vec<&str> = output.split_inclusive('\n').collect();
    let shape = "expected two lines, `You are from 127.0.0.1 on port <port>, saying \"first\"\\n` then the \
                 same with \"second\" (the reply's text without its `\\r\\n`)";
    let [first, second] = lines[..] else {
        return fail(format!(
            "for the input b\"first\\nsecond\": {shape}; got {output:?}"
        ));
    };
    let port = |line: &str, text: &str| line.strip_suffix('\n').and_then(|l| port_in(l, text));
    let (Some(p1), Some(p2)) = (port(first, "first"), port(second, "second")) else {
        return fail(format!(
            "for the input b\"first\\nsecond\": {shape}; got {output:?}"
        ));
    };
    if p1 == p2 {
        return fail(format!(
            "both replies came from port {p1}: expected a new connection for each line"
        ));
    }
    if code != 0 {
        return fail(format!(
            "expected the exit code 0 at the end of the input, got {code}"
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
    let (code, output, errors) = run_client(&addr.to_string(), b"hello\n").await?;
    if !errors.starts_with("connection failed: ") {
        return fail(format!(
            "with no server at {addr}, expected `errors` to start with \"connection failed: \", got {errors:?}"
        ));
    }
    if !output.is_empty() {
        return fail(format!(
            "with no server, expected nothing on `output`, got {output:?}"
        ));
    }
    if code != 1 {
        return fail(format!("with no server, expected the exit code 1, got {code}"));
    }
    Ok(())
}
