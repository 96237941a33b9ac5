/* Calibration (fit.c): recovery of known parameters from histories the
 * engine itself simulated, coverage of the 95 % intervals, priors, the
 * identifiability warnings, every error, and fit_apply / fit_format_fitted.
 *
 * Histories are one replication of the engine at a fixed seed, with the
 * parameters fixed at their true values.  Each history row carries the sd of
 * its one-year-ahead noise under the model, computed from the true values and
 * the observed level before it (include/fit.h: a year is predicted from the
 * previous year's observed level), so that the weighted least squares is
 * well specified and the reported standard errors can be held to (design (a)
 * below is the one approximation, see there):
 *   - `new` of a tier with Poisson inflow and no promotions in: Poisson,
 *     sd = sqrt(mean), independent across years;
 *   - `stock` of a tier after N firms, exit e, inflow mu and promotions in M
 *     ~ Bin(N_src (1 - e_src), r) (keep = yes):
 *     sd^2 = N e (1 - e) + mu + Var M.
 * Stock, new and exits of one tier and year are never given together (stock
 * = previous - exits + new would make them dependent).
 *
 * Texts in memory are parsed under the name "test.ini"; in-memory histories
 * are named "mem.csv".  Files go to a directory made with mkdtemp. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist.h"
#include "engine.h"
#include "fit.h"
#include "history.h"
#include "outdir.h"
#include "output.h"
#include "rng.h"
#include "scenario.h"
#include "testutil.h"

#define K_SE 3.0            /* recovery: estimates within 3 standard errors */
#define COVERAGE_RUNS 1000

static char tmpdir[64];

/* ------------------------------------------------------------ helpers */

static scenario *load(const char *text)
{
    scenario *s = NULL;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (scenario_parse_string(&s, text, "test.ini", &err) < 0) {
        fprintf(stderr, "\n  scenario: %s\n", err.msg);
        CU_FAIL_FATAL("scenario did not parse");
    }
    return s;
}

/* One replication of the engine. */
typedef struct {
    const scenario *s;
    engine_ws *w;
    gsl_rng *r;
    double *theta;
    int64_t *out;
} sim;

static void sim_init(sim *m, const scenario *s)
{
    m->s = s;
    m->w = engine_alloc(s, ENGINE_FAST);
    m->r = gsl_rng_alloc(rng_xoshiro256pp);
    m->theta = calloc(s->n_params, sizeof *m->theta);
    m->out = calloc(engine_out_len(s), sizeof *m->out);
    CU_ASSERT_FATAL(m->w && m->r && m->theta && m->out);
}

static void sim_run(sim *m, uint64_t seed)
{
    int capped;
    ts_err err;
    rng_seed_stream(m->r, seed, 0);
    engine_draw(m->s, m->r, m->theta);
    CU_ASSERT_EQUAL_FATAL(engine_run(m->w, m->s, m->theta, m->r, m->out, &capped, &err), 0);
}

static void sim_free(sim *m)
{
    free(m->out);
    free(m->theta);
    gsl_rng_free(m->r);
    engine_free(m->w);
}

static size_t tier(const scenario *s, const char *name)
{
    long k = scenario_find_tier(s, name);
    CU_ASSERT_FATAL(k >= 0);
    return (size_t)k;
}

/* The history measure of a tier in year index y: `new` is the entries during
 * the year (the engine's M_NEW is cumulative). */
static double obs(const sim *m, size_t y, const char *name, hist_measure meas)
{
    const int64_t *o = m->out + (y * m->s->n_tiers + tier(m->s, name)) * M_COUNT;
    switch (meas) {
    case HIST_STOCK:
        return (double)o[M_STOCK];
    case HIST_NEW:
        return (double)(o[M_INFLOW] + o[M_PROMOTED_IN]);
    default:
        return (double)o[M_EXITS];
    }
}

/* The level at the end of year index y - 1: the scenario's stock for y = 0. */
static double before(const sim *m, size_t y, const char *name)
{
    if (y == 0)
        return m->theta[m->s->tiers[tier(m->s, name)].p_stock];
    return obs(m, y - 1, name, HIST_STOCK);
}

static history *hist_new(const char *path)
{
    history *h = calloc(1, sizeof *h);
    CU_ASSERT_FATAL(h != NULL);
    h->path = malloc(strlen(path) + 1);
    CU_ASSERT_FATAL(h->path != NULL);
    strcpy(h->path, path);
    return h;
}

static void row_add(history *h, const scenario *s, int year, const char *name,
                     hist_measure meas, double value, double sd)
{
    history_row *rows = realloc(h->rows, (h->n_rows + 1) * sizeof *rows);
    CU_ASSERT_FATAL(rows != NULL);
    h->rows = rows;
    history_row *r = &h->rows[h->n_rows];
    r->year = year;
    r->date = year * 12 + 11;   /* YYYY: December, as history.c reads it */
    r->tier = tier(s, name);
    r->measure = meas;
    r->value = value;
    r->sd = sd;
    r->sd_given = 1;
    r->line = (int)h->n_rows + 2;
    h->n_rows++;
}

static fit_result *fit_ok(const scenario *s, const history *h, const fit_opts *o)
{
    fit_result *r = NULL;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (fit_run(s, h, o, &r, &err) < 0) {
        fprintf(stderr, "\n  fit: %s\n", err.msg);
        CU_FAIL("fit_run failed");
        return NULL;
    }
    return r;
}

/* The fit's message, or "" when it succeeded. */
static const char *fit_err(const scenario *s, const history *h, const fit_opts *o,
                           ts_err *err)
{
    fit_result *r = (fit_result *)1;
    strcpy(err->msg, "(no message)");
    if (fit_run(s, h, o, &r, err) == 0) {
        fit_result_free(r);
        return "";
    }
    CU_ASSERT_PTR_NULL(r);
    return err->msg;
}

static int msg_is(const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return 1;
    fprintf(stderr, "\n  got:  %s\n  want: %s\n", got, want);
    return 0;
}
#define ASSERT_MSG(got, want) CU_ASSERT(msg_is((got), (want)))

static const fit_estimate *est_of(const scenario *s, const fit_result *r, const char *name)
{
    for (size_t j = 0; r && j < r->n_est; j++)
        if (!strcmp(s->params[r->est[j].param].name, name))
            return &r->est[j];
    fprintf(stderr, "\n  no estimate of %s\n", name);
    CU_FAIL_FATAL("estimate missing");
    return NULL;
}

/* The estimate within K_SE of its standard errors of the truth, the se
 * finite and at most rel_se of the truth (so that the test says something),
 * and the estimate inside its own 95 % interval. */
static void check_recovered(const scenario *s, const fit_result *r, const char *name,
                            double truth, double rel_se)
{
    const fit_estimate *e = est_of(s, r, name);
    CU_ASSERT(isfinite(e->se) && e->se > 0);
    if (!(e->se <= rel_se * fabs(truth)))
        fprintf(stderr, "\n  %s: se %.4g is above %.0f %% of %.6g\n", name, e->se, 100 * rel_se,
                truth);
    CU_ASSERT(e->se <= rel_se * fabs(truth));
    TU_ASSERT_WITHIN_SE(name, e->estimate, truth, e->se, K_SE);
    CU_ASSERT(e->lo95 < e->estimate && e->estimate < e->hi95);
}

static int has_warning(const fit_result *r, const char *text)
{
    for (size_t i = 0; i < r->n_warnings; i++)
        if (strstr(r->warnings[i], text))
            return 1;
    return 0;
}

static void tmp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", tmpdir, name);
}

/* ------------------------------------------------------------ the mean recursion */

/* The recursion's prediction of every row of h at the parameters' means,
 * each row required to be one a fit would use (but for starting levels,
 * NAN). */
static double *predict_all(const scenario *s, const history *h)
{
    double *theta = calloc(s->n_params + 1, sizeof *theta);
    double *pred = calloc(h->n_rows + 1, sizeof *pred);
    char *fitted = calloc(h->n_rows + 1, 1);
    CU_ASSERT_FATAL(theta && pred && fitted);
    scenario_param_means(s, theta);
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (fit_predict(s, h, theta, pred, fitted, &err) < 0) {
        fprintf(stderr, "\n  fit_predict: %s\n", err.msg);
        CU_FAIL_FATAL("fit_predict failed");
    }
    for (size_t i = 0; i < h->n_rows; i++)
        if (!fitted[i] && !isnan(pred[i])) {
            fprintf(stderr, "\n  row %zu (line %d) would not be fitted\n", i, h->rows[i].line);
            CU_FAIL("a row is not fitted");
        }
    free(theta);
    free(fitted);
    return pred;
}

static int near(const char *what, double got, double want, double rel)
{
    if (tu_close(got, want, rel, 1e-12))
        return 1;
    fprintf(stderr, "\n  %s: got %.17g, want %.17g\n", what, got, want);
    return 0;
}
#define ASSERT_NEAR(what, got, want) CU_ASSERT(near((what), (got), (want), 1e-12))

/* A single cohort through expiry: 137 firms certified three years before
 * the start are re-reviewed in 2022 (renewal 0.2385): the renewed join the
 * cohort of 2022, which is next reviewed in 2025; nothing else happens in
 * 2023 and 2024.  With exits (0.0713) the review takes the survivors. */
static void test_mean_cohort_through_expiry(void)
{
    static const char fmt[] = "[scenario]\nname = c\nstart_year = 2022\nend_year = 2026\n"
                              "known_until = 2026-12\n[tier a]\nstock = 137\nvalidity = 3\n"
                              "stock_cohorts = 0, 0, 137\nrenewal = 0.2385\nexit = %s\n";
    char text[512];
    snprintf(text, sizeof text, fmt, "0");
    scenario *s = load(text);
    /* No stock rows before the last year: an observed stock would replace
     * the predicted level (test_mean_observed_level). */
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_RENEWED, 33, 5);
    row_add(h, s, 2022, "a", HIST_EXPIRED, 104, 10);
    row_add(h, s, 2023, "a", HIST_EXPIRED, 0, 1);
    row_add(h, s, 2024, "a", HIST_EXITS, 0, 1);
    row_add(h, s, 2025, "a", HIST_RENEWED, 8, 3);
    row_add(h, s, 2026, "a", HIST_EXITS, 0, 1);
    row_add(h, s, 2026, "a", HIST_STOCK, 8, 3);
    double *p = predict_all(s, h);
    CU_ASSERT_EQUAL(p[0], 137 * 0.2385);            /* exactly: one cohort, no exits */
    ASSERT_NEAR("expired 2022", p[1], 137 * (1 - 0.2385));
    CU_ASSERT_EQUAL(p[2], 0.0);
    CU_ASSERT_EQUAL(p[3], 0.0);
    ASSERT_NEAR("renewed 2025", p[4], 137 * 0.2385 * 0.2385);
    CU_ASSERT_EQUAL(p[5], 0.0);
    ASSERT_NEAR("stock 2026", p[6], 137 * 0.2385 * 0.2385);
    free(p);
    scenario_free(s);

    snprintf(text, sizeof text, fmt, "0.0713");
    s = load(text);
    p = predict_all(s, h);
    double q = 1 - 0.0713, n22 = 137 * q * 0.2385;
    ASSERT_NEAR("renewed 2022, exits", p[0], n22);
    ASSERT_NEAR("expired 2022, exits", p[1], 137 * q * (1 - 0.2385));
    ASSERT_NEAR("exits 2024", p[3], n22 * q * 0.0713);
    ASSERT_NEAR("renewed 2025, exits", p[4], n22 * q * q * q * 0.2385);
    ASSERT_NEAR("exits 2026", p[5], n22 * q * q * q * 0.2385 * 0.0713);
    ASSERT_NEAR("stock 2026, exits", p[6], n22 * q * q * q * 0.2385 * q);
    free(p);
    history_free(h);
    scenario_free(s);

    /* The default split: 137 over three cohorts, 47, 45, 45 (the remainder
     * to c1): 45 are due in 2022, 45 in 2023, 47 in 2024. */
    s = load("[scenario]\nname = c\nstart_year = 2022\nend_year = 2025\nknown_until = 2025-12\n"
             "[tier a]\nstock = 137\nvalidity = 3\nrenewal = 0.2385\n");
    h = hist_new("mem.csv");
    for (int y = 2022; y <= 2025; y++)
        row_add(h, s, y, "a", HIST_EXPIRED, 30, 5);
    p = predict_all(s, h);
    ASSERT_NEAR("expired 2022", p[0], 45 * (1 - 0.2385));
    ASSERT_NEAR("expired 2023", p[1], 45 * (1 - 0.2385));
    ASSERT_NEAR("expired 2024", p[2], 47 * (1 - 0.2385));
    ASSERT_NEAR("expired 2025", p[3], 45 * 0.2385 * (1 - 0.2385));
    free(p);
    history_free(h);
    scenario_free(s);
}

/* E[min(N, Q)] by hand from the pmf: sum_{k < Q} k p(k) + Q P(N >= Q). */
static double by_hand_capped(double (*pmf)(int k, const double *a), const double *a, int q)
{
    double e = 0, below = 0;
    for (int k = 0; k < q; k++) {
        e += k * pmf(k, a);
        below += pmf(k, a);
    }
    return e + q * (1 - below);
}

static double poisson_pmf(int k, const double *a)
{
    return exp(-a[0] + k * log(a[0]) - lgamma(k + 1.0));
}

/* a[0] mean, a[1] dispersion phi: r = 1/phi, p = 1 / (1 + phi mu) */
static double negbin_pmf(int k, const double *a)
{
    double r = 1 / a[1], p = 1 / (1 + a[1] * a[0]);
    return exp(lgamma(r + k) - lgamma(r) - lgamma(k + 1.0) + r * log(p) + k * log1p(-p));
}

/* a[0] trials, a[1] p */
static double binomial_pmf(int k, const double *a)
{
    double n = a[0], p = a[1];
    return exp(lgamma(n + 1) - lgamma(k + 1.0) - lgamma(n - k + 1) + k * log(p) +
               (n - k) * log1p(-p));
}

/* A cap on a Poisson inflow (mu 7.3, inflow_quota 5), and on a negative
 * binomial one (inflow_dispersion 0.37); a cap far above the mean caps
 * nothing (the mean to the last bit); a quota in force from 2024 only. */
static void test_mean_capped_inflow(void)
{
    scenario *s = load("[scenario]\nname = q\nstart_year = 2022\nend_year = 2025\n"
                       "known_until = 2025-12\n"
                       "[tier a]\ninflow = 7.3\ninflow_quota = 5\n"
                       "[tier b]\ninflow = 7.3\ninflow_dispersion = 0.37\ninflow_quota = 5\n"
                       "[tier c]\ninflow = 7.3\ninflow_quota = 1000\n"
                       "[tier d]\ninflow = 137\ninflow_quota@2024 = 130\n"
                       "[tier e]\ninflow = 7.3\ninflow_dispersion = 1.37\ninflow_quota = 5\n"
                       "[tier f]\ninflow = 7.3\ninflow_dispersion = 1.37\ninflow_quota = 20\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 5, 1);
    row_add(h, s, 2022, "b", HIST_NEW, 5, 1);
    row_add(h, s, 2022, "c", HIST_NEW, 7, 1);
    row_add(h, s, 2023, "d", HIST_NEW, 137, 1);
    row_add(h, s, 2024, "d", HIST_NEW, 130, 1);
    row_add(h, s, 2023, "a", HIST_STOCK, 10, 1);
    row_add(h, s, 2022, "e", HIST_NEW, 4, 1);
    row_add(h, s, 2022, "f", HIST_NEW, 6, 1);
    double *p = predict_all(s, h);
    const double pois[] = {7.3}, nb[] = {7.3, 0.37}, pois137[] = {137};
    double want = by_hand_capped(poisson_pmf, pois, 5);
    /* the same sum, done independently (Python, math.lgamma): 4.755364888728392 */
    ASSERT_NEAR("by hand", want, 4.755364888728392);
    ASSERT_NEAR("Poisson(7.3) capped at 5", p[0], want);
    ASSERT_NEAR("negative binomial capped at 5", p[1], by_hand_capped(negbin_pmf, nb, 5));
    CU_ASSERT(p[1] < p[0]);     /* more spread, more of it cut off */
    CU_ASSERT_EQUAL(p[2], 7.3);
    CU_ASSERT_EQUAL(p[3], 137.0);
    ASSERT_NEAR("Poisson(137) capped at 130 from 2024", p[4],
                by_hand_capped(poisson_pmf, pois137, 130));
    ASSERT_NEAR("stock 2023", p[5], 2 * want);
    /* dispersion above 1: the pmf falls from 0 on, and slowly */
    const double nb2[] = {7.3, 1.37};
    ASSERT_NEAR("negative binomial (1.37) capped at 5", p[6], by_hand_capped(negbin_pmf, nb2, 5));
    ASSERT_NEAR("negative binomial (1.37) capped at 20", p[7],
                by_hand_capped(negbin_pmf, nb2, 20));
    free(p);
    history_free(h);
    scenario_free(s);
}

/* A transition quota: E[min(B, Q)], B ~ Binomial(n, rate) out of the
 * survivors n: 137 firms, rate 0.2385, quota 30 (mean 32.7); with exits
 * (0.0713) the survivors are 127.23, and the mean is the linear one
 * between 127 and 128.  The source keeps the held-back firms. */
static void test_mean_transition_quota(void)
{
    static const char fmt[] = "[scenario]\nname = q\nstart_year = 2022\nend_year = 2023\n"
                              "known_until = 2023-12\n[tier a]\nstock = 137\nexit = %s\n"
                              "[tier b]\n[transition a -> b]\nrate = 0.2385\nquota = 30\n";
    char text[512];
    snprintf(text, sizeof text, fmt, "0");
    scenario *s = load(text);
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "b", HIST_NEW, 30, 1);
    row_add(h, s, 2022, "a", HIST_STOCK, 107, 1);
    double *p = predict_all(s, h);
    double b137[] = {137, 0.2385};
    double want = by_hand_capped(binomial_pmf, b137, 30);
    CU_ASSERT(want < 30 && want > 28);
    ASSERT_NEAR("Binomial(137, 0.2385) capped at 30", p[0], want);
    ASSERT_NEAR("a keeps the rest", p[1], 137 - want);
    free(p);
    scenario_free(s);
    snprintf(text, sizeof text, fmt, "0.0713");
    s = load(text);
    p = predict_all(s, h);
    double n = 137 - 137 * 0.0713, frac = n - 127;
    double b127[] = {127, 0.2385}, b128[] = {128, 0.2385};
    want = (1 - frac) * by_hand_capped(binomial_pmf, b127, 30) +
           frac * by_hand_capped(binomial_pmf, b128, 30);
    ASSERT_NEAR("capped promotions out of 127.23 survivors", p[0], want);
    ASSERT_NEAR("a keeps the rest, after exits", p[1], n - want);
    free(p);
    history_free(h);
    scenario_free(s);
}

/* A value by year with growth: inflow 10 growing 10 % a year, inflow@2024
 * = 20 takes force in 2024 and grows on: 10, 11, 20, 22; an exit@2024 and
 * a rate@2023 likewise. */
static void test_mean_values_by_year(void)
{
    scenario *s = load("[scenario]\nname = y\nstart_year = 2022\nend_year = 2025\n"
                       "known_until = 2025-12\n[tier a]\ninflow = 10\ninflow_growth = 10%\n"
                       "inflow@2024 = 20\n"
                       "[tier b]\nstock = 1370\nexit = 0.0713\nexit@2024 = 0.1137\n"
                       "[tier c]\n[transition b -> c]\nrate = 0\nrate@2023 = 0.2385\n");
    history *h = hist_new("mem.csv");
    for (int y = 2022; y <= 2025; y++)
        row_add(h, s, y, "a", HIST_NEW, 15, 4);
    for (int y = 2022; y <= 2025; y++)
        row_add(h, s, y, "b", HIST_EXITS, 100, 10);
    row_add(h, s, 2023, "c", HIST_NEW, 300, 17);
    double *p = predict_all(s, h);
    ASSERT_NEAR("2022", p[0], 10);
    ASSERT_NEAR("2023", p[1], 11);
    ASSERT_NEAR("2024", p[2], 20);
    ASSERT_NEAR("2025", p[3], 22);
    double b22 = 1370 * (1 - 0.0713), b23 = b22 * (1 - 0.0713) * (1 - 0.2385);
    double b24 = b23 * (1 - 0.1137) * (1 - 0.2385);
    ASSERT_NEAR("exits 2022", p[4], 1370 * 0.0713);
    ASSERT_NEAR("exits 2023", p[5], b22 * 0.0713);
    ASSERT_NEAR("exits 2024", p[6], b23 * 0.1137);
    ASSERT_NEAR("exits 2025", p[7], b24 * 0.1137);
    ASSERT_NEAR("promotions 2023", p[8], b22 * (1 - 0.0713) * 0.2385);
    free(p);
    history_free(h);
    scenario_free(s);
}

/* A move with cohorts.  a (validity 3, cohorts 137, 411, 822, renewal
 * 0.2385) moves 30 % to b (validity 3: the firms keep their certificate
 * years), 10 % to c (no validity) and 20 % to d (validity 2: certificates
 * of 2023) at the start of 2023; no exits. */
static void test_mean_move_with_cohorts(void)
{
    scenario *s = load("[scenario]\nname = m\nstart_year = 2022\nend_year = 2025\n"
                       "known_until = 2025-12\n"
                       "[tier a]\nstock = 1370\nvalidity = 3\nstock_cohorts = 137, 411, 822\n"
                       "renewal = 0.2385\n"
                       "[tier b]\nvalidity = 3\nrenewal = 0.5\n"
                       "[tier c]\n"
                       "[tier d]\nvalidity = 2\n"
                       "[event reform]\nyear = 2023\nmove = a -> b : 0.3, a -> c : 0.1\n"
                       "move = a -> d : 20%\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_RENEWED, 196, 14);              /* 0 */
    row_add(h, s, 2023, "b", HIST_MOVED_IN, 223, 15);             /* 1 */
    row_add(h, s, 2023, "c", HIST_MOVED_IN, 74, 9);               /* 2 */
    row_add(h, s, 2023, "d", HIST_MOVED_IN, 149, 12);             /* 3 */
    row_add(h, s, 2023, "a", HIST_RENEWED, 39, 6);                /* 4 */
    row_add(h, s, 2023, "b", HIST_RENEWED, 62, 8);                /* 5 */
    row_add(h, s, 2023, "b", HIST_EXPIRED, 62, 8);                /* 6 */
    row_add(h, s, 2023, "a", HIST_EXITS, 0, 1);                   /* 7 */
    row_add(h, s, 2023, "b", HIST_EXITS, 0, 1);                   /* 8 */
    row_add(h, s, 2024, "b", HIST_RENEWED, 21, 5);                /* 9 */
    row_add(h, s, 2024, "d", HIST_EXPIRED, 0, 1);                 /* 10 */
    row_add(h, s, 2025, "d", HIST_EXPIRED, 149, 12);              /* 11 */
    row_add(h, s, 2025, "d", HIST_STOCK, 0, 1);                   /* 12 */
    row_add(h, s, 2023, "c", HIST_STOCK, 74, 9);                  /* 13 */
    row_add(h, s, 2023, "b", HIST_NEW, 0, 1);                     /* 14 */
    double *p = predict_all(s, h);
    double r22 = 822 * 0.2385, a22 = r22 + 137 + 411;
    ASSERT_NEAR("a renewed 2022", p[0], r22);
    ASSERT_NEAR("moved into b", p[1], 0.3 * a22);
    ASSERT_NEAR("moved into c", p[2], 0.1 * a22);
    ASSERT_NEAR("moved into d", p[3], 0.2 * a22);
    ASSERT_NEAR("a renewed 2023", p[4], 0.4 * 411 * 0.2385);
    ASSERT_NEAR("b renewed 2023 (the moved cohort of 2020)", p[5], 0.5 * 0.3 * 411);
    ASSERT_NEAR("b expired 2023", p[6], 0.5 * 0.3 * 411);
    CU_ASSERT_EQUAL(p[7], 0.0);
    CU_ASSERT_EQUAL(p[8], 0.0);
    ASSERT_NEAR("b renewed 2024 (the moved cohort of 2021)", p[9], 0.5 * 0.3 * 137);
    CU_ASSERT_EQUAL(p[10], 0.0);
    ASSERT_NEAR("d expired 2025 (certificates of 2023)", p[11], 0.2 * a22);
    CU_ASSERT(fabs(p[12]) < 1e-12);
    ASSERT_NEAR("c 2023", p[13], 0.1 * a22);
    CU_ASSERT_EQUAL(p[14], 0.0);                                   /* a move is not new */
    free(p);
    history_free(h);
    /* The levels of 2023, each the last row of its tier. */
    h = hist_new("mem.csv");
    row_add(h, s, 2023, "a", HIST_STOCK, 172, 13);
    row_add(h, s, 2023, "b", HIST_STOCK, 161, 13);
    row_add(h, s, 2023, "d", HIST_STOCK, 149, 12);
    p = predict_all(s, h);
    ASSERT_NEAR("a 2023", p[0], 0.4 * (r22 + 137) + 0.4 * 411 * 0.2385);
    ASSERT_NEAR("b 2023", p[1], 0.3 * (r22 + 137) + 0.5 * 0.3 * 411);
    ASSERT_NEAR("d 2023", p[2], 0.2 * a22);
    free(p);
    history_free(h);
    scenario_free(s);
}

/* expire_to: a's expired firms (validity 1, renewal 0.2385) enter b as
 * moved_in, not new, with certificates of the year (b has validity 2: they
 * are due two years on); cumulative = cumulative_start + new. */
static void test_mean_expire_to_and_cumulative(void)
{
    scenario *s = load("[scenario]\nname = x\nstart_year = 2022\nend_year = 2025\n"
                       "known_until = 2025-12\n"
                       "[tier a]\nstock = 137\nvalidity = 1\nrenewal = 0.2385\nexpire_to = b\n"
                       "[tier b]\nvalidity = 2\ninflow = 13\ncumulative_start = 97\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "b", HIST_MOVED_IN, 104, 10);             /* 0 */
    row_add(h, s, 2022, "b", HIST_NEW, 13, 4);                    /* 1 */
    row_add(h, s, 2022, "a", HIST_EXITS, 0, 1);                   /* 2 */
    row_add(h, s, 2022, "b", HIST_CUMULATIVE, 110, 10);           /* 3 */
    row_add(h, s, 2023, "b", HIST_CUMULATIVE, 123, 11);           /* 4 */
    row_add(h, s, 2023, "a", HIST_RENEWED, 8, 3);                 /* 5 */
    row_add(h, s, 2024, "b", HIST_EXPIRED, 117, 11);              /* 6 */
    row_add(h, s, 2022, "a", HIST_NEW, 0, 1);                     /* 7 */
    double *p = predict_all(s, h);
    double x22 = 137 - 137 * 0.2385, x23 = 137 * 0.2385 * (1 - 0.2385);
    ASSERT_NEAR("moved_in", p[0], x22);
    ASSERT_NEAR("new", p[1], 13);
    CU_ASSERT_EQUAL(p[2], 0.0);
    ASSERT_NEAR("cumulative 2022", p[3], 110);
    ASSERT_NEAR("cumulative 2023", p[4], 123);
    ASSERT_NEAR("a renewed 2023", p[5], 137 * 0.2385 * 0.2385);
    ASSERT_NEAR("b expired 2024: the arrivals and entrants of 2022", p[6], x22 + 13);
    CU_ASSERT_EQUAL(p[7], 0.0);
    (void)x23;
    free(p);
    history_free(h);
    h = hist_new("mem.csv");
    row_add(h, s, 2022, "b", HIST_STOCK, 117, 11);
    row_add(h, s, 2022, "a", HIST_STOCK, 33, 6);
    p = predict_all(s, h);
    ASSERT_NEAR("b 2022", p[0], x22 + 13);
    ASSERT_NEAR("a 2022", p[1], 137 * 0.2385);
    free(p);
    history_free(h);
    scenario_free(s);
}

/* The engine and the fit share one model: without caps every step is
 * linear in the counts, so the recursion's prediction of each row is the
 * engine's mean exactly.  Cohorts (stock_cohorts, renewal and renewal@2025,
 * expire_to into a tier without validity), events of both kinds (same
 * validity: certificates kept; other validity: certificates of the year),
 * a keep = yes promotion into a tier with validity, a rate@2024, inflow@2025
 * with growth, cumulative_start: every measure of every tier and year within
 * 5 standard errors of the mean of 20000 replications (156 rows). */
static void test_mean_is_the_engine_mean(void)
{
    scenario *s = load("[scenario]\nname = xc\nstart_year = 2022\nend_year = 2027\n"
                       "[tier a]\nstock = 1370\nvalidity = 3\nstock_cohorts = 137, 411, 822\n"
                       "renewal = 0.6137\nrenewal@2025 = 0.4\ninflow = 213\ninflow_growth = 7%\n"
                       "inflow@2025 = 300\nexit = 0.0385\nexpire_to = c\n"
                       "[tier b]\nvalidity = 3\nrenewal = 0.5\nexit = 0.02\n"
                       "[tier c]\nstock = 97\ninflow = 41\nexit = 0.1\ncumulative_start = 413\n"
                       "[tier d]\nvalidity = 2\nrenewal = 0.7\n"
                       "[transition a -> d]\nrate = 0.0713\nkeep = yes\n"
                       "[transition c -> b]\nrate = 0.05\nrate@2024 = 0.1\n"
                       "[event reform]\nyear = 2023\nmove = a -> b : 0.3, a -> c : 0.1\n"
                       "move = a -> d : 20%\n"
                       "[event later]\nyear = 2025\nmove = c -> a : 0.137\n");
    static const hist_measure meas[] = {HIST_STOCK,   HIST_NEW,      HIST_EXITS,     HIST_EXPIRED,
                                        HIST_RENEWED, HIST_MOVED_IN, HIST_CUMULATIVE};
    static const int engine_m[] = {M_STOCK, -1, M_EXITS, M_EXPIRED, M_RENEWED, M_MOVED_IN,
                                   M_CUMULATIVE};
    const size_t K = s->n_tiers, Y = scenario_years(s), NM = 7, R = 20000;
    double *sum = calloc(Y * K * NM, sizeof *sum), *sq = calloc(Y * K * NM, sizeof *sq);
    CU_ASSERT_FATAL(sum && sq);
    sim m;
    sim_init(&m, s);
    for (size_t rep = 0; rep < R; rep++) {
        sim_run(&m, 70000 + rep);
        for (size_t y = 0; y < Y; y++)
            for (size_t k = 0; k < K; k++) {
                const int64_t *o = m.out + (y * K + k) * M_COUNT;
                for (size_t j = 0; j < NM; j++) {
                    double v = engine_m[j] < 0 ? (double)(o[M_INFLOW] + o[M_PROMOTED_IN])
                                               : (double)o[engine_m[j]];
                    sum[(y * K + k) * NM + j] += v;
                    sq[(y * K + k) * NM + j] += v * v;
                }
            }
    }
    /* One row per history: a stock or cumulative row would be the starting
     * level of the rows after it. */
    size_t compared = 0;
    double worst = 0;
    for (size_t y = 0; y < Y; y++)
        for (size_t k = 0; k < K; k++)
            for (size_t j = 0; j < NM; j++) {
                if ((meas[j] == HIST_EXPIRED || meas[j] == HIST_RENEWED) && !s->tiers[k].validity)
                    continue;
                history *h = hist_new("mem.csv");
                row_add(h, s, s->start_year + (int)y, s->tiers[k].name, meas[j], 1, 1);
                double *p = predict_all(s, h);
                size_t i = (y * K + k) * NM + j;
                double mean = sum[i] / (double)R;
                double se = sqrt(fmax(sq[i] / (double)R - mean * mean, 0) / (double)R);
                double z = se > 0 ? (p[0] - mean) / se : (fabs(p[0] - mean) < 1e-9 ? 0 : INFINITY);
                if (!(fabs(z) < 5))
                    fprintf(stderr, "\n  %d %s %s: engine %.4f (se %.4f), recursion %.4f\n",
                            s->start_year + (int)y, s->tiers[k].name,
                            history_measure_names[meas[j]], mean, se, p[0]);
                CU_ASSERT(fabs(z) < 5);
                worst = fmax(worst, fabs(z));
                compared++;
                free(p);
                history_free(h);
            }
    printf("\n    %zu rows, largest |z| %.2f\n    ", compared, worst);
    CU_ASSERT(compared > 100);
    sim_free(&m);
    free(sum);
    free(sq);
    scenario_free(s);
}

/* An observed stock replaces the predicted level and keeps the predicted
 * shares of its certificate cohorts: 137 firms in cohorts 0, 0, 137 renew
 * 0.2385 in 2022; an observed 41 at the end of 2022 (the prediction was
 * 32.67, all of cohort 2022) is all of cohort 2022, reviewed in 2025.  At the
 * start an observed stock is split as the scenario splits its own. */
static void test_mean_observed_level(void)
{
    scenario *s = load("[scenario]\nname = o\nstart_year = 2022\nend_year = 2025\n"
                       "known_until = 2025-12\n[tier a]\nstock = 137\nvalidity = 3\n"
                       "stock_cohorts = 0, 0, 137\nrenewal = 0.2385\n"
                       "[tier b]\nstock = 300\nvalidity = 3\nrenewal = 0.5\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_STOCK, 41, 6);
    row_add(h, s, 2024, "a", HIST_EXPIRED, 0, 1);
    row_add(h, s, 2025, "a", HIST_RENEWED, 10, 3);
    row_add(h, s, 2021, "b", HIST_STOCK, 413, 20);
    row_add(h, s, 2022, "b", HIST_EXPIRED, 69, 8);
    double *p = predict_all(s, h);
    ASSERT_NEAR("stock 2022", p[0], 137 * 0.2385);
    CU_ASSERT_EQUAL(p[1], 0.0);
    ASSERT_NEAR("renewed 2025", p[2], 41 * 0.2385);
    CU_ASSERT(isnan(p[3]));                  /* the starting level, not predicted */
    /* b: 413 split evenly as 300 would be (138, 137, 138 -> 139, 137, 137) */
    ASSERT_NEAR("expired 2022", p[4], 137 * 0.5);
    free(p);
    history_free(h);
    scenario_free(s);
}

/* (d) Renewal, an @YEAR inflow and an event fraction, from a history dated
 * mid-year (start = 2022-07: update Y ends in June of Y + 1), written as CSV
 * text and read by history_parse_mem.  The rows are the exact means of the
 * recursion at the true values (fit_predict) plus Gaussian noise of the sd
 * each row gives, so the weighted least squares is exactly specified and
 * the estimates must lie within K_SE of the truth in their reported se. */
static const char renew_fmt[] =
    "[scenario]\nname = r\nstart_year = 2022\nstart = 2022-07\nend_year = 2029\n"
    "known_until = 2030-06\n"
    "[tier a]\nstock = 2385\nvalidity = 2\nexit = 0.0385\nrenewal = %s\ninflow = 413\n"
    "inflow@2025 = %s\n"
    "[tier b]\n[event reform]\nyear = 2024\nmove = a -> b : %s\n";
#define RENEW_R 0.6137
#define RENEW_MU25 713.0
#define RENEW_F 0.137

static void test_recover_renewal_year_value_and_move(void)
{
    char text[1024];
    snprintf(text, sizeof text, renew_fmt, "0.6137", "713", "0.137");
    scenario *truth = load(text);
    snprintf(text, sizeof text, renew_fmt, "fit", "fit", "fit");
    scenario *s = load(text);
    /* The rows, first with placeholder values, to get their means. */
    char csv[4096];
    size_t n = (size_t)snprintf(csv, sizeof csv, "as_of,tier,measure,value,sd\n"
                                                 "2022-06,a,stock,2385,\n");
    for (int y = 2022; y <= 2029; y++) {
        n += (size_t)snprintf(csv + n, sizeof csv - n, "%d-06,a,new,1,\n%d-06,a,renewed,1,\n",
                              y + 1, y + 1);
        if (y == 2024)
            n += (size_t)snprintf(csv + n, sizeof csv - n, "%d-06,b,moved_in,1,\n", y + 1);
    }
    history *h = NULL;
    ts_err err;
    CU_ASSERT_FATAL(history_parse_mem(&h, "renew.csv", csv, n, truth, &err) == 0);
    CU_ASSERT_EQUAL_FATAL(h->n_rows, 18);
    CU_ASSERT_EQUAL(h->rows[0].year, 2021);
    CU_ASSERT_EQUAL(h->rows[1].year, 2022);
    double *theta = calloc(truth->n_params, sizeof *theta), *mean = calloc(h->n_rows, sizeof *mean);
    char *fitted = calloc(h->n_rows, 1);
    CU_ASSERT_FATAL(theta && mean && fitted);
    scenario_param_means(truth, theta);
    CU_ASSERT_FATAL(fit_predict(truth, h, theta, mean, fitted, &err) == 0);
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    CU_ASSERT_FATAL(r != NULL);
    rng_seed_stream(r, 6137, 0);
    n = (size_t)snprintf(csv, sizeof csv, "as_of,tier,measure,value,sd\n2022-06,a,stock,2385,\n");
    for (size_t i = 1; i < h->n_rows; i++) {
        const history_row *row = &h->rows[i];
        double sd = sqrt(mean[i]);
        n += (size_t)snprintf(csv + n, sizeof csv - n, "%d-06,%s,%s,%.17g,%.17g\n",
                              row->year + 1, s->tiers[row->tier].name,
                              history_measure_names[row->measure],
                              mean[i] + gsl_ran_gaussian(r, sd), sd);
    }
    history_free(h);
    CU_ASSERT_FATAL(history_parse_mem(&h, "renew.csv", csv, n, s, &err) == 0);
    fit_result *res = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(res != NULL);
    CU_ASSERT_EQUAL(res->n_pts, 17);
    CU_ASSERT_EQUAL(res->n_ignored, 0);
    check_recovered(s, res, "tier.a.renewal", RENEW_R, 0.03);
    check_recovered(s, res, "tier.a.inflow@2025", RENEW_MU25, 0.05);
    check_recovered(s, res, "event.reform.move.a->b", RENEW_F, 0.1);
    CU_ASSERT(res->chi2 < 14 + 5 * sqrt(28.0));
    fit_result_free(res);
    history_free(h);
    gsl_rng_free(r);
    free(theta);
    free(mean);
    free(fitted);
    scenario_free(s);
    scenario_free(truth);
}

/* ------------------------------------------------------------ recovery */

/* (a) One tier with inflow and exit, history through a CSV file: new and
 * exits rows (no stock rows, so every year after the first is predicted by
 * the mean recursion from the scenario's stock).  new ~ Poisson(mu); the
 * exits of year t are Bin(N_{t-1}, e) with N_{t-1} itself random, so their sd
 * is the marginal one: Var X_t = E N e (1 - e) + e^2 Var N, with
 *   E N_t = (1 - e) E N_{t-1} + mu,
 *   Var N_t = (1 - e)^2 Var N_{t-1} + E N_{t-1} e (1 - e) + mu.
 * The exits of different years still share the noise of the levels, which
 * the fit treats as independent rows, so the se it reports is approximate
 * here: over 1000 seeds the z-scores had sd 1.19 (inflow) and 0.68 (exit);
 * at this seed they are -1.24 and -1.19.  The other designs are exact. */
static const char single_fmt[] =
    "[scenario]\nname = single\nstart_year = 2022\nend_year = 2029\nknown_until = 2029-12\n"
    "[tier a]\nstock = 4137\ninflow = %s\nexit = %s\n";
#define SINGLE_MU 1373.7
#define SINGLE_E 0.2385

static void write_single_history(const char *path, uint64_t seed)
{
    char text[512];
    snprintf(text, sizeof text, single_fmt, "1373.7", "0.2385");
    scenario *truth = load(text);
    sim m;
    sim_init(&m, truth);
    sim_run(&m, seed);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fprintf(f, "year,tier,measure,value,sd\n");
    double en = 4137, vn = 0, mu = SINGLE_MU, e = SINGLE_E;
    for (size_t y = 0; y < scenario_years(truth); y++) {
        int year = truth->start_year + (int)y;
        fprintf(f, "%d,a,new,%.0f,%.17g\n", year, obs(&m, y, "a", HIST_NEW), sqrt(mu));
        fprintf(f, "%d,a,exits,%.0f,%.17g\n", year, obs(&m, y, "a", HIST_EXITS),
                sqrt(en * e * (1 - e) + e * e * vn));
        vn = (1 - e) * (1 - e) * vn + en * e * (1 - e) + mu;
        en = (1 - e) * en + mu;
    }
    CU_ASSERT_EQUAL(fclose(f), 0);
    sim_free(&m);
    scenario_free(truth);
}

/* The single-tier scenario (both rates `fit`) and its history simulated at
 * seed 2385, written to the temporary file NAME (its path in path). */
static scenario *load_single(const char *name, char *path, size_t len, history **h)
{
    char text[512];
    tmp_path(path, len, name);
    write_single_history(path, 2385);
    snprintf(text, sizeof text, single_fmt, "fit", "fit");
    scenario *s = load(text);
    ts_err err;
    *h = NULL;
    CU_ASSERT_FATAL(history_load(h, path, s, &err) == 0);
    return s;
}

static void test_recover_single_tier(void)
{
    char path[128];
    history *h;
    scenario *s = load_single("single.csv", path, sizeof path, &h);
    CU_ASSERT_EQUAL(h->n_rows, 16);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    check_recovered(s, r, "tier.a.inflow", SINGLE_MU, 0.02);
    check_recovered(s, r, "tier.a.exit", SINGLE_E, 0.05);
    CU_ASSERT_EQUAL(r->n_pts, 16);
    CU_ASSERT_EQUAL(r->n_ignored, 0);
    CU_ASSERT_EQUAL(r->dof, 14);
    /* chi2 of 14 degrees of freedom: far inside 14 +- 5 sqrt(28) */
    CU_ASSERT(r->chi2 > 0 && r->chi2 < 14 + 5 * sqrt(28.0));
    /* The points are the rows, in history order, with consistent residuals. */
    for (size_t i = 0; i < r->n_pts; i++) {
        const fit_point *pt = &r->pts[i];
        const history_row *row = &h->rows[pt->row];
        CU_ASSERT_EQUAL(pt->row, i);
        CU_ASSERT(tu_close(pt->residual, row->value - pt->fitted, 1e-12, 1e-9));
        CU_ASSERT(tu_close(pt->standardized, pt->residual / row->sd, 1e-12, 1e-12));
    }
    /* The fitted `new` rows are the estimated inflow. */
    CU_ASSERT(tu_close(r->pts[0].fitted, est_of(s, r, "tier.a.inflow")->estimate, 1e-9, 0));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
    remove(path);
}

/* (b) Two tiers, a -> b with keep = yes, history in memory: stock rows of both
 * tiers every year, each predicted from the observed levels before it.  With
 * keep = yes the stock of a loses only its exits; b gains M ~ Bin(N_a (1 -
 * e_a), r).  (The two stock rows of a year share only Cov = r N_a e_a (1 -
 * e_a), a correlation below 0.05 here.) */
static const char chain_fmt[] =
    "[scenario]\nname = chain\nstart_year = 2022\nend_year = 2028\n"
    "[tier a]\nstock = 6137\ninflow = 912\nexit = %s\n"
    "[tier b]\nstock = 413\nexit = %s\n"
    "[transition a -> b]\nrate = %s\nkeep = yes\n";
#define CHAIN_EA 0.0713
#define CHAIN_EB 0.0385
#define CHAIN_R 0.1137

static void test_recover_chain(void)
{
    char text[512];
    snprintf(text, sizeof text, chain_fmt, "0.0713", "0.0385", "0.1137");
    scenario *truth = load(text);
    snprintf(text, sizeof text, chain_fmt, "fit", "fit", "fit");
    scenario *s = load(text);
    sim m;
    sim_init(&m, truth);
    sim_run(&m, 4137);
    history *h = hist_new("mem.csv");
    double ea = CHAIN_EA, eb = CHAIN_EB, r = CHAIN_R, q = (1 - ea) * r;
    for (size_t y = 0; y < scenario_years(truth); y++) {
        int year = truth->start_year + (int)y;
        double na = before(&m, y, "a"), nb = before(&m, y, "b");
        row_add(h, s, year, "a", HIST_STOCK, obs(&m, y, "a", HIST_STOCK),
                 sqrt(na * ea * (1 - ea) + 912));
        row_add(h, s, year, "b", HIST_STOCK, obs(&m, y, "b", HIST_STOCK),
                 sqrt(nb * eb * (1 - eb) + na * q * (1 - q)));
    }
    fit_result *res = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(res != NULL);
    CU_ASSERT_EQUAL(res->n_est, 3);
    check_recovered(s, res, "tier.a.exit", CHAIN_EA, 0.1);
    check_recovered(s, res, "tier.b.exit", CHAIN_EB, 0.35);
    check_recovered(s, res, "transition.a->b.rate", CHAIN_R, 0.1);
    CU_ASSERT_EQUAL(res->n_pts, 14);
    CU_ASSERT_EQUAL(res->dof, 11);
    fit_result_free(res);
    history_free(h);
    sim_free(&m);
    scenario_free(s);
    scenario_free(truth);
}

/* (c) A tier with inflow growth, fitted from the years before the scenario:
 * the history runs 2017 (the starting level) .. 2025 and the scenario starts
 * in 2026, so the inflow it estimates is the one of 2026, mu (1 + g)^8.  The
 * CSV has its columns in another order and a source column. */
#define GROWTH_MU 1137.0
#define GROWTH_G 0.0713

static void test_recover_growth_before_start(void)
{
    scenario *truth = load("[scenario]\nname = g\nstart_year = 2018\nend_year = 2025\n"
                           "[tier a]\nstock = 2385\ninflow = 1137\ninflow_growth = 7.13%\n"
                           "exit = 0.0519\n");
    scenario *s = load("[scenario]\nname = g\nstart_year = 2026\nend_year = 2030\n"
                       "[tier a]\nstock = 9137\ninflow = fit\ninflow_growth = fit\n"
                       "exit = 0.0519\n");
    sim m;
    sim_init(&m, truth);
    sim_run(&m, 713);
    char path[128];
    tmp_path(path, sizeof path, "growth.csv");
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fprintf(f, "source,sd,value,measure,tier,year\n");
    fprintf(f, "\"engine, seed 713\",,2385,stock,a,2017\n");
    for (size_t y = 0; y < scenario_years(truth); y++)
        fprintf(f, "engine,%.17g,%.0f,new,a,%d\n", sqrt(GROWTH_MU * pow(1 + GROWTH_G, (double)y)),
                obs(&m, y, "a", HIST_NEW), truth->start_year + (int)y);
    CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
    history *h = NULL;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(history_load(&h, path, s, &err), 0);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    check_recovered(s, r, "tier.a.inflow", GROWTH_MU * pow(1 + GROWTH_G, 8), 0.1);
    check_recovered(s, r, "tier.a.inflow_growth", GROWTH_G, 0.2);
    CU_ASSERT_EQUAL(r->n_pts, 8);
    CU_ASSERT_EQUAL(r->n_ignored, 0);
    fit_result_free(r);
    history_free(h);
    remove(path);
    sim_free(&m);
    scenario_free(s);
    scenario_free(truth);
}

/* ------------------------------------------------------------ coverage */

/* Two independent tiers, every row's sd the exact one-step-ahead one:
 *   a: new rows (Poisson(mu_a (1 + g_a)^t)), estimating mu_a and g_a;
 *   b: stock rows (N e (1 - e) + mu_b around N (1 - e) + mu_b), estimating
 *      mu_b and e_b, from a start far below its steady state.
 * Over COVERAGE_RUNS seeds the 95 % intervals must hold the truth between
 * 90 % and 99 % of the time. */
static const char cover_fmt[] =
    "[scenario]\nname = cover\nstart_year = 2022\nend_year = 2029\n"
    "[tier a]\nstock = 2137\ninflow = %s\ninflow_growth = %s\nexit = 0.1\n"
    "[tier b]\nstock = 1377\ninflow = %s\nexit = %s\n";

static void test_coverage(void)
{
    static const char *const names[] = {"tier.a.inflow", "tier.a.inflow_growth", "tier.b.inflow",
                                        "tier.b.exit"};
    static const double truths[] = {1137, 0.0713, 1370, 0.1763};
    char text[512];
    snprintf(text, sizeof text, cover_fmt, "1137", "0.0713", "1370", "0.1763");
    scenario *truth = load(text);
    snprintf(text, sizeof text, cover_fmt, "fit", "fit", "fit", "fit");
    scenario *s = load(text);
    sim m;
    sim_init(&m, truth);
    int covered[4] = {0, 0, 0, 0}, failed = 0;
    double zmax = 0;
    for (int run = 0; run < COVERAGE_RUNS; run++) {
        sim_run(&m, 90000 + (uint64_t)run);
        history *h = hist_new("mem.csv");
        for (size_t y = 0; y < scenario_years(truth); y++) {
            int year = truth->start_year + (int)y;
            double nb = before(&m, y, "b");
            row_add(h, s, year, "a", HIST_NEW, obs(&m, y, "a", HIST_NEW),
                     sqrt(truths[0] * pow(1 + truths[1], (double)y)));
            row_add(h, s, year, "b", HIST_STOCK, obs(&m, y, "b", HIST_STOCK),
                     sqrt(nb * truths[3] * (1 - truths[3]) + truths[2]));
        }
        fit_result *r = NULL;
        ts_err err;
        if (fit_run(s, h, NULL, &r, &err) < 0) {
            if (!failed++)
                fprintf(stderr, "\n  run %d: %s\n", run, err.msg);
            history_free(h);
            continue;
        }
        for (int j = 0; j < 4; j++) {
            const fit_estimate *e = est_of(s, r, names[j]);
            if (e->lo95 <= truths[j] && truths[j] <= e->hi95)
                covered[j]++;
            zmax = fmax(zmax, fabs(e->estimate - truths[j]) / e->se);
        }
        fit_result_free(r);
        history_free(h);
    }
    CU_ASSERT_EQUAL(failed, 0);
    printf("\n    95 %% coverage over %d histories:", COVERAGE_RUNS);
    for (int j = 0; j < 4; j++) {
        double c = (double)covered[j] / COVERAGE_RUNS;
        printf(" %s %.1f %%%s", names[j], 100 * c, j < 3 ? "," : "");
        CU_ASSERT(c >= 0.90 && c <= 0.99);
    }
    printf(" (largest |z| %.2f)\n    ", zmax);
    sim_free(&m);
    scenario_free(s);
    scenario_free(truth);
}

/* ------------------------------------------------------------ priors */

/* With no row depending on it, a fit(PRIOR) parameter comes out at the
 * prior's mean and sd (gamma(37, 3.7): 136.9 and sqrt(37) 3.7), with the
 * "pinned" warning; a bare `fit` beside it is fitted to its data. */
static void test_prior_without_data(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = 413\ninflow = fit\n"
                       "[tier c]\nstock = 71\ninflow = fit(gamma(37, 3.7))\n");
    history *h = hist_new("mem.csv");
    static const double v[] = {1013, 987, 1042, 968};
    for (int y = 0; y < 4; y++)
        row_add(h, s, 2022 + y, "a", HIST_NEW, v[y], sqrt(1000.0));
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    const fit_estimate *e = est_of(s, r, "tier.c.inflow");
    CU_ASSERT(tu_close(e->estimate, 136.9, 1e-6, 0));
    CU_ASSERT(tu_close(e->se, sqrt(37.0) * 3.7, 1e-6, 0));
    CU_ASSERT(e->has_prior);
    CU_ASSERT(tu_close(e->prior_mean, 136.9, 1e-12, 0));
    CU_ASSERT(tu_close(e->prior_sd, sqrt(37.0) * 3.7, 1e-12, 0));
    /* The interval is the prior's +-1.96 sd on the log scale. */
    double sz = sqrt(37.0) * 3.7 / 136.9;
    CU_ASSERT(tu_close(e->lo95, 136.9 * exp(-1.959963984540054 * sz), 1e-6, 0));
    CU_ASSERT(tu_close(e->hi95, 136.9 * exp(1.959963984540054 * sz), 1e-6, 0));
    CU_ASSERT(has_warning(r, "tier.c.inflow is pinned to its prior (estimate and se are the "
                             "prior's): the history says little about it"));
    CU_ASSERT(!has_warning(r, "tier.a.inflow"));
    /* a: the weighted mean of equally weighted rows, se sqrt(1000 / 4) */
    e = est_of(s, r, "tier.a.inflow");
    CU_ASSERT(tu_close(e->estimate, 1002.5, 1e-7, 0));
    CU_ASSERT(tu_close(e->se, sqrt(1000.0 / 4), 1e-5, 0));
    CU_ASSERT(!e->has_prior);
    CU_ASSERT_EQUAL(r->dof, 3);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* A normal prior and rows on a constant inflow: the estimate is the
 * precision-weighted mean of the rows and the prior, the se the inverse root
 * of the total precision (the model is linear in the inflow, so the log
 * scale of the optimiser changes neither). */
static void test_prior_with_data_is_precision_weighted(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2026\n"
                       "[tier a]\nstock = 413\ninflow = fit(normal(1000, 23.85))\n"
                       "exit = 0.0713\n");
    static const double v[] = {1013, 987, 1042, 968, 1007};
    static const double sd[] = {31.7, 29.3, 35.1, 30.2, 33.9};
    history *h = hist_new("mem.csv");
    double wsum = 1 / (23.85 * 23.85), wy = 1000 * wsum;
    for (int y = 0; y < 5; y++) {
        row_add(h, s, 2022 + y, "a", HIST_NEW, v[y], sd[y]);
        wsum += 1 / (sd[y] * sd[y]);
        wy += v[y] / (sd[y] * sd[y]);
    }
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    const fit_estimate *e = est_of(s, r, "tier.a.inflow");
    double want = wy / wsum;
    CU_ASSERT(tu_close(e->estimate, want, 1e-7, 0));
    CU_ASSERT(tu_close(e->se, 1 / sqrt(wsum), 1e-5, 0));
    double chi2 = (want - 1000) * (want - 1000) / (23.85 * 23.85);
    for (int y = 0; y < 5; y++)
        chi2 += (v[y] - want) * (v[y] - want) / (sd[y] * sd[y]);
    CU_ASSERT(tu_close(r->chi2, chi2, 1e-6, 0));
    CU_ASSERT_EQUAL(r->dof, 5);
    CU_ASSERT_EQUAL(r->n_warnings, 0);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* ------------------------------------------------------------ identifiability */

/* A tier held exactly at its steady state: every stock row is N = N (1 - e) +
 * mu, which fixes mu - e N and nothing else. */
static void test_steady_state_cannot_separate_inflow_and_exit(void)
{
    scenario *s = load("[scenario]\nname = ss\nstart_year = 2022\nend_year = 2027\n"
                       "[tier a]\nstock = 5744\ninflow = fit\nexit = fit\n");
    history *h = hist_new("mem.csv");
    for (int y = 2022; y <= 2027; y++)
        row_add(h, s, y, "a", HIST_STOCK, 5744, sqrt(5744.0));
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT(has_warning(r, "the data cannot determine tier.a.inflow, tier.a.exit (near-zero "
                             "singular value"));
    CU_ASSERT(has_warning(r, "): give priors or more history"));
    /* Whatever the point reached, it reproduces the steady state. */
    const fit_estimate *mu = est_of(s, r, "tier.a.inflow"), *e = est_of(s, r, "tier.a.exit");
    CU_ASSERT(tu_close(mu->estimate, e->estimate * 5744, 1e-6, 1e-6));
    CU_ASSERT(r->chi2 < 1e-6);
    /* Neither is determined: no se, no interval (not the se of one with the
     * other held fixed). */
    CU_ASSERT(isnan(mu->se) && isnan(mu->lo95) && isnan(mu->hi95));
    CU_ASSERT(isnan(e->se) && isnan(e->lo95) && isnan(e->hi95));
    /* fit_apply then writes the estimates themselves. */
    double mu_hat = mu->estimate, e_hat = e->estimate;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(fit_apply(s, r, &err), 0);
    const ts_param *pm = &s->params[s->tiers[0].p_inflow], *pe = &s->params[s->tiers[0].p_exit];
    CU_ASSERT(pm->value.kind == DIST_FIXED && pm->value.p[0] == mu_hat && !pm->fit);
    CU_ASSERT(pe->value.kind == DIST_FIXED && pe->value.p[0] == e_hat && !pe->fit);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* Approaching the steady state the levels span a few hundred firms around
 * 5400: the slope (1 - e) and the intercept mu of N' = N (1 - e) + mu are
 * determined, but their estimates are correlated beyond 0.95 (the regressor's
 * spread is small beside its mean): the correlation warning. */
static void test_near_steady_state_warns_of_correlation(void)
{
    scenario *s = load("[scenario]\nname = ss\nstart_year = 2022\nend_year = 2027\n"
                       "[tier a]\nstock = 5000\ninflow = fit\nexit = fit\n");
    static const double d[] = {17, -23, 11, -19, 8, 14};
    history *h = hist_new("mem.csv");
    double n = 5000;
    for (int y = 0; y < 6; y++) {
        n = nearbyint(n * (1 - 0.2385) + 1370 + d[y]);
        row_add(h, s, 2022 + y, "a", HIST_STOCK, n, 37.1);
    }
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT(has_warning(r, "tier.a.inflow and tier.a.exit are correlated (r = 0.9"));
    CU_ASSERT(has_warning(r, "): the data determine a combination of them more than each"));
    CU_ASSERT(!has_warning(r, "cannot determine"));
    /* Still estimated: within 3 se of the values the levels were made with. */
    const fit_estimate *mu = est_of(s, r, "tier.a.inflow"), *e = est_of(s, r, "tier.a.exit");
    TU_ASSERT_WITHIN_SE("inflow", mu->estimate, 1370, mu->se, K_SE);
    TU_ASSERT_WITHIN_SE("exit", e->estimate, 0.2385, e->se, K_SE);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* ------------------------------------------------------------ conventions */

/* A row is fitted only when the levels it depends on are known: history
 * starting in 2019 without a stock row leaves the level unknown until the
 * scenario's stock at the end of 2021, so the 2020 and 2021 rows are ignored;
 * a promotion into b from a tier whose level is unknown makes b's new and
 * stock unknown too, but not b's exits. */
static void test_rows_without_known_levels_are_ignored(void)
{
    scenario *s = load("[scenario]\nname = k\nstart_year = 2022\nend_year = 2024\n"
                       "[tier a]\nstock = 1370\ninflow = fit\nexit = 0.0713\n"
                       "[tier b]\nstock = 413\nexit = 0.0385\n"
                       "[transition a -> b]\nrate = 0.1137\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2019, "b", HIST_STOCK, 400, 20);    /* 0: starting level of b */
    row_add(h, s, 2020, "a", HIST_NEW, 300, 17);      /* 1: a unknown: ignored */
    row_add(h, s, 2020, "b", HIST_NEW, 150, 12);      /* 2: from a, unknown: ignored */
    row_add(h, s, 2020, "b", HIST_EXITS, 15, 4);      /* 3: b known: fitted */
    row_add(h, s, 2022, "a", HIST_NEW, 305, 17);      /* 4: fitted */
    row_add(h, s, 2023, "b", HIST_STOCK, 560, 21);    /* 5: fitted */
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(r->n_ignored, 2);
    CU_ASSERT_EQUAL_FATAL(r->n_pts, 3);
    CU_ASSERT_EQUAL(r->pts[0].row, 3);
    CU_ASSERT_EQUAL(r->pts[1].row, 4);
    CU_ASSERT_EQUAL(r->pts[2].row, 5);
    /* Row 3: 400 b firms at the end of 2019, exit 0.0385. */
    CU_ASSERT(tu_close(r->pts[0].fitted, 400 * 0.0385, 1e-12, 0));
    /* Row 4 is the inflow itself; row 5, b's stock in 2023, is predicted
     * from the levels of 2022, themselves the mean recursion from 2021. */
    double mu = est_of(s, r, "tier.a.inflow")->estimate;
    double a22 = 1370 * (1 - 0.0713) * (1 - 0.1137) + mu;
    double b22 = 413 * (1 - 0.0385) + 1370 * (1 - 0.0713) * 0.1137;
    double b23 = b22 * (1 - 0.0385) + a22 * (1 - 0.0713) * 0.1137;
    CU_ASSERT(tu_close(r->pts[2].fitted, b23, 1e-9, 0));
    CU_ASSERT(tu_close(r->pts[1].fitted, mu, 1e-12, 0));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* A stock row at start_year - 1 replaces the scenario's stock as the level
 * the first year is predicted from; other rows of that year are ignored. */
static void test_stock_row_before_start_is_the_starting_level(void)
{
    scenario *s = load("[scenario]\nname = k\nstart_year = 2022\nend_year = 2024\n"
                       "[tier a]\nstock = 137\nexit = fit\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2021, "a", HIST_STOCK, 1000, 31);
    row_add(h, s, 2021, "a", HIST_NEW, 99, 10);
    row_add(h, s, 2022, "a", HIST_EXITS, 50, 7);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(r->n_ignored, 1);
    CU_ASSERT_EQUAL_FATAL(r->n_pts, 1);
    CU_ASSERT_EQUAL(r->pts[0].row, 2);
    /* one row, one parameter: the exit reproduces it from 1000 firms */
    const fit_estimate *e = est_of(s, r, "tier.a.exit");
    CU_ASSERT(tu_close(e->estimate, 0.05, 1e-7, 0));
    CU_ASSERT(tu_close(e->se, 7.0 / 1000, 1e-5, 0));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* The starting point can be the optimum already (an inflow starts at the
 * first `new` row): one row, one parameter gives the row and its sd. */
static void test_start_at_the_optimum(void)
{
    scenario *s = load("[scenario]\nname = o\nstart_year = 2022\nend_year = 2024\n"
                       "[tier a]\ninflow = fit\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 137, 11.7);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    const fit_estimate *e = est_of(s, r, "tier.a.inflow");
    CU_ASSERT(tu_close(e->estimate, 137, 1e-9, 0));
    CU_ASSERT(tu_close(e->se, 11.7, 1e-6, 0));
    CU_ASSERT_EQUAL(r->dof, 0);
    CU_ASSERT(r->chi2 < 1e-12);
    fit_result_free(r);
    /* Two equal rows: the same value, se 11.7 / sqrt 2. */
    row_add(h, s, 2023, "a", HIST_NEW, 137, 11.7);
    r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    e = est_of(s, r, "tier.a.inflow");
    CU_ASSERT(tu_close(e->estimate, 137, 1e-9, 0));
    CU_ASSERT(tu_close(e->se, 11.7 / sqrt(2.0), 1e-6, 0));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* A quota binding at the rate's starting point (5000 firms at the start
 * value 0.1 would promote 500 > 150) must not hide the rate from rows below
 * the quota: the estimate is the one without the quota. */
static void test_rate_behind_a_quota(void)
{
    static const char fmt[] = "[scenario]\nname = q\nstart_year = 2022\nend_year = 2025\n"
                              "[tier a]\nstock = 5000\n[tier b]\n"
                              "[transition a -> b]\nrate = %s\n%s";
    static const double v[] = {100, 98, 93};
    char text[512];
    fit_result *r[3] = {NULL, NULL, NULL};
    scenario *s[3];
    static const char *const rate[] = {"fit", "fit", "fit(uniform(0, 0.2))"};
    static const char *const quota[] = {"", "quota = 150\n", "quota = 150\n"};
    for (int i = 0; i < 3; i++) {
        snprintf(text, sizeof text, fmt, rate[i], quota[i]);
        s[i] = load(text);
        history *h = hist_new("mem.csv");
        for (int y = 0; y < 3; y++)
            row_add(h, s[i], 2022 + y, "b", HIST_NEW, v[y], sqrt(v[y]));
        r[i] = fit_ok(s[i], h, NULL);
        history_free(h);
    }
    CU_ASSERT_FATAL(r[0] && r[1] && r[2]);
    const fit_estimate *free_ = est_of(s[0], r[0], "transition.a->b.rate");
    const fit_estimate *quota_ = est_of(s[1], r[1], "transition.a->b.rate");
    const fit_estimate *prior = est_of(s[2], r[2], "transition.a->b.rate");
    CU_ASSERT(tu_close(free_->estimate, (100 + 98 + 93) / 5000.0 / 3, 0.02, 0));
    CU_ASSERT(tu_close(quota_->estimate, free_->estimate, 1e-6, 0));
    CU_ASSERT(tu_close(quota_->se, free_->se, 1e-4, 0));
    /* The prior (sd 0.058) barely moves it: well within one se. */
    TU_ASSERT_WITHIN_SE("rate with prior", prior->estimate, free_->estimate, free_->se, 1.0);
    CU_ASSERT(!has_warning(r[2], "pinned"));
    for (int i = 0; i < 3; i++) {
        fit_result_free(r[i]);
        scenario_free(s[i]);
    }
}

/* ------------------------------------------------------------ errors */

static void test_nothing_to_fit_it_to(void)
{
    /* exit is line 6; new rows do not depend on it */
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nexit = fit\ninflow = fit\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 137, sqrt(137.0));
    row_add(h, s, 2023, "a", HIST_NEW, 141, sqrt(141.0));
    ts_err err;
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "test.ini:6: tier.a.exit: nothing to fit it to (no fitted history row depends on "
               "it); add history rows or a prior: fit(PRIOR)");
    /* A row no known level supports does not count either: the rate (line 9)
     * moves only b's new of 2020, from a tier unknown then; b's exits of
     * 2020 are fitted but do not depend on it. */
    scenario_free(s);
    s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2025\n"
             "[tier a]\nstock = 137\n[tier b]\n[transition a -> b]\nrate = fit\n");
    history_free(h);
    h = hist_new("mem.csv");
    row_add(h, s, 2019, "b", HIST_STOCK, 11, 3);
    row_add(h, s, 2020, "b", HIST_NEW, 13, 3);
    row_add(h, s, 2020, "b", HIST_EXITS, 1, 1);
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "test.ini:9: transition.a->b.rate: nothing to fit it to (no fitted history row "
               "depends on it); add history rows or a prior: fit(PRIOR)");
    history_free(h);
    scenario_free(s);
}

static void test_prior_without_spread(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\ninflow = fit\nexit = fit(0.2385)\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 137, 11.7);
    row_add(h, s, 2023, "a", HIST_NEW, 141, 11.9);
    ts_err err;
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "test.ini:7: tier.a.exit: the prior of fit(0.2385) has no spread: write the value "
               "itself, or a distribution");
    history_free(h);
    scenario_free(s);
}

static void test_no_fit_in_scenario(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = 137\ninflow = 23.85\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 25, 5);
    ts_err err;
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "test.ini: no parameter is written 'fit' or 'fit(PRIOR)': nothing to estimate");
    history_free(h);
    scenario_free(s);
}

static void test_more_parameters_than_rows(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = 1370\ninflow = fit\nexit = fit\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_STOCK, 1411, 37);
    ts_err err;
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "mem.csv: 2 parameters to fit but only 1 fitted history rows and priors");
    /* A prior counts as a row: the same with exit = fit(PRIOR) is fitted. */
    scenario_free(s);
    s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2025\n"
             "[tier a]\nstock = 1370\ninflow = fit\nexit = fit(beta(2, 30))\n");
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT(r != NULL && r->dof == 0);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

static void test_no_convergence(void)
{
    char path[128];
    history *h;
    scenario *s = load_single("single_nc.csv", path, sizeof path, &h);
    ts_err err;
    fit_opts o;
    fit_opts_default(&o);
    o.max_iter = 1;
    const char *msg = fit_err(s, h, &o, &err);
    char want[256];
    snprintf(want, sizeof want, "%s: the fit did not converge after 1 iterations (last step ",
             path);
    if (strncmp(msg, want, strlen(want)) != 0)
        fprintf(stderr, "\n  got:  %s\n  want: %s...\n", msg, want);
    CU_ASSERT(strncmp(msg, want, strlen(want)) == 0);
    CU_ASSERT(strstr(msg, " on the transformed scale: ") != NULL);
    CU_ASSERT(msg[strlen(msg) - 1] == ')');
    /* The default allowance converges. */
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT(r != NULL && r->iterations > 1);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
    remove(path);
}

/* ------------------------------------------------------------ options */

/* tests/data/tinyfit.ini and .csv, in memory. */
static const char tinyfit_ini[] =
    "[scenario]\nname = tinyfit\nstart_year = 2022\nend_year = 2024\nreplications = 1000\n"
    "seed = 137\n[tier a]\nstock = 500\ninflow = fit\nexit = fit(beta(2, 30))\n"
    "[target a]\nstock = 560\n";
static const char tinyfit_csv[] =
    "year,tier,measure,value,sd,source\n2019,a,stock,470,,start level\n2020,a,stock,480,,\n"
    "2021,a,stock,500,,\n2021,a,new,60,,\n2021,a,exits,41,,\n";

static history *tinyfit_history(const scenario *s)
{
    history *h = NULL;
    ts_err err;
    CU_ASSERT_FATAL(history_parse_mem(&h, "tinyfit.csv", tinyfit_csv, sizeof tinyfit_csv - 1, s,
                                      &err) == 0);
    return h;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Every number of two results, bitwise. */
static int same_fit(const fit_result *a, const fit_result *b)
{
    if (a->n_est != b->n_est || a->n_pts != b->n_pts || a->iterations != b->iterations ||
        a->dof != b->dof || a->n_warnings != b->n_warnings || !same_bits(a->chi2, b->chi2))
        return 0;
    for (size_t j = 0; j < a->n_est; j++)
        if (a->est[j].param != b->est[j].param ||
            !same_bits(a->est[j].estimate, b->est[j].estimate) ||
            !same_bits(a->est[j].se, b->est[j].se) || !same_bits(a->est[j].lo95, b->est[j].lo95) ||
            !same_bits(a->est[j].hi95, b->est[j].hi95))
            return 0;
    for (size_t u = 0; u < a->n_pts; u++)
        if (a->pts[u].row != b->pts[u].row || !same_bits(a->pts[u].fitted, b->pts[u].fitted))
            return 0;
    return 1;
}

/* The defaults are the values fit.h documents, and they reproduce, bit for
 * bit, the fit of tinyfit as it was before the options existed (the numbers
 * below were printed with %a by the fit.c of commit 5753479, whose
 * tolerances were literals; `tiersim fit tests/data/tinyfit.ini
 * tests/data/tinyfit.csv` writes the same estimates to fitted.ini).  NULL
 * means the defaults. */
static void test_options_defaults(void)
{
    fit_opts o;
    memset(&o, 0xff, sizeof o);
    fit_opts_default(&o);
    CU_ASSERT_EQUAL(o.max_iter, 500);
    CU_ASSERT_EQUAL(o.xtol, 1e-10);
    CU_ASSERT_EQUAL(o.gtol, 1e-10);
    CU_ASSERT_EQUAL(o.ftol, 0.0);
    CU_ASSERT_EQUAL(o.fd_step, GSL_SQRT_DBL_EPSILON);
    CU_ASSERT_EQUAL(o.noprog_gtol, 1e-4);
    CU_ASSERT_EQUAL(o.svd_rtol, 1e-8);
    CU_ASSERT_EQUAL(o.null_loading, 0.3);
    CU_ASSERT_EQUAL(o.covar_epsrel, 1e-12);

    scenario *s = load(tinyfit_ini);
    history *h = tinyfit_history(s);
    fit_result *a = fit_ok(s, h, NULL), *b = fit_ok(s, h, &o);
    CU_ASSERT_FATAL(a != NULL && b != NULL);
    CU_ASSERT(same_fit(a, b));
    CU_ASSERT_EQUAL_FATAL(a->n_est, 2);
    const fit_estimate *in = est_of(s, a, "tier.a.inflow"), *ex = est_of(s, a, "tier.a.exit");
    CU_ASSERT(same_bits(in->estimate, 0x1.d836ab3404017p+5));   /* 59.026693731662981 */
    CU_ASSERT(same_bits(in->se, 0x1.c2128bef7ab83p+2));         /* 7.0323819960275413 */
    CU_ASSERT(same_bits(in->lo95, 0x1.75e027ea0f57bp+5));
    CU_ASSERT(same_bits(in->hi95, 0x1.2a3554a5adb93p+6));
    CU_ASSERT(same_bits(ex->estimate, 0x1.5a58ae951da7p-4));    /* 0.084557229960276592 */
    CU_ASSERT(same_bits(ex->se, 0x1.89d6bc5313275p-7));         /* 0.012019006686523096 */
    CU_ASSERT(same_bits(ex->lo95, 0x1.0544fa38fcbedp-4));
    CU_ASSERT(same_bits(ex->hi95, 0x1.c7d5751407b1bp-4));
    CU_ASSERT(same_bits(a->chi2, 0x1.e9e6b9a82bb6dp-2));
    CU_ASSERT_EQUAL(a->iterations, 6);
    CU_ASSERT_EQUAL(a->dof, 3);
    CU_ASSERT_EQUAL(a->n_warnings, 0);
    static const double fitted[4] = {0x1.e948e85e24392p+8, 0x1.f27070f10706ap+8,
                                     0x1.d836ab3404017p+5, 0x1.44b323abcbcc9p+5};
    CU_ASSERT_EQUAL_FATAL(a->n_pts, 4);
    for (size_t u = 0; u < 4; u++) {
        CU_ASSERT_EQUAL(a->pts[u].row, u + 1);
        CU_ASSERT(same_bits(a->pts[u].fitted, fitted[u]));
    }
    fit_result_free(a);
    fit_result_free(b);
    history_free(h);
    scenario_free(s);
}

/* Each option changes what it should, on tinyfit (6 iterations with the
 * defaults):
 *  - max_iter below 6 stops early and says after how many;
 *  - looser step and gradient tolerances stop in fewer iterations, at an
 *    optimum that moved by a small fraction of an se;
 *  - a cruder finite-difference step leaves the optimum (where J'f = 0
 *    whatever J's error) but not the se, which comes from J itself;
 *  - svd_rtol above the ratio of J's singular values reports the smaller
 *    direction as undetermined; covar_epsrel above it drops that column
 *    from the covariance (se 0);
 *  - null_loading decides which parameters of a null direction are named;
 *  - noprog_gtol 0 makes the stop at an optimum one starts at a failure. */
static void test_options_change_the_fit(void)
{
    scenario *s = load(tinyfit_ini);
    history *h = tinyfit_history(s);
    fit_result *d = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(d != NULL && d->iterations == 6);
    const fit_estimate *d_in = est_of(s, d, "tier.a.inflow"), *d_ex = est_of(s, d, "tier.a.exit");
    fit_opts o;
    ts_err err;
    char want[256];

    for (size_t k = 1; k < 6; k++) {
        fit_opts_default(&o);
        o.max_iter = k;
        snprintf(want, sizeof want, "tinyfit.csv: the fit did not converge after %zu iterations "
                 "(last step ", k);
        const char *msg = fit_err(s, h, &o, &err);
        if (strncmp(msg, want, strlen(want)) != 0)
            fprintf(stderr, "\n  got:  %s\n  want: %s...\n", msg, want);
        CU_ASSERT(strncmp(msg, want, strlen(want)) == 0);
        CU_ASSERT(strstr(msg, "exceeded max number of iterations)") != NULL);
    }
    fit_opts_default(&o);
    o.max_iter = 6;
    fit_result *r = fit_ok(s, h, &o);
    CU_ASSERT(r != NULL && same_fit(r, d));
    fit_result_free(r);

    fit_opts_default(&o);
    o.xtol = o.gtol = 1e-2;
    r = fit_ok(s, h, &o);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT(r->iterations < d->iterations);
    const fit_estimate *e = est_of(s, r, "tier.a.inflow");
    CU_ASSERT(e->estimate != d_in->estimate);
    TU_ASSERT_WITHIN_SE("inflow, loose tolerances", e->estimate, d_in->estimate, d_in->se, 1e-3);
    e = est_of(s, r, "tier.a.exit");
    CU_ASSERT(e->estimate != d_ex->estimate);
    TU_ASSERT_WITHIN_SE("exit, loose tolerances", e->estimate, d_ex->estimate, d_ex->se, 1e-3);
    fit_result_free(r);

    fit_opts_default(&o);
    o.fd_step = 0.1;
    r = fit_ok(s, h, &o);
    CU_ASSERT_FATAL(r != NULL);
    e = est_of(s, r, "tier.a.inflow");
    TU_ASSERT_WITHIN_SE("inflow, fd_step 0.1", e->estimate, d_in->estimate, d_in->se, 1e-6);
    /* a forward difference over 10 % of z: the se is 5.70, not 7.03 */
    CU_ASSERT(e->se < 0.9 * d_in->se);
    e = est_of(s, r, "tier.a.exit");
    TU_ASSERT_WITHIN_SE("exit, fd_step 0.1", e->estimate, d_ex->estimate, d_ex->se, 1e-6);
    CU_ASSERT(e->se < 0.95 * d_ex->se);
    fit_result_free(r);

    fit_opts_default(&o);
    o.svd_rtol = 0.9;
    r = fit_ok(s, h, &o);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT(has_warning(r, "the data cannot determine tier.a.exit (near-zero singular value "));
    CU_ASSERT(isnan(est_of(s, r, "tier.a.exit")->se));
    CU_ASSERT_EQUAL(est_of(s, r, "tier.a.inflow")->se, d_in->se);
    CU_ASSERT_EQUAL(d->n_warnings, 0);
    fit_result_free(r);

    /* The same direction whatever null_loading: its largest component is
     * named even when none is above the threshold. */
    fit_opts_default(&o);
    o.svd_rtol = 0.9;
    o.null_loading = 0.999999;
    r = fit_ok(s, h, &o);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT(has_warning(r, "the data cannot determine tier.a.exit (near-zero singular value "));
    fit_result_free(r);

    fit_opts_default(&o);
    o.covar_epsrel = 0.9;
    r = fit_ok(s, h, &o);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(est_of(s, r, "tier.a.exit")->se, 0.0);
    CU_ASSERT(est_of(s, r, "tier.a.inflow")->se != d_in->se);
    fit_result_free(r);

    fit_result_free(d);
    history_free(h);
    scenario_free(s);

    /* As test_steady_state_cannot_separate_inflow_and_exit: the null
     * direction is (1, 1) / sqrt 2 on the z scale, about 0.707 on each
     * parameter, so a null_loading above that names the larger alone (and
     * leaves the other the se it would have with that one fixed). */
    s = load("[scenario]\nname = ss\nstart_year = 2022\nend_year = 2027\n"
             "[tier a]\nstock = 5744\ninflow = fit\nexit = fit\n");
    h = hist_new("mem.csv");
    for (int y = 2022; y <= 2027; y++)
        row_add(h, s, y, "a", HIST_STOCK, 5744, sqrt(5744.0));
    r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT(has_warning(r, "the data cannot determine tier.a.inflow, tier.a.exit ("));
    fit_result_free(r);
    fit_opts_default(&o);
    o.null_loading = 0.8;
    r = fit_ok(s, h, &o);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT(has_warning(r, "the data cannot determine tier.a.exit ("));
    CU_ASSERT(isfinite(est_of(s, r, "tier.a.inflow")->se));
    CU_ASSERT(isnan(est_of(s, r, "tier.a.exit")->se));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);

    /* As test_start_at_the_optimum: the first step cannot reduce the cost. */
    s = load("[scenario]\nname = o\nstart_year = 2022\nend_year = 2024\n"
             "[tier a]\ninflow = fit\n");
    h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 137, 11.7);
    fit_opts_default(&o);
    o.noprog_gtol = 0;
    const char *msg = fit_err(s, h, &o, &err);
    CU_ASSERT(strncmp(msg, "mem.csv: the fit did not converge after 1 iterations", 52) == 0);
    CU_ASSERT(strstr(msg, ": iteration is not making progress towards solution)") != NULL);
    r = fit_ok(s, h, NULL);
    CU_ASSERT(r != NULL);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* Options out of range: the field, its value and the range, before any
 * work (a scenario without any `fit` would otherwise be the error). */
static void test_options_refused(void)
{
    scenario *s = load("[scenario]\nname = o\nstart_year = 2022\nend_year = 2024\n[tier a]\n"
                       "inflow = 41\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 37, 6.1);
    ts_err err;
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "test.ini: no parameter is written 'fit' or 'fit(PRIOR)': nothing to estimate");
    static const struct {
        size_t field;
        double value;
        const char *msg;
    } cases[] = {
        {offsetof(fit_opts, xtol), -1e-10,
         "fit options: xtol is -1e-10: expected a number in [0, inf)"},
        {offsetof(fit_opts, gtol), NAN, "fit options: gtol is nan: expected a number in [0, inf)"},
        {offsetof(fit_opts, ftol), INFINITY,
         "fit options: ftol is inf: expected a number in [0, inf)"},
        {offsetof(fit_opts, fd_step), 0,
         "fit options: fd_step is 0: expected a number in (0, inf)"},
        {offsetof(fit_opts, noprog_gtol), -0.0385,
         "fit options: noprog_gtol is -0.0385: expected a number in [0, inf)"},
        {offsetof(fit_opts, svd_rtol), 1,
         "fit options: svd_rtol is 1: expected a number in [0, 1)"},
        {offsetof(fit_opts, null_loading), 0,
         "fit options: null_loading is 0: expected a number in (0, 1)"},
        {offsetof(fit_opts, null_loading), 1,
         "fit options: null_loading is 1: expected a number in (0, 1)"},
        {offsetof(fit_opts, covar_epsrel), 1.37,
         "fit options: covar_epsrel is 1.37: expected a number in [0, 1)"},
    };
    fit_opts o;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fit_opts_default(&o);
        memcpy((char *)&o + cases[i].field, &cases[i].value, sizeof(double));
        ASSERT_MSG(fit_err(s, h, &o, &err), cases[i].msg);
    }
    fit_opts_default(&o);
    o.max_iter = 0;
    ASSERT_MSG(fit_err(s, h, &o, &err), "fit options: max_iter is 0: expected at least 1");
    /* the edges that are allowed */
    fit_opts_default(&o);
    o.xtol = o.gtol = o.ftol = o.noprog_gtol = o.svd_rtol = o.covar_epsrel = 0;
    o.null_loading = 0.999;
    o.max_iter = 1;
    ASSERT_MSG(fit_err(s, h, &o, &err),
               "test.ini: no parameter is written 'fit' or 'fit(PRIOR)': nothing to estimate");
    history_free(h);
    scenario_free(s);
}

/* ------------------------------------------------------------ apply, format */

static void test_apply_and_format(void)
{
    char text[512];
    snprintf(text, sizeof text, chain_fmt, "0.0713", "0.0385", "0.1137");
    scenario *truth = load(text);
    snprintf(text, sizeof text, chain_fmt, "fit", "fit(beta(2, 50))", "fit");
    scenario *s = load(text);
    sim m;
    sim_init(&m, truth);
    sim_run(&m, 1370);
    history *h = hist_new("mem.csv");
    for (size_t y = 0; y < scenario_years(truth); y++) {
        row_add(h, s, truth->start_year + (int)y, "a", HIST_STOCK, obs(&m, y, "a", HIST_STOCK),
                 sqrt(obs(&m, y, "a", HIST_STOCK)));
        row_add(h, s, truth->start_year + (int)y, "b", HIST_STOCK, obs(&m, y, "b", HIST_STOCK),
                 sqrt(obs(&m, y, "b", HIST_STOCK)));
    }
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(scenario_unfitted(s, NULL), 3);
    /* The text fit_format_fitted writes reads back as the beta of mean the
     * estimate and sd the se (three rates). */
    for (size_t j = 0; j < r->n_est; j++) {
        const fit_estimate *e = &r->est[j];
        char buf[160];
        int n = fit_format_fitted(s, e, buf, sizeof buf);
        CU_ASSERT(n > 0 && (size_t)n < sizeof buf);
        CU_ASSERT(strncmp(buf, "beta(", 5) == 0);
        dist d;
        CU_ASSERT_EQUAL_FATAL(dist_parse(buf, s->params[e->param].value.range, &d, NULL, 0), 0);
        CU_ASSERT_EQUAL(d.kind, DIST_BETA);
        ASSERT_NEAR("beta mean", dist_mean(&d), e->estimate);
        CU_ASSERT(near("beta sd", dist_sd(&d), e->se, 1e-9));
        char again[160];
        dist_format(&d, again, sizeof again);
        CU_ASSERT_STRING_EQUAL(again, buf);
    }
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(fit_apply(s, r, &err), 0);
    CU_ASSERT_EQUAL(scenario_unfitted(s, NULL), 0);
    for (size_t j = 0; j < r->n_est; j++) {
        const ts_param *p = &s->params[r->est[j].param];
        CU_ASSERT_EQUAL(p->value.kind, DIST_BETA);
        ASSERT_NEAR("applied mean", dist_mean(&p->value), r->est[j].estimate);
        CU_ASSERT(near("applied sd", dist_sd(&p->value), r->est[j].se, 1e-9));
        CU_ASSERT_EQUAL(p->value.range.lo, 0.0);
        CU_ASSERT_EQUAL(p->value.range.hi, 1.0);
        CU_ASSERT(!p->fit && !p->has_prior);
    }
    /* Unfitted parameters are untouched. */
    CU_ASSERT_EQUAL(s->params[s->tiers[0].p_inflow].value.kind, DIST_FIXED);
    CU_ASSERT_EQUAL(s->params[s->tiers[0].p_inflow].value.p[0], 912);
    /* The fitted scenario runs. */
    sim m2;
    sim_init(&m2, s);
    sim_run(&m2, 7);
    sim_free(&m2);
    fit_result_free(r);
    history_free(h);
    sim_free(&m);
    scenario_free(s);
    scenario_free(truth);
}

/* fitted.ini writes a renewal, an @YEAR value and an event fraction back
 * where the scenario reads them: `inflow@2024 = ...` in [tier a], and the
 * event's `move` keys whole (a child's `move` replaces all of its base's),
 * the fraction not fitted as it was written. */
static void test_fitted_ini_round_trip(void)
{
    char path[128], dir[128], ini[160];
    tmp_path(path, sizeof path, "fw.ini");
    tmp_path(dir, sizeof dir, "fw-out");
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fprintf(f, "[scenario]\nname = fw\nstart_year = 2022\nend_year = 2025\nknown_until = 2025-12\n"
               "[tier a]\nstock = 1370\nvalidity = 2\nrenewal = fit\ninflow = 100\n"
               "inflow@2024 = fit\n[tier b]\n[tier c]\n"
               "[event reform]\nyear = 2023\nmove = a -> b : fit, a -> c : uniform(0.05, 0.1)\n");
    CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
    scenario *s = NULL;
    ts_err err;
    CU_ASSERT_FATAL(scenario_load(&s, path, &err) == 0);
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_RENEWED, 411, 20);
    row_add(h, s, 2023, "b", HIST_MOVED_IN, 213, 15);
    row_add(h, s, 2024, "a", HIST_NEW, 150, 12);
    row_add(h, s, 2025, "a", HIST_NEW, 161, 13);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL && r->n_est == 3);
    outdir *o = NULL;
    CU_ASSERT_FATAL(outdir_begin(&o, dir, &err) == 0);
    if (output_fit(o, s, h, r, &err) < 0 || outdir_commit(o, &err) < 0) {
        fprintf(stderr, "\n  output_fit: %s\n", err.msg);
        CU_FAIL_FATAL("output_fit failed");
    }
    snprintf(ini, sizeof ini, "%s/fitted.ini", dir);
    scenario *back = NULL;
    if (scenario_load(&back, ini, &err) < 0) {
        fprintf(stderr, "\n  fitted.ini: %s\n", err.msg);
        CU_FAIL_FATAL("fitted.ini does not load");
    }
    CU_ASSERT_EQUAL(scenario_unfitted(back, NULL), 0);
    CU_ASSERT_EQUAL(back->n_params, s->n_params);
    static const char *const names[] = {"tier.a.renewal", "tier.a.inflow@2024",
                                        "event.reform.move.a->b"};
    for (size_t i = 0; i < 3; i++) {
        const fit_estimate *e = est_of(s, r, names[i]);
        size_t p = scenario_find_param(back, names[i]);
        CU_ASSERT_FATAL(p != TS_NO_PARAM);
        const dist *d = &back->params[p].value;
        /* a renewal and a move are probabilities, an inflow is not */
        CU_ASSERT_EQUAL(d->kind, i == 1 ? DIST_GAMMA : DIST_BETA);
        ASSERT_NEAR(names[i], dist_mean(d), e->estimate);
        CU_ASSERT(near(names[i], dist_sd(d), e->se, 1e-9));
    }
    size_t pc = scenario_find_param(back, "event.reform.move.a->c");
    CU_ASSERT_FATAL(pc != TS_NO_PARAM);
    CU_ASSERT_EQUAL(back->params[pc].value.kind, DIST_UNIFORM);
    CU_ASSERT_EQUAL(back->params[pc].value.p[0], 0.05);
    CU_ASSERT_EQUAL(back->params[pc].value.p[1], 0.1);
    CU_ASSERT_EQUAL_FATAL(back->n_events, 1);
    CU_ASSERT_EQUAL(back->events[0].year, 2023);
    CU_ASSERT_EQUAL(back->events[0].n_moves, 2);
    /* the @YEAR value stays in force from its year */
    CU_ASSERT_EQUAL_FATAL(back->tiers[0].inflow.n, 2);
    CU_ASSERT_EQUAL(back->tiers[0].inflow.steps[1].year, 2024);
    scenario_free(back);
    CU_ASSERT_EQUAL(outdir_remove_tree(dir), 0);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
    remove(path);
}

/* Without a finite se the estimate itself is written: rounded to whole firms
 * for a stock, as is for a rate. */
static void test_format_without_se(void)
{
    scenario *s = load("[scenario]\nname = f\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = fit\nexit = fit\n");
    fit_estimate e;
    memset(&e, 0, sizeof e);
    char buf[64];
    e.param = s->tiers[0].p_stock;
    e.estimate = 137.4;
    e.se = NAN;
    fit_format_fitted(s, &e, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "137");
    e.se = 0;
    fit_format_fitted(s, &e, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "137");
    e.param = s->tiers[0].p_exit;
    e.estimate = 0.2385;
    e.se = NAN;
    fit_format_fitted(s, &e, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "0.2385");
    e.se = 0.0137;
    fit_format_fitted(s, &e, buf, sizeof buf);
    /* k = m (1 - m) / s^2 - 1 = 966.647..., a = m k, b = (1 - m) k */
    CU_ASSERT_STRING_EQUAL(buf, "beta(230.54541696414296, 736.1020336192659)");
    /* fit_apply writes them back the same way */
    fit_estimate two[2] = {e, e};
    two[0].param = s->tiers[0].p_stock;
    two[0].estimate = 137.4;
    two[0].se = NAN;
    fit_result r;
    memset(&r, 0, sizeof r);
    r.est = two;
    r.n_est = 2;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(fit_apply(s, &r, &err), 0);
    const ts_param *ps = &s->params[s->tiers[0].p_stock], *pe = &s->params[s->tiers[0].p_exit];
    CU_ASSERT_EQUAL(ps->value.kind, DIST_FIXED);
    CU_ASSERT_EQUAL(ps->value.p[0], 137);
    CU_ASSERT_EQUAL(pe->value.kind, DIST_BETA);
    ASSERT_NEAR("exit mean", dist_mean(&pe->value), 0.2385);
    CU_ASSERT(near("exit sd", dist_sd(&pe->value), 0.0137, 1e-12));
    CU_ASSERT(!ps->fit && !pe->fit);
    scenario_free(s);
}

/* ------------------------------------------------------------ honesty */

/* tests/data/fit/misfit.ini against misfit.csv: a tier that must grow by
 * about 194 firms a year held flat by its history.  The p-value of the
 * chi-square is far below 0.01, the warning names the two stock rows of a
 * (8.9 and 8.5 sd) and not b's, which fit; the inflow is pushed onto its
 * bound 0, said in a warning of its own (and not as "cannot determine"). */
static void test_misfit_warns(void)
{
    scenario *s = NULL;
    history *h = NULL;
    ts_err err;
    CU_ASSERT_FATAL(scenario_load(&s, "tests/data/fit/misfit.ini", &err) == 0);
    CU_ASSERT_FATAL(history_load(&h, "tests/data/fit/misfit.csv", s, &err) == 0);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(r->n_pts, 4);
    CU_ASSERT_EQUAL(r->dof, 3);
    CU_ASSERT(r->chi2 > 150 && r->chi2 < 155);
    CU_ASSERT(tu_close(r->p_value, gsl_cdf_chisq_Q(r->chi2, 3), 1e-12, 0));
    CU_ASSERT(r->p_value < 1e-30);
    CU_ASSERT(has_warning(r, "the model does not fit the history: residual chi-square 152.7 on 3 "
                             "degrees of freedom, p = 7e-33 (below 0.01); the largest "
                             "standardized residuals: line 6, 2021-12 a stock: observed 498, "
                             "fitted 697.335, residual -199.3 (-8.93 sd); line 4, 2020-12 a "
                             "stock: observed 503, fitted 694.45, residual -191.5 (-8.54 sd); "
                             "the estimates, se and intervals are those of a model the data "
                             "reject"));
    CU_ASSERT(!has_warning(r, " b stock"));
    const fit_estimate *e = est_of(s, r, "tier.a.inflow");
    CU_ASSERT(e->estimate >= 0 && e->estimate < 1e-6);
    CU_ASSERT_EQUAL(e->at_bound, -1);
    CU_ASSERT(has_warning(r, "tier.a.inflow is at the lower end 0 of its range (estimate "));
    CU_ASSERT(has_warning(r, "): the history pushes it against the bound, where the se and the "
                             "interval are no measure of its uncertainty"));
    CU_ASSERT(!has_warning(r, "cannot determine"));
    /* What the runs draw has the estimate as its mean, however near 0. */
    dist d;
    fit_fitted_dist(s, e, &d);
    CU_ASSERT(tu_close(dist_mean(&d), e->estimate, 1e-12, 0));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* The fit of a history simulated from the model itself (test (a)'s, seed
 * 2385): chi-square 9.6 on 14 degrees of freedom, no warning at all. */
static void test_good_fit_does_not_warn(void)
{
    char path[128];
    history *h;
    scenario *s = load_single("single_gof.csv", path, sizeof path, &h);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT(r->p_value > FIT_GOF_P);
    CU_ASSERT_EQUAL(r->n_warnings, 0);
    for (size_t j = 0; j < r->n_est; j++)
        CU_ASSERT_EQUAL(r->est[j].at_bound, 0);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
    remove(path);
}

/* The p-value is calibrated: over GOF_RUNS histories drawn from the model
 * (the coverage design: 16 rows, 4 parameters, every sd the exact
 * one-step one) the warning's rate at p < 0.01 and the rate at p < 0.1
 * are inside their binomial limits (two-sided 1e-4 each: 40 +- 19 and
 * 400 +- 73 of 4000).  A chi-square that left out the priors or counted
 * the degrees of freedom wrong by two would fail here. */
#define GOF_RUNS 4000

static int within_binomial(const char *what, unsigned x, unsigned n, double p)
{
    double lo = gsl_cdf_binomial_P(x, p, n), hi = gsl_cdf_binomial_Q(x == 0 ? 0 : x - 1, p, n);
    if (x == 0)
        hi = 1.0;
    printf(" %s %u of %u (expected %.0f)", what, x, n, p * n);
    return lo > 1e-4 && hi > 1e-4;
}

static void test_gof_calibrated(void)
{
    static const double truths[] = {1137, 0.0713, 1370, 0.1763};
    char text[512];
    snprintf(text, sizeof text, cover_fmt, "1137", "0.0713", "1370", "0.1763");
    scenario *truth = load(text);
    snprintf(text, sizeof text, cover_fmt, "fit", "fit", "fit", "fit");
    scenario *s = load(text);
    sim m;
    sim_init(&m, truth);
    unsigned below01 = 0, below10 = 0, warned = 0, failed = 0;
    for (int run = 0; run < GOF_RUNS; run++) {
        sim_run(&m, 370000 + (uint64_t)run);
        history *h = hist_new("mem.csv");
        for (size_t y = 0; y < scenario_years(truth); y++) {
            int year = truth->start_year + (int)y;
            double nb = before(&m, y, "b");
            row_add(h, s, year, "a", HIST_NEW, obs(&m, y, "a", HIST_NEW),
                    sqrt(truths[0] * pow(1 + truths[1], (double)y)));
            row_add(h, s, year, "b", HIST_STOCK, obs(&m, y, "b", HIST_STOCK),
                    sqrt(nb * truths[3] * (1 - truths[3]) + truths[2]));
        }
        fit_result *r = NULL;
        ts_err err;
        if (fit_run(s, h, NULL, &r, &err) < 0) {
            failed++;
            history_free(h);
            continue;
        }
        below01 += r->p_value < 0.01;
        below10 += r->p_value < 0.1;
        warned += (unsigned)has_warning(r, "the model does not fit the history");
        fit_result_free(r);
        history_free(h);
    }
    CU_ASSERT_EQUAL(failed, 0);
    CU_ASSERT_EQUAL(warned, below01);
    printf("\n    p-values of %d histories from the model:", GOF_RUNS);
    CU_ASSERT(within_binomial("p < 0.01", below01, GOF_RUNS, 0.01));
    CU_ASSERT(within_binomial(", p < 0.1", below10, GOF_RUNS, 0.1));
    printf("\n    ");
    sim_free(&m);
    scenario_free(s);
    scenario_free(truth);
}

/* A uniform(0, 20) prior on an inflow the data say little about (one new
 * row of sd 40): the estimate and se are those of the prior's Gaussian
 * penalty (10, 5.77, as on any scale), and the 95 % interval, z +- 1.96 se_z
 * on the logit of (0, 20), lies inside (0, 20) -- on the log scale it
 * reached 30.  Data that want more than 3400 of an inflow whose prior is
 * uniform(2500, 3400) leave it on that bound, with a warning. */
static void test_interval_in_prior_support(void)
{
    scenario *s = load("[scenario]\nname = u\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = 137\ninflow = fit(uniform(0, 20))\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 10, 400);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    const fit_estimate *e = est_of(s, r, "tier.a.inflow");
    CU_ASSERT(tu_close(e->estimate, 10, 1e-6, 0));
    CU_ASSERT(tu_close(e->se, 20 / sqrt(12.0), 1e-3, 0));
    CU_ASSERT_EQUAL(e->support_lo, 0);
    CU_ASSERT_EQUAL(e->support_hi, 20);
    CU_ASSERT(0 < e->lo95 && e->lo95 < e->estimate && e->estimate < e->hi95 && e->hi95 < 20);
    /* the logit's interval, by hand: z = 0 at 10, dx/dz = 20 p (1 - p) = 5 */
    double sz = e->se / 5.0;
    CU_ASSERT(tu_close(e->hi95, 20 / (1 + exp(-1.959963984540054 * sz)), 1e-9, 0));
    CU_ASSERT(tu_close(e->lo95, 20 - e->hi95, 1e-9, 0));
    CU_ASSERT_EQUAL(e->at_bound, 0);
    /* The runs' gamma (shape 3, scale 10 / 3) has Q(3, 6) = 25 e^-6 = 6.2 %
     * above 20, which the prior excludes: said. */
    CU_ASSERT(has_warning(r, "tier.a.inflow: the gamma of mean 10 and sd 5.77 that fitted.ini and "
                             "the runs use has 6.2 % of its mass above 20, where its prior "
                             "uniform(0, 20) has none"));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);

    s = load("[scenario]\nname = u\nstart_year = 2022\nend_year = 2025\n"
             "[tier a]\nstock = 137\ninflow = fit(uniform(2500, 3400))\n");
    h = hist_new("mem.csv");
    row_add(h, s, 2022, "a", HIST_NEW, 4137, 64);
    row_add(h, s, 2023, "a", HIST_NEW, 4012, 63);
    r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    e = est_of(s, r, "tier.a.inflow");
    CU_ASSERT(e->estimate <= 3400 && e->estimate > 3399.99);
    /* (undetermined at the bound, NaN: never past it) */
    CU_ASSERT(!(e->hi95 > 3400) && !(e->lo95 < 2500));
    CU_ASSERT_EQUAL(e->at_bound, 1);
    CU_ASSERT(has_warning(r, "tier.a.inflow is at the upper end 3400 of its prior "
                             "uniform(2500, 3400) (estimate "));
    CU_ASSERT(has_warning(r, "the model does not fit the history"));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* A rate near 0 (1 promotion out of 5000 firms): the interval is inside
 * (0, 1) and skewed up, as the logit makes it, where estimate -+ 1.96 se
 * would reach below 0. */
static void test_interval_rate_near_zero(void)
{
    scenario *s = load("[scenario]\nname = q\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = 5000\n[tier b]\n[transition a -> b]\nrate = fit\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "b", HIST_NEW, 1, 1);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    const fit_estimate *e = est_of(s, r, "transition.a->b.rate");
    CU_ASSERT(tu_close(e->estimate, 1 / 5000.0, 1e-6, 0));
    CU_ASSERT(tu_close(e->se, 1 / 5000.0, 1e-4, 0));
    CU_ASSERT(e->estimate - 1.959963984540054 * e->se < 0);
    CU_ASSERT(e->lo95 > 0 && e->hi95 < 1);
    CU_ASSERT(e->hi95 - e->estimate > e->estimate - e->lo95);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* fit_fitted_dist on every range a fitted key has: the mean of what it
 * writes is the estimate (the dist module's exact mean, to 1e-12, and the
 * mean of 200000 draws, within 4 standard errors), and its sd is the se
 * where the range allows one (else narrower, and so reported). */
static void check_fitted(const scenario *s, const char *name, double m, double se,
                         fit_dist_match want, dist_kind kind, double want_sd)
{
    fit_estimate e;
    memset(&e, 0, sizeof e);
    e.param = scenario_find_param(s, name);
    CU_ASSERT_FATAL(e.param != TS_NO_PARAM);
    e.estimate = m;
    e.se = se;
    dist d;
    fit_dist_match how = fit_fitted_dist(s, &e, &d);
    char text[160];
    fit_format_fitted(s, &e, text, sizeof text);
    if (how != want || d.kind != kind)
        fprintf(stderr, "\n  %s %g +- %g: %s (match %d, want %d)\n", name, m, se, text, how, want);
    CU_ASSERT_EQUAL(how, want);
    CU_ASSERT_EQUAL(d.kind, kind);
    /* what fitted.ini says is what fit_apply uses */
    dist back;
    CU_ASSERT_EQUAL_FATAL(dist_parse(text, s->params[e.param].value.range, &back, NULL, 0), 0);
    CU_ASSERT(memcmp(back.p, d.p, sizeof d.p) == 0);
    CU_ASSERT(near(name, dist_mean(&d), m, 1e-12));
    CU_ASSERT(near(name, dist_sd(&d), want_sd, 1e-9));
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    rng_seed_stream(r, 4137, 0);
    double sum = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++)
        sum += dist_sample(&d, r);
    gsl_rng_free(r);
    if (d.kind != DIST_FIXED) {
        TU_ASSERT_WITHIN_SE(name, sum / n, m, dist_sd(&d) / sqrt((double)n), 4.0);
    } else {
        CU_ASSERT(tu_close(sum / n, m, 1e-9, 0));   /* (the rounding of the sum) */
    }
}

static void test_fitted_mean_is_the_estimate(void)
{
    scenario *s = load("[scenario]\nname = f\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = fit\ninflow = fit\ninflow_growth = fit\nexit = fit\n");
    /* [0, inf): gamma, whatever the ratio -- the Hefei case too, 1.5e-7
     * with an se of 77 (a normal truncated at 0 had mean 61) */
    check_fitted(s, "tier.a.inflow", 2972.86, 125.0, FIT_DIST_MATCHED, DIST_GAMMA, 125.0);
    check_fitted(s, "tier.a.inflow", 10.2986, 5.73, FIT_DIST_MATCHED, DIST_GAMMA, 5.73);
    check_fitted(s, "tier.a.inflow", 1.5e-7, 77.0, FIT_DIST_MATCHED, DIST_GAMMA, 77.0);
    check_fitted(s, "tier.a.stock", 4137.2, 61.3, FIT_DIST_MATCHED, DIST_GAMMA, 61.3);
    /* [0, 1]: beta, for a + b from 2 to 1e6 */
    check_fitted(s, "tier.a.exit", 0.224886, 0.0285, FIT_DIST_MATCHED, DIST_BETA, 0.0285);
    check_fitted(s, "tier.a.exit", 0.0056366, 0.0043, FIT_DIST_MATCHED, DIST_BETA, 0.0043);
    check_fitted(s, "tier.a.exit", 0.3, sqrt(0.21 / 3) * 0.999, FIT_DIST_MATCHED, DIST_BETA,
                 sqrt(0.21 / 3) * 0.999);
    /* an se that would need a U-shaped beta (or none): a + b = 2 */
    check_fitted(s, "tier.a.exit", 0.3, 0.4, FIT_DIST_NARROWER, DIST_BETA, sqrt(0.21 / 3));
    check_fitted(s, "tier.a.exit", 0.3, 0.6, FIT_DIST_NARROWER, DIST_BETA, sqrt(0.21 / 3));
    /* an se beyond beta's a + b <= 1e6: the truncated normal, solved */
    check_fitted(s, "tier.a.exit", 0.0713, 1.37e-5, FIT_DIST_MATCHED, DIST_NORMAL, 1.37e-5);
    check_fitted(s, "tier.a.exit", 0.9287, 1.37e-5, FIT_DIST_MATCHED, DIST_NORMAL, 1.37e-5);
    /* a beta parameter below 1e-6: held at 1e-6, the mean kept */
    check_fitted(s, "tier.a.exit", 1e-7, 1e-4, FIT_DIST_NARROWER, DIST_BETA,
                 sqrt(1e-7 * (1 - 1e-7) / (1e-6 / 1e-7 + 1)));
    /* (-1, inf): the normal truncated at -1 whose mean and sd are the
     * estimate and the se -- far from -1 the normal itself, near it a
     * solved one, beyond 0.94 (1 + m) the widest */
    check_fitted(s, "tier.a.inflow_growth", 0.0713, 0.02, FIT_DIST_MATCHED, DIST_NORMAL, 0.02);
    check_fitted(s, "tier.a.inflow_growth", 0.0713, 0.35, FIT_DIST_MATCHED, DIST_NORMAL, 0.35);
    check_fitted(s, "tier.a.inflow_growth", -0.5, 0.4, FIT_DIST_MATCHED, DIST_NORMAL, 0.4);
    /* the widest: 1 % of the mass above -1, alpha = Q^-1(0.01), lambda =
     * phi(alpha) / 0.01, sd / (1 + m) = sqrt(1 + alpha lambda - lambda^2) /
     * (lambda - alpha) = 0.918371 */
    double alpha = gsl_cdf_ugaussian_Qinv(0.01), lam = gsl_ran_ugaussian_pdf(alpha) / 0.01;
    double widest = sqrt(1 + alpha * lam - lam * lam) / (lam - alpha);
    CU_ASSERT(fabs(widest - 0.918371) < 1e-6);
    check_fitted(s, "tier.a.inflow_growth", 0.0713, 1.2, FIT_DIST_NARROWER, DIST_NORMAL,
                 widest * 1.0713);
    /* no se: the estimate itself, whole for a stock */
    check_fitted(s, "tier.a.inflow", 137.4, NAN, FIT_DIST_FIXED, DIST_FIXED, 0);
    check_fitted(s, "tier.a.exit", 0.2385, 0, FIT_DIST_FIXED, DIST_FIXED, 0);
    scenario_free(s);
}

/* The narrower cases are said in a warning: a rate fitted to one row with
 * no prior has se_z near 1.4 on the logit, an se^2 beyond m (1 - m) / 3. */
static void test_fitted_narrower_warns(void)
{
    scenario *s = load("[scenario]\nname = q\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = 10\n[tier b]\n[transition a -> b]\nrate = fit\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2022, "b", HIST_NEW, 3, 3);
    fit_result *r = fit_ok(s, h, NULL);
    CU_ASSERT_FATAL(r != NULL);
    const fit_estimate *e = est_of(s, r, "transition.a->b.rate");
    CU_ASSERT(tu_close(e->estimate, 0.3, 1e-6, 0));
    CU_ASSERT(e->se * e->se > 0.21 / 3);
    CU_ASSERT(has_warning(r, "transition.a->b.rate: fitted.ini and the runs draw it from beta(0.6"));
    CU_ASSERT(has_warning(r, "a beta of that sd would have a + b below 2, U-shaped"));
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
}

/* A history none of whose rows can be predicted is an error naming why,
 * before any parameter (a fit of priors alone would only restate them). */
static void test_no_row_can_be_fitted(void)
{
    scenario *s = load("[scenario]\nname = p\nstart_year = 2022\nend_year = 2025\n"
                       "[tier a]\nstock = 500\ninflow = fit(gamma(4, 10))\n"
                       "exit = fit(beta(2, 30))\n[tier b]\n[transition a -> b]\nrate = 0.1\n");
    history *h = hist_new("mem.csv");
    row_add(h, s, 2021, "a", HIST_STOCK, 480, 22);
    row_add(h, s, 2021, "b", HIST_CUMULATIVE, 48, 7);
    ts_err err;
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "mem.csv: no history row can be fitted: every row is a stock or cumulative at "
               "2021-12, the level the fit starts from; add rows dated after it");
    history_free(h);
    h = hist_new("mem.csv");
    row_add(h, s, 2019, "a", HIST_NEW, 48, 7);
    row_add(h, s, 2020, "a", HIST_NEW, 50, 7);
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "mem.csv: no history row can be fitted: every row depends on levels not known at "
               "the start of its year (the first, line 2: 2019-12 a new); add the stocks, at the "
               "end of the year before, of the tiers they depend on");
    history_free(h);
    /* b's level is known from 2019, but its new of 2020 takes a's promotions */
    h = hist_new("mem.csv");
    row_add(h, s, 2019, "b", HIST_STOCK, 41, 6);
    row_add(h, s, 2020, "b", HIST_NEW, 13, 4);
    ASSERT_MSG(fit_err(s, h, NULL, &err),
               "mem.csv: no history row can be fitted: 1 row is a stock or cumulative at 2019-12, "
               "the level the fit starts from, and 1 depends on levels not known at the start of "
               "its year (the first, line 3: 2020-12 b new); add the stocks, at the end of the "
               "year before, of the tiers it depends on");
    history_free(h);
    scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    strcpy(tmpdir, "/tmp/tiersim_test_fit_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    static const tu_test tests[] = {
        {"mean: a cohort through expiry with renewal", test_mean_cohort_through_expiry},
        {"mean: a capped inflow, E[min(N, Q)]", test_mean_capped_inflow},
        {"mean: a transition quota, E[min(B, Q)]", test_mean_transition_quota},
        {"mean: values by year, with growth", test_mean_values_by_year},
        {"mean: a move with cohorts", test_mean_move_with_cohorts},
        {"mean: expire_to and cumulative", test_mean_expire_to_and_cumulative},
        {"mean: an observed level keeps its cohorts' shares", test_mean_observed_level},
        {"mean: the engine's mean, without caps", test_mean_is_the_engine_mean},
        {"recovery: renewal, an @YEAR inflow and a move (dated)",
         test_recover_renewal_year_value_and_move},
        {"recovery: one tier, inflow and exit (CSV)", test_recover_single_tier},
        {"recovery: a -> b chain, keep = yes (memory)", test_recover_chain},
        {"recovery: inflow growth from years before the start", test_recover_growth_before_start},
        {"coverage of the 95 % intervals", test_coverage},
        {"a prior without data pins the estimate", test_prior_without_data},
        {"a prior with data is precision-weighted", test_prior_with_data_is_precision_weighted},
        {"steady state: inflow and exit not identifiable", test_steady_state_cannot_separate_inflow_and_exit},
        {"near steady state: correlation warning", test_near_steady_state_warns_of_correlation},
        {"rows without known levels are ignored", test_rows_without_known_levels_are_ignored},
        {"a stock row before the start is the starting level", test_stock_row_before_start_is_the_starting_level},
        {"a start at the optimum converges", test_start_at_the_optimum},
        {"a rate behind a binding quota", test_rate_behind_a_quota},
        {"error: nothing to fit it to", test_nothing_to_fit_it_to},
        {"error: a prior without spread", test_prior_without_spread},
        {"error: no fit in the scenario", test_no_fit_in_scenario},
        {"error: more parameters than rows", test_more_parameters_than_rows},
        {"error: no convergence", test_no_convergence},
        {"options: the defaults reproduce the fit before options", test_options_defaults},
        {"options: each changes the fit", test_options_change_the_fit},
        {"options: out of range", test_options_refused},
        {"fit_apply and fit_format_fitted", test_apply_and_format},
        {"formatting without an se", test_format_without_se},
        {"fitted.ini: @YEAR keys and event moves", test_fitted_ini_round_trip},
        {"honesty: a model that cannot fit warns, naming the residuals", test_misfit_warns},
        {"honesty: a history from the model does not warn", test_good_fit_does_not_warn},
        {"honesty: the p-value's rates over 4000 histories from the model", test_gof_calibrated},
        {"honesty: intervals inside a uniform prior's support; a bound", test_interval_in_prior_support},
        {"honesty: the interval of a rate near 0", test_interval_rate_near_zero},
        {"honesty: the fitted distribution's mean is the estimate", test_fitted_mean_is_the_estimate},
        {"honesty: a narrower fitted distribution is said", test_fitted_narrower_warns},
        {"error: no history row can be fitted", test_no_row_can_be_fitted},
        {NULL, NULL},
    };
    int rc = tu_run("fit", tests);
    rmdir(tmpdir);
    return rc;
}
