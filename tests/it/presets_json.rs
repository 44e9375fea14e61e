//! The JSON API presets on sample files built from the vendors' documented formats (see
//! tests/data/README.md). Every figure is worked out by hand from the file.

use chrono::{DateTime, Utc};
use std::path::PathBuf;
use supportkpi::io::presets::zendesk_json::{read_zendesk_json, read_zendesk_ratings};
use supportkpi::io::{ErrorMode, Preset, ReadOptions, Sources, load};
use supportkpi::kpi::{FirstContactResolution, Kpi};
use supportkpi::model::{Status, SurveyKind};
use supportkpi::report::{Report, ReportOptions};
use supportkpi::{ErrorKind, Period, Ticket};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn zendesk_tickets() -> Vec<Ticket> {
    let file = std::fs::File::open(data("zendesk_incremental_tickets.json")).unwrap();
    let out = read_zendesk_json(file, &ReadOptions::new().keep_extra_columns(true)).unwrap();
    // 12 records in two pages; 1003 is listed again in the second (solved since): 11 read.
    assert_eq!(
        (out.read, out.records.len(), out.rejected.len()),
        (11, 11, 0)
    );
    out.records
}

fn by_id<'a>(tickets: &'a [Ticket], id: &str) -> &'a Ticket {
    tickets.iter().find(|t| t.id().as_str() == id).unwrap()
}

#[test]
fn zendesk_json_every_field_by_hand() {
    let t = zendesk_tickets();
    let ids: Vec<&str> = t.iter().map(|t| t.id().as_str()).collect();
    // Input order, the superseded 1003 of page 1 dropped and its page-2 record in its place.
    assert_eq!(
        ids,
        [
            "1001", "1002", "1004", "1005", "1006", "1007", "1008", "1009", "1003", "1010", "1011"
        ]
    );

    // new: no reply yet (reply_time null), no priority, no assignee or group.
    let a = by_id(&t, "1001");
    assert_eq!(a.status(), Status::New);
    assert_eq!(a.created_at(), utc("2021-06-01T08:00:00Z"));
    assert_eq!((a.first_response_at(), a.resolved_at()), (None, None));
    assert_eq!((a.priority(), a.assignee(), a.team()), (None, None, None));
    assert_eq!(a.channel(), Some("web"));
    assert_eq!(a.customer_id().unwrap().as_str(), "501");
    assert_eq!((a.agent_replies(), a.reopens()), (Some(0), Some(0)));

    // open, created with a +02:00 offset: 08:30 UTC; first reply 15 min later.
    let b = by_id(&t, "1002");
    assert_eq!(b.status(), Status::Open);
    assert_eq!(b.created_at(), utc("2021-06-01T08:30:00Z"));
    assert_eq!(b.first_response_at(), Some(utc("2021-06-01T08:45:00Z")));
    assert_eq!(
        (b.priority(), b.assignee(), b.team()),
        (Some("high"), Some("9001"), Some("77"))
    );
    assert_eq!(b.dimension("type"), Some("question"));
    assert_eq!(b.resolved_at(), None);

    // hold → on hold; pending 1003 was solved since (page 2).
    assert_eq!(by_id(&t, "1004").status(), Status::OnHold);
    assert_eq!(by_id(&t, "1004").first_response_seconds(), Some(60 * 60));
    let c = by_id(&t, "1003");
    assert_eq!(c.status(), Status::Solved);
    assert_eq!(c.first_response_seconds(), Some(5 * 60));
    assert_eq!(c.resolved_at(), Some(utc("2021-06-01T11:00:00Z")));
    assert_eq!(c.resolution_seconds(), Some(2 * 3600));

    // solved, urgent, rated good.
    let d = by_id(&t, "1005");
    assert_eq!(d.status(), Status::Solved);
    assert_eq!(d.first_response_seconds(), Some(30 * 60));
    assert_eq!(d.resolution_seconds(), Some(120 * 60));
    assert_eq!(d.first_resolved_at(), d.resolved_at());
    assert_eq!(d.dimension("satisfaction"), Some("good"));

    // Reopened once and solved again: first resolution 60 min, full 1,440 min (= solved_at).
    let e = by_id(&t, "1006");
    assert_eq!(e.reopens(), Some(1));
    assert_eq!(e.agent_replies(), Some(3));
    assert_eq!(e.first_resolved_at(), Some(utc("2021-06-02T09:00:00Z")));
    assert_eq!(e.resolved_at(), Some(utc("2021-06-03T08:00:00Z")));
    assert_eq!(e.resolution_seconds(), Some(1440 * 60));

    // Reopened and open at export: its solved_at is a past resolution, dropped.
    let f = by_id(&t, "1007");
    assert_eq!(f.status(), Status::Open);
    assert_eq!((f.resolved_at(), f.first_resolved_at()), (None, None));
    assert_eq!(f.reopens(), Some(1));
    assert_eq!(f.first_response_seconds(), Some(20 * 60));

    // closed.
    let g = by_id(&t, "1008");
    assert_eq!(g.status(), Status::Closed);
    assert_eq!(g.resolution_seconds(), Some(4 * 3600));
    assert_eq!(g.first_response_seconds(), Some(45 * 60));

    // Merged into another ticket (closed_by_merge): cancelled, not resolved.
    let h = by_id(&t, "1009");
    assert_eq!(h.status(), Status::Cancelled);
    assert_eq!(h.resolved_at(), None);
    assert_eq!(h.priority(), None);

    // Deleted, no metric set: cancelled; replies and reopens unknown, not 0.
    let i = by_id(&t, "1010");
    assert_eq!(i.status(), Status::Cancelled);
    assert_eq!((i.agent_replies(), i.reopens()), (None, None));

    // Solved without a metric set: the resolution instant is unknown.
    let j = by_id(&t, "1011");
    assert_eq!(j.status(), Status::Solved);
    assert_eq!(
        (j.resolved_at(), j.first_response_at(), j.reopens()),
        (None, None, None)
    );
}

#[test]
fn zendesk_json_first_contact_resolution() {
    let t = zendesk_tickets();
    // Judged: the 9 tickets with a metric set (1010 and 1011 have none: unknown replies).
    // Resolved (solved/closed with solved_at): 1003, 1005, 1006, 1008 → first contact: 1005
    // (1 reply), 1008 (1 reply); 1003 has 2 replies, 1006 was reopened.
    let r = FirstContactResolution::default().compute(&t).unwrap();
    assert_eq!(
        (r.tickets, r.replies_unknown, r.reopens_unknown),
        (11, 2, 0)
    );
    assert_eq!((r.numerator, r.denominator, r.resolved), (2, 9, 4));
    assert_eq!(
        (r.zero_touch, r.one_touch, r.two_touch, r.multi_touch),
        (0, 2, 1, 1)
    );
}

#[test]
fn zendesk_json_reads_bare_arrays_and_json_lines_alike() {
    let page = std::fs::read_to_string(data("zendesk_incremental_tickets.json")).unwrap();
    let first: serde_json::Value = serde_json::from_str(page.lines().next().unwrap()).unwrap();
    let tickets = first["tickets"].as_array().unwrap();
    let array = serde_json::to_string(tickets).unwrap();
    let lines: String = tickets.iter().map(|t| format!("{t}\n")).collect();
    for text in [array, lines] {
        let out = read_zendesk_json(text.as_bytes(), &ReadOptions::new()).unwrap();
        assert_eq!(out.read, 9);
        // Without the sideloaded metric sets nothing derived from them is known.
        let b = out
            .records
            .iter()
            .find(|t| t.id().as_str() == "1002")
            .unwrap();
        assert_eq!(
            (b.first_response_at(), b.agent_replies(), b.reopens()),
            (None, None, None)
        );
    }
}

#[test]
fn zendesk_json_errors_name_the_ticket_field_and_value() {
    let doc = r#"{"tickets": [
        {"id": 1, "created_at": "2021-06-01T08:00:00Z", "status": "escalated"},
        {"id": 2, "created_at": "yesterday", "status": "open"},
        {"id": 3, "created_at": "2021-06-01T08:00:00Z", "status": "solved"},
        {"created_at": "2021-06-01T08:00:00Z", "status": "open"}],
      "metric_sets": [{"ticket_id": 3, "reply_time_in_minutes": {"calendar": -5}}]}"#;
    let err = read_zendesk_json(doc.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnmappedStatus);
    assert_eq!(
        (err.field(), err.value()),
        (Some("status"), Some("escalated"))
    );
    assert_eq!(err.record().unwrap().id.as_deref(), Some("1"));
    assert_eq!(err.line(), Some(1));

    let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
    let out = read_zendesk_json(doc.as_bytes(), &lenient).unwrap();
    assert_eq!((out.read, out.records.len(), out.rejected.len()), (4, 0, 4));
    let kinds: Vec<(ErrorKind, Option<&str>, u64)> = out
        .rejected
        .iter()
        .map(|r| (r.error.kind(), r.error.field(), r.line))
        .collect();
    assert_eq!(
        kinds,
        [
            (ErrorKind::UnmappedStatus, Some("status"), 1),
            (ErrorKind::InvalidTimestamp, Some("created_at"), 2),
            (
                ErrorKind::NegativeDuration,
                Some("metric_sets.reply_time_in_minutes.calendar"),
                3
            ),
            (ErrorKind::MissingField, Some("id"), 4),
        ]
    );

    let not_json = read_zendesk_json("{\"tickets\": [".as_bytes(), &ReadOptions::new());
    assert_eq!(not_json.unwrap_err().kind(), ErrorKind::InvalidValue);
}

#[test]
fn zendesk_satisfaction_ratings_are_csat_responses() {
    let file = std::fs::File::open(data("zendesk_satisfaction_ratings.json")).unwrap();
    let out = read_zendesk_ratings(file, &ReadOptions::new()).unwrap();
    // 5 ratings: "offered" and "unoffered" are not responses.
    assert_eq!((out.read, out.rejected.len()), (3, 0));
    let s: Vec<(&str, Option<&str>, DateTime<Utc>, i32)> = out
        .records
        .iter()
        .map(|s| {
            assert_eq!(s.kind(), SurveyKind::Csat);
            (
                s.id().as_str(),
                s.ticket_id().map(|t| t.as_str()),
                s.responded_at(),
                s.score(),
            )
        })
        .collect();
    assert_eq!(
        s,
        [
            ("7001", Some("1005"), utc("2021-06-02T10:15:00Z"), 5),
            ("7002", Some("1006"), utc("2021-06-03T09:00:00Z"), 1),
            ("7004", Some("1011"), utc("2021-06-03T12:00:00Z"), 4),
        ]
    );
    assert_eq!(out.records[0].customer_id().unwrap().as_str(), "505");
    assert_eq!(out.records[2].customer_id(), None);
}

/// The preset through `io::load` (what the CLI, Python and C doors call): tickets and
/// satisfaction ratings into one report.
#[test]
fn zendesk_json_through_load_into_a_report() {
    let sources = Sources {
        tickets: Some(data("zendesk_incremental_tickets.json")),
        surveys: Some(data("zendesk_satisfaction_ratings.json")),
        preset: Some("zendesk-json".parse::<Preset>().unwrap()),
        ..Sources::default()
    };
    let loaded = load(&sources, &ReadOptions::new()).unwrap();
    assert!(loaded.rejected.is_empty());
    assert_eq!(
        (loaded.input.tickets.len(), loaded.input.surveys.len()),
        (11, 3)
    );
    let report = Report::compute(
        &loaded.input,
        &ReportOptions::default().with_period(Period::Year),
    )
    .unwrap();
    let total = report.total_rows().next().unwrap();
    assert_eq!(total.tickets_created, 11);
    // Resolved: 1003, 1005, 1006, 1008 (1011's instant is unknown).
    assert_eq!(total.tickets_resolved, 4);
    // good, bad, 4: two of three in the top two boxes.
    assert_eq!(total.csat_n, 3);
    assert_eq!(total.csat_pct, Some(200.0 / 3.0));
}

/// Auto-detection picks the right preset for every sample file and refuses the canonical
/// files of other record types.
#[test]
fn detection_of_every_sample() {
    use supportkpi::io::presets::detect::{Layout, detect_tickets};
    let example = |name: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("examples/data")
            .join(name)
    };
    for (path, layout) in [
        (
            data("servicenow_incident_events.csv"),
            Layout::Preset(Preset::ServiceNow),
        ),
        (data("zendesk_tickets.csv"), Layout::Preset(Preset::Zendesk)),
        (
            data("freshdesk_tickets.csv"),
            Layout::Preset(Preset::Freshdesk),
        ),
        (
            data("zendesk_incremental_tickets.json"),
            Layout::Preset(Preset::ZendeskJson),
        ),
        (
            data("freshdesk_api_tickets.json"),
            Layout::Preset(Preset::FreshdeskJson),
        ),
        (
            data("intercom_conversations.json"),
            Layout::Preset(Preset::Intercom),
        ),
        (
            data("jira_service_requests.csv"),
            Layout::Preset(Preset::Jira),
        ),
        (data("hubspot_tickets.csv"), Layout::Preset(Preset::Hubspot)),
        (
            data("helpscout_conversations.json"),
            Layout::Preset(Preset::HelpScout),
        ),
        (data("zammad_tickets.json"), Layout::Preset(Preset::Zammad)),
        (
            data("chatwoot_conversations.json"),
            Layout::Preset(Preset::Chatwoot),
        ),
        (example("tickets.csv"), Layout::Canonical),
    ] {
        assert_eq!(
            detect_tickets(&path, &ReadOptions::new()).unwrap(),
            layout,
            "{path:?}"
        );
    }
    for (name, what) in [
        ("events.csv", "an event log"),
        ("surveys.csv", "survey responses"),
        ("customers.csv", "customers"),
        ("costs.csv", "cost entries"),
    ] {
        let err = detect_tickets(example(name), &ReadOptions::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidValue, "{name}");
        assert!(
            err.rule().contains(&format!("canonical layout of {what}")),
            "{err}"
        );
    }
    // A layout nobody knows: the presets and the canonical columns are listed.
    let dir = std::env::temp_dir().join(format!("supportkpi-detect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let odd = dir.join("odd.csv");
    std::fs::write(&odd, "Key,Summary,Created\nSUP-1,Printer,2021-06-01\n").unwrap();
    let err = detect_tickets(&odd, &ReadOptions::new()).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::MissingField, Some("id"))
    );
    for needle in [
        "servicenow (number",
        "freshdesk (ticket id",
        "canonical layout (id, created_at",
    ] {
        assert!(err.rule().contains(needle), "{err}");
    }
    // Through load: the detected preset is reported.
    let loaded = load(
        &Sources {
            tickets: Some(data("freshdesk_tickets.csv")),
            ..Sources::default()
        },
        &ReadOptions::new(),
    )
    .unwrap();
    assert_eq!(
        (loaded.preset, loaded.detected),
        (Some(Preset::Freshdesk), true)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Freshdesk API JSON

fn freshdesk_tickets() -> Vec<Ticket> {
    use supportkpi::io::presets::freshdesk_json::read_freshdesk_json;
    let file = std::fs::File::open(data("freshdesk_api_tickets.json")).unwrap();
    let out = read_freshdesk_json(file, &ReadOptions::new().keep_extra_columns(true)).unwrap();
    // 10 records in two pages; 21 is listed again in the second (resolved since): 9 read.
    assert_eq!((out.read, out.records.len(), out.rejected.len()), (9, 9, 0));
    out.records
}

#[test]
fn freshdesk_json_every_field_by_hand() {
    let t = freshdesk_tickets();
    let ids: Vec<&str> = t.iter().map(|t| t.id().as_str()).collect();
    assert_eq!(ids, ["20", "22", "23", "24", "25", "26", "21", "27", "28"]);
    // Freshdesk's API carries no reply count: unknown for every ticket.
    assert!(t.iter().all(|t| t.agent_replies().is_none()));

    let a = by_id(&t, "20");
    assert_eq!(a.status(), Status::Open);
    assert_eq!((a.priority(), a.channel()), (Some("Low"), Some("Email")));
    assert_eq!(
        (a.first_response_at(), a.resolved_at(), a.assignee()),
        (None, None, None)
    );
    assert_eq!(a.reopens(), Some(0));
    assert_eq!(a.customer_id().unwrap().as_str(), "501");

    // Pending at page 1, resolved in page 2; created 10:30+02:00 = 08:30 UTC.
    let b = by_id(&t, "21");
    assert_eq!(b.status(), Status::Solved);
    assert_eq!(b.created_at(), utc("2021-06-01T08:30:00Z"));
    assert_eq!(b.first_response_seconds(), Some(20 * 60));
    assert_eq!(b.resolution_seconds(), Some(6 * 3600 + 30 * 60));
    assert_eq!((b.channel(), b.priority()), (Some("Chat"), Some("Medium")));
    assert_eq!(b.dimension("type"), Some("Question"));

    let c = by_id(&t, "22");
    assert_eq!(
        (c.status(), c.priority(), c.channel()),
        (Status::Solved, Some("High"), Some("Phone"))
    );
    assert_eq!(c.first_response_seconds(), Some(10 * 60));
    assert_eq!(c.resolution_seconds(), Some(3 * 3600));
    assert_eq!((c.team(), c.assignee()), (Some("77"), Some("9001")));

    // Closed after a reopen: resolved_at (not closed_at) is the resolution; reopened once.
    let d = by_id(&t, "23");
    assert_eq!(
        (d.status(), d.priority(), d.channel()),
        (Status::Closed, Some("Urgent"), Some("Portal"))
    );
    assert_eq!(d.resolution_seconds(), Some(24 * 3600));
    assert_eq!(d.reopens(), Some(1));

    // Reopened and open: the past resolution is dropped.
    let e = by_id(&t, "24");
    assert_eq!(
        (e.status(), e.resolved_at(), e.reopens()),
        (Status::Open, None, Some(1))
    );

    // Spam and deleted: cancelled.
    let f = by_id(&t, "25");
    assert_eq!(
        (f.status(), f.channel()),
        (Status::Cancelled, Some("Outbound Email"))
    );
    let g = by_id(&t, "27");
    assert_eq!(
        (g.status(), g.resolved_at(), g.reopens()),
        (Status::Cancelled, None, None)
    );

    // Closed without resolved_at: closed_at.
    let h = by_id(&t, "26");
    assert_eq!(h.resolution_seconds(), Some(8 * 3600 + 30 * 60));
    assert_eq!(h.first_response_seconds(), Some(45 * 60));

    // No stats: first response, reopens and resolution unknown.
    let i = by_id(&t, "28");
    assert_eq!(i.channel(), Some("Feedback Widget"));
    assert_eq!((i.first_response_at(), i.reopens()), (None, None));
}

#[test]
fn freshdesk_json_custom_status_is_unmapped_until_mapped() {
    use supportkpi::io::presets::freshdesk_json::read_freshdesk_json;
    let doc = r#"[{"id": 1, "created_at": "2021-06-01T08:00:00Z", "status": 6}]"#;
    let err = read_freshdesk_json(doc.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnmappedStatus);
    assert_eq!((err.field(), err.value()), (Some("status"), Some("6")));
    let map = supportkpi::io::Preset::FreshdeskJson
        .status_map()
        .with("6", Status::OnHold);
    let out = read_freshdesk_json(doc.as_bytes(), &ReadOptions::new().status_map(map)).unwrap();
    assert_eq!(out.records[0].status(), Status::OnHold);
}

#[test]
fn freshdesk_json_through_load_detected_with_ratings() {
    let sources = Sources {
        tickets: Some(data("freshdesk_api_tickets.json")),
        surveys: Some(data("freshdesk_satisfaction_ratings.json")),
        ..Sources::default()
    };
    let loaded = load(&sources, &ReadOptions::new()).unwrap();
    assert_eq!(
        (loaded.preset, loaded.detected),
        (Some(Preset::FreshdeskJson), true)
    );
    assert_eq!(
        (loaded.input.tickets.len(), loaded.input.surveys.len()),
        (9, 3)
    );
    let scores: Vec<(&str, i32, DateTime<Utc>)> = loaded
        .input
        .surveys
        .iter()
        .map(|s| (s.ticket_id().unwrap().as_str(), s.score(), s.responded_at()))
        .collect();
    assert_eq!(
        scores,
        [
            ("22", 5, utc("2021-06-01T13:00:00Z")),
            ("23", 1, utc("2021-06-05T08:00:00Z")),
            ("26", 3, utc("2021-06-04T10:00:00Z")),
        ]
    );
    let report = Report::compute(
        &loaded.input,
        &ReportOptions::default().with_period(Period::Year),
    )
    .unwrap();
    let total = report.total_rows().next().unwrap();
    assert_eq!(total.tickets_created, 9);
    // Resolved: 21, 22, 23, 26.
    assert_eq!(total.tickets_resolved, 4);
    assert_eq!((total.csat_n, total.csat_pct), (3, Some(100.0 / 3.0)));

    // FCR: replies unknown for every ticket, so undefined rather than a guess.
    let r = FirstContactResolution::default()
        .compute(&loaded.input.tickets)
        .unwrap();
    assert_eq!((r.replies_unknown, r.denominator), (9, 0));
}

// ---------------------------------------------------------------------------------------------
// Intercom conversations

fn intercom_file() -> std::fs::File {
    std::fs::File::open(data("intercom_conversations.json")).unwrap()
}

#[test]
fn intercom_summary_by_hand() {
    use supportkpi::io::presets::intercom::read_intercom;
    let out = read_intercom(intercom_file(), &ReadOptions::new()).unwrap();
    assert_eq!((out.read, out.rejected.len()), (4, 0));
    let t = &out.records;
    let t0 = utc("2021-06-01T09:00:00Z");
    let at = |s: i64| t0 + chrono::Duration::seconds(s);

    // Closed, reopened once, closed again; rated 4.
    let a = by_id(t, "101");
    assert_eq!(a.status(), Status::Closed);
    assert_eq!(a.created_at(), t0);
    assert_eq!(a.first_response_at(), Some(at(600)));
    assert_eq!(
        (a.first_resolved_at(), a.resolved_at()),
        (Some(at(3600)), Some(at(9000)))
    );
    assert_eq!((a.reopens(), a.agent_replies()), (Some(1), Some(3)));
    assert_eq!(
        (a.customer_id().unwrap().as_str(), a.assignee(), a.team()),
        ("c-1", Some("9001"), Some("5017691"))
    );
    assert_eq!(
        (a.channel(), a.priority()),
        (Some("conversation"), Some("not_priority"))
    );

    // Admin-initiated, open, unassigned (0), no team.
    let b = by_id(t, "102");
    assert_eq!(b.status(), Status::Open);
    assert_eq!(b.first_response_seconds(), Some(900));
    assert_eq!(
        (b.resolved_at(), b.assignee(), b.team()),
        (None, None, None)
    );
    assert_eq!(
        (b.channel(), b.priority()),
        (Some("email"), Some("priority"))
    );
    assert_eq!(b.agent_replies(), Some(1));

    // Snoozed → pending; no contacts.
    let c = by_id(t, "103");
    assert_eq!((c.status(), c.customer_id()), (Status::Pending, None));
    assert_eq!(c.first_response_seconds(), Some(120));

    // Without its parts (a search page): replies unknown, the statistics still give the rest.
    let d = by_id(t, "104");
    assert_eq!(d.agent_replies(), None);
    assert_eq!(
        (d.first_response_seconds(), d.resolution_seconds()),
        (Some(300), Some(1800))
    );
    assert_eq!(d.reopens(), Some(0));
}

/// The event log from the conversation parts, derived by the library's rules, gives what
/// Intercom's own statistics say (exact seconds: no rounding), for every conversation with its
/// parts.
#[test]
fn intercom_parts_derive_to_the_statistics() {
    use supportkpi::io::presets::intercom::{read_intercom, read_intercom_events};
    use supportkpi::model::{DeriveOptions, derive_histories};
    let summary = read_intercom(intercom_file(), &ReadOptions::new())
        .unwrap()
        .records;
    let events = read_intercom_events(intercom_file(), &ReadOptions::new()).unwrap();
    assert_eq!(events.read, 4);
    let map = Preset::Intercom.status_map();
    let histories = derive_histories(
        events.records.into_iter().flatten(),
        &map,
        DeriveOptions::new(),
    )
    .unwrap();
    let mut compared = 0;
    for h in &histories {
        let s = by_id(&summary, h.id().as_str());
        let d = h.ticket();
        if s.agent_replies().is_none() {
            continue; // 104: no parts to derive from
        }
        compared += 1;
        assert_eq!(d.status(), s.status(), "{}", h.id());
        assert_eq!(d.first_response_at(), s.first_response_at(), "{}", h.id());
        assert_eq!(d.first_resolved_at(), s.first_resolved_at(), "{}", h.id());
        assert_eq!(d.resolved_at(), s.resolved_at(), "{}", h.id());
        assert_eq!(Some(h.reopens()), s.reopens(), "{}", h.id());
        assert_eq!(
            Some(h.public_agent_replies()),
            s.agent_replies(),
            "{}",
            h.id()
        );
    }
    assert_eq!(compared, 3);
}

#[test]
fn intercom_detected_with_ratings_through_load() {
    let path = data("intercom_conversations.json");
    let sources = Sources {
        tickets: Some(path.clone()),
        surveys: Some(path),
        ..Sources::default()
    };
    let loaded = load(&sources, &ReadOptions::new()).unwrap();
    assert_eq!(
        (loaded.preset, loaded.detected),
        (Some(Preset::Intercom), true)
    );
    let ratings: Vec<(&str, Option<&str>, i32)> = loaded
        .input
        .surveys
        .iter()
        .map(|s| {
            (
                s.id().as_str(),
                s.ticket_id().map(|t| t.as_str()),
                s.score(),
            )
        })
        .collect();
    assert_eq!(
        ratings,
        [
            ("101-rating", Some("101"), 4),
            ("104-rating", Some("104"), 5)
        ]
    );
    let report = Report::compute(
        &loaded.input,
        &ReportOptions::default().with_period(Period::Year),
    )
    .unwrap();
    let total = report.total_rows().next().unwrap();
    assert_eq!((total.tickets_created, total.tickets_resolved), (4, 2));
    assert_eq!((total.csat_n, total.csat_pct), (2, Some(100.0)));
}

// ---------------------------------------------------------------------------------------------
// Jira Service Management CSV

#[test]
fn jira_every_field_by_hand() {
    use supportkpi::io::read_tickets;
    let path = data("jira_service_requests.csv");
    let out = read_tickets(&path, &ReadOptions::new().preset(Preset::Jira)).unwrap();
    assert_eq!((out.read, out.rejected.len()), (10, 0));
    let t = &out.records;
    let status: Vec<(&str, Status)> = t.iter().map(|t| (t.id().as_str(), t.status())).collect();
    assert_eq!(
        status,
        [
            ("HELP-1", Status::Open),
            ("HELP-2", Status::Open),
            ("HELP-3", Status::Pending),
            ("HELP-4", Status::OnHold),
            ("HELP-5", Status::Solved),
            ("HELP-6", Status::Closed),
            ("HELP-7", Status::Cancelled),
            ("HELP-8", Status::Open),
            ("HELP-9", Status::New),
            ("HELP-10", Status::Solved),
        ]
    );
    let a = by_id(t, "HELP-1");
    assert_eq!(a.created_at(), utc("2021-06-01T09:00:00Z"));
    assert_eq!((a.assignee(), a.resolved_at()), (None, None));
    assert_eq!(
        (a.channel(), a.priority()),
        (Some("Get IT help"), Some("Medium"))
    );
    assert_eq!(a.customer_id().unwrap().as_str(), "kim");
    // Nothing the export lacks is guessed.
    assert!(t.iter().all(|t| t.first_response_at().is_none()
        && t.agent_replies().is_none()
        && t.reopens().is_none()));
    assert_eq!(
        by_id(t, "HELP-5").resolution_seconds(),
        Some(3 * 3600 + 30 * 60)
    );
    // 12:00 PM is noon; 12:15 AM a quarter past midnight.
    assert_eq!(by_id(t, "HELP-6").resolution_seconds(), Some(28 * 3600));
    assert_eq!(by_id(t, "HELP-9").created_at(), utc("2021-06-03T00:15:00Z"));
    // Canceled, and reopened since its resolution: no resolution.
    assert_eq!(by_id(t, "HELP-7").resolved_at(), None);
    assert_eq!(by_id(t, "HELP-8").resolved_at(), None);
    let j = by_id(t, "HELP-10");
    assert_eq!(
        (j.priority(), j.resolution_seconds()),
        (None, Some(45 * 60))
    );

    // The user's zone, declared.
    let berlin = ReadOptions::new()
        .preset(Preset::Jira)
        .zone("Europe/Berlin")
        .unwrap();
    let out = read_tickets(&path, &berlin).unwrap();
    assert_eq!(out.records[0].created_at(), utc("2021-06-01T07:00:00Z"));

    // A workflow's own status: unmapped, named; mapped, read.
    let csv = "Issue key,Status,Created\nHELP-11,Awaiting CAB,01/Jun/21 9:00 AM\n";
    let options = ReadOptions::new().preset(Preset::Jira);
    let err = supportkpi::io::TicketReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err()
        .error;
    assert_eq!(err.kind(), ErrorKind::UnmappedStatus);
    assert_eq!(
        (err.field(), err.value()),
        (Some("Status"), Some("Awaiting CAB"))
    );
    let map = Preset::Jira
        .status_map()
        .with("Awaiting CAB", Status::OnHold);
    let t = supportkpi::io::TicketReader::csv(csv.as_bytes(), &options.status_map(map))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(t.status(), Status::OnHold);
}

// ---------------------------------------------------------------------------------------------
// HubSpot tickets CSV

#[test]
fn hubspot_every_field_by_hand() {
    use supportkpi::io::read_tickets;
    let path = data("hubspot_tickets.csv");
    let out = read_tickets(&path, &ReadOptions::new().preset(Preset::Hubspot)).unwrap();
    assert_eq!((out.read, out.rejected.len()), (6, 0));
    let t = &out.records;
    let status: Vec<Status> = t.iter().map(|t| t.status()).collect();
    assert_eq!(
        status,
        [
            Status::New,
            Status::Open,
            Status::Pending,
            Status::Closed,
            Status::Open,
            Status::Closed
        ]
    );
    let d = by_id(t, "1204");
    assert_eq!(d.created_at(), utc("2021-06-01T11:00:00Z"));
    assert_eq!(d.resolution_seconds(), Some(2 * 3600 + 45 * 60));
    assert_eq!(
        (d.priority(), d.channel(), d.assignee()),
        (Some("Urgent"), Some("Phone"), Some("Ana Agent"))
    );
    assert_eq!(d.customer_id().unwrap().as_str(), "max@example.com");
    // Waiting on us again after a close: the old close date is not a resolution.
    assert_eq!(by_id(t, "1205").resolved_at(), None);
    let f = by_id(t, "1206");
    assert_eq!(
        (f.resolution_seconds(), f.priority(), f.assignee()),
        (Some(86_400), None, None)
    );
    assert!(t.iter().all(|t| t.first_response_at().is_none()
        && t.agent_replies().is_none()
        && t.reopens().is_none()));
    // A stage of another pipeline: unmapped, named.
    let csv = "Ticket ID,Ticket status,Create date\n7,Escalated,2021-06-01 09:00\n";
    let err = supportkpi::io::TicketReader::csv(
        csv.as_bytes(),
        &ReadOptions::new().preset(Preset::Hubspot),
    )
    .unwrap()
    .next()
    .unwrap()
    .unwrap_err()
    .error;
    assert_eq!(err.kind(), ErrorKind::UnmappedStatus);
    assert_eq!(err.value(), Some("Escalated"));
}
