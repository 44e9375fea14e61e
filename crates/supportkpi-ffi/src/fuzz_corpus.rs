//! Unit tests, not an integration test: the crate's lib is named `supportkpi` like the core's,
//! so a test binary linking both could not tell them apart.
//!
//! The committed corpus of the `c_request` fuzz target (fuzz/corpus/c_request/) replayed
//! through the function the target calls: every request ends in a response (JSON, checked
//! there) or a result code with a message, never a panic.

use crate::{fuzz_report_request, supportkpi_result};
use std::path::PathBuf;

#[test]
fn c_request_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/c_request");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut answered = 0;
    for file in &files {
        let data = std::fs::read(file).unwrap();
        match std::panic::catch_unwind(|| fuzz_report_request(&data)) {
            Ok(Ok(_)) => answered += 1,
            Ok(Err((code, message))) => {
                assert_ne!(code, supportkpi_result::Ok, "{}", file.display());
                assert!(!message.is_empty(), "{}: no message", file.display());
            }
            Err(_) => panic!("{} panicked", file.display()),
        }
    }
    assert!(answered > 0, "the seeds include a request that reports");
}

/// A request naming a file is refused before anything is opened (the target never reads
/// the fuzzing host's files).
#[test]
fn a_file_is_never_opened() {
    let (code, message) =
        fuzz_report_request(br#"{"sources": {"tickets": "/etc/passwd"}}"#).unwrap_err();
    assert_eq!(code, supportkpi_result::InvalidOption);
    assert!(message.contains("SUPPORTKPI_REPORT_NO_FILES"), "{message}");
}

/// Accepted + rejected = read for C inline records: random mixes of good and bad tickets in a
/// lenient request (a small linear congruential generator, so the cases are the same every run).
/// Each bad record is rejected by its index, naming its field, value and rule; the good ones
/// are the report's tickets.
#[test]
fn inline_records_are_all_accounted_for() {
    let mut seed: u64 = 19;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % n
    };
    for _case in 0..40 {
        let count = next(12) as usize;
        let mut records = Vec::new();
        let mut bad = Vec::new();
        // Whether a T-0 was accepted (ids are unique among the accepted records).
        let mut t0 = false;
        for i in 0..count {
            let id = format!("T-{i}");
            let (record, good) = match next(5) {
                0 | 1 => (
                    format!(r#"{{"id":"{id}","created_at":"2021-06-01T08:00:00Z"}}"#),
                    true,
                ),
                2 => (
                    format!(
                        r#"{{"id":"{id}","created_at":"2021-06-01T08:00:00Z","resolved_at":"2021-06-01T07:00:00Z"}}"#
                    ),
                    false,
                ),
                3 => (
                    r#"{"id":"T-0","created_at":"2021-06-01T08:00:00Z"}"#.to_owned(),
                    !t0,
                ),
                _ => (
                    format!(
                        r#"{{"id":"{id}","created_at":"2021-06-01T08:00:00Z","first_response_at":"2021-05-01T00:00:00Z"}}"#
                    ),
                    false,
                ),
            };
            if !good {
                bad.push(i);
            } else if record.contains(r#""T-0""#) {
                t0 = true;
            }
            records.push(record);
        }
        let request = format!(
            r#"{{"read":{{"errors":"lenient"}},"options":{{"period":"month"}},"records":{{"tickets":[{}]}}}}"#,
            records.join(",")
        );
        let out = fuzz_report_request(request.as_bytes()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let rejected = v["rejected"].as_array().unwrap();
        let indexes: Vec<usize> = rejected
            .iter()
            .map(|r| r["index"].as_u64().unwrap() as usize)
            .collect();
        assert_eq!(indexes, bad, "{request}");
        for r in rejected {
            assert_eq!(r["source"], "tickets");
            assert!(r["field"].is_string() && r["rule"].is_string(), "{r}");
            assert!(r["value"].is_string(), "{r}");
        }
        assert_eq!(v["read"][0]["records"].as_u64(), Some(count as u64));
        let created: u64 = v["report"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["tickets_created"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(created as usize + bad.len(), count, "{out}");
    }
}
