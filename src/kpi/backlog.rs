//! Ticket backlog: its size over time, its flow, its age and the days to clear it
//! (docs/definitions.md, "Backlog").

use super::TicketFacts;
use super::retention::report_keys;
use super::ticket::{Exit, Stay, summary_exit};
use super::{Accumulator, Kpi, Metric, TicketAccumulator, incompatible};
use crate::columnar::{NO_INSTANT, TicketTable, from_ns};
use crate::error::{Error, ErrorKind};
use crate::model::{Instant, Ticket, TicketHistory};
use crate::par::map_range;
use crate::time::{Bucketer, Period, PeriodKey};
use crate::time::{CachedBucketer, PeriodSpans};
use chrono::{NaiveDate, TimeDelta};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const DAY: i64 = 86_400;

/// Options of [`Backlog`].
///
/// ```
/// use chrono::NaiveDate;
/// use supportkpi::kpi::BacklogOptions;
/// use supportkpi::time::Period;
/// let o = BacklogOptions::default()
///     .with_period(Period::Week)
///     .with_age_bounds(vec![3_600, 86_400])
///     .with_clear_window_days(7);
/// assert_eq!(o.age_bounds, [3_600, 86_400]);
/// assert_eq!(BacklogOptions::default().age_bounds, [86_400, 259_200, 604_800, 2_592_000]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacklogOptions {
    /// Period length (default: day).
    pub period: Period,
    /// IANA zone the periods are cut in (default: UTC).
    pub zone: Tz,
    /// Upper bounds (exclusive), in seconds, of the age buckets but the last; strictly
    /// increasing and positive. Default `[1 d, 3 d, 7 d, 30 d]`: buckets < 1 d, 1–3 d, 3–7 d,
    /// 7–30 d, ≥ 30 d.
    pub age_bounds: Vec<i64>,
    /// Days of resolutions the days-to-clear rate is averaged over (default 28).
    pub clear_window_days: u32,
    /// The instant of the [`BacklogResult::snapshot`]; default: the end of the last period.
    pub as_of: Option<Instant>,
    /// Report the periods containing `first` through the one containing `last` (local dates);
    /// default: from the first to the last period holding an event.
    pub range: Option<(NaiveDate, NaiveDate)>,
}

impl Default for BacklogOptions {
    fn default() -> Self {
        BacklogOptions {
            period: Period::Day,
            zone: Tz::UTC,
            age_bounds: vec![DAY, 3 * DAY, 7 * DAY, 30 * DAY],
            clear_window_days: 28,
            as_of: None,
            range: None,
        }
    }
}

impl BacklogOptions {
    /// Sets the period length.
    #[must_use]
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }

    /// Sets the zone.
    #[must_use]
    pub fn with_zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// Sets period and zone from a [`Bucketer`].
    #[must_use]
    pub fn with_bucketer(self, bucketer: Bucketer) -> Self {
        self.with_period(bucketer.period())
            .with_zone(bucketer.zone())
    }

    /// Sets the age bucket bounds, in seconds.
    #[must_use]
    pub fn with_age_bounds(mut self, bounds: Vec<i64>) -> Self {
        self.age_bounds = bounds;
        self
    }

    /// Sets the days-to-clear window, in days.
    #[must_use]
    pub fn with_clear_window_days(mut self, days: u32) -> Self {
        self.clear_window_days = days;
        self
    }

    /// Takes the snapshot (age distribution, days to clear) at `at`.
    #[must_use]
    pub fn with_as_of(mut self, at: Instant) -> Self {
        self.as_of = Some(at);
        self
    }

    /// Reports exactly the periods containing `first` through the one containing `last`.
    #[must_use]
    pub fn with_range(mut self, first: NaiveDate, last: NaiveDate) -> Self {
        self.range = Some((first, last));
        self
    }

    /// The bucketer these options describe.
    pub fn bucketer(&self) -> Bucketer {
        Bucketer::new(self.period, self.zone)
    }

    fn validate(&self) -> Result<(), Error> {
        let mut previous = 0;
        for &bound in &self.age_bounds {
            if bound <= previous {
                return Err(Error::new(
                    ErrorKind::InvalidOption,
                    "age bounds are positive seconds in strictly increasing order",
                )
                .with_field("age_bounds")
                .with_value(bound));
            }
            previous = bound;
        }
        if self.clear_window_days == 0 {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "the days-to-clear window is at least 1 day",
            )
            .with_field("clear_window_days")
            .with_value(0));
        }
        if let Some((first, last)) = self.range
            && last < first
        {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("a report range ends on or after its first date ({first})"),
            )
            .with_field("range")
            .with_value(last));
        }
        Ok(())
    }
}

/// The backlog: tickets open over time, its flow per period, the age of the open tickets and
/// the days to clear them (docs/definitions.md, "Backlog").
///
/// # Definitions
///
/// - **Backlog at instant t** = tickets created at or before t and not resolved at t: a ticket
///   counts while it is in one of its stays `[from, to)` (from creation to its resolution; a
///   reopened ticket again from the reopen to its next resolution; a cancelled or merged ticket
///   leaves at the cancellation or merge). So a ticket counts at its creation instant and no
///   longer at its resolution instant.
/// - **Backlog at the end of a period** (`closing`) = the backlog at the period's last instant,
///   `end − 1 ns`, where `end` is the period's exclusive end in the zone (local midnight of the
///   next period's first day). Every event stamped before `end` has happened; an event stamped
///   at exactly `end` belongs to the next period, like every bucketed event. A period's
///   `opening` is the previous period's `closing` (the backlog at `start − 1 ns`).
/// - **Flow** of a period, each event bucketed by its instant in `[start, end)`:
///   `created` (stays begun by a creation), `reopened` (stays begun later: a reopen, or the rare
///   return from cancelled to an open status), `resolved` (stays ended by a resolution),
///   `cancelled` (stays ended without one: cancelled or merged). Then exactly
///   `opening + created + reopened − resolved − cancelled = closing`, and
///   `net_flow = created − resolved` (the definitions' net flow).
/// - **Days to clear** at the end of a period = `closing / (resolved in the window / window
///   days)`, where the window is the `clear_window_days` × 24 h before `end` and "resolved" are
///   the stays ended by a resolution, as in the flow. Undefined when nothing was resolved in the
///   window.
/// - **Snapshot**: the backlog at [`as_of`](BacklogOptions::as_of) (at that instant, events at
///   it included), or by default at the end of the last period; the ages of its tickets, each
///   = snapshot instant − `created_at` (measured from creation, also for a reopened ticket),
///   counted in the age buckets; and days to clear with the window ending at the snapshot.
///
/// From summary rows (no history), the stays are those of a summary: creation to latest
/// resolution (a reopened ticket counts as open between its first resolution and its reopen,
/// which a summary cannot place), creation onwards while open, and a cancelled ticket without a
/// resolution instant enters and leaves at its creation (created and cancelled, never open).
///
/// The report covers the periods of [`range`](BacklogOptions::range), or every period from the
/// first to the last one holding an event (creation, reopen, resolution, cancellation). Finish
/// is a sweep over the sorted stay boundaries: O(n log n) in the tickets, plus O(1) per period.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::Ticket;
/// use supportkpi::kpi::{Backlog, Kpi};
///
/// let at = |d: u32, h: u32| Utc.with_ymd_and_hms(2021, 6, d, h, 0, 0).unwrap();
/// let tickets = [
///     Ticket::builder("A", at(28, 9)).resolved_at(at(29, 10)).build()?,
///     Ticket::builder("B", at(28, 23)).build()?,
///     Ticket::builder("C", at(29, 8)).resolved_at(at(29, 9)).build()?,
/// ];
/// let r = Backlog::default().compute(&tickets)?;
/// let (d28, d29) = (&r.periods[0], &r.periods[1]);
/// assert_eq!((d28.opening, d28.created, d28.resolved, d28.closing), (0, 2, 0, 2));
/// assert_eq!((d29.opening, d29.created, d29.resolved, d29.closing), (2, 1, 2, 1));
/// assert_eq!(d29.net_flow, -1);
/// // 2 resolved in 28 days: 1/14 a day, so the one open ticket takes 14 days to clear.
/// assert_eq!(d29.days_to_clear.value(), Some(14.0));
/// let snapshot = r.snapshot.unwrap();
/// assert_eq!(snapshot.backlog, 1);
/// assert_eq!(snapshot.ages[1].count, 1); // B: 25 hours old at midnight June 30th
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Backlog {
    options: BacklogOptions,
}

impl Backlog {
    /// The KPI with these options.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for age bounds that are not positive and strictly
    /// increasing, a zero days-to-clear window, or a range that ends before it starts.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::{Backlog, BacklogOptions};
    /// let err = Backlog::new(BacklogOptions::default().with_age_bounds(vec![86_400, 3_600]))
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidOption);
    /// assert_eq!((err.field(), err.value()), (Some("age_bounds"), Some("3600")));
    /// ```
    pub fn new(options: BacklogOptions) -> Result<Self, Error> {
        options.validate()?;
        Ok(Backlog { options })
    }

    /// The options.
    pub fn options(&self) -> &BacklogOptions {
        &self.options
    }
}

impl Kpi for Backlog {
    type Accumulator = BacklogAccumulator;

    fn accumulator(&self) -> BacklogAccumulator {
        BacklogAccumulator {
            options: self.options.clone(),
            stays: Vec::new(),
        }
    }
}

/// One period of a [`BacklogResult`]: `opening + created + reopened − resolved − cancelled =
/// closing`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacklogPeriod {
    /// The period.
    pub period: PeriodKey,
    /// Its first instant.
    pub start: Instant,
    /// Its exclusive end.
    pub end: Instant,
    /// Backlog at the end of the previous period.
    pub opening: u64,
    /// Tickets created in the period.
    pub created: u64,
    /// Tickets back in the backlog in the period (reopens, returns from cancelled).
    pub reopened: u64,
    /// Stays ended by a resolution in the period.
    pub resolved: u64,
    /// Stays ended without a resolution (cancelled, merged) in the period.
    pub cancelled: u64,
    /// Backlog at the end of the period.
    pub closing: u64,
    /// `created − resolved`.
    pub net_flow: i64,
    /// `closing` / mean resolved per day over the window before `end`.
    pub days_to_clear: Metric<f64>,
}

/// How many open tickets are of an age in `[min_seconds, max_seconds)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBucket {
    /// Lower bound (inclusive), seconds.
    pub min_seconds: i64,
    /// Upper bound (exclusive), seconds; `None` for the last bucket.
    pub max_seconds: Option<i64>,
    /// Open tickets of that age.
    pub count: u64,
}

/// The backlog at one instant, with its ages and days to clear.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacklogSnapshot {
    /// The instant: [`BacklogOptions::as_of`], or the end of the last period.
    pub at: Instant,
    /// Tickets open then.
    pub backlog: u64,
    /// Their ages since creation, by bucket (counts add up to `backlog`).
    pub ages: Vec<AgeBucket>,
    /// Resolutions in the window before `at`.
    pub resolved_in_window: u64,
    /// `backlog` / (`resolved_in_window` / window days).
    pub days_to_clear: Metric<f64>,
}

/// The result of [`Backlog`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacklogResult {
    /// Tickets counted.
    pub n: u64,
    /// The reported periods, in order.
    pub periods: Vec<BacklogPeriod>,
    /// The backlog at [`BacklogOptions::as_of`] or at the end of the last period; `None`
    /// without either (no data, no `as_of`).
    pub snapshot: Option<BacklogSnapshot>,
}

/// The state of [`Backlog`]: every ticket's stays in the backlog, so that merges are exact.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::Ticket;
/// use supportkpi::kpi::{Accumulator, Backlog, BacklogAccumulator, Kpi};
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let mut a = Backlog::default().accumulator();
/// a.push(&Ticket::builder("A", t0).build()?)?;
/// let json = serde_json::to_string(&a)?;
/// let mut b: BacklogAccumulator = serde_json::from_str(&json)?;
/// b.merge(a)?;
/// assert_eq!(b.backlog_at(t0), 2);
/// assert_eq!(b.backlog_at(t0 - chrono::Duration::seconds(1)), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BacklogState", into = "BacklogState")]
pub struct BacklogAccumulator {
    options: BacklogOptions,
    stays: Vec<Stay>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BacklogState {
    options: BacklogOptions,
    n: u64,
    stays: Vec<Stay>,
}

impl From<BacklogAccumulator> for BacklogState {
    fn from(a: BacklogAccumulator) -> Self {
        BacklogState {
            n: a.n(),
            options: a.options,
            stays: a.stays,
        }
    }
}

impl TryFrom<BacklogState> for BacklogAccumulator {
    type Error = Error;
    fn try_from(s: BacklogState) -> Result<Self, Error> {
        s.options.validate()?;
        let bad = |rule: &str, at: Instant| {
            Err(Error::new(ErrorKind::InvalidState, rule).with_value(at.to_rfc3339()))
        };
        for stay in &s.stays {
            if stay.from < stay.created || (!stay.reentry && stay.from != stay.created) {
                return bad("a stay begins at its ticket's creation or later", stay.from);
            }
            if let Some((to, _)) = stay.to
                && to < stay.from
            {
                return bad("a stay ends at or after its beginning", to);
            }
        }
        let acc = BacklogAccumulator {
            options: s.options,
            stays: s.stays,
        };
        if acc.n() != s.n {
            return Err(Error::new(
                ErrorKind::InvalidState,
                format!(
                    "{} tickets stated, {} stays begun by a creation",
                    s.n,
                    acc.n()
                ),
            ));
        }
        Ok(acc)
    }
}

impl Default for BacklogAccumulator {
    /// An empty accumulator with the default options.
    fn default() -> Self {
        Backlog::default().accumulator()
    }
}

impl BacklogAccumulator {
    /// The options the accumulator was built with.
    pub fn options(&self) -> &BacklogOptions {
        &self.options
    }

    /// Tickets pushed so far.
    pub fn n(&self) -> u64 {
        self.stays.iter().filter(|s| !s.reentry).count() as u64
    }

    /// The backlog at instant `t`: tickets created at or before `t` and not resolved (nor
    /// cancelled) at `t`. A linear scan, for spot checks; the report uses a sweep.
    pub fn backlog_at(&self, t: Instant) -> u64 {
        self.stays.iter().filter(|s| is_open_at(s, t)).count() as u64
    }

    fn add(&mut self, facts: TicketFacts<'_>) {
        facts.for_each_stay(|s| self.stays.push(s));
    }
}

fn is_open_at(s: &Stay, t: Instant) -> bool {
    s.from <= t && s.to.is_none_or(|(to, _)| to > t)
}

/// What a stay boundary does to the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Flow {
    Created,
    Reopened,
    Resolved,
    Cancelled,
}

/// `(instant, flow)` as one integer with the same order: the UTC second (offset to sort as
/// unsigned), its nanoseconds (below 2³¹, leap seconds included), then the flow.
fn pack(at: Instant, flow: Flow) -> u128 {
    let second = (at.timestamp() as u64) ^ (1 << 63);
    (u128::from(second) << 64) | (u128::from(at.timestamp_subsec_nanos()) << 8) | flow as u128
}

/// The smallest packed event at `at`: `k < before(t)` is "the event is before `t`".
fn before(at: Instant) -> u128 {
    pack(at, Flow::Created) & !0xFF
}

fn second_of(k: u128) -> i64 {
    (((k >> 64) as u64) ^ (1 << 63)) as i64
}

fn flow_of(k: u128) -> Flow {
    match k & 0xFF {
        0 => Flow::Created,
        1 => Flow::Reopened,
        2 => Flow::Resolved,
        _ => Flow::Cancelled,
    }
}

#[derive(Default)]
struct Tally {
    created: u64,
    reopened: u64,
    resolved: u64,
    cancelled: u64,
}

impl Tally {
    fn add(&mut self, flow: Flow) {
        match flow {
            Flow::Created => self.created += 1,
            Flow::Reopened => self.reopened += 1,
            Flow::Resolved => self.resolved += 1,
            Flow::Cancelled => self.cancelled += 1,
        }
    }
}

/// `backlog` / (resolutions in the window / window days); undefined when nothing was resolved.
fn days_to_clear_metric(backlog: u64, resolved: u64, window_days: u32) -> Metric<f64> {
    if resolved == 0 {
        Metric::undefined(format!("nothing resolved in the {window_days} days before"))
    } else {
        Metric::Value(backlog as f64 / (resolved as f64 / f64::from(window_days)))
    }
}

/// Adds a period's created, resolved and cancelled counts into `tally`.
fn add_tally(tally: &mut BTreeMap<PeriodKey, [u64; 3]>, key: PeriodKey, counts: [u64; 3]) {
    let e = tally.entry(key).or_default();
    for (sum, n) in e.iter_mut().zip(counts) {
        *sum += n;
    }
}

/// Empty age buckets: `[0, b0)`, `[b0, b1)`, …, `[b_last, ∞)`.
/// The backlog snapshot's instant and the exclusive bound of the events it includes:
/// `as_of` with its own events (the bound 1 ns later), else the end of the last period.
pub(crate) fn snapshot_at(
    as_of: Option<Instant>,
    last_period_end: Option<Instant>,
) -> Option<(Instant, Instant)> {
    match (as_of, last_period_end) {
        (Some(t), _) => Some((t, t + TimeDelta::nanoseconds(1))),
        (None, Some(end)) => Some((end, end)),
        (None, None) => None,
    }
}

impl Stay {
    /// Whether the stay counts in a snapshot whose events end before `bound`: begun before it
    /// and not ended before it.
    pub(crate) fn open_at(&self, bound: Instant) -> bool {
        keeps_open(Some(bound), self.from, self.to.map(|(to, _)| to))
    }
}

/// The open tickets at `at` by age since their creation, in the buckets of `bounds`: the one
/// rule of the snapshot's ages (the accumulator's, and a report state's from the creation
/// instants it keeps).
pub(crate) fn ages_at(
    bounds: &[i64],
    at: Instant,
    created: impl IntoIterator<Item = Instant>,
) -> (u64, Vec<AgeBucket>) {
    let mut ages = age_buckets(bounds);
    let mut backlog = 0;
    for c in created {
        backlog += 1;
        let age = (at - c).num_seconds();
        let i = bounds.partition_point(|b| *b <= age);
        ages[i].count += 1;
    }
    (backlog, ages)
}

/// Whether a stay from `from` to `to` (`None`: never left) is open at a snapshot whose events
/// end before `bound`; without a bound fixed in advance the snapshot is at the end of the last
/// period, after every event, and only stays never left are open. The rule `Stay::open_at`
/// applies, over instants or nanoseconds.
pub(crate) fn keeps_open<T: Ord + Copy>(bound: Option<T>, from: T, to: Option<T>) -> bool {
    match bound {
        Some(b) => from < b && to.is_none_or(|t| t >= b),
        None => to.is_none(),
    }
}

fn age_buckets(bounds: &[i64]) -> Vec<AgeBucket> {
    std::iter::once(0)
        .chain(bounds.iter().copied())
        .zip(bounds.iter().copied().map(Some).chain([None]))
        .map(|(min_seconds, max_seconds)| AgeBucket {
            min_seconds,
            max_seconds,
            count: 0,
        })
        .collect()
}

impl Accumulator for BacklogAccumulator {
    type Record = Ticket;
    type Output = BacklogResult;

    /// Adds one summary ticket (see [`Backlog`] for the stays a summary row gives).
    ///
    /// # Errors
    /// None: a built [`Ticket`] is valid.
    fn push(&mut self, ticket: &Ticket) -> Result<(), Error> {
        self.add(TicketFacts::summary(ticket));
        Ok(())
    }

    fn merge(&mut self, other: Self) -> Result<(), Error> {
        if self.options != other.options {
            return Err(incompatible("backlog"));
        }
        self.stays.extend(other.stays);
        Ok(())
    }

    fn finish(self) -> BacklogResult {
        let o = &self.options;
        let b = o.bucketer();
        // The events as packed integers in (instant, flow) order: sorting primitives is several
        // times faster than sorting (DateTime, Flow) tuples, and this sort was the largest part
        // of a report's finish.
        let mut events: Vec<u128> = Vec::with_capacity(self.stays.len() * 2);
        for s in &self.stays {
            let entry = if s.reentry {
                Flow::Reopened
            } else {
                Flow::Created
            };
            events.push(pack(s.from, entry));
            if let Some((to, exit)) = s.to {
                let flow = match exit {
                    Exit::Resolved => Flow::Resolved,
                    Exit::Cancelled => Flow::Cancelled,
                };
                events.push(pack(to, flow));
            }
        }
        events.sort_unstable();
        let resolved: Vec<u128> = events
            .iter()
            .copied()
            .filter(|&k| flow_of(k) == Flow::Resolved)
            .collect();
        let window = TimeDelta::days(i64::from(o.clear_window_days));
        let days_to_clear = |backlog: u64, end: Instant| {
            let begin = end.checked_sub_signed(window).unwrap_or(end);
            let n = resolved.partition_point(|&k| k < before(end))
                - resolved.partition_point(|&k| k < before(begin));
            let n = n as u64;
            (n, days_to_clear_metric(backlog, n, o.clear_window_days))
        };

        // The events are sorted: a cached bucketer converts one instant per day, not per event.
        let mut cached = CachedBucketer::new(b);
        let keys = report_keys(
            &b,
            o.range,
            events.iter().map(|&k| cached.key_of_second(second_of(k))),
        );
        let mut next = 0;
        let mut open: i64 = 0;
        let mut step = |flow: Flow| {
            open += match flow {
                Flow::Created | Flow::Reopened => 1,
                Flow::Resolved | Flow::Cancelled => -1,
            };
            open
        };
        let mut periods = Vec::with_capacity(keys.len());
        let mut last_open = 0;
        for key in keys {
            let (start, end) = (b.start_instant(key), b.end_instant(key));
            while let Some(&k) = events.get(next)
                && k < before(start)
            {
                last_open = step(flow_of(k));
                next += 1;
            }
            let opening = last_open;
            let mut tally = Tally::default();
            while let Some(&k) = events.get(next)
                && k < before(end)
            {
                let flow = flow_of(k);
                tally.add(flow);
                last_open = step(flow);
                next += 1;
            }
            // Every stay is entered before it is left, so the running count never goes below 0.
            let closing = u64::try_from(last_open).unwrap_or(0);
            periods.push(BacklogPeriod {
                period: key,
                start,
                end,
                opening: u64::try_from(opening).unwrap_or(0),
                created: tally.created,
                reopened: tally.reopened,
                resolved: tally.resolved,
                cancelled: tally.cancelled,
                closing,
                net_flow: tally.created as i64 - tally.resolved as i64,
                days_to_clear: days_to_clear(closing, end).1,
            });
        }

        let snapshot_at = snapshot_at(o.as_of, periods.last().map(|p| p.end));
        let snapshot = snapshot_at.map(|(at, bound)| {
            let open = self.stays.iter().filter(|s| s.open_at(bound));
            let (backlog, ages) = ages_at(&o.age_bounds, at, open.map(|s| s.created));
            let (resolved_in_window, days_to_clear) = days_to_clear(backlog, bound);
            BacklogSnapshot {
                at,
                backlog,
                ages,
                resolved_in_window,
                days_to_clear,
            }
        });
        BacklogResult {
            n: self.n(),
            periods,
            snapshot,
        }
    }
}

impl TicketAccumulator for BacklogAccumulator {
    /// Adds one ticket known by its history: its exact stays (reopens, cancellations, merges).
    ///
    /// # Errors
    /// None: a derived history is valid.
    fn push_history(&mut self, history: &TicketHistory) -> Result<(), Error> {
        self.add(TicketFacts::history(history));
        Ok(())
    }
}

impl Extend<Ticket> for BacklogAccumulator {
    fn extend<I: IntoIterator<Item = Ticket>>(&mut self, iter: I) {
        for t in iter {
            self.add(TicketFacts::summary(&t));
        }
    }
}

impl FromIterator<Ticket> for BacklogAccumulator {
    /// The backlog of the tickets with the default options.
    fn from_iter<I: IntoIterator<Item = Ticket>>(iter: I) -> Self {
        let mut acc = BacklogAccumulator::default();
        acc.extend(iter);
        acc
    }
}

impl Backlog {
    /// The backlog of a table's tickets: the [`BacklogResult`] that pushing every ticket of
    /// the table into an accumulator and finishing gives, computed without keeping or sorting
    /// the stays — each period's flows are counted where they happen (in parallel with the
    /// `parallel` feature) and the days-to-clear windows from the resolutions' counts between
    /// the windows' bounds.
    ///
    /// # Example
    /// ```
    /// use chrono::{Duration, TimeZone, Utc};
    /// use supportkpi::columnar::TicketTable;
    /// use supportkpi::kpi::{Accumulator, Backlog, Kpi};
    /// use supportkpi::Ticket;
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let tickets = vec![
    ///     Ticket::builder("A", t0).resolved_at(t0 + Duration::days(2)).build()?,
    ///     Ticket::builder("B", t0 + Duration::days(1)).build()?,
    /// ];
    /// let kpi = Backlog::default();
    /// let table = TicketTable::from_tickets(&tickets)?;
    /// let result = kpi.compute_table(&table);
    /// assert_eq!(result, kpi.compute(&tickets)?);
    /// let closing: Vec<u64> = result.periods.iter().map(|p| p.closing).collect();
    /// assert_eq!(closing, [1, 2, 1]);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn compute_table(&self, table: &TicketTable) -> BacklogResult {
        let o = &self.options;
        let b = o.bucketer();
        let cols = table.raw();
        let n = table.len();
        // A summary row's one stay: `summary_exit`.
        let exit = |i: usize| -> Option<(i64, Flow)> {
            let resolved = (cols.resolved[i] != NO_INSTANT).then_some(cols.resolved[i]);
            summary_exit(cols.status[i].category(), cols.created[i], resolved).map(|(at, e)| {
                (
                    at,
                    match e {
                        Exit::Resolved => Flow::Resolved,
                        Exit::Cancelled => Flow::Cancelled,
                    },
                )
            })
        };
        const CHUNK: usize = 64 * 1024;
        let chunks = n.div_ceil(CHUNK);
        let rows = |c: usize| c * CHUNK..((c + 1) * CHUNK).min(n);

        // Pass 1: created, resolved and cancelled per period.
        let tallies = map_range(chunks, |c| {
            let mut spans = PeriodSpans::new(b);
            let mut out: BTreeMap<PeriodKey, [u64; 3]> = BTreeMap::new();
            let mut last: Option<(PeriodKey, [u64; 3])> = None;
            let mut bump = |key: PeriodKey, k: usize| match &mut last {
                Some((lk, t)) if *lk == key => t[k] += 1,
                _ => {
                    if let Some((lk, t)) = last.take() {
                        add_tally(&mut out, lk, t);
                    }
                    let mut t = [0; 3];
                    t[k] += 1;
                    last = Some((key, t));
                }
            };
            for i in rows(c) {
                bump(spans.key(cols.created[i]), 0);
                if let Some((at, flow)) = exit(i) {
                    let k = if flow == Flow::Resolved { 1 } else { 2 };
                    bump(spans.key(at), k);
                }
            }
            if let Some((lk, t)) = last {
                add_tally(&mut out, lk, t);
            }
            out
        });
        let mut tally: BTreeMap<PeriodKey, [u64; 3]> = BTreeMap::new();
        for t in tallies {
            for (k, v) in t {
                add_tally(&mut tally, k, v);
            }
        }
        let keys = report_keys(&b, o.range, tally.keys().copied());

        // The instants the days-to-clear windows start and end at, and the snapshot's.
        let window = TimeDelta::days(i64::from(o.clear_window_days));
        let spans: Vec<(Instant, Instant)> = keys
            .iter()
            .map(|&k| (b.start_instant(k), b.end_instant(k)))
            .collect();
        let snapshot_at = snapshot_at(o.as_of, spans.last().map(|&(_, end)| end));
        let begin_of = |end: Instant| end.checked_sub_signed(window).unwrap_or(end);
        let ns = |t: Instant| t.timestamp_nanos_opt();
        // Instants beyond the nanosecond range bound nothing a table holds: clamp them.
        let clamp = |t: Instant| {
            ns(t).unwrap_or(if t.timestamp() < 0 {
                i64::MIN
            } else {
                i64::MAX
            })
        };
        let mut bounds: Vec<i64> = spans
            .iter()
            .flat_map(|&(_, end)| [clamp(end), clamp(begin_of(end))])
            .chain(
                snapshot_at
                    .into_iter()
                    .flat_map(|(_, bound)| [clamp(bound), clamp(begin_of(bound))]),
            )
            .collect();
        bounds.sort_unstable();
        bounds.dedup();

        // Pass 2: resolutions between consecutive bounds, and the snapshot's open tickets by
        // age.
        let age_bounds = &o.age_bounds;
        let snapshot_ns = snapshot_at.map(|(at, bound)| (at, clamp(bound)));
        let passes = map_range(chunks, |c| {
            let mut between = vec![0u64; bounds.len() + 1];
            let mut ages = vec![0u64; age_bounds.len() + 1];
            let mut gap = 0;
            for i in rows(c) {
                let out = exit(i);
                if let Some((at, Flow::Resolved)) = out {
                    // Resolutions come mostly in time order: try the last gap first.
                    let in_gap = |g: usize| {
                        (g == 0 || bounds[g - 1] <= at) && (g == bounds.len() || at < bounds[g])
                    };
                    if !in_gap(gap) {
                        gap = bounds.partition_point(|&x| x <= at);
                    }
                    between[gap] += 1;
                }
                if let Some((at, bound)) = snapshot_ns {
                    let open = cols.created[i] < bound && out.is_none_or(|(to, _)| to >= bound);
                    if open {
                        let age = (at - from_ns(cols.created[i])).num_seconds();
                        ages[age_bounds.partition_point(|x| *x <= age)] += 1;
                    }
                }
            }
            (between, ages)
        });
        let mut between = vec![0u64; bounds.len() + 1];
        let mut ages_total = vec![0u64; age_bounds.len() + 1];
        for (bt, ag) in passes {
            between.iter_mut().zip(bt).for_each(|(a, x)| *a += x);
            ages_total.iter_mut().zip(ag).for_each(|(a, x)| *a += x);
        }
        // Resolutions before each bound.
        let mut before = Vec::with_capacity(bounds.len());
        let mut sum = 0;
        for g in between.iter().take(bounds.len()) {
            sum += g;
            before.push(sum);
        }
        let resolved_before = |t: i64| -> u64 {
            match bounds.binary_search(&t) {
                Ok(i) => before[i],
                // Every bound a window uses is in the list.
                Err(_) => 0,
            }
        };
        let days_to_clear = |backlog: u64, end: Instant| {
            let n = resolved_before(clamp(end)) - resolved_before(clamp(begin_of(end)));
            (n, days_to_clear_metric(backlog, n, o.clear_window_days))
        };

        // With a range, the flows before its first period make its opening.
        let mut open: i64 = match keys.first() {
            Some(&first) => tally
                .range(..first)
                .map(|(_, t)| t[0] as i64 - t[1] as i64 - t[2] as i64)
                .sum(),
            None => 0,
        };
        let mut periods = Vec::with_capacity(keys.len());
        for (&key, &(start, end)) in keys.iter().zip(&spans) {
            let [created, resolved, cancelled] = tally.get(&key).copied().unwrap_or_default();
            let opening = open;
            open += created as i64 - resolved as i64 - cancelled as i64;
            // Every stay is entered before it is left, so the running count never goes below 0.
            let closing = u64::try_from(open).unwrap_or(0);
            periods.push(BacklogPeriod {
                period: key,
                start,
                end,
                opening: u64::try_from(opening).unwrap_or(0),
                created,
                reopened: 0,
                resolved,
                cancelled,
                closing,
                net_flow: created as i64 - resolved as i64,
                days_to_clear: days_to_clear(closing, end).1,
            });
        }
        let snapshot = snapshot_at.map(|(at, bound)| {
            let mut ages = age_buckets(&o.age_bounds);
            for (bucket, &count) in ages.iter_mut().zip(&ages_total) {
                bucket.count = count;
            }
            let backlog = ages_total.iter().sum();
            let (resolved_in_window, days_to_clear) = days_to_clear(backlog, bound);
            BacklogSnapshot {
                at,
                backlog,
                ages,
                resolved_in_window,
                days_to_clear,
            }
        });
        BacklogResult {
            n: n as u64,
            periods,
            snapshot,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeriveOptions, EventKind, Status, StatusMap, TicketEvent};
    use chrono::{Duration, TimeZone, Utc};

    fn h(hours: i64) -> Instant {
        Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap() + Duration::hours(hours)
    }

    fn history(changes: &[(i64, &str)]) -> TicketHistory {
        let mut events = vec![TicketEvent::new("T", h(0), EventKind::Created)];
        events.extend(changes.iter().map(|&(at, to)| {
            TicketEvent::new("T", h(at), EventKind::StatusChange { to: to.into() })
        }));
        TicketHistory::from_events("T", events, &StatusMap::canonical(), DeriveOptions::new())
            .unwrap()
    }

    fn stay(from: i64, reentry: bool, to: Option<(i64, Exit)>) -> Stay {
        Stay {
            created: h(0),
            from: h(from),
            reentry,
            to: to.map(|(at, exit)| (h(at), exit)),
        }
    }

    #[test]
    fn stays_of_histories() {
        // Cancelled, back to open (a re-entry, not a reopen), solved.
        let hist = history(&[(1, "cancelled"), (2, "open"), (3, "solved")]);
        let facts = TicketFacts::history(&hist);
        assert_eq!(
            facts.backlog_stays(),
            [
                stay(0, false, Some((1, Exit::Cancelled))),
                stay(2, true, Some((3, Exit::Resolved)))
            ]
        );
        assert!(facts.reopened_at().is_empty());

        // Cancelled then solved: a resolution event that ends no stay.
        let hist = history(&[(1, "cancelled"), (2, "solved")]);
        let facts = TicketFacts::history(&hist);
        assert_eq!(
            facts.backlog_stays(),
            [stay(0, false, Some((1, Exit::Cancelled)))]
        );
        assert_eq!(facts.resolution_events().as_ref(), [h(2)]);

        // Solved, reopened, still open.
        let hist = history(&[(1, "solved"), (2, "pending")]);
        assert_eq!(
            TicketFacts::history(&hist).backlog_stays(),
            [
                stay(0, false, Some((1, Exit::Resolved))),
                stay(2, true, None)
            ]
        );
    }

    #[test]
    fn stays_of_summary_rows() {
        let cancelled = Ticket::builder("c", h(0))
            .status(Status::Cancelled)
            .build()
            .unwrap();
        assert_eq!(
            TicketFacts::summary(&cancelled).backlog_stays(),
            [stay(0, false, Some((0, Exit::Cancelled)))]
        );
        let reopened = Ticket::builder("r", h(0))
            .first_resolved_at(h(1))
            .resolved_at(h(5))
            .reopens(1)
            .build()
            .unwrap();
        let facts = TicketFacts::summary(&reopened);
        assert_eq!(
            facts.backlog_stays(),
            [stay(0, false, Some((5, Exit::Resolved)))]
        );
        assert_eq!(facts.resolution_events().as_ref(), [h(5)]);
    }

    #[test]
    fn the_sweep_never_goes_below_zero_on_ties() {
        // Created and resolved at one instant, at a period's first instant.
        let midnight = Utc.with_ymd_and_hms(2021, 6, 29, 0, 0, 0).unwrap();
        let t = Ticket::builder("t", midnight)
            .resolved_at(midnight)
            .build()
            .unwrap();
        let r = Backlog::default().compute([&t]).unwrap();
        let p = &r.periods[0];
        assert_eq!((p.opening, p.created, p.resolved, p.closing), (0, 1, 1, 0));
    }
}
