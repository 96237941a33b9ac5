/* Replays every input the fuzzers found a bug with (tests/fuzz-regressions/
 * HARNESS/NAME, see fuzz/fuzz.h and `make fuzz`) through the same harness
 * bodies, built with the ordinary compiler: under `make test`'s sanitizer
 * pass a regression shows as an AddressSanitizer or UBSan report, a leak,
 * or a failed property (abort); a hang as the suite not finishing.
 * Run from the project root, as `make test` does. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

typedef struct {
    const char *dir;                        /* under REGRESSIONS: the harness's name */
    int (*one)(const uint8_t *, size_t);
} harness;

/* Every harness of fuzz.h, as `make fuzz` names them (FUZZ_HARNESSES). */
static const harness harnesses[] = {
    {"scenario", fuzz_scenario},
    {"dist", fuzz_dist},
    {"history", fuzz_history},
    {"decode", fuzz_decode},
    {"observed", fuzz_observed},
};
#define N_HARNESSES (sizeof harnesses / sizeof harnesses[0])

/* The regular files glob(3) finds in REGRESSIONS/dir (the shell's view of
 * the directory: dot files excluded), counted independently of replay so
 * that an input replay skipped or could not read shows as a difference. */
static size_t count_inputs(const char *dir)
{
    char pattern[512];
    snprintf(pattern, sizeof pattern, REGRESSIONS "%s/*", dir);
    glob_t g;
    size_t n = 0;
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            struct stat st;
            n += stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode);
        }
        globfree(&g);
    }
    return n;
}

/* Replays every file of REGRESSIONS/dir, in name order; returns how many
 * were read and run. */
static size_t replay(const char *dir, int (*one)(const uint8_t *, size_t))
{
    char path[512];
    snprintf(path, sizeof path, REGRESSIONS "%s", dir);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "\n  %s: %s\n", path, strerror(errno));
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0, done = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            CU_ASSERT_FATAL(p != NULL);
            names = p;
        }
        names[n] = strdup(e->d_name);
        CU_ASSERT_FATAL(names[n] != NULL);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, REGRESSIONS "%s/%s", dir, names[i]);
        struct stat st;
        size_t len = 0;
        unsigned char *data = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? slurp(path, &len)
                                                                            : NULL;
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
            done++;
        } else {
            fprintf(stderr, "\n  %s: not a readable file\n", path);
        }
        free(data);
        free(names[i]);
    }
    free(names);
    return done;
}

/* Every input of the harness's directory was replayed, and there is at
 * least one (a harness without regressions would replay nothing and pass
 * without saying so). */
static void check_harness(size_t i)
{
    size_t want = count_inputs(harnesses[i].dir);
    size_t got = replay(harnesses[i].dir, harnesses[i].one);
    if (got != want || want == 0)
        fprintf(stderr, "\n  %s: replayed %zu of %zu inputs\n", harnesses[i].dir, got, want);
    CU_ASSERT(want > 0);
    CU_ASSERT_EQUAL(got, want);
}

static void test_scenario(void)
{
    check_harness(0);
}

static void test_dist(void)
{
    check_harness(1);
}

static void test_history(void)
{
    check_harness(2);
}

static void test_decode(void)
{
    check_harness(3);
}

static void test_observed(void)
{
    check_harness(4);
}

/* Every directory under REGRESSIONS is a harness's: an input filed under a
 * misspelt name would otherwise never be replayed. */
static void test_every_directory_is_a_harness(void)
{
    DIR *d = opendir(REGRESSIONS);
    CU_ASSERT_FATAL(d != NULL);
    struct dirent *e;
    size_t seen = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, REGRESSIONS "%s", e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        size_t k = 0;
        while (k < N_HARNESSES && strcmp(harnesses[k].dir, e->d_name) != 0)
            k++;
        if (k == N_HARNESSES)
            fprintf(stderr, "\n  %s: no harness of that name\n", path);
        CU_ASSERT(k < N_HARNESSES);
        seen++;
    }
    closedir(d);
    CU_ASSERT_EQUAL(seen, N_HARNESSES);
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
    static const char *const texts[] = {"", "\xEF\xBB\xBF[a]\n", "\xC7\xE0\r\n\xB5\xBA",
                                        "beta（2，18）\n１,２００", "1,200\n", "\xFF\xFEx\0",
                                        "\xEF\xBB\xBF\xC7"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        CU_ASSERT_EQUAL(fuzz_decode((const uint8_t *)texts[i], strlen(texts[i]) + (i == 5)), 0);
    static const char obs[] = "as_of,tier,measure,value\n2022-06,a,stock,140\n2023,a,new,30\n"
                              "2024-06,srdi,expired,80\n2026-12,srdi,cumulative,600\n";
    CU_ASSERT_EQUAL(fuzz_observed((const uint8_t *)obs, sizeof obs - 1), 0);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"harnesses on typical inputs", test_smoke},
        {"scenario regressions", test_scenario},
        {"value regressions", test_dist},
        {"history regressions", test_history},
        {"decoder regressions", test_decode},
        {"observed regressions", test_observed},
        {"every regression directory is a harness's", test_every_directory_is_a_harness},
        {NULL, NULL},
    };
    return tu_run("fuzz regressions", tests);
}
