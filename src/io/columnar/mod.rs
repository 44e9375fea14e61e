//! A report's input read straight into columns, each large file on all cores:
//! [`load_columnar`].

mod dups;
mod rows;
mod split;

use self::rows::{SurveyRows, TicketRows};
use self::split::{CHUNK_BYTES, TableOutcome, read_table};
use super::load::{
    canonical_options, check_preset_has_file, detect_preset, in_file, source_rejected, with_preset,
};
use super::{Format, Plan, ReadOptions, SourceKind, SourceRejected, Sources};
use crate::columnar::{ColumnarInput, SurveyTable, TicketTable};
use crate::error::{Error, ErrorKind, Result};
use crate::io::Preset;
use std::path::Path;

/// What [`load_columnar`] read: the report's input as columns, every rejected record, and how
/// many were read per file (accepted + rejected = read, for each) — [`Loaded`](super::Loaded)'s
/// accounting.
#[derive(Debug, Clone, Default)]
pub struct LoadedColumnar {
    /// The accepted records.
    pub input: ColumnarInput,
    /// Every rejected record (lenient mode; empty in strict mode).
    pub rejected: Vec<SourceRejected>,
    /// Records read per input, in the order read.
    pub read: Vec<(SourceKind, u64)>,
    /// The preset the helpdesk export was read with: the one given, or the one detected (as
    /// [`Loaded::preset`](super::Loaded::preset)).
    pub preset: Option<Preset>,
    /// Whether [`preset`](Self::preset) was detected from the file (no preset given).
    pub detected: bool,
}

/// Reads the named files into a [`ColumnarInput`]: what [`load`](super::load) reads, as the
/// columns [`Report::compute_columnar`](crate::Report::compute_columnar) takes, in less time and
/// memory on large files.
///
/// Without a preset or a column mapping, the tickets file's header (or keys) picks one, as
/// [`load`](super::load) detects it ([`LoadedColumnar::detected`]). A JSON API preset's
/// documents are read by its module, as [`load`](super::load) reads them, and put in the
/// tables.
///
/// Summary tickets (the canonical layout, or a CSV preset's export)
/// and survey responses go into a [`TicketTable`] and a [`SurveyTable`]: each file is read in
/// windows of a few tens of megabytes, each window parsed on all cores (feature `parallel`;
/// one core without it), and no record becomes a [`Ticket`](crate::Ticket) or a string of its
/// own on the way — unless it is bad, when the streaming reader's parser names the error.
/// CSV and JSON Lines both read in parallel (JSON Lines objects are parsed as the streaming
/// reader parses them). A Parquet file (feature `parquet`) has its row groups decoded on all
/// cores and its columns read by [`arrow::read_ticket_table`](super::arrow::read_ticket_table)
/// and [`arrow::read_survey_table`](super::arrow::read_survey_table). Customers and cost
/// entries are few and are read as records.
///
/// The result is [`load`](super::load)'s: the same tickets and responses in the same order
/// ([`TicketTable::tickets`], [`SurveyTable::responses`]), the same rejected records with the
/// same lines and errors, the same counts, the same duplicate-id checks (the first record of an
/// id is kept), the same errors in strict mode, with the same read options. One difference: an
/// instant the columns cannot hold (before 1677-09-21 or after 2262-04-11) rejects its record
/// ([`ErrorKind::InvalidValue`]), where [`load`](super::load) keeps it.
///
/// # Errors
/// Those of [`load`](super::load), and [`ErrorKind::InvalidOption`] for an event log — the
/// `events` file, or the `servicenow` preset: ticket histories have no columnar form, so
/// read them with [`load`](super::load) and [`Report::compute`](crate::Report::compute)
/// (this function does not fall back to that itself, so that its memory and time stay
/// what its caller planned for).
///
/// # Example
/// ```
/// use supportkpi::io::{load, load_columnar, ReadOptions, Sources};
/// let data = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
/// let sources = Sources {
///     tickets: Some(format!("{data}/tickets.csv").into()),
///     surveys: Some(format!("{data}/surveys.csv").into()),
///     ..Sources::default()
/// };
/// let columns = load_columnar(&sources, &ReadOptions::new())?;
/// let records = load(&sources, &ReadOptions::new())?;
/// assert_eq!(columns.input.tickets.tickets().collect::<Vec<_>>(), records.input.tickets);
/// assert_eq!(columns.read, records.read);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn load_columnar(sources: &Sources, options: &ReadOptions) -> Result<LoadedColumnar> {
    load_columnar_in_chunks(sources, options, CHUNK_BYTES)
}

/// [`load_columnar`] with chunks of about `chunk_bytes` bytes: for tests, which cut files into
/// chunks of a few bytes so that chunk boundaries fall everywhere (inside quoted fields,
/// records and CRLF pairs). Not part of the stable API.
///
/// # Errors
/// Those of [`load_columnar`].
#[doc(hidden)]
pub fn load_columnar_in_chunks(
    sources: &Sources,
    options: &ReadOptions,
    chunk_bytes: usize,
) -> Result<LoadedColumnar> {
    let (mut sources, mut export) = with_preset(sources, options)?;
    // Without a preset or a mapping, the tickets file's header picks one, as `load` does.
    let detected = detect_preset(&sources, options)?;
    if let Some(preset) = detected {
        sources.preset = Some(preset);
        export = export.preset(preset);
    }
    if let Some(path) = &sources.events {
        return Err(event_log_error("events", path));
    }
    if let (Some(Preset::ServiceNow), Some(path)) = (sources.preset, &sources.tickets) {
        return Err(event_log_error("preset", path));
    }
    let canonical = canonical_options(options);
    let mut loaded = LoadedColumnar {
        preset: sources.preset,
        detected: detected.is_some(),
        ..LoadedColumnar::default()
    };
    // A JSON API preset's document is read by its module (as `load` reads it); its records
    // become the table.
    let document = sources.preset.filter(|p| p.is_document());
    // One file after the other, each on all cores: a file's buffers are freed before the next
    // is read.
    if let Some(path) = &sources.tickets {
        let out = match document {
            Some(preset) => super::open(path)
                .and_then(|f| super::presets::read_document_tickets(preset, f, &export))
                .and_then(|out| {
                    Ok(TableOutcome {
                        table: TicketTable::from_tickets(&out.records)?,
                        rejected: out.rejected,
                        read: out.read,
                    })
                }),
            None => read_ticket_table(path, &export, chunk_bytes),
        }
        .map_err(|e| in_file(e, path))?;
        loaded.input.tickets = loaded.add(SourceKind::Tickets, path, out);
    }
    if let Some(path) = &sources.surveys {
        let out = match document {
            Some(preset) => super::open(path)
                .and_then(|f| super::presets::read_document_surveys(preset, f, options))
                .and_then(|out| {
                    Ok(TableOutcome {
                        table: SurveyTable::from_responses(&out.records)?,
                        rejected: out.rejected,
                        read: out.read,
                    })
                }),
            None => read_survey_table(path, &canonical, chunk_bytes),
        }
        .map_err(|e| in_file(e, path))?;
        loaded.input.surveys = loaded.add(SourceKind::Surveys, path, out);
    }
    if let Some(path) = &sources.customers {
        let out = super::read_customers(path, &canonical).map_err(|e| in_file(e, path))?;
        loaded.input.customers = loaded.add(
            SourceKind::Customers,
            path,
            TableOutcome {
                table: out.records,
                rejected: out.rejected,
                read: out.read,
            },
        );
    }
    if let Some(path) = &sources.costs {
        let out = super::read_costs(path, &canonical).map_err(|e| in_file(e, path))?;
        loaded.input.costs = loaded.add(
            SourceKind::Costs,
            path,
            TableOutcome {
                table: out.records,
                rejected: out.rejected,
                read: out.read,
            },
        );
    }
    check_preset_has_file(&sources)?;
    Ok(loaded)
}

impl LoadedColumnar {
    fn add<T>(&mut self, source: SourceKind, path: &Path, out: TableOutcome<T>) -> T {
        self.read.push((source, out.read));
        self.rejected.extend(
            out.rejected
                .into_iter()
                .map(|r| source_rejected(source, path, r)),
        );
        out.table
    }
}

fn event_log_error(field: &str, path: &Path) -> Error {
    in_file(
        Error::new(
            ErrorKind::InvalidOption,
            "an event log has no columnar form: read it with io::load and compute its report \
             with Report::compute",
        )
        .with_field(field),
        path,
    )
}

/// Reads summary tickets into a table, as [`read_tickets`](super::read_tickets) reads them.
fn read_ticket_table(
    path: &Path,
    options: &ReadOptions,
    chunk_bytes: usize,
) -> Result<TableOutcome<TicketTable>> {
    let format = options.format.unwrap_or_else(|| Format::from_path(path));
    #[cfg(feature = "parquet")]
    if super::parquet::format_of(path, options.format) == Format::Parquet {
        let out = super::arrow::read_ticket_table(super::parquet::batches(path)?, options)?;
        return Ok(TableOutcome {
            table: out.table,
            rejected: out.rejected,
            read: out.read,
        });
    }
    // As the streaming reader: the file is opened before the plan is checked.
    let file = super::open(path)?;
    let Plan {
        schema,
        parse,
        mapping,
        options,
        ..
    } = super::ticket_plan(options)?;
    let check_ids = options.check_duplicate_ids && schema.id_key.is_some();
    read_table(
        file,
        format,
        schema,
        &mapping,
        &options,
        chunk_bytes,
        check_ids,
        |layout| TicketRows::new(parse, options.clone(), layout),
    )
}

/// Reads survey responses into a table, as [`read_surveys`](super::read_surveys) reads them.
fn read_survey_table(
    path: &Path,
    options: &ReadOptions,
    chunk_bytes: usize,
) -> Result<TableOutcome<SurveyTable>> {
    let format = options.format.unwrap_or_else(|| Format::from_path(path));
    #[cfg(feature = "parquet")]
    if super::parquet::format_of(path, options.format) == Format::Parquet {
        let out = super::arrow::read_survey_table(super::parquet::batches(path)?, options)?;
        return Ok(TableOutcome {
            table: out.table,
            rejected: out.rejected,
            read: out.read,
        });
    }
    let file = super::open(path)?;
    let Plan {
        schema,
        parse,
        mapping,
        options,
        ..
    } = super::survey_plan(options)?;
    let check_ids = options.check_duplicate_ids && schema.id_key.is_some();
    read_table(
        file,
        format,
        schema,
        &mapping,
        &options,
        chunk_bytes,
        check_ids,
        |layout| SurveyRows::new(parse, options.clone(), layout),
    )
}
