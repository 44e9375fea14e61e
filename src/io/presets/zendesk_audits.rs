//! The Zendesk Support API's ticket audits as an event log: `GET /api/v2/ticket_audits`
//! (every ticket's, cursor-paged) or `GET /api/v2/tickets/{id}/audits` pages, read by
//! [`read_zendesk_audits`] (and by [`load`](crate::io::load) as the `events` of the
//! `zendesk-json` preset).
//!
//! As Zendesk documents them: [Ticket
//! Audits](https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/) (a page
//! is `{"audits": [...]}`; an audit has `id`, `ticket_id`, `created_at` in ISO 8601 UTC,
//! `author_id`, `via`, and `events`) and [Ticket Audit
//! Events](https://developer.zendesk.com/documentation/ticketing/reference-guides/ticket-audit-events-reference/)
//! (`Create` and `Change` with `field_name`, `value` and `previous_value`; `Comment` with
//! `author_id` and `public`).
//!
//! Each ticket's audits, in time order (ties in file order):
//!
//! - an audit with `Create` events → `Created` at its `created_at`; its `Create` of `status`
//!   → a change to that status there, of `requester_id` → the ticket's requester;
//! - a `Change` of `status` → a status change to `value` (`solved` after `open` is a
//!   resolution, `open` after `solved` a reopen, by the derivation rules); of `requester_id` →
//!   the requester from then on;
//! - a `Comment` → a reply, public as its `public` says, by the customer when its `author_id`
//!   is the ticket's requester and else by an agent (Zendesk's `replies` metric counts agents'
//!   public comments alike); the creating audit's comment is the ticket's first message;
//! - a `Change` of `tags` whose `value` holds `closed_by_merge` → a merge into the ticket the
//!   audit's `via.source.to.ticket_id` names (the ticket leaves the backlog unresolved, as the
//!   `zendesk-json` summary reads a merged ticket); without that id, a change to `deleted`;
//! - other events (notifications, other fields) change nothing.
//!
//! A ticket whose audits hold no `Create` (the export starts after its creation) is the
//! derivation's [`MissingField`](crate::ErrorKind::MissingField) error: no instant is guessed.
//! A ticket whose audits hold no event of the kinds above at all (no `events`, or only
//! notifications) is that error here, at its first audit: it would otherwise leave no trace,
//! neither a history nor a reject.
//! The tests check the sample's log, derived, against the same tickets' `metric_sets`
//! (first reply, first and full resolution in whole minutes, reopens, replies).

use super::json::{Record, collect, documents, records, without_positions};
use crate::error::{Error, Result};
use crate::io::{ReadOptions, ReadOutcome};
use crate::model::{Author, EventKind, Instant, TicketEvent, TicketId};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;

/// Reads ticket audits into an event log, one list per ticket in the order of their first
/// audit (see the [module docs](self)). A bad audit rejects its ticket's events.
///
/// # Errors
/// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for a file that is not JSON
/// documents of audits; in strict mode the first bad audit's error (record `event`, the
/// ticket's id, the audit's 1-based position as its line).
///
/// # Example
/// ```
/// use supportkpi::io::presets::zendesk_audits::read_zendesk_audits;
/// use supportkpi::io::ReadOptions;
/// let page = r#"{"audits": [
///   {"id": 1, "ticket_id": 7, "created_at": "2021-06-01T09:00:00Z", "author_id": 5,
///    "events": [{"type": "Create", "field_name": "status", "value": "new"},
///               {"type": "Create", "field_name": "requester_id", "value": "5"},
///               {"type": "Comment", "author_id": 5, "public": true}]},
///   {"id": 2, "ticket_id": 7, "created_at": "2021-06-01T09:10:00Z", "author_id": 9,
///    "events": [{"type": "Comment", "author_id": 9, "public": true},
///               {"type": "Change", "field_name": "status", "value": "solved", "previous_value": "new"}]}]}"#;
/// let out = read_zendesk_audits(page.as_bytes(), &ReadOptions::new())?;
/// assert_eq!((out.read, out.records[0].len()), (1, 5));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_zendesk_audits(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<Vec<TicketEvent>>> {
    read_zendesk_audits_at(input, options).map(without_positions)
}

/// [`read_zendesk_audits`], each ticket's events with the position of its first audit.
pub(crate) fn read_zendesk_audits_at(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<(u64, Vec<TicketEvent>)>> {
    let (audits, _) = records(documents(input)?, "audits", &[])?;
    // Group by ticket, in the order of each ticket's first audit.
    let mut order: Vec<String> = Vec::new();
    let mut by_ticket: HashMap<String, Vec<(u64, &Value)>> = HashMap::new();
    let mut bad: Vec<Error> = Vec::new();
    for (i, audit) in audits.iter().enumerate() {
        let position = i as u64 + 1;
        let id = Record::new(audit).and_then(|r| r.required_text(&["ticket_id"]));
        match id {
            Ok(id) => {
                by_ticket
                    .entry(id.clone())
                    .or_insert_with(|| {
                        order.push(id);
                        Vec::new()
                    })
                    .push((position, audit));
            }
            Err(e) => bad.push(e.with_record_type("event").with_line(position)),
        }
    }
    let tickets = order.into_iter().map(|id| {
        let audits = by_ticket.remove(&id).unwrap_or_default();
        // Audits are kept in file order: the first is the ticket's first line.
        let first = audits.first().map_or(0, |(position, _)| *position);
        ticket_events(&id, &audits, options)
            .map(|events| (first, events))
            .map_err(|(position, e)| e.with_record_type("event").with_line(position).with_id(id))
    });
    collect(options, bad.into_iter().map(Err).chain(tickets))
}

fn ticket_events(
    id: &str,
    audits: &[(u64, &Value)],
    options: &ReadOptions,
) -> std::result::Result<Vec<TicketEvent>, (u64, Error)> {
    // Time order, ties in file order.
    let mut timed: Vec<(Instant, u64, &Value)> = Vec::with_capacity(audits.len());
    for (position, audit) in audits {
        let record = Record::new(audit).map_err(|e| (*position, e))?;
        let at = record
            .required_instant(&["created_at"], options)
            .map_err(|e| (*position, e))?;
        timed.push((at, *position, audit));
    }
    timed.sort_by_key(|(at, position, _)| (*at, *position));
    let mut out = Vec::new();
    let mut requester: Option<String> = None;
    for (at, position, audit) in timed {
        let record = Record::new(audit).map_err(|e| (position, e))?;
        let events = record
            .get(&["events"])
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let err = |i: usize| {
            move |e: Error| {
                let f = e.field().unwrap_or_default().to_owned();
                (position, e.with_field(format!("events[{i}].{f}")))
            }
        };
        // The requester first: the creating audit's comment is theirs.
        for (i, event) in events.iter().enumerate() {
            let e = Record::new(event).map_err(|e| (position, e))?;
            if e.text(&["field_name"]).map_err(err(i))?.as_deref() == Some("requester_id") {
                if let Some(v) = e.text(&["value"]).map_err(err(i))? {
                    requester = Some(v);
                }
            }
        }
        if events
            .iter()
            .any(|e| e.get("type").and_then(Value::as_str) == Some("Create"))
        {
            out.push(TicketEvent::new(id, at, EventKind::Created));
        }
        for (i, event) in events.iter().enumerate() {
            let e = Record::new(event).map_err(|e| (position, e))?;
            let kind = e.text(&["type"]).map_err(err(i))?;
            let field = e.text(&["field_name"]).map_err(err(i))?;
            let kind = match (kind.as_deref(), field.as_deref()) {
                (Some("Create" | "Change"), Some("status")) => {
                    match e.text(&["value"]).map_err(err(i))? {
                        Some(to) => EventKind::StatusChange { to },
                        None => continue,
                    }
                }
                (Some("Change"), Some("tags")) if holds_merge_tag(e.get(&["value"])) => {
                    match record
                        .text(&["via", "source", "to", "ticket_id"])
                        .map_err(|e| (position, e))?
                    {
                        Some(into) => EventKind::Merged {
                            into: TicketId::from(into),
                        },
                        None => EventKind::StatusChange {
                            to: "deleted".into(),
                        },
                    }
                }
                (Some("Comment"), _) => {
                    let author = e.text(&["author_id"]).map_err(err(i))?;
                    let public = e.get(&["public"]).and_then(Value::as_bool).unwrap_or(true);
                    EventKind::Reply {
                        author: if author.is_some() && author == requester {
                            Author::Customer
                        } else {
                            Author::Agent
                        },
                        public,
                    }
                }
                _ => continue,
            };
            out.push(TicketEvent::new(id, at, kind));
        }
    }
    if out.is_empty() {
        // Audits are in file order: the first is the ticket's first line, as the caller's.
        let first = audits.first().map_or(0, |(position, _)| *position);
        return Err((
            first,
            Error::new(
                crate::ErrorKind::MissingField,
                "a ticket's audits hold an event this reader maps (a Create, a Change of status \
                 or tags, a Comment)",
            )
            .with_field("events"),
        ));
    }
    Ok(out)
}

/// Whether a tags value (a list, or Zendesk's space-separated text) holds `closed_by_merge`.
fn holds_merge_tag(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Array(tags)) => tags.iter().any(|t| t.as_str() == Some("closed_by_merge")),
        Some(Value::String(s)) => s.split_whitespace().any(|t| t == "closed_by_merge"),
        _ => false,
    }
}
