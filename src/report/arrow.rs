//! The report table as an Arrow record batch (feature `arrow`): the types come from
//! [`COLUMNS`], so Arrow, Parquet, IPC and every binding agree on them.

use super::table::{COLUMNS, Cell, ColumnType};
use super::tickets::{DIMENSIONS_AFTER, TICKET_COLUMNS, TicketMetrics, Value};
use super::{Report, ReportRow};
use crate::error::{Error, ErrorKind};
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;

/// The scale of money in Arrow: cents, as the report rounds it.
const MONEY_SCALE: i8 = 2;

impl ColumnType {
    /// The Arrow type of the column's values.
    pub fn arrow_type(self) -> DataType {
        match self {
            ColumnType::Date => DataType::Date32,
            ColumnType::Text => DataType::Utf8,
            ColumnType::Count => DataType::Int64,
            ColumnType::Float => DataType::Float64,
            ColumnType::Money => DataType::Decimal128(38, MONEY_SCALE),
        }
    }
}

impl Report {
    /// The Arrow schema of [`to_arrow`](Report::to_arrow): one field per [`COLUMNS`] entry,
    /// its type from [`ColumnType::arrow_type`], its unit and description in the field's
    /// metadata (`unit`, `description`). Counts and dates are never null.
    pub fn arrow_schema() -> SchemaRef {
        let fields: Vec<Field> = COLUMNS
            .iter()
            .map(|c| {
                let nullable = !matches!(c.kind, ColumnType::Date | ColumnType::Count);
                Field::new(c.name, c.kind.arrow_type(), nullable).with_metadata(HashMap::from([
                    ("unit".to_owned(), c.unit.to_owned()),
                    ("description".to_owned(), c.description.to_owned()),
                ]))
            })
            .collect();
        Arc::new(Schema::new(fields))
    }

    /// The table as one Arrow record batch: dates `date32`, counts `int64`, statistics
    /// nullable `float64` (undefined is null, never NaN or 0), money `decimal128(38, 2)`,
    /// text `utf8`; the schema is [`arrow_schema`](Report::arrow_schema).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for a count above `i64::MAX` (no real report has one).
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::report::{Report, ReportInput, ReportOptions};
    /// use supportkpi::Ticket;
    /// use arrow_array::{Array, Int64Array};
    ///
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let input = ReportInput { tickets: vec![Ticket::builder("T-1", t0).build()?],
    ///                           ..ReportInput::default() };
    /// let batch = Report::compute(&input, &ReportOptions::default())?.to_arrow()?;
    /// let created = batch.column_by_name("tickets_created").unwrap();
    /// let created = created.as_any().downcast_ref::<Int64Array>().unwrap();
    /// assert_eq!(created.value(0), 1);
    /// assert!(batch.column_by_name("csat_pct").unwrap().is_null(0));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn to_arrow(&self) -> Result<RecordBatch, Error> {
        rows_to_arrow(&self.rows)
    }
}

fn rows_to_arrow(rows: &[ReportRow]) -> Result<RecordBatch, Error> {
    let cells: Vec<[Cell; COLUMNS.len()]> = rows.iter().map(ReportRow::cells).collect();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(COLUMNS.len());
    for (i, column) in COLUMNS.iter().enumerate() {
        let values = cells.iter().map(|row| &row[i]);
        let mismatch = || {
            Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "a value is not of its column's type {}",
                    column.kind.as_str()
                ),
            )
            .with_field(column.name)
        };
        let array: ArrayRef = match column.kind {
            ColumnType::Date => {
                let mut b = Date32Builder::with_capacity(rows.len());
                for v in values {
                    let Cell::Date(d) = v else {
                        return Err(mismatch());
                    };
                    // Every NaiveDate is within i32 days of 1970 (chrono's range is ±262,143
                    // years).
                    b.append_value(i32::try_from((*d - epoch).num_days()).unwrap_or(i32::MAX));
                }
                Arc::new(b.finish())
            }
            ColumnType::Text => {
                let mut b = StringBuilder::new();
                for v in values {
                    let Cell::Text(t) = v else {
                        return Err(mismatch());
                    };
                    b.append_option(t.as_deref());
                }
                Arc::new(b.finish())
            }
            ColumnType::Count => {
                let mut b = Int64Builder::with_capacity(rows.len());
                for v in values {
                    let Cell::Int(n) = v else {
                        return Err(mismatch());
                    };
                    let n = i64::try_from(*n).map_err(|_| {
                        Error::new(ErrorKind::InvalidValue, "a count above i64::MAX")
                            .with_field(column.name)
                            .with_value(n)
                    })?;
                    b.append_value(n);
                }
                Arc::new(b.finish())
            }
            ColumnType::Float => {
                let mut b = Float64Builder::with_capacity(rows.len());
                for v in values {
                    let Cell::Float(x) = v else {
                        return Err(mismatch());
                    };
                    b.append_option(*x);
                }
                Arc::new(b.finish())
            }
            ColumnType::Money => {
                let mut b = Decimal128Builder::with_capacity(rows.len());
                for v in values {
                    let Cell::Decimal(d) = v else {
                        return Err(mismatch());
                    };
                    match d {
                        None => b.append_null(),
                        Some(d) => {
                            let mut cents = *d;
                            cents.rescale(MONEY_SCALE as u32);
                            // rescale keeps fewer places when more would not fit in 96 bits.
                            if cents.scale() != MONEY_SCALE as u32 {
                                return Err(Error::new(
                                    ErrorKind::InvalidValue,
                                    "an amount too large for cents",
                                )
                                .with_field(column.name)
                                .with_value(d));
                            }
                            b.append_value(cents.mantissa());
                        }
                    }
                }
                let array = b
                    .finish()
                    .with_precision_and_scale(38, MONEY_SCALE)
                    .map_err(|e| mismatch().with_value(e))?;
                Arc::new(array)
            }
        };
        arrays.push(array);
    }
    RecordBatch::try_new(Report::arrow_schema(), arrays)
        .map_err(|e| Error::new(ErrorKind::InvalidValue, e.to_string()))
}

impl TicketMetrics {
    /// The Arrow type of the per-ticket column `name`: instants `timestamp[us, UTC]`, seconds,
    /// counts and scores `int64`, flags `bool`, the rest (and every free-form dimension's
    /// column, whose name is never a typed column's: see [`columns`](Self::columns)) `utf8`.
    pub fn arrow_type(name: &str) -> DataType {
        if !TICKET_COLUMNS.contains(&name) {
            return DataType::Utf8;
        }
        match name {
            "first_contact_resolved" | "open_at_end" => DataType::Boolean,
            "agent_replies" | "reopens" | "resolutions" | "csat_score" | "nps_score"
            | "ces_score" | "survey_responses" => DataType::Int64,
            n if n.ends_with("_s") => DataType::Int64,
            n if n.ends_with("_at") || n == "open_since" => {
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
            }
            _ => DataType::Utf8,
        }
    }

    /// Each of [`columns`](Self::columns) with its Arrow type: [`arrow_type`](Self::arrow_type),
    /// and text for the free-form dimensions. What the doors convert by (Python's pandas and
    /// dict forms), so that no door guesses a column's type.
    pub fn column_types(&self) -> Vec<(String, DataType)> {
        let dims = DIMENSIONS_AFTER..DIMENSIONS_AFTER + self.dimension_names.len();
        self.columns()
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let ty = if dims.contains(&i) {
                    DataType::Utf8
                } else {
                    Self::arrow_type(&name)
                };
                (name, ty)
            })
            .collect()
    }

    /// The table as one Arrow record batch: one field per [`columns`](Self::columns), its type
    /// from [`column_types`](Self::column_types), all nullable.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] if a value is not of its column's type (a table the core
    /// computed never has one).
    pub fn to_arrow(&self) -> Result<RecordBatch, Error> {
        let columns = self.column_types();
        let values: Vec<Vec<Value>> = self
            .rows
            .iter()
            .map(|r| r.values(&self.dimension_names))
            .collect();
        let mut fields = Vec::with_capacity(columns.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(columns.len());
        for (i, (name, ty)) in columns.iter().enumerate() {
            let cells = values.iter().map(|row| &row[i]);
            let mismatch = || {
                Error::new(
                    ErrorKind::InvalidValue,
                    "a value is not of its column's type",
                )
                .with_field(name.as_str())
            };
            let array: ArrayRef = match ty {
                DataType::Boolean => {
                    let mut b = BooleanBuilder::with_capacity(values.len());
                    for v in cells {
                        let Value::Bool(x) = v else {
                            return Err(mismatch());
                        };
                        b.append_option(*x);
                    }
                    Arc::new(b.finish())
                }
                DataType::Int64 => {
                    let mut b = Int64Builder::with_capacity(values.len());
                    for v in cells {
                        let Value::Int(x) = v else {
                            return Err(mismatch());
                        };
                        b.append_option(*x);
                    }
                    Arc::new(b.finish())
                }
                DataType::Timestamp(..) => {
                    let mut b = TimestampMicrosecondBuilder::with_capacity(values.len());
                    for v in cells {
                        let Value::Time(x) = v else {
                            return Err(mismatch());
                        };
                        match x {
                            None => b.append_null(),
                            // chrono's range (±262,143 years) fits in i64 microseconds.
                            Some(t) => b.append_value(t.timestamp_micros()),
                        }
                    }
                    Arc::new(b.finish().with_timezone("UTC"))
                }
                _ => {
                    let mut b = StringBuilder::new();
                    for v in cells {
                        let Value::Text(x) = v else {
                            return Err(mismatch());
                        };
                        b.append_option(x.as_deref());
                    }
                    Arc::new(b.finish())
                }
            };
            fields.push(Field::new(name, ty.clone(), true));
            arrays.push(array);
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| Error::new(ErrorKind::InvalidValue, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ReportOptions;
    use crate::report::table::tests::sample_row;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Decimal128Type, Float64Type, Int64Type};

    #[test]
    fn the_batch_has_the_columns_types_and_values() {
        let report = Report {
            options: ReportOptions::default(),
            rows: vec![sample_row(true), sample_row(false)],
            sections: Default::default(),
        };
        let batch = report.to_arrow().unwrap();
        assert_eq!(batch.num_rows(), 2);
        assert_eq!(batch.num_columns(), COLUMNS.len());
        let schema = batch.schema();
        for (field, column) in schema.fields().iter().zip(COLUMNS) {
            assert_eq!(field.name(), column.name);
            assert_eq!(field.data_type(), &column.kind.arrow_type());
            assert_eq!(field.metadata()["unit"], column.unit);
        }
        let col = |n: &str| batch.column_by_name(n).unwrap().clone();
        // 2021-06-01 is 18,628 (2021-01-01) + 151 days after 1970-01-01.
        assert_eq!(
            col("period_start").as_primitive::<Date32Type>().value(1),
            18_779
        );
        assert_eq!(
            col("tickets_created").as_primitive::<Int64Type>().value(0),
            3
        );
        assert_eq!(
            col("frt_mean_s").as_primitive::<Float64Type>().value(0),
            8.5
        );
        assert!(col("frt_mean_s").is_null(1));
        let cost = col("cost_per_ticket");
        let cost = cost.as_primitive::<Decimal128Type>();
        assert_eq!(
            (cost.value(0), cost.precision(), cost.scale()),
            (1250, 38, 2)
        );
        assert!(cost.is_null(1));
        assert_eq!(col("dimension").as_string::<i32>().value(0), "email");
        assert!(col("dimension").is_null(1));
    }

    #[test]
    fn a_count_past_i64_is_an_error() {
        let mut row = sample_row(true);
        row.backlog_end = u64::MAX;
        let report = Report {
            options: ReportOptions::default(),
            rows: vec![row],
            sections: Default::default(),
        };
        let e = report.to_arrow().unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidValue, Some("backlog_end"))
        );
    }
}
