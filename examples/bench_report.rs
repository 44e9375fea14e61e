//! The Rust engine of `benches/compare/compare.py`: generates the benchmark data, times the
//! benchmark workload on it, and prints the timings and the KPI figures as JSON so that the
//! script can check them against polars and DuckDB.
//!
//! The workload (the same in every engine; see `BENCHMARKS.md`):
//! - the monthly report (UTC) grouped by channel: tickets created, FRT mean / median / p90,
//!   tickets resolved, resolution mean / median / p90, first-contact resolution, CSAT and NPS,
//!   per month × channel and per month;
//! - the backlog at the end of each UTC day.
//!
//! ```text
//! bench_report generate --tickets N [--seed S] --out DIR [--format csv|parquet]
//! bench_report run --data DIR --mode compute|e2e|arrow [--input csv|parquet] [--runs K] [--figures] [--views]
//! bench_report business [--tickets N] [--runs K] [--sample-out FILE]
//! ```
//!
//! `run --mode compute` loads the CSVs once, untimed, and times the workload on the data in
//! memory; `--mode e2e` times loading the CSVs plus the workload (and reports the loading
//! alone as `load_times`). `--input parquet` reads `tickets.parquet` and `surveys.parquet`
//! (written by `generate --format parquet`: the same tickets, typed columns) instead of the
//! CSVs, through the same `io::load_columnar`. `--mode arrow` is what a binding does with a data
//! frame: the Parquet files decoded into record batches once, untimed, then each run reads the
//! batches into the tables (`io::arrow::read_ticket_table` / `read_survey_table`, timed as
//! `load_times`) and runs the workload; with `--views` their text columns are first cast to
//! `Utf8View`, as polars hands a frame over. Timings are wall-clock seconds per run. The engine is the columnar
//! one: `io::load_columnar` (each CSV parsed on all cores into a `TicketTable` /
//! `SurveyTable`), `Report::compute_columnar`, `Backlog::compute_table`. `business` times the FRT + resolution KPIs in calendar time only and in
//! calendar + business time, over tickets that stay open for an hour, a week and a year.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::time::Instant as Clock;

use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{Value, json};
use std::sync::Arc;
use supportkpi::columnar::{ColumnarInput, TicketTable};
use supportkpi::io::{Format, ReadOptions, Sources, arrow, load_columnar};
use supportkpi::kpi::{
    Accumulator, Backlog, BacklogOptions, FirstResponseTime, FirstResponseTimeOptions,
    ResolutionTime, ResolutionTimeOptions,
};
use supportkpi::report::{Report, ReportOptions, SectionSet};
use supportkpi::time::{Bucketer, Period};
use supportkpi::{BusinessCalendar, Ticket};
use supportkpi_synth::{Synth, SynthOptions, WriteOptions};

type Res<T> = Result<T, Box<dyn StdError>>;
/// The backlog at the end of each day.
type Daily = Vec<(NaiveDate, u64)>;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = args.split_first().ok_or(USAGE)?;
    let opt = |name: &str| -> Option<&str> {
        rest.iter()
            .position(|a| a == name)
            .and_then(|i| rest.get(i + 1))
            .map(String::as_str)
    };
    let flag = |name: &str| rest.iter().any(|a| a == name);
    match cmd.as_str() {
        "generate" => {
            let n: u64 = opt("--tickets").ok_or(USAGE)?.parse()?;
            let seed: u64 = opt("--seed").unwrap_or("42").parse()?;
            let out = PathBuf::from(opt("--out").ok_or(USAGE)?);
            generate(n, seed, &out, input_format(opt("--format"))?)
        }
        "run" => {
            let dir = PathBuf::from(opt("--data").ok_or(USAGE)?);
            let runs: usize = opt("--runs").unwrap_or("3").parse()?;
            let mode = opt("--mode").unwrap_or("compute");
            let input = input_format(opt("--input"))?;
            run(&dir, mode, input, runs, flag("--figures"), flag("--views"))
        }
        "business" => {
            let n: usize = opt("--tickets").unwrap_or("1000000").parse()?;
            let runs: usize = opt("--runs").unwrap_or("3").parse()?;
            business(n, runs, opt("--sample-out").map(Path::new))
        }
        "state" => {
            let n: u64 = opt("--tickets").unwrap_or("200000").parse()?;
            let runs: usize = opt("--runs").unwrap_or("3").parse()?;
            state(n, runs, flag("--json-state"))
        }
        _ => Err(USAGE.into()),
    }
}

const USAGE: &str = "usage: bench_report generate --tickets N [--seed S] --out DIR \
                     [--format csv|parquet] | \
                     run --data DIR --mode compute|e2e|arrow [--input csv|parquet] [--runs K] \
                     [--figures] [--views] | \
                     business [--tickets N] [--runs K] [--sample-out FILE] | \
                     state [--tickets N] [--runs K] [--json-state]";

/// The input files' format: CSV (the default) or Parquet.
fn input_format(name: Option<&str>) -> Res<Format> {
    match name.unwrap_or("csv") {
        "csv" => Ok(Format::Csv),
        "parquet" => Ok(Format::Parquet),
        other => Err(format!("unknown format {other}: csv or parquet").into()),
    }
}

fn generate(n: u64, seed: u64, out: &Path, format: Format) -> Res<()> {
    let synth = Synth::new(SynthOptions::new(n).seed(seed))?;
    let started = Clock::now();
    // The event log is eight rows a ticket and the workload reads summary rows only.
    let options = WriteOptions::new().events(false).format(format);
    let written = synth.write(out, &options, &mut |_| {})?;
    let files: Vec<Value> = written
        .files
        .iter()
        .map(|(p, n)| json!({"path": p, "records": n}))
        .collect();
    println!(
        "{}",
        json!({"files": files, "seconds": started.elapsed().as_secs_f64()})
    );
    Ok(())
}

fn sources(dir: &Path, format: Format) -> Sources {
    let ext = match format {
        Format::Parquet => "parquet",
        _ => "csv",
    };
    Sources {
        tickets: Some(dir.join(format!("tickets.{ext}"))),
        surveys: Some(dir.join(format!("surveys.{ext}"))),
        ..Sources::default()
    }
}

/// The files as columns: each CSV parsed on all cores (a Parquet file's row groups read in
/// parallel), ~80 bytes a ticket in memory.
fn load_input(dir: &Path, format: Format) -> Res<ColumnarInput> {
    Ok(load_columnar(&sources(dir, format), &ReadOptions::new())?.input)
}

/// The record batches of a Parquet file, decoded whole.
fn batches(path: &Path) -> Res<(SchemaRef, Vec<RecordBatch>)> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path)?)?
        .with_batch_size(64 * 1024)
        .build()?;
    let schema = reader.schema();
    let batches = reader.collect::<Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}

/// The batches with their text columns as `Utf8View`, as polars hands a frame over (`--views`).
fn as_views(
    (schema, batches): (SchemaRef, Vec<RecordBatch>),
) -> Res<(SchemaRef, Vec<RecordBatch>)> {
    let view = |t: &DataType| match t {
        DataType::Utf8 => DataType::Utf8View,
        t => t.clone(),
    };
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| f.as_ref().clone().with_data_type(view(f.data_type())))
        .collect();
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let batches = batches
        .into_iter()
        .map(|b| {
            let columns = b
                .columns()
                .iter()
                .map(|c| arrow_cast::cast(c, &view(c.data_type())))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(RecordBatch::try_new(schema.clone(), columns)?)
        })
        .collect::<Res<Vec<_>>>()?;
    Ok((schema, batches))
}

/// Tickets and surveys from record batches in memory, as `sk.report` reads a data frame.
fn arrow_input(
    tickets: &(SchemaRef, Vec<RecordBatch>),
    surveys: &(SchemaRef, Vec<RecordBatch>),
) -> Res<ColumnarInput> {
    let stream = |(schema, batches): &(SchemaRef, Vec<RecordBatch>)| {
        RecordBatchIterator::new(batches.clone().into_iter().map(Ok), schema.clone())
    };
    let options = ReadOptions::new();
    Ok(ColumnarInput {
        tickets: arrow::read_ticket_table(stream(tickets), &options)?.table,
        surveys: arrow::read_survey_table(stream(surveys), &options)?.table,
        ..ColumnarInput::default()
    })
}

/// The workload's rows only: the report's sections (intervals, heatmap, backlog ages,
/// revenue, cohorts) are no part of it and no peer computes them.
fn report_options() -> ReportOptions {
    ReportOptions::default()
        .with_period(Period::Month)
        .with_by("channel")
        .with_sections(SectionSet::NONE)
}

/// The workload on data in memory: the monthly report by channel, then the daily backlog
/// (each parallel inside); also returns the seconds the report alone took.
fn workload(input: &ColumnarInput) -> Res<(Report, Daily, f64)> {
    let started = Clock::now();
    let report = Report::compute_columnar(input, &report_options())?;
    let report_s = started.elapsed().as_secs_f64();
    Ok((report, daily_backlog(&input.tickets)?, report_s))
}

fn daily_backlog(tickets: &TicketTable) -> Result<Daily, supportkpi::Error> {
    let kpi = Backlog::new(
        BacklogOptions::default().with_bucketer(Bucketer::new(Period::Day, chrono_tz::UTC)),
    )?;
    Ok(kpi
        .compute_table(tickets)
        .periods
        .iter()
        .map(|p| (p.period.start, p.closing))
        .collect())
}

fn run(dir: &Path, mode: &str, format: Format, runs: usize, figures: bool, views: bool) -> Res<()> {
    let mut times = Vec::with_capacity(runs);
    let mut report_times = Vec::with_capacity(runs);
    let mut load_times = Vec::with_capacity(runs);
    let mut last = None;
    let mut records = 0;
    match mode {
        "compute" => {
            let input = load_input(dir, format)?;
            records = input.tickets.len();
            for _ in 0..runs {
                let started = Clock::now();
                let (report, backlog, report_s) = workload(&input)?;
                times.push(started.elapsed().as_secs_f64());
                report_times.push(report_s);
                last = Some((report, backlog));
            }
        }
        "e2e" | "arrow" => {
            // e2e reads the files in every run; arrow is what a binding does with a data
            // frame: record batches in memory (decoded from the Parquet files, untimed) read
            // into the columnar tables in every run. Then the workload.
            let load: Box<dyn Fn() -> Res<ColumnarInput>> = if mode == "e2e" {
                Box::new(|| load_input(dir, format))
            } else {
                let mut tickets = batches(&dir.join("tickets.parquet"))?;
                let mut surveys = batches(&dir.join("surveys.parquet"))?;
                if views {
                    tickets = as_views(tickets)?;
                    surveys = as_views(surveys)?;
                }
                Box::new(move || arrow_input(&tickets, &surveys))
            };
            for _ in 0..runs {
                let started = Clock::now();
                let input = load()?;
                let loaded_s = started.elapsed().as_secs_f64();
                load_times.push(loaded_s);
                let (report, backlog, report_s) = workload(&input)?;
                times.push(started.elapsed().as_secs_f64());
                report_times.push(loaded_s + report_s);
                records = input.tickets.len();
                last = Some((report, backlog));
            }
        }
        _ => return Err(format!("unknown mode {mode}: compute, e2e or arrow").into()),
    }
    let input = match (mode, format) {
        ("arrow", _) => "arrow",
        (_, Format::Parquet) => "parquet",
        _ => "csv",
    };
    let mut out = json!({
        "engine": "supportkpi-rust",
        "mode": mode,
        "input": input,
        "tickets": records,
        "times": times,
        // The monthly report alone (plus loading, end to end): what sk.report does.
        "report_times": report_times,
        // Reading the CSVs alone (e2e only): tickets and surveys.
        "load_times": load_times,
        "threads": rayon::current_num_threads(),
    });
    if let (true, Some((report, backlog))) = (figures, &last) {
        out["figures"] = figures_json(report, backlog);
    }
    println!("{out}");
    Ok(())
}

/// The KPI figures in the layout every engine of the comparison prints: metric → "month|channel"
/// (`*` for all channels) → value, only where the value is defined.
fn figures_json(report: &Report, backlog: &[(NaiveDate, u64)]) -> Value {
    let mut m: BTreeMap<&str, serde_json::Map<String, Value>> = BTreeMap::new();
    for r in &report.rows {
        let key = format!(
            "{}|{}",
            r.period_start.format("%Y-%m"),
            r.dimension.as_deref().unwrap_or("*")
        );
        let mut put = |metric: &'static str, v: Value| {
            m.entry(metric).or_default().insert(key.clone(), v);
        };
        if r.tickets_created > 0 {
            put("created", json!(r.tickets_created));
        }
        if r.tickets_resolved > 0 {
            put("resolved", json!(r.tickets_resolved));
        }
        if let (Some(a), Some(b), Some(c)) = (r.frt_mean_s, r.frt_median_s, r.frt_p90_s) {
            put("frt", json!([a, b, c, r.frt_n]));
        }
        if let (Some(a), Some(b), Some(c)) = (
            r.resolution_mean_s,
            r.resolution_median_s,
            r.resolution_p90_s,
        ) {
            put("resolution", json!([a, b, c, r.resolution_n]));
        }
        if let Some(v) = r.first_contact_resolution_pct {
            put("fcr", json!(v));
        }
        if let Some(v) = r.csat_pct {
            put("csat", json!([v, r.csat_n]));
        }
        if let Some(v) = r.nps {
            put("nps", json!([v, r.nps_n]));
        }
    }
    let days: serde_json::Map<String, Value> = backlog
        .iter()
        .map(|(d, n)| (d.to_string(), json!(n)))
        .collect();
    let mut out = json!(m);
    out["backlog_daily"] = Value::Object(days);
    out
}

/// Tickets that stay open for `span` on average: created over a year, answered after a
/// fifth of it, resolved after it (both varied per ticket so the work is not one cached case).
fn spans(n: usize, span: Duration) -> Res<Vec<Ticket>> {
    let t0 = Utc
        .with_ymd_and_hms(2023, 1, 1, 0, 0, 0)
        .single()
        .ok_or("t0")?;
    let year = 365 * 86_400;
    let span_s = span.num_seconds();
    (0..n)
        .map(|i| {
            // A multiplicative hash spreads creation over the year and varies the span ±50%.
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let created = t0 + Duration::seconds((h % year as u64) as i64);
            let len = span_s / 2 + ((h >> 32) % span_s.max(1) as u64) as i64;
            Ok(Ticket::builder(format!("T-{i}"), created)
                .first_response_at(created + Duration::seconds(len / 5))
                .resolved_at(created + Duration::seconds(len))
                .agent_replies(2)
                .build()?)
        })
        .collect()
}

fn calendar() -> Res<BusinessCalendar> {
    let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day).ok_or("date");
    Ok(
        BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::America::New_York)?
            .with_holidays([
                d(1, 2)?,
                d(5, 29)?,
                d(7, 4)?,
                d(9, 4)?,
                d(11, 23)?,
                d(12, 25)?,
            ]),
    )
}

/// FRT + resolution over `tickets`, sequentially (the cost per ticket is what is compared).
fn durations_once(tickets: &[Ticket], cal: Option<&BusinessCalendar>) -> Res<(f64, u64)> {
    let mut frt_o = FirstResponseTimeOptions::default();
    let mut art_o = ResolutionTimeOptions::default();
    if let Some(c) = cal {
        frt_o = frt_o.with_calendar(c.clone());
        art_o = art_o.with_calendar(c.clone());
    }
    let (frt, art) = (FirstResponseTime::new(frt_o)?, ResolutionTime::new(art_o)?);
    let started = Clock::now();
    let (mut f, mut r) = (frt.accumulator(), art.accumulator());
    for t in tickets {
        f.push(t)?;
        r.push(t)?;
    }
    let (f, r) = (f.finish(), r.finish());
    let secs = started.elapsed().as_secs_f64();
    // Using the results keeps the work from being optimized away.
    let check = f.calendar.total_seconds as u64
        ^ r.calendar.total_seconds as u64
        ^ f.business.map_or(0, |b| b.total_seconds as u64)
        ^ r.business.map_or(0, |b| b.total_seconds as u64);
    Ok((secs, check))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn business(n: usize, runs: usize, sample_out: Option<&Path>) -> Res<()> {
    let cal = calendar()?;
    let mut rows = Vec::new();
    for (label, span) in [
        ("1 hour", Duration::hours(1)),
        ("1 week", Duration::weeks(1)),
        ("1 year", Duration::days(365)),
    ] {
        let tickets = spans(n, span)?;
        let mut cal_t = Vec::new();
        let mut bus_t = Vec::new();
        for _ in 0..runs {
            cal_t.push(durations_once(&tickets, None)?.0);
            bus_t.push(durations_once(&tickets, Some(&cal))?.0);
        }
        let (c, b) = (median(cal_t), median(bus_t));
        rows.push(json!({
            "span": label, "tickets": n,
            "calendar_s": c, "calendar_business_s": b, "ratio": b / c,
        }));
    }
    if let Some(path) = sample_out {
        // Spans of every length for the pure-Python reference: created, end, business seconds.
        let mut text = String::from("start,end,business_seconds\n");
        for (i, span) in [Duration::hours(3), Duration::days(9), Duration::days(200)]
            .into_iter()
            .enumerate()
        {
            for t in spans(400, span)?.iter().skip(i) {
                if let Some(end) = t.resolved_at() {
                    let a = t.created_at();
                    let secs = cal.business_seconds(a, end);
                    text.push_str(&format!("{},{},{secs}\n", ts(a), ts(end)));
                }
            }
        }
        std::fs::write(path, text)?;
    }
    println!("{}", json!({"engine": "supportkpi-rust", "business": rows}));
    Ok(())
}

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The compact report state of one partition (all `n` tickets, monthly by channel): its size
/// in exact and sketch mode, the number of durations exact mode keeps, and the time of
/// `ReportState::from_columnar` (+ `to_bytes`) against `Report::compute_columnar` on the same
/// data. `--json-state` also sizes the previous JSON state (`ReportAccumulator` through
/// serde_json), which grows with the tickets.
fn state(n: u64, runs: usize, json_state: bool) -> Res<()> {
    use supportkpi::report::{ReportAccumulator, ReportState, Share};
    use supportkpi::stats::QuantileMode;
    let input = Synth::new(SynthOptions::new(n).seed(42))?
        .dataset()
        .into_report_input();
    let columns = ColumnarInput::from_input(&input)?;
    let exact = ReportOptions::default()
        .with_period(Period::Month)
        .with_by("channel");
    let sketch = exact.clone().with_quantiles(QuantileMode::Sketch {
        relative_accuracy: 0.01,
    });
    let best = |f: &dyn Fn() -> Res<()>| -> Res<f64> {
        let mut best = f64::INFINITY;
        for _ in 0..runs.max(1) {
            let t = Clock::now();
            f()?;
            best = best.min(t.elapsed().as_secs_f64());
        }
        Ok(best)
    };
    let report_s = best(&|| {
        Report::compute_columnar(&columns, &exact)
            .map(drop)
            .map_err(Into::into)
    })?;
    let partial_s = best(&|| {
        ReportState::from_columnar(&columns, &exact)
            .map(drop)
            .map_err(Into::into)
    })?;
    let partial_bytes_s = best(&|| {
        ReportState::from_columnar(&columns, &exact)
            .map(|s| drop(s.to_bytes()))
            .map_err(Into::into)
    })?;
    let exact_state = ReportState::from_columnar(&columns, &exact)?;
    let exact_bytes = exact_state.to_bytes();
    let decode_s = best(&|| {
        ReportState::from_bytes(&exact_bytes)
            .map(drop)
            .map_err(Into::into)
    })?;
    let report = exact_state.finish()?;
    // Each duration is kept once, in its (period, channel) cell.
    let durations: u64 = report
        .rows
        .iter()
        .filter(|r| r.dimension.is_some())
        .map(|r| r.frt_n + r.resolution_n)
        .sum();
    let sketch_bytes = ReportState::from_columnar(&columns, &sketch)?
        .to_bytes()
        .len();
    // What a partition ships when customers and costs are lookups (counted in one state).
    let lookup = |o: &ReportOptions| -> Res<usize> {
        Ok(
            ReportState::from_columnar_shared(&columns, o, Share::LookupOnly)?
                .to_bytes()
                .len(),
        )
    };
    let (lookup_exact, lookup_sketch) = (lookup(&exact)?, lookup(&sketch)?);
    let json_bytes = if json_state {
        let mut acc = ReportAccumulator::new(exact.clone())?;
        acc.push_input(&input)?;
        Some(serde_json::to_vec(&acc)?.len())
    } else {
        None
    };
    let out = json!({
        "tickets": n,
        "rows": report.rows.len(),
        "exact_state_bytes": exact_bytes.len(),
        "sketch_state_bytes": sketch_bytes,
        "lookup_only_exact_bytes": lookup_exact,
        "lookup_only_sketch_bytes": lookup_sketch,
        "durations_kept": durations,
        "exact_bytes_per_duration": (lookup_exact as f64 - lookup_sketch as f64) / durations.max(1) as f64,
        "json_state_bytes": json_bytes,
        "report_s": report_s,
        "partial_s": partial_s,
        "partial_to_bytes_s": partial_bytes_s,
        "from_bytes_s": decode_s,
        "partial_over_report": partial_s / report_s,
        "partial_to_bytes_over_report": partial_bytes_s / report_s,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
