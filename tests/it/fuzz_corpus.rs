//! The committed fuzz corpora (fuzz/corpus/<target>/) replayed through the very functions the
//! fuzz targets call (`supportkpi::io::fuzz_entry`): each file ends in `Ok` or a typed error,
//! never a panic, and the readers' accounting holds (the functions assert it). No libFuzzer
//! here: this is the regression test of every input the fuzzers found or were seeded with.

use std::path::PathBuf;
use supportkpi::io::fuzz_entry;

type Entry = fn(&[u8]) -> supportkpi::error::Result<()>;

/// Replays every file of `fuzz/corpus/<target>`, returning how many ended in an error.
fn replay(target: &str, entry: Entry) -> (usize, usize) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{target}: an empty corpus");
    let mut errors = 0;
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let outcome = std::panic::catch_unwind(|| entry(&data));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                assert!(
                    !e.rule().is_empty(),
                    "{}: an error without a rule",
                    file.display()
                );
                errors += 1;
            }
            Err(_) => panic!("{target}: {} panicked", file.display()),
        }
    }
    (files.len(), errors)
}

#[test]
fn tickets_corpus() {
    let (files, errors) = replay("tickets", fuzz_entry::tickets);
    assert!(errors < files, "the seeds include readable files");
}

#[test]
fn events_corpus() {
    replay("events", fuzz_entry::events);
}

#[test]
fn surveys_corpus() {
    replay("surveys", fuzz_entry::surveys);
}

#[test]
fn servicenow_corpus() {
    let (files, errors) = replay("servicenow", fuzz_entry::servicenow);
    assert!(errors < files);
}

#[test]
fn csv_presets_corpus() {
    replay("csv_presets", fuzz_entry::csv_presets);
}

#[test]
fn json_presets_corpus() {
    replay("json_presets", fuzz_entry::json_presets);
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_corpus() {
    replay("parquet", fuzz_entry::parquet);
}
