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

use supportkpi::io::{ReadOptions, Sources, load};
use supportkpi::report::{Report, ReportOptions, Sections};

fn demo(events: bool) -> Report {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/demo");
    let sources = Sources {
        tickets: Some(dir.join("tickets.csv")),
        events: events.then(|| dir.join("events.csv")),
        surveys: Some(dir.join("surveys.csv")),
        ..Sources::default()
    };
    let loaded = load(&sources, &ReadOptions::new()).unwrap();
    assert_eq!(loaded.input.histories.is_empty(), !events);
    Report::compute(&loaded.input, &ReportOptions::default()).unwrap()
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
