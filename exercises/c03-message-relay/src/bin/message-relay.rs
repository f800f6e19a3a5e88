//! The message relay: `cargo run -p c03-message-relay --bin message-relay -- [--unfixed]`.
//! Runs the chain of Q1, then the chain of Q2, and prints what the persons say.

use c03_message_relay::{Blame, Transcript, q1, q2, unfixed_q1, unfixed_q2};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Three persons relay a message along callback and errback chains")]
struct Args {
    /// Run the chains as the original leaves them, without your steps.
    #[arg(long)]
    unfixed: bool,
}

/// A chain that ends with a blame nobody took care of: Twisted logs "Unhandled error in Deferred".
fn report(question: &str, outcome: Result<String, Blame>) {
    if let Err(blame) = outcome {
        eprintln!("{question}: unhandled blame: {blame}");
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let out = Transcript::stdout();
    if args.unfixed {
        report("q1", unfixed_q1(&out).await);
        report("q2", unfixed_q2(&out).await);
    } else {
        report("q1", q1(&out).await);
        report("q2", q2(&out).await);
    }
}
