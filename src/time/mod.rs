//! Time: reporting periods in a time zone, and business hours (docs/definitions.md, "Time").
//!
//! Instants are UTC inside the library. A zone is an IANA name ([`parse_zone`]); a record
//! belongs to the period in which its bucketing instant falls *in that zone* ([`Bucketer`]).
//! A [`BusinessCalendar`] says when support is open, so that durations can be measured in
//! business time as well as in calendar time.

mod calendar;
mod calendars;
mod hours;
mod ics;
mod local;
mod lookup;
mod period;
mod transitions;

pub use calendar::BusinessCalendar;
pub use calendars::TeamCalendars;
pub use ics::{ICS_YEARS, IcsClosures, read_ics};
pub(crate) use local::{CachedBucketer, LocalDates, PeriodSpans};
pub use period::{Bucketer, Period, PeriodKey, local_midnight, local_to_instant, parse_zone};
