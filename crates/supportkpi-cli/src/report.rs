//! `supportkpi report`: the flags into read and report options, the inputs through
//! `supportkpi::io::load_columnar` (or `load`, for what only records hold: see
//! [`crate::input`]), the numbers from the engine of the input's form, and out in the chosen
//! format.

use crate::Failure;
use crate::args::ReportArgs;
use crate::input::Read;
use crate::progress::Spinner;
use arrow_array::RecordBatch;
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use supportkpi::io::{ErrorMode, Preset, ReadOptions, SourceKind, Sources};
use supportkpi::kpi::{SlaMetric, SlaPolicy, SlaTarget};
use supportkpi::model::Status;
use supportkpi::report::HeldInput;
use supportkpi::report::filter::Condition;
use supportkpi::report::{ReportOptions, TicketMetrics};
use supportkpi::time::TeamCalendars;
use supportkpi::time::parse_zone;
use supportkpi::{BusinessCalendar, Error, Period};
use supportkpi_synth::{Synth, SynthOptions};

/// The demo's data set: the one `examples/data/demo/` holds (a test keeps the two equal).
pub(crate) const DEMO_TICKETS: u64 = 3_000;
pub(crate) const DEMO_SEED: u64 = 42;
/// The generator's office hours, so business time in the demo means what the agents worked.
const DEMO_HOURS: &str = "Mon-Fri 08:00-18:00";
const DEMO_SLA_FIRST_RESPONSE: &str = "urgent=1h,high=2h,normal=8h,low=1d";
const DEMO_SLA_RESOLUTION: &str = "urgent=1d,high=2d,normal=5d,low=10d";
const DEMO_SLA_NEXT_REPLY: &str = "urgent=2h,high=4h,normal=8h,low=1d";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutFormat {
    Table,
    Json,
    Csv,
    Html,
    /// The report's Arrow batch as a Parquet file.
    Parquet,
    /// The report's Arrow batch as an Arrow IPC file.
    Arrow,
}

/// Everything the renderers need besides the report itself.
#[derive(Debug)]
pub(crate) struct Context {
    pub(crate) input: HeldInput,
    pub(crate) options: ReportOptions,
    pub(crate) read: Vec<(SourceKind, PathBuf, u64)>,
    pub(crate) rejected: Vec<supportkpi::io::SourceRejected>,
    pub(crate) title: String,
    pub(crate) hours: Option<String>,
    /// The SLA flags, as given (or the demo's).
    pub(crate) sla: Option<String>,
    pub(crate) demo: bool,
    /// `--ticket-url`: the drill-down lists link each id there (`{id}` replaced).
    pub(crate) ticket_url: Option<String>,
}

/// `supportkpi report` (`per_ticket` false) or `supportkpi tickets` (true).
pub(crate) fn run(args: ReportArgs, per_ticket: bool) -> Result<(), Failure> {
    let format = match args.format.as_deref().unwrap_or("table") {
        "table" => OutFormat::Table,
        "json" => OutFormat::Json,
        "csv" => OutFormat::Csv,
        "html" if !per_ticket => OutFormat::Html,
        "parquet" => OutFormat::Parquet,
        "arrow" | "ipc" => OutFormat::Arrow,
        other if per_ticket => {
            return Err(Failure::Usage(format!(
                "--format {other:?}: expected table, json, csv, parquet or arrow"
            )));
        }
        other => {
            return Err(Failure::Usage(format!(
                "--format {other:?}: expected table, json, csv, html, parquet or arrow"
            )));
        }
    };
    if matches!(format, OutFormat::Parquet | OutFormat::Arrow) && args.output.is_none() {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            return Err(Failure::Usage(
                "--format parquet and arrow write a binary file: give -o FILE or redirect the \
                 output"
                    .into(),
            ));
        }
    }
    let errors = match (args.errors.as_deref(), &args.rejects) {
        (None, Some(_)) => ErrorMode::Lenient,
        (None, None) => ErrorMode::Strict,
        (Some(s), rejects) => {
            let mode: ErrorMode = s.parse().map_err(|e: Error| usage("--errors", &e))?;
            if mode == ErrorMode::Strict && rejects.is_some() {
                return Err(Failure::Usage(
                    "--rejects lists what a lenient read skipped: use it with --errors lenient"
                        .into(),
                ));
            }
            mode
        }
    };
    let zone: Tz = match &args.tz {
        Some(z) => parse_zone(z).map_err(|e| usage("--tz", &e))?,
        None => Tz::UTC,
    };
    let period: Period = match &args.period {
        Some(p) => p.parse().map_err(|e: Error| usage("--period", &e))?,
        None => Period::Month,
    };
    let preset: Option<Preset> = match &args.preset {
        Some(p) => Some(p.parse().map_err(|e: Error| usage("--preset", &e))?),
        None => None,
    };
    let hours = args
        .hours
        .clone()
        .or_else(|| args.demo.then(|| DEMO_HOURS.to_owned()));
    let calendar = match &hours {
        Some(h) => {
            let mut cal = BusinessCalendar::parse(h, zone).map_err(|e| usage("--hours", &e))?;
            if let Some(spec) = &args.holidays {
                cal = with_holidays(cal, spec)?;
            }
            Some(cal)
        }
        None if args.holidays.is_some() => {
            return Err(Failure::Usage(
                "--holidays close days of the business calendar: give --hours too".into(),
            ));
        }
        None => None,
    };
    let calendars = match &args.calendars {
        None => None,
        Some(_) if calendar.is_none() => {
            return Err(Failure::Usage(
                "--calendars: the other tickets need a default calendar: give --hours too".into(),
            ));
        }
        Some(path) => Some(team_calendars(path)?),
    };
    let given = [
        &args.sla_first_response,
        &args.sla_resolution,
        &args.sla_next_reply,
        &args.sla_periodic_update,
    ];
    let [sla_fr, sla_res, sla_next, sla_update] = if args.demo && given.iter().all(|g| g.is_none())
    {
        [
            Some(DEMO_SLA_FIRST_RESPONSE.to_owned()),
            Some(DEMO_SLA_RESOLUTION.to_owned()),
            Some(DEMO_SLA_NEXT_REPLY.to_owned()),
            None,
        ]
    } else {
        given.map(Clone::clone)
    };
    let mut sla = sla_policy(
        &[
            (SlaMetric::FirstResponse, sla_fr.as_deref()),
            (SlaMetric::Resolution, sla_res.as_deref()),
            (SlaMetric::NextReply, sla_next.as_deref()),
            (SlaMetric::PeriodicUpdate, sla_update.as_deref()),
        ],
        calendar.as_ref(),
    )?;
    if let Some(spec) = &args.sla_pause {
        let Some(policy) = sla.take() else {
            return Err(Failure::Usage(
                "--sla-pause stops the clock of SLA targets: give --sla-resolution too".into(),
            ));
        };
        sla = Some(policy.pause(SlaMetric::Resolution, pause_statuses(spec)?));
    }

    let mut options = ReportOptions::default().with_period(period).with_zone(zone);
    if let Some(cal) = calendar {
        options = options.with_calendar(cal);
    }
    if let Some(map) = calendars {
        options = options.with_calendars(map);
    }
    if let Some(text) = &args.as_of {
        options = options.with_as_of(as_of(text, zone)?);
    }
    if let Some(by) = &args.by {
        options = options.with_by(by.clone());
    }
    for text in &args.wheres {
        let condition: Condition = text.parse().map_err(|e: Error| usage("--where", &e))?;
        options = options.with_filter(condition);
    }
    if let Some(policy) = sla {
        options = options.with_sla(policy);
    }
    match (&args.from, &args.to) {
        (Some(from), Some(to)) => {
            options = options.with_range(date("--from", from)?, date("--to", to)?)
        }
        (None, None) => {}
        _ => {
            return Err(Failure::Usage(
                "--from and --to bound the report together: give both".into(),
            ));
        }
    }
    let bound =
        |flag: &str, n: &str| -> Result<u64, Failure> {
            n.trim().parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                Failure::Usage(format!("{flag} {n:?}: expected a whole number above 0"))
            })
        };
    if let Some(n) = &args.max_periods {
        options = options.with_max_periods(bound("--max-periods", n)?);
    }
    if let Some(n) = &args.max_rows {
        options = options.with_max_rows(bound("--max-rows", n)?);
    }
    if let Some(list) = &args.sections {
        let sections: supportkpi::report::SectionSet =
            list.parse().map_err(|e| usage("--sections", &e))?;
        options = options.with_sections(sections);
    }
    if let Some(k) = &args.drill_down_top {
        let k: u32 = k.trim().parse().map_err(|_| {
            Failure::Usage(format!("--drill-down-top {k:?}: expected a whole number"))
        })?;
        options = options.with_drill_down_top(k);
    }
    // The options' own checks (a range longer than max_periods, a range that ends before it
    // starts) are bad usage, not bad input.
    supportkpi::report::ReportAccumulator::new(options.clone())
        .map_err(|e| usage("the report options", &e))?;

    let mut context = if args.demo {
        demo_context(options)
    } else {
        // The report's survey scales, so that a score off them is a bad record of the read
        // (with its file and line, set aside in lenient mode), not a failed report.
        let read_options = ReadOptions::new()
            .errors(errors)
            .with_zone(zone)
            .survey_scales(options.csat, options.ces);
        let sources = Sources {
            tickets: args.tickets.clone(),
            events: args.events.clone(),
            surveys: args.surveys.clone(),
            customers: args.customers.clone(),
            costs: args.costs.clone(),
            preset,
        };
        let loaded = {
            let _spinner = Spinner::start(format!("reading {}", describe(&sources)));
            // Columns unless the per-ticket table or per-team calendars need the records.
            let columns = !per_ticket && options.calendars.is_none();
            crate::input::read(&sources, &read_options, columns)
                .map_err(|e| Failure::Input(with_preset_hint(&e, sources.preset.is_none())))?
        };
        if let (true, Some(preset)) = (loaded.detected, loaded.preset) {
            crate::write_stderr(&format!(
                "supportkpi: reading the helpdesk export with the {preset} preset (detected from its header; --preset overrides)"
            ))
            .map_err(|e| Failure::Input(format!("standard error: cannot write: {e}")))?;
        }
        file_context(loaded, &sources, options)
    };
    context.hours = hours;
    context.ticket_url = args.ticket_url.clone();
    context.sla = match (&sla_fr, &sla_res, &sla_next, &sla_update) {
        (None, None, None, None) => None,
        (a, b, c, d) => {
            let mut text = format!(
                "first response {}; resolution {}",
                a.as_deref().unwrap_or("none"),
                b.as_deref().unwrap_or("none")
            );
            for (name, spec) in [("next reply", c), ("periodic update", d)] {
                if let Some(spec) = spec {
                    let _ = write!(text, "; {name} {spec}");
                }
            }
            if let Some(p) = &args.sla_pause {
                let _ = write!(text, "; resolution paused in {p}");
            }
            Some(text)
        }
    };

    // A field the input does not have is bad input (exit 1), named with the known fields.
    context
        .input
        .check_fields(&context.options)
        .map_err(|e| Failure::Input(one_line(&e)))?;
    if per_ticket {
        let HeldInput::Rows(input) = &context.input else {
            unreachable!("the per-ticket table's input is read as records")
        };
        let table = {
            let _spinner = Spinner::start("computing the ticket table".to_owned());
            TicketMetrics::compute(input, &context.options)
                .map_err(|e| Failure::Input(one_line(&e)))?
        };
        let text: Vec<u8> = match format {
            OutFormat::Json => (table.to_json() + "\n").into_bytes(),
            OutFormat::Csv => table.to_csv().into_bytes(),
            OutFormat::Parquet | OutFormat::Arrow => {
                let batch = table.to_arrow().map_err(|e| Failure::Input(one_line(&e)))?;
                binary(&batch, format)?
            }
            _ => crate::table::render_tickets(&table).into_bytes(),
        };
        return write_out(&args, &text);
    }

    let report = {
        let _spinner = Spinner::start("computing the report".to_owned());
        // The page shows the latest period by a dimension: one report with it serves both
        // (its total rows are those of the report without it).
        let page_by = match (format, &context.options.by) {
            (OutFormat::Html, None) => crate::html::breakdown_by(&context),
            _ => None,
        };
        match page_by {
            Some(by) => context.input.compute(&context.options.clone().with_by(by)),
            None => context.input.compute(&context.options),
        }
        .map_err(|e| Failure::Input(one_line(&e)))?
    };

    if let Some(path) = &args.rejects {
        std::fs::write(path, rejects_csv(&context.rejected, args.csv_raw))
            .map_err(|e| Failure::Input(format!("{}: cannot write: {e}", path.display())))?;
    }

    let text: Vec<u8> = match format {
        OutFormat::Table => crate::table::render(&report, &context).into_bytes(),
        OutFormat::Json => (report.to_json() + "\n").into_bytes(),
        OutFormat::Csv if args.csv_raw => report.to_csv_raw().into_bytes(),
        OutFormat::Csv => report.to_csv().into_bytes(),
        OutFormat::Html => {
            let _spinner = Spinner::start("drawing the charts".to_owned());
            crate::html::render(&report, &context)
                .map_err(Failure::Input)?
                .into_bytes()
        }
        OutFormat::Parquet | OutFormat::Arrow => {
            let batch = report
                .to_arrow()
                .map_err(|e| Failure::Input(one_line(&e)))?;
            binary(&batch, format)?
        }
    };
    write_out(&args, &text)?;
    if format != OutFormat::Table && !context.rejected.is_empty() {
        crate::write_stderr(&rejects_summary(&context))
            .map_err(|e| Failure::Input(format!("standard error: cannot write: {e}")))?;
    }
    Ok(())
}

fn write_out(args: &ReportArgs, text: &[u8]) -> Result<(), Failure> {
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Input(format!("{}: cannot write: {e}", path.display())))?,
        None => crate::write_stdout(text)?,
    }
    Ok(())
}

/// An Arrow batch from the core (the report's, types from `report::COLUMNS`, or the ticket
/// table's) as a Parquet or an Arrow IPC file.
fn binary(batch: &RecordBatch, format: OutFormat) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    let failed = |e: &dyn std::fmt::Display| Failure::Input(format!("writing the report: {e}"));
    if format == OutFormat::Parquet {
        use parquet::arrow::ArrowWriter;
        use parquet::basic::{Compression, ZstdLevel};
        use parquet::file::properties::WriterProperties;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let mut w =
            ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).map_err(|e| failed(&e))?;
        w.write(batch).map_err(|e| failed(&e))?;
        w.close().map_err(|e| failed(&e))?;
    } else {
        let mut w = arrow_ipc::writer::FileWriter::try_new(&mut out, &batch.schema())
            .map_err(|e| failed(&e))?;
        w.write(batch).map_err(|e| failed(&e))?;
        w.finish().map_err(|e| failed(&e))?;
    }
    Ok(out)
}

fn date(flag: &str, text: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::Usage(format!("{flag} {text:?}: expected a date YYYY-MM-DD")))
}

fn usage(flag: &str, e: &Error) -> Failure {
    Failure::Usage(format!("{flag}: {}", one_line(e)))
}

fn describe(sources: &Sources) -> String {
    let files: Vec<String> = [
        &sources.tickets,
        &sources.events,
        &sources.surveys,
        &sources.customers,
        &sources.costs,
    ]
    .into_iter()
    .flatten()
    .map(|p| file_name(p))
    .collect();
    files.join(", ")
}

pub(crate) fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn demo_context(options: ReportOptions) -> Context {
    let synth = Synth::new(SynthOptions::new(DEMO_TICKETS).seed(DEMO_SEED))
        .unwrap_or_else(|e| unreachable!("the demo's options are valid: {e}"));
    let data = synth.dataset();
    let dir = PathBuf::from("examples/data/demo");
    let read = vec![
        (
            SourceKind::Tickets,
            dir.join("tickets.csv"),
            data.tickets.len() as u64,
        ),
        (
            SourceKind::Events,
            dir.join("events.csv"),
            data.events.len() as u64,
        ),
        (
            SourceKind::Surveys,
            dir.join("surveys.csv"),
            data.surveys.len() as u64,
        ),
        (
            SourceKind::Customers,
            dir.join("customers.csv"),
            data.customers.len() as u64,
        ),
        (
            SourceKind::Costs,
            dir.join("costs.csv"),
            data.costs.len() as u64,
        ),
    ];
    Context {
        input: HeldInput::Rows(
            data.into_report_input_with_histories()
                .unwrap_or_else(|e| unreachable!("the demo's events derive: {e}")),
        ),
        options,
        read,
        rejected: Vec::new(),
        title: "Acme Cloud support (synthetic demo data)".to_owned(),
        hours: None,
        sla: None,
        demo: true,
        ticket_url: None,
    }
}

fn file_context(loaded: Read, sources: &Sources, options: ReportOptions) -> Context {
    let path_of = |kind: SourceKind| -> PathBuf {
        let p = match kind {
            SourceKind::Tickets => &sources.tickets,
            SourceKind::Events => &sources.events,
            SourceKind::Surveys => &sources.surveys,
            SourceKind::Customers => &sources.customers,
            SourceKind::Costs => &sources.costs,
        };
        p.clone().unwrap_or_default()
    };
    let read = loaded
        .read
        .iter()
        .map(|(k, n)| (*k, path_of(*k), *n))
        .collect();
    let title = sources
        .tickets
        .as_ref()
        .or(sources.events.as_ref())
        .or(sources.surveys.as_ref())
        .map_or_else(|| "Support report".to_owned(), |p| file_name(p));
    Context {
        input: loaded.input,
        options,
        read,
        rejected: loaded.rejected,
        title,
        hours: None,
        sla: None,
        demo: false,
        ticket_url: None,
    }
}

/// `--holidays`: a file of dates (one per line; `#` comments and a trailing `,...` ignored) or
/// a comma-separated list.
fn holidays(spec: &str) -> Result<Vec<NaiveDate>, Failure> {
    let path = Path::new(spec);
    let (text, from_file) = if path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Input(format!("{spec}: cannot read: {e}")))?;
        (text, true)
    } else {
        (spec.replace(',', "\n"), false)
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let item = line.split('#').next().unwrap_or("").trim();
        let item = if from_file {
            item.split(',').next().unwrap_or("").trim()
        } else {
            item
        };
        if item.is_empty() {
            continue;
        }
        match NaiveDate::parse_from_str(item, "%Y-%m-%d") {
            Ok(d) => out.push(d),
            Err(_) if from_file && i == 0 => {} // a header line
            Err(_) => {
                let place = if from_file {
                    format!("{spec}:{}: ", i + 1)
                } else {
                    "--holidays: ".to_owned()
                };
                let msg = format!("{place}{item:?}: expected a date YYYY-MM-DD");
                return Err(if from_file {
                    Failure::Input(msg)
                } else {
                    Failure::Usage(msg)
                });
            }
        }
    }
    Ok(out)
}

/// `--holidays`: dates, a file of dates, or an iCalendar file (`.ics`, or text starting with
/// `BEGIN:VCALENDAR`), read in the calendar's zone.
fn with_holidays(cal: BusinessCalendar, spec: &str) -> Result<BusinessCalendar, Failure> {
    let path = Path::new(spec);
    if path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Input(format!("{spec}: cannot read: {e}")))?;
        if text.trim_start().starts_with("BEGIN:VCALENDAR") {
            return cal
                .with_ics(&text)
                .map_err(|e| Failure::Input(format!("{spec}: {}", one_line(&e))));
        }
    }
    Ok(cal.with_holidays(holidays(spec)?))
}

/// `--as-of`: an RFC 3339 instant, or a date meaning its start in the report's zone.
fn as_of(text: &str, zone: Tz) -> Result<supportkpi::model::Instant, Failure> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| supportkpi::time::local_to_instant(zone, d.and_time(chrono::NaiveTime::MIN)))
        .map_err(|_| {
            Failure::Usage(format!(
                "--as-of {text:?}: expected an RFC 3339 instant or a date YYYY-MM-DD"
            ))
        })
}

/// `--sla-pause pending,hold`: canonical status names and their synonyms; `none`: no pause.
fn pause_statuses(spec: &str) -> Result<Vec<Status>, Failure> {
    if spec.trim() == "none" {
        return Ok(Vec::new());
    }
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<Status>().map_err(|e| usage("--sla-pause", &e)))
        .collect()
}

/// `--calendars FILE`: the JSON form of `TeamCalendars`, or a TOML file of one table per team
/// (`by = "team"` at the top; `timezone`, `hours`, `holidays` in each table).
fn team_calendars(path: &Path) -> Result<TeamCalendars, Failure> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("{name}: cannot read: {e}")))?;
    let json = if text.trim_start().starts_with('{') {
        text
    } else {
        toml_to_json(&text)
            .map_err(|(line, what)| Failure::Input(format!("{name}:{line}: {what}")))?
    };
    TeamCalendars::from_json(&json).map_err(|e| Failure::Input(format!("{name}: {}", one_line(&e))))
}

/// The TOML subset a calendars file needs, as the JSON form: `key = "text"` and
/// `key = ["text", ...]` at the top (`by`) and in `[team]` tables (a quoted `["team name"]`
/// too); `#` comments. Anything else is an error naming the line.
fn toml_to_json(text: &str) -> Result<String, (usize, String)> {
    let mut top = serde_json::Map::new();
    let mut tables: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    let mut current: Option<String> = None;
    let string = |v: &str| -> Option<String> {
        let v = v.trim();
        let inner = v.strip_prefix('"')?.strip_suffix('"')?;
        (!inner.contains('"')).then(|| inner.to_owned())
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = string(name).unwrap_or_else(|| name.trim().to_owned());
            tables.insert(
                name.clone(),
                serde_json::Value::Object(serde_json::Map::new()),
            );
            current = Some(name);
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err((i + 1, "expected key = \"value\" or [team]".into()));
        };
        let value = value.trim();
        let value = if let Some(items) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            let items: Option<Vec<serde_json::Value>> = items
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| string(s).map(serde_json::Value::String))
                .collect();
            serde_json::Value::Array(items.ok_or((i + 1, "expected [\"text\", ...]".into()))?)
        } else {
            serde_json::Value::String(
                string(value).ok_or((i + 1, "expected a \"quoted\" value".into()))?,
            )
        };
        let target = match &current {
            None => &mut top,
            Some(name) => match tables.get_mut(name) {
                Some(serde_json::Value::Object(m)) => m,
                _ => return Err((i + 1, "expected a table".into())),
            },
        };
        target.insert(key.trim().to_owned(), value);
    }
    top.insert("calendars".into(), serde_json::Value::Object(tables));
    Ok(serde_json::Value::Object(top).to_string())
}

/// `"urgent=1h,high=4h,*=1d"` per metric into targets: business time when there is a
/// calendar.
fn sla_policy(
    specs: &[(SlaMetric, Option<&str>)],
    calendar: Option<&BusinessCalendar>,
) -> Result<Option<SlaPolicy>, Failure> {
    if specs.iter().all(|(_, s)| s.is_none()) {
        return Ok(None);
    }
    let mut policy = SlaPolicy::new();
    if let Some(cal) = calendar {
        policy = policy.calendar(cal.clone());
    }
    let target = |flag: &str, text: &str| -> Result<SlaTarget, Failure> {
        let secs = parse_duration(text).ok_or_else(|| {
            Failure::Usage(format!(
                "{flag}: {text:?}: expected a duration like 30m, 4h, 1d or 1h30m"
            ))
        })?;
        let t = if calendar.is_some() {
            SlaTarget::business(secs)
        } else {
            SlaTarget::calendar(secs)
        };
        t.map_err(|e| usage(flag, &e))
    };
    for &(metric, spec) in specs {
        let flag = format!("--sla-{}", metric.as_str().replace('_', "-"));
        let flag = flag.as_str();
        let Some(spec) = spec else { continue };
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((priority, duration)) = item.split_once('=') else {
                return Err(Failure::Usage(format!(
                    "{flag}: {item:?}: expected PRIORITY=DURATION, e.g. high=4h"
                )));
            };
            let (priority, t) = (priority.trim(), target(flag, duration.trim())?);
            let priority = (priority != "*").then_some(priority);
            policy = policy.with_target(metric, priority, t);
        }
    }
    Ok(Some(policy))
}

/// `90s`, `30m`, `4h`, `2d`, `1h30m` into seconds.
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut any = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return None,
        };
        let n: i64 = number.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        number.clear();
        any = true;
    }
    (any && number.is_empty() && total > 0).then_some(total)
}

/// An error in one line a person can act on: `file:line: record "id": field f = "v": rule`.
/// A header's missing column without `--preset`: the layouts a tickets file can have.
fn with_preset_hint(e: &Error, no_preset: bool) -> String {
    let mut out = one_line(e);
    if no_preset
        && e.kind() == supportkpi::ErrorKind::MissingField
        && e.line().is_none_or(|l| l <= 1)
    {
        out.push_str(&format!(
            " (without --preset a tickets file is in the canonical layout or matches a preset: {}; see `supportkpi presets`)",
            supportkpi::io::presets::detect::signatures()
        ));
    }
    out
}

pub(crate) fn one_line(e: &Error) -> String {
    let mut out = String::new();
    match (e.file(), e.line()) {
        (Some(f), Some(l)) => {
            let _ = write!(out, "{f}:{l}: ");
        }
        (Some(f), None) => {
            let _ = write!(out, "{f}: ");
        }
        (None, Some(l)) => {
            let _ = write!(out, "line {l}: ");
        }
        (None, None) => {}
    }
    if let Some(r) = e.record() {
        if !r.record_type.is_empty() {
            out.push_str(r.record_type);
            if let Some(id) = &r.id {
                let _ = write!(out, " {id:?}");
            }
            out.push_str(": ");
        }
    }
    match (e.field(), e.value()) {
        (Some(f), Some(v)) => {
            let _ = write!(out, "field {f} = {v:?}: ");
        }
        (Some(f), None) => {
            let _ = write!(out, "field {f}: ");
        }
        (None, Some(v)) => {
            let _ = write!(out, "{v:?}: ");
        }
        (None, None) => {}
    }
    out.push_str(e.rule());
    out.replace('\n', " ")
}

/// Every rejected record: `source,file,line,record_type,id,kind,field,value,rule`.
/// Every column but `line` is text from the input or about it, so each is neutralised against
/// spreadsheet formulas ([`supportkpi::report::csv_text`]) unless `raw`.
pub(crate) fn rejects_csv(rejected: &[supportkpi::io::SourceRejected], raw: bool) -> String {
    let mut out = String::from("source,file,line,record_type,id,kind,field,value,rule\n");
    for r in rejected {
        let e = &r.rejected.error;
        let line = if r.rejected.line == 0 {
            String::new()
        } else {
            r.rejected.line.to_string()
        };
        let fields = [
            r.source.to_string(),
            r.path.display().to_string(),
            line,
            e.record().map_or("", |r| r.record_type).to_owned(),
            e.record()
                .and_then(|r| r.id.as_deref())
                .unwrap_or("")
                .to_owned(),
            e.kind().to_string(),
            e.field().unwrap_or("").to_owned(),
            e.value().unwrap_or("").to_owned(),
            e.rule().to_owned(),
        ];
        let quoted: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| match i {
                2 => f.clone(),
                _ => supportkpi::report::csv_text(f, raw),
            })
            .collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}

/// `rejected 2 of 120 records (tickets.csv: 2 — line 3: negative_duration, …)`.
pub(crate) fn rejects_summary(c: &Context) -> String {
    let total: u64 = c.read.iter().map(|(_, _, n)| n).sum();
    if c.rejected.is_empty() {
        return format!(
            "rejected: none of {} records",
            crate::table::thousands(total)
        );
    }
    let mut by_file: Vec<(String, Vec<String>)> = Vec::new();
    for r in &c.rejected {
        let name = file_name(&r.path);
        let what = match r.rejected.line {
            0 => format!(
                "{} ({})",
                r.rejected.error.kind(),
                r.rejected
                    .error
                    .record()
                    .and_then(|x| x.id.clone())
                    .unwrap_or_default()
            ),
            l => format!("line {l} {}", r.rejected.error.kind()),
        };
        match by_file.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(what),
            None => by_file.push((name, vec![what])),
        }
    }
    let parts: Vec<String> = by_file
        .iter()
        .map(|(name, v)| {
            let shown: Vec<&str> = v.iter().take(3).map(String::as_str).collect();
            let more = if v.len() > 3 {
                format!(", +{} more", v.len() - 3)
            } else {
                String::new()
            };
            format!("{name}: {} ({}{more})", v.len(), shown.join(", "))
        })
        .collect();
    format!(
        "rejected: {} of {} records: {}",
        c.rejected.len(),
        crate::table::thousands(total),
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendars_from_toml_and_pauses() {
        let toml = "# support teams\nby = \"team\"\n\n[Berlin]\ntimezone = \"Europe/Berlin\"\n\
                    hours = \"Mon-Fri 09:00-17:00\"\nholidays = [\"2021-12-24\", \"2021-12-31\"]\n\n\
                    [\"New York\"]\ntimezone = \"America/New_York\"\nhours = \"Mon-Fri 09:00-17:00\"\n";
        let map = TeamCalendars::from_json(&toml_to_json(toml).unwrap()).unwrap();
        assert_eq!(map.dimension(), "team");
        assert_eq!(map.get("Berlin").unwrap().holidays().count(), 2);
        assert_eq!(
            map.get("New York").unwrap().zone(),
            chrono_tz::America::New_York
        );
        assert_eq!(toml_to_json("[a]\nhours = 9").unwrap_err().0, 2);
        assert_eq!(
            pause_statuses("pending, hold").unwrap(),
            [Status::Pending, Status::OnHold]
        );
        assert!(pause_statuses("none").unwrap().is_empty());
        let berlin = chrono_tz::Europe::Berlin;
        assert_eq!(
            as_of("2021-06-28", berlin).unwrap().to_rfc3339(),
            "2021-06-27T22:00:00+00:00"
        );
        assert_eq!(
            as_of("2021-06-28T12:00:00Z", berlin).unwrap().to_rfc3339(),
            "2021-06-28T12:00:00+00:00"
        );
        assert!(matches!(as_of("soon", berlin), Err(Failure::Usage(_))));
        assert!(matches!(pause_statuses("lunch"), Err(Failure::Usage(_))));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("4h"), Some(14_400));
        assert_eq!(parse_duration("1h30m"), Some(5_400));
        assert_eq!(parse_duration("2d"), Some(172_800));
        assert_eq!(parse_duration("4"), None);
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("0m"), None);
        assert_eq!(parse_duration("4x"), None);
    }

    #[test]
    fn holiday_lists() {
        let d = holidays("2023-12-25, 2023-12-26").unwrap();
        assert_eq!(d.len(), 2);
        assert!(matches!(holidays("2023-13-01"), Err(Failure::Usage(_))));
    }
}
