//! The Help Scout, Zammad and Chatwoot presets on sample files built from the vendors'
//! documented formats (see tests/data/README.md). Every figure is worked out by hand from the
//! file; each event log is derived and compared with the vendor's own fields.

use chrono::{DateTime, Duration, Utc};
use std::path::PathBuf;
use supportkpi::io::presets::{chatwoot, helpscout, zammad};
use supportkpi::io::{Preset, ReadOptions, Sources, load};
use supportkpi::model::{DeriveOptions, Status, TicketEvent, TicketHistory, derive_histories};
use supportkpi::{SurveyResponse, Ticket};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn file(name: &str) -> std::fs::File {
    std::fs::File::open(data(name)).unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn by_id<'a>(tickets: &'a [Ticket], id: &str) -> &'a Ticket {
    tickets
        .iter()
        .find(|t| t.id().as_str() == id)
        .unwrap_or_else(|| panic!("no ticket {id}"))
}

fn derive(events: Vec<Vec<TicketEvent>>, preset: Preset) -> Vec<TicketHistory> {
    derive_histories(
        events.into_iter().flatten(),
        &preset.status_map(),
        DeriveOptions::new(),
    )
    .unwrap()
}

fn history<'a>(histories: &'a [TicketHistory], id: &str) -> &'a TicketHistory {
    histories.iter().find(|h| h.id().as_str() == id).unwrap()
}

fn survey_rows(surveys: &[SurveyResponse]) -> Vec<(&str, Option<&str>, Option<&str>, i32)> {
    surveys
        .iter()
        .map(|s| {
            (
                s.id().as_str(),
                s.ticket_id().map(|t| t.as_str()),
                s.customer_id().map(|c| c.as_str()),
                s.score(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Help Scout

#[test]
fn helpscout_summary_by_hand() {
    let out = helpscout::read_helpscout(file("helpscout_conversations.json"), &ReadOptions::new())
        .unwrap();
    assert_eq!((out.read, out.rejected.len()), (6, 0));
    let t = &out.records;
    let t0 = utc("2021-06-01T09:00:00Z");
    let min = |m: i64| t0 + Duration::minutes(m);

    // Closed, reopened by the customer, closed again; a draft, a note and a merge line item
    // are no replies.
    let a = by_id(t, "2001");
    assert_eq!((a.status(), a.created_at()), (Status::Closed, t0));
    assert_eq!(a.first_response_at(), Some(min(10)));
    assert_eq!(
        (a.first_resolved_at(), a.resolved_at()),
        (Some(min(60)), Some(min(240)))
    );
    assert_eq!((a.agent_replies(), a.reopens()), (Some(3), Some(1)));
    assert_eq!(
        (
            a.customer_id().unwrap().as_str(),
            a.channel(),
            a.team(),
            a.assignee(),
            a.priority()
        ),
        ("301", Some("email"), Some("85"), Some("9"), None)
    );

    // Active chat; created at 11:00+02:00 = 09:00Z; null assignee.
    let b = by_id(t, "2002");
    assert_eq!((b.status(), b.created_at()), (Status::Open, t0));
    assert_eq!(b.first_response_seconds(), Some(120));
    assert_eq!(
        (
            b.resolved_at(),
            b.assignee(),
            b.agent_replies(),
            b.reopens()
        ),
        (None, None, Some(1), Some(0))
    );

    // Pending, opened by the agent's phone thread: that opening message is no response and
    // no agent has answered the customer since.
    let c = by_id(t, "2003");
    assert_eq!(c.status(), Status::Pending);
    assert_eq!((c.first_response_at(), c.agent_replies()), (None, Some(0)));
    assert_eq!((c.channel(), c.team()), (Some("phone"), Some("86")));

    // Spam: cancelled; threads embedded but empty.
    let d = by_id(t, "2004");
    assert_eq!(d.status(), Status::Cancelled);
    assert_eq!((d.agent_replies(), d.reopens()), (Some(0), Some(0)));

    // Deleted (state), though its status says closed: cancelled, its closedAt no resolution;
    // no threads: replies and reopens unknown.
    let e = by_id(t, "2005");
    assert_eq!((e.status(), e.resolved_at()), (Status::Cancelled, None));
    assert_eq!((e.agent_replies(), e.reopens()), (None, None));

    // Closed without threads: resolution from closedAt, the rest unknown.
    let f = by_id(t, "2006");
    assert_eq!(f.status(), Status::Closed);
    assert_eq!(f.resolution_seconds(), Some(1800));
    assert_eq!(
        (f.first_response_at(), f.agent_replies(), f.reopens()),
        (None, None, None)
    );
}

/// The threads, derived by the library's rules, close each conversation when Help Scout's own
/// `closedAt` says (exact seconds), and end in its status.
#[test]
fn helpscout_threads_derive_to_closed_at() {
    let summary =
        helpscout::read_helpscout(file("helpscout_conversations.json"), &ReadOptions::new())
            .unwrap()
            .records;
    let events =
        helpscout::read_helpscout_events(file("helpscout_conversations.json"), &ReadOptions::new())
            .unwrap();
    let histories = derive(events.records, Preset::HelpScout);
    for id in ["2001", "2002", "2003"] {
        let (s, h) = (by_id(&summary, id), history(&histories, id));
        let d = h.ticket();
        assert_eq!(d.status(), s.status(), "{id}");
        assert_eq!(d.resolved_at(), s.resolved_at(), "{id}");
        assert_eq!(d.first_response_at(), s.first_response_at(), "{id}");
    }
    let a = history(&histories, "2001");
    assert_eq!(
        a.resolutions(),
        &[utc("2021-06-01T10:00:00Z"), utc("2021-06-01T13:00:00Z")]
    );
    // 2004 (spam) is created, then never changes: open from its thread-less log.
    assert_eq!(history(&histories, "2004").status(), Status::Open);
}

#[test]
fn helpscout_ratings_as_csat() {
    let out =
        helpscout::read_helpscout_ratings(file("helpscout_ratings.json"), &ReadOptions::new())
            .unwrap();
    assert_eq!(
        survey_rows(&out.records),
        [
            ("2001-7003", Some("2001"), Some("301"), 1),
            ("2001-7006", Some("2001"), Some("301"), 5),
            ("2002-7102", Some("2002"), None, 3),
        ]
    );
    assert_eq!(out.records[2].responded_at(), utc("2021-06-01T07:30:00Z"));
}

// ---------------------------------------------------------------------------------------------
// Zammad

#[test]
fn zammad_summary_by_hand() {
    let out = zammad::read_zammad(file("zammad_tickets.json"), &ReadOptions::new()).unwrap();
    assert_eq!((out.read, out.rejected.len()), (6, 0));
    let t = &out.records;
    let t0 = utc("2021-06-01T09:00:00Z");
    let min = |m: i64| t0 + Duration::minutes(m);

    // Closed, reopened, closed again: close_at is the first close, last_close_at the latest.
    let a = by_id(t, "11");
    assert_eq!(a.status(), Status::Closed);
    assert_eq!(a.first_response_at(), Some(min(15)));
    assert_eq!(
        (a.first_resolved_at(), a.resolved_at()),
        (Some(min(60)), Some(min(180)))
    );
    assert_eq!((a.agent_replies(), a.reopens()), (Some(3), Some(1)));
    assert_eq!(
        (
            a.customer_id().unwrap().as_str(),
            a.priority(),
            a.channel(),
            a.team(),
            a.assignee()
        ),
        (
            "8",
            Some("2 normal"),
            Some("email"),
            Some("Users"),
            Some("3")
        )
    );

    // Ids only (no expand): state_id 1 is "new"; owner 1 is nobody; names fall back to ids.
    let b = by_id(t, "12");
    assert_eq!(b.status(), Status::New);
    assert_eq!(
        (b.assignee(), b.priority(), b.team(), b.channel()),
        (None, Some("3"), Some("2"), Some("11"))
    );
    assert_eq!(
        (b.first_response_at(), b.agent_replies(), b.reopens()),
        (None, Some(0), Some(0))
    );

    let c = by_id(t, "13");
    assert_eq!(c.status(), Status::Pending);
    assert_eq!(c.first_response_seconds(), Some(1800));
    assert_eq!((c.resolved_at(), c.agent_replies()), (None, Some(1)));

    // Merged into 11: cancelled.
    let d = by_id(t, "14");
    assert_eq!((d.status(), d.resolved_at()), (Status::Cancelled, None));

    // Closed, Zammad before last_close_at, no articles: the first close is the resolution;
    // replies and reopens unknown.
    let e = by_id(t, "15");
    assert_eq!(e.status(), Status::Closed);
    assert_eq!(
        (e.first_response_seconds(), e.resolution_seconds()),
        (Some(1200), Some(5400))
    );
    assert_eq!((e.agent_replies(), e.reopens()), (None, None));

    // "pending close", empty articles and history.
    let f = by_id(t, "16");
    assert_eq!(f.status(), Status::Pending);
    assert_eq!((f.agent_replies(), f.reopens()), (Some(0), Some(0)));
}

/// The articles and history, derived by the library's rules, give Zammad's own
/// `first_response_at`, `close_at` and `last_close_at` (exact: Zammad stores instants) and its
/// final state, for every ticket with both.
#[test]
fn zammad_events_derive_to_its_sla_fields() {
    let summary = zammad::read_zammad(file("zammad_tickets.json"), &ReadOptions::new())
        .unwrap()
        .records;
    let events =
        zammad::read_zammad_events(file("zammad_tickets.json"), &ReadOptions::new()).unwrap();
    assert_eq!(events.read, 6);
    let histories = derive(events.records, Preset::Zammad);
    for id in ["11", "12", "13", "14"] {
        let (s, h) = (by_id(&summary, id), history(&histories, id));
        let d = h.ticket();
        assert_eq!(d.status(), s.status(), "{id}");
        assert_eq!(d.first_response_at(), s.first_response_at(), "{id}");
        assert_eq!(d.first_resolved_at(), s.first_resolved_at(), "{id}");
        assert_eq!(d.resolved_at(), s.resolved_at(), "{id}");
    }
    assert_eq!(
        history(&histories, "14").merged_into().map(|t| t.as_str()),
        Some("11")
    );
    assert_eq!(history(&histories, "11").reopens(), 1);
}

// ---------------------------------------------------------------------------------------------
// Chatwoot

#[test]
fn chatwoot_summary_by_hand() {
    let out =
        chatwoot::read_chatwoot(file("chatwoot_conversations.json"), &ReadOptions::new()).unwrap();
    assert_eq!((out.read, out.rejected.len()), (5, 0));
    let t = &out.records;
    let t0 = utc("2021-06-01T09:00:00Z");

    let a = by_id(t, "41");
    assert_eq!((a.status(), a.created_at()), (Status::Solved, t0));
    assert_eq!(a.first_response_seconds(), Some(300));
    assert_eq!(
        (
            a.customer_id().unwrap().as_str(),
            a.priority(),
            a.channel(),
            a.team(),
            a.assignee()
        ),
        (
            "501",
            Some("high"),
            Some("Channel::WebWidget"),
            Some("Support"),
            Some("7")
        )
    );
    // Not in a conversation: unknown, never 0.
    assert_eq!(
        (a.resolved_at(), a.agent_replies(), a.reopens()),
        (None, None, None)
    );

    // first_reply_created_at 0: no reply yet (a bot's answer is none); null priority.
    let b = by_id(t, "42");
    assert_eq!(
        (
            b.status(),
            b.first_response_at(),
            b.priority(),
            b.assignee()
        ),
        (Status::Open, None, None, None)
    );
    assert_eq!(by_id(t, "43").status(), Status::Pending);
    let d = by_id(t, "44");
    assert_eq!((d.status(), d.team()), (Status::Pending, Some("Ventes")));
    assert_eq!(d.first_response_seconds(), Some(900));
    let e = by_id(t, "45");
    assert_eq!(
        (e.status(), e.first_response_seconds()),
        (Status::Solved, Some(600))
    );
}

/// The messages, derived by the library's rules, give Chatwoot's own
/// `first_reply_created_at` (exact seconds) for every conversation with its messages; the
/// tagged activity messages give the resolutions and the reopen.
#[test]
fn chatwoot_messages_derive_to_first_reply() {
    let summary = chatwoot::read_chatwoot(file("chatwoot_conversations.json"), &ReadOptions::new())
        .unwrap()
        .records;
    let events =
        chatwoot::read_chatwoot_events(file("chatwoot_conversations.json"), &ReadOptions::new())
            .unwrap();
    let histories = derive(events.records, Preset::Chatwoot);
    for id in ["41", "42", "43", "44"] {
        let (s, h) = (by_id(&summary, id), history(&histories, id));
        assert_eq!(
            h.ticket().first_response_at(),
            s.first_response_at(),
            "{id}"
        );
        if id != "43" {
            assert_eq!(h.ticket().status(), s.status(), "{id}");
        }
    }
    // 43 went pending without an activity message (a bot inbox starts so): its log stays open.
    assert_eq!(history(&histories, "43").status(), Status::Open);
    let t0 = utc("2021-06-01T09:00:00Z");
    let a = history(&histories, "41");
    assert_eq!(
        a.resolutions(),
        &[t0 + Duration::seconds(3600), t0 + Duration::seconds(10800)]
    );
    // The private note is no reply; the bot's answer to 42 neither.
    assert_eq!((a.reopens(), a.public_agent_replies()), (1, 2));
    assert_eq!(history(&histories, "42").public_agent_replies(), 0);
}

#[test]
fn chatwoot_csat_responses() {
    let out =
        chatwoot::read_chatwoot_csat(file("chatwoot_csat_responses.json"), &ReadOptions::new())
            .unwrap();
    assert_eq!(
        survey_rows(&out.records),
        [
            ("1", Some("41"), Some("501"), 5),
            ("2", Some("44"), None, 2)
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Through load: detected, with the event log and surveys

#[test]
fn api_presets_detected_and_loaded_with_events_and_surveys() {
    for (tickets, surveys, preset, n, with_surveys) in [
        (
            "helpscout_conversations.json",
            Some("helpscout_ratings.json"),
            Preset::HelpScout,
            6,
            3,
        ),
        ("zammad_tickets.json", None, Preset::Zammad, 6, 0),
        (
            "chatwoot_conversations.json",
            Some("chatwoot_csat_responses.json"),
            Preset::Chatwoot,
            5,
            2,
        ),
    ] {
        let sources = Sources {
            tickets: Some(data(tickets)),
            events: Some(data(tickets)),
            surveys: surveys.map(data),
            ..Sources::default()
        };
        let loaded = load(&sources, &ReadOptions::new()).unwrap();
        assert_eq!((loaded.preset, loaded.detected), (Some(preset), true));
        // Every summary ticket is joined with its history: each counts once.
        assert_eq!(
            loaded.input.tickets.len() + loaded.input.histories.len(),
            n,
            "{tickets}"
        );
        assert_eq!(loaded.input.histories.len(), n, "{tickets}");
        assert_eq!(loaded.input.surveys.len(), with_surveys, "{tickets}");
    }
}

/// `load_columnar` detects a preset as `load` does, and reads a JSON API preset's documents
/// into the same tickets and responses.
#[test]
fn load_columnar_detects_like_load() {
    use supportkpi::io::load_columnar;
    for (tickets, surveys, preset) in [
        (
            "helpscout_conversations.json",
            Some("helpscout_ratings.json"),
            Preset::HelpScout,
        ),
        ("zammad_tickets.json", None, Preset::Zammad),
        (
            "chatwoot_conversations.json",
            Some("chatwoot_csat_responses.json"),
            Preset::Chatwoot,
        ),
        ("jira_service_requests.csv", None, Preset::Jira),
        ("zendesk_tickets.csv", None, Preset::Zendesk),
    ] {
        let sources = Sources {
            tickets: Some(data(tickets)),
            surveys: surveys.map(data),
            ..Sources::default()
        };
        let columns = load_columnar(&sources, &ReadOptions::new()).unwrap();
        let records = load(&sources, &ReadOptions::new()).unwrap();
        assert_eq!((columns.preset, columns.detected), (Some(preset), true));
        assert_eq!(
            columns.input.tickets.tickets().collect::<Vec<_>>(),
            records.input.tickets,
            "{tickets}"
        );
        assert_eq!(
            columns.input.surveys.responses().collect::<Vec<_>>(),
            records.input.surveys,
            "{tickets}"
        );
        assert_eq!(columns.read, records.read, "{tickets}");
    }
}

// ---------------------------------------------------------------------------------------------
// Zendesk ticket audits

/// The audits, derived by the library's rules, give what the same tickets' `metric_sets` in
/// zendesk_incremental_tickets.json say: the first reply, first and full resolution (Zendesk's
/// whole calendar minutes; the sample's instants fall on whole minutes, so exactly), reopens
/// and agent replies, for every ticket with a metric set.
#[test]
fn zendesk_audits_derive_to_the_metric_sets() {
    use supportkpi::io::presets::zendesk_audits::read_zendesk_audits;
    let events =
        read_zendesk_audits(file("zendesk_ticket_audits.json"), &ReadOptions::new()).unwrap();
    assert_eq!((events.read, events.rejected.len()), (9, 0));
    let histories = derive(events.records, Preset::ZendeskJson);
    let metrics = metric_sets();
    assert_eq!(metrics.len(), 9);
    for (id, created, reply, first_res, full_res, reopens, replies) in metrics {
        let h = history(&histories, &id);
        let minutes = |m: Option<i64>| m.map(|m| created + Duration::minutes(m));
        assert_eq!(h.created_at(), created, "{id}");
        assert_eq!(h.ticket().first_response_at(), minutes(reply), "{id}");
        assert_eq!(h.resolutions().first().copied(), minutes(first_res), "{id}");
        // Zendesk's full resolution is its latest solve, as the history's last resolution.
        assert_eq!(h.resolutions().last().copied(), minutes(full_res), "{id}");
        assert_eq!(
            (h.reopens(), h.public_agent_replies()),
            (reopens, replies),
            "{id}"
        );
    }
    // The final statuses, by hand: 1007 reopened and open; 1008 solved then closed (one
    // resolution); 1009 closed by a merge into 1007: cancelled, not resolved.
    assert_eq!(history(&histories, "1007").status(), Status::Open);
    let closed = history(&histories, "1008");
    assert_eq!(
        (closed.status(), closed.resolutions().len()),
        (Status::Closed, 1)
    );
    let merged = history(&histories, "1009");
    assert_eq!(
        (merged.status(), merged.merged_into().map(|t| t.as_str())),
        (Status::Cancelled, Some("1007"))
    );
    assert_eq!(merged.ticket().resolved_at(), None);
}

/// Each ticket's metric set (its last listing): id, created, reply, first and full resolution
/// minutes, reopens, replies.
#[allow(clippy::type_complexity)]
fn metric_sets() -> Vec<(
    String,
    DateTime<Utc>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    u32,
    u32,
)> {
    use serde_json::Value;
    let text = std::fs::read_to_string(data("zendesk_incremental_tickets.json")).unwrap();
    let mut created = std::collections::HashMap::new();
    let mut metrics = std::collections::BTreeMap::new();
    for doc in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
        let doc = doc.unwrap();
        for t in doc["tickets"].as_array().unwrap() {
            let at: DateTime<Utc> = DateTime::parse_from_rfc3339(t["created_at"].as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc);
            created.insert(t["id"].to_string(), at);
        }
        for m in doc["metric_sets"].as_array().into_iter().flatten() {
            metrics.insert(m["ticket_id"].to_string(), m.clone());
        }
    }
    metrics
        .into_iter()
        .map(|(id, m)| {
            let cal = |k: &str| m[k]["calendar"].as_i64();
            (
                id.clone(),
                created[&id],
                cal("reply_time_in_minutes"),
                cal("first_resolution_time_in_minutes"),
                cal("full_resolution_time_in_minutes"),
                m["reopens"].as_u64().unwrap() as u32,
                m["replies"].as_u64().unwrap() as u32,
            )
        })
        .collect()
}

#[test]
fn zendesk_audits_through_load_with_the_tickets() {
    let sources = Sources {
        tickets: Some(data("zendesk_incremental_tickets.json")),
        events: Some(data("zendesk_ticket_audits.json")),
        ..Sources::default()
    };
    let loaded = load(&sources, &ReadOptions::new()).unwrap();
    assert_eq!(loaded.preset, Some(Preset::ZendeskJson));
    // 11 tickets; 9 with audits are joined with their histories.
    assert_eq!(loaded.input.histories.len(), 9);
    assert_eq!(loaded.input.tickets.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Errors: a status outside the vendor's table, a score outside its scale, a bad message type

#[test]
fn api_presets_errors_name_the_record_field_and_value() {
    use supportkpi::ErrorKind;
    use supportkpi::io::ErrorMode;
    let lenient = ReadOptions::new().errors(ErrorMode::Lenient);

    // Help Scout: `open` is a search filter, not a conversation status.
    let doc = r#"{"_embedded": {"conversations": [
        {"id": 1, "createdAt": "2021-06-01T09:00:00Z", "status": "open"},
        {"id": 2, "createdAt": "2021-06-01T09:00:00Z", "status": "active",
         "_embedded": {"threads": [{"id": 5, "type": "customer", "status": "archived",
           "createdAt": "2021-06-01T09:00:00Z", "createdBy": {"type": "customer"}}]}},
        {"id": 3, "createdAt": "2021-06-01T09:00:00Z", "status": "pending"}]}}"#;
    let err = helpscout::read_helpscout(doc.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnmappedStatus);
    assert_eq!((err.field(), err.value()), (Some("status"), Some("open")));
    assert_eq!(err.record().unwrap().id.as_deref(), Some("1"));
    let out = helpscout::read_helpscout(doc.as_bytes(), &lenient).unwrap();
    assert_eq!((out.read, out.records.len()), (3, 1));
    // A thread's unmapped status is its conversation's error too (its log derives the
    // summary's replies).
    assert_eq!(
        (out.rejected[1].error.kind(), out.rejected[1].line),
        (ErrorKind::UnmappedStatus, 2)
    );
    let ratings = r#"{"results": [{"id": 1, "threadid": 5, "ratingId": 4,
        "ratingCreatedAt": "2021-06-01T09:00:00Z"}]}"#;
    let err =
        helpscout::read_helpscout_ratings(ratings.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(
        (err.kind(), err.field(), err.value()),
        (ErrorKind::ScoreOutOfScale, Some("ratingId"), Some("4"))
    );

    // Zammad: a custom state by id only is named by its id.
    let doc = r#"[{"id": 7, "state_id": 9, "created_at": "2021-06-01T09:00:00.000Z"}]"#;
    let err = zammad::read_zammad(doc.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(
        (err.kind(), err.field(), err.value()),
        (
            ErrorKind::UnmappedStatus,
            Some("state_id"),
            Some("state_id 9")
        )
    );

    // Chatwoot: an unknown status, a rating off the 1–5 scale, an unknown message type.
    let doc = r#"{"id": 7, "created_at": 1622538000, "status": "closed"}"#;
    let err = chatwoot::read_chatwoot(doc.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(
        (err.kind(), err.value()),
        (ErrorKind::UnmappedStatus, Some("closed"))
    );
    let csat = r#"[{"id": 1, "rating": 7, "created_at": 1622538000}]"#;
    let err = chatwoot::read_chatwoot_csat(csat.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(
        (err.kind(), err.field(), err.value()),
        (ErrorKind::ScoreOutOfScale, Some("rating"), Some("7"))
    );
    let doc = r#"{"id": 7, "created_at": 1622538000, "status": "open",
        "messages": [{"created_at": 1622538000, "message_type": 9}]}"#;
    let err = chatwoot::read_chatwoot_events(doc.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(
        (err.kind(), err.field(), err.value()),
        (
            ErrorKind::InvalidValue,
            Some("messages[0].message_type"),
            Some("9")
        )
    );
}

// ---------------------------------------------------------------------------------------------
// A ticket whose event log cannot be derived is rejected at its record's position, as the
// preset readers number every other reject (the record's 1-based position in the file; for
// JSON Lines, its line).

#[test]
fn document_histories_reject_a_ticket_at_its_first_record() {
    use supportkpi::ErrorKind;
    use supportkpi::io::ErrorMode;
    use supportkpi::io::presets::read_document_histories;
    let lenient = ReadOptions::new().errors(ErrorMode::Lenient);

    // Zendesk audits, one per line. Ticket 8's audits (lines 2 and 5) hold no `Create`: the
    // derivation refuses it, and its first audit is on line 2.
    let audits = [
        r#"{"id": 1, "ticket_id": 7, "created_at": "2021-06-01T09:00:00Z", "author_id": 5, "events": [{"type": "Create", "field_name": "status", "value": "new"}]}"#,
        r#"{"id": 2, "ticket_id": 8, "created_at": "2021-06-01T10:00:00Z", "author_id": 9, "events": [{"type": "Change", "field_name": "status", "value": "open", "previous_value": "new"}]}"#,
        r#"{"id": 3, "ticket_id": 7, "created_at": "2021-06-01T11:00:00Z", "author_id": 9, "events": [{"type": "Change", "field_name": "status", "value": "solved", "previous_value": "new"}]}"#,
        r#"{"id": 4, "ticket_id": 9, "created_at": "2021-06-01T12:00:00Z", "author_id": 6, "events": [{"type": "Create", "field_name": "status", "value": "new"}]}"#,
        r#"{"id": 5, "ticket_id": 8, "created_at": "2021-06-01T13:00:00Z", "author_id": 9, "events": [{"type": "Change", "field_name": "status", "value": "solved", "previous_value": "open"}]}"#,
    ]
    .join("\n");
    let out = read_document_histories(Preset::ZendeskJson, audits.as_bytes(), &lenient).unwrap();
    // Three tickets read (7, 8, 9): two derived, one rejected.
    assert_eq!((out.read, out.records.len(), out.rejected.len()), (3, 2, 1));
    let ids: Vec<&str> = out.records.iter().map(|h| h.id().as_str()).collect();
    assert_eq!(ids, ["7", "9"]);
    let r = &out.rejected[0];
    assert_eq!((r.line, r.error.kind()), (2, ErrorKind::MissingField));
    assert_eq!(r.error.line(), Some(2));
    assert_eq!(r.error.record().unwrap().id.as_deref(), Some("8"));
    let err = read_document_histories(Preset::ZendeskJson, audits.as_bytes(), &ReadOptions::new())
        .unwrap_err();
    assert_eq!((err.kind(), err.line()), (ErrorKind::MissingField, Some(2)));
    assert_eq!(err.record().unwrap().id.as_deref(), Some("8"));

    // Ticket 4's audits (lines 1 and 3) carry no `events`, ticket 6's only a notification:
    // each is rejected at its first audit, not lost (read 3 = 1 accepted + 2 rejected).
    let bare = [
        r#"{"id": 1, "ticket_id": 4, "created_at": "2021-06-01T09:00:00Z"}"#,
        r#"{"id": 2, "ticket_id": 5, "created_at": "2021-06-01T09:30:00Z", "events": [{"type": "Create", "field_name": "status", "value": "new"}]}"#,
        r#"{"id": 3, "ticket_id": 4, "created_at": "2021-06-01T10:00:00Z", "events": []}"#,
        r#"{"id": 4, "ticket_id": 6, "created_at": "2021-06-01T11:00:00Z", "events": [{"type": "Notification", "subject": "hi"}]}"#,
    ]
    .join("\n");
    let out = read_document_histories(Preset::ZendeskJson, bare.as_bytes(), &lenient).unwrap();
    assert_eq!((out.read, out.records.len(), out.rejected.len()), (3, 1, 2));
    assert_eq!(out.records[0].id().as_str(), "5");
    let seen: Vec<_> = out
        .rejected
        .iter()
        .map(|r| {
            (
                r.line,
                r.error.kind(),
                r.error.field(),
                r.error.record().unwrap().id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1, ErrorKind::MissingField, Some("events"), Some("4")),
            (4, ErrorKind::MissingField, Some("events"), Some("6")),
        ]
    );
    let err = read_document_histories(Preset::ZendeskJson, bare.as_bytes(), &ReadOptions::new())
        .unwrap_err();
    assert_eq!((err.line(), err.field()), (Some(1), Some("events")));

    // Help Scout, one page holding three conversations: the second's thread has a status
    // outside the vendor's table, found when its log is derived. It is record 2.
    let page = r#"{"_embedded": {"conversations": [
        {"id": 1, "createdAt": "2021-06-01T09:00:00Z", "status": "active"},
        {"id": 2, "createdAt": "2021-06-01T09:00:00Z", "status": "active",
         "_embedded": {"threads": [{"id": 5, "type": "customer", "status": "archived",
           "createdAt": "2021-06-01T09:30:00Z", "createdBy": {"type": "customer"}}]}},
        {"id": 3, "createdAt": "2021-06-01T09:00:00Z", "status": "pending"}]}}"#;
    let out = read_document_histories(Preset::HelpScout, page.as_bytes(), &lenient).unwrap();
    assert_eq!((out.read, out.records.len(), out.rejected.len()), (3, 2, 1));
    let r = &out.rejected[0];
    assert_eq!((r.line, r.error.kind()), (2, ErrorKind::UnmappedStatus));
    assert_eq!(r.error.line(), Some(2));
    assert_eq!(r.error.record().unwrap().id.as_deref(), Some("2"));
    let err = read_document_histories(Preset::HelpScout, page.as_bytes(), &ReadOptions::new())
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.line()),
        (ErrorKind::UnmappedStatus, Some(2))
    );
}
