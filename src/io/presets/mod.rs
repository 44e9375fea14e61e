//! Presets for the exports users actually have: each maps a helpdesk's documented columns,
//! status vocabulary and timestamp format onto the records.
//!
//! - [`servicenow`]: the ServiceNow incident event log → ticket histories
//!   ([`read_servicenow`](crate::io::read_servicenow)).
//! - [`zendesk`]: the Zendesk Support ticket CSV export → tickets.
//! - [`freshdesk`]: the Freshdesk ticket export → tickets.
//!
//! Select one by name with [`Preset`]'s `FromStr` (`"servicenow"`, `"zendesk"`,
//! `"freshdesk"`) and [`ReadOptions::preset`](crate::io::ReadOptions::preset). A
//! [`ColumnMapping`](crate::io::ColumnMapping) given as well is layered over the preset's
//! (its entries win), so an export with renamed or extra columns still reads.

pub mod freshdesk;
pub mod servicenow;
pub mod zendesk;

use super::mapping::Row;
use super::{Plan, ReadOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Instant, Status, StatusCategory, StatusMap, Ticket};
use chrono::Duration;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt;
use std::str::FromStr;

/// A helpdesk export layout the readers know.
///
/// # Example
/// ```
/// use supportkpi::io::Preset;
/// assert_eq!("ServiceNow".parse::<Preset>()?, Preset::ServiceNow);
/// assert_eq!("zendesk".parse::<Preset>()?.to_string(), "zendesk");
/// assert!("jira".parse::<Preset>().is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The ServiceNow incident event log ([`servicenow`]).
    ServiceNow,
    /// The Zendesk Support ticket CSV export ([`zendesk`]).
    Zendesk,
    /// The Freshdesk ticket export ([`freshdesk`]).
    Freshdesk,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 3] = [Preset::ServiceNow, Preset::Zendesk, Preset::Freshdesk];

    /// The preset's name, as `FromStr` accepts it.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::ServiceNow => "servicenow",
            Preset::Zendesk => "zendesk",
            Preset::Freshdesk => "freshdesk",
        }
    }

    /// The status vocabulary of the preset's helpdesk.
    ///
    /// # Example
    /// ```
    /// use supportkpi::io::Preset;
    /// use supportkpi::model::Status;
    /// assert_eq!(Preset::Freshdesk.status_map().get("Waiting on Customer"), Some(Status::Pending));
    /// ```
    pub fn status_map(self) -> StatusMap {
        match self {
            Preset::ServiceNow => StatusMap::servicenow(),
            Preset::Zendesk => zendesk::status_map(),
            Preset::Freshdesk => freshdesk::status_map(),
        }
    }

    /// Whether the preset reads an event log (its tickets are derived from the events, from
    /// the `events` input or else the `tickets` one) rather than summary tickets.
    ///
    /// # Example
    /// ```
    /// use supportkpi::io::Preset;
    /// assert!(Preset::ServiceNow.reads_event_log());
    /// assert!(!Preset::Zendesk.reads_event_log());
    /// ```
    pub fn reads_event_log(self) -> bool {
        match self {
            Preset::ServiceNow => true,
            Preset::Zendesk | Preset::Freshdesk => false,
        }
    }

    /// The timestamp pattern the preset's export writes, when it is not an automatic one.
    #[cfg(feature = "arrow")]
    pub(crate) fn default_timestamp_pattern(self) -> Option<&'static str> {
        match self {
            Preset::ServiceNow => Some(servicenow::TIMESTAMP_PATTERN),
            Preset::Zendesk | Preset::Freshdesk => None,
        }
    }

    /// What the preset reads, for error messages.
    pub(crate) fn reads(self) -> &'static str {
        match self {
            Preset::ServiceNow => "it is an event log: read it with io::read_servicenow",
            Preset::Zendesk | Preset::Freshdesk => "it reads tickets",
        }
    }

    pub(crate) fn ticket_plan(self, options: &ReadOptions) -> Result<Plan<Ticket>> {
        let (schema, parse, mapping) = match self {
            Preset::Zendesk => (zendesk::SCHEMA, zendesk::ticket as _, zendesk::mapping()),
            Preset::Freshdesk => (
                freshdesk::SCHEMA,
                freshdesk::ticket as _,
                freshdesk::mapping(),
            ),
            Preset::ServiceNow => {
                return Err(Error::new(
                    ErrorKind::InvalidOption,
                    format!(
                        "the servicenow preset does not read ticket records ({})",
                        self.reads()
                    ),
                )
                .with_field("preset")
                .with_value(self));
            }
        };
        let mut options = options.clone();
        options.status_map.get_or_insert_with(|| self.status_map());
        Ok(Plan {
            schema,
            parse,
            mapping: options.mapping.layered_over(&mapping),
            options,
        })
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Preset {
    type Err = Error;

    /// `servicenow` (also `service_now`, `service-now`), `zendesk` or `freshdesk`, any case.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for any other name.
    fn from_str(s: &str) -> Result<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "servicenow" => Ok(Preset::ServiceNow),
            "zendesk" => Ok(Preset::Zendesk),
            "freshdesk" => Ok(Preset::Freshdesk),
            _ => Err(Error::new(
                ErrorKind::InvalidOption,
                "expected one of servicenow, zendesk, freshdesk",
            )
            .with_field("preset")
            .with_value(s)),
        }
    }
}

/// `created + minutes`, for exports that give durations instead of instants. Whole seconds,
/// rounded half away from zero; a negative duration is an error naming the column.
pub(crate) fn after_minutes(row: &Row<'_>, key: &str, created: Instant) -> Result<Option<Instant>> {
    let Some(minutes) = row.decimal(key)? else {
        return Ok(None);
    };
    minutes_after(created, minutes)
        .map(Some)
        .map_err(|e| e.with_field(row.source_name(key)))
}

/// `created` plus a duration in minutes, as the Zendesk preset reads its
/// `… time in minutes` columns: whole seconds, rounded half away from zero. Shared with the
/// column readers (CSV's quick path, Arrow's), so every reader reads a duration alike.
///
/// # Errors
/// [`ErrorKind::NegativeDuration`] for a negative duration, [`ErrorKind::InvalidValue`] for one
/// over 100 years; each names the value (the caller adds the field).
pub(crate) fn minutes_after(created: Instant, minutes: Decimal) -> Result<Instant> {
    if minutes.is_sign_negative() && !minutes.is_zero() {
        return Err(Error::new(
            ErrorKind::NegativeDuration,
            "a duration since creation is not negative",
        )
        .with_value(minutes));
    }
    let seconds = minutes
        .checked_mul(Decimal::from(60))
        .map(|s| s.round())
        .and_then(|s| s.to_i64())
        .filter(|s| *s <= 100 * 366 * 86_400)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidValue,
                "a duration in minutes of at most 100 years",
            )
            .with_value(minutes)
        })?;
    created
        .checked_add_signed(Duration::seconds(seconds))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidValue,
                "a duration in minutes that ends within the range of instants",
            )
            .with_value(minutes)
        })
}

/// Whether an export's resolution instants are kept for a ticket of this status: only for a
/// ticket that ends resolved (or whose status is unknown), as the event-log derivation does —
/// an export's "solved at" of a ticket reopened since is a past resolution. Shared with the
/// column readers, as [`minutes_after`].
pub(crate) fn resolved_only_if_resolved(status: Option<Status>) -> bool {
    status.is_none_or(|s| s.category() == StatusCategory::Resolved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn minutes_after_rounds_to_seconds_and_refuses_negatives() {
        let t0 = Utc.with_ymd_and_hms(2021, 6, 1, 9, 0, 0).unwrap();
        let at = minutes_after(t0, Decimal::new(455, 1)).unwrap(); // 45.5 minutes
        assert_eq!((at - t0).num_seconds(), 45 * 60 + 30);
        let e = minutes_after(t0, Decimal::new(-1, 0)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NegativeDuration);
        assert!(minutes_after(t0, Decimal::ZERO).is_ok());
    }

    #[test]
    fn resolutions_are_kept_only_for_resolved_or_unknown_statuses() {
        assert!(resolved_only_if_resolved(Some(Status::Closed)));
        assert!(resolved_only_if_resolved(None));
        assert!(!resolved_only_if_resolved(Some(Status::Open)));
    }
}
