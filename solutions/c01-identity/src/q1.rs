//! Q1: the identity server. One task per connection reads one line and answers with the client's
//! address and what it said, then closes the connection gracefully.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// The longest request line read, in bytes (newline included). Longer lines are cut here, so one
/// connection never holds more than this in memory, whatever the client sends.
pub(crate) const MAX_LINE: u64 = 64 * 1024;

/// How long a closing connection keeps reading (and discarding) what the client still sends.
const DRAIN_LIMIT: Duration = Duration::from_secs(1);

/// Q1: accepts connections on `listener` forever. Each connection gets a task of its own, which
/// reads one line (up to `\n`, or what came before the client half-closed; at most 64 KiB: 65,536
/// bytes read, the `\n` counted, a longer line cut after its first 65,536 bytes), decodes it
/// lossily, trims it, replies `You are from <ip> on port <port>, saying "<text>"` + `\r\n` and
/// closes the connection gracefully. A failed `accept` is logged and does not end the server.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, peer) = accept(&listener).await;
        // The task is Twisted's Protocol instance: it owns this one connection.
        tokio::spawn(async move {
            if let Err(e) = identify(stream, peer).await {
                eprintln!("connection from {peer}: {e}");
            }
        });
    }
}

/// The next connection. Errors such as "too many open files" are logged and retried after a short
/// pause (retrying at once would spin the CPU while the condition lasts): the accept loop, like
/// Twisted's Factory, outlives any one connection.
pub(crate) async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(connection) => return connection,
            Err(e) => {
                eprintln!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One connection of the Q1 server: read the request, say who the client is, close.
async fn identify(mut stream: TcpStream, peer: SocketAddr) -> io::Result<()> {
    let text = read_request(&mut stream).await?;
    reply_and_close(stream, identity(peer, &text).as_bytes()).await
}

/// Reads one request line: bytes up to and including the first `\n`, or everything until the
/// client half-closes, at most [`MAX_LINE`] bytes. Returns it decoded and trimmed.
///
/// TCP delivers a byte stream, not messages: `hel` and `lo\r\n` may arrive in two reads (Twisted's
/// `dataReceived` would see two chunks), so read until the newline instead of reading once.
pub(crate) async fn read_request(stream: &mut TcpStream) -> io::Result<String> {
    // `take` caps how much can be read: a 1 MiB line without a newline stops at MAX_LINE.
    let mut reader = BufReader::new(stream.take(MAX_LINE));
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).await?;
    // Invalid UTF-8 is the client's problem, not a reason to fail: it becomes U+FFFD (�).
    Ok(String::from_utf8_lossy(&line).trim().to_string())
}

/// The Q1 reply: `You are from 127.0.0.1 on port 50000, saying "hello"` + `\r\n`.
pub(crate) fn identity(peer: SocketAddr, text: &str) -> String {
    format!(
        "You are from {} on port {}, saying \"{text}\"\r\n",
        peer.ip(),
        peer.port()
    )
}

/// Writes `reply`, then closes the connection so that the client gets all of it, then EOF
/// (Twisted's `loseConnection`).
pub(crate) async fn reply_and_close(mut stream: TcpStream, reply: &[u8]) -> io::Result<()> {
    stream.write_all(reply).await?;
    // Shutting down the write half sends FIN after the reply: the client reads the reply, then EOF.
    stream.shutdown().await?;
    // If the socket were dropped now with unread client bytes in its receive buffer, the kernel
    // would answer with a reset (RST), and a reset can make the client lose the reply still in
    // flight. So read and discard until the client closes too, for at most DRAIN_LIMIT.
    let mut discard = tokio::io::sink();
    let drain = tokio::io::copy(&mut stream, &mut discard);
    let _ = tokio::time::timeout(DRAIN_LIMIT, drain).await;
    Ok(())
}
