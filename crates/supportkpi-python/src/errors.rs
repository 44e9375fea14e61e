//! Core errors as Python exceptions.
//!
//! The exception classes live in the pure-Python `supportkpi._errors` (so they are documented,
//! typed and picklable like any Python class); this side only hands over the core error's parts
//! and lets `_from_native` pick the subclass by the kind's stable name.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use supportkpi::{Error, ErrorKind};

/// Every kind's stable name, from the core's [`ErrorKind::ALL`]: `_native.ERROR_KINDS`, which
/// the test suite checks against the subclasses of `supportkpi._errors`. A kind without its own
/// subclass still raises, as the base `sk.Error`.
pub(crate) fn kinds() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The Python exception for `err`; `index` is the item's position when it came from a sequence
/// of scores, so a user can find it in data that has no line numbers.
pub(crate) fn to_py(py: Python<'_>, err: &Error, index: Option<usize>) -> PyErr {
    // An item of a score list has no record or line to name; its position says it all.
    let message = match (index, err.value()) {
        (Some(i), Some(v)) => format!("scores[{i}] = {v}: {}", err.rule()),
        (Some(i), None) => format!("scores[{i}]: {}", err.rule()),
        (None, _) => err.to_string(),
    };
    build(py, err, index, &message).unwrap_or_else(|failure| {
        // Only reachable when the package is broken (say `_errors` was deleted); keep the
        // original message rather than surfacing the import failure alone.
        let e = PyValueError::new_err(message);
        e.set_cause(py, Some(failure));
        e
    })
}

fn build(py: Python<'_>, err: &Error, index: Option<usize>, message: &str) -> PyResult<PyErr> {
    let record = err.record();
    let record_type = record.map(|r| r.record_type).filter(|t| !t.is_empty());
    let exc = py
        .import("supportkpi._errors")?
        .getattr("_from_native")?
        .call1((
            err.kind().as_str(),
            message,
            err.rule(),
            record_type,
            record.and_then(|r| r.id.as_deref()),
            record.and_then(|r| r.line),
            err.field(),
            err.value(),
            index,
        ))?;
    Ok(PyErr::from_value(exc))
}

#[cfg(test)]
mod tests {
    use supportkpi::ErrorKind;

    #[test]
    fn every_kind_has_its_python_class() {
        // The classes are Python code this crate cannot import in a Rust test; their source
        // names each kind once, as `kind = "name"`, and pytest checks the same from Python.
        let source = include_str!("../python/supportkpi/_errors.py");
        for kind in ErrorKind::ALL {
            let line = format!("    kind = \"{}\"\n", kind.as_str());
            assert_eq!(
                source.matches(line.as_str()).count(),
                1,
                "supportkpi/_errors.py has no class (or several) for the kind {kind}"
            );
        }
        assert_eq!(super::kinds().len(), ErrorKind::ALL.len());
    }
}
