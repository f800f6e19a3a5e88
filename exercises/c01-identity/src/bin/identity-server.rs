//! The identity server: `cargo run -p c01-identity --bin identity-server -- [--port 8000] [--question 1|2]`,
//! then `nc 127.0.0.1 8000` in another terminal. Ctrl-C stops it.

use c01_identity::{q1, q2};
use clap::Parser;
use std::io;
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpSocket};

#[derive(Parser)]
#[command(about = "Tells each client its address and what it said; `show log` lists every connection")]
struct Args {
    /// Address to listen on (0.0.0.0: every IPv4 interface).
    #[arg(long, default_value = "0.0.0.0")]
    host: String,
    /// Port to listen on.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Which question's server to run: 1 (identity) or 2 (identity and `show log`).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
    question: u8,
}

/// How many connections the kernel may hold for the accept loop (the `listen` backlog).
///
/// `TcpListener::bind` asks for 128. When more clients connect at once than the queue holds, the
/// kernel drops the handshakes it has no room for, and those clients try again only a second or
/// more later: their reply is that late. Linux lowers a larger number to its own limit,
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
    // `--host` may be a name (`localhost`): listen on the first address it resolves to.
    let addr = tokio::net::lookup_host((args.host.as_str(), args.port))
        .await?
        .next()
        .ok_or_else(|| io::Error::other(format!("{} has no address", args.host)))?;
    let listener = listen(addr)?;
    println!(
        "identity server (Q{}) listening on {}",
        args.question,
        listener.local_addr()?
    );
    let server = async {
        match args.question {
            1 => q1::serve(listener).await,
            _ => q2::serve(listener).await,
        }
    };
    tokio::select! {
        result = server => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
