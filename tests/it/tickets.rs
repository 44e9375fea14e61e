//! The per-ticket table: hand-worked rows, and the law "the report is the table aggregated"
//! over summary rows and event logs, for every option set.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use supportkpi::kpi::{Accumulator, SlaPolicy, SlaStatus, SlaTarget};
use supportkpi::model::{
    Author, DeriveOptions, EventKind, Instant, StatusMap, SurveyKind, derive_histories,
};
use supportkpi::report::{NO_VALUE, Report, ReportInput, ReportOptions, TicketMetrics};
use supportkpi::stats::DurationSummary;
use supportkpi::time::{Bucketer, parse_zone};
use supportkpi::{BusinessCalendar, Period, SurveyResponse, Ticket, TicketEvent};

fn t0() -> Instant {
    Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap() // a Monday
}

fn h(hours: i64) -> Instant {
    t0() + Duration::hours(hours)
}

#[test]
fn rows_worked_by_hand() {
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC).unwrap();
    let policy = SlaPolicy::new()
        .calendar(cal.clone())
        .first_response_default(SlaTarget::calendar(3600).unwrap())
        .resolution("high", SlaTarget::business(4 * 3600).unwrap());
    let input = ReportInput {
        tickets: vec![
            // Answered after 30 min, resolved Tuesday 10:00: 25 h calendar, 9 business hours.
            Ticket::builder("A", t0())
                .first_response_at(t0() + Duration::minutes(30))
                .resolved_at(h(25))
                .agent_replies(1)
                .reopens(0)
                .priority("high")
                .channel("email")
                .dimension("plan", "pro")
                .build()
                .unwrap(),
            // Never answered, still open: FRT target breached at 10:00 on day 1.
            Ticket::builder("B", h(2))
                .priority("low")
                .channel("chat")
                .build()
                .unwrap(),
        ],
        surveys: vec![
            SurveyResponse::new("S1", h(30), SurveyKind::Csat, 2)
                .unwrap()
                .with_ticket("A"),
            SurveyResponse::new("S2", h(31), SurveyKind::Csat, 5)
                .unwrap()
                .with_ticket("A"),
            SurveyResponse::new("S3", h(29), SurveyKind::Nps, 9)
                .unwrap()
                .with_ticket("A"),
        ],
        ..ReportInput::default()
    };
    let options = ReportOptions::default()
        .with_period(Period::Day)
        .with_calendar(cal)
        .with_sla(policy);
    let table = TicketMetrics::compute(&input, &options).unwrap();
    // The last ticket event is A's resolution on the 29th: the report ends at midnight.
    let end = Utc.with_ymd_and_hms(2021, 6, 30, 0, 0, 0).unwrap();
    assert_eq!(table.end, Some(end));
    assert_eq!(table.dimension_names, ["plan"]);
    let a = &table.rows[0];
    assert_eq!(a.ticket_id, "A");
    assert_eq!((a.frt_s, a.frt_bh_s), (Some(1800), Some(1800)));
    assert_eq!(
        (a.resolution_s, a.resolution_bh_s),
        (Some(25 * 3600), Some(9 * 3600))
    );
    assert_eq!(a.first_contact_resolved, Some(true));
    assert_eq!(a.sla_first_response, Some(SlaStatus::Met));
    // 4 business hours from Monday 09:00 is Monday 13:00; resolved Tuesday.
    assert_eq!(a.sla_resolution, Some(SlaStatus::Breached { at: h(4) }));
    assert_eq!((a.open_at_end, a.age_s), (false, None));
    assert_eq!(
        (a.csat_score, a.nps_score, a.ces_score),
        (Some(5), Some(9), None)
    );
    assert_eq!(a.survey_responses, 3);
    let b = &table.rows[1];
    assert_eq!((b.frt_s, b.resolution_s), (None, None));
    assert_eq!(b.first_contact_resolved, None); // reply count unknown
    assert_eq!(b.sla_first_response, Some(SlaStatus::Breached { at: h(3) }));
    assert_eq!(b.sla_resolution, None); // no target for "low"
    assert_eq!((b.open_at_end, b.open_since), (true, Some(h(2))));
    assert_eq!(b.age_s, Some(24 * 3600 + 13 * 3600));

    let csv = table.to_csv();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with(
        "ticket_id,channel,priority,team,assignee,first_responder,solver,status,customer_id,\
         segment,plan,created_at,"
    ));
    assert_eq!(header.split(',').count(), table.columns().len());
    let a_line = lines.next().unwrap();
    assert!(
        a_line.starts_with(
            "A,email,high,,,,,solved,,,pro,2021-06-28T09:00:00Z,2021-06-28T09:30:00Z,"
        ),
        "{a_line}"
    );
    assert!(
        a_line.contains(
            ",1800,1800,90000,32400,1,0,1,true,met,,breached,2021-06-28T13:00:00Z,false,,,5,9,,3,"
        ),
        "{a_line}"
    );
    let json: serde_json::Value = serde_json::from_str(&table.to_json()).unwrap();
    assert_eq!(json["rows"][1]["age_s"], 37 * 3600);
    assert_eq!(
        json["rows"][1]["sla_first_response_breached_at"],
        "2021-06-28T12:00:00Z"
    );
    assert_eq!(json["rows"][1]["frt_s"], serde_json::Value::Null);

    // The report agrees.
    let report = Report::compute(&input, &options).unwrap();
    assert_report_is_the_table_aggregated(&report, &table, &options);
}

#[test]
fn histories_give_reopens_resolutions_and_the_open_stay() {
    let ev = |at, kind| TicketEvent::new("H", at, kind);
    let status = |to: &str| EventKind::StatusChange { to: to.into() };
    let reply = EventKind::Reply {
        author: Author::Agent,
        public: true,
    };
    let events = vec![
        ev(h(0), EventKind::Created),
        ev(h(1), reply.clone()),
        ev(h(2), status("solved")),
        ev(h(5), status("open")),
        ev(h(6), status("solved")),
        ev(h(30), status("open")),
    ];
    let histories =
        derive_histories(events, &StatusMap::canonical(), DeriveOptions::new()).unwrap();
    let input = ReportInput {
        histories,
        ..ReportInput::default()
    };
    let options = ReportOptions::default().with_period(Period::Day);
    let table = TicketMetrics::compute(&input, &options).unwrap();
    let r = &table.rows[0];
    assert_eq!(
        (r.reopens, r.resolutions, r.agent_replies),
        (Some(2), 2, Some(1))
    );
    // Reopened and still open: unresolved, in the backlog since the second reopen.
    assert_eq!((r.resolved_at, r.resolution_s), (None, None));
    assert_eq!(r.first_contact_resolved, Some(false));
    assert_eq!((r.open_at_end, r.open_since), (true, Some(h(30))));
    assert_eq!(r.age_s, Some(39 * 3600)); // to June 30th 00:00
}

/// Groups `table` by the period of each KPI's bucketing instant and by `options.by`, and checks
/// the report's rows against it: counts, means and exact quantiles of FRT and resolution time,
/// first-contact resolution, SLA attainment; and the last period's backlog against
/// `open_at_end` (with `as_of` unset).
pub(crate) fn assert_report_is_the_table_aggregated(
    report: &Report,
    table: &TicketMetrics,
    options: &ReportOptions,
) {
    let b = Bucketer::new(options.period, options.zone);
    let dim_of = |r: &supportkpi::report::TicketMetricsRow| -> Option<String> {
        let by = options.by.as_deref()?;
        let v = match by {
            "channel" => r.channel.clone(),
            "priority" => r.priority.clone(),
            "team" => r.team.clone(),
            "assignee" => r.assignee.clone(),
            "first_responder" => r.first_responder.clone(),
            "solver" => r.solver.clone(),
            "status" => Some(r.status.clone()),
            "customer_id" => r.customer_id.clone(),
            "segment" => r.segment.clone(),
            other => r.dimensions.get(other).cloned(),
        };
        Some(v.unwrap_or_else(|| NO_VALUE.to_owned()))
    };
    for row in &report.rows {
        let key = b.key_of_date(row.period_start);
        let here = |at: Option<Instant>, r: &supportkpi::report::TicketMetricsRow| {
            at.is_some_and(|at| b.key(at) == key)
                && (row.dimension.is_none() || row.dimension == dim_of(r))
        };
        let created: Vec<_> = table
            .iter()
            .filter(|r| here(Some(r.created_at), r))
            .collect();
        let what = format!("{} {:?}", row.period_start, row.dimension);
        assert_eq!(row.tickets_created, created.len() as u64, "created {what}");
        let frt: Vec<i64> = created.iter().filter_map(|r| r.frt_s).collect();
        assert_eq!(row.frt_n, frt.len() as u64, "frt_n {what}");
        assert_eq!(row.frt_unanswered, (created.len() - frt.len()) as u64);
        let stats = |xs: Vec<i64>| {
            let mut s = DurationSummary::exact();
            s.try_extend(xs).unwrap();
            let st = s.finish();
            [st.mean.value(), st.median.value(), st.p90.value()]
        };
        assert_eq!(
            [row.frt_mean_s, row.frt_median_s, row.frt_p90_s],
            stats(frt),
            "frt {what}"
        );
        if options.calendar.is_some() {
            let bh: Vec<i64> = created.iter().filter_map(|r| r.frt_bh_s).collect();
            assert_eq!(
                [row.frt_mean_bh_s, row.frt_median_bh_s, row.frt_p90_bh_s],
                stats(bh),
                "frt bh {what}"
            );
        }
        let resolved: Vec<_> = table.iter().filter(|r| here(r.resolved_at, r)).collect();
        let res: Vec<i64> = resolved.iter().filter_map(|r| r.resolution_s).collect();
        assert_eq!(row.resolution_n, res.len() as u64, "resolution_n {what}");
        assert_eq!(
            [
                row.resolution_mean_s,
                row.resolution_median_s,
                row.resolution_p90_s
            ],
            stats(res),
            "resolution {what}"
        );
        if options.calendar.is_some() {
            let bh: Vec<i64> = resolved.iter().filter_map(|r| r.resolution_bh_s).collect();
            assert_eq!(
                [
                    row.resolution_mean_bh_s,
                    row.resolution_median_bh_s,
                    row.resolution_p90_bh_s
                ],
                stats(bh),
                "resolution bh {what}"
            );
        }
        let known: Vec<bool> = created
            .iter()
            .filter_map(|r| r.first_contact_resolved)
            .collect();
        assert_eq!(
            row.first_contact_resolution_n,
            known.len() as u64,
            "fcr n {what}"
        );
        let fcr = known.iter().filter(|&&x| x).count();
        assert_eq!(
            row.first_contact_resolution_pct,
            (!known.is_empty()).then(|| 100.0 * fcr as f64 / known.len() as f64),
            "fcr {what}"
        );
        if options.sla.is_some() {
            let count = |f: &dyn Fn(&supportkpi::report::TicketMetricsRow) -> Option<SlaStatus>| {
                let met = created
                    .iter()
                    .filter(|r| f(r) == Some(SlaStatus::Met))
                    .count();
                let breached = created
                    .iter()
                    .filter(|r| matches!(f(r), Some(SlaStatus::Breached { .. })))
                    .count();
                (met, breached)
            };
            let (fm, fb) = count(&|r| r.sla_first_response);
            let (rm, rb) = count(&|r| r.sla_resolution);
            assert_eq!(row.sla_n, (fm + fb + rm + rb) as u64, "sla_n {what}");
            let pct = |m: usize, b: usize| (m + b > 0).then(|| 100.0 * m as f64 / (m + b) as f64);
            assert_eq!(row.sla_first_response_pct, pct(fm, fb), "sla fr {what}");
            assert_eq!(row.sla_resolution_pct, pct(rm, rb), "sla res {what}");
        }
    }
    if options.as_of.is_none()
        && options.range.is_none()
        && let Some(last) = report.total_rows().last()
    {
        let open = table.iter().filter(|r| r.open_at_end).count() as u64;
        assert_eq!(last.backlog_end, open, "backlog at the end");
        assert_eq!(
            table.end,
            Some(b.end_instant(b.key_of_date(last.period_start)))
        );
    }
}

/// A ticket of the property test: offsets in minutes from t0.
#[derive(Debug, Clone)]
struct Spec {
    created: i64,
    response: Option<i64>,
    resolve: Option<(i64, i64)>,
    replies: Option<u32>,
    reopens: u32,
    channel: Option<&'static str>,
    priority: Option<&'static str>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0i64..60 * 24 * 40,
        proptest::option::of(0i64..3000),
        proptest::option::of((0i64..3000, 0i64..6000)),
        proptest::option::of(0u32..4),
        0u32..3,
        proptest::option::of(prop::sample::select(vec!["email", "chat"])),
        proptest::option::of(prop::sample::select(vec!["high", "low"])),
    )
        .prop_map(
            |(created, response, resolve, replies, reopens, channel, priority)| Spec {
                created,
                response,
                resolve,
                replies,
                reopens,
                channel,
                priority,
            },
        )
}

fn ticket(i: usize, s: &Spec) -> Ticket {
    let m = |x: i64| t0() + Duration::minutes(x);
    let created = m(s.created);
    let mut b = Ticket::builder(format!("T{i}"), created).reopens(s.reopens);
    if let Some(r) = s.response {
        b = b.first_response_at(created + Duration::minutes(r));
    }
    if let Some((first, more)) = s.resolve {
        b = b
            .first_resolved_at(created + Duration::minutes(first))
            .resolved_at(created + Duration::minutes(first + more));
    }
    if let Some(n) = s.replies {
        b = b.agent_replies(n);
    }
    if let Some(c) = s.channel {
        b = b.channel(c);
    }
    if let Some(p) = s.priority {
        b = b.priority(p);
    }
    b.build().unwrap()
}

/// The same ticket as an event log: created, replies (agent, bot, customer), and a status
/// story of resolutions and reopens.
fn events(i: usize, s: &Spec) -> Vec<TicketEvent> {
    let id = format!("H{i}");
    let m = |x: i64| t0() + Duration::minutes(s.created + x);
    let ev = |at, kind| TicketEvent::new(id.as_str(), at, kind);
    let mut out = vec![ev(m(0), EventKind::Created)];
    out.push(ev(
        m(1),
        EventKind::Reply {
            author: Author::Bot,
            public: true,
        },
    ));
    if let Some(r) = s.response {
        for k in 0..s.replies.unwrap_or(1).max(1) {
            // The first reply by ann or bob, the others by cy.
            let agent = if k == 0 { ["ann", "bob"][i % 2] } else { "cy" };
            out.push(
                ev(
                    m(r + i64::from(k) * 7),
                    EventKind::Reply {
                        author: Author::Agent,
                        public: true,
                    },
                )
                .with_agent(agent),
            );
        }
    }
    if let Some((first, more)) = s.resolve {
        out.push(ev(
            m(first),
            EventKind::StatusChange {
                to: "solved".into(),
            },
        ));
        for k in 0..s.reopens {
            let at = first + (more * (i64::from(k) + 1)) / (i64::from(s.reopens) + 1);
            out.push(ev(m(at), EventKind::StatusChange { to: "open".into() }));
            if s.channel != Some("chat") || k + 1 < s.reopens {
                out.push(
                    ev(
                        m(at + 1),
                        EventKind::StatusChange {
                            to: "solved".into(),
                        },
                    )
                    .with_agent(["bob", "cy"][(i + k as usize) % 2]),
                );
            }
        }
    }
    out.sort_by_key(|e| e.at);
    out
}

#[derive(Debug, Clone)]
struct Knobs {
    period: Period,
    zone: &'static str,
    calendar: bool,
    by: Option<&'static str>,
    sla: bool,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        prop::sample::select(vec![Period::Day, Period::Week, Period::Month]),
        prop::sample::select(vec!["UTC", "America/New_York"]),
        any::<bool>(),
        proptest::option::of(prop::sample::select(vec![
            "channel",
            "priority",
            "first_responder",
            "solver",
        ])),
        any::<bool>(),
    )
        .prop_map(|(period, zone, calendar, by, sla)| Knobs {
            period,
            zone,
            calendar,
            by,
            sla,
        })
}

fn options(k: &Knobs) -> ReportOptions {
    let zone = parse_zone(k.zone).unwrap();
    let mut o = ReportOptions::default()
        .with_period(k.period)
        .with_zone(zone);
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", zone).unwrap();
    if k.calendar {
        o = o.with_calendar(cal.clone());
    }
    if let Some(by) = k.by {
        o = o.with_by(by);
    }
    if k.sla {
        o = o.with_sla(
            SlaPolicy::new()
                .calendar(cal)
                .first_response_default(SlaTarget::calendar(3600).unwrap())
                .resolution("high", SlaTarget::business(8 * 3600).unwrap()),
        );
    }
    o
}

/// The specs' event logs as histories, each joined with its spec's summary row (event logs
/// carry no channel or priority: the row gives the history its attributes).
fn history_input(specs: &[Spec]) -> ReportInput {
    let events: Vec<TicketEvent> = specs
        .iter()
        .enumerate()
        .flat_map(|(i, s)| events(i, s))
        .collect();
    let histories =
        derive_histories(events, &StatusMap::canonical(), DeriveOptions::new()).unwrap();
    let mut input = ReportInput {
        histories,
        ..ReportInput::default()
    };
    input.tickets = specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut b = Ticket::builder(format!("H{i}"), t0() + Duration::minutes(s.created));
            if let Some(c) = s.channel {
                b = b.channel(c);
            }
            if let Some(p) = s.priority {
                b = b.priority(p);
            }
            b.build().unwrap()
        })
        .collect();
    assert_eq!(input.join_tickets_with_histories().unwrap(), specs.len());
    input
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_report_is_the_table_of_summary_rows_aggregated(
        specs in prop::collection::vec(spec(), 0..40),
        k in knobs(),
    ) {
        let input = ReportInput {
            tickets: specs.iter().enumerate().map(|(i, s)| ticket(i, s)).collect(),
            ..ReportInput::default()
        };
        let o = options(&k);
        let table = TicketMetrics::compute(&input, &o).unwrap();
        prop_assert_eq!(table.rows.len(), input.tickets.len());
        let report = Report::compute(&input, &o).unwrap();
        assert_report_is_the_table_aggregated(&report, &table, &o);
        crate::drill_down::assert_drill_down_is_the_table(&report, &table, &o);
    }

    #[test]
    fn the_report_is_the_table_of_event_logs_aggregated(
        specs in prop::collection::vec(spec(), 0..40),
        k in knobs(),
    ) {
        let input = history_input(&specs);
        let o = options(&k);
        let table = TicketMetrics::compute(&input, &o).unwrap();
        prop_assert_eq!(table.rows.len(), specs.len());
        for (r, h) in table.iter().zip(&input.histories) {
            prop_assert_eq!(r.reopens, Some(h.reopens()));
            prop_assert_eq!(r.resolutions as usize, h.resolutions().len());
        }
        let report = Report::compute(&input, &o).unwrap();
        assert_report_is_the_table_aggregated(&report, &table, &o);
        crate::drill_down::assert_drill_down_is_the_table(&report, &table, &o);
        // Volume from the rows: reopens and every resolution, by ticket.
        let total_reopened: u64 = report.total_rows().map(|r| r.tickets_reopened).sum();
        let total_resolved: u64 = report.total_rows().map(|r| r.tickets_resolved).sum();
        prop_assert_eq!(total_reopened, table.iter().filter_map(|r| r.reopens).map(u64::from).sum::<u64>());
        prop_assert_eq!(total_resolved, table.iter().map(|r| u64::from(r.resolutions)).sum::<u64>());
    }
}

#[test]
fn a_ticket_both_summary_and_history_is_an_error() {
    let histories = derive_histories(
        [TicketEvent::new("A", t0(), EventKind::Created)],
        &StatusMap::canonical(),
        DeriveOptions::new(),
    )
    .unwrap();
    let input = ReportInput {
        tickets: vec![Ticket::builder("A", t0()).build().unwrap()],
        histories,
        ..ReportInput::default()
    };
    let err = TicketMetrics::compute(&input, &ReportOptions::default()).unwrap_err();
    assert_eq!(err.kind(), supportkpi::ErrorKind::DuplicateId);
}

/// Four June tickets: (id, team, priority, channel, FRT minutes).
fn four() -> ReportInput {
    let specs = [
        ("A", "billing", "high", "email", 10),
        ("B", "billing", "low", "web", 20),
        ("C", "support", "high", "chat", 30),
        ("D", "billing", "high", "email", 40),
    ];
    ReportInput {
        tickets: specs
            .iter()
            .enumerate()
            .map(|(i, &(id, team, priority, channel, frt))| {
                let created = h(i as i64);
                Ticket::builder(id, created)
                    .team(team)
                    .priority(priority)
                    .channel(channel)
                    .first_response_at(created + Duration::minutes(frt))
                    .build()
                    .unwrap()
            })
            .collect(),
        surveys: vec![
            SurveyResponse::new("S1", h(10), SurveyKind::Csat, 5)
                .unwrap()
                .with_ticket("A"),
            SurveyResponse::new("S2", h(10), SurveyKind::Csat, 1)
                .unwrap()
                .with_ticket("C"),
        ],
        ..ReportInput::default()
    }
}

#[test]
fn several_dimensions_give_a_row_per_combination() {
    let input = four();
    let options = ReportOptions::default().with_by_all(["team", "priority"]);
    assert_eq!(options.by.as_deref(), Some("team,priority"));
    for report in [
        Report::compute(&input, &options).unwrap(),
        Report::compute_records(&input, &options).unwrap(),
    ] {
        assert_eq!(report.options, options);
        let rows: Vec<(Option<&str>, u64, Option<f64>, u64)> = report
            .rows
            .iter()
            .map(|r| {
                (
                    r.dimension.as_deref(),
                    r.tickets_created,
                    r.frt_mean_s,
                    r.csat_n,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (None, 4, Some(1500.0), 2),
                (Some("billing / high"), 2, Some(1500.0), 1),
                (Some("billing / low"), 1, Some(1200.0), 0),
                (Some("support / high"), 1, Some(1800.0), 1),
            ]
        );
    }
    let json = r#"{"by": ["team", "priority"], "where": ["channel in (email,web)"]}"#;
    let parsed: ReportOptions = serde_json::from_str(json).unwrap();
    assert_eq!(parsed.by.as_deref(), Some("team,priority"));
    assert_eq!(parsed.filter[0].to_string(), "channel in (email,web)");
}

#[test]
fn filters_keep_matching_tickets_and_their_surveys() {
    use supportkpi::report::filter::Condition;
    let input = four();
    let options = ReportOptions::default()
        .with_filter("channel in (email, web)".parse::<Condition>().unwrap());
    let report = Report::compute(&input, &options).unwrap();
    let total = report.total_rows().next().unwrap();
    // A, B, D: FRT (10 + 20 + 40) / 3 min; only A's survey follows (score 5).
    assert_eq!(total.tickets_created, 3);
    assert_eq!(total.frt_mean_s, Some(1400.0));
    assert_eq!((total.csat_n, total.csat_pct), (1, Some(100.0)));
    let table = TicketMetrics::compute(&input, &options).unwrap();
    let ids: Vec<&str> = table.iter().map(|r| r.ticket_id.as_str()).collect();
    assert_eq!(ids, ["A", "B", "D"]);

    // priority=high and created from 11:00 (June 28th, UTC): C and D.
    let options = ReportOptions::default()
        .with_by("team")
        .with_filter("priority=high".parse().unwrap())
        .with_filter(Condition::one_of("team", ["support", "billing"]))
        .with_filter("created_at>=2021-06-28".parse().unwrap())
        .with_filter("created_at<2021-06-29".parse().unwrap());
    let report = Report::compute(&input, &options).unwrap();
    let rows: Vec<(Option<&str>, u64)> = report
        .rows
        .iter()
        .map(|r| (r.dimension.as_deref(), r.tickets_created))
        .collect();
    assert_eq!(
        rows,
        [(None, 3), (Some("billing"), 2), (Some("support"), 1)]
    );
    let late = ReportOptions::default().with_filter("created_at>=2021-06-29".parse().unwrap());
    assert_eq!(Report::compute(&input, &late).unwrap().rows.len(), 0);

    // An unknown field names itself and lists the known ones.
    let typo = ReportOptions::default().with_filter("chanel=email".parse().unwrap());
    let err = Report::compute(&input, &typo).unwrap_err();
    assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidOption);
    assert_eq!((err.field(), err.value()), (Some("where"), Some("chanel")));
    assert!(
        err.to_string().contains(
            "channel, priority, team, assignee, first_responder, solver, status, customer_id, \
             segment, created_at"
        ),
        "{err}"
    );
    let typo = ReportOptions::default().with_by_all(["team", "prio"]);
    let err = TicketMetrics::compute(&input, &typo).unwrap_err();
    assert_eq!((err.field(), err.value()), (Some("by"), Some("prio")));
    let err = "channel ~ email".parse::<Condition>().unwrap_err();
    assert_eq!(err.field(), Some("where"));
}

#[test]
fn reopen_rate_from_event_logs() {
    let ev = |at, to: &str| TicketEvent::new("H", at, EventKind::StatusChange { to: to.into() });
    let events = vec![
        TicketEvent::new("H", h(0), EventKind::Created),
        ev(h(2), "solved"),
        ev(h(5), "open"),
        ev(h(6), "solved"),
        ev(h(30), "open"),
    ];
    let histories =
        derive_histories(events, &StatusMap::canonical(), DeriveOptions::new()).unwrap();
    let input = ReportInput {
        histories,
        ..ReportInput::default()
    };
    let report =
        Report::compute(&input, &ReportOptions::default().with_period(Period::Day)).unwrap();
    let rows: Vec<(Option<f64>, u64)> = report
        .rows
        .iter()
        .map(|r| (r.reopen_pct, r.reopen_n))
        .collect();
    // June 28th: one reopen over two resolutions; June 29th: a reopen, no resolution.
    assert_eq!(rows, [(Some(50.0), 2), (None, 0)]);
    assert_eq!(
        report.rows[1].undefined["reopen_pct"],
        "no resolutions in the period"
    );

    // Summary rows record no reopen instants: undefined, not 0 %.
    let summary = ReportInput {
        tickets: vec![
            Ticket::builder("A", t0())
                .resolved_at(h(1))
                .build()
                .unwrap(),
        ],
        ..ReportInput::default()
    };
    for report in [
        Report::compute(&summary, &ReportOptions::default()).unwrap(),
        Report::compute_records(&summary, &ReportOptions::default()).unwrap(),
    ] {
        let row = &report.rows[0];
        assert_eq!((row.reopen_pct, row.reopen_n), (None, 1));
        assert_eq!(
            row.undefined["reopen_pct"],
            "reopens are known from event logs; the input has none"
        );
    }
}

/// Three tickets whose assignee changes after the first reply: `first_responder` and `solver`
/// credit the agents who replied and solved, `assignee` stays the last assignment.
fn reassigned() -> ReportInput {
    let m = |minutes: i64| t0() + Duration::minutes(minutes);
    let ev = |id: &str, at, kind| TicketEvent::new(id, at, kind);
    let reply = |id: &str, at, agent: &str| {
        ev(
            id,
            at,
            EventKind::Reply {
                author: Author::Agent,
                public: true,
            },
        )
        .with_agent(agent)
    };
    let assign = |id: &str, at, to: &str| ev(id, at, EventKind::Assigned { to: to.into() });
    let status = |id: &str, at, to: &str| ev(id, at, EventKind::StatusChange { to: to.into() });
    let events = vec![
        // A: ann answers at 09:30, the ticket goes to bob, who solves it at 12:00.
        ev("A", m(0), EventKind::Created),
        assign("A", m(5), "ann"),
        reply("A", m(30), "ann"),
        assign("A", m(60), "bob"),
        reply("A", m(120), "bob"),
        status("A", m(180), "solved").with_agent("bob"),
        // B: ann answers at 11:00 and solves at 12:00; reopened at 13:00, cy solves at 15:00,
        // and dee closes it at 16:00 (closing is no new resolution).
        ev("B", m(60), EventKind::Created),
        assign("B", m(60), "ann"),
        reply("B", m(120), "ann"),
        status("B", m(180), "solved").with_agent("ann"),
        status("B", m(240), "open"),
        assign("B", m(270), "cy"),
        status("B", m(360), "solved").with_agent("cy"),
        status("B", m(420), "closed").with_agent("dee"),
        // C: assigned to bob; bob's private note and a bot do not answer; cy's public reply at
        // 11:20 does. Still open.
        ev("C", m(120), EventKind::Created),
        assign("C", m(120), "bob"),
        ev(
            "C",
            m(125),
            EventKind::Reply {
                author: Author::Agent,
                public: false,
            },
        )
        .with_agent("bob"),
        ev(
            "C",
            m(126),
            EventKind::Reply {
                author: Author::Bot,
                public: true,
            },
        ),
        reply("C", m(140), "cy"),
        // D: answered by a reply that names no agent: no first responder; solved by an
        // unnamed change: no solver.
        ev("D", m(0), EventKind::Created),
        assign("D", m(0), "ann"),
        ev(
            "D",
            m(15),
            EventKind::Reply {
                author: Author::Agent,
                public: true,
            },
        ),
        status("D", m(45), "solved"),
    ];
    ReportInput {
        histories: derive_histories(events, &StatusMap::canonical(), DeriveOptions::new()).unwrap(),
        ..ReportInput::default()
    }
}

#[test]
fn agents_credit_who_replied_and_who_solved() {
    let input = reassigned();
    let table = TicketMetrics::compute(&input, &ReportOptions::default()).unwrap();
    let agents: Vec<_> = table
        .iter()
        .map(|r| {
            (
                r.ticket_id.as_str(),
                r.assignee.as_deref(),
                r.first_responder.as_deref(),
                r.solver.as_deref(),
                r.frt_s,
                r.resolution_s,
            )
        })
        .collect();
    assert_eq!(
        agents,
        [
            (
                "A",
                Some("bob"),
                Some("ann"),
                Some("bob"),
                Some(1800),
                Some(3 * 3600)
            ),
            (
                "B",
                Some("cy"),
                Some("ann"),
                Some("cy"),
                Some(3600),
                Some(5 * 3600)
            ),
            ("C", Some("bob"), Some("cy"), None, Some(1200), None),
            ("D", Some("ann"), None, None, Some(900), Some(2700)),
        ]
    );
    let csv = table.to_csv();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("A,,,,bob,ann,bob,solved,"),
        "{csv}"
    );

    // The per-agent report: June 2021 (one month), rows per first responder.
    let per = |by: &str| {
        let report = Report::compute(&input, &ReportOptions::default().with_by(by)).unwrap();
        report
            .rows
            .iter()
            .filter(|r| r.dimension.is_some())
            .map(|r| {
                (
                    r.dimension.clone().unwrap(),
                    r.tickets_created,
                    r.frt_mean_s,
                    r.tickets_resolved,
                    r.resolution_mean_s,
                    r.backlog_end,
                )
            })
            .collect::<Vec<_>>()
    };
    let s = |x: &str| x.to_owned();
    // ann answered A (30 min) and B (60 min): mean 45 min; both end resolved, A in 3 h, B in
    // 5 h (3 resolutions: B's two count in the volume). cy answered C (20 min), open at the
    // month's end. D's unnamed reply: (none).
    assert_eq!(
        per("first_responder"),
        [
            (s("ann"), 2, Some(2700.0), 3, Some(4.0 * 3600.0), 0),
            (s("cy"), 1, Some(1200.0), 0, None, 1),
            (s(NO_VALUE), 1, Some(900.0), 1, Some(2700.0), 0),
        ]
    );
    // By assignee the same tickets credit bob with A's and C's replies.
    assert_eq!(
        per("assignee"),
        [
            (s("ann"), 1, Some(900.0), 1, Some(2700.0), 0),
            (s("bob"), 2, Some(1500.0), 1, Some(3.0 * 3600.0), 1),
            (s("cy"), 1, Some(3600.0), 2, Some(5.0 * 3600.0), 0),
        ]
    );
    // By solver: bob solved A (3 h), cy solved B (5 h); C is open, D's solver unnamed.
    assert_eq!(
        per("solver"),
        [
            (s("bob"), 1, Some(1800.0), 1, Some(3.0 * 3600.0), 0),
            (s("cy"), 1, Some(3600.0), 2, Some(5.0 * 3600.0), 0),
            (s(NO_VALUE), 2, Some(1050.0), 1, Some(2700.0), 1),
        ]
    );
    // A filter on the agent: cy's first responses only.
    let cy = ReportOptions::default().with_filter("first_responder=cy".parse().unwrap());
    let table = TicketMetrics::compute(&input, &cy).unwrap();
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].ticket_id, "C");
}

#[test]
fn summary_rows_name_no_agents() {
    let input = four();
    let table = TicketMetrics::compute(&input, &ReportOptions::default()).unwrap();
    assert!(
        table
            .iter()
            .all(|r| r.first_responder.is_none() && r.solver.is_none())
    );
    // Grouped by an agent, summary rows all fall under (none), on both engines.
    let o = ReportOptions::default().with_by("first_responder");
    let report = Report::compute(&input, &o).unwrap();
    assert_eq!(report, Report::compute_records(&input, &o).unwrap());
    let dims: Vec<_> = report
        .rows
        .iter()
        .map(|r| (r.dimension.as_deref(), r.tickets_created))
        .collect();
    assert_eq!(dims, [(None, 4), (Some(NO_VALUE), 4)]);
    // A summary ticket built with its agents (the Rust builder) is grouped by them.
    let mut input = four();
    input.tickets[0] = input.tickets[0]
        .clone()
        .into_builder()
        .first_responder("ann")
        .build()
        .unwrap();
    let report = Report::compute(&input, &o).unwrap();
    assert_eq!(report, Report::compute_records(&input, &o).unwrap());
    let dims: Vec<_> = report
        .rows
        .iter()
        .map(|r| (r.dimension.as_deref(), r.tickets_created))
        .collect();
    assert_eq!(dims, [(None, 4), (Some("ann"), 1), (Some(NO_VALUE), 3)]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The drill-down with `as_of` (SLA judged and the backlog snapshot taken then), a filter,
    /// summary rows or event logs with reopens, and small K: both engines agree, each list's n
    /// is its row's n (FRT, resolution) or the backlog snapshot's, the lists are the per-ticket
    /// table's (unfiltered), and two partitions through bytes merge to the whole.
    #[test]
    fn the_drill_down_with_as_of_filters_and_partitions(
        specs in prop::collection::vec(spec(), 0..30),
        k in knobs(),
        as_of in proptest::option::of(0i64..60 * 24 * 45),
        filtered in any::<bool>(),
        histories in any::<bool>(),
        top in prop::sample::select(vec![0u32, 1, 3, 20]),
        range in proptest::option::of((0i64..30, 0i64..30)),
    ) {
        let input = if histories {
            history_input(&specs)
        } else {
            ReportInput {
                tickets: specs.iter().enumerate().map(|(i, s)| ticket(i, s)).collect(),
                ..ReportInput::default()
            }
        };
        let mut o = options(&k).with_drill_down_top(top);
        if let Some(m) = as_of {
            o = o.with_as_of(t0() + Duration::minutes(m));
        }
        if let Some((a, b)) = range {
            let day = |d: i64| (t0() + Duration::days(d)).date_naive();
            o = o.with_range(day(a.min(b)), day(a.max(b)));
        }
        if filtered {
            o = o.with_filter(supportkpi::report::filter::Condition::one_of("channel", ["email"]));
        }
        let report = Report::compute(&input, &o).unwrap();
        let records = Report::compute_records(&input, &o).unwrap();
        prop_assert_eq!(&report.sections, &records.sections);
        let d = report.sections.drill_down.clone().unwrap();
        let rows: Vec<_> = report.total_rows().collect();
        prop_assert_eq!(rows.len(), d.periods.len());
        for (r, p) in rows.iter().zip(&d.periods) {
            prop_assert_eq!(r.frt_n, p.slowest_first_responses.n);
            prop_assert_eq!(r.resolution_n, p.slowest_resolutions.n);
        }
        if let Some(a) = &report.sections.backlog_ages {
            prop_assert_eq!(a.backlog, d.oldest_open.n);
            prop_assert_eq!(Some(a.at), d.open_at);
        }
        if !filtered && range.is_none() {
            let table = TicketMetrics::compute(&input, &o).unwrap();
            crate::drill_down::assert_drill_down_is_the_table(&report, &table, &o);
        }
        // Partitions through bytes.
        let n = input.tickets.len() / 2;
        let part = |i: ReportInput| {
            let s = supportkpi::report::ReportState::from_input(&i, &o).unwrap();
            supportkpi::report::ReportState::from_bytes(&s.to_bytes()).unwrap()
        };
        let (a, b) = if histories {
            let (x, y) = input.histories.split_at(input.histories.len() / 2);
            (ReportInput { histories: x.to_vec(), ..ReportInput::default() },
             ReportInput { histories: y.to_vec(), ..ReportInput::default() })
        } else {
            let (x, y) = input.tickets.split_at(n);
            (ReportInput { tickets: x.to_vec(), ..ReportInput::default() },
             ReportInput { tickets: y.to_vec(), ..ReportInput::default() })
        };
        let merged = supportkpi::report::merge([part(b), part(a)]).unwrap();
        prop_assert_eq!(&merged.sections.drill_down, &report.sections.drill_down);
    }
}

/// The names each output form writes for `table`: rows (the typed row's fields and its
/// dimensions), CSV's header, JSON's `columns` and each row object's keys, Arrow's fields.
/// Returns the forms that write a name twice (or lose one).
fn forms_with_a_name_twice(table: &TicketMetrics) -> Vec<String> {
    let bad = std::cell::RefCell::new(Vec::new());
    let check = |form: &str, names: Vec<String>| {
        let mut seen = std::collections::BTreeSet::new();
        let twice: Vec<_> = names.iter().filter(|n| !seen.insert(*n)).collect();
        if !twice.is_empty() {
            bad.borrow_mut().push(format!("{form}: {twice:?}"));
        }
    };
    let columns = table.columns();
    check("columns", columns.clone());
    let csv = table.to_csv();
    let header = csv.lines().next().unwrap();
    check("csv", header.split(',').map(str::to_owned).collect());
    let json: serde_json::Value = serde_json::from_str(&table.to_json()).unwrap();
    check(
        "json columns",
        json["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect(),
    );
    // serde_json keeps the last of two equal keys: a lost column is one key short.
    for (i, row) in json["rows"].as_array().unwrap().iter().enumerate() {
        let keys = row.as_object().unwrap().len();
        if keys != columns.len() {
            bad.borrow_mut().push(format!(
                "json row {i}: {keys} keys for {} columns",
                columns.len()
            ));
        }
    }
    #[cfg(feature = "arrow")]
    check(
        "arrow",
        table
            .to_arrow()
            .unwrap()
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect(),
    );
    bad.into_inner()
}

/// A helpdesk export kept with `keep_extra_columns` whose columns are named like the table's:
/// `first_responder`, `frt_s`, `ticket_id` and `frt_s_dimension` become free-form dimensions
/// (`status` and `reopens` are the ticket's own fields).
#[test]
fn free_form_dimensions_named_like_columns_get_names_of_their_own() {
    use supportkpi::io::{ReadOptions, Sources, load};
    let dir = std::env::temp_dir().join(format!("supportkpi-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tickets.csv");
    std::fs::write(
        &path,
        "id,created_at,first_response_at,first_responder,frt_s,status,ticket_id,reopens,frt_s_dimension\n\
         T-1,2021-06-28T09:00:00Z,2021-06-28T09:30:00Z,ann,12,open,HD-1,0,x\n\
         T-2,2021-06-28T10:00:00Z,,,,pending,HD-2,2,\n",
    )
    .unwrap();
    let sources = Sources {
        tickets: Some(path),
        ..Sources::default()
    };
    let input = load(&sources, &ReadOptions::new().keep_extra_columns(true))
        .unwrap()
        .input;
    let table = TicketMetrics::compute(&input, &ReportOptions::default()).unwrap();
    assert_eq!(
        table.dimension_names,
        ["first_responder", "frt_s", "frt_s_dimension", "ticket_id"]
    );
    assert_eq!(forms_with_a_name_twice(&table), Vec::<String>::new());
    // The fixed columns keep their names; `frt_s_dimension`, a name the file wrote, keeps its
    // own, so the `frt_s` column of the file is the next free one.
    assert_eq!(
        table.dimension_columns(),
        [
            "first_responder_dimension",
            "frt_s_dimension_2",
            "frt_s_dimension",
            "ticket_id_dimension"
        ]
    );
    assert_eq!(
        table.columns()[8..15],
        [
            "customer_id",
            "segment",
            "first_responder_dimension",
            "frt_s_dimension_2",
            "frt_s_dimension",
            "ticket_id_dimension",
            "created_at"
        ]
    );

    // The rows: the ticket's own facts in their fields, the file's columns in `dimensions`.
    let [t1, t2] = &table.rows[..] else {
        panic!("{:?}", table.rows)
    };
    assert_eq!(
        (
            t1.ticket_id.as_str(),
            t1.first_responder.as_deref(),
            t1.frt_s
        ),
        ("T-1", None, Some(1800))
    );
    assert_eq!((t1.status.as_str(), t1.reopens), ("open", Some(0)));
    let dims = |pairs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        t1.dimensions,
        dims(&[
            ("first_responder", "ann"),
            ("frt_s", "12"),
            ("frt_s_dimension", "x"),
            ("ticket_id", "HD-1")
        ])
    );
    assert_eq!(
        (
            t2.ticket_id.as_str(),
            t2.frt_s,
            t2.status.as_str(),
            t2.reopens
        ),
        ("T-2", None, "pending", Some(2))
    );
    assert_eq!(t2.dimensions, dims(&[("ticket_id", "HD-2")]));

    // CSV: the file's values under their own columns, the ticket's beside them.
    let csv = table.to_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with(
            "ticket_id,channel,priority,team,assignee,first_responder,solver,status,customer_id,\
             segment,first_responder_dimension,frt_s_dimension_2,frt_s_dimension,\
             ticket_id_dimension,created_at,first_response_at,first_resolved_at,resolved_at,\
             frt_s,frt_bh_s,resolution_s,resolution_bh_s,agent_replies,reopens,"
        ),
        "{csv}"
    );
    assert!(
        lines[1].starts_with(
            "T-1,,,,,,,open,,,ann,12,x,HD-1,2021-06-28T09:00:00Z,2021-06-28T09:30:00Z,,,1800,,,,,0,"
        ),
        "{csv}"
    );
    assert!(
        lines[2].starts_with("T-2,,,,,,,pending,,,,,,HD-2,2021-06-28T10:00:00Z,,,,,,,,,2,"),
        "{csv}"
    );

    // JSON: every column a key of its own (the ticket id is T-1, not the file's HD-1).
    let json: serde_json::Value = serde_json::from_str(&table.to_json()).unwrap();
    let r1 = &json["rows"][0];
    assert_eq!(
        (&r1["ticket_id"], &r1["ticket_id_dimension"]),
        (&"T-1".into(), &"HD-1".into())
    );
    assert_eq!(
        (&r1["frt_s"], &r1["frt_s_dimension_2"]),
        (&1800.into(), &"12".into())
    );
    assert_eq!(r1["frt_s_dimension"], "x");
    assert_eq!(
        (&r1["first_responder"], &r1["first_responder_dimension"]),
        (&serde_json::Value::Null, &"ann".into())
    );
    let r2 = &json["rows"][1];
    assert_eq!(
        (&r2["ticket_id"], &r2["reopens"]),
        (&"T-2".into(), &2.into())
    );
    assert_eq!(r2["frt_s_dimension_2"], serde_json::Value::Null);

    // Arrow: the fixed columns typed, the dimensions text.
    #[cfg(feature = "arrow")]
    {
        use arrow_array::cast::AsArray;
        use arrow_array::types::Int64Type;
        let batch = table.to_arrow().unwrap();
        let text = |name: &str| -> Vec<Option<String>> {
            let c = batch.column_by_name(name).unwrap();
            c.as_string::<i32>()
                .iter()
                .map(|v| v.map(str::to_owned))
                .collect()
        };
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(text("ticket_id"), [s("T-1"), s("T-2")]);
        assert_eq!(text("ticket_id_dimension"), [s("HD-1"), s("HD-2")]);
        assert_eq!(text("frt_s_dimension_2"), [s("12"), None]);
        assert_eq!(text("frt_s_dimension"), [s("x"), None]);
        assert_eq!(text("first_responder"), [None, None]);
        assert_eq!(text("first_responder_dimension"), [s("ann"), None]);
        let frt = batch
            .column_by_name("frt_s")
            .unwrap()
            .as_primitive::<Int64Type>();
        assert_eq!(frt.iter().collect::<Vec<_>>(), [Some(1800), None]);
        assert_eq!(batch.num_columns(), table.columns().len());
    }
}

/// Built in code: a `segment` dimension beside the customer's segment, a `ticket_id` one, and
/// the names a renamed dimension would take already held by others (`ticket_id_dimension`,
/// `ticket_id_dimension_2`). `by` and `where` read a free-form `ticket_id` by its own name,
/// the table writes it under the next free one.
#[test]
fn renamed_dimensions_skip_every_name_taken() {
    let customer = supportkpi::Customer::new("C-1", t0() - Duration::days(30))
        .unwrap()
        .with_segment("enterprise");
    let ticket = |id: &str, hour: i64, extra: &str| {
        Ticket::builder(id, h(hour))
            .customer_id("C-1")
            .dimension("segment", "smb")
            .dimension("ticket_id", format!("HD-{id}"))
            .dimension("ticket_id_dimension", extra)
            .dimension("ticket_id_dimension_2", "y")
            .build()
            .unwrap()
    };
    let input = ReportInput {
        tickets: vec![ticket("A", 0, "a"), ticket("B", 1, "b")],
        customers: vec![customer],
        ..ReportInput::default()
    };
    let options = ReportOptions::default().with_filter("ticket_id=HD-B".parse().unwrap());
    let table = TicketMetrics::compute(&input, &options).unwrap();
    assert_eq!(forms_with_a_name_twice(&table), Vec::<String>::new());
    assert_eq!(
        table.dimension_columns(),
        [
            "segment_dimension",
            "ticket_id_dimension_3",
            "ticket_id_dimension",
            "ticket_id_dimension_2"
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&table.to_json()).unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let b = &rows[0];
    let pairs: Vec<(&str, &serde_json::Value)> = [
        "ticket_id",
        "segment",
        "segment_dimension",
        "ticket_id_dimension_3",
        "ticket_id_dimension",
        "ticket_id_dimension_2",
    ]
    .iter()
    .map(|c| (*c, &b[*c]))
    .collect();
    let v = |s: &str| serde_json::Value::from(s);
    assert_eq!(
        pairs,
        [
            ("ticket_id", &v("B")),
            ("segment", &v("enterprise")),
            ("segment_dimension", &v("smb")),
            ("ticket_id_dimension_3", &v("HD-B")),
            ("ticket_id_dimension", &v("b")),
            ("ticket_id_dimension_2", &v("y")),
        ]
    );
}

/// Free-form dimension names with a comma and a leading `=` (a kept column `Plan, tier`, one
/// named `=1+1`): the CSV header has one field per column, written as text values are.
#[test]
fn the_csv_header_has_one_field_per_column() {
    let input = ReportInput {
        tickets: vec![
            Ticket::builder("A", t0())
                .dimension("Plan, tier", "pro")
                .dimension("=1+1", "x")
                .build()
                .unwrap(),
        ],
        ..ReportInput::default()
    };
    let table = TicketMetrics::compute(&input, &ReportOptions::default()).unwrap();
    let csv = table.to_csv();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header.len(), table.columns().len(), "{csv}");
    assert_eq!(header[9..12], ["segment", "'=1+1", "Plan, tier"]);
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(row.len(), header.len());
    assert_eq!((&row[0], &row[10], &row[11]), ("A", "x", "pro"));
    assert!(csv.starts_with(
        "ticket_id,channel,priority,team,assignee,first_responder,solver,status,customer_id,\
         segment,'=1+1,\"Plan, tier\",created_at,"
    ));
}
