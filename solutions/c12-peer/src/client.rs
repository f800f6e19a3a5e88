//! Q2: the client.

use crate::codec::PeerCodec;
use crate::message::Message;
use futures::{SinkExt, StreamExt};
use std::io::Write;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{Instant, MissedTickBehavior, interval_at};
use tokio_util::codec::Framed;

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
    let mut peer = Framed::new(stream, PeerCodec);
    // Twisted's `callLater(5, sendUpdate)`, again after each update. `interval` would tick at
    // once: `interval_at` starts 5 s from now, and later ticks stay on that grid.
    let mut updates = interval_at(Instant::now() + UPDATE_EVERY, UPDATE_EVERY);
    updates.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut acks = 0;
    loop {
        // Wait for both at once: an ack (or the end of the connection) can come at any time, not
        // only after an update. `tick` and `next` are cancel-safe.
        tokio::select! {
            _ = updates.tick() => {
                if peer.send(Message::Update).await.is_err() {
                    return acks;
                }
            }
            message = peer.next() => match message {
                Some(Ok(Message::Ack)) => acks += 1,
                Some(Ok(_)) => {}
                // The end of the stream, a read error, or a token the codec refused.
                None | Some(Err(_)) => return acks,
            },
        }
    }
}

/// Q2: connects to `addr` (`host:port`) and runs a [`session`] on the connection. When it ends,
/// writes `Received <n> acks` + `\n` to `out` and returns n. If connecting fails, writes
/// `Failed to connect to: <addr>` + `\n`, then `Received 0 acks` + `\n`, and returns 0.
pub async fn run<W: Write>(addr: &str, mut out: W) -> u64 {
    let acks = match TcpStream::connect(addr).await {
        Ok(stream) => session(stream).await,
        // Twisted's `clientConnectionFailed`.
        Err(_) => {
            let _ = writeln!(out, "Failed to connect to: {addr}");
            0
        }
    };
    let _ = writeln!(out, "Received {acks} acks");
    acks
}
