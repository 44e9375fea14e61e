//! The records every KPI is computed from (docs/definitions.md, "Records").
//!
//! Records validate themselves when they are built: a ticket resolved before it was created, a
//! customer who churned before being acquired or an empty id is an [`Error`] at
//! construction, never a panic and never a silently wrong number later. Deserializing (serde)
//! runs the same validation.
//!
//! Instants are `chrono::DateTime<Utc>`; readers convert offsets and naive
//! local times (with a declared zone) to UTC on the way in.

mod cost;
mod customer;
mod derive;
mod event;
mod ids;
mod money;
mod status;
mod survey;
mod ticket;

pub use cost::CostEntry;
pub use customer::Customer;
pub use derive::{
    BeforeCreation, DeriveOptions, EventOrder, ReplyWait, StatusMap, StatusSpan, TicketHistory,
    derive_histories, derive_histories_lenient,
};
pub use event::{Author, EventKind, TicketEvent};
pub use ids::{CustomerId, SurveyId, TicketId};
pub use money::{Currency, Money};
pub use status::{Status, StatusCategory};
pub(crate) use survey::{NPS_SCALE, NPS_SCALE_RULE};
pub use survey::{SurveyKind, SurveyResponse};
pub use ticket::{Ticket, TicketBuilder};

use crate::error::{Error, ErrorKind};
use chrono::{DateTime, Utc};

/// An instant, always UTC inside the library.
pub type Instant = DateTime<Utc>;

/// Checks `later >= earlier`, naming the record, field and rule otherwise.
pub(crate) fn not_before(
    record_type: &'static str,
    id: &str,
    field: &'static str,
    later: Instant,
    earlier_field: &'static str,
    earlier: Instant,
) -> Result<(), Error> {
    if later < earlier {
        return Err(Error::new(
            ErrorKind::NegativeDuration,
            format!(
                "{field} must not be before {earlier_field} ({})",
                earlier.to_rfc3339()
            ),
        )
        .with_record_type(record_type)
        .with_id(id)
        .with_field(field)
        .with_value(later.to_rfc3339()));
    }
    Ok(())
}
