//! The heartbeat server: `cargo run -p c04-heartbeat --bin heartbeat-server -- [--port 5000]`,
//! then `nc 127.0.0.1 5000` in another terminal. Ctrl-C stops it.

use c04_heartbeat::serve;
use clap::Parser;
use std::io;
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpSocket};

#[derive(Parser)]
#[command(about = "Sends every client a `*` at once and then every 3 seconds")]
struct Args {
    /// Port to listen on (all IPv4 interfaces).
    #[arg(long, default_value_t = 5000)]
    port: u16,
}

/// How many connections the kernel may hold for the accept loop (the `listen` backlog).
///
/// `TcpListener::bind` asks for 128. When more clients connect at once than the queue holds, the
/// kernel drops the handshakes it has no room for, and those clients try again only a second or
/// more later: their first `*` is that late. Linux lowers a larger number to its own limit,
/// `net.core.somaxconn` (4096 by default).
const BACKLOG: u32 = 4096;

/// Listens on `addr` like `TcpListener::bind`, with room for [`BACKLOG`] waiting connections.
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    // As `bind` does: a restarted server gets its port back at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let args = Args::parse();
    let listener = listen(SocketAddr::from(([0, 0, 0, 0], args.port)))?;
    println!("heartbeat server listening on {}", listener.local_addr()?);
    tokio::select! {
        result = serve(listener) => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
