//! Arrow tables into the core's readers.
//!
//! A table is turned into JSON Lines (one object per row, keyed by column name) and read by the
//! same readers as a file, so column names, the mapping, presets, null handling, strict and
//! lenient modes and every error are exactly the file path's. Arrow types only decide how a
//! value is written: strings and numbers as they are, temporal values as timestamp text the
//! reader's format reads back to the same instant.

use arrow_array::cast::AsArray;
use arrow_array::temporal_conversions::as_datetime;
use arrow_array::types::{
    Date32Type, Float64Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use std::fmt::Write as _;
use supportkpi::io::TimestampFormat;
use supportkpi::{Error, ErrorKind};

/// How temporal values are written: the timestamp pattern the reader will use (none: its
/// automatic format), the zone naive values are in, and the date pattern.
pub(crate) struct Temporal {
    pub(crate) pattern: Option<String>,
    pub(crate) zone: TimestampFormat,
    pub(crate) date_format: String,
}

/// One column, normalized to the few shapes written differently.
enum Column {
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

fn normalize(column: &str, array: &ArrayRef) -> Result<Column, Error> {
    use DataType as D;
    Ok(match array.data_type() {
        D::Null | D::Utf8 => Column::Text(array.clone()),
        D::LargeUtf8 | D::Utf8View => Column::Text(cast(column, array, &D::Utf8)?),
        D::Dictionary(_, value) => normalize(column, &cast(column, array, value)?)?,
        D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 => {
            Column::Int(cast(column, array, &D::Int64)?)
        }
        D::UInt64 => Column::UInt(array.clone()),
        D::Float16 | D::Float32 | D::Float64 => Column::Float(cast(column, array, &D::Float64)?),
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

fn timestamp(array: &ArrayRef, unit: TimeUnit, i: usize) -> Option<NaiveDateTime> {
    match unit {
        TimeUnit::Second => {
            as_datetime::<TimestampSecondType>(array.as_primitive::<TimestampSecondType>().value(i))
        }
        TimeUnit::Millisecond => as_datetime::<TimestampMillisecondType>(
            array.as_primitive::<TimestampMillisecondType>().value(i),
        ),
        TimeUnit::Microsecond => as_datetime::<TimestampMicrosecondType>(
            array.as_primitive::<TimestampMicrosecondType>().value(i),
        ),
        TimeUnit::Nanosecond => as_datetime::<TimestampNanosecondType>(
            array.as_primitive::<TimestampNanosecondType>().value(i),
        ),
    }
}

impl Temporal {
    /// The text of an Arrow timestamp: with a time zone it is an instant (stored as UTC), else
    /// a wall-clock time in the declared zone.
    fn timestamp_text(&self, column: &str, t: NaiveDateTime, aware: bool) -> Result<String, Error> {
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
}

/// Appends one JSON object per row of `batch` to `out`, one per line.
pub(crate) fn write_json_lines(
    batch: &RecordBatch,
    temporal: &Temporal,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let schema = batch.schema();
    let mut columns = Vec::with_capacity(batch.num_columns());
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        columns.push((field.name().as_str(), normalize(field.name(), array)?));
    }
    let options = FormatOptions::default();
    let formatters: Vec<Option<ArrayFormatter<'_>>> = columns
        .iter()
        .map(|(name, c)| match c {
            Column::Other(a) => ArrayFormatter::try_new(a.as_ref(), &options)
                .map(Some)
                .map_err(|e| invalid(name, format!("cannot format Arrow values: {e}"))),
            _ => Ok(None),
        })
        .collect::<Result<_, _>>()?;
    for i in 0..batch.num_rows() {
        let mut object = Map::with_capacity(columns.len());
        for ((name, column), formatter) in columns.iter().zip(&formatters) {
            let value = value(name, column, formatter.as_ref(), i, temporal)?;
            object.insert((*name).to_owned(), value);
        }
        serde_json::to_writer(&mut *out, &object)
            .map_err(|e| Error::new(ErrorKind::InvalidValue, e.to_string()))?;
        out.push(b'\n');
    }
    Ok(())
}

fn value(
    name: &str,
    column: &Column,
    formatter: Option<&ArrayFormatter<'_>>,
    i: usize,
    temporal: &Temporal,
) -> Result<Value, Error> {
    let array = match column {
        Column::Text(a)
        | Column::Int(a)
        | Column::UInt(a)
        | Column::Float(a)
        | Column::Bool(a)
        | Column::Timestamp(a, _, _)
        | Column::Date(a)
        | Column::Other(a) => a,
    };
    if array.is_null(i) {
        return Ok(Value::Null);
    }
    Ok(match column {
        Column::Text(a) => match a.data_type() {
            DataType::Utf8 => Value::String(a.as_string::<i32>().value(i).to_owned()),
            _ => Value::Null,
        },
        Column::Int(a) => Value::from(a.as_primitive::<Int64Type>().value(i)),
        Column::UInt(a) => Value::from(a.as_primitive::<UInt64Type>().value(i)),
        Column::Float(a) => {
            let x = a.as_primitive::<Float64Type>().value(i);
            // pandas turns an integer column with a missing value into floats: 9.0 is the
            // score 9, NaN is the missing value.
            if x.is_nan() {
                Value::Null
            } else if x.fract() == 0.0 && x.abs() < 9.0e15 {
                #[allow(clippy::cast_possible_truncation)]
                Value::from(x as i64)
            } else {
                serde_json::Number::from_f64(x)
                    .map_or_else(|| Value::String(x.to_string()), Value::Number)
            }
        }
        Column::Bool(a) => Value::Bool(a.as_boolean().value(i)),
        Column::Timestamp(a, unit, aware) => match timestamp(a, *unit, i) {
            Some(t) => Value::String(temporal.timestamp_text(name, t, *aware)?),
            None => {
                return Err(Error::new(
                    ErrorKind::InvalidTimestamp,
                    "an Arrow timestamp outside the representable range",
                )
                .with_field(name));
            }
        },
        Column::Date(a) => {
            let days = a.as_primitive::<Date32Type>().value(i);
            match Date32Type::to_naive_date_opt(days) {
                Some(d) => Value::String(temporal.date_text(name, d)?),
                None => {
                    return Err(Error::new(
                        ErrorKind::InvalidTimestamp,
                        "an Arrow date outside the representable range",
                    )
                    .with_field(name)
                    .with_value(days));
                }
            }
        }
        Column::Other(_) => match formatter {
            Some(f) => Value::String(f.value(i).to_string()),
            None => Value::Null,
        },
    })
}
