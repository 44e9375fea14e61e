/* supportkpi_error_message: the per-thread message, its copy semantics and its own errors. */
#include "check.h"

int main(void) {
    char buf[256];
    size_t len = 99;

    /* Before any failure, and after a success, the message is empty. */
    CHECK(supportkpi_error_message(buf, sizeof buf, &len) == SUPPORTKPI_RESULT_OK);
    CHECK(len == 0 && buf[0] == '\0');

    /* A failure leaves a message naming the argument. */
    supportkpi_nps_result r;
    const int32_t bad[] = {12};
    CHECK(supportkpi_nps(bad, 1, NULL, &r) == SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE);
    CHECK(supportkpi_error_message(buf, sizeof buf, &len) == SUPPORTKPI_RESULT_OK);
    CHECK(len == strlen(buf) && len > 10);
    CHECK(strstr(buf, "scores[0]") != NULL && strstr(buf, "12") != NULL);
    char full[256];
    memcpy(full, buf, sizeof full);
    const size_t full_len = len;

    /* Reading does not consume it. */
    CHECK(supportkpi_error_message(buf, sizeof buf, &len) == SUPPORTKPI_RESULT_OK);
    CHECK(len == full_len && strcmp(buf, full) == 0);

    /* A short buffer gets a NUL-terminated prefix and the full length, to retry with. */
    char small[8];
    CHECK(supportkpi_error_message(small, sizeof small, &len) == SUPPORTKPI_RESULT_OK);
    CHECK(len == full_len && strlen(small) == 7 && strncmp(small, full, 7) == 0);
    char one[1] = {'x'};
    CHECK(supportkpi_error_message(one, sizeof one, &len) == SUPPORTKPI_RESULT_OK);
    CHECK(one[0] == '\0' && len == full_len);

    /* Its own errors write nothing and leave the message alone. */
    len = 77;
    CHECK(supportkpi_error_message(NULL, sizeof buf, &len) == SUPPORTKPI_RESULT_NULL_POINTER);
    CHECK(len == 77);
    CHECK(supportkpi_error_message(buf, sizeof buf, NULL) == SUPPORTKPI_RESULT_NULL_POINTER);
    buf[0] = 'y';
    CHECK(supportkpi_error_message(buf, 0, &len) == SUPPORTKPI_RESULT_INVALID_ARGUMENT);
    CHECK(buf[0] == 'y' && len == 77);
    CHECK(supportkpi_error_message(buf, sizeof buf, &len) == SUPPORTKPI_RESULT_OK);
    CHECK(strcmp(buf, full) == 0);

    /* A cut never splits a UTF-8 character: the zone name holds a two-byte 'ü'. */
    supportkpi_calendar *cal = NULL;
    CHECK(supportkpi_calendar_new("24/7", "Europe/Z\xc3\xbcrich", NULL, 0, &cal) ==
          SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE);
    CHECK(supportkpi_error_message(buf, sizeof buf, &len) == SUPPORTKPI_RESULT_OK);
    const char *u = strstr(buf, "\xc3\xbc");
    CHECK(u != NULL);
    if (u != NULL) {
        const size_t at = (size_t)(u - buf);
        char cut[256];
        /* Room for `at` bytes and the first byte of 'ü': the copy stops before 'ü'. */
        CHECK(supportkpi_error_message(cut, at + 2, &len) == SUPPORTKPI_RESULT_OK);
        CHECK(strlen(cut) == at && strncmp(cut, buf, at) == 0);
        CHECK(supportkpi_error_message(cut, at + 3, &len) == SUPPORTKPI_RESULT_OK);
        CHECK(strlen(cut) == at + 2);
    }

    /* The next success clears it. */
    CHECK(supportkpi_nps(NULL, 0, NULL, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(supportkpi_error_message(buf, sizeof buf, &len) == SUPPORTKPI_RESULT_OK);
    CHECK(len == 0 && buf[0] == '\0');

    return finish("test_errors");
}
