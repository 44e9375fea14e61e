use super::*;
use chrono::{Duration, TimeZone, Utc};

fn t(minutes: i64) -> Instant {
    Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn ev(minutes: i64, kind: EventKind) -> TicketEvent {
    TicketEvent::new("T", t(minutes), kind)
}

fn to(minutes: i64, status: &str) -> TicketEvent {
    ev(
        minutes,
        EventKind::StatusChange {
            to: status.to_owned(),
        },
    )
}

fn reply(minutes: i64, author: Author, public: bool) -> TicketEvent {
    ev(minutes, EventKind::Reply { author, public })
}

fn derive(events: Vec<TicketEvent>) -> Result<TicketHistory> {
    derive_one(
        "T".into(),
        events,
        &StatusMap::canonical(),
        DeriveOptions::new(),
    )
}

fn span(status: Status, from: i64, to: Option<i64>) -> StatusSpan {
    StatusSpan {
        status,
        from: t(from),
        to: to.map(t),
    }
}

#[test]
fn a_ticket_starts_new_and_open() {
    let h = derive(vec![ev(0, EventKind::Created)]).unwrap();
    assert_eq!(h.status(), Status::New);
    assert_eq!(h.status_spans(), &[span(Status::New, 0, None)]);
    assert_eq!(h.open_intervals(), &[(t(0), None)]);
    assert_eq!(h.ticket().agent_replies(), Some(0));
    assert_eq!(h.ticket().first_response_at(), None);
}

#[test]
fn empty_spans_are_dropped_and_neighbours_merged() {
    // open at 10, pending and back to open within minute 20: one open span from 10.
    let h = derive(vec![
        ev(0, EventKind::Created),
        to(10, "open"),
        to(20, "pending"),
        to(20, "open"),
        to(20, "open"),
        to(30, "on_hold"),
    ])
    .unwrap();
    assert_eq!(
        h.status_spans(),
        &[
            span(Status::New, 0, Some(10)),
            span(Status::Open, 10, Some(30)),
            span(Status::OnHold, 30, None),
        ]
    );
    // A status taken at the creation instant replaces New.
    let h = derive(vec![ev(0, EventKind::Created), to(0, "solved")]).unwrap();
    assert_eq!(h.status_spans(), &[span(Status::Solved, 0, None)]);
    assert_eq!(h.open_intervals(), &[(t(0), Some(t(0)))]);
    assert_eq!(h.ticket().resolution_seconds(), Some(0));
    assert!(!h.is_open_at(t(0)));
}

#[test]
fn a_resolution_and_reopen_at_one_instant() {
    let h = derive(vec![
        ev(0, EventKind::Created),
        to(10, "solved"),
        to(10, "open"),
        to(20, "solved"),
    ])
    .unwrap();
    assert_eq!(h.resolutions(), &[t(10), t(20)]);
    assert_eq!(h.reopened_at(), &[t(10)]);
    assert_eq!(
        h.open_intervals(),
        &[(t(0), Some(t(10))), (t(10), Some(t(20)))]
    );
    assert!(h.is_open_at(t(10)));
    assert_eq!(
        h.status_spans(),
        &[
            span(Status::New, 0, Some(10)),
            span(Status::Open, 10, Some(20)),
            span(Status::Solved, 20, None),
        ]
    );
}

#[test]
fn cancelled_then_back_is_not_a_reopen() {
    let h = derive(vec![
        ev(0, EventKind::Created),
        to(10, "cancelled"),
        to(20, "open"),
        to(30, "solved"),
    ])
    .unwrap();
    assert_eq!(h.reopens(), 0);
    assert_eq!(h.resolutions(), &[t(30)]);
    assert_eq!(
        h.open_intervals(),
        &[(t(0), Some(t(10))), (t(20), Some(t(30)))]
    );
    assert_eq!(h.ticket().resolved_at(), Some(t(30)));

    // Solved then cancelled: the resolution is kept in the history, not in the summary.
    let h = derive(vec![
        ev(0, EventKind::Created),
        to(10, "solved"),
        to(20, "cancelled"),
    ])
    .unwrap();
    assert_eq!(h.resolutions(), &[t(10)]);
    assert_eq!(h.ticket().resolved_at(), None);
    assert_eq!(h.open_intervals(), &[(t(0), Some(t(10)))]);
}

#[test]
fn opening_message_rule() {
    let created_with_message = vec![
        ev(0, EventKind::Created),
        reply(0, Author::Agent, true),
        reply(30, Author::Agent, true),
    ];
    let h = derive(created_with_message).unwrap();
    assert_eq!(h.ticket().first_response_at(), Some(t(30)));
    assert_eq!(h.public_agent_replies(), 1);

    // A customer message first (even at the same instant): the agent's reply is a response.
    let h = derive(vec![
        ev(0, EventKind::Created),
        reply(0, Author::Customer, true),
        reply(0, Author::Agent, true),
    ])
    .unwrap();
    assert_eq!(h.ticket().first_response_seconds(), Some(0));

    // A private note or a bot at the creation instant does not use up the opening message.
    let h = derive(vec![
        ev(0, EventKind::Created),
        reply(0, Author::Agent, false),
        reply(0, Author::Bot, true),
        reply(0, Author::Agent, true),
        reply(5, Author::Agent, true),
    ])
    .unwrap();
    assert_eq!(h.ticket().first_response_at(), Some(t(5)));

    // Only one opening message.
    let h = derive(vec![
        ev(0, EventKind::Created),
        reply(0, Author::Agent, true),
        reply(0, Author::Agent, true),
    ])
    .unwrap();
    assert_eq!(h.ticket().first_response_seconds(), Some(0));
    assert_eq!(h.public_agent_replies(), 1);
}

#[test]
fn creation_errors() {
    let e = derive(vec![to(5, "open")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
    assert_eq!(e.field(), Some("created"));
    assert_eq!(e.record().unwrap().record_type, "event");
    assert_eq!(e.record().unwrap().id.as_deref(), Some("T"));

    let e = derive(vec![ev(9, EventKind::Created), ev(3, EventKind::Created)]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateId);
    assert_eq!(e.value(), Some(t(9).to_rfc3339().as_str()));
}

#[test]
fn events_before_creation_rejected_or_clamped() {
    let events = vec![
        to(-5, "open"),
        reply(-10, Author::Customer, true),
        ev(0, EventKind::Created),
        to(10, "solved"),
    ];
    let e = derive(events.clone()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NegativeDuration);
    assert_eq!(e.field(), Some("at"));
    assert_eq!(e.value(), Some(t(-10).to_rfc3339().as_str()));
    assert!(e.rule().contains("public customer reply"), "{e}");

    let clamp = DeriveOptions::new().before_creation(BeforeCreation::Clamp);
    let h = derive_one("T".into(), events, &StatusMap::canonical(), clamp).unwrap();
    assert_eq!(
        h.status_spans(),
        &[
            span(Status::Open, 0, Some(10)),
            span(Status::Solved, 10, None)
        ]
    );
    assert_eq!(h.ticket().resolution_seconds(), Some(600));
}

#[test]
fn unmapped_status_names_the_ticket() {
    let e = derive(vec![ev(0, EventKind::Created), to(3, "Parked")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnmappedStatus);
    assert_eq!(e.record().unwrap().id.as_deref(), Some("T"));
    assert_eq!((e.field(), e.value()), (Some("status"), Some("Parked")));
    // Also after a merge.
    let e = derive(vec![
        ev(0, EventKind::Created),
        ev(1, EventKind::Merged { into: "U".into() }),
        to(3, "Parked"),
    ])
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnmappedStatus);
}

#[test]
fn waiting_time() {
    let h = derive(vec![
        ev(0, EventKind::Created),
        to(10, "pending"),
        to(40, "open"),
        to(50, "on_hold"),
    ])
    .unwrap();
    assert_eq!(h.waiting_seconds_between(t(0), t(60)), 40 * 60);
    assert_eq!(h.waiting_seconds_between(t(20), t(55)), 25 * 60);
    assert_eq!(h.waiting_seconds_between(t(60), t(0)), 0);
    assert_eq!(
        h.time_in_between(t(0), t(1000), |s| s == Status::Open),
        Duration::minutes(10)
    );
}

#[test]
fn grouping_keeps_first_appearance_order() {
    let events = vec![
        TicketEvent::new("B", t(0), EventKind::Created),
        TicketEvent::new("A", t(0), EventKind::Created),
        TicketEvent::new("B", t(1), EventKind::Merged { into: "A".into() }),
    ];
    let groups = group_by_ticket(events);
    let ids: Vec<&str> = groups.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["B", "A"]);
    assert_eq!(groups[0].1.len(), 2);
}

/// INC0000137's shape: a row stamped later listed before rows stamped earlier. Source order
/// keeps the listing; a no-op row (New while New) holds no later row back, an effective one does.
#[test]
fn source_order_keeps_the_input_order_and_never_runs_backwards() {
    let events = || {
        vec![
            ev(0, EventKind::Created),
            to(82, "new"),
            to(4, "new"),
            to(75, "solved"),
            to(70, "open"),
            reply(60, Author::Agent, true),
            to(90, "closed"),
        ]
    };
    let source = DeriveOptions::new().order(EventOrder::Source);
    let h = derive_one("T".into(), events(), &StatusMap::canonical(), source).unwrap();
    // new → new → solved (75) → open (taken at 75) → reply (75) → closed (90).
    assert_eq!(h.resolutions(), &[t(75), t(90)]);
    assert_eq!(h.reopened_at(), &[t(75)]);
    assert_eq!(h.reopens(), 1);
    assert_eq!(h.ticket().first_response_at(), Some(t(75)));
    assert_eq!(
        h.open_intervals(),
        &[(t(0), Some(t(75))), (t(75), Some(t(90)))]
    );

    // Time order: new (4) → reply (60) → open (70) → solved (75) → new (82) → closed (90).
    let h = derive(events()).unwrap();
    assert_eq!(h.resolutions(), &[t(75), t(90)]);
    assert_eq!(h.reopened_at(), &[t(82)]);
    assert_eq!(h.ticket().first_response_at(), Some(t(60)));
}

fn of(id: &str, minutes: i64, kind: EventKind) -> TicketEvent {
    TicketEvent::new(id, t(minutes), kind)
}

fn merged(id: &str, minutes: i64, into: &str) -> TicketEvent {
    of(id, minutes, EventKind::Merged { into: into.into() })
}

#[test]
fn a_ticket_merged_into_itself_is_an_error_naming_it() {
    let e = derive(vec![ev(0, EventKind::Created), merged("T", 5, "T")]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert_eq!(e.record().unwrap().id.as_deref(), Some("T"));
    assert_eq!((e.field(), e.value()), (Some("into"), Some("T")));
}

/// A into B and B into A: neither carries the other on, so both would leave the backlog.
#[test]
fn merge_cycles_are_errors_naming_the_tickets() {
    let events = vec![
        of("A", 0, EventKind::Created),
        of("B", 0, EventKind::Created),
        of("C", 0, EventKind::Created),
        merged("A", 10, "B"),
        merged("B", 20, "A"),
        // C into A is not in the circle: it is fine on its own, A's trouble is not C's.
        merged("C", 30, "A"),
    ];
    let map = StatusMap::canonical();
    let e = derive_histories(events.clone(), &map, DeriveOptions::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert_eq!(e.record().unwrap().id.as_deref(), Some("A"));
    assert_eq!((e.field(), e.value()), (Some("into"), Some("B")));
    assert!(e.to_string().contains("A -> B -> A"), "{e}");

    let (ok, failed) = derive_histories_lenient(events, &map, DeriveOptions::new());
    let ok: Vec<&str> = ok.iter().map(|h| h.id().as_str()).collect();
    assert_eq!(ok, ["C"]);
    let failed: Vec<(&str, Option<&str>)> = failed
        .iter()
        .map(|(id, e)| (id.as_str(), e.value()))
        .collect();
    assert_eq!(failed, [("A", Some("B")), ("B", Some("A"))]);

    // A longer circle, found from any of its tickets.
    let three = vec![
        of("X", 0, EventKind::Created),
        of("Y", 0, EventKind::Created),
        of("Z", 0, EventKind::Created),
        merged("Y", 1, "Z"),
        merged("Z", 2, "X"),
        merged("X", 3, "Y"),
    ];
    let e = derive_histories(three, &map, DeriveOptions::new()).unwrap_err();
    assert!(e.to_string().contains("X -> Y -> Z -> X"), "{e}");
}

#[test]
fn a_merge_chain_without_a_circle_is_fine() {
    let events = vec![
        of("A", 0, EventKind::Created),
        of("B", 0, EventKind::Created),
        of("C", 0, EventKind::Created),
        merged("A", 10, "B"),
        merged("B", 20, "C"),
        merged("C", 30, "D"),
    ];
    let h = derive_histories(events, &StatusMap::canonical(), DeriveOptions::new()).unwrap();
    assert_eq!(h.len(), 3);
}
