//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs`), shared with the test that
//! replays their committed corpora (`tests/it/fuzz_corpus.rs`), so that what the fuzzer checks
//! and what the test command checks is one rule in one place. Not a stable API.
//!
//! Each function reads hostile bytes the way a file reaches a reader and returns `Ok` or a
//! typed [`Error`](crate::Error); it panics only when an invariant the readers promise is broken (that is
//! the bug the fuzzer reports):
//!
//! - lenient: accepted + rejected = read, and every rejected record names a line ≥ 1 that its
//!   error carries;
//! - strict: `Ok` exactly when lenient rejects nothing, with the same records.

use super::load::EventLog;
use super::presets::{read_document_histories, read_document_surveys, read_document_tickets};
use super::{
    ErrorMode, Format, Preset, ReadOptions, ReadOutcome, Rejected, SurveyReader, TicketReader,
    read_servicenow_from,
};
use crate::error::Result;
use std::fmt::Debug;

fn lenient() -> ReadOptions {
    ReadOptions::new().errors(ErrorMode::Lenient)
}

/// The promises of a lenient read's rejects.
fn check_rejects(rejected: &[Rejected]) {
    for r in rejected {
        assert!(r.line >= 1, "a rejected record has no line: {r:?}");
        assert_eq!(r.error.line(), Some(r.line), "the error names another line");
        assert!(
            !r.error.rule().is_empty(),
            "a rejected record names no rule"
        );
    }
}

/// Strict and lenient reads of the same input, compared.
fn both<T: PartialEq + Debug>(
    read: impl Fn(&ReadOptions) -> Result<ReadOutcome<T>>,
    options: ReadOptions,
) -> Result<()> {
    let strict = read(&options.clone().errors(ErrorMode::Strict));
    let lenient = read(&options.errors(ErrorMode::Lenient));
    let out = match (strict, lenient) {
        (Err(s), Err(l)) => {
            assert_eq!(s.kind(), l.kind(), "strict and lenient fail differently");
            return Err(s);
        }
        (Ok(_), Err(l)) => panic!("strict read it, lenient failed: {l}"),
        (Err(s), Ok(out)) => {
            assert!(
                !out.rejected.is_empty(),
                "strict failed ({s}), lenient rejected nothing"
            );
            out
        }
        (Ok(strict), Ok(out)) => {
            assert!(out.rejected.is_empty(), "strict read what lenient rejected");
            assert_eq!(strict.records, out.records, "strict and lenient differ");
            out
        }
    };
    assert_eq!(
        out.records.len() as u64 + out.rejected.len() as u64,
        out.read,
        "accepted + rejected != read"
    );
    check_rejects(&out.rejected);
    Ok(())
}

/// `Ok` when either reading succeeded (the bytes are one format, not both), else the second
/// error.
fn either(a: Result<()>, b: Result<()>) -> Result<()> {
    a.or(b)
}

/// Canonical tickets: the bytes as CSV and as JSON Lines.
pub fn tickets(data: &[u8]) -> Result<()> {
    let csv = both(
        |o| TicketReader::csv(data, o)?.read_all(),
        ReadOptions::new(),
    );
    let jsonl = both(
        |o| TicketReader::json_lines(data, o)?.read_all(),
        ReadOptions::new(),
    );
    either(csv, jsonl)
}

/// Survey responses: the bytes as CSV and as JSON Lines, scores checked on the default scales.
pub fn surveys(data: &[u8]) -> Result<()> {
    let scales = ReadOptions::new().survey_scales(Default::default(), Default::default());
    let csv = both(|o| SurveyReader::csv(data, o)?.read_all(), scales.clone());
    let jsonl = both(|o| SurveyReader::json_lines(data, o)?.read_all(), scales);
    either(csv, jsonl)
}

/// A canonical event log derived into histories, as `io::load` does: the bytes as CSV and as
/// JSON Lines. Every record is accounted for: the histories' events + rejected = read.
pub fn events(data: &[u8]) -> Result<()> {
    let one = |format: Format| -> Result<()> {
        let strict = lenient().errors(ErrorMode::Strict);
        let log = EventLog::read(data, format, &lenient())?;
        let events = log.events.len() as u64;
        assert_eq!(events + log.rejected.len() as u64, log.read);
        let out = log.histories(&lenient())?;
        check_rejects(&out.rejected);
        let kept = out.read - out.rejected.len() as u64;
        let histories = out.records;
        let ids: std::collections::HashSet<_> = histories.iter().map(|h| h.id().clone()).collect();
        assert_eq!(ids.len(), histories.len(), "two histories of one ticket");
        assert!(kept <= events, "more events kept than read");
        match EventLog::read(data, format, &strict).and_then(|log| log.histories(&strict)) {
            Ok(strict) => {
                assert!(out.rejected.is_empty(), "strict read what lenient rejected");
                assert_eq!(strict.records, histories);
                Ok(())
            }
            Err(e) => {
                assert!(
                    !out.rejected.is_empty(),
                    "strict failed ({e}), lenient did not"
                );
                Err(e)
            }
        }
    };
    either(one(Format::Csv), one(Format::JsonLines))
}

/// The ServiceNow incident event log (CSV and JSON Lines).
pub fn servicenow(data: &[u8]) -> Result<()> {
    let one = |format: Format| -> Result<()> {
        let out = read_servicenow_from(data, &lenient().format(format))?;
        assert_eq!(out.accepted + out.rejected.len() as u64, out.read);
        check_rejects(&out.rejected);
        check_rejects(&out.rejected_tickets);
        let strict = read_servicenow_from(data, &ReadOptions::new().format(format));
        if strict.is_ok() {
            assert!(out.rejected.is_empty() && out.rejected_tickets.is_empty());
        }
        strict.map(|_| ())
    };
    either(one(Format::Csv), one(Format::JsonLines))
}

/// The CSV ticket presets (Zendesk, Freshdesk, Jira, HubSpot) over the same bytes.
pub fn csv_presets(data: &[u8]) -> Result<()> {
    let mut result = Err(crate::Error::new(
        crate::ErrorKind::InvalidValue,
        "no preset read it",
    ));
    for preset in [
        Preset::Zendesk,
        Preset::Freshdesk,
        Preset::Jira,
        Preset::Hubspot,
    ] {
        let one = both(
            |o| TicketReader::csv(data, o)?.read_all(),
            ReadOptions::new().preset(preset),
        );
        result = either(result, one);
    }
    result
}

/// The JSON API presets: Zendesk's, Freshdesk's and Intercom's tickets and ratings documents, and the event logs of the five presets that have one, derived into histories.
pub fn json_presets(data: &[u8]) -> Result<()> {
    let mut result = Err(crate::Error::new(
        crate::ErrorKind::InvalidValue,
        "no preset read it",
    ));
    for preset in [Preset::ZendeskJson, Preset::FreshdeskJson, Preset::Intercom] {
        let tickets = both(
            |o| read_document_tickets(preset, data, o),
            ReadOptions::new(),
        );
        let surveys = both(
            |o| read_document_surveys(preset, data, o),
            ReadOptions::new(),
        );
        result = either(result, either(tickets, surveys));
    }
    // The event logs, derived: every ticket a history or a reject, at its first record.
    for preset in [
        Preset::ZendeskJson,
        Preset::Intercom,
        Preset::HelpScout,
        Preset::Zammad,
        Preset::Chatwoot,
    ] {
        let histories = both(
            |o| read_document_histories(preset, data, o),
            ReadOptions::new(),
        );
        result = either(result, histories);
    }
    result
}

/// A Parquet file's bytes read as tickets, events and surveys by the Arrow readers.
#[cfg(feature = "parquet")]
pub fn parquet(data: &[u8]) -> Result<()> {
    use super::arrow;
    use super::parquet::batches_of_bytes;
    let tickets = both(
        |o| arrow::read_tickets(batches_of_bytes(data)?, o),
        ReadOptions::new(),
    );
    let surveys = both(
        |o| arrow::read_surveys(batches_of_bytes(data)?, o),
        ReadOptions::new(),
    );
    let events = both(
        |o| arrow::read_events(batches_of_bytes(data)?, o),
        ReadOptions::new(),
    );
    either(tickets, either(surveys, events))
}
