//! Q3: `both` in this process (its result, its logs, the server gone afterwards), and the `echo`
//! binary's `both` mode as a process of its own (its transcript and exit code).

use challenge::both::both;
use harness::exec;
use harness::tokio::net::{TcpListener, TcpStream};
use harness::tokio::time::{Duration, timeout};
use harness::{Outcome, fail, show_bytes};

const MESSAGE: &str = "Is anybody out there?";

/// A listener on `127.0.0.1:0` and its address.
async fn bind() -> Outcome<(TcpListener, std::net::SocketAddr)> {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(e) => return fail(format!("the check could not bind 127.0.0.1:0: {e}")),
    };
    match listener.local_addr() {
        Ok(addr) => Ok((listener, addr)),
        Err(e) => fail(format!("the check's listener has no address: {e}")),
    }
}

pub(crate) async fn in_process() -> Outcome {
    let logs = harness::logs::capture()?;
    let (listener, addr) = bind().await?;
    let limit = Duration::from_secs(5);
    let echoed = match timeout(limit, both(listener, MESSAGE)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            return fail(format!(
                "expected `both` to return the echo of {MESSAGE:?}, got Err({e}); the logs: {}",
                logs.summary()
            ));
        }
        Err(_) => {
            return fail(format!(
                "expected `both` to return within {} s, got it still running (does it shut the \
                 server down once the client is done? If Q1's `shutdown` check fails too, the \
                 likely cause is there); the logs: {}",
                limit.as_secs(),
                logs.summary()
            ));
        }
    };
    if echoed != MESSAGE.as_bytes() {
        return fail(format!(
            "expected `both` to return the echo {}, got {}",
            show_bytes(MESSAGE.as_bytes()),
            show_bytes(&echoed)
        ));
    }
    let events = logs.events();
    let served = events
        .iter()
        .any(|e| e.message.starts_with("Client connection from 127.0.0.1:"));
    let received = format!("Data received {MESSAGE}");
    if !served || !events.iter().any(|e| e.message == received) {
        return fail(format!(
            "expected the server's `Client connection from …` and the client's {received:?} among \
             the logs (the client talking to the server on `listener`), got {}",
            logs.summary()
        ));
    }
    // `serve` has returned, so nobody listens on the port any more.
    match TcpStream::connect(addr).await {
        Err(_) => Ok(()),
        Ok(_) => fail(format!(
            "expected the server stopped once `both` returned, got {addr} still accepting: shut it \
             down through `serve`'s shutdown future and wait for `serve` to return"
        )),
    }
}

/// What a transcript line must also satisfy, besides containing a text.
type LineTest = fn(&str) -> bool;

/// The lines of the binary's transcript, in the order they must come (each may repeat).
struct Transcript<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Transcript<'a> {
    /// The index of the first line that contains `text` and, if given, satisfies `also`.
    fn find(&self, text: &str, also: LineTest) -> Option<usize> {
        self.lines.iter().position(|l| l.contains(text) && also(l))
    }
}

/// Whether a line starts with a timestamp such as `2026-11-22T09:07:48.825984Z`.
fn timestamped(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 11 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-' && b[10] == b'T'
}

/// The server's `Data received <n> bytes` (not the client's `Data received <text>`).
fn server_data(line: &str) -> bool {
    let Some((_, rest)) = line.split_once("Data received ") else {
        return false;
    };
    let mut words = rest.split(' ');
    let n = words.next().unwrap_or_default();
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && words.next() == Some("bytes")
}

pub(crate) async fn binary() -> Outcome {
    let args = ["both", "--port", "0"];
    let shown = exec::shown_command("echo", &args);
    let out = exec::run("echo", &args, b"", Duration::from_secs(5)).await?;
    if out.code != Some(0) && out.stderr.contains("not yet implemented") {
        // The binary stopped at a stub: run `both` here, so that the runner sees the `todo!()`.
        let (listener, _) = bind().await?;
        let _ = both(listener, MESSAGE).await;
    }
    if out.code != Some(0) {
        return fail(format!(
            "`{shown}`: expected exit code 0, got {}; stdout: {:?}; stderr: {:?}",
            out.status(),
            out.stdout,
            out.stderr
        ));
    }
    let transcript = Transcript {
        lines: out.stdout.lines().filter(|l| !l.trim().is_empty()).collect(),
    };
    if let Some(line) = transcript.lines.iter().find(|l| !timestamped(l)) {
        return fail(format!(
            "`{shown}`: expected every log line on stdout to start with a timestamp, got {line:?}"
        ));
    }
    let any: LineTest = |_| true;
    let steps: [(&str, &str, LineTest); 5] = [
        ("Started to connect.", "the client's `Started to connect.`", any),
        ("Connected.", "the client's `Connected.`", any),
        (
            "Client connection from 127.0.0.1:",
            "the server's `Client connection from 127.0.0.1:…`",
            any,
        ),
        (
            "Data received ",
            "the server's `Data received <n> bytes`",
            server_data,
        ),
        (
            "Data received Hello, Server!",
            "the client's `Data received Hello, Server!`",
            any,
        ),
    ];
    let mut at = Vec::new();
    for (text, what, also) in steps {
        match transcript.find(text, also) {
            Some(i) => at.push(i),
            None => {
                return fail(format!(
                    "`{shown}`: expected {what} on stdout, got {:?}",
                    out.stdout
                ));
            }
        }
    }
    // Each side in its own order, and the client's last line after the server echoed.
    let ordered = [(0, 1), (1, 4), (2, 3), (3, 4)];
    for (before, after) in ordered {
        if at[before] > at[after] {
            return fail(format!(
                "`{shown}`: expected {} before {}, got them the other way round: {:?}",
                steps[before].1, steps[after].1, out.stdout
            ));
        }
    }
    Ok(())
}
