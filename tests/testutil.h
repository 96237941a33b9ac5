#ifndef TIERSIM_TESTUTIL_H
#define TIERSIM_TESTUTIL_H

#include <CUnit/CUnit.h>
#include <math.h>

/* Relative comparison that also handles NaN (equal only to NaN) and infinity
 * (equal only to the same infinity).  |a - b| <= rel * max(|a|, |b|) or
 * |a - b| <= abs_floor. */
int tu_close(double a, double b, double rel, double abs_floor);

#define TU_ASSERT_CLOSE(a, b, rel) CU_ASSERT(tu_close((a), (b), (rel), 0.0))

/* |got - want| <= k standard errors; prints the numbers when it fails. */
int tu_within_se(const char *what, double got, double want, double se, double k);
#define TU_ASSERT_WITHIN_SE(what, got, want, se, k) \
    CU_ASSERT(tu_within_se((what), (got), (want), (se), (k)))

typedef struct {
    const char *name;
    void (*fn)(void);
} tu_test;

/* Registers the NULL-terminated list as one suite, runs it verbosely and
 * returns the process exit status (0 when every assertion passed). */
int tu_run(const char *suite, const tu_test *tests);

#endif
