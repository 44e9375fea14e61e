/* The version, the stable numbers of supportkpi_result and their names. */
#include "check.h"

int main(void) {
    const char *v = supportkpi_version();
    CHECK(v != NULL);
    CHECK(strcmp(v, "0.1.0") == 0);

    /* The numbers are ABI: this table must only ever grow. */
    CHECK(SUPPORTKPI_RESULT_OK == 0);
    CHECK(SUPPORTKPI_RESULT_NULL_POINTER == 1);
    CHECK(SUPPORTKPI_RESULT_INVALID_ARGUMENT == 2);
    CHECK(SUPPORTKPI_RESULT_PANIC == 3);
    CHECK(SUPPORTKPI_RESULT_OTHER == 4);
    CHECK(SUPPORTKPI_RESULT_INVALID_JSON == 5);
    CHECK(SUPPORTKPI_RESULT_MISSING_FIELD == 100);
    CHECK(SUPPORTKPI_RESULT_INVALID_VALUE == 101);
    CHECK(SUPPORTKPI_RESULT_INVALID_TIMESTAMP == 102);
    CHECK(SUPPORTKPI_RESULT_NEGATIVE_DURATION == 103);
    CHECK(SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE == 104);
    CHECK(SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE == 105);
    CHECK(SUPPORTKPI_RESULT_MIXED_CURRENCIES == 106);
    CHECK(SUPPORTKPI_RESULT_DUPLICATE_ID == 107);
    CHECK(SUPPORTKPI_RESULT_UNMAPPED_STATUS == 108);
    CHECK(SUPPORTKPI_RESULT_INVALID_CALENDAR == 109);
    CHECK(SUPPORTKPI_RESULT_INVALID_OPTION == 110);
    CHECK(SUPPORTKPI_RESULT_INCOMPATIBLE_MERGE == 111);
    CHECK(SUPPORTKPI_RESULT_INVALID_STATE == 112);
    CHECK(SUPPORTKPI_RESULT_IO == 113);
    CHECK(sizeof(supportkpi_result) == 4);

    CHECK(strcmp(supportkpi_result_name(SUPPORTKPI_RESULT_OK), "ok") == 0);
    CHECK(strcmp(supportkpi_result_name(SUPPORTKPI_RESULT_NULL_POINTER), "null_pointer") == 0);
    CHECK(strcmp(supportkpi_result_name(SUPPORTKPI_RESULT_PANIC), "panic") == 0);
    CHECK(strcmp(supportkpi_result_name(SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE),
                 "score_out_of_scale") == 0);
    CHECK(strcmp(supportkpi_result_name(SUPPORTKPI_RESULT_UNKNOWN_TIME_ZONE),
                 "unknown_time_zone") == 0);
    CHECK(strcmp(supportkpi_result_name(SUPPORTKPI_RESULT_IO), "io") == 0);
    CHECK(strcmp(supportkpi_result_name(6), "unknown") == 0);
    CHECK(strcmp(supportkpi_result_name(99), "unknown") == 0);
    CHECK(strcmp(supportkpi_result_name(114), "unknown") == 0);
    CHECK(strcmp(supportkpi_result_name(UINT32_MAX), "unknown") == 0);

    /* The CES scale ids are ABI too. */
    CHECK(SUPPORTKPI_CES_SCALE_EFFORT_1_TO_5 == 0);
    CHECK(SUPPORTKPI_CES_SCALE_EASE_1_TO_7 == 1);

    return finish("test_version");
}
