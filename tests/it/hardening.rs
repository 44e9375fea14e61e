//! Hostile inputs (issue #19): each ends in a clear, typed error or the right answer, in
//! bounded time and memory.

use chrono::{NaiveDate, TimeZone, Utc};
use std::time::{Duration, Instant as Clock};
use supportkpi::model::{Currency, Money, SurveyKind};
use supportkpi::report::{
    DEFAULT_MAX_PERIODS, Report, ReportAccumulator, ReportInput, ReportOptions, ReportState,
};
use supportkpi::{CostEntry, ErrorKind, Period, SurveyResponse, Ticket};

fn at(y: i32, m: u32, d: u32) -> supportkpi::model::Instant {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The reproducer: one ticket from year 1 to 9999, by day, took > 6.7 GB.
fn span_ticket() -> ReportInput {
    let t = Ticket::builder("T-1", at(1, 1, 1))
        .resolved_at(at(9999, 12, 31))
        .build()
        .unwrap();
    ReportInput {
        tickets: vec![t],
        ..ReportInput::default()
    }
}

#[test]
fn a_ticket_spanning_the_calendar_by_day_is_a_clear_error() {
    let clock = Clock::now();
    for period in [Period::Day, Period::Week, Period::Month] {
        let options = ReportOptions::default().with_period(period);
        for result in [
            Report::compute(&span_ticket(), &options),
            Report::compute_records(&span_ticket(), &options),
            // The compact state of `sk.partial` and the engines checks it as it reads.
            ReportState::from_input(&span_ticket(), &options).and_then(ReportState::finish),
        ] {
            let err = result.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidOption, "{err}");
            let record = err.record().unwrap();
            assert_eq!(
                (record.record_type, record.id.as_deref()),
                ("ticket", Some("T-1"))
            );
            assert_eq!(err.field(), Some("resolved_at"));
            assert_eq!(err.value(), Some("9999-12-31T00:00:00+00:00"));
            let text = err.to_string();
            assert!(text.contains("max_periods = 10000"), "{text}");
            assert!(text.contains("0001-01-01..9999-12-31"), "{text}");
        }
    }
    // Days from 0001-01-01 to 9999-12-31 inclusive.
    let err = Report::compute(
        &span_ticket(),
        &ReportOptions::default().with_period(Period::Day),
    )
    .unwrap_err();
    assert!(err.to_string().contains("3652059 periods"), "{err}");
    assert!(clock.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_range_bounds_the_report_whatever_the_records_span() {
    let options = ReportOptions::default()
        .with_period(Period::Day)
        .with_range(date(2021, 1, 1), date(2021, 1, 3));
    let report = Report::compute(&span_ticket(), &options).unwrap();
    let rows: Vec<_> = report.total_rows().collect();
    assert_eq!(rows.len(), 3);
    // Created in year 1, resolved in 9999: open all through 2021.
    assert!(
        rows.iter()
            .all(|r| r.backlog_end == 1 && r.tickets_created == 0)
    );
    // A range longer than the bound is refused before anything is read.
    let err = ReportAccumulator::new(
        ReportOptions::default()
            .with_period(Period::Day)
            .with_range(date(2021, 1, 1), date(2400, 1, 5)),
    )
    .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::InvalidOption, Some("range"))
    );
    assert!(err.to_string().contains("138431"), "{err}");
    let err = ReportAccumulator::new(ReportOptions::default().with_max_periods(0)).unwrap_err();
    assert_eq!(err.field(), Some("max_periods"));
}

#[test]
fn the_bound_is_an_option_and_counts_in_the_reports_zone() {
    assert_eq!(ReportOptions::default().max_periods, DEFAULT_MAX_PERIODS);
    // 2021-01-01 00:00 to 2021-01-10 00:00 UTC: ten UTC days.
    let t = Ticket::builder("T-1", at(2021, 1, 1))
        .resolved_at(at(2021, 1, 10))
        .build()
        .unwrap();
    let input = ReportInput {
        tickets: vec![t],
        ..ReportInput::default()
    };
    let day = ReportOptions::default().with_period(Period::Day);
    assert_eq!(
        Report::compute(&input, &day.clone().with_max_periods(10))
            .unwrap()
            .total_rows()
            .count(),
        10
    );
    let err = Report::compute(&input, &day.clone().with_max_periods(9)).unwrap_err();
    assert!(err.to_string().contains("10 periods"), "{err}");
    // In New York both instants are the evening before: still ten local days.
    let ny = day
        .with_zone(chrono_tz::America::New_York)
        .with_max_periods(10);
    assert_eq!(
        Report::compute(&input, &ny).unwrap().total_rows().count(),
        10
    );
}

#[test]
fn surveys_costs_and_merged_partitions_are_bounded_too() {
    let options = ReportOptions::default()
        .with_period(Period::Day)
        .with_max_periods(100);
    let survey = |id: &str, y| SurveyResponse::new(id, at(y, 1, 1), SurveyKind::Nps, 9).unwrap();
    let mut a = ReportAccumulator::new(options.clone()).unwrap();
    a.push_survey(&survey("S-1", 2021), None).unwrap();
    let err = a.push_survey(&survey("S-2", 2022), None).unwrap_err();
    assert_eq!(err.record().unwrap().id.as_deref(), Some("S-2"));
    assert_eq!(err.field(), Some("responded_at"));

    // Each partition within the bound, together beyond it.
    let mut a = ReportAccumulator::new(options.clone()).unwrap();
    a.push_survey(&survey("S-1", 2021), None).unwrap();
    let mut b = ReportAccumulator::new(options.clone()).unwrap();
    b.push_survey(&survey("S-2", 2022), None).unwrap();
    let state = serde_json::to_string(&b).unwrap();
    let b: ReportAccumulator = serde_json::from_str(&state).unwrap();
    let err = a.merge(b).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOption);
    assert!(err.to_string().contains("max_periods"), "{err}");

    let mut a = ReportAccumulator::new(options).unwrap();
    let usd = |n: i64| {
        Money::new(
            rust_decimal::Decimal::from(n),
            Currency::new("USD").unwrap(),
        )
    };
    let cost = CostEntry::new(date(2000, 1, 1), date(2030, 1, 1), usd(5)).unwrap();
    let err = a.push_cost(&cost).unwrap_err();
    assert_eq!(err.record().unwrap().record_type, "cost_entry");
    assert_eq!(err.field(), Some("end"));
}

#[test]
fn the_generator_refuses_what_it_could_not_hold_or_the_readers_read() {
    use supportkpi_synth::{MAX_CUSTOMERS, Synth, SynthOptions};
    let err = Synth::new(SynthOptions::new(100_000_000_000)).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::InvalidOption, Some("tickets"))
    );
    // The default customers stop at the bound instead of growing with the tickets.
    assert_eq!(
        SynthOptions::new(10_000_000_000).customers_or_default(),
        MAX_CUSTOMERS
    );
    let late = SynthOptions::new(10).start(date(9999, 12, 1));
    assert_eq!(Synth::new(late).unwrap_err().field(), Some("start"));
    assert!(Synth::new(SynthOptions::new(10).start(date(9997, 12, 1)).days(365)).is_ok());
}

mod lenient {
    //! Lenient reads account for every record: accepted + rejected = read, each reject with
    //! its line, whatever mix of good and bad rows (record-level rules checked at read time).
    use proptest::prelude::*;
    use supportkpi::io::{ErrorMode, ReadOptions, read_costs, read_surveys};
    use supportkpi::kpi::{CesOptions, CsatOptions};
    use supportkpi::{ErrorKind, SurveyResponse};

    /// A survey row: good, or broken in one way; `(csv cells, json object, good)`.
    fn survey_row(i: usize, kind: u8) -> (String, String, bool) {
        let id = format!("S-{i}");
        let at = "2021-06-01T00:00:00Z";
        let (id, at, k, score, good) = match kind {
            0 => (id, at, "csat", 5, true),
            1 => (id, at, "csat", 0, false),
            2 => (id, at, "ces", 6, false),
            3 => (id, at, "nps", 11, false),
            4 => (id, "2021-13-01T00:00:00Z", "nps", 9, false),
            5 => ("S-0".to_owned(), at, "nps", 9, false), // a duplicate of the first row
            6 => (id, at, "ces", 1, true),
            _ => (id, at, "nps", 10, true),
        };
        (
            format!("{id},{at},{k},{score}\n"),
            format!(
                "{{\"id\":\"{id}\",\"responded_at\":\"{at}\",\"kind\":\"{k}\",\"score\":{score}}}\n"
            ),
            good,
        )
    }

    fn lenient() -> ReadOptions {
        ReadOptions::new()
            .errors(ErrorMode::Lenient)
            .survey_scales(CsatOptions::default(), CesOptions::default())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn surveys_in_csv_and_json_lines(kinds in proptest::collection::vec(0u8..8, 0..40)) {
            let dir = std::env::temp_dir().join(format!("sk-lenient-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            // The first row is always good, so that a duplicate of it is the later one.
            let rows: Vec<_> = std::iter::once(0)
                .chain(kinds.iter().copied())
                .enumerate()
                .map(|(i, k)| survey_row(i, k))
                .collect();
            let good = rows.iter().filter(|r| r.2).count();
            let csv_path = dir.join("s.csv");
            let json_path = dir.join("s.jsonl");
            let mut csv = String::from("id,responded_at,kind,score\n");
            let mut json = String::new();
            for (c, j, _) in &rows {
                csv.push_str(c);
                json.push_str(j);
            }
            std::fs::write(&csv_path, csv).unwrap();
            std::fs::write(&json_path, json).unwrap();
            for (path, header) in [(&csv_path, 1), (&json_path, 0)] {
                let out = read_surveys(path, &lenient()).unwrap();
                prop_assert_eq!(out.records.len() + out.rejected.len(), rows.len());
                prop_assert_eq!(out.read as usize, rows.len());
                prop_assert_eq!(out.records.len(), good);
                let bad_lines: Vec<u64> = rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| !r.2)
                    .map(|(i, _)| i as u64 + 1 + header)
                    .collect();
                let lines: Vec<u64> = out.rejected.iter().map(|r| r.line).collect();
                prop_assert_eq!(lines, bad_lines);
                prop_assert!(out.records.iter().all(|r: &SurveyResponse| r.score() > 0 || r.kind() == supportkpi::model::SurveyKind::Nps));
            }
        }
    }

    #[test]
    fn mixed_currencies_are_rejected_per_record_with_their_line() {
        let dir = std::env::temp_dir().join(format!("sk-currency-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("costs.csv");
        std::fs::write(
            &path,
            "start,end,amount,currency\n2021-06-01,2021-06-30,100,USD\n\
             2021-07-01,2021-07-31,90,EUR\n2021-08-01,2021-08-31,80,USD\n",
        )
        .unwrap();
        let out = read_costs(&path, &ReadOptions::new().errors(ErrorMode::Lenient)).unwrap();
        assert_eq!((out.records.len(), out.rejected.len(), out.read), (2, 1, 3));
        let r = &out.rejected[0];
        assert_eq!(r.line, 3);
        assert_eq!(r.error.kind(), ErrorKind::MixedCurrencies);
        assert_eq!(
            (r.error.field(), r.error.value()),
            (Some("currency"), Some("EUR"))
        );
        let err = read_costs(&path, &ReadOptions::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MixedCurrencies);
    }
}

/// The Arrow and Parquet readers apply the same read-time rules as the text readers (they call
/// the same checks); only the bound on a line, which guards files, does not apply to them.
#[cfg(feature = "arrow")]
mod arrow_route {
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    use supportkpi::ErrorKind;
    use supportkpi::io::{ErrorMode, MAX_LINE_BYTES, ReadOptions, arrow};
    use supportkpi::kpi::{CesOptions, CsatOptions};

    fn strings(v: &[&str]) -> ArrayRef {
        Arc::new(StringArray::from(v.to_vec()))
    }

    #[test]
    fn survey_scores_off_the_reports_scales_are_rows_set_aside() {
        let batch = RecordBatch::try_from_iter([
            ("id", strings(&["S-1", "S-2", "S-3", "S-4"])),
            ("responded_at", strings(&["2021-06-01T08:00:00Z"; 4])),
            ("kind", strings(&["csat", "csat", "ces", "nps"])),
            (
                "score",
                Arc::new(Int64Array::from(vec![5, 0, 6, 9])) as ArrayRef,
            ),
        ])
        .unwrap();
        let lenient = ReadOptions::new()
            .errors(ErrorMode::Lenient)
            .survey_scales(CsatOptions::default(), CesOptions::default());
        let out = arrow::read_surveys(arrow::batches([batch.clone()]), &lenient).unwrap();
        // CSAT 1-5 and CES 1-5 by default: S-2 (0) and S-3 (6) are off; rows 2 and 3.
        assert_eq!((out.records.len(), out.rejected.len(), out.read), (2, 2, 4));
        let lines: Vec<u64> = out.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3]);
        assert!(
            out.rejected
                .iter()
                .all(|r| r.error.kind() == ErrorKind::ScoreOutOfScale)
        );
        // Without the scales (a bare read), the report's compute is where they are checked.
        let bare = arrow::read_surveys(arrow::batches([batch]), &ReadOptions::new()).unwrap();
        assert_eq!(bare.records.len(), 4);
    }

    #[test]
    fn a_cost_table_takes_one_currency_as_a_cost_file_does() {
        let batch = RecordBatch::try_from_iter([
            (
                "start",
                strings(&["2021-06-01", "2021-07-01", "2021-08-01"]),
            ),
            ("end", strings(&["2021-06-30", "2021-07-31", "2021-08-31"])),
            ("amount", strings(&["100", "90", "80"])),
            ("currency", strings(&["USD", "EUR", "USD"])),
        ])
        .unwrap();
        let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
        let out = arrow::read_costs(arrow::batches([batch.clone()]), &lenient).unwrap();
        assert_eq!((out.records.len(), out.rejected.len(), out.read), (2, 1, 3));
        assert_eq!(out.rejected[0].line, 2);
        assert_eq!(out.rejected[0].error.kind(), ErrorKind::MixedCurrencies);
        let err = arrow::read_costs(arrow::batches([batch]), &ReadOptions::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MixedCurrencies);
    }

    #[test]
    fn a_table_cell_longer_than_a_files_line_bound_is_read() {
        let segment = "x".repeat(MAX_LINE_BYTES as usize + 10);
        let batch = RecordBatch::try_from_iter([
            ("id", strings(&["acme"])),
            ("acquired_at", strings(&["2021-01-01"])),
            ("segment", strings(&[segment.as_str()])),
        ])
        .unwrap();
        let out = arrow::read_customers(arrow::batches([batch]), &ReadOptions::new()).unwrap();
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.records[0].segment(), Some(segment.as_str()));
    }
}

/// The fuzzer's c_request finding: a ticket created in 6021 beside tickets of 2021, by month,
/// is 48,000 periods; at about 10 KB a report row that took over 1 GB. The default bound
/// (10,000 periods) refuses it, naming the ticket.
#[test]
fn a_far_future_ticket_by_month_is_refused_by_the_default_bound() {
    let t = |id: &str, y: i32| Ticket::builder(id, at(y, 1, 5)).build().unwrap();
    let input = ReportInput {
        tickets: vec![t("A", 2021), t("B", 6021)],
        ..ReportInput::default()
    };
    let options = ReportOptions::default().with_period(Period::Month);
    let err = Report::compute(&input, &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOption, "{err}");
    assert_eq!(err.record().unwrap().id.as_deref(), Some("B"));
    assert!(err.to_string().contains("max_periods = 10000"), "{err}");
    assert!(err.to_string().contains("48001 periods"), "{err}");
}

/// Tickets `T-0`… created on the first ten days of March 2024 (`i % 10`), each of customer
/// `C-{i % customers}`; `late` is resolved on the 15th, so the report has 15 daily periods.
fn customer_tickets(n: usize, customers: usize, late: Option<usize>) -> Vec<Ticket> {
    (0..n)
        .map(|i| {
            let created = Utc
                .with_ymd_and_hms(2024, 3, 1 + (i % 10) as u32, 9, 0, 0)
                .unwrap();
            let mut b = Ticket::builder(format!("T-{i}"), created)
                .customer_id(format!("C-{}", i % customers));
            if late == Some(i) {
                b = b.resolved_at(at(2024, 3, 15));
            }
            b.build().unwrap()
        })
        .collect()
}

#[test]
fn a_grouping_past_max_rows_is_refused_before_its_rows_are_made() {
    let daily = |max: u64| {
        ReportOptions::default()
            .with_period(Period::Day)
            .with_by("customer_id")
            .with_max_rows(max)
    };
    let input = ReportInput {
        tickets: customer_tickets(30, 3, None),
        ..ReportInput::default()
    };
    // 10 days × (3 customers + the total) = 40 rows: within 40, on both engines.
    let columns = Report::compute(&input, &daily(40)).unwrap();
    assert_eq!(columns.rows.len(), 40);
    assert_eq!(
        Report::compute_records(&input, &daily(40)).unwrap(),
        columns
    );
    assert_eq!(supportkpi::report::DEFAULT_MAX_ROWS, 500_000);
    assert_eq!(ReportOptions::default().max_rows, 500_000);

    // One row over. Both engines count a lower bound before their pass (the days of the
    // tickets' creation × their values); an accumulator fed record by record counts the rows
    // at its finish.
    let mut acc = ReportAccumulator::new(daily(39)).unwrap();
    for t in &input.tickets {
        acc.push_ticket(t, t.customer_id().map(|c| c.as_str()))
            .unwrap();
    }
    let refused = [
        (
            Report::compute(&input, &daily(39)).unwrap_err(),
            "at least ",
        ),
        (
            Report::compute_records(&input, &daily(39)).unwrap_err(),
            "at least ",
        ),
        (acc.finish().unwrap_err(), ""),
    ];
    for (err, least) in &refused {
        assert_eq!(err.kind(), ErrorKind::InvalidOption, "{err}");
        assert_eq!(
            (err.field(), err.value()),
            (Some("by"), Some("customer_id"))
        );
        let text = err.to_string();
        assert!(text.contains("at most max_rows = 39 rows"), "{text}");
        assert!(
            text.contains(&format!(
                "10 day periods × (3 values of customer_id and the total) make {least}40"
            )),
            "{text}"
        );
    }

    // A resolution on the 15th adds five periods the creations do not show: the lower bound
    // (40) passes, and the finish counts 15 × 4 = 60.
    let late = ReportInput {
        tickets: customer_tickets(30, 3, Some(7)),
        ..ReportInput::default()
    };
    assert_eq!(Report::compute(&late, &daily(60)).unwrap().rows.len(), 60);
    for err in [
        Report::compute(&late, &daily(59)).unwrap_err(),
        Report::compute_records(&late, &daily(59)).unwrap_err(),
    ] {
        assert!(
            err.to_string()
                .contains("15 day periods × (3 values of customer_id and the total) make 60"),
            "{err}"
        );
    }

    // Without grouping the rows are the periods.
    let err = Report::compute(
        &input,
        &ReportOptions::default()
            .with_period(Period::Day)
            .with_max_rows(9),
    )
    .unwrap_err();
    assert_eq!((err.field(), err.value()), (Some("period"), Some("day")));
    assert!(err.to_string().contains("10 day periods make 10"), "{err}");

    // A bound of no rows is no bound.
    let err = Report::compute(&input, &daily(0)).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::InvalidOption, Some("max_rows"))
    );
}

#[test]
fn partitions_within_max_rows_are_refused_once_merged_past_it() {
    let options = ReportOptions::default()
        .with_period(Period::Day)
        .with_by("customer_id")
        .with_max_rows(39);
    // C-0 alone (10 × 2 = 20 rows), then C-1 and C-2 (10 × 3 = 30): merged, 10 × 4 = 40.
    let tickets = customer_tickets(30, 3, None);
    let (a, b): (Vec<Ticket>, Vec<Ticket>) = tickets
        .into_iter()
        .partition(|t| t.customer_id().map(|c| c.as_str()) == Some("C-0"));
    let state = |tickets: Vec<Ticket>| {
        let input = ReportInput {
            tickets,
            ..ReportInput::default()
        };
        ReportState::from_input(&input, &options).unwrap()
    };
    let (a, b) = (state(a), state(b));
    assert_eq!(a.clone().finish().unwrap().rows.len(), 20);
    assert_eq!(b.clone().finish().unwrap().rows.len(), 30);
    let bytes = [a.to_bytes(), b.to_bytes()];
    let err = supportkpi::report::merge([a, b]).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::InvalidOption, Some("by"))
    );
    assert!(err.to_string().contains("make 40"), "{err}");
    // The bound travels with the options in the state's bytes.
    let back: Vec<ReportState> = bytes
        .iter()
        .map(|b| ReportState::from_bytes(b).unwrap())
        .collect();
    assert_eq!(supportkpi::report::merge(back).unwrap_err(), err);
}
