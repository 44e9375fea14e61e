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

#![allow(non_camel_case_types)]

mod arg;
mod calendar;
mod error;
mod result;
mod string;
mod survey;

pub use calendar::{
    supportkpi_calendar, supportkpi_calendar_business_seconds, supportkpi_calendar_free,
    supportkpi_calendar_new, supportkpi_calendar_to_string,
};
pub use error::supportkpi_error_message;
pub use result::{supportkpi_result, supportkpi_result_name};
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
