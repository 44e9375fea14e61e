//! Arrow values as the readers see them.
//!
//! A table row is read as a JSON object keyed by column name: strings and numbers as they are,
//! temporal values as timestamp text the reader's format reads back to the same instant. Two
//! paths share this module's [`Cell`]s, so they agree on every value:
//!
//! - [`write_json_lines`] writes the rows as JSON Lines for the core's own readers (event logs,
//!   customers, costs, the ServiceNow preset);
//! - the column readers (`table`) read tickets and responses from the cells directly,
//!   following the same JSON rules field by field.

use crate::error::{Error, ErrorKind};
use crate::io::TimestampFormat;
use arrow_array::cast::AsArray;
use arrow_array::temporal_conversions::{
    timestamp_ms_to_datetime, timestamp_ns_to_datetime, timestamp_s_to_datetime,
    timestamp_us_to_datetime,
};
use arrow_array::types::{
    Date32Type, Float64Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, LargeStringArray,
    RecordBatch, StringArray, StringViewArray, UInt64Array,
};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// How temporal values are written: the timestamp pattern the reader will use (none: its
/// automatic format), the zone naive values are in, and the date pattern.
pub(crate) struct Temporal {
    pub(crate) pattern: Option<String>,
    pub(crate) zone: TimestampFormat,
    pub(crate) date_format: String,
}

/// One column, normalized to the few shapes read differently.
pub(crate) enum Column {
    /// All null (Arrow `Null`).
    Null,
    /// Utf8, LargeUtf8, Utf8View, or a dictionary of them (polars' categoricals): read in
    /// place, never copied.
    Text(ArrayRef),
    Int(ArrayRef),
    UInt(ArrayRef),
    Float(ArrayRef),
    Bool(ArrayRef),
    Timestamp(ArrayRef, TimeUnit, bool),
    Date(ArrayRef),
    Other(ArrayRef),
}

fn invalid(column: &str, rule: String) -> Error {
    Error::new(ErrorKind::InvalidValue, rule).with_field(column)
}

fn cast(column: &str, array: &ArrayRef, to: &DataType) -> Result<ArrayRef, Error> {
    arrow_cast::cast(array, to).map_err(|e| {
        invalid(
            column,
            format!("cannot read Arrow type {} as {to}: {e}", array.data_type()),
        )
    })
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn normalize(column: &str, array: &ArrayRef) -> Result<Column, Error> {
    use DataType as D;
    Ok(match array.data_type() {
        D::Null => Column::Null,
        D::Utf8 | D::LargeUtf8 | D::Utf8View => Column::Text(array.clone()),
        D::Dictionary(_, value) if is_string(value) => Column::Text(array.clone()),
        D::Dictionary(_, value) => normalize(column, &cast(column, array, value)?)?,
        D::Int64 => Column::Int(array.clone()),
        D::Int8 | D::Int16 | D::Int32 | D::UInt8 | D::UInt16 | D::UInt32 => {
            Column::Int(cast(column, array, &D::Int64)?)
        }
        D::UInt64 => Column::UInt(array.clone()),
        D::Float64 => Column::Float(array.clone()),
        D::Float16 | D::Float32 => Column::Float(cast(column, array, &D::Float64)?),
        D::Boolean => Column::Bool(array.clone()),
        D::Timestamp(unit, tz) => Column::Timestamp(array.clone(), *unit, tz.is_some()),
        D::Date32 => Column::Date(array.clone()),
        D::Date64 => Column::Date(cast(column, array, &D::Date32)?),
        D::List(_)
        | D::LargeList(_)
        | D::ListView(_)
        | D::LargeListView(_)
        | D::FixedSizeList(..)
        | D::Struct(_)
        | D::Map(..)
        | D::Union(..) => {
            return Err(invalid(
                column,
                format!(
                    "a column of Arrow type {} feeds no record field (fields are strings, \
                     numbers, booleans, dates and timestamps)",
                    array.data_type()
                ),
            ));
        }
        // Decimals, durations, binary…: their display text, as a CSV would hold it.
        _ => Column::Other(array.clone()),
    })
}

/// Every column of `batch`, normalized in order (the first column that cannot be read is the
/// error).
pub(crate) fn columns(batch: &RecordBatch) -> Result<Vec<Column>, Error> {
    let schema = batch.schema();
    schema
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, array)| normalize(field.name(), array))
        .collect()
}

/// The strings of a text column.
#[derive(Clone, Copy)]
pub(crate) enum Strs<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> Strs<'a> {
    fn new(array: &'a dyn Array) -> Option<Strs<'a>> {
        Some(match array.data_type() {
            DataType::Utf8 => Strs::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Strs::Large(array.as_string::<i64>()),
            DataType::Utf8View => Strs::View(array.as_string_view()),
            _ => return None,
        })
    }

    #[inline]
    fn value(self, i: usize) -> &'a str {
        match self {
            Strs::Utf8(a) => a.value(i),
            Strs::Large(a) => a.value(i),
            Strs::View(a) => a.value(i),
        }
    }

    /// How many strings (a dictionary's distinct values).
    pub(crate) fn len(self) -> usize {
        match self {
            Strs::Utf8(a) => a.len(),
            Strs::Large(a) => a.len(),
            Strs::View(a) => a.len(),
        }
    }
}

/// A column ready to read row by row: typed arrays and their logical nulls.
pub(crate) enum View<'a> {
    Null,
    Text {
        strs: Strs<'a>,
        /// A dictionary's keys, as indexes into `strs`.
        keys: Option<Vec<usize>>,
        /// The logical validity (a dictionary's null keys and null values), when any is null.
        valid: Option<BooleanArray>,
    },
    Int(&'a Int64Array),
    UInt(&'a UInt64Array),
    Float(&'a Float64Array),
    Bool(&'a BooleanArray),
    Timestamp {
        values: Int64Array,
        unit: TimeUnit,
        aware: bool,
    },
    Date(&'a Date32Array),
    Other(&'a dyn Array, ArrayFormatter<'a>),
}

/// The views of normalized columns (the first column whose values cannot be formatted is the
/// error).
pub(crate) fn views<'a>(names: &[&str], columns: &'a [Column]) -> Result<Vec<View<'a>>, Error> {
    let options = FormatOptions::default();
    names
        .iter()
        .zip(columns)
        .map(|(name, c)| {
            Ok(match c {
                Column::Null => View::Null,
                Column::Text(a) => text_view(a.as_ref()),
                Column::Int(a) => View::Int(a.as_primitive::<Int64Type>()),
                Column::UInt(a) => View::UInt(a.as_primitive::<UInt64Type>()),
                Column::Float(a) => View::Float(a.as_primitive::<Float64Type>()),
                Column::Bool(a) => View::Bool(a.as_boolean()),
                Column::Timestamp(a, unit, aware) => View::Timestamp {
                    values: match unit {
                        TimeUnit::Second => {
                            a.as_primitive::<TimestampSecondType>().reinterpret_cast()
                        }
                        TimeUnit::Millisecond => a
                            .as_primitive::<TimestampMillisecondType>()
                            .reinterpret_cast(),
                        TimeUnit::Microsecond => a
                            .as_primitive::<TimestampMicrosecondType>()
                            .reinterpret_cast(),
                        TimeUnit::Nanosecond => a
                            .as_primitive::<TimestampNanosecondType>()
                            .reinterpret_cast(),
                    },
                    unit: *unit,
                    aware: *aware,
                },
                Column::Date(a) => View::Date(a.as_primitive::<Date32Type>()),
                Column::Other(a) => View::Other(
                    a.as_ref(),
                    ArrayFormatter::try_new(a.as_ref(), &options)
                        .map_err(|e| invalid(name, format!("cannot format Arrow values: {e}")))?,
                ),
            })
        })
        .collect()
}

/// The logical validity of an array with nulls (`true`: a value).
fn validity(array: &dyn Array) -> Option<BooleanArray> {
    array
        .logical_nulls()
        .map(|n| BooleanArray::new(n.into_inner(), None))
}

fn text_view(array: &dyn Array) -> View<'_> {
    if let Some(strs) = Strs::new(array) {
        return View::Text {
            strs,
            keys: None,
            valid: validity(array),
        };
    }
    let Some(dict) = array.as_any_dictionary_opt() else {
        return View::Null;
    };
    match Strs::new(dict.values().as_ref()) {
        // No values: every key is null.
        Some(strs) if !dict.values().is_empty() => View::Text {
            strs,
            keys: Some(dict.normalized_keys()),
            valid: validity(array),
        },
        _ => View::Null,
    }
}

/// One value as the readers see it: a JSON string, number, boolean or null, or an Arrow
/// temporal value whose text is written on demand.
#[derive(Debug, Clone)]
pub(crate) enum Cell<'a> {
    Null,
    /// A string in the table.
    Str(&'a str),
    /// A string made from a value (an infinite float, a decimal, a duration…).
    Owned(String),
    Int(i64),
    UInt(u64),
    /// A float JSON writes as a float (not integral, or too large for an exact integer).
    Float(f64),
    Bool(bool),
    /// An Arrow timestamp: its value, unit, and whether it has a time zone.
    Time(i64, TimeUnit, bool),
    /// An Arrow date (days since 1970).
    Date(i32),
}

impl<'a> View<'a> {
    /// The string of row `i` of a text column (`None`: null, or not a text column).
    #[inline]
    pub(crate) fn str_at(&self, i: usize) -> Option<&'a str> {
        match self {
            View::Text { strs, keys, valid } => {
                if valid.as_ref().is_some_and(|v| !v.value(i)) {
                    return None;
                }
                Some(match keys {
                    None => strs.value(i),
                    Some(k) => strs.value(k[i]),
                })
            }
            _ => None,
        }
    }

    /// The value of row `i`.
    #[inline]
    pub(crate) fn cell(&self, i: usize) -> Cell<'a> {
        match self {
            View::Null => Cell::Null,
            View::Text { strs, keys, valid } => {
                if valid.as_ref().is_some_and(|v| !v.value(i)) {
                    return Cell::Null;
                }
                match keys {
                    None => Cell::Str(strs.value(i)),
                    Some(k) => Cell::Str(strs.value(k[i])),
                }
            }
            View::Int(a) => {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    Cell::Int(a.value(i))
                }
            }
            View::UInt(a) => {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    Cell::UInt(a.value(i))
                }
            }
            View::Float(a) => {
                if a.is_null(i) {
                    return Cell::Null;
                }
                let x = a.value(i);
                // pandas turns an integer column with a missing value into floats: 9.0 is the
                // score 9, NaN is the missing value.
                if x.is_nan() {
                    Cell::Null
                } else if x.fract() == 0.0 && x.abs() < 9.0e15 {
                    #[allow(clippy::cast_possible_truncation)]
                    Cell::Int(x as i64)
                } else if x.is_finite() {
                    Cell::Float(x)
                } else {
                    Cell::Owned(x.to_string())
                }
            }
            View::Bool(a) => {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    Cell::Bool(a.value(i))
                }
            }
            View::Timestamp {
                values,
                unit,
                aware,
            } => {
                if values.is_null(i) {
                    Cell::Null
                } else {
                    Cell::Time(values.value(i), *unit, *aware)
                }
            }
            View::Date(a) => {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    Cell::Date(a.value(i))
                }
            }
            View::Other(a, f) => {
                if a.is_null(i) {
                    Cell::Null
                } else {
                    Cell::Owned(f.value(i).to_string())
                }
            }
        }
    }

    /// Whether reading this column's values as text can fail (a timestamp or date that cannot
    /// be written), so that a reader must try every value to fail where the JSON Lines path
    /// fails. Timestamps without a pattern fail only outside chrono's range: a column whose
    /// values all lie inside needs no per-value check.
    pub(crate) fn fallible(&self, temporal: &Temporal) -> bool {
        match self {
            View::Timestamp { values, unit, .. } => {
                // chrono's NaiveDateTime spans ±262,000 years; these bounds stay inside.
                let bound: i64 = match unit {
                    TimeUnit::Second => 8_000_000_000_000,
                    TimeUnit::Millisecond => 8_000_000_000_000_000,
                    TimeUnit::Microsecond | TimeUnit::Nanosecond => i64::MAX,
                };
                let inside = *unit == TimeUnit::Nanosecond
                    || values.values().iter().all(|v| (-bound..=bound).contains(v));
                temporal.pattern.is_some() || !inside
            }
            View::Date(_) => true,
            _ => false,
        }
    }
}

/// A timestamp's wall-clock (UTC for a zoned timestamp) time, `None` outside chrono's range.
#[inline]
fn naive(v: i64, unit: TimeUnit) -> Option<NaiveDateTime> {
    match unit {
        TimeUnit::Second => timestamp_s_to_datetime(v),
        TimeUnit::Millisecond => timestamp_ms_to_datetime(v),
        TimeUnit::Microsecond => timestamp_us_to_datetime(v),
        TimeUnit::Nanosecond => timestamp_ns_to_datetime(v),
    }
}

fn out_of_range(column: &str) -> Error {
    Error::new(
        ErrorKind::InvalidTimestamp,
        "an Arrow timestamp outside the representable range",
    )
    .with_field(column)
}

impl Temporal {
    /// The text of an Arrow timestamp: with a time zone it is an instant (stored as UTC), else
    /// a wall-clock time in the declared zone.
    pub(crate) fn timestamp_text(
        &self,
        column: &str,
        t: NaiveDateTime,
        aware: bool,
    ) -> Result<String, Error> {
        let iso = if aware {
            t.and_utc().format("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
        } else {
            t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
        };
        let Some(pattern) = &self.pattern else {
            return Ok(iso);
        };
        // A pattern is in force for the text columns (the user's, or a preset's): write this
        // value in it, and make sure the reader gets back the very same instant.
        let want = self.zone.parse(&iso)?;
        let mut text = String::new();
        let written = if aware {
            let utc: DateTime<Utc> = t.and_utc();
            let local = utc.with_timezone(&self.zone.time_zone());
            write!(text, "{}", local.format(pattern))
        } else {
            write!(text, "{}", t.format(pattern))
        };
        let exact = written.is_ok()
            && TimestampFormat::pattern(pattern.as_str())
                .with_zone(self.zone.time_zone())
                .parse(&text)
                .is_ok_and(|got| got == want);
        if exact {
            Ok(text)
        } else {
            Err(Error::new(
                ErrorKind::InvalidTimestamp,
                format!(
                    "this Arrow timestamp cannot be written exactly in the timestamp format \
                     {pattern} the text columns are read with; convert the column to text in \
                     that format, or pass a timestamp_format that keeps every part of it"
                ),
            )
            .with_field(column)
            .with_value(iso))
        }
    }

    fn date_text(&self, column: &str, d: NaiveDate) -> Result<String, Error> {
        let mut text = String::new();
        let exact = write!(text, "{}", d.format(&self.date_format)).is_ok()
            && NaiveDate::parse_from_str(&text, &self.date_format).is_ok_and(|got| got == d);
        // Timestamp fields read a bare ISO date as local midnight; the cost readers use the
        // date format. ISO is right for the first and, with the default format, the second.
        if exact {
            Ok(text)
        } else {
            Err(Error::new(
                ErrorKind::InvalidTimestamp,
                format!(
                    "this Arrow date cannot be written exactly in the date format {}",
                    self.date_format
                ),
            )
            .with_field(column)
            .with_value(d))
        }
    }

    /// The text a temporal cell is written as (`None`: not a temporal cell).
    pub(crate) fn text(&self, column: &str, cell: &Cell<'_>) -> Option<Result<String, Error>> {
        Some(match *cell {
            Cell::Time(v, unit, aware) => match naive(v, unit) {
                Some(t) => self.timestamp_text(column, t, aware),
                None => Err(out_of_range(column)),
            },
            Cell::Date(days) => match Date32Type::to_naive_date_opt(days) {
                Some(d) => self.date_text(column, d),
                None => Err(Error::new(
                    ErrorKind::InvalidTimestamp,
                    "an Arrow date outside the representable range",
                )
                .with_field(column)
                .with_value(days)),
            },
            _ => return None,
        })
    }
}

/// A cell as its JSON value.
pub(crate) fn json(column: &str, cell: Cell<'_>, temporal: &Temporal) -> Result<Value, Error> {
    if let Some(text) = temporal.text(column, &cell) {
        return text.map(Value::String);
    }
    Ok(match cell {
        Cell::Null => Value::Null,
        Cell::Str(s) => Value::String(s.to_owned()),
        Cell::Owned(s) => Value::String(s),
        Cell::Int(n) => Value::from(n),
        Cell::UInt(n) => Value::from(n),
        Cell::Float(x) => serde_json::Number::from_f64(x)
            .map_or_else(|| Value::String(x.to_string()), Value::Number),
        Cell::Bool(b) => Value::Bool(b),
        Cell::Time(..) | Cell::Date(_) => Value::Null,
    })
}

/// The column names of a batch.
pub(crate) fn names(batch: &RecordBatch) -> Vec<String> {
    batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

/// Appends one JSON object per row of `batch` to `out`, one per line.
pub(crate) fn write_json_lines(
    batch: &RecordBatch,
    temporal: &Temporal,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let names = names(batch);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let columns = columns(batch)?;
    let views = views(&names, &columns)?;
    for i in 0..batch.num_rows() {
        let mut object = Map::with_capacity(views.len());
        for (name, view) in names.iter().zip(&views) {
            object.insert((*name).to_owned(), json(name, view.cell(i), temporal)?);
        }
        serde_json::to_writer(&mut *out, &object)
            .map_err(|e| Error::new(ErrorKind::InvalidValue, e.to_string()))?;
        out.push(b'\n');
    }
    Ok(())
}
