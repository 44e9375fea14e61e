//! The report's sections on the demo data (examples/data/demo), values worked out from the CSV
//! files by hand (a short script over `tickets.csv` and `surveys.csv`):
//!
//! - Mondays (UTC) by hour of creation: 4, 3, 0, 3, 4, 2, 13, 28, 50, 55, 62, 76, 52, 50, 46,
//!   57, 21, 29, 22, 8, 11, 10, 6, 3;
//! - spike days: 2023-05-29 (34 created; trailing 28-day median 7) and 2023-05-30 (30);
//! - January 2023: 58 CSAT responses, 43 of them 4-5: Wilson 95% = 61.6226…% to 83.6545…%;
//!   21 NPS responses, 8 promoters, 4 detractors: NPS 19.05 ± 1.96 · 100 · √((p + d − nps²)/n)
//!   = −12.2402 to 50.3354;
//! - at the end of the last period (2024-01-01 00:00 UTC) 40 tickets are open (status new,
//!   open, on hold, or closed after then): 1 under a day old, 4 of 1-3 days, 7 of 3-7 days, 4
//!   of 7-30 days, 24 older.
//! - revenue retention from `customers.csv` (120 customers, USD, one record each; a customer's
//!   revenue from its acquisition date, zero from its churn date; start = revenue on the
//!   period's first day, end = on the next period's first day):
//!   January 2023: 85 customers with revenue on Jan 1 (Σ 86,376.76), 2 of them churned in
//!   January, Σ end 79,949.23: GRR = NRR = 92.5587 % (one revenue per customer: no expansion);
//!   August 2023: 92, 9 churned, 100,336.97 → 94,414.93 (94.0978 %); December 2023: 89, 1
//!   churned, 97,354.70 → 97,276.57 (99.9197 %);
//! - cohorts (acquisitions in 2023 by UTC month, active at the end of each month on):
//!   January 2, [2 × 12]; February 3, [3 × 6, then 2 × 5]; April 4, [4, 4, 4, 4, 3, 3, 3, 3,
//!   3]; October 3, [2, 2, 2] (one churned in its first month); December 6, [6]; no July cohort.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use supportkpi::io::{ReadOptions, Sources, load};
use supportkpi::model::{Currency, Money};
use supportkpi::report::{
    Report, ReportInput, ReportOptions, ReportState, Section, SectionSet, Sections, Share,
};
use supportkpi::{Customer, Period};

fn demo(events: bool) -> Report {
    Report::compute(&demo_input(events), &ReportOptions::default()).unwrap()
}

fn demo_input(events: bool) -> ReportInput {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/demo");
    let sources = Sources {
        tickets: Some(dir.join("tickets.csv")),
        events: events.then(|| dir.join("events.csv")),
        surveys: Some(dir.join("surveys.csv")),
        customers: Some(dir.join("customers.csv")),
        ..Sources::default()
    };
    let loaded = load(&sources, &ReadOptions::new()).unwrap();
    assert_eq!(loaded.input.histories.is_empty(), !events);
    loaded.input
}

/// The values above, on a report of the demo.
pub(crate) fn assert_demo_sections(s: &Sections) {
    assert_eq!(
        s.heatmap[0],
        [
            4, 3, 0, 3, 4, 2, 13, 28, 50, 55, 62, 76, 52, 50, 46, 57, 21, 29, 22, 8, 11, 10, 6, 3
        ]
    );
    assert_eq!(s.heatmap.iter().flatten().sum::<u64>(), 3000);
    let spikes: Vec<(String, u64, f64)> = s
        .spike_days
        .iter()
        .map(|d| (d.date.to_string(), d.created, d.median))
        .collect();
    assert_eq!(
        spikes,
        [
            ("2023-05-29".to_owned(), 34, 7.0),
            ("2023-05-30".to_owned(), 30, 7.0)
        ]
    );
    let jan = &s.intervals[0];
    assert_eq!(
        (jan.period_start.to_string(), jan.dimension.as_deref()),
        ("2023-01-01".to_owned(), None)
    );
    let close = |a: Option<f64>, b: f64| assert!((a.unwrap() - b).abs() < 1e-9, "{a:?} vs {b}");
    assert_eq!((jan.csat_n, jan.nps_n), (58, 21));
    close(jan.csat_low_pct, 61.622_614_235_259_6);
    close(jan.csat_high_pct, 83.654_454_795_703);
    close(jan.nps_low, -12.240_189_855_293_3);
    close(jan.nps_high, 50.335_427_950_531_4);
    let ages = s.backlog_ages.as_ref().unwrap();
    assert_eq!(ages.at.to_rfc3339(), "2024-01-01T00:00:00+00:00");
    assert_eq!(ages.backlog, 40);
    let counts: Vec<u64> = ages.ages.iter().map(|a| a.count).collect();
    assert_eq!(counts, [1, 4, 7, 4, 24]);
    let days: Vec<(i64, Option<i64>)> = ages
        .ages
        .iter()
        .map(|a| (a.min_seconds / 86_400, a.max_seconds.map(|m| m / 86_400)))
        .collect();
    assert_eq!(
        days,
        [
            (0, Some(1)),
            (1, Some(3)),
            (3, Some(7)),
            (7, Some(30)),
            (30, None)
        ]
    );
    assert_demo_revenue(s);
    assert_demo_drill_down(s);
}

/// The drill-down of the demo (no SLA policy: no breaches), from the CSV's instants:
/// - open at 2024-01-01 00:00: 40 tickets, the oldest T-00000222 (created 2023-02-02 13:50:08:
///   333 days less 13:50:08 = 28,721,392 s), then T-00000360 (27,105,912 s);
/// - December 2023: 230 answered tickets, the slowest T-00002831 (2023-12-08 10:10:19 →
///   12-11 08:22:29 = 252,730 s); 248 resolved, the slowest T-00002335 (2023-10-16 17:37:41 →
///   12-04 08:38:27 = 49 days − 63,461 s + 31,107 s = 4,201,246 s).
pub(crate) fn assert_demo_drill_down(s: &Sections) {
    let d = s.drill_down.as_ref().unwrap();
    assert_eq!((d.top, d.periods.len()), (20, 12));
    assert_eq!(d.open_at.unwrap().to_rfc3339(), "2024-01-01T00:00:00+00:00");
    let first = |l: &supportkpi::report::DrillList| {
        let t = &l.tickets[0];
        (l.n, l.tickets.len(), t.ticket_id.clone(), t.seconds)
    };
    assert_eq!(
        first(&d.oldest_open),
        (40, 20, "T-00000222".to_owned(), 28_721_392)
    );
    assert_eq!(d.oldest_open.tickets[1].ticket_id, "T-00000360");
    assert_eq!(d.oldest_open.tickets[1].seconds, 27_105_912);
    let dec = &d.periods[11];
    assert_eq!(dec.period_start.to_string(), "2023-12-01");
    assert_eq!(
        first(&dec.slowest_first_responses),
        (230, 20, "T-00002831".to_owned(), 252_730)
    );
    let t = &dec.slowest_first_responses.tickets[0];
    assert_eq!(
        (
            t.channel.as_deref(),
            t.priority.as_deref(),
            t.team.as_deref()
        ),
        (Some("email"), Some("high"), Some("tier1"))
    );
    assert_eq!(t.at.to_rfc3339(), "2023-12-11T08:22:29+00:00");
    assert_eq!(
        first(&dec.slowest_resolutions),
        (248, 20, "T-00002335".to_owned(), 4_201_246)
    );
    assert_eq!(dec.sla_breaches.n, 0);
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The revenue retention and cohorts above.
pub(crate) fn assert_demo_revenue(s: &Sections) {
    let rr = &s.revenue_retention;
    assert_eq!(rr.len(), 12);
    let row = |m: usize| {
        let r = &rr[m - 1];
        (
            r.period_start.to_string(),
            r.n,
            r.churned,
            r.start_revenue.unwrap(),
            r.end_revenue.unwrap(),
            r.grr_pct.unwrap().round_dp(4),
            r.nrr_pct.unwrap().round_dp(4),
            r.currency.unwrap().as_str().to_owned(),
        )
    };
    let want = |m: &str, n, churned, start: &str, end: &str, pct: &str| {
        (
            m.to_owned(),
            n,
            churned,
            dec(start),
            dec(end),
            dec(pct),
            dec(pct),
            "USD".to_owned(),
        )
    };
    assert_eq!(
        row(1),
        want("2023-01-01", 85, 2, "86376.76", "79949.23", "92.5587")
    );
    assert_eq!(
        row(8),
        want("2023-08-01", 92, 9, "100336.97", "94414.93", "94.0978")
    );
    assert_eq!(
        row(12),
        want("2023-12-01", 89, 1, "97354.70", "97276.57", "99.9197")
    );
    assert!(rr.iter().all(|r| r.undefined.is_empty()));
    let cohorts: Vec<(String, u64, Vec<u64>)> = s
        .cohorts
        .iter()
        .map(|c| (c.cohort_start.to_string(), c.size, c.active.clone()))
        .collect();
    let months: Vec<&str> = cohorts.iter().map(|c| &c.0[..7]).collect();
    assert_eq!(
        months,
        [
            "2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06", "2023-08", "2023-09",
            "2023-10", "2023-11", "2023-12"
        ]
    );
    assert_eq!(cohorts[0], ("2023-01-01".to_owned(), 2, vec![2; 12]));
    assert_eq!(
        cohorts[1],
        (
            "2023-02-01".to_owned(),
            3,
            vec![3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2]
        )
    );
    assert_eq!(
        cohorts[3],
        ("2023-04-01".to_owned(), 4, vec![4, 4, 4, 4, 3, 3, 3, 3, 3])
    );
    assert_eq!(cohorts[8], ("2023-10-01".to_owned(), 3, vec![2, 2, 2]));
    assert_eq!(cohorts[10], ("2023-12-01".to_owned(), 6, vec![6]));
    assert_eq!(s.cohorts[1].share_pct[6], 200.0 / 3.0);
}

#[test]
fn the_demo_sections_from_both_engines() {
    // Summary rows: the columnar engine; with the event log: the record accumulators.
    let columnar = demo(false);
    let records = demo(true);
    assert_demo_sections(&columnar.sections);
    assert_demo_sections(&records.sections);
    assert_eq!(columnar.sections, records.sections);
    // One interval entry per row, in the rows' order.
    assert_eq!(columnar.sections.intervals.len(), columnar.rows.len());
    for (row, i) in columnar.rows.iter().zip(&columnar.sections.intervals) {
        assert_eq!((row.period_start, row.csat_n), (i.period_start, i.csat_n));
    }
}

#[test]
fn the_json_carries_the_sections() {
    let report = demo(false);
    let text = report.to_json();
    let sections = serde_json::to_string(&report.sections).unwrap();
    assert!(text.ends_with(&format!(",\"sections\":{sections}}}")));
    // serde_json reads floats to within an ulp: compare what is exact.
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let back: Sections = serde_json::from_value(json["sections"].clone()).unwrap();
    assert_eq!(back.heatmap, report.sections.heatmap);
    assert_eq!(json["sections"]["backlog_ages"]["backlog"], 40);
    assert_eq!(json["sections"]["intervals"][0]["csat_n"], 58);
}

#[test]
fn an_undefined_interval_says_why() {
    let report = demo(false);
    // Without the surveys file every interval is undefined.
    let by = {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/demo");
        let sources = Sources {
            tickets: Some(dir.join("tickets.csv")),
            ..Sources::default()
        };
        let loaded = load(&sources, &ReadOptions::new()).unwrap();
        Report::compute(&loaded.input, &ReportOptions::default()).unwrap()
    };
    let i = &by.sections.intervals[0];
    assert_eq!((i.csat_low_pct, i.csat_n), (None, 0));
    assert_eq!(i.undefined["csat_low_pct"], "no CSAT responses");
    assert_eq!(i.undefined["nps_high"], by.rows[0].undefined["nps"]);
    assert!(report.sections.intervals[0].undefined.is_empty());
}

fn at(s: &str) -> DateTime<Utc> {
    format!("{s}T12:00:00Z").parse().unwrap()
}

/// Six customers over January–March 2021 (UTC, months), worked out by hand:
///
/// | id | acquired | churned | revenue |
/// |---|---|---|---|
/// | a | 2020-12-10 | 2021-02-15 | 100 |
/// | b | 2020-11-01 | — | 300 |
/// | c | 2021-01-20 | — | 50 |
/// | d | 2021-02-20 | — | 0 |
/// | e | 2021-02-03 | 2021-03-10 | 80 |
/// | f | 2021-01-05 | 2021-01-25 | 20 |
///
/// Revenue on a day: the revenue from the acquisition date, zero from the churn date.
/// - January: on Jan 1 a (100) and b (300) have revenue: n = 2, start 400; on Feb 1 both still
///   do: end 400, GRR = NRR = 100 %. (c and f arrive during January: not in its cohort.)
/// - February: on Feb 1 a, b, c: n = 3, start 450; on Mar 1 a has churned: end 350, one
///   churned, GRR = NRR = 100 × 350 / 450 = 77.7778 %. (d has zero revenue: never in a cohort.)
/// - March: on Mar 1 b, c, e: n = 3, start 430; on Apr 1 e has churned: end 350, one churned,
///   GRR = NRR = 100 × 350 / 430 = 81.3953 %.
///
/// Cohorts (acquired in the report's periods): January {c, f}: f is gone by the end of
/// January, so active [1, 1, 1] of 2 (50 %); February {d, e}: both at the end of February, e
/// gone by the end of March: [2, 1] (100 %, 50 %). No March cohort.
fn hand_customers() -> Vec<Customer> {
    let usd = Currency::new("USD").unwrap();
    let c = |id: &str, acquired: &str, churned: Option<&str>, revenue: i64| {
        let mut c = Customer::new(id, at(acquired))
            .unwrap()
            .with_revenue(Money::new(Decimal::from(revenue), usd));
        if let Some(ch) = churned {
            c = c.with_churned_at(at(ch)).unwrap();
        }
        c
    };
    vec![
        c("a", "2020-12-10", Some("2021-02-15"), 100),
        c("b", "2020-11-01", None, 300),
        c("c", "2021-01-20", None, 50),
        c("d", "2021-02-20", None, 0),
        c("e", "2021-02-03", Some("2021-03-10"), 80),
        c("f", "2021-01-05", Some("2021-01-25"), 20),
    ]
}

fn hand_options() -> ReportOptions {
    let d = |m| chrono::NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    ReportOptions::default()
        .with_period(Period::Month)
        .with_range(d(1), d(3))
}

fn assert_hand_sections(s: &Sections) {
    let rows: Vec<(String, u64, u64, Decimal, Decimal, Decimal, Decimal)> = s
        .revenue_retention
        .iter()
        .map(|r| {
            (
                r.period_start.to_string(),
                r.n,
                r.churned,
                r.start_revenue.unwrap(),
                r.end_revenue.unwrap(),
                r.grr_pct.unwrap().round_dp(4),
                r.nrr_pct.unwrap().round_dp(4),
            )
        })
        .collect();
    let row = |m: &str, n, churned, start: i64, end: i64, pct: &str| {
        (
            m.to_owned(),
            n,
            churned,
            Decimal::from(start),
            Decimal::from(end),
            dec(pct),
            dec(pct),
        )
    };
    assert_eq!(
        rows,
        [
            row("2021-01-01", 2, 0, 400, 400, "100"),
            row("2021-02-01", 3, 1, 450, 350, "77.7778"),
            row("2021-03-01", 3, 1, 430, 350, "81.3953"),
        ]
    );
    assert!(
        s.revenue_retention
            .iter()
            .all(|r| r.currency.unwrap().as_str() == "USD")
    );
    let cohorts: Vec<(String, u64, Vec<u64>, Vec<f64>)> = s
        .cohorts
        .iter()
        .map(|c| {
            (
                c.cohort_start.to_string(),
                c.size,
                c.active.clone(),
                c.share_pct.clone(),
            )
        })
        .collect();
    assert_eq!(
        cohorts,
        [
            ("2021-01-01".to_owned(), 2, vec![1, 1, 1], vec![50.0; 3]),
            ("2021-02-01".to_owned(), 2, vec![2, 1], vec![100.0, 50.0]),
        ]
    );
}

#[test]
fn revenue_retention_and_cohorts_worked_by_hand() {
    let input = ReportInput {
        customers: hand_customers(),
        ..ReportInput::default()
    };
    let o = hand_options();
    let records = Report::compute_records(&input, &o).unwrap();
    assert_hand_sections(&records.sections);
    let columnar = Report::compute(&input, &o).unwrap();
    assert_eq!(columnar.sections, records.sections);
    // The customers in any order, split over states (counted in one each), through bytes.
    let mut reversed = hand_customers();
    reversed.reverse();
    let states = reversed
        .chunks(2)
        .map(|cs| {
            let part = ReportInput {
                customers: cs.to_vec(),
                ..ReportInput::default()
            };
            let s = ReportState::from_input_shared(&part, &o, Share::Count).unwrap();
            ReportState::from_bytes(&s.to_bytes()).unwrap()
        })
        .collect::<Vec<_>>();
    // Combined in either order, the same bytes.
    let combine = |x: &ReportState, y: &ReportState| {
        supportkpi::report::combine([x.clone(), y.clone()]).unwrap()
    };
    assert_eq!(
        combine(&states[0], &states[1]).to_bytes(),
        combine(&states[1], &states[0]).to_bytes()
    );
    assert_eq!(supportkpi::report::merge(states).unwrap(), records);
    // Customers given as lookups only count nowhere.
    let lookup = ReportState::from_input_shared(&input, &o, Share::LookupOnly).unwrap();
    let s = lookup.finish().unwrap().sections;
    assert!(s.revenue_retention.is_empty() && s.cohorts.is_empty());
}

#[test]
fn revenue_retention_says_why_it_is_undefined() {
    let o = hand_options();
    let eur = Currency::new("EUR").unwrap();
    // Mixed currencies: the report stands, the revenue section says why.
    let mut customers = hand_customers();
    customers.push(
        Customer::new("g", at("2020-10-01"))
            .unwrap()
            .with_revenue(Money::new(Decimal::from(5), eur)),
    );
    let input = ReportInput {
        customers,
        ..ReportInput::default()
    };
    let report = Report::compute(&input, &o).unwrap();
    let jan = &report.sections.revenue_retention[0];
    assert_eq!((jan.grr_pct, jan.start_revenue, jan.n), (None, None, 0));
    assert!(
        jan.undefined["grr_pct"].contains("currency"),
        "{:?}",
        jan.undefined
    );
    // The cohorts do not need revenue.
    assert_eq!(report.sections.cohorts.len(), 2);
    // No revenue at all.
    let bare: Vec<Customer> = hand_customers()
        .iter()
        .map(|c| {
            let mut b = Customer::new(c.id().as_str(), c.acquired_at()).unwrap();
            if let Some(ch) = c.churned_at() {
                b = b.with_churned_at(ch).unwrap();
            }
            b
        })
        .collect();
    let input = ReportInput {
        customers: bare,
        ..ReportInput::default()
    };
    let report = Report::compute(&input, &o).unwrap();
    let s = &report.sections.revenue_retention;
    assert_eq!(s.len(), 3);
    assert_eq!(
        s[0].undefined["nrr_pct"],
        "no customer has a recurring revenue"
    );
    // An empty starting cohort: the KPI's own reason. Before any customer, in 2020-01.
    let d = |y, m| chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap();
    let early = ReportOptions::default().with_range(d(2020, 1), d(2020, 1));
    let input = ReportInput {
        customers: hand_customers(),
        ..ReportInput::default()
    };
    let r = &Report::compute(&input, &early)
        .unwrap()
        .sections
        .revenue_retention[0];
    assert_eq!(
        (r.n, r.grr_pct, r.start_revenue),
        (0, None, Some(Decimal::ZERO))
    );
    assert_eq!(
        r.undefined["grr_pct"],
        "no customers with recurring revenue at the period start"
    );
    // A negative revenue is refused by the rule, not by the report.
    let mut customers = hand_customers();
    customers.push(
        Customer::new("h", at("2020-10-01"))
            .unwrap()
            .with_revenue(Money::new(Decimal::from(-5), Currency::new("USD").unwrap())),
    );
    let input = ReportInput {
        customers,
        ..ReportInput::default()
    };
    let r = &Report::compute(&input, &o)
        .unwrap()
        .sections
        .revenue_retention[0];
    assert!(
        r.undefined["grr_pct"].contains("recurring revenue"),
        "{:?}",
        r.undefined
    );
}

#[test]
fn a_returning_customer_can_expand_or_contract() {
    // r: 100 from 2020-12-01 to its churn on 2021-01-10; back on 2021-01-20 at 160; churned
    // again on 2021-02-05 12:00 and back the same day at 18:00 at 50 (the day's last change
    // holds: 50 from February 5).
    // January: start 100 (n = 1), end 160: GRR = 100 × min(100, 160) / 100 = 100 %, NRR = 160 %.
    // February: start 160, end 50: GRR = NRR = 100 × 50 / 160 = 31.25 %.
    // March: 50 → 50: 100 %. Cohorts: r's January return is a new member of January's cohort,
    // gone by the end of February (its February return is February's cohort): [1, 0, 0] and
    // [1, 1].
    let usd = Currency::new("USD").unwrap();
    let rec = |from: &str, to: Option<DateTime<Utc>>, units: i64| {
        let c = Customer::new("r", from.parse::<DateTime<Utc>>().unwrap())
            .unwrap()
            .with_revenue(Money::new(Decimal::from(units), usd));
        match to {
            Some(t) => c.with_churned_at(t).unwrap(),
            None => c,
        }
    };
    let customers = vec![
        rec("2021-02-05T18:00:00Z", None, 50),
        rec("2020-12-01T12:00:00Z", Some(at("2021-01-10")), 100),
        rec(
            "2021-01-20T12:00:00Z",
            Some("2021-02-05T12:00:00Z".parse().unwrap()),
            160,
        ),
    ];
    let input = ReportInput {
        customers,
        ..ReportInput::default()
    };
    let o = hand_options();
    let r = Report::compute_records(&input, &o).unwrap();
    assert_eq!(Report::compute(&input, &o).unwrap().sections, r.sections);
    let got: Vec<(u64, Decimal, Decimal)> = r
        .sections
        .revenue_retention
        .iter()
        .map(|p| (p.n, p.grr_pct.unwrap(), p.nrr_pct.unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (1, Decimal::from(100), Decimal::from(160)),
            (1, dec("31.25"), dec("31.25")),
            (1, Decimal::from(100), Decimal::from(100)),
        ]
    );
    let cohorts: Vec<(u64, Vec<u64>)> = r
        .sections
        .cohorts
        .iter()
        .map(|c| (c.size, c.active.clone()))
        .collect();
    assert_eq!(cohorts, [(1, vec![1, 0, 0]), (1, vec![1, 1])]);
}

#[test]
fn the_demo_sections_over_buckets() {
    // Tickets and surveys by the bucket rule, customers counted in one state: over 1, 3 and 8
    // buckets (through their bytes) the same report as one process, sections included.
    let one = demo(false);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/demo");
    let sources = Sources {
        tickets: Some(dir.join("tickets.csv")),
        surveys: Some(dir.join("surveys.csv")),
        customers: Some(dir.join("customers.csv")),
        ..Sources::default()
    };
    let input = load(&sources, &ReadOptions::new()).unwrap().input;
    for buckets in [1, 3, 8] {
        let states =
            crate::columnar::bucket_states(&input, &ReportOptions::default(), buckets).unwrap();
        let report = supportkpi::report::merge(states).unwrap();
        assert_demo_sections(&report.sections);
        assert_eq!(report, one, "{buckets} buckets");
    }
}

/// A report of some sections has exactly those, with the full report's values, from both
/// engines and through a state's bytes; the others are empty.
#[test]
fn the_selected_sections_only() {
    for events in [false, true] {
        let full = demo(events);
        let input = demo_input(events);
        let o = ReportOptions::default().with_sections([Section::Intervals, Section::Cohorts]);
        let some = Report::compute(&input, &o).unwrap();
        // The rows do not depend on the sections.
        assert!(some.rows == full.rows);
        let s = &some.sections;
        assert_eq!(s.intervals, full.sections.intervals);
        assert_eq!(s.cohorts, full.sections.cohorts);
        assert_eq!(s.cohorts.len(), 11);
        assert_eq!(s.heatmap, [[0; 24]; 7]);
        assert!(s.spike_days.is_empty() && s.revenue_retention.is_empty());
        assert_eq!(s.backlog_ages, None);
        let state = ReportState::from_input(&input, &o).unwrap();
        let back = ReportState::from_bytes(&state.to_bytes()).unwrap();
        assert_eq!(back.options().sections, o.sections);
        assert!(back.finish().unwrap() == some);

        // The complement: the other three, equal to the full report's.
        let o = ReportOptions::default().with_sections([
            Section::Arrivals,
            Section::BacklogAges,
            Section::RevenueRetention,
        ]);
        let rest = Report::compute(&input, &o).unwrap();
        let s = &rest.sections;
        assert!(s.intervals.is_empty() && s.cohorts.is_empty());
        assert_eq!(s.heatmap, full.sections.heatmap);
        assert_eq!(s.spike_days, full.sections.spike_days);
        assert_eq!(s.backlog_ages.as_ref().unwrap().backlog, 40);
        assert_eq!(s.backlog_ages, full.sections.backlog_ages);
        assert_eq!(s.revenue_retention, full.sections.revenue_retention);
        assert_eq!(s.revenue_retention.len(), 12);

        // None: the rows only, and a state that keeps no arrival, open ticket or customer.
        let none = ReportOptions::default().with_sections(SectionSet::NONE);
        let bare = ReportState::from_input(&input, &none).unwrap();
        let all = ReportState::from_input(&input, &ReportOptions::default()).unwrap();
        assert!(bare.to_bytes().len() < all.to_bytes().len());
        let report = bare.finish().unwrap();
        assert!(report.rows == full.rows);
        assert_eq!(report.sections, Sections::default());
    }
}

#[test]
fn states_of_other_sections_do_not_combine() {
    let input = demo_input(false);
    let a = ReportState::from_input(&input, &ReportOptions::default()).unwrap();
    let o = ReportOptions::default().with_sections(Section::Intervals);
    let b = ReportState::from_input(&input, &o).unwrap();
    let err = supportkpi::report::combine([a, b]).unwrap_err();
    assert_eq!(err.kind(), supportkpi::ErrorKind::IncompatibleMerge);
}

#[test]
fn the_sections_option_in_json() {
    // Absent: all, and the default serializes without the key (old requests and states alike).
    let o: ReportOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(o.sections, SectionSet::ALL);
    let text = serde_json::to_string(&ReportOptions::default()).unwrap();
    assert!(!text.contains("sections"), "{text}");
    let o: ReportOptions =
        serde_json::from_str(r#"{"sections": ["backlog_ages", "intervals"]}"#).unwrap();
    assert_eq!(
        o.sections,
        SectionSet::from([Section::Intervals, Section::BacklogAges])
    );
    let text = serde_json::to_string(&o).unwrap();
    assert!(
        text.contains(r#""sections":["intervals","backlog_ages"]"#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<ReportOptions>(&text).unwrap(), o);
    let o: ReportOptions = serde_json::from_str(r#"{"sections": []}"#).unwrap();
    assert_eq!(o.sections, SectionSet::NONE);
    // An unknown name says which and lists the valid ones.
    let err = serde_json::from_str::<ReportOptions>(r#"{"sections": ["heatmap"]}"#).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("heatmap"), "{text}");
    assert!(
        text.contains("intervals, arrivals, backlog_ages, revenue_retention, cohorts"),
        "{text}"
    );
    let err = "intervals,heatmap".parse::<SectionSet>().unwrap_err();
    assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidOption);
    assert_eq!(err.field(), Some("sections"));
    assert_eq!(err.value(), Some("heatmap"));
}
