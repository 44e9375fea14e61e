//! The columnar engine (`Report::compute_columnar`, and `Report::compute` for summary tickets)
//! gives the record accumulators' report (`Report::compute_records`) on the same records,
//! whatever the options.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use supportkpi::columnar::{ColumnarInput, TicketTable};
use supportkpi::kpi::{CostDenominator, FcrDenominator, SlaPolicy, SlaTarget};
use supportkpi::model::{Currency, Instant, Money, Status, SurveyKind};
use supportkpi::report::{Report, ReportInput, ReportOptions};
use supportkpi::stats::QuantileMode;
use supportkpi::time::parse_zone;
use supportkpi::{BusinessCalendar, CostEntry, Customer, Period, SurveyResponse, Ticket};

fn t0() -> Instant {
    Utc.with_ymd_and_hms(2021, 3, 1, 0, 0, 0).unwrap()
}

#[derive(Debug, Clone)]
struct Spec {
    id: u8,
    created_s: i64,
    response_s: Option<i64>,
    first_resolve_s: Option<i64>,
    resolve_s: Option<i64>,
    status: Option<Status>,
    channel: Option<&'static str>,
    plan: Option<&'static str>,
    customer: Option<u8>,
    replies: Option<u32>,
    reopens: u32,
    /// The agents (`TicketBuilder::first_responder`, `solver`).
    first_responder: Option<&'static str>,
    solver: Option<&'static str>,
    /// A free-form dimension named like an agent field, and its value (one an agent has, or
    /// not): `by` and `where` must read the agent, never this.
    clash: Option<(&'static str, &'static str)>,
}

const STATUSES: [Option<Status>; 5] = [
    None,
    Some(Status::Open),
    Some(Status::Pending),
    Some(Status::Closed),
    Some(Status::Cancelled),
];

fn spec() -> impl Strategy<Value = Spec> {
    (
        (
            any::<u8>(),
            0i64..(100 * 86_400),
            proptest::option::of(0i64..200_000),
            proptest::option::of(0i64..2_000_000),
            proptest::option::of(0i64..400_000),
            0usize..5,
        ),
        (
            proptest::option::of(prop::sample::select(vec!["email", "chat", "(none)"])),
            proptest::option::of(prop::sample::select(vec!["pro", "free"])),
            proptest::option::of(0u8..6),
            proptest::option::of(0u32..3),
            0u32..2,
        ),
        (
            proptest::option::of(prop::sample::select(vec!["ann", "bob"])),
            proptest::option::of(prop::sample::select(vec!["ann", "bob"])),
            proptest::option::of((
                prop::sample::select(vec!["first_responder", "solver"]),
                prop::sample::select(vec!["ann", "zed"]),
            )),
        ),
    )
        .prop_map(
            |(
                (id, c, r, z, extra, st),
                (channel, plan, customer, replies, reopens),
                (first_responder, solver, clash),
            )| Spec {
                id,
                created_s: c,
                response_s: r,
                first_resolve_s: z.filter(|_| extra.is_some()),
                resolve_s: z.map(|z| z + extra.unwrap_or(0)),
                status: STATUSES[st],
                channel,
                plan,
                customer,
                replies,
                reopens,
                first_responder,
                solver,
                clash,
            },
        )
}

fn ticket(s: &Spec) -> Ticket {
    let created = t0() + Duration::seconds(s.created_s) + Duration::nanoseconds(i64::from(s.id));
    // Ids repeat now and then: a response's ticket is the last one with its id.
    let mut b = Ticket::builder(format!("T-{}", s.id % 40).as_str(), created).reopens(s.reopens);
    if let Some(p) = [Some("high"), Some("low"), None][usize::from(s.id % 3)] {
        b = b.priority(p);
    }
    if let Some(c) = s.channel {
        b = b.channel(c);
    }
    if let Some(p) = s.plan {
        b = b.dimension("plan", p);
    }
    if let Some(a) = s.first_responder {
        b = b.first_responder(a);
    }
    if let Some(a) = s.solver {
        b = b.solver(a);
    }
    if let Some((name, value)) = s.clash {
        b = b.dimension(name, value);
    }
    if let Some(c) = s.customer {
        b = b.customer_id(format!("C-{c}").as_str());
    }
    if let Some(n) = s.replies {
        b = b.agent_replies(n);
    }
    if let Some(st) = s.status {
        b = b.status(st);
    }
    if let Some(r) = s.response_s {
        b = b.first_response_at(created + Duration::seconds(r));
    }
    if let Some(z) = s.first_resolve_s {
        b = b.first_resolved_at(created + Duration::seconds(z));
    }
    if let Some(z) = s.resolve_s {
        b = b.resolved_at(created + Duration::seconds(z));
    }
    b.build().unwrap()
}

fn surveys(tickets: &[Ticket], picks: &[(u8, u8, i64)]) -> Vec<SurveyResponse> {
    picks
        .iter()
        .enumerate()
        .map(|(i, &(which, score, offset))| {
            let at = t0() + Duration::seconds(offset);
            let (kind, score) = match score % 3 {
                0 => (SurveyKind::Csat, i32::from(score % 5) + 1),
                1 => (SurveyKind::Nps, i32::from(score % 11)),
                _ => (SurveyKind::Ces, i32::from(score % 7) + 1),
            };
            let r = SurveyResponse::new(format!("S-{i}").as_str(), at, kind, score).unwrap();
            match which % 4 {
                0 => r,
                1 => r.with_ticket("T-unknown"),
                _ => match tickets.get(usize::from(which) % tickets.len().max(1)) {
                    Some(t) => r.with_ticket(t.id().as_str()),
                    None => r,
                },
            }
        })
        .collect()
}

fn customers() -> Vec<Customer> {
    let usd = Currency::new("USD").unwrap();
    (0..5)
        .map(|i| {
            // Revenue, a churn and a later acquisition: the revenue and cohort sections have
            // something to compare across engines and buckets.
            let acquired = match i {
                4 => t0() + Duration::days(10),
                _ => t0() - Duration::days(40),
            };
            let mut c = Customer::new(format!("C-{i}").as_str(), acquired).unwrap();
            if i < 4 {
                c = c.with_revenue(Money::new(Decimal::from(100 * i + 50), usd));
            }
            if i == 1 {
                c = c.with_churned_at(t0() + Duration::days(30)).unwrap();
            }
            match i {
                0 | 1 => c.with_segment("smb"),
                2 => c.with_segment("(none)"),
                3 => c.with_segment("enterprise"),
                _ => c,
            }
        })
        .collect()
}

fn costs() -> Vec<CostEntry> {
    let usd = Currency::new("USD").unwrap();
    (3..=6)
        .map(|m| {
            let start = NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
            let end = NaiveDate::from_ymd_opt(2021, m, 28).unwrap();
            CostEntry::new(start, end, Money::new(Decimal::new(12_345, 1), usd)).unwrap()
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Knobs {
    period: usize,
    zone: usize,
    by: usize,
    business: bool,
    sla: bool,
    as_of: Option<i64>,
    range: Option<(i64, i64)>,
    fcr_resolved: bool,
    cost_created: bool,
    sketch: bool,
    /// The drill-down's K: small ones make the lists drop tickets in every merge.
    drill_top: u32,
    /// Which filter (`FILTERS`).
    filter: usize,
}

/// Filters of each kind of field: a built-in dimension with "(none)", a free-form one, the
/// status, the customers' segment and ids, dates in the report's zone, two conditions at once,
/// the agents (with "(none)", and a value only a free-form dimension of their name has).
const FILTERS: [&[&str]; 12] = [
    &[],
    &["channel in (email,(none))"],
    &["plan=pro"],
    &["status in (open,closed)"],
    &["segment in (enterprise,(none))"],
    &["customer_id in (C-1,C-3)"],
    &["created_at>=2021-03-20"],
    &["created_at<2021-04-15", "channel=chat"],
    &["first_responder=(none)"],
    &["first_responder in (ann,(none))", "channel=email"],
    &["solver=bob"],
    &["first_responder=zed"],
];

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        (
            0usize..3,
            0usize..4,
            0usize..16,
            any::<bool>(),
            any::<bool>(),
        ),
        (
            proptest::option::of(0i64..150),
            proptest::option::of((0i64..120, 0i64..60)),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        prop::sample::select(vec![0u32, 1, 2, 20]),
        0..FILTERS.len(),
    )
        .prop_map(
            |(
                (period, zone, by, business, sla),
                (as_of, range, fcr, cost, sketch),
                drill_top,
                filter,
            )| {
                Knobs {
                    period,
                    zone,
                    by,
                    business,
                    sla,
                    as_of,
                    range,
                    fcr_resolved: fcr,
                    cost_created: cost,
                    sketch,
                    drill_top,
                    filter,
                }
            },
        )
}

fn options(k: &Knobs) -> ReportOptions {
    let zone =
        parse_zone(["UTC", "America/New_York", "Asia/Kolkata", "America/Havana"][k.zone]).unwrap();
    let mut o = ReportOptions::default()
        .with_period([Period::Day, Period::Week, Period::Month][k.period])
        .with_zone(zone)
        .with_drill_down_top(k.drill_top);
    let by = [
        None,
        Some("channel"),
        Some("priority"),
        Some("status"),
        Some("segment"),
        Some("customer_id"),
        Some("plan"),
        Some("not_a_column"),
        Some("channel"),
        Some("channel,plan"),
        Some("status, segment"),
        Some("customer_id,channel,priority"),
        Some("first_responder"),
        Some("solver"),
        Some("first_responder,channel"),
        Some("solver,first_responder"),
    ][k.by];
    if let Some(by) = by {
        o = o.with_by(by);
    }
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", zone).unwrap();
    if k.business {
        o = o.with_calendar(cal.clone());
    }
    if k.sla {
        o = o.with_sla(
            SlaPolicy::new()
                .calendar(cal)
                .first_response("high", SlaTarget::calendar(1800).unwrap())
                .resolution("low", SlaTarget::business(7200).unwrap())
                .first_response_default(SlaTarget::business(3600).unwrap())
                .resolution_default(SlaTarget::calendar(3 * 86_400).unwrap()),
        );
    }
    if let Some(d) = k.as_of {
        o = o.with_as_of(t0() + Duration::days(d));
    }
    if let Some((a, len)) = k.range {
        let first = t0().date_naive() + Duration::days(a);
        o = o.with_range(first, first + Duration::days(len));
    }
    if k.fcr_resolved {
        o = o.with_fcr_denominator(FcrDenominator::Resolved);
    }
    if k.cost_created {
        o = o.with_cost_denominator(CostDenominator::Created);
    }
    for c in FILTERS[k.filter] {
        o = o.with_filter(c.parse().unwrap());
    }
    if k.sketch {
        o = o.with_quantiles(QuantileMode::Sketch {
            relative_accuracy: 0.01,
        });
    }
    o
}

fn same(input: &ReportInput, o: &ReportOptions) -> Result<(), TestCaseError> {
    let columns = ColumnarInput::from_input(input).unwrap();
    let rows = Report::compute_records(input, o);
    let cols = Report::compute_columnar(&columns, o);
    // Report::compute converts the records itself (keeping only the grouping dimension).
    match (&rows, Report::compute(input, o)) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, &b),
        (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind()),
        (a, b) => prop_assert!(
            false,
            "records {:?}, compute {:?}",
            a.as_ref().err(),
            b.err()
        ),
    }
    match (rows, cols) {
        (Ok(a), Ok(b)) => {
            prop_assert_eq!(
                a.rows.len(),
                b.rows.len(),
                "rows\n{:?}\n{:?}",
                a.rows,
                b.rows
            );
            for (x, y) in a.rows.iter().zip(&b.rows) {
                prop_assert_eq!(x, y);
            }
            prop_assert_eq!(a, b);
        }
        (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind()),
        (a, b) => prop_assert!(false, "row path {:?}, columnar {:?}", a.err(), b.err()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn columnar_report_equals_the_row_report(
        specs in prop::collection::vec(spec(), 0..80),
        picks in prop::collection::vec((any::<u8>(), any::<u8>(), 0i64..(110 * 86_400)), 0..40),
        k in knobs(),
        with_rest in any::<bool>(),
    ) {
        let tickets: Vec<Ticket> = specs.iter().map(ticket).collect();
        let surveys = surveys(&tickets, &picks);
        let input = ReportInput {
            tickets,
            surveys,
            customers: if with_rest { customers() } else { Vec::new() },
            costs: if with_rest { costs() } else { Vec::new() },
            histories: Vec::new(),
        };
        same(&input, &options(&k))?;
    }
}

/// The report by channel of `tickets` and `surveys` from the columnar engine, checked equal to
/// the row engine's, with the input.
fn by_channel_alike(
    tickets: Vec<Ticket>,
    surveys: Vec<SurveyResponse>,
    period: Period,
) -> (ReportInput, Report) {
    let input = ReportInput {
        tickets,
        surveys,
        ..ReportInput::default()
    };
    let o = ReportOptions::default()
        .with_period(period)
        .with_by("channel");
    let columns = ColumnarInput::from_input(&input).unwrap();
    let report = Report::compute_columnar(&columns, &o).unwrap();
    assert_eq!(report, Report::compute_records(&input, &o).unwrap());
    (input, report)
}

/// `n / 2` CSAT responses over `days` days, response `i` rating ticket `T-{(7 i) mod n}`.
fn csat_surveys(n: usize, days: i64) -> Vec<SurveyResponse> {
    (0..n / 2)
        .map(|i| {
            SurveyResponse::new(
                format!("S-{i}").as_str(),
                t0() + Duration::seconds((i as i64 * 104_729) % (days * 86_400)),
                SurveyKind::Csat,
                (i % 5) as i32 + 1,
            )
            .unwrap()
            .with_ticket(format!("T-{}", (i * 7) % n).as_str())
        })
        .collect()
}

/// Enough tickets for several partitions and sharded joins.
#[test]
fn large_inputs_agree() {
    let n = 300_000;
    let tickets: Vec<Ticket> = (0..n)
        .map(|i| {
            let s = Spec {
                id: (i % 251) as u8,
                created_s: (i as i64 * 7919) % (200 * 86_400),
                response_s: (i % 3 != 0).then_some((i as i64 * 13) % 90_000),
                first_resolve_s: None,
                resolve_s: (i % 5 != 0).then_some((i as i64 * 31) % 900_000),
                status: STATUSES[i % 5],
                channel: [Some("email"), Some("chat"), None][i % 3],
                plan: None,
                customer: Some((i % 6) as u8),
                replies: Some((i % 4) as u32),
                reopens: 0,
                first_responder: None,
                solver: None,
                clash: None,
            };
            let mut t = ticket(&s).into_builder();
            t = t.customer_id(format!("C-{}", i % 6).as_str());
            let mut t = t.build().unwrap();
            // Unique ids so that the join has every ticket.
            t = {
                let mut b = Ticket::builder(format!("T-{i}").as_str(), t.created_at());
                b = b.channel(t.channel().unwrap_or("web"));
                if let Some(at) = t.first_response_at() {
                    b = b.first_response_at(at);
                }
                if let Some(at) = t.resolved_at() {
                    b = b.resolved_at(at);
                }
                b.status(t.status())
                    .agent_replies(t.agent_replies().unwrap_or(0))
                    .build()
                    .unwrap()
            };
            t
        })
        .collect();
    let surveys = csat_surveys(n, 210);
    let (input, _) = by_channel_alike(tickets, surveys, Period::Month);
    assert_eq!(TicketTable::from_tickets(&input.tickets).unwrap().len(), n);
}

#[test]
fn histories_have_no_columnar_form() {
    use supportkpi::model::{DeriveOptions, EventKind, StatusMap, derive_histories};
    let events = [supportkpi::TicketEvent::new(
        "T-1",
        t0(),
        EventKind::Created,
    )];
    let input = ReportInput {
        histories: derive_histories(events, &StatusMap::canonical(), DeriveOptions::new()).unwrap(),
        ..ReportInput::default()
    };
    let e = ColumnarInput::from_input(&input).unwrap_err();
    assert_eq!(e.kind(), supportkpi::ErrorKind::InvalidOption);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `Backlog::compute_table` equals pushing every ticket into the accumulator.
    #[test]
    fn backlog_of_a_table_equals_the_accumulator(
        specs in prop::collection::vec(spec(), 0..80),
        k in knobs(),
        window in 1u32..40,
    ) {
        use supportkpi::kpi::{Backlog, BacklogOptions, Kpi};
        let tickets: Vec<Ticket> = specs.iter().map(ticket).collect();
        let o = options(&k);
        let mut bo = BacklogOptions::default()
            .with_bucketer(o.bucketer())
            .with_clear_window_days(window);
        if let Some(at) = o.as_of {
            bo = bo.with_as_of(at);
        }
        if let Some((a, b)) = o.range {
            bo = bo.with_range(a, b);
        }
        let kpi = Backlog::new(bo).unwrap();
        let table = TicketTable::from_tickets(&tickets).unwrap();
        prop_assert_eq!(kpi.compute_table(&table), kpi.compute(&tickets).unwrap());
    }
}

#[test]
fn backlog_of_a_large_table_equals_the_accumulator() {
    use supportkpi::kpi::{Backlog, Kpi};
    let tickets: Vec<Ticket> = (0..200_000)
        .map(|i: i64| {
            let created = t0() + Duration::seconds(i * 37);
            let b = Ticket::builder(format!("T-{i}").as_str(), created);
            match i % 4 {
                0 => b.build(),
                1 => b.status(Status::Cancelled).build(),
                _ => b
                    .resolved_at(created + Duration::seconds((i * 7919) % 3_000_000))
                    .build(),
            }
            .unwrap()
        })
        .collect();
    let kpi = Backlog::default();
    let table = TicketTable::from_tickets(&tickets).unwrap();
    assert_eq!(kpi.compute_table(&table), kpi.compute(&tickets).unwrap());
}

/// Ids too long to compare inline take the join's plain map: same report.
#[test]
fn long_ids_join_alike() {
    let tickets: Vec<Ticket> = (0..500)
        .map(|i: i64| {
            Ticket::builder(
                format!("INCIDENT-{i:020}").as_str(),
                t0() + Duration::hours(i),
            )
            .channel(["email", "chat"][(i % 2) as usize])
            .build()
            .unwrap()
        })
        .collect();
    let surveys: Vec<SurveyResponse> = (0..300)
        .map(|i: i64| {
            SurveyResponse::new(
                format!("S-{i}").as_str(),
                t0() + Duration::hours(2 * i),
                SurveyKind::Csat,
                (i % 5) as i32 + 1,
            )
            .unwrap()
            .with_ticket(format!("INCIDENT-{:020}", (i * 7) % 600).as_str())
        })
        .collect();
    let (_, report) = by_channel_alike(tickets, surveys, Period::Week);
    let none: u64 = report
        .rows
        .iter()
        .filter(|r| r.dimension.as_deref() == Some(supportkpi::report::NO_VALUE))
        .map(|r| r.csat_n)
        .sum();
    assert!(
        none > 0,
        "responses to unknown tickets are grouped under (none)"
    );
}

/// Spans across most of the columns' range (1677–2262) do not overflow.
#[test]
fn centuries_long_durations() {
    let created = Utc.with_ymd_and_hms(1700, 1, 1, 0, 0, 0).unwrap();
    let t = Ticket::builder("OLD", created)
        .first_response_at(Utc.with_ymd_and_hms(2250, 1, 1, 0, 0, 0).unwrap())
        .resolved_at(Utc.with_ymd_and_hms(2260, 1, 1, 0, 0, 0).unwrap())
        .build()
        .unwrap();
    let input = ReportInput {
        tickets: vec![t],
        ..ReportInput::default()
    };
    let o = ReportOptions::default().with_period(Period::Year);
    let columns = ColumnarInput::from_input(&input).unwrap();
    assert_eq!(
        Report::compute_columnar(&columns, &o).unwrap(),
        Report::compute_records(&input, &o).unwrap()
    );
}

/// Tickets with many sparse free-form dimensions: `Report::compute` keeps only the one it
/// groups by (a column per name would cost rows × names).
#[test]
fn many_sparse_dimensions() {
    let tickets: Vec<Ticket> = (0..5_000)
        .map(|i: i64| {
            Ticket::builder(format!("T-{i}").as_str(), t0() + Duration::minutes(i))
                .dimension(format!("custom_{i}").as_str(), "x")
                .dimension("plan", ["pro", "free"][(i % 2) as usize])
                .build()
                .unwrap()
        })
        .collect();
    let input = ReportInput {
        tickets,
        ..ReportInput::default()
    };
    for o in [
        ReportOptions::default(),
        ReportOptions::default().with_by("plan"),
        ReportOptions::default().with_by("custom_7"),
    ] {
        assert_eq!(
            Report::compute(&input, &o).unwrap(),
            Report::compute_records(&input, &o).unwrap()
        );
    }
}

/// Splits an input into `buckets` partitions by the bucket rule (tickets and histories by id,
/// responses by the ticket they rate, unlinked ones by their own id), each with the customers
/// and costs as lookups, plus one state counting the customers and costs; every state goes
/// through its bytes.
pub(crate) fn bucket_states(
    input: &ReportInput,
    o: &ReportOptions,
    buckets: u32,
) -> Result<Vec<supportkpi::report::ReportState>, supportkpi::Error> {
    bucket_states_by(input, o, buckets, false)
}

/// [`bucket_states`], each partition's state by the columnar engine over its tables
/// (`columnar`, tickets only) or from its records.
fn bucket_states_by(
    input: &ReportInput,
    o: &ReportOptions,
    buckets: u32,
    columnar: bool,
) -> Result<Vec<supportkpi::report::ReportState>, supportkpi::Error> {
    use supportkpi::report::{ReportState, Share, bucket_of};
    let state_of = |p: &ReportInput, share: Share| {
        if columnar {
            ReportState::from_columnar_shared(&ColumnarInput::from_input(p)?, o, share)
        } else {
            ReportState::from_input_shared(p, o, share)
        }
    };
    let mut parts: Vec<ReportInput> = (0..buckets)
        .map(|_| ReportInput {
            customers: input.customers.clone(),
            costs: input.costs.clone(),
            ..ReportInput::default()
        })
        .collect();
    for t in &input.tickets {
        parts[bucket_of(t.id().as_str(), buckets) as usize]
            .tickets
            .push(t.clone());
    }
    for h in &input.histories {
        parts[bucket_of(h.id().as_str(), buckets) as usize]
            .histories
            .push(h.clone());
    }
    for r in &input.surveys {
        let key = r.ticket_id().map_or(r.id().as_str(), |t| t.as_str());
        parts[bucket_of(key, buckets) as usize]
            .surveys
            .push(r.clone());
    }
    let mut states = vec![state_of(
        &ReportInput {
            customers: input.customers.clone(),
            costs: input.costs.clone(),
            ..ReportInput::default()
        },
        Share::Count,
    )?];
    for p in &parts {
        states.push(state_of(p, Share::LookupOnly)?);
    }
    states
        .iter()
        .map(|s| ReportState::from_bytes(&s.to_bytes()))
        .collect()
}

/// Combines states pairwise in a shuffled order (a tree reduce, as an engine would).
fn tree_combine(
    mut states: Vec<supportkpi::report::ReportState>,
    mut seed: u64,
) -> supportkpi::report::ReportState {
    for i in (1..states.len()).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        states.swap(i, (seed >> 33) as usize % (i + 1));
    }
    while states.len() > 1 {
        let mut next = Vec::new();
        let mut it = states.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                Some(b) => next.push(supportkpi::report::combine([a, b]).unwrap()),
                None => next.push(a),
            }
        }
        states = next;
    }
    states.pop().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// partial + combine + finish over any bucketing of the tickets equals the one-process
    /// report, value for value (backlog per period included), whatever the options.
    #[test]
    fn bucket_states_combine_to_the_report(
        specs in prop::collection::vec(spec(), 0..80),
        picks in prop::collection::vec((any::<u8>(), any::<u8>(), 0i64..(110 * 86_400)), 0..40),
        k in knobs(),
        with_rest in any::<bool>(),
        buckets in 1u32..17,
        seed in any::<u64>(),
        columnar in any::<bool>(),
    ) {
        let tickets: Vec<Ticket> = specs.iter().map(ticket).collect();
        let surveys = surveys(&tickets, &picks);
        let input = ReportInput {
            tickets,
            surveys,
            customers: if with_rest { customers() } else { Vec::new() },
            costs: if with_rest { costs() } else { Vec::new() },
            histories: Vec::new(),
        };
        // A filter or a list of `by` naming the free-form `plan` meets partitions whose
        // tickets lack it (and the customers' state, which has none): the merge, not each
        // partition, checks the field, so this equals the one-process report or its error.
        let o = options(&k);
        let one = Report::compute_records(&input, &o);
        let states = bucket_states_by(&input, &o, buckets, columnar).and_then(|states| {
            let combined = tree_combine(states, seed);
            supportkpi::report::merge([combined.clone()]).map(|b| (combined, b))
        });
        match (one, states) {
            (Ok(a), Ok((combined, b))) => {
                prop_assert_eq!(a.rows.len(), b.rows.len());
                for (x, y) in a.rows.iter().zip(&b.rows) {
                    prop_assert_eq!(x, y);
                }
                prop_assert_eq!(&a.sections.drill_down, &b.sections.drill_down);
                prop_assert_eq!(&a, &b);
                // The combined state survives its bytes too.
                let back = supportkpi::report::ReportState::from_bytes(&combined.to_bytes()).unwrap();
                prop_assert_eq!(back.finish().unwrap(), a);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind()),
            (a, b) => prop_assert!(false, "one process {:?}, states {:?}", a.err(), b.err()),
        }
    }

    /// combine is associative and commutative, and the empty state is its identity.
    #[test]
    fn combine_obeys_the_merge_laws(
        specs in prop::collection::vec(spec(), 0..60),
        picks in prop::collection::vec((any::<u8>(), any::<u8>(), 0i64..(110 * 86_400)), 0..30),
        k in knobs(),
        cuts in (0usize..60, 0usize..60),
    ) {
        use supportkpi::report::{ReportState, combine};
        let tickets: Vec<Ticket> = specs.iter().map(ticket).collect();
        let surveys = surveys(&tickets, &picks);
        let o = options(&k);
        let (i, j) = (cuts.0.min(cuts.1) % (tickets.len() + 1), cuts.0.max(cuts.1) % (tickets.len() + 1));
        let (i, j) = (i.min(j), i.max(j));
        let part = |range: std::ops::Range<usize>, with_surveys: bool| {
            ReportState::from_input(&ReportInput {
                tickets: tickets[range].to_vec(),
                surveys: if with_surveys { surveys.clone() } else { Vec::new() },
                ..ReportInput::default()
            }, &o)
        };
        let (Ok(a), Ok(b), Ok(c)) = (part(0..i, true), part(i..j, false), part(j..tickets.len(), false)) else {
            return Ok(());
        };
        let empty = ReportState::new(o.clone()).unwrap();
        let ab_c = combine([combine([a.clone(), b.clone()]).unwrap(), c.clone()]).unwrap().finish();
        let a_bc = combine([a.clone(), combine([b.clone(), c.clone()]).unwrap()]).unwrap().finish();
        prop_assert_eq!(&ab_c, &a_bc);
        let ba = combine([b.clone(), a.clone()]).unwrap();
        let ab = combine([a.clone(), b.clone()]).unwrap();
        prop_assert_eq!(ab.to_bytes(), ba.to_bytes());
        prop_assert_eq!(ab.finish(), ba.finish());
        prop_assert_eq!(combine([a.clone(), empty.clone()]).unwrap().to_bytes(), a.to_bytes());
        prop_assert_eq!(combine([empty, a.clone()]).unwrap().finish(), a.finish());
    }
}

/// Event histories (reopens, cancellations, every resolution) through states over buckets.
#[test]
fn bucket_states_of_histories_combine_to_the_report() {
    use supportkpi_synth::{Synth, SynthOptions};
    let data = Synth::new(SynthOptions::new(600).seed(7).days(120))
        .unwrap()
        .dataset();
    let input = data.into_report_input_with_histories().unwrap();
    assert!(!input.histories.is_empty());
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", parse_zone("UTC").unwrap()).unwrap();
    for (by, business, sketch) in [
        (None, false, false),
        (Some("channel"), true, false),
        (Some("segment"), false, true),
    ] {
        let mut o = ReportOptions::default().with_period(Period::Week);
        if let Some(by) = by {
            o = o.with_by(by);
        }
        if business {
            o = o.with_calendar(cal.clone());
        }
        if sketch {
            o = o.with_quantiles(QuantileMode::Sketch {
                relative_accuracy: 0.01,
            });
        }
        let one = Report::compute(&input, &o).unwrap();
        assert!(one.rows.iter().any(|r| r.tickets_reopened > 0));
        // The clock's per-history measures travel in the state too.
        assert!(one.rows.iter().any(|r| r.next_reply_n > 0));
        assert!(one.rows.iter().any(|r| r.requester_wait_mean_s.is_some()));
        for buckets in [1, 3, 8, 16] {
            let states = bucket_states(&input, &o, buckets).unwrap();
            assert_eq!(
                tree_combine(states, u64::from(buckets)).finish().unwrap(),
                one,
                "{by:?} {buckets}"
            );
        }
    }
}

/// A state of other options is refused by combine; every truncation and a flipped byte are
/// refused by the reader, never a panic.
#[test]
fn damaged_or_foreign_states_are_refused() {
    use supportkpi::ErrorKind;
    use supportkpi::report::{ReportState, combine};
    let specs: Vec<Spec> = (0..40u8)
        .map(|i| Spec {
            id: i,
            created_s: i64::from(i) * 40_000,
            response_s: (i % 3 != 0).then_some(i64::from(i) * 100),
            first_resolve_s: None,
            resolve_s: (i % 2 == 0).then_some(i64::from(i) * 5_000),
            status: STATUSES[usize::from(i % 5)],
            channel: [Some("email"), Some("chat"), None][usize::from(i % 3)],
            plan: None,
            customer: Some(i % 6),
            replies: Some(u32::from(i % 3)),
            reopens: 0,
            first_responder: None,
            solver: None,
            clash: None,
        })
        .collect();
    let tickets: Vec<Ticket> = specs.iter().map(ticket).collect();
    // Scores on their scales (a CES pick of 6 or 7 would be off effort_1_to_5).
    let picks: Vec<(u8, u8, i64)> = (0..30u8)
        .filter(|s| s % 3 != 2 || s % 7 <= 4)
        .map(|i| (i, i, i64::from(i) * 86_400))
        .collect();
    let input = ReportInput {
        surveys: surveys(&tickets, &picks),
        tickets,
        customers: customers(),
        costs: costs(),
        histories: Vec::new(),
    };
    for sketch in [false, true] {
        let mut o = ReportOptions::default().with_by("channel");
        if sketch {
            o = o.with_quantiles(QuantileMode::Sketch {
                relative_accuracy: 0.02,
            });
        }
        let state = ReportState::from_input(&input, &o).unwrap();
        let bytes = state.to_bytes();
        assert_eq!(
            ReportState::from_bytes(&bytes).unwrap().finish().unwrap(),
            Report::compute(&input, &o).unwrap()
        );
        for n in 0..bytes.len() {
            let e = ReportState::from_bytes(&bytes[..n]).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidState, "cut at {n}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            ReportState::from_bytes(&longer).unwrap_err().kind(),
            ErrorKind::InvalidState
        );
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assert!(ReportState::from_bytes(&flipped).is_err(), "flip at {i}");
        }
        // Another encoding version (1: before the sections' customers).
        let mut v1 = bytes.clone();
        v1[4] = 1;
        let e = ReportState::from_bytes(&v1).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidState, Some("version"))
        );
        // Version 2 (before the drill-down lists): refused as well.
        let mut v2 = bytes.clone();
        v2[4] = 2;
        let e = ReportState::from_bytes(&v2).unwrap_err();
        assert_eq!(
            (e.kind(), e.field(), e.value()),
            (ErrorKind::InvalidState, Some("version"), Some("2"))
        );
        // Other options: refused by combine.
        let other = ReportState::from_input(&input, &o.clone().with_period(Period::Week)).unwrap();
        let e = combine([state.clone(), other]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::IncompatibleMerge);
        assert_eq!(combine([]).unwrap_err().kind(), ErrorKind::InvalidOption);
    }
}

/// Filters and combinations of dimensions (#16) through states over buckets, from records and
/// from columns: the same report as one process, and the state keeps the options as given.
#[test]
fn bucket_states_with_filters_and_several_dimensions() {
    use supportkpi::report::ReportState;
    use supportkpi_synth::{Synth, SynthOptions};
    let data = Synth::new(SynthOptions::new(800).seed(11).days(90))
        .unwrap()
        .dataset();
    for with_histories in [false, true] {
        let input = if with_histories {
            data.clone().into_report_input_with_histories().unwrap()
        } else {
            data.clone().into_report_input()
        };
        let o = ReportOptions::default()
            .with_period(Period::Month)
            .with_by("channel,priority")
            .with_filter("channel in (email,web)".parse().unwrap());
        let one = Report::compute(&input, &o).unwrap();
        assert!(
            one.rows
                .iter()
                .any(|r| r.dimension.as_deref() == Some("email / high"))
        );
        assert!(!one.rows.iter().any(|r| {
            r.dimension
                .as_deref()
                .is_some_and(|d| d.starts_with("chat"))
        }));
        for buckets in [1, 3, 8] {
            let states = bucket_states(&input, &o, buckets).unwrap();
            let combined = tree_combine(states, u64::from(buckets));
            assert_eq!(combined.options(), &o);
            assert_eq!(
                combined.finish().unwrap(),
                one,
                "{with_histories} {buckets}"
            );
        }
        if !with_histories {
            let columns = ColumnarInput {
                tickets: TicketTable::from_tickets(&input.tickets).unwrap(),
                surveys: supportkpi::columnar::SurveyTable::from_responses(&input.surveys).unwrap(),
                customers: input.customers.clone(),
                costs: input.costs.clone(),
            };
            let state = ReportState::from_columnar(&columns, &o).unwrap();
            assert_eq!(state.finish().unwrap(), one);
        }
    }
}

/// The join across its partitions and chunks of rows (64k rows a chunk): ids of every length up
/// to the inline limit and past it, ids repeated far apart (the later ticket's channel wins),
/// responses to no ticket, to unknown tickets and to ids longer than any ticket's.
#[test]
fn the_join_at_scale_takes_the_last_ticket_of_an_id() {
    let n: i64 = 200_000;
    let id = |i: i64| {
        // 70,001 distinct ids of 1 to 16 bytes: each repeats about three times, in other chunks,
        // and every 50th ticket takes the id of the one before it, in the same chunk.
        let i = if i % 50 == 7 { i - 1 } else { i };
        let k = i % 70_001;
        let digits = format!("{k:x}");
        let pad = (k % 12) as usize;
        format!("{}{digits}", "t".repeat(pad))
    };
    let tickets: Vec<Ticket> = (0..n)
        .map(|i| {
            Ticket::builder(id(i).as_str(), t0() + Duration::minutes(i))
                .channel(["email", "chat", "phone"][(i % 3) as usize])
                .build()
                .unwrap()
        })
        .collect();
    let surveys: Vec<SurveyResponse> = (0..n / 2)
        .map(|j| {
            let r = SurveyResponse::new(
                format!("S-{j}").as_str(),
                t0() + Duration::minutes(2 * j),
                SurveyKind::Csat,
                (j % 5) as i32 + 1,
            )
            .unwrap();
            match j % 10 {
                0 => r,
                1 => r.with_ticket("no-such-ticket"),
                2 => r.with_ticket("an-id-longer-than-sixteen-bytes"),
                _ => r.with_ticket(id((j * 7919) % n).as_str()),
            }
        })
        .collect();
    let (input, report) = by_channel_alike(tickets, surveys, Period::Month);
    // Worked out independently: the channel of an id's last ticket.
    let mut last = std::collections::HashMap::new();
    for t in &input.tickets {
        last.insert(t.id().as_str().to_owned(), t.channel().unwrap().to_owned());
    }
    let mut expected = std::collections::BTreeMap::<String, u64>::new();
    for r in &input.surveys {
        let label = r
            .ticket_id()
            .and_then(|t| last.get(t.as_str()))
            .cloned()
            .unwrap_or_else(|| supportkpi::report::NO_VALUE.to_owned());
        *expected.entry(label).or_default() += 1;
    }
    let mut got = std::collections::BTreeMap::<String, u64>::new();
    for r in report.rows.iter().filter(|r| r.dimension.is_some()) {
        *got.entry(r.dimension.clone().unwrap()).or_default() += r.csat_n;
    }
    assert_eq!(got, expected);
    assert_eq!(expected[supportkpi::report::NO_VALUE], 30_000);
}

/// Filters and combinations on the columns at their edges, each checked against the record
/// path: a free-form column named like an agent field (the record path reads only agents
/// there), labels that join to the same text, creations exactly at local midnight in a zone
/// whose midnight falls in a DST gap, and a creation at the columns' last instant.
#[test]
fn filters_on_columns_at_the_edges() {
    use supportkpi::time::local_midnight;
    let havana = parse_zone("America/Havana").unwrap();
    let gap_day = NaiveDate::from_ymd_opt(2021, 3, 14).unwrap();
    let midnight = local_midnight(havana, gap_day);
    let last = Utc.timestamp_nanos(i64::MAX);
    let tickets = vec![
        Ticket::builder("T-1", t0())
            .channel("c")
            .dimension("first_responder", "alice")
            .dimension("plan", "a / b")
            .build()
            .unwrap(),
        Ticket::builder("T-2", t0() + Duration::hours(1))
            .channel("b / c")
            .dimension("plan", "a")
            .build()
            .unwrap(),
        Ticket::builder("T-3", midnight)
            .channel("c")
            .build()
            .unwrap(),
        Ticket::builder("T-4", midnight - Duration::nanoseconds(1))
            .channel("c")
            .build()
            .unwrap(),
        Ticket::builder("T-5", last).channel("c").build().unwrap(),
    ];
    let surveys = vec![
        SurveyResponse::new("S-1", last, SurveyKind::Csat, 5)
            .unwrap()
            .with_ticket("T-5"),
        SurveyResponse::new("S-2", t0(), SurveyKind::Csat, 1)
            .unwrap()
            .with_ticket("T-1"),
    ];
    let input = ReportInput {
        tickets,
        surveys,
        ..ReportInput::default()
    };
    let columns = ColumnarInput::from_input(&input).unwrap();
    let cases: [(&str, &[&str]); 8] = [
        ("channel", &["first_responder=alice"]),
        ("first_responder,channel", &[]),
        ("plan,channel", &[]),
        ("channel", &["created_at>=2021-03-14"]),
        ("channel", &["created_at<2021-03-14"]),
        ("channel", &["created_at>=2262-04-12"]),
        ("channel", &["created_at<2262-04-12"]),
        (
            "plan,channel",
            &["channel in (c,b / c)", "created_at<2021-03-02"],
        ),
    ];
    let options = |by: &str, filter: &[&str]| {
        filter.iter().fold(
            ReportOptions::default()
                .with_period(Period::Year)
                .with_zone(havana)
                .with_by(by),
            |o, c| o.with_filter(c.parse().unwrap()),
        )
    };
    for (by, filter) in cases {
        let o = options(by, filter);
        let rows = Report::compute_records(&input, &o).unwrap();
        let cols = Report::compute_columnar(&columns, &o).unwrap();
        assert_eq!(rows, cols, "{by} {filter:?}");
        let state = supportkpi::report::ReportState::from_columnar(&columns, &o).unwrap();
        assert_eq!(state.finish().unwrap(), rows, "state {by} {filter:?}");
    }
    // What the cases see, worked out by hand: no ticket has an agent, T-1's and T-2's labels
    // join to one text, T-3 (at the gap day's midnight) is on or after it and T-4 is before,
    // T-5, at the columns' last instant, is before a midnight past their range.
    let created = |by: &str, filter: &[&str]| -> Vec<(String, u64)> {
        Report::compute_columnar(&columns, &options(by, filter))
            .unwrap()
            .rows
            .iter()
            .filter_map(|r| Some((r.dimension.clone()?, r.tickets_created)))
            .filter(|(_, n)| *n > 0)
            .collect()
    };
    assert_eq!(created("channel", &["first_responder=alice"]), vec![]);
    assert_eq!(
        created("plan,channel", &["created_at<2021-03-02"]),
        vec![("a / b / c".to_owned(), 2)]
    );
    assert_eq!(
        created(
            "channel",
            &["created_at>=2021-03-14", "created_at<2021-03-15"]
        ),
        vec![("c".to_owned(), 1)]
    );
    assert_eq!(created("channel", &["created_at>=2262-04-12"]), vec![]);
}

/// A free-form field that one partition's tickets lack and another's carry: each partition's
/// state is made (the field is checked once the states are merged), and the merge equals the
/// one-process report; a field no partition carries is refused by the merge, as by the
/// one-process report.
#[test]
fn states_check_the_fields_once_merged() {
    use supportkpi::report::{ReportState, combine, merge};
    let ticket = |id: &str, hour: i64, plan: Option<&str>| {
        let mut b = Ticket::builder(id, t0() + Duration::hours(hour)).channel("email");
        if let Some(plan) = plan {
            b = b.dimension("plan", plan);
        }
        b.build().unwrap()
    };
    let a = ReportInput {
        tickets: vec![ticket("T-1", 1, None), ticket("T-2", 2, None)],
        ..ReportInput::default()
    };
    let b = ReportInput {
        tickets: vec![
            ticket("T-3", 3, Some("pro")),
            ticket("T-4", 4, Some("free")),
        ],
        ..ReportInput::default()
    };
    let all = ReportInput {
        tickets: [a.tickets.clone(), b.tickets.clone()].concat(),
        ..ReportInput::default()
    };
    let states = |o: &ReportOptions, columnar: bool| -> Vec<ReportState> {
        [&a, &b]
            .into_iter()
            .map(|p| {
                let s = if columnar {
                    ReportState::from_columnar(&ColumnarInput::from_input(p).unwrap(), o)
                } else {
                    ReportState::from_input(p, o)
                };
                // Made, though `a`'s tickets have no plan; and it travels as bytes.
                ReportState::from_bytes(&s.unwrap().to_bytes()).unwrap()
            })
            .collect()
    };
    let created = |r: &Report| -> Vec<(Option<String>, u64)> {
        let mut v: Vec<_> = r
            .rows
            .iter()
            .filter(|row| row.tickets_created > 0)
            .map(|row| (row.dimension.clone(), row.tickets_created))
            .collect();
        v.sort();
        v
    };
    let s = |x: &str| Some(x.to_owned());
    let pro = ReportOptions::default().with_filter("plan=pro".parse().unwrap());
    let unplanned = ReportOptions::default().with_filter("plan=(none)".parse().unwrap());
    let combined = ReportOptions::default().with_by("plan,channel");
    for columnar in [false, true] {
        for (o, want) in [
            (&pro, vec![(None, 1)]),
            (&unplanned, vec![(None, 2)]),
            (
                &combined,
                vec![
                    (None, 4),
                    (s("(none) / email"), 2),
                    (s("free / email"), 1),
                    (s("pro / email"), 1),
                ],
            ),
        ] {
            let merged = merge(states(o, columnar)).unwrap();
            assert_eq!(created(&merged), want, "{o:?} {columnar}");
            assert_eq!(
                merged,
                Report::compute(&all, o).unwrap(),
                "{o:?} {columnar}"
            );
        }
        // A field no partition's tickets carry: each partition's state is made, the merge
        // refuses it as the one-process report does.
        let typo = ReportOptions::default().with_filter("plna=pro".parse().unwrap());
        let err = merge(states(&typo, columnar)).unwrap_err();
        assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidOption);
        assert_eq!((err.field(), err.value()), (Some("where"), Some("plna")));
        assert!(
            err.to_string().contains("no record of the merged states"),
            "{err}"
        );
        let one = Report::compute(&all, &typo).unwrap_err();
        assert_eq!((one.field(), one.value()), (Some("where"), Some("plna")));
        // A single unknown `by` name keeps its meaning in `merge` (every ticket under
        // "(none)", as `Report::compute`); `check_fields`, the doors' check, refuses it.
        let single = ReportOptions::default().with_by("plna");
        let merged = combine(states(&single, columnar)).unwrap();
        let err = merged.check_fields().unwrap_err();
        assert_eq!((err.field(), err.value()), (Some("by"), Some("plna")));
        assert_eq!(
            created(&merged.finish().unwrap()),
            vec![(None, 4), (s("(none)"), 4)]
        );
        // The known field passes the doors' check once merged, not in the partition
        // lacking it.
        let by_plan = ReportOptions::default().with_by("plan");
        let [lacking, carrying]: [ReportState; 2] = states(&by_plan, columnar).try_into().unwrap();
        assert!(lacking.check_fields().is_err());
        assert!(carrying.check_fields().is_ok());
        assert!(combine([lacking, carrying]).unwrap().check_fields().is_ok());
    }
}

/// The agent fields on summary tickets built in code, beside free-form dimensions named like
/// them: grouping and filtering read the agents (`Ticket::first_responder`, `solver`), never
/// the free-form text, on the record path, on `Report::compute`'s columns, on a
/// `ColumnarInput` built from the records, and in the states of both. Worked out by hand.
#[test]
fn agent_fields_read_the_agents_on_both_engines() {
    use supportkpi::report::{NO_VALUE, ReportState};
    let h = |hours: i64| t0() + Duration::hours(hours);
    let m = |minutes: i64| Duration::minutes(minutes);
    let tickets = vec![
        // ann answers in 30 min, bob solves in 3 h.
        Ticket::builder("T-1", h(0))
            .channel("email")
            .first_response_at(h(0) + m(30))
            .resolved_at(h(3))
            .first_responder("ann")
            .solver("bob")
            .build()
            .unwrap(),
        // ann answers in 60 min; still open. A free-form "first_responder" says otherwise.
        Ticket::builder("T-2", h(1))
            .channel("chat")
            .first_response_at(h(2))
            .first_responder("ann")
            .dimension("first_responder", "zed")
            .build()
            .unwrap(),
        // No agents, only free-form texts under both names; answered in 10 min, solved in 1 h.
        Ticket::builder("T-3", h(2))
            .channel("email")
            .first_response_at(h(2) + m(10))
            .resolved_at(h(3))
            .dimension("first_responder", "zed")
            .dimension("solver", "zed")
            .build()
            .unwrap(),
        // cy answers in 20 min and solves in 2 h.
        Ticket::builder("T-4", h(3))
            .channel("chat")
            .first_response_at(h(3) + m(20))
            .resolved_at(h(5))
            .first_responder("cy")
            .solver("cy")
            .build()
            .unwrap(),
    ];
    let surveys = vec![
        SurveyResponse::new("S-1", h(4), SurveyKind::Csat, 5)
            .unwrap()
            .with_ticket("T-1"),
        SurveyResponse::new("S-2", h(4), SurveyKind::Csat, 1)
            .unwrap()
            .with_ticket("T-3"),
    ];
    let input = ReportInput {
        tickets: tickets.clone(),
        surveys,
        ..ReportInput::default()
    };
    let columns = ColumnarInput::from_input(&input).unwrap();
    // The columns keep the agents: the tickets read back are the tickets pushed.
    assert_eq!(columns.tickets.tickets().collect::<Vec<_>>(), tickets);

    // Per label: created, FRT mean, resolved, CSAT responses (one month, March 2021).
    type Row = (String, u64, Option<f64>, u64, u64);
    let rows = |by: &str, filter: &[&str]| -> Vec<Row> {
        let o = filter.iter().fold(
            ReportOptions::default()
                .with_period(Period::Month)
                .with_by(by),
            |o, c| o.with_filter(c.parse().unwrap()),
        );
        let records = Report::compute_records(&input, &o).unwrap();
        let what = format!("{by} {filter:?}");
        assert_eq!(
            Report::compute(&input, &o).unwrap(),
            records,
            "compute {what}"
        );
        assert_eq!(
            Report::compute_columnar(&columns, &o).unwrap(),
            records,
            "columnar {what}"
        );
        assert_eq!(
            ReportState::from_input(&input, &o)
                .unwrap()
                .finish()
                .unwrap(),
            records,
            "state {what}"
        );
        assert_eq!(
            ReportState::from_columnar(&columns, &o)
                .unwrap()
                .finish()
                .unwrap(),
            records,
            "columnar state {what}"
        );
        records
            .rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.dimension.clone()?,
                    r.tickets_created,
                    r.frt_mean_s,
                    r.tickets_resolved,
                    r.csat_n,
                ))
            })
            .collect()
    };
    let row = |label: &str, created, frt: f64, resolved, csat| -> Row {
        (label.to_owned(), created, Some(frt), resolved, csat)
    };
    // ann answered T-1 (30 min) and T-2 (60 min); cy T-4 (20 min); T-3 has no agent, whatever
    // its free-form columns say. T-1's and T-3's responses follow their tickets.
    assert_eq!(
        rows("first_responder", &[]),
        [
            row("ann", 2, 2700.0, 1, 1),
            row("cy", 1, 1200.0, 1, 0),
            row(NO_VALUE, 1, 600.0, 1, 1),
        ]
    );
    // bob solved T-1, cy T-4; T-2 is open and T-3's solver unknown.
    assert_eq!(
        rows("solver", &[]),
        [
            row("bob", 1, 1800.0, 1, 1),
            row("cy", 1, 1200.0, 1, 0),
            row(NO_VALUE, 2, 2100.0, 1, 1),
        ]
    );
    assert_eq!(
        rows("channel", &["first_responder=ann"]),
        [row("chat", 1, 3600.0, 0, 0), row("email", 1, 1800.0, 1, 1)]
    );
    assert_eq!(
        rows("channel", &["solver=(none)"]),
        [row("chat", 1, 3600.0, 0, 0), row("email", 1, 600.0, 1, 1)]
    );
    // Grouped by an agent over the tickets a filter keeps (the columns' rows selected).
    assert_eq!(
        rows("first_responder", &["channel=email"]),
        [row("ann", 1, 1800.0, 1, 1), row(NO_VALUE, 1, 600.0, 1, 1)]
    );
    assert_eq!(
        rows("solver", &["first_responder=ann"]),
        [row("bob", 1, 1800.0, 1, 1), row(NO_VALUE, 1, 3600.0, 0, 0)]
    );
    // "zed" is only free-form text under an agent's name: no ticket passes.
    assert_eq!(rows("channel", &["first_responder in (zed)"]), []);
    assert_eq!(rows("channel", &["solver=zed"]), []);
    assert_eq!(
        rows("first_responder,solver", &[]),
        [
            row("(none) / (none)", 1, 600.0, 1, 1),
            row("ann / (none)", 1, 3600.0, 0, 0),
            row("ann / bob", 1, 1800.0, 1, 1),
            row("cy / cy", 1, 1200.0, 1, 0),
        ]
    );
}

/// A summary export with columns named `first_responder` and `solver`, kept as free-form
/// dimensions: the file records no agents, so grouping and filtering by them give `(none)`
/// from the records, from the columns the readers fill, and through `Report::compute`; the
/// columns stay on the tickets, and under another name they group.
#[test]
fn a_file_column_named_like_an_agent_field_is_no_agent() {
    use supportkpi::io::{ColumnMapping, ReadOptions, Sources, load, load_columnar};
    use supportkpi::report::NO_VALUE;
    let dir = std::env::temp_dir().join(format!("supportkpi-agents-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tickets.csv");
    std::fs::write(
        &path,
        "id,created_at,first_response_at,channel,first_responder,solver\n\
         T-1,2021-03-01T09:00:00Z,2021-03-01T09:30:00Z,email,ann,\n\
         T-2,2021-03-01T10:00:00Z,2021-03-01T11:00:00Z,chat,bob,ann\n\
         T-3,2021-03-02T10:00:00Z,,chat,,\n",
    )
    .unwrap();
    let sources = Sources {
        tickets: Some(path),
        ..Sources::default()
    };
    let read = ReadOptions::new().keep_extra_columns(true);
    let records = load(&sources, &read).unwrap().input;
    let columns = load_columnar(&sources, &read).unwrap().input;
    assert_eq!(records.tickets[1].dimensions()["first_responder"], "bob");
    assert_eq!(records.tickets[1].first_responder(), None);
    assert!(columns.tickets.first_responder().is_none());
    let created = |by: &str, filter: &[&str]| -> Vec<(String, u64)> {
        let o = filter.iter().fold(
            ReportOptions::default()
                .with_period(Period::Month)
                .with_by(by),
            |o, c| o.with_filter(c.parse().unwrap()),
        );
        let report = Report::compute_records(&records, &o).unwrap();
        assert_eq!(Report::compute(&records, &o).unwrap(), report, "{by}");
        assert_eq!(
            Report::compute_columnar(&columns, &o).unwrap(),
            report,
            "{by}"
        );
        report
            .rows
            .iter()
            .filter_map(|r| Some((r.dimension.clone()?, r.tickets_created)))
            .collect()
    };
    let none = |n| vec![(NO_VALUE.to_owned(), n)];
    assert_eq!(created("first_responder", &[]), none(3));
    assert_eq!(created("solver", &[]), none(3));
    assert_eq!(
        created("first_responder,solver", &[]),
        vec![("(none) / (none)".to_owned(), 3)]
    );
    assert_eq!(
        created("channel", &["first_responder in (ann,bob)"]),
        vec![]
    );
    assert_eq!(
        created("channel", &["solver=(none)"]),
        vec![("chat".to_owned(), 2), ("email".to_owned(), 1)]
    );
    // Under another name the column groups, as any free-form one.
    let renamed =
        ReadOptions::new().mapping(ColumnMapping::new().dimension("first_responder", "replied_by"));
    let records = load(&sources, &renamed).unwrap().input;
    let columns = load_columnar(&sources, &renamed).unwrap().input;
    let o = ReportOptions::default()
        .with_period(Period::Month)
        .with_by("replied_by");
    let report = Report::compute_records(&records, &o).unwrap();
    assert_eq!(Report::compute_columnar(&columns, &o).unwrap(), report);
    let labels: Vec<_> = report
        .rows
        .iter()
        .filter_map(|r| Some((r.dimension.clone()?, r.tickets_created)))
        .collect();
    assert_eq!(
        labels,
        [
            ("ann".to_owned(), 1),
            ("bob".to_owned(), 1),
            (NO_VALUE.to_owned(), 1)
        ]
    );
    std::fs::remove_dir_all(dir).ok();
}

/// Dimensions of many values (997 customers, 400 plans: more than a partition's periods keep
/// an entry for each), over several ticket and survey partitions: the columnar engine's
/// periods keep the values they meet only, and give the row path's report, state and all.
#[test]
fn many_valued_dimensions_agree() {
    use supportkpi::report::ReportState;
    let n = 66_000;
    let tickets: Vec<Ticket> = (0..n)
        .map(|i| {
            let created = t0() + Duration::seconds((i as i64 * 7919) % (120 * 86_400));
            let mut b = Ticket::builder(format!("T-{i}").as_str(), created)
                .customer_id(format!("C-{}", i % 997).as_str())
                .channel(["email", "chat", "web"][i % 3])
                .dimension("plan", format!("P-{}", (i * 7) % 400));
            if i % 3 != 0 {
                b = b.first_response_at(created + Duration::seconds((i as i64 * 13) % 90_000));
            }
            if i % 5 != 0 {
                b = b
                    .resolved_at(created + Duration::seconds((i as i64 * 31) % 900_000))
                    .status(Status::Solved);
            }
            b.build().unwrap()
        })
        .collect();
    let surveys = csat_surveys(n, 130);
    let input = ReportInput {
        tickets,
        surveys,
        ..ReportInput::default()
    };
    let columns = ColumnarInput::from_input(&input).unwrap();
    let week = ReportOptions::default().with_period(Period::Week);
    for o in [
        week.clone().with_by("customer_id"),
        week.clone().with_by("plan"),
        week.clone().with_by("customer_id,channel"),
        week.clone()
            .with_by("customer_id")
            .with_filter("customer_id in (C-1,C-2)".parse().unwrap()),
    ] {
        let rows = Report::compute_records(&input, &o).unwrap();
        let cols = Report::compute_columnar(&columns, &o).unwrap();
        assert_eq!(cols, rows, "{:?}", o.by);
        assert_eq!(
            ReportState::from_columnar(&columns, &o)
                .unwrap()
                .finish()
                .unwrap(),
            rows
        );
    }
    // By hand: every customer and every plan has tickets in the first week's rows.
    let by_customer =
        Report::compute_columnar(&columns, &week.clone().with_by("customer_id")).unwrap();
    let first = by_customer.rows[0].period_start;
    let labels: std::collections::BTreeSet<_> = by_customer
        .rows
        .iter()
        .filter(|r| r.period_start == first)
        .filter_map(|r| r.dimension.clone())
        .collect();
    assert!(labels.len() > 256, "{}", labels.len());
    let total: u64 = by_customer
        .rows
        .iter()
        .filter(|r| r.dimension.is_none())
        .map(|r| r.tickets_created)
        .sum();
    assert_eq!(total, n as u64);
}
