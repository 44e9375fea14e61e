//! The clock as support teams run it (issue 17): next reply times, status times, SLA clocks
//! with pauses and calendars per team, worked out by hand in the style of the SPEC's
//! business-time reference cases.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use supportkpi::kpi::{NextReplyTime, NextReplyTimeOptions, TicketKpi, TicketReplyTimes};
use supportkpi::model::{
    Author, DeriveOptions, EventKind, Instant, StatusMap, TicketHistory, derive_histories,
};
use supportkpi::report::{Report, ReportInput, ReportOptions};
use supportkpi::time::local_to_instant;
use supportkpi::{BusinessCalendar, Period, TicketEvent};

const H: i64 = 3_600;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> Instant {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> Instant {
    let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
    local_to_instant(
        tz,
        date.and_time(NaiveTime::from_hms_opt(h, min, 0).unwrap()),
    )
}

fn created(id: &str, at: Instant) -> TicketEvent {
    TicketEvent::new(id, at, EventKind::Created)
}

fn says(id: &str, at: Instant, author: Author) -> TicketEvent {
    TicketEvent::new(
        id,
        at,
        EventKind::Reply {
            author,
            public: true,
        },
    )
}

fn note(id: &str, at: Instant) -> TicketEvent {
    TicketEvent::new(
        id,
        at,
        EventKind::Reply {
            author: Author::Agent,
            public: false,
        },
    )
}

fn status(id: &str, at: Instant, to: &str) -> TicketEvent {
    TicketEvent::new(id, at, EventKind::StatusChange { to: to.into() })
}

fn derive(events: Vec<TicketEvent>) -> Vec<TicketHistory> {
    derive_histories(events, &StatusMap::canonical(), DeriveOptions::new()).unwrap()
}

/// Mon-Fri 10:00-18:00 UTC (the SPEC's reference calendar) with Christmas Eve 2021 (a Friday)
/// closed.
fn office() -> BusinessCalendar {
    BusinessCalendar::parse("Mon-Fri 10:00-18:00", Tz::UTC)
        .unwrap()
        .with_holiday(NaiveDate::from_ymd_opt(2021, 12, 24).unwrap())
}

/// Ticket W, across a weekend (2021-06-25 is a Friday):
/// - created Fri 09:00, first response Fri 09:30 (1,800 s; business 0: the office opens at 10);
/// - the customer writes Fri 16:00, the agent answers Mon 10:00 + 1 h:
///   calendar 8 h + 48 h + 11 h = 241,200 s; business Fri 16-18 + Mon 10-11 = 10,800 s;
/// - the customer writes Mon 12:00 and 12:30 (one wait), a bot answers 13:00 and an agent
///   leaves a private note 13:30 (neither is a reply), the agent answers 14:00: 7,200 s on
///   both clocks.
fn weekend_ticket() -> Vec<TicketEvent> {
    let w = "W";
    vec![
        created(w, utc(2021, 6, 25, 9, 0)),
        says(w, utc(2021, 6, 25, 9, 30), Author::Agent),
        says(w, utc(2021, 6, 25, 16, 0), Author::Customer),
        says(w, utc(2021, 6, 28, 11, 0), Author::Agent),
        says(w, utc(2021, 6, 28, 12, 0), Author::Customer),
        says(w, utc(2021, 6, 28, 12, 30), Author::Customer),
        says(w, utc(2021, 6, 28, 13, 0), Author::Bot),
        note(w, utc(2021, 6, 28, 13, 30)),
        says(w, utc(2021, 6, 28, 14, 0), Author::Agent),
    ]
}

/// Ticket X, across a holiday: the customer writes Thu 2021-12-23 17:00, the agent answers
/// Mon 12-27 10:30. Calendar 7 h + 72 h + 10.5 h = 322,200 s; business Thu 17-18 (1 h), Fri
/// the 24th closed, Mon 10:00-10:30 → 5,400 s.
fn holiday_ticket() -> Vec<TicketEvent> {
    let x = "X";
    vec![
        created(x, utc(2021, 12, 23, 12, 0)),
        says(x, utc(2021, 12, 23, 12, 10), Author::Agent),
        says(x, utc(2021, 12, 23, 17, 0), Author::Customer),
        says(x, utc(2021, 12, 27, 10, 30), Author::Agent),
    ]
}

/// Ticket U: the customer is still waiting at the end of the log (unanswered); ticket S: the
/// customer's last word comes before the agent solves the ticket (no reply owed, no wait).
fn open_and_solved_tickets() -> Vec<TicketEvent> {
    vec![
        created("U", utc(2021, 6, 28, 10, 0)),
        says("U", utc(2021, 6, 28, 10, 10), Author::Agent),
        says("U", utc(2021, 6, 28, 10, 20), Author::Customer),
        created("S", utc(2021, 6, 28, 10, 0)),
        says("S", utc(2021, 6, 28, 10, 5), Author::Agent),
        says("S", utc(2021, 6, 28, 10, 6), Author::Customer),
        status("S", utc(2021, 6, 28, 10, 10), "solved"),
    ]
}

#[test]
fn next_reply_across_a_weekend() {
    let history = &derive(weekend_ticket())[0];
    let times = TicketReplyTimes::of(history, Some(&office())).unwrap();
    let got: Vec<(i64, Option<i64>)> = times
        .next_replies
        .iter()
        .map(|r| (r.calendar_s, r.business_s))
        .collect();
    assert_eq!(got, [(241_200, Some(10_800)), (7_200, Some(7_200))]);
    assert_eq!(times.unanswered, 0);
    // Average reply time: the first response and the two next replies.
    assert_eq!(
        times.average_reply_s,
        Some((1_800 + 241_200 + 7_200) as f64 / 3.0)
    );
    assert_eq!(times.average_reply_s, Some(83_400.0));
    assert_eq!(times.average_reply_bh_s, Some(6_000.0)); // (0 + 10,800 + 7,200) / 3
    assert_eq!(history.public_agent_replies(), 3);
}

#[test]
fn next_reply_across_a_holiday() {
    let history = &derive(holiday_ticket())[0];
    let times = TicketReplyTimes::of(history, Some(&office())).unwrap();
    assert_eq!(times.next_replies.len(), 1);
    assert_eq!(times.next_replies[0].calendar_s, 322_200);
    assert_eq!(times.next_replies[0].business_s, Some(5_400));
    assert_eq!(322_200, 7 * H + 72 * H + 10 * H + 1_800);
}

/// Berlin, open every day 01:00-05:00 local: the DST changes of 2021 fall inside those hours.
/// - Spring (Sun 03-28, 02:00 → 03:00): the customer writes Sat 23:00 CET (22:00 UTC), the
///   agent answers Sun 04:00 CEST (02:00 UTC): calendar 4 h; business Sun 01:00-04:00 local,
///   which is 2 real hours (the hour 02:00-03:00 does not exist) → 7,200 s.
/// - Autumn (Sun 10-31, 03:00 → 02:00): the customer writes 01:30 CEST (23:30 UTC), the agent
///   answers 04:00 CET (03:00 UTC): 3.5 h on both clocks, the repeated hour counted once each
///   time it passes → 12,600 s.
#[test]
fn next_reply_across_dst_changes() {
    let berlin = chrono_tz::Europe::Berlin;
    let cal = BusinessCalendar::parse("Mon-Sun 01:00-05:00", berlin).unwrap();
    let spring = vec![
        created("D1", local(berlin, 2021, 3, 27, 20, 0)),
        says("D1", local(berlin, 2021, 3, 27, 21, 0), Author::Agent),
        says("D1", local(berlin, 2021, 3, 27, 23, 0), Author::Customer),
        says("D1", utc(2021, 3, 28, 2, 0), Author::Agent),
    ];
    let autumn = vec![
        created("D2", utc(2021, 10, 30, 20, 0)),
        says("D2", utc(2021, 10, 30, 21, 0), Author::Agent),
        says("D2", utc(2021, 10, 30, 23, 30), Author::Customer),
        says("D2", utc(2021, 10, 31, 3, 0), Author::Agent),
    ];
    assert_eq!(local(berlin, 2021, 3, 27, 23, 0), utc(2021, 3, 27, 22, 0));
    let histories = derive([spring, autumn].concat());
    let each: Vec<(i64, Option<i64>)> = histories
        .iter()
        .map(|h| {
            let r = TicketReplyTimes::of(h, Some(&cal)).unwrap().next_replies[0];
            (r.calendar_s, r.business_s)
        })
        .collect();
    assert_eq!(each, [(4 * H, Some(2 * H)), (12_600, Some(12_600))]);

    let kpi = NextReplyTime::new(NextReplyTimeOptions::default().calendar(cal)).unwrap();
    let r = kpi.compute_histories(&histories).unwrap();
    assert_eq!((r.tickets, r.answered, r.unanswered), (2, 2, 0));
    assert_eq!(r.calendar.mean.value(), Some((14_400.0 + 12_600.0) / 2.0));
    assert_eq!(
        r.business.unwrap().mean.value(),
        Some((7_200.0 + 12_600.0) / 2.0)
    );
}

/// The report over W, X, U and S (one row for 2021): the next-reply statistics are over every
/// answered wait of the tickets created in the period — 241,200, 7,200 and 322,200 s
/// (business 10,800, 7,200, 5,400) — and U's wait is unanswered.
/// - mean 570,600 / 3 = 190,200; median 241,200; p90 at rank 1.8: 241,200 + 0.8 × 81,000 =
///   306,000;
/// - business: mean 23,400 / 3 = 7,800; median 7,200; p90 7,200 + 0.8 × 3,600 = 10,080.
#[test]
fn report_next_reply_columns() {
    let histories = derive(
        [
            weekend_ticket(),
            holiday_ticket(),
            open_and_solved_tickets(),
        ]
        .concat(),
    );
    let u = histories.iter().find(|h| h.id().as_str() == "U").unwrap();
    assert_eq!(u.reply_waits().len(), 1);
    assert_eq!(u.reply_waits()[0].to, None);
    let s = histories.iter().find(|h| h.id().as_str() == "S").unwrap();
    assert!(s.reply_waits().is_empty());

    let input = ReportInput {
        histories,
        ..ReportInput::default()
    };
    let options = ReportOptions::default()
        .period(Period::Year)
        .calendar(office());
    let report = Report::compute(&input, &options).unwrap();
    assert_eq!(report.rows.len(), 1);
    let row = &report.rows[0];
    assert_eq!((row.next_reply_n, row.next_reply_unanswered), (3, 1));
    assert_eq!(row.next_reply_mean_s, Some(190_200.0));
    assert_eq!(row.next_reply_median_s, Some(241_200.0));
    assert_eq!(row.next_reply_p90_s, Some(306_000.0));
    assert_eq!(row.next_reply_mean_bh_s, Some(7_800.0));
    assert_eq!(row.next_reply_median_bh_s, Some(7_200.0));
    assert_eq!(row.next_reply_p90_bh_s, Some(10_080.0));
    let csv = report.to_csv();
    assert!(csv.lines().next().unwrap().contains(
        "next_reply_n,next_reply_mean_s,next_reply_median_s,next_reply_p90_s,\
         next_reply_unanswered,next_reply_mean_bh_s,next_reply_median_bh_s,next_reply_p90_bh_s"
    ));

    // Summary rows say nothing about their waits: the columns are undefined, with the reason.
    let summaries = ReportInput {
        tickets: input.histories.iter().map(|h| h.ticket().clone()).collect(),
        ..ReportInput::default()
    };
    let row = &Report::compute(&summaries, &options).unwrap().rows[0];
    assert_eq!(row.next_reply_n, 0);
    assert_eq!(
        row.undefined["next_reply_mean_s"],
        "no tickets from an event log"
    );
}

#[test]
fn a_log_without_replies_has_no_reply_times() {
    let events = [weekend_ticket(), holiday_ticket()].concat();
    let histories = derive_histories(
        events,
        &StatusMap::canonical(),
        DeriveOptions::new().records_replies(false),
    )
    .unwrap();
    for h in &histories {
        assert!(!h.records_replies());
        assert!(h.reply_waits().is_empty());
        assert_eq!(h.ticket().first_response_at(), None);
        assert_eq!(h.ticket().agent_replies(), None);
        assert_eq!(TicketReplyTimes::of(h, None), None);
    }
    let r = NextReplyTime::default()
        .compute_histories(&histories)
        .unwrap();
    assert_eq!((r.tickets, r.replies_unknown, r.answered), (2, 2, 0));
    assert_eq!(
        r.calendar.median.undefined_reason(),
        Some("the input records no replies")
    );
}
