//! Given: the `boom` binary, `boom [--port 8900] [--width 11] [--height 9]`. Ctrl-C stops it.

use crate::server::{Config, serve};
use clap::Parser;
use std::ffi::OsString;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::task::Poll;
use tokio::net::{TcpListener, TcpSocket};

#[derive(Parser)]
#[command(
    name = "boom",
    about = "A multiplayer bomb game: `telnet 127.0.0.1 8900` to play"
)]
struct Args {
    /// Port to listen on (all IPv4 interfaces).
    #[arg(long, default_value_t = 8900)]
    port: u16,
    /// The board's width.
    #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u16).range(1..=200))]
    width: u16,
    /// The board's height.
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u16).range(1..=200))]
    height: u16,
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
            eprintln!("boom: {e}");
            1
        }
    }
}

async fn run(args: Args) -> io::Result<()> {
    let listener = listen(SocketAddr::from(([0, 0, 0, 0], args.port)))?;
    // Watch for Ctrl-C before saying we listen: `ctrl_c()` installs its handler when first
    // polled, and `serve` may first poll its shutdown future only after a client came, so a
    // Ctrl-C right after the line below would otherwise kill the process instead of stopping it.
    let mut interrupt = Box::pin(tokio::signal::ctrl_c());
    let first = std::future::poll_fn(|cx| Poll::Ready(interrupt.as_mut().poll(cx))).await;
    println!(
        "boom listening on {}: telnet 127.0.0.1 {} to play (Ctrl-C stops it)",
        listener.local_addr()?,
        listener.local_addr()?.port()
    );
    let ctrl_c = async move {
        match first {
            Poll::Ready(Ok(())) => {}
            // If Ctrl-C cannot be watched, run until killed rather than stop at once.
            Poll::Ready(Err(_)) => std::future::pending::<()>().await,
            Poll::Pending => {
                if interrupt.await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        }
    };
    let config = Config {
        width: usize::from(args.width),
        height: usize::from(args.height),
        ..Config::default()
    };
    serve(listener, config, ctrl_c).await?;
    println!("boom stopped");
    Ok(())
}
