//! Backlog: the worked flow check of docs/definitions.md, hand-worked days (reopen, still open,
//! cancelled, merged, unsorted and tied events, midnight boundaries), ages, days to clear,
//! summary vs history, every error, and the laws as properties against a naive per-instant count.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use supportkpi::kpi::{
    Accumulator, Backlog, BacklogAccumulator, BacklogOptions, BacklogPeriod, BacklogResult, Kpi,
    TicketAccumulator, TicketKpi,
};
use supportkpi::model::{DeriveOptions, EventKind, Instant, StatusMap, TicketHistory};
use supportkpi::time::{Period, parse_zone};
use supportkpi::{ErrorKind, Ticket, TicketEvent};

/// 2021-06-`day` at `h:m` UTC (2021-06-28 is a Monday).
fn at(day: u32, h: u32, m: u32) -> Instant {
    Utc.with_ymd_and_hms(2021, 6, day, h, m, 0).unwrap()
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 6, day).unwrap()
}

fn created(id: &str, t: Instant) -> TicketEvent {
    TicketEvent::new(id, t, EventKind::Created)
}

fn to(id: &str, t: Instant, status: &str) -> TicketEvent {
    TicketEvent::new(
        id,
        t,
        EventKind::StatusChange {
            to: status.to_owned(),
        },
    )
}

fn merged(id: &str, t: Instant) -> TicketEvent {
    TicketEvent::new(id, t, EventKind::Merged { into: "X".into() })
}

fn history(id: &str, events: Vec<TicketEvent>) -> TicketHistory {
    TicketHistory::from_events(id, events, &StatusMap::canonical(), DeriveOptions::new()).unwrap()
}

/// (opening, created, reopened, resolved, cancelled, closing) of a period.
fn flow(p: &BacklogPeriod) -> (u64, u64, u64, u64, u64, u64) {
    (
        p.opening,
        p.created,
        p.reopened,
        p.resolved,
        p.cancelled,
        p.closing,
    )
}

fn assert_identity(r: &BacklogResult) {
    let mut previous = 0;
    for p in &r.periods {
        assert_eq!(p.opening, previous, "{}", p.period);
        assert_eq!(
            p.opening + p.created + p.reopened,
            p.closing + p.resolved + p.cancelled,
            "{}",
            p.period
        );
        assert_eq!(p.net_flow, p.created as i64 - p.resolved as i64);
        previous = p.closing;
    }
}

#[test]
fn spec_worked_check_120_340_25_360_20_105() {
    // June 28: 145 tickets created; 25 of them solved that day → 120 open at midnight.
    // June 29: 340 created; the 25 reopened and solved again; of the 120 carried over, 100
    // solved, 10 cancelled, 10 left open; of the 340 new, 235 solved, 5 cancelled, 5 merged,
    // 95 left open. Resolved 25 + 100 + 235 = 360, cancelled 10 + 5 + 5 = 20, open 10 + 95.
    let mut events = Vec::new();
    for i in 0..145 {
        let id = format!("old-{i}");
        events.push(created(&id, at(28, 9, 0)));
        match i {
            0..25 => {
                events.push(to(&id, at(28, 15, 0), "solved"));
                events.push(to(&id, at(29, 9, 0), "open"));
                events.push(to(&id, at(29, 16, 0), "solved"));
            }
            25..125 => events.push(to(&id, at(29, 12, 0), "closed")),
            125..135 => events.push(to(&id, at(29, 12, 0), "cancelled")),
            _ => {}
        }
    }
    for i in 0..340 {
        let id = format!("new-{i}");
        events.push(created(&id, at(29, 10, 0)));
        match i {
            0..235 => events.push(to(&id, at(29, 18, 30), "solved")),
            235..240 => events.push(to(&id, at(29, 11, 0), "cancelled")),
            240..245 => events.push(merged(&id, at(29, 23, 59))),
            _ => {}
        }
    }
    let histories =
        supportkpi::model::derive_histories(events, &StatusMap::canonical(), DeriveOptions::new())
            .unwrap();
    let r = Backlog::default().compute_histories(&histories).unwrap();
    assert_eq!(r.n, 485);
    assert_eq!(r.periods.len(), 2);
    assert_eq!(flow(&r.periods[0]), (0, 145, 0, 25, 0, 120));
    let day = &r.periods[1];
    assert_eq!(day.period.start, date(29));
    assert_eq!(flow(day), (120, 340, 25, 360, 20, 105));
    assert_eq!(120 + 340 + 25 - 360 - 20, 105);
    assert_eq!(day.net_flow, 340 - 360);
    // 385 resolutions in the 28 days before June 30: 105 / (385 / 28) = 7.636… days.
    assert_eq!(day.days_to_clear.value(), Some(105.0 / (385.0 / 28.0)));
    assert_identity(&r);
}

/// A solved at 15:00 and reopened the next day; B never resolved; C cancelled; D merged at
/// exactly midnight; E created at exactly midnight with unsorted and tied events; F solved at
/// its creation instant.
fn six_histories() -> Vec<TicketHistory> {
    vec![
        history(
            "A",
            vec![
                to("A", at(30, 12, 0), "solved"),
                created("A", at(28, 9, 0)),
                to("A", at(29, 10, 0), "open"),
                to("A", at(28, 15, 0), "solved"),
            ],
        ),
        history("B", vec![created("B", at(28, 12, 0))]),
        history(
            "C",
            vec![
                created("C", at(29, 8, 0)),
                to("C", at(29, 9, 0), "cancelled"),
            ],
        ),
        history(
            "D",
            vec![
                created("D", at(29, 11, 0)),
                merged("D", at(30, 0, 0)),
                to("D", at(30, 1, 0), "open"), // after the merge: ignored
            ],
        ),
        history(
            "E",
            vec![
                to("E", at(30, 8, 0), "solved"),
                to("E", at(30, 8, 0), "closed"), // tied with solved, listed after it
                to("E", at(30, 0, 0), "open"),   // tied with creation, which goes first
                created("E", at(30, 0, 0)),
            ],
        ),
        history(
            "F",
            vec![
                created("F", at(28, 10, 0)),
                to("F", at(28, 10, 0), "solved"),
            ],
        ),
    ]
}

#[test]
fn hand_worked_days_from_histories() {
    let histories = six_histories();
    let r = Backlog::default().compute_histories(&histories).unwrap();
    assert_eq!(r.n, 6);
    let days: Vec<NaiveDate> = r.periods.iter().map(|p| p.period.start).collect();
    assert_eq!(days, [date(28), date(29), date(30)]);
    // June 28: A, B, F created; A (15:00) and F (at creation) resolved; B open.
    assert_eq!(flow(&r.periods[0]), (0, 3, 0, 2, 0, 1));
    // June 29: C, D created; A reopened; C cancelled; B, A, D open at midnight (D's merge is
    // stamped at exactly midnight, so it belongs to June 30).
    assert_eq!(flow(&r.periods[1]), (1, 2, 1, 0, 1, 3));
    // June 30: E created (at midnight); A and E resolved; D merged; B still open.
    assert_eq!(flow(&r.periods[2]), (3, 1, 0, 2, 1, 1));
    assert_eq!(
        r.periods.iter().map(|p| p.net_flow).collect::<Vec<_>>(),
        [1, 2, -1]
    );
    assert_identity(&r);

    // Days to clear over 28 days: 2 resolved by the end of June 28 and 29 (1/14 a day), 4 by
    // the end of June 30 (1/7 a day).
    let dtc: Vec<Option<f64>> = r.periods.iter().map(|p| p.days_to_clear.value()).collect();
    assert_eq!(dtc, [Some(14.0), Some(42.0), Some(7.0)]);

    // The snapshot is the end of June 30: only B, 2 d 12 h old.
    let s = r.snapshot.unwrap();
    assert_eq!(
        (s.at, s.backlog, s.resolved_in_window),
        (at(30, 0, 0) + Duration::days(1), 1, 4)
    );
    let ages: Vec<u64> = s.ages.iter().map(|a| a.count).collect();
    assert_eq!(ages, [0, 1, 0, 0, 0]);
    assert_eq!(s.days_to_clear.value(), Some(7.0));
    assert_eq!(
        s.ages
            .iter()
            .map(|a| (a.min_seconds, a.max_seconds))
            .collect::<Vec<_>>(),
        [
            (0, Some(86_400)),
            (86_400, Some(259_200)),
            (259_200, Some(604_800)),
            (604_800, Some(2_592_000)),
            (2_592_000, None)
        ]
    );
}

#[test]
fn as_of_counts_events_at_that_instant() {
    let histories = six_histories();
    let midnight = at(30, 0, 0);
    let options = BacklogOptions::default().with_as_of(midnight);
    let r = Backlog::new(options)
        .unwrap()
        .compute_histories(&histories)
        .unwrap();
    // At June 30 00:00: A (reopened), B, and E (created at that instant); D merged at it.
    let s = r.snapshot.unwrap();
    assert_eq!((s.at, s.backlog), (midnight, 3));
    // A 39 h, B 36 h, E 0 h old.
    assert_eq!(
        s.ages.iter().map(|a| a.count).collect::<Vec<_>>(),
        [1, 2, 0, 0, 0]
    );
    // Resolutions in (t − 28 d, t]: A's first and F's.
    assert_eq!(s.resolved_in_window, 2);
    assert_eq!(s.days_to_clear.value(), Some(42.0));
    // The periods do not depend on as_of.
    assert_eq!(r.periods.len(), 3);

    let mut acc = Backlog::default().accumulator();
    for h in &histories {
        acc.push_history(h).unwrap();
    }
    assert_eq!(acc.backlog_at(midnight), 3);
    assert_eq!(acc.backlog_at(midnight - Duration::nanoseconds(1)), 3); // A, B, D
    assert_eq!(acc.backlog_at(at(28, 10, 0)), 1); // A; F resolved at its creation
    assert_eq!(acc.backlog_at(at(28, 8, 59)), 0);
}

#[test]
fn custom_age_bounds_and_window() {
    let options = BacklogOptions::default()
        .with_as_of(at(30, 0, 0))
        .with_age_bounds(vec![3_600, 37 * 3_600])
        .with_clear_window_days(1);
    let r = Backlog::new(options)
        .unwrap()
        .compute_histories(six_histories())
        .unwrap();
    let s = r.snapshot.unwrap();
    // E 0 h (< 1 h), B 36 h (1–37 h), A 39 h (≥ 37 h).
    assert_eq!(
        s.ages
            .iter()
            .map(|a| (a.min_seconds, a.max_seconds, a.count))
            .collect::<Vec<_>>(),
        [
            (0, Some(3_600), 1),
            (3_600, Some(133_200), 1),
            (133_200, None, 1)
        ]
    );
    // Nothing resolved in the day before June 30 00:00.
    assert_eq!(s.resolved_in_window, 0);
    assert_eq!(
        s.days_to_clear.undefined_reason(),
        Some("nothing resolved in the 1 days before")
    );
    // June 28 had 2 resolutions in its last day: 1 open / 2 a day.
    assert_eq!(r.periods[0].days_to_clear.value(), Some(0.5));
    assert!(!r.periods[1].days_to_clear.is_defined());
}

#[test]
fn summary_rows_approximate_the_histories() {
    let summaries: Vec<Ticket> = six_histories()
        .into_iter()
        .map(TicketHistory::into_ticket)
        .collect();
    let r = Backlog::default().compute(&summaries).unwrap();
    // A is open from creation to its latest resolution (no reopen known); C and D, cancelled
    // without a resolution, enter and leave at their creation.
    assert_eq!(flow(&r.periods[0]), (0, 3, 0, 1, 0, 2));
    assert_eq!(flow(&r.periods[1]), (2, 2, 0, 0, 2, 2));
    assert_eq!(flow(&r.periods[2]), (2, 1, 0, 2, 0, 1));
    assert_identity(&r);

    // A summary row still open counts from creation on; a cancelled one with a resolution
    // instant leaves at it.
    let cancelled_after_resolution = Ticket::builder("G", at(28, 9, 0))
        .resolved_at(at(28, 11, 0))
        .status(supportkpi::model::Status::Cancelled)
        .build()
        .unwrap();
    let r = Backlog::default()
        .compute([cancelled_after_resolution])
        .unwrap();
    assert_eq!(flow(&r.periods[0]), (0, 1, 0, 1, 0, 0));
}

#[test]
fn range_carries_the_earlier_backlog_in() {
    let options = BacklogOptions::default().with_range(date(29), date(29));
    let r = Backlog::new(options)
        .unwrap()
        .compute_histories(six_histories())
        .unwrap();
    assert_eq!(r.periods.len(), 1);
    assert_eq!(flow(&r.periods[0]), (1, 2, 1, 0, 1, 3));
    assert_eq!(r.snapshot.unwrap().backlog, 3);

    // A range past the data: empty periods carry the backlog on.
    let options = BacklogOptions::default()
        .with_range(date(30), NaiveDate::from_ymd_opt(2021, 7, 2).unwrap());
    let r = Backlog::new(options)
        .unwrap()
        .compute_histories(six_histories())
        .unwrap();
    assert_eq!(
        r.periods.iter().map(flow).collect::<Vec<_>>(),
        [(3, 1, 0, 2, 1, 1), (1, 0, 0, 0, 0, 1), (1, 0, 0, 0, 0, 1)]
    );
}

#[test]
fn periods_in_another_zone() {
    // Created 2021-06-28T23:30Z (June 29 01:30 in Berlin), solved 2021-06-29T21:30Z (23:30).
    let t = Ticket::builder("Z", at(28, 23, 30))
        .resolved_at(at(29, 21, 30))
        .build()
        .unwrap();
    let utc = Backlog::default().compute([&t]).unwrap();
    assert_eq!(
        utc.periods.iter().map(flow).collect::<Vec<_>>(),
        [(0, 1, 0, 0, 0, 1), (1, 0, 0, 1, 0, 0)]
    );
    let berlin =
        Backlog::new(BacklogOptions::default().with_zone(parse_zone("Europe/Berlin").unwrap()))
            .unwrap()
            .compute([&t])
            .unwrap();
    assert_eq!(berlin.periods.len(), 1);
    assert_eq!(berlin.periods[0].period.start, date(29));
    assert_eq!(berlin.periods[0].end, at(29, 22, 0));
    assert_eq!(flow(&berlin.periods[0]), (0, 1, 0, 1, 0, 0));

    let weekly = Backlog::new(BacklogOptions::default().with_period(Period::Week))
        .unwrap()
        .compute_histories(six_histories())
        .unwrap();
    assert_eq!(weekly.periods.len(), 1);
    assert_eq!(flow(&weekly.periods[0]), (0, 6, 1, 4, 2, 1));
}

#[test]
fn empty_input() {
    let r = Backlog::default().compute(Vec::<Ticket>::new()).unwrap();
    assert_eq!((r.n, r.periods.len(), r.snapshot), (0, 0, None));
    let r = Backlog::new(BacklogOptions::default().with_as_of(at(28, 0, 0)))
        .unwrap()
        .compute(Vec::<Ticket>::new())
        .unwrap();
    let s = r.snapshot.unwrap();
    assert_eq!(s.backlog, 0);
    assert!(!s.days_to_clear.is_defined());
}

#[test]
fn every_error() {
    let invalid = |o: BacklogOptions, field: &str| {
        let e = Backlog::new(o).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidOption, Some(field))
        );
    };
    let d = BacklogOptions::default;
    invalid(d().with_age_bounds(vec![0]), "age_bounds");
    invalid(d().with_age_bounds(vec![-5]), "age_bounds");
    invalid(d().with_age_bounds(vec![86_400, 86_400]), "age_bounds");
    invalid(d().with_age_bounds(vec![86_400, 3_600]), "age_bounds");
    invalid(d().with_clear_window_days(0), "clear_window_days");
    invalid(d().with_range(date(29), date(28)), "range");
    assert!(Backlog::new(d().with_age_bounds(Vec::new())).is_ok());

    let mut a = Backlog::default().accumulator();
    let b = Backlog::new(d().with_clear_window_days(7))
        .unwrap()
        .accumulator();
    assert_eq!(a.merge(b).unwrap_err().kind(), ErrorKind::IncompatibleMerge);
}

#[test]
fn state_round_trips_and_is_validated() {
    let mut acc = Backlog::default().accumulator();
    for h in six_histories() {
        acc.push_history(&h).unwrap();
    }
    let json = serde_json::to_string(&acc).unwrap();
    let back: BacklogAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back, acc);
    assert_eq!(back.finish(), acc.clone().finish());

    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let reject = |edit: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut v = value.clone();
        edit(&mut v);
        let err = serde_json::from_value::<BacklogAccumulator>(v).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    };
    reject(&|v| v["n"] = 7.into(), "7 tickets stated, 6");
    reject(
        &|v| v["stays"][0]["from"] = "2021-06-27T00:00:00Z".into(),
        "begins at its ticket's creation",
    );
    reject(
        &|v| v["stays"][1]["reentry"] = false.into(),
        "begins at its ticket's creation",
    );
    reject(
        &|v| v["stays"][0]["to"][0] = "2021-06-28T08:00:00Z".into(),
        "ends at or after its beginning",
    );
    reject(&|v| v["options"]["clear_window_days"] = 0.into(), "window");
    reject(&|v| v["extra"] = 1.into(), "unknown field");
}

// ---------------------------------------------------------------- properties

/// One random ticket: creation minute, then (minutes after the previous step, status) steps;
/// status 6 is a merge. Odd tickets give their events in reverse order (the derivation sorts).
type Plan = (i64, Vec<(i64, usize)>);

const STATUSES: [&str; 6] = ["new", "open", "pending", "solved", "closed", "cancelled"];

fn plans() -> impl Strategy<Value = Vec<Plan>> {
    prop::collection::vec(
        (
            // Whole hours often, so that events land on period boundaries (midnight in UTC,
            // 22:00 or 23:00 UTC for Berlin) and on each other.
            prop_oneof![(0i64..144).prop_map(|h| h * 60), 0i64..(6 * 1440)],
            prop::collection::vec(
                (
                    prop_oneof![Just(0i64), (1i64..48).prop_map(|h| h * 60), 0i64..2000],
                    0usize..7,
                ),
                0..6,
            ),
        ),
        0..25,
    )
}

fn realize(plans: &[Plan]) -> Vec<TicketHistory> {
    let base = at(28, 0, 0);
    plans
        .iter()
        .enumerate()
        .map(|(i, (start, steps))| {
            let id = format!("T{i}");
            let mut t = base + Duration::minutes(*start);
            let mut events = vec![created(&id, t)];
            for &(gap, s) in steps {
                t += Duration::minutes(gap);
                events.push(if s == 6 {
                    merged(&id, t)
                } else {
                    to(&id, t, STATUSES[s])
                });
            }
            if i % 2 == 1 {
                // Reverse only across distinct instants: ties keep their input order.
                events.sort_by_key(|e| std::cmp::Reverse(e.at));
            }
            history(&id, events)
        })
        .collect()
}

fn naive(histories: &[TicketHistory], t: Instant) -> u64 {
    histories.iter().filter(|h| h.is_open_at(t)).count() as u64
}

fn options_strategy() -> impl Strategy<Value = BacklogOptions> {
    (0usize..3, any::<bool>()).prop_map(|(p, berlin)| {
        let period = [Period::Day, Period::Week, Period::Month][p];
        let zone = if berlin {
            parse_zone("Europe/Berlin").unwrap()
        } else {
            parse_zone("UTC").unwrap()
        };
        BacklogOptions::default()
            .with_period(period)
            .with_zone(zone)
    })
}

fn accumulate(options: &BacklogOptions, histories: &[TicketHistory]) -> BacklogAccumulator {
    let mut acc = Backlog::new(options.clone()).unwrap().accumulator();
    for h in histories {
        acc.push_history(h).unwrap();
    }
    acc
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn sweep_equals_naive_count_and_flows_balance(
        plans in plans(),
        options in options_strategy(),
        probes in prop::collection::vec(
            prop_oneof![(0i64..288).prop_map(|h| h * 3600), 0i64..(12 * 1440 * 60)],
            8,
        ),
    ) {
        let histories = realize(&plans);
        let acc = accumulate(&options, &histories);
        let r = acc.clone().finish();
        let mut previous = 0;
        for p in &r.periods {
            let closing = naive(&histories, p.end - Duration::nanoseconds(1));
            prop_assert_eq!(p.closing, closing);
            prop_assert_eq!(p.opening, previous);
            prop_assert!(p.opening + p.created + p.reopened >= p.resolved + p.cancelled);
            prop_assert_eq!(
                p.opening + p.created + p.reopened - p.resolved - p.cancelled,
                p.closing
            );
            previous = p.closing;
        }
        if let Some(last) = r.periods.last() {
            prop_assert_eq!(last.closing, naive(&histories, last.end - Duration::nanoseconds(1)));
        }
        for s in probes {
            let t = at(28, 0, 0) + Duration::seconds(s);
            let want = naive(&histories, t);
            prop_assert_eq!(acc.backlog_at(t), want);
            let snap = Backlog::new(options.clone().with_as_of(t))
                .unwrap()
                .compute_histories(&histories)
                .unwrap()
                .snapshot
                .unwrap();
            prop_assert_eq!(snap.backlog, want);
            prop_assert_eq!(snap.ages.iter().map(|a| a.count).sum::<u64>(), want);
        }
        // The summary path balances too.
        let summaries = Backlog::new(options.clone()).unwrap()
            .compute(histories.iter().map(|h| h.ticket()))
            .unwrap();
        assert_identity(&summaries);
        prop_assert_eq!(summaries.n, histories.len() as u64);
    }

    #[test]
    fn merge_laws(plans in plans(), options in options_strategy()) {
        let histories = realize(&plans);
        let one_shot = accumulate(&options, &histories).finish();
        for split in 0..=histories.len() {
            let mut left = accumulate(&options, &histories[..split]);
            left.merge(accumulate(&options, &histories[split..])).unwrap();
            prop_assert_eq!(&left.finish(), &one_shot);
            let mut right = accumulate(&options, &histories[split..]);
            right.merge(accumulate(&options, &histories[..split])).unwrap();
            prop_assert_eq!(&right.finish(), &one_shot);
        }
        let third = histories.len() / 3;
        let (a, rest) = histories.split_at(third);
        let (b, c) = rest.split_at(rest.len() / 2);
        let mut ab = accumulate(&options, a);
        ab.merge(accumulate(&options, b)).unwrap();
        ab.merge(accumulate(&options, c)).unwrap();
        let mut bc = accumulate(&options, b);
        bc.merge(accumulate(&options, c)).unwrap();
        let mut a_bc = accumulate(&options, a);
        a_bc.merge(bc).unwrap();
        prop_assert_eq!(ab.finish(), a_bc.finish());

        let acc = accumulate(&options, &histories);
        let json = serde_json::to_string(&acc).unwrap();
        let back: BacklogAccumulator = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.finish(), one_shot);
    }
}

/// Backlog::compute_table over a table of several partitions equals compute over the tickets.
#[test]
fn compute_table_equals_compute_over_the_tickets() {
    use supportkpi::columnar::TicketTable;
    use supportkpi::model::Status;
    let t0 = Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap();
    let tickets: Vec<Ticket> = (0..150_000u64)
        .map(|i| {
            let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let created = t0 + Duration::seconds((h % (200 * 86_400)) as i64);
            let b = Ticket::builder(format!("T-{i}"), created);
            match i % 4 {
                0 => b.build(),
                1 => b
                    .resolved_at(created + Duration::seconds(((h >> 20) % 900_000) as i64))
                    .build(),
                2 => b.status(Status::Cancelled).build(),
                _ => b
                    .first_resolved_at(created + Duration::hours(1))
                    .resolved_at(created + Duration::days(3))
                    .reopens(1)
                    .build(),
            }
            .unwrap()
        })
        .collect();
    let table = TicketTable::from_tickets(&tickets).unwrap();
    for kpi in [
        Backlog::default(),
        Backlog::new(
            BacklogOptions::default().with_bucketer(supportkpi::time::Bucketer::new(
                Period::Day,
                parse_zone("Europe/Berlin").unwrap(),
            )),
        )
        .unwrap(),
    ] {
        assert_eq!(kpi.compute_table(&table), kpi.compute(&tickets).unwrap());
    }
}
