use super::{Instant, TicketId};
use serde::{Deserialize, Serialize};

/// Who wrote a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// A human support agent.
    Agent,
    /// The customer (requester).
    Customer,
    /// An automated responder or chatbot; never counts as a first response.
    Bot,
    /// The helpdesk itself (triggers, notifications).
    System,
}

/// What happened to a ticket at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The ticket was created.
    Created,
    /// A message was added.
    Reply {
        /// Who wrote it.
        author: Author,
        /// Visible to the customer (`false` for an internal note).
        public: bool,
    },
    /// The status changed, to a status name as the source system spells it; the caller's
    /// status map turns it into a [`Status`](super::Status).
    StatusChange {
        /// The new status name.
        to: String,
    },
    /// The ticket was (re)assigned.
    Assigned {
        /// The agent or group it was assigned to.
        to: String,
    },
    /// The ticket was merged into another and stops counting on its own.
    Merged {
        /// The surviving ticket.
        into: TicketId,
    },
}

/// One event of a ticket's history (event-log form).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::{TicketEvent, model::{Author, EventKind}};
/// let e = TicketEvent::new("T-1", Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap(),
///     EventKind::Reply { author: Author::Agent, public: true });
/// assert_eq!(e.ticket_id.as_str(), "T-1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEvent {
    /// The ticket it belongs to.
    pub ticket_id: TicketId,
    /// When it happened.
    pub at: Instant,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
    /// The agent who did it, when the log names one: the author of a reply, the agent who
    /// changed the status. The ticket's `first_responder` and `solver` come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

impl TicketEvent {
    /// An event of a ticket.
    pub fn new(ticket_id: impl Into<TicketId>, at: Instant, kind: EventKind) -> Self {
        TicketEvent {
            ticket_id: ticket_id.into(),
            at,
            kind,
            agent: None,
        }
    }

    /// The same event, done by `agent`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::{TicketEvent, model::{Author, EventKind}};
    /// let e = TicketEvent::new("T-1", Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap(),
    ///     EventKind::Reply { author: Author::Agent, public: true }).with_agent("ann");
    /// assert_eq!(e.agent.as_deref(), Some("ann"));
    /// ```
    #[must_use]
    pub fn with_agent(mut self, agent: impl Into<String>) -> Self {
        self.agent = Some(agent.into());
        self
    }
}
