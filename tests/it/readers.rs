//! The canonical CSV and JSON Lines readers: every record type, every error kind, null tokens,
//! timestamp formats, column mappings and dimensions, strict and lenient modes, and streaming.

use chrono::{DateTime, NaiveDate, Utc};
use std::io::Read;
use std::path::PathBuf;
use supportkpi::io::{
    ColumnMapping, CostReader, CustomerReader, ErrorMode, EventReader, Format, ReadOptions,
    ReadOutcome, Rejected, SurveyReader, TicketReader, TimestampFormat, read_costs, read_customers,
    read_events, read_surveys, read_tickets,
};
use supportkpi::model::{
    Author, DeriveOptions, EventKind, Status, StatusMap, SurveyKind, derive_histories,
};
use supportkpi::{ErrorKind, Ticket};

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn lenient() -> ReadOptions {
    ReadOptions::new().errors(ErrorMode::Lenient)
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data")
        .join(name)
}

/// accepted + rejected = read, and every reject's error carries its line.
fn check<T>(outcome: &ReadOutcome<T>) {
    assert_eq!(
        outcome.records.len() as u64 + outcome.rejected.len() as u64,
        outcome.read
    );
    for r in &outcome.rejected {
        assert_eq!(r.error.line(), Some(r.line), "{r}");
    }
}

fn tickets_csv(text: &str, options: &ReadOptions) -> ReadOutcome<Ticket> {
    let outcome = TicketReader::csv(text.as_bytes(), options)
        .unwrap()
        .read_all()
        .unwrap();
    check(&outcome);
    outcome
}

/// (line, kind, field, value, id) of a reject.
fn summary(r: &Rejected) -> (u64, ErrorKind, Option<&str>, Option<&str>, Option<&str>) {
    (
        r.line,
        r.error.kind(),
        r.error.field(),
        r.error.value(),
        r.error.record().and_then(|rec| rec.id.as_deref()),
    )
}

// ---------------------------------------------------------------------------------------------
// The sample data

#[test]
fn example_data_reads_in_the_canonical_layout() {
    let options = ReadOptions::new();
    let tickets = read_tickets(example("tickets.csv"), &options).unwrap();
    let surveys = read_surveys(example("surveys.csv"), &options).unwrap();
    let events = read_events(example("events.csv"), &options).unwrap();
    let customers = read_customers(example("customers.csv"), &options).unwrap();
    let costs = read_costs(example("costs.csv"), &options).unwrap();
    check(&tickets);
    check(&surveys);
    check(&events);
    check(&customers);
    check(&costs);
    assert_eq!(tickets.records.len(), 120);
    assert_eq!(surveys.records.len(), 77);
    assert_eq!(customers.records.len(), 24);
    assert_eq!(costs.records.len(), 6);
    assert!(tickets.rejected.is_empty() && surveys.rejected.is_empty());

    // The event log agrees with the summary rows of the same tickets.
    let histories = derive_histories(
        events.records,
        &StatusMap::canonical(),
        DeriveOptions::new(),
    )
    .unwrap();
    assert_eq!(histories.len(), 5);
    for h in histories.iter().filter(|h| h.merged_into().is_none()) {
        let row = tickets.records.iter().find(|t| t.id() == h.id()).unwrap();
        assert_eq!(h.created_at(), row.created_at(), "{}", h.id());
        assert_eq!(
            h.ticket().first_response_at(),
            row.first_response_at(),
            "{}",
            h.id()
        );
        assert_eq!(h.ticket().resolved_at(), row.resolved_at(), "{}", h.id());
    }
    let t4 = histories
        .iter()
        .find(|h| h.id().as_str() == "T-0004")
        .unwrap();
    assert_eq!((t4.reopens(), t4.ticket().assignee()), (1, Some("ana")));
    let merged = histories
        .iter()
        .find(|h| h.id().as_str() == "T-0121")
        .unwrap();
    assert_eq!(merged.merged_into().map(|t| t.as_str()), Some("T-0003"));
}

// ---------------------------------------------------------------------------------------------
// Every record type, CSV and JSON Lines

#[test]
fn tickets_every_field_csv_and_jsonl() {
    let csv = "id,customer_id,created_at,first_response_at,first_resolved_at,resolved_at,status,\
               channel,priority,team,assignee,agent_replies,reopens\n\
               T-1,C-1,2021-06-01T08:00:00Z,2021-06-01T08:30:00Z,2021-06-01T10:00:00Z,\
               2021-06-02T10:00:00Z,Resolved,email,high,billing,ann,3,1\n";
    let jsonl = r#"{"id":"T-1","customer_id":"C-1","created_at":"2021-06-01T08:00:00Z","first_response_at":"2021-06-01T08:30:00Z","first_resolved_at":"2021-06-01T10:00:00Z","resolved_at":"2021-06-02T10:00:00Z","status":"Resolved","channel":"email","priority":"high","team":"billing","assignee":"ann","agent_replies":3,"reopens":1}"#;
    let from_csv = tickets_csv(csv, &ReadOptions::new()).records;
    let from_json = TicketReader::json_lines(jsonl.as_bytes(), &ReadOptions::new())
        .unwrap()
        .read_all()
        .unwrap()
        .records;
    assert_eq!(from_csv, from_json);
    let t = &from_csv[0];
    let expected = Ticket::builder("T-1", utc("2021-06-01T08:00:00Z"))
        .customer_id("C-1")
        .first_response_at(utc("2021-06-01T08:30:00Z"))
        .first_resolved_at(utc("2021-06-01T10:00:00Z"))
        .resolved_at(utc("2021-06-02T10:00:00Z"))
        .status(Status::Solved)
        .channel("email")
        .priority("high")
        .team("billing")
        .assignee("ann")
        .agent_replies(3)
        .reopens(1)
        .build()
        .unwrap();
    assert_eq!(t, &expected);
}

#[test]
fn events_every_kind_csv_and_jsonl() {
    let csv = "ticket_id,at,kind,author,public,to,into\n\
               T-1,2021-06-01T08:00:00Z,created,,,,\n\
               T-1,2021-06-01T08:05:00Z,reply,bot,,,\n\
               T-1,2021-06-01T08:10:00Z,Reply,Agent,false,,\n\
               T-1,2021-06-01T08:20:00Z,reply,customer,yes,,\n\
               T-1,2021-06-01T08:30:00Z,status-change,,,pending,\n\
               T-1,2021-06-01T08:40:00Z,assigned,,,ann,\n\
               T-1,2021-06-01T08:50:00Z,merged,,,,T-2\n";
    let jsonl = "\
{\"ticket_id\":\"T-1\",\"at\":\"2021-06-01T08:00:00Z\",\"kind\":\"created\"}\n\
{\"ticket_id\":\"T-1\",\"at\":\"2021-06-01T08:05:00Z\",\"kind\":\"reply\",\"author\":\"bot\"}\n\
\n\
{\"ticket_id\":\"T-1\",\"at\":\"2021-06-01T08:10:00Z\",\"kind\":\"Reply\",\"author\":\"Agent\",\"public\":false}\n\
{\"ticket_id\":\"T-1\",\"at\":\"2021-06-01T08:20:00Z\",\"kind\":\"reply\",\"author\":\"customer\",\"public\":\"yes\"}\n\
{\"ticket_id\":\"T-1\",\"at\":\"2021-06-01T08:30:00Z\",\"kind\":\"status-change\",\"to\":\"pending\"}\n\
{\"ticket_id\":\"T-1\",\"at\":\"2021-06-01T08:40:00Z\",\"kind\":\"assigned\",\"to\":\"ann\",\"public\":null}\n\
{\"ticket_id\":\"T-1\",\"at\":\"2021-06-01T08:50:00Z\",\"kind\":\"merged\",\"into\":\"T-2\"}\n";
    let a = EventReader::csv(csv.as_bytes(), &ReadOptions::new())
        .unwrap()
        .read_all()
        .unwrap();
    let b = EventReader::json_lines(jsonl.as_bytes(), &ReadOptions::new())
        .unwrap()
        .read_all()
        .unwrap();
    check(&a);
    check(&b);
    assert_eq!(a.records, b.records);
    let kinds: Vec<EventKind> = a.records.into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Created,
            EventKind::Reply {
                author: Author::Bot,
                public: true
            },
            EventKind::Reply {
                author: Author::Agent,
                public: false
            },
            EventKind::Reply {
                author: Author::Customer,
                public: true
            },
            EventKind::StatusChange {
                to: "pending".into()
            },
            EventKind::Assigned { to: "ann".into() },
            EventKind::Merged { into: "T-2".into() },
        ]
    );
}

#[test]
fn surveys_customers_costs_csv_and_jsonl() {
    let csv = "id,ticket_id,customer_id,responded_at,kind,score\n\
               S-1,T-1,C-1,2021-06-01T08:00:00Z,NPS,9\n\
               S-2,,,2021-06-01T09:00:00Z,csat,4\n";
    let jsonl = "{\"id\":\"S-1\",\"ticket_id\":\"T-1\",\"customer_id\":\"C-1\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"NPS\",\"score\":9}\n\
                 {\"id\":\"S-2\",\"ticket_id\":null,\"responded_at\":\"2021-06-01T09:00:00Z\",\"kind\":\"csat\",\"score\":\"4\"}\n";
    let a = SurveyReader::csv(csv.as_bytes(), &ReadOptions::new())
        .unwrap()
        .read_all()
        .unwrap();
    let b = SurveyReader::json_lines(jsonl.as_bytes(), &ReadOptions::new())
        .unwrap()
        .read_all()
        .unwrap();
    assert_eq!(a.records, b.records);
    let s = &a.records[0];
    assert_eq!((s.kind(), s.score()), (SurveyKind::Nps, 9));
    assert_eq!(s.ticket_id().map(|t| t.as_str()), Some("T-1"));
    assert_eq!(s.customer_id().map(|c| c.as_str()), Some("C-1"));
    assert_eq!(a.records[1].ticket_id(), None);

    let csv = "id,acquired_at,churned_at,recurring_revenue,currency,segment\n\
               acme,2021-01-01,2021-06-15T00:00:00Z,1200.50,eur,enterprise\n\
               beta,2021-02-01,,,,\n";
    let jsonl = "{\"id\":\"acme\",\"acquired_at\":\"2021-01-01\",\"churned_at\":\"2021-06-15T00:00:00Z\",\"recurring_revenue\":1200.50,\"currency\":\"eur\",\"segment\":\"enterprise\"}\n\
                 {\"id\":\"beta\",\"acquired_at\":\"2021-02-01\"}\n";
    let a = CustomerReader::csv(csv.as_bytes(), &ReadOptions::new())
        .unwrap()
        .read_all()
        .unwrap();
    let b = CustomerReader::json_lines(jsonl.as_bytes(), &ReadOptions::new())
        .unwrap()
        .read_all()
        .unwrap();
    assert_eq!(a.records, b.records);
    let c = &a.records[0];
    assert_eq!(c.acquired_at(), utc("2021-01-01T00:00:00Z"));
    assert_eq!(c.churned_at(), Some(utc("2021-06-15T00:00:00Z")));
    assert_eq!(c.recurring_revenue().unwrap().to_string(), "1200.50 EUR");
    assert_eq!(c.segment(), Some("enterprise"));
    assert_eq!(a.records[1].recurring_revenue(), None);

    let csv = "start,end,amount,currency,category\n2021-06-01,2021-06-30,30000.25,USD,salaries\n\
               2021-07-01,2021-07-31,100,,\n";
    let jsonl = "{\"start\":\"2021-06-01\",\"end\":\"2021-06-30\",\"amount\":\"30000.25\",\"currency\":\"USD\",\"category\":\"salaries\"}\n\
                 {\"start\":\"2021-07-01\",\"end\":\"2021-07-31\",\"amount\":100}\n";
    let options = ReadOptions::new().currency("USD").unwrap();
    let a = CostReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .read_all()
        .unwrap();
    let b = CostReader::json_lines(jsonl.as_bytes(), &options)
        .unwrap()
        .read_all()
        .unwrap();
    assert_eq!(a.records, b.records);
    let c = &a.records[0];
    assert_eq!(
        (c.start(), c.days()),
        (NaiveDate::from_ymd_opt(2021, 6, 1).unwrap(), 30)
    );
    assert_eq!(c.amount().to_string(), "30000.25 USD");
    assert_eq!(c.category(), Some("salaries"));
    assert_eq!(a.records[1].amount().currency.as_str(), "USD");

    // Dates in another format.
    let csv = "start,end,amount,currency\n01/06/2021,30/06/2021,1,USD\n";
    let options = ReadOptions::new().date_format("%d/%m/%Y");
    let c = CostReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(c.days(), 30);
}

// ---------------------------------------------------------------------------------------------
// Every error kind

#[test]
fn missing_required_column_is_an_error_before_any_record() {
    let err =
        TicketReader::csv("id,status\nT-1,open\n".as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingField);
    assert_eq!((err.line(), err.field()), (Some(1), Some("created_at")));
    assert_eq!(err.record().unwrap().record_type, "ticket");
    // With a mapping, the error names the expected source column.
    let options = ReadOptions::new().mapping(ColumnMapping::new().map("Opened", "created_at"));
    let err = TicketReader::csv("id\nT-1\n".as_bytes(), &options).unwrap_err();
    assert!(err.rule().contains("Opened"), "{err}");
    // An empty input has no header at all.
    let err = SurveyReader::csv("".as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::MissingField, Some("id"))
    );
    let err = EventReader::csv("ticket_id,at\n".as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(err.field(), Some("kind"));
    let err = CostReader::csv("start,end\n".as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(err.field(), Some("amount"));
    let err = CustomerReader::csv("id\n".as_bytes(), &ReadOptions::new()).unwrap_err();
    assert_eq!(err.field(), Some("acquired_at"));
}

#[test]
fn every_ticket_error_kind_is_a_reject_with_line_field_value() {
    let csv = "id,created_at,first_response_at,resolved_at,status,agent_replies\n\
               T-1,2021-06-01T08:00:00Z,,,open,1\n\
               ,2021-06-01T08:00:00Z,,,open,\n\
               T-3,01/06/2021,,,open,\n\
               T-4,2021-06-01T08:00:00Z,2021-06-01T07:00:00Z,,open,\n\
               T-5,2021-06-01T08:00:00Z,,,parked,\n\
               T-6,2021-06-01T08:00:00Z,,,open,two\n\
               T-1,2021-06-02T08:00:00Z,,,open,\n\
               T-8,2021-06-01T08:00:00Z,,\n\
               \"T-9\",\"2021-06-01T08:00:00Z\",,,\"solved\",\"2\"\n";
    let outcome = tickets_csv(csv, &lenient());
    assert_eq!(outcome.read, 9);
    assert_eq!(outcome.records.len(), 2);
    let got: Vec<_> = outcome.rejected.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            (3, ErrorKind::MissingField, Some("id"), None, None),
            (
                4,
                ErrorKind::InvalidTimestamp,
                Some("created_at"),
                Some("01/06/2021"),
                Some("T-3")
            ),
            (
                5,
                ErrorKind::NegativeDuration,
                Some("first_response_at"),
                Some("2021-06-01T07:00:00+00:00"),
                Some("T-4")
            ),
            (
                6,
                ErrorKind::UnmappedStatus,
                Some("status"),
                Some("parked"),
                Some("T-5")
            ),
            (
                7,
                ErrorKind::InvalidValue,
                Some("agent_replies"),
                Some("two"),
                Some("T-6")
            ),
            (
                8,
                ErrorKind::DuplicateId,
                Some("id"),
                Some("T-1"),
                Some("T-1")
            ),
            (9, ErrorKind::InvalidValue, None, Some("4"), Some("T-8")),
        ]
    );
    for r in &outcome.rejected {
        assert_eq!(r.error.record().unwrap().record_type, "ticket");
    }
    assert!(outcome.rejected[1].error.rule().contains("RFC 3339"));
    assert!(
        outcome.rejected[5].error.rule().contains("line 2"),
        "{}",
        outcome.rejected[5]
    );

    // Strict: the first of them, and nothing after.
    let err = TicketReader::csv(csv.as_bytes(), &ReadOptions::new())
        .unwrap()
        .read_all()
        .unwrap_err();
    assert_eq!(err, outcome.rejected[0].error);
    let mut reader = TicketReader::csv(csv.as_bytes(), &ReadOptions::new()).unwrap();
    assert!(reader.next().unwrap().is_ok());
    assert!(reader.next().unwrap().is_err());
    assert!(reader.next().is_none());
    assert_eq!(reader.records_read(), 2);
}

#[test]
fn error_kinds_of_the_other_records() {
    let csv = "ticket_id,at,kind,author,public,to,into\n\
               T-1,2021-06-01T08:00:00Z,opened,,,,\n\
               T-1,2021-06-01T08:00:00Z,reply,,,,\n\
               T-1,2021-06-01T08:00:00Z,reply,robot,,,\n\
               T-1,2021-06-01T08:00:00Z,reply,agent,maybe,,\n\
               T-1,2021-06-01T08:00:00Z,status_change,,,,\n\
               T-1,2021-06-01T08:00:00Z,merged,,,,\n\
               T-1,,created,,,,\n";
    let outcome = EventReader::csv(csv.as_bytes(), &lenient())
        .unwrap()
        .read_all()
        .unwrap();
    check(&outcome);
    let got: Vec<_> = outcome.rejected.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            (
                2,
                ErrorKind::InvalidValue,
                Some("kind"),
                Some("opened"),
                Some("T-1")
            ),
            (
                3,
                ErrorKind::MissingField,
                Some("author"),
                None,
                Some("T-1")
            ),
            (
                4,
                ErrorKind::InvalidValue,
                Some("author"),
                Some("robot"),
                Some("T-1")
            ),
            (
                5,
                ErrorKind::InvalidValue,
                Some("public"),
                Some("maybe"),
                Some("T-1")
            ),
            (6, ErrorKind::MissingField, Some("to"), None, Some("T-1")),
            (7, ErrorKind::MissingField, Some("into"), None, Some("T-1")),
            (8, ErrorKind::MissingField, Some("at"), None, Some("T-1")),
        ]
    );
    // Events of one ticket are not duplicates.
    let ok =
        "ticket_id,at,kind\nT-1,2021-06-01T08:00:00Z,created\nT-1,2021-06-01T09:00:00Z,created\n";
    assert_eq!(
        EventReader::csv(ok.as_bytes(), &ReadOptions::new())
            .unwrap()
            .count(),
        2
    );

    let csv = "id,responded_at,kind,score\n\
               S-1,2021-06-01T08:00:00Z,nps,11\n\
               S-2,2021-06-01T08:00:00Z,nps,9.5\n\
               S-3,2021-06-01T08:00:00Z,stars,3\n\
               S-4,2021-06-01T08:00:00Z,csat,\n\
               S-4,2021-06-01T08:00:00Z,csat,5\n\
               S-4,2021-06-01T08:00:00Z,csat,4\n";
    let outcome = SurveyReader::csv(csv.as_bytes(), &lenient())
        .unwrap()
        .read_all()
        .unwrap();
    check(&outcome);
    let got: Vec<_> = outcome.rejected.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            (
                2,
                ErrorKind::ScoreOutOfScale,
                Some("score"),
                Some("11"),
                Some("S-1")
            ),
            (
                3,
                ErrorKind::InvalidValue,
                Some("score"),
                Some("9.5"),
                Some("S-2")
            ),
            (
                4,
                ErrorKind::InvalidValue,
                Some("kind"),
                Some("stars"),
                Some("S-3")
            ),
            (5, ErrorKind::MissingField, Some("score"), None, Some("S-4")),
            (
                7,
                ErrorKind::DuplicateId,
                Some("id"),
                Some("S-4"),
                Some("S-4")
            ),
        ]
    );
    // Duplicate checking can be switched off.
    let outcome = SurveyReader::csv(csv.as_bytes(), &lenient().check_duplicate_ids(false))
        .unwrap()
        .read_all()
        .unwrap();
    assert_eq!(outcome.records.len(), 2);

    let csv = "id,acquired_at,churned_at,recurring_revenue,currency\n\
               a,2021-06-01,2021-05-01,,\n\
               b,2021-06-01,,1200,\n\
               c,2021-06-01,,1.200,00,EUR\n\
               d,2021-06-01,,12,EURO\n\
               e,2021-06-01,,\"1,200.00\",EUR\n";
    let outcome = CustomerReader::csv(csv.as_bytes(), &lenient())
        .unwrap()
        .read_all()
        .unwrap();
    check(&outcome);
    let got: Vec<_> = outcome.rejected.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            (
                2,
                ErrorKind::NegativeDuration,
                Some("churned_at"),
                Some("2021-05-01T00:00:00+00:00"),
                Some("a")
            ),
            (
                3,
                ErrorKind::MissingField,
                Some("currency"),
                None,
                Some("b")
            ),
            (4, ErrorKind::InvalidValue, None, Some("6"), Some("c")),
            (
                5,
                ErrorKind::InvalidValue,
                Some("currency"),
                Some("EURO"),
                Some("d")
            ),
            (
                6,
                ErrorKind::InvalidValue,
                Some("recurring_revenue"),
                Some("1,200.00"),
                Some("e")
            ),
        ]
    );

    let csv = "start,end,amount,currency\n\
               2021-06-30,2021-06-01,1,USD\n\
               2021-06-01,June 30,1,USD\n\
               2021-06-01,2021-06-30,1,USD\n\
               2021-06-01,2021-06-30,2,GBP\n";
    let outcome = CostReader::csv(csv.as_bytes(), &lenient())
        .unwrap()
        .read_all()
        .unwrap();
    check(&outcome);
    let got: Vec<_> = outcome.rejected.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            (
                2,
                ErrorKind::NegativeDuration,
                Some("end"),
                Some("2021-06-01"),
                None
            ),
            (
                3,
                ErrorKind::InvalidTimestamp,
                Some("end"),
                Some("June 30"),
                None
            ),
            (
                5,
                ErrorKind::MixedCurrencies,
                Some("currency"),
                Some("GBP"),
                None
            ),
        ]
    );
    // One currency per input is checked as it is read (the first accepted record's), so a
    // lenient read sets the others aside with their line instead of the report failing.
    assert_eq!(outcome.records.len(), 1);
}

#[test]
fn jsonl_line_errors() {
    let jsonl = "{\"id\":\"S-1\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"nps\",\"score\":9}\n\
                 not json\n\
                 [1,2]\n\
                 {\"id\":\"S-2\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"nps\",\"score\":[9]}\n\
                 {\"id\":\"S-3\",\"responded_at\":\"2021-06-01T08:00:00Z\",\"kind\":\"nps\"}\n\
                 \n\
                 {\"id\":\"S-4\",\"responded_at\":1622534400,\"kind\":\"nps\",\"score\":0}\n";
    let outcome = SurveyReader::json_lines(jsonl.as_bytes(), &lenient())
        .unwrap()
        .read_all()
        .unwrap();
    check(&outcome);
    assert_eq!((outcome.records.len(), outcome.read), (1, 6));
    let got: Vec<_> = outcome
        .rejected
        .iter()
        .map(|r| (r.line, r.error.kind(), r.error.field()))
        .collect();
    assert_eq!(
        got,
        [
            (2, ErrorKind::InvalidValue, None),
            (3, ErrorKind::InvalidValue, None),
            (4, ErrorKind::InvalidValue, Some("score")),
            (5, ErrorKind::MissingField, Some("score")),
            (7, ErrorKind::InvalidTimestamp, Some("responded_at")),
        ]
    );
    // Unix seconds, with the pattern that says so.
    let options = lenient().timestamps(TimestampFormat::pattern("%s"));
    let outcome = SurveyReader::json_lines(jsonl.as_bytes(), &options)
        .unwrap()
        .read_all()
        .unwrap();
    assert_eq!(
        outcome.records.last().unwrap().responded_at(),
        utc("2021-06-01T08:00:00Z")
    );
}

#[test]
fn bad_bytes_and_bad_options() {
    let mut bytes = b"id,created_at\nT-1,2021-06-01T08:00:00Z\nT-".to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(b",2021-06-01T08:00:00Z\nT-3,2021-06-01T08:00:00Z\n");
    let outcome = TicketReader::csv(bytes.as_slice(), &lenient())
        .unwrap()
        .read_all()
        .unwrap();
    check(&outcome);
    assert_eq!((outcome.records.len(), outcome.read), (2, 3));
    assert_eq!(
        (outcome.rejected[0].line, outcome.rejected[0].error.kind()),
        (3, ErrorKind::InvalidValue)
    );

    let err = read_tickets("/nonexistent/tickets.csv", &ReadOptions::new()).unwrap_err();
    assert_eq!((err.kind(), err.field()), (ErrorKind::Io, Some("path")));
    // The I/O error itself is the source, not only text in the rule.
    let io = std::error::Error::source(&err).and_then(|s| s.downcast_ref::<std::io::Error>());
    assert_eq!(
        io.map(std::io::Error::kind),
        Some(std::io::ErrorKind::NotFound)
    );
    assert_eq!(
        err.io_source().map(|e| e.kind()),
        Some(std::io::ErrorKind::NotFound)
    );
    // A directory opens on Unix but fails on the first read: the CSV reader's I/O error.
    #[cfg(unix)]
    {
        let err = read_tickets(std::env::temp_dir(), &ReadOptions::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        let io = err.io_source().expect("the read's I/O error");
        assert_eq!(io.kind(), std::io::ErrorKind::IsADirectory, "{io}");
    }

    let err = ReadOptions::new().zone("Mars/Olympus_Mons").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownTimeZone);
    assert!(ReadOptions::new().currency("dollars").is_err());
    assert_eq!("LENIENT".parse::<ErrorMode>().unwrap(), ErrorMode::Lenient);
    assert_eq!(
        "loose".parse::<ErrorMode>().unwrap_err().kind(),
        ErrorKind::InvalidOption
    );

    let options = ReadOptions::new().mapping(ColumnMapping::new().map("Opened", "opened_at"));
    let err = TicketReader::csv("id,Opened\n".as_bytes(), &options).unwrap_err();
    assert_eq!(
        (err.kind(), err.value()),
        (ErrorKind::InvalidOption, Some("opened_at"))
    );
    let options = ReadOptions::new().mapping(ColumnMapping::new().map("Opened", "created_at"));
    let err = TicketReader::csv("id,Opened,created_at\n".as_bytes(), &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOption);
    assert!(err.rule().contains("both feed"), "{err}");
    let err = TicketReader::json_lines(
        "".as_bytes(),
        &options
            .clone()
            .mapping(ColumnMapping::new().map("x", "nope")),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOption);
}

// ---------------------------------------------------------------------------------------------
// Null tokens, timestamps, mappings and dimensions

#[test]
fn null_tokens_default_and_configured() {
    let csv = "id,created_at,first_response_at,channel,priority,team\n\
               T-1,2021-06-01T08:00:00Z,,?,NULL, \n\
               T-2,2021-06-01T08:00:00Z,n/a,email,null,-\n";
    let outcome = tickets_csv(csv, &lenient());
    let t = &outcome.records[0];
    assert_eq!(
        (t.first_response_at(), t.channel(), t.priority(), t.team()),
        (None, None, None, None)
    );
    // "n/a" is not a null by default: an unparsable timestamp.
    assert_eq!(
        outcome.rejected[0].error.kind(),
        ErrorKind::InvalidTimestamp
    );

    let options = lenient().null_tokens(["", "n/a", "-", "null"]);
    let outcome = tickets_csv(csv, &options);
    assert_eq!(outcome.records.len(), 2);
    let (t1, t2) = (&outcome.records[0], &outcome.records[1]);
    assert_eq!(
        (t2.first_response_at(), t2.priority(), t2.team()),
        (None, None, None)
    );
    assert_eq!(t2.channel(), Some("email"));
    // "?" and "NULL" are values now.
    assert_eq!((t1.channel(), t1.priority()), (Some("?"), Some("NULL")));
}

#[test]
fn naive_times_in_a_zone_and_custom_formats() {
    let csv = "id,created_at,first_response_at,resolved_at\n\
               T-1,2021-06-01 10:00,2021-06-01T10:30:00+02:00,2021-06-02\n\
               T-2,2021-10-31 02:30:00,,\n\
               T-3,2021-03-28T02:30,,\n";
    let options = ReadOptions::new().zone("Europe/Berlin").unwrap();
    let t = tickets_csv(csv, &options).records;
    assert_eq!(t[0].created_at(), utc("2021-06-01T08:00:00Z"));
    assert_eq!(t[0].first_response_seconds(), Some(30 * 60));
    // A bare date is local midnight.
    assert_eq!(t[0].resolved_at(), Some(utc("2021-06-01T22:00:00Z")));
    // 02:30 on 31 October happens twice in Berlin: the earlier (CEST) instant.
    assert_eq!(t[1].created_at(), utc("2021-10-31T00:30:00Z"));
    // 02:30 on 28 March does not happen: the end of the gap.
    assert_eq!(t[2].created_at(), utc("2021-03-28T01:00:00Z"));

    let csv =
        "id,created_at,resolved_at\nT-1,01-06-2021 10:00,02-06-2021 09:15\nT-2,2021-06-01 10:00,\n";
    let options = lenient()
        .timestamps(TimestampFormat::pattern("%d-%m-%Y %H:%M"))
        .zone("America/New_York")
        .unwrap();
    let outcome = tickets_csv(csv, &options);
    assert_eq!(outcome.records[0].created_at(), utc("2021-06-01T14:00:00Z"));
    assert_eq!(
        outcome.records[0].resolved_at(),
        Some(utc("2021-06-02T13:15:00Z"))
    );
    let r = &outcome.rejected[0];
    assert_eq!(
        summary(r),
        (
            3,
            ErrorKind::InvalidTimestamp,
            Some("created_at"),
            Some("2021-06-01 10:00"),
            Some("T-2")
        )
    );
    assert!(
        r.error.rule().contains("%d-%m-%Y %H:%M") && r.error.rule().contains("America/New_York"),
        "{r}"
    );
}

#[test]
fn bare_dates_are_local_midnight() {
    let csv = "id,acquired_at\nacme,2021-06-01\n";
    let options = ReadOptions::new().zone("Asia/Tokyo").unwrap();
    let c = CustomerReader::csv(csv.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(c.acquired_at(), utc("2021-05-31T15:00:00Z"));
}

#[test]
fn mapping_and_extra_columns_as_dimensions() {
    let csv = "Ticket #,Opened,Plan,Region,status,Secret\n\
               T-1,2021-06-01T08:00:00Z,pro,EU,open,x\n\
               T-2,2021-06-01T08:00:00Z,,US,open,y\n";
    let mapping = ColumnMapping::new()
        .map("Ticket #", "id")
        .map("Opened", "created_at")
        .dimension("Plan", "plan")
        .ignore("Secret");
    let t = tickets_csv(csv, &ReadOptions::new().mapping(mapping.clone())).records;
    assert_eq!(t[0].id().as_str(), "T-1");
    assert_eq!(t[0].status(), Status::Open);
    assert_eq!(t[0].dimensions().len(), 1);
    assert_eq!(t[0].dimension("plan"), Some("pro"));
    assert_eq!(t[1].dimension("plan"), None);

    let options = ReadOptions::new()
        .mapping(mapping.clone())
        .keep_extra_columns(true);
    let t = tickets_csv(csv, &options).records;
    assert_eq!(t[0].dimension("Region"), Some("EU"));
    assert_eq!(t[0].dimension("Secret"), None);
    assert_eq!(t[0].dimensions().len(), 2);

    let jsonl = "{\"Ticket #\":\"T-1\",\"Opened\":\"2021-06-01T08:00:00Z\",\"Plan\":\"pro\",\"Region\":\"EU\",\"Seats\":12,\"Secret\":\"x\",\"nested\":{\"a\":1}}\n";
    let t = TicketReader::json_lines(jsonl.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(t.dimension("plan"), Some("pro"));
    assert_eq!(t.dimension("Region"), Some("EU"));
    assert_eq!(t.dimension("Seats"), Some("12"));
    assert_eq!(t.dimension("Secret"), None);
    assert_eq!(t.dimensions().len(), 3);

    // Case-insensitive names on request.
    let options = ReadOptions::new().mapping(
        ColumnMapping::new()
            .ignore_case(true)
            .map("TICKET", "id")
            .map("opened", "created_at"),
    );
    let csv = "\u{feff}Ticket , Opened\nT-1,2021-06-01T08:00:00Z\n";
    assert_eq!(tickets_csv(csv, &options).records.len(), 1);
}

#[test]
fn csv_quoting_crlf_delimiters_and_lines() {
    // A quoted cell spanning two lines: the next record's line is counted physically.
    let csv = "id,created_at,channel\r\n\
               T-1,2021-06-01T08:00:00Z,\"email, web\"\r\n\
               T-2,2021-06-01T08:00:00Z,\"two\r\nlines\"\r\n\
               \r\n\
               T-3,bad,x\r\n";
    let outcome = tickets_csv(csv, &lenient());
    assert_eq!(outcome.records[0].channel(), Some("email, web"));
    assert_eq!(outcome.records[1].channel(), Some("two\r\nlines"));
    assert_eq!(outcome.rejected[0].line, 6);
    assert_eq!(outcome.read, 3);

    let csv = "id;created_at;priority\nT-1;2021-06-01T08:00:00Z;high\n";
    let t = tickets_csv(csv, &ReadOptions::new().delimiter(b';')).records;
    assert_eq!(t[0].priority(), Some("high"));
}

#[test]
fn format_from_path_and_option() {
    let dir = std::env::temp_dir();
    let path = dir.join(format!("supportkpi-readers-{}.ndjson", std::process::id()));
    std::fs::write(
        &path,
        "{\"id\":\"T-1\",\"created_at\":\"2021-06-01T08:00:00Z\"}\n",
    )
    .unwrap();
    assert_eq!(
        read_tickets(&path, &ReadOptions::new())
            .unwrap()
            .records
            .len(),
        1
    );
    // Told it is CSV, the object is a header without the required columns.
    let err = read_tickets(&path, &ReadOptions::new().format(Format::Csv)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingField);
    std::fs::remove_file(path).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Streaming

/// Generates a CSV of `rows` tickets on the fly, a few bytes at a time: the input never exists
/// in memory as a whole.
struct Generated {
    next_row: u64,
    rows: u64,
    pending: Vec<u8>,
    offset: usize,
}

impl Generated {
    fn new(rows: u64) -> Self {
        Generated {
            next_row: 0,
            rows,
            pending: b"id,created_at,first_response_at,resolved_at,status,channel\n".to_vec(),
            offset: 0,
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.offset == self.pending.len() {
            if self.next_row == self.rows {
                return Ok(0);
            }
            let i = self.next_row;
            self.next_row += 1;
            let minute = i % 60;
            // Every 1000th row is bad: resolved before it was created.
            let resolved = if i % 1000 == 999 {
                "2021-05-31T00:00:00Z".to_owned()
            } else {
                format!("2021-06-02T10:{minute:02}:00Z")
            };
            self.pending = format!(
                "T-{i},2021-06-01T08:{minute:02}:00Z,2021-06-01T09:{minute:02}:00Z,{resolved},solved,{}\n",
                ["email", "chat", "phone"][(i % 3) as usize]
            )
            .into_bytes();
            self.offset = 0;
        }
        let n = buf.len().min(self.pending.len() - self.offset);
        buf[..n].copy_from_slice(&self.pending[self.offset..self.offset + n]);
        self.offset += n;
        Ok(n)
    }
}

#[test]
fn streams_200k_rows_without_collecting() {
    const ROWS: u64 = 200_000;
    let options = lenient().check_duplicate_ids(false);
    let reader = TicketReader::csv(Generated::new(ROWS), &options).unwrap();
    let (mut accepted, mut rejected, mut frt_total, mut chat) = (0u64, 0u64, 0i64, 0u64);
    let mut last_line = 0;
    let mut reader = reader;
    for item in reader.by_ref() {
        match item {
            Ok(t) => {
                accepted += 1;
                frt_total += t.first_response_seconds().unwrap();
                chat += u64::from(t.channel() == Some("chat"));
            }
            Err(r) => {
                rejected += 1;
                assert_eq!(r.error.kind(), ErrorKind::NegativeDuration);
                assert!(r.line > last_line);
                last_line = r.line;
            }
        }
    }
    assert_eq!(rejected, ROWS / 1000);
    assert_eq!(accepted + rejected, ROWS);
    assert_eq!(reader.records_read(), ROWS);
    assert_eq!(frt_total, 3600 * accepted as i64);
    assert_eq!(last_line, ROWS + 1);
    assert!(chat > 60_000, "{chat}");
}
