/* The report from C: supportkpi_report_json over the sample files and the real ServiceNow log,
 * the column-array handle giving the same text as inline records, and every error path, with
 * output parameters left untouched on failure.
 *
 * Reads files under the repository root, given as SUPPORTKPI_ROOT (scripts/c-tests.sh sets
 * it). The JSON is checked as text: a handful of helpers find a row by its period_start and a
 * column's number in it, which is enough for a table whose layout the library fixes. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *root = ".";
static char sentinel;

/* Unix epoch seconds of a UTC civil time (days_from_civil, proleptic Gregorian). */
static int64_t utc(int64_t y, int64_t m, int64_t d, int64_t h, int64_t min) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 + h * 3600 + min * 60;
}

/* RFC 3339 text of an epoch second (civil_from_days), for the inline records. */
static void rfc3339(int64_t t, char *buf, size_t len) {
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days -= 1;
    }
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(buf, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)m,
             (long long)d, (long long)(secs / 3600), (long long)(secs / 60 % 60),
             (long long)(secs % 60));
}

/* The report of a request, or NULL (counted as a failure, with the message). */
static char *report_ok(const char *request) {
    char *out = NULL;
    const supportkpi_result r = supportkpi_report_json(request, &out);
    CHECK(r == SUPPORTKPI_RESULT_OK);
    if (r != SUPPORTKPI_RESULT_OK) {
        fprintf(stderr, "supportkpi_report_json: %s: %s\n", supportkpi_result_name(r),
                last_error());
        return NULL;
    }
    CHECK(strcmp(last_error(), "") == 0);
    return out;
}

/* The rows of a report's JSON: from "rows":[ to its sections (or the end of the report). */
static const char *rows_start(const char *json) {
    const char *p = json == NULL ? NULL : strstr(json, "\"rows\":[");
    return p == NULL ? "" : p;
}

static const char *rows_end(const char *json) {
    const char *p = json == NULL ? NULL : strstr(json, "],\"sections\":");
    if (p == NULL && json != NULL) {
        p = strstr(json, "},\"rejected\":");
    }
    return p == NULL ? rows_start(json) : p;
}

static size_t count_rows(const char *json) {
    size_t n = 0;
    const char *end = rows_end(json);
    for (const char *p = rows_start(json); (p = strstr(p, "\"period_start\":")) && p < end; p++) {
        n++;
    }
    return n;
}

/* The sum of a numeric column over every row (nulls count 0). */
static double sum_column(const char *json, const char *column) {
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", column);
    const char *end = rows_end(json);
    double sum = 0;
    for (const char *p = rows_start(json); (p = strstr(p, key)) && p < end; p++) {
        sum += strtod(p + strlen(key), NULL);
    }
    return sum;
}

/* The value of a column in the first row of a period (its total row): 1 and *out when it is
 * a number, 0 when it is null or the row is absent. */
static int cell(const char *json, const char *period_start, const char *column, double *out) {
    char row_key[64], key[64];
    snprintf(row_key, sizeof row_key, "\"period_start\":\"%s\"", period_start);
    snprintf(key, sizeof key, "\"%s\":", column);
    const char *row = strstr(rows_start(json), row_key);
    const char *p = row == NULL ? NULL : strstr(row, key);
    if (p == NULL || p >= rows_end(json)) {
        return 0;
    }
    p += strlen(key);
    if (strncmp(p, "null", 4) == 0) {
        return 0;
    }
    *out = strtod(p, NULL);
    return 1;
}

static double cell_or_nan(const char *json, const char *period_start, const char *column) {
    double v = NAN;
    return cell(json, period_start, column, &v) ? v : NAN;
}

static void sample_files(void) {
    char request[2048];
    snprintf(request, sizeof request,
             "{\"sources\": {\"tickets\": \"%s/examples/data/tickets.csv\",\n"
             "             \"surveys\": \"%s/examples/data/surveys.csv\"}}",
             root, root);
    char *json = report_ok(request);
    CHECK(json != NULL && strncmp(json, "{\"report\":{\"options\":", 21) == 0);
    CHECK(count_rows(json) == 2); /* June and July 2021, monthly by default */
    CHECK(sum_column(json, "tickets_created") == 120);
    CHECK(sum_column(json, "csat_n") + sum_column(json, "nps_n") + sum_column(json, "ces_n") ==
          77);
    /* Figures recomputed from the CSVs by hand (Python, no supportkpi code). */
    CHECK(cell_or_nan(json, "2021-06-01", "tickets_resolved") == 99);
    CHECK_NEAR(cell_or_nan(json, "2021-06-01", "resolution_mean_s"), 90510.30303030302, 1e-6);
    CHECK_NEAR(cell_or_nan(json, "2021-06-01", "csat_pct"), 200.0 / 3.0, 1e-9);
    CHECK_NEAR(cell_or_nan(json, "2021-06-01", "nps"), 600.0 / 19.0, 1e-9);
    CHECK_NEAR(cell_or_nan(json, "2021-06-01", "ces_mean"), 2.25, 1e-12);
    CHECK(cell_or_nan(json, "2021-07-01", "tickets_resolved") == 5);
    double v = 0;
    CHECK(cell(json, "2021-07-01", "frt_mean_s", &v) == 0); /* undefined: null, with a reason */
    CHECK(json != NULL && strstr(json, "\"frt_mean_s\":\"no durations\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"rejected\":[]") != NULL);
    CHECK(json != NULL && strstr(json, "examples/data/tickets.csv\",\"records\":120}") != NULL);
    CHECK(json != NULL && strstr(json, "examples/data/surveys.csv\",\"records\":77}") != NULL);
    supportkpi_string_free(json);
}

/* The real ServiceNow log (890 incidents) by year. Every incident was opened in 2016; one
 * latest resolution, the longest (28,872,960 s), falls in 2017, so the 2016 row holds the
 * other 889: (972,891,720 - 28,872,960) / 889 s. */
static void servicenow_by_year(void) {
    char request[2048];
    snprintf(request, sizeof request,
             "{\"sources\": {\"tickets\": \"%s/tests/data/servicenow_incident_events.csv\", "
             "\"preset\": \"servicenow\"}, \"options\": {\"period\": \"year\"}}",
             root);
    char *json = report_ok(request);
    CHECK(count_rows(json) == 2);
    CHECK(sum_column(json, "tickets_created") == 890);
    CHECK(sum_column(json, "tickets_resolved") == 901);
    CHECK(sum_column(json, "tickets_reopened") == 11);
    CHECK(sum_column(json, "resolution_n") == 890);
    CHECK(cell_or_nan(json, "2016-01-01", "tickets_created") == 890);
    CHECK(cell_or_nan(json, "2016-01-01", "tickets_resolved") == 900);
    CHECK(cell_or_nan(json, "2016-01-01", "resolution_n") == 889);
    CHECK_NEAR(cell_or_nan(json, "2016-01-01", "resolution_mean_s"), 943583340.0 / 889.0, 1e-6);
    CHECK(cell_or_nan(json, "2017-01-01", "tickets_resolved") == 1);
    CHECK(cell_or_nan(json, "2017-01-01", "resolution_mean_s") == 28872960.0);
    /* Together they are the reference's total resolution time. */
    CHECK_NEAR(889 * cell_or_nan(json, "2016-01-01", "resolution_mean_s") +
                   cell_or_nan(json, "2017-01-01", "resolution_mean_s"),
               972456300.0, 1e-3);
    CHECK(json != NULL && strstr(json, "servicenow_incident_events.csv\",\"records\":5998}") !=
                              NULL);
    supportkpi_string_free(json);
}

/* ---- the same tickets and scores as columns and as inline records ------------------------ */

#define N 6
static const char *ids[N] = {"T-1", "T-2", "T-3", "T-4", "T-5", "T-6"};
static const char *channels[N] = {"email", "chat", NULL, "email", "phone", "chat"};
static const char *teams[N] = {"a", "b", "a", NULL, "b", "a"};
static const char *customers[N] = {"C-1", NULL, "C-2", "C-1", NULL, "C-3"};
static const char *statuses[N] = {NULL, "pending", NULL, "closed", NULL, NULL};
static const uint32_t replies[N] = {1, 2, UINT32_MAX, 1, 0, 3};
static const uint32_t reopens[N] = {0, 0, 1, 0, 0, 0};
static int64_t created[N], first_response[N], resolved[N], first_resolved[N];

static void fill_times(void) {
    const int64_t t0 = utc(2021, 6, 28, 9, 0);
    for (int i = 0; i < N; i++) {
        created[i] = t0 + i * 7 * 3600;
        first_response[i] = i == 4 ? INT64_MIN : created[i] + 600 * (i + 1);
        resolved[i] = (i == 1 || i == 5) ? INT64_MIN : created[i] + 86400 * (i + 1);
        first_resolved[i] = i == 2 ? created[i] + 3600 : INT64_MIN;
    }
}

static supportkpi_ticket_columns columns(void) {
    supportkpi_ticket_columns c = {0};
    c.id = ids;
    c.created_at = created;
    c.first_response_at = first_response;
    c.resolved_at = resolved;
    c.first_resolved_at = first_resolved;
    c.channel = channels;
    c.team = teams;
    c.customer_id = customers;
    c.agent_replies = replies;
    c.reopens = reopens;
    c.status = statuses;
    return c;
}

/* The columns from row `from` on. */
static supportkpi_ticket_columns from_row(supportkpi_ticket_columns c, size_t from) {
    c.id += from;
    c.created_at += from;
    c.first_response_at += from;
    c.resolved_at += from;
    c.first_resolved_at += from;
    c.channel += from;
    c.team += from;
    c.customer_id += from;
    c.agent_replies += from;
    c.reopens += from;
    c.status += from;
    return c;
}

static const int32_t nps_scores[] = {9, 3, 10};
static const int32_t csat_scores[] = {5, 2};
static const int32_t ces_scores[] = {1};
static const char *nps_tickets[] = {"T-1", NULL, "T-4"};
static const char *csat_tickets[] = {"T-2", "T-3"};
static int64_t nps_at[3], csat_at[2], ces_at[1];

static void fill_score_times(void) {
    for (int i = 0; i < 3; i++) {
        nps_at[i] = created[i] + 2 * 86400;
    }
    for (int i = 0; i < 2; i++) {
        csat_at[i] = created[i + 2] + 3 * 86400;
    }
    ces_at[0] = created[5] + 3600;
}

/* Appends printf-style text to buf at *at. */
#define APPEND(...) (*at += (size_t)snprintf(buf + *at, cap > *at ? cap - *at : 0, __VA_ARGS__))

static void append_time(char *buf, size_t cap, size_t *at, const char *key, int64_t t) {
    char text[32];
    if (t == INT64_MIN) {
        return;
    }
    rfc3339(t, text, sizeof text);
    APPEND(",\"%s\":\"%s\"", key, text);
}

static void append_text(char *buf, size_t cap, size_t *at, const char *key, const char *v) {
    if (v != NULL) {
        APPEND(",\"%s\":\"%s\"", key, v);
    }
}

static void append_score(char *buf, size_t cap, size_t *at, int *n, const char *kind,
                         int64_t t, int32_t score, const char *ticket) {
    char text[32];
    rfc3339(t, text, sizeof text);
    APPEND("%s{\"id\":\"S-%d\",\"kind\":\"%s\",\"score\":%d,\"responded_at\":\"%s\"",
           *n ? "," : "", *n, kind, (int)score, text);
    append_text(buf, cap, at, "ticket_id", ticket);
    APPEND("}");
    (*n)++;
}

/* The request holding the same records inline. */
static void inline_request(char *buf, size_t cap, const char *options) {
    size_t pos = 0;
    size_t *at = &pos;
    APPEND("{\"options\": %s, \"records\": {\"tickets\": [", options);
    for (int i = 0; i < N; i++) {
        char text[32];
        rfc3339(created[i], text, sizeof text);
        APPEND("%s{\"id\":\"%s\",\"created_at\":\"%s\"", i ? "," : "", ids[i], text);
        append_time(buf, cap, at, "first_response_at", first_response[i]);
        append_time(buf, cap, at, "resolved_at", resolved[i]);
        append_time(buf, cap, at, "first_resolved_at", first_resolved[i]);
        append_text(buf, cap, at, "channel", channels[i]);
        append_text(buf, cap, at, "team", teams[i]);
        append_text(buf, cap, at, "customer_id", customers[i]);
        append_text(buf, cap, at, "status", statuses[i]);
        if (replies[i] != UINT32_MAX) {
            APPEND(",\"agent_replies\":%u", (unsigned)replies[i]);
        }
        APPEND(",\"reopens\":%u}", (unsigned)reopens[i]);
    }
    APPEND("], \"surveys\": [");
    int n = 0;
    for (int i = 0; i < 3; i++) {
        append_score(buf, cap, at, &n, "nps", nps_at[i], nps_scores[i], nps_tickets[i]);
    }
    for (int i = 0; i < 2; i++) {
        append_score(buf, cap, at, &n, "csat", csat_at[i], csat_scores[i], csat_tickets[i]);
    }
    append_score(buf, cap, at, &n, "ces", ces_at[0], ces_scores[0], NULL);
    APPEND("]}}");
    CHECK(pos < cap);
}

static char *report_of(const supportkpi_report *h) {
    char *json = NULL;
    const supportkpi_result r = supportkpi_report_finish_json(h, &json);
    CHECK(r == SUPPORTKPI_RESULT_OK);
    if (r != SUPPORTKPI_RESULT_OK) {
        fprintf(stderr, "finish_json: %s: %s\n", supportkpi_result_name(r), last_error());
    }
    return json;
}

static void columns_equal_inline_records(void) {
    fill_times();
    fill_score_times();
    const char *options = "{\"period\": \"week\", \"by\": \"channel\"}";
    supportkpi_report *h = NULL;
    CHECK(supportkpi_report_new(options, &h) == SUPPORTKPI_RESULT_OK && h != NULL);
    const supportkpi_ticket_columns cols = columns();
    /* In two calls, to show that pushes add up. */
    CHECK(supportkpi_report_push_tickets(h, &cols, 3) == SUPPORTKPI_RESULT_OK);
    const supportkpi_ticket_columns rest = from_row(cols, 3);
    CHECK(supportkpi_report_push_tickets(h, &rest, N - 3) == SUPPORTKPI_RESULT_OK);
    CHECK(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_NPS, nps_at, nps_scores,
                                        nps_tickets, 3) == SUPPORTKPI_RESULT_OK);
    CHECK(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_CSAT, csat_at, csat_scores,
                                        csat_tickets, 2) == SUPPORTKPI_RESULT_OK);
    CHECK(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_CES, ces_at, ces_scores, NULL,
                                        1) == SUPPORTKPI_RESULT_OK);
    char *from_columns = report_of(h);

    static char request[16384];
    inline_request(request, sizeof request, options);
    char *from_json = report_ok(request);
    CHECK(from_columns != NULL && from_json != NULL && strcmp(from_columns, from_json) == 0);
    if (from_columns != NULL && from_json != NULL && strcmp(from_columns, from_json) != 0) {
        fprintf(stderr, "columns: %s\ninline:  %s\n", from_columns, from_json);
    }
    /* And the report is about these records. */
    CHECK(sum_column(from_json, "tickets_created") == 2 * N); /* totals + per channel */
    CHECK(strstr(rows_start(from_json), "\"dimension\":\"email\"") != NULL);
    CHECK(strstr(rows_start(from_json), "\"dimension\":\"(none)\"") != NULL);
    CHECK(sum_column(from_json, "nps_n") == 2 * 3);
    CHECK(strstr(from_json == NULL ? "" : from_json,
                 "\"read\":[{\"source\":\"tickets\",\"file\":null,\"records\":6},"
                 "{\"source\":\"surveys\",\"file\":null,\"records\":6}]") != NULL);

    /* finish_json consumes nothing: again gives the same text, and later rows count. */
    char *again = report_of(h);
    CHECK(again != NULL && from_columns != NULL && strcmp(again, from_columns) == 0);
    const int64_t late_at[] = {utc(2021, 8, 2, 9, 0)};
    const int32_t late_score[] = {10};
    CHECK(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_NPS, late_at, late_score, NULL,
                                        1) == SUPPORTKPI_RESULT_OK);
    char *later = report_of(h);
    CHECK(later != NULL && again != NULL && strcmp(later, again) != 0);
    CHECK(sum_column(later, "nps_n") == 2 * 3 + 2);

    supportkpi_string_free(later);
    supportkpi_string_free(again);
    supportkpi_string_free(from_json);
    supportkpi_string_free(from_columns);
    supportkpi_report_free(h);
}

static void empty_reports(void) {
    /* len 0 is not an error, and the columns may be NULL then. */
    supportkpi_report *h = NULL;
    CHECK(supportkpi_report_new(NULL, &h) == SUPPORTKPI_RESULT_OK);
    const supportkpi_ticket_columns none = {0};
    CHECK(supportkpi_report_push_tickets(h, &none, 0) == SUPPORTKPI_RESULT_OK);
    CHECK(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_CSAT, NULL, NULL, NULL, 0) ==
          SUPPORTKPI_RESULT_OK);
    char *json = report_of(h);
    CHECK(json != NULL && strstr(json, "\"rows\":[]") != NULL);
    char *same = report_ok("{\"records\": {\"tickets\": [], \"surveys\": []}}");
    CHECK(json != NULL && same != NULL && strcmp(json, same) == 0);
    supportkpi_string_free(same);
    supportkpi_string_free(json);
    supportkpi_report_free(h);

    json = report_ok("{}");
    CHECK(json != NULL && strstr(json, "\"rows\":[]") != NULL);
    CHECK(json != NULL && strstr(json, "\"read\":[]}") != NULL);
    supportkpi_string_free(json);
}

/* ---- errors --------------------------------------------------------------------------------- */

/* A request that must fail with `code` and a message holding `needle`; the output untouched. */
static void fails(const char *request, supportkpi_result code, const char *needle) {
    char *out = &sentinel;
    CHECK_ERR(supportkpi_report_json(request, &out), code, needle);
    CHECK(out == &sentinel);
}

/* ---- several dimensions and filters (hand-worked) -------------------------------------------- */

/* Four June tickets: FRT 10, 20, 30, 40 minutes; A and D email/high/billing, B web/low/billing,
   C chat/high/support; a CSAT 5 on A and a CSAT 1 on C. */
static void by_and_where_request(char *buf, size_t cap, const char *options) {
    snprintf(buf, cap,
             "{\"options\": %s, \"records\": {\"tickets\": ["
             "{\"id\":\"A\",\"created_at\":\"2021-06-28T09:00:00Z\",\"first_response_at\":"
             "\"2021-06-28T09:10:00Z\",\"channel\":\"email\",\"priority\":\"high\",\"team\":"
             "\"billing\"},"
             "{\"id\":\"B\",\"created_at\":\"2021-06-28T10:00:00Z\",\"first_response_at\":"
             "\"2021-06-28T10:20:00Z\",\"channel\":\"web\",\"priority\":\"low\",\"team\":"
             "\"billing\"},"
             "{\"id\":\"C\",\"created_at\":\"2021-06-28T11:00:00Z\",\"first_response_at\":"
             "\"2021-06-28T11:30:00Z\",\"channel\":\"chat\",\"priority\":\"high\",\"team\":"
             "\"support\"},"
             "{\"id\":\"D\",\"created_at\":\"2021-06-28T12:00:00Z\",\"first_response_at\":"
             "\"2021-06-28T12:40:00Z\",\"channel\":\"email\",\"priority\":\"high\",\"team\":"
             "\"billing\"}], \"surveys\": ["
             "{\"id\":\"S1\",\"ticket_id\":\"A\",\"responded_at\":\"2021-06-29T09:00:00Z\","
             "\"kind\":\"csat\",\"score\":5},"
             "{\"id\":\"S2\",\"ticket_id\":\"C\",\"responded_at\":\"2021-06-29T09:00:00Z\","
             "\"kind\":\"csat\",\"score\":1}]}}",
             options);
}

static void several_dimensions_and_filters(void) {
    char request[4096];
    by_and_where_request(request, sizeof request, "{\"by\": [\"team\", \"priority\"]}");
    char *json = report_ok(request);
    /* billing / high: A and D, FRT (600 + 2400) / 2. */
    const char *row = json == NULL ? NULL : strstr(json, "\"dimension\":\"billing / high\"");
    CHECK(row != NULL && strstr(row, "\"tickets_created\":2,") != NULL);
    CHECK(row != NULL && strstr(row, "\"frt_mean_s\":1500.0,") != NULL);
    row = json == NULL ? NULL : strstr(json, "\"dimension\":\"support / high\"");
    CHECK(row != NULL && strstr(row, "\"frt_mean_s\":1800.0,") != NULL);
    supportkpi_string_free(json);

    /* email or web, and high: A and D; only A's survey follows. */
    by_and_where_request(request, sizeof request,
                         "{\"where\": [\"channel in (email,web)\", \"priority=high\"]}");
    json = report_ok(request);
    CHECK(json != NULL && strstr(json, "\"tickets_created\":2,") != NULL);
    CHECK(json != NULL && strstr(json, "\"csat_pct\":100.0,\"csat_n\":1,") != NULL);
    supportkpi_string_free(json);

    by_and_where_request(request, sizeof request, "{\"by\": \"tema\"}");
    fails(request, SUPPORTKPI_RESULT_INVALID_OPTION, "known fields are channel, priority, team");
    by_and_where_request(request, sizeof request, "{\"where\": [\"chanel=email\"]}");
    fails(request, SUPPORTKPI_RESULT_INVALID_OPTION, "chanel");
    by_and_where_request(request, sizeof request, "{\"where\": [\"channel ~ email\"]}");
    fails(request, SUPPORTKPI_RESULT_INVALID_OPTION, "field=value");
}

/* ---- agents (hand-worked) ----------------------------------------------------------------- */

/* data/events_agents.csv: ann answers A (30 min) and B (60 min), bob answers C (20 min), and
   bob ends up the assignee of all three. */
static void agents_request(char *buf, size_t cap, const char *options) {
    snprintf(buf, cap,
             "{\"sources\": {\"events\": \"%s/crates/supportkpi-ffi/tests/c/data/"
             "events_agents.csv\"}, \"options\": %s}",
             root, options);
}

static void agents_as_dimensions(void) {
    char request[2048];
    agents_request(request, sizeof request, "{\"by\": \"first_responder\"}");
    char *json = report_ok(request);
    /* ann is credited with A and B, though bob holds them: FRT (1800 + 3600) / 2. */
    const char *row = json == NULL ? NULL : strstr(json, "\"dimension\":\"ann\"");
    CHECK(row != NULL && strstr(row, "\"tickets_created\":2,") != NULL);
    CHECK(row != NULL && strstr(row, "\"frt_mean_s\":2700.0,") != NULL);
    row = json == NULL ? NULL : strstr(json, "\"dimension\":\"bob\"");
    CHECK(row != NULL && strstr(row, "\"tickets_created\":1,") != NULL);
    CHECK(row != NULL && strstr(row, "\"frt_mean_s\":1200.0,") != NULL);
    supportkpi_string_free(json);

    /* Assignee and first responder together, and a filter on the solver (only A is solved,
       by bob). */
    agents_request(request, sizeof request,
                   "{\"by\": [\"assignee\", \"first_responder\"]}");
    json = report_ok(request);
    row = json == NULL ? NULL : strstr(json, "\"dimension\":\"bob / ann\"");
    CHECK(row != NULL && strstr(row, "\"tickets_created\":2,") != NULL);
    row = json == NULL ? NULL : strstr(json, "\"dimension\":\"bob / bob\"");
    CHECK(row != NULL && strstr(row, "\"tickets_created\":1,") != NULL);
    supportkpi_string_free(json);
    agents_request(request, sizeof request,
                   "{\"where\": [{\"field\": \"solver\", \"in\": [\"bob\"]}]}");
    json = report_ok(request);
    CHECK(json != NULL && strstr(json, "\"tickets_created\":1,") != NULL);
    CHECK(json != NULL && strstr(json, "\"resolution_mean_s\":10800.0,") != NULL);
    supportkpi_string_free(json);
}

static void request_errors(void) {
    char *out = &sentinel;
    CHECK_ERR(supportkpi_report_json(NULL, &out), SUPPORTKPI_RESULT_NULL_POINTER, "request_json");
    CHECK(out == &sentinel);
    CHECK_ERR(supportkpi_report_json("{}", NULL), SUPPORTKPI_RESULT_NULL_POINTER,
              "report_json_out");
    fails("{\"options\": \xff}", SUPPORTKPI_RESULT_INVALID_ARGUMENT, "UTF-8");

    /* Not JSON: the message names the line and column. */
    fails("{\"options\": {\"period\": \"year\",}}", SUPPORTKPI_RESULT_INVALID_JSON,
          "line 1 column");
    fails("{\n\"options\": {\n", SUPPORTKPI_RESULT_INVALID_JSON, "line 3 column");
    fails("", SUPPORTKPI_RESULT_INVALID_JSON, "request_json");
    fails("[1, 2]", SUPPORTKPI_RESULT_INVALID_JSON, "request_json");
    fails("{\"records\": 5}", SUPPORTKPI_RESULT_INVALID_JSON, "records");
    fails("{\"options\": [\"year\"]}", SUPPORTKPI_RESULT_INVALID_OPTION, "options");
    /* A key the request does not have is the JSON's shape... */
    fails("{\"option\": {}}", SUPPORTKPI_RESULT_INVALID_JSON, "option");
    /* ...while a setting that is not one is an option error, located in the whole text. */
    fails("{\"options\": {\n  \"perod\": \"year\"}}", SUPPORTKPI_RESULT_INVALID_OPTION,
          "unknown field `perod`");
    fails("{\"options\": {\n  \"perod\": \"year\"}}", SUPPORTKPI_RESULT_INVALID_OPTION,
          "line 2 column");
    fails("{\"options\": {\"period\": \"fortnight\"}}", SUPPORTKPI_RESULT_INVALID_OPTION,
          "fortnight");
    fails("{\"read\": {\"errors\": \"sloppy\"}}", SUPPORTKPI_RESULT_INVALID_OPTION, "sloppy");
    fails("{\"read\": {\"colour\": 1}}", SUPPORTKPI_RESULT_INVALID_OPTION, "colour");
    fails("{\"sources\": {\"preset\": \"nosuchdesk\"}}", SUPPORTKPI_RESULT_INVALID_OPTION,
          "nosuchdesk");
    fails("{\"sources\": {\"ticket\": \"t.csv\"}}", SUPPORTKPI_RESULT_INVALID_OPTION, "ticket");

    /* Zones and calendars keep their own kinds. */
    fails("{\"options\": {\"zone\": \"Mars/Olympus_Mons\"}}", SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE,
          "Mars/Olympus_Mons");
    fails("{\"read\": {\"timezone\": \"Europe/Atlantis\"}}", SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE,
          "Europe/Atlantis");
    fails("{\"options\": {\"calendar\": {\"timezone\": \"UTC\", \"hours\": \"Mon-Fri 9-5\"}}}",
          SUPPORTKPI_RESULT_INVALID_CALENDAR, "options.calendar");

    /* Files: a missing one, a preset without one. */
    char request[2048];
    snprintf(request, sizeof request, "{\"sources\": {\"costs\": \"%s/no/such/costs.csv\"}}",
             root);
    fails(request, SUPPORTKPI_RESULT_IO, "no/such/costs.csv");
    fails("{\"sources\": {\"preset\": \"zendesk\"}}", SUPPORTKPI_RESULT_MISSING_FIELD, "preset");

    /* A bad record in a file: strict fails on the first, naming file:line, field and value. */
    snprintf(request, sizeof request,
             "{\"sources\": {\"tickets\": \"%s/crates/supportkpi-ffi/tests/c/data/"
             "tickets_bad.csv\"}}",
             root);
    fails(request, SUPPORTKPI_RESULT_NEGATIVE_DURATION, "tickets_bad.csv:3");
    fails(request, SUPPORTKPI_RESULT_NEGATIVE_DURATION,
          "field resolved_at = \"2021-06-01T08:00:00+00:00\"");
    /* Lenient reports the rest and lists both bad records. */
    snprintf(request, sizeof request,
             "{\"sources\": {\"tickets\": \"%s/crates/supportkpi-ffi/tests/c/data/"
             "tickets_bad.csv\"}, \"read\": {\"errors\": \"lenient\"}}",
             root);
    char *json = report_ok(request);
    const char *rejected = json == NULL ? "" : strstr(json, "\"rejected\":[");
    CHECK(rejected != NULL && strstr(rejected, "\"line\":3,\"index\":null,\"kind\":"
                                               "\"negative_duration\"") != NULL);
    CHECK(rejected != NULL && strstr(rejected, "\"line\":5,\"index\":null,\"kind\":"
                                               "\"invalid_timestamp\"") != NULL);
    CHECK(rejected != NULL &&
          strstr(rejected, "\"field\":\"created_at\",\"value\":\"yesterday\"") != NULL);
    CHECK(sum_column(json, "tickets_created") == 2);
    CHECK(json != NULL && strstr(json, "tickets_bad.csv\",\"records\":4}") != NULL);
    supportkpi_string_free(json);

    /* Inline records: a record that does not fit its type is JSON... */
    fails("{\"records\": {\"tickets\": [{\"id\": \"T-1\", "
          "\"created\": \"2021-06-01T08:00:00Z\"}]}}",
          SUPPORTKPI_RESULT_INVALID_JSON, "created");
    fails("{\"records\": {\"tickets\": [{\"id\": \"T-1\", \"created_at\": \"June 1st\"}]}}",
          SUPPORTKPI_RESULT_INVALID_JSON, "line 1 column");
    /* ...one that breaks a rule has its kind, named by its index (strict), or is listed
     * (lenient). */
    const char *two = "\"records\": {\"tickets\": ["
                      "{\"id\": \"T-1\", \"created_at\": \"2021-06-01T08:00:00Z\"},"
                      "{\"id\": \"T-2\", \"created_at\": \"2021-06-01T08:00:00Z\","
                      " \"resolved_at\": \"2021-06-01T07:00:00Z\"}]}";
    snprintf(request, sizeof request, "{%s}", two);
    fails(request, SUPPORTKPI_RESULT_NEGATIVE_DURATION, "records.tickets[1]: ticket \"T-2\"");
    snprintf(request, sizeof request, "{\"read\": {\"errors\": \"lenient\"}, %s}", two);
    json = report_ok(request);
    CHECK(json != NULL && strstr(json, "\"rejected\":[{\"source\":\"tickets\",\"file\":null,"
                                       "\"line\":null,\"index\":1,\"kind\":"
                                       "\"negative_duration\"") != NULL);
    CHECK(sum_column(json, "tickets_created") == 1);
    supportkpi_string_free(json);
    fails("{\"records\": {\"surveys\": [{\"id\": \"S-1\", \"kind\": \"nps\", \"score\": 11, "
          "\"responded_at\": \"2021-06-01T08:00:00Z\"}]}}",
          SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE, "records.surveys[0]");
}

static void handle_errors(void) {
    supportkpi_report *h = (supportkpi_report *)(void *)&sentinel;
    CHECK_ERR(supportkpi_report_new(NULL, NULL), SUPPORTKPI_RESULT_NULL_POINTER, "out");
    CHECK_ERR(supportkpi_report_new("{\"period\": ", &h), SUPPORTKPI_RESULT_INVALID_JSON,
              "options_json");
    CHECK_ERR(supportkpi_report_new("{\"perod\": \"week\"}", &h),
              SUPPORTKPI_RESULT_INVALID_OPTION, "perod");
    CHECK_ERR(supportkpi_report_new("{\"zone\": \"Nowhere/Town\"}", &h),
              SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE, "Nowhere/Town");
    CHECK_ERR(supportkpi_report_new("{\"by\": \"\"}", &h), SUPPORTKPI_RESULT_INVALID_OPTION,
              "by");
    CHECK(h == (supportkpi_report *)(void *)&sentinel);

    CHECK(supportkpi_report_new("{\"period\": \"day\"}", &h) == SUPPORTKPI_RESULT_OK);
    fill_times();
    supportkpi_ticket_columns good = columns();
    CHECK(supportkpi_report_push_tickets(h, &good, 2) == SUPPORTKPI_RESULT_OK);
    char *before = report_of(h);

    CHECK_ERR(supportkpi_report_push_tickets(NULL, &good, 1), SUPPORTKPI_RESULT_NULL_POINTER,
              "report");
    CHECK_ERR(supportkpi_report_push_tickets(h, NULL, 1), SUPPORTKPI_RESULT_NULL_POINTER, "cols");

    const char *ids2[] = {"X-1", NULL};
    int64_t at2[] = {utc(2021, 6, 1, 8, 0), utc(2021, 6, 1, 9, 0)};
    supportkpi_ticket_columns c = {0};
    c.id = ids2;
    c.created_at = at2;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 2), SUPPORTKPI_RESULT_NULL_POINTER,
              "cols->id[1] is NULL");
    c.id = NULL;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 1), SUPPORTKPI_RESULT_NULL_POINTER,
              "cols->id");
    const char *ids1[] = {"X-1", "X-2"};
    c.id = ids1;
    c.created_at = NULL;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 2), SUPPORTKPI_RESULT_NULL_POINTER,
              "cols->created_at");
    c.created_at = at2;
    at2[1] = INT64_MIN;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 2), SUPPORTKPI_RESULT_MISSING_FIELD,
              "cols->created_at[1]");
    at2[1] = INT64_MAX;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 2), SUPPORTKPI_RESULT_INVALID_TIMESTAMP,
              "cols->created_at[1]");
    at2[1] = utc(2021, 6, 1, 9, 0);
    const char *empty_ids[] = {"X-1", ""};
    c.id = empty_ids;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 2), SUPPORTKPI_RESULT_MISSING_FIELD, "id");
    c.id = ids1;
    const int64_t early[] = {INT64_MIN, utc(2021, 6, 1, 8, 0)};
    c.resolved_at = early;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 2), SUPPORTKPI_RESULT_NEGATIVE_DURATION,
              "cols->resolved_at[1]: ticket \"X-2\"");
    c.resolved_at = NULL;
    const char *bad_status[] = {"solved", "awaiting vendor"};
    c.status = bad_status;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 2), SUPPORTKPI_RESULT_UNMAPPED_STATUS,
              "cols->status[1]");
    c.status = NULL;
    const char *bad_text[] = {"email", "\xc3("};
    c.channel = bad_text;
    CHECK_ERR(supportkpi_report_push_tickets(h, &c, 2), SUPPORTKPI_RESULT_INVALID_ARGUMENT,
              "cols->channel[1]");
    c.channel = NULL;

    /* Scores. */
    const int64_t when[] = {utc(2021, 6, 1, 8, 0), utc(2021, 6, 1, 9, 0)};
    const int32_t nps_bad[] = {9, 11};
    CHECK_ERR(supportkpi_report_push_scores(NULL, SUPPORTKPI_SURVEY_KIND_NPS, when, nps_bad, NULL,
                                            2),
              SUPPORTKPI_RESULT_NULL_POINTER, "report");
    CHECK_ERR(supportkpi_report_push_scores(h, 7, when, nps_bad, NULL, 2),
              SUPPORTKPI_RESULT_INVALID_OPTION, "kind");
    CHECK_ERR(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_NPS, when, nps_bad, NULL,
                                            2),
              SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE, "scores[1]");
    const int32_t csat_bad[] = {5, 6};
    CHECK_ERR(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_CSAT, when, csat_bad, NULL,
                                            2),
              SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE, "scores[1]");
    const int32_t ces_bad[] = {0};
    CHECK_ERR(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_CES, when, ces_bad, NULL,
                                            1),
              SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE, "scores[0]");
    CHECK_ERR(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_NPS, when, NULL, NULL, 2),
              SUPPORTKPI_RESULT_NULL_POINTER, "scores");
    CHECK_ERR(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_NPS, NULL, nps_bad, NULL,
                                            2),
              SUPPORTKPI_RESULT_NULL_POINTER, "responded_at");
    const int64_t no_when[] = {INT64_MIN};
    CHECK_ERR(supportkpi_report_push_scores(h, SUPPORTKPI_SURVEY_KIND_NPS, no_when, nps_bad,
                                            NULL, 1),
              SUPPORTKPI_RESULT_MISSING_FIELD, "responded_at[0]");

    /* No failed call added anything. */
    char *after = report_of(h);
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);

    char *out = &sentinel;
    CHECK_ERR(supportkpi_report_finish_json(h, NULL), SUPPORTKPI_RESULT_NULL_POINTER, "json_out");
    CHECK_ERR(supportkpi_report_finish_json(NULL, &out), SUPPORTKPI_RESULT_NULL_POINTER,
              "report");
    CHECK(out == &sentinel);

    supportkpi_string_free(after);
    supportkpi_string_free(before);
    supportkpi_report_free(h);
    supportkpi_report_free(NULL);
}

/* The report's sections on the demo data: the values tests/it/sections.rs asserts on the
 * Rust report and test_sections.py on the Python one (worked out by hand from the CSVs). */
static void demo_sections(void) {
    char request[2048];
    snprintf(request, sizeof request,
             "{\"sources\": {\"tickets\": \"%s/examples/data/demo/tickets.csv\",\n"
             "             \"surveys\": \"%s/examples/data/demo/surveys.csv\",\n"
             "             \"customers\": \"%s/examples/data/demo/customers.csv\"}}",
             root, root, root);
    char *json = report_ok(request);
    const char *s = json == NULL ? NULL : strstr(json, "],\"sections\":{\"intervals\":[");
    CHECK(s != NULL);
    if (s == NULL) {
        supportkpi_string_free(json);
        return;
    }
    CHECK(count_rows(json) == 12);
    CHECK(strstr(s, "\"heatmap\":[[4,3,0,3,4,2,13,28,50,55,62,76,52,50,46,57,21,29,22,8,11,10,"
                    "6,3],") != NULL);
    CHECK(strstr(s, "\"spike_days\":[{\"date\":\"2023-05-29\",\"created\":34,\"median\":7.0,") !=
          NULL);
    CHECK(strstr(s, "{\"date\":\"2023-05-30\",\"created\":30,") != NULL);
    CHECK(strstr(s, "\"backlog_ages\":{\"at\":\"2024-01-01T00:00:00Z\",\"backlog\":40,") != NULL);
    CHECK(strstr(s, "\"max_seconds\":null,\"count\":24}]}") != NULL);
    /* January 2023, the first interval: Wilson of 43 / 58 CSAT, NPS of 8 - 4 of 21. */
    const char *jan = strstr(s, "{\"period_start\":\"2023-01-01\",\"dimension\":null,");
    CHECK(jan != NULL);
    const char *low = jan == NULL ? NULL : strstr(jan, "\"csat_low_pct\":");
    const char *high = jan == NULL ? NULL : strstr(jan, "\"nps_high\":");
    CHECK_NEAR(low == NULL ? NAN : strtod(low + 15, NULL), 61.6226142352596, 1e-9);
    CHECK_NEAR(high == NULL ? NAN : strtod(high + 11, NULL), 50.3354279505314, 1e-9);
    CHECK(jan != NULL && strstr(jan, "\"csat_n\":58,") != NULL);
    /* Revenue retention, January 2023: 85 customers with revenue on Jan 1 (86,376.76), 2
     * churned, 79,949.23 at the end: GRR = NRR = 92.5587...%; exact decimals as text. */
    const char *rr = strstr(s, "\"revenue_retention\":[{\"period_start\":\"2023-01-01\","
                               "\"period_end\":\"2023-02-01\",\"grr_pct\":\"92.5587");
    CHECK(rr != NULL);
    CHECK(rr != NULL && strstr(rr, "\"nrr_pct\":\"92.5587") != NULL);
    CHECK(rr != NULL && strstr(rr, "\"n\":85,\"churned\":2,\"start_revenue\":\"86376.76\","
                                   "\"end_revenue\":\"79949.23\",\"currency\":\"USD\","
                                   "\"undefined\":{}}") != NULL);
    /* Cohorts: January 2023's two customers, both active at the end of every month. */
    CHECK(strstr(s, "\"cohorts\":[{\"cohort_start\":\"2023-01-01\",\"size\":2,"
                    "\"active\":[2,2,2,2,2,2,2,2,2,2,2,2],") != NULL);
    CHECK(strstr(s, "{\"cohort_start\":\"2023-10-01\",\"size\":3,\"active\":[2,2,2],") != NULL);
    /* The drill-down (K = 20): the oldest open ticket T-00000222, created 2023-02-02
     * 13:50:08, is 333 days less 13:50:08 old at 2024-01-01 (28,721,392 s) of 40 open; in
     * December the slowest first response, T-00002831's 252,730 s, of 230, and the slowest
     * resolution T-00002335's 4,201,246 s of 248; no SLA policy, no breaches. */
    const char *dd = strstr(s, "\"drill_down\":{\"top\":20,\"periods\":[");
    CHECK(dd != NULL);
    const char *dec = dd == NULL ? NULL : strstr(dd, "{\"period_start\":\"2023-12-01\",");
    CHECK(dec != NULL);
    CHECK(dec != NULL &&
          strstr(dec, "\"slowest_first_responses\":{\"n\":230,\"tickets\":[{\"ticket_id\":"
                      "\"T-00002831\",\"channel\":\"email\",\"priority\":\"high\",\"team\":"
                      "\"tier1\",\"created_at\":\"2023-12-08T10:10:19Z\",\"seconds\":252730,"
                      "\"at\":\"2023-12-11T08:22:29Z\",\"targets\":[]}") != NULL);
    CHECK(dec != NULL && strstr(dec, "\"slowest_resolutions\":{\"n\":248,\"tickets\":[{"
                                     "\"ticket_id\":\"T-00002335\",") != NULL);
    CHECK(dec != NULL && strstr(dec, "\"seconds\":4201246,") != NULL);
    CHECK(dec != NULL && strstr(dec, "\"sla_breaches\":{\"n\":0,\"tickets\":[]}") != NULL);
    CHECK(dd != NULL && strstr(dd, "\"open_at\":\"2024-01-01T00:00:00Z\",\"oldest_open\":{"
                                   "\"n\":40,\"tickets\":[{\"ticket_id\":\"T-00000222\",") != NULL);
    CHECK(dd != NULL && strstr(dd, "\"seconds\":28721392,") != NULL);
    supportkpi_string_free(json);
}

int main(void) {
    const char *env = getenv("SUPPORTKPI_ROOT");
    if (env == NULL || env[0] == '\0') {
        fprintf(stderr, "SUPPORTKPI_ROOT is not set (the repository root; scripts/c-tests.sh "
                        "sets it); trying the current directory\n");
    } else {
        root = env;
    }
    sample_files();
    servicenow_by_year();
    columns_equal_inline_records();
    empty_reports();
    request_errors();
    several_dimensions_and_filters();
    agents_as_dimensions();
    handle_errors();
    demo_sections();
    return finish("test_report");
}
