fn main() {
    std::process::exit(bindery::cli::main());
}
