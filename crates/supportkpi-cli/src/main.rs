//! The `supportkpi` command: helpdesk exports in, a KPI report out.
//!
//! Thin on purpose: it parses flags, calls `supportkpi::io::load` and `Report::compute`, and
//! formats what they return (table, JSON, CSV, a self-contained HTML page). Every number comes
//! from the core library.

mod args;
mod charts;
mod generate;
mod html;
mod progress;
mod report;
mod table;

use std::process::ExitCode;

/// Why a command failed, which decides the exit status.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad input (an unreadable file, a bad record): exit 1.
    Input(String),
    /// Bad usage (an unknown flag, a bad option value): exit 2.
    Usage(String),
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match args::parse(&argv) {
        Err(args::Usage(msg)) => Err(Failure::Usage(msg)),
        Ok(args::Command::Help) => {
            print!("{}", args::USAGE);
            Ok(())
        }
        Ok(args::Command::Version) => {
            println!("supportkpi {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Ok(args::Command::Report(r)) => report::run(*r, false),
        Ok(args::Command::Tickets(r)) => report::run(*r, true),
        Ok(args::Command::Generate(g)) => generate::run(g),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("supportkpi: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("supportkpi: {msg}\nRun `supportkpi --help` for the options.");
            ExitCode::from(2)
        }
    }
}
