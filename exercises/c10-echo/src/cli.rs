//! Given: the `echo` binary — arguments, log output, and which part to run.

use crate::{both, client, server};
use clap::{Parser, ValueEnum};
use std::ffi::OsString;
use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpSocket};
use tracing::{error, info};

#[derive(Parser)]
#[command(name = "echo", about = "An echo server and client that log what they do")]
struct Args {
    /// What to run: the server, the client, or both in one process.
    #[arg(value_enum)]
    mode: Mode,
    /// The server's port (0: any free port, for `both`).
    #[arg(long, default_value_t = 16000)]
    port: u16,
    /// What the client sends.
    #[arg(long, default_value = client::DEFAULT_MESSAGE)]
    message: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Server,
    Client,
    Both,
}

/// The binary's `main`: the arguments (program name first), then the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            // Usage, `--help` and the like: clap prints them and says how to exit.
            let _ = e.print();
            return e.exit_code();
        }
    };
    // Twisted's `log.startLogging(sys.stdout)`: every event as a line on stdout, with a timestamp.
    let _ = tracing_subscriber::fmt()
        .with_writer(io::stdout)
        .with_target(false)
        .with_ansi(io::stdout().is_terminal())
        .try_init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("could not start the runtime: {e}");
            return 1;
        }
    };
    info!("Start your engines...");
    let result = runtime.block_on(async {
        match args.mode {
            Mode::Server => {
                let listener = listen(SocketAddr::from(([0, 0, 0, 0], args.port)))?;
                info!("Listening on {}", listener.local_addr()?);
                let ctrl_c = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                server::serve(listener, ctrl_c).await
            }
            Mode::Client => {
                let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
                client::run(addr, &args.message).await.map(drop)
            }
            Mode::Both => {
                let listener = listen(SocketAddr::from(([127, 0, 0, 1], args.port)))?;
                both::both(listener, &args.message).await.map(drop)
            }
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            error!("{e}");
            1
        }
    }
}

/// How many connections the kernel may hold for the accept loop (the `listen` backlog); Linux
/// lowers it to `net.core.somaxconn` (4096 by default). `TcpListener::bind` asks for 128.
const BACKLOG: u32 = 4096;

/// Listens on `addr` like `TcpListener::bind`, with room for [`BACKLOG`] waiting connections.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    // As `bind` does: a restarted server gets its port back at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}
