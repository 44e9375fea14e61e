//! The whole report from C: `supportkpi_report_json` (a JSON request in, the report's JSON
//! out) and the `supportkpi_report` handle (tickets and scores pushed as column arrays).
//!
//! Both end in `Report::compute` over a `ReportInput` and in the same response envelope, so a
//! report of the same records is the same text whichever way they came in.

use crate::arg;
use crate::calendar::instant;
use crate::error::{FfiError, guard, guard_void};
use crate::request::{self, Inline};
use crate::result::supportkpi_result;
use crate::string;
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use serde::Serialize;
use std::ffi::c_char;
use supportkpi::io::{Preset, Rejected, SourceKind, SourceRejected, arrow, load};
use supportkpi::kpi::{Accumulator, Ces, Csat};
use supportkpi::model::{Instant, Status, SurveyKind};
use supportkpi::report::{Report, ReportAccumulator, ReportInput, ReportOptions};
use supportkpi::{Error, ErrorKind, SurveyResponse, Ticket};

// ---------------------------------------------------------------------------------------------
// The response envelope

/// One input the report read: a file, or records given inline (`file` null).
#[derive(Debug, Clone, Serialize)]
struct ReadEntry {
    source: &'static str,
    file: Option<String>,
    records: u64,
}

/// One record a lenient read set aside.
#[derive(Debug, Clone, Serialize)]
struct RejectedEntry {
    source: &'static str,
    file: Option<String>,
    line: Option<u64>,
    index: Option<usize>,
    kind: &'static str,
    record_type: Option<&'static str>,
    id: Option<String>,
    field: Option<String>,
    value: Option<String>,
    rule: String,
    message: String,
}

impl RejectedEntry {
    fn new(
        source: &'static str,
        file: Option<String>,
        line: Option<u64>,
        index: Option<usize>,
        error: &Error,
    ) -> Self {
        let record = error.record();
        RejectedEntry {
            source,
            file,
            line,
            index,
            kind: error.kind().as_str(),
            record_type: record.map(|r| r.record_type).filter(|t| !t.is_empty()),
            id: record.and_then(|r| r.id.clone()),
            field: error.field().map(str::to_owned),
            value: error.value().map(str::to_owned),
            rule: error.rule().to_owned(),
            message: match index {
                Some(i) => format!("records.{source}[{i}]: {error}"),
                None => error.to_string(),
            },
        }
    }

    fn from_file(r: &SourceRejected) -> Self {
        RejectedEntry::new(
            source_name(r.source),
            Some(r.path.display().to_string()),
            // A ticket whose event history could not be derived may have no line (0).
            Some(r.rejected.line).filter(|&l| l > 0),
            None,
            &r.rejected.error,
        )
    }
}

fn source_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Tickets => "tickets",
        SourceKind::Events => "events",
        SourceKind::Surveys => "surveys",
        SourceKind::Customers => "customers",
        SourceKind::Costs => "costs",
    }
}

/// `{"report": <Report::to_json>, "rejected": [...], "read": [...]}`.
fn envelope(
    report: &Report,
    rejected: &[RejectedEntry],
    read: &[ReadEntry],
) -> Result<String, FfiError> {
    Ok(format!(
        "{{\"report\":{},\"rejected\":{},\"read\":{}}}",
        report.to_json(),
        to_json(rejected)?,
        to_json(read)?
    ))
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, FfiError> {
    // Plain structs of strings and numbers: serde_json cannot fail on them, but a failure
    // would still be reported rather than unwrapped.
    serde_json::to_string(value)
        .map_err(|e| FfiError::new(supportkpi_result::Other, format!("writing JSON: {e}")))
}

// ---------------------------------------------------------------------------------------------
// supportkpi_report_json

/// Appends one input of inline records to the report's input.
fn add_inline<T>(
    inline: Option<Inline<T>>,
    source: &'static str,
    into: &mut Vec<T>,
    rejected: &mut Vec<RejectedEntry>,
    read: &mut Vec<ReadEntry>,
) {
    let Some(inline) = inline else { return };
    into.extend(inline.records);
    rejected.extend(
        inline
            .rejected
            .iter()
            .map(|(i, e)| RejectedEntry::new(source, None, None, Some(*i), e)),
    );
    read.push(ReadEntry {
        source,
        file: None,
        records: inline.read as u64,
    });
}

fn report_json(text: &str, flags: u32) -> Result<String, FfiError> {
    report_request(text, flags, Streams::default())
}

/// Tables handed over through the Arrow C stream interface (`supportkpi_report_arrow`),
/// owned: dropping one calls its release callback.
#[derive(Default)]
pub(crate) struct Streams {
    pub(crate) tickets: Option<FFI_ArrowArrayStream>,
    pub(crate) surveys: Option<FFI_ArrowArrayStream>,
}

/// The reader of a stream; `name` is its argument, for the message.
fn stream_reader(
    stream: FFI_ArrowArrayStream,
    name: &str,
) -> Result<ArrowArrayStreamReader, FfiError> {
    ArrowArrayStreamReader::try_new(stream).map_err(|e| {
        FfiError::new(
            supportkpi_result::InvalidArgument,
            format!("{name}: not a readable Arrow stream: {e}"),
        )
    })
}

/// Reads the streams into the input: tickets as the request's files are read (its preset,
/// the ServiceNow event log into histories), surveys in the canonical layout. A stream's rows
/// are named by `<argument>` and their row number (from 1) as the line.
fn add_streams(
    streams: Streams,
    request: &request::Request,
    input: &mut ReportInput,
    rejected: &mut Vec<RejectedEntry>,
    read: &mut Vec<ReadEntry>,
) -> Result<(), FfiError> {
    let named = |source: &'static str| move |e: Error| FfiError::from(e.with_file(source));
    let mut add = |source: &'static str, n: u64, bad: Vec<Rejected>| {
        read.push(ReadEntry {
            source,
            file: None,
            records: n,
        });
        rejected.extend(bad.into_iter().map(|r| {
            let error = r.error.with_file(source);
            RejectedEntry::new(source, None, Some(r.line), None, &error)
        }));
    };
    if let Some(stream) = streams.tickets {
        let reader = stream_reader(stream, "tickets")?;
        if request.sources.preset == Some(Preset::ServiceNow) {
            let out = arrow::read_servicenow(reader, &request.read).map_err(named("tickets"))?;
            let mut bad = out.rejected;
            bad.extend(out.rejected_tickets);
            add("tickets", out.read, bad);
            input.histories.extend(out.histories);
            input.join_tickets_with_histories()?;
        } else {
            let out = arrow::read_tickets(reader, &request.read).map_err(named("tickets"))?;
            add("tickets", out.read, out.rejected);
            input.tickets.extend(out.records);
        }
    }
    if let Some(stream) = streams.surveys {
        let reader = stream_reader(stream, "surveys")?;
        let out = arrow::read_surveys(reader, &request.canonical).map_err(named("surveys"))?;
        add("surveys", out.read, out.rejected);
        input.surveys.extend(out.records);
    }
    Ok(())
}

/// A request's input and options, with what was read and rejected.
pub(crate) struct Gathered {
    pub(crate) input: ReportInput,
    pub(crate) options: ReportOptions,
    rejected: Vec<RejectedEntry>,
    read: Vec<ReadEntry>,
}

/// Reads a JSON request's files, Arrow streams and inline records into its input.
///
/// `flags` as [`supportkpi_report_json_with`]: with [`SUPPORTKPI_REPORT_NO_FILES`] a request
/// naming a file is refused before anything is opened.
pub(crate) fn gather(text: &str, flags: u32, streams: Streams) -> Result<Gathered, FfiError> {
    // The streams are owned from here: released when this returns, on every path.
    if flags & !SUPPORTKPI_REPORT_NO_FILES != 0 {
        return Err(FfiError::new(
            supportkpi_result::InvalidArgument,
            format!(
                "flags: unknown bits {:#x} (known: SUPPORTKPI_REPORT_NO_FILES)",
                flags
            ),
        ));
    }
    let request = request::parse(text)?;
    if flags & SUPPORTKPI_REPORT_NO_FILES != 0 {
        let s = &request.sources;
        let named = [
            ("tickets", &s.tickets),
            ("events", &s.events),
            ("surveys", &s.surveys),
            ("customers", &s.customers),
            ("costs", &s.costs),
        ]
        .into_iter()
        .find_map(|(k, p)| p.as_ref().map(|p| (k, p)));
        if let Some((key, path)) = named {
            return Err(FfiError::new(
                supportkpi_result::InvalidOption,
                format!(
                    "sources.{key}: {:?} names a file, and this call reads none \
                     (SUPPORTKPI_REPORT_NO_FILES): give the records inline",
                    path.display()
                ),
            ));
        }
    }
    let loaded = load(&request.sources, &request.read)?;
    let mut read: Vec<ReadEntry> = loaded
        .read
        .iter()
        .map(|(kind, n)| ReadEntry {
            source: source_name(*kind),
            file: file_of(&request.sources, *kind),
            records: *n,
        })
        .collect();
    let mut rejected: Vec<RejectedEntry> = loaded
        .rejected
        .iter()
        .map(RejectedEntry::from_file)
        .collect();
    let mut input = loaded.input;
    add_streams(streams, &request, &mut input, &mut rejected, &mut read)?;
    let records = request.records;
    add_inline(
        records.tickets,
        "tickets",
        &mut input.tickets,
        &mut rejected,
        &mut read,
    );
    add_inline(
        records.surveys,
        "surveys",
        &mut input.surveys,
        &mut rejected,
        &mut read,
    );
    add_inline(
        records.customers,
        "customers",
        &mut input.customers,
        &mut rejected,
        &mut read,
    );
    add_inline(
        records.costs,
        "costs",
        &mut input.costs,
        &mut rejected,
        &mut read,
    );
    Ok(Gathered {
        input,
        options: request.options,
        rejected,
        read,
    })
}

/// A JSON request, plus Arrow streams of tickets and surveys, into the response envelope.
fn report_request(text: &str, flags: u32, streams: Streams) -> Result<String, FfiError> {
    let g = gather(text, flags, streams)?;
    // A `by` or `where` field the input does not have is an error listing the known ones.
    // (A state's request is one partition: `supportkpi_state_merge_json` checks its fields.)
    supportkpi::report::filter::check_fields(&g.input, &g.options)?;
    let report = Report::compute(&g.input, &g.options)?;
    envelope(&report, &g.rejected, &g.read)
}

/// The response envelope of a report with nothing read (a report from states).
pub(crate) fn envelope_of(report: &Report) -> Result<String, FfiError> {
    envelope(report, &[], &[])
}

fn file_of(sources: &supportkpi::io::Sources, kind: SourceKind) -> Option<String> {
    let path = match kind {
        SourceKind::Tickets => sources.tickets.as_ref(),
        SourceKind::Events => sources.events.as_ref(),
        SourceKind::Surveys => sources.surveys.as_ref(),
        SourceKind::Customers => sources.customers.as_ref(),
        SourceKind::Costs => sources.costs.as_ref(),
    };
    path.map(|p| p.display().to_string())
}

/// Computes the whole report from a JSON request and returns it as JSON.
///
/// The request is a JSON object with four optional parts (`{}` is an empty report):
///
/// ```json
/// {
///   "sources": {"tickets": "data/tickets.csv", "events": "…", "surveys": "data/surveys.csv",
///               "customers": "…", "costs": "…", "preset": "servicenow"},
///   "records": {"tickets": [{"id": "T-1", "created_at": "2021-06-01T08:00:00Z",
///                            "resolved_at": "2021-06-01T09:30:00Z", "channel": "email"}],
///               "surveys": [{"id": "S-1", "ticket_id": "T-1", "kind": "nps", "score": 9,
///                            "responded_at": "2021-06-02T10:00:00Z"}],
///               "customers": [...], "costs": [...]},
///   "read": {"errors": "lenient", "timezone": "UTC"},
///   "options": {"period": "month", "zone": "Europe/Berlin", "by": "channel"}
/// }
/// ```
///
/// - `sources`: files to read, CSV or JSON Lines by extension, in the canonical layout or a
///   helpdesk's through `preset`: any name of the core's one list of presets (`Preset::ALL`;
///   `supportkpi presets` lists them with what each reads), e.g. `"servicenow"` (its incident
///   event log, given as `tickets` or `events`) or `"zendesk"` (its ticket export). Relative
///   paths are relative to the process's working directory.
/// - `records`: records given inline, appended to those read from files. Their keys are the
///   canonical field names; instants are RFC 3339 text with an offset (`"…Z"`), cost dates
///   `"YYYY-MM-DD"`, money `{"amount": "1200.50", "currency": "USD"}`, ticket statuses the
///   canonical names (`new`, `open`, `pending`, `on_hold`, `solved`, `closed`, `cancelled`),
///   survey kinds `csat`, `nps`, `ces`; tickets may carry `"dimensions": {"name": "value"}`.
///   Each array is checked as a file is: ids unique within it (`DUPLICATE_ID`), one currency
///   (the first record's; `MIXED_CURRENCIES`), CSAT and CES scores on `options.csat` /
///   `options.ces` scales (`SCORE_OUT_OF_SCALE`), so a lenient read sets each aside by index.
///   Files are read with those scales too.
/// - `read`: how files are read and what a bad record does: `errors` (`"strict"`, the default:
///   the first bad record fails the call; `"lenient"`: bad records, in files and inline, are
///   listed in the response's `rejected` and the rest reported), `timezone` (of naive local
///   times, default `"UTC"`), `timestamp_format` and `date_format` (chrono patterns),
///   `null_tokens`, `currency` (for rows without one), `delimiter`, `keep_extra_columns`,
///   `check_duplicate_ids`.
/// - `options`: the report's options, `supportkpi::report::ReportOptions` as JSON: `period`
///   (`day`, `week`, `month`, `quarter`, `year`), `zone`, `calendar` (`{"timezone": …,
///   "hours": "Mon-Fri 09:00-17:00", "holidays": ["2021-12-24"]}`), `by`, `quantiles`, `sla`,
///   `as_of`, `csat`, `nps`, `ces`, `cost_denominator`, `fcr_denominator`, `range`
///   (`["2021-01-01", "2021-12-31"]`: exactly these periods), `max_periods` (default 10000:
///   records whose instants span more periods, or a longer `range`, are
///   `SUPPORTKPI_RESULT_INVALID_OPTION` naming the record, before anything is allocated for
///   the periods), `max_rows` (default 500000: a report of more rows, a row per period and per
///   (period, `by` value), is `SUPPORTKPI_RESULT_INVALID_OPTION` with field `by` (`period`
///   without a grouping), before its rows are made),
///   `status_time` (`{"requester_wait": ["new", "open", "on_hold"], "agent_work": […]}`),
///   `calendars` (a calendar per team: `{"by": "team", "calendars": {"Billing": {…}}}`),
///   `sections` (the report's sections to compute, default all: `["intervals", "arrivals",
///   "backlog_ages", "revenue_retention", "cohorts", "drill_down"]`; the others are not
///   computed and are empty in `report.sections`, `drill_down` `null`; an unknown name is
///   `SUPPORTKPI_RESULT_INVALID_OPTION`), `drill_down_top` (K, the tickets each drill-down
///   list keeps: default 20, at most 1000). `report.sections.drill_down` is `{"top": K,
///   "periods": [{"period_start", "period_end", "slowest_first_responses",
///   "slowest_resolutions", "sla_breaches"}], "open_at", "oldest_open"}`, each list `{"n",
///   "tickets": [{"ticket_id", "channel", "priority", "team", "created_at", "seconds", "at",
///   "targets"}]}` (docs/definitions.md, "Drill-down").
///   `sla` holds `calendar`, `first_response`, `resolution`, `next_reply` and `periodic_update`
///   targets (`{"by_priority": {"P1": {"seconds": 3600, "clock": "business"}},
///   "default": …}`), `pause` (statuses per metric, e.g. `{"resolution": ["pending"]}`)
///   and `teams` (targets per team, the same form).
///
/// The response (`*report_json_out`) is one JSON object:
///
/// ```json
/// {"report": {"options": {…}, "columns": ["period_start", …],
///             "rows": [{"period_start": "2021-06-01", …, "undefined": {"csat_pct": "…"}}]},
///  "rejected": [{"source": "surveys", "file": "data/surveys.csv", "line": 7, "index": null,
///                "kind": "score_out_of_scale", "record_type": "survey_response",
///                "id": "S-6", "field": "score", "value": "11", "rule": "…", "message": "…"}],
///  "read": [{"source": "tickets", "file": "data/tickets.csv", "records": 120},
///           {"source": "surveys", "file": null, "records": 1}]}
/// ```
///
/// `report` has one row per period (the total, then one per value of `by`), the columns in
/// `report.columns`, an undefined value as `null` with its reason under `undefined`.
/// `rejected` is empty unless `read.errors` is `"lenient"`; an inline record is named by its
/// `index` in its array (`file` and `line` null), a file's by `file` and `line`. `read` lists
/// each input (a file, or an inline array) with the records read from it.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`request_json` or `report_json_out`
/// NULL); `..._INVALID_ARGUMENT` (not UTF-8); `..._INVALID_JSON` (not JSON, not an object, a
/// top-level key other than the four, or an inline record that does not fit its record type:
/// an unknown or missing key, a wrong type, an unparsable instant; the message names the line
/// and column); `..._INVALID_OPTION` (anything in `sources`, `read` or `options` that is not a
/// setting: an unknown key, a wrong type, an unknown period, preset or error mode);
/// `..._UNKNOWN_TIME_ZONE` (`options.zone`, `read.timezone`, the calendar's);
/// `..._INVALID_CALENDAR`; `..._IO` (a file that cannot be opened or read); and in strict
/// mode, the kind of the first bad record (`..._NEGATIVE_DURATION`, `..._INVALID_TIMESTAMP`,
/// `..._SCORE_OUT_OF_SCALE`, `..._MISSING_FIELD`, …), its message naming the file and line
/// (or `records.<input>[index]`), the field and the value. `*report_json_out` is written only
/// on success.
///
/// Ownership: borrows `request_json` for the call; on success the caller owns the string
/// `*report_json_out` and must free it with `supportkpi_string_free`.
///
/// # Safety
///
/// `request_json` must be a NUL-terminated string; `report_json_out` must be writable for one
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_report_json(
    request_json: *const c_char,
    report_json_out: *mut *mut c_char,
) -> supportkpi_result {
    // SAFETY: the same contract.
    unsafe { supportkpi_report_json_with(request_json, 0, report_json_out) }
}

/// A flag of `supportkpi_report_json_with`: refuse a request that names any file in
/// `sources` (`SUPPORTKPI_RESULT_INVALID_OPTION`, before anything is opened); the report is
/// computed from inline records only. For a host that passes on requests it did not write.
pub const SUPPORTKPI_REPORT_NO_FILES: u32 = 1;

/// `supportkpi_report_json` with flags: 0 is `supportkpi_report_json` itself;
/// `SUPPORTKPI_REPORT_NO_FILES` refuses requests that name files. Unknown bits are
/// `SUPPORTKPI_RESULT_INVALID_ARGUMENT`.
///
/// Returns what `supportkpi_report_json` returns, and `..._INVALID_OPTION` for a file named
/// under `SUPPORTKPI_REPORT_NO_FILES` (the message names the key and the path).
///
/// Ownership: as `supportkpi_report_json`.
///
/// # Safety
///
/// As `supportkpi_report_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_report_json_with(
    request_json: *const c_char,
    flags: u32,
    report_json_out: *mut *mut c_char,
) -> supportkpi_result {
    guard(|| {
        arg::out(report_json_out, "report_json_out")?;
        // SAFETY: per this function's contract.
        let text = unsafe { arg::text(request_json, "request_json") }?;
        let json = string::into_c(report_json(text, flags)?)?;
        // SAFETY: checked non-NULL above; writable per the contract. Nothing fallible follows.
        unsafe { arg::write(report_json_out, json) };
        Ok(())
    })
}

/// Computes the whole report from tickets and survey responses handed over as Arrow C
/// streams (the Arrow C stream interface: what pyarrow's `_export_to_c`, polars, DuckDB,
/// nanoarrow and arrow-rs export), plus a JSON request as `supportkpi_report_json` takes it,
/// and returns the report as `supportkpi_report_json` does.
///
/// `tickets` holds summary tickets in the canonical layout (columns named as the fields:
/// `id`, `created_at`, `resolved_at`, …), or the export of the request's `sources.preset`
/// (`"servicenow"`: its incident event log; `"zendesk"`, `"freshdesk"`). `surveys` holds survey
/// responses in the canonical layout. Either may be NULL (no such input). Columns are read
/// with the rules of the file readers and the request's `read` settings: strings, dictionary
/// (categorical) strings, integers, floats, booleans, timestamps of any unit (with a zone:
/// instants; without: wall-clock times in `read.timezone`), dates. The request
/// (`request_json`, `"{}"` for none) is the one of `supportkpi_report_json`: its `options`,
/// its `read` settings, and any `sources` files or inline `records`, which are added to the
/// streams' records. The report equals `supportkpi_report_json`'s on the same records; in the
/// response's `rejected` and `read`, a stream is the source `"tickets"` or `"surveys"` with
/// `file` null and `line` the row number in the stream (from 1).
///
/// Returns what `supportkpi_report_json` returns, and `..._INVALID_ARGUMENT` for a stream that
/// was already released or whose schema cannot be read; `..._IO` for a stream whose
/// `get_next` fails (the message has the stream's `get_last_error`); `..._INVALID_VALUE` for
/// a column of a type no field can read (a list, a struct, …). In strict mode a bad row fails
/// the call with its kind, the message naming the stream, row, field, value and rule.
/// `*report_json_out` is written only on success.
///
/// Ownership: the library takes ownership of each non-NULL stream in every case, success or
/// failure, before it looks at any other argument: it moves the stream out (setting the
/// caller's `release` to NULL, as the C stream interface's move semantics say) and calls its
/// `release` callback exactly once before returning. The caller must not use or release the
/// streams afterwards (releasing a moved stream is a no-op: its `release` is NULL). Borrows
/// `request_json` for the call; on success the caller owns `*report_json_out` and frees it
/// with `supportkpi_string_free`.
///
/// # Safety
///
/// `tickets` and `surveys` must each be NULL or point to a `struct ArrowArrayStream` that is
/// valid per the Arrow C stream interface (or already released); `request_json` must be a
/// NUL-terminated string; `report_json_out` must be writable for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_report_arrow(
    tickets: *mut FFI_ArrowArrayStream,
    surveys: *mut FFI_ArrowArrayStream,
    request_json: *const c_char,
    report_json_out: *mut *mut c_char,
) -> supportkpi_result {
    // SAFETY: each pointer is NULL or a valid stream, per the contract; `from_raw` moves the
    // struct out and leaves a released one (release NULL) in the caller's memory.
    let take = |p: *mut FFI_ArrowArrayStream| {
        (!p.is_null()).then(|| unsafe { FFI_ArrowArrayStream::from_raw(p) })
    };
    let streams = Streams {
        tickets: take(tickets),
        surveys: take(surveys),
    };
    guard(move || {
        arg::out(report_json_out, "report_json_out")?;
        // SAFETY: per this function's contract.
        let text = unsafe { arg::text(request_json, "request_json") }?;
        let json = string::into_c(report_request(text, 0, streams)?)?;
        // SAFETY: checked non-NULL above; writable per the contract. Nothing fallible follows.
        unsafe { arg::write(report_json_out, json) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// The column handle

/// A report being built from column arrays. Opaque; made by `supportkpi_report_new`, fed by
/// `supportkpi_report_push_tickets` and `supportkpi_report_push_scores`, read by
/// `supportkpi_report_finish_json`, freed by `supportkpi_report_free`.
///
/// Unlike a calendar, a report handle changes as rows are pushed: use it from one thread at a
/// time (it may move between threads).
#[derive(Debug)]
pub struct supportkpi_report {
    options: ReportOptions,
    input: ReportInput,
    /// Rows pushed per input; `None` until the first push, so that the response's `read`
    /// lists the same inputs as a JSON request with the same records.
    tickets_read: Option<u64>,
    surveys_read: Option<u64>,
    /// The scales of the options, to refuse an off-scale CSAT or CES score when it is pushed,
    /// by its index, rather than when the report is computed.
    csat: Csat,
    ces: Ces,
}

const _: () = {
    const fn movable<T: Send>() {}
    movable::<supportkpi_report>();
};

/// Ticket columns for `supportkpi_report_push_tickets`: one array per field, each of the
/// call's `len` elements; row `i` is element `i` of every array.
///
/// Zero-initialize it (`supportkpi_ticket_columns cols = {0};`) and set the columns you have:
/// a NULL array means the field is missing in every row, so columns added in later versions
/// stay missing when a program is rebuilt. Instants are Unix epoch seconds (UTC); `INT64_MIN`
/// in an element means that row has no value. In a text column a NULL element means no value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct supportkpi_ticket_columns {
    /// Ticket ids, required (non-NULL array, non-NULL and non-empty elements).
    pub id: *const *const c_char,
    /// Creation instants, required (non-NULL array, no `INT64_MIN`).
    pub created_at: *const i64,
    /// First public agent replies.
    pub first_response_at: *const i64,
    /// Latest resolutions.
    pub resolved_at: *const i64,
    /// First resolutions (taken to be `resolved_at` when missing).
    pub first_resolved_at: *const i64,
    /// Channels (email, chat, …).
    pub channel: *const *const c_char,
    /// Priorities.
    pub priority: *const *const c_char,
    /// Teams.
    pub team: *const *const c_char,
    /// Assignees.
    pub assignee: *const *const c_char,
    /// Customer ids.
    pub customer_id: *const *const c_char,
    /// Public agent replies; `UINT32_MAX` in an element (or a NULL array) means unknown.
    pub agent_replies: *const u32,
    /// Reopens; `UINT32_MAX` in an element (or a NULL array) means unknown, never 0:
    /// first-contact resolution leaves such a ticket out.
    pub reopens: *const u32,
    /// Statuses, canonical names (`new`, `open`, `pending`, `on_hold`, `solved`, `closed`,
    /// `cancelled`, and the synonyms `resolved`, `canceled`, …); a NULL array or element means
    /// derived: solved when resolved, else open.
    pub status: *const *const c_char,
}

/// The kind of survey scores pushed with `supportkpi_report_push_scores`. Passed as
/// `uint32_t`, so that any number is safe to pass.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum supportkpi_survey_kind {
    /// CSAT, on the report's CSAT scale (`options.csat`, 1–5 by default).
    Csat = 0,
    /// NPS, 0–10.
    Nps = 1,
    /// CES, on the report's CES scale (`options.ces`, effort 1–5 by default).
    Ces = 2,
}

/// Makes an empty report.
///
/// `options_json` is the report's options as JSON, the `options` part of a
/// `supportkpi_report_json` request (`{"period": "week", "by": "channel"}`), or NULL for the
/// defaults (monthly in UTC, no grouping).
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`out` NULL); `..._INVALID_ARGUMENT`
/// (not UTF-8); `..._INVALID_JSON` (not JSON); `..._INVALID_OPTION` (an unknown key, a wrong
/// type or value, or options that do not go together, such as a business-time SLA without a
/// calendar); `..._UNKNOWN_TIME_ZONE`; `..._INVALID_CALENDAR`. `*out` is written only on
/// success.
///
/// Ownership: borrows `options_json` for the call; on success the caller owns `*out` and must
/// free it with `supportkpi_report_free`.
///
/// # Safety
///
/// `options_json` must be NULL or a NUL-terminated string; `out` must be writable for one
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_report_new(
    options_json: *const c_char,
    out: *mut *mut supportkpi_report,
) -> supportkpi_result {
    guard(|| {
        arg::out(out, "out")?;
        let options = if options_json.is_null() {
            ReportOptions::default()
        } else {
            // SAFETY: non-NULL, and NUL-terminated per the contract.
            request::parse_options(unsafe { arg::text(options_json, "options_json") }?)?
        };
        // Options that parse but do not go together fail here rather than at the end.
        ReportAccumulator::new(options.clone())?;
        let handle = Box::into_raw(Box::new(supportkpi_report {
            csat: Csat::new(options.csat)?,
            ces: Ces::new(options.ces)?,
            options,
            input: ReportInput::default(),
            tickets_read: None,
            surveys_read: None,
        }));
        // SAFETY: checked non-NULL above; writable per the contract. Nothing fallible follows,
        // so the box cannot leak.
        unsafe { arg::write(out, handle) };
        Ok(())
    })
}

/// The live handle behind a pointer, for reading or pushing.
///
/// # Safety
/// A non-NULL `report` must be a live handle from `supportkpi_report_new`, not in use on
/// another thread.
unsafe fn handle<'a>(
    report: *mut supportkpi_report,
) -> Result<&'a mut supportkpi_report, FfiError> {
    // SAFETY: per the caller's contract.
    unsafe { report.as_mut() }.ok_or_else(|| FfiError::null("report"))
}

/// An optional column: NULL means absent in every row.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable `T`s.
unsafe fn column<'a, T>(
    ptr: *const T,
    len: usize,
    name: &str,
) -> Result<Option<&'a [T]>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, `len` elements per the caller's contract.
    unsafe { arg::slice(ptr, len, &format!("cols->{name}")) }.map(Some)
}

/// The text of row `i` of an optional text column; NULL elements are no value.
///
/// # Safety
/// Each non-NULL element must be a NUL-terminated string.
unsafe fn text_at<'a>(
    col: Option<&[*const c_char]>,
    i: usize,
    name: &str,
) -> Result<Option<&'a str>, FfiError> {
    match col.map(|c| c[i]) {
        None => Ok(None),
        Some(p) if p.is_null() => Ok(None),
        // SAFETY: non-NULL and NUL-terminated per the caller's contract.
        Some(p) => unsafe { arg::text(p, &format!("cols->{name}[{i}]")) }.map(Some),
    }
}

/// The instant of row `i` of an optional instant column; `INT64_MIN` is no value.
fn instant_at(col: Option<&[i64]>, i: usize, name: &str) -> Result<Option<Instant>, FfiError> {
    match col.map(|c| c[i]) {
        None | Some(i64::MIN) => Ok(None),
        Some(s) => instant(s, &format!("cols->{name}[{i}]")).map(Some),
    }
}

/// Names a ticket's rule error by the column and row of its field.
fn at_row(i: usize, e: Error) -> FfiError {
    match e.field().map(str::to_owned) {
        Some(field) => FfiError::at(format_args!("cols->{field}[{i}]"), e),
        None => FfiError::at(format_args!("cols row {i}"), e),
    }
}

/// The tickets of `len` rows of columns, or the first bad row's error.
///
/// # Safety
/// Per `supportkpi_report_push_tickets`.
unsafe fn tickets(cols: &supportkpi_ticket_columns, len: usize) -> Result<Vec<Ticket>, FfiError> {
    if len == 0 {
        return Ok(Vec::new());
    }
    // SAFETY (each column): every non-NULL array holds `len` elements per the contract.
    let ids = unsafe { arg::slice(cols.id, len, "cols->id") }?;
    // SAFETY: as above.
    let created = unsafe { arg::slice(cols.created_at, len, "cols->created_at") }?;
    // SAFETY: as above.
    let first_response = unsafe { column(cols.first_response_at, len, "first_response_at") }?;
    // SAFETY: as above.
    let resolved = unsafe { column(cols.resolved_at, len, "resolved_at") }?;
    // SAFETY: as above.
    let first_resolved = unsafe { column(cols.first_resolved_at, len, "first_resolved_at") }?;
    // SAFETY: as above.
    let channel = unsafe { column(cols.channel, len, "channel") }?;
    // SAFETY: as above.
    let priority = unsafe { column(cols.priority, len, "priority") }?;
    // SAFETY: as above.
    let team = unsafe { column(cols.team, len, "team") }?;
    // SAFETY: as above.
    let assignee = unsafe { column(cols.assignee, len, "assignee") }?;
    // SAFETY: as above.
    let customer = unsafe { column(cols.customer_id, len, "customer_id") }?;
    // SAFETY: as above.
    let replies = unsafe { column(cols.agent_replies, len, "agent_replies") }?;
    // SAFETY: as above.
    let reopens = unsafe { column(cols.reopens, len, "reopens") }?;
    // SAFETY: as above.
    let status = unsafe { column(cols.status, len, "status") }?;

    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        if ids[i].is_null() {
            return Err(FfiError::null(&format!("cols->id[{i}]")));
        }
        // SAFETY: non-NULL, NUL-terminated per the contract.
        let id = unsafe { arg::text(ids[i], &format!("cols->id[{i}]")) }?;
        if created[i] == i64::MIN {
            let e = Error::new(
                ErrorKind::MissingField,
                "a ticket needs its creation instant",
            )
            .with_record_type("ticket")
            .with_id(id)
            .with_field("created_at");
            return Err(at_row(i, e));
        }
        let mut b = Ticket::builder(id, instant(created[i], &format!("cols->created_at[{i}]"))?);
        if let Some(at) = instant_at(first_response, i, "first_response_at")? {
            b = b.first_response_at(at);
        }
        if let Some(at) = instant_at(resolved, i, "resolved_at")? {
            b = b.resolved_at(at);
        }
        if let Some(at) = instant_at(first_resolved, i, "first_resolved_at")? {
            b = b.first_resolved_at(at);
        }
        // SAFETY (each text column): elements are NULL or NUL-terminated per the contract.
        if let Some(v) = unsafe { text_at(channel, i, "channel") }? {
            b = b.channel(v);
        }
        // SAFETY: as above.
        if let Some(v) = unsafe { text_at(priority, i, "priority") }? {
            b = b.priority(v);
        }
        // SAFETY: as above.
        if let Some(v) = unsafe { text_at(team, i, "team") }? {
            b = b.team(v);
        }
        // SAFETY: as above.
        if let Some(v) = unsafe { text_at(assignee, i, "assignee") }? {
            b = b.assignee(v);
        }
        // SAFETY: as above.
        if let Some(v) = unsafe { text_at(customer, i, "customer_id") }? {
            b = b.customer_id(v);
        }
        // SAFETY: as above.
        if let Some(v) = unsafe { text_at(status, i, "status") }? {
            let s = v
                .parse::<Status>()
                .map_err(|e| at_row(i, e.with_record_type("ticket").with_id(id)))?;
            b = b.status(s);
        }
        if let Some(n) = replies.map(|c| c[i]).filter(|&n| n != u32::MAX) {
            b = b.agent_replies(n);
        }
        if let Some(n) = reopens.map(|c| c[i]).filter(|&n| n != u32::MAX) {
            b = b.reopens(n);
        }
        out.push(b.build().map_err(|e| at_row(i, e))?);
    }
    Ok(out)
}

/// Adds `len` tickets given as columns to the report.
///
/// Every row is checked before any is added: on failure no row of this call is added and the
/// report stays usable. `len` 0 adds nothing and is not an error (the columns may then be
/// NULL). See `supportkpi_ticket_columns` for what each column holds.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`report` or `cols` NULL, `cols->id` or
/// `cols->created_at` NULL with `len > 0`, or an id element NULL; the message names it, e.g.
/// `cols->id[3] is NULL`); `..._INVALID_ARGUMENT` (text that is not UTF-8, `len` too large for
/// an array); `..._MISSING_FIELD` (`INT64_MIN` in `created_at`, an empty id);
/// `..._INVALID_TIMESTAMP` (an instant beyond about ±262,000 years); `..._NEGATIVE_DURATION`
/// (a response or resolution before creation, or the latest resolution before the first);
/// `..._UNMAPPED_STATUS` (a status that is not a canonical name). The message of a row error
/// names the column and row, e.g. `cols->resolved_at[2]: ticket "T-3": field resolved_at = …`.
///
/// Ownership: borrows `cols` and every array it points to for the call (the text is copied);
/// `report` stays owned by the caller.
///
/// # Safety
///
/// `report` must be a live report from `supportkpi_report_new`, not in use on another thread;
/// `cols` must point to a `supportkpi_ticket_columns` whose non-NULL arrays each hold `len`
/// elements, and whose non-NULL text elements are NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_report_push_tickets(
    report: *mut supportkpi_report,
    cols: *const supportkpi_ticket_columns,
    len: usize,
) -> supportkpi_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let report = unsafe { handle(report) }?;
        // SAFETY: a non-NULL `cols` points to a valid struct per the contract.
        let cols = unsafe { cols.as_ref() }.ok_or_else(|| FfiError::null("cols"))?;
        // SAFETY: per this function's contract.
        let rows = unsafe { tickets(cols, len) }?;
        report.input.tickets.extend(rows);
        *report.tickets_read.get_or_insert(0) += len as u64;
        Ok(())
    })
}

/// Adds `len` survey scores of one kind to the report.
///
/// `kind` is a `supportkpi_survey_kind` value. `responded_at` (epoch seconds; `INT64_MIN` is
/// an error) and `scores` are required when `len > 0`; `ticket_id` links each response to the
/// ticket it rates (for `by`), and may be NULL (no links) or hold NULL elements. Scores are
/// checked against the report's scale for their kind (NPS 0–10, CSAT and CES per the options).
/// Every row is checked before any is added: on failure none of this call is added. `len` 0
/// adds nothing and is not an error. The responses get ids of their own (`"nps#17"`), which
/// the report does not show.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`report` NULL, or `responded_at` or
/// `scores` NULL with `len > 0`); `..._INVALID_ARGUMENT` (`len` too large, text not UTF-8);
/// `..._INVALID_OPTION` (`kind` is not a `supportkpi_survey_kind`); `..._MISSING_FIELD`
/// (`INT64_MIN` in `responded_at`); `..._INVALID_TIMESTAMP`; `..._SCORE_OUT_OF_SCALE` (named
/// by its index, e.g. `scores[4]`).
///
/// Ownership: borrows the arrays for the call (the text is copied); `report` stays owned by
/// the caller.
///
/// # Safety
///
/// `report` must be a live report from `supportkpi_report_new`, not in use on another thread;
/// `responded_at`, `scores` and a non-NULL `ticket_id` must each hold `len` elements, and the
/// non-NULL elements of `ticket_id` must be NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_report_push_scores(
    report: *mut supportkpi_report,
    kind: u32,
    responded_at: *const i64,
    scores: *const i32,
    ticket_id: *const *const c_char,
    len: usize,
) -> supportkpi_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let report = unsafe { handle(report) }?;
        let kind = match kind {
            0 => SurveyKind::Csat,
            1 => SurveyKind::Nps,
            2 => SurveyKind::Ces,
            _ => {
                return Err(FfiError::at(
                    "kind",
                    Error::new(
                        ErrorKind::InvalidOption,
                        "a supportkpi_survey_kind: 0 (CSAT), 1 (NPS) or 2 (CES)",
                    )
                    .with_value(kind),
                ));
            }
        };
        // SAFETY: per this function's contract.
        let at = unsafe { arg::slice(responded_at, len, "responded_at") }?;
        // SAFETY: per this function's contract.
        let values = unsafe { arg::slice(scores, len, "scores") }?;
        // SAFETY: per this function's contract.
        let tickets = unsafe { column(ticket_id, len, "ticket_id") }?;
        let first = report.input.surveys.len();
        let mut rows = Vec::with_capacity(len);
        for i in 0..len {
            if at[i] == i64::MIN {
                let e = Error::new(ErrorKind::MissingField, "a response needs its instant")
                    .with_record_type("survey_response")
                    .with_field("responded_at");
                return Err(FfiError::at(format_args!("responded_at[{i}]"), e));
            }
            let when = instant(at[i], &format!("responded_at[{i}]"))?;
            let score = values[i];
            let on_scale = match kind {
                SurveyKind::Csat => report.csat.accumulator().push(&score),
                SurveyKind::Ces => report.ces.accumulator().push(&score),
                // SurveyResponse::new checks the one NPS scale.
                SurveyKind::Nps => Ok(()),
            };
            let id = format!("{kind}#{}", first + i);
            let mut r = on_scale
                .and_then(|()| SurveyResponse::new(id, when, kind, score))
                .map_err(|e| FfiError::at(format_args!("scores[{i}]"), e))?;
            let ticket = match tickets.map(|t| t[i]) {
                Some(p) if !p.is_null() => {
                    // SAFETY: non-NULL and NUL-terminated per the contract.
                    Some(unsafe { arg::text(p, &format!("ticket_id[{i}]")) }?)
                }
                _ => None,
            };
            if let Some(t) = ticket {
                r = r.with_ticket(t);
            }
            rows.push(r);
        }
        report.input.surveys.extend(rows);
        *report.surveys_read.get_or_insert(0) += len as u64;
        Ok(())
    })
}

/// The report over every row pushed so far, as JSON: the same envelope as
/// `supportkpi_report_json` (`{"report": …, "rejected": [], "read": [...]}`, where `read`
/// lists `tickets` and `surveys`, with `file` null, once rows of them have been pushed), and
/// the same text as `supportkpi_report_json` gives for the same records inline.
///
/// It consumes nothing: it may be called again, and rows pushed afterwards are in the next
/// result. Each call computes the report from all the rows.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`report` or `json_out` NULL); the
/// kind of a record the report rejects (none is expected: rows are checked when pushed).
/// `*json_out` is written only on success.
///
/// Ownership: borrows `report`; on success the caller owns the string `*json_out` and must
/// free it with `supportkpi_string_free`.
///
/// # Safety
///
/// `report` must be a live report from `supportkpi_report_new`, not in use on another thread;
/// `json_out` must be writable for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_report_finish_json(
    report: *const supportkpi_report,
    json_out: *mut *mut c_char,
) -> supportkpi_result {
    guard(|| {
        arg::out(json_out, "json_out")?;
        // SAFETY: a non-NULL report is live per the contract, and only read.
        let report = unsafe { report.as_ref() }.ok_or_else(|| FfiError::null("report"))?;
        supportkpi::report::filter::check_fields(&report.input, &report.options)?;
        let computed = Report::compute(&report.input, &report.options)?;
        let read: Vec<ReadEntry> = [
            ("tickets", report.tickets_read),
            ("surveys", report.surveys_read),
        ]
        .into_iter()
        .filter_map(|(source, n)| {
            n.map(|records| ReadEntry {
                source,
                file: None,
                records,
            })
        })
        .collect();
        let json = string::into_c(envelope(&computed, &[], &read)?)?;
        // SAFETY: checked non-NULL above; writable per the contract. Nothing fallible follows.
        unsafe { arg::write(json_out, json) };
        Ok(())
    })
}

/// Frees a report. Accepts NULL (and does nothing).
///
/// Ownership: takes ownership of `report`; it must not be used afterwards.
///
/// # Safety
///
/// `report` must be NULL or a report from `supportkpi_report_new` that has not been freed yet,
/// with no other call on it still running.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_report_free(report: *mut supportkpi_report) {
    if report.is_null() {
        return;
    }
    guard_void(|| {
        // SAFETY: made by Box::into_raw in supportkpi_report_new and freed once, per the
        // contract.
        drop(unsafe { Box::from_raw(report) });
    });
}

/// The body of the `c_request` fuzz target, shared with the test that replays its corpus
/// (`src/fuzz_corpus.rs`): a request's bytes through `supportkpi_report_json_with(…,
/// SUPPORTKPI_REPORT_NO_FILES, …)` minus the C string handling, so no file is ever opened.
/// `Ok` is the response, which must be JSON; `Err` the result code and message a C caller gets.
#[doc(hidden)]
pub fn fuzz_report_request(data: &[u8]) -> Result<String, (supportkpi_result, String)> {
    // A C string ends at its first NUL: the bytes after it never reach the library.
    let data = data.split(|&b| b == 0).next().unwrap_or_default();
    let text = std::str::from_utf8(data).map_err(|e| {
        let message = format!("request is not UTF-8 text ({e})");
        (supportkpi_result::InvalidArgument, message)
    })?;
    let out = report_json(text, SUPPORTKPI_REPORT_NO_FILES)
        .map_err(|e| (e.code(), e.message().to_owned()))?;
    assert!(
        serde_json::from_str::<serde::de::IgnoredAny>(&out).is_ok(),
        "the response is not JSON: {out}"
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use supportkpi::io::{Preset, ReadOptions, Sources};
    use supportkpi::{Period, Report};

    fn root() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    /// Four June tickets: FRT 10, 20, 30, 40 minutes; a CSAT response on A and one on C.
    const FOUR: &str = r#""records": {"tickets": [
        {"id": "A", "created_at": "2021-06-28T09:00:00Z", "first_response_at": "2021-06-28T09:10:00Z", "channel": "email", "priority": "high", "team": "billing"},
        {"id": "B", "created_at": "2021-06-28T10:00:00Z", "first_response_at": "2021-06-28T10:20:00Z", "channel": "web", "priority": "low", "team": "billing"},
        {"id": "C", "created_at": "2021-06-28T11:00:00Z", "first_response_at": "2021-06-28T11:30:00Z", "channel": "chat", "priority": "high", "team": "support"},
        {"id": "D", "created_at": "2021-06-28T12:00:00Z", "first_response_at": "2021-06-28T12:40:00Z", "channel": "email", "priority": "high", "team": "billing"}],
      "surveys": [
        {"id": "S1", "ticket_id": "A", "responded_at": "2021-06-29T09:00:00Z", "kind": "csat", "score": 5},
        {"id": "S2", "ticket_id": "C", "responded_at": "2021-06-29T09:00:00Z", "kind": "csat", "score": 1}]}"#;

    #[test]
    fn several_dimensions_and_filters_in_the_request() {
        let request = format!(r#"{{"options": {{"by": ["team", "priority"]}}, {FOUR}}}"#);
        let out = json(&report_json(&request, 0).unwrap());
        let rows: Vec<(Option<&str>, u64, f64)> = out["report"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["dimension"].as_str(),
                    r["tickets_created"].as_u64().unwrap(),
                    r["frt_mean_s"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (None, 4, 1500.0),
                (Some("billing / high"), 2, 1500.0),
                (Some("billing / low"), 1, 1200.0),
                (Some("support / high"), 1, 1800.0),
            ]
        );
        let request = format!(
            r#"{{"options": {{"where": ["channel in (email,web)", "priority=high"]}}, {FOUR}}}"#
        );
        let out = json(&report_json(&request, 0).unwrap());
        let total = &out["report"]["rows"][0];
        assert_eq!(total["tickets_created"], 2);
        assert_eq!(total["frt_mean_s"], 1500.0);
        assert_eq!(total["csat_n"], 1);
        for options in [r#"{"by": "tema"}"#, r#"{"where": ["chanel=email"]}"#] {
            let request = format!(r#"{{"options": {options}, {FOUR}}}"#);
            let err = report_json(&request, 0).unwrap_err();
            assert_eq!(err.code(), supportkpi_result::InvalidOption);
            assert!(
                err.message().contains("known fields are channel,"),
                "{}",
                err.message()
            );
        }
    }

    #[test]
    fn the_report_is_the_cores() {
        let data = root().join("examples/data");
        let sources = Sources {
            tickets: Some(data.join("tickets.csv")),
            surveys: Some(data.join("surveys.csv")),
            ..Sources::default()
        };
        let loaded = load(&sources, &ReadOptions::new()).unwrap();
        let options = ReportOptions::default()
            .with_period(Period::Week)
            .with_by("channel");
        let direct = Report::compute(&loaded.input, &options).unwrap().to_json();
        let request = serde_json::json!({
            "sources": {"tickets": sources.tickets, "surveys": sources.surveys},
            "options": {"period": "week", "by": "channel"},
        });
        let out = json(&report_json(&request.to_string(), 0).unwrap());
        assert_eq!(out["report"], json(&direct));
        assert_eq!(out["rejected"], serde_json::json!([]));
        assert_eq!(out["read"][0]["records"], 120);
        assert_eq!(out["read"][1]["records"], 77);
    }

    /// The figures of tests/data/servicenow_reference.py, split by the year of each ticket's
    /// latest resolution: one resolution (the longest, 28,872,960 s) falls in 2017.
    #[test]
    fn servicenow_by_year() {
        let path = root().join("tests/data/servicenow_incident_events.csv");
        let request = serde_json::json!({
            "sources": {"tickets": path, "preset": Preset::ServiceNow},
            "options": {"period": "year"},
        });
        let out = json(&report_json(&request.to_string(), 0).unwrap());
        let rows = out["report"]["rows"].as_array().unwrap();
        let col = |i: usize, c: &str| rows[i][c].clone();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (col(0, "period_start"), col(1, "period_start")),
            ("2016-01-01".into(), "2017-01-01".into())
        );
        assert_eq!(
            (
                col(0, "tickets_created"),
                col(0, "tickets_resolved"),
                col(0, "tickets_reopened")
            ),
            (890.into(), 900.into(), 11.into())
        );
        assert_eq!(
            (
                col(1, "tickets_created"),
                col(1, "tickets_resolved"),
                col(1, "tickets_reopened")
            ),
            (0.into(), 1.into(), 0.into())
        );
        assert_eq!(
            (col(0, "resolution_n"), col(1, "resolution_n")),
            (889.into(), 1.into())
        );
        assert_eq!(
            col(0, "resolution_mean_s").as_f64(),
            Some(943_583_340.0 / 889.0)
        );
        assert_eq!(col(1, "resolution_mean_s").as_f64(), Some(28_872_960.0));
    }

    /// The preset is named once, in `sources`; `io::load` reads a Zendesk or Freshdesk export
    /// through the read options' preset, which the request sets from it.
    #[test]
    fn ticket_export_presets() {
        for (preset, file, n) in [
            (Preset::Zendesk, "zendesk_tickets.csv", 8),
            (Preset::Freshdesk, "freshdesk_tickets.csv", 7),
        ] {
            let request = serde_json::json!({
                "sources": {"tickets": root().join("tests/data").join(file), "preset": preset},
            });
            let out = json(&report_json(&request.to_string(), 0).unwrap());
            assert_eq!(out["read"][0]["records"], n, "{preset}");
            let created: u64 = out["report"]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["tickets_created"].as_u64().unwrap())
                .sum();
            assert_eq!(created, n, "{preset}");
        }
    }

    fn stream(columns: &[(&str, Vec<&str>)]) -> FFI_ArrowArrayStream {
        use arrow_array::{ArrayRef, RecordBatch, StringArray};
        let batch = RecordBatch::try_from_iter(columns.iter().map(|(name, v)| {
            (
                *name,
                std::sync::Arc::new(StringArray::from(v.clone())) as ArrayRef,
            )
        }))
        .unwrap();
        let schema = batch.schema();
        let reader = arrow_array::RecordBatchIterator::new(vec![Ok(batch)], schema);
        FFI_ArrowArrayStream::new(Box::new(reader))
    }

    /// `supportkpi_report_arrow` takes the options of `supportkpi_report_json` with the same
    /// checks: `max_periods`, and the report's survey scales at read time (a CSAT 0 in the
    /// surveys stream is a rejected row, not a failed report, when lenient).
    #[test]
    fn arrow_streams_honour_the_requests_options() {
        let tickets = || {
            stream(&[
                ("id", vec!["T-1"]),
                ("created_at", vec!["2000-01-01T00:00:00Z"]),
                ("resolved_at", vec!["2030-01-01T00:00:00Z"]),
            ])
        };
        let streams = || Streams {
            tickets: Some(tickets()),
            surveys: None,
        };
        // 2000-01-01 to 2030-01-01 by day: 10,959 periods.
        let err = report_request(
            r#"{"options": {"period": "day", "max_periods": 1000}}"#,
            0,
            streams(),
        )
        .unwrap_err();
        assert!(err.message().contains("max_periods"), "{}", err.message());
        let out = json(
            &report_request(
                r#"{"options": {"period": "day", "max_periods": 11000}}"#,
                0,
                streams(),
            )
            .unwrap(),
        );
        assert_eq!(out["report"]["rows"].as_array().unwrap().len(), 10_959);
        // The same 10,959 days by the ticket's one `(none)` channel: twice the rows.
        let by = |max: u32| {
            format!(
                r#"{{"options": {{"period": "day", "max_periods": 11000, "by": "channel", "max_rows": {max}}}}}"#
            )
        };
        let err = report_request(&by(21_917), 0, streams()).unwrap_err();
        assert_eq!(err.code(), supportkpi_result::InvalidOption);
        assert!(
            err.message().contains("max_rows = 21917"),
            "{}",
            err.message()
        );
        let out = json(&report_request(&by(21_918), 0, streams()).unwrap());
        assert_eq!(out["report"]["rows"].as_array().unwrap().len(), 21_918);
        // An option the JSON door refuses, the Arrow door refuses alike.
        let bad = r#"{"options": {"period": "fortnight"}}"#;
        assert_eq!(
            report_request(bad, 0, streams()).unwrap_err().code(),
            report_json(bad, 0).unwrap_err().code()
        );
        let surveys = stream(&[
            ("id", vec!["S-1", "S-2"]),
            ("responded_at", vec!["2021-06-01T08:00:00Z"; 2]),
            ("kind", vec!["csat", "csat"]),
            ("score", vec!["4", "0"]),
        ]);
        let out = json(
            &report_request(
                r#"{"read": {"errors": "lenient"}}"#,
                0,
                Streams {
                    tickets: None,
                    surveys: Some(surveys),
                },
            )
            .unwrap(),
        );
        let r = &out["rejected"][0];
        assert_eq!(
            (r["source"].clone(), r["line"].clone(), r["kind"].clone()),
            ("surveys".into(), 2.into(), "score_out_of_scale".into())
        );
        assert_eq!(out["rejected"].as_array().unwrap().len(), 1);
        assert_eq!(out["report"]["rows"][0]["csat_n"], 1);
    }

    #[test]
    fn lenient_rejects_reach_the_response() {
        let request = r#"{"read": {"errors": "lenient"}, "records": {"tickets": [
            {"id": "T-1", "created_at": "2021-06-01T08:00:00Z"},
            {"id": "T-2", "created_at": "2021-06-01T08:00:00Z",
             "resolved_at": "2021-06-01T07:00:00Z"}]}}"#;
        let out = json(&report_json(request, 0).unwrap());
        let r = &out["rejected"][0];
        assert_eq!(
            (r["index"].clone(), r["kind"].clone(), r["field"].clone()),
            (1.into(), "negative_duration".into(), "resolved_at".into())
        );
        assert_eq!(
            (r["file"].clone(), r["line"].clone(), r["id"].clone()),
            (
                serde_json::Value::Null,
                serde_json::Value::Null,
                "T-2".into()
            )
        );
        assert_eq!(
            out["read"],
            serde_json::json!([{"source": "tickets", "file": null, "records": 2}])
        );
        assert_eq!(out["report"]["rows"][0]["tickets_created"], 1);
    }
}
