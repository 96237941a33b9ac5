/* Sensitivity analysis of scenarios whose answers can be derived by hand. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "runner.h"
#include "scenario.h"
#include "sensrun.h"
#include "testutil.h"

/* Tier a gains Poisson(lambda) firms a year for three years and loses none:
 * new[a] in 2024 is Poisson(3 lambda), lambda ~ uniform(20, 30).  Tier b and
 * its parameters have nothing to do with it. */
static const char tiny[] =
    "[scenario]\nname = sens\nstart_year = 2022\nend_year = 2024\nseed = 2385\n"
    "[tier a]\nstock = 40\ninflow = uniform(20, 30)\nexit = 0\n"
    "[tier b]\nstock = uniform(10, 50)\nexit = beta(2, 38)\n"
    "[target a]\nnew = 75\n";

static scenario *load(const char *text)
{
    scenario *s;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_string(&s, text, "sens.ini", &err) == 0);
    return s;
}

static runner_opts opts(const scenario *s, int threads)
{
    runner_opts o;
    runner_opts_init(&o, s);
    o.threads = threads;
    return o;
}

static size_t param(const scenario *s, const char *name)
{
    size_t i = scenario_find_param(s, name);
    CU_ASSERT_FATAL(i != TS_NO_PARAM);
    return i;
}

static void test_default_factors(void)
{
    scenario *s = load(tiny);
    size_t f[16];
    size_t d = sensrun_default_factors(s, f);
    CU_ASSERT_EQUAL(d, 3);
    CU_ASSERT_EQUAL(f[0], param(s, "tier.a.inflow"));
    CU_ASSERT_EQUAL(f[1], param(s, "tier.b.stock"));
    CU_ASSERT_EQUAL(f[2], param(s, "tier.b.exit"));
    ts_err err;
    size_t ex = param(s, "tier.a.exit");
    CU_ASSERT(sensrun_set_range(s, ex, 0.2, 1.5, &err) == -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "tier.a.exit: 1.5 is above 1");
    CU_ASSERT(sensrun_set_range(s, ex, 0.3, 0.2, &err) == -1);
    CU_ASSERT_FATAL(sensrun_set_range(s, ex, 0.01, 0.05, &err) == 0);
    CU_ASSERT_EQUAL(s->params[ex].value.kind, DIST_UNIFORM);
    TU_ASSERT_CLOSE(dist_quantile(&s->params[ex].value, 0.25), 0.02, 1e-12);
    CU_ASSERT_EQUAL(sensrun_default_factors(s, f), 4);
    scenario_free(s);
    /* the factors of a policy that is off change nothing: left out */
    static const char pol[] = "[scenario]\nname = p\nstart_year = 2022\nend_year = 2023\n"
                              "[tier a]\ninflow = 10\n[target a]\nnew = 5\n"
                              "[policy push]\nscale = a.inflow : uniform(1, 1.2)\n";
    s = load(pol);
    CU_ASSERT_EQUAL(sensrun_default_factors(s, f), 0);
    CU_ASSERT_EQUAL(sensrun_param_policy(s, param(s, "policy.push.scale.a.inflow")), 0);
    CU_ASSERT_FATAL(scenario_activate_policy(s, "push", &err) == 0);
    CU_ASSERT_EQUAL(sensrun_default_factors(s, f), 1);
    scenario_free(s);
}

/* Tornado by hand: inflow at its 5th and 95th percentiles is 20.5 and 29.5,
 * so the mean of new[a] moves from 61.5 to 88.5 (swing 27) and P(met) from
 * P(Poisson(61.5) >= 75) to P(Poisson(88.5) >= 75). */
static void test_tornado_by_hand(void)
{
    scenario *s = load(tiny);
    runner_opts o = opts(s, 2);
    size_t f[3] = {param(s, "tier.a.inflow"), param(s, "tier.b.stock"), param(s, "tier.b.exit")};
    uint64_t n = 20000;
    sensrun_tornado_result r;
    ts_err err;
    CU_ASSERT_FATAL(sensrun_tornado(s, &o, f, 3, n, &r, &err) == 0);
    TU_ASSERT_CLOSE(r.low[0], 20.5, 1e-12);
    TU_ASSERT_CLOSE(r.high[0], 29.5, 1e-12);
    TU_ASSERT_CLOSE(r.low[1], 12.0, 1e-12);
    double nn = (double)n;
    /* mean of new[a]: se sqrt(3 lambda / n) at each end */
    TU_ASSERT_WITHIN_SE("mean at the 5th percentile", r.out_low[SENSRUN_MEAN * 3 + 0], 61.5,
                        sqrt(61.5 / nn), 4);
    TU_ASSERT_WITHIN_SE("mean at the 95th percentile", r.out_high[SENSRUN_MEAN * 3 + 0], 88.5,
                        sqrt(88.5 / nn), 4);
    TU_ASSERT_WITHIN_SE("mean at the medians", r.base[SENSRUN_MEAN], 75.0, sqrt(75.0 / nn), 4);
    double swing = r.out_high[0] - r.out_low[0];
    TU_ASSERT_WITHIN_SE("swing of the mean", swing, 27.0, sqrt(150.0 / nn), 4);
    double plo = gsl_cdf_poisson_Q(74, 61.5), phi = gsl_cdf_poisson_Q(74, 88.5);
    TU_ASSERT_WITHIN_SE("P(met) low", r.out_low[SENSRUN_PMET * 3 + 0], plo,
                        sqrt(plo * (1 - plo) / nn), 4);
    TU_ASSERT_WITHIN_SE("P(met) high", r.out_high[SENSRUN_PMET * 3 + 0], phi,
                        sqrt(phi * (1 - phi) / nn), 4);
    /* P(met)'s bars start at the run's P(met) (every parameter drawn), the
     * same replications exactly (issue 13: at the medians it was 0 or 1) */
    double run_p[4];
    CU_ASSERT_FATAL(sensrun_run_pmet(s, &o, n, run_p, &err) == 0);
    CU_ASSERT_EQUAL(r.base[SENSRUN_PMET], run_p[0]);
    /* tier b's parameters do not reach new[a]: swings of noise at most */
    for (size_t i = 1; i < 3; i++) {
        double sw = fabs(r.out_high[i] - r.out_low[i]);
        TU_ASSERT_WITHIN_SE("swing of an irrelevant parameter", sw, 0.0, sqrt(150.0 / nn), 4);
    }
    sensrun_tornado_free(&r);
    scenario_free(s);
}

/* Morris: E[new] = 3 lambda = 3 (20 + 10 u), so every elementary effect on
 * the mean is 30 up to chance; tier b's are near 0. */
/* When is a Sobol design too small (issue 13)?  The widest interval of an
 * index, and the P(met) of the design's points against the run's in
 * standard errors: by hand. */
static void test_sobol_check(void)
{
    sens_ci s1[4] = {{0.5, 0.45, 0.55}, {0.1, 0.05, 0.15}, {0.3, 0.2, 0.4}, {NAN, NAN, NAN}};
    sens_ci st[4] = {{0.6, 0.5, 0.7}, {0.2, 0.1, 0.3}, {1.13, 0.9, 1.36}, {NAN, NAN, NAN}};
    /* one target, two outputs (mean, P(met)), two factors: [jo * 2 + i] */
    double mean[2] = {50, 0.70}, sd[2] = {10, 0.40};
    sensrun_sobol_result r = {2, 1, 128, "test", s1, st, mean, sd};
    double p_run = 0.57;
    sensrun_sobol_findings fd;
    sensrun_sobol_check(&r, &p_run, 20000, &fd);
    /* ST of factor 0 for P(met): [0.9, 1.36], 0.23 either side */
    TU_ASSERT_CLOSE(fd.half_width, 0.23, 1e-12);
    CU_ASSERT(fd.hw_target == 0 && fd.hw_output == SENSRUN_PMET && fd.hw_factor == 0 && fd.hw_st);
    CU_ASSERT(fd.half_width > SENSRUN_SOBOL_MAX_HALF_WIDTH);
    /* 0.70 against 0.57: se sqrt(0.16 / 256 + 0.57 * 0.43 / 20000) = 0.02548 */
    double se = sqrt(0.16 / 256.0 + 0.57 * 0.43 / 20000.0);
    TU_ASSERT_CLOSE(fd.z, 0.13 / se, 1e-9);
    CU_ASSERT(fd.z_target == 0 && fd.n_far == 1);
    /* within 4 se: no finding; a P(met) the design does not move: none */
    p_run = 0.70 - 3.9 * se;
    sensrun_sobol_check(&r, &p_run, 20000, &fd);
    CU_ASSERT_EQUAL(fd.n_far, 0);
    sd[1] = 0;
    p_run = 0.2;
    sensrun_sobol_check(&r, &p_run, 20000, &fd);
    CU_ASSERT_EQUAL(fd.n_far, 0);
    /* intervals of 0.1 either side or less: none */
    for (size_t k = 0; k < 4; k++)
        s1[k].lo = s1[k].hi = st[k].lo = st[k].hi = 0.5;
    sensrun_sobol_check(&r, &p_run, 20000, &fd);
    CU_ASSERT(!(fd.half_width > SENSRUN_SOBOL_MAX_HALF_WIDTH));
}

static void test_morris_scenario(void)
{
    scenario *s = load(tiny);
    runner_opts o = opts(s, 2);
    size_t f[2] = {param(s, "tier.a.inflow"), param(s, "tier.b.stock")};
    sensrun_morris_result r;
    ts_err err;
    CU_ASSERT_FATAL(sensrun_morris(s, &o, f, 2, 10, 2000, &r, &err) == 0);
    CU_ASSERT(fabs(r.mu_star[0] - 30.0) < 1.0);
    CU_ASSERT(r.mu_star[1] < 1.0);
    CU_ASSERT(r.sigma[0] < 1.0);
    sensrun_morris_free(&r);
    scenario_free(s);
}

/* Sobol: the same on any number of threads, byte for byte; inflow carries
 * nearly all the variance of new[a]. */
static void test_sobol_scenario(void)
{
    scenario *s = load(tiny);
    size_t f[3] = {param(s, "tier.a.inflow"), param(s, "tier.b.stock"), param(s, "tier.b.exit")};
    runner_opts o1 = opts(s, 1), o3 = opts(s, 3);
    sensrun_sobol_result a, b;
    ts_err err;
    CU_ASSERT_FATAL(sensrun_sobol(s, &o1, f, 3, 128, 200, &a, &err) == 0);
    CU_ASSERT_FATAL(sensrun_sobol(s, &o3, f, 3, 128, 200, &b, &err) == 0);
    CU_ASSERT(memcmp(a.s1, b.s1, 2 * 3 * sizeof *a.s1) == 0);
    CU_ASSERT(memcmp(a.st, b.st, 2 * 3 * sizeof *a.st) == 0);
    CU_ASSERT(a.s1[0].est > 0.9 && a.st[0].est > 0.9 && a.st[0].est < 1.1);
    CU_ASSERT(fabs(a.st[1].est) < 0.05 && fabs(a.st[2].est) < 0.05);
    CU_ASSERT(a.s1[SENSRUN_PMET * 3].est > 0.8);
    sensrun_sobol_free(&a);
    sensrun_sobol_free(&b);
    scenario_free(s);
}

/* Filtering on the scenario: inflow separates the replications that met
 * new >= 75 from the others; tier b's stock does not. */
static void test_filter_scenario(void)
{
    scenario *s = load(tiny);
    runner_opts o = opts(s, 2);
    size_t f[2] = {param(s, "tier.a.inflow"), param(s, "tier.b.stock")};
    sensrun_filter_result r;
    ts_err err;
    CU_ASSERT_FATAL(sensrun_filter(s, &o, f, 2, 4000, &r, &err) == 0);
    CU_ASSERT(r.n_met[0] > 1000 && r.n_met[0] < 3000);
    CU_ASSERT(r.ks[0] > 0.5 && r.p_value[0] < 1e-50);
    CU_ASSERT(r.median_met[0] > r.median_missed[0]);
    CU_ASSERT(r.p_value[1] > 0.001);
    for (size_t i = 0; i < 4000; i++)
        CU_ASSERT(r.x[i * 2] >= 20 && r.x[i * 2] <= 30);
    sensrun_filter_free(&r);
    scenario_free(s);
}

/* The variance split on one year of Poisson(lambda) entries:
 * Var(E[Y | lambda]) = Var(lambda) = 40^2 / 12 and E[Var(Y | lambda)] =
 * E[lambda] = 40, so the parameter share of new[a] is 133.3 / 173.3.  For
 * the indicator of Y >= 45, the parameter part is Var(q(lambda)) with q the
 * Poisson tail, integrated here with Simpson's rule. */
static const char split_text[] =
    "[scenario]\nname = split\nstart_year = 2022\nend_year = 2022\nseed = 137\n"
    "[tier a]\ninflow = uniform(20, 60)\n[target a]\nnew = 45\n";

static void test_split_known(void)
{
    scenario *s = load(split_text);
    runner_opts o = opts(s, 2);
    size_t f[1];
    CU_ASSERT_FATAL(sensrun_default_factors(s, f) == 1);
    sensrun_split_result r;
    ts_err err;
    CU_ASSERT_FATAL(sensrun_split(s, &o, f, 1, 1000, 40, &r, &err) == 0);
    CU_ASSERT_EQUAL(r.params_vary, 1);
    const sens_split *m = &r.split[SENSRUN_MEAN], *p = &r.split[SENSRUN_PMET];
    double vb = 1600.0 / 12.0, vw = 40.0;
    TU_ASSERT_WITHIN_SE("share of the mean", m->share, vb / (vb + vw), m->share_se, 4);
    CU_ASSERT(m->share_se > 0.002 && m->share_se < 0.03);
    /* W: the mean of 1000 sample variances of Poisson(lambda); its se is
     * roughly sqrt(Var(lambda) + E[2 lambda^2 / 39]) / sqrt(1000) */
    TU_ASSERT_WITHIN_SE("chance part of the mean", m->chance, vw, sqrt(vb + 2 * 1733.0 / 39) / sqrt(1000.0), 4);
    double sq = 0, sq2 = 0;
    int steps = 2000;
    for (int k = 0; k <= steps; k++) {
        double lam = 20 + 40.0 * k / steps, q = gsl_cdf_poisson_Q(44, lam);
        double w = (k == 0 || k == steps) ? 1 : (k % 2 ? 4 : 2);
        sq += w * q;
        sq2 += w * q * q;
    }
    sq /= 3.0 * steps;
    sq2 /= 3.0 * steps;
    double pb = sq2 - sq * sq, pw = sq - sq2;   /* E[q(1-q)] = E q - E q^2 */
    TU_ASSERT_WITHIN_SE("share of P(met)", p->share, pb / (pb + pw), p->share_se, 4);
    sensrun_split_free(&r);
    scenario_free(s);

    /* Fixed parameters: the parameter share is 0 exactly, and chance is the
     * Poisson variance. */
    static const char fixed_text[] =
        "[scenario]\nname = split\nstart_year = 2022\nend_year = 2022\nseed = 137\n"
        "[tier a]\ninflow = 40\n[target a]\nnew = 45\n";
    s = load(fixed_text);
    o = opts(s, 2);
    size_t i = param(s, "tier.a.inflow");
    CU_ASSERT_FATAL(sensrun_split(s, &o, &i, 1, 200, 50, &r, &err) == 0);
    CU_ASSERT_EQUAL(r.params_vary, 0);
    CU_ASSERT_EQUAL(r.split[SENSRUN_MEAN].share, 0.0);
    CU_ASSERT_EQUAL(r.split[SENSRUN_MEAN].param, 0.0);
    CU_ASSERT_EQUAL(r.split[SENSRUN_PMET].share, 0.0);
    TU_ASSERT_WITHIN_SE("Poisson variance", r.split[SENSRUN_MEAN].chance, 40.0,
                        40.0 * sqrt(2.0 / 10000 + 1.0 / (40 * 10000)), 4);
    sensrun_split_free(&r);
    scenario_free(s);
}

/* A sweep of the inflow: the mean of new[a] is 3 lambda at each point. */
static void test_sweep(void)
{
    scenario *s = load(tiny);
    runner_opts o = opts(s, 2);
    size_t p[2] = {param(s, "tier.a.inflow"), param(s, "tier.a.exit")};
    double lo[2] = {20, 0}, hi[2] = {30, 0.2};
    size_t steps[2] = {3, 2};
    sensrun_sweep_result r;
    ts_err err;
    CU_ASSERT_FATAL(sensrun_sweep(s, &o, p, lo, hi, steps, 2, 3000, &r, &err) == 0);
    CU_ASSERT_EQUAL(r.n_points, 6);
    double want_v[6][2] = {{20, 0}, {20, 0.2}, {25, 0}, {25, 0.2}, {30, 0}, {30, 0.2}};
    for (size_t k = 0; k < 6; k++) {
        CU_ASSERT_EQUAL(r.values[k * 2], want_v[k][0]);
        CU_ASSERT_EQUAL(r.values[k * 2 + 1], want_v[k][1]);
        TU_ASSERT_WITHIN_SE("sweep mean", r.mean[k], 3 * want_v[k][0], sqrt(3 * want_v[k][0] / 3000), 4);
    }
    CU_ASSERT(r.met[0] < r.met[2] && r.met[2] < r.met[4]);
    sensrun_sweep_free(&r);
    hi[1] = 1.2;
    CU_ASSERT(sensrun_sweep(s, &o, p, lo, hi, steps, 2, 3000, &r, &err) == -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "tier.a.exit: 1.2 is above 1");
    scenario_free(s);
}

/* More points than a batch: the same values as evaluating them alone. */
static void test_eval_batches(void)
{
    scenario *s = load(tiny);
    runner_opts o = opts(s, 2);
    size_t f[2] = {param(s, "tier.a.inflow"), param(s, "tier.b.exit")};
    size_t n = SENSRUN_BATCH + 5, K = s->n_targets * SENSRUN_OUTPUTS;
    double *u = malloc(n * 2 * sizeof *u), *y = malloc(n * K * sizeof *y), y2[10 * 2];
    for (size_t k = 0; k < n; k++) {
        u[2 * k] = (k % 997 + 0.5) / 997.0;
        u[2 * k + 1] = (k % 13 + 0.5) / 13.0;
    }
    ts_err err;
    CU_ASSERT_FATAL(sensrun_eval(s, &o, f, 2, u, n, NULL, 2, y, &err) == 0);
    size_t first = SENSRUN_BATCH - 5;
    CU_ASSERT_FATAL(sensrun_eval(s, &o, f, 2, u + first * 2, 10, NULL, 2, y2, &err) == 0);
    CU_ASSERT(memcmp(y + first * K, y2, 10 * K * sizeof *y) == 0);
    free(u);
    free(y);
    scenario_free(s);
}

/* A design that repeats its values, as a Saltelli design does (each u of A
 * and B in d or 2 points), in no particular order: each factor's distinct
 * values get one quantile each (design_quantiles), and every point's result
 * is bit for bit the one it has evaluated alone. */
static void test_eval_repeated_values(void)
{
    scenario *s = load(tiny);
    runner_opts o = opts(s, 2);
    size_t f[2] = {param(s, "tier.a.inflow"), param(s, "tier.b.exit")};
    enum { N = 24 };
    size_t K = s->n_targets * SENSRUN_OUTPUTS;
    static const double ua[3] = {0.1, 0.5, 0.93}, ub[4] = {0.02, 0.5, 0.7, 0.999};
    double u[N * 2], y[N * 8], y1[8];
    CU_ASSERT_FATAL(K <= 8);
    for (size_t k = 0; k < N; k++) {
        u[2 * k] = ua[(k * 7) % 3];
        u[2 * k + 1] = ub[(k * 5 + k / 4) % 4];
    }
    ts_err err;
    CU_ASSERT_FATAL(sensrun_eval(s, &o, f, 2, u, N, NULL, 50, y, &err) == 0);
    int differ = 0;
    for (size_t k = 0; k < N; k++) {
        CU_ASSERT_FATAL(sensrun_eval(s, &o, f, 2, u + 2 * k, 1, NULL, 50, y1, &err) == 0);
        CU_ASSERT(memcmp(y + k * K, y1, K * sizeof *y1) == 0);
        differ |= memcmp(y + k * K, y, K * sizeof *y) != 0;
    }
    CU_ASSERT(differ); /* the points' values mattered */
    scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"Sobol: a design too small for what it is asked", test_sobol_check},
        {"default factors and ranges", test_default_factors},
        {"tornado derived by hand", test_tornado_by_hand},
        {"Morris on a scenario", test_morris_scenario},
        {"Sobol on a scenario, any thread count", test_sobol_scenario},
        {"filtering on a scenario", test_filter_scenario},
        {"variance split with known parts", test_split_known},
        {"sweep", test_sweep},
        {"evaluation in batches", test_eval_batches},
        {"repeated design values, one quantile each", test_eval_repeated_values},
        {NULL, NULL},
    };
    return tu_run("sensrun", tests);
}
