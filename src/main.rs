fn main() {
    std::process::exit(bokashi::run());
}
