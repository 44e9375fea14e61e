use super::*;
use chrono::{Datelike, Timelike};
use supportkpi::model::{DeriveOptions, StatusMap, SurveyKind, derive_histories};

fn data(n: u64, seed: u64) -> Dataset {
    Synth::new(SynthOptions::new(n).seed(seed))
        .unwrap()
        .dataset()
}

#[test]
fn exactly_the_tickets_asked_for_in_creation_order() {
    for n in [0, 1, 7, 2_000] {
        let d = data(n, 1);
        assert_eq!(d.tickets.len() as u64, n);
        assert!(
            d.tickets
                .windows(2)
                .all(|w| w[0].created_at() <= w[1].created_at())
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    assert_eq!(data(800, 9), data(800, 9));
    assert_ne!(data(800, 9).tickets, data(800, 10).tickets);
}

#[test]
fn every_summary_row_is_what_its_event_log_derives_to() {
    let d = data(3_000, 5);
    let histories = derive_histories(
        d.events.clone(),
        &StatusMap::canonical(),
        DeriveOptions::new(),
    )
    .unwrap();
    assert_eq!(histories.len(), d.tickets.len());
    for (h, t) in histories.iter().zip(&d.tickets) {
        let derived = h.ticket();
        assert_eq!(derived.id(), t.id());
        assert_eq!(derived.created_at(), t.created_at(), "{}", t.id());
        assert_eq!(
            derived.first_response_at(),
            t.first_response_at(),
            "{}",
            t.id()
        );
        assert_eq!(
            derived.first_resolved_at(),
            t.first_resolved_at(),
            "{}",
            t.id()
        );
        assert_eq!(derived.resolved_at(), t.resolved_at(), "{}", t.id());
        assert_eq!(derived.status(), t.status(), "{}", t.id());
        assert_eq!(derived.agent_replies(), t.agent_replies(), "{}", t.id());
        assert_eq!(derived.reopens(), t.reopens(), "{}", t.id());
        assert_eq!(derived.assignee(), t.assignee(), "{}", t.id());
    }
}

#[test]
fn the_year_has_the_shapes_of_a_real_helpdesk() {
    let synth = Synth::new(SynthOptions::new(20_000).seed(3)).unwrap();
    let d = synth.dataset();
    let n = d.tickets.len() as f64;

    // Weekdays are busier than weekends, office hours than nights.
    let weekend = d
        .tickets
        .iter()
        .filter(|t| t.created_at().weekday().num_days_from_monday() >= 5)
        .count() as f64;
    assert!(weekend / n < 0.15, "weekend share {}", weekend / n);
    let office = d
        .tickets
        .iter()
        .filter(|t| (8..18).contains(&t.created_at().hour()))
        .count() as f64;
    assert!(office / n > 0.6, "office-hours share {}", office / n);

    // The spike week stands out from the week before.
    let spike = synth.spike_week();
    let week = |from: chrono::NaiveDate| {
        d.tickets
            .iter()
            .filter(|t| {
                let day = t.created_at().date_naive();
                day >= from && day < from + Duration::days(7)
            })
            .count()
    };
    assert!(week(spike) as f64 > 1.6 * week(spike - Duration::days(7)) as f64);

    // Log-normal response times: mean well above median; some reopens; most tickets resolved.
    let mut frt: Vec<i64> = d
        .tickets
        .iter()
        .filter_map(Ticket::first_response_seconds)
        .collect();
    frt.sort_unstable();
    let median = frt[frt.len() / 2] as f64;
    let mean = frt.iter().sum::<i64>() as f64 / frt.len() as f64;
    assert!(mean > 1.5 * median, "mean {mean} median {median}");
    let reopened = d.tickets.iter().filter(|t| t.reopens() > Some(0)).count() as f64;
    assert!(
        (0.03..0.1).contains(&(reopened / n)),
        "reopened {}",
        reopened / n
    );
    let resolved = d
        .tickets
        .iter()
        .filter(|t| t.resolved_at().is_some())
        .count() as f64;
    assert!(resolved / n > 0.9, "resolved {}", resolved / n);
    for kind in [SurveyKind::Csat, SurveyKind::Nps, SurveyKind::Ces] {
        let k = d.surveys.iter().filter(|s| s.kind() == kind).count() as f64;
        assert!(k / n > 0.05, "{kind}: {}", k / n);
    }
    assert!(d.surveys.iter().all(|s| match s.kind() {
        SurveyKind::Nps => (0..=10).contains(&s.score()),
        _ => (1..=5).contains(&s.score()),
    }));

    // The churn wave: more customers leave in it than in any month of the same length.
    let (first, last) = synth.churn_wave();
    let churned_in = |a: chrono::NaiveDate, b: chrono::NaiveDate| {
        d.customers
            .iter()
            .filter_map(Customer::churned_at)
            .filter(|t| (a..=b).contains(&t.date_naive()))
            .count()
    };
    let len = last - first;
    let wave = churned_in(first, last);
    let before = churned_in(first - len - Duration::days(1), first - Duration::days(1));
    assert!(wave > 2 * before, "wave {wave} before {before}");

    // Costs cover each month once, in USD.
    assert_eq!(d.costs.len(), 24);
    assert!(
        d.costs
            .iter()
            .all(|c| c.amount().currency.as_str() == "USD")
    );
}

#[test]
fn a_zone_moves_the_day_to_local_hours() {
    let synth = Synth::new(
        SynthOptions::new(5_000)
            .zone("America/New_York")
            .unwrap()
            .seed(2),
    )
    .unwrap();
    let d = synth.dataset();
    // New York's office hours are 13:00-23:00 UTC (12:00-22:00 in summer).
    let utc_morning = d
        .tickets
        .iter()
        .filter(|t| (8..11).contains(&t.created_at().hour()))
        .count() as f64;
    assert!(utc_morning / (d.tickets.len() as f64) < 0.05);
}

mod files {
    use super::*;
    use std::path::{Path, PathBuf};
    use supportkpi::io::{ErrorMode, Format, ReadOptions, Sources, load};

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("supportkpi-synth-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn sources(dir: &Path, ext: &str, events: bool) -> Sources {
        let f = |stem: &str| Some(dir.join(format!("{stem}.{ext}")));
        Sources {
            tickets: if events { None } else { f("tickets") },
            events: if events { f("events") } else { None },
            surveys: f("surveys"),
            customers: f("customers"),
            costs: f("costs"),
            preset: None,
        }
    }

    #[test]
    fn written_files_read_back_with_no_rejects_and_equal_the_records() {
        let synth = Synth::new(SynthOptions::new(1_500).seed(11)).unwrap();
        let expected = synth.dataset();
        for (format, ext) in [(Format::Csv, "csv"), (Format::JsonLines, "jsonl")] {
            let dir = temp(ext);
            let mut calls = 0;
            let written = synth
                .write(&dir, &WriteOptions::new().format(format), &mut |_| {
                    calls += 1
                })
                .unwrap();
            assert!(calls >= 1);
            assert_eq!(written.count("tickets"), Some(1_500));
            assert_eq!(written.count("events"), Some(expected.events.len() as u64));
            let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
            let loaded = load(&sources(&dir, ext, false), &lenient).unwrap();
            assert!(loaded.rejected.is_empty(), "{:?}", loaded.rejected.first());
            assert_eq!(loaded.input.tickets, expected.tickets, "{ext}");
            assert_eq!(loaded.input.surveys, expected.surveys, "{ext}");
            assert_eq!(loaded.input.customers, expected.customers, "{ext}");
            assert_eq!(loaded.input.costs, expected.costs, "{ext}");
            let from_events = load(&sources(&dir, ext, true), &lenient).unwrap();
            assert!(from_events.rejected.is_empty());
            assert_eq!(from_events.input.histories.len(), 1_500);
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[test]
    fn the_same_seed_writes_the_same_bytes() {
        let (a, b) = (temp("bytes-a"), temp("bytes-b"));
        for dir in [&a, &b] {
            Synth::new(SynthOptions::new(700).seed(21))
                .unwrap()
                .write(dir, &WriteOptions::new(), &mut |_| {})
                .unwrap();
        }
        for stem in ["tickets", "events", "surveys", "customers", "costs"] {
            let file = format!("{stem}.csv");
            let x = std::fs::read(a.join(&file)).unwrap();
            assert!(!x.is_empty());
            assert_eq!(x, std::fs::read(b.join(&file)).unwrap(), "{file}");
        }
        let no_events = temp("no-events");
        let written = Synth::new(SynthOptions::new(10))
            .unwrap()
            .write(&no_events, &WriteOptions::new().events(false), &mut |_| {})
            .unwrap();
        assert_eq!(written.count("events"), None);
        assert!(!no_events.join("events.csv").exists());
        for dir in [a, b, no_events] {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }
}
