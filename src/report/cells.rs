//! The KPIs a report runs, built once from its options, and the cells they fill: one [`Cell`]
//! per (period × dimension value), one [`Flow`] (volume, backlog) per dimension value. Both
//! engines and the report state push into these same accumulators, so a cell's numbers have
//! one definition whichever path filled it.

use super::{NO_VALUE, ReportOptions};
use crate::error::{Error, ErrorKind};
use crate::kpi::{
    Accumulator, Backlog, BacklogAccumulator, BacklogOptions, Ces, CesAccumulator, CostPerTicket,
    CostPerTicketOptions, Csat, CsatAccumulator, CustomerRetention, CustomerRetentionAccumulator,
    FirstContactResolution, FirstContactResolutionAccumulator, FirstContactResolutionOptions,
    FirstResponseTime, FirstResponseTimeAccumulator, FirstResponseTimeOptions, Kpi, NextReplyTime,
    NextReplyTimeAccumulator, NextReplyTimeOptions, Nps, NpsAccumulator, ResolutionTime,
    ResolutionTimeAccumulator, ResolutionTimeOptions, RetentionOptions, Sla, SlaAccumulator,
    SlaOptions, TicketAccumulator, Volume, VolumeAccumulator, VolumeOptions,
};
use crate::kpi::{
    CesResult, CsatResult, FirstContactResolutionResult, FirstResponseTimeResult,
    NextReplyTimeResult, NpsResult, ResolutionTimeResult, SlaResult, StatusTimeResult,
};
use crate::kpi::{StatusTime, StatusTimeAccumulator, StatusTimeOptions, TicketFacts, TicketSla};
use crate::model::{Customer, SurveyKind, SurveyResponse, Ticket, TicketHistory};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every KPI the report runs, built once from the options.
#[derive(Debug, Clone)]
pub(super) struct Kpis {
    pub(super) frt: FirstResponseTime,
    pub(super) next: NextReplyTime,
    pub(super) status: StatusTime,
    pub(super) art: ResolutionTime,
    pub(super) fcr: FirstContactResolution,
    pub(super) sla: Option<Sla>,
    pub(super) csat: Csat,
    pub(super) nps: Nps,
    pub(super) ces: Ces,
    pub(super) volume: Volume,
    pub(super) backlog: Backlog,
    pub(super) cost: CostPerTicket,
    pub(super) retention: CustomerRetention,
}

impl Kpis {
    pub(super) fn new(o: &ReportOptions) -> Result<Self, Error> {
        if o.by.as_deref().is_some_and(|b| b.trim().is_empty()) {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "a dimension to group by has a name",
            )
            .with_field("by")
            .with_value(""));
        }
        if let Some((first, last)) = o.range
            && last < first
        {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("a report range ends on or after its start ({first})"),
            )
            .with_field("range")
            .with_value(last));
        }
        super::drill::check_top(o)?;
        if o.max_periods == 0 {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "a report may have at least one period",
            )
            .with_field("max_periods")
            .with_value(0));
        }
        if o.max_rows == 0 {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "a report may have at least one row",
            )
            .with_field("max_rows")
            .with_value(0));
        }
        if let Some((first, last)) = o.range {
            let n = o.period.count(first, last);
            if n > o.max_periods {
                return Err(Error::new(
                    ErrorKind::InvalidOption,
                    format!(
                        "a report range has at most max_periods = {} {} periods; {first} to \
                         {last} has {n} (shorten the range or raise max_periods)",
                        o.max_periods, o.period
                    ),
                )
                .with_field("range")
                .with_value(format!("{first}..{last}")));
            }
        }
        let mut frt = FirstResponseTimeOptions::default().with_quantiles(o.quantiles);
        let mut art = ResolutionTimeOptions::default().with_quantiles(o.quantiles);
        let mut next = NextReplyTimeOptions::default().with_quantiles(o.quantiles);
        let mut status = StatusTimeOptions::default()
            .with_quantiles(o.quantiles)
            .with_mapping(o.status_time.clone());
        crate::time::TeamCalendars::check_default(o.calendars.as_ref(), o.calendar.as_ref())?;
        if let Some(map) = &o.calendars {
            frt = frt.with_team_calendars(map.clone());
            art = art.with_team_calendars(map.clone());
            next = next.with_team_calendars(map.clone());
            status = status.with_team_calendars(map.clone());
        }
        if let Some(cal) = &o.calendar {
            status = status.with_calendar(cal.clone());
            frt = frt.with_calendar(cal.clone());
            art = art.with_calendar(cal.clone());
            next = next.with_calendar(cal.clone());
        }
        let sla = match &o.sla {
            Some(policy) => {
                let mut policy = policy.clone();
                if let (Some(map), None) = (&o.calendars, policy.get_team_calendars()) {
                    policy = policy.team_calendars(map.clone());
                }
                let mut so = SlaOptions::new(policy);
                if let Some(at) = o.as_of {
                    so = so.with_as_of(at);
                }
                Some(Sla::new(so)?)
            }
            None => None,
        };
        let mut backlog = BacklogOptions::default().with_bucketer(o.bucketer());
        if let Some(at) = o.as_of {
            backlog = backlog.with_as_of(at);
        }
        if let Some((first, last)) = o.range {
            backlog = backlog.with_range(first, last);
        }
        let mut retention = RetentionOptions::default()
            .with_period(o.period)
            .with_zone(o.zone);
        if let Some((first, last)) = o.range {
            retention = retention.with_range(first, last);
        }
        Ok(Kpis {
            frt: FirstResponseTime::new(frt)?,
            next: NextReplyTime::new(next)?,
            status: StatusTime::new(status)?,
            art: ResolutionTime::new(art)?,
            fcr: FirstContactResolution::new(
                FirstContactResolutionOptions::default().with_denominator(o.fcr_denominator),
            )?,
            sla,
            csat: Csat::new(o.csat)?,
            nps: Nps::new(o.nps)?,
            ces: Ces::new(o.ces)?,
            volume: Volume::new(VolumeOptions::default().with_bucketer(o.bucketer()))?,
            backlog: Backlog::new(backlog)?,
            cost: CostPerTicket::new(
                CostPerTicketOptions::default()
                    .with_period(o.period)
                    .with_zone(o.zone)
                    .with_denominator(o.cost_denominator),
            )?,
            retention: CustomerRetention::new(retention)?,
        })
    }

    pub(super) fn cell(&self) -> Cell {
        Cell {
            frt: self.frt.accumulator(),
            next: self.next.accumulator(),
            status: self.status.accumulator(),
            art: self.art.accumulator(),
            fcr: self.fcr.accumulator(),
            sla: self.sla.as_ref().map(|sla| Box::new(sla.accumulator())),
            csat: self.csat.accumulator(),
            nps: self.nps.accumulator(),
            ces: self.ces.accumulator(),
        }
    }

    pub(super) fn flow(&self) -> Flow {
        Flow {
            volume: self.volume.accumulator(),
            backlog: self.backlog.accumulator(),
        }
    }

    /// A ticket's SLA statuses (`None`: no policy), judged once for every cell it goes to.
    /// Judging is the one part of a ticket's push that a real ticket can fail (a deadline
    /// past the instants chrono holds), so the record engine does it before changing anything.
    ///
    /// # Errors
    /// As [`SlaPolicy::evaluate`](crate::kpi::SlaPolicy::evaluate), naming the ticket.
    pub(super) fn judge_sla(&self, t: TicketRef<'_>) -> Result<Option<TicketSla>, Error> {
        self.sla
            .as_ref()
            .map(|sla| sla.evaluate_facts(t.facts()))
            .transpose()
    }

    /// Whether the survey KPI of a response's kind takes its score, without pushing it: the
    /// error its `push_response` would give, so that a response is refused before any cell
    /// (or the span) changes.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfScale`] naming the response, field `score`.
    pub(super) fn check_survey(&self, r: &SurveyResponse) -> Result<(), Error> {
        let score = r.score();
        match r.kind() {
            SurveyKind::Csat => self.csat.options().check_score(score),
            SurveyKind::Nps => self.nps.options().check_score(score),
            SurveyKind::Ces => self.ces.options().check_score(score),
        }
        .map_err(|e| {
            e.with_record_type("survey_response")
                .with_id(r.id().as_str())
        })
    }
}

/// A [`Cell`]'s KPIs finished (their statistics worked out): what a report row reads.
pub(super) struct Finished {
    pub(super) frt: FirstResponseTimeResult,
    pub(super) next: NextReplyTimeResult,
    pub(super) status: StatusTimeResult,
    pub(super) art: ResolutionTimeResult,
    pub(super) fcr: FirstContactResolutionResult,
    pub(super) sla: Option<SlaResult>,
    pub(super) csat: CsatResult,
    pub(super) nps: NpsResult,
    pub(super) ces: CesResult,
}

/// The per-cell KPIs: each (period × dimension value) cell has one of each.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Cell {
    pub(super) frt: FirstResponseTimeAccumulator,
    pub(super) next: NextReplyTimeAccumulator,
    pub(super) status: StatusTimeAccumulator,
    pub(super) art: ResolutionTimeAccumulator,
    pub(super) fcr: FirstContactResolutionAccumulator,
    // Boxed: a report without a policy (most) would pay the policy-sized state in every cell.
    pub(super) sla: Option<Box<SlaAccumulator>>,
    pub(super) csat: CsatAccumulator,
    pub(super) nps: NpsAccumulator,
    pub(super) ces: CesAccumulator,
}

impl Cell {
    /// Every KPI of the cell finished (the medians and percentiles selected).
    pub(super) fn finish(self) -> Finished {
        Finished {
            frt: self.frt.finish(),
            next: self.next.finish(),
            status: self.status.finish(),
            art: self.art.finish(),
            fcr: self.fcr.finish(),
            sla: self.sla.map(|sla| sla.finish()),
            csat: self.csat.finish(),
            nps: self.nps.finish(),
            ces: self.ces.finish(),
        }
    }

    /// What a ticket adds to the cell of its creation period (the record engine's and the
    /// record state's one rule). `fcr_here`: first-contact resolution buckets it here too
    /// (creation is its default instant), so it takes no second lookup.
    ///
    /// Returns the ticket's first response time and SLA statuses as the cell counted them
    /// (for the drill-down lists).
    pub(super) fn push_created(
        &mut self,
        t: TicketRef<'_>,
        fcr_here: bool,
    ) -> Result<Created, Error> {
        // Judged first: the one failure a real ticket can meet, before any KPI has it.
        let sla = match &self.sla {
            Some(acc) => Some(acc.evaluate_facts(t.facts())?),
            None => None,
        };
        self.push_created_judged(t, fcr_here, sla)
    }

    /// [`push_created`](Self::push_created) with the ticket's SLA statuses already judged
    /// ([`Kpis::judge_sla`]; `None` exactly when the report has no policy). What is left to
    /// fail is a count past 2⁶⁴ − 1.
    pub(super) fn push_created_judged(
        &mut self,
        t: TicketRef<'_>,
        fcr_here: bool,
        sla: Option<TicketSla>,
    ) -> Result<Created, Error> {
        let frt = self.frt.push_measured(t.facts())?;
        // Only histories know their waits; summary rows stay out, as in the columnar engine,
        // so every path gives the same cells.
        if let TicketRef::History(h) = t {
            self.next.push_history(h)?;
        }
        let sla = match (&mut self.sla, sla) {
            (Some(acc), Some(judged)) => {
                acc.push_evaluated(t.ticket(), judged)?;
                Some(judged)
            }
            // Not judged though the cell has a policy (not a caller of this crate's): the
            // cell judges it, rather than leave it out.
            (Some(acc), None) => Some(acc.push_measured(t.facts())?),
            (None, _) => None,
        };
        if fcr_here {
            t.feed(&mut self.fcr)?;
        }
        Ok(Created { frt, sla })
    }

    /// What a ticket adds to the cell of its resolution period; returns its resolution time
    /// as counted (for the drill-down lists).
    pub(super) fn push_resolved(
        &mut self,
        t: TicketRef<'_>,
    ) -> Result<Option<(i64, Option<i64>)>, Error> {
        let measured = self.art.push_measured(t.facts())?;
        // Status times share resolution time's bucket; histories only (see `push_created`).
        if let TicketRef::History(h) = t {
            self.status.push_history(h)?;
        }
        Ok(measured)
    }

    pub(super) fn merge(&mut self, other: Cell) -> Result<(), Error> {
        self.frt.merge(other.frt)?;
        self.next.merge(other.next)?;
        self.status.merge(other.status)?;
        self.art.merge(other.art)?;
        self.fcr.merge(other.fcr)?;
        match (&mut self.sla, other.sla) {
            (Some(a), Some(b)) => a.merge(*b)?,
            (None, None) => {}
            _ => return Err(crate::kpi::incompatible("report")),
        }
        self.csat.merge(other.csat)?;
        self.nps.merge(other.nps)?;
        self.ces.merge(other.ces)
    }
}

/// What a ticket's creation cell counted: its first response time (calendar and business
/// seconds; `None`: unanswered) and its SLA statuses (`None`: no policy).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Created {
    pub(super) frt: Option<(i64, Option<i64>)>,
    pub(super) sla: Option<TicketSla>,
}

/// The KPIs whose periods are intrinsic (they sweep over time): one per dimension value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Flow {
    pub(super) volume: VolumeAccumulator,
    pub(super) backlog: BacklogAccumulator,
}

impl Flow {
    pub(super) fn merge(&mut self, other: Flow) -> Result<(), Error> {
        self.volume.merge(other.volume)?;
        self.backlog.merge(other.backlog)
    }
}

/// One period's cells: the total and one per dimension value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PeriodCells {
    pub(super) total: Cell,
    pub(super) by: BTreeMap<String, Cell>,
}

/// A ticket as a summary row or an event history.
#[derive(Debug, Clone, Copy)]
pub(super) enum TicketRef<'a> {
    Summary(&'a Ticket),
    History(&'a TicketHistory),
}

impl<'a> TicketRef<'a> {
    pub(super) fn ticket(self) -> &'a Ticket {
        match self {
            TicketRef::Summary(t) => t,
            TicketRef::History(h) => h.ticket(),
        }
    }

    pub(super) fn facts(self) -> TicketFacts<'a> {
        match self {
            TicketRef::Summary(t) => TicketFacts::summary(t),
            TicketRef::History(h) => TicketFacts::history(h),
        }
    }

    pub(super) fn feed<A: TicketAccumulator>(self, acc: &mut A) -> Result<(), Error> {
        match self {
            TicketRef::Summary(t) => acc.push(t),
            TicketRef::History(h) => acc.push_history(h),
        }
    }
}

/// A customer into the total retention, when the report groups by `segment` its segment's,
/// and the sections' customers (revenue retention, cohorts): the rule the record accumulator
/// and the report state share.
pub(super) fn push_retention(
    (total, by, book): (
        &mut CustomerRetentionAccumulator,
        &mut BTreeMap<String, CustomerRetentionAccumulator>,
        &mut super::sections::CustomerBook,
    ),
    kpis: &Kpis,
    options: &ReportOptions,
    customer: &Customer,
) -> Result<(), Error> {
    total.push(customer)?;
    if options.by_segment() {
        by.entry(customer.segment().unwrap_or(NO_VALUE).to_owned())
            .or_insert_with(|| kpis.retention.accumulator())
            .push(customer)?;
    }
    // After retention accepted it: the sections' customers are the retention's (kept only
    // for the sections that read them).
    if options.sections.contains(super::Section::RevenueRetention)
        || options.sections.contains(super::Section::Cohorts)
    {
        book.push(customer);
    }
    Ok(())
}

/// The customer side of two engine states merged (retention in total and by segment, the
/// sections' customers): the rule the record accumulator and the report state share.
pub(super) fn merge_retention(
    (total, by, book): (
        &mut CustomerRetentionAccumulator,
        &mut BTreeMap<String, CustomerRetentionAccumulator>,
        &mut super::sections::CustomerBook,
    ),
    (other_total, other_by, other_book): (
        CustomerRetentionAccumulator,
        BTreeMap<String, CustomerRetentionAccumulator>,
        super::sections::CustomerBook,
    ),
) -> Result<(), Error> {
    total.merge(other_total)?;
    book.merge(other_book);
    for (d, acc) in other_by {
        match by.get_mut(&d) {
            Some(a) => a.merge(acc)?,
            None => {
                by.insert(d, acc);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod size_tests {
    use super::*;

    /// The `cells` merge's point: a cell is small. Guards against a field added unboxed.
    #[test]
    fn a_cell_stays_small() {
        use std::mem::size_of;
        eprintln!(
            "Cell {} DurationSummary {} SlaAccumulator {} BusinessCalendar {} TeamCalendars {}",
            size_of::<Cell>(),
            size_of::<crate::stats::DurationSummary>(),
            size_of::<SlaAccumulator>(),
            size_of::<crate::BusinessCalendar>(),
            size_of::<crate::time::TeamCalendars>(),
        );
        assert!(size_of::<Cell>() <= 1200, "{}", size_of::<Cell>());
    }
}
