//! SLA attainment (docs/definitions.md, "SLA attainment").

use super::duration::{add_all, invalid_state};
use super::{Accumulator, Kpi, Metric, TicketAccumulator, TicketFacts, incompatible};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Instant, Ticket, TicketHistory};
use crate::time::BusinessCalendar;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest target accepted: 100 years of 366 days. Longer is a unit mistake, and the cap
/// keeps every calendar deadline of a real ticket representable.
pub const MAX_SLA_TARGET_SECONDS: i64 = 100 * 366 * 86_400;

/// Which clock an SLA target runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaClock {
    /// Elapsed time: the deadline is `created_at + target`.
    Calendar,
    /// Open time on the policy's [`BusinessCalendar`]: the deadline is the instant the target's
    /// business seconds have elapsed ([`BusinessCalendar::add_business_seconds`]).
    Business,
}

/// One SLA target: a number of seconds on a clock.
///
/// ```
/// use supportkpi::ErrorKind;
/// use supportkpi::kpi::{SlaClock, SlaTarget};
/// let t = SlaTarget::business(4 * 3600)?;
/// assert_eq!((t.seconds(), t.clock()), (14_400, SlaClock::Business));
/// let err = SlaTarget::calendar(-60).unwrap_err();
/// assert_eq!((err.kind(), err.field(), err.value()), (ErrorKind::InvalidOption, Some("target_seconds"), Some("-60")));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "SlaTargetRepr")]
pub struct SlaTarget {
    seconds: i64,
    clock: SlaClock,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaTargetRepr {
    seconds: i64,
    clock: SlaClock,
}

impl TryFrom<SlaTargetRepr> for SlaTarget {
    type Error = Error;
    fn try_from(r: SlaTargetRepr) -> Result<Self> {
        SlaTarget::new(r.seconds, r.clock)
    }
}

impl SlaTarget {
    /// A target of `seconds` on `clock`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] (field `target_seconds`) unless
    /// `1 ≤ seconds ≤ `[`MAX_SLA_TARGET_SECONDS`]: a target of zero or less could only be
    /// breached.
    pub fn new(seconds: i64, clock: SlaClock) -> Result<Self> {
        if !(1..=MAX_SLA_TARGET_SECONDS).contains(&seconds) {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "an SLA target must be at least 1 second and at most 100 years",
            )
            .with_field("target_seconds")
            .with_value(seconds));
        }
        Ok(SlaTarget { seconds, clock })
    }

    /// A calendar-time target.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn calendar(seconds: i64) -> Result<Self> {
        SlaTarget::new(seconds, SlaClock::Calendar)
    }

    /// A business-time target (the policy needs a calendar).
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn business(seconds: i64) -> Result<Self> {
        SlaTarget::new(seconds, SlaClock::Business)
    }

    /// The target in seconds.
    pub fn seconds(&self) -> i64 {
        self.seconds
    }

    /// The clock.
    pub fn clock(&self) -> SlaClock {
        self.clock
    }
}

/// The targets of one SLA metric: per priority, plus a default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaTargets {
    #[serde(default)]
    by_priority: BTreeMap<String, SlaTarget>,
    #[serde(default)]
    default: Option<SlaTarget>,
}

impl SlaTargets {
    fn for_priority(&self, priority: Option<&str>) -> Option<SlaTarget> {
        priority
            .and_then(|p| self.by_priority.get(p))
            .or(self.default.as_ref())
            .copied()
    }

    fn all(&self) -> impl Iterator<Item = &SlaTarget> {
        self.by_priority.values().chain(self.default.as_ref())
    }
}

/// Which SLA metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaMetric {
    /// Time to the first public agent reply (`first_response_at`).
    FirstResponse,
    /// Time to resolution (`resolved_at`, the latest resolution).
    Resolution,
}

/// Where one ticket stands against one SLA target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    /// Done (responded / resolved) at or before the deadline.
    Met,
    /// Not done by the deadline, which has passed.
    Breached {
        /// The deadline: the first instant the ticket was in breach.
        at: Instant,
    },
    /// Not done yet, and the deadline lies after `as_of`.
    Running {
        /// When it will be breached unless done first.
        deadline: Instant,
    },
}

/// One ticket's SLA statuses; `None` where no target applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TicketSla {
    /// Against the first-response target.
    pub first_response: Option<SlaStatus>,
    /// Against the resolution target.
    pub resolution: Option<SlaStatus>,
}

/// An SLA policy: first-response and resolution targets per priority, each on the calendar or
/// the business clock, and the business calendar.
///
/// - **Priorities** are matched exactly (case-sensitive) against the ticket's `priority`, as the
///   data spells them ("P1", "1 - Critical"). A ticket with no priority, or one the policy does
///   not name, gets the metric's default target, or no target when there is none.
/// - **Deadline** = `created_at + target` (calendar clock) or the instant `target` business
///   seconds after `created_at` ([`BusinessCalendar::add_business_seconds`]: the end of the
///   target's last open second — 8 business hours from Monday 10:00 on a 10:00–18:00 calendar
///   is Monday 18:00, not Tuesday 10:00).
/// - **Status** at an instant `as_of` (see [`evaluate`](Self::evaluate)): done at or before
///   `as_of` (responded, resolved) → [`Met`](SlaStatus::Met) when done at or before the
///   deadline, else [`Breached`](SlaStatus::Breached) at the deadline; not done by `as_of` →
///   [`Running`](SlaStatus::Running) while `as_of < deadline`, else breached at the deadline.
///   So a Friday-evening business deadline followed by a Saturday reply is breached, though no
///   business time passed after the deadline: the deadline is an instant, and it passed.
/// - **Resolution** uses the latest resolution (`resolved_at`): a reopened ticket is judged on
///   when it was solved for good, and one reopened and still open is running or breached.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::{BusinessCalendar, Ticket};
/// use supportkpi::kpi::{SlaPolicy, SlaStatus, SlaTarget};
///
/// let at = |d, h| Utc.with_ymd_and_hms(2021, 6, d, h, 0, 0).unwrap();
/// let policy = SlaPolicy::new()
///     .calendar(BusinessCalendar::parse("Mon-Fri 10:00-18:00", chrono_tz::UTC)?)
///     .first_response("P1", SlaTarget::business(4 * 3600)?)
///     .first_response_default(SlaTarget::calendar(24 * 3600)?);
/// // Created Monday 16:00: 2 business hours left Monday, 2 more from Tuesday 10:00.
/// let t = Ticket::builder("A", at(28, 16)).priority("P1").build()?;
/// let sla = policy.evaluate(&t, Some(at(29, 9)))?;
/// assert_eq!(sla.first_response, Some(SlaStatus::Running { deadline: at(29, 12) }));
/// assert_eq!(sla.resolution, None); // no resolution target
/// let late = policy.evaluate(&t, Some(at(29, 13)))?;
/// assert_eq!(late.first_response, Some(SlaStatus::Breached { at: at(29, 12) }));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SlaPolicyRepr")]
pub struct SlaPolicy {
    calendar: Option<BusinessCalendar>,
    first_response: SlaTargets,
    resolution: SlaTargets,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaPolicyRepr {
    #[serde(default)]
    calendar: Option<BusinessCalendar>,
    #[serde(default)]
    first_response: SlaTargets,
    #[serde(default)]
    resolution: SlaTargets,
}

impl TryFrom<SlaPolicyRepr> for SlaPolicy {
    type Error = Error;
    fn try_from(r: SlaPolicyRepr) -> Result<Self> {
        let policy = SlaPolicy {
            calendar: r.calendar,
            first_response: r.first_response,
            resolution: r.resolution,
        };
        policy.validate()?;
        Ok(policy)
    }
}

impl SlaPolicy {
    /// A policy without targets (every ticket has no target) and without a calendar.
    pub fn new() -> Self {
        SlaPolicy::default()
    }

    /// The business calendar the business-clock targets run on.
    #[must_use]
    pub fn calendar(mut self, calendar: BusinessCalendar) -> Self {
        self.calendar = Some(calendar);
        self
    }

    /// The first-response target of tickets whose priority is `priority`.
    #[must_use]
    pub fn first_response(mut self, priority: impl Into<String>, target: SlaTarget) -> Self {
        self.first_response
            .by_priority
            .insert(priority.into(), target);
        self
    }

    /// The first-response target of tickets with no priority or one not named.
    #[must_use]
    pub fn first_response_default(mut self, target: SlaTarget) -> Self {
        self.first_response.default = Some(target);
        self
    }

    /// The resolution target of tickets whose priority is `priority`.
    #[must_use]
    pub fn resolution(mut self, priority: impl Into<String>, target: SlaTarget) -> Self {
        self.resolution.by_priority.insert(priority.into(), target);
        self
    }

    /// The resolution target of tickets with no priority or one not named.
    #[must_use]
    pub fn resolution_default(mut self, target: SlaTarget) -> Self {
        self.resolution.default = Some(target);
        self
    }

    /// The business calendar, if any.
    pub fn get_calendar(&self) -> Option<&BusinessCalendar> {
        self.calendar.as_ref()
    }

    /// The target of `metric` that applies to a ticket of `priority` (`None`: no target).
    ///
    /// ```
    /// use supportkpi::kpi::{SlaMetric, SlaPolicy, SlaTarget};
    /// let p = SlaPolicy::new().resolution("high", SlaTarget::calendar(3600)?);
    /// assert_eq!(p.target(SlaMetric::Resolution, Some("high")), Some(SlaTarget::calendar(3600)?));
    /// assert_eq!(p.target(SlaMetric::Resolution, Some("High")), None); // exact match
    /// assert_eq!(p.target(SlaMetric::FirstResponse, Some("high")), None);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn target(&self, metric: SlaMetric, priority: Option<&str>) -> Option<SlaTarget> {
        self.targets(metric).for_priority(priority)
    }

    fn targets(&self, metric: SlaMetric) -> &SlaTargets {
        match metric {
            SlaMetric::FirstResponse => &self.first_response,
            SlaMetric::Resolution => &self.resolution,
        }
    }

    /// Checks that business-clock targets have a calendar that opens.
    fn validate(&self) -> Result<()> {
        let business = self
            .first_response
            .all()
            .chain(self.resolution.all())
            .any(|t| t.clock == SlaClock::Business);
        if !business {
            return Ok(());
        }
        match &self.calendar {
            None => Err(Error::new(
                ErrorKind::InvalidOption,
                "business-time SLA targets need a business calendar",
            )
            .with_field("calendar")),
            Some(cal) if cal.weekly_open_seconds() == 0 => Err(Error::new(
                ErrorKind::InvalidOption,
                "business-time SLA targets need a calendar that is open some time each week",
            )
            .with_field("calendar")
            .with_value(cal)),
            Some(_) => Ok(()),
        }
    }

    /// Where `ticket` stands against each target, as of `as_of`.
    ///
    /// `as_of = None` judges the ticket as final: whatever is not done is breached at its
    /// deadline (nothing is running). A ticket created after `as_of` is running.
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidOption`] (field `calendar`) when the ticket's target is on the
    ///   business clock and the policy has no calendar;
    /// - [`ErrorKind::InvalidValue`] (field `deadline`) when there is no deadline to give: a
    ///   business calendar that never opens, or a deadline beyond the instants chrono can
    ///   represent.
    ///
    /// Both name the ticket.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::Ticket;
    /// use supportkpi::kpi::{SlaPolicy, SlaStatus, SlaTarget};
    /// let at = |h| Utc.with_ymd_and_hms(2021, 6, 28, h, 0, 0).unwrap();
    /// let p = SlaPolicy::new().first_response_default(SlaTarget::calendar(3600)?);
    /// let answered = Ticket::builder("A", at(9)).first_response_at(at(10)).build()?;
    /// assert_eq!(p.evaluate(&answered, None)?.first_response, Some(SlaStatus::Met));
    /// let silent = Ticket::builder("B", at(9)).build()?;
    /// assert_eq!(p.evaluate(&silent, None)?.first_response, Some(SlaStatus::Breached { at: at(10) }));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn evaluate(&self, ticket: &Ticket, as_of: Option<Instant>) -> Result<TicketSla> {
        let as_of = as_of.unwrap_or(DateTime::<Utc>::MAX_UTC);
        let status = |metric, done| self.status(metric, ticket, done, as_of);
        Ok(TicketSla {
            first_response: status(SlaMetric::FirstResponse, ticket.first_response_at())?,
            resolution: status(SlaMetric::Resolution, ticket.resolved_at())?,
        })
    }

    fn status(
        &self,
        metric: SlaMetric,
        ticket: &Ticket,
        done: Option<Instant>,
        as_of: Instant,
    ) -> Result<Option<SlaStatus>> {
        let Some(target) = self.target(metric, ticket.priority()) else {
            return Ok(None);
        };
        let context = |e: Error| e.with_record_type("ticket").with_id(ticket.id().as_str());
        let created = ticket.created_at();
        let deadline = match target.clock {
            SlaClock::Calendar => created.checked_add_signed(TimeDelta::seconds(target.seconds)),
            SlaClock::Business => {
                let cal = self.calendar.as_ref().ok_or_else(|| {
                    context(
                        Error::new(
                            ErrorKind::InvalidOption,
                            "business-time SLA targets need a business calendar",
                        )
                        .with_field("calendar"),
                    )
                })?;
                cal.add_business_seconds(created, target.seconds)
            }
        }
        .ok_or_else(|| {
            context(
                Error::new(
                    ErrorKind::InvalidValue,
                    "the SLA deadline lies beyond the instants the library can represent \
                     (or the calendar never opens again)",
                )
                .with_field("deadline")
                .with_value(format!(
                    "{} + {} s",
                    created.to_rfc3339(),
                    target.seconds
                )),
            )
        })?;
        Ok(Some(match done.filter(|&d| d <= as_of) {
            Some(d) if d <= deadline => SlaStatus::Met,
            Some(_) => SlaStatus::Breached { at: deadline },
            None if as_of < deadline => SlaStatus::Running { deadline },
            None => SlaStatus::Breached { at: deadline },
        }))
    }
}

/// Options of [`Sla`]: the policy and the instant tickets are judged at.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::kpi::{SlaOptions, SlaPolicy, SlaTarget};
/// let now = Utc.with_ymd_and_hms(2021, 7, 1, 0, 0, 0).unwrap();
/// let o = SlaOptions::new(SlaPolicy::new().resolution_default(SlaTarget::calendar(86_400)?)).as_of(now);
/// assert_eq!(o.get_as_of(), Some(now));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaOptions {
    policy: SlaPolicy,
    #[serde(default)]
    as_of: Option<Instant>,
}

impl SlaOptions {
    /// Options with `policy`, judging tickets as final (no `as_of`).
    pub fn new(policy: SlaPolicy) -> Self {
        SlaOptions {
            policy,
            as_of: None,
        }
    }

    /// Judge tickets as of `as_of` (typically the end of the data, or now): a ticket not yet
    /// done whose deadline lies after it is running.
    #[must_use]
    pub fn as_of(mut self, as_of: Instant) -> Self {
        self.as_of = Some(as_of);
        self
    }

    /// The policy.
    pub fn get_policy(&self) -> &SlaPolicy {
        &self.policy
    }

    /// The instant tickets are judged at; `None`: as final.
    pub fn get_as_of(&self) -> Option<Instant> {
        self.as_of
    }
}

/// SLA attainment: met, breached and running tickets against each target, and the share met.
///
/// # Definition
///
/// - Each ticket is judged by [`SlaPolicy::evaluate`] as of the options' `as_of`, on its first
///   response and on its resolution, separately.
/// - **Attainment %** of a metric = 100 × met / (met + breached): only decided tickets count.
///   Running tickets are left out — they may still be met, and counting them either way would
///   move the figure as time passes — and counted in `running`; tickets without an applicable
///   target are counted in `no_target`. With nothing decided, attainment is
///   [`Metric::Undefined`] with the reason.
/// - `met + breached + running + no_target` = tickets, for each metric.
/// - **Bucketing**: a ticket belongs to the period of its `created_at`
///   ([`bucket_instant`](Self::bucket_instant)): attainment of the tickets opened in a period.
/// - Histories and summary rows go through the same code (the summary ticket's
///   `first_response_at` and `resolved_at`).
/// - `Default`: an empty policy (every ticket has no target), judged as final.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::Ticket;
/// use supportkpi::kpi::{Kpi, Sla, SlaOptions, SlaPolicy, SlaTarget};
///
/// let at = |h| Utc.with_ymd_and_hms(2021, 6, 28, h, 0, 0).unwrap();
/// let policy = SlaPolicy::new().first_response_default(SlaTarget::calendar(2 * 3600)?);
/// let sla = Sla::new(SlaOptions::new(policy).as_of(at(12)))?;
/// let tickets = [
///     Ticket::builder("A", at(8)).first_response_at(at(9)).build()?,  // met
///     Ticket::builder("B", at(8)).first_response_at(at(11)).build()?, // breached at 10:00
///     Ticket::builder("C", at(11)).build()?,                          // running until 13:00
/// ];
/// let r = sla.compute(&tickets)?;
/// let frt = r.first_response;
/// assert_eq!((frt.met, frt.breached, frt.running, frt.no_target), (1, 1, 1, 0));
/// assert_eq!(frt.attainment_pct.value(), Some(50.0));
/// assert_eq!(r.resolution.no_target, 3);
/// assert!(!r.resolution.attainment_pct.is_defined());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sla {
    options: SlaOptions,
}

impl Sla {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] (field `calendar`) when the policy has a business-clock
    /// target and no calendar, or a calendar never open. (A bad target is refused when the
    /// [`SlaTarget`] is built.)
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::kpi::{Sla, SlaOptions, SlaPolicy, SlaTarget};
    /// let p = SlaPolicy::new().first_response("P1", SlaTarget::business(3600)?);
    /// let err = Sla::new(SlaOptions::new(p)).unwrap_err();
    /// assert_eq!((err.kind(), err.field()), (ErrorKind::InvalidOption, Some("calendar")));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: SlaOptions) -> Result<Self> {
        options.policy.validate()?;
        Ok(Sla { options })
    }

    /// The options.
    pub fn options(&self) -> &SlaOptions {
        &self.options
    }

    /// The instant that puts `ticket` in a period: its `created_at` (always `Some`).
    pub fn bucket_instant(&self, ticket: &Ticket) -> Option<Instant> {
        Some(ticket.created_at())
    }

    /// An empty accumulator (also [`Kpi::accumulator`]).
    pub fn accumulator(&self) -> SlaAccumulator {
        SlaAccumulator {
            options: self.options.clone(),
            tickets: 0,
            first_response: SlaCounts::default(),
            resolution: SlaCounts::default(),
        }
    }
}

impl Kpi for Sla {
    type Accumulator = SlaAccumulator;

    fn accumulator(&self) -> SlaAccumulator {
        Sla::accumulator(self)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaCounts {
    met: u64,
    breached: u64,
    running: u64,
    no_target: u64,
}

impl SlaCounts {
    fn one(status: Option<SlaStatus>) -> Self {
        let mut c = SlaCounts::default();
        *match status {
            None => &mut c.no_target,
            Some(SlaStatus::Met) => &mut c.met,
            Some(SlaStatus::Breached { .. }) => &mut c.breached,
            Some(SlaStatus::Running { .. }) => &mut c.running,
        } = 1;
        c
    }

    fn total(&self) -> Option<u64> {
        self.met
            .checked_add(self.breached)?
            .checked_add(self.running)?
            .checked_add(self.no_target)
    }

    fn finish(self) -> SlaAttainment {
        let decided = self.met + self.breached;
        SlaAttainment {
            attainment_pct: if decided == 0 {
                Metric::undefined("no ticket met or breached its target yet")
            } else {
                Metric::Value(100.0 * self.met as f64 / decided as f64)
            },
            met: self.met,
            breached: self.breached,
            running: self.running,
            no_target: self.no_target,
        }
    }
}

/// The SLA push / merge / finish state: per metric, met / breached / running / no-target counts.
///
/// Serializes as `{"options", "tickets", "first_response", "resolution"}`; deserializing checks
/// the policy and that each metric's counts add up to `tickets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SlaState")]
pub struct SlaAccumulator {
    options: SlaOptions,
    tickets: u64,
    first_response: SlaCounts,
    resolution: SlaCounts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaState {
    options: SlaOptions,
    tickets: u64,
    first_response: SlaCounts,
    resolution: SlaCounts,
}

impl TryFrom<SlaState> for SlaAccumulator {
    type Error = Error;
    fn try_from(s: SlaState) -> Result<Self> {
        let kpi = Sla::new(s.options)?;
        for (field, counts) in [
            ("first_response", s.first_response),
            ("resolution", s.resolution),
        ] {
            if counts.total() != Some(s.tickets) {
                return Err(invalid_state(
                    field,
                    "met + breached + running + no_target must equal tickets",
                ));
            }
        }
        Ok(SlaAccumulator {
            options: kpi.options,
            tickets: s.tickets,
            first_response: s.first_response,
            resolution: s.resolution,
        })
    }
}

impl Default for SlaAccumulator {
    /// An empty accumulator with the default options.
    fn default() -> Self {
        Sla::default().accumulator()
    }
}

impl SlaAccumulator {
    /// The options it was built with.
    pub fn options(&self) -> &SlaOptions {
        &self.options
    }

    fn push_facts(&mut self, facts: TicketFacts<'_>) -> Result<()> {
        let sla = self
            .options
            .policy
            .evaluate(facts.ticket, self.options.as_of)?;
        self.add(
            1,
            SlaCounts::one(sla.first_response),
            SlaCounts::one(sla.resolution),
        )
        .map_err(|e| {
            e.with_record_type("ticket")
                .with_id(facts.ticket.id().as_str())
        })
    }

    fn add(&mut self, tickets: u64, first: SlaCounts, resolution: SlaCounts) -> Result<()> {
        let f = &mut self.first_response;
        let r = &mut self.resolution;
        add_all(
            [
                &mut self.tickets,
                &mut f.met,
                &mut f.breached,
                &mut f.running,
                &mut f.no_target,
                &mut r.met,
                &mut r.breached,
                &mut r.running,
                &mut r.no_target,
            ],
            [
                tickets,
                first.met,
                first.breached,
                first.running,
                first.no_target,
                resolution.met,
                resolution.breached,
                resolution.running,
                resolution.no_target,
            ],
        )
    }
}

impl Accumulator for SlaAccumulator {
    type Record = Ticket;
    type Output = SlaResult;

    /// Adds one summary ticket.
    ///
    /// # Errors
    /// Those of [`SlaPolicy::evaluate`], and [`ErrorKind::InvalidState`] if a count would
    /// exceed 2⁶⁴ − 1; the accumulator is unchanged on error.
    fn push(&mut self, ticket: &Ticket) -> Result<()> {
        self.push_facts(TicketFacts::summary(ticket))
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] for another policy or `as_of`;
    /// [`ErrorKind::InvalidState`] on count overflow. `self` is unchanged on error.
    fn merge(&mut self, other: Self) -> Result<()> {
        if self.options != other.options {
            return Err(incompatible("SLA"));
        }
        self.add(other.tickets, other.first_response, other.resolution)
    }

    fn finish(self) -> SlaResult {
        SlaResult {
            tickets: self.tickets,
            as_of: self.options.as_of,
            first_response: self.first_response.finish(),
            resolution: self.resolution.finish(),
        }
    }
}

impl TicketAccumulator for SlaAccumulator {
    /// Adds one ticket by its history (its derived first response and latest resolution).
    fn push_history(&mut self, history: &TicketHistory) -> Result<()> {
        self.push_facts(TicketFacts::history(history))
    }
}

/// Attainment of one SLA metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaAttainment {
    /// 100 × met / (met + breached); undefined when nothing is decided.
    pub attainment_pct: Metric<f64>,
    /// Tickets done within the target.
    pub met: u64,
    /// Tickets past their deadline, done or not.
    pub breached: u64,
    /// Tickets not done whose deadline is still ahead (excluded from the percentage).
    pub running: u64,
    /// Tickets to which no target applies (excluded from the percentage).
    pub no_target: u64,
}

/// What [`Sla`] reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaResult {
    /// Tickets pushed.
    pub tickets: u64,
    /// The instant they were judged at; `None`: as final.
    pub as_of: Option<Instant>,
    /// First-response attainment.
    pub first_response: SlaAttainment,
    /// Resolution attainment.
    pub resolution: SlaAttainment,
}

impl SlaAccumulator {
    /// Writes the counts, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        w.u64(self.tickets);
        for c in [&self.first_response, &self.resolution] {
            for v in [c.met, c.breached, c.running, c.no_target] {
                w.u64(v);
            }
        }
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` and the checks of
    /// a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self> {
        let tickets = r.u64()?;
        let mut counts = || -> Result<SlaCounts> {
            Ok(SlaCounts {
                met: r.u64()?,
                breached: r.u64()?,
                running: r.u64()?,
                no_target: r.u64()?,
            })
        };
        let first_response = counts()?;
        let resolution = counts()?;
        Self::try_from(SlaState {
            options: self.options.clone(),
            tickets,
            first_response,
            resolution,
        })
    }
}
