//! The drill-down section on five tickets worked out by hand, from both engines, over
//! partitions and through a state's bytes, and its K option.
//!
//! Monthly, UTC, SLA first response 1 h and resolution 8 h (calendar), no `as_of`:
//!
//! | id | created | first response (FRT) | resolved (time) | SLA breaches |
//! |---|---|---|---|---|
//! | E | 2023-12-31 23:00 | 01-01 00:10 (4,200 s) | open | FR 01-01 00:00, res 01-01 07:00 |
//! | A | 2024-01-02 09:00 | 09:30 (1,800 s) | 01-02 12:00 (10,800 s) | none |
//! | B | 2024-01-03 10:00 | 13:00 (10,800 s) | 01-04 10:00 (86,400 s) | FR 11:00, res 18:00 |
//! | C | 2024-01-05 08:00 | 10:00 (7,200 s) | open | FR 09:00, res 16:00 |
//! | D | 2024-01-30 20:00 | 20:30 (1,800 s) | 02-01 20:00 (172,800 s) | res 01-31 04:00 |
//!
//! Periods December to February (D's resolution). The backlog snapshot is the end of
//! February, 2024-03-01 00:00: E and C are open, aged 60 d 1 h (5,187,600 s) and 55 d 16 h
//! (4,809,600 s).

use chrono::{DateTime, Utc};
use supportkpi::kpi::{SlaMetric, SlaPolicy, SlaStatus, SlaTarget};
use supportkpi::report::{
    DrillDown, DrillList, DrillTicket, Report, ReportInput, ReportOptions, ReportState, Section,
    TicketMetrics, TicketMetricsRow,
};
use supportkpi::{ErrorKind, Ticket};

fn at(s: &str) -> DateTime<Utc> {
    format!("{s}:00Z").parse().unwrap()
}

fn tickets() -> Vec<Ticket> {
    let t = |id: &str, created: &str, channel: &str| {
        Ticket::builder(id, at(created))
            .channel(channel)
            .priority("high")
            .team("billing")
    };
    vec![
        t("E", "2023-12-31T23:00", "email")
            .first_response_at(at("2024-01-01T00:10"))
            .build()
            .unwrap(),
        t("A", "2024-01-02T09:00", "chat")
            .first_response_at(at("2024-01-02T09:30"))
            .resolved_at(at("2024-01-02T12:00"))
            .build()
            .unwrap(),
        t("B", "2024-01-03T10:00", "email")
            .first_response_at(at("2024-01-03T13:00"))
            .resolved_at(at("2024-01-04T10:00"))
            .build()
            .unwrap(),
        t("C", "2024-01-05T08:00", "web")
            .first_response_at(at("2024-01-05T10:00"))
            .build()
            .unwrap(),
        t("D", "2024-01-30T20:00", "chat")
            .first_response_at(at("2024-01-30T20:30"))
            .resolved_at(at("2024-02-01T20:00"))
            .build()
            .unwrap(),
    ]
}

fn options() -> ReportOptions {
    ReportOptions::default().with_sla(
        SlaPolicy::new()
            .first_response_default(SlaTarget::calendar(3600).unwrap())
            .resolution_default(SlaTarget::calendar(8 * 3600).unwrap()),
    )
}

/// (id, seconds, at, targets) of a list.
fn entries(l: &DrillList) -> Vec<(&str, i64, String, String)> {
    l.tickets
        .iter()
        .map(|t| {
            (
                t.ticket_id.as_str(),
                t.seconds,
                t.at.format("%m-%d %H:%M").to_string(),
                t.targets.join(","),
            )
        })
        .collect()
}

fn assert_hand(d: &DrillDown, k: u32) {
    assert_eq!(d.top, k);
    let starts: Vec<String> = d
        .periods
        .iter()
        .map(|p| p.period_start.to_string())
        .collect();
    assert_eq!(starts, ["2023-12-01", "2024-01-01", "2024-02-01"]);
    let [dec, jan, feb] = &d.periods[..] else {
        unreachable!()
    };
    let k = k as usize;
    let first =
        |v: Vec<(&'static str, i64, &str, &str)>| -> Vec<(&'static str, i64, String, String)> {
            v.into_iter()
                .take(k)
                .map(|(a, b, c, d)| (a, b, c.to_owned(), d.to_owned()))
                .collect()
        };
    let fr_res = "first_response,resolution";

    // First responses, by creation period, slowest first; A and D tie at 1,800 s: by id.
    assert_eq!(dec.slowest_first_responses.n, 1);
    assert_eq!(
        entries(&dec.slowest_first_responses),
        first(vec![("E", 4200, "01-01 00:10", "")])
    );
    assert_eq!(jan.slowest_first_responses.n, 4);
    assert_eq!(
        entries(&jan.slowest_first_responses),
        first(vec![
            ("B", 10_800, "01-03 13:00", ""),
            ("C", 7200, "01-05 10:00", ""),
            ("A", 1800, "01-02 09:30", ""),
            ("D", 1800, "01-30 20:30", ""),
        ])
    );
    assert_eq!(feb.slowest_first_responses, DrillList::default());

    // Resolutions, by resolution period.
    assert_eq!(dec.slowest_resolutions, DrillList::default());
    assert_eq!(jan.slowest_resolutions.n, 2);
    assert_eq!(
        entries(&jan.slowest_resolutions),
        first(vec![
            ("B", 86_400, "01-04 10:00", ""),
            ("A", 10_800, "01-02 12:00", ""),
        ])
    );
    assert_eq!(feb.slowest_resolutions.n, 1);
    assert_eq!(
        entries(&feb.slowest_resolutions),
        first(vec![("D", 172_800, "02-01 20:00", "")])
    );

    // Breaches, by creation period, earliest breach first (seconds: creation to breach).
    assert_eq!(dec.sla_breaches.n, 1);
    assert_eq!(
        entries(&dec.sla_breaches),
        first(vec![("E", 3600, "01-01 00:00", fr_res)])
    );
    assert_eq!(jan.sla_breaches.n, 3);
    assert_eq!(
        entries(&jan.sla_breaches),
        first(vec![
            ("B", 3600, "01-03 11:00", fr_res),
            ("C", 3600, "01-05 09:00", fr_res),
            ("D", 28_800, "01-31 04:00", "resolution"),
        ])
    );
    assert_eq!(feb.sla_breaches, DrillList::default());

    // Open at the end of February, oldest first (at: open since).
    assert_eq!(d.open_at, Some(at("2024-03-01T00:00")));
    assert_eq!(d.oldest_open.n, 2);
    assert_eq!(
        entries(&d.oldest_open),
        first(vec![
            ("E", 5_187_600, "12-31 23:00", ""),
            ("C", 4_809_600, "01-05 08:00", ""),
        ])
    );
    // The ticket's dimensions come along.
    if let Some(b) = jan.sla_breaches.tickets.first() {
        assert_eq!(
            (
                b.channel.as_deref(),
                b.priority.as_deref(),
                b.team.as_deref()
            ),
            (Some("email"), Some("high"), Some("billing"))
        );
        assert_eq!(b.created_at, at("2024-01-03T10:00"));
    }
}

fn input() -> ReportInput {
    ReportInput {
        tickets: tickets(),
        ..ReportInput::default()
    }
}

#[test]
fn the_drill_down_worked_by_hand_from_both_engines() {
    for k in [20, 3, 1, 0] {
        let o = options().with_drill_down_top(k);
        let columnar = Report::compute(&input(), &o).unwrap();
        let records = Report::compute_records(&input(), &o).unwrap();
        assert_hand(columnar.sections.drill_down.as_ref().unwrap(), k);
        assert_eq!(columnar.sections, records.sections, "K = {k}");
        // n is the row's n.
        let rows: Vec<_> = columnar.total_rows().collect();
        let d = columnar.sections.drill_down.as_ref().unwrap();
        for (row, p) in rows.iter().zip(&d.periods) {
            assert_eq!(row.period_start, p.period_start);
            assert_eq!(row.resolution_n, p.slowest_resolutions.n);
            assert_eq!(row.frt_n, p.slowest_first_responses.n);
        }
        let ages = columnar.sections.backlog_ages.as_ref().unwrap();
        assert_eq!(
            (ages.at, ages.backlog),
            (d.open_at.unwrap(), d.oldest_open.n)
        );
    }
}

#[test]
fn two_partitions_merge_to_the_whole() {
    let o = options().with_drill_down_top(3);
    let whole = Report::compute(&input(), &o).unwrap();
    let all = tickets();
    for cut in 0..=all.len() {
        let part = |ts: &[Ticket]| {
            let input = ReportInput {
                tickets: ts.to_vec(),
                ..ReportInput::default()
            };
            let state = ReportState::from_input(&input, &o).unwrap();
            // Through the bytes, as partitions travel.
            ReportState::from_bytes(&state.to_bytes()).unwrap()
        };
        let (a, b) = all.split_at(cut);
        let merged = supportkpi::report::merge([part(b), part(a)]).unwrap();
        assert_eq!(merged, whole, "cut at {cut}");
    }
    // The record accumulators' serde form keeps the lists too.
    let mut acc = supportkpi::report::ReportAccumulator::new(o.clone()).unwrap();
    acc.push_input(&input()).unwrap();
    let json = serde_json::to_string(&acc).unwrap();
    let back: supportkpi::report::ReportAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back.finish().unwrap().sections, whole.sections);

    // A serde form written before the lists (or before the sections' customers) has none to
    // give: its report leaves those sections out, as unselected ones, rather than lists that
    // would count none of its tickets; the rows are the same.
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    old.as_object_mut().unwrap().remove("drill");
    let back: supportkpi::report::ReportAccumulator = serde_json::from_value(old.clone()).unwrap();
    assert!(!back.options().sections.contains(Section::DrillDown));
    assert!(back.options().sections.contains(Section::Cohorts));
    let report = back.finish().unwrap();
    assert_eq!(report.sections.drill_down, None);
    assert_eq!(report.rows, whole.rows);
    assert_eq!(report.sections.backlog_ages, whole.sections.backlog_ages);
    old.as_object_mut().unwrap().remove("customers");
    let back: supportkpi::report::ReportAccumulator = serde_json::from_value(old).unwrap();
    let lacking = [
        Section::DrillDown,
        Section::RevenueRetention,
        Section::Cohorts,
    ];
    assert!(
        lacking
            .iter()
            .all(|s| !back.options().sections.contains(*s))
    );
    assert!(back.options().sections.contains(Section::BacklogAges));
    // It no longer combines with a state that has them.
    let mut fresh = supportkpi::report::ReportAccumulator::new(o.clone()).unwrap();
    fresh.push_input(&input()).unwrap();
    let e = fresh.merge(back).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IncompatibleMerge);
}

#[test]
fn the_drill_down_follows_its_selection_and_its_k() {
    let o = options().with_sections([Section::BacklogAges]);
    let report = Report::compute(&input(), &o).unwrap();
    assert_eq!(report.sections.drill_down, None);
    assert_eq!(Report::compute_records(&input(), &o).unwrap(), report);

    let o = options().with_drill_down_top(1001);
    for err in [
        Report::compute(&input(), &o).unwrap_err(),
        ReportState::new(o.clone()).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::InvalidOption);
        assert_eq!(err.field(), Some("drill_down_top"));
        assert_eq!(err.value(), Some("1001"));
    }
    assert!(Report::compute(&input(), &options().with_drill_down_top(1000)).is_ok());
    // In JSON: absent is 20 (and the default is not written), else the number.
    let o: ReportOptions = serde_json::from_str(r#"{"drill_down_top": 5}"#).unwrap();
    assert_eq!(o.drill_down_top, 5);
    let text = serde_json::to_string(&ReportOptions::default()).unwrap();
    assert!(!text.contains("drill_down_top"), "{text}");
    // States of other K do not combine.
    let a = ReportState::new(options()).unwrap();
    let b = ReportState::new(options().with_drill_down_top(5)).unwrap();
    let err = supportkpi::report::combine([a, b]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IncompatibleMerge);
}

#[test]
fn business_time_lists_count_business_seconds() {
    // Mon-Fri 09:00-17:00 UTC: B (Wed 10:00, answered 13:00) waited 3 business hours,
    // resolved Thursday 10:00: 7 + 1 = 8 business hours; A (Tue 09:00 → 09:30, → 12:00).
    let cal = supportkpi::BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC).unwrap();
    let o = ReportOptions::default().with_calendar(cal);
    for report in [
        Report::compute(&input(), &o).unwrap(),
        Report::compute_records(&input(), &o).unwrap(),
    ] {
        let d = report.sections.drill_down.unwrap();
        let jan = &d.periods[1];
        let res: Vec<(&str, i64)> = jan
            .slowest_resolutions
            .tickets
            .iter()
            .map(|t| (t.ticket_id.as_str(), t.seconds))
            .collect();
        assert_eq!(res, [("B", 8 * 3600), ("A", 3 * 3600)]);
        let frt: Vec<(&str, i64)> = jan
            .slowest_first_responses
            .tickets
            .iter()
            .map(|t| (t.ticket_id.as_str(), t.seconds))
            .collect();
        // C: Friday 08:00 → 10:00 is one business hour; D: Tuesday 20:00 → 20:30, none.
        assert_eq!(frt, [("B", 3 * 3600), ("C", 3600), ("A", 1800), ("D", 0)]);
    }
}

/// The CLI's demo options: its SLA targets by priority (first response, resolution, next
/// reply), monthly in UTC.
fn demo_options() -> ReportOptions {
    let h = |n: i64| SlaTarget::calendar(n * 3600).unwrap();
    let mut policy = SlaPolicy::new();
    for (p, fr, res, next) in [
        ("urgent", 1, 24, 2),
        ("high", 2, 48, 4),
        ("normal", 8, 120, 8),
        ("low", 24, 240, 24),
    ] {
        policy = policy
            .with_target(SlaMetric::FirstResponse, Some(p), h(fr))
            .with_target(SlaMetric::Resolution, Some(p), h(res))
            .with_target(SlaMetric::NextReply, Some(p), h(next));
    }
    ReportOptions::default().with_sla(policy)
}

fn demo_input(events: bool) -> ReportInput {
    use supportkpi::io::{ReadOptions, Sources, load};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/demo");
    let sources = Sources {
        tickets: Some(dir.join("tickets.csv")),
        events: events.then(|| dir.join("events.csv")),
        ..Sources::default()
    };
    load(&sources, &ReadOptions::new()).unwrap().input
}

/// The lists the CLI's HTML page drew from the per-ticket table before the section existed
/// (its rules, over every period): the section gives the same tickets, in the same order.
#[test]
fn the_demo_drill_down_equals_the_per_ticket_table() {
    for events in [false, true] {
        let input = demo_input(events);
        let o = demo_options();
        let report = Report::compute(&input, &o).unwrap();
        let table = TicketMetrics::compute(&input, &o).unwrap();
        assert_drill_down_is_the_table(&report, &table, &o);
        // Not empty lists: the comparison compares something.
        let d = report.sections.drill_down.as_ref().unwrap();
        let last = d.periods.last().unwrap();
        assert!(d.periods.len() >= 12);
        assert!(last.sla_breaches.n > 0 && last.slowest_resolutions.n > 20);
        assert_eq!(d.oldest_open.n, 40);
    }
}

/// The report's drill-down against the per-ticket table of the same input and options: each
/// list is the table's rows that belong to it, ordered by the list's rule, the first K.
pub(crate) fn assert_drill_down_is_the_table(
    report: &Report,
    table: &TicketMetrics,
    o: &ReportOptions,
) {
    let d = report.sections.drill_down.clone().unwrap();
    let k = o.drill_down_top as usize;
    let business = o.calendar.is_some();
    let b = o.bucketer();
    let entry =
        |r: &TicketMetricsRow, seconds: i64, at: DateTime<Utc>, targets: Vec<&str>| DrillTicket {
            ticket_id: r.ticket_id.clone(),
            channel: r.channel.clone(),
            priority: r.priority.clone(),
            team: r.team.clone(),
            created_at: r.created_at,
            seconds,
            at,
            targets: targets.into_iter().map(str::to_owned).collect(),
        };
    let list = |mut v: Vec<(DrillTicket, (i64, u32))>| {
        v.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        DrillList {
            n: v.len() as u64,
            tickets: v.into_iter().take(k).map(|(t, _)| t).collect(),
        }
    };
    let instant = |t: DateTime<Utc>| (t.timestamp(), t.timestamp_subsec_nanos());
    let keys: Vec<_> = report.total_rows().map(|r| r.period_start).collect();
    let starts: Vec<_> = d.periods.iter().map(|p| p.period_start).collect();
    assert_eq!(starts, keys);
    for p in &d.periods {
        let here = |t: Option<DateTime<Utc>>| t.is_some_and(|t| b.key(t).start == p.period_start);
        let clock = |c: Option<i64>, bh: Option<i64>| if business { bh.or(c) } else { c };
        let frt = table
            .iter()
            .filter(|r| here(Some(r.created_at)))
            .filter_map(|r| {
                let s = clock(r.frt_s, r.frt_bh_s)?;
                Some((entry(r, s, r.first_response_at?, vec![]), (-s, 0)))
            })
            .collect();
        assert_eq!(p.slowest_first_responses, list(frt), "{}", p.period_start);
        let res = table
            .iter()
            .filter(|r| here(r.resolved_at))
            .filter_map(|r| {
                let s = clock(r.resolution_s, r.resolution_bh_s)?;
                Some((entry(r, s, r.resolved_at?, vec![]), (-s, 0)))
            })
            .collect();
        assert_eq!(p.slowest_resolutions, list(res), "{}", p.period_start);
        let breach = |s: Option<SlaStatus>| match s {
            Some(SlaStatus::Breached { at }) => Some(at),
            _ => None,
        };
        let sla = table
            .iter()
            .filter(|r| here(Some(r.created_at)))
            .filter_map(|r| {
                let fr = breach(r.sla_first_response);
                let res = breach(r.sla_resolution);
                let (at, targets) = match (fr, res) {
                    (Some(a), Some(b)) => (a.min(b), vec!["first_response", "resolution"]),
                    (Some(a), None) => (a, vec!["first_response"]),
                    (None, Some(b)) => (b, vec!["resolution"]),
                    (None, None) => return None,
                };
                let s = (at - r.created_at).num_seconds();
                Some((entry(r, s, at, targets), instant(at)))
            })
            .collect();
        assert_eq!(p.sla_breaches, list(sla), "{}", p.period_start);
    }
    let open = table
        .iter()
        .filter(|r| r.open_at_end)
        .map(|r| {
            let e = entry(r, r.age_s.unwrap(), r.open_since.unwrap(), vec![]);
            (e, instant(r.created_at))
        })
        .collect();
    assert_eq!(d.open_at, table.end);
    assert_eq!(d.oldest_open, list(open));
}

/// Without tickets the section still has the report's periods (a range's, with empty lists)
/// and the snapshot's instant when the options fix one: `as_of`, or the end of the range's
/// last period; with neither there is no snapshot.
#[test]
fn without_tickets_the_lists_are_empty_and_open_at_is_the_options() {
    let day = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
    for (o, open_at, periods) in [
        (ReportOptions::default(), None, 0),
        (
            ReportOptions::default().with_range(day("2024-01-01"), day("2024-02-10")),
            Some(at("2024-03-01T00:00")),
            2,
        ),
        (
            ReportOptions::default().with_as_of(at("2024-01-05T00:00")),
            Some(at("2024-01-05T00:00")),
            0,
        ),
    ] {
        let empty = ReportInput::default();
        for r in [
            Report::compute(&empty, &o).unwrap(),
            Report::compute_records(&empty, &o).unwrap(),
        ] {
            let d = r.sections.drill_down.unwrap();
            assert_eq!(d.open_at, open_at);
            assert_eq!(d.oldest_open, DrillList::default());
            assert_eq!(d.periods.len(), periods);
            for p in &d.periods {
                assert_eq!(p.slowest_first_responses, DrillList::default());
                assert_eq!(p.slowest_resolutions, DrillList::default());
                assert_eq!(p.sla_breaches, DrillList::default());
            }
        }
    }
}
