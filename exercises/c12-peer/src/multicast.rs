//! Q3: one client, many servers.

use std::io::Write;
use tokio::io::{AsyncRead, AsyncWrite};

/// Q3: runs a client session on every stream at once: each gets `<update>` 5 s from now and
/// every 5 s after, and its own count of `<Ack>`s. One connection that is lost, or whose peer
/// never reads nor answers, neither stops nor delays the others. Returns when every connection is
/// lost, with the counts in the order of `streams`.
pub async fn multicast<S>(streams: Vec<S>) -> Vec<u64>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // TODO(Q3): what would one slow peer do to a loop that writes to each in turn? Futures that
    // run side by side: `futures::future::join_all`.
    let _ = streams;
    todo!("send every update to every server")
}

/// Q3: connects to every address (`host:port`) at once, runs [`multicast`] on the connections
/// made, then writes `Received <n> acks from <addr>` + `\n` to `out` for each address, in the
/// order of `addrs`, and returns the counts in that order. An address it cannot connect to gets
/// `Failed to connect to: <addr>` + `\n` at once, and a count of 0.
pub async fn run_many<W: Write>(addrs: &[String], out: W) -> Vec<u64> {
    // TODO(Q3): connect to all with `join_all`, remember which stream is whose, report in order.
    let _ = (addrs, out);
    todo!("connect to every server, multicast, report")
}
