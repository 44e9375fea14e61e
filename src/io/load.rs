//! A report's whole input from files in one call: what the CLI, the Python module and the C
//! library do when a user names their exports.

use super::{ErrorMode, EventReader, ReadOptions, Rejected};
use crate::TicketEvent;
use crate::error::{Error, ErrorKind, Result};
use crate::io::{Preset, presets::servicenow};
use crate::model::{DeriveOptions, TicketHistory, derive_histories, derive_histories_lenient};
use crate::report::ReportInput;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Which input a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Tickets in summary form (or, with the `servicenow` preset, its event log).
    Tickets,
    /// A ticket event log.
    Events,
    /// Survey responses.
    Surveys,
    /// Customers.
    Customers,
    /// Support cost entries.
    Costs,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Tickets => "tickets",
            SourceKind::Events => "events",
            SourceKind::Surveys => "surveys",
            SourceKind::Customers => "customers",
            SourceKind::Costs => "costs",
        })
    }
}

/// The files a report reads. Each is CSV, JSON Lines or Parquet (by extension, or Parquet by
/// the magic `PAR1` it starts with, unless the read options say; Parquet with the feature
/// `parquet`, read by the Arrow readers, [`arrow`](super::arrow)). Every field is optional; a
/// report of surveys alone is fine.
///
/// The preset applies to the helpdesk export: `zendesk` and `freshdesk` read `tickets`;
/// `servicenow` reads its incident event log from `events`, or from `tickets` when only that is
/// given (so `--tickets incidents.csv --preset servicenow` works); a JSON API preset with an
/// event log ([`has_document_events`](super::presets::has_document_events): Intercom, Help
/// Scout, Zammad, Chatwoot) reads it from its document given as `events` (the same file as
/// `tickets` is fine: summary and history of a ticket are joined), and its survey export
/// from `surveys`. Customers and costs are always read in the canonical layout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sources {
    /// Tickets in summary form.
    pub tickets: Option<PathBuf>,
    /// A ticket event log (canonical layout, or ServiceNow's with its preset).
    pub events: Option<PathBuf>,
    /// Survey responses.
    pub surveys: Option<PathBuf>,
    /// Customers.
    pub customers: Option<PathBuf>,
    /// Support cost entries.
    pub costs: Option<PathBuf>,
    /// The helpdesk export's preset.
    pub preset: Option<Preset>,
}

/// One record a lenient load rejected, with the file it came from.
#[derive(Debug, Clone)]
pub struct SourceRejected {
    /// Which input.
    pub source: SourceKind,
    /// The file.
    pub path: PathBuf,
    /// The record's line and error. For a ticket of an event log whose derivation failed, the
    /// line is its first event's line when the reader knows it (the ServiceNow preset), else 0.
    pub rejected: Rejected,
}

impl fmt::Display for SourceRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.rejected.error, f)
    }
}

/// What [`load`] read: the report's input, every rejected record, and how many were read per
/// file (accepted + rejected = read, for each).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The accepted records.
    pub input: ReportInput,
    /// Every rejected record (lenient mode; empty in strict mode).
    pub rejected: Vec<SourceRejected>,
    /// Records read per input, in the order read.
    pub read: Vec<(SourceKind, u64)>,
    /// The preset the helpdesk export was read with: the one given, or the one detected.
    pub preset: Option<Preset>,
    /// Whether [`preset`](Self::preset) was detected from the file (no preset given): a door
    /// says so (the CLI on stderr).
    pub detected: bool,
}

/// Without a preset or a column mapping, the preset whose signature the tickets file (or a
/// ServiceNow log given as events) matches, by [`presets::detect`](super::presets::detect).
pub(crate) fn detect_preset(sources: &Sources, options: &ReadOptions) -> Result<Option<Preset>> {
    use super::presets::detect::{Layout, detect_tickets};
    if sources.preset.is_some() || !options.mapping.is_empty() {
        return Ok(None);
    }
    if let Some(path) = &sources.tickets {
        return match detect_tickets(path, options) {
            Ok(Layout::Preset(p)) => Ok(Some(p)),
            // A canonical file of another record type: refused with what it is.
            Err(e) if e.kind() == ErrorKind::InvalidValue => Err(in_file(e, path)),
            // The canonical layout, or one nobody knows: the canonical reader's errors say
            // what is missing, line by line.
            _ => Ok(None),
        };
    }
    if let Some(path) = &sources.events {
        // Only ServiceNow's log is an event log a preset reads; anything else stays the
        // canonical event reader's to judge.
        if let Ok(Layout::Preset(Preset::ServiceNow)) = detect_tickets(path, options) {
            return Ok(Some(Preset::ServiceNow));
        }
    }
    Ok(None)
}

/// Reads every named file into a [`ReportInput`]. Summary rows and event histories of the same
/// ticket are joined ([`ReportInput::join_tickets_with_histories`]), so no ticket counts twice.
///
/// The read options apply to every file (time zone, timestamp pattern, null tokens, error
/// mode); the column mapping and preset apply to the helpdesk export only. An event log is
/// turned into ticket histories (see [`derive_histories`]); the ServiceNow preset derives with
/// its documented rules.
///
/// # Errors
/// In strict mode the first bad record's error; in both modes an unreadable file
/// ([`ErrorKind::Io`]) or a file whose header lacks a required column. Every error names the
/// file.
///
/// # Example
/// ```
/// use supportkpi::io::{load, ReadOptions, Sources};
/// let data = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
/// let sources = Sources {
///     tickets: Some(format!("{data}/tickets.csv").into()),
///     surveys: Some(format!("{data}/surveys.csv").into()),
///     ..Sources::default()
/// };
/// let loaded = load(&sources, &ReadOptions::new())?;
/// assert_eq!(loaded.input.tickets.len(), 120);
/// assert!(loaded.rejected.is_empty());
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn load(sources: &Sources, options: &ReadOptions) -> Result<Loaded> {
    let (mut sources, mut export) = with_preset(sources, options)?;
    let detected = detect_preset(&sources, options)?;
    if let Some(preset) = detected {
        sources.preset = Some(preset);
        export = export.preset(preset);
    }
    let sources = &sources;
    // The helpdesk export and the other files are independent: read them on two threads (a
    // reader is sequential; this hides the smaller files behind the tickets). Errors and
    // rejections come out in the same order as reading one file after the other.
    let (helpdesk, others) = crate::par::join(
        || load_helpdesk(sources, &export),
        || load_others(sources, options),
    );
    let mut loaded = helpdesk?;
    loaded.preset = sources.preset;
    loaded.detected = detected.is_some();
    let others = others?;
    loaded.read.extend(others.read);
    loaded.rejected.extend(others.rejected);
    loaded.input.surveys = others.input.surveys;
    loaded.input.customers = others.input.customers;
    loaded.input.costs = others.input.costs;
    // Summary rows and an event log of the same tickets describe one ticket each.
    loaded
        .input
        .join_tickets_with_histories()
        .map_err(|e| in_file(e, sources.tickets.as_deref().unwrap_or(Path::new(""))))?;
    check_preset_has_file(sources)?;
    Ok(loaded)
}

pub(crate) fn canonical_options(options: &ReadOptions) -> ReadOptions {
    let mut canonical = options.clone();
    canonical.preset = None;
    canonical.mapping = Default::default();
    canonical.status_map = None;
    canonical
}

/// The tickets and the event log.
fn load_helpdesk(sources: &Sources, options: &ReadOptions) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    let export = options.clone();
    let canonical = canonical_options(options);

    let servicenow_log = match sources.preset {
        Some(Preset::ServiceNow) => sources
            .events
            .as_ref()
            .map(|p| (SourceKind::Events, p))
            .or_else(|| sources.tickets.as_ref().map(|p| (SourceKind::Tickets, p))),
        _ => None,
    };
    if let Some((kind, path)) = servicenow_log {
        let out = servicenow::read_servicenow(path, &export).map_err(|e| in_file(e, path))?;
        loaded.read.push((kind, out.read));
        loaded.input.histories = out.histories;
        for r in out.rejected.into_iter().chain(out.rejected_tickets) {
            loaded.reject(kind, path, r);
        }
    }
    if let Some(path) = &sources.tickets
        && servicenow_log.is_none_or(|(kind, _)| kind != SourceKind::Tickets)
    {
        let out = match sources.preset {
            Some(preset) if preset.is_document() => super::open(path)
                .and_then(|f| super::presets::read_document_tickets(preset, f, &export)),
            _ => super::read_tickets(path, &export),
        }
        .map_err(|e| in_file(e, path))?;
        loaded.read.push((SourceKind::Tickets, out.read));
        loaded.input.tickets = out.records;
        for r in out.rejected {
            loaded.reject(SourceKind::Tickets, path, r);
        }
    }
    if let Some(path) = &sources.events
        && servicenow_log.is_none()
    {
        // A JSON API preset's document carries its event log (parts, threads, articles,
        // messages, audits): read and derived by the preset's module and vocabulary.
        if let Some(preset) = sources
            .preset
            .filter(|p| super::presets::has_document_events(*p))
        {
            let out = super::open(path)
                .and_then(|f| super::presets::read_document_histories(preset, f, &export))
                .map_err(|e| in_file(e, path))?;
            loaded.read.push((SourceKind::Events, out.read));
            for r in out.rejected {
                loaded.reject(SourceKind::Events, path, r);
            }
            loaded.input.histories = out.records;
            return Ok(loaded);
        }
        let log = read_event_log(path, &canonical).map_err(|e| in_file(e, path))?;
        let out = log.histories(options).map_err(|e| in_file(e, path))?;
        loaded.read.push((SourceKind::Events, out.read));
        loaded.input.histories = out.records;
        for r in out.rejected {
            loaded.reject(SourceKind::Events, path, r);
        }
    }
    Ok(loaded)
}

/// A canonical event log as read: the accepted events with their lines, the rejected records,
/// and how many were read. Its [`histories`](EventLog::histories) are what [`load`] derives
/// from an event log file; the doors that read events on their own (the Python binding's
/// tables and records) derive them here too, so that every door rejects the same records.
///
/// # Example
/// ```
/// use supportkpi::io::{ErrorMode, EventLog, Format, ReadOptions};
///
/// // T-2 was never created: each of its two events is set aside, with its line.
/// let csv = "ticket_id,at,kind,author,public,to,into\n\
///            T-1,2021-06-01T08:00:00Z,created,,,,\n\
///            T-2,2021-06-01T08:00:00Z,reply,agent,true,,\n\
///            T-2,2021-06-01T09:00:00Z,status_change,,,solved,\n";
/// let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
/// let log = EventLog::read(csv.as_bytes(), Format::Csv, &lenient)?;
/// assert_eq!((log.events.len(), log.read), (3, 3));
/// let out = log.histories(&lenient)?;
/// assert_eq!(out.records.len(), 1);
/// let lines: Vec<u64> = out.rejected.iter().map(|r| r.line).collect();
/// assert_eq!(lines, [3, 4]);
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// The accepted events, each with its (first) line.
    pub events: Vec<(u64, TicketEvent)>,
    /// The records the reader rejected.
    pub rejected: Vec<Rejected>,
    /// Records read.
    pub read: u64,
}

impl EventLog {
    /// Reads a canonical event log (CSV or JSON Lines, `format`) with every event's line, by
    /// the options' error mode.
    ///
    /// # Errors
    /// The event reader's: an I/O error, the options' errors, in strict mode the first bad
    /// record's.
    pub fn read(
        input: impl Read,
        format: super::Format,
        options: &ReadOptions,
    ) -> Result<EventLog> {
        event_log(
            EventReader::from_reader(input, format, options)?,
            options.error_mode(),
        )
    }

    /// The log of a table's events ([`super::arrow`]): a row's line is its number, so the
    /// accepted rows are the numbers no rejected row has, in order.
    #[cfg(feature = "arrow")]
    pub fn of_table(out: super::ReadOutcome<TicketEvent>) -> EventLog {
        let bad: std::collections::HashSet<u64> = out.rejected.iter().map(|r| r.line).collect();
        let lines = (1..=out.read).filter(|l| !bad.contains(l));
        EventLog {
            events: lines.zip(out.records).collect(),
            rejected: out.rejected,
            read: out.read,
        }
    }

    /// The tickets' histories, derived as [`load`] derives an event log: the canonical status
    /// vocabulary, the options' event order and error mode. Lenient: a ticket whose history
    /// cannot be derived (no creation, an unmapped status, a merge cycle…) sets aside every
    /// one of its events, each with its own line, so accepted + rejected = read. Strict: the
    /// first such ticket's error, at its first event's line.
    ///
    /// # Errors
    /// In strict mode, the first ticket's derivation error.
    pub fn histories(self, options: &ReadOptions) -> Result<super::ReadOutcome<TicketHistory>> {
        let map = canonical_options(options).statuses().clone();
        let derive = DeriveOptions::new().order(options.event_order.unwrap_or_default());
        let EventLog {
            events,
            mut rejected,
            read,
        } = self;
        let first_line = |id: &str| {
            events
                .iter()
                .find(|(_, e)| e.ticket_id.as_str() == id)
                .map(|(l, _)| *l)
        };
        let (records, failed) = match options.error_mode() {
            ErrorMode::Strict => {
                let only = events.iter().map(|(_, e)| e.clone());
                match derive_histories(only, &map, derive) {
                    Ok(h) => (h, Vec::new()),
                    Err(e) => {
                        let line = e
                            .record()
                            .and_then(|r| r.id.as_deref())
                            .and_then(first_line);
                        return Err(match line {
                            Some(line) => e.with_line(line),
                            None => e,
                        });
                    }
                }
            }
            ErrorMode::Lenient => {
                derive_histories_lenient(events.iter().map(|(_, e)| e.clone()), &map, derive)
            }
        };
        if !failed.is_empty() {
            let failed: HashMap<&str, &Error> =
                failed.iter().map(|(id, e)| (id.as_str(), e)).collect();
            for (line, event) in &events {
                if let Some(error) = failed.get(event.ticket_id.as_str()) {
                    let error = (*error).clone().with_line(*line);
                    rejected.push(Rejected { line: *line, error });
                }
            }
            rejected.sort_by_key(|r| r.line);
        }
        Ok(super::ReadOutcome {
            records,
            rejected,
            read,
        })
    }
}

/// Reads a canonical event log file (CSV, JSON Lines or Parquet) with every event's line.
fn read_event_log(path: &Path, options: &ReadOptions) -> Result<EventLog> {
    #[cfg(feature = "parquet")]
    if super::parquet::format_of(path, options.format) == super::Format::Parquet {
        let out = super::read_events(path, options)?;
        return Ok(EventLog::of_table(out));
    }
    event_log(EventReader::from_path(path, options)?, options.error_mode())
}

/// Reads every event of `reader`, keeping each one's line, by the error mode.
fn event_log<R: Read>(mut reader: EventReader<R>, mode: ErrorMode) -> Result<EventLog> {
    let mut events = Vec::new();
    let mut rejected = Vec::new();
    while let Some(item) = reader.next() {
        match item {
            Ok(event) => events.push((reader.last_line(), event)),
            Err(r) if r.error.kind() == ErrorKind::Io && r.line == 0 => return Err(r.error),
            Err(r) if mode == ErrorMode::Strict => return Err(r.error),
            Err(r) => rejected.push(r),
        }
    }
    Ok(EventLog {
        events,
        rejected,
        read: reader.records_read(),
    })
}

/// Surveys, customers and costs: always in the canonical layout.
fn load_others(sources: &Sources, options: &ReadOptions) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    let canonical = canonical_options(options);
    if let Some(path) = &sources.surveys {
        let out = match sources.preset {
            // A JSON API preset's survey export (Zendesk's satisfaction ratings).
            Some(preset) if preset.is_document() => super::open(path)
                .and_then(|f| super::presets::read_document_surveys(preset, f, options)),
            _ => super::read_surveys(path, &canonical),
        }
        .map_err(|e| in_file(e, path))?;
        loaded.read.push((SourceKind::Surveys, out.read));
        loaded.input.surveys = out.records;
        for r in out.rejected {
            loaded.reject(SourceKind::Surveys, path, r);
        }
    }
    if let Some(path) = &sources.customers {
        let out = super::read_customers(path, &canonical).map_err(|e| in_file(e, path))?;
        loaded.read.push((SourceKind::Customers, out.read));
        loaded.input.customers = out.records;
        for r in out.rejected {
            loaded.reject(SourceKind::Customers, path, r);
        }
    }
    if let Some(path) = &sources.costs {
        let out = super::read_costs(path, &canonical).map_err(|e| in_file(e, path))?;
        loaded.read.push((SourceKind::Costs, out.read));
        loaded.input.costs = out.records;
        for r in out.rejected {
            loaded.reject(SourceKind::Costs, path, r);
        }
    }
    Ok(loaded)
}

impl Loaded {
    fn reject(&mut self, source: SourceKind, path: &Path, rejected: Rejected) {
        self.rejected.push(source_rejected(source, path, rejected));
    }
}

/// A rejected record of a file, its error naming the file.
pub(crate) fn source_rejected(
    source: SourceKind,
    path: &Path,
    mut rejected: Rejected,
) -> SourceRejected {
    rejected.error = in_file(rejected.error, path);
    SourceRejected {
        source,
        path: path.to_path_buf(),
        rejected,
    }
}

/// The sources with the preset the read options name, and the options of the helpdesk export;
/// an error when the two name different presets.
pub(crate) fn with_preset(
    sources: &Sources,
    options: &ReadOptions,
) -> Result<(Sources, ReadOptions)> {
    // The sources' preset is the export's; read options may name it too, but not another.
    let export = match (sources.preset, options.preset) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("the read options name the preset {b}, the sources another"),
            )
            .with_field("preset")
            .with_value(a.as_str()));
        }
        (Some(p), _) => options.clone().preset(p),
        (None, _) => options.clone(),
    };
    let sources = Sources {
        preset: sources.preset.or(options.preset),
        ..sources.clone()
    };
    Ok((sources, export))
}

/// The error of a preset without the helpdesk export to read.
pub(crate) fn check_preset_has_file(sources: &Sources) -> Result<()> {
    if sources.preset.is_some() && sources.tickets.is_none() && sources.events.is_none() {
        return Err(Error::new(
            ErrorKind::MissingField,
            "a preset reads the helpdesk export: name the tickets (or events) file",
        )
        .with_field("preset")
        .with_value(sources.preset.map_or("", Preset::as_str)));
    }
    Ok(())
}

pub(crate) fn in_file(e: Error, path: &Path) -> Error {
    e.with_file(path.display().to_string())
}
