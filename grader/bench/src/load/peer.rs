//! c12: an op is one update on a persistent connection: `<update>` sent, `<Ack>` read back. Each
//! client connects once, reads the server's `<connection up>`, then sends its updates one at a
//! time (the next one once the ack is in). An idle connection is one whose greeting was read.

use super::{Client, Workload, unexpected};
use futures::future::BoxFuture;
use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

pub struct Peer;

/// The server's greeting, sent once on connect.
const GREETING: &[u8] = b"<connection up>";
const UPDATE: &[u8] = b"<update>";
const ACK: &[u8] = b"<Ack>";

impl Workload for Peer {
    fn op(&self) -> &'static str {
        "update"
    }

    fn client(&self, addr: SocketAddr, until: Instant) -> Client {
        Box::pin(async move {
            let mut stream = connect(addr).await?;
            let mut latencies = Vec::new();
            while Instant::now() < until {
                let start = Instant::now();
                stream.write_all(UPDATE).await?;
                // Exactly the ack's bytes: anything more (or else) shows as a wrong ack here or on
                // the next update.
                expect(&mut stream, ACK, "the ack of an update").await?;
                latencies.push(start.elapsed());
            }
            Ok(latencies)
        })
    }

    fn idle(&self, addr: SocketAddr) -> Option<BoxFuture<'static, io::Result<TcpStream>>> {
        Some(Box::pin(connect(addr)))
    }
}

/// Connects and reads the greeting, exactly.
async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    expect(&mut stream, GREETING, "the greeting").await?;
    Ok(stream)
}

/// Reads exactly `want.len()` bytes and fails unless they are `want`.
async fn expect(stream: &mut TcpStream, want: &[u8], what: &str) -> io::Result<()> {
    let mut buf = [0u8; 16];
    let buf = &mut buf[..want.len()];
    match stream.read_exact(buf).await {
        Ok(_) if buf == want => Ok(()),
        Ok(_) => Err(unexpected(format!(
            "expected {:?} as {what}, got {:?}",
            String::from_utf8_lossy(want),
            String::from_utf8_lossy(buf)
        ))),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(unexpected(format!(
            "the server closed before sending {:?} as {what}",
            String::from_utf8_lossy(want)
        ))),
        Err(e) => Err(e),
    }
}
