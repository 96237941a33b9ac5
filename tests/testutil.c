#include "testutil.h"

#include <CUnit/Basic.h>
#include <stdio.h>

int tu_close(double a, double b, double rel, double abs_floor)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b))
        return a == b;
    double diff = fabs(a - b);
    double scale = fmax(fabs(a), fabs(b));
    return diff <= rel * scale || diff <= abs_floor;
}

int tu_within_se(const char *what, double got, double want, double se, double k)
{
    int ok = fabs(got - want) <= k * se;
    if (!ok)
        fprintf(stderr, "\n  %s: got %.10g, want %.10g, se %.4g (%.2f se away, limit %.1f)\n",
                what, got, want, se, se > 0 ? fabs(got - want) / se : INFINITY, k);
    return ok;
}

int tu_run(const char *suite, const tu_test *tests)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite(suite, NULL, NULL);
    if (!s) {
        CU_cleanup_registry();
        return 2;
    }
    for (const tu_test *t = tests; t->name; t++)
        if (!CU_add_test(s, t->name, t->fn)) {
            CU_cleanup_registry();
            return 2;
        }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
