//! Revenue retention against a literal reading of docs/definitions.md ("Revenue retention"):
//! every period, every customer, every sum written out, down to each Decimal's scale.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use supportkpi::kpi::{
    Accumulator, Kpi, RevenuePeriod, RevenueRetention, RevenueRetentionOptions, RevenueSnapshot,
};
use supportkpi::model::{Currency, Money};
use supportkpi::time::{Period, PeriodKey};

type Book = BTreeMap<String, BTreeMap<NaiveDate, Decimal>>;

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()
}

/// An exact sum as the definition means it: the value, at the largest scale of its terms (0 for
/// no terms), a zero sum being a positive zero.
fn exact_sum(terms: &[Decimal]) -> Decimal {
    let scale = terms.iter().map(Decimal::scale).max().unwrap_or(0);
    let mut sum = terms.iter().fold(Decimal::ZERO, |a, x| a + x);
    sum.rescale(scale);
    assert_eq!(
        sum.scale(),
        scale,
        "test amounts stay far from Decimal's limits"
    );
    if sum.is_zero() {
        sum.set_sign_positive(true);
    }
    sum
}

/// The latest amount on or before `day`, zero before the first snapshot.
fn at(by_date: &BTreeMap<NaiveDate, Decimal>, day: NaiveDate) -> Decimal {
    by_date
        .range(..=day)
        .next_back()
        .map_or(Decimal::ZERO, |(_, v)| *v)
}

/// One period by the definition: start = latest snapshot on or before the first day, end =
/// latest on or before the day after the period; the cohort is start > 0.
fn reference_row(book: &Book, k: PeriodKey) -> RevenuePeriod {
    let (mut start, mut end, mut retained) = (vec![], vec![], vec![]);
    let (mut expansion, mut contraction, mut churned) = (vec![], vec![], vec![]);
    let mut lost = 0;
    for by_date in book.values() {
        let (s, e) = (at(by_date, k.start), at(by_date, k.end()));
        if s <= Decimal::ZERO {
            continue;
        }
        start.push(s);
        end.push(e);
        retained.push(s.min(e));
        if e.is_zero() {
            lost += 1;
            churned.push(s);
        } else if e < s {
            contraction.push(s - e);
        } else {
            expansion.push(e - s);
        }
    }
    let cohort = start.len() as u64;
    let (start, end, retained) = (exact_sum(&start), exact_sum(&end), exact_sum(&retained));
    let rate = |num: Decimal| {
        if cohort == 0 {
            supportkpi::kpi::Metric::undefined(
                "no customers with recurring revenue at the period start",
            )
        } else {
            supportkpi::kpi::Metric::Value((num * Decimal::ONE_HUNDRED).checked_div(start).unwrap())
        }
    };
    RevenuePeriod {
        period: k,
        starting_customers: cohort,
        churned_customers: lost,
        grr_pct: rate(retained),
        nrr_pct: rate(end),
        start_revenue: start,
        retained_revenue: retained,
        end_revenue: end,
        expansion: exact_sum(&expansion),
        contraction: exact_sum(&contraction),
        churned_revenue: exact_sum(&churned),
    }
}

/// Every amount as text, so that a scale (or a negative zero) that differs shows.
fn text(p: &RevenuePeriod) -> String {
    format!(
        "{:?} n={} lost={} start={} retained={} end={} exp={} contr={} churn={} grr={:?} nrr={:?}",
        p.period,
        p.starting_customers,
        p.churned_customers,
        p.start_revenue,
        p.retained_revenue,
        p.end_revenue,
        p.expansion,
        p.contraction,
        p.churned_revenue,
        p.grr_pct.value().map(|v| v.to_string()),
        p.nrr_pct.value().map(|v| v.to_string()),
    )
}

fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        2 => Just(Decimal::ZERO),
        1 => (0..4_u32).prop_map(|s| Decimal::new(0, s)),
        1 => (0..4_u32).prop_map(|s| -Decimal::new(0, s)),
        6 => (1..2_000_000_i64, 0..4_u32).prop_map(|(m, s)| Decimal::new(m, s)),
        2 => (1..5_i64).prop_map(|v| Decimal::new(v * 100, 2)),
        2 => (1..5_i64).prop_map(Decimal::from),
    ]
}

/// Up to 12 customers, each with up to 7 snapshots (same-day ones collapse to one), churns
/// (zero), returns and equal amounts at other scales included.
fn book() -> impl Strategy<Value = Book> {
    prop::collection::vec(prop::collection::vec((0..200_i64, amount()), 0..8), 0..13).prop_map(
        |customers| {
            customers
                .into_iter()
                .enumerate()
                .filter(|(_, s)| !s.is_empty())
                .map(|(i, s)| {
                    let by_date = s
                        .into_iter()
                        .map(|(d, v)| (day0() + Duration::days(d), v))
                        .collect();
                    (format!("c{i}"), by_date)
                })
                .collect()
        },
    )
}

fn snapshots(book: &Book) -> Vec<RevenueSnapshot> {
    let eur = Currency::new("EUR").unwrap();
    book.iter()
        .flat_map(|(id, by_date)| {
            by_date.iter().map(move |(on, v)| {
                RevenueSnapshot::new(id.as_str(), *on, Money::new(*v, eur)).unwrap()
            })
        })
        .collect()
}

fn options() -> impl Strategy<Value = RevenueRetentionOptions> {
    let period = prop_oneof![Just(Period::Day), Just(Period::Week), Just(Period::Month)];
    let range = prop::option::of((-30..230_i64, 0..120_i64));
    (period, range).prop_map(|(period, range)| {
        let o = RevenueRetentionOptions::default().with_period(period);
        match range {
            Some((a, len)) => {
                let first = day0() + Duration::days(a);
                o.with_range(first, first + Duration::days(len))
            }
            None => o,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn revenue_retention_is_the_definition_to_the_last_digit(
        book in book(), opts in options(), mask in any::<u64>(),
    ) {
        let snaps = snapshots(&book);
        let kpi = RevenueRetention::new(opts).unwrap();
        let got = kpi.compute(&snaps).unwrap();
        prop_assert_eq!(got.customers, book.len() as u64);
        let want: Vec<String> = got.periods.iter().map(|p| text(&reference_row(&book, p.period))).collect();
        let have: Vec<String> = got.periods.iter().map(text).collect();
        prop_assert_eq!(have, want);
        // The reported periods: the range's, else the first to the last snapshot's.
        let days: Vec<NaiveDate> = book.values().flat_map(|m| m.keys().copied()).collect();
        let bounds = opts.range.or_else(|| Some((*days.iter().min()?, *days.iter().max()?)));
        match bounds {
            Some((first, last)) => {
                prop_assert!(got.periods.first().unwrap().period.start <= first);
                prop_assert!(got.periods.last().unwrap().period.end() > last);
                prop_assert!(got.periods.last().unwrap().period.start <= last);
                for w in got.periods.windows(2) {
                    prop_assert_eq!(w[0].period.end(), w[1].period.start);
                }
            }
            None => prop_assert!(got.periods.is_empty()),
        }

        // Any split of the snapshots, merged, finishes to the same result.
        let (mut a, mut b) = (kpi.accumulator(), kpi.accumulator());
        for (i, s) in snaps.iter().enumerate() {
            if mask >> (i % 64) & 1 == 1 { a.push(s).unwrap() } else { b.push(s).unwrap() }
        }
        b.merge(a).unwrap();
        prop_assert_eq!(b.finish(), got);
    }
}
