/* The business calendar handle: the five reference cases of docs/definitions.md, holidays,
 * zones, the text form, every error path, and output parameters left untouched on failure. */
#include <stdint.h>

#include "check.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Unix epoch seconds of a UTC civil time (days_from_civil, proleptic Gregorian). */
static int64_t utc(int64_t y, int64_t m, int64_t d, int64_t h, int64_t min) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + h * 3600 + min * 60;
}

static int64_t seconds(const supportkpi_calendar *cal, int64_t a, int64_t b) {
    int64_t out = -1;
    supportkpi_result r = supportkpi_calendar_business_seconds(cal, a, b, &out);
    if (r != SUPPORTKPI_RESULT_OK) {
        fprintf(stderr, "business_seconds failed: %s: %s\n", supportkpi_result_name(r),
                last_error());
        return INT64_MIN;
    }
    return out;
}

static void reference_cases(void) {
    supportkpi_calendar *cal = NULL;
    CHECK(supportkpi_calendar_new("Mon-Fri 10:00-18:00", "UTC", NULL, 0, &cal) ==
          SUPPORTKPI_RESULT_OK);
    CHECK(cal != NULL);
    CHECK(strcmp(last_error(), "") == 0);
    CHECK(utc(2021, 6, 28, 0, 0) == 1624838400); /* a Monday */

    /* docs/definitions.md "Time", weekly Mon-Fri 10:00-18:00 in UTC. */
    CHECK(seconds(cal, utc(2021, 6, 28, 11, 0), utc(2021, 6, 28, 12, 0)) == 3600);
    CHECK(seconds(cal, utc(2021, 6, 28, 12, 0), utc(2021, 6, 28, 20, 0)) == 21600);
    CHECK(seconds(cal, utc(2021, 6, 28, 6, 0), utc(2021, 6, 29, 11, 0)) == 32400);
    CHECK(seconds(cal, utc(2021, 6, 25, 6, 0), utc(2021, 6, 26, 11, 0)) == 28800);
    CHECK(seconds(cal, utc(2021, 6, 28, 6, 0), utc(2021, 7, 1, 20, 0)) == 115200);

    /* Nothing open is 0 (a Saturday), and the wrong way round is negative. */
    CHECK(seconds(cal, utc(2021, 6, 26, 9, 0), utc(2021, 6, 26, 17, 0)) == 0);
    CHECK(seconds(cal, utc(2021, 6, 28, 12, 0), utc(2021, 6, 28, 11, 0)) == -3600);
    CHECK(seconds(cal, utc(2021, 6, 28, 12, 0), utc(2021, 6, 28, 12, 0)) == 0);

    /* The whole supported range works (about ±262,000 years). */
    CHECK(seconds(cal, -8334601228800LL, 8210266876799LL) > 0);

    char *text = NULL;
    CHECK(supportkpi_calendar_to_string(cal, &text) == SUPPORTKPI_RESULT_OK);
    CHECK(text != NULL && strcmp(text, "Mon-Fri 10:00-18:00") == 0);
    supportkpi_string_free(text);
    supportkpi_calendar_free(cal);
}

static void holidays_and_zones(void) {
    const char *holidays[] = {"2021-06-29", "2021-12-24"};
    supportkpi_calendar *cal = NULL;
    CHECK(supportkpi_calendar_new("mon-fri 10:00-18:00", "UTC", holidays, LEN(holidays), &cal) ==
          SUPPORTKPI_RESULT_OK);
    /* The reference week less Tuesday. */
    CHECK(seconds(cal, utc(2021, 6, 28, 6, 0), utc(2021, 7, 1, 20, 0)) == 115200 - 28800);
    char *text = NULL;
    CHECK(supportkpi_calendar_to_string(cal, &text) == SUPPORTKPI_RESULT_OK);
    CHECK(text != NULL && strcmp(text, "Mon-Fri 10:00-18:00") == 0);
    supportkpi_string_free(text);
    supportkpi_calendar_free(cal);

    /* Wall-clock hours across DST: Berlin falls back on 2021-10-31, so 00:00-06:00 local on
     * that Sunday is 7 hours. */
    cal = NULL;
    CHECK(supportkpi_calendar_new("Sun 00:00-06:00", "Europe/Berlin", NULL, 0, &cal) ==
          SUPPORTKPI_RESULT_OK);
    CHECK(seconds(cal, utc(2021, 10, 30, 12, 0), utc(2021, 10, 31, 12, 0)) == 7 * 3600);
    supportkpi_calendar_free(cal);

    /* 24/7 is calendar time; "closed" is never open. */
    cal = NULL;
    CHECK(supportkpi_calendar_new("24/7", "America/New_York", NULL, 0, &cal) ==
          SUPPORTKPI_RESULT_OK);
    CHECK(seconds(cal, utc(2021, 3, 13, 12, 0), utc(2021, 3, 15, 12, 0)) == 48 * 3600);
    supportkpi_calendar_free(cal);
    cal = NULL;
    CHECK(supportkpi_calendar_new("closed", "UTC", NULL, 0, &cal) == SUPPORTKPI_RESULT_OK);
    CHECK(seconds(cal, utc(2021, 1, 1, 0, 0), utc(2022, 1, 1, 0, 0)) == 0);
    supportkpi_calendar_free(cal);
}

static void errors(void) {
    /* A non-NULL address that is never dereferenced, to see that *out is not written. */
    static char marker;
    supportkpi_calendar *const sentinel = (supportkpi_calendar *)(void *)&marker;
    supportkpi_calendar *cal = sentinel;

    CHECK_ERR(supportkpi_calendar_new(NULL, "UTC", NULL, 0, &cal), SUPPORTKPI_RESULT_NULL_POINTER,
              "hours is NULL");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", NULL, NULL, 0, &cal),
              SUPPORTKPI_RESULT_NULL_POINTER, "timezone is NULL");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "UTC", NULL, 0, NULL),
              SUPPORTKPI_RESULT_NULL_POINTER, "out is NULL");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "UTC", NULL, 2, &cal),
              SUPPORTKPI_RESULT_NULL_POINTER, "holidays is NULL");
    const char *with_null[] = {"2021-12-24", NULL};
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "UTC", with_null, 2, &cal),
              SUPPORTKPI_RESULT_NULL_POINTER, "holidays[1] is NULL");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "UTC", with_null, SIZE_MAX, &cal),
              SUPPORTKPI_RESULT_INVALID_ARGUMENT, "length of holidays");

    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "Mars/Olympus", NULL, 0, &cal),
              SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE, "Mars/Olympus");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "", NULL, 0, &cal),
              SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE, "timezone");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "PST", NULL, 0, &cal),
              SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE, "PST");

    CHECK_ERR(supportkpi_calendar_new("Mon-Fry 09:00-17:00", "UTC", NULL, 0, &cal),
              SUPPORTKPI_RESULT_INVALID_CALENDAR, "Fry");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-25:00", "UTC", NULL, 0, &cal),
              SUPPORTKPI_RESULT_INVALID_CALENDAR, "25:00");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri", "UTC", NULL, 0, &cal),
              SUPPORTKPI_RESULT_INVALID_CALENDAR, "hours");
    const char *bad_dates[] = {"2021-12-24", "2021-6-1"};
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "UTC", bad_dates, 2, &cal),
              SUPPORTKPI_RESULT_INVALID_CALENDAR, "holidays[1]");
    CHECK(strstr(last_error(), "YYYY-MM-DD") != NULL);
    const char *no_such_day[] = {"2021-02-30"};
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "UTC", no_such_day, 1, &cal),
              SUPPORTKPI_RESULT_INVALID_CALENDAR, "2021-02-30");
    CHECK_ERR(supportkpi_calendar_new("Mon-Fri 09:00-17:00\xff", "UTC", NULL, 0, &cal),
              SUPPORTKPI_RESULT_INVALID_ARGUMENT, "hours is not UTF-8");
    CHECK(cal == sentinel);

    /* business_seconds and to_string. */
    cal = NULL;
    CHECK(supportkpi_calendar_new("Mon-Fri 09:00-17:00", "UTC", NULL, 0, &cal) ==
          SUPPORTKPI_RESULT_OK);
    int64_t out = 12345;
    CHECK_ERR(supportkpi_calendar_business_seconds(NULL, 0, 1, &out), SUPPORTKPI_RESULT_NULL_POINTER,
              "calendar is NULL");
    CHECK_ERR(supportkpi_calendar_business_seconds(cal, 0, 1, NULL), SUPPORTKPI_RESULT_NULL_POINTER,
              "out is NULL");
    CHECK_ERR(supportkpi_calendar_business_seconds(cal, INT64_MAX, 0, &out),
              SUPPORTKPI_RESULT_INVALID_TIMESTAMP, "start_epoch_s");
    CHECK_ERR(supportkpi_calendar_business_seconds(cal, 0, INT64_MIN, &out),
              SUPPORTKPI_RESULT_INVALID_TIMESTAMP, "end_epoch_s");
    CHECK(out == 12345);

    char *const text_sentinel = &marker;
    char *text = text_sentinel;
    CHECK_ERR(supportkpi_calendar_to_string(NULL, &text), SUPPORTKPI_RESULT_NULL_POINTER,
              "calendar is NULL");
    CHECK_ERR(supportkpi_calendar_to_string(cal, NULL), SUPPORTKPI_RESULT_NULL_POINTER,
              "out is NULL");
    CHECK(text == text_sentinel);

    /* A success clears the message. */
    CHECK(supportkpi_calendar_business_seconds(cal, 0, 1, &out) == SUPPORTKPI_RESULT_OK);
    CHECK(out == 0 && strcmp(last_error(), "") == 0);

    supportkpi_calendar_free(cal);
    /* Freeing NULL is allowed, for unconditional clean-up paths. */
    supportkpi_calendar_free(NULL);
    supportkpi_string_free(NULL);
}

int main(void) {
    reference_cases();
    holidays_and_zones();
    errors();
    return finish("test_calendar");
}
