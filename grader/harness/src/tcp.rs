//! TCP harness: start a learner's server on `127.0.0.1:0`, and talk to it with a client whose every
//! step has a limit and whose every failure reads as a sentence.

use crate::{Failure, Outcome, fail, show_bytes};
use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How long a client waits for one step (connect, a line, EOF) before the check is a `timeout`.
pub const STEP_LIMIT: Duration = Duration::from_secs(2);

/// A learner's server running as a task of the check's runtime. Dropping it aborts the task.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
    ended: Arc<Mutex<Option<String>>>,
}

impl Server {
    /// Binds `127.0.0.1:0` and spawns `serve(listener)`.
    pub async fn start<F, Fut>(serve: F) -> Outcome<Server>
    where
        F: FnOnce(TcpListener) -> Fut,
        Fut: Future + Send + 'static,
        Fut::Output: Debug + Send,
    {
        let listener = match TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(e) => return fail(format!("the harness could not bind 127.0.0.1:0: {e}")),
        };
        let addr = listener.local_addr().map_err(|e| Failure::Fail(e.to_string()))?;
        let ended = Arc::new(Mutex::new(None));
        let record = ended.clone();
        let future = serve(listener);
        let task = tokio::spawn(async move {
            let output = future.await;
            *record.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{output:?}"));
        });
        Ok(Server { addr, task, ended })
    }

    /// Connects a new client.
    pub async fn connect(&self) -> Outcome<Client> {
        Client::connect(self.addr)
            .await
            .map_err(|failure| self.explain(failure))
    }

    /// Whether the server task is still running (it has not returned or panicked).
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }

    /// Adds how the server ended, when it did, to a failure.
    pub fn explain(&self, failure: Failure) -> Failure {
        let ended = self.ended.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let note = match ended {
            Some(output) => format!(" (the server stopped: it returned {output})"),
            None if self.task.is_finished() => " (the server stopped: it panicked)".to_string(),
            None => return failure,
        };
        match failure {
            Failure::Fail(m) => Failure::Fail(m + &note),
            Failure::Timeout(m) => Failure::Timeout(m + &note),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A test client on one TCP connection.
pub struct Client {
    stream: TcpStream,
    /// Bytes read past the last line returned.
    pending: Vec<u8>,
    local: SocketAddr,
}

fn io_failure(what: &str, e: io::Error) -> Failure {
    Failure::Fail(format!("{what}: {e}"))
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Outcome<Client> {
        let stream = match tokio::time::timeout(STEP_LIMIT, TcpStream::connect(addr)).await {
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
        })
    }

    /// The client's own address: what the server sees as its peer.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub async fn send(&mut self, bytes: &[u8]) -> Outcome {
        match tokio::time::timeout(STEP_LIMIT, self.stream.write_all(bytes)).await {
            Err(_) => Err(Failure::Timeout(
                "could not send within 2 s (is the server reading?)".into(),
            )),
            Ok(Err(e)) => Err(io_failure("could not send", e)),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// Half-closes: the server reads EOF, and can still answer.
    pub async fn shutdown_write(&mut self) -> Outcome {
        self.stream
            .shutdown()
            .await
            .map_err(|e| io_failure("could not half-close", e))
    }

    /// Reads up to and including the next `\n`.
    pub async fn read_line(&mut self) -> Outcome<Vec<u8>> {
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
        let rest = self.read_to_end().await?;
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
        let Err(Failure::Fail(message)) = server.connect().await else {
            panic!("expected a failure")
        };
        assert!(
            message.contains("the server stopped: it returned Ok(())"),
            "{message}"
        );
    }
}
