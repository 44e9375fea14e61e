//! One record into a row of a table.
//!
//! Each record goes first through a *quick* parser: the fields borrowed from the CSV record,
//! columns resolved once per file, no `Ticket` and no string allocated. The quick parser never
//! rejects: at the first thing it does not take as is (an absent required field, a bad number, an
//! unmapped status, a row the table refuses) it declines, and the record goes through the
//! streaming reader's own parser ([`parse_row`]), which gives the exact error — or the record,
//! pushed as the streaming reader would have returned it. So the quick parser only has to be
//! right about the records it accepts, and those are the ones the tests compare.
//!
//! The quick parser holds no rule of its own: which fields a layout reads and what it makes of
//! them are [`rules`](crate::io::rules)' (the streaming parser's and the Arrow reader's too);
//! here are only the cells of a CSV record ([`QuickCells`]), instants as nanoseconds.

use crate::columnar::{NO_INSTANT, RowNs, SurveyRow, SurveyTable, TicketTable};
use crate::error::Result;
use crate::io::mapping::{Cells, Layout, Row};
use crate::io::presets::minutes_after;
use crate::io::rules::{self, Key, Rules};
use crate::io::{Parse, ReadOptions, parse_row, rejection};
use crate::model::{Instant, Status, StatusMap, SurveyResponse, Ticket};
use csv::StringRecord;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// A record type read into a table: the table, how a record becomes a row of it, and what the
/// readers need of the table (its ids, appending, dropping the rows of duplicate ids).
pub(crate) trait Rows: Sync {
    /// The table.
    type Table: Default + Send + Sync;

    /// The record type, for errors.
    fn record_type(&self) -> &'static str;

    /// The layout of the file's columns.
    fn layout(&self) -> &Layout;

    /// Parses a CSV record's fields and appends it; the error is the rejection's (record type,
    /// id; the line is the caller's).
    fn push_csv(&self, fields: &[&str], table: &mut Self::Table, cache: &mut Cache) -> Result<()>;

    /// Parses a JSON object and appends it, with the streaming reader's parser.
    fn push_json(&self, object: &Map<String, Value>, table: &mut Self::Table) -> Result<()>;

    /// The name `object` gives the key's field, as errors name it.
    fn json_source_name(&self, object: &Map<String, Value>, key: &str) -> String;

    /// Rows in the table.
    fn len(table: &Self::Table) -> usize;

    /// Row `i`'s id.
    fn id(table: &Self::Table, i: usize) -> &str;

    /// Appends `other`'s rows.
    fn append(table: &mut Self::Table, other: Self::Table);

    /// The table without the rows `drop` (ascending).
    fn without_rows(table: &Self::Table, drop: &[usize]) -> Result<Self::Table>;
}

/// Per-chunk memory of the quick parsers: the statuses already resolved (a file has a handful
/// of status names; resolving one can allocate).
#[derive(Debug, Default)]
pub(crate) struct Cache {
    statuses: Vec<(String, Option<Status>)>,
}

impl Cache {
    fn status(&mut self, text: &str, map: &StatusMap) -> Option<Status> {
        if let Some((_, s)) = self.statuses.iter().find(|(t, _)| t == text) {
            return *s;
        }
        let s = map.get(text);
        // A file with many distinct names (a free-text column mapped as the status) stops
        // filling the cache rather than searching an ever longer list.
        if self.statuses.len() < 64 {
            self.statuses.push((text.to_owned(), s));
        }
        s
    }
}

/// The columns of the keys the quick parsers read ([`Key::index`]), resolved once per file.
type Columns = [Option<usize>; Key::ALL.len()];

fn columns_of(layout: &Layout) -> Columns {
    let keys = layout.schema.keys;
    Key::ALL.map(|key| {
        keys.iter()
            .position(|k| *k == key.name())
            .and_then(|k| layout.column_at(k))
    })
}

/// What the quick parsers share: the layout, the options and the resolved columns.
struct Quick {
    layout: Layout,
    options: ReadOptions,
    cols: Columns,
    /// Bit `n` set: a null token has `n` bytes (any of 64 or more sets bit 63).
    null_lengths: u64,
}

/// `s.trim()`, without looking at its characters when it starts and ends with visible ASCII
/// (then it has no whitespace to trim).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

impl Quick {
    fn new(layout: Layout, options: ReadOptions) -> Quick {
        let null_lengths = options
            .null_tokens
            .iter()
            .fold(0, |bits, t| bits | 1 << t.len().min(63));
        Quick {
            cols: columns_of(&layout),
            layout,
            options,
            null_lengths,
        }
    }

    /// Whether `text` is a null token; most cells have no token's length.
    fn null(&self, text: &str) -> bool {
        self.null_lengths & 1 << text.len().min(63) != 0
            && self.options.null_tokens.iter().any(|t| t == text)
    }

    /// A cell's text as [`Row::text`] gives it: trimmed, `None` when absent or a null token.
    fn text<'r>(&self, record: &[&'r str], col: Option<usize>) -> Option<&'r str> {
        let text = trim(record.get(col?)?);
        (!self.null(text)).then_some(text)
    }

    /// An instant as [`Row::instant`] reads it, as nanoseconds ([`NO_INSTANT`]: absent);
    /// `None` declines (a bad timestamp, or one the columns cannot hold).
    fn ns(&self, text: Option<&str>) -> Option<i64> {
        let Some(text) = text else {
            return Some(NO_INSTANT);
        };
        let t = &self.options.timestamps;
        t.quick_ns(text).or_else(|| {
            t.parse(text)
                .ok()?
                .timestamp_nanos_opt()
                .filter(|&ns| ns != NO_INSTANT)
        })
    }

    /// A number as [`Row::number`] reads it; the outer `None` declines.
    fn number<T: std::str::FromStr>(text: Option<&str>) -> Option<Option<T>> {
        match text {
            None => Some(None),
            Some(t) => t.parse().ok().map(Some),
        }
    }

    fn row<'a>(&'a self, cells: Cells<'a>) -> Row<'a> {
        Row {
            // Only the ServiceNow preset reads a row's line, and it has no table.
            line: 0,
            cells,
            layout: &self.layout,
            options: &self.options,
        }
    }
}

/// A summary ticket's fields as the quick path reads them: borrowed from the record, instants
/// as nanoseconds; `Err(())` declines.
struct QuickCells<'q, 'r> {
    quick: &'q Quick,
    record: &'q [&'r str],
    cache: &'q mut Cache,
    /// The extra columns' values, then a preset's own (allocated only when the file has some).
    dimensions: Vec<(&'q str, &'r str)>,
}

impl<'q, 'r> QuickCells<'q, 'r> {
    fn col(&self, key: Key) -> Option<usize> {
        self.quick.cols[key.index()]
    }
}

impl<'q, 'r> rules::Cells for QuickCells<'q, 'r> {
    type Text = &'r str;
    type At = i64;
    type Fail = ();

    fn text(&mut self, key: Key) -> Result<Option<&'r str>, ()> {
        Ok(self.quick.text(self.record, self.col(key)))
    }

    fn missing(&self, _: Key) {}

    fn instant(&mut self, key: Key) -> Result<Option<i64>, ()> {
        let text = self.quick.text(self.record, self.col(key));
        match self.quick.ns(text) {
            None => Err(()),
            Some(NO_INSTANT) => Ok(None),
            Some(ns) => Ok(Some(ns)),
        }
    }

    fn number<T: std::str::FromStr + TryFrom<i64>>(
        &mut self,
        key: Key,
        _: &'static str,
    ) -> Result<Option<T>, ()> {
        Quick::number(self.quick.text(self.record, self.col(key))).ok_or(())
    }

    fn invalid(&self, _: Key, _: &str, _: &'static str) {}

    fn fail(&self, _: Option<Key>, _: crate::Error) {}

    fn after_minutes(&mut self, key: Key, created: i64) -> Result<Option<i64>, ()> {
        let Some(text) = self.quick.text(self.record, self.col(key)) else {
            return Ok(None);
        };
        let minutes: Decimal = text.parse().map_err(drop)?;
        minutes_after(Instant::from_timestamp_nanos(created), minutes)
            .ok()
            .and_then(|at| at.timestamp_nanos_opt())
            .filter(|&ns| ns != NO_INSTANT)
            .map(Some)
            .ok_or(())
    }

    fn status(&mut self) -> Result<Option<Status>, ()> {
        match self.quick.text(self.record, self.col(Key::Status)) {
            Some(t) => self
                .cache
                .status(t, self.quick.options.statuses())
                .map(Some)
                .ok_or(()),
            None => Ok(None),
        }
    }

    fn dimensions(&mut self) -> Result<(), ()> {
        let q = self.quick;
        for (i, name) in q.layout.extras() {
            if let Some(value) = q.text(self.record, Some(*i)) {
                self.dimensions.push((name, value));
            }
        }
        Ok(())
    }

    fn dimension(&mut self, key: Key, value: &&'r str) {
        self.dimensions
            .push((self.quick.layout.csv_source_name(key.name()), value));
    }

    fn has_column(&self, key: Key) -> bool {
        self.col(key).is_some()
    }

    fn keeps_extra_columns(&self) -> bool {
        self.quick.options.keep_extra_columns
    }
}

/// Summary tickets, in the canonical layout or a preset's.
pub(crate) struct TicketRows {
    quick: Quick,
    parse: Parse<Ticket>,
    /// `None`: a preset without summary rules, read by its own parser.
    rules: Option<Rules>,
}

impl TicketRows {
    /// The reader of a file whose columns are `layout`, by a ticket plan's parser and
    /// options.
    pub(crate) fn new(parse: Parse<Ticket>, options: ReadOptions, layout: Layout) -> TicketRows {
        TicketRows {
            rules: Rules::of(options.preset_kind()),
            parse,
            quick: Quick::new(layout, options),
        }
    }

    /// The quick path (see the module docs): `None` declines.
    fn quick(&self, r: &[&str], table: &mut TicketTable, cache: &mut Cache) -> Option<()> {
        let mut cells = QuickCells {
            quick: &self.quick,
            record: r,
            cache,
            dimensions: Vec::new(),
        };
        let s = self.rules?.read(&mut cells).ok()?;
        let row = s.row(&cells.dimensions);
        let ns = RowNs {
            created: s.created,
            first_response: s.first_response.unwrap_or(NO_INSTANT),
            first_resolved: s.first_resolved.unwrap_or(NO_INSTANT),
            resolved: s.resolved.unwrap_or(NO_INSTANT),
        };
        table.push_row_ns(&row, ns).then_some(())
    }

    /// The streaming reader's parser, then the table: the exact error of a bad record.
    fn slow(&self, row: &Row<'_>, table: &mut TicketTable) -> Result<()> {
        let id = row.id();
        parse_row(self.parse, row)
            .and_then(|t| table.push(&t).map_err(|e| crate::io::rename_field(e, row)))
            .map_err(|e| rejection(e, self.record_type(), 0, id))
    }
}

impl Rows for TicketRows {
    type Table = TicketTable;

    fn record_type(&self) -> &'static str {
        self.quick.layout.schema.record_type
    }

    fn layout(&self) -> &Layout {
        &self.quick.layout
    }

    fn push_csv(&self, r: &[&str], table: &mut TicketTable, cache: &mut Cache) -> Result<()> {
        match self.quick(r, table, cache) {
            Some(()) => Ok(()),
            None => self.slow(&self.quick.row(Cells::Csv(&StringRecord::from(r))), table),
        }
    }

    fn push_json(&self, object: &Map<String, Value>, table: &mut TicketTable) -> Result<()> {
        self.slow(&self.quick.row(Cells::Json(object)), table)
    }

    fn json_source_name(&self, object: &Map<String, Value>, key: &str) -> String {
        self.quick.row(Cells::Json(object)).source_name(key)
    }

    fn len(table: &TicketTable) -> usize {
        table.len()
    }

    fn id(table: &TicketTable, i: usize) -> &str {
        table.ids().get(i)
    }

    fn append(table: &mut TicketTable, other: TicketTable) {
        table.append(other);
    }

    fn without_rows(table: &TicketTable, drop: &[usize]) -> Result<TicketTable> {
        table.without_rows(drop)
    }
}

/// Survey responses, in the canonical layout.
pub(crate) struct SurveyRows {
    quick: Quick,
    parse: Parse<SurveyResponse>,
}

impl SurveyRows {
    /// The reader of a file whose columns are `layout`, by the survey plan's parser and
    /// options.
    pub(crate) fn new(
        parse: Parse<SurveyResponse>,
        options: ReadOptions,
        layout: Layout,
    ) -> SurveyRows {
        SurveyRows {
            parse,
            quick: Quick::new(layout, options),
        }
    }

    /// The quick path (see the module docs): `None` declines.
    fn quick(&self, r: &[&str], table: &mut SurveyTable, cache: &mut Cache) -> Option<()> {
        let mut cells = QuickCells {
            quick: &self.quick,
            record: r,
            cache,
            dimensions: Vec::new(),
        };
        let s = rules::response(&mut cells, &self.quick.options).ok()?;
        table
            .push_row(&SurveyRow {
                id: s.id,
                ticket_id: s.ticket_id,
                customer_id: s.customer_id,
                responded_at: Instant::from_timestamp_nanos(s.at),
                kind: s.kind,
                score: s.score,
            })
            .ok()
    }

    fn slow(&self, row: &Row<'_>, table: &mut SurveyTable) -> Result<()> {
        let id = row.id();
        parse_row(self.parse, row)
            .and_then(|s| table.push(&s).map_err(|e| crate::io::rename_field(e, row)))
            .map_err(|e| rejection(e, self.record_type(), 0, id))
    }
}

impl Rows for SurveyRows {
    type Table = SurveyTable;

    fn record_type(&self) -> &'static str {
        self.quick.layout.schema.record_type
    }

    fn layout(&self) -> &Layout {
        &self.quick.layout
    }

    fn push_csv(&self, r: &[&str], table: &mut SurveyTable, cache: &mut Cache) -> Result<()> {
        match self.quick(r, table, cache) {
            Some(()) => Ok(()),
            None => self.slow(&self.quick.row(Cells::Csv(&StringRecord::from(r))), table),
        }
    }

    fn push_json(&self, object: &Map<String, Value>, table: &mut SurveyTable) -> Result<()> {
        self.slow(&self.quick.row(Cells::Json(object)), table)
    }

    fn json_source_name(&self, object: &Map<String, Value>, key: &str) -> String {
        self.quick.row(Cells::Json(object)).source_name(key)
    }

    fn len(table: &SurveyTable) -> usize {
        table.len()
    }

    fn id(table: &SurveyTable, i: usize) -> &str {
        table.ids().get(i)
    }

    fn append(table: &mut SurveyTable, other: SurveyTable) {
        table.append(other);
    }

    fn without_rows(table: &SurveyTable, drop: &[usize]) -> Result<SurveyTable> {
        table.without_rows(drop)
    }
}
