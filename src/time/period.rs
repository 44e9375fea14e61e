use crate::error::{Error, ErrorKind};
use crate::model::Instant;
use chrono::offset::LocalResult;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A reporting period length.
///
/// Weeks are ISO weeks (Monday start); quarters start in January, April, July and October.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A local calendar day.
    Day,
    /// An ISO week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
    /// A calendar year.
    Year,
}

impl Period {
    /// The snake_case name (`"day"`, `"week"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// The first local date of the period that contains `date`.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => date,
            Period::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            Period::Month => first_of_month(date.year(), date.month()),
            Period::Quarter => first_of_month(date.year(), (date.month0() / 3) * 3 + 1),
            Period::Year => first_of_month(date.year(), 1),
        }
    }

    /// The first local date of the period after the one starting at `start`.
    pub fn next_start(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => start + Duration::days(1),
            Period::Week => start + Duration::days(7),
            Period::Month => add_months(start, 1),
            Period::Quarter => add_months(start, 3),
            Period::Year => add_months(start, 12),
        }
    }

    /// How many periods there are from the one containing `first` to the one containing
    /// `last`, both included (0 when `last` is before `first`), worked out without walking them.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use supportkpi::Period;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(Period::Day.count(d(2021, 6, 28), d(2021, 7, 1)), 4);
    /// assert_eq!(Period::Week.count(d(2021, 6, 27), d(2021, 6, 28)), 2); // Sunday, Monday
    /// assert_eq!(Period::Month.count(d(2021, 1, 31), d(2021, 12, 1)), 12);
    /// assert_eq!(Period::Quarter.count(d(2021, 3, 31), d(2021, 4, 1)), 2);
    /// assert_eq!(Period::Year.count(d(1, 1, 1), d(9999, 12, 31)), 9999);
    /// assert_eq!(Period::Day.count(d(2021, 7, 1), d(2021, 6, 28)), 0);
    /// ```
    pub fn count(self, first: NaiveDate, last: NaiveDate) -> u64 {
        let (a, b) = (self.start_of(first), self.start_of(last));
        if b < a {
            return 0;
        }
        let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        let steps = match self {
            Period::Day => (b - a).num_days(),
            Period::Week => (b - a).num_days() / 7,
            Period::Month => months(b) - months(a),
            Period::Quarter => (months(b) - months(a)) / 3,
            Period::Year => i64::from(b.year() - a.year()),
        };
        steps.unsigned_abs() + 1
    }

    /// The first local date of the period before the one starting at `start`.
    pub fn prev_start(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => start - Duration::days(1),
            Period::Week => start - Duration::days(7),
            Period::Month => add_months(start, -1),
            Period::Quarter => add_months(start, -3),
            Period::Year => add_months(start, -12),
        }
    }
}

fn first_of_month(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

fn add_months(first: NaiveDate, months: i32) -> NaiveDate {
    let idx = first.year() * 12 + first.month0() as i32 + months;
    first_of_month(idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Period {
    type Err = Error;

    /// Parses `day`, `week`, `month`, `quarter` or `year` (case-insensitive; `daily`,
    /// `weekly`, `monthly`, `quarterly`, `yearly` too).
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "day" | "daily" | "d" => Period::Day,
            "week" | "weekly" | "w" | "isoweek" | "iso_week" => Period::Week,
            "month" | "monthly" | "m" => Period::Month,
            "quarter" | "quarterly" | "q" => Period::Quarter,
            "year" | "yearly" | "annual" | "y" => Period::Year,
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidOption,
                    "a period is one of day, week, month, quarter, year",
                )
                .with_field("period")
                .with_value(s));
            }
        })
    }
}

/// Parses an IANA time zone name (`"Europe/Berlin"`, `"UTC"`).
///
/// # Errors
/// [`ErrorKind::UnknownTimeZone`] for a name the IANA database does not know. Abbreviations such
/// as `"CET"` that are also IANA names are accepted; `"PST"` is not one and is refused.
///
/// ```
/// let tz = supportkpi::time::parse_zone("America/New_York")?;
/// assert_eq!(tz.name(), "America/New_York");
/// let err = supportkpi::time::parse_zone("Mars/Olympus").unwrap_err();
/// assert_eq!(err.kind(), supportkpi::ErrorKind::UnknownTimeZone);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn parse_zone(name: &str) -> Result<Tz, Error> {
    name.trim().parse::<Tz>().map_err(|_| {
        Error::new(
            ErrorKind::UnknownTimeZone,
            "expected an IANA time zone name such as Europe/Berlin or UTC",
        )
        .with_field("timezone")
        .with_value(name)
    })
}

/// The first instant of a local date in a zone: local midnight, or when midnight does not exist
/// (a DST gap at midnight), the first instant after the gap; when midnight occurs twice, the
/// earlier one.
pub fn local_midnight(tz: Tz, date: NaiveDate) -> Instant {
    local_to_instant(tz, date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The instant a wall-clock time denotes in a zone. An ambiguous time (a repeated hour) is the
/// earlier instant; a time inside a DST gap is the instant the gap ends.
pub fn local_to_instant(tz: Tz, local: NaiveDateTime) -> Instant {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => {
            // Every zone's gaps start and end on whole minutes and last at most a day, so the
            // first valid whole minute after `local` is the gap's end.
            let mut probe = local
                .with_second(0)
                .unwrap_or(local)
                .with_nanosecond(0)
                .unwrap_or(local);
            for _ in 0..=(24 * 60) {
                probe += Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}

/// One period: its length and its first local date. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PeriodKey {
    /// The first local date of the period.
    pub start: NaiveDate,
    /// The period length.
    pub period: Period,
}

impl PeriodKey {
    /// The first local date after the period (exclusive end).
    pub fn end(&self) -> NaiveDate {
        self.period.next_start(self.start)
    }

    /// The next period.
    pub fn next(&self) -> PeriodKey {
        PeriodKey {
            start: self.end(),
            period: self.period,
        }
    }

    /// The previous period.
    pub fn prev(&self) -> PeriodKey {
        PeriodKey {
            start: self.period.prev_start(self.start),
            period: self.period,
        }
    }

    /// Number of local days in the period.
    pub fn days(&self) -> i64 {
        (self.end() - self.start).num_days()
    }
}

impl fmt::Display for PeriodKey {
    /// `2021-06` for a month, `2021-Q2` for a quarter, `2021-W26` for an ISO week, `2021` for a
    /// year, `2021-06-28` for a day.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.start;
        match self.period {
            Period::Day => write!(f, "{d}"),
            Period::Week => {
                let w = d.iso_week();
                write!(f, "{}-W{:02}", w.year(), w.week())
            }
            Period::Month => write!(f, "{}-{:02}", d.year(), d.month()),
            Period::Quarter => write!(f, "{}-Q{}", d.year(), d.month0() / 3 + 1),
            Period::Year => write!(f, "{}", d.year()),
        }
    }
}

/// Assigns instants to periods of one length in one time zone.
///
/// A record belongs to the period in which its bucketing instant falls, in the declared zone:
/// a ticket created at 2021-06-30T23:30Z is in June in UTC and in July in Europe/Berlin.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::time::{Bucketer, Period, parse_zone};
///
/// let t = Utc.with_ymd_and_hms(2021, 6, 30, 23, 30, 0).unwrap();
/// let utc = Bucketer::new(Period::Month, parse_zone("UTC")?);
/// let berlin = Bucketer::new(Period::Month, parse_zone("Europe/Berlin")?);
/// assert_eq!(utc.key(t).to_string(), "2021-06");
/// assert_eq!(berlin.key(t).to_string(), "2021-07");
/// // July in Berlin starts at 22:00 UTC on June 30 (CEST, UTC+2).
/// assert_eq!(berlin.start_instant(berlin.key(t)), Utc.with_ymd_and_hms(2021, 6, 30, 22, 0, 0).unwrap());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucketer {
    period: Period,
    tz: Tz,
}

impl Bucketer {
    /// Periods of `period` in zone `tz`.
    pub fn new(period: Period, tz: Tz) -> Self {
        Bucketer { period, tz }
    }

    /// The period length.
    pub fn period(&self) -> Period {
        self.period
    }

    /// The zone.
    pub fn zone(&self) -> Tz {
        self.tz
    }

    /// The local date of an instant in this zone.
    pub fn local_date(&self, t: Instant) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// The period an instant falls in.
    pub fn key(&self, t: Instant) -> PeriodKey {
        self.key_of_date(self.local_date(t))
    }

    /// The period a local date falls in.
    pub fn key_of_date(&self, date: NaiveDate) -> PeriodKey {
        PeriodKey {
            start: self.period.start_of(date),
            period: self.period,
        }
    }

    /// The first instant of a period (local midnight of its first date).
    pub fn start_instant(&self, key: PeriodKey) -> Instant {
        local_midnight(self.tz, key.start)
    }

    /// The first instant after a period (exclusive end).
    pub fn end_instant(&self, key: PeriodKey) -> Instant {
        local_midnight(self.tz, key.end())
    }

    /// Every period from the one containing `first` to the one containing `last`, in order.
    pub fn keys_between(&self, first: Instant, last: Instant) -> impl Iterator<Item = PeriodKey> {
        let end = self.key(last);
        let mut cur = Some(self.key(first)).filter(|k| *k <= end);
        std::iter::from_fn(move || {
            let k = cur?;
            cur = Some(k.next()).filter(|n| *n <= end);
            Some(k)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn starts_of_periods() {
        let x = d(2021, 8, 18); // a Wednesday
        assert_eq!(Period::Day.start_of(x), x);
        assert_eq!(Period::Week.start_of(x), d(2021, 8, 16));
        assert_eq!(Period::Month.start_of(x), d(2021, 8, 1));
        assert_eq!(Period::Quarter.start_of(x), d(2021, 7, 1));
        assert_eq!(Period::Year.start_of(x), d(2021, 1, 1));
        assert_eq!(Period::Month.next_start(d(2021, 12, 1)), d(2022, 1, 1));
        assert_eq!(Period::Quarter.prev_start(d(2021, 1, 1)), d(2020, 10, 1));
    }

    #[test]
    fn iso_week_labels_across_new_year() {
        // 2021-01-01 is a Friday in ISO week 2020-W53.
        let b = Bucketer::new(Period::Week, Tz::UTC);
        let k = b.key(Utc.with_ymd_and_hms(2021, 1, 1, 12, 0, 0).unwrap());
        assert_eq!(k.start, d(2020, 12, 28));
        assert_eq!(k.to_string(), "2020-W53");
        assert_eq!(k.days(), 7);
    }

    #[test]
    fn day_boundaries_follow_the_zone_across_dst() {
        let b = Bucketer::new(Period::Day, chrono_tz::America::New_York);
        let k = b.key_of_date(d(2021, 3, 14)); // spring forward: a 23-hour day
        let len = b.end_instant(k) - b.start_instant(k);
        assert_eq!(len, Duration::hours(23));
        let k = b.key_of_date(d(2021, 11, 7)); // fall back: a 25-hour day
        assert_eq!(b.end_instant(k) - b.start_instant(k), Duration::hours(25));
    }

    #[test]
    fn midnight_in_a_gap_is_the_gap_end() {
        // America/Sao_Paulo skipped 2018-11-04 00:00-01:00.
        let tz = chrono_tz::America::Sao_Paulo;
        let t = local_midnight(tz, d(2018, 11, 4));
        assert_eq!(t, Utc.with_ymd_and_hms(2018, 11, 4, 3, 0, 0).unwrap());
    }

    #[test]
    fn keys_between_is_inclusive() {
        let b = Bucketer::new(Period::Month, Tz::UTC);
        let ks: Vec<String> = b
            .keys_between(
                Utc.with_ymd_and_hms(2021, 11, 5, 0, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2022, 2, 1, 0, 0, 0).unwrap(),
            )
            .map(|k| k.to_string())
            .collect();
        assert_eq!(ks, ["2021-11", "2021-12", "2022-01", "2022-02"]);
    }

    #[test]
    fn parse_period_and_zone_errors() {
        assert_eq!("Monthly".parse::<Period>().unwrap(), Period::Month);
        assert_eq!(
            "fortnight".parse::<Period>().unwrap_err().kind(),
            ErrorKind::InvalidOption
        );
        assert_eq!(
            parse_zone("PST").unwrap_err().kind(),
            ErrorKind::UnknownTimeZone
        );
    }
}
