//! The records a report reads, as the core's columnar tables whenever the input has that form
//! (`io::load_columnar`: summary tickets and surveys, in less time and memory) and else as
//! records (`io::load`: event logs, ServiceNow, per-team calendars, the per-ticket table).
//! Both engines give the same report; the renderers ask this what the input holds.

use supportkpi::columnar::{ColumnarInput, Dictionary};
use supportkpi::io::{Loaded, LoadedColumnar, ReadOptions, Sources, load, load_columnar};
use supportkpi::model::SurveyKind;
use supportkpi::report::filter::{check_columnar_fields, check_fields};
use supportkpi::report::{Report, ReportInput, ReportOptions};
use supportkpi::{Customer, Error};

/// The input in the form it was read.
#[derive(Debug)]
pub(crate) enum Input {
    Rows(ReportInput),
    Columns(Box<ColumnarInput>),
}

/// What a read gives besides the input: as [`Loaded`] and [`LoadedColumnar`] hold it.
pub(crate) struct Read {
    pub(crate) input: Input,
    pub(crate) rejected: Vec<supportkpi::io::SourceRejected>,
    pub(crate) read: Vec<(supportkpi::io::SourceKind, u64)>,
    pub(crate) preset: Option<supportkpi::io::Preset>,
    pub(crate) detected: bool,
}

impl From<Loaded> for Read {
    fn from(l: Loaded) -> Read {
        Read {
            input: Input::Rows(l.input),
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
            input: Input::Columns(Box::new(l.input)),
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

/// Whether any code of `d` names a value.
fn any_value(d: &Dictionary) -> bool {
    d.codes().iter().any(|&c| c != Dictionary::NONE)
}

impl Input {
    /// The doors' check of `by` and `where`: names the input has, a single `by` too.
    pub(crate) fn check_fields(&self, options: &ReportOptions) -> Result<(), Error> {
        match self {
            Input::Rows(i) => check_fields(i, options),
            Input::Columns(i) => check_columnar_fields(i, options),
        }
    }

    /// The report, by the engine of the input's form.
    pub(crate) fn compute(&self, options: &ReportOptions) -> Result<Report, Error> {
        match self {
            Input::Rows(i) => Report::compute(i, options),
            Input::Columns(i) => Report::compute_columnar(i, options),
        }
    }

    pub(crate) fn has_histories(&self) -> bool {
        matches!(self, Input::Rows(i) if !i.histories.is_empty())
    }

    /// Whether there are summary tickets (not histories).
    pub(crate) fn has_summary_tickets(&self) -> bool {
        match self {
            Input::Rows(i) => !i.tickets.is_empty(),
            Input::Columns(i) => !i.tickets.is_empty(),
        }
    }

    pub(crate) fn has_surveys_of(&self, kind: SurveyKind) -> bool {
        match self {
            Input::Rows(i) => i.surveys.iter().any(|s| s.kind() == kind),
            Input::Columns(i) => i.surveys.kind().contains(&kind),
        }
    }

    pub(crate) fn has_costs(&self) -> bool {
        match self {
            Input::Rows(i) => !i.costs.is_empty(),
            Input::Columns(i) => !i.costs.is_empty(),
        }
    }

    pub(crate) fn customers(&self) -> &[Customer] {
        match self {
            Input::Rows(i) => &i.customers,
            Input::Columns(i) => &i.customers,
        }
    }

    /// Whether some ticket has a value of `channel`, `priority` or `customer_id`.
    pub(crate) fn any_ticket_has(&self, field: &str) -> bool {
        match self {
            Input::Rows(i) => i
                .tickets
                .iter()
                .chain(i.histories.iter().map(|h| h.ticket()))
                .any(|t| t.dimension(field).is_some()),
            Input::Columns(i) => {
                let t = &i.tickets;
                match field {
                    "channel" => any_value(t.channel()),
                    "priority" => any_value(t.priority()),
                    "team" => any_value(t.team()),
                    "assignee" => any_value(t.assignee()),
                    "customer_id" => any_value(t.customer_id()),
                    other => t.dimension(other).is_some_and(any_value),
                }
            }
        }
    }
}
