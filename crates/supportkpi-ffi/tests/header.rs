//! The checked-in header is what cbindgen generates from this crate, byte for byte.
//!
//! `SUPPORTKPI_BLESS=1 cargo test -p supportkpi-ffi --test header` rewrites it after an intended
//! change of the C API; review the diff of `include/supportkpi.h` like any other code.

use std::path::Path;

#[test]
fn header_matches_the_source() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen parses the crate");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");

    let path = crate_dir.join("include/supportkpi.h");
    if std::env::var_os("SUPPORTKPI_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("include/supportkpi.h is writable");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if checked_in != generated {
        let line = checked_in
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || checked_in.lines().count().min(generated.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "include/supportkpi.h differs from what cbindgen generates (first difference at \
             line {line}); if the change of the C API is intended, run \
             SUPPORTKPI_BLESS=1 cargo test -p supportkpi-ffi --test header and commit the header"
        );
    }
}
