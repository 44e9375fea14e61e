/* supportkpi_report_arrow: tables handed over as Arrow C streams built here by hand (the C
 * stream interface's structs, no Arrow library), checked against supportkpi_report_json on the
 * same records given inline; and the ownership rule: every stream's release callback is called
 * exactly once, on success and on every error path, and every schema and array the library
 * took from a stream is released. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static char sentinel;

/* ---- a table as columns of C values -------------------------------------------------------- */

enum kind { TEXT, INT64 };

typedef struct {
    const char *name;
    const char *format; /* "u" utf8, "l" int64, "tss:UTC" timestamp[s, UTC] */
    enum kind kind;
    const char *const *text; /* TEXT: NULL entries are nulls */
    const int64_t *num;      /* INT64 */
    const unsigned char *valid; /* INT64: 0 = null; NULL = all valid */
} column;

/* Releases and allocations of schemas and arrays, to check the library released all it took. */
static int schemas_made, schemas_released, arrays_made, arrays_released;

/* ---- schemas -------------------------------------------------------------------------------- */

static void release_schema(struct ArrowSchema *s) {
    for (int64_t i = 0; i < s->n_children; i++) {
        struct ArrowSchema *c = s->children[i];
        if (c->release != NULL) {
            c->release(c);
        }
        free(c);
    }
    free(s->children);
    s->release = NULL;
    schemas_released++;
}

static void release_child_schema(struct ArrowSchema *s) {
    s->release = NULL;
    schemas_released++;
}

static void make_schema(const column *cols, int ncols, struct ArrowSchema *out) {
    struct ArrowSchema **children = calloc((size_t)ncols, sizeof *children);
    for (int i = 0; i < ncols; i++) {
        struct ArrowSchema *c = calloc(1, sizeof *c);
        c->format = cols[i].format;
        c->name = cols[i].name;
        c->flags = ARROW_FLAG_NULLABLE;
        c->release = release_child_schema;
        children[i] = c;
        schemas_made++;
    }
    memset(out, 0, sizeof *out);
    out->format = "+s";
    out->name = "";
    out->n_children = ncols;
    out->children = children;
    out->release = release_schema;
    schemas_made++;
}

/* ---- arrays --------------------------------------------------------------------------------- */

/* What a child array owns: its buffers. */
typedef struct {
    const void *buffers[3];
    void *owned[3];
} child_data;

static void release_child_array(struct ArrowArray *a) {
    child_data *d = a->private_data;
    for (int i = 0; i < 3; i++) {
        free(d->owned[i]);
    }
    free(d);
    a->release = NULL;
    arrays_released++;
}

static void release_struct_array(struct ArrowArray *a) {
    for (int64_t i = 0; i < a->n_children; i++) {
        struct ArrowArray *c = a->children[i];
        if (c->release != NULL) {
            c->release(c);
        }
        free(c);
    }
    free(a->children);
    free(a->buffers);
    a->release = NULL;
    arrays_released++;
}

/* Rows [from, from + n) of one column. */
static struct ArrowArray *make_child(const column *col, int64_t from, int64_t n) {
    struct ArrowArray *a = calloc(1, sizeof *a);
    child_data *d = calloc(1, sizeof *d);
    unsigned char *validity = calloc((size_t)(n + 7) / 8, 1);
    int64_t nulls = 0;
    for (int64_t i = 0; i < n; i++) {
        const int valid = col->kind == TEXT ? col->text[from + i] != NULL
                                            : (col->valid == NULL || col->valid[from + i]);
        if (valid) {
            validity[i / 8] |= (unsigned char)(1u << (i % 8));
        } else {
            nulls++;
        }
    }
    d->owned[0] = validity;
    if (col->kind == TEXT) {
        int32_t *offsets = calloc((size_t)n + 1, sizeof *offsets);
        size_t total = 0;
        for (int64_t i = 0; i < n; i++) {
            const char *s = col->text[from + i];
            total += s == NULL ? 0 : strlen(s);
        }
        char *data = malloc(total + 1);
        size_t at = 0;
        for (int64_t i = 0; i < n; i++) {
            const char *s = col->text[from + i];
            const size_t len = s == NULL ? 0 : strlen(s);
            memcpy(data + at, s == NULL ? "" : s, len);
            at += len;
            offsets[i + 1] = (int32_t)at;
        }
        d->owned[1] = offsets;
        d->owned[2] = data;
        a->n_buffers = 3;
    } else {
        int64_t *values = calloc((size_t)n + 1, sizeof *values);
        for (int64_t i = 0; i < n; i++) {
            values[i] = col->num[from + i];
        }
        d->owned[1] = values;
        a->n_buffers = 2;
    }
    for (int i = 0; i < 3; i++) {
        d->buffers[i] = d->owned[i];
    }
    a->length = n;
    a->null_count = nulls;
    a->buffers = d->buffers;
    a->private_data = d;
    a->release = release_child_array;
    arrays_made++;
    return a;
}

static void make_batch(const column *cols, int ncols, int64_t from, int64_t n,
                       struct ArrowArray *out) {
    memset(out, 0, sizeof *out);
    struct ArrowArray **children = calloc((size_t)ncols, sizeof *children);
    for (int i = 0; i < ncols; i++) {
        children[i] = make_child(&cols[i], from, n);
    }
    const void **buffers = calloc(1, sizeof *buffers); /* no validity: no null rows */
    out->length = n;
    out->n_buffers = 1;
    out->buffers = buffers;
    out->n_children = ncols;
    out->children = children;
    out->release = release_struct_array;
    arrays_made++;
}

/* ---- the stream ----------------------------------------------------------------------------- */

typedef struct {
    const column *cols;
    int ncols;
    int64_t rows, chunk, next;
    int fail_schema;   /* get_schema returns an error */
    int fail_at_batch; /* get_next fails at this batch (-1: never) */
    int batch;
    int releases;      /* how often release was called */
} stream_state;

static int get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out) {
    stream_state *st = s->private_data;
    if (st->fail_schema) {
        return 5; /* EIO */
    }
    make_schema(st->cols, st->ncols, out);
    return 0;
}

static int get_next(struct ArrowArrayStream *s, struct ArrowArray *out) {
    stream_state *st = s->private_data;
    if (st->batch == st->fail_at_batch) {
        return 5;
    }
    if (st->next >= st->rows) {
        memset(out, 0, sizeof *out); /* the end: a released array */
        return 0;
    }
    int64_t n = st->rows - st->next < st->chunk ? st->rows - st->next : st->chunk;
    make_batch(st->cols, st->ncols, st->next, n, out);
    st->next += n;
    st->batch++;
    return 0;
}

static const char *get_last_error(struct ArrowArrayStream *s) {
    (void)s;
    return "the disk went away";
}

static void release_stream(struct ArrowArrayStream *s) {
    stream_state *st = s->private_data;
    st->releases++;
    s->release = NULL;
}

static void make_stream(stream_state *st, struct ArrowArrayStream *out) {
    out->get_schema = get_schema;
    out->get_next = get_next;
    out->get_last_error = get_last_error;
    out->release = release_stream;
    out->private_data = st;
}

/* ---- the data ------------------------------------------------------------------------------- */

/* 2021-06-01T08:00:00Z and on. */
#define T0 INT64_C(1622534400)

static const char *const ticket_ids[] = {"T-1", "T-2", "T-3"};
static const int64_t created[] = {T0, T0 + 3600, T0 + 86400 * 31};
static const int64_t resolved[] = {T0 + 5400, 0, T0 + 86400 * 31 + 600};
static const unsigned char resolved_valid[] = {1, 0, 1};
static const char *const channels[] = {"email", "chat", NULL};
static const column ticket_cols[] = {
    {"id", "u", TEXT, ticket_ids, NULL, NULL},
    {"created_at", "tss:UTC", INT64, NULL, created, NULL},
    {"resolved_at", "tss:UTC", INT64, NULL, resolved, resolved_valid},
    {"channel", "u", TEXT, channels, NULL, NULL},
};

/* T-2 resolved before it was created: a bad row (row 2). */
static const int64_t resolved_bad[] = {T0 + 5400, T0 - 60, T0 + 86400 * 31 + 600};
static const unsigned char all_valid[] = {1, 1, 1};
static const column bad_ticket_cols[] = {
    {"id", "u", TEXT, ticket_ids, NULL, NULL},
    {"created_at", "tss:UTC", INT64, NULL, created, NULL},
    {"resolved_at", "tss:UTC", INT64, NULL, resolved_bad, all_valid},
};

static const char *const survey_ids[] = {"S-1", "S-2"};
static const char *const survey_tickets[] = {"T-1", "T-2"};
static const int64_t responded[] = {T0 + 7200, T0 + 7200};
static const char *const survey_kinds[] = {"nps", "csat"};
static const int64_t scores[] = {9, 4};
static const column survey_cols[] = {
    {"id", "u", TEXT, survey_ids, NULL, NULL},
    {"ticket_id", "u", TEXT, survey_tickets, NULL, NULL},
    {"responded_at", "tss:UTC", INT64, NULL, responded, NULL},
    {"kind", "u", TEXT, survey_kinds, NULL, NULL},
    {"score", "l", INT64, NULL, scores, NULL},
};

#define OPTIONS "\"options\": {\"period\": \"month\", \"by\": \"channel\"}"

/* The same records, inline. */
static const char *inline_request =
    "{\"records\": {"
    "\"tickets\": ["
    "{\"id\": \"T-1\", \"created_at\": \"2021-06-01T08:00:00Z\","
    " \"resolved_at\": \"2021-06-01T09:30:00Z\", \"channel\": \"email\"},"
    "{\"id\": \"T-2\", \"created_at\": \"2021-06-01T09:00:00Z\", \"channel\": \"chat\"},"
    "{\"id\": \"T-3\", \"created_at\": \"2021-07-02T08:00:00Z\","
    " \"resolved_at\": \"2021-07-02T08:10:00Z\"}],"
    "\"surveys\": ["
    "{\"id\": \"S-1\", \"ticket_id\": \"T-1\", \"responded_at\": \"2021-06-01T10:00:00Z\","
    " \"kind\": \"nps\", \"score\": 9},"
    "{\"id\": \"S-2\", \"ticket_id\": \"T-2\", \"responded_at\": \"2021-06-01T10:00:00Z\","
    " \"kind\": \"csat\", \"score\": 4}]},"
    OPTIONS "}";

static stream_state tickets_state(const column *cols, int ncols) {
    stream_state st = {cols, ncols, 3, 2, 0, 0, -1, 0, 0};
    return st;
}

static stream_state surveys_state(void) {
    stream_state st = {survey_cols, (int)(sizeof survey_cols / sizeof *survey_cols), 2, 2, 0, 0, -1,
                       0, 0};
    return st;
}

/* Every schema and array made was released. */
static void check_all_released(void) {
    CHECK(schemas_made == schemas_released);
    CHECK(arrays_made == arrays_released);
}

static void test_same_report_as_json(void) {
    char *expected = NULL;
    CHECK(supportkpi_report_json(inline_request, &expected) == SUPPORTKPI_RESULT_OK);

    stream_state ts = tickets_state(ticket_cols, 4), ss = surveys_state();
    struct ArrowArrayStream tickets, surveys;
    make_stream(&ts, &tickets);
    make_stream(&ss, &surveys);
    char *got = NULL;
    const supportkpi_result r = supportkpi_report_arrow(&tickets, &surveys, "{" OPTIONS "}", &got);
    CHECK(r == SUPPORTKPI_RESULT_OK);
    if (r != SUPPORTKPI_RESULT_OK) {
        fprintf(stderr, "supportkpi_report_arrow: %s\n", last_error());
    }
    CHECK(got != NULL && expected != NULL && strcmp(got, expected) == 0);
    if (got != NULL && expected != NULL && strcmp(got, expected) != 0) {
        fprintf(stderr, "arrow: %s\njson:  %s\n", got, expected);
    }
    /* Two batches of tickets (2 + 1 rows), one of surveys, each read to its end. */
    CHECK(ts.batch == 2 && ss.batch == 1);
    CHECK(ts.releases == 1 && ss.releases == 1);
    CHECK(tickets.release == NULL && surveys.release == NULL);
    /* The June row counts T-1 and T-2, with NPS 100 from one promoter. */
    CHECK(got != NULL && strstr(got, "\"tickets_created\":2,") != NULL);
    CHECK(got != NULL && strstr(got, "\"nps\":100.0,\"nps_n\":1") != NULL);
    check_all_released();
    supportkpi_string_free(got);
    supportkpi_string_free(expected);
}

static void test_no_streams(void) {
    char *got = NULL;
    CHECK(supportkpi_report_arrow(NULL, NULL, "{}", &got) == SUPPORTKPI_RESULT_OK);
    CHECK(got != NULL && strstr(got, "\"rows\":[]") != NULL);
    supportkpi_string_free(got);
}

/* One failing call: its code, a word of its message, both streams released exactly once and
 * the output left alone. */
static void failing(stream_state *ts, const char *request, int null_out, supportkpi_result code,
                    const char *needle) {
    stream_state ss = surveys_state();
    struct ArrowArrayStream tickets, surveys;
    make_stream(ts, &tickets);
    make_stream(&ss, &surveys);
    char *out = &sentinel;
    CHECK_ERR(supportkpi_report_arrow(&tickets, &surveys, request, null_out ? NULL : &out), code,
              needle);
    CHECK(out == &sentinel);
    CHECK(ts->releases == 1 && ss.releases == 1);
    CHECK(tickets.release == NULL && surveys.release == NULL);
    check_all_released();
}

static void test_release_once_on_every_error(void) {
    stream_state ts = tickets_state(ticket_cols, 4);
    failing(&ts, NULL, 0, SUPPORTKPI_RESULT_NULL_POINTER, "request_json");
    ts = tickets_state(ticket_cols, 4);
    failing(&ts, "{}", 1, SUPPORTKPI_RESULT_NULL_POINTER, "report_json_out");
    ts = tickets_state(ticket_cols, 4);
    failing(&ts, "{nope", 0, SUPPORTKPI_RESULT_INVALID_JSON, "request_json");
    ts = tickets_state(ticket_cols, 4);
    failing(&ts, "{\"options\": {\"period\": \"fortnight\"}}", 0,
            SUPPORTKPI_RESULT_INVALID_OPTION, "fortnight");
    /* A bad row, strict: its kind, the stream, row and field in the message. */
    ts = tickets_state(bad_ticket_cols, 3);
    failing(&ts, "{}", 0, SUPPORTKPI_RESULT_NEGATIVE_DURATION, "resolved_at");
    CHECK(strstr(last_error(), "tickets") != NULL && strstr(last_error(), "T-2") != NULL);
    /* The producer fails. */
    ts = tickets_state(ticket_cols, 4);
    ts.fail_schema = 1;
    failing(&ts, "{}", 0, SUPPORTKPI_RESULT_INVALID_ARGUMENT, "tickets");
    ts = tickets_state(ticket_cols, 4);
    ts.fail_at_batch = 1;
    failing(&ts, "{}", 0, SUPPORTKPI_RESULT_IO, "the disk went away");
}

static void test_lenient_rows_are_rejected_by_row(void) {
    stream_state ts = tickets_state(bad_ticket_cols, 3);
    struct ArrowArrayStream tickets;
    make_stream(&ts, &tickets);
    char *got = NULL;
    CHECK(supportkpi_report_arrow(&tickets, NULL, "{\"read\": {\"errors\": \"lenient\"}}", &got) ==
          SUPPORTKPI_RESULT_OK);
    CHECK(got != NULL && strstr(got, "\"source\":\"tickets\",\"file\":null,\"line\":2,") != NULL);
    CHECK(got != NULL &&
          strstr(got, "\"read\":[{\"source\":\"tickets\",\"file\":null,\"records\":3}]") != NULL);
    CHECK(ts.releases == 1);
    check_all_released();
    supportkpi_string_free(got);
}

static void test_released_stream_is_refused(void) {
    struct ArrowArrayStream released;
    memset(&released, 0, sizeof released);
    stream_state ss = surveys_state();
    struct ArrowArrayStream surveys;
    make_stream(&ss, &surveys);
    char *out = &sentinel;
    CHECK_ERR(supportkpi_report_arrow(&released, &surveys, "{}", &out),
              SUPPORTKPI_RESULT_INVALID_ARGUMENT, "tickets");
    CHECK(out == &sentinel && ss.releases == 1);
    check_all_released();
}

int main(void) {
    test_same_report_as_json();
    test_no_streams();
    test_release_once_on_every_error();
    test_lenient_rows_are_rejected_by_row();
    test_released_stream_is_refused();
    return finish("test_arrow");
}
