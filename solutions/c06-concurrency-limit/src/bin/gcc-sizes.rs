//! The sizes of gcc's release tarballs, two requests at a time:
//! `cargo run -p c06-concurrency-limit-solution --bin gcc-sizes-solution -- [--max-run 2] [--base-url URL] [URL…]`.

use c06_concurrency_limit_solution::{GCC_BASE_URL, MAX_RUN, download, gcc_urls};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Prints the size of each URL's download, with a limit on requests in flight")]
struct Args {
    /// How many requests may be in flight at once.
    #[arg(long, default_value_t = MAX_RUN)]
    max_run: usize,
    /// Where the gcc releases live (used when no URL is given).
    #[arg(long, default_value = GCC_BASE_URL)]
    base_url: String,
    /// URLs to size instead of the seven gcc tarballs.
    urls: Vec<String>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let urls = if args.urls.is_empty() {
        gcc_urls(&args.base_url)
    } else {
        args.urls
    };
    download(&urls, args.max_run, &mut std::io::stdout()).await
}
