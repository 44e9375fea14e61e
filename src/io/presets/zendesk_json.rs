//! The Zendesk Support API's ticket JSON: the incremental ticket export
//! (`GET /api/v2/incremental/tickets/cursor.json?include=metric_sets`) or the ticket list, with
//! the ticket metrics sideloaded; and the satisfaction ratings (`GET
//! /api/v2/satisfaction_ratings`) as survey responses.
//!
//! As Zendesk documents them:
//! [Incremental Exports](https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/)
//! (a page is `{"tickets": [...], "metric_sets": [...], "after_cursor": …, "end_of_stream": …}`),
//! [Tickets](https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/) (the ticket
//! object), [Ticket Metrics](https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metrics/)
//! (a metric set: `ticket_id`, `reopens`, `replies` — "the number of public replies added to a
//! ticket by an agent" —, `solved_at`, and `reply_time_in_minutes`,
//! `first_resolution_time_in_minutes`, `full_resolution_time_in_minutes` as
//! `{"calendar": n, "business": n}` objects), and
//! [Satisfaction Ratings](https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/).
//!
//! The file is read as a stream of JSON documents: one page, several pages (one per line, as a
//! paging script writes them), a bare array of tickets or JSON Lines of tickets (each record is
//! numbered by its 1-based position in the file: the `line` of its errors); a ticket's metric set is the sideloaded
//! `metric_sets` entry with its `ticket_id`, or an inline `metric_set` object. The incremental
//! export lists a ticket again each time it changes: a later record of an id replaces the
//! earlier one (which is not counted as read).
//!
//! | Zendesk field | field |
//! |---|---|
//! | `id` (a number) | `id` (required) |
//! | `requester_id` | `customer_id` |
//! | `created_at` (ISO 8601, UTC `Z`) | `created_at` (required) |
//! | metric `reply_time_in_minutes.calendar` | `first_response_at` = created + minutes (null: no reply yet) |
//! | metric `first_resolution_time_in_minutes.calendar` | `first_resolved_at` = created + minutes, at most `resolved_at` |
//! | metric `solved_at` (else `full_resolution_time_in_minutes.calendar` after creation) | `resolved_at`, for a ticket that ends solved or closed |
//! | `status` | `status`, through the Zendesk table: `new` → new, `open` → open, `pending` → pending, `hold` → on hold, `solved` → solved, `closed` → closed, `deleted` (incremental export) → cancelled; any other is [`ErrorKind::UnmappedStatus`] naming it |
//! | `tags` containing `closed_by_merge` | a merged ticket: `cancelled`, not resolved (the surviving ticket carries the conversation, as for a merge event) |
//! | `priority` | `priority` (`urgent`, `high`, `normal`, `low`, null) |
//! | `via.channel` | `channel` (`email`, `web`, `api`, `chat`, …) |
//! | `group_id` | `team` |
//! | `assignee_id` | `assignee` |
//! | metric `replies` | `agent_replies` |
//! | metric `reopens` | `reopens` |
//! | `type`, `satisfaction_rating.score` | dimensions `type` and `satisfaction` with [`ReadOptions::keep_extra_columns`] |
//!
//! A ticket without a metric set (the export was made without `include=metric_sets`) has
//! unknown first response, replies and reopens — not 0 — and its resolution is unknown.
//! Times in minutes are Zendesk's whole minutes, so derived instants are minute-precise.
//!
//! Satisfaction ratings ([`read_zendesk_ratings`]): `id`, `ticket_id`, `requester_id` →
//! customer, `updated_at` (when the customer rated; else `created_at`) → responded at, `score`
//! → a CSAT response: `good` → 5 and `bad` → 1 on the 1–5 scale, so the top-2-box CSAT equals
//! Zendesk's satisfaction score (good / (good + bad)); a number 1–5 (the 1–5 CSAT of newer
//! accounts) as given. `offered` and `unoffered` are surveys sent or not yet sent, not
//! responses: they are skipped and not counted as read. Any other score is an error.
//!
//! # Example
//! ```
//! use supportkpi::io::presets::zendesk_json::read_zendesk_json;
//! use supportkpi::io::ReadOptions;
//! use supportkpi::model::Status;
//!
//! let page = r#"{"tickets": [{"id": 35436, "created_at": "2021-06-01T09:00:00Z",
//!     "status": "solved", "priority": "high", "via": {"channel": "email"},
//!     "requester_id": 20978392, "group_id": 98738, "assignee_id": 235323, "tags": []}],
//!   "metric_sets": [{"ticket_id": 35436, "reopens": 0, "replies": 2,
//!     "solved_at": "2021-06-01T13:30:00Z",
//!     "reply_time_in_minutes": {"calendar": 45, "business": 45},
//!     "first_resolution_time_in_minutes": {"calendar": 270, "business": 270},
//!     "full_resolution_time_in_minutes": {"calendar": 270, "business": 270}}],
//!   "end_of_stream": true}"#;
//! let out = read_zendesk_json(page.as_bytes(), &ReadOptions::new())?;
//! let t = &out.records[0];
//! assert_eq!(t.id().as_str(), "35436");
//! assert_eq!(t.status(), Status::Solved);
//! assert_eq!(t.first_response_seconds(), Some(45 * 60));
//! assert_eq!(t.resolution_seconds(), Some(270 * 60));
//! assert_eq!((t.agent_replies(), t.reopens()), (Some(2), Some(0)));
//! # Ok::<(), supportkpi::Error>(())
//! ```

use super::json::{Record, documents, latest_per_id, read_each, records, short};
use super::{minutes_after, resolved_only_if_resolved, zendesk};
use crate::error::{Error, ErrorKind, Result};
use crate::io::{ReadOptions, ReadOutcome};
use crate::model::{Instant, Status, SurveyKind, SurveyResponse, Ticket};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;

/// The top-level key of a ticket page.
pub(crate) const TICKETS_KEY: &str = "tickets";
/// The top-level key of a satisfaction ratings page.
pub(crate) const RATINGS_KEY: &str = "satisfaction_ratings";

/// Reads Zendesk's ticket JSON (see the [module docs](self)) into tickets.
///
/// # Errors
/// [`ErrorKind::InvalidValue`] for a file that is not JSON documents of tickets;
/// [`ErrorKind::Io`] when it cannot be read; in strict mode, the first bad ticket's error
/// (record `ticket`, its id, its position in the file, the field and value).
///
/// # Example
/// See the [module docs](self).
pub fn read_zendesk_json(input: impl Read, options: &ReadOptions) -> Result<ReadOutcome<Ticket>> {
    let (tickets, mut sides) = records(documents(input)?, TICKETS_KEY, &["metric_sets"])?;
    let mut metrics: HashMap<String, Value> = HashMap::new();
    for set in sides.remove(0) {
        if let Some(id) = Record::new(&set)
            .ok()
            .and_then(|r| r.text(&["ticket_id"]).ok().flatten())
        {
            metrics.insert(id, set);
        }
    }
    let tickets = latest_per_id(tickets);
    let map = options
        .status_map
        .clone()
        .unwrap_or_else(zendesk::status_map);
    read_each(&tickets, options, "ticket", |r| {
        let id = r.text(&["id"]).ok().flatten();
        let metric = id.as_ref().and_then(|id| metrics.get(id));
        ticket(r, metric, &map, options)
    })
}

/// Reads Zendesk's satisfaction ratings JSON into survey responses (see the [module
/// docs](self)).
///
/// # Errors
/// As [`read_zendesk_json`], for ratings (record `survey_response`).
///
/// # Example
/// ```
/// use supportkpi::io::presets::zendesk_json::read_zendesk_ratings;
/// use supportkpi::io::ReadOptions;
/// let page = r#"{"satisfaction_ratings": [
///   {"id": 1, "ticket_id": 7, "score": "good", "created_at": "2021-06-02T10:00:00Z",
///    "updated_at": "2021-06-02T11:00:00Z"},
///   {"id": 2, "ticket_id": 8, "score": "offered", "created_at": "2021-06-02T10:00:00Z"}]}"#;
/// let out = read_zendesk_ratings(page.as_bytes(), &ReadOptions::new())?;
/// assert_eq!((out.read, out.records[0].score()), (1, 5));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_zendesk_ratings(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<SurveyResponse>> {
    let (ratings, _) = records(documents(input)?, RATINGS_KEY, &[])?;
    let ratings: Vec<(u64, Value)> = ratings
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i as u64 + 1, v))
        .filter(|(_, v)| {
            !matches!(
                v.get("score").and_then(Value::as_str),
                Some("offered" | "unoffered")
            )
        })
        .collect();
    read_each(&ratings, options, "survey_response", |r| rating(r, options))
}

fn ticket(
    record: &Record<'_>,
    metric: Option<&Value>,
    map: &crate::model::StatusMap,
    options: &ReadOptions,
) -> Result<Ticket> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["created_at"], options)?;
    let mut b = Ticket::builder(id, created);
    let mut status = match record.text(&["status"])? {
        Some(name) => Some(map.resolve(&name).map_err(|e| e.with_field("status"))?),
        None => None,
    };
    if record.texts(&["tags"]).contains(&"closed_by_merge") {
        status = Some(Status::Cancelled);
    }
    if let Some(s) = status {
        b = b.status(s);
    }
    if let Some(v) = record.text(&["requester_id"])? {
        b = b.customer_id(v);
    }
    if let Some(v) = record.text(&["priority"])? {
        b = b.priority(v);
    }
    if let Some(v) = record.text(&["via", "channel"])? {
        b = b.channel(v);
    }
    if let Some(v) = record.text(&["group_id"])? {
        b = b.team(v);
    }
    if let Some(v) = record.text(&["assignee_id"])? {
        b = b.assignee(v);
    }
    if options.keep_extra_columns {
        if let Some(v) = record.text(&["type"])? {
            b = b.dimension("type", v);
        }
        if let Some(v) = record.text(&["satisfaction_rating", "score"])? {
            b = b.dimension("satisfaction", v);
        }
    }
    if let Some(metric) = metric {
        let m = Record::new(metric).map_err(|e| e.with_field("metric_sets"))?;
        let after = |key: &str| -> Result<Option<Instant>> {
            match m.minutes(&[key, "calendar"])? {
                Some(minutes) => minutes_after(created, minutes)
                    .map(Some)
                    .map_err(|e| e.with_field(format!("metric_sets.{key}.calendar"))),
                None => Ok(None),
            }
        };
        if let Some(at) = after("reply_time_in_minutes")? {
            b = b.first_response_at(at);
        }
        if let Some(n) = m.count(&["replies"]).map_err(in_metrics)? {
            b = b.agent_replies(n);
        }
        if let Some(n) = m.count(&["reopens"]).map_err(in_metrics)? {
            b = b.reopens(n);
        }
        let resolved = match m.instant(&["solved_at"], options).map_err(in_metrics)? {
            Some(at) => Some(at),
            None => after("full_resolution_time_in_minutes")?,
        };
        if let (Some(at), true) = (resolved, resolved_only_if_resolved(status)) {
            if status != Some(Status::Cancelled) {
                b = b.resolved_at(at);
                if let Some(first) = after("first_resolution_time_in_minutes")? {
                    b = b.first_resolved_at(first.min(at));
                }
            }
        }
    }
    b.build()
}

fn in_metrics(e: Error) -> Error {
    let field = e.field().map(|f| format!("metric_sets.{f}"));
    match field {
        Some(f) => e.with_field(f),
        None => e,
    }
}

fn rating(record: &Record<'_>, options: &ReadOptions) -> Result<SurveyResponse> {
    let id = record.required_text(&["id"])?;
    let at = match record.instant(&["updated_at"], options)? {
        Some(at) => at,
        None => record.required_instant(&["created_at"], options)?,
    };
    let value = record.get(&["score"]).ok_or_else(|| {
        Error::new(ErrorKind::MissingField, "a rating's score").with_field("score")
    })?;
    let score = match value {
        Value::String(s) if s == "good" => 5,
        Value::String(s) if s == "bad" => 1,
        Value::Number(n) => n
            .as_i64()
            .filter(|n| (1..=5).contains(n))
            .map(|n| n as i32)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::ScoreOutOfScale,
                    "a CSAT score is on the 1-5 scale",
                )
                .with_field("score")
                .with_value(n)
            })?,
        other => {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                "a rating's score: good, bad, offered, unoffered or 1-5",
            )
            .with_field("score")
            .with_value(short(other)));
        }
    };
    let mut s = SurveyResponse::new(id, at, SurveyKind::Csat, score)?;
    if let Some(t) = record.text(&["ticket_id"])? {
        s = s.with_ticket(t);
    }
    if let Some(c) = record.text(&["requester_id"])? {
        s = s.with_customer(c);
    }
    Ok(s)
}
