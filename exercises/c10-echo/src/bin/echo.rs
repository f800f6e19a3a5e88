//! The echo server and client: `cargo run -p c10-echo --bin echo -- both --port 0`
//! (or `server`, then `client` in another terminal). The code is in `src/cli.rs`.

fn main() {
    std::process::exit(c10_echo::cli::main(std::env::args_os().collect()))
}
