//! The `supportkpi` command: helpdesk exports in, a KPI report out.
//!
//! Thin on purpose: it parses flags, calls `supportkpi::io::load` and `Report::compute`, and
//! formats what they return (table, JSON, CSV, a self-contained HTML page). Every number comes
//! from the core library.

mod args;
mod charts;
mod generate;
mod html;
mod input;
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

/// `supportkpi presets`: the core's one list of presets, with what each reads and fills.
fn presets_listing() -> String {
    let mut out = String::new();
    for p in supportkpi::io::Preset::ALL {
        out.push_str(&format!(
            "{}\n  reads: {}\n  fills: {}\n",
            p,
            p.describe(),
            p.fills().join(", ")
        ));
    }
    out.push_str(
        "Without --preset, a tickets file whose header (or JSON keys) matches one preset is read \
         with it.\n",
    );
    out
}

/// Writes all of `text` to standard output and flushes it. A full disk or a closed pipe is a
/// failure with its message (exit 1), never output lost with exit 0.
pub(crate) fn write_stdout(text: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    // A standard output closed before the start is not seen here: the Rust runtime opens
    // /dev/null in its place, as a shell's `>/dev/null` would.
    let fail = |e: std::io::Error| Failure::Input(format!("standard output: cannot write: {e}"));
    let mut out = std::io::stdout().lock();
    out.write_all(text).and_then(|()| out.flush()).map_err(fail)
}

/// Writes a line to standard error; a failure to do so is the caller's to turn into an exit
/// status, since there is nowhere left to say it.
pub(crate) fn write_stderr(line: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    writeln!(err, "{line}").and_then(|()| err.flush())
}

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let result = match args::parse(&argv) {
        Err(args::Usage(msg)) => Err(Failure::Usage(msg)),
        Ok(args::Command::Help) => write_stdout(args::USAGE.as_bytes()),
        Ok(args::Command::Version) => {
            write_stdout(format!("supportkpi {}\n", env!("CARGO_PKG_VERSION")).as_bytes())
        }
        Ok(args::Command::Report(r)) => report::run(*r, false),
        Ok(args::Command::Tickets(r)) => report::run(*r, true),
        Ok(args::Command::Generate(g)) => generate::run(g),
        Ok(args::Command::Presets) => write_stdout(presets_listing().as_bytes()),
    };
    // The status says what happened even when standard error cannot take the message.
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            let _ = write_stderr(&format!("supportkpi: {msg}"));
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            let _ = write_stderr(&format!(
                "supportkpi: {msg}\nRun `supportkpi --help` for the options."
            ));
            ExitCode::from(2)
        }
    }
}
