//! The Zendesk Support ticket CSV export (Admin Center → Account → Tools → Reports → Export →
//! CSV), one row per ticket.
//!
//! Columns mapped, as Zendesk's export documentation ("Exporting data to a JSON, CSV, or XML
//! file", ticket data table) names them; names match ignoring case, so both the documented
//! `ID` / `Requester ID` and the `Id` / `Requester id` of actual files read:
//!
//! | Zendesk column | field |
//! |---|---|
//! | `Id` | `id` (required) |
//! | `Requester id` (else, when the file has no such column, `Requester`) | `customer_id` |
//! | `Created at` | `created_at` (required) |
//! | `First reply time in minutes` | `first_response_at` = created + minutes |
//! | `First resolution time in minutes` | `first_resolved_at` = created + minutes, at most `resolved_at` |
//! | `Solved at` (else `Full resolution time in minutes` after creation) | `resolved_at` |
//! | `Status` | `status`: `new` → new, `open` → open, `pending` → pending, `hold` / `on-hold` → on hold, `solved` → solved, `closed` → closed, `deleted` → cancelled (any case) |
//! | `Priority` | `priority` |
//! | `Via` | `channel` |
//! | `Group` | `team` |
//! | `Assignee` | `assignee` |
//! | `Replies` | `agent_replies` (Zendesk: public agent replies) |
//! | `Reopens` | `reopens` |
//!
//! Other columns (`Requester`, `Subject`, `Tags`, `Organization`, `Ticket type`, custom fields, the
//! business-hours and wait-time columns…) become dimensions named by their header with
//! [`ReadOptions::keep_extra_columns`](crate::io::ReadOptions::keep_extra_columns).
//!
//! Notes:
//! - The export writes dates in the account's time zone without an offset: declare it with
//!   [`ReadOptions::zone`](crate::io::ReadOptions::zone) (default UTC). Timestamps are read
//!   with [`TimestampFormat::auto`](crate::io::TimestampFormat::auto).
//! - The first reply and first resolution are given only as whole minutes since creation, so
//!   those instants are minute-precise. Business-hours columns are not used: business time is
//!   computed by [`BusinessCalendar`](crate::BusinessCalendar) from the instants.
//! - `Solved at` is the latest change to solved. For a ticket whose status is not solved or
//!   closed (reopened since) it is a past resolution, and is dropped, as the event-log
//!   derivation does: the ticket is open.
//!
//! # Example
//! ```
//! use supportkpi::io::{Preset, ReadOptions, TicketReader};
//!
//! let csv = "Id,Requester id,Created at,Solved at,Status,Priority,Via,Group,Assignee,\
//!            Reopens,Replies,First reply time in minutes\n\
//!            101,9001,2021-06-01 09:00:00,2021-06-01 13:30:00,Solved,Normal,Mail,Tier 1,Ann,0,2,45\n";
//! let options = ReadOptions::new().preset(Preset::Zendesk).zone("Europe/Berlin")?;
//! let t = TicketReader::csv(csv.as_bytes(), &options)?.next().unwrap().unwrap();
//! assert_eq!(t.created_at().to_rfc3339(), "2021-06-01T07:00:00+00:00");
//! assert_eq!(t.first_response_seconds(), Some(45 * 60));
//! assert_eq!(t.resolution_seconds(), Some(270 * 60));
//! assert_eq!((t.channel(), t.team(), t.assignee()), (Some("Mail"), Some("Tier 1"), Some("Ann")));
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
        "requester",
        "first_reply_minutes",
        "first_resolution_minutes",
        "full_resolution_minutes",
    ],
    required: &["id", "created_at"],
    id_key: Some("id"),
};

pub(crate) fn mapping() -> ColumnMapping {
    ColumnMapping::new()
        .ignore_case(true)
        .map("Id", "id")
        .map("Requester id", "customer_id")
        .map("Requester", "requester")
        .map("Created at", "created_at")
        .map("Solved at", "resolved_at")
        .map("Status", "status")
        .map("Priority", "priority")
        .map("Via", "channel")
        .map("Group", "team")
        .map("Assignee", "assignee")
        .map("Replies", "agent_replies")
        .map("Reopens", "reopens")
        .map("First reply time in minutes", "first_reply_minutes")
        .map(
            "First resolution time in minutes",
            "first_resolution_minutes",
        )
        .map("Full resolution time in minutes", "full_resolution_minutes")
}

/// Zendesk's ticket statuses (any case): `new`, `open`, `pending`, `hold` (also `on-hold`),
/// `solved`, `closed`, and `deleted` → cancelled.
pub(crate) fn status_map() -> StatusMap {
    StatusMap::new()
        .with("new", Status::New)
        .with("open", Status::Open)
        .with("pending", Status::Pending)
        .with("hold", Status::OnHold)
        .with("on-hold", Status::OnHold)
        .with("on hold", Status::OnHold)
        .with("solved", Status::Solved)
        .with("closed", Status::Closed)
        .with("deleted", Status::Cancelled)
        .case_insensitive(true)
}

/// The export's summary ticket, after the fields every layout reads
/// ([`rules::start`](crate::io::rules::start)): the requester, the status, then the
/// instants from the minute columns.
pub(crate) fn times<C: Cells>(c: &mut C, s: &mut Summary<C::Text, C::At>) -> Result<(), C::Fail> {
    customer_fallback(c, Key::Requester, s)?;
    let status = c.status()?;
    s.status = status;
    let created = s.created;
    s.first_response = c.after_minutes(Key::FirstReplyMinutes, created)?;
    let resolved = match c.instant(Key::ResolvedAt)? {
        Some(at) => Some(at),
        None => c.after_minutes(Key::FullResolutionMinutes, created)?,
    };
    let first = c.after_minutes(Key::FirstResolutionMinutes, created)?;
    if resolved_only_if_resolved(status) {
        s.resolved = resolved;
        // Minute rounding can put the first resolution a few seconds after the latest.
        s.first_resolved = first.map(|first| resolved.map_or(first, |latest| first.min(latest)));
    }
    Ok(())
}
