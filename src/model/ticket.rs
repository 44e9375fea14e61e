use super::{CustomerId, Instant, Status, TicketId, not_before};
use crate::error::{Error, ErrorKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A ticket in summary form: one row per ticket, as helpdesk exports give them.
///
/// Built with [`Ticket::builder`], which validates: the id is not empty, and no response or
/// resolution lies before creation (nor the latest resolution before the first).
///
/// `resolved_at` is the *latest* resolution; a ticket reopened and solved again has its first
/// resolution in `first_resolved_at`. When only `resolved_at` is given, the first resolution is
/// taken to be the same instant. `customer_id` is optional because event logs often lack it;
/// customer KPIs join on it when present.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::{Ticket, model::Status};
///
/// let created = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let t = Ticket::builder("T-1", created)
///     .first_response_at(created + chrono::Duration::minutes(30))
///     .resolved_at(created + chrono::Duration::hours(4))
///     .status(Status::Solved)
///     .channel("email")
///     .build()?;
/// assert_eq!(t.first_response_seconds(), Some(1800));
/// assert_eq!(t.resolution_seconds(), Some(4 * 3600));
///
/// let err = Ticket::builder("T-2", created)
///     .resolved_at(created - chrono::Duration::hours(1))
///     .build()
///     .unwrap_err();
/// assert_eq!(err.kind(), supportkpi::ErrorKind::NegativeDuration);
/// assert_eq!(err.field(), Some("resolved_at"));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TicketBuilder")]
pub struct Ticket {
    id: TicketId,
    customer_id: Option<CustomerId>,
    created_at: Instant,
    first_response_at: Option<Instant>,
    first_resolved_at: Option<Instant>,
    resolved_at: Option<Instant>,
    status: Status,
    channel: Option<String>,
    priority: Option<String>,
    team: Option<String>,
    assignee: Option<String>,
    // Boxed: only event logs name them, and a ticket stays small for the many that do not.
    #[serde(flatten)]
    agents: Option<Box<Agents>>,
    agent_replies: Option<u32>,
    reopens: Option<u32>,
    dimensions: BTreeMap<String, String>,
}

/// The agents an event log credits a ticket to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Agents {
    #[serde(skip_serializing_if = "Option::is_none")]
    first_responder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    solver: Option<String>,
}

/// Builds a [`Ticket`]; consuming setters, validation in [`build`](TicketBuilder::build).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketBuilder {
    id: TicketId,
    #[serde(default)]
    customer_id: Option<CustomerId>,
    created_at: Instant,
    #[serde(default)]
    first_response_at: Option<Instant>,
    #[serde(default)]
    first_resolved_at: Option<Instant>,
    #[serde(default)]
    resolved_at: Option<Instant>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    first_responder: Option<String>,
    #[serde(default)]
    solver: Option<String>,
    #[serde(default)]
    agent_replies: Option<u32>,
    #[serde(default)]
    reopens: Option<u32>,
    #[serde(default)]
    dimensions: BTreeMap<String, String>,
}

impl Ticket {
    /// Starts a ticket with its id and creation instant.
    pub fn builder(id: impl Into<TicketId>, created_at: Instant) -> TicketBuilder {
        TicketBuilder {
            id: id.into(),
            customer_id: None,
            created_at,
            first_response_at: None,
            first_resolved_at: None,
            resolved_at: None,
            status: None,
            channel: None,
            priority: None,
            team: None,
            assignee: None,
            first_responder: None,
            solver: None,
            agent_replies: None,
            reopens: None,
            dimensions: BTreeMap::new(),
        }
    }

    /// The ticket's id.
    pub fn id(&self) -> &TicketId {
        &self.id
    }
    /// The customer (account) who raised it, when known.
    pub fn customer_id(&self) -> Option<&CustomerId> {
        self.customer_id.as_ref()
    }
    /// When it was created.
    pub fn created_at(&self) -> Instant {
        self.created_at
    }
    /// The first public agent reply, when there was one.
    pub fn first_response_at(&self) -> Option<Instant> {
        self.first_response_at
    }
    /// The first resolution, when it was ever resolved.
    pub fn first_resolved_at(&self) -> Option<Instant> {
        self.first_resolved_at
    }
    /// The latest resolution, when it was ever resolved.
    pub fn resolved_at(&self) -> Option<Instant> {
        self.resolved_at
    }
    /// The current status.
    pub fn status(&self) -> Status {
        self.status
    }
    /// The channel it came in through (email, chat, phone, web…), when known.
    pub fn channel(&self) -> Option<&str> {
        self.channel.as_deref()
    }
    /// Its priority as the helpdesk names it, when known.
    pub fn priority(&self) -> Option<&str> {
        self.priority.as_deref()
    }
    /// The team (group) it is assigned to, when known.
    pub fn team(&self) -> Option<&str> {
        self.team.as_deref()
    }
    /// The agent it is assigned to, when known.
    pub fn assignee(&self) -> Option<&str> {
        self.assignee.as_deref()
    }
    /// The agent who wrote its first response (the first public agent reply), when known:
    /// event logs whose replies name their agent tell it; summary rows do not.
    pub fn first_responder(&self) -> Option<&str> {
        self.agents.as_ref()?.first_responder.as_deref()
    }
    /// The agent who resolved it the last time (the change to a resolved status behind
    /// `resolved_at`), when known: event logs whose status changes name their agent tell it;
    /// summary rows do not.
    pub fn solver(&self) -> Option<&str> {
        self.agents.as_ref()?.solver.as_deref()
    }
    /// How many public agent replies it received, when known.
    pub fn agent_replies(&self) -> Option<u32> {
        self.agent_replies
    }
    /// How many times it was reopened after a resolution, when known: `None` for an export
    /// that does not carry it (Freshdesk's ticket CSV), never a guessed 0.
    pub fn reopens(&self) -> Option<u32> {
        self.reopens
    }
    /// Free-form dimensions (string → string) kept from the input.
    pub fn dimensions(&self) -> &BTreeMap<String, String> {
        &self.dimensions
    }

    /// A dimension by name: the built-in ones (`channel`, `priority`, `team`, `assignee`,
    /// `first_responder`, `solver`, `status`, `customer_id`) or a free-form one.
    ///
    /// A built-in name always reads the built-in field, as grouping (`by`) and filters
    /// (`where`) do on both report engines: a free-form dimension named like one (a column
    /// kept with `keep_extra_columns`, a builder's `.dimension("first_responder", …)`) stays
    /// in [`dimensions`](Self::dimensions) but is never read under that name. So
    /// `first_responder` and `solver` are always the agents the ticket was credited with
    /// ([`first_responder`](Self::first_responder), [`solver`](Self::solver)), never a
    /// free-form text that happens to share the name.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::Ticket;
    /// let created = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let t = Ticket::builder("T-1", created)
    ///     .first_responder("ann")
    ///     .dimension("first_responder", "zed")
    ///     .dimension("solver", "zed")
    ///     .build()?;
    /// assert_eq!(t.dimension("first_responder"), Some("ann"));
    /// assert_eq!(t.dimension("solver"), None);
    /// assert_eq!(t.dimensions()["solver"], "zed");
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn dimension(&self, name: &str) -> Option<&str> {
        match name {
            "channel" => self.channel(),
            "priority" => self.priority(),
            "team" => self.team(),
            "assignee" => self.assignee(),
            "first_responder" => self.first_responder(),
            "solver" => self.solver(),
            "status" => Some(self.status.as_str()),
            "customer_id" => self.customer_id.as_ref().map(CustomerId::as_str),
            other => self.dimensions.get(other).map(String::as_str),
        }
    }

    /// A builder holding every field of this ticket, to change some and build (and validate)
    /// again; readers use it to attach the attributes an event log carries beside its events.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::Ticket;
    /// let t = Ticket::builder("T-1", Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap()).build()?;
    /// let t = t.into_builder().team("billing").build()?;
    /// assert_eq!(t.team(), Some("billing"));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn into_builder(self) -> TicketBuilder {
        TicketBuilder {
            id: self.id,
            customer_id: self.customer_id,
            created_at: self.created_at,
            first_response_at: self.first_response_at,
            first_resolved_at: self.first_resolved_at,
            resolved_at: self.resolved_at,
            status: Some(self.status),
            channel: self.channel,
            priority: self.priority,
            team: self.team,
            assignee: self.assignee,
            first_responder: self.agents.as_ref().and_then(|a| a.first_responder.clone()),
            solver: self.agents.and_then(|a| a.solver),
            agent_replies: self.agent_replies,
            reopens: self.reopens,
            dimensions: self.dimensions,
        }
    }

    /// First response time in calendar seconds, when answered.
    pub fn first_response_seconds(&self) -> Option<i64> {
        self.first_response_at
            .map(|t| (t - self.created_at).num_seconds())
    }

    /// Full resolution time (to the latest resolution) in calendar seconds, when resolved.
    pub fn resolution_seconds(&self) -> Option<i64> {
        self.resolved_at
            .map(|t| (t - self.created_at).num_seconds())
    }

    /// First resolution time in calendar seconds, when resolved.
    pub fn first_resolution_seconds(&self) -> Option<i64> {
        self.first_resolved_at
            .map(|t| (t - self.created_at).num_seconds())
    }
}

impl TicketBuilder {
    /// The customer who raised it.
    pub fn customer_id(mut self, id: impl Into<CustomerId>) -> Self {
        self.customer_id = Some(id.into());
        self
    }
    /// The first public agent reply.
    pub fn first_response_at(mut self, at: Instant) -> Self {
        self.first_response_at = Some(at);
        self
    }
    /// The first resolution (defaults to `resolved_at` when that is set and this is not).
    pub fn first_resolved_at(mut self, at: Instant) -> Self {
        self.first_resolved_at = Some(at);
        self
    }
    /// The latest resolution.
    pub fn resolved_at(mut self, at: Instant) -> Self {
        self.resolved_at = Some(at);
        self
    }
    /// The current status (default: solved when resolved, else open).
    pub fn status(mut self, status: Status) -> Self {
        self.status = Some(status);
        self
    }
    /// The channel.
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = Some(channel.into());
        self
    }
    /// The priority.
    pub fn priority(mut self, priority: impl Into<String>) -> Self {
        self.priority = Some(priority.into());
        self
    }
    /// The team.
    pub fn team(mut self, team: impl Into<String>) -> Self {
        self.team = Some(team.into());
        self
    }
    /// The assignee.
    pub fn assignee(mut self, assignee: impl Into<String>) -> Self {
        self.assignee = Some(assignee.into());
        self
    }
    /// The agent of the first response.
    pub fn first_responder(mut self, agent: impl Into<String>) -> Self {
        self.first_responder = Some(agent.into());
        self
    }
    /// The agent of the latest resolution.
    pub fn solver(mut self, agent: impl Into<String>) -> Self {
        self.solver = Some(agent.into());
        self
    }
    /// The number of public agent replies.
    pub fn agent_replies(mut self, n: u32) -> Self {
        self.agent_replies = Some(n);
        self
    }
    /// The number of reopens (unknown unless set).
    pub fn reopens(mut self, n: u32) -> Self {
        self.reopens = Some(n);
        self
    }
    /// Adds a free-form dimension. A name of a built-in field (`channel`, …,
    /// `first_responder`, `solver`, `status`, `customer_id`) is kept but never read as that
    /// field: see [`Ticket::dimension`].
    pub fn dimension(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.dimensions.insert(name.into(), value.into());
        self
    }

    /// Validates and builds the ticket.
    ///
    /// # Errors
    /// - [`ErrorKind::MissingField`] for an empty id;
    /// - [`ErrorKind::NegativeDuration`] for a first response or resolution before creation, or
    ///   a latest resolution before the first.
    pub fn build(self) -> Result<Ticket, Error> {
        let (first_resolved, resolved, status) = Self::check(
            self.id.as_str(),
            self.created_at,
            self.first_response_at,
            self.first_resolved_at,
            self.resolved_at,
            self.status,
        )?;
        let mut t = Ticket {
            id: self.id,
            customer_id: self.customer_id,
            created_at: self.created_at,
            first_response_at: self.first_response_at,
            first_resolved_at: first_resolved,
            resolved_at: resolved,
            status,
            channel: self.channel,
            priority: self.priority,
            team: self.team,
            assignee: self.assignee,
            agents: None,
            agent_replies: self.agent_replies,
            reopens: self.reopens,
            dimensions: self.dimensions,
        };
        t.set_agents(self.first_responder, self.solver);
        Ok(t)
    }
}

impl TicketBuilder {
    /// The builder's validation on its parts (shared with the columnar tables): returns the
    /// first and latest resolution and the status with their defaults filled in.
    pub(crate) fn check(
        id: &str,
        created: Instant,
        first_response: Option<Instant>,
        first_resolved: Option<Instant>,
        resolved: Option<Instant>,
        status: Option<Status>,
    ) -> Result<(Option<Instant>, Option<Instant>, Status), Error> {
        const T: &str = "ticket";
        if id.trim().is_empty() {
            return Err(Error::new(ErrorKind::MissingField, "a ticket needs an id")
                .with_record_type(T)
                .with_field("id"));
        }
        if let Some(at) = first_response {
            not_before(T, id, "first_response_at", at, "created_at", created)?;
        }
        // Check the fields the caller gave, so an error names one they can find in their input.
        if let Some(at) = resolved {
            not_before(T, id, "resolved_at", at, "created_at", created)?;
        }
        if let Some(at) = first_resolved {
            not_before(T, id, "first_resolved_at", at, "created_at", created)?;
            if let Some(latest) = resolved {
                not_before(T, id, "resolved_at", latest, "first_resolved_at", at)?;
            }
        }
        let first = first_resolved.or(resolved);
        let status = status.unwrap_or(if resolved.is_some() {
            Status::Solved
        } else {
            Status::Open
        });
        Ok((first, resolved.or(first), status))
    }
}

impl Ticket {
    /// A ticket with instants, status and counts only (an empty id, no text): what the KPIs
    /// read, built without a heap allocation. The caller guarantees the builder's rules hold.
    pub(crate) fn skeleton(
        created_at: Instant,
        first_response_at: Option<Instant>,
        first_resolved_at: Option<Instant>,
        resolved_at: Option<Instant>,
        status: Status,
        agent_replies: Option<u32>,
        reopens: Option<u32>,
    ) -> Ticket {
        Ticket {
            id: TicketId::from(String::new()),
            customer_id: None,
            created_at,
            first_response_at,
            first_resolved_at,
            resolved_at,
            status,
            channel: None,
            priority: None,
            team: None,
            assignee: None,
            agents: None,
            agent_replies,
            reopens,
            dimensions: BTreeMap::new(),
        }
    }

    pub(crate) fn set_priority(&mut self, priority: Option<&str>) {
        self.priority = priority.map(str::to_owned);
    }

    pub(crate) fn set_id(&mut self, id: TicketId) {
        self.id = id;
    }

    pub(crate) fn set_descriptions(
        &mut self,
        customer_id: Option<CustomerId>,
        channel: Option<String>,
        priority: Option<String>,
        team: Option<String>,
        assignee: Option<String>,
        dimensions: BTreeMap<String, String>,
    ) {
        self.customer_id = customer_id;
        self.channel = channel;
        self.priority = priority;
        self.team = team;
        self.assignee = assignee;
        self.dimensions = dimensions;
    }

    pub(crate) fn set_agents(&mut self, first_responder: Option<String>, solver: Option<String>) {
        self.agents = match (first_responder, solver) {
            (None, None) => None,
            (first_responder, solver) => Some(Box::new(Agents {
                first_responder,
                solver,
            })),
        };
    }
}

impl TryFrom<TicketBuilder> for Ticket {
    type Error = Error;
    fn try_from(b: TicketBuilder) -> Result<Ticket, Error> {
        b.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn t0() -> Instant {
        Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap()
    }

    #[test]
    fn first_resolution_defaults_to_latest() {
        let t = Ticket::builder("a", t0())
            .resolved_at(t0() + Duration::hours(2))
            .build()
            .unwrap();
        assert_eq!(t.first_resolved_at(), t.resolved_at());
        assert_eq!(t.status(), Status::Solved);
        assert_eq!(t.first_resolution_seconds(), Some(7200));
    }

    #[test]
    fn rejects_empty_id_and_negative_durations() {
        let e = Ticket::builder(" ", t0()).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingField);
        let e = Ticket::builder("a", t0())
            .first_response_at(t0() - Duration::seconds(1))
            .build()
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::NegativeDuration, Some("first_response_at"))
        );
        let e = Ticket::builder("a", t0())
            .first_resolved_at(t0() + Duration::hours(3))
            .resolved_at(t0() + Duration::hours(2))
            .build()
            .unwrap_err();
        assert_eq!(e.field(), Some("resolved_at"));
        assert!(e.rule().contains("first_resolved_at"), "{e}");
    }

    #[test]
    fn serde_round_trip_validates() {
        let t = Ticket::builder("a", t0())
            .first_response_at(t0() + Duration::minutes(5))
            .channel("chat")
            .dimension("plan", "enterprise")
            .build()
            .unwrap();
        let json = serde_json::to_string(&t).unwrap();
        let back: Ticket = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.dimension("plan"), Some("enterprise"));
        let bad = json.replace("09:05:00Z", "08:05:00Z");
        let err = serde_json::from_str::<Ticket>(&bad).unwrap_err();
        assert!(err.to_string().contains("first_response_at"), "{err}");
    }
}
