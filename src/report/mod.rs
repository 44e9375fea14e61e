//! The one-pass report: every KPI for each (period × dimension value) cell, plus totals.
//!
//! A user arrives with tickets (or an event log), survey responses, customers and costs; they
//! leave with one table whose rows are periods (in the report's zone) and, when grouped by a
//! dimension, one row per dimension value beside each period's total row. The columns are named
//! with their units (see [`ReportRow`]); a value that cannot be computed is `None` in the row,
//! with its reason in [`ReportRow::undefined`] — never 0.
//!
//! There are two engines, and they give equal tables (`tests/it/columnar.rs` checks it):
//!
//! - the **record path** ([`Report::compute_records`], and [`Report::compute`] for event
//!   histories) routes each record to its cells and lets the KPI accumulators of
//!   [`crate::kpi`] compute every number, each cell picked by the KPI's own `bucket_instant`;
//!   the cost denominator's instant is `CostDenominator::bucket_at`, keyed with the report's
//!   cached bucketer.
//! - the **columnar engine** (`columnar.rs`: [`Report::compute_columnar`], and
//!   [`Report::compute`] for summary tickets) pushes into the KPI accumulators for the
//!   durations, first-contact resolution, SLA and surveys, and works on raw instants for the
//!   rest by calling the same rule functions over nanoseconds: `FcrDenominator::bucket_at`,
//!   `ResolutionVariant::end_at`, `CostDenominator::bucket_at`, and `summary_exit` (a summary
//!   ticket's one stay in the backlog, as `TicketFacts::for_each_stay` has it).
//!
//! Both give the report's [`Sections`] from the same state as the rows: each row's CSAT and
//! NPS intervals from its cells, the arrivals (heatmap, spike days) and the backlog snapshot
//! (ages) from the total's volume and backlog.
//!
//! The rules themselves are in docs/definitions.md ("The report"). Which instant buckets a
//! record:
//!
//! | columns | bucketed by |
//! |---|---|
//! | `tickets_created`, `frt_*`, `next_reply_*`, `first_contact_resolution_pct`, `sla_*` | ticket creation |
//! | `tickets_resolved`, `resolution_*`, `status_time_n`, `requester_wait_*`, `agent_work_*`, `on_hold_*`, `pending_*` | resolution (the latest) |
//! | `tickets_reopened` | reopen (event logs only) |
//! | `reopen_pct` (= 100 × reopens / resolutions, `reopen_n` = resolutions) | both instants |
//! | `backlog_end` | open at the end of the period |
//! | `csat_*`, `nps*`, `ces_*` | response instant |
//! | `cost_per_ticket` | cost apportioned by days / tickets resolved in the period |
//! | `retention_pct` | customers active at the start and end of the period |
//!
//! **Dimensions.** [`ReportOptions::by`] names one: a ticket dimension (`channel`, `priority`,
//! `team`, `assignee`, `status`, `customer_id`, or any free-form column) or `segment` (the
//! customer's segment, joined through the ticket's `customer_id`). A survey response takes the
//! dimension value of the ticket it rates. Tickets without a value are grouped under
//! [`NO_VALUE`]. Cost per ticket is only reported on total rows (costs carry no dimension);
//! retention is split only by `segment`.
//!
//! **Partitions.** [`ReportAccumulator`] follows the accumulator laws: push records, merge
//! partitions in any order (its state serializes, so partitions may be computed in other
//! processes), finish into a [`Report`]. [`Report::compute`] splits the input into partitions
//! and, with the `parallel` feature (on by default), runs them on all cores; the result is
//! identical to one sequential pass because every merge is exact.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use supportkpi::report::{Report, ReportInput, ReportOptions};
//! use supportkpi::{Period, Ticket};
//!
//! let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
//! let tickets = vec![
//!     Ticket::builder("T-1", t0).first_response_at(t0 + Duration::minutes(30))
//!         .resolved_at(t0 + Duration::hours(4)).agent_replies(1).channel("email").build()?,
//!     Ticket::builder("T-2", t0 + Duration::days(1)).channel("chat").build()?,
//! ];
//! let input = ReportInput { tickets, ..ReportInput::default() };
//! let options = ReportOptions::default().period(Period::Month).by("channel");
//! let report = Report::compute(&input, &options)?;
//! let june = report.total_rows().next().unwrap();
//! assert_eq!(june.period_start.to_string(), "2021-06-01");
//! assert_eq!((june.tickets_created, june.tickets_resolved, june.backlog_end), (2, 1, 1));
//! assert_eq!(june.frt_mean_s, Some(1800.0));
//! assert_eq!(june.frt_unanswered, 1);
//! assert_eq!(june.csat_pct, None);
//! assert_eq!(june.undefined["csat_pct"], "no CSAT responses");
//! assert_eq!(report.rows.len(), 3); // the total row and one per channel
//! # Ok::<(), supportkpi::Error>(())
//! ```

#[cfg(feature = "arrow")]
mod arrow;
mod columnar;
pub mod filter;
mod sections;
mod state;
mod table;
pub mod tickets;

pub use sections::{BacklogAges, RowIntervals, Sections};
pub use state::{ReportState, STATE_VERSION, Share, bucket_of, combine, merge};
pub use table::{COLUMNS, Column, ColumnType, Report, ReportRow, column, column_names, csv_text};
pub use tickets::{TICKET_COLUMNS, TicketMetrics, TicketMetricsRow};

use crate::BusinessCalendar;
use crate::error::{Error, ErrorKind};
pub(crate) use crate::hash::IdHashBuilder;
use crate::kpi::{
    Accumulator, Backlog, BacklogAccumulator, BacklogOptions, Ces, CesAccumulator, CesOptions,
    CostDenominator, CostPerTicket, CostPerTicketAccumulator, CostPerTicketOptions, Csat,
    CsatAccumulator, CsatOptions, CustomerRetention, CustomerRetentionAccumulator, FcrDenominator,
    FirstContactResolution, FirstContactResolutionAccumulator, FirstContactResolutionOptions,
    FirstResponseTime, FirstResponseTimeAccumulator, FirstResponseTimeOptions, Kpi, NextReplyTime,
    NextReplyTimeAccumulator, NextReplyTimeOptions, Nps, NpsAccumulator, NpsOptions,
    ResolutionTime, ResolutionTimeAccumulator, ResolutionTimeOptions, RetentionOptions, Sla,
    SlaAccumulator, SlaOptions, SlaPolicy, TicketAccumulator, Volume, VolumeAccumulator,
    VolumeOptions,
};
use crate::kpi::{StatusTime, StatusTimeAccumulator, StatusTimeMapping, StatusTimeOptions};
use crate::model::{
    CostEntry, Customer, Instant, SurveyKind, SurveyResponse, Ticket, TicketHistory, TicketId,
};
use crate::stats::QuantileMode;
use crate::time::{Bucketer, CachedBucketer, Period, PeriodKey};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The label of the rows for records that have no value for the report's dimension.
pub const NO_VALUE: &str = "(none)";

/// What a report computes and how: period, zone, business calendar, grouping, and each KPI's
/// options. [`Default`]: monthly in UTC, no calendar, no grouping, the KPI defaults of
/// docs/definitions.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportOptions {
    /// Period length of the rows.
    pub period: Period,
    /// IANA zone the periods are cut in.
    pub zone: Tz,
    /// Business hours: when given, durations are reported in business time too (`*_bh_s`).
    pub calendar: Option<BusinessCalendar>,
    /// The dimension to group by (see the module docs), or several separated by commas
    /// (`"team,priority"`: a row per combination, see [`filter`]); `None`: totals only. In
    /// JSON a string or a list of strings.
    #[serde(deserialize_with = "by_from_json")]
    pub by: Option<String>,
    /// Keeps the tickets passing every condition (see [`filter`]); empty: every ticket. In
    /// JSON `"where": ["channel in (email,web)", "priority=urgent"]`.
    #[serde(rename = "where")]
    pub filter: Vec<filter::Condition>,
    /// Exact quantiles (default) or a sketch with a relative error, for huge inputs.
    pub quantiles: QuantileMode,
    /// SLA targets; `None`: the `sla_*` columns are undefined.
    pub sla: Option<SlaPolicy>,
    /// The instant tickets are judged at for SLA (`None`: as final) and the end of the backlog.
    pub as_of: Option<Instant>,
    /// CSAT scale and threshold.
    pub csat: CsatOptions,
    /// NPS interval options.
    pub nps: NpsOptions,
    /// CES scale.
    pub ces: CesOptions,
    /// Which tickets divide the support cost.
    pub cost_denominator: CostDenominator,
    /// Which tickets divide first-contact resolutions.
    pub fcr_denominator: FcrDenominator,
    /// Report exactly the periods from the one containing the first date to the one containing
    /// the last; `None`: from the first to the last period with data.
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// The most periods a report may have (default [`DEFAULT_MAX_PERIODS`]): the bound that
    /// keeps a report's memory and time proportional to its records, whatever their instants.
    /// A [`range`](Self::range) longer than this, or without a range, records whose instants
    /// span more periods, are an [`ErrorKind::InvalidOption`] naming the record that stretched
    /// the span (see [`ReportOptions::max_periods`]).
    pub max_periods: u64,
    /// Which statuses count as requester wait and agent work (`requester_wait_*`,
    /// `agent_work_*` columns).
    pub status_time: StatusTimeMapping,
    /// A business calendar per team (or other dimension): every business-time measure of a
    /// ticket, and its business-clock SLA targets, use its team's calendar, `calendar` (which
    /// this needs) the others'.
    pub calendars: Option<crate::time::TeamCalendars>,
}

/// The default of [`ReportOptions::max_periods`]: 10,000 periods (27 years by day, 833 by month),
/// more than any real helpdesk's history and small enough that a report's rows fit in memory.
pub const DEFAULT_MAX_PERIODS: u64 = 10_000;

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            period: Period::Month,
            zone: Tz::UTC,
            calendar: None,
            by: None,
            filter: Vec::new(),
            quantiles: QuantileMode::Exact,
            sla: None,
            as_of: None,
            csat: CsatOptions::default(),
            nps: NpsOptions::default(),
            ces: CesOptions::default(),
            cost_denominator: CostDenominator::default(),
            fcr_denominator: FcrDenominator::default(),
            range: None,
            max_periods: DEFAULT_MAX_PERIODS,
            status_time: StatusTimeMapping::default(),
            calendars: None,
        }
    }
}

impl ReportOptions {
    /// Sets the period length.
    #[must_use]
    pub fn period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }
    /// Sets the zone.
    #[must_use]
    pub fn zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }
    /// Sets the business calendar.
    #[must_use]
    pub fn calendar(mut self, calendar: BusinessCalendar) -> Self {
        self.calendar = Some(calendar);
        self
    }
    /// Sets a business calendar per team (or other dimension); needs [`calendar`](Self::calendar)
    /// as the default.
    #[must_use]
    pub fn calendars(mut self, calendars: crate::time::TeamCalendars) -> Self {
        self.calendars = Some(calendars);
        self
    }
    /// Sets which statuses count as requester wait and agent work.
    #[must_use]
    pub fn status_time(mut self, mapping: StatusTimeMapping) -> Self {
        self.status_time = mapping;
        self
    }
    /// Groups by a dimension.
    #[must_use]
    pub fn by(mut self, dimension: impl Into<String>) -> Self {
        self.by = Some(dimension.into());
        self
    }
    /// Groups by each combination of several dimensions (see [`filter`]).
    #[must_use]
    pub fn by_all<I, S>(mut self, dimensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let names: Vec<String> = dimensions
            .into_iter()
            .map(|d| d.as_ref().to_owned())
            .collect();
        self.by = (!names.is_empty()).then(|| names.join(","));
        self
    }
    /// Adds a condition the tickets must pass (see [`filter`]).
    #[must_use]
    pub fn filter(mut self, condition: filter::Condition) -> Self {
        self.filter.push(condition);
        self
    }
    /// Sets the quantile mode.
    #[must_use]
    pub fn quantiles(mut self, mode: QuantileMode) -> Self {
        self.quantiles = mode;
        self
    }
    /// Sets the SLA policy.
    #[must_use]
    pub fn sla(mut self, policy: SlaPolicy) -> Self {
        self.sla = Some(policy);
        self
    }
    /// Sets the instant of judgement (SLA running vs breached, backlog snapshot).
    #[must_use]
    pub fn as_of(mut self, at: Instant) -> Self {
        self.as_of = Some(at);
        self
    }
    /// Sets the CSAT options.
    #[must_use]
    pub fn csat(mut self, options: CsatOptions) -> Self {
        self.csat = options;
        self
    }
    /// Sets the NPS options.
    #[must_use]
    pub fn nps(mut self, options: NpsOptions) -> Self {
        self.nps = options;
        self
    }
    /// Sets the CES options.
    #[must_use]
    pub fn ces(mut self, options: CesOptions) -> Self {
        self.ces = options;
        self
    }
    /// Sets the cost-per-ticket denominator.
    #[must_use]
    pub fn cost_denominator(mut self, denominator: CostDenominator) -> Self {
        self.cost_denominator = denominator;
        self
    }
    /// Sets the first-contact-resolution denominator.
    #[must_use]
    pub fn fcr_denominator(mut self, denominator: FcrDenominator) -> Self {
        self.fcr_denominator = denominator;
        self
    }
    /// Reports exactly the periods from `first` to `last` (local dates, both included).
    #[must_use]
    pub fn range(mut self, first: NaiveDate, last: NaiveDate) -> Self {
        self.range = Some((first, last));
        self
    }

    /// Bounds the number of periods (rows per dimension value) a report may have.
    ///
    /// Every instant of every record a report reads widens its span: a ticket's creation and
    /// resolutions, every event of a history, a response's instant, a cost entry's dates and
    /// a customer's acquisition and churn. Without a [`range`](Self::range), a span of more
    /// periods than this is refused when the record that stretches it is pushed (or when
    /// partitions are merged), before anything is allocated for the periods; with a range, the
    /// range is checked instead (records outside it add no rows).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::report::{Report, ReportInput, ReportOptions};
    /// use supportkpi::{ErrorKind, Period, Ticket};
    /// let created = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
    /// let resolved = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap();
    /// let tickets = vec![Ticket::builder("T-1", created).resolved_at(resolved).build()?];
    /// let input = ReportInput { tickets, ..ReportInput::default() };
    /// let err = Report::compute(&input, &ReportOptions::default().period(Period::Day)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidOption);
    /// assert_eq!(err.record().map(|r| r.id.as_deref()), Some(Some("T-1")));
    /// assert_eq!(err.field(), Some("resolved_at"));
    /// assert!(err.to_string().contains("max_periods"), "{err}");
    /// // By year the same ticket is 9,999 periods: within the bound.
    /// let report = Report::compute(&input, &ReportOptions::default().period(Period::Year))?;
    /// assert_eq!(report.total_rows().count(), 9999);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    #[must_use]
    pub fn max_periods(mut self, max: u64) -> Self {
        self.max_periods = max;
        self
    }

    /// The bucketer of the rows.
    pub fn bucketer(&self) -> Bucketer {
        Bucketer::new(self.period, self.zone)
    }

    /// Whether rows are split by customer segment.
    fn by_segment(&self) -> bool {
        self.by.as_deref() == Some("segment")
    }
}

/// `by` in JSON: a name, a list of names, or null.
fn by_from_json<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum By {
        One(String),
        Several(Vec<String>),
    }
    Ok(match Option::<By>::deserialize(d)? {
        None => None,
        Some(By::One(s)) => Some(s),
        Some(By::Several(v)) if v.is_empty() => None,
        Some(By::Several(v)) => Some(v.join(",")),
    })
}

/// Every KPI the report runs, built once from the options.
#[derive(Debug, Clone)]
struct Kpis {
    frt: FirstResponseTime,
    next: NextReplyTime,
    status: StatusTime,
    art: ResolutionTime,
    fcr: FirstContactResolution,
    sla: Option<Sla>,
    csat: Csat,
    nps: Nps,
    ces: Ces,
    volume: Volume,
    backlog: Backlog,
    cost: CostPerTicket,
    retention: CustomerRetention,
}

impl Kpis {
    fn new(o: &ReportOptions) -> Result<Self, Error> {
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
        if o.max_periods == 0 {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "a report may have at least one period",
            )
            .with_field("max_periods")
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
        let mut frt = FirstResponseTimeOptions::default().quantiles(o.quantiles);
        let mut art = ResolutionTimeOptions::default().quantiles(o.quantiles);
        let mut next = NextReplyTimeOptions::default().quantiles(o.quantiles);
        let mut status = StatusTimeOptions::default()
            .quantiles(o.quantiles)
            .mapping(o.status_time.clone());
        crate::time::TeamCalendars::check_default(o.calendars.as_ref(), o.calendar.as_ref())?;
        if let Some(map) = &o.calendars {
            frt = frt.team_calendars(map.clone());
            art = art.team_calendars(map.clone());
            next = next.team_calendars(map.clone());
            status = status.team_calendars(map.clone());
        }
        if let Some(cal) = &o.calendar {
            status = status.calendar(cal.clone());
            frt = frt.calendar(cal.clone());
            art = art.calendar(cal.clone());
            next = next.calendar(cal.clone());
        }
        let sla = match &o.sla {
            Some(policy) => {
                let mut policy = policy.clone();
                if let (Some(map), None) = (&o.calendars, policy.get_team_calendars()) {
                    policy = policy.team_calendars(map.clone());
                }
                let mut so = SlaOptions::new(policy);
                if let Some(at) = o.as_of {
                    so = so.as_of(at);
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
                FirstContactResolutionOptions::default().denominator(o.fcr_denominator),
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

    fn cell(&self) -> Cell {
        Cell {
            frt: self.frt.accumulator(),
            next: self.next.accumulator(),
            status: self.status.accumulator(),
            art: self.art.accumulator(),
            fcr: self.fcr.accumulator(),
            sla: self.sla.as_ref().map(Sla::accumulator),
            csat: self.csat.accumulator(),
            nps: self.nps.accumulator(),
            ces: self.ces.accumulator(),
        }
    }

    fn flow(&self) -> Flow {
        Flow {
            volume: self.volume.accumulator(),
            backlog: self.backlog.accumulator(),
        }
    }
}

/// The per-cell KPIs: each (period × dimension value) cell has one of each.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cell {
    frt: FirstResponseTimeAccumulator,
    next: NextReplyTimeAccumulator,
    status: StatusTimeAccumulator,
    art: ResolutionTimeAccumulator,
    fcr: FirstContactResolutionAccumulator,
    sla: Option<SlaAccumulator>,
    csat: CsatAccumulator,
    nps: NpsAccumulator,
    ces: CesAccumulator,
}

impl Cell {
    /// What a ticket adds to the cell of its creation period (the record engine's and the
    /// record state's one rule). `fcr_here`: first-contact resolution buckets it here too
    /// (creation is its default instant), so it takes no second lookup.
    fn push_created(&mut self, t: TicketRef<'_>, fcr_here: bool) -> Result<(), Error> {
        t.feed(&mut self.frt)?;
        // Only histories know their waits; summary rows stay out, as in the columnar engine,
        // so every path gives the same cells.
        if let TicketRef::History(h) = t {
            self.next.push_history(h)?;
        }
        if let Some(sla) = &mut self.sla {
            t.feed(sla)?;
        }
        if fcr_here {
            t.feed(&mut self.fcr)?;
        }
        Ok(())
    }

    /// What a ticket adds to the cell of its resolution period.
    fn push_resolved(&mut self, t: TicketRef<'_>) -> Result<(), Error> {
        t.feed(&mut self.art)?;
        // Status times share resolution time's bucket; histories only (see `push_created`).
        if let TicketRef::History(h) = t {
            self.status.push_history(h)?;
        }
        Ok(())
    }

    fn merge(&mut self, other: Cell) -> Result<(), Error> {
        self.frt.merge(other.frt)?;
        self.next.merge(other.next)?;
        self.status.merge(other.status)?;
        self.art.merge(other.art)?;
        self.fcr.merge(other.fcr)?;
        match (&mut self.sla, other.sla) {
            (Some(a), Some(b)) => a.merge(b)?,
            (None, None) => {}
            _ => return Err(crate::kpi::incompatible("report")),
        }
        self.csat.merge(other.csat)?;
        self.nps.merge(other.nps)?;
        self.ces.merge(other.ces)
    }
}

/// The KPIs whose periods are intrinsic (they sweep over time): one per dimension value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Flow {
    volume: VolumeAccumulator,
    backlog: BacklogAccumulator,
}

impl Flow {
    fn merge(&mut self, other: Flow) -> Result<(), Error> {
        self.volume.merge(other.volume)?;
        self.backlog.merge(other.backlog)
    }
}

/// One period's cells: the total and one per dimension value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodCells {
    total: Cell,
    by: BTreeMap<String, Cell>,
}

/// A ticket as a summary row or an event history.
#[derive(Debug, Clone, Copy)]
enum TicketRef<'a> {
    Summary(&'a Ticket),
    History(&'a TicketHistory),
}

impl<'a> TicketRef<'a> {
    fn ticket(self) -> &'a Ticket {
        match self {
            TicketRef::Summary(t) => t,
            TicketRef::History(h) => h.ticket(),
        }
    }

    fn feed<A: TicketAccumulator>(self, acc: &mut A) -> Result<(), Error> {
        match self {
            TicketRef::Summary(t) => acc.push(t),
            TicketRef::History(h) => acc.push_history(h),
        }
    }
}

/// The first and last instants a report has read, to keep its periods within
/// [`ReportOptions::max_periods`]: checking a new bound costs one date conversion, and the
/// exact count (in the report's zone) is only worked out when the UTC estimate is near the
/// bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Span {
    first: Option<Instant>,
    last: Option<Instant>,
}

/// A customer into the total retention and, when the report groups by `segment`, its
/// segment's: the rule the record accumulator and the report state share.
fn push_retention(
    total: &mut CustomerRetentionAccumulator,
    by: &mut BTreeMap<String, CustomerRetentionAccumulator>,
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
    Ok(())
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
    fn widen_by_ticket(&mut self, t: TicketRef<'_>, o: &ReportOptions) -> Result<(), Error> {
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

    fn merge(&mut self, other: Span, o: &ReportOptions) -> Result<(), Error> {
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

/// The report's push / merge / finish state.
///
/// Records are pushed with their dimension value already resolved (the caller knows how:
/// [`ReportInput::ticket_dimension`] is the rule [`Report::compute`] uses), so that partitions
/// of tickets, surveys and customers can be pushed into different accumulators and merged.
///
/// # Errors on push
/// A record a KPI rejects is an error naming it; the accumulator must then be discarded (the
/// KPIs it had already reached keep the record).
#[derive(Debug, Clone)]
pub struct ReportAccumulator {
    options: ReportOptions,
    kpis: Kpis,
    /// The rows' bucketer with its last day and period remembered (records come mostly in
    /// time order): not state, rebuilt from the options.
    bucketer: CachedBucketer,
    cells: BTreeMap<PeriodKey, PeriodCells>,
    flow_total: Flow,
    flow_by: BTreeMap<String, Flow>,
    cost: CostPerTicketAccumulator,
    retention_total: CustomerRetentionAccumulator,
    retention_by: BTreeMap<String, CustomerRetentionAccumulator>,
    span: Span,
    /// Whether an event history was pushed (reopens are known only then).
    histories: bool,
}

impl ReportAccumulator {
    /// An empty report with these options.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for an empty dimension name or a range that ends before it
    /// starts, and every KPI's own option errors (an SLA business target without a calendar…).
    pub fn new(options: ReportOptions) -> Result<Self, Error> {
        let kpis = Kpis::new(&options)?;
        Ok(ReportAccumulator {
            bucketer: CachedBucketer::new(options.bucketer()),
            flow_total: kpis.flow(),
            cost: kpis.cost.accumulator(),
            retention_total: kpis.retention.accumulator(),
            kpis,
            options,
            cells: BTreeMap::new(),
            flow_by: BTreeMap::new(),
            retention_by: BTreeMap::new(),
            span: Span::default(),
            histories: false,
        })
    }

    /// The options.
    pub fn options(&self) -> &ReportOptions {
        &self.options
    }

    /// The cell of a period and dimension value (`None`: the period's total).
    fn cell(&mut self, at: Instant, dimension: Option<&str>) -> (&mut Cell, Option<&mut Cell>) {
        let key = self.bucketer.key(at);
        let kpis = &self.kpis;
        let cells = self.cells.entry(key).or_insert_with(|| PeriodCells {
            total: kpis.cell(),
            by: BTreeMap::new(),
        });
        let by = match dimension {
            Some(d) => {
                if !cells.by.contains_key(d) {
                    cells.by.insert(d.to_owned(), kpis.cell());
                }
                cells.by.get_mut(d)
            }
            None => None,
        };
        (&mut cells.total, by)
    }

    fn dimension_label<'a>(&self, value: Option<&'a str>) -> Option<&'a str> {
        self.options.by.as_ref().map(|_| value.unwrap_or(NO_VALUE))
    }

    fn push_ticket_ref(&mut self, t: TicketRef<'_>, dimension: Option<&str>) -> Result<(), Error> {
        self.span.widen_by_ticket(t, &self.options)?;
        let dim = self.dimension_label(dimension);
        let ticket = t.ticket();
        let created = ticket.created_at();
        let fcr_at = self.kpis.fcr.bucket_instant(ticket);
        {
            let (total, by) = self.cell(created, dim);
            for cell in std::iter::once(total).chain(by) {
                cell.push_created(t, fcr_at == Some(created))?;
            }
        }
        if let Some(at) = fcr_at.filter(|&at| at != created) {
            let (total, by) = self.cell(at, dim);
            for cell in std::iter::once(total).chain(by) {
                t.feed(&mut cell.fcr)?;
            }
        }
        if let Some(at) = self.kpis.art.bucket_instant(ticket) {
            let (total, by) = self.cell(at, dim);
            for cell in std::iter::once(total).chain(by) {
                cell.push_resolved(t)?;
            }
        }
        t.feed(&mut self.flow_total.volume)?;
        t.feed(&mut self.flow_total.backlog)?;
        if let Some(d) = dim {
            if !self.flow_by.contains_key(d) {
                self.flow_by.insert(d.to_owned(), self.kpis.flow());
            }
            if let Some(flow) = self.flow_by.get_mut(d) {
                t.feed(&mut flow.volume)?;
                t.feed(&mut flow.backlog)?;
            }
        }
        // The cost KPI's instant (`CostDenominator::bucket_at`), keyed with the report's cached
        // bucketer (the cost KPI is built with the report's period and zone).
        let cost_at = self
            .options
            .cost_denominator
            .bucket_at(created, ticket.resolved_at());
        if let Some(at) = cost_at {
            let key = self.bucketer.key(at);
            self.cost
                .add_tickets(key, 1)
                .map_err(|e| e.with_record_type("ticket").with_id(ticket.id().as_str()))?;
        }
        Ok(())
    }

    /// Adds a ticket in summary form with its dimension value (`None`: it has none).
    ///
    /// # Errors
    /// A KPI's error for the ticket.
    pub fn push_ticket(&mut self, ticket: &Ticket, dimension: Option<&str>) -> Result<(), Error> {
        self.push_ticket_ref(TicketRef::Summary(ticket), dimension)
    }

    /// Adds a ticket known by its event history.
    ///
    /// # Errors
    /// A KPI's error for the ticket.
    pub fn push_history(
        &mut self,
        history: &TicketHistory,
        dimension: Option<&str>,
    ) -> Result<(), Error> {
        self.histories = true;
        self.push_ticket_ref(TicketRef::History(history), dimension)
    }

    /// Adds a survey response with the dimension value of the ticket it rates.
    ///
    /// # Errors
    /// A score off its KPI's scale, naming the response.
    pub fn push_survey(
        &mut self,
        response: &SurveyResponse,
        dimension: Option<&str>,
    ) -> Result<(), Error> {
        self.span.widen_by_survey(response, &self.options)?;
        let dim = self.dimension_label(dimension);
        let (total, by) = self.cell(response.responded_at(), dim);
        for cell in std::iter::once(total).chain(by) {
            match response.kind() {
                SurveyKind::Csat => cell.csat.push_response(response)?,
                SurveyKind::Nps => cell.nps.push_response(response)?,
                SurveyKind::Ces => cell.ces.push_response(response)?,
            }
        }
        Ok(())
    }

    /// Adds a customer (retention; split by segment when the report groups by `segment`).
    ///
    /// # Errors
    /// Overlapping tenures of one customer id ([`ErrorKind::DuplicateId`]).
    pub fn push_customer(&mut self, customer: &Customer) -> Result<(), Error> {
        self.span.widen_by_customer(customer, &self.options)?;
        push_retention(
            &mut self.retention_total,
            &mut self.retention_by,
            &self.kpis,
            &self.options,
            customer,
        )
    }

    /// Adds a support cost entry.
    ///
    /// # Errors
    /// [`ErrorKind::MixedCurrencies`] when its currency differs from earlier entries'.
    pub fn push_cost(&mut self, entry: &CostEntry) -> Result<(), Error> {
        self.span.widen_by_cost(entry, &self.options)?;
        self.cost.push_cost(entry)
    }

    /// Pushes a whole input, routing every record to its dimension value exactly as
    /// [`Report::compute`] does (a survey takes the value of the ticket it rates, which must be
    /// in the same input). For a partition computed elsewhere and merged later, keep a ticket's
    /// surveys (and, grouping by `segment`, its customer) in the ticket's partition.
    ///
    /// # Errors
    /// The first record a KPI rejects; the accumulator must then be discarded.
    pub fn push_input(&mut self, input: &ReportInput) -> Result<(), Error> {
        let by = self.options.by.clone();
        let routing = Routing::new(input, by.as_deref());
        for t in &input.tickets {
            self.push_ticket(t, routing.ticket(t))?;
        }
        for h in &input.histories {
            self.push_history(h, routing.ticket(h.ticket()))?;
        }
        for r in &input.surveys {
            self.push_survey(r, routing.survey(r))?;
        }
        for c in &input.customers {
            self.push_customer(c)?;
        }
        for e in &input.costs {
            self.push_cost(e)?;
        }
        Ok(())
    }

    /// Folds another partition's report into this one.
    ///
    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] when the options differ, and the KPIs' own merge errors
    /// (a customer's overlapping tenures across partitions, mixed currencies). After an error
    /// the accumulator must be discarded.
    pub fn merge(&mut self, other: ReportAccumulator) -> Result<(), Error> {
        if self.options != other.options {
            return Err(crate::kpi::incompatible("report"));
        }
        self.span.merge(other.span, &self.options)?;
        for (key, theirs) in other.cells {
            match self.cells.get_mut(&key) {
                None => {
                    self.cells.insert(key, theirs);
                }
                Some(ours) => {
                    ours.total.merge(theirs.total)?;
                    for (d, cell) in theirs.by {
                        match ours.by.get_mut(&d) {
                            Some(c) => c.merge(cell)?,
                            None => {
                                ours.by.insert(d, cell);
                            }
                        }
                    }
                }
            }
        }
        self.flow_total.merge(other.flow_total)?;
        for (d, flow) in other.flow_by {
            match self.flow_by.get_mut(&d) {
                Some(f) => f.merge(flow)?,
                None => {
                    self.flow_by.insert(d, flow);
                }
            }
        }
        self.histories |= other.histories;
        self.cost.merge(other.cost)?;
        self.retention_total.merge(other.retention_total)?;
        for (d, acc) in other.retention_by {
            match self.retention_by.get_mut(&d) {
                Some(a) => a.merge(acc)?,
                None => {
                    self.retention_by.insert(d, acc);
                }
            }
        }
        Ok(())
    }

    /// Turns the state into the report table (`reopen_pct` undefined when no event history
    /// was pushed: summary rows record no reopen instants).
    pub fn finish(self) -> Report {
        let histories = self.histories;
        let report = table::assemble(self);
        if histories {
            report
        } else {
            report.without_reopen_rate()
        }
    }
}

/// The serialized form of a [`ReportAccumulator`]: the options and every KPI's state.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccumulatorState {
    options: ReportOptions,
    // A list, not a map: JSON object keys must be strings.
    cells: Vec<(PeriodKey, PeriodCells)>,
    flow_total: Flow,
    flow_by: BTreeMap<String, Flow>,
    cost: CostPerTicketAccumulator,
    retention_total: CustomerRetentionAccumulator,
    retention_by: BTreeMap<String, CustomerRetentionAccumulator>,
    /// States written before the span was kept have none: their periods are bounded by the
    /// merge of the next state that has one.
    #[serde(default)]
    span: Span,
    #[serde(default)]
    histories: bool,
}

impl Serialize for ReportAccumulator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Borrowing through a mirror would need a second struct of references; report states
        // are small next to their records, so a clone keeps this simple.
        AccumulatorState {
            options: self.options.clone(),
            cells: self.cells.iter().map(|(k, c)| (*k, c.clone())).collect(),
            flow_total: self.flow_total.clone(),
            flow_by: self.flow_by.clone(),
            cost: self.cost.clone(),
            retention_total: self.retention_total.clone(),
            retention_by: self.retention_by.clone(),
            span: self.span,
            histories: self.histories,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ReportAccumulator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let state = AccumulatorState::deserialize(d)?;
        ReportAccumulator::try_from(state).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<AccumulatorState> for ReportAccumulator {
    type Error = Error;

    /// Rebuilds the accumulator, checking that every part was made with the report's options
    /// (each KPI state checks itself when it is deserialized).
    fn try_from(s: AccumulatorState) -> Result<Self, Error> {
        let mut acc = ReportAccumulator::new(s.options)?;
        let bad = |what: &str| {
            Error::new(
                ErrorKind::InvalidState,
                format!("report state: {what} was built with other options than the report's"),
            )
        };
        let template = acc.kpis.cell();
        let same_cell = |c: &Cell| {
            c.frt.options() == template.frt.options()
                && c.next.options() == template.next.options()
                && c.status.options() == template.status.options()
                && c.art.options() == template.art.options()
                && c.fcr.options() == template.fcr.options()
                && c.sla.is_some() == template.sla.is_some()
                && c.csat.options() == template.csat.options()
                && c.nps.options() == template.nps.options()
                && c.ces.options() == template.ces.options()
        };
        for (_, cells) in &s.cells {
            if !same_cell(&cells.total) || !cells.by.values().all(same_cell) {
                return Err(bad("a cell"));
            }
            if acc.options.by.is_none() && !cells.by.is_empty() {
                return Err(bad("a dimension cell"));
            }
        }
        let flow = acc.kpis.flow();
        let same_flow = |f: &Flow| {
            f.volume.options() == flow.volume.options()
                && f.backlog.options() == flow.backlog.options()
        };
        if !same_flow(&s.flow_total) || !s.flow_by.values().all(same_flow) {
            return Err(bad("volume or backlog"));
        }
        let n = s.cells.len();
        acc.cells = s.cells.into_iter().collect();
        if acc.cells.len() != n {
            return Err(Error::new(
                ErrorKind::InvalidState,
                "report state: a period appears twice among the cells",
            ));
        }
        acc.flow_total = s.flow_total;
        acc.flow_by = s.flow_by;
        acc.span.merge(s.span, &acc.options)?;
        acc.histories = s.histories;
        // Merging into the fresh accumulators checks the options of these two for us.
        acc.cost.merge(s.cost).map_err(|_| bad("cost per ticket"))?;
        acc.retention_total
            .merge(s.retention_total)
            .map_err(|_| bad("retention"))?;
        for (d, r) in s.retention_by {
            let mut fresh = acc.kpis.retention.accumulator();
            fresh.merge(r).map_err(|_| bad("retention"))?;
            acc.retention_by.insert(d, fresh);
        }
        Ok(acc)
    }
}

/// Everything a report reads. Tickets may come as summary rows, as event histories, or both
/// (distinct tickets).
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// Tickets in summary form.
    pub tickets: Vec<Ticket>,
    /// Tickets derived from event logs.
    pub histories: Vec<TicketHistory>,
    /// Survey responses.
    pub surveys: Vec<SurveyResponse>,
    /// Customers.
    pub customers: Vec<Customer>,
    /// Support cost entries.
    pub costs: Vec<CostEntry>,
}

impl crate::columnar::ColumnarInput {
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
            .with_record_type("ticket")
            .with_id(h.id().as_str()));
        }
        Ok(crate::columnar::ColumnarInput {
            tickets: crate::columnar::TicketTable::from_tickets(&input.tickets)?,
            surveys: crate::columnar::SurveyTable::from_responses(&input.surveys)?,
            customers: input.customers.clone(),
            costs: input.costs.clone(),
        })
    }
}

/// Which dimension value each record of an input belongs to, resolved once for the whole input
/// (a survey takes the value of the ticket it rates, found by id).
struct Routing<'a> {
    by: Option<&'a str>,
    segments: HashMap<&'a str, &'a str>,
    tickets: TicketDims<'a>,
}

impl<'a> Routing<'a> {
    fn new(input: &'a ReportInput, by: Option<&'a str>) -> Self {
        let segments: HashMap<&str, &str> = input
            .customers
            .iter()
            .filter_map(|c| Some((c.id().as_str(), c.segment()?)))
            .collect();
        // The map is one insert per ticket: only worth building when responses need it.
        let linked = input.surveys.iter().any(|r| r.ticket_id().is_some());
        let tickets = if by.is_some() && linked {
            let all = || {
                input
                    .tickets
                    .iter()
                    .chain(input.histories.iter().map(TicketHistory::ticket))
            };
            TicketDims::build(input.tickets.len() + input.histories.len(), |shard| {
                for t in all() {
                    shard(t.id(), ReportInput::ticket_dimension(t, by, &segments));
                }
            })
        } else {
            TicketDims::build(0, |_| {})
        };
        Routing {
            by,
            segments,
            tickets,
        }
    }

    fn ticket(&self, t: &'a Ticket) -> Option<&'a str> {
        ReportInput::ticket_dimension(t, self.by, &self.segments)
    }

    fn survey(&self, r: &SurveyResponse) -> Option<&'a str> {
        self.tickets.get(r.ticket_id()?)
    }
}

/// How many records a partition of [`Report::compute`] holds at most.
const PARTITION: usize = 64 * 1024;

impl ReportInput {
    /// Joins the summary rows and the event histories of the same tickets, so that no ticket
    /// counts twice: each history keeps its event-derived instants and counts, and takes from
    /// the summary row of the same id the descriptive attributes it lacks (customer, channel,
    /// priority, team, assignee, free-form dimensions); the summary row is then dropped.
    /// Summary rows without a history stay. Returns how many tickets were joined.
    ///
    /// # Errors
    /// Never in practice: attributes alone cannot break a ticket's validation.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::model::{derive_histories, DeriveOptions, EventKind, StatusMap};
    /// use supportkpi::report::ReportInput;
    /// use supportkpi::{Ticket, TicketEvent};
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let events = [TicketEvent::new("T-1", t0, EventKind::Created)];
    /// let mut input = ReportInput {
    ///     tickets: vec![Ticket::builder("T-1", t0).channel("chat").build()?],
    ///     histories: derive_histories(events, &StatusMap::canonical(), DeriveOptions::new())?,
    ///     ..ReportInput::default()
    /// };
    /// assert_eq!(input.join_tickets_with_histories()?, 1);
    /// assert!(input.tickets.is_empty());
    /// assert_eq!(input.histories[0].ticket().channel(), Some("chat"));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn join_tickets_with_histories(&mut self) -> Result<usize, Error> {
        if self.tickets.is_empty() || self.histories.is_empty() {
            return Ok(0);
        }
        let index: HashMap<TicketId, usize> = self
            .tickets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id().clone(), i))
            .collect();
        let mut used = vec![false; self.tickets.len()];
        let mut joined = 0;
        for h in &mut self.histories {
            let Some(&i) = index.get(h.id()) else {
                continue;
            };
            used[i] = true;
            let row = &self.tickets[i];
            let have = h.ticket().clone();
            h.describe_ticket(|mut b| {
                if have.customer_id().is_none()
                    && let Some(c) = row.customer_id()
                {
                    b = b.customer_id(c.clone());
                }
                let pairs = [
                    (have.channel(), row.channel(), 0),
                    (have.priority(), row.priority(), 1),
                    (have.team(), row.team(), 2),
                    (have.assignee(), row.assignee(), 3),
                ];
                for (ours, theirs, which) in pairs {
                    if let (None, Some(v)) = (ours, theirs) {
                        b = match which {
                            0 => b.channel(v),
                            1 => b.priority(v),
                            2 => b.team(v),
                            _ => b.assignee(v),
                        };
                    }
                }
                for (k, v) in row.dimensions() {
                    if !have.dimensions().contains_key(k) {
                        b = b.dimension(k.as_str(), v.as_str());
                    }
                }
                b
            })?;
            joined += 1;
        }
        let mut used = used.into_iter();
        self.tickets.retain(|_| !used.next().unwrap_or(false));
        Ok(joined)
    }

    /// The dimension value of a ticket under `by`: the ticket's own dimension, or for `segment`
    /// its customer's segment (`segments` maps customer ids to segments).
    pub fn ticket_dimension<'a>(
        ticket: &'a Ticket,
        by: Option<&str>,
        segments: &HashMap<&'a str, &'a str>,
    ) -> Option<&'a str> {
        match by? {
            "segment" => ticket
                .customer_id()
                .and_then(|c| segments.get(c.as_str()).copied()),
            name => ticket.dimension(name),
        }
    }
}

impl Report {
    /// Computes the report over a columnar input: the same table [`Report::compute`] gives for
    /// the same records, in less time and memory on large inputs.
    ///
    /// # Errors
    /// As [`Report::compute`].
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::columnar::{ColumnarInput, TicketTable};
    /// use supportkpi::report::{Report, ReportInput, ReportOptions};
    /// use supportkpi::Ticket;
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let input = ReportInput {
    ///     tickets: vec![Ticket::builder("T-1", t0).channel("chat").build()?],
    ///     ..ReportInput::default()
    /// };
    /// let options = ReportOptions::default().by("channel");
    /// let columns = ColumnarInput::from_input(&input)?;
    /// assert_eq!(Report::compute_columnar(&columns, &options)?, Report::compute(&input, &options)?);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn compute_columnar(
        input: &crate::columnar::ColumnarInput,
        options: &ReportOptions,
    ) -> Result<Report, Error> {
        if options.calendars.is_some() {
            // The columns carry no team for a ticket's calendar: refuse rather than measure
            // every ticket on the default.
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "calendars per team need the record path (Report::compute over records)",
            )
            .with_field("calendars"));
        }
        // Filters and combinations are applied to records (Report::compute).
        if filter::needs_rows(options) {
            let rows = ReportInput {
                tickets: input.tickets.tickets().collect(),
                surveys: input.surveys.responses().collect(),
                customers: input.customers.clone(),
                costs: input.costs.clone(),
                ..ReportInput::default()
            };
            return Report::compute(&rows, options);
        }
        columnar::compute(&input.into(), options)
    }

    /// Computes the report over all the input, in partitions (in parallel with the `parallel`
    /// feature); the result equals one sequential pass exactly.
    ///
    /// Without event histories the input is turned into columns and computed by the engine of
    /// [`Report::compute_columnar`] (the same table, several times faster even with the
    /// conversion); with histories, or an instant outside the columns' 1677–2262, by the record
    /// accumulators ([`Report::compute_records`]). For inputs of millions of tickets, reading
    /// straight into columns (`io::load_columnar`) saves the `Vec<Ticket>` as well.
    ///
    /// # Errors
    /// The options' errors ([`ReportAccumulator::new`]), [`ErrorKind::DuplicateId`] for a
    /// ticket given both as a summary row and as a history, and the first record a KPI rejects.
    pub fn compute(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        if let Some(prepared) = filter::prepare(input, options, true)? {
            let inner = ReportOptions {
                filter: Vec::new(),
                ..options.clone()
            };
            let mut report = Self::compute_prepared(&prepared, &inner)?;
            report.options = options.clone();
            return Ok(report);
        }
        Self::compute_prepared(input, options)
    }

    fn compute_prepared(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        // Summary tickets go through the columnar engine (the same table, several times
        // faster even with the conversion); event histories, and instants beyond the columns'
        // range, through the record accumulators.
        if input.histories.is_empty()
            && options.calendars.is_none()
            && let Ok(tickets) =
                crate::columnar::TicketTable::for_report(&input.tickets, options.by.as_deref())
            && let Ok(surveys) = crate::columnar::SurveyTable::from_responses(&input.surveys)
        {
            return columnar::compute(
                &columnar::Inputs {
                    tickets: &tickets,
                    surveys: &surveys,
                    customers: &input.customers,
                    costs: &input.costs,
                },
                options,
            );
        }
        Self::compute_records_prepared(input, options)
    }

    /// [`Report::compute`] through the record accumulators only, whatever the input: the path
    /// of event histories, and the reference the columnar engine is tested against.
    ///
    /// # Errors
    /// As [`Report::compute`].
    pub fn compute_records(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        if let Some(prepared) = filter::prepare(input, options, true)? {
            let inner = ReportOptions {
                filter: Vec::new(),
                ..options.clone()
            };
            let mut report = Self::compute_records_prepared(&prepared, &inner)?;
            report.options = options.clone();
            return Ok(report);
        }
        Self::compute_records_prepared(input, options)
    }

    fn compute_records_prepared(
        input: &ReportInput,
        options: &ReportOptions,
    ) -> Result<Report, Error> {
        check_summary_history_twins(input)?;
        let routing = Routing::new(input, options.by.as_deref());
        enum Part<'a> {
            Tickets(&'a [Ticket]),
            Histories(&'a [TicketHistory]),
            Surveys(&'a [SurveyResponse]),
        }
        let mut parts: Vec<Part<'_>> = Vec::new();
        parts.extend(input.tickets.chunks(PARTITION).map(Part::Tickets));
        parts.extend(input.histories.chunks(PARTITION).map(Part::Histories));
        parts.extend(input.surveys.chunks(PARTITION).map(Part::Surveys));

        let run = |part: &Part<'_>| -> Result<ReportAccumulator, Error> {
            let mut acc = ReportAccumulator::new(options.clone())?;
            match part {
                Part::Tickets(ts) => {
                    for t in *ts {
                        acc.push_ticket(t, routing.ticket(t))?;
                    }
                }
                Part::Histories(hs) => {
                    for h in *hs {
                        acc.push_history(h, routing.ticket(h.ticket()))?;
                    }
                }
                Part::Surveys(rs) => {
                    for r in *rs {
                        acc.push_survey(r, routing.survey(r))?;
                    }
                }
            }
            Ok(acc)
        };

        let mut acc = ReportAccumulator::new(options.clone())?;
        for c in &input.customers {
            acc.push_customer(c)?;
        }
        for e in &input.costs {
            acc.push_cost(e)?;
        }
        for part in crate::par::try_map(&parts, run)? {
            acc.merge(part)?;
        }
        Ok(acc.finish())
    }
}

/// [`ErrorKind::DuplicateId`] for a ticket given both as a summary row and as a history.
fn check_summary_history_twins(input: &ReportInput) -> Result<(), Error> {
    if !input.tickets.is_empty() && !input.histories.is_empty() {
        let ids: std::collections::HashSet<&TicketId> =
            input.histories.iter().map(TicketHistory::id).collect();
        if let Some(t) = input.tickets.iter().find(|t| ids.contains(t.id())) {
            return Err(Error::new(
                ErrorKind::DuplicateId,
                "a ticket is both a summary row and an event history; join them first \
                 (ReportInput::join_tickets_with_histories)",
            )
            .with_record_type("ticket")
            .with_id(t.id().as_str())
            .with_field("id")
            .with_value(t.id()));
        }
    }
    Ok(())
}

/// Ticket id → dimension value, for the responses' join: split into one hash map per
/// thread by a band of the id's hash, each built by its own thread (a single map's inserts
/// were the largest sequential part of a report: one cache miss per ticket).
struct TicketDims<'a> {
    hasher: IdHashBuilder,
    shards: Vec<HashMap<&'a TicketId, Option<&'a str>, IdHashBuilder>>,
}

impl<'a> TicketDims<'a> {
    /// `each(insert)` must call `insert` for every ticket, in input order (a later ticket
    /// with the same id replaces an earlier one, as in one map); it runs once per shard.
    fn build<F>(n: usize, each: F) -> Self
    where
        F: Fn(&mut dyn FnMut(&'a TicketId, Option<&'a str>)) + Sync,
    {
        let hasher = IdHashBuilder::default();
        let count = if n < 2 * PARTITION {
            1
        } else {
            crate::par::threads()
        };
        let build = |i: usize| {
            let mut map = HashMap::with_capacity_and_hasher(n / count + 1, hasher);
            each(&mut |id, dim| {
                if shard_of(&hasher, id, count) == i {
                    map.insert(id, dim);
                }
            });
            map
        };
        TicketDims {
            hasher,
            shards: crate::par::map_range(count, build),
        }
    }

    fn get(&self, id: &TicketId) -> Option<&'a str> {
        let shard = shard_of(&self.hasher, id, self.shards.len());
        self.shards[shard].get(id).copied().flatten()
    }
}

/// The shard of an id: bits 32 and up of its hash, since hashbrown indexes its buckets by the
/// low bits and tags them with the top seven (a shard by those would leave buckets unused).
fn shard_of(hasher: &IdHashBuilder, id: &TicketId, count: usize) -> usize {
    use std::hash::BuildHasher;
    ((hasher.hash_one(id) >> 32) as usize) % count
}
