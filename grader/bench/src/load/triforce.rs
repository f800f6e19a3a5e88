//! c11: the glue serving Q2's `ObstinateProtocol` (what `triforce --obstinate` runs). An op is one
//! line on a persistent connection: `hello\r\n` written, `no\r\n` read back (the latency runs from
//! the write to the reply's last byte). Anything else, or more, is an error: a reply to a line
//! arrives whole before the next line is sent, so a byte too many shows up in the next reply. At
//! the end the client half-closes and expects the server's end of stream with nothing before it.
//!
//! Not Q3's `NamesFactory`: its `who` reply lists every live connection, so its length (and cost)
//! would depend on how many connections the bench happens to hold, and the op measures the glue
//! less than the shared set.

use super::{Client, Workload, expect_end, read_until_ends_with, unexpected};
use futures::future::BoxFuture;
use std::io;
use std::net::SocketAddr;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::Instant;

const LINE: &[u8] = b"hello\r\n";
const REPLY: &[u8] = b"no\r\n";

pub struct Triforce;

impl Workload for Triforce {
    fn op(&self) -> &'static str {
        "line"
    }

    fn client(&self, addr: SocketAddr, until: Instant) -> Client {
        Box::pin(async move {
            let mut latencies = Vec::new();
            let mut stream = connect(addr).await?;
            let mut reply = Vec::with_capacity(64);
            while Instant::now() < until {
                let start = Instant::now();
                exchange(&mut stream, &mut reply).await?;
                latencies.push(start.elapsed());
            }
            // Half-close: the glue closes its side too, with nothing more to send.
            expect_end(&mut stream, "reply").await?;
            Ok(latencies)
        })
    }

    fn idle(&self, addr: SocketAddr) -> Option<BoxFuture<'static, io::Result<TcpStream>>> {
        Some(Box::pin(async move {
            let mut stream = connect(addr).await?;
            exchange(&mut stream, &mut Vec::with_capacity(64)).await?;
            Ok(stream)
        }))
    }
}

async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Sends one line and reads its reply, which must be `no\r\n` and nothing else.
async fn exchange(stream: &mut TcpStream, reply: &mut Vec<u8>) -> io::Result<()> {
    stream.write_all(LINE).await?;
    // Up to the end of a line, whatever it holds: a wrong reply fails at once, not at a timeout.
    read_until_ends_with(stream, reply, b"\n").await?;
    if reply != REPLY {
        return Err(unexpected(format!(
            "expected \"no\\r\\n\" for a line, got {:?}",
            String::from_utf8_lossy(reply)
        )));
    }
    Ok(())
}
