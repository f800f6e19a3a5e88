//! Chain them up: `cargo run -p c08-chain-them-up --bin chain-them-up -- [--fail] [--original]`.
//! Builds the three stages, links them, and fires the first with `test` (or with a failure).

use c08_chain_them_up::{Failure, Transcript, link_in_one, link_like_the_original, stages};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Three stages linked d1 → d2 → d3; fires d1 and prints what each stage gets")]
struct Args {
    /// Fire d1 on the error path, with the failure `boom`, instead of the value `test`.
    #[arg(long)]
    fail: bool,
    /// Link the stages as the original does (two `add_callbacks`) instead of with your answer.
    #[arg(long)]
    original: bool,
}

fn main() {
    let args = Args::parse();
    let (d1, d2, d3) = stages(&Transcript::stdout());
    let head = if args.original {
        link_like_the_original(&d1, &d2, &d3);
        &d1
    } else {
        link_in_one(&d1, &d2, &d3)
    };
    if args.fail {
        head.errback(Failure::new("boom"));
    } else {
        head.callback("test");
    }
    // Twisted logs a failure that nobody handled ("Unhandled error in Deferred"); say where it ended.
    if let Some(Err(failure)) = d3.result() {
        eprintln!("d3 ended on the error path: {failure}");
    }
}
