//! `--format html`: one self-contained page a support lead can send on. Inline CSS and inline
//! SVG, no script, and a Content-Security-Policy that forbids every fetch, so the page shows
//! the same offline, in a mail client, and printed.
//!
//! Every number comes from the [`Report`]: its rows, and its sections (the weekday × hour
//! heatmap, spike days, backlog ages, the CSAT and NPS intervals per period, revenue retention,
//! the cohort matrix and the drill-down lists). The page renders them (rounding for display)
//! and computes none.

use crate::charts::{self, Chart, Series, Style, YAxis};
use crate::report::{Context, rejects_summary};
use crate::table::{DASH, change, duration, frt, period_label, resolution, thousands};
use plotters::style::RGBColor;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use supportkpi::kpi::AgeBucket;
use supportkpi::model::{Instant, SurveyKind};
use supportkpi::report::{DrillTicket, NO_VALUE, Report, ReportRow, Section};

/// What a figure of a section the options leave out (`--sections`) says instead of a chart;
/// `{}` is the section's name.
const NOT_SELECTED: &str = "Not computed: --sections leaves out {}.";
use supportkpi::stats::trend::least_squares;

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --good:#15803d; --bad:#b91c1c; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink); background:var(--bg); }
main { max-width: 1000px; margin: 0 auto; padding: 24px 16px 48px; }
header h1 { font-size: 1.6rem; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 20px; }
h2 { font-size: 1.15rem; margin: 32px 0 12px; }
.tiles { display:grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; }
.tile { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
.tile .label { color:var(--muted); font-size:.82rem; text-transform:uppercase; letter-spacing:.03em; }
.tile .value { font-size:1.6rem; font-weight:650; margin:2px 0; font-variant-numeric: tabular-nums; }
.tile .delta { font-size:.85rem; font-variant-numeric: tabular-nums; }
.tile .n { color:var(--muted); font-size:.78rem; }
a.tile { display:block; color:inherit; text-decoration:none; }
a.tile:hover, a.tile:focus { border-color:#94a3b8; }
.good { color: var(--good); } .bad { color: var(--bad); } .flat { color: var(--muted); }
.charts { display:grid; grid-template-columns: 1fr; gap: 16px; }
figure.chart { margin:0; background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 14px; break-inside: avoid; page-break-inside: avoid; }
figure.chart h3 { font-size: 1rem; margin: 0 0 2px; }
figcaption { color: var(--muted); font-size: .85rem; margin-bottom: 6px; }
.key { display:inline-block; width:12px; height:12px; border-radius:3px; vertical-align:-1px; margin:0 4px 0 10px; }
.key.dashed { height:0; border-top:2px dashed; border-radius:0; vertical-align:3px; width:16px; }
figure.chart svg { width:100%; height:auto; display:block; }
.empty { color: var(--muted); font-style: italic; padding: 24px 0; margin: 0; }
.scroll { overflow-x: auto; background:#fff; border:1px solid var(--line); border-radius:10px; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f1f5f9; font-weight: 600; }
details { margin-top: 16px; }
summary { cursor: pointer; color: var(--muted); }
footer { color: var(--muted); font-size: .82rem; margin-top: 32px; border-top: 1px solid var(--line); padding-top: 12px; }
footer p { margin: 4px 0; }
@media (max-width: 600px) {
  main { padding: 12px 8px 32px; }
  header h1 { font-size: 1.3rem; }
  .tiles { grid-template-columns: repeat(2, 1fr); gap: 8px; }
  .tile .value { font-size: 1.3rem; }
  /* Charts keep legible labels: swipe sideways rather than shrink the text. */
  figure.chart { overflow-x: auto; }
  figure.chart svg { min-width: 600px; }
}
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .tiles { grid-template-columns: repeat(4, 1fr); }
  .tile, figure.chart, .scroll { border-color: #cbd5e1; }
  h2 { break-after: avoid; page-break-after: avoid; }
  details { display: none; }
  @page { margin: 14mm; }
}
"#;

/// A backlog age bucket's label, in days.
fn age_label(a: &AgeBucket) -> String {
    let days = |s: i64| s as f64 / 86_400.0;
    match a.max_seconds {
        Some(max) if a.min_seconds == 0 => format!("< {} d", days(max)),
        Some(max) => format!("{}-{} d", days(a.min_seconds), days(max)),
        None => format!("> {} d", days(a.min_seconds)),
    }
}

/// The total rows' interval per period: (score, low, high, n) where the row has one.
type Intervals = BTreeMap<chrono::NaiveDate, (f64, f64, f64, u64)>;

/// The CSAT and NPS intervals of the total rows, from the report's sections.
fn total_intervals(report: &Report) -> (Intervals, Intervals) {
    let mut csat = BTreeMap::new();
    let mut nps = BTreeMap::new();
    for (row, i) in report.rows.iter().zip(&report.sections.intervals) {
        if row.dimension.is_some() {
            continue;
        }
        if let (Some(v), Some(l), Some(h)) = (row.csat_pct, i.csat_low_pct, i.csat_high_pct) {
            csat.insert(row.period_start, (v, l, h, i.csat_n));
        }
        if let (Some(v), Some(l), Some(h)) = (row.nps, i.nps_low, i.nps_high) {
            nps.insert(row.period_start, (v, l, h, i.nps_n));
        }
    }
    (csat, nps)
}

/// How a tile shows its change: relative (counts, durations, money), in percentage points
/// (rates), or as a plain difference (a mean score).
#[derive(Clone, Copy)]
enum Delta {
    Percent,
    Points,
    Plain,
}

/// A KPI tile: the latest period's value, its change from the period before, and its n.
struct Tile {
    label: &'static str,
    value: String,
    delta: String,
    tone: &'static str,
    n: String,
    why: Option<String>,
}

/// `better`: +1 when up is good, -1 when down is good, 0 when neither.
fn tile_delta(
    prev: Option<f64>,
    cur: Option<f64>,
    better: i8,
    points: Delta,
) -> (String, &'static str) {
    let (Some(p), Some(c)) = (prev, cur) else {
        return (String::new(), "flat");
    };
    let text = match points {
        Delta::Points => format!("{:+.1} pts", c - p),
        Delta::Plain => format!("{:+.2}", c - p),
        Delta::Percent => change(Some(p), c),
    };
    let tone = match ((c - p).partial_cmp(&0.0), better) {
        (_, 0) | (Some(std::cmp::Ordering::Equal), _) | (None, _) => "flat",
        (Some(std::cmp::Ordering::Greater), 1) | (Some(std::cmp::Ordering::Less), -1) => "good",
        _ => "bad",
    };
    (text, tone)
}

fn tiles(last: &ReportRow, prev: Option<&ReportRow>, c: &Context) -> Vec<Tile> {
    let business = c.options.calendar.is_some();
    let f = |x: u64| Some(x as f64);
    let reason = |r: &ReportRow, col: &str| r.undefined.get(col).cloned();
    let mut out = Vec::new();
    let mut push = |label,
                    cur: Option<f64>,
                    prev_v: Option<f64>,
                    better,
                    points,
                    value: String,
                    n: String,
                    why| {
        let (delta, tone) = tile_delta(prev_v, cur, better, points);
        out.push(Tile {
            label,
            value,
            delta,
            tone,
            n,
            why,
        });
    };
    push(
        "Tickets created",
        f(last.tickets_created),
        prev.and_then(|p| f(p.tickets_created)),
        0,
        Delta::Percent,
        thousands(last.tickets_created),
        String::new(),
        None,
    );
    push(
        "Resolved",
        f(last.tickets_resolved),
        prev.and_then(|p| f(p.tickets_resolved)),
        1,
        Delta::Percent,
        thousands(last.tickets_resolved),
        String::new(),
        None,
    );
    push(
        "Backlog at end",
        f(last.backlog_end),
        prev.and_then(|p| f(p.backlog_end)),
        -1,
        Delta::Percent,
        thousands(last.backlog_end),
        String::new(),
        None,
    );
    let (frt_col, res_col) = if business {
        ("frt_median_bh_s", "resolution_median_bh_s")
    } else {
        ("frt_median_s", "resolution_median_s")
    };
    push(
        "First response p50",
        frt(last, business).0,
        prev.and_then(|p| frt(p, business).0),
        -1,
        Delta::Percent,
        duration(frt(last, business).0),
        format!("n = {} answered", thousands(last.frt_n)),
        reason(last, frt_col),
    );
    push(
        "Resolution p50",
        resolution(last, business).0,
        prev.and_then(|p| resolution(p, business).0),
        -1,
        Delta::Percent,
        duration(resolution(last, business).0),
        format!("n = {} resolved", thousands(last.resolution_n)),
        reason(last, res_col),
    );
    push(
        "First-contact resolution",
        last.first_contact_resolution_pct,
        prev.and_then(|p| p.first_contact_resolution_pct),
        1,
        Delta::Points,
        crate::table::pct(last.first_contact_resolution_pct, 0),
        format!("n = {} tickets", thousands(last.tickets_created)),
        reason(last, "first_contact_resolution_pct"),
    );
    let surveys = |k: SurveyKind| c.input.has_surveys_of(k);
    if surveys(SurveyKind::Csat) {
        push(
            "CSAT",
            last.csat_pct,
            prev.and_then(|p| p.csat_pct),
            1,
            Delta::Points,
            crate::table::pct(last.csat_pct, 1),
            format!("n = {} responses", thousands(last.csat_n)),
            reason(last, "csat_pct"),
        );
    }
    if surveys(SurveyKind::Nps) {
        push(
            "NPS",
            last.nps,
            prev.and_then(|p| p.nps),
            1,
            Delta::Points,
            crate::table::signed(last.nps),
            format!("n = {} responses", thousands(last.nps_n)),
            reason(last, "nps"),
        );
    }
    if surveys(SurveyKind::Ces) {
        push(
            "Customer effort",
            last.ces_mean,
            prev.and_then(|p| p.ces_mean),
            -1,
            Delta::Plain,
            last.ces_mean
                .map_or_else(|| DASH.to_owned(), |v| format!("{v:.2}")),
            format!("mean of 1-5, n = {}", thousands(last.ces_n)),
            reason(last, "ces_mean"),
        );
    }
    if c.options.sla.is_some() {
        push(
            "SLA attainment",
            last.sla_attainment_pct,
            prev.and_then(|p| p.sla_attainment_pct),
            1,
            Delta::Points,
            crate::table::pct(last.sla_attainment_pct, 0),
            "targets met / decided".to_owned(),
            reason(last, "sla_attainment_pct"),
        );
    }
    if !c.input.costs().is_empty() {
        let money = |r: &ReportRow| {
            r.cost_per_ticket
                .and_then(|d| d.to_string().parse::<f64>().ok())
        };
        push(
            "Cost per ticket",
            money(last),
            prev.and_then(money),
            -1,
            Delta::Percent,
            match (&last.cost_per_ticket, &last.cost_currency) {
                (Some(v), Some(cur)) => format!("{v} {cur}"),
                (Some(v), None) => v.to_string(),
                _ => DASH.to_owned(),
            },
            format!(
                "per ticket resolved (n = {})",
                thousands(last.tickets_resolved)
            ),
            reason(last, "cost_per_ticket"),
        );
    }
    if !c.input.customers().is_empty() {
        push(
            "Customer retention",
            last.retention_pct,
            prev.and_then(|p| p.retention_pct),
            1,
            Delta::Points,
            crate::table::pct(last.retention_pct, 1),
            "customers kept over the period".to_owned(),
            reason(last, "retention_pct"),
        );
    }
    out
}

fn figure(
    out: &mut String,
    id: &str,
    title: &str,
    caption: &str,
    keys: &[(&str, &str, bool)],
    chart: Option<Chart>,
    empty: &str,
) {
    let points = chart.as_ref().map_or(0, |c| c.points);
    let _ = write!(
        out,
        "<figure class=\"chart\" data-chart=\"{id}\" data-points=\"{points}\"><h3>{}</h3><figcaption>{}",
        escape(title),
        escape(caption)
    );
    for (name, color, dashed) in keys {
        let class = if *dashed { "key dashed" } else { "key" };
        let style = if *dashed {
            format!("border-color:{color}")
        } else {
            format!("background:{color}")
        };
        let _ = write!(
            out,
            "<span class=\"{class}\" style=\"{style}\"></span>{}",
            escape(name)
        );
    }
    out.push_str("</figcaption>\n");
    match chart {
        Some(c) if c.points > 0 => out.push_str(&c.svg),
        _ => {
            let _ = write!(out, "<p class=\"empty\">{}</p>", escape(empty));
        }
    }
    out.push_str("</figure>\n");
}

fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

pub(crate) fn render(report: &Report, c: &Context) -> Result<String, String> {
    let totals: Vec<&ReportRow> = report.total_rows().collect();
    let period = c.options.period;
    let business = c.options.calendar.is_some();
    let labels: Vec<String> = totals.iter().map(|r| period_label(r, period)).collect();
    let x = &report.sections;
    let (csat_ci, nps_ci) = total_intervals(report);
    // Sections the options leave out are empty: their figures say so rather than "none".
    let intervals = c.options.sections.contains(Section::Intervals);
    let arrivals = c.options.sections.contains(Section::Arrivals);

    let mut out = String::with_capacity(256 * 1024);
    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may be fetched: the page is whole as sent.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n",
    );
    let _ = writeln!(out, "<title>Support report: {}</title>", escape(&c.title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");

    let range = match (totals.first(), totals.last()) {
        (Some(a), Some(b)) => format!(
            "{} to {}",
            a.period_start,
            b.period_end.pred_opt().unwrap_or(b.period_end)
        ),
        _ => "no data".to_owned(),
    };
    let clock = match (&c.options.calendar, &c.hours) {
        (Some(_), Some(h)) => format!("durations in business time ({h})"),
        _ => "durations in calendar time".to_owned(),
    };
    let _ = writeln!(
        out,
        "<header><h1>Support report: {}</h1><p class=\"meta\">{} · {} periods · zone {} · {}</p></header>",
        escape(&c.title),
        escape(&range),
        period.as_str(),
        escape(c.options.zone.name()),
        escape(&clock)
    );

    // Tiles: the latest period against the one before.
    if let Some(last) = totals.last() {
        let prev = totals.len().checked_sub(2).map(|i| totals[i]);
        let _ = writeln!(
            out,
            "<h2>{} {}{}</h2>\n<section class=\"tiles\">",
            match period {
                supportkpi::Period::Week => "Week of",
                _ => "Latest period:",
            },
            escape(&period_label(last, period)),
            prev.map_or(String::new(), |p| format!(
                " <small class=\"flat\">vs {}</small>",
                escape(&period_label(p, period))
            ))
        );
        for mut t in tiles(last, prev, c) {
            let title = t.why.map_or(String::new(), |w| {
                format!(" title=\"undefined: {}\"", escape(&w))
            });
            // The tiles with a drill-down list link to it.
            let drill = match t.label {
                _ if !c.options.sections.contains(Section::DrillDown) => None,
                "Backlog at end" => Some(DRILL_OPEN),
                "First response p50" => Some(DRILL_FRT),
                "Resolution p50" => Some(DRILL_RESOLUTION),
                "SLA attainment" if c.options.sla.is_some() => Some(DRILL_SLA),
                _ => None,
            };
            if let Some(id) = drill {
                t.n = format!("{} · tickets ↓", t.n);
                let _ = writeln!(
                    out,
                    "<a class=\"tile drill\" href=\"#{id}\"{title}><div class=\"label\">{}</div><div class=\"value\">{}</div>\
                     <div class=\"delta {}\">{}</div><div class=\"n\">{}</div></a>",
                    t.label,
                    escape(&t.value),
                    t.tone,
                    escape(&t.delta),
                    escape(&t.n)
                );
                continue;
            }
            let _ = writeln!(
                out,
                "<div class=\"tile\"{title}><div class=\"label\">{}</div><div class=\"value\">{}</div>\
                 <div class=\"delta {}\">{}</div><div class=\"n\">{}</div></div>",
                t.label,
                escape(&t.value),
                t.tone,
                escape(&t.delta),
                escape(&t.n)
            );
        }
        out.push_str("</section>\n");
    }

    out.push_str("<h2>Trends</h2>\n<section class=\"charts\">\n");
    let count_axis = YAxis {
        caption: "tickets",
        min: Some(0.0),
        max: None,
        format: &|v| format!("{v:.0}"),
    };

    // Created vs resolved, with the least-squares trend of created.
    let created: Vec<f64> = totals.iter().map(|r| r.tickets_created as f64).collect();
    let mut series = vec![
        Series {
            color: charts::BLUE,
            values: created.iter().map(|v| Some(*v)).collect(),
            style: Style::Points,
        },
        Series {
            color: charts::GREEN,
            values: totals
                .iter()
                .map(|r| Some(r.tickets_resolved as f64))
                .collect(),
            style: Style::Points,
        },
    ];
    let fit = least_squares(&created);
    let mut trend_caption = String::new();
    if let Some(fit) = fit.as_value() {
        series.push(Series {
            color: charts::SLATE,
            values: (0..created.len())
                .map(|i| Some(fit.intercept + fit.slope * i as f64))
                .collect(),
            style: Style::Dashed,
        });
        trend_caption = format!(
            "trend {:+.1} tickets per {} per {}. ",
            fit.slope,
            period.as_str(),
            period.as_str()
        );
    }
    let chart = charts::lines(
        "created-resolved",
        "Tickets created and resolved",
        &labels,
        &series,
        &count_axis,
    )?;
    figure(
        &mut out,
        "created-resolved",
        "Tickets created and resolved",
        &format!("Per {}; {trend_caption}", period.as_str()),
        &[
            ("created", &hex(charts::BLUE), false),
            ("resolved", &hex(charts::GREEN), false),
            (
                "trend of created (least squares)",
                &hex(charts::SLATE),
                true,
            ),
        ],
        Some(chart),
        "No tickets.",
    );

    let chart = charts::lines(
        "backlog",
        "Backlog",
        &labels,
        &[Series {
            color: charts::PURPLE,
            values: totals.iter().map(|r| Some(r.backlog_end as f64)).collect(),
            style: Style::Points,
        }],
        &count_axis,
    )?;
    figure(
        &mut out,
        "backlog",
        "Backlog",
        "Open tickets at the end of each period (reopened tickets count again from their reopen).",
        &[("open at period end", &hex(charts::PURPLE), false)],
        Some(chart),
        "No tickets.",
    );

    if let Some(ages) = x.backlog_ages.as_ref().filter(|a| !a.ages.is_empty()) {
        let names: Vec<String> = ages.ages.iter().map(age_label).collect();
        let counts: Vec<u64> = ages.ages.iter().map(|a| a.count).collect();
        let chart = charts::bars(
            "backlog-age",
            "Age of the open tickets",
            &names,
            &counts,
            charts::PURPLE,
        )?;
        figure(
            &mut out,
            "backlog-age",
            "Age of the open tickets",
            &format!(
                "Open tickets by time since creation, at {}: {} open ({}).",
                ages.at
                    .with_timezone(&c.options.zone)
                    .format("%Y-%m-%d %H:%M"),
                thousands(ages.backlog),
                names
                    .iter()
                    .zip(&counts)
                    .map(|(name, n)| format!("{name}: {}", thousands(*n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &[],
            Some(chart),
            "No open tickets.",
        );
    }

    // Durations: hours unless the p90s run to days.
    let next_n: u64 = totals.iter().map(|r| r.next_reply_n).sum();
    let next_caption = format!(
        "From a customer message after an agent reply to the next public agent reply, every \
         such wait of the tickets created in the period (n = {} waits).",
        thousands(next_n)
    );
    let mut durations = vec![
        (
            "frt",
            "First response time",
            frt as fn(&ReportRow, bool) -> (Option<f64>, Option<f64>),
            "First public agent reply after creation (bots and private notes excluded), tickets by creation period.",
        ),
        (
            "resolution",
            "Resolution time",
            resolution as fn(&ReportRow, bool) -> (Option<f64>, Option<f64>),
            "Creation to the latest resolution, tickets by resolution period.",
        ),
    ];
    // Only an event log with replies has next-reply waits.
    if next_n > 0 {
        durations.push((
            "next-reply",
            "Next reply time",
            next_reply as fn(&ReportRow, bool) -> (Option<f64>, Option<f64>),
            &next_caption,
        ));
    }
    for (id, title, pick, caption) in durations {
        let p50: Vec<Option<f64>> = totals.iter().map(|r| pick(r, business).0).collect();
        let p90: Vec<Option<f64>> = totals.iter().map(|r| pick(r, business).1).collect();
        let max = p90
            .iter()
            .chain(&p50)
            .flatten()
            .fold(0.0_f64, |a, b| a.max(*b));
        let (unit, div) = if max > 72.0 * 3600.0 {
            ("days", 86_400.0)
        } else {
            ("hours", 3600.0)
        };
        let scale = |v: &Vec<Option<f64>>| v.iter().map(|x| x.map(|s| s / div)).collect();
        let caption_unit = if business {
            format!("{unit} (business time)")
        } else {
            unit.to_owned()
        };
        let axis = YAxis {
            caption: &caption_unit,
            min: Some(0.0),
            max: None,
            format: &|v| format!("{v:.1}"),
        };
        let chart = charts::lines(
            id,
            title,
            &labels,
            &[
                Series {
                    color: charts::CYAN,
                    values: scale(&p50),
                    style: Style::Points,
                },
                Series {
                    color: charts::ORANGE,
                    values: scale(&p90),
                    style: Style::Points,
                },
            ],
            &axis,
        )?;
        figure(
            &mut out,
            id,
            title,
            &format!("{caption} In {caption_unit}."),
            &[
                ("median (p50)", &hex(charts::CYAN), false),
                ("p90", &hex(charts::ORANGE), false),
            ],
            Some(chart),
            "No tickets with this duration in the range.",
        );
    }

    for (id, title, data, axis_caption, lo, hi, color, caption) in [
        (
            "csat",
            "CSAT",
            &csat_ci,
            "% satisfied",
            0.0,
            100.0,
            charts::GREEN,
            "Share of CSAT responses scoring 4-5 of 5, with its Wilson 95% interval.",
        ),
        (
            "nps",
            "NPS",
            &nps_ci,
            "NPS",
            -100.0,
            100.0,
            charts::BLUE,
            "% promoters (9-10) − % detractors (0-6), with its 95% interval.",
        ),
    ] {
        let values: Vec<Option<(f64, f64, f64)>> = totals
            .iter()
            .map(|r| data.get(&r.period_start).map(|&(v, l, h, _)| (v, l, h)))
            .collect();
        let n: u64 = data.values().map(|v| v.3).sum();
        let axis = YAxis {
            caption: axis_caption,
            min: Some(lo),
            max: Some(hi),
            format: &|v| format!("{v:.0}"),
        };
        let chart = charts::intervals(id, title, &labels, &values, color, &axis)?;
        figure(
            &mut out,
            id,
            title,
            &format!(
                "{caption} n = {} responses over the range; wide bars mean few responses.",
                thousands(n)
            ),
            &[(title, &hex(color), false)],
            Some(chart).filter(|_| intervals),
            &if intervals {
                format!("No {title} responses in the range.")
            } else {
                NOT_SELECTED.replace("{}", "intervals")
            },
        );
    }

    let chart = charts::heatmap("heatmap", "When tickets arrive", &x.heatmap)?;
    let busiest = (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .max_by_key(|&(d, h)| (x.heatmap[d][h], std::cmp::Reverse((d, h))))
        .filter(|&(d, h)| x.heatmap[d][h] > 0)
        .map_or(String::new(), |(d, h)| {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            format!(
                "Busiest hour: {} {h:02}:00 ({} tickets). ",
                DAYS[d],
                thousands(x.heatmap[d][h])
            )
        });
    let spikes = if x.spike_days.is_empty() {
        "No spike days.".to_owned()
    } else {
        let days: Vec<String> = x
            .spike_days
            .iter()
            .take(8)
            .map(|s| format!("{} ({})", s.date, s.created))
            .collect();
        format!("Spike days (robust z-score): {}.", days.join(", "))
    };
    let any_tickets = x.heatmap.iter().flatten().any(|&n| n > 0);
    figure(
        &mut out,
        "heatmap",
        "When tickets arrive",
        &format!(
            "Tickets created by weekday and hour ({}), darker = more. {busiest}{spikes}",
            c.options.zone.name()
        ),
        &[],
        (any_tickets && arrivals).then_some(chart),
        &if arrivals {
            "No tickets.".to_owned()
        } else {
            NOT_SELECTED.replace("{}", "arrivals")
        },
    );

    if c.options.sla.is_some() {
        // One series per target with anything decided or running in the range: the SLA by
        // target, each with its n.
        type Pick = fn(&ReportRow) -> (Option<f64>, u64, u64);
        let targets: [(&str, RGBColor, Pick); 4] = [
            ("first response", charts::TEAL, |r| {
                (
                    r.sla_first_response_pct,
                    r.sla_first_response_n,
                    r.sla_first_response_running,
                )
            }),
            ("resolution", charts::PURPLE, |r| {
                (
                    r.sla_resolution_pct,
                    r.sla_resolution_n,
                    r.sla_resolution_running,
                )
            }),
            ("next reply", charts::ORANGE, |r| {
                (
                    r.sla_next_reply_pct,
                    r.sla_next_reply_n,
                    r.sla_next_reply_running,
                )
            }),
            ("periodic update", charts::BLUE, |r| {
                (
                    r.sla_periodic_update_pct,
                    r.sla_periodic_update_n,
                    r.sla_periodic_update_running,
                )
            }),
        ];
        let used: Vec<(String, RGBColor, Vec<Option<f64>>)> = targets
            .iter()
            .filter_map(|(name, color, pick)| {
                let n: u64 = totals.iter().map(|r| pick(r).1).sum();
                let running: u64 = totals.iter().map(|r| pick(r).2).sum();
                (n + running > 0).then(|| {
                    (
                        format!(
                            "{name} (n = {}, running {})",
                            thousands(n),
                            thousands(running)
                        ),
                        *color,
                        totals.iter().map(|r| pick(r).0).collect(),
                    )
                })
            })
            .collect();
        let series: Vec<Series> = used
            .iter()
            .map(|(_, color, values)| Series {
                color: *color,
                values: values.clone(),
                style: Style::Points,
            })
            .collect();
        let legend_colors: Vec<String> = used.iter().map(|(_, c, _)| hex(*c)).collect();
        let legend: Vec<(&str, &str, bool)> = used
            .iter()
            .zip(&legend_colors)
            .map(|((name, _, _), color)| (name.as_str(), color.as_str(), false))
            .collect();
        let chart = charts::lines(
            "sla",
            "SLA attainment by target",
            &labels,
            &series,
            &YAxis {
                caption: "% of targets met",
                min: None,
                max: Some(100.0),
                format: &|v| format!("{v:.0}"),
            },
        )?;
        figure(
            &mut out,
            "sla",
            "SLA attainment by target",
            &format!(
                "Targets met / targets decided, tickets by creation period; n = targets \
                 decided, running = not done by the end (deadline ahead or clock paused), \
                 never counted as met. {}",
                sla_text(c)
            ),
            &legend,
            (!used.is_empty()).then_some(chart),
            "No SLA target decided in the range.",
        );
    }
    out.push_str("</section>\n");

    revenue_and_cohorts(&mut out, report, &totals, c);
    breakdown(&mut out, report, c)?;
    drill_down(&mut out, report, totals.last().copied(), c);
    all_periods(&mut out, &totals, c, (&csat_ci, &nps_ci));

    out.push_str("<footer>\n");
    let _ = writeln!(
        out,
        "<p>Definitions: FRT = first public agent reply − creation; resolution = latest resolution − creation; \
         first-contact resolution = tickets solved with one agent reply and never reopened / tickets created; \
         CSAT = % of 4-5 on 1-5; NPS = % 9-10 − % 0-6; {DASH} = undefined (no data, or a zero denominator; \
         hover a tile for the reason).</p>"
    );
    let read: Vec<String> = c
        .read
        .iter()
        .map(|(_, p, n)| format!("{} ({})", crate::report::file_name(p), thousands(*n)))
        .collect();
    let source = if c.demo {
        "Synthetic demo data"
    } else {
        "Data"
    };
    let _ = writeln!(
        out,
        "<p>{source}: {}. {}.</p>",
        escape(&read.join(", ")),
        escape(&rejects_summary(c))
    );
    let _ = writeln!(
        out,
        "<p>Made with supportkpi {} — every number computed by the supportkpi library.</p>",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("</footer>\n</main>\n</body>\n</html>\n");
    Ok(out)
}

/// The next-reply median and p90 on the report's clock.
fn next_reply(r: &ReportRow, business: bool) -> (Option<f64>, Option<f64>) {
    if business {
        (r.next_reply_median_bh_s, r.next_reply_p90_bh_s)
    } else {
        (r.next_reply_median_s, r.next_reply_p90_s)
    }
}

const DRILL_SLA: &str = "drill-sla-breaches";
const DRILL_OPEN: &str = "drill-oldest-open";
const DRILL_FRT: &str = "drill-slowest-first-responses";
const DRILL_RESOLUTION: &str = "drill-slowest-resolutions";

/// The tickets behind the tiles, from the report's drill-down section: the SLA breaches of the
/// last period, the oldest open tickets at the report's end, the slowest first responses and
/// resolutions of the last period (the section's first K of each, with its n).
fn drill_down(out: &mut String, report: &Report, last: Option<&ReportRow>, c: &Context) {
    let Some(last) = last else {
        return;
    };
    out.push_str("<h2 id=\"drill-down\">Behind the numbers</h2>\n");
    let Some(d) = &report.sections.drill_down else {
        let _ = writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            NOT_SELECTED.replace("{}", "drill_down")
        );
        return;
    };
    let business = c.options.calendar.is_some();
    let label = escape(&period_label(last, c.options.period));
    let clock = if business {
        "business time"
    } else {
        "calendar time"
    };
    let _ = writeln!(
        out,
        "<p class=\"meta\">The tickets behind the tiles, the first {} of each list (every \
         ticket's figures: <code>supportkpi tickets</code>).</p>",
        d.top
    );
    let empty = supportkpi::report::DrillList::default();
    let period = d
        .periods
        .iter()
        .find(|p| p.period_start == last.period_start);
    let lists = |f: fn(&supportkpi::report::DrillDownPeriod) -> &supportkpi::report::DrillList| {
        period.map_or(&empty, f)
    };

    if c.options.sla.is_some() {
        let list = lists(|p| &p.sla_breaches);
        drill_table(
            out,
            DRILL_SLA,
            &format!("SLA breaches, tickets created in {label}"),
            &format!(
                "{} tickets breached a target, earliest breach first.",
                thousands(list.n)
            ),
            &["target breached", "breached at"],
            list.tickets.iter().map(|t| {
                let which: Vec<String> = t.targets.iter().map(|m| m.replace('_', " ")).collect();
                (
                    t,
                    format!(
                        "<td>{}</td><td>{}</td>",
                        escape(&which.join(", ")),
                        when(t.at, c)
                    ),
                )
            }),
            c,
        );
    }

    let open = &d.oldest_open;
    let at_end = d.open_at.map_or_else(|| DASH.to_owned(), |e| when(e, c));
    drill_table(
        out,
        DRILL_OPEN,
        "Oldest open tickets",
        &format!(
            "{} tickets open at {at_end}, oldest first (age = time since creation).",
            thousands(open.n)
        ),
        &["open since", "age"],
        open.tickets.iter().map(|t| {
            (
                t,
                format!(
                    "<td>{}</td><td>{}</td>",
                    when(t.at, c),
                    duration(Some(t.seconds as f64))
                ),
            )
        }),
        c,
    );

    let slowest = |t: &supportkpi::report::DrillTicket| {
        format!(
            "<td>{}</td><td data-seconds=\"{}\">{}</td>",
            when(t.at, c),
            t.seconds,
            duration(Some(t.seconds as f64))
        )
    };
    let frt = lists(|p| &p.slowest_first_responses);
    drill_table(
        out,
        DRILL_FRT,
        &format!("Slowest first responses, tickets created in {label}"),
        &format!(
            "{} answered tickets, slowest first ({clock}).",
            thousands(frt.n)
        ),
        &["first response", "FRT"],
        frt.tickets.iter().map(|t| (t, slowest(t))),
        c,
    );
    let res = lists(|p| &p.slowest_resolutions);
    drill_table(
        out,
        DRILL_RESOLUTION,
        &format!("Slowest resolutions, tickets resolved in {label}"),
        &format!(
            "{} resolved tickets, slowest first ({clock}).",
            thousands(res.n)
        ),
        &["resolved", "resolution"],
        res.tickets.iter().map(|t| (t, slowest(t))),
        c,
    );
}

/// An instant in the report's zone, to the minute.
fn when(t: Instant, c: &Context) -> String {
    t.with_timezone(&c.options.zone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// One drill-down list: the ticket's id (a link with `--ticket-url`), dimensions and
/// creation, then the list's own cells (`extra` names their columns).
fn drill_table<'a>(
    out: &mut String,
    id: &str,
    title: &str,
    caption: &str,
    extra: &[&str],
    rows: impl Iterator<Item = (&'a DrillTicket, String)>,
    c: &Context,
) {
    let _ = write!(
        out,
        "<h3 id=\"{id}\">{}</h3><p class=\"meta\">{}</p><div class=\"scroll\"><table data-drill=\"{id}\">\
         <thead><tr><th>ticket</th><th>channel</th><th>priority</th><th>team</th><th>created</th>",
        escape(title),
        escape(caption)
    );
    for h in extra {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    let text = |v: &Option<String>| v.as_deref().map_or_else(|| DASH.to_owned(), escape);
    let mut any = false;
    for (r, cells) in rows {
        any = true;
        let ticket = match &c.ticket_url {
            Some(url) => format!(
                "<a href=\"{}\">{}</a>",
                escape(&url.replace("{id}", &percent_encode(&r.ticket_id))),
                escape(&r.ticket_id)
            ),
            None => escape(&r.ticket_id),
        };
        let _ = writeln!(
            out,
            "<tr data-ticket=\"{}\"><td>{ticket}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{cells}</tr>",
            escape(&r.ticket_id),
            text(&r.channel),
            text(&r.priority),
            text(&r.team),
            when(r.created_at, c),
        );
    }
    if !any {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"{}\">No tickets.</td></tr>",
            5 + extra.len()
        );
    }
    out.push_str("</tbody></table></div>\n");
}

/// A ticket id made safe inside a URL's path or query.
fn percent_encode(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn sla_text(c: &Context) -> String {
    let clock = match c.options.calendar {
        Some(_) => "business time",
        None => "calendar time",
    };
    match &c.sla {
        Some(targets) => format!("Targets ({clock}): {targets}."),
        None => format!("Targets in {clock}."),
    }
}

/// The dimension the page breaks its latest period down by when `--by` is not given: the
/// first of segment, channel and priority the data has. The report is computed with it (once:
/// its total rows are the same), so the page needs no second report.
pub(crate) fn breakdown_by(c: &Context) -> Option<&'static str> {
    let has_segments = c.input.customers().iter().any(|x| x.segment().is_some());
    let any = |name: &str| c.input.any_ticket_has(name);
    if has_segments && any("customer_id") {
        Some("segment")
    } else if any("channel") {
        Some("channel")
    } else if any("priority") {
        Some("priority")
    } else {
        None
    }
}

/// The latest period per value of the report's dimension (`--by`, or [`breakdown_by`]).
fn breakdown(out: &mut String, report: &Report, c: &Context) -> Result<(), String> {
    let Some(by) = report.options.by.clone() else {
        return Ok(());
    };
    let Some(last) = report.total_rows().last() else {
        return Ok(());
    };
    let period = c.options.period;
    let rows: Vec<&ReportRow> = report
        .rows
        .iter()
        .filter(|r| r.period_start == last.period_start && r.dimension.is_some())
        .collect();
    if rows.is_empty()
        || rows
            .iter()
            .all(|r| r.dimension.as_deref() == Some(NO_VALUE))
    {
        return Ok(());
    }
    let business = c.options.calendar.is_some();
    let mut range_created: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &report.rows {
        if let Some(d) = &r.dimension {
            *range_created.entry(d.as_str()).or_default() += r.tickets_created;
        }
    }
    let all: u64 = range_created.values().sum();
    let _ = writeln!(
        out,
        "<h2>By {} — {}</h2>\n<div class=\"scroll\"><table data-table=\"by-dimension\">\n<thead><tr><th>{}</th>\
         <th>created</th><th>resolved</th><th>backlog</th><th>FRT p50</th><th>res p50</th><th>FCR</th>\
         <th>CSAT (n)</th><th>NPS (n)</th>{}<th>share, all periods</th></tr></thead><tbody>",
        escape(&by),
        escape(&period_label(last, period)),
        escape(&by),
        if c.options.sla.is_some() {
            "<th>SLA</th>"
        } else {
            ""
        }
    );
    for r in std::iter::once(last).chain(rows) {
        let name = r.dimension.as_deref().unwrap_or("all");
        let share = match (r.dimension.as_deref(), all) {
            (_, 0) => DASH.to_owned(),
            (None, _) => "100%".to_owned(),
            (Some(d), _) => format!(
                "{:.0}%",
                100.0 * *range_created.get(d).unwrap_or(&0) as f64 / all as f64
            ),
        };
        let _ = writeln!(
            out,
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{} ({})</td>{}<td>{}</td></tr>",
            if r.dimension.is_none() {
                " style=\"font-weight:600\""
            } else {
                ""
            },
            escape(name),
            thousands(r.tickets_created),
            thousands(r.tickets_resolved),
            thousands(r.backlog_end),
            duration(frt(r, business).0),
            duration(resolution(r, business).0),
            crate::table::pct(r.first_contact_resolution_pct, 0),
            crate::table::pct(r.csat_pct, 1),
            r.csat_n,
            crate::table::signed(r.nps),
            r.nps_n,
            if c.options.sla.is_some() {
                format!("<td>{}</td>", crate::table::pct(r.sla_attainment_pct, 0))
            } else {
                String::new()
            },
            share
        );
    }
    out.push_str("</tbody></table></div>\n");
    Ok(())
}

/// The "Revenue retention" and "Cohorts" parts, from the report's sections (nothing without
/// customers).
fn revenue_and_cohorts(out: &mut String, report: &Report, totals: &[&ReportRow], c: &Context) {
    let x = &report.sections;
    let label = |start: chrono::NaiveDate| {
        totals
            .iter()
            .find(|r| r.period_start == start)
            .map_or_else(|| start.to_string(), |r| period_label(r, c.options.period))
    };
    if !x.revenue_retention.is_empty() {
        let _ = writeln!(
            out,
            "<h2 id=\"revenue-retention\">Revenue retention</h2>\n<p class=\"meta\">Of the customers \
             with recurring revenue at the start of each period (n): GRR = revenue kept, \
             expansion excluded; NRR = revenue at the end of the period. Customers acquired \
             during a period are not in its n.</p>\n<div class=\"scroll\"><table \
             data-table=\"revenue-retention\">\n<thead><tr><th>period</th><th>GRR</th><th>NRR</th>\
             <th>n</th><th>churned</th><th>start revenue</th><th>end revenue</th></tr></thead><tbody>"
        );
        for r in &x.revenue_retention {
            let why = |field: &str| {
                r.undefined.get(field).map_or(String::new(), |w| {
                    format!(" title=\"undefined: {}\"", escape(w))
                })
            };
            let rate = |v: &Option<Decimal>, field: &str| match v {
                Some(v) => format!("<td>{}%</td>", v.round_dp(1)),
                None => format!("<td{}>{DASH}</td>", why(field)),
            };
            let money = |v: &Option<Decimal>, field: &str| match (v, &r.currency) {
                (Some(v), Some(cur)) => format!("<td>{v} {cur}</td>"),
                (Some(v), None) => format!("<td>{v}</td>"),
                (None, _) => format!("<td{}>{DASH}</td>", why(field)),
            };
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th>{}{}<td>{}</td><td>{}</td>{}{}</tr>",
                escape(&label(r.period_start)),
                rate(&r.grr_pct, "grr_pct"),
                rate(&r.nrr_pct, "nrr_pct"),
                thousands(r.n),
                thousands(r.churned),
                money(&r.start_revenue, "start_revenue"),
                money(&r.end_revenue, "end_revenue"),
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    if !x.cohorts.is_empty() {
        let width = x.cohorts.iter().map(|l| l.active.len()).max().unwrap_or(0);
        let _ = write!(
            out,
            "<h2 id=\"cohorts\">Cohorts</h2>\n<p class=\"meta\">Customers by the period they were \
             acquired in, and how many are still active at the end of that period (k = 0) and \
             of each one after (share of the cohort).</p>\n<div class=\"scroll\"><table \
             data-table=\"cohorts\">\n<thead><tr><th>cohort</th><th>size</th>"
        );
        for k in 0..width {
            let _ = write!(out, "<th>k = {k}</th>");
        }
        out.push_str("</tr></thead><tbody>\n");
        for l in &x.cohorts {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td>",
                escape(&label(l.cohort_start)),
                thousands(l.size)
            );
            for (active, share) in l.active.iter().zip(&l.share_pct) {
                let _ = write!(out, "<td>{} ({share:.0}%)</td>", thousands(*active));
            }
            for _ in l.active.len()..width {
                out.push_str("<td></td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n");
    }
}

/// A value with its 95% interval from the sections, e.g. `75.9% (61.6–83.7)`.
fn with_interval(value: String, ci: Option<&(f64, f64, f64, u64)>) -> String {
    match ci {
        Some(&(_, low, high, _)) => format!("{value} ({low:.1}–{high:.1})"),
        None => value,
    }
}

fn all_periods(
    out: &mut String,
    totals: &[&ReportRow],
    c: &Context,
    (csat_ci, nps_ci): (&Intervals, &Intervals),
) {
    let business = c.options.calendar.is_some();
    let _ = writeln!(
        out,
        "<details><summary>Every period ({} rows)</summary><div class=\"scroll\"><table data-table=\"periods\">\
         <thead><tr><th>period</th><th>created</th><th>resolved</th><th>reopened</th><th>backlog</th>\
         <th>FRT p50</th><th>FRT p90</th><th>res p50</th><th>res p90</th><th>FCR</th><th>CSAT (95%)</th><th>NPS (95%)</th><th>CES</th></tr></thead><tbody>",
        totals.len()
    );
    for r in totals {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&period_label(r, c.options.period)),
            thousands(r.tickets_created),
            thousands(r.tickets_resolved),
            thousands(r.tickets_reopened),
            thousands(r.backlog_end),
            duration(frt(r, business).0),
            duration(frt(r, business).1),
            duration(resolution(r, business).0),
            duration(resolution(r, business).1),
            crate::table::pct(r.first_contact_resolution_pct, 0),
            escape(&with_interval(
                crate::table::pct(r.csat_pct, 1),
                csat_ci.get(&r.period_start)
            )),
            escape(&with_interval(
                crate::table::signed(r.nps),
                nps_ci.get(&r.period_start)
            )),
            r.ces_mean
                .map_or_else(|| DASH.to_owned(), |v| format!("{v:.2}")),
        );
    }
    out.push_str("</tbody></table></div></details>\n");
}
