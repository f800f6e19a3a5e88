//! # Challenge 4: Heartbeat
//!
//! Every connection gets its own heartbeat: a `*` at once, then one every 3 seconds, until the
//! client goes away. Read `README.md` first; check your work with `cargo test -p c04-heartbeat`.

use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

/// Time between two beats on one connection.
pub const INTERVAL: Duration = Duration::from_secs(3);

/// Given: accepts connections on `listener` and runs [`heartbeat`] on each, in a task of its own
/// (the Factory/Protocol pair of challenge 1, in three lines).
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, _peer) = listener.accept().await?;
        tokio::spawn(heartbeat(stream));
    }
}

/// Q1: writes `*` to `stream` at once, then every [`INTERVAL`] measured from this connection's
/// start (when `heartbeat` starts), until the peer disconnects. Whatever the peer sends is read and
/// ignored: any bytes (text or not, with or without newlines), however fast they come, without
/// delaying a beat and without keeping them. Returns when the peer has gone: a read gives the end of
/// the stream (`Ok(0)`, a half-close too) or any error, so that no timer outlives its connection.
///
/// `stream` is a `TcpStream` in the server, and an in-memory stream in the checks: anything that
/// reads and writes.
pub async fn heartbeat<S>(stream: S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // TODO(Q1): an interval (what should happen to ticks missed while a write was stuck?), and a
    // loop that waits for "the next tick" or "the peer sent something / went away", whichever first.
    let _ = stream;
    todo!("send a heartbeat on this connection")
}
