fn main() {
    let args = std::env::args_os().collect();
    std::process::exit(c13_reliable_udp_solution::cli::main(args))
}
