//! Presets for the exports users actually have: each maps a helpdesk's documented columns,
//! status vocabulary and timestamp format onto the records.
//!
//! - [`servicenow`]: the ServiceNow incident event log → ticket histories
//!   ([`read_servicenow`](crate::io::read_servicenow)).
//! - [`zendesk`]: the Zendesk Support ticket CSV export → tickets.
//! - [`freshdesk`]: the Freshdesk ticket export → tickets.
//! - [`zendesk_json`]: the Zendesk API's ticket JSON (incremental export with
//!   `metric_sets`) → tickets, and its satisfaction ratings → CSAT survey responses;
//!   [`zendesk_audits`]: its ticket audits → an event log.
//! - [`freshdesk_json`]: the Freshdesk API's ticket JSON with `stats` → tickets, and its
//!   satisfaction ratings → CSAT survey responses.
//! - [`hubspot`]: HubSpot Service Hub's ticket CSV export → tickets.
//! - [`jira`]: Jira Service Management's issue CSV export → tickets.
//! - [`intercom`]: Intercom conversations (API JSON) → tickets from their `statistics`, an
//!   event log from their parts, and `conversation_rating` → CSAT.
//! - [`helpscout`]: Help Scout conversations (Mailbox API 2.0 JSON) → tickets, an event log
//!   from their threads, and the happiness ratings report → CSAT.
//! - [`zammad`]: Zammad tickets (REST API JSON) → tickets from their SLA fields, an event log
//!   from their articles and history.
//! - [`chatwoot`]: Chatwoot conversations (API JSON) → tickets, an event log from their
//!   messages, and CSAT survey responses → CSAT.
//!
//! Select one by name with [`Preset`]'s `FromStr` (every name in [`Preset::ALL`]; `supportkpi
//! presets` lists them) and [`ReadOptions::preset`](crate::io::ReadOptions::preset). A
//! [`ColumnMapping`](crate::io::ColumnMapping) given as well is layered over a CSV preset's
//! (its entries win), so an export with renamed or extra columns still reads.
//!
//! Every preset maps its vendor's statuses through a documented table (in its module); a
//! status the table lacks is [`ErrorKind::UnmappedStatus`] naming it (or pass a
//! [`StatusMap`] of your own with [`ReadOptions::status_map`](crate::io::ReadOptions::status_map)).
//! A field an export does not carry stays unknown — never a guessed 0.

pub mod chatwoot;
pub mod detect;
pub mod freshdesk;
pub mod freshdesk_json;
pub mod helpscout;
pub mod hubspot;
pub mod intercom;
pub mod jira;
pub(crate) mod json;
pub mod servicenow;
pub mod zammad;
pub mod zendesk;
pub mod zendesk_audits;
pub mod zendesk_json;

use super::mapping::Schema;
use super::rules::{self, Cells, Key, Summary};
use super::{Plan, ReadOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Instant, Status, StatusCategory, StatusMap, Ticket};
use chrono::Duration;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt;
use std::str::FromStr;

/// A helpdesk export layout the readers know.
///
/// # Example
/// ```
/// use supportkpi::io::Preset;
/// assert_eq!("ServiceNow".parse::<Preset>()?, Preset::ServiceNow);
/// assert_eq!("zendesk".parse::<Preset>()?.to_string(), "zendesk");
/// assert!("kayako".parse::<Preset>().is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The ServiceNow incident event log ([`servicenow`]).
    ServiceNow,
    /// The Zendesk Support ticket CSV export ([`zendesk`]).
    Zendesk,
    /// The Freshdesk ticket export ([`freshdesk`]).
    Freshdesk,
    /// The Zendesk API's ticket JSON with its metric sets, and its satisfaction ratings
    /// ([`zendesk_json`]).
    #[serde(rename = "zendesk-json", alias = "zendesk_json")]
    ZendeskJson,
    /// The Freshdesk API's ticket JSON with `stats`, and its satisfaction ratings
    /// ([`freshdesk_json`]).
    #[serde(rename = "freshdesk-json", alias = "freshdesk_json")]
    FreshdeskJson,
    /// Intercom conversations (API JSON) and their ratings ([`intercom`]).
    Intercom,
    /// Jira Service Management's issue CSV export ([`jira`]).
    Jira,
    /// HubSpot Service Hub's ticket CSV export ([`hubspot`]).
    Hubspot,
    /// Help Scout conversations (Mailbox API 2.0 JSON) and happiness ratings ([`helpscout`]).
    #[serde(rename = "helpscout", alias = "help-scout", alias = "help_scout")]
    HelpScout,
    /// Zammad tickets (REST API JSON) with their articles and history ([`zammad`]).
    Zammad,
    /// Chatwoot conversations (API JSON) and CSAT survey responses ([`chatwoot`]).
    Chatwoot,
}

impl Preset {
    /// Every preset: the one list the doors (CLI, Python, C) offer and auto-detection tries.
    pub const ALL: [Preset; 11] = [
        Preset::ServiceNow,
        Preset::Zendesk,
        Preset::Freshdesk,
        Preset::ZendeskJson,
        Preset::FreshdeskJson,
        Preset::Intercom,
        Preset::Jira,
        Preset::Hubspot,
        Preset::HelpScout,
        Preset::Zammad,
        Preset::Chatwoot,
    ];

    /// The preset's name, as `FromStr` accepts it.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::ServiceNow => "servicenow",
            Preset::Zendesk => "zendesk",
            Preset::Freshdesk => "freshdesk",
            Preset::ZendeskJson => "zendesk-json",
            Preset::FreshdeskJson => "freshdesk-json",
            Preset::Intercom => "intercom",
            Preset::Jira => "jira",
            Preset::Hubspot => "hubspot",
            Preset::HelpScout => "helpscout",
            Preset::Zammad => "zammad",
            Preset::Chatwoot => "chatwoot",
        }
    }

    /// Whether the preset reads a JSON API document (read by [`crate::io::load`] or the
    /// preset module's reader) rather than CSV rows.
    pub fn is_document(self) -> bool {
        matches!(
            self,
            Preset::ZendeskJson
                | Preset::FreshdeskJson
                | Preset::Intercom
                | Preset::HelpScout
                | Preset::Zammad
                | Preset::Chatwoot
        )
    }

    /// The canonical ticket fields the preset fills (when the export carries them), for
    /// `supportkpi presets` and the docs.
    pub fn fills(self) -> &'static [&'static str] {
        // A summary export that carries every canonical ticket column fills them all.
        const SUMMARY: &[&str] = super::records::TICKET.keys;
        match self {
            // From the event log: every field the derivation gives, except replies (the log
            // has none).
            Preset::ServiceNow => &[
                "id",
                "customer_id",
                "created_at",
                "first_resolved_at",
                "resolved_at",
                "status",
                "channel",
                "priority",
                "team",
                "assignee",
                "reopens",
            ],
            Preset::Zendesk | Preset::ZendeskJson | Preset::Intercom => SUMMARY,
            // No first response, replies or reopens in the export.
            Preset::Jira | Preset::Hubspot => CREATED_RESOLVED_SCHEMA.keys,
            // No replies (they are in the conversations), no first resolution.
            Preset::FreshdeskJson => &[
                "id",
                "customer_id",
                "created_at",
                "first_response_at",
                "resolved_at",
                "status",
                "channel",
                "priority",
                "team",
                "assignee",
                "reopens",
            ],
            // No priority in Help Scout; the rest with the threads embedded.
            Preset::HelpScout => &[
                "id",
                "customer_id",
                "created_at",
                "first_response_at",
                "first_resolved_at",
                "resolved_at",
                "status",
                "channel",
                "team",
                "assignee",
                "agent_replies",
                "reopens",
            ],
            Preset::Zammad => SUMMARY,
            // No resolution, replies or reopens on a conversation (its messages have them).
            Preset::Chatwoot => &[
                "id",
                "customer_id",
                "created_at",
                "first_response_at",
                "status",
                "channel",
                "priority",
                "team",
                "assignee",
            ],
            // No reopen count, no first resolution in the export.
            Preset::Freshdesk => &[
                "id",
                "customer_id",
                "created_at",
                "first_response_at",
                "resolved_at",
                "status",
                "channel",
                "priority",
                "team",
                "assignee",
                "agent_replies",
            ],
        }
    }

    /// What the preset reads, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Preset::ServiceNow => "ServiceNow incident event log (CSV), read into ticket histories",
            Preset::Zendesk => "Zendesk Support ticket export (CSV)",
            Preset::Freshdesk => "Freshdesk ticket export (CSV)",
            Preset::ZendeskJson => {
                "Zendesk API ticket JSON with metric_sets (tickets); ticket audits JSON (events); satisfaction ratings JSON (surveys)"
            }
            Preset::FreshdeskJson => {
                "Freshdesk API ticket JSON with stats (tickets); satisfaction ratings JSON (surveys)"
            }
            Preset::Jira => "Jira Service Management issue export (CSV)",
            Preset::Hubspot => {
                "HubSpot Service Hub ticket export (CSV), pipeline stages as statuses"
            }
            Preset::Intercom => {
                "Intercom conversations JSON with statistics and parts (tickets; the same file as surveys gives conversation_rating)"
            }
            Preset::HelpScout => {
                "Help Scout Mailbox API 2.0 conversations JSON with threads (tickets, events); happiness ratings report JSON (surveys)"
            }
            Preset::Zammad => "Zammad tickets API JSON with articles and history (tickets, events)",
            Preset::Chatwoot => {
                "Chatwoot conversations API JSON with messages (tickets, events); CSAT survey responses JSON (surveys)"
            }
        }
    }

    /// The status vocabulary of the preset's helpdesk.
    ///
    /// # Example
    /// ```
    /// use supportkpi::io::Preset;
    /// use supportkpi::model::Status;
    /// assert_eq!(Preset::Freshdesk.status_map().get("Waiting on Customer"), Some(Status::Pending));
    /// ```
    pub fn status_map(self) -> StatusMap {
        match self {
            Preset::ServiceNow => StatusMap::servicenow(),
            Preset::Zendesk => zendesk::status_map(),
            Preset::Freshdesk => freshdesk::status_map(),
            Preset::ZendeskJson => zendesk::status_map(),
            Preset::FreshdeskJson => freshdesk_json::status_map(),
            Preset::Intercom => intercom::status_map(),
            Preset::Jira => jira::status_map(),
            Preset::Hubspot => hubspot::status_map(),
            Preset::HelpScout => helpscout::status_map(),
            Preset::Zammad => zammad::status_map(),
            Preset::Chatwoot => chatwoot::status_map(),
        }
    }

    /// Whether the preset reads an event log (its tickets are derived from the events, from
    /// the `events` input or else the `tickets` one) rather than summary tickets.
    ///
    /// # Example
    /// ```
    /// use supportkpi::io::Preset;
    /// assert!(Preset::ServiceNow.reads_event_log());
    /// assert!(!Preset::Zendesk.reads_event_log());
    /// ```
    pub fn reads_event_log(self) -> bool {
        match self {
            Preset::ServiceNow => true,
            Preset::Zendesk
            | Preset::Freshdesk
            | Preset::ZendeskJson
            | Preset::FreshdeskJson
            | Preset::Intercom
            | Preset::Jira
            | Preset::Hubspot
            | Preset::HelpScout
            | Preset::Zammad
            | Preset::Chatwoot => false,
        }
    }

    /// The timestamp pattern the preset's export writes, when it is not an automatic one.
    #[cfg(feature = "arrow")]
    pub(crate) fn default_timestamp_pattern(self) -> Option<&'static str> {
        match self {
            Preset::ServiceNow => Some(servicenow::TIMESTAMP_PATTERN),
            // The same default `ticket_plan` gives the CSV reader.
            Preset::Jira => Some(jira::TIMESTAMP_PATTERN),
            Preset::Zendesk
            | Preset::Freshdesk
            | Preset::ZendeskJson
            | Preset::FreshdeskJson
            | Preset::Intercom
            | Preset::Hubspot
            | Preset::HelpScout
            | Preset::Zammad
            | Preset::Chatwoot => None,
        }
    }

    /// What the preset reads, for error messages.
    pub(crate) fn reads(self) -> &'static str {
        match self {
            Preset::ServiceNow => "it is an event log: read it with io::read_servicenow",
            Preset::Zendesk | Preset::Freshdesk | Preset::Jira | Preset::Hubspot => {
                "it reads tickets"
            }
            Preset::ZendeskJson
            | Preset::FreshdeskJson
            | Preset::Intercom
            | Preset::HelpScout
            | Preset::Zammad
            | Preset::Chatwoot => {
                "it reads a JSON document: read it with io::load or presets::read_document_tickets"
            }
        }
    }

    /// The columns of this preset's tabular export that hold the ticket id: what the readers
    /// take as `id` (ServiceNow's `number`; `Id`, `Ticket ID`, `Issue key`, … of the CSV
    /// presets, matched without regard to case) and the canonical `id`. Empty for the JSON
    /// document presets, which have no columns. The distributed engines bucket rows by it.
    ///
    /// ```
    /// use supportkpi::io::Preset;
    /// assert_eq!(Preset::ServiceNow.ticket_id_columns(), ["number"]);
    /// assert!(Preset::Zendesk.ticket_id_columns().contains(&"Id".to_owned()));
    /// assert!(Preset::Intercom.ticket_id_columns().is_empty());
    /// ```
    pub fn ticket_id_columns(self) -> Vec<String> {
        let mapping = match self {
            Preset::ServiceNow => return vec!["number".to_owned()],
            Preset::Zendesk => zendesk::mapping(),
            Preset::Freshdesk => freshdesk::mapping(),
            Preset::Jira => jira::mapping(),
            Preset::Hubspot => hubspot::mapping(),
            Preset::ZendeskJson
            | Preset::FreshdeskJson
            | Preset::Intercom
            | Preset::HelpScout
            | Preset::Zammad
            | Preset::Chatwoot => return Vec::new(),
        };
        let mut columns = mapping.sources_of("id");
        columns.push("id".to_owned());
        columns
    }

    pub(crate) fn ticket_plan(self, options: &ReadOptions) -> Result<Plan<Ticket>> {
        let (schema, parse, mapping) = match self {
            Preset::Zendesk => (
                zendesk::SCHEMA,
                rules::zendesk_ticket as _,
                zendesk::mapping(),
            ),
            Preset::Freshdesk => (
                freshdesk::SCHEMA,
                rules::freshdesk_ticket as _,
                freshdesk::mapping(),
            ),
            Preset::Jira => (
                jira::SCHEMA,
                rules::resolved_when_resolved_ticket as _,
                jira::mapping(),
            ),
            Preset::Hubspot => (
                hubspot::SCHEMA,
                rules::resolved_when_resolved_ticket as _,
                hubspot::mapping(),
            ),
            Preset::ServiceNow
            | Preset::ZendeskJson
            | Preset::FreshdeskJson
            | Preset::Intercom
            | Preset::HelpScout
            | Preset::Zammad
            | Preset::Chatwoot => {
                return Err(Error::new(
                    ErrorKind::InvalidOption,
                    format!(
                        "the {self} preset does not read ticket records ({})",
                        self.reads()
                    ),
                )
                .with_field("preset")
                .with_value(self));
            }
        };
        let mut options = match self {
            Preset::Jira => options.with_default_pattern(jira::TIMESTAMP_PATTERN),
            _ => options.clone(),
        };
        options.status_map.get_or_insert_with(|| self.status_map());
        Ok(Plan {
            schema,
            parse,
            mapping: options.mapping.layered_over(&mapping),
            options,
            currency_of: None,
        })
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Preset {
    type Err = Error;

    /// `servicenow` (also `service_now`, `service-now`), `zendesk`, `freshdesk` or
    /// `zendesk-json` (also `zendesk_json`, `zendesk-api`), `freshdesk-json` (also
    /// `freshdesk_json`, `freshdesk-api`), `intercom`, `jira` (also `jsm`), `hubspot`,
    /// `helpscout` (also `help-scout`), `zammad` or `chatwoot`, any case.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for any other name.
    fn from_str(s: &str) -> Result<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "servicenow" => Ok(Preset::ServiceNow),
            "zendesk" => Ok(Preset::Zendesk),
            "freshdesk" => Ok(Preset::Freshdesk),
            "zendeskjson" | "zendeskapi" => Ok(Preset::ZendeskJson),
            "freshdeskjson" | "freshdeskapi" => Ok(Preset::FreshdeskJson),
            "intercom" => Ok(Preset::Intercom),
            "jira" | "jiraservicemanagement" | "jsm" => Ok(Preset::Jira),
            "hubspot" => Ok(Preset::Hubspot),
            "helpscout" => Ok(Preset::HelpScout),
            "zammad" => Ok(Preset::Zammad),
            "chatwoot" => Ok(Preset::Chatwoot),
            _ => Err(Error::new(
                ErrorKind::InvalidOption,
                format!(
                    "expected one of {}",
                    Preset::ALL.map(Preset::as_str).join(", ")
                ),
            )
            .with_field("preset")
            .with_value(s)),
        }
    }
}

/// Reads a JSON API preset's tickets document (see [`Preset::is_document`]): the doors call
/// this one function for every such preset.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] for a preset that reads CSV rows; the preset reader's errors.
///
/// # Example
/// ```
/// use supportkpi::io::{presets::read_document_tickets, Preset, ReadOptions};
/// let doc = r#"[{"id": 7, "created_at": "2021-06-01T09:00:00Z", "status": "open"}]"#;
/// let out = read_document_tickets(Preset::ZendeskJson, doc.as_bytes(), &ReadOptions::new())?;
/// assert_eq!(out.records[0].id().as_str(), "7");
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_document_tickets(
    preset: Preset,
    input: impl std::io::Read,
    options: &ReadOptions,
) -> Result<super::ReadOutcome<Ticket>> {
    match preset {
        Preset::ZendeskJson => zendesk_json::read_zendesk_json(input, options),
        Preset::FreshdeskJson => freshdesk_json::read_freshdesk_json(input, options),
        Preset::Intercom => intercom::read_intercom(input, options),
        Preset::HelpScout => helpscout::read_helpscout(input, options),
        Preset::Zammad => zammad::read_zammad(input, options),
        Preset::Chatwoot => chatwoot::read_chatwoot(input, options),
        other => Err(Error::new(ErrorKind::InvalidOption, "a JSON API preset")
            .with_field("preset")
            .with_value(other)),
    }
}

/// Reads a JSON API preset's survey document (its satisfaction ratings).
///
/// # Errors
/// As [`read_document_tickets`].
pub fn read_document_surveys(
    preset: Preset,
    input: impl std::io::Read,
    options: &ReadOptions,
) -> Result<super::ReadOutcome<crate::model::SurveyResponse>> {
    match preset {
        Preset::ZendeskJson => zendesk_json::read_zendesk_ratings(input, options),
        Preset::FreshdeskJson => freshdesk_json::read_freshdesk_ratings(input, options),
        Preset::Intercom => intercom::read_intercom_ratings(input, options),
        Preset::HelpScout => helpscout::read_helpscout_ratings(input, options),
        Preset::Chatwoot => chatwoot::read_chatwoot_csat(input, options),
        other => Err(Error::new(
            ErrorKind::InvalidOption,
            "a JSON API preset with a survey export (zendesk-json, freshdesk-json, intercom, helpscout, chatwoot)",
        )
        .with_field("preset")
        .with_value(other)),
    }
}

/// Whether the preset reads an event log from its JSON document (see
/// [`read_document_events`]).
pub fn has_document_events(preset: Preset) -> bool {
    matches!(
        preset,
        Preset::ZendeskJson
            | Preset::Intercom
            | Preset::HelpScout
            | Preset::Zammad
            | Preset::Chatwoot
    )
}

/// Reads a JSON API preset's document into its event log (Zendesk's ticket audits, Intercom's
/// conversation parts, Help Scout's threads, Zammad's articles and history, Chatwoot's
/// messages), one list of events per ticket.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] for a preset without one ([`has_document_events`]); the
/// preset reader's errors.
pub fn read_document_events(
    preset: Preset,
    input: impl std::io::Read,
    options: &ReadOptions,
) -> Result<super::ReadOutcome<Vec<crate::model::TicketEvent>>> {
    read_document_events_at(preset, input, options).map(json::without_positions)
}

/// [`read_document_events`], each ticket's events with the position of its (first) record:
/// the line [`read_document_histories`] rejects a ticket at.
fn read_document_events_at(
    preset: Preset,
    input: impl std::io::Read,
    options: &ReadOptions,
) -> Result<super::ReadOutcome<(u64, Vec<crate::model::TicketEvent>)>> {
    match preset {
        Preset::ZendeskJson => zendesk_audits::read_zendesk_audits_at(input, options),
        Preset::Intercom => intercom::read_intercom_events_at(input, options),
        Preset::HelpScout => helpscout::read_helpscout_events_at(input, options),
        Preset::Zammad => zammad::read_zammad_events_at(input, options),
        Preset::Chatwoot => chatwoot::read_chatwoot_events_at(input, options),
        other => Err(Error::new(
            ErrorKind::InvalidOption,
            "a JSON API preset with an event log (zendesk-json, intercom, helpscout, zammad, chatwoot)",
        )
        .with_field("preset")
        .with_value(other)),
    }
}

/// The columns of a ticket export that gives the creation and closing instants but no
/// response or reopen data (Jira's and HubSpot's CSV exports): one schema for both.
pub(crate) const CREATED_RESOLVED_SCHEMA: Schema = Schema {
    record_type: "ticket",
    keys: &[
        "id",
        "customer_id",
        "created_at",
        "resolved_at",
        "status",
        "channel",
        "priority",
        "assignee",
    ],
    required: &["id", "created_at"],
    id_key: Some("id"),
};

/// Reads a JSON API preset's event log ([`read_document_events`]) and derives each ticket's
/// history with the preset's status vocabulary (or the options' status map) and the options'
/// event order: what [`load`](crate::io::load) does with such a file given as `events`, for
/// the doors that read one file at a time. A ticket whose derivation fails is rejected in
/// lenient mode at its record's position (for an event log spread over several records, as
/// Zendesk's audits are, its first record's), the line every other reject of the file names,
/// so accepted + rejected = read tickets.
///
/// # Errors
/// As [`read_document_events`]; in strict mode the first ticket's derivation error, at its
/// record's position as above.
///
/// # Example
/// ```
/// use supportkpi::io::{presets::read_document_histories, Preset, ReadOptions};
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/helpscout_conversations.json");
/// let file = std::fs::File::open(path)?;
/// let out = read_document_histories(Preset::HelpScout, file, &ReadOptions::new())?;
/// assert_eq!((out.read, out.records.len()), (6, 6));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_document_histories(
    preset: Preset,
    input: impl std::io::Read,
    options: &ReadOptions,
) -> Result<super::ReadOutcome<crate::model::TicketHistory>> {
    use crate::model::{DeriveOptions, derive_histories, derive_histories_lenient};
    let super::ReadOutcome {
        records: lists,
        mut rejected,
        read,
    } = read_document_events_at(preset, input, options)?;
    let map = options
        .status_map
        .clone()
        .unwrap_or_else(|| preset.status_map());
    let derive = DeriveOptions::new().order(options.event_order.unwrap_or_default());
    // Each ticket's position: that of the first record holding one of its events (every
    // ticket derived has one, as its events come from records).
    let mut first: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for (position, events) in &lists {
        for e in events {
            let at = first.entry(e.ticket_id.as_str()).or_insert(*position);
            *at = (*at).min(*position);
        }
    }
    let at_its_record = |error: Error, id: &str| match first.get(id) {
        Some(&line) => (line, error.with_line(line)),
        None => (0, error),
    };
    let events = lists.iter().flat_map(|(_, events)| events.iter().cloned());
    let records = match options.error_mode() {
        super::ErrorMode::Strict => derive_histories(events, &map, derive).map_err(|e| match e
            .record()
            .and_then(|r| r.id.clone())
        {
            Some(id) => at_its_record(e, &id).1,
            None => e,
        })?,
        super::ErrorMode::Lenient => {
            let (histories, failed) = derive_histories_lenient(events, &map, derive);
            rejected.extend(failed.into_iter().map(|(id, error)| {
                let (line, error) = at_its_record(error, id.as_str());
                super::Rejected { line, error }
            }));
            // In input order, as every reader's rejects are.
            rejected.sort_by_key(|r| r.line);
            histories
        }
    };
    Ok(super::ReadOutcome {
        records,
        rejected,
        read,
    })
}

/// Jira's and HubSpot's summary ticket, after the fields every layout reads
/// ([`rules::start`](crate::io::rules::start)): the status, then the resolution, kept only
/// when the status is resolved.
pub(crate) fn resolved_when_resolved<C: Cells>(
    c: &mut C,
    s: &mut Summary<C::Text, C::At>,
) -> std::result::Result<(), C::Fail> {
    let status = c.status()?;
    s.status = status;
    if let (Some(at), true) = (
        c.instant(Key::ResolvedAt)?,
        resolved_only_if_resolved(status),
    ) {
        s.resolved = Some(at);
    }
    Ok(())
}

/// `created` plus a duration in minutes, as the Zendesk preset reads its
/// `… time in minutes` columns: whole seconds, rounded half away from zero. Shared with the
/// column readers (CSV's quick path, Arrow's), so every reader reads a duration alike.
///
/// # Errors
/// [`ErrorKind::NegativeDuration`] for a negative duration, [`ErrorKind::InvalidValue`] for one
/// over 100 years; each names the value (the caller adds the field).
pub(crate) fn minutes_after(created: Instant, minutes: Decimal) -> Result<Instant> {
    if minutes.is_sign_negative() && !minutes.is_zero() {
        return Err(Error::new(
            ErrorKind::NegativeDuration,
            "a duration since creation is not negative",
        )
        .with_value(minutes));
    }
    let seconds = minutes
        .checked_mul(Decimal::from(60))
        .map(|s| s.round())
        .and_then(|s| s.to_i64())
        .filter(|s| *s <= 100 * 366 * 86_400)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidValue,
                "a duration in minutes of at most 100 years",
            )
            .with_value(minutes)
        })?;
    created
        .checked_add_signed(Duration::seconds(seconds))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidValue,
                "a duration in minutes that ends within the range of instants",
            )
            .with_value(minutes)
        })
}

/// Whether an export's resolution instants are kept for a ticket of this status: only for a
/// ticket that ends resolved (or whose status is unknown), as the event-log derivation does —
/// an export's "solved at" of a ticket reopened since is a past resolution. Shared with the
/// column readers, as [`minutes_after`].
pub(crate) fn resolved_only_if_resolved(status: Option<Status>) -> bool {
    status.is_none_or(|s| s.category() == StatusCategory::Resolved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn every_filled_field_is_a_canonical_ticket_column() {
        for preset in Preset::ALL {
            for field in preset.fills() {
                assert!(
                    super::super::records::TICKET.keys.contains(field),
                    "{preset}: {field} is not a canonical ticket column"
                );
            }
        }
    }

    #[test]
    fn minutes_after_rounds_to_seconds_and_refuses_negatives() {
        let t0 = Utc.with_ymd_and_hms(2021, 6, 1, 9, 0, 0).unwrap();
        let at = minutes_after(t0, Decimal::new(455, 1)).unwrap(); // 45.5 minutes
        assert_eq!((at - t0).num_seconds(), 45 * 60 + 30);
        let e = minutes_after(t0, Decimal::new(-1, 0)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NegativeDuration);
        assert!(minutes_after(t0, Decimal::ZERO).is_ok());
    }

    #[test]
    fn resolutions_are_kept_only_for_resolved_or_unknown_statuses() {
        assert!(resolved_only_if_resolved(Some(Status::Closed)));
        assert!(resolved_only_if_resolved(None));
        assert!(!resolved_only_if_resolved(Some(Status::Open)));
    }
}
