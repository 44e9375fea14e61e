//! `prepare`: the inputs read once and held as the core's tables, for any number of reports
//! (`Prepared.report`) — what a Rust user has by keeping a `ColumnarInput`.
//!
//! Reading is `report`'s own (`report::gather`); only what reading takes from the report
//! options (`report::READ_WITH`: the survey scales) and the zone naive times are read in are
//! fixed here, and a report that asks for other scales is refused rather than computed on
//! scores checked against the wrong ones.

use crate::calendar::PyBusinessCalendar;
use crate::read::ReadArgs;
use crate::report::{self, Held, PyReport, PyTicketMetrics, READ_WITH, Reading, Source, py_err};
use pyo3::prelude::*;
use serde_json::{Map, Value};
use std::sync::Arc;
use supportkpi::report::ReportOptions;
use supportkpi::{Error, ErrorKind};

/// The inputs read once; `supportkpi.Prepared` wraps it.
///
/// Frozen and shared: every report borrows the tables. The one state a report may build in
/// them (a customers column interned on first use) sits behind a `OnceLock`, so reports on
/// several threads at once are sound.
#[pyclass(frozen, module = "supportkpi._native", name = "Prepared")]
pub(crate) struct PyPrepared {
    held: Held,
    reading: Arc<Reading>,
    /// The zone naive input times were read in: the reports' zone unless one names another.
    zone: String,
    /// `prepare`'s options as given (only [`READ_WITH`] names): each report's, unless it
    /// gives its own.
    read_with: Map<String, Value>,
    /// The same, as the options the inputs were read with.
    read_options: ReportOptions,
}

/// `prepare`'s options: an object of [`READ_WITH`] names only. A report option here would be
/// ignored by every report, so it is refused.
fn reading_options(options_json: &str) -> Result<Map<String, Value>, Error> {
    let Value::Object(map) = report::options_value(options_json)? else {
        return Err(
            Error::new(ErrorKind::InvalidOption, "prepare's options are a dict")
                .with_field("options"),
        );
    };
    if let Some(name) = map.keys().find(|k| !READ_WITH.contains(&k.as_str())) {
        let rule = format!(
            "prepare(options=...) takes only the options reading applies ({}); {name:?} is a \
             report option: pass it to Prepared.report",
            READ_WITH.join(", ")
        );
        return Err(Error::new(ErrorKind::InvalidOption, rule)
            .with_field("options")
            .with_value(name));
    }
    Ok(map)
}

#[pyfunction]
pub(crate) fn prepare(
    py: Python<'_>,
    inputs: Vec<(String, Source<'_>)>,
    read_options: ReadArgs,
    options_json: &str,
) -> PyResult<PyPrepared> {
    let read_with = reading_options(options_json).map_err(py_err(py))?;
    let zone = read_options.timezone().to_owned();
    // The period is no part of reading; the default stands in.
    let options = report::options_of(Value::Object(read_with.clone()), "month", &zone, None)
        .map_err(py_err(py))?;
    let (held, reading) = report::gather(py, inputs, &read_options, &options)?.split();
    Ok(PyPrepared {
        held,
        reading: Arc::new(reading),
        zone,
        read_with,
        read_options: options,
    })
}

impl PyPrepared {
    /// A report's options over these inputs: `prepare`'s reading options unless it gives its
    /// own, which must read as they did.
    fn options(
        &self,
        options_json: &str,
        period: &str,
        timezone: Option<&str>,
        calendar: Option<&PyBusinessCalendar>,
    ) -> Result<ReportOptions, Error> {
        let mut value = report::options_value(options_json)?;
        if let Value::Object(map) = &mut value {
            for (name, v) in &self.read_with {
                map.entry(name.as_str()).or_insert_with(|| v.clone());
            }
        }
        let zone = timezone.unwrap_or(&self.zone);
        let options = report::options_of(value, period, zone, calendar)?;
        if let Some((name, read, asked)) = report::read_differently(&self.read_options, &options) {
            let rule = format!(
                "options[{name:?}]: the {upper} scale was fixed at prepare(), which read with \
                 the range {read}; this report's scale is {asked}. Leave {name} out of the \
                 report's options (or give a scale of the same range), or prepare again with \
                 options={{{name:?}: ...}}",
                upper = name.to_uppercase()
            );
            return Err(Error::new(ErrorKind::InvalidOption, rule)
                .with_field(name)
                .with_value(asked));
        }
        Ok(options)
    }

    /// `f` of the held tables and the options a call asks for (its options' JSON, period,
    /// zone and calendar), the GIL released while it computes.
    fn compute<T: Send>(
        &self,
        py: Python<'_>,
        asked: (&str, &str, Option<&str>, Option<&PyBusinessCalendar>),
        f: impl FnOnce(&Held, &ReportOptions) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        let (options_json, period, timezone, calendar) = asked;
        let options = self
            .options(options_json, period, timezone, calendar)
            .map_err(py_err(py))?;
        py.detach(|| f(&self.held, &options)).map_err(py_err(py))
    }
}

#[pymethods]
impl PyPrepared {
    /// The report on the held tables (borrowed: report again at will), the GIL released.
    #[pyo3(signature = (options_json, period, timezone=None, calendar=None))]
    fn report(
        &self,
        py: Python<'_>,
        options_json: &str,
        period: &str,
        timezone: Option<&str>,
        calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    ) -> PyResult<PyReport> {
        let asked = (options_json, period, timezone, calendar.as_deref());
        let report = self.compute(py, asked, |held, o| held.report(o))?;
        Ok(PyReport::new(report, Arc::clone(&self.reading)))
    }

    /// The per-ticket table on the held tables (borrowed), the GIL released.
    #[pyo3(signature = (options_json, period, timezone=None, calendar=None))]
    fn ticket_metrics(
        &self,
        py: Python<'_>,
        options_json: &str,
        period: &str,
        timezone: Option<&str>,
        calendar: Option<PyRef<'_, PyBusinessCalendar>>,
    ) -> PyResult<PyTicketMetrics> {
        let asked = (options_json, period, timezone, calendar.as_deref());
        let table = self.compute(py, asked, |held, o| held.ticket_metrics(o))?;
        Ok(PyTicketMetrics::new(table))
    }

    /// `(source, line, error)` for every record a lenient read rejected.
    fn rejected<'py>(&self, py: Python<'py>) -> Vec<(String, u64, Bound<'py, PyAny>)> {
        self.reading.rejected(py)
    }

    fn read(&self) -> Vec<(String, u64)> {
        self.reading.read()
    }

    /// How many records the read rejected, without building their errors.
    fn rejected_count(&self) -> usize {
        self.reading.rejected_count()
    }

    /// Records held per kind.
    fn held(&self) -> Vec<(&'static str, usize)> {
        report::kinds(&self.held).to_vec()
    }

    /// Whether the tickets and responses are held as columns (else as records: event logs).
    #[getter]
    fn columnar(&self) -> bool {
        matches!(self.held, Held::Columns(_))
    }

    #[getter]
    fn timezone(&self) -> &str {
        &self.zone
    }

    /// `prepare`'s options (the core's serde form, JSON).
    fn options_json(&self) -> String {
        Value::Object(self.read_with.clone()).to_string()
    }
}
