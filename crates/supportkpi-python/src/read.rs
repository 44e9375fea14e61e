//! The readers: files and Arrow tables into records the report reads.

use crate::errors;
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyRecordBatchReader;
use std::path::PathBuf;
use std::str::FromStr;
use supportkpi::columnar::{SurveyTable, TicketTable};
use supportkpi::io::arrow::{ArrowOutcome, Records};
use supportkpi::io::{
    self, ColumnMapping, ErrorMode, Format, Preset, ReadOptions, ReadOutcome, Rejected, SourceKind,
    TimestampFormat,
};
use supportkpi::model::{EventKind, TicketHistory};
use supportkpi::{CostEntry, Customer, Error, ErrorKind, SurveyResponse, Ticket, TicketEvent};

/// The reader options as the Python layer passes them (a dict with every key).
#[derive(Debug, Clone, FromPyObject)]
#[pyo3(from_item_all)]
pub(crate) struct ReadArgs {
    errors: String,
    timezone: String,
    timestamp_format: Option<String>,
    date_format: Option<String>,
    null_tokens: Option<Vec<String>>,
    /// Source column → field, `"dimension:NAME"`, or `None` to ignore the column.
    mapping: Vec<(String, Option<String>)>,
    keep_extra_columns: bool,
    preset: Option<String>,
    currency: Option<String>,
    /// Reads tables through the core's JSON Lines reference path even where its column readers
    /// could (a switch for the tests that compare the two; the Python layer never sets it).
    #[pyo3(default)]
    arrow_via_text: bool,
}

/// Read options, and which Arrow path reads tables.
pub(crate) struct Config {
    pub(crate) options: ReadOptions,
    pub(crate) preset: Option<Preset>,
    via_text: bool,
}

impl ReadArgs {
    /// The IANA zone naive times are read in.
    pub(crate) fn timezone(&self) -> &str {
        &self.timezone
    }

    /// Forgets what only the helpdesk export reads by (its preset and column mapping).
    pub(crate) fn clear_export(&mut self) {
        self.preset = None;
        self.mapping.clear();
    }

    pub(crate) fn config(&self) -> Result<Config, Error> {
        let mut options = ReadOptions::new().errors(ErrorMode::from_str(&self.errors)?);
        if let Some(p) = &self.timestamp_format {
            options = options.timestamps(TimestampFormat::pattern(p.as_str()));
        }
        options = options.zone(&self.timezone)?;
        if let Some(d) = &self.date_format {
            options = options.date_format(d.as_str());
        }
        if let Some(tokens) = &self.null_tokens {
            options = options.null_tokens(tokens.iter().cloned());
        }
        let mut mapping = ColumnMapping::new();
        for (source, target) in &self.mapping {
            mapping = match target.as_deref() {
                None => mapping.ignore(source.as_str()),
                Some(t) => match t.strip_prefix("dimension:") {
                    Some(name) => mapping.dimension(source.as_str(), name),
                    None => mapping.map(source.as_str(), t),
                },
            };
        }
        options = options
            .mapping(mapping)
            .keep_extra_columns(self.keep_extra_columns);
        if let Some(c) = &self.currency {
            options = options.currency(c)?;
        }
        let preset = self.preset.as_deref().map(Preset::from_str).transpose()?;
        if let Some(p) = preset {
            options = options.preset(p);
        }
        Ok(Config {
            options,
            preset,
            via_text: self.arrow_via_text,
        })
    }
}

/// Which reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Tickets,
    Events,
    Surveys,
    Customers,
    Costs,
}

impl Kind {
    fn source(self) -> SourceKind {
        match self {
            Kind::Tickets => SourceKind::Tickets,
            Kind::Events => SourceKind::Events,
            Kind::Surveys => SourceKind::Surveys,
            Kind::Customers => SourceKind::Customers,
            Kind::Costs => SourceKind::Costs,
        }
    }

    pub(crate) fn parse(name: &str) -> PyResult<Kind> {
        Ok(match name {
            "tickets" => Kind::Tickets,
            "events" => Kind::Events,
            "surveys" => Kind::Surveys,
            "customers" => Kind::Customers,
            "costs" => Kind::Costs,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown record kind {name:?}"
                )));
            }
        })
    }
}

/// The records of one read.
#[derive(Debug, Clone)]
pub(crate) enum Data {
    Tickets(Vec<Ticket>),
    /// Tickets derived from an event log by a preset (ServiceNow).
    Histories(Vec<TicketHistory>),
    /// Canonical events, each with its line (a table's row number).
    Events(Vec<(u64, TicketEvent)>),
    Surveys(Vec<SurveyResponse>),
    Customers(Vec<Customer>),
    Costs(Vec<CostEntry>),
}

impl Data {
    fn len(&self) -> usize {
        match self {
            Data::Tickets(v) => v.len(),
            Data::Histories(v) => v.len(),
            Data::Events(v) => v.len(),
            Data::Surveys(v) => v.len(),
            Data::Customers(v) => v.len(),
            Data::Costs(v) => v.len(),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Data::Tickets(_) | Data::Histories(_) => "tickets",
            Data::Events(_) => "events",
            Data::Surveys(_) => "surveys",
            Data::Customers(_) => "customers",
            Data::Costs(_) => "costs",
        }
    }
}

/// What a read returns: the accepted records, the rejected ones, how many were read.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) data: Data,
    pub(crate) rejected: Vec<Rejected>,
    pub(crate) read: u64,
}

fn outcome<T>(o: ReadOutcome<T>, wrap: fn(Vec<T>) -> Data) -> Outcome {
    Outcome {
        data: wrap(o.records),
        rejected: o.rejected,
        read: o.read,
    }
}

/// Reads `kind` from `input` (`format` says how) with the options; an event-log preset gives
/// ticket histories for tickets and events alike.
fn read_from<R: std::io::Read>(
    kind: Kind,
    input: R,
    format: Format,
    config: &Config,
) -> Result<Outcome, Error> {
    let options = &config.options;
    // A JSON API preset reads its documents (tickets, its satisfaction ratings as surveys, its
    // event log as events).
    if let Some(preset) = config.preset.filter(|p| p.is_document()) {
        match kind {
            Kind::Tickets => {
                let out = io::presets::read_document_tickets(preset, input, options)?;
                return Ok(outcome(out, Data::Tickets));
            }
            Kind::Surveys => {
                let out = io::presets::read_document_surveys(preset, input, options)?;
                return Ok(outcome(out, Data::Surveys));
            }
            // Its event log (parts, threads, articles, messages, audits), as ticket histories
            // derived with the preset's vocabulary, as io::load reads it.
            Kind::Events if io::presets::has_document_events(preset) => {
                let out = io::presets::read_document_histories(preset, input, options)?;
                return Ok(outcome(out, Data::Histories));
            }
            _ => {}
        }
    }
    // A canonical event log is read with each event's line, which its derivation's rejects
    // name (an event-log preset's rows are its tickets, read below).
    if kind == Kind::Events && !config.preset.is_some_and(io::Preset::reads_event_log) {
        let log = io::EventLog::read(input, format, options)?;
        return Ok(Outcome {
            data: Data::Events(log.events),
            rejected: log.rejected,
            read: log.read,
        });
    }
    match arrow(io::arrow::read_text_input(
        kind.source(),
        input,
        format,
        options,
    )?) {
        Arrow::Rows(out) => Ok(out),
        // The text readers give rows; a table here would be a change in the core's contract.
        Arrow::Tickets(..) | Arrow::Surveys(..) => Err(Error::new(
            ErrorKind::InvalidOption,
            "the text readers returned a table where rows were expected",
        )),
    }
}

pub(crate) fn read_file(kind: Kind, path: &PathBuf, config: &Config) -> Result<Outcome, Error> {
    let in_file = |e: Error| e.with_file(path.display().to_string());
    let file = std::fs::File::open(path).map_err(|e| {
        Error::new(ErrorKind::Io, format!("cannot open the file: {e}"))
            .with_field("path")
            .with_value(path.display())
    })?;
    let format = Format::from_path(path);
    let mut out =
        read_from(kind, std::io::BufReader::new(file), format, config).map_err(in_file)?;
    for r in &mut out.rejected {
        r.error = in_file(r.error.clone());
    }
    Ok(out)
}

/// The name errors give a table's rows: `ticket "T-3" (table:4)` is the table's 4th row.
pub(crate) const TABLE: &str = "table";

/// What a table gives: rows, or (tickets and responses) the core's columnar tables.
pub(crate) enum Arrow {
    Rows(Outcome),
    Tickets(Box<TicketTable>, Vec<Rejected>, u64),
    Surveys(Box<SurveyTable>, Vec<Rejected>, u64),
}

impl Arrow {
    /// The records as rows (a table's rows rebuilt: the records that were pushed).
    pub(crate) fn into_rows(self) -> Outcome {
        match self {
            Arrow::Rows(o) => o,
            Arrow::Tickets(t, rejected, read) => Outcome {
                data: Data::Tickets(t.tickets().collect()),
                rejected,
                read,
            },
            Arrow::Surveys(s, rejected, read) => Outcome {
                data: Data::Surveys(s.responses().collect()),
                rejected,
                read,
            },
        }
    }
}

/// Reads `kind` from an Arrow stream with the core's Arrow reader (`io::arrow`): tickets and
/// responses into its columnar tables, everything else into records.
pub(crate) fn read_arrow(
    kind: Kind,
    reader: PyRecordBatchReader,
    config: &Config,
) -> PyResult<Result<Arrow, Error>> {
    let stream = reader.into_reader()?;
    let read = if config.via_text {
        io::arrow::read_via_json_lines(kind.source(), stream, &config.options)
    } else {
        io::arrow::read(kind.source(), stream, &config.options)
    };
    let in_table = |e: Error| e.with_file(TABLE);
    Ok(read.map(arrow).map_err(in_table).map(|mut out| {
        let rejected = match &mut out {
            Arrow::Rows(o) => &mut o.rejected,
            Arrow::Tickets(_, r, _) | Arrow::Surveys(_, r, _) => r,
        };
        for r in rejected {
            r.error = in_table(r.error.clone());
        }
        out
    }))
}

/// The core's outcome as the binding keeps it.
fn arrow(out: ArrowOutcome) -> Arrow {
    let ArrowOutcome {
        records,
        rejected,
        read,
    } = out;
    let rows = |data| {
        Arrow::Rows(Outcome {
            data,
            rejected: Vec::new(),
            read,
        })
    };
    let mut arrow = match records {
        Records::TicketTable(t) => return Arrow::Tickets(t, rejected, read),
        Records::SurveyTable(s) => return Arrow::Surveys(s, rejected, read),
        Records::Tickets(v) => rows(Data::Tickets(v)),
        Records::Histories(v) => rows(Data::Histories(v)),
        // A row's line is its number: the events with theirs, as io::load reads a table.
        Records::Events(records) => {
            let log = io::EventLog::of_table(io::ReadOutcome {
                records,
                rejected,
                read,
            });
            return Arrow::Rows(Outcome {
                data: Data::Events(log.events),
                rejected: log.rejected,
                read: log.read,
            });
        }
        Records::Surveys(v) => rows(Data::Surveys(v)),
        Records::Customers(v) => rows(Data::Customers(v)),
        Records::Costs(v) => rows(Data::Costs(v)),
    };
    if let Arrow::Rows(o) = &mut arrow {
        o.rejected = rejected;
    }
    arrow
}

/// The records a reader returned; `supportkpi.Records` wraps it.
#[pyclass(frozen, module = "supportkpi._native", name = "Records")]
#[derive(Debug)]
pub(crate) struct PyRecords {
    pub(crate) outcome: Outcome,
}

#[pymethods]
impl PyRecords {
    /// `"tickets"`, `"events"`, `"surveys"`, `"customers"` or `"costs"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.outcome.data.kind()
    }

    /// Records read: accepted + rejected.
    #[getter]
    fn read(&self) -> u64 {
        self.outcome.read
    }

    /// Whether the tickets were derived from an event log (a preset's).
    #[getter]
    fn derived(&self) -> bool {
        matches!(self.outcome.data, Data::Histories(_))
    }

    fn __len__(&self) -> usize {
        self.outcome.data.len()
    }

    /// The `index`-th accepted record as a dict of its fields.
    fn record<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let out_of_range = || PyIndexError::new_err("record index out of range");
        match &self.outcome.data {
            Data::Tickets(v) => ticket_dict(&d, v.get(index).ok_or_else(out_of_range)?)?,
            Data::Histories(v) => {
                ticket_dict(&d, v.get(index).ok_or_else(out_of_range)?.ticket())?;
            }
            Data::Events(v) => {
                let (_, e) = v.get(index).ok_or_else(out_of_range)?;
                d.set_item("ticket_id", e.ticket_id.as_str())?;
                d.set_item("at", e.at)?;
                let (kind, author, public, to, into) = match &e.kind {
                    EventKind::Created => ("created", None, None, None, None),
                    EventKind::Reply { author, public } => {
                        let a = format!("{author:?}").to_ascii_lowercase();
                        ("reply", Some(a), Some(*public), None, None)
                    }
                    EventKind::StatusChange { to } => {
                        ("status_change", None, None, Some(to.clone()), None)
                    }
                    EventKind::Assigned { to } => ("assigned", None, None, Some(to.clone()), None),
                    EventKind::Merged { into } => {
                        ("merged", None, None, None, Some(into.as_str().to_owned()))
                    }
                };
                d.set_item("kind", kind)?;
                d.set_item("author", author)?;
                d.set_item("public", public)?;
                d.set_item("to", to)?;
                d.set_item("into", into)?;
                d.set_item("agent", e.agent.as_deref())?;
            }
            Data::Surveys(v) => {
                let r = v.get(index).ok_or_else(out_of_range)?;
                d.set_item("id", r.id().as_str())?;
                d.set_item("ticket_id", r.ticket_id().map(|t| t.as_str()))?;
                d.set_item("customer_id", r.customer_id().map(|c| c.as_str()))?;
                d.set_item("responded_at", r.responded_at())?;
                d.set_item("kind", format!("{:?}", r.kind()).to_ascii_lowercase())?;
                d.set_item("score", r.score())?;
            }
            Data::Customers(v) => {
                let c = v.get(index).ok_or_else(out_of_range)?;
                d.set_item("id", c.id().as_str())?;
                d.set_item("acquired_at", c.acquired_at())?;
                d.set_item("churned_at", c.churned_at())?;
                let revenue = c.recurring_revenue();
                d.set_item(
                    "recurring_revenue",
                    revenue.map(|m| decimal(py, m.amount)).transpose()?,
                )?;
                d.set_item("currency", revenue.map(|m| m.currency.as_str().to_owned()))?;
                d.set_item("segment", c.segment())?;
            }
            Data::Costs(v) => {
                let c = v.get(index).ok_or_else(out_of_range)?;
                d.set_item("start", c.start())?;
                d.set_item("end", c.end())?;
                d.set_item("amount", decimal(py, c.amount().amount)?)?;
                d.set_item("currency", c.amount().currency.as_str())?;
                d.set_item("category", c.category())?;
            }
        }
        Ok(d)
    }

    /// The rejected records: `(line, error)` pairs, the error as a `supportkpi.Error`.
    fn rejected<'py>(&self, py: Python<'py>) -> Vec<(u64, Bound<'py, PyAny>)> {
        self.outcome
            .rejected
            .iter()
            .map(|r| {
                (
                    r.line,
                    errors::to_py(py, &r.error, None)
                        .into_value(py)
                        .into_bound(py)
                        .into_any(),
                )
            })
            .collect()
    }
}

pub(crate) fn decimal(py: Python<'_>, d: rust_decimal::Decimal) -> PyResult<Bound<'_, PyAny>> {
    py.import("decimal")?
        .getattr("Decimal")?
        .call1((d.to_string(),))
}

fn ticket_dict(d: &Bound<'_, PyDict>, t: &Ticket) -> PyResult<()> {
    d.set_item("id", t.id().as_str())?;
    d.set_item("customer_id", t.customer_id().map(|c| c.as_str()))?;
    d.set_item("created_at", t.created_at())?;
    d.set_item("first_response_at", t.first_response_at())?;
    d.set_item("first_resolved_at", t.first_resolved_at())?;
    d.set_item("resolved_at", t.resolved_at())?;
    d.set_item("status", t.status().as_str())?;
    d.set_item("channel", t.channel())?;
    d.set_item("priority", t.priority())?;
    d.set_item("team", t.team())?;
    d.set_item("assignee", t.assignee())?;
    d.set_item("agent_replies", t.agent_replies())?;
    d.set_item("reopens", t.reopens())?;
    d.set_item("dimensions", t.dimensions().clone())?;
    Ok(())
}

/// Reads a file (CSV or JSON Lines by extension) into records.
#[pyfunction]
pub(crate) fn read_path(
    py: Python<'_>,
    kind: &str,
    path: PathBuf,
    options: ReadArgs,
) -> PyResult<PyRecords> {
    let kind = Kind::parse(kind)?;
    let config = options.config().map_err(|e| errors::to_py(py, &e, None))?;
    let outcome = py
        .detach(|| read_file(kind, &path, &config))
        .map_err(|e| errors::to_py(py, &e, None))?;
    Ok(PyRecords { outcome })
}

/// Reads an Arrow stream (anything with `__arrow_c_stream__`) into records.
#[pyfunction]
pub(crate) fn read_table(
    py: Python<'_>,
    kind: &str,
    table: PyRecordBatchReader,
    options: ReadArgs,
) -> PyResult<PyRecords> {
    let kind = Kind::parse(kind)?;
    let config = options.config().map_err(|e| errors::to_py(py, &e, None))?;
    let outcome = py
        .detach(|| read_arrow(kind, table, &config))?
        .map(Arrow::into_rows)
        .map_err(|e| errors::to_py(py, &e, None))?;
    Ok(PyRecords { outcome })
}
