/* Goal seeking: against a noise-free curve, and against a scenario whose
 * P(met) as a function of the lever is known in closed form. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>

#include "crn.h"
#include "goal.h"
#include "scenario.h"
#include "testutil.h"

static int logistic(void *ctx, double x, uint64_t reps, double *p, ts_err *err)
{
    (void)ctx;
    (void)reps;
    (void)err;
    *p = 1.0 / (1.0 + exp(-(x - 2.385) * 3.1));
    return 0;
}

static void test_noise_free_root(void)
{
    goal_opts o = {0.0, 7.0, 0.8, 10000, 40000, 1e-9, 0};
    goal_result r;
    ts_err err;
    CU_ASSERT_FATAL(goal_seek(logistic, NULL, &o, &r, &err) == 0);
    CU_ASSERT(r.reachable);
    double exact = 2.385 + log(0.8 / 0.2) / 3.1;
    CU_ASSERT(fabs(r.value - exact) < 1e-6);
    CU_ASSERT(r.band_lo < r.value && r.value < r.band_hi);
    CU_ASSERT(r.p_met >= 0.8);
    /* Without the band: the same answer, in at most half the evaluations. */
    goal_result r1;
    o.no_band = 1;
    CU_ASSERT_FATAL(goal_seek(logistic, NULL, &o, &r1, &err) == 0);
    CU_ASSERT_EQUAL(r1.value, r.value);
    CU_ASSERT(isnan(r1.band_lo) && isnan(r1.band_hi));
    CU_ASSERT(2 * r1.evaluations <= r.evaluations);
}

static void test_unreachable_and_already_met(void)
{
    goal_result r;
    ts_err err;
    goal_opts o = {0.0, 1.0, 0.8, 1000, 1000, 1e-6, 0};
    CU_ASSERT_FATAL(goal_seek(logistic, NULL, &o, &r, &err) == 0);
    CU_ASSERT_EQUAL(r.reachable, 0);
    CU_ASSERT(r.p_hi < 0.8);
    goal_opts o2 = {4.0, 6.0, 0.8, 1000, 1000, 1e-6, 0};
    CU_ASSERT_FATAL(goal_seek(logistic, NULL, &o2, &r, &err) == 0);
    CU_ASSERT(r.reachable);
    CU_ASSERT_EQUAL(r.value, 4.0);
}

typedef struct {
    const scenario *s;
    runner_opts o;
    double *fixed;
    size_t lever;
} ctx_t;

static int eval(void *vctx, double x, uint64_t reps, double *p, ts_err *err)
{
    ctx_t *c = vctx;
    c->fixed[c->lever] = x;
    crn_point pt = {c->fixed, 0};
    crn_result r;
    if (crn_eval(c->s, &c->o, &pt, 1, reps, &r, err) < 0)
        return -1;
    *p = (double)r.met[0] / (double)reps;
    crn_results_free(&r, 1);
    return 0;
}

/* One tier, Poisson inflow 12.5 (1 + s) for 3 years: new ~ Poisson(37.5 (1 + s));
 * P(new >= 60) = Q(59; mu), solved exactly for s by bisection. */
static void test_closed_form(void)
{
    scenario *s;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_string(&s,
        "[scenario]\nname = g\nstart_year = 2022\nend_year = 2024\nseed = 11\n"
        "[tier a]\ninflow = 12.5\n[target a]\nnew = 60\n[policy more]\nscale = a.inflow : 2\n",
        "g.ini", &err) == 0);
    CU_ASSERT_FATAL(scenario_activate_policy(s, "more", &err) == 0);
    ctx_t c;
    runner_opts_init(&c.o, s);
    c.s = s;
    c.lever = scenario_find_param(s, "policy.more.scale");
    c.fixed = malloc(s->n_params * sizeof *c.fixed);
    for (size_t i = 0; i < s->n_params; i++)
        c.fixed[i] = NAN;
    static const double qs[] = {0.5, 0.8, 0.9};
    for (int i = 0; i < 3; i++) {
        double lo = 0, hi = 5;
        for (int it = 0; it < 80; it++) {
            double m = 0.5 * (lo + hi);
            if (gsl_cdf_poisson_Q(59, 37.5 * (1 + m)) >= qs[i])
                hi = m;
            else
                lo = m;
        }
        goal_opts o = {0.0, 5.0, qs[i], 4000, 16000, 1e-5, 0};
        goal_result r;
        CU_ASSERT_FATAL(goal_seek(eval, &c, &o, &r, &err) == 0);
        CU_ASSERT(r.reachable);
        /* the exact answer lies in the band the result states for itself */
        CU_ASSERT(r.band_lo <= hi && hi <= r.band_hi);
        if (!(r.band_lo <= hi && hi <= r.band_hi))
            fprintf(stderr, "\n  q %g: exact %g, band [%g, %g], value %g\n", qs[i], hi, r.band_lo,
                    r.band_hi, r.value);
        TU_ASSERT_WITHIN_SE("P(met) at the answer", r.p_met, gsl_cdf_poisson_Q(59, 37.5 * (1 + r.value)),
                            r.se, 4.0);
    }
    /* a range the target cannot be reached in */
    goal_opts o = {0.0, 0.2, 0.8, 2000, 2000, 1e-5, 0};
    goal_result r;
    CU_ASSERT_FATAL(goal_seek(eval, &c, &o, &r, &err) == 0);
    CU_ASSERT_EQUAL(r.reachable, 0);
    free(c.fixed);
    scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"noise-free root", test_noise_free_root},
        {"unreachable, and met at the low end", test_unreachable_and_already_met},
        {"closed-form Poisson lever", test_closed_form},
        {NULL, NULL},
    };
    return tu_run("goal", tests);
}
