#include <stdio.h>
#include <string.h>

#include "supportkpi.h"

static int failures = 0;
static int passes = 0;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (cond) {                                                        \
            passes++;                                                      \
        } else {                                                           \
            failures++;                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                  \
    } while (0)

int main(void) {
    const char *v = supportkpi_version();
    CHECK(v != NULL);
    CHECK(strcmp(v, "0.1.0") == 0);
    printf("c: %d passed, %d failed\n", passes, failures);
    return failures == 0 ? 0 : 1;
}
