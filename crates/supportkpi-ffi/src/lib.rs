//! The C ABI of supportkpi. Every export is `extern "C"`, checks its pointers and never unwinds.

/// The library version as a static NUL-terminated string; the caller must not free it.
#[unsafe(no_mangle)]
pub extern "C" fn supportkpi_version() -> *const std::ffi::c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
