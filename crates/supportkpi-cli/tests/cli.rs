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
    // The sections' revenue retention and cohorts (tests/it/sections.rs has the values).
    let jan = &report["sections"]["revenue_retention"][0];
    assert_eq!(jan["n"], 85);
    assert_eq!(jan["start_revenue"], "86376.76");
    assert_eq!(jan["end_revenue"], "79949.23");
    assert!(jan["grr_pct"].as_str().unwrap().starts_with("92.5587"));
    let cohort = &report["sections"]["cohorts"][1];
    assert_eq!(cohort["cohort_start"], "2023-02-01");
    assert_eq!(cohort["size"], 3);
    // The drill-down of December (business hours, the demo's SLA targets, the event log).
    let d = &report["sections"]["drill_down"];
    let first = |l: &serde_json::Value| {
        (
            l["n"].as_u64().unwrap(),
            l["tickets"][0]["ticket_id"].as_str().unwrap().to_owned(),
            l["tickets"][0]["seconds"].as_i64().unwrap(),
        )
    };
    let dec = &d["periods"][11];
    assert_eq!(dec["period_start"], "2023-12-01");
    assert_eq!(
        first(&dec["slowest_first_responses"]),
        (230, "T-00002789".to_owned(), 45_246)
    );
    assert_eq!(
        first(&dec["slowest_resolutions"]),
        (248, "T-00002335".to_owned(), 1_227_646)
    );
    assert_eq!(
        first(&dec["sla_breaches"]),
        (26, "T-00002789".to_owned(), 79_200)
    );
    assert_eq!(
        dec["sla_breaches"]["tickets"][0]["targets"],
        serde_json::json!(["first_response"])
    );
    assert_eq!(
        first(&d["oldest_open"]),
        (40, "T-00000222".to_owned(), 28_721_392)
    );
    // The page shows the same lists.
    let html = ok(&["report", "--demo", "--format", "html"]);
    let ids = |l: &serde_json::Value| -> Vec<String> {
        l["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["ticket_id"].as_str().unwrap().to_owned())
            .collect()
    };
    for (id, list) in [
        ("drill-sla-breaches", &dec["sla_breaches"]),
        ("drill-oldest-open", &d["oldest_open"]),
        (
            "drill-slowest-first-responses",
            &dec["slowest_first_responses"],
        ),
        ("drill-slowest-resolutions", &dec["slowest_resolutions"]),
    ] {
        assert_eq!(drill(&html, id), ids(list), "{id}");
        assert_eq!(ids(list).len(), 20, "{id}");
    }
    assert!(html.contains("26 tickets breached a target, earliest breach first."));
    assert!(html.contains("230 answered tickets, slowest first (business time)."));
    // From the CSV files with the default options: the values tests/it/sections.rs asserts.
    let csv = json(&ok(&[
        "report",
        "--tickets",
        "examples/data/demo/tickets.csv",
        "--format",
        "json",
    ]));
    let d = &csv["sections"]["drill_down"];
    assert_eq!(
        first(&d["periods"][11]["slowest_first_responses"]),
        (230, "T-00002831".to_owned(), 252_730)
    );
    assert_eq!(
        first(&d["periods"][11]["slowest_resolutions"]),
        (248, "T-00002335".to_owned(), 4_201_246)
    );
    assert_eq!(
        first(&d["oldest_open"]),
        (40, "T-00000222".to_owned(), 28_721_392)
    );
    // And the page of the same file shows them.
    let html = ok(&[
        "report",
        "--tickets",
        "examples/data/demo/tickets.csv",
        "--format",
        "html",
    ]);
    assert_eq!(
        drill(&html, "drill-slowest-first-responses")[0],
        "T-00002831"
    );
    assert!(html.contains("<td>2023-12-11 08:22</td><td data-seconds=\"252730\">"));
    assert_eq!(drill(&html, "drill-slowest-resolutions")[0], "T-00002335");
    assert_eq!(
        drill(&html, "drill-oldest-open")[..2],
        ["T-00000222", "T-00000360"]
    );
    assert!(html.contains("40 tickets open at 2024-01-01 00:00, oldest first"));

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
        "--sla-next-reply",
        "urgent=2h,high=4h,normal=8h,low=1d",
        "--format",
        "json",
    ]);
    let demo = json(&ok(&["report", "--demo", "--format", "json"]));
    assert_eq!(json(&from_files), demo);
    // The demo's event log gives next-reply and per-target SLA columns with their n, every
    // month.
    for row in totals(&demo) {
        for n in [
            "next_reply_n",
            "sla_next_reply_n",
            "sla_resolution_n",
            "status_time_n",
        ] {
            assert!(row[n].as_u64().unwrap() > 0, "{n}: {row}");
        }
        for value in ["next_reply_median_bh_s", "sla_next_reply_pct"] {
            assert!(row[value].as_f64().is_some(), "{value}: {row}");
        }
    }
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
    assert_eq!(sum(&rows, "tickets_resolved"), 901);
    assert_eq!(sum(&rows, "tickets_reopened"), 11);
    assert_eq!(rows[0]["backlog_end"].as_u64(), Some(162));
    assert_eq!(rows[0]["period_start"].as_str(), Some("2016-02-29"));

    let table = ok(&args);
    assert!(table.contains("\n2016-02-29 "));
    assert!(
        table.contains("n: 890 tickets created, 901 resolutions"),
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
    assert_eq!(chart_points(&html, "next-reply"), 2 * periods);
    // SLA by target: first response, resolution and next reply (the demo sets no periodic
    // update target), each with its n in the legend.
    assert_eq!(chart_points(&html, "sla"), 3 * periods);
    assert!(
        html.contains("next reply (n = "),
        "the SLA legend names each target's n"
    );
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 10);
    // Self-contained: nothing to fetch, and the page forbids fetching.
    for needle in [
        "http://", "https://", "src=", "url(", "@import", "<script", "<link",
    ] {
        assert!(!html.contains(needle), "{needle}");
    }
    // The only links are the tiles' to the drill-down lists on the page itself.
    assert_eq!(
        html.matches("href=").count(),
        html.matches("href=\"#drill-").count()
    );
    assert_eq!(
        html.matches("<a class=\"tile drill\" href=\"#drill-")
            .count(),
        4
    );
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert!(html.contains("@media print") && html.contains("@media (max-width: 600px)"));
    assert!(html.contains("<h2>By segment — 2023-12</h2>"));
    assert_eq!(html.matches("<div class=\"tile\"").count(), 12 - 4);
    // The report's sections, as tests/it/sections.rs asserts them on the Rust report (values
    // worked out by hand from examples/data/demo): spike days, backlog ages, the busiest hour
    // of the heatmap, January's CSAT (43 of 58) and NPS (8 - 4 of 21) 95% intervals.
    assert!(html.contains("Spike days (robust z-score): 2023-05-29 (34), 2023-05-30 (30)."));
    assert!(html.contains(
        "at 2024-01-01 00:00: 40 open (&lt; 1 d: 1, 1-3 d: 4, 3-7 d: 7, 7-30 d: 4, &gt; 30 d: 24)."
    ));
    assert!(html.contains("Busiest hour: Mon 11:00 (76 tickets)."));
    let jan = html.find("<tr><td>2023-01</td>").unwrap();
    let jan = &html[jan..jan + html[jan..].find("</tr>").unwrap()];
    assert!(jan.contains("(61.6–83.7)</td>"), "{jan}");
    assert!(jan.contains("(-12.2–50.3)</td>"), "{jan}");
    // Revenue retention and cohorts from the sections (tests/it/sections.rs): January 2023,
    // 85 customers with 86,376.76 USD at its start, 2 churned, 79,949.23 at its end (GRR = NRR
    // = 92.5587 %); the October cohort of 3, one gone in its first month.
    assert!(html.contains("<h2 id=\"revenue-retention\">Revenue retention</h2>"));
    assert!(html.contains(
        "<tr><th scope=\"row\">2023-01</th><td>92.6%</td><td>92.6%</td><td>85</td><td>2</td>\
         <td>86376.76 USD</td><td>79949.23 USD</td></tr>"
    ));
    assert!(html.contains(
        "<tr><th scope=\"row\">2023-08</th><td>94.1%</td><td>94.1%</td><td>92</td><td>9</td>"
    ));
    assert!(html.contains("<h2 id=\"cohorts\">Cohorts</h2>"));
    assert!(html.contains(&format!(
        "<tr><th scope=\"row\">2023-01</th><td>2</td>{}</tr>",
        "<td>2 (100%)</td>".repeat(12)
    )));
    assert!(html.contains(&format!(
        "<tr><th scope=\"row\">2023-10</th><td>3</td>{}{}</tr>",
        "<td>2 (67%)</td>".repeat(3),
        "<td></td>".repeat(9)
    )));
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
    assert_eq!(
        lines[0],
        "source,file,line,record_type,id,kind,field,value,rule"
    );
    assert_eq!(lines.len(), 3, "{text}");
    let file = path.display().to_string();
    assert!(
        lines[1].starts_with(&format!(
            "tickets,{file},3,ticket,T-2,invalid_timestamp,created_at,2021-13-01T08:00:00Z,"
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(&format!(
            "tickets,{file},4,ticket,T-3,negative_duration,resolved_at,2021-06-01T07:00:00+00:00,"
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

/// A column of a record batch as i64s (counts) or f64s (statistics, null as None).
fn ints(batch: &arrow_array::RecordBatch, name: &str) -> Vec<i64> {
    use arrow_array::cast::AsArray;
    let col = batch.column_by_name(name).unwrap();
    col.as_primitive::<arrow_array::types::Int64Type>()
        .values()
        .to_vec()
}

fn floats(batch: &arrow_array::RecordBatch, name: &str) -> Vec<Option<f64>> {
    use arrow_array::cast::AsArray;
    let col = batch.column_by_name(name).unwrap();
    col.as_primitive::<arrow_array::types::Float64Type>()
        .iter()
        .collect()
}

#[test]
fn report_as_parquet_and_arrow_ipc_holds_the_json_numbers() {
    let dir = temp("binary");
    let report = json(&ok(&[
        "report", "--demo", "--by", "channel", "--format", "json",
    ]));
    let rows = report["rows"].as_array().unwrap();
    let created: Vec<i64> = rows
        .iter()
        .map(|r| r["tickets_created"].as_i64().unwrap())
        .collect();
    let csat: Vec<Option<f64>> = rows.iter().map(|r| r["csat_pct"].as_f64()).collect();
    let parquet_path = dir.join("report.parquet");
    let arrow_path = dir.join("report.arrow");
    for (format, path) in [("parquet", &parquet_path), ("arrow", &arrow_path)] {
        let out = ok(&[
            "report",
            "--demo",
            "--by",
            "channel",
            "--format",
            format,
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out, "");
    }
    let file = std::fs::File::open(&parquet_path).unwrap();
    let batches: Vec<arrow_array::RecordBatch> =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    assert_eq!(batches.len(), 1);
    let from_parquet = &batches[0];
    let file = std::fs::File::open(&arrow_path).unwrap();
    let mut ipc = arrow_ipc::reader::FileReader::try_new(file, None).unwrap();
    let from_ipc = ipc.next().unwrap().unwrap();
    assert!(ipc.next().is_none());
    for batch in [from_parquet, &from_ipc] {
        assert_eq!(batch.num_rows(), rows.len());
        let names: Vec<&str> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        let expected: Vec<&str> = report["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(names, expected);
        assert_eq!(ints(batch, "tickets_created"), created);
        assert_eq!(
            ints(batch, "tickets_created").iter().sum::<i64>(),
            2 * 3_000
        );
        // serde_json (without float_roundtrip) may read the last digit of the JSON's shortest
        // text differently; the batch holds the core's f64 itself.
        let got = floats(batch, "csat_pct");
        assert_eq!(got.len(), csat.len());
        for (g, c) in got.iter().zip(&csat) {
            assert!(
                matches!((g, c), (Some(g), Some(c)) if (g - c).abs() < 1e-9),
                "{g:?} {c:?}"
            );
        }
    }
    // A binary format refuses a terminal but not a pipe: here stdout is a pipe.
    let piped = run(&["report", "--demo", "--format", "parquet"]);
    assert!(piped.status.success());
    assert_eq!(&piped.stdout[..4], b"PAR1");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn generate_writes_parquet() {
    let dir = temp("gen-parquet");
    let out = ok(&[
        "generate",
        "--tickets",
        "1000",
        "--seed",
        "7",
        "--format",
        "parquet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.contains("1,000  ") && out.contains("tickets.parquet"),
        "{out}"
    );
    let read = |name: &str| -> Vec<arrow_array::RecordBatch> {
        let file = std::fs::File::open(dir.join(name)).unwrap();
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let tickets = read("tickets.parquet");
    assert_eq!(tickets.iter().map(|b| b.num_rows()).sum::<usize>(), 1_000);
    let schema = tickets[0].schema();
    let created = schema.field_with_name("created_at").unwrap();
    assert_eq!(created.data_type().to_string(), "Timestamp(µs, \"UTC\")");
    assert_eq!(
        schema
            .field_with_name("reopens")
            .unwrap()
            .data_type()
            .to_string(),
        "Int64"
    );
    // The first ticket is the same as in the CSV of the same seed.
    let csv_dir = temp("gen-parquet-csv");
    ok(&[
        "generate",
        "--tickets",
        "1000",
        "--seed",
        "7",
        "--out",
        csv_dir.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(csv_dir.join("tickets.csv")).unwrap();
    let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    use arrow_array::cast::AsArray;
    let ids = tickets[0].column_by_name("id").unwrap();
    assert_eq!(ids.as_string::<i32>().value(0), first[0]);
    let at = tickets[0].column_by_name("created_at").unwrap();
    let at = at
        .as_primitive::<arrow_array::types::TimestampMicrosecondType>()
        .value(0);
    let expected = chrono::DateTime::parse_from_rfc3339(first[2])
        .unwrap()
        .timestamp();
    assert_eq!(at, expected * 1_000_000);
    for name in [
        "events.parquet",
        "surveys.parquet",
        "customers.parquet",
        "costs.parquet",
    ] {
        assert!(!read(name).is_empty(), "{name}");
    }
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(csv_dir).unwrap();
}

#[test]
fn parquet_inputs_report_as_their_csv() {
    let (csv_dir, pq_dir) = (temp("in-csv"), temp("in-parquet"));
    for (dir, format) in [(&csv_dir, "csv"), (&pq_dir, "parquet")] {
        ok(&[
            "generate",
            "--tickets",
            "1500",
            "--seed",
            "11",
            "--no-events",
            "--format",
            format,
            "--out",
            dir.to_str().unwrap(),
        ]);
    }
    let f = |dir: &Path, name: &str| dir.join(name).display().to_string();
    for format in ["json", "csv"] {
        let report = |dir: &Path, ext: &str| {
            ok(&[
                "report",
                "--tickets",
                &f(dir, &format!("tickets.{ext}")),
                "--surveys",
                &f(dir, &format!("surveys.{ext}")),
                "--customers",
                &f(dir, &format!("customers.{ext}")),
                "--costs",
                &f(dir, &format!("costs.{ext}")),
                "--by",
                "channel",
                "--format",
                format,
            ])
        };
        let from_csv = report(&csv_dir, "csv");
        assert_eq!(report(&pq_dir, "parquet"), from_csv, "{format}");
        if format == "json" {
            assert_eq!(sum(&totals(&json(&from_csv)), "tickets_created"), 1_500);
        }
    }
    // The magic decides when the name does not: a Parquet file named .csv is read as Parquet.
    std::fs::copy(pq_dir.join("tickets.parquet"), pq_dir.join("renamed.csv")).unwrap();
    let renamed = json(&ok(&[
        "report",
        "--tickets",
        &f(&pq_dir, "renamed.csv"),
        "--format",
        "json",
    ]));
    assert_eq!(sum(&totals(&renamed), "tickets_created"), 1_500);
    std::fs::remove_dir_all(csv_dir).unwrap();
    std::fs::remove_dir_all(pq_dir).unwrap();
}

#[test]
fn a_parquet_column_of_the_wrong_type_is_one_line_naming_file_row_field_value_and_rule() {
    use std::sync::Arc;
    let dir = temp("wrong-type");
    let path = dir.join("tickets.parquet");
    let batch = arrow_array::RecordBatch::try_from_iter([
        (
            "id",
            Arc::new(arrow_array::StringArray::from(vec!["T-1", "T-2"])) as arrow_array::ArrayRef,
        ),
        (
            "created_at",
            Arc::new(arrow_array::BooleanArray::from(vec![true, false])) as arrow_array::ArrayRef,
        ),
    ])
    .unwrap();
    let file = std::fs::File::create(&path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let out = run(&["report", "--tickets", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    for part in ["tickets.parquet", "1", "T-1", "created_at", "true"] {
        assert!(err.contains(part), "{part}: {err}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Without --preset, each sample export is read with the preset its header matches, named on
/// stderr; a canonical file of another record type given as tickets is refused.
#[test]
fn presets_are_detected_and_listed() {
    for (file, preset, created) in [
        (
            "tests/data/servicenow_incident_events.csv",
            "servicenow",
            890,
        ),
        ("tests/data/zendesk_tickets.csv", "zendesk", 8),
        ("tests/data/freshdesk_tickets.csv", "freshdesk", 7),
        (
            "tests/data/zendesk_incremental_tickets.json",
            "zendesk-json",
            11,
        ),
        ("tests/data/freshdesk_api_tickets.json", "freshdesk-json", 9),
        ("tests/data/intercom_conversations.json", "intercom", 4),
        ("tests/data/jira_service_requests.csv", "jira", 10),
        ("tests/data/hubspot_tickets.csv", "hubspot", 6),
        ("tests/data/helpscout_conversations.json", "helpscout", 6),
        ("tests/data/zammad_tickets.json", "zammad", 6),
        ("tests/data/chatwoot_conversations.json", "chatwoot", 5),
    ] {
        let out = run(&[
            "report",
            "--tickets",
            file,
            "--period",
            "year",
            "--format",
            "json",
        ]);
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("with the {preset} preset (detected")),
            "{file}: {stderr}"
        );
        let report = json(&String::from_utf8(out.stdout).unwrap());
        let rows = totals(&report);
        assert_eq!(sum(&rows, "tickets_created"), created, "{file}");
    }
    // The canonical layout: no preset, nothing said.
    let out = run(&["report", "--tickets", "examples/data/tickets.csv"]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("preset"));

    let out = run(&["report", "--tickets", "examples/data/surveys.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("canonical layout of survey responses; give it as surveys"),
        "{stderr}"
    );

    let listing = ok(&["presets"]);
    for name in [
        "servicenow",
        "zendesk",
        "freshdesk",
        "zendesk-json",
        "freshdesk-json",
        "intercom",
        "jira",
        "hubspot",
        "helpscout",
        "zammad",
        "chatwoot",
    ] {
        assert!(listing.contains(&format!("{name}\n  reads: ")), "{listing}");
    }
    assert!(listing.contains("fills: id, customer_id, created_at, first_response_at, resolved_at"));
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
                "known fields are channel, priority, team, assignee, first_responder, solver, \
                 status, customer_id, segment"
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
    // Parquet: the core's ticket batch, typed (seconds int64, instants timestamp[us, UTC]).
    let batches = tickets_parquet(&t, &dir);
    let batch = &batches[0];
    assert_eq!(batch.num_rows(), 4);
    let frt: Vec<i64> = {
        use arrow_array::cast::AsArray;
        batch
            .column_by_name("frt_s")
            .unwrap()
            .as_primitive::<arrow_array::types::Int64Type>()
            .values()
            .to_vec()
    };
    assert_eq!(frt, [600, 1200, 1800, 2400]);
    let created = batch
        .schema()
        .field_with_name("created_at")
        .unwrap()
        .clone();
    assert_eq!(created.data_type().to_string(), "Timestamp(µs, \"UTC\")");
}

/// An export with extra columns named like the table's (`frt_s`, `ticket_id`,
/// `first_responder`): every format writes each name once and the ticket's own values under
/// the table's names. The command keeps no extra column today; one it kept would be named by
/// the core's rule (`<name>_dimension`, `TicketMetrics::columns`).
#[test]
fn tickets_write_each_column_name_once() {
    let dir = temp("tickets-names");
    let t = dir.join("export.csv");
    std::fs::write(
        &t,
        "id,created_at,first_response_at,first_responder,frt_s,status,ticket_id,reopens\n\
         T-1,2021-06-28T09:00:00Z,2021-06-28T09:30:00Z,ann,12,open,HD-1,0\n",
    )
    .unwrap();
    let t = t.display().to_string();
    let distinct = |names: &[String]| {
        let set: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(set.len(), names.len(), "{names:?}");
    };
    let csv = ok(&["tickets", "--tickets", &t, "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    distinct(&header);
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        [
            row[at("ticket_id")],
            row[at("frt_s")],
            row[at("first_responder")]
        ],
        ["T-1", "1800", ""]
    );
    let json = json(&ok(&["tickets", "--tickets", &t, "--format", "json"]));
    let columns: Vec<String> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    distinct(&columns);
    assert_eq!(columns, header);
    assert_eq!(
        json["rows"][0].as_object().unwrap().len(),
        columns.len(),
        "{json}"
    );
    assert_eq!(json["rows"][0]["ticket_id"], "T-1");
    let fields: Vec<String> = tickets_parquet(&t, &dir)[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(fields, header);
}

/// `supportkpi tickets --format parquet` of `tickets` into `dir`, read back (it prints nothing).
fn tickets_parquet(tickets: &str, dir: &Path) -> Vec<arrow_array::RecordBatch> {
    let path = dir.join("tickets.parquet");
    let out = ok(&[
        "tickets",
        "--tickets",
        tickets,
        "--format",
        "parquet",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out, "");
    let file = std::fs::File::open(&path).unwrap();
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
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

/// An event log where the assignee changes after the first reply: the per-agent report by
/// `first_responder` credits the agent who replied.
#[test]
fn by_first_responder_credits_the_replying_agent() {
    let dir = temp("agents");
    let events = dir.join("events.csv");
    std::fs::write(
        &events,
        "ticket_id,at,kind,author,public,to,agent\n\
         A,2021-06-28T09:00:00Z,created,,,,\n\
         A,2021-06-28T09:05:00Z,assigned,,,ann,\n\
         A,2021-06-28T09:30:00Z,reply,agent,true,,ann\n\
         A,2021-06-28T10:00:00Z,assigned,,,bob,\n\
         A,2021-06-28T12:00:00Z,status_change,,,solved,bob\n\
         B,2021-06-28T10:00:00Z,created,,,,\n\
         B,2021-06-28T10:00:00Z,assigned,,,bob,\n\
         B,2021-06-28T11:00:00Z,reply,agent,true,,ann\n\
         C,2021-06-28T11:00:00Z,created,,,,\n\
         C,2021-06-28T11:00:00Z,assigned,,,bob,\n\
         C,2021-06-28T11:20:00Z,reply,agent,true,,bob\n",
    )
    .unwrap();
    let e = events.to_str().unwrap();
    let report = json(&ok(&[
        "report",
        "--events",
        e,
        "--by",
        "first_responder",
        "--format",
        "json",
    ]));
    let rows: Vec<(String, u64, f64)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["dimension"].is_null())
        .map(|r| {
            (
                r["dimension"].as_str().unwrap().to_owned(),
                r["tickets_created"].as_u64().unwrap(),
                r["frt_mean_s"].as_f64().unwrap(),
            )
        })
        .collect();
    // ann answered A (30 min) and B (60 min), though bob holds both; bob answered C (20 min).
    assert_eq!(
        rows,
        [("ann".to_owned(), 2, 2700.0), ("bob".to_owned(), 1, 1200.0)]
    );
    let csv = ok(&["tickets", "--events", e, "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("ticket_id,channel,priority,team,assignee,first_responder,solver,")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("A,,,,bob,ann,bob,solved,")
    );
    assert!(lines.next().unwrap().starts_with("B,,,,bob,ann,,new,"));
}

/// The ids a drill-down list of the HTML report shows, in order.
fn drill(html: &str, id: &str) -> Vec<String> {
    let start = html
        .find(&format!("<table data-drill=\"{id}\">"))
        .unwrap_or_else(|| panic!("no {id} list"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    table
        .split("<tr data-ticket=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

#[test]
fn html_drill_down_lists_the_tickets_behind_the_tiles() {
    let dir = temp("html-drill");
    let (t, _) = four_tickets(&dir);
    let args = [
        "report",
        "--tickets",
        &t,
        "--sla-first-response",
        "high=15m,*=1h",
        "--format",
        "html",
    ];
    let html = ok(&args);
    // High-priority targets 15 min: C (30 min) breached at 11:15, D (40 min) at 12:15; A (10
    // min) met, B (low, 20 min of 1 h) met. Earliest breach first.
    assert_eq!(drill(&html, "drill-sla-breaches"), ["C", "D"]);
    assert!(html.contains("<td>first response</td><td>2021-06-28 11:15</td>"));
    // All four open at the month's end (July 1st 00:00): A is 63 h (2.6 d) old, D 60 h.
    assert_eq!(drill(&html, "drill-oldest-open"), ["A", "B", "C", "D"]);
    assert!(html.contains("<td>2021-06-28 09:00</td><td>2.6d</td>"));
    assert!(html.contains("<td>2021-06-28 12:00</td><td>2.5d</td>"));
    assert_eq!(
        drill(&html, "drill-slowest-first-responses"),
        ["D", "C", "B", "A"]
    );
    assert!(html.contains("<td data-seconds=\"2400\">40m</td>"));
    assert_eq!(
        drill(&html, "drill-slowest-resolutions"),
        Vec::<String>::new()
    );
    // The tiles link to their lists.
    assert!(html.contains("href=\"#drill-sla-breaches\""));
    assert!(html.contains("href=\"#drill-oldest-open\""));

    // The filter applies to the lists too; --ticket-url makes the ids links.
    let mut filtered = args.to_vec();
    filtered.extend([
        "--where",
        "channel in (email,web)",
        "--ticket-url",
        "https://helpdesk.example/tickets/{id}?from=kpi",
    ]);
    let html = ok(&filtered);
    assert_eq!(drill(&html, "drill-sla-breaches"), ["D"]);
    assert!(
        html.contains("<a href=\"https://helpdesk.example/tickets/D?from=kpi\">D</a>"),
        "ticket link"
    );
}

#[test]
fn drill_down_top_sets_how_many_tickets_each_list_keeps() {
    let full = json(&ok(&["report", "--demo", "--format", "json"]));
    let three = json(&ok(&[
        "report",
        "--demo",
        "--format",
        "json",
        "--drill-down-top",
        "3",
    ]));
    let (f, t) = (
        &full["sections"]["drill_down"],
        &three["sections"]["drill_down"],
    );
    assert_eq!(t["top"], 3);
    let dec = |d: &serde_json::Value| d["periods"][11]["slowest_resolutions"].clone();
    assert_eq!(dec(t)["n"], 248);
    assert_eq!(
        dec(t)["tickets"],
        serde_json::Value::Array(dec(f)["tickets"].as_array().unwrap()[..3].to_vec())
    );
    let html = ok(&[
        "report",
        "--demo",
        "--format",
        "html",
        "--drill-down-top",
        "3",
    ]);
    assert_eq!(drill(&html, "drill-oldest-open").len(), 3);
    assert!(html.contains("the first 3 of each list"));
    for bad in ["1001", "-1", "many"] {
        let out = run(&["report", "--demo", "--drill-down-top", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("drill-down-top") || err.contains("drill_down_top"),
            "{err}"
        );
    }
}

#[test]
fn sections_selects_what_the_report_computes() {
    let full = json(&ok(&["report", "--demo", "--format", "json"]));
    let some = json(&ok(&[
        "report",
        "--demo",
        "--format",
        "json",
        "--sections",
        "intervals,cohorts",
    ]));
    let (s, f) = (&some["sections"], &full["sections"]);
    assert_eq!(totals(&some), totals(&full));
    // The selected ones as in the full report: the February cohort of 3, one interval per row.
    assert_eq!(s["intervals"], f["intervals"]);
    assert_eq!(s["cohorts"], f["cohorts"]);
    assert_eq!(s["cohorts"][1]["size"], 3);
    // The others empty.
    assert_eq!(s["revenue_retention"], serde_json::json!([]));
    assert_eq!(s["spike_days"], serde_json::json!([]));
    assert!(s["backlog_ages"].is_null());
    assert!(s["drill_down"].is_null() && f["drill_down"].is_object());
    assert_eq!(sum_all(&s["heatmap"]), 0);
    assert_eq!(sum_all(&f["heatmap"]), 3_000);
    assert_eq!(
        some["options"]["sections"],
        serde_json::json!(["intervals", "cohorts"])
    );

    // The page says what was left out and renders the rest.
    let html = ok(&[
        "report",
        "--demo",
        "--format",
        "html",
        "--sections",
        "cohorts",
    ]);
    assert!(html.contains("Not computed: --sections leaves out arrivals."));
    assert!(html.contains("Not computed: --sections leaves out intervals."));
    assert!(!html.contains("Spike days") && !html.contains("Busiest hour"));
    assert!(html.contains("<h2 id=\"cohorts\">Cohorts</h2>"));
    assert!(!html.contains("<h2 id=\"revenue-retention\">"));
    assert!(!html.contains("40 open ("));
    // No drill-down lists, and the tiles do not link to them.
    assert!(html.contains("Not computed: --sections leaves out drill_down."));
    assert!(!html.contains("data-drill=") && !html.contains("href=\"#drill-"));

    let out = run(&["report", "--demo", "--sections", "intervals,heatmap"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("heatmap"), "{err}");
    assert!(
        err.contains("intervals, arrivals, backlog_ages, revenue_retention, cohorts"),
        "{err}"
    );
}

fn sum_all(heatmap: &serde_json::Value) -> u64 {
    heatmap
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .map(|n| n.as_u64().unwrap())
        .sum()
}

/// Summary files are read into columns; what only records hold (here an instant past the
/// columns' 2262) is read as records, with the same report the record path gives: 280 yearly
/// rows, the ticket created in 2021 and resolved in 2300, the other resolved in its own year.
#[test]
fn an_instant_past_the_columns_is_read_as_records() {
    let dir = temp("far");
    let tickets = dir.join("tickets.csv");
    std::fs::write(
        &tickets,
        "id,created_at,resolved_at,channel\n\
         T-1,2021-06-01T09:00:00Z,2300-01-01T00:00:00Z,email\n\
         T-2,2021-06-02T09:00:00Z,2021-06-03T09:00:00Z,chat\n",
    )
    .unwrap();
    let path = tickets.to_str().unwrap();
    let yearly = |more: &[&str]| {
        let mut args = vec![
            "report",
            "--tickets",
            path,
            "--period",
            "year",
            "--format",
            "json",
        ];
        args.extend_from_slice(more);
        json(&ok(&args))
    };
    let report = yearly(&[]);
    let rows = totals(&report);
    assert_eq!(rows.len(), 280);
    assert_eq!(rows[0]["period_start"], "2021-01-01");
    assert_eq!(
        (
            rows[0]["tickets_created"].as_u64(),
            rows[0]["tickets_resolved"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(rows[279]["period_start"], "2300-01-01");
    assert_eq!(rows[279]["tickets_resolved"].as_u64(), Some(1));
    assert_eq!(sum(&rows, "tickets_resolved"), 2);
    // Filtered alike.
    let email = yearly(&["--where", "channel=email"]);
    assert_eq!(sum(&totals(&email), "tickets_created"), 1);
    assert_eq!(sum(&totals(&email), "tickets_resolved"), 1);
}
