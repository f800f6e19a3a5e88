fn main() {
    let args = std::env::args_os().collect();
    std::process::exit(c13_reliable_udp::cli::main(args))
}
