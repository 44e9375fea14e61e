//! The report table: its rows, its columns, and the CSV and JSON writers.

use super::{Flow, Kpis, NO_VALUE, PeriodCells, ReportAccumulator, ReportOptions};
use crate::kpi::{
    Accumulator, CostPerTicketAccumulator, CostPerTicketResult, CustomerRetentionAccumulator,
    CustomerRetentionResult, Metric, SlaMetric, VolumeCounts, VolumeResult,
};
use crate::stats::DurationStats;
use crate::time::PeriodKey;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The table's column names, in order (snake_case, units in the name; `_bh_s`: business
/// seconds). [`ReportRow`] has one field per column, plus the `undefined` reasons.
pub const COLUMNS: [&str; 70] = [
    "period_start",
    "period_end",
    "dimension",
    "tickets_created",
    "tickets_resolved",
    "tickets_reopened",
    "backlog_end",
    "frt_n",
    "frt_mean_s",
    "frt_median_s",
    "frt_p90_s",
    "frt_unanswered",
    "frt_mean_bh_s",
    "frt_median_bh_s",
    "frt_p90_bh_s",
    "resolution_n",
    "resolution_mean_s",
    "resolution_median_s",
    "resolution_p90_s",
    "resolution_mean_bh_s",
    "resolution_median_bh_s",
    "resolution_p90_bh_s",
    "first_contact_resolution_pct",
    "first_contact_resolution_n",
    "csat_pct",
    "csat_n",
    "nps",
    "nps_n",
    "ces_mean",
    "ces_n",
    "cost_per_ticket",
    "cost_currency",
    "cost_tickets",
    "retention_pct",
    "retention_n",
    "sla_attainment_pct",
    "sla_n",
    "sla_first_response_pct",
    "sla_resolution_pct",
    "next_reply_n",
    "next_reply_mean_s",
    "next_reply_median_s",
    "next_reply_p90_s",
    "next_reply_unanswered",
    "next_reply_mean_bh_s",
    "next_reply_median_bh_s",
    "next_reply_p90_bh_s",
    "sla_first_response_n",
    "sla_first_response_running",
    "sla_resolution_n",
    "sla_resolution_running",
    "sla_next_reply_pct",
    "sla_next_reply_n",
    "sla_next_reply_running",
    "sla_periodic_update_pct",
    "sla_periodic_update_n",
    "sla_periodic_update_running",
    "status_time_n",
    "requester_wait_mean_s",
    "requester_wait_median_s",
    "agent_work_mean_s",
    "agent_work_median_s",
    "on_hold_mean_s",
    "pending_mean_s",
    "requester_wait_mean_bh_s",
    "requester_wait_median_bh_s",
    "agent_work_mean_bh_s",
    "agent_work_median_bh_s",
    "on_hold_mean_bh_s",
    "pending_mean_bh_s",
];

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
}

impl Report {
    /// The total rows, one per period.
    pub fn total_rows(&self) -> impl Iterator<Item = &ReportRow> {
        self.rows.iter().filter(|r| r.dimension.is_none())
    }

    /// The table as CSV: a header of [`COLUMNS`], one line per row, an empty field for an
    /// undefined value. Reasons are not in the CSV; [`to_json`](Report::to_json) has them.
    pub fn to_csv(&self) -> String {
        let mut out = COLUMNS.join(",");
        out.push('\n');
        for row in &self.rows {
            let fields: Vec<String> = row.cells().iter().map(Cell::to_csv).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }

    /// The report as JSON: `{"options": …, "columns": […], "rows": [{column: value, …,
    /// "undefined": {column: reason}}]}`; undefined values are `null`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"options\":");
        out.push_str(&json_value(&self.options));
        out.push_str(",\"columns\":");
        out.push_str(&json_value(&COLUMNS[..]));
        out.push_str(",\"rows\":[");
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            for (name, cell) in COLUMNS.iter().zip(row.cells()) {
                let _ = write!(out, "{}:{},", json_value(name), cell.to_json());
            }
            out.push_str("\"undefined\":");
            out.push_str(&json_value(&row.undefined));
            out.push('}');
        }
        out.push_str("]}");
        out
    }
}

/// Serializes a value that cannot fail to serialize (strings, numbers, maps of them, options).
fn json_value<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

/// One value of a row, for the writers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(Option<String>),
    Int(u64),
    Float(Option<f64>),
    Decimal(Option<Decimal>),
}

impl Cell {
    fn to_csv(&self) -> String {
        match self {
            Cell::Text(None) | Cell::Float(None) | Cell::Decimal(None) => String::new(),
            Cell::Text(Some(s)) => csv_quote(s),
            Cell::Int(v) => v.to_string(),
            Cell::Float(Some(v)) => v.to_string(),
            Cell::Decimal(Some(d)) => d.to_string(),
        }
    }

    fn to_json(&self) -> String {
        match self {
            Cell::Text(None) | Cell::Float(None) | Cell::Decimal(None) => "null".into(),
            Cell::Text(Some(s)) => json_value(s),
            Cell::Int(v) => v.to_string(),
            // serde_json writes the shortest representation that reads back to the same f64.
            Cell::Float(Some(v)) => json_value(v),
            // Decimals as strings, so no reader turns money into a float.
            Cell::Decimal(Some(d)) => json_value(&d.to_string()),
        }
    }
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
    pub(crate) fn cells(&self) -> Vec<Cell> {
        use Cell::{Decimal as D, Float as F, Int as I, Text as T};
        vec![
            T(Some(self.period_start.to_string())),
            T(Some(self.period_end.to_string())),
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
        ]
    }
}

/// Records reasons while turning metrics into plain values.
struct Row {
    undefined: BTreeMap<String, String>,
}

impl Row {
    fn take<T: Copy>(&mut self, column: &str, m: &Metric<T>) -> Option<T> {
        match m {
            Metric::Value(v) => Some(*v),
            Metric::Undefined(u) => {
                self.undefined
                    .insert(column.to_owned(), u.reason().to_owned());
                None
            }
        }
    }

    fn none<T>(&mut self, column: &str, reason: &str) -> Option<T> {
        self.undefined.insert(column.to_owned(), reason.to_owned());
        None
    }

    /// Mean, median and p90 of a duration summary into three columns `{prefix}_{stat}{suffix}`.
    fn durations(
        &mut self,
        prefix: &str,
        suffix: &str,
        stats: Option<&DurationStats>,
    ) -> [Option<f64>; 3] {
        let names = ["mean", "median", "p90"].map(|s| format!("{prefix}_{s}{suffix}"));
        match stats {
            Some(s) => [
                self.take(&names[0], &s.mean),
                self.take(&names[1], &s.median),
                self.take(&names[2], &s.p90),
            ],
            None => names.map(|n| self.none(&n, "no business calendar given")),
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

fn flow_results(flow: Flow) -> FlowResults {
    let volume: VolumeResult = flow.volume.finish();
    FlowResults {
        volume: volume
            .periods
            .into_iter()
            .map(|p| (p.period, p.counts))
            .collect(),
        backlog: flow
            .backlog
            .finish()
            .periods
            .iter()
            .map(|p| (p.period, p.closing))
            .collect(),
    }
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
}

pub(super) fn assemble(acc: ReportAccumulator) -> Report {
    let ReportAccumulator {
        options,
        kpis,
        cells,
        flow_total,
        flow_by,
        cost,
        retention_total,
        retention_by,
        bucketer: _,
    } = acc;
    assemble_parts(Assembly {
        options,
        kpis,
        cells,
        flow_total: flow_results(flow_total),
        flow_by: flow_by
            .into_iter()
            .map(|(d, f)| (d, flow_results(f)))
            .collect(),
        cost,
        retention_total,
        retention_by,
    })
}

pub(super) fn assemble_parts(parts: Assembly) -> Report {
    let Assembly {
        options,
        kpis,
        mut cells,
        flow_total,
        flow_by,
        cost,
        retention_total,
        retention_by,
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

    let mut dimensions: BTreeSet<String> = flow_by.keys().cloned().collect();
    dimensions.extend(retention_by.keys().cloned());
    for c in cells.values() {
        dimensions.extend(c.by.keys().cloned());
    }
    // "(none)" reads best after the real values.
    let mut dimensions: Vec<String> = dimensions.into_iter().collect();
    if let Some(i) = dimensions.iter().position(|d| d == NO_VALUE) {
        let none = dimensions.remove(i);
        dimensions.push(none);
    }

    let empty = kpis.cell();
    let cost_by_period: BTreeMap<PeriodKey, _> =
        cost.periods.iter().map(|p| (p.period, &p.value)).collect();
    type RetentionCells = BTreeMap<PeriodKey, (Metric<f64>, u64)>;
    let retention_of = |r: &CustomerRetentionResult| -> RetentionCells {
        r.periods
            .iter()
            .map(|p| (p.period, (p.retention_pct.clone(), p.start)))
            .collect()
    };
    let retention_total = retention_of(&retention_total);
    let retention_by: BTreeMap<String, RetentionCells> = retention_by
        .iter()
        .map(|(d, r)| (d.clone(), retention_of(r)))
        .collect();

    let mut rows = Vec::with_capacity(keys.len() * (1 + dimensions.len()));
    for key in keys {
        // Each cell is finished once, so it is taken out rather than cloned (an exact-mode cell
        // holds every duration of its period).
        let mut period_cells: Option<PeriodCells> = cells.remove(&key);
        let groups = std::iter::once(None).chain(dimensions.iter().map(Some));
        for dim in groups {
            let cell = match (period_cells.as_mut(), dim) {
                (Some(pc), None) => std::mem::replace(&mut pc.total, empty.clone()),
                (Some(pc), Some(d)) => pc.by.remove(d).unwrap_or_else(|| empty.clone()),
                (None, _) => empty.clone(),
            };
            let flow = match dim {
                None => Some(&flow_total),
                Some(d) => flow_by.get(d),
            };
            let mut r = Row {
                undefined: BTreeMap::new(),
            };
            let counts = flow
                .and_then(|f| f.volume.get(&key))
                .copied()
                .unwrap_or_default();
            let backlog_end = flow.map_or(0, |f| f.backlog_end(key));

            let frt = cell.frt.finish();
            let [frt_mean_s, frt_median_s, frt_p90_s] =
                r.durations("frt", "_s", Some(&frt.calendar));
            let [frt_mean_bh_s, frt_median_bh_s, frt_p90_bh_s] =
                r.durations("frt", "_bh_s", frt.business.as_ref());
            let next = cell.next.finish();
            let [next_reply_mean_s, next_reply_median_s, next_reply_p90_s] =
                r.durations("next_reply", "_s", Some(&next.calendar));
            let [
                next_reply_mean_bh_s,
                next_reply_median_bh_s,
                next_reply_p90_bh_s,
            ] = r.durations("next_reply", "_bh_s", next.business.as_ref());
            let st = cell.status.finish();
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
            let art = cell.art.finish();
            let [resolution_mean_s, resolution_median_s, resolution_p90_s] =
                r.durations("resolution", "_s", Some(&art.calendar));
            let [
                resolution_mean_bh_s,
                resolution_median_bh_s,
                resolution_p90_bh_s,
            ] = r.durations("resolution", "_bh_s", art.business.as_ref());
            let fcr = cell.fcr.finish();
            let first_contact_resolution_pct =
                r.take("first_contact_resolution_pct", &fcr.rate_pct);
            let csat = cell.csat.finish();
            let nps = cell.nps.finish();
            let ces = cell.ces.finish();

            // Per metric (in SlaMetric::ALL order): attainment, decided, running.
            let mut by_metric = [(None, 0u64, 0u64); 4];
            let (sla_attainment_pct, sla_n) = match cell.sla {
                None => {
                    let why = "no SLA policy given";
                    for (slot, m) in by_metric.iter_mut().zip(SlaMetric::ALL) {
                        slot.0 = r.none(&format!("sla_{}_pct", m.as_str()), why);
                    }
                    (r.none("sla_attainment_pct", why), 0)
                }
                Some(acc) => {
                    let s = acc.finish();
                    let (mut met, mut decided) = (0, 0);
                    for (slot, m) in by_metric.iter_mut().zip(SlaMetric::ALL) {
                        let a = s.get(m);
                        met += a.met;
                        decided += a.met + a.breached;
                        let column = format!("sla_{}_pct", m.as_str());
                        *slot = (
                            r.take(&column, &a.attainment_pct),
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
                None => match cost_by_period.get(&key) {
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
                None => retention_total.get(&key),
                Some(d) => retention_by.get(d).and_then(|m| m.get(&key)),
            };
            let (retention_pct, retention_n) = match (retention, dim) {
                (Some((m, n)), _) => (r.take("retention_pct", m), *n),
                (None, None) => (r.none("retention_pct", "no customers in the period"), 0),
                (None, Some(_)) if options.by.as_deref() == Some("segment") => (
                    r.none("retention_pct", "no customers of the segment in the period"),
                    0,
                ),
                (None, Some(_)) => (
                    r.none("retention_pct", "retention is split by segment only"),
                    0,
                ),
            };

            rows.push(ReportRow {
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
                undefined: r.undefined,
            });
        }
    }
    Report { options, rows }
}
