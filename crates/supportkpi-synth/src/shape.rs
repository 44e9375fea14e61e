//! The shape of the year: how busy each day and hour is, when support is open, and the two
//! events every support year has (a bad week and a churn wave).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use supportkpi::time::local_midnight;

/// Relative ticket arrivals per local hour on a weekday: a morning peak, a lunch dip, an
/// afternoon plateau, quiet nights (customers are businesses).
const WEEKDAY_HOURS: [f64; 24] = [
    0.12, 0.08, 0.06, 0.06, 0.08, 0.15, 0.35, 0.8, 1.6, 2.1, 2.2, 2.0, 1.4, 1.7, 2.0, 1.9, 1.6,
    1.1, 0.7, 0.5, 0.4, 0.3, 0.22, 0.16,
];
/// Weekends: a low, flat day.
const WEEKEND_HOURS: [f64; 24] = [
    0.1, 0.08, 0.06, 0.06, 0.06, 0.08, 0.12, 0.2, 0.3, 0.4, 0.45, 0.45, 0.4, 0.4, 0.4, 0.38, 0.35,
    0.3, 0.28, 0.25, 0.22, 0.18, 0.14, 0.12,
];

/// Support's opening hours, local: Monday to Friday 08:00-18:00.
pub(crate) const OPEN_HOUR: i64 = 8;
pub(crate) const CLOSE_HOUR: i64 = 18;

/// Volume of the spike week's days, relative to an ordinary day (a bad release on its Monday).
const SPIKE: [f64; 7] = [2.8, 2.3, 1.9, 1.6, 1.4, 1.3, 1.2];

/// The year's calendar, computed once.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    pub(crate) start: NaiveDate,
    pub(crate) days: u32,
    /// UTC seconds of each local midnight, from day `-PAD` to `days + PAD` (index + PAD).
    midnights: Vec<i64>,
    /// Relative arrivals per day (days 0..days).
    pub(crate) weights: Vec<f64>,
    /// First day of the spike week.
    pub(crate) spike_start: u32,
    /// First and last day of the churn wave.
    pub(crate) churn_wave: (u32, u32),
}

/// Days covered before and after the range, for work that spills past its end.
const PAD: i64 = 400;

impl Shape {
    pub(crate) fn new(start: NaiveDate, days: u32, zone: Tz) -> Shape {
        let midnights = (-PAD..i64::from(days) + PAD)
            .map(|d| local_midnight(zone, start + Duration::days(d)).timestamp())
            .collect();
        let d = f64::from(days.max(1));
        // The Monday nearest 40% through the range (any day when it is shorter than a week).
        let mut spike_start = (f64::from(days) * 0.4) as u32;
        if days >= 14 {
            while (start + Duration::days(i64::from(spike_start))).weekday() != Weekday::Mon {
                spike_start += 1;
            }
        }
        let wave_first = (f64::from(days) * 0.62) as u32;
        let churn_wave = (
            wave_first,
            (wave_first + days / 12).min(days.saturating_sub(1)),
        );
        let weights = (0..days)
            .map(|i| {
                let date = start + Duration::days(i64::from(i));
                // The customer base grows through the year.
                let growth = 1.0 + 0.35 * f64::from(i) / d;
                let weekday = [1.15, 1.1, 1.05, 1.0, 0.9, 0.32, 0.28]
                    [date.weekday().num_days_from_monday() as usize];
                let season = match (date.month(), date.day()) {
                    (12, 20..) | (1, ..=2) => 0.6,
                    (8, _) => 0.85,
                    _ => 1.0,
                };
                let spike = i
                    .checked_sub(spike_start)
                    .and_then(|k| SPIKE.get(k as usize))
                    .copied()
                    .unwrap_or(1.0);
                growth * weekday * season * spike
            })
            .collect();
        Shape {
            start,
            days,
            midnights,
            weights,
            spike_start,
            churn_wave,
        }
    }

    /// UTC seconds of day `d`'s local midnight (d relative to the start; may be negative).
    pub(crate) fn midnight(&self, d: i64) -> i64 {
        let i = (d + PAD).clamp(0, self.midnights.len() as i64 - 1) as usize;
        let extra = d + PAD - i as i64;
        self.midnights[i] + extra * 86_400
    }

    /// The instant the range ends (local midnight after its last day).
    pub(crate) fn end(&self) -> i64 {
        self.midnight(i64::from(self.days))
    }

    pub(crate) fn date(&self, d: i64) -> NaiveDate {
        self.start + Duration::days(d)
    }

    pub(crate) fn is_weekend(&self, d: i64) -> bool {
        self.date(d).weekday().num_days_from_monday() >= 5
    }

    pub(crate) fn in_spike(&self, d: i64) -> bool {
        (i64::from(self.spike_start)..i64::from(self.spike_start) + 7).contains(&d)
    }

    /// Relative arrivals per local hour of day `d`.
    pub(crate) fn hours(&self, d: i64) -> &'static [f64; 24] {
        if self.is_weekend(d) {
            &WEEKEND_HOURS
        } else {
            &WEEKDAY_HOURS
        }
    }

    /// The local day an instant falls on.
    pub(crate) fn day_of(&self, t: i64) -> i64 {
        let mut d = (t - self.midnight(0)).div_euclid(86_400);
        // A DST shift can put the estimate one day off near midnight.
        while t < self.midnight(d) {
            d -= 1;
        }
        while t >= self.midnight(d + 1) {
            d += 1;
        }
        d
    }

    /// Whether support is open at `t`.
    pub(crate) fn is_open(&self, t: i64) -> bool {
        let d = self.day_of(t);
        if self.is_weekend(d) {
            return false;
        }
        let local = t - self.midnight(d);
        (OPEN_HOUR * 3600..CLOSE_HOUR * 3600).contains(&local)
    }

    /// `t` when support is open then, else the next opening.
    pub(crate) fn next_open(&self, t: i64) -> i64 {
        if self.is_open(t) {
            return t;
        }
        let mut d = self.day_of(t);
        if t - self.midnight(d) >= OPEN_HOUR * 3600 {
            d += 1;
        }
        while self.is_weekend(d) {
            d += 1;
        }
        self.midnight(d) + OPEN_HOUR * 3600
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape {
        // 2023-01-02 is a Monday.
        Shape::new(
            NaiveDate::from_ymd_opt(2023, 1, 2).unwrap(),
            365,
            chrono_tz::UTC,
        )
    }

    #[test]
    fn opening_hours() {
        let s = shape();
        let monday = s.midnight(0);
        assert!(!s.is_open(monday + 7 * 3600));
        assert!(s.is_open(monday + 8 * 3600));
        assert!(!s.is_open(monday + 18 * 3600));
        assert_eq!(s.next_open(monday + 20 * 3600), s.midnight(1) + 8 * 3600);
        // Friday evening to Monday morning.
        assert_eq!(
            s.next_open(s.midnight(4) + 19 * 3600),
            s.midnight(7) + 8 * 3600
        );
        assert_eq!(s.day_of(s.midnight(3) + 5), 3);
        assert_eq!(s.day_of(s.midnight(3) - 5), 2);
    }

    #[test]
    fn the_spike_week_starts_on_a_monday_and_stands_out() {
        let s = shape();
        assert_eq!(s.date(i64::from(s.spike_start)).weekday(), Weekday::Mon);
        let i = s.spike_start as usize;
        assert!(s.weights[i] > 2.0 * s.weights[i - 7]);
    }
}
