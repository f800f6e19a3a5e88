//! A test client: each step has a limit, each failure reads as a sentence.

use crate::{Failure, Outcome, fail, show_bytes};
use std::fmt::Debug;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::STEP_LIMIT;
use super::server::ServerState;

/// A test client on one TCP connection.
pub struct Client {
    stream: TcpStream,
    /// Bytes read past the last line returned.
    pending: Vec<u8>,
    local: SocketAddr,
    /// Whether a byte has ever arrived (then the server did accept this connection).
    heard: bool,
    /// The server this client was made by ([`Server::connect`]), to explain failures.
    pub(super) server: Option<Arc<ServerState>>,
}

fn io_failure(what: &str, e: io::Error) -> Failure {
    Failure::Fail(format!("{what}: {e}"))
}

/// Socket options of a client made by [`Server::connect_with`](super::Server::connect_with).
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
