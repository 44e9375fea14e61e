//! Strings the library allocates for the caller, and `supportkpi_string_free`.

use crate::error::{FfiError, guard_void};
use crate::result::supportkpi_result;
use std::ffi::{CString, c_char};

/// Moves `text` into a NUL-terminated allocation the caller owns and frees with
/// `supportkpi_string_free` (never `free`: the two allocators need not be the same).
pub(crate) fn into_c(text: String) -> Result<*mut c_char, FfiError> {
    CString::new(text).map(CString::into_raw).map_err(|e| {
        FfiError::new(
            supportkpi_result::Other,
            format!(
                "the library produced text with a NUL byte at offset {}",
                e.nul_position()
            ),
        )
    })
}

/// Frees a string the library returned through a `char **` output parameter.
///
/// Accepts NULL (and does nothing), so a caller may free unconditionally.
///
/// Ownership: takes ownership of `s`; it must not be used afterwards.
///
/// # Safety
///
/// `s` must be NULL or a string returned by this library that has not been freed yet. Strings
/// from anywhere else, and the static strings of `supportkpi_version` and
/// `supportkpi_result_name`, must not be passed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    guard_void(|| {
        // SAFETY: `s` came from `CString::into_raw` in `into_c` and is freed once, per the
        // caller's contract.
        drop(unsafe { CString::from_raw(s) });
    });
}
