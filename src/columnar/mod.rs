//! Tickets and survey responses as columns: the compact in-memory form of large inputs.
//!
//! A [`Ticket`] owns a heap string per text field (~400 bytes a ticket with its strings); a
//! [`TicketTable`] holds the same tickets as one column per field — instants as `i64`
//! nanoseconds, text that repeats (channel, priority, team, assignee, customer, free-form
//! dimensions) as dictionary codes, ids in one string buffer — at ~80 bytes a ticket. It is what
//! [`Report::compute_columnar`](crate::Report::compute_columnar) reads, what the Python binding
//! builds from an Arrow table without a text round trip, and what the readers fill in parallel.
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

pub use survey::{SurveyRow, SurveyTable};

use crate::error::{Error, ErrorKind};
use crate::model::{CostEntry, Customer, Instant, Status, Ticket, TicketBuilder};
use crate::report::ReportInput;
use crate::report::hash::IdHashBuilder;
use chrono::DateTime;
use std::collections::{BTreeMap, HashMap};

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
    index: HashMap<String, u32, IdHashBuilder>,
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

    /// The code of `value`, adding it to the values when new.
    fn intern(&mut self, value: &str) -> u32 {
        if let Some(&c) = self.index.get(value) {
            return c;
        }
        // u32::MAX distinct values would be ~4 billion strings: the row count bounds it first.
        let c = u32::try_from(self.values.len()).unwrap_or(Self::NONE - 1);
        self.values.push(value.to_owned());
        self.index.insert(value.to_owned(), c);
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
        self.index.get(value).copied()
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

/// One ticket's fields, borrowed: what [`TicketTable::push_row`] validates and stores. Readers
/// that already hold the text (a CSV record, an Arrow array) fill it without building a
/// [`Ticket`].
#[derive(Debug, Clone, Default)]
pub struct TicketRow<'a> {
    /// The ticket's id (not blank).
    pub id: &'a str,
    /// The customer, when known.
    pub customer_id: Option<&'a str>,
    /// Creation (required: `None` is a [`ErrorKind::MissingField`] error).
    pub created_at: Option<Instant>,
    /// The first public agent reply.
    pub first_response_at: Option<Instant>,
    /// The first resolution (defaults to `resolved_at`).
    pub first_resolved_at: Option<Instant>,
    /// The latest resolution.
    pub resolved_at: Option<Instant>,
    /// The status (default: solved when resolved, else open).
    pub status: Option<Status>,
    /// The channel.
    pub channel: Option<&'a str>,
    /// The priority.
    pub priority: Option<&'a str>,
    /// The team.
    pub team: Option<&'a str>,
    /// The assignee.
    pub assignee: Option<&'a str>,
    /// Public agent replies, when known.
    pub agent_replies: Option<u32>,
    /// Reopens.
    pub reopens: u32,
    /// Free-form dimensions (name, value); a name given twice keeps its last value.
    pub dimensions: &'a [(&'a str, &'a str)],
}

/// Summary tickets as columns. See the [module docs](self).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketTable {
    ids: Strings,
    customer_id: Dictionary,
    created_at: Vec<i64>,
    first_response_at: Vec<i64>,
    first_resolved_at: Vec<i64>,
    resolved_at: Vec<i64>,
    status: Vec<Status>,
    channel: Dictionary,
    priority: Dictionary,
    team: Dictionary,
    assignee: Dictionary,
    agent_replies: Vec<Option<u32>>,
    reopens: Vec<u32>,
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
        for v in [
            &mut t.created_at,
            &mut t.first_response_at,
            &mut t.first_resolved_at,
            &mut t.resolved_at,
        ] {
            v.reserve(rows);
        }
        for d in [
            &mut t.customer_id,
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

    /// How many tickets.
    pub fn len(&self) -> usize {
        self.created_at.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.created_at.is_empty()
    }

    /// Appends a ticket (already validated when it was built).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for an instant outside the columns' range; the table is then
    /// unchanged.
    pub fn push(&mut self, t: &Ticket) -> Result<(), Error> {
        let dims: Vec<(&str, &str)> = t
            .dimensions()
            .iter()
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
    pub fn push_row(&mut self, row: &TicketRow<'_>) -> Result<(), Error> {
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
        let fres = opt_to_ns(row.first_resolved_at, T, id, "first_resolved_at")?;
        let res = opt_to_ns(row.resolved_at, T, id, "resolved_at")?;
        let n = self.len();
        self.ids.push(id);
        self.customer_id.push(row.customer_id);
        self.created_at.push(created);
        self.first_response_at.push(fr);
        self.first_resolved_at.push(fres);
        self.resolved_at.push(res);
        self.status.push(row.status.unwrap_or(Status::Open));
        self.channel.push(row.channel);
        self.priority.push(row.priority);
        self.team.push(row.team);
        self.assignee.push(row.assignee);
        self.agent_replies.push(row.agent_replies);
        self.reopens.push(row.reopens);
        for (name, value) in row.dimensions {
            let d = self.dimensions.entry((*name).to_owned()).or_default();
            d.fill_none(n);
            // A name given twice: the last value wins, as in the ticket's map.
            if d.len() == n + 1 {
                d.codes.pop();
            }
            d.push(Some(value));
        }
        for d in self.dimensions.values_mut() {
            d.fill_none(n + 1);
        }
        Ok(())
    }

    /// Appends every row of `other`, in order (dictionaries are merged).
    pub fn append(&mut self, other: TicketTable) {
        let n = self.len();
        self.ids.append(other.ids);
        self.customer_id.append(other.customer_id);
        self.created_at.extend(other.created_at);
        self.first_response_at.extend(other.first_response_at);
        self.first_resolved_at.extend(other.first_resolved_at);
        self.resolved_at.extend(other.resolved_at);
        self.status.extend(other.status);
        self.channel.append(other.channel);
        self.priority.append(other.priority);
        self.team.append(other.team);
        self.assignee.append(other.assignee);
        self.agent_replies.extend(other.agent_replies);
        self.reopens.extend(other.reopens);
        let total = self.len();
        let mut theirs = other.dimensions;
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

    /// The ids.
    pub fn ids(&self) -> &Strings {
        &self.ids
    }
    /// The customers.
    pub fn customer_id(&self) -> &Dictionary {
        &self.customer_id
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
    /// A free-form dimension's column, when some ticket has it.
    pub fn dimension(&self, name: &str) -> Option<&Dictionary> {
        self.dimensions.get(name)
    }
    /// The free-form dimensions' names.
    pub fn dimension_names(&self) -> impl Iterator<Item = &str> {
        self.dimensions.keys().map(String::as_str)
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

impl ColumnarInput {
    /// The columnar form of a [`ReportInput`] without event histories.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] when the input has histories, and
    /// [`ErrorKind::InvalidValue`] for an instant outside the columns' range.
    pub fn from_input(input: &ReportInput) -> Result<Self, Error> {
        if let Some(h) = input.histories.first() {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "event histories have no columnar form: compute their report with Report::compute",
            )
            .with_record_type(T)
            .with_id(h.id().as_str()));
        }
        Ok(ColumnarInput {
            tickets: TicketTable::from_tickets(&input.tickets)?,
            surveys: SurveyTable::from_responses(&input.surveys)?,
            customers: input.customers.clone(),
            costs: input.costs.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn t0() -> Instant {
        Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap()
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
                .build()
                .unwrap(),
            Ticket::builder("C", t0())
                .first_resolved_at(t0() + Duration::hours(1))
                .resolved_at(t0() + Duration::hours(9))
                .reopens(2)
                .channel("chat")
                .dimension("region", "eu")
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
    }

    #[test]
    fn append_merges_dictionaries() {
        let ts = tickets();
        let mut a = TicketTable::from_tickets(&ts[..1]).unwrap();
        let b = TicketTable::from_tickets(&ts[1..]).unwrap();
        a.append(b);
        assert_eq!(a, TicketTable::from_tickets(&ts).unwrap());
        assert_eq!(a.tickets().collect::<Vec<_>>(), ts);
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
    }
}
