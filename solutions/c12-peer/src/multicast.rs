//! Q3: one client, many servers.

use crate::client::session;
use futures::future::join_all;
use std::io::Write;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Q3: runs a client session on every stream at once: each gets `<update>` 5 s from now and
/// every 5 s after, and its own count of `<Ack>`s. One connection that is lost, or whose peer
/// never reads nor answers, neither stops nor delays the others. Returns when every connection is
/// lost, with the counts in the order of `streams`.
pub async fn multicast<S>(streams: Vec<S>) -> Vec<u64>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // One future per connection, polled together: a write stuck on one peer holds up only that
    // peer's future. All start in the same poll, so the updates go out to all at the same time.
    join_all(streams.into_iter().map(session)).await
}

/// Q3: connects to every address (`host:port`) at once, runs [`multicast`] on the connections
/// made, then writes `Received <n> acks from <addr>` + `\n` to `out` for each address, in the
/// order of `addrs`, and returns the counts in that order. An address it cannot connect to gets
/// `Failed to connect to: <addr>` + `\n` at once, and a count of 0.
pub async fn run_many<W: Write>(addrs: &[String], mut out: W) -> Vec<u64> {
    let attempts = join_all(addrs.iter().map(|addr| TcpStream::connect(addr.as_str()))).await;
    // Which address each stream belongs to, to put the counts back in order.
    let mut connected = Vec::new();
    let mut streams = Vec::new();
    for (index, attempt) in attempts.into_iter().enumerate() {
        match attempt {
            Ok(stream) => {
                connected.push(index);
                streams.push(stream);
            }
            Err(_) => {
                let _ = writeln!(out, "Failed to connect to: {}", addrs[index]);
            }
        }
    }
    let mut counts = vec![0; addrs.len()];
    for (index, acks) in connected.into_iter().zip(multicast(streams).await) {
        counts[index] = acks;
    }
    for (addr, acks) in addrs.iter().zip(&counts) {
        let _ = writeln!(out, "Received {acks} acks from {addr}");
    }
    counts
}
