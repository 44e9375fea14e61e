/*
 * supportkpi: customer-support KPIs (NPS, CSAT, CES, business time, ...) from C.
 *
 * CONVENTIONS
 *
 * Names. Every symbol starts with supportkpi_ (types, functions) or SUPPORTKPI_ (constants).
 *
 * Results. Every function that can fail returns a supportkpi_result: SUPPORTKPI_RESULT_OK (0)
 * or the class of the failure. The numbers are stable: never changed, never reused, only
 * added. 1-99 are failures at the C boundary (NULL pointer, invalid argument, panic, ...);
 * 100 and up are one per error kind of the library (score out of scale, unknown time zone,
 * invalid calendar, ...). supportkpi_result_name(code) gives the snake_case name.
 *
 * Error messages. Each such call also sets the calling thread's last error message: the
 * empty string on success, otherwise one line naming the argument (and array index), the
 * record, field, value and rule involved. supportkpi_error_message() copies it into a buffer
 * the caller owns; it never changes the message itself. Messages are per thread: calls on
 * other threads never change this thread's message. Match on the code, not on the text.
 *
 * Output parameters. Results come back through pointer parameters named out (or *_out),
 * written only when the call returns SUPPORTKPI_RESULT_OK. On any failure they are left
 * exactly as the caller set them. A NULL output pointer is SUPPORTKPI_RESULT_NULL_POINTER.
 *
 * Arguments. Every pointer argument is checked for NULL and every array is a pointer plus a
 * length (size_t). An array pointer may be NULL only when its length is 0, which means an
 * empty array; an empty array of scores is not an error (see "Undefined values"). A length
 * too large for an array is SUPPORTKPI_RESULT_INVALID_ARGUMENT, as is text that is not UTF-8.
 * Text arguments are NUL-terminated UTF-8. Instants are Unix epoch seconds (int64_t, UTC).
 * Nothing a function borrows is kept after it returns.
 *
 * Ownership. Each function says what it borrows and what the caller owns afterwards.
 * - Handles (supportkpi_calendar, supportkpi_report) are opaque, made by
 *   supportkpi_<name>_new and freed by supportkpi_<name>_free, exactly once. Every _free
 *   function accepts NULL.
 * - Strings the library returns through a char ** parameter are owned by the caller and freed
 *   with supportkpi_string_free (never free(): the allocators may differ); it accepts NULL.
 * - Strings returned as const char * (supportkpi_version, supportkpi_result_name) are static:
 *   never free them.
 * - Result structs are plain values the caller owns; they hold no pointers.
 *
 * Undefined values. A value that cannot be computed (no responses, a zero denominator) is
 * never reported as 0 or NaN: its supportkpi_metric or supportkpi_interval has defined ==
 * false. Read value, lower and upper only when defined is true (they hold NaN otherwise, so
 * that a missed check shows). Counts (n, promoters, ...) are always defined.
 *
 * Panics. No panic unwinds into C: every function runs the library under a panic boundary.
 * A caught panic is SUPPORTKPI_RESULT_PANIC (a bug in supportkpi; please report it, with
 * the message); functions without a result (the _free functions) swallow it.
 *
 * Threads. Functions may be called from any thread. A calendar is immutable once made and may
 * be used from several threads at once, except that _free must not run concurrently with any
 * other call on the same handle. A report handle changes as rows are pushed: use it from one
 * thread at a time (it may move between threads). Computing a report runs on a pool of worker
 * threads that the library starts on first use and keeps for the life of the process.
 *
 * Reports. supportkpi_report_json computes the whole report from one JSON request naming
 * files and/or holding records inline, and returns the report as JSON (free it with
 * supportkpi_string_free). Every part of the request is optional:
 *
 *     {"sources": {"tickets": "tickets.csv", "surveys": "surveys.csv",
 *                  "preset": a name `supportkpi presets` lists, ...},
 *      "records": {"tickets": [{"id": "T-1", "created_at": "2021-06-01T08:00:00Z",
 *                               "resolved_at": "2021-06-01T09:30:00Z"}], "surveys": [...]},
 *      "read":    {"errors": "strict" | "lenient", "timezone": "UTC", ...},
 *      "options": {"period": "month", "zone": "UTC", "by": "channel", ...}}
 *
 * and the response is an envelope around the report table:
 *
 *     {"report":   {"options": {...}, "columns": [...], "rows": [{...}, ...]},
 *      "rejected": [{"source", "file", "line", "index", "kind", "field", "value", ...}],
 *      "read":     [{"source": "tickets", "file": "tickets.csv", "records": 120}, ...]}
 *
 * "rejected" lists the records a lenient read set aside (strict reads fail instead). Not JSON,
 * or an inline record that does not fit its type, is SUPPORTKPI_RESULT_INVALID_JSON; a bad
 * setting in "sources", "read" or "options" is SUPPORTKPI_RESULT_INVALID_OPTION (or
 * UNKNOWN_TIME_ZONE, INVALID_CALENDAR). supportkpi_report_json's own comment has the details.
 *
 * Files. supportkpi_report_json opens and reads every path a request names in "sources"
 * (relative to the process's working directory), with the process's rights. A host that
 * forwards requests written by others must not let them choose paths: it calls
 * supportkpi_report_json_with(request, SUPPORTKPI_REPORT_NO_FILES, &out), which refuses any
 * request naming a file (SUPPORTKPI_RESULT_INVALID_OPTION, nothing opened) and reads inline
 * records only. Either way a report has at most options.max_periods periods (default 10000)
 * and options.max_rows rows (default 500000; a row per period and per (period, "by" value)):
 * a request whose records span more periods, or group into more rows, is
 * SUPPORTKPI_RESULT_INVALID_OPTION before the report is made, so a small request cannot make
 * a huge report.
 *
 * For data held in columns, supportkpi_report_new / _push_tickets / _push_scores /
 * _finish_json build the same report (the same JSON text) from arrays.
 *
 * Arrow. supportkpi_report_arrow takes tickets and survey responses as Arrow C stream
 * interface streams (struct ArrowArrayStream, defined below unless an Arrow header already
 * did) plus the same JSON request, and returns the same response. It takes ownership of every
 * stream it is given, on success and on failure alike: it moves the stream (your struct's
 * release becomes NULL) and calls its release callback exactly once before it returns.
 *
 * Linking. Link -lsupportkpi (shared), or libsupportkpi.a plus -lpthread -ldl -lm (static);
 * pkg-config --cflags --libs supportkpi (add --static for the static library).
 */


#ifndef SUPPORTKPI_H
#define SUPPORTKPI_H

/* Generated by cbindgen from crates/supportkpi-ffi; do not edit. Regenerate with
 * SUPPORTKPI_BLESS=1 cargo test -p supportkpi-ffi --test header */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
    // Array type description
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;

    // Release callback
    void (*release)(struct ArrowSchema *);
    // Opaque producer-specific data
    void *private_data;
};

struct ArrowArray {
    // Array data description
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;

    // Release callback
    void (*release)(struct ArrowArray *);
    // Opaque producer-specific data
    void *private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
    // Callbacks providing stream functionality
    int (*get_schema)(struct ArrowArrayStream *, struct ArrowSchema *out);
    int (*get_next)(struct ArrowArrayStream *, struct ArrowArray *out);
    const char *(*get_last_error)(struct ArrowArrayStream *);

    // Release callback
    void (*release)(struct ArrowArrayStream *);

    // Opaque producer-specific data
    void *private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

// A flag of `supportkpi_report_json_with`: refuse a request that names any file in
// `sources` (`SUPPORTKPI_RESULT_INVALID_OPTION`, before anything is opened); the report is
// computed from inline records only. For a host that passes on requests it did not write.
#define SUPPORTKPI_REPORT_NO_FILES 1

// What a call returned: `SUPPORTKPI_RESULT_OK` (0) or the class of its failure.
//
// The numbers are part of the ABI: they never change and are never reused; new classes get new
// numbers. 1–99 are failures found at the C boundary (a NULL, a bad length, a panic); 100 and
// up are one per error kind of the library, in the order the library lists them, named as
// `supportkpi_result_name` prints them. The thread's last error message
// (`supportkpi_error_message`) says which argument, record, field, value and rule.
enum supportkpi_result
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    // Success; output parameters have been written.
    SUPPORTKPI_RESULT_OK = 0,
    // A required pointer argument was NULL (or an array pointer was NULL with a non-zero
    // length).
    SUPPORTKPI_RESULT_NULL_POINTER = 1,
    // An argument is unusable as given: text that is not UTF-8, an array length too large to
    // address, a zero-length output buffer.
    SUPPORTKPI_RESULT_INVALID_ARGUMENT = 2,
    // The library panicked (a bug in supportkpi, please report it); the panic was caught and
    // no output parameter was written.
    SUPPORTKPI_RESULT_PANIC = 3,
    // A failure of a class this table has no number for.
    SUPPORTKPI_RESULT_OTHER = 4,
    // A JSON text is malformed or does not have the shape the call expects.
    SUPPORTKPI_RESULT_INVALID_JSON = 5,
    // A required field is absent or empty.
    SUPPORTKPI_RESULT_MISSING_FIELD = 100,
    // A value could not be parsed or is not allowed for its field.
    SUPPORTKPI_RESULT_INVALID_VALUE = 101,
    // A timestamp could not be parsed, or an instant lies outside the supported range
    // (roughly ±262,000 years around 1970).
    SUPPORTKPI_RESULT_INVALID_TIMESTAMP = 102,
    // An end instant lies before its start (a response or resolution before creation).
    SUPPORTKPI_RESULT_NEGATIVE_DURATION = 103,
    // A survey score lies outside its scale.
    SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE = 104,
    // A time zone name is not a known IANA zone.
    SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE = 105,
    // Amounts in different currencies were combined.
    SUPPORTKPI_RESULT_MIXED_CURRENCIES = 106,
    // Two records share an id that must be unique.
    SUPPORTKPI_RESULT_DUPLICATE_ID = 107,
    // A status name in the data has no entry in the status map.
    SUPPORTKPI_RESULT_UNMAPPED_STATUS = 108,
    // A business calendar (hours text, holidays) is malformed.
    SUPPORTKPI_RESULT_INVALID_CALENDAR = 109,
    // An option is invalid: a bad scale, threshold, confidence level or scale id.
    SUPPORTKPI_RESULT_INVALID_OPTION = 110,
    // Two accumulators built with different options were merged.
    SUPPORTKPI_RESULT_INCOMPATIBLE_MERGE = 111,
    // Serialized accumulator state is malformed or inconsistent.
    SUPPORTKPI_RESULT_INVALID_STATE = 112,
    // Reading input failed (file missing, unreadable, truncated).
    SUPPORTKPI_RESULT_IO = 113,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum supportkpi_result supportkpi_result;
#else
typedef uint32_t supportkpi_result;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The named CES scales, passed to `supportkpi_ces` as a `uint32_t`.
enum supportkpi_ces_scale
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    // "How much effort did you personally have to put forth?": 1 = very low effort … 5 = very
    // high effort; lower is better; easy = 1–2. The classic CES, and the default.
    SUPPORTKPI_CES_SCALE_EFFORT_1_TO_5 = 0,
    // CES 2.0, "The company made it easy for me to handle my issue": 1 = strongly disagree …
    // 7 = strongly agree; higher is better; easy = 5–7.
    SUPPORTKPI_CES_SCALE_EASE_1_TO_7 = 1,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum supportkpi_ces_scale supportkpi_ces_scale;
#else
typedef uint32_t supportkpi_ces_scale;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The kind of survey scores pushed with `supportkpi_report_push_scores`. Passed as
// `uint32_t`, so that any number is safe to pass.
enum supportkpi_survey_kind
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
    // CSAT, on the report's CSAT scale (`options.csat`, 1–5 by default).
    SUPPORTKPI_SURVEY_KIND_CSAT = 0,
    // NPS, 0–10.
    SUPPORTKPI_SURVEY_KIND_NPS = 1,
    // CES, on the report's CES scale (`options.ces`, effort 1–5 by default).
    SUPPORTKPI_SURVEY_KIND_CES = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum supportkpi_survey_kind supportkpi_survey_kind;
#else
typedef uint32_t supportkpi_survey_kind;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// A business calendar: a time zone, weekly opening hours and holidays. Opaque; made by
// `supportkpi_calendar_new`, freed by `supportkpi_calendar_free`.
//
// A calendar never changes after it is made, so one calendar may be used from several threads
// at once; free it once, after every other call on it has returned.
typedef struct supportkpi_calendar supportkpi_calendar;

// A report being built from column arrays. Opaque; made by `supportkpi_report_new`, fed by
// `supportkpi_report_push_tickets` and `supportkpi_report_push_scores`, read by
// `supportkpi_report_finish_json`, freed by `supportkpi_report_free`.
//
// Unlike a calendar, a report handle changes as rows are pushed: use it from one thread at a
// time (it may move between threads).
typedef struct supportkpi_report supportkpi_report;

// Ticket columns for `supportkpi_report_push_tickets`: one array per field, each of the
// call's `len` elements; row `i` is element `i` of every array.
//
// Zero-initialize it (`supportkpi_ticket_columns cols = {0};`) and set the columns you have:
// a NULL array means the field is missing in every row, so columns added in later versions
// stay missing when a program is rebuilt. Instants are Unix epoch seconds (UTC); `INT64_MIN`
// in an element means that row has no value. In a text column a NULL element means no value.
typedef struct supportkpi_ticket_columns {
    // Ticket ids, required (non-NULL array, non-NULL and non-empty elements).
    const char *const *id;
    // Creation instants, required (non-NULL array, no `INT64_MIN`).
    const int64_t *created_at;
    // First public agent replies.
    const int64_t *first_response_at;
    // Latest resolutions.
    const int64_t *resolved_at;
    // First resolutions (taken to be `resolved_at` when missing).
    const int64_t *first_resolved_at;
    // Channels (email, chat, …).
    const char *const *channel;
    // Priorities.
    const char *const *priority;
    // Teams.
    const char *const *team;
    // Assignees.
    const char *const *assignee;
    // Customer ids.
    const char *const *customer_id;
    // Public agent replies; `UINT32_MAX` in an element (or a NULL array) means unknown.
    const uint32_t *agent_replies;
    // Reopens; `UINT32_MAX` in an element (or a NULL array) means unknown, never 0:
    // first-contact resolution leaves such a ticket out.
    const uint32_t *reopens;
    // Statuses, canonical names (`new`, `open`, `pending`, `on_hold`, `solved`, `closed`,
    // `cancelled`, and the synonyms `resolved`, `canceled`, …); a NULL array or element means
    // derived: solved when resolved, else open.
    const char *const *status;
} supportkpi_ticket_columns;

// The options of `supportkpi_nps`. Start from `supportkpi_nps_options_default()` and change
// fields, so that fields added in later versions get their defaults.
typedef struct supportkpi_nps_options {
    // The level of `ci`, strictly between 0 and 1 (default 0.95).
    double confidence;
    // Report adjusted-Wald intervals (¾ of a response added to promoters and detractors, n + 3)
    // instead of plain Wald (default false).
    bool adjusted_wald;
} supportkpi_nps_options;

// A number that may be undefined (no responses, a zero denominator).
//
// Read `value` only when `defined` is true. When it is false the library stores NaN in
// `value`, so that a caller who forgets the check computes NaN rather than a plausible 0; the
// meaning is carried by `defined`, never by the value.
typedef struct supportkpi_metric {
    // True when `value` holds a value.
    bool defined;
    // The value; NaN when `defined` is false.
    double value;
} supportkpi_metric;

// An interval that may be undefined, with the conventions of `supportkpi_metric`: read
// `lower` and `upper` only when `defined` is true (they are NaN otherwise).
typedef struct supportkpi_interval {
    // True when `lower` and `upper` hold values.
    bool defined;
    // The lower bound; NaN when `defined` is false.
    double lower;
    // The upper bound; NaN when `defined` is false.
    double upper;
} supportkpi_interval;

// An NPS: 100 × (promoters − detractors) / n on the 0–10 scale (promoters 9–10, passives 7–8,
// detractors 0–6).
//
// `score`, `standard_error` and the intervals are in NPS points (−100 to 100); the shares are
// fractions in 0–1. With no responses (`n == 0`) every metric is undefined.
typedef struct supportkpi_nps_result {
    // 100 × (promoters − detractors) / n, exact (no rounding inside).
    struct supportkpi_metric score;
    // Responses scoring 9 or 10.
    uint64_t promoters;
    // Responses scoring 7 or 8.
    uint64_t passives;
    // Responses scoring 0 to 6.
    uint64_t detractors;
    // All responses.
    uint64_t n;
    // promoters / n.
    struct supportkpi_metric promoter_share;
    // passives / n.
    struct supportkpi_metric passive_share;
    // detractors / n.
    struct supportkpi_metric detractor_share;
    // 100·√((p + d − (p − d)²)/n), from the observed shares.
    struct supportkpi_metric standard_error;
    // The 95% interval of the score (Wald or adjusted-Wald per the options), clamped to
    // −100..100.
    struct supportkpi_interval ci95;
    // The same interval at `confidence`.
    struct supportkpi_interval ci;
    // The level of `ci`.
    double confidence;
    // Whether the intervals are adjusted-Wald.
    bool adjusted_wald;
    // Responses per score: `distribution[s]` is the count of score `s`, 0 to 10.
    uint64_t distribution[11];
} supportkpi_nps_result;

// The options of `supportkpi_csat`. Start from `supportkpi_csat_options_default()` and change
// fields, so that fields added in later versions get their defaults.
typedef struct supportkpi_csat_options {
    // The lowest score of the answer scale (default 1).
    int32_t scale_min;
    // The highest score of the answer scale (default 5); the scale has 2 to 101 points.
    // Good/bad surveys are the scale 0–1 with 1 = good.
    int32_t scale_max;
    // When true, `positive_from` is the lowest positive score; when false (the default) the
    // scale's own default applies: top-2-box (`scale_max - 1`) on scales of 5 points or more,
    // top box (`scale_max`) on shorter ones.
    bool has_positive_from;
    // The lowest score counted as positive, read only when `has_positive_from` is true; it
    // must lie on the scale.
    int32_t positive_from;
    // The level of `ci`, strictly between 0 and 1 (default 0.95).
    double confidence;
} supportkpi_csat_options;

// A CSAT: 100 × positive / n, with the mean score and Wilson intervals of the positive share.
//
// `score` and the intervals are in percent (0–100); `mean` is on the answer scale. With no
// responses (`n == 0`) every metric is undefined.
typedef struct supportkpi_csat_result {
    // 100 × positive / n.
    struct supportkpi_metric score;
    // Responses scoring `positive_from` or more.
    uint64_t positive;
    // All responses.
    uint64_t n;
    // The mean score, on the answer scale.
    struct supportkpi_metric mean;
    // The Wilson 95% interval of the positive share, in percent.
    struct supportkpi_interval ci95;
    // The Wilson interval at `confidence`, in percent.
    struct supportkpi_interval ci;
    // The level of `ci`.
    double confidence;
    // The lowest score of the scale.
    int32_t scale_min;
    // The highest score of the scale.
    int32_t scale_max;
    // The lowest positive score actually used (the scale's default when none was given).
    int32_t positive_from;
} supportkpi_csat_result;

// A CES: mean score, share "easy", on the scale it was computed on.
//
// `mean` is on the answer scale (read it with `lower_is_better`); `easy_share` is a fraction
// in 0–1. With no responses (`n == 0`) both are undefined.
typedef struct supportkpi_ces_result {
    // The mean score.
    struct supportkpi_metric mean;
    // easy / n, in 0–1.
    struct supportkpi_metric easy_share;
    // Responses in the scale's easy range.
    uint64_t easy;
    // All responses.
    uint64_t n;
    // The scale, a `supportkpi_ces_scale` value.
    uint32_t scale;
    // The lowest score of the scale.
    int32_t scale_min;
    // The highest score of the scale.
    int32_t scale_max;
    // The last easy score when lower is better, the first when higher is better.
    int32_t easy_threshold;
    // True when low scores are good (`effort_1_to_5`).
    bool lower_is_better;
} supportkpi_ces_result;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// The library version as a static NUL-terminated string ("0.1.0").
//
// Ownership: the string is static and owned by the library; do not free it.
const char *supportkpi_version(void);

// Makes a business calendar from its text form, an IANA time zone and holiday dates.
//
// `hours` is the weekly hours, e.g. `"Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-14:00"`:
// clauses separated by `;`, each weekdays (`Mon`…`Sun` or full names, ranges and lists) and
// intervals `HH:MM-HH:MM` in local wall-clock time; an end at or before the start runs past
// midnight; `"24/7"` is always open and `"closed"` never (a blank text is `INVALID_CALENDAR`). `timezone` is an IANA name
// such as `"Europe/Berlin"` or `"UTC"`. `holidays` is an array of `n_holidays` local dates
// `"YYYY-MM-DD"`, each closed from 00:00 to 24:00; it may be NULL when `n_holidays` is 0.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`hours`, `timezone` or `out` NULL, or
// `holidays` or one of its strings NULL with `n_holidays > 0`); `..._INVALID_ARGUMENT` (text
// that is not UTF-8, `n_holidays` too large for an array); `..._UNKNOWN_TIME_ZONE`;
// `..._INVALID_CALENDAR` (bad hours text, or a holiday that is not a date `YYYY-MM-DD`).
// `*out` is written only on success.
//
// Ownership: borrows the strings and the array for the call (nothing is kept); on success
// the caller owns `*out` and must free it with `supportkpi_calendar_free`.
//
// # Safety
//
// `hours` and `timezone` must be NUL-terminated strings; `holidays` must point to
// `n_holidays` pointers to NUL-terminated strings (or be NULL with `n_holidays == 0`); `out`
// must be writable for one pointer.
supportkpi_result supportkpi_calendar_new(const char *hours,
                                          const char *timezone,
                                          const char *const *holidays,
                                          size_t n_holidays,
                                          struct supportkpi_calendar **out);

// The business seconds in `[start, end)`: the seconds at which the calendar is open.
//
// Instants are Unix epoch seconds (UTC). The result is 0 when nothing is open in between, and
// negative when `end < start` (minus the open seconds of `[end, start)`), so that
// d(a, c) = d(a, b) + d(b, c) always holds.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`calendar` or `out` NULL);
// `..._INVALID_TIMESTAMP` (an instant beyond about ±262,000 years). `*out` is written only on
// success.
//
// Ownership: borrows `calendar` for the call; the caller owns `*out`.
//
// # Safety
//
// `calendar` must be a live calendar from `supportkpi_calendar_new`; `out` must be writable
// for one `int64_t`.
supportkpi_result supportkpi_calendar_business_seconds(const struct supportkpi_calendar *calendar,
                                                       int64_t start_epoch_s,
                                                       int64_t end_epoch_s,
                                                       int64_t *out);

// The calendar's weekly hours in the text form `supportkpi_calendar_new` reads, normalized
// (`"mon-fri 9:00-17:00"` reads back as `"Mon-Fri 09:00-17:00"`). The time zone and holidays
// are not part of it.
//
// Returns `SUPPORTKPI_RESULT_OK` or `..._NULL_POINTER` (`calendar` or `out` NULL). `*out` is
// written only on success.
//
// Ownership: borrows `calendar`; on success the caller owns the string `*out` and must free it
// with `supportkpi_string_free`.
//
// # Safety
//
// `calendar` must be a live calendar from `supportkpi_calendar_new`; `out` must be writable
// for one pointer.
supportkpi_result supportkpi_calendar_to_string(const struct supportkpi_calendar *calendar,
                                                char **out);

// Frees a calendar. Accepts NULL (and does nothing).
//
// Ownership: takes ownership of `calendar`; it must not be used afterwards.
//
// # Safety
//
// `calendar` must be NULL or a calendar from `supportkpi_calendar_new` that has not been
// freed yet, with no other call on it still running.
void supportkpi_calendar_free(struct supportkpi_calendar *calendar);

// Copies the thread's last error message into `buf`, NUL-terminated.
//
// The message describes the last call on this thread that returned a `supportkpi_result`
// (other than this function): empty after a success, otherwise one line naming the argument,
// record, field, value and rule involved, e.g. `scores[3]: score: field score = "11": an NPS
// score is on the 0-10 scale`. It is kept per thread, so calls on other threads do not change
// it, and this function never changes it (reading it twice gives the same text).
//
// At most `buf_len - 1` bytes are copied, cut at a UTF-8 character boundary, then a NUL.
// `*out_len` receives the full length of the message in bytes, without the NUL: when it is
// `>= buf_len` the copy was cut short, and a buffer of `*out_len + 1` bytes holds all of it.
//
// Returns `SUPPORTKPI_RESULT_OK`, `..._NULL_POINTER` when `buf` or `out_len` is NULL, or
// `..._INVALID_ARGUMENT` when `buf_len` is 0; on failure nothing is written.
//
// Ownership: the caller owns `buf` and `out_len`; the library keeps no pointer to them.
//
// # Safety
//
// `buf` must be valid for writes of `buf_len` bytes and `out_len` for one `size_t`.
supportkpi_result supportkpi_error_message(char *buf,
                                           size_t buf_len,
                                           size_t *out_len);

// Computes the whole report from a JSON request and returns it as JSON.
//
// The request is a JSON object with four optional parts (`{}` is an empty report):
//
// ```json
// {
//   "sources": {"tickets": "data/tickets.csv", "events": "…", "surveys": "data/surveys.csv",
//               "customers": "…", "costs": "…", "preset": "servicenow"},
//   "records": {"tickets": [{"id": "T-1", "created_at": "2021-06-01T08:00:00Z",
//                            "resolved_at": "2021-06-01T09:30:00Z", "channel": "email"}],
//               "surveys": [{"id": "S-1", "ticket_id": "T-1", "kind": "nps", "score": 9,
//                            "responded_at": "2021-06-02T10:00:00Z"}],
//               "customers": [...], "costs": [...]},
//   "read": {"errors": "lenient", "timezone": "UTC"},
//   "options": {"period": "month", "zone": "Europe/Berlin", "by": "channel"}
// }
// ```
//
// - `sources`: files to read, CSV or JSON Lines by extension, in the canonical layout or a
//   helpdesk's through `preset`: any name of the core's one list of presets (`Preset::ALL`;
//   `supportkpi presets` lists them with what each reads), e.g. `"servicenow"` (its incident
//   event log, given as `tickets` or `events`) or `"zendesk"` (its ticket export). Relative
//   paths are relative to the process's working directory.
// - `records`: records given inline, appended to those read from files. Their keys are the
//   canonical field names; instants are RFC 3339 text with an offset (`"…Z"`), cost dates
//   `"YYYY-MM-DD"`, money `{"amount": "1200.50", "currency": "USD"}`, ticket statuses the
//   canonical names (`new`, `open`, `pending`, `on_hold`, `solved`, `closed`, `cancelled`),
//   survey kinds `csat`, `nps`, `ces`; tickets may carry `"dimensions": {"name": "value"}`.
//   Each array is checked as a file is: ids unique within it (`DUPLICATE_ID`), one currency
//   (the first record's; `MIXED_CURRENCIES`), CSAT and CES scores on `options.csat` /
//   `options.ces` scales (`SCORE_OUT_OF_SCALE`), so a lenient read sets each aside by index.
//   Files are read with those scales too.
// - `read`: how files are read and what a bad record does: `errors` (`"strict"`, the default:
//   the first bad record fails the call; `"lenient"`: bad records, in files and inline, are
//   listed in the response's `rejected` and the rest reported), `timezone` (of naive local
//   times, default `"UTC"`), `timestamp_format` and `date_format` (chrono patterns),
//   `null_tokens`, `currency` (for rows without one), `delimiter`, `keep_extra_columns`,
//   `check_duplicate_ids`.
// - `options`: the report's options, `supportkpi::report::ReportOptions` as JSON: `period`
//   (`day`, `week`, `month`, `quarter`, `year`), `zone`, `calendar` (`{"timezone": …,
//   "hours": "Mon-Fri 09:00-17:00", "holidays": ["2021-12-24"]}`), `by`, `quantiles`, `sla`,
//   `as_of`, `csat`, `nps`, `ces`, `cost_denominator`, `fcr_denominator`, `range`
//   (`["2021-01-01", "2021-12-31"]`: exactly these periods), `max_periods` (default 10000:
//   records whose instants span more periods, or a longer `range`, are
//   `SUPPORTKPI_RESULT_INVALID_OPTION` naming the record, before anything is allocated for
//   the periods), `max_rows` (default 500000: a report of more rows, a row per period and per
//   (period, `by` value), is `SUPPORTKPI_RESULT_INVALID_OPTION` with field `by` (`period`
//   without a grouping), before its rows are made),
//   `status_time` (`{"requester_wait": ["new", "open", "on_hold"], "agent_work": […]}`),
//   `calendars` (a calendar per team: `{"by": "team", "calendars": {"Billing": {…}}}`),
//   `sections` (the report's sections to compute, default all: `["intervals", "arrivals",
//   "backlog_ages", "revenue_retention", "cohorts", "drill_down"]`; the others are not
//   computed and are empty in `report.sections`, `drill_down` `null`; an unknown name is
//   `SUPPORTKPI_RESULT_INVALID_OPTION`), `drill_down_top` (K, the tickets each drill-down
//   list keeps: default 20, at most 1000). `report.sections.drill_down` is `{"top": K,
//   "periods": [{"period_start", "period_end", "slowest_first_responses",
//   "slowest_resolutions", "sla_breaches"}], "open_at", "oldest_open"}`, each list `{"n",
//   "tickets": [{"ticket_id", "channel", "priority", "team", "created_at", "seconds", "at",
//   "targets"}]}` (docs/definitions.md, "Drill-down").
//   `sla` holds `calendar`, `first_response`, `resolution`, `next_reply` and `periodic_update`
//   targets (`{"by_priority": {"P1": {"seconds": 3600, "clock": "business"}},
//   "default": …}`), `pause` (statuses per metric, e.g. `{"resolution": ["pending"]}`)
//   and `teams` (targets per team, the same form).
//
// The response (`*report_json_out`) is one JSON object:
//
// ```json
// {"report": {"options": {…}, "columns": ["period_start", …],
//             "rows": [{"period_start": "2021-06-01", …, "undefined": {"csat_pct": "…"}}]},
//  "rejected": [{"source": "surveys", "file": "data/surveys.csv", "line": 7, "index": null,
//                "kind": "score_out_of_scale", "record_type": "survey_response",
//                "id": "S-6", "field": "score", "value": "11", "rule": "…", "message": "…"}],
//  "read": [{"source": "tickets", "file": "data/tickets.csv", "records": 120},
//           {"source": "surveys", "file": null, "records": 1}]}
// ```
//
// `report` has one row per period (the total, then one per value of `by`), the columns in
// `report.columns`, an undefined value as `null` with its reason under `undefined`.
// `rejected` is empty unless `read.errors` is `"lenient"`; an inline record is named by its
// `index` in its array (`file` and `line` null), a file's by `file` and `line`. `read` lists
// each input (a file, or an inline array) with the records read from it.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`request_json` or `report_json_out`
// NULL); `..._INVALID_ARGUMENT` (not UTF-8); `..._INVALID_JSON` (not JSON, not an object, a
// top-level key other than the four, or an inline record that does not fit its record type:
// an unknown or missing key, a wrong type, an unparsable instant; the message names the line
// and column); `..._INVALID_OPTION` (anything in `sources`, `read` or `options` that is not a
// setting: an unknown key, a wrong type, an unknown period, preset or error mode);
// `..._UNKNOWN_TIME_ZONE` (`options.zone`, `read.timezone`, the calendar's);
// `..._INVALID_CALENDAR`; `..._IO` (a file that cannot be opened or read); and in strict
// mode, the kind of the first bad record (`..._NEGATIVE_DURATION`, `..._INVALID_TIMESTAMP`,
// `..._SCORE_OUT_OF_SCALE`, `..._MISSING_FIELD`, …), its message naming the file and line
// (or `records.<input>[index]`), the field and the value. `*report_json_out` is written only
// on success.
//
// Ownership: borrows `request_json` for the call; on success the caller owns the string
// `*report_json_out` and must free it with `supportkpi_string_free`.
//
// # Safety
//
// `request_json` must be a NUL-terminated string; `report_json_out` must be writable for one
// pointer.
supportkpi_result supportkpi_report_json(const char *request_json,
                                         char **report_json_out);

// `supportkpi_report_json` with flags: 0 is `supportkpi_report_json` itself;
// `SUPPORTKPI_REPORT_NO_FILES` refuses requests that name files. Unknown bits are
// `SUPPORTKPI_RESULT_INVALID_ARGUMENT`.
//
// Returns what `supportkpi_report_json` returns, and `..._INVALID_OPTION` for a file named
// under `SUPPORTKPI_REPORT_NO_FILES` (the message names the key and the path).
//
// Ownership: as `supportkpi_report_json`.
//
// # Safety
//
// As `supportkpi_report_json`.
supportkpi_result supportkpi_report_json_with(const char *request_json,
                                              uint32_t flags,
                                              char **report_json_out);

// Computes the whole report from tickets and survey responses handed over as Arrow C
// streams (the Arrow C stream interface: what pyarrow's `_export_to_c`, polars, DuckDB,
// nanoarrow and arrow-rs export), plus a JSON request as `supportkpi_report_json` takes it,
// and returns the report as `supportkpi_report_json` does.
//
// `tickets` holds summary tickets in the canonical layout (columns named as the fields:
// `id`, `created_at`, `resolved_at`, …), or the export of the request's `sources.preset`
// (`"servicenow"`: its incident event log; `"zendesk"`, `"freshdesk"`). `surveys` holds survey
// responses in the canonical layout. Either may be NULL (no such input). Columns are read
// with the rules of the file readers and the request's `read` settings: strings, dictionary
// (categorical) strings, integers, floats, booleans, timestamps of any unit (with a zone:
// instants; without: wall-clock times in `read.timezone`), dates. The request
// (`request_json`, `"{}"` for none) is the one of `supportkpi_report_json`: its `options`,
// its `read` settings, and any `sources` files or inline `records`, which are added to the
// streams' records. The report equals `supportkpi_report_json`'s on the same records; in the
// response's `rejected` and `read`, a stream is the source `"tickets"` or `"surveys"` with
// `file` null and `line` the row number in the stream (from 1).
//
// Returns what `supportkpi_report_json` returns, and `..._INVALID_ARGUMENT` for a stream that
// was already released or whose schema cannot be read; `..._IO` for a stream whose
// `get_next` fails (the message has the stream's `get_last_error`); `..._INVALID_VALUE` for
// a column of a type no field can read (a list, a struct, …). In strict mode a bad row fails
// the call with its kind, the message naming the stream, row, field, value and rule.
// `*report_json_out` is written only on success.
//
// Ownership: the library takes ownership of each non-NULL stream in every case, success or
// failure, before it looks at any other argument: it moves the stream out (setting the
// caller's `release` to NULL, as the C stream interface's move semantics say) and calls its
// `release` callback exactly once before returning. The caller must not use or release the
// streams afterwards (releasing a moved stream is a no-op: its `release` is NULL). Borrows
// `request_json` for the call; on success the caller owns `*report_json_out` and frees it
// with `supportkpi_string_free`.
//
// # Safety
//
// `tickets` and `surveys` must each be NULL or point to a `struct ArrowArrayStream` that is
// valid per the Arrow C stream interface (or already released); `request_json` must be a
// NUL-terminated string; `report_json_out` must be writable for one pointer.
supportkpi_result supportkpi_report_arrow(struct ArrowArrayStream *tickets,
                                          struct ArrowArrayStream *surveys,
                                          const char *request_json,
                                          char **report_json_out);

// Makes an empty report.
//
// `options_json` is the report's options as JSON, the `options` part of a
// `supportkpi_report_json` request (`{"period": "week", "by": "channel"}`), or NULL for the
// defaults (monthly in UTC, no grouping).
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`out` NULL); `..._INVALID_ARGUMENT`
// (not UTF-8); `..._INVALID_JSON` (not JSON); `..._INVALID_OPTION` (an unknown key, a wrong
// type or value, or options that do not go together, such as a business-time SLA without a
// calendar); `..._UNKNOWN_TIME_ZONE`; `..._INVALID_CALENDAR`. `*out` is written only on
// success.
//
// Ownership: borrows `options_json` for the call; on success the caller owns `*out` and must
// free it with `supportkpi_report_free`.
//
// # Safety
//
// `options_json` must be NULL or a NUL-terminated string; `out` must be writable for one
// pointer.
supportkpi_result supportkpi_report_new(const char *options_json,
                                        struct supportkpi_report **out);

// Adds `len` tickets given as columns to the report.
//
// Every row is checked before any is added: on failure no row of this call is added and the
// report stays usable. `len` 0 adds nothing and is not an error (the columns may then be
// NULL). See `supportkpi_ticket_columns` for what each column holds.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`report` or `cols` NULL, `cols->id` or
// `cols->created_at` NULL with `len > 0`, or an id element NULL; the message names it, e.g.
// `cols->id[3] is NULL`); `..._INVALID_ARGUMENT` (text that is not UTF-8, `len` too large for
// an array); `..._MISSING_FIELD` (`INT64_MIN` in `created_at`, an empty id);
// `..._INVALID_TIMESTAMP` (an instant beyond about ±262,000 years); `..._NEGATIVE_DURATION`
// (a response or resolution before creation, or the latest resolution before the first);
// `..._UNMAPPED_STATUS` (a status that is not a canonical name). The message of a row error
// names the column and row, e.g. `cols->resolved_at[2]: ticket "T-3": field resolved_at = …`.
//
// Ownership: borrows `cols` and every array it points to for the call (the text is copied);
// `report` stays owned by the caller.
//
// # Safety
//
// `report` must be a live report from `supportkpi_report_new`, not in use on another thread;
// `cols` must point to a `supportkpi_ticket_columns` whose non-NULL arrays each hold `len`
// elements, and whose non-NULL text elements are NUL-terminated strings.
supportkpi_result supportkpi_report_push_tickets(struct supportkpi_report *report,
                                                 const struct supportkpi_ticket_columns *cols,
                                                 size_t len);

// Adds `len` survey scores of one kind to the report.
//
// `kind` is a `supportkpi_survey_kind` value. `responded_at` (epoch seconds; `INT64_MIN` is
// an error) and `scores` are required when `len > 0`; `ticket_id` links each response to the
// ticket it rates (for `by`), and may be NULL (no links) or hold NULL elements. Scores are
// checked against the report's scale for their kind (NPS 0–10, CSAT and CES per the options).
// Every row is checked before any is added: on failure none of this call is added. `len` 0
// adds nothing and is not an error. The responses get ids of their own (`"nps#17"`), which
// the report does not show.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`report` NULL, or `responded_at` or
// `scores` NULL with `len > 0`); `..._INVALID_ARGUMENT` (`len` too large, text not UTF-8);
// `..._INVALID_OPTION` (`kind` is not a `supportkpi_survey_kind`); `..._MISSING_FIELD`
// (`INT64_MIN` in `responded_at`); `..._INVALID_TIMESTAMP`; `..._SCORE_OUT_OF_SCALE` (named
// by its index, e.g. `scores[4]`).
//
// Ownership: borrows the arrays for the call (the text is copied); `report` stays owned by
// the caller.
//
// # Safety
//
// `report` must be a live report from `supportkpi_report_new`, not in use on another thread;
// `responded_at`, `scores` and a non-NULL `ticket_id` must each hold `len` elements, and the
// non-NULL elements of `ticket_id` must be NUL-terminated strings.
supportkpi_result supportkpi_report_push_scores(struct supportkpi_report *report,
                                                uint32_t kind,
                                                const int64_t *responded_at,
                                                const int32_t *scores,
                                                const char *const *ticket_id,
                                                size_t len);

// The report over every row pushed so far, as JSON: the same envelope as
// `supportkpi_report_json` (`{"report": …, "rejected": [], "read": [...]}`, where `read`
// lists `tickets` and `surveys`, with `file` null, once rows of them have been pushed), and
// the same text as `supportkpi_report_json` gives for the same records inline.
//
// It consumes nothing: it may be called again, and rows pushed afterwards are in the next
// result. Each call computes the report from all the rows.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`report` or `json_out` NULL); the
// kind of a record the report rejects (none is expected: rows are checked when pushed).
// `*json_out` is written only on success.
//
// Ownership: borrows `report`; on success the caller owns the string `*json_out` and must
// free it with `supportkpi_string_free`.
//
// # Safety
//
// `report` must be a live report from `supportkpi_report_new`, not in use on another thread;
// `json_out` must be writable for one pointer.
supportkpi_result supportkpi_report_finish_json(const struct supportkpi_report *report,
                                                char **json_out);

// Frees a report. Accepts NULL (and does nothing).
//
// Ownership: takes ownership of `report`; it must not be used afterwards.
//
// # Safety
//
// `report` must be NULL or a report from `supportkpi_report_new` that has not been freed yet,
// with no other call on it still running.
void supportkpi_report_free(struct supportkpi_report *report);

// The snake_case name of a result code ("ok", "null_pointer", "score_out_of_scale", …), or
// "unknown" for a number that is not a code. For codes 100 and up it is the library's error
// kind, the same word the Python exceptions and the JSON errors use.
//
// Takes the code as a plain number so that any integer is safe to pass.
//
// Ownership: the string is static and owned by the library; do not free it.
const char *supportkpi_result_name(uint32_t code);

// Computes the compact report state of a request's records: a partition's part of a report
// computed over several processes or machines.
//
// `request_json` is a `supportkpi_report_json` request. The state holds per period and
// dimension value the counters and KPI states of its records (see the Rust
// `supportkpi::report::ReportState`); combine states with `supportkpi_state_combine` and
// finish them with `supportkpi_state_merge_json`. Partition records by ticket id (a ticket,
// its events and the survey responses rating it in one partition), and count customers and
// costs in one partition only. The records a lenient read sets aside are not reported here.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`request_json`, `state_out` or
// `state_len_out` NULL); and every failure of `supportkpi_report_json` but one: a field in
// `by` or `where` that the request's records do not carry is not refused here (another
// partition's may carry it) but by `supportkpi_state_merge_json`. The outputs are written only
// on success.
//
// Ownership: borrows `request_json`; on success the caller owns the `*state_len_out` bytes
// at `*state_out` and must free them with `supportkpi_state_free(*state_out,
// *state_len_out)`.
//
// # Safety
//
// `request_json` must be a NUL-terminated string; `state_out` and `state_len_out` must be
// writable for one value each.
supportkpi_result supportkpi_state_json(const char *request_json,
                                        uint8_t **state_out,
                                        size_t *state_len_out);

// Combines report states into one: the state of all their records. Associative and
// commutative, so states may be combined in any tree and order.
//
// `states` points to `count` state pointers and `lens` to their `count` byte lengths.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`states`, `lens` or a state NULL with a
// nonzero count or length, `state_out` or `state_len_out` NULL); `..._INVALID_STATE` (bytes
// that are not a state, a state of another encoding version, truncated or damaged: the
// message names `states[i]`); `..._INCOMPATIBLE_MERGE` (states of different options);
// `..._INVALID_OPTION` (`count` 0). The outputs are written only on success.
//
// Ownership: borrows the states; on success the caller owns the `*state_len_out` bytes at
// `*state_out` and must free them with `supportkpi_state_free`.
//
// # Safety
//
// `states` and `lens` must point to `count` elements each (or be NULL with `count` 0), each
// `states[i]` to `lens[i]` readable bytes; `state_out` and `state_len_out` must be writable.
supportkpi_result supportkpi_state_combine(const uint8_t *const *states,
                                           const size_t *lens,
                                           size_t count,
                                           uint8_t **state_out,
                                           size_t *state_len_out);

// Combines report states and finishes the report, as JSON: the envelope of
// `supportkpi_report_json` (`{"report": …, "rejected": [], "read": []}`), the same report
// `supportkpi_report_json` gives over all the states' records.
//
// Returns as `supportkpi_state_combine`, with `..._NULL_POINTER` for `report_json_out` NULL
// and `..._INVALID_OPTION` for a field in `by` or `where` that no record of the states
// carried (the check `supportkpi_report_json` makes over its input). `*report_json_out` is
// written only on success.
//
// Ownership: borrows the states; on success the caller owns the string `*report_json_out`
// and must free it with `supportkpi_string_free`.
//
// # Safety
//
// As `supportkpi_state_combine`; `report_json_out` must be writable for one pointer.
supportkpi_result supportkpi_state_merge_json(const uint8_t *const *states,
                                              const size_t *lens,
                                              size_t count,
                                              char **report_json_out);

// Frees the bytes of a state the library returned. Accepts NULL (and does nothing).
//
// Ownership: takes ownership of `state`; it must not be used afterwards.
//
// # Safety
//
// `state` must be NULL or a state returned by `supportkpi_state_json` or
// `supportkpi_state_combine`, not freed yet, and `len` its length as returned.
void supportkpi_state_free(uint8_t *state,
                           size_t len);

// Frees a string the library returned through a `char **` output parameter.
//
// Accepts NULL (and does nothing), so a caller may free unconditionally.
//
// Ownership: takes ownership of `s`; it must not be used afterwards.
//
// # Safety
//
// `s` must be NULL or a string returned by this library that has not been freed yet. Strings
// from anywhere else, and the static strings of `supportkpi_version` and
// `supportkpi_result_name`, must not be passed.
void supportkpi_string_free(char *s);

// The default NPS options: Wald intervals, `ci` at 95%.
//
// Ownership: returns a plain value; nothing to free.
struct supportkpi_nps_options supportkpi_nps_options_default(void);

// Computes the NPS of `len` scores on the 0–10 scale.
//
// `options` may be NULL for the defaults. `scores` may be NULL when `len` is 0; no scores is
// not an error: `*out` then has `n == 0` and every metric undefined.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`out` NULL, or `scores` NULL with
// `len > 0`); `..._INVALID_ARGUMENT` (`len` too large for an array);
// `..._SCORE_OUT_OF_SCALE` (a score outside 0–10, named by its index in the message);
// `..._INVALID_OPTION` (a confidence level not strictly between 0 and 1). `*out` is written
// only on success.
//
// Ownership: borrows `scores` and `options` for the call; the caller owns `*out`, a plain
// value with nothing to free.
//
// # Safety
//
// `scores` must point to `len` readable `int32_t` (or be NULL with `len == 0`), `options` to
// a `supportkpi_nps_options` or be NULL, `out` to writable memory for one
// `supportkpi_nps_result`.
supportkpi_result supportkpi_nps(const int32_t *scores,
                                 size_t len,
                                 const struct supportkpi_nps_options *options,
                                 struct supportkpi_nps_result *out);

// The default CSAT options: scale 1–5, positive = 4 or 5, `ci` at 95%.
//
// Ownership: returns a plain value; nothing to free.
struct supportkpi_csat_options supportkpi_csat_options_default(void);

// Computes the CSAT of `len` scores.
//
// `options` may be NULL for the defaults (scale 1–5, positive = 4 or 5). `scores` may be
// NULL when `len` is 0; no scores is not an error: `*out` then has `n == 0` and every metric
// undefined.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`out` NULL, or `scores` NULL with
// `len > 0`); `..._INVALID_ARGUMENT` (`len` too large for an array);
// `..._SCORE_OUT_OF_SCALE` (a score off the scale, named by its index in the message);
// `..._INVALID_OPTION` (a scale of fewer than 2 or more than 101 points, `positive_from` off
// the scale, a confidence level not strictly between 0 and 1). `*out` is written only on
// success.
//
// Ownership: borrows `scores` and `options` for the call; the caller owns `*out`, a plain
// value with nothing to free.
//
// # Safety
//
// `scores` must point to `len` readable `int32_t` (or be NULL with `len == 0`), `options` to
// a `supportkpi_csat_options` or be NULL, `out` to writable memory for one
// `supportkpi_csat_result`.
supportkpi_result supportkpi_csat(const int32_t *scores,
                                  size_t len,
                                  const struct supportkpi_csat_options *options,
                                  struct supportkpi_csat_result *out);

// Computes the CES of `len` scores on a named scale.
//
// `scale` is a `supportkpi_ces_scale` value. `scores` may be NULL when `len` is 0; no scores
// is not an error: `*out` then has `n == 0` and both metrics undefined.
//
// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`out` NULL, or `scores` NULL with
// `len > 0`); `..._INVALID_ARGUMENT` (`len` too large for an array);
// `..._SCORE_OUT_OF_SCALE` (a score off the scale, named by its index in the message);
// `..._INVALID_OPTION` (`scale` is not a `supportkpi_ces_scale`). `*out` is written only on
// success.
//
// Ownership: borrows `scores` for the call; the caller owns `*out`, a plain value with nothing
// to free.
//
// # Safety
//
// `scores` must point to `len` readable `int32_t` (or be NULL with `len == 0`), `out` to
// writable memory for one `supportkpi_ces_result`.
supportkpi_result supportkpi_ces(const int32_t *scores,
                                 size_t len,
                                 uint32_t scale,
                                 struct supportkpi_ces_result *out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* SUPPORTKPI_H */
