/* Report states from C: two partitions' states combined and merged give the report over all
 * their records (a field one partition lacks included), and every error path (truncation at every byte, another version, other
 * options, no states, NULL pointers) is a code, never a crash, with the outputs untouched. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define T(id, created, resolved, channel)                                                 \
    "{\"id\": \"" id "\", \"created_at\": \"" created "\", \"resolved_at\": \"" resolved \
    "\", \"channel\": \"" channel "\"}"

static const char *OPTIONS = "\"options\": {\"period\": \"month\", \"by\": \"channel\"}";

/* A request over some tickets, with `options` as the request's options part. */
static char *request(const char *tickets, const char *options) {
    static char buf[2048];
    snprintf(buf, sizeof buf, "{\"records\": {\"tickets\": [%s]}, %s}", tickets, options);
    return buf;
}

#define A T("T-1", "2021-06-01T08:00:00Z", "2021-06-02T08:00:00Z", "email")
#define B T("T-2", "2021-06-15T08:00:00Z", "2021-07-02T08:00:00Z", "chat")
#define C T("T-3", "2021-07-03T08:00:00Z", "2021-07-04T09:00:00Z", "email")

int main(void) {
    uint8_t *s1 = NULL, *s2 = NULL, *both = NULL;
    size_t n1 = 0, n2 = 0, nboth = 0;
    CHECK(supportkpi_state_json(request(A, OPTIONS), &s1, &n1) == SUPPORTKPI_RESULT_OK);
    CHECK(supportkpi_state_json(request(B "," C, OPTIONS), &s2, &n2) == SUPPORTKPI_RESULT_OK);
    CHECK(s1 != NULL && n1 > 22 && memcmp(s1, "SKRS", 4) == 0);

    const uint8_t *states[2] = {s1, s2};
    const size_t lens[2] = {n1, n2};
    CHECK(supportkpi_state_combine(states, lens, 2, &both, &nboth) == SUPPORTKPI_RESULT_OK);

    /* Merged states, the combined state and the one-shot report are the same text. */
    char *merged = NULL, *combined = NULL, *whole = NULL;
    CHECK(supportkpi_state_merge_json(states, lens, 2, &merged) == SUPPORTKPI_RESULT_OK);
    const uint8_t *one[1] = {both};
    const size_t one_len[1] = {nboth};
    CHECK(supportkpi_state_merge_json(one, one_len, 1, &combined) == SUPPORTKPI_RESULT_OK);
    CHECK(supportkpi_report_json(request(A "," B "," C, OPTIONS), &whole) == SUPPORTKPI_RESULT_OK);
    CHECK(merged != NULL && whole != NULL && combined != NULL);
    if (merged && whole && combined) {
        /* The one-shot envelope lists what it read; the states' lists nothing. */
        const char *rows = strstr(whole, "\"rejected\"");
        CHECK(rows != NULL);
        CHECK(strncmp(merged, whole, (size_t)(rows - whole)) == 0);
        CHECK(strcmp(merged, combined) == 0);
        CHECK(strstr(merged, "\"backlog_end\":1") != NULL);
    }
    supportkpi_string_free(merged);
    supportkpi_string_free(combined);
    supportkpi_string_free(whole);

    /* Truncated at every byte: refused. */
    char *untouched = (char *)&failures;
    for (size_t n = 0; n < n1; n++) {
        const uint8_t *cut[1] = {s1};
        const size_t cut_len[1] = {n};
        char *out = untouched;
        supportkpi_result r = supportkpi_state_merge_json(cut, cut_len, 1, &out);
        CHECK(r == SUPPORTKPI_RESULT_INVALID_STATE);
        CHECK(out == untouched);
    }
    /* Another encoding version. */
    uint8_t *v9 = malloc(n1);
    if (v9) {
        memcpy(v9, s1, n1);
        v9[4] = 9;
        const uint8_t *bad[2] = {s1, v9};
        uint8_t *out = NULL;
        size_t out_len = 7;
        CHECK_ERR(supportkpi_state_combine(bad, lens, 2, &out, &out_len),
                  SUPPORTKPI_RESULT_INVALID_STATE, "states[1]");
        CHECK(out == NULL && out_len == 7);
        free(v9);
    }
    /* Other options. */
    uint8_t *weekly = NULL;
    size_t nweekly = 0;
    CHECK(supportkpi_state_json(request(A, "\"options\": {\"period\": \"week\"}"), &weekly,
                                &nweekly) == SUPPORTKPI_RESULT_OK);
    const uint8_t *mixed[2] = {s1, weekly};
    const size_t mixed_len[2] = {n1, nweekly};
    char *out = NULL;
    CHECK(supportkpi_state_merge_json(mixed, mixed_len, 2, &out) ==
          SUPPORTKPI_RESULT_INCOMPATIBLE_MERGE);
    CHECK(out == NULL);
    /* No states, NULL pointers. */
    CHECK(supportkpi_state_merge_json(NULL, NULL, 0, &out) == SUPPORTKPI_RESULT_INVALID_OPTION);
    CHECK(supportkpi_state_merge_json(states, NULL, 2, &out) == SUPPORTKPI_RESULT_NULL_POINTER);
    CHECK(supportkpi_state_merge_json(states, lens, 2, NULL) == SUPPORTKPI_RESULT_NULL_POINTER);
    CHECK(supportkpi_state_combine(states, lens, 2, &both, NULL) == SUPPORTKPI_RESULT_NULL_POINTER);
    CHECK(supportkpi_state_json(NULL, &s1, &n1) == SUPPORTKPI_RESULT_NULL_POINTER);
    CHECK(supportkpi_state_json("{", &s1, &n1) == SUPPORTKPI_RESULT_INVALID_JSON);

    /* A free-form field on one partition's ticket only: each state is made, the merge takes the
       filter (T-2 alone, backlog 1 at the end of June), and a name no state's tickets carry is
       refused by the merge as by the one-shot report. */
    {
#define PLANNED "{\"id\": \"T-2\", \"created_at\": \"2021-06-15T08:00:00Z\", " \
                "\"channel\": \"chat\", \"dimensions\": {\"plan\": \"pro\"}}"
        const char *pro = "\"options\": {\"period\": \"month\", \"where\": [\"plan=pro\"]}";
        const char *typo = "\"options\": {\"period\": \"month\", \"where\": [\"plna=pro\"]}";
        uint8_t *p1 = NULL, *p2 = NULL, *q1 = NULL, *q2 = NULL;
        size_t m1 = 0, m2 = 0, k1 = 0, k2 = 0;
        CHECK(supportkpi_state_json(request(A, pro), &p1, &m1) == SUPPORTKPI_RESULT_OK);
        CHECK(supportkpi_state_json(request(PLANNED, pro), &p2, &m2) == SUPPORTKPI_RESULT_OK);
        const uint8_t *parts[2] = {p1, p2};
        const size_t part_lens[2] = {m1, m2};
        char *sparse = NULL, *one_shot = NULL;
        CHECK(supportkpi_state_merge_json(parts, part_lens, 2, &sparse) == SUPPORTKPI_RESULT_OK);
        CHECK(supportkpi_report_json(request(A "," PLANNED, pro), &one_shot) ==
              SUPPORTKPI_RESULT_OK);
        if (sparse && one_shot) {
            const char *rest = strstr(one_shot, "\"rejected\"");
            CHECK(rest != NULL && strncmp(sparse, one_shot, (size_t)(rest - one_shot)) == 0);
            CHECK(strstr(sparse, "\"tickets_created\":1,") != NULL);
            CHECK(strstr(sparse, "\"tickets_created\":2,") == NULL);
        }
        supportkpi_string_free(sparse);
        supportkpi_string_free(one_shot);

        CHECK(supportkpi_state_json(request(A, typo), &q1, &k1) == SUPPORTKPI_RESULT_OK);
        CHECK(supportkpi_state_json(request(PLANNED, typo), &q2, &k2) == SUPPORTKPI_RESULT_OK);
        const uint8_t *typos[2] = {q1, q2};
        const size_t typo_lens[2] = {k1, k2};
        char *none = NULL;
        CHECK_ERR(supportkpi_state_merge_json(typos, typo_lens, 2, &none),
                  SUPPORTKPI_RESULT_INVALID_OPTION, "plna");
        CHECK(none == NULL);
        supportkpi_state_free(p1, m1);
        supportkpi_state_free(p2, m2);
        supportkpi_state_free(q1, k1);
        supportkpi_state_free(q2, k2);
#undef PLANNED
    }

    supportkpi_state_free(s1, n1);
    supportkpi_state_free(s2, n2);
    supportkpi_state_free(both, nboth);
    supportkpi_state_free(weekly, nweekly);
    supportkpi_state_free(NULL, 0);
    return finish("test_state");
}
