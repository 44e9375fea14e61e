//! What the JSON API presets share: reading a vendor's API response (or many) into records,
//! and small typed accessors that name the field and value in their errors.
//!
//! An API export is read as a stream of JSON values separated by whitespace, so one file can
//! be one response (an object with the vendor's top-level key, e.g. `{"tickets": [...]}`), a
//! bare array of records, several responses (one page per line, as a paging script writes
//! them), or JSON Lines of records. Every record is numbered by its position in the file
//! (1-based): that number is the [`Rejected::line`](crate::io::Rejected::line) of its errors.

use crate::error::{Error, ErrorKind, Result};
use crate::io::{ErrorMode, ReadOptions, ReadOutcome, Rejected};
use crate::model::Instant;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Read;

/// The JSON values of a file, in order.
pub(crate) fn documents(input: impl Read) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    let stream = serde_json::Deserializer::from_reader(std::io::BufReader::new(input));
    for value in stream.into_iter::<Value>() {
        match value {
            Ok(v) => out.push(v),
            Err(e) if e.is_io() => {
                return Err(Error::new(ErrorKind::Io, e.to_string()));
            }
            Err(e) => {
                return Err(
                    Error::new(ErrorKind::InvalidValue, format!("a JSON document ({e})"))
                        .with_line(e.line() as u64),
                );
            }
        }
    }
    Ok(out)
}

/// The records of the documents: the array under `key` of each object that has it, the
/// elements of a bare array, or an object that is itself a record (has no `key`).
/// `side` names further top-level arrays to collect (sideloads such as `metric_sets`).
pub(crate) fn records(
    documents: Vec<Value>,
    key: &str,
    side: &[&str],
) -> Result<(Vec<Value>, Vec<Vec<Value>>)> {
    let mut records = Vec::new();
    let mut sides = vec![Vec::new(); side.len()];
    for doc in documents {
        match doc {
            Value::Array(items) => records.extend(items),
            Value::Object(mut object) => {
                if !object.contains_key(key) {
                    records.push(Value::Object(object));
                    continue;
                }
                match object.remove(key) {
                    Some(Value::Array(items)) => records.extend(items),
                    Some(Value::Null) | None => {}
                    Some(other) => {
                        return Err(Error::new(
                            ErrorKind::InvalidValue,
                            format!("`{key}` is an array of records"),
                        )
                        .with_field(key)
                        .with_value(short(&other)));
                    }
                }
                for (name, slot) in side.iter().zip(&mut sides) {
                    if let Some(Value::Array(items)) = object.remove(*name) {
                        slot.extend(items);
                    }
                }
            }
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("an object with `{key}`, an array of records or a record"),
                )
                .with_value(short(&other)));
            }
        }
    }
    Ok((records, sides))
}

/// A value for an error message: its JSON text, cut to 80 characters.
pub(crate) fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// One record: its fields, with errors naming the field, the value and the rule.
pub(crate) struct Record<'a> {
    pub(crate) object: &'a Map<String, Value>,
}

impl<'a> Record<'a> {
    pub(crate) fn new(value: &'a Value) -> Result<Self> {
        match value {
            Value::Object(object) => Ok(Record { object }),
            other => Err(
                Error::new(ErrorKind::InvalidValue, "a record is a JSON object")
                    .with_value(short(other)),
            ),
        }
    }

    /// The value at a path of keys (`["via", "channel"]`), `None` when absent or null.
    pub(crate) fn get(&self, path: &[&str]) -> Option<&'a Value> {
        let (first, rest) = path.split_first()?;
        let mut value = self.object.get(*first)?;
        for key in rest {
            value = value.as_object()?.get(*key)?;
        }
        (!value.is_null()).then_some(value)
    }

    /// A text or number as text (ids are numbers in most APIs); `None` when absent, null or "".
    pub(crate) fn text(&self, path: &[&str]) -> Result<Option<String>> {
        match self.get(path) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(Error::new(ErrorKind::InvalidValue, "a text or a number")
                .with_field(path.join("."))
                .with_value(short(other))),
        }
    }

    /// A required text or number.
    pub(crate) fn required_text(&self, path: &[&str]) -> Result<String> {
        self.text(path)?.ok_or_else(|| {
            Error::new(ErrorKind::MissingField, "a required field").with_field(path.join("."))
        })
    }

    /// A timestamp: an RFC 3339 text through the options' format, or (`epoch` true) a number
    /// of seconds since the Unix epoch.
    pub(crate) fn instant(&self, path: &[&str], options: &ReadOptions) -> Result<Option<Instant>> {
        let field = || path.join(".");
        match self.get(path) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => options
                .timestamps
                .parse(s)
                .map(Some)
                .map_err(|e| e.with_field(field())),
            Some(Value::Number(n)) => {
                let seconds = n.as_i64().ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidTimestamp,
                        "whole seconds since the Unix epoch",
                    )
                    .with_field(field())
                    .with_value(n)
                })?;
                chrono::DateTime::from_timestamp(seconds, 0)
                    .map(Some)
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidTimestamp,
                            "seconds since the Unix epoch within the range of instants",
                        )
                        .with_field(field())
                        .with_value(n)
                    })
            }
            Some(other) => Err(Error::new(
                ErrorKind::InvalidTimestamp,
                "an RFC 3339 timestamp or seconds since the Unix epoch",
            )
            .with_field(field())
            .with_value(short(other))),
        }
    }

    /// A required timestamp.
    pub(crate) fn required_instant(&self, path: &[&str], options: &ReadOptions) -> Result<Instant> {
        self.instant(path, options)?.ok_or_else(|| {
            Error::new(ErrorKind::MissingField, "a required timestamp").with_field(path.join("."))
        })
    }

    /// A whole number ≥ 0 (also given as a numeric text).
    pub(crate) fn count(&self, path: &[&str]) -> Result<Option<u32>> {
        let bad = |v: &Value| {
            Error::new(ErrorKind::InvalidValue, "a whole number ≥ 0")
                .with_field(path.join("."))
                .with_value(short(v))
        };
        match self.get(path) {
            None => Ok(None),
            Some(v @ Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| bad(v)),
            Some(v @ Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad(v)),
            Some(v) => Err(bad(v)),
        }
    }

    /// A number of minutes (whole or decimal) as a decimal.
    pub(crate) fn minutes(&self, path: &[&str]) -> Result<Option<rust_decimal::Decimal>> {
        match self.get(path) {
            None => Ok(None),
            Some(Value::Number(n)) => n.to_string().parse().map(Some).map_err(|_| {
                Error::new(ErrorKind::InvalidValue, "a number of minutes")
                    .with_field(path.join("."))
                    .with_value(n)
            }),
            Some(other) => Err(Error::new(ErrorKind::InvalidValue, "a number of minutes")
                .with_field(path.join("."))
                .with_value(short(other))),
        }
    }

    /// The texts of an array of texts (`tags`); empty when absent or null.
    pub(crate) fn texts(&self, path: &[&str]) -> Vec<&'a str> {
        self.get(path)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

/// The records with their 1-based positions, a later record of an id replacing the earlier.
pub(crate) fn latest_per_id(records: Vec<Value>) -> Vec<(u64, Value)> {
    let mut slot: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Option<(u64, Value)>> = Vec::with_capacity(records.len());
    for (i, value) in records.into_iter().enumerate() {
        let id = match value.get("id") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        if let Some(id) = id {
            if let Some(&earlier) = slot.get(&id) {
                out[earlier] = None;
            }
            slot.insert(id, out.len());
        }
        out.push(Some((i as u64 + 1, value)));
    }
    out.into_iter().flatten().collect()
}

/// Accepted and rejected records by the options' error mode.
pub(crate) fn collect<T>(
    options: &ReadOptions,
    items: impl Iterator<Item = Result<T>>,
) -> Result<ReadOutcome<T>> {
    let mut out = ReadOutcome {
        records: Vec::new(),
        rejected: Vec::new(),
        read: 0,
    };
    for item in items {
        out.read += 1;
        match item {
            Ok(record) => out.records.push(record),
            Err(error) if options.error_mode() == ErrorMode::Strict => return Err(error),
            Err(error) => out.rejected.push(Rejected {
                line: error.line().unwrap_or(0),
                error,
            }),
        }
    }
    Ok(out)
}

/// The documents with each object's `outer` object in its place (`{"_embedded": {...}}`,
/// `{"data": {"payload": [...]}}`): APIs that wrap their page in an envelope.
pub(crate) fn unwrap_envelope(documents: Vec<Value>, outer: &str) -> Vec<Value> {
    documents
        .into_iter()
        .map(|doc| match doc {
            Value::Object(mut object) if object.get(outer).is_some_and(Value::is_object) => {
                object.remove(outer).unwrap_or(Value::Null)
            }
            other => other,
        })
        .collect()
}

/// One ticket's history from its own events, by the library's derivation rules: what a
/// document preset that embeds a ticket's messages takes its first response, reply and reopen
/// counts from, so those rules stay in [`derive_histories`](crate::model::derive_histories).
pub(crate) fn history_of(
    events: Vec<crate::model::TicketEvent>,
    map: &crate::model::StatusMap,
) -> Result<Option<crate::model::TicketHistory>> {
    let histories =
        crate::model::derive_histories(events, map, crate::model::DeriveOptions::new())?;
    Ok(histories.into_iter().next())
}

/// Reads each positioned record with `read`, every error naming the record type, the
/// record's position as its line and its `id` when it has one: what every JSON API preset's
/// readers share.
pub(crate) fn read_each<T>(
    items: &[(u64, Value)],
    options: &ReadOptions,
    record_type: &'static str,
    read: impl Fn(&Record<'_>) -> Result<T>,
) -> Result<ReadOutcome<T>> {
    read_each_at(items, options, record_type, read).map(without_positions)
}

/// [`read_each`], each accepted record with its position: for a caller that rejects an
/// accepted record later (a ticket whose event log cannot be derived) at its position.
pub(crate) fn read_each_at<T>(
    items: &[(u64, Value)],
    options: &ReadOptions,
    record_type: &'static str,
    read: impl Fn(&Record<'_>) -> Result<T>,
) -> Result<ReadOutcome<(u64, T)>> {
    collect(
        options,
        items.iter().map(|(position, value)| {
            let record = Record::new(value).map_err(|e| e.with_line(*position))?;
            read(&record).map(|r| (*position, r)).map_err(|e| {
                let e = e.with_record_type(record_type).with_line(*position);
                match record.text(&["id"]).ok().flatten() {
                    Some(id) => e.with_id(id),
                    None => e,
                }
            })
        }),
    )
}

/// The records of an outcome without their positions.
pub(crate) fn without_positions<T>(out: ReadOutcome<(u64, T)>) -> ReadOutcome<T> {
    ReadOutcome {
        records: out.records.into_iter().map(|(_, r)| r).collect(),
        rejected: out.rejected,
        read: out.read,
    }
}

/// The records numbered by their 1-based positions (for files without ids to deduplicate).
pub(crate) fn positioned(records: Vec<Value>) -> Vec<(u64, Value)> {
    records
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i as u64 + 1, v))
        .collect()
}
