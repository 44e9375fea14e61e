//! Command-line parsing, by hand: two subcommands and a flat list of flags do not need a
//! parser crate, and owning it keeps every usage error one plain line with exit status 2.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

pub(crate) const USAGE: &str = "\
supportkpi: customer-support KPIs from helpdesk exports

Usage:
  supportkpi report --tickets FILE [--events FILE] [--surveys FILE] [--customers FILE]
                    [--costs FILE] [options]
  supportkpi report --demo [options]        the report on a bundled synthetic year
  supportkpi tickets <report inputs> [options] [--format csv|json|table|parquet|arrow]
                                            one row per ticket: the facts behind the report
  supportkpi generate --tickets N [--seed S] [--format csv|jsonl|parquet] --out DIR
  supportkpi presets                        the helpdesk exports read, and the fields each fills
  supportkpi --help | --version

Report inputs (CSV; JSON Lines for .jsonl/.ndjson; Parquet for .parquet or any file that starts
with PAR1; columns as in examples/data/README.md):
  --tickets FILE          tickets (summary rows), or the export a --preset reads
  --events FILE           a ticket event log (counted as other tickets than --tickets')
  --surveys FILE          CSAT, NPS and CES responses
  --customers FILE        customers (retention; --by segment)
  --costs FILE            support cost entries (cost per ticket)
  --preset NAME           a helpdesk export's layout (`supportkpi presets` lists them);
                          without it the export's header picks one, named on stderr
  --demo                  a synthetic year of a B2B SaaS helpdesk (examples/data/demo), with
                          business hours Mon-Fri 08:00-18:00 and an SLA unless given

Report options:
  --period P              day | week | month (default) | quarter | year
  --tz ZONE               IANA zone the periods are cut in and naive times are read in (UTC)
  --hours SPEC            business hours, e.g. \"Mon-Fri 09:00-17:00\": durations and SLA
                          targets in business time
  --holidays DATES|FILE   closed days: 2023-12-25,2023-12-26, a file of YYYY-MM-DD lines, or
                          an iCalendar file (.ics: all-day events, timed events, yearly rules)
  --from DATE, --to DATE  report exactly the periods from the one holding --from to the one
                          holding --to (default: from the first to the last with data)
  --max-periods N         refuse a report of more than N periods (default 10000)
  --max-rows N            refuse a report of more than N rows, a row per period and per
                          (period, --by value) (default 500000)
  --sections LIST         the sections to compute beside the rows (default all):
                          intervals,arrivals,backlog_ages,revenue_retention,cohorts,
                          drill_down
  --drill-down-top K      tickets each drill-down list keeps (default 20, at most 1000)
  --calendars FILE        a business calendar per team: JSON {\"by\": \"team\", \"calendars\":
                          {\"Billing\": {\"timezone\": ..., \"hours\": ..., ...}}}
                          or TOML ([Billing] timezone = ... hours = ...); needs --hours
  --by FIELD[,FIELD...]   rows per value of channel, priority, team, assignee, status,
                          customer_id, segment or another column; several: a row per
                          combination (\"team,priority\"), beside each period's total
  --where COND            keep the tickets passing COND (repeatable; all must pass):
                          \"channel in (email,web)\", \"priority=urgent\",
                          \"created_at>=2024-01-01\", \"created_at<2024-02-01\"; surveys
                          follow their ticket
  --sla-first-response T  first-response targets per priority: \"urgent=1h,high=4h,*=1d\"
                          (* = any other priority; units s, m, h, d)
  --sla-resolution T      resolution targets, the same way
  --sla-next-reply T      next-reply targets (customer message -> next agent reply; event logs)
  --sla-periodic-update T periodic-update targets (agent reply -> next agent reply; event logs)
  --as-of WHEN            judge SLA targets (and the backlog) at this instant, RFC 3339 or
                          a date (its start in --tz): targets not done by then with a later
                          deadline are running, never met (default: tickets as final)
  --sla-pause STATUSES    statuses that stop the resolution clock (default pending,on_hold;
                          \"none\" for a clock that never stops), e.g. pending,hold
  --ticket-url URL        html: link each ticket id of the drill-down lists to URL, {id}
                          replaced (\"https://helpdesk.example/tickets/{id}\")
  --format F              table (default) | json | csv | html | parquet | arrow (an Arrow
                          IPC file); parquet and arrow need -o FILE or a redirected output
  -o, --output FILE       write the report there instead of to standard output
  --errors MODE           strict (default: stop at the first bad record) | lenient
  --rejects FILE          write every rejected record as CSV (implies --errors lenient)
  --csv-raw               write CSV text cells as they are: by default a cell starting with
                          = + - @ or a tab gets a ' in front, so a spreadsheet shows it as text
                          (numbers are never changed)

Generate options:
  --tickets N             how many tickets (exactly)
  --seed S                the seed (default 42): the same seed writes the same bytes
  --start DATE            first day (default 2023-01-01)
  --days N                days covered (default 365)
  --tz ZONE               the helpdesk's zone: local office hours (default UTC)
  --customers N           customers (default: one per 25 tickets)
  --format F              csv (default) | jsonl | parquet
  --no-events             skip events.csv (the biggest file)
  --out DIR               the directory to write (created if missing)

Exit status: 0 done, 1 bad input or lost output (a file that cannot be read, a bad record, an
output that cannot be written), 2 bad usage.
";

/// A usage error: exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Usage(pub(crate) String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    Help,
    Version,
    Report(Box<ReportArgs>),
    /// `tickets`: the per-ticket table over the report's inputs.
    Tickets(Box<ReportArgs>),
    Generate(GenerateArgs),
    Presets,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ReportArgs {
    pub(crate) tickets: Option<PathBuf>,
    pub(crate) events: Option<PathBuf>,
    pub(crate) surveys: Option<PathBuf>,
    pub(crate) customers: Option<PathBuf>,
    pub(crate) costs: Option<PathBuf>,
    pub(crate) preset: Option<String>,
    pub(crate) demo: bool,
    pub(crate) period: Option<String>,
    pub(crate) tz: Option<String>,
    pub(crate) hours: Option<String>,
    pub(crate) holidays: Option<String>,
    pub(crate) by: Option<String>,
    pub(crate) wheres: Vec<String>,
    pub(crate) sla_first_response: Option<String>,
    pub(crate) sla_resolution: Option<String>,
    pub(crate) sla_next_reply: Option<String>,
    pub(crate) sla_periodic_update: Option<String>,
    pub(crate) sla_pause: Option<String>,
    pub(crate) as_of: Option<String>,
    pub(crate) calendars: Option<PathBuf>,
    pub(crate) ticket_url: Option<String>,
    pub(crate) format: Option<String>,
    pub(crate) output: Option<PathBuf>,
    pub(crate) errors: Option<String>,
    pub(crate) rejects: Option<PathBuf>,
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    pub(crate) max_periods: Option<String>,
    pub(crate) max_rows: Option<String>,
    pub(crate) sections: Option<String>,
    pub(crate) drill_down_top: Option<String>,
    pub(crate) csv_raw: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GenerateArgs {
    pub(crate) tickets: Option<String>,
    pub(crate) seed: Option<String>,
    pub(crate) start: Option<String>,
    pub(crate) days: Option<String>,
    pub(crate) tz: Option<String>,
    pub(crate) customers: Option<String>,
    pub(crate) format: Option<String>,
    pub(crate) no_events: bool,
    pub(crate) out: Option<PathBuf>,
}

/// Splits `--flag=value` and `--flag value` alike. Arguments are `OsString`s: a file name
/// need not be UTF-8 (it is passed on as it is), any other value must be.
struct Flags<'a> {
    args: std::slice::Iter<'a, OsString>,
    pending: Option<OsString>,
}

/// Bytes cut from an `OsString`'s encoding at an ASCII character, back as an `OsString`.
fn os(bytes: &[u8]) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(bytes.to_vec())
    }
    #[cfg(not(unix))]
    {
        // Elsewhere the encoding is not plain bytes: keep what is text.
        OsString::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// An argument as text, or the usage error that names it.
fn text(arg: &OsStr, what: &str) -> Result<String, Usage> {
    arg.to_str().map(str::to_owned).ok_or_else(|| {
        Usage(format!(
            "{what} {:?} is not valid UTF-8 (only file names may be)",
            arg.to_string_lossy()
        ))
    })
}

impl<'a> Flags<'a> {
    fn new(args: &'a [OsString]) -> Self {
        Flags {
            args: args.iter(),
            pending: None,
        }
    }

    fn next_flag(&mut self) -> Result<Option<String>, Usage> {
        let Some(arg) = self.args.next() else {
            return Ok(None);
        };
        let bytes = arg.as_encoded_bytes();
        // `--flag=value`: the flag must be text, the value may be a file name that is not.
        if bytes.starts_with(b"--")
            && let Some(eq) = bytes.iter().position(|&b| b == b'=')
        {
            // Splitting at an ASCII '=' keeps both halves valid encoded OS strings.
            let (flag, value) = bytes.split_at(eq);
            let flag = text(&os(flag), "the option")?;
            self.pending = Some(os(&value[1..]));
            return Ok(Some(flag));
        }
        let arg = text(arg, "the argument")?;
        if !arg.starts_with('-') || arg == "-" {
            return Err(Usage(format!("unexpected argument {arg:?}")));
        }
        Ok(Some(arg))
    }

    /// The flag's value as given (a file name).
    fn path(&mut self, flag: &str) -> Result<PathBuf, Usage> {
        if let Some(v) = self.pending.take() {
            return Ok(v.into());
        }
        match self.args.next() {
            Some(v) if !(v.as_encoded_bytes().starts_with(b"--") && v.len() > 2) => Ok(v.into()),
            _ => Err(Usage(format!("{flag} needs a value"))),
        }
    }

    /// The flag's value as text.
    fn value(&mut self, flag: &str) -> Result<String, Usage> {
        let v = self.path(flag)?;
        text(v.as_os_str(), &format!("the value of {flag}"))
    }

    fn no_value(&mut self, flag: &str) -> Result<(), Usage> {
        match self.pending.take() {
            Some(_) => Err(Usage(format!("{flag} takes no value"))),
            None => Ok(()),
        }
    }
}

fn set<T>(slot: &mut Option<T>, flag: &str, value: T) -> Result<(), Usage> {
    if slot.is_some() {
        return Err(Usage(format!("{flag} is given twice")));
    }
    *slot = Some(value);
    Ok(())
}

pub(crate) fn parse(args: &[OsString]) -> Result<Command, Usage> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(Usage(
            "a command is needed: report, tickets or generate".into(),
        ));
    };
    match text(sub, "the command")?.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" | "version" => Ok(Command::Version),
        "report" => parse_report(rest),
        "tickets" => match parse_report(rest)? {
            Command::Report(r) => Ok(Command::Tickets(r)),
            other => Ok(other),
        },
        "generate" => parse_generate(rest),
        "presets" if rest.is_empty() => Ok(Command::Presets),
        "presets" => Err(Usage("presets takes no arguments".into())),
        other => Err(Usage(format!(
            "unknown command {other:?}: expected report, tickets, generate or presets"
        ))),
    }
}

fn parse_report(args: &[OsString]) -> Result<Command, Usage> {
    let mut r = ReportArgs::default();
    let mut flags = Flags::new(args);
    while let Some(flag) = flags.next_flag()? {
        let f = flag.as_str();
        match f {
            "-h" | "--help" => return Ok(Command::Help),
            "--demo" => {
                flags.no_value(f)?;
                r.demo = true;
            }
            "--tickets" => set(&mut r.tickets, f, flags.path(f)?)?,
            "--events" => set(&mut r.events, f, flags.path(f)?)?,
            "--surveys" => set(&mut r.surveys, f, flags.path(f)?)?,
            "--customers" => set(&mut r.customers, f, flags.path(f)?)?,
            "--costs" => set(&mut r.costs, f, flags.path(f)?)?,
            "--preset" => set(&mut r.preset, f, flags.value(f)?)?,
            "--period" => set(&mut r.period, f, flags.value(f)?)?,
            "--tz" => set(&mut r.tz, f, flags.value(f)?)?,
            "--hours" => set(&mut r.hours, f, flags.value(f)?)?,
            "--holidays" => set(&mut r.holidays, f, flags.value(f)?)?,
            "--by" => set(&mut r.by, f, flags.value(f)?)?,
            "--where" => r.wheres.push(flags.value(f)?),
            "--sla-first-response" => set(&mut r.sla_first_response, f, flags.value(f)?)?,
            "--sla-resolution" => set(&mut r.sla_resolution, f, flags.value(f)?)?,
            "--sla-next-reply" => set(&mut r.sla_next_reply, f, flags.value(f)?)?,
            "--sla-periodic-update" => set(&mut r.sla_periodic_update, f, flags.value(f)?)?,
            "--sla-pause" => set(&mut r.sla_pause, f, flags.value(f)?)?,
            "--as-of" => set(&mut r.as_of, f, flags.value(f)?)?,
            "--calendars" => set(&mut r.calendars, f, flags.path(f)?)?,
            "--ticket-url" => set(&mut r.ticket_url, f, flags.value(f)?)?,
            "--format" => set(&mut r.format, f, flags.value(f)?)?,
            "-o" | "--output" => set(&mut r.output, f, flags.path(f)?)?,
            "--errors" => set(&mut r.errors, f, flags.value(f)?)?,
            "--rejects" => set(&mut r.rejects, f, flags.path(f)?)?,
            "--from" => set(&mut r.from, f, flags.value(f)?)?,
            "--to" => set(&mut r.to, f, flags.value(f)?)?,
            "--max-periods" => set(&mut r.max_periods, f, flags.value(f)?)?,
            "--max-rows" => set(&mut r.max_rows, f, flags.value(f)?)?,
            "--sections" => set(&mut r.sections, f, flags.value(f)?)?,
            "--drill-down-top" => set(&mut r.drill_down_top, f, flags.value(f)?)?,
            "--csv-raw" => {
                flags.no_value(f)?;
                r.csv_raw = true;
            }
            _ => return Err(Usage(format!("unknown option {f} for report"))),
        }
    }
    let has_inputs = r.tickets.is_some()
        || r.events.is_some()
        || r.surveys.is_some()
        || r.customers.is_some()
        || r.costs.is_some();
    if r.demo && (has_inputs || r.preset.is_some()) {
        return Err(Usage(
            "--demo reads the bundled data: leave out --tickets, --events, --surveys, \
             --customers, --costs and --preset"
                .into(),
        ));
    }
    if !r.demo && !has_inputs {
        return Err(Usage(
            "report needs an input: --tickets FILE (or --events, --surveys, ...), or --demo".into(),
        ));
    }
    Ok(Command::Report(Box::new(r)))
}

fn parse_generate(args: &[OsString]) -> Result<Command, Usage> {
    let mut g = GenerateArgs::default();
    let mut flags = Flags::new(args);
    while let Some(flag) = flags.next_flag()? {
        let f = flag.as_str();
        match f {
            "-h" | "--help" => return Ok(Command::Help),
            "--tickets" => set(&mut g.tickets, f, flags.value(f)?)?,
            "--seed" => set(&mut g.seed, f, flags.value(f)?)?,
            "--start" => set(&mut g.start, f, flags.value(f)?)?,
            "--days" => set(&mut g.days, f, flags.value(f)?)?,
            "--tz" => set(&mut g.tz, f, flags.value(f)?)?,
            "--customers" => set(&mut g.customers, f, flags.value(f)?)?,
            "--format" => set(&mut g.format, f, flags.value(f)?)?,
            "--no-events" => {
                flags.no_value(f)?;
                g.no_events = true;
            }
            "--out" | "-o" => set(&mut g.out, f, flags.path(f)?)?,
            _ => return Err(Usage(format!("unknown option {f} for generate"))),
        }
    }
    if g.tickets.is_none() {
        return Err(Usage("generate needs --tickets N".into()));
    }
    if g.out.is_none() {
        return Err(Usage("generate needs --out DIR".into()));
    }
    Ok(Command::Generate(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<OsString> {
        s.iter().map(OsString::from).collect()
    }

    #[test]
    fn both_value_spellings() {
        let Ok(Command::Report(r)) = parse(&args(&[
            "report",
            "--tickets=t.csv",
            "--period",
            "week",
            "-o",
            "out.html",
        ])) else {
            panic!()
        };
        assert_eq!(r.tickets, Some("t.csv".into()));
        assert_eq!(r.period.as_deref(), Some("week"));
        assert_eq!(r.output, Some("out.html".into()));
    }

    #[test]
    fn usage_errors() {
        for bad in [
            &["report"][..],
            &["report", "--demo", "--tickets", "t.csv"],
            &["report", "--tickets"],
            &["report", "--tickets", "a", "--tickets", "b"],
            &["report", "--tickets", "a", "--colour"],
            &["report", "--demo=yes"],
            &["generate", "--out", "d"],
            &["frobnicate"],
            &[],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn file_names_need_not_be_text_other_values_must() {
        use std::os::unix::ffi::OsStringExt;
        let name = OsString::from_vec(b"t\xff.csv".to_vec());
        let mut given = args(&["report", "--tickets"]);
        given.push(name.clone());
        let Ok(Command::Report(r)) = parse(&given) else {
            panic!()
        };
        assert_eq!(r.tickets, Some(PathBuf::from(name.clone())));
        let mut eq = b"--tickets=".to_vec();
        eq.extend_from_slice(name.as_encoded_bytes());
        let Ok(Command::Report(r)) = parse(&[OsString::from("report"), OsString::from_vec(eq)])
        else {
            panic!()
        };
        assert_eq!(r.tickets, Some(PathBuf::from(name.clone())));
        let mut bad = args(&["report", "--tickets", "t.csv", "--period"]);
        bad.push(name);
        let Err(Usage(msg)) = parse(&bad) else {
            panic!()
        };
        assert!(msg.contains("not valid UTF-8"), "{msg}");
    }
}
