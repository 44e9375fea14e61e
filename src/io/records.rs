//! The canonical layout of each record type, and how a row becomes a record.

use super::mapping::{Row, Schema};
use super::rules::{Cells, Key, Summary};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Author, CostEntry, Currency, Customer, EventKind, Money, TicketEvent};

pub(crate) const TICKET: Schema = Schema {
    record_type: "ticket",
    keys: &[
        "id",
        "customer_id",
        "created_at",
        "first_response_at",
        "first_resolved_at",
        "resolved_at",
        "status",
        "channel",
        "priority",
        "team",
        "assignee",
        "agent_replies",
        "reopens",
    ],
    required: &["id", "created_at"],
    id_key: Some("id"),
};

pub(crate) const EVENT: Schema = Schema {
    record_type: "event",
    keys: &[
        "ticket_id",
        "at",
        "kind",
        "author",
        "public",
        "to",
        "into",
        "agent",
    ],
    required: &["ticket_id", "at", "kind"],
    id_key: Some("ticket_id"),
};

pub(crate) const SURVEY: Schema = Schema {
    record_type: "survey_response",
    keys: &[
        "id",
        "ticket_id",
        "customer_id",
        "responded_at",
        "kind",
        "score",
    ],
    required: &["id", "responded_at", "kind", "score"],
    id_key: Some("id"),
};

pub(crate) const CUSTOMER: Schema = Schema {
    record_type: "customer",
    keys: &[
        "id",
        "acquired_at",
        "churned_at",
        "recurring_revenue",
        "currency",
        "segment",
    ],
    required: &["id", "acquired_at"],
    id_key: Some("id"),
};

pub(crate) const COST: Schema = Schema {
    record_type: "cost_entry",
    keys: &["start", "end", "amount", "currency", "category"],
    required: &["start", "end", "amount"],
    id_key: None,
};

/// The canonical layout's summary ticket, after the fields every layout reads
/// ([`rules::start`](super::rules::start)): the three instants as given, then the status.
pub(crate) fn canonical<C: Cells>(
    c: &mut C,
    s: &mut Summary<C::Text, C::At>,
) -> Result<(), C::Fail> {
    s.first_response = c.instant(Key::FirstResponseAt)?;
    s.first_resolved = c.instant(Key::FirstResolvedAt)?;
    s.resolved = c.instant(Key::ResolvedAt)?;
    s.status = c.status()?;
    Ok(())
}

fn one_of<T: Copy>(row: &Row<'_>, key: &str, choices: &[(&str, T)]) -> Result<Option<T>> {
    let Some(text) = row.text(key)? else {
        return Ok(None);
    };
    let norm = text.to_ascii_lowercase().replace(['-', ' '], "_");
    match choices.iter().find(|(name, _)| *name == norm) {
        Some((_, v)) => Ok(Some(*v)),
        None => {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            Err(Error::new(
                ErrorKind::InvalidValue,
                format!("expected one of {}", names.join(", ")),
            )
            .with_field(row.source_name(key))
            .with_value(&*text))
        }
    }
}

fn required_one_of<T: Copy>(row: &Row<'_>, key: &str, choices: &[(&str, T)]) -> Result<T> {
    row.required(key)?;
    Ok(one_of(row, key, choices)?.unwrap_or(choices[0].1))
}

#[derive(Clone, Copy)]
enum Kind {
    Created,
    Reply,
    StatusChange,
    Assigned,
    Merged,
}

pub(crate) fn event(row: &Row<'_>) -> Result<TicketEvent> {
    let ticket_id = row.required("ticket_id")?;
    let at = row.required_instant("at")?;
    let kind = match required_one_of(
        row,
        "kind",
        &[
            ("created", Kind::Created),
            ("reply", Kind::Reply),
            ("status_change", Kind::StatusChange),
            ("assigned", Kind::Assigned),
            ("merged", Kind::Merged),
        ],
    )? {
        Kind::Created => EventKind::Created,
        Kind::Reply => {
            row.required("author")?;
            let author = required_one_of(
                row,
                "author",
                &[
                    ("agent", Author::Agent),
                    ("customer", Author::Customer),
                    ("bot", Author::Bot),
                    ("system", Author::System),
                ],
            )?;
            // Logs without a visibility column list the conversation customers saw.
            let public = row.boolean("public")?.unwrap_or(true);
            EventKind::Reply { author, public }
        }
        Kind::StatusChange => EventKind::StatusChange {
            to: row.required("to")?.into_owned(),
        },
        Kind::Assigned => EventKind::Assigned {
            to: row.required("to")?.into_owned(),
        },
        Kind::Merged => EventKind::Merged {
            into: row.required("into")?.into_owned().into(),
        },
    };
    let mut event = TicketEvent::new(ticket_id.into_owned(), at, kind);
    if let Some(agent) = row.text("agent")? {
        event = event.with_agent(agent.into_owned());
    }
    Ok(event)
}

fn currency(row: &Row<'_>) -> Result<Option<Currency>> {
    match row.parsed("currency", Currency::new)? {
        Some(c) => Ok(Some(c)),
        None => Ok(row.options.currency),
    }
}

fn money(row: &Row<'_>, key: &str) -> Result<Option<Money>> {
    let Some(amount) = row.decimal(key)? else {
        return Ok(None);
    };
    let currency = currency(row)?.ok_or_else(|| {
        Error::new(
            ErrorKind::MissingField,
            format!("{key} needs a currency (a currency column or ReadOptions::currency)"),
        )
        .with_field(row.source_name("currency"))
    })?;
    Ok(Some(Money::new(amount, currency)))
}

pub(crate) fn customer(row: &Row<'_>) -> Result<Customer> {
    let id = row.required("id")?;
    let acquired = row.required_instant("acquired_at")?;
    let mut c = Customer::new(id.into_owned(), acquired)?;
    if let Some(at) = row.instant("churned_at")? {
        c = c.with_churned_at(at)?;
    }
    if let Some(m) = money(row, "recurring_revenue")? {
        c = c.with_revenue(m);
    }
    if let Some(s) = row.text("segment")? {
        c = c.with_segment(s.into_owned());
    }
    Ok(c)
}

pub(crate) fn cost(row: &Row<'_>) -> Result<CostEntry> {
    let missing = |key: &str| {
        Error::new(ErrorKind::MissingField, format!("{key} is required"))
            .with_field(row.source_name(key))
    };
    let start = row.date("start")?.ok_or_else(|| missing("start"))?;
    let end = row.date("end")?.ok_or_else(|| missing("end"))?;
    let amount = money(row, "amount")?.ok_or_else(|| missing("amount"))?;
    let mut c = CostEntry::new(start, end, amount)?;
    if let Some(cat) = row.text("category")? {
        c = c.with_category(cat.into_owned());
    }
    Ok(c)
}
