/* Tests for rng.c: xoshiro256++ against the published reference code, the
 * seeding contract, and the binomial and Poisson samplers against their
 * analytic moments and whole pmfs, and the hypergeometric sampler against
 * gsl_ran_hypergeometric_pdf (fixed seeds, so nothing here is flaky;
 * tolerances are 5 standard errors and chi-square tests use alpha = 1e-4,
 * loose enough for a correct sampler and tight enough for a wrong one). */

#include "rng.h"
#include "../sim/rng_core.h"
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SE_LIMIT 5.0
#define CHISQ_ALPHA 1e-4
#define N_MOMENTS 400000
#define N_CHISQ 1000000

/* ---- reference code ---------------------------------------------------- */

/* https://prng.di.unimi.it/xoshiro256plusplus.c and splitmix64.c, copied
 * with the global state turned into an argument. */
static uint64_t ref_rotl(const uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t ref_xoshiro_next(uint64_t *s)
{
    const uint64_t result = ref_rotl(s[0] + s[3], 23) + s[0];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ref_rotl(s[3], 45);
    return result;
}

static uint64_t ref_splitmix64_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
}

static gsl_rng *xo_alloc(uint64_t seed, uint64_t stream)
{
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    if (r)
        rng_seed_stream(r, seed, stream);
    return r;
}

static void set_state(gsl_rng *r, const uint64_t s[4])
{
    memcpy(gsl_rng_state(r), s, 4 * sizeof s[0]);
}

/* ---- xoshiro256++ and seeding ------------------------------------------ */

static void test_xoshiro_type(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_STRING_EQUAL(gsl_rng_name(r), "xoshiro256++");
    CU_ASSERT_EQUAL(gsl_rng_max(r), 0xffffffffUL);
    CU_ASSERT_EQUAL(gsl_rng_min(r), 0UL);
    CU_ASSERT_EQUAL(gsl_rng_size(r), 4 * sizeof(uint64_t));
    gsl_rng_free(r);
}

static void test_xoshiro_reference(void)
{
    /* The first output for state {1, 2, 3, 4} is rotl(1 + 4, 23) + 1, which
     * checks the reference copy itself. */
    uint64_t s1234[4] = {1, 2, 3, 4};
    CU_ASSERT_EQUAL(ref_xoshiro_next(s1234), UINT64_C(41943041));

    const uint64_t s0[4] = {UINT64_C(0x0123456789abcdef), UINT64_C(0x2385137e5d1f0a9c),
                            UINT64_C(0xfedcba9876543210), UINT64_C(0x00000000000f4240)};
    uint64_t ref[4];
    memcpy(ref, s0, sizeof ref);
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    CU_ASSERT_FATAL(r != NULL);
    set_state(r, s0);

    int bad_get = 0, bad_uniform = 0, bad_pos = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t x = ref_xoshiro_next(ref);
        switch (i % 3) {
        case 0:
            bad_get += gsl_rng_get(r) != (unsigned long)(x >> 32);
            break;
        case 1:
            bad_uniform += gsl_rng_uniform(r) != (double)(x >> 11) * 0x1.0p-53;
            break;
        default: {
            /* Consumes exactly one output (the lockstep checks that). */
            double u = rng_uniform_pos(r);
            bad_pos += !(u > 0.0 && u < 1.0);
        }
        }
    }
    CU_ASSERT_EQUAL(bad_get, 0);
    CU_ASSERT_EQUAL(bad_uniform, 0);
    CU_ASSERT_EQUAL(bad_pos, 0);
    CU_ASSERT_EQUAL(memcmp(gsl_rng_state(r), ref, sizeof ref), 0);
    gsl_rng_free(r);
}

static void test_uniform_ranges(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    CU_ASSERT_FATAL(r != NULL);

    /* States whose next output is 0, then 2^64 - 1 (result = rotl(s0 + s3,
     * 23) + s0): the extremes of both conversions. */
    const uint64_t zero[4] = {0, 7, 11, 0};
    const uint64_t ones[4] = {0, 7, 11, ~UINT64_C(0)};
    set_state(r, zero);
    CU_ASSERT_EQUAL(gsl_rng_uniform(r), 0.0);
    set_state(r, zero);
    CU_ASSERT(rng_uniform_pos(r) > 0.0);
    set_state(r, ones);
    CU_ASSERT(gsl_rng_uniform(r) < 1.0);
    set_state(r, ones);
    CU_ASSERT(rng_uniform_pos(r) < 1.0);
    set_state(r, ones);
    CU_ASSERT_EQUAL(gsl_rng_get(r), 0xffffffffUL);

    rng_seed_stream(r, 2022, 3);
    const int n = 1000000;
    int out_u = 0, out_pos = 0;
    double s = 0.0, spos = 0.0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        double w = rng_uniform_pos(r);
        out_u += !(u >= 0.0 && u < 1.0);
        out_pos += !(w > 0.0 && w < 1.0);
        s += u;
        spos += w;
    }
    CU_ASSERT_EQUAL(out_u, 0);
    CU_ASSERT_EQUAL(out_pos, 0);
    const double se = sqrt(1.0 / 12.0 / n);
    TU_ASSERT_WITHIN_SE("mean of gsl_rng_uniform", s / n, 0.5, se, SE_LIMIT);
    TU_ASSERT_WITHIN_SE("mean of rng_uniform_pos", spos / n, 0.5, se, SE_LIMIT);

    gsl_rng *mt = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_FATAL(mt != NULL);
    rng_seed_stream(mt, 2022, 3);
    out_pos = 0;
    for (int i = 0; i < 100000; i++) {
        double w = rng_uniform_pos(mt);
        out_pos += !(w > 0.0 && w < 1.0);
    }
    CU_ASSERT_EQUAL(out_pos, 0);
    gsl_rng_free(mt);
    gsl_rng_free(r);
}

static void test_mix64(void)
{
    /* rng_mix64(x) is the first splitmix64 output from x - gamma. */
    uint64_t x = 0;
    CU_ASSERT_EQUAL(ref_splitmix64_next(&x), UINT64_C(0xe220a8397b1dcdaf));
    CU_ASSERT_EQUAL(rng_mix64(UINT64_C(0x9e3779b97f4a7c15)), UINT64_C(0xe220a8397b1dcdaf));
    CU_ASSERT_EQUAL(rng_mix64(0), 0);
    const uint64_t probes[] = {1, 137, UINT64_C(0x2385), UINT64_C(0xdeadbeefcafef00d), ~UINT64_C(0)};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        uint64_t y = probes[i] - UINT64_C(0x9e3779b97f4a7c15);
        CU_ASSERT_EQUAL(rng_mix64(probes[i]), ref_splitmix64_next(&y));
    }
}

/* The reproducibility contract of rng.h, rebuilt from the reference
 * splitmix64 only. */
static void test_seed_stream_contract(void)
{
    const uint64_t seeds[] = {0, 2022, UINT64_C(0xfedcba9876543210)};
    const uint64_t streams[] = {0, 1, 137, ~UINT64_C(0)};
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    CU_ASSERT_FATAL(r != NULL);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++) {
            uint64_t sm = streams[j];
            uint64_t x0 = seeds[i] ^ ref_splitmix64_next(&sm);
            uint64_t want[4];
            for (int w = 0; w < 4; w++)
                want[w] = ref_splitmix64_next(&x0);
            rng_seed_stream(r, seeds[i], streams[j]);
            CU_ASSERT_EQUAL(memcmp(gsl_rng_state(r), want, sizeof want), 0);
        }
    gsl_rng_free(r);
}

/* The stream rule: 2 rep for parameters, 2 rep + 1 for chance, and
 * rng_seed_rep seeds exactly that stream; the manifests' wording says the
 * same. */
static void test_stream_rule(void)
{
    CU_ASSERT_EQUAL(rng_stream(0, RNG_PARAMS), 0);
    CU_ASSERT_EQUAL(rng_stream(0, RNG_CHANCE), 1);
    CU_ASSERT_EQUAL(rng_stream(137, RNG_PARAMS), 274);
    CU_ASSERT_EQUAL(rng_stream(137, RNG_CHANCE), 275);
    CU_ASSERT_EQUAL(rng_stream(UINT64_C(0x7fffffffffffffff), RNG_CHANCE), ~UINT64_C(0));
    gsl_rng *a = gsl_rng_alloc(rng_xoshiro256pp), *b = gsl_rng_alloc(rng_xoshiro256pp);
    CU_ASSERT_FATAL(a != NULL && b != NULL);
    rng_seed_rep(a, 2022, 2385, RNG_PARAMS);
    rng_seed_stream(b, 2022, 4770);
    CU_ASSERT_EQUAL(memcmp(gsl_rng_state(a), gsl_rng_state(b), gsl_rng_size(a)), 0);
    rng_seed_rep(a, 2022, 2385, RNG_CHANCE);
    rng_seed_stream(b, 2022, 4771);
    CU_ASSERT_EQUAL(memcmp(gsl_rng_state(a), gsl_rng_state(b), gsl_rng_size(a)), 0);
    gsl_rng_free(a);
    gsl_rng_free(b);
    CU_ASSERT_STRING_EQUAL(RNG_STREAM_RULE, "replication i draws parameters from stream 2i and "
                                            "chance from stream 2i+1");
    CU_ASSERT_STRING_EQUAL(RNG_GENERATOR, "xoshiro256++ (tiersim rng.c, seeded by splitmix64 "
                                          "of seed and stream)");
}

static int same_outputs(gsl_rng *a, gsl_rng *b, int n)
{
    int same = 1;
    for (int i = 0; i < n; i++)
        same &= gsl_rng_get(a) == gsl_rng_get(b);
    return same;
}

static void test_seed_stream_determinism(void)
{
    const gsl_rng_type *types[2] = {rng_xoshiro256pp, gsl_rng_mt19937};
    for (int t = 0; t < 2; t++) {
        gsl_rng *a = gsl_rng_alloc(types[t]), *b = gsl_rng_alloc(types[t]);
        CU_ASSERT_FATAL(a != NULL && b != NULL);

        rng_seed_stream(a, 2022, 5);
        rng_seed_stream(b, 2022, 5);
        CU_ASSERT(same_outputs(a, b, 1000));
        /* Reseeding restarts the stream. */
        rng_seed_stream(a, 2022, 5);
        rng_seed_stream(b, 2022, 5);
        CU_ASSERT(same_outputs(a, b, 10));

        rng_seed_stream(a, 2022, 5);
        rng_seed_stream(b, 2022, 6);
        CU_ASSERT(!same_outputs(a, b, 10));
        rng_seed_stream(a, 2022, 5);
        rng_seed_stream(b, 2023, 5);
        CU_ASSERT(!same_outputs(a, b, 10));
        /* seed and stream must not commute. */
        rng_seed_stream(a, 5, 2022);
        rng_seed_stream(b, 2022, 5);
        CU_ASSERT(!same_outputs(a, b, 10));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }

    /* Other GSL types get gsl_rng_set(r, mix(x0) & 0xffffffff). */
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_FATAL(a != NULL && b != NULL);
    const uint64_t x0 = UINT64_C(2022) ^ rng_mix64(UINT64_C(137) + UINT64_C(0x9e3779b97f4a7c15));
    rng_seed_stream(a, 2022, 137);
    gsl_rng_set(b, (unsigned long)(rng_mix64(x0) & 0xffffffffu));
    CU_ASSERT(same_outputs(a, b, 1000));
    gsl_rng_free(a);
    gsl_rng_free(b);

    /* gsl_rng_set on xoshiro is deterministic too (GSL seeds every new
     * generator with gsl_rng_default_seed). */
    a = gsl_rng_alloc(rng_xoshiro256pp);
    b = gsl_rng_alloc(rng_xoshiro256pp);
    CU_ASSERT_FATAL(a != NULL && b != NULL);
    CU_ASSERT(same_outputs(a, b, 100));
    gsl_rng_set(a, 2385);
    gsl_rng_set(b, 2385);
    CU_ASSERT(same_outputs(a, b, 100));
    gsl_rng_set(b, 2386);
    CU_ASSERT(!same_outputs(a, b, 10));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* ---- sampler checks ---------------------------------------------------- */

typedef struct {
    int poisson;    /* 0: Binomial(n, p); 1: Poisson(mu) */
    uint64_t n;
    double p;
    double mu;
} dist;

static uint64_t draw(gsl_rng *r, const dist *d)
{
    return d->poisson ? rng_poisson(r, d->mu) : rng_binomial(r, d->p, d->n);
}

static double dist_mean(const dist *d)
{
    return d->poisson ? d->mu : (double)d->n * d->p;
}

static double dist_var(const dist *d)
{
    return d->poisson ? d->mu : (double)d->n * d->p * (1.0 - d->p);
}

/* mu4 - sigma^4, which makes Var(sample variance) ~ (mu4 - sigma^4) / N:
 * Poisson mu4 = mu + 3 mu^2; binomial mu4 = npq (1 + 3 (n - 2) pq). */
static double dist_var_of_var(const dist *d)
{
    if (d->poisson)
        return d->mu + 2.0 * d->mu * d->mu;
    const double pq = d->p * (1.0 - d->p), v = (double)d->n * pq;
    return v * (1.0 - 6.0 * pq) + 2.0 * v * v;
}

static void describe(char *buf, size_t size, const dist *d, const gsl_rng *r)
{
    if (d->poisson)
        snprintf(buf, size, "Poisson(%.10g) [%s]", d->mu, gsl_rng_name(r));
    else
        snprintf(buf, size, "Binomial(n=%llu, p=%.10g) [%s]", (unsigned long long)d->n, d->p,
                 gsl_rng_name(r));
}

/* Sample mean and variance within SE_LIMIT standard errors.  The draws are
 * shifted by an integer near the mean, so the sums keep their precision for
 * n near 2^62.  Also counts binomial draws above n and odd draws: for the
 * huge cases an odd share far from 1/2 means k was computed in doubles that
 * cannot hold it. */
static void check_moments_n(gsl_rng *r, const dist *d, long draws, int check_parity)
{
    char what[160], label[220];
    describe(what, sizeof what, d, r);

    const double mean = dist_mean(d), var = dist_var(d);
    const uint64_t shift = (uint64_t)floor(mean);
    double s1 = 0.0, s2 = 0.0;
    long above_n = 0, odd = 0;
    for (long i = 0; i < draws; i++) {
        const uint64_t k = draw(r, d);
        if (!d->poisson && k > d->n)
            above_n++;
        odd += (long)(k & 1);
        const double x = k >= shift ? (double)(k - shift) : -(double)(shift - k);
        s1 += x;
        s2 += x * x;
    }
    const double m = s1 / draws;
    const double v = (s2 - draws * m * m) / (draws - 1);

    CU_ASSERT_EQUAL(above_n, 0);
    snprintf(label, sizeof label, "mean of %s", what);
    TU_ASSERT_WITHIN_SE(label, m, mean - (double)shift, sqrt(var / draws), SE_LIMIT);
    snprintf(label, sizeof label, "variance of %s", what);
    TU_ASSERT_WITHIN_SE(label, v, var, sqrt(dist_var_of_var(d) / draws), SE_LIMIT);
    if (check_parity) {
        snprintf(label, sizeof label, "odd share of %s", what);
        TU_ASSERT_WITHIN_SE(label, (double)odd / draws, 0.5, sqrt(0.25 / draws), SE_LIMIT);
    }
}

static void check_moments(gsl_rng *r, const dist *d)
{
    check_moments_n(r, d, N_MOMENTS, 0);
}

static double dist_pmf(const dist *d, uint64_t k)
{
    return d->poisson ? gsl_ran_poisson_pdf((unsigned)k, d->mu)
                      : gsl_ran_binomial_pdf((unsigned)k, d->p, (unsigned)d->n);
}

/* The pooled chi-square test of both samplers' checks: counts[i] observed
 * where N_CHISQ * mass[i] were expected; adjacent bins are pooled until each
 * expects at least 5, a short last pool joining the one before. */
static void pooled_chisq(const char *what, const long *counts, const double *mass, size_t n)
{
    double stat = 0.0, obs = 0.0, expct = 0.0, last_obs = 0.0, last_exp = 0.0;
    int bins = 0;
    for (size_t i = 0; i < n; i++) {
        obs += (double)counts[i];
        expct += N_CHISQ * mass[i];
        if (expct >= 5.0) {
            if (bins > 0)
                stat += (last_obs - last_exp) * (last_obs - last_exp) / last_exp;
            last_obs = obs;
            last_exp = expct;
            obs = expct = 0.0;
            bins++;
        }
    }
    last_obs += obs;
    last_exp += expct;
    stat += (last_obs - last_exp) * (last_obs - last_exp) / last_exp;

    CU_ASSERT_FATAL(bins >= 2);
    const double crit = gsl_cdf_chisq_Qinv(CHISQ_ALPHA, bins - 1);
    CU_ASSERT(stat <= crit);
    if (stat > crit)
        fprintf(stderr, "\n  chi-square of %s: %.2f on %d df, critical value %.2f\n", what,
                stat, bins - 1, crit);
}

/* Chi-square goodness of fit of N_CHISQ draws to the whole pmf.  Bins run
 * over 0..kmax plus one for everything above; adjacent bins are pooled until
 * each expects at least 5, a short last pool joining the one before. */
static void check_chisq(gsl_rng *r, const dist *d)
{
    char what[160];
    describe(what, sizeof what, d, r);

    double kmax_d = ceil(dist_mean(d) + 12.0 * sqrt(dist_var(d)) + 20.0);
    if (!d->poisson && kmax_d > (double)d->n)
        kmax_d = (double)d->n;
    const size_t kmax = (size_t)kmax_d;
    long *counts = calloc(kmax + 2, sizeof *counts);
    CU_ASSERT_FATAL(counts != NULL);
    for (long i = 0; i < N_CHISQ; i++) {
        const uint64_t k = draw(r, d);
        counts[k > kmax ? kmax + 1 : k]++;
    }

    const double tail = d->poisson ? gsl_cdf_poisson_Q((unsigned)kmax, d->mu)
                                   : gsl_cdf_binomial_Q((unsigned)kmax, d->p, (unsigned)d->n);
    double *mass = malloc((kmax + 2) * sizeof *mass);
    CU_ASSERT_FATAL(mass != NULL);
    for (size_t k = 0; k <= kmax + 1; k++)
        mass[k] = k <= kmax ? dist_pmf(d, k) : tail;
    pooled_chisq(what, counts, mass, kmax + 2);
    free(mass);
    free(counts);
}

static dist binom(uint64_t n, double p)
{
    dist d = {0, n, p, 0.0};
    return d;
}

static dist pois(double mu)
{
    dist d = {1, 0, 0.0, mu};
    return d;
}

/* ---- binomial ---------------------------------------------------------- */

static void test_binomial_edges(void)
{
    gsl_rng *r = xo_alloc(2022, 11);
    CU_ASSERT_FATAL(r != NULL);
    const uint64_t big = UINT64_C(1) << 62;
    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        bad += rng_binomial(r, 0.2385, 0) != 0;
        bad += rng_binomial(r, 1.0, 0) != 0;
        bad += rng_binomial(r, 0.0, 137) != 0;
        bad += rng_binomial(r, 0.0, big) != 0;
        bad += rng_binomial(r, 1.0, 137) != 137;
        bad += rng_binomial(r, 1.0, big) != big;
        bad += rng_binomial(r, 1e-300, 137) != 0;
        bad += rng_binomial(r, 0.2385, 1) > 1;
        bad += rng_binomial(r, 0.7615, 1) > 1;
    }
    CU_ASSERT_EQUAL(bad, 0);

    check_moments(r, &(dist){0, 1, 0.2385, 0.0});
    check_moments(r, &(dist){0, 1, 0.7615, 0.0});
    gsl_rng_free(r);
}

/* One case per branch: inversion (n p < 10), BTRS, and both through the
 * p > 1/2 symmetry. */
static void test_binomial_moments(void)
{
    gsl_rng *r = xo_alloc(2022, 12);
    CU_ASSERT_FATAL(r != NULL);
    const dist cases[] = {
        binom(137, 0.0385), binom(137, 0.2385), binom(5000, 0.8125),
        binom(137, 0.9615), binom(21, 0.4765),  binom(9, 0.3719),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_moments(r, &cases[i]);
    gsl_rng_free(r);
}

static void test_binomial_large_n(void)
{
    gsl_rng *r = xo_alloc(2022, 13);
    CU_ASSERT_FATAL(r != NULL);
    const uint64_t big = (UINT64_C(1) << 62) - 1;
    check_moments(r, &(dist){0, UINT64_C(4000000000000), 3.1e-7, 0.0});
    check_moments_n(r, &(dist){0, UINT64_C(1) << 40, 0.3719, 0.0}, N_MOMENTS, 1);
    check_moments_n(r, &(dist){0, big, 0.2385, 0.0}, N_MOMENTS, 1);
    check_moments_n(r, &(dist){0, big, 0.8125, 0.0}, N_MOMENTS, 1);
    /* Tiny p with huge n, in each branch: n p = 5.07 and 14.3. */
    check_moments(r, &(dist){0, big, 1.1e-18, 0.0});
    check_moments(r, &(dist){0, big, 3.1e-18, 0.0});
    gsl_rng_free(r);
}

static void test_binomial_chisq(void)
{
    gsl_rng *r = xo_alloc(2022, 14);
    CU_ASSERT_FATAL(r != NULL);
    /* The smallest BTRS cases (n p just above 10) are where its hat is
     * tightest. */
    const dist cases[] = {
        binom(137, 0.0385), binom(137, 0.2385),   binom(21, 0.4765),  binom(1013, 0.00993),
        binom(44, 0.5),     binom(137, 0.9615),   binom(5000, 0.8125), binom(9, 0.3719),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_chisq(r, &cases[i]);
    gsl_rng_free(r);
}

/* BTRS's rejection test, log f(m + j) - log f(m), against lgammal in long
 * double (good to ~2e-14 for n below 1e6), relative to the larger of 1
 * and a thousandth of the value: below LF_TABLE the table's form within
 * 1e-12 (measured 4e-13) -- the Stirling form with fc's three terms is
 * 4.6e-11 off on these cases, so this fails if the table is not used --
 * and the Stirling form beyond within 1e-10 (measured 4.7e-13). */
static long double ref_log_ratio(double n, double p, double m, double jd)
{
    const long double q = 1.0L - (long double)p, k = (long double)m + jd;
    return lgammal((long double)m + 1.0L) + lgammal((long double)n - m + 1.0L) -
           lgammal(k + 1.0L) - lgammal((long double)n - k + 1.0L) +
           (long double)jd * logl((long double)p / q);
}

static void test_btrs_log_ratio(void)
{
    static const double ns[] = {21, 44, 137, 1013, 5000, 16383, 16384, 20000, 300000};
    static const double ps[] = {0.00993, 0.0385, 0.2385, 0.4765, 0.5};
    double worst_table = 0.0, worst_stirling = 0.0;
    int table_cases = 0, stirling_cases = 0;
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
            const double n = ns[i], p = ps[j], q = 1.0 - p;
            if (n * p < 10.0)
                continue;
            const double mp = (n + 1.0) * p, md = floor(mp), nm = n - md, sd = sqrt(n * p * q);
            btrs_test bt;
            btrs_test_init(&bt, p, q, md, nm, mp - md);
            CU_ASSERT_EQUAL(bt.table, n < LF_TABLE);
            const double offs[] = {-md, -md + 1.0, -floor(4.0 * sd), -1.0, 0.0, 1.0,
                                   floor(4.0 * sd), nm - 1.0, nm};
            for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++) {
                const double jd = offs[o];
                if (jd < -md || jd > nm)
                    continue;
                const long double ref = ref_log_ratio(n, p, md, jd);
                const double err = fabs((double)((long double)btrs_log_ratio(&bt, md, nm, jd) - ref)) /
                                   fmax(1.0, fabs((double)ref) * 1e-3);
                if (n < LF_TABLE) {
                    worst_table = fmax(worst_table, err);
                    table_cases++;
                } else {
                    worst_stirling = fmax(worst_stirling, err);
                    stirling_cases++;
                }
            }
        }
    CU_ASSERT(table_cases > 60 && stirling_cases > 20);
    CU_ASSERT(worst_table <= 1e-12);
    CU_ASSERT(worst_stirling <= 1e-10);
    if (getenv("BTRS_SHOW") || worst_table > 1e-12 || worst_stirling > 1e-10)
        fprintf(stderr, "btrs_log_ratio: table %.3g, Stirling %.3g\n", worst_table, worst_stirling);
}

static void test_binomial_mt19937(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_FATAL(r != NULL);
    rng_seed_stream(r, 2022, 15);
    const dist inv = binom(137, 0.0385), btrs = binom(137, 0.2385), flip = binom(5000, 0.8125);
    check_moments(r, &inv);
    check_moments(r, &btrs);
    check_moments(r, &flip);
    check_chisq(r, &inv);
    check_chisq(r, &btrs);
    gsl_rng_free(r);
}

/* ---- Poisson ----------------------------------------------------------- */

static void test_poisson_edges(void)
{
    gsl_rng *r = xo_alloc(2022, 21);
    CU_ASSERT_FATAL(r != NULL);
    int bad = 0;
    for (int i = 0; i < 1000; i++)
        bad += rng_poisson(r, 0.0) != 0;
    CU_ASSERT_EQUAL(bad, 0);
    gsl_rng_free(r);
}

/* Both sides of the switch at mu = 10 and well inside PTRS. */
static void test_poisson_moments(void)
{
    gsl_rng *r = xo_alloc(2022, 22);
    CU_ASSERT_FATAL(r != NULL);
    const double mus[] = {0.3719, 7.25, 9.9973, 10.0, 37.9, 1234.5};
    for (size_t i = 0; i < sizeof mus / sizeof mus[0]; i++)
        check_moments(r, &(dist){1, 0, 0.0, mus[i]});
    gsl_rng_free(r);
}

static void test_poisson_large_mu(void)
{
    gsl_rng *r = xo_alloc(2022, 23);
    CU_ASSERT_FATAL(r != NULL);
    check_moments_n(r, &(dist){1, 0, 0.0, 3.3e9}, N_MOMENTS, 1);
    check_moments_n(r, &(dist){1, 0, 0.0, 0x1.0p52 - 0.75}, N_MOMENTS, 1);
    gsl_rng_free(r);
}

static void test_poisson_chisq(void)
{
    gsl_rng *r = xo_alloc(2022, 24);
    CU_ASSERT_FATAL(r != NULL);
    const double mus[] = {0.3719, 7.25, 10.0, 37.9, 1234.5};
    for (size_t i = 0; i < sizeof mus / sizeof mus[0]; i++)
        check_chisq(r, &(dist){1, 0, 0.0, mus[i]});
    gsl_rng_free(r);
}

static void test_poisson_mt19937(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_FATAL(r != NULL);
    rng_seed_stream(r, 2022, 25);
    const dist small = pois(7.25), large = pois(37.9);
    check_moments(r, &small);
    check_moments(r, &large);
    check_chisq(r, &small);
    check_chisq(r, &large);
    gsl_rng_free(r);
}

/* ---- hypergeometric ---------------------------------------------------- */

/* Tighter than SE_LIMIT: every case here has one fixed seed. */
#define HYPER_SE_LIMIT 4.0

typedef struct {
    uint64_t n1, n2, t;
} hyper;

static void describe_hyper(char *buf, size_t size, const hyper *h, const gsl_rng *r)
{
    snprintf(buf, size, "Hypergeometric(n1=%llu, n2=%llu, t=%llu) [%s]",
             (unsigned long long)h->n1, (unsigned long long)h->n2, (unsigned long long)h->t,
             gsl_rng_name(r));
}

static uint64_t hyper_lo(const hyper *h)
{
    return h->t > h->n2 ? h->t - h->n2 : 0;
}

static uint64_t hyper_hi(const hyper *h)
{
    return h->t < h->n1 ? h->t : h->n1;
}

/* Mean t n1 / N and variance t (n1 / N)(n2 / N)(N - t) / (N - 1). */
static double hyper_mean(const hyper *h)
{
    return (double)h->t * (double)h->n1 / (double)(h->n1 + h->n2);
}

static double hyper_var(const hyper *h)
{
    const double N = (double)(h->n1 + h->n2);
    return (double)h->t * ((double)h->n1 / N) * ((double)h->n2 / N) * (N - (double)h->t) /
           (N - 1.0);
}

/* Mean and variance within HYPER_SE_LIMIT standard errors, the variance's
 * standard error from the sample's own fourth central moment (the
 * hypergeometric's mu4 has no short closed form), and no draw outside the
 * support max(0, t - n2) .. min(t, n1). */
static void check_hyper_moments(gsl_rng *r, const hyper *h, long draws)
{
    char what[200], label[260];
    describe_hyper(what, sizeof what, h, r);

    const double mean = hyper_mean(h), var = hyper_var(h);
    const uint64_t lo = hyper_lo(h), hi = hyper_hi(h);
    long outside = 0;
    double *x = malloc((size_t)draws * sizeof *x);
    CU_ASSERT_FATAL(x != NULL);
    double s1 = 0.0;
    for (long i = 0; i < draws; i++) {
        const uint64_t k = rng_hypergeometric(r, h->n1, h->n2, h->t);
        outside += k < lo || k > hi;
        x[i] = (double)k - mean;
        s1 += x[i];
    }
    const double m = s1 / draws;
    double s2 = 0.0, s4 = 0.0;
    for (long i = 0; i < draws; i++) {
        const double d = x[i] - m, d2 = d * d;
        s2 += d2;
        s4 += d2 * d2;
    }
    free(x);
    const double v = s2 / (draws - 1), mu4 = s4 / draws;

    CU_ASSERT_EQUAL(outside, 0);
    snprintf(label, sizeof label, "mean of %s", what);
    TU_ASSERT_WITHIN_SE(label, m, 0.0, sqrt(var / draws), HYPER_SE_LIMIT);
    /* Where one draw in `draws` is expected off the mean, the sample
     * variance is most likely 0: nothing to compare. */
    if (var * draws >= 10.0) {
        snprintf(label, sizeof label, "variance of %s", what);
        /* Var(s^2) = (mu4 - var^2) / n + 2 var^2 / (n (n - 1)); the second
         * term keeps it positive where mu4 = var^2 (a fair Bernoulli). */
        const double dn = (double)draws;
        const double se =
            sqrt(fmax(mu4 - var * var, 0.0) / dn + 2.0 * var * var / (dn * (dn - 1.0)));
        TU_ASSERT_WITHIN_SE(label, v, var, se, HYPER_SE_LIMIT);
    }
}

/* Chi-square goodness of fit of N_CHISQ draws to gsl_ran_hypergeometric_pdf
 * over the whole support, pooled as in check_chisq; a draw outside the
 * support fails by itself. */
static void check_hyper_chisq(gsl_rng *r, const hyper *h)
{
    char what[200];
    describe_hyper(what, sizeof what, h, r);
    const uint64_t lo = hyper_lo(h), hi = hyper_hi(h);
    const size_t width = (size_t)(hi - lo + 1);
    long *counts = calloc(width, sizeof *counts);
    CU_ASSERT_FATAL(counts != NULL);
    long outside = 0;
    for (long i = 0; i < N_CHISQ; i++) {
        const uint64_t k = rng_hypergeometric(r, h->n1, h->n2, h->t);
        if (k < lo || k > hi)
            outside++;
        else
            counts[k - lo]++;
    }
    CU_ASSERT_EQUAL(outside, 0);
    double *mass = malloc(width * sizeof *mass);
    CU_ASSERT_FATAL(mass != NULL);
    for (size_t i = 0; i < width; i++)
        mass[i] = gsl_ran_hypergeometric_pdf((unsigned)(lo + i), (unsigned)h->n1,
                                             (unsigned)h->n2, (unsigned)h->t);
    pooled_chisq(what, counts, mass, width);
    free(mass);
    free(counts);
}

/* The brief's sets and each symmetry branch: n1 > n2 (swap), t > N / 2
 * (complement), both, a mode at the support's lower edge (3 of 100003) and
 * at its upper one, t near N, t - n2 > 0 (support not starting at 0), and
 * both sides of HYPER_SMALL = 64 (the product set-up below, the mode's
 * height above) and of the product's chunks of 16. */
static const hyper hyper_cases[] = {
    {5, 7, 6},        {137, 2385, 400}, {7000, 3000, 1500}, {3, 100000, 50000},
    {3000, 7000, 8500}, {40, 60, 97},   {60, 40, 99},       {1, 1, 1},
    {2, 3, 4},        {500, 500, 500},  {12, 900, 5},       {900, 12, 905},
    {16, 500, 40},    {17, 500, 17},    {30, 34, 16},       {300, 40, 17},
    {64, 500, 140},   {65, 500, 65},    {60, 70, 63},       {300, 90, 65},
    /* Either side of LF_TABLE = 16384 for both set-ups: the table below
     * (f(0) past one block of sixteen, f(mode)), the formulas beyond. */
    {40, 16000, 100}, {40, 20000, 100}, {5000, 11000, 900}, {20000, 30000, 400},
};

static void test_hyper_edges(void)
{
    gsl_rng *r = xo_alloc(2022, 31);
    CU_ASSERT_FATAL(r != NULL);
    const uint64_t big = UINT64_C(1) << 62;
    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        bad += rng_hypergeometric(r, 137, 2385, 0) != 0;
        bad += rng_hypergeometric(r, 0, 2385, 400) != 0;
        bad += rng_hypergeometric(r, 137, 0, 100) != 100;
        bad += rng_hypergeometric(r, 137, 2385, 2522) != 137;
        bad += rng_hypergeometric(r, 0, 0, 0) != 0;
        bad += rng_hypergeometric(r, big, big, 2 * big) != big;
        bad += rng_hypergeometric(r, big, 0, big) != big;
        bad += rng_hypergeometric(r, 1, big, 0) != 0;
        /* One left out: the type-1 count is n1 or n1 - 1. */
        const uint64_t k = rng_hypergeometric(r, 137, 2385, 2521);
        bad += k != 137 && k != 136;
        bad += rng_hypergeometric(r, 1, 1, 1) > 1;
        /* The support's edges when t > n2: exactly 3 or 4 of 5. */
        const uint64_t j = rng_hypergeometric(r, 5, 2, 6);
        bad += j < 4 || j > 5;
    }
    CU_ASSERT_EQUAL(bad, 0);
    gsl_rng_free(r);
}

static void test_hyper_moments(void)
{
    gsl_rng *r = xo_alloc(2022, 32);
    CU_ASSERT_FATAL(r != NULL);
    for (size_t i = 0; i < sizeof hyper_cases / sizeof hyper_cases[0]; i++)
        check_hyper_moments(r, &hyper_cases[i], N_MOMENTS);
    gsl_rng_free(r);
}

/* Counts beyond 2^32 (which gsl_ran_hypergeometric cannot take) and near
 * 2^62, where log-factorials by lgamma would have lost every digit; with
 * sds of a few hundred to ~2e4, so fewer draws. */
static void test_hyper_large(void)
{
    gsl_rng *r = xo_alloc(2022, 33);
    CU_ASSERT_FATAL(r != NULL);
    const uint64_t g = UINT64_C(1) << 32;
    const hyper cases[] = {
        {3 * g, 5 * g, 100000},
        {UINT64_C(1) << 61, UINT64_C(1) << 62, 1000000},
        {UINT64_C(1) << 40, UINT64_C(1) << 62, UINT64_C(1) << 42},
        {7, UINT64_C(1) << 62, UINT64_C(1) << 60},
        /* The product set-up with N near 2^64, where unscaled products of
         * sixteen factors would overflow. */
        {UINT64_C(1) << 63, (UINT64_C(1) << 63) - 1, 40},
        {10, UINT64_MAX - 10, 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_hyper_moments(r, &cases[i], 20000);
    gsl_rng_free(r);
}

static void test_hyper_chisq(void)
{
    gsl_rng *r = xo_alloc(2022, 34);
    CU_ASSERT_FATAL(r != NULL);
    for (size_t i = 0; i < sizeof hyper_cases / sizeof hyper_cases[0]; i++)
        check_hyper_chisq(r, &hyper_cases[i]);
    gsl_rng_free(r);
}

static void test_hyper_mt19937(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_FATAL(r != NULL);
    rng_seed_stream(r, 2022, 35);
    const hyper h = {137, 2385, 400};
    check_hyper_moments(r, &h, N_MOMENTS);
    check_hyper_chisq(r, &h);
    gsl_rng_free(r);
}

/* Same seed, same sequence; another stream, another one. */
static void test_hyper_determinism(void)
{
    gsl_rng *a = xo_alloc(2022, 36), *b = xo_alloc(2022, 36), *c = xo_alloc(2022, 37);
    CU_ASSERT_FATAL(a != NULL && b != NULL && c != NULL);
    int same = 1, differ = 0;
    for (size_t i = 0; i < 1000; i++) {
        const hyper *h = &hyper_cases[i % (sizeof hyper_cases / sizeof hyper_cases[0])];
        const uint64_t ka = rng_hypergeometric(a, h->n1, h->n2, h->t);
        same &= ka == rng_hypergeometric(b, h->n1, h->n2, h->t);
        differ |= ka != rng_hypergeometric(c, h->n1, h->n2, h->t);
    }
    CU_ASSERT(same);
    CU_ASSERT(differ);
    CU_ASSERT_EQUAL(memcmp(gsl_rng_state(a), gsl_rng_state(b), gsl_rng_size(a)), 0);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

/* ---- the log-factorial table ------------------------------------------ */

/* log n! as hi + lo from 60-digit sums of Python's decimal ln (shared by
 * nothing else: computed once, for this test). */
static const struct {
    int n;
    double hi, lo;
} lf_refs[] = {
    {2, 0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56},
    {3, 0x1.cab0bfa2a2002p+0, 0x1.9136fea076849p-55},
    {10, 0x1.e357590954d15p+3, -0x1.510357c26784bp-51},
    {100, 0x1.6bbd47b7669b6p+8, 0x1.6eb1b21493d81p-46},
    {1000, 0x1.71820d04e2eb6p+12, 0x1.66e28b9e97936p-42},
    {4095, 0x1.d4495238c494bp+14, -0x1.71a3204acb3d3p-42},
    {5000, 0x1.25ae4979fed8dp+15, -0x1.0ac51ff6292eep-39},
    {10000, 0x1.40bced86b6a5bp+16, -0x1.ddf2070f1934ap-39},
    {16383, 0x1.1685b2824d13fp+17, 0x1.0ef77e3027eaep-37},
};

/* Within 1e-19 of the exact log n! (measured: 3.3e-20 at most), |lo| at
 * most half an ulp of hi, and each entry log n more than the last to
 * within its rounding.  A table summed from logl(k) lost 1.7e-15 by 16383,
 * ten thousand times the bound. */
static void test_lf_table(void)
{
    double worst = 0.0;
    for (size_t i = 0; i < sizeof lf_refs / sizeof lf_refs[0]; i++) {
        const double *v = rng_lf[lf_refs[i].n];
        const double err = fabs((v[0] - lf_refs[i].hi) + (v[1] - lf_refs[i].lo));
        worst = err > worst ? err : worst;
    }
    CU_ASSERT(worst <= 1e-19);
    CU_ASSERT(rng_lf[0][0] == 0.0 && rng_lf[1][0] == 0.0);
    int normal = 1, steps = 1;
    for (int n = 2; n < LF_TABLE; n++) {
        normal &= fabs(rng_lf[n][1]) <= 0.5 * (nextafter(rng_lf[n][0], INFINITY) - rng_lf[n][0]);
        const double d = (rng_lf[n][0] - rng_lf[n - 1][0]) + (rng_lf[n][1] - rng_lf[n - 1][1]);
        steps &= fabs(d - log((double)n)) <= 4e-16 * log((double)n) + 2e-11;
    }
    CU_ASSERT(normal);
    CU_ASSERT(steps);
}

/* The pmf heights the hypergeometric samplers start from, by the table
 * (below LF_TABLE), over a grid of the engine's sizes: f(mode) as Loader's
 * pmf gives it (to its 1e-15; measured 4.4e-16), f(0) as a long double
 * product of hyper_small's factors gives it (to 4e-16: exp's rounding and
 * the product's 1e-16; measured 2.0e-16, and 4e-14 if lf_exp drops the
 * low word), and the pmf summed from f(mode) by the ratios is 1.  A sign
 * or a term wrong is off by orders of magnitude. */
static double loader_height(double m, double n1, double n2, double t)
{
    const double N = n1 + n2, p = t / N, q = (N - t) / N;
    double acc = 0.0, prod = 1.0;
    int n2pi = 0;
    add_log_binom(m, n1, p, q, 1, &acc, &prod, &n2pi);
    add_log_binom(t - m, n2, p, q, 1, &acc, &prod, &n2pi);
    add_log_binom(t, N, p, q, -1, &acc, &prod, &n2pi);
    return exp(acc - n2pi * HALF_LOG_2PI) / sqrt(prod);
}

static void test_hyper_heights(void)
{
    static const double sizes[] = {1, 2, 17, 64, 65, 300, 1000, 4000, 8191};
    const size_t ns = sizeof sizes / sizeof sizes[0];
    double worst_loader = 0.0, worst_product = 0.0, worst_sum = 0.0;
    for (size_t i = 0; i < ns; i++)
        for (size_t j = i; j < ns; j++)
            for (double frac = 0.05; frac < 0.5; frac += 0.15) {
                const double n1 = sizes[i], n2 = sizes[j], N = n1 + n2;
                const double t = floor(frac * N) > 0 ? floor(frac * N) : 1.0;
                const double hi = t < n1 ? t : n1;
                const double mq = floor((t + 1.0) * (n1 + 1.0) / (N + 2.0));
                const double m = mq < hi ? mq : hi;
                if (N >= LF_TABLE || t > N / 2)
                    continue;
                const double fm = hyper_height(m, n1, n2, t, (N - t) / N);
                const double ld = loader_height(m, n1, n2, t);
                worst_loader = fmax(worst_loader, fabs(fm / ld - 1.0));
                /* f(0), as hyper_small takes it: a = N - max(t, n1). */
                const double a = N - (t < n1 ? n1 : t);
                long double prodv = 1.0L;
                for (double k = 0.0; k < hi; k += 1.0)
                    prodv *= ((long double)a - k) / ((long double)N - k);
                if (prodv > 1e-300L)
                    worst_product = fmax(worst_product,
                                         fabs((double)(hyper_zero_height(a, N, hi) / prodv - 1.0L)));
                /* The whole pmf from f(m) by the ratios sums to 1. */
                double sum = fm, f = fm;
                for (double k = m; k < hi; k += 1.0) {
                    f *= (n1 - k) * (t - k) / ((k + 1.0) * (n2 - t + k + 1.0));
                    sum += f;
                }
                f = fm;
                for (double k = m; k > 0.0; k -= 1.0) {
                    f *= k * (n2 - t + k) / ((n1 - k + 1.0) * (t - k + 1.0));
                    sum += f;
                }
                worst_sum = fmax(worst_sum, fabs(sum - 1.0));
            }
    CU_ASSERT(worst_loader <= 4e-15);
    CU_ASSERT(worst_product <= 4e-16);
    CU_ASSERT(worst_sum <= 1e-12);
    /* Beyond the table, the formula: Loader's exactly. */
    CU_ASSERT(hyper_height(900.0, 20000.0, 30000.0, 2250.0, (50000.0 - 2250.0) / 50000.0) ==
              loader_height(900.0, 20000.0, 30000.0, 2250.0));
}

int main(void)
{
    static const tu_test t[] = {
        {"xoshiro256++ type", test_xoshiro_type},
        {"xoshiro256++ matches the reference", test_xoshiro_reference},
        {"uniform ranges", test_uniform_ranges},
        {"rng_mix64 is splitmix64's finaliser", test_mix64},
        {"rng_seed_stream contract", test_seed_stream_contract},
        {"rng_seed_stream determinism", test_seed_stream_determinism},
        {"rng_stream: 2 rep and 2 rep + 1", test_stream_rule},
        {"binomial edge cases", test_binomial_edges},
        {"binomial moments", test_binomial_moments},
        {"binomial large n", test_binomial_large_n},
        {"binomial chi-square", test_binomial_chisq},
        {"binomial on mt19937", test_binomial_mt19937},
        {"BTRS's test: table and Stirling forms against lgammal", test_btrs_log_ratio},
        {"poisson edge cases", test_poisson_edges},
        {"poisson moments", test_poisson_moments},
        {"poisson large mu", test_poisson_large_mu},
        {"poisson chi-square", test_poisson_chisq},
        {"poisson on mt19937", test_poisson_mt19937},
        {"hypergeometric edge cases", test_hyper_edges},
        {"hypergeometric moments", test_hyper_moments},
        {"hypergeometric large counts", test_hyper_large},
        {"hypergeometric chi-square", test_hyper_chisq},
        {"hypergeometric on mt19937", test_hyper_mt19937},
        {"hypergeometric determinism", test_hyper_determinism},
        {"log-factorial table against 60-digit values", test_lf_table},
        {"hypergeometric pmf heights: table, Loader, product", test_hyper_heights},
        {NULL, NULL},
    };
    return tu_run("rng", t);
}
