//! Turning C arguments into Rust values, with the NULL, length and UTF-8 checks every export
//! makes, and writing output parameters.

use crate::error::FfiError;
use crate::result::supportkpi_result;
use std::ffi::{CStr, c_char};

/// The `len` elements at `ptr`. A NULL `ptr` is allowed only with `len == 0` (an empty array),
/// because C callers commonly pass `NULL, 0` for "none".
///
/// # Safety
/// When `len > 0`, `ptr` must point to `len` initialized, aligned `T`s that stay valid and
/// unmodified for `'a`.
pub(crate) unsafe fn slice<'a, T>(
    ptr: *const T,
    len: usize,
    param: &str,
) -> Result<&'a [T], FfiError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(param));
    }
    // from_raw_parts requires the whole array to span at most isize::MAX bytes; a larger
    // length is a caller bug (a negative number cast to size_t, typically), never real data.
    if len > isize::MAX as usize / size_of::<T>().max(1) {
        return Err(FfiError::new(
            supportkpi_result::InvalidArgument,
            format!("the length of {param} ({len}) is larger than any array can be"),
        ));
    }
    // SAFETY: non-NULL, the length is addressable, and the caller guarantees `len` valid,
    // aligned elements living for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The NUL-terminated UTF-8 text at `ptr`.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string that stays valid and unmodified for
/// `'a`.
pub(crate) unsafe fn text<'a>(ptr: *const c_char, param: &str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::null(param));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map_err(|e| {
        FfiError::new(
            supportkpi_result::InvalidArgument,
            format!(
                "{param} is not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Checks that an output parameter can be written, before any work is done, so that a NULL
/// is reported as such rather than after a computation whose result has nowhere to go.
pub(crate) fn out<T>(ptr: *mut T, param: &str) -> Result<(), FfiError> {
    if ptr.is_null() {
        Err(FfiError::null(param))
    } else {
        Ok(())
    }
}

/// Writes an output parameter (checked with [`out`] first).
///
/// # Safety
/// `ptr` must be non-NULL, aligned and valid for one write of `T`.
pub(crate) unsafe fn write<T>(ptr: *mut T, value: T) {
    // `write`, not assignment: the caller's memory may be uninitialized, and assigning would
    // drop whatever garbage was there.
    // SAFETY: per the caller's contract.
    unsafe { ptr.write(value) }
}
