//! The private compiled module `supportkpi._native`: it converts types and calls the core.
use pyo3::prelude::*;

/// The compiled half of the `supportkpi` Python package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
