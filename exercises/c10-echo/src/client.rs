//! Q2: the echo client.

use std::io;
use std::net::SocketAddr;

/// What the client sends unless told otherwise.
pub const DEFAULT_MESSAGE: &str = "Hello, Server!";

/// Q2: connects to `addr`, sends the whole `message`, reads its echo and closes; returns the
/// echoed bytes (an error if the server closes before the whole echo is in).
///
/// Logs at INFO `Started to connect.`, then `Connected.` once connected, then
/// `Data received <text>` (field `text`: the echo, decoded lossily) once the whole echo is in.
/// When it cannot connect it logs `Connection failed. Reason: <reason>` (field `reason`: the error
/// as it displays) and returns the error.
pub async fn run(addr: SocketAddr, message: &str) -> io::Result<Vec<u8>> {
    // TODO(Q2): `TcpStream::connect`, `write_all`, read until as many bytes came back, `shutdown`.
    let _ = (addr, message);
    todo!("send a message and read its echo")
}
