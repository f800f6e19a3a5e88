//! A bench server: a check runner started in its bench part (see `harness::process::bench`), in
//! the grading sandbox, serving on `127.0.0.1:0` until the grader closes its standard input.

use crate::sealed::RunFolder;
use anyhow::{Context, Result, anyhow};
use grader_core::sandbox::Sandbox;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// Which server a runner serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The learner's server (the crate under `exercises/`, or the submission's).
    Learner,
    /// The reference solution's server.
    Reference,
    /// The bare-tokio floor (`bench::floor`).
    Floor,
}

impl Side {
    pub const ALL: [Side; 3] = [Side::Learner, Side::Reference, Side::Floor];

    pub fn name(self) -> &'static str {
        match self {
            Side::Learner => "yours",
            Side::Reference => "reference",
            Side::Floor => "floor",
        }
    }
}

/// CPU seconds a bench server may use: more than a bench at its limits needs.
const CPU_SECONDS: u64 = 120;
/// How long a server has to say which port it listens on.
const START_LIMIT: Duration = Duration::from_secs(10);

/// A running bench server; stopped (its whole process group killed) when dropped.
pub struct Server<'a> {
    child: Child,
    sandbox: &'a Sandbox,
    pub addr: SocketAddr,
    /// The first 4 KiB of what the server wrote on standard error (a panic's message).
    stderr: Arc<Mutex<String>>,
    /// The server's own temporary folder (`TMPDIR`: c12's log goes there), removed with it.
    _temp: tempfile::TempDir,
}

impl<'a> Server<'a> {
    /// Starts `runner` serving `side` (`challenge` for the learner and the reference, `floor` for
    /// the floor) and waits for its port.
    pub fn start(
        runner: &Path,
        side: Side,
        sandbox: &'a Sandbox,
        folder: Option<&RunFolder>,
    ) -> Result<Server<'a>> {
        let mut command = match folder {
            Some(folder) => folder.command(runner),
            None => Command::new(runner),
        };
        let which = if side == Side::Floor { "floor" } else { "challenge" };
        let temp = tempfile::Builder::new()
            .prefix("tokio-challenges-bench-")
            .tempdir()
            .context("cannot make a temporary folder for a bench server")?;
        command
            .env(bench::SERVER_ENV, which)
            .env("TMPDIR", temp.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = sandbox
            .spawn(&mut command, CPU_SECONDS, None)
            .with_context(|| format!("cannot start {}", runner.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let said_on_stderr = Arc::new(Mutex::new(String::new()));
        let collected = said_on_stderr.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::Read::take(stderr, 4096), &mut text);
            *collected.lock().unwrap_or_else(|e| e.into_inner()) = text;
        });
        let said = rx.recv_timeout(START_LIMIT).unwrap_or_default();
        let port = said
            .strip_prefix(bench::LISTENING)
            .and_then(|rest| rest.trim().parse::<u16>().ok());
        let mut server = Server {
            child,
            sandbox,
            addr: SocketAddr::from(([127, 0, 0, 1], port.unwrap_or(0))),
            stderr: said_on_stderr,
            _temp: temp,
        };
        if port.is_none() {
            server.stop();
            return Err(anyhow!(
                "the server did not start: {}",
                server
                    .said()
                    .unwrap_or_else(|| "it said nothing and printed no port".into())
            ));
        }
        Ok(server)
    }

    /// Why a measurement failed (`why`, the load's side), with the server's side: if it ended
    /// (within a moment), that it did and the first lines it wrote on standard error; if it runs
    /// on but a task of it panicked (a `todo!()` in a connection's task), that panic.
    pub fn explain(&mut self, why: String) -> String {
        let deadline = std::time::Instant::now() + Duration::from_millis(500);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader thread take what the server wrote last.
                std::thread::sleep(Duration::from_millis(50));
                let said = self
                    .said()
                    .unwrap_or_else(|| "it wrote nothing on standard error".into());
                return format!("the server ended ({status}): {said}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        match self.said().filter(|said| said.contains("panicked")) {
            Some(said) => format!("{why}; a task of the server panicked: {said}"),
            None => why,
        }
    }

    fn said(&self) -> Option<String> {
        let text = self.stderr.lock().unwrap_or_else(|e| e.into_inner()).clone();
        // A panic's place and message, without the backtrace or the note on how to get one.
        let kept: String = text
            .lines()
            .take_while(|l| !l.starts_with("stack backtrace") && !l.starts_with("note: run with"))
            .collect::<Vec<_>>()
            .join("\n");
        first_lines(&kept).map(|lines| lines.lines().map(str::trim).collect::<Vec<_>>().join(" "))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stop(&mut self) {
        drop(self.child.stdin.take());
        self.sandbox.clean_up(&self.child);
        let _ = self.child.wait();
    }
}

impl Drop for Server<'_> {
    fn drop(&mut self) {
        self.stop();
    }
}

fn first_lines(text: &str) -> Option<&str> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let end = text.match_indices('\n').nth(2).map_or(text.len(), |(i, _)| i);
    Some(&text[..end])
}
