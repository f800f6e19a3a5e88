//! The learner's server, run as a task on a listener the harness keeps a handle on.

use crate::{Failure, Outcome, fail};
use std::fmt::Debug;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::task::{AbortHandle, JoinHandle};

use super::client::{Client, Connect};
use super::{NOT_ACCEPTED, never_accepted_note};

/// A learner's server running as a task of the check's runtime. Dropping it aborts the task.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
    state: Arc<ServerState>,
}

/// What the harness knows of a running server; shared with the clients made by [`Server::connect`],
/// which use it to explain their own failures.
pub(super) struct ServerState {
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
    pub(super) fn notes(&self, client_heard: Option<bool>) -> Vec<String> {
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

    pub(super) fn explain(&self, failure: Failure, client_heard: Option<bool>) -> Failure {
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
        let (bound, addr) = super::listen().await?;
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
