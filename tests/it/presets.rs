//! The helpdesk presets on real and documented layouts: the ServiceNow sample in tests/data
//! (and a copy corrupted in known ways), and small Zendesk and Freshdesk exports written with
//! the columns their export documentation lists (tests/data/zendesk_tickets.csv,
//! tests/data/freshdesk_tickets.csv).

use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::BTreeSet;
use std::path::PathBuf;
use supportkpi::io::{
    ColumnMapping, ErrorMode, Preset, ReadOptions, TicketReader, read_servicenow, read_tickets,
};
use supportkpi::model::{
    BeforeCreation, DeriveOptions, EventKind, EventOrder, Status, StatusMap, TicketHistory,
    derive_histories,
};
use supportkpi::{ErrorKind, Ticket, TicketEvent};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

// ---------------------------------------------------------------------------------------------
// ServiceNow

const SERVICENOW: &str = "servicenow_incident_events.csv";

/// The hand derivation of tests/it/servicenow.rs, restated: split on CRLF and commas (the file
/// has no quotes), first row of an incident → Created at opened_at, every row → a status change
/// at sys_updated_at, in file order, taken in that order (the source's update sequence).
fn hand_histories() -> Vec<TicketHistory> {
    let text = std::fs::read_to_string(data(SERVICENOW)).unwrap();
    let mut lines = text.split("\r\n");
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (number, state, opened, updated) = (
        col("number"),
        col("incident_state"),
        col("opened_at"),
        col("sys_updated_at"),
    );
    let instant = |s: &str| {
        NaiveDateTime::parse_from_str(s, "%d-%m-%Y %H:%M")
            .unwrap()
            .and_utc()
    };
    let mut seen = BTreeSet::new();
    let mut events = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        if seen.insert(cells[number].to_owned()) {
            events.push(TicketEvent::new(
                cells[number],
                instant(cells[opened]),
                EventKind::Created,
            ));
        }
        events.push(TicketEvent::new(
            cells[number],
            instant(cells[updated]),
            EventKind::StatusChange {
                to: cells[state].to_owned(),
            },
        ));
    }
    let options = DeriveOptions::new()
        .before_creation(BeforeCreation::Clamp)
        .order(EventOrder::Source);
    derive_histories(events, &StatusMap::servicenow(), options).unwrap()
}

#[test]
fn servicenow_sample_reads_with_no_rejects_and_matches_the_hand_derivation() {
    let log = read_servicenow(data(SERVICENOW), &ReadOptions::new()).unwrap();
    assert_eq!((log.read, log.accepted), (5998, 5998));
    assert!(log.rejected.is_empty() && log.rejected_tickets.is_empty());
    assert_eq!(log.accepted + log.rejected.len() as u64, log.read);
    assert_eq!(log.histories.len(), 890);

    let reopens: u32 = log.histories.iter().map(TicketHistory::reopens).sum();
    assert_eq!(reopens, 11);
    let total: i64 = log
        .histories
        .iter()
        .filter_map(|h| h.ticket().resolution_seconds())
        .sum();
    assert_eq!(total, 972_456_300);

    // The same histories as by hand, except the attributes the preset attaches.
    let hand = hand_histories();
    assert_eq!(hand.len(), log.histories.len());
    for (ours, theirs) in log.histories.iter().zip(&hand) {
        assert_eq!(ours.id(), theirs.id());
        assert_eq!(ours.status_spans(), theirs.status_spans());
        assert_eq!(ours.open_intervals(), theirs.open_intervals());
        assert_eq!(ours.resolutions(), theirs.resolutions());
        assert_eq!(ours.reopened_at(), theirs.reopened_at());
        let (a, b) = (ours.ticket(), theirs.ticket());
        assert_eq!(a.created_at(), b.created_at());
        assert_eq!(a.first_resolved_at(), b.first_resolved_at());
        assert_eq!(a.resolved_at(), b.resolved_at());
        assert_eq!(a.status(), b.status());
        assert_eq!(a.reopens(), b.reopens());
    }
}

#[test]
fn servicenow_attributes_are_the_incidents_last_values() {
    let options =
        ReadOptions::new().mapping(ColumnMapping::new().dimension("category", "category"));
    let log = read_servicenow(data(SERVICENOW), &options).unwrap();
    let t = log.histories[0].ticket();
    // INC0000045's rows: Caller 2403, Phone, 3 - Moderate, Group 56, Category 55; assigned_to
    // is "?" on every row.
    assert_eq!(t.id().as_str(), "INC0000045");
    assert_eq!(t.customer_id().map(|c| c.as_str()), Some("Caller 2403"));
    assert_eq!(t.channel(), Some("Phone"));
    assert_eq!(t.priority(), Some("3 - Moderate"));
    assert_eq!(t.team(), Some("Group 56"));
    assert_eq!(t.assignee(), None);
    assert_eq!(t.dimension("category"), Some("Category 55"));
    assert_eq!(t.dimensions().len(), 1);

    let assigned = log
        .histories
        .iter()
        .filter(|h| h.ticket().assignee().is_some())
        .count();
    assert_eq!(assigned, 691); // incidents with a non-null assigned_to on some row

    // Every non-field column as a dimension, on request.
    let all = read_servicenow(
        data(SERVICENOW),
        &ReadOptions::new().keep_extra_columns(true),
    )
    .unwrap();
    let dims = all.histories[0].ticket().dimensions();
    assert_eq!(
        dims.get("subcategory").map(String::as_str),
        Some("Subcategory 170")
    );
    assert_eq!(dims.get("closed_code").map(String::as_str), Some("code 5"));
    assert!(!dims.contains_key("cmdb_ci"), "null everywhere: {dims:?}");
}

#[test]
fn servicenow_zone_is_declared() {
    let options = ReadOptions::new().zone("America/Sao_Paulo").unwrap();
    let log = read_servicenow(data(SERVICENOW), &options).unwrap();
    // 29-02-2016 01:16 in São Paulo (UTC-3, summer time had ended on 21 February).
    assert_eq!(log.histories[0].created_at(), utc("2016-02-29T04:16:00Z"));
}

/// The ServiceNow sample with five rows broken, one way each; returns the copy's path and
/// the expected (line, kind, field, value, id) of each reject, in line order.
#[allow(clippy::type_complexity)]
fn corrupted_copy() -> (
    PathBuf,
    Vec<(
        u64,
        ErrorKind,
        Option<&'static str>,
        Option<String>,
        Option<String>,
    )>,
) {
    let text = std::fs::read_to_string(data(SERVICENOW)).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    assert_eq!(lines.pop().as_deref(), Some("")); // the final CRLF
    assert_eq!(lines.len(), 5999);
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (number, state, updated, opened, resolved) = (
        col("number"),
        col("incident_state"),
        col("sys_updated_at"),
        col("opened_at"),
        col("resolved_at"),
    );
    let mut edit = |line: u64, column: usize, value: &str| -> (String, String) {
        let row = &mut lines[(line - 1) as usize];
        let mut cells: Vec<String> = row.split(',').map(str::to_owned).collect();
        let id = cells[number].clone();
        let old = std::mem::replace(&mut cells[column], value.to_owned());
        *row = cells.join(",");
        (id, old)
    };
    let (id_a, _) = edit(10, updated, "31-02-2016 09:99");
    let (id_b, _) = edit(200, state, "Parked");
    let (_, _) = edit(1500, number, "");
    let (id_d, _) = {
        // A row whose incident was opened on 01-03-2016 or later: resolved the day before.
        edit(3000, resolved, "01-01-2016 10:00")
    };
    let opened_3000 = lines[2999].split(',').nth(opened).unwrap().to_owned();
    assert!(opened_3000.contains("-2016"), "{opened_3000}");
    // The last line loses its tail, and the file its final line end.
    let last = lines.last_mut().unwrap();
    let cut: String = last.split(',').take(12).collect::<Vec<_>>().join(",");
    let id_e = cut.split(',').next().unwrap().to_owned();
    *last = cut;

    let path = std::env::temp_dir().join(format!(
        "supportkpi-servicenow-corrupted-{}.csv",
        std::process::id()
    ));
    std::fs::write(&path, lines.join("\r\n")).unwrap();
    let expected = vec![
        (
            10,
            ErrorKind::InvalidTimestamp,
            Some("sys_updated_at"),
            Some("31-02-2016 09:99".into()),
            Some(id_a),
        ),
        (
            200,
            ErrorKind::UnmappedStatus,
            Some("incident_state"),
            Some("Parked".into()),
            Some(id_b),
        ),
        (1500, ErrorKind::MissingField, Some("number"), None, None),
        (
            3000,
            ErrorKind::NegativeDuration,
            Some("resolved_at"),
            Some("01-01-2016 10:00".into()),
            Some(id_d),
        ),
        (
            5999,
            ErrorKind::InvalidValue,
            None,
            Some("12".into()),
            Some(id_e),
        ),
    ];
    (path, expected)
}

#[test]
fn servicenow_corrupted_copy_yields_exactly_its_rejects() {
    let (path, expected) = corrupted_copy();

    let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
    let log = read_servicenow(&path, &lenient).unwrap();
    assert_eq!(log.read, 5998);
    assert_eq!(log.accepted + log.rejected.len() as u64, log.read);
    assert_eq!(log.accepted, 5993);
    assert!(log.rejected_tickets.is_empty());
    // Every incident keeps other rows.
    assert_eq!(log.histories.len(), 890);

    let got: Vec<_> = log
        .rejected
        .iter()
        .map(|r| {
            assert_eq!(r.error.line(), Some(r.line));
            assert_eq!(r.error.record().unwrap().record_type, "event");
            (
                r.line,
                r.error.kind(),
                r.error.field(),
                r.error.value().map(str::to_owned),
                r.error.record().unwrap().id.clone(),
            )
        })
        .collect();
    let want: Vec<_> = expected
        .iter()
        .map(|(l, k, f, v, id)| (*l, *k, f.as_deref(), v.clone(), id.clone()))
        .collect();
    assert_eq!(got, want);
    assert!(log.rejected[0].error.rule().contains("%d-%m-%Y %H:%M"));
    assert!(
        log.rejected[4].error.rule().contains("36"),
        "{}",
        log.rejected[4]
    );

    let strict = read_servicenow(&path, &ReadOptions::new()).unwrap_err();
    assert_eq!(strict, log.rejected[0].error);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn servicenow_missing_column_is_an_error_before_any_row() {
    let csv = "number,incident_state,opened_at\r\nINC1,New,29-02-2016 01:16\r\n";
    let err =
        supportkpi::io::read_servicenow_from(csv.as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingField);
    assert_eq!((err.line(), err.field()), (Some(1), Some("sys_updated_at")));
}

#[test]
fn servicenow_is_not_a_ticket_reader() {
    let options = ReadOptions::new().preset(Preset::ServiceNow);
    let err = read_tickets(data(SERVICENOW), &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOption);
    assert!(err.rule().contains("read_servicenow"), "{err}");
    let err = supportkpi::io::read_surveys(
        data("zendesk_tickets.csv"),
        &ReadOptions::new().preset(Preset::Zendesk),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOption);
}

#[test]
fn preset_names() {
    for p in Preset::ALL {
        assert_eq!(p.as_str().parse::<Preset>().unwrap(), p);
    }
    assert_eq!("Service-Now".parse::<Preset>().unwrap(), Preset::ServiceNow);
    let e = "kayako".parse::<Preset>().unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidOption, Some("preset"))
    );
}

// ---------------------------------------------------------------------------------------------
// Zendesk

fn zendesk() -> Vec<Ticket> {
    let options = ReadOptions::new()
        .preset(Preset::Zendesk)
        .zone("Europe/Berlin")
        .unwrap();
    let outcome = read_tickets(data("zendesk_tickets.csv"), &options).unwrap();
    assert!(outcome.rejected.is_empty());
    assert_eq!(outcome.read, 8);
    outcome.records
}

#[test]
fn zendesk_maps_every_documented_column() {
    let t = zendesk();
    let solved = &t[0];
    assert_eq!(solved.id().as_str(), "1001");
    assert_eq!(solved.customer_id().unwrap().as_str(), "9001");
    // Berlin is UTC+2 in June.
    assert_eq!(solved.created_at(), utc("2021-06-01T07:00:00Z"));
    assert_eq!(
        solved.first_response_at(),
        Some(utc("2021-06-01T07:45:00Z"))
    );
    assert_eq!(
        solved.first_resolved_at(),
        Some(utc("2021-06-01T11:30:00Z"))
    );
    assert_eq!(solved.resolved_at(), Some(utc("2021-06-01T11:30:00Z")));
    assert_eq!(solved.status(), Status::Solved);
    assert_eq!(solved.priority(), Some("Normal"));
    assert_eq!(solved.channel(), Some("Mail"));
    assert_eq!(solved.team(), Some("Tier 1"));
    assert_eq!(solved.assignee(), Some("Ann Agent"));
    assert_eq!(solved.agent_replies(), Some(2));
    assert_eq!(solved.reopens(), Some(0));
    assert!(solved.dimensions().is_empty());

    let closed = &t[1];
    assert_eq!(closed.status(), Status::Closed);
    assert_eq!(closed.reopens(), Some(1));
    assert_eq!(closed.agent_replies(), Some(4));
    assert_eq!(closed.first_response_seconds(), Some(1230 * 60));
    assert_eq!(closed.first_resolution_seconds(), Some(1500 * 60));
    assert_eq!(closed.resolved_at(), Some(utc("2021-06-04T08:00:00Z")));
    assert_eq!(
        (closed.priority(), closed.channel()),
        (Some("High"), Some("Web form"))
    );
}

#[test]
fn zendesk_statuses_and_derived_instants() {
    let t = zendesk();
    let statuses: Vec<Status> = t.iter().map(Ticket::status).collect();
    assert_eq!(
        statuses,
        [
            Status::Solved,
            Status::Closed,
            Status::Open,
            Status::Pending,
            Status::OnHold,
            Status::New,
            Status::Solved,
            Status::Solved
        ]
    );
    // Reopened and open at export: its "Solved at" is a past resolution.
    assert_eq!((t[2].resolved_at(), t[2].first_resolved_at()), (None, None));
    assert_eq!(t[2].reopens(), Some(1));
    // Empty cells are nulls.
    assert_eq!(
        (t[4].first_response_at(), t[4].assignee(), t[4].team()),
        (None, None, None)
    );
    assert_eq!(t[5].priority(), None);
    // No "Solved at": the full resolution time in minutes.
    assert_eq!(t[6].resolution_seconds(), Some(600 * 60));
    // 02:30 on 2021-03-28 does not exist in Berlin: the end of the gap, 03:00 CEST.
    assert_eq!(t[7].created_at(), utc("2021-03-28T01:00:00Z"));
    assert_eq!(t[7].resolved_at(), Some(utc("2021-03-28T03:00:00Z")));
}

#[test]
fn zendesk_extra_columns_and_documented_header_casing() {
    let options = ReadOptions::new()
        .preset(Preset::Zendesk)
        .keep_extra_columns(true);
    let t = &read_tickets(data("zendesk_tickets.csv"), &options)
        .unwrap()
        .records[1];
    assert_eq!(t.dimension("Subject"), Some("Export \"CSV\" fails"));
    assert_eq!(t.dimension("Organization"), Some("Globex"));
    assert_eq!(t.dimension("Requester"), Some("Sam Customer"));
    assert_eq!(t.dimension("Due date"), None);
    assert_eq!(t.dimension("Id"), None);

    // The help centre's table spells them "ID" and "Requester ID".
    let csv = "ID,Requester ID,Created at,Status\n5,77,2021-06-01 10:00:00,open\n";
    let options = ReadOptions::new().preset(Preset::Zendesk);
    let t = TicketReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        (t.id().as_str(), t.customer_id().unwrap().as_str()),
        ("5", "77")
    );

    // Without "Requester id", the requester's name identifies the customer.
    let csv = "Id,Requester,Created at\n6,Rita,2021-06-01 10:00:00\n";
    let t = TicketReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(t.customer_id().unwrap().as_str(), "Rita");

    let csv = "Id,Created at,Status\n7,2021-06-01 10:00:00,Parked\n";
    let r = TicketReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(r.error.kind(), ErrorKind::UnmappedStatus);
    assert_eq!(
        (r.line, r.error.field(), r.error.value()),
        (2, Some("Status"), Some("Parked"))
    );

    let csv = "Id,Created at,First reply time in minutes\n8,2021-06-01 10:00:00,-5\n";
    let r = TicketReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(r.error.kind(), ErrorKind::NegativeDuration);
    assert_eq!(r.error.field(), Some("First reply time in minutes"));

    let err = TicketReader::csv("Id,Subject\n1,x\n".as_bytes(), &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingField);
    assert!(err.rule().contains("Created at"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Freshdesk

fn freshdesk(options: ReadOptions) -> Vec<Ticket> {
    let outcome = read_tickets(
        data("freshdesk_tickets.csv"),
        &options.preset(Preset::Freshdesk),
    )
    .unwrap();
    assert!(outcome.rejected.is_empty());
    assert_eq!(outcome.read, 7);
    outcome.records
}

#[test]
fn freshdesk_maps_every_documented_column() {
    let t = freshdesk(ReadOptions::new());
    let r = &t[0];
    assert_eq!(r.id().as_str(), "2001");
    assert_eq!(r.customer_id().unwrap().as_str(), "501");
    assert_eq!(r.created_at(), utc("2021-06-01T09:00:00Z"));
    assert_eq!(r.first_response_at(), Some(utc("2021-06-01T09:20:00Z")));
    assert_eq!(r.resolved_at(), Some(utc("2021-06-01T15:00:00Z")));
    assert_eq!(r.first_resolved_at(), r.resolved_at());
    assert_eq!(r.status(), Status::Solved);
    assert_eq!(r.priority(), Some("Medium"));
    assert_eq!(r.channel(), Some("Email"));
    assert_eq!(r.team(), Some("Billing"));
    assert_eq!(r.assignee(), Some("Bo Agent"));
    assert_eq!(r.agent_replies(), Some(2));
    // The export has no reopen count: unknown, not 0.
    assert_eq!(r.reopens(), None);

    // Closed without a "Resolved time": the closing instant.
    assert_eq!(t[1].status(), Status::Closed);
    assert_eq!(t[1].resolved_at(), Some(utc("2021-06-03T10:00:00Z")));
    // Open, unassigned and unanswered.
    assert_eq!((t[4].assignee(), t[4].first_response_at()), (None, None));
    assert_eq!(
        (t[4].priority(), t[4].channel()),
        (Some("Urgent"), Some("Phone"))
    );
    // Pending again after a resolution: not resolved.
    assert_eq!(t[5].resolved_at(), None);
    // An empty "Contact ID" is no customer (the column exists, so no fallback).
    assert_eq!(t[6].customer_id(), None);
}

#[test]
fn freshdesk_statuses_zone_and_extras() {
    let t = freshdesk(ReadOptions::new());
    let statuses: Vec<Status> = t.iter().map(Ticket::status).collect();
    assert_eq!(
        statuses,
        [
            Status::Solved,
            Status::Closed,
            Status::Pending,
            Status::OnHold,
            Status::Open,
            Status::Pending,
            Status::Solved
        ]
    );

    let t = freshdesk(
        ReadOptions::new()
            .zone("Asia/Kolkata")
            .unwrap()
            .keep_extra_columns(true),
    );
    assert_eq!(t[0].created_at(), utc("2021-06-01T03:30:00Z"));
    assert_eq!(t[0].dimension("Type"), Some("Refund"));
    assert_eq!(t[0].dimension("Company Name"), Some("Acme Corp"));
    assert_eq!(
        t[0].dimension("Subject"),
        Some("Refund for order 77, please")
    );
    assert_eq!(
        t[0].dimension("First response time (in hrs)"),
        Some("00:20:00")
    );

    // Without "Contact ID", the company identifies the customer.
    let csv = "Ticket ID,Created time,Company Name\n9,2021-06-01 10:00:00,Acme Corp\n";
    let options = ReadOptions::new().preset(Preset::Freshdesk);
    let t = TicketReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(t.customer_id().unwrap().as_str(), "Acme Corp");

    // A first response before creation is the record's error, naming the column.
    let csv = "Ticket ID,Created time,Initial response time\n10,2021-06-01 10:00:00,2021-06-01 09:00:00\n";
    let r = TicketReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(r.error.kind(), ErrorKind::NegativeDuration);
    assert_eq!(r.error.field(), Some("Initial response time"));
    assert_eq!(r.error.record().unwrap().id.as_deref(), Some("10"));
}

/// Freshdesk's ticket CSV carries no reopen count: every ticket's reopens are unknown, so
/// first-contact resolution judges none of them rather than taking all as never reopened.
#[test]
fn freshdesk_reopens_are_unknown_and_fcr_excludes_them() {
    use supportkpi::kpi::{FirstContactResolution, Kpi};
    let t = read_tickets(
        data("freshdesk_tickets.csv"),
        &ReadOptions::new().preset(Preset::Freshdesk),
    )
    .unwrap()
    .records;
    assert!(t.iter().all(|t| t.reopens().is_none()));
    let r = FirstContactResolution::default().compute(&t).unwrap();
    assert_eq!(r.denominator, 0);
    assert_eq!(r.tickets, t.len() as u64);
    assert_eq!(r.replies_unknown + r.reopens_unknown, r.tickets);
    assert!(r.rate_pct.value().is_none());
}
