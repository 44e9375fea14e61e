//! See `supportkpi::io::fuzz_entry::surveys`: the body this target shares with the corpus replay test.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = supportkpi::io::fuzz_entry::surveys(data);
});
