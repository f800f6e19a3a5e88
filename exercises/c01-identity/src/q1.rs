//! Q1: the identity server.

use std::io;
use tokio::net::TcpListener;

/// Q1: accepts connections on `listener` forever. Each connection gets a task of its own, which:
///
/// - reads one line: up to `\n` (ended by `\r\n` or a bare `\n`), or what came before the client
///   half-closed (nothing at all is an empty line), at most 64 KiB: 65,536 bytes read, the `\n`
///   counted (a longer line is cut after its first 65,536 bytes and answered at once, even if the
///   client goes on sending: memory per connection stays bounded);
/// - decodes it lossily, as `String::from_utf8_lossy` does (each invalid UTF-8 sequence becomes
///   one `�`: it is no reason to fail), and trims surrounding whitespace;
/// - replies `You are from <ip> on port <port>, saying "<text>"` + `\r\n`, with the client's own
///   address (from `accept()`) and the text as it is (no escaping);
/// - closes gracefully: the client gets the whole reply, then EOF at once, even if it is still
///   sending; then what it sends is read and discarded for at most a second (counted from when
///   the reply has been written, not from the last byte read), and only then is the stream dropped.
///
/// A failed `accept` is logged (`eprintln!`) and does not end the server; nothing a client sends
/// may make it panic. The server sets no limit of its own on how many connections it holds.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    // TODO(Q1): loop { accept; spawn a task for the connection }. In the task: read up to `\n`
    // with a cap (`AsyncReadExt::take`, `AsyncBufReadExt::read_until`), write the reply, then
    // `shutdown()`, then read and discard what the client still sends for up to 1 s before the
    // stream is dropped (see the README: why a close can eat the reply).
    let _ = listener;
    todo!("serve identity replies")
}
