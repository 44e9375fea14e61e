//! Weekly opening hours and their text form (`"Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-14:00"`).
//!
//! This module only knows local wall-clock times of a generic week; turning them into open
//! seconds between two instants is the job of [`super::calendar`].

use crate::error::{Error, ErrorKind};
use chrono::{NaiveTime, Timelike};
use std::fmt;

/// Seconds in a day.
pub(crate) const DAY: u32 = 86_400;

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY_LONG_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// One open interval of a weekday, in local seconds since that day's midnight.
///
/// `start < DAY` and `start < end <= start + DAY`: an `end` past `DAY` runs into the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Shift {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Shift {
    /// The interval from `start` to the wall time `end_of_day` (`0..=DAY`). An end at or before
    /// the start is on the next day, so `00:00` as an end is midnight and `x-x` lasts 24 hours:
    /// this keeps every interval between 1 second and 24 hours long without a special case.
    pub(crate) fn new(start: u32, end_of_day: u32) -> Shift {
        let end = if end_of_day > start {
            end_of_day
        } else {
            end_of_day + DAY
        };
        Shift { start, end }
    }

    /// The end as a wall time of day (`DAY` for midnight at the end of the day).
    pub(crate) fn end_of_day(self) -> u32 {
        if self.end > DAY {
            self.end - DAY
        } else {
            self.end
        }
    }
}

/// Seconds since midnight of a wall time, refusing fractions of a second (the calendar counts
/// whole seconds, and a silently truncated boundary would shift every result).
pub(crate) fn seconds_of(time: NaiveTime, field: &'static str) -> Result<u32, Error> {
    if time.nanosecond() != 0 {
        return Err(Error::new(
            ErrorKind::InvalidCalendar,
            "calendar times are whole seconds (no fractions, no leap seconds)",
        )
        .with_field(field)
        .with_value(time));
    }
    Ok(time.num_seconds_from_midnight())
}

/// The wall time of a number of seconds since midnight (`DAY` wraps to 00:00).
pub(crate) fn time_of(secs: u32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(secs % DAY, 0).unwrap_or(NaiveTime::MIN)
}

/// `HH:MM`, or `HH:MM:SS` when there are seconds; `DAY` prints as `24:00`.
pub(crate) fn format_time(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Open intervals per weekday (index 0 = Monday), each day's list sorted and merged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct WeeklyHours {
    days: [Vec<Shift>; 7],
}

impl WeeklyHours {
    /// Open around the clock, every day.
    pub(crate) fn always() -> WeeklyHours {
        let mut h = WeeklyHours::default();
        for day in 0..7 {
            h.add(day, Shift::new(0, DAY));
        }
        h
    }

    /// The intervals of a weekday (0 = Monday).
    pub(crate) fn day(&self, day: usize) -> &[Shift] {
        &self.days[day]
    }

    /// Adds an interval to a weekday, merging it with those it overlaps or touches, as long as
    /// the merged interval stays within 24 hours (longer ones could not be written back in the
    /// text form; they stay separate and the calendar counts their overlap once anyway).
    pub(crate) fn add(&mut self, day: usize, shift: Shift) {
        let list = &mut self.days[day];
        list.push(shift);
        list.sort_unstable();
        let mut merged: Vec<Shift> = Vec::with_capacity(list.len());
        for s in list.drain(..) {
            match merged.last_mut() {
                Some(last) if s.start <= last.end && s.end.max(last.end) - last.start <= DAY => {
                    last.end = last.end.max(s.end);
                }
                _ => merged.push(s),
            }
        }
        *list = merged;
    }

    /// Whether no interval is open on any day.
    pub(crate) fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    fn is_always(&self) -> bool {
        self.days
            .iter()
            .all(|d| d.as_slice() == [Shift { start: 0, end: DAY }])
    }

    /// Parses the text form; see [`BusinessCalendar::parse`](super::BusinessCalendar::parse).
    pub(crate) fn parse(text: &str) -> Result<WeeklyHours, Error> {
        // An empty `--hours ""` (an unset variable in a script) once meant "never open" and
        // printed 0 s durations: a calendar never open is said in words.
        if text.trim().is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidCalendar,
                "business hours are not blank: give intervals (\"Mon-Fri 09:00-17:00\"), \
                 \"24/7\", or \"closed\" for a calendar that is never open",
            )
            .with_record_type("calendar")
            .with_field("hours")
            .with_value(text));
        }
        Parser::new(text).parse()
    }
}

impl fmt::Display for WeeklyHours {
    /// The canonical text form: days with the same intervals are grouped (`Mon-Fri`,
    /// `Mon,Wed,Fri`), groups ordered by their first day; `24/7` and `closed` for the extremes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_always() {
            return f.write_str("24/7");
        }
        if self.is_empty() {
            return f.write_str("closed");
        }
        let mut done = [false; 7];
        let mut first_clause = true;
        for day in 0..7 {
            if done[day] || self.days[day].is_empty() {
                continue;
            }
            let same: Vec<usize> = (day..7)
                .filter(|&d| self.days[d] == self.days[day])
                .collect();
            for &d in &same {
                done[d] = true;
            }
            if !first_clause {
                f.write_str("; ")?;
            }
            first_clause = false;
            write_day_list(f, &same)?;
            f.write_str(" ")?;
            for (i, s) in self.days[day].iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write!(
                    f,
                    "{}-{}",
                    format_time(s.start),
                    format_time(s.end_of_day())
                )?;
            }
        }
        Ok(())
    }
}

/// `Mon-Wed,Fri`: runs of three or more consecutive days as ranges, the rest listed.
fn write_day_list(f: &mut fmt::Formatter<'_>, days: &[usize]) -> fmt::Result {
    let mut i = 0;
    let mut first = true;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        if !first {
            f.write_str(",")?;
        }
        first = false;
        match j - i {
            0 => f.write_str(DAY_NAMES[days[i]])?,
            1 => write!(f, "{},{}", DAY_NAMES[days[i]], DAY_NAMES[days[j]])?,
            _ => write!(f, "{}-{}", DAY_NAMES[days[i]], DAY_NAMES[days[j]])?,
        }
        i = j + 1;
    }
    Ok(())
}

/// A token of the text form and its 1-based character position.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    pos: usize,
}

fn is_punct(c: char) -> bool {
    // En and em dashes come in from word processors and chat; they mean the same as '-'.
    matches!(c, '-' | ',' | ';' | '\u{2013}' | '\u{2014}')
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut word_start: Option<(usize, usize)> = None;
    for (col, (byte, c)) in text.char_indices().enumerate() {
        if c.is_whitespace() || is_punct(c) {
            if let Some((b, p)) = word_start.take() {
                tokens.push(Token {
                    text: &text[b..byte],
                    pos: p,
                });
            }
            if is_punct(c) {
                tokens.push(Token {
                    text: &text[byte..byte + c.len_utf8()],
                    pos: col + 1,
                });
            }
        } else if word_start.is_none() {
            word_start = Some((byte, col + 1));
        }
    }
    if let Some((b, p)) = word_start {
        tokens.push(Token {
            text: &text[b..],
            pos: p,
        });
    }
    tokens
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    next: usize,
    end_pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            tokens: tokenize(text),
            next: 0,
            end_pos: text.chars().count() + 1,
        }
    }

    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.next).copied()
    }

    fn peek_is(&self, punct: &[&str]) -> bool {
        self.peek().is_some_and(|t| punct.contains(&t.text))
    }

    fn error(&self, expected: &str) -> Error {
        let (value, pos) = match self.peek() {
            Some(t) => (t.text, t.pos),
            None => ("end of input", self.end_pos),
        };
        Error::new(
            ErrorKind::InvalidCalendar,
            format!("expected {expected} at position {pos}"),
        )
        .with_field("hours")
        .with_value(value)
    }

    fn parse(mut self) -> Result<WeeklyHours, Error> {
        if let [only] = self.tokens.as_slice() {
            if only.text == "24/7" {
                return Ok(WeeklyHours::always());
            }
            if only.text.eq_ignore_ascii_case("closed") {
                return Ok(WeeklyHours::default());
            }
        }
        let mut hours = WeeklyHours::default();
        if self.tokens.is_empty() {
            return Ok(hours);
        }
        loop {
            let days = self.day_list()?;
            loop {
                let start = self.time(false)?;
                if !self.peek_is(&["-", "\u{2013}", "\u{2014}"]) {
                    return Err(self.error("'-' between the start and the end time"));
                }
                self.next += 1;
                let end = self.time(true)?;
                for (day, open) in days.iter().enumerate() {
                    if *open {
                        hours.add(day, Shift::new(start, end));
                    }
                }
                if !self.peek_is(&[","]) {
                    break;
                }
                self.next += 1;
            }
            match self.peek() {
                None => return Ok(hours),
                Some(t) if t.text == ";" => {
                    self.next += 1;
                    if self.peek().is_none() {
                        return Ok(hours);
                    }
                }
                Some(_) => {
                    return Err(
                        self.error("',' before another time range or ';' before the next weekdays")
                    );
                }
            }
        }
    }

    /// `Mon-Fri`, `Mon,Wed,Fri`, `Sat-Sun,Tue`; a range may wrap around the week (`Fri-Mon`).
    fn day_list(&mut self) -> Result<[bool; 7], Error> {
        let mut days = [false; 7];
        loop {
            let first = self.day()?;
            if self.peek_is(&["-", "\u{2013}", "\u{2014}"]) {
                self.next += 1;
                let last = self.day()?;
                let mut d = first;
                loop {
                    days[d] = true;
                    if d == last {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            } else {
                days[first] = true;
            }
            // A comma continues the day list only when a weekday follows; otherwise the list is
            // over and the time ranges start (`Mon,Tue 09:00-17:00`).
            if self.peek_is(&[","]) {
                self.next += 1;
            } else {
                return Ok(days);
            }
        }
    }

    fn day(&mut self) -> Result<usize, Error> {
        let expected = "a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)";
        let Some(tok) = self.peek() else {
            return Err(self.error(expected));
        };
        let found = (0..7).find(|&d| {
            tok.text.eq_ignore_ascii_case(DAY_NAMES[d])
                || tok.text.eq_ignore_ascii_case(DAY_LONG_NAMES[d])
        });
        match found {
            Some(d) => {
                self.next += 1;
                Ok(d)
            }
            None => Err(self.error(expected)),
        }
    }

    /// `H:MM`, `HH:MM` or `HH:MM:SS`; `24:00` only as an end.
    fn time(&mut self, is_end: bool) -> Result<u32, Error> {
        let expected = if is_end {
            "an end time HH:MM (00:00 to 24:00)"
        } else {
            "a start time HH:MM (00:00 to 23:59)"
        };
        let secs = self.peek().and_then(|t| parse_clock(t.text));
        match secs {
            Some(s) if s < DAY || (is_end && s == DAY) => {
                self.next += 1;
                Ok(s)
            }
            Some(_) => Err(self.error("a start time before 24:00 (24:00 is only an end)")),
            None => Err(self.error(expected)),
        }
    }
}

/// Seconds since midnight of `H:MM`, `HH:MM` or `HH:MM:SS`, up to and including `24:00`.
pub(crate) fn parse_clock(text: &str) -> Option<u32> {
    let mut parts = text.split(':');
    let h = parts.next()?;
    let m = parts.next()?;
    let s = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let num = |p: &str, max_len: usize| -> Option<u32> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let h = num(h, 2)?;
    let m = if m.len() == 2 {
        num(m, 2)?
    } else {
        return None;
    };
    let s = match s {
        Some(s) if s.len() == 2 => num(s, 2)?,
        Some(_) => return None,
        None => 0,
    };
    if m >= 60 || s >= 60 {
        return None;
    }
    let total = h * 3600 + m * 60 + s;
    (total <= DAY).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_forms() {
        assert_eq!(parse_clock("9:00"), Some(9 * 3600));
        assert_eq!(parse_clock("09:30:15"), Some(9 * 3600 + 30 * 60 + 15));
        assert_eq!(parse_clock("24:00"), Some(DAY));
        assert_eq!(parse_clock("24:01"), None);
        assert_eq!(parse_clock("9"), None);
        assert_eq!(parse_clock("09:5"), None);
        assert_eq!(parse_clock("09:60"), None);
        assert_eq!(parse_clock("+9:00"), None);
    }

    #[test]
    fn merges_within_a_day_only_up_to_24_hours() {
        let mut h = WeeklyHours::default();
        h.add(0, Shift::new(9 * 3600, 12 * 3600));
        h.add(0, Shift::new(11 * 3600, 13 * 3600));
        h.add(0, Shift::new(13 * 3600, 14 * 3600));
        assert_eq!(h.day(0), [Shift::new(9 * 3600, 14 * 3600)]);
        h.add(1, Shift::new(0, DAY));
        h.add(1, Shift::new(22 * 3600, 2 * 3600));
        assert_eq!(h.day(1).len(), 2);
    }

    #[test]
    fn display_groups_days() {
        let h = WeeklyHours::parse("mon,tue,wed,fri 09:00-17:00; Sun 22:00-02:00; Sat 9:00-12:00")
            .unwrap();
        assert_eq!(
            h.to_string(),
            "Mon-Wed,Fri 09:00-17:00; Sat 09:00-12:00; Sun 22:00-02:00"
        );
        let h = WeeklyHours::parse("Mon,Tue 08:00-24:00,00:00-00:00").unwrap();
        assert_eq!(h.to_string(), "Mon,Tue 00:00-24:00");
    }
}
