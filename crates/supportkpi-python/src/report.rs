//! `report`, `partial` and `merge`: inputs in, the core's report out, as rows or Arrow.
//!
//! The one reading path (`gather`) lives here, and the inputs as reports read them (`Held`,
//! the core's `HeldInput`);
//! `prepare` (`prepared.rs`) keeps what `gather` gave for many reports.

use crate::calendar::PyBusinessCalendar;
use crate::errors;
use crate::read::{self, Arrow, Config, Data, Kind, Outcome, PyRecords, ReadArgs};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use pyo3_arrow::PyTable;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use supportkpi::columnar::{ColumnarInput, SurveyTable, TicketTable};
use supportkpi::io::{self, ReadOptions, Rejected, Sources};
use supportkpi::model::SurveyKind;
use supportkpi::report::{
    COLUMNS, ColumnType, HeldInput, ReportInput, ReportOptions, ReportRow, ReportState, Sections,
    Share, TicketMetrics, column_names,
};
use supportkpi::{Error, ErrorKind, Period, Report, SurveyResponse, Ticket};

/// One input of a report, as the Python layer hands it over.
#[derive(FromPyObject)]
pub(crate) enum Source<'py> {
    Records(Bound<'py, PyRecords>),
    Path(PathBuf),
    Table(pyo3_arrow::PyRecordBatchReader),
}

/// A rejected record with the input it came from.
struct SourceRejected {
    source: String,
    rejected: Rejected,
}

/// What the reads gave besides the records: the rejected ones and the records read per input.
/// Shared (`Arc`) by every report computed on the same prepared inputs.
#[derive(Default)]
pub(crate) struct Reading {
    rejected: Vec<SourceRejected>,
    read: Vec<(String, u64)>,
}

impl Reading {
    /// `(source, line, error)` for every record a lenient read rejected.
    pub(crate) fn rejected<'py>(&self, py: Python<'py>) -> Vec<(String, u64, Bound<'py, PyAny>)> {
        self.rejected
            .iter()
            .map(|r| {
                let e = errors::to_py(py, &r.rejected.error, None);
                (
                    r.source.clone(),
                    r.rejected.line,
                    e.into_value(py).into_bound(py).into_any(),
                )
            })
            .collect()
    }

    /// Records read per input, in reading order.
    pub(crate) fn read(&self) -> Vec<(String, u64)> {
        self.read.clone()
    }

    pub(crate) fn rejected_count(&self) -> usize {
        self.rejected.len()
    }
}

/// The inputs as a report reads them: the core's `HeldInput` (the columnar tables while every
/// input has that form, else the records), which reports by the engine of its form. Reports
/// borrow it, so one read serves any number of them.
pub(crate) type Held = HeldInput;

/// `(kind, records)` held: tickets (summaries and event-log histories alike), survey
/// responses, customers, cost entries.
pub(crate) fn kinds(held: &Held) -> [(&'static str, usize); 4] {
    let [t, s, c, k] = held.counts();
    [
        ("tickets", t),
        ("surveys", s),
        ("customers", c),
        ("costs", k),
    ]
}

/// What the inputs gave: the report's input, the rejected records, records read per input.
pub(crate) struct Gathered {
    /// The records; while `columns` is set, its tickets and responses are there instead.
    input: ReportInput,
    /// The tickets and responses as columns, as long as every input has a columnar form (no
    /// event histories, every instant in the columns' range); the report then reads them with
    /// `Report::compute_columnar`.
    columns: Option<(TicketTable, SurveyTable)>,
    rejected: Vec<SourceRejected>,
    read: Vec<(String, u64)>,
}

impl Gathered {
    /// Leaves the columnar form: the tables' records join the rows, in input order.
    fn leave_columns(&mut self) {
        if let Some((tickets, surveys)) = self.columns.take() {
            let mut rows: Vec<Ticket> = tickets.tickets().collect();
            rows.append(&mut self.input.tickets);
            self.input.tickets = rows;
            let mut rows: Vec<SurveyResponse> = surveys.responses().collect();
            rows.append(&mut self.input.surveys);
            self.input.surveys = rows;
        }
    }

    /// Moves the row tickets and responses into the tables (when columnar).
    fn columnize(&mut self) {
        let Some((tickets, surveys)) = &mut self.columns else {
            return;
        };
        if !self.input.histories.is_empty() {
            return self.leave_columns();
        }
        match (
            TicketTable::from_tickets(&self.input.tickets),
            SurveyTable::from_responses(&self.input.surveys),
        ) {
            (Ok(t), Ok(s)) => {
                append(tickets, t, TicketTable::append);
                append(surveys, s, SurveyTable::append);
                self.input.tickets.clear();
                self.input.surveys.clear();
            }
            // An instant outside the columns' range: the report reads rows.
            _ => self.leave_columns(),
        }
    }

    fn tickets_table(&mut self, t: TicketTable) {
        match &mut self.columns {
            Some((tickets, _)) => append(tickets, t, TicketTable::append),
            None => self.input.tickets.extend(t.tickets()),
        }
    }

    fn surveys_table(&mut self, s: SurveyTable) {
        match &mut self.columns {
            Some((_, surveys)) => append(surveys, s, SurveyTable::append),
            None => self.input.surveys.extend(s.responses()),
        }
    }

    /// The inputs as reports read them, and what reading them gave besides.
    pub(crate) fn split(self) -> (Held, Reading) {
        let Gathered {
            input,
            columns,
            rejected,
            read,
        } = self;
        let held = match columns {
            Some((tickets, surveys)) => Held::Columns(Box::new(ColumnarInput {
                tickets,
                surveys,
                customers: input.customers,
                costs: input.costs,
            })),
            None => Held::Rows(input),
        };
        (held, Reading { rejected, read })
    }
}

/// `more` after `all`'s rows (taken whole when `all` has none).
fn append<T: Default + PartialEq>(all: &mut T, more: T, append: fn(&mut T, T)) {
    if *all == T::default() {
        *all = more;
    } else {
        append(all, more);
    }
}

const SLOTS: [&str; 5] = ["tickets", "events", "surveys", "customers", "costs"];

pub(crate) fn py_err(py: Python<'_>) -> impl Fn(Error) -> PyErr + '_ {
    move |e| errors::to_py(py, &e, None)
}

/// Reads every input: the files in one `io::load`, the tables through the Arrow path, the
/// records as read. The preset and the mapping apply to the helpdesk export only (the tickets,
/// or the events for an event-log preset when both are given), as in `io::load`. Of the report
/// options it reads only those [`READ_WITH`] names.
pub(crate) fn gather(
    py: Python<'_>,
    inputs: Vec<(String, Source<'_>)>,
    args: &ReadArgs,
    report: &ReportOptions,
) -> PyResult<Gathered> {
    let mut export_config = args.config().map_err(py_err(py))?;
    let mut canonical_config = args.canonical().config().map_err(py_err(py))?;
    // Files and tables are read with the report's survey scales (the core readers check them):
    // a score off them is a bad record of the read (file and line or row; set aside when
    // lenient), not a failed report. (READ_WITH and read_differently say so for `prepare`.)
    for config in [&mut export_config, &mut canonical_config] {
        config.options = with_scales(config.options.clone(), report);
    }
    let has = |slot: &str| inputs.iter().any(|(s, _)| s == slot);
    let export_slot = match export_config.preset {
        Some(p) if p.reads_event_log() && has("events") => "events",
        _ => "tickets",
    };
    let mut sources = Sources::default();
    let mut others: Vec<(String, Source<'_>)> = Vec::new();
    for (slot, source) in inputs {
        match source {
            Source::Path(p) => {
                let field = match slot.as_str() {
                    "tickets" => &mut sources.tickets,
                    "events" => &mut sources.events,
                    "surveys" => &mut sources.surveys,
                    "customers" => &mut sources.customers,
                    "costs" => &mut sources.costs,
                    _ => return Err(PyTypeError::new_err(format!("unknown input {slot:?}"))),
                };
                *field = Some(p);
            }
            other => others.push((slot, other)),
        }
    }
    let export_is_path = match export_slot {
        "events" => sources.events.is_some(),
        _ => sources.tickets.is_some(),
    };
    let mut g = Gathered {
        input: ReportInput::default(),
        columns: Some(Default::default()),
        rejected: Vec::new(),
        read: Vec::new(),
    };
    if sources != Sources::default() {
        // The preset goes to io::load only with its file; a table export is read below.
        let config = if export_is_path {
            sources.preset = export_config.preset;
            &export_config
        } else {
            &canonical_config
        };
        let loaded = py
            .detach(|| io::load(&sources, &config.options))
            .map_err(py_err(py))?;
        g.input = loaded.input;
        g.read = loaded
            .read
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect();
        g.rejected = loaded
            .rejected
            .into_iter()
            .map(|r| SourceRejected {
                source: r.source.to_string(),
                rejected: r.rejected,
            })
            .collect();
    }
    g.columnize();
    for (slot, source) in others {
        let kind = Kind::parse(&slot)?;
        let arrow = match source {
            Source::Records(r) => Arrow::Rows(r.get().outcome.clone()),
            Source::Table(t) => {
                let config: &Config = if slot == export_slot {
                    &export_config
                } else {
                    &canonical_config
                };
                py.detach(|| read::read_arrow(kind, t, config))?
                    .map_err(py_err(py))?
            }
            Source::Path(_) => continue,
        };
        let (rejected, read) = match arrow {
            Arrow::Rows(outcome) => {
                add(&mut g, &slot, outcome, &export_config.options).map_err(py_err(py))?;
                continue;
            }
            Arrow::Tickets(t, rejected, read) => {
                g.tickets_table(*t);
                (rejected, read)
            }
            Arrow::Surveys(s, rejected, read) => {
                g.surveys_table(*s);
                (rejected, read)
            }
        };
        counted(&mut g, &slot, rejected, read);
    }
    Ok(g)
}

/// An input's records read and rejected records.
fn counted(g: &mut Gathered, slot: &str, rejected: Vec<Rejected>, read: u64) {
    g.read.push((slot.to_owned(), read));
    g.rejected
        .extend(rejected.into_iter().map(|rejected| SourceRejected {
            source: slot.to_owned(),
            rejected,
        }));
}

fn add(g: &mut Gathered, slot: &str, outcome: Outcome, options: &ReadOptions) -> Result<(), Error> {
    let Outcome {
        data,
        mut rejected,
        read,
    } = outcome;
    let wrong = |got: &str| {
        Error::new(
            ErrorKind::InvalidOption,
            format!("{slot}= takes {slot} records; these were read as {got}"),
        )
        .with_field(slot.to_owned())
    };
    match (slot, data) {
        ("tickets", Data::Tickets(v)) => g.input.tickets.extend(v),
        ("tickets" | "events", Data::Histories(v)) => g.input.histories.extend(v),
        ("events", Data::Events(v)) => {
            // Derived as io::load derives an event log file: a ticket that cannot be derived
            // sets aside each of its events, with its line.
            let log = io::EventLog {
                events: v,
                rejected: std::mem::take(&mut rejected),
                read,
            };
            let out = log.histories(options)?;
            rejected = out.rejected;
            g.input.histories.extend(out.records);
        }
        ("surveys", Data::Surveys(v)) => g.input.surveys.extend(v),
        ("customers", Data::Customers(v)) => g.input.customers.extend(v),
        ("costs", Data::Costs(v)) => g.input.costs.extend(v),
        (_, Data::Tickets(_) | Data::Histories(_)) => return Err(wrong("tickets")),
        (_, Data::Events(_)) => return Err(wrong("events")),
        (_, Data::Surveys(_)) => return Err(wrong("surveys")),
        (_, Data::Customers(_)) => return Err(wrong("customers")),
        (_, Data::Costs(_)) => return Err(wrong("costs")),
    }
    g.columnize();
    counted(g, slot, rejected, read);
    Ok(())
}

/// The report options [`gather`] reads with, by their serde names: the survey scales. Inputs
/// read once (`prepare`) keep what these were; [`read_differently`] compares them.
pub(crate) const READ_WITH: [&str; 2] = ["csat", "ces"];

/// The first of [`READ_WITH`] whose effect on reading differs between `read` (the options the
/// inputs were read with) and `report`, with both scales' ranges: the core's
/// `ReadOptions::scores_checked_differently` of the scales [`with_scales`] reads with. A report
/// may change a threshold, a direction or a confidence level of what was read, not the range
/// its scores were checked against.
pub(crate) fn read_differently(
    read: &ReportOptions,
    report: &ReportOptions,
) -> Option<(&'static str, String, String)> {
    let scales = |o: &ReportOptions| with_scales(ReadOptions::new(), o);
    let (kind, read, asked) = scales(read).scores_checked_differently(&scales(report))?;
    let name = match kind {
        SurveyKind::Ces => "ces",
        _ => "csat",
    };
    Some((name, read, asked))
}

/// `options` reading with the report's survey scales (the core readers check scores against
/// them).
fn with_scales(options: ReadOptions, report: &ReportOptions) -> ReadOptions {
    options.survey_scales(report.csat, report.ces)
}

fn invalid_options(e: serde_json::Error) -> Error {
    Error::new(ErrorKind::InvalidOption, format!("report options: {e}")).with_field("options")
}

/// The options' JSON (the core's serde form) as a value, before [`options_of`] reads it.
pub(crate) fn options_value(options_json: &str) -> Result<Value, Error> {
    serde_json::from_str(options_json).map_err(invalid_options)
}

/// The report options: the core's serde form from the Python layer, plus the period, zone and
/// calendar it passes as objects.
fn options(
    options_json: &str,
    period: &str,
    timezone: &str,
    calendar: Option<&PyBusinessCalendar>,
) -> Result<ReportOptions, Error> {
    options_of(options_value(options_json)?, period, timezone, calendar)
}

/// [`options`] of a parsed value. An SLA policy without a calendar of its own uses the report's.
pub(crate) fn options_of(
    mut value: Value,
    period: &str,
    timezone: &str,
    calendar: Option<&PyBusinessCalendar>,
) -> Result<ReportOptions, Error> {
    let invalid = invalid_options;
    if let (Some(cal), Some(Value::Object(sla))) = (calendar, value.get_mut("sla")) {
        if !sla.contains_key("calendar") {
            sla.insert(
                "calendar".into(),
                serde_json::to_value(&cal.inner).map_err(invalid)?,
            );
        }
    }
    let mut options: ReportOptions = serde_json::from_value(value).map_err(invalid)?;
    options.period = Period::from_str(period)?;
    options.zone = supportkpi::time::parse_zone(timezone)?;
    options.calendar = calendar.map(|c| c.inner.clone());
    Ok(options)
}

fn invalid_state(rule: String) -> Error {
    Error::new(ErrorKind::InvalidState, rule).with_record_type("report_state")
}

/// Reads states from their bytes, naming the one that is refused.
fn read_states(parts: &[Vec<u8>]) -> Result<Vec<ReportState>, Error> {
    parts
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            ReportState::from_bytes(bytes).map_err(|e| {
                let rule = format!("parts[{i}]: {}", e.rule());
                let mut out = Error::new(e.kind(), rule).with_record_type("report_state");
                if let Some(f) = e.field() {
                    out = out.with_field(f.to_owned());
                }
                if let Some(v) = e.value() {
                    out = out.with_value(v.to_owned());
                }
                out
            })
        })
        .collect()
}

fn no_states() -> Error {
    Error::new(
        ErrorKind::InvalidOption,
        "at least one state from partial() is needed",
    )
    .with_field("parts")
}

#[pyfunction]
#[pyo3(signature = (inputs, read_options, options_json, period, timezone, calendar=None))]
pub(crate) fn report(
    py: Python<'_>,
    inputs: Vec<(String, Source<'_>)>,
    read_options: ReadArgs,
    options_json: &str,
    period: &str,
    timezone: &str,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
) -> PyResult<PyReport> {
    let options =
        options(options_json, period, timezone, calendar.as_deref()).map_err(py_err(py))?;
    let (held, reading) = gather(py, inputs, &read_options, &options)?.split();
    let report = py.detach(|| held.report(&options)).map_err(py_err(py))?;
    Ok(PyReport::new(report, Arc::new(reading)))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (inputs, read_options, options_json, period, timezone, calendar=None, lookup_only=false))]
pub(crate) fn partial<'py>(
    py: Python<'py>,
    inputs: Vec<(String, Source<'_>)>,
    read_options: ReadArgs,
    options_json: &str,
    period: &str,
    timezone: &str,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    lookup_only: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let options =
        options(options_json, period, timezone, calendar.as_deref()).map_err(py_err(py))?;
    let (held, _) = gather(py, inputs, &read_options, &options)?.split();
    let share = if lookup_only {
        Share::LookupOnly
    } else {
        Share::Count
    };
    let bytes = py
        .detach(|| held.state(&options, share).map(|s| s.to_bytes()))
        .map_err(py_err(py))?;
    Ok(PyBytes::new(py, &bytes))
}

#[pyfunction]
pub(crate) fn combine<'py>(py: Python<'py>, parts: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = py
        .detach(|| -> Result<Vec<u8>, Error> {
            let states = read_states(&parts)?;
            if states.is_empty() {
                return Err(no_states());
            }
            Ok(supportkpi::report::combine(states)?.to_bytes())
        })
        .map_err(py_err(py))?;
    Ok(PyBytes::new(py, &bytes))
}

#[pyfunction]
pub(crate) fn merge(py: Python<'_>, parts: Vec<Vec<u8>>) -> PyResult<PyReport> {
    let report = py
        .detach(|| -> Result<Report, Error> {
            let states = read_states(&parts)?;
            if states.is_empty() {
                return Err(no_states());
            }
            // The names `by` and the filter give are checked once every partition is in, as
            // `report` checks them over its whole input (a single `by` name too).
            let state = supportkpi::report::combine(states)?;
            state.check_fields()?;
            state.finish()
        })
        .map_err(py_err(py))?;
    Ok(PyReport::new(report, Arc::default()))
}

/// Ticket ids as a list or an Arrow array of strings.
#[derive(FromPyObject)]
pub(crate) enum Ids {
    List(Vec<Option<String>>),
    Arrow(pyo3_arrow::PyArray),
}

/// The columns of a preset's tabular export holding the ticket id (the core's
/// `Preset::ticket_id_columns`), for the engines' bucketing.
#[pyfunction]
pub(crate) fn preset_id_columns(py: Python<'_>, preset: &str) -> PyResult<Vec<String>> {
    let preset: supportkpi::io::Preset = preset.parse().map_err(py_err(py))?;
    Ok(preset.ticket_id_columns())
}

#[pyfunction]
pub(crate) fn bucket_of(py: Python<'_>, ids: Ids, buckets: u32) -> PyResult<Vec<u32>> {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_schema::DataType;
    let null = |i: usize| {
        Error::new(
            ErrorKind::MissingField,
            format!("ids[{i}] is null: every record has a ticket id to bucket by"),
        )
        .with_field("ids")
    };
    let each = |id: Option<&str>, i: usize| -> Result<u32, Error> {
        id.map(|id| supportkpi::report::bucket_of(id, buckets))
            .ok_or_else(|| null(i))
    };
    let out: Result<Vec<u32>, Error> = match &ids {
        Ids::List(v) => v
            .iter()
            .enumerate()
            .map(|(i, id)| each(id.as_deref(), i))
            .collect(),
        Ids::Arrow(a) => {
            let a = a.array();
            match a.data_type() {
                DataType::Utf8 => a
                    .as_string::<i32>()
                    .iter()
                    .enumerate()
                    .map(|(i, id)| each(id, i))
                    .collect(),
                DataType::LargeUtf8 => a
                    .as_string::<i64>()
                    .iter()
                    .enumerate()
                    .map(|(i, id)| each(id, i))
                    .collect(),
                DataType::Utf8View => a
                    .as_string_view()
                    .iter()
                    .enumerate()
                    .map(|(i, id)| each(id, i))
                    .collect(),
                other => Err(Error::new(
                    ErrorKind::InvalidValue,
                    "ticket ids to bucket are strings (utf8, large_utf8 or utf8_view)",
                )
                .with_field("ids")
                .with_value(other.to_string())),
            }
        }
    };
    out.map_err(py_err(py))
}

/// A row's values by column (the core's serde form of the row).
fn row_values(row: &ReportRow) -> serde_json::Map<String, Value> {
    match serde_json::to_value(row) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    }
}

/// The report; `supportkpi.Report` wraps it.
#[pyclass(frozen, module = "supportkpi._native", name = "Report")]
pub(crate) struct PyReport {
    report: Report,
    reading: Arc<Reading>,
}

impl PyReport {
    pub(crate) fn new(report: Report, reading: Arc<Reading>) -> PyReport {
        PyReport { report, reading }
    }
}

impl std::fmt::Debug for PyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyReport")
            .field("rows", &self.report.rows.len())
            .finish_non_exhaustive()
    }
}

/// What pickling a report keeps: its options, rows and sections.
#[derive(Serialize, Deserialize)]
struct ReportPickle {
    options: ReportOptions,
    rows: Vec<ReportRow>,
    /// Pickles of reports before sections have none.
    #[serde(default)]
    sections: Sections,
}

#[pymethods]
impl PyReport {
    #[classattr]
    fn columns() -> Vec<&'static str> {
        column_names().collect()
    }

    /// `(name, type, unit, description)` per column, from the core's `report::COLUMNS`.
    #[classattr]
    fn column_info() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
        COLUMNS
            .iter()
            .map(|c| (c.name, c.kind.as_str(), c.unit, c.description))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.report.rows.len()
    }

    /// The rows as dicts keyed by the columns (undefined values are `None`).
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let date = py.import("datetime")?.getattr("date")?;
        let list = PyList::empty(py);
        for row in &self.report.rows {
            let values = row_values(row);
            let d = PyDict::new(py);
            for column in &COLUMNS {
                let name = column.name;
                let v = values.get(name).unwrap_or(&Value::Null);
                let py_value: Bound<'py, PyAny> = match (column.kind, v) {
                    (_, Value::Null) => py.None().into_bound(py),
                    (ColumnType::Date, Value::String(s)) => {
                        date.call_method1("fromisoformat", (s.as_str(),))?
                    }
                    (ColumnType::Money, Value::String(s)) => py
                        .import("decimal")?
                        .getattr("Decimal")?
                        .call1((s.as_str(),))?,
                    (ColumnType::Count, Value::Number(n)) => {
                        n.as_u64().into_pyobject(py)?.into_any()
                    }
                    (ColumnType::Float, Value::Number(n)) => {
                        n.as_f64().into_pyobject(py)?.into_any()
                    }
                    (_, Value::String(s)) => s.into_pyobject(py)?.into_any(),
                    (_, other) => other.to_string().into_pyobject(py)?.into_any(),
                };
                d.set_item(name, py_value)?;
            }
            list.append(d)?;
        }
        Ok(list)
    }

    /// Why each undefined value of each row is undefined: one dict per row.
    fn undefined(&self) -> Vec<std::collections::BTreeMap<String, String>> {
        self.report
            .rows
            .iter()
            .map(|r| r.undefined.clone())
            .collect()
    }

    /// The report options in the core's serde form (JSON).
    fn options_json(&self) -> String {
        serde_json::to_string(&self.report.options).unwrap_or_default()
    }

    fn to_csv(&self) -> String {
        self.report.to_csv()
    }

    fn to_json(&self) -> String {
        self.report.to_json()
    }

    /// The report's sections (intervals, heatmap, spike days, backlog ages, revenue
    /// retention, cohorts) in the core's serde form (JSON), as in `to_json()["sections"]`.
    fn sections_json(&self) -> String {
        serde_json::to_string(&self.report.sections).unwrap_or_default()
    }

    /// `(source, line, error)` for every record a lenient read rejected.
    fn rejected<'py>(&self, py: Python<'py>) -> Vec<(String, u64, Bound<'py, PyAny>)> {
        self.reading.rejected(py)
    }

    fn read(&self) -> Vec<(String, u64)> {
        self.reading.read()
    }

    /// The table as Arrow (dates, 64-bit counts, nullable floats, decimal money).
    fn to_arrow(&self, py: Python<'_>) -> PyResult<PyTable> {
        let batch = py.detach(|| self.report.to_arrow()).map_err(py_err(py))?;
        PyTable::try_new(vec![batch.clone()], batch.schema())
    }

    /// Pickle support: the options and rows as JSON.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let pickle = ReportPickle {
            options: self.report.options.clone(),
            rows: self.report.rows.clone(),
            sections: self.report.sections.clone(),
        };
        let bytes =
            serde_json::to_vec(&pickle).map_err(|e| py_err(py)(invalid_state(e.to_string())))?;
        Ok(PyBytes::new(py, &bytes))
    }

    #[staticmethod]
    fn from_state(py: Python<'_>, state: &[u8]) -> PyResult<PyReport> {
        let p: ReportPickle = serde_json::from_slice(state)
            .map_err(|e| py_err(py)(invalid_state(format!("not a pickled report: {e}"))))?;
        let report = Report {
            options: p.options,
            rows: p.rows,
            sections: p.sections,
        };
        Ok(PyReport::new(report, Arc::default()))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyReport>()
            .is_ok_and(|o| o.get().report == self.report)
    }
}

impl ReadArgs {
    /// These options for the inputs read in the canonical layout (no preset, no mapping).
    pub(crate) fn canonical(&self) -> ReadArgs {
        let mut a = self.clone();
        a.clear_export();
        a
    }
}

// Keep the slot names in one place for the Python layer's checks.
pub(crate) fn slots() -> Vec<&'static str> {
    SLOTS.to_vec()
}

/// `ticket_metrics`: the per-ticket table over the report's inputs and options.
#[pyfunction]
#[pyo3(signature = (inputs, read_options, options_json, period, timezone, calendar=None))]
pub(crate) fn ticket_metrics(
    py: Python<'_>,
    inputs: Vec<(String, Source<'_>)>,
    read_options: ReadArgs,
    options_json: &str,
    period: &str,
    timezone: &str,
    calendar: Option<PyRef<'_, PyBusinessCalendar>>,
) -> PyResult<PyTicketMetrics> {
    let options =
        options(options_json, period, timezone, calendar.as_deref()).map_err(py_err(py))?;
    let mut g = gather(py, inputs, &read_options, &options)?;
    // The table is computed on records: read as records, not columns and back.
    g.leave_columns();
    let held = HeldInput::Rows(g.input);
    let table = py
        .detach(|| held.ticket_metrics(&options))
        .map_err(py_err(py))?;
    Ok(PyTicketMetrics { table })
}

/// The core's per-ticket table: `supportkpi.TicketMetrics` wraps it.
#[pyclass(frozen, module = "supportkpi._native", name = "TicketMetrics")]
#[derive(Debug)]
pub(crate) struct PyTicketMetrics {
    table: TicketMetrics,
}

impl PyTicketMetrics {
    pub(crate) fn new(table: TicketMetrics) -> PyTicketMetrics {
        PyTicketMetrics { table }
    }
}

#[pymethods]
impl PyTicketMetrics {
    fn columns(&self) -> Vec<String> {
        self.table.columns()
    }

    /// Each column with the kind the Python conversions use: `instant`, `int`, `flag` or
    /// `text`, from the core's column types (`TicketMetrics::column_types`).
    fn column_kinds(&self) -> Vec<(String, &'static str)> {
        use arrow_schema::DataType;
        self.table
            .column_types()
            .into_iter()
            .map(|(name, ty)| {
                let kind = match ty {
                    DataType::Timestamp(..) => "instant",
                    DataType::Int64 => "int",
                    DataType::Boolean => "flag",
                    _ => "text",
                };
                (name, kind)
            })
            .collect()
    }

    fn __len__(&self) -> usize {
        self.table.rows.len()
    }

    fn to_csv(&self, py: Python<'_>) -> String {
        py.detach(|| self.table.to_csv())
    }

    fn to_json(&self, py: Python<'_>) -> String {
        py.detach(|| self.table.to_json())
    }

    /// Arrow, as the core builds it (`TicketMetrics::to_arrow`).
    fn to_arrow(&self, py: Python<'_>) -> PyResult<PyTable> {
        let batch = py.detach(|| self.table.to_arrow()).map_err(py_err(py))?;
        PyTable::try_new(vec![batch.clone()], batch.schema())
    }
}
