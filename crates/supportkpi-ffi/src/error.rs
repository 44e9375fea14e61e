//! The panic boundary, the thread's last error message, and `supportkpi_error_message`.

use crate::arg;
use crate::result::supportkpi_result;
use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{self, AssertUnwindSafe};

/// A failure on its way to C: the code to return and the message to keep for the thread.
#[derive(Debug)]
pub(crate) struct FfiError {
    code: supportkpi_result,
    message: String,
}

impl FfiError {
    pub(crate) fn new(code: supportkpi_result, message: impl Into<String>) -> Self {
        FfiError {
            code,
            message: message.into(),
        }
    }

    /// The code the call returns.
    pub(crate) fn code(&self) -> supportkpi_result {
        self.code
    }

    /// The message the thread keeps.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// A NULL where a pointer is required; names the parameter as the header does.
    pub(crate) fn null(param: &str) -> Self {
        FfiError::new(supportkpi_result::NullPointer, format!("{param} is NULL"))
    }

    /// A core error about one argument (or one element of an array argument), which the
    /// message names first so that a C caller knows where to look.
    pub(crate) fn at(place: impl std::fmt::Display, err: supportkpi::Error) -> Self {
        FfiError::new(
            supportkpi_result::of_kind(err.kind()),
            format!("{place}: {err}"),
        )
    }
}

impl From<supportkpi::Error> for FfiError {
    fn from(err: supportkpi::Error) -> Self {
        FfiError::new(supportkpi_result::of_kind(err.kind()), err.to_string())
    }
}

thread_local! {
    /// The message of the last call on this thread that returns a `supportkpi_result`: empty
    /// after a success. Per thread so that concurrent callers never see each other's errors.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(message: String) {
    // `try_with` fails only while the thread is being torn down; there is nobody left to read
    // the message then.
    let _ = LAST_ERROR.try_with(|m| *m.borrow_mut() = message);
}

/// Runs the body of an export: catches a panic, keeps the message, returns the code.
///
/// Output parameters are written only by the body's last step, after every fallible step, so a
/// failure or a panic leaves them as the caller set them.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), FfiError>) -> supportkpi_result {
    // AssertUnwindSafe: after a panic nothing the body touched is looked at again; the only
    // state that outlives the call is the message written below.
    let outcome = panic::catch_unwind(AssertUnwindSafe(body));
    let (code, message) = match outcome {
        Ok(Ok(())) => (supportkpi_result::Ok, String::new()),
        Ok(Err(e)) => (e.code, e.message),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with a non-text payload".to_owned());
            (
                supportkpi_result::Panic,
                format!("supportkpi panicked (a bug; please report it): {what}"),
            )
        }
    };
    set_last_error(message);
    code
}

/// Runs the body of an export that returns no result (the `_free` functions): a panic is
/// caught and dropped, because there is no way to report it and unwinding into C is undefined.
pub(crate) fn guard_void(body: impl FnOnce()) {
    // AssertUnwindSafe: as in `guard`, nothing is looked at after a panic.
    let _ = panic::catch_unwind(AssertUnwindSafe(body));
}

/// Copies the thread's last error message into `buf`, NUL-terminated.
///
/// The message describes the last call on this thread that returned a `supportkpi_result`
/// (other than this function): empty after a success, otherwise one line naming the argument,
/// record, field, value and rule involved, e.g. `scores[3]: score: field score = "11": an NPS
/// score is on the 0-10 scale`. It is kept per thread, so calls on other threads do not change
/// it, and this function never changes it (reading it twice gives the same text).
///
/// At most `buf_len - 1` bytes are copied, cut at a UTF-8 character boundary, then a NUL.
/// `*out_len` receives the full length of the message in bytes, without the NUL: when it is
/// `>= buf_len` the copy was cut short, and a buffer of `*out_len + 1` bytes holds all of it.
///
/// Returns `SUPPORTKPI_RESULT_OK`, `..._NULL_POINTER` when `buf` or `out_len` is NULL, or
/// `..._INVALID_ARGUMENT` when `buf_len` is 0; on failure nothing is written.
///
/// Ownership: the caller owns `buf` and `out_len`; the library keeps no pointer to them.
///
/// # Safety
///
/// `buf` must be valid for writes of `buf_len` bytes and `out_len` for one `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_error_message(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> supportkpi_result {
    // Not `guard`: that would replace the very message the caller is asking for.
    let outcome = panic::catch_unwind(|| {
        if buf.is_null() || out_len.is_null() {
            return supportkpi_result::NullPointer;
        }
        if buf_len == 0 {
            return supportkpi_result::InvalidArgument;
        }
        let copied = LAST_ERROR.try_with(|m| {
            let m = m.borrow();
            let mut n = m.len().min(buf_len - 1);
            while !m.is_char_boundary(n) {
                n -= 1;
            }
            // SAFETY: the caller guarantees `buf` is writable for `buf_len` bytes and
            // `n + 1 <= buf_len`; the message is a separate Rust allocation, so the two do not
            // overlap. `out_len` is non-NULL and writable per the caller's contract.
            unsafe {
                std::ptr::copy_nonoverlapping(m.as_ptr(), buf.cast::<u8>(), n);
                buf.add(n).write(0);
                arg::write(out_len, m.len());
            }
        });
        match copied {
            Ok(()) => supportkpi_result::Ok,
            Err(_) => supportkpi_result::Other,
        }
    });
    outcome.unwrap_or(supportkpi_result::Panic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> String {
        let mut buf = [0 as c_char; 256];
        let mut len = 0usize;
        // SAFETY: a 256-byte buffer and a usize, both live for the call.
        let r = unsafe { supportkpi_error_message(buf.as_mut_ptr(), buf.len(), &mut len) };
        assert_eq!(r, supportkpi_result::Ok);
        // SAFETY: supportkpi_error_message NUL-terminated the buffer.
        let s = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        s.to_str().unwrap().to_owned()
    }

    #[test]
    fn a_panic_is_caught_reported_and_named() {
        let r = guard(|| panic!("boom {}", 42));
        assert_eq!(r, supportkpi_result::Panic);
        let m = message();
        assert!(m.contains("panicked") && m.contains("boom 42"), "{m}");
        assert_eq!(guard(|| Ok(())), supportkpi_result::Ok);
        assert_eq!(message(), "");
        guard_void(|| panic!("swallowed"));
    }

    #[test]
    fn messages_are_per_thread() {
        let r = guard(|| Err(FfiError::null("here")));
        assert_eq!(r, supportkpi_result::NullPointer);
        std::thread::spawn(|| {
            assert_eq!(message(), "");
            let _ = guard(|| Err(FfiError::null("there")));
            assert_eq!(message(), "there is NULL");
        })
        .join()
        .unwrap();
        assert_eq!(message(), "here is NULL");
    }
}
