//! The report table: its rows, its columns, and the CSV and JSON writers.

use super::cells::{Cell as KpiCell, Finished};
use super::sections::{Flows, RowIntervals, Sections};
use super::{Flow, Kpis, NO_VALUE, PeriodCells, ReportAccumulator, ReportOptions};
use crate::error::{Error, ErrorKind};
use crate::kpi::{
    Accumulator, BacklogSnapshot, CostPerTicketAccumulator, CostPerTicketResult,
    CostPerTicketValue, CustomerRetentionAccumulator, CustomerRetentionResult, Metric, SlaMetric,
    VolumeCounts,
};
use crate::model::Instant;
use crate::stats::DurationStats;
use crate::time::PeriodKey;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What a report column holds, which decides its type in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// A local date: ISO 8601 text in CSV and JSON, `date32` in Arrow.
    Date,
    /// Text, null when absent: `utf8` in Arrow.
    Text,
    /// A count: a whole number, never null: `int64` in Arrow.
    Count,
    /// A statistic: a float, null when undefined: `float64` in Arrow.
    Float,
    /// Money: an exact decimal with two places, null when undefined; a string in JSON so that
    /// no reader turns it into a float, `decimal128(38, 2)` in Arrow.
    Money,
}

impl ColumnType {
    /// The type's name: `date`, `text`, `count`, `float` or `money`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ColumnType::Date => "date",
            ColumnType::Text => "text",
            ColumnType::Count => "count",
            ColumnType::Float => "float",
            ColumnType::Money => "money",
        }
    }
}

/// One column of the report table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Column {
    /// The column's name (snake_case, the unit in the name: `_s` seconds, `_bh_s` business
    /// seconds, `_pct` percent, `_n` a count).
    pub name: &'static str,
    /// What its values are.
    pub kind: ColumnType,
    /// The unit of its values (`seconds`, `percent`, `tickets`, …; empty for text).
    pub unit: &'static str,
    /// What it means, in one sentence.
    pub description: &'static str,
}

const fn col(
    name: &'static str,
    kind: ColumnType,
    unit: &'static str,
    description: &'static str,
) -> Column {
    Column {
        name,
        kind,
        unit,
        description,
    }
}

/// The table's columns, in order: every writer (CSV, JSON, Arrow, Parquet) and every binding
/// takes the names and types from here. [`ReportRow`] has one field per column, plus the
/// `undefined` reasons.
///
/// ```
/// use supportkpi::report::{COLUMNS, ColumnType, column};
/// assert_eq!(COLUMNS[0].name, "period_start");
/// assert_eq!(column("frt_p90_bh_s").map(|c| (c.kind, c.unit)),
///            Some((ColumnType::Float, "business seconds")));
/// ```
pub const COLUMNS: [Column; 72] = {
    use ColumnType::{Count, Date, Float, Money, Text};
    [
        col(
            "period_start",
            Date,
            "date",
            "First local date of the period.",
        ),
        col(
            "period_end",
            Date,
            "date",
            "First local date after the period (the period is [period_start, period_end)).",
        ),
        col(
            "dimension",
            Text,
            "",
            "The dimension value; null on the period's total row.",
        ),
        col(
            "tickets_created",
            Count,
            "tickets",
            "Tickets created in the period.",
        ),
        col(
            "tickets_resolved",
            Count,
            "tickets",
            "Resolutions in the period (every resolution of an event history; a summary row's latest).",
        ),
        col(
            "tickets_reopened",
            Count,
            "tickets",
            "Reopens in the period (event histories only).",
        ),
        col(
            "backlog_end",
            Count,
            "tickets",
            "Tickets open at the end of the period.",
        ),
        col(
            "frt_n",
            Count,
            "tickets",
            "Answered tickets created in the period (the n of the frt_ statistics).",
        ),
        col(
            "frt_mean_s",
            Float,
            "seconds",
            "Mean first response time, calendar seconds.",
        ),
        col(
            "frt_median_s",
            Float,
            "seconds",
            "Median first response time, calendar seconds.",
        ),
        col(
            "frt_p90_s",
            Float,
            "seconds",
            "90th percentile first response time, calendar seconds.",
        ),
        col(
            "frt_unanswered",
            Count,
            "tickets",
            "Tickets created in the period without a first response (excluded from frt_).",
        ),
        col(
            "frt_mean_bh_s",
            Float,
            "business seconds",
            "Mean first response time, business seconds.",
        ),
        col(
            "frt_median_bh_s",
            Float,
            "business seconds",
            "Median first response time, business seconds.",
        ),
        col(
            "frt_p90_bh_s",
            Float,
            "business seconds",
            "90th percentile first response time, business seconds.",
        ),
        col(
            "resolution_n",
            Count,
            "tickets",
            "Tickets resolved in the period (the n of the resolution_ statistics).",
        ),
        col(
            "resolution_mean_s",
            Float,
            "seconds",
            "Mean resolution time, calendar seconds.",
        ),
        col(
            "resolution_median_s",
            Float,
            "seconds",
            "Median resolution time, calendar seconds.",
        ),
        col(
            "resolution_p90_s",
            Float,
            "seconds",
            "90th percentile resolution time, calendar seconds.",
        ),
        col(
            "resolution_mean_bh_s",
            Float,
            "business seconds",
            "Mean resolution time, business seconds.",
        ),
        col(
            "resolution_median_bh_s",
            Float,
            "business seconds",
            "Median resolution time, business seconds.",
        ),
        col(
            "resolution_p90_bh_s",
            Float,
            "business seconds",
            "90th percentile resolution time, business seconds.",
        ),
        col(
            "first_contact_resolution_pct",
            Float,
            "percent",
            "First-contact resolution rate.",
        ),
        col(
            "first_contact_resolution_n",
            Count,
            "tickets",
            "Its denominator: tickets created (or resolved, by option) whose reply count is known.",
        ),
        col(
            "csat_pct",
            Float,
            "percent",
            "CSAT: share of positive responses.",
        ),
        col("csat_n", Count, "responses", "CSAT responses."),
        col("nps", Float, "score -100 to 100", "Net Promoter Score."),
        col("nps_n", Count, "responses", "NPS responses."),
        col(
            "ces_mean",
            Float,
            "score on the CES scale",
            "Mean Customer Effort Score.",
        ),
        col("ces_n", Count, "responses", "CES responses."),
        col(
            "cost_per_ticket",
            Money,
            "cost_currency",
            "Support cost per ticket, rounded half-even to 2 places (total rows only).",
        ),
        col(
            "cost_currency",
            Text,
            "",
            "The currency of cost_per_ticket (ISO 4217).",
        ),
        col(
            "cost_tickets",
            Count,
            "tickets",
            "Its denominator: tickets resolved (or created, by option) in the period.",
        ),
        col(
            "retention_pct",
            Float,
            "percent",
            "Customer retention rate.",
        ),
        col(
            "retention_n",
            Count,
            "customers",
            "Its base: customers active at the start of the period.",
        ),
        col(
            "sla_attainment_pct",
            Float,
            "percent",
            "SLA attainment over every target: met / (met + breached).",
        ),
        col(
            "sla_n",
            Count,
            "targets",
            "Its denominator: targets decided (met or breached) over every metric.",
        ),
        col(
            "sla_first_response_pct",
            Float,
            "percent",
            "First-response SLA attainment.",
        ),
        col(
            "sla_resolution_pct",
            Float,
            "percent",
            "Resolution SLA attainment.",
        ),
        col(
            "next_reply_n",
            Count,
            "waits",
            "Answered next-reply waits of the tickets created in the period (event logs only): the n of the next_reply_ statistics.",
        ),
        col(
            "next_reply_mean_s",
            Float,
            "seconds",
            "Mean next reply time, calendar seconds.",
        ),
        col(
            "next_reply_median_s",
            Float,
            "seconds",
            "Median next reply time, calendar seconds.",
        ),
        col(
            "next_reply_p90_s",
            Float,
            "seconds",
            "90th percentile next reply time, calendar seconds.",
        ),
        col(
            "next_reply_unanswered",
            Count,
            "waits",
            "Next-reply waits still unanswered (excluded from next_reply_).",
        ),
        col(
            "next_reply_mean_bh_s",
            Float,
            "business seconds",
            "Mean next reply time, business seconds.",
        ),
        col(
            "next_reply_median_bh_s",
            Float,
            "business seconds",
            "Median next reply time, business seconds.",
        ),
        col(
            "next_reply_p90_bh_s",
            Float,
            "business seconds",
            "90th percentile next reply time, business seconds.",
        ),
        col(
            "sla_first_response_n",
            Count,
            "targets",
            "First-response targets decided (met or breached): the n of sla_first_response_pct.",
        ),
        col(
            "sla_first_response_running",
            Count,
            "targets",
            "First-response targets still running (not done, deadline ahead or clock paused).",
        ),
        col(
            "sla_resolution_n",
            Count,
            "targets",
            "Resolution targets decided: the n of sla_resolution_pct.",
        ),
        col(
            "sla_resolution_running",
            Count,
            "targets",
            "Resolution targets still running (never counted as met).",
        ),
        col(
            "sla_next_reply_pct",
            Float,
            "percent",
            "Next-reply SLA attainment.",
        ),
        col(
            "sla_next_reply_n",
            Count,
            "targets",
            "Next-reply targets decided: the n of sla_next_reply_pct.",
        ),
        col(
            "sla_next_reply_running",
            Count,
            "targets",
            "Next-reply targets still running.",
        ),
        col(
            "sla_periodic_update_pct",
            Float,
            "percent",
            "Periodic-update SLA attainment.",
        ),
        col(
            "sla_periodic_update_n",
            Count,
            "targets",
            "Periodic-update targets decided: the n of sla_periodic_update_pct.",
        ),
        col(
            "sla_periodic_update_running",
            Count,
            "targets",
            "Periodic-update targets still running.",
        ),
        col(
            "status_time_n",
            Count,
            "tickets",
            "Event histories resolved in the period (the n of the status-time columns).",
        ),
        col(
            "requester_wait_mean_s",
            Float,
            "seconds",
            "Mean requester wait time (new, open, on hold) of the resolved histories, calendar seconds.",
        ),
        col(
            "requester_wait_median_s",
            Float,
            "seconds",
            "Median requester wait time, calendar seconds.",
        ),
        col(
            "agent_work_mean_s",
            Float,
            "seconds",
            "Mean agent work time (new, open), calendar seconds.",
        ),
        col(
            "agent_work_median_s",
            Float,
            "seconds",
            "Median agent work time, calendar seconds.",
        ),
        col(
            "on_hold_mean_s",
            Float,
            "seconds",
            "Mean on-hold time, calendar seconds.",
        ),
        col(
            "pending_mean_s",
            Float,
            "seconds",
            "Mean pending time, calendar seconds.",
        ),
        col(
            "requester_wait_mean_bh_s",
            Float,
            "business seconds",
            "Mean requester wait time, business seconds.",
        ),
        col(
            "requester_wait_median_bh_s",
            Float,
            "business seconds",
            "Median requester wait time, business seconds.",
        ),
        col(
            "agent_work_mean_bh_s",
            Float,
            "business seconds",
            "Mean agent work time, business seconds.",
        ),
        col(
            "agent_work_median_bh_s",
            Float,
            "business seconds",
            "Median agent work time, business seconds.",
        ),
        col(
            "on_hold_mean_bh_s",
            Float,
            "business seconds",
            "Mean on-hold time, business seconds.",
        ),
        col(
            "pending_mean_bh_s",
            Float,
            "business seconds",
            "Mean pending time, business seconds.",
        ),
        col(
            "reopen_pct",
            Float,
            "percent",
            "Reopen rate: 100 x reopens / resolutions in the period (event histories only).",
        ),
        col(
            "reopen_n",
            Count,
            "resolutions",
            "Its denominator: resolutions in the period (tickets_resolved).",
        ),
    ]
};

/// The column named `name`.
pub fn column(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.name == name)
}

/// The column names, in order.
pub fn column_names() -> impl ExactSizeIterator<Item = &'static str> + Clone {
    COLUMNS.iter().map(|c| c.name)
}

/// One row of the report: a period, and a dimension value or the period's total.
///
/// Counts are plain numbers; a statistic that cannot be computed is `None`, and its column name
/// maps to the reason in [`undefined`](ReportRow::undefined).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    /// First local date of the period.
    pub period_start: NaiveDate,
    /// First local date after the period (the period is `[period_start, period_end)`).
    pub period_end: NaiveDate,
    /// The dimension value; `None` on the period's total row.
    pub dimension: Option<String>,
    /// Tickets created in the period.
    pub tickets_created: u64,
    /// Resolutions in the period (every resolution of an event history; a summary row's latest).
    pub tickets_resolved: u64,
    /// Reopens in the period (event histories only).
    pub tickets_reopened: u64,
    /// Tickets open at the end of the period.
    pub backlog_end: u64,
    /// Answered tickets created in the period (the `n` of the `frt_*` statistics).
    pub frt_n: u64,
    /// Mean first response time, calendar seconds.
    pub frt_mean_s: Option<f64>,
    /// Median first response time, calendar seconds.
    pub frt_median_s: Option<f64>,
    /// 90th percentile first response time, calendar seconds.
    pub frt_p90_s: Option<f64>,
    /// Tickets created in the period without a first response (excluded from `frt_*`).
    pub frt_unanswered: u64,
    /// Mean first response time, business seconds.
    pub frt_mean_bh_s: Option<f64>,
    /// Median first response time, business seconds.
    pub frt_median_bh_s: Option<f64>,
    /// 90th percentile first response time, business seconds.
    pub frt_p90_bh_s: Option<f64>,
    /// Tickets resolved in the period (the `n` of the `resolution_*` statistics).
    pub resolution_n: u64,
    /// Mean resolution time (total time resolving / tickets resolved), calendar seconds.
    pub resolution_mean_s: Option<f64>,
    /// Median resolution time, calendar seconds.
    pub resolution_median_s: Option<f64>,
    /// 90th percentile resolution time, calendar seconds.
    pub resolution_p90_s: Option<f64>,
    /// Mean resolution time, business seconds.
    pub resolution_mean_bh_s: Option<f64>,
    /// Median resolution time, business seconds.
    pub resolution_median_bh_s: Option<f64>,
    /// 90th percentile resolution time, business seconds.
    pub resolution_p90_bh_s: Option<f64>,
    /// First-contact resolution rate, percent.
    pub first_contact_resolution_pct: Option<f64>,
    /// Its denominator: tickets created in the period (or resolved, by option) whose reply
    /// count is known.
    pub first_contact_resolution_n: u64,
    /// CSAT, percent positive.
    pub csat_pct: Option<f64>,
    /// CSAT responses.
    pub csat_n: u64,
    /// NPS, −100 to 100.
    pub nps: Option<f64>,
    /// NPS responses.
    pub nps_n: u64,
    /// Mean CES on its scale.
    pub ces_mean: Option<f64>,
    /// CES responses.
    pub ces_n: u64,
    /// Support cost per ticket, rounded half-even to 2 places (total rows only).
    pub cost_per_ticket: Option<Decimal>,
    /// The currency of `cost_per_ticket`.
    pub cost_currency: Option<String>,
    /// Its denominator: tickets resolved (or created, by option) in the period.
    pub cost_tickets: u64,
    /// Customer retention rate, percent (total rows, or segment rows when grouped by segment).
    pub retention_pct: Option<f64>,
    /// Its base: customers active at the start of the period (S).
    pub retention_n: u64,
    /// SLA attainment over every target: met / (met + breached), percent.
    pub sla_attainment_pct: Option<f64>,
    /// Its denominator: targets decided (met or breached) over every metric.
    pub sla_n: u64,
    /// First-response SLA attainment, percent.
    pub sla_first_response_pct: Option<f64>,
    /// Resolution SLA attainment, percent.
    pub sla_resolution_pct: Option<f64>,
    /// Answered next-reply waits of the tickets created in the period (event logs only): the
    /// `n` of the `next_reply_*` statistics.
    pub next_reply_n: u64,
    /// Mean next reply time, calendar seconds.
    pub next_reply_mean_s: Option<f64>,
    /// Median next reply time, calendar seconds.
    pub next_reply_median_s: Option<f64>,
    /// 90th percentile next reply time, calendar seconds.
    pub next_reply_p90_s: Option<f64>,
    /// Next-reply waits still unanswered (excluded from the statistics).
    pub next_reply_unanswered: u64,
    /// Mean next reply time, business seconds.
    pub next_reply_mean_bh_s: Option<f64>,
    /// Median next reply time, business seconds.
    pub next_reply_median_bh_s: Option<f64>,
    /// 90th percentile next reply time, business seconds.
    pub next_reply_p90_bh_s: Option<f64>,
    /// First-response targets decided (met or breached): the `n` of `sla_first_response_pct`.
    pub sla_first_response_n: u64,
    /// First-response targets still running (not done, deadline ahead or clock paused).
    pub sla_first_response_running: u64,
    /// Resolution targets decided.
    pub sla_resolution_n: u64,
    /// Resolution targets still running (never counted as met).
    pub sla_resolution_running: u64,
    /// Next-reply SLA attainment, percent of the tickets with a decided next-reply target.
    pub sla_next_reply_pct: Option<f64>,
    /// Next-reply targets decided.
    pub sla_next_reply_n: u64,
    /// Next-reply targets still running.
    pub sla_next_reply_running: u64,
    /// Periodic-update SLA attainment, percent.
    pub sla_periodic_update_pct: Option<f64>,
    /// Periodic-update targets decided.
    pub sla_periodic_update_n: u64,
    /// Periodic-update targets still running.
    pub sla_periodic_update_running: u64,
    /// Event histories resolved in the period (the `n` of the status-time columns).
    pub status_time_n: u64,
    /// Mean requester wait time (new, open, on hold) of the resolved histories, calendar seconds.
    pub requester_wait_mean_s: Option<f64>,
    /// Median requester wait time, calendar seconds.
    pub requester_wait_median_s: Option<f64>,
    /// Mean agent work time (new, open), calendar seconds.
    pub agent_work_mean_s: Option<f64>,
    /// Median agent work time, calendar seconds.
    pub agent_work_median_s: Option<f64>,
    /// Mean on-hold time, calendar seconds.
    pub on_hold_mean_s: Option<f64>,
    /// Mean pending time, calendar seconds.
    pub pending_mean_s: Option<f64>,
    /// Mean requester wait time, business seconds.
    pub requester_wait_mean_bh_s: Option<f64>,
    /// Median requester wait time, business seconds.
    pub requester_wait_median_bh_s: Option<f64>,
    /// Mean agent work time, business seconds.
    pub agent_work_mean_bh_s: Option<f64>,
    /// Median agent work time, business seconds.
    pub agent_work_median_bh_s: Option<f64>,
    /// Mean on-hold time, business seconds.
    pub on_hold_mean_bh_s: Option<f64>,
    /// Mean pending time, business seconds.
    pub pending_mean_bh_s: Option<f64>,
    /// Reopen rate: 100 × reopens / resolutions in the period, percent. Reopens are known from
    /// event logs only: undefined for a report without event histories.
    pub reopen_pct: Option<f64>,
    /// Its denominator: resolutions in the period (`tickets_resolved`).
    pub reopen_n: u64,
    /// Why each `None` column is undefined, by column name.
    pub undefined: BTreeMap<String, String>,
}

/// The report: its options and its rows (for each period, the total row first, then one row
/// per dimension value in order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The options it was computed with.
    pub options: ReportOptions,
    /// The rows.
    pub rows: Vec<ReportRow>,
    /// What the report carries besides its rows: intervals, arrivals, backlog ages.
    pub sections: Sections,
}

impl Report {
    /// Marks `reopen_pct` undefined on every row: the input had no event histories, so its
    /// reopens are unknown (a rate over them would read 0 %).
    pub(crate) fn without_reopen_rate(mut self) -> Report {
        for row in &mut self.rows {
            row.reopen_pct = None;
            row.undefined.insert(
                "reopen_pct".to_owned(),
                "reopens are known from event logs; the input has none".to_owned(),
            );
        }
        self
    }

    /// The total rows, one per period.
    pub fn total_rows(&self) -> impl Iterator<Item = &ReportRow> {
        self.rows.iter().filter(|r| r.dimension.is_none())
    }

    /// The table as CSV: a header of [`COLUMNS`], one line per row, an empty field for an
    /// undefined value. Reasons are not in the CSV; [`to_json`](Report::to_json) has them.
    ///
    /// Text cells (the dimension values, which come from the input) that a spreadsheet would
    /// run as a formula are neutralised by [`csv_text`]; numbers are written as numbers, so a
    /// negative NPS stays `-40`. [`to_csv_raw`](Report::to_csv_raw) writes text as it is.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::report::{Report, ReportInput, ReportOptions};
    /// use supportkpi::Ticket;
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let tickets = vec![Ticket::builder("T-1", t0).channel("=HYPERLINK(\"x\")").build()?];
    /// let input = ReportInput { tickets, ..ReportInput::default() };
    /// let report = Report::compute(&input, &ReportOptions::default().with_by("channel"))?;
    /// assert!(report.to_csv().contains(",\"'=HYPERLINK(\"\"x\"\")\","));
    /// assert!(report.to_csv_raw().contains(",\"=HYPERLINK(\"\"x\"\")\","));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn to_csv(&self) -> String {
        self.csv(false)
    }

    /// [`to_csv`](Report::to_csv) with text cells as they are (for programs, not spreadsheets).
    pub fn to_csv_raw(&self) -> String {
        self.csv(true)
    }

    fn csv(&self, raw: bool) -> String {
        let mut out = column_names().collect::<Vec<_>>().join(",");
        out.push('\n');
        for row in &self.rows {
            let fields: Vec<String> = row.cells().iter().map(|c| c.to_csv(raw)).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }

    /// The report as JSON: `{"options": …, "columns": […], "rows": [{column: value, …,
    /// "undefined": {column: reason}}], "sections": …}` ([`Sections`] in its serde form);
    /// undefined values are `null`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"options\":");
        out.push_str(&json_value(&self.options));
        out.push_str(",\"columns\":");
        out.push_str(&json_value(&column_names().collect::<Vec<_>>()));
        out.push_str(",\"rows\":[");
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            for (column, cell) in COLUMNS.iter().zip(row.cells()) {
                let _ = write!(out, "{}:{},", json_value(column.name), cell.to_json());
            }
            out.push_str("\"undefined\":");
            out.push_str(&json_value(&row.undefined));
            out.push('}');
        }
        out.push_str("],\"sections\":");
        out.push_str(&json_value(&self.sections));
        out.push('}');
        out
    }
}

/// Serializes a value that cannot fail to serialize (strings, numbers, maps of them, options).
pub(super) fn json_value<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

/// One value of a row, for the writers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Date(NaiveDate),
    Text(Option<String>),
    Int(u64),
    Float(Option<f64>),
    Decimal(Option<Decimal>),
}

impl Cell {
    /// The column type this value belongs in.
    #[cfg(test)]
    pub(crate) fn kind(&self) -> ColumnType {
        match self {
            Cell::Date(_) => ColumnType::Date,
            Cell::Text(_) => ColumnType::Text,
            Cell::Int(_) => ColumnType::Count,
            Cell::Float(_) => ColumnType::Float,
            Cell::Decimal(_) => ColumnType::Money,
        }
    }

    fn to_csv(&self, raw: bool) -> String {
        match self {
            Cell::Text(None) | Cell::Float(None) | Cell::Decimal(None) => String::new(),
            Cell::Date(d) => d.to_string(),
            Cell::Text(Some(s)) => csv_text(s, raw),
            Cell::Int(v) => v.to_string(),
            Cell::Float(Some(v)) => v.to_string(),
            Cell::Decimal(Some(d)) => d.to_string(),
        }
    }

    fn to_json(&self) -> String {
        match self {
            Cell::Text(None) | Cell::Float(None) | Cell::Decimal(None) => "null".into(),
            Cell::Date(d) => json_value(&d.to_string()),
            Cell::Text(Some(s)) => json_value(s),
            Cell::Int(v) => v.to_string(),
            // serde_json writes the shortest representation that reads back to the same f64.
            Cell::Float(Some(v)) => json_value(v),
            // Decimals as strings, so no reader turns money into a float.
            Cell::Decimal(Some(d)) => json_value(&d.to_string()),
        }
    }
}

/// One CSV field of text: a cell a spreadsheet would read as a formula (starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return: the OWASP list) gets a `'` in front, unless
/// `raw`; then it is quoted if it holds a comma, a quote or a line end.
///
/// Only text goes through here: numbers are written by their own writers, so a negative number
/// in a numeric column is never touched (`-40` stays a number a spreadsheet can sum), while a
/// text value such as a dimension named `-1` or `=1+1` is shown as the text it is.
///
/// ```
/// use supportkpi::report::csv_text;
/// assert_eq!(csv_text("=1+1", false), "'=1+1");
/// assert_eq!(csv_text("@SUM(A1)", false), "'@SUM(A1)");
/// assert_eq!(csv_text("-2,5", false), "\"'-2,5\"");
/// assert_eq!(csv_text("email", false), "email");
/// assert_eq!(csv_text("=1+1", true), "=1+1");
/// ```
pub fn csv_text(s: &str, raw: bool) -> String {
    if !raw && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        return csv_quote(&format!("'{s}"));
    }
    csv_quote(s)
}

fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl ReportRow {
    /// The row's values in [`COLUMNS`] order.
    pub(crate) fn cells(&self) -> [Cell; COLUMNS.len()] {
        use Cell::{Date, Decimal as D, Float as F, Int as I, Text as T};
        [
            Date(self.period_start),
            Date(self.period_end),
            T(self.dimension.clone()),
            I(self.tickets_created),
            I(self.tickets_resolved),
            I(self.tickets_reopened),
            I(self.backlog_end),
            I(self.frt_n),
            F(self.frt_mean_s),
            F(self.frt_median_s),
            F(self.frt_p90_s),
            I(self.frt_unanswered),
            F(self.frt_mean_bh_s),
            F(self.frt_median_bh_s),
            F(self.frt_p90_bh_s),
            I(self.resolution_n),
            F(self.resolution_mean_s),
            F(self.resolution_median_s),
            F(self.resolution_p90_s),
            F(self.resolution_mean_bh_s),
            F(self.resolution_median_bh_s),
            F(self.resolution_p90_bh_s),
            F(self.first_contact_resolution_pct),
            I(self.first_contact_resolution_n),
            F(self.csat_pct),
            I(self.csat_n),
            F(self.nps),
            I(self.nps_n),
            F(self.ces_mean),
            I(self.ces_n),
            D(self.cost_per_ticket),
            T(self.cost_currency.clone()),
            I(self.cost_tickets),
            F(self.retention_pct),
            I(self.retention_n),
            F(self.sla_attainment_pct),
            I(self.sla_n),
            F(self.sla_first_response_pct),
            F(self.sla_resolution_pct),
            I(self.next_reply_n),
            F(self.next_reply_mean_s),
            F(self.next_reply_median_s),
            F(self.next_reply_p90_s),
            I(self.next_reply_unanswered),
            F(self.next_reply_mean_bh_s),
            F(self.next_reply_median_bh_s),
            F(self.next_reply_p90_bh_s),
            I(self.sla_first_response_n),
            I(self.sla_first_response_running),
            I(self.sla_resolution_n),
            I(self.sla_resolution_running),
            F(self.sla_next_reply_pct),
            I(self.sla_next_reply_n),
            I(self.sla_next_reply_running),
            F(self.sla_periodic_update_pct),
            I(self.sla_periodic_update_n),
            I(self.sla_periodic_update_running),
            I(self.status_time_n),
            F(self.requester_wait_mean_s),
            F(self.requester_wait_median_s),
            F(self.agent_work_mean_s),
            F(self.agent_work_median_s),
            F(self.on_hold_mean_s),
            F(self.pending_mean_s),
            F(self.requester_wait_mean_bh_s),
            F(self.requester_wait_median_bh_s),
            F(self.agent_work_mean_bh_s),
            F(self.agent_work_median_bh_s),
            F(self.on_hold_mean_bh_s),
            F(self.pending_mean_bh_s),
            F(self.reopen_pct),
            I(self.reopen_n),
        ]
    }
}

/// A row to make: its period, its value (`None`: the period's total) and its cell, if any
/// record landed in it.
type RowCell<'a> = (PeriodKey, Option<&'a String>, Option<Box<KpiCell>>);

/// The retention of each period, with its starting customers.
type RetentionCells = BTreeMap<PeriodKey, (Metric<f64>, u64)>;

/// What a report's rows read besides their cells: the options, the flows, and the costs and
/// retention of each period.
struct RowSources<'a> {
    options: &'a ReportOptions,
    flow_total: &'a FlowResults,
    flow_by: &'a BTreeMap<String, FlowResults>,
    cost_by_period: BTreeMap<PeriodKey, &'a CostPerTicketValue>,
    retention_total: RetentionCells,
    retention_by: BTreeMap<String, RetentionCells>,
}

impl RowSources<'_> {
    /// The row of `key` and `dim` (`None`: the period's total) from its finished cell, and its
    /// intervals when the report computes them.
    fn row(
        &self,
        key: PeriodKey,
        dim: Option<&String>,
        cell: &Finished,
    ) -> (ReportRow, Option<RowIntervals>) {
        let flow = match dim {
            None => Some(self.flow_total),
            Some(d) => self.flow_by.get(d),
        };
        let mut r = Row::new();
        let counts = flow
            .and_then(|f| f.volume.get(&key))
            .copied()
            .unwrap_or_default();
        let backlog_end = flow.map_or(0, |f| f.backlog_end(key));

        let frt = &cell.frt;
        let [frt_mean_s, frt_median_s, frt_p90_s] = r.durations("frt", "_s", Some(&frt.calendar));
        let [frt_mean_bh_s, frt_median_bh_s, frt_p90_bh_s] =
            r.durations("frt", "_bh_s", frt.business.as_ref());
        let next = &cell.next;
        let [next_reply_mean_s, next_reply_median_s, next_reply_p90_s] =
            r.durations("next_reply", "_s", Some(&next.calendar));
        let [
            next_reply_mean_bh_s,
            next_reply_median_bh_s,
            next_reply_p90_bh_s,
        ] = r.durations("next_reply", "_bh_s", next.business.as_ref());
        let st = &cell.status;
        // Mean and median only (the p90 of a wait is not a column): no stray reasons.
        let mut stat = |column: &str, stats: Option<&DurationStats>, median: bool| match stats {
            Some(s) => r.take(column, if median { &s.median } else { &s.mean }),
            None => r.none(column, "no business calendar given"),
        };
        let (cal, bh) = (
            [&st.requester_wait, &st.agent_work, &st.on_hold, &st.pending]
                .map(|p| Some(&p.calendar)),
            [&st.requester_wait, &st.agent_work, &st.on_hold, &st.pending]
                .map(|p| p.business.as_ref()),
        );
        let requester_wait_mean_s = stat("requester_wait_mean_s", cal[0], false);
        let requester_wait_median_s = stat("requester_wait_median_s", cal[0], true);
        let agent_work_mean_s = stat("agent_work_mean_s", cal[1], false);
        let agent_work_median_s = stat("agent_work_median_s", cal[1], true);
        let on_hold_mean_s = stat("on_hold_mean_s", cal[2], false);
        let pending_mean_s = stat("pending_mean_s", cal[3], false);
        let requester_wait_mean_bh_s = stat("requester_wait_mean_bh_s", bh[0], false);
        let requester_wait_median_bh_s = stat("requester_wait_median_bh_s", bh[0], true);
        let agent_work_mean_bh_s = stat("agent_work_mean_bh_s", bh[1], false);
        let agent_work_median_bh_s = stat("agent_work_median_bh_s", bh[1], true);
        let on_hold_mean_bh_s = stat("on_hold_mean_bh_s", bh[2], false);
        let pending_mean_bh_s = stat("pending_mean_bh_s", bh[3], false);
        let art = &cell.art;
        let [resolution_mean_s, resolution_median_s, resolution_p90_s] =
            r.durations("resolution", "_s", Some(&art.calendar));
        let [
            resolution_mean_bh_s,
            resolution_median_bh_s,
            resolution_p90_bh_s,
        ] = r.durations("resolution", "_bh_s", art.business.as_ref());
        let fcr = &cell.fcr;
        let first_contact_resolution_pct = r.take("first_contact_resolution_pct", &fcr.rate_pct);
        let (csat, nps, ces) = (&cell.csat, &cell.nps, &cell.ces);

        // Per metric (in SlaMetric::ALL order): attainment, decided, running.
        let mut by_metric = [(None, 0u64, 0u64); 4];
        let (sla_attainment_pct, sla_n) = match &cell.sla {
            None => {
                let why = "no SLA policy given";
                for (slot, m) in by_metric.iter_mut().zip(SlaMetric::ALL) {
                    slot.0 = r.none(format!("sla_{}_pct", m.as_str()), why);
                }
                (r.none("sla_attainment_pct", why), 0)
            }
            Some(s) => {
                let (mut met, mut decided) = (0, 0);
                for (slot, m) in by_metric.iter_mut().zip(SlaMetric::ALL) {
                    let a = s.get(m);
                    met += a.met;
                    decided += a.met + a.breached;
                    *slot = (
                        r.take(format!("sla_{}_pct", m.as_str()), &a.attainment_pct),
                        a.met + a.breached,
                        a.running,
                    );
                }
                let overall = if decided == 0 {
                    Metric::undefined("no SLA target decided in the period")
                } else {
                    Metric::Value(100.0 * met as f64 / decided as f64)
                };
                (r.take("sla_attainment_pct", &overall), decided)
            }
        };
        let [
            (sla_first_response_pct, sla_first_response_n, sla_first_response_running),
            (sla_resolution_pct, sla_resolution_n, sla_resolution_running),
            (sla_next_reply_pct, sla_next_reply_n, sla_next_reply_running),
            (sla_periodic_update_pct, sla_periodic_update_n, sla_periodic_update_running),
        ] = by_metric;

        let (cost_per_ticket, cost_currency, cost_tickets) = match dim {
            Some(_) => (
                r.none("cost_per_ticket", "costs are not split by dimension"),
                None,
                0,
            ),
            None => match self.cost_by_period.get(&key) {
                Some(v) => (
                    r.take("cost_per_ticket", &v.rounded()),
                    v.currency.map(|c| c.to_string()),
                    v.tickets,
                ),
                None => (
                    r.none("cost_per_ticket", "no cost entries in the period"),
                    None,
                    0,
                ),
            },
        };
        let retention = match dim {
            None => self.retention_total.get(&key),
            Some(d) => self.retention_by.get(d).and_then(|m| m.get(&key)),
        };
        let (retention_pct, retention_n) = match (retention, dim) {
            (Some((m, n)), _) => (r.take("retention_pct", m), *n),
            (None, None) => (r.none("retention_pct", "no customers in the period"), 0),
            (None, Some(_)) if self.options.by.as_deref() == Some("segment") => (
                r.none("retention_pct", "no customers of the segment in the period"),
                0,
            ),
            (None, Some(_)) => (
                r.none("retention_pct", "retention is split by segment only"),
                0,
            ),
        };

        let intervals = self
            .options
            .sections
            .contains(super::Section::Intervals)
            .then(|| {
                RowIntervals::new(
                    key.start,
                    dim.cloned(),
                    (&csat.ci95, csat.n),
                    (&nps.ci95, nps.n),
                )
            });
        let row = ReportRow {
            period_start: key.start,
            period_end: key.end(),
            dimension: dim.cloned(),
            tickets_created: counts.created,
            tickets_resolved: counts.resolved,
            tickets_reopened: counts.reopened,
            backlog_end,
            frt_n: frt.answered,
            frt_mean_s,
            frt_median_s,
            frt_p90_s,
            frt_unanswered: frt.unanswered,
            frt_mean_bh_s,
            frt_median_bh_s,
            frt_p90_bh_s,
            resolution_n: art.resolved,
            resolution_mean_s,
            resolution_median_s,
            resolution_p90_s,
            resolution_mean_bh_s,
            resolution_median_bh_s,
            resolution_p90_bh_s,
            first_contact_resolution_pct,
            first_contact_resolution_n: fcr.denominator,
            csat_pct: r.take("csat_pct", &csat.score),
            csat_n: csat.n,
            nps: r.take("nps", &nps.score),
            nps_n: nps.n,
            ces_mean: r.take("ces_mean", &ces.mean),
            ces_n: ces.n,
            cost_per_ticket,
            cost_currency,
            cost_tickets,
            retention_pct,
            retention_n,
            sla_attainment_pct,
            sla_n,
            sla_first_response_pct,
            sla_resolution_pct,
            next_reply_n: next.answered,
            next_reply_mean_s,
            next_reply_median_s,
            next_reply_p90_s,
            next_reply_unanswered: next.unanswered,
            next_reply_mean_bh_s,
            next_reply_median_bh_s,
            next_reply_p90_bh_s,
            sla_first_response_n,
            sla_first_response_running,
            sla_resolution_n,
            sla_resolution_running,
            sla_next_reply_pct,
            sla_next_reply_n,
            sla_next_reply_running,
            sla_periodic_update_pct,
            sla_periodic_update_n,
            sla_periodic_update_running,
            status_time_n: st.resolved,
            requester_wait_mean_s,
            requester_wait_median_s,
            agent_work_mean_s,
            agent_work_median_s,
            on_hold_mean_s,
            pending_mean_s,
            requester_wait_mean_bh_s,
            requester_wait_median_bh_s,
            agent_work_mean_bh_s,
            agent_work_median_bh_s,
            on_hold_mean_bh_s,
            pending_mean_bh_s,
            reopen_pct: if counts.resolved == 0 {
                r.none("reopen_pct", "no resolutions in the period")
            } else {
                Some(100.0 * counts.reopened as f64 / counts.resolved as f64)
            },
            reopen_n: counts.resolved,
            undefined: r.reasons(),
        };
        (row, intervals)
    }
}

/// Records reasons while turning metrics into plain values.
struct Row {
    /// Column and reason, in the order the row met them: a row of many undefined columns
    /// (every row of a value without tickets in its period) builds its map once, from a
    /// sorted list, rather than by an insertion per column.
    undefined: Vec<(String, String)>,
}

impl Row {
    fn new() -> Row {
        Row {
            undefined: Vec::with_capacity(64),
        }
    }

    fn take<T: Copy>(&mut self, column: impl Into<String>, m: &Metric<T>) -> Option<T> {
        match m {
            Metric::Value(v) => Some(*v),
            Metric::Undefined(u) => {
                self.undefined.push((column.into(), u.reason().to_owned()));
                None
            }
        }
    }

    fn none<T>(&mut self, column: impl Into<String>, reason: &str) -> Option<T> {
        self.undefined.push((column.into(), reason.to_owned()));
        None
    }

    /// The reasons by column (`collect` sorts the list and bulk-builds the map). Each column
    /// is met once per row.
    fn reasons(self) -> BTreeMap<String, String> {
        let met = self.undefined.len();
        let reasons: BTreeMap<String, String> = self.undefined.into_iter().collect();
        debug_assert_eq!(reasons.len(), met);
        reasons
    }

    /// Mean, median and p90 of a duration summary into three columns `{prefix}_{stat}{suffix}`.
    fn durations(
        &mut self,
        prefix: &str,
        suffix: &str,
        stats: Option<&DurationStats>,
    ) -> [Option<f64>; 3] {
        let [mean, median, p90] =
            ["mean", "median", "p90"].map(|s| format!("{prefix}_{s}{suffix}"));
        match stats {
            Some(s) => [
                self.take(mean, &s.mean),
                self.take(median, &s.median),
                self.take(p90, &s.p90),
            ],
            None => [mean, median, p90].map(|n| self.none(n, "no business calendar given")),
        }
    }
}

/// Per-dimension results of the period-intrinsic KPIs.
pub(super) struct FlowResults {
    /// Volume counts of the periods with any.
    pub(super) volume: BTreeMap<PeriodKey, VolumeCounts>,
    /// The backlog at the end of periods, in order: at least every period where it changed,
    /// from the first to the last (a period missing between two has the earlier's).
    pub(super) backlog: Vec<(PeriodKey, u64)>,
}

/// The flow's counts, and its backlog snapshot (what the sections show of the total's).
fn flow_results(flow: Flow) -> (FlowResults, Option<BacklogSnapshot>) {
    let backlog = flow.backlog.finish();
    let results = FlowResults {
        volume: flow.volume.period_counts(),
        backlog: backlog
            .periods
            .iter()
            .map(|p| (p.period, p.closing))
            .collect(),
    };
    (results, backlog.snapshot)
}

impl FlowResults {
    /// The backlog at the end of `key`: the sweep's value for a period it reports; before its
    /// first period nothing was open; after its last nothing changed since.
    fn backlog_end(&self, key: PeriodKey) -> u64 {
        let periods = &self.backlog;
        match periods.binary_search_by(|p| p.0.cmp(&key)) {
            Ok(i) => periods[i].1,
            Err(0) => 0,
            Err(i) => periods[i - 1].1,
        }
    }
}

/// What a report table is made of, however it was computed.
pub(super) struct Assembly {
    pub(super) options: ReportOptions,
    pub(super) kpis: Kpis,
    pub(super) cells: BTreeMap<PeriodKey, PeriodCells>,
    pub(super) flow_total: FlowResults,
    pub(super) flow_by: BTreeMap<String, FlowResults>,
    pub(super) cost: CostPerTicketAccumulator,
    pub(super) retention_total: CustomerRetentionAccumulator,
    pub(super) retention_by: BTreeMap<String, CustomerRetentionAccumulator>,
    /// The total flow's arrivals and backlog snapshot, for the sections.
    pub(super) flows: Flows,
    /// Whether event histories were read: without, `reopen_pct` is undefined on every row
    /// (summary rows record no reopen instants).
    pub(super) histories: bool,
}

pub(super) fn assemble(acc: ReportAccumulator) -> Result<Report, Error> {
    let ReportAccumulator {
        options,
        kpis,
        cells,
        flow_total,
        flow_by,
        cost,
        retention_total,
        retention_by,
        customers,
        drill,
        bucketer: _,
        span: _,
        histories,
    } = acc;
    let arrivals = flow_total.volume.arrivals();
    let (flow_total, snapshot) = flow_results(flow_total);
    assemble_parts(Assembly {
        options,
        kpis,
        cells,
        flow_total,
        flows: Flows {
            arrivals,
            snapshot: snapshot.map(super::BacklogAges::from),
            customers,
            drill,
        },
        flow_by: flow_by
            .into_iter()
            .map(|(d, f)| (d, flow_results(f).0))
            .collect(),
        cost,
        retention_total,
        retention_by,
        histories,
    })
}

pub(super) fn assemble_parts(parts: Assembly) -> Result<Report, Error> {
    let Assembly {
        options,
        kpis,
        mut cells,
        flow_total,
        flow_by,
        cost,
        retention_total,
        retention_by,
        flows,
        histories,
    } = parts;
    let cost: CostPerTicketResult = cost.finish();

    // The periods: the range's, or every period from the first to the last with tickets,
    // surveys or costs (customers alone decide only when there is nothing else: a customer
    // base years older than the helpdesk data must not add years of empty rows).
    let bucketer = options.bucketer();
    let span = |first: PeriodKey, last: PeriodKey| -> Vec<PeriodKey> {
        std::iter::successors(Some(first), |k| Some(k.next()).filter(|n| *n <= last)).collect()
    };
    let keys: Vec<PeriodKey> = match options.range {
        Some((first, last)) => span(bucketer.key_of_date(first), bucketer.key_of_date(last)),
        None => {
            let mut touched: BTreeSet<PeriodKey> = cells
                .keys()
                .copied()
                .chain(flow_total.volume.keys().copied())
                .chain(flow_total.backlog.iter().map(|p| p.0))
                .chain(cost.periods.iter().map(|p| p.period))
                .collect();
            if touched.is_empty() {
                touched.extend(
                    retention_total
                        .clone()
                        .finish()
                        .periods
                        .iter()
                        .map(|p| p.period),
                );
            }
            match (touched.first(), touched.last()) {
                (Some(&first), Some(&last)) => span(first, last),
                _ => Vec::new(),
            }
        }
    };
    let mut dimensions: BTreeSet<String> = flow_by.keys().cloned().collect();
    dimensions.extend(retention_by.keys().cloned());
    for c in cells.values() {
        dimensions.extend(c.by.keys().cloned());
    }
    // Before anything is made per row: a grouping of many values over many periods is an
    // error, not an allocation the host cannot satisfy.
    let rows = row_count(&options, keys.len() as u64, dimensions.len() as u64, false)?;
    // The rows are made into this array, reserved fallibly: a bound raised past what the
    // host holds is an error too.
    let mut made: Vec<(ReportRow, Option<RowIntervals>)> = Vec::new();
    made.try_reserve_exact(rows).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOption,
            format!(
                "the report's {rows} rows do not fit in memory (lower max_rows = {}, or report \
                 fewer periods or values)",
                options.max_rows
            ),
        )
        .with_field("max_rows")
        .with_value(options.max_rows)
    })?;
    // "(none)" reads best after the real values.
    let mut dimensions: Vec<String> = dimensions.into_iter().collect();
    if let Some(i) = dimensions.iter().position(|d| d == NO_VALUE) {
        let none = dimensions.remove(i);
        dimensions.push(none);
    }

    let finish_retention = |r: CustomerRetentionAccumulator| -> CustomerRetentionResult {
        match (keys.first(), keys.last()) {
            (Some(first), Some(last)) => r.finish_over(first.start, last.start),
            _ => r.finish(),
        }
    };
    let retention_total = finish_retention(retention_total);
    let retention_by: BTreeMap<String, CustomerRetentionResult> = retention_by
        .into_iter()
        .map(|(d, r)| (d, finish_retention(r)))
        .collect();

    let cost_by_period: BTreeMap<PeriodKey, &CostPerTicketValue> =
        cost.periods.iter().map(|p| (p.period, &p.value)).collect();
    let retention_of = |r: &CustomerRetentionResult| -> RetentionCells {
        r.periods
            .iter()
            .map(|p| (p.period, (p.retention_pct.clone(), p.start)))
            .collect()
    };
    let sources = RowSources {
        options: &options,
        flow_total: &flow_total,
        flow_by: &flow_by,
        cost_by_period,
        retention_total: retention_of(&retention_total),
        retention_by: retention_by
            .iter()
            .map(|(d, r)| (d.clone(), retention_of(r)))
            .collect(),
    };

    // Every row's cell, in row order. A (period, value) without tickets or responses has no
    // cell: its row reads one empty cell finished once, so a report of many values costs a
    // row each, not a cell each. The others are taken out of the state rather than cloned (an
    // exact-mode cell holds every duration of its period) and boxed, and the rows are made on
    // all cores (selecting medians and percentiles is most of a finish).
    let empty = kpis.cell().finish();
    let mut row_cells: Vec<RowCell<'_>> = Vec::with_capacity(rows);
    for &key in &keys {
        let (total, mut by) = match cells.remove(&key) {
            Some(PeriodCells { total, by }) => (Some(total), by),
            None => (None, BTreeMap::new()),
        };
        row_cells.push((key, None, total.map(Box::new)));
        for d in &dimensions {
            row_cells.push((key, Some(d), by.remove(d).map(Box::new)));
        }
    }
    crate::par::map_vec_into(row_cells, &mut made, |(key, dim, cell)| {
        let finished = cell.map(|c| c.finish());
        sources.row(key, dim, finished.as_ref().unwrap_or(&empty))
    });
    let intervals: Vec<RowIntervals> = made.iter_mut().filter_map(|(_, i)| i.take()).collect();
    // In place: the rows keep the array they were made in.
    let table: Vec<ReportRow> = made.into_iter().map(|(row, _)| row).collect();
    let sections = flows.into_sections(kpis.volume.options().spikes, (&options, &keys), intervals);
    let report = Report {
        options,
        rows: table,
        sections,
    };
    Ok(if histories {
        report
    } else {
        report.without_reopen_rate()
    })
}

/// Refuses, before an engine's pass, a grouped report that
/// [`max_rows`](field@ReportOptions::max_rows) would refuse at its finish: a pass keeps a
/// cell per (period, value) its tickets meet, so a grouping of many values by day would take
/// the memory the bound is there to spare before the finish could count the rows. Every
/// ticket has a cell in its creation period under its value, so the periods from the first
/// creation to the last (`created`, or the range's periods) times the values the tickets
/// carry are a lower bound of the rows. `created` and `values` (each a pass over the
/// tickets) are only called when `tickets` values could break the bound.
pub(super) fn check_rows_before(
    options: &ReportOptions,
    created: impl FnOnce() -> Option<(Instant, Instant)>,
    tickets: usize,
    values: impl FnOnce() -> usize,
) -> Result<(), Error> {
    // Within the bound whatever the periods and values: no look at the tickets at all.
    let at_most = options.max_periods.saturating_mul(tickets as u64 + 1);
    if options.by.is_none() || at_most <= options.max_rows {
        return Ok(());
    }
    let periods = match options.range {
        Some((first, last)) => options.period.count(first, last),
        None => match created() {
            Some((lo, hi)) => {
                let b = options.bucketer();
                options.period.count(b.local_date(lo), b.local_date(hi))
            }
            None => return Ok(()),
        },
    };
    if periods.saturating_mul(tickets as u64 + 1) <= options.max_rows {
        return Ok(());
    }
    row_count(options, periods, values() as u64, true).map(drop)
}

/// How many rows a report of `periods` periods and `values` dimension values has (a total row
/// per period and a row per value), or the error when that is more than
/// [`max_rows`](field@ReportOptions::max_rows). `at_least`: the counts are a lower bound of the
/// report's (an engine's check before its pass), and the error says so.
pub(super) fn row_count(
    options: &ReportOptions,
    periods: u64,
    values: u64,
    at_least: bool,
) -> Result<usize, Error> {
    let rows = periods.saturating_mul(values.saturating_add(1));
    if rows <= options.max_rows {
        // At most the periods' count times a value count that is a map's length: a usize.
        return Ok(usize::try_from(rows).unwrap_or(usize::MAX));
    }
    let period = options.period;
    let least = if at_least { "at least " } else { "" };
    let (field, value, made_of) = match &options.by {
        Some(by) => (
            "by",
            by.clone(),
            format!("{periods} {period} periods × ({values} values of {by} and the total)"),
        ),
        None => (
            "period",
            period.to_string(),
            format!("{periods} {period} periods"),
        ),
    };
    Err(Error::new(
        ErrorKind::InvalidOption,
        format!(
            "a report has at most max_rows = {} rows; {made_of} make {least}{rows} (report longer \
             periods or fewer of them: period, range; fewer values: a where filter; or raise \
             max_rows)",
            options.max_rows
        ),
    )
    .with_field(field)
    .with_value(value))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::str::FromStr;

    /// A row with every statistic defined (or none), its values distinct per column.
    pub(in crate::report) fn sample_row(defined: bool) -> ReportRow {
        let f = |x: f64| defined.then_some(x);
        let date = |s: &str| NaiveDate::from_str(s).unwrap_or_default();
        ReportRow {
            period_start: date("2021-06-01"),
            period_end: date("2021-07-01"),
            dimension: defined.then(|| "email".to_owned()),
            tickets_created: 3,
            tickets_resolved: 4,
            tickets_reopened: 5,
            backlog_end: 6,
            frt_n: 7,
            frt_mean_s: f(8.5),
            frt_median_s: f(9.0),
            frt_p90_s: f(10.0),
            frt_unanswered: 11,
            frt_mean_bh_s: f(12.0),
            frt_median_bh_s: f(13.0),
            frt_p90_bh_s: f(14.0),
            resolution_n: 15,
            resolution_mean_s: f(16.0),
            resolution_median_s: f(17.0),
            resolution_p90_s: f(18.0),
            resolution_mean_bh_s: f(19.0),
            resolution_median_bh_s: f(20.0),
            resolution_p90_bh_s: f(21.0),
            first_contact_resolution_pct: f(22.0),
            first_contact_resolution_n: 23,
            csat_pct: f(24.0),
            csat_n: 25,
            nps: f(-26.0),
            nps_n: 27,
            ces_mean: f(2.8),
            ces_n: 29,
            cost_per_ticket: defined.then(|| Decimal::new(1250, 2)),
            cost_currency: defined.then(|| "EUR".to_owned()),
            cost_tickets: 32,
            retention_pct: f(33.0),
            retention_n: 34,
            sla_attainment_pct: f(35.0),
            sla_n: 36,
            sla_first_response_pct: f(37.0),
            sla_resolution_pct: f(38.0),
            next_reply_n: 39,
            next_reply_mean_s: f(40.0),
            next_reply_median_s: f(41.0),
            next_reply_p90_s: f(42.0),
            next_reply_unanswered: 43,
            next_reply_mean_bh_s: f(44.0),
            next_reply_median_bh_s: f(45.0),
            next_reply_p90_bh_s: f(46.0),
            sla_first_response_n: 47,
            sla_first_response_running: 48,
            sla_resolution_n: 49,
            sla_resolution_running: 50,
            sla_next_reply_pct: f(51.0),
            sla_next_reply_n: 52,
            sla_next_reply_running: 53,
            sla_periodic_update_pct: f(54.0),
            sla_periodic_update_n: 55,
            sla_periodic_update_running: 56,
            status_time_n: 57,
            requester_wait_mean_s: f(58.0),
            requester_wait_median_s: f(59.0),
            agent_work_mean_s: f(60.0),
            agent_work_median_s: f(61.0),
            on_hold_mean_s: f(62.0),
            pending_mean_s: f(63.0),
            requester_wait_mean_bh_s: f(64.0),
            requester_wait_median_bh_s: f(65.0),
            agent_work_mean_bh_s: f(66.0),
            agent_work_median_bh_s: f(67.0),
            on_hold_mean_bh_s: f(68.0),
            pending_mean_bh_s: f(69.0),
            reopen_pct: f(70.0),
            reopen_n: 71,
            undefined: BTreeMap::new(),
        }
    }

    /// Every column's declared type is the type of the row's value in it, defined or not;
    /// a column added to the row without its entry in COLUMNS (or declared with another type)
    /// fails here.
    #[test]
    fn every_column_has_its_declared_type() {
        for defined in [true, false] {
            let row = sample_row(defined);
            for (column, cell) in COLUMNS.iter().zip(row.cells()) {
                assert_eq!(cell.kind(), column.kind, "{}", column.name);
            }
        }
        let kinds: Vec<&str> = COLUMNS.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds[..4], ["date", "date", "text", "count"]);
        assert_eq!(
            column("cost_per_ticket").map(|c| c.kind),
            Some(ColumnType::Money)
        );
        assert_eq!(column("csat_pct").map(|c| c.unit), Some("percent"));
        assert_eq!(column("nope"), None);
    }

    /// The columns are the row's fields, in the row's order, each once.
    #[test]
    fn columns_are_the_rows_fields_in_order() {
        let serde_json::Value::Object(fields) =
            serde_json::to_value(sample_row(true)).unwrap_or_default()
        else {
            panic!("a row serializes to an object");
        };
        // serde_json's map keeps insertion order only with `preserve_order`; compare sets and
        // take the order from the CSV writer, which follows cells().
        let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
        names.retain(|n| *n != "undefined");
        names.sort_unstable();
        let mut declared: Vec<&str> = column_names().collect();
        declared.sort_unstable();
        assert_eq!(names, declared);
        declared.dedup();
        assert_eq!(declared.len(), COLUMNS.len());
        let report = Report {
            options: ReportOptions::default(),
            rows: vec![sample_row(true)],
            sections: Default::default(),
        };
        let csv = report.to_csv();
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .is_some_and(|h| h.starts_with("period_start,period_end,dimension,"))
        );
        assert_eq!(
            lines.next(),
            Some(
                "2021-06-01,2021-07-01,email,3,4,5,6,7,8.5,9,10,11,12,13,14,15,16,17,18,19,20,21,\
                 22,23,24,25,-26,27,2.8,29,12.50,EUR,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,\
                 48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71"
            )
        );
    }
}
