/* bench_lanes [CALLS]: binomial, Poisson and hypergeometric variates a second, rng_lanes'
 * paths against the scalar samplers (RNG_PATH_SCALAR: each lane through
 * rng_binomial / rng_poisson / rng_hypergeometric, what the engine calls
 * today), in one
 * invocation, on the draws of the engine's lanes: RNG_LANES replications of
 * one tier in one year, so the lanes of a call share a tier's scale and
 * differ by their parameter draws (here: n and p, or mu, spread +-50 %
 * around the tier's).  The tiers' scales are qingdao.ini's: exits and
 * promotions among a few hundred to ten thousand firms at rates of 1-20 %,
 * small flows (n p < 10), and inflow means of 1 to 4000.  Every path's
 * variates are checked equal to the scalar ones (the sum over all calls). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "rng.h"
#include "rng_lanes.h"

typedef struct {
    int kind;          /* 0 binomial (n firms at rate p), 1 Poisson (mean n), 2 hypergeometric */
    double n, p, t;    /* hypergeometric: t of n + p firms drawn, how many of the n */
} tier_scale;

/* Per replication qingdao.ini draws about 46 binomial, 19 Poisson and 24
 * hypergeometric variates (counted in the engine): the table keeps those
 * proportions. */
static const tier_scale scales[] = {
    {0, 6923, 0.02, 0},  {0, 3000, 0.075, 0}, {0, 320, 0.02, 0},  {0, 97, 0.02, 0},
    {0, 150, 0.1, 0},    {0, 1000, 0.2, 0},   {0, 143, 0.2, 0},   {0, 7, 0.1, 0},
    {0, 40, 0.04, 0},    {0, 2000, 0.65, 0},  {1, 4000, 0, 0},    {1, 1000, 0, 0},
    {1, 280, 0, 0},      {1, 25, 0, 0},       {2, 1000, 2000, 60}, {2, 2985, 3938, 1700},
    {2, 60, 37, 3},      {2, 95, 225, 6},
};
#define N_SCALES (sizeof scales / sizeof *scales)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The parameters of every call, drawn once so that every path samples the
 * same ones. */
typedef struct {
    int kind;
    double p[RNG_LANES];
    uint64_t n[RNG_LANES], n2[RNG_LANES], t[RNG_LANES];
} call;

static double run(rng_path path, const call *calls, long n_calls, uint64_t *sum)
{
    rng_lanes st;
    uint64_t stream[RNG_LANES];
    if (rng_lanes_init(&st) < 0)
        exit(1);
    for (int l = 0; l < RNG_LANES; l++)
        stream[l] = (uint64_t)l;
    rng_lanes_seed(&st, 2022, stream);
    uint64_t out[RNG_LANES], s = 0;
    const double t0 = now();
    for (long c = 0; c < n_calls; c++) {
        if (calls[c].kind == 2)
            rng_lanes_hypergeometric(path, &st, calls[c].n, calls[c].n2, calls[c].t, out);
        else if (calls[c].kind == 1)
            rng_lanes_poisson(path, &st, calls[c].p, out);
        else
            rng_lanes_binomial(path, &st, calls[c].p, calls[c].n, out);
        for (int l = 0; l < RNG_LANES; l++)
            s += out[l];
    }
    const double t1 = now();
    rng_lanes_free(&st);
    *sum = s;
    return t1 - t0;
}

int main(int argc, char **argv)
{
    const long n_calls = argc > 1 ? atol(argv[1]) : 2000000;
    /* A second argument keeps one kind: binomial, poisson or hypergeometric. */
    static const char *const kinds[] = {"binomial", "poisson", "hypergeometric"};
    int only = -1;
    for (int k = 0; argc > 2 && k < 3; k++)
        if (strcmp(argv[2], kinds[k]) == 0)
            only = k;
    if (argc > 2 && only < 0) {
        fprintf(stderr, "usage: bench_lanes [CALLS [binomial|poisson|hypergeometric]]\n");
        return 2;
    }
    call *calls = malloc((size_t)n_calls * sizeof *calls);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    if (!calls || !g || n_calls <= 0)
        return 1;
    for (long c = 0; c < n_calls; c++) {
        const tier_scale *sc = &scales[gsl_rng_uniform_int(g, N_SCALES)];
        while (only >= 0 && sc->kind != only)
            sc = &scales[gsl_rng_uniform_int(g, N_SCALES)];
        calls[c].kind = sc->kind;
        for (int l = 0; l < RNG_LANES; l++) {
            const double f = 0.5 + gsl_rng_uniform(g), h = 0.5 + gsl_rng_uniform(g);
            calls[c].n2[l] = calls[c].t[l] = 0;
            if (sc->kind == 2) {
                calls[c].n[l] = (uint64_t)(sc->n * f);
                calls[c].n2[l] = (uint64_t)(sc->p * h);
                calls[c].t[l] = (uint64_t)(sc->t * (0.5 + gsl_rng_uniform(g)));
                if (calls[c].t[l] > calls[c].n[l] + calls[c].n2[l])
                    calls[c].t[l] = calls[c].n[l] + calls[c].n2[l];
                calls[c].p[l] = 0.0;
            } else if (sc->kind == 1) {
                calls[c].p[l] = sc->n * f;
                calls[c].n[l] = 0;
            } else {
                calls[c].n[l] = (uint64_t)(sc->n * f);
                calls[c].p[l] = sc->p * h > 1.0 ? 1.0 : sc->p * h;
            }
        }
    }
    const double variates = (double)n_calls * RNG_LANES;
    uint64_t ref = 0;
    double base = 0.0;
    printf("lanes: %ld calls x %d lanes of %s draws on qingdao.ini's scales\n", n_calls, RNG_LANES,
           only < 0 ? "binomial, Poisson and hypergeometric" : kinds[only]);
    /* Alternating rounds, the best of three for each path. */
    double best[3] = {0, 0, 0};
    for (int round = 0; round < 3; round++)
        for (int p = RNG_PATH_SCALAR; p <= RNG_PATH_AVX512; p++) {
            if (!rng_path_supported((rng_path)p))
                continue;
            uint64_t sum;
            const double secs = run((rng_path)p, calls, n_calls, &sum);
            if (p == RNG_PATH_SCALAR)
                ref = sum;
            else if (sum != ref) {
                fprintf(stderr, "bench_lanes: path %s gave other variates than the scalar path\n",
                        rng_path_name((rng_path)p));
                return 1;
            }
            if (best[p] == 0.0 || secs < best[p])
                best[p] = secs;
        }
    base = best[RNG_PATH_SCALAR];
    for (int p = RNG_PATH_SCALAR; p <= RNG_PATH_AVX512; p++) {
        if (!rng_path_supported((rng_path)p)) {
            printf("  %-7s not run by this processor\n", rng_path_name((rng_path)p));
            continue;
        }
        printf("  %-7s %8.3f s  %7.2f M variates/s  %5.2fx the scalar samplers (same variates)\n",
               rng_path_name((rng_path)p), best[p], variates / best[p] / 1e6, base / best[p]);
    }
    free(calls);
    gsl_rng_free(g);
    return 0;
}
