//! Help Scout conversations, as the Mailbox API 2.0 returns them (`GET /v2/conversations`
//! or `GET /v2/conversations/{id}`, with `embed=threads`): summary tickets from each
//! conversation's fields, its threads as the event log, and the happiness ratings report
//! (`GET /v2/reports/happiness/ratings`) as CSAT.
//!
//! As Help Scout documents them: [List
//! Conversations](https://developer.helpscout.com/mailbox-api/endpoints/conversations/list/)
//! and [Get Conversation](https://developer.helpscout.com/mailbox-api/endpoints/conversations/get/)
//! (`id` as a number, `type` `email` / `chat` / `phone`, `status` `active` / `pending` /
//! `closed` / `spam`, `state` `published` / `draft` / `deleted`, `mailboxId`, `assignee`,
//! `primaryCustomer`, `createdAt` and `closedAt` in ISO 8601 UTC, `_embedded.threads`),
//! [the thread object](https://developer.helpscout.com/mailbox-api/endpoints/conversations/threads/list/)
//! (`type` `customer` / `message` / `note` / `lineitem` / `chat` / `phone` / …, `status` the
//! conversation's new status or `nochange`, `state`, `createdBy.type` `user` / `customer`,
//! `createdAt`) and the [Happiness Ratings
//! Report](https://developer.helpscout.com/mailbox-api/endpoints/reports/happiness/reports-happiness-ratings/)
//! (`results` with the conversation `id`, `threadid`, `ratingId` 1 Great / 2 Okay / 3 Not
//! Good, `ratingCustomerId`, `ratingCreatedAt`).
//!
//! The file is read as a stream of JSON documents: a list page (`{"_embedded":
//! {"conversations": [...]}, "page": {...}}`), one conversation, an array of them, or JSON
//! Lines; a later record of an id replaces the earlier.
//!
//! | Help Scout field | field |
//! |---|---|
//! | `id` | `id` (required) |
//! | `primaryCustomer.id` | `customer_id` |
//! | `createdAt` | `created_at` (required) |
//! | `closedAt` | `resolved_at`, for a conversation that ends closed |
//! | `state` `deleted`, else `status` | `status`: `active` → open, `pending` → pending, `closed` → closed, `spam` and `deleted` → cancelled; another is [`ErrorKind::UnmappedStatus`] |
//! | `type` | `channel` |
//! | `mailboxId` | `team` |
//! | `assignee.id` | `assignee` |
//! | — | `priority`: Help Scout has none |
//! | the threads, derived (below) | `first_response_at`, `first_resolved_at`, `agent_replies`, `reopens` (no threads embedded: unknown) |
//!
//! Event log ([`read_helpscout_events`]): `Created` and a change to `active` at `createdAt`;
//! each published thread (a `draft` or other unpublished one is skipped), in time order:
//! `customer` → a public customer reply, `message` → a public agent reply, `note` → a
//! private agent note, `chat` / `phone` → a public reply by its `createdBy.type` (`user` →
//! agent, `customer` → customer); other types (`lineitem`, `forwardparent`, …) are no reply.
//! A thread whose `status` is not `nochange` changes the conversation's status to it, after
//! its reply. The summary's first response, first resolution, agent replies and reopens are
//! this log derived by the library's rules; the tests check that the derived resolution is
//! Help Scout's own `closedAt`. A merge (a `lineitem` on the surviving conversation; the
//! merged one leaves the API) changes nothing here.
//!
//! Ratings ([`read_helpscout_ratings`]): each report row → a CSAT response on 1–5 with id
//! `<conversation id>-<threadid>`: Great → 5, Okay → 3, Not Good → 1 (a text `rating`
//! Great / Okay / Bad / Not Good is read alike), so the top-2-box CSAT is Help Scout's share
//! of Great ratings.

use super::json::{
    Record, documents, history_of, latest_per_id, positioned, read_each, read_each_at, records,
    short, unwrap_envelope, without_positions,
};
use crate::error::{Error, ErrorKind, Result};
use crate::io::{ReadOptions, ReadOutcome};
use crate::model::{
    Author, EventKind, Status, StatusMap, SurveyKind, SurveyResponse, Ticket, TicketEvent,
};
use serde_json::Value;
use std::io::Read;

/// Help Scout's conversation statuses, and the `deleted` state.
pub(crate) fn status_map() -> StatusMap {
    StatusMap::new()
        .with("active", Status::Open)
        .with("pending", Status::Pending)
        .with("closed", Status::Closed)
        .with("spam", Status::Cancelled)
        .with("deleted", Status::Cancelled)
}

fn conversations(input: impl Read) -> Result<Vec<(u64, Value)>> {
    let docs = unwrap_envelope(documents(input)?, "_embedded");
    let (items, _) = records(docs, "conversations", &[])?;
    Ok(latest_per_id(items))
}

/// Reads Help Scout conversations into summary tickets (see the [module docs](self)).
///
/// # Errors
/// As [`read_zendesk_json`](super::zendesk_json::read_zendesk_json).
///
/// # Example
/// ```
/// use supportkpi::io::presets::helpscout::read_helpscout;
/// use supportkpi::io::ReadOptions;
/// let doc = r#"{"id": 7, "status": "closed", "state": "published",
///   "createdAt": "2021-06-01T09:00:00Z", "closedAt": "2021-06-01T10:00:00Z"}"#;
/// let t = &read_helpscout(doc.as_bytes(), &ReadOptions::new())?.records[0];
/// assert_eq!(t.resolution_seconds(), Some(3600));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_helpscout(input: impl Read, options: &ReadOptions) -> Result<ReadOutcome<Ticket>> {
    let items = conversations(input)?;
    let map = options.status_map.clone().unwrap_or_else(status_map);
    read_each(&items, options, "ticket", |r| ticket(r, &map, options))
}

/// Reads Help Scout conversations' threads into an event log (see the [module docs](self)).
///
/// # Errors
/// As [`read_helpscout`]; a bad thread is its conversation's error (record `event`).
pub fn read_helpscout_events(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<Vec<TicketEvent>>> {
    read_helpscout_events_at(input, options).map(without_positions)
}

/// [`read_helpscout_events`], each ticket's events with its record's position.
pub(crate) fn read_helpscout_events_at(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<(u64, Vec<TicketEvent>)>> {
    let items = conversations(input)?;
    read_each_at(&items, options, "event", |r| events(r, options))
}

/// Reads the happiness ratings report into CSAT responses (see the [module docs](self)).
///
/// # Errors
/// As [`read_helpscout`], for ratings (record `survey_response`): a rating other than 1–3 or
/// its names is [`ErrorKind::ScoreOutOfScale`].
pub fn read_helpscout_ratings(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<SurveyResponse>> {
    let (items, _) = records(documents(input)?, "results", &[])?;
    read_each(&positioned(items), options, "survey_response", |r| {
        rating(r, options)
    })
}

fn threads<'a>(record: &Record<'a>) -> Option<&'a Vec<Value>> {
    record
        .get(&["_embedded", "threads"])
        .and_then(Value::as_array)
}

fn ticket(record: &Record<'_>, map: &StatusMap, options: &ReadOptions) -> Result<Ticket> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["createdAt"], options)?;
    let mut b = Ticket::builder(id, created);
    let (field, name) = match record.text(&["state"])? {
        Some(state) if state == "deleted" => ("state", Some(state)),
        _ => ("status", record.text(&["status"])?),
    };
    let status = match name {
        Some(s) => Some(map.resolve(&s).map_err(|e| e.with_field(field))?),
        None => None,
    };
    if let Some(s) = status {
        b = b.status(s);
    }
    if let Some(v) = record.text(&["primaryCustomer", "id"])? {
        b = b.customer_id(v);
    }
    if let Some(v) = record.text(&["type"])? {
        b = b.channel(v);
    }
    if let Some(v) = record.text(&["mailboxId"])? {
        b = b.team(v);
    }
    if let Some(v) = record.text(&["assignee", "id"])? {
        b = b.assignee(v);
    }
    let ends_resolved = super::resolved_only_if_resolved(status);
    if ends_resolved {
        if let Some(at) = record.instant(&["closedAt"], options)? {
            b = b.resolved_at(at);
        }
    }
    if threads(record).is_some() {
        if let Some(h) = history_of(events(record, options)?, map)? {
            let derived = h.ticket();
            if let Some(at) = derived.first_response_at() {
                b = b.first_response_at(at);
            }
            if ends_resolved {
                if let Some(at) = derived.first_resolved_at() {
                    b = b.first_resolved_at(at);
                }
            }
            b = b
                .agent_replies(h.public_agent_replies())
                .reopens(h.reopens());
        }
    }
    b.build()
}

fn author(kind: Option<&str>) -> Author {
    match kind {
        Some("user") => Author::Agent,
        Some("customer") => Author::Customer,
        _ => Author::System,
    }
}

fn events(record: &Record<'_>, options: &ReadOptions) -> Result<Vec<TicketEvent>> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["createdAt"], options)?;
    let mut out = vec![
        TicketEvent::new(id.as_str(), created, EventKind::Created),
        TicketEvent::new(
            id.as_str(),
            created,
            EventKind::StatusChange {
                to: "active".into(),
            },
        ),
    ];
    // The API lists threads newest first: time order, ties by thread id (creation order).
    let mut timed = Vec::new();
    for (i, thread) in threads(record)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let t = Record::new(thread).map_err(|e| e.with_field(format!("threads[{i}]")))?;
        let field = |e: Error| {
            let f = e.field().unwrap_or_default().to_owned();
            e.with_field(format!("threads[{i}].{f}"))
        };
        if t.text(&["state"])
            .map_err(field)?
            .is_some_and(|s| s != "published")
        {
            continue;
        }
        let at = t.required_instant(&["createdAt"], options).map_err(field)?;
        let order = t.get(&["id"]).and_then(Value::as_u64).unwrap_or(0);
        let reply = match t.text(&["type"]).map_err(field)?.as_deref() {
            Some("customer") => Some((Author::Customer, true)),
            Some("message") => Some((Author::Agent, true)),
            Some("note") => Some((Author::Agent, false)),
            Some("chat" | "phone") => Some((
                author(t.get(&["createdBy", "type"]).and_then(Value::as_str)),
                true,
            )),
            _ => None,
        };
        if let Some((author, public)) = reply {
            timed.push((at, order, EventKind::Reply { author, public }));
        }
        if let Some(to) = t
            .text(&["status"])
            .map_err(field)?
            .filter(|s| s != "nochange")
        {
            timed.push((at, order, EventKind::StatusChange { to }));
        }
    }
    // Stable: a thread's reply stays before its status change.
    timed.sort_by_key(|(at, order, _)| (*at, *order));
    out.extend(
        timed
            .into_iter()
            .map(|(at, _, kind)| TicketEvent::new(id.as_str(), at, kind)),
    );
    Ok(out)
}

fn rating(record: &Record<'_>, options: &ReadOptions) -> Result<SurveyResponse> {
    let id = record.required_text(&["id"])?;
    let at = record.required_instant(&["ratingCreatedAt"], options)?;
    let (field, value) = match record.get(&["ratingId"]) {
        Some(v) => ("ratingId", v),
        None => (
            "rating",
            record.get(&["rating"]).ok_or_else(|| {
                Error::new(ErrorKind::MissingField, "a rating").with_field("ratingId")
            })?,
        ),
    };
    let score = match value {
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(5),
            Some(2) => Some(3),
            Some(3) => Some(1),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "great" => Some(5),
            "okay" | "ok" => Some(3),
            "not good" | "not-good" | "bad" => Some(1),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| {
        Error::new(
            ErrorKind::ScoreOutOfScale,
            "a Help Scout rating: 1 Great, 2 Okay, 3 Not Good",
        )
        .with_field(field)
        .with_value(short(value))
    })?;
    let survey_id = match record.text(&["threadid"])? {
        Some(thread) => format!("{id}-{thread}"),
        None => format!("{id}-rating"),
    };
    let mut s = SurveyResponse::new(survey_id, at, SurveyKind::Csat, score)?.with_ticket(id);
    if let Some(c) = record.text(&["ratingCustomerId"])? {
        s = s.with_customer(c);
    }
    Ok(s)
}
