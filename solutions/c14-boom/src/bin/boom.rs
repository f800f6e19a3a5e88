fn main() {
    std::process::exit(c14_boom_solution::cli::main(std::env::args_os().collect()))
}
