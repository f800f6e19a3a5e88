//! TCP harness: start a learner's server on `127.0.0.1:0`, and talk to it with a client whose every
//! step has a limit and whose every failure reads as a sentence.
//!
//! While `serve` runs, the harness keeps a handle of its own on the listening socket it handed to
//! it. The socket then stays listening even if `serve` drops its listener, so connections queue up
//! instead of being refused, and the harness can ask the kernel how many of them wait unaccepted: a
//! client made by [`Server::connect`] whose step fails while nothing was ever accepted says so, and
//! asks whether `serve` binds a port of its own instead of using the listener it was given. When
//! `serve` ends (returns or panics), the harness lets go of the socket: connections are then
//! refused at once, as they would be without it, and the failure says how the server ended.

use crate::{Failure, Outcome, fail, show_bytes};
use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

/// How long a client waits for one step (connect, a line, EOF) before the check is a `timeout`.
pub const STEP_LIMIT: Duration = Duration::from_secs(2);

/// What both forms of the never-accepted note say, to tell whether a message has one already.
const NOT_ACCEPTED: &str = "the server never accepted";

/// The note added to a failure when nothing was ever accepted on the listener handed to `serve`;
/// `what` is "this connection" (one client's failure) or "a connection" (a check's own conclusion).
fn never_accepted_note(what: &str) -> String {
    format!(
        " ({NOT_ACCEPTED} {what} on the listener it was given: does `serve` bind a port of its own, \
         or drop `listener`, instead of accepting on it?)"
    )
}

/// A learner's server running as a task of the check's runtime. Dropping it aborts the task.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
    state: Arc<ServerState>,
}

/// What the harness knows of a running server; shared with the clients made by [`Server::connect`],
/// which use it to explain their own failures.
struct ServerState {
    /// A second handle on the listening socket handed to `serve` (a `dup` of it), held while
    /// `serve` runs: the socket stays listening whatever `serve` does with its own handle.
    listening: Listening,
    /// Connections made by [`Server::connect`].
    connects: AtomicUsize,
    /// What `serve` returned, once it did (written by the server's task).
    ended: Arc<Mutex<Option<String>>>,
    /// Whether the task has finished (returned, panicked or been aborted).
    task: AbortHandle,
    /// Set when the harness aborted the task itself (the `Server` was dropped).
    aborted: AtomicBool,
}

impl ServerState {
    /// The notes on how the server behaved, to add to a failure. `client_heard` is whether the
    /// client that failed has received a byte (`None` for a failure that is not one client's).
    fn notes(&self, client_heard: Option<bool>) -> Vec<String> {
        if self.aborted.load(Ordering::Relaxed) {
            return Vec::new();
        }
        let ended = self.ended.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match ended {
            Some(output) => return vec![format!(" (the server stopped: it returned {output})")],
            None if self.task.is_finished() => {
                return vec![" (the server stopped: it panicked)".to_string()];
            }
            None => {}
        }
        match client_heard {
            Some(true) => Vec::new(),
            Some(false) if self.never_accepted() => vec![never_accepted_note("this connection")],
            None if self.never_accepted() => vec![never_accepted_note("a connection")],
            _ => Vec::new(),
        }
    }

    /// Whether connections were made and none was ever accepted: every connection the harness
    /// made still waits in the listening socket's accept queue (where the system can tell).
    fn never_accepted(&self) -> bool {
        let made = self.connects.load(Ordering::Relaxed);
        let waiting = match &*self.listening.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(listener) => accept_queue(listener),
            None => None,
        };
        made > 0 && waiting.is_some_and(|waiting| waiting >= made)
    }

    fn explain(&self, failure: Failure, client_heard: Option<bool>) -> Failure {
        let notes = self.notes(client_heard);
        // A note already there (a check that calls `explain` on a client's failure) is not repeated.
        let add = |mut message: String| {
            for note in &notes {
                let said = message.contains(note.as_str())
                    || (note.contains(NOT_ACCEPTED) && message.contains(NOT_ACCEPTED));
                if !said {
                    message.push_str(note);
                }
            }
            message
        };
        match failure {
            Failure::Fail(m) => Failure::Fail(add(m)),
            Failure::Timeout(m) => Failure::Timeout(add(m)),
        }
    }
}

/// The harness's handle on a server's listening socket; `None` once `serve` has ended.
type Listening = Arc<Mutex<Option<std::net::TcpListener>>>;

/// Lets go of the harness's handle on the listening socket when the server's task ends, however it
/// ends (returned, panicked, aborted): from then on the socket is open only if learner code still
/// holds it, as it would be without the harness.
struct Release(Listening);

impl Drop for Release {
    fn drop(&mut self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

/// How many connections wait in the accept queue of a listening socket. Linux reports it in
/// `TCP_INFO` (for a socket in the LISTEN state, `tcpi_unacked` is the accept queue's length, and
/// `tcpi_sacked` its limit, the `listen` backlog); elsewhere `None`.
#[cfg(target_os = "linux")]
fn accept_queue(listener: &std::net::TcpListener) -> Option<usize> {
    use std::os::fd::AsRawFd;
    /// `tcpi_state` of a listening socket (Linux's `include/net/tcp_states.h`).
    const TCP_LISTEN: u8 = 10;
    // SAFETY: `tcp_info` is plain old data, for which all zeroes is a valid value.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    // SAFETY: the fd is open for as long as `listener` is borrowed, and `getsockopt` writes at most
    // `len` bytes into `info` (then sets `len` to how many it wrote).
    let rc = unsafe {
        libc::getsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&raw mut info).cast(),
            &mut len,
        )
    };
    let needed = std::mem::offset_of!(libc::tcp_info, tcpi_unacked) + std::mem::size_of::<u32>();
    if rc != 0 || (len as usize) < needed || info.tcpi_state != TCP_LISTEN {
        return None;
    }
    usize::try_from(info.tcpi_unacked).ok()
}

#[cfg(not(target_os = "linux"))]
fn accept_queue(_listener: &std::net::TcpListener) -> Option<usize> {
    None
}

impl Server {
    /// Binds `127.0.0.1:0` and spawns `serve(listener)`.
    pub async fn start<F, Fut>(serve: F) -> Outcome<Server>
    where
        F: FnOnce(TcpListener) -> Fut,
        Fut: Future + Send + 'static,
        Fut::Output: Debug + Send,
    {
        let bound = match TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(e) => return fail(format!("the harness could not bind 127.0.0.1:0: {e}")),
        };
        let addr = bound.local_addr().map_err(|e| Failure::Fail(e.to_string()))?;
        // Keep a second handle on the socket (std's `try_clone` is a `dup`), then give the first
        // back to tokio for `serve`.
        let (listener, kept) = match bound
            .into_std()
            .and_then(|std| Ok((std.try_clone()?, std)))
            .and_then(|(kept, std)| Ok((TcpListener::from_std(std)?, kept)))
        {
            Ok(pair) => pair,
            Err(e) => return fail(format!("the harness could not share its listener: {e}")),
        };
        let listening: Listening = Arc::new(Mutex::new(Some(kept)));
        let release = Release(listening.clone());
        let ended = Arc::new(Mutex::new(None));
        let record = ended.clone();
        let future = serve(listener);
        let task = tokio::spawn(async move {
            let _release = release;
            let output = future.await;
            *record.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{output:?}"));
        });
        let state = Arc::new(ServerState {
            listening,
            connects: AtomicUsize::new(0),
            ended,
            task: task.abort_handle(),
            aborted: AtomicBool::new(false),
        });
        Ok(Server { addr, task, state })
    }

    /// Connects a new client. Its steps explain their own failures as [`Server::explain`] does, and
    /// say when the server never accepted the connection.
    pub async fn connect(&self) -> Outcome<Client> {
        self.connect_with(Connect::default()).await
    }

    /// Connects a new client with socket options: a small receive buffer, say, for a client whose
    /// kernel holds little of what the server sends (so a server's write waits on it, and a server
    /// that closes abruptly while the client still sends resets the connection).
    pub async fn connect_with(&self, options: Connect) -> Outcome<Client> {
        let mut client = Client::connect_with(self.addr, options)
            .await
            .map_err(|failure| self.explain(failure))?;
        self.state.connects.fetch_add(1, Ordering::Relaxed);
        client.server = Some(self.state.clone());
        Ok(client)
    }

    /// Connects `n` clients, all open at once, in order: "N concurrent clients".
    pub async fn connect_many(&self, n: usize) -> Outcome<Vec<Client>> {
        let mut clients = Vec::with_capacity(n);
        for _ in 0..n {
            clients.push(self.connect().await?);
        }
        Ok(clients)
    }

    /// Whether the server task is still running (it has not returned or panicked).
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }

    /// How many connections wait unaccepted on the listener handed to `serve`, where the system
    /// can tell (Linux) and while `serve` runs; else `None`.
    pub fn waiting(&self) -> Option<usize> {
        let listening = self.state.listening.lock().unwrap_or_else(|e| e.into_inner());
        listening.as_ref().and_then(accept_queue)
    }

    /// Whether clients connected (through [`Server::connect`]) and the server accepted none of
    /// them: all wait on the listener it was given. Always `false` where the system cannot tell.
    pub fn never_accepted(&self) -> bool {
        self.state.never_accepted()
    }

    /// Adds to a failure how the server ended, when it did, or that it never accepted a connection
    /// (a note already in the message is not repeated).
    pub fn explain(&self, failure: Failure) -> Failure {
        self.state.explain(failure, None)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.aborted.store(true, Ordering::Relaxed);
        self.task.abort();
    }
}

/// A test client on one TCP connection.
pub struct Client {
    stream: TcpStream,
    /// Bytes read past the last line returned.
    pending: Vec<u8>,
    local: SocketAddr,
    /// Whether a byte has ever arrived (then the server did accept this connection).
    heard: bool,
    /// The server this client was made by ([`Server::connect`]), to explain failures.
    server: Option<Arc<ServerState>>,
}

fn io_failure(what: &str, e: io::Error) -> Failure {
    Failure::Fail(format!("{what}: {e}"))
}

/// Socket options of a client made by [`Server::connect_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Connect {
    /// `SO_RCVBUF`, in bytes (the kernel may round it up; Linux doubles it).
    pub receive_buffer: Option<u32>,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Outcome<Client> {
        Client::connect_with(addr, Connect::default()).await
    }

    /// Connects with socket options (see [`Connect`]).
    pub async fn connect_with(addr: SocketAddr, options: Connect) -> Outcome<Client> {
        let connecting = async {
            let socket = match addr {
                SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
                SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
            };
            if let Some(size) = options.receive_buffer {
                socket.set_recv_buffer_size(size)?;
            }
            socket.connect(addr).await
        };
        let stream = match tokio::time::timeout(STEP_LIMIT, connecting).await {
            Err(_) => {
                return Err(Failure::Timeout(format!(
                    "could not connect to {addr} within 2 s"
                )));
            }
            Ok(Err(e)) => {
                return Err(io_failure(
                    &format!("could not connect to the server at {addr}"),
                    e,
                ));
            }
            Ok(Ok(stream)) => stream,
        };
        let local = stream
            .local_addr()
            .map_err(|e| io_failure("no local address", e))?;
        Ok(Client {
            stream,
            pending: Vec::new(),
            local,
            heard: false,
            server: None,
        })
    }

    /// Adds to a failed step what the server it was made by did: stopped, or never accepted it.
    fn noted<T>(&self, outcome: Outcome<T>) -> Outcome<T> {
        match (&self.server, outcome) {
            (Some(server), Err(failure)) => Err(server.explain(failure, Some(self.heard))),
            (_, outcome) => outcome,
        }
    }

    /// The client's own address: what the server sees as its peer.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub async fn send(&mut self, bytes: &[u8]) -> Outcome {
        let outcome = self.send_step(bytes).await;
        self.noted(outcome)
    }

    async fn send_step(&mut self, bytes: &[u8]) -> Outcome {
        match tokio::time::timeout(STEP_LIMIT, self.stream.write_all(bytes)).await {
            Err(_) => Err(Failure::Timeout(
                "could not send within 2 s (is the server reading?)".into(),
            )),
            Ok(Err(e)) => Err(io_failure("could not send", e)),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// Sends `bytes` in pieces of `piece` bytes, each on its own (no Nagle delay) and a moment
    /// apart, so that a server is likely to read them one read at a time: a line split across
    /// reads, or a message that arrives a byte at a time. Checks never depend on the server seeing
    /// them apart (that is not up to the client); they only make it likely, on a real socket, where
    /// in-memory [`crate::io::Chop`] makes it certain.
    pub async fn send_in_pieces(&mut self, bytes: &[u8], piece: usize) -> Outcome {
        let _ = self.stream.set_nodelay(true);
        for (i, chunk) in bytes.chunks(piece.max(1)).enumerate() {
            if i > 0 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            self.send(chunk).await?;
        }
        Ok(())
    }

    /// Half-closes: the server reads EOF, and can still answer.
    pub async fn shutdown_write(&mut self) -> Outcome {
        let outcome = self.shutdown_write_step().await;
        self.noted(outcome)
    }

    async fn shutdown_write_step(&mut self) -> Outcome {
        self.stream
            .shutdown()
            .await
            .map_err(|e| io_failure("could not half-close", e))
    }

    /// Reads up to and including the next `\n`.
    pub async fn read_line(&mut self) -> Outcome<Vec<u8>> {
        let outcome = self.read_line_step().await;
        self.noted(outcome)
    }

    async fn read_line_step(&mut self) -> Outcome<Vec<u8>> {
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                return Ok(self.pending.drain(..=end).collect());
            }
            match self.read_more(STEP_LIMIT).await? {
                0 if self.pending.is_empty() => return fail("the connection closed without a reply"),
                0 => {
                    return fail(format!(
                        "the connection closed before the line ended; got {}",
                        show_bytes(&self.pending)
                    ));
                }
                _ => {}
            }
        }
    }

    /// Reads exactly `n` bytes.
    pub async fn read_bytes(&mut self, n: usize) -> Outcome<Vec<u8>> {
        let outcome = self.read_bytes_step(n).await;
        self.noted(outcome)
    }

    async fn read_bytes_step(&mut self, n: usize) -> Outcome<Vec<u8>> {
        while self.pending.len() < n {
            if self.read_more(STEP_LIMIT).await? == 0 {
                return fail(format!(
                    "the connection closed after {}, before {n} bytes arrived",
                    show_bytes(&self.pending)
                ));
            }
        }
        Ok(self.pending.drain(..n).collect())
    }

    /// Reads everything until the server closes the connection.
    pub async fn read_to_end(&mut self) -> Outcome<Vec<u8>> {
        let outcome = self.read_to_end_step().await;
        self.noted(outcome)
    }

    async fn read_to_end_step(&mut self) -> Outcome<Vec<u8>> {
        let deadline = tokio::time::Instant::now() + STEP_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.read_more(left).await {
                Ok(0) => return Ok(std::mem::take(&mut self.pending)),
                Ok(_) => {}
                Err(Failure::Timeout(_)) => {
                    return Err(Failure::Timeout(format!(
                        "the server did not close the connection within 2 s; got {}",
                        show_bytes(&self.pending)
                    )));
                }
                Err(failure) => return Err(failure),
            }
        }
    }

    /// Expects the server to close the connection with nothing more to say.
    pub async fn expect_eof(&mut self) -> Outcome {
        let outcome = self.expect_eof_step().await;
        self.noted(outcome)
    }

    async fn expect_eof_step(&mut self) -> Outcome {
        let rest = self.read_to_end_step().await?;
        if rest.is_empty() {
            Ok(())
        } else {
            fail(format!(
                "expected the connection to close, got more bytes: {}",
                show_bytes(&rest)
            ))
        }
    }

    /// Reads once (waiting at most `limit`), appending to the pending bytes; 0 means EOF.
    async fn read_more(&mut self, limit: Duration) -> Outcome<usize> {
        let mut buf = [0u8; 8192];
        match tokio::time::timeout(limit, self.stream.read(&mut buf)).await {
            Err(_) => Err(Failure::Timeout(format!(
                "no reply within {} s; got so far {}",
                limit.as_secs_f32(),
                show_bytes(&self.pending)
            ))),
            Ok(Err(e)) => Err(io_failure("the connection failed while reading", e)),
            Ok(Ok(n)) => {
                self.heard |= n > 0;
                self.pending.extend_from_slice(&buf[..n]);
                Ok(n)
            }
        }
    }

    /// The raw stream, for checks that need it.
    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn echo_once(listener: TcpListener) -> io::Result<()> {
        let (mut s, _) = listener.accept().await?;
        let mut buf = vec![0; 64];
        let n = s.read(&mut buf).await?;
        s.write_all(&buf[..n]).await?;
        s.shutdown().await
    }

    #[tokio::test]
    async fn a_client_reads_a_line_then_eof() {
        let server = Server::start(echo_once).await.unwrap();
        let mut client = server.connect().await.unwrap();
        client.send(b"hi\r\n").await.unwrap();
        assert_eq!(client.read_line().await.unwrap(), b"hi\r\n");
        client.expect_eof().await.unwrap();
    }

    #[tokio::test]
    async fn a_silent_server_is_a_timeout_that_says_so() {
        let server = Server::start(|l: TcpListener| async move {
            let _held = l.accept().await;
            std::future::pending::<()>().await
        })
        .await
        .unwrap();
        let mut client = server.connect().await.unwrap();
        tokio::time::pause();
        let Err(Failure::Timeout(message)) = client.read_line().await else {
            panic!("expected a timeout")
        };
        assert!(message.starts_with("no reply within 2 s"), "{message}");
    }

    #[tokio::test]
    async fn a_server_that_returned_is_explained() {
        let server = Server::start(|_l: TcpListener| async { Ok::<(), io::Error>(()) })
            .await
            .unwrap();
        tokio::task::yield_now().await;
        while server.is_running() {
            tokio::task::yield_now().await;
        }
        // The harness let go of the socket when `serve` ended: refused at once.
        let Err(Failure::Fail(message)) = server.connect().await else {
            panic!("expected a failure")
        };
        assert!(
            message.contains("the server stopped: it returned Ok(())"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn a_server_that_panicked_is_refused_at_once() {
        let server = Server::start(|_l: TcpListener| async {
            if true {
                panic!("not yet implemented");
            }
        })
        .await
        .unwrap();
        while server.is_running() {
            tokio::task::yield_now().await;
        }
        let Err(Failure::Fail(message)) = server.connect().await else {
            panic!("expected a failure")
        };
        assert!(message.contains("the server stopped: it panicked"), "{message}");
    }

    /// A client of `serve` that never reads nor accepts: its first line times out.
    async fn first_line_failure<F, Fut>(serve: F) -> String
    where
        F: FnOnce(TcpListener) -> Fut,
        Fut: Future + Send + 'static,
        Fut::Output: Debug + Send,
    {
        let server = Server::start(serve).await.unwrap();
        let mut client = server.connect().await.unwrap();
        client.send(b"hello\r\n").await.unwrap();
        tokio::time::pause();
        let Err(Failure::Timeout(message)) = client.read_line().await else {
            panic!("expected a timeout")
        };
        message
    }

    fn says_never_accepted(message: &str) -> bool {
        message.contains("the server never accepted this connection on the listener it was given")
    }

    // The accept queue's length is asked of Linux only: elsewhere there is no note.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_server_that_binds_its_own_port_is_told_so() {
        let message = first_line_failure(|given: TcpListener| async move {
            // The learner's mistake: a port of its own (any, here), the given listener ignored.
            let own = TcpListener::bind("127.0.0.1:0").await?;
            let _ignored = given;
            loop {
                let _ = own.accept().await?;
            }
            #[allow(unreachable_code)]
            Ok::<(), io::Error>(())
        })
        .await;
        assert!(message.starts_with("no reply within 2 s"), "{message}");
        assert!(says_never_accepted(&message), "{message}");
        assert!(message.contains("bind a port of its own"), "{message}");
    }

    // The accept queue's length is asked of Linux only: elsewhere there is no note.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_server_that_drops_the_listener_is_told_so() {
        let message = first_line_failure(|given: TcpListener| async move {
            drop(given);
            std::future::pending::<()>().await
        })
        .await;
        assert!(says_never_accepted(&message), "{message}");
        assert!(!message.contains("the server stopped"), "{message}");
    }

    #[tokio::test]
    async fn a_slow_server_that_accepted_is_not_told_so() {
        let (accepted, is_accepted) = tokio::sync::oneshot::channel();
        let server = Server::start(|l: TcpListener| async move {
            let (mut s, _) = l.accept().await?;
            let _ = accepted.send(());
            tokio::time::sleep(Duration::from_secs(5)).await;
            s.write_all(b"late\r\n").await
        })
        .await
        .unwrap();
        let mut client = server.connect().await.unwrap();
        client.send(b"hello\r\n").await.unwrap();
        is_accepted.await.unwrap();
        tokio::time::pause();
        let Err(Failure::Timeout(message)) = client.read_line().await else {
            panic!("expected a timeout")
        };
        assert_eq!(message, "no reply within 2 s; got so far b\"\"");
        assert!(!server.never_accepted());
    }

    // The accept queue's length is asked of Linux only: elsewhere there is no note.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_check_own_failure_is_explained_once() {
        let server = Server::start(|given: TcpListener| async move {
            let _ignored = given;
            std::future::pending::<()>().await
        })
        .await
        .unwrap();
        let mut client = server.connect().await.unwrap();
        assert_eq!(server.waiting(), Some(1));
        assert!(server.never_accepted());
        let notes = |failure: Failure| {
            let (Failure::Fail(m) | Failure::Timeout(m)) = failure;
            m.matches("the server never accepted").count()
        };
        // A check's own conclusion gets the note once, however often it is explained.
        let own = server.explain(Failure::Fail("expected a task per client".into()));
        assert_eq!(notes(server.explain(own)), 1);
        // So does a client's failure that the check explains again.
        tokio::time::pause();
        let failed = client.read_line().await.unwrap_err();
        assert_eq!(notes(server.explain(failed)), 1);
    }

    #[tokio::test]
    async fn a_client_without_a_server_adds_no_note() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = Client::connect(listener.local_addr().unwrap()).await.unwrap();
        tokio::time::pause();
        let Err(Failure::Timeout(message)) = client.read_line().await else {
            panic!("expected a timeout")
        };
        assert_eq!(message, "no reply within 2 s; got so far b\"\"");
    }
}
