//! Tickets from event logs: the status map, the derivation rules, per-ticket histories.

mod history;
mod status_map;

pub use history::{ReplyWait, StatusSpan, TicketHistory};
pub use status_map::StatusMap;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    Author, EventKind, Instant, Status, StatusCategory, Ticket, TicketEvent, TicketId,
};
use std::collections::HashMap;

/// What the derivation does with an event stamped before its ticket's `Created` event.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum BeforeCreation {
    /// The ticket is rejected with [`ErrorKind::NegativeDuration`] naming the event's `at`
    /// (the default: such an event would give a negative response or resolution time).
    #[default]
    Reject,
    /// The event is moved to the creation instant, then ordered as usual. For logs whose
    /// creation stamp is known to lag the first updates (ServiceNow's `opened_at` can be a few
    /// minutes to hours after the first `sys_updated_at`).
    Clamp,
}

/// The order in which a ticket's events are taken.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum EventOrder {
    /// By instant (the default); events of one instant in a fixed order whatever the input's
    /// (the creation, customer messages, other replies, assignments, then status changes and
    /// merges in the input's order).
    /// For logs whose rows are not in update order, and logs read in partitions.
    #[default]
    Time,
    /// The input's own order (the source's update sequence), `Created` first. For exports
    /// written in update order whose timestamps can run backwards within a ticket — the
    /// ServiceNow incident log, where a row of an earlier modification can be stamped later,
    /// so time order invents a reopen ServiceNow never counted. An event stamped before an
    /// earlier event of the sequence that changed the ticket is taken to happen at that
    /// event's instant, so spans and intervals never run backwards; a status change to the
    /// status the ticket is already in changes nothing, so its stamp holds nothing back.
    Source,
}

/// Options of the event-log derivation; [`Default`] is [`DeriveOptions::new`].
///
/// # Example
/// ```
/// use supportkpi::model::{BeforeCreation, DeriveOptions};
/// use supportkpi::model::EventOrder;
/// let options = DeriveOptions::new().before_creation(BeforeCreation::Clamp);
/// assert_eq!(options.before_creation_policy(), BeforeCreation::Clamp);
/// assert_eq!(DeriveOptions::new().before_creation_policy(), BeforeCreation::Reject);
/// assert_eq!(DeriveOptions::new().order(EventOrder::Source).event_order(), EventOrder::Source);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DeriveOptions {
    before_creation: BeforeCreation,
    order: EventOrder,
    /// Stored negated so that `Default` (false) means "the log records replies".
    no_replies: bool,
}

impl DeriveOptions {
    /// The defaults: events before creation are rejected.
    pub fn new() -> Self {
        DeriveOptions::default()
    }

    /// Sets what happens to events stamped before creation.
    #[must_use]
    pub fn before_creation(mut self, policy: BeforeCreation) -> Self {
        self.before_creation = policy;
        self
    }

    /// What happens to events stamped before creation.
    pub fn before_creation_policy(&self) -> BeforeCreation {
        self.before_creation
    }

    /// Sets the order in which a ticket's events are taken (see [`EventOrder`]).
    #[must_use]
    pub fn order(mut self, order: EventOrder) -> Self {
        self.order = order;
        self
    }

    /// The order in which a ticket's events are taken.
    pub fn event_order(&self) -> EventOrder {
        self.order
    }

    /// Declares whether the log records the conversation (reply events); `true` by default.
    ///
    /// A log that records only status changes (the ServiceNow incident export) cannot tell a
    /// ticket solved without a reply from one whose replies were not written down: with
    /// `false`, every history says so ([`TicketHistory::records_replies`]), its summary ticket
    /// has no reply count and no first response, its reply events (should there be any) are
    /// ignored, and first-contact resolution, reply counts and reply times are undefined with
    /// the reason "the input records no replies" instead of rates over zero replies.
    ///
    /// ```
    /// use supportkpi::model::DeriveOptions;
    /// assert!(DeriveOptions::new().get_records_replies());
    /// assert!(!DeriveOptions::new().records_replies(false).get_records_replies());
    /// ```
    #[must_use]
    pub fn records_replies(mut self, recorded: bool) -> Self {
        self.no_replies = !recorded;
        self
    }

    /// Whether the log records replies.
    pub fn get_records_replies(&self) -> bool {
        !self.no_replies
    }
}

/// Derives every ticket's history from an event log, stopping at the first ticket in error.
///
/// Events are grouped by ticket id; histories come back in the order each ticket first appears
/// in the input. Each ticket is derived on its own by these rules (the same as
/// [`TicketHistory::from_events`]):
///
/// - **Creation.** A ticket has exactly one [`Created`](EventKind::Created) event; its instant is
///   `created_at`. None is [`ErrorKind::MissingField`] (a log that starts after a ticket's
///   creation cannot give its response or resolution times, so no instant is guessed); two are
///   [`ErrorKind::DuplicateId`]. The ticket starts in [`Status::New`].
/// - **Events before creation** are rejected ([`ErrorKind::NegativeDuration`], field `at`) or
///   moved to the creation instant, per [`BeforeCreation`].
/// - **Order.** By default ([`EventOrder::Time`]) events are sorted by instant; events sharing
///   an instant go in a fixed order: the creation, customer messages, other replies,
///   assignments, then status changes and merges; these last keep the input's order among
///   themselves (two status changes in one second, a close and a merge: the file says which
///   came last). So a log split across partitions or shuffled derives the same histories
///   unless it has two such events at one instant, whose order only the file knows. With
///   [`EventOrder::Source`] the input order is the order (`Created` first), and an event stamped
///   before an earlier event that changed the ticket is taken at that event's instant.
/// - **Status changes** go through the [`StatusMap`]; a name it lacks is
///   [`ErrorKind::UnmappedStatus`] naming the ticket, the field `status` and the name. A change
///   to the status the ticket is already in changes nothing.
/// - **Resolution.** Entering a resolved status ([`StatusCategory::Resolved`]: solved, closed)
///   from a status that is not resolved is a resolution at that instant. Solved → Closed is not
///   a new resolution: the ticket's resolution stays the Solved instant.
/// - **Reopen.** Leaving a resolved status for an open one (new, open, pending, on hold) is a
///   reopen: the ticket is open again from that instant.
/// - **Cancellation.** Entering [`Status::Cancelled`] ends the open interval without a
///   resolution. Leaving it for an open status opens a new interval but is not a reopen (there
///   was no resolution to undo); leaving it for a resolved status is a resolution.
/// - **Merge.** A [`Merged`](EventKind::Merged) event ends the ticket: it counts as a change to
///   [`Status::Cancelled`] at the merge instant (it leaves the backlog, not resolved),
///   `merged_into` is set, and every later event of the ticket is ignored — the surviving ticket
///   carries the conversation on.
/// - **First response** is the first public reply by an [`Author::Agent`] (bots, the system and
///   private notes never count) — except that when the ticket's first public agent reply is at
///   the creation instant and no customer reply precedes it, it is the message the agent opened
///   the ticket with: the first response is then the *next* public agent reply.
/// - **Public agent replies** counts the public agent replies except that opening message (and
///   except replies after a merge).
/// - **Next-reply waits** ([`TicketHistory::reply_waits`]): after the first response, a public
///   customer message opens a wait and the next counted public agent reply ends it; customer
///   messages while a wait is open join it (the wait runs from the first of them). Bots,
///   the system and private notes neither open nor end a wait. A wait still open when the
///   ticket leaves the open statuses (solved, closed, cancelled, merged) is dropped — the last
///   word of a customer on a ticket the agent closed ("thanks!") owes no reply — and one still
///   open at the end of the log is kept unanswered (`to = None`) only when the ticket ends
///   open.
/// - **A log without replies** ([`DeriveOptions::records_replies`]`(false)`): reply events are
///   ignored, the summary ticket has no reply count and no first response.
/// - **Agents.** `first_responder` is the [`agent`](TicketEvent::agent) of the reply that is
///   the first response; `solver` the agent of the status change behind the latest
///   resolution, set only when the ticket ends resolved (the agent of Solved, not of a later
///   Closed). An event without an agent leaves them unset. Unlike `assignee` (the last
///   assignment), they credit the agent who did the work, however the ticket was reassigned.
/// - **The summary ticket** has the final status (cancelled for a merged ticket), the first
///   response, the reply and reopen counts, the last assignee, and `first_resolved_at` /
///   `resolved_at` (the first and the latest resolution) only when the ticket *ends* resolved:
///   a ticket reopened and still open, or resolved then cancelled or merged, is not resolved, so
///   it is neither a resolution-time sample nor missing from the backlog. Its past resolutions
///   stay in [`TicketHistory::resolutions`].
///
/// # Errors
/// The first ticket's error, with record type `event` and the ticket's id: see the rules.
///
/// # Example
/// A ticket solved, reopened by the customer, solved again and closed:
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use supportkpi::TicketEvent;
/// use supportkpi::model::{derive_histories, DeriveOptions, EventKind, StatusMap};
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let h = |hours: i64| t0 + Duration::hours(hours);
/// let change = |hours: i64, to: &str| {
///     TicketEvent::new("T-1", h(hours), EventKind::StatusChange { to: to.into() })
/// };
/// // Out of order on purpose.
/// let events = vec![
///     change(30, "closed"),
///     change(2, "solved"),
///     TicketEvent::new("T-1", t0, EventKind::Created),
///     change(5, "open"),
///     change(8, "solved"),
/// ];
/// let histories = derive_histories(events, &StatusMap::canonical(), DeriveOptions::new())?;
/// let history = &histories[0];
/// assert_eq!(history.resolutions(), &[h(2), h(8)]);
/// assert_eq!(history.reopens(), 1);
/// assert_eq!(history.open_intervals(), &[(t0, Some(h(2))), (h(5), Some(h(8)))]);
/// assert_eq!(history.ticket().first_resolution_seconds(), Some(2 * 3600));
/// assert_eq!(history.ticket().resolution_seconds(), Some(8 * 3600));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn derive_histories(
    events: impl IntoIterator<Item = TicketEvent>,
    map: &StatusMap,
    options: DeriveOptions,
) -> Result<Vec<TicketHistory>> {
    let histories = group_by_ticket(events)
        .into_iter()
        .map(|(id, events)| derive_one(id, events, map, options))
        .collect::<Result<Vec<_>>>()?;
    match merge_cycles(&histories).into_iter().next() {
        Some((_, error)) => Err(error),
        None => Ok(histories),
    }
}

/// Derives every ticket's history it can, returning the rejected tickets with their errors.
///
/// Accepted + rejected = tickets seen. Both lists follow the order in which tickets first appear
/// in the input. The rules are those of [`derive_histories`].
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::{ErrorKind, TicketEvent};
/// use supportkpi::model::{derive_histories_lenient, DeriveOptions, EventKind, StatusMap};
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let events = [
///     TicketEvent::new("A", t0, EventKind::Created),
///     TicketEvent::new("B", t0, EventKind::StatusChange { to: "Active".into() }),
/// ];
/// let (ok, rejected) =
///     derive_histories_lenient(events, &StatusMap::servicenow(), DeriveOptions::new());
/// assert_eq!(ok.len(), 1);
/// assert_eq!(rejected[0].0.as_str(), "B");
/// assert_eq!(rejected[0].1.kind(), ErrorKind::MissingField); // B was never created
/// ```
pub fn derive_histories_lenient(
    events: impl IntoIterator<Item = TicketEvent>,
    map: &StatusMap,
    options: DeriveOptions,
) -> (Vec<TicketHistory>, Vec<(TicketId, Error)>) {
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    let mut order = Vec::new();
    for (id, events) in group_by_ticket(events) {
        order.push(id.clone());
        match derive_one(id.clone(), events, map, options) {
            Ok(history) => accepted.push(history),
            Err(error) => rejected.push((id, error)),
        }
    }
    let cycles = merge_cycles(&accepted);
    if !cycles.is_empty() {
        let mut out: HashMap<TicketId, Error> = cycles
            .into_iter()
            .map(|(i, e)| (accepted[i].ticket.id().clone(), e))
            .collect();
        accepted.retain(|h| !out.contains_key(h.ticket.id()));
        out.extend(rejected);
        // Back in order of first appearance.
        rejected = order
            .into_iter()
            .filter_map(|id| out.remove(&id).map(|e| (id, e)))
            .collect();
    }
    (accepted, rejected)
}

/// The tickets whose merges run in a circle (A into B, B into A; or longer), each with an
/// error naming the circle: a merged ticket leaves the backlog because another carries it on,
/// and in a circle none does. Indexes into `histories`, in order.
fn merge_cycles(histories: &[TicketHistory]) -> Vec<(usize, Error)> {
    let index: HashMap<&TicketId, usize> = histories
        .iter()
        .enumerate()
        .map(|(i, h)| (h.ticket.id(), i))
        .collect();
    let next = |i: usize| {
        histories[i]
            .merged_into
            .as_ref()
            .and_then(|into| index.get(into).copied())
    };
    // 0: not seen, 1: on the current path, 2: done.
    let mut state = vec![0u8; histories.len()];
    let mut found: Vec<(usize, Error)> = Vec::new();
    for start in 0..histories.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                0 => {
                    state[i] = 1;
                    path.push(i);
                    at = next(i);
                }
                1 => {
                    let circle = &path[path.iter().position(|&p| p == i).unwrap_or(0)..];
                    let names: Vec<&str> = circle
                        .iter()
                        .map(|&c| histories[c].ticket.id().as_str())
                        .collect();
                    let text = format!("{} -> {}", names.join(" -> "), names[0]);
                    for &c in circle {
                        let id = histories[c].ticket.id().as_str();
                        let into = histories[c].merged_into.as_ref().map_or("", |t| t.as_str());
                        let error = Error::new(
                            ErrorKind::InvalidValue,
                            format!("merges must not run in a circle ({text})"),
                        )
                        .with_record_type("event")
                        .with_id(id)
                        .with_field("into")
                        .with_value(into);
                        found.push((c, error));
                    }
                    break;
                }
                _ => break,
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
    found.sort_by_key(|(i, _)| *i);
    found
}

fn group_by_ticket(
    events: impl IntoIterator<Item = TicketEvent>,
) -> Vec<(TicketId, Vec<TicketEvent>)> {
    let mut index: HashMap<TicketId, usize> = HashMap::new();
    let mut groups: Vec<(TicketId, Vec<TicketEvent>)> = Vec::new();
    for event in events {
        match index.get(&event.ticket_id) {
            Some(&slot) => groups[slot].1.push(event),
            None => {
                index.insert(event.ticket_id.clone(), groups.len());
                groups.push((event.ticket_id.clone(), vec![event]));
            }
        }
    }
    groups
}

fn describe(kind: &EventKind) -> String {
    match kind {
        EventKind::Created => "created".into(),
        EventKind::Reply { author, public } => {
            let visibility = if *public { "public" } else { "private" };
            format!("{visibility} {author:?} reply").to_lowercase()
        }
        EventKind::StatusChange { to } => format!("status change to {to:?}"),
        EventKind::Assigned { to } => format!("assignment to {to:?}"),
        EventKind::Merged { into } => format!("merge into {into}"),
    }
}

/// The derivation of one ticket; every event belongs to `id`.
pub(crate) fn derive_one(
    id: TicketId,
    mut events: Vec<TicketEvent>,
    map: &StatusMap,
    options: DeriveOptions,
) -> Result<TicketHistory> {
    let context = |e: Error| e.with_record_type("event").with_id(id.as_str());

    let mut creations: Vec<Instant> = events
        .iter()
        .filter(|e| e.kind == EventKind::Created)
        .map(|e| e.at)
        .collect();
    creations.sort();
    let created = match creations.as_slice() {
        [] => {
            return Err(context(
                Error::new(
                    ErrorKind::MissingField,
                    "a ticket's events must include its creation",
                )
                .with_field("created"),
            ));
        }
        [one] => *one,
        [_, second, ..] => {
            return Err(context(
                Error::new(ErrorKind::DuplicateId, "a ticket is created once")
                    .with_field("created")
                    .with_value(second.to_rfc3339()),
            ));
        }
    };

    if options.before_creation == BeforeCreation::Clamp {
        for event in &mut events {
            event.at = event.at.max(created);
        }
    }
    match options.order {
        // Events of one instant by kind whatever the input's order (see `tie_rank`), so a log
        // split and shuffled across partitions (Spark, Dask) derives the same history; stable,
        // so events of one kind and instant keep the input's order (solved then open).
        EventOrder::Time => events.sort_by_key(|e| (e.at, tie_rank(&e.kind))),
        // Stable: the input's order, except Created, which goes first (`false` sorts before
        // `true`).
        EventOrder::Source => events.sort_by_key(|e| e.kind != EventKind::Created),
    }

    if let Some(early) = events.iter().find(|e| e.at < created) {
        return Err(context(
            Error::new(
                ErrorKind::NegativeDuration,
                format!(
                    "{} must not be before the ticket's creation ({})",
                    describe(&early.kind),
                    created.to_rfc3339()
                ),
            )
            .with_field("at")
            .with_value(early.at.to_rfc3339()),
        ));
    }

    // Every name is checked, also after a merge: an incomplete map is worth knowing about.
    let statuses = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::StatusChange { to } => map.resolve(to).map(Some),
            _ => Ok(None),
        })
        .collect::<Result<Vec<Option<Status>>>>()
        .map_err(context)?;

    let records_replies = options.get_records_replies();
    let mut walk = Walk::new(created);
    let mut conversation = Conversation::new();
    let mut first_response = None;
    let mut agent_replies_at = Vec::new();
    let mut first_responder = None;
    // The agent of each resolution, beside `walk.resolutions`.
    let mut resolved_by: Vec<Option<&str>> = Vec::new();
    let mut public_agent_replies = 0u32;
    let mut opening_message_possible = true;
    let mut assignee = None;
    let mut merged_into = None;
    // The instant of the latest event that changed the ticket: in source order a later event
    // stamped earlier is taken at it (in time order it is never later than the event's own).
    let mut clock = created;
    for (event, status) in events.iter().zip(statuses) {
        let at = event.at.max(clock);
        let changes = match (&event.kind, status) {
            (EventKind::StatusChange { .. }, Some(status)) => status != walk.status,
            (EventKind::StatusChange { .. }, None) | (EventKind::Created, _) => false,
            _ => true,
        };
        if changes {
            clock = at;
        }
        match &event.kind {
            EventKind::Created => {}
            EventKind::Reply { .. } if !records_replies => {}
            EventKind::Reply {
                author: Author::Customer,
                public,
            } => {
                opening_message_possible = false;
                if *public && first_response.is_some() {
                    conversation.customer(at);
                }
            }
            EventKind::Reply {
                author: Author::Agent,
                public: true,
            } => {
                let opening = opening_message_possible && at == created;
                opening_message_possible = false;
                if !opening {
                    public_agent_replies = public_agent_replies.saturating_add(1);
                    if first_response.is_none() {
                        first_response = Some(at);
                        first_responder = event.agent.as_deref();
                    }
                    conversation.agent(at);
                    agent_replies_at.push(at);
                }
            }
            EventKind::Reply { .. } => {}
            EventKind::StatusChange { .. } => {
                if let Some(status) = status {
                    walk.enter(status, at);
                    resolved_by.resize(walk.resolutions.len(), event.agent.as_deref());
                    if status.category() != StatusCategory::Open {
                        conversation.drop_waiting();
                    }
                }
            }
            EventKind::Assigned { to } => assignee = Some(to.clone()),
            EventKind::Merged { into } if into == &id => {
                return Err(context(
                    Error::new(
                        ErrorKind::InvalidValue,
                        "a ticket is merged into another ticket, not into itself",
                    )
                    .with_field("into")
                    .with_value(into.as_str()),
                ));
            }
            EventKind::Merged { into } => {
                walk.enter(Status::Cancelled, at);
                conversation.drop_waiting();
                merged_into = Some(into.clone());
                break;
            }
        }
    }
    let Walk {
        status,
        spans,
        open_since,
        mut open_intervals,
        closed_by_resolution,
        resolutions,
        reopened_at,
    } = walk;
    if let Some(from) = open_since {
        open_intervals.push((from, None));
    }

    let mut builder = Ticket::builder(id, created)
        .status(status)
        .reopens(count(&reopened_at));
    if records_replies {
        builder = builder.agent_replies(public_agent_replies);
    }
    if status.category() != StatusCategory::Open {
        conversation.drop_waiting();
    }
    if let Some(at) = first_response {
        builder = builder.first_response_at(at);
    }
    if let Some(agent) = first_responder {
        builder = builder.first_responder(agent);
    }
    if let (StatusCategory::Resolved, Some(&first), Some(&last)) =
        (status.category(), resolutions.first(), resolutions.last())
    {
        builder = builder.first_resolved_at(first).resolved_at(last);
        if let Some(&Some(agent)) = resolved_by.last() {
            builder = builder.solver(agent);
        }
    }
    if let Some(assignee) = assignee {
        builder = builder.assignee(assignee);
    }
    Ok(TicketHistory {
        ticket: builder.build()?,
        public_agent_replies,
        records_replies,
        reply_waits: conversation.waits,
        agent_replies_at,
        reopens: count(&reopened_at),
        status_spans: spans,
        open_intervals,
        closed_by_resolution,
        resolutions,
        reopened_at,
        merged_into,
    })
}

fn count(instants: &[Instant]) -> u32 {
    u32::try_from(instants.len()).unwrap_or(u32::MAX)
}

/// The waits for a next reply: a public customer message after the first response opens one
/// (unless one is open: later messages join it), the next counted public agent reply ends it,
/// and leaving the open statuses (resolved, cancelled, merged) drops it: no reply is owed on a
/// ticket the agent closed.
struct Conversation {
    waits: Vec<ReplyWait>,
    waiting_since: Option<Instant>,
}

impl Conversation {
    fn new() -> Self {
        Conversation {
            waits: Vec::new(),
            waiting_since: None,
        }
    }

    fn customer(&mut self, at: Instant) {
        if self.waiting_since.is_none() {
            self.waiting_since = Some(at);
            self.waits.push(ReplyWait { from: at, to: None });
        }
    }

    fn agent(&mut self, at: Instant) {
        if self.waiting_since.take().is_some()
            && let Some(last) = self.waits.last_mut()
        {
            last.to = Some(at);
        }
    }

    fn drop_waiting(&mut self) {
        if self.waiting_since.take().is_some() {
            self.waits.pop();
        }
    }
}

/// The status walk: spans, open intervals, resolutions and reopens.
struct Walk {
    status: Status,
    spans: Vec<StatusSpan>,
    open_since: Option<Instant>,
    open_intervals: Vec<(Instant, Option<Instant>)>,
    /// Per closed interval, in order: whether a resolution closed it (else a cancellation or
    /// a merge). Kept as the walk closes it, since at one instant a ticket can be solved,
    /// reopened and cancelled: its instant alone does not say which.
    closed_by_resolution: Vec<bool>,
    resolutions: Vec<Instant>,
    reopened_at: Vec<Instant>,
}

impl Walk {
    fn new(created: Instant) -> Self {
        Walk {
            status: Status::New,
            spans: vec![StatusSpan {
                status: Status::New,
                from: created,
                to: None,
            }],
            open_since: Some(created),
            open_intervals: Vec::new(),
            closed_by_resolution: Vec::new(),
            resolutions: Vec::new(),
            reopened_at: Vec::new(),
        }
    }

    fn enter(&mut self, to: Status, at: Instant) {
        use StatusCategory::{Cancelled, Open, Resolved};
        let from = self.status;
        if to == from {
            return;
        }
        self.record_span(to, at);
        match (from.category(), to.category()) {
            (Open, Resolved) => {
                self.resolutions.push(at);
                self.close(at, true);
            }
            (Cancelled, Resolved) => self.resolutions.push(at),
            (Resolved, Open) => {
                self.reopened_at.push(at);
                self.open(at);
            }
            (Cancelled, Open) => self.open(at),
            (Open, Cancelled) => self.close(at, false),
            (Resolved, Cancelled)
            | (Open, Open)
            | (Resolved, Resolved)
            | (Cancelled, Cancelled) => {}
        }
        self.status = to;
    }

    fn record_span(&mut self, to: Status, at: Instant) {
        let next = StatusSpan {
            status: to,
            from: at,
            to: None,
        };
        match self.spans.last_mut() {
            // Left at the instant it was entered: no time in it, so no span, and the span before
            // continues if it has the new status.
            Some(last) if last.from == at => {
                self.spans.pop();
                match self.spans.last_mut() {
                    Some(previous) if previous.status == to => previous.to = None,
                    _ => self.spans.push(next),
                }
            }
            Some(last) => {
                last.to = Some(at);
                self.spans.push(next);
            }
            None => self.spans.push(next),
        }
    }

    fn close(&mut self, at: Instant, resolved: bool) {
        if let Some(from) = self.open_since.take() {
            self.open_intervals.push((from, Some(at)));
            self.closed_by_resolution.push(resolved);
        }
    }

    fn open(&mut self, at: Instant) {
        self.open_since.get_or_insert(at);
    }
}

/// The order of a ticket's events that share an instant ([`EventOrder::Time`]): the creation,
/// then customer messages, then other replies (a reply answers the message of its second), then
/// assignments, then status changes and merges (an agent replies and solves in one action; a
/// customer's message reopens), these last in the input's order: whether a ticket was closed
/// before its merge (Zendesk's `closed_by_merge` counts a solve) or merged first (the close
/// changes nothing) is the source's to say.
fn tie_rank(kind: &EventKind) -> u8 {
    match kind {
        EventKind::Created => 0,
        EventKind::Reply {
            author: Author::Customer,
            ..
        } => 1,
        EventKind::Reply { .. } => 2,
        EventKind::Assigned { .. } => 3,
        EventKind::Merged { .. } | EventKind::StatusChange { .. } => 4,
    }
}

#[cfg(test)]
mod tests;
