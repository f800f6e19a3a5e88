//! The original program: waits 2 seconds for a future that never completes, then prints what the
//! canceller made of it.
//! `cargo run -p c07-cancel-on-timeout-solution --bin cancel-on-timeout-solution -- [--timeout 2] [--url URL]`.

use c07_cancel_on_timeout_solution::{fetch, program};
use clap::Parser;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Gives up on a future after a timeout, cancels it and logs what the canceller produced")]
struct Args {
    /// Seconds to wait before giving up.
    #[arg(long, value_parser = seconds, default_value = "2")]
    timeout: Duration,
    /// Wait for this page instead of a future that never completes (try a server that is slow to
    /// answer).
    #[arg(long)]
    url: Option<String>,
}

fn seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|e| format!("{e}"))?;
    Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut out = std::io::stdout();
    match args.url {
        Some(url) => program(fetch(url), args.timeout, &mut out).await,
        None => program(std::future::pending(), args.timeout, &mut out).await,
    }
}
