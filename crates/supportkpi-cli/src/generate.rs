//! `supportkpi generate`: the synthetic data set at a chosen size and seed, in files.

use crate::Failure;
use crate::args::GenerateArgs;
use crate::progress::Spinner;
use crate::report::one_line;
use crate::table::thousands;
use chrono::NaiveDate;
use supportkpi::io::Format;
use supportkpi_synth::{Synth, SynthOptions, WriteOptions};

fn number(flag: &str, text: &str) -> Result<u64, Failure> {
    text.replace('_', "")
        .parse()
        .map_err(|_| Failure::Usage(format!("{flag} {text:?}: expected a whole number")))
}

pub(crate) fn run(g: GenerateArgs) -> Result<(), Failure> {
    let tickets = number("--tickets", g.tickets.as_deref().unwrap_or_default())?;
    let mut options = SynthOptions::new(tickets);
    if let Some(s) = &g.seed {
        options = options.seed(number("--seed", s)?);
    }
    if let Some(s) = &g.start {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| Failure::Usage(format!("--start {s:?}: expected a date YYYY-MM-DD")))?;
        options = options.start(d);
    }
    if let Some(s) = &g.days {
        let days = number("--days", s)?;
        options = options.days(u32::try_from(days).unwrap_or(u32::MAX));
    }
    if let Some(z) = &g.tz {
        options = options
            .zone(z)
            .map_err(|e| Failure::Usage(format!("--tz: {}", one_line(&e))))?;
    }
    if let Some(s) = &g.customers {
        options = options.customers(number("--customers", s)?);
    }
    let format = match g.format.as_deref().unwrap_or("csv") {
        "csv" => Format::Csv,
        "jsonl" | "ndjson" => Format::JsonLines,
        "parquet" => Format::Parquet,
        other => {
            return Err(Failure::Usage(format!(
                "--format {other:?}: expected csv, jsonl or parquet"
            )));
        }
    };
    let synth = Synth::new(options).map_err(|e| Failure::Usage(one_line(&e)))?;
    let out = g.out.unwrap_or_default();
    let bar = Spinner::with_total(format!("writing {}", out.display()), tickets.max(1));
    let written = synth
        .write(
            &out,
            &WriteOptions::new().format(format).events(!g.no_events),
            &mut |n| bar.set(n),
        )
        .map_err(|e| Failure::Input(one_line(&e)))?;
    drop(bar);
    let mut listing = String::new();
    for (path, n) in &written.files {
        listing += &format!("{:>12}  {}\n", thousands(*n), path.display());
    }
    crate::write_stdout(listing.as_bytes())
}
