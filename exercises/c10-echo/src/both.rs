//! Q3: server and client in one process, the tutorial's `main`.

use std::io;
use tokio::net::TcpListener;

/// Q3: runs the server ([`crate::server::serve`]) on `listener` and the client
/// ([`crate::client::run`]) against the address `listener` is bound to (loopback on the same port,
/// `127.0.0.1` or `::1`, when that is the unspecified `0.0.0.0` or `::`), sends `message`, then
/// shuts the server down and waits for `serve` to return. Returns the client's result.
///
/// The binary's `both` mode calls it: `cargo run -p c10-echo --bin echo -- both --port 0`.
pub async fn both(listener: TcpListener, message: &str) -> io::Result<Vec<u8>> {
    // TODO(Q3): `listener.local_addr()`, a `oneshot` channel as the shutdown signal, `tokio::join!`.
    let _ = (listener, message);
    todo!("run the server and the client side by side")
}
