//! Time in status (SPEC "Status time"): requester wait, agent work, on-hold and pending time
//! per ticket from its status history, and their statistics per period.

use super::duration::{Durations, add};
use super::{Accumulator, Kpi, TicketAccumulator, TicketFacts, incompatible};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Instant, Status, Ticket, TicketHistory};
use crate::stats::{DurationStats, QuantileMode};
use crate::time::{BusinessCalendar, TeamCalendars};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Which statuses count towards each status time. [`Default`] is the usual helpdesk definition
/// (Zendesk's, as dbt_zendesk computes it):
///
/// | measure | statuses |
/// |---|---|
/// | requester wait | new, open, on hold (the customer is waiting on the support team) |
/// | agent work | new, open (the ball is with the agent) |
/// | on hold | on hold (waiting on a third party) |
/// | pending | pending (waiting on the customer) |
///
/// The names a source writes reach these canonical statuses through the
/// [`StatusMap`](crate::model::StatusMap) of the derivation: that is where a helpdesk's own
/// statuses are mapped ("Awaiting Vendor" → on hold).
///
/// ```
/// use supportkpi::kpi::StatusTimeMapping;
/// use supportkpi::model::Status;
/// let m = StatusTimeMapping::default().with_agent_work([Status::Open]);
/// assert!(m.is_requester_wait(Status::OnHold));
/// assert!(!m.is_agent_work(Status::New));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusTimeMapping {
    /// The statuses whose time is requester wait (default: new, open, on hold).
    pub requester_wait: BTreeSet<Status>,
    /// The statuses whose time is agent work (default: new, open).
    pub agent_work: BTreeSet<Status>,
}

impl Default for StatusTimeMapping {
    fn default() -> Self {
        StatusTimeMapping {
            requester_wait: [Status::New, Status::Open, Status::OnHold].into(),
            agent_work: [Status::New, Status::Open].into(),
        }
    }
}

impl StatusTimeMapping {
    /// The statuses of requester wait time.
    #[must_use]
    pub fn with_requester_wait(mut self, statuses: impl IntoIterator<Item = Status>) -> Self {
        self.requester_wait = statuses.into_iter().collect();
        self
    }

    /// Deprecated alias of [`with_requester_wait`](Self::with_requester_wait).
    #[deprecated(since = "0.2.0", note = "use with_requester_wait")]
    #[must_use]
    pub fn requester_wait(self, statuses: impl IntoIterator<Item = Status>) -> Self {
        self.with_requester_wait(statuses)
    }

    /// The statuses of agent work time.
    #[must_use]
    pub fn with_agent_work(mut self, statuses: impl IntoIterator<Item = Status>) -> Self {
        self.agent_work = statuses.into_iter().collect();
        self
    }

    /// Deprecated alias of [`with_agent_work`](Self::with_agent_work).
    #[deprecated(since = "0.2.0", note = "use with_agent_work")]
    #[must_use]
    pub fn agent_work(self, statuses: impl IntoIterator<Item = Status>) -> Self {
        self.with_agent_work(statuses)
    }

    /// Whether time in `status` is requester wait.
    pub fn is_requester_wait(&self, status: Status) -> bool {
        self.requester_wait.contains(&status)
    }

    /// Whether time in `status` is agent work.
    pub fn is_agent_work(&self, status: Status) -> bool {
        self.agent_work.contains(&status)
    }
}

/// Seconds on both clocks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Seconds {
    /// Whole calendar seconds.
    pub calendar: i64,
    /// Business seconds (with a calendar).
    pub business: Option<i64>,
}

/// One ticket's time in status over `[created_at, until)`, from its status history.
///
/// Each status span's overlap with the window counts towards the measures its status belongs
/// to ([`StatusTimeMapping`]); calendar seconds are the whole seconds of the summed time, and
/// business seconds the open seconds of each piece on the calendar (additive, so they add up
/// exactly). The spans cover the window without gap or overlap, so with the default mapping
/// `requester_wait + pending + not_open = until − created_at`: `not_open` is the time spent
/// solved, closed or cancelled before a reopen.
///
/// # Example
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use supportkpi::kpi::{StatusTimeMapping, TicketStatusTimes};
/// use supportkpi::model::{DeriveOptions, EventKind, StatusMap, TicketHistory};
/// use supportkpi::TicketEvent;
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let h = |hours| t0 + Duration::hours(hours);
/// let to = |hours, s: &str| TicketEvent::new("T", h(hours), EventKind::StatusChange { to: s.into() });
/// let events = vec![
///     TicketEvent::new("T", t0, EventKind::Created),
///     to(1, "open"), to(3, "pending"), to(7, "open"), to(8, "on_hold"), to(10, "solved"),
/// ];
/// let history = TicketHistory::from_events("T", events, &StatusMap::canonical(), DeriveOptions::new())?;
/// let t = TicketStatusTimes::of(&history, h(10), &StatusTimeMapping::default(), None);
/// assert_eq!(t.requester_wait.calendar, 6 * 3600); // new 1 + open 2 + open 1 + on hold 2
/// assert_eq!(t.agent_work.calendar, 4 * 3600);
/// assert_eq!((t.on_hold.calendar, t.pending.calendar), (2 * 3600, 4 * 3600));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TicketStatusTimes {
    /// Time in a requester-wait status.
    pub requester_wait: Seconds,
    /// Time in an agent-work status.
    pub agent_work: Seconds,
    /// Time on hold.
    pub on_hold: Seconds,
    /// Time pending.
    pub pending: Seconds,
    /// Time solved, closed or cancelled within the window (between a resolution and a reopen).
    pub not_open: Seconds,
}

impl TicketStatusTimes {
    /// The status times of `history` within `[created_at, until)` (`until` before creation:
    /// all zero), with business time on `calendar` when given.
    pub fn of(
        history: &TicketHistory,
        until: Instant,
        mapping: &StatusTimeMapping,
        calendar: Option<&BusinessCalendar>,
    ) -> Self {
        let from = history.created_at();
        let measure = |which: &dyn Fn(Status) -> bool| {
            let mut total = chrono::TimeDelta::zero();
            let mut business = 0i64;
            for span in history.status_spans().iter().filter(|s| which(s.status)) {
                let a = span.from.max(from);
                let b = span.to.map_or(until, |to| to.min(until));
                if b > a {
                    total += b - a;
                    if let Some(cal) = calendar {
                        business += cal.business_seconds(a, b);
                    }
                }
            }
            let calendar_s = total.num_seconds();
            Seconds {
                calendar: calendar_s,
                business: calendar.map(|_| business.clamp(0, calendar_s)),
            }
        };
        TicketStatusTimes {
            requester_wait: measure(&|s| mapping.is_requester_wait(s)),
            agent_work: measure(&|s| mapping.is_agent_work(s)),
            on_hold: measure(&|s| s == Status::OnHold),
            pending: measure(&|s| s == Status::Pending),
            not_open: measure(&|s| s.category() != crate::model::StatusCategory::Open),
        }
    }

    /// The status times of a resolved history up to its latest resolution (`None` for a
    /// ticket that does not end resolved).
    pub fn at_resolution(
        history: &TicketHistory,
        mapping: &StatusTimeMapping,
        calendar: Option<&BusinessCalendar>,
    ) -> Option<Self> {
        let end = history.ticket().resolved_at()?;
        Some(TicketStatusTimes::of(history, end, mapping, calendar))
    }
}

/// Options of [`StatusTime`]: the mapping, quantile mode and business calendar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusTimeOptions {
    /// Which statuses count as requester wait and agent work.
    #[serde(default)]
    pub mapping: StatusTimeMapping,
    /// Exact quantiles (the default) or a sketch with a relative error, for huge inputs.
    #[serde(default)]
    pub quantiles: QuantileMode,
    /// The business calendar that adds business-time statistics (`*_bh`); `None`: calendar
    /// time only.
    #[serde(default)]
    pub calendar: Option<BusinessCalendar>,
    /// A business calendar per team (or other dimension), `calendar` (which this needs) for
    /// the other tickets.
    #[serde(default)]
    pub team_calendars: Option<TeamCalendars>,
}

impl StatusTimeOptions {
    /// Which statuses count towards each measure.
    #[must_use]
    pub fn with_mapping(mut self, mapping: StatusTimeMapping) -> Self {
        self.mapping = mapping;
        self
    }

    /// Deprecated alias of [`with_mapping`](Self::with_mapping).
    #[deprecated(since = "0.2.0", note = "use with_mapping")]
    #[must_use]
    pub fn mapping(self, mapping: StatusTimeMapping) -> Self {
        self.with_mapping(mapping)
    }

    /// Deprecated: read the public `mapping` field.
    #[deprecated(since = "0.2.0", note = "use the `mapping` field")]
    pub fn get_mapping(&self) -> &StatusTimeMapping {
        &self.mapping
    }
}

super::duration::duration_options!(StatusTimeOptions; get_calendar);

/// Requester wait, agent work, on-hold and pending time of resolved tickets.
///
/// # Definition
///
/// - **Per ticket**: [`TicketStatusTimes::at_resolution`]: the time in each group of statuses
///   from creation to the latest resolution, on both clocks.
/// - **Samples**: resolved event histories, bucketed by their latest resolution (as resolution
///   time, so the two add up in the same period). Summary rows have no status history: they
///   are counted in `summaries`, open tickets in `unresolved`, neither in the statistics.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusTime {
    options: StatusTimeOptions,
}

impl StatusTime {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for a bad sketch accuracy, or an empty requester-wait or
    /// agent-work mapping.
    pub fn new(options: StatusTimeOptions) -> Result<Self> {
        let probe = Durations::new(options.quantiles, false)?;
        TeamCalendars::check_default(options.team_calendars.as_ref(), options.calendar.as_ref())?;
        for (field, set) in [
            ("requester_wait", &options.mapping.requester_wait),
            ("agent_work", &options.mapping.agent_work),
        ] {
            if set.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidOption,
                    "a status time counts the time in at least one status",
                )
                .with_field(field));
            }
        }
        Ok(StatusTime {
            options: StatusTimeOptions {
                quantiles: probe.calendar.mode(),
                ..options
            },
        })
    }

    /// The options.
    pub fn options(&self) -> &StatusTimeOptions {
        &self.options
    }

    /// The instant that puts a ticket in a period: its latest resolution.
    pub fn bucket_instant(&self, ticket: &Ticket) -> Option<Instant> {
        ticket.resolved_at()
    }

    /// An empty accumulator.
    pub fn accumulator(&self) -> StatusTimeAccumulator {
        let d = || Durations::empty(self.options.quantiles, self.options.calendar.is_some());
        StatusTimeAccumulator {
            options: self.options.clone(),
            requester_wait: d(),
            agent_work: d(),
            on_hold: d(),
            pending: d(),
            unresolved: 0,
            summaries: 0,
        }
    }
}

impl Kpi for StatusTime {
    type Accumulator = StatusTimeAccumulator;

    fn accumulator(&self) -> StatusTimeAccumulator {
        StatusTime::accumulator(self)
    }
}

/// The status-time push / merge / finish state; deserializing checks the four summaries
/// against the options and against each other (one duration per resolved ticket in each).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "StatusTimeState")]
pub struct StatusTimeAccumulator {
    options: StatusTimeOptions,
    requester_wait: Durations,
    agent_work: Durations,
    on_hold: Durations,
    pending: Durations,
    unresolved: u64,
    summaries: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusTimeState {
    options: StatusTimeOptions,
    requester_wait: Durations,
    agent_work: Durations,
    on_hold: Durations,
    pending: Durations,
    unresolved: u64,
    summaries: u64,
}

impl TryFrom<StatusTimeState> for StatusTimeAccumulator {
    type Error = Error;
    fn try_from(s: StatusTimeState) -> Result<Self> {
        let kpi = StatusTime::new(s.options)?;
        let (mode, business) = (kpi.options.quantiles, kpi.options.calendar.is_some());
        for d in [&s.requester_wait, &s.agent_work, &s.on_hold, &s.pending] {
            d.validate(mode, business)?;
            if d.len() != s.requester_wait.len() {
                return Err(super::duration::invalid_state(
                    "durations",
                    "each status time holds one duration per resolved ticket",
                ));
            }
        }
        Ok(StatusTimeAccumulator {
            options: kpi.options,
            requester_wait: s.requester_wait,
            agent_work: s.agent_work,
            on_hold: s.on_hold,
            pending: s.pending,
            unresolved: s.unresolved,
            summaries: s.summaries,
        })
    }
}

impl StatusTimeAccumulator {
    /// Writes the state without its options, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        for d in [
            &self.requester_wait,
            &self.agent_work,
            &self.on_hold,
            &self.pending,
        ] {
            d.encode(w);
        }
        w.u64(self.unresolved);
        w.u64(self.summaries);
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` (an empty
    /// accumulator of the report's options) and every check of a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self> {
        Self::try_from(StatusTimeState {
            options: self.options.clone(),
            requester_wait: self.requester_wait.decode(r)?,
            agent_work: self.agent_work.decode(r)?,
            on_hold: self.on_hold.decode(r)?,
            pending: self.pending.decode(r)?,
            unresolved: r.u64()?,
            summaries: r.u64()?,
        })
    }
}

impl StatusTimeAccumulator {
    /// The options it was built with.
    pub fn options(&self) -> &StatusTimeOptions {
        &self.options
    }

    fn push_facts(&mut self, facts: TicketFacts<'_>) -> Result<()> {
        let Some(history) = facts.history else {
            self.summaries = add(self.summaries, 1)?;
            return Ok(());
        };
        let Some(times) = TicketStatusTimes::at_resolution(
            history,
            &self.options.mapping,
            self.options.calendar_for(history.ticket()),
        ) else {
            self.unresolved = add(self.unresolved, 1)?;
            return Ok(());
        };
        add(self.requester_wait.len(), 1)?;
        let context = |e: Error| e.with_record_type("ticket").with_id(history.id().as_str());
        for (d, s) in [
            (&mut self.requester_wait, times.requester_wait),
            (&mut self.agent_work, times.agent_work),
            (&mut self.on_hold, times.on_hold),
            (&mut self.pending, times.pending),
        ] {
            d.push(s.calendar, s.business).map_err(context)?;
        }
        Ok(())
    }
}

impl Accumulator for StatusTimeAccumulator {
    type Record = Ticket;
    type Output = StatusTimeResult;

    /// Adds a summary ticket: it has no status history (counted in `summaries`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] on count overflow.
    fn push(&mut self, ticket: &Ticket) -> Result<()> {
        self.push_facts(TicketFacts::summary(ticket))
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] for other options.
    fn merge(&mut self, other: Self) -> Result<()> {
        if self.options != other.options {
            return Err(incompatible("status time"));
        }
        let unresolved = add(self.unresolved, other.unresolved)?;
        let summaries = add(self.summaries, other.summaries)?;
        self.requester_wait.merge(other.requester_wait)?;
        self.agent_work.merge(other.agent_work)?;
        self.on_hold.merge(other.on_hold)?;
        self.pending.merge(other.pending)?;
        self.unresolved = unresolved;
        self.summaries = summaries;
        Ok(())
    }

    fn finish(self) -> StatusTimeResult {
        let n = self.requester_wait.len();
        let pair = |d: Durations| {
            let (calendar, business) = d.finish();
            let mut p = StatusTimeStats { calendar, business };
            if n == 0 {
                let reason = if self.summaries > 0 && self.unresolved == 0 {
                    "status times need an event log"
                } else {
                    "no resolved ticket from an event log"
                };
                p.calendar.undefined_because(reason);
                if let Some(b) = &mut p.business {
                    b.undefined_because(reason);
                }
            }
            p
        };
        StatusTimeResult {
            resolved: n,
            unresolved: self.unresolved,
            summaries: self.summaries,
            requester_wait: pair(self.requester_wait),
            agent_work: pair(self.agent_work),
            on_hold: pair(self.on_hold),
            pending: pair(self.pending),
        }
    }
}

impl TicketAccumulator for StatusTimeAccumulator {
    fn push_history(&mut self, history: &TicketHistory) -> Result<()> {
        self.push_facts(TicketFacts::history(history))
    }
}

/// One measure's statistics on both clocks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusTimeStats {
    /// Calendar seconds.
    pub calendar: DurationStats,
    /// Business seconds (with a calendar).
    pub business: Option<DurationStats>,
}

/// What [`StatusTime`] reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusTimeResult {
    /// Resolved histories: the `n` of every statistic.
    pub resolved: u64,
    /// Histories not resolved (left out).
    pub unresolved: u64,
    /// Summary rows (no status history; left out).
    pub summaries: u64,
    /// Requester wait time.
    pub requester_wait: StatusTimeStats,
    /// Agent work time.
    pub agent_work: StatusTimeStats,
    /// On-hold time.
    pub on_hold: StatusTimeStats,
    /// Pending time.
    pub pending: StatusTimeStats,
}
