use crate::error::{Error, ErrorKind};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A ticket's status, in the library's canonical vocabulary.
///
/// Helpdesks name their statuses differently ("Awaiting User Info", "Solved", "Resolved"); readers
/// and the event-log derivation map those names onto these through a status map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created, nobody has worked on it yet.
    New,
    /// Being worked on.
    Open,
    /// Waiting on the customer (Zendesk "pending", ServiceNow "Awaiting User Info").
    Pending,
    /// Waiting on a third party or another team (ServiceNow "Awaiting Vendor").
    OnHold,
    /// Resolved: the agent considers it done; the customer may still reopen it.
    Solved,
    /// Closed: resolved and no longer reopenable.
    Closed,
    /// Withdrawn without a resolution (spam, duplicate, cancelled by the customer).
    Cancelled,
}

/// The three things a status can mean for backlog and resolution KPIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    /// The ticket counts in the backlog (new, open, pending, on hold).
    Open,
    /// The ticket is resolved (solved or closed).
    Resolved,
    /// The ticket left the backlog without being resolved.
    Cancelled,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Solved,
        Status::Closed,
        Status::Cancelled,
    ];

    /// Whether the ticket is open, resolved or cancelled in this status.
    pub fn category(self) -> StatusCategory {
        match self {
            Status::New | Status::Open | Status::Pending | Status::OnHold => StatusCategory::Open,
            Status::Solved | Status::Closed => StatusCategory::Resolved,
            Status::Cancelled => StatusCategory::Cancelled,
        }
    }

    /// True for the waiting statuses (pending, on hold) whose time resolution KPIs can exclude.
    pub fn is_waiting(self) -> bool {
        matches!(self, Status::Pending | Status::OnHold)
    }

    /// The canonical snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::OnHold => "on_hold",
            Status::Solved => "solved",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = Error;

    /// Parses a canonical name, case-insensitively, with the common synonyms
    /// (`resolved` → solved, `hold`/`on-hold` → on hold, `canceled` → cancelled).
    ///
    /// # Errors
    /// [`ErrorKind::UnmappedStatus`] for any other name.
    fn from_str(s: &str) -> Result<Self, Error> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Ok(match norm.as_str() {
            "new" => Status::New,
            "open" | "active" | "in_progress" => Status::Open,
            "pending" | "waiting_on_customer" => Status::Pending,
            "on_hold" | "hold" => Status::OnHold,
            "solved" | "resolved" => Status::Solved,
            "closed" => Status::Closed,
            "cancelled" | "canceled" => Status::Cancelled,
            _ => {
                return Err(Error::new(
                    ErrorKind::UnmappedStatus,
                    "expected one of new, open, pending, on_hold, solved, closed, cancelled",
                )
                .with_field("status")
                .with_value(s));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories() {
        assert_eq!(Status::Pending.category(), StatusCategory::Open);
        assert_eq!(Status::Closed.category(), StatusCategory::Resolved);
        assert_eq!(Status::Cancelled.category(), StatusCategory::Cancelled);
        assert!(Status::OnHold.is_waiting() && !Status::Open.is_waiting());
    }

    #[test]
    fn parses_synonyms_and_rejects_unknown() {
        assert_eq!("Resolved".parse::<Status>().unwrap(), Status::Solved);
        assert_eq!("on-hold".parse::<Status>().unwrap(), Status::OnHold);
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), s);
        }
        let e = "Awaiting Vendor".parse::<Status>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnmappedStatus);
        assert_eq!(e.value(), Some("Awaiting Vendor"));
    }
}
