//! The identity server: `cargo run -p c01-identity-solution --bin identity-server-solution -- [--port 8000] [--question 1|2]`,
//! then `nc 127.0.0.1 8000` in another terminal. Ctrl-C stops it.

use c01_identity_solution::{q1, q2};
use clap::Parser;
use tokio::net::TcpListener;

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

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).await?;
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
