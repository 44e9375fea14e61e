//! The `supportkpi` command.
fn main() {
    eprintln!(
        "supportkpi {}: the report command arrives with the CLI work",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
