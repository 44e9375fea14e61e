//! Turning timestamp text into instants: RFC 3339, naive local times in a declared zone, or a
//! caller's chrono format.

use crate::error::{Error, ErrorKind, Result};
use crate::model::Instant;
use crate::time::{local_midnight, local_to_instant, parse_zone};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

/// How the readers turn timestamp text into instants.
///
/// - [`TimestampFormat::auto`] (the default) accepts RFC 3339 with an offset
///   (`2021-06-01T08:00:00Z`, `2021-06-01 10:00:00+02:00`), an offset after a space
///   (`2021-06-01 10:00:00 +0200`), a naive local time (`2021-06-01T08:00`,
///   `2021-06-01 08:00:00.5`) and a bare date (`2021-06-01`, local midnight).
/// - [`TimestampFormat::pattern`] takes a chrono `strftime` pattern such as `%d-%m-%Y %H:%M`.
///   A pattern with an offset (`%z`, `%:z`, `%#z`, `%::z`) or `%s` (Unix seconds) gives instants
///   directly; any other is a naive local time, and a pattern without a time of day gives local
///   midnight.
///
/// Naive local times are read in the format's zone, [`UTC`](chrono_tz::UTC) unless declared
/// with [`zone`](TimestampFormat::zone). A local time that occurs twice (the repeated hour
/// when clocks go back) is the earlier instant; one that does not exist (skipped when clocks go
/// forward) is the instant the gap ends — the rules of [`local_to_instant`].
///
/// # Example
/// ```
/// use supportkpi::io::TimestampFormat;
///
/// let utc = TimestampFormat::auto();
/// assert_eq!(utc.parse("2021-06-01T10:00:00+02:00")?.to_rfc3339(), "2021-06-01T08:00:00+00:00");
/// assert_eq!(utc.parse("2021-06-01 08:00")?.to_rfc3339(), "2021-06-01T08:00:00+00:00");
///
/// let berlin = TimestampFormat::pattern("%d-%m-%Y %H:%M").zone("Europe/Berlin")?;
/// assert_eq!(berlin.parse("01-06-2021 10:00")?.to_rfc3339(), "2021-06-01T08:00:00+00:00");
/// // 02:30 on 2021-03-28 does not exist in Berlin: the gap ends at 03:00 CEST = 01:00 UTC.
/// assert_eq!(berlin.parse("28-03-2021 02:30")?.to_rfc3339(), "2021-03-28T01:00:00+00:00");
///
/// let err = berlin.parse("2021-06-01").unwrap_err();
/// assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidTimestamp);
/// assert!(err.rule().contains("%d-%m-%Y %H:%M"), "{err}");
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampFormat {
    pattern: Option<String>,
    zone: Tz,
}

impl Default for TimestampFormat {
    fn default() -> Self {
        TimestampFormat::auto()
    }
}

const AWARE: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S%.f %z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M %z",
];
const NAIVE: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

impl TimestampFormat {
    /// RFC 3339 and the common ISO 8601 variants, naive ones in UTC (see the type's docs).
    pub fn auto() -> Self {
        TimestampFormat {
            pattern: None,
            zone: chrono_tz::UTC,
        }
    }

    /// A chrono `strftime` pattern; naive results are read in UTC unless a zone is declared.
    pub fn pattern(pattern: impl Into<String>) -> Self {
        TimestampFormat {
            pattern: Some(pattern.into()),
            zone: chrono_tz::UTC,
        }
    }

    /// Declares the IANA zone naive local times are in.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownTimeZone`] for a name that is not an IANA zone.
    pub fn zone(self, name: &str) -> Result<Self> {
        Ok(self.with_zone(parse_zone(name)?))
    }

    /// Declares the zone naive local times are in.
    #[must_use]
    pub fn with_zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// The declared zone.
    pub fn time_zone(&self) -> Tz {
        self.zone
    }

    /// The pattern, or `None` for [`auto`](TimestampFormat::auto).
    pub fn pattern_str(&self) -> Option<&str> {
        self.pattern.as_deref()
    }

    /// Parses one timestamp (surrounding whitespace ignored).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidTimestamp`] naming the value and the expected format.
    pub fn parse(&self, text: &str) -> Result<Instant> {
        let text = text.trim();
        let parsed = match &self.pattern {
            None => self.parse_auto(text),
            Some(pattern) => self.parse_pattern(text, pattern),
        };
        parsed.ok_or_else(|| {
            Error::new(ErrorKind::InvalidTimestamp, self.expected()).with_value(text)
        })
    }

    /// What the format expects, for error messages.
    pub(crate) fn expected(&self) -> String {
        match &self.pattern {
            None => format!(
                "expected RFC 3339 with an offset (2021-06-01T08:00:00Z) or a local time \
                 YYYY-MM-DD[ HH:MM[:SS]] in {}",
                self.zone
            ),
            Some(p) if has_offset(p) => format!("expected the format {p}"),
            Some(p) => format!("expected the format {p} (local time in {})", self.zone),
        }
    }

    fn parse_auto(&self, text: &str) -> Option<Instant> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(t.with_timezone(&Utc));
        }
        for pattern in AWARE {
            if let Ok(t) = DateTime::parse_from_str(text, pattern) {
                return Some(t.with_timezone(&Utc));
            }
        }
        for pattern in NAIVE {
            if let Ok(t) = NaiveDateTime::parse_from_str(text, pattern) {
                return Some(local_to_instant(self.zone, t));
            }
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(|d| local_midnight(self.zone, d))
    }

    fn parse_pattern(&self, text: &str, pattern: &str) -> Option<Instant> {
        if has_offset(pattern) {
            return DateTime::parse_from_str(text, pattern)
                .ok()
                .map(|t| t.with_timezone(&Utc));
        }
        if pattern.contains("%s") {
            // Unix seconds name an instant, whatever zone is declared.
            return NaiveDateTime::parse_from_str(text, pattern)
                .ok()
                .map(|t| t.and_utc());
        }
        match NaiveDateTime::parse_from_str(text, pattern) {
            Ok(t) => Some(local_to_instant(self.zone, t)),
            Err(_) => NaiveDate::parse_from_str(text, pattern)
                .ok()
                .map(|d| local_midnight(self.zone, d)),
        }
    }
}

fn has_offset(pattern: &str) -> bool {
    ["%z", "%:z", "%::z", "%#z", "%+"]
        .iter()
        .any(|p| pattern.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(t: Instant) -> String {
        t.to_rfc3339()
    }

    #[test]
    fn auto_accepts_the_common_shapes() {
        let f = TimestampFormat::auto();
        for (text, want) in [
            ("2021-06-01T08:00:00Z", "2021-06-01T08:00:00+00:00"),
            ("2021-06-01 10:00:00+02:00", "2021-06-01T08:00:00+00:00"),
            ("2021-06-01 10:00:00 +0200", "2021-06-01T08:00:00+00:00"),
            ("2021-06-01T10:00:00+0200", "2021-06-01T08:00:00+00:00"),
            ("2021-06-01T08:00", "2021-06-01T08:00:00+00:00"),
            ("2021-06-01 08:00:00", "2021-06-01T08:00:00+00:00"),
            (" 2021-06-01 ", "2021-06-01T00:00:00+00:00"),
        ] {
            assert_eq!(iso(f.parse(text).unwrap()), want, "{text}");
        }
    }

    #[test]
    fn naive_times_use_the_zone_and_dst_rules() {
        let f = TimestampFormat::auto().zone("America/New_York").unwrap();
        assert_eq!(
            iso(f.parse("2021-11-07 01:30").unwrap()),
            "2021-11-07T05:30:00+00:00",
            "the repeated hour is the earlier (EDT) instant"
        );
        assert_eq!(
            iso(f.parse("2021-03-14 02:30").unwrap()),
            "2021-03-14T07:00:00+00:00",
            "a skipped time is the end of the gap (03:00 EDT)"
        );
        // An explicit offset wins over the zone.
        assert_eq!(
            iso(f.parse("2021-06-01T08:00:00Z").unwrap()),
            "2021-06-01T08:00:00+00:00"
        );
    }

    #[test]
    fn patterns() {
        let f = TimestampFormat::pattern("%d/%m/%Y %H:%M %z");
        assert_eq!(
            iso(f.parse("01/06/2021 10:00 +0200").unwrap()),
            "2021-06-01T08:00:00+00:00"
        );
        let f = TimestampFormat::pattern("%d.%m.%Y")
            .zone("Europe/Berlin")
            .unwrap();
        assert_eq!(
            iso(f.parse("01.06.2021").unwrap()),
            "2021-05-31T22:00:00+00:00"
        );
        let f = TimestampFormat::pattern("%s")
            .zone("Europe/Berlin")
            .unwrap();
        assert_eq!(
            iso(f.parse("1622534400").unwrap()),
            "2021-06-01T08:00:00+00:00"
        );
    }

    #[test]
    fn errors_name_value_and_format() {
        let e = TimestampFormat::auto().parse("yesterday").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidTimestamp);
        assert_eq!(e.value(), Some("yesterday"));
        assert!(e.rule().contains("RFC 3339"), "{e}");
        assert!(TimestampFormat::auto().zone("Mars/Olympus").is_err());
    }
}
