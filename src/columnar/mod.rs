//! Tickets and survey responses as columns: the compact in-memory form of large inputs.
//!
//! A [`Ticket`] owns a heap string per text field (~400 bytes a ticket with its strings); a
//! [`TicketTable`] holds the same tickets as one column per field — instants as `i64`
//! nanoseconds, text that repeats (channel, priority, team, assignee, the agents, free-form
//! dimensions) as dictionary codes, ids and customers in string buffers (the customers are interned when a
//! report first reads them as a dictionary) — at ~90 bytes a ticket. It is what
//! [`Report::compute_columnar`](crate::Report::compute_columnar) reads, what the Arrow reader
//! (`io::arrow`) builds from record batches without a text round trip, and what the readers
//! fill in parallel.
//!
//! Rows are validated on the way in exactly as [`Ticket::builder`] validates (an empty id, a
//! response or resolution before creation, a latest resolution before the first), and a row
//! read back with [`TicketTable::ticket`] is the ticket that was pushed.
//!
//! **Range.** Instants are stored as nanoseconds since 1970 in an `i64`: from 1677-09-21 to
//! 2262-04-11. A ticket outside that range is an [`ErrorKind::InvalidValue`] error naming it.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use supportkpi::Ticket;
//! use supportkpi::columnar::TicketTable;
//!
//! let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
//! let t = Ticket::builder("T-1", t0).channel("email").resolved_at(t0 + Duration::hours(4)).build()?;
//! let mut table = TicketTable::new();
//! table.push(&t)?;
//! assert_eq!(table.len(), 1);
//! assert_eq!(table.ticket(0), t);
//! assert_eq!(table.channel().get(0), Some("email"));
//! # Ok::<(), supportkpi::Error>(())
//! ```

mod survey;

pub(crate) use survey::SurveyRow;
pub use survey::SurveyTable;

use crate::error::{Error, ErrorKind};
use crate::hash::IdHashBuilder;
use crate::model::{CostEntry, Customer, Instant, Status, Ticket, TicketBuilder};
use chrono::DateTime;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// The instant of `ns` nanoseconds since 1970 (every `i64` is one).
pub(crate) fn from_ns(ns: i64) -> Instant {
    DateTime::from_timestamp_nanos(ns)
}

/// `at` in nanoseconds since 1970, or an error naming the record and field.
pub(crate) fn to_ns(
    at: Instant,
    record: &'static str,
    id: &str,
    field: &str,
) -> Result<i64, Error> {
    at.timestamp_nanos_opt().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidValue,
            "a columnar instant lies between 1677-09-21 and 2262-04-11 (nanoseconds in an i64)",
        )
        .with_record_type(record)
        .with_id(id)
        .with_field(field)
        .with_value(at.to_rfc3339())
    })
}

/// The stored form of an absent instant.
pub(crate) const NO_INSTANT: i64 = i64::MIN;

/// A table's columns, borrowed together (the engine's row loop).
pub(crate) struct RawColumns<'a> {
    pub(crate) created: &'a [i64],
    pub(crate) first_response: &'a [i64],
    pub(crate) first_resolved: &'a [i64],
    pub(crate) resolved: &'a [i64],
    pub(crate) status: &'a [Status],
    pub(crate) agent_replies: &'a [Option<u32>],
    pub(crate) reopens: &'a [Option<u32>],
}

fn opt_to_ns(
    at: Option<Instant>,
    record: &'static str,
    id: &str,
    field: &str,
) -> Result<i64, Error> {
    match at {
        // i64::MIN is 1677-09-21T00:12:43.145224192Z: reserve it for "absent".
        Some(at) => match to_ns(at, record, id, field)? {
            NO_INSTANT => Err(Error::new(
                ErrorKind::InvalidValue,
                "a columnar instant lies after 1677-09-21T00:12:43.145224192Z",
            )
            .with_record_type(record)
            .with_id(id)
            .with_field(field)
            .with_value(at.to_rfc3339())),
            ns => Ok(ns),
        },
        None => Ok(NO_INSTANT),
    }
}

fn opt_from_ns(ns: i64) -> Option<Instant> {
    (ns != NO_INSTANT).then(|| from_ns(ns))
}

/// Strings in one buffer (ids: every row has its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Strings {
    text: String,
    ends: Vec<usize>,
}

impl Strings {
    /// Appends one string.
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }
    /// How many strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    /// The `i`-th string.
    ///
    /// # Panics
    /// When `i` is out of bounds, as slice indexing does.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
    /// Every string, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
    fn reserve(&mut self, rows: usize, bytes: usize) {
        self.ends.reserve(rows);
        self.text.reserve(bytes);
    }
    /// The strings of `rows`, in that order.
    pub(crate) fn select(&self, rows: &[usize]) -> Strings {
        let mut out = Strings::default();
        out.reserve(rows.len(), rows.iter().map(|&i| self.get(i).len()).sum());
        for &i in rows {
            out.push(self.get(i));
        }
        out
    }
    fn append(&mut self, other: Strings) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.into_iter().map(|e| e + base));
    }
}

/// A text column whose values repeat: a code per row into a list of distinct values.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    codes: Vec<u32>,
    values: Vec<String>,
    /// A value's hash → its code (of the first value with that hash), so a value is stored
    /// once; `collisions` holds the later values of a hash another value has (almost never).
    /// Looking values up was a third of filling a table from a file.
    index: HashMap<u64, u32, IdHashBuilder>,
    collisions: HashMap<String, u32, IdHashBuilder>,
    hasher: IdHashBuilder,
}

/// Equal strings, comparing lengths and first bytes before calling `memcmp`: most values of a
/// column differ in one or the other.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

impl PartialEq for Dictionary {
    /// Equal when every row has the same value (codes may differ).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len()).all(|i| self.get(i) == other.get(i))
    }
}

impl Dictionary {
    /// The code of a row without a value.
    pub const NONE: u32 = u32::MAX;

    /// Appends one row's value.
    pub fn push(&mut self, value: Option<&str>) {
        let code = match value {
            None => Self::NONE,
            Some(v) => self.intern(v),
        };
        self.codes.push(code);
    }

    /// The code of a row's value ([`Dictionary::NONE`] for none), the value added when new.
    /// With [`TicketTable::push_coded`] a reader that knows a row's value is an earlier row's
    /// (an Arrow dictionary's key) appends it without looking the value up again.
    pub(crate) fn code_for(&mut self, value: Option<&str>) -> u32 {
        value.map_or(Self::NONE, |v| self.intern(v))
    }

    /// The code of `value`, adding it to the values when new.
    fn intern(&mut self, value: &str) -> u32 {
        // Most columns (channel, priority, team, status-like dimensions) have a handful of
        // values: comparing with each is cheaper than hashing.
        if self.values.len() <= 8 {
            if let Some(c) = self.values.iter().position(|v| same(v, value)) {
                return c as u32;
            }
        } else if let Some(c) = self.code_of(value) {
            return c;
        }
        // u32::MAX distinct values would be ~4 billion strings: the row count bounds it first.
        let c = u32::try_from(self.values.len()).unwrap_or(Self::NONE - 1);
        match self.index.entry(self.hasher.hash_one(value)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(c);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collisions.insert(value.to_owned(), c);
            }
        }
        self.values.push(value.to_owned());
        c
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }
    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
    /// The value of row `i` (`None`: it has none).
    ///
    /// # Panics
    /// When `i` is out of bounds, as slice indexing does.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.value(self.codes[i])
    }
    /// The value of a code (`None` for [`Dictionary::NONE`]).
    pub fn value(&self, code: u32) -> Option<&str> {
        self.values.get(code as usize).map(String::as_str)
    }
    /// Every row's code ([`Dictionary::NONE`]: no value).
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }
    /// The distinct values, indexed by code.
    pub fn values(&self) -> &[String] {
        &self.values
    }
    /// The code of a value, when some row has it.
    pub fn code_of(&self, value: &str) -> Option<u32> {
        let c = *self.index.get(&self.hasher.hash_one(value))?;
        if same(&self.values[c as usize], value) {
            return Some(c);
        }
        self.collisions.get(value).copied()
    }
    /// The rows `rows`, in that order (the values and their codes kept).
    fn select(&self, rows: &[usize]) -> Dictionary {
        Dictionary {
            codes: rows.iter().map(|&i| self.codes[i]).collect(),
            values: self.values.clone(),
            index: self.index.clone(),
            collisions: self.collisions.clone(),
            hasher: self.hasher,
        }
    }
    /// A column whose row `i` has the value `values[codes[i]]`; equal values share a code.
    pub(crate) fn of_codes(codes: impl ExactSizeIterator<Item = u32>, values: &[String]) -> Self {
        let mut d = Dictionary::default();
        let remap: Vec<u32> = values.iter().map(|v| d.intern(v)).collect();
        d.codes = codes.map(|c| remap[c as usize]).collect();
        d
    }
    fn fill_none(&mut self, rows: usize) {
        self.codes.resize(rows, Self::NONE);
    }
    fn append(&mut self, other: Dictionary) {
        let remap: Vec<u32> = other.values.iter().map(|v| self.intern(v)).collect();
        self.codes.extend(
            other
                .codes
                .into_iter()
                .map(|c| remap.get(c as usize).copied().unwrap_or(Self::NONE)),
        );
    }
}

/// A text column of many distinct values (the customers), kept as text and interned into a
/// [`Dictionary`] only when a report reads it as one (`by` or `where` on it, the segment
/// join).
///
/// Interning a column of ~40,000 customers was half of reading a million tickets from Arrow
/// batches (three dependent cache misses a row in the dictionary's index), and most reports
/// never read the customers: they group by a channel, a team or a month. The text costs ~12
/// bytes a row more than a code until it is interned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Texts {
    text: Strings,
    /// Whether row `i` has a value (its text is empty when not).
    present: Vec<bool>,
    /// The rows interned, built on first use.
    interned: std::sync::OnceLock<Dictionary>,
}

impl PartialEq for Texts {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len()).all(|i| self.get(i) == other.get(i))
    }
}

impl Texts {
    fn reserve(&mut self, rows: usize, bytes: usize) {
        self.text.reserve(rows, bytes);
        self.present.reserve(rows);
    }

    /// Appends one row's value.
    fn push(&mut self, value: Option<&str>) {
        self.text.push(value.unwrap_or_default());
        self.present.push(value.is_some());
        self.interned.take();
    }

    fn len(&self) -> usize {
        self.present.len()
    }

    /// The value of row `i`, read from the text (no interning).
    fn get(&self, i: usize) -> Option<&str> {
        self.present[i].then(|| self.text.get(i))
    }

    fn append(&mut self, other: Texts) {
        self.text.append(other.text);
        self.present.extend(other.present);
        self.interned.take();
    }

    /// The rows `rows`, in that order.
    pub(crate) fn select(&self, rows: &[usize]) -> Texts {
        Texts {
            text: self.text.select(rows),
            present: rows.iter().map(|&i| self.present[i]).collect(),
            interned: std::sync::OnceLock::new(),
        }
    }

    /// The column as a dictionary, interned on the first call.
    fn dictionary(&self) -> &Dictionary {
        self.interned.get_or_init(|| {
            let mut d = Dictionary::default();
            d.codes.reserve(self.len());
            for i in 0..self.len() {
                d.push(self.get(i));
            }
            d
        })
    }
}

/// A text column most tables never fill: the agents ([`Ticket::first_responder`],
/// [`Ticket::solver`]), which only event logs and tickets built in code name. No codes while
/// no row has a value (a reader's millions of rows pay nothing for it), then a code for every
/// row.
#[derive(Debug, Clone, Default)]
struct Sparse(Dictionary);

impl PartialEq for Sparse {
    /// Equal when every row has the same value, whether or not the column is filled.
    fn eq(&self, other: &Self) -> bool {
        let rows = self.0.len().max(other.0.len());
        (0..rows).all(|i| self.get(i) == other.get(i))
    }
}

impl Sparse {
    /// Appends row `rows` (the table's rows before it).
    fn push(&mut self, rows: usize, value: Option<&str>) {
        if value.is_none() && self.0.is_empty() {
            return;
        }
        self.0.fill_none(rows);
        self.0.push(value);
    }

    /// The value of row `i`.
    fn get(&self, i: usize) -> Option<&str> {
        if self.0.is_empty() {
            None
        } else {
            self.0.get(i)
        }
    }

    /// The column, when some row may have a value.
    fn column(&self) -> Option<&Dictionary> {
        (!self.0.is_empty()).then_some(&self.0)
    }

    fn select(&self, rows: &[usize]) -> Sparse {
        match self.column() {
            Some(d) => Sparse(d.select(rows)),
            None => Sparse::default(),
        }
    }

    /// Appends `other`'s `theirs` rows after this column's `ours`.
    fn append(&mut self, ours: usize, other: Sparse, theirs: usize) {
        if other.0.is_empty() {
            if !self.0.is_empty() {
                self.0.fill_none(ours + theirs);
            }
            return;
        }
        self.0.fill_none(ours);
        self.0.append(other.0);
    }
}

/// A row's instants as nanoseconds since 1970 ([`NO_INSTANT`]: absent), for
/// [`TicketTable::push_row_ns`].
#[cfg(feature = "io")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowNs {
    pub(crate) created: i64,
    pub(crate) first_response: i64,
    pub(crate) first_resolved: i64,
    pub(crate) resolved: i64,
}

/// One ticket's fields, borrowed: what [`TicketTable::push_row`] validates and stores. The
/// readers that already hold the text (a CSV record, an Arrow array) fill it without building
/// a [`Ticket`].
#[derive(Debug, Clone, Default)]
pub(crate) struct TicketRow<'a> {
    /// The ticket's id (not blank).
    pub(crate) id: &'a str,
    /// The customer, when known.
    pub(crate) customer_id: Option<&'a str>,
    /// Creation (required: `None` is a [`ErrorKind::MissingField`] error).
    pub(crate) created_at: Option<Instant>,
    /// The first public agent reply.
    pub(crate) first_response_at: Option<Instant>,
    /// The first resolution (defaults to `resolved_at`).
    pub(crate) first_resolved_at: Option<Instant>,
    /// The latest resolution.
    pub(crate) resolved_at: Option<Instant>,
    /// The status (default: solved when resolved, else open).
    pub(crate) status: Option<Status>,
    /// The channel.
    pub(crate) channel: Option<&'a str>,
    /// The priority.
    pub(crate) priority: Option<&'a str>,
    /// The team.
    pub(crate) team: Option<&'a str>,
    /// The assignee.
    pub(crate) assignee: Option<&'a str>,
    /// The agent of the first response (readers of summary rows have none).
    pub(crate) first_responder: Option<&'a str>,
    /// The agent of the latest resolution (readers of summary rows have none).
    pub(crate) solver: Option<&'a str>,
    /// Public agent replies, when known.
    pub(crate) agent_replies: Option<u32>,
    /// Reopens, when known.
    pub(crate) reopens: Option<u32>,
    /// Free-form dimensions (name, value); a name given twice keeps its last value.
    pub(crate) dimensions: &'a [(&'a str, &'a str)],
}

/// Rows below which an append copies on one thread (a join's hand-off costs more than copying
/// a few thousand rows).
const PARALLEL_APPEND: usize = 16 * 1024;

/// Summary tickets as columns. See the [module docs](self).
///
/// Each free-form dimension is a column with a code for every row, so tickets that carry many
/// different sparse names (JSON Lines whose extra keys vary from line to line) cost rows ×
/// names; keep only the dimensions a report needs (`Report::compute` keeps only the one it
/// groups by).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketTable {
    ids: Strings,
    customer_id: Texts,
    created_at: Vec<i64>,
    first_response_at: Vec<i64>,
    first_resolved_at: Vec<i64>,
    resolved_at: Vec<i64>,
    status: Vec<Status>,
    channel: Dictionary,
    priority: Dictionary,
    team: Dictionary,
    assignee: Dictionary,
    first_responder: Sparse,
    solver: Sparse,
    agent_replies: Vec<Option<u32>>,
    reopens: Vec<Option<u32>>,
    dimensions: BTreeMap<String, Dictionary>,
}

const T: &str = "ticket";

impl TicketTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table with room for `rows` tickets.
    pub fn with_capacity(rows: usize) -> Self {
        let mut t = Self::default();
        t.ids.reserve(rows, rows * 12);
        t.customer_id.reserve(rows, rows * 8);
        for v in [
            &mut t.created_at,
            &mut t.first_response_at,
            &mut t.first_resolved_at,
            &mut t.resolved_at,
        ] {
            v.reserve(rows);
        }
        for d in [
            &mut t.channel,
            &mut t.priority,
            &mut t.team,
            &mut t.assignee,
        ] {
            d.codes.reserve(rows);
        }
        t.status.reserve(rows);
        t.agent_replies.reserve(rows);
        t.reopens.reserve(rows);
        t
    }

    /// Builds a table of `tickets`, in order.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for a ticket with an instant outside the columns' range.
    pub fn from_tickets<'a>(tickets: impl IntoIterator<Item = &'a Ticket>) -> Result<Self, Error> {
        let tickets = tickets.into_iter();
        let mut table = Self::with_capacity(tickets.size_hint().0);
        for t in tickets {
            table.push(t)?;
        }
        Ok(table)
    }

    /// A table of `tickets` with only the free-form dimension `by` (the one a report groups
    /// by; the engine reads no other): each free-form dimension is a column with a code for
    /// every row, so tickets carrying many sparse names would cost rows × names.
    pub(crate) fn for_report(tickets: &[Ticket], by: Option<&str>) -> Result<Self, Error> {
        let mut table = Self::with_capacity(tickets.len());
        for t in tickets {
            table.push_keeping(t, |name| Some(name) == by)?;
        }
        Ok(table)
    }

    /// How many tickets.
    pub fn len(&self) -> usize {
        self.created_at.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.created_at.is_empty()
    }

    /// Appends a ticket (already validated when it was built), with all its fields: its
    /// agents and free-form dimensions too.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for an instant outside the columns' range; the table is then
    /// unchanged.
    pub fn push(&mut self, t: &Ticket) -> Result<(), Error> {
        self.push_keeping(t, |_| true)
    }

    /// [`TicketTable::push`] with the free-form dimensions whose names `keep` accepts.
    fn push_keeping(&mut self, t: &Ticket, keep: impl Fn(&str) -> bool) -> Result<(), Error> {
        let dims: Vec<(&str, &str)> = t
            .dimensions()
            .iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.push_valid(&TicketRow {
            id: t.id().as_str(),
            customer_id: t.customer_id().map(|c| c.as_str()),
            created_at: Some(t.created_at()),
            first_response_at: t.first_response_at(),
            first_resolved_at: t.first_resolved_at(),
            resolved_at: t.resolved_at(),
            status: Some(t.status()),
            channel: t.channel(),
            priority: t.priority(),
            team: t.team(),
            assignee: t.assignee(),
            first_responder: t.first_responder(),
            solver: t.solver(),
            agent_replies: t.agent_replies(),
            reopens: t.reopens(),
            dimensions: &dims,
        })
    }

    /// Validates a row as [`TicketBuilder::build`] does and appends it.
    ///
    /// # Errors
    /// [`ErrorKind::MissingField`] for a blank id or no creation instant,
    /// [`ErrorKind::NegativeDuration`] for a response or resolution before creation (or a
    /// latest resolution before the first), [`ErrorKind::InvalidValue`] for an instant outside
    /// the columns' range — each naming the ticket and field. The table is then unchanged.
    #[cfg_attr(not(feature = "io"), allow(dead_code))]
    pub(crate) fn push_row(&mut self, row: &TicketRow<'_>) -> Result<(), Error> {
        let Some(created) = row.created_at else {
            return Err(
                Error::new(ErrorKind::MissingField, "a ticket needs a creation instant")
                    .with_record_type(T)
                    .with_id(row.id)
                    .with_field("created_at"),
            );
        };
        let (first_resolved, resolved, status) = TicketBuilder::check(
            row.id,
            created,
            row.first_response_at,
            row.first_resolved_at,
            row.resolved_at,
            row.status,
        )?;
        self.push_valid(&TicketRow {
            first_resolved_at: first_resolved,
            resolved_at: resolved,
            status: Some(status),
            ..row.clone()
        })
    }

    /// Appends a row whose instants are known valid and complete (first resolution and status
    /// filled in).
    fn push_valid(&mut self, row: &TicketRow<'_>) -> Result<(), Error> {
        let id = row.id;
        let created = row.created_at.map_or(Ok(NO_INSTANT), |at| {
            opt_to_ns(Some(at), T, id, "created_at")
        })?;
        let fr = opt_to_ns(row.first_response_at, T, id, "first_response_at")?;
        // The latest resolution first: the first one defaults to it, and an error names a
        // field the input has.
        let res = opt_to_ns(row.resolved_at, T, id, "resolved_at")?;
        let fres = opt_to_ns(row.first_resolved_at, T, id, "first_resolved_at")?;
        self.push_columns(
            row,
            [created, fr, fres, res],
            row.status.unwrap_or(Status::Open),
        );
        Ok(())
    }

    /// [`push_row`](Self::push_row) for a reader that has the instants as nanoseconds
    /// ([`NO_INSTANT`]: absent; the row's own instants are ignored): the same rules on
    /// integers, without building an instant. `false`, the table unchanged, for a row that
    /// `push_row` would refuse; no error is built, the caller names it its own way.
    #[cfg(feature = "io")]
    pub(crate) fn push_row_ns(&mut self, row: &TicketRow<'_>, ns: RowNs) -> bool {
        match Self::checked_ns(row.id, ns, row.status) {
            Some((ns, status)) => {
                self.push_columns(row, ns, status);
                true
            }
            None => false,
        }
    }

    /// [`TicketBuilder::check`]'s rules on a row's instants as nanoseconds: the instants to
    /// store (created, first response, first and latest resolution) and the status, or `None`
    /// for a row `push_row` would refuse.
    #[cfg(feature = "io")]
    #[inline]
    pub(crate) fn checked_ns(
        id: &str,
        ns: RowNs,
        status: Option<Status>,
    ) -> Option<([i64; 4], Status)> {
        let RowNs {
            created,
            first_response,
            first_resolved,
            resolved,
        } = ns;
        let before = |at: i64, than: i64| at != NO_INSTANT && at < than;
        if id.trim().is_empty()
            || created == NO_INSTANT
            || before(first_response, created)
            || before(resolved, created)
            || before(first_resolved, created)
            || (first_resolved != NO_INSTANT && before(resolved, first_resolved))
        {
            return None;
        }
        let first = if first_resolved == NO_INSTANT {
            resolved
        } else {
            first_resolved
        };
        let latest = if resolved == NO_INSTANT {
            first
        } else {
            resolved
        };
        let status = status.unwrap_or(if resolved == NO_INSTANT {
            Status::Open
        } else {
            Status::Solved
        });
        Some(([created, first_response, first, latest], status))
    }

    /// Appends a row's columns: its instants (created, first response, first and latest
    /// resolution) as nanoseconds and its status given, the rest from `row`.
    pub(crate) fn push_columns(&mut self, row: &TicketRow<'_>, ns: [i64; 4], status: Status) {
        let codes = [
            self.channel.code_for(row.channel),
            self.priority.code_for(row.priority),
            self.team.code_for(row.team),
            self.assignee.code_for(row.assignee),
        ];
        self.push_coded(row, ns, status, codes);
    }

    /// The channel's, priority's, team's and assignee's dictionaries, in that order (for
    /// [`push_coded`](Self::push_coded)'s codes).
    pub(crate) fn text_dictionaries(&mut self) -> [&mut Dictionary; 4] {
        [
            &mut self.channel,
            &mut self.priority,
            &mut self.team,
            &mut self.assignee,
        ]
    }

    /// [`push_columns`](Self::push_columns) with the channel, priority, team and assignee
    /// given as codes of this table's dictionaries ([`Dictionary::code_for`]); the row's own
    /// values of those four are not read.
    pub(crate) fn push_coded(
        &mut self,
        row: &TicketRow<'_>,
        ns: [i64; 4],
        status: Status,
        codes: [u32; 4],
    ) {
        let [created, fr, fres, res] = ns;
        let n = self.len();
        self.ids.push(row.id);
        self.customer_id.push(row.customer_id);
        self.created_at.push(created);
        self.first_response_at.push(fr);
        self.first_resolved_at.push(fres);
        self.resolved_at.push(res);
        self.status.push(status);
        for (d, code) in self.text_dictionaries().into_iter().zip(codes) {
            d.codes.push(code);
        }
        self.first_responder.push(n, row.first_responder);
        self.solver.push(n, row.solver);
        self.agent_replies.push(row.agent_replies);
        self.reopens.push(row.reopens);
        for (i, (name, value)) in row.dimensions.iter().enumerate() {
            // A name given twice: the last value wins, as in the ticket's map; the earlier one
            // is not interned (the dictionary would keep a value no row has).
            if row.dimensions[i + 1..]
                .iter()
                .any(|(later, _)| later == name)
            {
                continue;
            }
            let d = self.dimensions.entry((*name).to_owned()).or_default();
            d.fill_none(n);
            d.push(Some(value));
        }
        for d in self.dimensions.values_mut() {
            d.fill_none(n + 1);
        }
    }

    /// Appends every row of `other`, in order (dictionaries are merged).
    pub fn append(&mut self, other: TicketTable) {
        let n = self.len();
        let their_rows = other.len();
        let TicketTable {
            ids,
            customer_id,
            created_at,
            first_response_at,
            first_resolved_at,
            resolved_at,
            status,
            channel,
            priority,
            team,
            assignee,
            first_responder,
            solver,
            agent_replies,
            reopens,
            dimensions: _,
        } = self;
        let TicketTable {
            ids: their_ids,
            customer_id: their_customers,
            created_at: their_created,
            first_response_at: their_responses,
            first_resolved_at: their_first_resolutions,
            resolved_at: their_resolutions,
            status: their_status,
            channel: their_channel,
            priority: their_priority,
            team: their_team,
            assignee: their_assignee,
            first_responder: their_first_responder,
            solver: their_solver,
            agent_replies: their_replies,
            reopens: their_reopens,
            dimensions: mut theirs,
        } = other;
        // The text columns and the fixed-width ones on two threads, about half the bytes each:
        // joining a large read's stretches copies (and first touches) the later ones' rows.
        let texts = || {
            ids.append(their_ids);
            customer_id.append(their_customers);
            channel.append(their_channel);
            priority.append(their_priority);
            team.append(their_team);
            assignee.append(their_assignee);
            first_responder.append(n, their_first_responder, their_rows);
            solver.append(n, their_solver, their_rows);
        };
        let numbers = || {
            created_at.extend(their_created);
            first_response_at.extend(their_responses);
            first_resolved_at.extend(their_first_resolutions);
            resolved_at.extend(their_resolutions);
            status.extend(their_status);
            agent_replies.extend(their_replies);
            reopens.extend(their_reopens);
        };
        if their_rows >= PARALLEL_APPEND {
            crate::par::join(texts, numbers);
        } else {
            texts();
            numbers();
        }
        let total = self.len();
        for (name, d) in &mut self.dimensions {
            match theirs.remove(name) {
                Some(o) => d.append(o),
                None => d.fill_none(total),
            }
        }
        for (name, o) in theirs {
            let mut d = Dictionary::default();
            d.fill_none(n);
            d.append(o);
            self.dimensions.insert(name, d);
        }
    }

    /// The table without the rows `drop` (ascending): what a reader keeps when it rejects
    /// duplicate ids after filling the table. Rebuilt row by row, so the dictionaries hold only
    /// the values of the rows kept, as if those rows alone had been pushed.
    ///
    /// # Errors
    /// None in practice: the rows were valid when pushed.
    #[cfg(feature = "io")]
    pub(crate) fn without_rows(&self, drop: &[usize]) -> Result<TicketTable, Error> {
        let mut out = TicketTable::with_capacity(self.len().saturating_sub(drop.len()));
        let mut drop = drop.iter().copied().peekable();
        let mut dims = Vec::new();
        for i in 0..self.len() {
            if drop.next_if_eq(&i).is_some() {
                continue;
            }
            dims.clear();
            dims.extend(
                self.dimensions
                    .iter()
                    .filter_map(|(k, d)| Some((k.as_str(), d.get(i)?))),
            );
            out.push_valid(&TicketRow {
                id: self.ids.get(i),
                customer_id: self.customer_id.get(i),
                created_at: Some(from_ns(self.created_at[i])),
                first_response_at: opt_from_ns(self.first_response_at[i]),
                first_resolved_at: opt_from_ns(self.first_resolved_at[i]),
                resolved_at: opt_from_ns(self.resolved_at[i]),
                status: Some(self.status[i]),
                channel: self.channel.get(i),
                priority: self.priority.get(i),
                team: self.team.get(i),
                assignee: self.assignee.get(i),
                first_responder: self.first_responder.get(i),
                solver: self.solver.get(i),
                agent_replies: self.agent_replies[i],
                reopens: self.reopens[i],
                dimensions: &dims,
            })?;
        }
        Ok(out)
    }

    /// Ticket `i`, rebuilt with all its fields.
    ///
    /// # Panics
    /// When `i` is out of bounds, as slice indexing does.
    pub fn ticket(&self, i: usize) -> Ticket {
        let mut t = self.skeleton(i);
        t.set_id(self.ids.get(i).into());
        let text = |d: &Dictionary| d.get(i).map(str::to_owned);
        t.set_descriptions(
            self.customer_id.get(i).map(Into::into),
            text(&self.channel),
            text(&self.priority),
            text(&self.team),
            text(&self.assignee),
            self.dimensions
                .iter()
                .filter_map(|(k, d)| Some((k.clone(), d.get(i)?.to_owned())))
                .collect(),
        );
        t.set_agents(
            self.first_responder.get(i).map(str::to_owned),
            self.solver.get(i).map(str::to_owned),
        );
        t
    }

    /// Every ticket, rebuilt, in order.
    pub fn tickets(&self) -> impl ExactSizeIterator<Item = Ticket> + '_ {
        (0..self.len()).map(|i| self.ticket(i))
    }

    /// Ticket `i` with its instants, status and counts but no text (an empty id): what the
    /// KPIs read, built without a heap allocation.
    pub(crate) fn skeleton(&self, i: usize) -> Ticket {
        Ticket::skeleton(
            from_ns(self.created_at[i]),
            opt_from_ns(self.first_response_at[i]),
            opt_from_ns(self.first_resolved_at[i]),
            opt_from_ns(self.resolved_at[i]),
            self.status[i],
            self.agent_replies[i],
            self.reopens[i],
        )
    }

    pub(crate) fn raw(&self) -> RawColumns<'_> {
        RawColumns {
            created: &self.created_at,
            first_response: &self.first_response_at,
            first_resolved: &self.first_resolved_at,
            resolved: &self.resolved_at,
            status: &self.status,
            agent_replies: &self.agent_replies,
            reopens: &self.reopens,
        }
    }

    /// The ids.
    pub fn ids(&self) -> &Strings {
        &self.ids
    }
    /// The customers, interned on the first call: the table keeps them as text until a report
    /// reads them as a dictionary (`by`/`where` on them, the segment join).
    pub fn customer_id(&self) -> &Dictionary {
        self.customer_id.dictionary()
    }
    /// The channels.
    pub fn channel(&self) -> &Dictionary {
        &self.channel
    }
    /// The priorities.
    pub fn priority(&self) -> &Dictionary {
        &self.priority
    }
    /// The teams.
    pub fn team(&self) -> &Dictionary {
        &self.team
    }
    /// The assignees.
    pub fn assignee(&self) -> &Dictionary {
        &self.assignee
    }
    /// The agents of the first responses ([`Ticket::first_responder`]); `None` when no ticket
    /// names one (readers of summary rows never do). This, not a free-form dimension of the
    /// same name, is what a report's `first_responder` reads.
    pub fn first_responder(&self) -> Option<&Dictionary> {
        self.first_responder.column()
    }
    /// The agents of the latest resolutions ([`Ticket::solver`]); `None` when no ticket names
    /// one. This, not a free-form dimension of the same name, is what a report's `solver`
    /// reads.
    pub fn solver(&self) -> Option<&Dictionary> {
        self.solver.column()
    }
    /// The statuses.
    pub fn status(&self) -> &[Status] {
        &self.status
    }
    /// Creation instants, nanoseconds since 1970.
    pub fn created_at_ns(&self) -> &[i64] {
        &self.created_at
    }
    /// Latest resolution instants, nanoseconds since 1970 (`i64::MIN`: not resolved).
    pub fn resolved_at_ns(&self) -> &[i64] {
        &self.resolved_at
    }
    /// A free-form dimension's column, when some ticket has it. A report reads it under its
    /// name unless that names a built-in field (`channel`, `priority`, `team`, `assignee`,
    /// `first_responder`, `solver`, `status`, `customer_id`, `segment`): that name reads the
    /// field, as [`Ticket::dimension`] does.
    pub fn dimension(&self, name: &str) -> Option<&Dictionary> {
        self.dimensions.get(name)
    }
    /// The free-form dimensions' names.
    pub fn dimension_names(&self) -> impl Iterator<Item = &str> {
        self.dimensions.keys().map(String::as_str)
    }

    /// The tickets of `rows`, in that order: what a report's filter keeps.
    pub(crate) fn select(&self, rows: &[usize]) -> TicketTable {
        let pick = |v: &[i64]| rows.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let counts = |v: &[Option<u32>]| rows.iter().map(|&i| v[i]).collect::<Vec<_>>();
        TicketTable {
            ids: self.ids.select(rows),
            customer_id: self.customer_id.select(rows),
            created_at: pick(&self.created_at),
            first_response_at: pick(&self.first_response_at),
            first_resolved_at: pick(&self.first_resolved_at),
            resolved_at: pick(&self.resolved_at),
            status: rows.iter().map(|&i| self.status[i]).collect(),
            channel: self.channel.select(rows),
            priority: self.priority.select(rows),
            team: self.team.select(rows),
            assignee: self.assignee.select(rows),
            first_responder: self.first_responder.select(rows),
            solver: self.solver.select(rows),
            agent_replies: counts(&self.agent_replies),
            reopens: counts(&self.reopens),
            dimensions: self
                .dimensions
                .iter()
                .map(|(name, d)| (name.clone(), d.select(rows)))
                .collect(),
        }
    }

    /// Sets the free-form dimension `name` to `column` (one code a row), replacing any.
    pub(crate) fn set_dimension(&mut self, name: &str, column: Dictionary) {
        debug_assert_eq!(column.len(), self.len());
        self.dimensions.insert(name.to_owned(), column);
    }
}

/// Everything a columnar report reads: summary tickets and responses as columns, customers and
/// cost entries as records (they are few). Event histories have no columnar form: a report over
/// them is [`Report::compute`](crate::Report::compute).
#[derive(Debug, Clone, Default)]
pub struct ColumnarInput {
    /// Tickets in summary form.
    pub tickets: TicketTable,
    /// Survey responses.
    pub surveys: SurveyTable,
    /// Customers.
    pub customers: Vec<Customer>,
    /// Support cost entries.
    pub costs: Vec<CostEntry>,
}

// `ColumnarInput::from_input` is in `report`, beside `ReportInput`: the tables do not know
// the report's input type, so that `columnar` does not import `report`.

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn t0() -> Instant {
        Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap()
    }

    #[test]
    fn customers_are_interned_on_first_read_and_again_after_a_push() {
        let at = |id: &str, c: Option<&str>| {
            let b = Ticket::builder(id, t0());
            match c {
                Some(c) => b.customer_id(c),
                None => b,
            }
            .build()
            .unwrap()
        };
        let mut table = TicketTable::new();
        for (id, c) in [
            ("A", Some("C-2")),
            ("B", None),
            ("C", Some("C-1")),
            ("D", Some("C-2")),
        ] {
            table.push(&at(id, c)).unwrap();
        }
        let d = table.customer_id();
        assert_eq!(d.values(), ["C-2", "C-1"]);
        assert_eq!(d.codes(), [0, Dictionary::NONE, 1, 0]);
        assert_eq!(d.code_of("C-1"), Some(1));
        // A push after the first read: the next read interns the new row too.
        table.push(&at("E", Some("C-3"))).unwrap();
        assert_eq!(table.customer_id().codes(), [0, Dictionary::NONE, 1, 0, 2]);
        let mut more = TicketTable::new();
        more.push(&at("F", Some("C-1"))).unwrap();
        more.push(&at("G", None)).unwrap();
        table.append(more);
        assert_eq!(table.customer_id().values(), ["C-2", "C-1", "C-3"]);
        assert_eq!(
            table.customer_id().codes(),
            [0, Dictionary::NONE, 1, 0, 2, 1, Dictionary::NONE]
        );
        assert_eq!(
            table.ticket(5).customer_id().map(|c| c.as_str()),
            Some("C-1")
        );
        assert_eq!(table.ticket(1).customer_id(), None);
        // Equality is by value: an interned table equals one that never was.
        let mut fresh = TicketTable::new();
        for i in 0..table.len() {
            fresh.push(&table.ticket(i)).unwrap();
        }
        assert_eq!(fresh, table);
    }

    fn tickets() -> Vec<Ticket> {
        vec![
            Ticket::builder("A", t0())
                .customer_id("C-1")
                .first_response_at(t0() + Duration::minutes(5))
                .resolved_at(t0() + Duration::hours(2))
                .channel("chat")
                .agent_replies(1)
                .dimension("plan", "pro")
                .build()
                .unwrap(),
            Ticket::builder("B", t0() + Duration::nanoseconds(7))
                .status(Status::Pending)
                .team("tier1")
                .first_responder("ann")
                .build()
                .unwrap(),
            Ticket::builder("C", t0())
                .first_resolved_at(t0() + Duration::hours(1))
                .resolved_at(t0() + Duration::hours(9))
                .reopens(2)
                .channel("chat")
                .dimension("region", "eu")
                .solver("bob")
                .dimension("first_responder", "zed")
                .build()
                .unwrap(),
        ]
    }

    #[test]
    fn round_trips_every_field() {
        let ts = tickets();
        let table = TicketTable::from_tickets(&ts).unwrap();
        assert_eq!(table.tickets().collect::<Vec<_>>(), ts);
        assert_eq!(table.channel().values(), ["chat"]);
        assert_eq!(table.channel().codes(), [0, Dictionary::NONE, 0]);
        assert_eq!(table.dimension("plan").unwrap().get(2), None);
        assert_eq!(table.dimension("region").unwrap().get(2), Some("eu"));
        // The agents are columns of their own, beside a free-form column of the same name.
        let first = table.first_responder().unwrap();
        assert_eq!(
            (0..3).map(|i| first.get(i)).collect::<Vec<_>>(),
            [None, Some("ann"), None]
        );
        let solver = table.solver().unwrap();
        assert_eq!(
            (0..3).map(|i| solver.get(i)).collect::<Vec<_>>(),
            [None, None, Some("bob")]
        );
        assert_eq!(
            table.dimension("first_responder").unwrap().get(2),
            Some("zed")
        );
        // Selected rows keep theirs; a table whose tickets name none has no agent column.
        let picked = table.select(&[2, 1]);
        assert_eq!(
            picked.tickets().collect::<Vec<_>>(),
            [ts[2].clone(), ts[1].clone()]
        );
        let none = TicketTable::from_tickets(&ts[..1]).unwrap();
        assert!(none.first_responder().is_none() && none.solver().is_none());
        // Equality is by value: a filled agent column of rows without agents equals none.
        let plain = Ticket::builder("P", t0()).build().unwrap();
        let named = Ticket::builder("Q", t0()).solver("bob").build().unwrap();
        let both = TicketTable::from_tickets([&plain, &named]).unwrap();
        assert_eq!(
            both.select(&[0]),
            TicketTable::from_tickets([&plain]).unwrap()
        );
        let q = Ticket::builder("Q", t0()).build().unwrap();
        assert_ne!(both.select(&[1]), TicketTable::from_tickets([&q]).unwrap());
    }

    #[test]
    fn append_merges_dictionaries() {
        let ts = tickets();
        let mut a = TicketTable::from_tickets(&ts[..1]).unwrap();
        let b = TicketTable::from_tickets(&ts[1..]).unwrap();
        a.append(b);
        assert_eq!(a, TicketTable::from_tickets(&ts).unwrap());
        assert_eq!(a.tickets().collect::<Vec<_>>(), ts);
        // Rows with agents, then rows without: the agent columns cover the appended rows.
        let mut b = TicketTable::from_tickets(&ts[1..]).unwrap();
        b.append(TicketTable::from_tickets(&ts[..1]).unwrap());
        let want = [ts[1].clone(), ts[2].clone(), ts[0].clone()];
        assert_eq!(b.tickets().collect::<Vec<_>>(), want);
        assert_eq!(b.first_responder().unwrap().len(), 3);
    }

    #[test]
    fn dictionaries_of_few_and_many_values() {
        let mut d = Dictionary::default();
        let values: Vec<String> = (0..5000).map(|i| format!("v{}", i % 1234)).collect();
        for (i, v) in values.iter().enumerate() {
            d.push((i % 7 != 0).then_some(v.as_str()));
        }
        for (i, v) in values.iter().enumerate() {
            assert_eq!(d.get(i), (i % 7 != 0).then_some(v.as_str()));
        }
        assert_eq!(d.values().len(), 1234);
        for (c, v) in d.values().iter().enumerate() {
            assert_eq!(d.code_of(v), Some(c as u32));
        }
        assert_eq!(d.code_of("nope"), None);
        assert_eq!(d.code_of(""), None);
    }

    #[test]
    fn push_row_validates_like_the_builder() {
        let mut table = TicketTable::new();
        let row = TicketRow {
            id: "X",
            created_at: Some(t0()),
            resolved_at: Some(t0() - Duration::seconds(1)),
            ..TicketRow::default()
        };
        let e = table.push_row(&row).unwrap_err();
        assert_eq!(
            (
                e.kind(),
                e.field(),
                e.record().and_then(|r| r.id.as_deref())
            ),
            (ErrorKind::NegativeDuration, Some("resolved_at"), Some("X"))
        );
        let e = table
            .push_row(&TicketRow {
                id: " ",
                created_at: Some(t0()),
                ..TicketRow::default()
            })
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField);
        let e = table
            .push_row(&TicketRow {
                id: "Y",
                ..TicketRow::default()
            })
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::MissingField, Some("created_at"))
        );
        assert!(table.is_empty());
        table
            .push_row(&TicketRow {
                id: "Z",
                created_at: Some(t0()),
                resolved_at: Some(t0() + Duration::hours(1)),
                dimensions: &[("plan", "a"), ("plan", "b")],
                ..TicketRow::default()
            })
            .unwrap();
        let t = table.ticket(0);
        assert_eq!(
            (t.status(), t.first_resolved_at(), t.dimension("plan")),
            (Status::Solved, t.resolved_at(), Some("b"))
        );
        assert_eq!(table.dimension("plan").unwrap().values(), ["b"]);
    }

    #[test]
    fn instants_outside_the_range_are_errors() {
        let far = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
        let t = Ticket::builder("F", far).build().unwrap();
        let e = TicketTable::new().push(&t).unwrap_err();
        assert_eq!(
            (
                e.kind(),
                e.field(),
                e.record().and_then(|r| r.id.as_deref())
            ),
            (ErrorKind::InvalidValue, Some("created_at"), Some("F"))
        );
        // A far resolution names resolved_at, which the input has, not the first resolution
        // that defaults to it.
        let t = Ticket::builder("G", t0()).resolved_at(far).build().unwrap();
        let e = TicketTable::new().push(&t).unwrap_err();
        assert_eq!(e.field(), Some("resolved_at"));
    }
}
