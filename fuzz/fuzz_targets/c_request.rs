//! See `supportkpi_ffi::fuzz_report_request`: the body this target shares with the corpus
//! replay test (crates/supportkpi-ffi/src/fuzz_corpus.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ffi::fuzz_report_request(data);
});
