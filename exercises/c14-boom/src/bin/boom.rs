fn main() {
    std::process::exit(c14_boom::cli::main(std::env::args_os().collect()))
}
