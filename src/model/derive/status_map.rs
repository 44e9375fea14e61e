use crate::error::{Error, ErrorKind, Result};
use crate::model::Status;
use std::collections::BTreeMap;

/// Maps the status names a source system writes into its event log onto [`Status`].
///
/// Lookup order for a name:
/// 1. an exact, case-sensitive entry added with [`with`](StatusMap::with);
/// 2. if [`case_insensitive`](StatusMap::case_insensitive) is on, an entry whose name equals it
///    ignoring ASCII case and surrounding whitespace;
/// 3. for a map built from [`canonical`](StatusMap::canonical), the canonical names and their
///    synonyms as [`Status::from_str`](std::str::FromStr) parses them.
///
/// Exact matching is the default because a status name is an identifier of the source system:
/// folding case silently would be a guess, so it is something the caller switches on by name.
///
/// # Example
/// ```
/// use supportkpi::model::{Status, StatusMap};
///
/// let map = StatusMap::servicenow().with("Waiting on Customer", Status::Pending);
/// assert_eq!(map.get("Awaiting User Info"), Some(Status::Pending));
/// assert_eq!(map.get("Waiting on Customer"), Some(Status::Pending));
/// assert_eq!(map.get("resolved"), None); // exact names only…
/// assert_eq!(map.case_insensitive(true).get("resolved"), Some(Status::Solved)); // …unless asked
///
/// let err = StatusMap::servicenow().resolve("Parked").unwrap_err();
/// assert_eq!(err.kind(), supportkpi::ErrorKind::UnmappedStatus);
/// assert_eq!(err.value(), Some("Parked"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusMap {
    exact: BTreeMap<String, Status>,
    case_insensitive: bool,
    canonical_fallback: bool,
}

impl StatusMap {
    /// An empty map: every name is unmapped until added with [`with`](StatusMap::with).
    pub fn new() -> Self {
        StatusMap::default()
    }

    /// A map accepting the library's canonical names (`new`, `open`, `pending`, `on_hold`,
    /// `solved`, `closed`, `cancelled`) and the synonyms [`Status`]'s `FromStr` accepts, in any
    /// case; entries added with [`with`](StatusMap::with) take precedence.
    ///
    /// # Example
    /// ```
    /// use supportkpi::model::{Status, StatusMap};
    /// let map = StatusMap::canonical();
    /// assert_eq!(map.get("On-Hold"), Some(Status::OnHold));
    /// assert_eq!(map.get("Awaiting Vendor"), None);
    /// ```
    pub fn canonical() -> Self {
        StatusMap {
            canonical_fallback: true,
            ..StatusMap::default()
        }
    }

    /// The incident states of ServiceNow, by their display names: `New` → new, `Active` → open,
    /// `Awaiting User Info` → pending, `Awaiting Problem` / `Awaiting Vendor` /
    /// `Awaiting Evidence` → on hold, `Resolved` → solved, `Closed` → closed, and
    /// `Canceled` / `Cancelled` → cancelled.
    ///
    /// # Example
    /// ```
    /// use supportkpi::model::{Status, StatusMap};
    /// let map = StatusMap::servicenow();
    /// assert_eq!(map.get("Awaiting Problem"), Some(Status::OnHold));
    /// assert_eq!(map.get("Active"), Some(Status::Open));
    /// ```
    pub fn servicenow() -> Self {
        StatusMap::new()
            .with("New", Status::New)
            .with("Active", Status::Open)
            .with("Awaiting User Info", Status::Pending)
            .with("Awaiting Problem", Status::OnHold)
            .with("Awaiting Vendor", Status::OnHold)
            .with("Awaiting Evidence", Status::OnHold)
            .with("Resolved", Status::Solved)
            .with("Closed", Status::Closed)
            .with("Canceled", Status::Cancelled)
            .with("Cancelled", Status::Cancelled)
    }

    /// Adds (or replaces) the entry for `name`, matched exactly.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, status: Status) -> Self {
        self.exact.insert(name.into(), status);
        self
    }

    /// Switches the case-insensitive fallback on or off (off by default).
    #[must_use]
    pub fn case_insensitive(mut self, on: bool) -> Self {
        self.case_insensitive = on;
        self
    }

    /// The status `name` maps to, if any.
    pub fn get(&self, name: &str) -> Option<Status> {
        if let Some(&status) = self.exact.get(name) {
            return Some(status);
        }
        if self.case_insensitive {
            let wanted = name.trim();
            let found = self
                .exact
                .iter()
                .find(|(known, _)| known.trim().eq_ignore_ascii_case(wanted));
            if let Some((_, &status)) = found {
                return Some(status);
            }
        }
        if self.canonical_fallback {
            return name.parse().ok();
        }
        None
    }

    /// The status `name` maps to.
    ///
    /// # Errors
    /// [`ErrorKind::UnmappedStatus`] naming the field `status` and the value, when the map has
    /// no entry for `name`.
    ///
    /// # Example
    /// ```
    /// use supportkpi::model::{Status, StatusMap};
    /// assert_eq!(StatusMap::servicenow().resolve("Closed")?, Status::Closed);
    /// assert!(StatusMap::new().resolve("Closed").is_err());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn resolve(&self, name: &str) -> Result<Status> {
        self.get(name).ok_or_else(|| {
            Error::new(
                ErrorKind::UnmappedStatus,
                "the status name has no entry in the status map",
            )
            .with_field("status")
            .with_value(name)
        })
    }

    /// The exactly matched names and their statuses, in name order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Status)> {
        self.exact
            .iter()
            .map(|(name, &status)| (name.as_str(), status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_before_fallbacks() {
        let map = StatusMap::canonical().with("Solved", Status::Closed);
        assert_eq!(map.get("Solved"), Some(Status::Closed));
        assert_eq!(map.get("solved"), Some(Status::Solved));
        assert_eq!(map.get("Awaiting Vendor"), None);
    }

    #[test]
    fn case_insensitive_is_opt_in() {
        let map = StatusMap::servicenow();
        assert_eq!(map.get("awaiting user info"), None);
        let map = map.case_insensitive(true);
        assert_eq!(map.get(" awaiting user info "), Some(Status::Pending));
        assert_eq!(map.get("parked"), None);
    }

    #[test]
    fn servicenow_covers_every_status_category() {
        let map = StatusMap::servicenow();
        assert_eq!(map.entries().count(), 10);
        assert_eq!(map.get("Canceled"), Some(Status::Cancelled));
        assert_eq!(map.get("Awaiting Evidence"), Some(Status::OnHold));
    }

    #[test]
    fn unmapped_names_the_field_and_value() {
        let e = StatusMap::new().resolve("Active").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnmappedStatus);
        assert_eq!((e.field(), e.value()), (Some("status"), Some("Active")));
    }
}
