//! Tickets and survey responses from Arrow record batches straight into the core's columnar
//! tables ([`TicketTable`], [`SurveyTable`]), without a text round trip.
//!
//! The rules are the JSON Lines path's, value for value: a table row is the JSON object of
//! `cells`, read by the core's JSON Lines reader. The layouts' rules themselves (which fields,
//! in which order, so that the first bad field of a row is the error) are
//! [`rules`](crate::io::rules)', which every reader shares; this module gives them a batch's
//! cells ([`ArrowCells`]), with the core's own pieces: [`TableLayout`] resolves the
//! columns as the reader resolves an object's keys, [`TimestampFormat::parse`],
//! [`StatusMap::resolve`](crate::model::StatusMap::resolve), [`minutes_after`] and the
//! tables' `push_row` validate as the reader and the ticket builder do. What changes is only the
//! cost: strings are borrowed from the Arrow arrays, numbers and Arrow timestamps are read as
//! numbers and instants — where their text could not matter (no timestamp pattern, no null
//! token that could equal a number's or a timestamp's text); otherwise through the text.
//! Each row is first read by a quick path ([`NsCells`], [`Parser::quick`]): the same cells,
//! with instants as nanoseconds (a zoned Arrow timestamp is its value scaled, no calendar
//! arithmetic) checked and stored by the tables' integer rules. Anything it cannot take as
//! it is — an error, a duplicate id, an instant the columns cannot hold — declines, and the
//! row is read again by the path that names its error: the quick path changes no outcome.
//!
//! Before either, a block of rows is offered to the column pass ([`bulk`]): for plain tables (the
//! canonical columns as Arrow timestamps, strings and integers) it reads the block a column at
//! a time and appends it only when every row is accepted as it is; otherwise the block is read
//! row by row as above, so the pass too changes no outcome.
//!
//! Before any row is read, every value whose text could fail to be written (a timestamp or date
//! the JSON path would reject) is tried, in row order, as the JSON path writes the whole table
//! before reading it; so a table fails here exactly where it fails there.
//!
//! One difference cannot be followed: the columnar tables hold instants from 1677-09-21 to
//! 2262-04-11. A table with an accepted record outside that range gives [`Read::ViaText`], and
//! the caller reads that table through the JSON Lines path instead.

use super::cells::{self, Cell, Column, Temporal, View};
use crate::columnar::{NO_INSTANT, RowNs, SurveyRow, SurveyTable, TicketRow, TicketTable};
use crate::error::{Error, ErrorKind};
use crate::hash::IdHashBuilder;
use crate::io::presets::minutes_after;
use crate::io::rules::{self, Cells, Key, Response, Rules, Summary};
use crate::io::{ErrorMode, ReadOptions, Rejected, TableLayout, TimestampFormat};
use crate::model::{Instant, Status, SurveyResponse, Ticket};
use crate::time::local_to_instant;
use arrow_array::{Array, RecordBatch};
use arrow_schema::TimeUnit;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::BuildHasher;
use std::str::FromStr;

mod bulk;

/// An Arrow timestamp's value `v` (in `unit`) as nanoseconds since 1970, when the columns can
/// hold it: `None` past an `i64` of nanoseconds, or at [`NO_INSTANT`] (reserved for absent).
#[inline]
fn scaled_ns(v: i64, unit: TimeUnit) -> Option<i64> {
    let per_ns = match unit {
        TimeUnit::Second => 1_000_000_000,
        TimeUnit::Millisecond => 1_000_000,
        TimeUnit::Microsecond => 1_000,
        TimeUnit::Nanosecond => 1,
    };
    v.checked_mul(per_ns).filter(|&ns| ns != NO_INSTANT)
}

/// What reading a table gives.
#[derive(Debug)]
pub(crate) enum Read<T> {
    /// The accepted records, the rejected ones, and how many were read.
    Table {
        table: T,
        rejected: Vec<Rejected>,
        read: u64,
    },
    /// A record with an instant outside the columnar range: read the table as text.
    ViaText,
}

/// A number's text, without a heap allocation.
#[derive(Clone, Copy)]
pub(crate) struct NumText {
    len: u8,
    bytes: [u8; 24],
}

impl NumText {
    fn of(n: impl std::fmt::Display) -> NumText {
        let mut t = NumText {
            len: 0,
            bytes: [0; 24],
        };
        // An i64 or u64 is at most 20 characters.
        let _ = write!(t, "{n}");
        t
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Write for NumText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let start = usize::from(self.len);
        let end = start + s.len();
        let dst = self.bytes.get_mut(start..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = u8::try_from(end).map_err(|_| std::fmt::Error)?;
        Ok(())
    }
}

/// A field's text: borrowed from the table, a number's text, or written from a value.
enum Text<'a> {
    Borrowed(&'a str),
    Num(NumText),
    Owned(String),
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<'a> Text<'a> {
    /// The text as a map key: borrowed from the table when it is.
    fn into_cow(self) -> Cow<'a, str> {
        match self {
            Text::Borrowed(s) => Cow::Borrowed(s),
            Text::Num(n) => Cow::Owned(n.as_str().to_owned()),
            Text::Owned(s) => Cow::Owned(s),
        }
    }

    /// A copy (borrowed text stays borrowed).
    fn copy(&self) -> Text<'a> {
        match self {
            Text::Borrowed(s) => Text::Borrowed(s),
            Text::Num(n) => Text::Num(*n),
            Text::Owned(s) => Text::Owned(s.clone()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Num(n) => n.as_str(),
            Text::Owned(s) => s,
        }
    }
}

/// A JSON string's text as the reader keeps it: trimmed (`None`: a null token).
fn trimmed(s: String, tokens: &[String]) -> Option<Text<'static>> {
    let t = s.trim();
    if tokens.iter().any(|k| k == t) {
        None
    } else if t.len() == s.len() {
        Some(Text::Owned(s))
    } else {
        Some(Text::Owned(t.to_owned()))
    }
}

/// `str::trim`, with a fast path for text that starts and ends with a visible ASCII character
/// (no whitespace to trim: every byte in 0x21..0x80 is not whitespace).
#[inline]
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&first), Some(&last))
            if (0x21..0x80).contains(&first) && (0x21..0x80).contains(&last) =>
        {
            s
        }
        _ => s.trim(),
    }
}

/// A key of the reader, resolved once per table: its column and the name errors give it.
#[derive(Clone, Copy)]
struct Col<'l> {
    key: &'static str,
    col: Option<usize>,
    source: &'l str,
}

/// Statuses resolved once per distinct text (a status column has a handful).
#[derive(Default)]
struct StatusCache {
    entries: Vec<(String, Option<Status>)>,
}

const STATUS_CACHE: usize = 64;

/// One row of a batch.
#[derive(Clone, Copy)]
struct Row<'r, 'a> {
    views: &'r [View<'a>],
    i: usize,
}

/// The field accessors of the JSON Lines reader (`crate::io::mapping::Row`), over cells.
struct Fields<'l> {
    layout: &'l TableLayout,
    names: &'l [&'l str],
    temporal: &'l Temporal,
    tokens: &'l [String],
    timestamps: &'l TimestampFormat,
    /// The longest null token's length: a longer text is none.
    longest_token: usize,
    /// Whether a null token could equal a number's or boolean's text.
    numbers_nullable: bool,
    /// Whether Arrow timestamps are read as instants (their text could not matter).
    direct_times: bool,
    utc: bool,
    /// By column: the last day a timestamp fell on and its date (consecutive rows mostly share
    /// days, and a date from a day count is most of a timestamp's cost).
    days: Vec<std::cell::Cell<(i64, NaiveDate)>>,
}

impl<'l> Fields<'l> {
    fn new(layout: &'l TableLayout, names: &'l [&'l str], temporal: &'l Temporal) -> Self {
        let tokens = layout.null_tokens();
        let timestamps = layout.timestamps();
        Fields {
            layout,
            names,
            temporal,
            tokens,
            timestamps,
            longest_token: tokens.iter().map(String::len).max().unwrap_or(0),
            numbers_nullable: tokens
                .iter()
                .any(|t| t == "true" || t == "false" || t.parse::<f64>().is_ok()),
            // A timestamp's text starts with a digit (or a sign outside years 0–9999); without
            // a pattern it reads back to its own instant.
            direct_times: temporal.pattern.is_none()
                && timestamps.pattern_str().is_none()
                && !tokens
                    .iter()
                    .any(|t| t.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-')),
            utc: timestamps.time_zone().name() == "UTC",
            days: vec![std::cell::Cell::new((0, NaiveDate::MIN)); names.len()],
        }
    }

    fn key(&self, key: &'static str) -> Col<'l> {
        Col {
            key,
            col: self.layout.column(key),
            source: self.layout.source_name(key),
        }
    }

    #[inline]
    fn null(&self, text: &str) -> bool {
        // Most texts differ from every token in length or first byte: compared so, without a
        // call to `memcmp` per token (a quarter of reading a row's short texts).
        self.tokens.iter().any(|t| {
            t.len() == text.len() && t.as_bytes().first() == text.as_bytes().first() && t == text
        })
    }

    /// A number's or boolean's text (JSON: a number or boolean, written as text).
    fn number_text<'a>(&self, text: Text<'a>, check_null: bool) -> Option<Text<'a>> {
        (!(check_null && self.numbers_nullable && self.null(text.as_str()))).then_some(text)
    }

    /// The text of a cell (`None`: null or a null token); `check_numbers` says whether
    /// numbers are checked against the null tokens (field values are, dimensions are not).
    fn cell_text<'a>(
        &self,
        column: Option<usize>,
        cell: Cell<'a>,
        check_numbers: bool,
    ) -> Result<Option<Text<'a>>, Error> {
        Ok(match cell {
            Cell::Null => None,
            Cell::Str(s) => self.keep(s).map(Text::Borrowed),
            Cell::Owned(s) => trimmed(s, self.tokens),
            Cell::Time(..) | Cell::Date(_) => {
                let name = column.map_or("", |c| self.names[c]);
                match self.temporal.text(name, &cell) {
                    Some(text) => trimmed(text?, self.tokens),
                    None => None,
                }
            }
            Cell::Int(n) => self.number_text(Text::Num(NumText::of(n)), check_numbers),
            Cell::UInt(n) => self.number_text(Text::Num(NumText::of(n)), check_numbers),
            Cell::Float(x) => {
                let text = serde_json::Number::from_f64(x)
                    .map_or_else(|| x.to_string(), |n| n.to_string());
                self.number_text(Text::Owned(text), check_numbers)
            }
            Cell::Bool(b) => self.number_text(
                Text::Borrowed(if b { "true" } else { "false" }),
                check_numbers,
            ),
        })
    }

    /// The key's text, trimmed; `None` when absent or a null token.
    #[inline]
    fn text<'a>(&self, row: Row<'_, 'a>, key: Col<'_>) -> Result<Option<Text<'a>>, Error> {
        let Some(c) = key.col else {
            return Ok(None);
        };
        match &row.views[c] {
            // The common case, without building a cell: a string borrowed from the table.
            View::Text { .. } => Ok(row.views[c]
                .str_at(row.i)
                .and_then(|s| self.keep(s))
                .map(Text::Borrowed)),
            view => self.cell_text(Some(c), view.cell(row.i), true),
        }
    }

    /// A string's text as the reader keeps it: trimmed, `None` for a null token.
    #[inline]
    fn keep<'a>(&self, s: &'a str) -> Option<&'a str> {
        let t = trim(s);
        (t.len() > self.longest_token || !self.null(t)).then_some(t)
    }

    fn missing(key: Col<'_>) -> Error {
        Error::new(ErrorKind::MissingField, format!("{} is required", key.key))
            .with_field(key.source)
    }

    fn invalid(key: Col<'_>, value: &str, rule: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidValue, rule)
            .with_field(key.source)
            .with_value(value)
    }

    /// An instant: an Arrow timestamp as it is, text with the options' timestamp format.
    fn instant(&self, row: Row<'_, '_>, key: Col<'_>) -> Result<Option<Instant>, Error> {
        if let (Some(c), true) = (key.col, self.direct_times)
            && let View::Timestamp {
                values,
                unit,
                aware,
            } = &row.views[c]
        {
            if values.is_null(row.i) {
                return Ok(None);
            }
            let v = values.value(row.i);
            let at = self.wall_clock(c, v, *unit).map(|t| {
                if *aware || self.utc {
                    t.and_utc()
                } else {
                    local_to_instant(self.timestamps.time_zone(), t)
                }
            });
            return at.map(Some).ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidTimestamp,
                    "an Arrow timestamp outside the representable range",
                )
                .with_field(key.source)
            });
        }
        match self.text(row, key)? {
            None => Ok(None),
            Some(text) => self
                .timestamps
                .parse(text.as_str())
                .map(Some)
                .map_err(|e| e.with_field(key.source)),
        }
    }

    /// [`instant`](Self::instant) as nanoseconds since 1970 for the quick path: `None`
    /// declines (an error, or an instant the columns cannot hold as it is), `Some(None)` is
    /// absent. A zoned (or UTC-read) Arrow timestamp is its value scaled to nanoseconds,
    /// which is the instant `instant` builds, without building it.
    #[inline]
    fn instant_ns(&self, row: Row<'_, '_>, key: Col<'_>) -> Option<Option<i64>> {
        if let (Some(c), true) = (key.col, self.direct_times)
            && let View::Timestamp {
                values,
                unit,
                aware,
            } = &row.views[c]
            && (*aware || self.utc)
        {
            if values.is_null(row.i) {
                return Some(None);
            }
            return scaled_ns(values.value(row.i), *unit).map(Some);
        }
        match self.instant(row, key).ok()? {
            None => Some(None),
            Some(at) => at
                .timestamp_nanos_opt()
                .filter(|&ns| ns != NO_INSTANT)
                .map(Some),
        }
    }

    /// An Arrow timestamp's wall-clock (UTC for a zoned one) time, as chrono's
    /// `DateTime::from_timestamp*` computes it, with the column's last date reused.
    #[inline]
    fn wall_clock(&self, column: usize, v: i64, unit: TimeUnit) -> Option<NaiveDateTime> {
        // Constant divisors per unit: the compiler turns each into a multiply.
        fn split<const PER_SECOND: i64>(v: i64) -> (i64, i64, i64) {
            let secs = v.div_euclid(PER_SECOND);
            let nanos = v.rem_euclid(PER_SECOND) * (1_000_000_000 / PER_SECOND);
            (secs.div_euclid(86_400), secs.rem_euclid(86_400), nanos)
        }
        let (day, second, nanos) = match unit {
            TimeUnit::Second => split::<1>(v),
            TimeUnit::Millisecond => split::<1_000>(v),
            TimeUnit::Microsecond => split::<1_000_000>(v),
            TimeUnit::Nanosecond => split::<1_000_000_000>(v),
        };
        let nanos = u32::try_from(nanos).ok()?;
        let cache = &self.days[column];
        let date = match cache.get() {
            (d, date) if d == day && date != NaiveDate::MIN => date,
            _ => {
                // Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
                let date = NaiveDate::from_num_days_from_ce_opt(
                    i32::try_from(day.checked_add(719_163)?).ok()?,
                )?;
                cache.set((day, date));
                date
            }
        };
        let time =
            NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(second).ok()?, nanos)?;
        Some(NaiveDateTime::new(date, time))
    }

    /// A whole number: an integer cell as it is, text parsed.
    fn number<T: FromStr + TryFrom<i64>>(
        &self,
        row: Row<'_, '_>,
        key: Col<'_>,
        what: &str,
    ) -> Result<Option<T>, Error> {
        if let (Some(c), false) = (key.col, self.numbers_nullable)
            && let View::Int(a) = &row.views[c]
        {
            if a.is_null(row.i) {
                return Ok(None);
            }
            let n = a.value(row.i);
            return T::try_from(n).map(Some).map_err(|_| {
                Self::invalid(key, NumText::of(n).as_str(), format!("expected {what}"))
            });
        }
        match self.text(row, key)? {
            None => Ok(None),
            Some(text) => text
                .as_str()
                .parse()
                .map(Some)
                .map_err(|_| Self::invalid(key, text.as_str(), format!("expected {what}"))),
        }
    }

    fn decimal(&self, row: Row<'_, '_>, key: Col<'_>) -> Result<Option<Decimal>, Error> {
        match self.text(row, key)? {
            None => Ok(None),
            Some(text) => Decimal::from_str(text.as_str()).map(Some).map_err(|_| {
                Self::invalid(
                    key,
                    text.as_str(),
                    "expected a decimal number such as 1234.50",
                )
            }),
        }
    }

    /// `created` plus the key's minutes (the Zendesk preset's durations).
    fn after_minutes(
        &self,
        row: Row<'_, '_>,
        key: Col<'_>,
        created: Instant,
    ) -> Result<Option<Instant>, Error> {
        let Some(minutes) = self.decimal(row, key)? else {
            return Ok(None);
        };
        minutes_after(created, minutes)
            .map(Some)
            .map_err(|e| e.with_field(key.source))
    }

    /// The status, through the status map in force.
    fn status(
        &self,
        row: Row<'_, '_>,
        key: Col<'_>,
        cache: &mut StatusCache,
    ) -> Result<Option<Status>, Error> {
        let Some(text) = self.text(row, key)? else {
            return Ok(None);
        };
        self.status_of(text.as_str(), key, cache).map(Some)
    }

    /// A status's (trimmed) text through the status map in force.
    #[inline]
    fn status_of(
        &self,
        text: &str,
        key: Col<'_>,
        cache: &mut StatusCache,
    ) -> Result<Status, Error> {
        let map = self.layout.status_map();
        let found = match cache.entries.iter().find(|(t, _)| t == text) {
            Some((_, s)) => *s,
            None => {
                let s = map.get(text);
                if cache.entries.len() < STATUS_CACHE {
                    cache.entries.push((text.to_owned(), s));
                }
                s
            }
        };
        match found {
            Some(s) => Ok(s),
            None => map.resolve(text).map_err(|e| e.with_field(key.source)),
        }
    }

    /// The columns kept as dimensions (non-null values), in the reader's order.
    fn dimensions<'a>(
        &self,
        row: Row<'_, 'a>,
        out: &mut Vec<(&'l str, Text<'a>)>,
    ) -> Result<(), Error> {
        for (c, name) in self.layout.dimensions() {
            if let Some(v) = self.cell_text(Some(*c), row.views[*c].cell(row.i), false)? {
                out.push((name.as_str(), v));
            }
        }
        Ok(())
    }

    /// An error of a row's fields, naming its field as the input does (the reader renames a
    /// canonical field to its source column).
    fn rename(&self, e: Error) -> Error {
        let source = match e.field() {
            Some(f) => {
                let s = self.layout.source_name(f);
                (s != f).then(|| s.to_owned())
            }
            None => None,
        };
        match source {
            Some(s) => e.with_field(s),
            None => e,
        }
    }

    /// The record's id as written, for an error's context.
    fn id(&self, row: Row<'_, '_>, key: Col<'_>) -> Option<String> {
        self.text(row, key)
            .ok()
            .flatten()
            .map(|t| t.as_str().to_owned())
    }
}

/// The columns of every batch, checked as the JSON Lines path writes them: each batch's
/// types (and formatters), then every value whose text can fail, in row order.
fn prepare(
    names: &[&str],
    batches: &[RecordBatch],
    temporal: &Temporal,
) -> Result<Vec<Vec<Column>>, Error> {
    let mut all = Vec::with_capacity(batches.len());
    for batch in batches {
        let columns = cells::columns(batch)?;
        let views = cells::views(names, &columns)?;
        let fallible: Vec<usize> = (0..views.len())
            .filter(|&c| views[c].fallible(temporal))
            .collect();
        if !fallible.is_empty() {
            for i in 0..batch.num_rows() {
                for &c in &fallible {
                    if let Some(Err(e)) = temporal.text(names[c], &views[c].cell(i)) {
                        return Err(e);
                    }
                }
            }
        }
        drop(views);
        all.push(columns);
    }
    Ok(all)
}

/// Accepted + rejected bookkeeping, by the error mode.
struct Outcome {
    mode: ErrorMode,
    record_type: &'static str,
    rejected: Vec<Rejected>,
    read: u64,
}

impl Outcome {
    /// Records a bad record (the reader's `reject`); strict mode stops with its error.
    fn reject(&mut self, error: Error, line: u64, id: Option<String>) -> Result<(), Error> {
        self.read += 1;
        let mut error = error.with_record_type(self.record_type).with_line(line);
        if let (Some(id), None) = (id, error.record().and_then(|r| r.id.clone())) {
            error = error.with_id(id);
        }
        match self.mode {
            ErrorMode::Strict => Err(error),
            ErrorMode::Lenient => {
                self.rejected.push(Rejected { line, error });
                Ok(())
            }
        }
    }

    fn duplicate(source: &str, id: &str, first: u64) -> Error {
        Error::new(
            ErrorKind::DuplicateId,
            format!("an id appears once per input (first on line {first})"),
        )
        .with_field(source)
        .with_value(id)
    }
}

/// A summary ticket's fields as the Arrow reader reads them (see [`Fields`]).
struct ArrowCells<'c, 'l, 'r, 'a> {
    f: &'c Fields<'l>,
    cols: &'c [Col<'l>; Key::ALL.len()],
    row: Row<'r, 'a>,
    cache: &'c mut StatusCache,
    dimensions: &'c mut Vec<(&'l str, Text<'a>)>,
}

impl<'l, 'a> Cells for ArrowCells<'_, 'l, '_, 'a> {
    type Text = Text<'a>;
    type At = Instant;
    type Fail = Error;

    #[inline]
    fn text(&mut self, key: Key) -> Result<Option<Text<'a>>, Error> {
        self.f.text(self.row, self.cols[key.index()])
    }

    fn missing(&self, key: Key) -> Error {
        Fields::missing(self.cols[key.index()])
    }

    #[inline]
    fn instant(&mut self, key: Key) -> Result<Option<Instant>, Error> {
        self.f.instant(self.row, self.cols[key.index()])
    }

    fn number<T: FromStr + TryFrom<i64>>(
        &mut self,
        key: Key,
        what: &'static str,
    ) -> Result<Option<T>, Error> {
        self.f.number::<T>(self.row, self.cols[key.index()], what)
    }

    fn invalid(&self, key: Key, value: &str, rule: &'static str) -> Error {
        Fields::invalid(self.cols[key.index()], value, rule)
    }

    /// The error as it is: a reject renames its field ([`Fields::rename`]).
    fn fail(&self, _: Option<Key>, error: Error) -> Error {
        error
    }

    fn after_minutes(&mut self, key: Key, created: Instant) -> Result<Option<Instant>, Error> {
        self.f
            .after_minutes(self.row, self.cols[key.index()], created)
    }

    fn status(&mut self) -> Result<Option<Status>, Error> {
        self.f
            .status(self.row, self.cols[Key::Status.index()], self.cache)
    }

    fn dimensions(&mut self) -> Result<(), Error> {
        self.dimensions.clear();
        self.f.dimensions(self.row, self.dimensions)
    }

    fn dimension(&mut self, key: Key, value: &Text<'a>) {
        self.dimensions
            .push((self.cols[key.index()].source, value.copy()));
    }

    fn has_column(&self, key: Key) -> bool {
        self.cols[key.index()].col.is_some()
    }

    fn keeps_extra_columns(&self) -> bool {
        self.f.layout.keeps_extra_columns()
    }
}

/// [`ArrowCells`] for the quick path: instants as nanoseconds ([`Fields::instant_ns`]), and
/// any failure declines (`Err(())`): the row is then read again by [`ArrowCells`], which
/// names its error. Every value is the one `ArrowCells` reads, so a row the quick path
/// accepts is the row the other path would have pushed.
struct NsCells<'c, 'l, 'r, 'a>(ArrowCells<'c, 'l, 'r, 'a>);

impl<'l, 'a> Cells for NsCells<'_, 'l, '_, 'a> {
    type Text = Text<'a>;
    type At = i64;
    type Fail = ();

    #[inline]
    fn text(&mut self, key: Key) -> Result<Option<Text<'a>>, ()> {
        self.0.text(key).map_err(drop)
    }

    fn missing(&self, _: Key) {}

    #[inline]
    fn instant(&mut self, key: Key) -> Result<Option<i64>, ()> {
        let c = &self.0;
        c.f.instant_ns(c.row, c.cols[key.index()]).ok_or(())
    }

    fn number<T: FromStr + TryFrom<i64>>(
        &mut self,
        key: Key,
        what: &'static str,
    ) -> Result<Option<T>, ()> {
        self.0.number(key, what).map_err(drop)
    }

    fn invalid(&self, _: Key, _: &str, _: &'static str) {}

    fn fail(&self, _: Option<Key>, _: Error) {}

    fn after_minutes(&mut self, key: Key, created: i64) -> Result<Option<i64>, ()> {
        match self.0.after_minutes(key, crate::columnar::from_ns(created)) {
            Ok(None) => Ok(None),
            Ok(Some(at)) => at
                .timestamp_nanos_opt()
                .filter(|&ns| ns != NO_INSTANT)
                .map(Some)
                .ok_or(()),
            Err(_) => Err(()),
        }
    }

    fn status(&mut self) -> Result<Option<Status>, ()> {
        self.0.status().map_err(drop)
    }

    fn dimensions(&mut self) -> Result<(), ()> {
        self.0.dimensions().map_err(drop)
    }

    fn dimension(&mut self, key: Key, value: &Text<'a>) {
        self.0.dimension(key, value);
    }

    fn has_column(&self, key: Key) -> bool {
        self.0.has_column(key)
    }

    fn keeps_extra_columns(&self) -> bool {
        self.0.keeps_extra_columns()
    }
}

/// The reader's duplicate-id check: a second accepted record with an id already accepted is a
/// `DuplicateId` error naming the first one's line.
///
/// The reader keeps a map of every accepted id. At a million rows that map is the slowest part
/// of a read (a cache miss per row), so a table is read first keeping only the accepted ids'
/// hashes, checked once at the end (a sort): distinct hashes mean distinct ids, so no record
/// was a duplicate and the read is the reader's. A table with a repeated hash (a repeated id,
/// or a collision of 64-bit hashes) is read again with the map, which is the reader's rule.
enum Ids<'a> {
    Off,
    Hashes(Vec<u64>, IdHashBuilder),
    /// The accepted ids and their lines, keyed by the text in the table where it can be
    /// borrowed.
    Map(HashMap<Cow<'a, str>, u64, IdHashBuilder>),
}

impl<'a> Ids<'a> {
    fn new(on: bool, exact: bool, rows: usize) -> Self {
        match (on, exact) {
            (false, _) => Ids::Off,
            (true, false) => Ids::Hashes(Vec::with_capacity(rows), IdHashBuilder::default()),
            (true, true) => Ids::Map(HashMap::with_capacity_and_hasher(
                rows,
                IdHashBuilder::default(),
            )),
        }
    }

    /// The line of the accepted record with this id (only the map knows).
    fn first(&self, id: &str) -> Option<u64> {
        match self {
            Ids::Map(m) => m.get(id).copied(),
            _ => None,
        }
    }

    fn accept(&mut self, id: Text<'a>, line: u64) {
        match self {
            Ids::Off => {}
            Ids::Hashes(v, h) => v.push(h.hash_one(id.as_str())),
            Ids::Map(m) => {
                m.insert(id.into_cow(), line);
            }
        }
    }

    /// Sorts the hashes (each stretch on its own thread), for [`distinct`].
    fn sort(&mut self) {
        if let Ids::Hashes(v, _) = self {
            v.sort_unstable();
        }
    }
}

/// Whether the stretches' accepted ids are known distinct: no hash twice in a stretch's sorted
/// hashes, nor in two stretches' (a merge walk). A map's ids always are.
///
/// The hashes seen so far are merged into one sorted list only while a later stretch remains
/// to be checked against them: the last stretch is walked against them without a copy (at 10M
/// tickets on two cores the merged copy was ~130 ms of one thread, most of the check).
fn distinct(stretches: &[Ids<'_>]) -> bool {
    let hashed: Vec<&[u64]> = stretches
        .iter()
        .filter_map(|ids| match ids {
            Ids::Hashes(v, _) => Some(v.as_slice()),
            _ => None,
        })
        .collect();
    if hashed.iter().any(|v| v.windows(2).any(|w| w[0] == w[1])) {
        return false;
    }
    let Some((&last, earlier)) = hashed.split_last() else {
        return true;
    };
    let mut seen: Cow<'_, [u64]> = Cow::Borrowed(&[]);
    for &v in earlier {
        if shares(&seen, v) {
            return false;
        }
        seen = if seen.is_empty() {
            Cow::Borrowed(v)
        } else {
            Cow::Owned(merged(&seen, v))
        };
    }
    !shares(&seen, last)
}

/// Two sorted lists as one.
fn merged(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Whether two sorted lists have a value in common (a merge walk).
fn shares(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// What one stretch of a table's rows gave.
struct Stretch<'a, T> {
    table: T,
    rejected: Vec<Rejected>,
    read: u64,
    ids: Ids<'a>,
    /// Strict mode: the error the read stopped at.
    stop: Option<Error>,
    /// A record with an instant outside the columnar range: the table is read as text.
    via_text: bool,
}

impl<'a, T> Stretch<'a, T> {
    fn new(table: T, mode: ErrorMode, record_type: &'static str, ids: Ids<'a>) -> (Self, Outcome) {
        let stretch = Stretch {
            table,
            rejected: Vec::new(),
            read: 0,
            ids,
            stop: None,
            via_text: false,
        };
        let out = Outcome {
            mode,
            record_type,
            rejected: Vec::new(),
            read: 0,
        };
        (stretch, out)
    }
}

/// The columnar tables, joined in row order.
trait Columns: Send + Sized {
    fn join(&mut self, later: Self);
}

impl Columns for TicketTable {
    fn join(&mut self, later: Self) {
        if self.is_empty() {
            *self = later;
        } else {
            self.append(later);
        }
    }
}

impl Columns for SurveyTable {
    fn join(&mut self, later: Self) {
        if self.is_empty() {
            *self = later;
        } else {
            self.append(later);
        }
    }
}

/// Rows a stretch read on a thread of its own has at least.
const STRETCH: usize = 32 * 1024;

/// The rows `0..total` in one stretch per core (one for a small table).
fn stretches(total: usize) -> Vec<std::ops::Range<usize>> {
    let n = (total / STRETCH).clamp(1, crate::par::threads());
    let size = total.div_ceil(n).max(1);
    (0..n)
        .map(|k| (k * size).min(total)..((k + 1) * size).min(total))
        .collect()
}

/// Reads a table in stretches of rows on every core, and joins them into what one read in row
/// order gives: the tables and rejects in order, in strict mode the first stretch's stop. Each
/// stretch keeps its accepted ids' hashes; if they are not distinct across the table, or a
/// stretch met an instant the columns cannot hold, the table is read again as one stretch with
/// the reader's id map (or as text).
fn read_stretches<'a, T: Columns>(
    total: usize,
    read: impl Fn(std::ops::Range<usize>, bool) -> Result<Stretch<'a, T>, Error> + Sync + Send,
) -> Result<Read<T>, Error> {
    let ranges = stretches(total);
    let parts: Vec<Result<Stretch<'a, T>, Error>> = if ranges.len() == 1 {
        vec![read(0..total, false)]
    } else {
        crate::par::map_range(ranges.len(), |k| read(ranges[k].clone(), false))
    };
    let mut parts = parts.into_iter().collect::<Result<Vec<_>, Error>>()?;
    if parts.iter().any(|p| p.via_text) {
        return Ok(Read::ViaText);
    }
    let ids: Vec<Ids<'_>> = parts
        .iter_mut()
        .map(|p| std::mem::replace(&mut p.ids, Ids::Off))
        .collect();
    if !distinct(&ids) {
        parts = vec![read(0..total, true)?];
        if parts[0].via_text {
            return Ok(Read::ViaText);
        }
    }
    let mut parts = parts.into_iter();
    let Some(mut all) = parts.next() else {
        return Ok(Read::ViaText);
    };
    if let Some(e) = all.stop {
        return Err(e);
    }
    for p in parts {
        if let Some(e) = p.stop {
            return Err(e);
        }
        all.table.join(p.table);
        all.rejected.extend(p.rejected);
        all.read += p.read;
    }
    Ok(Read::Table {
        table: all.table,
        rejected: all.rejected,
        read: all.read,
    })
}

/// Records a rejected record; in strict mode the stretch stops there.
macro_rules! reject {
    ($out:expr, $stretch:expr, $error:expr, $line:expr, $id:expr) => {
        if let Err(e) = $out.reject($error, $line, $id) {
            $stretch.stop = Some(e);
            break;
        }
    };
}

/// A batch's part of a stretch: its views, the rows in the batch, and the batch's first row in
/// the table.
type BatchRows<'a> = (Vec<View<'a>>, std::ops::Range<usize>, u64);

/// The rows of `range` (of the whole table), batch by batch.
fn each_row<'a>(
    names: &[&str],
    batches: &[RecordBatch],
    columns: &'a [Vec<Column>],
    range: std::ops::Range<usize>,
) -> Result<Vec<BatchRows<'a>>, Error> {
    let mut out = Vec::new();
    let mut start = 0;
    for (batch, columns) in batches.iter().zip(columns) {
        let n = batch.num_rows();
        let (lo, hi) = (range.start.max(start), range.end.min(start + n));
        if lo < hi {
            out.push((
                cells::views(names, columns)?,
                lo - start..hi - start,
                start as u64,
            ));
        }
        start += n;
    }
    Ok(out)
}

/// A record type read into a table: one stretch's parser of its rows, and how a parsed row
/// enters the table. [`read_rows`] is the rest (rejects, duplicate ids, strict stops, the
/// fallback to text), the same for every record type.
trait Parser<'l, 'a> {
    type Table: Columns;
    type Parsed;

    /// The field accessors (errors are renamed and ids read through them).
    fn fields(&self) -> &Fields<'l>;
    /// The id's column.
    fn id_col(&self) -> Col<'l>;
    /// Reads a row's fields, in the reader's order (the first bad field is the error).
    fn parse(&mut self, row: Row<'_, 'a>) -> Result<Self::Parsed, Error>;
    /// A parsed row's id.
    fn id(parsed: &Self::Parsed) -> &str;
    /// A parsed row's id, kept for the duplicate check.
    fn into_id(parsed: Self::Parsed) -> Text<'a>;
    /// The record's own validation (for a duplicate id, whose own error wins over the
    /// duplicate's as in the reader, which validates before it checks ids).
    fn validate(parsed: &Self::Parsed) -> Result<(), Error>;
    /// Appends a parsed row; the table's errors are the record's.
    fn push(&self, table: &mut Self::Table, parsed: &Self::Parsed) -> Result<(), Error>;
    /// The quick path ([`NsCells`]): reads the row with instants as nanoseconds and, when
    /// `fresh` says its id is not taken, appends it, giving its id; `None` (the table
    /// unchanged) declines, and the row is read by [`parse`](Self::parse) and
    /// [`push`](Self::push), which name its error.
    fn quick(
        &mut self,
        row: Row<'_, 'a>,
        table: &mut Self::Table,
        fresh: impl Fn(&str) -> bool,
    ) -> Option<Text<'a>>;
    /// The column pass ([`bulk`]): reads the rows `rows` of a batch (`views`, whose first row
    /// is the table's `first`) and appends them and their ids when every one is accepted as
    /// it is; `false`, with the table and ids unchanged, leaves them to the row path.
    fn bulk(
        &mut self,
        views: &[View<'a>],
        rows: std::ops::Range<usize>,
        first: u64,
        table: &mut Self::Table,
        ids: &mut Ids<'a>,
    ) -> bool;
}

/// Reads a table's rows in stretches ([`read_stretches`]) with the record type's parser (a
/// new one per stretch, with its table, from `new`, given the stretch's rows).
#[allow(clippy::too_many_arguments)]
fn read_rows<'l, 'a, P: Parser<'l, 'a>>(
    names: &[&str],
    batches: &[RecordBatch],
    columns: &'a [Vec<Column>],
    layout: &TableLayout,
    options: &ReadOptions,
    fallback: bool,
    new: impl Fn(usize) -> (P, P::Table) + Sync + Send,
) -> Result<Read<P::Table>, Error> {
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    read_stretches(total, |range, exact| {
        // The first stretch is the one the others are appended to: room for the whole table
        // saves growing it (a copy of its rows and fresh pages) at the join.
        let (mut parser, table) = new(if range.start == 0 { total } else { range.len() });
        let ids = Ids::new(layout.checks_duplicate_ids(), exact, range.len());
        let (mut stretch, mut out) =
            Stretch::new(table, options.error_mode(), layout.record_type(), ids);
        // The column pass reads blocks whose ids are only hashed; the exact read (the reader's
        // id map, for a table with a repeated hash) is the row path's.
        let bulk = !exact;
        'batches: for (views, rows, first) in each_row(names, batches, columns, range)? {
            let mut start = rows.start;
            while start < rows.end && stretch.stop.is_none() {
                let end = (start + bulk::BLOCK).min(rows.end);
                if bulk
                    && parser.bulk(
                        &views,
                        start..end,
                        first,
                        &mut stretch.table,
                        &mut stretch.ids,
                    )
                {
                    out.read += (end - start) as u64;
                    start = end;
                    continue;
                }
                let block = start..end;
                start = end;
                for i in block {
                    let line = first + i as u64 + 1;
                    let row = Row { views: &views, i };
                    let ids = &stretch.ids;
                    if let Some(id) =
                        parser.quick(row, &mut stretch.table, |id| ids.first(id).is_none())
                    {
                        out.read += 1;
                        stretch.ids.accept(id, line);
                        continue;
                    }
                    let parsed = match parser.parse(row) {
                        Ok(parsed) => parsed,
                        Err(e) => {
                            let f = parser.fields();
                            reject!(out, stretch, f.rename(e), line, f.id(row, parser.id_col()));
                            continue;
                        }
                    };
                    let id = P::id(&parsed);
                    if let Some(first) = stretch.ids.first(id) {
                        let error = match P::validate(&parsed) {
                            Err(e) => parser.fields().rename(e),
                            Ok(()) => Outcome::duplicate(parser.id_col().source, id, first),
                        };
                        reject!(out, stretch, error, line, Some(id.to_owned()));
                        continue;
                    }
                    match parser.push(&mut stretch.table, &parsed) {
                        Ok(()) => {
                            out.read += 1;
                            stretch.ids.accept(P::into_id(parsed), line);
                        }
                        // push_row's only InvalidValue: an instant outside the columns' range.
                        Err(e) if e.kind() == ErrorKind::InvalidValue && fallback => {
                            stretch.via_text = true;
                            break 'batches;
                        }
                        Err(e) => {
                            let id = Some(P::id(&parsed).to_owned());
                            reject!(out, stretch, parser.fields().rename(e), line, id);
                        }
                    }
                }
            }
            if stretch.stop.is_some() {
                break;
            }
        }
        stretch.ids.sort();
        stretch.rejected = out.rejected;
        stretch.read = out.read;
        Ok(stretch)
    })
}

/// Summary tickets, by their layout's [`Rules`].
struct TicketParser<'l, 'a> {
    r: RowReader<'l, 'a>,
    rules: Rules,
    /// The column pass, for the canonical layout without kept dimensions.
    pass: Option<bulk::TicketPass>,
}

/// What a parser reads a row's cells with: the fields, the keys' columns, the status cache and
/// the row's dimensions (reused from row to row).
struct RowReader<'l, 'a> {
    f: Fields<'l>,
    cols: [Col<'l>; Key::ALL.len()],
    cache: StatusCache,
    dimensions: Vec<(&'l str, Text<'a>)>,
}

impl<'l, 'a> RowReader<'l, 'a> {
    fn new(f: Fields<'l>) -> Self {
        let cols = Key::ALL.map(|k| f.key(k.name()));
        RowReader {
            f,
            cols,
            cache: StatusCache::default(),
            dimensions: Vec::new(),
        }
    }

    /// The row's cells.
    fn cells<'c, 'r>(&'c mut self, row: Row<'r, 'a>) -> ArrowCells<'c, 'l, 'r, 'a> {
        ArrowCells {
            f: &self.f,
            cols: &self.cols,
            row,
            cache: &mut self.cache,
            dimensions: &mut self.dimensions,
        }
    }
}

impl<'l, 'a> TicketParser<'l, 'a> {
    /// The row's dimensions as the table takes them (no allocation without any).
    fn row_dimensions(&self) -> Vec<(&str, &str)> {
        if self.r.dimensions.is_empty() {
            Vec::new()
        } else {
            self.r
                .dimensions
                .iter()
                .map(|(name, v)| (*name, v.as_str()))
                .collect()
        }
    }
}

impl<'l, 'a> Parser<'l, 'a> for TicketParser<'l, 'a> {
    type Table = TicketTable;
    type Parsed = Summary<Text<'a>, Instant>;

    fn fields(&self) -> &Fields<'l> {
        &self.r.f
    }

    fn id_col(&self) -> Col<'l> {
        self.r.cols[Key::Id.index()]
    }

    fn parse(&mut self, row: Row<'_, 'a>) -> Result<Self::Parsed, Error> {
        let rules = self.rules;
        rules.read(&mut self.r.cells(row))
    }

    fn id(p: &Self::Parsed) -> &str {
        p.id.as_str()
    }

    fn into_id(p: Self::Parsed) -> Text<'a> {
        p.id
    }

    /// The ticket builder's validation.
    fn validate(p: &Self::Parsed) -> Result<(), Error> {
        let mut b = Ticket::builder(p.id.as_str(), p.created);
        if let Some(at) = p.first_response {
            b = b.first_response_at(at);
        }
        if let Some(at) = p.first_resolved {
            b = b.first_resolved_at(at);
        }
        if let Some(at) = p.resolved {
            b = b.resolved_at(at);
        }
        if let Some(s) = p.status {
            b = b.status(s);
        }
        b.build().map(drop)
    }

    fn quick(
        &mut self,
        row: Row<'_, 'a>,
        table: &mut TicketTable,
        fresh: impl Fn(&str) -> bool,
    ) -> Option<Text<'a>> {
        let rules = self.rules;
        let p = rules.read(&mut NsCells(self.r.cells(row))).ok()?;
        if !fresh(p.id.as_str()) {
            return None;
        }
        let dimensions = self.row_dimensions();
        let pushed = table.push_row_ns(
            &p.row(&dimensions),
            RowNs {
                created: p.created,
                first_response: p.first_response.unwrap_or(NO_INSTANT),
                first_resolved: p.first_resolved.unwrap_or(NO_INSTANT),
                resolved: p.resolved.unwrap_or(NO_INSTANT),
            },
        );
        pushed.then_some(p.id)
    }

    fn bulk(
        &mut self,
        views: &[View<'a>],
        rows: std::ops::Range<usize>,
        first: u64,
        table: &mut TicketTable,
        ids: &mut Ids<'a>,
    ) -> bool {
        let r = &self.r;
        self.pass
            .as_mut()
            .is_some_and(|p| p.read(&r.f, &r.cols, views, rows, first, table, ids))
    }

    fn push(&self, table: &mut TicketTable, p: &Self::Parsed) -> Result<(), Error> {
        let dimensions = self.row_dimensions();
        table.push_row(&TicketRow {
            created_at: Some(p.created),
            first_response_at: p.first_response,
            first_resolved_at: p.first_resolved,
            resolved_at: p.resolved,
            ..p.row(&dimensions)
        })
    }
}

pub(super) fn names_of(schema: &arrow_schema::Schema) -> Vec<&str> {
    schema.fields().iter().map(|f| f.name().as_str()).collect()
}

/// Reads tickets (summary rows: the canonical layout, or a Zendesk or Freshdesk export).
///
/// # Errors
/// In strict mode the first bad record's error; in both modes an Arrow value the JSON path
/// cannot write, and the layout's errors (a mapping to an unknown field, a preset that does
/// not read tickets).
pub(crate) fn tickets(
    schema: &arrow_schema::Schema,
    batches: &[RecordBatch],
    options: &ReadOptions,
    temporal: &Temporal,
    fallback: bool,
) -> Result<Read<TicketTable>, Error> {
    super::check_columns(crate::io::SourceKind::Tickets, schema, options)?;
    let names = names_of(schema);
    let columns = prepare(&names, batches, temporal)?;
    let layout = TableLayout::tickets(&names, options)?;
    // The preset's rules, as every reader maps them (`Rules::of`); Jira's and HubSpot's, and
    // presets without summary rules, are read through the JSON Lines path, by the preset's
    // own parser.
    let rules = match Rules::of(layout.preset()) {
        Some(r @ (Rules::Canonical | Rules::Zendesk | Rules::Freshdesk)) => r,
        _ if fallback => return Ok(Read::ViaText),
        _ => {
            let preset = layout.preset().map_or_else(String::new, |p| p.to_string());
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("the {preset} preset has no columnar reader"),
            )
            .with_field("preset"));
        }
    };
    read_rows(
        &names,
        batches,
        &columns,
        &layout,
        options,
        fallback,
        |rows| {
            let parser = TicketParser {
                r: RowReader::new(Fields::new(&layout, &names, temporal)),
                rules,
                pass: (rules == Rules::Canonical && layout.dimensions().is_empty())
                    .then(bulk::TicketPass::default),
            };
            (parser, TicketTable::with_capacity(rows))
        },
    )
}

/// Survey responses, by [`rules::response`].
struct SurveyParser<'l, 'a> {
    /// A response has no status or dimensions: its cache and dimensions stay unused.
    r: RowReader<'l, 'a>,
    options: &'l ReadOptions,
    pass: bulk::SurveyPass,
}

type ParsedSurvey<'a> = Response<Text<'a>, Instant>;

impl<'l, 'a> Parser<'l, 'a> for SurveyParser<'l, 'a> {
    type Table = SurveyTable;
    type Parsed = ParsedSurvey<'a>;

    fn fields(&self) -> &Fields<'l> {
        &self.r.f
    }

    fn id_col(&self) -> Col<'l> {
        self.r.cols[Key::Id.index()]
    }

    fn parse(&mut self, row: Row<'_, 'a>) -> Result<ParsedSurvey<'a>, Error> {
        let options = self.options;
        rules::response(&mut self.r.cells(row), options)
    }

    fn id(p: &Self::Parsed) -> &str {
        p.id.as_str()
    }

    fn into_id(p: ParsedSurvey<'a>) -> Text<'a> {
        p.id
    }

    fn validate(p: &ParsedSurvey<'a>) -> Result<(), Error> {
        SurveyResponse::check(p.id.as_str(), p.kind, p.score)
    }

    fn quick(
        &mut self,
        row: Row<'_, 'a>,
        table: &mut SurveyTable,
        fresh: impl Fn(&str) -> bool,
    ) -> Option<Text<'a>> {
        let options = self.options;
        let p = rules::response(&mut NsCells(self.r.cells(row)), options).ok()?;
        if !fresh(p.id.as_str()) {
            return None;
        }
        let pushed = table.push_row_ns(
            &SurveyRow {
                id: p.id.as_str(),
                ticket_id: p.ticket_id.as_ref().map(Text::as_str),
                customer_id: p.customer_id.as_ref().map(Text::as_str),
                responded_at: crate::columnar::from_ns(p.at),
                kind: p.kind,
                score: p.score,
            },
            p.at,
        );
        pushed.then_some(p.id)
    }

    fn bulk(
        &mut self,
        views: &[View<'a>],
        rows: std::ops::Range<usize>,
        first: u64,
        table: &mut SurveyTable,
        ids: &mut Ids<'a>,
    ) -> bool {
        let r = &self.r;
        let options = self.options;
        self.pass
            .read(&r.f, &r.cols, options, views, rows, first, table, ids)
    }

    fn push(&self, table: &mut SurveyTable, p: &ParsedSurvey<'a>) -> Result<(), Error> {
        table.push_row(&SurveyRow {
            id: p.id.as_str(),
            ticket_id: p.ticket_id.as_ref().map(Text::as_str),
            customer_id: p.customer_id.as_ref().map(Text::as_str),
            responded_at: p.at,
            kind: p.kind,
            score: p.score,
        })
    }
}

/// Reads survey responses ([`rules::response`]).
///
/// # Errors
/// As [`tickets`].
pub(crate) fn surveys(
    schema: &arrow_schema::Schema,
    batches: &[RecordBatch],
    options: &ReadOptions,
    temporal: &Temporal,
    fallback: bool,
) -> Result<Read<SurveyTable>, Error> {
    let names = names_of(schema);
    let columns = prepare(&names, batches, temporal)?;
    let layout = TableLayout::surveys(&names, options)?;
    read_rows(
        &names,
        batches,
        &columns,
        &layout,
        options,
        fallback,
        |rows| {
            let parser = SurveyParser {
                r: RowReader::new(Fields::new(&layout, &names, temporal)),
                options,
                pass: bulk::SurveyPass::default(),
            };
            (parser, SurveyTable::with_capacity(rows))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columnar::ColumnarInput;
    use crate::io::{ReadOptions, TimestampFormat};
    use crate::report::{ReportInput, ReportOptions};
    use crate::{Period, Report};
    use arrow_array::builder::{Int64Builder, StringViewBuilder, TimestampMicrosecondBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema, TimeUnit};
    use std::sync::Arc;
    use std::time::Instant as Clock;

    pub(super) fn temporal() -> Temporal {
        Temporal {
            pattern: None,
            zone: TimestampFormat::auto(),
            date_format: "%Y-%m-%d".into(),
        }
    }

    /// The tickets as polars gives them from `read_csv(try_parse_dates=True)`: strings as
    /// Utf8View, instants as microseconds in UTC, counts as Int64.
    pub(super) fn polars_like(tickets: &[Ticket]) -> RecordBatch {
        let text = |f: &dyn Fn(&Ticket) -> Option<String>| -> ArrayRef {
            let mut b = StringViewBuilder::new();
            for t in tickets {
                b.append_option(f(t));
            }
            Arc::new(b.finish())
        };
        let time = |f: &dyn Fn(&Ticket) -> Option<Instant>| -> ArrayRef {
            let mut b = TimestampMicrosecondBuilder::with_capacity(tickets.len());
            for t in tickets {
                b.append_option(f(t).map(|at| at.timestamp_micros()));
            }
            Arc::new(b.finish().with_timezone("UTC"))
        };
        let int = |f: &dyn Fn(&Ticket) -> Option<i64>| -> ArrayRef {
            let mut b = Int64Builder::with_capacity(tickets.len());
            for t in tickets {
                b.append_option(f(t));
            }
            Arc::new(b.finish())
        };
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("id", text(&|t| Some(t.id().to_string()))),
            (
                "customer_id",
                text(&|t| t.customer_id().map(|c| c.to_string())),
            ),
            ("created_at", time(&|t| Some(t.created_at()))),
            ("first_response_at", time(&|t| t.first_response_at())),
            ("first_resolved_at", time(&|t| t.first_resolved_at())),
            ("resolved_at", time(&|t| t.resolved_at())),
            ("status", text(&|t| Some(t.status().as_str().to_owned()))),
            ("channel", text(&|t| t.channel().map(str::to_owned))),
            ("priority", text(&|t| t.priority().map(str::to_owned))),
            ("team", text(&|t| t.team().map(str::to_owned))),
            ("assignee", text(&|t| t.assignee().map(str::to_owned))),
            ("agent_replies", int(&|t| t.agent_replies().map(i64::from))),
            ("reopens", int(&|t| t.reopens().map(i64::from))),
        ];
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
            .collect();
        let arrays = columns.into_iter().map(|(_, a)| a).collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap()
    }

    #[test]
    fn reads_every_ticket_back() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/tickets.csv");
        let want = crate::io::read_tickets(path, &ReadOptions::new())
            .unwrap()
            .records;
        let batch = polars_like(&want);
        assert!(matches!(
            batch.schema().field(2).data_type(),
            DataType::Timestamp(TimeUnit::Microsecond, Some(_))
        ));
        let Read::Table {
            table,
            rejected,
            read,
        } = tickets(
            &batch.schema(),
            std::slice::from_ref(&batch),
            &ReadOptions::new(),
            &temporal(),
            true,
        )
        .unwrap()
        else {
            panic!("read as text")
        };
        assert!(rejected.is_empty());
        assert_eq!(read, want.len() as u64);
        assert_eq!(table.tickets().collect::<Vec<_>>(), want);
    }

    #[test]
    fn distinct_hashes_across_stretches() {
        let runs = |rs: &[&[u64]]| -> Vec<Ids<'static>> {
            rs.iter()
                .map(|r| Ids::Hashes(r.to_vec(), IdHashBuilder::default()))
                .collect()
        };
        assert!(distinct(&runs(&[&[1, 3, 5], &[2, 4, 6], &[0, 7]])));
        assert!(distinct(&runs(&[&[], &[2], &[]])));
        // Twice in one stretch, in two adjacent ones, in the first and the last.
        assert!(!distinct(&runs(&[&[1, 1], &[2]])));
        assert!(!distinct(&runs(&[&[1, 3], &[2, 3]])));
        assert!(!distinct(&runs(&[&[1, 9], &[2, 4], &[5, 9]])));
        // Four stretches: between two middle ones, and none at all.
        assert!(!distinct(&runs(&[&[1], &[5, 7], &[3, 7], &[9]])));
        assert!(distinct(&runs(&[&[4, 8], &[1], &[3, 6], &[2, 5]])));
        assert!(distinct(&[Ids::Off, Ids::Map(HashMap::default())]));
    }

    /// A table long enough for a stretch per core, whose last row repeats the first row's id:
    /// the duplicate is found across stretches and named as one read in row order names it.
    #[test]
    fn a_duplicate_id_in_another_stretch_is_rejected() {
        let t0 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 1, 1, 9, 0, 0).unwrap();
        let n = 2 * STRETCH + 7;
        let tickets: Vec<Ticket> = (0..n)
            .map(|i| {
                let id = if i == n - 1 { 0 } else { i };
                Ticket::builder(format!("T-{id}"), t0 + chrono::Duration::seconds(i as i64))
                    .channel("email")
                    .build()
                    .unwrap()
            })
            .collect();
        let batch = polars_like(&tickets);
        let options = ReadOptions::new().errors(ErrorMode::Lenient);
        let Read::Table {
            table,
            rejected,
            read,
        } = tickets_of(&batch, &options)
        else {
            panic!("read as text")
        };
        assert_eq!(read, n as u64);
        assert_eq!(table.len(), n - 1);
        assert_eq!(rejected.len(), 1);
        // A table's lines are its rows, from 1.
        assert_eq!(rejected[0].line, n as u64);
        assert_eq!(rejected[0].error.kind(), ErrorKind::DuplicateId);
        assert!(
            rejected[0].error.to_string().contains("first on line 1"),
            "{}",
            rejected[0].error
        );
    }

    pub(super) fn tickets_of(batch: &RecordBatch, options: &ReadOptions) -> Read<TicketTable> {
        tickets(
            &batch.schema(),
            std::slice::from_ref(batch),
            options,
            &temporal(),
            true,
        )
        .unwrap()
    }

    /// The surveys as polars gives them.
    pub(super) fn polars_like_surveys(responses: &[SurveyResponse]) -> RecordBatch {
        let text = |f: &dyn Fn(&SurveyResponse) -> Option<String>| -> ArrayRef {
            let mut b = StringViewBuilder::new();
            for r in responses {
                b.append_option(f(r));
            }
            Arc::new(b.finish())
        };
        let mut at = TimestampMicrosecondBuilder::with_capacity(responses.len());
        let mut score = Int64Builder::with_capacity(responses.len());
        for r in responses {
            at.append_value(r.responded_at().timestamp_micros());
            score.append_value(i64::from(r.score()));
        }
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("id", text(&|r| Some(r.id().to_string()))),
            ("ticket_id", text(&|r| r.ticket_id().map(|t| t.to_string()))),
            (
                "customer_id",
                text(&|r| r.customer_id().map(|c| c.to_string())),
            ),
            ("responded_at", Arc::new(at.finish().with_timezone("UTC"))),
            ("kind", text(&|r| Some(r.kind().to_string()))),
            ("score", Arc::new(score.finish())),
        ];
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
            .collect();
        let arrays = columns.into_iter().map(|(_, a)| a).collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap()
    }

    /// Best of `runs`: wall seconds, and the process's CPU seconds (every thread's: a large
    /// table is read on every core; the machine may be shared, and wall time counts the others'
    /// load).
    fn best_of(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
        let cpu = || -> f64 {
            // utime and stime, fields 14 and 15 of /proc/self/stat, in clock ticks (1/100 s).
            let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
            let after = stat.rsplit(')').next().unwrap_or_default();
            let ticks: f64 = after
                .split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|t| t.parse::<f64>().ok())
                .sum();
            ticks / 100.0
        };
        let (mut wall, mut process) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..runs {
            let (start, start_cpu) = (Clock::now(), cpu());
            f();
            process = process.min(cpu() - start_cpu);
            wall = wall.min(start.elapsed().as_secs_f64());
        }
        (wall, process)
    }

    /// The conversion's cost per row on the comparison's data, tickets and responses shaped as
    /// polars reads them (`read_csv(try_parse_dates=True)`):
    /// `SUPPORTKPI_BENCH_DATA=target/compare-data/tickets-1000000-seed-42 cargo test --release
    /// -p supportkpi --lib -- --ignored --nocapture arrow_read_cost`.
    #[test]
    #[ignore = "a measurement: needs SUPPORTKPI_BENCH_DATA"]
    fn arrow_read_cost() {
        let Ok(dir) = std::env::var("SUPPORTKPI_BENCH_DATA") else {
            return;
        };
        let runs: usize = std::env::var("SUPPORTKPI_BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(5);
        let options = ReadOptions::new();
        #[allow(clippy::cast_precision_loss)]
        let report = |what: &str, rows: usize, (wall, cpu): (f64, f64)| {
            let per_row = |s: f64| s * 1e9 / rows as f64;
            println!(
                "{what}: {rows} rows, best of {runs}: {wall:.3} s wall = {:.0} ns/row; \
                 {cpu:.3} s CPU = {:.0} ns/row",
                per_row(wall),
                per_row(cpu)
            );
        };

        let tickets_rows = crate::io::read_tickets(format!("{dir}/tickets.csv"), &options)
            .unwrap()
            .records;
        let batches = [polars_like(&tickets_rows)];
        let schema = batches[0].schema();
        let mut ticket_table = None;
        let times = best_of(runs, || {
            let read = tickets(&schema, &batches, &options, &temporal(), true).unwrap();
            let Read::Table { table, read, .. } = read else {
                panic!("read as text")
            };
            assert_eq!(read, tickets_rows.len() as u64);
            ticket_table = Some(table);
        });
        report("tickets", tickets_rows.len(), times);

        let survey_rows = crate::io::read_surveys(format!("{dir}/surveys.csv"), &options)
            .unwrap()
            .records;
        let batches = [polars_like_surveys(&survey_rows)];
        let schema = batches[0].schema();
        let mut survey_table = None;
        let times = best_of(runs, || {
            let read = surveys(&schema, &batches, &options, &temporal(), true).unwrap();
            let Read::Table { table, read, .. } = read else {
                panic!("read as text")
            };
            assert_eq!(read, survey_rows.len() as u64);
            survey_table = Some(table);
        });
        report("surveys", survey_rows.len(), times);

        // What follows the conversion in sk.report, against the Rust engine's report on rows
        // (the comparison's workload: months by channel).
        let report_options = ReportOptions::default()
            .with_period(Period::Month)
            .with_by("channel");
        let columns = ColumnarInput {
            tickets: ticket_table.unwrap_or_default(),
            surveys: survey_table.unwrap_or_default(),
            ..ColumnarInput::default()
        };
        let (wall, _) = best_of(runs, || {
            Report::compute_columnar(&columns, &report_options).unwrap();
        });
        println!("Report::compute_columnar: best of {runs}: {wall:.3} s wall");
        let rows = ReportInput {
            tickets: tickets_rows,
            surveys: survey_rows,
            ..ReportInput::default()
        };
        let (wall, _) = best_of(runs, || {
            Report::compute(&rows, &report_options).unwrap();
        });
        println!("Report::compute (rows): best of {runs}: {wall:.3} s wall");
    }
}
