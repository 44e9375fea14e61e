//! `--format table`: the report for a terminal. One line per period (and per dimension value
//! under it), the columns a support lead reads first, fitting 100 columns; changes against the
//! previous period; "—" where a value is undefined; a footer with the n's and what was read.

use crate::report::{Context, rejects_summary};
use std::fmt::Write as _;
use supportkpi::report::{Report, ReportRow};

/// Undefined: no data, or a zero denominator (the JSON output carries the reason).
pub(crate) const DASH: &str = "—";

pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration for reading: `45s`, `12m`, `3.4h`, `2.1d`.
pub(crate) fn duration(secs: Option<f64>) -> String {
    let Some(s) = secs else {
        return DASH.to_owned();
    };
    if s < 60.0 {
        format!("{s:.0}s")
    } else if s < 3600.0 {
        format!("{:.0}m", s / 60.0)
    } else if s < 86_400.0 {
        format!("{:.1}h", s / 3600.0)
    } else {
        format!("{:.1}d", s / 86_400.0)
    }
}

pub(crate) fn pct(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| DASH.to_owned(), |v| format!("{v:.decimals$}%"))
}

pub(crate) fn signed(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.to_owned(), |v| format!("{v:+.0}"))
}

/// `▲12%`, `▼3%`, `=0%`; empty without a previous value or from zero to zero, `new` from
/// zero.
pub(crate) fn change(previous: Option<f64>, current: f64) -> String {
    match previous {
        None => String::new(),
        Some(0.0) => {
            if current == 0.0 {
                String::new()
            } else {
                "new".into()
            }
        }
        Some(p) => {
            let c = 100.0 * (current - p) / p;
            let arrow = if c.round() > 0.0 {
                "▲"
            } else if c.round() < 0.0 {
                "▼"
            } else {
                "="
            };
            format!("{arrow}{:.0}%", c.abs())
        }
    }
}

/// The period's label: `2023-01-02` (day; week: its Monday), `2023-01`, `2023 Q1`, `2023`.
pub(crate) fn period_label(row: &ReportRow, period: supportkpi::Period) -> String {
    use chrono::Datelike;
    let d = row.period_start;
    match period {
        supportkpi::Period::Day | supportkpi::Period::Week => d.to_string(),
        supportkpi::Period::Month => format!("{}-{:02}", d.year(), d.month()),
        supportkpi::Period::Quarter => format!("{} Q{}", d.year(), d.month0() / 3 + 1),
        supportkpi::Period::Year => d.year().to_string(),
    }
}

/// The durations the table shows: business time when a calendar was given.
pub(crate) fn frt(row: &ReportRow, business: bool) -> (Option<f64>, Option<f64>) {
    if business {
        (row.frt_median_bh_s, row.frt_p90_bh_s)
    } else {
        (row.frt_median_s, row.frt_p90_s)
    }
}

pub(crate) fn resolution(row: &ReportRow, business: bool) -> (Option<f64>, Option<f64>) {
    if business {
        (row.resolution_median_bh_s, row.resolution_p90_bh_s)
    } else {
        (row.resolution_median_s, row.resolution_p90_s)
    }
}

/// A cell from its row and the same row of the previous period.
type CellFn = Box<dyn Fn(&ReportRow, Option<&ReportRow>) -> String>;

struct Column {
    header: &'static str,
    cell: CellFn,
}

pub(crate) fn render(report: &Report, c: &Context) -> String {
    let business = c.options.calendar.is_some();
    let period = c.options.period;
    let has_histories = c.input.has_histories();
    let has_sla = c.options.sla.is_some();

    let mut columns: Vec<Column> = vec![
        Column {
            header: "created",
            cell: Box::new(|r, _| thousands(r.tickets_created)),
        },
        Column {
            header: "Δ",
            cell: Box::new(|r, p| {
                change(
                    p.map(|p| p.tickets_created as f64),
                    r.tickets_created as f64,
                )
            }),
        },
        Column {
            header: "solved",
            cell: Box::new(|r, _| thousands(r.tickets_resolved)),
        },
    ];
    if has_histories {
        columns.push(Column {
            header: "reopen",
            cell: Box::new(|r, _| thousands(r.tickets_reopened)),
        });
    }
    columns.extend([
        Column {
            header: "backlog",
            cell: Box::new(|r, _| thousands(r.backlog_end)),
        },
        Column {
            header: "FRT p50",
            cell: Box::new(move |r, _| duration(frt(r, business).0)),
        },
        Column {
            header: "FRT p90",
            cell: Box::new(move |r, _| duration(frt(r, business).1)),
        },
        Column {
            header: "res p50",
            cell: Box::new(move |r, _| duration(resolution(r, business).0)),
        },
        Column {
            header: "FCR",
            cell: Box::new(|r, _| pct(r.first_contact_resolution_pct, 0)),
        },
        Column {
            header: "CSAT",
            cell: Box::new(|r, _| pct(r.csat_pct, 1)),
        },
        Column {
            header: "NPS",
            cell: Box::new(|r, _| signed(r.nps)),
        },
    ]);
    if has_sla {
        columns.push(Column {
            header: "SLA",
            cell: Box::new(|r, _| pct(r.sla_attainment_pct, 0)),
        });
    }

    // Rows: each period's total, then its dimension rows indented.
    let mut lines: Vec<(String, Vec<String>)> = Vec::new();
    let mut previous: std::collections::HashMap<Option<&str>, &ReportRow> = Default::default();
    for row in &report.rows {
        let label = match &row.dimension {
            None => period_label(row, period),
            Some(d) => {
                let d: String = if d.chars().count() > 16 {
                    d.chars().take(15).collect::<String>() + "…"
                } else {
                    d.clone()
                };
                format!("  {d}")
            }
        };
        let prev = previous.get(&row.dimension.as_deref()).copied();
        let cells = columns.iter().map(|col| (col.cell)(row, prev)).collect();
        previous.insert(row.dimension.as_deref(), row);
        lines.push((label, cells));
    }

    let header_label = match period {
        supportkpi::Period::Week => "week of",
        _ => "period",
    };
    let width = |s: &str| s.chars().count();
    let label_w = lines
        .iter()
        .map(|(l, _)| width(l))
        .chain([width(header_label)])
        .max()
        .unwrap_or(6);
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, col)| {
            lines
                .iter()
                .map(|(_, cells)| width(&cells[i]))
                .chain([width(col.header)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let pad = |s: &str, w: usize, left: bool| {
        let fill = " ".repeat(w.saturating_sub(width(s)));
        if left {
            format!("{s}{fill}")
        } else {
            format!("{fill}{s}")
        }
    };
    // Labels read left-aligned, numbers right-aligned.

    let mut out = String::new();
    let zone = c.options.zone.name();
    let mut title = format!("{} · {} · {zone}", c.title, period_name(period));
    if let Some(by) = &c.options.by {
        let _ = write!(title, " · by {by}");
    }
    out.push_str(&title);
    out.push_str("\n\n");
    let mut header = pad(header_label, label_w, true);
    for (col, w) in columns.iter().zip(&widths) {
        header.push_str("  ");
        header.push_str(&pad(col.header, *w, false));
    }
    out.push_str(header.trim_end());
    out.push('\n');
    for (label, cells) in &lines {
        let mut line = pad(label, label_w, true);
        for (cell, w) in cells.iter().zip(&widths) {
            line.push_str("  ");
            line.push_str(&pad(cell, *w, false));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if lines.is_empty() {
        out.push_str("(no periods: the inputs hold no records)\n");
    }
    out.push('\n');
    for line in footer(report, c) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn period_name(p: supportkpi::Period) -> &'static str {
    match p {
        supportkpi::Period::Day => "daily",
        supportkpi::Period::Week => "weekly (ISO weeks)",
        supportkpi::Period::Month => "monthly",
        supportkpi::Period::Quarter => "quarterly",
        supportkpi::Period::Year => "yearly",
    }
}

/// Wraps `text` at 98 columns, continuation lines indented.
fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > 98 {
            lines.push(std::mem::take(&mut line));
            line.push_str("  ");
        }
        if !line.is_empty() && !line.ends_with("  ") {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        lines.push(line);
    }
    lines
}

fn footer(report: &Report, c: &Context) -> Vec<String> {
    let totals: Vec<&ReportRow> = report.total_rows().collect();
    let sum = |f: fn(&ReportRow) -> u64| -> u64 { totals.iter().map(|r| f(r)).sum() };
    let mut text = Vec::new();

    if let [.., prev, last] = totals[..] {
        let business = c.options.calendar.is_some();
        let mut parts = vec![format!(
            "created {}",
            change(
                Some(prev.tickets_created as f64),
                last.tickets_created as f64
            )
        )];
        let (a, b) = (frt(prev, business).0, frt(last, business).0);
        if let (Some(a), Some(b)) = (a, b) {
            parts.push(format!("FRT p50 {}", change(Some(a), b)));
        }
        let (a, b) = (resolution(prev, business).0, resolution(last, business).0);
        if let (Some(a), Some(b)) = (a, b) {
            parts.push(format!("res p50 {}", change(Some(a), b)));
        }
        if let (Some(a), Some(b)) = (prev.csat_pct, last.csat_pct) {
            parts.push(format!("CSAT {:+.1} pts", b - a));
        }
        if let (Some(a), Some(b)) = (prev.nps, last.nps) {
            parts.push(format!("NPS {:+.0}", b - a));
        }
        text.push(format!(
            "{} vs {}: {}",
            period_label(last, c.options.period),
            period_label(prev, c.options.period),
            parts.join(", ")
        ));
    }

    text.push(format!(
        "n: {} tickets created, {} resolutions; FRT over {} answered ({} unanswered); \
         responses: CSAT {}, NPS {}, CES {}.",
        thousands(sum(|r| r.tickets_created)),
        thousands(sum(|r| r.tickets_resolved)),
        thousands(sum(|r| r.frt_n)),
        thousands(sum(|r| r.frt_unanswered)),
        thousands(sum(|r| r.csat_n)),
        thousands(sum(|r| r.nps_n)),
        thousands(sum(|r| r.ces_n)),
    ));
    let clock = match (&c.options.calendar, &c.hours) {
        (Some(_), Some(h)) => format!("business time ({h}, {})", c.options.zone.name()),
        _ => "calendar time".to_owned(),
    };
    let mut legend = format!(
        "Durations in {clock}; FCR = one-touch resolutions / tickets created; CSAT = % 4-5 of 5; \
         {DASH} = undefined (no data; reasons in --format json)."
    );
    if !c.input.has_histories() && c.input.has_summary_tickets() {
        legend.push_str(" Reopens are counted from event logs (--events).");
    }
    text.push(legend);
    if let Some(sla) = &c.sla {
        text.push(format!(
            "SLA = targets met / targets decided; targets: {sla}."
        ));
    }
    let read: Vec<String> = c
        .read
        .iter()
        .map(|(_, p, n)| format!("{} {}", crate::report::file_name(p), thousands(*n)))
        .collect();
    let source = if c.demo {
        format!(
            "Demo: synthetic data from `supportkpi generate --tickets {} --seed {}` (examples/data/demo): {}.",
            crate::report::DEMO_TICKETS,
            crate::report::DEMO_SEED,
            read.join(", ")
        )
    } else {
        format!("Read: {}.", read.join(", "))
    };
    text.push(source);
    text.push(format!("{}.", rejects_summary(c)).replace("..", "."));
    text.iter().flat_map(|t| wrap(t)).collect()
}

/// `supportkpi tickets --format table`: one line per ticket with the facts a lead checks first
/// (every column is in `--format csv`/`json`).
pub(crate) fn render_tickets(table: &supportkpi::report::TicketMetrics) -> String {
    use supportkpi::report::tickets::sla_status_name;
    let header = [
        "ticket",
        "created",
        "status",
        "FRT",
        "resolution",
        "reopens",
        "SLA FR",
        "SLA res",
        "open age",
    ];
    let rows: Vec<[String; 9]> = table
        .iter()
        .map(|r| {
            let sla = |s: &Option<supportkpi::kpi::SlaStatus>| {
                s.as_ref().map_or(DASH, sla_status_name).to_owned()
            };
            [
                r.ticket_id.clone(),
                r.created_at.format("%Y-%m-%d %H:%M").to_string(),
                r.status.clone(),
                duration(r.frt_s.map(|s| s as f64)),
                duration(r.resolution_s.map(|s| s as f64)),
                r.reopens.map_or_else(|| DASH.to_owned(), |n| n.to_string()),
                sla(&r.sla_first_response),
                sla(&r.sla_resolution),
                duration(r.age_s.map(|s| s as f64)),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[&str]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(&mut out, &header);
    for row in &rows {
        line(&mut out, &row.each_ref().map(String::as_str));
    }
    let open = table.iter().filter(|r| r.open_at_end).count();
    let _ = writeln!(
        out,
        "\n{} tickets, {} open at {}",
        thousands(table.rows.len() as u64),
        thousands(open as u64),
        table.end.map_or_else(
            || DASH.to_owned(),
            |e| e.format("%Y-%m-%d %H:%M UTC").to_string()
        )
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(duration(Some(42.0)), "42s");
        assert_eq!(duration(Some(600.0)), "10m");
        assert_eq!(duration(Some(5400.0)), "1.5h");
        assert_eq!(duration(Some(172_800.0)), "2.0d");
        assert_eq!(duration(None), DASH);
        assert_eq!(change(Some(100.0), 112.0), "▲12%");
        assert_eq!(change(Some(100.0), 95.0), "▼5%");
        assert_eq!(change(None, 95.0), "");
        assert_eq!(signed(Some(23.4)), "+23");
    }
}
