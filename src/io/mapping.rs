//! Which source column feeds which field: the column mapping, the layout a header resolves to,
//! and the row view the record parsers read fields through.

use super::ReadOptions;
use crate::error::{Error, ErrorKind, Result};
use crate::model::Instant;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::str::FromStr;

/// Source column → record field, for inputs whose columns are not named as the fields.
///
/// Without a mapping (and without a preset) the readers expect the *canonical layout*: columns
/// named exactly as the record fields (see the [module docs](crate::io#the-canonical-layout)).
/// With one, a column named in the mapping feeds its field or dimension; any other column still
/// feeds the field it is named after; the rest are extra columns, kept as free-form ticket
/// dimensions when [`ReadOptions::keep_extra_columns`] is on and ignored otherwise.
///
/// Column names match exactly unless [`ignore_case`](ColumnMapping::ignore_case) is on (then
/// ASCII case and surrounding whitespace are ignored). The same names apply to the keys of a
/// JSON Lines object.
///
/// # Example
/// ```
/// use supportkpi::io::{ColumnMapping, ReadOptions, TicketReader};
///
/// let csv = "Ticket ID,Opened,Plan,Internal\nT-1,2021-06-01T08:00:00Z,pro,x\n";
/// let mapping = ColumnMapping::new()
///     .map("Ticket ID", "id")
///     .map("Opened", "created_at")
///     .dimension("Plan", "plan");
/// let options = ReadOptions::new().mapping(mapping);
/// let tickets: Vec<_> = TicketReader::csv(csv.as_bytes(), &options)?.collect();
/// let ticket = tickets[0].as_ref().unwrap();
/// assert_eq!(ticket.id().as_str(), "T-1");
/// assert_eq!(ticket.dimension("plan"), Some("pro"));
/// assert_eq!(ticket.dimension("Internal"), None); // extra columns only on request
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    entries: Vec<(String, Target)>,
    ignore_case: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Field(String),
    Dimension(String),
    Ignore,
}

impl ColumnMapping {
    /// Whether no column is mapped.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// An empty mapping: every column is read by its own name.
    pub fn new() -> Self {
        ColumnMapping::default()
    }

    /// Reads column `source` as `field` (a field name of the canonical layout). A field no
    /// record type has is an [`ErrorKind::InvalidOption`] when a reader is built.
    #[must_use]
    pub fn map(mut self, source: impl Into<String>, field: impl Into<String>) -> Self {
        self.entries
            .push((source.into(), Target::Field(field.into())));
        self
    }

    /// The source columns read as `field`, in the order they were mapped.
    pub(crate) fn sources_of(&self, field: &str) -> Vec<String> {
        self.entries
            .iter()
            .filter(|(_, t)| matches!(t, Target::Field(f) if f == field))
            .map(|(source, _)| source.clone())
            .collect()
    }

    /// Keeps column `source` as the free-form ticket dimension `name` (other record types
    /// ignore dimensions).
    #[must_use]
    pub fn dimension(mut self, source: impl Into<String>, name: impl Into<String>) -> Self {
        self.entries
            .push((source.into(), Target::Dimension(name.into())));
        self
    }

    /// Ignores column `source`, even when it is named as a field or extra columns are kept.
    #[must_use]
    pub fn ignore(mut self, source: impl Into<String>) -> Self {
        self.entries.push((source.into(), Target::Ignore));
        self
    }

    /// Matches column names ignoring ASCII case and surrounding whitespace (off by default).
    #[must_use]
    pub fn ignore_case(mut self, on: bool) -> Self {
        self.ignore_case = on;
        self
    }

    /// Whether `a` (a column name in the input) is `b` (a name in the mapping).
    fn same(&self, a: &str, b: &str) -> bool {
        if self.ignore_case {
            a.trim().eq_ignore_ascii_case(b.trim())
        } else {
            a == b
        }
    }

    fn target(&self, column: &str) -> Option<&Target> {
        self.entries
            .iter()
            .find(|(source, _)| self.same(column, source))
            .map(|(_, t)| t)
    }

    /// The required keys' columns a preset's mapping names and `header` lacks, each as its
    /// names (`"Created at"`, or `"Id or ID"`): a preset reads its vendor's columns, and a file
    /// whose required columns only match the canonical names (a canonical file read with the
    /// wrong preset) would be read without the columns the preset computes from.
    pub(crate) fn missing_required(&self, required: &[&str], header: &[&str]) -> Vec<String> {
        let mut missing = Vec::new();
        for key in required {
            let sources: Vec<&str> = self
                .entries
                .iter()
                .filter(|(_, t)| matches!(t, Target::Field(f) if f == key))
                .map(|(s, _)| s.as_str())
                .collect();
            let present = |source: &str| {
                header
                    .iter()
                    .any(|h| self.same(h.trim_start_matches('\u{feff}').trim(), source))
            };
            if !sources.is_empty() && !sources.iter().any(|s| present(s)) {
                missing.push(sources.join(" or "));
            }
        }
        missing
    }

    /// The entries added after `base`'s: a user's mapping layered over a preset's.
    pub(crate) fn layered_over(&self, base: &ColumnMapping) -> ColumnMapping {
        let mut entries = self.entries.clone();
        entries.extend(base.entries.iter().cloned());
        ColumnMapping {
            entries,
            ignore_case: self.ignore_case || base.ignore_case,
        }
    }
}

/// A preset reads its vendor's export: the error when a header (or a table's columns) `names`
/// lacks a required column by the preset's names — a canonical file, or another vendor's
/// export, read with the wrong preset. Without a preset, or with a mapping of the user's
/// (which states the layout itself), nothing is checked. Every reader of named columns (CSV,
/// Arrow, Parquet) calls it before its first record.
pub(crate) fn check_preset_columns(
    schema: Schema,
    mapping: &ColumnMapping,
    options: &ReadOptions,
    names: &[&str],
) -> Result<()> {
    let Some(preset) = options.preset_kind().filter(|_| options.mapping.is_empty()) else {
        return Ok(());
    };
    let missing = mapping.missing_required(schema.required, names);
    let Some(first) = missing.first() else {
        return Ok(());
    };
    Err(Error::new(
        ErrorKind::MissingField,
        format!(
            "the {preset} preset reads its export's columns, and the input has no {}: is it \
             another export (name its preset, or none for the canonical layout)?",
            missing.join(", ")
        ),
    )
    .with_record_type(schema.record_type)
    .with_field(first.clone())
    .with_value(names.join(",")))
}

/// What a reader reads: the record type, its keys (canonical fields, plus a preset's own
/// columns), and which keys must have a column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schema {
    pub(crate) record_type: &'static str,
    pub(crate) keys: &'static [&'static str],
    pub(crate) required: &'static [&'static str],
    /// The key whose value names the record in errors.
    pub(crate) id_key: Option<&'static str>,
}

impl Schema {
    fn index(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| *k == key)
    }
}

/// Where each key's value is: a CSV column index, or a JSON object key.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) schema: Schema,
    /// By key index: the column (CSV) and the source name as the input spells it.
    columns: Vec<Option<(usize, String)>>,
    /// Extra CSV columns kept as dimensions: column index, dimension name.
    extras: Vec<(usize, String)>,
    mapping: ColumnMapping,
    keep_extra: bool,
    /// The number of columns in the header (CSV).
    pub(crate) width: usize,
}

fn invalid_option(rule: String) -> Error {
    Error::new(ErrorKind::InvalidOption, rule).with_field("mapping")
}

impl Layout {
    fn check_targets(schema: Schema, mapping: &ColumnMapping) -> Result<()> {
        for (source, target) in &mapping.entries {
            if let Target::Field(field) = target {
                if schema.index(field).is_none() {
                    return Err(invalid_option(format!(
                        "column {source:?} is mapped to {field:?}, which is not a field of a \
                         {} (fields: {})",
                        schema.record_type,
                        schema.keys.join(", ")
                    ))
                    .with_value(field));
                }
            }
        }
        Ok(())
    }

    /// Resolves a CSV header; a required key without a column is an error on line 1.
    pub(crate) fn from_header(
        schema: Schema,
        mapping: &ColumnMapping,
        keep_extra: bool,
        header: &[&str],
    ) -> Result<Layout> {
        let layout = Layout::of_columns(schema, mapping, keep_extra, header)?;
        layout
            .check_required("header")
            .map_err(|e| e.with_line(1))?;
        Ok(layout)
    }

    /// The check of [`from_header`](Self::from_header) for the columns of a table (an Arrow
    /// schema, a Parquet file's), which has no header line: a required key without a column is
    /// a [`ErrorKind::MissingField`] before any row.
    pub(crate) fn check_table_columns(
        schema: Schema,
        mapping: &ColumnMapping,
        names: &[&str],
    ) -> Result<()> {
        Layout::of_columns(schema, mapping, false, names)?.check_required("table")
    }

    /// Resolves named columns (a header, a table's), required or not.
    fn of_columns(
        schema: Schema,
        mapping: &ColumnMapping,
        keep_extra: bool,
        header: &[&str],
    ) -> Result<Layout> {
        Layout::check_targets(schema, mapping)?;
        let mut columns: Vec<Option<(usize, String)>> = vec![None; schema.keys.len()];
        let mut extras = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            // A UTF-8 byte order mark, as spreadsheet tools write, is not part of the name.
            let name = raw.trim_start_matches('\u{feff}').trim();
            let key = match mapping.target(name) {
                Some(Target::Field(field)) => schema.index(field),
                Some(Target::Dimension(dim)) => {
                    extras.push((i, dim.clone()));
                    None
                }
                Some(Target::Ignore) => None,
                None => match schema.index(name) {
                    Some(k) => Some(k),
                    None => {
                        if keep_extra && !name.is_empty() {
                            extras.push((i, name.to_owned()));
                        }
                        None
                    }
                },
            };
            if let Some(k) = key {
                if let Some((_, other)) = &columns[k] {
                    return Err(invalid_option(format!(
                        "columns {other:?} and {name:?} both feed the field {}",
                        schema.keys[k]
                    ))
                    .with_value(name)
                    .with_line(1));
                }
                columns[k] = Some((i, name.to_owned()));
            }
        }
        let layout = Layout {
            schema,
            columns,
            extras,
            mapping: mapping.clone(),
            keep_extra,
            width: header.len(),
        };
        Ok(layout)
    }

    /// The first required key without a column, as an error naming it (`what`: the header, the
    /// table).
    fn check_required(&self, what: &str) -> Result<()> {
        let (schema, mapping) = (self.schema, &self.mapping);
        for key in schema.required {
            if self.column(key).is_none() {
                let sources: Vec<&str> = mapping
                    .entries
                    .iter()
                    .filter(|(_, t)| matches!(t, Target::Field(f) if f == key))
                    .map(|(s, _)| s.as_str())
                    .collect();
                let wanted = if sources.is_empty() {
                    format!("a column named {key}")
                } else {
                    format!("a column named {}", sources.join(" or "))
                };
                return Err(Error::new(
                    ErrorKind::MissingField,
                    format!("the {what} has no column for the required field {key} ({wanted})"),
                )
                .with_record_type(schema.record_type)
                .with_field(*key));
            }
        }
        Ok(())
    }

    /// A layout for JSON Lines: keys are looked up in each object.
    pub(crate) fn for_json(
        schema: Schema,
        mapping: &ColumnMapping,
        keep_extra: bool,
    ) -> Result<Layout> {
        Layout::check_targets(schema, mapping)?;
        Ok(Layout {
            schema,
            columns: vec![None; schema.keys.len()],
            extras: Vec::new(),
            mapping: mapping.clone(),
            keep_extra,
            width: 0,
        })
    }

    /// The dimension a JSON key is kept as: the mapping's name for it, or with extra columns
    /// kept the key itself when it feeds no field; `None` for a key feeding a field or ignored.
    pub(crate) fn json_dimension(&self, key: &str) -> Option<String> {
        match self.mapping.target(key) {
            Some(Target::Dimension(dim)) => Some(dim.clone()),
            Some(_) => None,
            None if self.keep_extra && self.schema.index(key).is_none() => Some(key.to_owned()),
            None => None,
        }
    }

    fn column(&self, key: &str) -> Option<&(usize, String)> {
        self.schema
            .index(key)
            .and_then(|k| self.columns[k].as_ref())
    }

    /// The CSV column of `key` (by its index in the schema's keys), resolved once per file by
    /// the columnar readers instead of a search by name per cell.
    pub(crate) fn column_at(&self, key_index: usize) -> Option<usize> {
        self.columns.get(key_index)?.as_ref().map(|(i, _)| *i)
    }

    /// What [`Row::source_name`] gives for a CSV row, borrowed.
    pub(crate) fn csv_source_name<'k>(&'k self, key: &'k str) -> &'k str {
        self.column(key).map_or(key, |(_, name)| name.as_str())
    }

    /// The extra CSV columns kept as dimensions: column index and dimension name.
    pub(crate) fn extras(&self) -> &[(usize, String)] {
        &self.extras
    }

    /// The source names (mapped, then the key itself) a JSON object may use for `key`.
    pub(crate) fn json_value<'v>(
        &self,
        key: &str,
        object: &'v Map<String, Value>,
    ) -> Option<(&'v str, &'v Value)> {
        let mapped = self
            .mapping
            .entries
            .iter()
            .filter_map(|(source, t)| match t {
                Target::Field(f) if f == key => Some(source.as_str()),
                _ => None,
            });
        for source in mapped.chain(std::iter::once(key)) {
            let found = object.iter().find(|(k, _)| self.mapping.same(k, source));
            if let Some((k, v)) = found {
                // A key the mapping sends elsewhere does not feed the field named like it.
                if source == key && self.mapping.target(k).is_some() {
                    continue;
                }
                return Some((k.as_str(), v));
            }
        }
        None
    }
}

/// One record's cells, as the record parsers see them.
pub(crate) enum Cells<'a> {
    Csv(&'a csv::StringRecord),
    Json(&'a Map<String, Value>),
}

/// A row of input: its line, its cells and how to read them. Every accessor returns an error
/// naming the field (as the input names it) and the value; the reader adds the record type,
/// the line and the id.
pub(crate) struct Row<'a> {
    pub(crate) line: u64,
    pub(crate) cells: Cells<'a>,
    pub(crate) layout: &'a Layout,
    pub(crate) options: &'a ReadOptions,
}

impl<'a> Row<'a> {
    /// The name the input gives the key's column (the key itself when it has none).
    pub(crate) fn source_name(&self, key: &str) -> String {
        match &self.cells {
            Cells::Csv(_) => self
                .layout
                .column(key)
                .map_or_else(|| key.to_owned(), |(_, name)| name.clone()),
            Cells::Json(object) => self
                .layout
                .json_value(key, object)
                .map_or_else(|| key.to_owned(), |(k, _)| k.to_owned()),
        }
    }

    /// Whether the input has a column (CSV) or, in this object, a key (JSON) for `key`.
    pub(crate) fn has_column(&self, key: &str) -> bool {
        match &self.cells {
            Cells::Csv(_) => self.layout.column(key).is_some(),
            Cells::Json(object) => self.layout.json_value(key, object).is_some(),
        }
    }

    fn null(&self, text: &str) -> bool {
        self.options.null_tokens.iter().any(|t| t == text)
    }

    /// The key's text, trimmed; `None` when absent or a null token.
    pub(crate) fn text(&self, key: &str) -> Result<Option<Cow<'a, str>>> {
        let raw: Cow<'a, str> = match &self.cells {
            Cells::Csv(record) => {
                let Some((i, _)) = self.layout.column(key) else {
                    return Ok(None);
                };
                match record.get(*i) {
                    Some(s) => Cow::Borrowed(s.trim()),
                    None => return Ok(None),
                }
            }
            Cells::Json(object) => match self.layout.json_value(key, object) {
                None | Some((_, Value::Null)) => return Ok(None),
                Some((_, Value::String(s))) => Cow::Borrowed(s.trim()),
                Some((_, Value::Number(n))) => Cow::Owned(n.to_string()),
                Some((_, Value::Bool(b))) => Cow::Owned(b.to_string()),
                Some((name, other)) => {
                    return Err(Error::new(
                        ErrorKind::InvalidValue,
                        "expected a string, number, boolean or null",
                    )
                    .with_field(name)
                    .with_value(other));
                }
            },
        };
        Ok(if self.null(&raw) { None } else { Some(raw) })
    }

    pub(crate) fn invalid(&self, key: &str, value: &str, rule: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidValue, rule)
            .with_field(self.source_name(key))
            .with_value(value)
    }

    /// The key's text, which must be present.
    pub(crate) fn required(&self, key: &str) -> Result<Cow<'a, str>> {
        self.text(key)?.ok_or_else(|| self.missing(key))
    }

    /// The error of a required key without a value.
    pub(crate) fn missing(&self, key: &str) -> Error {
        Error::new(ErrorKind::MissingField, format!("{key} is required"))
            .with_field(self.source_name(key))
    }

    /// Parses the key's text with `parse`, naming the field on failure.
    pub(crate) fn parsed<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T>,
    ) -> Result<Option<T>> {
        match self.text(key)? {
            None => Ok(None),
            Some(text) => parse(&text)
                .map(Some)
                .map_err(|e| e.with_field(self.source_name(key))),
        }
    }

    /// An instant, read with the options' timestamp format.
    pub(crate) fn instant(&self, key: &str) -> Result<Option<Instant>> {
        self.parsed(key, |t| self.options.timestamps.parse(t))
    }

    /// An instant that must be present.
    pub(crate) fn required_instant(&self, key: &str) -> Result<Instant> {
        let text = self.required(key)?;
        self.options
            .timestamps
            .parse(&text)
            .map_err(|e| e.with_field(self.source_name(key)))
    }

    /// A local date, read with the options' date format.
    pub(crate) fn date(&self, key: &str) -> Result<Option<NaiveDate>> {
        let format = &self.options.date_format;
        match self.text(key)? {
            None => Ok(None),
            Some(text) => NaiveDate::parse_from_str(&text, format)
                .map(Some)
                .map_err(|_| {
                    Error::new(
                        ErrorKind::InvalidTimestamp,
                        format!("expected a date in the format {format}"),
                    )
                    .with_field(self.source_name(key))
                    .with_value(&*text)
                }),
        }
    }

    /// A parsed number (or anything with `FromStr`), described by `what` on failure.
    pub(crate) fn number<T: FromStr>(&self, key: &str, what: &str) -> Result<Option<T>> {
        match self.text(key)? {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| self.invalid(key, &text, format!("expected {what}"))),
        }
    }

    /// A decimal amount (`1234.50`; no thousands separators).
    pub(crate) fn decimal(&self, key: &str) -> Result<Option<Decimal>> {
        match self.text(key)? {
            None => Ok(None),
            Some(text) => Decimal::from_str(&text)
                .map(Some)
                .map_err(|_| self.invalid(key, &text, "expected a decimal number such as 1234.50")),
        }
    }

    /// A boolean: true/false, yes/no, 1/0, t/f, y/n, any case.
    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>> {
        match self.text(key)? {
            None => Ok(None),
            Some(text) => match text.to_ascii_lowercase().as_str() {
                "true" | "t" | "yes" | "y" | "1" => Ok(Some(true)),
                "false" | "f" | "no" | "n" | "0" => Ok(Some(false)),
                _ => Err(self.invalid(key, &text, "expected true or false")),
            },
        }
    }

    /// The extra columns kept as dimensions (non-null ones), in input order.
    pub(crate) fn dimensions(&self) -> Vec<(String, String)> {
        let keep = |text: &str| {
            let text = text.trim();
            (!self.null(text)).then(|| text.to_owned())
        };
        match &self.cells {
            Cells::Csv(record) => self
                .layout
                .extras
                .iter()
                .filter_map(|(i, name)| {
                    record
                        .get(*i)
                        .and_then(keep)
                        .map(|value| (name.clone(), value))
                })
                .collect(),
            Cells::Json(object) => object
                .iter()
                .filter_map(|(k, v)| {
                    let name = self.layout.json_dimension(k)?;
                    let value = match v {
                        Value::String(s) => keep(s)?,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((name, value))
                })
                .collect(),
        }
    }

    /// The record's id as written, for error context.
    pub(crate) fn id(&self) -> Option<String> {
        let key = self.layout.schema.id_key?;
        self.text(key).ok().flatten().map(Cow::into_owned)
    }
}
