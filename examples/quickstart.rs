//! The main job on the bundled sample data: survey KPIs and response times in calendar and
//! business time, for the tickets and survey responses in `examples/data/`.
//!
//! Run it with `make demo` (or `cargo run --example quickstart`).

use std::error::Error as StdError;
use std::path::Path;

use chrono::{DateTime, Utc};
use supportkpi::kpi::{Accumulator, Ces, Csat, Metric, Nps};
use supportkpi::model::SurveyKind;
use supportkpi::stats::{DurationStats, DurationSummary, interval::Interval};
use supportkpi::time::parse_zone;
use supportkpi::{BusinessCalendar, SurveyResponse, Ticket};

fn main() -> Result<(), Box<dyn StdError>> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let tickets = read_tickets(&data.join("tickets.csv"))?;
    let surveys = read_surveys(&data.join("surveys.csv"))?;
    println!(
        "supportkpi {} — sample helpdesk, {} tickets, {} survey responses\n",
        env!("CARGO_PKG_VERSION"),
        tickets.len(),
        surveys.len()
    );

    // Survey KPIs: route each response to its KPI's accumulator.
    let mut csat = Csat::default().accumulator();
    let mut nps = Nps::default().accumulator();
    let mut ces = Ces::default().accumulator();
    for r in &surveys {
        match r.kind() {
            SurveyKind::Csat => csat.push_response(r)?,
            SurveyKind::Nps => nps.push_response(r)?,
            SurveyKind::Ces => ces.push_response(r)?,
        }
    }
    let (csat, nps, ces) = (csat.finish(), nps.finish(), ces.finish());
    println!("Surveys");
    println!(
        "  CSAT  {:>7}   n = {:<4} 95% CI {}   (top-2-box on 1-5)",
        pct(&csat.score),
        csat.n,
        interval(&csat.ci95, "%")
    );
    println!(
        "  NPS   {:>7}   n = {:<4} 95% CI {}   ({} promoters, {} passives, {} detractors)",
        signed(&nps.score),
        nps.n,
        interval(&nps.ci95, ""),
        nps.promoters,
        nps.passives,
        nps.detractors
    );
    println!(
        "  CES   {:>7}   n = {:<4} easy {}   (effort 1-5, lower is better)",
        ces.mean
            .value()
            .map_or_else(|| "—".into(), |v| format!("{v:.2}")),
        ces.n,
        pct(&ces.easy_share.clone().map(|s| s * 100.0)),
    );

    // First response times, in calendar time and in business time (Mon-Fri 09:00-17:00, Berlin).
    let calendar = BusinessCalendar::parse("Mon-Fri 09:00-17:00", parse_zone("Europe/Berlin")?)?;
    let mut frt_calendar = DurationSummary::exact();
    let mut frt_business = DurationSummary::exact();
    let mut unanswered = 0;
    for t in &tickets {
        match t.first_response_at() {
            Some(at) => {
                frt_calendar.push(&(at - t.created_at()).num_seconds())?;
                frt_business.push(&calendar.business_seconds(t.created_at(), at))?;
            }
            None => unanswered += 1,
        }
    }
    println!("\nFirst response time ({unanswered} unanswered, excluded)");
    print_durations("calendar", &frt_calendar.finish());
    print_durations(
        &format!("business ({calendar}, {})", calendar.zone()),
        &frt_business.finish(),
    );
    Ok(())
}

fn print_durations(label: &str, s: &DurationStats) {
    println!(
        "  {label:<48} n = {:<4} mean {:>8}  median {:>8}  p90 {:>8}  max {:>8}",
        s.n,
        hours(&s.mean),
        hours(&s.median),
        hours(&s.p90),
        hours(&s.max.clone().map(|v| v as f64)),
    );
}

fn hours(m: &Metric<f64>) -> String {
    m.value()
        .map_or_else(|| "—".into(), |s| format!("{:.1} h", s / 3600.0))
}

fn pct(m: &Metric<f64>) -> String {
    m.value().map_or_else(|| "—".into(), |v| format!("{v:.1}%"))
}

fn signed(m: &Metric<f64>) -> String {
    m.value().map_or_else(|| "—".into(), |v| format!("{v:+.1}"))
}

fn interval(m: &Metric<Interval>, unit: &str) -> String {
    m.value().map_or_else(
        || "—".into(),
        |i| format!("[{:.1}{unit}, {:.1}{unit}]", i.lower, i.upper),
    )
}

/// The canonical CSV layout (comma-separated, no quoting, empty = missing). The library's own
/// readers handle every real-world layout; this example keeps to the standard library.
fn rows(path: &Path) -> Result<Vec<Vec<String>>, Box<dyn StdError>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect())
}

fn instant(s: &str) -> Result<Option<DateTime<Utc>>, Box<dyn StdError>> {
    if s.is_empty() {
        return Ok(None);
    }
    Ok(Some(DateTime::parse_from_rfc3339(s)?.with_timezone(&Utc)))
}

fn read_tickets(path: &Path) -> Result<Vec<Ticket>, Box<dyn StdError>> {
    rows(path)?
        .into_iter()
        .map(|r| {
            let created = instant(&r[2])?.ok_or("created_at is required")?;
            let mut b = Ticket::builder(r[0].as_str(), created)
                .customer_id(r[1].as_str())
                .status(r[5].parse()?)
                .channel(r[6].as_str())
                .priority(r[7].as_str());
            if let Some(at) = instant(&r[3])? {
                b = b.first_response_at(at);
            }
            if let Some(at) = instant(&r[4])? {
                b = b.resolved_at(at);
            }
            Ok(b.build()?)
        })
        .collect()
}

fn read_surveys(path: &Path) -> Result<Vec<SurveyResponse>, Box<dyn StdError>> {
    rows(path)?
        .into_iter()
        .map(|r| {
            let kind = match r[4].as_str() {
                "csat" => SurveyKind::Csat,
                "nps" => SurveyKind::Nps,
                "ces" => SurveyKind::Ces,
                other => return Err(format!("unknown survey kind {other:?}").into()),
            };
            let at = instant(&r[3])?.ok_or("responded_at is required")?;
            Ok(SurveyResponse::new(r[0].as_str(), at, kind, r[5].parse()?)?
                .with_ticket(r[1].as_str())
                .with_customer(r[2].as_str()))
        })
        .collect()
}
