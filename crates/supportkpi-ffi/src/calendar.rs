//! The business calendar handle.

use crate::arg;
use crate::error::{FfiError, guard, guard_void};
use crate::result::supportkpi_result;
use crate::string;
use chrono::{DateTime, NaiveDate, Utc};
use std::ffi::c_char;
use supportkpi::{BusinessCalendar, Error, ErrorKind};

/// A business calendar: a time zone, weekly opening hours and holidays. Opaque; made by
/// `supportkpi_calendar_new`, freed by `supportkpi_calendar_free`.
///
/// A calendar never changes after it is made, so one calendar may be used from several threads
/// at once; free it once, after every other call on it has returned.
#[derive(Debug)]
pub struct supportkpi_calendar {
    calendar: BusinessCalendar,
}

// The header promises that one calendar may be used from several threads at once.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<supportkpi_calendar>();
};

/// Makes a business calendar from its text form, an IANA time zone and holiday dates.
///
/// `hours` is the weekly hours, e.g. `"Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-14:00"`:
/// clauses separated by `;`, each weekdays (`Mon`…`Sun` or full names, ranges and lists) and
/// intervals `HH:MM-HH:MM` in local wall-clock time; an end at or before the start runs past
/// midnight; `"24/7"` is always open and `"closed"` never (a blank text is `INVALID_CALENDAR`). `timezone` is an IANA name
/// such as `"Europe/Berlin"` or `"UTC"`. `holidays` is an array of `n_holidays` local dates
/// `"YYYY-MM-DD"`, each closed from 00:00 to 24:00; it may be NULL when `n_holidays` is 0.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`hours`, `timezone` or `out` NULL, or
/// `holidays` or one of its strings NULL with `n_holidays > 0`); `..._INVALID_ARGUMENT` (text
/// that is not UTF-8, `n_holidays` too large for an array); `..._UNKNOWN_TIME_ZONE`;
/// `..._INVALID_CALENDAR` (bad hours text, or a holiday that is not a date `YYYY-MM-DD`).
/// `*out` is written only on success.
///
/// Ownership: borrows the strings and the array for the call (nothing is kept); on success
/// the caller owns `*out` and must free it with `supportkpi_calendar_free`.
///
/// # Safety
///
/// `hours` and `timezone` must be NUL-terminated strings; `holidays` must point to
/// `n_holidays` pointers to NUL-terminated strings (or be NULL with `n_holidays == 0`); `out`
/// must be writable for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_calendar_new(
    hours: *const c_char,
    timezone: *const c_char,
    holidays: *const *const c_char,
    n_holidays: usize,
    out: *mut *mut supportkpi_calendar,
) -> supportkpi_result {
    guard(|| {
        arg::out(out, "out")?;
        // SAFETY: per this function's contract.
        let hours = unsafe { arg::text(hours, "hours") }?;
        // SAFETY: per this function's contract.
        let timezone = unsafe { arg::text(timezone, "timezone") }?;
        // SAFETY: per this function's contract.
        let holidays = unsafe { arg::slice(holidays, n_holidays, "holidays") }?;
        let tz = supportkpi::time::parse_zone(timezone)?;
        let mut calendar = BusinessCalendar::parse(hours, tz)?;
        for (i, &date) in holidays.iter().enumerate() {
            let place = format!("holidays[{i}]");
            // SAFETY: each element is a NUL-terminated string per the contract.
            let text = unsafe { arg::text(date, &place) }?;
            calendar =
                calendar.with_holiday(parse_date(text).map_err(|e| FfiError::at(&place, e))?);
        }
        let handle = Box::into_raw(Box::new(supportkpi_calendar { calendar }));
        // SAFETY: checked non-NULL above; writable per the contract. Nothing fallible follows,
        // so the box cannot leak.
        unsafe { arg::write(out, handle) };
        Ok(())
    })
}

/// A holiday: exactly `YYYY-MM-DD`, so that `2021-6-1` or a date with a time is refused
/// rather than guessed at.
fn parse_date(text: &str) -> Result<NaiveDate, Error> {
    let bad = || {
        Error::new(
            ErrorKind::InvalidCalendar,
            "a holiday is a local date YYYY-MM-DD",
        )
        .with_record_type("calendar")
        .with_field("holidays")
        .with_value(text)
    };
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(bad());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())
}

/// An epoch second as an instant, or the error naming the parameter.
pub(crate) fn instant(epoch_s: i64, param: &str) -> Result<DateTime<Utc>, FfiError> {
    DateTime::from_timestamp(epoch_s, 0).ok_or_else(|| {
        FfiError::at(
            param,
            Error::new(
                ErrorKind::InvalidTimestamp,
                "an instant within about 262,000 years of 1970",
            )
            .with_value(epoch_s),
        )
    })
}

/// The business seconds in `[start, end)`: the seconds at which the calendar is open.
///
/// Instants are Unix epoch seconds (UTC). The result is 0 when nothing is open in between, and
/// negative when `end < start` (minus the open seconds of `[end, start)`), so that
/// d(a, c) = d(a, b) + d(b, c) always holds.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`calendar` or `out` NULL);
/// `..._INVALID_TIMESTAMP` (an instant beyond about ±262,000 years). `*out` is written only on
/// success.
///
/// Ownership: borrows `calendar` for the call; the caller owns `*out`.
///
/// # Safety
///
/// `calendar` must be a live calendar from `supportkpi_calendar_new`; `out` must be writable
/// for one `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_calendar_business_seconds(
    calendar: *const supportkpi_calendar,
    start_epoch_s: i64,
    end_epoch_s: i64,
    out: *mut i64,
) -> supportkpi_result {
    guard(|| {
        arg::out(out, "out")?;
        // SAFETY: a non-NULL calendar is live per the contract, and only read.
        let calendar = unsafe { calendar.as_ref() }.ok_or_else(|| FfiError::null("calendar"))?;
        let start = instant(start_epoch_s, "start_epoch_s")?;
        let end = instant(end_epoch_s, "end_epoch_s")?;
        let seconds = calendar.calendar.business_seconds(start, end);
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { arg::write(out, seconds) };
        Ok(())
    })
}

/// The calendar's weekly hours in the text form `supportkpi_calendar_new` reads, normalized
/// (`"mon-fri 9:00-17:00"` reads back as `"Mon-Fri 09:00-17:00"`). The time zone and holidays
/// are not part of it.
///
/// Returns `SUPPORTKPI_RESULT_OK` or `..._NULL_POINTER` (`calendar` or `out` NULL). `*out` is
/// written only on success.
///
/// Ownership: borrows `calendar`; on success the caller owns the string `*out` and must free it
/// with `supportkpi_string_free`.
///
/// # Safety
///
/// `calendar` must be a live calendar from `supportkpi_calendar_new`; `out` must be writable
/// for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_calendar_to_string(
    calendar: *const supportkpi_calendar,
    out: *mut *mut c_char,
) -> supportkpi_result {
    guard(|| {
        arg::out(out, "out")?;
        // SAFETY: a non-NULL calendar is live per the contract, and only read.
        let calendar = unsafe { calendar.as_ref() }.ok_or_else(|| FfiError::null("calendar"))?;
        let text = string::into_c(calendar.calendar.to_string())?;
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { arg::write(out, text) };
        Ok(())
    })
}

/// Frees a calendar. Accepts NULL (and does nothing).
///
/// Ownership: takes ownership of `calendar`; it must not be used afterwards.
///
/// # Safety
///
/// `calendar` must be NULL or a calendar from `supportkpi_calendar_new` that has not been
/// freed yet, with no other call on it still running.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_calendar_free(calendar: *mut supportkpi_calendar) {
    if calendar.is_null() {
        return;
    }
    guard_void(|| {
        // SAFETY: made by Box::into_raw in supportkpi_calendar_new and freed once, per the
        // contract.
        drop(unsafe { Box::from_raw(calendar) });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_are_strict_iso_dates() {
        assert_eq!(
            parse_date("2021-12-24").unwrap(),
            NaiveDate::from_ymd_opt(2021, 12, 24).unwrap()
        );
        for bad in [
            "2021-6-1",
            "2021-02-30",
            "24.12.2021",
            "2021-12-24T00:00",
            "",
            "+2021-12-2",
        ] {
            let e = parse_date(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidCalendar, "{bad}");
            assert_eq!(e.value(), Some(bad));
        }
    }

    #[test]
    fn instants_outside_the_range_are_refused() {
        assert!(instant(0, "t").is_ok());
        let e = instant(i64::MAX, "start_epoch_s").unwrap_err();
        assert!(format!("{e:?}").contains("start_epoch_s"));
    }
}
