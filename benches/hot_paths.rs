//! The hot paths of a report, each with its throughput per record: business durations,
//! period bucketing, every ticket and survey accumulator, the one-pass report and CSV reading.
//!
//! `cargo bench --bench hot_paths` (add a filter such as `-- bucketing` for one group).
//! The data is the seeded synthetic helpdesk (`supportkpi_synth`), so runs are comparable.

use std::hint::black_box;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use supportkpi::columnar::ColumnarInput;
use supportkpi::io::{ReadOptions, Sources, load_columnar, read_tickets};
use supportkpi::kpi::{
    Accumulator, Backlog, Csat, FirstContactResolution, FirstResponseTime,
    FirstResponseTimeOptions, Kpi, Nps, ResolutionTime, ResolutionTimeOptions, Volume,
};
use supportkpi::model::SurveyKind;
use supportkpi::report::{Report, ReportOptions};
use supportkpi::time::{Bucketer, Period};
use supportkpi::{BusinessCalendar, Ticket};
use supportkpi_synth::{Dataset, Synth, SynthOptions, WriteOptions};

/// Tickets per accumulator and report benchmark: big enough that per-call overheads vanish,
/// small enough for a quick `cargo bench`.
const N: u64 = 100_000;

fn dataset() -> Dataset {
    Synth::new(SynthOptions::new(N).seed(42))
        .expect("valid synth options")
        .dataset()
}

/// Instants spread over a year (a multiplicative hash, so no two neighbours share a day).
fn instants(n: usize) -> Vec<DateTime<Utc>> {
    let t0 = Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).unwrap();
    (0..n as u64)
        .map(|i| {
            let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            t0 + Duration::seconds((h % (365 * 86_400)) as i64)
        })
        .collect()
}

fn business_duration(c: &mut Criterion) {
    let holidays = [(1, 2), (5, 29), (7, 4), (9, 4), (11, 23), (12, 25)]
        .map(|(m, d)| NaiveDate::from_ymd_opt(2023, m, d).unwrap());
    let calendars = [
        (
            "utc",
            BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC).unwrap(),
        ),
        (
            "new_york_dst_holidays",
            BusinessCalendar::parse(
                "Mon-Fri 09:00-12:00, 13:00-17:00",
                chrono_tz::America::New_York,
            )
            .unwrap()
            .with_holidays(holidays),
        ),
    ];
    let starts = instants(10_000);
    let mut g = c.benchmark_group("business_duration");
    g.throughput(Throughput::Elements(starts.len() as u64));
    for (zone, cal) in &calendars {
        // Build the calendar's index outside the measurement.
        black_box(cal.business_seconds(starts[0], starts[1]));
        for (span, len) in [
            ("2_hours", Duration::hours(2)),
            ("1_year", Duration::days(365)),
        ] {
            g.bench_function(format!("{zone}/{span}"), |b| {
                b.iter(|| {
                    let mut sum = 0i64;
                    for &a in &starts {
                        sum += cal.business_seconds(a, a + len);
                    }
                    black_box(sum)
                })
            });
        }
    }
    g.finish();
}

fn bucketing(c: &mut Criterion) {
    let ts = instants(10_000);
    let mut g = c.benchmark_group("bucketing");
    g.throughput(Throughput::Elements(ts.len() as u64));
    for (zone, tz) in [
        ("utc", chrono_tz::UTC),
        ("berlin", chrono_tz::Europe::Berlin),
    ] {
        for period in [Period::Day, Period::Week, Period::Month] {
            let b = Bucketer::new(period, tz);
            g.bench_function(format!("{zone}/{period}"), |bench| {
                bench.iter(|| {
                    let mut acc = 0u32;
                    for &t in &ts {
                        acc = acc.wrapping_add(b.key(t).start.to_epoch_days() as u32);
                    }
                    black_box(acc)
                })
            });
        }
    }
    g.finish();
}

/// Pushes every ticket into a fresh accumulator of `kpi` and finishes it.
fn push_all<K: Kpi<Accumulator = A>, A: Accumulator<Record = Ticket>>(kpi: &K, ts: &[Ticket]) {
    let mut acc = kpi.accumulator();
    for t in ts {
        acc.push(t).unwrap();
    }
    black_box(acc.finish());
}

fn accumulators(c: &mut Criterion) {
    let data = dataset();
    let ts = &data.tickets;
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::America::New_York).unwrap();
    let mut g = c.benchmark_group("accumulator_push");
    g.throughput(Throughput::Elements(ts.len() as u64));
    g.bench_function("first_response_time", |b| {
        b.iter(|| push_all(&FirstResponseTime::default(), ts))
    });
    let frt_bh =
        FirstResponseTime::new(FirstResponseTimeOptions::default().with_calendar(cal.clone()))
            .unwrap();
    g.bench_function("first_response_time_business", |b| {
        b.iter(|| push_all(&frt_bh, ts))
    });
    g.bench_function("resolution_time", |b| {
        b.iter(|| push_all(&ResolutionTime::default(), ts))
    });
    let art_bh = ResolutionTime::new(ResolutionTimeOptions::default().with_calendar(cal)).unwrap();
    g.bench_function("resolution_time_business", |b| {
        b.iter(|| push_all(&art_bh, ts))
    });
    g.bench_function("first_contact_resolution", |b| {
        b.iter(|| push_all(&FirstContactResolution::default(), ts))
    });
    g.bench_function("volume", |b| b.iter(|| push_all(&Volume::default(), ts)));
    g.bench_function("backlog", |b| b.iter(|| push_all(&Backlog::default(), ts)));
    g.finish();

    let csat: Vec<i32> = data
        .surveys
        .iter()
        .filter(|s| s.kind() == SurveyKind::Csat)
        .map(|s| s.score())
        .collect();
    let nps: Vec<i32> = data
        .surveys
        .iter()
        .filter(|s| s.kind() == SurveyKind::Nps)
        .map(|s| s.score())
        .collect();
    let mut g = c.benchmark_group("survey_push");
    g.throughput(Throughput::Elements(csat.len() as u64));
    g.bench_function("csat", |b| {
        b.iter(|| {
            let mut acc = Csat::default().accumulator();
            for s in &csat {
                acc.push(s).unwrap();
            }
            black_box(acc.finish())
        })
    });
    g.throughput(Throughput::Elements(nps.len() as u64));
    g.bench_function("nps", |b| {
        b.iter(|| {
            let mut acc = Nps::default().accumulator();
            for s in &nps {
                acc.push(s).unwrap();
            }
            black_box(acc.finish())
        })
    });
    g.finish();
}

fn report(c: &mut Criterion) {
    let input = dataset().into_report_input();
    let mut g = c.benchmark_group("report");
    g.throughput(Throughput::Elements(input.tickets.len() as u64));
    let monthly = ReportOptions::default();
    g.bench_function("monthly", |b| {
        b.iter(|| Report::compute(&input, &monthly).unwrap())
    });
    let by_channel = ReportOptions::default().with_by("channel");
    g.bench_function("monthly_by_channel", |b| {
        b.iter(|| Report::compute(&input, &by_channel).unwrap())
    });
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::Europe::Berlin).unwrap();
    let berlin = ReportOptions::default()
        .with_period(Period::Week)
        .with_zone(chrono_tz::Europe::Berlin)
        .with_calendar(cal)
        .with_by("channel");
    g.bench_function("weekly_berlin_business_by_channel", |b| {
        b.iter(|| Report::compute(&input, &berlin).unwrap())
    });
    // The record accumulators alone (what `Report::compute` does with event histories).
    g.bench_function("records_monthly_by_channel", |b| {
        b.iter(|| Report::compute_records(&input, &by_channel).unwrap())
    });
    // The same reports from the columnar form (the engine the comparison benchmark runs).
    let columns = ColumnarInput::from_input(&input).unwrap();
    g.bench_function("columnar_monthly_by_channel", |b| {
        b.iter(|| Report::compute_columnar(&columns, &by_channel).unwrap())
    });
    g.bench_function("columnar_weekly_berlin_business_by_channel", |b| {
        b.iter(|| Report::compute_columnar(&columns, &berlin).unwrap())
    });
    let daily = Backlog::default();
    g.bench_function("columnar_daily_backlog", |b| {
        b.iter(|| daily.compute_table(&columns.tickets))
    });
    g.finish();
}

fn csv_reading(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("supportkpi-bench-csv-{}", std::process::id()));
    Synth::new(SynthOptions::new(N).seed(42))
        .unwrap()
        .write(&dir, &WriteOptions::new().events(false), &mut |_| {})
        .unwrap();
    let path = dir.join("tickets.csv");
    let options = ReadOptions::new();
    let mut g = c.benchmark_group("csv");
    g.throughput(Throughput::Elements(N));
    g.bench_function("read_tickets", |b| {
        b.iter_batched(
            || (),
            |()| {
                let out = read_tickets(&path, &options).unwrap();
                assert_eq!(out.records.len() as u64, N);
                out
            },
            // Dropping a hundred thousand tickets is not part of reading them.
            BatchSize::PerIteration,
        )
    });
    // The same file into a TicketTable, on all cores.
    let sources = Sources {
        tickets: Some(path.clone()),
        ..Sources::default()
    };
    g.bench_function("load_columnar_tickets", |b| {
        b.iter_batched(
            || (),
            |()| {
                let out = load_columnar(&sources, &options).unwrap();
                assert_eq!(out.input.tickets.len() as u64, N);
                out
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
    std::fs::remove_dir_all(&dir).ok();
}

fn config() -> Criterion {
    // The machine is shared: ten longer samples are steadier than a hundred short ones.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(StdDuration::from_millis(500))
        .measurement_time(StdDuration::from_secs(3))
}

criterion_group! {
    name = hot_paths;
    config = config();
    targets = business_duration, bucketing, accumulators, report, csv_reading
}
criterion_main!(hot_paths);
