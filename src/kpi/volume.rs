//! Ticket volume and its trends (docs/definitions.md, "Ticket volume").

use super::TicketFacts;
use super::retention::report_keys;
use super::ticket::Exit;
use super::{Accumulator, Kpi, Metric, TicketAccumulator, incompatible};
use crate::error::{Error, ErrorKind};
use crate::model::{Instant, Ticket, TicketHistory};
use crate::stats::trend::{
    Change, LinearFit, SpikeOptions, change, least_squares, moving_average, spikes,
};
use crate::time::{Bucketer, LocalDates, Period, PeriodKey};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Options of [`Volume`].
///
/// ```
/// use supportkpi::kpi::VolumeOptions;
/// use supportkpi::time::Period;
/// let o = VolumeOptions::default()
///     .with_period(Period::Week)
///     .with_dimension("channel")
///     .with_moving_average_window(4);
/// assert_eq!(o.dimension.as_deref(), Some("channel"));
/// assert_eq!(o.moving_average_window, 4);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeOptions {
    /// Period length (default: day).
    pub period: Period,
    /// IANA zone periods, days and the heatmap are cut in (default: UTC).
    pub zone: Tz,
    /// Count per value of this dimension too ([`Ticket::dimension`]: `channel`, `priority`,
    /// `team`, `assignee`, `status`, `customer_id` or a free-form one). Default: none.
    pub dimension: Option<String>,
    /// Trailing moving average of created tickets over this many periods (default 7).
    pub moving_average_window: usize,
    /// Spike detection over the daily created series (default: 28-day window, threshold 3.5).
    pub spikes: SpikeOptions,
}

impl Default for VolumeOptions {
    fn default() -> Self {
        VolumeOptions {
            period: Period::Day,
            zone: Tz::UTC,
            dimension: None,
            moving_average_window: 7,
            spikes: SpikeOptions::default(),
        }
    }
}

impl VolumeOptions {
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

    /// Counts per value of this dimension too.
    #[must_use]
    pub fn with_dimension(mut self, name: impl Into<String>) -> Self {
        self.dimension = Some(name.into());
        self
    }

    /// Sets the moving-average window, in periods.
    #[must_use]
    pub fn with_moving_average_window(mut self, window: usize) -> Self {
        self.moving_average_window = window;
        self
    }

    /// Sets the spike detection options.
    #[must_use]
    pub fn with_spikes(mut self, spikes: SpikeOptions) -> Self {
        self.spikes = spikes;
        self
    }

    /// The bucketer these options describe.
    pub fn bucketer(&self) -> Bucketer {
        Bucketer::new(self.period, self.zone)
    }

    fn validate(&self) -> Result<(), Error> {
        if self.moving_average_window == 0 {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "a moving-average window is at least 1 period",
            )
            .with_field("moving_average_window")
            .with_value(0));
        }
        if let Some(name) = &self.dimension
            && name.trim().is_empty()
        {
            return Err(
                Error::new(ErrorKind::InvalidOption, "a dimension has a name")
                    .with_field("dimension")
                    .with_value(format!("{name:?}")),
            );
        }
        // The same checks `spikes` makes, run now so that a bad option fails at `new`.
        spikes(&[], self.spikes).map(|_| ())
    }
}

/// Ticket volume: created, resolved, reopened and cancelled tickets per period and per
/// dimension value, with changes, a moving average, the daily trend, spike days and the
/// weekday × hour heatmap (docs/definitions.md, "Ticket volume").
///
/// # Definitions
///
/// Every count is of *events*, each bucketed by its own instant in the options' zone (a
/// period is `[start, end)`: an event at exactly midnight belongs to the day it starts):
///
/// - **created**: one per ticket, at `created_at`.
/// - **resolved**: one per resolution. From a history, every resolution (entering solved or
///   closed from a status that is not resolved; solved → closed is not a second one), including
///   those later undone by a reopen. From a summary row, only its latest resolution
///   (`resolved_at`): its first one is undone by a reopen whose instant is unknown, so a summary
///   row gives at most one resolution.
/// - **reopened**: one per reopen (resolved → open) of a history. A summary row's reopen
///   instants are unknown, so it contributes no reopen events (its `reopens` count is not
///   bucketed anywhere).
/// - **cancelled**: one per stay in the backlog that ended without a resolution (cancelled or
///   merged), at that instant. A summary row cancelled without a resolution instant counts as
///   cancelled at its creation (the instant it left is unknown); one with a resolution instant
///   counts as resolved there.
///
/// With a dimension, each ticket's events go to its value of that dimension ([`Ticket::dimension`];
/// `None` when the ticket has none); the per-value counts add up to the totals.
///
/// The report covers every period from the first to the last one holding an event, empty ones
/// included (all zeros), so that changes and moving averages compare consecutive periods:
///
/// - **change** of created, resolved and reopened: [`change`] from the previous period
///   (absolute and %, the % undefined when the previous count is 0; undefined for the first
///   period);
/// - **moving average** of created: [`moving_average`] over `moving_average_window` periods
///   (undefined until a full window);
/// - **daily trend**: [`least_squares`] over the created count of every local day from the
///   first to the last day holding an event (tickets per day, per day), whatever the period;
/// - **spike days**: [`spikes`] over the same daily series (robust z-score against the
///   median/MAD of the trailing window);
/// - **heatmap**: created tickets by local weekday (Monday first) and hour of day in the zone.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::Ticket;
/// use supportkpi::kpi::{Kpi, Volume, VolumeOptions};
/// use supportkpi::time::parse_zone;
///
/// let at = |d: u32, h: u32| Utc.with_ymd_and_hms(2021, 6, d, h, 0, 0).unwrap();
/// let tickets = [
///     Ticket::builder("A", at(28, 9)).channel("email").resolved_at(at(29, 10)).build()?,
///     Ticket::builder("B", at(28, 23)).channel("chat").build()?,
///     Ticket::builder("C", at(29, 8)).channel("chat").build()?,
/// ];
/// let volume = Volume::new(VolumeOptions::default().with_dimension("channel"))?;
/// let r = volume.compute(&tickets)?;
/// assert_eq!(r.periods.len(), 2);
/// assert_eq!((r.periods[0].counts.created, r.periods[1].counts.created), (2, 1));
/// assert_eq!(r.periods[1].counts.resolved, 1);
/// assert_eq!(r.periods[1].created_change.as_value().unwrap().absolute, -1.0);
/// let chat = &r.periods[0].by_dimension[0];
/// assert_eq!((chat.value.as_deref(), chat.counts.created), (Some("chat"), 1));
/// // 2021-06-28 is a Monday; 23:00 UTC is 01:00 on Tuesday in Berlin.
/// let berlin = Volume::new(VolumeOptions::default().with_zone(parse_zone("Europe/Berlin")?))?;
/// assert_eq!(berlin.compute(&tickets)?.heatmap[1][1], 1);
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Volume {
    options: VolumeOptions,
}

impl Volume {
    /// The KPI with these options.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for a zero moving-average window, an empty dimension name,
    /// a zero spike window or a spike threshold that is not a positive number.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::{Volume, VolumeOptions};
    /// let err = Volume::new(VolumeOptions::default().with_moving_average_window(0)).unwrap_err();
    /// assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidOption);
    /// assert_eq!(err.field(), Some("moving_average_window"));
    /// ```
    pub fn new(options: VolumeOptions) -> Result<Self, Error> {
        options.validate()?;
        Ok(Volume { options })
    }

    /// The options.
    pub fn options(&self) -> &VolumeOptions {
        &self.options
    }
}

impl Kpi for Volume {
    type Accumulator = VolumeAccumulator;

    fn accumulator(&self) -> VolumeAccumulator {
        VolumeAccumulator {
            dates: LocalDates::new(self.options.zone),
            options: self.options.clone(),
            days: BTreeMap::new(),
            heatmap: [[0; 24]; 7],
        }
    }
}

/// Event counts of one period (or day, or dimension value).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeCounts {
    /// Tickets created.
    pub created: u64,
    /// Resolutions.
    pub resolved: u64,
    /// Reopens.
    pub reopened: u64,
    /// Stays in the backlog ended without a resolution (cancelled, merged).
    pub cancelled: u64,
}

impl VolumeCounts {
    pub(crate) fn add(&mut self, other: &VolumeCounts) {
        self.created += other.created;
        self.resolved += other.resolved;
        self.reopened += other.reopened;
        self.cancelled += other.cancelled;
    }

    pub(crate) fn is_zero(&self) -> bool {
        *self == VolumeCounts::default()
    }
}

/// The counts of one dimension value in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DimensionCounts {
    /// The dimension's value; `None` for tickets without one.
    pub value: Option<String>,
    /// Its counts.
    pub counts: VolumeCounts,
}

/// One period of a [`VolumeResult`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolumePeriod {
    /// The period.
    pub period: PeriodKey,
    /// Its first instant.
    pub start: Instant,
    /// Its exclusive end.
    pub end: Instant,
    /// The totals.
    pub counts: VolumeCounts,
    /// Created vs the previous period.
    pub created_change: Metric<Change>,
    /// Resolved vs the previous period.
    pub resolved_change: Metric<Change>,
    /// Reopened vs the previous period.
    pub reopened_change: Metric<Change>,
    /// Trailing moving average of created over the window.
    pub created_moving_average: Metric<f64>,
    /// Per dimension value: every value seen anywhere in the data, in order (`None` first),
    /// zeros included; empty without a dimension.
    pub by_dimension: Vec<DimensionCounts>,
}

/// A day whose created count is a spike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpikeDay {
    /// The local date.
    pub date: NaiveDate,
    /// Tickets created that day.
    pub created: u64,
    /// Median created per day over the trailing window.
    pub median: f64,
    /// Robust z-score.
    pub z: f64,
}

/// The result of [`Volume`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolumeResult {
    /// Tickets counted (= `totals.created`).
    pub n: u64,
    /// Every period from the first to the last one holding an event.
    pub periods: Vec<VolumePeriod>,
    /// Counts over the whole data.
    pub totals: VolumeCounts,
    /// The dimension counted by, if any.
    pub dimension: Option<String>,
    /// Least-squares trend of created tickets per local day (slope: tickets per day, per day);
    /// undefined with fewer than two days.
    pub daily_trend: Metric<LinearFit>,
    /// Days whose created count is a spike.
    pub spike_days: Vec<SpikeDay>,
    /// Created tickets by local weekday (`[0]` = Monday) and hour of day (`[h]` = h:00–h:59).
    pub heatmap: [[u64; 24]; 7],
}

/// The state of [`Volume`]: counts per (local date, dimension value) and the heatmap, so that
/// merges are exact sums.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::Ticket;
/// use supportkpi::kpi::{Accumulator, Kpi, Volume, VolumeAccumulator};
/// let t = Ticket::builder("A", Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap()).build()?;
/// let mut a = Volume::default().accumulator();
/// a.push(&t)?;
/// let json = serde_json::to_string(&a)?;
/// let mut b: VolumeAccumulator = serde_json::from_str(&json)?;
/// b.merge(a)?;
/// assert_eq!(b.finish().totals.created, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "VolumeState", into = "VolumeState")]
pub struct VolumeAccumulator {
    options: VolumeOptions,
    days: BTreeMap<(NaiveDate, Option<String>), VolumeCounts>,
    heatmap: [[u64; 24]; 7],
    /// Local dates with the last day remembered: a cache, not state (not serialized, not
    /// compared).
    dates: LocalDates,
}

impl PartialEq for VolumeAccumulator {
    fn eq(&self, other: &Self) -> bool {
        self.options == other.options && self.days == other.days && self.heatmap == other.heatmap
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VolumeState {
    options: VolumeOptions,
    days: Vec<DayState>,
    heatmap: [[u64; 24]; 7],
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DayState {
    date: NaiveDate,
    value: Option<String>,
    counts: VolumeCounts,
}

impl From<VolumeAccumulator> for VolumeState {
    fn from(a: VolumeAccumulator) -> Self {
        VolumeState {
            options: a.options,
            days: a
                .days
                .into_iter()
                .map(|((date, value), counts)| DayState {
                    date,
                    value,
                    counts,
                })
                .collect(),
            heatmap: a.heatmap,
        }
    }
}

impl TryFrom<VolumeState> for VolumeAccumulator {
    type Error = Error;
    fn try_from(s: VolumeState) -> Result<Self, Error> {
        let bad = |rule: String| Error::new(ErrorKind::InvalidState, rule);
        s.options.validate()?;
        let mut days = BTreeMap::new();
        let mut created = 0u64;
        for d in s.days {
            if d.value.is_some() && s.options.dimension.is_none() {
                return Err(bad("a dimension value without a dimension".into()));
            }
            if d.counts.is_zero() {
                return Err(bad(format!("an empty entry for {}", d.date)));
            }
            created += d.counts.created;
            if days.insert((d.date, d.value), d.counts).is_some() {
                return Err(bad(format!(
                    "two entries for one date and value ({})",
                    d.date
                )));
            }
        }
        let in_heatmap: u64 = s.heatmap.iter().flatten().sum();
        if in_heatmap != created {
            return Err(bad(format!(
                "the heatmap holds {in_heatmap} tickets but {created} were created"
            )));
        }
        Ok(VolumeAccumulator {
            dates: LocalDates::new(s.options.zone),
            options: s.options,
            days,
            heatmap: s.heatmap,
        })
    }
}

impl Default for VolumeAccumulator {
    /// An empty accumulator with the default options.
    fn default() -> Self {
        Volume::default().accumulator()
    }
}

impl VolumeAccumulator {
    /// The counts of each period that has any, all dimension values together: what a report
    /// needs, in memory proportional to the days with tickets (the full
    /// [`finish`](Accumulator::finish) lists every period from the first to the last).
    pub(crate) fn period_counts(&self) -> BTreeMap<PeriodKey, VolumeCounts> {
        let b = self.options.bucketer();
        let mut out: BTreeMap<PeriodKey, VolumeCounts> = BTreeMap::new();
        for ((date, _), counts) in &self.days {
            out.entry(b.key_of_date(*date)).or_default().add(counts);
        }
        out
    }

    /// The options the accumulator was built with.
    pub fn options(&self) -> &VolumeOptions {
        &self.options
    }

    fn add(&mut self, facts: TicketFacts<'_>) {
        let value = self
            .options
            .dimension
            .as_deref()
            .and_then(|d| facts.ticket.dimension(d))
            .map(str::to_owned);
        let (days, dates) = (&mut self.days, &mut self.dates);
        let mut bump = |at: Instant, f: fn(&mut VolumeCounts)| {
            f(days.entry((dates.date(at), value.clone())).or_default());
        };
        let created = facts.ticket.created_at();
        bump(created, |c| c.created += 1);
        for at in facts.resolution_events_iter() {
            bump(at, |c| c.resolved += 1);
        }
        for &at in facts.reopened_at() {
            bump(at, |c| c.reopened += 1);
        }
        facts.for_each_stay(|stay| {
            if let Some((at, Exit::Cancelled)) = stay.to {
                bump(at, |c| c.cancelled += 1);
            }
        });
        let (weekday, hour) = self.dates.weekday_hour(created);
        self.heatmap[weekday][hour] += 1;
    }
}

impl Accumulator for VolumeAccumulator {
    type Record = Ticket;
    type Output = VolumeResult;

    /// Adds one summary ticket (see [`Volume`] for what a summary row can tell).
    ///
    /// # Errors
    /// None: a built [`Ticket`] is valid.
    fn push(&mut self, ticket: &Ticket) -> Result<(), Error> {
        self.add(TicketFacts::summary(ticket));
        Ok(())
    }

    fn merge(&mut self, other: Self) -> Result<(), Error> {
        if self.options != other.options {
            return Err(incompatible("volume"));
        }
        for (key, counts) in other.days {
            self.days.entry(key).or_default().add(&counts);
        }
        for (row, other_row) in self.heatmap.iter_mut().zip(other.heatmap) {
            for (cell, n) in row.iter_mut().zip(other_row) {
                *cell += n;
            }
        }
        Ok(())
    }

    fn finish(self) -> VolumeResult {
        let o = &self.options;
        let b = o.bucketer();
        let keys = report_keys(&b, None, self.days.keys().map(|(d, _)| b.key_of_date(*d)));
        let values: BTreeSet<&Option<String>> = self.days.keys().map(|(_, v)| v).collect();
        let value_index: BTreeMap<&Option<String>, usize> =
            values.iter().enumerate().map(|(i, v)| (*v, i)).collect();

        let mut totals = VolumeCounts::default();
        let mut per_period = vec![VolumeCounts::default(); keys.len()];
        let dims = if o.dimension.is_some() {
            values.len()
        } else {
            0
        };
        let mut per_dim = vec![vec![VolumeCounts::default(); dims]; keys.len()];
        let mut daily: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for ((date, value), counts) in &self.days {
            // `keys` is every period from the first to the last touched, so each date is in it.
            let i = keys
                .binary_search(&b.key_of_date(*date))
                .unwrap_or_default();
            per_period[i].add(counts);
            totals.add(counts);
            if dims > 0 {
                per_dim[i][value_index[value]].add(counts);
            }
            *daily.entry(*date).or_default() += counts.created;
        }

        let daily_series = daily_series(&daily);
        let daily_values: Vec<f64> = daily_series.iter().map(|&(_, n)| n as f64).collect();
        let daily_trend = least_squares(&daily_values);
        let spike_days = spike_days(&daily, o.spikes);

        let created: Vec<f64> = per_period.iter().map(|c| c.created as f64).collect();
        let averages = moving_average(&created, o.moving_average_window).unwrap_or_default();
        let change_of = |i: usize, f: fn(&VolumeCounts) -> u64| match i.checked_sub(1) {
            Some(prev) => Metric::Value(change(
                f(&per_period[prev]) as f64,
                f(&per_period[i]) as f64,
            )),
            None => Metric::undefined("no previous period"),
        };
        let periods = keys
            .iter()
            .enumerate()
            .map(|(i, &key)| VolumePeriod {
                period: key,
                start: b.start_instant(key),
                end: b.end_instant(key),
                counts: per_period[i],
                created_change: change_of(i, |c| c.created),
                resolved_change: change_of(i, |c| c.resolved),
                reopened_change: change_of(i, |c| c.reopened),
                created_moving_average: averages[i].clone(),
                by_dimension: values
                    .iter()
                    .zip(per_dim[i].iter())
                    .map(|(v, counts)| DimensionCounts {
                        value: (*v).clone(),
                        counts: *counts,
                    })
                    .collect(),
            })
            .collect();
        VolumeResult {
            n: totals.created,
            periods,
            totals,
            dimension: o.dimension.clone(),
            daily_trend,
            spike_days,
            heatmap: self.heatmap,
        }
    }
}

/// Every local day from the first to the last of `daily`, with its created count (0 for a day
/// missing from the map).
fn daily_series(daily: &BTreeMap<NaiveDate, u64>) -> Vec<(NaiveDate, u64)> {
    match (daily.keys().next(), daily.keys().last()) {
        (Some(&first), Some(&last)) => first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d| (d, daily.get(&d).copied().unwrap_or(0)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The spike days of a daily created series: [`spikes`] over every day from the first to the
/// last (gaps are 0). The one rule behind [`VolumeResult::spike_days`] and the report's
/// [`Sections::spike_days`](crate::report::Sections::spike_days). A spike is one-sided (a
/// count above the trailing median), so days of 0 after the last creation change nothing.
pub(crate) fn spike_days(daily: &BTreeMap<NaiveDate, u64>, options: SpikeOptions) -> Vec<SpikeDay> {
    let series = daily_series(daily);
    let values: Vec<f64> = series.iter().map(|&(_, n)| n as f64).collect();
    // Validated options (`Volume::new`, the report's defaults) cannot fail.
    spikes(&values, options)
        .unwrap_or_default()
        .into_iter()
        .map(|s| SpikeDay {
            date: series[s.index].0,
            created: series[s.index].1,
            median: s.median,
            z: s.z,
        })
        .collect()
}

/// When tickets arrive: created tickets per local day and per local weekday × hour, in one
/// zone. What [`Volume`] counts for its spike days and heatmap, and what a report carries in
/// its [`Sections`](crate::report::Sections), from either engine.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Arrivals {
    /// Created tickets per local date (dates without any are absent).
    pub(crate) daily: BTreeMap<NaiveDate, u64>,
    /// Created tickets by local weekday (`[0]` = Monday) and hour.
    pub(crate) heatmap: [[u64; 24]; 7],
}

impl Arrivals {
    /// Counts one ticket created at `at`, with `dates` in the zone.
    pub(crate) fn push(&mut self, dates: &mut LocalDates, at: Instant) {
        *self.daily.entry(dates.date(at)).or_default() += 1;
        let (weekday, hour) = dates.weekday_hour(at);
        self.heatmap[weekday][hour] += 1;
    }

    /// Adds another zone-equal count.
    pub(crate) fn merge(&mut self, other: Arrivals) {
        for (date, n) in other.daily {
            *self.daily.entry(date).or_default() += n;
        }
        for (row, other_row) in self.heatmap.iter_mut().zip(other.heatmap) {
            for (cell, n) in row.iter_mut().zip(other_row) {
                *cell += n;
            }
        }
    }
}

impl VolumeAccumulator {
    /// The arrivals counted so far: the same days and heatmap [`finish`](Accumulator::finish)
    /// reports.
    pub(crate) fn arrivals(&self) -> Arrivals {
        let mut daily: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for ((date, _), counts) in &self.days {
            if counts.created > 0 {
                *daily.entry(*date).or_default() += counts.created;
            }
        }
        Arrivals {
            daily,
            heatmap: self.heatmap,
        }
    }
}

impl TicketAccumulator for VolumeAccumulator {
    /// Adds one ticket known by its history: every resolution, reopen and cancellation at its
    /// instant.
    ///
    /// # Errors
    /// None: a derived history is valid.
    fn push_history(&mut self, history: &TicketHistory) -> Result<(), Error> {
        self.add(TicketFacts::history(history));
        Ok(())
    }
}

impl Extend<Ticket> for VolumeAccumulator {
    fn extend<I: IntoIterator<Item = Ticket>>(&mut self, iter: I) {
        for t in iter {
            self.add(TicketFacts::summary(&t));
        }
    }
}

impl FromIterator<Ticket> for VolumeAccumulator {
    /// Counts the tickets with the default options.
    fn from_iter<I: IntoIterator<Item = Ticket>>(iter: I) -> Self {
        let mut acc = VolumeAccumulator::default();
        acc.extend(iter);
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn from_iterator_and_gap_days() {
        // Two tickets a week apart: seven periods (five empty), a flat-then-rising daily series.
        let t = |d: u32| {
            Ticket::builder(
                format!("t{d}"),
                Utc.with_ymd_and_hms(2021, 6, d, 12, 0, 0).unwrap(),
            )
            .build()
            .unwrap()
        };
        let acc: VolumeAccumulator = [t(21), t(27)].into_iter().collect();
        let r = acc.finish();
        assert_eq!(r.periods.len(), 7);
        let created: Vec<u64> = r.periods.iter().map(|p| p.counts.created).collect();
        assert_eq!(created, [1, 0, 0, 0, 0, 0, 1]);
        // y = 1, 0, 0, 0, 0, 0, 1 is symmetric about x = 3: slope 0.
        let slope = r.daily_trend.value().unwrap().slope;
        assert!(slope.abs() < 1e-15, "{slope}");
        // June 21 is a Monday, June 27 a Sunday.
        assert_eq!((r.heatmap[0][12], r.heatmap[6][12]), (1, 1));
    }
}
