//! Customer and money KPIs: retention, logo churn, cohorts, revenue retention, cost per ticket.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use supportkpi::kpi::{
    Accumulator, CohortRetention, CostDenominator, CostPerTicket, CostPerTicketOptions, CostRecord,
    CustomerRetention, Kpi, Metric, RetentionOptions, RevenueRetention, RevenueRetentionOptions,
    RevenueSnapshot, apportion_by_days, cost_per_ticket, logo_churn_rate, retention_rate,
};
use supportkpi::model::{Currency, Instant, Money};
use supportkpi::time::{Period, PeriodKey};
use supportkpi::{CostEntry, Customer, ErrorKind, Ticket};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Instant {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}
fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn month(y: i32, m: u32) -> PeriodKey {
    PeriodKey {
        start: day(y, m, 1),
        period: Period::Month,
    }
}
fn usd(units: i64) -> Money {
    Money::new(Decimal::from(units), Currency::new("USD").unwrap())
}
fn cust(id: &str, acquired: Instant, churned: Option<Instant>) -> Customer {
    let c = Customer::new(id, acquired).unwrap();
    match churned {
        Some(t) => c.with_churned_at(t).unwrap(),
        None => c,
    }
}

// ---------------------------------------------------------------- retention

/// The hand-worked example. March 2021, monthly, UTC:
///
/// | customer | tenure                          | March                          |
/// |----------|---------------------------------|--------------------------------|
/// | a        | Jan 15 →                        | in S, in E (retained)          |
/// | b        | Feb 1 → Mar 10                  | in S, lost                     |
/// | c        | Feb 20 → Apr 1 00:00            | in S, in E (lost in April)     |
/// | d        | Mar 1 00:00 →                   | new (N), in E                  |
/// | e        | Mar 5 → Mar 25                  | acquired and lost: not N, not E|
/// | f        | Jan 10 → Mar 3, again Mar 20 →  | 1st tenure in S, lost; return N|
/// | g        | Jan 5 → Feb 15                  | not in March                   |
/// | h        | Feb 10 → Mar 1 00:00            | in S, lost (churned in March)  |
///
/// S = {a, b, c, f, h} = 5, E = {a, c, d, f} = 4, N = {d, f} = 2: retention = 100 × (4 − 2) / 5
/// = 40 %, logo churn = 3 / 5 = 60 %.
fn worked_customers() -> Vec<Customer> {
    vec![
        cust("a", at(2021, 1, 15, 9, 0), None),
        cust("b", at(2021, 2, 1, 9, 0), Some(at(2021, 3, 10, 9, 0))),
        cust("c", at(2021, 2, 20, 9, 0), Some(at(2021, 4, 1, 0, 0))),
        cust("d", at(2021, 3, 1, 0, 0), None),
        cust("e", at(2021, 3, 5, 9, 0), Some(at(2021, 3, 25, 9, 0))),
        cust("f", at(2021, 1, 10, 9, 0), Some(at(2021, 3, 3, 9, 0))),
        cust("f", at(2021, 3, 20, 9, 0), None),
        cust("g", at(2021, 1, 5, 9, 0), Some(at(2021, 2, 15, 9, 0))),
        cust("h", at(2021, 2, 10, 9, 0), Some(at(2021, 3, 1, 0, 0))),
    ]
}

#[test]
fn retention_worked_example() {
    let r = CustomerRetention::default()
        .compute(worked_customers())
        .unwrap();
    assert_eq!(r.customers, 8);
    let labels: Vec<String> = r.periods.iter().map(|p| p.period.to_string()).collect();
    assert_eq!(labels, ["2021-01", "2021-02", "2021-03", "2021-04"]);

    let mar = &r.periods[2];
    assert_eq!((mar.start, mar.end, mar.new), (5, 4, 2));
    assert_eq!(
        (mar.acquired, mar.lost, mar.lost_new, mar.retained),
        (3, 3, 1, 2)
    );
    assert_eq!(mar.retention_pct, Metric::Value(40.0));
    assert_eq!(mar.logo_churn_pct, Metric::Value(60.0));
    assert_eq!(retention_rate(5, 4, 2).unwrap(), mar.retention_pct);

    // January starts empty: undefined, with a reason, not 0.
    let jan = &r.periods[0];
    assert_eq!((jan.start, jan.end, jan.new), (0, 3, 3));
    assert!(
        jan.retention_pct
            .undefined_reason()
            .unwrap()
            .contains("start")
    );
    // February: a, f, g carried in; g lost; b, c, h new.
    let feb = &r.periods[1];
    assert_eq!((feb.start, feb.end, feb.new, feb.lost), (3, 5, 3, 1));
    // E of one period is S of the next; c churned at April's first instant is an April loss.
    let apr = &r.periods[3];
    assert_eq!((apr.start, apr.end, apr.new, apr.lost), (4, 3, 0, 1));
    assert_eq!(apr.retention_pct, Metric::Value(75.0));
    for w in r.periods.windows(2) {
        assert_eq!(w[0].end, w[1].start);
    }
}

#[test]
fn retention_range_and_zone() {
    let opts = RetentionOptions::default().with_range(day(2021, 3, 15), day(2021, 5, 2));
    let r = CustomerRetention::new(opts)
        .unwrap()
        .compute(worked_customers())
        .unwrap();
    let labels: Vec<String> = r.periods.iter().map(|p| p.period.to_string()).collect();
    assert_eq!(labels, ["2021-03", "2021-04", "2021-05"]);
    assert_eq!(r.periods[0].start, 5);
    // May has no events but is reported because the range asks for it.
    assert_eq!((r.periods[2].start, r.periods[2].end), (3, 3));
    assert_eq!(r.periods[2].retention_pct, Metric::Value(100.0));

    // 2021-02-28T23:30Z is February in UTC and March in Berlin.
    let late = [cust("x", at(2021, 2, 28, 23, 30), None)];
    let utc = CustomerRetention::default().compute(&late).unwrap();
    assert_eq!(utc.periods[0].period, month(2021, 2));
    let berlin = RetentionOptions::default().with_zone(chrono_tz::Europe::Berlin);
    let b = CustomerRetention::new(berlin)
        .unwrap()
        .compute(&late)
        .unwrap();
    assert_eq!(b.periods[0].period, month(2021, 3));
}

#[test]
fn churn_and_return_is_a_new_acquisition_back_to_back_is_not() {
    // Left in February, back in April: lost in February, new in April.
    let r = CustomerRetention::default()
        .compute([
            cust("k", at(2021, 1, 10, 0, 0), Some(at(2021, 2, 10, 0, 0))),
            cust("k", at(2021, 4, 5, 0, 0), None),
        ])
        .unwrap();
    let feb = &r.periods[1];
    assert_eq!((feb.start, feb.lost, feb.end), (1, 1, 0));
    let apr = &r.periods[3];
    assert_eq!((apr.start, apr.new, apr.end), (0, 1, 1));
    assert!(!apr.retention_pct.is_defined());

    // One record ends at the very instant the next begins: one continuous tenure (so no event
    // happens after January, and the range has to ask for March).
    let opts = RetentionOptions::default().with_range(day(2021, 1, 1), day(2021, 3, 31));
    let r = CustomerRetention::new(opts)
        .unwrap()
        .compute([
            cust("p", at(2021, 1, 10, 0, 0), Some(at(2021, 3, 15, 0, 0))),
            cust("p", at(2021, 3, 15, 0, 0), None),
        ])
        .unwrap();
    let mar = &r.periods[2];
    assert_eq!((mar.start, mar.lost, mar.new, mar.end), (1, 0, 0, 1));
}

#[test]
fn overlapping_tenures_are_a_duplicate_id() {
    let mut acc = CustomerRetention::default().accumulator();
    acc.push(&cust("a", at(2021, 1, 1, 0, 0), Some(at(2021, 6, 1, 0, 0))))
        .unwrap();
    let err = acc
        .push(&cust("a", at(2021, 5, 1, 0, 0), None))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateId);
    assert_eq!(err.record().unwrap().id.as_deref(), Some("a"));
    assert_eq!(err.field(), Some("acquired_at"));
    // The same record twice is a duplicate too, also across partitions.
    let c = cust("b", at(2021, 1, 1, 0, 0), None);
    let mut x = CustomerRetention::default().accumulator();
    x.push(&c).unwrap();
    let before = x.clone();
    let mut y = CustomerRetention::default().accumulator();
    y.push(&c).unwrap();
    y.push(&cust("z", at(2021, 1, 1, 0, 0), None)).unwrap();
    assert_eq!(x.merge(y).unwrap_err().kind(), ErrorKind::DuplicateId);
    assert_eq!(x, before, "a failed merge leaves the accumulator unchanged");
}

#[test]
fn retention_from_counts_rejects_inconsistent_counts() {
    assert_eq!(retention_rate(200, 180, 30).unwrap(), Metric::Value(75.0));
    assert_eq!(
        retention_rate(10, 5, 6).unwrap_err().field(),
        Some("new"),
        "N > E"
    );
    assert_eq!(
        retention_rate(10, 25, 5).unwrap_err().field(),
        Some("end"),
        "E − N > S"
    );
    assert!(!retention_rate(0, 3, 3).unwrap().is_defined());
    assert_eq!(logo_churn_rate(200, 50).unwrap(), Metric::Value(25.0));
    assert!(logo_churn_rate(2, 3).is_err());
}

#[test]
fn retention_state_round_trips_and_is_validated() {
    let mut acc = CustomerRetention::default().accumulator();
    for c in worked_customers() {
        acc.push(&c).unwrap();
    }
    let json = serde_json::to_string(&acc).unwrap();
    let back: supportkpi::kpi::CustomerRetentionAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back, acc);
    // Make f's second tenure start before its first ended.
    let bad = json.replace("2021-03-20T09:00:00Z", "2021-03-01T09:00:00Z");
    assert_ne!(bad, json);
    let err = serde_json::from_str::<supportkpi::kpi::CustomerRetentionAccumulator>(&bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("inconsistent accumulator state"), "{err}");
    assert_eq!(
        CustomerRetention::default()
            .accumulator()
            .merge(acc.clone()),
        Ok(())
    );
    let weekly = CustomerRetention::new(RetentionOptions::default().with_period(Period::Week))
        .unwrap()
        .accumulator();
    let mut m = acc;
    assert_eq!(
        m.merge(weekly).unwrap_err().kind(),
        ErrorKind::IncompatibleMerge
    );
}

// ---------------------------------------------------------------- cohorts

#[test]
fn cohort_matrix_of_three_monthly_cohorts() {
    let customers = [
        // January cohort: 4.
        cust("j1", at(2021, 1, 4, 0, 0), None),
        cust("j2", at(2021, 1, 6, 0, 0), Some(at(2021, 1, 20, 0, 0))), // lost in month 0
        cust("j3", at(2021, 1, 8, 0, 0), Some(at(2021, 2, 10, 0, 0))),
        cust("j4", at(2021, 1, 9, 0, 0), Some(at(2021, 4, 5, 0, 0))),
        // February cohort: 2.
        cust("f1", at(2021, 2, 2, 0, 0), None),
        cust("f2", at(2021, 2, 3, 0, 0), Some(at(2021, 3, 31, 23, 0))),
        // March cohort: 3, one of them j2 coming back.
        cust("m1", at(2021, 3, 1, 0, 0), None),
        cust("m2", at(2021, 3, 2, 0, 0), Some(at(2021, 4, 1, 0, 0))), // lost at April's start
        cust("j2", at(2021, 3, 10, 0, 0), None),
    ];
    let opts = RetentionOptions::default().with_range(day(2021, 1, 1), day(2021, 4, 30));
    let m = CohortRetention::new(opts)
        .unwrap()
        .compute(&customers)
        .unwrap();
    let table: Vec<(String, u32, u64, u64)> = m
        .rows
        .iter()
        .map(|r| (r.cohort.to_string(), r.k, r.active, r.size))
        .collect();
    let expect = [
        ("2021-01", 0, 3, 4),
        ("2021-01", 1, 2, 4),
        ("2021-01", 2, 2, 4),
        ("2021-01", 3, 1, 4),
        ("2021-02", 0, 2, 2),
        ("2021-02", 1, 1, 2),
        ("2021-02", 2, 1, 2),
        ("2021-03", 0, 3, 3),
        ("2021-03", 1, 2, 3),
    ]
    .map(|(c, k, a, s)| (c.to_owned(), k, a, s));
    assert_eq!(table, expect);
    let shares: Vec<f64> = m.cohort(month(2021, 1)).map(|r| r.share_pct).collect();
    assert_eq!(shares, [75.0, 50.0, 50.0, 25.0]);
    assert_eq!(m.rows[8].period, month(2021, 4));
    assert!((m.rows[8].share_pct - 200.0 / 3.0).abs() < 1e-12);

    // A table: rows of cohort, k, period, size, active, share_pct.
    let json = serde_json::to_value(&m).unwrap();
    let row = &json["rows"][0];
    for key in ["cohort", "k", "period", "size", "active", "share_pct"] {
        assert!(row.get(key).is_some(), "missing {key} in {row}");
    }
    // Without a range the matrix runs to the last event (April 5).
    let m2 = CohortRetention::default().compute(&customers).unwrap();
    assert_eq!(m2.rows, m.rows);
}

// ---------------------------------------------------------------- revenue

fn snap(id: &str, on: NaiveDate, units: i64) -> RevenueSnapshot {
    RevenueSnapshot::new(id, on, usd(units)).unwrap()
}

#[test]
fn grr_and_nrr_differ_with_expansion() {
    let (jun, jul) = (day(2021, 6, 1), day(2021, 7, 1));
    let snaps = [
        snap("a", jun, 1000),
        snap("a", jul, 1200), // expansion +200
        snap("b", jun, 500),
        snap("b", jul, 300), // contraction −200
        snap("c", jun, 300),
        snap("c", jul, 0),                // churn −300
        snap("d", jun, 200),              // flat: no new snapshot
        snap("e", day(2021, 6, 15), 400), // new in June: not in the starting cohort
    ];
    let opts = RevenueRetentionOptions::default().with_range(jun, jun);
    let r = RevenueRetention::new(opts)
        .unwrap()
        .compute(&snaps)
        .unwrap();
    assert_eq!(r.currency, Some(Currency::new("USD").unwrap()));
    let p = &r.periods[0];
    assert_eq!((p.starting_customers, p.churned_customers), (4, 1));
    assert_eq!(p.start_revenue, Decimal::from(2000));
    assert_eq!(p.retained_revenue, Decimal::from(1500));
    assert_eq!(p.end_revenue, Decimal::from(1700));
    assert_eq!(
        (p.expansion, p.contraction, p.churned_revenue),
        (Decimal::from(200), Decimal::from(200), Decimal::from(300))
    );
    // GRR = 1500 / 2000 = 75 %; NRR = 1700 / 2000 = 85 %.
    assert_eq!(p.grr_pct, Metric::Value(Decimal::from(75)));
    assert_eq!(p.nrr_pct, Metric::Value(Decimal::from(85)));

    // July: cohort a (1200), b (300), d (200), e (400); nothing changes: both 100 %.
    let all = RevenueRetention::default().compute(&snaps).unwrap();
    let jul_row = all
        .periods
        .iter()
        .find(|p| p.period == month(2021, 7))
        .unwrap();
    assert_eq!(jul_row.starting_customers, 4);
    assert_eq!(jul_row.grr_pct, Metric::Value(Decimal::from(100)));
    // Before any revenue: undefined.
    let empty = RevenueRetention::new(
        RevenueRetentionOptions::default().with_range(day(2021, 1, 1), day(2021, 1, 1)),
    )
    .unwrap()
    .compute(&snaps)
    .unwrap();
    assert!(!empty.periods[0].grr_pct.is_defined());
}

#[test]
fn revenue_errors_name_the_record() {
    let mut acc = RevenueRetention::default().accumulator();
    acc.push(&snap("a", day(2021, 6, 1), 100)).unwrap();
    let eur = RevenueSnapshot::new(
        "b",
        day(2021, 6, 1),
        Money::new(Decimal::ONE, Currency::new("EUR").unwrap()),
    )
    .unwrap();
    let err = acc.push(&eur).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MixedCurrencies);
    assert_eq!(err.record().unwrap().record_type, "revenue_snapshot");
    assert_eq!(err.record().unwrap().id.as_deref(), Some("b"));
    assert_eq!(
        (err.field(), err.value()),
        (Some("recurring_revenue"), Some("EUR"))
    );
    let dup = acc.push(&snap("a", day(2021, 6, 1), 120)).unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::DuplicateId);

    let mut other = RevenueRetention::default().accumulator();
    other.push(&eur).unwrap();
    let before = acc.clone();
    assert_eq!(
        acc.merge(other).unwrap_err().kind(),
        ErrorKind::MixedCurrencies
    );
    assert_eq!(acc, before);

    let json = serde_json::to_string(&acc).unwrap();
    let back: supportkpi::kpi::RevenueRetentionAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back, acc);
    let bad = json.replace("\"100\"", "\"-100\"");
    assert_ne!(bad, json);
    assert!(serde_json::from_str::<supportkpi::kpi::RevenueRetentionAccumulator>(&bad).is_err());
}

// ---------------------------------------------------------------- cost per ticket

fn resolved(id: &str, created: Instant, resolved: Instant) -> Ticket {
    Ticket::builder(id, created)
        .resolved_at(resolved)
        .build()
        .unwrap()
}

#[test]
fn worked_check_100000_over_2000_resolved_is_50() {
    let june = month(2021, 6);
    // Counts given directly.
    let mut acc = CostPerTicket::default().accumulator();
    acc.push_cost(&CostEntry::new(day(2021, 6, 1), day(2021, 6, 30), usd(100_000)).unwrap())
        .unwrap();
    acc.add_tickets(june, 2_000).unwrap();
    let r = acc.finish();
    let p = &r.periods[0];
    assert_eq!(p.period, june);
    assert_eq!(p.value.cost_per_ticket, Metric::Value(Decimal::from(50)));
    assert_eq!(p.value.rounded().value().unwrap().to_string(), "50.00");
    assert_eq!(p.value.to_string(), "50.00 USD per ticket");
    assert_eq!(
        p.to_string(),
        "2021-06: 50.00 USD per ticket (100000 / 2000 resolved)"
    );
    assert_eq!(r.total.cost_per_ticket, Metric::Value(Decimal::from(50)));
    assert_eq!(
        cost_per_ticket(usd(100_000), 2_000).to_string(),
        "50.00 USD"
    );

    // The same from 2,000 tickets, through the record enum.
    let t0 = at(2021, 6, 1, 8, 0);
    let mut records: Vec<CostRecord> = (0..2_000)
        .map(|i| {
            let c = t0 + Duration::minutes(i * 20);
            resolved(&format!("T-{i}"), c, c + Duration::minutes(10)).into()
        })
        .collect();
    records.push(
        CostEntry::new(day(2021, 6, 1), day(2021, 6, 30), usd(100_000))
            .unwrap()
            .into(),
    );
    let r2 = CostPerTicket::default().compute(&records).unwrap();
    assert_eq!(r2.periods.len(), 1);
    assert_eq!(r2.periods[0].value.tickets, 2_000);
    assert_eq!(r2.periods[0].value.cost_per_ticket, p.value.cost_per_ticket);
}

#[test]
fn cost_apportioned_across_a_month_boundary() {
    // 20 days, January 20 to February 8: 12 days in January, 8 in February.
    let e = CostEntry::new(day(2021, 1, 20), day(2021, 2, 8), usd(1_000)).unwrap();
    let parts = apportion_by_days(&e, Period::Month);
    assert_eq!(
        parts
            .iter()
            .map(|(k, m)| (k.to_string(), m.amount))
            .collect::<Vec<_>>(),
        [
            ("2021-01".to_owned(), Decimal::from(600)),
            ("2021-02".to_owned(), Decimal::from(400))
        ]
    );

    // 100 over 3 days, 1 in January and 2 in February: the last period takes the remainder,
    // so the parts add back to exactly 100.
    let e = CostEntry::new(day(2021, 1, 31), day(2021, 2, 2), usd(100)).unwrap();
    let parts = apportion_by_days(&e, Period::Month);
    assert_eq!(parts[0].1.amount.to_string(), "33.3333333333");
    assert_eq!(parts[1].1.amount.to_string(), "66.6666666667");
    assert_eq!(parts[0].1.amount + parts[1].1.amount, Decimal::from(100));

    let mut acc = CostPerTicket::default().accumulator();
    acc.push_cost(&e).unwrap();
    acc.add_tickets(month(2021, 1), 3).unwrap();
    acc.add_tickets(month(2021, 2), 2).unwrap();
    let r = acc.finish();
    assert_eq!(r.periods[0].value.to_string(), "11.11 USD per ticket");
    assert_eq!(r.periods[1].value.to_string(), "33.33 USD per ticket");
    assert_eq!(r.total.cost, Decimal::from(100));
    assert_eq!(r.total.cost_per_ticket, Metric::Value(Decimal::from(20)));

    // Spanning three months: January's 31 days of 31 + 28 + 31 = 90.
    let q = CostEntry::new(day(2021, 1, 1), day(2021, 3, 31), usd(9_000)).unwrap();
    let parts = apportion_by_days(&q, Period::Month);
    let amounts: Vec<Decimal> = parts.iter().map(|(_, m)| m.amount).collect();
    assert_eq!(amounts[1], Decimal::from(2_800));
    assert_eq!(amounts.iter().sum::<Decimal>(), Decimal::from(9_000));
}

#[test]
fn zero_tickets_is_undefined_and_denominators_differ() {
    // A ticket created in June and resolved in July.
    let t = resolved("T-1", at(2021, 6, 30, 10, 0), at(2021, 7, 2, 10, 0));
    let cost = CostEntry::new(day(2021, 6, 1), day(2021, 7, 31), usd(6_100)).unwrap();
    let records: [CostRecord; 2] = [cost.into(), t.into()];

    let by_resolved = CostPerTicket::default().compute(&records).unwrap();
    let june = &by_resolved.periods[0].value;
    assert_eq!(june.cost, Decimal::from(3_000));
    assert_eq!(june.tickets, 0);
    assert_eq!(
        june.cost_per_ticket.undefined_reason(),
        Some("no tickets resolved in the period")
    );
    assert_eq!(
        june.to_string(),
        "undefined (no tickets resolved in the period)"
    );
    assert_eq!(
        by_resolved.periods[1].value.cost_per_ticket,
        Metric::Value(Decimal::from(3_100))
    );

    let created = CostPerTicketOptions::default().with_denominator(CostDenominator::Created);
    let by_created = CostPerTicket::new(created)
        .unwrap()
        .compute(&records)
        .unwrap();
    assert_eq!(
        by_created.periods[0].value.cost_per_ticket,
        Metric::Value(Decimal::from(3_000))
    );
    assert!(!by_created.periods[1].value.cost_per_ticket.is_defined());

    // Tickets are bucketed in the zone: 23:30 UTC on June 30 is July in Berlin.
    let late = resolved("T-2", at(2021, 6, 30, 9, 0), at(2021, 6, 30, 23, 30));
    let berlin = CostPerTicketOptions::default().with_zone(chrono_tz::Europe::Berlin);
    let mut acc = CostPerTicket::new(berlin).unwrap().accumulator();
    acc.push_ticket(&late).unwrap();
    assert_eq!(acc.finish().periods[0].period, month(2021, 7));

    // Tickets but no cost entry at all: no currency to state a cost in.
    let mut acc = CostPerTicket::default().accumulator();
    acc.add_tickets(month(2021, 6), 5).unwrap();
    assert_eq!(
        acc.finish().total.cost_per_ticket.undefined_reason(),
        Some("no cost entries")
    );
}

#[test]
fn cost_errors_and_state() {
    let mut acc = CostPerTicket::default().accumulator();
    acc.push_cost(&CostEntry::new(day(2021, 6, 1), day(2021, 6, 30), usd(10)).unwrap())
        .unwrap();
    let eur = CostEntry::new(
        day(2021, 6, 5),
        day(2021, 6, 5),
        Money::new(Decimal::ONE, Currency::new("EUR").unwrap()),
    )
    .unwrap();
    let err = acc.push_cost(&eur).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MixedCurrencies);
    assert_eq!(err.record().unwrap().record_type, "cost_entry");
    assert_eq!(
        err.record().unwrap().id.as_deref(),
        Some("2021-06-05..=2021-06-05")
    );

    // A sum Decimal could only do by rounding is refused, and the state is unchanged.
    let before = acc.clone();
    let tiny = Money::new(Decimal::from_i128_with_scale(1, 28), usd(0).currency);
    let big = CostEntry::new(
        day(2021, 6, 2),
        day(2021, 6, 2),
        Money::new(Decimal::from(10_i64.pow(15)), usd(0).currency),
    )
    .unwrap();
    acc.push_cost(&big).unwrap();
    let err = acc
        .push_cost(&CostEntry::new(day(2021, 6, 3), day(2021, 6, 3), tiny).unwrap())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    let mut fresh = before.clone();
    fresh.push_cost(&big).unwrap();
    assert_eq!(acc, fresh);

    acc.add_tickets(month(2021, 6), 4).unwrap();
    let json = serde_json::to_string(&acc).unwrap();
    let back: supportkpi::kpi::CostPerTicketAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back, acc);
    let bad = json.replace("\"total_cost\":\"", "\"total_cost\":\"1");
    assert_ne!(bad, json);
    let e = serde_json::from_str::<supportkpi::kpi::CostPerTicketAccumulator>(&bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("total"), "{e}");
    let bad_key = json.replace("2021-06-01", "2021-06-02");
    assert!(serde_json::from_str::<supportkpi::kpi::CostPerTicketAccumulator>(&bad_key).is_err());
}

// ---------------------------------------------------------------- properties

const YEAR_S: i64 = 400 * 86_400;

fn t(offset_s: i64) -> Instant {
    at(2021, 1, 1, 0, 0) + Duration::seconds(offset_s)
}

/// Customers with non-overlapping tenures per id: each id gets increasing cut points, paired
/// into tenures (the last one open when the count is odd), so some ids churn and return.
fn customers() -> impl Strategy<Value = Vec<Customer>> {
    prop::collection::vec(prop::collection::vec(0..YEAR_S, 1..6), 0..14).prop_map(|ids| {
        let mut out = Vec::new();
        for (i, mut cuts) in ids.into_iter().enumerate() {
            cuts.sort_unstable();
            cuts.dedup();
            for pair in cuts.chunks(2) {
                out.push(cust(
                    &format!("c{i}"),
                    t(pair[0]),
                    pair.get(1).map(|c| t(*c)),
                ));
            }
        }
        out
    })
}

fn snapshots() -> impl Strategy<Value = Vec<RevenueSnapshot>> {
    prop::collection::btree_map((0..8_u8, 0..300_i64), 0..100_000_i64, 0..40).prop_map(|m| {
        m.into_iter()
            .map(|((id, d), cents)| {
                let on = day(2021, 1, 1) + Duration::days(d);
                let amount = if cents % 5 == 0 { 0 } else { cents };
                let money = Money::new(Decimal::new(amount, 2), usd(0).currency);
                RevenueSnapshot::new(format!("r{id}"), on, money).unwrap()
            })
            .collect()
    })
}

fn cost_records() -> impl Strategy<Value = Vec<CostRecord>> {
    let cost = (0..300_i64, 0..100_i64, 0..10_000_000_i64, 0..5_u32).prop_map(
        |(start, len, units, scale)| {
            let s = day(2021, 1, 1) + Duration::days(start);
            let m = Money::new(Decimal::new(units, scale), usd(0).currency);
            CostRecord::Cost(CostEntry::new(s, s + Duration::days(len), m).unwrap())
        },
    );
    let ticket = (0..YEAR_S, prop::option::of(0..30 * 86_400_i64)).prop_map(|(c, r)| {
        let b = Ticket::builder("T", t(c));
        let b = match r {
            Some(r) => b.resolved_at(t(c + r)),
            None => b,
        };
        CostRecord::Ticket(b.build().unwrap())
    });
    prop::collection::vec(prop_oneof![cost, ticket], 0..30)
}

fn fold<A: Accumulator + Clone>(empty: &A, recs: &[A::Record]) -> A
where
    A::Record: Sized,
{
    let mut a = empty.clone();
    for r in recs {
        a.push(r).unwrap();
    }
    a
}

/// Split at every index equals one-shot; merge is commutative and associative.
fn merge_laws<A>(empty: A, recs: &[A::Record]) -> Result<(), TestCaseError>
where
    A: Accumulator + Clone + PartialEq + std::fmt::Debug,
    A::Record: Sized,
{
    let whole = fold(&empty, recs);
    for i in 0..=recs.len() {
        let (l, r) = recs.split_at(i);
        let mut a = fold(&empty, l);
        a.merge(fold(&empty, r)).unwrap();
        prop_assert_eq!(&a, &whole);
        let mut b = fold(&empty, r);
        b.merge(fold(&empty, l)).unwrap();
        prop_assert_eq!(&b, &whole);
    }
    let n = recs.len();
    let (x, y, z) = (
        fold(&empty, &recs[..n / 3]),
        fold(&empty, &recs[n / 3..2 * n / 3]),
        fold(&empty, &recs[2 * n / 3..]),
    );
    let mut xy_z = x.clone();
    xy_z.merge(y.clone()).unwrap();
    xy_z.merge(z.clone()).unwrap();
    let mut yz = y;
    yz.merge(z).unwrap();
    let mut x_yz = x;
    x_yz.merge(yz).unwrap();
    prop_assert_eq!(&xy_z, &x_yz);
    prop_assert_eq!(&xy_z, &whole);
    Ok(())
}

/// S, E, N counted straight from the definitions, per period, with instants.
fn naive_counts(cs: &[Customer], k: PeriodKey) -> (u64, u64, u64) {
    let s = Utc.from_utc_datetime(&k.start.and_hms_opt(0, 0, 0).unwrap());
    let e = Utc.from_utc_datetime(&k.end().and_hms_opt(0, 0, 0).unwrap());
    // Tenures of one id that touch are one tenure; the generator never makes them touch.
    let carried =
        |c: &Customer, x: Instant| c.acquired_at() < x && c.churned_at().is_none_or(|ch| ch >= x);
    let start = cs.iter().filter(|c| carried(c, s)).count() as u64;
    let end = cs.iter().filter(|c| carried(c, e)).count() as u64;
    let new = cs
        .iter()
        .filter(|c| c.acquired_at() >= s && carried(c, e))
        .count() as u64;
    (start, end, new)
}

proptest! {
    #[test]
    fn retention_from_consistent_counts_is_between_0_and_100(
        start in 0..10_000_u64, kept in 0..=100_u32, new in 0..10_000_u64,
    ) {
        let retained = start * u64::from(kept) / 100;
        match retention_rate(start, retained + new, new).unwrap() {
            Metric::Value(v) => prop_assert!((0.0..=100.0).contains(&v)),
            Metric::Undefined(_) => prop_assert_eq!(start, 0),
        }
    }

    #[test]
    fn retention_matches_the_definition_and_stays_in_range(cs in customers()) {
        let r = CustomerRetention::default().compute(&cs).unwrap();
        for p in &r.periods {
            prop_assert_eq!((p.start, p.end, p.new), naive_counts(&cs, p.period));
            prop_assert_eq!(p.end - p.new, p.retained);
            prop_assert_eq!(p.start - p.lost, p.retained);
            prop_assert_eq!(retention_rate(p.start, p.end, p.new).unwrap(), p.retention_pct.clone());
            if let (Some(ret), Some(churn)) = (p.retention_pct.value(), p.logo_churn_pct.value()) {
                prop_assert!((0.0..=100.0).contains(&ret));
                prop_assert!((ret + churn - 100.0).abs() < 1e-9);
            } else {
                prop_assert_eq!(p.start, 0);
            }
        }
        for w in r.periods.windows(2) {
            prop_assert_eq!(w[0].end, w[1].start);
        }
    }

    #[test]
    fn cohort_shares_never_rise(cs in customers()) {
        let m = CohortRetention::default().compute(&cs).unwrap();
        for w in m.rows.windows(2) {
            if w[0].cohort == w[1].cohort {
                prop_assert!(w[1].active <= w[0].active);
            }
        }
        for row in &m.rows {
            prop_assert!(row.active <= row.size && row.size > 0);
        }
    }

    #[test]
    fn grr_at_most_nrr_and_100(snaps in snapshots()) {
        let r = RevenueRetention::default().compute(&snaps).unwrap();
        for p in &r.periods {
            match (p.grr_pct.value(), p.nrr_pct.value()) {
                (Some(g), Some(n)) => {
                    prop_assert!(g <= n && g <= Decimal::ONE_HUNDRED && g >= Decimal::ZERO);
                    prop_assert_eq!(p.start_revenue - p.contraction - p.churned_revenue, p.retained_revenue);
                    prop_assert_eq!(p.retained_revenue + p.expansion, p.end_revenue);
                }
                (None, None) => prop_assert_eq!(p.starting_customers, 0),
                _ => prop_assert!(false, "GRR and NRR defined together"),
            }
        }
    }

    #[test]
    fn cost_sums_are_exact_in_any_order_and_split(
        recs in cost_records(), seed in any::<u64>(), parts in 1..5_usize,
    ) {
        let kpi = CostPerTicket::default();
        let whole = kpi.compute(&recs).unwrap();
        // Every entry's parts add back to its amount: the total is Σ amounts.
        let amounts: Decimal = recs.iter().filter_map(|r| match r {
            CostRecord::Cost(c) => Some(c.amount().amount),
            _ => None,
        }).sum();
        prop_assert_eq!(whole.total.cost, amounts);
        let by_period: Decimal = whole.periods.iter().map(|p| p.value.cost).sum();
        prop_assert_eq!(by_period, amounts);

        // Shuffle deterministically, deal into partitions, merge them in reverse.
        let mut shuffled: Vec<&CostRecord> = recs.iter().collect();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut accs: Vec<_> = (0..parts).map(|_| kpi.accumulator()).collect();
        for (i, r) in shuffled.iter().enumerate() {
            accs[i % parts].push(r).unwrap();
        }
        let mut merged = accs.pop().unwrap();
        while let Some(a) = accs.pop() {
            merged.merge(a).unwrap();
        }
        prop_assert_eq!(merged.finish(), whole);
    }

    #[test]
    fn merge_laws_retention_and_cohorts(cs in customers()) {
        merge_laws(CustomerRetention::default().accumulator(), &cs)?;
        merge_laws(CohortRetention::default().accumulator(), &cs)?;
    }

    #[test]
    fn merge_laws_revenue(snaps in snapshots()) {
        merge_laws(RevenueRetention::default().accumulator(), &snaps)?;
    }

    #[test]
    fn merge_laws_cost(recs in cost_records()) {
        merge_laws(CostPerTicket::default().accumulator(), &recs)?;
    }

    #[test]
    fn states_round_trip_through_json(cs in customers(), recs in cost_records()) {
        let acc = fold(&CustomerRetention::default().accumulator(), &cs);
        let json = serde_json::to_string(&acc).unwrap();
        prop_assert_eq!(serde_json::from_str::<supportkpi::kpi::CustomerRetentionAccumulator>(&json).unwrap(), acc);
        let acc = fold(&CostPerTicket::default().accumulator(), &recs);
        let json = serde_json::to_string(&acc).unwrap();
        prop_assert_eq!(serde_json::from_str::<supportkpi::kpi::CostPerTicketAccumulator>(&json).unwrap(), acc);
    }
}
