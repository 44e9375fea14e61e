//! The ServiceNow incident event log: one row per update of an incident, as in the "Incident
//! management process enriched event log" (UCI data set 498), read into ticket histories.
//!
//! Rows → events, in file order (the order is the derivation's, see below):
//!
//! | ServiceNow column | use |
//! |---|---|
//! | `number` | the ticket id (required) |
//! | `incident_state` | a status change to this state at `sys_updated_at`, through [`StatusMap::servicenow`]: `New`, `Active`, `Awaiting User Info`, `Awaiting Problem`, `Awaiting Vendor`, `Awaiting Evidence`, `Resolved`, `Closed`, `Canceled` (required) |
//! | `sys_updated_at` | the instant of the row's status change (required) |
//! | `opened_at` | the incident's creation: its first row also gives a `Created` event at `opened_at` (required) |
//! | `resolved_at`, `closed_at` | checked only: not before `opened_at` |
//! | `priority` | `priority` |
//! | `assignment_group` | `team` |
//! | `contact_type` | `channel` |
//! | `assigned_to` | `assignee` |
//! | `caller_id` | `customer_id` |
//!
//! Each ticket attribute is the incident's last non-null value in file order (its state at the
//! last update). Other columns (`category`, `subcategory`, `impact`, `urgency`, `location`…)
//! become ticket dimensions, by the same rule, with
//! [`ReadOptions::keep_extra_columns`] or a [`ColumnMapping::dimension`](crate::io::ColumnMapping::dimension).
//!
//! Formats: dates `dd-mm-yyyy HH:MM` (`%d-%m-%Y %H:%M`) without a zone, read in the zone of
//! [`ReadOptions::zone`] (default UTC; [`ReadOptions::timestamps`] replaces the pattern); `?`
//! is null (a default null token); CRLF or LF line ends.
//!
//! Each row is checked on its own, so each bad row is one [`Rejected`] naming its line: a
//! missing `number` ([`ErrorKind::MissingField`]), an unparsable date
//! ([`ErrorKind::InvalidTimestamp`]), a state the status map lacks
//! ([`ErrorKind::UnmappedStatus`], field `incident_state`), `resolved_at` or `closed_at` before
//! `opened_at` ([`ErrorKind::NegativeDuration`]), a row with more or fewer fields than the
//! header, such as a truncated last line ([`ErrorKind::InvalidValue`]). The accepted rows are
//! derived into histories by [`derive_histories`](crate::model::derive_histories)'s rules with
//! [`BeforeCreation::Clamp`]: ServiceNow stamps `opened_at` after the first updates of some
//! incidents (minutes to hours), and those updates are taken to happen at the opening.
//!
//! **Event order.** An incident's rows are taken in file order ([`EventOrder::Source`]): the
//! export lists each incident's updates in the sequence ServiceNow made them, and that order
//! wins over the timestamps. In the real log (tests/data) `sys_updated_at` runs backwards within
//! an incident — INC0000137 lists a `New` row stamped 11:10 before its 09:52 `New` row and its
//! 11:03 resolution — so time order invents a reopen (Resolved 11:03 → New 11:10) that
//! ServiceNow never counted (its `reopen_count` is 0). `sys_mod_count` is no better a key: it
//! repeats within 5 incidents there, and sorting by it invents a reopen elsewhere. In file
//! order the derived reopens equal `reopen_count` for every incident of the log. A row stamped
//! before an earlier row that changed the incident is taken at that row's instant (spans never
//! run backwards). For an export that is not in update order (rows sorted by another column,
//! several files concatenated), [`ReadOptions::event_order`] with [`EventOrder::Time`] sorts
//! each incident's rows by `sys_updated_at` instead (file order among ties).
//!
//! The export records no conversation, so the histories are derived with
//! [`DeriveOptions::records_replies`]`(false)`: first-contact resolution, first response and
//! next reply times are undefined ("the input records no replies"), not rates over zero
//! replies.
//!
//! # Example
//! ```
//! use supportkpi::io::{read_servicenow_from, ReadOptions};
//!
//! let csv = "number,incident_state,opened_at,sys_updated_at,resolved_at,priority\r\n\
//!            INC1,New,29-02-2016 01:16,29-02-2016 01:23,?,3 - Moderate\r\n\
//!            INC1,Resolved,29-02-2016 01:16,29-02-2016 08:53,29-02-2016 08:53,3 - Moderate\r\n";
//! let log = read_servicenow_from(csv.as_bytes(), &ReadOptions::new())?;
//! assert_eq!((log.read, log.accepted, log.rejected.len()), (2, 2, 0));
//! let ticket = log.histories[0].ticket();
//! assert_eq!(ticket.resolution_seconds(), Some((7 * 60 + 37) * 60));
//! assert_eq!(ticket.priority(), Some("3 - Moderate"));
//! # Ok::<(), supportkpi::Error>(())
//! ```

use crate::error::{Error, ErrorKind, Result};
use crate::io::mapping::{Row, Schema};
use crate::io::{ErrorMode, Format, Plan, ReadOptions, RecordReader, Rejected};
use crate::model::{
    BeforeCreation, DeriveOptions, EventKind, EventOrder, Instant, StatusMap, TicketEvent,
    TicketHistory, derive_histories_lenient,
};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// What the CSV reader's header check asks of a table's columns (an Arrow schema, a Parquet
/// file's) before its first row: the export's required columns, by the user's mapping.
pub(crate) fn check_columns(options: &ReadOptions, names: &[&str]) -> Result<()> {
    crate::io::mapping::Layout::check_table_columns(SCHEMA, &options.mapping, names)
}

/// The timestamp pattern of ServiceNow's export.
pub const TIMESTAMP_PATTERN: &str = "%d-%m-%Y %H:%M";

const SCHEMA: Schema = Schema {
    record_type: "event",
    keys: &[
        "number",
        "incident_state",
        "opened_at",
        "sys_updated_at",
        "resolved_at",
        "closed_at",
        "priority",
        "assignment_group",
        "contact_type",
        "assigned_to",
        "caller_id",
    ],
    required: &["number", "incident_state", "opened_at", "sys_updated_at"],
    id_key: Some("number"),
};

/// The columns that become ticket attributes, in the order `describe_ticket` takes them.
const ATTRIBUTES: [&str; 5] = [
    "priority",
    "assignment_group",
    "contact_type",
    "assigned_to",
    "caller_id",
];

struct IncidentRow {
    line: u64,
    number: String,
    state: String,
    opened_at: Instant,
    updated_at: Instant,
    attributes: [Option<String>; 5],
    dimensions: Vec<(String, String)>,
}

fn incident_row(row: &Row<'_>) -> Result<IncidentRow> {
    let number = row.required("number")?.into_owned();
    let state = row.required("incident_state")?.into_owned();
    row.options
        .statuses()
        .resolve(&state)
        .map_err(|e| e.with_field(row.source_name("incident_state")))?;
    let opened_at = row.required_instant("opened_at")?;
    let updated_at = row.required_instant("sys_updated_at")?;
    for key in ["resolved_at", "closed_at"] {
        if let Some(at) = row.instant(key)? {
            if at < opened_at {
                return Err(Error::new(
                    ErrorKind::NegativeDuration,
                    format!(
                        "{key} must not be before opened_at ({})",
                        opened_at.to_rfc3339()
                    ),
                )
                .with_field(row.source_name(key))
                .with_value(row.text(key)?.unwrap_or_default()));
            }
        }
    }
    let mut attributes: [Option<String>; 5] = Default::default();
    for (slot, key) in attributes.iter_mut().zip(ATTRIBUTES) {
        *slot = row.text(key)?.map(|v| v.into_owned());
    }
    Ok(IncidentRow {
        line: row.line,
        number,
        state,
        opened_at,
        updated_at,
        attributes,
        dimensions: row.dimensions(),
    })
}

/// What [`read_servicenow`] returns: the histories of the accepted rows' incidents, and the
/// rejected rows and incidents.
///
/// Rows: `accepted + rejected.len() == read`, always. Incidents: `histories` plus
/// `rejected_tickets` are the incidents of the accepted rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLogOutcome {
    /// One history per incident, in order of first appearance, with its attributes attached.
    pub histories: Vec<TicketHistory>,
    /// The rejected rows, each with its line and error (empty in strict mode).
    pub rejected: Vec<Rejected>,
    /// The incidents whose derivation failed (line = the incident's first accepted row).
    pub rejected_tickets: Vec<Rejected>,
    /// Rows read (accepted + rejected).
    pub read: u64,
    /// Rows accepted.
    pub accepted: u64,
}

#[derive(Default)]
struct Incident {
    first_line: u64,
    attributes: [Option<String>; 5],
    dimensions: Vec<(String, String)>,
}

/// Reads a ServiceNow incident event log file into ticket histories (see the [module
/// docs](self) for the mapping).
///
/// # Errors
/// [`ErrorKind::Io`] when the file cannot be opened or read; the errors of
/// [`read_servicenow_from`]. A CSV header or a Parquet file's columns without one of the
/// export's required columns is one [`ErrorKind::MissingField`] before the first row.
///
/// # Example
/// ```
/// use supportkpi::io::{read_servicenow, ReadOptions};
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/servicenow_incident_events.csv");
/// let log = read_servicenow(path, &ReadOptions::new())?;
/// assert_eq!((log.histories.len(), log.rejected.len()), (890, 0));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_servicenow(path: impl AsRef<Path>, options: &ReadOptions) -> Result<EventLogOutcome> {
    let path = path.as_ref();
    #[cfg(feature = "parquet")]
    if crate::io::parquet::format_of(path, options.format) == Format::Parquet {
        return crate::io::arrow::read_servicenow(crate::io::parquet::batches(path)?, options);
    }
    let file = crate::io::open(path)?;
    let options = options
        .clone()
        .format(options.format.unwrap_or_else(|| Format::from_path(path)));
    read_servicenow_from(file, &options)
}

/// Reads a ServiceNow incident event log (CSV, or JSON Lines with
/// [`ReadOptions::format`]) from any reader into ticket histories.
///
/// # Errors
/// [`ErrorKind::MissingField`] when the header lacks `number`, `incident_state`, `opened_at`
/// or `sys_updated_at`; [`ErrorKind::InvalidOption`] when another preset is set; in strict
/// mode, the first bad row's error, or else the first incident's derivation error;
/// [`ErrorKind::Io`] when the input cannot be read.
///
/// # Example
/// See the [module docs](self).
pub fn read_servicenow_from(input: impl Read, options: &ReadOptions) -> Result<EventLogOutcome> {
    if let Some(preset) = options.preset.filter(|p| *p != super::Preset::ServiceNow) {
        return Err(Error::new(
            ErrorKind::InvalidOption,
            "read_servicenow reads the servicenow preset only",
        )
        .with_field("preset")
        .with_value(preset));
    }
    let mut options = options.with_default_pattern(TIMESTAMP_PATTERN);
    options.status_map.get_or_insert_with(StatusMap::servicenow);
    let mode = options.error_mode();
    let map = options.statuses().clone();
    let event_order = options.event_order;
    let plan = Plan {
        schema: SCHEMA,
        parse: incident_row,
        mapping: options.mapping.clone(),
        options,
        currency_of: None,
    };
    let format = plan.options.format.unwrap_or(Format::Csv);
    let mut reader = RecordReader::with_plan(input, format, plan)?;

    let mut events = Vec::new();
    let mut incidents: HashMap<String, Incident> = HashMap::new();
    let mut rejected = Vec::new();
    let mut accepted = 0u64;
    for item in reader.by_ref() {
        let row = match item {
            Ok(row) => row,
            Err(r) if r.line == 0 || mode == ErrorMode::Strict => return Err(r.error),
            Err(r) => {
                rejected.push(r);
                continue;
            }
        };
        accepted += 1;
        let incident = incidents.entry(row.number.clone()).or_default();
        if incident.first_line == 0 {
            incident.first_line = row.line;
            events.push(TicketEvent::new(
                row.number.as_str(),
                row.opened_at,
                EventKind::Created,
            ));
        }
        for (slot, value) in incident.attributes.iter_mut().zip(row.attributes) {
            if value.is_some() {
                *slot = value;
            }
        }
        for (name, value) in row.dimensions {
            match incident.dimensions.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = value,
                None => incident.dimensions.push((name, value)),
            }
        }
        events.push(TicketEvent::new(
            row.number,
            row.updated_at,
            EventKind::StatusChange { to: row.state },
        ));
    }
    let read = reader.records_read();

    let derive = DeriveOptions::new()
        .before_creation(BeforeCreation::Clamp)
        .order(event_order.unwrap_or(EventOrder::Source))
        .records_replies(false);
    let (mut histories, failed) = derive_histories_lenient(events, &map, derive);
    let rejected_tickets: Vec<Rejected> = failed
        .into_iter()
        .map(|(id, error)| {
            let line = incidents.get(id.as_str()).map_or(0, |i| i.first_line);
            Rejected {
                line,
                error: error.with_line(line),
            }
        })
        .collect();
    if let (ErrorMode::Strict, Some(first)) = (mode, rejected_tickets.first()) {
        return Err(first.error.clone());
    }
    for history in &mut histories {
        let Some(incident) = incidents.remove(history.id().as_str()) else {
            continue;
        };
        history.describe_ticket(|mut b| {
            let [priority, team, channel, assignee, customer] = incident.attributes;
            if let Some(v) = priority {
                b = b.priority(v);
            }
            if let Some(v) = team {
                b = b.team(v);
            }
            if let Some(v) = channel {
                b = b.channel(v);
            }
            if let Some(v) = assignee {
                b = b.assignee(v);
            }
            if let Some(v) = customer {
                b = b.customer_id(v);
            }
            for (name, value) in incident.dimensions {
                b = b.dimension(name, value);
            }
            b
        })?;
    }
    Ok(EventLogOutcome {
        histories,
        rejected,
        rejected_tickets,
        read,
        accepted,
    })
}
