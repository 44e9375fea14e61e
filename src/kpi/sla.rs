//! SLA attainment (docs/definitions.md, "SLA attainment").

use super::duration::{add, add_all, invalid_state};
use super::{Accumulator, Kpi, Metric, TicketAccumulator, TicketFacts, incompatible};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Instant, Status, StatusSpan, Ticket, TicketHistory};
use crate::time::{BusinessCalendar, TeamCalendars};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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

    fn set(&mut self, priority: Option<String>, target: SlaTarget) {
        match priority {
            Some(p) => {
                self.by_priority.insert(p, target);
            }
            None => self.default = Some(target),
        }
    }
}

/// The targets of every metric: the policy's own, or a team's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaTargetSet {
    #[serde(default)]
    first_response: SlaTargets,
    #[serde(default)]
    resolution: SlaTargets,
    #[serde(default)]
    next_reply: SlaTargets,
    #[serde(default)]
    periodic_update: SlaTargets,
}

impl SlaTargetSet {
    fn get(&self, metric: SlaMetric) -> &SlaTargets {
        match metric {
            SlaMetric::FirstResponse => &self.first_response,
            SlaMetric::Resolution => &self.resolution,
            SlaMetric::NextReply => &self.next_reply,
            SlaMetric::PeriodicUpdate => &self.periodic_update,
        }
    }

    fn get_mut(&mut self, metric: SlaMetric) -> &mut SlaTargets {
        match metric {
            SlaMetric::FirstResponse => &mut self.first_response,
            SlaMetric::Resolution => &mut self.resolution,
            SlaMetric::NextReply => &mut self.next_reply,
            SlaMetric::PeriodicUpdate => &mut self.periodic_update,
        }
    }

    fn all(&self) -> impl Iterator<Item = &SlaTarget> {
        SlaMetric::ALL.into_iter().flat_map(|m| self.get(m).all())
    }
}

/// The statuses that stop each metric's clock. [`Default`]: pending and on hold stop the
/// resolution clock (the ticket waits on the customer or a third party), nothing stops the
/// others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaPauses {
    #[serde(default)]
    first_response: BTreeSet<Status>,
    #[serde(default = "default_resolution_pauses")]
    resolution: BTreeSet<Status>,
    #[serde(default)]
    next_reply: BTreeSet<Status>,
    #[serde(default)]
    periodic_update: BTreeSet<Status>,
}

fn default_resolution_pauses() -> BTreeSet<Status> {
    [Status::Pending, Status::OnHold].into()
}

impl Default for SlaPauses {
    fn default() -> Self {
        SlaPauses {
            first_response: BTreeSet::new(),
            resolution: default_resolution_pauses(),
            next_reply: BTreeSet::new(),
            periodic_update: BTreeSet::new(),
        }
    }
}

impl SlaPauses {
    fn get(&self, metric: SlaMetric) -> &BTreeSet<Status> {
        match metric {
            SlaMetric::FirstResponse => &self.first_response,
            SlaMetric::Resolution => &self.resolution,
            SlaMetric::NextReply => &self.next_reply,
            SlaMetric::PeriodicUpdate => &self.periodic_update,
        }
    }

    fn get_mut(&mut self, metric: SlaMetric) -> &mut BTreeSet<Status> {
        match metric {
            SlaMetric::FirstResponse => &mut self.first_response,
            SlaMetric::Resolution => &mut self.resolution,
            SlaMetric::NextReply => &mut self.next_reply,
            SlaMetric::PeriodicUpdate => &mut self.periodic_update,
        }
    }
}

/// Which SLA metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaMetric {
    /// Time to the first public agent reply (`first_response_at`).
    FirstResponse,
    /// Time to resolution (`resolved_at`, the latest resolution).
    Resolution,
    /// Time from each public customer message after an agent reply to the next public agent
    /// reply (each of a ticket's [`reply_waits`](TicketHistory::reply_waits); event logs only).
    NextReply,
    /// Time from each public agent reply to the next one, or to the ticket leaving the open
    /// statuses, whichever comes first: the customer hears from the team at least this often
    /// (event logs only).
    PeriodicUpdate,
}

impl SlaMetric {
    /// Every metric, in the report's column order.
    pub const ALL: [SlaMetric; 4] = [
        SlaMetric::FirstResponse,
        SlaMetric::Resolution,
        SlaMetric::NextReply,
        SlaMetric::PeriodicUpdate,
    ];

    /// The snake_case name (`first_response`, `resolution`, `next_reply`, `periodic_update`).
    pub fn as_str(self) -> &'static str {
        match self {
            SlaMetric::FirstResponse => "first_response",
            SlaMetric::Resolution => "resolution",
            SlaMetric::NextReply => "next_reply",
            SlaMetric::PeriodicUpdate => "periodic_update",
        }
    }
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
    /// Not done, and the clock stopped in a pause status before the target ran out (a ticket
    /// pending on the customer at the end of the log): running, never met.
    Paused,
}

/// One ticket's SLA statuses; `None` where no target applies.
///
/// For the metrics measured many times per ticket (next reply, periodic update) the ticket's
/// status combines its instances: breached (at the earliest breach) if any is, else running
/// if any is (the earliest deadline), else paused if any is, else met; `None` without an
/// instance (no customer message after an agent reply, no agent reply) or from a summary row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TicketSla {
    /// Against the first-response target.
    pub first_response: Option<SlaStatus>,
    /// Against the resolution target.
    pub resolution: Option<SlaStatus>,
    /// Against the next-reply target.
    #[serde(default)]
    pub next_reply: Option<SlaStatus>,
    /// Against the periodic-update target.
    #[serde(default)]
    pub periodic_update: Option<SlaStatus>,
}

impl TicketSla {
    /// The status of `metric`.
    pub fn get(&self, metric: SlaMetric) -> Option<SlaStatus> {
        match metric {
            SlaMetric::FirstResponse => self.first_response,
            SlaMetric::Resolution => self.resolution,
            SlaMetric::NextReply => self.next_reply,
            SlaMetric::PeriodicUpdate => self.periodic_update,
        }
    }
}

/// Combines the statuses of a metric's instances into the ticket's (see [`TicketSla`]).
fn combine(statuses: impl IntoIterator<Item = SlaStatus>) -> Option<SlaStatus> {
    let mut breach: Option<Instant> = None;
    let mut running: Option<Instant> = None;
    let (mut paused, mut any) = (false, false);
    for s in statuses {
        any = true;
        match s {
            SlaStatus::Met => {}
            SlaStatus::Breached { at } => breach = Some(breach.map_or(at, |b| b.min(at))),
            SlaStatus::Running { deadline } => {
                running = Some(running.map_or(deadline, |r| r.min(deadline)));
            }
            SlaStatus::Paused => paused = true,
        }
    }
    if !any {
        return None;
    }
    Some(match (breach, running) {
        (Some(at), _) => SlaStatus::Breached { at },
        (None, Some(deadline)) => SlaStatus::Running { deadline },
        (None, None) if paused => SlaStatus::Paused,
        (None, None) => SlaStatus::Met,
    })
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
    next_reply: SlaTargets,
    periodic_update: SlaTargets,
    pause: SlaPauses,
    teams: BTreeMap<String, SlaTargetSet>,
    team_calendars: Option<TeamCalendars>,
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
    #[serde(default)]
    next_reply: SlaTargets,
    #[serde(default)]
    periodic_update: SlaTargets,
    #[serde(default)]
    pause: SlaPauses,
    #[serde(default)]
    teams: BTreeMap<String, SlaTargetSet>,
    #[serde(default)]
    team_calendars: Option<TeamCalendars>,
}

impl TryFrom<SlaPolicyRepr> for SlaPolicy {
    type Error = Error;
    fn try_from(r: SlaPolicyRepr) -> Result<Self> {
        let policy = SlaPolicy {
            calendar: r.calendar,
            first_response: r.first_response,
            resolution: r.resolution,
            next_reply: r.next_reply,
            periodic_update: r.periodic_update,
            pause: r.pause,
            teams: r.teams,
            team_calendars: r.team_calendars,
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

    /// Sets the target of `metric` for tickets of `priority` (`None`: the metric's default
    /// target, for tickets with no priority or one not named).
    ///
    /// ```
    /// use supportkpi::kpi::{SlaMetric, SlaPolicy, SlaTarget};
    /// let p = SlaPolicy::new().with_target(SlaMetric::NextReply, None, SlaTarget::business(4 * 3600)?);
    /// assert_eq!(p.target(SlaMetric::NextReply, Some("P1")), Some(SlaTarget::business(4 * 3600)?));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    #[must_use]
    pub fn with_target(
        mut self,
        metric: SlaMetric,
        priority: Option<&str>,
        target: SlaTarget,
    ) -> Self {
        self.targets_mut(metric)
            .set(priority.map(str::to_owned), target);
        self
    }

    /// Sets a team's own target of `metric` for `priority` (`None`: the team's default for
    /// the metric). A ticket of the team (its `team`, matched exactly) takes the team's target
    /// of the metric when the team has one for its priority (or a team default), the policy's
    /// otherwise.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::Ticket;
    /// use supportkpi::kpi::{SlaMetric, SlaPolicy, SlaTarget};
    /// let p = SlaPolicy::new()
    ///     .first_response_default(SlaTarget::calendar(8 * 3600)?)
    ///     .with_team_target("vip", SlaMetric::FirstResponse, None, SlaTarget::calendar(3600)?);
    /// let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let vip = Ticket::builder("A", at).team("vip").build()?;
    /// let other = Ticket::builder("B", at).team("billing").build()?;
    /// assert_eq!(p.target_for(SlaMetric::FirstResponse, &vip), Some(SlaTarget::calendar(3600)?));
    /// assert_eq!(p.target_for(SlaMetric::FirstResponse, &other), Some(SlaTarget::calendar(8 * 3600)?));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    #[must_use]
    pub fn with_team_target(
        mut self,
        team: impl Into<String>,
        metric: SlaMetric,
        priority: Option<&str>,
        target: SlaTarget,
    ) -> Self {
        self.teams
            .entry(team.into())
            .or_default()
            .get_mut(metric)
            .set(priority.map(str::to_owned), target);
        self
    }

    /// Sets the statuses that stop `metric`'s clock (replacing the default: pending and on
    /// hold for resolution, none for the others). Only an event history has the status
    /// history to pause on; a summary row's clock never stops.
    #[must_use]
    pub fn pause(mut self, metric: SlaMetric, statuses: impl IntoIterator<Item = Status>) -> Self {
        *self.pause.get_mut(metric) = statuses.into_iter().collect();
        self
    }

    /// The statuses that stop `metric`'s clock.
    pub fn paused_in(&self, metric: SlaMetric) -> &BTreeSet<Status> {
        self.pause.get(metric)
    }

    /// Runs each ticket's business-clock targets on its team's calendar ([`TeamCalendars`]);
    /// the policy's [`calendar`](Self::calendar) is the default.
    #[must_use]
    pub fn team_calendars(mut self, calendars: TeamCalendars) -> Self {
        self.team_calendars = Some(calendars);
        self
    }

    /// The calendars per team, if any.
    pub fn get_team_calendars(&self) -> Option<&TeamCalendars> {
        self.team_calendars.as_ref()
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

    /// The target of `metric` that applies to `ticket`: its team's (see
    /// [`with_team_target`](Self::with_team_target)), else the policy's for its priority.
    pub fn target_for(&self, metric: SlaMetric, ticket: &Ticket) -> Option<SlaTarget> {
        let priority = ticket.priority();
        ticket
            .team()
            .and_then(|team| self.teams.get(team))
            .and_then(|set| set.get(metric).for_priority(priority))
            .or_else(|| self.target(metric, priority))
    }

    fn targets(&self, metric: SlaMetric) -> &SlaTargets {
        match metric {
            SlaMetric::FirstResponse => &self.first_response,
            SlaMetric::Resolution => &self.resolution,
            SlaMetric::NextReply => &self.next_reply,
            SlaMetric::PeriodicUpdate => &self.periodic_update,
        }
    }

    fn targets_mut(&mut self, metric: SlaMetric) -> &mut SlaTargets {
        match metric {
            SlaMetric::FirstResponse => &mut self.first_response,
            SlaMetric::Resolution => &mut self.resolution,
            SlaMetric::NextReply => &mut self.next_reply,
            SlaMetric::PeriodicUpdate => &mut self.periodic_update,
        }
    }

    /// Checks that business-clock targets have a calendar that opens.
    fn validate(&self) -> Result<()> {
        let business = SlaMetric::ALL
            .into_iter()
            .flat_map(|m| self.targets(m).all())
            .chain(self.teams.values().flat_map(SlaTargetSet::all))
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
        let clock = |metric| Clock {
            policy: self,
            ticket,
            spans: None,
            metric,
        };
        let created = ticket.created_at();
        Ok(TicketSla {
            first_response: clock(SlaMetric::FirstResponse).status(
                created,
                ticket.first_response_at(),
                as_of,
            )?,
            resolution: clock(SlaMetric::Resolution).status(
                created,
                ticket.resolved_at(),
                as_of,
            )?,
            next_reply: None,
            periodic_update: None,
        })
    }

    /// Where a ticket known by its event history stands against each target, as of `as_of`
    /// (`None`: as final), with the clocks stopped in each metric's pause statuses.
    ///
    /// - **Pauses**: the clock of a metric runs only while the ticket is in a status outside
    ///   the metric's pause set ([`pause`](Self::pause); by default pending and on hold stop
    ///   the resolution clock). The deadline is the instant the target's seconds of running
    ///   clock have elapsed; a clock stopped for good before that has no deadline: the target
    ///   is [`Paused`](SlaStatus::Paused) unless done.
    /// - **First response** and **resolution** run from creation, as in
    ///   [`evaluate`](Self::evaluate) (the same result when nothing pauses).
    /// - **Next reply**: one instance per [`reply_wait`](TicketHistory::reply_waits), from
    ///   the customer's message to the agent's reply.
    /// - **Periodic update**: one instance per counted public agent reply made while the
    ///   ticket is open, from that reply to the next one or to the end of that open stretch
    ///   (resolution, cancellation), whichever comes first.
    ///
    /// # Errors
    /// As [`evaluate`](Self::evaluate).
    ///
    /// # Example
    /// A resolution target of 4 hours, the clock stopped while the ticket is pending:
    /// ```
    /// use chrono::{Duration, TimeZone, Utc};
    /// use supportkpi::TicketEvent;
    /// use supportkpi::kpi::{SlaPolicy, SlaStatus, SlaTarget};
    /// use supportkpi::model::{DeriveOptions, EventKind, StatusMap, TicketHistory};
    ///
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let h = |hours| t0 + Duration::hours(hours);
    /// let to = |hours, s: &str| TicketEvent::new("T", h(hours), EventKind::StatusChange { to: s.into() });
    /// let events = vec![TicketEvent::new("T", t0, EventKind::Created),
    ///     to(1, "pending"), to(6, "open"), to(8, "solved")];
    /// let history = TicketHistory::from_events("T", events, &StatusMap::canonical(), DeriveOptions::new())?;
    /// let policy = SlaPolicy::new().resolution_default(SlaTarget::calendar(4 * 3600)?);
    /// // 1 h new, 5 h pending (stopped), then 3 more hours: the deadline is 09:00 + 4 h + 5 h.
    /// let sla = policy.evaluate_history(&history, None)?;
    /// assert_eq!(sla.resolution, Some(SlaStatus::Met)); // solved at 17:00, deadline 18:00
    /// assert_eq!(policy.evaluate(history.ticket(), None)?.resolution,
    ///            Some(SlaStatus::Breached { at: h(4) })); // the summary row cannot pause
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn evaluate_history(
        &self,
        history: &TicketHistory,
        as_of: Option<Instant>,
    ) -> Result<TicketSla> {
        let as_of = as_of.unwrap_or(DateTime::<Utc>::MAX_UTC);
        let ticket = history.ticket();
        let clock = |metric| Clock {
            policy: self,
            ticket,
            spans: Some(history.status_spans()),
            metric,
        };
        let created = ticket.created_at();
        let next = clock(SlaMetric::NextReply);
        let next_reply = if next.target().is_some() && history.records_replies() {
            let mut statuses = Vec::new();
            for wait in history.reply_waits() {
                statuses.extend(next.status(wait.from, wait.to, as_of)?);
            }
            combine(statuses)
        } else {
            None
        };
        let update = clock(SlaMetric::PeriodicUpdate);
        let periodic_update = if update.target().is_some() && history.records_replies() {
            let replies = history.agent_replies_at();
            let mut statuses = Vec::new();
            for (i, &at) in replies.iter().enumerate() {
                let Some(&(_, end)) = history
                    .open_intervals()
                    .iter()
                    .find(|&&(from, to)| from <= at && to.is_none_or(|to| at < to))
                else {
                    continue;
                };
                let next = replies.get(i + 1).copied();
                let done = match (next, end) {
                    (Some(n), Some(e)) => Some(n.min(e)),
                    (n, e) => n.or(e),
                };
                statuses.extend(update.status(at, done, as_of)?);
            }
            combine(statuses)
        } else {
            None
        };
        Ok(TicketSla {
            first_response: clock(SlaMetric::FirstResponse).status(
                created,
                ticket.first_response_at(),
                as_of,
            )?,
            resolution: clock(SlaMetric::Resolution).status(
                created,
                ticket.resolved_at(),
                as_of,
            )?,
            next_reply,
            periodic_update,
        })
    }

    /// Seconds of running clock of `metric`'s target for `history` within `[from, until)`:
    /// the time outside the metric's pause statuses, on the target's clock (`None` when no
    /// target applies). Never more than the same span's time without pauses.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] (field `calendar`) for a business target without a
    /// calendar.
    pub fn elapsed_seconds(
        &self,
        history: &TicketHistory,
        metric: SlaMetric,
        from: Instant,
        until: Instant,
    ) -> Result<Option<i64>> {
        let clock = Clock {
            policy: self,
            ticket: history.ticket(),
            spans: Some(history.status_spans()),
            metric,
        };
        let Some(target) = clock.target() else {
            return Ok(None);
        };
        let mut total = 0i64;
        for (a, b) in clock.running(from) {
            let b = b.map_or(until, |b| b.min(until));
            if b > a {
                total += clock.seconds(target, a, b)?;
            }
        }
        Ok(Some(total))
    }
}

/// One metric's clock for one ticket: its target, calendar and pause statuses.
struct Clock<'a> {
    policy: &'a SlaPolicy,
    ticket: &'a Ticket,
    /// The status history to pause on (`None`: a summary row, never paused).
    spans: Option<&'a [StatusSpan]>,
    metric: SlaMetric,
}

impl Clock<'_> {
    fn target(&self) -> Option<SlaTarget> {
        self.policy.target_for(self.metric, self.ticket)
    }

    fn context(&self, e: Error) -> Error {
        e.with_record_type("ticket")
            .with_id(self.ticket.id().as_str())
    }

    fn calendar(&self) -> Result<&BusinessCalendar> {
        let default = self.policy.calendar.as_ref();
        let cal = match &self.policy.team_calendars {
            Some(map) => map.for_ticket(self.ticket, default),
            None => default,
        };
        cal.ok_or_else(|| {
            self.context(
                Error::new(
                    ErrorKind::InvalidOption,
                    "business-time SLA targets need a business calendar",
                )
                .with_field("calendar"),
            )
        })
    }

    /// The stretches from `start` on when the clock runs, in order: `[a, b)`, `b = None` for
    /// the last one when it runs on.
    fn running(&self, start: Instant) -> Vec<(Instant, Option<Instant>)> {
        let paused = self.policy.pause.get(self.metric);
        let Some(spans) = self.spans.filter(|_| !paused.is_empty()) else {
            return vec![(start, None)];
        };
        let mut out: Vec<(Instant, Option<Instant>)> = Vec::new();
        for span in spans.iter().filter(|s| !paused.contains(&s.status)) {
            let a = span.from.max(start);
            if span.to.is_some_and(|to| to <= a) {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.1 == Some(a) => last.1 = span.to,
                _ => out.push((a, span.to)),
            }
        }
        out
    }

    fn seconds(&self, target: SlaTarget, a: Instant, b: Instant) -> Result<i64> {
        Ok(match target.clock {
            SlaClock::Calendar => (b - a).num_seconds(),
            SlaClock::Business => self.calendar()?.business_seconds(a, b),
        })
    }

    /// The instant the target runs out when the clock starts at `start`; `None` when the clock
    /// stops for good first.
    fn deadline(&self, target: SlaTarget, start: Instant) -> Result<Option<Instant>> {
        let mut remaining = target.seconds;
        for (a, b) in self.running(start) {
            if let Some(b) = b {
                let available = self.seconds(target, a, b)?;
                if remaining > available {
                    remaining -= available;
                    continue;
                }
            }
            let deadline = match target.clock {
                SlaClock::Calendar => a.checked_add_signed(TimeDelta::seconds(remaining)),
                SlaClock::Business => self.calendar()?.add_business_seconds(a, remaining),
            };
            return deadline.map(Some).ok_or_else(|| {
                self.context(
                    Error::new(
                        ErrorKind::InvalidValue,
                        "the SLA deadline lies beyond the instants the library can represent \
                         (or the calendar never opens again)",
                    )
                    .with_field("deadline")
                    .with_value(format!(
                        "{} + {} s",
                        a.to_rfc3339(),
                        remaining
                    )),
                )
            });
        }
        Ok(None)
    }

    /// The status of one instance that starts at `start` and is done at `done`.
    fn status(
        &self,
        start: Instant,
        done: Option<Instant>,
        as_of: Instant,
    ) -> Result<Option<SlaStatus>> {
        let Some(target) = self.target() else {
            return Ok(None);
        };
        let deadline = self.deadline(target, start)?;
        Ok(Some(match (done.filter(|&d| d <= as_of), deadline) {
            (Some(d), Some(deadline)) if d <= deadline => SlaStatus::Met,
            (Some(_), Some(deadline)) => SlaStatus::Breached { at: deadline },
            (Some(_), None) => SlaStatus::Met,
            (None, Some(deadline)) if as_of < deadline => SlaStatus::Running { deadline },
            (None, Some(deadline)) => SlaStatus::Breached { at: deadline },
            (None, None) => SlaStatus::Paused,
        }))
    }
}

/// Options of [`Sla`]: the policy and the instant tickets are judged at.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::kpi::{SlaOptions, SlaPolicy, SlaTarget};
/// let now = Utc.with_ymd_and_hms(2021, 7, 1, 0, 0, 0).unwrap();
/// let o = SlaOptions::new(SlaPolicy::new().resolution_default(SlaTarget::calendar(86_400)?))
///     .with_as_of(now);
/// assert_eq!(o.as_of, Some(now));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaOptions {
    /// The targets tickets are judged against.
    pub policy: SlaPolicy,
    /// The instant tickets are judged at (`None`: as final).
    #[serde(default)]
    pub as_of: Option<Instant>,
}

impl SlaOptions {
    /// Options with `policy`, judging tickets as final (no `as_of`).
    pub fn new(policy: SlaPolicy) -> Self {
        SlaOptions {
            policy,
            as_of: None,
        }
    }

    /// Sets the policy (the one [`SlaOptions::new`] takes).
    #[must_use]
    pub fn with_policy(mut self, policy: SlaPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Judge tickets as of `as_of` (typically the end of the data, or now): a ticket not yet
    /// done whose deadline lies after it is running.
    #[must_use]
    pub fn with_as_of(mut self, as_of: Instant) -> Self {
        self.as_of = Some(as_of);
        self
    }

    /// Deprecated alias of [`with_as_of`](Self::with_as_of).
    #[deprecated(since = "0.2.0", note = "use with_as_of")]
    #[must_use]
    pub fn as_of(self, as_of: Instant) -> Self {
        self.with_as_of(as_of)
    }

    /// Deprecated: read the public `policy` field.
    #[deprecated(since = "0.2.0", note = "use the `policy` field")]
    pub fn get_policy(&self) -> &SlaPolicy {
        &self.policy
    }

    /// Deprecated: read the public `as_of` field.
    #[deprecated(since = "0.2.0", note = "use the `as_of` field")]
    pub fn get_as_of(&self) -> Option<Instant> {
        self.as_of
    }
}

/// SLA attainment: met, breached and running tickets against each target, and the share met.
///
/// # Definition
///
/// - Each summary row is judged by [`SlaPolicy::evaluate`] and each history by
///   [`SlaPolicy::evaluate_history`] (clocks paused in the pause statuses; next-reply and
///   periodic-update targets) as of the options' `as_of`, on each metric separately.
/// - **Attainment %** of a metric = 100 × met / (met + breached): only decided tickets count.
///   Running tickets are left out — they may still be met, and counting them either way would
///   move the figure as time passes — and counted in `running`; tickets without an applicable
///   target are counted in `no_target`. With nothing decided, attainment is
///   [`Metric::Undefined`] with the reason.
/// - `met + breached + running + no_target` = tickets, for each metric.
/// - **Bucketing**: a ticket belongs to the period of its `created_at`
///   ([`bucket_instant`](Self::bucket_instant)): attainment of the tickets opened in a period.
/// - **Running at the end**: a target not done whose deadline is after `as_of`, or whose
///   clock is stopped in a pause status ([`SlaStatus::Paused`]), is counted in `running`,
///   never as met. Without `as_of` tickets are judged as final: only paused clocks run.
/// - A summary row and a history that pauses nothing give the same first-response and
///   resolution statuses (the summary ticket's `first_response_at` and `resolved_at`).
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
/// let sla = Sla::new(SlaOptions::new(policy).with_as_of(at(12)))?;
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

/// A ticket judged with `options`: the one rule of [`Sla::evaluate_facts`] and
/// [`SlaAccumulator`]'s pushes.
fn evaluate(options: &SlaOptions, facts: TicketFacts<'_>) -> Result<TicketSla> {
    match facts.history {
        Some(h) => options.policy.evaluate_history(h, options.as_of),
        None => options.policy.evaluate(facts.ticket, options.as_of),
    }
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

    /// Where a ticket stands against each target, as its accumulators would count it
    /// ([`SlaPolicy::evaluate_history`] for a history, else [`SlaPolicy::evaluate`]).
    ///
    /// # Errors
    /// As [`SlaPolicy::evaluate`].
    pub(crate) fn evaluate_facts(&self, facts: TicketFacts<'_>) -> Result<TicketSla> {
        evaluate(&self.options, facts)
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
            next_reply: SlaCounts::default(),
            periodic_update: SlaCounts::default(),
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
            Some(SlaStatus::Running { .. } | SlaStatus::Paused) => &mut c.running,
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
    next_reply: SlaCounts,
    periodic_update: SlaCounts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaState {
    options: SlaOptions,
    tickets: u64,
    first_response: SlaCounts,
    resolution: SlaCounts,
    next_reply: SlaCounts,
    periodic_update: SlaCounts,
}

impl TryFrom<SlaState> for SlaAccumulator {
    type Error = Error;
    fn try_from(s: SlaState) -> Result<Self> {
        let kpi = Sla::new(s.options)?;
        for (field, counts) in [
            ("first_response", s.first_response),
            ("resolution", s.resolution),
            ("next_reply", s.next_reply),
            ("periodic_update", s.periodic_update),
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
            next_reply: s.next_reply,
            periodic_update: s.periodic_update,
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
        self.push_measured(facts).map(|_| ())
    }

    /// Adds a ticket and hands back where it stands against each target, as counted: the
    /// report's drill-down lists take its breaches from here rather than judging it again.
    pub(crate) fn push_measured(&mut self, facts: TicketFacts<'_>) -> Result<TicketSla> {
        let sla = evaluate(&self.options, facts)?;
        self.push_evaluated(facts.ticket, sla)?;
        Ok(sla)
    }

    /// Where a ticket stands against each target, as [`push_measured`](Self::push_measured)
    /// would count it, without counting it.
    ///
    /// # Errors
    /// As [`SlaPolicy::evaluate`].
    pub(crate) fn evaluate_facts(&self, facts: TicketFacts<'_>) -> Result<TicketSla> {
        evaluate(&self.options, facts)
    }

    /// Adds a ticket already judged with these options ([`Sla::evaluate_facts`]): the report
    /// judges a ticket once, before any of its cells changes, then pushes the result into each.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] if a count would exceed 2⁶⁴ − 1 (unchanged then).
    pub(crate) fn push_evaluated(&mut self, ticket: &Ticket, sla: TicketSla) -> Result<()> {
        self.add(1, SlaMetric::ALL.map(|m| SlaCounts::one(sla.get(m))))
            .map_err(|e| e.with_record_type("ticket").with_id(ticket.id().as_str()))
    }

    fn add(&mut self, tickets: u64, counts: [SlaCounts; 4]) -> Result<()> {
        // All or nothing: every sum is checked before any is stored.
        let mut sums = [
            self.first_response,
            self.resolution,
            self.next_reply,
            self.periodic_update,
        ];
        let total = add(self.tickets, tickets)?;
        for (sum, c) in sums.iter_mut().zip(counts) {
            let [a, b, r, n] = [
                &mut sum.met,
                &mut sum.breached,
                &mut sum.running,
                &mut sum.no_target,
            ];
            add_all([a, b, r, n], [c.met, c.breached, c.running, c.no_target])?;
        }
        self.tickets = total;
        [
            self.first_response,
            self.resolution,
            self.next_reply,
            self.periodic_update,
        ] = sums;
        Ok(())
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
        self.add(
            other.tickets,
            [
                other.first_response,
                other.resolution,
                other.next_reply,
                other.periodic_update,
            ],
        )
    }

    fn finish(self) -> SlaResult {
        SlaResult {
            tickets: self.tickets,
            as_of: self.options.as_of,
            first_response: self.first_response.finish(),
            resolution: self.resolution.finish(),
            next_reply: self.next_reply.finish(),
            periodic_update: self.periodic_update.finish(),
        }
    }
}

impl TicketAccumulator for SlaAccumulator {
    /// Adds one ticket by its history: [`SlaPolicy::evaluate_history`] (pauses, next reply,
    /// periodic update).
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
    /// Next-reply attainment (tickets with a wait; event logs only).
    pub next_reply: SlaAttainment,
    /// Periodic-update attainment (tickets with an agent reply; event logs only).
    pub periodic_update: SlaAttainment,
}

impl SlaResult {
    /// The attainment of `metric`.
    pub fn get(&self, metric: SlaMetric) -> &SlaAttainment {
        match metric {
            SlaMetric::FirstResponse => &self.first_response,
            SlaMetric::Resolution => &self.resolution,
            SlaMetric::NextReply => &self.next_reply,
            SlaMetric::PeriodicUpdate => &self.periodic_update,
        }
    }
}

impl SlaAccumulator {
    /// Writes the counts, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        w.u64(self.tickets);
        for c in [
            &self.first_response,
            &self.resolution,
            &self.next_reply,
            &self.periodic_update,
        ] {
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
        let next_reply = counts()?;
        let periodic_update = counts()?;
        Self::try_from(SlaState {
            options: self.options.clone(),
            tickets,
            first_response,
            resolution,
            next_reply,
            periodic_update,
        })
    }
}
