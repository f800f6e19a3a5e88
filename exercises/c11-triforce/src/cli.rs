//! Given: the `triforce` binary, `triforce [--port 8900] [--obstinate]`. Ctrl-C stops it.

use crate::glue::serve;
use crate::names::NamesFactory;
use crate::obstinate::ObstinateProtocol;
use crate::twisted::Protocol;
use clap::Parser;
use std::ffi::OsString;
use std::io;
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpSocket};

#[derive(Parser)]
#[command(
    name = "triforce",
    about = "Names every client (A, B, C …) and answers `who` with the live ones"
)]
struct Args {
    /// Port to listen on (all IPv4 interfaces).
    #[arg(long, default_value_t = 8900)]
    port: u16,
    /// Serve Q2's ObstinateProtocol (`no` to every line) instead of Q3's names.
    #[arg(long)]
    obstinate: bool,
}

/// How many connections the kernel may hold for the accept loop (the `listen` backlog): 128, what
/// `TcpListener::bind` asks for, makes the kernel drop handshakes when many clients connect at
/// once. Linux lowers a larger number to `net.core.somaxconn` (4096 by default).
const BACKLOG: u32 = 4096;

/// Listens on `addr` like `TcpListener::bind`, with room for [`BACKLOG`] waiting connections.
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// The binary's `main`: `args` with the program's name first; returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("triforce: {e}");
            1
        }
    }
}

async fn run(args: Args) -> io::Result<()> {
    let listener = listen(SocketAddr::from(([0, 0, 0, 0], args.port)))?;
    let ctrl_c = async {
        // If Ctrl-C cannot be watched, run until killed rather than stop at once.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    if args.obstinate {
        println!("obstinate server listening on {}", listener.local_addr()?);
        let factory = |_peer| Box::new(ObstinateProtocol::default()) as Box<dyn Protocol>;
        serve(listener, factory, ctrl_c).await
    } else {
        println!("triforce listening on {}", listener.local_addr()?);
        serve(listener, NamesFactory::new(), ctrl_c).await
    }
}
