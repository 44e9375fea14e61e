//! The Freshdesk ticket export (Tickets → Export, CSV), one row per ticket.
//!
//! Columns mapped, by the names of Freshdesk's ticket export (names match ignoring case):
//!
//! | Freshdesk column | field |
//! |---|---|
//! | `Ticket ID` | `id` (required) |
//! | `Contact ID` (else, when the file has no such column, `Company Name`) | `customer_id` |
//! | `Created time` | `created_at` (required) |
//! | `Initial response time` | `first_response_at` (the instant of the first agent response) |
//! | `Resolved time` (else `Closed time`) | `resolved_at` |
//! | `Status` | `status`: `Open` → open, `Pending` → pending, `Resolved` → solved, `Closed` → closed, `Waiting on Customer` → pending, `Waiting on Third Party` → on hold (any case) |
//! | `Priority` | `priority` (`Low`, `Medium`, `High`, `Urgent`) |
//! | `Source` | `channel` (`Email`, `Portal`, `Phone`, `Chat`, …) |
//! | `Group` | `team` |
//! | `Agent` | `assignee` |
//! | `Agent interactions` | `agent_replies` (Freshdesk: agent responses on the ticket) |
//!
//! Other columns (`Subject`, `Type`, `Tags`, `Company Name`, `Survey results`, custom
//! fields…) become dimensions named by their header with
//! [`ReadOptions::keep_extra_columns`](crate::io::ReadOptions::keep_extra_columns).
//!
//! Notes:
//! - Times are in the helpdesk's time zone without an offset: declare it with
//!   [`ReadOptions::zone`](crate::io::ReadOptions::zone) (default UTC). Timestamps are read
//!   with [`TimestampFormat::auto`](crate::io::TimestampFormat::auto).
//! - `First response time (in hrs)` and `Resolution time (in hrs)` are business-hours
//!   durations in Freshdesk, so they are not used: the instants are, and business time comes
//!   from a [`BusinessCalendar`](crate::BusinessCalendar).
//! - The export has no reopen count: `reopens` is unknown (`None`), not 0, so first-contact
//!   resolution leaves these tickets out (counted as
//!   [`reopens_unknown`](crate::kpi::FirstContactResolutionResult::reopens_unknown)) instead of
//!   taking every ticket as never reopened.
//! - A resolution time of a ticket whose status is not resolved or closed (reopened since) is
//!   dropped, as the event-log derivation does: the ticket is open.
//!
//! # Example
//! ```
//! use supportkpi::io::{Preset, ReadOptions, TicketReader};
//! use supportkpi::model::Status;
//!
//! let csv = "Ticket ID,Status,Priority,Source,Agent,Group,Created time,Resolved time,\
//!            Initial response time,Agent interactions,Contact ID\n\
//!            7,Waiting on Customer,High,Email,Bo,Billing,2021-06-01 09:00:00,,\
//!            2021-06-01 09:20:00,1,C-7\n";
//! let options = ReadOptions::new().preset(Preset::Freshdesk);
//! let t = TicketReader::csv(csv.as_bytes(), &options)?.next().unwrap().unwrap();
//! assert_eq!(t.status(), Status::Pending);
//! assert_eq!(t.first_response_seconds(), Some(20 * 60));
//! assert_eq!(t.customer_id().unwrap().as_str(), "C-7");
//! # Ok::<(), supportkpi::Error>(())
//! ```

use super::resolved_only_if_resolved;
use crate::io::mapping::{ColumnMapping, Schema};
use crate::io::rules::{Cells, Key, Summary, customer_fallback};
use crate::model::{Status, StatusMap};

pub(crate) const SCHEMA: Schema = Schema {
    record_type: "ticket",
    keys: &[
        "id",
        "customer_id",
        "created_at",
        "first_response_at",
        "first_resolved_at",
        "resolved_at",
        "status",
        "channel",
        "priority",
        "team",
        "assignee",
        "agent_replies",
        "reopens",
        "company",
        "closed_at",
    ],
    required: &["id", "created_at"],
    id_key: Some("id"),
};

pub(crate) fn mapping() -> ColumnMapping {
    ColumnMapping::new()
        .ignore_case(true)
        .map("Ticket ID", "id")
        .map("Contact ID", "customer_id")
        .map("Company Name", "company")
        .map("Created time", "created_at")
        .map("Initial response time", "first_response_at")
        .map("Resolved time", "resolved_at")
        .map("Closed time", "closed_at")
        .map("Status", "status")
        .map("Priority", "priority")
        .map("Source", "channel")
        .map("Group", "team")
        .map("Agent", "assignee")
        .map("Agent interactions", "agent_replies")
}

/// Freshdesk's default ticket statuses (any case): `Open`, `Pending`, `Resolved`, `Closed`,
/// `Waiting on Customer` → pending, `Waiting on Third Party` → on hold.
pub(crate) fn status_map() -> StatusMap {
    StatusMap::new()
        .with("Open", Status::Open)
        .with("Pending", Status::Pending)
        .with("Resolved", Status::Solved)
        .with("Closed", Status::Closed)
        .with("Waiting on Customer", Status::Pending)
        .with("Waiting on Third Party", Status::OnHold)
        .case_insensitive(true)
}

/// The export's summary ticket, after the fields every layout reads
/// ([`rules::start`](crate::io::rules::start)): the company, the status, the first
/// response, then the resolution (else the closing) when the status is resolved.
pub(crate) fn times<C: Cells>(c: &mut C, s: &mut Summary<C::Text, C::At>) -> Result<(), C::Fail> {
    customer_fallback(c, Key::Company, s)?;
    let status = c.status()?;
    s.status = status;
    s.first_response = c.instant(Key::FirstResponseAt)?;
    let resolved = match c.instant(Key::ResolvedAt)? {
        Some(at) => Some(at),
        None => c.instant(Key::ClosedAt)?,
    };
    if resolved_only_if_resolved(status) {
        s.resolved = resolved;
    }
    Ok(())
}
