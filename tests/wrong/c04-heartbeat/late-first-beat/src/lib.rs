//! WRONG ON PURPOSE (late-first-beat): the first beat comes after one interval, not at once
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

/// Sleeps before the first beat: the first `*` comes after 3 s instead of at once.
pub async fn heartbeat<S>(mut stream: S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut ticks = tokio::time::interval_at(Instant::now() + INTERVAL, INTERVAL);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut ignored = [0u8; 512];
    loop {
        tokio::select! {
            _ = ticks.tick() => stream.write_all(b"*").await?,
            read = stream.read(&mut ignored) => if read? == 0 { return Ok(()) },
        }
    }
}
