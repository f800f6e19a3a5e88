//! c04's floor: a task per connection that writes `*` at once, then every 3 s from the connection's
//! start, with its timer (a `Sleep` pinned in the task, not boxed as `interval` does) and a 16-byte
//! buffer that reads and drops the input, ending the task at the end of the stream or an error.
//! It skips what the bench does not drive: nothing is logged, and a write stuck past a tick simply
//! resumes on the next tick of the 3-second grid.

use futures::future::BoxFuture;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;

const INTERVAL: Duration = Duration::from_secs(3);

pub fn serve(listener: TcpListener) -> BoxFuture<'static, ()> {
    Box::pin(super::accept_loop(listener, |mut stream, _peer| async move {
        let mut ignored = [0u8; 16];
        let mut next = Instant::now();
        let sleep = tokio::time::sleep_until(next);
        tokio::pin!(sleep);
        loop {
            if stream.write_all(b"*").await.is_err() {
                return;
            }
            let now = Instant::now();
            while next <= now {
                next += INTERVAL;
            }
            sleep.as_mut().reset(next);
            loop {
                tokio::select! {
                    () = &mut sleep => break,
                    read = stream.read(&mut ignored) => {
                        if !matches!(read, Ok(n) if n > 0) {
                            return;
                        }
                    }
                }
            }
        }
    }))
}
