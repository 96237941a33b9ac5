/* Common random numbers: design points and arms share replications. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crn.h"
#include "engine.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

static const char text[] =
    "[scenario]\nname = c\nstart_year = 2022\nend_year = 2024\nseed = 2385\n"
    "[tier a]\nstock = 300\ninflow = uniform(30, 50)\nexit = beta(2, 40)\n"
    "[tier b]\nstock = 20\nexit = 0.05\n"
    "[transition a -> b]\nrate = beta(3, 70)\n"
    "[target b]\nnew = 40\n[target a]\nstock = 380\n"
    "[policy one]\nscale = a -> b : 1, a.inflow : 1\n"
    "[policy push]\nfrom = 2023\nscale = a -> b : 1.15\n";

static scenario *load(void)
{
    scenario *s;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_string(&s, text, "c.ini", &err) == 0);
    return s;
}

static runner_opts opts(const scenario *s, int threads)
{
    runner_opts o;
    runner_opts_init(&o, s);
    o.threads = threads;
    return o;
}

/* All parameters drawn: exactly the replications of runner_run. */
static void test_eval_matches_runner(void)
{
    scenario *s = load();
    runner_opts o = opts(s, 2);
    o.replications = 1700;
    runner_result *r;
    ts_err err;
    CU_ASSERT_FATAL(runner_run(s, &o, &r, &err) == 0);
    crn_point pt = {NULL, 0};
    crn_result cr;
    CU_ASSERT_FATAL(crn_eval(s, &o, &pt, 1, 1700, &cr, &err) == 0);
    for (size_t j = 0; j < s->n_targets; j++) {
        CU_ASSERT_EQUAL(cr.met[j], runner_met(r, j));
        const hist *h = runner_hist(r, 2, s->targets[j].tier,
                                    s->targets[j].kind == TS_TARGET_NEW ? M_NEW : M_STOCK);
        TU_ASSERT_CLOSE(cr.mean[j], hist_mean(h), 1e-12);
        TU_ASSERT_CLOSE(sqrt(cr.var[j]), hist_sd(h), 1e-9);
    }
    crn_results_free(&cr, 1);
    runner_result_free(r);
    scenario_free(s);
}

/* A target over two tiers: crn_eval sums the tiers in each replication as
 * the runner does (the same replications, so exactly its counts), and an
 * arm's target of the same name and measure is matched by crn_compare. */
static void test_eval_target_over_two_tiers(void)
{
    char multi[sizeof text + 128];
    snprintf(multi, sizeof multi, "%s[target ab]\ntiers = a, b\nnew = 150\nstock = 400\n", text);
    scenario *s;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_string(&s, multi, "c.ini", &err) == 0);
    CU_ASSERT_FATAL(s->n_targets == 4 && s->targets[2].n_tiers == 2);
    runner_opts o = opts(s, 2);
    o.replications = 1700;
    runner_result *r;
    CU_ASSERT_FATAL(runner_run(s, &o, &r, &err) == 0);
    crn_point pt = {NULL, 0};
    crn_result cr;
    CU_ASSERT_FATAL(crn_eval(s, &o, &pt, 1, 1700, &cr, &err) == 0);
    for (size_t j = 0; j < s->n_targets; j++) {
        CU_ASSERT_EQUAL(cr.met[j], runner_met(r, j));
        const hist *h = runner_target_hist(r, j);
        TU_ASSERT_CLOSE(cr.mean[j], hist_mean(h), 1e-12);
        TU_ASSERT_CLOSE(sqrt(cr.var[j]), hist_sd(h), 1e-9);
    }
    /* neither 0 nor every replication: the comparison says something */
    CU_ASSERT(cr.met[2] > 0 && cr.met[2] < 1700 && cr.met[3] > 0 && cr.met[3] < 1700);
    crn_results_free(&cr, 1);
    runner_result_free(r);
    scenario_free(s);
}

/* Replication i by hand, streams written out: parameters from stream 2i,
 * then the fixed ones overwritten, chance from stream 2i + 1.  Returns the
 * end-year value of target j and leaves the parameters in theta. */
static int64_t by_hand(const scenario *s, uint64_t i, const double *fixed, size_t j,
                       double *theta)
{
    engine_ws *w = engine_alloc(s, ENGINE_FAST);
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    int64_t *out = calloc(engine_out_len(s), sizeof *out);
    CU_ASSERT_FATAL(w && r && out);
    rng_seed_stream(r, s->seed, 2 * i);
    engine_draw(s, r, theta);
    for (size_t p = 0; fixed && p < s->n_params; p++)
        if (!isnan(fixed[p]))
            theta[p] = fixed[p];
    rng_seed_stream(r, s->seed, 2 * i + 1);
    int capped;
    ts_err err;
    CU_ASSERT_FATAL(engine_run(w, s, theta, r, out, &capped, &err) == 0);
    const ts_target *t = &s->targets[j];
    ts_measure m = t->kind == TS_TARGET_NEW ? M_NEW : M_STOCK;
    int64_t v = out[((scenario_years(s) - 1) * s->n_tiers + t->tier) * M_COUNT + m];
    free(out);
    gsl_rng_free(r);
    engine_free(w);
    return v;
}

/* crn_eval and crn_records follow the stream rule: one replication at
 * first_rep 41 (streams 82 and 83), with and without a fixed parameter, and
 * the records of replications 0..2. */
static void test_streams_by_hand(void)
{
    scenario *s = load();
    runner_opts o = opts(s, 1);
    double *fixed = malloc(s->n_params * sizeof *fixed);
    double *theta = malloc(s->n_params * sizeof *theta);
    double *rec_theta = malloc(3 * s->n_params * sizeof *rec_theta);
    int64_t *rec_value = malloc(3 * s->n_targets * sizeof *rec_value);
    CU_ASSERT_FATAL(fixed && theta && rec_theta && rec_value);
    for (size_t i = 0; i < s->n_params; i++)
        fixed[i] = NAN;
    fixed[scenario_find_param(s, "transition.a->b.rate")] = 0.0385;
    crn_point pts[2] = {{NULL, 41}, {fixed, 41}};
    crn_result r[2];
    ts_err err;
    CU_ASSERT_FATAL(crn_eval(s, &o, pts, 2, 1, r, &err) == 0);
    for (size_t j = 0; j < s->n_targets; j++) {
        CU_ASSERT_EQUAL(r[0].mean[j], (double)by_hand(s, 41, NULL, j, theta));
        CU_ASSERT_EQUAL(r[1].mean[j], (double)by_hand(s, 41, fixed, j, theta));
    }
    /* the fixed rate made a difference, so the second check is a check */
    CU_ASSERT(r[0].mean[0] != r[1].mean[0]);
    CU_ASSERT_FATAL(crn_records(s, &o, 3, rec_theta, rec_value, &err) == 0);
    for (uint64_t i = 0; i < 3; i++)
        for (size_t j = 0; j < s->n_targets; j++) {
            CU_ASSERT_EQUAL(rec_value[i * s->n_targets + j], by_hand(s, i, NULL, j, theta));
            CU_ASSERT(memcmp(rec_theta + i * s->n_params, theta,
                             s->n_params * sizeof *theta) == 0);
        }
    /* the replications differ, so the records check says something */
    CU_ASSERT(rec_value[0] != rec_value[s->n_targets] ||
              rec_value[0] != rec_value[2 * s->n_targets]);
    crn_results_free(r, 2);
    free(rec_value);
    free(rec_theta);
    free(theta);
    free(fixed);
    scenario_free(s);
}

/* Fixing a parameter at the value every draw has changes nothing; results
 * do not depend on the thread count. */
static void test_fixed_and_threads(void)
{
    scenario *s = load();
    double *fixed = malloc(s->n_params * sizeof *fixed);
    for (size_t i = 0; i < s->n_params; i++)
        fixed[i] = NAN;
    fixed[scenario_find_param(s, "tier.b.exit")] = 0.05;
    crn_point pts[3] = {{NULL, 0}, {fixed, 0}, {NULL, 5000}};
    crn_result a[3], b[3];
    ts_err err;
    runner_opts o1 = opts(s, 1), o3 = opts(s, 3);
    CU_ASSERT_FATAL(crn_eval(s, &o1, pts, 3, 1234, a, &err) == 0);
    CU_ASSERT_FATAL(crn_eval(s, &o3, pts, 3, 1234, b, &err) == 0);
    for (size_t j = 0; j < s->n_targets; j++) {
        CU_ASSERT_EQUAL(a[0].met[j], a[1].met[j]);
        CU_ASSERT(memcmp(&a[0].mean[j], &a[1].mean[j], sizeof(double)) == 0);
        for (int p = 0; p < 3; p++) {
            CU_ASSERT_EQUAL(a[p].met[j], b[p].met[j]);
            CU_ASSERT(memcmp(&a[p].var[j], &b[p].var[j], sizeof(double)) == 0);
        }
    }
    /* other replications (first_rep 5000) give other results */
    CU_ASSERT(a[2].mean[0] != a[0].mean[0]);
    crn_results_free(a, 3);
    crn_results_free(b, 3);
    free(fixed);
    scenario_free(s);
}

/* rows x np values, all NAN ("drawn as usual"), or NULL. */
static double *nan_rows(size_t rows, size_t np)
{
    double *f = malloc((rows * np + 1) * sizeof *f);
    for (size_t i = 0; f && i < rows * np; i++)
        f[i] = NAN;
    return f;
}

/* Two results bit for bit the same. */
static void check_same(const crn_result *a, const crn_result *b, size_t n_targets)
{
    for (size_t j = 0; j < n_targets; j++) {
        CU_ASSERT_EQUAL(a->met[j], b->met[j]);
        CU_ASSERT(memcmp(&a->mean[j], &b->mean[j], sizeof(double)) == 0);
        CU_ASSERT(memcmp(&a->var[j], &b->var[j], sizeof(double)) == 0);
    }
}

/* all[k] is what point k gives evaluated alone, for each of the n points. */
static void check_each_alone(const scenario *s, const runner_opts *o, const crn_point *pts,
                             const crn_result *all, size_t n, uint64_t reps)
{
    ts_err err;
    for (size_t k = 0; k < n; k++) {
        crn_result one;
        CU_ASSERT_FATAL(crn_eval(s, o, &pts[k], 1, reps, &one, &err) == 0);
        check_same(&all[k], &one, s->n_targets);
        crn_results_free(&one, 1);
    }
}

/* Three points or more on the same replications share one set of parameter
 * draws (crn.c's drawn_cache): each point's results are bit for bit those
 * it has evaluated alone, where every replication draws its own -- with
 * fixed values over the shared draws, on 1 and 2 threads, and at a
 * first_rep other than 0 (the cache's rows are replications first_rep + r). */
static void test_shared_draws(void)
{
    scenario *s = load();
    const size_t np = s->n_params;
    double *fixed = nan_rows(2, np);
    CU_ASSERT_FATAL(fixed != NULL);
    fixed[scenario_find_param(s, "transition.a->b.rate")] = 0.0385;
    fixed[np + scenario_find_param(s, "tier.a.exit")] = 0.1;
    crn_point pts[4] = {{NULL, 37}, {fixed, 37}, {fixed + np, 37}, {NULL, 37}};
    ts_err err;
    for (int th = 1; th <= 2; th++) {
        runner_opts o = opts(s, th);
        crn_result all[4];
        CU_ASSERT_FATAL(crn_eval(s, &o, pts, 4, 1500, all, &err) == 0);
        check_each_alone(s, &o, pts, all, 4, 1500);
        /* the fixed values changed the results, so the check covers them */
        CU_ASSERT(all[1].mean[0] != all[0].mean[0] && all[2].mean[1] != all[0].mean[1]);
        crn_results_free(all, 4);
    }
    free(fixed);
    scenario_free(s);
}

/* crn_eval_ref: points replaying others' replications (engine_replay) have
 * each the results they have alone, bit for bit, on 1 and 2 threads and over
 * several chunks -- a point that changes only tier b's exit copies tier a
 * from the record of the point it replays, one that changes a's rate draws
 * both; in chains (0 <- 1 <- 3 <- 9), replaying a later point (10 <- 11), in
 * a cycle (7 <-> 8, cut); and a reference outside, the point itself or one
 * of other replications only makes the point draw all. */
static void test_replayed_points(void)
{
    scenario *s = load();
    const size_t np = s->n_params, n = 12;
    double *fixed = nan_rows(3, np);
    CU_ASSERT_FATAL(fixed != NULL);
    fixed[scenario_find_param(s, "tier.b.exit")] = 0.08;
    fixed[np + scenario_find_param(s, "transition.a->b.rate")] = 0.0385;
    fixed[2 * np + scenario_find_param(s, "tier.b.exit")] = 0.02;
    crn_point pts[12] = {{NULL, 37},           {fixed, 37},     {fixed + np, 37},
                         {fixed + 2 * np, 37}, {fixed + np, 37}, {fixed, 99},
                         {fixed + 2 * np, 37}, {fixed + np, 37}, {fixed, 37},
                         {fixed + np, 37},     {fixed, 37},     {NULL, 37}};
    const size_t ref[12] = {0, 0, 0, 1, 70, 0, 6, 8, 7, 3, 11, 11};
    ts_err err;
    for (int th = 1; th <= 2; th++) {
        runner_opts o = opts(s, th);
        crn_result all[12];
        CU_ASSERT_FATAL(crn_eval_ref(s, &o, pts, ref, n, 2 * RUNNER_CHUNK + 300, all, &err) == 0);
        check_each_alone(s, &o, pts, all, n, 2 * RUNNER_CHUNK + 300);
        /* a's rate changed both targets, so the check covers the points' places */
        CU_ASSERT(all[2].mean[0] != all[0].mean[0] && all[2].mean[1] != all[0].mean[1]);
        crn_results_free(all, n);
    }
    free(fixed);
    scenario_free(s);
}

/* Large trees: a star of 300 points replaying one (more children than a
 * byte counts) and a chain of 40 each replaying the one before, past the
 * depth where a chain is cut -- each point equal to itself alone. */
static void test_replay_trees(void)
{
    scenario *s = load();
    const size_t np = s->n_params, n = 341, exit = scenario_find_param(s, "tier.b.exit");
    double *fixed = nan_rows(n, np);
    crn_point *pts = calloc(n, sizeof *pts);
    size_t *ref = calloc(n, sizeof *ref);
    crn_result *all = calloc(n, sizeof *all);
    CU_ASSERT_FATAL(fixed && pts && ref && all);
    for (size_t i = 0; i < n; i++) {
        fixed[i * np + exit] = 0.01 + 0.0002 * (double)i;
        pts[i].fixed = fixed + i * np;
        pts[i].first_rep = 5;
        ref[i] = i < 301 ? 0 : i - 1;   /* 0 <- 1..300; 300 <- 301 <- ... <- 340 */
    }
    ts_err err;
    runner_opts o = opts(s, 2);
    CU_ASSERT_FATAL(crn_eval_ref(s, &o, pts, ref, n, RUNNER_CHUNK + 100, all, &err) == 0);
    check_each_alone(s, &o, pts, all, n, RUNNER_CHUNK + 100);
    crn_results_free(all, n);
    free(fixed), free(pts), free(ref), free(all);
    scenario_free(s);
}

/* crn_eval_kept, point after point as goal seeking evaluates them, with
 * the replications changing in between (700, 1500, 700): each result bit
 * for bit crn_eval's of that point. */
static void test_kept_draws(void)
{
    scenario *s = load();
    const size_t np = s->n_params, rate = scenario_find_param(s, "transition.a->b.rate");
    double *fixed = malloc(np * sizeof *fixed);
    CU_ASSERT_FATAL(fixed != NULL);
    for (size_t i = 0; i < np; i++)
        fixed[i] = NAN;
    static const double x[] = {0.01, 0.0385, 0.09, 0.0385, 0.2};
    static const uint64_t reps[] = {700, 700, 1500, 1500, 700};
    runner_opts o = opts(s, 2);
    crn_kept kept = {NULL, 0};
    ts_err err;
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
        fixed[rate] = x[i];
        crn_point pt = {fixed, 0};
        crn_result a, b;
        CU_ASSERT_FATAL(crn_eval_kept(s, &o, fixed, reps[i], &kept, &a, &err) == 0);
        CU_ASSERT_FATAL(crn_eval(s, &o, &pt, 1, reps[i], &b, &err) == 0);
        CU_ASSERT_EQUAL(kept.reps, reps[i]);
        CU_ASSERT(kept.rows != NULL);
        check_same(&a, &b, s->n_targets);
        crn_results_free(&a, 1);
        crn_results_free(&b, 1);
    }
    crn_kept_free(&kept);
    CU_ASSERT(kept.rows == NULL && kept.reps == 0);
    free(fixed);
    scenario_free(s);
}

/* A policy whose factors are all 1 has delta exactly 0; a real one has a
 * paired se far below the se of two independent estimates. */
static void test_compare_crn(void)
{
    scenario *base = load(), *one = load(), *push = load();
    ts_err err;
    CU_ASSERT_FATAL(scenario_activate_policy(one, "one", &err) == 0);
    CU_ASSERT_FATAL(scenario_activate_policy(push, "push", &err) == 0);
    const scenario *arms[3] = {base, one, push};
    size_t map[6] = {0, 1, 0, 1, 0, 1};
    runner_opts o = opts(base, 2);
    crn_compare_result r;
    uint64_t n = 6000;
    CU_ASSERT_FATAL(crn_compare(arms, 3, map, &o, n, &r, &err) == 0);
    for (size_t j = 0; j < 2; j++) {
        CU_ASSERT_EQUAL(r.met[1 * 2 + j], r.met[j]);
        CU_ASSERT_EQUAL(r.gain[1 * 2 + j], 0);
        CU_ASSERT_EQUAL(r.loss[1 * 2 + j], 0);
    }
    double d, se;
    crn_paired_delta(r.gain[2 * 2 + 0], r.loss[2 * 2 + 0], n, &d, &se);
    CU_ASSERT(d > 0);
    double p0 = (double)r.met[0] / n, p1 = (double)r.met[4] / n;
    double se_indep = sqrt(p0 * (1 - p0) / n + p1 * (1 - p1) / n);
    CU_ASSERT(se < 0.5 * se_indep);
    TU_ASSERT_CLOSE(d, p1 - p0, 1e-12);
    crn_compare_free(&r);
    scenario_free(base);
    scenario_free(one);
    scenario_free(push);
}

/* Records: per-replication values reproduce the runner's counts. */
static void test_records(void)
{
    scenario *s = load();
    runner_opts o = opts(s, 2);
    o.replications = 1100;
    runner_result *r;
    ts_err err;
    CU_ASSERT_FATAL(runner_run(s, &o, &r, &err) == 0);
    double *theta = malloc(1100 * s->n_params * sizeof *theta);
    int64_t *value = malloc(1100 * s->n_targets * sizeof *value);
    CU_ASSERT_FATAL(crn_records(s, &o, 1100, theta, value, &err) == 0);
    for (size_t j = 0; j < s->n_targets; j++) {
        uint64_t met = 0;
        for (size_t i = 0; i < 1100; i++)
            met += (uint64_t)(value[i * s->n_targets + j] >= s->targets[j].threshold);
        CU_ASSERT_EQUAL(met, runner_met(r, j));
    }
    size_t pr = scenario_find_param(s, "transition.a->b.rate");
    for (size_t i = 0; i < 1100; i++)
        CU_ASSERT(theta[i * s->n_params + pr] > 0 && theta[i * s->n_params + pr] < 1);
    free(theta);
    free(value);
    runner_result_free(r);
    scenario_free(s);
}

/* Common random numbers draw by draw: changing a parameter of one tier leaves
 * an unconnected tier's replications exactly as they were (each (year, tier)
 * draws from its own substream), even though the changed tier's rejection
 * samplers use a different number of uniforms. */
static void test_unconnected_tier_unchanged(void)
{
    scenario *s;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_string(&s,
        "[scenario]\nname = u\nstart_year = 2022\nend_year = 2025\nseed = 137\n"
        "[tier a]\nstock = 5000\ninflow = 300\nexit = 0.2385\n"
        "[tier c]\nstock = 800\ninflow = gamma(20, 3)\nexit = beta(2, 30)\n"
        "[target c]\nstock = 900\n[target a]\nstock = 4000\n", "u.ini", &err) == 0);
    double *fixed = malloc(s->n_params * sizeof *fixed);
    for (size_t i = 0; i < s->n_params; i++)
        fixed[i] = NAN;
    fixed[scenario_find_param(s, "tier.a.exit")] = 0.0385;
    crn_point pts[2] = {{NULL, 0}, {fixed, 0}};
    crn_result r[2];
    runner_opts o = opts(s, 2);
    CU_ASSERT_FATAL(crn_eval(s, &o, pts, 2, 2000, r, &err) == 0);
    CU_ASSERT(r[0].mean[1] != r[1].mean[1]);          /* tier a did change */
    CU_ASSERT_EQUAL(r[0].met[0], r[1].met[0]);        /* tier c did not, at all */
    CU_ASSERT(memcmp(&r[0].mean[0], &r[1].mean[0], sizeof(double)) == 0);
    CU_ASSERT(memcmp(&r[0].var[0], &r[1].var[0], sizeof(double)) == 0);
    crn_results_free(r, 2);
    free(fixed);
    scenario_free(s);
}

static void test_paired_delta(void)
{
    double d, se;
    crn_paired_delta(37, 11, 1370, &d, &se);
    TU_ASSERT_CLOSE(d, 26.0 / 1370, 1e-15);
    TU_ASSERT_CLOSE(se, sqrt((48.0 / 1370 - d * d) / 1370), 1e-15);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"replication i draws from streams 2i and 2i + 1", test_streams_by_hand},
        {"eval matches the runner", test_eval_matches_runner},
        {"eval sums a target over two tiers as the runner does", test_eval_target_over_two_tiers},
        {"fixed parameters and threads", test_fixed_and_threads},
        {"points on the same replications share their draws", test_shared_draws},
        {"draws kept from one evaluation to the next", test_kept_draws},
        {"points replaying another's replications", test_replayed_points},
        {"large trees of replays", test_replay_trees},
        {"compare with common random numbers", test_compare_crn},
        {"per-replication records", test_records},
        {"paired delta", test_paired_delta},
        {"an unconnected tier is unchanged", test_unconnected_tier_unchanged},
        {NULL, NULL},
    };
    return tu_run("crn", tests);
}
