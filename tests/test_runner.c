/* The runner: identical results for any number of threads, the first n
 * replications of a longer run are a run of n, --precision is deterministic,
 * and the aggregated summaries agree with exact values. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

static const char small[] =
    "[scenario]\nname = small\nstart_year = 2022\nend_year = 2025\nreplications = 3001\nseed = 77\n"
    "[tier a]\nstock = uniform(200, 400)\ninflow = gamma(9, 7)\ninflow_growth = 12%\n"
    "inflow_dispersion = 0.05\nexit = beta(2, 30)\n"
    "[tier b]\nstock = 17\nexit = 0.04\n[tier c]\n"
    "[transition a -> b]\nrate = beta(3, 60)\nkeep = yes\n"
    "[transition b -> c]\nrate = 0.05\nquota = 2\n"
    "[target b]\nnew = 60\ntolerance = 10%\n[target c]\nnew = 4\n[target a]\nstock = 700\n"
    "[target bc]\ntiers = b, c\nstock = 40\nnew = 64\n";

static scenario *load(const char *text)
{
    scenario *s = NULL;
    ts_err err;
    if (scenario_parse_string(&s, text, "t.ini", &err) < 0) {
        fprintf(stderr, "\n  %s\n", err.msg);
        CU_FAIL_FATAL("parse");
    }
    return s;
}

static runner_result *run(const scenario *s, int threads, uint64_t reps, double precision)
{
    runner_opts o;
    runner_opts_init(&o, s);
    o.threads = threads;
    o.replications = reps;
    o.precision = precision;
    o.max_replications = 60000;
    runner_result *r = NULL;
    ts_err err;
    if (runner_run(s, &o, &r, &err) < 0) {
        fprintf(stderr, "\n  %s\n", err.msg);
        CU_FAIL_FATAL("run");
    }
    return r;
}

/* The reproducibility contract by hand, with the stream numbers written out
 * (not through rng_stream): replication i draws its parameters from stream
 * 2i and its chance events from stream 2i + 1.  Three replications give each
 * output a minimum, median and maximum that are three different
 * replications' values, so a swapped or shifted stream shows. */
static void test_streams_by_hand(void)
{
    scenario *s = load(small);
    runner_result *r = run(s, 1, 3, 0);
    size_t n_out = engine_out_len(s);
    engine_ws *w = engine_alloc(s, ENGINE_FAST);
    gsl_rng *rp = gsl_rng_alloc(rng_xoshiro256pp), *rc = gsl_rng_alloc(rng_xoshiro256pp);
    double *theta = calloc(s->n_params, sizeof *theta);
    int64_t *out = calloc(3 * n_out, sizeof *out);
    CU_ASSERT_FATAL(w && rp && rc && theta && out);
    int64_t start_a[3];
    for (uint64_t i = 0; i < 3; i++) {
        int capped;
        ts_err err;
        rng_seed_stream(rp, 77, 2 * i);
        rng_seed_stream(rc, 77, 2 * i + 1);
        engine_draw(s, rp, theta);
        start_a[i] = (int64_t)llround(theta[s->tiers[0].p_stock]);
        CU_ASSERT_FATAL(engine_run(w, s, theta, rc, out + i * n_out, &capped, &err) == 0);
    }
    /* The start stocks: tier a's drawn (uniform(200, 400), rounded) in each
     * replication, tier b's 17 in all three, tier c's 0. */
    const hist *sa = runner_start_hist(r, 0), *sb = runner_start_hist(r, 1);
    CU_ASSERT_EQUAL(hist_count(sa), 3);
    CU_ASSERT(start_a[0] != start_a[1] && start_a[1] != start_a[2] && start_a[0] != start_a[2]);
    int64_t lo = start_a[0], hi = start_a[0], sum = 0;
    for (int i = 0; i < 3; i++) {
        lo = start_a[i] < lo ? start_a[i] : lo;
        hi = start_a[i] > hi ? start_a[i] : hi;
        sum += start_a[i];
    }
    CU_ASSERT_EQUAL(hist_min(sa), lo);
    CU_ASSERT_EQUAL(hist_max(sa), hi);
    CU_ASSERT_EQUAL(hist_quantile(sa, 0.5), sum - lo - hi);
    CU_ASSERT(hist_count(sb) == 3 && hist_min(sb) == 17 && hist_max(sb) == 17);
    CU_ASSERT(hist_count(runner_start_hist(r, 2)) == 3 && hist_max(runner_start_hist(r, 2)) == 0);
    size_t differ = 0;
    for (size_t k = 0; k < n_out; k++) {
        int64_t v[3] = {out[k], out[n_out + k], out[2 * n_out + k]};
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2 - a; b++)
                if (v[b] > v[b + 1]) {
                    int64_t t = v[b];
                    v[b] = v[b + 1];
                    v[b + 1] = t;
                }
        differ += (size_t)(v[0] != v[2]);
        CU_ASSERT_EQUAL(hist_min(r->hists[k]), v[0]);
        CU_ASSERT_EQUAL(hist_quantile(r->hists[k], 0.5), v[1]);
        CU_ASSERT_EQUAL(hist_max(r->hists[k]), v[2]);
    }
    /* The comparison says something only if the replications differ. */
    CU_ASSERT(differ > n_out / 2);
    free(out);
    free(theta);
    gsl_rng_free(rp);
    gsl_rng_free(rc);
    engine_free(w);
    runner_result_free(r);
    scenario_free(s);
}

/* Every summary of two results, compared exactly (means and sds bitwise). */
static int same_result(const runner_result *a, const runner_result *b)
{
    if (a->replications != b->replications || a->met_all != b->met_all || a->capped != b->capped)
        return 0;
    size_t n = a->n_years * a->n_tiers * M_COUNT;
    for (size_t i = 0; i < n; i++) {
        const hist *x = a->hists[i], *y = b->hists[i];
        double mx = hist_mean(x), my = hist_mean(y), sx = hist_sd(x), sy = hist_sd(y);
        if (hist_count(x) != hist_count(y) || memcmp(&mx, &my, sizeof mx) ||
            memcmp(&sx, &sy, sizeof sx) || hist_min(x) != hist_min(y) || hist_max(x) != hist_max(y))
            return 0;
        for (int q = 0; q <= 20; q++)
            if (hist_quantile(x, q / 20.0) != hist_quantile(y, q / 20.0))
                return 0;
    }
    for (size_t j = 0; j < a->n_targets * a->n_years; j++)
        if (a->met_by_year[j] != b->met_by_year[j])
            return 0;
    for (size_t j = 0; j < a->n_targets; j++) {
        const hist *x = runner_target_hist(a, j), *y = runner_target_hist(b, j);
        double mx = hist_mean(x), my = hist_mean(y);
        if (hist_count(x) != hist_count(y) || memcmp(&mx, &my, sizeof mx) ||
            hist_quantile(x, 0.3) != hist_quantile(y, 0.3) || hist_max(x) != hist_max(y))
            return 0;
    }
    for (size_t k = 0; k < a->n_tiers; k++) {
        const hist *x = a->start[k], *y = b->start[k];
        double mx = hist_mean(x), my = hist_mean(y);
        if (hist_count(x) != hist_count(y) || memcmp(&mx, &my, sizeof mx) ||
            hist_quantile(x, 0.3) != hist_quantile(y, 0.3))
            return 0;
    }
    return 1;
}

static void test_identical_for_any_thread_count(void)
{
    scenario *s = load(small);
    runner_result *r1 = run(s, 1, 3001, 0);
    runner_result *r2 = run(s, 2, 3001, 0);
    runner_result *r5 = run(s, 5, 3001, 0);
    CU_ASSERT_EQUAL(r1->replications, 3001);
    CU_ASSERT(same_result(r1, r2));
    CU_ASSERT(same_result(r1, r5));
    runner_result_free(r1);
    runner_result_free(r2);
    runner_result_free(r5);
    scenario_free(s);
}

/* The seed changes the results; the same seed repeats them. */
static void test_seed_matters(void)
{
    scenario *s = load(small);
    runner_result *a = run(s, 2, 2000, 0);
    runner_result *b = run(s, 2, 2000, 0);
    s->seed = 78;
    runner_result *c = run(s, 2, 2000, 0);
    CU_ASSERT(same_result(a, b));
    CU_ASSERT(!same_result(a, c));
    runner_result_free(a);
    runner_result_free(b);
    runner_result_free(c);
    scenario_free(s);
}

/* --precision: the same stopping point and results for any thread count,
 * and the stopping SE is reached. */
static void test_precision_is_deterministic(void)
{
    scenario *s = load(small);
    runner_result *a = run(s, 1, 0, 0.006);
    runner_result *b = run(s, 3, 0, 0.006);
    CU_ASSERT(same_result(a, b));
    CU_ASSERT(a->precision_reached);
    CU_ASSERT_EQUAL(a->replications % (RUNNER_CHUNK * RUNNER_BATCH_CHUNKS), 0);
    for (size_t j = 0; j < s->n_targets; j++)
        CU_ASSERT(runner_stopping_se(runner_met(a, j), a->replications) <= 0.006);
    /* one batch fewer would not have been enough (else it would have stopped) */
    runner_result *fewer = run(s, 2, a->replications - RUNNER_CHUNK * RUNNER_BATCH_CHUNKS, 0);
    int enough = 1;
    for (size_t j = 0; j < s->n_targets; j++)
        if (runner_stopping_se(runner_met(fewer, j), fewer->replications) > 0.006)
            enough = 0;
    CU_ASSERT(!enough);
    /* and the precision run is exactly a plain run of that many replications */
    runner_result *plain = run(s, 2, a->replications, 0);
    CU_ASSERT(same_result(a, plain));
    runner_result_free(a);
    runner_result_free(b);
    runner_result_free(fewer);
    runner_result_free(plain);
    scenario_free(s);
}

/* A cap that the precision cannot be reached under is reported. */
static void test_precision_cap(void)
{
    scenario *s = load(small);
    runner_opts o;
    runner_opts_init(&o, s);
    o.precision = 0.0001;
    o.max_replications = 4500;
    runner_result *r = NULL;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(runner_run(s, &o, &r, &err), 0);
    CU_ASSERT_EQUAL(r->replications, 4500);
    CU_ASSERT_EQUAL(r->precision_reached, 0);
    runner_result_free(r);
    scenario_free(s);
}

/* Aggregates against exact values: a single tier with fixed Poisson inflow,
 * new ~ Poisson(41.3 * 3).  P(new >= 130) exact from the Poisson CDF. */
static void test_aggregates_against_exact_values(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2024\n"
                       "[tier a]\ninflow = 41.3\n[target a]\nnew = 130\n");
    runner_result *r = run(s, 2, 40000, 0);
    const hist *h = runner_hist(r, 2, 0, M_NEW);
    double mu = 41.3 * 3;
    TU_ASSERT_WITHIN_SE("mean of new", hist_mean(h), mu, sqrt(mu / 40000), 5);
    /* se of a sample sd: sigma / sqrt(2n) * sqrt(1 + excess kurtosis / 2), and a
     * Poisson's excess kurtosis is 1 / mu */
    TU_ASSERT_WITHIN_SE("sd of new", hist_sd(h), sqrt(mu),
                        sqrt(mu) / sqrt(2 * 40000.0) * sqrt(1 + 0.5 / mu), 5);
    /* P(Poisson(123.9) >= 130) = 1 - P(X <= 129) */
    double p = 0, term = exp(-mu);
    for (int k = 0; k <= 129; k++) {
        p += term;
        term *= mu / (k + 1);
    }
    p = 1 - p;
    double phat = (double)runner_met(r, 0) / 40000;
    TU_ASSERT_WITHIN_SE("P(met)", phat, p, sqrt(p * (1 - p) / 40000), 5);
    /* the met-by-year counts are monotone for a `new` target */
    CU_ASSERT(r->met_by_year[0] <= r->met_by_year[1]);
    CU_ASSERT(r->met_by_year[1] <= r->met_by_year[2]);
    CU_ASSERT_EQUAL(r->met_all, runner_met(r, 0));
    runner_result_free(r);
    scenario_free(s);
}

/* P(X >= k) for X ~ Poisson(mu), from the CDF summed by hand. */
static double poisson_at_least(double mu, int k)
{
    double p = 0, term = exp(-mu);
    for (int i = 0; i < k; i++) {
        p += term;
        term *= mu / (i + 1);
    }
    return 1 - p;
}

/* A target over two tiers (DESIGN.md, "Targets over several tiers") counts
 * the sum in the same replication: two independent Poisson inflows of 23.85
 * and 17.3 a year give new_a + new_b ~ Poisson(3 * 41.15) after three years.
 * new = 137 at 5 % needs 131 (130.15 rounded up, as for one tier); the
 * cumulative target (186 at 5 %: 177) adds the two cumulative_start (40 + 7)
 * to the same sum;
 * a one-tier target beside them keeps its own count. */
static void test_target_over_two_tiers_poisson(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2024\n"
                       "[tier a]\ninflow = 23.85\ncumulative_start = 40\n"
                       "[tier b]\ninflow = 17.3\ncumulative_start = 7\n"
                       "[target ab]\ntiers = a, b\nnew = 137\ntolerance = 5%\n"
                       "cumulative = 186\n[target a]\nnew = 75\n");
    CU_ASSERT_FATAL(s->n_targets == 3 && s->targets[0].threshold == 131 &&
                    s->targets[1].threshold == 177);
    const uint64_t n = 40000;
    runner_result *r = run(s, 2, n, 0);
    double mu = 3 * (23.85 + 17.3);
    double p = poisson_at_least(mu, 131), pc = poisson_at_least(mu, 130);
    TU_ASSERT_WITHIN_SE("P(new_a + new_b >= 131)", (double)runner_met(r, 0) / (double)n, p,
                        sqrt(p * (1 - p) / (double)n), 4);
    TU_ASSERT_WITHIN_SE("P(cumulative_a + cumulative_b >= 177)",
                        (double)runner_met(r, 1) / (double)n, pc, sqrt(pc * (1 - pc) / (double)n), 4);
    double pa = poisson_at_least(3 * 23.85, 75);
    TU_ASSERT_WITHIN_SE("P(new_a >= 75)", (double)runner_met(r, 2) / (double)n, pa,
                        sqrt(pa * (1 - pa) / (double)n), 4);
    /* by year: after one year the sum is Poisson(41.15), far below 131 */
    double p1 = poisson_at_least(mu / 3 * 2, 131);
    TU_ASSERT_WITHIN_SE("P(met by 2023)", (double)r->met_by_year[0 * 3 + 1] / (double)n, p1,
                        sqrt(p1 * (1 - p1) / (double)n) + 1.0 / (double)n, 4);
    CU_ASSERT(r->met_by_year[0] <= r->met_by_year[1] && r->met_by_year[1] <= r->met_by_year[2]);
    /* the sum's own distribution: Poisson(123.45), and cumulative 47 above it */
    const hist *h = runner_target_hist(r, 0), *hc = runner_target_hist(r, 1);
    CU_ASSERT_FATAL(h != NULL && hc != NULL && h != runner_hist(r, 2, 0, M_NEW));
    CU_ASSERT_EQUAL(hist_count(h), n);
    TU_ASSERT_WITHIN_SE("mean of the sum", hist_mean(h), mu, sqrt(mu / (double)n), 4);
    TU_ASSERT_WITHIN_SE("sd of the sum", hist_sd(h), sqrt(mu),
                        sqrt(mu) / sqrt(2.0 * (double)n) * sqrt(1 + 0.5 / mu), 4);
    CU_ASSERT(hist_count_at_least(h, 131) == runner_met(r, 0));
    CU_ASSERT(hist_min(hc) == hist_min(h) + 47 && hist_max(hc) == hist_max(h) + 47 &&
              hist_quantile(hc, 0.5) == hist_quantile(h, 0.5) + 47);
    /* a one-tier target's distribution is its tier's */
    CU_ASSERT(runner_target_hist(r, 2) == runner_hist(r, 2, 0, M_NEW));
    runner_result_free(r);
    scenario_free(s);
}

/* A stock target over two tiers that only shrink: N_a ~ Binomial(137,
 * (1 - 0.2385)^3) and N_b ~ Binomial(41, 0.9^3) at the end, independent, so
 * P(N_a + N_b >= 92) is their convolution's tail. */
static void test_stock_target_over_two_tiers(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2024\n"
                       "[tier a]\nstock = 137\nexit = 0.2385\n"
                       "[tier b]\nstock = 41\nexit = 0.1\n"
                       "[target survivors]\ntiers = b, a\nstock = 92\n");
    const uint64_t n = 40000;
    runner_result *r = run(s, 3, n, 0);
    double qa = pow(1 - 0.2385, 3), qb = pow(0.9, 3), p = 0, mean = 0;
    for (int i = 0; i <= 137; i++)
        for (int j = 0; j <= 41; j++) {
            double pij = gsl_ran_binomial_pdf((unsigned)i, qa, 137) *
                         gsl_ran_binomial_pdf((unsigned)j, qb, 41);
            p += i + j >= 92 ? pij : 0;
            mean += (i + j) * pij;
        }
    TU_ASSERT_WITHIN_SE("P(N_a + N_b >= 92)", (double)runner_met(r, 0) / (double)n, p,
                        sqrt(p * (1 - p) / (double)n), 4);
    double var = 137 * qa * (1 - qa) + 41 * qb * (1 - qb);
    TU_ASSERT_WITHIN_SE("mean of the sum", hist_mean(runner_target_hist(r, 0)), mean,
                        sqrt(var / (double)n), 4);
    CU_ASSERT_EQUAL(r->met_all, runner_met(r, 0));
    runner_result_free(r);
    scenario_free(s);
}

/* An engine error in some replication stops the run with that message. */
static void test_engine_error_propagates(void)
{
    scenario *s = load("[scenario]\nname = e\nstart_year = 2022\nend_year = 2060\n"
                       "[tier a]\ninflow = 1000\ninflow_growth = uniform(0, 40)\n");
    runner_opts o;
    runner_opts_init(&o, s);
    o.replications = 3000;
    o.threads = 2;
    runner_result *r = NULL;
    ts_err err;
    CU_ASSERT_EQUAL(runner_run(s, &o, &r, &err), -1);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT(strstr(err.msg, "t.ini:5: tier 'a': inflow mean") == err.msg);
    scenario_free(s);
}

static void test_cancel(void)
{
    scenario *s = load(small);
    runner_opts o;
    runner_opts_init(&o, s);
    volatile sig_atomic_t flag = 1;
    o.cancel = &flag;
    runner_result *r = NULL;
    ts_err err;
    CU_ASSERT_EQUAL(runner_run(s, &o, &r, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "interrupted");
    scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"replication i draws from streams 2i and 2i + 1", test_streams_by_hand},
        {"identical for any thread count", test_identical_for_any_thread_count},
        {"the seed matters", test_seed_matters},
        {"precision is deterministic", test_precision_is_deterministic},
        {"precision cap", test_precision_cap},
        {"aggregates against exact values", test_aggregates_against_exact_values},
        {"a target over two tiers: Poisson sums, tolerance, cumulative",
         test_target_over_two_tiers_poisson},
        {"a stock target over two tiers: binomial convolution", test_stock_target_over_two_tiers},
        {"engine errors propagate", test_engine_error_propagates},
        {"cancel", test_cancel},
        {NULL, NULL},
    };
    return tu_run("runner", tests);
}
