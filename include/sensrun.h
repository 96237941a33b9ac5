#ifndef TIERSIM_SENSRUN_H
#define TIERSIM_SENSRUN_H

#include <stddef.h>
#include <stdint.h>

#include "runner.h"
#include "scenario.h"
#include "sens.h"
#include "tserr.h"

/* Sensitivity analysis of a scenario's targets: the designs of sens.h mapped
 * to parameter values and run on common random numbers (crn.h).  No I/O.
 *
 * The parameters under study ("factors") are indices into s->params.  A
 * design coordinate u in (0, 1) becomes the parameter's value
 * dist_quantile(&s->params[i].value, u).  Every design point runs the same
 * replications 0 .. inner-1 (the same streams), so two points differ only
 * through their parameters: the output is a deterministic function of the
 * factors, and the estimators see no chance noise between points.  The
 * parameters not under study keep being drawn as usual in each replication
 * (tornado alone sets them to their medians).
 *
 * Two outputs per target j, at index j * SENSRUN_OUTPUTS + o: the mean of the
 * targeted measure in end_year (SENSRUN_MEAN) and P(met) (SENSRUN_PMET). */

enum { SENSRUN_MEAN = 0, SENSRUN_PMET = 1, SENSRUN_OUTPUTS = 2 };
extern const char *const sensrun_output_names[SENSRUN_OUTPUTS];   /* "mean", "p_met" */

/* The policy that owns parameter i (its strength or one of its factors), or
 * -1. */
long sensrun_param_policy(const scenario *s, size_t i);

/* The default factors: every parameter with a distribution, except those of
 * policies that are off (they change nothing).  Writes their indices into
 * factors[s->n_params] and returns how many. */
size_t sensrun_default_factors(const scenario *s, size_t *factors);

/* --range NAME=LO:HI: parameter i becomes uniform(lo, hi) for the analysis.
 * Refused (with a message naming the parameter) when lo >= hi or the range
 * leaves the parameter's valid range. */
int sensrun_set_range(scenario *s, size_t i, double lo, double hi, ts_err *err);

/* Refuses a value outside parameter i's valid range: "NAME: V is above 1". */
int sensrun_check_value(const scenario *s, size_t i, double v, ts_err *err);

/* Splits "NAME=LO:HI" (steps == NULL) or "NAME=LO:HI:STEPS", the grammar of
 * sensitivity's --range and sweep's --param; name is cut to name_len.  -1
 * with "expected NAME=LO:HI..., got '...'". */
int sensrun_parse_spec(const char *spec, char *name, size_t name_len, double *lo, double *hi,
                       uint64_t *steps, ts_err *err);

/* The parameter NAME, given to option OPT of command CMD: -1 with "CMD: OPT
 * NAME: unknown parameter (...)", or when it belongs to a policy that is off
 * (it would change nothing). */
int sensrun_find_param(const scenario *s, const char *cmd, const char *opt, const char *name,
                       size_t *out, ts_err *err);

/* The factors of a sensitivity analysis: each of `ranges` ("NAME=LO:HI",
 * already checked by sensrun_parse_spec) makes NAME uniform over its range
 * and a factor; then the `params` names (each must be uncertain), or, when
 * none is named, every default factor.  Their indices, in the scenario's
 * order, go to factors[s->n_params]; *d counts them (at least 1, else -1). */
int sensrun_pick_factors(scenario *s, const char *const *params, size_t n_params,
                         const char *const *ranges, size_t n_ranges, size_t *factors, size_t *d,
                         ts_err *err);

/* Design points handed to the runner at a time (memory: n_params doubles a
 * point); the results do not depend on it. */
#define SENSRUN_BATCH 16384

/* Evaluates n_points points u[n_points * d] (quantiles of the factors).
 * base[s->n_params] gives the other parameters (NAN: drawn; may be NULL: all
 * drawn).  y[point * T * SENSRUN_OUTPUTS + j * SENSRUN_OUTPUTS + o]. */
int sensrun_eval(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                 const double *u, size_t n_points, const double *base, uint64_t inner, double *y,
                 ts_err *err);

/* -------------------------------------------------------------- tornado */

#define SENSRUN_TORNADO_LO 0.05
#define SENSRUN_TORNADO_HI 0.95

/* The mean of the targeted count: each factor at its 5th and its 95th
 * percentile, every other parameter (factor or not) at its median; base:
 * all at their medians.  P(met): each factor at its 5th and its 95th
 * percentile, every other parameter drawn as in a run; base: the run's
 * P(met) (replications 0 .. inner-1, every parameter drawn). */
typedef struct {
    size_t d, n_targets;
    double *low, *high;             /* [i]: the factor's 5th and 95th percentiles */
    double *base;                   /* [j * 2 + o] */
    double *out_low, *out_high;     /* [(j * 2 + o) * d + i] */
} sensrun_tornado_result;

int sensrun_tornado(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                    uint64_t inner, sensrun_tornado_result *out, ts_err *err);
void sensrun_tornado_free(sensrun_tornado_result *r);

/* The run's P(met) of each target, p[s->n_targets]: replications 0 ..
 * reps-1 with every parameter drawn (those of `tiersim run -n reps`). */
int sensrun_run_pmet(const scenario *s, const runner_opts *o, uint64_t reps, double *p,
                     ts_err *err);

/* ---------------------------------------------------------------- Sobol */

typedef struct {
    size_t d, n_targets, n;
    const char *design;             /* the quasi-random generator (static string) */
    sens_ci *s1, *st;               /* [(j * 2 + o) * d + i] */
    double *mean, *sd;              /* [j * 2 + o]: the output over the 2N points of A and B */
} sensrun_sobol_result;

/* Saltelli's design of N (d + 2) points; intervals from SENS_BOOT resamples
 * with the fixed seed SENS_BOOT_SEED. */
int sensrun_sobol(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                  size_t n, uint64_t inner, sensrun_sobol_result *out, ts_err *err);
void sensrun_sobol_free(sensrun_sobol_result *r);

/* Is the design too small for what it is asked?  Two findings, each the
 * worst of its kind: the widest 95 % interval of an index, as its
 * half-width (hw_target, hw_output, hw_factor, hw_st: 1 for ST, 0 for S1);
 * and the target whose P(met) over the design's points A and B (a sample of
 * the parameters' distributions) lies furthest from the run's p_run[j] (of
 * run_reps replications), in standard errors z of the difference -- the
 * design's sd / sqrt(2N) and the run's binomial se together -- and how many
 * targets lie further than SENSRUN_SOBOL_MAX_Z (n_far).  An output the
 * design does not move has no indices and is not compared.  Either finding
 * beyond its bound (half_width > SENSRUN_SOBOL_MAX_HALF_WIDTH, n_far > 0)
 * means the indices describe the design's noise more than the scenario. */
#define SENSRUN_SOBOL_MAX_HALF_WIDTH 0.1
#define SENSRUN_SOBOL_MAX_Z 4.0

typedef struct {
    double half_width;
    size_t hw_target, hw_output, hw_factor;
    int hw_st;
    double z;
    size_t z_target, n_far;
} sensrun_sobol_findings;

void sensrun_sobol_check(const sensrun_sobol_result *r, const double *p_run, uint64_t run_reps,
                         sensrun_sobol_findings *out);

/* --------------------------------------------------------------- Morris */

typedef struct {
    size_t d, n_targets, n_traj;
    double *mu_star, *mu_star_ci, *sigma, *mu;   /* [(j * 2 + o) * d + i] */
} sensrun_morris_result;

/* n_traj trajectories drawn from a generator seeded by o->seed. */
int sensrun_morris(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                   size_t n_traj, uint64_t inner, sensrun_morris_result *out, ts_err *err);
void sensrun_morris_free(sensrun_morris_result *r);

/* --------------------------------------------------------------- filter */

/* Replications 0 .. reps-1 of an ordinary run (exactly those of `tiersim run
 * -n reps`), split by each target's outcome. */
typedef struct {
    size_t d, n_targets;
    uint64_t reps;
    double *ks, *p_value, *median_met, *median_missed;  /* [j * d + i] */
    uint64_t *n_met;                /* [j] */
    double *x;                      /* [rep * d + i]: the factors' draws */
    unsigned char *met;             /* [rep * T + j] */
} sensrun_filter_result;

int sensrun_filter(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                   uint64_t reps, sensrun_filter_result *out, ts_err *err);
void sensrun_filter_free(sensrun_filter_result *r);

/* -------------------------------------------------------- variance split */

/* `outer` parameter vectors (outer point m draws the factors as replication
 * m of a run would), each run for `inner` replications on streams of its own;
 * the parameters that are not factors are drawn afresh in each inner
 * replication, so their part counts with chance.  split[j * 2 + o]: for the
 * mean the targeted measure itself, for p_met the indicator of the target
 * being met. */
typedef struct {
    size_t n_targets;
    uint64_t outer, inner;
    int params_vary;                /* 0: no factor has a distribution */
    sens_split *split;
} sensrun_split_result;

int sensrun_split(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                  uint64_t outer, uint64_t inner, sensrun_split_result *out, ts_err *err);
void sensrun_split_free(sensrun_split_result *r);

/* ---------------------------------------------------------------- sweep */

#define SENSRUN_SWEEP_MAX_DIMS 2

/* A grid over 1 or 2 parameters (steps[k] >= 2 values from lo[k] to hi[k],
 * the first parameter varying slowest), `reps` replications per point on
 * common random numbers; the other parameters are drawn as usual. */
typedef struct {
    size_t n_dims, n_points, n_targets;
    uint64_t reps;
    double *values;                 /* [point * n_dims + k] */
    uint64_t *met;                  /* [point * T + j] */
    double *mean;                   /* [point * T + j] */
} sensrun_sweep_result;

int sensrun_sweep(const scenario *s, const runner_opts *o, const size_t *params, const double *lo,
                  const double *hi, const size_t *steps, size_t n_dims, uint64_t reps,
                  sensrun_sweep_result *out, ts_err *err);
void sensrun_sweep_free(sensrun_sweep_result *r);

#endif
