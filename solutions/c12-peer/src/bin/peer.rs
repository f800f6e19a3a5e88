fn main() {
    std::process::exit(c12_peer_solution::cli::main(std::env::args_os().collect()))
}
