/* test.h — a tiny TAP-style harness for the unit tests (collectd's idea).
 * CHECK() records a failure and goes on; main returns test_done(). */
#ifndef EDOC_TEST_H
#define EDOC_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failures, test_count;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        test_count++;                                                                  \
        if (!(cond)) {                                                                 \
            test_failures++;                                                           \
            printf("not ok %d - %s:%d: %s\n", test_count, __FILE__, __LINE__, #cond);  \
        }                                                                              \
    } while (0)

#define CHECK_STR(a, b)                                                                \
    do {                                                                               \
        const char *a_ = (a), *b_ = (b);                                               \
        test_count++;                                                                  \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                       \
            test_failures++;                                                           \
            printf("not ok %d - %s:%d: %s == %s\n   got: '%s'\n  want: '%s'\n", test_count, \
                   __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");  \
        }                                                                              \
    } while (0)

static inline int test_done(void)
{
    printf("%d passed, %d failed\n", test_count - test_failures, test_failures);
    return test_failures ? 1 : 0;
}

#endif
