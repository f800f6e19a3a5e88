//! Q1: the echo server.

use std::future::Future;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tracing::{info, warn};

/// The most unsent data `echo` may hold for one connection: 64 KiB.
pub const MAX_BUFFER: usize = 64 * 1024;

/// What `Lost connection because …` says when the client closed its side.
pub const CLEAN: &str = "connection closed cleanly";

/// How long `serve` lets open connections finish after its shutdown signal before it cuts them.
const GRACE: Duration = Duration::from_secs(1);

/// The buffer `echo` reads into. Well under [`MAX_BUFFER`]; a bigger one saves few reads.
const BUFFER: usize = 16 * 1024;

/// Q1: accepts connections on `listener` and runs [`echo`] on each in a task of its own, logging
/// `Client connection from <peer>` (field `peer`) for each. When `shutdown` completes it stops
/// accepting at once, waits for the open connections to end (the reference cuts them after a
/// second), and returns `Ok(())` as soon as they have.
pub async fn serve<F>(listener: TcpListener, shutdown: F) -> io::Result<()>
where
    F: Future<Output = ()>,
{
    // The connections' tasks, kept so that shutdown can wait for them.
    let mut connections: JoinSet<()> = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // Twisted's `connectionMade`, logged by the factory's side: the peer is known here.
                    info!(%peer, "Client connection from {peer}");
                    connections.spawn(async move {
                        // `echo` logs how the connection ended; nothing more to do with its result.
                        let _ = echo(stream).await;
                    });
                }
                // "Too many open files" and the like end one accept, not the server. Pause a little
                // rather than spin while the condition lasts.
                Err(e) => {
                    warn!(error = %e, "accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            // Reap finished connections, so that the set holds only the open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // Stop accepting at once: new clients are refused while the open ones finish.
    drop(listener);
    let all_done = async { while connections.join_next().await.is_some() {} };
    // After the grace period, dropping the set aborts the connections still open (an idle `nc`
    // must not keep Ctrl-C from stopping the server).
    let _ = tokio::time::timeout(GRACE, all_done).await;
    Ok(())
}

/// Q1: writes back every byte read from `stream`, in order, until the client closes its side;
/// then closes this side too, with `shutdown()` (the stream may outlive `echo`). Logs `Data
/// received <n> bytes` (field `bytes`) for each read that gives bytes, and once at the end `Lost
/// connection because <reason>` (field `reason`): [`CLEAN`] at end of stream, else the error.
/// Returns `Ok(())` after a clean close, the error otherwise.
pub async fn echo<S>(mut stream: S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let result = pump(&mut stream).await;
    match &result {
        Ok(()) => info!(reason = CLEAN, "Lost connection because {CLEAN}"),
        Err(e) => info!(reason = %e, "Lost connection because {e}"),
    }
    result
}

/// Reads a chunk, writes it back, and again: the whole protocol.
///
/// Bounded memory comes from doing one thing at a time. While `write_all` waits for a client that
/// does not read, nothing is read: the client's bytes stay in its own buffers until they fill up,
/// and then its writes wait too (backpressure). Reading on while the writes are stuck, into a
/// growing buffer or an unbounded channel, would hold everything the client sends.
async fn pump<S>(stream: &mut S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut buf = vec![0u8; BUFFER];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            // The client half-closed: everything it sent has been written back (each write is
            // finished before the next read), so close our side too. The client reads the rest of
            // the echo, then EOF.
            return stream.shutdown().await;
        }
        info!(bytes = n, "Data received {n} bytes");
        stream.write_all(&buf[..n]).await?;
    }
}
