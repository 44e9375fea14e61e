//! The command under hostile input (issue #19): every case ends in a clear error or the right
//! answer, under 1 GB of address space and in under 10 s.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("supportkpi-hard-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the command with its address space capped at 1 GB (through the shell's `ulimit -v`)
/// and checks it took under 10 s.
fn bounded(args: &[&str]) -> Output {
    let start = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_supportkpi"))
        .args(args)
        .output()
        .expect("sh runs");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{args:?} took {:?}",
        start.elapsed()
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const SPAN: &str = "id,customer_id,created_at,first_response_at,resolved_at,status\n\
                    T-1,C-1,0001-01-01T00:00:00Z,,9999-12-31T00:00:00Z,solved\n";

#[test]
fn a_ticket_from_year_1_to_9999_by_day_is_refused_naming_it_and_the_bound() {
    let dir = temp("span");
    let tickets = dir.join("t.csv");
    std::fs::write(&tickets, SPAN).unwrap();
    let t = tickets.to_str().unwrap();
    for period in ["day", "week", "month"] {
        let out = bounded(&[
            "report",
            "--tickets",
            t,
            "--period",
            period,
            "--format",
            "csv",
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("ticket \"T-1\""), "{err}");
        assert!(err.contains("resolved_at"), "{err}");
        assert!(err.contains("max_periods = 10000"), "{err}");
        assert!(err.contains("--from/--to"), "{err}");
        assert!(out.stdout.is_empty());
    }
    // Bounded by a range, the same ticket is open through every day of it.
    let out = bounded(&[
        "report",
        "--tickets",
        t,
        "--period",
        "day",
        "--from",
        "2021-01-01",
        "--to",
        "2021-01-03",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows[0].starts_with("2021-01-01,2021-01-02,,0,0,0,1,"),
        "{}",
        rows[0]
    );
    // A bound of one's own, and the usage errors around it.
    let out = bounded(&[
        "report",
        "--tickets",
        t,
        "--period",
        "year",
        "--max-periods",
        "9998",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("max_periods = 9998"),
        "{}",
        stderr(&out)
    );
    for bad in [
        &["--from", "2021-01-01"][..],
        &[
            "--from",
            "2021-01-01",
            "--to",
            "2400-01-01",
            "--period",
            "day",
        ],
        &["--from", "yesterday", "--to", "2021-01-01"],
        &["--max-periods", "0"],
    ] {
        let mut args = vec!["report", "--tickets", t];
        args.extend_from_slice(bad);
        let out = bounded(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
    }
}

#[test]
fn an_input_without_line_ends_is_an_error_after_a_bounded_read() {
    for flag in [
        "--tickets",
        "--events",
        "--surveys",
        "--customers",
        "--costs",
    ] {
        let out = bounded(&["report", flag, "/dev/zero"]);
        assert_eq!(out.status.code(), Some(1), "{flag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("a line is at most 16 MiB"),
            "{flag}: {}",
            stderr(&out)
        );
    }
    let out = bounded(&["report", "--tickets", "/dev/zero", "--errors", "lenient"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn generate_refuses_absurd_sizes_and_years_it_could_not_read_back() {
    let dir = temp("generate");
    let out_dir = dir.join("out");
    let o = out_dir.to_str().unwrap();
    for (args, needle) in [
        (
            &["--tickets", "100000000000"][..],
            "at most 10000000000 tickets",
        ),
        (
            &["--tickets", "10", "--customers", "100000000000"],
            "customers",
        ),
        (&["--tickets", "10", "--start", "9999-12-01"], "9998-12-31"),
        (
            &["--tickets", "10", "--start", "9998-06-01", "--days", "365"],
            "9998-12-31",
        ),
    ] {
        let mut all = vec!["generate", "--out", o];
        all.extend_from_slice(args);
        let out = bounded(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(!out_dir.exists(), "{args:?} wrote files");
    }
}

fn with_streams(args: &[std::ffi::OsString], stdout: Stdio, stderr: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supportkpi"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .expect("the binary runs")
}

fn full() -> Stdio {
    Stdio::from(
        std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(std::ffi::OsString::from).collect()
}

#[test]
fn output_that_cannot_be_written_is_an_error_not_exit_0() {
    for format in ["table", "json", "csv", "html"] {
        let out = with_streams(
            &os(&["report", "--demo", "--format", format]),
            full(),
            Stdio::piped(),
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        let err = stderr(&out);
        assert!(
            err.contains("standard output: cannot write: No space left on device"),
            "{err}"
        );
    }
    for args in [&["--help"][..], &["--version"]] {
        let out = with_streams(&os(args), full(), Stdio::piped());
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    }
    let dir = temp("full");
    let out = with_streams(
        &os(&[
            "generate",
            "--tickets",
            "10",
            "--out",
            dir.join("g").to_str().unwrap(),
        ]),
        full(),
        Stdio::piped(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // A full disk under -o and --rejects.
    let out = with_streams(
        &os(&["report", "--demo", "-o", "/dev/full"]),
        Stdio::piped(),
        Stdio::piped(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/dev/full: cannot write"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_full_standard_error_never_panics() {
    // A usage error, an input error and help with standard error on a full device: the
    // status tells what happened (never 101, a panic).
    for (args, code) in [
        (&["report", "--colour"][..], 2),
        (&["report", "--tickets", "/no/such/file.csv"], 1),
        (&["--help"], 0),
    ] {
        let out = with_streams(&os(args), Stdio::null(), full());
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
    // Rejects summarised on a full standard error.
    let dir = temp("fullerr");
    let surveys = dir.join("s.csv");
    std::fs::write(
        &surveys,
        "id,ticket_id,customer_id,responded_at,kind,score\n\
         S-1,,,2021-06-01T00:00:00Z,nps,9\nS-2,,,2021-06-01T00:00:00Z,nps,11\n",
    )
    .unwrap();
    let out = with_streams(
        &os(&[
            "report",
            "--surveys",
            surveys.to_str().unwrap(),
            "--errors",
            "lenient",
            "--format",
            "csv",
        ]),
        Stdio::null(),
        full(),
    );
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_a_clear_error_or_a_file_name() {
    use std::os::unix::ffi::OsStringExt;
    let bad = std::ffi::OsString::from_vec(b"\xffweek".to_vec());
    let mut args = os(&["report", "--demo", "--period"]);
    args.push(bad.clone());
    let out = with_streams(&args, Stdio::piped(), Stdio::piped());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--period \"\u{fffd}week\" is not valid UTF-8"),
        "{}",
        stderr(&out)
    );
    // As a file name it is passed on: the file does not exist.
    let mut args = os(&["report", "--tickets"]);
    args.push(bad.clone());
    let out = with_streams(&args, Stdio::piped(), Stdio::piped());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot open the file"),
        "{}",
        stderr(&out)
    );
    let out = with_streams(&[bad], Stdio::piped(), Stdio::piped());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lenient_sets_aside_scores_off_scale_and_other_currencies_with_file_and_line() {
    let dir = temp("lenient");
    let surveys = dir.join("surveys.csv");
    std::fs::write(
        &surveys,
        "id,ticket_id,customer_id,responded_at,kind,score\n\
         S-1,,,2021-06-01T00:00:00Z,csat,5\n\
         S-2,,,2021-06-01T00:00:00Z,csat,0\n\
         S-3,,,2021-06-01T00:00:00Z,ces,6\n\
         S-4,,,2021-06-01T00:00:00Z,ces,2\n",
    )
    .unwrap();
    let costs = dir.join("costs.csv");
    std::fs::write(
        &costs,
        "start,end,amount,currency\n2021-06-01,2021-06-30,100,USD\n2021-06-01,2021-06-30,90,EUR\n",
    )
    .unwrap();
    let rejects = dir.join("rejects.csv");
    let (s, c, r) = (
        surveys.to_str().unwrap(),
        costs.to_str().unwrap(),
        rejects.to_str().unwrap(),
    );
    let out = bounded(&[
        "report",
        "--surveys",
        s,
        "--costs",
        c,
        "--rejects",
        r,
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    // CSAT: one response, positive; CES: one response, 2.
    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains(",100,1,"), "{row}");
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[1].starts_with(&format!(
            "surveys,{s},3,survey_response,S-2,score_out_of_scale,score,0,"
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(&format!(
            "surveys,{s},4,survey_response,S-3,score_out_of_scale,score,6,"
        )),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with(&format!(
            "costs,{c},3,cost_entry,,mixed_currencies,currency,EUR,"
        )),
        "{}",
        lines[3]
    );
    // Strict: the first bad record, with its file and line, exit 1.
    let out = bounded(&["report", "--surveys", s]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!("{s}:3")), "{}", stderr(&out));
}

#[test]
fn formula_cells_are_neutralised_in_csv_unless_raw() {
    let dir = temp("formula");
    let tickets = dir.join("t.csv");
    std::fs::write(
        &tickets,
        "id,created_at,first_response_at,resolved_at,channel\n\
         T-1,2021-06-01T08:00:00Z,2021-06-01T08:30:00Z,2021-06-01T09:00:00Z,=cmd|' /C calc'!A0\n\
         T-2,2021-06-01T08:00:00Z,,,@SUM(A1)\n\
         =T-3,2021-13-01T08:00:00Z,,,-x\n",
    )
    .unwrap();
    let rejects = dir.join("rejects.csv");
    let (t, r) = (tickets.to_str().unwrap(), rejects.to_str().unwrap());
    let out = bounded(&[
        "report",
        "--tickets",
        t,
        "--by",
        "channel",
        "--format",
        "csv",
        "--rejects",
        r,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains(",'=cmd|' /C calc'!A0,"), "{csv}");
    assert!(csv.contains(",'@SUM(A1),"), "{csv}");
    assert!(!csv.contains(",=cmd"), "{csv}");
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert!(text.contains(",ticket,'=T-3,invalid_timestamp,"), "{text}");
    // Raw on request.
    let out = bounded(&[
        "report",
        "--tickets",
        t,
        "--by",
        "channel",
        "--format",
        "csv",
        "--csv-raw",
        "--rejects",
        r,
    ]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains(",=cmd|' /C calc'!A0,"), "{csv}");
    assert!(
        std::fs::read_to_string(&rejects)
            .unwrap()
            .contains(",ticket,=T-3,")
    );
}

#[test]
fn negative_numbers_stay_numbers_in_csv() {
    // NPS of ratings 1..10 is -40 (the SPEC's worked check): a number, not a formula.
    let dir = temp("negative");
    let surveys = dir.join("s.csv");
    let mut text = String::from("id,responded_at,kind,score\n");
    for i in 1..=10 {
        text += &format!("S-{i},2021-06-01T00:00:00Z,nps,{i}\n");
    }
    std::fs::write(&surveys, text).unwrap();
    let out = bounded(&[
        "report",
        "--surveys",
        surveys.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains(",-40,10,"), "{csv}");
    assert!(!csv.contains("'-40"), "{csv}");
}

#[test]
fn ambiguous_input_is_refused_not_read_differently() {
    let dir = temp("ambiguous");
    // CR-only line ends once read as one header line and 0 tickets, exit 0.
    let cr = dir.join("cr.csv");
    std::fs::write(
        &cr,
        "id,created_at,resolved_at\rT-1,2021-01-01T00:00:00Z,2021-01-02T00:00:00Z\r",
    )
    .unwrap();
    let out = bounded(&["report", "--tickets", cr.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("lone CR"), "{}", stderr(&out));
    // CRLF reads as LF does.
    let crlf = dir.join("crlf.csv");
    std::fs::write(
        &crlf,
        "id,created_at,resolved_at\r\nT-1,2021-01-01T00:00:00Z,2021-01-02T00:00:00Z\r\n",
    )
    .unwrap();
    let out = bounded(&[
        "report",
        "--tickets",
        crlf.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("2021-01-01,2021-02-01,,1,1,")
    );
    // A key given twice in JSON Lines once kept the last value.
    let dup = dir.join("dup.jsonl");
    std::fs::write(
        &dup,
        "{\"id\":\"T-1\",\"id\":\"T-2\",\"created_at\":\"2021-01-01T00:00:00Z\"}\n",
    )
    .unwrap();
    let out = bounded(&["report", "--tickets", dup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(":1: ticket: "), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the key \"id\" is given twice"),
        "{}",
        stderr(&out)
    );
    // Blank hours once meant "never open" and printed 0 s durations.
    for hours in ["", "   "] {
        let out = bounded(&["report", "--demo", "--hours", hours]);
        assert_eq!(out.status.code(), Some(2), "{hours:?}");
        assert!(stderr(&out).contains("not blank"), "{}", stderr(&out));
    }
    let c = crlf.to_str().unwrap();
    let out = bounded(&[
        "report",
        "--tickets",
        c,
        "--hours",
        "closed",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Event-log rejects are records: each event of a ticket that cannot be derived (here B, never
/// created, and a merge circle C <-> D) is one line of --rejects with its line and ticket id,
/// and the summary counts records.
#[test]
fn event_log_rejects_are_records_with_line_and_ticket_id() {
    let dir = temp("event-rejects");
    let events = dir.join("events.csv");
    std::fs::write(
        &events,
        "ticket_id,at,kind,into\n\
         A,2021-06-01T08:00:00Z,created,\n\
         B,2021-06-01T09:00:00Z,status_change,\n\
         C,2021-06-01T08:00:00Z,created,\n\
         D,2021-06-01T08:00:00Z,created,\n\
         C,2021-06-01T09:00:00Z,merged,D\n\
         D,2021-06-01T09:00:00Z,merged,C\n",
    )
    .unwrap();
    let rejects = dir.join("rejects.csv");
    let (e, r) = (events.to_str().unwrap(), rejects.to_str().unwrap());
    let out = bounded(&[
        "report",
        "--events",
        e,
        "--errors",
        "lenient",
        "--rejects",
        r,
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("rejected: 5 of 6 records"), "{err}");
    let text = std::fs::read_to_string(&rejects).unwrap();
    let rows: Vec<(&str, &str)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[2], f[4])
        })
        .collect();
    assert_eq!(
        rows,
        [("3", "B"), ("4", "C"), ("5", "D"), ("6", "C"), ("7", "D")],
        "{text}"
    );
    // Strict: the first such ticket, at its first event's line.
    let out = bounded(&["report", "--events", e]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains(":3") && err.contains("B"), "{err}");
}

/// 2,000 tickets of 2,000 customers, one a day from 2024-01-01 (300 days, then round again).
fn many_customers() -> String {
    let mut csv = String::from("id,customer_id,created_at,first_response_at,resolved_at,status\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for i in 0..2000 {
        let day = start + chrono::Duration::days(i % 300);
        csv.push_str(&format!("T-{i},C-{i},{day}T09:00:00Z,,,open\n"));
    }
    csv
}

#[test]
fn a_grouping_of_many_values_by_day_is_refused_before_its_rows_are_made() {
    let dir = temp("rows");
    let tickets = dir.join("t.csv");
    std::fs::write(&tickets, many_customers()).unwrap();
    let t = tickets.to_str().unwrap();
    // 300 days × (2,000 customers + the total) = 600,300 rows: about 6 GB of rows, refused
    // within the 1 GB cap by the default bound.
    let args = [
        "report",
        "--tickets",
        t,
        "--by",
        "customer_id",
        "--period",
        "day",
    ];
    let out = bounded(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("by = \"customer_id\""), "{err}");
    assert!(err.contains("max_rows = 500000"), "{err}");
    assert!(err.contains("make at least 600300"), "{err}");
    assert!(out.stdout.is_empty());
    // By month the same tickets are 10 × 2,001 rows, within the bound, unless it is lowered.
    let mut monthly = args.to_vec();
    monthly[6] = "month";
    let out = bounded(&[&monthly[..], &["--format", "csv"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count(),
        1 + 20_010
    );
    let out = bounded(&[&monthly[..], &["--max-rows", "20009"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "10 month periods × (2000 values of customer_id and the total) make at least 20010"
        ),
        "{}",
        stderr(&out)
    );
    let out = bounded(&[&monthly[..], &["--max-rows", "0"]].concat());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--max-rows \"0\": expected a whole number above 0"),
        "{}",
        stderr(&out)
    );
}
