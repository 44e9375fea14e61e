//! Survey responses as columns.

use super::{Dictionary, NO_INSTANT, Strings, Texts, from_ns, to_ns};
use crate::error::Error;
use crate::model::{Instant, SurveyKind, SurveyResponse};

const S: &str = "survey_response";

/// One response's fields, borrowed: what [`SurveyTable::push_row`] validates and stores.
#[derive(Debug, Clone)]
pub(crate) struct SurveyRow<'a> {
    /// The response's id (not blank).
    pub(crate) id: &'a str,
    /// The ticket it rates, when linked.
    pub(crate) ticket_id: Option<&'a str>,
    /// The customer who gave it, when known.
    pub(crate) customer_id: Option<&'a str>,
    /// When it was given.
    pub(crate) responded_at: Instant,
    /// Which survey it answers.
    pub(crate) kind: SurveyKind,
    /// The score as given.
    pub(crate) score: i32,
}

/// Survey responses as columns (see the [module docs](super)); ticket ids and customers are
/// kept as text (the customers are interned when a report first reads them).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::columnar::SurveyTable;
/// use supportkpi::model::SurveyKind;
/// use supportkpi::SurveyResponse;
/// let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let mut table = SurveyTable::new();
/// table.push(&SurveyResponse::new("S-1", at, SurveyKind::Nps, 9)?.with_ticket("T-1"))?;
/// assert_eq!(table.len(), 1);
/// assert_eq!(table.response(0).ticket_id().map(|t| t.as_str()), Some("T-1"));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SurveyTable {
    ids: Strings,
    ticket_id: Strings,
    linked: Vec<bool>,
    customer_id: Texts,
    responded_at: Vec<i64>,
    kind: Vec<SurveyKind>,
    score: Vec<i32>,
}

impl SurveyTable {
    /// The responses of `rows`, in that order: what a report's filter keeps.
    pub(crate) fn select(&self, rows: &[usize]) -> SurveyTable {
        SurveyTable {
            ids: self.ids.select(rows),
            ticket_id: self.ticket_id.select(rows),
            linked: rows.iter().map(|&i| self.linked[i]).collect(),
            customer_id: self.customer_id.select(rows),
            responded_at: rows.iter().map(|&i| self.responded_at[i]).collect(),
            kind: rows.iter().map(|&i| self.kind[i]).collect(),
            score: rows.iter().map(|&i| self.score[i]).collect(),
        }
    }

    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table with room for `rows` responses.
    pub fn with_capacity(rows: usize) -> Self {
        let mut t = Self::default();
        t.ids.reserve(rows, rows * 16);
        t.ticket_id.reserve(rows, rows * 12);
        t.customer_id.reserve(rows, rows * 8);
        t.linked.reserve(rows);
        t.responded_at.reserve(rows);
        t.kind.reserve(rows);
        t.score.reserve(rows);
        t
    }

    /// A table of `responses`, in order.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an instant outside the
    /// columns' range.
    pub fn from_responses<'a>(
        responses: impl IntoIterator<Item = &'a SurveyResponse>,
    ) -> Result<Self, Error> {
        let mut table = Self::new();
        for r in responses {
            table.push(r)?;
        }
        Ok(table)
    }

    /// How many responses.
    pub fn len(&self) -> usize {
        self.responded_at.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.responded_at.is_empty()
    }

    /// Appends a response (validated when it was built).
    ///
    /// # Errors
    /// As [`SurveyTable::from_responses`].
    pub fn push(&mut self, r: &SurveyResponse) -> Result<(), Error> {
        self.push_valid(&SurveyRow {
            id: r.id().as_str(),
            ticket_id: r.ticket_id().map(|t| t.as_str()),
            customer_id: r.customer_id().map(|c| c.as_str()),
            responded_at: r.responded_at(),
            kind: r.kind(),
            score: r.score(),
        })
    }

    /// Validates a row as [`SurveyResponse::new`] does and appends it.
    ///
    /// # Errors
    /// As [`SurveyResponse::new`], and an instant outside the columns' range; the table is
    /// then unchanged.
    #[cfg_attr(not(feature = "io"), allow(dead_code))]
    pub(crate) fn push_row(&mut self, row: &SurveyRow<'_>) -> Result<(), Error> {
        SurveyResponse::check(row.id, row.kind, row.score)?;
        self.push_valid(row)
    }

    /// [`push_row`](Self::push_row) for a reader that has the response instant as
    /// nanoseconds (the row's own `responded_at` is ignored): `false`, the table unchanged,
    /// for a row `push_row` would refuse (or an instant it would not store as given); no
    /// error is built, the caller names it its own way.
    #[cfg(feature = "io")]
    pub(crate) fn push_row_ns(&mut self, row: &SurveyRow<'_>, at: i64) -> bool {
        if at == NO_INSTANT || SurveyResponse::check(row.id, row.kind, row.score).is_err() {
            return false;
        }
        self.push_columns(row, at);
        true
    }

    fn push_valid(&mut self, row: &SurveyRow<'_>) -> Result<(), Error> {
        let at = to_ns(row.responded_at, S, row.id, "responded_at")?;
        self.push_columns(row, at);
        Ok(())
    }

    /// Appends a row with its response instant given as nanoseconds.
    pub(crate) fn push_columns(&mut self, row: &SurveyRow<'_>, at: i64) {
        self.ids.push(row.id);
        self.ticket_id.push(row.ticket_id.unwrap_or(""));
        self.linked.push(row.ticket_id.is_some());
        self.customer_id.push(row.customer_id);
        self.responded_at.push(at);
        self.kind.push(row.kind);
        self.score.push(row.score);
    }

    /// Appends every row of `other`, in order.
    pub fn append(&mut self, other: SurveyTable) {
        let SurveyTable {
            ids,
            ticket_id,
            linked,
            customer_id,
            responded_at,
            kind,
            score,
        } = self;
        // Two threads, about half the bytes each (as `TicketTable::append`).
        let their_rows = other.ids.len();
        let (a, b) = (
            || {
                ids.append(other.ids);
                responded_at.extend(other.responded_at);
            },
            || {
                ticket_id.append(other.ticket_id);
                linked.extend(other.linked);
                customer_id.append(other.customer_id);
                kind.extend(other.kind);
                score.extend(other.score);
            },
        );
        if their_rows >= super::PARALLEL_APPEND {
            crate::par::join(a, b);
        } else {
            a();
            b();
        }
    }

    /// The table without the rows `drop` (ascending), as [`TicketTable`]'s
    /// (`without_rows`): rebuilt, so the customers' dictionary holds only the rows kept.
    ///
    /// # Errors
    /// None in practice: the rows were valid when pushed.
    #[cfg(feature = "io")]
    pub(crate) fn without_rows(&self, drop: &[usize]) -> Result<SurveyTable, Error> {
        let mut out = SurveyTable::new();
        let mut drop = drop.iter().copied().peekable();
        for i in 0..self.len() {
            if drop.next_if_eq(&i).is_some() {
                continue;
            }
            out.push_valid(&SurveyRow {
                id: self.ids.get(i),
                ticket_id: self.ticket_id(i),
                customer_id: self.customer_id.get(i),
                responded_at: from_ns(self.responded_at[i]),
                kind: self.kind[i],
                score: self.score[i],
            })?;
        }
        Ok(out)
    }

    /// Response `i`, rebuilt.
    ///
    /// # Panics
    /// When `i` is out of bounds, as slice indexing does.
    pub fn response(&self, i: usize) -> SurveyResponse {
        let mut r = self.skeleton(i);
        r.set_id(self.ids.get(i).into());
        if let Some(t) = self.ticket_id(i) {
            r = r.with_ticket(t);
        }
        if let Some(c) = self.customer_id.get(i) {
            r = r.with_customer(c);
        }
        r
    }

    /// Every response, rebuilt, in order.
    pub fn responses(&self) -> impl ExactSizeIterator<Item = SurveyResponse> + '_ {
        (0..self.len()).map(|i| self.response(i))
    }

    /// Response `i` without its text (an empty id, no links): what the survey KPIs read.
    pub(crate) fn skeleton(&self, i: usize) -> SurveyResponse {
        SurveyResponse::skeleton(from_ns(self.responded_at[i]), self.kind[i], self.score[i])
    }

    /// The ids.
    pub fn ids(&self) -> &Strings {
        &self.ids
    }
    /// The ticket response `i` rates, when linked.
    pub fn ticket_id(&self, i: usize) -> Option<&str> {
        self.linked[i].then(|| self.ticket_id.get(i))
    }
    /// Whether any response is linked to a ticket.
    pub fn any_linked(&self) -> bool {
        self.linked.iter().any(|&l| l)
    }
    /// The customers, interned on the first call (the table keeps them as text until a
    /// report reads them as a dictionary).
    pub fn customer_id(&self) -> &Dictionary {
        self.customer_id.dictionary()
    }
    /// Response instants, nanoseconds since 1970.
    pub fn responded_at_ns(&self) -> &[i64] {
        &self.responded_at
    }
    /// The kinds.
    pub fn kind(&self) -> &[SurveyKind] {
        &self.kind
    }
    /// The scores.
    pub fn score(&self) -> &[i32] {
        &self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn round_trips_and_appends() {
        let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
        let rs = vec![
            SurveyResponse::new("S-1", at, SurveyKind::Csat, 5)
                .unwrap()
                .with_ticket("T-1")
                .with_customer("C-1"),
            SurveyResponse::new("S-2", at, SurveyKind::Ces, 3).unwrap(),
            SurveyResponse::new("S-3", at, SurveyKind::Nps, 0)
                .unwrap()
                .with_ticket(""),
        ];
        let all = SurveyTable::from_responses(&rs).unwrap();
        assert_eq!(all.responses().collect::<Vec<_>>(), rs);
        let mut a = SurveyTable::from_responses(&rs[..1]).unwrap();
        a.append(SurveyTable::from_responses(&rs[1..]).unwrap());
        assert_eq!(a, all);
        assert!(a.any_linked());
    }
}
