//! Q2: the client.

use std::io::Write;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// Time from connecting to the first update, and between two updates.
pub const UPDATE_EVERY: Duration = Duration::from_secs(5);

/// Q2: one client session on a connected `stream`. Sends `<update>` 5 s after it starts, then
/// every 5 s (measured from the start, whatever the peer sends in between); counts the `<Ack>`s it
/// receives (other messages are ignored). Returns the count as soon as the connection is lost: the
/// peer closed it, or reading or writing failed.
///
/// `stream` is a `TcpStream` in [`run`], and an in-memory stream in the checks.
pub async fn session<S>(stream: S) -> u64
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // TODO(Q2): `Framed::new(stream, PeerCodec::default())`; a timer whose first tick is 5 s
    // away (`interval` ticks at once: look at `interval_at`); `select!` on the tick and `next()`.
    let _ = stream;
    todo!("send updates and count acks")
}

/// Q2: connects to `addr` (`host:port`) and runs a [`session`] on the connection. When it ends,
/// writes `Received <n> acks` + `\n` to `out` and returns n. If connecting fails, writes
/// `Failed to connect to: <addr>` + `\n`, then `Received 0 acks` + `\n`, and returns 0.
pub async fn run<W: Write>(addr: &str, out: W) -> u64 {
    // TODO(Q2): `TcpStream::connect(addr)`, then `writeln!(out, ...)`.
    let _ = out;
    todo!("connect to {addr} and report the acks")
}
