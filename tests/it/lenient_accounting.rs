//! Lenient reading accounts for every record (issue #19): event-log rejects per record with
//! their lines and ticket ids, merge cycles and self-merges, a preset whose columns are absent,
//! and accepted + rejected = read over random mixes of good and bad rows.

use proptest::prelude::*;
use std::path::PathBuf;
use supportkpi::ErrorKind;
use supportkpi::io::{ErrorMode, Preset, ReadOptions, SourceKind, Sources, TicketReader, load};

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("supportkpi-accounting-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn lenient() -> ReadOptions {
    ReadOptions::new().errors(ErrorMode::Lenient)
}

const HEADER: &str = "ticket_id,at,kind,author,public,to,into\n";

/// Line by line: A is fine (2, 3); B was never created (4, 5); C's row has no instant (6);
/// D and E are merged into each other (7-10); F into itself (11, 12).
const EVENTS: &str = "\
A,2021-06-01T08:00:00Z,created,,,,
A,2021-06-01T09:00:00Z,reply,agent,true,,
B,2021-06-01T08:00:00Z,status_change,,,open,
B,2021-06-01T09:00:00Z,reply,agent,true,,
C,yesterday,created,,,,
D,2021-06-01T08:00:00Z,created,,,,
E,2021-06-01T08:00:00Z,created,,,,
D,2021-06-01T09:00:00Z,merged,,,,E
E,2021-06-01T10:00:00Z,merged,,,,D
F,2021-06-01T08:00:00Z,created,,,,
F,2021-06-01T09:00:00Z,merged,,,,F
";

#[test]
fn event_log_rejects_are_counted_per_record_with_line_and_ticket() {
    let path = temp("events.csv", &format!("{HEADER}{EVENTS}"));
    let sources = Sources {
        events: Some(path.clone()),
        ..Sources::default()
    };
    let loaded = load(&sources, &lenient()).unwrap();
    assert_eq!(loaded.read, [(SourceKind::Events, 11)]);
    let ids: Vec<&str> = loaded
        .input
        .histories
        .iter()
        .map(|h| h.id().as_str())
        .collect();
    assert_eq!(ids, ["A"]);
    type Seen<'a> = (u64, &'a str, ErrorKind, Option<&'a str>, Option<&'a str>);
    let rejects: Vec<Seen<'_>> = loaded
        .rejected
        .iter()
        .map(|r| {
            let e = &r.rejected.error;
            (
                r.rejected.line,
                e.record().and_then(|x| x.id.as_deref()).unwrap_or(""),
                e.kind(),
                e.field(),
                e.value(),
            )
        })
        .collect();
    use ErrorKind::*;
    assert_eq!(
        rejects,
        [
            (4, "B", MissingField, Some("created"), None),
            (5, "B", MissingField, Some("created"), None),
            (6, "C", InvalidTimestamp, Some("at"), Some("yesterday")),
            (7, "D", InvalidValue, Some("into"), Some("E")),
            (8, "E", InvalidValue, Some("into"), Some("D")),
            (9, "D", InvalidValue, Some("into"), Some("E")),
            (10, "E", InvalidValue, Some("into"), Some("D")),
            (11, "F", InvalidValue, Some("into"), Some("F")),
            (12, "F", InvalidValue, Some("into"), Some("F")),
        ]
    );
    // Accepted (A's two events) + rejected = read.
    assert_eq!(2 + loaded.rejected.len() as u64, 11);
    for r in &loaded.rejected {
        assert_eq!(r.rejected.error.line(), Some(r.rejected.line));
        assert!(r.rejected.error.to_string().contains("events.csv"));
    }
    let cycle = &loaded.rejected[3].rejected.error;
    assert!(cycle.rule().contains("D -> E -> D"), "{cycle}");

    // Strict stops at the first bad row (C, line 6); without it, at B's first event.
    let strict = load(&sources, &ReadOptions::new()).unwrap_err();
    assert_eq!((strict.kind(), strict.line()), (InvalidTimestamp, Some(6)));
    let without_c: String = EVENTS
        .lines()
        .filter(|l| !l.starts_with("C,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = temp("events_no_c.csv", &format!("{HEADER}{without_c}"));
    let sources = Sources {
        events: Some(path),
        ..Sources::default()
    };
    let strict = load(&sources, &ReadOptions::new()).unwrap_err();
    assert_eq!((strict.kind(), strict.line()), (MissingField, Some(4)));
    assert_eq!(strict.record().unwrap().id.as_deref(), Some("B"));
}

#[test]
fn a_merge_cycle_alone_is_a_strict_error_naming_both_tickets() {
    let text = "ticket_id,at,kind,into\n\
                A,2021-06-01T08:00:00Z,created,\n\
                B,2021-06-01T08:00:00Z,created,\n\
                A,2021-06-01T09:00:00Z,merged,B\n\
                B,2021-06-01T09:30:00Z,merged,A\n";
    let sources = Sources {
        events: Some(temp("cycle.csv", text)),
        ..Sources::default()
    };
    let e = load(&sources, &ReadOptions::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert_eq!(e.line(), Some(2));
    assert!(e.to_string().contains("A -> B -> A"), "{e}");
}

/// The reproducer's ticket as a Parquet file, written by the parquet crate.
fn canonical_parquet() -> PathBuf {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    let text = |v: &str| -> ArrayRef { std::sync::Arc::new(StringArray::from(vec![v])) };
    let batch = RecordBatch::try_from_iter([
        ("id", text("T-1")),
        ("created_at", text("2021-06-01T08:00:00Z")),
        ("first_response_at", text("2021-06-01T09:00:00Z")),
    ])
    .unwrap();
    let dir = std::env::temp_dir().join(format!("supportkpi-accounting-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("canonical.parquet");
    let file = std::fs::File::create(&path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    path
}

/// The reproducer: a canonical tickets file read with `--preset zendesk` read every
/// ticket without its first reply time.
#[test]
fn a_preset_whose_columns_are_absent_is_refused_naming_them() {
    let canonical =
        "id,created_at,first_response_at\nT-1,2021-06-01T08:00:00Z,2021-06-01T09:00:00Z\n";
    let path = temp("canonical.csv", canonical);
    let parquet = canonical_parquet();
    for (preset, missing) in [
        (Preset::Zendesk, "Created at"),
        (Preset::Freshdesk, "Ticket ID, Created time"),
        (Preset::Jira, "Issue key, Created"),
        (Preset::Hubspot, "Ticket ID, Create date"),
    ] {
        let options = ReadOptions::new().preset(preset);
        let e = TicketReader::csv(canonical.as_bytes(), &options).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField, "{preset}");
        assert!(
            e.rule().contains(&format!("has no {missing}:")),
            "{preset}: {e}"
        );
        assert_eq!(e.line(), Some(1));
        let sources = Sources {
            tickets: Some(path.clone()),
            preset: Some(preset),
            ..Sources::default()
        };
        let e = load(&sources, &lenient()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField);
        assert!(e.to_string().contains("canonical.csv"), "{e}");
        // The same table as Parquet (and so as Arrow batches): the same check, by the same
        // rule, before any row is read.
        let sources = Sources {
            tickets: Some(parquet.clone()),
            preset: Some(preset),
            ..Sources::default()
        };
        let e = load(&sources, &lenient()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField, "{preset}");
        assert!(
            e.rule().contains(&format!("has no {missing}:")),
            "{preset}: {e}"
        );
        assert!(e.to_string().contains("canonical.parquet"), "{e}");
    }
    // The export's own spelling, in any case, is what the preset reads.
    let zendesk = "ID,Created At,First reply time in minutes\n5,2021-06-01 10:00:00,30\n";
    let t = TicketReader::csv(
        zendesk.as_bytes(),
        &ReadOptions::new().preset(Preset::Zendesk),
    )
    .unwrap()
    .next()
    .unwrap()
    .unwrap();
    assert_eq!(t.first_response_seconds(), Some(1800));
}

/// A ServiceNow event log without `sys_updated_at` is another export: one `MissingField`
/// naming the column before any row, from a CSV header, an Arrow table and a Parquet file
/// alike, in lenient mode too (before, the table and the file rejected every row).
#[test]
fn a_servicenow_log_without_its_columns_is_refused_before_any_row() {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use supportkpi::io::{arrow, read_servicenow, read_servicenow_from};
    let col = |v: Vec<&str>| -> ArrayRef { std::sync::Arc::new(StringArray::from(v)) };
    let batch = RecordBatch::try_from_iter([
        ("number", col(vec!["INC1", "INC1"])),
        ("incident_state", col(vec!["New", "Resolved"])),
        (
            "opened_at",
            col(vec!["01-06-2021 08:00", "01-06-2021 08:00"]),
        ),
    ])
    .unwrap();
    let csv = "number,incident_state,opened_at\nINC1,New,01-06-2021 08:00\n\
               INC1,Resolved,01-06-2021 08:00\n";
    let parquet = {
        let path = temp("servicenow.parquet", "");
        let file = std::fs::File::create(&path).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        path
    };
    for options in [ReadOptions::new(), lenient()] {
        let preset = options.clone().preset(Preset::ServiceNow);
        let errors = [
            read_servicenow_from(csv.as_bytes(), &options).unwrap_err(),
            arrow::read_servicenow(arrow::batches([batch.clone()]), &options).unwrap_err(),
            arrow::read(
                SourceKind::Tickets,
                arrow::batches([batch.clone()]),
                &preset,
            )
            .unwrap_err(),
            arrow::read(SourceKind::Events, arrow::batches([batch.clone()]), &preset).unwrap_err(),
            read_servicenow(&parquet, &options).unwrap_err(),
        ];
        for (i, e) in errors.into_iter().enumerate() {
            assert_eq!(e.kind(), ErrorKind::MissingField, "{e}");
            assert_eq!(e.field(), Some("sys_updated_at"), "{e}");
            // The CSV header is line 1; a table has no header line.
            assert_eq!(e.line(), (i == 0).then_some(1), "{e}");
            let what = if i == 0 { "header" } else { "table" };
            assert!(
                e.rule()
                    .starts_with(&format!("the {what} has no column for the required field")),
                "{e}"
            );
        }
        let sources = Sources {
            tickets: Some(parquet.clone()),
            preset: Some(Preset::ServiceNow),
            ..Sources::default()
        };
        let e = load(&sources, &options).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField, "{e}");
        assert!(e.to_string().contains("servicenow.parquet"), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// accepted + rejected = read, over random mixes of good and bad rows

/// A ticket row, good or bad in one of several ways; the bool says good.
fn ticket_row(i: usize, kind: u8) -> (String, bool) {
    match kind {
        0 => (
            format!("T-{i},2021-06-01T08:00:00Z,2021-06-01T09:00:00Z"),
            true,
        ),
        1 => (format!("T-{i},yesterday,"), false),
        2 => (
            format!("T-{i},2021-06-01T08:00:00Z,2021-06-01T07:00:00Z"),
            false,
        ),
        3 => (format!("T-{i},2021-06-01T08:00:00Z"), false),
        4 => ("T-0,2021-06-01T08:00:00Z,".to_owned(), false),
        _ => (",2021-06-01T08:00:00Z,".to_owned(), false),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ticket_rows_are_all_accounted_for(kinds in prop::collection::vec(0u8..6, 0..40)) {
        let mut text = String::from("id,created_at,resolved_at\nT-0,2021-06-01T08:00:00Z,\n");
        let mut bad_lines = Vec::new();
        for (i, k) in kinds.iter().enumerate() {
            let (row, good) = ticket_row(i + 1, *k);
            if !good {
                bad_lines.push(i as u64 + 3);
            }
            text.push_str(&row);
            text.push('\n');
        }
        let out = TicketReader::csv(text.as_bytes(), &lenient()).unwrap().read_all().unwrap();
        prop_assert_eq!(out.read, kinds.len() as u64 + 1);
        prop_assert_eq!(out.records.len() + out.rejected.len(), out.read as usize);
        let lines: Vec<u64> = out.rejected.iter().map(|r| r.line).collect();
        prop_assert_eq!(lines, bad_lines);
        for r in &out.rejected {
            prop_assert_eq!(r.error.line(), Some(r.line));
            prop_assert!(!r.error.rule().is_empty());
            prop_assert!(r.error.field().is_some() || r.error.kind() == ErrorKind::InvalidValue);
        }
    }

    /// Events of random tickets, some never created, some merged into each other; every record
    /// is either in a derived history's ticket or rejected with its line.
    #[test]
    fn event_rows_are_all_accounted_for(
        rows in prop::collection::vec((0u8..4, 0u8..6), 0..30)
    ) {
        let mut text = String::from(HEADER);
        for (i, (ticket, kind)) in rows.iter().enumerate() {
            let id = format!("K{ticket}");
            let at = format!("2021-06-01T{:02}:00:00Z", 8 + i % 12);
            let row = match kind {
                0 => format!("{id},{at},created,,,,"),
                1 => format!("{id},{at},reply,agent,true,,"),
                2 => format!("{id},{at},status_change,,,solved,"),
                3 => format!("{id},{at},merged,,,,K{}", (ticket + 1) % 4),
                4 => format!("{id},{at},status_change,,,parked,"),
                _ => format!("{id},not a time,created,,,,"),
            };
            text.push_str(&row);
            text.push('\n');
        }
        let sources = Sources { events: Some(temp(&format!("prop-{}.csv", rows.len()), &text)), ..Sources::default() };
        // Each case writes its own content to a path shared by cases of one length: read now.
        let loaded = load(&sources, &lenient()).unwrap();
        prop_assert_eq!(&loaded.read, &vec![(SourceKind::Events, rows.len() as u64)]);
        let kept: std::collections::HashSet<&str> =
            loaded.input.histories.iter().map(|h| h.id().as_str()).collect();
        let accepted = rows
            .iter()
            .enumerate()
            .filter(|(i, (t, _))| {
                kept.contains(format!("K{t}").as_str())
                    && !loaded.rejected.iter().any(|r| r.rejected.line == *i as u64 + 2)
            })
            .count();
        prop_assert_eq!(accepted + loaded.rejected.len(), rows.len());
        for r in &loaded.rejected {
            let e = &r.rejected.error;
            prop_assert!(r.rejected.line >= 2);
            prop_assert_eq!(e.line(), Some(r.rejected.line));
            prop_assert!(e.record().and_then(|x| x.id.as_deref()).is_some());
            prop_assert!(e.field().is_some());
        }
    }
}
