//! A one-page HTTP server that proves that two requests overlap, without measuring durations.
//!
//! It holds every request it receives until `want` of them are in flight at the same time, and only
//! then answers them all (the "gate" opens). Code that really runs two calls at once gets both
//! requests there within milliseconds; code that blocks inside its future makes the second request
//! only after the first has been answered, so the gate can never open by itself. A request that has
//! waited [`GateServer::patience`] without the gate opening is answered anyway, and the gate opens for
//! good: the blocked call then ends, the check can say what happened, and nothing hangs.
//!
//! The server runs on a thread and a runtime of its own, so that learner code that blocks the
//! check's runtime cannot stop it (as it could a task spawned on that runtime).

use harness::tokio;
use harness::{Outcome, fail};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

/// What the server has seen so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// Request heads received.
    pub arrived: usize,
    /// Requests received and not yet answered.
    pub in_flight: usize,
    /// The most requests in flight at the same time.
    pub peak: usize,
    /// Whether the gate has opened (by itself, or after a request ran out of patience).
    pub opened: bool,
    /// Whether a request ran out of patience: it waited that long, alone.
    pub ran_out: bool,
}

/// The server; dropping it stops it.
pub struct GateServer {
    addr: SocketAddr,
    seen: watch::Receiver<Seen>,
    patience: Duration,
    _stop: oneshot::Sender<()>,
}

/// The most a request head may take.
const MAX_HEAD: usize = 64 * 1024;

impl GateServer {
    /// Binds `127.0.0.1:0` and serves `body` (as `text/html; charset=utf-8`) at every path, once
    /// `want` requests are in flight together or a request has waited `patience`.
    pub fn start(want: usize, patience: Duration, body: &str) -> Outcome<GateServer> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .or_else(|e| fail(format!("the harness could not bind 127.0.0.1:0: {e}")))?;
        let addr = listener
            .local_addr()
            .or_else(|e| fail(format!("the harness has no local address: {e}")))?;
        listener
            .set_nonblocking(true)
            .or_else(|e| fail(format!("the harness could not set up its listener: {e}")))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .or_else(|e| fail(format!("the harness could not start a runtime: {e}")))?;
        let response = Arc::new(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        );
        let (seen_tx, seen) = watch::channel(Seen::default());
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("c02 gate server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        return;
                    };
                    let seen = Arc::new(seen_tx);
                    let accept = async {
                        while let Ok((stream, _)) = listener.accept().await {
                            let gate = Gate {
                                seen: seen.clone(),
                                want,
                                patience,
                            };
                            tokio::spawn(gate.serve(stream, response.clone()));
                        }
                    };
                    tokio::select! {
                        () = accept => {}
                        _ = stopped => {}
                    }
                });
            })
            .or_else(|e| fail(format!("the harness could not start a thread: {e}")))?;
        Ok(GateServer {
            addr,
            seen,
            patience,
            _stop: stop,
        })
    }

    /// `http://127.0.0.1:<port><path>`
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How long a request waits for the gate before it is answered anyway.
    pub fn patience(&self) -> Duration {
        self.patience
    }

    pub fn seen(&self) -> Seen {
        *self.seen.borrow()
    }

    /// Waits at most `limit` for a request to arrive; returns whether one did.
    pub async fn arrival_within(&self, limit: Duration) -> bool {
        let mut seen = self.seen.clone();
        matches!(
            tokio::time::timeout(limit, seen.wait_for(|s| s.arrived > 0)).await,
            Ok(Ok(_))
        )
    }
}

/// One connection's view of the server.
struct Gate {
    seen: Arc<watch::Sender<Seen>>,
    want: usize,
    patience: Duration,
}

impl Gate {
    async fn serve(self, mut stream: TcpStream, response: Arc<Vec<u8>>) {
        if !read_head(&mut stream).await {
            return;
        }
        self.seen.send_modify(|s| {
            s.arrived += 1;
            s.in_flight += 1;
            s.peak = s.peak.max(s.in_flight);
            if s.in_flight >= self.want {
                s.opened = true;
            }
        });
        let mut opened = self.seen.subscribe();
        let ran_out = tokio::time::timeout(self.patience, opened.wait_for(|s| s.opened))
            .await
            .is_err();
        self.seen.send_modify(|s| {
            if ran_out {
                // Alone for all that time: answer, and let every later request through at once.
                s.ran_out = true;
                s.opened = true;
            }
            s.in_flight -= 1;
        });
        // The client may have given up: a failed write is its business.
        let _ = stream.write_all(&response).await;
        let _ = stream.shutdown().await;
    }
}

/// Reads up to the end of a request head; `false` if the client closed first or sent too much.
async fn read_head(stream: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return false;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    true
}
