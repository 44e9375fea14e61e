//! Review helper: prints serde forms, error texts, Debug/Display and report-state bytes so the
//! output can be diffed between two commits (before/after the `cells` merge).
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use supportkpi::kpi::{
    Accumulator, FirstResponseTime, FirstResponseTimeOptions, Kpi, ResolutionTime,
    ResolutionTimeOptions, SlaPolicy, SlaTarget,
};
use supportkpi::report::{ReportInput, ReportOptions, ReportState};
use supportkpi::stats::{DurationSummary, QuantileMode};
use supportkpi::time::{TeamCalendars, parse_zone};
use supportkpi::{BusinessCalendar, Period, Ticket};

fn hash(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for x in b {
        h ^= *x as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn main() {
    let berlin = parse_zone("Europe/Berlin").unwrap();
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let cal = BusinessCalendar::parse("Mon-Fri 09:00-17:00", berlin)
        .unwrap()
        .with_hours(Weekday::Sat, t(10, 0), t(12, 0))
        .unwrap()
        .with_holiday(d(2021, 5, 13))
        .with_holidays([d(2021, 12, 24), d(2021, 12, 25)])
        .with_closure(d(2021, 5, 20), t(12, 0), t(0, 0))
        .unwrap();
    let cals = [
        BusinessCalendar::new(berlin),
        BusinessCalendar::always_open(chrono_tz::UTC),
        cal.clone(),
    ];
    for c in &cals {
        println!("cal json {}", serde_json::to_string(c).unwrap());
        println!("cal debug {c:?}");
        println!("cal alt {c:#?}");
        println!("cal display {c}");
        println!("cal week {}", c.weekly_open_seconds());
        let back: BusinessCalendar = serde_json::from_str(&serde_json::to_string(c).unwrap()).unwrap();
        println!("cal roundtrip eq {}", &back == c);
    }
    let bad_cals = [
        r#"{"timezone":"UTC","hours":"24/7","holidays":[],"closures":[],"extra":1}"#,
        r#"{"timezone":"UTC","hours":"24/7"}"#,
        r#"{"timezone":"UTC"}"#,
        r#"{"timezone":"Nowhere","hours":"24/7"}"#,
        r#"{"timezone":"UTC","hours":"Mon 25:00-26:00"}"#,
        r#"{"timezone":"UTC","hours":"24/7","closures":[{"date":"2021-01-01","from":"xx","to":"10:00"}]}"#,
        r#"{"timezone":"UTC","hours":"24/7","closures":[{"date":"2021-01-01","from":"09:00","to":"10:00","x":1}]}"#,
        r#"[1,2]"#,
        r#"3"#,
    ];
    for b in bad_cals {
        println!("cal parse {b} -> {:?}", serde_json::from_str::<BusinessCalendar>(b).map(|c| c.to_string()).map_err(|e| e.to_string()));
    }
    let map = TeamCalendars::new().by("channel").with("email", cal.clone()).with("chat", cals[1].clone());
    println!("map json {}", serde_json::to_string(&map).unwrap());
    println!("map json pretty {}", serde_json::to_string_pretty(&TeamCalendars::new()).unwrap());
    println!("map debug {map:?}");
    println!("map alt {map:#?}");
    let bad_maps = [
        r#"{}"#,
        r#"{"by":"team"}"#,
        r#"{"by":"team","calendars":{},"x":1}"#,
        r#"{"team":"x"}"#,
        r#"{"by":1}"#,
        r#"[]"#,
        r#"["team", {}]"#,
        r#"null"#,
        r#"3"#,
        r#""team""#,
        r#"["team"]"#,
        r#"["team", {}, 1]"#,
        r#"true"#,
        r#"{"by":"team","by":"x"}"#,
        r#"{"calendars":{"a":{"timezone":"UTC","hours":"24/7","bad":1}}}"#,
    ];
    for b in bad_maps {
        println!("map parse {b} -> {:?}", serde_json::from_str::<TeamCalendars>(b).map(|m| format!("{m:?}")).map_err(|e| e.to_string()));
        println!("map from_json {b} -> {:?}", TeamCalendars::from_json(b).map(|m| format!("{m:?}")).map_err(|e| e.to_string()));
    }
    // Equality across separately built values.
    let a2 = TeamCalendars::new().by("channel").with("email", cal.clone()).with("chat", cals[1].clone());
    println!("map eq {}", a2 == map);

    // Durations / accumulators serde.
    let sketch = QuantileMode::Sketch { relative_accuracy: 0.01 };
    for mode in [QuantileMode::Exact, sketch] {
        let mut s = DurationSummary::new(mode).unwrap();
        for v in [0i64, 5, 60, 3600, 86_400] {
            s.push(&v).unwrap();
        }
        println!("summary json {}", serde_json::to_string(&s).unwrap());
        println!("summary debug {s:?}");
        println!("summary finish {:?}", s.clone().finish());
        for with_cal in [false, true] {
            let mut o = FirstResponseTimeOptions::default().with_quantiles(mode);
            if with_cal {
                o = o.with_calendar(cal.clone());
            }
            let kpi = FirstResponseTime::new(o).unwrap();
            let mut acc = kpi.accumulator();
            let t0 = Utc.with_ymd_and_hms(2021, 5, 3, 8, 0, 0).unwrap();
            for i in 0..10 {
                let tk = Ticket::builder(format!("T{i}").as_str(), t0 + Duration::hours(i * 7))
                    .first_response_at(t0 + Duration::hours(i * 7) + Duration::minutes(i * 37))
                    .build()
                    .unwrap();
                acc.push(&tk).unwrap();
            }
            let j = serde_json::to_string(&acc).unwrap();
            println!("frt acc json {j}");
            println!("frt acc debug {acc:?}");
            println!("frt finish {:?}", acc.finish());
            let r = ResolutionTime::new(ResolutionTimeOptions::default().with_quantiles(mode)).unwrap();
            println!("art acc json {}", serde_json::to_string(&r.accumulator()).unwrap());
        }
    }

    // Report state bytes.
    let t0 = Utc.with_ymd_and_hms(2021, 5, 3, 0, 0, 0).unwrap();
    let tickets: Vec<Ticket> = (0..120i64)
        .map(|i| {
            let created = t0 + Duration::minutes((i * 523) % (60 * 24 * 60));
            let mut b = Ticket::builder(format!("T-{i}").as_str(), created)
                .priority(if i % 2 == 0 { "high" } else { "low" })
                .team(if i % 3 == 0 { "billing" } else { "support" });
            if i % 3 != 0 { b = b.channel(["email", "chat"][(i % 2) as usize]); }
            if i % 7 != 0 { b = b.first_response_at(created + Duration::minutes((i * 37) % 900)); }
            if i % 5 != 0 { b = b.resolved_at(created + Duration::minutes(900 + (i * 311) % 9000)); }
            b.build().unwrap()
        })
        .collect();
    let input = ReportInput { tickets, ..ReportInput::default() };
    let sla = SlaPolicy::new()
        .calendar(cal.clone())
        .first_response("high", SlaTarget::business(3600).unwrap())
        .first_response_default(SlaTarget::calendar(8 * 3600).unwrap())
        .resolution_default(SlaTarget::calendar(3 * 86_400).unwrap());
    let teams = TeamCalendars::new().by("team").with("billing", cals[1].clone());
    for mode in [QuantileMode::Exact, sketch] {
        for with_cal in [false, true] {
            for with_sla in [false, true] {
                for with_teams in [false, true] {
                    if with_teams && !with_cal { continue; }
                    let mut o = ReportOptions::default()
                        .with_period(Period::Month)
                        .with_zone(berlin)
                        .with_quantiles(mode)
                        .with_by("channel");
                    if with_cal { o = o.with_calendar(cal.clone()); }
                    if with_sla { o = o.with_sla(sla.clone()); }
                    if with_teams { o = o.with_calendars(teams.clone()); }
                    let st = ReportState::from_input(&input, &o).unwrap();
                    let bytes = st.to_bytes();
                    let back = ReportState::from_bytes(&bytes).unwrap();
                    let again = back.to_bytes();
                    println!("state {mode:?} cal={with_cal} sla={with_sla} teams={with_teams} len={} hash={:x} stable={}", bytes.len(), hash(&bytes), again == bytes);
                    // Split + merge equals whole.
                    let half = input.tickets.len() / 2;
                    let a = ReportState::from_input(&ReportInput { tickets: input.tickets[..half].to_vec(), ..ReportInput::default() }, &o).unwrap();
                    let b = ReportState::from_input(&ReportInput { tickets: input.tickets[half..].to_vec(), ..ReportInput::default() }, &o).unwrap();
                    let b = ReportState::from_bytes(&b.to_bytes()).unwrap();
                    let mut m = a; m.merge(b).unwrap();
                    let r1 = format!("{:?}", st.finish().unwrap());
                    let r2 = format!("{:?}", m.finish().unwrap());
                    println!("  report hash={:x} merged_equal={}", hash(r1.as_bytes()), r1 == r2);
                }
            }
        }
    }
}
