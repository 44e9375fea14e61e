//! Holidays from an iCalendar file (RFC 5545), as calendar applications export them.

use super::{BusinessCalendar, parse_zone};
use crate::error::{Error, ErrorKind};
use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};
use chrono_tz::Tz;

/// How many years an unbounded yearly rule is expanded for, from its first occurrence.
pub const ICS_YEARS: u32 = 200;

/// What an .ics file closes: whole local dates and parts of dates, in a calendar's zone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IcsClosures {
    /// Whole dates closed (all-day events, and timed events covering a whole local day).
    pub dates: Vec<NaiveDate>,
    /// Parts of dates closed: `(date, from, to)` local times, `to = 00:00` meaning midnight.
    pub parts: Vec<(NaiveDate, NaiveTime, NaiveTime)>,
}

impl BusinessCalendar {
    /// Closes what the events of an iCalendar file (RFC 5545) cover, as
    /// [`read_ics`] reads them in this calendar's zone.
    ///
    /// # Errors
    /// As [`read_ics`].
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20211224\r\n\
    ///            DTEND;VALUE=DATE:20211225\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Christmas Eve\r\n\
    ///            END:VEVENT\r\nEND:VCALENDAR\r\n";
    /// let cal = supportkpi::BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC)?
    ///     .with_ics(ics)?;
    /// let dec = |y, d| chrono::NaiveDate::from_ymd_opt(y, 12, d).unwrap();
    /// assert!(cal.holidays().any(|d| d == dec(2021, 24)));
    /// assert!(cal.holidays().any(|d| d == dec(2030, 24))); // every year
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn with_ics(self, text: &str) -> Result<Self, Error> {
        let closures = read_ics(text, self.zone())?;
        let mut cal = self.with_holidays(closures.dates);
        for (date, from, to) in closures.parts {
            cal = cal.with_closure(date, from, to)?;
        }
        Ok(cal)
    }
}

/// Reads the events of an iCalendar file as closures in `zone`.
///
/// - **Lines**: CRLF or LF; a line starting with a space or a tab continues the one before
///   (folding, RFC 5545 §3.1); property names are case-insensitive; parameters are read
///   (`VALUE`, `TZID`, quoted or not), other properties and components (`VTIMEZONE`,
///   `VALARM`) skipped.
/// - **All-day events** (`DTSTART;VALUE=DATE:20211224`) close whole dates from `DTSTART` to
///   the day before `DTEND` (exclusive, RFC 5545), one day without `DTEND`.
/// - **Timed events** (`DTSTART;TZID=Europe/Berlin:20211231T120000`, a `Z` time in UTC, or a
///   floating time read in `zone`) close `[DTSTART, DTEND)` (or `DTSTART` + `DURATION`) as
///   local times in `zone`: a part of each date they touch, a whole date when they cover it.
/// - **Recurrence**: `RRULE:FREQ=YEARLY` with optional `INTERVAL`, `COUNT`, `UNTIL`, and
///   `BYMONTH` + `BYDAY` (`4TH`, `-1MO`: the n-th weekday of the month) or `BYMONTHDAY`;
///   unbounded rules are expanded for [`ICS_YEARS`] years; `EXDATE` removes occurrences.
///   A 29 February rule skips the other years, as the RFC says.
/// - Cancelled events (`STATUS:CANCELLED`) close nothing.
///
/// # Errors
/// [`ErrorKind::InvalidCalendar`] (field `ics`, the value and the line number in the rule) for
/// a date or time it cannot read, an unknown `TZID` (IANA names only), an event without
/// `DTSTART`, or a rule it does not support (another `FREQ`, `BYWEEKNO`…): a closure silently
/// dropped would count holiday hours as open.
pub fn read_ics(text: &str, zone: Tz) -> Result<IcsClosures, Error> {
    let lines = unfold(text);
    let mut out = IcsClosures::default();
    let mut event: Option<Vec<(usize, Property)>> = None;
    let mut depth_other = 0usize;
    for (number, line) in lines {
        let prop = Property::parse(&line)
            .ok_or_else(|| bad(number, "a line is NAME[;PARAM=…]:VALUE", &line))?;
        match (prop.name.as_str(), prop.value.to_ascii_uppercase().as_str()) {
            ("BEGIN", "VEVENT") if depth_other == 0 => event = Some(Vec::new()),
            ("END", "VEVENT") if depth_other == 0 => {
                if let Some(props) = event.take() {
                    add_event(&props, number, zone, &mut out)?;
                }
            }
            ("BEGIN", other) if event.is_some() && other != "VEVENT" => depth_other += 1,
            ("END", _) if depth_other > 0 => depth_other -= 1,
            _ => {
                if let (Some(props), 0) = (event.as_mut(), depth_other) {
                    props.push((number, prop));
                }
            }
        }
    }
    out.dates.sort();
    out.dates.dedup();
    Ok(out)
}

fn bad(line: usize, rule: &str, value: &str) -> Error {
    Error::new(
        ErrorKind::InvalidCalendar,
        format!("iCalendar line {line}: {rule}"),
    )
    .with_field("ics")
    .with_value(value)
}

/// Logical lines with the number of their first physical line.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = out.last_mut()
        {
            last.1.push_str(rest);
        } else if !raw.trim().is_empty() {
            out.push((i + 1, raw.to_owned()));
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn parse(line: &str) -> Option<Property> {
        // The value starts at the first ':' outside a quoted parameter value.
        let mut quoted = false;
        let colon = line.char_indices().find(|&(_, c)| {
            if c == '"' {
                quoted = !quoted;
            }
            c == ':' && !quoted
        })?;
        let (head, value) = (&line[..colon.0], &line[colon.0 + 1..]);
        let mut parts = head.split(';');
        let name = parts.next()?.trim().to_ascii_uppercase();
        let params = parts
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                Some((
                    k.trim().to_ascii_uppercase(),
                    v.trim().trim_matches('"').to_owned(),
                ))
            })
            .collect();
        Some(Property {
            name,
            params,
            value: value.trim().to_owned(),
        })
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A DTSTART / DTEND / EXDATE value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Date(NaiveDate),
    /// A local time in the zone it was given in (`None`: floating, the calendar's zone).
    Time(NaiveDateTime, Option<Tz>),
}

fn parse_when(p: &Property, line: usize) -> Result<When, Error> {
    let v = p.value.as_str();
    let is_date = p
        .param("VALUE")
        .is_some_and(|x| x.eq_ignore_ascii_case("DATE"))
        || v.len() == 8;
    if is_date {
        return NaiveDate::parse_from_str(v, "%Y%m%d")
            .map(When::Date)
            .map_err(|_| bad(line, "a date is YYYYMMDD", v));
    }
    let (text, utc) = match v.strip_suffix(['Z', 'z']) {
        Some(t) => (t, true),
        None => (v, false),
    };
    let local = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S")
        .map_err(|_| bad(line, "a date-time is YYYYMMDDTHHMMSS[Z]", v))?;
    let tz = if utc {
        Some(Tz::UTC)
    } else {
        match p.param("TZID") {
            Some(id) => Some(
                parse_zone(id)
                    .map_err(|_| bad(line, "a TZID is an IANA zone name (Europe/Berlin)", id))?,
            ),
            None => None,
        }
    };
    Ok(When::Time(local, tz))
}

/// An RFC 5545 duration (`P1D`, `PT2H30M`, `P1W`), for an event without DTEND.
fn parse_duration(v: &str, line: usize) -> Result<TimeDelta, Error> {
    let err = || bad(line, "a duration is P[n]W or P[n]DT[n]H[n]M[n]S", v);
    let body = v
        .strip_prefix('+')
        .unwrap_or(v)
        .strip_prefix('P')
        .ok_or_else(err)?;
    let mut total = TimeDelta::zero();
    let mut number = String::new();
    let mut in_time = false;
    for c in body.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            unit => {
                let n: i64 = number.parse().map_err(|_| err())?;
                number.clear();
                total += match (unit, in_time) {
                    ('W', false) => TimeDelta::weeks(n),
                    ('D', false) => TimeDelta::days(n),
                    ('H', true) => TimeDelta::hours(n),
                    ('M', true) => TimeDelta::minutes(n),
                    ('S', true) => TimeDelta::seconds(n),
                    _ => return Err(err()),
                };
            }
        }
    }
    if number.is_empty() {
        Ok(total)
    } else {
        Err(err())
    }
}

/// A yearly rule.
struct Yearly {
    interval: u32,
    count: Option<u32>,
    until: Option<NaiveDate>,
    /// BYMONTH + BYDAY: the n-th (negative: from the end) weekday of a month.
    nth_weekday: Option<(u32, i32, Weekday)>,
    /// BYMONTH + BYMONTHDAY.
    month_day: Option<(u32, u32)>,
}

fn parse_rule(v: &str, line: usize) -> Result<Yearly, Error> {
    let unsupported = |what: &str| bad(line, &format!("only yearly rules are read ({what})"), v);
    let mut rule = Yearly {
        interval: 1,
        count: None,
        until: None,
        nth_weekday: None,
        month_day: None,
    };
    let (mut freq, mut month, mut day, mut month_day) = (None, None, None, None);
    for part in v.split(';') {
        let (k, val) = part.split_once('=').ok_or_else(|| unsupported(part))?;
        let number = |x: &str| x.parse::<u32>().map_err(|_| unsupported(part));
        match k.to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(val.to_ascii_uppercase()),
            "INTERVAL" => rule.interval = number(val)?.max(1),
            "COUNT" => rule.count = Some(number(val)?),
            "UNTIL" => {
                let date = val.get(..8).unwrap_or(val);
                rule.until =
                    Some(NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| unsupported(part))?);
            }
            "BYMONTH" => month = Some(number(val)?),
            "BYDAY" => day = Some(val.to_ascii_uppercase()),
            "BYMONTHDAY" => month_day = Some(number(val)?),
            "WKST" => {}
            _ => return Err(unsupported(part)),
        }
    }
    if freq.as_deref() != Some("YEARLY") {
        return Err(unsupported("FREQ"));
    }
    match (month, day, month_day) {
        (None, None, None) => {}
        (Some(m), Some(d), None) => {
            let (n, wd) = d.split_at(d.len().saturating_sub(2));
            let weekday = match wd {
                "MO" => Weekday::Mon,
                "TU" => Weekday::Tue,
                "WE" => Weekday::Wed,
                "TH" => Weekday::Thu,
                "FR" => Weekday::Fri,
                "SA" => Weekday::Sat,
                "SU" => Weekday::Sun,
                _ => return Err(unsupported("BYDAY")),
            };
            let n: i32 = if n.is_empty() {
                return Err(unsupported("BYDAY without an ordinal"));
            } else {
                n.trim_start_matches('+')
                    .parse()
                    .map_err(|_| unsupported("BYDAY"))?
            };
            if n == 0 || !(1..=12).contains(&m) {
                return Err(unsupported("BYDAY"));
            }
            rule.nth_weekday = Some((m, n, weekday));
        }
        (Some(m), None, Some(d)) => rule.month_day = Some((m, d)),
        _ => {
            return Err(unsupported(
                "BYMONTH, BYDAY and BYMONTHDAY in this combination",
            ));
        }
    }
    Ok(rule)
}

/// The n-th `weekday` of a month (negative: counted from its end).
fn nth_weekday(year: i32, month: u32, n: i32, weekday: Weekday) -> Option<NaiveDate> {
    if n > 0 {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
    } else {
        let first_next =
            NaiveDate::from_ymd_opt(year, month, 1)?.checked_add_months(Months::new(1))?;
        let last = first_next.pred_opt()?;
        let back = (last.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
        let last_weekday = last - TimeDelta::days(i64::from(back));
        last_weekday
            .checked_sub_signed(TimeDelta::weeks(i64::from(-n - 1)))
            .filter(|d| d.month() == month)
    }
}

fn add_event(
    props: &[(usize, Property)],
    end_line: usize,
    zone: Tz,
    out: &mut IcsClosures,
) -> Result<(), Error> {
    let find = |name: &str| props.iter().find(|(_, p)| p.name == name);
    if find("STATUS").is_some_and(|(_, p)| p.value.eq_ignore_ascii_case("CANCELLED")) {
        return Ok(());
    }
    let (start_line, start) =
        find("DTSTART").ok_or_else(|| bad(end_line, "an event has a DTSTART", "VEVENT"))?;
    let start = parse_when(start, *start_line)?;
    let end = match (find("DTEND"), find("DURATION")) {
        (Some((l, p)), _) => Some(parse_when(p, *l)?),
        (None, Some((l, p))) => {
            let d = parse_duration(&p.value, *l)?;
            Some(match start {
                When::Date(date) => When::Date(date + d),
                When::Time(t, tz) => When::Time(t + d, tz),
            })
        }
        (None, None) => None,
    };
    let mut excluded = Vec::new();
    for (l, p) in props.iter().filter(|(_, p)| p.name == "EXDATE") {
        for v in p.value.split(',') {
            let one = Property {
                value: v.to_owned(),
                ..p.clone()
            };
            excluded.push(match parse_when(&one, *l)? {
                When::Date(d) => d,
                When::Time(t, _) => t.date(),
            });
        }
    }
    let rule = match find("RRULE") {
        Some((l, p)) => Some(parse_rule(&p.value, *l)?),
        None => None,
    };

    let first = match start {
        When::Date(d) => d,
        When::Time(t, _) => t.date(),
    };
    // The occurrences: the first, then every `interval` years (the rule's date in that year).
    let mut starts = vec![first];
    if let Some(rule) = &rule {
        starts.clear();
        let mut k = 0u32;
        while k < ICS_YEARS {
            let year = first.year() + i32::try_from(k).unwrap_or(i32::MAX);
            k += rule.interval;
            let date = match (rule.nth_weekday, rule.month_day) {
                (Some((m, n, wd)), _) => nth_weekday(year, m, n, wd),
                (_, Some((m, d))) => NaiveDate::from_ymd_opt(year, m, d),
                _ => NaiveDate::from_ymd_opt(year, first.month(), first.day()),
            };
            let Some(date) = date else { continue };
            if date < first {
                continue;
            }
            if rule.until.is_some_and(|u| date > u) {
                break;
            }
            starts.push(date);
            if rule.count.is_some_and(|c| starts.len() >= c as usize) {
                break;
            }
        }
    }
    for date in starts {
        if excluded.contains(&date) {
            continue;
        }
        let shift = date - first;
        match (start, end) {
            (When::Date(_), end) => {
                let length = match end {
                    Some(When::Date(e)) => (e - first).num_days().max(1),
                    Some(When::Time(t, _)) => (t.date() - first).num_days().max(1),
                    None => 1,
                };
                for i in 0..length {
                    out.dates.push(date + TimeDelta::days(i));
                }
            }
            (When::Time(s, tz), end) => {
                let Some(When::Time(e, etz)) = end else {
                    continue; // an instant: closes nothing
                };
                let to_local = |t: NaiveDateTime, tz: Option<Tz>| match tz {
                    None => t,
                    Some(tz) => crate::time::local_to_instant(tz, t)
                        .with_timezone(&zone)
                        .naive_local(),
                };
                close_between(to_local(s + shift, tz), to_local(e + shift, etz), out);
            }
        }
    }
    Ok(())
}

/// Closes `[a, b)` (local times): parts of the first and last dates, whole dates between.
fn close_between(a: NaiveDateTime, b: NaiveDateTime, out: &mut IcsClosures) {
    let midnight = NaiveTime::MIN;
    let mut date = a.date();
    while date <= b.date() {
        let from = if date == a.date() { a.time() } else { midnight };
        let to_end = date < b.date();
        let to = if to_end { midnight } else { b.time() };
        if from == midnight && to_end {
            out.dates.push(date);
        } else if to_end || to > from {
            out.parts.push((date, from, to));
        }
        match date.succ_opt() {
            Some(d) => date = d,
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_weekdays() {
        let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
        assert_eq!(nth_weekday(2021, 11, 4, Weekday::Thu), Some(d(11, 25)));
        assert_eq!(nth_weekday(2021, 5, -1, Weekday::Mon), Some(d(5, 31)));
        assert_eq!(nth_weekday(2021, 5, -2, Weekday::Mon), Some(d(5, 24)));
        assert_eq!(nth_weekday(2021, 2, 5, Weekday::Mon), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("P1D", 1).unwrap(), TimeDelta::days(1));
        assert_eq!(
            parse_duration("PT2H30M", 1).unwrap(),
            TimeDelta::minutes(150)
        );
        assert!(parse_duration("P1X", 1).is_err());
    }
}
