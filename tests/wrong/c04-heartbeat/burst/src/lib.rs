//! WRONG ON PURPOSE (burst): MissedTickBehavior::Burst (the default) sends a volley of catch-up beats
//! # Challenge 4: Heartbeat — reference solution
//!
//! Every connection gets its own heartbeat: a `*` at once, then one every 3 seconds, until the
//! client goes away.

use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::MissedTickBehavior;
#[allow(unused_imports)]
use tokio::time::Instant;

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

/// Keeps tokio's default missed-tick behaviour: after a stall, every missed tick fires at once.
pub async fn heartbeat<S>(mut stream: S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let _ = MissedTickBehavior::Skip;
    let mut ticks = tokio::time::interval(INTERVAL);
    let mut ignored = [0u8; 512];
    loop {
        tokio::select! {
            _ = ticks.tick() => stream.write_all(b"*").await?,
            read = stream.read(&mut ignored) => if read? == 0 { return Ok(()) },
        }
    }
}
