//! The one-pass report: its cells equal the per-KPI results on the same records, partitions
//! merged in any order (in process or through serialized state) equal one sequential pass.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use supportkpi::kpi::{
    Csat, FirstContactResolution, FirstResponseTime, FirstResponseTimeOptions, Kpi, Nps,
    ResolutionTime, ResolutionTimeOptions, SlaPolicy, SlaTarget,
};
use supportkpi::model::{Currency, Instant, Money, SurveyKind};
use supportkpi::report::{
    COLUMNS, NO_VALUE, Report, ReportAccumulator, ReportInput, ReportOptions,
};
use supportkpi::time::{Bucketer, parse_zone};
use supportkpi::{BusinessCalendar, CostEntry, Customer, Period, SurveyResponse, Ticket};

fn t0() -> Instant {
    Utc.with_ymd_and_hms(2021, 5, 3, 0, 0, 0).unwrap()
}

/// A ticket from small numbers: offsets in minutes from `t0`.
#[derive(Debug, Clone)]
struct Spec {
    created_min: i64,
    response_min: Option<i64>,
    resolve_min: Option<i64>,
    channel: Option<&'static str>,
    replies: u32,
    reopens: u32,
}

fn ticket(i: usize, s: &Spec) -> Ticket {
    let created = t0() + Duration::minutes(s.created_min);
    let mut b = Ticket::builder(format!("T-{i}").as_str(), created)
        .agent_replies(s.replies)
        .reopens(s.reopens)
        .priority(if i % 2 == 0 { "high" } else { "low" })
        .customer_id(format!("C-{}", i % 5).as_str());
    if let Some(c) = s.channel {
        b = b.channel(c);
    }
    if let Some(m) = s.response_min {
        b = b.first_response_at(created + Duration::minutes(m));
    }
    if let Some(m) = s.resolve_min {
        b = b.resolved_at(created + Duration::minutes(m));
    }
    b.build().unwrap()
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0i64..(90 * 24 * 60),
        proptest::option::of(0i64..3000),
        proptest::option::of(0i64..20_000),
        proptest::option::of(prop::sample::select(vec!["email", "chat", "phone"])),
        0u32..4,
        0u32..2,
    )
        .prop_map(|(c, r, z, ch, replies, reopens)| Spec {
            created_min: c,
            response_min: r,
            resolve_min: z.map(|z| z.max(r.unwrap_or(0))),
            channel: ch,
            replies,
            reopens,
        })
}

fn surveys_for(tickets: &[Ticket]) -> Vec<SurveyResponse> {
    tickets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let at = t.resolved_at()? + Duration::hours(1);
            let (kind, score) = match i % 3 {
                0 => (SurveyKind::Csat, (i % 5) as i32 + 1),
                1 => (SurveyKind::Nps, (i % 11) as i32),
                _ => (SurveyKind::Ces, (i % 5) as i32 + 1),
            };
            Some(
                SurveyResponse::new(format!("S-{i}").as_str(), at, kind, score)
                    .unwrap()
                    .with_ticket(t.id().as_str()),
            )
        })
        .collect()
}

fn customers() -> Vec<Customer> {
    (0..5)
        .map(|i| {
            let c = Customer::new(format!("C-{i}").as_str(), t0() - Duration::days(40))
                .unwrap()
                .with_segment(if i < 3 { "smb" } else { "enterprise" });
            if i == 4 {
                c.with_churned_at(t0() + Duration::days(45)).unwrap()
            } else {
                c
            }
        })
        .collect()
}

fn costs() -> Vec<CostEntry> {
    let usd = Currency::new("USD").unwrap();
    (5..=7)
        .map(|m| {
            let start = NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
            let end = NaiveDate::from_ymd_opt(2021, m + 1, 1)
                .unwrap()
                .pred_opt()
                .unwrap();
            CostEntry::new(start, end, Money::new(Decimal::new(30_000, 0), usd)).unwrap()
        })
        .collect()
}

fn options() -> ReportOptions {
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", parse_zone("Europe/Berlin").unwrap())
        .unwrap();
    let sla = SlaPolicy::new()
        .calendar(cal.clone())
        .first_response("high", SlaTarget::business(3600).unwrap())
        .first_response_default(SlaTarget::calendar(8 * 3600).unwrap())
        .resolution_default(SlaTarget::calendar(3 * 86_400).unwrap());
    ReportOptions::default()
        .with_period(Period::Month)
        .with_zone(parse_zone("Europe/Berlin").unwrap())
        .with_calendar(cal)
        .with_sla(sla)
        .with_by("channel")
}

/// One sequential pass, pushing every record into one accumulator.
fn sequential(input: &ReportInput, options: &ReportOptions) -> Report {
    let mut acc = ReportAccumulator::new(options.clone()).unwrap();
    push_range(&mut acc, input, options, 0..input.tickets.len(), true);
    acc.finish().unwrap()
}

fn push_range(
    acc: &mut ReportAccumulator,
    input: &ReportInput,
    options: &ReportOptions,
    range: std::ops::Range<usize>,
    with_rest: bool,
) {
    let by = options.by.as_deref();
    let segments = Default::default();
    for t in &input.tickets[range.clone()] {
        acc.push_ticket(t, ReportInput::ticket_dimension(t, by, &segments))
            .unwrap();
    }
    // Surveys of the tickets in the range go with them, with their ticket's dimension.
    for r in &input.surveys {
        let i: usize = r.ticket_id().unwrap().as_str()[2..].parse().unwrap();
        if range.contains(&i) {
            let t = &input.tickets[i];
            acc.push_survey(r, ReportInput::ticket_dimension(t, by, &segments))
                .unwrap();
        }
    }
    if with_rest {
        for c in &input.customers {
            acc.push_customer(c).unwrap();
        }
        for e in &input.costs {
            acc.push_cost(e).unwrap();
        }
    }
}

fn input(specs: &[Spec]) -> ReportInput {
    let tickets: Vec<Ticket> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| ticket(i, s))
        .collect();
    ReportInput {
        surveys: surveys_for(&tickets),
        tickets,
        customers: customers(),
        costs: costs(),
        ..ReportInput::default()
    }
}

fn fixed_specs() -> Vec<Spec> {
    (0..240)
        .map(|i: i64| Spec {
            created_min: (i * 523) % (80 * 24 * 60),
            response_min: (i % 7 != 0).then_some((i * 37) % 900),
            resolve_min: (i % 5 != 0).then_some(900 + (i * 311) % 9000),
            channel: [Some("email"), Some("chat"), None][(i % 3) as usize],
            replies: (i % 4) as u32,
            reopens: u32::from(i % 9 == 0),
        })
        .collect()
}

#[test]
fn cells_equal_the_per_kpi_results() {
    let input = input(&fixed_specs());
    let options = options();
    let report = Report::compute(&input, &options).unwrap();
    let b = Bucketer::new(options.period, options.zone);
    let cal = options.calendar.clone().unwrap();
    let frt =
        FirstResponseTime::new(FirstResponseTimeOptions::default().with_calendar(cal.clone()))
            .unwrap();
    let art = ResolutionTime::new(ResolutionTimeOptions::default().with_calendar(cal)).unwrap();
    let fcr = FirstContactResolution::default();
    assert!(report.rows.len() >= 3 * 4, "{} rows", report.rows.len());
    for row in &report.rows {
        let in_cell = |t: &&Ticket, at: Option<Instant>| {
            at.is_some_and(|at| b.key(at).start == row.period_start)
                && match &row.dimension {
                    None => true,
                    Some(d) => t.channel().unwrap_or(NO_VALUE) == d,
                }
        };
        let created: Vec<&Ticket> = input
            .tickets
            .iter()
            .filter(|t| in_cell(t, Some(t.created_at())))
            .collect();
        let f = frt.compute(created.iter().copied()).unwrap();
        assert_eq!(row.frt_n, f.answered);
        assert_eq!(row.frt_unanswered, f.unanswered);
        assert_eq!(row.frt_mean_s, f.calendar.mean.value());
        assert_eq!(row.frt_median_s, f.calendar.median.value());
        assert_eq!(row.frt_p90_s, f.calendar.p90.value());
        assert_eq!(row.frt_p90_bh_s, f.business.unwrap().p90.value());
        assert_eq!(row.tickets_created, created.len() as u64);
        let fc = fcr.compute(created.iter().copied()).unwrap();
        assert_eq!(row.first_contact_resolution_pct, fc.rate_pct.value());

        let resolved: Vec<&Ticket> = input
            .tickets
            .iter()
            .filter(|t| in_cell(t, t.resolved_at()))
            .collect();
        let a = art.compute(resolved.iter().copied()).unwrap();
        assert_eq!(row.resolution_n, a.resolved);
        assert_eq!(row.resolution_mean_s, a.calendar.mean.value());
        assert_eq!(
            row.resolution_median_bh_s,
            a.business.unwrap().median.value()
        );
        assert_eq!(row.tickets_resolved, resolved.len() as u64);

        // Backlog: created before the period's end and not resolved before it.
        let end = b.end_instant(b.key_of_date(row.period_start));
        let open = input
            .tickets
            .iter()
            .filter(|t| match &row.dimension {
                None => true,
                Some(d) => t.channel().unwrap_or(NO_VALUE) == d,
            })
            .filter(|t| t.created_at() < end && t.resolved_at().is_none_or(|r| r >= end))
            .count();
        assert_eq!(row.backlog_end, open as u64, "{row:?}");

        let ticket_of = |r: &SurveyResponse| {
            let i: usize = r.ticket_id().unwrap().as_str()[2..].parse().unwrap();
            &input.tickets[i]
        };
        let scores = |kind| -> Vec<i32> {
            input
                .surveys
                .iter()
                .filter(|r| r.kind() == kind && in_cell(&ticket_of(r), Some(r.responded_at())))
                .map(SurveyResponse::score)
                .collect()
        };
        let csat = Csat::default().compute(scores(SurveyKind::Csat)).unwrap();
        assert_eq!((row.csat_pct, row.csat_n), (csat.score.value(), csat.n));
        let nps = Nps::default().compute(scores(SurveyKind::Nps)).unwrap();
        assert_eq!((row.nps, row.nps_n), (nps.score.value(), nps.n));
        for (col, v) in [
            ("csat_pct", row.csat_pct),
            ("nps", row.nps),
            ("frt_mean_s", row.frt_mean_s),
        ] {
            assert_eq!(v.is_none(), row.undefined.contains_key(col), "{col}");
        }
    }
}

#[test]
fn totals_carry_cost_and_retention_dimension_rows_say_why_not() {
    let input = input(&fixed_specs());
    let report = Report::compute(&input, &options()).unwrap();
    let may = report.total_rows().next().unwrap();
    assert_eq!(
        may.period_start,
        NaiveDate::from_ymd_opt(2021, 5, 1).unwrap()
    );
    // 30,000 USD over the tickets resolved in May.
    let resolved = may.tickets_resolved;
    let expected = (Decimal::new(30_000, 0) / Decimal::from(resolved))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
    assert_eq!(may.cost_per_ticket, Some(expected));
    assert_eq!(may.cost_currency.as_deref(), Some("USD"));
    // Five customers all active through May: retention 100 %.
    assert_eq!(may.retention_pct, Some(100.0));
    let june = report.total_rows().nth(1).unwrap();
    assert_eq!(june.retention_pct, Some(80.0)); // C-4 churned mid-June
    let email = report
        .rows
        .iter()
        .find(|r| r.dimension.as_deref() == Some("email"))
        .unwrap();
    assert_eq!(email.cost_per_ticket, None);
    assert_eq!(
        email.undefined["cost_per_ticket"],
        "costs are not split by dimension"
    );
    assert_eq!(
        email.undefined["retention_pct"],
        "retention is split by segment only"
    );
    // Dimension rows come in order with the missing value last.
    let dims: Vec<Option<&str>> = report
        .rows
        .iter()
        .filter(|r| r.period_start == may.period_start)
        .map(|r| r.dimension.as_deref())
        .collect();
    assert_eq!(dims, [None, Some("chat"), Some("email"), Some(NO_VALUE)]);
    // Dimension rows add up to the totals.
    for total in report.total_rows() {
        let parts: Vec<_> = report
            .rows
            .iter()
            .filter(|r| r.period_start == total.period_start && r.dimension.is_some())
            .collect();
        let sum =
            |f: fn(&supportkpi::report::ReportRow) -> u64| parts.iter().map(|r| f(r)).sum::<u64>();
        assert_eq!(total.tickets_created, sum(|r| r.tickets_created));
        assert_eq!(total.tickets_resolved, sum(|r| r.tickets_resolved));
        assert_eq!(total.backlog_end, sum(|r| r.backlog_end));
        assert_eq!(total.csat_n, sum(|r| r.csat_n));
        assert_eq!(total.frt_unanswered, sum(|r| r.frt_unanswered));
    }
}

#[test]
fn grouping_by_segment_splits_retention() {
    let input = input(&fixed_specs());
    let report = Report::compute(&input, &options().with_by("segment")).unwrap();
    let june: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.period_start == NaiveDate::from_ymd_opt(2021, 6, 1).unwrap())
        .map(|r| (r.dimension.clone(), r.retention_pct))
        .collect();
    assert_eq!(
        june,
        [
            (None, Some(80.0)),
            (Some("enterprise".into()), Some(50.0)),
            (Some("smb".into()), Some(100.0)),
        ]
    );
}

#[test]
fn writers() {
    let input = input(&fixed_specs());
    let report = Report::compute(&input, &options()).unwrap();
    let csv = report.to_csv();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), COLUMNS.map(|c| c.name).join(","));
    assert_eq!(lines.count(), report.rows.len());
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), report.rows.len());
    let first = &rows[0];
    assert_eq!(first["period_start"], "2021-05-01");
    assert_eq!(first["dimension"], serde_json::Value::Null);
    assert_eq!(first["tickets_created"], report.rows[0].tickets_created);
    assert_eq!(
        first["cost_per_ticket"]
            .as_str()
            .unwrap()
            .split('.')
            .nth(1)
            .unwrap()
            .len(),
        2
    );
    let email = rows.iter().find(|r| r["dimension"] == "email").unwrap();
    assert_eq!(email["cost_per_ticket"], serde_json::Value::Null);
    assert_eq!(
        email["undefined"]["cost_per_ticket"],
        "costs are not split by dimension"
    );
    for c in COLUMNS.map(|c| c.name) {
        assert!(first.get(c).is_some(), "{c}");
    }
}

#[test]
fn option_errors() {
    let e = ReportAccumulator::new(ReportOptions::default().with_by(" ")).unwrap_err();
    assert_eq!(e.kind(), supportkpi::ErrorKind::InvalidOption);
    let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    let e = ReportAccumulator::new(ReportOptions::default().with_range(d(6), d(5))).unwrap_err();
    assert_eq!(e.field(), Some("range"));
    let mut a = ReportAccumulator::new(ReportOptions::default()).unwrap();
    let b = ReportAccumulator::new(ReportOptions::default().with_by("channel")).unwrap();
    assert_eq!(
        a.merge(b).unwrap_err().kind(),
        supportkpi::ErrorKind::IncompatibleMerge
    );
}

#[test]
fn a_range_reports_exactly_its_periods() {
    let input = input(&fixed_specs());
    let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    let report = Report::compute(&input, &options().with_range(d(4), d(9))).unwrap();
    let starts: Vec<_> = report.total_rows().map(|r| r.period_start).collect();
    assert_eq!(starts, (4..=9).map(d).collect::<Vec<_>>());
    let april = report.total_rows().next().unwrap();
    assert_eq!((april.tickets_created, april.backlog_end), (0, 0));
    let september = report.total_rows().last().unwrap();
    // Everything still open at the end of the data stays in the backlog.
    let still_open = input
        .tickets
        .iter()
        .filter(|t| t.resolved_at().is_none())
        .count();
    assert_eq!(september.backlog_end, still_open as u64);
}

#[test]
fn state_round_trips_and_tampered_state_is_refused() {
    let input = input(&fixed_specs());
    let options = options();
    let mut acc = ReportAccumulator::new(options.clone()).unwrap();
    push_range(&mut acc, &input, &options, 0..input.tickets.len(), true);
    let json = serde_json::to_string(&acc).unwrap();
    let back: ReportAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back.finish(), acc.finish());
    // A cell built with other options than the report's.
    let other = ReportOptions {
        calendar: None,
        sla: None,
        ..options.clone()
    };
    let mut foreign = ReportAccumulator::new(other).unwrap();
    push_range(&mut foreign, &input, &options, 0..10, false);
    let foreign: serde_json::Value = serde_json::to_value(&foreign).unwrap();
    let mut tampered: serde_json::Value = serde_json::from_str(&json).unwrap();
    tampered["cells"] = foreign["cells"].clone();
    let err = serde_json::from_value::<ReportAccumulator>(tampered).unwrap_err();
    assert!(err.to_string().contains("other options"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random partitionings merged in a random order, in process and through serialized state,
    /// equal one sequential pass — and `Report::compute` (parallel) does too.
    #[test]
    fn partitions_merge_to_the_sequential_report(
        specs in prop::collection::vec(spec(), 1..60),
        cuts in prop::collection::vec(0usize..60, 0..5),
        order_seed in any::<u64>(),
    ) {
        let input = input(&specs);
        let options = options();
        let seq = sequential(&input, &options);
        prop_assert_eq!(&Report::compute(&input, &options).unwrap(), &seq);

        let n = input.tickets.len();
        let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c % (n + 1)).collect();
        bounds.extend([0, n]);
        bounds.sort_unstable();
        bounds.dedup();
        let mut parts: Vec<ReportAccumulator> = bounds
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let mut acc = ReportAccumulator::new(options.clone()).unwrap();
                push_range(&mut acc, &input, &options, w[0]..w[1], i == 0);
                acc
            })
            .collect();
        // A deterministic shuffle of the merge order.
        let mut seed = order_seed;
        for i in (1..parts.len()).rev() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            parts.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let in_process = parts.iter().cloned().reduce(|mut a, b| { a.merge(b).unwrap(); a }).unwrap();
        prop_assert_eq!(&in_process.finish().unwrap(), &seq);

        let shipped = parts
            .iter()
            .map(|p| serde_json::from_str::<ReportAccumulator>(&serde_json::to_string(p).unwrap()).unwrap())
            .reduce(|mut a, b| { a.merge(b).unwrap(); a })
            .unwrap();
        prop_assert_eq!(&shipped.finish().unwrap(), &seq);
    }
}

mod from_files {
    use supportkpi::ErrorKind;
    use supportkpi::io::{ErrorMode, Preset, ReadOptions, SourceKind, Sources, load};
    use supportkpi::report::{Report, ReportOptions};
    use supportkpi::{Period, time::parse_zone};

    fn data(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name)
    }

    /// The real ServiceNow log through its preset into a daily report: the totals are the
    /// reference figures of tests/data/servicenow_reference.py.
    #[test]
    fn servicenow_report() {
        let sources = Sources {
            tickets: Some(data("servicenow_incident_events.csv")),
            preset: Some(Preset::ServiceNow),
            ..Sources::default()
        };
        let loaded = load(&sources, &ReadOptions::new()).unwrap();
        assert!(loaded.rejected.is_empty());
        assert_eq!(loaded.read, [(SourceKind::Tickets, 5998)]);
        assert_eq!(loaded.input.histories.len(), 890);
        let options = ReportOptions::default()
            .with_period(Period::Day)
            .with_zone(parse_zone("UTC").unwrap())
            .with_by("priority");
        let report = Report::compute(&loaded.input, &options).unwrap();
        let totals: Vec<_> = report.total_rows().collect();
        let created: u64 = totals.iter().map(|r| r.tickets_created).sum();
        let resolved: u64 = totals.iter().map(|r| r.tickets_resolved).sum();
        let reopened: u64 = totals.iter().map(|r| r.tickets_reopened).sum();
        assert_eq!((created, resolved, reopened), (890, 901, 11));
        let n: u64 = totals.iter().map(|r| r.resolution_n).sum();
        assert_eq!(n, 890);
        // The first day's backlog is the reference table's first value.
        assert_eq!(totals[0].backlog_end, 162);
        assert_eq!(totals.last().unwrap().backlog_end, 0);
        let priorities: std::collections::BTreeSet<_> = report
            .rows
            .iter()
            .filter_map(|r| r.dimension.as_deref())
            .collect();
        assert_eq!(
            priorities.into_iter().collect::<Vec<_>>(),
            ["1 - Critical", "2 - High", "3 - Moderate", "4 - Low"]
        );
        // The log records status changes only: first-contact resolution, first response and
        // next reply are undefined with the reason on every row, not 98.8 % of nothing.
        // (A row without tickets created says so instead.)
        let mut with_tickets = 0;
        for row in &report.rows {
            assert_eq!(row.first_contact_resolution_pct, None);
            assert_eq!(row.first_contact_resolution_n, 0);
            assert_eq!((row.frt_n, row.frt_unanswered), (0, 0));
            assert_eq!((row.next_reply_n, row.next_reply_unanswered), (0, 0));
            if row.tickets_created > 0 {
                with_tickets += 1;
                for column in [
                    "first_contact_resolution_pct",
                    "frt_median_s",
                    "next_reply_median_s",
                ] {
                    assert_eq!(row.undefined[column], "the input records no replies");
                }
            }
        }
        assert!(with_tickets > 3);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("supportkpi-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("surveys.csv");
        std::fs::write(
            &bad,
            "id,ticket_id,customer_id,responded_at,kind,score\n\
             S-1,T-1,C-1,2021-06-01T10:00:00Z,nps,9\n\
             S-2,T-1,C-1,not a time,nps,9\n",
        )
        .unwrap();
        let sources = Sources {
            surveys: Some(bad.clone()),
            ..Sources::default()
        };
        let err = load(&sources, &ReadOptions::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidTimestamp);
        assert_eq!(err.line(), Some(3));
        assert_eq!(err.file(), Some(bad.display().to_string().as_str()));
        assert!(err.to_string().contains("surveys.csv:3"), "{err}");

        let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
        let loaded = load(&sources, &lenient).unwrap();
        assert_eq!(loaded.input.surveys.len(), 1);
        assert_eq!(loaded.rejected.len(), 1);
        assert_eq!(loaded.rejected[0].source, SourceKind::Surveys);
        assert_eq!(loaded.read, [(SourceKind::Surveys, 2)]);

        let missing = Sources {
            costs: Some(dir.join("nope.csv")),
            ..Sources::default()
        };
        assert_eq!(
            load(&missing, &ReadOptions::new()).unwrap_err().kind(),
            ErrorKind::Io
        );
        let preset_alone = Sources {
            preset: Some(Preset::Zendesk),
            ..Sources::default()
        };
        assert_eq!(
            load(&preset_alone, &ReadOptions::new()).unwrap_err().kind(),
            ErrorKind::MissingField
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn every_rate_carries_its_n() {
    let input = input(&fixed_specs());
    let report = Report::compute(&input, &options()).unwrap();
    let may = report.total_rows().next().unwrap();
    // May in Europe/Berlin ends at 2021-05-31T22:00Z.
    let in_may: Vec<&Ticket> = input
        .tickets
        .iter()
        .filter(|t| t.created_at() < Utc.with_ymd_and_hms(2021, 5, 31, 22, 0, 0).unwrap())
        .collect();
    assert_eq!(may.first_contact_resolution_n, in_may.len() as u64);
    assert_eq!(may.cost_tickets, may.tickets_resolved);
    assert_eq!(may.retention_n, 5);
    let sla = supportkpi::kpi::Sla::new(supportkpi::kpi::SlaOptions::new(options().sla.unwrap()))
        .unwrap()
        .compute(in_may.iter().copied())
        .unwrap();
    let decided = sla.first_response.met
        + sla.first_response.breached
        + sla.resolution.met
        + sla.resolution.breached;
    assert!(decided > 0);
    assert_eq!(may.sla_n, decided);
}

#[test]
fn the_sources_preset_reads_a_zendesk_export() {
    use supportkpi::io::{Preset, ReadOptions, Sources, load};
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/zendesk_tickets.csv");
    let sources = Sources {
        tickets: Some(path.clone()),
        preset: Some(Preset::Zendesk),
        ..Sources::default()
    };
    let loaded = load(&sources, &ReadOptions::new()).unwrap();
    assert_eq!(loaded.input.tickets.len(), 8);
    // The same preset named in the read options alone works too; two different ones do not.
    let alone = Sources {
        tickets: Some(path),
        ..Sources::default()
    };
    let loaded = load(&alone, &ReadOptions::new().preset(Preset::Zendesk)).unwrap();
    assert_eq!(loaded.input.tickets.len(), 8);
    let err = load(&sources, &ReadOptions::new().preset(Preset::Freshdesk)).unwrap_err();
    assert_eq!(err.field(), Some("preset"));
}

/// The demo's summary rows and its event log describe the same 3,000 tickets: loaded together
/// they count once each, with the event log's reopens and the summary rows' channels.
#[test]
fn summary_rows_and_event_logs_of_the_same_tickets_count_once() {
    use supportkpi::io::{ReadOptions, Sources, load};
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/demo");
    let both = Sources {
        tickets: Some(demo.join("tickets.csv")),
        events: Some(demo.join("events.csv")),
        ..Sources::default()
    };
    let loaded = load(&both, &ReadOptions::new()).unwrap();
    assert_eq!(loaded.input.tickets.len(), 0);
    assert_eq!(loaded.input.histories.len(), 3000);
    assert!(
        loaded
            .input
            .histories
            .iter()
            .all(|h| h.ticket().channel().is_some())
    );
    let report =
        Report::compute(&loaded.input, &ReportOptions::default().with_by("channel")).unwrap();
    let created: u64 = report.total_rows().map(|r| r.tickets_created).sum();
    let reopened: u64 = report.total_rows().map(|r| r.tickets_reopened).sum();
    assert_eq!(created, 3000);
    assert!(reopened > 0);
    assert!(
        !report
            .rows
            .iter()
            .any(|r| r.dimension.as_deref() == Some(NO_VALUE))
    );

    // Given unjoined, the report refuses to count a ticket twice.
    let mut input = loaded.input.clone();
    input.tickets.push(input.histories[0].ticket().clone());
    let err = Report::compute(&input, &ReportOptions::default()).unwrap_err();
    assert_eq!(err.kind(), supportkpi::ErrorKind::DuplicateId);
}

#[test]
fn push_input_equals_compute() {
    let input = input(&fixed_specs());
    let options = options().with_by("segment");
    let mut acc = ReportAccumulator::new(options.clone()).unwrap();
    acc.push_input(&input).unwrap();
    assert_eq!(
        acc.finish().unwrap(),
        Report::compute(&input, &options).unwrap()
    );
}
