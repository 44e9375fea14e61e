//! Core errors as Python exceptions.
//!
//! The exception classes live in the pure-Python `supportkpi._errors` (so they are documented,
//! typed and picklable like any Python class); this side only hands over the core error's parts
//! and lets `_from_native` pick the subclass by the kind's stable name.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use supportkpi::Error;

/// Every kind this build knows, by its stable name. `ErrorKind` is `#[non_exhaustive]`, so a
/// kind added to the core later still raises (as the base `sk.Error`); the test suite checks
/// that each name listed here has its own subclass, and this list is where a new kind is added.
pub(crate) const KINDS: &[&str] = &[
    "missing_field",
    "invalid_value",
    "invalid_timestamp",
    "negative_duration",
    "score_out_of_scale",
    "unknown_time_zone",
    "mixed_currencies",
    "duplicate_id",
    "unmapped_status",
    "invalid_calendar",
    "invalid_option",
    "incompatible_merge",
    "invalid_state",
    "io",
];

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
    use super::KINDS;
    use supportkpi::ErrorKind;

    #[test]
    fn kinds_are_the_cores_names() {
        // `ErrorKind` is non_exhaustive, so a new core kind cannot fail a match here; list
        // every kind this binding was written against and require each name in `KINDS`.
        let known = [
            ErrorKind::MissingField,
            ErrorKind::InvalidValue,
            ErrorKind::InvalidTimestamp,
            ErrorKind::NegativeDuration,
            ErrorKind::ScoreOutOfScale,
            ErrorKind::UnknownTimeZone,
            ErrorKind::MixedCurrencies,
            ErrorKind::DuplicateId,
            ErrorKind::UnmappedStatus,
            ErrorKind::InvalidCalendar,
            ErrorKind::InvalidOption,
            ErrorKind::IncompatibleMerge,
            ErrorKind::InvalidState,
            ErrorKind::Io,
        ];
        let names: Vec<&str> = known.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, KINDS);
    }
}
