//! What the duration KPIs (first response time, resolution time) share: a calendar-time and an
//! optional business-time [`DurationSummary`] kept in step, counts that refuse to overflow, and
//! the one rule that turns two instants into seconds on both clocks.

use crate::error::{Error, ErrorKind, Result};
use crate::kpi::{Accumulator, incompatible};
use crate::model::Instant;
use crate::stats::{DurationStats, DurationSummary, QuantileMode};
use crate::time::BusinessCalendar;
use serde::{Deserialize, Serialize};

/// Calendar seconds from `a` to `b` (`a <= b`), truncated like
/// [`Ticket::resolution_seconds`](crate::Ticket::resolution_seconds) so that the KPIs and the
/// ticket agree to the second.
pub(crate) fn calendar_seconds(a: Instant, b: Instant) -> i64 {
    (b - a).num_seconds()
}

/// [`calendar_seconds`] of two instants given as nanoseconds since 1970 (`a <= b`): what the
/// columnar engine reads from its columns, the same value without building the instants.
pub(crate) fn calendar_seconds_ns(a: i64, b: i64) -> i64 {
    // Two instants 1677 and 2262 apart overflow an i64 of nanoseconds (their seconds do not);
    // i128 division costs tens of nanoseconds, so only then.
    match b.checked_sub(a) {
        Some(d) => d / 1_000_000_000,
        None => ((i128::from(b) - i128::from(a)) / 1_000_000_000) as i64,
    }
}

/// Business seconds of `[a, b)`, capped at `calendar` (the calendar seconds of the same span).
///
/// [`BusinessCalendar::business_seconds`] drops the fraction of each instant, the calendar
/// figure truncates the difference: for `a = x.9 s`, `b = (x + 1).1 s` the first gives 1 and the
/// second 0. The cap keeps business ≤ calendar, and makes a 24/7 calendar equal calendar time.
pub(crate) fn business_seconds(
    cal: &BusinessCalendar,
    a: Instant,
    b: Instant,
    calendar: i64,
) -> i64 {
    cal.business_seconds(a, b).clamp(0, calendar)
}

/// The calendar and (with a business calendar) the business-time summary of one duration KPI.
///
/// Invariant: `business` is `Some` exactly when the KPI has a business calendar, and then both
/// summaries hold the same number of durations (pushed in pairs).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Durations {
    pub(crate) calendar: DurationSummary,
    // Boxed: most reports have no calendar, and every cell keeps several of these pairs.
    pub(crate) business: Option<Box<DurationSummary>>,
}

impl Durations {
    pub(crate) fn new(mode: QuantileMode, with_business: bool) -> Result<Self> {
        Ok(Durations {
            calendar: DurationSummary::new(mode)?,
            business: if with_business {
                Some(Box::new(DurationSummary::new(mode)?))
            } else {
                None
            },
        })
    }

    /// An empty pair for a mode already validated by the KPI's `new` (the fallback to exact
    /// quantiles is unreachable then; it only keeps this panic-free).
    pub(crate) fn empty(mode: QuantileMode, with_business: bool) -> Self {
        Durations::new(mode, with_business).unwrap_or_else(|_| Durations {
            calendar: DurationSummary::exact(),
            business: with_business.then(|| Box::new(DurationSummary::exact())),
        })
    }

    pub(crate) fn len(&self) -> u64 {
        self.calendar.len()
    }

    /// Pushes one ticket's durations. Both are non-negative by construction; should one not be,
    /// neither is pushed.
    pub(crate) fn push(&mut self, calendar: i64, business: Option<i64>) -> Result<()> {
        if calendar < 0 || business.is_some_and(|b| b < 0) {
            return Err(Error::new(
                ErrorKind::NegativeDuration,
                "a duration must not be negative (an end before its start)",
            )
            .with_field("duration_seconds")
            .with_value(calendar));
        }
        if self.calendar.len() == u64::MAX {
            return Err(overflow());
        }
        self.calendar.push(&calendar)?;
        if let (Some(summary), Some(b)) = (&mut self.business, business) {
            summary.push(&b)?;
        }
        Ok(())
    }

    /// Merges; checks everything that could fail first, so `self` is unchanged on error.
    pub(crate) fn merge(&mut self, other: Durations) -> Result<()> {
        if self.calendar.mode() != other.calendar.mode()
            || self.business.is_some() != other.business.is_some()
        {
            return Err(incompatible("duration"));
        }
        self.calendar
            .len()
            .checked_add(other.calendar.len())
            .ok_or_else(overflow)?;
        self.calendar.merge(other.calendar)?;
        if let (Some(mine), Some(theirs)) = (&mut self.business, other.business) {
            mine.merge(*theirs)?;
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> (DurationStats, Option<DurationStats>) {
        (self.calendar.finish(), self.business.map(|b| b.finish()))
    }

    /// Checks deserialized state against the options it claims.
    pub(crate) fn validate(&self, mode: QuantileMode, with_business: bool) -> Result<()> {
        if self.calendar.mode() != mode {
            return Err(invalid_state(
                "calendar",
                "the calendar summary's quantile mode must be the options' mode",
            ));
        }
        match &self.business {
            None if with_business => Err(invalid_state(
                "business",
                "a KPI with a business calendar keeps a business-time summary",
            )),
            Some(_) if !with_business => Err(invalid_state(
                "business",
                "a KPI without a business calendar keeps no business-time summary",
            )),
            Some(b) if b.mode() != mode => Err(invalid_state(
                "business",
                "the business summary's quantile mode must be the options' mode",
            )),
            Some(b) if b.len() != self.calendar.len() => Err(invalid_state(
                "business",
                "the business and calendar summaries hold one duration per ticket each",
            )
            .with_value(b.len())),
            Some(b) if b.total_seconds() > self.calendar.total_seconds() => Err(invalid_state(
                "business",
                "business time cannot exceed calendar time",
            )
            .with_value(b.total_seconds())),
            _ => Ok(()),
        }
    }
}

pub(crate) fn invalid_state(field: &str, rule: &str) -> Error {
    Error::new(ErrorKind::InvalidState, rule).with_field(field)
}

fn overflow() -> Error {
    Error::new(ErrorKind::InvalidState, "a count would exceed 2^64 - 1")
}

/// `a + b`, or the overflow error: counts add up across merges of (possibly tampered) states.
pub(crate) fn add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b).ok_or_else(overflow)
}

/// Adds `b` to each of the counts in `a`, all or nothing.
pub(crate) fn add_all<const N: usize>(a: [&mut u64; N], b: [u64; N]) -> Result<()> {
    let mut sums = [0u64; N];
    for (i, s) in sums.iter_mut().enumerate() {
        *s = add(*a[i], b[i])?;
    }
    for (slot, s) in a.into_iter().zip(sums) {
        *slot = s;
    }
    Ok(())
}

impl Durations {
    /// Writes both summaries for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        self.calendar.encode(w);
        if let Some(b) = &self.business {
            b.encode(w);
        }
    }

    /// Reads what [`encode`](Durations::encode) wrote, in the mode and with the business
    /// summary of `template` (made from the report's options).
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Durations> {
        let mode = self.calendar.mode();
        let calendar = DurationSummary::decode(mode, r)?;
        let business = match self.business {
            Some(_) => Some(Box::new(DurationSummary::decode(mode, r)?)),
            None => None,
        };
        let d = Durations { calendar, business };
        d.validate(mode, d.business.is_some())?;
        Ok(d)
    }
}

/// The options the duration KPIs share (first response, next reply, resolution and status
/// time): their `quantiles`, `calendar` and `team_calendars` fields' builders, the calendar a
/// ticket is measured on, and the deprecated setters and getters of 0.1 — written once for
/// the four structs.
///
/// A macro rather than an embedded options struct: each options struct stays flat, so users
/// write `options.quantiles` and the serde form (which report states carry) is unchanged;
/// serde's `flatten` cannot be combined with the structs' `deny_unknown_fields`.
macro_rules! duration_options {
    // The getters to keep as deprecated aliases: those the struct had in 0.1.
    ($options:ident; $($getter:ident),*) => {
        impl $options {
            /// Sets the `quantiles` field: exact (the default) or a sketch with a relative
            /// error.
            #[must_use]
            pub fn with_quantiles(mut self, mode: $crate::stats::QuantileMode) -> Self {
                self.quantiles = mode;
                self
            }

            /// Sets the `calendar` field: the business calendar that adds business-time
            /// statistics.
            #[must_use]
            pub fn with_calendar(mut self, calendar: $crate::time::BusinessCalendar) -> Self {
                self.calendar = Some(calendar);
                self
            }

            /// Sets the `team_calendars` field: a business calendar per team (or other
            /// dimension), `calendar` (which this needs) for the other tickets.
            #[must_use]
            pub fn with_team_calendars(mut self, calendars: $crate::time::TeamCalendars) -> Self {
                self.team_calendars = Some(calendars);
                self
            }

            /// The business calendar `ticket` is measured on: its team's, else `calendar`.
            pub fn calendar_for(
                &self,
                ticket: &$crate::model::Ticket,
            ) -> Option<&$crate::time::BusinessCalendar> {
                match &self.team_calendars {
                    Some(map) => map.for_ticket(ticket, self.calendar.as_ref()),
                    None => self.calendar.as_ref(),
                }
            }

            /// Deprecated alias of [`with_quantiles`](Self::with_quantiles).
            #[deprecated(since = "0.2.0", note = "use with_quantiles")]
            #[must_use]
            pub fn quantiles(self, mode: $crate::stats::QuantileMode) -> Self {
                self.with_quantiles(mode)
            }

            /// Deprecated alias of [`with_calendar`](Self::with_calendar).
            #[deprecated(since = "0.2.0", note = "use with_calendar")]
            #[must_use]
            pub fn calendar(self, calendar: $crate::time::BusinessCalendar) -> Self {
                self.with_calendar(calendar)
            }

            /// Deprecated alias of [`with_team_calendars`](Self::with_team_calendars).
            #[deprecated(since = "0.2.0", note = "use with_team_calendars")]
            #[must_use]
            pub fn team_calendars(self, calendars: $crate::time::TeamCalendars) -> Self {
                self.with_team_calendars(calendars)
            }

            $($crate::kpi::duration::duration_options!(@getter $getter);)*
        }
    };
    (@getter get_quantiles) => {
        /// Deprecated: read the public `quantiles` field.
        #[deprecated(since = "0.2.0", note = "use the `quantiles` field")]
        pub fn get_quantiles(&self) -> $crate::stats::QuantileMode {
            self.quantiles
        }
    };
    (@getter get_calendar) => {
        /// Deprecated: read the public `calendar` field.
        #[deprecated(since = "0.2.0", note = "use the `calendar` field")]
        pub fn get_calendar(&self) -> Option<&$crate::time::BusinessCalendar> {
            self.calendar.as_ref()
        }
    };
}
pub(crate) use duration_options;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone, Utc};

    #[test]
    fn business_time_is_capped_at_calendar_time_for_fractional_instants() {
        let cal = BusinessCalendar::always_open(chrono_tz::UTC);
        let t = Utc.with_ymd_and_hms(2021, 6, 28, 11, 0, 0).unwrap();
        let a = t + TimeDelta::milliseconds(900);
        let b = t + TimeDelta::milliseconds(1_100);
        // The calendar truncates the 0.2 s difference; the calendar's own count sees two
        // different whole seconds.
        assert_eq!(calendar_seconds(a, b), 0);
        assert_eq!(cal.business_seconds(a, b), 1);
        assert_eq!(business_seconds(&cal, a, b, calendar_seconds(a, b)), 0);
        let c = t + TimeDelta::milliseconds(2_100);
        assert_eq!(calendar_seconds(a, c), 1);
        assert_eq!(business_seconds(&cal, a, c, 1), 1);
    }

    #[test]
    fn seconds_from_nanoseconds_are_the_instants_seconds() {
        let t = Utc.with_ymd_and_hms(2021, 6, 28, 11, 0, 0).unwrap();
        let ns = |at: Instant| at.timestamp_nanos_opt().unwrap();
        let first = Instant::from_timestamp_nanos(i64::MIN + 1);
        let last = Instant::from_timestamp_nanos(i64::MAX);
        for (a, b) in [
            (t, t),
            (
                t + TimeDelta::milliseconds(900),
                t + TimeDelta::milliseconds(1_100),
            ),
            (
                t + TimeDelta::milliseconds(900),
                t + TimeDelta::milliseconds(2_100),
            ),
            (t - TimeDelta::nanoseconds(1), t),
            (
                t,
                t + TimeDelta::days(400) + TimeDelta::nanoseconds(999_999_999),
            ),
            // Far enough apart that their nanoseconds' difference overflows an i64.
            (first, last),
            (first, t),
        ] {
            assert_eq!(
                calendar_seconds_ns(ns(a), ns(b)),
                calendar_seconds(a, b),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn add_all_is_all_or_nothing() {
        let (mut x, mut y) = (1u64, u64::MAX);
        assert!(add_all([&mut x, &mut y], [1, 1]).is_err());
        assert_eq!((x, y), (1, u64::MAX));
        add_all([&mut x, &mut y], [2, 0]).unwrap();
        assert_eq!((x, y), (3, u64::MAX));
    }

    #[test]
    fn pairs_push_together_and_validate() {
        let mut d = Durations::new(QuantileMode::Exact, true).unwrap();
        assert_eq!(
            d.push(10, Some(-1)).unwrap_err().kind(),
            ErrorKind::NegativeDuration
        );
        assert_eq!(d.len(), 0);
        assert_eq!(d.business.as_ref().map(|b| b.len()), Some(0));
        d.push(10, Some(4)).unwrap();
        d.validate(QuantileMode::Exact, true).unwrap();
        let sketch = QuantileMode::Sketch {
            relative_accuracy: 0.01,
        };
        for (mode, business) in [(sketch, true), (QuantileMode::Exact, false)] {
            assert_eq!(
                d.validate(mode, business).unwrap_err().kind(),
                ErrorKind::InvalidState
            );
        }
        let other = Durations::new(QuantileMode::Exact, false).unwrap();
        assert_eq!(
            d.merge(other).unwrap_err().kind(),
            ErrorKind::IncompatibleMerge
        );
        assert_eq!(d.len(), 1);
    }
}
