//! Work with synchronous functions: `cargo run -p c09-sync-functions --bin sync-functions -- [--blocking]`.
//! Prints `Hello World`, as the original does; `--blocking` then runs a 1 s blocking function through
//! `to_future` next to a 100 ms ticker, to show whether the ticker keeps ticking.

use c09_sync_functions::{hello_world, to_future};
use clap::Parser;
use std::time::Duration;
use tokio::time::{Instant, interval};

#[derive(Parser)]
#[command(about = "Prints what a ready future holds; runs a blocking function off the event loop")]
struct Args {
    /// Also run a 1 s blocking function through `to_future` next to a 100 ms ticker.
    #[arg(long)]
    blocking: bool,
}

// One thread for every task, like Twisted's reactor: a blocking call on it stops everything.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    // The original: `maybeDeferred(helloWorld).addCallback(print)`.
    println!("{}", hello_world().await);
    if args.blocking {
        blocking_demo().await;
    }
}

async fn blocking_demo() {
    let started = Instant::now();
    let ticker = tokio::spawn(async move {
        let mut ticks = interval(Duration::from_millis(100));
        loop {
            ticks.tick().await;
            println!("tick at {:>4} ms", started.elapsed().as_millis());
        }
    });
    let result = to_future(|| {
        std::thread::sleep(Duration::from_secs(1));
        Ok::<_, String>("slept 1 s on a blocking thread")
    })
    .await;
    ticker.abort();
    println!("{result:?} after {} ms", started.elapsed().as_millis());
}
