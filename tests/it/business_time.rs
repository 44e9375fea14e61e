//! Business time (docs/definitions.md, "Time"): reference cases, DST, holidays and closures, the
//! text form, and the laws (additivity, bounds, monotonicity, inverse) checked against a naive
//! minute-by-minute reference on random calendars.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;
use supportkpi::model::Instant;
use supportkpi::time::local_to_instant;
use supportkpi::{BusinessCalendar, ErrorKind};

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> Instant {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// The instant a local wall time denotes (earlier one when ambiguous).
fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> Instant {
    local_to_instant(tz, date(y, m, d).and_time(hm(h, min)))
}

const H: i64 = 3_600;

#[test]
fn spec_reference_cases() {
    let cal = BusinessCalendar::parse("Mon-Fri 10:00-18:00", Tz::UTC).unwrap();
    let cases = [
        (utc(2021, 6, 28, 11, 0), utc(2021, 6, 28, 12, 0), 3_600),
        (utc(2021, 6, 28, 12, 0), utc(2021, 6, 28, 20, 0), 21_600),
        (utc(2021, 6, 28, 6, 0), utc(2021, 6, 29, 11, 0), 32_400),
        (utc(2021, 6, 25, 6, 0), utc(2021, 6, 26, 11, 0), 28_800),
        (utc(2021, 6, 28, 6, 0), utc(2021, 7, 1, 20, 0), 115_200),
    ];
    for (a, b, want) in cases {
        assert_eq!(cal.business_seconds(a, b), want, "{a} -> {b}");
        assert_eq!(cal.business_seconds(b, a), -want, "{b} -> {a}");
        assert_eq!(cal.business_duration(a, b), TimeDelta::seconds(want));
        assert_eq!(
            cal.add_business_seconds(a, want).map(|t| t <= b),
            Some(true)
        );
    }
}

#[test]
fn nothing_open_is_zero_not_one() {
    let cal = BusinessCalendar::parse("Mon-Fri 10:00-18:00", Tz::UTC).unwrap();
    let sat = utc(2021, 6, 26, 0, 0);
    assert_eq!(cal.business_seconds(sat, sat + TimeDelta::days(2)), 0);
    assert_eq!(cal.business_seconds(sat, sat), 0);
    let closing = utc(2021, 6, 28, 18, 0);
    assert_eq!(
        cal.business_seconds(closing, closing + TimeDelta::hours(16)),
        0
    );
}

#[test]
fn sub_second_parts_are_dropped() {
    let cal = BusinessCalendar::always_open(Tz::UTC);
    let a = utc(2021, 6, 28, 10, 0) + TimeDelta::milliseconds(900);
    let b = utc(2021, 6, 28, 10, 0) + TimeDelta::milliseconds(2_100);
    assert_eq!(cal.business_seconds(a, b), 2);
    assert_eq!(cal.add_business_seconds(a, 0), Some(a));
}

/// (zone, spring-forward Sunday, fall-back Sunday) in 2021.
fn dst_zones() -> [(Tz, NaiveDate, NaiveDate); 2] {
    [
        (
            chrono_tz::America::New_York,
            date(2021, 3, 14),
            date(2021, 11, 7),
        ),
        (
            chrono_tz::Europe::Berlin,
            date(2021, 3, 28),
            date(2021, 10, 31),
        ),
    ]
}

fn at_local(tz: Tz, d: NaiveDate, h: u32, min: u32) -> Instant {
    local_to_instant(tz, d.and_time(hm(h, min)))
}

/// From local midnight of `d` to local midnight of the next day.
fn local_day(tz: Tz, d: NaiveDate) -> (Instant, Instant) {
    (
        at_local(tz, d, 0, 0),
        at_local(tz, d + TimeDelta::days(1), 0, 0),
    )
}

#[test]
fn dst_shift_inside_an_open_interval_is_real_elapsed_time() {
    for (tz, spring, autumn) in dst_zones() {
        let cal = BusinessCalendar::parse("Sun 00:00-06:00", tz).unwrap();
        let (a, b) = local_day(tz, spring);
        assert_eq!(cal.business_seconds(a, b), 5 * H, "{tz} spring");
        let (a, b) = local_day(tz, autumn);
        assert_eq!(cal.business_seconds(a, b), 7 * H, "{tz} autumn");
        // Ordinary Sundays a week before and after.
        for d in [spring - TimeDelta::days(7), autumn + TimeDelta::days(7)] {
            let (a, b) = local_day(tz, d);
            assert_eq!(cal.business_seconds(a, b), 6 * H, "{tz} {d}");
        }
    }
}

#[test]
fn nine_to_five_on_a_dst_day_is_eight_hours() {
    for (tz, spring, autumn) in dst_zones() {
        let cal = BusinessCalendar::parse("Mon-Sun 09:00-17:00", tz).unwrap();
        for d in [spring, autumn] {
            let (a, b) = local_day(tz, d);
            assert_eq!(cal.business_seconds(a, b), 8 * H, "{tz} {d}");
            assert_eq!(
                cal.add_business_seconds(a, 8 * H),
                Some(at_local(tz, d, 17, 0))
            );
        }
    }
}

#[test]
fn spans_across_dst_transitions() {
    for (tz, spring, autumn) in dst_zones() {
        let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", tz).unwrap();
        // Friday noon before the change to Monday noon after it: 5 h + 3 h.
        for d in [spring, autumn] {
            let a = at_local(tz, d - TimeDelta::days(2), 12, 0);
            let b = at_local(tz, d + TimeDelta::days(1), 12, 0);
            assert_eq!(cal.business_seconds(a, b), 8 * H, "{tz} {d}");
            // 8 business hours from Friday noon lands on Monday noon.
            assert_eq!(cal.add_business_seconds(a, 8 * H), Some(b));
        }
        // Monday before spring to Monday after autumn: every weekday 8 h, whatever the offset.
        let first = spring - TimeDelta::days(6);
        let end = autumn + TimeDelta::days(1);
        let weekdays = first
            .iter_days()
            .take_while(|d| *d < end)
            .filter(|d| d.weekday().num_days_from_monday() < 5)
            .count() as i64;
        let (a, b) = (at_local(tz, first, 0, 0), at_local(tz, end, 0, 0));
        assert_eq!(cal.business_seconds(a, b), weekdays * 8 * H, "{tz}");
    }
}

#[test]
fn wall_time_in_a_gap_opens_at_the_gap_end() {
    // New York skips 02:00-03:00 on 2021-03-14: "02:30" never shows; open from 03:00 EDT.
    let tz = chrono_tz::America::New_York;
    let cal = BusinessCalendar::parse("Sun 02:30-05:00", tz).unwrap();
    let start = local_to_instant(tz, date(2021, 3, 14).and_time(hm(2, 30)));
    assert_eq!(start, utc(2021, 3, 14, 7, 0));
    assert!(!cal.is_open_at(start - TimeDelta::seconds(1)));
    assert!(cal.is_open_at(start));
    let day = (local(tz, 2021, 3, 14, 0, 0), local(tz, 2021, 3, 15, 0, 0));
    assert_eq!(cal.business_seconds(day.0, day.1), 2 * H);
    // Counting across the gap: 00:00-06:00 open, 3 h after midnight is 04:00 EDT.
    let cal = BusinessCalendar::parse("Sun 00:00-06:00", tz).unwrap();
    assert_eq!(
        cal.add_business_seconds(day.0, 3 * H),
        Some(utc(2021, 3, 14, 8, 0))
    );
    // And across the repeated hour in autumn: 3 h after midnight is 01:00 EST (06:00Z).
    let midnight = local(tz, 2021, 11, 7, 0, 0);
    assert_eq!(
        cal.add_business_seconds(midnight, 3 * H),
        Some(utc(2021, 11, 7, 7, 0))
    );
}

#[test]
fn bounds_inside_a_repeated_hour_apply_to_both_passes() {
    // New York repeats 01:00-02:00 on 2021-11-07 (05:00Z-06:00Z EDT, 06:00Z-07:00Z EST).
    let tz = chrono_tz::America::New_York;
    let cal = BusinessCalendar::parse("Sun 01:30-05:00", tz).unwrap();
    let (a, b) = local_day(tz, date(2021, 11, 7));
    assert_eq!(cal.business_seconds(a, b), 4 * H);
    assert!(cal.is_open_at(utc(2021, 11, 7, 5, 45)));
    assert!(!cal.is_open_at(utc(2021, 11, 7, 6, 15)));
    assert!(cal.is_open_at(utc(2021, 11, 7, 6, 30)));
}

#[test]
fn half_hour_dst_in_lord_howe() {
    // Lord Howe moves between +10:30 and +11:00: 02:00 becomes 02:30 on 2021-10-03.
    let tz = chrono_tz::Australia::Lord_Howe;
    let cal = BusinessCalendar::parse("Sun 00:00-06:00", tz).unwrap();
    let a = local(tz, 2021, 10, 3, 0, 0);
    let b = local(tz, 2021, 10, 4, 0, 0);
    assert_eq!(cal.business_seconds(a, b), 5 * H + 1_800);
    let a = local(tz, 2021, 4, 4, 0, 0);
    let b = local(tz, 2021, 4, 5, 0, 0);
    assert_eq!(cal.business_seconds(a, b), 6 * H + 1_800);
}

#[test]
fn holidays_close_whole_days() {
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", Tz::UTC)
        .unwrap()
        .with_holiday(date(2021, 6, 29));
    let mon = utc(2021, 6, 28, 0, 0);
    assert_eq!(
        cal.business_seconds(mon, mon + TimeDelta::days(7)),
        4 * 8 * H
    );
    assert_eq!(
        cal.business_seconds(utc(2021, 6, 29, 0, 0), utc(2021, 6, 30, 0, 0)),
        0
    );
    assert!(!cal.is_open_at(utc(2021, 6, 29, 12, 0)));
    // 8 business hours after Monday noon skip Tuesday: Wednesday 12:00.
    assert_eq!(
        cal.add_business_seconds(utc(2021, 6, 28, 12, 0), 8 * H),
        Some(utc(2021, 6, 30, 12, 0))
    );
    assert_eq!(cal.holidays().collect::<Vec<_>>(), [date(2021, 6, 29)]);
}

#[test]
fn holidays_are_local_dates() {
    // Berlin's 2021-12-24 runs from 23:00Z on the 23rd to 23:00Z on the 24th.
    let tz = chrono_tz::Europe::Berlin;
    let cal = BusinessCalendar::always_open(tz).with_holiday(date(2021, 12, 24));
    assert!(cal.is_open_at(utc(2021, 12, 23, 22, 59)));
    assert!(!cal.is_open_at(utc(2021, 12, 23, 23, 0)));
    assert!(cal.is_open_at(utc(2021, 12, 24, 23, 0)));
    assert_eq!(
        cal.business_seconds(utc(2021, 12, 23, 0, 0), utc(2021, 12, 26, 0, 0)),
        2 * 24 * H
    );
}

#[test]
fn partial_closures() {
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", Tz::UTC)
        .unwrap()
        .with_closure(date(2021, 12, 31), hm(12, 0), hm(0, 0))
        .unwrap()
        .with_closure(date(2021, 12, 30), hm(10, 0), hm(11, 30))
        .unwrap();
    let day = |d| local_day(Tz::UTC, date(2021, 12, d));
    let (a, b) = day(31);
    assert_eq!(cal.business_seconds(a, b), 3 * H);
    let (a, b) = day(30);
    assert_eq!(cal.business_seconds(a, b), 6 * H + 1_800);
    assert!(!cal.is_open_at(utc(2021, 12, 30, 10, 45)));
    assert_eq!(
        cal.closures().collect::<Vec<_>>(),
        [
            (date(2021, 12, 30), hm(10, 0), hm(11, 30)),
            (date(2021, 12, 31), hm(12, 0), hm(0, 0)),
        ]
    );
    // A closure overlapping a holiday removes nothing twice.
    let cal = cal.with_holiday(date(2021, 12, 31));
    let (a, b) = day(31);
    assert_eq!(cal.business_seconds(a, b), 0);
    assert_eq!(
        cal.business_seconds(utc(2021, 12, 27, 0, 0), utc(2022, 1, 1, 0, 0)),
        3 * 8 * H + 6 * H + 1_800
    );
}

#[test]
fn split_shifts() {
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-12:00,13:00-17:00", Tz::UTC).unwrap();
    let mon = utc(2021, 6, 28, 0, 0);
    assert_eq!(cal.business_seconds(mon, mon + TimeDelta::days(1)), 7 * H);
    assert!(!cal.is_open_at(utc(2021, 6, 28, 12, 30)));
    assert_eq!(
        cal.business_seconds(utc(2021, 6, 28, 11, 0), utc(2021, 6, 28, 14, 0)),
        2 * H
    );
    // Three business hours from 11:00: one before lunch, two after.
    assert_eq!(
        cal.add_business_seconds(utc(2021, 6, 28, 11, 0), 3 * H),
        Some(utc(2021, 6, 28, 15, 0))
    );
    assert_eq!(cal.weekly_open_seconds(), 5 * 7 * H);
}

#[test]
fn an_interval_crossing_midnight() {
    let cal = BusinessCalendar::parse("Fri 22:00-02:00", Tz::UTC).unwrap();
    let fri = utc(2021, 6, 25, 0, 0);
    assert_eq!(cal.business_seconds(fri, fri + TimeDelta::days(3)), 4 * H);
    assert!(cal.is_open_at(utc(2021, 6, 26, 1, 59)));
    assert!(!cal.is_open_at(utc(2021, 6, 26, 2, 0)));
    // Saturday alone gets the 00:00-02:00 part.
    assert_eq!(
        cal.business_seconds(utc(2021, 6, 26, 0, 0), utc(2021, 6, 27, 0, 0)),
        2 * H
    );
    // A holiday on the Saturday closes its part only (holidays are whole local dates).
    let cal = cal.with_holiday(date(2021, 6, 26));
    assert_eq!(cal.business_seconds(fri, fri + TimeDelta::days(3)), 2 * H);
    // Sunday night into Monday wraps around the week.
    let cal = BusinessCalendar::parse("Sun 23:00-01:00", Tz::UTC).unwrap();
    assert!(cal.is_open_at(utc(2021, 6, 28, 0, 30)));
    assert_eq!(
        cal.business_seconds(utc(2021, 6, 21, 0, 0), utc(2021, 7, 5, 0, 0)),
        2 * 2 * H
    );
}

#[test]
fn twenty_four_seven_is_calendar_time() {
    for tz in [
        Tz::UTC,
        chrono_tz::America::New_York,
        chrono_tz::Australia::Lord_Howe,
    ] {
        let cal = BusinessCalendar::parse("24/7", tz).unwrap();
        assert_eq!(cal, BusinessCalendar::always_open(tz));
        assert_eq!(
            cal,
            BusinessCalendar::parse("Mon-Sun 00:00-24:00", tz).unwrap()
        );
        let a = utc(2021, 1, 1, 0, 0);
        for b in [
            utc(2021, 3, 14, 12, 0),
            utc(2022, 1, 1, 0, 0),
            utc(2030, 5, 5, 5, 5),
        ] {
            assert_eq!(cal.business_seconds(a, b), (b - a).num_seconds(), "{tz}");
            assert_eq!(cal.add_business_seconds(a, (b - a).num_seconds()), Some(b));
        }
    }
}

#[test]
fn never_open_is_always_zero() {
    // A blank text is not a calendar never open but a missing one (issue #19).
    for blank in ["", "  "] {
        let err = BusinessCalendar::parse(blank, Tz::UTC).unwrap_err();
        assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidCalendar);
    }
    for cal in [
        BusinessCalendar::new(chrono_tz::Europe::Berlin),
        BusinessCalendar::parse("closed", chrono_tz::America::New_York).unwrap(),
        BusinessCalendar::parse("Closed", Tz::UTC).unwrap(),
    ] {
        let a = utc(1999, 1, 1, 0, 0);
        let b = utc(2031, 1, 1, 0, 0);
        assert_eq!(cal.business_seconds(a, b), 0);
        assert!(!cal.is_open_at(a));
        assert_eq!(cal.add_business_seconds(a, 1), None);
        assert_eq!(cal.add_business_seconds(a, -1), None);
        assert_eq!(cal.add_business_seconds(a, 0), Some(a));
        assert_eq!(cal.to_string(), "closed");
    }
    // Targets beyond chrono's range are None, not a panic.
    let cal = BusinessCalendar::parse("Mon 09:00-10:00", Tz::UTC).unwrap();
    for secs in [i64::MAX, i64::MIN, i64::MAX / 2, i64::MIN / 2] {
        assert_eq!(cal.add_business_seconds(utc(2021, 1, 1, 0, 0), secs), None);
    }
}

#[test]
fn a_year_with_holidays() {
    // 2021 has 261 weekdays; three holidays fall on weekdays, Christmas Day on a Saturday.
    let holidays = [
        date(2021, 1, 1),
        date(2021, 5, 24),
        date(2021, 12, 24),
        date(2021, 12, 25),
    ];
    for tz in [
        Tz::UTC,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
    ] {
        let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", tz)
            .unwrap()
            .with_holidays(holidays);
        let a = local(tz, 2021, 1, 1, 0, 0);
        let b = local(tz, 2022, 1, 1, 0, 0);
        assert_eq!(cal.business_seconds(a, b), 258 * 8 * H, "{tz}");
        assert_eq!(
            cal.add_business_seconds(a, 258 * 8 * H),
            Some(local(tz, 2021, 12, 31, 17, 0))
        );
        assert_eq!(
            cal.add_business_seconds(b, -258 * 8 * H),
            Some(local(tz, 2021, 1, 4, 9, 0))
        );
    }
}

#[test]
fn long_spans_cost_no_more_than_short_ones() {
    // A century: if a call walked days or weeks this would take a visible while in debug.
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::Europe::Berlin)
        .unwrap()
        .with_holidays((2000..2100).map(|y| date(y, 12, 25)));
    let a = utc(2000, 1, 1, 0, 0);
    let b = utc(2100, 1, 1, 0, 0);
    let _ = cal.business_seconds(a, a); // build the index once
    let t = std::time::Instant::now();
    let mut sum = 0;
    for i in 0..10_000 {
        sum += cal.business_seconds(a, b - TimeDelta::seconds(i));
    }
    let per_call = t.elapsed() / 10_000;
    assert!(sum > 0);
    println!("business_seconds over a century: {per_call:?} per call (debug)");
    assert!(
        per_call < std::time::Duration::from_millis(1),
        "{per_call:?}"
    );
}

#[test]
fn construction_cost() {
    // Pacific/Chatham is used by no other test, so the first use probes the zone.
    let tz = chrono_tz::Pacific::Chatham;
    let a = utc(2021, 1, 1, 0, 0);
    let t = std::time::Instant::now();
    let first = BusinessCalendar::parse("Mon-Fri 09:00-17:00", tz).unwrap();
    let _ = first.business_seconds(a, a);
    let with_probe = t.elapsed();
    let t = std::time::Instant::now();
    let second = BusinessCalendar::parse("Mon-Sat 08:00-20:00", tz)
        .unwrap()
        .with_holidays((2000..2030).map(|y| date(y, 1, 1)));
    let _ = second.business_seconds(a, a);
    let cached = t.elapsed();
    println!("first calendar in a new zone: {with_probe:?}; next calendar: {cached:?} (debug)");
}

#[test]
fn parse_errors_point_at_the_bad_token() {
    let cases = [
        (
            "Mon-Fry 09:00-17:00",
            "Fry",
            "expected a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun) at position 5",
        ),
        (
            "Mon-Fri 09:00",
            "end of input",
            "expected '-' between the start and the end time at position 14",
        ),
        (
            "Mon-Fri 9-17",
            "9",
            "expected a start time HH:MM (00:00 to 23:59) at position 9",
        ),
        (
            "Mon 09:60-10:00",
            "09:60",
            "expected a start time HH:MM (00:00 to 23:59) at position 5",
        ),
        (
            "Mon 09:00-24:30",
            "24:30",
            "expected an end time HH:MM (00:00 to 24:00) at position 11",
        ),
        (
            "Mon 24:00-02:00",
            "24:00",
            "expected a start time before 24:00 (24:00 is only an end) at position 5",
        ),
        (
            "Mon 09:00-17:00 Tue 09:00-12:00",
            "Tue",
            "expected ',' before another time range or ';' before the next weekdays at position 17",
        ),
        (
            "24/7; Sat 10:00-14:00",
            "24/7",
            "expected a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun) at position 1",
        ),
        (
            "Mon-Fri",
            "end of input",
            "expected a start time HH:MM (00:00 to 23:59) at position 8",
        ),
        (
            "Mon,,Tue 09:00-10:00",
            ",",
            "expected a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun) at position 5",
        ),
    ];
    for (text, value, rule) in cases {
        let err = BusinessCalendar::parse(text, Tz::UTC).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidCalendar, "{text}");
        assert_eq!(err.field(), Some("hours"), "{text}");
        assert_eq!(err.value(), Some(value), "{text}");
        assert_eq!(err.rule(), rule, "{text}");
    }
}

#[test]
fn fractional_seconds_in_code_are_refused() {
    let t = NaiveTime::from_hms_milli_opt(9, 0, 0, 500).unwrap();
    let err = BusinessCalendar::new(Tz::UTC)
        .with_hours(Weekday::Mon, t, hm(17, 0))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidCalendar);
    assert_eq!(err.field(), Some("hours"));
    let err = BusinessCalendar::new(Tz::UTC)
        .with_closure(date(2021, 1, 1), hm(9, 0), t)
        .unwrap_err();
    assert_eq!(err.field(), Some("closures"));
}

#[test]
fn text_form_round_trips() {
    for (text, canonical) in [
        (
            "Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-14:00",
            "Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-14:00",
        ),
        ("Mon,Wed,Fri 08:00-16:00", "Mon,Wed,Fri 08:00-16:00"),
        ("fri-mon 10:00-11:00", "Mon,Fri-Sun 10:00-11:00"),
        (
            "Monday 09:00-12:00, 11:00-13:00; Tuesday 09:00–17:00",
            "Mon 09:00-13:00; Tue 09:00-17:00",
        ),
        ("Fri 22:00-02:00;", "Fri 22:00-02:00"),
        ("Mon 08:00:30-24:00", "Mon 08:00:30-24:00"),
        ("Mon-Sun 00:00-00:00", "24/7"),
    ] {
        let cal = BusinessCalendar::parse(text, Tz::UTC).unwrap();
        assert_eq!(cal.to_string(), canonical, "{text}");
        assert_eq!(BusinessCalendar::parse(canonical, Tz::UTC).unwrap(), cal);
    }
}

#[test]
fn serde_round_trip_and_validation() {
    let cal = BusinessCalendar::parse(
        "Mon-Fri 09:00-17:00; Sat 10:00-14:00",
        chrono_tz::Europe::Berlin,
    )
    .unwrap()
    .with_holiday(date(2021, 12, 24))
    .with_closure(date(2021, 12, 31), hm(12, 0), hm(0, 0))
    .unwrap();
    let json = serde_json::to_value(&cal).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "timezone": "Europe/Berlin",
            "hours": "Mon-Fri 09:00-17:00; Sat 10:00-14:00",
            "holidays": ["2021-12-24"],
            "closures": [{"date": "2021-12-31", "from": "12:00", "to": "24:00"}],
        })
    );
    let back: BusinessCalendar = serde_json::from_value(json).unwrap();
    assert_eq!(back, cal);

    let bad = [
        (
            r#"{"timezone": "Mars/Olympus", "hours": "24/7"}"#,
            "time zone",
        ),
        (r#"{"timezone": "UTC", "hours": "Mon 9-17"}"#, "position 5"),
        (
            r#"{"timezone": "UTC", "hours": "24/7", "closures": [{"date": "2021-01-01", "from": "24:00", "to": "02:00"}]}"#,
            "closures",
        ),
        (
            r#"{"timezone": "UTC", "hours": "24/7", "holiday": []}"#,
            "unknown field",
        ),
        (
            r#"{"timezone": "UTC", "hours": "24/7", "holidays": ["2021-02-30"]}"#,
            "input",
        ),
    ];
    for (text, needle) in bad {
        let err = serde_json::from_str::<BusinessCalendar>(text).unwrap_err();
        assert!(err.to_string().contains(needle), "{text}: {err}");
    }
}

// ---- Laws and the naive reference ----------------------------------------------------------

/// A random calendar, described independently of the library so the reference can read it.
#[derive(Debug, Clone)]
struct Spec {
    tz: Tz,
    /// (weekday 0 = Monday, start minute, end minute 0..=1440; end <= start crosses midnight)
    shifts: Vec<(u32, u32, u32)>,
    holidays: Vec<NaiveDate>,
    /// (date, from minute, to minute), same convention as shifts
    closures: Vec<(NaiveDate, u32, u32)>,
    /// The date around which instants are drawn.
    anchor: NaiveDate,
}

fn minutes_time(m: u32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt(m % 1440 * 60, 0).unwrap()
}

/// Length in minutes of from-to with the calendar's convention: (0, 1440].
fn span_minutes(from: u32, to: u32) -> u32 {
    let len = (to + 1440 - from) % 1440;
    if len == 0 { 1440 } else { len }
}

impl Spec {
    fn calendar(&self) -> BusinessCalendar {
        let mut cal = BusinessCalendar::new(self.tz);
        for &(d, s, e) in &self.shifts {
            let day = Weekday::try_from(d as u8).unwrap();
            cal = cal
                .with_hours(day, minutes_time(s), minutes_time(e))
                .unwrap();
        }
        for &(d, f, t) in &self.closures {
            cal = cal
                .with_closure(d, minutes_time(f), minutes_time(t))
                .unwrap();
        }
        cal.with_holidays(self.holidays.iter().copied())
    }

    /// Whether the wall time `l` is open, read straight off the description.
    fn open_at_local(&self, l: NaiveDateTime) -> bool {
        let date = l.date();
        if self.holidays.contains(&date) {
            return false;
        }
        let day_start = |d: NaiveDate| d.and_time(NaiveTime::MIN);
        let in_interval = |d: NaiveDate, from: u32, to: u32| {
            let a = day_start(d) + TimeDelta::minutes(i64::from(from));
            let b = a + TimeDelta::minutes(i64::from(span_minutes(from, to)));
            a <= l && l < b
        };
        if self.closures.iter().any(|&(d, f, t)| in_interval(d, f, t)) {
            return false;
        }
        let yesterday = date.pred_opt().unwrap();
        self.shifts.iter().any(|&(wd, s, e)| {
            [date, yesterday]
                .into_iter()
                .any(|d| d.weekday().num_days_from_monday() == wd && in_interval(d, s, e))
        })
    }

    fn open_at(&self, t: Instant) -> bool {
        self.open_at_local(t.with_timezone(&self.tz).naive_local())
    }

    /// Open seconds in [a, b), walking minute by minute (a, b on whole minutes, a <= b).
    fn reference(&self, a: Instant, b: Instant) -> i64 {
        let mut t = a;
        let mut sum = 0;
        while t < b {
            if self.open_at(t) {
                sum += 60;
            }
            t += TimeDelta::minutes(1);
        }
        sum
    }

    fn instant(&self, minutes_from_anchor: i64) -> Instant {
        Utc.from_utc_datetime(&self.anchor.and_time(NaiveTime::MIN))
            + TimeDelta::minutes(minutes_from_anchor)
    }
}

/// Zones and dates their clocks changed on (where they have DST), so spans cross them often.
fn zones() -> Vec<(Tz, Vec<NaiveDate>)> {
    vec![
        (
            chrono_tz::America::New_York,
            vec![date(2021, 3, 14), date(2021, 11, 7)],
        ),
        (
            chrono_tz::Europe::Berlin,
            vec![date(2021, 3, 28), date(2021, 10, 31)],
        ),
        (
            chrono_tz::Australia::Lord_Howe,
            vec![date(2021, 4, 4), date(2021, 10, 3)],
        ),
        (
            chrono_tz::America::Sao_Paulo,
            vec![date(2018, 11, 4), date(2019, 2, 17)],
        ),
        (chrono_tz::Asia::Kolkata, vec![date(2021, 6, 1)]),
        (Tz::UTC, vec![date(2021, 6, 1)]),
    ]
}

prop_compose! {
    fn minute_of_day()(quarter in 0u32..96, odd in 0u32..4, m in 0u32..1440) -> u32 {
        // Mostly quarter hours, the way people write hours; sometimes any minute.
        if odd == 0 { m } else { quarter * 15 }
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    let zone = (0..zones().len(), any::<prop::sample::Index>()).prop_map(|(z, i)| {
        let (tz, anchors) = zones().swap_remove(z);
        (tz, *i.get(&anchors))
    });
    (
        zone,
        prop::collection::vec((0u32..7, minute_of_day(), minute_of_day()), 0..6),
        prop::collection::vec(-12i64..12, 0..4),
        prop::collection::vec((-12i64..12, minute_of_day(), minute_of_day()), 0..3),
    )
        .prop_map(|((tz, anchor), shifts, holidays, closures)| Spec {
            tz,
            shifts,
            holidays: holidays
                .into_iter()
                .map(|d| anchor + TimeDelta::days(d))
                .collect(),
            closures: closures
                .into_iter()
                .map(|(d, f, t)| (anchor + TimeDelta::days(d), f, t))
                .collect(),
            anchor,
        })
}

const TEN_DAYS_MIN: i64 = 10 * 24 * 60;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn equals_minute_by_minute_reference(
        spec in spec(),
        start in -5 * 24 * 60i64..5 * 24 * 60,
        len in 0..TEN_DAYS_MIN,
    ) {
        let cal = spec.calendar();
        let (a, b) = (spec.instant(start), spec.instant(start + len));
        let want = spec.reference(a, b);
        prop_assert_eq!(cal.business_seconds(a, b), want, "{} {}", cal, spec.tz);
        prop_assert_eq!(cal.business_seconds(b, a), -want);
        prop_assert_eq!(cal.is_open_at(a), spec.open_at(a));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn is_open_at_matches_the_description(spec in spec(), minutes in prop::collection::vec(-8 * 24 * 60i64..8 * 24 * 60, 1..40)) {
        let cal = spec.calendar();
        for m in minutes {
            let t = spec.instant(m);
            prop_assert_eq!(cal.is_open_at(t), spec.open_at(t), "{} at {}", cal, t);
        }
    }

    #[test]
    fn additive_bounded_monotone(
        spec in spec(),
        // Seconds, not minutes, and spans up to ~3 years: the laws hold at any scale.
        mut xs in prop::collection::vec(-100_000_000i64..100_000_000, 4),
    ) {
        let cal = spec.calendar();
        xs.sort_unstable();
        let at = |s: i64| spec.instant(0) + TimeDelta::seconds(s);
        let (a, b, c, d) = (at(xs[0]), at(xs[1]), at(xs[2]), at(xs[3]));
        let ab = cal.business_seconds(a, b);
        let bc = cal.business_seconds(b, c);
        prop_assert_eq!(cal.business_seconds(a, c), ab + bc);
        prop_assert!(0 <= ab && ab <= (b - a).num_seconds());
        prop_assert!(cal.business_seconds(a, c) <= cal.business_seconds(a, d));
        prop_assert_eq!(cal.business_seconds(c, a), -(ab + bc));
        prop_assert_eq!(cal.business_duration(a, c), TimeDelta::seconds(ab + bc));
    }

    #[test]
    fn add_business_seconds_inverts_business_seconds(
        spec in spec(),
        start in -10_000_000i64..10_000_000,
        secs in -2_000_000i64..2_000_000,
    ) {
        let cal = spec.calendar();
        let a = spec.instant(0) + TimeDelta::seconds(start);
        let one = TimeDelta::seconds(1);
        match cal.add_business_seconds(a, secs) {
            None => prop_assert!(cal.weekly_open_seconds() == 0 && secs != 0),
            Some(t) => {
                prop_assert_eq!(cal.business_seconds(a, t), secs);
                if secs > 0 {
                    // The earliest such instant.
                    prop_assert!(t > a);
                    prop_assert_eq!(cal.business_seconds(a, t - one), secs - 1);
                } else if secs < 0 {
                    // Counting back: the latest such instant.
                    prop_assert!(t < a);
                    prop_assert_eq!(cal.business_seconds(a, t + one), secs + 1);
                } else {
                    prop_assert_eq!(t, a);
                }
            }
        }
    }
}
