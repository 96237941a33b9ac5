/* Replays every input the fuzzers found a bug with (tests/fuzz-regressions/
 * HARNESS/NAME, see fuzz/fuzz.h and `make fuzz`) through the same harness
 * bodies, built with the ordinary compiler: under `make test`'s sanitizer
 * pass a regression shows as an AddressSanitizer or UBSan report, a leak,
 * or a failed property (abort); a hang as the suite not finishing.
 * Run from the project root, as `make test` does. */
#include <dirent.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "testutil.h"

#define REGRESSIONS "tests/fuzz-regressions/"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        unsigned char *b = realloc(buf, 2 * cap);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    fclose(f);
    *len = n;
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file of REGRESSIONS/dir, in name order; returns how many. */
static size_t replay(const char *dir, int (*one)(const uint8_t *, size_t))
{
    char path[512];
    snprintf(path, sizeof path, REGRESSIONS "%s", dir);
    DIR *d = opendir(path);
    if (!d) /* no regression yet (git keeps no empty directory) */
        return 0;
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < sizeof names / sizeof names[0])
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, REGRESSIONS "%s/%s", dir, names[i]);
        size_t len = 0;
        unsigned char *data = slurp(path, &len);
        CU_ASSERT_PTR_NOT_NULL(data);
        if (data) {
            clock_t t0 = clock();
            CU_ASSERT_EQUAL(one(data, len), 0);
            double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
            /* Timeouts were bugs too: each input must now be quick (the
             * sanitizer build is slower; the fuzzers' limit is 10 s). */
            if (secs > 5.0)
                fprintf(stderr, "\n  %s took %.1f s\n", path, secs);
            CU_ASSERT(secs <= 5.0);
        }
        free(data);
        free(names[i]);
    }
    return n;
}

static void test_scenario(void)
{
    CU_ASSERT(replay("scenario", fuzz_scenario) > 0);
}

static void test_dist(void)
{
    CU_ASSERT(replay("dist", fuzz_dist) > 0);
}

static void test_history(void)
{
    replay("history", fuzz_history);
}

/* The harnesses on a few inputs of every kind, so that the replay test
 * means something even for a harness with no regression yet. */
static void test_smoke(void)
{
    static const char *const values[] = {"beta(2, 98)", "normal(0.2, 0.05)", "35.8%", "",
                                         "uniform(", "triangular(0, 1e308, 1.7e308)"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        CU_ASSERT_EQUAL(fuzz_dist((const uint8_t *)values[i], strlen(values[i])), 0);
    static const char scen[] = "[scenario]\nname = s\nstart_year = 2022\nend_year = 2024\n"
                               "[tier a]\nstock = 137\ninflow = uniform(20, 30)\n"
                               "[tier b]\n[transition a -> b]\nrate = beta(3, 37)\nquota = 12\n"
                               "[target b]\nnew = 25\n[policy p]\nscale = a -> b : 1.2\n";
    CU_ASSERT_EQUAL(fuzz_scenario((const uint8_t *)scen, sizeof scen - 1), 0);
    static const char hist[] = "year,tier,measure,value\n2021,a,stock,480\n2021,a,new,60\n"
                               "2021,a,exits,41\n2022,b,stock,50\n";
    CU_ASSERT_EQUAL(fuzz_history((const uint8_t *)hist, sizeof hist - 1), 0);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"harnesses on typical inputs", test_smoke},
        {"scenario regressions", test_scenario},
        {"value regressions", test_dist},
        {"history regressions", test_history},
        {NULL, NULL},
    };
    return tu_run("fuzz regressions", tests);
}
