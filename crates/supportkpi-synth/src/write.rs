//! Writing a generated data set to files in the canonical layout, streaming.
//!
//! Rows are formatted straight from the stories into a buffer (no record structs, no
//! allocation per ticket): ten million tickets are gigabytes of text, and how fast they are
//! written is how long every benchmark run waits.

use super::story::{CHANNELS, Happening, PRIORITIES, SEGMENTS, Story, TEAMS};
use super::{Synth, survey_kind};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use supportkpi::io::Format;
use supportkpi::io::{SourceKind, canonical_columns};
use supportkpi::model::Author;
use supportkpi::{Error, ErrorKind, Result};

/// How [`Synth::write`] writes. [`Default`]: CSV, with the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// CSV, JSON Lines or (feature `parquet`) Parquet.
    pub format: Format,
    /// Whether to write `events.csv` too (about eight rows per ticket: the biggest file).
    pub events: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            format: Format::Csv,
            events: true,
        }
    }
}

impl WriteOptions {
    /// CSV with the event log.
    pub fn new() -> Self {
        WriteOptions::default()
    }

    /// Sets the format.
    #[must_use]
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Writes the event log, or not.
    #[must_use]
    pub fn events(mut self, on: bool) -> Self {
        self.events = on;
        self
    }
}

/// What [`Synth::write`] wrote: each file and its record count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// `(path, records)` per file, in the order written.
    pub files: Vec<(PathBuf, u64)>,
}

impl Written {
    /// The records written to the file whose name starts with `stem` (`"tickets"`, …).
    pub fn count(&self, stem: &str) -> Option<u64> {
        self.files
            .iter()
            .find(|(p, _)| p.file_stem().and_then(|s| s.to_str()) == Some(stem))
            .map(|(_, n)| *n)
    }
}

// The columns are the readers' canonical layout itself, so what is written always reads back.
const TICKET_COLUMNS: &[&str] = canonical_columns(SourceKind::Tickets);
// Less the last, `agent`: the synthetic events name no agent (an empty column would only
// change the committed demo files).
const EVENT_COLUMNS: &[&str] = canonical_columns(SourceKind::Events)
    .split_at(canonical_columns(SourceKind::Events).len() - 1)
    .0;
const SURVEY_COLUMNS: &[&str] = canonical_columns(SourceKind::Surveys);
const CUSTOMER_COLUMNS: &[&str] = canonical_columns(SourceKind::Customers);
const COST_COLUMNS: &[&str] = canonical_columns(SourceKind::Costs);

/// What a column holds, for the typed formats (Parquet): the value kinds of [`V`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Time,
    Int,
    Bool,
}

/// The kinds of each file's columns, in the order of its `*_COLUMNS`. Amounts and cost dates
/// stay text, as in CSV: the readers' rules for them (exact decimals, the date format) are
/// the same whatever the file.
const TICKET_KINDS: &[Kind] = {
    use Kind::{Int, Str, Time};
    &[
        Str, Str, Time, Time, Time, Time, Str, Str, Str, Str, Str, Int, Int,
    ]
};
const EVENT_KINDS: &[Kind] = {
    use Kind::{Bool, Str, Time};
    &[Str, Time, Str, Str, Bool, Str, Str]
};
const SURVEY_KINDS: &[Kind] = {
    use Kind::{Int, Str, Time};
    &[Str, Str, Str, Time, Str, Int]
};
const CUSTOMER_KINDS: &[Kind] = {
    use Kind::{Str, Time};
    &[Str, Time, Time, Str, Str, Str]
};
const COST_KINDS: &[Kind] = &[Kind::Str; 5];

/// A value of a row. Every text the generator writes is an identifier or a vocabulary word,
/// never a comma, quote or newline, so CSV needs no quoting and JSON no escaping.
enum V<'a> {
    Str(&'a str),
    Time(i64),
    Int(i64),
    Bool(bool),
    Null,
}

/// Where a sink's rows go.
enum Out {
    /// CSV or JSON Lines, a line at a time.
    Text(BufWriter<File>),
    /// Parquet, a column at a time.
    #[cfg(feature = "parquet")]
    Parquet(Box<parquet_sink::ParquetSink>),
}

/// One output file of one record type.
struct Sink {
    out: Out,
    path: PathBuf,
    format: Format,
    columns: &'static [&'static str],
    rows: u64,
    line: Vec<u8>,
}

impl Sink {
    fn create(
        dir: &Path,
        stem: &str,
        format: Format,
        columns: &'static [&'static str],
        kinds: &'static [Kind],
    ) -> Result<Sink> {
        let ext = match format {
            Format::Csv => "csv",
            Format::JsonLines => "jsonl",
            #[cfg(feature = "parquet")]
            Format::Parquet => "parquet",
        };
        let path = dir.join(format!("{stem}.{ext}"));
        let file = File::create(&path).map_err(|e| io_error(&path, &e))?;
        let out = match format {
            #[cfg(feature = "parquet")]
            Format::Parquet => Out::Parquet(Box::new(
                parquet_sink::ParquetSink::new(file, columns, kinds)
                    .map_err(|e| parquet_error(&path, &e))?,
            )),
            _ => {
                let _ = kinds;
                let mut out = BufWriter::with_capacity(1 << 20, file);
                if format == Format::Csv {
                    let header = columns.join(",") + "\n";
                    out.write_all(header.as_bytes())
                        .map_err(|e| io_error(&path, &e))?;
                }
                Out::Text(out)
            }
        };
        Ok(Sink {
            out,
            path,
            format,
            columns,
            rows: 0,
            line: Vec::with_capacity(256),
        })
    }

    fn row(&mut self, values: &[V<'_>]) -> Result<()> {
        self.rows += 1;
        let out = match &mut self.out {
            Out::Text(out) => out,
            #[cfg(feature = "parquet")]
            Out::Parquet(sink) => {
                return sink.row(values).map_err(|e| parquet_error(&self.path, &e));
            }
        };
        let line = &mut self.line;
        line.clear();
        match self.format {
            Format::JsonLines => {
                line.push(b'{');
                let mut first = true;
                for (name, v) in self.columns.iter().zip(values) {
                    if matches!(v, V::Null) {
                        continue;
                    }
                    if !first {
                        line.push(b',');
                    }
                    first = false;
                    line.push(b'"');
                    line.extend_from_slice(name.as_bytes());
                    line.extend_from_slice(b"\":");
                    match v {
                        V::Str(s) => {
                            line.push(b'"');
                            line.extend_from_slice(s.as_bytes());
                            line.push(b'"');
                        }
                        V::Time(t) => {
                            line.push(b'"');
                            push_time(line, *t);
                            line.push(b'"');
                        }
                        V::Int(n) => line.extend_from_slice(n.to_string().as_bytes()),
                        V::Bool(b) => line.extend_from_slice(if *b { b"true" } else { b"false" }),
                        V::Null => {}
                    }
                }
                line.push(b'}');
            }
            // CSV (a Parquet sink's rows went to its columns above).
            _ => {
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    match v {
                        V::Str(s) => line.extend_from_slice(s.as_bytes()),
                        V::Time(t) => push_time(line, *t),
                        V::Int(n) => line.extend_from_slice(n.to_string().as_bytes()),
                        V::Bool(b) => line.extend_from_slice(if *b { b"true" } else { b"false" }),
                        V::Null => {}
                    }
                }
            }
        }
        line.push(b'\n');
        out.write_all(line).map_err(|e| io_error(&self.path, &e))
    }

    fn finish(self) -> Result<(PathBuf, u64)> {
        match self.out {
            Out::Text(mut out) => out.flush().map_err(|e| io_error(&self.path, &e))?,
            #[cfg(feature = "parquet")]
            Out::Parquet(sink) => sink.finish().map_err(|e| parquet_error(&self.path, &e))?,
        }
        Ok((self.path, self.rows))
    }
}

#[cfg(feature = "parquet")]
fn parquet_error(path: &Path, e: &parquet::errors::ParquetError) -> Error {
    Error::new(ErrorKind::Io, format!("cannot write the Parquet file: {e}"))
        .with_field("path")
        .with_value(path.display())
}

/// Rows into Arrow columns, a batch at a time, into a Parquet file.
#[cfg(feature = "parquet")]
mod parquet_sink {
    use super::{Kind, V};
    use arrow_array::builder::{
        ArrayBuilder, BooleanBuilder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
    };
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::errors::ParquetError;
    use parquet::file::properties::WriterProperties;
    use std::fs::File;
    use std::sync::Arc;

    /// Rows per record batch handed to the writer (which cuts row groups of its own size).
    const BATCH_ROWS: usize = 64 * 1024;
    /// Rows per Parquet row group.
    const ROW_GROUP_ROWS: usize = 128 * 1024;

    enum Column {
        Str(StringBuilder),
        Time(TimestampMicrosecondBuilder),
        Int(Int64Builder),
        Bool(BooleanBuilder),
    }

    impl Column {
        fn finish(&mut self) -> ArrayRef {
            match self {
                Column::Str(b) => Arc::new(b.finish()),
                // The zone is UTC, as in the text files' `Z`.
                Column::Time(b) => Arc::new(b.finish().with_timezone("UTC")),
                Column::Int(b) => Arc::new(b.finish()),
                Column::Bool(b) => Arc::new(b.finish()),
            }
        }

        fn len(&self) -> usize {
            match self {
                Column::Str(b) => b.len(),
                Column::Time(b) => b.len(),
                Column::Int(b) => b.len(),
                Column::Bool(b) => b.len(),
            }
        }
    }

    pub(super) struct ParquetSink {
        schema: SchemaRef,
        columns: Vec<Column>,
        writer: ArrowWriter<File>,
    }

    impl ParquetSink {
        pub(super) fn new(
            file: File,
            names: &[&str],
            kinds: &[Kind],
        ) -> Result<ParquetSink, ParquetError> {
            let fields: Vec<Field> = names
                .iter()
                .zip(kinds)
                .map(|(name, kind)| {
                    let ty = match kind {
                        Kind::Str => DataType::Utf8,
                        Kind::Time => {
                            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
                        }
                        Kind::Int => DataType::Int64,
                        Kind::Bool => DataType::Boolean,
                    };
                    Field::new(*name, ty, true)
                })
                .collect();
            let schema = Arc::new(Schema::new(fields));
            let columns = kinds
                .iter()
                .map(|kind| match kind {
                    Kind::Str => {
                        Column::Str(StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 8))
                    }
                    Kind::Time => {
                        Column::Time(TimestampMicrosecondBuilder::with_capacity(BATCH_ROWS))
                    }
                    Kind::Int => Column::Int(Int64Builder::with_capacity(BATCH_ROWS)),
                    Kind::Bool => Column::Bool(BooleanBuilder::with_capacity(BATCH_ROWS)),
                })
                .collect();
            // zstd: what polars writes by default, smaller than snappy for as little time.
            // Row groups of 128k rows (DuckDB writes ~123k): a reader decodes row groups in
            // parallel, and the writer's default of 1M rows left a 1M-ticket file one group,
            // decoded on one core.
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::default()))
                .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                .build();
            let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
            Ok(ParquetSink {
                schema,
                columns,
                writer,
            })
        }

        pub(super) fn row(&mut self, values: &[V<'_>]) -> Result<(), ParquetError> {
            for (column, v) in self.columns.iter_mut().zip(values) {
                match (column, v) {
                    (Column::Str(b), V::Str(s)) => b.append_value(s),
                    (Column::Time(b), V::Time(t)) => {
                        let us = t.checked_mul(1_000_000).ok_or_else(|| {
                            ParquetError::General(format!("{t} s is past the microseconds' range"))
                        })?;
                        b.append_value(us);
                    }
                    (Column::Int(b), V::Int(n)) => b.append_value(*n),
                    (Column::Bool(b), V::Bool(x)) => b.append_value(*x),
                    (Column::Str(b), V::Null) => b.append_null(),
                    (Column::Time(b), V::Null) => b.append_null(),
                    (Column::Int(b), V::Null) => b.append_null(),
                    (Column::Bool(b), V::Null) => b.append_null(),
                    _ => {
                        return Err(ParquetError::General(
                            "a value of another type than its column's".into(),
                        ));
                    }
                }
            }
            if self.columns.first().map_or(0, Column::len) >= BATCH_ROWS {
                self.flush()?;
            }
            Ok(())
        }

        fn flush(&mut self) -> Result<(), ParquetError> {
            if self.columns.first().map_or(0, Column::len) == 0 {
                return Ok(());
            }
            let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::finish).collect();
            let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
            self.writer.write(&batch)
        }

        pub(super) fn finish(mut self) -> Result<(), ParquetError> {
            self.flush()?;
            self.writer.close().map(|_| ())
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("cannot write the file: {e}"))
        .with_field("path")
        .with_value(path.display())
}

/// RFC 3339 in UTC, `2023-01-02T09:05:00Z`, from Unix seconds (Hinnant's civil-from-days).
fn push_time(out: &mut Vec<u8>, t: i64) {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    push_date_parts(out, y, m, d);
    out.push(b'T');
    push2(out, (secs / 3600) as u32);
    out.push(b':');
    push2(out, ((secs / 60) % 60) as u32);
    out.push(b':');
    push2(out, (secs % 60) as u32);
    out.push(b'Z');
}

fn push_date_parts(out: &mut Vec<u8>, y: i64, m: u32, d: u32) {
    if (0..10_000).contains(&y) {
        let y = y as u32;
        push2(out, y / 100);
        push2(out, y % 100);
    } else {
        out.extend_from_slice(y.to_string().as_bytes());
    }
    out.push(b'-');
    push2(out, m);
    out.push(b'-');
    push2(out, d);
}

fn push2(out: &mut Vec<u8>, n: u32) {
    out.push(b'0' + (n / 10 % 10) as u8);
    out.push(b'0' + (n % 10) as u8);
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl Synth {
    /// Writes the data set into `dir` (created if missing): `tickets`, `events` (unless
    /// switched off), `surveys`, `customers` and `costs`, `.csv`, `.jsonl` or `.parquet`, in
    /// the canonical layout. In Parquet, instants are `timestamp[us, UTC]`, counts and scores
    /// `int64`, `public` boolean, the rest (amounts, cost dates) text as in CSV; zstd
    /// compression, row groups of the writer's default size (1,048,576 rows). Streams: memory stays flat whatever the size. `progress` is called with the
    /// number of tickets written so far, every 16,384 tickets and at the end.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the directory or a file cannot be created or written.
    ///
    /// # Example
    /// ```
    /// use supportkpi::io::{load, ReadOptions, Sources};
    /// use supportkpi_synth::{Synth, SynthOptions, WriteOptions};
    ///
    /// let dir = std::env::temp_dir().join(format!("synth-doc-{}", std::process::id()));
    /// let synth = Synth::new(SynthOptions::new(300).seed(3))?;
    /// let written = synth.write(&dir, &WriteOptions::new(), &mut |_| {})?;
    /// assert_eq!(written.count("tickets"), Some(300));
    /// let sources = Sources {
    ///     tickets: Some(dir.join("tickets.csv")),
    ///     surveys: Some(dir.join("surveys.csv")),
    ///     ..Sources::default()
    /// };
    /// let loaded = load(&sources, &ReadOptions::new())?;
    /// assert_eq!(loaded.input.tickets.len(), 300);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn write(
        &self,
        dir: impl AsRef<Path>,
        options: &WriteOptions,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Written> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        let format = options.format;
        let mut tickets = Sink::create(dir, "tickets", format, TICKET_COLUMNS, TICKET_KINDS)?;
        let mut events = match options.events {
            true => Some(Sink::create(
                dir,
                "events",
                format,
                EVENT_COLUMNS,
                EVENT_KINDS,
            )?),
            false => None,
        };
        let mut surveys = Sink::create(dir, "surveys", format, SURVEY_COLUMNS, SURVEY_KINDS)?;

        let mut stories = self.stories();
        let mut story = Story::new();
        let mut ids = Ids::default();
        let mut n = 0u64;
        while stories.next_into(&mut story) {
            ids.set(&story);
            self.write_ticket(&story, &ids, &mut tickets)?;
            if let Some(events) = &mut events {
                write_events(&story, &ids, events)?;
            }
            for s in &story.surveys {
                let kind = survey_kind(s.kind);
                ids.survey.clear();
                ids.survey.push_str("S-");
                push_padded(&mut ids.survey, story.index + 1, 8);
                ids.survey.push('-');
                ids.survey.push_str(kind);
                surveys.row(&[
                    V::Str(&ids.survey),
                    V::Str(&ids.ticket),
                    V::Str(&ids.customer),
                    V::Time(s.at),
                    V::Str(kind),
                    V::Int(i64::from(s.score)),
                ])?;
            }
            n += 1;
            if n % 16_384 == 0 {
                progress(n);
            }
        }
        progress(n);

        let mut written = Written::default();
        written.files.push(tickets.finish()?);
        if let Some(events) = events {
            written.files.push(events.finish()?);
        }
        written.files.push(surveys.finish()?);
        written.files.push(self.write_customers(dir, format)?);
        written.files.push(self.write_costs(dir, format)?);
        Ok(written)
    }

    fn write_ticket(&self, s: &Story, ids: &Ids, out: &mut Sink) -> Result<()> {
        let opt = |t: Option<i64>| t.map_or(V::Null, V::Time);
        out.row(&[
            V::Str(&ids.ticket),
            V::Str(&ids.customer),
            V::Time(s.created),
            opt(s.first_response),
            opt(s.first_resolved),
            opt(s.resolved),
            V::Str(s.status.as_str()),
            V::Str(CHANNELS[usize::from(s.channel)]),
            V::Str(PRIORITIES[usize::from(s.priority)]),
            V::Str(TEAMS[usize::from(s.team)]),
            V::Str(&ids.agent),
            V::Int(i64::from(s.agent_replies)),
            V::Int(i64::from(s.reopens)),
        ])
    }

    fn write_customers(&self, dir: &Path, format: Format) -> Result<(PathBuf, u64)> {
        let mut out = Sink::create(dir, "customers", format, CUSTOMER_COLUMNS, CUSTOMER_KINDS)?;
        let mut id = String::new();
        // Local midnights as instants, not dates: a date would be read in the reader's zone,
        // which need not be the generator's.
        let midnight = |d: i64| V::Time(self.shape.midnight(d));
        for (i, c) in self.population.customers.iter().enumerate() {
            id.clear();
            id.push_str("C-");
            push_padded(&mut id, i as u64 + 1, 6);
            let revenue = format!("{}.{:02}", c.mrr_cents / 100, c.mrr_cents % 100);
            out.row(&[
                V::Str(&id),
                midnight(c.acquired),
                if c.churned == i64::MAX {
                    V::Null
                } else {
                    midnight(c.churned)
                },
                V::Str(&revenue),
                V::Str("USD"),
                V::Str(SEGMENTS[usize::from(c.segment)]),
            ])?;
        }
        out.finish()
    }

    fn write_costs(&self, dir: &Path, format: Format) -> Result<(PathBuf, u64)> {
        let mut out = Sink::create(dir, "costs", format, COST_COLUMNS, COST_KINDS)?;
        for c in self.costs() {
            let (start, end) = (c.start().to_string(), c.end().to_string());
            let amount = c.amount().amount.to_string();
            out.row(&[
                V::Str(&start),
                V::Str(&end),
                V::Str(&amount),
                V::Str(c.amount().currency.as_str()),
                c.category().map_or(V::Null, V::Str),
            ])?;
        }
        out.finish()
    }
}

fn write_events(s: &Story, ids: &Ids, out: &mut Sink) -> Result<()> {
    for e in &s.events {
        let row = match e.what {
            Happening::Created => [V::Str("created"), V::Null, V::Null, V::Null],
            Happening::Reply { author, public } => [
                V::Str("reply"),
                V::Str(match author {
                    Author::Agent => "agent",
                    Author::Customer => "customer",
                    Author::Bot => "bot",
                    Author::System => "system",
                }),
                V::Bool(public),
                V::Null,
            ],
            Happening::Status(to) => [
                V::Str("status_change"),
                V::Null,
                V::Null,
                V::Str(to.as_str()),
            ],
            Happening::Assigned => [V::Str("assigned"), V::Null, V::Null, V::Str(&ids.agent)],
        };
        let [kind, author, public, to] = row;
        out.row(&[
            V::Str(&ids.ticket),
            V::Time(e.at),
            kind,
            author,
            public,
            to,
            V::Null,
        ])?;
    }
    Ok(())
}

/// The current ticket's identifiers, formatted once into reused buffers.
#[derive(Default)]
struct Ids {
    ticket: String,
    customer: String,
    agent: String,
    survey: String,
}

impl Ids {
    fn set(&mut self, s: &Story) {
        self.ticket.clear();
        self.ticket.push_str("T-");
        push_padded(&mut self.ticket, s.index + 1, 8);
        self.customer.clear();
        self.customer.push_str("C-");
        push_padded(&mut self.customer, u64::from(s.customer) + 1, 6);
        self.agent.clear();
        self.agent.push_str("agent-");
        push_padded(&mut self.agent, u64::from(s.assignee), 2);
    }
}

/// `n` in decimal, zero-padded to `width` (wider numbers are written whole).
fn push_padded(out: &mut String, n: u64, width: usize) {
    let digits = n.to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn timestamps_match_chrono() {
        for t in [
            0i64,
            86_399,
            951_782_400,
            1_672_531_200,
            1_709_251_199,
            4_102_444_800,
        ] {
            let mut b = Vec::new();
            push_time(&mut b, t);
            let expected = DateTime::<Utc>::from_timestamp(t, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            assert_eq!(String::from_utf8(b).unwrap(), expected);
        }
    }

    #[test]
    fn ids_pad_like_the_record_ids() {
        let mut s = String::new();
        push_padded(&mut s, 42, 8);
        assert_eq!(s, "00000042");
        assert_eq!(super::super::ticket_id(41), "T-00000042");
    }
}
