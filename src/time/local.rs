//! Local dates of many instants in one zone, fast: the hot path of every bucketing KPI.
//!
//! Converting an instant through chrono-tz costs a search of the zone's transitions and a
//! calendar conversion per call; a report does it several times per record. Records come
//! mostly in time order, so consecutive instants almost always share the UTC offset and the
//! local date of the one before. [`LocalDates`] keeps the stretch of UTC seconds over which
//! the offset is constant (from the zone's transition table) and the last local day it
//! computed; [`CachedBucketer`] adds the last period key on top. Both give exactly what
//! [`Bucketer::local_date`] and [`Bucketer::key`] give (tested against them below).

use super::period::{Bucketer, PeriodKey};
use super::transitions::{self, RANGE_END, RANGE_START, ZoneTable};
use crate::model::Instant;
use chrono::{Datelike, NaiveDate, Timelike};
use chrono_tz::Tz;
use std::sync::Arc;

const DAY: i64 = 86_400;
/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

/// The local date of instants in one zone, with the current offset stretch and day cached.
#[derive(Debug, Clone)]
pub(crate) struct LocalDates {
    tz: Tz,
    /// Loaded on first use: a zone's table is probed once per process, then shared.
    table: Option<Arc<ZoneTable>>,
    /// `[from, to)` UTC seconds over which the offset is `offset`.
    stretch: (i64, i64, i64),
    /// `[from, to)` UTC seconds of the local day `date`.
    day: (i64, i64, NaiveDate),
}

impl LocalDates {
    pub(crate) fn new(tz: Tz) -> Self {
        LocalDates {
            tz,
            table: None,
            // Empty ranges: the first lookup fills them.
            stretch: (0, 0, 0),
            day: (0, 0, NaiveDate::MIN),
        }
    }

    /// The UTC offset (local minus UTC, seconds) at UTC second `s`.
    fn offset(&mut self, s: i64) -> Option<i64> {
        let (from, to, offset) = self.stretch;
        if from <= s && s < to {
            return Some(offset);
        }
        // Outside the table's range the zone's history (local mean time before 1900) is not
        // in the table: leave those instants to chrono-tz.
        if !(RANGE_START..RANGE_END).contains(&s) {
            return None;
        }
        let tz = self.tz;
        let table = self.table.get_or_insert_with(|| transitions::table(tz));
        let p = table.at.partition_point(|&t| t <= s);
        let from = if p == 0 { RANGE_START } else { table.at[p - 1] };
        let to = table.at.get(p).copied().unwrap_or(RANGE_END);
        let offset = table.offsets[p];
        self.stretch = (from, to, offset);
        Some(offset)
    }

    /// The local date of `t`: `Bucketer::local_date`, without chrono-tz on the common path.
    pub(crate) fn date(&mut self, t: Instant) -> NaiveDate {
        self.date_of_second(t.timestamp())
    }

    /// The local date of UTC second `s` (and of every instant within it).
    pub(crate) fn date_of_second(&mut self, s: i64) -> NaiveDate {
        let tz = self.tz;
        let chrono_tz = |s: i64| {
            chrono::DateTime::from_timestamp(s, 0)
                .map_or(NaiveDate::MIN, |t| t.with_timezone(&tz).date_naive())
        };
        let (from, to, date) = self.day;
        if from <= s && s < to {
            return date;
        }
        let Some(offset) = self.offset(s) else {
            return chrono_tz(s);
        };
        let days = (s + offset).div_euclid(DAY);
        let Some(date) = i32::try_from(days + UNIX_EPOCH_FROM_CE)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
        else {
            return chrono_tz(s);
        };
        // The day under this offset, cut to the stretch where the offset holds.
        let (s_from, s_to, _) = self.stretch;
        let day_from = (days * DAY - offset).max(s_from);
        let day_to = ((days + 1) * DAY - offset).min(s_to);
        self.day = (day_from, day_to, date);
        date
    }
}

impl LocalDates {
    /// The local weekday (0 = Monday) and hour of `t`, for weekday × hour heatmaps.
    pub(crate) fn weekday_hour(&mut self, t: Instant) -> (usize, usize) {
        let s = t.timestamp();
        let date = self.date(t);
        match self.offset(s) {
            Some(offset) => (
                date.weekday().num_days_from_monday() as usize,
                ((s + offset).rem_euclid(DAY) / 3_600) as usize,
            ),
            None => {
                let local = t.with_timezone(&self.tz);
                (
                    local.weekday().num_days_from_monday() as usize,
                    local.hour() as usize,
                )
            }
        }
    }
}

/// A [`Bucketer`] that remembers the last local day and period it found.
#[derive(Debug, Clone)]
pub(crate) struct CachedBucketer {
    bucketer: Bucketer,
    dates: LocalDates,
    last: Option<(NaiveDate, PeriodKey)>,
}

impl CachedBucketer {
    pub(crate) fn new(bucketer: Bucketer) -> Self {
        CachedBucketer {
            bucketer,
            dates: LocalDates::new(bucketer.zone()),
            last: None,
        }
    }

    /// `Bucketer::local_date`.
    #[cfg(test)]
    pub(crate) fn local_date(&mut self, t: Instant) -> NaiveDate {
        self.dates.date(t)
    }

    /// `Bucketer::key`.
    pub(crate) fn key(&mut self, t: Instant) -> PeriodKey {
        let date = self.dates.date(t);
        self.key_of_local_date(date)
    }

    /// The key of the instant at whole UTC second `s` (the period of an instant does not
    /// depend on its fraction of a second: offsets change on whole seconds).
    pub(crate) fn key_of_second(&mut self, s: i64) -> PeriodKey {
        let date = self.dates.date_of_second(s);
        self.key_of_local_date(date)
    }

    fn key_of_local_date(&mut self, date: NaiveDate) -> PeriodKey {
        match self.last {
            Some((d, k)) if d == date => k,
            _ => {
                let k = self.bucketer.key_of_date(date);
                self.last = Some((date, k));
                k
            }
        }
    }
}

/// The period of instants given in UTC nanoseconds, with the spans of the periods met so far
/// kept: an instant in one of them costs a comparison with the last one found or a binary
/// search, no local date (the columnar paths' bucketing, several instants per ticket).
///
/// A span is a period cut to a stretch of constant UTC offset: within one, local time runs
/// with UTC, so the instants of a period are one interval. Across a fall-back over midnight
/// (St. John's until 2010) they are not — the repeated hour after the first midnight belongs to
/// the day before — and a whole period's `[start, end)` would misplace them.
#[derive(Debug, Clone)]
pub(crate) struct PeriodSpans {
    bucketer: Bucketer,
    dates: LocalDates,
    /// `[start, end)` in UTC nanoseconds and the period, sorted and disjoint.
    known: Vec<(i64, i64, PeriodKey)>,
    /// The index in `known` of the last one found.
    last: usize,
}

impl PeriodSpans {
    pub(crate) fn new(bucketer: Bucketer) -> Self {
        PeriodSpans {
            bucketer,
            dates: LocalDates::new(bucketer.zone()),
            known: Vec::new(),
            last: 0,
        }
    }

    /// [`PeriodSpans::key`] of `ns` with the span `[start, end)` (UTC nanoseconds) that holds
    /// it, when one is kept: every instant of that span has the same key.
    pub(crate) fn span(&mut self, ns: i64) -> (PeriodKey, Option<(i64, i64)>) {
        let key = self.key(ns);
        let span = self
            .known
            .get(self.last)
            .filter(|&&(start, end, k)| start <= ns && ns < end && k == key)
            .map(|&(start, end, _)| (start, end));
        (key, span)
    }

    /// `Bucketer::key` of the instant `ns` nanoseconds after 1970.
    pub(crate) fn key(&mut self, ns: i64) -> PeriodKey {
        if let Some(&(start, end, key)) = self.known.get(self.last)
            && start <= ns
            && ns < end
        {
            return key;
        }
        let i = self.known.partition_point(|s| s.1 <= ns);
        if let Some(&(start, _, key)) = self.known.get(i)
            && start <= ns
        {
            self.last = i;
            return key;
        }
        let key = self
            .bucketer
            .key(chrono::DateTime::from_timestamp_nanos(ns));
        let second = ns.div_euclid(1_000_000_000);
        // Outside the zone table's range (local mean time) nothing is kept.
        if let Some(offset) = self.dates.offset(second) {
            let (s_from, s_to, _) = self.dates.stretch;
            let days = |d: NaiveDate| i64::from(d.num_days_from_ce()) - UNIX_EPOCH_FROM_CE;
            let from = (days(key.start) * DAY - offset).max(s_from);
            let to = (days(key.end()) * DAY - offset).min(s_to);
            let (from, to) = (
                from.saturating_mul(1_000_000_000),
                to.saturating_mul(1_000_000_000),
            );
            if from <= ns && ns < to {
                self.known.insert(i, (from, to, key));
                self.last = i;
            }
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// St. John's fell back from 00:01 to 23:01 until 2010: the instants of the repeated hour
    /// after the first midnight of 2006-10-29 are local Oct 28.
    #[test]
    fn period_spans_follow_a_fall_back_across_midnight() {
        let tz: Tz = "America/St_Johns".parse().unwrap();
        let b = Bucketer::new(super::super::Period::Day, tz);
        let ns = |t: Instant| t.timestamp_nanos_opt().unwrap();
        let mut spans = PeriodSpans::new(b);
        let t0 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2006, 10, 28, 12, 0, 0).unwrap();
        for step in 0..(36 * 60) {
            let t = t0 + chrono::Duration::seconds(step * 61);
            assert_eq!(spans.key(ns(t)), b.key(t), "{t}");
        }
        assert!(spans.known.len() < 10, "{}", spans.known.len());
    }
    use crate::time::Period;
    use chrono::{DateTime, TimeZone, Utc};

    #[test]
    fn same_as_chrono_tz_around_every_transition() {
        // Every second around each offset change of a year, in zones with DST at night, at
        // midnight (Sao Paulo skipped 00:00 until 2019) and with half-hour offsets.
        for tz in [
            chrono_tz::UTC,
            chrono_tz::Europe::Berlin,
            chrono_tz::America::New_York,
            chrono_tz::America::Sao_Paulo,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Asia::Kolkata,
        ] {
            let table = transitions::table(tz);
            let from = Utc
                .with_ymd_and_hms(2017, 1, 1, 0, 0, 0)
                .unwrap()
                .timestamp();
            let to = Utc
                .with_ymd_and_hms(2019, 1, 1, 0, 0, 0)
                .unwrap()
                .timestamp();
            let mut probes: Vec<i64> = table
                .at
                .iter()
                .filter(|&&t| from <= t && t < to)
                .flat_map(|&t| (t - 2 * DAY..t + 2 * DAY).step_by(599).chain(t - 3..t + 3))
                .collect();
            // And ordinary days, forwards and backwards (the cache must also miss correctly).
            probes.extend((from..to).step_by(3_607));
            probes.extend((from..to).rev().step_by(7_919));
            let ts: Vec<Instant> = probes
                .into_iter()
                .map(|s| DateTime::from_timestamp(s, 0).unwrap())
                .collect();
            for period in [Period::Day, Period::Week, Period::Month, Period::Year] {
                let b = Bucketer::new(period, tz);
                let mut cached = CachedBucketer::new(b);
                let mut dates = LocalDates::new(tz);
                for &t in &ts {
                    let local = t.with_timezone(&tz);
                    assert_eq!(
                        dates.weekday_hour(t),
                        (
                            local.weekday().num_days_from_monday() as usize,
                            local.hour() as usize
                        ),
                        "{tz} {t}"
                    );
                    assert_eq!(cached.local_date(t), b.local_date(t), "{tz} {t}");
                    assert_eq!(cached.key(t), b.key(t), "{tz} {period} {t}");
                    assert_eq!(cached.key_of_second(t.timestamp()), b.key(t), "{tz} {t}");
                }
            }
        }
    }

    #[test]
    fn outside_the_table_falls_back_to_chrono_tz() {
        let tz = chrono_tz::Europe::Berlin;
        let ts = [
            Utc.with_ymd_and_hms(1850, 6, 1, 23, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2150, 6, 30, 22, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(1899, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(2021, 6, 30, 22, 30, 0).unwrap(),
        ];
        let b = Bucketer::new(Period::Month, tz);
        let mut cached = CachedBucketer::new(b);
        for t in ts {
            assert_eq!(cached.local_date(t), b.local_date(t), "{t}");
            assert_eq!(cached.key(t), b.key(t), "{t}");
        }
    }
}
