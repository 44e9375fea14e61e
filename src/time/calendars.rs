//! [`TeamCalendars`]: a business calendar per team (or per value of any ticket dimension).

use super::BusinessCalendar;
use crate::error::{Error, ErrorKind};
use crate::model::Ticket;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

fn team() -> String {
    "team".to_owned()
}

/// Business calendars by the value of a ticket dimension — by default `team` — each with its
/// own zone, hours and holidays.
///
/// Every business-time measure of a ticket (first response, resolution, next reply, status
/// times, business-clock SLA targets) uses the calendar of its dimension value; a ticket
/// without a value, or with one the map does not name, uses the default calendar (the
/// report's `calendar`, which a map needs). Values are matched exactly.
///
/// The JSON (and TOML) form is `{"by": "team", "calendars": {"Billing": {"timezone":
/// "Europe/Berlin", "hours": "Mon-Fri 09:00-17:00", "holidays": ["2021-12-24"]}}}`.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::time::TeamCalendars;
/// use supportkpi::{BusinessCalendar, Ticket};
///
/// let berlin = BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::Europe::Berlin)?;
/// let default = BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC)?;
/// let map = TeamCalendars::new().with("Billing", berlin.clone());
/// let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let billing = Ticket::builder("A", at).team("Billing").build()?;
/// let other = Ticket::builder("B", at).build()?;
/// assert_eq!(map.for_ticket(&billing, Some(&default)), Some(&berlin));
/// assert_eq!(map.for_ticket(&other, Some(&default)), Some(&default));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Clone)]
pub struct TeamCalendars {
    // Behind an `Arc`, as a calendar's data: the duration KPIs' options each hold the map, and
    // every report cell a copy of those options.
    inner: Arc<Data>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
// `expecting`: serde names the struct in its errors by its Rust name, which `rename` does not change.
#[serde(
    rename = "TeamCalendars",
    expecting = "struct TeamCalendars",
    deny_unknown_fields
)]
struct Data {
    #[serde(default = "team")]
    by: String,
    #[serde(default)]
    calendars: BTreeMap<String, BusinessCalendar>,
}

impl PartialEq for TeamCalendars {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner == other.inner
    }
}

impl Eq for TeamCalendars {}

impl fmt::Debug for TeamCalendars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TeamCalendars")
            .field("by", &self.inner.by)
            .field("calendars", &self.inner.calendars)
            .finish()
    }
}

impl Serialize for TeamCalendars {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.inner.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TeamCalendars {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Data::deserialize(deserializer).map(|data| TeamCalendars {
            inner: Arc::new(data),
        })
    }
}

impl Default for TeamCalendars {
    fn default() -> Self {
        TeamCalendars::new()
    }
}

impl TeamCalendars {
    /// An empty map keyed by `team`.
    pub fn new() -> Self {
        TeamCalendars {
            inner: Arc::new(Data {
                by: team(),
                calendars: BTreeMap::new(),
            }),
        }
    }

    /// Keys the map by another ticket dimension (`channel`, `priority`, a free-form column).
    #[must_use]
    pub fn by(mut self, dimension: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.inner).by = dimension.into();
        self
    }

    /// The calendar of tickets whose dimension value is `value`.
    #[must_use]
    pub fn with(mut self, value: impl Into<String>, calendar: BusinessCalendar) -> Self {
        Arc::make_mut(&mut self.inner)
            .calendars
            .insert(value.into(), calendar);
        self
    }

    /// The dimension the map is keyed by.
    pub fn dimension(&self) -> &str {
        &self.inner.by
    }

    /// The calendar of a dimension value, if the map has one.
    pub fn get(&self, value: &str) -> Option<&BusinessCalendar> {
        self.inner.calendars.get(value)
    }

    /// Every value and its calendar, in value order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &BusinessCalendar)> {
        self.inner.calendars.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The calendar of `ticket`: its value's, else `default`.
    pub fn for_ticket<'a>(
        &'a self,
        ticket: &Ticket,
        default: Option<&'a BusinessCalendar>,
    ) -> Option<&'a BusinessCalendar> {
        ticket
            .dimension(&self.inner.by)
            .and_then(|v| self.inner.calendars.get(v))
            .or(default)
    }

    /// Reads the JSON form.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidCalendar`] naming what is wrong (an unknown key, a bad zone, hours
    /// or date).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidCalendar,
                format!(
                    "a calendars file is {{\"by\": …, \"calendars\": {{value: calendar}}}}: {e}"
                ),
            )
            .with_field("calendars")
        })
    }

    /// Checks that a default calendar is there for the tickets the map does not name.
    pub(crate) fn check_default(
        map: Option<&Self>,
        default: Option<&BusinessCalendar>,
    ) -> Result<(), Error> {
        match (map, default) {
            (Some(_), None) => Err(Error::new(
                ErrorKind::InvalidOption,
                "calendars per team need a default calendar for the other tickets",
            )
            .with_field("calendars")),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_changed_after_a_clone_leaves_the_clone_alone() {
        let utc = BusinessCalendar::always_open(chrono_tz::UTC);
        let map = TeamCalendars::new().with("Billing", utc.clone());
        let changed = map.clone().by("channel").with("Email", utc.clone());
        assert_eq!(map.dimension(), "team");
        assert_eq!(map.iter().map(|(v, _)| v).collect::<Vec<_>>(), ["Billing"]);
        assert_eq!(changed.dimension(), "channel");
        assert_eq!(changed.iter().count(), 2);
        assert_eq!(map, TeamCalendars::new().with("Billing", utc));
        assert_ne!(map, changed);
        assert_eq!(
            format!("{:?}", TeamCalendars::new()),
            r#"TeamCalendars { by: "team", calendars: {} }"#
        );
    }

    /// The serde form and its errors are those of the old derived `TeamCalendars`
    /// (texts taken from the parent of the `cells` merge, 246f1b3).
    #[test]
    fn serde_form_and_errors_are_the_old_ones() {
        let utc = BusinessCalendar::always_open(chrono_tz::UTC);
        let map = TeamCalendars::new().by("channel").with("email", utc);
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(
            json,
            r#"{"by":"channel","calendars":{"email":{"timezone":"UTC","hours":"24/7","holidays":[],"closures":[]}}}"#
        );
        assert_eq!(serde_json::from_str::<TeamCalendars>(&json).unwrap(), map);
        assert_eq!(
            serde_json::from_str::<TeamCalendars>("{}").unwrap(),
            TeamCalendars::new()
        );
        let err = |text: &str| {
            serde_json::from_str::<TeamCalendars>(text)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(r#"{"by":"team","x":1}"#),
            "unknown field `x`, expected `by` or `calendars` at line 1 column 16"
        );
        // Fails at 1d0e025: "expected struct Data" (serde's `expecting` text is the Rust
        // name, `rename` does not reach it).
        assert_eq!(
            err("null"),
            "invalid type: null, expected struct TeamCalendars at line 1 column 4"
        );
        assert_eq!(
            err("3"),
            "invalid type: integer `3`, expected struct TeamCalendars at line 1 column 1"
        );
    }
}
