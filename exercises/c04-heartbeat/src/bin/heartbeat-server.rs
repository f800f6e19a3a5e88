//! The heartbeat server: `cargo run -p c04-heartbeat --bin heartbeat-server -- [--port 5000]`,
//! then `nc 127.0.0.1 5000` in another terminal. Ctrl-C stops it.

use c04_heartbeat::serve;
use clap::Parser;
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(about = "Sends every client a `*` at once and then every 3 seconds")]
struct Args {
    /// Port to listen on (all IPv4 interfaces).
    #[arg(long, default_value_t = 5000)]
    port: u16,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind(("0.0.0.0", args.port)).await?;
    println!("heartbeat server listening on {}", listener.local_addr()?);
    tokio::select! {
        result = serve(listener) => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
