//! [`BusinessCalendar`]: when support is open, and how many open seconds lie between two
//! instants.

use super::hours::{DAY, Shift, WeeklyHours, format_time, parse_clock, seconds_of, time_of};
use super::lookup::Buckets;
use super::parse_zone;
use super::transitions::{self, ZoneTable};
use crate::error::{Error, ErrorKind};
use crate::model::Instant;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, OnceLock};

const WEEK: i64 = 7 * DAY as i64;
/// Local seconds of 1970-01-05T00:00, a Monday: local weeks are counted from it.
const MONDAY_EPOCH: i64 = 4 * DAY as i64;

/// A partial-day closure: a local date and an interval of it (which may run past midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Closure {
    date: NaiveDate,
    shift: Shift,
}

/// When support is open — a time zone, weekly opening hours, holidays and partial-day
/// closures — and the business time between two instants (docs/definitions.md, "Time").
///
/// # Building a calendar
///
/// From the text form with [`parse`](Self::parse), or in code with consuming setters:
///
/// ```
/// use chrono::{NaiveDate, NaiveTime, Weekday};
/// use supportkpi::BusinessCalendar;
///
/// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
/// let date = |m, d| NaiveDate::from_ymd_opt(2021, m, d).unwrap();
/// let mut cal = BusinessCalendar::new(chrono_tz::Europe::Berlin);
/// for day in [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri] {
///     cal = cal.with_hours(day, t(9, 0), t(12, 0))?.with_hours(day, t(13, 0), t(17, 0))?;
/// }
/// let cal = cal
///     .with_holiday(date(12, 24))
///     .with_closure(date(12, 31), t(12, 0), t(0, 0))?; // New Year's Eve: closed from noon
/// assert_eq!(cal.to_string(), "Mon-Fri 09:00-12:00,13:00-17:00");
/// assert_eq!(cal, BusinessCalendar::parse("Mon-Fri 09:00-12:00,13:00-17:00", chrono_tz::Europe::Berlin)?
///     .with_holiday(date(12, 24))
///     .with_closure(date(12, 31), t(12, 0), t(0, 0))?);
/// # Ok::<(), supportkpi::Error>(())
/// ```
///
/// # What "open" means
///
/// - **Weekly intervals** are wall-clock times in the calendar's zone, several per day if
///   needed (a split shift `09:00-12:00,13:00-17:00`). An interval whose end is at or before
///   its start runs past midnight: `Fri 22:00-02:00` belongs to Friday and is open until
///   Saturday 02:00. An end of `24:00` (or `00:00`) is midnight. So every interval lasts from
///   1 second to 24 hours, and `24/7` is open all the time.
/// - **Overlaps count once.** Overlapping or touching intervals of the same weekday are
///   merged (`09:00-12:00,11:00-14:00` is stored and printed as `09:00-14:00`); an interval
///   running past midnight into the next day's hours is kept as written, and the time both
///   cover is still counted once.
/// - **Holidays** close a whole local date, 00:00 to 24:00, whichever weekday's interval that
///   time comes from: with `Fri 22:00-02:00`, a holiday on Saturday closes Saturday 00:00–02:00
///   and leaves Friday 22:00–24:00 open.
/// - **Closures** close part of a local date, `from` to `to`, with the same conventions as
///   intervals (`to` at or before `from` runs into the next day; `00:00` is midnight).
/// - **Wall clock across DST.** An instant is open when the wall time it shows in the zone is
///   open. A 09:00–17:00 day is 8 hours on a DST day when the clocks change at night, and the
///   real elapsed time when they change inside it: a calendar open 00:00–06:00 on Sundays has
///   5 hours on the Sunday New York springs forward (02:00 becomes 03:00) and 7 hours on the
///   Sunday it falls back (the repeated hour 01:00–02:00 is open both times it shows). A wall
///   time inside a spring-forward gap never shows, so an interval starting in the gap opens at
///   the gap's end, as [`local_to_instant`](super::local_to_instant) maps it. A wall time in a
///   repeated hour shows twice, and an interval is a set of wall times, so a bound inside the
///   repeated hour applies to both passes: `Sun 01:30-05:00` on New York's fall-back day is
///   open 01:30–02:00 EDT, closed 01:00–01:30 EST, open again from 01:30 EST, 4 hours in all
///   (where `local_to_instant` maps the single wall time 01:30 to its earlier instant).
///
/// # Business time
///
/// [`business_seconds(a, b)`](Self::business_seconds) is the number of seconds in `[a, b)` at
/// which the calendar is open. It is 0 when nothing is open (not 1), never more than the
/// calendar time `b - a`, additive — `d(a, c) = d(a, b) + d(b, c)` — and antisymmetric: for
/// `b < a` it is `-business_seconds(b, a)`. Instants count to the whole second (a fraction of
/// a second is dropped), so that [`business_duration`](Self::business_duration) and
/// `business_seconds` always agree and additivity holds exactly.
///
/// The reference cases of docs/definitions.md ("Time"), weekly Mon–Fri 10:00–18:00 in UTC
/// (2021-06-28 is a Monday):
///
/// | from             | to               | business seconds |
/// |------------------|------------------|-----------------:|
/// | Mon 06-28 11:00  | Mon 06-28 12:00  |            3,600 |
/// | Mon 06-28 12:00  | Mon 06-28 20:00  |           21,600 |
/// | Mon 06-28 06:00  | Tue 06-29 11:00  |           32,400 |
/// | Fri 06-25 06:00  | Sat 06-26 11:00  |           28,800 |
/// | Mon 06-28 06:00  | Thu 07-01 20:00  |          115,200 |
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::BusinessCalendar;
///
/// let cal = BusinessCalendar::parse("Mon-Fri 10:00-18:00", chrono_tz::UTC)?;
/// let at = |m, d, h| Utc.with_ymd_and_hms(2021, m, d, h, 0, 0).unwrap();
/// assert_eq!(cal.business_seconds(at(6, 28, 11), at(6, 28, 12)), 3_600);
/// assert_eq!(cal.business_seconds(at(6, 28, 12), at(6, 28, 20)), 21_600);
/// assert_eq!(cal.business_seconds(at(6, 28, 6), at(6, 29, 11)), 32_400);
/// assert_eq!(cal.business_seconds(at(6, 25, 6), at(6, 26, 11)), 28_800);
/// assert_eq!(cal.business_seconds(at(6, 28, 6), at(7, 1, 20)), 115_200);
/// // Antisymmetric, and 0 when nothing is open (a Saturday).
/// assert_eq!(cal.business_seconds(at(6, 28, 12), at(6, 28, 11)), -3_600);
/// assert_eq!(cal.business_seconds(at(6, 26, 9), at(6, 26, 17)), 0);
/// // The inverse, for SLA deadlines: 10 business hours after Friday 17:00 is Tuesday 11:00.
/// assert_eq!(cal.add_business_seconds(at(6, 25, 17), 10 * 3_600), Some(at(6, 29, 11)));
/// # Ok::<(), supportkpi::Error>(())
/// ```
///
/// # How it is computed, and what it costs
///
/// No call loops over days or weeks, so a ticket open for a year costs what a ticket open
/// for an hour does. [`business_seconds`](Self::business_seconds) and
/// [`is_open_at`](Self::is_open_at) cost a few table reads (constant time unless many
/// holidays or offset changes crowd into a few days: O(log h + log z) at worst, for h
/// holidays and closures and z offset changes of the zone, a few hundred at most);
/// [`add_business_seconds`](Self::add_business_seconds) costs O(log h + log k + log z), for
/// k weekly intervals.
///
/// - Let `W(l)` be the open wall-clock seconds before local time `l`, counted from a fixed
///   Monday: whole weeks times the weekly open total, plus the open part of the last week
///   (binary search over the week's sorted, merged intervals), minus what holidays and
///   closures took away before `l` (they are merged into sorted local intervals whose closed
///   open-time is summed once, when the calendar is first used; binary search again).
/// - Under a constant UTC offset `o`, the open time of `[x, y)` is `W(y + o) - W(x + o)`. At
///   each offset change `T` (from `o1` to `o2`) the wall clock jumps; let
///   `jump(T) = W(T + o2) - W(T + o1)`. Then `F(t) = W(t + o(t)) - Σ_{T ≤ t} jump(T)` counts
///   the open seconds since a fixed origin, and `business_seconds(a, b) = F(b) - F(a)`. An
///   open spring-forward hour is never shown and not counted; an open fall-back hour is shown
///   twice and counted twice — exactly the real elapsed time.
/// - [`add_business_seconds`](Self::add_business_seconds) inverts `F` by binary search over
///   the offset changes, the holidays and the week's intervals.
/// - Evaluating `F` that way takes three binary searches. Instead, the UTC line is cut at
///   every offset change and at every instant a holiday or closure starts or ends; between
///   two cuts `F` is either constant or `W` without the holidays, shifted by constants. A
///   bucket table finds an instant's piece, and a table of the week's slots (when its
///   intervals are set to the minute) gives the open part of the week without a search.
///
/// The jump sums, holiday sums and these tables are built on the first call (about 0.6 ms
/// in a debug build for a zone with DST and 30 holidays) and shared by clones.
///
/// # Zone history
///
/// chrono-tz does not publish its transition tables, so the offset changes of a zone are
/// found by probing it once per day from 1900 to 2100 and bisecting to the second, once per
/// zone per process (about 25 ms in a debug build, for the first calendar in that zone).
/// Daily probes miss only two changes less than a day apart; chrono-tz 0.10.4's data has no
/// such pair anywhere between 1900 and 2100. It has no change after 2099 either, so later
/// instants are exact; before 1900 the zone's offset of 1900-01-01 is used.
///
/// # Text form and serde
///
/// [`Display`](fmt::Display) prints the weekly hours in the form [`parse`](Self::parse)
/// reads (holidays and closures are not part of it). Serde uses
/// `{"timezone", "hours", "holidays", "closures"}` and validates everything on the way in:
///
/// ```
/// let json = r#"{"timezone": "Europe/Berlin", "hours": "Mon-Fri 09:00-17:00",
///                "holidays": ["2021-12-24"],
///                "closures": [{"date": "2021-12-31", "from": "12:00", "to": "24:00"}]}"#;
/// let cal: supportkpi::BusinessCalendar = serde_json::from_str(json).unwrap();
/// assert_eq!(cal.to_string(), "Mon-Fri 09:00-17:00");
/// assert!(serde_json::from_str::<supportkpi::BusinessCalendar>(
///     r#"{"timezone": "UTC", "hours": "Mon-Fry 09:00-17:00"}"#).is_err());
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "CalendarRepr", into = "CalendarRepr")]
pub struct BusinessCalendar {
    // Behind one `Arc`: every KPI's options and every report cell hold a copy of the
    // calendar, and a clone must neither copy the holidays nor build the index again.
    inner: Arc<Data>,
}

/// What a calendar is, and its index once built (shared by every clone).
struct Data {
    tz: Tz,
    hours: WeeklyHours,
    holidays: BTreeSet<NaiveDate>,
    closures: BTreeSet<Closure>,
    index: OnceLock<Index>,
}

impl Clone for Data {
    /// Without the index: data is cloned only to be changed (`Arc::make_mut`), which makes
    /// the index stale.
    fn clone(&self) -> Self {
        Data {
            tz: self.tz,
            hours: self.hours.clone(),
            holidays: self.holidays.clone(),
            closures: self.closures.clone(),
            index: OnceLock::new(),
        }
    }
}

impl BusinessCalendar {
    /// A calendar in `tz` that is never open; add hours with [`with_hours`](Self::with_hours).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let cal = supportkpi::BusinessCalendar::new(chrono_tz::UTC);
    /// let (a, b) = (Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap(), Utc.with_ymd_and_hms(2022, 1, 1, 0, 0, 0).unwrap());
    /// assert_eq!(cal.business_seconds(a, b), 0);
    /// assert_eq!(cal.add_business_seconds(a, 1), None);
    /// ```
    pub fn new(tz: Tz) -> Self {
        BusinessCalendar::of(tz, WeeklyHours::default())
    }

    /// A calendar that is always open in `tz` (`24/7`): business time is calendar time.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let cal = supportkpi::BusinessCalendar::always_open(chrono_tz::America::New_York);
    /// let a = Utc.with_ymd_and_hms(2021, 3, 13, 12, 0, 0).unwrap();
    /// let b = Utc.with_ymd_and_hms(2021, 3, 15, 12, 0, 0).unwrap();
    /// assert_eq!(cal.business_seconds(a, b), 48 * 3_600);
    /// assert_eq!(cal.to_string(), "24/7");
    /// ```
    pub fn always_open(tz: Tz) -> Self {
        BusinessCalendar::of(tz, WeeklyHours::always())
    }

    /// Parses weekly hours in `tz`.
    ///
    /// The form is clauses separated by `;`, each a list of weekdays and a list of intervals:
    /// `"Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-14:00"`. Weekdays are `Mon` … `Sun` or
    /// full names, any case; a list is ranges and single days separated by commas
    /// (`Mon,Wed,Fri`, `Mon-Wed,Fri`; a range may wrap around, `Fri-Mon`). Times are `H:MM`,
    /// `HH:MM` or `HH:MM:SS`; `24:00` may end an interval; an end at or before the start runs
    /// past midnight (`Fri 22:00-02:00`). Clauses naming the same day add to it. `24/7` is
    /// always open; `closed` is never open. A blank text is an error (it is more often a
    /// missing value than a wish for a calendar never open).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidCalendar`] with field `hours`, the offending token as the value,
    /// and a rule saying what was expected at which (1-based, in characters) position.
    ///
    /// # Example
    ///
    /// ```
    /// use supportkpi::{BusinessCalendar, ErrorKind};
    ///
    /// let cal = BusinessCalendar::parse("mon-fri 9:00-17:00; Sat,Sun 10:00-14:00", chrono_tz::UTC)?;
    /// assert_eq!(cal.to_string(), "Mon-Fri 09:00-17:00; Sat,Sun 10:00-14:00");
    ///
    /// let err = BusinessCalendar::parse("Mon-Fri 09:00-17:00; Sat 10:00-25:00", chrono_tz::UTC).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidCalendar);
    /// assert_eq!(err.field(), Some("hours"));
    /// assert_eq!(err.value(), Some("25:00"));
    /// assert_eq!(err.rule(), "expected an end time HH:MM (00:00 to 24:00) at position 32");
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn parse(hours: &str, tz: Tz) -> Result<Self, Error> {
        Ok(BusinessCalendar::of(tz, WeeklyHours::parse(hours)?))
    }

    /// Adds an open interval on `day`, from `start` to `end` local time. An `end` at or before
    /// `start` runs past midnight into the next day; `00:00` as an end is midnight, so
    /// `(09:00, 00:00)` is 09:00–24:00 and `(00:00, 00:00)` the whole day. Overlapping
    /// intervals are merged (see the type's documentation).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidCalendar`] (field `hours`) when a time has a fraction of a second.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveTime, Weekday};
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// let cal = supportkpi::BusinessCalendar::new(chrono_tz::UTC)
    ///     .with_hours(Weekday::Fri, t(22), t(2))?;
    /// assert_eq!(cal.to_string(), "Fri 22:00-02:00");
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn with_hours(
        mut self,
        day: Weekday,
        start: NaiveTime,
        end: NaiveTime,
    ) -> Result<Self, Error> {
        let shift = Shift::new(seconds_of(start, "hours")?, seconds_of(end, "hours")?);
        self.edit()
            .hours
            .add(day.num_days_from_monday() as usize, shift);
        Ok(self)
    }

    /// Closes a whole local date, 00:00 to 24:00.
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// let cal = supportkpi::BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC)?
    ///     .with_holiday(NaiveDate::from_ymd_opt(2021, 12, 24).unwrap());
    /// let a = Utc.with_ymd_and_hms(2021, 12, 23, 0, 0, 0).unwrap();
    /// let b = Utc.with_ymd_and_hms(2021, 12, 25, 0, 0, 0).unwrap();
    /// assert_eq!(cal.business_seconds(a, b), 8 * 3_600); // Thursday only
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    #[must_use]
    pub fn with_holiday(mut self, date: NaiveDate) -> Self {
        self.edit().holidays.insert(date);
        self
    }

    /// Closes several whole local dates (see [`with_holiday`](Self::with_holiday)).
    #[must_use]
    pub fn with_holidays(mut self, dates: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.edit().holidays.extend(dates);
        self
    }

    /// Closes part of a local date, from `from` to `to` local time, with the conventions of
    /// [`with_hours`](Self::with_hours): a `to` at or before `from` runs into the next day,
    /// `00:00` as `to` is midnight.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidCalendar`] (field `closures`) when a time has a fraction of a
    /// second.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// let cal = supportkpi::BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC)?
    ///     .with_closure(NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(), t(12), t(0))?;
    /// let a = Utc.with_ymd_and_hms(2021, 12, 31, 0, 0, 0).unwrap();
    /// assert_eq!(cal.business_seconds(a, a + chrono::TimeDelta::days(1)), 3 * 3_600);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn with_closure(
        mut self,
        date: NaiveDate,
        from: NaiveTime,
        to: NaiveTime,
    ) -> Result<Self, Error> {
        let shift = Shift::new(seconds_of(from, "closures")?, seconds_of(to, "closures")?);
        self.edit().closures.insert(Closure { date, shift });
        Ok(self)
    }

    /// The calendar's zone.
    pub fn zone(&self) -> Tz {
        self.inner.tz
    }

    /// The holidays, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.inner.holidays.iter().copied()
    }

    /// The partial-day closures as `(date, from, to)`, in order; a `to` at or before `from`
    /// runs into the next day (`00:00` is midnight).
    pub fn closures(&self) -> impl Iterator<Item = (NaiveDate, NaiveTime, NaiveTime)> + '_ {
        self.inner.closures.iter().map(|c| {
            (
                c.date,
                time_of(c.shift.start),
                time_of(c.shift.end_of_day()),
            )
        })
    }

    /// The open seconds of one week without holidays (168 hours for `24/7`).
    pub fn weekly_open_seconds(&self) -> i64 {
        self.index().week_total()
    }

    /// The number of seconds in `[a, b)` at which the calendar is open; for `b < a`, minus
    /// the open seconds in `[b, a)`. Fractions of a second are dropped from both instants.
    /// See the type's documentation for the definition and the reference cases.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::BusinessCalendar;
    ///
    /// // Berlin falls back on 2021-10-31: the wall clock shows 02:00-03:00 twice.
    /// let cal = BusinessCalendar::parse("Sun 00:00-06:00", chrono_tz::Europe::Berlin)?;
    /// let a = Utc.with_ymd_and_hms(2021, 10, 30, 12, 0, 0).unwrap();
    /// let b = Utc.with_ymd_and_hms(2021, 10, 31, 12, 0, 0).unwrap();
    /// assert_eq!(cal.business_seconds(a, b), 7 * 3_600);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn business_seconds(&self, a: Instant, b: Instant) -> i64 {
        let ix = self.index();
        ix.f(b.timestamp()) - ix.f(a.timestamp())
    }

    /// [`business_seconds`](Self::business_seconds) as a duration.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let cal = supportkpi::BusinessCalendar::parse("Mon-Fri 10:00-18:00", chrono_tz::UTC)?;
    /// let a = Utc.with_ymd_and_hms(2021, 6, 25, 6, 0, 0).unwrap();
    /// let b = Utc.with_ymd_and_hms(2021, 6, 26, 11, 0, 0).unwrap();
    /// assert_eq!(cal.business_duration(a, b), TimeDelta::hours(8));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn business_duration(&self, a: Instant, b: Instant) -> TimeDelta {
        TimeDelta::seconds(self.business_seconds(a, b))
    }

    /// Whether the calendar is open at `t` (that is, during the whole second containing it).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let cal = supportkpi::BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::America::New_York)?;
    /// // 13:30 UTC is 09:30 in New York in June (EDT, UTC-4).
    /// assert!(cal.is_open_at(Utc.with_ymd_and_hms(2021, 6, 28, 13, 30, 0).unwrap()));
    /// assert!(!cal.is_open_at(Utc.with_ymd_and_hms(2021, 6, 28, 12, 30, 0).unwrap()));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn is_open_at(&self, t: Instant) -> bool {
        let ix = self.index();
        let s = t.timestamp();
        ix.f(s + 1) > ix.f(s)
    }

    /// The instant `secs` business seconds after `start`: the earliest `t >= start` with
    /// `business_seconds(start, t) == secs`. It is where a business-time SLA target started
    /// at `start` is breached. For a negative `secs`, the latest `t <= start` with
    /// `business_seconds(start, t) == secs` (counting back). `secs == 0` gives `start`.
    ///
    /// The result lands on the end of an open second: 8 business hours after Monday 09:00 on
    /// a 09:00–17:00 calendar is Monday 17:00, not Tuesday 09:00.
    ///
    /// Returns `None` when no such instant exists: the calendar is never open and
    /// `secs != 0`, or the answer lies outside the range chrono can represent.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let cal = supportkpi::BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC)?;
    /// let mon9 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// assert_eq!(cal.add_business_seconds(mon9, 8 * 3_600), Some(Utc.with_ymd_and_hms(2021, 6, 28, 17, 0, 0).unwrap()));
    /// assert_eq!(cal.add_business_seconds(mon9, -3_600), Some(Utc.with_ymd_and_hms(2021, 6, 25, 16, 0, 0).unwrap()));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn add_business_seconds(&self, start: Instant, secs: i64) -> Option<Instant> {
        if secs == 0 {
            return Some(start);
        }
        let ix = self.index();
        let target = i128::from(ix.f(start.timestamp())) + i128::from(secs);
        // F grows by 0 or 1 per second, so the first second reaching `target` is exactly at
        // it, and the last second at `target` is one before the first one past it.
        let s = if secs > 0 {
            ix.f_inv(target)?
        } else {
            ix.f_inv(target + 1)?.checked_sub(1)?
        };
        DateTime::from_timestamp(s, 0)
    }

    fn index(&self) -> &Index {
        self.inner.index.get_or_init(|| Index::build(&self.inner))
    }

    fn of(tz: Tz, hours: WeeklyHours) -> Self {
        BusinessCalendar {
            inner: Arc::new(Data {
                tz,
                hours,
                holidays: BTreeSet::new(),
                closures: BTreeSet::new(),
                index: OnceLock::new(),
            }),
        }
    }

    /// The data to change: this calendar's own (copied first if a clone shares it), its
    /// index dropped.
    fn edit(&mut self) -> &mut Data {
        let data = Arc::make_mut(&mut self.inner);
        data.index.take();
        data
    }
}

impl PartialEq for BusinessCalendar {
    /// Same zone, same (merged) weekly hours, same holidays and closures.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&*self.inner, &*other.inner);
        Arc::ptr_eq(&self.inner, &other.inner)
            || (a.tz == b.tz
                && a.hours == b.hours
                && a.holidays == b.holidays
                && a.closures == b.closures)
    }
}

impl Eq for BusinessCalendar {}

impl fmt::Debug for BusinessCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BusinessCalendar")
            .field("timezone", &self.inner.tz.name())
            .field("hours", &self.inner.hours.to_string())
            .field("holidays", &self.inner.holidays)
            .field("closures", &self.closures().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Display for BusinessCalendar {
    /// The weekly hours in the text form [`BusinessCalendar::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner.hours, f)
    }
}

/// The serialized form: every part as text a person can write, validated on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarRepr {
    timezone: String,
    hours: String,
    #[serde(default)]
    holidays: Vec<NaiveDate>,
    #[serde(default)]
    closures: Vec<ClosureRepr>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosureRepr {
    date: NaiveDate,
    from: String,
    to: String,
}

impl From<BusinessCalendar> for CalendarRepr {
    fn from(cal: BusinessCalendar) -> Self {
        CalendarRepr {
            timezone: cal.inner.tz.name().to_owned(),
            hours: cal.inner.hours.to_string(),
            holidays: cal.inner.holidays.iter().copied().collect(),
            closures: cal
                .inner
                .closures
                .iter()
                .map(|c| ClosureRepr {
                    date: c.date,
                    from: format_time(c.shift.start),
                    to: format_time(c.shift.end_of_day()),
                })
                .collect(),
        }
    }
}

impl TryFrom<CalendarRepr> for BusinessCalendar {
    type Error = Error;

    fn try_from(r: CalendarRepr) -> Result<Self, Error> {
        let mut cal = BusinessCalendar::parse(&r.hours, parse_zone(&r.timezone)?)?;
        let data = cal.edit();
        data.holidays.extend(r.holidays);
        for c in r.closures {
            let time = |text: &str, is_end: bool| {
                parse_clock(text)
                    .filter(|&s| s < DAY || is_end)
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidCalendar,
                            "a closure's from is HH:MM (00:00 to 23:59), its to HH:MM (00:00 to 24:00)",
                        )
                        .with_field("closures")
                        .with_value(text)
                    })
            };
            let shift = Shift::new(time(&c.from, false)?, time(&c.to, true)?);
            data.closures.insert(Closure {
                date: c.date,
                shift,
            });
        }
        Ok(cal)
    }
}

/// Everything a call needs, precomputed: sorted intervals and prefix sums (see the type's
/// documentation for `W` and `F`). Seconds are local (naive seconds since 1970-01-01T00:00)
/// for `W`, UTC for `F`.
///
/// `F` by its definition looks up three sorted lists: the zone's offset changes, the closed
/// intervals and the week's intervals. Binary searches over them were most of the cost of a
/// business duration, so [`f`](Self::f) reads `F` from [`Piece`]s instead: one lookup in a
/// [`Buckets`] table for the piece, one in a [`WeekLookup`] for the week, no search and
/// (nearly) no branch on the data. The definition remains, for building the tables and in
/// the tests, which compare the two.
#[derive(Debug)]
struct Index {
    /// The week's open intervals, in seconds since Monday 00:00, sorted and disjoint.
    week: Vec<(i64, i64)>,
    /// `week_cum[i]`: open seconds of the week before `week[i]`; the last entry is the total.
    week_cum: Vec<i64>,
    week_total: i64,
    week_lookup: WeekLookup,
    /// Holidays and closures as local intervals, sorted and disjoint.
    closed: Vec<(i64, i64)>,
    /// `closed_cum[i]`: scheduled open seconds removed by `closed[..i]`.
    closed_cum: Vec<i64>,
    /// `closed_w[i]`: `W` at (and throughout) `closed[i]`.
    closed_w: Vec<i64>,
    /// The UTC seconds at which the offset changes, or the local time enters or leaves a
    /// closed interval: the bounds of the pieces.
    breaks: Buckets,
    /// `pieces[k]`: `F` from the `k`-th break (from the start of time for `k = 0`) to the next.
    pieces: Vec<Piece>,
    /// `segments[p]`: the offset in force after the first `p` offset changes, and the sum of
    /// the jumps at them.
    segments: Vec<(i64, i64)>,
    /// `f_at[k]`: `F` at the `k`-th offset change.
    f_at: Vec<i64>,
}

/// `F` between two consecutive breaks: `open * w_sched(s + offset) - sub`. Between breaks the
/// offset is constant and the local time stays inside one closed interval (`F` is constant:
/// `open` is 0) or between the same two (`W` is the schedule less a constant).
#[derive(Debug, Clone, Copy)]
struct Piece {
    sub: i64,
    offset: i32,
    open: i32,
}

/// How the open seconds of the week before a time of the week are found.
#[derive(Debug)]
enum WeekLookup {
    /// The week cut into slots of `g` seconds, `g` dividing the week and every bound of its
    /// intervals, so that each slot is wholly open or wholly closed: `slots[k] = (base, open)`
    /// with the open time before `r` equal to `base + open * r` in slot `k`. No search, and no
    /// branch on the data.
    Slots {
        /// `r / g` is `(r * magic) >> magic_shift` for every time of the week `r`.
        magic: u64,
        magic_shift: u32,
        slots: Vec<(i32, i32)>,
    },
    /// A search over the ends of the intervals, for weeks with bounds finer than a minute
    /// (a slot table would then be large and seldom in cache).
    Search(Buckets),
}

/// The slot table's most slots: one a minute. Business hours are set in minutes, mostly
/// in hours or quarters, so this covers them all in at most 80 KiB.
const MAX_WEEK_SLOTS: i64 = WEEK / 60;

/// Times of the week are below `2^WEEK_BITS`.
const WEEK_BITS: u32 = 20;
const _: () = assert!(WEEK < 1 << WEEK_BITS);

/// `(m, s)` with `r / g == (r * m) >> s` for every `r < 2^WEEK_BITS`: with
/// `s = WEEK_BITS + ceil(log2 g)` and `m = ceil(2^s / g)`, `m * g - 2^s < g <= 2^(s -
/// WEEK_BITS)`, which is the condition of Granlund and Montgomery's theorem 4.2 ("Division by
/// invariant integers using multiplication", 1994). `r * m < 2^(2 * WEEK_BITS + 1)`, no
/// overflow.
fn magic_divisor(g: u64) -> (u64, u32) {
    debug_assert!((1..1 << WEEK_BITS).contains(&g));
    let log = u64::BITS - (g - 1).leading_zeros();
    let s = WEEK_BITS + log;
    ((1u64 << s).div_ceil(g), s)
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

/// Sorts intervals and merges those that overlap or touch.
fn merge(mut v: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    v.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn local_seconds(date: NaiveDate) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

/// A table over the ends of sorted, disjoint intervals.
fn ends(intervals: &[(i64, i64)]) -> Buckets {
    Buckets::new(&intervals.iter().map(|&(_, e)| e).collect::<Vec<_>>())
}

impl Index {
    fn build(cal: &Data) -> Index {
        let mut week = Vec::new();
        for day in 0..7 {
            let base = day as i64 * i64::from(DAY);
            for s in cal.hours.day(day) {
                let (a, b) = (base + i64::from(s.start), base + i64::from(s.end));
                if b > WEEK {
                    // Sunday night into Monday morning wraps to the start of the week.
                    week.push((a, WEEK));
                    week.push((0, b - WEEK));
                } else {
                    week.push((a, b));
                }
            }
        }
        let week = merge(week);
        let mut week_cum = Vec::with_capacity(week.len() + 1);
        let mut sum = 0;
        week_cum.push(0);
        for &(a, b) in &week {
            sum += b - a;
            week_cum.push(sum);
        }
        let week_lookup = week_lookup(&week, &week_cum);

        let closed = merge(
            cal.holidays
                .iter()
                .map(|&d| (local_seconds(d), local_seconds(d) + i64::from(DAY)))
                .chain(cal.closures.iter().map(|c| {
                    let base = local_seconds(c.date);
                    (
                        base + i64::from(c.shift.start),
                        base + i64::from(c.shift.end),
                    )
                }))
                .collect(),
        );
        let zone = transitions::table(cal.tz);
        let mut ix = Index {
            week_total: sum,
            week,
            week_cum,
            week_lookup,
            closed,
            closed_cum: Vec::new(),
            closed_w: Vec::new(),
            breaks: Buckets::new(&[]),
            pieces: Vec::new(),
            segments: Vec::new(),
            f_at: Vec::new(),
        };

        let mut closed_cum = Vec::with_capacity(ix.closed.len() + 1);
        let mut closed_w = Vec::with_capacity(ix.closed.len());
        closed_cum.push(0);
        for &(a, b) in &ix.closed {
            let before = closed_cum[closed_cum.len() - 1];
            let (wa, wb) = (ix.w_sched(a), ix.w_sched(b));
            closed_w.push(wa - before);
            closed_cum.push(before + wb - wa);
        }
        ix.closed_cum = closed_cum;
        ix.closed_w = closed_w;

        let n = zone.at.len();
        let mut segments = Vec::with_capacity(n + 1);
        let mut f_at = Vec::with_capacity(n);
        let mut jumps = 0;
        segments.push((zone.offsets[0], 0));
        for k in 0..n {
            let t = zone.at[k];
            let (before, after) = (zone.offsets[k], zone.offsets[k + 1]);
            let w_after = ix.w(t + after);
            jumps += w_after - ix.w(t + before);
            segments.push((after, jumps));
            f_at.push(w_after - jumps);
        }
        ix.segments = segments;
        ix.f_at = f_at;
        let (breaks, pieces) = ix.pieces(&zone);
        ix.breaks = Buckets::new(&breaks);
        ix.pieces = pieces;
        ix
    }

    /// The breaks and pieces of `F` (see [`Piece`]).
    fn pieces(&self, zone: &ZoneTable) -> (Vec<i64>, Vec<Piece>) {
        let bounds: Vec<i64> = self.closed.iter().flat_map(|&(a, b)| [a, b]).collect();
        let mut breaks = zone.at.clone();
        for (p, &offset) in zone.offsets.iter().enumerate() {
            // The closed intervals' bounds, in UTC under this offset, that fall in the time
            // this offset is in force.
            let from = if p == 0 { i64::MIN } else { zone.at[p - 1] };
            let to = zone.at.get(p).copied().unwrap_or(i64::MAX);
            let lo = bounds.partition_point(|&x| x - offset < from);
            let hi = bounds.partition_point(|&x| x - offset < to);
            breaks.extend(bounds[lo..hi].iter().map(|&x| x - offset));
        }
        breaks.sort_unstable();
        breaks.dedup();
        let pieces = (0..=breaks.len())
            .map(|k| {
                let s = match k {
                    0 => breaks.first().map_or(0, |&b| b - 1),
                    _ => breaks[k - 1],
                };
                let p = zone.at.partition_point(|&t| t <= s);
                let (offset, jumps) = self.segments[p];
                let l = s + offset;
                let i = self.closed.partition_point(|&(_, e)| e <= l);
                let inside = self.closed.get(i).is_some_and(|&(a, _)| a <= l);
                Piece {
                    sub: if inside {
                        jumps - self.closed_w[i]
                    } else {
                        jumps + self.closed_cum[i]
                    },
                    // chrono's offsets are less than a day.
                    offset: i32::try_from(offset).expect("a UTC offset within ±24 hours"),
                    open: i32::from(!inside),
                }
            })
            .collect();
        (breaks, pieces)
    }

    fn week_total(&self) -> i64 {
        self.week_total
    }

    /// Open seconds of the week before `r` seconds since Monday 00:00 (`0 <= r < WEEK`).
    #[inline]
    fn week_open_before(&self, r: i64) -> i64 {
        match &self.week_lookup {
            WeekLookup::Slots {
                magic,
                magic_shift,
                slots,
            } => {
                let (base, open) = slots[((r as u64 * magic) >> magic_shift) as usize];
                i64::from(base) + i64::from(open) * r
            }
            WeekLookup::Search(ends) => week_search(&self.week, &self.week_cum, ends, r),
        }
    }

    /// Scheduled open seconds before local second `l` (holidays ignored).
    #[inline]
    fn w_sched(&self, l: i64) -> i64 {
        let x = l - MONDAY_EPOCH;
        let (q, r) = (x.div_euclid(WEEK), x.rem_euclid(WEEK));
        q * self.week_total + self.week_open_before(r)
    }

    /// `W(l)`: open seconds before local second `l`, holidays and closures removed.
    fn w(&self, l: i64) -> i64 {
        let i = self.closed.partition_point(|&(_, e)| e <= l);
        match self.closed.get(i) {
            Some(&(a, _)) if a < l => self.closed_w[i],
            _ => self.w_sched(l) - self.closed_cum[i],
        }
    }

    /// `F(s)` for UTC second `s`.
    #[inline(always)]
    fn f(&self, s: i64) -> i64 {
        let piece = self.pieces[self.breaks.count_le(s)];
        i64::from(piece.open) * self.w_sched(s + i64::from(piece.offset)) - piece.sub
    }

    /// The smallest local second `l` with `w_sched(l) >= v`.
    fn w_sched_inv(&self, v: i128) -> Option<i64> {
        let total = i128::from(self.week_total());
        if total == 0 {
            return None;
        }
        let q = (v - 1).div_euclid(total);
        let rem = v - q * total; // in 1..=total: the answer lies in week q
        let i = self.week_cum[1..].partition_point(|&c| i128::from(c) < rem);
        let (a, _) = *self.week.get(i)?;
        let l = i128::from(MONDAY_EPOCH)
            + q * i128::from(WEEK)
            + i128::from(a)
            + (rem - i128::from(self.week_cum[i]));
        i64::try_from(l).ok()
    }

    /// The smallest local second `l` with `W(l) >= v`.
    fn w_inv(&self, v: i128) -> Option<i64> {
        // `W` is flat across each closed interval and equals `w_sched - closed_cum[i]` between
        // `closed[i - 1]` and `closed[i]`: find that stretch, then invert the schedule there.
        let i = self.closed_w.partition_point(|&w| i128::from(w) < v);
        self.w_sched_inv(v + i128::from(self.closed_cum[i]))
    }

    /// The smallest UTC second `s` with `F(s) >= c`.
    fn f_inv(&self, c: i128) -> Option<i64> {
        // The answer lies after the last offset change with F below c, and no later than the
        // next one, `T_k`. Before `T_k` the offset is constant and F is a shifted W; that
        // formula still holds at `T_k` itself, because the jump there cancels the change of
        // offset: F(T_k) = W(T_k + o_k) - jump_cum[k]. So the W inverse lands in range.
        let k = self.f_at.partition_point(|&f| i128::from(f) < c);
        let (offset, jumps) = self.segments[k];
        let l = self.w_inv(c + i128::from(jumps))?;
        l.checked_sub(offset)
    }
}

/// Open seconds of the week before `r`, by searching the intervals' ends.
fn week_search(week: &[(i64, i64)], week_cum: &[i64], ends: &Buckets, r: i64) -> i64 {
    let i = ends.count_le(r);
    let partial = match week.get(i) {
        Some(&(a, _)) if a < r => r - a,
        _ => 0,
    };
    week_cum[i] + partial
}

/// Slots when the week's bounds allow few enough, else a search.
fn week_lookup(week: &[(i64, i64)], week_cum: &[i64]) -> WeekLookup {
    let search = ends(week);
    let g = week.iter().fold(WEEK, |g, &(a, b)| gcd(gcd(g, a), b));
    if WEEK / g > MAX_WEEK_SLOTS {
        return WeekLookup::Search(search);
    }
    let slots = (0..WEEK / g)
        .map(|k| {
            let start = k * g;
            let i = search.count_le(start);
            let open = i64::from(week.get(i).is_some_and(|&(a, _)| a <= start));
            let before = week_search(week, week_cum, &search, start);
            // Both fit: `before` and `start` lie in `0..=WEEK`.
            ((before - open * start) as i32, open as i32)
        })
        .collect();
    let (magic, magic_shift) = magic_divisor(g as u64);
    WeekLookup::Slots {
        magic,
        magic_shift,
        slots,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    /// `w_sched` by its definition: a binary search over the week's intervals.
    fn w_sched_defined(ix: &Index, l: i64) -> i64 {
        let x = l - MONDAY_EPOCH;
        let (q, r) = (x.div_euclid(WEEK), x.rem_euclid(WEEK));
        let i = ix.week.partition_point(|&(_, e)| e <= r);
        let partial = match ix.week.get(i) {
            Some(&(a, _)) if a < r => r - a,
            _ => 0,
        };
        q * ix.week_total + ix.week_cum[i] + partial
    }

    /// `F` by its definition, with binary searches over the offset changes and the closed
    /// intervals instead of the pieces.
    fn f_defined(ix: &Index, zone: &ZoneTable, s: i64) -> i64 {
        let (offset, jumps) = ix.segments[zone.at.partition_point(|&t| t <= s)];
        let l = s + offset;
        let i = ix.closed.partition_point(|&(_, e)| e <= l);
        let w = match ix.closed.get(i) {
            Some(&(a, _)) if a < l => ix.closed_w[i],
            _ => w_sched_defined(ix, l) - ix.closed_cum[i],
        };
        w - jumps
    }

    const ZONES: [Tz; 6] = [
        Tz::UTC,
        chrono_tz::America::New_York,
        chrono_tz::Europe::Berlin,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::America::St_Johns,
        chrono_tz::Asia::Kolkata,
    ];

    /// Calendars with bounds on the hour, the quarter, the minute or the second (the last
    /// too fine for week slots), holidays and closures around 2021, in zones with and
    /// without DST.
    fn calendar() -> impl Strategy<Value = BusinessCalendar> {
        let unit = prop_oneof![Just(3600u32), Just(900), Just(60), Just(1)];
        let shifts = prop::collection::vec((0usize..7, 0u32..86_400, 0u32..86_400), 0..5);
        let day = (0i64..3 * 366)
            .prop_map(|d| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + TimeDelta::days(d));
        let holidays = prop::collection::vec(day.clone(), 0..12);
        let closures = prop::collection::vec((day, 0u32..86_400, 0u32..86_400), 0..6);
        (0..ZONES.len(), unit, shifts, holidays, closures).prop_map(
            |(zone, unit, shifts, holidays, closures)| {
                let t = |secs: u32| time_of(secs / unit * unit);
                let mut cal = BusinessCalendar::new(ZONES[zone]).with_holidays(holidays);
                for (d, a, b) in shifts {
                    let day = Weekday::try_from(d as u8).unwrap();
                    cal = cal.with_hours(day, t(a), t(b)).unwrap();
                }
                for (date, a, b) in closures {
                    cal = cal.with_closure(date, t(a), t(b)).unwrap();
                }
                cal
            },
        )
    }

    proptest! {
        #[test]
        fn pieces_and_week_slots_equal_the_definition(
            cal in calendar(),
            near in prop::collection::vec((any::<prop::sample::Index>(), -2i64..=2), 1..30),
            anywhere in prop::collection::vec(prop_oneof![
                1_500_000_000i64..1_700_000_000,
                -3_000_000_000i64..5_000_000_000,
                -8_000_000_000_000i64..8_000_000_000_000,
            ], 1..30),
        ) {
            let ix = cal.index();
            let zone = transitions::table(cal.zone());
            // Instants at and next to the pieces' bounds, where an off-by-one would show.
            let breaks = ix.breaks.keys();
            let near = near
                .into_iter()
                .filter(|_| !breaks.is_empty())
                .map(|(i, d)| breaks[i.index(breaks.len())] + d);
            for s in near.chain(anywhere) {
                prop_assert_eq!(ix.f(s), f_defined(ix, &zone, s), "s = {}", s);
                prop_assert_eq!(ix.w_sched(s), w_sched_defined(ix, s), "l = {}", s);
            }
        }
    }

    #[test]
    fn magic_division_is_exact_for_every_time_of_the_week() {
        for g in [1, 7, 60, 900, 1800, 3600, 86_400, WEEK as u64] {
            let (m, shift) = magic_divisor(g);
            for r in 0..WEEK as u64 {
                assert_eq!((r * m) >> shift, r / g, "g = {g}, r = {r}");
            }
        }
    }

    #[test]
    fn inverse_of_w_on_a_small_week() {
        let cal = BusinessCalendar::parse("Mon 09:00-10:00; Wed 22:00-02:00", Tz::UTC).unwrap();
        let ix = cal.index();
        assert_eq!(ix.week_total(), 5 * 3600);
        for l in [
            -WEEK * 3 - 7,
            -1,
            0,
            1,
            MONDAY_EPOCH + 9 * 3600 + 5,
            10 * WEEK + 12_345,
        ] {
            let v = ix.w(l);
            let inv = ix.w_inv(i128::from(v) + 1).unwrap();
            assert!(ix.w(inv) == v + 1 && ix.w(inv - 1) == v, "l={l}");
        }
    }

    #[test]
    fn shareable_across_threads() {
        fn check<T: Send + Sync>() {}
        check::<BusinessCalendar>();
    }

    #[test]
    fn clones_share_one_index() {
        let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", Tz::UTC).unwrap();
        let copy = cal.clone();
        // Built through the copy, found by the original.
        assert_eq!(copy.weekly_open_seconds(), 40 * 3600);
        assert!(std::ptr::eq(cal.index(), copy.index()));
    }

    #[test]
    fn a_change_after_a_clone_leaves_the_clone_alone() {
        let a = Utc.with_ymd_and_hms(2021, 12, 24, 0, 0, 0).unwrap();
        let b = a + TimeDelta::days(1);
        for built_first in [false, true] {
            let cal = BusinessCalendar::always_open(Tz::UTC);
            if built_first {
                assert_eq!(cal.business_seconds(a, b), 86_400);
            }
            let closed = cal
                .clone()
                .with_holiday(a.date_naive())
                .with_closure(b.date_naive(), time_of(0), time_of(3600))
                .unwrap()
                .with_hours(Weekday::Mon, time_of(0), time_of(0))
                .unwrap();
            assert_eq!(closed.business_seconds(a, b), 0);
            assert_eq!(closed.business_seconds(b, b + TimeDelta::hours(2)), 3600);
            assert_eq!(cal.business_seconds(a, b), 86_400);
            assert_eq!(cal.holidays().count() + cal.closures().count(), 0);
            assert_eq!(cal, BusinessCalendar::always_open(Tz::UTC));
            assert_ne!(cal, closed);
        }
    }

    /// Every mutator, on a calendar whose `Arc` is not shared (so `make_mut` does not copy and
    /// only `edit`'s `index.take()` can drop the built index), leaves no stale index.
    #[test]
    fn every_change_to_an_unshared_indexed_calendar_rebuilds_the_index() {
        let a = Utc.with_ymd_and_hms(2021, 12, 24, 0, 0, 0).unwrap(); // a Friday
        let b = a + TimeDelta::days(1);
        let built = || {
            let cal = BusinessCalendar::parse("Mon-Thu 09:00-17:00", Tz::UTC).unwrap();
            assert_eq!(cal.business_seconds(a, b), 0);
            assert_eq!(Arc::strong_count(&cal.inner), 1);
            cal
        };
        let cal = built()
            .with_hours(Weekday::Fri, time_of(9 * 3600), time_of(17 * 3600))
            .unwrap();
        assert_eq!(cal.business_seconds(a, b), 8 * 3600);
        let open = cal.clone();
        // `open` shares `cal`'s data: built index, then the unshared paths below.
        drop(cal);
        assert_eq!(open.business_seconds(a, b), 8 * 3600);
        let cal = open.with_holidays([a.date_naive()]);
        assert_eq!(cal.business_seconds(a, b), 0);
        let cal = built()
            .with_hours(Weekday::Fri, time_of(9 * 3600), time_of(17 * 3600))
            .unwrap();
        assert_eq!(cal.business_seconds(a, b), 8 * 3600);
        let cal = cal
            .with_closure(a.date_naive(), time_of(9 * 3600), time_of(10 * 3600))
            .unwrap();
        assert_eq!(cal.business_seconds(a, b), 7 * 3600);
        assert_eq!(cal.weekly_open_seconds(), 5 * 8 * 3600);
        // Deserializing edits a fresh calendar: nothing to share, nothing stale.
        let json = serde_json::to_string(&cal).unwrap();
        let back: BusinessCalendar = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cal);
        assert!(!Arc::ptr_eq(&back.inner, &cal.inner));
        assert_eq!(back.business_seconds(a, b), 7 * 3600);
    }

    /// The `ptr_eq` shortcut agrees with the field comparison.
    #[test]
    fn equality_by_pointer_agrees_with_equality_by_value() {
        let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", Tz::UTC)
            .unwrap()
            .with_holiday(NaiveDate::from_ymd_opt(2021, 12, 24).unwrap());
        let same = BusinessCalendar::parse("Mon-Fri 09:00-17:00", Tz::UTC)
            .unwrap()
            .with_holiday(NaiveDate::from_ymd_opt(2021, 12, 24).unwrap());
        assert!(!Arc::ptr_eq(&cal.inner, &same.inner));
        assert_eq!(cal, same);
        assert_eq!(cal, cal.clone());
        let other = cal
            .clone()
            .with_holiday(NaiveDate::from_ymd_opt(2021, 12, 31).unwrap());
        assert_ne!(cal, other);
        // A change to nothing (a holiday already there) copies, and stays equal.
        let again = cal
            .clone()
            .with_holiday(NaiveDate::from_ymd_opt(2021, 12, 24).unwrap());
        assert!(!Arc::ptr_eq(&cal.inner, &again.inner));
        assert_eq!(cal, again);
    }

    #[test]
    fn index_is_rebuilt_after_a_change() {
        let cal = BusinessCalendar::always_open(Tz::UTC);
        let a = Utc.with_ymd_and_hms(2021, 12, 24, 0, 0, 0).unwrap();
        let b = a + TimeDelta::days(1);
        assert_eq!(cal.business_seconds(a, b), 86_400);
        let cal = cal.with_holiday(a.date_naive());
        assert_eq!(cal.business_seconds(a, b), 0);
    }
}
