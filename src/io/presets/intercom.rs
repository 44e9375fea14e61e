//! Intercom conversations, as the REST API returns them (`GET /conversations/{id}` with its
//! `statistics` and `conversation_parts`, or `POST /conversations/search` pages): summary
//! tickets from each conversation's `statistics`, the conversation parts as the event log, and
//! `conversation_rating` (1–5) as CSAT.
//!
//! As Intercom documents them: [The conversation
//! model](https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/conversation)
//! (`id`, `created_at` as Unix seconds, `state` `open` / `closed` / `snoozed`, `priority`,
//! `admin_assignee_id`, `team_assignee_id`, `source` with its `type`, `delivered_as` and
//! `author`, `contacts`, `conversation_rating` with `rating` 1–5 and `created_at`,
//! `statistics` with `first_admin_reply_at`, `first_close_at`, `last_close_at`,
//! `count_reopens`, …, and `conversation_parts` with each part's `part_type`, `author.type`
//! and `created_at`).
//!
//! The file is read as a stream of JSON documents: one conversation, an array of them, a page
//! object with `conversations`, or JSON Lines; a later record of an id replaces the earlier.
//!
//! | Intercom field | field |
//! |---|---|
//! | `id` | `id` (required) |
//! | `contacts.contacts[0].id` | `customer_id` |
//! | `created_at` | `created_at` (required) |
//! | `statistics.first_admin_reply_at` | `first_response_at` |
//! | `statistics.first_close_at` | `first_resolved_at`, for a conversation that ends closed |
//! | `statistics.last_close_at` | `resolved_at`, for a conversation that ends closed |
//! | `state` | `status`: `open` → open, `snoozed` → pending, `closed` → closed; another is [`ErrorKind::UnmappedStatus`] |
//! | `priority` | `priority` (`priority`, `not_priority`) |
//! | `source.type` | `channel` (`conversation`, `email`, `push`, …) |
//! | `team_assignee_id` | `team` |
//! | `admin_assignee_id` (0 or null: unassigned) | `assignee` |
//! | `comment` parts by an admin | `agent_replies` (when the parts are included; else unknown) |
//! | `statistics.count_reopens` | `reopens` (no statistics: unknown) |
//!
//! Event log ([`read_intercom_events`]): `Created` at `created_at` and a change to `open`
//! there (a conversation is open from its start); the source message is a
//! reply at creation by its author (an admin's opens the conversation: the first response is
//! the next admin reply, as the derivation rules say); each part: `comment` → a public reply
//! by its author (`admin` → agent, `user` / `lead` / `contact` → customer, `bot` → bot),
//! `note` → a private agent note, `close` / `open` / `snoozed` → a status change,
//! `assignment` with `assigned_to` → an assignment; other part types (attributes, tags…)
//! change nothing. Histories derived from it give the same first response, resolutions and
//! reopens as the statistics (the tests check the sample).
//!
//! Ratings ([`read_intercom_ratings`]): a conversation's `conversation_rating.rating` (1–5)
//! at its `created_at` → a CSAT response with id `<conversation id>-rating`; a conversation
//! without a rating gives none.

use super::json::{
    Record, documents, latest_per_id, read_each, read_each_at, records, short, without_positions,
};
use crate::error::{Error, ErrorKind, Result};
use crate::io::{ReadOptions, ReadOutcome};
use crate::model::{
    Author, EventKind, Status, StatusCategory, StatusMap, SurveyKind, SurveyResponse, Ticket,
    TicketEvent,
};
use serde_json::Value;
use std::io::Read;

/// Intercom's conversation states: `open`, `snoozed` → pending, `closed`.
pub(crate) fn status_map() -> StatusMap {
    StatusMap::new()
        .with("open", Status::Open)
        .with("snoozed", Status::Pending)
        .with("closed", Status::Closed)
}

fn conversations(input: impl Read) -> Result<Vec<(u64, Value)>> {
    let (items, _) = records(documents(input)?, "conversations", &[])?;
    Ok(latest_per_id(items))
}

/// Reads Intercom conversations into summary tickets (see the [module docs](self)).
///
/// # Errors
/// As [`read_zendesk_json`](super::zendesk_json::read_zendesk_json).
///
/// # Example
/// ```
/// use supportkpi::io::presets::intercom::read_intercom;
/// use supportkpi::io::ReadOptions;
/// let doc = r#"{"type": "conversation", "id": "7", "created_at": 1622538000, "state": "closed",
///   "statistics": {"first_admin_reply_at": 1622538600, "first_close_at": 1622541600,
///   "last_close_at": 1622541600, "count_reopens": 0}}"#;
/// let t = &read_intercom(doc.as_bytes(), &ReadOptions::new())?.records[0];
/// assert_eq!((t.first_response_seconds(), t.resolution_seconds()), (Some(600), Some(3600)));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_intercom(input: impl Read, options: &ReadOptions) -> Result<ReadOutcome<Ticket>> {
    let items = conversations(input)?;
    let map = options.status_map.clone().unwrap_or_else(status_map);
    read_each(&items, options, "ticket", |r| ticket(r, &map, options))
}

/// Reads Intercom conversations' parts into an event log (see the [module docs](self)).
///
/// # Errors
/// As [`read_intercom`]; a bad part is its conversation's error (record `event`).
pub fn read_intercom_events(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<Vec<TicketEvent>>> {
    read_intercom_events_at(input, options).map(without_positions)
}

/// [`read_intercom_events`], each ticket's events with its record's position.
pub(crate) fn read_intercom_events_at(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<(u64, Vec<TicketEvent>)>> {
    let items = conversations(input)?;
    read_each_at(&items, options, "event", |r| events(r, options))
}

/// Reads the conversations' ratings into CSAT responses (see the [module docs](self)).
///
/// # Errors
/// As [`read_intercom`], for ratings (record `survey_response`): a rating outside 1–5 is
/// [`ErrorKind::ScoreOutOfScale`].
pub fn read_intercom_ratings(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<SurveyResponse>> {
    let items: Vec<(u64, Value)> = conversations(input)?
        .into_iter()
        .filter(|(_, v)| v.get("conversation_rating").is_some_and(|r| !r.is_null()))
        .collect();
    read_each(&items, options, "survey_response", |r| rating(r, options))
}

fn ticket(record: &Record<'_>, map: &StatusMap, options: &ReadOptions) -> Result<Ticket> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["created_at"], options)?;
    let mut b = Ticket::builder(id, created);
    let status = match record.text(&["state"])? {
        Some(s) => Some(map.resolve(&s).map_err(|e| e.with_field("state"))?),
        None => None,
    };
    if let Some(s) = status {
        b = b.status(s);
    }
    if let Some(contact) = record
        .get(&["contacts", "contacts"])
        .and_then(Value::as_array)
        .and_then(|c| c.first())
    {
        if let Some(v) = Record::new(contact)?.text(&["id"])? {
            b = b.customer_id(v);
        }
    }
    if let Some(v) = record.text(&["priority"])? {
        b = b.priority(v);
    }
    if let Some(v) = record.text(&["source", "type"])? {
        b = b.channel(v);
    }
    if let Some(v) = record.text(&["team_assignee_id"])? {
        b = b.team(v);
    }
    if let Some(v) = record.text(&["admin_assignee_id"])?.filter(|v| v != "0") {
        b = b.assignee(v);
    }
    if let Some(parts) = record
        .get(&["conversation_parts", "conversation_parts"])
        .and_then(Value::as_array)
    {
        let admin_comments = parts
            .iter()
            .filter(|p| {
                p.get("part_type").and_then(Value::as_str) == Some("comment")
                    && p.pointer("/author/type").and_then(Value::as_str) == Some("admin")
            })
            .count();
        b = b.agent_replies(u32::try_from(admin_comments).unwrap_or(u32::MAX));
    }
    if record.get(&["statistics"]).is_some() {
        if let Some(at) = record.instant(&["statistics", "first_admin_reply_at"], options)? {
            b = b.first_response_at(at);
        }
        if let Some(n) = record.count(&["statistics", "count_reopens"])? {
            b = b.reopens(n);
        }
        let ends_resolved = status.is_none_or(|s| s.category() == StatusCategory::Resolved);
        if ends_resolved {
            if let Some(last) = record.instant(&["statistics", "last_close_at"], options)? {
                b = b.resolved_at(last);
                if let Some(first) = record.instant(&["statistics", "first_close_at"], options)? {
                    b = b.first_resolved_at(first.min(last));
                }
            }
        }
    }
    b.build()
}

fn author(kind: Option<&str>) -> Author {
    match kind {
        Some("admin") => Author::Agent,
        Some("bot") => Author::Bot,
        Some("user" | "lead" | "contact") => Author::Customer,
        _ => Author::System,
    }
}

fn events(record: &Record<'_>, options: &ReadOptions) -> Result<Vec<TicketEvent>> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["created_at"], options)?;
    // A conversation is open from its creation (Intercom has no "new" state).
    let mut out = vec![
        TicketEvent::new(id.as_str(), created, EventKind::Created),
        TicketEvent::new(
            id.as_str(),
            created,
            EventKind::StatusChange { to: "open".into() },
        ),
    ];
    if record.get(&["source"]).is_some() {
        let by = author(
            record
                .get(&["source", "author", "type"])
                .and_then(Value::as_str),
        );
        out.push(TicketEvent::new(
            id.as_str(),
            created,
            EventKind::Reply {
                author: by,
                public: true,
            },
        ));
    }
    let parts = record
        .get(&["conversation_parts", "conversation_parts"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, part) in parts.iter().enumerate() {
        let p = Record::new(part).map_err(|e| e.with_field(format!("conversation_parts[{i}]")))?;
        let field = |e: Error| {
            let f = e.field().unwrap_or_default().to_owned();
            e.with_field(format!("conversation_parts[{i}].{f}"))
        };
        let at = p
            .required_instant(&["created_at"], options)
            .map_err(field)?;
        let kind = match p.text(&["part_type"]).map_err(field)?.as_deref() {
            Some("comment") => EventKind::Reply {
                author: author(p.get(&["author", "type"]).and_then(Value::as_str)),
                public: true,
            },
            Some("note") => EventKind::Reply {
                author: Author::Agent,
                public: false,
            },
            Some(state @ ("close" | "open" | "snoozed")) => EventKind::StatusChange {
                to: if state == "close" { "closed" } else { state }.to_owned(),
            },
            Some("assignment") => match p.text(&["assigned_to", "id"]).map_err(field)? {
                Some(to) => EventKind::Assigned { to },
                None => continue,
            },
            _ => continue,
        };
        out.push(TicketEvent::new(id.as_str(), at, kind));
    }
    Ok(out)
}

fn rating(record: &Record<'_>, options: &ReadOptions) -> Result<SurveyResponse> {
    let id = record.required_text(&["id"])?;
    let at = record.required_instant(&["conversation_rating", "created_at"], options)?;
    let value = record
        .get(&["conversation_rating", "rating"])
        .ok_or_else(|| {
            Error::new(ErrorKind::MissingField, "a rating").with_field("conversation_rating.rating")
        })?;
    let score = value
        .as_i64()
        .filter(|n| (1..=5).contains(n))
        .ok_or_else(|| {
            Error::new(ErrorKind::ScoreOutOfScale, "an Intercom rating is 1-5")
                .with_field("conversation_rating.rating")
                .with_value(short(value))
        })?;
    let mut s = SurveyResponse::new(format!("{id}-rating"), at, SurveyKind::Csat, score as i32)?
        .with_ticket(id);
    if let Some(c) = record.text(&["conversation_rating", "contact", "id"])? {
        s = s.with_customer(c);
    }
    Ok(s)
}
