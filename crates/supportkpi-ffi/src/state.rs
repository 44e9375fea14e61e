//! Report states from C: a partition's compact state (`supportkpi_state_json`), states
//! combined (`supportkpi_state_combine`) and finished into the report
//! (`supportkpi_state_merge_json`), and `supportkpi_state_free` for the bytes.

use crate::arg;
use crate::error::{FfiError, guard, guard_void};
use crate::report::{Streams, envelope_of, gather};
use crate::result::supportkpi_result;
use crate::string;
use std::ffi::c_char;
use supportkpi::report::{ReportState, combine};

/// Hands bytes to the caller: the pointer and length of a boxed slice, freed by
/// `supportkpi_state_free` with the same length.
fn into_c_bytes(bytes: Vec<u8>) -> (*mut u8, usize) {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    (Box::into_raw(boxed).cast::<u8>(), len)
}

/// The states at `states[i]`, `lens[i]` bytes each, read back (each one checked).
///
/// # Safety
/// As the exports' contracts: `count` pointers and lengths, each pointer to `lens[i]` bytes.
unsafe fn read_states(
    states: *const *const u8,
    lens: *const usize,
    count: usize,
) -> Result<Vec<ReportState>, FfiError> {
    // SAFETY: per the caller's contract.
    let ptrs = unsafe { arg::slice(states, count, "states") }?;
    // SAFETY: per the caller's contract.
    let lens = unsafe { arg::slice(lens, count, "lens") }?;
    let mut out = Vec::with_capacity(count);
    for (i, (&p, &len)) in ptrs.iter().zip(lens).enumerate() {
        let name = format!("states[{i}]");
        // SAFETY: per the caller's contract, `lens[i]` bytes at `states[i]`.
        let bytes = unsafe { arg::slice(p, len, &name) }?;
        out.push(ReportState::from_bytes(bytes).map_err(|e| FfiError::at(&name, e))?);
    }
    Ok(out)
}

/// Computes the compact report state of a request's records: a partition's part of a report
/// computed over several processes or machines.
///
/// `request_json` is a `supportkpi_report_json` request. The state holds per period and
/// dimension value the counters and KPI states of its records (see the Rust
/// `supportkpi::report::ReportState`); combine states with `supportkpi_state_combine` and
/// finish them with `supportkpi_state_merge_json`. Partition records by ticket id (a ticket,
/// its events and the survey responses rating it in one partition), and count customers and
/// costs in one partition only. The records a lenient read sets aside are not reported here.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`request_json`, `state_out` or
/// `state_len_out` NULL); and every failure of `supportkpi_report_json` but one: a field in
/// `by` or `where` that the request's records do not carry is not refused here (another
/// partition's may carry it) but by `supportkpi_state_merge_json`. The outputs are written only
/// on success.
///
/// Ownership: borrows `request_json`; on success the caller owns the `*state_len_out` bytes
/// at `*state_out` and must free them with `supportkpi_state_free(*state_out,
/// *state_len_out)`.
///
/// # Safety
///
/// `request_json` must be a NUL-terminated string; `state_out` and `state_len_out` must be
/// writable for one value each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_state_json(
    request_json: *const c_char,
    state_out: *mut *mut u8,
    state_len_out: *mut usize,
) -> supportkpi_result {
    guard(|| {
        arg::out(state_out, "state_out")?;
        arg::out(state_len_out, "state_len_out")?;
        // SAFETY: per this function's contract.
        let text = unsafe { arg::text(request_json, "request_json") }?;
        let g = gather(text, 0, Streams::default())?;
        let state = ReportState::from_input(&g.input, &g.options)?;
        let (ptr, len) = into_c_bytes(state.to_bytes());
        // SAFETY: both checked non-NULL above; writable per the contract.
        unsafe {
            arg::write(state_out, ptr);
            arg::write(state_len_out, len);
        }
        Ok(())
    })
}

/// Combines report states into one: the state of all their records. Associative and
/// commutative, so states may be combined in any tree and order.
///
/// `states` points to `count` state pointers and `lens` to their `count` byte lengths.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`states`, `lens` or a state NULL with a
/// nonzero count or length, `state_out` or `state_len_out` NULL); `..._INVALID_STATE` (bytes
/// that are not a state, a state of another encoding version, truncated or damaged: the
/// message names `states[i]`); `..._INCOMPATIBLE_MERGE` (states of different options);
/// `..._INVALID_OPTION` (`count` 0). The outputs are written only on success.
///
/// Ownership: borrows the states; on success the caller owns the `*state_len_out` bytes at
/// `*state_out` and must free them with `supportkpi_state_free`.
///
/// # Safety
///
/// `states` and `lens` must point to `count` elements each (or be NULL with `count` 0), each
/// `states[i]` to `lens[i]` readable bytes; `state_out` and `state_len_out` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_state_combine(
    states: *const *const u8,
    lens: *const usize,
    count: usize,
    state_out: *mut *mut u8,
    state_len_out: *mut usize,
) -> supportkpi_result {
    guard(|| {
        arg::out(state_out, "state_out")?;
        arg::out(state_len_out, "state_len_out")?;
        // SAFETY: per this function's contract.
        let states = unsafe { read_states(states, lens, count) }?;
        let (ptr, len) = into_c_bytes(combine(states)?.to_bytes());
        // SAFETY: both checked non-NULL above; writable per the contract.
        unsafe {
            arg::write(state_out, ptr);
            arg::write(state_len_out, len);
        }
        Ok(())
    })
}

/// Combines report states and finishes the report, as JSON: the envelope of
/// `supportkpi_report_json` (`{"report": …, "rejected": [], "read": []}`), the same report
/// `supportkpi_report_json` gives over all the states' records.
///
/// Returns as `supportkpi_state_combine`, with `..._NULL_POINTER` for `report_json_out` NULL
/// and `..._INVALID_OPTION` for a field in `by` or `where` that no record of the states
/// carried (the check `supportkpi_report_json` makes over its input). `*report_json_out` is
/// written only on success.
///
/// Ownership: borrows the states; on success the caller owns the string `*report_json_out`
/// and must free it with `supportkpi_string_free`.
///
/// # Safety
///
/// As `supportkpi_state_combine`; `report_json_out` must be writable for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_state_merge_json(
    states: *const *const u8,
    lens: *const usize,
    count: usize,
    report_json_out: *mut *mut c_char,
) -> supportkpi_result {
    guard(|| {
        arg::out(report_json_out, "report_json_out")?;
        // SAFETY: per this function's contract.
        let states = unsafe { read_states(states, lens, count) }?;
        // The names `by` and the filter give, checked once every state is in, as
        // `supportkpi_report_json` checks them over its whole input.
        let state = combine(states)?;
        state.check_fields()?;
        let report = state.finish()?;
        let json = string::into_c(envelope_of(&report)?)?;
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { arg::write(report_json_out, json) };
        Ok(())
    })
}

/// Frees the bytes of a state the library returned. Accepts NULL (and does nothing).
///
/// Ownership: takes ownership of `state`; it must not be used afterwards.
///
/// # Safety
///
/// `state` must be NULL or a state returned by `supportkpi_state_json` or
/// `supportkpi_state_combine`, not freed yet, and `len` its length as returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_state_free(state: *mut u8, len: usize) {
    if state.is_null() {
        return;
    }
    guard_void(|| {
        // SAFETY: made by Box::into_raw of a boxed slice of `len` bytes in `into_c_bytes`,
        // freed once, per the contract.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(state, len)) });
    });
}
