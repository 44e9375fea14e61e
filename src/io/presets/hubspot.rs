//! HubSpot Service Hub's ticket export (CRM → Tickets → Export, CSV), one row per ticket.
//!
//! HubSpot exports a record's properties by their labels ([Tickets
//! API](https://developers.hubspot.com/docs/api/crm/tickets): a ticket's status is its pipeline
//! stage, `hs_pipeline_stage`, labelled `Ticket status`; the default pipeline's stages are
//! `New`, `Waiting on contact`, `Waiting on us` and `Closed`). Dates are the account's local
//! times without an offset, `2021-06-01 09:00` (declare the zone with
//! [`ReadOptions::zone`](crate::io::ReadOptions::zone)).
//!
//! | HubSpot column | field |
//! |---|---|
//! | `Ticket ID` | `id` (required) |
//! | `Create date` | `created_at` (required) |
//! | `Close date` | `resolved_at`, for a ticket whose stage is closed |
//! | `Ticket status` | `status`, through the pipeline-stage table below |
//! | `Priority` | `priority` (`Low`, `Medium`, `High`, `Urgent`) |
//! | `Source` | `channel` (`Chat`, `Email`, `Form`, `Phone`) |
//! | `Ticket owner` | `assignee` |
//! | `Associated Contact` | `customer_id` |
//!
//! Pipeline stages (the default pipeline's, any case): `New` → new, `Waiting on us` → open,
//! `Waiting on contact` → pending, `Closed` → closed. A stage of your own pipeline is
//! [`ErrorKind::UnmappedStatus`](crate::ErrorKind::UnmappedStatus) naming it: map it with
//! [`ReadOptions::status_map`](crate::io::ReadOptions::status_map)
//! (`Preset::Hubspot.status_map().with("Escalated", Status::OnHold)`).
//!
//! Not carried, so unknown (never 0): the first response (HubSpot's reply-time properties are
//! not in the default export; keep any you add as dimensions with
//! [`ReadOptions::keep_extra_columns`](crate::io::ReadOptions::keep_extra_columns)), public
//! agent replies and reopens.
//!
//! # Example
//! ```
//! use supportkpi::io::{Preset, ReadOptions, TicketReader};
//! use supportkpi::model::Status;
//! let csv = "Ticket ID,Ticket name,Ticket status,Create date,Close date,Priority,Source,Ticket owner\n\
//!            1201,Login,Closed,2021-06-01 09:00,2021-06-01 11:15,High,Email,Ana Agent\n";
//! let t = TicketReader::csv(csv.as_bytes(), &ReadOptions::new().preset(Preset::Hubspot))?
//!     .next().unwrap().unwrap();
//! assert_eq!((t.status(), t.resolution_seconds()), (Status::Closed, Some(8100)));
//! # Ok::<(), supportkpi::Error>(())
//! ```

use crate::io::mapping::{ColumnMapping, Schema};
use crate::model::{Status, StatusMap};

pub(crate) const SCHEMA: Schema = super::CREATED_RESOLVED_SCHEMA;

pub(crate) fn mapping() -> ColumnMapping {
    ColumnMapping::new()
        .ignore_case(true)
        .map("Ticket ID", "id")
        .map("Associated Contact", "customer_id")
        .map("Create date", "created_at")
        .map("Close date", "resolved_at")
        .map("Ticket status", "status")
        .map("Priority", "priority")
        .map("Source", "channel")
        .map("Ticket owner", "assignee")
}

/// The default ticket pipeline's stages (see the [module docs](self)).
pub(crate) fn status_map() -> StatusMap {
    StatusMap::new()
        .with("New", Status::New)
        .with("Waiting on us", Status::Open)
        .with("Waiting on contact", Status::Pending)
        .with("Closed", Status::Closed)
        .case_insensitive(true)
}
