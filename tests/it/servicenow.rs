//! Event-log derivation on real data: the ServiceNow incident log in tests/data (see
//! tests/data/README.md for its source and licence).
//!
//! Every figure asserted here is printed by tests/data/servicenow_reference.py, which reads the
//! same file with the Python standard library and shares no code with supportkpi.
//!
//! Rows → events: the first row of an incident (by `number`) gives `Created` at `opened_at`;
//! every row gives a status change to `incident_state` at `sys_updated_at`. Timestamps carry no
//! zone and are read as UTC. Events are taken in file order (`EventOrder::Source`): the export
//! lists each incident's updates in the order ServiceNow made them. Not time order: within an
//! incident the file is in time order for 889 of 890 incidents, and the one that is not
//! (INC0000137) gets a reopen ServiceNow never counted when sorted by time. Not `sys_mod_count`:
//! it repeats within 5 incidents and puts their times out of order.
//!
//! What the data does to the rules:
//! - 5 rows are stamped before their incident's `opened_at` (the first row of INC0000130, 131,
//!   134, 135 and 164, from minutes to hours early), so the log is derived with
//!   `BeforeCreation::Clamp`; with the default they are rejected as negative durations.
//! - ServiceNow's `resolved_at` column is not the instant the derivation yields. The derivation
//!   resolves a ticket when it enters Resolved (or Closed) from an open state, and takes the
//!   latest such instant. ServiceNow re-stamps `resolved_at` whenever a resolved incident is
//!   saved again: for 17 incidents a later "Resolved" row follows the resolution and the column
//!   holds that row's instant. It leaves the column empty for the 29 incidents opened directly
//!   as Resolved (resolved at creation here: 0 s). For 843 incidents the two agree.
//! - INC0000137's first row (New, 11:10) is listed before its 09:52 row and its 11:03
//!   resolution. In file order the walk is New → New → Resolved → Closed: no reopen (its
//!   `reopen_count` says 0) and a resolution at 11:03 (its `resolved_at`); the 11:10 row changes
//!   nothing, so it does not hold the resolution back. Sorted by time it would be New → Resolved
//!   (11:03) → New (11:10) → Closed: a reopen and a resolution five days later. In file order
//!   the derived reopens equal `reopen_count` for all 890 incidents.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::{BTreeMap, BTreeSet};
use supportkpi::model::{
    BeforeCreation, DeriveOptions, EventKind, EventOrder, Instant, StatusMap, TicketHistory,
    derive_histories, derive_histories_lenient,
};
use supportkpi::{ErrorKind, TicketEvent};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/servicenow_incident_events.csv"
);

/// The columns the test reads, one per CSV row.
struct Row {
    number: String,
    state: String,
    sys_mod_count: u32,
    reopen_count: u32,
    opened_at: Instant,
    sys_updated_at: Instant,
    resolved_at: Option<Instant>,
}

fn instant(text: &str) -> Instant {
    NaiveDateTime::parse_from_str(text, "%d-%m-%Y %H:%M")
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .and_utc()
}

/// The file has no quotes, `?` for null and CRLF line ends, so a split is a faithful parser.
fn read_rows() -> Vec<Row> {
    let text = std::fs::read_to_string(DATA).unwrap();
    let mut lines = text.split("\r\n");
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let [number, state, mods, reopens, opened, updated, resolved] = [
        "number",
        "incident_state",
        "sys_mod_count",
        "reopen_count",
        "opened_at",
        "sys_updated_at",
        "resolved_at",
    ]
    .map(column);
    let mut rows = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        assert!(!line.contains(['"', '\n', '\r']), "{line}");
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        rows.push(Row {
            number: cells[number].to_owned(),
            state: cells[state].to_owned(),
            sys_mod_count: cells[mods].parse().unwrap(),
            reopen_count: cells[reopens].parse().unwrap(),
            opened_at: instant(cells[opened]),
            sys_updated_at: instant(cells[updated]),
            resolved_at: (cells[resolved] != "?").then(|| instant(cells[resolved])),
        });
    }
    rows
}

fn events(rows: &[Row]) -> Vec<TicketEvent> {
    let mut seen = BTreeSet::new();
    let mut events = Vec::with_capacity(rows.len() + 1000);
    for row in rows {
        if seen.insert(row.number.as_str()) {
            events.push(TicketEvent::new(
                row.number.as_str(),
                row.opened_at,
                EventKind::Created,
            ));
        }
        events.push(TicketEvent::new(
            row.number.as_str(),
            row.sys_updated_at,
            EventKind::StatusChange {
                to: row.state.clone(),
            },
        ));
    }
    events
}

fn clamp() -> DeriveOptions {
    DeriveOptions::new()
        .before_creation(BeforeCreation::Clamp)
        .order(EventOrder::Source)
}

fn histories(rows: &[Row]) -> Vec<TicketHistory> {
    derive_histories(events(rows), &StatusMap::servicenow(), clamp()).unwrap()
}

fn by_incident(rows: &[Row]) -> BTreeMap<&str, Vec<&Row>> {
    let mut map: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        map.entry(row.number.as_str()).or_default().push(row);
    }
    map
}

#[test]
fn the_data_is_as_documented() {
    let rows = read_rows();
    assert_eq!(rows.len(), 5998);
    let incidents = by_incident(&rows);
    assert_eq!(incidents.len(), 890);

    // Each incident's rows are contiguous.
    let mut blocks = rows
        .windows(2)
        .filter(|w| w[0].number != w[1].number)
        .count()
        + 1;
    assert_eq!(blocks, 890);
    blocks = 0;
    let mut mod_count_out_of_file_order = Vec::new();
    let mut time_out_of_file_order = Vec::new();
    for (number, rows) in &incidents {
        blocks += 1;
        if rows
            .windows(2)
            .any(|w| w[0].sys_mod_count >= w[1].sys_mod_count)
        {
            mod_count_out_of_file_order.push(*number);
        }
        if rows
            .windows(2)
            .any(|w| w[0].sys_updated_at > w[1].sys_updated_at)
        {
            time_out_of_file_order.push(*number);
        }
    }
    assert_eq!(blocks, 890);
    assert_eq!(
        mod_count_out_of_file_order,
        [
            "INC0000130",
            "INC0000134",
            "INC0000135",
            "INC0000137",
            "INC0000164"
        ]
    );
    assert_eq!(time_out_of_file_order, ["INC0000137"]);

    let before_opening: Vec<&str> = rows
        .iter()
        .filter(|r| r.sys_updated_at < r.opened_at)
        .map(|r| r.number.as_str())
        .collect();
    assert_eq!(
        before_opening,
        [
            "INC0000130",
            "INC0000131",
            "INC0000134",
            "INC0000135",
            "INC0000164"
        ]
    );
}

#[test]
fn every_state_is_mapped() {
    let rows = read_rows();
    let map = StatusMap::servicenow();
    let states: BTreeSet<&str> = rows.iter().map(|r| r.state.as_str()).collect();
    assert_eq!(
        states.iter().copied().collect::<Vec<_>>(),
        [
            "Active",
            "Awaiting Evidence",
            "Awaiting Problem",
            "Awaiting User Info",
            "Awaiting Vendor",
            "Closed",
            "New",
            "Resolved"
        ]
    );
    for state in states {
        map.resolve(state).unwrap();
    }
}

#[test]
fn rows_before_opening_are_rejected_by_default() {
    let rows = read_rows();
    let map = StatusMap::servicenow();
    let err = derive_histories(events(&rows), &map, DeriveOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NegativeDuration);
    assert_eq!(err.record().unwrap().id.as_deref(), Some("INC0000130"));
    assert_eq!(err.field(), Some("at"));
    assert_eq!(err.value(), Some("2016-02-29T07:27:00+00:00"));

    let (accepted, rejected) = derive_histories_lenient(events(&rows), &map, DeriveOptions::new());
    assert_eq!((accepted.len(), rejected.len()), (885, 5));
    let ids: Vec<&str> = rejected.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "INC0000130",
            "INC0000131",
            "INC0000134",
            "INC0000135",
            "INC0000164"
        ]
    );
}

#[test]
fn reference_figures() {
    let rows = read_rows();
    let histories = histories(&rows);
    assert_eq!(histories.len(), 890);

    let resolved: Vec<i64> = histories
        .iter()
        .filter_map(|h| h.ticket().resolution_seconds())
        .collect();
    assert_eq!(resolved.len(), 890);

    let reopens: Vec<u32> = histories.iter().map(|h| h.reopens()).collect();
    assert_eq!(reopens.iter().sum::<u32>(), 11);
    assert_eq!(reopens.iter().max(), Some(&2));
    assert_eq!(reopens.iter().filter(|&&r| r == 0).count(), 880);

    let total: i64 = resolved.iter().sum();
    assert_eq!(total, 972_456_300);
    assert_eq!(
        total as f64 / resolved.len() as f64,
        1_092_647.528_089_887_7
    );
    let mut sorted = resolved.clone();
    sorted.sort_unstable();
    assert_eq!(sorted[444] + sorted[445], 2 * 192_360);
    assert_eq!(sorted.last(), Some(&28_872_960));
}

#[test]
fn derived_versus_servicenow_columns() {
    let rows = read_rows();
    let histories = histories(&rows);
    let incidents = by_incident(&rows);

    let differing: Vec<(&str, u32, u32)> = histories
        .iter()
        .filter_map(|h| {
            let last = incidents[h.id().as_str()].last().unwrap();
            (h.reopens() != last.reopen_count).then_some((
                h.id().as_str(),
                h.reopens(),
                last.reopen_count,
            ))
        })
        .collect();
    assert_eq!(differing, []);

    let (mut null, mut equal_latest, mut equal_first, mut later, mut earlier) = (0, 0, 0, 0, 0);
    for h in &histories {
        let column = incidents[h.id().as_str()][0].resolved_at;
        let latest = h.ticket().resolved_at().unwrap();
        match column {
            None => null += 1,
            Some(c) if c == latest => equal_latest += 1,
            Some(c) if c > latest => later += 1,
            Some(_) => earlier += 1,
        }
        if column == h.resolutions().first().copied() {
            equal_first += 1;
        }
    }
    assert_eq!((null, equal_latest, later, earlier), (29, 844, 17, 0));
    assert_eq!(equal_first, 835);
}

/// The per-ticket table of the log: one row per incident, its reopens and latest resolution
/// from its events (the same comparison with ServiceNow's columns as above), and aggregating
/// it gives the daily report.
#[test]
fn ticket_table_of_the_log() {
    use supportkpi::report::{Report, ReportInput, ReportOptions, TicketMetrics};
    let rows = read_rows();
    let incidents = by_incident(&rows);
    let input = ReportInput {
        histories: histories(&rows),
        ..ReportInput::default()
    };
    let options = ReportOptions::default().with_period(supportkpi::Period::Day);
    let table = TicketMetrics::compute(&input, &options).unwrap();
    assert_eq!(table.rows.len(), 890);
    let ids: BTreeSet<&str> = table.iter().map(|r| r.ticket_id.as_str()).collect();
    assert_eq!(ids.len(), 890);
    assert_eq!(ids, incidents.keys().copied().collect());

    // In the export's order (the source's update sequence) every incident's reopens equal
    // ServiceNow's own `reopen_count`.
    let differing: Vec<(&str, Option<u32>)> = table
        .iter()
        .filter(|r| r.reopens != Some(incidents[r.ticket_id.as_str()].last().unwrap().reopen_count))
        .map(|r| (r.ticket_id.as_str(), r.reopens))
        .collect();
    assert_eq!(differing, []);
    let (mut null, mut equal, mut later, mut earlier) = (0, 0, 0, 0);
    for r in &table {
        let column = incidents[r.ticket_id.as_str()][0].resolved_at;
        let latest = r.resolved_at.unwrap();
        assert_eq!(r.resolution_s, Some((latest - r.created_at).num_seconds()));
        match column {
            None => null += 1,
            Some(c) if c == latest => equal += 1,
            Some(c) if c > latest => later += 1,
            Some(_) => earlier += 1,
        }
    }
    assert_eq!((null, equal, later, earlier), (29, 844, 17, 0));
    let reopened: u32 = table.iter().filter_map(|r| r.reopens).sum();

    let report = Report::compute(&input, &options).unwrap();
    crate::tickets::assert_report_is_the_table_aggregated(&report, &table, &options);
    let resolved: u64 = report.total_rows().map(|r| r.resolution_n).sum();
    assert_eq!(resolved, 890);
    let report_reopened: u64 = report.total_rows().map(|r| r.tickets_reopened).sum();
    assert_eq!(report_reopened, u64::from(reopened));
}

// (first day, last day, tickets open just before the next UTC midnight), from the script.
const RUNS: &[(&str, &str, usize)] = &[
    ("2016-02-29", "2016-02-29", 162),
    ("2016-03-01", "2016-03-01", 377),
    ("2016-03-02", "2016-03-02", 563),
    ("2016-03-03", "2016-03-03", 428),
    ("2016-03-04", "2016-03-05", 361),
    ("2016-03-06", "2016-03-06", 360),
    ("2016-03-07", "2016-03-07", 321),
    ("2016-03-08", "2016-03-08", 287),
    ("2016-03-09", "2016-03-09", 261),
    ("2016-03-10", "2016-03-10", 240),
    ("2016-03-11", "2016-03-11", 224),
    ("2016-03-12", "2016-03-13", 220),
    ("2016-03-14", "2016-03-14", 207),
    ("2016-03-15", "2016-03-15", 199),
    ("2016-03-16", "2016-03-16", 190),
    ("2016-03-17", "2016-03-17", 163),
    ("2016-03-18", "2016-03-18", 155),
    ("2016-03-19", "2016-03-20", 154),
    ("2016-03-21", "2016-03-21", 151),
    ("2016-03-22", "2016-03-22", 119),
    ("2016-03-23", "2016-03-23", 110),
    ("2016-03-24", "2016-03-24", 101),
    ("2016-03-25", "2016-03-25", 100),
    ("2016-03-26", "2016-03-27", 99),
    ("2016-03-28", "2016-03-28", 95),
    ("2016-03-29", "2016-03-29", 93),
    ("2016-03-30", "2016-03-30", 89),
    ("2016-03-31", "2016-03-31", 88),
    ("2016-04-01", "2016-04-03", 86),
    ("2016-04-04", "2016-04-04", 85),
    ("2016-04-05", "2016-04-05", 83),
    ("2016-04-06", "2016-04-06", 73),
    ("2016-04-07", "2016-04-07", 72),
    ("2016-04-08", "2016-04-10", 71),
    ("2016-04-11", "2016-04-11", 68),
    ("2016-04-12", "2016-04-12", 65),
    ("2016-04-13", "2016-04-13", 63),
    ("2016-04-14", "2016-04-17", 61),
    ("2016-04-18", "2016-04-18", 58),
    ("2016-04-19", "2016-04-19", 56),
    ("2016-04-20", "2016-04-24", 55),
    ("2016-04-25", "2016-04-25", 48),
    ("2016-04-26", "2016-04-26", 45),
    ("2016-04-27", "2016-04-27", 43),
    ("2016-04-28", "2016-04-28", 42),
    ("2016-04-29", "2016-05-05", 39),
    ("2016-05-06", "2016-05-10", 38),
    ("2016-05-11", "2016-05-11", 34),
    ("2016-05-12", "2016-05-12", 32),
    ("2016-05-13", "2016-05-15", 31),
    ("2016-05-16", "2016-05-18", 25),
    ("2016-05-19", "2016-05-19", 24),
    ("2016-05-20", "2016-05-22", 21),
    ("2016-05-23", "2016-05-23", 20),
    ("2016-05-24", "2016-05-29", 19),
    ("2016-05-30", "2016-05-31", 18),
    ("2016-06-01", "2016-06-15", 17),
    ("2016-06-16", "2016-06-26", 16),
    ("2016-06-27", "2016-06-28", 15),
    ("2016-06-29", "2016-07-03", 13),
    ("2016-07-04", "2016-07-11", 12),
    ("2016-07-12", "2016-07-13", 11),
    ("2016-07-14", "2016-08-01", 10),
    ("2016-08-02", "2016-08-10", 9),
    ("2016-08-11", "2016-08-15", 8),
    ("2016-08-16", "2016-10-02", 7),
    ("2016-10-03", "2016-11-08", 6),
    ("2016-11-09", "2016-11-23", 5),
    ("2016-11-24", "2016-11-24", 4),
    ("2016-11-25", "2016-12-18", 3),
    ("2016-12-19", "2016-12-21", 2),
    ("2016-12-22", "2017-01-29", 1),
    ("2017-01-30", "2017-02-04", 0),
];

#[test]
fn backlog_at_the_end_of_each_day() {
    let rows = read_rows();
    let histories = histories(&rows);

    let last = rows.iter().map(|r| r.sys_updated_at).max().unwrap();
    assert_eq!(last, instant("04-02-2017 19:00"));
    let first_day = NaiveDate::from_ymd_opt(2016, 2, 29).unwrap();
    let last_day = last.date_naive();

    let mut expected = Vec::new();
    for &(from, to, open) in RUNS {
        let mut day = NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
        let to = NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap();
        while day <= to {
            expected.push((day, open));
            day = day.succ_opt().unwrap();
        }
    }
    assert_eq!(expected.len(), 342);

    let mut actual = Vec::new();
    let mut day = first_day;
    while day <= last_day {
        let midnight = day
            .succ_opt()
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        let just_before = midnight - Duration::nanoseconds(1);
        let open = histories
            .iter()
            .filter(|h| h.is_open_at(just_before))
            .count();
        actual.push((day, open));
        day = day.succ_opt().unwrap();
    }
    assert_eq!(actual, expected);
}

// ------------------------------------------------------------------------------------------
// Volume and backlog KPIs on the derived histories (appended block: the flow KPIs).

/// [`RUNS`] expanded to one `(day, backlog)` per UTC day.
fn expected_daily_backlog() -> Vec<(NaiveDate, u64)> {
    let mut expected = Vec::new();
    for &(from, to, open) in RUNS {
        let mut day = NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
        let to = NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap();
        while day <= to {
            expected.push((day, open as u64));
            day = day.succ_opt().unwrap();
        }
    }
    expected
}

#[test]
fn backlog_kpi_reproduces_the_daily_table() {
    use supportkpi::kpi::{Backlog, BacklogOptions, TicketKpi};
    let rows = read_rows();
    let histories = histories(&rows);
    let expected = expected_daily_backlog();
    assert_eq!(expected.len(), 342);
    let last = rows.iter().map(|r| r.sys_updated_at).max().unwrap();

    let options = BacklogOptions::default().with_range(expected[0].0, last.date_naive());
    let r = Backlog::new(options)
        .unwrap()
        .compute_histories(&histories)
        .unwrap();
    assert_eq!(r.n, 890);
    let actual: Vec<(NaiveDate, u64)> = r
        .periods
        .iter()
        .map(|p| (p.period.start, p.closing))
        .collect();
    assert_eq!(actual, expected);

    // Flow: every ticket created in the first three days, 890 + 11 reopens resolved in all,
    // and nothing cancelled; each day's identity holds.
    let sum = |f: fn(&supportkpi::kpi::BacklogPeriod) -> u64| r.periods.iter().map(f).sum::<u64>();
    assert_eq!(sum(|p| p.created), 890);
    assert_eq!(sum(|p| p.reopened), 11);
    assert_eq!(sum(|p| p.resolved), 901);
    assert_eq!(sum(|p| p.cancelled), 0);
    for p in &r.periods {
        assert_eq!(
            p.opening + p.created + p.reopened,
            p.closing + p.resolved + p.cancelled
        );
    }
    assert_eq!(r.periods[0].opening, 0);
    let snapshot = r.snapshot.unwrap();
    assert_eq!(
        (snapshot.backlog, snapshot.at),
        (0, instant("05-02-2017 00:00"))
    );

    // Without a range the report runs from the first to the last day with a stay boundary:
    // the day the backlog reaches 0, the first of the table's final run.
    let r = Backlog::default().compute_histories(&histories).unwrap();
    let last_day = r.periods.last().unwrap();
    assert_eq!(
        last_day.period.start,
        NaiveDate::from_ymd_opt(2017, 1, 30).unwrap()
    );
    assert_eq!(last_day.closing, 0);
}

#[test]
fn volume_kpi_totals_match_the_reference() {
    use supportkpi::kpi::{TicketKpi, Volume};
    let rows = read_rows();
    let histories = histories(&rows);
    let r = Volume::default().compute_histories(&histories).unwrap();
    // 890 tickets; all 890 end resolved and each of the 12 reopens was resolved again, so
    // 890 + 11 = 901 resolution events.
    assert_eq!(r.n, 890);
    assert_eq!(
        (
            r.totals.created,
            r.totals.resolved,
            r.totals.reopened,
            r.totals.cancelled
        ),
        (890, 901, 11, 0)
    );
    let created_days: Vec<NaiveDate> = r
        .periods
        .iter()
        .filter(|p| p.counts.created > 0)
        .map(|p| p.period.start)
        .collect();
    assert_eq!(
        created_days,
        ["2016-02-29", "2016-03-01", "2016-03-02"].map(|d| d.parse::<NaiveDate>().unwrap())
    );
    assert_eq!(r.heatmap.iter().flatten().sum::<u64>(), 890);
}

// ---------------------------------------------------------------------------------------------
// Resolution time and first-contact resolution on the derived histories. The figures are
// printed by the `durations_and_fcr` part of tests/data/servicenow_reference.py (`fcr_*`,
// `resolution_full_*`, `resolution_waiting_excluded_*`, `waiting_total_s`).

mod durations_and_fcr {
    use super::{histories, read_rows};
    use supportkpi::kpi::{
        FcrDenominator, FirstContactResolution, FirstContactResolutionOptions, ResolutionTime,
        ResolutionTimeOptions, TicketKpi,
    };

    #[test]
    fn resolution_time_full() {
        let histories = histories(&read_rows());
        let r = ResolutionTime::default()
            .compute_histories(&histories)
            .unwrap();
        assert_eq!((r.tickets, r.resolved, r.unresolved), (890, 890, 0));
        assert_eq!(r.calendar.total_seconds, 972_456_300);
        // 97,245,630 / 89 as the nearest f64.
        assert_eq!(r.calendar.mean.value(), Some(1_092_647.528_089_887_7));
        assert_eq!(r.calendar.median.value(), Some(192_360.0));
        assert_eq!(r.calendar.max.value(), Some(28_872_960));
        assert_eq!(r.business, None);
    }

    #[test]
    fn resolution_time_without_waiting() {
        let histories = histories(&read_rows());
        let kpi = ResolutionTime::new(ResolutionTimeOptions::default().with_exclude_waiting(true))
            .unwrap();
        let r = kpi.compute_histories(&histories).unwrap();
        assert_eq!((r.resolved, r.unresolved), (890, 0));
        assert!(r.waiting_excluded);
        // 972,456,300 s in all, of which 495,869,280 s in an "Awaiting …" state.
        assert_eq!(r.calendar.total_seconds, 476_587_020);
        assert_eq!(972_456_300 - 495_869_280, 476_587_020);
        // 47,658,702 / 89 as the nearest f64.
        assert_eq!(r.calendar.mean.value(), Some(535_491.033_707_865_2));
        assert_eq!(r.calendar.median.value(), Some(105_900.0));
        assert_eq!(r.calendar.max.value(), Some(14_517_900));
    }

    #[test]
    fn first_contact_resolution() {
        let histories = histories(&read_rows());
        // Derived as if the log recorded replies (the default), every ticket has 0 public
        // agent replies, so "first contact" would be "ends resolved and never reopened": the
        // 98.8 % that measures nothing.
        let all = FirstContactResolution::default()
            .compute_histories(&histories)
            .unwrap();
        assert_eq!((all.numerator, all.denominator), (880, 890));
        assert_eq!(all.rate_pct.value(), Some(8800.0 / 89.0));
        assert_eq!(all.rate_pct.value(), Some(98.876_404_494_382_03));
        assert_eq!(
            (
                all.resolved,
                all.replies_unknown,
                all.zero_touch,
                all.one_touch
            ),
            (890, 0, 890, 0)
        );
        assert_eq!((all.two_touch, all.multi_touch), (0, 0));

        let of_resolved = FirstContactResolution::new(
            FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved),
        )
        .unwrap()
        .compute_histories(&histories)
        .unwrap();
        assert_eq!((of_resolved.numerator, of_resolved.denominator), (880, 890));
        assert_eq!(of_resolved.rate_pct, all.rate_pct);

        // Declared as what it is, a log without replies (as the preset reads it), the rate is
        // undefined with the reason, and no ticket is counted as judged.
        let declared = supportkpi::model::derive_histories(
            super::events(&read_rows()),
            &supportkpi::model::StatusMap::servicenow(),
            super::clamp().records_replies(false),
        )
        .unwrap();
        for kpi in [
            FirstContactResolution::default(),
            FirstContactResolution::new(
                FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved),
            )
            .unwrap(),
        ] {
            let r = kpi.compute_histories(&declared).unwrap();
            assert_eq!(
                r.rate_pct.undefined_reason(),
                Some("the input records no replies")
            );
            assert_eq!((r.numerator, r.denominator, r.resolved), (0, 0, 0));
            assert_eq!((r.tickets, r.replies_unknown), (890, 890));
        }
        assert!(declared.iter().all(|h| !h.first_contact_resolved()));
        assert!(
            declared
                .iter()
                .all(|h| h.ticket().agent_replies().is_none())
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The preset reader on the whole log: the source's own reopen counter.

/// Every incident's derived reopens equal the log's own `reopen_count` (its last row's value),
/// read through the preset as a user reads it: file order is the source's update sequence.
#[test]
fn preset_reopens_equal_reopen_count_for_every_incident() {
    use supportkpi::io::{ReadOptions, read_servicenow};
    let rows = read_rows();
    let incidents = by_incident(&rows);
    let log = read_servicenow(DATA, &ReadOptions::new()).unwrap();
    assert_eq!((log.histories.len(), log.rejected.len()), (890, 0));
    assert!(log.rejected_tickets.is_empty());
    for h in &log.histories {
        let expected = incidents[h.id().as_str()].last().unwrap().reopen_count;
        assert_eq!(h.reopens(), expected, "{}", h.id());
        assert_eq!(h.ticket().reopens(), Some(expected), "{}", h.id());
    }
    let inc137 = log
        .histories
        .iter()
        .find(|h| h.id().as_str() == "INC0000137")
        .unwrap();
    assert_eq!(inc137.resolutions(), &[instant("29-02-2016 11:03")]);

    // Time order, the option for exports not in update order, invents INC0000137's reopen.
    let sorted = read_servicenow(DATA, &ReadOptions::new().event_order(EventOrder::Time)).unwrap();
    let differing: Vec<(&str, u32)> = sorted
        .histories
        .iter()
        .filter(|h| h.reopens() != incidents[h.id().as_str()].last().unwrap().reopen_count)
        .map(|h| (h.id().as_str(), h.reopens()))
        .collect();
    assert_eq!(differing, [("INC0000137", 1)]);
}
