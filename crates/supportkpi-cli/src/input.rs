//! The files a report reads, as the core's columnar tables whenever they have that form
//! (`io::load_columnar`: summary tickets and surveys, in less time and memory) and else as
//! records (`io::load`: event logs, ServiceNow, per-team calendars, the per-ticket table),
//! held in the core's [`HeldInput`], which reports by the engine of its form.

use supportkpi::Error;
use supportkpi::io::{Loaded, LoadedColumnar, ReadOptions, Sources, load, load_columnar};
use supportkpi::report::HeldInput;

/// What a read gives: the input, and as [`Loaded`] and [`LoadedColumnar`] hold them the
/// rejects, the counts read and the preset.
pub(crate) struct Read {
    pub(crate) input: HeldInput,
    pub(crate) rejected: Vec<supportkpi::io::SourceRejected>,
    pub(crate) read: Vec<(supportkpi::io::SourceKind, u64)>,
    pub(crate) preset: Option<supportkpi::io::Preset>,
    pub(crate) detected: bool,
}

impl From<Loaded> for Read {
    fn from(l: Loaded) -> Read {
        Read {
            input: HeldInput::Rows(l.input),
            rejected: l.rejected,
            read: l.read,
            preset: l.preset,
            detected: l.detected,
        }
    }
}

impl From<LoadedColumnar> for Read {
    fn from(l: LoadedColumnar) -> Read {
        Read {
            input: HeldInput::Columns(Box::new(l.input)),
            rejected: l.rejected,
            read: l.read,
            preset: l.preset,
            detected: l.detected,
        }
    }
}

/// Reads the files: into columns when `columns` allows it and the files have that form, else
/// into records.
///
/// The columnar reader refuses what only the records hold (an event log, a ServiceNow export,
/// an instant outside 1677–2262); any refusal, or any other error, hands the files to the
/// record reader, whose result (or error, with the readers' one-line context) is the one
/// given. The two readers share their rules, so a file both read gives the same records and
/// rejects.
///
/// # Errors
/// Those of `io::load`.
pub(crate) fn read(sources: &Sources, options: &ReadOptions, columns: bool) -> Result<Read, Error> {
    if columns && sources.events.is_none() {
        if let Ok(loaded) = load_columnar(sources, options) {
            return Ok(loaded.into());
        }
    }
    load(sources, options).map(Read::from)
}
