//! The Arrow reader (`io::arrow`) equals the CSV and JSON Lines readers: random tickets and
//! survey responses written as CSV, as JSON Lines and as Arrow batches — timestamps of every
//! unit, with a zone, without one (wall-clock times) or as text; strings as Utf8, LargeUtf8,
//! Utf8View and dictionaries; batches cut into chunks — read with each ticket preset, strict
//! and lenient, give the same records, rejected records, errors, counts and report.
//!
//! JSON Lines and Arrow count lines alike (row n is line n); CSV has a header, so its lines
//! are one more, which the comparison with CSV allows for (and the duplicate-id message, which
//! names the first line, is compared without it).

use arrow_array::builder::{
    Int64Builder, LargeStringBuilder, StringBuilder, StringDictionaryBuilder, StringViewBuilder,
};
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, RecordBatch, TimestampMicrosecondArray, TimestampMillisecondArray,
    TimestampNanosecondArray, TimestampSecondArray,
};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use std::sync::Arc;
use supportkpi::columnar::ColumnarInput;
use supportkpi::io::{
    ErrorMode, Preset, ReadOptions, ReadOutcome, Rejected, SurveyReader, TicketReader, arrow,
};
use supportkpi::report::{ReportInput, ReportOptions};
use supportkpi::{Error, ErrorKind, Period, Report, SurveyResponse, Ticket};

/// How the timestamps of a generated table are written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Times {
    /// Instants: text with a `Z`, Arrow timestamps with this zone.
    Aware(&'static str),
    /// Wall-clock times in the read's zone: text without an offset, Arrow without a zone.
    Naive,
    /// Text in every format, Arrow strings too (bad text included).
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    S,
    Ms,
    Us,
    Ns,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Strings {
    Utf8,
    Large,
    View,
    Dictionary,
}

/// The shape of one case: how the table is written and read.
#[derive(Debug, Clone)]
struct Shape {
    times: Times,
    unit: Unit,
    strings: Strings,
    /// Rows per batch.
    chunk: usize,
    zone: &'static str,
    mode: ErrorMode,
    preset: Option<Preset>,
}

/// One generated ticket row; `None` is a missing value.
#[derive(Debug, Clone)]
struct TicketSpec {
    id: Option<&'static str>,
    /// Seconds after 2021-03-27 22:00 UTC (a Berlin DST change is the next night).
    created: Option<i64>,
    response: Option<i64>,
    resolved: Option<i64>,
    status: Option<&'static str>,
    channel: Option<&'static str>,
    replies: Option<i64>,
    /// For the text shape: a created text that no format reads.
    bad_created: bool,
}

#[derive(Debug, Clone)]
struct SurveySpec {
    id: Option<&'static str>,
    at: Option<i64>,
    kind: Option<&'static str>,
    score: Option<i64>,
    ticket: Option<&'static str>,
}

const T0: i64 = 1_616_882_400; // 2021-03-27T22:00:00Z

fn instant(offset: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(T0 + offset, 0).unwrap()
}

fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        0..86_400i64 * 3,
        // Around the night of the change to summer time, and a few hours either side.
        Just(4 * 3600 + 1800),
        Just(3 * 3600 + 1800),
    ]
}

fn ticket() -> impl Strategy<Value = TicketSpec> {
    (
        prop::option::weighted(
            0.95,
            prop::sample::select(vec!["T-1", "T-2", " T-3 ", "T-4", "T-5", "T-6", "T-7", "é"]),
        ),
        prop::option::weighted(0.9, offset()),
        prop::option::of(-3600..86_400i64),
        prop::option::of(-3600..200_000i64),
        prop::option::of(prop::sample::select(vec![
            "open",
            "solved",
            "Solved",
            "closed",
            "pending",
            "hold",
            "Resolved",
            "Open",
            "Waiting on Customer",
            "parked",
            "?",
        ])),
        prop::option::of(prop::sample::select(vec![
            "email", "chat", " phone ", "?", "NULL", "",
        ])),
        prop::option::of(prop::sample::select(vec![0i64, 1, 3, -1])),
        prop::bool::weighted(0.05),
    )
        .prop_map(
            |(id, created, response, resolved, status, channel, replies, bad_created)| TicketSpec {
                id,
                created,
                response,
                resolved,
                status,
                channel,
                replies,
                bad_created,
            },
        )
}

fn survey() -> impl Strategy<Value = SurveySpec> {
    (
        prop::option::weighted(
            0.95,
            prop::sample::select(vec!["S-1", "S-2", "S-3", " S-4 "]),
        ),
        prop::option::weighted(0.95, offset()),
        prop::option::weighted(
            0.95,
            prop::sample::select(vec!["csat", "nps", "NPS", "ces", "c-sat", "x"]),
        ),
        prop::option::weighted(0.95, prop::sample::select(vec![1i64, 3, 5, 9, 10, 11, 0])),
        prop::option::of(prop::sample::select(vec!["T-1", "T-2", "?"])),
    )
        .prop_map(|(id, at, kind, score, ticket)| SurveySpec {
            id,
            at,
            kind,
            score,
            ticket,
        })
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        prop::sample::select(vec![
            Times::Aware("UTC"),
            Times::Aware("Europe/Berlin"),
            Times::Naive,
            Times::Text,
        ]),
        prop::sample::select(vec![Unit::S, Unit::Ms, Unit::Us, Unit::Ns]),
        prop::sample::select(vec![
            Strings::Utf8,
            Strings::Large,
            Strings::View,
            Strings::Dictionary,
        ]),
        1..6usize,
        prop::sample::select(vec!["UTC", "Europe/Berlin"]),
        prop::sample::select(vec![ErrorMode::Strict, ErrorMode::Lenient]),
        prop::sample::select(vec![None, Some(Preset::Zendesk), Some(Preset::Freshdesk)]),
    )
        .prop_map(|(times, unit, strings, chunk, zone, mode, preset)| Shape {
            times,
            unit,
            strings,
            chunk,
            zone,
            mode,
            preset,
        })
}

/// A column of a generated table: text cells, or instants (seconds after [`T0`]).
enum Col {
    Text(Vec<Option<String>>),
    Time(Vec<Option<i64>>, Vec<Option<String>>),
    Int(Vec<Option<i64>>),
}

impl Col {
    /// The cells as text, as CSV and JSON Lines hold them.
    fn text(&self, i: usize) -> Option<String> {
        match self {
            Col::Text(v) | Col::Time(_, v) => v[i].clone(),
            Col::Int(v) => v[i].map(|n| n.to_string()),
        }
    }
}

/// The text of an instant in the shape's format.
fn time_text(shape: &Shape, offset: i64) -> String {
    let at = instant(offset);
    match shape.times {
        Times::Aware(_) => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Times::Naive => {
            let zone: Tz = shape.zone.parse().unwrap();
            at.with_timezone(&zone)
                .naive_local()
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string()
        }
        // Several formats the automatic format reads.
        Times::Text => match offset.rem_euclid(3) {
            0 => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            1 => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            _ => at.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
        },
    }
}

/// The Arrow value of an instant written as a naive wall-clock time: that time's seconds as if
/// it were UTC.
fn arrow_seconds(shape: &Shape, offset: i64) -> i64 {
    let at = instant(offset);
    match shape.times {
        Times::Naive => {
            let zone: Tz = shape.zone.parse().unwrap();
            at.with_timezone(&zone).naive_local().and_utc().timestamp()
        }
        _ => at.timestamp(),
    }
}

fn time_col(shape: &Shape, offsets: Vec<Option<i64>>) -> Col {
    let text = offsets
        .iter()
        .map(|o| o.map(|o| time_text(shape, o)))
        .collect();
    Col::Time(offsets, text)
}

/// The tickets as named columns, in the preset's layout.
fn ticket_columns(shape: &Shape, rows: &[TicketSpec]) -> Vec<(&'static str, Col)> {
    let names: [&str; 7] = match shape.preset {
        None => [
            "id",
            "created_at",
            "first_response_at",
            "resolved_at",
            "status",
            "channel",
            "agent_replies",
        ],
        Some(Preset::Zendesk) => [
            "Id",
            "Created at",
            "First reply time in minutes",
            "Solved at",
            "Status",
            "Via",
            "Replies",
        ],
        Some(_) => [
            "Ticket ID",
            "Created time",
            "Initial response time",
            "Resolved time",
            "Status",
            "Source",
            "Agent interactions",
        ],
    };
    let text = |f: &dyn Fn(&TicketSpec) -> Option<&'static str>| {
        Col::Text(rows.iter().map(|r| f(r).map(str::to_owned)).collect())
    };
    let mut created = time_col(shape, rows.iter().map(|r| r.created).collect());
    if shape.times == Times::Text
        && let Col::Time(_, text) = &mut created
    {
        for (r, t) in rows.iter().zip(text.iter_mut()) {
            if r.bad_created {
                *t = Some("yesterday".to_owned());
            }
        }
    }
    let after = |f: &dyn Fn(&TicketSpec) -> Option<i64>| {
        rows.iter()
            .map(|r| Some(r.created.unwrap_or(0) + f(r)?))
            .collect::<Vec<_>>()
    };
    let response = match shape.preset {
        // Zendesk gives whole minutes since creation.
        Some(Preset::Zendesk) => {
            Col::Int(rows.iter().map(|r| r.response.map(|s| s / 60)).collect())
        }
        _ => time_col(shape, after(&|r| r.response)),
    };
    vec![
        (names[0], text(&|r| r.id)),
        (names[1], created),
        (names[2], response),
        (names[3], time_col(shape, after(&|r| r.resolved))),
        (names[4], text(&|r| r.status)),
        (names[5], text(&|r| r.channel)),
        (names[6], Col::Int(rows.iter().map(|r| r.replies).collect())),
    ]
}

fn survey_columns(shape: &Shape, rows: &[SurveySpec]) -> Vec<(&'static str, Col)> {
    let text = |f: &dyn Fn(&SurveySpec) -> Option<&'static str>| {
        Col::Text(rows.iter().map(|r| f(r).map(str::to_owned)).collect())
    };
    vec![
        ("id", text(&|r| r.id)),
        ("ticket_id", text(&|r| r.ticket)),
        (
            "responded_at",
            time_col(shape, rows.iter().map(|r| r.at).collect()),
        ),
        ("kind", text(&|r| r.kind)),
        ("score", Col::Int(rows.iter().map(|r| r.score).collect())),
    ]
}

fn csv(columns: &[(&str, Col)], n: usize) -> String {
    let mut out = columns
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for i in 0..n {
        let cells: Vec<String> = columns
            .iter()
            .map(|(_, c)| c.text(i).unwrap_or_default())
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn json_lines(columns: &[(&str, Col)], n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let mut object = serde_json::Map::new();
        for (name, c) in columns {
            let value = match c {
                Col::Int(v) => v[i].map_or(serde_json::Value::Null, serde_json::Value::from),
                _ => c
                    .text(i)
                    .map_or(serde_json::Value::Null, serde_json::Value::String),
            };
            object.insert((*name).to_owned(), value);
        }
        out.push_str(&serde_json::Value::Object(object).to_string());
        out.push('\n');
    }
    out
}

fn strings(kind: Strings, values: &[Option<String>]) -> ArrayRef {
    match kind {
        Strings::Utf8 => {
            let mut b = StringBuilder::new();
            values.iter().for_each(|v| b.append_option(v.as_deref()));
            Arc::new(b.finish())
        }
        Strings::Large => {
            let mut b = LargeStringBuilder::new();
            values.iter().for_each(|v| b.append_option(v.as_deref()));
            Arc::new(b.finish())
        }
        Strings::View => {
            let mut b = StringViewBuilder::new();
            values.iter().for_each(|v| b.append_option(v.as_deref()));
            Arc::new(b.finish())
        }
        Strings::Dictionary => {
            let mut b = StringDictionaryBuilder::<Int32Type>::new();
            values.iter().for_each(|v| b.append_option(v.as_deref()));
            Arc::new(b.finish())
        }
    }
}

fn times(shape: &Shape, values: &[Option<i64>]) -> ArrayRef {
    let secs: Vec<Option<i64>> = values
        .iter()
        .map(|v| v.map(|o| arrow_seconds(shape, o)))
        .collect();
    let zone = match shape.times {
        Times::Aware(z) => Some(z),
        _ => None,
    };
    let scaled = |k: i64| secs.iter().map(|s| s.map(|s| s * k)).collect::<Vec<_>>();
    match shape.unit {
        Unit::S => Arc::new(TimestampSecondArray::from(secs.clone()).with_timezone_opt(zone)),
        Unit::Ms => {
            Arc::new(TimestampMillisecondArray::from(scaled(1_000)).with_timezone_opt(zone))
        }
        Unit::Us => {
            Arc::new(TimestampMicrosecondArray::from(scaled(1_000_000)).with_timezone_opt(zone))
        }
        Unit::Ns => {
            Arc::new(TimestampNanosecondArray::from(scaled(1_000_000_000)).with_timezone_opt(zone))
        }
    }
}

/// The table as Arrow batches of `shape.chunk` rows.
fn batches(shape: &Shape, columns: &[(&'static str, Col)], n: usize) -> Vec<RecordBatch> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < n.max(1) {
        let end = (start + shape.chunk).min(n);
        let arrays: Vec<(&str, ArrayRef)> = columns
            .iter()
            .map(|(name, c)| {
                let array: ArrayRef = match c {
                    Col::Text(v) => strings(shape.strings, &v[start..end]),
                    Col::Time(v, text) => match shape.times {
                        Times::Text => strings(shape.strings, &text[start..end]),
                        _ => times(shape, &v[start..end]),
                    },
                    Col::Int(v) => {
                        let mut b = Int64Builder::new();
                        v[start..end].iter().for_each(|x| b.append_option(*x));
                        Arc::new(b.finish())
                    }
                };
                (*name, array)
            })
            .collect();
        out.push(RecordBatch::try_from_iter(arrays).unwrap());
        if end >= n {
            break;
        }
        start = end;
    }
    out
}

fn options(shape: &Shape) -> ReadOptions {
    let mut o = ReadOptions::new()
        .errors(shape.mode)
        .zone(shape.zone)
        .unwrap();
    if let Some(p) = shape.preset {
        o = o.preset(p);
    }
    o
}

/// A CSV line as JSON Lines and Arrow count it (no header), in the rejected record and its
/// error; the duplicate-id rule, which names a line, without its message.
fn normalized(r: &Rejected, csv: bool) -> (u64, ErrorKind, Option<String>, Option<String>, String) {
    let line = if csv { r.line - 1 } else { r.line };
    let e = &r.error;
    let message = if e.kind() == ErrorKind::DuplicateId {
        String::new()
    } else {
        e.rule().to_owned()
    };
    (
        line,
        e.kind(),
        e.field().map(str::to_owned),
        e.value().map(str::to_owned),
        message,
    )
}

type Outcome<T> = Result<(Vec<T>, Vec<Rejected>, u64), Error>;

fn of<T>(r: Result<ReadOutcome<T>, Error>) -> Outcome<T> {
    r.map(|o| (o.records, o.rejected, o.read))
}

/// Asserts two reads agree: records, rejected records and counts, or the strict error.
fn agree<T: PartialEq + std::fmt::Debug>(a: &Outcome<T>, b: &Outcome<T>, a_csv: bool, what: &str) {
    match (a, b) {
        (Ok((ra, ja, na)), Ok((rb, jb, nb))) => {
            assert_eq!(ra, rb, "{what}: records");
            assert_eq!(na, nb, "{what}: read");
            let ja: Vec<_> = ja.iter().map(|r| normalized(r, a_csv)).collect();
            let jb: Vec<_> = jb.iter().map(|r| normalized(r, false)).collect();
            assert_eq!(ja, jb, "{what}: rejected");
        }
        (Err(ea), Err(eb)) => {
            let ra = Rejected {
                line: ea.line().unwrap_or(0),
                error: ea.clone(),
            };
            let rb = Rejected {
                line: eb.line().unwrap_or(0),
                error: eb.clone(),
            };
            assert_eq!(
                normalized(&ra, a_csv),
                normalized(&rb, false),
                "{what}: error"
            );
        }
        (a, b) => panic!("{what}: {a:?} vs {b:?}"),
    }
}

/// Reads the tickets and responses every way and compares everything, then the reports.
/// The batches written to a Parquet file (None for no batches), for `io::read_*` of its path.
fn parquet_file(batches: &[RecordBatch], name: &str) -> Option<std::path::PathBuf> {
    let first = batches.first()?;
    let path = std::env::temp_dir().join(format!(
        "supportkpi-arrow-readers-{}-{name}-{:?}.parquet",
        std::process::id(),
        std::thread::current().id()
    ));
    // try_from_iter makes a column without nulls in its batch non-nullable; the file's
    // schema is nullable throughout, so that a later batch's nulls are written as nulls.
    let fields: Vec<arrow_schema::Field> = first
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone().with_nullable(true))
        .collect();
    let schema = Arc::new(arrow_schema::Schema::new(fields));
    let file = std::fs::File::create(&path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), None).unwrap();
    for b in batches {
        w.write(&RecordBatch::try_new(schema.clone(), b.columns().to_vec()).unwrap())
            .unwrap();
    }
    w.close().unwrap();
    Some(path)
}

/// Parquet of the same batches reads as the batches do: records, rejects, lines, errors.
fn same_through_parquet<T: PartialEq + std::fmt::Debug>(
    batches: &[RecordBatch],
    from_arrow: &Outcome<T>,
    read: impl Fn(&std::path::Path) -> Result<ReadOutcome<T>, Error>,
    what: &str,
) {
    let Some(path) = parquet_file(batches, what.split(':').next_back().unwrap_or("x").trim())
    else {
        return;
    };
    let from_parquet = of(read(&path));
    std::fs::remove_file(&path).unwrap();
    match (&from_parquet, from_arrow) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}, Parquet vs Arrow"),
        (Err(a), Err(b)) => assert_eq!(a, b, "{what}, Parquet vs Arrow"),
        (a, b) => panic!("{what}: Parquet {a:?} vs Arrow {b:?}"),
    }
}

fn check(shape: &Shape, tickets: &[TicketSpec], surveys: &[SurveySpec]) {
    let o = options(shape);
    let what = format!("{shape:?}");
    let tcols = ticket_columns(shape, tickets);
    let t_batches = batches(shape, &tcols, tickets.len());
    let from_csv =
        of(TicketReader::csv(csv(&tcols, tickets.len()).as_bytes(), &o).and_then(|r| r.read_all()));
    let from_json = of(
        TicketReader::json_lines(json_lines(&tcols, tickets.len()).as_bytes(), &o)
            .and_then(|r| r.read_all()),
    );
    let from_arrow = of(arrow::read_tickets(arrow::batches(t_batches.clone()), &o));
    same_through_parquet(
        &t_batches,
        &from_arrow,
        |p| supportkpi::io::read_tickets(p, &o),
        &format!("{what}: tickets"),
    );
    let table = arrow::read_ticket_table(arrow::batches(t_batches), &o);
    let from_table: Outcome<Ticket> = table
        .as_ref()
        .map(|t| (t.table.tickets().collect(), t.rejected.clone(), t.read))
        .map_err(Clone::clone);
    // JSON Lines and Arrow: everything equal, lines and messages included.
    match (&from_json, &from_arrow) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}: tickets, JSON Lines vs Arrow"),
        (Err(a), Err(b)) => assert_eq!(a, b, "{what}: tickets, JSON Lines vs Arrow"),
        (a, b) => panic!("{what}: {a:?} vs {b:?}"),
    }
    agree(
        &from_arrow,
        &from_table,
        false,
        &format!("{what}: tickets, records vs table"),
    );
    agree(
        &from_csv,
        &from_arrow,
        true,
        &format!("{what}: tickets, CSV vs Arrow"),
    );

    // Surveys: no preset reads them.
    let so = options(&Shape {
        preset: None,
        ..shape.clone()
    });
    let scols = survey_columns(shape, surveys);
    let s_batches = batches(shape, &scols, surveys.len());
    let s_csv = of(
        SurveyReader::csv(csv(&scols, surveys.len()).as_bytes(), &so).and_then(|r| r.read_all()),
    );
    let s_json = of(
        SurveyReader::json_lines(json_lines(&scols, surveys.len()).as_bytes(), &so)
            .and_then(|r| r.read_all()),
    );
    let s_arrow = of(arrow::read_surveys(arrow::batches(s_batches.clone()), &so));
    same_through_parquet(
        &s_batches,
        &s_arrow,
        |p| supportkpi::io::read_surveys(p, &so),
        &format!("{what}: surveys"),
    );
    let s_table = arrow::read_survey_table(arrow::batches(s_batches), &so);
    let from_s_table: Outcome<SurveyResponse> = s_table
        .as_ref()
        .map(|t| (t.table.responses().collect(), t.rejected.clone(), t.read))
        .map_err(Clone::clone);
    match (&s_json, &s_arrow) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}: surveys, JSON Lines vs Arrow"),
        (Err(a), Err(b)) => assert_eq!(a, b, "{what}: surveys, JSON Lines vs Arrow"),
        (a, b) => panic!("{what}: {a:?} vs {b:?}"),
    }
    agree(
        &s_arrow,
        &from_s_table,
        false,
        &format!("{what}: surveys, records vs table"),
    );
    agree(
        &s_csv,
        &s_arrow,
        true,
        &format!("{what}: surveys, CSV vs Arrow"),
    );

    // The report: from the CSV records, and from the Arrow tables.
    if let (Ok((tickets, _, _)), Ok(table), Ok((responses, _, _)), Ok(s_table)) =
        (&from_csv, table, &s_csv, s_table)
    {
        let report_options = ReportOptions::default()
            .with_period(Period::Week)
            .with_by("channel");
        let rows = ReportInput {
            tickets: tickets.clone(),
            surveys: responses.clone(),
            ..ReportInput::default()
        };
        let columns = ColumnarInput {
            tickets: table.table,
            surveys: s_table.table,
            ..ColumnarInput::default()
        };
        let a = Report::compute(&rows, &report_options);
        let b = Report::compute_columnar(&columns, &report_options);
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}: report"),
            (Err(a), Err(b)) => assert_eq!(a, b, "{what}: report"),
            (a, b) => panic!("{what}: report {a:?} vs {b:?}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]
    /// Random tables through CSV, JSON Lines and Arrow of every shape.
    #[test]
    fn csv_json_lines_and_arrow_read_alike(
        shape in shape(),
        tickets in prop::collection::vec(ticket(), 0..14),
        surveys in prop::collection::vec(survey(), 0..10),
    ) {
        check(&shape, &tickets, &surveys);
    }
}

/// Every unit, zone and string kind on one fixed table, both modes, each preset.
#[test]
fn every_shape_on_one_table() {
    let tickets: Vec<TicketSpec> = (0..9)
        .map(|i| TicketSpec {
            id: Some(
                [
                    "T-1", "T-2", " T-3 ", "T-4", "T-1", "T-5", "T-6", "T-7", "T-8",
                ][i],
            ),
            created: Some(i as i64 * 3_000),
            response: Some([60, 600, -60, 0, 30, 7_200, 120, 60, 59][i]),
            resolved: [
                Some(3_600),
                None,
                Some(86_400),
                Some(10),
                None,
                Some(-5),
                None,
                Some(1),
                Some(2),
            ][i],
            status: [
                Some("Solved"),
                Some("open"),
                Some("parked"),
                None,
                Some("closed"),
                Some("Resolved"),
                Some("hold"),
                Some("solved"),
                Some("Open"),
            ][i],
            channel: Some(
                [
                    "email", "chat", "?", " phone ", "email", "", "NULL", "chat", "x",
                ][i],
            ),
            replies: [
                Some(1),
                None,
                Some(-1),
                Some(0),
                Some(3),
                None,
                Some(2),
                Some(0),
                Some(1),
            ][i],
            bad_created: i == 7,
        })
        .collect();
    let surveys: Vec<SurveySpec> = (0..6)
        .map(|i| SurveySpec {
            id: Some(["S-1", "S-2", "S-1", "S-3", " S-4 ", "S-5"][i]),
            at: Some(i as i64 * 5_000),
            kind: Some(["csat", "NPS", "nps", "c-sat", "ces", "nps"][i]),
            score: Some([5, 9, 3, 4, 2, 11][i]),
            ticket: [Some("T-1"), None, Some("?"), Some("T-2"), None, Some("T-3")][i],
        })
        .collect();
    for times in [
        Times::Aware("UTC"),
        Times::Aware("Europe/Berlin"),
        Times::Naive,
        Times::Text,
    ] {
        for unit in [Unit::S, Unit::Ms, Unit::Us, Unit::Ns] {
            for strings in [
                Strings::Utf8,
                Strings::Large,
                Strings::View,
                Strings::Dictionary,
            ] {
                for preset in [None, Some(Preset::Zendesk), Some(Preset::Freshdesk)] {
                    for mode in [ErrorMode::Strict, ErrorMode::Lenient] {
                        let shape = Shape {
                            times,
                            unit,
                            strings,
                            chunk: 4,
                            zone: "Europe/Berlin",
                            mode,
                            preset,
                        };
                        check(&shape, &tickets, &surveys);
                    }
                }
            }
        }
    }
    // The lenient canonical read, by hand: T-3's -1 replies (line 3: the counts are read
    // before its answer before creation, or its unmapped "parked"), T-1 again (line 5),
    // T-5 resolved before it was created (line 6: "Resolved" is a canonical synonym, so the
    // instants decide); "hold" (line 7) is the canonical synonym of on hold; six accepted.
    let shape = Shape {
        times: Times::Aware("UTC"),
        unit: Unit::Ms,
        strings: Strings::Dictionary,
        chunk: 2,
        zone: "UTC",
        mode: ErrorMode::Lenient,
        preset: None,
    };
    let cols = ticket_columns(&shape, &tickets);
    let out = arrow::read_ticket_table(
        arrow::batches(batches(&shape, &cols, tickets.len())),
        &options(&shape),
    )
    .unwrap();
    let rejected: Vec<(u64, ErrorKind)> = out
        .rejected
        .iter()
        .map(|r| (r.line, r.error.kind()))
        .collect();
    assert_eq!(
        rejected,
        [
            (3, ErrorKind::InvalidValue),
            (5, ErrorKind::DuplicateId),
            (6, ErrorKind::NegativeDuration),
        ]
    );
    assert_eq!((out.table.len(), out.read), (6, 9));
    assert_eq!(out.table.status()[3], supportkpi::model::Status::OnHold);
}

/// One generated row of a ServiceNow incident event log; instants are minutes after [`T0`]
/// (the export's timestamps have minutes).
#[derive(Debug, Clone)]
struct EventRowSpec {
    number: Option<&'static str>,
    state: Option<&'static str>,
    opened: Option<i64>,
    updated: Option<i64>,
    resolved: Option<i64>,
    priority: Option<&'static str>,
    contact: Option<&'static str>,
    /// For the text shape: an update text that no format reads.
    bad_updated: bool,
}

fn event_row() -> impl Strategy<Value = EventRowSpec> {
    let minutes = || {
        prop_oneof![
            0..4_320i64,
            // Around the night of the change to summer time.
            Just(4 * 60 + 30),
            Just(3 * 60 + 30),
        ]
    };
    (
        prop::option::weighted(
            0.95,
            prop::sample::select(vec!["INC1", "INC2", "INC3", " INC4 "]),
        ),
        prop::option::weighted(
            0.95,
            prop::sample::select(vec![
                "New",
                "Active",
                "Awaiting User Info",
                "Resolved",
                "Closed",
                "Canceled",
                "Parked",
            ]),
        ),
        prop::option::weighted(0.95, minutes()),
        prop::option::weighted(0.95, minutes()),
        prop::option::of(minutes()),
        prop::option::of(prop::sample::select(vec!["1 - Critical", "3 - Moderate"])),
        prop::option::of(prop::sample::select(vec!["Phone", "Email", "?"])),
        prop::bool::weighted(0.05),
    )
        .prop_map(
            |(number, state, opened, updated, resolved, priority, contact, bad_updated)| {
                EventRowSpec {
                    number,
                    state,
                    opened,
                    updated,
                    resolved,
                    priority,
                    contact,
                    bad_updated,
                }
            },
        )
}

/// An instant's text in the ServiceNow export's format: the wall-clock minute in the read's
/// zone (an aware Arrow timestamp is the same instant; a naive one that wall-clock time).
fn servicenow_text(shape: &Shape, offset: i64) -> String {
    let zone: Tz = shape.zone.parse().unwrap();
    instant(offset)
        .with_timezone(&zone)
        .format(supportkpi::io::presets::servicenow::TIMESTAMP_PATTERN)
        .to_string()
}

/// The event log as named columns (instants as seconds after [`T0`]).
fn event_columns(shape: &Shape, rows: &[EventRowSpec]) -> Vec<(&'static str, Col)> {
    let text = |f: &dyn Fn(&EventRowSpec) -> Option<&'static str>| {
        Col::Text(rows.iter().map(|r| f(r).map(str::to_owned)).collect())
    };
    let time = |f: &dyn Fn(&EventRowSpec) -> Option<i64>, bad: &dyn Fn(&EventRowSpec) -> bool| {
        let seconds: Vec<Option<i64>> = rows.iter().map(|r| f(r).map(|m| m * 60)).collect();
        let text = rows
            .iter()
            .zip(&seconds)
            .map(|(r, s)| {
                if shape.times == Times::Text && bad(r) {
                    Some("soon".to_owned())
                } else {
                    s.map(|s| servicenow_text(shape, s))
                }
            })
            .collect();
        Col::Time(seconds, text)
    };
    vec![
        ("number", text(&|r| r.number)),
        ("incident_state", text(&|r| r.state)),
        ("opened_at", time(&|r| r.opened, &|_| false)),
        ("sys_updated_at", time(&|r| r.updated, &|r| r.bad_updated)),
        ("resolved_at", time(&|r| r.resolved, &|_| false)),
        ("priority", text(&|r| r.priority)),
        ("contact_type", text(&|r| r.contact)),
    ]
}

type LogOutcome = Result<supportkpi::io::EventLogOutcome, Error>;

/// The outcome with CSV's lines as JSON Lines and Arrow count them (no header), in its
/// rejected rows and incidents and its error.
fn log_normalized(out: &LogOutcome, csv: bool) -> Result<LogView, LineError> {
    let norm = |r: &Rejected| normalized(r, csv);
    match out {
        Ok(o) => Ok((
            format!("{:?}", o.histories),
            o.rejected.iter().map(norm).collect(),
            o.rejected_tickets.iter().map(norm).collect(),
            o.read,
            o.accepted,
        )),
        Err(e) => Err(norm(&Rejected {
            line: e.line().unwrap_or(u64::from(csv)),
            error: e.clone(),
        })),
    }
}

type LineError = (u64, ErrorKind, Option<String>, Option<String>, String);

/// An event-log outcome as compared: the histories (debug text), rejected rows and incidents,
/// rows read and accepted.
type LogView = (String, Vec<LineError>, Vec<LineError>, u64, u64);

/// The event log through CSV, JSON Lines, Arrow batches and Parquet: the same histories,
/// rejected rows and incidents, counts, or strict error.
fn check_servicenow(shape: &Shape, rows: &[EventRowSpec]) {
    let what = format!("{shape:?}: servicenow");
    let o = ReadOptions::new()
        .errors(shape.mode)
        .zone(shape.zone)
        .unwrap();
    let cols = event_columns(shape, rows);
    let b = batches(shape, &cols, rows.len());
    let from_csv = supportkpi::io::read_servicenow_from(csv(&cols, rows.len()).as_bytes(), &o);
    let from_json = supportkpi::io::read_servicenow_from(
        json_lines(&cols, rows.len()).as_bytes(),
        &o.clone().format(supportkpi::io::Format::JsonLines),
    );
    let from_arrow = arrow::read_servicenow(arrow::batches(b.clone()), &o);
    assert_eq!(from_json, from_arrow, "{what}: JSON Lines vs Arrow");
    assert_eq!(
        log_normalized(&from_csv, true),
        log_normalized(&from_arrow, false),
        "{what}: CSV vs Arrow"
    );
    if let Some(path) = parquet_file(&b, "servicenow") {
        let from_parquet = supportkpi::io::read_servicenow(&path, &o);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(from_parquet, from_arrow, "{what}: Parquet vs Arrow");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    /// Random ServiceNow event logs through CSV, JSON Lines, Arrow and Parquet of every shape.
    #[test]
    fn servicenow_logs_read_alike(
        shape in shape(),
        rows in prop::collection::vec(event_row(), 0..16),
    ) {
        check_servicenow(&shape, &rows);
    }
}

/// The column reader (whose quick path reads instants as nanoseconds) against the JSON Lines
/// path on one table, for every unit, zoned, UTC and naive timestamps, a UTC and a Berlin read
/// zone, null tokens that equal a count's text (`0`, `1`, `5`) or a boolean's, both modes:
/// the same tickets, rejects and errors. The rows: the night Berlin's clocks skip 02:00 (Q2
/// is no wall-clock time there), two hours after the columns' first instant (Q3), a second
/// count whose nanoseconds overflow (Q4), 300 years back (Q6), a resolution before creation
/// (Q7).
#[test]
fn the_column_reader_reads_edges_as_the_json_lines_path() {
    let n = 8;
    let ids: Vec<Option<String>> = (0..n).map(|i| Some(format!("Q{i}"))).collect();
    let mut b = StringBuilder::new();
    for id in &ids {
        b.append_option(id.clone());
    }
    let id: ArrayRef = Arc::new(b.finish());
    let replies: ArrayRef = Arc::new(arrow_array::Int64Array::from(vec![
        Some(0),
        Some(1),
        Some(5),
        None,
        Some(0),
        Some(2),
        Some(1),
        Some(3),
    ]));
    let t = 1_711_846_800i64; // 2024-03-31 01:00 UTC, the night Berlin changes
    let created_s = vec![
        Some(t),
        Some(t + 1800),
        Some(t + 3600),
        Some(-9_223_372_036 + 7200),
        Some(9_223_372_037),
        Some(t),
        Some(t - 86_400 * 365 * 300),
        Some(t + 7200),
    ];
    let mut resolved_s = vec![Some(t + 100); n];
    resolved_s[7] = Some(t);
    for unit in [Unit::S, Unit::Ms, Unit::Us, Unit::Ns] {
        for zone in [Some("Europe/Berlin"), Some("UTC"), None] {
            for tokens in [
                vec!["", "0"],
                vec!["", "1"],
                vec!["5", "NULL"],
                vec!["", "true"],
            ] {
                for read_zone in ["UTC", "Europe/Berlin"] {
                    for mode in [ErrorMode::Lenient, ErrorMode::Strict] {
                        let scale = match unit {
                            Unit::S => 1i64,
                            Unit::Ms => 1_000,
                            Unit::Us => 1_000_000,
                            Unit::Ns => 1_000_000_000,
                        };
                        let mk = |v: &[Option<i64>]| -> ArrayRef {
                            let v: Vec<Option<i64>> = v
                                .iter()
                                .map(|x| x.and_then(|x| x.checked_mul(scale)))
                                .collect();
                            let z = zone.map(Arc::<str>::from);
                            match unit {
                                Unit::S => {
                                    Arc::new(TimestampSecondArray::from(v).with_timezone_opt(z))
                                }
                                Unit::Ms => Arc::new(
                                    TimestampMillisecondArray::from(v).with_timezone_opt(z),
                                ),
                                Unit::Us => Arc::new(
                                    TimestampMicrosecondArray::from(v).with_timezone_opt(z),
                                ),
                                Unit::Ns => {
                                    Arc::new(TimestampNanosecondArray::from(v).with_timezone_opt(z))
                                }
                            }
                        };
                        let created = mk(&created_s);
                        let resolved = mk(&resolved_s);
                        let batch = RecordBatch::try_from_iter(vec![
                            ("id", id.clone()),
                            ("created_at", created),
                            ("resolved_at", resolved),
                            ("agent_replies", replies.clone()),
                        ])
                        .unwrap();
                        let o = ReadOptions::new()
                            .errors(mode)
                            .zone(read_zone)
                            .unwrap()
                            .null_tokens(tokens.clone());
                        let quick = arrow::read_ticket_table(arrow::batches([batch.clone()]), &o);
                        let text = arrow::read_via_json_lines(
                            supportkpi::io::SourceKind::Tickets,
                            arrow::batches([batch.clone()]),
                            &o,
                        );
                        let what = format!("{unit:?} {zone:?} {tokens:?} {read_zone} {mode:?}");
                        match (quick, text) {
                            (Ok(q), Ok(t)) => {
                                let want = match t.records {
                                    arrow::Records::Tickets(v) => v,
                                    other => panic!("{other:?}"),
                                };
                                let got: Vec<Ticket> = q.table.tickets().collect();
                                assert_eq!(got, want, "{what}");
                                assert_eq!(q.read, t.read, "{what}");
                                let r = |v: &[Rejected]| -> Vec<(u64, ErrorKind, String)> {
                                    v.iter()
                                        .map(|r| (r.line, r.error.kind(), r.error.to_string()))
                                        .collect()
                                };
                                assert_eq!(r(&q.rejected), r(&t.rejected), "{what}");
                            }
                            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{what}"),
                            (a, b) => {
                                panic!("{what}: {:?} vs {:?}", a.map(|x| x.read), b.map(|x| x.read))
                            }
                        }
                    }
                }
            }
        }
    }
}
