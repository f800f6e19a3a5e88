fn main() {
    std::process::exit(c12_peer::cli::main(std::env::args_os().collect()))
}
