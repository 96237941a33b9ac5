/* The report card's why-lines: the rank correlations against GSL's
 * Spearman, the records the runner hands back against crn_records, the
 * labels that make a target rest on assumptions only, and the lever value
 * against the crossing it claims. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crn.h"
#include "explain.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

static scenario *load(const char *text)
{
    scenario *s = NULL;
    ts_err err;
    if (scenario_parse_string(&s, text, "t.ini", &err) < 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

/* Three uncertain parameters (tier.a.stock, tier.a.inflow, tier.a.exit) and
 * a policy that is off, whose factor must never be named. */
static const char *const three =
    "[scenario]\nname = t\nstart_year = 2022\nend_year = 2024\nseed = 2385\n"
    "[tier a]\nstock = uniform(100, 200)\ninflow = uniform(20, 30)\nexit = beta(2, 38)\n"
    "[target a]\nstock = 190\n"
    "[policy off]\nscale = a.inflow : uniform(1, 3)\n";

static size_t param(const scenario *s, const char *name)
{
    size_t i = scenario_find_param(s, name);
    CU_ASSERT_FATAL(i != TS_NO_PARAM);
    return i;
}

/* rho equals GSL's Spearman (midranks for ties) to rounding, its sign
 * included; the strongest parameter is named; noise names none. */
static void test_levers_spearman(void)
{
    scenario *s = load(three);
    size_t P = s->n_params, n = 3000;
    size_t stock = param(s, "tier.a.stock"), inflow = param(s, "tier.a.inflow"),
           exitp = param(s, "tier.a.exit"), pol = param(s, "policy.off.scale.a.inflow");
    double *theta = calloc(n * P, sizeof *theta), *xs = malloc(n * sizeof *xs),
           *ys = malloc(n * sizeof *ys), *work = malloc(2 * n * sizeof *work);
    int64_t *value = malloc(n * sizeof *value);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    /* The count falls with the exit rate, rises a little with the inflow;
     * the stock is drawn from 7 values (ties) and does not matter; the
     * policy that is off matters most, but it is off. */
    for (size_t i = 0; i < n; i++) {
        double *t = theta + i * P;
        t[stock] = 100 + 10 * (double)gsl_rng_uniform_int(r, 7);
        t[inflow] = 20 + 10 * gsl_rng_uniform(r);
        t[exitp] = 0.2 * gsl_rng_uniform(r);
        t[pol] = 1 + 2 * gsl_rng_uniform(r);
        value[i] = (int64_t)floor(200 - 600 * t[exitp] + 0.4 * t[inflow] + 30 * t[pol] +
                                  5 * gsl_rng_uniform(r));
    }
    unsigned char want[1] = {1};
    explain_lever l[1];
    ts_err err;
    CU_ASSERT_FATAL(explain_levers(s, theta, value, n, want, l, &err) == 0);
    CU_ASSERT_EQUAL(l[0].param, exitp);
    CU_ASSERT_EQUAL(l[0].n, n);
    for (size_t i = 0; i < n; i++) {
        xs[i] = theta[i * P + exitp];
        ys[i] = (double)value[i];
    }
    double want_rho = gsl_stats_spearman(xs, 1, ys, 1, n, work);
    CU_ASSERT(want_rho < -0.5);
    TU_ASSERT_CLOSE(l[0].rho, want_rho, 1e-12);
    TU_ASSERT_CLOSE(l[0].rho_floor, EXPLAIN_Z / sqrt((double)n - 1), 1e-12);

    /* With ties on both sides: the stock (7 values) against a count that
     * is the stock itself, coarsened. */
    for (size_t i = 0; i < n; i++)
        value[i] = (int64_t)(theta[i * P + stock] / 20);
    CU_ASSERT_FATAL(explain_levers(s, theta, value, n, want, l, &err) == 0);
    CU_ASSERT_EQUAL(l[0].param, stock);
    for (size_t i = 0; i < n; i++) {
        xs[i] = theta[i * P + stock];
        ys[i] = (double)value[i];
    }
    TU_ASSERT_CLOSE(l[0].rho, gsl_stats_spearman(xs, 1, ys, 1, n, work), 1e-12);

    /* A count that no parameter moves: none stands out. */
    for (size_t i = 0; i < n; i++)
        value[i] = (int64_t)gsl_rng_uniform_int(r, 1000);
    CU_ASSERT_FATAL(explain_levers(s, theta, value, n, want, l, &err) == 0);
    CU_ASSERT_EQUAL(l[0].param, TS_NO_PARAM);
    CU_ASSERT(fabs(l[0].rho) < l[0].rho_floor);
    /* A count that never varies: none either; a target not wanted: none. */
    for (size_t i = 0; i < n; i++)
        value[i] = 137;
    CU_ASSERT_FATAL(explain_levers(s, theta, value, n, want, l, &err) == 0);
    CU_ASSERT_EQUAL(l[0].param, TS_NO_PARAM);
    want[0] = 0;
    CU_ASSERT_FATAL(explain_levers(s, theta, value, n, want, l, &err) == 0);
    CU_ASSERT_EQUAL(l[0].param, TS_NO_PARAM);
    gsl_rng_free(r);
    free(theta);
    free(xs);
    free(ys);
    free(work);
    free(value);
    scenario_free(s);
}

/* The runner's records are replications 0 .. n-1 as crn_records draws them,
 * for any number of threads; only the first record_reps are written. */
static void test_runner_records(void)
{
    scenario *s = load(three);
    size_t P = s->n_params;
    uint64_t reps = 1800, n = 1100;
    double *want_theta = malloc(n * P * sizeof *want_theta);
    int64_t *want_value = malloc(n * sizeof *want_value);
    runner_opts o;
    runner_opts_init(&o, s);
    o.threads = 1;
    ts_err err;
    CU_ASSERT_FATAL(crn_records(s, &o, n, want_theta, want_value, &err) == 0);
    for (int threads = 1; threads <= 3; threads += 2) {
        double *theta = malloc((n + 1) * P * sizeof *theta);
        int64_t *value = malloc((n + 1) * sizeof *value);
        theta[n * P] = -2385;
        value[n] = -2385;
        runner_opts_init(&o, s);
        o.replications = reps;
        o.threads = threads;
        o.record_reps = n;
        o.record_theta = theta;
        o.record_value = value;
        runner_result *res;
        CU_ASSERT_FATAL(runner_run(s, &o, &res, &err) == 0);
        CU_ASSERT(memcmp(theta, want_theta, n * P * sizeof *theta) == 0);
        CU_ASSERT(memcmp(value, want_value, n * sizeof *value) == 0);
        CU_ASSERT_EQUAL(theta[n * P], -2385);
        CU_ASSERT_EQUAL(value[n], -2385);
        runner_result_free(res);
        free(theta);
        free(value);
    }
    CU_ASSERT_EQUAL(explain_record_reps(s, 137), 137);
    CU_ASSERT_EQUAL(explain_record_reps(s, 1000000), EXPLAIN_MAX_RECORDS);
    free(want_theta);
    free(want_value);
    scenario_free(s);
}

/* "Assumptions only": every number written for the target's flows carries
 * the label; a number from data, a `fit` value, or nothing written, and it
 * does not. */
static void test_assumptions_only(void)
{
    static const char *const head =
        "[scenario]\nname = t\nstart_year = 2022\nend_year = 2024\n";
    static const struct {
        const char *body;
        int new_target, stock_target;
    } cases[] = {
        /* the inflow labelled, the exit not: new rests on assumptions, stock not */
        {"[tier a]\nstock = 137   ; seed: the plan\ninflow = uniform(10, 40)   ; assumption: no data\n"
         "exit = 0.05 ; derived: 51/241\n", 1, 0},
        /* a label in any case, plural, after a tab; the stock and exit too */
        {"[tier a]\nstock = 137\t; Assumptions (see above)\ninflow = 25 ;assumption\n"
         "exit = beta(2, 38) ; ASSUMPTION\n", 1, 1},
        /* the word later in the comment is not the label */
        {"[tier a]\ninflow = 25   ; derived, not an assumption\n", 0, 0},
        /* a comment on a line of its own labels nothing */
        {"[tier a]\n; assumption: the inflow\ninflow = 25\n", 0, 0},
        /* a `fit` value rests on the history */
        {"[tier a]\ninflow = fit(uniform(10, 40))   ; assumption: the prior\n", 0, 0},
        /* nothing written for the flows of new: not "assumptions only"; the
         * stock is one of a stock target's numbers */
        {"[tier a]\nstock = 137 ; assumption\n", 0, 1},
        /* a feeder's rate counts: here it is from data */
        {"[tier a]\ninflow = 25 ; assumption\n[tier z]\nstock = 40 ; seed\n"
         "[transition z -> a]\nrate = 0.1 ; shared data: 4 of 40\n", 0, 0},
        {"[tier a]\ninflow = 25 ; assumption\n[tier z]\nstock = 40 ; seed\n"
         "[transition z -> a]\nrate = 0.1 ; assumption\nquota = 3 ; assumption\n", 1, 1},
        /* a stock target's losses count: a promotion rate out from data */
        {"[tier a]\nstock = 137 ; assumption\nexit = 0.05 ; assumption\n[tier b]\n"
         "[transition a -> b]\nrate = 0.1 ; seed\n", 0, 0},
        /* values by year count like the others */
        {"[tier a]\ninflow = 25 ; assumption\ninflow@2023 = 30 ; seed\n", 0, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%s[target a]\nnew = 60\nstock = 150\n", head,
                 cases[c].body);
        scenario *s = load(text);
        CU_ASSERT_EQUAL_FATAL(s->n_targets, 2);
        for (size_t j = 0; j < 2; j++) {
            int want = s->targets[j].kind == TS_TARGET_STOCK ? cases[c].stock_target
                                                             : cases[c].new_target;
            int got = explain_assumptions_only(s, j);
            CU_ASSERT_EQUAL(got, want);
            if (got != want)
                fprintf(stderr, "\n  case %zu, %s target: got %d\n", c,
                        s->targets[j].kind == TS_TARGET_STOCK ? "stock" : "new", got);
        }
        scenario_free(s);
    }
}

static double p_met_at(const scenario *s, size_t j, size_t p, double x, uint64_t reps)
{
    double *fixed = malloc(s->n_params * sizeof *fixed);
    for (size_t i = 0; i < s->n_params; i++)
        fixed[i] = NAN;
    fixed[p] = x;
    runner_opts o;
    runner_opts_init(&o, s);
    crn_point pt = {fixed, 0};
    crn_result r;
    ts_err err;
    CU_ASSERT_FATAL(crn_eval(s, &o, &pt, 1, reps, &r, &err) == 0);
    double pm = (double)r.met[j] / (double)reps;
    crn_results_free(&r, 1);
    free(fixed);
    return pm;
}

/* The lever's value is where P(met) on the run's replications crosses q:
 * reached at it, not just below it (above it, for a lever that should be
 * lower); searched in the parameter's 1st..99th percentile. */
static void test_reach_value(void)
{
    scenario *s = load(three);
    runner_opts o;
    runner_opts_init(&o, s);
    ts_err err;
    uint64_t reps = 1500;
    size_t exitp = param(s, "tier.a.exit"), inflow = param(s, "tier.a.inflow");
    explain_reach x;
    /* the exit rate: lower helps */
    CU_ASSERT_FATAL(explain_reach_value(s, &o, 0, exitp, -0.7, 0.8, reps, &x, &err) == 0);
    CU_ASSERT(x.reachable);
    TU_ASSERT_CLOSE(x.lo, dist_quantile(&s->params[exitp].value, 0.01), 1e-12);
    TU_ASSERT_CLOSE(x.hi, dist_quantile(&s->params[exitp].value, 0.99), 1e-12);
    CU_ASSERT(x.lo < x.value && x.value < x.hi);
    double step = 2e-3 * (x.hi - x.lo);
    CU_ASSERT(p_met_at(s, 0, exitp, x.value, reps) >= 0.8);
    CU_ASSERT(p_met_at(s, 0, exitp, x.value + step, reps) < 0.8);
    CU_ASSERT(fabs(x.p_met - 0.8) < 0.03);
    /* the inflow: higher helps, but not enough within its range */
    CU_ASSERT_FATAL(explain_reach_value(s, &o, 0, inflow, 0.3, 0.999, reps, &x, &err) == 0);
    CU_ASSERT_EQUAL(x.reachable, 0);
    TU_ASSERT_CLOSE(x.value, x.hi, 1e-12);
    CU_ASSERT(x.p_met < 0.999);
    scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"levers: Spearman's rho, ties, noise", test_levers_spearman},
        {"the runner's records", test_runner_records},
        {"assumptions only", test_assumptions_only},
        {"the lever's value crosses q", test_reach_value},
        {NULL, NULL},
    };
    return tu_run("explain", tests);
}
