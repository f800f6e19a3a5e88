//! Q3: `both` in this process, and the `echo` binary's `both` mode as a process of its own.
//!
//! `both` is built from the learner's `serve` (Q1) and `run` (Q2), so its checks first run the
//! reference's `both` built from those same two functions (`reference_both`, as in
//! `solutions/c10-echo/src/both.rs`) and hold the learner's `both` to what that gives: a mistake
//! in Q1 or Q2 shows in both and costs nothing here. When the reference way cannot complete an
//! exchange with them, there is nothing to compare with, and Q3 is not judged.

use crate::support::accepting;
use challenge::both::both;
use challenge::client::run;
use challenge::server::serve;
use harness::logs::LogEvent;
use harness::tasks::Tasks;
use harness::time::{ms, show, within};
use harness::tokio::net::TcpListener;
use harness::tokio::sync::oneshot;
use harness::tracing::Level;
use harness::{Outcome, exec, fail, show_bytes};
use std::future::Future;
use std::io;
use std::time::Duration;

const MESSAGE: &str = "Is anybody out there?";

/// What the binary's client sends unless told otherwise (`client::DEFAULT_MESSAGE`).
const DEFAULT_MESSAGE: &str = "Hello, Server!";

/// How long one run of `both` may take.
const LIMIT: Duration = Duration::from_secs(3);

/// The reference's `both` (solutions/c10-echo/src/both.rs), with the learner's `serve` and `run`.
/// Its listener is always on 127.0.0.1 here, so the reference's loopback for an unspecified
/// address (`0.0.0.0`, `::`) has nothing to do.
async fn reference_both(listener: TcpListener, message: String) -> io::Result<Vec<u8>> {
    let addr = listener.local_addr()?;
    let (client_done, shutdown) = oneshot::channel::<()>();
    let server = serve(listener, async {
        let _ = shutdown.await;
    });
    let client = async {
        let echoed = run(addr, &message).await;
        let _ = client_done.send(());
        echoed
    };
    let (served, echoed) = harness::tokio::join!(server, client);
    served?;
    echoed
}

/// What one run of a `both` left to see the moment it returned, before any other task could run.
struct Seen {
    /// What it returned, if it did within [`LIMIT`].
    returned: Option<io::Result<Vec<u8>>>,
    /// Whether the port still took connections.
    accepting: bool,
    /// Tasks still alive, beyond those before the run.
    tasks_left: usize,
    /// The events at INFO or above, in order.
    events: Vec<LogEvent>,
    addr: std::net::SocketAddr,
}

impl Seen {
    fn count(&self, prefix: &str) -> usize {
        self.events
            .iter()
            .filter(|e| e.message.starts_with(prefix))
            .count()
    }

    /// Whether the reference way completed the exchange: then the learner's `both` can be judged.
    fn exchanged(&self) -> bool {
        matches!(self.returned, Some(Ok(_)))
    }
}

async fn observe<F, Fut>(both: F, message: &str) -> Outcome<Seen>
where
    F: FnOnce(TcpListener, String) -> Fut,
    Fut: Future<Output = io::Result<Vec<u8>>>,
{
    let logs = harness::logs::capture()?;
    let (listener, addr) = harness::tcp::listen().await?;
    let tasks = Tasks::now();
    let returned = within(LIMIT, both(listener, message.to_string())).await;
    // At once: on this one-thread runtime nothing else has run since `both` returned.
    let accepting = returned.is_some() && accepting(addr);
    let tasks_left = tasks.extra();
    Ok(Seen {
        returned,
        accepting,
        tasks_left,
        events: logs.at_least(Level::INFO),
        addr,
    })
}

/// The learner's `both`, called as the binary does.
async fn learners_both(listener: TcpListener, message: String) -> io::Result<Vec<u8>> {
    both(listener, &message).await
}

/// Calls `both` briefly when nothing can be judged, so that a `todo!()` in it still shows.
async fn touch_both() {
    if let Ok(listener) = TcpListener::bind("127.0.0.1:0").await {
        let _ = within(ms(500), both(listener, MESSAGE)).await;
    }
}

/// `both` returns what the client returned, has shut the server down and waited for it (its
/// connection ended and logged, no task left), and nothing listens any more. Runs on one thread,
/// so that whatever `both` left running has not run yet when the check looks.
pub(crate) async fn in_process() -> Outcome {
    let reference = observe(reference_both, MESSAGE).await?;
    if !reference.exchanged() {
        touch_both().await;
        return Ok(());
    }
    let mine = observe(learners_both, MESSAGE).await?;
    let summary = |seen: &Seen| {
        seen.events
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    };
    let Some(returned) = &mine.returned else {
        fail!(
            "expected `both` to return within {}, got it still running: does it shut the server down \
             once the client is done, and run both side by side? (The reference's way, with your own \
             `serve` and `run`, returns.) The logs: {}",
            show(LIMIT),
            summary(&mine)
        );
    };
    let Some(Ok(expected)) = &reference.returned else {
        unreachable!("judged only after an exchange")
    };
    match returned {
        Ok(bytes) if bytes == expected => {}
        Ok(bytes) => fail!(
            "expected `both` to return what the client returned, {}, got {}",
            show_bytes(expected),
            show_bytes(bytes)
        ),
        Err(e) => fail!(
            "expected `both` to return the client's echo {}, got Err({e}); the logs: {}",
            show_bytes(expected),
            summary(&mine)
        ),
    }
    let served = "Client connection from";
    if reference.count(served) > 0 && mine.count(served) == 0 {
        fail!(
            "expected the server on `listener` to take the client's connection (`{served} …`), got \
             none: does the client connect to the address `listener` is bound to? The logs: {}",
            summary(&mine)
        );
    }
    if mine.accepting && !reference.accepting {
        fail!(
            "expected nothing listening on {} once `both` returned, got it still accepting: shut the \
             server down through `serve`'s shutdown future and wait for `serve` to return",
            mine.addr
        );
    }
    let lost = "Lost connection because";
    if mine.count(lost) < reference.count(lost) {
        fail!(
            "expected the server's `{lost} …` logged before `both` returned (`serve` waits for its \
             connection to end), got none: was the server dropped (a `select!`, an abort) instead \
             of shut down and awaited? The logs: {}",
            summary(&mine)
        );
    }
    if mine.tasks_left > reference.tasks_left {
        fail!(
            "expected no task left running once `both` returned, got {}: wait for `serve` to return",
            mine.tasks_left
        );
    }
    Ok(())
}

/// What a transcript line must satisfy to be a step.
type LineTest = fn(&str) -> bool;

/// Whether a line starts with a timestamp such as `2026-11-22T09:07:48.825984Z`.
fn timestamped(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 11 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-' && b[10] == b'T'
}

/// `Data received <n> bytes`, the server's (not the client's `Data received <text>`).
fn server_data(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("Data received ") else {
        return false;
    };
    let mut words = rest.split(' ');
    let n = words.next().unwrap_or_default();
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && words.next() == Some("bytes")
}

/// The steps of the exchange as the binary prints them: what a line contains, what it is, and
/// what it must also satisfy.
fn steps() -> [(&'static str, &'static str, LineTest); 5] {
    [
        (
            "Started to connect.",
            "the client's `Started to connect.`",
            |_| true,
        ),
        ("Connected.", "the client's `Connected.`", |_| true),
        (
            "Client connection from 127.0.0.1:",
            "the server's `Client connection from 127.0.0.1:…`",
            |_| true,
        ),
        (
            "Data received ",
            "the server's `Data received <n> bytes`",
            server_data,
        ),
        (
            "Data received Hello, Server!",
            "the client's `Data received Hello, Server!`",
            |_| true,
        ),
    ]
}

/// Each side's order, and the client's last line after the server's echo.
const ORDER: [(usize, usize); 4] = [(0, 1), (1, 4), (2, 3), (3, 4)];

/// `echo both --port 0` as a process: exit code 0, timestamped log lines, and the exchange's steps
/// that the reference way logs (with the learner's `serve` and `run`) in their order.
pub(crate) async fn binary() -> Outcome {
    let reference = observe(reference_both, DEFAULT_MESSAGE).await?;
    if !reference.exchanged() {
        touch_both().await;
        return Ok(());
    }
    let steps = steps();
    // The steps the reference logs at INFO, and where.
    let logged: Vec<Option<usize>> = steps
        .iter()
        .map(|(text, _, also)| {
            reference
                .events
                .iter()
                .position(|e| e.message.contains(text) && also(&e.message))
        })
        .collect();

    let args = ["both", "--port", "0"];
    let shown = exec::shown_command("echo", &args);
    let out = exec::run("echo", &args, b"", Duration::from_secs(5)).await?;
    if out.code != Some(0) {
        if out.stderr.contains("not yet implemented") {
            // The binary stopped at a stub: run `both` here, so that the runner sees the `todo!()`.
            touch_both().await;
        }
        fail!(
            "`{shown}`: expected exit code 0, got {}; stdout: {:?}; stderr: {:?}",
            out.status(),
            out.stdout,
            out.stderr
        );
    }
    // Log lines start with a timestamp; a message with a newline in it goes on in lines that do not.
    let lines: Vec<&str> = out.stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    if let Some(line) = lines.iter().find(|l| l.contains(" INFO ") && !timestamped(l)) {
        fail!("`{shown}`: expected every log line on stdout to start with a timestamp, got {line:?}");
    }
    let mut at = Vec::new();
    for (i, (text, what, also)) in steps.iter().enumerate() {
        let found = lines.iter().position(|l| l.contains(text) && also(l));
        if found.is_none() && logged[i].is_some() {
            fail!("`{shown}`: expected {what} on stdout, got {:?}", out.stdout);
        }
        at.push(found);
    }
    for (before, after) in ORDER {
        let (Some(a), Some(b)) = (at[before], at[after]) else {
            continue;
        };
        let in_reference = matches!((logged[before], logged[after]), (Some(x), Some(y)) if x < y);
        if in_reference && a > b {
            fail!(
                "`{shown}`: expected {} before {}, got them the other way round: {:?}",
                steps[before].1,
                steps[after].1,
                out.stdout
            );
        }
    }
    Ok(())
}
