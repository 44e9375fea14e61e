/* The whole report from C: one JSON request naming the sample files, one JSON response, and a
 * few of its columns printed as a table.
 *
 * Build and run (from the repository root, after cargo build --release -p supportkpi-ffi):
 *     make -C examples/c run
 * The data directory is the first argument (default ../data, for a run from examples/c).
 *
 * The response is read here with strstr and strtod to keep the example free of dependencies;
 * a real program would hand it to its JSON library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi.h"

static int fail(const char *what, supportkpi_result r) {
    char msg[1024];
    size_t len = 0;
    if (supportkpi_error_message(msg, sizeof msg, &len) != SUPPORTKPI_RESULT_OK) {
        msg[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s: %s\n", what, supportkpi_result_name(r), msg);
    return 1;
}

/* Copies the value of "key" in the row starting at `row` (up to `end`) into buf: a number, a
 * string without its quotes, or "-" for null. */
static void field(const char *row, const char *end, const char *key, char *buf, size_t len) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"%s\":", key);
    const char *p = strstr(row, needle);
    if (p == NULL || p >= end || len == 0) {
        snprintf(buf, len, "?");
        return;
    }
    p += strlen(needle);
    if (strncmp(p, "null", 4) == 0) {
        snprintf(buf, len, "-");
        return;
    }
    const int quoted = *p == '"';
    p += quoted;
    size_t n = 0;
    while (p[n] != '\0' && (quoted ? p[n] != '"' : (p[n] != ',' && p[n] != '}'))) {
        n++;
    }
    if (n >= len) {
        n = len - 1;
    }
    memcpy(buf, p, n);
    buf[n] = '\0';
}

int main(int argc, char **argv) {
    const char *data = argc > 1 ? argv[1] : "../data";
    char request[2048];
    snprintf(request, sizeof request,
             "{\"sources\": {\"tickets\": \"%s/tickets.csv\", \"surveys\": \"%s/surveys.csv\"},"
             " \"options\": {\"period\": \"month\", \"by\": \"channel\"}}",
             data, data);

    char *json = NULL;
    const supportkpi_result r = supportkpi_report_json(request, &json);
    if (r != SUPPORTKPI_RESULT_OK) {
        return fail("supportkpi_report_json", r);
    }

    printf("%-10s  %-8s  %7s  %8s  %10s  %6s  %6s\n", "period", "channel", "created", "resolved",
           "resolve h", "csat %", "nps");
    const char *rows = strstr(json, "\"rows\":[");
    /* The rows end where the report's sections begin. */
    const char *end = strstr(json, "],\"sections\":");
    for (const char *row = rows; row != NULL && (row = strstr(row, "{\"period_start\":")) != NULL &&
                                 row < end;) {
        const char *next = strstr(row + 1, "{\"period_start\":");
        const char *row_end = next != NULL && next < end ? next : end;
        char period[16], dim[32], created[16], resolved[16], mean[32], csat[32], nps[32];
        field(row, row_end, "period_start", period, sizeof period);
        field(row, row_end, "dimension", dim, sizeof dim);
        field(row, row_end, "tickets_created", created, sizeof created);
        field(row, row_end, "tickets_resolved", resolved, sizeof resolved);
        field(row, row_end, "resolution_mean_s", mean, sizeof mean);
        field(row, row_end, "csat_pct", csat, sizeof csat);
        field(row, row_end, "nps", nps, sizeof nps);
        char hours[32] = "-", csat1[32] = "-", nps1[32] = "-";
        if (strcmp(mean, "-") != 0) {
            snprintf(hours, sizeof hours, "%.1f", strtod(mean, NULL) / 3600);
        }
        if (strcmp(csat, "-") != 0) {
            snprintf(csat1, sizeof csat1, "%.1f", strtod(csat, NULL));
        }
        if (strcmp(nps, "-") != 0) {
            snprintf(nps1, sizeof nps1, "%+.1f", strtod(nps, NULL));
        }
        printf("%-10s  %-8s  %7s  %8s  %10s  %6s  %6s\n", period,
               strcmp(dim, "-") == 0 ? "(all)" : dim, created, resolved, hours, csat1, nps1);
        row = row_end;
    }

    supportkpi_string_free(json);
    return 0;
}
