/* NPS, CSAT and CES: the worked checks of docs/definitions.md, undefined values, options,
 * every error path, and output structs left untouched on failure. */
#include <stdint.h>

#include "check.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A byte pattern no result would ever hold, to prove a failed call wrote nothing. */
#define POISON 0xAB

static int untouched(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != POISON) {
            return 0;
        }
    }
    return 1;
}

static void nps_checks(void) {
    supportkpi_nps_result r;

    /* definitions.md: 30% promoters and 20% detractors give +10, exactly. */
    const int32_t thirty_twenty[] = {9, 10, 10, 7, 8, 7, 8, 7, 0, 6};
    CHECK(supportkpi_nps(thirty_twenty, LEN(thirty_twenty), NULL, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.score.defined);
    CHECK(r.score.value == 10.0);
    CHECK(r.promoters == 3 && r.passives == 5 && r.detractors == 2 && r.n == 10);
    CHECK_NEAR(r.promoter_share.value, 0.3, 1e-15);
    CHECK_NEAR(r.detractor_share.value, 0.2, 1e-15);
    /* 100·sqrt((0.3 + 0.2 - 0.1²) / 10) */
    CHECK(r.standard_error.defined);
    CHECK_NEAR(r.standard_error.value, 100.0 * sqrt(0.49 / 10.0), 1e-9);
    CHECK(r.ci95.defined);
    CHECK_NEAR(r.ci95.lower, 10.0 - 1.959963984540054 * r.standard_error.value, 1e-9);
    CHECK_NEAR(r.ci95.upper, 10.0 + 1.959963984540054 * r.standard_error.value, 1e-9);
    CHECK(r.ci.defined && r.ci.lower == r.ci95.lower && r.ci.upper == r.ci95.upper);
    CHECK(r.confidence == 0.95 && !r.adjusted_wald);
    CHECK(r.distribution[10] == 2 && r.distribution[9] == 1 && r.distribution[7] == 3);
    CHECK(r.distribution[0] == 1 && r.distribution[1] == 0 && r.distribution[6] == 1);

    /* definitions.md: ratings 1..10 give -40, exactly. */
    const int32_t one_to_ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    CHECK(supportkpi_nps(one_to_ten, LEN(one_to_ten), NULL, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.score.defined && r.score.value == -40.0);
    CHECK(r.promoters == 2 && r.passives == 2 && r.detractors == 6 && r.n == 10);

    /* Options: a 90% interval is narrower than the 95% one; adjusted-Wald is reported. */
    supportkpi_nps_options o = supportkpi_nps_options_default();
    CHECK(o.confidence == 0.95 && !o.adjusted_wald);
    o.confidence = 0.9;
    o.adjusted_wald = true;
    CHECK(supportkpi_nps(one_to_ten, LEN(one_to_ten), &o, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.confidence == 0.9 && r.adjusted_wald);
    CHECK(r.ci.defined && r.ci95.defined);
    CHECK(r.ci.upper - r.ci.lower < r.ci95.upper - r.ci95.lower);
    CHECK(r.score.value == -40.0);

    /* No responses: not an error; every metric undefined, never 0. */
    CHECK(supportkpi_nps(NULL, 0, NULL, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.n == 0 && r.promoters == 0);
    CHECK(!r.score.defined && isnan(r.score.value));
    CHECK(!r.standard_error.defined && !r.promoter_share.defined);
    CHECK(!r.ci95.defined && isnan(r.ci95.lower) && isnan(r.ci95.upper) && !r.ci.defined);
    CHECK(strcmp(last_error(), "") == 0);

    /* Errors, each leaving *out untouched. */
    memset(&r, POISON, sizeof r);
    CHECK_ERR(supportkpi_nps(one_to_ten, LEN(one_to_ten), NULL, NULL),
              SUPPORTKPI_RESULT_NULL_POINTER, "out is NULL");
    CHECK_ERR(supportkpi_nps(NULL, 3, NULL, &r), SUPPORTKPI_RESULT_NULL_POINTER, "scores is NULL");
    CHECK_ERR(supportkpi_nps(one_to_ten, SIZE_MAX, NULL, &r), SUPPORTKPI_RESULT_INVALID_ARGUMENT,
              "length of scores");
    const int32_t eleven[] = {10, 9, 11, 3};
    CHECK_ERR(supportkpi_nps(eleven, LEN(eleven), NULL, &r), SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE,
              "scores[2]");
    CHECK(strstr(last_error(), "0-10") != NULL);
    const int32_t negative[] = {-1};
    CHECK_ERR(supportkpi_nps(negative, LEN(negative), NULL, &r),
              SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE, "scores[0]");
    const int32_t extremes[] = {INT32_MIN, INT32_MAX};
    CHECK_ERR(supportkpi_nps(extremes, LEN(extremes), NULL, &r),
              SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE, "-2147483648");
    o = supportkpi_nps_options_default();
    o.confidence = 95.0;
    CHECK_ERR(supportkpi_nps(one_to_ten, LEN(one_to_ten), &o, &r), SUPPORTKPI_RESULT_INVALID_OPTION,
              "confidence");
    o.confidence = NAN;
    CHECK_ERR(supportkpi_nps(one_to_ten, LEN(one_to_ten), &o, &r), SUPPORTKPI_RESULT_INVALID_OPTION,
              "confidence");
    CHECK(untouched(&r, sizeof r));
}

static void csat_checks(void) {
    supportkpi_csat_result r;

    const int32_t seven_of_ten[] = {5, 5, 4, 4, 4, 5, 4, 3, 2, 1};
    CHECK(supportkpi_csat(seven_of_ten, LEN(seven_of_ten), NULL, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.score.defined && r.score.value == 70.0);
    CHECK(r.positive == 7 && r.n == 10);
    CHECK(r.mean.defined);
    CHECK_NEAR(r.mean.value, 3.7, 1e-12);
    /* Wilson at z = 1.959963984540054 (mpmath, as in the core's tests). */
    CHECK(r.ci95.defined);
    CHECK_NEAR(r.ci95.lower, 39.67781474611453, 1e-9);
    CHECK_NEAR(r.ci95.upper, 89.22087325936989, 1e-9);
    CHECK(r.scale_min == 1 && r.scale_max == 5 && r.positive_from == 4);

    /* A 1-10 scale: top-2-box by default (9), or a threshold of our own. */
    supportkpi_csat_options o = supportkpi_csat_options_default();
    CHECK(o.scale_min == 1 && o.scale_max == 5 && !o.has_positive_from && o.confidence == 0.95);
    o.scale_min = 1;
    o.scale_max = 10;
    const int32_t tens[] = {10, 9, 8, 7, 1};
    CHECK(supportkpi_csat(tens, LEN(tens), &o, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.positive_from == 9 && r.positive == 2 && r.score.value == 40.0);
    o.has_positive_from = true;
    o.positive_from = 8;
    CHECK(supportkpi_csat(tens, LEN(tens), &o, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.positive_from == 8 && r.positive == 3 && r.score.value == 60.0);

    /* Good/bad: the scale 0-1. */
    o = supportkpi_csat_options_default();
    o.scale_min = 0;
    o.scale_max = 1;
    const int32_t thumbs[] = {1, 1, 0, 1};
    CHECK(supportkpi_csat(thumbs, LEN(thumbs), &o, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.score.value == 75.0 && r.positive_from == 1);

    CHECK(supportkpi_csat(NULL, 0, NULL, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.n == 0 && !r.score.defined && !r.mean.defined && !r.ci95.defined);
    CHECK(isnan(r.score.value) && isnan(r.mean.value));

    memset(&r, POISON, sizeof r);
    CHECK_ERR(supportkpi_csat(seven_of_ten, LEN(seven_of_ten), NULL, NULL),
              SUPPORTKPI_RESULT_NULL_POINTER, "out is NULL");
    CHECK_ERR(supportkpi_csat(NULL, 1, NULL, &r), SUPPORTKPI_RESULT_NULL_POINTER, "scores is NULL");
    CHECK_ERR(supportkpi_csat(seven_of_ten, SIZE_MAX / 2, NULL, &r),
              SUPPORTKPI_RESULT_INVALID_ARGUMENT, "length of scores");
    const int32_t zero[] = {5, 0};
    CHECK_ERR(supportkpi_csat(zero, LEN(zero), NULL, &r), SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE,
              "scores[1]");
    CHECK(strstr(last_error(), "1-5") != NULL);
    o = supportkpi_csat_options_default();
    o.scale_min = 5;
    o.scale_max = 1;
    CHECK_ERR(supportkpi_csat(seven_of_ten, LEN(seven_of_ten), &o, &r),
              SUPPORTKPI_RESULT_INVALID_OPTION, "scale");
    o.scale_min = 3;
    o.scale_max = 3;
    CHECK_ERR(supportkpi_csat(seven_of_ten, LEN(seven_of_ten), &o, &r),
              SUPPORTKPI_RESULT_INVALID_OPTION, "scale");
    o.scale_min = INT32_MIN;
    o.scale_max = INT32_MAX;
    CHECK_ERR(supportkpi_csat(seven_of_ten, LEN(seven_of_ten), &o, &r),
              SUPPORTKPI_RESULT_INVALID_OPTION, "scale");
    o = supportkpi_csat_options_default();
    o.has_positive_from = true;
    o.positive_from = 6;
    CHECK_ERR(supportkpi_csat(seven_of_ten, LEN(seven_of_ten), &o, &r),
              SUPPORTKPI_RESULT_INVALID_OPTION, "positive_from");
    o = supportkpi_csat_options_default();
    o.confidence = 0.0;
    CHECK_ERR(supportkpi_csat(seven_of_ten, LEN(seven_of_ten), &o, &r),
              SUPPORTKPI_RESULT_INVALID_OPTION, "confidence");
    CHECK(untouched(&r, sizeof r));
}

static void ces_checks(void) {
    supportkpi_ces_result r;

    const int32_t effort[] = {1, 1, 2, 3, 5};
    CHECK(supportkpi_ces(effort, LEN(effort), SUPPORTKPI_CES_SCALE_EFFORT_1_TO_5, &r) ==
          SUPPORTKPI_RESULT_OK);
    CHECK(r.mean.defined);
    CHECK_NEAR(r.mean.value, 2.4, 1e-12);
    CHECK(r.easy == 3 && r.n == 5 && r.easy_share.defined);
    CHECK_NEAR(r.easy_share.value, 0.6, 1e-12);
    CHECK(r.scale == SUPPORTKPI_CES_SCALE_EFFORT_1_TO_5 && r.lower_is_better);
    CHECK(r.scale_min == 1 && r.scale_max == 5 && r.easy_threshold == 2);

    const int32_t ease[] = {7, 6, 5, 4, 3, 2, 1, 7};
    CHECK(supportkpi_ces(ease, LEN(ease), SUPPORTKPI_CES_SCALE_EASE_1_TO_7, &r) ==
          SUPPORTKPI_RESULT_OK);
    CHECK(r.mean.value == 4.375 && r.easy_share.value == 0.5 && !r.lower_is_better);
    CHECK(r.scale_min == 1 && r.scale_max == 7 && r.easy_threshold == 5);

    CHECK(supportkpi_ces(NULL, 0, SUPPORTKPI_CES_SCALE_EASE_1_TO_7, &r) == SUPPORTKPI_RESULT_OK);
    CHECK(r.n == 0 && !r.mean.defined && !r.easy_share.defined && isnan(r.mean.value));

    memset(&r, POISON, sizeof r);
    CHECK_ERR(supportkpi_ces(effort, LEN(effort), SUPPORTKPI_CES_SCALE_EFFORT_1_TO_5, NULL),
              SUPPORTKPI_RESULT_NULL_POINTER, "out is NULL");
    CHECK_ERR(supportkpi_ces(NULL, 2, SUPPORTKPI_CES_SCALE_EFFORT_1_TO_5, &r),
              SUPPORTKPI_RESULT_NULL_POINTER, "scores is NULL");
    CHECK_ERR(supportkpi_ces(effort, LEN(effort), 2, &r), SUPPORTKPI_RESULT_INVALID_OPTION,
              "scale");
    CHECK_ERR(supportkpi_ces(effort, LEN(effort), UINT32_MAX, &r), SUPPORTKPI_RESULT_INVALID_OPTION,
              "scale");
    /* 7 is on the ease scale but not on the effort scale. */
    CHECK_ERR(supportkpi_ces(ease, LEN(ease), SUPPORTKPI_CES_SCALE_EFFORT_1_TO_5, &r),
              SUPPORTKPI_RESULT_SCORE_OUT_OF_SCALE, "scores[0]");
    CHECK(strstr(last_error(), "effort_1_to_5") != NULL);
    CHECK(untouched(&r, sizeof r));
}

int main(void) {
    nps_checks();
    csat_checks();
    ces_checks();
    return finish("test_survey");
}
