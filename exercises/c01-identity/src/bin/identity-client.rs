//! The identity client: `cargo run -p c01-identity --bin identity-client -- [--port 8000]`,
//! then type lines; each one is sent on a connection of its own and the reply printed. Ctrl-D ends.

use c01_identity::client;
use clap::Parser;
use tokio::io::BufReader;

#[derive(Parser)]
#[command(about = "Sends each line of stdin to the identity server and prints the replies")]
struct Args {
    /// The server's host.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The server's port.
    #[arg(long, default_value_t = 8000)]
    port: u16,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let addr = format!("{}:{}", args.host, args.port);
    // tokio's stdin reads on a blocking thread of its own: the runtime never waits for the keyboard.
    let input = BufReader::new(tokio::io::stdin());
    let code = client::run(&addr, input, tokio::io::stdout(), tokio::io::stderr()).await;
    std::process::exit(code);
}
