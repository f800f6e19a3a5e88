//! # Challenge 4: Heartbeat — reference solution
//!
//! Every connection gets its own heartbeat: a `*` at once, then one every 3 seconds, until the
//! client goes away.

use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::MissedTickBehavior;

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
pub async fn heartbeat<S>(mut stream: S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // `interval` is Twisted's `LoopingCall`: its first tick completes at once (`now=True`), and the
    // next ones stay aligned to the start. If a write was stuck past a tick, `Skip` drops the missed
    // ticks instead of firing them all at once (the default, `Burst`, would send a volley of `*`).
    let mut ticks = tokio::time::interval(INTERVAL);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    // Input is read into a small buffer and dropped: memory stays bounded whatever the peer sends.
    // 64 bytes, because the buffer is part of the connection's task: every idle connection holds
    // it. A bigger one would only save reads of bytes that are dropped anyway.
    let mut ignored = [0u8; 64];
    loop {
        // Wait for whichever comes first. Both branches are cancel-safe: `tick` and `read` lose
        // nothing when the other one wins.
        tokio::select! {
            _ = ticks.tick() => {
                // A write error means the peer has gone: `?` ends the connection's task.
                stream.write_all(b"*").await?;
            }
            read = stream.read(&mut ignored) => {
                // `Ok(0)` is the end of the stream: the peer closed. This is `connectionLost`.
                if read? == 0 {
                    return Ok(());
                }
            }
        }
    }
}
