//! WRONG ON PURPOSE (broadcast): one shared ticker broadcast to every connection: all clients beat in the same phase
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

thread_local! {
    /// One ticker for every connection on this thread: a broadcast, not a timer per connection.
    static TICKER: std::cell::RefCell<Option<tokio::sync::broadcast::Sender<()>>> =
        const { std::cell::RefCell::new(None) };
}

fn subscribe() -> tokio::sync::broadcast::Receiver<()> {
    TICKER.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(sender) = t.as_ref().filter(|s| s.receiver_count() > 0) {
            return sender.subscribe();
        }
        let (sender, receiver) = tokio::sync::broadcast::channel(16);
        let ticks_to = sender.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(Instant::now() + INTERVAL, INTERVAL);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
            loop {
                ticks.tick().await;
                if ticks_to.send(()).is_err() {
                    return;
                }
            }
        });
        *t = Some(sender);
        receiver
    })
}

/// Writes `*` at once, then whenever the shared ticker ticks: every client beats in the same phase.
pub async fn heartbeat<S>(mut stream: S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut ticks = subscribe();
    stream.write_all(b"*").await?;
    let mut ignored = [0u8; 512];
    loop {
        tokio::select! {
            tick = ticks.recv() => match tick {
                Ok(()) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => stream.write_all(b"*").await?,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(()),
            },
            read = stream.read(&mut ignored) => if read? == 0 { return Ok(()) },
        }
    }
}
