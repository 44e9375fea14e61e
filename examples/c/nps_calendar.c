/* A small program using libsupportkpi from C: the NPS of a batch of survey scores, and the
 * business time of a few tickets' first responses on a Mon-Fri calendar with a holiday.
 *
 * Build and run (from the repository root, after cargo build --release -p supportkpi-ffi):
 *     make -C examples/c run
 */
#include <inttypes.h>
#include <stdio.h>

#include "supportkpi.h"

/* Prints the failed call, its result name and the thread's last error message. */
static int fail(const char *what, supportkpi_result r) {
    char msg[512];
    size_t len = 0;
    if (supportkpi_error_message(msg, sizeof msg, &len) != SUPPORTKPI_RESULT_OK) {
        msg[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s: %s\n", what, supportkpi_result_name(r), msg);
    return 1;
}

int main(void) {
    printf("libsupportkpi %s\n", supportkpi_version());

    /* NPS: 4 promoters, 3 passives, 3 detractors. */
    const int32_t scores[] = {10, 9, 9, 10, 8, 7, 7, 6, 3, 0};
    supportkpi_nps_result nps;
    supportkpi_result r =
        supportkpi_nps(scores, sizeof scores / sizeof scores[0], NULL, &nps);
    if (r != SUPPORTKPI_RESULT_OK) {
        return fail("supportkpi_nps", r);
    }
    if (nps.score.defined) {
        printf("NPS %+.1f (n = %" PRIu64 ", 95%% CI %.1f to %.1f)\n", nps.score.value, nps.n,
               nps.ci95.lower, nps.ci95.upper);
    } else {
        printf("NPS undefined (no responses)\n");
    }

    /* An off-scale score is an error with a message naming it. */
    const int32_t bad[] = {10, 11};
    r = supportkpi_nps(bad, 2, NULL, &nps);
    if (r == SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE) {
        char msg[256];
        size_t len = 0;
        if (supportkpi_error_message(msg, sizeof msg, &len) == SUPPORTKPI_RESULT_OK) {
            printf("rejected as expected: %s\n", msg);
        }
    } else {
        fprintf(stderr, "an off-scale score was not rejected\n");
        return 1;
    }

    /* Business hours Mon-Fri 10:00-18:00 in UTC, with Tuesday 2021-06-29 a holiday. */
    const char *holidays[] = {"2021-06-29"};
    supportkpi_calendar *cal = NULL;
    r = supportkpi_calendar_new("Mon-Fri 10:00-18:00", "UTC", holidays, 1, &cal);
    if (r != SUPPORTKPI_RESULT_OK) {
        return fail("supportkpi_calendar_new", r);
    }
    char *hours = NULL;
    r = supportkpi_calendar_to_string(cal, &hours);
    if (r != SUPPORTKPI_RESULT_OK) {
        supportkpi_calendar_free(cal);
        return fail("supportkpi_calendar_to_string", r);
    }
    printf("calendar: %s, UTC, holiday 2021-06-29\n", hours);
    supportkpi_string_free(hours);

    /* Created and first-responded instants, Unix epoch seconds. 1624838400 is Mon 2021-06-28. */
    const int64_t monday = 1624838400;
    const int64_t hour = 3600;
    const struct {
        const char *id;
        int64_t created, responded;
    } tickets[] = {
        {"T-1", monday + 11 * hour, monday + 12 * hour},          /* within Monday's hours */
        {"T-2", monday + 6 * hour, monday + 24 * hour + 11 * hour}, /* over the holiday */
        {"T-3", monday - 3 * 24 * hour + 17 * hour, monday + 10 * hour}, /* Fri 17:00 -> Mon */
    };
    int status = 0;
    for (size_t i = 0; i < sizeof tickets / sizeof tickets[0]; i++) {
        int64_t bh = 0;
        r = supportkpi_calendar_business_seconds(cal, tickets[i].created, tickets[i].responded,
                                                 &bh);
        if (r != SUPPORTKPI_RESULT_OK) {
            status = fail("supportkpi_calendar_business_seconds", r);
            break;
        }
        printf("%s first response: %6" PRId64 " s calendar, %6" PRId64 " s business\n",
               tickets[i].id, tickets[i].responded - tickets[i].created, bh);
    }
    supportkpi_calendar_free(cal);
    return status;
}
