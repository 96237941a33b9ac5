/* validate: the scores of one forecast against hand-computed values (PIT,
 * bands, CRPS, wide bins), the U stream, the binomial and KS tests, the
 * naive forecasts, the verdict's rule on rows made to break it, and whole
 * validations against observations drawn from the model itself (coverage
 * within binomial limits, PITs uniform by Kolmogorov-Smirnov, no finding)
 * and from a shifted world (biased low). */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "history.h"
#include "observed.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"
#include "validate.h"

static hist *from_values(const int64_t *v, const uint64_t *count, size_t n)
{
    hist *h = hist_alloc();
    CU_ASSERT_FATAL(h != NULL);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_FATAL(hist_add(h, v[i], count[i]) == 0);
    return h;
}

/* E|X - x| - E|X - X'| / 2 of the values v[0..n), by brute force. */
static double crps_pairs(const int64_t *v, size_t n, int64_t x)
{
    double a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        a += fabs((double)(v[i] - x));
        for (size_t j = 0; j < n; j++)
            b += fabs((double)(v[i] - v[j]));
    }
    return a / (double)n - b / (2.0 * (double)n * (double)n);
}

/* ---------------------------------------------------------- by hand */

/* X takes 2 (3 times), 5 (once) and 7 (4 times) of 8: F(2..4) = 3/8,
 * F(5..6) = 1/2, F(7) = 1.  CRPS at 5 = 3 (3/8)^2 + 2 (1/2)^2 = 59/64 (and
 * E|X - 5| - E|X - X'| / 2 = 136/64 - 77/64); at 0: 2 + 3 (5/8)^2 + 2 (1/2)^2
 * = 235/64; at 10: 251/64. */
static void test_by_hand(void)
{
    static const int64_t v[] = {2, 5, 7};
    static const uint64_t c[] = {3, 1, 4};
    hist *h = from_values(v, c, 3);
    CU_ASSERT_DOUBLE_EQUAL(validate_cdf(h, 1), 0.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(validate_cdf(h, 4), 0.375, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(validate_cdf(h, 5), 0.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(validate_cdf(h, 7), 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(validate_crps(h, 5), 59.0 / 64, 1e-14);
    CU_ASSERT_DOUBLE_EQUAL(validate_crps(h, 0), 235.0 / 64, 1e-14);
    CU_ASSERT_DOUBLE_EQUAL(validate_crps(h, 10), 251.0 / 64, 1e-14);
    /* at 2: 3 (5/8)^2 + 2 (1/2)^2 = 107/64 = 184/64 - 77/64 */
    CU_ASSERT_DOUBLE_EQUAL(validate_crps(h, 2), 107.0 / 64, 1e-14);
    /* PIT: F(x-1) + U (F(x) - F(x-1)) */
    CU_ASSERT_DOUBLE_EQUAL(validate_pit(h, 5, 0.2385), 0.375 + 0.2385 * 0.125, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(validate_pit(h, 2, 0.2385), 0.2385 * 0.375, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(validate_pit(h, 6, 0.9), 0.5, 1e-15);   /* no mass at 6 */
    CU_ASSERT_DOUBLE_EQUAL(validate_pit(h, 0, 0.7), 0.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(validate_pit(h, 10, 0.7), 1.0, 0);
    validate_row r;
    validate_score(h, 5, 0.2385, &r);
    /* type-1 quantiles: p05 = p25 = 2 (F(2) = 3/8), p50 = 5, p75 = p95 = 7 */
    CU_ASSERT(r.q[0] == 2 && r.q[1] == 2 && r.q[2] == 5 && r.q[3] == 7 && r.q[4] == 7);
    CU_ASSERT(r.inside50 && r.inside90);
    /* both bands hold all of X here: F(7) - F(1) = 1 */
    CU_ASSERT_DOUBLE_EQUAL(r.p_band50, 1.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(r.p_band90, 1.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(r.crps, 59.0 / 64, 1e-14);
    CU_ASSERT_DOUBLE_EQUAL(r.pit_lo, 0.375, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(r.pit_hi, 0.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(r.pit, 0.375 + 0.2385 * 0.125, 1e-15);
    CU_ASSERT_EQUAL(r.wide, 0);
    validate_score(h, 8, 0.5, &r);
    CU_ASSERT(!r.inside50 && !r.inside90);
    validate_score(h, 7, 0.5, &r);
    CU_ASSERT(r.inside50 && r.inside90);        /* the band's edges are inside */
    hist_free(h);
}

/* A band of a discrete forecast holds more than its nominal share: for X
 * uniform on 0 .. 9, p25 = 2 and p75 = 7 (F(2) = 0.3 >= 0.25, F(7) = 0.8),
 * so P(2 <= X <= 7) = 0.6. */
static void test_band_probability(void)
{
    static const int64_t v[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const uint64_t c[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    hist *h = from_values(v, c, 10);
    validate_row r;
    validate_score(h, 1, 0.5, &r);
    CU_ASSERT(r.q[1] == 2 && r.q[3] == 7 && r.q[0] == 0 && r.q[4] == 9);
    CU_ASSERT_DOUBLE_EQUAL(r.p_band50, 0.6, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(r.p_band90, 1.0, 1e-15);
    CU_ASSERT(!r.inside50 && r.inside90);
    hist_free(h);
}

/* A point forecast: CRPS 0 at its value, |x - f| elsewhere; PIT U at it. */
static void test_point_forecast(void)
{
    hist *h = hist_alloc();
    CU_ASSERT_FATAL(h && hist_add(h, 137, 2385) == 0);
    CU_ASSERT_DOUBLE_EQUAL(validate_crps(h, 137), 0.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(validate_crps(h, 140), 3.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(validate_crps(h, 0), 137.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(validate_pit(h, 137, 0.2385), 0.2385, 1e-15);
    hist_free(h);
}

/* The sum of squares is E|X - x| - E|X - X'| / 2, on 301 draws of a skewed
 * count with gaps, at x below, inside and above them. */
static void test_crps_pairs(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    rng_seed_stream(r, 2385, 0);
    enum { N = 301 };
    int64_t v[N];
    uint64_t one[N];
    for (size_t i = 0; i < N; i++) {
        v[i] = (int64_t)(rng_poisson(r, 12.7) * rng_poisson(r, 3.1));
        one[i] = 1;
    }
    hist *h = from_values(v, one, N);
    static const int64_t xs[] = {0, 3, 37, 41, 97, 400};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        TU_ASSERT_CLOSE(validate_crps(h, xs[i]), crps_pairs(v, N, xs[i]), 1e-12);
    hist_free(h);
    gsl_rng_free(r);
}

/* Wide bins: 0 .. 65535 once each fill bins of width 2 with 2 values each,
 * which "spread evenly" describes exactly: CDF and CRPS as for the discrete
 * uniform on 0 .. 65535.  Then a lopsided fill (every value even) within the
 * bound of twice the width. */
static void test_wide_bins(void)
{
    hist *h = hist_alloc();
    CU_ASSERT_FATAL(h != NULL);
    enum { N = 65536 };
    for (int64_t v = 0; v < N; v++)
        CU_ASSERT_FATAL(hist_add(h, v, 1) == 0);
    CU_ASSERT_EQUAL_FATAL(hist_width(h), 2);
    CU_ASSERT_DOUBLE_EQUAL(validate_cdf(h, 2384), 2385.0 / N, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(validate_cdf(h, 2385), 2386.0 / N, 1e-15);
    /* CRPS of the discrete uniform on 0 .. N-1 at x: sum_{z<x} (z+1)^2/N^2 +
     * sum_{z>=x, z<N-1} (N-1-z)^2/N^2 */
    static const int64_t xs[] = {0, 13701, 30001, N - 1, N + 100};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        long double want = 0;
        for (int64_t z = 0; z < N - 1 || z < xs[i]; z++) {
            long double F = z < N ? (long double)(z + 1) / N : 1.0L;
            long double d = F - (z >= xs[i] ? 1.0L : 0.0L);
            want += d * d;
        }
        TU_ASSERT_CLOSE(validate_crps(h, xs[i]), (double)want, 1e-12);
    }
    validate_row r;
    validate_score(h, 30001, 0.5, &r);
    CU_ASSERT_EQUAL(r.wide, 1);
    hist_free(h);

    /* A lopsided fill: the even numbers 0 .. 65534 twice each and one value
     * at 131072, so that the span needs bins of width 8, each holding its
     * values at two of its eight whole numbers.  The exact CRPS counts them
     * where they are; spreading them moves it by at most twice the width. */
    h = hist_alloc();
    CU_ASSERT_FATAL(h != NULL);
    for (int64_t v = 0; v < N; v += 2)
        CU_ASSERT_FATAL(hist_add(h, v, 2) == 0);
    CU_ASSERT_FATAL(hist_add(h, 2 * N, 1) == 0);
    int64_t w = hist_width(h);
    CU_ASSERT_EQUAL(w, 8);
    long double n = N + 1, exact = 0;
    for (int64_t z = 0; z < 2 * N; z++) {
        long double below = z < N ? 2 * (z / 2 + 1) : N;   /* values <= z */
        long double d = below / n - (z >= 5000 ? 1.0L : 0.0L);
        exact += d * d;
    }
    double got = validate_crps(h, 5000);
    CU_ASSERT(fabs(got - (double)exact) <= 2.0 * (double)w);
    CU_ASSERT(got != (double)exact);        /* the bins do lose something here */
    hist_free(h);
}

/* ------------------------------------------------------------ tests */

/* 9 of 12 above: P(K >= 9) = (220 + 66 + 12 + 1) / 4096, two-sided twice
 * that.  KS of {0.1, 0.4, 0.7}: D = 1 - 0.7 = 0.3. */
static void test_binomial_and_ks(void)
{
    CU_ASSERT_DOUBLE_EQUAL(validate_binomial_p(9, 12, 0.5), 598.0 / 4096, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(validate_binomial_p(3, 12, 0.5), 598.0 / 4096, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(validate_binomial_p(6, 12, 0.5), 1.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(validate_binomial_p(0, 5, 0.5), 2.0 / 32, 1e-15);
    static const double x[] = {0.7, 0.1, 0.4};
    double p;
    ts_err err;
    CU_ASSERT_DOUBLE_EQUAL(validate_ks_uniform(x, 3, &p, &err), 0.3, 1e-15);
    CU_ASSERT(p > 0.5 && p <= 1.0);
    CU_ASSERT(x[0] == 0.7 && x[1] == 0.1);       /* left as it was */
    /* 40 points all below 0.1: D >= 0.9, p tiny */
    double low[40];
    for (int i = 0; i < 40; i++)
        low[i] = 0.001 * (i + 1);
    CU_ASSERT(validate_ks_uniform(low, 40, &p, &err) > 0.9);
    CU_ASSERT(p < 1e-10);
}

/* U of row i is the first uniform of stream i of seed ^ 0x76616c6964617465. */
static void test_uniform_stream(void)
{
    double u[5], v[5];
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(validate_uniforms(2385, 5, u, &err), 0);
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    for (uint64_t i = 0; i < 5; i++) {
        rng_seed_stream(r, 2385ULL ^ 0x76616c6964617465ULL, i);
        CU_ASSERT_DOUBLE_EQUAL(u[i], gsl_rng_uniform(r), 0);
        CU_ASSERT(u[i] >= 0 && u[i] < 1);
    }
    gsl_rng_free(r);
    CU_ASSERT_EQUAL_FATAL(validate_uniforms(2386, 5, v, &err), 0);
    CU_ASSERT(u[0] != v[0] && u[4] != v[4]);
    CU_ASSERT(u[0] != u[1]);
}

/* --------------------------------------------------------- the rule */

/* Rows with PITs and inside50 repeating with period 4, inside90 too or
 * (in90 NULL) in 9 rows of 10. */
static void rows_with(validate_row *rows, size_t n, const double *pit, const int *in50,
                      const int *in90)
{
    for (size_t i = 0; i < n; i++) {
        memset(&rows[i], 0, sizeof rows[i]);
        rows[i].pit = rows[i].pit_lo = rows[i].pit_hi = pit[i % 4];
        rows[i].inside50 = in50[i % 4];
        rows[i].inside90 = in90 ? in90[i % 4] : i % 10 != 9;
        rows[i].p_band50 = 0.5;
        rows[i].p_band90 = 0.9;
        rows[i].crps = 2.0 + (double)(i % 3);
        rows[i].has_naive = i % 2 == 0;
        rows[i].crps_naive = rows[i].has_naive ? 4.0 : NAN;
    }
}

static void test_verdict_rule(void)
{
    enum { N = 40 };
    validate_row rows[N];
    validate_summary sum;
    ts_err err;
    char text[128];
    /* calibrated-looking: half above 0.5, half of the 50 % band, 90 % of the 90 % band */
    static const double ok_pit[4] = {0.1, 0.4, 0.6, 0.9};
    static const int ok50[4] = {0, 1, 1, 0}, all[4] = {1, 1, 1, 1};
    rows_with(rows, N, ok_pit, ok50, NULL);
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.findings, 0);
    CU_ASSERT(sum.band90.inside == 36 && sum.band50.inside == 20);
    CU_ASSERT_DOUBLE_EQUAL(sum.band90.expected, 0.9, 1e-12);
    CU_ASSERT_EQUAL(sum.above, 20);
    CU_ASSERT_DOUBLE_EQUAL(sum.pit_mean, 0.5, 1e-12);
    /* mean CRPS: 2, 3, 4 repeating over 40 rows; naive rows are the even ones */
    CU_ASSERT_DOUBLE_EQUAL(sum.crps, (14 * 2.0 + 13 * 3.0 + 13 * 4.0) / 40, 1e-12);
    CU_ASSERT_EQUAL(sum.n_naive, 20);
    CU_ASSERT_DOUBLE_EQUAL(sum.crps_naive, 4.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(sum.skill, 1.0 - sum.crps_model_naive / 4.0, 1e-12);
    validate_verdict(sum.findings, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "consistent with the outcomes");
    /* the furthest out: |pit - 0.5| = 0.4, the first such rows in file order */
    CU_ASSERT(sum.n_worst == 3 && sum.worst[0] == 0 && sum.worst[1] == 3 && sum.worst[2] == 4);
    /* a row whose PIT range holds 0.5 (the outcome a median) is never named,
     * however its PIT fell */
    rows[0].pit_lo = 0.0;
    rows[0].pit_hi = 1.0;
    rows[3].pit_lo = 0.45;
    rows[3].pit_hi = 0.95;
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT(sum.n_worst == 3 && sum.worst[0] == 4 && sum.worst[1] == 7 && sum.worst[2] == 8);
    for (size_t i = 0; i < N; i++)
        rows[i].pit_lo = 0.4, rows[i].pit_hi = 0.6;
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.n_worst, 0);

    /* outcomes above the median 3 times in 4: 30 of 40, p = 0.0022 */
    static const double high[4] = {0.6, 0.7, 0.3, 0.8};
    rows_with(rows, N, high, ok50, NULL);
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.findings, VALIDATE_BIASED_LOW);
    validate_verdict(sum.findings, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "biased low");
    static const double low[4] = {0.4, 0.3, 0.7, 0.2};
    rows_with(rows, N, low, ok50, NULL);
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.findings, VALIDATE_BIASED_HIGH);

    /* 27 of 40 above (p = 0.038) is a finding at 5 % but not at the
     * verdict's 5 % / 3 */
    static const double some[4] = {0.6, 0.7, 0.3, 0.4};
    rows_with(rows, N, some, ok50, NULL);
    rows[2].pit = rows[6].pit = rows[10].pit = rows[14].pit = rows[18].pit = rows[22].pit =
        rows[26].pit = 0.8;
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.above, 27);
    CU_ASSERT(sum.above_p > 0.0167 && sum.above_p < 0.05);
    CU_ASSERT_EQUAL(sum.findings, 0);
    /* 32 of 40 inside the 90 % band: the 95 % Wilson interval [0.655,
     * 0.895] misses 0.9, the verdict's (98.33 %) [0.616, 0.909] does not */
    rows_with(rows, N, ok_pit, ok50, NULL);
    for (size_t i = 0; i < N; i++)
        rows[i].inside90 = i % 5 != 0;
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.band90.inside, 32);
    CU_ASSERT(sum.band90.hi > 0.9 && sum.band90.hi < 0.91);
    CU_ASSERT_EQUAL(sum.findings, 0);
    /* the 90 % band holds half: too narrow */
    static const int half[4] = {1, 0, 1, 0};
    rows_with(rows, N, ok_pit, ok50, half);
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.findings, VALIDATE_TOO_NARROW);
    CU_ASSERT(sum.band90.hi < 0.9);
    /* the 50 % band holds all 40: too wide (Wilson's lower end 0.91) */
    rows_with(rows, N, ok_pit, all, NULL);
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.findings, VALIDATE_TOO_WIDE);
    /* the expected coverage is the forecasts' own: a band that holds 0.98
     * of its forecast is not too wide when it holds every outcome of 40 */
    for (size_t i = 0; i < N; i++)
        rows[i].p_band50 = 0.98;
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT_EQUAL(sum.findings, 0);
    /* both at once */
    rows_with(rows, N, high, ok50, half);
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    validate_verdict(sum.findings, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "biased low and bands too narrow");
    /* no naive forecast anywhere: no skill */
    for (size_t i = 0; i < N; i++)
        rows[i].has_naive = 0;
    CU_ASSERT_EQUAL_FATAL(validate_summarise(rows, N, &sum, &err), 0);
    CU_ASSERT(sum.n_naive == 0 && isnan(sum.skill) && isnan(sum.crps_naive));
}

/* ------------------------------------------------------------- naive */

static scenario *load(const char *text)
{
    scenario *s = NULL;
    ts_err err;
    if (scenario_parse_string(&s, text, "v.ini", &err) < 0) {
        fprintf(stderr, "\n  %s\n", err.msg);
        CU_FAIL_FATAL("parse");
    }
    return s;
}

static observed *obs_from(const char *csv, const scenario *s)
{
    observed *o = NULL;
    ts_err err;
    if (observed_parse_mem(&o, "o.csv", csv, strlen(csv), s, &err) < 0) {
        fprintf(stderr, "\n  %s\n", err.msg);
        CU_FAIL_FATAL("observed");
    }
    return o;
}

static void test_naive(void)
{
    scenario *s = load("[scenario]\nname = n\nstart_year = 2022\nend_year = 2025\n"
                       "start = 2022-07\nknown_until = 2022-07\n"
                       "[tier a]\nstock = uniform(130, 144)\ncumulative_start = 41\n"
                       "[tier b]\nstock = 11\nvalidity = 3\n");
    static const char hist_csv[] =
        "as_of,tier,measure,value\n2021-06,a,stock,120\n2020-06,a,stock,99\n"
        "2021-06,a,new,23.5\n2020-06,a,new,30\n2021-06,b,exits,3\n2022-07,b,stock,14\n";
    history *h = NULL;
    ts_err err;
    CU_ASSERT_FATAL(history_parse_mem(&h, "h.csv", hist_csv, strlen(hist_csv), s, &err) == 0);
    observed *o = obs_from("as_of,tier,measure,value\n2023-06,a,stock,150\n2024-06,a,new,60\n"
                           "2024-06,a,cumulative,90\n2023-06,a,inflow,20\n2023-06,b,stock,13\n"
                           "2025-06,b,exits,4\n2023-06,b,expired,1\n2022-06,a,stock,140\n",
                           s);
    double *means = malloc(s->n_params * sizeof *means), v = -1;
    scenario_param_means(s, means);
    /* a's stock: the start (2022-06, mean 137) is later than the history's 2021-06 */
    CU_ASSERT(validate_naive(s, h, means, &o->rows[0], &v) == 1 && v == 137);
    /* new at update 2023 (ends 2024-06): the latest year's entries, 23.5, times 2 years */
    CU_ASSERT(validate_naive(s, h, means, &o->rows[1], &v) == 1 && v == 47);
    /* cumulative: cumulative_start at the start */
    CU_ASSERT(validate_naive(s, h, means, &o->rows[2], &v) == 1 && v == 41);
    /* inflow: no history measure of it */
    CU_ASSERT(validate_naive(s, h, means, &o->rows[3], &v) == 0);
    /* b's stock: the history row dated 2022-07 (after the start 2022-06) wins */
    CU_ASSERT(validate_naive(s, h, means, &o->rows[4], &v) == 1 && v == 14);
    /* b's exits: a year's exits carried forward */
    CU_ASSERT(validate_naive(s, h, means, &o->rows[5], &v) == 1 && v == 3);
    /* b's expired: no such history row */
    CU_ASSERT(validate_naive(s, h, means, &o->rows[6], &v) == 0);
    /* without a history: the start's levels, nothing for the counts */
    CU_ASSERT(validate_naive(s, NULL, means, &o->rows[4], &v) == 1 && v == 11);
    CU_ASSERT(validate_naive(s, NULL, means, &o->rows[1], &v) == 0);
    CU_ASSERT(validate_naive(s, NULL, means, &o->rows[5], &v) == 0);
    /* the start row itself */
    CU_ASSERT(o->rows[7].year == 2021);
    CU_ASSERT(validate_naive(s, h, means, &o->rows[7], &v) == 1 && v == 137);
    free(means);
    observed_free(o);
    history_free(h);
    scenario_free(s);
}

/* A row at the start is scored against the start stock over the
 * replications -- drawn where the stock is a distribution, a point where it
 * is fixed -- not against the end of the first year (which a large inflow
 * puts far above it). */
static void test_start_stock(void)
{
    scenario *s = load("[scenario]\nname = st\nstart_year = 2022\nend_year = 2023\n"
                       "[tier a]\nstock = uniform(100, 200)\ninflow = 500\n"
                       "[tier b]\nstock = 137\ninflow = 41\n");
    runner_opts o;
    runner_opts_init(&o, s);
    o.replications = 2385;
    o.threads = 1;
    runner_result *res = NULL;
    ts_err err;
    CU_ASSERT_FATAL(runner_run(s, &o, &res, &err) == 0);
    observed *ob = obs_from("as_of,tier,measure,value\n2021-12,a,stock,150\n"
                            "2021-12,b,stock,137\n2022,a,stock,650\n", s);
    validate_row rows[3];
    CU_ASSERT_FATAL(validate_score_all(s, res, ob, NULL, 2385, rows, &err) == 0);
    const hist *start = runner_start_hist(res, 0);
    CU_ASSERT_EQUAL(hist_count(start), 2385);
    for (int q = 0; q < 5; q++)
        CU_ASSERT_EQUAL(rows[0].q[q], hist_quantile(start, (double[]){0.05, 0.25, 0.5, 0.75,
                                                                      0.95}[q]));
    /* uniform(100, 200): quartiles near 125, 150, 175 (se of a quantile about 1.2) */
    CU_ASSERT(rows[0].q[1] >= 120 && rows[0].q[1] <= 130);
    CU_ASSERT(rows[0].q[3] >= 170 && rows[0].q[3] <= 180);
    CU_ASSERT(rows[0].pit > 0.4 && rows[0].pit < 0.6);
    /* the fixed stock: a point forecast, hit */
    CU_ASSERT(rows[1].q[0] == 137 && rows[1].q[4] == 137 && rows[1].crps == 0);
    CU_ASSERT(rows[1].pit_lo == 0 && rows[1].pit_hi == 1);
    /* the first year's end is far above the start */
    CU_ASSERT(rows[2].q[2] > 550);
    observed_free(ob);
    runner_result_free(res);
    scenario_free(s);
}

/* ------------------------------------------- against the model itself */

#define N_TIERS 30
#define N_WORLDS 12
#define FORECAST_REPS 4000

/* N_TIERS independent tiers (no transitions, so the rows of different tiers
 * are independent), uncertain stocks, inflows and exits, one with
 * certificates; `shift` multiplies the inflows and stocks of the world. */
static char *world_text(double shift)
{
    size_t cap = 16384, used = 0;
    char *t = malloc(cap);
    CU_ASSERT_FATAL(t != NULL);
    used += (size_t)snprintf(t + used, cap - used, "[scenario]\nname = w\nstart_year = 2022\n"
                             "end_year = 2024\nseed = 2385\n");
    for (int k = 0; k < N_TIERS; k++) {
        double lo = (53 + 7 * k) * shift, hi = (91 + 11 * k) * shift;
        used += (size_t)snprintf(t + used, cap - used, "[tier t%d]\n", k);
        if (k % 2 == 0)
            used += (size_t)snprintf(t + used, cap - used, "stock = uniform(%g, %g)\n", lo, hi);
        else
            used += (size_t)snprintf(t + used, cap - used, "stock = %d\n",
                                     (int)((137 + 3 * k) * shift));
        used += (size_t)snprintf(t + used, cap - used,
                                 "inflow = uniform(%g, %g)\nexit = beta(%d, %d)\n",
                                 (4.1 + k) * shift, (9.7 + 1.5 * k) * shift, 2 + k % 3, 29 + k);
        if (k == 7)
            used += (size_t)snprintf(t + used, cap - used, "validity = 2\nrenewal = beta(6, 4)\n");
    }
    return t;
}

/* World `rep` (replication rep of `world` at `seed`) as an observed file:
 * one row per tier, the measures and years cycling over tiers and worlds, so
 * that levels, counts and the start stock all appear. */
static char *observe_world(const scenario *world, uint64_t seed, uint64_t rep)
{
    static const ts_measure ms[] = {M_STOCK, M_NEW, M_EXITS, M_INFLOW, M_STOCK, M_CUMULATIVE};
    size_t n_out = engine_out_len(world), cap = 64 * N_TIERS + 64, used = 0;
    char *csv = malloc(cap);
    engine_ws *w = engine_alloc(world, ENGINE_FAST);
    gsl_rng *rp = gsl_rng_alloc(rng_xoshiro256pp), *rc = gsl_rng_alloc(rng_xoshiro256pp);
    double *theta = malloc(world->n_params * sizeof *theta);
    int64_t *out = malloc(n_out * sizeof *out);
    CU_ASSERT_FATAL(csv && w && rp && rc && theta && out);
    used += (size_t)snprintf(csv, cap, "as_of,tier,measure,value\n");
    rng_seed_rep(rp, seed, rep, RNG_PARAMS);
    rng_seed_rep(rc, seed, rep, RNG_CHANCE);
    engine_draw(world, rp, theta);
    int capped;
    ts_err err;
    CU_ASSERT_FATAL(engine_run(w, world, theta, rc, out, &capped, &err) == 0);
    for (size_t k = 0; k < N_TIERS; k++) {
        size_t pick = (k + rep) % 7;
        if (pick == 6) {    /* the start stock, dated the month before start */
            used += (size_t)snprintf(csv + used, cap - used, "2021-12,t%zu,stock,%lld\n", k,
                                     (long long)engine_start_stock(world, theta, k));
            continue;
        }
        size_t y = (k + 2 * rep) % 3;
        ts_measure m = ms[pick];
        used += (size_t)snprintf(csv + used, cap - used, "%zu,t%zu,%s,%lld\n", 2022 + y, k,
                                 engine_measure_names[m],
                                 (long long)out[(y * N_TIERS + k) * M_COUNT + m]);
    }
    free(out);
    free(theta);
    gsl_rng_free(rp);
    gsl_rng_free(rc);
    engine_free(w);
    return csv;
}

typedef struct {
    validate_summary sum;
    double e50, v50, e90, v90;      /* expected band counts and their variances */
    size_t n;
} validation;

/* The model's forecast: FORECAST_REPS replications at seed 2385. */
typedef struct {
    scenario *model;
    runner_result *res;
} forecast;

static forecast *the_forecast(void)
{
    static forecast f;
    if (!f.res) {
        char *mt = world_text(1.0);
        f.model = load(mt);
        free(mt);
        runner_opts o;
        runner_opts_init(&o, f.model);
        o.replications = FORECAST_REPS;
        o.threads = 2;
        ts_err err;
        CU_ASSERT_FATAL(runner_run(f.model, &o, &f.res, &err) == 0);
    }
    return &f;
}

/* Scores N_WORLDS replications of the world with inflows and stocks times
 * `shift`, drawn at world_seed, against the forecast. */
static void validate_against(double shift, uint64_t world_seed, validation *out)
{
    forecast *f = the_forecast();
    char *wt = world_text(shift);
    scenario *world = load(wt);
    ts_err err;
    /* One observed file per world (a file holds one row per tier, measure
     * and period), scored with a seed of its own so that the worlds' U
     * streams are independent too. */
    size_t n = N_TIERS * N_WORLDS;
    validate_row *rows = malloc(n * sizeof *rows);
    CU_ASSERT_FATAL(rows != NULL);
    for (uint64_t rep = 0; rep < N_WORLDS; rep++) {
        char *csv = observe_world(world, world_seed, rep);
        observed *ob = obs_from(csv, f->model);
        CU_ASSERT_EQUAL_FATAL(ob->n_rows, N_TIERS);
        CU_ASSERT_FATAL(validate_score_all(f->model, f->res, ob, NULL, world_seed * 100 + rep,
                                           rows + rep * N_TIERS, &err) == 0);
        observed_free(ob);
        free(csv);
    }
    CU_ASSERT_FATAL(validate_summarise(rows, n, &out->sum, &err) == 0);
    out->n = n;
    out->e50 = out->v50 = out->e90 = out->v90 = 0;
    for (size_t i = 0; i < n; i++) {
        out->e50 += rows[i].p_band50;
        out->v50 += rows[i].p_band50 * (1 - rows[i].p_band50);
        out->e90 += rows[i].p_band90;
        out->v90 += rows[i].p_band90 * (1 - rows[i].p_band90);
    }
    free(rows);
    scenario_free(world);
    free(wt);
}

/* Observations that are draws from the model: each band's count within 4
 * sd of its expectation (a sum of independent Bernoullis with the rows' own
 * band probabilities: the rows are independent across tiers and worlds);
 * the PITs uniform by Kolmogorov-Smirnov (asymptotic p above 0.001: a
 * correct model fails one time in a thousand); the mean PIT within 4 se of
 * 1/2; no finding. */
static void test_model_draws(void)
{
    validation v;
    validate_against(1.0, 777, &v);
    TU_ASSERT_WITHIN_SE("inside the 50 % bands", (double)v.sum.band50.inside, v.e50, sqrt(v.v50),
                        4);
    TU_ASSERT_WITHIN_SE("inside the 90 % bands", (double)v.sum.band90.inside, v.e90, sqrt(v.v90),
                        4);
    /* the bands of large counts hold about their nominal share */
    CU_ASSERT(v.e50 / (double)v.n > 0.5 && v.e50 / (double)v.n < 0.6);
    CU_ASSERT(v.e90 / (double)v.n > 0.9 && v.e90 / (double)v.n < 0.95);
    if (!(v.sum.ks_p > 0.001))
        fprintf(stderr, "\n  KS D = %g, p = %g over %zu PITs\n", v.sum.ks, v.sum.ks_p, v.n);
    CU_ASSERT(v.sum.ks_p > 0.001);
    TU_ASSERT_WITHIN_SE("mean PIT", v.sum.pit_mean, 0.5, sqrt(1.0 / 12 / (double)v.n), 4);
    if (v.sum.findings)
        fprintf(stderr, "\n  findings %u: above %llu of %zu (p %g), 50 %% [%g, %g] vs %g, "
                "90 %% [%g, %g] vs %g\n", v.sum.findings, (unsigned long long)v.sum.above, v.n,
                v.sum.above_p, v.sum.band50.lo, v.sum.band50.hi, v.sum.band50.expected,
                v.sum.band90.lo, v.sum.band90.hi, v.sum.band90.expected);
    CU_ASSERT_EQUAL(v.sum.findings, 0);
}

/* A world with 30 % more inflow and stock than the model says: the outcomes
 * lie above the projected medians, and the verdict says so. */
static void test_shifted_world(void)
{
    validation v;
    validate_against(1.3, 777, &v);
    CU_ASSERT(v.sum.findings & VALIDATE_BIASED_LOW);
    CU_ASSERT(!(v.sum.findings & VALIDATE_BIASED_HIGH));
    CU_ASSERT(v.sum.above_share > 0.7);
    CU_ASSERT(v.sum.ks_p < 1e-6);
    validate_against(0.7, 777, &v);
    CU_ASSERT(v.sum.findings & VALIDATE_BIASED_HIGH);
}

/* The verdict's false alarms: 40 independent sets of observations drawn
 * from the model, each of 360 rows.  The rule shares 5 % among its three
 * tests, so at most 5 % of the sets should get a finding: 2 of 40, sd 1.4;
 * more than 7 (4 sd) fails. */
static void test_false_alarms(void)
{
    size_t alarms = 0;
    for (uint64_t set = 0; set < 40; set++) {
        validation v;
        validate_against(1.0, 5000 + set, &v);
        alarms += v.sum.findings != 0;
    }
    if (alarms > 7)
        fprintf(stderr, "\n  %zu of 40 sets of model draws got a finding\n", alarms);
    CU_ASSERT(alarms <= 7);
}

static void test_level(void)
{
    CU_ASSERT_DOUBLE_EQUAL(VALIDATE_Z, gsl_cdf_ugaussian_Qinv(VALIDATE_ALPHA / 6), 1e-12);
}

static void free_forecast(void)
{
    forecast *f = the_forecast();
    runner_result_free(f->res);
    scenario_free(f->model);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"CRPS, PIT and bands of a tiny distribution by hand", test_by_hand},
        {"a discrete band holds more than its nominal share", test_band_probability},
        {"a perfect point forecast has CRPS 0", test_point_forecast},
        {"CRPS is E|X - x| - E|X - X'| / 2", test_crps_pairs},
        {"wide bins: counts spread evenly over their whole numbers", test_wide_bins},
        {"binomial test and KS distance by hand", test_binomial_and_ks},
        {"the PIT's U stream", test_uniform_stream},
        {"the verdict's rule", test_verdict_rule},
        {"naive forecasts", test_naive},
        {"a row at the start: the start stock's distribution", test_start_stock},
        {"observations drawn from the model: coverage, uniform PITs", test_model_draws},
        {"observations from a shifted world: biased", test_shifted_world},
        {"the verdict's false alarms: at most 5 % of sets of model draws", test_false_alarms},
        {"the verdict's level: 5 % shared by three tests", test_level},
        {NULL, NULL},
    };
    int rc = tu_run("validate", tests);
    free_forecast();
    return rc;
}
