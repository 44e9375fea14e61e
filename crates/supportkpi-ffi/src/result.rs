//! The numbered result of every fallible export, and its mapping from the core's error kinds.

use std::ffi::c_char;
use supportkpi::ErrorKind;

/// What a call returned: `SUPPORTKPI_RESULT_OK` (0) or the class of its failure.
///
/// The numbers are part of the ABI: they never change and are never reused; new classes get new
/// numbers. 1–99 are failures found at the C boundary (a NULL, a bad length, a panic); 100 and
/// up are one per error kind of the library, in the order the library lists them, named as
/// `supportkpi_result_name` prints them. The thread's last error message
/// (`supportkpi_error_message`) says which argument, record, field, value and rule.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum supportkpi_result {
    /// Success; output parameters have been written.
    Ok = 0,
    /// A required pointer argument was NULL (or an array pointer was NULL with a non-zero
    /// length).
    NullPointer = 1,
    /// An argument is unusable as given: text that is not UTF-8, an array length too large to
    /// address, a zero-length output buffer.
    InvalidArgument = 2,
    /// The library panicked (a bug in supportkpi, please report it); the panic was caught and
    /// no output parameter was written.
    Panic = 3,
    /// A failure of a class this table has no number for.
    Other = 4,
    /// A JSON text is malformed or does not have the shape the call expects.
    InvalidJson = 5,
    /// A required field is absent or empty.
    MissingField = 100,
    /// A value could not be parsed or is not allowed for its field.
    InvalidValue = 101,
    /// A timestamp could not be parsed, or an instant lies outside the supported range
    /// (roughly ±262,000 years around 1970).
    InvalidTimestamp = 102,
    /// An end instant lies before its start (a response or resolution before creation).
    NegativeDuration = 103,
    /// A survey score lies outside its scale.
    ScoreOutOfScale = 104,
    /// A time zone name is not a known IANA zone.
    UnknownTimeZone = 105,
    /// Amounts in different currencies were combined.
    MixedCurrencies = 106,
    /// Two records share an id that must be unique.
    DuplicateId = 107,
    /// A status name in the data has no entry in the status map.
    UnmappedStatus = 108,
    /// A business calendar (hours text, holidays) is malformed.
    InvalidCalendar = 109,
    /// An option is invalid: a bad scale, threshold, confidence level or scale id.
    InvalidOption = 110,
    /// Two accumulators built with different options were merged.
    IncompatibleMerge = 111,
    /// Serialized accumulator state is malformed or inconsistent.
    InvalidState = 112,
    /// Reading input failed (file missing, unreadable, truncated).
    Io = 113,
}

impl supportkpi_result {
    /// Every code, for the tests that keep numbers, names and kinds in step.
    #[cfg(test)]
    const ALL: [supportkpi_result; 20] = [
        Self::Ok,
        Self::NullPointer,
        Self::InvalidArgument,
        Self::Panic,
        Self::Other,
        Self::InvalidJson,
        Self::MissingField,
        Self::InvalidValue,
        Self::InvalidTimestamp,
        Self::NegativeDuration,
        Self::ScoreOutOfScale,
        Self::UnknownTimeZone,
        Self::MixedCurrencies,
        Self::DuplicateId,
        Self::UnmappedStatus,
        Self::InvalidCalendar,
        Self::InvalidOption,
        Self::IncompatibleMerge,
        Self::InvalidState,
        Self::Io,
    ];

    /// The code of a core error kind. `ErrorKind` is `#[non_exhaustive]`: a kind added to the
    /// core before it gets a number here is reported as `Other` rather than failing to build.
    pub(crate) fn of_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::MissingField => Self::MissingField,
            ErrorKind::InvalidValue => Self::InvalidValue,
            ErrorKind::InvalidTimestamp => Self::InvalidTimestamp,
            ErrorKind::NegativeDuration => Self::NegativeDuration,
            ErrorKind::ScoreOutOfScale => Self::ScoreOutOfScale,
            ErrorKind::UnknownTimeZone => Self::UnknownTimeZone,
            ErrorKind::MixedCurrencies => Self::MixedCurrencies,
            ErrorKind::DuplicateId => Self::DuplicateId,
            ErrorKind::UnmappedStatus => Self::UnmappedStatus,
            ErrorKind::InvalidCalendar => Self::InvalidCalendar,
            ErrorKind::InvalidOption => Self::InvalidOption,
            ErrorKind::IncompatibleMerge => Self::IncompatibleMerge,
            ErrorKind::InvalidState => Self::InvalidState,
            ErrorKind::Io => Self::Io,
            _ => Self::Other,
        }
    }

    /// The code for a number, when the number is one.
    fn from_u32(code: u32) -> Option<Self> {
        Some(match code {
            0 => Self::Ok,
            1 => Self::NullPointer,
            2 => Self::InvalidArgument,
            3 => Self::Panic,
            4 => Self::Other,
            5 => Self::InvalidJson,
            100 => Self::MissingField,
            101 => Self::InvalidValue,
            102 => Self::InvalidTimestamp,
            103 => Self::NegativeDuration,
            104 => Self::ScoreOutOfScale,
            105 => Self::UnknownTimeZone,
            106 => Self::MixedCurrencies,
            107 => Self::DuplicateId,
            108 => Self::UnmappedStatus,
            109 => Self::InvalidCalendar,
            110 => Self::InvalidOption,
            111 => Self::IncompatibleMerge,
            112 => Self::InvalidState,
            113 => Self::Io,
            _ => return None,
        })
    }
}

/// The snake_case name of a result code ("ok", "null_pointer", "score_out_of_scale", …), or
/// "unknown" for a number that is not a code. For codes 100 and up it is the library's error
/// kind, the same word the Python exceptions and the JSON errors use.
///
/// Takes the code as a plain number so that any integer is safe to pass.
///
/// Ownership: the string is static and owned by the library; do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn supportkpi_result_name(code: u32) -> *const c_char {
    // Two table look-ups and no allocation: nothing here can unwind.
    let name: &'static std::ffi::CStr = match supportkpi_result::from_u32(code) {
        Some(r) => name_cstr(r),
        None => c"unknown",
    };
    name.as_ptr()
}

/// The names; a test checks those of the core kinds against `ErrorKind::as_str`.
fn name_cstr(r: supportkpi_result) -> &'static std::ffi::CStr {
    match r {
        supportkpi_result::Ok => c"ok",
        supportkpi_result::NullPointer => c"null_pointer",
        supportkpi_result::InvalidArgument => c"invalid_argument",
        supportkpi_result::Panic => c"panic",
        supportkpi_result::Other => c"other",
        supportkpi_result::InvalidJson => c"invalid_json",
        supportkpi_result::MissingField => c"missing_field",
        supportkpi_result::InvalidValue => c"invalid_value",
        supportkpi_result::InvalidTimestamp => c"invalid_timestamp",
        supportkpi_result::NegativeDuration => c"negative_duration",
        supportkpi_result::ScoreOutOfScale => c"score_out_of_scale",
        supportkpi_result::UnknownTimeZone => c"unknown_time_zone",
        supportkpi_result::MixedCurrencies => c"mixed_currencies",
        supportkpi_result::DuplicateId => c"duplicate_id",
        supportkpi_result::UnmappedStatus => c"unmapped_status",
        supportkpi_result::InvalidCalendar => c"invalid_calendar",
        supportkpi_result::InvalidOption => c"invalid_option",
        supportkpi_result::IncompatibleMerge => c"incompatible_merge",
        supportkpi_result::InvalidState => c"invalid_state",
        supportkpi_result::Io => c"io",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::ffi::CStr;

    #[test]
    fn numbers_round_trip_and_names_agree() {
        let mut names = HashSet::new();
        for r in supportkpi_result::ALL {
            assert_eq!(supportkpi_result::from_u32(r as u32), Some(r));
            let name = name_cstr(r).to_str().unwrap();
            assert!(names.insert(name), "duplicate name {name}");
            // SAFETY: supportkpi_result_name returns a static NUL-terminated string.
            let c = unsafe { CStr::from_ptr(supportkpi_result_name(r as u32)) };
            assert_eq!(c.to_str().unwrap(), name);
        }
        for n in [6, 99, 114, u32::MAX] {
            assert_eq!(supportkpi_result::from_u32(n), None);
            // SAFETY: as above.
            let c = unsafe { CStr::from_ptr(supportkpi_result_name(n)) };
            assert_eq!(c.to_str().unwrap(), "unknown");
        }
    }

    #[test]
    fn every_core_kind_has_its_own_code() {
        // `ErrorKind::ALL` is the core's list: a kind added there without a number here comes
        // out as `Other` and fails this test.
        for (i, kind) in ErrorKind::ALL.into_iter().enumerate() {
            let r = supportkpi_result::of_kind(kind);
            assert_ne!(r, supportkpi_result::Other, "{kind} has no result code");
            assert_eq!(r as u32, 100 + i as u32, "{kind}");
            assert_eq!(name_cstr(r).to_str().unwrap(), kind.as_str());
        }
        // And every code of 100 and up is a core kind's.
        let kind_codes = supportkpi_result::ALL.iter().filter(|&&r| r as u32 >= 100);
        assert_eq!(kind_codes.count(), ErrorKind::ALL.len());
    }
}
