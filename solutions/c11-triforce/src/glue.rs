//! Q1: the magic glue — what Twisted's reactor does between a socket and a protocol.

use crate::twisted::{Factory, Outbox, Protocol, Reason, Transport};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How many bytes one read may give `data_received`: the connection's whole read buffer.
const READ_BUFFER: usize = 16 * 1024;

/// After closing our side, how long we read and drop what the peer still sends (see [`close`]).
const LINGER: Duration = Duration::from_secs(1);

/// Q1: accepts connections on `listener` until `shutdown` completes. For each connection, in a task
/// of its own, the glue:
///
/// - builds one protocol with `factory.build_protocol(peer)` and gives it a [`Transport`] in
///   `connection_made`, before anything else, on the connection's task;
/// - calls `data_received` with every chunk it reads, in order;
/// - sends what the protocol writes, in order (the transport's [`Outbox`]), as soon as it is
///   written: in a callback or from anywhere else through a clone of the transport; while it has
///   bytes to send it reads nothing, so a peer that never reads cannot make the outbox grow;
/// - once the protocol calls `lose_connection`, sends what was written before, then closes the
///   connection and reads no more (no `data_received`);
/// - at the peer's end of stream, closes the connection too (once what was written is sent);
/// - closes cleanly: `shutdown()`, then reads and drops what the peer still sends until its end of
///   stream (for a short while: a second, never more than 5 s), so that the kernel does not reset
///   the connection and throw away what was not yet delivered;
/// - calls `connection_lost` exactly once, last: `Reason::Done` after the peer's end of stream,
///   `lose_connection` or a shutdown, `Reason::Lost(error)` when reading or writing fails (a
///   reset). Then nothing of the connection (no task, no socket) is left running.
///
/// A protocol's callbacks run one at a time on its connection's task, never two at once and never
/// one after `connection_lost`. When `shutdown` completes, `serve` stops accepting, closes every
/// connection as `lose_connection` would, and returns once they are all done.
pub async fn serve(
    listener: TcpListener,
    factory: impl Factory,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    // One factory for every connection (Twisted's `p.factory = self`): shared, not copied.
    let factory = Arc::new(factory);
    // Server shutdown, seen by every connection: `true` once `shutdown` has completed.
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            // Reap finished connections, so the set holds live ones only.
            Some(_) = connections.join_next() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(connection(stream, peer, factory.clone(), stopping.clone()));
                }
                // One failed accept (a connection reset before we took it, no file descriptor
                // left) is no reason to stop serving the others. Wait a little: when descriptors
                // run out, accepting again at once would only spin.
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    }
    stop.send_replace(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// One connection, from `connection_made` to `connection_lost`: everything runs on this task, so
/// the protocol's callbacks can never overlap (Twisted gets this from its single reactor thread).
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    factory: Arc<impl Factory>,
    stopping: watch::Receiver<bool>,
) {
    let (transport, outbox) = Transport::new(peer);
    let mut protocol = factory.build_protocol(peer);
    protocol.connection_made(transport);
    let reason = pump(stream, protocol.as_mut(), outbox, stopping).await;
    protocol.connection_lost(reason);
}

/// Moves bytes both ways until the connection ends, and says why it ended.
async fn pump(
    mut stream: TcpStream,
    protocol: &mut dyn Protocol,
    mut outbox: Outbox,
    mut stopping: watch::Receiver<bool>,
) -> Reason {
    let mut buf = vec![0u8; READ_BUFFER];
    loop {
        // `biased`: the branches are tried in this order, every time.
        tokio::select! {
            biased;
            // 1. Send what the protocol wrote. Callbacks only run between two turns of this loop,
            // so when this branch finds nothing, everything written so far has been sent. And
            // while there is something to send, nothing is read: a peer that does not read our
            // replies cannot make us queue more than the replies to one read.
            data = outbox.writes.next() => {
                if let Err(e) = stream.write_all(&data).await {
                    return Reason::Lost(e);
                }
            }
            // 2. `lose_connection`: every write before it is out (branch 1 found none). Close
            // now, without reading again: no `data_received` after `lose_connection`.
            () = outbox.closing.wait() => return close(stream, &mut buf).await,
            // 3. The server shuts down: the same as `lose_connection`.
            () = stopped(&mut stopping) => return close(stream, &mut buf).await,
            // 4. Read. `read` is cancel-safe: when another branch wins, no byte is lost.
            read = stream.read(&mut buf) => match read {
                // End of stream: the peer closed its side. We have nothing left to send
                // (branch 1 found nothing), so close ours too.
                Ok(0) => return close(stream, &mut buf).await,
                Ok(n) => protocol.data_received(&buf[..n]),
                Err(e) => return Reason::Lost(e),
            },
        }
    }
}

/// Completes once the server shuts down.
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    // Fails only when `serve` is gone, and then so is this connection's task.
    if stopping.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Closes our side cleanly: `shutdown` sends what is in flight, then the end of stream.
///
/// Then we read and drop what the peer still sends, until it closes too (at most [`LINGER`]):
/// closing a socket that holds unread bytes makes the kernel reset the connection at once, and a
/// reset throws away what we sent but the peer had not yet received.
async fn close(mut stream: TcpStream, buf: &mut [u8]) -> Reason {
    if let Err(e) = stream.shutdown().await {
        return Reason::Lost(e);
    }
    let drain = async {
        while let Ok(n) = stream.read(buf).await {
            if n == 0 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(LINGER, drain).await;
    Reason::Done
}
