//! The `max_rows` bound: the engines' lower bound of the rows, checked before their pass
//! (`check_rows_before`), never refuses a report that the exact count at finish accepts,
//! whatever the grouping, filter, range, zone or partitioning.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use supportkpi::columnar::ColumnarInput;
use supportkpi::model::Customer;
use supportkpi::report::filter::Condition;
use supportkpi::report::{Report, ReportInput, ReportOptions, ReportState, Share, bucket_of};
use supportkpi::{Period, Ticket};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn input(rng: &mut Rng) -> ReportInput {
    let base = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
    let n = 1 + rng.below(40);
    let tickets = (0..n)
        .map(|i| {
            // Minutes over ~70 days, often near a midnight.
            let created = base + Duration::minutes(rng.below(70 * 24 * 60) as i64);
            let mut b = Ticket::builder(format!("T-{i}"), created);
            if rng.below(4) > 0 {
                b = b.customer_id(format!("C-{}", rng.below(12)));
            }
            if rng.below(3) > 0 {
                b = b.channel(*rng.pick(&["email", "chat", "(none)", ""]));
            }
            if rng.below(3) > 0 {
                b = b.team(*rng.pick(&["a", "b", "c"]));
            }
            if rng.below(2) > 0 {
                b = b.priority(*rng.pick(&["p1", "p2"]));
            }
            if rng.below(2) > 0 {
                b = b.dimension("plan", *rng.pick(&["free", "pro", "(none)"]));
            }
            if rng.below(2) > 0 {
                b = b.first_response_at(created + Duration::minutes(rng.below(5000) as i64));
            }
            if rng.below(2) > 0 {
                b = b.resolved_at(created + Duration::minutes(rng.below(60 * 24 * 30) as i64));
            }
            b.build().unwrap()
        })
        .collect();
    let kept: Vec<u64> = (0..12).filter(|_| rng.below(2) == 0).collect();
    let customers = kept
        .into_iter()
        .map(|i| {
            let c = Customer::new(format!("C-{i}").as_str(), base - Duration::days(10)).unwrap();
            match rng.below(3) {
                0 => c,
                1 => c.with_segment("smb"),
                _ => c.with_segment(*rng.pick(&["ent", "(none)"])),
            }
        })
        .collect();
    ReportInput {
        tickets,
        customers,
        ..ReportInput::default()
    }
}

fn options(rng: &mut Rng) -> ReportOptions {
    let period = *rng.pick(&[Period::Day, Period::Week, Period::Month]);
    let zone = *rng.pick(&[
        chrono_tz::UTC,
        chrono_tz::Pacific::Kiritimati,
        chrono_tz::Pacific::Pago_Pago,
        chrono_tz::America::Sao_Paulo,
    ]);
    let by = *rng.pick(&[
        "channel",
        "team",
        "team,priority",
        "channel,plan",
        "customer_id",
        "segment",
        "status",
        "plan",
        "priority",
    ]);
    let mut o = ReportOptions::default()
        .with_period(period)
        .with_zone(zone)
        .with_by(by);
    match rng.below(4) {
        0 => o = o.with_filter(Condition::one_of("channel", ["email", "(none)"])),
        1 => o = o.with_filter("created_at>=2024-04-01".parse().unwrap()),
        2 => o = o.with_filter(Condition::one_of("team", ["a"])),
        _ => {}
    }
    if rng.below(3) == 0 {
        let d = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        let (first, last) = *rng.pick(&[
            (d(3, 10), d(3, 20)),
            (d(4, 1), d(4, 2)),
            (d(3, 31), d(4, 1)), // a Sunday and a Monday
            (d(2, 1), d(6, 30)),
        ]);
        o = o.with_range(first, last);
    }
    o
}

#[test]
fn the_lower_bound_never_refuses_a_report_that_fits() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut checked = 0;
    for case in 0..600 {
        let input = input(&mut rng);
        let o = options(&mut rng);
        let Ok(full) = Report::compute(&input, &o) else {
            continue;
        };
        let rows = full.rows.len() as u64;
        if rows == 0 {
            continue;
        }
        checked += 1;
        let exact = o.clone().with_max_rows(rows);
        let columns = ColumnarInput::from_input(&input).unwrap();
        for (what, got) in [
            ("compute", Report::compute(&input, &exact)),
            ("records", Report::compute_records(&input, &exact)),
            ("columnar", Report::compute_columnar(&columns, &exact)),
        ] {
            match got {
                Ok(r) => assert_eq!(r.rows, full.rows, "case {case} {what}"),
                Err(e) => panic!("case {case} {what} {o:?}: {e} (rows {rows})"),
            }
        }
        // One row fewer: refused by every engine.
        if rows > 1 {
            let short = o.clone().with_max_rows(rows - 1);
            assert!(Report::compute(&input, &short).is_err(), "case {case}");
            assert!(
                Report::compute_records(&input, &short).is_err(),
                "case {case}"
            );
        }
        // Every partition of the tickets, by the columnar engine, passes its own bound.
        for buckets in [2u32, 5] {
            let shared = ReportInput {
                customers: input.customers.clone(),
                ..ReportInput::default()
            };
            let shared = ColumnarInput::from_input(&shared).unwrap();
            let mut states = vec![ReportState::from_columnar(&shared, &exact).unwrap()];
            for b in 0..buckets {
                let part = ReportInput {
                    tickets: input
                        .tickets
                        .iter()
                        .filter(|t| bucket_of(t.id().as_str(), buckets) == b)
                        .cloned()
                        .collect(),
                    customers: input.customers.clone(),
                    ..ReportInput::default()
                };
                let cols = ColumnarInput::from_input(&part).unwrap();
                match ReportState::from_columnar_shared(&cols, &exact, Share::LookupOnly) {
                    Ok(s) => states.push(s),
                    Err(e) => panic!("case {case} bucket {b}/{buckets} {o:?}: {e} (rows {rows})"),
                }
            }
            let merged = supportkpi::report::merge(states).unwrap();
            assert_eq!(merged.rows, full.rows, "case {case} merged");
        }
    }
    assert!(checked > 400, "{checked}");
}

/// The record engine (event histories, per-team calendars, instants outside 1677–2262)
/// checks the same lower bound before its pass as the columnar engine: 2,000 tickets of 2,000
/// customers over 300 days by day are refused by both with "at least", before a cell is made.
#[test]
fn both_engines_refuse_before_their_pass() {
    let base = Utc.with_ymd_and_hms(2024, 1, 1, 9, 0, 0).unwrap();
    let tickets: Vec<Ticket> = (0..2000)
        .map(|i| {
            Ticket::builder(format!("T-{i}"), base + Duration::days(i % 300))
                .customer_id(format!("C-{i}"))
                .build()
                .unwrap()
        })
        .collect();
    let input = ReportInput {
        tickets,
        ..ReportInput::default()
    };
    let o = ReportOptions::default()
        .with_period(Period::Day)
        .with_by("customer_id");
    let want = "a report has at most max_rows = 500000 rows; 300 day periods × (2000 values of \
                customer_id and the total) make at least 600300";
    let columns = ColumnarInput::from_input(&input).unwrap();
    for err in [
        Report::compute(&input, &o).unwrap_err(),
        Report::compute_records(&input, &o).unwrap_err(),
        Report::compute_columnar(&columns, &o).unwrap_err(),
        ReportState::from_input(&input, &o).unwrap_err(),
    ] {
        assert!(err.to_string().contains(want), "{err}");
    }
}
