//! Q2: the echo client.

use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tracing::info;

/// What the client sends unless told otherwise.
pub const DEFAULT_MESSAGE: &str = "Hello, Server!";

/// Q2: connects to `addr`, sends the whole `message`, reads its echo and closes; returns the
/// echoed bytes (an error if the server closes before the whole echo is in).
///
/// Logs `Started to connect.`, then `Connected.` once connected, then `Data received <text>`
/// (field `text`, the echo decoded lossily). When the connection fails it logs
/// `Connection failed. Reason: <reason>` (field `reason`) and returns the error.
pub async fn run(addr: SocketAddr, message: &str) -> io::Result<Vec<u8>> {
    info!(%addr, "Started to connect.");
    let mut stream = match TcpStream::connect(addr).await {
        Ok(stream) => stream,
        Err(e) => {
            info!(reason = %e, "Connection failed. Reason: {e}");
            return Err(e);
        }
    };
    info!("Connected.");
    stream.write_all(message.as_bytes()).await?;
    // TCP is a byte stream: the echo may come back in several pieces. `read_exact` reads until it
    // has as many bytes as were sent (or fails if the server closes first).
    let mut echoed = vec![0u8; message.len()];
    stream.read_exact(&mut echoed).await?;
    let text = String::from_utf8_lossy(&echoed);
    info!(%text, "Data received {text}");
    // Twisted's `loseConnection`: the server reads EOF and closes its side.
    stream.shutdown().await?;
    Ok(echoed)
}
