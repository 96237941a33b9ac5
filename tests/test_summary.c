/* Tests of the bounded-memory histogram and the proportion helpers.
 *
 * References are computed directly from the raw values (sorted arrays, exact
 * integer sums); the Wilson numbers were computed independently with Python's
 * decimal module at 60 digits. */

#include "summary.h"
#include "testutil.h"

#include <gsl/gsl_rng.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Type-1 quantile straight from the definition: the smallest x[k-1] (x
 * sorted) with k >= q n. */
static int64_t ref_quantile(const int64_t *x, size_t n, double q)
{
    for (size_t k = 1; k <= n; k++)
        if ((double)k >= q * (double)n)
            return x[k - 1];
    return x[n - 1];
}

/* Number of x[i] >= t, x sorted (binary search for the first such i). */
static uint64_t ref_count_at_least(const int64_t *x, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return n - lo;
}

static double ref_mean(const int64_t *x, size_t n)
{
    int64_t sum = 0; /* the values used with this are small */
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return (double)sum / (double)n;
}

static double ref_sd(const int64_t *x, size_t n)
{
    double m = ref_mean(x, n), ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += ((double)x[i] - m) * ((double)x[i] - m);
    return sqrt(ss / (double)(n - 1));
}

/* Bit-for-bit equality of doubles (NaN equal to NaN). */
static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Bins spanned by [lo, hi] at width w. */
static int64_t span_at(int64_t lo, int64_t hi, int64_t w)
{
    return hi / w - lo / w + 1;
}

static void test_empty(void)
{
    hist *h = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(hist_count(h), 0);
    CU_ASSERT_EQUAL(hist_min(h), 0);
    CU_ASSERT_EQUAL(hist_max(h), 0);
    CU_ASSERT_EQUAL(hist_width(h), 1);
    CU_ASSERT(isnan(hist_mean(h)));
    CU_ASSERT(isnan(hist_sd(h)));
    CU_ASSERT_EQUAL(hist_quantile(h, 0.5), 0);
    CU_ASSERT_EQUAL(hist_count_at_least(h, 0), 0);
    CU_ASSERT_EQUAL(hist_count_at_least(h, -7), 0);

    /* A count of zero records nothing. */
    CU_ASSERT_EQUAL(hist_add(h, 2385, 0), 0);
    CU_ASSERT_EQUAL(hist_count(h), 0);
    CU_ASSERT_EQUAL(hist_max(h), 0);

    /* One value: sd 0, every quantile that value. */
    CU_ASSERT_EQUAL(hist_add(h, 137, 1), 0);
    CU_ASSERT_EQUAL(hist_count(h), 1);
    CU_ASSERT_EQUAL(hist_min(h), 137);
    CU_ASSERT_EQUAL(hist_max(h), 137);
    CU_ASSERT_EQUAL(hist_mean(h), 137.0);
    CU_ASSERT_EQUAL(hist_sd(h), 0.0);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.0), 137);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.2385), 137);
    CU_ASSERT_EQUAL(hist_quantile(h, 1.0), 137);

    /* Merging an empty histogram changes nothing, either way round. */
    hist *e = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(hist_merge(h, e), 0);
    CU_ASSERT_EQUAL(hist_count(h), 1);
    CU_ASSERT_EQUAL(hist_merge(e, h), 0);
    CU_ASSERT_EQUAL(hist_count(e), 1);
    CU_ASSERT_EQUAL(hist_min(e), 137);

    hist_free(e);
    hist_free(h);
    hist_free(NULL);
}

/* Random integer data of width 1: quantiles, mean, sd, count_at_least all
 * exact against the raw values. */
static void test_exact(void)
{
    enum { N = 5003 };
    static int64_t x[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 20221);
    hist *h = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);

    /* Skewed, with ties and gaps: 1370 + u^2 / 3000 for u in [0, 9000). */
    for (size_t i = 0; i < N; i++) {
        int64_t u = (int64_t)gsl_rng_uniform_int(r, 9000);
        x[i] = 1370 + u * u / 3000;
        CU_ASSERT_EQUAL_FATAL(hist_add(h, x[i], 1), 0);
    }
    qsort(x, N, sizeof x[0], cmp_i64);

    CU_ASSERT_EQUAL(hist_count(h), N);
    CU_ASSERT_EQUAL(hist_width(h), 1);
    CU_ASSERT_EQUAL(hist_min(h), x[0]);
    CU_ASSERT_EQUAL(hist_max(h), x[N - 1]);
    TU_ASSERT_CLOSE(hist_mean(h), ref_mean(x, N), 1e-15);
    TU_ASSERT_CLOSE(hist_sd(h), ref_sd(x, N), 1e-12);

    CU_ASSERT_EQUAL(hist_quantile(h, 0.0), x[0]);
    CU_ASSERT_EQUAL(hist_quantile(h, -0.25), x[0]);
    CU_ASSERT_EQUAL(hist_quantile(h, 1.0), x[N - 1]);
    CU_ASSERT_EQUAL(hist_quantile(h, 1.5), x[N - 1]);

    /* At every jump of the empirical CDF, q = i / n is the i-th smallest
     * value, and just past it the next one. */
    int bad = 0;
    for (size_t i = 1; i <= N; i++) {
        double q = (double)i / N;
        if (hist_quantile(h, q) != x[i - 1])
            bad++;
        if (i < N && hist_quantile(h, q + 1e-9) != x[i])
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);

    /* Generic q. */
    for (int i = 0; i < 2000; i++) {
        double q = gsl_rng_uniform(r);
        CU_ASSERT_EQUAL(hist_quantile(h, q), ref_quantile(x, N, q));
    }
    static const double qs[] = {0.025, 0.05, 0.1, 0.2385, 0.5, 0.75, 0.9, 0.95, 0.975};
    for (size_t i = 0; i < NELEMS(qs); i++)
        CU_ASSERT_EQUAL(hist_quantile(h, qs[i]), ref_quantile(x, N, qs[i]));

    /* count_at_least at every threshold from below min to above max. */
    bad = 0;
    for (int64_t t = x[0] - 3; t <= x[N - 1] + 3; t++)
        if (hist_count_at_least(h, t) != ref_count_at_least(x, N, t))
            bad++;
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(hist_count_at_least(h, -1), N);
    CU_ASSERT_EQUAL(hist_count_at_least(h, INT64_MAX), 0);

    hist_free(h);
    gsl_rng_free(r);
}

/* Counts greater than one equal repeated adds. */
static void test_counts(void)
{
    hist *a = hist_alloc(), *b = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    static const int64_t v[] = {320, 6923, 143, 7, 97, 320};
    static const uint64_t c[] = {37, 2, 137, 1, 11, 5};
    for (size_t i = 0; i < NELEMS(v); i++) {
        CU_ASSERT_EQUAL(hist_add(a, v[i], c[i]), 0);
        for (uint64_t k = 0; k < c[i]; k++)
            CU_ASSERT_EQUAL(hist_add(b, v[i], 1), 0);
    }
    CU_ASSERT_EQUAL(hist_count(a), 193);
    CU_ASSERT(same_double(hist_mean(a), hist_mean(b)));
    CU_ASSERT(same_double(hist_sd(a), hist_sd(b)));
    /* Sorted: 7, 97 x11, 143 x137, 320 x42, 6923 x2 (ranks 1, 2-12, 13-149,
     * 150-191, 192-193). */
    CU_ASSERT_EQUAL(hist_quantile(a, 1.0 / 193), 7);
    CU_ASSERT_EQUAL(hist_quantile(a, 12.0 / 193), 97);
    CU_ASSERT_EQUAL(hist_quantile(a, 13.0 / 193), 143);
    CU_ASSERT_EQUAL(hist_quantile(a, 149.0 / 193), 143);
    CU_ASSERT_EQUAL(hist_quantile(a, 150.0 / 193), 320);
    CU_ASSERT_EQUAL(hist_quantile(a, 192.0 / 193), 6923);
    CU_ASSERT_EQUAL(hist_count_at_least(a, 320), 44);
    CU_ASSERT_EQUAL(hist_count_at_least(a, 321), 2);
    CU_ASSERT_EQUAL(hist_count_at_least(a, 6923), 2);
    CU_ASSERT_EQUAL(hist_count_at_least(a, 6924), 0);
    /* mean = (320*42 + 6923*2 + 143*137 + 7 + 97*11) / 193 = 47951 / 193 */
    TU_ASSERT_CLOSE(hist_mean(a), 47951.0 / 193.0, 1e-15);
    hist_free(a);
    hist_free(b);
}

/* The width stays 1 up to exactly HIST_MAX_BINS consecutive integers, and
 * doubles one past it; bins are aligned to multiples of the width. */
static void test_width_boundary(void)
{
    hist *h = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(hist_add(h, 1, 1), 0);
    CU_ASSERT_EQUAL(hist_add(h, HIST_MAX_BINS, 1), 0);
    CU_ASSERT_EQUAL(hist_width(h), 1);
    CU_ASSERT_EQUAL(hist_add(h, 0, 1), 0); /* 0 .. 32768: 32769 integers */
    CU_ASSERT_EQUAL(hist_width(h), 2);
    CU_ASSERT_EQUAL(hist_min(h), 0);
    CU_ASSERT_EQUAL(hist_max(h), HIST_MAX_BINS);
    /* Bins {0,1} and {32768,32769}: 1 and 0 share a bin. */
    CU_ASSERT_EQUAL(hist_count_at_least(h, 0), 3);
    CU_ASSERT_EQUAL(hist_count_at_least(h, 2), 1);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.5), 0);
    CU_ASSERT_EQUAL(hist_quantile(h, 1.0), HIST_MAX_BINS);
    CU_ASSERT_EQUAL(hist_mean(h), (double)(HIST_MAX_BINS + 1) / 3.0);

    /* An unaligned span of exactly MAX bins at width 2 stays at width 2. */
    hist_reset(h);
    CU_ASSERT_EQUAL(hist_width(h), 1);
    CU_ASSERT_EQUAL(hist_count(h), 0);
    CU_ASSERT_EQUAL(hist_add(h, 3, 1), 0);
    CU_ASSERT_EQUAL(hist_add(h, 2 * HIST_MAX_BINS + 1, 1), 0); /* bins 1 .. 32768 */
    CU_ASSERT_EQUAL(hist_width(h), 2);
    CU_ASSERT_EQUAL(hist_add(h, 2 * HIST_MAX_BINS + 2, 1), 0); /* bin 32769 */
    CU_ASSERT_EQUAL(hist_width(h), 4);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.0), 3);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.5), 2 * HIST_MAX_BINS);
    hist_free(h);
}

/* A span beyond HIST_MAX_BINS coarsens: min, max, count and mean stay exact,
 * quantiles fall at most width - 1 below the truth, counts at bin edges are
 * exact, and values arriving in any order give the same histogram. */
static void test_coarsen(void)
{
    enum { N = 20011 };
    static int64_t x[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 2385);
    hist *h = hist_alloc(), *up = hist_alloc(), *down = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(up);
    CU_ASSERT_PTR_NOT_NULL_FATAL(down);

    for (size_t i = 0; i < N; i++) {
        x[i] = 137 + (int64_t)gsl_rng_uniform_int(r, 100000);
        CU_ASSERT_EQUAL_FATAL(hist_add(h, x[i], 1), 0);
    }
    qsort(x, N, sizeof x[0], cmp_i64);
    for (size_t i = 0; i < N; i++)
        CU_ASSERT_EQUAL_FATAL(hist_add(up, x[i], 1), 0);
    for (size_t i = N; i-- > 0;)
        CU_ASSERT_EQUAL_FATAL(hist_add(down, x[i], 1), 0);

    int64_t w = hist_width(h);
    /* The smallest power of two at which the span fits. */
    CU_ASSERT(span_at(x[0], x[N - 1], w) <= HIST_MAX_BINS);
    CU_ASSERT(span_at(x[0], x[N - 1], w / 2) > HIST_MAX_BINS);
    CU_ASSERT_EQUAL(w, 4); /* about 100000 integers */
    CU_ASSERT_EQUAL(hist_count(h), N);
    CU_ASSERT_EQUAL(hist_min(h), x[0]);
    CU_ASSERT_EQUAL(hist_max(h), x[N - 1]);
    TU_ASSERT_CLOSE(hist_mean(h), ref_mean(x, N), 1e-15);
    /* Bin centres move each value by less than w / 2. */
    CU_ASSERT(fabs(hist_sd(h) - ref_sd(x, N)) < (double)w / 2);

    int bad = 0;
    for (size_t i = 0; i <= 1000; i++) {
        double q = (double)i / 1000;
        int64_t got = hist_quantile(h, q), want = ref_quantile(x, N, q);
        if (got > want || want - got >= w)
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.0), x[0]);

    /* Exact at multiples of the width (every 7th bin edge, for speed), and
     * beyond min and max. */
    bad = 0;
    for (int64_t t = 0; t <= x[N - 1] + w; t += 7 * w)
        if (hist_count_at_least(h, t) != ref_count_at_least(x, N, t))
            bad++;
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(hist_count_at_least(h, x[0]), N);
    CU_ASSERT_EQUAL(hist_count_at_least(h, x[N - 1] + 1), 0);

    /* Order of arrival does not matter. */
    hist *o[] = {up, down};
    for (size_t k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL(hist_width(o[k]), w);
        CU_ASSERT(same_double(hist_mean(o[k]), hist_mean(h)));
        CU_ASSERT(same_double(hist_sd(o[k]), hist_sd(h)));
        bad = 0;
        for (int64_t t = 0; t <= x[N - 1] + w; t += 16 * w)
            if (hist_count_at_least(o[k], t) != hist_count_at_least(h, t))
                bad++;
        for (size_t i = 0; i <= 1000; i++)
            if (hist_quantile(o[k], i / 1000.0) != hist_quantile(h, i / 1000.0))
                bad++;
        CU_ASSERT_EQUAL(bad, 0);
    }

    hist_free(h);
    hist_free(up);
    hist_free(down);
    gsl_rng_free(r);
}

/* Everything observable, compared bit for bit.  Counts are compared at
 * thresholds on the bin edges of `ref`. */
static int hist_identical(const hist *a, const hist *ref)
{
    if (hist_count(a) != hist_count(ref) || hist_width(a) != hist_width(ref) ||
        hist_min(a) != hist_min(ref) || hist_max(a) != hist_max(ref) ||
        !same_double(hist_mean(a), hist_mean(ref)) || !same_double(hist_sd(a), hist_sd(ref)))
        return 0;
    for (int i = 0; i <= 400; i++)
        if (hist_quantile(a, i / 400.0) != hist_quantile(ref, i / 400.0))
            return 0;
    int64_t w = hist_width(ref), lo = hist_min(ref) / w, hi = hist_max(ref) / w;
    int64_t step = (hi - lo) / 500 + 1;
    for (int64_t j = lo; j <= hi + 1; j += step)
        if (hist_count_at_least(a, j * w) != hist_count_at_least(ref, j * w))
            return 0;
    return 1;
}

enum { NPART = 5 };

/* Fills one histogram with a whole stream and NPART others with a random
 * split of it.  The stream starts small and spreads out, so the parts
 * coarsen at different moments and end at different widths. */
static void fill_split(gsl_rng *r, hist *all, hist *part[NPART], size_t n, int64_t spread)
{
    for (size_t i = 0; i < n; i++) {
        /* Part 4 only sees the start of the stream and none of its outliers:
         * it stays finer-grained than the rest. */
        size_t k = i < n / 10 ? gsl_rng_uniform_int(r, NPART) : gsl_rng_uniform_int(r, NPART - 1);
        double u = gsl_rng_uniform(r);
        int64_t v;
        if (u < 0.7)
            v = 320 + (int64_t)gsl_rng_uniform_int(r, 6923);
        else if (u < 0.95 || k == NPART - 1)
            v = (int64_t)(gsl_rng_uniform(r) * ((double)spread * (double)i / (double)n + 1.0));
        else
            v = (int64_t)(gsl_rng_uniform(r) * (double)spread);
        uint64_t c = 1 + gsl_rng_uniform_int(r, 3);
        CU_ASSERT_EQUAL_FATAL(hist_add(all, v, c), 0);
        CU_ASSERT_EQUAL_FATAL(hist_add(part[k], v, c), 0);
    }
}

static void test_merge_invariance(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 2022);
    static const int64_t spreads[] = {30000, 1000003, (int64_t)1 << 41};

    for (size_t sp = 0; sp < NELEMS(spreads); sp++) {
        hist *all = hist_alloc(), *p[NPART], *q[NPART];
        CU_ASSERT_PTR_NOT_NULL_FATAL(all);
        for (size_t k = 0; k < NPART; k++) {
            p[k] = hist_alloc();
            q[k] = hist_alloc();
            CU_ASSERT_PTR_NOT_NULL_FATAL(p[k]);
            CU_ASSERT_PTR_NOT_NULL_FATAL(q[k]);
        }
        fill_split(r, all, p, 40000, spreads[sp]);
        if (sp > 0)
            CU_ASSERT(hist_width(p[4]) < hist_width(all));

        /* Forward into an empty histogram. */
        hist *fwd = hist_alloc();
        CU_ASSERT_PTR_NOT_NULL_FATAL(fwd);
        for (size_t k = 0; k < NPART; k++)
            CU_ASSERT_EQUAL(hist_merge(fwd, p[k]), 0);
        CU_ASSERT(hist_identical(fwd, all));

        /* Backward, into the finest part itself. */
        for (size_t k = 0; k < NPART; k++)
            CU_ASSERT_EQUAL(hist_merge(q[k], p[k]), 0); /* copies */
        for (size_t k = NPART - 1; k-- > 0;)
            CU_ASSERT_EQUAL(hist_merge(q[4], q[k]), 0);
        CU_ASSERT(hist_identical(q[4], all));

        /* As a tree, as threads would: ((0 1) (2 3)) 4. */
        CU_ASSERT_EQUAL(hist_merge(p[1], p[0]), 0);
        CU_ASSERT_EQUAL(hist_merge(p[2], p[3]), 0);
        CU_ASSERT_EQUAL(hist_merge(p[2], p[1]), 0);
        CU_ASSERT_EQUAL(hist_merge(p[2], p[4]), 0);
        CU_ASSERT(hist_identical(p[2], all));

        hist_free(fwd);
        for (size_t k = 0; k < NPART; k++) {
            hist_free(p[k]);
            hist_free(q[k]);
        }
        hist_free(all);
    }
    gsl_rng_free(r);
}

/* hist_add1_lazy then hist_settle is hist_add1: the same counts, width,
 * min, max, mean, sd, quantiles and packed words, for streams that stay at
 * width 1, that grow their window at width 1 (the slow path settling in
 * between), and that coarsen part-way (from there on the statistics are
 * kept as they come); settled histograms merge as eager ones do; and a
 * settle of a settled histogram changes nothing.  A settle that skipped
 * the bins, or a lazy add that also skipped them past width 1, fails. */
static void test_lazy_adds(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 2385);
    static const int64_t spreads[] = {40, 5000, 30000, 1000003};
    hist *sum_eager = hist_alloc(), *sum_lazy = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sum_eager && sum_lazy);
    for (size_t sp = 0; sp < NELEMS(spreads); sp++) {
        hist *eager = hist_alloc(), *lazy = hist_alloc();
        CU_ASSERT_PTR_NOT_NULL_FATAL(eager && lazy);
        for (size_t i = 0; i < 60000; i++) {
            /* Near 1000 at first, then spreading out: the window grows. */
            const int64_t width = i < 1000 ? 8 : spreads[sp];
            const int64_t v = 1000 + (int64_t)gsl_rng_uniform_int(r, (unsigned long)width);
            CU_ASSERT_EQUAL_FATAL(hist_add1(eager, v), 0);
            CU_ASSERT_EQUAL_FATAL(hist_add1_lazy(lazy, v), 0);
        }
        hist_settle(lazy);
        CU_ASSERT(hist_identical(lazy, eager));
        uint64_t we[HIST_MAX_BINS + 8], wl[HIST_MAX_BINS + 8];
        CU_ASSERT_EQUAL_FATAL(hist_pack_words(lazy), hist_pack_words(eager));
        CU_ASSERT(hist_pack_words(eager) <= NELEMS(we));
        CU_ASSERT_EQUAL(hist_pack(eager, we), hist_pack(lazy, wl));
        CU_ASSERT(memcmp(we, wl, hist_pack_words(eager) * sizeof *we) == 0);
        hist_settle(lazy);
        CU_ASSERT(hist_identical(lazy, eager));
        CU_ASSERT_EQUAL(hist_merge(sum_eager, eager), 0);
        CU_ASSERT_EQUAL(hist_merge(sum_lazy, lazy), 0);
        hist_free(eager);
        hist_free(lazy);
    }
    CU_ASSERT(hist_identical(sum_lazy, sum_eager));
    hist_free(sum_eager);
    hist_free(sum_lazy);
    gsl_rng_free(r);
}

/* Two width-1 histograms whose union needs a coarser width; and a histogram
 * merged into itself. */
static void test_merge_union(void)
{
    hist *a = hist_alloc(), *b = hist_alloc(), *all = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(all);
    for (int64_t v = 0; v < 1371; v++) {
        CU_ASSERT_EQUAL(hist_add(a, 7 + v * 3, (uint64_t)v % 5 + 1), 0);
        CU_ASSERT_EQUAL(hist_add(b, 100003 + v * 7, 2), 0);
        CU_ASSERT_EQUAL(hist_add(all, 7 + v * 3, (uint64_t)v % 5 + 1), 0);
        CU_ASSERT_EQUAL(hist_add(all, 100003 + v * 7, 2), 0);
    }
    CU_ASSERT_EQUAL(hist_width(a), 1);
    CU_ASSERT_EQUAL(hist_width(b), 1);
    CU_ASSERT_EQUAL(hist_width(all), 4);
    CU_ASSERT_EQUAL(hist_merge(a, b), 0);
    CU_ASSERT(hist_identical(a, all));

    /* Self-merge doubles every count and leaves the shape alone. */
    double mean = hist_mean(all);
    int64_t med = hist_quantile(all, 0.5);
    uint64_t n = hist_count(all), c = hist_count_at_least(all, 100000);
    CU_ASSERT_EQUAL(hist_merge(all, all), 0);
    CU_ASSERT_EQUAL(hist_count(all), 2 * n);
    CU_ASSERT_EQUAL(hist_count_at_least(all, 100000), 2 * c);
    CU_ASSERT(same_double(hist_mean(all), mean));
    CU_ASSERT_EQUAL(hist_quantile(all, 0.5), med);
    CU_ASSERT_EQUAL(hist_merge(a, a), 0);
    CU_ASSERT_EQUAL(hist_merge(b, b), 0);
    CU_ASSERT_EQUAL(hist_merge(a, b), 0); /* a = 2 (a0 + b0) + 2 b0 */
    CU_ASSERT_EQUAL(hist_count(a), 2 * n + hist_count(b));

    hist_free(a);
    hist_free(b);
    hist_free(all);
}

/* Heap in use, for the memory bound.  glibc only; under AddressSanitizer the
 * numbers do not move and the check is vacuous. */
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/* Values spread over 0 .. 2^50 never take more than HIST_MAX_BINS bins. */
static void test_memory_bound(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 137);
    size_t before = heap_in_use();
    hist *h = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    const int64_t top = (int64_t)1 << 50;
    int bad = 0;
    for (int i = 0; i < 100000; i++) {
        /* Log-uniform-ish, so that the span grows through every width. */
        int bits = 1 + (int)gsl_rng_uniform_int(r, 50);
        int64_t v = (int64_t)(gsl_rng_uniform(r) * (double)((int64_t)1 << bits));
        if (hist_add(h, v, 1) != 0)
            bad++;
        int64_t w = hist_width(h);
        if (span_at(hist_min(h), hist_max(h), w) > HIST_MAX_BINS ||
            (w > 1 && span_at(hist_min(h), hist_max(h), w / 2) <= HIST_MAX_BINS))
            bad++;
    }
    CU_ASSERT_EQUAL(hist_add(h, 0, 1), 0);
    CU_ASSERT_EQUAL(hist_add(h, top, 1), 0);
    CU_ASSERT_EQUAL(bad, 0);
    /* 0 .. 2^50 is 2^14 + 1 bins at width 2^36 and 2^15 + 1 at 2^35. */
    CU_ASSERT_EQUAL(hist_width(h), (int64_t)1 << 36);
    CU_ASSERT_EQUAL(hist_min(h), 0);
    CU_ASSERT_EQUAL(hist_max(h), top);
    CU_ASSERT_EQUAL(hist_quantile(h, 1.0), (int64_t)1 << 50);
    size_t after = heap_in_use();
    CU_ASSERT(after <= before || after - before <= HIST_MAX_BINS * sizeof(uint64_t) + 4096);

    /* The whole int64_t range fits at width 2^48. */
    hist_reset(h);
    CU_ASSERT_EQUAL(hist_add(h, INT64_MAX, 3), 0);
    CU_ASSERT_EQUAL(hist_add(h, 0, 2), 0);
    CU_ASSERT_EQUAL(hist_add(h, INT64_MAX - 1, 1), 0);
    CU_ASSERT_EQUAL(hist_width(h), (int64_t)1 << 48);
    CU_ASSERT_EQUAL(hist_max(h), INT64_MAX);
    CU_ASSERT_EQUAL(hist_quantile(h, 1.0), INT64_MAX - ((int64_t)1 << 48) + 1);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.3), 0);
    CU_ASSERT_EQUAL(hist_count_at_least(h, 1), 4);
    /* (3 (2^63 - 1) + (2^63 - 2)) / 6 = (2^65 - 5) / 6 */
    TU_ASSERT_CLOSE(hist_mean(h), ldexp(1.0, 65) / 6.0, 1e-15);

    hist_free(h);
    gsl_rng_free(r);
}

/* Values near 2^62 with counts near 2^32: the sum is near 2^95, far beyond
 * 64 bits, and the mean and sd are still right.  Expected values computed
 * with Python's fractions.Fraction:
 *   n = 2^32 + (2^32 - 137) + 3 = 8589934458
 *   mean = float(Fraction(sum, n)) = 0x1.fffffffffffffp+61 (2^62 - 512)
 *   sd = sqrt(sum c (v - mean)^2 / (n - 1)) = 685.00000232445473 */
static void test_huge(void)
{
    const int64_t v1 = ((int64_t)1 << 62) - 1, v2 = ((int64_t)1 << 62) - 1371,
                  v3 = ((int64_t)1 << 62) + 2385;
    const uint64_t c1 = (uint64_t)1 << 32, c2 = ((uint64_t)1 << 32) - 137, c3 = 3;
    hist *h = hist_alloc(), *g = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    CU_ASSERT_EQUAL(hist_add(h, v1, c1), 0);
    CU_ASSERT_EQUAL(hist_add(h, v2, c2), 0);
    CU_ASSERT_EQUAL(hist_add(g, v3, c3), 0);
    CU_ASSERT_EQUAL(hist_merge(h, g), 0);

    CU_ASSERT_EQUAL(hist_count(h), 8589934458u);
    CU_ASSERT_EQUAL(hist_width(h), 1);
    CU_ASSERT_EQUAL(hist_mean(h), 0x1.fffffffffffffp+61);
    TU_ASSERT_CLOSE(hist_sd(h), 685.00000232445473, 1e-12);
    CU_ASSERT_EQUAL(hist_min(h), v2);
    CU_ASSERT_EQUAL(hist_max(h), v3);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.0), v2);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.5), v1); /* rank 4294967229 > c2 */
    CU_ASSERT_EQUAL(hist_quantile(h, 1.0), v3);
    CU_ASSERT_EQUAL(hist_count_at_least(h, v1), c1 + c3);
    CU_ASSERT_EQUAL(hist_count_at_least(h, v1 + 1), c3);
    hist_free(h);
    hist_free(g);
}

/* Reset empties but the histogram works as new, at width 1 again. */
static void test_reset(void)
{
    hist *h = hist_alloc();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    for (int64_t v = 0; v < 200000; v += 37)
        CU_ASSERT_EQUAL(hist_add(h, v, 1), 0);
    CU_ASSERT(hist_width(h) > 1);
    hist_reset(h);
    CU_ASSERT_EQUAL(hist_count(h), 0);
    CU_ASSERT_EQUAL(hist_width(h), 1);
    CU_ASSERT(isnan(hist_mean(h)));
    CU_ASSERT_EQUAL(hist_add(h, 6923, 2), 0);
    CU_ASSERT_EQUAL(hist_add(h, 320, 1), 0);
    CU_ASSERT_EQUAL(hist_count(h), 3);
    CU_ASSERT_EQUAL(hist_width(h), 1);
    CU_ASSERT_EQUAL(hist_min(h), 320);
    CU_ASSERT_EQUAL(hist_quantile(h, 0.5), 6923);
    CU_ASSERT_EQUAL(hist_count_at_least(h, 321), 2);
    CU_ASSERT_EQUAL(hist_count_at_least(h, 6924), 0);
    TU_ASSERT_CLOSE(hist_mean(h), (2.0 * 6923 + 320) / 3, 1e-15);
    hist_free(h);
}

/* Wilson bounds from Python's decimal module at 60 digits:
 *   c = (p + z^2/2n) / (1 + z^2/n),  h = z / (1 + z^2/n) sqrt(p(1-p)/n + z^2/4n^2) */
static void test_wilson(void)
{
    const double z = 1.959963984540054;
    double lo, hi;

    wilson_interval(37, 137, z, &lo, &hi);
    TU_ASSERT_CLOSE(lo, 0.20274971177892434, 1e-13);
    TU_ASSERT_CLOSE(hi, 0.34993881809347938, 1e-13);

    wilson_interval(1, 2385, z, &lo, &hi);
    TU_ASSERT_CLOSE(lo, 7.4018323120091686e-05, 1e-12);
    TU_ASSERT_CLOSE(hi, 0.0023712920590841314, 1e-13);

    wilson_interval(2384, 2385, z, &lo, &hi);
    TU_ASSERT_CLOSE(lo, 0.99762870794091585, 1e-13);
    TU_ASSERT_CLOSE(hi, 0.99992598167687996, 1e-13);

    /* 0 of n: [0, z^2 / (n + z^2)]; n of n: [n / (n + z^2), 1]. */
    wilson_interval(0, 137, z, &lo, &hi);
    CU_ASSERT_EQUAL(lo, 0.0);
    TU_ASSERT_CLOSE(hi, 0.027275057024116051, 1e-13);
    wilson_interval(137, 137, z, &lo, &hi);
    TU_ASSERT_CLOSE(lo, 0.97272494297588397, 1e-13);
    CU_ASSERT_EQUAL(hi, 1.0);

    wilson_interval(0, 0, z, &lo, &hi);
    CU_ASSERT_EQUAL(lo, 0.0);
    CU_ASSERT_EQUAL(hi, 1.0);

    /* z = 0 collapses to the point estimate. */
    wilson_interval(37, 137, 0.0, &lo, &hi);
    TU_ASSERT_CLOSE(lo, 37.0 / 137, 1e-15);
    TU_ASSERT_CLOSE(hi, 37.0 / 137, 1e-15);
}

static void test_proportion_se(void)
{
    /* sqrt(37/137 * 100/137 / 137), Python decimal */
    TU_ASSERT_CLOSE(proportion_se(37, 137), 0.037933246334546464, 1e-14);
    CU_ASSERT_EQUAL(proportion_se(0, 0), 0.0);
    CU_ASSERT_EQUAL(proportion_se(0, 137), 0.0);
    CU_ASSERT_EQUAL(proportion_se(137, 137), 0.0);
    TU_ASSERT_CLOSE(proportion_se(1, 2), 0.5 / sqrt(2.0), 1e-15);
}

int main(void)
{
    static const tu_test t[] = {
        {"empty and single value", test_empty},
        {"exact quantiles, mean, sd at width 1", test_exact},
        {"counts equal repeated adds", test_counts},
        {"width at the HIST_MAX_BINS boundary", test_width_boundary},
        {"coarsening beyond HIST_MAX_BINS", test_coarsen},
        {"merge order invariance", test_merge_invariance},
        {"merge needing a coarser union; self-merge", test_merge_union},
        {"lazy adds then a settle are hist_add1", test_lazy_adds},
        {"memory bound over 0..2^50", test_memory_bound},
        {"huge values and counts", test_huge},
        {"reset", test_reset},
        {"wilson interval", test_wilson},
        {"proportion se", test_proportion_se},
        {NULL, NULL},
    };
    return tu_run("summary", t);
}
