//! c04: an op is a whole connection: connect, read the `*` the server sends at once, close (with
//! a reset). Its latency runs from the connect to that first `*`. An idle connection is one whose
//! first `*` has been read; the beats that follow every 3 s while it is held are left unread.

use super::{Client, Workload, unexpected};
use futures::future::BoxFuture;
use std::io;
use std::net::SocketAddr;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::time::Instant;

pub struct Heartbeat;

impl Workload for Heartbeat {
    fn op(&self) -> &'static str {
        "connection"
    }

    fn client(&self, addr: SocketAddr, until: Instant) -> Client {
        Box::pin(async move {
            let mut latencies = Vec::new();
            while Instant::now() < until {
                let start = Instant::now();
                let stream = first_beat(addr).await?;
                latencies.push(start.elapsed());
                // Closed with a reset (`SO_LINGER` 0), which ends the server's task as the end of
                // the stream does (any read error ends it) and leaves no TIME-WAIT behind: tens
                // of thousands of those a second would exhaust the ports of a shared loopback and
                // slow every connect.
                stream.set_zero_linger()?;
                drop(stream);
            }
            Ok(latencies)
        })
    }

    fn idle(&self, addr: SocketAddr) -> Option<BoxFuture<'static, io::Result<TcpStream>>> {
        Some(Box::pin(first_beat(addr)))
    }
}

/// Connects and reads the first beat: exactly one `*`, nothing before or with it (the next one is
/// 3 s away).
async fn first_beat(addr: SocketAddr) -> io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut got = [0u8; 8];
    let n = stream.read(&mut got).await?;
    match &got[..n] {
        b"*" => Ok(stream),
        [] => Err(unexpected("the server closed before the first `*`".into())),
        other => Err(unexpected(format!(
            "expected the first beat `*` alone, got {:?}",
            String::from_utf8_lossy(other)
        ))),
    }
}
