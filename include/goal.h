#ifndef TIERSIM_GOAL_H
#define TIERSIM_GOAL_H

#include <stddef.h>
#include <stdint.h>

#include "tserr.h"

/* Goal seeking: the smallest value of a lever in [lo, hi] at which a
 * probability reaches q, for a probability that grows with the lever.  The
 * probability is an estimate on common random numbers (the same replications
 * at every lever value), so it moves only because the lever moves; a GSL
 * bracketing root solver (Brent) finds where it crosses q.  The answer states
 * its own uncertainty: the band of lever values where the estimate crosses
 * q -/+ 2 standard errors, and the probability re-estimated at the answer
 * with more replications. */

/* The estimate at lever value x with `reps` replications. */
typedef int (*goal_eval_fn)(void *ctx, double x, uint64_t reps, double *p, ts_err *err);

typedef struct {
    double lo, hi;          /* the range searched, lo < hi */
    double q;               /* the probability wanted, 0 < q < 1 */
    uint64_t reps;          /* replications per evaluation while searching */
    uint64_t reps_final;    /* replications at the answer */
    double xtol;            /* stop when the bracket is narrower (absolute) */
    int no_band;            /* the crossing of q alone: band_lo and band_hi are NAN (a third
                               of the evaluations) */
} goal_opts;

typedef struct {
    int reachable;          /* 0: even hi does not reach q */
    double value;           /* the answer (lo when q is met already at lo) */
    double p_met, se;       /* at the answer, with reps_final replications */
    double band_lo, band_hi;/* lever values where the estimate crosses q - 2 se and q + 2 se */
    double p_lo, p_hi;      /* the estimates at lo and hi */
    size_t evaluations;
} goal_result;

int goal_seek(goal_eval_fn f, void *ctx, const goal_opts *o, goal_result *r, ts_err *err);

#endif
