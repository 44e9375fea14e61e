//! [`Span`]: the first and last instants a report has read, the bound that keeps its periods
//! (and so its memory) within [`field@ReportOptions::max_periods`] whatever the records' instants.

use super::{ReportOptions, TicketRef};
use crate::error::{Error, ErrorKind};
use crate::model::{CostEntry, Customer, Instant, SurveyResponse};
use serde::{Deserialize, Serialize};

/// The first and last instants a report has read, to keep its periods within
/// [`field@ReportOptions::max_periods`]: checking a new bound costs one date conversion, and the
/// exact count (in the report's zone) is only worked out when the UTC estimate is near the
/// bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Span {
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Span {
    /// Widens the span by `at`. `Err` when the span now covers more periods than the options
    /// allow, with `who` (the record, the field) added by the caller.
    fn widen(&mut self, at: Instant, o: &ReportOptions) -> Result<(), Error> {
        let first = self.first.map_or(at, |f| f.min(at));
        let last = self.last.map_or(at, |l| l.max(at));
        if self.first == Some(first) && self.last == Some(last) {
            return Ok(());
        }
        *self = Span {
            first: Some(first),
            last: Some(last),
        };
        if o.range.is_some() {
            return Ok(());
        }
        check_span(first, last, o)
    }

    /// [`widen`](Span::widen), the error naming the record, field and instant.
    pub(crate) fn widen_by(
        &mut self,
        at: Instant,
        o: &ReportOptions,
        record_type: &'static str,
        id: Option<&str>,
        field: &'static str,
    ) -> Result<(), Error> {
        self.widen(at, o).map_err(|e| {
            let e = e.with_record_type(record_type);
            match id {
                Some(id) => e.with_id(id),
                None => e,
            }
            .with_field(field)
            .with_value(at.to_rfc3339())
        })
    }

    /// Widens by every instant of a ticket that buckets it: creation, resolutions and, for an
    /// event history, each status change.
    pub(super) fn widen_by_ticket(
        &mut self,
        t: TicketRef<'_>,
        o: &ReportOptions,
    ) -> Result<(), Error> {
        let ticket = t.ticket();
        let id = Some(ticket.id().as_str());
        self.widen_by(ticket.created_at(), o, "ticket", id, "created_at")?;
        // The latest resolution first: it bounds the first, so an error names it.
        if let Some(at) = ticket.resolved_at() {
            self.widen_by(at, o, "ticket", id, "resolved_at")?;
        }
        if let Some(at) = ticket.first_resolved_at() {
            self.widen_by(at, o, "ticket", id, "first_resolved_at")?;
        }
        if let TicketRef::History(h) = t {
            for s in h.status_spans() {
                for at in std::iter::once(s.from).chain(s.to) {
                    self.widen_by(at, o, "event", id, "at")?;
                }
            }
        }
        Ok(())
    }

    /// Widens by a survey response's instant.
    pub(crate) fn widen_by_survey(
        &mut self,
        r: &SurveyResponse,
        o: &ReportOptions,
    ) -> Result<(), Error> {
        let id = Some(r.id().as_str());
        self.widen_by(r.responded_at(), o, "survey_response", id, "responded_at")
    }

    /// Widens by a customer's tenure.
    pub(crate) fn widen_by_customer(
        &mut self,
        c: &Customer,
        o: &ReportOptions,
    ) -> Result<(), Error> {
        let id = Some(c.id().as_str());
        self.widen_by(c.acquired_at(), o, "customer", id, "acquired_at")?;
        if let Some(at) = c.churned_at() {
            self.widen_by(at, o, "customer", id, "churned_at")?;
        }
        Ok(())
    }

    /// Widens by a cost entry's dates (their local midnights).
    pub(crate) fn widen_by_cost(&mut self, e: &CostEntry, o: &ReportOptions) -> Result<(), Error> {
        for (date, field) in [(e.start(), "start"), (e.end(), "end")] {
            let at = crate::time::local_midnight(o.zone, date);
            self.widen_by(at, o, "cost_entry", None, field)?;
        }
        Ok(())
    }

    pub(super) fn merge(&mut self, other: Span, o: &ReportOptions) -> Result<(), Error> {
        for at in [other.first, other.last].into_iter().flatten() {
            self.widen(at, o)?;
        }
        Ok(())
    }
}

/// The error when `first..=last` covers more periods of the report than it may have.
fn check_span(first: Instant, last: Instant, o: &ReportOptions) -> Result<(), Error> {
    // A local date is within a day of the UTC date, so this estimate is an upper bound.
    let day = chrono::Duration::days(1);
    let utc = |t: Instant, d: chrono::Duration| {
        t.date_naive()
            .checked_add_signed(d)
            .unwrap_or(t.date_naive())
    };
    if o.period.count(utc(first, -day), utc(last, day)) <= o.max_periods {
        return Ok(());
    }
    let b = o.bucketer();
    let (a, z) = (b.local_date(first), b.local_date(last));
    let n = o.period.count(a, z);
    if n <= o.max_periods {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidOption,
        format!(
            "a report has at most max_periods = {} {} periods; this instant stretches its span \
             to {a}..{z}, {n} periods (give the report a range, e.g. --from/--to, or raise \
             max_periods)",
            o.max_periods, o.period
        ),
    ))
}
