#ifndef TIERSIM_DIST_H
#define TIERSIM_DIST_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

/* A parameter value: a fixed number or one of the distributions of the
 * scenario grammar.  Parameters follow GSL's conventions:
 *   beta(a, b)               gsl_ran_beta(r, a, b), a > 0, b > 0
 *   uniform(lo, hi)          gsl_ran_flat(r, lo, hi), lo < hi
 *   normal(mean, sd)         mean + gsl_ran_gaussian(r, sd), sd > 0,
 *                            truncated by redrawing to the valid range
 *   lognormal(mu, sigma)     gsl_ran_lognormal(r, mu, sigma) (of the underlying normal), sigma > 0
 *   triangular(lo, mode, hi) lo <= mode <= hi, lo < hi
 *   gamma(shape, scale)      gsl_ran_gamma(r, shape, scale), shape > 0, scale > 0
 * Every argument may be written as a percentage ("uniform(2%, 6%)"). */
typedef enum {
    DIST_FIXED = 0,
    DIST_BETA,
    DIST_UNIFORM,
    DIST_NORMAL,
    DIST_LOGNORMAL,
    DIST_TRIANGULAR,
    DIST_GAMMA
} dist_kind;

/* The valid range of a parameter: [lo, hi], where lo_open makes the lower end
 * exclusive (growth > -1). */
typedef struct {
    double lo, hi;
    int lo_open;
} dist_range;

/* The grammar's limits (dist_parse): a beta's a and b at least
 * DIST_BETA_MIN and a + b at most DIST_BETA_MAX (see dist.c for why); a
 * normal with at least DIST_MIN_TRUNC_MASS of its mass inside the range. */
#define DIST_BETA_MIN 1e-6
#define DIST_BETA_MAX 1e6
#define DIST_MIN_TRUNC_MASS 1e-3

extern const dist_range DIST_RANGE_PROB;    /* [0, 1]     rates, exits, tolerances */
extern const dist_range DIST_RANGE_NONNEG;  /* [0, +inf)  inflows, stocks, quotas, dispersion, policy factors */
extern const dist_range DIST_RANGE_GROWTH;  /* (-1, +inf) inflow growth */

typedef struct {
    dist_kind kind;
    double p[3];        /* the arguments as written (p[0] is the value when fixed) */
    dist_range range;   /* the valid range the draws are restricted to */
    double trunc_mass;  /* normal only: probability mass inside the range (for the truncated mean) */
} dist;

/* A fixed value, already in range (no check). */
dist dist_fixed(double value, dist_range range);

/* Parses "0.25", "35.8%", "beta(2, 98)", ... (blanks allowed around tokens)
 * and checks the arguments and the range:
 *  - a fixed value must lie in the range;
 *  - uniform and triangular must lie within the range;
 *  - beta needs a range that contains [0, 1];
 *  - lognormal and gamma need a range that contains [0, +inf);
 *  - normal is truncated to the range; it is refused when less than 0.1 % of
 *    its mass lies inside (redrawing would never end).
 * On failure writes a short reason into why (no file or line: the caller adds
 * them), e.g. "beta needs a > 0, got -1" or "0.9 + 0.3 ... " and returns -1. */
int dist_parse(const char *text, dist_range range, dist *out, char *why, size_t why_len);

/* One draw, with GSL's samplers; normal redraws until inside the range. */
double dist_sample(const dist *d, gsl_rng *r);

/* Mean of the distribution as drawn (the truncated mean for normal). */
double dist_mean(const dist *d);

/* Quantile for u in [0, 1] of the distribution as drawn (truncated for normal),
 * with GSL's inverse CDFs; for a fixed value returns the value. */
double dist_quantile(const dist *d, double u);

/* Standard deviation as drawn (0 for fixed). */
double dist_sd(const dist *d);

/* Writes the distribution in the scenario grammar with the shortest numbers
 * that read back exactly, e.g. "beta(2, 98)" or "0.358".  Returns the length
 * snprintf would write. */
int dist_format(const dist *d, char *buf, size_t len);

/* Nonzero when the value is uncertain (not DIST_FIXED). */
int dist_is_random(const dist *d);

#endif
