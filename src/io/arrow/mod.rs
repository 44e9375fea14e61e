//! Arrow record batches in: the readers' rules over columns (feature `arrow`, on by default).
//!
//! Every reader here takes an [`arrow_array::RecordBatchReader`] — a stream of
//! [`RecordBatch`]es with their schema, as pyarrow, polars, pandas, DuckDB, a Parquet file
//! (`parquet::arrow::arrow_reader::ParquetRecordBatchReader`) or an Arrow C stream
//! (`arrow_array::ffi_stream::ArrowArrayStreamReader`) give — and reads it with the same
//! [`ReadOptions`] as the CSV and JSON Lines readers: mappings, presets, null tokens, zone,
//! timestamp pattern, date format, duplicate-id checks, strict and lenient.
//!
//! ## A row is a JSON Lines object
//! Each row of the table is read as the JSON Lines reader reads an object keyed by the column
//! names (a later column of the same name wins): strings are strings (trimmed, null tokens are
//! no value), numbers are numbers, booleans are booleans, and temporal values are the
//! timestamp text the options' format reads back to the same instant. A timestamp column with a
//! zone holds instants; one without holds wall-clock times in the options' zone
//! ([`ReadOptions::zone`]); a date column holds dates, read as the date format says. So the same
//! table read from CSV, JSON Lines or Arrow gives the same records, rejects and errors.
//!
//! The *line* of a row is its number in the whole stream, counted from 1 across batches (a
//! table has no header line). Errors name no file: a caller reading a file adds it with
//! [`Error::with_file`].
//!
//! ## Columns as they are
//! Tickets and survey responses ([`read_ticket_table`], [`read_survey_table`], [`read`]) are
//! read column by column into a [`TicketTable`] and a [`SurveyTable`], on all cores for large
//! tables, never through text where the text could not matter: `Utf8`, `LargeUtf8` and
//! `Utf8View` strings and dictionaries of them (pyarrow `dictionary`, polars `Categorical` and
//! `Enum`) are borrowed from the arrays; timestamps of any unit, with or without a zone, are
//! read as instants; integer columns as numbers. Where a value's text could decide (a timestamp
//! pattern is in force, a null token looks like a number or a timestamp) the text is written
//! and read as the JSON Lines reader reads it. Events, customers and costs (few records, no
//! columnar form) and the ServiceNow event log are read through the JSON Lines reader itself.
//!
//! ## Errors
//! As the other readers: in strict mode (the default) the first bad record's error, with its
//! record type, line, id, field (as the input names it), value and rule; in lenient mode every
//! bad record is a [`Rejected`], and accepted + rejected = read. Errors that are no record's:
//! a stream that fails ([`ErrorKind::Io`]), a column of a type no field reads (lists, structs,
//! maps, unions: [`ErrorKind::InvalidValue`] naming the column), a temporal value the timestamp
//! pattern or date format in force cannot write exactly ([`ErrorKind::InvalidTimestamp`]), and
//! the options' own errors ([`ErrorKind::InvalidOption`]). A missing required column is not an
//! error of its own: as in JSON Lines, each row lacks the field. The exception is a preset's
//! columns (Zendesk, Freshdesk, Jira, HubSpot, and ServiceNow's event log): a table without
//! them is another export, one [`ErrorKind::MissingField`] before any row, as on a CSV header
//! (`check_columns`).
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use arrow_array::{ArrayRef, RecordBatch, StringArray, TimestampSecondArray};
//! use supportkpi::io::{ErrorMode, ReadOptions, arrow};
//! use supportkpi::ErrorKind;
//!
//! let batch = RecordBatch::try_from_iter([
//!     ("id", Arc::new(StringArray::from(vec!["T-1", "T-2"])) as ArrayRef),
//!     ("created_at", Arc::new(TimestampSecondArray::from(vec![1_622_534_400, 1_622_538_000]).with_timezone("UTC")) as ArrayRef),
//!     ("resolved_at", Arc::new(TimestampSecondArray::from(vec![Some(1_622_538_000), Some(1_622_534_400)]).with_timezone("UTC")) as ArrayRef),
//! ])
//! .unwrap();
//! let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
//! let out = arrow::read_ticket_table(arrow::batches([batch.clone()]), &lenient)?;
//! assert_eq!((out.table.len(), out.rejected.len(), out.read), (1, 1, 2));
//! let bad = &out.rejected[0];
//! assert_eq!((bad.line, bad.error.kind()), (2, ErrorKind::NegativeDuration));
//! assert_eq!(bad.error.field(), Some("resolved_at"));
//!
//! let strict = arrow::read_tickets(arrow::batches([batch]), &ReadOptions::new());
//! assert_eq!(strict.unwrap_err().line(), Some(2));
//! # Ok::<(), supportkpi::Error>(())
//! ```

mod cells;
mod table;

use self::cells::{Temporal, write_json_lines};
use self::table::Read;
use super::{
    CostReader, CustomerReader, EventLogOutcome, EventReader, Format, Preset, ReadOptions,
    ReadOutcome, Rejected, SourceKind, SurveyReader, TicketReader, TimestampFormat,
};
use crate::columnar::{SurveyTable, TicketTable};
use crate::error::{Error, ErrorKind, Result};
use crate::model::TicketHistory;
use crate::{CostEntry, Customer, SurveyResponse, Ticket, TicketEvent};
use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow_schema::{Schema, SchemaRef};
use std::sync::Arc;

/// Tickets or survey responses read into a columnar table: the accepted records, the rejected
/// ones, and how many were read (`table.len() + rejected.len() == read`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableOutcome<T> {
    /// The accepted records, in input order.
    pub table: T,
    /// The rejected records, in input order (empty in strict mode, which returns the error).
    pub rejected: Vec<Rejected>,
    /// Records read: accepted + rejected.
    pub read: u64,
}

/// The records one Arrow input gave ([`read`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Records {
    /// Summary tickets, as columns.
    TicketTable(Box<TicketTable>),
    /// Survey responses, as columns.
    SurveyTable(Box<SurveyTable>),
    /// Summary tickets with an instant the columns cannot hold (before 1677-09-21 or after
    /// 2262-04-11), as records.
    Tickets(Vec<Ticket>),
    /// Ticket histories an event-log preset (ServiceNow) derived.
    Histories(Vec<TicketHistory>),
    /// Ticket events (the canonical event log).
    Events(Vec<TicketEvent>),
    /// Survey responses with an instant the columns cannot hold, as records.
    Surveys(Vec<SurveyResponse>),
    /// Customers.
    Customers(Vec<Customer>),
    /// Support cost entries.
    Costs(Vec<CostEntry>),
}

/// What [`read`] gives: the records, the rejected ones (with, for an event-log preset, the
/// tickets whose derivation failed), and how many records were read.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrowOutcome {
    /// The accepted records.
    pub records: Records,
    /// The rejected records, in input order (empty in strict mode).
    pub rejected: Vec<Rejected>,
    /// Records (rows) read.
    pub read: u64,
}

/// A [`RecordBatchReader`] over batches already in memory (their schema is the first one's;
/// no batches: an empty schema).
///
/// # Example
/// See the [module docs](self).
pub fn batches(
    batches: impl IntoIterator<Item = RecordBatch>,
) -> RecordBatchIterator<
    std::vec::IntoIter<std::result::Result<RecordBatch, arrow_schema::ArrowError>>,
> {
    let batches: Vec<RecordBatch> = batches.into_iter().collect();
    let schema = schema_of_first(&batches);
    RecordBatchIterator::new(
        batches.into_iter().map(Ok).collect::<Vec<_>>().into_iter(),
        schema,
    )
}

/// The schema of the first batch, or an empty one.
fn schema_of_first(batches: &[RecordBatch]) -> SchemaRef {
    batches
        .first()
        .map_or_else(|| Arc::new(Schema::empty()), RecordBatch::schema)
}

/// How the options write a temporal value as the text the JSON Lines reader reads.
fn temporal(options: &ReadOptions) -> Temporal {
    Temporal {
        pattern: options.pattern_in_force().map(str::to_owned),
        zone: TimestampFormat::auto().with_zone(options.timestamps.time_zone()),
        date_format: options.date_format.clone(),
    }
}

/// The stream's batches, in memory (their arrays are shared, not copied). A stream that fails
/// is an [`ErrorKind::Io`] error — after the errors of the batches before it, which the text
/// path meets first.
fn collect(
    input: impl RecordBatchReader,
    temporal: &Temporal,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let schema = input.schema();
    let mut batches = Vec::new();
    for batch in input {
        match batch {
            Ok(b) => batches.push(b),
            Err(e) => {
                let mut sink = Vec::new();
                for b in &batches {
                    write_json_lines(b, temporal, &mut sink)?;
                    sink.clear();
                }
                return Err(Error::new(
                    ErrorKind::Io,
                    format!("reading the Arrow stream failed: {e}"),
                ));
            }
        }
    }
    Ok((schema, batches))
}

/// The rows as JSON Lines, one object per row keyed by column name.
fn json_lines(batches: &[RecordBatch], temporal: &Temporal) -> Result<Vec<u8>> {
    let mut lines = Vec::new();
    for batch in batches {
        write_json_lines(batch, temporal, &mut lines)?;
    }
    Ok(lines)
}

fn outcome<T>(o: ReadOutcome<T>, wrap: fn(Vec<T>) -> Records) -> ArrowOutcome {
    ArrowOutcome {
        records: wrap(o.records),
        rejected: o.rejected,
        read: o.read,
    }
}

/// Whether the options read `kind` as an event log whose tickets a preset derives.
fn derived(kind: SourceKind, options: &ReadOptions) -> bool {
    options.preset_kind().is_some_and(Preset::reads_event_log)
        && matches!(kind, SourceKind::Tickets | SourceKind::Events)
}

/// The options for reading the JSON Lines written from a table: the same rules, without the
/// readers' bound on a line (it guards files; a table's long text cell is no runaway input).
fn unbounded_lines(options: &ReadOptions) -> ReadOptions {
    let mut options = options.clone();
    options.line_limit = false;
    options
}

/// A table has its columns before its rows, as a CSV file its header: a preset's required
/// columns are checked as the CSV reader checks its header
/// ([`check_preset_columns`](super::mapping::check_preset_columns)), first, by the column
/// readers and the text path, for every kind of record (the ServiceNow event log by its own
/// columns).
pub(crate) fn check_columns(
    kind: SourceKind,
    schema: &Schema,
    options: &ReadOptions,
) -> Result<()> {
    fn check<T>(plan: Result<super::Plan<T>>, names: &[&str]) -> Result<()> {
        let plan = plan?;
        super::mapping::check_preset_columns(plan.schema, &plan.mapping, &plan.options, names)
    }
    let names = table::names_of(schema);
    if derived(kind, options) {
        return super::presets::servicenow::check_columns(options, &names);
    }
    match kind {
        SourceKind::Tickets => check(super::ticket_plan(options), &names),
        SourceKind::Events => check(super::event_plan(options), &names),
        SourceKind::Surveys => check(super::survey_plan(options), &names),
        SourceKind::Customers => check(super::customer_plan(options), &names),
        SourceKind::Costs => check(super::cost_plan(options), &names),
    }
}

/// Reads the rows written as JSON Lines with the JSON Lines readers.
fn read_text(
    kind: SourceKind,
    schema: &Schema,
    batches: &[RecordBatch],
    options: &ReadOptions,
    temporal: &Temporal,
) -> Result<ArrowOutcome> {
    check_columns(kind, schema, options)?;
    let lines = json_lines(batches, temporal)?;
    read_text_input(
        kind,
        lines.as_slice(),
        Format::JsonLines,
        &unbounded_lines(options),
    )
}

/// Reads `kind` from CSV or JSON Lines text (`format` says which) with the readers' rules; an
/// event-log preset (ServiceNow) gives ticket histories for tickets and events alike. The
/// records come as rows, never as tables. The Arrow reader's text path and the bindings' file
/// readers share it, so the choice of reader per record type is made in one place.
///
/// # Errors
/// The readers' errors: the first bad record in strict mode, an I/O error in either mode.
pub fn read_text_input(
    kind: SourceKind,
    input: impl std::io::Read,
    format: Format,
    options: &ReadOptions,
) -> Result<ArrowOutcome> {
    if derived(kind, options) {
        let out = super::read_servicenow_from(input, &options.clone().format(format))?;
        let mut rejected = out.rejected;
        rejected.extend(out.rejected_tickets);
        return Ok(ArrowOutcome {
            records: Records::Histories(out.histories),
            rejected,
            read: out.read,
        });
    }
    let f = format;
    Ok(match kind {
        SourceKind::Tickets => outcome(
            TicketReader::from_reader(input, f, options)?.read_all()?,
            Records::Tickets,
        ),
        SourceKind::Events => outcome(
            EventReader::from_reader(input, f, options)?.read_all()?,
            Records::Events,
        ),
        SourceKind::Surveys => outcome(
            SurveyReader::from_reader(input, f, options)?.read_all()?,
            Records::Surveys,
        ),
        SourceKind::Customers => outcome(
            CustomerReader::from_reader(input, f, options)?.read_all()?,
            Records::Customers,
        ),
        SourceKind::Costs => outcome(
            CostReader::from_reader(input, f, options)?.read_all()?,
            Records::Costs,
        ),
    })
}

/// Reads `kind` (the records a report takes from that input) from an Arrow stream: tickets and
/// survey responses into columns, events, customers and costs into records, and with the
/// ServiceNow preset the event log (`Tickets` or `Events`) into ticket histories. A table of
/// tickets or responses with an instant the columns cannot hold is read into records instead
/// ([`Records::Tickets`], [`Records::Surveys`]), with the same rules.
///
/// # Errors
/// In strict mode the first bad record's error; in both modes those of the
/// [module docs](self#errors).
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
/// use supportkpi::io::{ReadOptions, SourceKind, arrow};
///
/// let batch = RecordBatch::try_from_iter([
///     ("id", Arc::new(StringArray::from(vec!["S-1"])) as ArrayRef),
///     ("responded_at", Arc::new(StringArray::from(vec!["2021-06-01T08:00:00Z"])) as ArrayRef),
///     ("kind", Arc::new(StringArray::from(vec!["nps"])) as ArrayRef),
///     ("score", Arc::new(Int64Array::from(vec![9])) as ArrayRef),
/// ])
/// .unwrap();
/// let out = arrow::read(SourceKind::Surveys, arrow::batches([batch]), &ReadOptions::new())?;
/// let arrow::Records::SurveyTable(table) = out.records else { panic!() };
/// assert_eq!(table.score(), &[9]);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read(
    kind: SourceKind,
    input: impl RecordBatchReader,
    options: &ReadOptions,
) -> Result<ArrowOutcome> {
    let temporal = temporal(options);
    let (schema, batches) = collect(input, &temporal)?;
    if !derived(kind, options) {
        match kind {
            SourceKind::Tickets => {
                if let Read::Table {
                    table,
                    rejected,
                    read,
                } = table::tickets(&schema, &batches, options, &temporal, true)?
                {
                    return Ok(ArrowOutcome {
                        records: Records::TicketTable(Box::new(table)),
                        rejected,
                        read,
                    });
                }
            }
            SourceKind::Surveys => {
                if let Read::Table {
                    table,
                    rejected,
                    read,
                } = table::surveys(&schema, &batches, options, &temporal, true)?
                {
                    return Ok(ArrowOutcome {
                        records: Records::SurveyTable(Box::new(table)),
                        rejected,
                        read,
                    });
                }
            }
            _ => {}
        }
    }
    read_text(kind, &schema, &batches, options, &temporal)
}

/// [`read`] through JSON Lines text for every kind: each row written as a JSON object and read
/// by the JSON Lines readers. The reference the column readers are tested against; not part of
/// the stable API.
///
/// # Errors
/// Those of [`read`].
#[doc(hidden)]
pub fn read_via_json_lines(
    kind: SourceKind,
    input: impl RecordBatchReader,
    options: &ReadOptions,
) -> Result<ArrowOutcome> {
    let temporal = temporal(options);
    let (schema, batches) = collect(input, &temporal)?;
    read_text(kind, &schema, &batches, options, &temporal)
}

/// Reads summary tickets (the canonical layout, or a Zendesk or Freshdesk export with its
/// preset) into a [`TicketTable`]. A record with an instant the columns cannot hold (before
/// 1677-09-21 or after 2262-04-11) is rejected ([`ErrorKind::InvalidValue`]), as
/// [`load_columnar`](super::load_columnar) rejects it.
///
/// # Errors
/// In strict mode the first bad record's error; in both modes those of the
/// [module docs](self#errors), and [`ErrorKind::InvalidOption`] for the ServiceNow preset (an
/// event log: [`read_servicenow`]).
///
/// # Example
/// See the [module docs](self).
pub fn read_ticket_table(
    input: impl RecordBatchReader,
    options: &ReadOptions,
) -> Result<TableOutcome<TicketTable>> {
    read_table(input, options, table::tickets)
}

/// Reads survey responses into a [`SurveyTable`]; see [`read_ticket_table`].
///
/// # Errors
/// As [`read_ticket_table`]; any preset is an [`ErrorKind::InvalidOption`].
///
/// # Example
/// See [`read`].
pub fn read_survey_table(
    input: impl RecordBatchReader,
    options: &ReadOptions,
) -> Result<TableOutcome<SurveyTable>> {
    read_table(input, options, table::surveys)
}

/// One of the column readers of `table` (tickets, surveys).
type TableReader<T> =
    fn(&arrow_schema::Schema, &[RecordBatch], &ReadOptions, &Temporal, bool) -> Result<Read<T>>;

/// A column reader of `table`, without the fallback to text: an instant the columns cannot
/// hold rejects its record.
fn read_table<T>(
    input: impl RecordBatchReader,
    options: &ReadOptions,
    read: TableReader<T>,
) -> Result<TableOutcome<T>> {
    let temporal = temporal(options);
    let (schema, batches) = collect(input, &temporal)?;
    match read(&schema, &batches, options, &temporal, false)? {
        Read::Table {
            table,
            rejected,
            read,
        } => Ok(TableOutcome {
            table,
            rejected,
            read,
        }),
        Read::ViaText => Err(unreachable_text()),
    }
}

/// The column readers only fall back to text when asked to; without, an instant they cannot
/// hold rejects its record.
fn unreachable_text() -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        "a columnar instant lies between 1677-09-21 and 2262-04-11 (nanoseconds in an i64)",
    )
}

macro_rules! records_reader {
    ($name:ident, $kind:expr, $variant:ident, $record:ty, $what:literal) => {
        #[doc = concat!("Reads ", $what, " from an Arrow stream into records, by the options' error mode.")]
        ///
        /// # Errors
        /// In strict mode the first bad record's error; in both modes those of the
        /// [module docs](self#errors).
        ///
        /// # Example
        /// See the [module docs](self).
        pub fn $name(input: impl RecordBatchReader, options: &ReadOptions) -> Result<ReadOutcome<$record>> {
            let out = read($kind, input, options)?;
            let records = match out.records {
                Records::$variant(v) => v,
                other => into_records(other)?,
            };
            Ok(ReadOutcome {
                records,
                rejected: out.rejected,
                read: out.read,
            })
        }
    };
}

/// The records of a table, for the `read_*` functions that return records.
trait FromRecords: Sized {
    fn from_records(records: Records) -> Option<Vec<Self>>;
}

impl FromRecords for Ticket {
    fn from_records(records: Records) -> Option<Vec<Ticket>> {
        match records {
            Records::TicketTable(t) => Some(t.tickets().collect()),
            Records::Tickets(v) => Some(v),
            _ => None,
        }
    }
}

impl FromRecords for SurveyResponse {
    fn from_records(records: Records) -> Option<Vec<SurveyResponse>> {
        match records {
            Records::SurveyTable(t) => Some(t.responses().collect()),
            Records::Surveys(v) => Some(v),
            _ => None,
        }
    }
}

macro_rules! only_records {
    ($($record:ty => $variant:ident),*) => {$(
        impl FromRecords for $record {
            fn from_records(records: Records) -> Option<Vec<$record>> {
                match records {
                    Records::$variant(v) => Some(v),
                    _ => None,
                }
            }
        }
    )*};
}
only_records!(TicketEvent => Events, Customer => Customers, CostEntry => Costs);

fn into_records<T: FromRecords>(records: Records) -> Result<Vec<T>> {
    T::from_records(records).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOption,
            "an event-log preset reads ticket histories: read it with io::arrow::read_servicenow",
        )
        .with_field("preset")
    })
}

records_reader!(
    read_tickets,
    SourceKind::Tickets,
    Tickets,
    Ticket,
    "summary tickets"
);
records_reader!(
    read_events,
    SourceKind::Events,
    Events,
    TicketEvent,
    "ticket events"
);
records_reader!(
    read_surveys,
    SourceKind::Surveys,
    Surveys,
    SurveyResponse,
    "survey responses"
);
records_reader!(
    read_customers,
    SourceKind::Customers,
    Customers,
    Customer,
    "customers"
);
records_reader!(
    read_costs,
    SourceKind::Costs,
    Costs,
    CostEntry,
    "support cost entries"
);

/// Reads the ServiceNow incident event log from an Arrow stream into ticket histories, as
/// [`read_servicenow`](super::read_servicenow) reads its CSV (the preset's rules, mapping,
/// statuses and timestamp pattern, whatever the options' preset).
///
/// # Errors
/// In strict mode the first bad row's or incident's error; in both modes those of the
/// [module docs](self#errors).
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, StringArray};
/// use supportkpi::io::{ReadOptions, arrow};
///
/// let col = |v: Vec<&str>| Arc::new(StringArray::from(v)) as ArrayRef;
/// let batch = RecordBatch::try_from_iter([
///     ("number", col(vec!["INC1", "INC1"])),
///     ("incident_state", col(vec!["New", "Resolved"])),
///     ("opened_at", col(vec!["01-06-2021 08:00", "01-06-2021 08:00"])),
///     ("sys_updated_at", col(vec!["01-06-2021 08:00", "01-06-2021 10:00"])),
/// ])
/// .unwrap();
/// let out = arrow::read_servicenow(arrow::batches([batch]), &ReadOptions::new())?;
/// assert_eq!(out.histories.len(), 1);
/// assert_eq!(out.histories[0].ticket().resolution_seconds(), Some(7200));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_servicenow(
    input: impl RecordBatchReader,
    options: &ReadOptions,
) -> Result<EventLogOutcome> {
    let options = unbounded_lines(options).preset(Preset::ServiceNow);
    let temporal = temporal(&options);
    let (schema, batches) = collect(input, &temporal)?;
    check_columns(SourceKind::Tickets, &schema, &options)?;
    let lines = json_lines(&batches, &temporal)?;
    super::read_servicenow_from(lines.as_slice(), &options.format(Format::JsonLines))
}
