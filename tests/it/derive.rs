//! Tickets from event logs: hand-worked histories and the laws of the derivation.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use supportkpi::model::{
    Author, DeriveOptions, EventKind, Instant, Status, StatusCategory, StatusMap, StatusSpan,
    TicketHistory, derive_histories, derive_histories_lenient,
};
use supportkpi::{ErrorKind, TicketEvent};

fn t(minutes: i64) -> Instant {
    Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn created(minutes: i64) -> TicketEvent {
    TicketEvent::new("T", t(minutes), EventKind::Created)
}

fn to(minutes: i64, status: &str) -> TicketEvent {
    TicketEvent::new(
        "T",
        t(minutes),
        EventKind::StatusChange {
            to: status.to_owned(),
        },
    )
}

fn reply(minutes: i64, author: Author, public: bool) -> TicketEvent {
    TicketEvent::new("T", t(minutes), EventKind::Reply { author, public })
}

fn history(events: Vec<TicketEvent>) -> TicketHistory {
    TicketHistory::from_events("T", events, &StatusMap::canonical(), DeriveOptions::new()).unwrap()
}

fn span(status: Status, from: i64, to: Option<i64>) -> StatusSpan {
    StatusSpan {
        status,
        from: t(from),
        to: to.map(t),
    }
}

#[test]
fn agent_created_ticket_first_response_is_the_next_public_agent_reply() {
    // An agent logs a phone call as a ticket with a public message, the customer answers,
    // the agent replies at minute 50.
    let h = history(vec![
        created(0),
        reply(0, Author::Agent, true),
        reply(20, Author::Customer, true),
        reply(50, Author::Agent, true),
        to(60, "solved"),
    ]);
    assert_eq!(h.ticket().first_response_seconds(), Some(50 * 60));
    assert_eq!(h.public_agent_replies(), 1);
    assert!(h.first_contact_resolved());

    // Created by the customer: the agent's reply one minute later is the response.
    let h = history(vec![
        created(0),
        reply(0, Author::Customer, true),
        reply(1, Author::Agent, true),
    ]);
    assert_eq!(h.ticket().first_response_seconds(), Some(60));
}

#[test]
fn bot_system_and_private_replies_are_not_responses() {
    let h = history(vec![
        created(0),
        reply(0, Author::Customer, true),
        reply(1, Author::Bot, true),
        reply(2, Author::System, true),
        reply(3, Author::Agent, false),
        reply(45, Author::Agent, true),
        reply(50, Author::Agent, false),
        reply(70, Author::Agent, true),
        to(80, "solved"),
    ]);
    assert_eq!(h.ticket().first_response_at(), Some(t(45)));
    assert_eq!(h.public_agent_replies(), 2);
    assert_eq!(h.ticket().agent_replies(), Some(2));
    assert!(!h.first_contact_resolved());
}

#[test]
fn reopened_ticket() {
    let h = history(vec![
        created(0),
        to(10, "open"),
        to(100, "solved"),
        to(200, "open"), // the customer wrote back
        to(250, "pending"),
        to(300, "solved"),
        to(400, "closed"),
    ]);
    assert_eq!(h.resolutions(), &[t(100), t(300)]);
    assert_eq!(h.reopened_at(), &[t(200)]);
    assert_eq!(h.reopens(), 1);
    assert_eq!(h.ticket().reopens(), Some(1));
    assert_eq!(
        h.open_intervals(),
        &[(t(0), Some(t(100))), (t(200), Some(t(300)))]
    );
    assert_eq!(h.ticket().first_resolution_seconds(), Some(100 * 60));
    assert_eq!(h.ticket().resolution_seconds(), Some(300 * 60));
    assert_eq!(h.status(), Status::Closed);
    assert_eq!(h.waiting_seconds_between(t(0), t(300)), 50 * 60);
    assert!(!h.first_contact_resolved());
    assert!(h.is_open_at(t(99)) && !h.is_open_at(t(100)) && !h.is_open_at(t(199)));
    assert!(h.is_open_at(t(200)) && !h.is_open_at(t(300)));
}

#[test]
fn reopened_and_still_open_is_unresolved_in_the_summary() {
    let h = history(vec![created(0), to(100, "solved"), to(200, "open")]);
    assert_eq!(h.resolutions(), &[t(100)]);
    assert_eq!(h.reopens(), 1);
    assert_eq!(h.ticket().resolved_at(), None);
    assert_eq!(h.ticket().first_resolved_at(), None);
    assert_eq!(h.status(), Status::Open);
    assert_eq!(h.open_intervals(), &[(t(0), Some(t(100))), (t(200), None)]);
}

#[test]
fn still_open_at_the_end() {
    let h = history(vec![
        created(0),
        to(5, "open"),
        reply(6, Author::Agent, true),
        to(7, "on_hold"),
    ]);
    assert_eq!(h.status(), Status::OnHold);
    assert_eq!(h.ticket().resolved_at(), None);
    assert!(h.resolutions().is_empty());
    assert_eq!(h.open_intervals(), &[(t(0), None)]);
    assert_eq!(
        h.status_spans(),
        &[
            span(Status::New, 0, Some(5)),
            span(Status::Open, 5, Some(7)),
            span(Status::OnHold, 7, None),
        ]
    );
    assert!(h.is_open_at(t(100_000)));
    assert!(!h.is_open_at(t(-1)));
}

#[test]
fn solved_then_closed_is_one_resolution() {
    let h = history(vec![created(0), to(30, "solved"), to(3000, "closed")]);
    assert_eq!(h.resolutions(), &[t(30)]);
    assert_eq!(h.ticket().resolution_seconds(), Some(30 * 60));
    assert_eq!(h.reopens(), 0);
    assert_eq!(h.status(), Status::Closed);
    assert_eq!(h.open_intervals(), &[(t(0), Some(t(30)))]);
    assert_eq!(
        h.status_spans(),
        &[
            span(Status::New, 0, Some(30)),
            span(Status::Solved, 30, Some(3000)),
            span(Status::Closed, 3000, None),
        ]
    );
}

#[test]
fn cancelled_leaves_the_backlog_unresolved() {
    let h = history(vec![created(0), to(10, "open"), to(20, "cancelled")]);
    assert_eq!(h.status(), Status::Cancelled);
    assert!(h.resolutions().is_empty());
    assert_eq!(h.ticket().resolved_at(), None);
    assert_eq!(h.open_intervals(), &[(t(0), Some(t(20)))]);
    assert!(!h.is_open_at(t(20)));
}

#[test]
fn merged_ticket_stops_at_the_merge() {
    let h = history(vec![
        created(0),
        reply(5, Author::Agent, true),
        TicketEvent::new("T", t(10), EventKind::Merged { into: "U".into() }),
        to(10, "closed"),
        reply(20, Author::Agent, true),
        to(30, "open"),
    ]);
    assert_eq!(h.merged_into().map(|id| id.as_str()), Some("U"));
    assert_eq!(h.status(), Status::Cancelled);
    assert!(h.resolutions().is_empty());
    assert_eq!(h.reopens(), 0);
    assert_eq!(h.public_agent_replies(), 1);
    assert_eq!(h.open_intervals(), &[(t(0), Some(t(10)))]);
    assert_eq!(
        h.status_spans(),
        &[
            span(Status::New, 0, Some(10)),
            span(Status::Cancelled, 10, None),
        ]
    );
}

#[test]
fn unmapped_status_strict_and_lenient() {
    let events = vec![
        TicketEvent::new("A", t(0), EventKind::Created),
        TicketEvent::new("B", t(0), EventKind::Created),
        TicketEvent::new(
            "B",
            t(5),
            EventKind::StatusChange {
                to: "Parked".into(),
            },
        ),
        TicketEvent::new("C", t(1), EventKind::Created),
        TicketEvent::new(
            "A",
            t(9),
            EventKind::StatusChange {
                to: "Resolved".into(),
            },
        ),
    ];
    let map = StatusMap::servicenow();
    let err = derive_histories(events.clone(), &map, DeriveOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnmappedStatus);
    assert_eq!(err.record().unwrap().id.as_deref(), Some("B"));
    assert_eq!(err.field(), Some("status"));
    assert_eq!(err.value(), Some("Parked"));
    assert!(err.to_string().contains("\"Parked\""), "{err}");

    let (ok, rejected) = derive_histories_lenient(events, &map, DeriveOptions::new());
    let ids: Vec<&str> = ok.iter().map(|h| h.id().as_str()).collect();
    assert_eq!(ids, ["A", "C"]);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].0.as_str(), "B");
    assert_eq!(rejected[0].1, err);
    assert_eq!(ok[0].ticket().resolution_seconds(), Some(9 * 60));
}

fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut all = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let head = rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, head.clone());
            all.push(tail);
        }
    }
    all
}

#[test]
fn unsorted_and_tied_events_give_one_history() {
    // Ties where the documented order makes them harmless: Created with a status change (Created
    // sorts first), and a bot reply with the first agent reply (the bot never counts).
    let events = vec![
        created(0),
        to(0, "open"),
        reply(15, Author::Bot, true),
        reply(15, Author::Agent, true),
        to(20, "solved"),
        to(40, "open"),
        to(60, "solved"),
    ];
    let expected = history(events.clone());
    assert_eq!(expected.ticket().first_response_seconds(), Some(15 * 60));
    assert_eq!(expected.resolutions(), &[t(20), t(60)]);
    assert_eq!(
        expected.status_spans(),
        &[
            span(Status::Open, 0, Some(20)),
            span(Status::Solved, 20, Some(40)),
            span(Status::Open, 40, Some(60)),
            span(Status::Solved, 60, None),
        ]
    );
    let all = permutations(&events);
    assert_eq!(all.len(), 5040);
    for permutation in all {
        assert_eq!(history(permutation), expected);
    }

    // Where the order matters, ties keep the input order: resolved then reopened at one instant
    // ends open; the other way round ends resolved.
    let h = history(vec![created(0), to(5, "solved"), to(5, "open")]);
    assert_eq!(h.status(), Status::Open);
    let h = history(vec![created(0), to(5, "open"), to(5, "solved")]);
    assert_eq!(h.status(), Status::Solved);
}

// ---- laws ----------------------------------------------------------------------------------

/// A significant event at its own minute (after creation) and noise that never matters.
#[derive(Debug, Clone)]
enum Step {
    Status(Status),
    Agent,
    Customer,
    Merge,
}

fn step(with_cancel: bool, with_merge: bool) -> impl Strategy<Value = Step> {
    let statuses: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| with_cancel || *s != Status::Cancelled)
        .collect();
    let merge_weight = if with_merge { 1 } else { 0 };
    prop_oneof![
        6 => proptest::sample::select(statuses).prop_map(Step::Status),
        2 => Just(Step::Agent),
        1 => Just(Step::Customer),
        merge_weight => Just(Step::Merge),
    ]
}

fn noise() -> impl Strategy<Value = (i64, EventKind)> {
    (
        0i64..200,
        prop_oneof![
            Just(EventKind::Reply {
                author: Author::Bot,
                public: true
            }),
            Just(EventKind::Reply {
                author: Author::System,
                public: true
            }),
            Just(EventKind::Reply {
                author: Author::Agent,
                public: false
            }),
        ],
    )
}

/// Events of one ticket, sorted, with distinct instants for everything order-sensitive.
fn ticket_events(with_cancel: bool, with_merge: bool) -> impl Strategy<Value = Vec<TicketEvent>> {
    (
        proptest::collection::btree_set(1i64..200, 0..12),
        proptest::collection::vec(step(with_cancel, with_merge), 12),
        proptest::collection::vec(noise(), 0..5),
    )
        .prop_map(|(minutes, steps, noise)| {
            let mut events = vec![created(0)];
            for (minute, step) in minutes.into_iter().zip(steps) {
                let kind = match step {
                    Step::Status(s) => EventKind::StatusChange {
                        to: s.as_str().to_owned(),
                    },
                    Step::Agent => EventKind::Reply {
                        author: Author::Agent,
                        public: true,
                    },
                    Step::Customer => EventKind::Reply {
                        author: Author::Customer,
                        public: true,
                    },
                    Step::Merge => EventKind::Merged { into: "U".into() },
                };
                events.push(TicketEvent::new("T", t(minute), kind));
            }
            events.extend(
                noise
                    .into_iter()
                    .map(|(minute, kind)| TicketEvent::new("T", t(minute), kind)),
            );
            events
        })
}

fn shuffled(
    with_cancel: bool,
    with_merge: bool,
) -> impl Strategy<Value = (Vec<TicketEvent>, Vec<TicketEvent>)> {
    ticket_events(with_cancel, with_merge)
        .prop_flat_map(|events| (Just(events.clone()), Just(events).prop_shuffle()))
}

/// Whether the ticket is open at `at`, by replaying its status changes up to `at` (nothing
/// after a merge counts).
fn naive_open_at(events: &[TicketEvent], at: Instant) -> bool {
    let merged_at = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Merged { .. }))
        .map(|e| e.at)
        .min();
    let created_at = events
        .iter()
        .find(|e| e.kind == EventKind::Created)
        .unwrap()
        .at;
    if at < created_at || merged_at.is_some_and(|m| m <= at) {
        return false;
    }
    let mut sorted: Vec<&TicketEvent> = events.iter().filter(|e| e.at <= at).collect();
    sorted.sort_by_key(|e| e.at);
    let mut status = Status::New;
    for e in sorted {
        if let EventKind::StatusChange { to } = &e.kind {
            status = to.parse().unwrap();
        }
    }
    status.category() == StatusCategory::Open
}

proptest! {
    #[test]
    fn shuffling_does_not_change_the_history((events, shuffled) in shuffled(true, true)) {
        prop_assert_eq!(history(shuffled), history(events));
    }

    #[test]
    fn intervals_and_spans_are_well_formed(events in ticket_events(true, true)) {
        let h = history(events);
        let intervals = h.open_intervals();
        prop_assert!(!intervals.is_empty());
        prop_assert_eq!(intervals[0].0, h.created_at());
        for (i, &(from, to)) in intervals.iter().enumerate() {
            match to {
                Some(to) => prop_assert!(from <= to),
                None => prop_assert_eq!(i, intervals.len() - 1),
            }
            if let Some(&(next_from, _)) = intervals.get(i + 1) {
                prop_assert!(to.is_some_and(|to| to <= next_from));
            }
        }
        let spans = h.status_spans();
        prop_assert_eq!(spans[0].from, h.created_at());
        prop_assert_eq!(spans.last().unwrap().to, None);
        prop_assert_eq!(spans.last().unwrap().status, h.status());
        for pair in spans.windows(2) {
            prop_assert_eq!(pair[0].to, Some(pair[1].from));
            prop_assert!(pair[0].from < pair[1].from);
            prop_assert!(pair[0].status != pair[1].status);
        }
    }

    #[test]
    fn reopens_follow_resolutions(events in ticket_events(false, false)) {
        let h = history(events);
        let resolutions = h.resolutions().len() as u32;
        match h.status().category() {
            StatusCategory::Resolved => {
                prop_assert_eq!(h.reopens() + 1, resolutions);
                prop_assert_eq!(h.ticket().resolved_at(), h.resolutions().last().copied());
                prop_assert_eq!(h.ticket().first_resolved_at(), h.resolutions().first().copied());
            }
            StatusCategory::Open => {
                prop_assert_eq!(h.reopens(), resolutions);
                prop_assert_eq!(h.ticket().resolved_at(), None);
            }
            StatusCategory::Cancelled => prop_assert!(false, "no cancellations generated"),
        }
        prop_assert_eq!(h.open_intervals().len() as u32, h.reopens() + 1);
    }

    #[test]
    fn open_at_matches_a_naive_replay(events in ticket_events(true, true)) {
        let h = history(events.clone());
        for minute in -1..=201 {
            prop_assert_eq!(h.is_open_at(t(minute)), naive_open_at(&events, t(minute)), "minute {}", minute);
        }
    }

    #[test]
    fn first_response_matches_a_naive_scan(events in ticket_events(true, true)) {
        let h = history(events.clone());
        let merged_at = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Merged { .. }))
            .map(|e| e.at)
            .min();
        let agent_replies: Vec<Instant> = events
            .iter()
            .filter(|e| e.kind == EventKind::Reply { author: Author::Agent, public: true })
            .filter(|e| merged_at.is_none_or(|m| e.at < m))
            .map(|e| e.at)
            .collect();
        prop_assert_eq!(h.ticket().first_response_at(), agent_replies.iter().min().copied());
        prop_assert_eq!(h.public_agent_replies() as usize, agent_replies.len());
    }
}

/// Events of one instant take a fixed order by kind (customer message, reply, assignment,
/// merge, status change), so a log read in shuffled partitions derives the same history.
#[test]
fn ties_of_different_kinds_do_not_depend_on_the_input_order() {
    let events = vec![
        created(0),
        reply(5, Author::Agent, true),
        to(5, "pending"),
        to(9, "open"),
        reply(9, Author::Customer, true),
        to(12, "solved"),
        reply(12, Author::Agent, true),
    ];
    let mut reversed = events.clone();
    reversed.reverse();
    let (a, b) = (history(events), history(reversed));
    assert_eq!(a, b);
    // The customer's message at 9 is answered by the reply at 12, which comes before the
    // solve of the same minute.
    assert_eq!(a.public_agent_replies(), 2);
    assert_eq!(a.resolutions(), &[t(12)]);
    assert_eq!(
        a.reply_waits()
            .iter()
            .map(|w| (w.from, w.to))
            .collect::<Vec<_>>(),
        [(t(9), Some(t(12)))]
    );
}
