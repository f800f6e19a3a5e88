//! Who got "yes" first: `cargo run -p c05-first-yes --bin who-got-yes-first -- [--url URL]`.
//! Asks the yes/no API three times: prints all the answers, then the first yes.

use c05_first_yes::{DEFAULT_URL, get_all, get_first_yes};
use clap::Parser;
use std::io::{Write, stderr, stdout};

#[derive(Parser)]
#[command(about = "Asks a yes/no API three times: all the answers, then the first yes")]
struct Args {
    /// The API's URL (each request asks it once).
    #[arg(long, default_value = DEFAULT_URL)]
    url: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let urls = vec![args.url; 3];
    let mut out = stdout();
    writeln!(out, "ALL RESULTS:")?;
    get_all(&urls, &mut out).await?;
    writeln!(out)?;
    writeln!(out, "THE FIRST YES:")?;
    get_first_yes(&urls, &mut out, &mut stderr()).await?;
    Ok(())
}
