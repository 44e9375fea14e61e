//! The private compiled module `supportkpi._native`: it converts types and calls the core.
//!
//! Users import `supportkpi`, the typed pure-Python package that wraps these functions in
//! result classes and datetime handling; nothing here is a public API of its own.

use pyo3::prelude::*;

mod calendar;
mod errors;
mod prepared;
mod read;
mod report;
mod scores;
mod survey;

/// The compiled half of the `supportkpi` Python package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_KINDS", errors::kinds())?;
    m.add_function(wrap_pyfunction!(survey::nps, m)?)?;
    m.add_function(wrap_pyfunction!(survey::csat, m)?)?;
    m.add_function(wrap_pyfunction!(survey::ces, m)?)?;
    m.add_function(wrap_pyfunction!(survey::compare_nps, m)?)?;
    m.add_function(wrap_pyfunction!(survey::compare_csat, m)?)?;
    m.add_class::<calendar::PyBusinessCalendar>()?;
    m.add("REPORT_INPUTS", report::slots())?;
    m.add_function(wrap_pyfunction!(read::read_path, m)?)?;
    m.add_function(wrap_pyfunction!(read::read_table, m)?)?;
    m.add_class::<read::PyRecords>()?;
    m.add_function(wrap_pyfunction!(report::report, m)?)?;
    m.add_function(wrap_pyfunction!(report::partial, m)?)?;
    m.add_function(wrap_pyfunction!(report::merge, m)?)?;
    m.add_function(wrap_pyfunction!(report::combine, m)?)?;
    m.add_function(wrap_pyfunction!(report::bucket_of, m)?)?;
    m.add_function(wrap_pyfunction!(report::preset_id_columns, m)?)?;
    m.add_class::<report::PyReport>()?;
    m.add_function(wrap_pyfunction!(prepared::prepare, m)?)?;
    m.add_class::<prepared::PyPrepared>()?;
    m.add_function(wrap_pyfunction!(report::ticket_metrics, m)?)?;
    m.add_class::<report::PyTicketMetrics>()?;
    Ok(())
}
