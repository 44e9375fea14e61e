//! See `supportkpi::io::fuzz_entry::parquet`: the body this target shares with the corpus replay test.
#![no_main]

static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys's panic hook aborts at once, even on a panic the core catches (the
    // Parquet decoder's, turned into a typed error): the default hook lets it unwind to that
    // catch. A panic nobody catches still aborts (libfuzzer-sys catches it around the target).
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let _ = supportkpi::io::fuzz_entry::parquet(data);
});
