//! The private compiled module `supportkpi._native`: it converts types and calls the core.
//!
//! Users import `supportkpi`, the typed pure-Python package that wraps these functions in
//! result classes and datetime handling; nothing here is a public API of its own.

use pyo3::prelude::*;

mod calendar;
mod errors;
mod scores;
mod survey;

/// The compiled half of the `supportkpi` Python package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_KINDS", errors::KINDS.to_vec())?;
    m.add_function(wrap_pyfunction!(survey::nps, m)?)?;
    m.add_function(wrap_pyfunction!(survey::csat, m)?)?;
    m.add_function(wrap_pyfunction!(survey::ces, m)?)?;
    m.add_function(wrap_pyfunction!(survey::compare_nps, m)?)?;
    m.add_function(wrap_pyfunction!(survey::compare_csat, m)?)?;
    m.add_class::<calendar::PyBusinessCalendar>()?;
    Ok(())
}
