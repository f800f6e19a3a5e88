//! `cargo run -p c11-triforce-solution --bin triforce-solution -- [--port 8900] [--obstinate]`, then `nc 127.0.0.1 8900`.
fn main() {
    std::process::exit(c11_triforce_solution::cli::main(std::env::args_os().collect()))
}
