/* The tiny harness every C test includes: CHECK counts, reports the line, never aborts, and
 * the last line of each test program is the plain "N passed, N failed" the runner reads. */
#ifndef SUPPORTKPI_TEST_CHECK_H
#define SUPPORTKPI_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "supportkpi.h"

static int failures = 0;
static int passes = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            passes++;                                                                \
        } else {                                                                     \
            failures++;                                                              \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

/* Doubles computed by the library are compared with a tolerance, never with ==, except
 * where docs/definitions.md promises an exact value (NPS +10 and -40 are exact). */
#define CHECK_NEAR(a, b, tol) CHECK(fabs((a) - (b)) <= (tol))

/* The thread's last error message (static buffer: valid until the next call of last_error). */
static inline const char *last_error(void) {
    static char buf[512];
    size_t len = 0;
    if (supportkpi_error_message(buf, sizeof buf, &len) != SUPPORTKPI_RESULT_OK) {
        return "<supportkpi_error_message failed>";
    }
    return buf;
}

/* Checks the code and that the message mentions `needle`, printing both when it does not. */
#define CHECK_ERR(call, code, needle)                                                     \
    do {                                                                                  \
        supportkpi_result r_ = (call);                                                    \
        CHECK(r_ == (code));                                                              \
        const char *m_ = last_error();                                                    \
        if (r_ != (code) || strstr(m_, (needle)) == NULL) {                               \
            fprintf(stderr, "%s:%d: got %s (%u), message \"%s\"; wanted %s and \"%s\"\n", \
                    __FILE__, __LINE__, supportkpi_result_name(r_), (unsigned)r_, m_,    \
                    supportkpi_result_name(code), (needle));                              \
        }                                                                                 \
        CHECK(strstr(m_, (needle)) != NULL);                                              \
    } while (0)

static inline int finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, passes, failures);
    return failures == 0 ? 0 : 1;
}

#endif
