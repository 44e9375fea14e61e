//! Which layout a helpdesk export has, from its header (CSV) or its first record's keys
//! (JSON), for reading a file without naming a preset.
//!
//! Each preset has a signature, the columns or keys its vendor always writes; a file matches
//! when it has all of them (CSV names compared ignoring case and surrounding spaces):
//!
//! | preset | signature |
//! |---|---|
//! | `servicenow` | `number`, `incident_state`, `opened_at`, `sys_updated_at` |
//! | `zendesk` | `Id`, `Created at`, `Status`, and `Requester` or `Requester id` |
//! | `freshdesk` | `Ticket ID`, `Created time`, `Status` |
//! | `jira` | `Issue key`, `Created`, `Status` |
//! | `hubspot` | `Ticket ID`, `Create date`, `Ticket status` |
//! | `zendesk-json` | a JSON document whose tickets have `id`, `created_at`, `status`, `via` and `requester_id` |
//! | `intercom` | a JSON document whose conversations have `id`, `created_at`, `state` and `source` |
//! | `freshdesk-json` | a JSON document whose tickets have `id`, `created_at`, `status`, `source`, `requester_id` and `responder_id` |
//! | `helpscout` | a JSON document whose conversations have `id`, `createdAt`, `status` and `mailboxId` |
//! | `zammad` | a JSON document whose tickets have `id`, `created_at`, `state_id` and `group_id` |
//! | `chatwoot` | a JSON document whose conversations have `id`, `created_at`, `status`, `inbox_id` and `account_id` |
//!
//! The canonical ticket layout is `id` and `created_at` (lower case, as written). A file that
//! matches exactly one preset is read with it; one that matches none but is canonical is read
//! as canonical tickets; the canonical layout of another record type (events, surveys,
//! customers, costs) is refused naming that type; anything else is an error listing the
//! presets and the canonical columns.

use super::Preset;
use crate::error::{Error, ErrorKind, Result};
use crate::io::{Format, ReadOptions};
use std::io::{BufReader, Read};
use std::path::Path;

/// What [`detect_tickets`] finds.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The canonical ticket layout.
    Canonical,
    /// A preset's export.
    Preset(Preset),
}

/// How much of a JSON file is looked at.
const JSON_PEEK: u64 = 256 * 1024;

/// The layout of a tickets file (see the [module docs](self)).
///
/// # Errors
/// [`ErrorKind::InvalidValue`] for the canonical layout of another record type or a file
/// matching several presets; [`ErrorKind::MissingField`] (field `created_at` or `id`, as the
/// canonical reader would say) for a layout no preset or canonical reader knows, listing the
/// presets' signatures and the canonical columns; [`ErrorKind::Io`] when it cannot be read.
///
/// # Example
/// ```
/// use supportkpi::io::presets::detect::{detect_tickets, Layout};
/// use supportkpi::io::Preset;
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/freshdesk_tickets.csv");
/// use supportkpi::io::ReadOptions;
/// assert_eq!(detect_tickets(path, &ReadOptions::new())?, Layout::Preset(Preset::Freshdesk));
/// let surveys = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/surveys.csv");
/// let err = detect_tickets(surveys, &ReadOptions::new()).unwrap_err();
/// assert!(err.rule().contains("survey"));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn detect_tickets(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Layout> {
    let path = path.as_ref();
    #[cfg(feature = "parquet")]
    let format = crate::io::parquet::format_of(path, options.format);
    #[cfg(not(feature = "parquet"))]
    let format = options.format.unwrap_or_else(|| Format::from_path(path));
    match format {
        // The header is read through the readers' line bound: a file without line ends
        // (/dev/zero) is the same bounded error here as in the reader that follows.
        Format::Csv => from_header(&csv_header(
            crate::io::limit::LineLimit::new(crate::io::open(path)?),
            options.delimiter,
        )?),
        Format::JsonLines => from_json(crate::io::open(path)?),
        // A Parquet file's header is its schema's column names.
        #[cfg(feature = "parquet")]
        Format::Parquet => from_header(&crate::io::parquet::column_names(path)?),
    }
}

/// The presets' signatures in words, for messages: `servicenow (number, incident_state, …);
/// zendesk (…); …`.
pub fn signatures() -> String {
    let presets: Vec<String> = Preset::ALL
        .into_iter()
        .map(|p| {
            let sig: Vec<String> = signature(p).iter().map(|any| any.join(" or ")).collect();
            format!("{} ({})", p.as_str(), sig.join(", "))
        })
        .collect();
    presets.join("; ")
}

fn csv_header(file: impl Read, delimiter: u8) -> Result<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(file);
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(_) => Ok(record
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
            .collect()),
        Err(e) => Err(Error::new(
            ErrorKind::Io,
            format!("cannot read the header: {e}"),
        )),
    }
}

fn signature(preset: Preset) -> &'static [&'static [&'static str]] {
    // Each inner list: one of these names.
    match preset {
        Preset::ServiceNow => &[
            &["number"],
            &["incident_state"],
            &["opened_at"],
            &["sys_updated_at"],
        ],
        Preset::Zendesk => &[
            &["id"],
            &["created at"],
            &["status"],
            &["requester", "requester id"],
        ],
        Preset::Freshdesk => &[&["ticket id"], &["created time"], &["status"]],
        Preset::Jira => &[&["issue key"], &["created"], &["status"]],
        Preset::Hubspot => &[&["ticket id"], &["create date"], &["ticket status"]],
        Preset::ZendeskJson => &[
            &["id"],
            &["created_at"],
            &["status"],
            &["via"],
            &["requester_id"],
        ],
        Preset::Intercom => &[&["id"], &["created_at"], &["state"], &["source"]],
        Preset::FreshdeskJson => &[
            &["id"],
            &["created_at"],
            &["status"],
            &["source"],
            &["requester_id"],
            &["responder_id"],
        ],
        Preset::HelpScout => &[&["id"], &["createdAt"], &["status"], &["mailboxId"]],
        Preset::Zammad => &[&["id"], &["created_at"], &["state_id"], &["group_id"]],
        Preset::Chatwoot => &[
            &["id"],
            &["created_at"],
            &["status"],
            &["inbox_id"],
            &["account_id"],
        ],
    }
}

fn matches(preset: Preset, names: &[String], ignore_case: bool) -> bool {
    let has = |n: &str| {
        names.iter().any(|h| {
            if ignore_case {
                h.eq_ignore_ascii_case(n)
            } else {
                h == n
            }
        })
    };
    signature(preset)
        .iter()
        .all(|any| any.iter().any(|n| has(n)))
}

/// The canonical record type a header is (other than tickets), if any.
fn other_record_type(names: &[String]) -> Option<(&'static str, &'static str)> {
    let has_all = |keys: &[&str]| keys.iter().all(|k| names.iter().any(|h| h == k));
    [
        (
            &["ticket_id", "at", "kind"][..],
            "an event log",
            "events (--events, events=)",
        ),
        (
            &["id", "responded_at", "kind", "score"][..],
            "survey responses",
            "surveys (--surveys, surveys=)",
        ),
        (
            &["id", "acquired_at"][..],
            "customers",
            "customers (--customers, customers=)",
        ),
        (
            &["start", "end", "amount"][..],
            "cost entries",
            "costs (--costs, costs=)",
        ),
    ]
    .into_iter()
    .find(|(keys, _, _)| has_all(keys))
    .map(|(_, what, flag)| (what, flag))
}

fn from_header(names: &[String]) -> Result<Layout> {
    let csv_presets: Vec<Preset> = Preset::ALL
        .into_iter()
        .filter(|p| !p.is_document() && matches(*p, names, true))
        .collect();
    match csv_presets.as_slice() {
        [one] => return Ok(Layout::Preset(*one)),
        [] => {}
        several => {
            let names: Vec<&str> = several.iter().map(|p| p.as_str()).collect();
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "a header that matches one preset, not several ({}): name one with --preset / preset=",
                    names.join(", ")
                ),
            )
            .with_field("preset"));
        }
    }
    // Names as the canonical reader would take them; ignoring case here only errs on the side
    // of letting that reader speak.
    let has = |k: &str| names.iter().any(|h| h.eq_ignore_ascii_case(k));
    if let Some((what, flag)) = other_record_type(names) {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!(
                "a tickets file: this header is the canonical layout of {what}; give it as {flag}"
            ),
        )
        .with_field("tickets")
        .with_value(names.join(",")));
    }
    if has("id") && has("created_at") {
        return Ok(Layout::Canonical);
    }
    Err(unknown(
        if has("id") { "created_at" } else { "id" },
        &names.join(","),
    ))
}

fn unknown(field: &str, value: &str) -> Error {
    Error::new(
        ErrorKind::MissingField,
        format!(
            "a tickets file in the canonical layout (id, created_at, and optionally customer_id, \
             first_response_at, first_resolved_at, resolved_at, status, channel, priority, team, \
             assignee, agent_replies, reopens) or a preset's export: {}",
            signatures()
        ),
    )
    .with_field(field)
    .with_value(value)
}

fn from_json(file: impl Read) -> Result<Layout> {
    let mut text = String::new();
    BufReader::new(file.take(JSON_PEEK))
        .read_to_string(&mut text)
        .map_err(|e| Error::new(ErrorKind::Io, format!("cannot read the file: {e}")))?;
    // JSON Lines of records: the first line is a whole object.
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let first: Option<serde_json::Value> = serde_json::from_str(first_line).ok();
    let keys: Vec<String> = match &first {
        // A page object: its records are under the vendor's key.
        Some(serde_json::Value::Object(o)) => {
            // Help Scout's and Chatwoot's pages wrap their records in an envelope.
            let o = ["_embedded", "data"]
                .iter()
                .find_map(|k| o.get(*k).and_then(serde_json::Value::as_object))
                .unwrap_or(o);
            match ["tickets", "conversations", "payload"]
                .iter()
                .find_map(|k| o.get(*k))
            {
                Some(serde_json::Value::Array(items)) => first_keys(items),
                _ => o.keys().cloned().collect(),
            }
        }
        Some(serde_json::Value::Array(items)) => first_keys(items),
        _ => Vec::new(),
    };
    let documents = Preset::ALL.into_iter().filter(|p| p.is_document());
    if !keys.is_empty() {
        if let Some(p) = documents.clone().find(|p| matches(*p, &keys, false)) {
            return Ok(Layout::Preset(p));
        }
        return from_header(&keys);
    }
    // A document too large for one line (a pretty-printed page): its keys as text.
    let quoted = |k: &str| text.contains(&format!("\"{k}\""));
    if let Some(p) = documents.clone().find(|p| {
        signature(*p)
            .iter()
            .all(|any| any.iter().any(|k| quoted(k)))
    }) {
        return Ok(Layout::Preset(p));
    }
    if quoted("id") && quoted("created_at") {
        return Ok(Layout::Canonical);
    }
    Err(unknown("id", "a JSON document"))
}

fn first_keys(items: &[serde_json::Value]) -> Vec<String> {
    items
        .first()
        .and_then(|v| v.as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}
