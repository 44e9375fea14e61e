//! SLA attainment: hand-worked deadlines on both clocks, met / breached / running as of an
//! instant, every error, and the merge laws.
//!
//! The business calendar is that of docs/definitions.md ("Time"): Mon–Fri 10:00–18:00 UTC;
//! 2021-06-28 is a Monday.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use supportkpi::kpi::{
    Accumulator, Kpi, Sla, SlaAccumulator, SlaClock, SlaMetric, SlaOptions, SlaPolicy, SlaStatus,
    SlaTarget, TicketKpi, TicketSla,
};
use supportkpi::model::{Author, DeriveOptions, EventKind, Instant, StatusMap, TicketHistory};
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

const HOUR: i64 = 3_600;

/// P1: first response 4 business hours, resolution 16 business hours; P2: first response 8
/// calendar hours; every other priority (and none): resolution 3 calendar days, no
/// first-response target.
fn policy() -> SlaPolicy {
    SlaPolicy::new()
        .calendar(spec_calendar())
        .first_response("P1", SlaTarget::business(4 * HOUR).unwrap())
        .resolution("P1", SlaTarget::business(16 * HOUR).unwrap())
        .first_response("P2", SlaTarget::calendar(8 * HOUR).unwrap())
        .resolution_default(SlaTarget::calendar(72 * HOUR).unwrap())
}

/// The worked tickets, with their statuses as of Wednesday 06-30 12:00 and as final.
struct Case {
    ticket: Ticket,
    as_of_wednesday: TicketSla,
    as_final: TicketSla,
}

fn cases() -> Vec<Case> {
    use SlaStatus::{Breached, Met, Running};
    let sla = |first_response, resolution| TicketSla {
        first_response,
        resolution,
        next_reply: None,
        periodic_update: None,
    };
    vec![
        // A — P1, created Monday 16:00. First response due after 2 h Monday + 2 h Tuesday =
        // Tuesday 12:00; answered 11:00: met. Resolution due after 2 h Monday + 8 h Tuesday +
        // 6 h Wednesday = Wednesday 16:00; unresolved: running on Wednesday noon.
        Case {
            ticket: Ticket::builder("A", june(28, 16))
                .priority("P1")
                .first_response_at(june(29, 11))
                .build()
                .unwrap(),
            as_of_wednesday: sla(
                Some(Met),
                Some(Running {
                    deadline: june(30, 16),
                }),
            ),
            as_final: sla(Some(Met), Some(Breached { at: june(30, 16) })),
        },
        // B — P1, created Friday 17:00: 1 h Friday + 3 h Monday → due Monday 13:00, answered
        // 14:00: breached at 13:00 (across the weekend). Resolution: 1 h Friday + 8 h Monday +
        // 7 h Tuesday → due Tuesday 17:00, resolved exactly then: met (the deadline is
        // inclusive).
        Case {
            ticket: Ticket::builder("B", june(25, 17))
                .priority("P1")
                .first_response_at(june(28, 14))
                .resolved_at(june(29, 17))
                .build()
                .unwrap(),
            as_of_wednesday: sla(Some(Breached { at: june(28, 13) }), Some(Met)),
            as_final: sla(Some(Breached { at: june(28, 13) }), Some(Met)),
        },
        // C — P2, created Monday 09:00: 8 calendar hours → due Monday 17:00, never answered:
        // breached. Resolution: P2 has none of its own, so the default, 72 h → Thursday 09:00.
        Case {
            ticket: Ticket::builder("C", june(28, 9))
                .priority("P2")
                .build()
                .unwrap(),
            as_of_wednesday: sla(
                Some(Breached { at: june(28, 17) }),
                Some(Running {
                    deadline: at(7, 1, 9),
                }),
            ),
            as_final: sla(
                Some(Breached { at: june(28, 17) }),
                Some(Breached { at: at(7, 1, 9) }),
            ),
        },
        // D — no priority: no first-response target; resolved within 72 h: met.
        Case {
            ticket: Ticket::builder("D", june(29, 10))
                .resolved_at(june(29, 12))
                .build()
                .unwrap(),
            as_of_wednesday: sla(None, Some(Met)),
            as_final: sla(None, Some(Met)),
        },
        // E — "p1" is not "P1" (exact match): default targets. Created Sunday 06-20 00:00,
        // resolved Thursday 06-24: 72 h ended Wednesday 06-23 00:00: breached.
        Case {
            ticket: Ticket::builder("E", june(20, 0))
                .priority("p1")
                .resolved_at(june(24, 0))
                .build()
                .unwrap(),
            as_of_wednesday: sla(None, Some(Breached { at: june(23, 0) })),
            as_final: sla(None, Some(Breached { at: june(23, 0) })),
        },
    ]
}

#[test]
fn each_ticket_against_its_targets() {
    let p = policy();
    for c in cases() {
        let id = c.ticket.id().as_str().to_owned();
        assert_eq!(
            p.evaluate(&c.ticket, Some(june(30, 12))).unwrap(),
            c.as_of_wednesday,
            "{id}"
        );
        assert_eq!(p.evaluate(&c.ticket, None).unwrap(), c.as_final, "{id}");
    }
}

#[test]
fn attainment_as_of_wednesday_and_as_final() {
    let tickets: Vec<Ticket> = cases().into_iter().map(|c| c.ticket).collect();
    let sla = Sla::new(SlaOptions::new(policy()).with_as_of(june(30, 12))).unwrap();
    let r = sla.compute(&tickets).unwrap();
    assert_eq!(r.tickets, 5);
    assert_eq!(r.as_of, Some(june(30, 12)));
    let f = &r.first_response;
    assert_eq!((f.met, f.breached, f.running, f.no_target), (1, 2, 0, 2));
    assert_eq!(f.attainment_pct.value(), Some(100.0 / 3.0));
    let res = &r.resolution;
    assert_eq!(
        (res.met, res.breached, res.running, res.no_target),
        (2, 1, 2, 0)
    );
    assert_eq!(res.attainment_pct.value(), Some(200.0 / 3.0));

    let r = Sla::new(SlaOptions::new(policy()))
        .unwrap()
        .compute(&tickets)
        .unwrap();
    let res = &r.resolution;
    assert_eq!(
        (res.met, res.breached, res.running, res.no_target),
        (2, 3, 0, 0)
    );
    assert_eq!(res.attainment_pct.value(), Some(40.0));
    assert_eq!(r.first_response.attainment_pct.value(), Some(100.0 / 3.0));
}

#[test]
fn as_of_before_the_facts() {
    let p = policy();
    let b = &cases()[1].ticket;
    // Monday 13:30: B's answer (14:00) has not happened yet, but its deadline (13:00) has
    // passed; its resolution is still running.
    let s = p
        .evaluate(b, Some(june(28, 13) + Duration::minutes(30)))
        .unwrap();
    assert_eq!(
        s.first_response,
        Some(SlaStatus::Breached { at: june(28, 13) })
    );
    assert_eq!(
        s.resolution,
        Some(SlaStatus::Running {
            deadline: june(29, 17)
        })
    );
    // Exactly at the deadline, not answered: breached (running needs as_of < deadline).
    let s = p.evaluate(b, Some(june(28, 13))).unwrap();
    assert_eq!(
        s.first_response,
        Some(SlaStatus::Breached { at: june(28, 13) })
    );
    // A ticket created after as_of is running.
    let a = &cases()[0].ticket;
    let s = p.evaluate(a, Some(june(28, 12))).unwrap();
    assert_eq!(
        s.first_response,
        Some(SlaStatus::Running {
            deadline: june(29, 12)
        })
    );
}

#[test]
fn nothing_decided_is_undefined() {
    let r = Sla::default().compute([&cases()[0].ticket]).unwrap();
    assert_eq!((r.first_response.no_target, r.resolution.no_target), (1, 1));
    assert_eq!(
        r.first_response.attainment_pct.undefined_reason(),
        Some("no ticket met or breached its target yet")
    );
    let only_running = Sla::new(SlaOptions::new(policy()).with_as_of(june(28, 17)))
        .unwrap()
        .compute([&cases()[0].ticket])
        .unwrap();
    assert_eq!(only_running.first_response.running, 1);
    assert!(!only_running.first_response.attainment_pct.is_defined());
}

fn history(id: &str, events: Vec<(Instant, EventKind)>) -> TicketHistory {
    let events = events
        .into_iter()
        .map(|(t, kind)| TicketEvent::new(id, t, kind));
    TicketHistory::from_events(id, events, &StatusMap::canonical(), DeriveOptions::new()).unwrap()
}

#[test]
fn from_histories() {
    let agent = EventKind::Reply {
        author: Author::Agent,
        public: true,
    };
    let status = |to: &str| EventKind::StatusChange { to: to.into() };
    // An agent-made ticket (no priority: default targets only) solved on Monday, reopened on
    // Tuesday and still open: its resolution is judged on the reopened state.
    let h = history(
        "H",
        vec![
            (june(28, 10), EventKind::Created),
            (june(28, 10), agent.clone()),
            (june(28, 12), status("solved")),
            (june(29, 9), status("open")),
        ],
    );
    let sla = Sla::new(SlaOptions::new(policy()).with_as_of(june(30, 12))).unwrap();
    let r = sla.compute_histories([&h]).unwrap();
    assert_eq!(r.resolution.running, 1);
    let r = Sla::new(SlaOptions::new(policy()))
        .unwrap()
        .compute_histories([&h])
        .unwrap();
    assert_eq!(r.resolution.breached, 1);
    assert_eq!(
        policy().evaluate(h.ticket(), None).unwrap().resolution,
        Some(SlaStatus::Breached { at: at(7, 1, 10) })
    );
    assert_eq!(sla.bucket_instant(h.ticket()), Some(june(28, 10)));
}

#[test]
fn policy_lookup_and_serde() {
    let p = policy();
    assert_eq!(
        p.target(SlaMetric::FirstResponse, Some("P1")),
        Some(SlaTarget::new(4 * HOUR, SlaClock::Business).unwrap())
    );
    assert_eq!(p.target(SlaMetric::FirstResponse, None), None);
    assert_eq!(
        p.target(SlaMetric::Resolution, None),
        Some(SlaTarget::calendar(72 * HOUR).unwrap())
    );
    let json = serde_json::to_string(&p).unwrap();
    let back: SlaPolicy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn bad_options() {
    for seconds in [-60, 0, 100 * 366 * 86_400 + 1] {
        for clock in [SlaClock::Calendar, SlaClock::Business] {
            let e = SlaTarget::new(seconds, clock).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidOption);
            assert_eq!(e.field(), Some("target_seconds"));
            assert_eq!(e.value(), Some(seconds.to_string().as_str()));
        }
    }
    // A business target needs a calendar, and one that opens.
    let business = SlaTarget::business(HOUR).unwrap();
    let e = Sla::new(SlaOptions::new(
        SlaPolicy::new().resolution_default(business),
    ))
    .unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidOption, Some("calendar"))
    );
    let never = BusinessCalendar::new(chrono_tz::UTC);
    let e = Sla::new(SlaOptions::new(
        SlaPolicy::new()
            .calendar(never)
            .first_response("P1", business),
    ))
    .unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidOption, Some("calendar"))
    );
    // evaluate on an unchecked policy says the same, naming the ticket.
    let t = Ticket::builder("T-1", june(28, 9)).build().unwrap();
    let e = SlaPolicy::new()
        .resolution_default(business)
        .evaluate(&t, None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidOption);
    assert_eq!(e.record().unwrap().id.as_deref(), Some("T-1"));
    // No deadline to give: a calendar never open (unchecked policy), or a deadline beyond
    // chrono's last instant.
    let t = Ticket::builder("T-2", june(28, 9)).build().unwrap();
    let e = SlaPolicy::new()
        .calendar(BusinessCalendar::new(chrono_tz::UTC))
        .first_response_default(business)
        .evaluate(&t, None)
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidValue, Some("deadline"))
    );
    assert_eq!(e.record().unwrap().id.as_deref(), Some("T-2"));
    let end_of_time = Utc.with_ymd_and_hms(262_142, 12, 31, 0, 0, 0).unwrap();
    let far = Ticket::builder("far", end_of_time).build().unwrap();
    let e = SlaPolicy::new()
        .resolution_default(SlaTarget::calendar(72 * HOUR).unwrap())
        .evaluate(&far, None)
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidValue, Some("deadline"))
    );
    // From JSON: the same checks.
    let e = serde_json::from_str::<SlaPolicy>(
        r#"{"first_response": {"default": {"seconds": -5, "clock": "calendar"}}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("at least 1 second"), "{e}");
    let e = serde_json::from_str::<SlaPolicy>(
        r#"{"resolution": {"by_priority": {"P1": {"seconds": 60, "clock": "business"}}}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("business calendar"), "{e}");
}

#[test]
fn incompatible_merge_and_tampered_state() {
    let mut a = Sla::new(SlaOptions::new(policy()).with_as_of(june(30, 12)))
        .unwrap()
        .accumulator();
    let other_as_of = Sla::new(SlaOptions::new(policy())).unwrap().accumulator();
    assert_eq!(
        a.merge(other_as_of).unwrap_err().kind(),
        ErrorKind::IncompatibleMerge
    );
    let other_policy = SlaAccumulator::default();
    assert_eq!(
        a.merge(other_policy).unwrap_err().kind(),
        ErrorKind::IncompatibleMerge
    );

    for c in cases() {
        a.push(&c.ticket).unwrap();
    }
    let json = serde_json::to_value(&a).unwrap();
    let back: SlaAccumulator = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, a);
    let mut v = json.clone();
    v["first_response"]["met"] = 7.into();
    let e = serde_json::from_value::<SlaAccumulator>(v).unwrap_err();
    assert!(e.to_string().contains("must equal tickets"), "{e}");
    let mut v = json.clone();
    v["tickets"] = 6.into();
    assert!(serde_json::from_value::<SlaAccumulator>(v).is_err());
    let mut v = json;
    v["options"]["policy"]["first_response"]["by_priority"]["P1"]["seconds"] = 0.into();
    let e = serde_json::from_value::<SlaAccumulator>(v).unwrap_err();
    assert!(e.to_string().contains("at least 1 second"), "{e}");
}

prop_compose! {
    /// A summary ticket from random instants (seconds after Friday 2021-06-25 00:00) and a
    /// priority from a small set (one the policy does not know, and none).
    fn arb_ticket()(
        created in 0i64..(14 * 86_400),
        response in prop::option::of(0i64..(5 * 86_400)),
        resolution in prop::option::of(0i64..(10 * 86_400)),
        priority in prop::option::of(prop::sample::select(vec!["P1", "P2", "P3"])),
        id in 0u32..1_000_000,
    ) -> Ticket {
        let created = june(25, 0) + Duration::seconds(created);
        let mut b = Ticket::builder(format!("R-{id}"), created);
        if let Some(r) = response {
            b = b.first_response_at(created + Duration::seconds(r));
        }
        if let Some(r) = resolution {
            b = b.resolved_at(created + Duration::seconds(r));
        }
        if let Some(p) = priority {
            b = b.priority(p);
        }
        b.build().unwrap()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merge_laws(tickets in prop::collection::vec(arb_ticket(), 0..8), cut in (0usize..9, 0usize..9)) {
        for as_of in [None, Some(june(30, 12))] {
            let mut options = SlaOptions::new(policy());
            if let Some(t) = as_of {
                options = options.with_as_of(t);
            }
            let kpi = Sla::new(options).unwrap();
            let fold = |part: &[Ticket]| {
                let mut acc = kpi.accumulator();
                for t in part {
                    acc.push(t).unwrap();
                }
                acc
            };
            let whole = kpi.compute(&tickets).unwrap();
            for i in 0..=tickets.len() {
                let mut l = fold(&tickets[..i]);
                l.merge(fold(&tickets[i..])).unwrap();
                prop_assert_eq!(l.finish(), whole.clone());
                let mut r = fold(&tickets[i..]);
                r.merge(fold(&tickets[..i])).unwrap();
                prop_assert_eq!(r.finish(), whole.clone());
            }
            let n = tickets.len();
            let (i, j) = (cut.0.min(cut.1).min(n), cut.0.max(cut.1).min(n));
            let (a, b, c) = (fold(&tickets[..i]), fold(&tickets[i..j]), fold(&tickets[j..]));
            let mut ab_c = a.clone();
            ab_c.merge(b.clone()).unwrap();
            ab_c.merge(c.clone()).unwrap();
            let mut bc = b;
            bc.merge(c).unwrap();
            let mut a_bc = a;
            a_bc.merge(bc).unwrap();
            prop_assert_eq!(ab_c, a_bc);
        }
    }

    #[test]
    fn statuses_agree_with_the_clocks(t in arb_ticket(), as_of in 0i64..(30 * 86_400)) {
        let as_of = june(25, 0) + Duration::seconds(as_of);
        let cal = spec_calendar();
        let p = policy();
        let s = p.evaluate(&t, Some(as_of)).unwrap();
        for (metric, status, done) in [
            (SlaMetric::FirstResponse, s.first_response, t.first_response_at()),
            (SlaMetric::Resolution, s.resolution, t.resolved_at()),
        ] {
            let target = p.target(metric, t.priority());
            prop_assert_eq!(target.is_some(), status.is_some());
            let (Some(target), Some(status)) = (target, status) else { continue };
            let deadline = match target.clock() {
                SlaClock::Calendar => t.created_at() + Duration::seconds(target.seconds()),
                SlaClock::Business => {
                    let d = cal.add_business_seconds(t.created_at(), target.seconds()).unwrap();
                    // The deadline is where the target's business time has elapsed.
                    prop_assert_eq!(cal.business_seconds(t.created_at(), d), target.seconds());
                    d
                }
            };
            let done = done.filter(|&d| d <= as_of);
            let expected = match done {
                Some(d) if d <= deadline => SlaStatus::Met,
                None if as_of < deadline => SlaStatus::Running { deadline },
                _ => SlaStatus::Breached { at: deadline },
            };
            prop_assert_eq!(status, expected);
        }
    }

    #[test]
    fn history_and_summary_agree(t in arb_ticket()) {
        // A reply at the creation instant would be an agent's opening message, not a response.
        prop_assume!(t.first_response_at() != Some(t.created_at()));
        // A history whose events reproduce the summary (an event log carries no priority, so
        // the policy has default targets only): the same statuses either way.
        let mut events = vec![(t.created_at(), EventKind::Created)];
        if let Some(r) = t.first_response_at() {
            events.push((r, EventKind::Reply { author: Author::Agent, public: true }));
        }
        if let Some(r) = t.resolved_at() {
            events.push((r, EventKind::StatusChange { to: "solved".into() }));
        }
        let h = history(t.id().as_str(), events);
        prop_assert_eq!(h.ticket().first_response_at(), t.first_response_at());
        prop_assert_eq!(h.ticket().resolved_at(), t.resolved_at());
        let defaults = SlaPolicy::new()
            .calendar(spec_calendar())
            .first_response_default(SlaTarget::business(4 * HOUR).unwrap())
            .resolution_default(SlaTarget::calendar(72 * HOUR).unwrap());
        let kpi = Sla::new(SlaOptions::new(defaults).with_as_of(june(30, 12))).unwrap();
        prop_assert_eq!(kpi.compute_histories([&h]).unwrap(), kpi.compute([&t]).unwrap());
    }
}
