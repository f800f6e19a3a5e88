//! Given: the `peer` command line (the seed's `parse_args` and main program), parsed with clap.
//!
//! ```text
//! peer server [host:]port [--log FILE]
//! peer client [host:]port [[host:]port ...]
//! ```

use crate::addr::parse_addr;
use crate::client::run;
use crate::multicast::run_many;
use crate::server::serve;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::net::{TcpListener, TcpSocket};

#[derive(Parser)]
#[command(
    name = "peer",
    about = "A peer that sends updates every 5 seconds, or a server that acks and logs them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Accepts peers, acknowledges their updates and logs them (Ctrl-C stops it).
    Server {
        /// Where to listen: `[host:]port` (host 127.0.0.1 if left out).
        #[arg(value_parser = parse_addr)]
        address: (String, u16),
        /// The log file, created (or emptied) when the server starts.
        #[arg(long, default_value = "peer.log")]
        log: PathBuf,
    },
    /// Connects to one or more servers and sends each an update every 5 seconds.
    Client {
        /// The servers: `[host:]port` each (host 127.0.0.1 if left out).
        #[arg(value_parser = parse_addr, required = true)]
        addresses: Vec<(String, u16)>,
    },
}

/// The `peer` program: `args` as the shell gives them (the program's name first), then the exit
/// code. Wrong arguments print clap's message (and usage) and give 2, as `optparse` does.
pub fn main(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` goes to standard output with 0, errors to standard error with 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("peer: could not start the runtime: {e}");
            return 1;
        }
    };
    match cli.command {
        Command::Server { address, log } => match runtime.block_on(server(address, log)) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("peer: {e}");
                1
            }
        },
        Command::Client { addresses } => {
            let addrs: Vec<String> = addresses
                .iter()
                .map(|(host, port)| format!("{host}:{port}"))
                .collect();
            runtime.block_on(client(addrs));
            0
        }
    }
}

async fn server((host, port): (String, u16), log: PathBuf) -> io::Result<()> {
    let Some(addr) = tokio::net::lookup_host((host.as_str(), port)).await?.next() else {
        return Err(io::Error::other(format!("no address for {host}")));
    };
    let listener = listen(addr)?;
    // The real port, for `peer server 0`.
    println!("Starting server @{host} port {}", listener.local_addr()?.port());
    let stop = async {
        // If Ctrl-C cannot be listened for, run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    serve(listener, &log, io::stdout(), stop).await?;
    println!("Stopped; the log is in {}", log.display());
    Ok(())
}

async fn client(addrs: Vec<String>) {
    for addr in &addrs {
        println!("Connecting to {addr}");
    }
    if let [addr] = addrs.as_slice() {
        run(addr, io::stdout()).await;
    } else {
        run_many(&addrs, io::stdout()).await;
    }
}

/// How many connections the kernel may hold for the accept loop (the `listen` backlog); Linux
/// lowers a larger number to its own limit, `net.core.somaxconn` (4096 by default).
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
