//! Resolution time (docs/definitions.md, "Resolution time").

use super::duration::{Durations, add, add_all, business_seconds, calendar_seconds, invalid_state};
use super::{Accumulator, Kpi, TicketAccumulator, TicketFacts, incompatible};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Instant, Ticket, TicketHistory};
use crate::stats::{DurationStats, QuantileMode};
use crate::time::{BusinessCalendar, TeamCalendars};
use serde::{Deserialize, Serialize};

/// Which resolution ends a ticket's resolution time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionVariant {
    /// The latest resolution (`resolved_at`): a reopened ticket's time runs until it was solved
    /// again, the time it spent solved before the reopen included. The default.
    #[default]
    Full,
    /// The first resolution (`first_resolved_at`).
    First,
}

impl ResolutionVariant {
    /// The instant ending a ticket's resolution time, which also puts it in a period: the
    /// latest resolution, or with [`First`](Self::First) the first (the latest when the first
    /// is unknown); `None` while unresolved. The one rule behind
    /// [`ResolutionTime::bucket_instant`] and the columnar report engine, over any instant type
    /// (an [`Instant`], or the columns' nanoseconds).
    pub(crate) fn end_at<T>(self, latest: Option<T>, first: Option<T>) -> Option<T> {
        let latest = latest?;
        Some(match self {
            ResolutionVariant::Full => latest,
            ResolutionVariant::First => first.unwrap_or(latest),
        })
    }
}

/// Options of [`ResolutionTime`].
///
/// ```
/// use supportkpi::kpi::{ResolutionTimeOptions, ResolutionVariant};
/// let options = ResolutionTimeOptions::default()
///     .with_variant(ResolutionVariant::First)
///     .with_exclude_waiting(true);
/// assert_eq!(options.variant, ResolutionVariant::First);
/// assert!(options.exclude_waiting);
/// assert!(!ResolutionTimeOptions::default().exclude_waiting);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionTimeOptions {
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
    /// Which resolution ends the duration: the latest (the default) or the first.
    #[serde(default)]
    pub variant: ResolutionVariant,
    /// Leaves out the time spent waiting on the requester (needs event histories).
    #[serde(default)]
    pub exclude_waiting: bool,
}

impl ResolutionTimeOptions {
    /// Which resolution ends the time (default: [`ResolutionVariant::Full`]).
    #[must_use]
    pub fn with_variant(mut self, variant: ResolutionVariant) -> Self {
        self.variant = variant;
        self
    }

    /// Deprecated alias of [`with_variant`](Self::with_variant).
    #[deprecated(since = "0.2.0", note = "use with_variant")]
    #[must_use]
    pub fn variant(self, variant: ResolutionVariant) -> Self {
        self.with_variant(variant)
    }

    /// Subtract the time spent waiting (pending, on hold) — from event histories only (default:
    /// off). See [`ResolutionTime`].
    #[must_use]
    pub fn with_exclude_waiting(mut self, on: bool) -> Self {
        self.exclude_waiting = on;
        self
    }

    /// Deprecated alias of [`with_exclude_waiting`](Self::with_exclude_waiting).
    #[deprecated(since = "0.2.0", note = "use with_exclude_waiting")]
    #[must_use]
    pub fn exclude_waiting(self, on: bool) -> Self {
        self.with_exclude_waiting(on)
    }

    /// Deprecated: read the public `variant` field.
    #[deprecated(since = "0.2.0", note = "use the `variant` field")]
    pub fn get_variant(&self) -> ResolutionVariant {
        self.variant
    }

    /// Deprecated: read the public `exclude_waiting` field.
    #[deprecated(since = "0.2.0", note = "use the `exclude_waiting` field")]
    pub fn get_exclude_waiting(&self) -> bool {
        self.exclude_waiting
    }

    /// One ticket's resolution time: calendar seconds and, with a calendar, business seconds
    /// (less waiting time when the options exclude it); `None` for an unresolved ticket. The
    /// one rule the KPI and the per-ticket table share.
    ///
    /// # Errors
    /// [`ErrorKind::MissingField`] (field `events`) when waiting time is excluded and the
    /// ticket is a summary row.
    pub(crate) fn measure(&self, facts: TicketFacts<'_>) -> Result<Option<(i64, Option<i64>)>> {
        let t = facts.ticket;
        if self.exclude_waiting && facts.history.is_none() {
            return Err(Error::new(
                ErrorKind::MissingField,
                "excluding waiting time needs the ticket's event history (push_history): \
                 a summary row does not record the time spent waiting",
            )
            .with_field("events"));
        }
        let Some(latest) = t.resolved_at() else {
            return Ok(None);
        };
        // A history's first resolution is its first in the event log, a summary row's its
        // `first_resolved_at`: for a ticket that ends resolved both equal `first_resolved_at`,
        // which is what `bucket_instant` uses.
        let end = match self.variant {
            ResolutionVariant::Full => latest,
            ResolutionVariant::First => facts.resolutions().first().copied().unwrap_or(latest),
        };
        let created = t.created_at();
        let mut calendar = calendar_seconds(created, end);
        let mut waiting = Vec::new();
        if self.exclude_waiting {
            calendar -= facts.waiting_seconds_between(created, end).unwrap_or(0);
            waiting = facts
                .waiting_intervals_between(created, end)
                .unwrap_or_default();
        }
        let business = self.calendar_for(t).map(|cal| {
            // Business time is additive over [created, end), so the open time outside waiting
            // is the whole span's minus each waiting interval's.
            let waited: i64 = waiting
                .iter()
                .map(|&(a, b)| cal.business_seconds(a, b))
                .sum();
            business_seconds(cal, created, end, i64::MAX) - waited
        });
        Ok(Some((calendar, business.map(|b| b.clamp(0, calendar)))))
    }
}

super::duration::duration_options!(ResolutionTimeOptions; get_quantiles, get_calendar);

/// Resolution time: how long tickets took to be resolved.
///
/// # Definition
///
/// - **Resolved** means the ticket has a `resolved_at` (for a history: it *ends* resolved — a
///   ticket solved, reopened and still open is unresolved, and so is one resolved and then
///   cancelled or merged). Resolved tickets are the samples (`n`); the others are counted in
///   [`unresolved`](ResolutionTimeResult::unresolved). Both variants count the same tickets
///   as resolved; they differ only in the instant that ends the time.
/// - **Per ticket**: `end − created_at`, where `end` is the latest resolution
///   ([`ResolutionVariant::Full`], the default) or the first ([`ResolutionVariant::First`]);
///   whole calendar seconds (the difference truncated, as [`Ticket::resolution_seconds`]) and,
///   with a calendar in the options, business seconds: the open seconds of `[created_at, end)`,
///   capped at the calendar figure (business ≤ calendar, to the second).
/// - **Statistics**: mean = total time resolving / tickets resolved (the definition's), median,
///   p90, min, max, as [`DurationSummary`](crate::stats::DurationSummary) defines them.
/// - **Excluding waiting time** ([`exclude_waiting`](ResolutionTimeOptions::exclude_waiting)):
///   the time within `[created_at, end)` the ticket spent in a waiting status
///   ([`Status::is_waiting`](crate::model::Status::is_waiting): pending, on hold — e.g.
///   ServiceNow's "Awaiting …" states) is subtracted: in calendar time the waiting time's whole
///   seconds, in business time the business seconds of each waiting interval. Time spent
///   solved before a reopen is not waiting, so it stays in a full resolution time. Only an
///   event history knows the waiting time; a summary row does not, so **pushing a summary row
///   with this option is an error** naming the ticket, rather than a figure that silently
///   mixes excluded and included waiting time (push histories with
///   [`push_history`](TicketAccumulator::push_history)).
/// - **Bucketing**: a resolved ticket belongs to the period of the resolution instant used
///   (latest or first, by the variant): [`bucket_instant`](Self::bucket_instant); an unresolved
///   ticket has none, and a report counts it unresolved where it puts open tickets.
///
/// Summary rows and histories go through the same code: without the waiting option, a history
/// and its own summary ([`TicketHistory::ticket`]) give the same figures.
///
/// # Example
///
/// A ticket solved after 2 h, reopened at 5 h and solved again at 8 h:
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use supportkpi::Ticket;
/// use supportkpi::kpi::{Kpi, ResolutionTime, ResolutionTimeOptions, ResolutionVariant};
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let t = Ticket::builder("A", t0)
///     .first_resolved_at(t0 + Duration::hours(2))
///     .resolved_at(t0 + Duration::hours(8))
///     .reopens(1)
///     .build()?;
/// let open = Ticket::builder("B", t0).build()?;
/// let full = ResolutionTime::default().compute([&t, &open])?;
/// assert_eq!((full.resolved, full.unresolved), (1, 1));
/// assert_eq!(full.calendar.mean.value(), Some(8.0 * 3600.0));
/// let first = ResolutionTime::new(ResolutionTimeOptions::default().with_variant(ResolutionVariant::First))?;
/// assert_eq!(first.compute([&t, &open])?.calendar.mean.value(), Some(2.0 * 3600.0));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolutionTime {
    options: ResolutionTimeOptions,
}

impl ResolutionTime {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for a sketch whose relative accuracy is not in `[1e-6, 1)`
    /// (field `relative_accuracy`).
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::kpi::{ResolutionTime, ResolutionTimeOptions};
    /// use supportkpi::stats::QuantileMode;
    /// let bad = ResolutionTimeOptions::default()
    ///     .with_quantiles(QuantileMode::Sketch { relative_accuracy: f64::NAN });
    /// assert_eq!(ResolutionTime::new(bad).unwrap_err().kind(), ErrorKind::InvalidOption);
    /// ```
    pub fn new(options: ResolutionTimeOptions) -> Result<Self> {
        let probe = Durations::new(options.quantiles, false)?;
        TeamCalendars::check_default(options.team_calendars.as_ref(), options.calendar.as_ref())?;
        Ok(ResolutionTime {
            options: ResolutionTimeOptions {
                quantiles: probe.calendar.mode(),
                ..options
            },
        })
    }

    /// The options (with the quantile mode normalized).
    pub fn options(&self) -> &ResolutionTimeOptions {
        &self.options
    }

    /// The instant that puts `ticket` in a period: the resolution the variant uses (latest by
    /// default, first with [`ResolutionVariant::First`]); `None` for an unresolved ticket.
    ///
    /// ```
    /// use chrono::{Duration, TimeZone, Utc};
    /// use supportkpi::Ticket;
    /// use supportkpi::kpi::ResolutionTime;
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let solved = Ticket::builder("A", t0).resolved_at(t0 + Duration::days(3)).build()?;
    /// let kpi = ResolutionTime::default();
    /// assert_eq!(kpi.bucket_instant(&solved), Some(t0 + Duration::days(3)));
    /// assert_eq!(kpi.bucket_instant(&Ticket::builder("B", t0).build()?), None);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn bucket_instant(&self, ticket: &Ticket) -> Option<Instant> {
        end_of(self.options.variant, ticket)
    }

    /// An empty accumulator (also [`Kpi::accumulator`]).
    pub fn accumulator(&self) -> ResolutionTimeAccumulator {
        ResolutionTimeAccumulator {
            durations: Durations::empty(self.options.quantiles, self.options.calendar.is_some()),
            unresolved: 0,
            options: self.options.clone(),
        }
    }
}

/// The instant ending the ticket's resolution time; `Some` exactly when it is resolved (the
/// builder sets both resolution fields or neither).
fn end_of(variant: ResolutionVariant, ticket: &Ticket) -> Option<Instant> {
    variant.end_at(ticket.resolved_at(), ticket.first_resolved_at())
}

impl Kpi for ResolutionTime {
    type Accumulator = ResolutionTimeAccumulator;

    fn accumulator(&self) -> ResolutionTimeAccumulator {
        ResolutionTime::accumulator(self)
    }
}

/// The resolution time push / merge / finish state.
///
/// Serializes as `{"options", "durations", "unresolved"}`; deserializing validates the options
/// and the summaries against them and each other, as
/// [`FirstResponseTimeAccumulator`](super::FirstResponseTimeAccumulator) does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "ResolutionTimeState")]
pub struct ResolutionTimeAccumulator {
    options: ResolutionTimeOptions,
    durations: Durations,
    unresolved: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolutionTimeState {
    options: ResolutionTimeOptions,
    durations: Durations,
    unresolved: u64,
}

impl TryFrom<ResolutionTimeState> for ResolutionTimeAccumulator {
    type Error = Error;
    fn try_from(s: ResolutionTimeState) -> Result<Self> {
        let kpi = ResolutionTime::new(s.options)?;
        s.durations
            .validate(kpi.options.quantiles, kpi.options.calendar.is_some())?;
        add(s.durations.len(), s.unresolved)
            .map_err(|_| invalid_state("unresolved", "the ticket count exceeds 2^64 - 1"))?;
        Ok(ResolutionTimeAccumulator {
            options: kpi.options,
            durations: s.durations,
            unresolved: s.unresolved,
        })
    }
}

impl Default for ResolutionTimeAccumulator {
    /// An empty accumulator with the default options.
    fn default() -> Self {
        ResolutionTime::default().accumulator()
    }
}

impl ResolutionTimeAccumulator {
    /// The options it was built with.
    pub fn options(&self) -> &ResolutionTimeOptions {
        &self.options
    }

    /// Adds a resolved summary ticket by its resolution time in calendar seconds, worked out
    /// by the caller; only for options without a business calendar or waiting exclusion.
    pub(crate) fn push_calendar_seconds(&mut self, calendar: i64) -> Result<()> {
        debug_assert!(self.options.calendar.is_none() && !self.options.exclude_waiting);
        add(add(self.durations.len(), self.unresolved)?, 1)?;
        self.durations.push(calendar, None)
    }

    fn push_facts(&mut self, facts: TicketFacts<'_>) -> Result<()> {
        self.push_measured(facts).map(|_| ())
    }

    /// Adds a ticket and hands back the time it was counted with (`None`: unresolved): the
    /// report's drill-down lists take it from here rather than measuring the ticket again.
    pub(crate) fn push_measured(
        &mut self,
        facts: TicketFacts<'_>,
    ) -> Result<Option<(i64, Option<i64>)>> {
        let t = facts.ticket;
        let context = |e: Error| e.with_record_type("ticket").with_id(t.id().as_str());
        let measured = self.options.measure(facts).map_err(context)?;
        add(add(self.durations.len(), self.unresolved)?, 1).map_err(context)?;
        let Some((calendar, business)) = measured else {
            self.unresolved += 1;
            return Ok(None);
        };
        self.durations.push(calendar, business).map_err(context)?;
        Ok(measured)
    }
}

impl Accumulator for ResolutionTimeAccumulator {
    type Record = Ticket;
    type Output = ResolutionTimeResult;

    /// Adds one summary ticket.
    ///
    /// # Errors
    /// - [`ErrorKind::MissingField`] (record `ticket` with its id, field `events`) when the
    ///   options exclude waiting time, which a summary row does not record;
    /// - [`ErrorKind::InvalidState`] if the ticket count would exceed 2⁶⁴ − 1.
    ///
    /// The accumulator is unchanged on error.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::{ErrorKind, Ticket};
    /// use supportkpi::kpi::{Accumulator, Kpi, ResolutionTime, ResolutionTimeOptions};
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let kpi = ResolutionTime::new(ResolutionTimeOptions::default().with_exclude_waiting(true))?;
    /// let err = kpi.accumulator().push(&Ticket::builder("T-9", t0).build()?).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::MissingField);
    /// assert_eq!(err.record().unwrap().id.as_deref(), Some("T-9"));
    /// assert_eq!(err.field(), Some("events"));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    fn push(&mut self, ticket: &Ticket) -> Result<()> {
        self.push_facts(TicketFacts::summary(ticket))
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] for other options; [`ErrorKind::InvalidState`] on count
    /// overflow. `self` is unchanged on error.
    fn merge(&mut self, other: Self) -> Result<()> {
        if self.options != other.options {
            return Err(incompatible("resolution time"));
        }
        let mut unresolved = self.unresolved;
        add_all([&mut unresolved], [other.unresolved])?;
        add(
            add(self.durations.len(), other.durations.len())?,
            unresolved,
        )?;
        self.durations.merge(other.durations)?;
        self.unresolved = unresolved;
        Ok(())
    }

    fn finish(self) -> ResolutionTimeResult {
        let resolved = self.durations.len();
        let (calendar, business) = self.durations.finish();
        ResolutionTimeResult {
            tickets: resolved + self.unresolved,
            resolved,
            unresolved: self.unresolved,
            variant: self.options.variant,
            waiting_excluded: self.options.exclude_waiting,
            calendar,
            business,
        }
    }
}

impl TicketAccumulator for ResolutionTimeAccumulator {
    /// Adds one ticket by its history: resolved when it ends resolved, with the waiting time
    /// the history records when the options exclude it.
    fn push_history(&mut self, history: &TicketHistory) -> Result<()> {
        self.push_facts(TicketFacts::history(history))
    }
}

/// What [`ResolutionTime`] reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolutionTimeResult {
    /// Tickets pushed: `resolved + unresolved`.
    pub tickets: u64,
    /// Resolved tickets: the `n` of the statistics.
    pub resolved: u64,
    /// Tickets not (or no longer) resolved, excluded from the statistics.
    pub unresolved: u64,
    /// Which resolution ended the times.
    pub variant: ResolutionVariant,
    /// Whether waiting time was subtracted.
    pub waiting_excluded: bool,
    /// Resolution times in calendar seconds.
    pub calendar: DurationStats,
    /// Resolution times in business seconds, when the options carry a calendar.
    pub business: Option<DurationStats>,
}

impl ResolutionTimeAccumulator {
    /// Writes the state without its options, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        self.durations.encode(w);
        w.u64(self.unresolved);
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` (an empty
    /// accumulator of the report's options) and every check of a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self> {
        let durations = self.durations.decode(r)?;
        let unresolved = r.u64()?;
        Self::try_from(ResolutionTimeState {
            options: self.options.clone(),
            durations,
            unresolved,
        })
    }
}
