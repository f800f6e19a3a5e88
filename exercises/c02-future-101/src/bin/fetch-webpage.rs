//! Fetches a page and prints it minified:
//! `cargo run -p c02-future-101 --bin fetch-webpage -- [--url URL] [--mode sync|chained|inline]`.

use c02_future_101::{DEFAULT_URL, chained_call, inline_call, synchronous_call};
use clap::{Parser, ValueEnum};
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Fetches a web page and prints it with every whitespace character removed")]
struct Args {
    /// The page to fetch.
    #[arg(long, default_value = DEFAULT_URL)]
    url: String,
    /// Which version to run: the given blocking one, or your Q1 or Q2 answer.
    #[arg(long, value_enum, default_value_t = Mode::Sync)]
    mode: Mode,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    /// `synchronous_call`: blocking, no runtime at all.
    Sync,
    /// `chained_call` (Q1) on a tokio runtime.
    Chained,
    /// `inline_call` (Q2) on a tokio runtime.
    Inline,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.mode {
        Mode::Sync => synchronous_call(&args.url),
        Mode::Chained | Mode::Inline => {
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("cannot start a tokio runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match args.mode {
                Mode::Chained => runtime.block_on(chained_call(&args.url)),
                _ => runtime.block_on(inline_call(&args.url)),
            }
        }
    };
    match result {
        Ok(page) => {
            println!("{page}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
