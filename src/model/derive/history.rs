use super::{DeriveOptions, StatusMap, derive_one};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Instant, Status, Ticket, TicketEvent, TicketId};
use chrono::TimeDelta;
use serde::Serialize;

/// A stretch of time a ticket spent in one status: `[from, to)`, `to = None` while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatusSpan {
    /// The status.
    pub status: Status,
    /// When the ticket entered it.
    pub from: Instant,
    /// When the ticket left it; `None` for the current status.
    pub to: Option<Instant>,
}

impl StatusSpan {
    /// The part of `[a, b)` this span covers.
    fn overlap(&self, a: Instant, b: Instant) -> TimeDelta {
        let start = self.from.max(a);
        let end = self.to.map_or(b, |to| to.min(b));
        if end > start {
            end - start
        } else {
            TimeDelta::zero()
        }
    }
}

/// A customer's wait for a next reply: from a public customer message that follows an agent
/// reply to the next public agent reply (see
/// [`derive_histories`](crate::model::derive_histories) for the rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplyWait {
    /// The customer's message that opened the wait.
    pub from: Instant,
    /// The agent's reply that ended it; `None`: unanswered (the ticket is still open).
    pub to: Option<Instant>,
}

/// One ticket's history, derived from its events by the rules documented on
/// [`derive_histories`](crate::model::derive_histories).
///
/// It carries the summary [`Ticket`] that every summary-based KPI takes, plus what only an event
/// log can tell: each resolution and reopen, when the ticket counted in the backlog, and how long
/// it spent in each status.
///
/// # Example
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use supportkpi::TicketEvent;
/// use supportkpi::model::{
///     Author, DeriveOptions, EventKind, Status, StatusMap, TicketHistory,
/// };
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let h = |m: i64| t0 + Duration::minutes(m);
/// let status = |to: &str| EventKind::StatusChange { to: to.into() };
/// let events = vec![
///     TicketEvent::new("T-1", t0, EventKind::Created),
///     TicketEvent::new("T-1", h(5), EventKind::Reply { author: Author::Bot, public: true }),
///     TicketEvent::new("T-1", h(30), EventKind::Reply { author: Author::Agent, public: true }),
///     TicketEvent::new("T-1", h(30), status("Awaiting User Info")),
///     TicketEvent::new("T-1", h(90), status("Active")),
///     TicketEvent::new("T-1", h(120), status("Resolved")),
/// ];
/// let history =
///     TicketHistory::from_events("T-1", events, &StatusMap::servicenow(), DeriveOptions::new())?;
/// let ticket = history.ticket();
/// assert_eq!(ticket.first_response_seconds(), Some(30 * 60)); // the bot does not count
/// assert_eq!(ticket.resolution_seconds(), Some(120 * 60));
/// assert_eq!(ticket.status(), Status::Solved);
/// assert_eq!(history.waiting_seconds_between(t0, h(120)), 60 * 60);
/// assert!(history.is_open_at(h(119)) && !history.is_open_at(h(120)));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketHistory {
    pub(super) ticket: Ticket,
    pub(super) public_agent_replies: u32,
    pub(super) records_replies: bool,
    pub(super) reply_waits: Vec<ReplyWait>,
    pub(super) agent_replies_at: Vec<Instant>,
    pub(super) reopens: u32,
    pub(super) status_spans: Vec<StatusSpan>,
    pub(super) open_intervals: Vec<(Instant, Option<Instant>)>,
    /// Per closed open interval, in order: whether a resolution closed it (derivable only
    /// during the walk; not part of the serialized form).
    #[serde(skip)]
    pub(super) closed_by_resolution: Vec<bool>,
    pub(super) resolutions: Vec<Instant>,
    pub(super) reopened_at: Vec<Instant>,
    pub(super) merged_into: Option<TicketId>,
}

impl TicketHistory {
    /// Derives one ticket's history from its events (in any order).
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an event of another
    ///   ticket (field `ticket_id`);
    /// - every error of [`derive_histories`](crate::model::derive_histories): a missing or
    ///   repeated creation, an event before creation, an unmapped status.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::{ErrorKind, TicketEvent};
    /// use supportkpi::model::{DeriveOptions, EventKind, StatusMap, TicketHistory};
    ///
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let events = [
    ///     TicketEvent::new("T-1", t0, EventKind::Created),
    ///     TicketEvent::new("T-1", t0, EventKind::StatusChange { to: "Parked".into() }),
    /// ];
    /// let err = TicketHistory::from_events("T-1", events, &StatusMap::servicenow(),
    ///     DeriveOptions::new()).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::UnmappedStatus);
    /// assert_eq!(err.record().unwrap().id.as_deref(), Some("T-1"));
    /// assert_eq!((err.field(), err.value()), (Some("status"), Some("Parked")));
    /// ```
    pub fn from_events(
        id: impl Into<TicketId>,
        events: impl IntoIterator<Item = TicketEvent>,
        map: &StatusMap,
        options: DeriveOptions,
    ) -> Result<TicketHistory> {
        let id = id.into();
        let events: Vec<TicketEvent> = events.into_iter().collect();
        if let Some(stranger) = events.iter().find(|e| e.ticket_id != id) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("every event must belong to ticket {id}"),
            )
            .with_record_type("event")
            .with_id(id.as_str())
            .with_field("ticket_id")
            .with_value(stranger.ticket_id.as_str()));
        }
        derive_one(id, events, map, options)
    }

    /// The summary ticket.
    ///
    /// Its `first_resolved_at` and `resolved_at` are set only when the ticket *ends* resolved
    /// (so a ticket reopened and still open is unresolved, and counts in the backlog); the
    /// resolutions of such a ticket are in [`resolutions`](TicketHistory::resolutions).
    /// `agent_replies` is [`public_agent_replies`](TicketHistory::public_agent_replies), `reopens`
    /// is [`reopens`](TicketHistory::reopens), `assignee` the last assignment.
    pub fn ticket(&self) -> &Ticket {
        &self.ticket
    }

    /// Rebuilds the summary ticket through `describe`, which must only set descriptive
    /// attributes (customer, channel, priority, team, assignee, dimensions): the readers attach
    /// what an event log carries beside its events. Crate-internal so that no caller can make
    /// the ticket disagree with the history it was derived with.
    ///
    /// # Errors
    /// The rebuilt ticket's validation (never triggered by attributes alone).
    pub(crate) fn describe_ticket(
        &mut self,
        describe: impl FnOnce(crate::model::TicketBuilder) -> crate::model::TicketBuilder,
    ) -> Result<()> {
        let ticket = describe(self.ticket.clone().into_builder()).build()?;
        self.ticket = ticket;
        Ok(())
    }

    /// The summary ticket, by value.
    pub fn into_ticket(self) -> Ticket {
        self.ticket
    }

    /// The ticket's id.
    pub fn id(&self) -> &TicketId {
        self.ticket.id()
    }

    /// When it was created.
    pub fn created_at(&self) -> Instant {
        self.ticket.created_at()
    }

    /// Its final status (cancelled for a merged ticket).
    pub fn status(&self) -> Status {
        self.ticket.status()
    }

    /// Public agent replies, not counting the message an agent opened the ticket with.
    pub fn public_agent_replies(&self) -> u32 {
        self.public_agent_replies
    }

    /// Whether its log records replies ([`DeriveOptions::records_replies`]); when not, its
    /// reply count, first response and reply waits are unknown, not zero.
    pub fn records_replies(&self) -> bool {
        self.records_replies
    }

    /// Its waits for a next reply, in order (empty when the log records no replies).
    pub fn reply_waits(&self) -> &[ReplyWait] {
        &self.reply_waits
    }

    /// The instants of its counted public agent replies (those
    /// [`public_agent_replies`](Self::public_agent_replies) counts), in order.
    pub fn agent_replies_at(&self) -> &[Instant] {
        &self.agent_replies_at
    }

    /// How many times it went from a resolved status back to an open one.
    pub fn reopens(&self) -> u32 {
        self.reopens
    }

    /// Whether it was resolved on first contact: it ends resolved, with at most one public
    /// agent reply, and was never reopened (`false` when the log records no replies: it
    /// cannot be told).
    pub fn first_contact_resolved(&self) -> bool {
        self.records_replies
            && self.ticket.resolved_at().is_some()
            && self.public_agent_replies <= 1
            && self.reopens == 0
    }

    /// Time in each status, in order: contiguous, starting at creation in [`Status::New`] (or the
    /// status it took at that very instant), no two neighbours with the same status, no empty
    /// span, the last one open (`to = None`).
    pub fn status_spans(&self) -> &[StatusSpan] {
        &self.status_spans
    }

    /// When it counted in the backlog: half-open `[from, to)` intervals, sorted and disjoint;
    /// `to = None` when it is still open. The first starts at creation; each later one at a
    /// reopen (or a return from cancelled). An interval is empty (`from == to`) when the ticket
    /// was resolved at the instant it was opened.
    pub fn open_intervals(&self) -> &[(Instant, Option<Instant>)] {
        &self.open_intervals
    }

    /// Whether a resolution (rather than a cancellation or a merge) closed the open interval
    /// `i` of [`open_intervals`](Self::open_intervals); false for one still open.
    pub(crate) fn closed_by_resolution(&self, i: usize) -> bool {
        self.closed_by_resolution.get(i).copied().unwrap_or(false)
    }

    /// Every resolution instant, in order (Solved → Closed is not a new one).
    pub fn resolutions(&self) -> &[Instant] {
        &self.resolutions
    }

    /// Every reopen instant, in order.
    pub fn reopened_at(&self) -> &[Instant] {
        &self.reopened_at
    }

    /// The ticket it was merged into, if it was.
    pub fn merged_into(&self) -> Option<&TicketId> {
        self.merged_into.as_ref()
    }

    /// Whether it counts in the backlog at `t` (created at or before `t`, not resolved,
    /// cancelled or merged at `t`).
    pub fn is_open_at(&self, t: Instant) -> bool {
        self.open_intervals
            .iter()
            .any(|&(from, to)| from <= t && to.is_none_or(|to| t < to))
    }

    /// Calendar time within `[a, b)` spent in a status `which` accepts (zero when `b <= a`).
    ///
    /// # Example
    /// ```
    /// # use chrono::{Duration, TimeZone, Utc};
    /// # use supportkpi::TicketEvent;
    /// # use supportkpi::model::{DeriveOptions, EventKind, Status, StatusMap, TicketHistory};
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let events = [
    ///     TicketEvent::new("T-1", t0, EventKind::Created),
    ///     TicketEvent::new("T-1", t0 + Duration::hours(1),
    ///         EventKind::StatusChange { to: "on_hold".into() }),
    /// ];
    /// let h = TicketHistory::from_events("T-1", events, &StatusMap::canonical(),
    ///     DeriveOptions::new())?;
    /// let in_new = h.time_in_between(t0, t0 + Duration::hours(3), |s| s == Status::New);
    /// assert_eq!(in_new, Duration::hours(1));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn time_in_between(
        &self,
        a: Instant,
        b: Instant,
        which: impl Fn(Status) -> bool,
    ) -> TimeDelta {
        self.status_spans
            .iter()
            .filter(|span| which(span.status))
            .map(|span| span.overlap(a, b))
            .sum()
    }

    /// Whole calendar seconds within `[a, b)` spent waiting (pending or on hold), for the
    /// "exclude waiting time" variants of the resolution KPIs.
    pub fn waiting_seconds_between(&self, a: Instant, b: Instant) -> i64 {
        self.time_in_between(a, b, Status::is_waiting).num_seconds()
    }
}
