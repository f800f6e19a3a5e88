//! Q1: the echo server.

use std::future::Future;
use std::io;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

/// The most unsent data `echo` may hold for one connection: 64 KiB.
pub const MAX_BUFFER: usize = 64 * 1024;

/// What `Lost connection because …` says when the client closed its side.
pub const CLEAN: &str = "connection closed cleanly";

/// Q1: accepts connections on `listener` and runs [`echo`] on each in a task of its own, logging
/// `Client connection from <peer>` at INFO with the field `peer` (`info!(%peer, …)`).
///
/// When `shutdown` completes, stops accepting at once (drops the listener: new clients are
/// refused), waits for the open connections to end, and returns `Ok(())` as soon as they have.
/// (It may cut connections still open after a grace period of its choosing, at least a second, so
/// that Ctrl-C stops a server with an idle `nc` attached: the reference gives them a second.)
pub async fn serve<F>(listener: TcpListener, shutdown: F) -> io::Result<()>
where
    F: Future<Output = ()>,
{
    // TODO(Q1): `tokio::select!` between `listener.accept()` and `shutdown` (pin it first), a
    // `JoinSet` to spawn `echo` into and to wait on at the end.
    let _ = (listener, shutdown);
    todo!("accept connections and echo on each")
}

/// Q1: writes back every byte read from `stream`, in order, holding at most [`MAX_BUFFER`] bytes
/// of unsent data (read into a buffer no bigger), until the client closes its side; then closes
/// this side too, with `shutdown()`.
///
/// Logs at INFO `Data received <n> bytes` (field `bytes`) for each read that gives bytes, and once
/// at the end `Lost connection because <reason>` (field `reason`): [`CLEAN`] at end of stream, else
/// the error as it displays. Returns `Ok(())` after a clean close, the error otherwise.
///
/// `stream` is a `TcpStream` in the server, and an in-memory stream in the checks, whose reads and
/// writes may take a few bytes at a time, and which may outlive `echo` (`&mut stream`): dropping
/// it does not close it.
pub async fn echo<S>(stream: S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // TODO(Q1): read into a buffer, write it back, again; what must happen while a write waits?
    let _ = stream;
    todo!("echo what the client sends")
}
