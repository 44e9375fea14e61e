//! Chatwoot conversations, as its application API returns them (`GET
//! /api/v1/accounts/{account_id}/conversations`, or one conversation): summary tickets from
//! each conversation's fields, its messages as the event log, and the CSAT survey responses
//! (`GET /api/v1/accounts/{account_id}/csat_survey_responses`) as CSAT.
//!
//! As Chatwoot documents them: [Conversations](https://developers.chatwoot.com/api-reference/conversations/conversations-list)
//! (`id` the display id, `created_at` and `first_reply_created_at` as Unix seconds — `0` when
//! there is no reply yet, as Chatwoot's serializer writes a missing instant — `status` `open` /
//! `resolved` / `pending` / `snoozed`, `priority` `urgent` / `high` / `medium` / `low` or null,
//! `meta.sender`, `meta.channel`, `meta.assignee`, `meta.team`), [Messages](https://developers.chatwoot.com/api-reference/messages/get-messages)
//! (`payload` of messages with `created_at` in Unix seconds, `message_type` 0 incoming / 1
//! outgoing / 2 activity / 3 template, `private`, `sender_type` `Contact` / `User` /
//! `AgentBot`, and on a status change's activity message `content_attributes.activity.status`)
//! and [CSAT survey responses](https://developers.chatwoot.com/api-reference/reports/list-csat-survey-responses)
//! (`id`, `rating` 1–5, `conversation_id`, `contact.id`, `created_at` in Unix seconds).
//!
//! A list page (`{"data": {"meta": {...}, "payload": [...]}}`) carries only each
//! conversation's last message; the messages endpoint returns them all: a paging script
//! writes that endpoint's `payload` into the conversation as `messages`, which the event log
//! reads. The file is read as a stream of JSON documents: list pages, one conversation, an
//! array of them, or JSON Lines; a later record of an id replaces the earlier.
//!
//! | Chatwoot field | field |
//! |---|---|
//! | `id` | `id` (required) |
//! | `meta.sender.id` | `customer_id` |
//! | `created_at` | `created_at` (required) |
//! | `first_reply_created_at` (0: none) | `first_response_at` |
//! | `status` | `status`: `open` → open, `pending` → pending, `snoozed` → pending, `resolved` → solved; another is [`ErrorKind::UnmappedStatus`] |
//! | `priority` | `priority` |
//! | `meta.channel` | `channel` (`Channel::WebWidget`, `Channel::Email`, …) |
//! | `meta.team.name` | `team` |
//! | `meta.assignee.id` | `assignee` |
//! | — | resolution instants, replies and reopens: the conversation does not carry them (the event log does) |
//!
//! Event log ([`read_chatwoot_events`]): `Created` and a change to `open` at `created_at`;
//! each message: incoming → a public customer reply; outgoing → a reply by its `sender_type`
//! (`User` → agent, `AgentBot` / `Captain::Assistant` → bot, none → system), private when
//! `private`; template → a public bot message; an activity with
//! `content_attributes.activity.status` → a change to that status (Chatwoot versions that do
//! not tag their activity messages give no status changes: their text is localised). The
//! tests check that the derived first response is Chatwoot's `first_reply_created_at`.
//!
//! CSAT ([`read_chatwoot_csat`]): each response → a CSAT response on 1–5 with its `id`, for
//! the conversation `conversation_id`, customer `contact.id`.

use super::json::{
    Record, documents, latest_per_id, positioned, read_each, read_each_at, records, short,
    unwrap_envelope, without_positions,
};
use crate::error::{Error, ErrorKind, Result};
use crate::io::{ReadOptions, ReadOutcome};
use crate::model::{
    Author, EventKind, Instant, Status, StatusMap, SurveyKind, SurveyResponse, Ticket, TicketEvent,
};
use serde_json::Value;
use std::io::Read;

/// Chatwoot's conversation statuses.
pub(crate) fn status_map() -> StatusMap {
    StatusMap::new()
        .with("open", Status::Open)
        .with("pending", Status::Pending)
        .with("snoozed", Status::Pending)
        .with("resolved", Status::Solved)
}

fn conversations(input: impl Read) -> Result<Vec<(u64, Value)>> {
    let docs = unwrap_envelope(documents(input)?, "data");
    let (items, _) = records(docs, "payload", &[])?;
    Ok(latest_per_id(items))
}

/// Reads Chatwoot conversations into summary tickets (see the [module docs](self)).
///
/// # Errors
/// As [`read_zendesk_json`](super::zendesk_json::read_zendesk_json).
///
/// # Example
/// ```
/// use supportkpi::io::presets::chatwoot::read_chatwoot;
/// use supportkpi::io::ReadOptions;
/// let doc = r#"{"id": 7, "status": "open", "created_at": 1622538000,
///   "first_reply_created_at": 1622538600}"#;
/// let t = &read_chatwoot(doc.as_bytes(), &ReadOptions::new())?.records[0];
/// assert_eq!(t.first_response_seconds(), Some(600));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_chatwoot(input: impl Read, options: &ReadOptions) -> Result<ReadOutcome<Ticket>> {
    let items = conversations(input)?;
    let map = options.status_map.clone().unwrap_or_else(status_map);
    read_each(&items, options, "ticket", |r| ticket(r, &map, options))
}

/// Reads Chatwoot conversations' messages into an event log (see the [module docs](self)).
///
/// # Errors
/// As [`read_chatwoot`]; a bad message is its conversation's error (record `event`).
pub fn read_chatwoot_events(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<Vec<TicketEvent>>> {
    read_chatwoot_events_at(input, options).map(without_positions)
}

/// [`read_chatwoot_events`], each ticket's events with its record's position.
pub(crate) fn read_chatwoot_events_at(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<(u64, Vec<TicketEvent>)>> {
    let items = conversations(input)?;
    read_each_at(&items, options, "event", |r| events(r, options))
}

/// Reads Chatwoot's CSAT survey responses (see the [module docs](self)).
///
/// # Errors
/// As [`read_chatwoot`], for responses (record `survey_response`): a rating outside 1–5 is
/// [`ErrorKind::ScoreOutOfScale`].
pub fn read_chatwoot_csat(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<SurveyResponse>> {
    let docs = unwrap_envelope(documents(input)?, "data");
    let (items, _) = records(docs, "payload", &[])?;
    read_each(&positioned(items), options, "survey_response", |r| {
        csat(r, options)
    })
}

/// An instant Chatwoot writes as Unix seconds, `0` for none.
fn instant(record: &Record<'_>, key: &str, options: &ReadOptions) -> Result<Option<Instant>> {
    if record.get(&[key]).and_then(Value::as_i64) == Some(0) {
        return Ok(None);
    }
    record.instant(&[key], options)
}

fn ticket(record: &Record<'_>, map: &StatusMap, options: &ReadOptions) -> Result<Ticket> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["created_at"], options)?;
    let mut b = Ticket::builder(id, created);
    if let Some(s) = record.text(&["status"])? {
        b = b.status(map.resolve(&s).map_err(|e| e.with_field("status"))?);
    }
    if let Some(v) = record.text(&["meta", "sender", "id"])? {
        b = b.customer_id(v);
    }
    if let Some(at) = instant(record, "first_reply_created_at", options)? {
        b = b.first_response_at(at);
    }
    if let Some(v) = record.text(&["priority"])? {
        b = b.priority(v);
    }
    if let Some(v) = record.text(&["meta", "channel"])? {
        b = b.channel(v);
    }
    if let Some(v) = record.text(&["meta", "team", "name"])? {
        b = b.team(v);
    }
    if let Some(v) = record.text(&["meta", "assignee", "id"])? {
        b = b.assignee(v);
    }
    b.build()
}

fn events(record: &Record<'_>, options: &ReadOptions) -> Result<Vec<TicketEvent>> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["created_at"], options)?;
    let mut out = vec![
        TicketEvent::new(id.as_str(), created, EventKind::Created),
        TicketEvent::new(
            id.as_str(),
            created,
            EventKind::StatusChange { to: "open".into() },
        ),
    ];
    let messages = record
        .get(&["messages"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, message) in messages.iter().enumerate() {
        let m = Record::new(message).map_err(|e| e.with_field(format!("messages[{i}]")))?;
        let field = |e: Error| {
            let f = e.field().unwrap_or_default().to_owned();
            e.with_field(format!("messages[{i}].{f}"))
        };
        let at = m
            .required_instant(&["created_at"], options)
            .map_err(field)?;
        let private = m
            .get(&["private"])
            .and_then(Value::as_bool)
            .unwrap_or(false);
        // The API writes the type's number; webhooks its name.
        let kind = match m.text(&["message_type"]).map_err(field)?.as_deref() {
            Some("0" | "incoming") => EventKind::Reply {
                author: Author::Customer,
                public: true,
            },
            Some("1" | "outgoing") => EventKind::Reply {
                author: match m.text(&["sender_type"]).map_err(field)?.as_deref() {
                    Some("User") => Author::Agent,
                    Some("Contact") => Author::Customer,
                    Some(_) => Author::Bot,
                    None => Author::System,
                },
                public: !private,
            },
            Some("3" | "template") => EventKind::Reply {
                author: Author::Bot,
                public: true,
            },
            Some("2" | "activity") => {
                match m
                    .text(&["content_attributes", "activity", "status"])
                    .map_err(field)?
                {
                    Some(to) => EventKind::StatusChange { to },
                    None => continue,
                }
            }
            Some(other) => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    "a message type: 0 incoming, 1 outgoing, 2 activity, 3 template",
                )
                .with_field(format!("messages[{i}].message_type"))
                .with_value(other));
            }
            None => continue,
        };
        out.push(TicketEvent::new(id.as_str(), at, kind));
    }
    Ok(out)
}

fn csat(record: &Record<'_>, options: &ReadOptions) -> Result<SurveyResponse> {
    let id = record.required_text(&["id"])?;
    let at = record.required_instant(&["created_at"], options)?;
    let value = record
        .get(&["rating"])
        .ok_or_else(|| Error::new(ErrorKind::MissingField, "a rating").with_field("rating"))?;
    let score = value
        .as_i64()
        .filter(|n| (1..=5).contains(n))
        .ok_or_else(|| {
            Error::new(ErrorKind::ScoreOutOfScale, "a Chatwoot CSAT rating is 1-5")
                .with_field("rating")
                .with_value(short(value))
        })?;
    let mut s = SurveyResponse::new(id, at, SurveyKind::Csat, score as i32)?;
    if let Some(t) = record.text(&["conversation_id"])? {
        s = s.with_ticket(t);
    }
    if let Some(c) = record.text(&["contact", "id"])? {
        s = s.with_customer(c);
    }
    Ok(s)
}
