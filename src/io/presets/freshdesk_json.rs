//! The Freshdesk API's ticket JSON (`GET /api/v2/tickets?include=stats`, or one ticket with
//! `include=stats`), and its satisfaction ratings (`GET /api/v2/surveys/satisfaction_ratings`)
//! as survey responses.
//!
//! As Freshdesk documents them in its [API reference](https://developers.freshdesk.com/api/):
//! [Tickets](https://developers.freshdesk.com/api/#tickets) (the ticket object, its numeric
//! `status`, `priority` and `source` codes, and the `stats` object of `include=stats`:
//! `first_responded_at`, `resolved_at`, `closed_at`, `reopened_at`, …) and
//! [Satisfaction Ratings](https://developers.freshdesk.com/api/#satisfaction-ratings).
//!
//! The API returns a bare array of tickets per page; the file is read as a stream of JSON
//! documents (one page, several pages one per line, or JSON Lines of tickets; an object with a
//! `tickets` array reads too). A later record of an id replaces the earlier one.
//!
//! | Freshdesk field | field |
//! |---|---|
//! | `id` (a number) | `id` (required) |
//! | `requester_id` | `customer_id` |
//! | `created_at` (ISO 8601, UTC `Z`) | `created_at` (required) |
//! | `stats.first_responded_at` | `first_response_at` |
//! | `stats.resolved_at` (else `stats.closed_at`) | `resolved_at`, for a ticket that ends resolved or closed |
//! | `status` | `status`, through Freshdesk's table: `2` open → open, `3` pending → pending, `4` resolved → solved, `5` closed → closed; any other code (a custom status) is [`ErrorKind::UnmappedStatus`] naming it — map it with [`ReadOptions::status_map`] (names are the codes as text) |
//! | `spam` or `deleted` true | cancelled, not resolved |
//! | `priority` | `priority`: `1` → `Low`, `2` → `Medium`, `3` → `High`, `4` → `Urgent` |
//! | `source` | `channel`: `1` Email, `2` Portal, `3` Phone, `7` Chat, `9` Feedback Widget, `10` Outbound Email (another code as its number) |
//! | `group_id` | `team` |
//! | `responder_id` | `assignee` |
//! | `stats.reopened_at` | `reopens`: 0 when null; 1 when set — Freshdesk keeps only the latest reopen, so the count is at least 1 (exact for "was it reopened", which first-contact resolution asks) |
//! | `type` | dimension `type` with [`ReadOptions::keep_extra_columns`] |
//!
//! Not carried, so unknown (never 0): `agent_replies` (the conversations endpoint has them),
//! `first_resolved_at`. A ticket without `stats` (listed without `include=stats`) has unknown
//! first response, reopens and resolution.
//!
//! Satisfaction ratings ([`read_freshdesk_ratings`]): `id`, `ticket_id`, `user_id` → customer,
//! `created_at` → responded at, `ratings.default_question` → a CSAT response on 1–5: the
//! happy answers (`103`, `102`, `101`) → 5, neutral (`100`) → 3, the unhappy ones (`-101`,
//! `-102`, `-103`) → 1, so the top-2-box CSAT is Freshdesk's share of happy ratings. Any other
//! value is [`ErrorKind::ScoreOutOfScale`].
//!
//! # Example
//! ```
//! use supportkpi::io::presets::freshdesk_json::read_freshdesk_json;
//! use supportkpi::io::ReadOptions;
//! use supportkpi::model::Status;
//! let page = r#"[{"id": 20, "created_at": "2021-06-01T09:00:00Z", "status": 4, "priority": 2,
//!   "source": 1, "requester_id": 501, "responder_id": 9001, "group_id": 77, "tags": [],
//!   "stats": {"first_responded_at": "2021-06-01T09:20:00Z", "resolved_at":
//!   "2021-06-01T15:00:00Z", "closed_at": null, "reopened_at": null}}]"#;
//! let t = &read_freshdesk_json(page.as_bytes(), &ReadOptions::new())?.records[0];
//! assert_eq!((t.status(), t.priority(), t.channel()), (Status::Solved, Some("Medium"), Some("Email")));
//! assert_eq!((t.first_response_seconds(), t.resolution_seconds()), (Some(1200), Some(21600)));
//! assert_eq!((t.reopens(), t.agent_replies()), (Some(0), None));
//! # Ok::<(), supportkpi::Error>(())
//! ```

use super::json::{Record, documents, latest_per_id, read_each, records, short};
use super::resolved_only_if_resolved;
use crate::error::{Error, ErrorKind, Result};
use crate::io::{ReadOptions, ReadOutcome};
use crate::model::{Status, StatusMap, SurveyKind, SurveyResponse, Ticket};
use serde_json::Value;
use std::io::Read;

/// Freshdesk's default ticket status codes: `2` open, `3` pending, `4` resolved → solved,
/// `5` closed.
pub(crate) fn status_map() -> StatusMap {
    StatusMap::new()
        .with("2", Status::Open)
        .with("3", Status::Pending)
        .with("4", Status::Solved)
        .with("5", Status::Closed)
}

fn priority(code: &str) -> &str {
    match code {
        "1" => "Low",
        "2" => "Medium",
        "3" => "High",
        "4" => "Urgent",
        other => other,
    }
}

fn source(code: &str) -> &str {
    match code {
        "1" => "Email",
        "2" => "Portal",
        "3" => "Phone",
        "7" => "Chat",
        "9" => "Feedback Widget",
        "10" => "Outbound Email",
        other => other,
    }
}

/// Reads Freshdesk's ticket JSON (see the [module docs](self)) into tickets.
///
/// # Errors
/// As [`read_zendesk_json`](super::zendesk_json::read_zendesk_json).
///
/// # Example
/// See the [module docs](self).
pub fn read_freshdesk_json(input: impl Read, options: &ReadOptions) -> Result<ReadOutcome<Ticket>> {
    let (tickets, _) = records(documents(input)?, "tickets", &[])?;
    let tickets = latest_per_id(tickets);
    let map = options.status_map.clone().unwrap_or_else(status_map);
    read_each(&tickets, options, "ticket", |r| ticket(r, &map, options))
}

/// Reads Freshdesk's satisfaction ratings JSON into CSAT survey responses (see the [module
/// docs](self)).
///
/// # Errors
/// As [`read_freshdesk_json`], for ratings (record `survey_response`).
///
/// # Example
/// ```
/// use supportkpi::io::presets::freshdesk_json::read_freshdesk_ratings;
/// use supportkpi::io::ReadOptions;
/// let page = r#"[{"id": 1, "ticket_id": 20, "user_id": 501, "created_at": "2021-06-02T10:00:00Z",
///   "ratings": {"default_question": 103}}]"#;
/// assert_eq!(read_freshdesk_ratings(page.as_bytes(), &ReadOptions::new())?.records[0].score(), 5);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_freshdesk_ratings(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<SurveyResponse>> {
    let (ratings, _) = records(documents(input)?, "satisfaction_ratings", &[])?;
    let ratings: Vec<(u64, Value)> = ratings
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i as u64 + 1, v))
        .collect();
    read_each(&ratings, options, "survey_response", |r| rating(r, options))
}

fn ticket(record: &Record<'_>, map: &StatusMap, options: &ReadOptions) -> Result<Ticket> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["created_at"], options)?;
    let mut b = Ticket::builder(id, created);
    let mut status = match record.text(&["status"])? {
        Some(code) => Some(map.resolve(&code).map_err(|e| e.with_field("status"))?),
        None => None,
    };
    let flag = |key: &str| record.get(&[key]).and_then(Value::as_bool) == Some(true);
    if flag("spam") || flag("deleted") {
        status = Some(Status::Cancelled);
    }
    if let Some(s) = status {
        b = b.status(s);
    }
    if let Some(v) = record.text(&["requester_id"])? {
        b = b.customer_id(v);
    }
    if let Some(v) = record.text(&["priority"])? {
        b = b.priority(priority(&v));
    }
    if let Some(v) = record.text(&["source"])? {
        b = b.channel(source(&v));
    }
    if let Some(v) = record.text(&["group_id"])? {
        b = b.team(v);
    }
    if let Some(v) = record.text(&["responder_id"])? {
        b = b.assignee(v);
    }
    if options.keep_extra_columns {
        if let Some(v) = record.text(&["type"])? {
            b = b.dimension("type", v);
        }
    }
    if record.get(&["stats"]).is_some() {
        if let Some(at) = record.instant(&["stats", "first_responded_at"], options)? {
            b = b.first_response_at(at);
        }
        let reopened = record.instant(&["stats", "reopened_at"], options)?;
        b = b.reopens(u32::from(reopened.is_some()));
        let resolved = match record.instant(&["stats", "resolved_at"], options)? {
            Some(at) => Some(at),
            None => record.instant(&["stats", "closed_at"], options)?,
        };
        if let (Some(at), true) = (resolved, resolved_only_if_resolved(status)) {
            if status != Some(Status::Cancelled) {
                b = b.resolved_at(at);
            }
        }
    }
    b.build()
}

fn rating(record: &Record<'_>, options: &ReadOptions) -> Result<SurveyResponse> {
    let id = record.required_text(&["id"])?;
    let at = record.required_instant(&["created_at"], options)?;
    let value = record
        .get(&["ratings", "default_question"])
        .ok_or_else(|| {
            Error::new(ErrorKind::MissingField, "a rating's default question")
                .with_field("ratings.default_question")
        })?;
    let score = match value.as_i64() {
        Some(101..=103) => 5,
        Some(100) => 3,
        Some(-103..=-101) => 1,
        _ => {
            return Err(Error::new(
                ErrorKind::ScoreOutOfScale,
                "a Freshdesk rating: 103, 102, 101 (happy), 100 (neutral), -101, -102, -103 (unhappy)",
            )
            .with_field("ratings.default_question")
            .with_value(short(value)));
        }
    };
    let mut s = SurveyResponse::new(id, at, SurveyKind::Csat, score)?;
    if let Some(t) = record.text(&["ticket_id"])? {
        s = s.with_ticket(t);
    }
    if let Some(c) = record.text(&["user_id"])? {
        s = s.with_customer(c);
    }
    Ok(s)
}
