//! The clock as support teams run it (issue 17): next reply times, status times, SLA clocks
//! with pauses and calendars per team, worked out by hand in the style of the SPEC's
//! business-time reference cases.

use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
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

    let kpi = NextReplyTime::new(NextReplyTimeOptions::default().with_calendar(cal)).unwrap();
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
        .with_period(Period::Year)
        .with_calendar(office());
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

// ---------------------------------------------------------------------------------------------
// Status time.

use proptest::prelude::*;
use supportkpi::kpi::{
    Accumulator, SlaMetric, SlaPolicy, SlaStatus, SlaTarget, StatusTimeMapping, TicketStatusTimes,
};
use supportkpi::model::Status;

fn times(history: &TicketHistory, cal: &BusinessCalendar) -> [(i64, Option<i64>); 4] {
    let t = TicketStatusTimes::at_resolution(history, &StatusTimeMapping::default(), Some(cal))
        .unwrap();
    [t.requester_wait, t.agent_work, t.on_hold, t.pending].map(|s| (s.calendar, s.business))
}

/// Ticket P, across a weekend on the office calendar: new Fri 16:00, open 17:00, pending
/// 17:30, open Mon 11:00, on hold 12:00, open 15:00, solved 16:00.
/// - calendar: new 1 h, open 0.5 + 1 + 1 h, on hold 3 h, pending 6.5 + 48 + 11 = 65.5 h;
///   requester wait 1 + 2.5 + 3 = 6.5 h; agent work 3.5 h; 6.5 + 65.5 = 72 h = Fri 16 → Mon 16;
/// - business: new 1 h, open 0.5 + 1 + 1 h, on hold 3 h, pending Fri 17:30-18:00 + Mon
///   10:00-11:00 = 1.5 h.
fn weekend_statuses(id: &str) -> Vec<TicketEvent> {
    vec![
        created(id, utc(2021, 6, 25, 16, 0)),
        status(id, utc(2021, 6, 25, 17, 0), "open"),
        status(id, utc(2021, 6, 25, 17, 30), "pending"),
        status(id, utc(2021, 6, 28, 11, 0), "open"),
        status(id, utc(2021, 6, 28, 12, 0), "on_hold"),
        status(id, utc(2021, 6, 28, 15, 0), "open"),
        status(id, utc(2021, 6, 28, 16, 0), "solved"),
    ]
}

#[test]
fn status_time_across_a_weekend() {
    let h = &derive(weekend_statuses("P"))[0];
    assert_eq!(
        times(h, &office()),
        [
            (6 * H + H / 2, Some(6 * H + H / 2)),
            (3 * H + H / 2, Some(3 * H + H / 2)),
            (3 * H, Some(3 * H)),
            (65 * H + H / 2, Some(H + H / 2)),
        ]
    );
    assert_eq!(
        6 * H + H / 2 + 65 * H + H / 2,
        h.ticket().resolution_seconds().unwrap()
    );
}

/// Ticket R, across Christmas Eve (closed): new Thu 12-23 17:00, on hold 17:30, open Mon 12-27
/// 10:30, solved 11:00. Calendar: on hold 6.5 + 72 + 10.5 = 89 h; requester wait 0.5 + 89 +
/// 0.5 = 90 h; agent work 1 h. Business: new 0.5 h, on hold Thu 17:30-18:00 + Mon
/// 10:00-10:30 = 1 h, open 0.5 h → requester wait 2 h, agent work 1 h.
#[test]
fn status_time_across_a_holiday() {
    let events = vec![
        created("R", utc(2021, 12, 23, 17, 0)),
        status("R", utc(2021, 12, 23, 17, 30), "on_hold"),
        status("R", utc(2021, 12, 27, 10, 30), "open"),
        status("R", utc(2021, 12, 27, 11, 0), "solved"),
    ];
    let h = &derive(events)[0];
    assert_eq!(
        times(h, &office()),
        [
            (90 * H, Some(2 * H)),
            (H, Some(H)),
            (89 * H, Some(H)),
            (0, Some(0))
        ]
    );
}

/// Ticket Q on the Berlin night shift (every day 01:00-05:00 local) on the spring DST change:
/// new Sun 03-28 00:30 CET, open 01:00 CET, pending 04:00 CEST, solved 05:30 CEST. Calendar:
/// new 0.5 h, open 2 h (the hour 02:00-03:00 does not exist), pending 1.5 h. Business: new 0,
/// open 2 h, pending 04:00-05:00 = 1 h.
#[test]
fn status_time_across_a_dst_change() {
    let berlin = chrono_tz::Europe::Berlin;
    let cal = BusinessCalendar::parse("Mon-Sun 01:00-05:00", berlin).unwrap();
    let events = vec![
        created("Q", local(berlin, 2021, 3, 28, 0, 30)),
        status("Q", local(berlin, 2021, 3, 28, 1, 0), "open"),
        status("Q", local(berlin, 2021, 3, 28, 4, 0), "pending"),
        status("Q", local(berlin, 2021, 3, 28, 5, 30), "solved"),
    ];
    let h = &derive(events)[0];
    assert_eq!(h.ticket().resolution_seconds(), Some(4 * H));
    assert_eq!(
        times(h, &cal),
        [
            (2 * H + H / 2, Some(2 * H)),
            (2 * H + H / 2, Some(2 * H)),
            (0, Some(0)),
            (H + H / 2, Some(H)),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// SLA clocks.

/// P's resolution against 6 business hours on the office calendar.
/// - Without pauses: Fri 16:00-18:00 (2 h) + Mon 10:00-14:00 (4 h): due Mon 14:00; solved
///   Mon 16:00: breached at Mon 14:00.
/// - Paused in pending and on hold (the default): Fri 16:00-17:30 (1.5 h), Mon 11:00-12:00
///   (1 h), then from Mon 15:00 the 3.5 h left: Mon 15:00-18:00 and Tue 10:00-10:30: due Tue
///   10:30; solved Mon 16:00: met.
/// - As of Mon 13:00 (on hold, not yet solved): running, due Tue 10:30.
/// - Ticket P2 stays pending from Fri 17:30: its clock stopped at 1.5 h, for good: paused
///   (running, never met), 5,400 s elapsed against 14,400 s unpaused by Mon 12:00.
#[test]
fn sla_clock_paused_through_a_pending_stretch() {
    let p = &derive(weekend_statuses("P"))[0];
    let paused = SlaPolicy::new()
        .calendar(office())
        .resolution_default(SlaTarget::business(6 * H).unwrap());
    let unpaused = paused.clone().pause(SlaMetric::Resolution, []);
    assert_eq!(
        paused
            .paused_in(SlaMetric::Resolution)
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [Status::Pending, Status::OnHold]
    );
    assert_eq!(
        unpaused.evaluate_history(p, None).unwrap().resolution,
        Some(SlaStatus::Breached {
            at: utc(2021, 6, 28, 14, 0)
        })
    );
    assert_eq!(
        paused.evaluate_history(p, None).unwrap().resolution,
        Some(SlaStatus::Met)
    );
    assert_eq!(
        paused
            .evaluate_history(p, Some(utc(2021, 6, 28, 13, 0)))
            .unwrap()
            .resolution,
        Some(SlaStatus::Running {
            deadline: utc(2021, 6, 29, 10, 30)
        })
    );
    let elapsed = |policy: &SlaPolicy, h: &TicketHistory, until| {
        policy
            .elapsed_seconds(h, SlaMetric::Resolution, h.created_at(), until)
            .unwrap()
    };
    // By the resolution: 1.5 h Friday, 1 h Mon 11-12, 1 h Mon 15-16, against 2 + 6 h.
    assert_eq!(
        elapsed(&paused, p, utc(2021, 6, 28, 16, 0)),
        Some(3 * H + H / 2)
    );
    assert_eq!(elapsed(&unpaused, p, utc(2021, 6, 28, 16, 0)), Some(8 * H));

    let p2 = &derive(weekend_statuses("P2")[..3].to_vec())[0];
    assert_eq!(
        paused.evaluate_history(p2, None).unwrap().resolution,
        Some(SlaStatus::Paused)
    );
    assert_eq!(
        elapsed(&paused, p2, utc(2021, 6, 28, 12, 0)),
        Some(H + H / 2)
    );
    assert_eq!(elapsed(&unpaused, p2, utc(2021, 6, 28, 12, 0)), Some(4 * H));
}

/// Next-reply (2 business hours) and periodic-update (24 calendar hours) targets on W:
/// - waits Fri 16:00 → Mon 11:00 (due Fri 18:00: breached) and Mon 12:00 → 14:00 (due 14:00:
///   met): the ticket is breached at Fri 18:00;
/// - agent replies Fri 09:30, Mon 11:00, Mon 14:00 on a ticket open throughout: 09:30 → Mon
///   11:00 is breached at Sat 09:30, the last one runs on (as final: breached Tue 14:00); the
///   ticket is breached at Sat 09:30.
///
/// The report over W, P and P2 (resolution 6 business hours, the default pauses): resolution
/// met 1 (P), breached 1 (W, due Fri 16:00), running 1 (P2, paused); next reply and periodic
/// update breached 1 each (W; P and P2 have no replies: no target); overall 1 met / 4 decided.
#[test]
fn sla_next_reply_periodic_update_and_the_report() {
    let policy = SlaPolicy::new()
        .calendar(office())
        .resolution_default(SlaTarget::business(6 * H).unwrap())
        .with_target(
            SlaMetric::NextReply,
            None,
            SlaTarget::business(2 * H).unwrap(),
        )
        .with_target(
            SlaMetric::PeriodicUpdate,
            None,
            SlaTarget::calendar(24 * H).unwrap(),
        );
    let w = &derive(weekend_ticket())[0];
    let sla = policy.evaluate_history(w, None).unwrap();
    assert_eq!(
        sla.next_reply,
        Some(SlaStatus::Breached {
            at: utc(2021, 6, 25, 18, 0)
        })
    );
    assert_eq!(
        sla.periodic_update,
        Some(SlaStatus::Breached {
            at: utc(2021, 6, 26, 9, 30)
        })
    );
    assert_eq!(
        sla.resolution,
        Some(SlaStatus::Breached {
            at: utc(2021, 6, 25, 16, 0)
        })
    );

    let histories = derive(
        [
            weekend_ticket(),
            weekend_statuses("P"),
            weekend_statuses("P2")[..3].to_vec(),
        ]
        .concat(),
    );
    let input = ReportInput {
        histories,
        ..ReportInput::default()
    };
    let options = ReportOptions::default()
        .with_period(Period::Year)
        .with_calendar(office())
        .with_sla(policy);
    let row = &Report::compute(&input, &options).unwrap().rows[0];
    assert_eq!(row.sla_resolution_pct, Some(50.0));
    assert_eq!((row.sla_resolution_n, row.sla_resolution_running), (2, 1));
    assert_eq!(row.sla_next_reply_pct, Some(0.0));
    assert_eq!((row.sla_next_reply_n, row.sla_next_reply_running), (1, 0));
    assert_eq!(row.sla_periodic_update_pct, Some(0.0));
    assert_eq!(row.sla_periodic_update_n, 1);
    assert_eq!(row.sla_first_response_pct, None);
    assert_eq!(row.sla_first_response_n, 0);
    assert_eq!((row.sla_attainment_pct, row.sla_n), (Some(25.0), 4));
    // Status times: P is the one resolved history (see status_time_across_a_weekend).
    assert_eq!(row.status_time_n, 1);
    assert_eq!(row.requester_wait_mean_s, Some(23_400.0));
    assert_eq!(row.agent_work_median_s, Some(12_600.0));
    assert_eq!(row.on_hold_mean_bh_s, Some(10_800.0));
    assert_eq!(
        (row.pending_mean_s, row.pending_mean_bh_s),
        (Some(235_800.0), Some(5_400.0))
    );
    assert!(
        !row.undefined
            .keys()
            .any(|k| k.contains("p90") && k.contains("wait"))
    );
}

/// Two teams with their own first-response targets: the team's target wins, others take the
/// policy's.
#[test]
fn sla_team_targets() {
    let policy = SlaPolicy::new()
        .first_response_default(SlaTarget::calendar(H).unwrap())
        .with_team_target(
            "night",
            SlaMetric::FirstResponse,
            None,
            SlaTarget::calendar(4 * H).unwrap(),
        );
    let at = utc(2021, 6, 28, 9, 0);
    let ticket = |team: &str| {
        supportkpi::Ticket::builder("T", at)
            .team(team)
            .first_response_at(at + chrono::Duration::hours(2))
            .build()
            .unwrap()
    };
    let night = policy.evaluate(&ticket("night"), None).unwrap();
    assert_eq!(night.first_response, Some(SlaStatus::Met));
    let day = policy.evaluate(&ticket("day"), None).unwrap();
    assert_eq!(
        day.first_response,
        Some(SlaStatus::Breached {
            at: utc(2021, 6, 28, 10, 0)
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Laws over random event logs.

/// A random log of one ticket: status changes (canonical names, reopens and all) and replies
/// at minutes after creation (whole seconds, so calendar seconds add up exactly).
fn random_log() -> impl Strategy<Value = Vec<TicketEvent>> {
    let t0 = utc(2021, 3, 26, 7, 0);
    prop::collection::vec((0i64..20_000, 0usize..10), 0..25).prop_map(move |steps| {
        let mut events = vec![created("T", t0)];
        for (minutes, what) in steps {
            let at = t0 + chrono::Duration::minutes(minutes);
            events.push(match what {
                0 => says("T", at, Author::Agent),
                1 => says("T", at, Author::Customer),
                2 => note("T", at),
                k => status(
                    "T",
                    at,
                    [
                        "new",
                        "open",
                        "pending",
                        "on_hold",
                        "solved",
                        "closed",
                        "cancelled",
                    ][k - 3],
                ),
            });
        }
        events
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Requester wait + the rest of the ticket's open time (pending) + the time it spent
    /// solved, closed or cancelled before its latest resolution = its full resolution time, on
    /// the calendar and on a business calendar across a DST change.
    #[test]
    fn requester_wait_and_the_rest_make_the_resolution_time(events in random_log()) {
        let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::Europe::Berlin)
            .unwrap();
        let h = &derive(events)[0];
        if let Some(t) = TicketStatusTimes::at_resolution(h, &StatusTimeMapping::default(), Some(&cal)) {
            let resolved = h.ticket().resolved_at().unwrap();
            let full = h.ticket().resolution_seconds().unwrap();
            prop_assert_eq!(
                t.requester_wait.calendar + t.pending.calendar + t.not_open.calendar,
                full
            );
            let b = |s: supportkpi::kpi::Seconds| s.business.unwrap();
            prop_assert_eq!(
                b(t.requester_wait) + b(t.pending) + b(t.not_open),
                cal.business_seconds(h.created_at(), resolved)
            );
            prop_assert!(t.agent_work.calendar + t.on_hold.calendar == t.requester_wait.calendar);
        }
    }

    /// A paused SLA clock never runs ahead of the same clock unpaused: elapsed time is at most
    /// the unpaused elapsed time, so the paused deadline is never earlier and a target met
    /// unpaused is met paused.
    #[test]
    fn paused_sla_elapsed_is_at_most_unpaused(events in random_log(), until in 0i64..30_000) {
        let h = &derive(events)[0];
        let until = h.created_at() + chrono::Duration::minutes(until);
        for business in [false, true] {
            let target = if business {
                SlaTarget::business(3 * H).unwrap()
            } else {
                SlaTarget::calendar(20 * H).unwrap()
            };
            let paused = SlaPolicy::new()
                .calendar(office())
                .resolution_default(target)
                .pause(SlaMetric::Resolution, [Status::Pending, Status::OnHold, Status::Solved]);
            let unpaused = paused.clone().pause(SlaMetric::Resolution, []);
            let e = |p: &SlaPolicy| {
                p.elapsed_seconds(h, SlaMetric::Resolution, h.created_at(), until).unwrap().unwrap()
            };
            prop_assert!(e(&paused) <= e(&unpaused));
            let status = |p: &SlaPolicy| p.evaluate_history(h, None).unwrap().resolution.unwrap();
            if status(&unpaused) == SlaStatus::Met {
                prop_assert_eq!(status(&paused), SlaStatus::Met);
            }
            if let (SlaStatus::Breached { at: a }, SlaStatus::Breached { at: b }) =
                (status(&paused), status(&unpaused))
            {
                prop_assert!(a >= b);
            }
        }
    }
}

#[test]
fn status_time_kpi_counts_and_reasons() {
    let histories = derive([weekend_statuses("P"), weekend_ticket()].concat());
    let kpi = supportkpi::kpi::StatusTime::default();
    let r = kpi.compute_histories(&histories).unwrap();
    assert_eq!((r.resolved, r.unresolved, r.summaries), (1, 1, 0));
    assert_eq!(r.requester_wait.calendar.mean.value(), Some(23_400.0));
    let mut acc = kpi.accumulator();
    acc.push(histories[0].ticket()).unwrap();
    let r = acc.finish();
    assert_eq!(
        r.pending.calendar.mean.undefined_reason(),
        Some("status times need an event log")
    );
}

// ---------------------------------------------------------------------------------------------
// A calendar per team.

/// Two teams on Mon-Fri 09:00-17:00 in their own zones, and the default in UTC; three tickets
/// created Mon 2021-06-28 06:00 UTC:
/// - B (team Berlin, CEST = UTC+2): 08:00 local; first response 10:00 UTC = 12:00 local:
///   calendar 4 h, business 09:00-12:00 = 3 h;
/// - N (team NY, EDT = UTC-4): 02:00 local; first response 16:00 UTC = 12:00 local: calendar
///   10 h, business 3 h (on Berlin's calendar it would be 7 h, on UTC's 7 h);
/// - D (no team): first response 10:00 UTC: calendar 4 h, business 09:00-10:00 UTC = 1 h.
///
/// FRT means: calendar 18 h / 3 = 21,600 s; business 7 h / 3 = 8,400 s. A first-response
/// target of 2 business hours is due 11:00 local: B breached at 09:00 UTC, N at 15:00 UTC, D
/// met.
#[test]
fn two_teams_on_calendars_in_different_zones() {
    use supportkpi::time::TeamCalendars;
    let hours = |tz| BusinessCalendar::parse("Mon-Fri 09:00-17:00", tz).unwrap();
    let calendars = TeamCalendars::new()
        .with("Berlin", hours(chrono_tz::Europe::Berlin))
        .with("NY", hours(chrono_tz::America::New_York));
    let at = utc(2021, 6, 28, 6, 0);
    let ticket = |id: &str, team: Option<&str>, responded| {
        let mut b = supportkpi::Ticket::builder(id, at).first_response_at(responded);
        if let Some(team) = team {
            b = b.team(team);
        }
        b.build().unwrap()
    };
    let tickets = vec![
        ticket("B", Some("Berlin"), utc(2021, 6, 28, 10, 0)),
        ticket("N", Some("NY"), utc(2021, 6, 28, 16, 0)),
        ticket("D", None, utc(2021, 6, 28, 10, 0)),
    ];
    let policy = SlaPolicy::new()
        .calendar(hours(Tz::UTC))
        .first_response_default(SlaTarget::business(2 * H).unwrap());
    let options = ReportOptions::default()
        .with_calendar(hours(Tz::UTC))
        .with_sla(policy.clone());
    let options_by_team = options.clone().with_calendars(calendars.clone());
    let input = ReportInput {
        tickets: tickets.clone(),
        ..ReportInput::default()
    };
    let row = &Report::compute(&input, &options_by_team).unwrap().rows[0];
    assert_eq!(row.frt_mean_s, Some(21_600.0));
    assert_eq!(row.frt_mean_bh_s, Some(8_400.0));
    assert_eq!(
        (row.sla_first_response_pct, row.sla_first_response_n),
        (Some(100.0 / 3.0), 3)
    );
    // On the default calendar alone: B 1 h, N 7 h, D 1 h.
    let row = &Report::compute(&input, &options).unwrap().rows[0];
    assert_eq!(row.frt_mean_bh_s, Some(9.0 * 3_600.0 / 3.0));

    let policy = policy.team_calendars(calendars.clone());
    let statuses: Vec<_> = tickets
        .iter()
        .map(|t| policy.evaluate(t, None).unwrap().first_response)
        .collect();
    assert_eq!(
        statuses,
        [
            Some(SlaStatus::Breached {
                at: utc(2021, 6, 28, 9, 0)
            }),
            Some(SlaStatus::Breached {
                at: utc(2021, 6, 28, 15, 0)
            }),
            Some(SlaStatus::Met),
        ]
    );

    // A map without a default calendar is refused, naming the option.
    let no_default = ReportOptions::default().with_calendars(calendars.clone());
    let err = Report::compute(&input, &no_default).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (supportkpi::ErrorKind::InvalidOption, Some("calendars"))
    );

    // The JSON form.
    let json = r#"{"by": "team", "calendars": {
        "Berlin": {"timezone": "Europe/Berlin", "hours": "Mon-Fri 09:00-17:00"},
        "NY": {"timezone": "America/New_York", "hours": "Mon-Fri 09:00-17:00"}}}"#;
    assert_eq!(TeamCalendars::from_json(json).unwrap(), calendars);
    assert_eq!(
        TeamCalendars::from_json(
            r#"{"calendars": {"X": {"timezone": "Mars/Olympus", "hours": "Mon 09:00-10:00"}}}"#
        )
        .unwrap_err()
        .kind(),
        supportkpi::ErrorKind::InvalidCalendar
    );
}

// ---------------------------------------------------------------------------------------------
// Holidays from an iCalendar file.

/// tests/data/office_closures.ics (Google Calendar's export format) on the Berlin office
/// calendar, Mon-Fri 09:00-17:00:
/// - Christmas Eve to Boxing Day 2021 (all-day, DTEND exclusive): 24th, 25th, 26th closed;
/// - New Year's Eve 12:00-17:00 Berlin (Fri 2021-12-31): 3 business hours left, 09:00-12:00;
/// - Labour Day yearly: 2023-05-01 (a Monday) closed, and still in 2100;
/// - Thanksgiving, the 4th Thursday of November (folded rule): 2022-11-24 closed, 2022-11-17
///   open;
/// - the offsite 13:00-15:00 UTC on Tue 2021-06-15 = 15:00-17:00 CEST: 6 business hours left;
/// - the cancelled summer party (Thu 2021-07-22) closes nothing.
#[test]
fn holidays_from_an_ics_file() {
    let berlin = chrono_tz::Europe::Berlin;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/office_closures.ics"
    );
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("\r\n "), "the file has folded lines");
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", berlin)
        .unwrap()
        .with_ics(&text)
        .unwrap();
    let day = |y, m, d| {
        let a = local(berlin, y, m, d, 0, 0);
        cal.business_seconds(a, a + chrono::Duration::days(1))
    };
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let holidays: Vec<NaiveDate> = cal.holidays().filter(|d| d.year() == 2021).collect();
    assert_eq!(
        holidays,
        [
            date(2021, 5, 1),
            date(2021, 11, 25),
            date(2021, 12, 24),
            date(2021, 12, 25),
            date(2021, 12, 26)
        ]
    );
    assert_eq!(day(2021, 12, 24), 0);
    assert_eq!(day(2021, 12, 27), 8 * H);
    assert_eq!(day(2021, 12, 31), 3 * H);
    assert_eq!(day(2023, 5, 1), 0);
    assert!(cal.holidays().any(|d| d == date(2100, 5, 1)));
    assert_eq!((day(2022, 11, 24), day(2022, 11, 17)), (0, 8 * H));
    assert_eq!(day(2021, 6, 15), 6 * H);
    assert_eq!(day(2021, 7, 22), 8 * H);

    // LF line ends read the same.
    let lf = text.replace("\r\n", "\n");
    assert_eq!(
        BusinessCalendar::parse("Mon-Fri 09:00-17:00", berlin)
            .unwrap()
            .with_ics(&lf)
            .unwrap(),
        cal
    );
    // What it cannot read is an error naming the line, never a closure dropped.
    let weekly =
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20210104\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n";
    let err = supportkpi::time::read_ics(weekly, berlin).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (supportkpi::ErrorKind::InvalidCalendar, Some("ics"))
    );
    assert!(err.to_string().contains("line 3"), "{err}");
    let zone = "BEGIN:VEVENT\nDTSTART;TZID=W. Europe Standard Time:20210104T100000\nEND:VEVENT\n";
    assert!(supportkpi::time::read_ics(zone, berlin).is_err());
}

/// The accumulator laws for the new KPIs: split the tickets at every index, merge the halves
/// (one of them through its serialized state), and get the one-pass result.
#[test]
fn next_reply_and_status_time_merge_at_every_split() {
    let histories = derive(
        [
            weekend_ticket(),
            holiday_ticket(),
            open_and_solved_tickets(),
            weekend_statuses("P"),
            weekend_statuses("P2")[..3].to_vec(),
        ]
        .concat(),
    );
    let next = NextReplyTime::new(NextReplyTimeOptions::default().with_calendar(office())).unwrap();
    let status = supportkpi::kpi::StatusTime::new(
        supportkpi::kpi::StatusTimeOptions::default().with_calendar(office()),
    )
    .unwrap();
    let sla = supportkpi::kpi::Sla::new(supportkpi::kpi::SlaOptions::new(
        SlaPolicy::new()
            .calendar(office())
            .resolution_default(SlaTarget::business(6 * H).unwrap())
            .with_target(
                SlaMetric::NextReply,
                None,
                SlaTarget::business(2 * H).unwrap(),
            ),
    ))
    .unwrap();
    use supportkpi::kpi::{Kpi, TicketAccumulator};
    fn check<K>(kpi: &K, histories: &[TicketHistory])
    where
        K: Kpi,
        K::Accumulator: TicketAccumulator + Clone + serde::Serialize + serde::de::DeserializeOwned,
        <K::Accumulator as Accumulator>::Output: PartialEq + std::fmt::Debug,
    {
        let whole = {
            let mut a = kpi.accumulator();
            for h in histories {
                a.push_history(h).unwrap();
            }
            a
        };
        let expected = whole.clone().finish();
        for i in 0..=histories.len() {
            let (mut left, mut right) = (kpi.accumulator(), kpi.accumulator());
            for h in &histories[..i] {
                left.push_history(h).unwrap();
            }
            for h in &histories[i..] {
                right.push_history(h).unwrap();
            }
            let json = serde_json::to_string(&right).unwrap();
            right = serde_json::from_str(&json).unwrap();
            right.merge(left).unwrap();
            assert_eq!(right.finish(), expected, "split at {i}");
        }
    }
    check(&next, &histories);
    check(&status, &histories);
    check(&sla, &histories);
    let r = next.compute_histories(&histories).unwrap();
    assert_eq!((r.tickets, r.answered, r.unanswered), (6, 3, 1));
}
