#ifndef TIERSIM_RNG_LANES_H
#define TIERSIM_RNG_LANES_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* Lanes: RNG_LANES independent xoshiro256++ streams drawn side by side, one
 * per replication, so that a call samples a variate for each of them with
 * vector instructions (issue 14: SIMD lanes of independent replications).
 *
 * The contract is bit-identity with the scalar samplers of rng.h: lane l of
 * rng_lanes_binomial(path, st, p, n, out) returns exactly what
 * rng_binomial(r, p[l], n[l]) returns when r holds lane l's state, and leaves
 * lane l's state where that call leaves r's -- on every path.  So a lane
 * advances its stream only while it draws, the lanes' arithmetic is the
 * scalar samplers' own, operation for operation (no FMA contraction: the
 * build is ISO C, -ffp-contract=off), and the few logarithms the rejection
 * tests take go through the same libm calls, one lane at a time.  Which
 * path runs changes the speed, never a byte. */

#define RNG_LANES 8

typedef enum {
    RNG_PATH_SCALAR = 0,  /* each lane through rng.h's scalar sampler: the reference */
    RNG_PATH_AVX2 = 1,    /* 4 doubles a vector, two vectors a call */
    RNG_PATH_AVX512 = 2   /* 8 doubles a vector */
} rng_path;

/* The state, lane-major (s[word][lane]), and a scratch generator for the
 * lanes that take the scalar route (n >= 2^53, the scalar path). */
typedef struct {
    uint64_t s[4][RNG_LANES];
    gsl_rng *scratch;
} rng_lanes;

/* The fastest path this processor runs. */
rng_path rng_path_best(void);
/* 1 when this processor runs path p. */
int rng_path_supported(rng_path p);
/* "scalar", "avx2", "avx512". */
const char *rng_path_name(rng_path p);
/* The path named s (as rng_path_name spells it): 0, or -1 when s names none. */
int rng_path_parse(const char *s, rng_path *p);

/* 0, or -1 when memory runs out. */
int rng_lanes_init(rng_lanes *st);
void rng_lanes_free(rng_lanes *st);

/* Lane l as rng_seed_stream(r, seed, stream[l]) seeds a xoshiro256++ r. */
void rng_lanes_seed(rng_lanes *st, uint64_t seed, const uint64_t stream[RNG_LANES]);
/* Lane l's state into (load) or out of (store) a xoshiro256++ generator
 * (rng_xoshiro256pp): for the draws a lane makes one at a time. */
void rng_lanes_load(const rng_lanes *st, int lane, gsl_rng *r);
void rng_lanes_store(rng_lanes *st, int lane, const gsl_rng *r);

/* out[l] = rng_binomial(lane l, p[l], n[l]) for every lane. */
void rng_lanes_binomial(rng_path path, rng_lanes *st, const double p[RNG_LANES],
                        const uint64_t n[RNG_LANES], uint64_t out[RNG_LANES]);
/* out[l] = rng_poisson(lane l, mu[l]) for every lane. */
void rng_lanes_poisson(rng_path path, rng_lanes *st, const double mu[RNG_LANES],
                       uint64_t out[RNG_LANES]);

/* out[l] = rng_hypergeometric(lane l, n1[l], n2[l], t[l]) for every lane. */
void rng_lanes_hypergeometric(rng_path path, rng_lanes *st, const uint64_t n1[RNG_LANES],
                              const uint64_t n2[RNG_LANES], const uint64_t t[RNG_LANES],
                              uint64_t out[RNG_LANES]);

#endif
