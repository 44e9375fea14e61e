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
            None => quick_auto(text.as_bytes(), self.zone).or_else(|| self.parse_auto(text)),
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

/// The fields of the shapes [`quick_auto`] reads, checked as chrono checks them (a real date;
/// hours, minutes and seconds in range, no leap second). `offset`: `None` for a naive local
/// time (or a bare date, with `time` `None` too).
struct Parts {
    year: i32,
    month: u32,
    day: u32,
    time: Option<(u32, u32, u32, u32)>,
    offset: Option<i64>,
}

fn leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// One ASCII digit's value.
fn digit(b: u8) -> Option<u32> {
    let d = b.wrapping_sub(b'0');
    (d < 10).then_some(u32::from(d))
}

/// Two ASCII digits' value.
fn pair(a: u8, b: u8) -> Option<u32> {
    Some(digit(a)? * 10 + digit(b)?)
}

fn parts(b: &[u8]) -> Option<Parts> {
    // Fixed-size views: the positions below need no bounds checks.
    let date: &[u8; 10] = b.get(..10)?.try_into().ok()?;
    if date[4] != b'-' || date[7] != b'-' {
        return None;
    }
    let year = i32::try_from(pair(date[0], date[1])? * 100 + pair(date[2], date[3])?).ok()?;
    let (month, day) = (pair(date[5], date[6])?, pair(date[8], date[9])?);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(year) => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) {
        return None;
    }
    if b.len() == 10 {
        return Some(Parts {
            year,
            month,
            day,
            time: None,
            offset: None,
        });
    }
    let time: &[u8; 9] = b.get(10..19)?.try_into().ok()?;
    if !matches!(time[0], b'T' | b' ') || time[3] != b':' || time[6] != b':' {
        return None;
    }
    let hour = pair(time[1], time[2])?;
    let minute = pair(time[4], time[5])?;
    let second = pair(time[7], time[8])?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let [b'.', tail @ ..] = rest {
        let digits = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        for (i, d) in tail[..digits].iter().enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &tail[digits..];
    }
    let offset = match rest {
        [] => None,
        [b'Z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m) = (pair(*h1, *h2)?, pair(*m1, *m2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let seconds = i64::from(h * 3600 + m * 60);
            Some(if *sign == b'-' { -seconds } else { seconds })
        }
        _ => return None,
    };
    Some(Parts {
        year,
        month,
        day,
        time: Some((hour, minute, second, nanos)),
        offset,
    })
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// What [`TimestampFormat::auto`] gives for the shapes exports write most, without chrono's
/// format interpreter (which tries up to ten patterns per cell, and was most of the time of
/// reading a ticket): `YYYY-MM-DD`, and `YYYY-MM-DDTHH:MM:SS` (`T` or a space) with an optional
/// fraction of 1 to 9 digits, then `Z`, `±HH:MM` or nothing (a naive local time in `zone`).
/// `None` for anything else — including leap seconds and impossible dates — which the full
/// parser then reads or rejects. Equal to the full parser wherever it answers (a test compares
/// them on generated text).
fn quick_auto(b: &[u8], zone: Tz) -> Option<Instant> {
    let p = parts(b)?;
    let date = NaiveDate::from_ymd_opt(p.year, p.month, p.day)?;
    let Some((hour, minute, second, nanos)) = p.time else {
        return Some(local_midnight(zone, date));
    };
    let local = date.and_time(chrono::NaiveTime::from_hms_nano_opt(
        hour, minute, second, nanos,
    )?);
    match p.offset {
        None => Some(local_to_instant(zone, local)),
        Some(0) => Some(local.and_utc()),
        Some(offset) => Some(
            local
                .checked_sub_signed(chrono::TimeDelta::seconds(offset))?
                .and_utc(),
        ),
    }
}

impl TimestampFormat {
    /// The instant [`parse`](Self::parse) gives, as nanoseconds since 1970 computed on
    /// integers alone, for the shapes `quick_auto` reads whose instant needs no zone rules:
    /// with an offset, or naive in UTC. `None` for anything else (and for an instant outside
    /// an `i64` of nanoseconds, or `i64::MIN`): the caller then uses `parse`. The columnar
    /// readers' hot path: building an instant and converting it back was most of the cost of
    /// a timestamp.
    pub(crate) fn quick_ns(&self, text: &str) -> Option<i64> {
        if self.pattern.is_some() {
            return None;
        }
        let p = parts(text.as_bytes())?;
        let offset = match p.offset {
            Some(offset) => offset,
            None if self.zone == chrono_tz::UTC => 0,
            None => return None,
        };
        let (hour, minute, second, nanos) = p.time.unwrap_or_default();
        let seconds = days_from_civil(p.year, p.month, p.day) * 86_400
            + i64::from(hour * 3600 + minute * 60 + second)
            - offset;
        seconds
            .checked_mul(1_000_000_000)?
            .checked_add(i64::from(nanos))
            .filter(|&ns| ns != i64::MIN)
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// The quick path answers only where the full parser agrees, on text near and in its
        /// shapes (dates and times out of range, every separator and suffix, DST gaps).
        #[test]
        fn quick_auto_agrees_with_the_full_parser(
            year in proptest::sample::select(vec!["0000", "0001", "1677", "1969", "2021", "2024", "2100", "9999"]),
            month in 0u32..=13,
            day in 0u32..=32,
            sep in proptest::sample::select(vec!["T", " ", "t", "", "_"]),
            hour in 0u32..=25,
            minute in 0u32..=60,
            second in 0u32..=61,
            fraction in proptest::sample::select(vec!["", ".", ".5", ".123456789", ".1234567891", ".000001", ".9x"]),
            suffix in proptest::sample::select(vec!["", "Z", "z", "+02:00", "-05:30", "-00:00", "+23:59", "+24:00", "+02:60", "+0200", " +02:00", "+02", "Zx"]),
            zone in proptest::sample::select(vec!["UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu"]),
            date_only in proptest::bool::weighted(0.1),
        ) {
            let text = if date_only {
                format!("{year}-{month:02}-{day:02}")
            } else {
                format!("{year}-{month:02}-{day:02}{sep}{hour:02}:{minute:02}:{second:02}{fraction}{suffix}")
            };
            let f = TimestampFormat::auto().zone(zone).unwrap();
            if let Some(quick) = quick_auto(text.as_bytes(), f.time_zone()) {
                proptest::prop_assert_eq!(Some(quick), f.parse_auto(&text), "{}", text);
            }
            if let Some(ns) = f.quick_ns(&text) {
                let full = f.parse_auto(&text).and_then(|t| t.timestamp_nanos_opt());
                proptest::prop_assert_eq!(Some(ns), full, "{}", text);
            }
        }
    }

    #[test]
    fn quick_auto_reads_the_common_shapes() {
        for (text, zone) in [
            ("2021-06-01T08:00:00Z", "UTC"),
            ("2021-06-01 08:00:00", "Europe/Berlin"),
            ("2021-03-28 02:30:00", "Europe/Berlin"),
            ("2021-10-31T02:30:00.25", "Europe/Berlin"),
            ("2021-06-01T10:00:00.5+02:00", "UTC"),
            ("2021-06-01", "Asia/Tokyo"),
        ] {
            let f = TimestampFormat::auto().zone(zone).unwrap();
            let quick = quick_auto(text.as_bytes(), f.time_zone());
            assert!(quick.is_some(), "{text}");
            assert_eq!(quick, f.parse_auto(text), "{text}");
        }
        let utc = TimestampFormat::auto();
        for text in [
            "2021-06-01T08:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "2000-02-29 23:59:59.999999999+05:30",
            "1677-09-21T00:12:44Z",
            "2262-04-11T23:47:16Z",
            "2021-06-01 08:00:00",
            "2021-06-01",
        ] {
            let ns = utc.quick_ns(text);
            assert!(ns.is_some(), "{text}");
            assert_eq!(ns, utc.parse(text).unwrap().timestamp_nanos_opt(), "{text}");
        }
        // Beyond the nanoseconds of an i64, in a zone, a pattern: the full parser's.
        assert_eq!(utc.quick_ns("2262-04-11T23:47:17Z"), None);
        assert_eq!(utc.quick_ns("1677-09-21T00:12:43Z"), None);
        let berlin = TimestampFormat::auto().zone("Europe/Berlin").unwrap();
        assert_eq!(berlin.quick_ns("2021-06-01 08:00:00"), None);
        assert!(berlin.quick_ns("2021-06-01T08:00:00Z").is_some());
        assert_eq!(TimestampFormat::pattern("%Y").quick_ns("2021-06-01"), None);
        assert_eq!(quick_auto(b"2021-06-01T08:00:60Z", chrono_tz::UTC), None);
        assert_eq!(quick_auto(b"2021-02-29T08:00:00Z", chrono_tz::UTC), None);
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
