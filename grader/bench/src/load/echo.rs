//! c10: an op is one message on a persistent connection: 64 bytes written, and their echo read
//! back in full (the latency runs from the write to the echo's last byte). Each message differs
//! from the one before (over the ops every byte value is sent), so an echo that drops, repeats or
//! reorders bytes is an error. At the end the client half-closes and expects the server's end of
//! stream with nothing more before it.

use super::{Client, Workload, expect_end, unexpected};
use futures::future::BoxFuture;
use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The size of one message.
const MESSAGE: usize = 64;

pub struct Echo;

impl Workload for Echo {
    fn op(&self) -> &'static str {
        "message"
    }

    fn client(&self, addr: SocketAddr, until: Instant) -> Client {
        Box::pin(async move {
            let mut latencies = Vec::new();
            let mut stream = connect(addr).await?;
            let mut message = [0u8; MESSAGE];
            let mut echo = [0u8; MESSAGE];
            let mut seq = 0usize;
            while Instant::now() < until {
                fill(&mut message, seq);
                seq += 1;
                let start = Instant::now();
                round_trip(&mut stream, &message, &mut echo).await?;
                latencies.push(start.elapsed());
            }
            // Half-close: the server echoes what it has (nothing more) and closes its side.
            expect_end(&mut stream, "echo").await?;
            Ok(latencies)
        })
    }

    fn idle(&self, addr: SocketAddr) -> Option<BoxFuture<'static, io::Result<TcpStream>>> {
        Some(Box::pin(async move {
            let mut stream = connect(addr).await?;
            let mut message = [0u8; MESSAGE];
            fill(&mut message, 0);
            round_trip(&mut stream, &message, &mut [0u8; MESSAGE]).await?;
            Ok(stream)
        }))
    }
}

async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Message number `seq`: 64 consecutive byte values, starting a little further on each time.
fn fill(message: &mut [u8; MESSAGE], seq: usize) {
    for (k, byte) in message.iter_mut().enumerate() {
        *byte = (seq.wrapping_mul(37).wrapping_add(k) % 256) as u8;
    }
}

/// Writes `message` and reads its echo into `echo`, which must be the same bytes.
async fn round_trip(
    stream: &mut TcpStream,
    message: &[u8; MESSAGE],
    echo: &mut [u8; MESSAGE],
) -> io::Result<()> {
    stream.write_all(message).await?;
    let mut filled = 0;
    while filled < MESSAGE {
        let n = stream.read(&mut echo[filled..]).await?;
        if n == 0 {
            return Err(unexpected(format!(
                "the server closed after echoing {filled} of {MESSAGE} bytes"
            )));
        }
        filled += n;
    }
    if echo != message {
        return Err(unexpected(format!("the echo of {message:?} was {echo:?}")));
    }
    Ok(())
}
