#ifndef TIERSIM_EXPLAIN_H
#define TIERSIM_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "runner.h"
#include "scenario.h"
#include "tserr.h"

/* Why a target is unlikely or uncertain: what the report card of `tiersim
 * run` says in one line under its table.  No I/O.
 *
 * Which assumption moves a target's count most is read from the run's own
 * replications, at no extra cost: the runner records each replication's
 * drawn parameters and targeted counts (runner_opts record_*), and each
 * uncertain parameter's draws are rank-correlated (Spearman, midranks for
 * ties) with the count.  The parameters are those sensitivity studies by
 * default: every one with a distribution, except those of policies that are
 * off.  A correlation stands out only when |rho| >= EXPLAIN_Z / sqrt(n - 1),
 * far beyond what chance gives any of them when none matters. */

/* The replications worth recording: at most EXPLAIN_MAX_RECORDS, and at
 * most EXPLAIN_MAX_NUMBERS numbers in all (a rho from 20000 replications
 * has a standard error below 0.01; more would only cost memory). */
#define EXPLAIN_MAX_RECORDS 20000
#define EXPLAIN_MAX_NUMBERS (1u << 22)
#define EXPLAIN_Z 4.0
uint64_t explain_record_reps(const scenario *s, uint64_t replications);

typedef struct {
    size_t param;           /* the parameter that moves the count most; TS_NO_PARAM: none stands out */
    double rho;             /* its rank correlation with the count (> 0: raising it helps) */
    double rho_floor;       /* EXPLAIN_Z / sqrt(n - 1) */
    uint64_t n;             /* the replications it rests on */
} explain_lever;

/* For each target j with want[j], the lever from n recorded replications
 * (theta[rep * n_params + i], value[rep * n_targets + j]); out[j] for the
 * others is left as TS_NO_PARAM. */
int explain_levers(const scenario *s, const double *theta, const int64_t *value, uint64_t n,
                   const unsigned char *want, explain_lever *out, ts_err *err);

/* Whether target j rests on assumptions only: every number written for the
 * flows that make its count is labelled "assumption" in its comment
 * (ts_param.assumption), and there is at least one.  The flows: the tier's
 * inflow, its growth, dispersion and cap, and the rate and quota of every
 * transition into it (all their @YEAR values); for a stock target also the
 * tier's stock, exit and renewal, its non-keep transitions out and the
 * events' moves into and out of it.  A `fit` value (fitted to a history)
 * is data, whatever its comment; defaults are structure, not counted. */
int explain_assumptions_only(const scenario *s, size_t j);

/* The value of lever `param` at which target j's P(met) reaches q, found as
 * `tiersim goal` finds it (Brent on the common-random-number estimate of
 * P(met), `reps` replications an evaluation, replications 0 .. reps-1 as in
 * the run), searched within the parameter's assumed range, its 1st to 99th
 * percentile, upward where raising it helps (rho > 0), downward otherwise. */
typedef struct {
    double q;               /* the probability sought */
    int reachable;          /* 0: not within the range searched */
    double value;           /* the lever's value (reachable), or the end of the range */
    double p_met;           /* P(met) there, with 4 x reps replications */
    double lo, hi;          /* the range searched */
    size_t evaluations;
} explain_reach;

int explain_reach_value(const scenario *s, const runner_opts *o, size_t j, size_t param,
                        double rho, double q, uint64_t reps, explain_reach *out, ts_err *err);

#endif
