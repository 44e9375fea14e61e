//! Jira Service Management's issue export (issue search → Export → CSV, all or current
//! fields), one row per request.
//!
//! As Atlassian documents the export ([Export your issues to
//! CSV](https://support.atlassian.com/jira-software-cloud/docs/export-an-issue/)): the
//! columns are the issue fields by their display names (`Issue key`, `Issue id`, `Summary`,
//! `Issue Type`, `Status`, `Priority`, `Resolution`, `Assignee`, `Reporter`, `Created`,
//! `Updated`, `Resolved`, …) and custom fields as `Custom field (NAME)` — the service project's
//! `Custom field (Request Type)`; dates in the exporting user's date-time format, by default
//! `01/Jun/21 9:00 AM` (`%d/%b/%y %I:%M %p`, set another with
//! [`ReadOptions::timestamps`](crate::io::ReadOptions::timestamps)), in the user's zone without
//! an offset (declare it with [`ReadOptions::zone`](crate::io::ReadOptions::zone)).
//!
//! | Jira column | field |
//! |---|---|
//! | `Issue key` | `id` (required) |
//! | `Reporter` | `customer_id` |
//! | `Created` | `created_at` (required) |
//! | `Resolved` | `resolved_at`, for a request whose status is resolved (see below) |
//! | `Status` | `status`, through the table below |
//! | `Priority` | `priority` (`Highest`, `High`, `Medium`, `Low`, `Lowest`) |
//! | `Assignee` | `assignee` |
//! | `Custom field (Request Type)` | `channel`: the portal request type the customer chose |
//!
//! Statuses (the default service project workflows', any case): `To Do` → new; `Open`,
//! `Reopened`, `Waiting for support`, `In Progress`, `Work in progress`, `Under review` → open;
//! `Waiting for customer`, `Pending` → pending; `Escalated`, `Waiting for approval` → on hold;
//! `Resolved`, `Done`, `Completed` → solved; `Closed` → closed; `Canceled`, `Cancelled`,
//! `Declined` → cancelled. A workflow's own status is [`ErrorKind::UnmappedStatus`](crate::ErrorKind::UnmappedStatus) naming it
//! — add it with [`ReadOptions::status_map`](crate::io::ReadOptions::status_map)
//! (`Preset::Jira.status_map().with(name, status)`).
//!
//! Not carried, so unknown (never 0): the first response (the SLA fields `Custom field (Time
//! to first response)` / `(Time to resolution)` export as SLA cycle text, not instants: keep
//! them as dimensions with [`ReadOptions::keep_extra_columns`](crate::io::ReadOptions::keep_extra_columns)),
//! public agent replies and reopens. Other columns become dimensions named by their header
//! with `keep_extra_columns`.
//!
//! # Example
//! ```
//! use supportkpi::io::{Preset, ReadOptions, TicketReader};
//! use supportkpi::model::Status;
//! let csv = "Summary,Issue key,Issue id,Status,Priority,Assignee,Reporter,Created,Resolved\n\
//!            Printer,HELP-7,10007,Resolved,High,Ana,kim,01/Jun/21 9:00 AM,01/Jun/21 3:30 PM\n";
//! let t = TicketReader::csv(csv.as_bytes(), &ReadOptions::new().preset(Preset::Jira))?
//!     .next().unwrap().unwrap();
//! assert_eq!((t.id().as_str(), t.status()), ("HELP-7", Status::Solved));
//! assert_eq!(t.resolution_seconds(), Some(6 * 3600 + 30 * 60));
//! assert_eq!((t.reopens(), t.first_response_at()), (None, None));
//! # Ok::<(), supportkpi::Error>(())
//! ```

use crate::io::mapping::{ColumnMapping, Schema};
use crate::model::{Status, StatusMap};

/// The default date-time pattern of Jira's CSV export.
pub const TIMESTAMP_PATTERN: &str = "%d/%b/%y %I:%M %p";

pub(crate) const SCHEMA: Schema = super::CREATED_RESOLVED_SCHEMA;

pub(crate) fn mapping() -> ColumnMapping {
    ColumnMapping::new()
        .ignore_case(true)
        .map("Issue key", "id")
        .map("Reporter", "customer_id")
        .map("Created", "created_at")
        .map("Resolved", "resolved_at")
        .map("Status", "status")
        .map("Priority", "priority")
        .map("Assignee", "assignee")
        .map("Custom field (Request Type)", "channel")
}

/// The default service project workflows' statuses (see the [module docs](self)).
pub(crate) fn status_map() -> StatusMap {
    let mut map = StatusMap::new();
    for (names, status) in [
        (&["To Do"][..], Status::New),
        (
            &[
                "Open",
                "Reopened",
                "Waiting for support",
                "In Progress",
                "Work in progress",
                "Under review",
            ][..],
            Status::Open,
        ),
        (&["Waiting for customer", "Pending"][..], Status::Pending),
        (&["Escalated", "Waiting for approval"][..], Status::OnHold),
        (&["Resolved", "Done", "Completed"][..], Status::Solved),
        (&["Closed"][..], Status::Closed),
        (
            &["Canceled", "Cancelled", "Declined"][..],
            Status::Cancelled,
        ),
    ] {
        for name in names {
            map = map.with(*name, status);
        }
    }
    map.case_insensitive(true)
}
