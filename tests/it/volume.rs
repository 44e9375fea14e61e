//! Volume: hand-worked periods, dimensions, changes, moving average, daily trend, a spike day,
//! the heatmap in a non-UTC zone, histories vs summary rows, every error, state validation,
//! and the laws (dimensions add up, merges, agreement with the backlog flow) as properties.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use supportkpi::kpi::{
    Accumulator, Backlog, BacklogOptions, Kpi, TicketAccumulator, TicketKpi, Volume,
    VolumeAccumulator, VolumeCounts, VolumeOptions, VolumeResult,
};
use supportkpi::model::{DeriveOptions, EventKind, Instant, StatusMap, TicketHistory};
use supportkpi::stats::trend::SpikeOptions;
use supportkpi::time::{Period, parse_zone};
use supportkpi::{ErrorKind, Ticket, TicketEvent};

fn at(month: u32, day: u32, h: u32, m: u32) -> Instant {
    Utc.with_ymd_and_hms(2021, month, day, h, m, 0).unwrap()
}

fn june(day: u32, h: u32) -> Instant {
    at(6, day, h, 0)
}

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, month, day).unwrap()
}

fn counts(created: u64, resolved: u64, reopened: u64, cancelled: u64) -> VolumeCounts {
    VolumeCounts {
        created,
        resolved,
        reopened,
        cancelled,
    }
}

fn ticket(id: &str, created: Instant, channel: Option<&str>) -> Ticket {
    let b = Ticket::builder(id, created);
    match channel {
        Some(c) => b.channel(c).build().unwrap(),
        None => b.build().unwrap(),
    }
}

/// 06-28: two email, one chat; 06-29: nothing; 06-30: three chat, and the first email ticket
/// resolved; 07-01: one ticket without a channel.
fn four_days() -> Vec<Ticket> {
    vec![
        Ticket::builder("e1", june(28, 9))
            .channel("email")
            .resolved_at(june(30, 12))
            .build()
            .unwrap(),
        ticket("e2", june(28, 10), Some("email")),
        ticket("c1", june(28, 11), Some("chat")),
        ticket("c2", june(30, 8), Some("chat")),
        ticket("c3", june(30, 9), Some("chat")),
        ticket("c4", june(30, 23), Some("chat")),
        ticket("n1", at(7, 1, 0, 0), None),
    ]
}

#[test]
fn periods_dimensions_changes_and_moving_average() {
    let options = VolumeOptions::default()
        .with_dimension("channel")
        .with_moving_average_window(2);
    let r = Volume::new(options).unwrap().compute(four_days()).unwrap();
    assert_eq!(r.n, 7);
    assert_eq!(r.totals, counts(7, 1, 0, 0));
    assert_eq!(r.dimension.as_deref(), Some("channel"));
    let days: Vec<NaiveDate> = r.periods.iter().map(|p| p.period.start).collect();
    assert_eq!(days, [date(6, 28), date(6, 29), date(6, 30), date(7, 1)]);
    let created: Vec<u64> = r.periods.iter().map(|p| p.counts.created).collect();
    assert_eq!(created, [3, 0, 3, 1]);
    assert_eq!(r.periods[2].counts, counts(3, 1, 0, 0));
    assert_eq!(
        (r.periods[1].start, r.periods[1].end),
        (june(29, 0), june(30, 0))
    );

    // Changes of created: none for the first period; −3 (−100 %); +3 (% undefined: from 0);
    // −2 (−66.7 %).
    let c = &r.periods;
    assert_eq!(
        c[0].created_change.undefined_reason(),
        Some("no previous period")
    );
    let ch = c[1].created_change.as_value().unwrap();
    assert_eq!((ch.absolute, ch.percent.value()), (-3.0, Some(-100.0)));
    let ch = c[2].created_change.as_value().unwrap();
    assert_eq!(
        (ch.absolute, ch.percent.undefined_reason()),
        (3.0, Some("previous period is 0"))
    );
    let ch = c[3].created_change.as_value().unwrap();
    assert_eq!(
        (ch.absolute, ch.percent.value()),
        (-2.0, Some(-200.0 / 3.0))
    );
    let ch = c[2].resolved_change.as_value().unwrap();
    assert_eq!(ch.absolute, 1.0);
    assert_eq!(c[3].reopened_change.as_value().unwrap().absolute, 0.0);

    // Moving average over 2 periods: undefined, (3+0)/2, (0+3)/2, (3+1)/2.
    let ma: Vec<Option<f64>> = c.iter().map(|p| p.created_moving_average.value()).collect();
    assert_eq!(ma, [None, Some(1.5), Some(1.5), Some(2.0)]);

    // Every value seen anywhere, in each period, `None` first.
    let dims = |i: usize| -> Vec<(Option<&str>, VolumeCounts)> {
        c[i].by_dimension
            .iter()
            .map(|d| (d.value.as_deref(), d.counts))
            .collect()
    };
    assert_eq!(
        dims(0),
        [
            (None, counts(0, 0, 0, 0)),
            (Some("chat"), counts(1, 0, 0, 0)),
            (Some("email"), counts(2, 0, 0, 0))
        ]
    );
    assert_eq!(
        dims(2),
        [
            (None, counts(0, 0, 0, 0)),
            (Some("chat"), counts(3, 0, 0, 0)),
            (Some("email"), counts(0, 1, 0, 0))
        ]
    );
    assert_eq!(dims(3)[0], (None, counts(1, 0, 0, 0)));

    // Daily created 3, 0, 3, 1: x̄ 1.5, ȳ 1.75, Sxy −1.5, Sxx 5 → slope −0.3, intercept 2.2.
    let fit = r.daily_trend.as_value().unwrap();
    assert!((fit.slope + 0.3).abs() < 1e-12, "{fit:?}");
    assert!((fit.intercept - 2.2).abs() < 1e-12, "{fit:?}");
    assert_eq!(fit.n, 4);
    assert!(r.spike_days.is_empty());

    // Without a dimension, no per-value rows.
    let plain = Volume::default().compute(four_days()).unwrap();
    assert!(plain.periods.iter().all(|p| p.by_dimension.is_empty()));
    assert_eq!(plain.totals, r.totals);
}

#[test]
fn the_trend_is_per_day_whatever_the_period() {
    // Created per day 1, 2, 3, 5 from June 28 to July 1: slope 6.5 / 5 = 1.3, intercept
    // 2.75 − 1.3 × 1.5 = 0.8.
    let mut tickets = Vec::new();
    for (i, (month, day, n)) in [(6, 28, 1), (6, 29, 2), (6, 30, 3), (7, 1, 5)]
        .into_iter()
        .enumerate()
    {
        for k in 0..n {
            tickets.push(ticket(&format!("{i}-{k}"), at(month, day, 12, k), None));
        }
    }
    let monthly = Volume::new(VolumeOptions::default().with_period(Period::Month))
        .unwrap()
        .compute(&tickets)
        .unwrap();
    let created: Vec<(String, u64)> = monthly
        .periods
        .iter()
        .map(|p| (p.period.to_string(), p.counts.created))
        .collect();
    assert_eq!(created, [("2021-06".into(), 6), ("2021-07".into(), 5)]);
    let fit = monthly.daily_trend.as_value().unwrap();
    assert!((fit.slope - 1.3).abs() < 1e-12, "{fit:?}");
    assert!((fit.intercept - 0.8).abs() < 1e-12, "{fit:?}");
    assert_eq!(
        monthly.periods[1]
            .created_change
            .as_value()
            .unwrap()
            .percent
            .value(),
        Some(100.0 * (5.0 - 6.0) / 6.0)
    );
    // The default window of 7 periods is never full here.
    assert!(
        monthly
            .periods
            .iter()
            .all(|p| !p.created_moving_average.is_defined())
    );

    // One day: no trend.
    let one = Volume::default().compute(&tickets[..1]).unwrap();
    assert_eq!(
        one.daily_trend.undefined_reason(),
        Some("a trend needs at least two periods")
    );
}

#[test]
fn a_spike_day() {
    // Daily created 10, 12, 11, 9, 10, 20 from June 25; window 5 before June 30:
    // median 10, MAD 1 → z = 0.6745 × 10 = 6.745.
    let mut tickets = Vec::new();
    for (d, n) in [(25, 10), (26, 12), (27, 11), (28, 9), (29, 10), (30, 20)] {
        for k in 0..n {
            tickets.push(ticket(&format!("{d}-{k}"), at(6, d, 8, k), None));
        }
    }
    let options = VolumeOptions::default().with_spikes(SpikeOptions {
        window: 5,
        threshold: 3.5,
    });
    let r = Volume::new(options).unwrap().compute(&tickets).unwrap();
    assert_eq!(r.spike_days.len(), 1);
    let s = &r.spike_days[0];
    assert_eq!((s.date, s.created, s.median), (date(6, 30), 20, 10.0));
    assert!((s.z - 6.745).abs() < 1e-12, "{s:?}");
    // The default 28-day window has no baseline yet.
    assert!(
        Volume::default()
            .compute(&tickets)
            .unwrap()
            .spike_days
            .is_empty()
    );
}

#[test]
fn heatmap_in_the_report_zone() {
    let t = ticket("z", at(6, 28, 23, 30), None); // Monday 23:30 UTC
    let utc = Volume::default().compute([&t]).unwrap();
    assert_eq!(utc.heatmap[0][23], 1);
    let berlin =
        Volume::new(VolumeOptions::default().with_zone(parse_zone("Europe/Berlin").unwrap()))
            .unwrap()
            .compute([&t])
            .unwrap();
    // Tuesday 01:30 in Berlin (CEST), and on June 29 there.
    assert_eq!(berlin.heatmap[1][1], 1);
    assert_eq!(berlin.heatmap.iter().flatten().sum::<u64>(), 1);
    assert_eq!(berlin.periods[0].period.start, date(6, 29));

    let ny =
        Volume::new(VolumeOptions::default().with_zone(parse_zone("America/New_York").unwrap()))
            .unwrap()
            .compute([&t])
            .unwrap();
    assert_eq!(ny.heatmap[0][19], 1); // Monday 19:30 EDT
}

fn history(id: &str, events: Vec<TicketEvent>) -> TicketHistory {
    TicketHistory::from_events(id, events, &StatusMap::canonical(), DeriveOptions::new()).unwrap()
}

fn status(id: &str, t: Instant, to: &str) -> TicketEvent {
    TicketEvent::new(id, t, EventKind::StatusChange { to: to.into() })
}

fn histories() -> Vec<TicketHistory> {
    vec![
        // Solved, reopened the next day, solved again (events unsorted).
        history(
            "A",
            vec![
                status("A", june(30, 12), "solved"),
                status("A", june(29, 10), "open"),
                TicketEvent::new("A", june(28, 9), EventKind::Created),
                status("A", june(28, 15), "solved"),
            ],
        ),
        // Reopened and still open.
        history(
            "B",
            vec![
                TicketEvent::new("B", june(28, 12), EventKind::Created),
                status("B", june(28, 13), "solved"),
                status("B", june(28, 13), "closed"), // tied: not a second resolution
                status("B", june(29, 9), "open"),
            ],
        ),
        history(
            "C",
            vec![
                TicketEvent::new("C", june(29, 8), EventKind::Created),
                status("C", june(29, 9), "cancelled"),
            ],
        ),
        history(
            "D",
            vec![
                TicketEvent::new("D", june(29, 11), EventKind::Created),
                TicketEvent::new("D", june(30, 0), EventKind::Merged { into: "A".into() }),
            ],
        ),
    ]
}

#[test]
fn histories_count_every_event_summaries_what_they_can() {
    let r = Volume::default().compute_histories(histories()).unwrap();
    let by_day: Vec<VolumeCounts> = r.periods.iter().map(|p| p.counts).collect();
    assert_eq!(
        by_day,
        [
            counts(2, 2, 0, 0), // A, B created; A and B solved
            counts(2, 0, 2, 1), // C, D created; A, B reopened; C cancelled
            counts(0, 1, 0, 1), // A solved again; D merged at midnight
        ]
    );
    assert_eq!(r.totals, counts(4, 3, 2, 2));

    // Summary rows: A resolved once (its latest), no reopens anywhere, B unresolved (it ends
    // open), C and D cancelled at creation (the instant they left is unknown).
    let summaries: Vec<Ticket> = histories()
        .into_iter()
        .map(TicketHistory::into_ticket)
        .collect();
    let r = Volume::default().compute(&summaries).unwrap();
    let by_day: Vec<VolumeCounts> = r.periods.iter().map(|p| p.counts).collect();
    assert_eq!(
        by_day,
        [counts(2, 0, 0, 0), counts(2, 0, 0, 2), counts(0, 1, 0, 0)]
    );
    // A summary with a first and a latest resolution counts only the latest.
    let reopened = Ticket::builder("R", june(28, 9))
        .first_resolved_at(june(28, 10))
        .resolved_at(june(29, 10))
        .reopens(1)
        .build()
        .unwrap();
    let r = Volume::default().compute([&reopened]).unwrap();
    assert_eq!(r.totals, counts(1, 1, 0, 0));
    assert_eq!(r.periods[1].counts.resolved, 1);
}

#[test]
fn every_error() {
    let invalid = |o: VolumeOptions, field: &str| {
        let e = Volume::new(o).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidOption, Some(field))
        );
    };
    let d = VolumeOptions::default;
    invalid(d().with_moving_average_window(0), "moving_average_window");
    invalid(d().with_dimension(" "), "dimension");
    invalid(
        d().with_spikes(SpikeOptions {
            window: 0,
            threshold: 3.5,
        }),
        "window",
    );
    for threshold in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        invalid(
            d().with_spikes(SpikeOptions {
                window: 7,
                threshold,
            }),
            "threshold",
        );
    }

    let mut a = Volume::default().accumulator();
    let b = Volume::new(d().with_dimension("channel"))
        .unwrap()
        .accumulator();
    assert_eq!(a.merge(b).unwrap_err().kind(), ErrorKind::IncompatibleMerge);
}

#[test]
fn state_round_trips_and_is_validated() {
    let mut acc = Volume::new(VolumeOptions::default().with_dimension("channel"))
        .unwrap()
        .accumulator();
    for t in four_days() {
        acc.push(&t).unwrap();
    }
    let json = serde_json::to_string(&acc).unwrap();
    let back: VolumeAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back, acc);

    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let reject = |edit: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut v = value.clone();
        edit(&mut v);
        let err = serde_json::from_value::<VolumeAccumulator>(v).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    };
    reject(
        &|v| v["heatmap"][0][0] = 5.into(),
        "the heatmap holds 12 tickets but 7 were created",
    );
    reject(
        &|v| {
            let first = v["days"][0].clone();
            v["days"].as_array_mut().unwrap().push(first);
        },
        "two entries for one date and value",
    );
    reject(
        &|v| v["options"]["dimension"] = serde_json::Value::Null,
        "a dimension value without a dimension",
    );
    reject(
        &|v| {
            v["days"][0]["counts"] = serde_json::json!({
                "created": 0, "resolved": 0, "reopened": 0, "cancelled": 0
            })
        },
        "an empty entry",
    );
    reject(
        &|v| v["options"]["moving_average_window"] = 0.into(),
        "window",
    );
    reject(&|v| v["extra"] = 1.into(), "unknown field");
}

// ---------------------------------------------------------------- properties

const STATUSES: [&str; 6] = ["new", "open", "pending", "solved", "closed", "cancelled"];
const CHANNELS: [Option<&str>; 3] = [None, Some("email"), Some("chat")];

/// A random ticket as a history: creation hour, channel (assigned at creation, read through the
/// `assignee` dimension) and (gap in hours, status) steps, 6 = merged.
type Plan = (i64, usize, Vec<(i64, usize)>);

fn plans() -> impl Strategy<Value = Vec<Plan>> {
    prop::collection::vec(
        (
            0i64..(24 * 20),
            0usize..3,
            prop::collection::vec((0i64..60, 0usize..7), 0..5),
        ),
        0..25,
    )
}

fn realize(plans: &[Plan]) -> Vec<TicketHistory> {
    plans
        .iter()
        .enumerate()
        .map(|(i, (start, channel, steps))| {
            let id = format!("T{i}");
            let mut t = june(1, 0) + Duration::hours(*start);
            let mut events = vec![TicketEvent::new(id.as_str(), t, EventKind::Created)];
            if let Some(c) = CHANNELS[*channel] {
                events.push(TicketEvent::new(
                    id.as_str(),
                    t,
                    EventKind::Assigned { to: c.into() },
                ));
            }
            for &(gap, s) in steps {
                t += Duration::hours(gap);
                events.push(if s == 6 {
                    TicketEvent::new(id.as_str(), t, EventKind::Merged { into: "X".into() })
                } else {
                    status(&id, t, STATUSES[s])
                });
            }
            history(&id, events)
        })
        .collect()
}

fn options_strategy() -> impl Strategy<Value = VolumeOptions> {
    (0usize..3, any::<bool>(), any::<bool>()).prop_map(|(p, berlin, by)| {
        let zone = parse_zone(if berlin { "Europe/Berlin" } else { "UTC" }).unwrap();
        let o = VolumeOptions::default()
            .with_period([Period::Day, Period::Week, Period::Month][p])
            .with_zone(zone)
            .with_moving_average_window(3)
            .with_spikes(SpikeOptions {
                window: 5,
                threshold: 3.5,
            });
        if by { o.with_dimension("assignee") } else { o }
    })
}

fn accumulate(o: &VolumeOptions, hs: &[TicketHistory]) -> VolumeAccumulator {
    let mut acc = Volume::new(o.clone()).unwrap().accumulator();
    for h in hs {
        acc.push_history(h).unwrap();
    }
    acc
}

fn sum(r: &VolumeResult) -> VolumeCounts {
    let mut total = counts(0, 0, 0, 0);
    for p in &r.periods {
        total.created += p.counts.created;
        total.resolved += p.counts.resolved;
        total.reopened += p.counts.reopened;
        total.cancelled += p.counts.cancelled;
    }
    total
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn dimensions_add_up_and_agree_with_the_backlog(plans in plans(), o in options_strategy()) {
        let hs = realize(&plans);
        let r = accumulate(&o, &hs).finish();
        prop_assert_eq!(r.n, hs.len() as u64);
        prop_assert_eq!(sum(&r), r.totals);
        prop_assert_eq!(r.heatmap.iter().flatten().sum::<u64>(), r.totals.created);
        prop_assert_eq!(
            r.totals.resolved,
            hs.iter().map(|h| h.resolutions().len() as u64).sum::<u64>()
        );
        prop_assert_eq!(r.totals.reopened, hs.iter().map(|h| u64::from(h.reopens())).sum::<u64>());
        for w in r.periods.windows(2) {
            prop_assert_eq!(w[0].period.next(), w[1].period);
        }
        for p in &r.periods {
            if o.dimension.is_some() {
                let mut by = counts(0, 0, 0, 0);
                for d in &p.by_dimension {
                    by.created += d.counts.created;
                    by.resolved += d.counts.resolved;
                    by.reopened += d.counts.reopened;
                    by.cancelled += d.counts.cancelled;
                }
                prop_assert_eq!(by, p.counts);
            }
        }
        // Same periods as the backlog: identical created and cancelled; volume's resolutions
        // and reopens include the rare ones that do not move the backlog (cancelled → solved,
        // and returns from cancelled are backlog re-entries but not reopens).
        let b = Backlog::new(BacklogOptions::default().with_period(o.period).with_zone(o.zone))
            .unwrap()
            .compute_histories(&hs)
            .unwrap();
        // A return from cancelled is a backlog event only, so the backlog may span more periods.
        let volume: std::collections::BTreeMap<_, _> =
            r.periods.iter().map(|p| (p.period, p.counts)).collect();
        for b in &b.periods {
            let v = volume.get(&b.period).copied().unwrap_or_default();
            prop_assert_eq!(v.created, b.created);
            prop_assert_eq!(v.cancelled, b.cancelled);
            prop_assert!(v.resolved >= b.resolved);
            prop_assert!(v.reopened <= b.reopened);
        }
    }

    #[test]
    fn merge_laws(plans in plans(), o in options_strategy()) {
        let hs = realize(&plans);
        let one_shot = accumulate(&o, &hs);
        for split in 0..=hs.len() {
            let mut left = accumulate(&o, &hs[..split]);
            left.merge(accumulate(&o, &hs[split..])).unwrap();
            prop_assert_eq!(&left, &one_shot);
            let mut right = accumulate(&o, &hs[split..]);
            right.merge(accumulate(&o, &hs[..split])).unwrap();
            prop_assert_eq!(&right, &one_shot);
        }
        let (a, rest) = hs.split_at(hs.len() / 3);
        let (b, c) = rest.split_at(rest.len() / 2);
        let mut ab_c = accumulate(&o, a);
        ab_c.merge(accumulate(&o, b)).unwrap();
        ab_c.merge(accumulate(&o, c)).unwrap();
        let mut bc = accumulate(&o, b);
        bc.merge(accumulate(&o, c)).unwrap();
        let mut a_bc = accumulate(&o, a);
        a_bc.merge(bc).unwrap();
        prop_assert_eq!(&ab_c, &a_bc);
        prop_assert_eq!(ab_c.finish(), one_shot.clone().finish());

        let json = serde_json::to_string(&one_shot).unwrap();
        let back: VolumeAccumulator = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, one_shot);
    }
}

/// Status changes of one instant, in the input's order: the walk knows which closed each stay
/// (the instant does not — a resolution at that instant may have closed another stay, or none).
#[test]
fn stays_closed_in_one_instant_keep_what_closed_them() {
    let t = june(1, 0);
    let one = |statuses: &[&str]| {
        let mut events = vec![TicketEvent::new("T0", t, EventKind::Created)];
        events.extend(statuses.iter().map(|s| status("T0", t, s)));
        history("T0", events)
    };
    let o = VolumeOptions::default().with_period(Period::Day);
    let backlog = Backlog::new(BacklogOptions::default().with_period(Period::Day)).unwrap();
    // (statuses, volume created/resolved/reopened/cancelled, backlog reopened/resolved/cancelled)
    let cases: [(&[&str], VolumeCounts, [u64; 3]); 3] = [
        // Solved (a resolution closes the first stay), reopened (a second stay), cancelled
        // (closes it): the cancellation was counted as a second resolution.
        (
            &["solved", "new", "cancelled"],
            counts(1, 1, 1, 1),
            [1, 1, 1],
        ),
        // Cancelled (closes the first stay), back to new (a re-entry, not a reopen), solved.
        (
            &["cancelled", "new", "solved"],
            counts(1, 1, 0, 1),
            [1, 1, 1],
        ),
        // Cancelled, then solved: a resolution that closes no stay; the stay was cancelled.
        (&["cancelled", "solved"], counts(1, 1, 0, 1), [0, 0, 1]),
    ];
    for (statuses, volume, [reopened, resolved, cancelled]) in cases {
        let h = one(statuses);
        let r = accumulate(&o, std::slice::from_ref(&h)).finish();
        assert_eq!(r.totals, volume, "{statuses:?}");
        let b = backlog.compute_histories(&[h]).unwrap();
        let p = &b.periods[0];
        assert_eq!(
            (p.created, p.reopened, p.resolved, p.cancelled, p.closing),
            (1, reopened, resolved, cancelled, 0),
            "{statuses:?}"
        );
    }
}
