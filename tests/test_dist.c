#include "dist.h"
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const dist_range RANGE_0_5 = {0.0, 5.0, 0};
static const dist_range RANGE_1_INF = {1.0, INFINITY, 0};
static const dist_range RANGE_HALF_2 = {0.5, 2.0, 0};

static dist parse_ok(const char *text, dist_range range)
{
    dist d;
    char why[256] = "";
    memset(&d, 0, sizeof d);
    if (dist_parse(text, range, &d, why, sizeof why) != 0) {
        fprintf(stderr, "\n  '%s' refused: %s\n", text, why);
        CU_FAIL("parse failed");
    }
    return d;
}

/* ---- accepted forms ------------------------------------------------ */

static int has(const dist *d, dist_kind kind, double p0, double p1, double p2)
{
    return d->kind == kind && d->p[0] == p0 && d->p[1] == p1 && d->p[2] == p2;
}

static void test_parse_fixed(void)
{
    dist d = parse_ok("0.2385", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_FIXED, 0.2385, 0, 0));
    CU_ASSERT(!dist_is_random(&d));
    CU_ASSERT(d.range.lo == 0.0 && d.range.hi == 1.0 && !d.range.lo_open);

    d = parse_ok(" 35.8% ", DIST_RANGE_GROWTH);
    CU_ASSERT(has(&d, DIST_FIXED, 0.358, 0, 0));
    CU_ASSERT(d.range.lo == -1.0 && isinf(d.range.hi) && d.range.lo_open);
    d = parse_ok("35.8 %", DIST_RANGE_GROWTH);
    CU_ASSERT(has(&d, DIST_FIXED, 0.358, 0, 0));
    d = parse_ok("\t6923\n", DIST_RANGE_NONNEG);
    CU_ASSERT(has(&d, DIST_FIXED, 6923, 0, 0));
    d = parse_ok("1e308", DIST_RANGE_NONNEG);
    CU_ASSERT(has(&d, DIST_FIXED, 1e308, 0, 0));
    d = parse_ok("-0", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_FIXED, 0, 0, 0) && !signbit(d.p[0]));
    d = parse_ok("0", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_FIXED, 0, 0, 0));
    d = parse_ok("1", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_FIXED, 1, 0, 0));
    d = parse_ok("100%", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_FIXED, 1, 0, 0));
    d = parse_ok("-0.999", DIST_RANGE_GROWTH);
    CU_ASSERT(has(&d, DIST_FIXED, -0.999, 0, 0));
    d = parse_ok("-32.7%", DIST_RANGE_GROWTH);
    CU_ASSERT(has(&d, DIST_FIXED, -0.327, 0, 0));

    d = dist_fixed(137, DIST_RANGE_NONNEG);
    CU_ASSERT(has(&d, DIST_FIXED, 137, 0, 0));
    CU_ASSERT(!dist_is_random(&d));
}

static void test_parse_distributions(void)
{
    dist d = parse_ok("beta(2, 98)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_BETA, 2, 98, 0));
    CU_ASSERT(dist_is_random(&d));
    d = parse_ok("beta(2,98)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_BETA, 2, 98, 0));
    d = parse_ok("  beta ( 2.3 ,\t41.7 )  ", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_BETA, 2.3, 41.7, 0));
    d = parse_ok("beta(2, 98)", DIST_RANGE_GROWTH);
    CU_ASSERT(has(&d, DIST_BETA, 2, 98, 0));
    d = parse_ok("uniform(2%, 6%)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_UNIFORM, 0.02, 0.06, 0));
    d = parse_ok("uniform(2 %, 6 %)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_UNIFORM, 0.02, 0.06, 0));
    d = parse_ok("uniform(0, 1)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_UNIFORM, 0, 1, 0));
    d = parse_ok("uniform(-0.5, 0.8)", DIST_RANGE_GROWTH);
    CU_ASSERT(has(&d, DIST_UNIFORM, -0.5, 0.8, 0));
    d = parse_ok("normal(0.05, 0.04)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_NORMAL, 0.05, 0.04, 0));
    d = parse_ok("normal(-3, 1)", DIST_RANGE_NONNEG); /* 0.13 % inside: still allowed */
    CU_ASSERT(has(&d, DIST_NORMAL, -3, 1, 0));
    d = parse_ok("lognormal(4.1, 0.35)", DIST_RANGE_NONNEG);
    CU_ASSERT(has(&d, DIST_LOGNORMAL, 4.1, 0.35, 0));
    d = parse_ok("lognormal(-2, 0.5)", DIST_RANGE_GROWTH);
    CU_ASSERT(has(&d, DIST_LOGNORMAL, -2, 0.5, 0));
    d = parse_ok("triangular(1.3%, 4.1%, 8.7%)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_TRIANGULAR, 0.013, 0.041, 0.087));
    d = parse_ok("triangular(0, 0, 0.1)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_TRIANGULAR, 0, 0, 0.1));
    d = parse_ok("triangular(0.9, 1, 1)", DIST_RANGE_PROB);
    CU_ASSERT(has(&d, DIST_TRIANGULAR, 0.9, 1, 1));
    d = parse_ok("gamma(2.7, 23.5)", DIST_RANGE_NONNEG);
    CU_ASSERT(has(&d, DIST_GAMMA, 2.7, 23.5, 0));
    d = parse_ok("gamma(0.37,1.9)", DIST_RANGE_GROWTH);
    CU_ASSERT(has(&d, DIST_GAMMA, 0.37, 1.9, 0));
}

/* ---- errors, with their exact text ------------------------------- */

typedef struct {
    const char *text;
    const dist_range *range;
    const char *why;
} bad_case;

static void test_parse_errors(void)
{
    static const bad_case cases[] = {
        {"", &DIST_RANGE_PROB, "empty value"},
        {" \t ", &DIST_RANGE_PROB, "empty value"},
        {"abc", &DIST_RANGE_PROB, "expected a number, got 'abc'"},
        {"nan", &DIST_RANGE_PROB, "expected a number, got 'nan'"},
        {"inf", &DIST_RANGE_NONNEG, "expected a number, got 'inf'"},
        {"-inf", &DIST_RANGE_GROWTH, "expected a number, got '-inf'"},
        {"0x1p3", &DIST_RANGE_NONNEG, "expected a number, got '0x1p3'"},
        {"12abc", &DIST_RANGE_NONNEG, "expected a number, got '12abc'"},
        {" 1 2 ", &DIST_RANGE_NONNEG, "expected a number, got '1 2'"},
        {"1.2.3", &DIST_RANGE_NONNEG, "expected a number, got '1.2.3'"},
        {"5%%", &DIST_RANGE_NONNEG, "expected a number, got '5%%'"},
        {"1e309", &DIST_RANGE_NONNEG, "number '1e309' is too large"},
        {"1.2", &DIST_RANGE_PROB, "1.2 is above 1"},
        {"120%", &DIST_RANGE_PROB, "1.2 is above 1"},
        {"1.0000000000000002", &DIST_RANGE_PROB, "1.0000000000000002 is above 1"},
        {"-3", &DIST_RANGE_NONNEG, "-3 is below 0"},
        {"-1e-300", &DIST_RANGE_PROB, "-1e-300 is below 0"},
        {"-1", &DIST_RANGE_GROWTH, "-1 is not above -1"},
        {"-150%", &DIST_RANGE_GROWTH, "-1.5 is not above -1"},
        {"5.5", &RANGE_0_5, "5.5 is above 5"},
        {"0.5", &RANGE_1_INF, "0.5 is below 1"},
        {"betta(2, 98)", &DIST_RANGE_PROB, "unknown distribution 'betta'"},
        {"Beta(2, 98)", &DIST_RANGE_PROB, "unknown distribution 'Beta'; did you mean 'beta'?"},
        {"poisson (3)", &DIST_RANGE_NONNEG, "unknown distribution 'poisson'"},
        {"beta", &DIST_RANGE_PROB, "expected '(' after 'beta'"},
        {"beta 2, 98", &DIST_RANGE_PROB, "expected '(' after 'beta'"},
        {"beta(2, 98, 3)", &DIST_RANGE_PROB, "beta takes 2 arguments, got 3"},
        {"beta(2)", &DIST_RANGE_PROB, "beta takes 2 arguments, got 1"},
        {"beta()", &DIST_RANGE_PROB, "beta takes 2 arguments, got 0"},
        {"beta( )", &DIST_RANGE_PROB, "beta takes 2 arguments, got 0"},
        {"uniform(1, 2, 3, 4)", &DIST_RANGE_NONNEG, "uniform takes 2 arguments, got 4"},
        {"triangular(0.1, 0.2)", &DIST_RANGE_PROB, "triangular takes 3 arguments, got 2"},
        {"gamma(1, 2, 3)", &DIST_RANGE_NONNEG, "gamma takes 2 arguments, got 3"},
        {"beta(2, 98", &DIST_RANGE_PROB, "missing ')'"},
        {"beta(", &DIST_RANGE_PROB, "missing ')'"},
        {"beta(2,", &DIST_RANGE_PROB, "missing ')'"},
        {"beta(2, )", &DIST_RANGE_PROB, "beta: argument 2 is empty"},
        {"beta(, 98)", &DIST_RANGE_PROB, "beta: argument 1 is empty"},
        {"uniform(1,,2)", &DIST_RANGE_NONNEG, "uniform: argument 2 is empty"},
        {"beta(2, 98) x", &DIST_RANGE_PROB, "unexpected 'x' after ')'"},
        {"beta(2, 98) ; note \t", &DIST_RANGE_PROB, "unexpected '; note' after ')'"},
        {"beta(2, 98))", &DIST_RANGE_PROB, "unexpected ')' after ')'"},
        {"beta(2, 98)(", &DIST_RANGE_PROB, "unexpected '(' after ')'"},
        {"beta(2, abc)", &DIST_RANGE_PROB, "expected a number, got 'abc'"},
        {"beta(2, 9 8)", &DIST_RANGE_PROB, "expected a number, got '9 8'"},
        {"beta(2, nan)", &DIST_RANGE_PROB, "expected a number, got 'nan'"},
        {"beta(beta(1, 2), 3)", &DIST_RANGE_PROB, "expected a number, got 'beta(1'"},
        {"beta(2, 1e999)", &DIST_RANGE_PROB, "number '1e999' is too large"},
        {"beta(-1, 98)", &DIST_RANGE_PROB, "beta needs a > 0, got -1"},
        {"beta(0, 98)", &DIST_RANGE_PROB, "beta needs a > 0, got 0"},
        {"beta(2, -0)", &DIST_RANGE_PROB, "beta needs b > 0, got 0"},
        {"uniform(0.3, 0.2)", &DIST_RANGE_PROB, "uniform needs lo < hi, got 0.3 and 0.2"},
        {"uniform(20%, 20%)", &DIST_RANGE_PROB, "uniform needs lo < hi, got 0.2 and 0.2"},
        {"normal(0.05, 0)", &DIST_RANGE_PROB, "normal needs sd > 0, got 0"},
        {"normal(0.05, -0.04)", &DIST_RANGE_PROB, "normal needs sd > 0, got -0.04"},
        {"lognormal(1, 0)", &DIST_RANGE_NONNEG, "lognormal needs sigma > 0, got 0"},
        {"triangular(0.3, 0.3, 0.3)", &DIST_RANGE_PROB,
         "triangular needs lo < hi, got 0.3 and 0.3"},
        {"triangular(0.1, 0.4, 0.3)", &DIST_RANGE_PROB,
         "triangular needs lo <= mode <= hi, got mode 0.4 outside [0.1, 0.3]"},
        {"triangular(0.1, 0.05, 0.3)", &DIST_RANGE_PROB,
         "triangular needs lo <= mode <= hi, got mode 0.05 outside [0.1, 0.3]"},
        {"gamma(0, 2)", &DIST_RANGE_NONNEG, "gamma needs shape > 0, got 0"},
        {"gamma(2, -1)", &DIST_RANGE_NONNEG, "gamma needs scale > 0, got -1"},
        {"uniform(-0.1, 0.2)", &DIST_RANGE_PROB, "uniform(-0.1, 0.2) reaches below 0"},
        {"uniform(50%, 120%)", &DIST_RANGE_PROB, "uniform(0.5, 1.2) reaches above 1"},
        {"uniform(-1, 0.2)", &DIST_RANGE_GROWTH,
         "uniform(-1, 0.2) reaches down to -1; the value must be above -1"},
        {"uniform(-3, -2)", &DIST_RANGE_NONNEG, "uniform(-3, -2) reaches below 0"},
        {"triangular(-0.1, 0.1, 0.3)", &DIST_RANGE_PROB,
         "triangular(-0.1, 0.1, 0.3) reaches below 0"},
        {"triangular(0.5, 0.9, 1.01)", &DIST_RANGE_PROB,
         "triangular(0.5, 0.9, 1.01) reaches above 1"},
        {"triangular(-1.2, 0, 0.1)", &DIST_RANGE_GROWTH,
         "triangular(-1.2, 0, 0.1) reaches down to -1.2; the value must be above -1"},
        {"lognormal(-3, 0.5)", &DIST_RANGE_PROB,
         "lognormal is unbounded above; use beta or a truncated normal for a probability"},
        {"gamma(2, 0.01)", &DIST_RANGE_PROB,
         "gamma is unbounded above; use beta or a truncated normal for a probability"},
        {"lognormal(1, 0.5)", &RANGE_0_5, "lognormal is unbounded above; the value must be at most 5"},
        {"gamma(2, 3)", &RANGE_1_INF, "gamma reaches down to 0; the value must be at least 1"},
        {"beta(2, 3)", &RANGE_HALF_2, "beta takes values in [0, 1], which reaches outside [0.5, 2]"},
        {"normal(-0.5, 0.1)", &DIST_RANGE_PROB,
         "normal(-0.5, 0.1) has less than 0.1% of its mass inside [0, 1]"},
        {"normal(5, 1)", &DIST_RANGE_PROB,
         "normal(5, 1) has less than 0.1% of its mass inside [0, 1]"},
        {"normal(-4, 1)", &DIST_RANGE_NONNEG,
         "normal(-4, 1) has less than 0.1% of its mass inside [0, inf)"},
        {"normal(-1.5, 0.1)", &DIST_RANGE_GROWTH,
         "normal(-1.5, 0.1) has less than 0.1% of its mass inside (-1, inf)"},
        /* Found by fuzzing: an sd below the mean's precision never draws
         * above an open end; a beta past 1e9 hangs GSL's inverse CDF. */
        {"normal(-1, 1e-320)", &DIST_RANGE_GROWTH,
         "normal's sd 1e-320 is too small for its mean -1 (mean + sd is the mean)"},
        {"normal(2385, 1e-13)", &DIST_RANGE_NONNEG,
         "normal's sd 1e-13 is too small for its mean 2385 (mean + sd is the mean)"},
        {"beta(1.5e308, 98.5)", &DIST_RANGE_PROB, "beta needs a + b at most 1e6, got 1.5e+308"},
        {"beta(500000, 500001)", &DIST_RANGE_PROB, "beta needs a + b at most 1e6, got 1000001"},
        {"beta(21e-321, 3e-320)", &DIST_RANGE_PROB, "beta needs a and b at least 1e-6, got 2.1e-320"},
        {"beta(2, 9.9e-7)", &DIST_RANGE_PROB, "beta needs a and b at least 1e-6, got 9.9e-07"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case *c = &cases[i];
        dist d = dist_fixed(-7.25, DIST_RANGE_NONNEG);
        char why[256] = "";
        int rc = dist_parse(c->text, *c->range, &d, why, sizeof why);
        int ok = rc == -1 && strcmp(why, c->why) == 0;
        if (!ok)
            fprintf(stderr, "\n  '%s': rc %d, why '%s', want '%s'\n", c->text, rc, why, c->why);
        CU_ASSERT(ok);
        /* A refused value leaves *out alone. */
        CU_ASSERT(d.kind == DIST_FIXED && d.p[0] == -7.25);
    }
}

static void test_parse_why_buffer(void)
{
    dist d;
    /* No buffer at all, and a buffer too short for the message. */
    CU_ASSERT_EQUAL(dist_parse("beta(2, 98, 3)", DIST_RANGE_PROB, &d, NULL, 0), -1);
    char why[10];
    memset(why, 'x', sizeof why);
    CU_ASSERT_EQUAL(dist_parse("beta(2, 98, 3)", DIST_RANGE_PROB, &d, why, sizeof why), -1);
    CU_ASSERT_STRING_EQUAL(why, "beta take");
    CU_ASSERT_EQUAL(dist_parse(NULL, DIST_RANGE_PROB, &d, why, sizeof why), -1);
    CU_ASSERT_STRING_EQUAL(why, "empty val");

    /* A token longer than the parser's stack copy. */
    char long_text[400];
    snprintf(long_text, sizeof long_text, "beta(2, %0300d)", 98);
    CU_ASSERT_EQUAL(dist_parse(long_text, DIST_RANGE_PROB, &d, NULL, 0), 0);
    CU_ASSERT(has(&d, DIST_BETA, 2, 98, 0));
    snprintf(long_text, sizeof long_text, "beta(2, %0300dx)", 98);
    char big[512];
    CU_ASSERT_EQUAL(dist_parse(long_text, DIST_RANGE_PROB, &d, big, sizeof big), -1);
    CU_ASSERT(strncmp(big, "expected a number, got '000", 27) == 0);
}

/* ---- sampling against the closed forms ----------------------------- */

typedef struct {
    const char *text;
    const dist_range *range;
} sample_case;

/* Draws n values and compares mean, variance and one quantile with
 * dist_mean, dist_sd and dist_quantile, each within K standard errors
 * (for the variance the standard error is estimated from the fourth
 * central moment of the sample). */
#define N_DRAWS 200000
#define K_SE 4.5

static void check_moments(gsl_rng *r, const char *text, dist_range range)
{
    dist d = parse_ok(text, range);
    static double x[N_DRAWS];
    const double u = 0.2385;
    double q = dist_quantile(&d, u);
    double sum = 0.0;
    long below = 0, outside = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        x[i] = dist_sample(&d, r);
        sum += x[i];
        if (x[i] <= q)
            below++;
        int inside = range.lo_open ? x[i] > range.lo : x[i] >= range.lo;
        if (!inside || x[i] > range.hi || !isfinite(x[i]))
            outside++;
    }
    double mean = sum / N_DRAWS;
    double m2 = 0.0, m4 = 0.0;
    for (int i = 0; i < N_DRAWS; i++) {
        double e = x[i] - mean;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    double var = m2 / (N_DRAWS - 1);
    m4 /= N_DRAWS;

    double want_mean = dist_mean(&d), want_sd = dist_sd(&d);
    char what[160];
    CU_ASSERT_EQUAL(outside, 0);
    snprintf(what, sizeof what, "%s mean", text);
    TU_ASSERT_WITHIN_SE(what, mean, want_mean, want_sd / sqrt(N_DRAWS), K_SE);
    snprintf(what, sizeof what, "%s variance", text);
    TU_ASSERT_WITHIN_SE(what, var, want_sd * want_sd, sqrt((m4 - var * var) / N_DRAWS), K_SE);
    snprintf(what, sizeof what, "%s P(x <= quantile(%g))", text, u);
    TU_ASSERT_WITHIN_SE(what, (double)below / N_DRAWS, u, sqrt(u * (1 - u) / N_DRAWS), K_SE);
}

static gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, seed);
    return r;
}

static void test_sample_moments(void)
{
    static const sample_case cases[] = {
        {"beta(2.3, 41.7)", &DIST_RANGE_PROB},
        {"beta(0.37, 0.81)", &DIST_RANGE_PROB},
        {"uniform(2.13%, 5.87%)", &DIST_RANGE_PROB},
        {"uniform(-0.413, 0.291)", &DIST_RANGE_GROWTH},
        {"normal(0.137, 0.0421)", &DIST_RANGE_PROB},
        {"normal(0.3, 0.2)", &DIST_RANGE_GROWTH},
        {"lognormal(4.1, 0.35)", &DIST_RANGE_NONNEG},
        {"lognormal(-1.3, 0.83)", &DIST_RANGE_NONNEG},
        {"triangular(0.013, 0.041, 0.087)", &DIST_RANGE_PROB},
        {"triangular(0.02, 0.087, 0.087)", &DIST_RANGE_PROB},
        {"triangular(0, 0, 0.113)", &DIST_RANGE_PROB},
        {"gamma(2.7, 23.5)", &DIST_RANGE_NONNEG},
        {"gamma(0.37, 1.9)", &DIST_RANGE_NONNEG},
    };
    gsl_rng *r = new_rng(20220527);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_moments(r, cases[i].text, *cases[i].range);
    gsl_rng_free(r);
}

static void test_truncated_normal(void)
{
    gsl_rng *r = new_rng(2025);

    /* 10.6 % of the mass below 0: the mean is the truncated one, not 0.05. */
    dist d = parse_ok("normal(0.05, 0.04)", DIST_RANGE_PROB);
    double z = gsl_cdf_ugaussian_P(1.25);
    TU_ASSERT_CLOSE(d.trunc_mass, z, 1e-14);
    double pdf = 0.3989422804014327 * exp(-0.5 * 1.25 * 1.25);
    TU_ASSERT_CLOSE(dist_mean(&d), 0.05 + 0.04 * pdf / z, 1e-13);
    double m = pdf / z;
    TU_ASSERT_CLOSE(dist_sd(&d), 0.04 * sqrt(1 - 1.25 * m - m * m), 1e-12);
    CU_ASSERT(dist_mean(&d) > 0.058);
    check_moments(r, "normal(0.05, 0.04)", DIST_RANGE_PROB);

    /* Cut at both ends of [0, 1]. */
    check_moments(r, "normal(0.62, 0.41)", DIST_RANGE_PROB);
    /* Cut at the open end of the growth range. */
    check_moments(r, "normal(-0.95, 0.04)", DIST_RANGE_GROWTH);
    /* Only the upper tail is inside (6.7 % of the mass). */
    check_moments(r, "normal(-1.95, 1.3)", DIST_RANGE_NONNEG);
    d = parse_ok("normal(-1.95, 1.3)", DIST_RANGE_NONNEG);
    TU_ASSERT_CLOSE(d.trunc_mass, gsl_cdf_ugaussian_Q(1.5), 1e-13);
    gsl_rng_free(r);
}

/* Means, standard deviations and quantiles against reference values
 * computed outside tiersim (mpmath, 40 digits: numerical integration for the
 * truncated normals, root finding on the regularised incomplete beta and
 * gamma functions for the quantiles). */
typedef struct {
    const char *text;
    const dist_range *range;
    double mass, mean, sd;
} ref_case;

static void test_reference_values(void)
{
    static const ref_case cases[] = {
        {"normal(0.05, 0.04)", &DIST_RANGE_PROB, 0.89435022633314474, 0.05816901835594707,
         0.033538279939538437},
        {"normal(0.62, 0.41)", &DIST_RANGE_PROB, 0.75775029113127884, 0.54831655461957062,
         0.2586858871356412},
        {"normal(-1.95, 1.3)", &DIST_RANGE_NONNEG, 0.066807201268858066, 0.57028031660930615,
         0.50272631033181718},
        {"normal(-0.95, 0.04)", &DIST_RANGE_GROWTH, 0.89435022633314474, -0.94183098164405293,
         0.033538279939538437},
        {"beta(2.3, 41.7)", &DIST_RANGE_PROB, 1, 2.3 / 44.0, 0.033179742566879685},
        {"beta(2, 98)", &DIST_RANGE_PROB, 1, 0.02, 0.013930520662939848},
        {"uniform(0.02, 0.06)", &DIST_RANGE_PROB, 1, 0.04, 0.011547005383792515},
        {"lognormal(4.1, 0.35)", &DIST_RANGE_NONNEG, 1, 64.151662079926716, 23.158582973718216},
        {"triangular(0.013, 0.041, 0.087)", &DIST_RANGE_PROB, 1, 0.047, 0.015253414918196734},
        {"gamma(2.7, 23.5)", &DIST_RANGE_NONNEG, 1, 63.45, 38.614440304114211},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ref_case *c = &cases[i];
        dist d = parse_ok(c->text, *c->range);
        int ok = tu_close(dist_mean(&d), c->mean, 1e-12, 0) && tu_close(dist_sd(&d), c->sd, 1e-11, 0);
        if (d.kind == DIST_NORMAL)
            ok = ok && tu_close(d.trunc_mass, c->mass, 1e-13, 0);
        if (!ok)
            fprintf(stderr, "\n  %s: mass %.17g mean %.17g sd %.17g\n", c->text, d.trunc_mass,
                    dist_mean(&d), dist_sd(&d));
        CU_ASSERT(ok);
    }
    dist d = parse_ok("beta(2.3, 41.7)", DIST_RANGE_PROB);
    TU_ASSERT_CLOSE(dist_quantile(&d, 0.2385), 0.026785048494285408, 1e-10);
    d = parse_ok("gamma(2.7, 23.5)", DIST_RANGE_NONNEG);
    TU_ASSERT_CLOSE(dist_quantile(&d, 0.2385), 34.116363327807669, 1e-10);
}

static void test_sample_fixed(void)
{
    gsl_rng *r = new_rng(7);
    dist d = parse_ok("23.85%", DIST_RANGE_PROB);
    CU_ASSERT(dist_sample(&d, r) == 0.2385);
    CU_ASSERT(dist_mean(&d) == 0.2385);
    CU_ASSERT(dist_sd(&d) == 0.0);
    CU_ASSERT(dist_quantile(&d, 0.0) == 0.2385);
    CU_ASSERT(dist_quantile(&d, 0.7) == 0.2385);
    CU_ASSERT(dist_quantile(&d, 1.0) == 0.2385);
    gsl_rng_free(r);
}

/* ---- quantiles ------------------------------------------------------ */

static void test_quantile_ends(void)
{
    dist d = parse_ok("beta(2.3, 41.7)", DIST_RANGE_PROB);
    CU_ASSERT(dist_quantile(&d, 0) == 0.0 && dist_quantile(&d, 1) == 1.0);
    d = parse_ok("uniform(0.0213, 0.0587)", DIST_RANGE_PROB);
    CU_ASSERT(dist_quantile(&d, 0) == 0.0213 && dist_quantile(&d, 1) == 0.0587);
    d = parse_ok("normal(0.05, 0.04)", DIST_RANGE_PROB);
    CU_ASSERT(dist_quantile(&d, 0) == 0.0 && dist_quantile(&d, 1) == 1.0);
    d = parse_ok("normal(0.05, 0.04)", DIST_RANGE_NONNEG);
    CU_ASSERT(dist_quantile(&d, 0) == 0.0 && dist_quantile(&d, 1) == INFINITY);
    CU_ASSERT(dist_quantile(&d, 1 - 1e-16) < INFINITY);
    d = parse_ok("normal(-0.95, 0.04)", DIST_RANGE_GROWTH);
    CU_ASSERT(dist_quantile(&d, 0) == -1.0 && dist_quantile(&d, 1) == INFINITY);
    d = parse_ok("lognormal(4.1, 0.35)", DIST_RANGE_NONNEG);
    CU_ASSERT(dist_quantile(&d, 0) == 0.0 && dist_quantile(&d, 1) == INFINITY);
    d = parse_ok("triangular(0.013, 0.041, 0.087)", DIST_RANGE_PROB);
    CU_ASSERT(dist_quantile(&d, 0) == 0.013 && dist_quantile(&d, 1) == 0.087);
    d = parse_ok("gamma(2.7, 23.5)", DIST_RANGE_NONNEG);
    CU_ASSERT(dist_quantile(&d, 0) == 0.0 && dist_quantile(&d, 1) == INFINITY);
    /* Outside [0, 1] counts as the end; NaN stays NaN. */
    CU_ASSERT(dist_quantile(&d, -0.5) == 0.0 && dist_quantile(&d, 2) == INFINITY);
    CU_ASSERT(isnan(dist_quantile(&d, NAN)));
}

static void test_quantile_median_symmetric(void)
{
    dist d = parse_ok("uniform(0.0213, 0.0587)", DIST_RANGE_PROB);
    TU_ASSERT_CLOSE(dist_quantile(&d, 0.5), 0.04, 1e-14);
    d = parse_ok("triangular(0.113, 0.2385, 0.364)", DIST_RANGE_PROB);
    TU_ASSERT_CLOSE(dist_quantile(&d, 0.5), 0.2385, 1e-14);
    d = parse_ok("beta(3.7, 3.7)", DIST_RANGE_PROB);
    TU_ASSERT_CLOSE(dist_quantile(&d, 0.5), 0.5, 1e-12);
    /* Truncated symmetrically about its centre: the median stays there. */
    d = parse_ok("normal(0.5, 0.37)", DIST_RANGE_PROB);
    TU_ASSERT_CLOSE(dist_quantile(&d, 0.5), 0.5, 1e-12);
    /* 6.5 sd from the cut at 0: the median moves by about 1e-11 only. */
    d = parse_ok("normal(1.37, 0.21)", DIST_RANGE_NONNEG);
    TU_ASSERT_CLOSE(dist_quantile(&d, 0.5), 1.37, 1e-10);
    /* lognormal: the median is exp(mu). */
    d = parse_ok("lognormal(4.1, 0.35)", DIST_RANGE_NONNEG);
    TU_ASSERT_CLOSE(dist_quantile(&d, 0.5), exp(4.1), 1e-12);
}

/* CDFs written independently of dist.c. */
static double cdf(const dist *d, double x)
{
    const double *p = d->p;
    switch (d->kind) {
    case DIST_BETA:
        return gsl_cdf_beta_P(x, p[0], p[1]);
    case DIST_UNIFORM:
        return (x - p[0]) / (p[1] - p[0]);
    case DIST_NORMAL: {
        double a = gsl_cdf_gaussian_P(d->range.lo - p[0], p[1]);
        double b = isinf(d->range.hi) ? 1.0 : gsl_cdf_gaussian_P(d->range.hi - p[0], p[1]);
        return (gsl_cdf_gaussian_P(x - p[0], p[1]) - a) / (b - a);
    }
    case DIST_LOGNORMAL:
        return gsl_cdf_lognormal_P(x, p[0], p[1]);
    case DIST_TRIANGULAR: {
        double lo = p[0], c = p[1], hi = p[2];
        if (x <= c)
            return (x - lo) * (x - lo) / ((hi - lo) * (c - lo));
        return 1 - (hi - x) * (hi - x) / ((hi - lo) * (hi - c));
    }
    case DIST_GAMMA:
        return gsl_cdf_gamma_P(x, p[0], p[1]);
    case DIST_FIXED:
        break;
    }
    return NAN;
}

static void check_inverse(const char *text, dist_range range, const double *xs, size_t n)
{
    dist d = parse_ok(text, range);
    for (size_t i = 0; i < n; i++) {
        double got = dist_quantile(&d, cdf(&d, xs[i]));
        int ok = tu_close(got, xs[i], 1e-9, 0.0);
        if (!ok)
            fprintf(stderr, "\n  %s: quantile(cdf(%.10g)) = %.17g\n", text, xs[i], got);
        CU_ASSERT(ok);
    }
    /* Increasing in u. */
    double prev = dist_quantile(&d, 0.0);
    for (int k = 1; k <= 1000; k++) {
        double q = dist_quantile(&d, k / 1000.0);
        CU_ASSERT(q >= prev);
        prev = q;
    }
}

static void test_quantile_inverts_cdf(void)
{
    const double px[] = {0.0071, 0.0213, 0.0587, 0.137, 0.2385};
    check_inverse("beta(2.3, 41.7)", DIST_RANGE_PROB, px, 5);
    check_inverse("uniform(0.0071, 0.2385)", DIST_RANGE_PROB, px + 1, 3);
    check_inverse("normal(0.05, 0.04)", DIST_RANGE_PROB, px, 5);
    check_inverse("normal(0.62, 0.41)", DIST_RANGE_PROB, px, 5);
    check_inverse("triangular(0.0071, 0.0587, 0.2385)", DIST_RANGE_PROB, px + 1, 3);
    check_inverse("triangular(0, 0, 0.2385)", DIST_RANGE_PROB, px, 4);
    const double gx[] = {0.137, 1.9, 23.5, 64.2, 137.0};
    check_inverse("gamma(2.7, 23.5)", DIST_RANGE_NONNEG, gx, 5);
    check_inverse("lognormal(4.1, 0.35)", DIST_RANGE_NONNEG, gx + 2, 3);
    check_inverse("lognormal(-1.3, 0.83)", DIST_RANGE_NONNEG, gx, 3);
    /* The upper-tail branch of the truncated normal. */
    const double tx[] = {0.0137, 0.2385, 1.37, 4.1};
    check_inverse("normal(-1.95, 1.3)", DIST_RANGE_NONNEG, tx, 4);
    const double growth[] = {-0.9987, -0.97, -0.9213, -0.87};
    check_inverse("normal(-0.95, 0.04)", DIST_RANGE_GROWTH, growth, 4);
}

/* GSL's gsl_cdf_beta_Pinv and gsl_cdf_gamma_Pinv return NaN for shapes like
 * these (they fail to converge); dist_quantile must still answer.  The answer
 * is right when cdf(q) is close to u, or when q is the first double where the
 * cdf reaches u (the true quantile may not be representable: for beta(0.01, 50)
 * the 1e-9 quantile is about 1e-900). */
static void test_quantile_extreme_shapes(void)
{
    static const sample_case cases[] = {
        {"beta(0.05, 0.05)", &DIST_RANGE_PROB},   {"beta(0.001, 0.001)", &DIST_RANGE_PROB},
        {"beta(2000, 3)", &DIST_RANGE_PROB},      {"beta(10000, 10000)", &DIST_RANGE_PROB},
        {"beta(0.01, 50)", &DIST_RANGE_PROB},     {"beta(0.3, 100000)", &DIST_RANGE_PROB},
        {"gamma(0.01, 1.9)", &DIST_RANGE_NONNEG}, {"gamma(0.001, 1)", &DIST_RANGE_NONNEG},
        {"gamma(5000, 0.02)", &DIST_RANGE_NONNEG}, {"gamma(1000000, 1)", &DIST_RANGE_NONNEG},
        {"normal(-3, 1)", &DIST_RANGE_NONNEG},
        /* GSL's beta inverse never returns for these (found by fuzzing). */
        {"beta(500000, 500000)", &DIST_RANGE_PROB},   {"beta(999999, 1)", &DIST_RANGE_PROB},
        {"beta(999999, 1e-6)", &DIST_RANGE_PROB},   {"beta(1e-6, 1e-6)", &DIST_RANGE_PROB},
    };
    const double us[] = {1e-12, 1e-9, 0.001, 0.2385, 0.5, 0.7615, 0.999, 1 - 1e-9};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dist d = parse_ok(cases[i].text, *cases[i].range);
        double prev = 0.0;
        for (size_t k = 0; k < sizeof us / sizeof us[0]; k++) {
            double u = us[k];
            double q = dist_quantile(&d, u);
            double c = cdf(&d, q);
            int close = fabs(c - u) <= 1e-6 * fmax(fmin(u, 1 - u), 1e-3);
            int first = c >= u && cdf(&d, nextafter(q, -INFINITY)) <= u;
            int ok = isfinite(q) && q >= prev && (close || first);
            if (!ok)
                fprintf(stderr, "\n  %s: quantile(%g) = %.17g, cdf %.17g\n", cases[i].text,
                        u, q, c);
            CU_ASSERT(ok);
            prev = q;
        }
    }
}

/* ---- formatting ------------------------------------------------------ */

static void check_format(const char *text, dist_range range, const char *want)
{
    dist d = parse_ok(text, range);
    char buf[128];
    int n = dist_format(&d, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, want);
    CU_ASSERT_EQUAL(n, (int)strlen(want));
    CU_ASSERT_EQUAL(dist_format(&d, NULL, 0), n);

    /* Round trip: the text parses back to the same value. */
    dist back = parse_ok(buf, range);
    CU_ASSERT(has(&back, d.kind, d.p[0], d.p[1], d.p[2]));
    CU_ASSERT(back.trunc_mass == d.trunc_mass);
}

static void test_format(void)
{
    check_format("beta(2, 98)", DIST_RANGE_PROB, "beta(2, 98)");
    check_format(" beta ( 2.3,41.7 ) ", DIST_RANGE_PROB, "beta(2.3, 41.7)");
    check_format("35.8%", DIST_RANGE_GROWTH, "0.358");
    check_format("-0", DIST_RANGE_NONNEG, "0");
    check_format("6923", DIST_RANGE_NONNEG, "6923");
    check_format("1e308", DIST_RANGE_NONNEG, "1e+308");
    check_format("uniform(2%, 6%)", DIST_RANGE_PROB, "uniform(0.02, 0.06)");
    check_format("normal(0.05,0.04)", DIST_RANGE_PROB, "normal(0.05, 0.04)");
    check_format("lognormal(4.1, 0.35)", DIST_RANGE_NONNEG, "lognormal(4.1, 0.35)");
    check_format("triangular(1.3%, 4.1%, 8.7%)", DIST_RANGE_PROB, "triangular(0.013, 0.041, 0.087)");
    check_format("gamma(2.7, 23.5)", DIST_RANGE_NONNEG, "gamma(2.7, 23.5)");
    check_format("gamma(0.000123456789, 1234567890)", DIST_RANGE_NONNEG,
                 "gamma(0.000123456789, 1234567890)");

    /* Truncated output still counts the full length, and ends with NUL. */
    dist d = parse_ok("triangular(0.013, 0.041, 0.087)", DIST_RANGE_PROB);
    char small[8];
    CU_ASSERT_EQUAL(dist_format(&d, small, sizeof small), 31);
    CU_ASSERT_STRING_EQUAL(small, "triangu");

    /* The shortest text that reads back exactly: no digit is lost, so a
     * formatted scenario value (a fitted one, say) survives a round trip. */
    d = dist_fixed(0.12345678901, DIST_RANGE_PROB);
    char buf[64];
    dist_format(&d, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "0.12345678901");
    check_format("uniform(0.99999999999, 1)", DIST_RANGE_PROB, "uniform(0.99999999999, 1)");
    d = dist_fixed(20, DIST_RANGE_NONNEG);
    dist_format(&d, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "20");
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test t[] = {
        {"parse fixed values", test_parse_fixed},
        {"parse distributions", test_parse_distributions},
        {"parse errors, exact text", test_parse_errors},
        {"parse: why buffer", test_parse_why_buffer},
        {"sample moments vs closed forms", test_sample_moments},
        {"truncated normal", test_truncated_normal},
        {"reference values", test_reference_values},
        {"fixed value", test_sample_fixed},
        {"quantile: ends of the support", test_quantile_ends},
        {"quantile: medians of symmetric distributions", test_quantile_median_symmetric},
        {"quantile inverts the cdf", test_quantile_inverts_cdf},
        {"quantile: extreme shapes", test_quantile_extreme_shapes},
        {"format and round trip", test_format},
        {NULL, NULL},
    };
    return tu_run("dist", t);
}
