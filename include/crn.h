#ifndef TIERSIM_CRN_H
#define TIERSIM_CRN_H

#include <stddef.h>
#include <stdint.h>

#include "runner.h"
#include "scenario.h"
#include "tserr.h"

/* Many parameter settings, or scenario variants, on the same replications:
 * common random numbers.  Replication i always draws its parameters from
 * stream 2i and its chance events from stream 2i + 1 of the seed (rng_stream),
 * as in runner_run, and every parameter is drawn before the fixed ones are
 * overwritten, so two settings differ only where their parameters differ.
 * This is the building block of sensitivity analysis, sweeps, policy
 * comparison and goal seeking.  Pure: no I/O.  Results are identical for any
 * number of threads. */

typedef struct {
    const double *fixed;    /* s->n_params values; NAN means "drawn as usual"; NULL: all drawn */
    uint64_t first_rep;     /* index of the point's first replication: the same for CRN */
} crn_point;

typedef struct {
    uint64_t reps;
    uint64_t *met;          /* [target]: threshold reached in end_year */
    double *mean;           /* [target]: mean of the targeted measure in end_year */
    double *var;            /* [target]: its sample variance */
} crn_result;

/* Evaluates n points with `reps` replications each; out[n] is filled (free
 * with crn_results_free). */
int crn_eval(const scenario *s, const runner_opts *o, const crn_point *pts, size_t n,
             uint64_t reps, crn_result *out, ts_err *err);
void crn_results_free(crn_result *r, size_t n);

/* crn_eval, point i replaying the replications of point ref[i] (ref[i] == i
 * or >= n: none; ref may be NULL) when that has the same first_rep (else
 * point i draws all), which may replay another in turn (a Morris
 * trajectory's steps; a cycle is cut, and a chain past 32 starts anew, so a
 * thread holds at most that many engines more), by engine_replay: the tiers
 * whose inputs are the same in both points are copied, not drawn.  The same
 * results as crn_eval, bit for bit; faster where points differ in the
 * parameters of few tiers (Sobol's AB_i against A, a one-at-a-time step). */
int crn_eval_ref(const scenario *s, const runner_opts *o, const crn_point *pts, const size_t *ref,
                 size_t n, uint64_t reps, crn_result *out, ts_err *err);

/* What engine_draw gives replications first .. first + reps - 1, row by
 * row (reps * s->n_params doubles, free()): NULL when that is more than
 * CRN_DRAWS_BYTES or memory is short -- then draw as usual.  crn_eval makes
 * these itself for three points or more on one first_rep. */
#define CRN_DRAWS_BYTES (32u << 20)
double *crn_draws(const scenario *s, const runner_opts *o, uint64_t first, uint64_t reps);

/* One point after another on replications 0 .. reps - 1 (goal seeking):
 * crn_eval of {fixed, 0}, the parameter draws made at the first call and
 * kept in *k -- again only when reps changes -- and copied, the same
 * results bit for bit.  *k starts zeroed; crn_kept_free when done. */
typedef struct {
    double *rows;           /* crn_draws, or NULL: drawn as usual */
    uint64_t reps;          /* what rows were made for; 0: not yet */
} crn_kept;
int crn_eval_kept(const scenario *s, const runner_opts *o, const double *fixed, uint64_t reps,
                  crn_kept *k, crn_result *out, ts_err *err);
void crn_kept_free(crn_kept *k);

/* Per-replication records of an ordinary run (replications 0 .. reps-1):
 * theta[rep * n_params + i] the drawn parameters, value[rep * n_targets + j]
 * the targeted measure in end_year (met when >= the target's threshold). */
int crn_records(const scenario *s, const runner_opts *o, uint64_t reps, double *theta,
                int64_t *value, ts_err *err);

/* Arms against a baseline (arm 0) on the same replications.  target_map[a *
 * n0 + j] is the index in arm a's scenario of arm 0's target j (SIZE_MAX when
 * the arm lacks it); n0 is arm 0's number of targets. */
typedef struct {
    uint64_t reps;
    uint64_t *met;          /* [a * n0 + j] */
    uint64_t *gain;         /* [a * n0 + j]: met in arm a, missed in the baseline */
    uint64_t *loss;         /* [a * n0 + j]: missed in arm a, met in the baseline */
    uint64_t *met_all;      /* [a]: every target met */
} crn_compare_result;

int crn_compare(const scenario *const *arms, size_t n_arms, const size_t *target_map,
                const runner_opts *o, uint64_t reps, crn_compare_result *out, ts_err *err);
void crn_compare_free(crn_compare_result *r);

/* Paired difference of proportions from the discordant counts: delta =
 * (gain - loss) / n, se = sqrt(((gain + loss) / n - delta^2) / n). */
void crn_paired_delta(uint64_t gain, uint64_t loss, uint64_t n, double *delta, double *se);

#endif
