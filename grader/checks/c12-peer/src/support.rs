//! What the checks share: tokens read off a byte stream, a log file of the check's own, the
//! learner's server started with a shutdown signal the check controls, and whether Q1's codec is the
//! likely cause of a Q2 failure.

use crate::q1_feed;
use challenge::message::Message;
use challenge::server::serve;
use harness::bytes::BytesMut;
use harness::tcp::{Client, Server};
use harness::time::until;
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Duration, timeout};
use harness::tokio_util::codec::Encoder;
use harness::{Failure, Outcome, SharedBuffer, fail};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How long a check waits for something the server does by itself (a print, a return).
pub(crate) const LIMIT: Duration = Duration::from_secs(2);

/// The tokens in `bytes`, bytes outside `<...>` left out (the protocol ignores them).
pub(crate) fn tokens(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    for &byte in bytes {
        match (&mut current, byte) {
            (_, b'<') => current = Some(Vec::new()),
            (Some(text), b'>') => {
                found.push(String::from_utf8_lossy(text).into_owned());
                current = None;
            }
            (Some(text), _) => text.push(byte),
            (None, _) => {}
        }
    }
    found
}

/// Reads the next token from a TCP client (bytes outside tokens skipped).
pub(crate) async fn next_token(client: &mut Client) -> Outcome<String> {
    loop {
        if client.read_bytes(1).await? == b"<" {
            break;
        }
    }
    let mut text = Vec::new();
    loop {
        match client.read_bytes(1).await?[0] {
            b'>' => return Ok(String::from_utf8_lossy(&text).into_owned()),
            byte => text.push(byte),
        }
    }
}

/// Reads the next token and fails unless it is `<expected>`; `when` says what the check did.
pub(crate) async fn expect_token(client: &mut Client, expected: &str, when: &str) -> Outcome {
    match next_token(client).await {
        Ok(text) if text == expected => Ok(()),
        Ok(text) => fail(format!("{when}: expected `<{expected}>`, got `<{text}>`")),
        Err(Failure::Fail(m)) => fail(format!("{when}: expected `<{expected}>`; {m}")),
        Err(Failure::Timeout(m)) => Err(Failure::Timeout(format!("{when}: expected `<{expected}>`; {m}"))),
    }
}

/// A log file of the check's own in the system's temporary folder, removed when dropped.
pub(crate) struct TempLog {
    pub(crate) path: PathBuf,
}

impl TempLog {
    pub(crate) fn new() -> TempLog {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "tokio-challenges-c12-{}-{}.log",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        TempLog { path }
    }

    /// The file's text, or `None` when there is no file.
    pub(crate) fn read(&self) -> Outcome<Option<String>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => fail(format!("the check could not read {}: {e}", self.path.display())),
        }
    }
}

impl Drop for TempLog {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The learner's `serve` on `127.0.0.1:0`, logging to a [`TempLog`], printing to a buffer, with
/// a shutdown signal the check sends.
pub(crate) struct PeerServer {
    pub(crate) server: Server,
    pub(crate) out: SharedBuffer,
    pub(crate) log: TempLog,
    stop: Option<oneshot::Sender<()>>,
    returned: Option<oneshot::Receiver<Returned>>,
    /// The log file's text the moment `serve` returned (`None`: no file), once it has.
    pub(crate) log_at_return: Option<Option<String>>,
}

/// What `serve` returned (an error as its text), and the log's text at that moment (`None`: no file).
type Returned = (Result<(), String>, Option<String>);

/// How `serve` took the shutdown signal.
pub(crate) enum Stopped {
    /// It returned `Ok(())`.
    Ok,
    /// It returned an error, or panicked, or did not return within [`LIMIT`]: the sentence says.
    Not(String),
}

impl PeerServer {
    pub(crate) async fn start(log: TempLog) -> Outcome<PeerServer> {
        let out = SharedBuffer::new();
        let (stop, stopped) = oneshot::channel::<()>();
        let (report, returned) = oneshot::channel();
        let path = log.path.clone();
        let printed = out.clone();
        let server = Server::start(move |listener| async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            let result = serve(listener, &path, printed, shutdown).await;
            // The log as `serve` left it, read before anything else can run on this task: what a
            // writer task not awaited had yet to flush is not there.
            let log = std::fs::read(&path)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            let _ = report.send((result.as_ref().map(|_| ()).map_err(|e| e.to_string()), log));
            result
        })
        .await?;
        Ok(PeerServer {
            server,
            out,
            log,
            stop: Some(stop),
            returned: Some(returned),
            log_at_return: None,
        })
    }

    pub(crate) async fn connect(&self) -> Outcome<Client> {
        self.server.connect().await
    }

    /// Completes the shutdown future and waits (at most [`LIMIT`]) for `serve` to return.
    pub(crate) async fn stop(&mut self) -> Stopped {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(returned) = self.returned.take() else {
            return Stopped::Not("the check stopped the server twice".into());
        };
        let stopped = match timeout(LIMIT, returned).await {
            Ok(Ok((Ok(()), log))) => {
                self.log_at_return = Some(log);
                Stopped::Ok
            }
            Ok(Ok((Err(e), log))) => {
                self.log_at_return = Some(log);
                Stopped::Not(format!("`serve` returned an error: {e}"))
            }
            Ok(Err(_)) => Stopped::Not("`serve` panicked".into()),
            Err(_) => {
                Stopped::Not("`serve` did not return within 2 s of the shutdown future completing".into())
            }
        };
        // The harness lets go of its own handle on the listening socket when the server's task
        // ends, a moment after `serve` returned: wait for that, so that what the check sees of the
        // socket is what `serve` left.
        if matches!(stopped, Stopped::Ok) {
            until(LIMIT, || (!self.server.is_running()).then_some(())).await;
        }
        stopped
    }
}

/// Waits (at most [`LIMIT`]) until what was printed to `out` satisfies `ready`.
pub(crate) async fn printed(out: &SharedBuffer, ready: impl Fn(&str) -> bool) -> Option<String> {
    until(LIMIT, || Some(out.text()).filter(|text| ready(text))).await
}

/// A port on 127.0.0.1 where nothing listens: a socket bound to it that never listens, so
/// connections to it are refused, and no other socket gets the port while the guard is kept.
pub(crate) fn closed_port() -> Outcome<(u16, harness::tokio::net::TcpSocket)> {
    let bound = harness::tokio::net::TcpSocket::new_v4().and_then(|socket| {
        socket.bind(([127, 0, 0, 1], 0).into())?;
        Ok(socket)
    });
    let socket = bound.or_else(|e| fail(format!("the check could not bind 127.0.0.1:0: {e}")))?;
    let port = socket
        .local_addr()
        .or_else(|e| fail(format!("no local address: {e}")))?
        .port();
    Ok((port, socket))
}

/// Whether the learner's `PeerCodec` (Q1) is the likely cause of a Q2 failure: it is fed the tokens
/// the checks send and expect, whole and one at a time, and its `encode` asked for `<Ack>`. A
/// sentence to add to the failure when it gets them wrong, or nothing.
pub(crate) fn codec_note() -> String {
    let probes: [&[u8]; 4] = [b"<update>", b"<connection up>", b"<Ack>", b"<hello>"];
    for probe in probes {
        if let Err(why) = q1_feed::feed(&[probe]) {
            return format!(" (the likely cause is Q1's codec, which the server reads with: {why})");
        }
    }
    let mut buf = BytesMut::new();
    let encoded = q1_feed::codec().encode(Message::Ack, &mut buf);
    if encoded.is_err() || buf[..] != b"<Ack>"[..] {
        return format!(
            " (the likely cause is Q1's codec, which the server writes with: `encode(Ack)` gave \
             {encoded:?} and {})",
            harness::show_bytes(&buf)
        );
    }
    String::new()
}
