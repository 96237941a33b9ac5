/* The engine against means, variances and covariances derived by hand for
 * small chains.  Each check allows 5 standard errors of the estimate, the
 * standard error of a sample variance coming from the sample's own fourth
 * central moment. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "rng.h"
#include "scenario.h"
#include "testutil.h"

#define REPS 40000
#define K_SE 5.0

typedef struct {
    double n, s1, s2, s3, s4;
} mom;

static void mom_add(mom *m, double x)
{
    m->n += 1;
    m->s1 += x;
    m->s2 += x * x;
    m->s3 += x * x * x;
    m->s4 += x * x * x * x;
}

static double mom_mean(const mom *m)
{
    return m->s1 / m->n;
}

static double mom_var(const mom *m)
{
    double mu = mom_mean(m);
    return (m->s2 / m->n - mu * mu) * m->n / (m->n - 1);
}

/* Fourth central moment from raw sums. */
static double mom_m4(const mom *m)
{
    double mu = mom_mean(m), e2 = m->s2 / m->n, e3 = m->s3 / m->n, e4 = m->s4 / m->n;
    return e4 - 4 * mu * e3 + 6 * mu * mu * e2 - 3 * mu * mu * mu * mu;
}

static void check_mean_var(const char *what, const mom *m, double mean, double var)
{
    char label[160];
    double v = mom_var(m);
    snprintf(label, sizeof label, "%s mean", what);
    TU_ASSERT_WITHIN_SE(label, mom_mean(m), mean, sqrt(v / m->n), K_SE);
    snprintf(label, sizeof label, "%s variance", what);
    double m4 = mom_m4(m);
    TU_ASSERT_WITHIN_SE(label, v, var, sqrt(fmax(m4 - v * v, 1e-300) / m->n), K_SE);
}

static scenario *load(const char *text)
{
    scenario *s = NULL;
    ts_err err;
    if (scenario_parse_string(&s, text, "test.ini", &err) < 0) {
        fprintf(stderr, "\n  scenario: %s\n", err.msg);
        CU_FAIL_FATAL("scenario did not parse");
    }
    return s;
}

/* Runs `reps` replications; calls fn on each out vector. */
typedef void (*visit_fn)(const scenario *s, const int64_t *out, const double *theta, void *ctx);

static void simulate(const scenario *s, engine_samplers samplers, uint64_t seed, int reps,
                     visit_fn fn, void *ctx)
{
    engine_ws *w = engine_alloc(s, samplers);
    gsl_rng *r = gsl_rng_alloc(samplers == ENGINE_GSL ? gsl_rng_mt19937 : rng_xoshiro256pp);
    double *theta = calloc(s->n_params, sizeof *theta);
    int64_t *out = calloc(engine_out_len(s), sizeof *out);
    CU_ASSERT_FATAL(w && r && theta && out);
    rng_seed_stream(r, seed, 0);
    for (int i = 0; i < reps; i++) {
        int capped;
        ts_err err;
        engine_draw(s, r, theta);
        int rc = engine_run(w, s, theta, r, out, &capped, &err);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
        fn(s, out, theta, ctx);
    }
    free(out);
    free(theta);
    gsl_rng_free(r);
    engine_free(w);
}

static int64_t at(const scenario *s, const int64_t *out, size_t y, const char *tier, ts_measure m)
{
    long k = scenario_find_tier(s, tier);
    return out[(y * s->n_tiers + (size_t)k) * M_COUNT + m];
}

/* ------------------------------------------------------------ exits only */

typedef struct {
    mom stock[3];
    mom exits0;
    int consistent;
} exits_ctx;

static void visit_exits(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    exits_ctx *c = vctx;
    for (size_t y = 0; y < 3; y++)
        mom_add(&c->stock[y], (double)at(s, out, y, "a", M_STOCK));
    mom_add(&c->exits0, (double)at(s, out, 0, "a", M_EXITS));
    /* Accounting identity: stock = 137 - cumulative exits. */
    int64_t gone = 0;
    for (size_t y = 0; y < 3; y++)
        gone += at(s, out, y, "a", M_EXITS);
    if (at(s, out, 2, "a", M_STOCK) != 137 - gone || at(s, out, 2, "a", M_NEW) != 0)
        c->consistent = 0;
}

/* N_y ~ Binomial(137, q^y) with q = 1 - 0.2385: thinning composes. */
static void test_exits_thin_binomially(void)
{
    static const char text[] = "[scenario]\nname = t\nstart_year = 2022\nend_year = 2024\n"
                               "[tier a]\nstock = 137\nexit = 0.2385\n";
    for (int samplers = 0; samplers < 2; samplers++) {
        scenario *s = load(text);
        exits_ctx c;
        memset(&c, 0, sizeof c);
        c.consistent = 1;
        simulate(s, (engine_samplers)samplers, 11, REPS, visit_exits, &c);
        double q = 1 - 0.2385;
        for (int y = 0; y < 3; y++) {
            double p = pow(q, y + 1);
            char what[64];
            snprintf(what, sizeof what, "stock year %d (samplers %d)", y, samplers);
            check_mean_var(what, &c.stock[y], 137 * p, 137 * p * (1 - p));
        }
        check_mean_var("exits year 0", &c.exits0, 137 * 0.2385, 137 * 0.2385 * q);
        CU_ASSERT(c.consistent);
        scenario_free(s);
    }
}

/* ---------------------------------------------------- inflow with growth */

typedef struct {
    mom new_end, inflow_last, stock_end;
} inflow_ctx;

static void visit_inflow(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    inflow_ctx *c = vctx;
    size_t last = scenario_years(s) - 1;
    mom_add(&c->new_end, (double)at(s, out, last, "a", M_NEW));
    mom_add(&c->inflow_last, (double)at(s, out, last, "a", M_INFLOW));
    mom_add(&c->stock_end, (double)at(s, out, last, "a", M_STOCK));
}

/* new after 4 years ~ Poisson(37.9 * sum_{y<4} 1.1319^y); the stock adds 41. */
static void test_poisson_inflow_with_growth(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = 41\ninflow = 37.9\ninflow_growth = 13.19%\n");
    inflow_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 12, REPS, visit_inflow, &c);
    double g = 1.1319, total = 37.9 * (1 + g + g * g + g * g * g);
    check_mean_var("new", &c.new_end, total, total);
    check_mean_var("inflow 2025", &c.inflow_last, 37.9 * g * g * g, 37.9 * g * g * g);
    check_mean_var("stock", &c.stock_end, 41 + total, total);
    scenario_free(s);
}

/* Gamma-Poisson: mean mu, variance mu + phi mu^2. */
static void test_inflow_dispersion_is_negative_binomial(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\ninflow = 57.3\ninflow_dispersion = 0.2385\n");
    inflow_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 13, REPS, visit_inflow, &c);
    check_mean_var("NB inflow", &c.inflow_last, 57.3, 57.3 + 0.2385 * 57.3 * 57.3);
    scenario_free(s);
}

/* ----------------------------------------------------- promotion chains */

typedef struct {
    mom a[2], b_new[2], b_in0;
} chain_ctx;

static void visit_chain(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    chain_ctx *c = vctx;
    for (size_t y = 0; y < 2; y++) {
        mom_add(&c->a[y], (double)at(s, out, y, "a", M_STOCK));
        mom_add(&c->b_new[y], (double)at(s, out, y, "b", M_NEW));
    }
    mom_add(&c->b_in0, (double)at(s, out, 0, "b", M_PROMOTED_IN));
}

/* A (1000 firms, exit 0.05) -> B at rate 0.1371, two years.
 * keep = no:  A_1 ~ Bin(1000, q(1-r)), A_2 ~ Bin(1000, (q(1-r))^2), with q = 0.95;
 *             new B by year 2 = promotions = 1000 - exits - A_2 ... its mean is
 *             1000 q r (1 + q (1 - r)).
 * keep = yes: A_y ~ Bin(1000, q^y) (promotion does not remove); promotions in
 *             year y ~ Bin(1000, q^y r), so E new B = 1000 r (q + q^2). */
static void test_chain_keep_and_move(void)
{
    static const char fmt[] = "[scenario]\nname = t\nstart_year = 2022\nend_year = 2023\n"
                              "[tier a]\nstock = 1000\nexit = 0.05\n[tier b]\n"
                              "[transition a -> b]\nrate = 0.1371\nkeep = %s\n";
    double q = 0.95, r = 0.1371;
    for (int keep = 0; keep < 2; keep++) {
        char text[512];
        snprintf(text, sizeof text, fmt, keep ? "yes" : "no");
        scenario *s = load(text);
        chain_ctx c;
        memset(&c, 0, sizeof c);
        simulate(s, ENGINE_FAST, 14 + (uint64_t)keep, REPS, visit_chain, &c);
        double stay = keep ? q : q * (1 - r);
        for (int y = 0; y < 2; y++) {
            double p = pow(stay, y + 1);
            check_mean_var(keep ? "A keep" : "A move", &c.a[y], 1000 * p, 1000 * p * (1 - p));
        }
        check_mean_var("B promoted in year 1", &c.b_in0, 1000 * q * r, 1000 * q * r * (1 - q * r));
        double mean_new = keep ? 1000 * r * (q + q * q) : 1000 * q * r * (1 + q * (1 - r));
        char what[64];
        snprintf(what, sizeof what, "new B by year 2 (keep %d)", keep);
        TU_ASSERT_WITHIN_SE(what, mom_mean(&c.b_new[1]), mean_new,
                            sqrt(mom_var(&c.b_new[1]) / REPS), K_SE);
        scenario_free(s);
    }
}

/* Two transitions out of one tier: a multinomial split.  Cov(M_B, M_C) =
 * -N r_B r_C. */
typedef struct {
    mom b, c, bc;
} split_ctx;

static void visit_split(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    split_ctx *c = vctx;
    double b = (double)at(s, out, 0, "b", M_PROMOTED_IN), cc = (double)at(s, out, 0, "c", M_PROMOTED_IN);
    mom_add(&c->b, b);
    mom_add(&c->c, cc);
    mom_add(&c->bc, b * cc);
}

static void test_multinomial_split(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\nstock = 733\n[tier b]\n[tier c]\n"
                       "[transition a -> b]\nrate = 0.2385\n"
                       "[transition a -> c]\nrate = 0.4137\n");
    split_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 16, REPS, visit_split, &c);
    double n = 733, rb = 0.2385, rc = 0.4137;
    check_mean_var("M_B", &c.b, n * rb, n * rb * (1 - rb));
    check_mean_var("M_C", &c.c, n * rc, n * rc * (1 - rc));
    double cov = mom_mean(&c.bc) - mom_mean(&c.b) * mom_mean(&c.c);
    /* se of a sample covariance ~ sqrt(Var(B C centred) / n) <= sqrt(vb vc (1 + rho^2) / n) */
    double se = sqrt(mom_var(&c.b) * mom_var(&c.c) * 2 / REPS);
    TU_ASSERT_WITHIN_SE("Cov(M_B, M_C)", cov, -n * rb * rc, se, K_SE);
    scenario_free(s);
}

/* A quota caps promotions; the excess stays in the source.  With quota 1500
 * on Bin(5000, 0.3): E min(X, 1500) from the binomial pmf. */
typedef struct {
    mom moved, a;
    int conserved;
} quota_ctx;

static void visit_quota(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    quota_ctx *c = vctx;
    int64_t m = at(s, out, 0, "b", M_PROMOTED_IN), a = at(s, out, 0, "a", M_STOCK);
    mom_add(&c->moved, (double)m);
    mom_add(&c->a, (double)a);
    if (m + a != 5000 || m > 1500)
        c->conserved = 0;
}

static void test_quota_caps_promotions(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\nstock = 5000\n[tier b]\n"
                       "[transition a -> b]\nrate = 0.3\nquota = 1500\n");
    quota_ctx c;
    memset(&c, 0, sizeof c);
    c.conserved = 1;
    simulate(s, ENGINE_FAST, 17, REPS, visit_quota, &c);
    double e = 0, e2 = 0;
    for (unsigned k = 0; k <= 5000; k++) {
        double v = k < 1500 ? k : 1500, p = gsl_ran_binomial_pdf(k, 0.3, 5000);
        e += v * p;
        e2 += v * v * p;
    }
    check_mean_var("min(Bin(5000, 0.3), 1500)", &c.moved, e, e2 - e * e);
    CU_ASSERT(c.conserved);
    scenario_free(s);
}

/* ------------------------------------------------------------- policies */

typedef struct {
    mom b_in[3], a_exit[3], a_inflow[3];
} policy_ctx;

static void visit_policy(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    policy_ctx *c = vctx;
    for (size_t y = 0; y < 3; y++) {
        mom_add(&c->b_in[y], (double)at(s, out, y, "b", M_PROMOTED_IN));
        mom_add(&c->a_exit[y], (double)at(s, out, y, "a", M_EXITS));
        mom_add(&c->a_inflow[y], (double)at(s, out, y, "a", M_INFLOW));
    }
}

/* A policy acts from `from` to `until` inclusive, multiplying the rate, the
 * exit probability and the inflow.  The stock of a is held by a huge inflow?
 * No: the means are derived year by year from the stock recursion. */
static void test_policy_years_and_factors(void)
{
    static const char text[] =
        "[scenario]\nname = t\nstart_year = 2022\nend_year = 2024\n"
        "[tier a]\nstock = 2000\nexit = 0.1\ninflow = 300\n[tier b]\n"
        "[transition a -> b]\nrate = 0.2\n"
        "[policy p]\nfrom = 2023\nuntil = 2023\n"
        "scale = a -> b : 1.5, a.exit : 0.5, a.inflow : 1.25\n";
    for (int active = 0; active < 2; active++) {
        scenario *s = load(text);
        ts_err err;
        if (active)
            CU_ASSERT_EQUAL(scenario_activate_policy(s, "p", &err), 0);
        policy_ctx c;
        memset(&c, 0, sizeof c);
        simulate(s, ENGINE_FAST, 18, REPS, visit_policy, &c);
        /* Mean recursion: E N' = E N (1 - e)(1 - r) + mu. */
        double n = 2000;
        for (int y = 0; y < 3; y++) {
            int on = active && y == 1;
            double e = on ? 0.05 : 0.1, r = on ? 0.3 : 0.2, mu = on ? 375 : 300;
            char what[64];
            snprintf(what, sizeof what, "exits y%d active %d", y, active);
            TU_ASSERT_WITHIN_SE(what, mom_mean(&c.a_exit[y]), n * e,
                                sqrt(mom_var(&c.a_exit[y]) / REPS), K_SE);
            snprintf(what, sizeof what, "promotions y%d active %d", y, active);
            TU_ASSERT_WITHIN_SE(what, mom_mean(&c.b_in[y]), n * (1 - e) * r,
                                sqrt(mom_var(&c.b_in[y]) / REPS), K_SE);
            snprintf(what, sizeof what, "inflow y%d active %d", y, active);
            check_mean_var(what, &c.a_inflow[y], mu, mu);
            n = n * (1 - e) * (1 - r) + mu;
        }
        scenario_free(s);
    }
}

/* Strength s turns a factor f into 1 + s (f - 1): s = 0 no effect, s = 2
 * twice the effect. */
static void test_policy_strength(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\ninflow = 80\n[policy p]\nscale = a.inflow : 1.25\n");
    ts_err err;
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "p", &err), 0);
    size_t ps = scenario_find_param(s, "policy.p.scale");
    CU_ASSERT_FATAL(ps != TS_NO_PARAM);
    static const double strengths[] = {0.0, 1.0, 2.0, 5.0};
    static const double means[] = {80, 100, 120, 0};
    for (int i = 0; i < 4; i++) {
        s->params[ps].value = dist_fixed(strengths[i], DIST_RANGE_NONNEG);
        inflow_ctx c;
        memset(&c, 0, sizeof c);
        simulate(s, ENGINE_FAST, 19, 20000, visit_inflow, &c);
        double mu = i == 3 ? 80 * (1 + 5 * 0.25) : means[i];
        char what[64];
        snprintf(what, sizeof what, "inflow at strength %g", strengths[i]);
        check_mean_var(what, &c.inflow_last, mu, mu);
    }
    scenario_free(s);
}

/* Rates scaled above a sum of 1 are scaled back to sum to 1, and flagged. */
static void test_capping(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\nstock = 1000\n[tier b]\n[tier c]\n"
                       "[transition a -> b]\nrate = 0.6\n[transition a -> c]\nrate = 0.3\n"
                       "[policy p]\nscale = a -> b : 1.5, a -> c : 1.5\n");
    engine_ws *w = engine_alloc(s, ENGINE_FAST);
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    double theta[64];
    int64_t out[64];
    int capped = -1;
    ts_err err;
    rng_seed_stream(r, 20, 0);
    engine_draw(s, r, theta);
    CU_ASSERT_EQUAL(engine_run(w, s, theta, r, out, &capped, &err), 0);
    CU_ASSERT_EQUAL(capped, 0);
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "p", &err), 0);
    mom b;
    memset(&b, 0, sizeof b);
    int all_moved = 1;
    for (int i = 0; i < 5000; i++) {
        CU_ASSERT_EQUAL(engine_run(w, s, theta, r, out, &capped, &err), 0);
        CU_ASSERT_EQUAL(capped, 1);
        mom_add(&b, (double)at(s, out, 0, "b", M_PROMOTED_IN));
        if (at(s, out, 0, "a", M_STOCK) != 0)
            all_moved = 0;
    }
    /* 0.9 and 0.45 scaled by 1/1.35: every firm moves, 2/3 of them to b. */
    CU_ASSERT(all_moved);
    check_mean_var("capped split", &b, 1000 * 2.0 / 3, 1000 * 2.0 / 9);
    gsl_rng_free(r);
    engine_free(w);
    scenario_free(s);
}

/* A growth that overflows within the horizon is an error naming the tier and
 * the year, not undefined behaviour. */
static void test_overflow_is_an_error(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2060\n"
                       "[tier big]\ninflow = 1000000\ninflow_growth = 300\n");
    engine_ws *w = engine_alloc(s, ENGINE_FAST);
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    double theta[16];
    int64_t *out = calloc(engine_out_len(s), sizeof *out);
    int capped;
    ts_err err;
    rng_seed_stream(r, 21, 0);
    engine_draw(s, r, theta);
    CU_ASSERT_EQUAL(engine_run(w, s, theta, r, out, &capped, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "test.ini:5: tier 'big': inflow mean 8.20854e+15 in 2026 is "
                                    "above 2^52 (the growth is too large for the horizon)");
    free(out);
    gsl_rng_free(r);
    engine_free(w);
    scenario_free(s);
}

/* Parameters are drawn from their distributions, fixed ones exactly, and a
 * drawn stock is rounded to whole firms. */
typedef struct {
    mom stock0, rate;
} draw_ctx;

static void visit_draw(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    draw_ctx *c = vctx;
    size_t p = scenario_find_param(s, "transition.a->b.rate");
    mom_add(&c->rate, theta[p]);
    /* year-0 stock of a = start stock (no exits, no inflow, rate applies) ... use b + a */
    mom_add(&c->stock0, (double)(at(s, out, 0, "a", M_STOCK) + at(s, out, 0, "b", M_STOCK)));
}

static void test_parameter_draws(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\nstock = uniform(100, 300)\n[tier b]\n"
                       "[transition a -> b]\nrate = beta(2.3, 41.7)\n");
    draw_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 22, REPS, visit_draw, &c);
    double a = 2.3, b = 41.7;
    check_mean_var("beta rate", &c.rate, a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1)));
    /* round(U(100, 300)): mean 200, variance 200^2/12 + 1/12 (rounding to whole firms) */
    check_mean_var("stock", &c.stock0, 200, 40000.0 / 12 + 1.0 / 12);
    scenario_free(s);
}

/* engine_fixed_params once and engine_redraw per replication give what
 * engine_draw gives, value for value, and leave the stream where it does:
 * over fixed, drawn and truncated parameters, replication after
 * replication into one theta (as the runner draws). */
static void test_redraw_is_engine_draw(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2024\n"
                       "[tier a]\nstock = uniform(100, 300)\ninflow = 12\nexit = beta(2, 30)\n"
                       "[tier b]\nstock = 40\ninflow = normal(5, 4)\n"
                       "[transition a -> b]\nrate = beta(2.3, 41.7)\nquota = 9\n");
    size_t n = s->n_params;
    double *whole = calloc(n + 1, sizeof *whole), *parts = calloc(n + 1, sizeof *parts);
    size_t *idx = calloc(n + 1, sizeof *idx);
    gsl_rng *ra = gsl_rng_alloc(rng_xoshiro256pp), *rb = gsl_rng_alloc(rng_xoshiro256pp);
    CU_ASSERT_FATAL(whole && parts && idx && ra && rb);
    size_t drawn = engine_drawn_params(s, idx);
    CU_ASSERT(drawn > 0 && drawn < n);
    engine_fixed_params(s, parts);
    int same = 1;
    for (uint64_t rep = 0; rep < 200; rep++) {
        rng_seed_rep(ra, 7, rep, RNG_PARAMS);
        rng_seed_rep(rb, 7, rep, RNG_PARAMS);
        engine_draw(s, ra, whole);
        engine_redraw(s, rb, parts, idx, drawn);
        same &= memcmp(whole, parts, n * sizeof *whole) == 0;
        same &= gsl_rng_get(ra) == gsl_rng_get(rb);
    }
    CU_ASSERT(same);
    gsl_rng_free(ra);
    gsl_rng_free(rb);
    free(whole);
    free(parts);
    free(idx);
    scenario_free(s);
}

/* ------------------------------------------------ certificates (issue 11) */

typedef struct {
    mom stock[4], renewed[4], expired[4], inflow[4], moved[4], b_stock[4], b_renewed[4];
    int64_t a0;         /* with check_balance: a's start stock (nothing else leaves a) */
    int check_balance, consistent;
} cert_ctx;

static void visit_cert(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    cert_ctx *c = vctx;
    size_t Y = scenario_years(s);
    int has_b = scenario_find_tier(s, "b") >= 0;
    for (size_t y = 0; y < Y && y < 4; y++) {
        mom_add(&c->stock[y], (double)at(s, out, y, "a", M_STOCK));
        mom_add(&c->renewed[y], (double)at(s, out, y, "a", M_RENEWED));
        mom_add(&c->expired[y], (double)at(s, out, y, "a", M_EXPIRED));
        mom_add(&c->inflow[y], (double)at(s, out, y, "a", M_INFLOW));
        if (has_b) {
            mom_add(&c->moved[y], (double)at(s, out, y, "b", M_MOVED_IN));
            mom_add(&c->b_stock[y], (double)at(s, out, y, "b", M_STOCK));
            mom_add(&c->b_renewed[y], (double)at(s, out, y, "b", M_RENEWED));
        }
        /* Renewals are not new; the balance holds without them. */
        int64_t prev = y ? at(s, out, y - 1, "a", M_STOCK) : c->a0;
        if (at(s, out, y, "a", M_NEW) != at(s, out, y, "a", M_CUMULATIVE) ||
            (c->check_balance &&
             at(s, out, y, "a", M_STOCK) != prev - at(s, out, y, "a", M_EXITS) -
                                                at(s, out, y, "a", M_EXPIRED) +
                                                at(s, out, y, "a", M_INFLOW)))
            c->consistent = 0;
    }
}

/* One cohort of 137, due in the first year (certified V = 2 years before
 * the start), renewed with p = 0.2385: R1 ~ Bin(137, p); R1 is due again two
 * years later, so the stock of the third year is Bin(137, p^2). */
static void test_cohort_through_review(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2024\n"
                       "[tier a]\nstock = 137\nvalidity = 2\nstock_cohorts = 0, 137\n"
                       "renewal = 0.2385\n");
    cert_ctx c;
    memset(&c, 0, sizeof c);
    c.consistent = c.check_balance = 1;
    c.a0 = 137;
    simulate(s, ENGINE_FAST, 41, REPS, visit_cert, &c);
    double p = 0.2385;
    check_mean_var("renewed in year 1", &c.renewed[0], 137 * p, 137 * p * (1 - p));
    check_mean_var("expired in year 1", &c.expired[0], 137 * (1 - p), 137 * p * (1 - p));
    check_mean_var("stock after year 2 (nothing due)", &c.stock[1], 137 * p, 137 * p * (1 - p));
    CU_ASSERT_EQUAL(c.renewed[1].s1, 0);
    check_mean_var("stock after year 3", &c.stock[2], 137 * p * p, 137 * p * p * (1 - p * p));
    CU_ASSERT(c.consistent);
    scenario_free(s);
}

/* The cap on yearly entries: E[min(N, Q)] and its variance, N ~ Poisson(7.3),
 * Q = 5, summed from the pmf. */
static void test_inflow_quota(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\ninflow = 7.3\ninflow_quota = 5\n");
    cert_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 43, REPS, visit_cert, &c);
    double e = 0, e2 = 0;
    for (unsigned k = 0; k < 200; k++) {
        double v = k < 5 ? k : 5, pk = gsl_ran_poisson_pdf(k, 7.3);
        e += v * pk;
        e2 += v * v * pk;
    }
    check_mean_var("min(Poisson(7.3), 5)", &c.inflow[0], e, e2 - e * e);
    scenario_free(s);
}

/* A value by year with growth: inflow 10 growing 10 %, then 20 from 2024
 * on, growing from there: means 10, 11, 20, 22 (Poisson: variance = mean). */
static void test_value_by_year(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\ninflow = 10\ninflow_growth = 10%\ninflow@2024 = 20\n");
    cert_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 47, REPS, visit_cert, &c);
    static const double mean[4] = {10, 11, 20, 22};
    for (int y = 0; y < 4; y++) {
        char what[64];
        snprintf(what, sizeof what, "inflow in %d", 2022 + y);
        check_mean_var(what, &c.inflow[y], mean[y], mean[y]);
    }
    CU_ASSERT_EQUAL(scenario_find_param(s, "tier.a.inflow@2024") == TS_NO_PARAM, 0);
    scenario_free(s);
}

/* A move with cohorts: 200 firms of a, all due in the first year, 30 % moved
 * to b at its start.  Same validity: they keep their certificate year and b
 * (renewal 1) renews every one of them; a (renewal 0) loses the rest.  With
 * another validity in b they start a certificate of 2022 there: not due. */
static void test_move_with_cohorts(void)
{
    for (int same = 1; same >= 0; same--) {
        char text[1024];
        snprintf(text, sizeof text,
                 "[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                 "[tier a]\nstock = 200\nvalidity = 3\nstock_cohorts = 0, 0, 200\n"
                 "[tier b]\nvalidity = %d\nrenewal = 1\n"
                 "[event merge]\nyear = 2022\nmove = a -> b : 0.3\n", same ? 3 : 2);
        scenario *s = load(text);
        cert_ctx c;
        memset(&c, 0, sizeof c);
        simulate(s, ENGINE_FAST, 53, REPS, visit_cert, &c);
        check_mean_var("moved in", &c.moved[0], 60, 200 * 0.3 * 0.7);
        check_mean_var("b's stock", &c.b_stock[0], 60, 200 * 0.3 * 0.7);
        if (same)
            check_mean_var("b renews the moved cohort", &c.b_renewed[0], 60, 200 * 0.3 * 0.7);
        else
            CU_ASSERT_EQUAL(c.b_renewed[0].s1, 0);
        CU_ASSERT_EQUAL(c.stock[0].s1, 0); /* a's firms all expired or moved */
        check_mean_var("a's expired", &c.expired[0], 140, 200 * 0.3 * 0.7);
        scenario_free(s);
    }
}

/* One event's moves all draw from the stocks before it (DESIGN.md, step 0):
 * a -> b and b -> c in one event move 50 % of b's own 100 firms on, never
 * the firms a just moved in (a chained reading gives c 0.5 (100 + 500) =
 * 300).  b's cohort (all due, renewal 1) keeps its year in c (same
 * validity), so c renews exactly what it received; a's firms start a 2022
 * certificate in b, not due. */
typedef struct {
    mom b_in, c_in, b_renewed, c_renewed;
} event_ctx;

static void visit_event(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    event_ctx *c = vctx;
    mom_add(&c->b_in, (double)at(s, out, 0, "b", M_MOVED_IN));
    mom_add(&c->c_in, (double)at(s, out, 0, "c", M_MOVED_IN));
    mom_add(&c->b_renewed, (double)at(s, out, 0, "b", M_RENEWED));
    mom_add(&c->c_renewed, (double)at(s, out, 0, "c", M_RENEWED));
}

static void test_event_moves_draw_from_the_stocks_before_it(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\nstock = 1000\n"
                       "[tier b]\nstock = 100\nvalidity = 3\nstock_cohorts = 0, 0, 100\n"
                       "renewal = 1\n"
                       "[tier c]\nvalidity = 3\nrenewal = 1\n"
                       "[event e]\nyear = 2022\nmove = a -> b : 0.5, b -> c : 0.5\n");
    event_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 61, REPS, visit_event, &c);
    check_mean_var("b's moved_in", &c.b_in, 500, 1000 * 0.25);
    check_mean_var("c's moved_in", &c.c_in, 50, 100 * 0.25);
    check_mean_var("b renews what stayed", &c.b_renewed, 50, 100 * 0.25);
    check_mean_var("c renews what it received", &c.c_renewed, 50, 100 * 0.25);
    scenario_free(s);
}

/* expire_to: the expired enter the other tier, counted as moved_in there. */
static void test_expire_to(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\nstock = 300\nvalidity = 1\nrenewal = 0.6\nexpire_to = b\n"
                       "[tier b]\n");
    cert_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 59, REPS, visit_cert, &c);
    check_mean_var("expired to b", &c.moved[0], 120, 300 * 0.6 * 0.4);
    check_mean_var("b's stock", &c.b_stock[0], 120, 300 * 0.6 * 0.4);
    check_mean_var("a renewed", &c.stock[0], 180, 300 * 0.6 * 0.4);
    scenario_free(s);
}

/* Nothing expires (validity beyond the horizon): every count is the one the
 * same scenario gives without cohorts, replication by replication -- the
 * cohort draws come after the totals on each (year, tier) substream. */
static void test_cohorts_change_nothing_until_review(void)
{
    static const char base[] =
        "[scenario]\nname = t\nstart_year = 2022\nend_year = 2024\n"
        "[tier a]\nstock = 400\ninflow = 30\nexit = beta(2, 30)\n%s"
        "[tier b]\nstock = 20\nexit = 0.05\n%s"
        "[transition a -> b]\nrate = uniform(0.02, 0.08)\nquota = 15\n"
        "[transition b -> c]\nrate = 0.1\nkeep = yes\n[tier c]\n";
    char plain[1024], certs[1024];
    snprintf(plain, sizeof plain, base, "", "");
    snprintf(certs, sizeof certs, base, "validity = 10\nstock_cohorts = 400\n",
             "validity = 10\nstock_cohorts = 20\n");
    scenario *s0 = load(plain), *s1 = load(certs);
    engine_ws *w0 = engine_alloc(s0, ENGINE_FAST), *w1 = engine_alloc(s1, ENGINE_FAST);
    gsl_rng *r0 = gsl_rng_alloc(rng_xoshiro256pp), *r1 = gsl_rng_alloc(rng_xoshiro256pp);
    double *th0 = calloc(s0->n_params, sizeof *th0), *th1 = calloc(s1->n_params, sizeof *th1);
    size_t n = engine_out_len(s0);
    int64_t *o0 = calloc(n, sizeof *o0), *o1 = calloc(n, sizeof *o1);
    CU_ASSERT_FATAL(w0 && w1 && r0 && r1 && th0 && th1 && o0 && o1);
    /* s1 has two more parameters (the renewals, fixed at 0): fixed values
     * draw no random numbers, so both streams stay in step. */
    rng_seed_stream(r0, 61, 0);
    rng_seed_stream(r1, 61, 0);
    int same = 1;
    for (int i = 0; i < 2000; i++) {
        int c0, c1;
        ts_err err;
        engine_draw(s0, r0, th0);
        engine_draw(s1, r1, th1);
        CU_ASSERT_EQUAL_FATAL(engine_run(w0, s0, th0, r0, o0, &c0, &err), 0);
        CU_ASSERT_EQUAL_FATAL(engine_run(w1, s1, th1, r1, o1, &c1, &err), 0);
        same &= memcmp(o0, o1, n * sizeof *o0) == 0;
    }
    CU_ASSERT(same);
    free(o0);
    free(o1);
    free(th0);
    free(th1);
    gsl_rng_free(r0);
    gsl_rng_free(r1);
    engine_free(w0);
    engine_free(w1);
    scenario_free(s0);
    scenario_free(s1);
}

/* Promotions out of a tier with cohorts are a uniform random subset of its
 * firms: 1000 firms, 600 of them due (renewal 0), a keep transition (0.3)
 * and a non-keep one (0.2).  M ~ Bin(1000, 0.2) leave for c; H of them from
 * the due cohort, H | M hypergeometric: expired = 600 - H with mean 480 and
 * variance E[M 0.24 (1000 - M) / 999] + 0.36 Var M = 38.4 + 57.6 = 96. */
static void test_promotions_uniform_across_cohorts(void)
{
    scenario *s = load("[scenario]\nname = t\nstart_year = 2022\nend_year = 2022\n"
                       "[tier a]\nstock = 1000\nvalidity = 2\nstock_cohorts = 400, 600\n"
                       "[tier b]\n[tier c]\n"
                       "[transition a -> b]\nrate = 0.3\nkeep = yes\n"
                       "[transition a -> c]\nrate = 0.2\n");
    cert_ctx c;
    memset(&c, 0, sizeof c);
    simulate(s, ENGINE_FAST, 67, REPS, visit_cert, &c);
    check_mean_var("expired: the due cohort less its promoted share", &c.expired[0], 480, 96);
    scenario_free(s);
}

/* ------------------------------------------- measures the runner derives */

/* Every measure engine_measure_kind calls ENGINE_ZERO is 0 in every
 * replication, and every ENGINE_AS_NEW one equals `new`: the runner makes
 * their histograms at the end without looking at the replications.  Tier z
 * is fixed at 0 in every year (a policy scales its inflow, a dispersion
 * multiplies it); w's inflow and exit are 0 only until an @YEAR; nothing
 * leads into a or z. */
static const char *ZEROS_INI =
    "[scenario]\nname = zeros\nstart_year = 2022\nend_year = 2025\nreplications = 10\nseed = 3\n"
    "[tier a]\nstock = 500\ninflow = 40\nexit = beta(2, 38)\n"
    "[tier b]\nstock = uniform(10, 30)\nexit = 0.05\nvalidity = 2\nrenewal = 0.5\n"
    "[tier z]\nstock = 20\ninflow = 0\ninflow@2024 = 0\ninflow_dispersion = 0.1\n"
    "exit = 0\nexit@2023 = 0\n"
    "[tier w]\nstock = 60\ninflow = 0\ninflow@2024 = 15\nexit = 0\nexit@2023 = 0.1\n"
    "[transition a -> b]\nrate = uniform(0.02, 0.08)\n"
    "[transition z -> w]\nrate = 0.2\n"
    "[policy p]\nscale = z.inflow : 3, a -> b : 1.5\n";

typedef struct {
    unsigned char kind[64][M_COUNT];
    long bad, drawn_nonzero[64][M_COUNT];
} zeros_ctx;

static void visit_zeros(const scenario *s, const int64_t *out, const double *theta, void *vctx)
{
    (void)theta;
    zeros_ctx *c = vctx;
    for (size_t y = 0; y < scenario_years(s); y++)
        for (size_t k = 0; k < s->n_tiers; k++) {
            const int64_t *row = out + (y * s->n_tiers + k) * M_COUNT;
            for (int m = 0; m < M_COUNT; m++) {
                int kind = c->kind[k][m];
                c->bad += kind == ENGINE_ZERO && row[m] != 0;
                c->bad += kind == ENGINE_AS_NEW && row[m] != row[M_NEW];
                c->drawn_nonzero[k][m] += kind == ENGINE_DRAWN && row[m] != 0;
            }
        }
}

static void test_derived_measures(void)
{
    const char *files[] = {"scenarios/qingdao.ini", "tests/data/tiny.ini", "tests/data/certs.ini"};
    for (size_t f = 0; f < 4; f++) {
        scenario *s = NULL;
        ts_err err;
        if (f == 0) {
            s = load(ZEROS_INI);
            CU_ASSERT_FATAL(scenario_activate_policy(s, "p", &err) == 0);
        } else if (scenario_load(&s, files[f - 1], &err) < 0) {
            fprintf(stderr, "\n  %s: %s\n", files[f - 1], err.msg);
            CU_FAIL_FATAL("scenario did not load");
        }
        CU_ASSERT_FATAL(s->n_tiers <= 64);
        zeros_ctx c;
        memset(&c, 0, sizeof c);
        for (size_t k = 0; k < s->n_tiers; k++)
            for (int m = 0; m < M_COUNT; m++)
                c.kind[k][m] = (unsigned char)engine_measure_kind(s, k, (ts_measure)m);
        simulate(s, ENGINE_FAST, 2022, 2000, visit_zeros, &c);
        CU_ASSERT_EQUAL(c.bad, 0);
        if (f == 0) {
            /* The structural zeros are found, and nothing else is taken for one. */
            long z = scenario_find_tier(s, "z"), a = scenario_find_tier(s, "a");
            long w = scenario_find_tier(s, "w"), b = scenario_find_tier(s, "b");
            CU_ASSERT(c.kind[z][M_INFLOW] == ENGINE_ZERO && c.kind[z][M_EXITS] == ENGINE_ZERO);
            CU_ASSERT(c.kind[a][M_PROMOTED_IN] == ENGINE_ZERO);
            CU_ASSERT(c.kind[z][M_PROMOTED_IN] == ENGINE_ZERO);
            CU_ASSERT(c.drawn_nonzero[w][M_INFLOW] > 0 && c.drawn_nonzero[w][M_EXITS] > 0);
            CU_ASSERT(c.drawn_nonzero[b][M_PROMOTED_IN] > 0 && c.drawn_nonzero[w][M_PROMOTED_IN] > 0);
            CU_ASSERT(c.drawn_nonzero[a][M_INFLOW] > 0 && c.drawn_nonzero[a][M_EXITS] > 0);
        }
        scenario_free(s);
    }
}

/* Events in later years out of tiers with cohorts that a replay copies (it
 * must restore their cohorts: the events draw from them, and a move between
 * tiers of one validity carries its cohorts), drawn dispersions and inflow
 * quotas, and no cycle, so that a change downstream leaves the tiers above
 * it to copy: a -> b -> c, b and c -> d, expiries to e. */
static const char REPLAY_INI[] =
    "[scenario]\nname = replay\nstart_year = 2022\nend_year = 2026\nreplications = 10\nseed = 3\n"
    "[tier a]\nstock = 800\ninflow = uniform(100, 300)\ninflow_dispersion = uniform(0.01, 0.2)\n"
    "exit = beta(2, 20)\n"
    "[tier b]\nstock = 300\nvalidity = 3\nstock_cohorts = 100, 100, 100\nrenewal = beta(6, 4)\n"
    "expire_to = e\ninflow = uniform(10, 40)\ninflow_quota = uniform(20, 30)\nexit = beta(1, 30)\n"
    "[tier c]\nstock = 40\nvalidity = 3\nstock_cohorts = 20, 10, 10\nrenewal = uniform(0.5, 0.9)\n"
    "expire_to = e\nexit = 0.02\ninflow = 2\ninflow_dispersion = uniform(0.1, 0.5)\n"
    "[tier d]\nstock = 10\nexit = beta(1, 20)\n"
    "[tier e]\nstock = 0\nexit = 0.1\n"
    "[transition a -> b]\nrate = uniform(0.02, 0.1)\n"
    "[transition b -> c]\nrate = uniform(0.01, 0.05)\nquota = uniform(3, 9)\nkeep = yes\n"
    "[event split]\nyear = 2024\nmove = b -> d : uniform(0.05, 0.3), c -> d : uniform(0.1, 0.5)\n"
    "[event late]\nyear = 2025\nmove = b -> c : uniform(0.1, 0.4)\n"
    "[target c]\nnew = 10\n";

/* engine_replay is engine_run, bit for bit: replication i at theta with one
 * parameter set to another replication's draw of it, against a record of
 * replication i at theta -- every parameter in turn, fixed ones included
 * (nothing changes: every tier is copied), on scenarios with events,
 * cohorts, expire_to, quotas and a region set's sums; on another
 * replication's stream, with the GSL samplers or after engine_keep_record
 * forgot the run, everything is drawn.  And copies happen: the test would
 * pass by drawing all. */
static void test_replay_is_run(void)
{
    const char *files[] = {"scenarios/qingdao.ini", "scenarios/qingdao-v1.ini",
                           "tests/data/certs.ini", "scenarios/national-example.ini", NULL};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        scenario *s = NULL;
        ts_err err, err2;
        const char *name = files[f] ? files[f] : "REPLAY_INI";
        if (!files[f]) {
            s = load(REPLAY_INI);
        } else if (scenario_load(&s, files[f], &err) < 0) {
            fprintf(stderr, "\n  %s: %s\n", files[f], err.msg);
            CU_FAIL_FATAL("scenario did not load");
        }
        for (int samplers = ENGINE_FAST; samplers <= ENGINE_GSL; samplers++) {
            engine_ws *ref = engine_alloc(s, (engine_samplers)samplers);
            engine_ws *full = engine_alloc(s, (engine_samplers)samplers);
            engine_ws *rep = engine_alloc(s, (engine_samplers)samplers);
            const gsl_rng_type *type = samplers == ENGINE_GSL ? gsl_rng_mt19937 : rng_xoshiro256pp;
            gsl_rng *rp = gsl_rng_alloc(type), *rc = gsl_rng_alloc(type);
            size_t np = s->n_params, len = engine_out_len(s);
            double *theta = malloc(np * sizeof *theta), *other = malloc(np * sizeof *other);
            double *th2 = malloc(np * sizeof *th2);
            int64_t *o_ref = malloc(len * sizeof *o_ref), *o_full = malloc(len * sizeof *o_full);
            int64_t *o_rep = malloc(len * sizeof *o_rep);
            CU_ASSERT_FATAL(ref && full && rep && rp && rc && theta && other && th2 && o_ref &&
                            o_full && o_rep);
            engine_keep_record(ref, 1);
            size_t copied = 0, runs = 0, same = 0, bad = 0;
            const uint64_t reps = samplers == ENGINE_GSL ? 3 : 12;
            for (uint64_t i = 0; i < reps; i++) {
                rng_seed_rep(rp, 7, i, RNG_PARAMS);
                engine_draw(s, rp, theta);
                rng_seed_rep(rp, 7, i + 1000, RNG_PARAMS);
                engine_draw(s, rp, other);
                int c0, c1, c2;
                rng_seed_rep(rc, 7, i, RNG_CHANCE);
                int r0 = engine_run(ref, s, theta, rc, o_ref, &c0, &err);
                /* p = np: theta itself on the next replication's stream. */
                for (size_t p = 0; p <= np; p++) {
                    memcpy(th2, theta, np * sizeof *th2);
                    if (p < np)
                        th2[p] = other[p];
                    uint64_t ir = p < np ? i : i + 1;
                    rng_seed_rep(rc, 7, ir, RNG_CHANCE);
                    int r1 = engine_run(full, s, th2, rc, o_full, &c1, &err);
                    rng_seed_rep(rc, 7, ir, RNG_CHANCE);
                    int r2 = engine_replay(rep, s, th2, rc, ref, o_rep, &c2, &err2);
                    bad += r1 != r2 ||
                           (r1 == 0 && (c1 != c2 || memcmp(o_full, o_rep, len * sizeof *o_rep)));
                    bad += r1 < 0 && strcmp(err.msg, err2.msg) != 0;
                    runs++;
                    copied += engine_copied(rep);
                    same += engine_copied(rep) == s->n_tiers;
                    bad += (ir != i || samplers == ENGINE_GSL || r0 < 0) && engine_copied(rep) != 0;
                }
            }
            CU_ASSERT_EQUAL(bad, 0);
            if (bad)
                printf("\n    %s, samplers %d: %zu of %zu replays differ\n", name, samplers, bad,
                       runs);
            if (samplers == ENGINE_FAST) {
                /* Many single parameters leave some tiers as they were; the
                 * fixed ones (the same value again) leave every tier. */
                CU_ASSERT(copied > runs * s->n_tiers / 3);
                CU_ASSERT(same > 0);
                /* Turning the record on again forgets the last run. */
                int c2;
                engine_keep_record(ref, 1);
                rng_seed_rep(rc, 7, reps - 1, RNG_CHANCE);
                engine_replay(rep, s, theta, rc, ref, o_rep, &c2, &err2);
                CU_ASSERT_EQUAL(engine_copied(rep), 0);
            }
            free(theta), free(other), free(th2), free(o_ref), free(o_full), free(o_rep);
            gsl_rng_free(rp);
            gsl_rng_free(rc);
            engine_free(ref);
            engine_free(full);
            engine_free(rep);
        }
        scenario_free(s);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"exits thin binomially (both samplers)", test_exits_thin_binomially},
        {"Poisson inflow with growth", test_poisson_inflow_with_growth},
        {"dispersion gives a negative binomial", test_inflow_dispersion_is_negative_binomial},
        {"keep and move chains", test_chain_keep_and_move},
        {"multinomial split", test_multinomial_split},
        {"quota caps promotions", test_quota_caps_promotions},
        {"policy years and factors", test_policy_years_and_factors},
        {"policy strength", test_policy_strength},
        {"rates summing above 1 are capped", test_capping},
        {"overflow is an error", test_overflow_is_an_error},
        {"parameter draws", test_parameter_draws},
        {"a cohort through re-review", test_cohort_through_review},
        {"inflow_quota caps a Poisson inflow", test_inflow_quota},
        {"a value by year with growth", test_value_by_year},
        {"a move keeps or restarts certificates", test_move_with_cohorts},
        {"one event draws every move from the stocks before it",
         test_event_moves_draw_from_the_stocks_before_it},
        {"expire_to", test_expire_to},
        {"engine_redraw after engine_fixed_params is engine_draw", test_redraw_is_engine_draw},
        {"promotions are uniform across cohorts", test_promotions_uniform_across_cohorts},
        {"cohorts change nothing until a review", test_cohorts_change_nothing_until_review},
        {"measures derived by the runner are what the engine draws", test_derived_measures},
        {"a replay from a record is the run", test_replay_is_run},
        {NULL, NULL},
    };
    return tu_run("engine", tests);
}
