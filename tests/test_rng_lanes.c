/* Tests for rng_lanes.c: every path the processor runs gives, lane by lane,
 * the scalar sampler's variate and leaves the lane's stream where the scalar
 * sampler leaves it -- over parameter mixes that put lanes of every route
 * (trivial, inversion, BTRS, flipped p, the scalar route for n >= 2^53;
 * multiplication and PTRS; sequential search and chop-down, each
 * symmetry) side by side in one call, and over the boundaries
 * between the routes.  The samplers' exactness is test_rng's (chi-square
 * against the pmfs); here, that the lanes are the same samplers. */

#include "rng.h"
#include "rng_lanes.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#define CALLS 20000

/* Lane l of st through the scalar sampler, on a copy of the state. */
typedef struct {
    gsl_rng *r[RNG_LANES];
} scalar_lanes;

static void scalar_init(scalar_lanes *sc, uint64_t seed, const uint64_t *stream)
{
    for (int l = 0; l < RNG_LANES; l++) {
        sc->r[l] = gsl_rng_alloc(rng_xoshiro256pp);
        rng_seed_stream(sc->r[l], seed, stream[l]);
    }
}

static void scalar_free(scalar_lanes *sc)
{
    for (int l = 0; l < RNG_LANES; l++)
        gsl_rng_free(sc->r[l]);
}

/* 1 when every lane of st holds the state of sc's generator. */
static int same_states(const rng_lanes *st, const scalar_lanes *sc, gsl_rng *tmp)
{
    for (int l = 0; l < RNG_LANES; l++) {
        rng_lanes_load(st, l, tmp);
        if (memcmp(tmp->state, sc->r[l]->state, 4 * sizeof(uint64_t)) != 0)
            return 0;
    }
    return 1;
}

/* A binomial p and n that exercise the routes and their boundaries. */
static void pick_binomial(gsl_rng *g, double *p, uint64_t *n)
{
    static const double ps[] = {0.0, 1e-300, 1e-9, 0.001, 0.02, 0.0741, 0.25, 0.4999,
                                0.5, 0.5000001, 0.75, 0.98, 0.999, 1.0};
    static const uint64_t ns[] = {0, 1, 2, 9, 10, 11, 19, 20, 21, 99, 100, 137, 1000, 6923,
                                  100000, 1000000000, UINT64_C(1) << 40,
                                  (UINT64_C(1) << 53) - 1, UINT64_C(1) << 53,
                                  (UINT64_C(1) << 53) + 3, UINT64_C(1) << 60};
    const int np = (int)(sizeof ps / sizeof *ps), nn = (int)(sizeof ns / sizeof *ns);
    switch (gsl_rng_uniform_int(g, 4)) {
    case 0: /* grid points */
        *p = ps[gsl_rng_uniform_int(g, (unsigned long)np)];
        *n = ns[gsl_rng_uniform_int(g, (unsigned long)nn)];
        break;
    case 1: /* n p near the inversion/BTRS switch at 10 */
        *n = 20 + gsl_rng_uniform_int(g, 2000);
        *p = (9.0 + 2.0 * gsl_rng_uniform(g)) / (double)*n;
        if (gsl_rng_uniform(g) < 0.5)
            *p = 1.0 - *p;
        break;
    case 2: /* the engine's range: a few thousand firms, rates of a few % */
        *n = gsl_rng_uniform_int(g, 10000);
        *p = gsl_rng_uniform(g) * 0.3;
        break;
    default: /* anything */
        *n = (uint64_t)gsl_rng_uniform_int(g, 1000000) * (gsl_rng_uniform(g) < 0.1 ? 1000 : 1);
        *p = gsl_rng_uniform(g);
        break;
    }
}

static void pick_poisson(gsl_rng *g, double *mu)
{
    static const double mus[] = {0.0, -1.0, 1e-300, 1e-6, 0.5, 1.0, 9.999999, 10.0, 10.000001,
                                 12.5, 100.0, 6923.0, 1e6, 1e12, 0x1.0p52, 0x1.0p62};
    const int nm = (int)(sizeof mus / sizeof *mus);
    switch (gsl_rng_uniform_int(g, 3)) {
    case 0:
        *mu = mus[gsl_rng_uniform_int(g, (unsigned long)nm)];
        break;
    case 1:
        *mu = 8.0 + 4.0 * gsl_rng_uniform(g);
        break;
    default:
        *mu = gsl_rng_uniform(g) * (gsl_rng_uniform(g) < 0.5 ? 30.0 : 5000.0);
        break;
    }
}

/* Hypergeometric counts: the engine's cohort splits (a cohort among a
 * tier's few thousand firms, tens to hundreds drawn), both sides of the
 * HYPER_SMALL switch (64) and of both symmetries, the trivial cases, and
 * totals at and beyond 2^53 (the scalar route). */
static void pick_hyper(gsl_rng *g, uint64_t *n1, uint64_t *n2, uint64_t *t)
{
    static const uint64_t cs[] = {0, 1, 2, 63, 64, 65, 66, 100, 129, 1000, 2985, 6923,
                                  UINT64_C(1) << 33, (UINT64_C(1) << 52) + 1, UINT64_C(1) << 53};
    const int nc = (int)(sizeof cs / sizeof *cs);
    switch (gsl_rng_uniform_int(g, 3)) {
    case 0:
        *n1 = cs[gsl_rng_uniform_int(g, (unsigned long)nc)];
        *n2 = cs[gsl_rng_uniform_int(g, (unsigned long)nc)];
        break;
    case 1:
        *n1 = gsl_rng_uniform_int(g, 3000);
        *n2 = gsl_rng_uniform_int(g, 7000);
        break;
    default:
        *n1 = gsl_rng_uniform_int(g, 200000);
        *n2 = gsl_rng_uniform_int(g, 200000);
        break;
    }
    const uint64_t N = *n1 + *n2;
    const double f = gsl_rng_uniform(g);
    *t = gsl_rng_uniform(g) < 0.2 ? (gsl_rng_uniform(g) < 0.5 ? 0 : N)
                                   : (uint64_t)((double)N * (f < 0.5 ? f * f * 0.2 : f));
    /* The chop-down walk takes about an sd of steps: beyond a few million
     * firms, draw few (or all but a few), as the engine's cohorts would. */
    if (N > 10000000) {
        const uint64_t few = gsl_rng_uniform_int(g, 2000);
        *t = gsl_rng_uniform(g) < 0.5 ? few : N - few;
    }
    if (*t > N)
        *t = N;
}

/* CALLS calls of each sampler on path `path`, every lane checked against the
 * scalar sampler and every state after every call. */
static void check_path(rng_path path, int kind)
{
    rng_lanes st;
    scalar_lanes sc;
    uint64_t stream[RNG_LANES];
    for (int l = 0; l < RNG_LANES; l++)
        stream[l] = 1000 + 7 * (uint64_t)l;
    CU_ASSERT_FATAL(rng_lanes_init(&st) == 0);
    rng_lanes_seed(&st, 2022, stream);
    scalar_init(&sc, 2022, stream);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937), *tmp = gsl_rng_alloc(rng_xoshiro256pp);
    gsl_rng_set(g, 42u + (unsigned long)kind);
    const int poisson = kind == 1, hyper = kind == 2;
    long bad_value = 0, bad_state = 0;
    for (long c = 0; c < CALLS; c++) {
        double p[RNG_LANES];
        uint64_t n[RNG_LANES], n2[RNG_LANES], t[RNG_LANES], got[RNG_LANES], want[RNG_LANES];
        /* Mostly one kind of parameter in a call (as the engine's lanes of
         * one tier), sometimes every lane its own. */
        const int mixed = gsl_rng_uniform(g) < 0.5;
        for (int l = 0; l < RNG_LANES; l++) {
            if (hyper) {
                if (l == 0 || mixed) {
                    pick_hyper(g, &n[l], &n2[l], &t[l]);
                } else { /* the same tier's cohort in another replication */
                    n[l] = n[0] + gsl_rng_uniform_int(g, 5);
                    n2[l] = n2[0] + gsl_rng_uniform_int(g, 5);
                    t[l] = t[0] <= n[l] + n2[l] ? t[0] : n[l] + n2[l];
                }
                p[l] = 0.0;
                want[l] = rng_hypergeometric(sc.r[l], n[l], n2[l], t[l]);
                continue;
            }
            if (l == 0 || mixed) {
                if (poisson)
                    pick_poisson(g, &p[l]);
                else
                    pick_binomial(g, &p[l], &n[l]);
            } else {
                p[l] = p[0] * (1.0 + 0.01 * gsl_rng_uniform(g));
                p[l] = !poisson && p[l] > 1.0 ? 1.0 : p[l];
                p[l] = poisson && p[l] > 0x1.0p62 ? 0x1.0p62 : p[l];
                n[l] = n[0];
            }
            if (poisson)
                want[l] = rng_poisson(sc.r[l], p[l]);
            else
                want[l] = rng_binomial(sc.r[l], p[l], n[l]);
        }
        if (hyper)
            rng_lanes_hypergeometric(path, &st, n, n2, t, got);
        else if (poisson)
            rng_lanes_poisson(path, &st, p, got);
        else
            rng_lanes_binomial(path, &st, p, n, got);
        for (int l = 0; l < RNG_LANES; l++)
            if (got[l] != want[l] && bad_value++ < 5)
                fprintf(stderr, "\n%s %s lane %d call %ld: p %.17g n %llu (%llu, %llu): got %llu, scalar %llu",
                        rng_path_name(path), hyper ? "hypergeometric" : poisson ? "poisson" : "binomial",
                        l, c, p[l], (unsigned long long)n[l], (unsigned long long)(hyper ? n2[l] : 0),
                        (unsigned long long)(hyper ? t[l] : 0), (unsigned long long)got[l],
                        (unsigned long long)want[l]);
        bad_state += !same_states(&st, &sc, tmp);
    }
    CU_ASSERT_EQUAL(bad_value, 0);
    CU_ASSERT_EQUAL(bad_state, 0);
    gsl_rng_free(g);
    gsl_rng_free(tmp);
    scalar_free(&sc);
    rng_lanes_free(&st);
}

static void check_all_paths(int kind)
{
    int ran = 0;
    for (int p = RNG_PATH_SCALAR; p <= RNG_PATH_AVX512; p++)
        if (rng_path_supported((rng_path)p)) {
            check_path((rng_path)p, kind);
            ran++;
        } else {
            fprintf(stderr, "\n(this processor does not run %s: not checked)",
                    rng_path_name((rng_path)p));
        }
    CU_ASSERT(ran >= 1);
}

static void test_binomial_lanes(void)
{
    check_all_paths(0);
}

static void test_poisson_lanes(void)
{
    check_all_paths(1);
}

static void test_hyper_lanes(void)
{
    check_all_paths(2);
}

static void test_seed_and_paths(void)
{
    rng_lanes st;
    uint64_t stream[RNG_LANES];
    CU_ASSERT_FATAL(rng_lanes_init(&st) == 0);
    for (int l = 0; l < RNG_LANES; l++)
        stream[l] = UINT64_C(0x123456789) * (uint64_t)(l + 1);
    rng_lanes_seed(&st, 77, stream);
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp), *tmp = gsl_rng_alloc(rng_xoshiro256pp);
    for (int l = 0; l < RNG_LANES; l++) {
        rng_seed_stream(r, 77, stream[l]);
        rng_lanes_load(&st, l, tmp);
        CU_ASSERT(memcmp(r->state, tmp->state, 4 * sizeof(uint64_t)) == 0);
        CU_ASSERT_EQUAL(gsl_rng_get(r), gsl_rng_get(tmp));
    }
    gsl_rng_free(r);
    gsl_rng_free(tmp);
    rng_lanes_free(&st);

    rng_path p;
    for (int i = RNG_PATH_SCALAR; i <= RNG_PATH_AVX512; i++) {
        CU_ASSERT(rng_path_parse(rng_path_name((rng_path)i), &p) == 0 && p == (rng_path)i);
    }
    CU_ASSERT(rng_path_parse("sse9", &p) == -1);
    CU_ASSERT(rng_path_parse(NULL, &p) == -1);
    CU_ASSERT(rng_path_supported(RNG_PATH_SCALAR));
    CU_ASSERT(rng_path_supported(rng_path_best()));
}

int main(void)
{
    static const tu_test t[] = {
        {"lanes seeded as rng_seed_stream; path names", test_seed_and_paths},
        {"binomial lanes = scalar sampler, every path", test_binomial_lanes},
        {"poisson lanes = scalar sampler, every path", test_poisson_lanes},
        {"hypergeometric lanes = scalar sampler, every path", test_hyper_lanes},
        {NULL, NULL},
    };
    return tu_run("rng_lanes", t);
}
