//! The `supportkpi` binary, run as a user runs it: every format on the demo and on the real
//! ServiceNow sample, exit codes, one-line errors, lenient rejects, and `generate`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supportkpi"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("supportkpi-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// The total rows (no dimension) of a `--format json` report.
fn totals(report: &serde_json::Value) -> Vec<&serde_json::Value> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["dimension"].is_null())
        .collect()
}

fn sum(rows: &[&serde_json::Value], column: &str) -> u64 {
    rows.iter().map(|r| r[column].as_u64().unwrap()).sum()
}

const SERVICENOW: &str = "examples/data/servicenow_incident_events.csv";

#[test]
fn demo_table_is_readable_in_100_columns() {
    let out = ok(&["report", "--demo"]);
    assert!(out.starts_with("Acme Cloud support (synthetic demo data) · monthly · UTC"));
    for header in [
        "created", "solved", "backlog", "FRT p50", "res p50", "FCR", "CSAT", "NPS", "SLA",
    ] {
        assert!(out.contains(header), "{header}");
    }
    for month in 1..=12 {
        assert!(
            out.contains(&format!("\n2023-{month:02} ")),
            "2023-{month:02}\n{out}"
        );
    }
    assert!(out.contains("▲") && out.contains("▼"), "{out}");
    assert!(out.contains("n: 3,000 tickets created"));
    assert!(out.contains("rejected: none of"));
    for line in out.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} chars: {line}",
            line.chars().count()
        );
    }
}

#[test]
fn demo_json_and_csv_carry_the_same_numbers() {
    let report = json(&ok(&["report", "--demo", "--format", "json"]));
    let rows = totals(&report);
    assert_eq!(rows.len(), 12);
    assert_eq!(sum(&rows, "tickets_created"), 3_000);
    assert!(rows.iter().all(|r| r["csat_pct"].as_f64().is_some()));
    assert!(
        rows.iter()
            .all(|r| r["sla_attainment_pct"].as_f64().is_some())
    );
    assert!(rows.iter().all(|r| r["frt_median_bh_s"].as_f64().is_some()));

    let csv = ok(&["report", "--demo", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 13);
    assert!(lines[0].starts_with("period_start,period_end,dimension,tickets_created,"));
    let created: u64 = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(3).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(created, 3_000);
}

#[test]
fn the_committed_demo_files_are_what_the_generator_writes_and_report_the_same() {
    let dir = temp("demo-drift");
    ok(&[
        "generate",
        "--tickets",
        "3000",
        "--seed",
        "42",
        "--out",
        dir.to_str().unwrap(),
    ]);
    for file in [
        "tickets.csv",
        "events.csv",
        "surveys.csv",
        "customers.csv",
        "costs.csv",
    ] {
        let committed = std::fs::read(root().join("examples/data/demo").join(file)).unwrap();
        let fresh = std::fs::read(dir.join(file)).unwrap();
        assert!(
            committed == fresh,
            "examples/data/demo/{file} differs from the generator's"
        );
    }
    // Reading the files gives the report --demo computes in memory.
    let from_files = ok(&[
        "report",
        "--tickets",
        "examples/data/demo/tickets.csv",
        "--events",
        "examples/data/demo/events.csv",
        "--surveys",
        "examples/data/demo/surveys.csv",
        "--customers",
        "examples/data/demo/customers.csv",
        "--costs",
        "examples/data/demo/costs.csv",
        "--hours",
        "Mon-Fri 08:00-18:00",
        "--sla-first-response",
        "urgent=1h,high=2h,normal=8h,low=1d",
        "--sla-resolution",
        "urgent=1d,high=2d,normal=5d,low=10d",
        "--format",
        "json",
    ]);
    assert_eq!(
        json(&from_files),
        json(&ok(&["report", "--demo", "--format", "json"]))
    );
    // The event log of the same tickets derives the same counts, plus reopens in time.
    let events = json(&ok(&[
        "report",
        "--events",
        "examples/data/demo/events.csv",
        "--format",
        "json",
    ]));
    let rows = totals(&events);
    assert_eq!(sum(&rows, "tickets_created"), 3_000);
    assert!(sum(&rows, "tickets_reopened") > 50);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn servicenow_in_every_format() {
    let args = [
        "report",
        "--tickets",
        SERVICENOW,
        "--preset",
        "servicenow",
        "--period",
        "day",
    ];
    let report = json(&ok(&[&args[..], &["--format", "json"]].concat()));
    let rows = totals(&report);
    assert_eq!(sum(&rows, "tickets_created"), 890);
    assert_eq!(sum(&rows, "tickets_resolved"), 902);
    assert_eq!(sum(&rows, "tickets_reopened"), 12);
    assert_eq!(rows[0]["backlog_end"].as_u64(), Some(163));
    assert_eq!(rows[0]["period_start"].as_str(), Some("2016-02-29"));

    let table = ok(&args);
    assert!(table.contains("\n2016-02-29 "));
    assert!(
        table.contains("n: 890 tickets created, 902 resolutions"),
        "{table}"
    );
    assert!(table.contains("servicenow_incident_events.csv 5,998"));

    let csv = ok(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(csv.lines().count(), rows.len() + 1);

    let html = ok(&[&args[..], &["--format", "html"]].concat());
    assert_eq!(chart_points(&html, "created-resolved"), 2 * rows.len());
    assert_eq!(chart_points(&html, "backlog"), rows.len());
    assert_eq!(chart_points(&html, "frt"), 0); // the log has no replies
    assert!(html.contains("No CSAT responses in the range."));
}

/// The data marks inside one chart's figure, checked against its `data-points`.
fn chart_points(html: &str, id: &str) -> usize {
    let start = html
        .find(&format!("<figure class=\"chart\" data-chart=\"{id}\""))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = start + html[start..].find("</figure>").unwrap();
    let figure = &html[start..end];
    let marked = figure.matches(" data-point=\"\"").count();
    let declared: usize = figure
        .split("data-points=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(marked, declared, "chart {id}");
    if marked > 0 {
        assert!(figure.contains(&format!("<svg id=\"chart-{id}\" data-chart=\"{id}\"")));
    }
    marked
}

#[test]
fn demo_html_has_every_chart_with_its_points_and_no_external_reference() {
    let dir = temp("html");
    let path = dir.join("report.html");
    let printed = ok(&[
        "report",
        "--demo",
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(printed.is_empty(), "-o writes the file, not stdout");
    let html = std::fs::read_to_string(&path).unwrap();
    let periods = 12;
    assert_eq!(chart_points(&html, "created-resolved"), 2 * periods);
    assert_eq!(chart_points(&html, "backlog"), periods);
    assert_eq!(chart_points(&html, "backlog-age"), 5);
    assert_eq!(chart_points(&html, "frt"), 2 * periods);
    assert_eq!(chart_points(&html, "resolution"), 2 * periods);
    assert_eq!(chart_points(&html, "csat"), periods);
    assert_eq!(chart_points(&html, "nps"), periods);
    assert_eq!(chart_points(&html, "heatmap"), 7 * 24);
    assert_eq!(chart_points(&html, "sla"), 2 * periods);
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 9);
    // Self-contained: nothing to fetch, and the page forbids fetching.
    for needle in [
        "http://", "https://", "src=", "href=", "url(", "@import", "<script", "<link",
    ] {
        assert!(!html.contains(needle), "{needle}");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert!(html.contains("@media print") && html.contains("@media (max-width: 600px)"));
    assert!(html.contains("<h2>By segment — 2023-12</h2>"));
    assert_eq!(html.matches("<div class=\"tile\"").count(), 12);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn by_dimension_rows_follow_each_total() {
    let out = ok(&["report", "--demo", "--by", "channel", "--period", "quarter"]);
    assert!(out.contains("\n2023 Q1 "));
    for channel in ["  chat", "  email", "  phone", "  web"] {
        assert_eq!(
            out.matches(&format!("\n{channel} ")).count(),
            4,
            "{channel}\n{out}"
        );
    }
}

#[test]
fn exit_codes() {
    for usage in [
        &[][..],
        &["report"],
        &["report", "--demo", "--colour", "red"],
        &["report", "--demo", "--period", "fortnight"],
        &["report", "--demo", "--tz", "Mars/Olympus"],
        &["report", "--demo", "--hours", "Mon-Fri 09:00-25:00"],
        &["report", "--demo", "--format", "pdf"],
        &[
            "report",
            "--tickets",
            "t.csv",
            "--errors",
            "strict",
            "--rejects",
            "r.csv",
        ],
        &["generate", "--tickets", "many", "--out", "x"],
    ] {
        let out = run(usage);
        assert_eq!(out.status.code(), Some(2), "{usage:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("supportkpi: "), "{err}");
    }
    let missing = run(&["report", "--tickets", "no/such/file.csv"]);
    assert_eq!(missing.status.code(), Some(1));
    let err = String::from_utf8(missing.stderr).unwrap();
    assert!(
        err.contains("no/such/file.csv") && err.contains("cannot open"),
        "{err}"
    );
    assert_eq!(run(&["--help"]).status.code(), Some(0));
    assert_eq!(run(&["--version"]).status.code(), Some(0));
}

fn bad_tickets(dir: &Path) -> PathBuf {
    let path = dir.join("tickets.csv");
    std::fs::write(
        &path,
        "id,created_at,first_response_at,resolved_at,channel\n\
         T-1,2021-06-01T08:00:00Z,2021-06-01T08:30:00Z,2021-06-01T09:00:00Z,email\n\
         T-2,2021-13-01T08:00:00Z,,,chat\n\
         T-3,2021-06-02T08:00:00Z,,2021-06-01T07:00:00Z,email\n\
         T-4,2021-06-02T09:00:00Z,2021-06-02T09:05:00Z,,web\n",
    )
    .unwrap();
    path
}

#[test]
fn a_bad_record_is_one_line_naming_file_line_field_value_and_rule() {
    let dir = temp("bad");
    let path = bad_tickets(&dir);
    let out = run(&["report", "--tickets", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    let expected_start = format!(
        "supportkpi: {}:3: ticket \"T-2\": field created_at = \"2021-13-01T08:00:00Z\": ",
        path.display()
    );
    assert!(err.starts_with(&expected_start), "{err}");
    assert!(err.contains("expected"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn lenient_reads_report_what_they_skipped() {
    let dir = temp("lenient");
    let path = bad_tickets(&dir);
    let rejects = dir.join("rejects.csv");
    let out = ok(&[
        "report",
        "--tickets",
        path.to_str().unwrap(),
        "--period",
        "day",
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert!(out.contains("rejected: 2 of 4 records: tickets.csv: 2 (line 3 invalid_timestamp, line 4 negative_duration)"), "{out}");
    assert!(out.contains("n: 2 tickets created"), "{out}");
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "source,file,line,kind,field,value,message");
    assert_eq!(lines.len(), 3, "{text}");
    let file = path.display().to_string();
    assert!(
        lines[1].starts_with(&format!(
            "tickets,{file},3,invalid_timestamp,created_at,2021-13-01T08:00:00Z,"
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(&format!(
            "tickets,{file},4,negative_duration,resolved_at,2021-06-01T07:00:00+00:00,"
        )),
        "{}",
        lines[2]
    );

    // Other formats keep stdout clean and put the summary on stderr.
    let out = run(&[
        "report",
        "--tickets",
        path.to_str().unwrap(),
        "--errors",
        "lenient",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("rejected: 2 of 4 records")
    );
    json(&String::from_utf8(out.stdout).unwrap());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn generate_is_deterministic_and_reads_back_with_no_rejects() {
    let (a, b) = (temp("gen-a"), temp("gen-b"));
    for dir in [&a, &b] {
        let out = ok(&[
            "generate",
            "--tickets",
            "2000",
            "--seed",
            "7",
            "--format",
            "jsonl",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(
            out.contains("2,000  ") && out.contains("tickets.jsonl"),
            "{out}"
        );
    }
    for file in [
        "tickets.jsonl",
        "events.jsonl",
        "surveys.jsonl",
        "customers.jsonl",
        "costs.jsonl",
    ] {
        assert!(
            std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
    let f = |name: &str| a.join(name).display().to_string();
    let report = json(&ok(&[
        "report",
        "--tickets",
        &f("tickets.jsonl"),
        "--surveys",
        &f("surveys.jsonl"),
        "--customers",
        &f("customers.jsonl"),
        "--costs",
        &f("costs.jsonl"),
        "--errors",
        "lenient",
        "--rejects",
        &f("rejects.csv"),
        "--format",
        "json",
    ]));
    assert_eq!(sum(&totals(&report), "tickets_created"), 2_000);
    let rejects = std::fs::read_to_string(a.join("rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 1, "{rejects}");
    // Another seed, other data.
    let c = temp("gen-c");
    ok(&[
        "generate",
        "--tickets",
        "2000",
        "--seed",
        "8",
        "--no-events",
        "--out",
        c.to_str().unwrap(),
    ]);
    assert!(!c.join("events.csv").exists());
    assert!(
        std::fs::read(c.join("tickets.csv")).unwrap()
            != std::fs::read(b.join("tickets.jsonl")).unwrap()
    );
    for dir in [a, b, c] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// Four June tickets worked by hand: FRT 10, 20, 30, 40 minutes.
fn four_tickets(dir: &Path) -> (String, String) {
    let tickets = dir.join("tickets.csv");
    std::fs::write(
        &tickets,
        "id,created_at,first_response_at,status,channel,priority,team\n\
         A,2021-06-28T09:00:00Z,2021-06-28T09:10:00Z,open,email,high,billing\n\
         B,2021-06-28T10:00:00Z,2021-06-28T10:20:00Z,open,web,low,billing\n\
         C,2021-06-28T11:00:00Z,2021-06-28T11:30:00Z,open,chat,high,support\n\
         D,2021-06-28T12:00:00Z,2021-06-28T12:40:00Z,open,email,high,billing\n",
    )
    .unwrap();
    let surveys = dir.join("surveys.csv");
    std::fs::write(
        &surveys,
        "id,ticket_id,responded_at,kind,score\n\
         S1,A,2021-06-29T09:00:00Z,csat,5\n\
         S2,C,2021-06-29T09:00:00Z,csat,1\n",
    )
    .unwrap();
    (tickets.display().to_string(), surveys.display().to_string())
}

#[test]
fn by_several_fields_and_where() {
    let dir = temp("by-where");
    let (t, s) = four_tickets(&dir);
    let report = json(&ok(&[
        "report",
        "--tickets",
        &t,
        "--surveys",
        &s,
        "--by",
        "team,priority",
        "--format",
        "json",
    ]));
    let rows: Vec<(Option<&str>, u64, f64)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["dimension"].as_str(),
                r["tickets_created"].as_u64().unwrap(),
                r["frt_mean_s"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (None, 4, 1500.0),
            (Some("billing / high"), 2, 1500.0),
            (Some("billing / low"), 1, 1200.0),
            (Some("support / high"), 1, 1800.0),
        ]
    );
    // email or web, and high: A and D; A's survey follows it.
    let report = json(&ok(&[
        "report",
        "--tickets",
        &t,
        "--surveys",
        &s,
        "--where",
        "channel in (email,web)",
        "--where=priority=high",
        "--format",
        "json",
    ]));
    let total = &report["rows"][0];
    assert_eq!(total["tickets_created"], 2);
    assert_eq!(total["frt_mean_s"], 1500.0);
    assert_eq!(
        (total["csat_n"].as_u64(), total["csat_pct"].as_f64()),
        (Some(1), Some(100.0))
    );

    // An unknown field: exit 1, naming it and the known fields.
    for args in [
        &["report", "--tickets", &t, "--by", "team,prio"][..],
        &["report", "--tickets", &t, "--by", "tema"],
        &["tickets", "--tickets", &t, "--where", "chanel=email"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(
                "known fields are channel, priority, team, assignee, status, customer_id, segment"
            ),
            "{err}"
        );
    }
    // A condition that does not parse is bad usage.
    let out = run(&["report", "--tickets", &t, "--where", "channel ~ email"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn tickets_lists_the_facts_behind_the_report() {
    let dir = temp("tickets");
    let (t, s) = four_tickets(&dir);
    let csv = ok(&[
        "tickets",
        "--tickets",
        &t,
        "--surveys",
        &s,
        "--format",
        "csv",
    ]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..4], ["ticket_id", "channel", "priority", "team"]);
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 4);
    let a = &rows[0];
    assert_eq!((a[at("ticket_id")], a[at("frt_s")]), ("A", "600"));
    assert_eq!((a[at("csat_score")], a[at("open_at_end")]), ("5", "true"));
    // Open at the end of June (the report's last month): 2 days 15 hours old.
    assert_eq!(a[at("age_s")], "226800");
    let json = json(&ok(&[
        "tickets",
        "--tickets",
        &t,
        "--where",
        "team=support",
        "--format",
        "json",
    ]));
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["ticket_id"], "C");
    assert_eq!(rows[0]["frt_s"], 1800);
    let table = ok(&["tickets", "--tickets", &t]);
    assert!(table.starts_with("ticket  created"), "{table}");
    assert!(
        table.contains("\nD       2021-06-28 12:00  open    40m"),
        "{table}"
    );
    assert!(table.contains("4 tickets, 4 open at"), "{table}");
    let out = run(&["tickets", "--tickets", &t, "--format", "html"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn html_takes_several_dimensions_and_where() {
    let dir = temp("html-by-where");
    let (t, _) = four_tickets(&dir);
    let html = ok(&[
        "report",
        "--tickets",
        &t,
        "--by",
        "team,priority",
        "--where",
        "channel in (email,web)",
        "--format",
        "html",
    ]);
    // A, B and D pass (C is chat): two billing combinations, no support row.
    assert!(html.contains("billing / high"), "billing / high");
    assert!(html.contains("billing / low"), "billing / low");
    assert!(!html.contains("support / high"), "support / high");
}
