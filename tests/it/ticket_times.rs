//! First response time, resolution time and first-contact resolution: hand-worked figures in
//! calendar and business time, event-derived tickets, every error, and the laws (merge,
//! business ≤ calendar, summary vs history) as properties.
//!
//! The business calendar is that of docs/definitions.md ("Time"): Mon–Fri 10:00–18:00 UTC;
//! 2021-06-28 is a Monday.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use supportkpi::kpi::{
    Accumulator, FcrDenominator, FirstContactResolution, FirstContactResolutionAccumulator,
    FirstContactResolutionOptions, FirstResponseTime, FirstResponseTimeAccumulator,
    FirstResponseTimeOptions, Kpi, ResolutionTime, ResolutionTimeAccumulator,
    ResolutionTimeOptions, ResolutionVariant, TicketAccumulator, TicketKpi,
};
use supportkpi::model::{Author, DeriveOptions, EventKind, Instant, StatusMap, TicketHistory};
use supportkpi::stats::{DurationStats, QuantileMode};
use supportkpi::{BusinessCalendar, ErrorKind, Ticket, TicketEvent};

fn at(month: u32, day: u32, hour: u32) -> Instant {
    Utc.with_ymd_and_hms(2021, month, day, hour, 0, 0).unwrap()
}

fn june(day: u32, hour: u32) -> Instant {
    at(6, day, hour)
}

fn spec_calendar() -> BusinessCalendar {
    BusinessCalendar::parse("Mon-Fri 10:00-18:00", chrono_tz::UTC).unwrap()
}

/// The reference spans of docs/definitions.md: (start, end, business seconds).
fn reference_spans() -> [(Instant, Instant, i64); 5] {
    [
        (june(28, 11), june(28, 12), 3_600),
        (june(28, 12), june(28, 20), 21_600),
        (june(28, 6), june(29, 11), 32_400),
        (june(25, 6), june(26, 11), 28_800),
        (june(28, 6), at(7, 1, 20), 115_200),
    ]
}

/// (n, total, mean, median, p90, min, max).
type Stats = (u64, u128, f64, f64, f64, i64, i64);

fn stats(s: &DurationStats) -> Stats {
    (
        s.n,
        s.total_seconds,
        s.mean.value().unwrap(),
        s.median.value().unwrap(),
        s.p90.value().unwrap(),
        s.min.value().unwrap(),
        s.max.value().unwrap(),
    )
}

// Calendar: 3,600, 28,800, 104,400, 104,400, 309,600 s. Total 550,800; mean 110,160;
// median 104,400; p90: h = 3.6 → 104,400 + 0.6 × 205,200 = 227,520.
const CALENDAR: Stats = (5, 550_800, 110_160.0, 104_400.0, 227_520.0, 3_600, 309_600);
// Business: 3,600, 21,600, 32,400, 28,800, 115,200 s. Total 201,600; mean 40,320;
// sorted 3,600 21,600 28,800 32,400 115,200: median 28,800; p90 = 32,400 + 0.6 × 82,800.
const BUSINESS: Stats = (5, 201_600, 40_320.0, 28_800.0, 82_080.0, 3_600, 115_200);

fn history(id: &str, events: Vec<(Instant, EventKind)>) -> TicketHistory {
    let events = events
        .into_iter()
        .map(|(t, kind)| TicketEvent::new(id, t, kind));
    TicketHistory::from_events(id, events, &StatusMap::canonical(), DeriveOptions::new()).unwrap()
}

fn status(to: &str) -> EventKind {
    EventKind::StatusChange { to: to.into() }
}

fn agent() -> EventKind {
    EventKind::Reply {
        author: Author::Agent,
        public: true,
    }
}

fn customer() -> EventKind {
    EventKind::Reply {
        author: Author::Customer,
        public: true,
    }
}

fn frt_with_calendar() -> FirstResponseTime {
    FirstResponseTime::new(FirstResponseTimeOptions::default().with_calendar(spec_calendar()))
        .unwrap()
}

fn resolution(variant: ResolutionVariant, exclude_waiting: bool) -> ResolutionTime {
    ResolutionTime::new(
        ResolutionTimeOptions::default()
            .with_calendar(spec_calendar())
            .with_variant(variant)
            .with_exclude_waiting(exclude_waiting),
    )
    .unwrap()
}

// ----- first response time -------------------------------------------------------------------

#[test]
fn frt_over_the_reference_spans() {
    let mut tickets: Vec<Ticket> = reference_spans()
        .iter()
        .enumerate()
        .map(|(i, &(a, b, _))| {
            Ticket::builder(format!("T-{i}"), a)
                .first_response_at(b)
                .build()
                .unwrap()
        })
        .collect();
    tickets.push(Ticket::builder("silent", june(30, 9)).build().unwrap());

    let r = frt_with_calendar().compute(&tickets).unwrap();
    assert_eq!((r.tickets, r.answered, r.unanswered), (6, 5, 1));
    assert_eq!(stats(&r.calendar), CALENDAR);
    assert_eq!(stats(r.business.as_ref().unwrap()), BUSINESS);
    assert_eq!(r.calendar.relative_error, None);

    // Without a calendar: no business statistics, the same calendar ones.
    let plain = FirstResponseTime::default().compute(&tickets).unwrap();
    assert_eq!(plain.business, None);
    assert_eq!(plain.calendar, r.calendar);
}

#[test]
fn frt_of_nothing_and_of_the_unanswered_is_undefined() {
    let r = frt_with_calendar().compute(Vec::<Ticket>::new()).unwrap();
    assert_eq!((r.tickets, r.answered, r.unanswered), (0, 0, 0));
    assert_eq!(r.calendar.mean.undefined_reason(), Some("no durations"));
    let silent = Ticket::builder("A", june(28, 9)).build().unwrap();
    let r = frt_with_calendar().compute([&silent, &silent]).unwrap();
    assert_eq!((r.answered, r.unanswered), (0, 2));
    assert!(!r.business.unwrap().median.is_defined());
}

#[test]
fn frt_of_an_agent_created_ticket() {
    // An agent opens the ticket with a public message at Monday 09:00 (before opening hours);
    // the customer answers at 09:30; the agent's next public reply at 11:00 is the first
    // response: 2 h of calendar time, 1 h of business time (10:00–11:00).
    let h = history(
        "agent-made",
        vec![
            (june(28, 9), EventKind::Created),
            (june(28, 9), agent()),
            (june(28, 9) + Duration::minutes(30), customer()),
            (
                june(28, 10),
                EventKind::Reply {
                    author: Author::Bot,
                    public: true,
                },
            ),
            (
                june(28, 10),
                EventKind::Reply {
                    author: Author::Agent,
                    public: false,
                },
            ),
            (june(28, 11), agent()),
        ],
    );
    assert_eq!(h.ticket().first_response_at(), Some(june(28, 11)));
    let r = frt_with_calendar().compute_histories([&h]).unwrap();
    assert_eq!(r.calendar.max.value(), Some(7_200));
    assert_eq!(r.business.unwrap().max.value(), Some(3_600));
    assert_eq!(r.answered, 1);
}

/// Created Monday 09:00; at 11:00 an agent replies and sets it pending (same instant); the
/// customer answers at 13:00 and it is open again; solved at 15:00. Given out of order.
fn unsorted_tied() -> TicketHistory {
    history(
        "tied",
        vec![
            (june(28, 15), status("solved")),
            (june(28, 11), agent()),
            (june(28, 9), EventKind::Created),
            (june(28, 13), status("open")),
            (june(28, 11), status("pending")),
            (june(28, 13), customer()),
        ],
    )
}

#[test]
fn unsorted_and_tied_events() {
    let h = unsorted_tied();
    let frt = frt_with_calendar().compute_histories([&h]).unwrap();
    assert_eq!(frt.calendar.max.value(), Some(2 * 3_600));
    assert_eq!(frt.business.unwrap().max.value(), Some(3_600));

    let full = resolution(ResolutionVariant::Full, false)
        .compute_histories([&h])
        .unwrap();
    assert_eq!(full.calendar.max.value(), Some(6 * 3_600));
    assert_eq!(full.business.unwrap().max.value(), Some(5 * 3_600)); // 10:00–15:00

    // Pending 11:00–13:00 is 2 h on both clocks.
    let net = resolution(ResolutionVariant::Full, true)
        .compute_histories([&h])
        .unwrap();
    assert!(net.waiting_excluded);
    assert_eq!(net.calendar.max.value(), Some(4 * 3_600));
    assert_eq!(net.business.as_ref().unwrap().max.value(), Some(3 * 3_600));

    // Every order of the input gives the same figures (no two events of one instant
    // contradict each other here).
    let again = history(
        "tied",
        vec![
            (june(28, 11), status("pending")),
            (june(28, 13), customer()),
            (june(28, 9), EventKind::Created),
            (june(28, 15), status("solved")),
            (june(28, 13), status("open")),
            (june(28, 11), agent()),
        ],
    );
    assert_eq!(
        resolution(ResolutionVariant::Full, true)
            .compute_histories([&again])
            .unwrap(),
        net
    );
}

// ----- resolution time -----------------------------------------------------------------------

#[test]
fn resolution_over_the_reference_spans() {
    let mut tickets: Vec<Ticket> = reference_spans()
        .iter()
        .enumerate()
        .map(|(i, &(a, b, _))| {
            Ticket::builder(format!("T-{i}"), a)
                .resolved_at(b)
                .build()
                .unwrap()
        })
        .collect();
    tickets.push(Ticket::builder("open", june(30, 9)).build().unwrap());
    for variant in [ResolutionVariant::Full, ResolutionVariant::First] {
        let r = resolution(variant, false).compute(&tickets).unwrap();
        assert_eq!((r.tickets, r.resolved, r.unresolved), (6, 5, 1));
        assert_eq!(r.variant, variant);
        assert_eq!(stats(&r.calendar), CALENDAR);
        assert_eq!(stats(r.business.as_ref().unwrap()), BUSINESS);
    }
}

/// Created Monday 10:00, solved 12:00, reopened by the customer Tuesday 10:00, solved again
/// Tuesday 14:00, closed Friday.
fn reopened() -> TicketHistory {
    history(
        "reopened",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 11), agent()),
            (june(28, 12), status("solved")),
            (june(29, 10), customer()),
            (june(29, 10), status("open")),
            (june(29, 13), agent()),
            (june(29, 14), status("solved")),
            (at(7, 2, 9), status("closed")),
        ],
    )
}

#[test]
fn reopened_ticket_full_versus_first_resolution() {
    let h = reopened();
    assert_eq!(h.reopens(), 1);
    // Full: Monday 10:00 → Tuesday 14:00 = 28 h; open Monday 10–18 and Tuesday 10–14 = 12 h.
    let full = resolution(ResolutionVariant::Full, false)
        .compute_histories([&h])
        .unwrap();
    assert_eq!(full.calendar.max.value(), Some(28 * 3_600));
    assert_eq!(full.business.unwrap().max.value(), Some(12 * 3_600));
    // First: Monday 10:00 → 12:00 on both clocks.
    let first = resolution(ResolutionVariant::First, false)
        .compute_histories([&h])
        .unwrap();
    assert_eq!(first.calendar.max.value(), Some(2 * 3_600));
    assert_eq!(first.business.unwrap().max.value(), Some(2 * 3_600));
    // Bucketing follows the variant.
    let t = h.ticket();
    assert_eq!(
        resolution(ResolutionVariant::Full, false).bucket_instant(t),
        Some(june(29, 14))
    );
    assert_eq!(
        resolution(ResolutionVariant::First, false).bucket_instant(t),
        Some(june(28, 12))
    );
    // The same from the summary row.
    assert_eq!(
        resolution(ResolutionVariant::Full, false)
            .compute([t])
            .unwrap(),
        resolution(ResolutionVariant::Full, false)
            .compute_histories([&h])
            .unwrap()
    );
}

#[test]
fn a_ticket_still_open_at_the_end_is_unresolved() {
    // Solved, reopened, still open: unresolved in both variants, though it was resolved once.
    let h = history(
        "still-open",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 12), status("solved")),
            (june(29, 10), status("open")),
        ],
    );
    assert_eq!(h.resolutions(), &[june(28, 12)]);
    for variant in [ResolutionVariant::Full, ResolutionVariant::First] {
        let r = resolution(variant, false).compute_histories([&h]).unwrap();
        assert_eq!((r.resolved, r.unresolved), (0, 1));
        assert_eq!(r.calendar.n, 0);
        assert_eq!(resolution(variant, false).bucket_instant(h.ticket()), None);
    }
}

#[test]
fn waiting_time_over_closed_hours() {
    // Created Monday 10:00, pending from 17:00 to Tuesday 11:00 (18 h, of which 2 business
    // hours), solved Tuesday 12:00. Calendar 26 h − 18 h = 8 h; business 10 h − 2 h = 8 h.
    let h = history(
        "waits",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 17), status("pending")),
            (june(29, 11), status("open")),
            (june(29, 12), status("solved")),
        ],
    );
    let gross = resolution(ResolutionVariant::Full, false)
        .compute_histories([&h])
        .unwrap();
    assert_eq!(gross.calendar.max.value(), Some(26 * 3_600));
    assert_eq!(gross.business.unwrap().max.value(), Some(10 * 3_600));
    let net = resolution(ResolutionVariant::Full, true)
        .compute_histories([&h])
        .unwrap();
    assert_eq!(net.calendar.max.value(), Some(8 * 3_600));
    assert_eq!(net.business.unwrap().max.value(), Some(8 * 3_600));

    // On hold after the first resolution of a reopened ticket counts for the full time only.
    let h = history(
        "hold-late",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 11), status("solved")),
            (june(28, 12), status("on_hold")),
            (june(28, 15), status("solved")),
        ],
    );
    let full = resolution(ResolutionVariant::Full, true)
        .compute_histories([&h])
        .unwrap();
    assert_eq!(full.calendar.max.value(), Some(2 * 3_600)); // 5 h − 3 h on hold
    let first = resolution(ResolutionVariant::First, true)
        .compute_histories([&h])
        .unwrap();
    assert_eq!(first.calendar.max.value(), Some(3_600));
}

#[test]
fn waiting_exclusion_needs_a_history() {
    let kpi = resolution(ResolutionVariant::Full, true);
    let mut acc = kpi.accumulator();
    acc.push_history(&unsorted_tied()).unwrap();
    let before = serde_json::to_string(&acc).unwrap();
    for t in [
        Ticket::builder("row-1", june(28, 9))
            .resolved_at(june(28, 15))
            .build()
            .unwrap(),
        Ticket::builder("row-2", june(28, 9)).build().unwrap(),
    ] {
        let err = acc.push(&t).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingField);
        assert_eq!(err.record().unwrap().record_type, "ticket");
        assert_eq!(err.record().unwrap().id.as_deref(), Some(t.id().as_str()));
        assert_eq!(err.field(), Some("events"));
        assert_eq!(serde_json::to_string(&acc).unwrap(), before, "unchanged");
    }
    // Without the option, summary rows are fine.
    ResolutionTime::default()
        .compute([Ticket::builder("row", june(28, 9)).build().unwrap()])
        .unwrap();
}

#[test]
fn sketch_quantiles_report_their_error() {
    let kpi = FirstResponseTime::new(
        FirstResponseTimeOptions::default()
            .with_quantiles(QuantileMode::Sketch {
                relative_accuracy: 0.01,
            })
            .with_calendar(spec_calendar()),
    )
    .unwrap();
    let tickets: Vec<Ticket> = reference_spans()
        .iter()
        .map(|&(a, b, _)| {
            Ticket::builder("x", a)
                .first_response_at(b)
                .build()
                .unwrap()
        })
        .collect();
    let r = kpi.compute(&tickets).unwrap();
    assert_eq!(r.calendar.relative_error, Some(0.01));
    assert_eq!(r.calendar.mean.value(), Some(110_160.0)); // exact in every mode
    let median = r.calendar.median.value().unwrap();
    assert!((median - 104_400.0).abs() <= 0.01 * 104_400.0, "{median}");
}

// ----- first-contact resolution -------------------------------------------------------------

#[test]
fn fcr_from_histories_with_both_denominators() {
    let one_touch = history(
        "one",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 11), agent()),
            (june(28, 11), status("solved")),
        ],
    );
    // Opened by an agent: the opening message is not a touch.
    let agent_made = history(
        "made",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 10), agent()),
            (june(28, 12), status("solved")),
        ],
    );
    let two = history(
        "two",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 11), agent()),
            (june(28, 12), customer()),
            (june(28, 13), agent()),
            (june(28, 14), status("solved")),
        ],
    );
    let three = history(
        "three",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 11), agent()),
            (june(28, 12), agent()),
            (june(28, 13), agent()),
            (june(28, 14), status("closed")),
        ],
    );
    let open = history(
        "open",
        vec![(june(28, 10), EventKind::Created), (june(28, 11), agent())],
    );
    let all = [one_touch, agent_made, two, three, open, reopened()];
    assert_eq!(all[1].public_agent_replies(), 0);
    assert_eq!(all[5].public_agent_replies(), 2);

    let r = FirstContactResolution::default()
        .compute_histories(&all)
        .unwrap();
    assert_eq!((r.numerator, r.denominator, r.tickets), (2, 6, 6));
    assert_eq!(r.rate_pct.value(), Some(100.0 * 2.0 / 6.0));
    assert_eq!(r.denominator_kind, FcrDenominator::AllTickets);
    // Resolved: one (1), made (0), two (2), three (3), reopened (2).
    assert_eq!(r.resolved, 5);
    assert_eq!(
        (r.zero_touch, r.one_touch, r.two_touch, r.multi_touch),
        (1, 1, 2, 1)
    );
    assert_eq!(r.replies_unknown, 0);

    let kpi = FirstContactResolution::new(
        FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved),
    )
    .unwrap();
    let r = kpi.compute_histories(&all).unwrap();
    assert_eq!((r.numerator, r.denominator), (2, 5));
    assert_eq!(r.rate_pct.value(), Some(40.0));
    // Bucketing: creation for all tickets, latest resolution for the resolved denominator.
    assert_eq!(
        FirstContactResolution::default().bucket_instant(all[5].ticket()),
        Some(june(28, 10))
    );
    assert_eq!(kpi.bucket_instant(all[5].ticket()), Some(june(29, 14)));
    assert_eq!(kpi.bucket_instant(all[4].ticket()), None);

    // The summaries of the histories give the same result.
    let summaries: Vec<&Ticket> = all.iter().map(TicketHistory::ticket).collect();
    assert_eq!(kpi.compute(summaries).unwrap(), r);
}

#[test]
fn fcr_unknown_replies_and_undefined_rates() {
    let row = |id: &str| Ticket::builder(id, june(28, 10)).resolved_at(june(28, 11));
    let unknown = [row("a").build().unwrap(), row("b").build().unwrap()];
    let r = FirstContactResolution::default().compute(&unknown).unwrap();
    assert_eq!((r.tickets, r.replies_unknown, r.denominator), (2, 2, 0));
    // No ticket says how many replies it had: the input records none.
    assert_eq!(
        r.rate_pct.undefined_reason(),
        Some("the input records no replies")
    );
    // Replies known, reopens unknown (Freshdesk's CSV): not judged either, never taken as 0.
    let no_reopens = [
        row("c").agent_replies(1).build().unwrap(),
        row("d").agent_replies(1).reopens(0).build().unwrap(),
    ];
    let r = FirstContactResolution::default()
        .compute(&no_reopens)
        .unwrap();
    assert_eq!(
        (
            r.tickets,
            r.reopens_unknown,
            r.resolved,
            r.numerator,
            r.denominator
        ),
        (2, 1, 1, 1, 1)
    );
    assert_eq!(r.rate_pct.value(), Some(100.0));
    let open = Ticket::builder("c", june(28, 10))
        .agent_replies(3)
        .reopens(0)
        .build()
        .unwrap();
    let kpi = FirstContactResolution::new(
        FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved),
    )
    .unwrap();
    let r = kpi.compute([&open]).unwrap();
    assert_eq!((r.tickets, r.resolved, r.denominator), (1, 0, 0));
    assert_eq!(
        r.rate_pct.undefined_reason(),
        Some("no resolved tickets with known reply and reopen counts")
    );
    // The all-tickets rate of an open ticket is a defined 0 %.
    assert_eq!(
        FirstContactResolution::default()
            .compute([&open])
            .unwrap()
            .rate_pct
            .value(),
        Some(0.0)
    );
}

// ----- errors --------------------------------------------------------------------------------

#[test]
fn bad_options() {
    let alpha = |a| QuantileMode::Sketch {
        relative_accuracy: a,
    };
    for a in [0.0, 1.0, -0.5, f64::NAN] {
        let e =
            FirstResponseTime::new(FirstResponseTimeOptions::default().with_quantiles(alpha(a)))
                .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidOption);
        assert_eq!(e.field(), Some("relative_accuracy"));
        let e = ResolutionTime::new(ResolutionTimeOptions::default().with_quantiles(alpha(a)))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidOption);
    }
    // Options from JSON go through the same checks when an accumulator is read back.
    let json = r#"{"options":{"quantiles":{"sketch":{"relative_accuracy":2.0}}},
        "durations":{"calendar":{"n":0,"total_seconds":0,"min":null,"max":null,
        "quantiles":{"exact":{"durations":[]}}},"business":null},"unanswered":0}"#;
    let e = serde_json::from_str::<FirstResponseTimeAccumulator>(json).unwrap_err();
    assert!(e.to_string().contains("relative accuracy"), "{e}");
}

#[test]
fn incompatible_merges() {
    let frt = |o: FirstResponseTimeOptions| FirstResponseTime::new(o).unwrap().accumulator();
    let mut a = frt(FirstResponseTimeOptions::default());
    for other in [
        frt(FirstResponseTimeOptions::default().with_calendar(spec_calendar())),
        frt(
            FirstResponseTimeOptions::default().with_quantiles(QuantileMode::Sketch {
                relative_accuracy: 0.01,
            }),
        ),
    ] {
        assert_eq!(
            a.merge(other).unwrap_err().kind(),
            ErrorKind::IncompatibleMerge
        );
    }
    // A calendar with other hours is another option.
    let other_hours = BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC).unwrap();
    let mut with_cal = frt(FirstResponseTimeOptions::default().with_calendar(spec_calendar()));
    let e = with_cal
        .merge(frt(
            FirstResponseTimeOptions::default().with_calendar(other_hours)
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IncompatibleMerge);

    let mut full = resolution(ResolutionVariant::Full, false).accumulator();
    for other in [
        resolution(ResolutionVariant::First, false).accumulator(),
        resolution(ResolutionVariant::Full, true).accumulator(),
        ResolutionTimeAccumulator::default(),
    ] {
        assert_eq!(
            full.merge(other).unwrap_err().kind(),
            ErrorKind::IncompatibleMerge
        );
    }

    let mut fcr = FirstContactResolutionAccumulator::default();
    let resolved = FirstContactResolution::new(
        FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved),
    )
    .unwrap()
    .accumulator();
    assert_eq!(
        fcr.merge(resolved).unwrap_err().kind(),
        ErrorKind::IncompatibleMerge
    );
}

#[test]
fn tampered_state_is_rejected() {
    let mut acc = frt_with_calendar().accumulator();
    for (a, b, _) in reference_spans() {
        acc.push(
            &Ticket::builder("x", a)
                .first_response_at(b)
                .build()
                .unwrap(),
        )
        .unwrap();
    }
    let json = serde_json::to_value(&acc).unwrap();
    // A round trip keeps everything.
    let back: FirstResponseTimeAccumulator = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back.finish(), acc.clone().finish());

    let reject = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = json.clone();
        edit(&mut v);
        serde_json::from_value::<FirstResponseTimeAccumulator>(v)
            .unwrap_err()
            .to_string()
    };
    // The business summary dropped although the options have a calendar.
    let e = reject(&|v| v["durations"]["business"] = serde_json::Value::Null);
    assert!(e.contains("business-time summary"), "{e}");
    // A business duration removed: the counts differ.
    let e = reject(&|v| {
        let b = &mut v["durations"]["business"];
        b["quantiles"]["exact"]["durations"]
            .as_array_mut()
            .unwrap()
            .pop();
        b["n"] = 4.into();
        b["total_seconds"] = (201_600 - 115_200).into();
        b["max"] = 32_400.into();
    });
    assert!(e.contains("one duration per ticket"), "{e}");
    // Business time above calendar time.
    let e = reject(&|v| {
        let b = &mut v["durations"]["business"];
        b["quantiles"]["exact"]["durations"][0] = 3_000_000.into();
        b["total_seconds"] = (201_600 - 3_600 + 3_000_000).into();
        b["max"] = 3_000_000.into();
        b["min"] = 21_600.into();
    });
    assert!(e.contains("cannot exceed calendar"), "{e}");
    // An unknown field.
    let e = reject(&|v| v["extra"] = 1.into());
    assert!(e.contains("unknown field"), "{e}");
    // A summary inconsistent in itself (DurationSummary's own check).
    let e = reject(&|v| v["durations"]["calendar"]["n"] = 9.into());
    assert!(!e.is_empty());

    // First-contact counts that do not add up.
    let fcr = FirstContactResolution::default().accumulator();
    let mut v = serde_json::to_value(&fcr).unwrap();
    v["counts"]["tickets"] = 1.into();
    v["counts"]["resolved"] = 1.into();
    let e = serde_json::from_value::<FirstContactResolutionAccumulator>(v.clone()).unwrap_err();
    assert!(e.to_string().contains("touch counts"), "{e}");
    v["counts"]["one_touch"] = 1.into();
    v["counts"]["first_contact"] = 2.into();
    let e = serde_json::from_value::<FirstContactResolutionAccumulator>(v.clone()).unwrap_err();
    assert!(e.to_string().contains("at most one touch"), "{e}");
    v["counts"]["first_contact"] = 1.into();
    v["counts"]["replies_unknown"] = 1.into();
    let e = serde_json::from_value::<FirstContactResolutionAccumulator>(v.clone()).unwrap_err();
    assert!(e.to_string().contains("among the tickets"), "{e}");
    v["counts"]["tickets"] = 2.into();
    let ok: FirstContactResolutionAccumulator = serde_json::from_value(v).unwrap();
    assert_eq!(ok.finish().rate_pct.value(), Some(100.0));

    // Resolution time: the same checks, through its own state.
    let mut r = resolution(ResolutionVariant::First, true).accumulator();
    r.push_history(&reopened()).unwrap();
    let mut v = serde_json::to_value(&r).unwrap();
    let back: ResolutionTimeAccumulator = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(back.finish(), r.finish());
    v["options"]["variant"] = "latest".into();
    assert!(serde_json::from_value::<ResolutionTimeAccumulator>(v).is_err());
}

// ----- properties ----------------------------------------------------------------------------

/// The start of the random tickets: Friday 2021-06-25 00:00 UTC, so weekends are crossed.
fn base() -> Instant {
    june(25, 0)
}

const STATUSES: [&str; 6] = [
    "open",
    "pending",
    "on_hold",
    "solved",
    "closed",
    "cancelled",
];

/// One random event: (seconds after creation, kind 0..=8).
fn event_kind(k: u8) -> EventKind {
    match k {
        0 | 1 => agent(),
        2 => customer(),
        3 => EventKind::Reply {
            author: Author::Bot,
            public: true,
        },
        k => status(STATUSES[usize::from(k - 4) % STATUSES.len()]),
    }
}

prop_compose! {
    /// A history from random events within three weeks of its creation (seconds, so ties and
    /// non-whole-hour instants happen), given in random order.
    fn arb_history()(
        created in 0i64..(14 * 86_400),
        agent_opens in any::<bool>(),
        events in prop::collection::vec((0i64..(21 * 86_400), 0u8..10), 0..10),
        id in 0u32..1_000_000,
    ) -> TicketHistory {
        let created = base() + Duration::seconds(created);
        let id = format!("P-{id}");
        let mut all: Vec<TicketEvent> = events
            .into_iter()
            // Coarse offsets (multiples of 15 min) make ties common.
            .map(|(dt, k)| TicketEvent::new(id.as_str(), created + Duration::seconds(dt / 900 * 900), event_kind(k)))
            .collect();
        if agent_opens {
            all.push(TicketEvent::new(id.as_str(), created, agent()));
        }
        all.push(TicketEvent::new(id.as_str(), created, EventKind::Created));
        all.reverse();
        TicketHistory::from_events(id.as_str(), all, &StatusMap::canonical(), DeriveOptions::new())
            .unwrap()
    }
}

/// Every duration KPI configuration under test (one-shot, laws and clock comparisons).
fn frt_kpis() -> Vec<FirstResponseTime> {
    vec![
        frt_with_calendar(),
        FirstResponseTime::new(
            FirstResponseTimeOptions::default()
                .with_quantiles(QuantileMode::Sketch {
                    relative_accuracy: 0.02,
                })
                .with_calendar(spec_calendar()),
        )
        .unwrap(),
    ]
}

fn resolution_kpis() -> Vec<ResolutionTime> {
    vec![
        resolution(ResolutionVariant::Full, false),
        resolution(ResolutionVariant::First, false),
        resolution(ResolutionVariant::Full, true),
        resolution(ResolutionVariant::First, true),
    ]
}

fn fcr_kpis() -> Vec<FirstContactResolution> {
    vec![
        FirstContactResolution::default(),
        FirstContactResolution::new(
            FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved),
        )
        .unwrap(),
    ]
}

/// Merge laws for one accumulator type: every split point equals the one-shot result, merging
/// is commutative, and associative over three parts.
fn check_merge_laws<A>(empty: &A, histories: &[TicketHistory], cut: (usize, usize))
where
    A: TicketAccumulator + Clone,
    A::Output: PartialEq + std::fmt::Debug,
{
    let fold = |part: &[TicketHistory]| {
        let mut acc = empty.clone();
        for h in part {
            acc.push_history(h).unwrap();
        }
        acc
    };
    let whole = fold(histories).finish();
    let n = histories.len();
    for i in 0..=n {
        let mut left = fold(&histories[..i]);
        left.merge(fold(&histories[i..])).unwrap();
        assert_eq!(left.finish(), whole, "split at {i}");
        let mut right = fold(&histories[i..]);
        right.merge(fold(&histories[..i])).unwrap();
        assert_eq!(right.finish(), whole, "commuted split at {i}");
    }
    let (i, j) = (cut.0.min(cut.1).min(n), cut.0.max(cut.1).min(n));
    let [a, b, c] = [
        fold(&histories[..i]),
        fold(&histories[i..j]),
        fold(&histories[j..]),
    ];
    let mut ab_c = a.clone();
    ab_c.merge(b.clone()).unwrap();
    ab_c.merge(c.clone()).unwrap();
    let mut bc = b;
    bc.merge(c).unwrap();
    let mut a_bc = a;
    a_bc.merge(bc).unwrap();
    assert_eq!(ab_c.finish(), a_bc.finish());
}

fn business_at_most_calendar(calendar: &DurationStats, business: &DurationStats) {
    assert_eq!(calendar.n, business.n);
    assert!(business.total_seconds <= calendar.total_seconds);
    if let (Some(b), Some(c)) = (business.max.value(), calendar.max.value()) {
        assert!(b <= c);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merge_laws(histories in prop::collection::vec(arb_history(), 0..7), cut in (0usize..8, 0usize..8)) {
        for k in frt_kpis() {
            check_merge_laws(&k.accumulator(), &histories, cut);
        }
        for k in resolution_kpis() {
            check_merge_laws(&k.accumulator(), &histories, cut);
        }
        for k in fcr_kpis() {
            check_merge_laws(&k.accumulator(), &histories, cut);
        }
    }

    #[test]
    fn business_time_never_exceeds_calendar_time(h in arb_history()) {
        // Per ticket, on every KPI configuration.
        for k in frt_kpis() {
            let r = k.compute_histories([&h]).unwrap();
            business_at_most_calendar(&r.calendar, r.business.as_ref().unwrap());
        }
        for k in resolution_kpis() {
            let r = k.compute_histories([&h]).unwrap();
            business_at_most_calendar(&r.calendar, r.business.as_ref().unwrap());
        }
        // Excluding waiting time never adds time, on either clock.
        let gross = resolution(ResolutionVariant::Full, false).compute_histories([&h]).unwrap();
        let net = resolution(ResolutionVariant::Full, true).compute_histories([&h]).unwrap();
        prop_assert!(net.calendar.total_seconds <= gross.calendar.total_seconds);
        prop_assert!(
            net.business.unwrap().total_seconds <= gross.business.unwrap().total_seconds
        );
    }

    #[test]
    fn a_history_and_its_summary_agree(histories in prop::collection::vec(arb_history(), 0..6)) {
        let summaries: Vec<&Ticket> = histories.iter().map(TicketHistory::ticket).collect();
        for k in frt_kpis() {
            prop_assert_eq!(k.compute_histories(&histories).unwrap(), k.compute(summaries.iter().copied()).unwrap());
        }
        for k in resolution_kpis().into_iter().filter(|k| !k.options().exclude_waiting) {
            prop_assert_eq!(k.compute_histories(&histories).unwrap(), k.compute(summaries.iter().copied()).unwrap());
        }
        for k in fcr_kpis() {
            prop_assert_eq!(k.compute_histories(&histories).unwrap(), k.compute(summaries.iter().copied()).unwrap());
        }
        // Without waiting time, excluding it changes nothing.
        let no_wait: Vec<&TicketHistory> = histories
            .iter()
            .filter(|h| h.status_spans().iter().all(|s| !s.status.is_waiting()))
            .collect();
        for v in [ResolutionVariant::Full, ResolutionVariant::First] {
            let mut gross = resolution(v, false).compute_histories(no_wait.iter().copied()).unwrap();
            let net = resolution(v, true).compute_histories(no_wait.iter().copied()).unwrap();
            gross.waiting_excluded = true;
            prop_assert_eq!(gross, net);
        }
    }

    #[test]
    fn frt_equals_the_naive_per_ticket_figures(histories in prop::collection::vec(arb_history(), 1..8)) {
        let cal = spec_calendar();
        let mut calendar = Vec::new();
        let mut business = Vec::new();
        for h in &histories {
            if let Some(r) = h.ticket().first_response_at() {
                let c = (r - h.created_at()).num_seconds();
                calendar.push(c);
                business.push(cal.business_seconds(h.created_at(), r).min(c));
            }
        }
        let r = frt_with_calendar().compute_histories(&histories).unwrap();
        prop_assert_eq!(r.answered as usize, calendar.len());
        prop_assert_eq!(r.calendar.total_seconds, calendar.iter().sum::<i64>() as u128);
        prop_assert_eq!(r.business.unwrap().total_seconds, business.iter().sum::<i64>() as u128);
        prop_assert_eq!(r.calendar.max.value(), calendar.iter().copied().max());
    }
}
