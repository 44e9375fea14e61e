//! The C ABI of supportkpi: `libsupportkpi.so` / `libsupportkpi.a` and `include/supportkpi.h`.
//!
//! Every export is `extern "C"`, checks its pointers and lengths, runs the library under a panic
//! boundary and reports failures as a numbered [`supportkpi_result`] plus a thread-local message.
//! The conventions are written for C readers in the header's preamble (`cbindgen.toml`); the
//! header is generated from this crate and checked in, and `tests/header.rs` fails when they
//! drift apart.
//!
//! The Rust names are the C names (`supportkpi_calendar`, not `SupportkpiCalendar`) so that the
//! generated header needs no renaming table and a C symbol can be found in the source by grep.
//!
//! # Adding an export
//!
//! Every export follows the same steps (`report.rs` is a worked example with a handle, column
//! arrays and a JSON request):
//!
//! 1. `#[unsafe(no_mangle)] pub unsafe extern "C" fn supportkpi_…(…) -> supportkpi_result`
//!    whose whole body is `error::guard(|| { … })`, so that panics are caught and the thread's
//!    message is set;
//! 2. inside, first `arg::out` on every output pointer, then `arg::text` / `arg::slice` for the
//!    inputs, then the core call (`?` turns a `supportkpi::Error` into its numbered code; use
//!    `FfiError::at` to name the argument), and only last `arg::write` the outputs — strings
//!    through `string::into_c`, freed by the caller with `supportkpi_string_free`;
//! 3. a doc comment that says what it returns on which failure and who owns what (cbindgen
//!    copies it into the header);
//! 4. `pub use` it here, regenerate the header (`SUPPORTKPI_BLESS=1 cargo test -p
//!    supportkpi-ffi --test header`), and add C tests under `tests/c/` for its values and every
//!    error path.
//!
//! New failure classes get new, never reused, numbers in [`supportkpi_result`].

#![allow(non_camel_case_types)]

mod arg;
mod calendar;
mod error;
#[cfg(test)]
mod fuzz_corpus;
mod report;
mod request;
mod result;
mod state;
mod string;
mod survey;

pub use calendar::{
    supportkpi_calendar, supportkpi_calendar_business_seconds, supportkpi_calendar_free,
    supportkpi_calendar_new, supportkpi_calendar_to_string,
};
pub use error::supportkpi_error_message;
pub use report::{
    SUPPORTKPI_REPORT_NO_FILES, fuzz_report_request, supportkpi_report, supportkpi_report_arrow,
    supportkpi_report_finish_json, supportkpi_report_free, supportkpi_report_json,
    supportkpi_report_json_with, supportkpi_report_new, supportkpi_report_push_scores,
    supportkpi_report_push_tickets, supportkpi_survey_kind, supportkpi_ticket_columns,
};
pub use result::{supportkpi_result, supportkpi_result_name};
pub use state::{
    supportkpi_state_combine, supportkpi_state_free, supportkpi_state_json,
    supportkpi_state_merge_json,
};
pub use string::supportkpi_string_free;
pub use survey::{
    supportkpi_ces, supportkpi_ces_result, supportkpi_ces_scale, supportkpi_csat,
    supportkpi_csat_options, supportkpi_csat_options_default, supportkpi_csat_result,
    supportkpi_interval, supportkpi_metric, supportkpi_nps, supportkpi_nps_options,
    supportkpi_nps_options_default, supportkpi_nps_result,
};

/// The library version as a static NUL-terminated string ("0.1.0").
///
/// Ownership: the string is static and owned by the library; do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn supportkpi_version() -> *const std::ffi::c_char {
    // A constant: there is nothing here that could unwind.
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
