//! `io::load_columnar` equals `io::load`: the same tickets and responses, rejected records
//! (lines and errors), counts and strict-mode errors — on the sample data, the preset fixtures,
//! the readers' test cases and hand-made awkward files, with chunks of a few bytes so that
//! chunk and window boundaries fall inside quoted fields, records and CRLF pairs.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use supportkpi::columnar::{SurveyTable, TicketTable};
use supportkpi::io::{
    ColumnMapping, ErrorMode, Format, Preset, ReadOptions, Sources, TimestampFormat, load,
    load_columnar, load_columnar_in_chunks,
};
use supportkpi::{ErrorKind, Ticket};

/// Chunk sizes: every boundary a few bytes apart, a few hundred, and the default.
const CHUNKS: [usize; 7] = [1, 2, 3, 7, 16, 300, 0];

fn dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "supportkpi-columnar-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Asserts that both loaders give the same result, strict and lenient, at every chunk size.
fn same(sources: &Sources, options: &ReadOptions) {
    for mode in [ErrorMode::Strict, ErrorMode::Lenient] {
        let options = options.clone().errors(mode);
        let rows = load(sources, &options);
        for chunk in CHUNKS {
            let columns = if chunk == 0 {
                load_columnar(sources, &options)
            } else {
                load_columnar_in_chunks(sources, &options, chunk)
            };
            let what = format!("{mode:?}, chunks of {chunk} bytes, {sources:?}");
            match (&rows, columns) {
                (Ok(r), Ok(c)) => {
                    let tickets: Vec<Ticket> = c.input.tickets.tickets().collect();
                    assert_eq!(tickets, r.input.tickets, "{what}");
                    let surveys: Vec<_> = c.input.surveys.responses().collect();
                    assert_eq!(surveys, r.input.surveys, "{what}");
                    // The dictionaries too: the values in the order of their first row, and
                    // only values some row has (chunks append in order, duplicates dropped).
                    let want = TicketTable::from_tickets(&r.input.tickets).unwrap();
                    let t = &c.input.tickets;
                    for (got, want) in [
                        (t.customer_id(), want.customer_id()),
                        (t.channel(), want.channel()),
                        (t.priority(), want.priority()),
                        (t.team(), want.team()),
                        (t.assignee(), want.assignee()),
                    ] {
                        assert_eq!(got.values(), want.values(), "{what}");
                        assert_eq!(got.codes(), want.codes(), "{what}");
                    }
                    let names: Vec<_> = t.dimension_names().collect();
                    assert_eq!(names, want.dimension_names().collect::<Vec<_>>(), "{what}");
                    for name in names {
                        let (got, want) =
                            (t.dimension(name).unwrap(), want.dimension(name).unwrap());
                        assert_eq!(
                            (got.values(), got.codes()),
                            (want.values(), want.codes()),
                            "{what}"
                        );
                    }
                    let want = SurveyTable::from_responses(&r.input.surveys).unwrap();
                    let got = c.input.surveys.customer_id();
                    assert_eq!(
                        (got.values(), got.codes()),
                        (want.customer_id().values(), want.customer_id().codes()),
                        "{what}"
                    );
                    assert_eq!(c.input.customers, r.input.customers, "{what}");
                    assert_eq!(c.input.costs, r.input.costs, "{what}");
                    assert_eq!(c.read, r.read, "{what}");
                    let got: Vec<_> = c
                        .rejected
                        .iter()
                        .map(|s| (s.source, s.path.clone(), s.rejected.clone()))
                        .collect();
                    let want: Vec<_> = r
                        .rejected
                        .iter()
                        .map(|s| (s.source, s.path.clone(), s.rejected.clone()))
                        .collect();
                    assert_eq!(got, want, "{what}");
                }
                (Err(a), Err(b)) => assert_eq!(*a, b, "{what}"),
                (a, b) => panic!("{what}: load gave {a:?}, load_columnar {b:?}"),
            }
        }
    }
}

/// Both loaders on a tickets file (and optionally a surveys file) of this text.
fn same_text(tickets: &str, surveys: Option<&str>, options: &ReadOptions) {
    same_bytes(
        tickets.as_bytes(),
        surveys.map(str::as_bytes),
        "csv",
        options,
    );
}

fn same_bytes(tickets: &[u8], surveys: Option<&[u8]>, ext: &str, options: &ReadOptions) {
    let d = dir();
    let sources = Sources {
        tickets: Some(write(&d, &format!("tickets.{ext}"), tickets)),
        surveys: surveys.map(|s| write(&d, &format!("surveys.{ext}"), s)),
        ..Sources::default()
    };
    same(&sources, options);
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn the_sample_data() {
    let sources = Sources {
        tickets: Some(example("tickets.csv")),
        surveys: Some(example("surveys.csv")),
        customers: Some(example("customers.csv")),
        costs: Some(example("costs.csv")),
        ..Sources::default()
    };
    same(&sources, &ReadOptions::new());
    same(&sources, &ReadOptions::new().zone("Asia/Tokyo").unwrap());
    let loaded = load_columnar(&sources, &ReadOptions::new()).unwrap();
    assert_eq!(loaded.input.tickets.len(), 120);
}

#[test]
fn the_preset_fixtures() {
    for (file, preset) in [
        ("zendesk_tickets.csv", Preset::Zendesk),
        ("freshdesk_tickets.csv", Preset::Freshdesk),
    ] {
        let sources = Sources {
            tickets: Some(fixture(file)),
            preset: Some(preset),
            ..Sources::default()
        };
        same(&sources, &ReadOptions::new());
        same(&sources, &ReadOptions::new().keep_extra_columns(true));
        same(
            &sources,
            &ReadOptions::new()
                .zone("Europe/Berlin")
                .unwrap()
                .keep_extra_columns(true),
        );
        // The preset through the read options, and a user's mapping over the preset's.
        let by_options = Sources {
            preset: None,
            ..sources.clone()
        };
        same(&by_options, &ReadOptions::new().preset(preset));
        same(
            &sources,
            &ReadOptions::new()
                .mapping(
                    ColumnMapping::new()
                        .dimension("Priority", "prio")
                        .ignore("Group"),
                )
                .keep_extra_columns(true),
        );
        // A status map that lacks a name: rejects.
        same(
            &sources,
            &ReadOptions::new().status_map(supportkpi::model::StatusMap::new()),
        );
    }
}

#[test]
fn event_logs_have_no_columnar_form() {
    let sources = Sources {
        tickets: Some(fixture("servicenow_incident_events.csv")),
        preset: Some(Preset::ServiceNow),
        ..Sources::default()
    };
    let err = load_columnar(&sources, &ReadOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOption);
    assert!(err.rule().contains("io::load"), "{err}");
    let sources = Sources {
        events: Some(example("events.csv")),
        ..Sources::default()
    };
    let err = load_columnar(&sources, &ReadOptions::new()).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::InvalidOption, Some("events"))
    );
    // A preset without its file, and two presets: load's errors.
    same(
        &Sources {
            surveys: Some(example("surveys.csv")),
            preset: Some(Preset::Zendesk),
            ..Sources::default()
        },
        &ReadOptions::new(),
    );
    same(
        &Sources {
            tickets: Some(fixture("zendesk_tickets.csv")),
            preset: Some(Preset::Zendesk),
            ..Sources::default()
        },
        &ReadOptions::new().preset(Preset::Freshdesk),
    );
    // Missing files.
    same(
        &Sources {
            tickets: Some("/nonexistent/tickets.csv".into()),
            ..Sources::default()
        },
        &ReadOptions::new(),
    );
}

// The readers' test cases (tests/it/readers.rs), through both loaders.

#[test]
fn every_ticket_error_kind() {
    let csv = "id,created_at,first_response_at,resolved_at,status,agent_replies\n\
               T-1,2021-06-01T08:00:00Z,,,open,1\n\
               ,2021-06-01T08:00:00Z,,,open,\n\
               T-3,01/06/2021,,,open,\n\
               T-4,2021-06-01T08:00:00Z,2021-06-01T07:00:00Z,,open,\n\
               T-5,2021-06-01T08:00:00Z,,,parked,\n\
               T-6,2021-06-01T08:00:00Z,,,open,two\n\
               T-1,2021-06-02T08:00:00Z,,,open,\n\
               T-8,2021-06-01T08:00:00Z,,\n\
               \"T-9\",\"2021-06-01T08:00:00Z\",,,\"solved\",\"2\"\n";
    same_text(csv, None, &ReadOptions::new());
    same_text(csv, None, &ReadOptions::new().check_duplicate_ids(false));
}

#[test]
fn survey_error_kinds_and_duplicates() {
    let tickets = "id,created_at\nT-1,2021-06-01T08:00:00Z\n";
    let surveys = "id,responded_at,kind,score\n\
                   S-1,2021-06-01T08:00:00Z,nps,11\n\
                   S-2,2021-06-01T08:00:00Z,nps,9.5\n\
                   S-3,2021-06-01T08:00:00Z,stars,3\n\
                   S-4,2021-06-01T08:00:00Z,csat,\n\
                   S-4,2021-06-01T08:00:00Z,csat,5\n\
                   S-4,2021-06-01T08:00:00Z,csat,4\n\
                   S-5,2021-06-01T08:00:00Z,C-SAT,4\n\
                   S-6,2021-06-01T08:00:00Z,CES,6\n\
                   ,2021-06-01T08:00:00Z,nps,1\n\
                   S-8,yesterday,nps,1\n\
                   S-9,2021-06-01T08:00:00Z,nps,10,extra\n";
    same_text(tickets, Some(surveys), &ReadOptions::new());
    let surveys = "id,ticket_id,customer_id,responded_at,kind,score\n\
                   S-1,T-1,C-1,2021-06-01T08:00:00Z,NPS,9\n\
                   S-2,,,2021-06-01T09:00:00Z,csat,4\n\
                   S-3,?,NULL,2021-06-01T09:00:00Z,Nps,0\n";
    same_text(tickets, Some(surveys), &ReadOptions::new());
}

#[test]
fn json_lines() {
    let surveys = "{\"id\":\"S-1\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"nps\",\"score\":9}\n\
                   not json\n\
                   [1,2]\n\
                   {\"id\":\"S-2\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"nps\",\"score\":[9]}\n\
                   {\"id\":\"S-3\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"nps\"}\n\
                   \n\
                   {\"id\":\"S-4\",\"responded_at\":1622534400,\"kind\":\"nps\",\"score\":0}\n\
                   {\"id\":\"S-1\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"csat\",\"score\":3}\r\n\
                   {\"ID\":\"S-1\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"csat\",\"score\":3}";
    let tickets = "{\"Ticket #\":\"T-1\",\"Opened\":\"2021-06-01T08:00:00Z\",\"Plan\":\"pro\",\"Region\":\"EU\",\"Seats\":12,\"Secret\":\"x\",\"nested\":{\"a\":1}}\n\
                   {\"ticket #\":\"T-1\",\"opened\":\"2021-06-02T08:00:00Z\"}\n\
                   {\"Ticket #\":5,\"Opened\":\"2021-06-01T08:00:00Z\",\"resolved_at\":\"2021-05-01T08:00:00Z\"}\n\
                   {\"Ticket #\":\"5\",\"Opened\":\"2021-06-01T08:00:00Z\"}\n";
    let mapping = ColumnMapping::new()
        .map("Ticket #", "id")
        .map("Opened", "created_at")
        .dimension("Plan", "plan")
        .ignore("Secret")
        .ignore_case(true);
    for options in [
        ReadOptions::new(),
        ReadOptions::new().timestamps(TimestampFormat::pattern("%s")),
        ReadOptions::new()
            .mapping(mapping.clone())
            .keep_extra_columns(true),
    ] {
        same_bytes(
            tickets.as_bytes(),
            Some(surveys.as_bytes()),
            "jsonl",
            &options,
        );
    }
    // Told the format: the JSON is a CSV header without the required columns.
    same_bytes(
        tickets.as_bytes(),
        None,
        "jsonl",
        &ReadOptions::new().format(Format::Csv),
    );
}

#[test]
fn bad_bytes_wrong_widths_and_quotes() {
    let mut bytes = b"id,created_at\nT-1,2021-06-01T08:00:00Z\nT-".to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(b",2021-06-01T08:00:00Z\nT-3,2021-06-01T08:00:00Z\n");
    same_bytes(&bytes, None, "csv", &ReadOptions::new());
    // A multi-byte character cut by every chunk boundary, and in the header.
    let csv = "id,created_at,channel,caf\u{e9}\n\
               T-\u{e9}\u{1f600},2021-06-01T08:00:00Z,\u{e9}\u{e9}\u{e9},\u{1f600}\n";
    same_text(csv, None, &ReadOptions::new().keep_extra_columns(true));
    // Quotes: a quoted field spanning lines, commas, doubled quotes, a quote inside an unquoted
    // field (a literal), text after a closing quote, a row of one field.
    let csv = "id,created_at,channel\r\n\
               T-1,2021-06-01T08:00:00Z,\"email, web\"\r\n\
               T-2,2021-06-01T08:00:00Z,\"two\r\nlines\"\r\n\
               \r\n\
               T-3,bad,x\r\n\
               T-4,2021-06-01T08:00:00Z,5\" screen\n\
               T-5,2021-06-01T08:00:00Z,\"a \"\"quoted\"\" \nword\"\n\
               \"T-6\",2021-06-01T08:00:00Z,\"x\"y\n\
               T-7\n\
               \"T-8\n\",2021-06-01T08:00:00Z,\"\n\n\n\"\n\
               T-9,2021-06-01T08:00:00Z,\"\"\"\n\
               T-10,2021-06-01T08:00:00Z,\"unterminated\n\
               T-11,2021-06-01T08:00:00Z,x\n";
    same_text(csv, None, &ReadOptions::new());
    let csv =
        "id;created_at;priority\nT-1;2021-06-01T08:00:00Z;high\nT-2;2021-06-01T08:00:00Z;\"a;b\"\n";
    same_text(csv, None, &ReadOptions::new().delimiter(b';'));
    // A delimiter that is not ASCII (the Latin-1 section sign): split by the csv crate alone;
    // UTF-8 text around it makes fields that are not UTF-8.
    let mut bytes = b"id\xa7created_at\xa7channel\nT-1\xa72021-06-01T08:00:00Z\xa7x\n".to_vec();
    bytes.extend("T-2\u{a7}2021-06-01T08:00:00Z\u{a7}\u{e9}\n".as_bytes());
    same_bytes(&bytes, None, "csv", &ReadOptions::new().delimiter(0xa7));
}

#[test]
fn blank_lines_boms_and_line_ends() {
    for csv in [
        // Blank lines (LF, CRLF, spaces) before the header, between records and at the end.
        "\n\n\r\nid,created_at\n\nT-1,2021-06-01T08:00:00Z\n\n\n   \nT-2,x\r\n\r\n\r\nT-3,2021-06-01T08:00:00Z\n\n",
        // A byte order mark on the header, and one starting a record's first field.
        "\u{feff}id,created_at\n\u{feff}T-1,2021-06-01T08:00:00Z\n\u{feff}T-2,2021-06-01T08:00:00Z\n,x\n",
        // A header spanning lines, and a last record without a line end.
        "\"id\",\"created\n_at\"\nT-1,2021-06-01T08:00:00Z",
        // Only a header; an empty file; a header without a line end.
        "id,created_at\n",
        "",
        "id,created_at",
        "id,status\nT-1,open\n",
        // One column: a blank line is a record with an empty id.
        "id\nT-1\n \nT-2\n",
    ] {
        same_text(csv, None, &ReadOptions::new());
        same_text(
            csv,
            None,
            &ReadOptions::new().mapping(ColumnMapping::new().map("created\n_at", "created_at")),
        );
    }
}

#[test]
fn null_tokens_zones_patterns_mappings_dimensions() {
    let csv = "id,created_at,first_response_at,channel,priority,team\n\
               T-1,2021-06-01T08:00:00Z,,?,NULL, \n\
               T-2,2021-06-01T08:00:00Z,n/a,email,null,-\n";
    same_text(csv, None, &ReadOptions::new());
    same_text(
        csv,
        None,
        &ReadOptions::new().null_tokens(["", "n/a", "-", "null"]),
    );
    let csv = "id,created_at,first_response_at,resolved_at\n\
               T-1,2021-06-01 10:00,2021-06-01T10:30:00+02:00,2021-06-02\n\
               T-2,2021-10-31 02:30:00,,\n\
               T-3,2021-03-28T02:30,,\n\
               T-4,2021-03-28 02:30:00.123,2021-03-28 03:30:00Z,\n";
    same_text(
        csv,
        None,
        &ReadOptions::new().zone("Europe/Berlin").unwrap(),
    );
    let csv =
        "id,created_at,resolved_at\nT-1,01-06-2021 10:00,02-06-2021 09:15\nT-2,2021-06-01 10:00,\n";
    same_text(
        csv,
        None,
        &ReadOptions::new()
            .timestamps(TimestampFormat::pattern("%d-%m-%Y %H:%M"))
            .zone("America/New_York")
            .unwrap(),
    );
    let csv = "Ticket #,Opened,Plan,Region,status,Secret,agent_replies,reopens\n\
               T-1,2021-06-01T08:00:00Z,pro,EU,open,x,1,0\n\
               T-2,2021-06-01T08:00:00Z,,US,open,y,,2\n\
               T-3,2021-06-01T08:00:00Z,,,On-Hold,z,-1,\n\
               T-4,2021-06-01T08:00:00Z,,,Resolved,z,,x\n";
    let mapping = ColumnMapping::new()
        .map("Ticket #", "id")
        .map("Opened", "created_at")
        .dimension("Plan", "plan")
        .dimension("Region", "plan")
        .ignore("Secret");
    same_text(csv, None, &ReadOptions::new().mapping(mapping.clone()));
    same_text(
        csv,
        None,
        &ReadOptions::new().mapping(mapping).keep_extra_columns(true),
    );
    let csv = "\u{feff}Ticket , Opened\nT-1,2021-06-01T08:00:00Z\n";
    same_text(
        csv,
        None,
        &ReadOptions::new().mapping(
            ColumnMapping::new()
                .ignore_case(true)
                .map("TICKET", "id")
                .map("opened", "created_at"),
        ),
    );
}

/// The one documented difference: an instant the columns cannot hold rejects its record.
#[test]
fn instants_beyond_the_columns_range_are_rejected() {
    let d = dir();
    let csv = "id,created_at,resolved_at\n\
               T-1,2021-06-01T08:00:00Z,\n\
               T-2,2300-01-01T00:00:00Z,\n\
               T-3,2021-06-01T08:00:00Z,2262-04-12T00:00:00Z\n\
               T-2,2021-06-01T08:00:00Z,\n";
    let sources = Sources {
        tickets: Some(write(&d, "tickets.csv", csv)),
        ..Sources::default()
    };
    let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
    assert_eq!(load(&sources, &lenient).unwrap().input.tickets.len(), 3);
    for chunk in CHUNKS {
        let loaded = load_columnar_in_chunks(&sources, &lenient, chunk.max(1)).unwrap();
        // The rejected T-2 is not in the table, so the later T-2 is no duplicate.
        let ids: Vec<_> = loaded.input.tickets.ids().iter().collect();
        assert_eq!(ids, ["T-1", "T-2"]);
        let got: Vec<_> = loaded
            .rejected
            .iter()
            .map(|r| {
                (
                    r.rejected.line,
                    r.rejected.error.kind(),
                    r.rejected.error.field(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (3, ErrorKind::InvalidValue, Some("created_at")),
                (4, ErrorKind::InvalidValue, Some("resolved_at"))
            ]
        );
        assert_eq!(loaded.read, [(supportkpi::io::SourceKind::Tickets, 4)]);
        let err = load_columnar_in_chunks(&sources, &ReadOptions::new(), chunk.max(1)).unwrap_err();
        assert_eq!((err.kind(), err.line()), (ErrorKind::InvalidValue, Some(3)));
    }
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn zendesk_and_freshdesk_edge_rows() {
    let zendesk = "Id,Requester,Created at,Solved at,Status,First reply time in minutes,\
                   First resolution time in minutes,Full resolution time in minutes,Via\n\
                   1,Rita,2021-06-01 09:00:00,,Solved,45,270.4,270.5,Mail\n\
                   2,Sam,2021-06-01 09:00:00,2021-06-01 09:30:00,Open,-5,,,Web\n\
                   3,Sam,2021-06-01 09:00:00,,Pending,0,-0,99999999999,Web\n\
                   4,,2021-06-01 09:00:00,2021-06-01 08:30:00,closed,1e3,,,Web\n\
                   5,Ann,2021-06-01 09:00:00,,solved,,30,20,\n\
                   6,Ann,2021-06-01 09:00:00,,Parked,,,,\n\
                   1,Ann,2021-06-02 09:00:00,,new,,,,\n";
    for options in [
        ReadOptions::new().preset(Preset::Zendesk),
        ReadOptions::new()
            .preset(Preset::Zendesk)
            .keep_extra_columns(true),
    ] {
        same_text(zendesk, None, &options);
    }
    let freshdesk = "Ticket ID,Status,Created time,Resolved time,Closed time,Initial response time,\
                     Agent interactions,Company Name\n\
                     1,Resolved,2021-06-01 09:00:00,,2021-06-01 10:00:00,,2,Acme\n\
                     2,Open,2021-06-01 09:00:00,2021-06-01 10:00:00,,2021-06-01 08:00:00,,Acme\n\
                     3,Waiting on Customer,2021-06-01 09:00:00,bad,,,x,\n\
                     4,Closed,2021-06-01 09:00:00,,2021-06-01 08:00:00,,,Globex\n";
    for options in [
        ReadOptions::new().preset(Preset::Freshdesk),
        ReadOptions::new()
            .preset(Preset::Freshdesk)
            .keep_extra_columns(true),
    ] {
        same_text(freshdesk, None, &options);
    }
}

#[test]
fn records_longer_than_a_window_and_many_duplicates() {
    let long = "x".repeat(20_000);
    let mut csv = String::from("id,created_at,channel\n");
    for i in 0..300 {
        let id = i % 40;
        let channel = match i % 5 {
            0 => format!("\"{long}\n{long}\""),
            1 => "\"a\nb\nc\"".to_owned(),
            2 => "bad\"quote".to_owned(),
            _ => format!("c{}", i % 3),
        };
        let created = if i % 17 == 0 {
            "nope"
        } else {
            "2021-06-01T08:00:00Z"
        };
        csv.push_str(&format!("T-{id},{created},{channel}\n"));
    }
    same_text(&csv, None, &ReadOptions::new());
    same_text(&csv, None, &ReadOptions::new().check_duplicate_ids(false));
}

/// A field of a generated CSV: the awkward pieces a chunk boundary can fall into.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("x".to_owned()),
        Just("\"q,\nq\"".to_owned()),
        Just("\"\"\"\"".to_owned()),
        Just("a\"b".to_owned()),
        Just("\"\r\n\"".to_owned()),
        Just("?".to_owned()),
        Just("\u{e9}".to_owned()),
    ]
}

fn row() -> impl Strategy<Value = String> {
    (
        0..12u32,
        prop::sample::select(vec![
            "2021-06-01T08:00:00Z",
            "2021-06-01 08:00",
            "bad",
            "",
            "\"2021-06-01T09:00:00Z\"",
        ]),
        prop::sample::select(vec!["", "2021-06-01T10:00:00Z", "2021-05-01T10:00:00Z"]),
        cell(),
        prop::sample::select(vec!["\n", "\r\n", "\n\n", ",extra\n", "\n\r\n"]),
    )
        .prop_map(|(id, created, resolved, channel, end)| {
            let id = if id == 11 {
                String::new()
            } else {
                format!("T-{id}")
            };
            format!("{id},{created},{resolved},{channel}{end}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Generated files of awkward rows, in both modes, at every chunk size.
    #[test]
    fn generated_files(
        rows in prop::collection::vec(row(), 0..40),
        last_lf in any::<bool>(),
        delimiter in prop::sample::select(vec![b',', b';', b'\t']),
    ) {
        let mut csv = String::from("id,created_at,resolved_at,channel\n");
        for r in &rows {
            csv.push_str(r);
        }
        if !last_lf {
            csv.truncate(csv.trim_end_matches(['\n', '\r']).len());
        }
        let csv = csv.replace(',', &char::from(delimiter).to_string());
        same_text(&csv, None, &ReadOptions::new().delimiter(delimiter));
    }
}
