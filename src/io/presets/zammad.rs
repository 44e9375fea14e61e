//! Zammad tickets, as its REST API returns them (`GET /api/v1/tickets?expand=true` or
//! `/api/v1/tickets/search?…&expand=true`): summary tickets from each ticket's own SLA
//! fields, and its articles and history as the event log.
//!
//! As Zammad documents them: [Tickets](https://docs.zammad.org/en/latest/api/ticket/index.html)
//! and [the ticket attributes](https://docs.zammad.org/en/latest/install/elasticsearch/indexed-attributes.html)
//! (`id` as a number, `state` / `priority` / `group` / `create_article_type` as names with
//! `expand=true`, else their `*_id`, `owner_id`, `customer_id`, `created_at`,
//! `first_response_at` "the first communication type reaction to the customer", `close_at`
//! "first close time, set once", and in Zammad 6 `last_close_at`, all ISO 8601 UTC),
//! [Articles](https://docs.zammad.org/en/latest/api/ticket/articles.html)
//! (`GET /api/v1/ticket_articles/by_ticket/{id}?expand=true`: `sender` Customer / Agent /
//! System, `type`, `internal`, `created_at`) and [History](https://docs.zammad.org/en/latest/api/ticket/history.html)
//! (`GET /api/v1/ticket_history/{id}`: `history` entries with `object`, `type`, `attribute`,
//! `value_from`, `value_to`, `id_to`, `created_at`). Zammad's API returns a ticket's articles
//! and history from their own endpoints: a paging script writes them into the ticket as
//! `articles` and `history` (the arrays as returned), which this preset reads.
//!
//! The file is read as a stream of JSON documents: an array of tickets, one ticket, an object
//! with `tickets`, or JSON Lines; a later record of an id replaces the earlier.
//!
//! | Zammad field | field |
//! |---|---|
//! | `id` | `id` (required) |
//! | `customer_id` | `customer_id` |
//! | `created_at` | `created_at` (required) |
//! | `first_response_at` | `first_response_at` |
//! | `close_at` (the first close) | `first_resolved_at`, for a ticket that ends closed |
//! | `last_close_at` (absent before Zammad 6: the first close stands) | `resolved_at`, for a ticket that ends closed |
//! | `state`, else `state_id` by Zammad's default states (1 new, 2 open, 3 pending reminder, 4 closed, 5 merged, 6 removed, 7 pending close) | `status`: `new` → new, `open` → open, `pending reminder` / `pending close` → pending, `closed` → closed, `merged` / `removed` → cancelled; another is [`ErrorKind::UnmappedStatus`](crate::ErrorKind::UnmappedStatus) |
//! | `priority`, else `priority_id` | `priority` |
//! | `create_article_type`, else `create_article_type_id` | `channel` |
//! | `group`, else `group_id` | `team` |
//! | `owner_id` (1, Zammad's "-" user, is nobody) | `assignee` |
//! | `articles`, derived (below) | `agent_replies` (no articles: unknown) |
//! | `articles` and `history`, derived | `reopens` (either missing: unknown) |
//!
//! Event log ([`read_zammad_events`]): `Created` at `created_at`, and the ticket's first
//! state (the first state change's `value_from`, else its current `state`) there; each
//! article: `sender` Customer → a customer reply, Agent → an agent reply, System → a system
//! message; public unless `internal` or of `type` `note` (Zammad counts neither as a
//! response); each history entry of the ticket: `updated` `state` → a status change to
//! `value_to`, `merged_into` → a merge into `id_to`. Without `history` the log has no status
//! changes. The tests check that the log, derived by the library's rules, gives Zammad's own
//! `first_response_at`, `close_at` and `last_close_at`. One known difference: on a ticket an
//! agent opened with a communication article (an outbound email or phone note), Zammad takes
//! that article as the first response, the derivation takes the next agent reply after it
//! (the opening message is no response to the customer); the summary keeps Zammad's.

use super::json::{
    Record, documents, history_of, latest_per_id, read_each, read_each_at, records,
    without_positions,
};
use crate::error::{Error, Result};
use crate::io::{ReadOptions, ReadOutcome};
use crate::model::{Author, EventKind, Status, StatusMap, Ticket, TicketEvent, TicketId};
use serde_json::Value;
use std::io::Read;

/// Zammad's default ticket states.
pub(crate) fn status_map() -> StatusMap {
    StatusMap::new()
        .with("new", Status::New)
        .with("open", Status::Open)
        .with("pending reminder", Status::Pending)
        .with("pending close", Status::Pending)
        .with("closed", Status::Closed)
        .with("merged", Status::Cancelled)
        .with("removed", Status::Cancelled)
}

/// A default state's name by its id (Zammad's seeds).
fn state_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "1" => "new",
        "2" => "open",
        "3" => "pending reminder",
        "4" => "closed",
        "5" => "merged",
        "6" => "removed",
        "7" => "pending close",
        _ => return None,
    })
}

fn tickets(input: impl Read) -> Result<Vec<(u64, Value)>> {
    let (items, _) = records(documents(input)?, "tickets", &[])?;
    Ok(latest_per_id(items))
}

/// Reads Zammad tickets into summary tickets (see the [module docs](self)).
///
/// # Errors
/// As [`read_zendesk_json`](super::zendesk_json::read_zendesk_json).
///
/// # Example
/// ```
/// use supportkpi::io::presets::zammad::read_zammad;
/// use supportkpi::io::ReadOptions;
/// let doc = r#"[{"id": 7, "state": "closed", "created_at": "2021-06-01T09:00:00.000Z",
///   "first_response_at": "2021-06-01T09:10:00.000Z", "close_at": "2021-06-01T10:00:00.000Z"}]"#;
/// let t = &read_zammad(doc.as_bytes(), &ReadOptions::new())?.records[0];
/// assert_eq!((t.first_response_seconds(), t.resolution_seconds()), (Some(600), Some(3600)));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn read_zammad(input: impl Read, options: &ReadOptions) -> Result<ReadOutcome<Ticket>> {
    let items = tickets(input)?;
    let map = options.status_map.clone().unwrap_or_else(status_map);
    read_each(&items, options, "ticket", |r| ticket(r, &map, options))
}

/// Reads Zammad tickets' articles and history into an event log (see the [module
/// docs](self)).
///
/// # Errors
/// As [`read_zammad`]; a bad article or history entry is its ticket's error (record `event`).
pub fn read_zammad_events(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<Vec<TicketEvent>>> {
    read_zammad_events_at(input, options).map(without_positions)
}

/// [`read_zammad_events`], each ticket's events with its record's position.
pub(crate) fn read_zammad_events_at(
    input: impl Read,
    options: &ReadOptions,
) -> Result<ReadOutcome<(u64, Vec<TicketEvent>)>> {
    let items = tickets(input)?;
    read_each_at(&items, options, "event", |r| events(r, options))
}

/// A named attribute (`expand=true`), else its id.
fn named(record: &Record<'_>, name: &str) -> Result<Option<String>> {
    match record.text(&[name])? {
        Some(v) => Ok(Some(v)),
        None => record.text(&[&format!("{name}_id")]),
    }
}

/// The ticket's state name, and the field it came from.
fn state(record: &Record<'_>) -> Result<Option<(String, &'static str)>> {
    if let Some(s) = record.text(&["state"])? {
        return Ok(Some((s, "state")));
    }
    Ok(record.text(&["state_id"])?.map(|id| {
        let name = state_name(&id).map_or_else(|| format!("state_id {id}"), str::to_owned);
        (name, "state_id")
    }))
}

fn array<'a>(record: &Record<'a>, key: &str) -> Option<&'a [Value]> {
    record
        .get(&[key])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
}

fn ticket(record: &Record<'_>, map: &StatusMap, options: &ReadOptions) -> Result<Ticket> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["created_at"], options)?;
    let mut b = Ticket::builder(id, created);
    let status = match state(record)? {
        Some((s, field)) => Some(map.resolve(&s).map_err(|e| e.with_field(field))?),
        None => None,
    };
    if let Some(s) = status {
        b = b.status(s);
    }
    if let Some(v) = record.text(&["customer_id"])? {
        b = b.customer_id(v);
    }
    if let Some(v) = named(record, "priority")? {
        b = b.priority(v);
    }
    if let Some(v) = named(record, "create_article_type")? {
        b = b.channel(v);
    }
    if let Some(v) = named(record, "group")? {
        b = b.team(v);
    }
    if let Some(v) = record.text(&["owner_id"])?.filter(|v| v != "1") {
        b = b.assignee(v);
    }
    if let Some(at) = record.instant(&["first_response_at"], options)? {
        b = b.first_response_at(at);
    }
    if super::resolved_only_if_resolved(status) {
        if let Some(at) = record.instant(&["close_at"], options)? {
            b = b.first_resolved_at(at);
        }
        if let Some(at) = record.instant(&["last_close_at"], options)? {
            b = b.resolved_at(at);
        }
    }
    if array(record, "articles").is_some() {
        if let Some(h) = history_of(events(record, options)?, map)? {
            b = b.agent_replies(h.public_agent_replies());
            if array(record, "history").is_some() {
                b = b.reopens(h.reopens());
            }
        }
    }
    b.build()
}

fn events(record: &Record<'_>, options: &ReadOptions) -> Result<Vec<TicketEvent>> {
    let id = record.required_text(&["id"])?;
    let created = record.required_instant(&["created_at"], options)?;
    let mut out = vec![TicketEvent::new(id.as_str(), created, EventKind::Created)];
    let history = array(record, "history").unwrap_or_default();
    let mut changes = Vec::new();
    for (i, entry) in history.iter().enumerate() {
        let h = Record::new(entry).map_err(|e| e.with_field(format!("history[{i}]")))?;
        let field = |e: Error| {
            let f = e.field().unwrap_or_default().to_owned();
            e.with_field(format!("history[{i}].{f}"))
        };
        // Only the ticket's own entries: its articles' are in the same list.
        if h.text(&["object"]).map_err(field)?.as_deref() != Some("Ticket") {
            continue;
        }
        let kind = match (
            h.text(&["type"]).map_err(field)?.as_deref(),
            h.text(&["attribute"]).map_err(field)?.as_deref(),
        ) {
            (Some("updated"), Some("state")) => {
                let from = h.text(&["value_from"]).map_err(field)?;
                match h.text(&["value_to"]).map_err(field)? {
                    Some(to) => (from, EventKind::StatusChange { to }),
                    None => continue,
                }
            }
            (Some("merged_into"), _) => match h.text(&["id_to"]).map_err(field)? {
                Some(into) => (
                    None,
                    EventKind::Merged {
                        into: TicketId::from(into),
                    },
                ),
                None => continue,
            },
            _ => continue,
        };
        let at = h
            .required_instant(&["created_at"], options)
            .map_err(field)?;
        changes.push((at, kind));
    }
    let first_state = changes
        .iter()
        .find_map(|(_, (from, kind))| match kind {
            EventKind::StatusChange { .. } => Some(from.clone()),
            _ => None,
        })
        .flatten();
    let initial = match first_state {
        Some(s) => Some(s),
        None if !history.is_empty() => state(record)?.map(|(s, _)| s),
        None => None,
    };
    if let Some(to) = initial {
        out.push(TicketEvent::new(
            id.as_str(),
            created,
            EventKind::StatusChange { to },
        ));
    }
    for (i, article) in array(record, "articles")
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let a = Record::new(article).map_err(|e| e.with_field(format!("articles[{i}]")))?;
        let field = |e: Error| {
            let f = e.field().unwrap_or_default().to_owned();
            e.with_field(format!("articles[{i}].{f}"))
        };
        let sender = match a.text(&["sender"]).map_err(field)? {
            Some(s) => Some(s),
            // Zammad's default senders.
            None => a.text(&["sender_id"]).map_err(field)?.map(|id| {
                match id.as_str() {
                    "1" => "Agent",
                    "2" => "Customer",
                    _ => "System",
                }
                .to_owned()
            }),
        };
        let author = match sender.as_deref() {
            Some("Agent") => Author::Agent,
            Some("Customer") => Author::Customer,
            _ => Author::System,
        };
        let internal = a
            .get(&["internal"])
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let note = a.text(&["type"]).map_err(field)?.as_deref() == Some("note");
        let at = a
            .required_instant(&["created_at"], options)
            .map_err(field)?;
        out.push(TicketEvent::new(
            id.as_str(),
            at,
            EventKind::Reply {
                author,
                public: !internal && !note,
            },
        ));
    }
    out.extend(
        changes
            .into_iter()
            .map(|(at, (_, kind))| TicketEvent::new(id.as_str(), at, kind)),
    );
    Ok(out)
}
