/* Hostile requests through supportkpi_report_json (issue #19): each ends in its error code with
 * a clear message, in bounded time and memory (valgrind checks the memory in scripts/c-tests.sh;
 * a 120-byte request once reached 1.5 GB). */
#include <time.h>

#include "check.h"

static char sentinel;

/* The reproducer: one ticket from year 1 to 9999, reported by day. */
static void a_ticket_spanning_the_calendar(void) {
    const time_t start = time(NULL);
    const char *periods[] = {"day", "week", "month"};
    for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++) {
        char request[512];
        snprintf(request, sizeof request,
                 "{\"records\": {\"tickets\": [{\"id\": \"T-1\", \"created_at\": "
                 "\"0001-01-01T00:00:00Z\", \"resolved_at\": \"9999-12-31T00:00:00Z\"}]}, "
                 "\"options\": {\"period\": \"%s\"}}",
                 periods[i]);
        char *out = &sentinel;
        CHECK_ERR(supportkpi_report_json(request, &out), SUPPORTKPI_RESULT_INVALID_OPTION,
                  "max_periods = 10000");
        CHECK(strstr(last_error(), "\"T-1\"") != NULL);
        CHECK(strstr(last_error(), "resolved_at") != NULL);
        CHECK(out == &sentinel);
    }
    /* By year it is 9,999 rows; a bound of one's own refuses them. */
    char *out = &sentinel;
    const char *by_year =
        "{\"records\": {\"tickets\": [{\"id\": \"T-1\", \"created_at\": "
        "\"0001-01-01T00:00:00Z\", \"resolved_at\": \"9999-12-31T00:00:00Z\"}]}, "
        "\"options\": {\"period\": \"year\", \"max_periods\": 9998}}";
    CHECK_ERR(supportkpi_report_json(by_year, &out), SUPPORTKPI_RESULT_INVALID_OPTION,
              "max_periods = 9998");
    /* A range bounds the report instead, whatever the records span. */
    const char *ranged =
        "{\"records\": {\"tickets\": [{\"id\": \"T-1\", \"created_at\": "
        "\"0001-01-01T00:00:00Z\", \"resolved_at\": \"9999-12-31T00:00:00Z\"}]}, "
        "\"options\": {\"period\": \"day\", \"range\": [\"2021-01-01\", \"2021-01-03\"]}}";
    CHECK(supportkpi_report_json(ranged, &out) == SUPPORTKPI_RESULT_OK);
    CHECK(out != &sentinel && strstr(out, "\"period_start\":\"2021-01-03\"") != NULL);
    supportkpi_string_free(out);
    /* A range longer than the bound is refused before anything is read. */
    out = &sentinel;
    CHECK_ERR(supportkpi_report_json("{\"options\": {\"period\": \"day\", \"range\": "
                                     "[\"0001-01-01\", \"9999-12-31\"]}}",
                                     &out),
              SUPPORTKPI_RESULT_INVALID_OPTION, "max_periods");
    CHECK(out == &sentinel);
    CHECK(difftime(time(NULL), start) < 10.0);
}

/* Inline records get the rules of a file's: scores on the report's scales, one currency, unique
 * ids; lenient sets each bad one aside by its index, strict fails on the first. */
static void inline_records_follow_the_rules_of_files(void) {
    const char *lenient =
        "{\"read\": {\"errors\": \"lenient\"}, \"records\": {"
        "\"surveys\": [{\"id\": \"S-1\", \"kind\": \"csat\", \"score\": 0, "
        "\"responded_at\": \"2021-06-01T00:00:00Z\"}, {\"id\": \"S-2\", \"kind\": \"ces\", "
        "\"score\": 6, \"responded_at\": \"2021-06-01T00:00:00Z\"}, {\"id\": \"S-3\", "
        "\"kind\": \"csat\", \"score\": 5, \"responded_at\": \"2021-06-01T00:00:00Z\"}],"
        "\"tickets\": [{\"id\": \"T-1\", \"created_at\": \"2021-06-01T00:00:00Z\"}, "
        "{\"id\": \"T-1\", \"created_at\": \"2021-06-02T00:00:00Z\"}],"
        "\"costs\": [{\"start\": \"2021-06-01\", \"end\": \"2021-06-30\", \"amount\": "
        "{\"amount\": \"100\", \"currency\": \"USD\"}}, {\"start\": \"2021-06-01\", "
        "\"end\": \"2021-06-30\", \"amount\": {\"amount\": \"90\", \"currency\": "
        "\"EUR\"}}]}}";
    char *out = &sentinel;
    CHECK(supportkpi_report_json(lenient, &out) == SUPPORTKPI_RESULT_OK);
    if (out != &sentinel) {
        CHECK(strstr(out, "\"index\":0,\"kind\":\"score_out_of_scale\"") != NULL);
        CHECK(strstr(out, "\"index\":1,\"kind\":\"score_out_of_scale\"") != NULL);
        CHECK(strstr(out, "\"kind\":\"duplicate_id\"") != NULL);
        CHECK(strstr(out, "\"kind\":\"mixed_currencies\"") != NULL);
        CHECK(strstr(out, "\"csat_n\":1") != NULL);
        CHECK(strstr(out, "\"tickets_created\":1") != NULL);
        supportkpi_string_free(out);
    }
    out = &sentinel;
    CHECK_ERR(supportkpi_report_json("{\"records\": {\"tickets\": [{\"id\": \"T-1\", "
                                     "\"created_at\": \"2021-06-01T00:00:00Z\"}, {\"id\": "
                                     "\"T-1\", \"created_at\": \"2021-06-02T00:00:00Z\"}]}}",
                                     &out),
              SUPPORTKPI_RESULT_DUPLICATE_ID, "records.tickets[1]");
    CHECK(out == &sentinel);
}

/* SUPPORTKPI_REPORT_NO_FILES: a request naming a file is refused before it is opened; inline
 * records are reported as by supportkpi_report_json; unknown flags are refused. */
static void a_host_can_refuse_paths(void) {
    const char *named[] = {
        "{\"sources\": {\"tickets\": \"/etc/passwd\"}}",
        "{\"sources\": {\"costs\": \"costs.csv\"}, \"records\": {\"tickets\": []}}",
        "{\"sources\": {\"events\": \"/dev/zero\", \"preset\": \"servicenow\"}}",
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        char *out = &sentinel;
        CHECK_ERR(supportkpi_report_json_with(named[i], SUPPORTKPI_REPORT_NO_FILES, &out),
                  SUPPORTKPI_RESULT_INVALID_OPTION, "SUPPORTKPI_REPORT_NO_FILES");
        CHECK(out == &sentinel);
    }
    CHECK_ERR(supportkpi_report_json_with(named[0], SUPPORTKPI_REPORT_NO_FILES, NULL),
              SUPPORTKPI_RESULT_NULL_POINTER, "report_json_out");
    const char *inline_only =
        "{\"records\": {\"tickets\": [{\"id\": \"T-1\", \"created_at\": "
        "\"2021-06-01T08:00:00Z\"}]}}";
    char *with = NULL, *without = NULL;
    CHECK(supportkpi_report_json_with(inline_only, SUPPORTKPI_REPORT_NO_FILES, &with) ==
          SUPPORTKPI_RESULT_OK);
    CHECK(supportkpi_report_json(inline_only, &without) == SUPPORTKPI_RESULT_OK);
    CHECK(with != NULL && without != NULL && strcmp(with, without) == 0);
    supportkpi_string_free(with);
    supportkpi_string_free(without);
    char *out = &sentinel;
    CHECK_ERR(supportkpi_report_json_with(inline_only, 2, &out), SUPPORTKPI_RESULT_INVALID_ARGUMENT,
              "unknown bits 0x2");
    CHECK(out == &sentinel);
}

int main(void) {
    a_ticket_spanning_the_calendar();
    a_host_can_refuse_paths();
    inline_records_follow_the_rules_of_files();
    return finish("test_hardening");
}
