#ifndef TIERSIM_RNG_H
#define TIERSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* Random streams and the two samplers on the engine's hot path.
 *
 * The generator is xoshiro256++ (Blackman & Vigna 2019), wrapped as a GSL
 * generator type so that every GSL sampler (gamma, beta, ...) accepts it.
 * Binomial and Poisson variates are drawn with Hoermann's transformed
 * rejection samplers (BTRS, PTRS), which need no per-call set-up table; GSL's
 * gsl_ran_binomial / gsl_ran_poisson recompute theirs on every call, and
 * the engine calls them with a different n every year.  `make bench`
 * measures the difference against a GSL-only baseline. */

/* gsl_rng_type for xoshiro256++: min 0, max 2^32-1 for gsl_rng_get (the upper
 * 32 bits of each output), and 53-bit doubles in [0, 1) for gsl_rng_uniform. */
extern const gsl_rng_type *rng_xoshiro256pp;

/* Seeds r for stream `stream` of run seed `seed`.  For xoshiro256++ the four
 * state words are the outputs 1..4 of splitmix64 started at
 *     x0 = seed ^ splitmix64_mix(stream + 0x9E3779B97F4A7C15)
 * (splitmix64_mix is the finaliser of splitmix64).  For any other GSL type
 * gsl_rng_set(r, splitmix64_mix(x0) & 0xffffffff) is used.  The mapping is
 * part of tiersim's reproducibility contract: do not change it. */
void rng_seed_stream(gsl_rng *r, uint64_t seed, uint64_t stream);

/* Which of a replication's two streams a generator draws from. */
typedef enum {
    RNG_PARAMS = 0,     /* the replication's parameter draws (engine_draw) */
    RNG_CHANCE = 1      /* its chance events (engine_run) */
} rng_use;

/* The stream of replication `rep` for `use`: 2 rep for its parameters,
 * 2 rep + 1 for its chance events.  The one place the rule lives: runner,
 * crn and sensrun all seed through it, so that replication i of `run`,
 * `compare`, `goal`, `sensitivity` and `sweep` is the same replication, and
 * keeping the two uses on separate streams means that drawing one more (or
 * one fewer) parameter never shifts the chance events.  Part of the
 * reproducibility contract, like rng_seed_stream; rep < 2^63. */
uint64_t rng_stream(uint64_t rep, rng_use use);

/* rng_seed_stream(r, seed, rng_stream(rep, use)). */
void rng_seed_rep(gsl_rng *r, uint64_t seed, uint64_t rep, rng_use use);

/* How the generator and the streams are described in every manifest.txt:
 * RNG_STREAM_RULE is what rng_stream computes. */
#define RNG_GENERATOR "xoshiro256++ (tiersim rng.c, seeded by splitmix64 of seed and stream)"
#define RNG_STREAM_RULE "replication i draws parameters from stream 2i and chance from stream 2i+1"

/* The splitmix64 finaliser (a bijection on 64-bit words). */
uint64_t rng_mix64(uint64_t x);

/* A uniform double in the open interval (0, 1). */
double rng_uniform_pos(gsl_rng *r);

/* Binomial(n, p) for any n up to 2^62 and p in [0, 1]: exact (no normal
 * approximation).  Inversion by sequential search (BINV) when
 * n*min(p,1-p) < 10, BTRS otherwise. */
uint64_t rng_binomial(gsl_rng *r, double p, uint64_t n);

/* Poisson(mu) for mu in [0, 2^52]: multiplication method when mu < 10, PTRS
 * otherwise. */
uint64_t rng_poisson(gsl_rng *r, double mu);

/* The number of type-1 items among t drawn without replacement from n1 of
 * type 1 and n2 of type 2 (hypergeometric), for t <= n1 + n2 <= 2^64 - 1:
 * exact (inversion, no approximation), one uniform a call but for rounding
 * retries.  After the symmetries (t <= N/2, n1 <= n2): for min(t, n1) <= 64
 * a sequential search up from 0, f(0) as a product; beyond, a chop-down
 * search from the mode, f(mode) from Loader's binomial pmf, O(1 + sd) steps.
 * Replaces gsl_ran_hypergeometric, which takes unsigned ints and costs
 * O(min(t, N - t)) uniforms a call. */
uint64_t rng_hypergeometric(gsl_rng *r, uint64_t n1, uint64_t n2, uint64_t t);

#endif
