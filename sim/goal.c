/* goal.c -- the smallest lever value that reaches a probability (goal.h). */
#include "goal.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#define GOAL_MAX_ITER 100

typedef struct {
    goal_eval_fn f;
    void *ctx;
    uint64_t reps;
    double level;
    size_t evals;
    int failed;
    ts_err *err;
} shifted;

static double eval_shifted(double x, void *vs)
{
    shifted *s = vs;
    double p = 0.0;
    if (s->failed)
        return 0.0;
    s->evals++;
    if (s->f(s->ctx, x, s->reps, &p, s->err) < 0) {
        s->failed = 1;
        return 0.0;
    }
    return p - s->level;
}

/* The smallest x in [lo, hi] with estimate >= level, given estimate(lo) <
 * level <= estimate(hi): Brent on the bracket, then the bracket's upper end
 * (where the estimate is known to reach the level). */
static int crossing(shifted *s, double lo, double hi, double xtol, double *x)
{
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!solver)
        return ts_errf(s->err, "out of memory");
    gsl_function fn = {eval_shifted, s};
    int status = gsl_root_fsolver_set(solver, &fn, lo, hi);
    for (int it = 0; status == GSL_SUCCESS && it < GOAL_MAX_ITER && !s->failed; it++) {
        status = gsl_root_fsolver_iterate(solver);
        double a = gsl_root_fsolver_x_lower(solver), b = gsl_root_fsolver_x_upper(solver);
        if (status != GSL_SUCCESS || gsl_root_test_interval(a, b, xtol, 0.0) == GSL_SUCCESS)
            break;
    }
    double a = gsl_root_fsolver_x_lower(solver), b = gsl_root_fsolver_x_upper(solver);
    gsl_root_fsolver_free(solver);
    if (s->failed)
        return -1;
    /* The estimate is a step function of x on common random numbers: take
     * the end of the final bracket that reaches the level. */
    double fb = eval_shifted(b, s);
    if (s->failed)
        return -1;
    *x = fb >= 0.0 ? b : hi;
    (void)a;
    return 0;
}

/* Where the estimate crosses `level`, clamped to [lo, hi]. */
static int crossing_clamped(shifted *s, double level, const goal_opts *o, double p_lo,
                            double p_hi, double *x)
{
    s->level = level;
    if (p_lo >= level) {
        *x = o->lo;
        return 0;
    }
    if (p_hi < level) {
        *x = o->hi;
        return 0;
    }
    return crossing(s, o->lo, o->hi, o->xtol, x);
}

int goal_seek(goal_eval_fn f, void *ctx, const goal_opts *o, goal_result *r, ts_err *err)
{
    memset(r, 0, sizeof *r);
    shifted s = {f, ctx, o->reps, 0.0, 0, 0, err};
    double p_lo = eval_shifted(o->lo, &s), p_hi = s.failed ? 0 : eval_shifted(o->hi, &s);
    if (s.failed)
        return -1;
    r->p_lo = p_lo;
    r->p_hi = p_hi;
    if (p_hi < o->q && p_lo < o->q) {
        r->reachable = 0;
        r->value = r->band_lo = r->band_hi = NAN;
        r->p_met = p_hi;
        r->se = sqrt(p_hi * (1 - p_hi) / (double)o->reps);
        r->evaluations = s.evals;
        return 0;
    }
    r->reachable = 1;
    double se_q = sqrt(o->q * (1.0 - o->q) / (double)o->reps);
    r->band_lo = r->band_hi = NAN;
    if (crossing_clamped(&s, o->q, o, p_lo, p_hi, &r->value) < 0 ||
        (!o->no_band &&
         (crossing_clamped(&s, o->q - 2.0 * se_q, o, p_lo, p_hi, &r->band_lo) < 0 ||
          crossing_clamped(&s, o->q + 2.0 * se_q, o, p_lo, p_hi, &r->band_hi) < 0)))
        return -1;
    s.level = 0.0;
    s.reps = o->reps_final;
    r->p_met = eval_shifted(r->value, &s);
    if (s.failed)
        return -1;
    r->se = sqrt(r->p_met * (1.0 - r->p_met) / (double)o->reps_final);
    r->evaluations = s.evals;
    return 0;
}
