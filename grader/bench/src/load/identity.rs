//! c01: an op is a whole connection: connect, send a line, read the reply until the server's EOF.

use super::{Client, Workload, unexpected};
use futures::future::BoxFuture;
use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

pub struct Identity;

impl Workload for Identity {
    fn op(&self) -> &'static str {
        "connection"
    }

    fn client(&self, addr: SocketAddr, until: Instant) -> Client {
        Box::pin(async move {
            let mut latencies = Vec::new();
            let mut reply = Vec::with_capacity(128);
            while Instant::now() < until {
                let start = Instant::now();
                let mut stream = TcpStream::connect(addr).await?;
                stream.set_nodelay(true)?;
                stream.write_all(b"hello\r\n").await?;
                reply.clear();
                // A reply is a short line: read at most 4 KiB of it, whatever the server sends.
                (&mut stream).take(4096).read_to_end(&mut reply).await?;
                if !reply.starts_with(b"You are from ") || !reply.ends_with(b"\"hello\"\r\n") {
                    return Err(unexpected(format!(
                        "expected a reply ending \"hello\"\\r\\n, got {:?}",
                        String::from_utf8_lossy(&reply)
                    )));
                }
                latencies.push(start.elapsed());
                // Close with a reset: the server closed first, and a normal close would leave
                // its side in TIME-WAIT, hundreds of thousands of them over a bench, which
                // slows every connection of the machine.
                stream.set_zero_linger()?;
            }
            Ok(latencies)
        })
    }

    fn idle(&self, _addr: SocketAddr) -> Option<BoxFuture<'static, io::Result<TcpStream>>> {
        None
    }
}
