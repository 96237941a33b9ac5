/* Sensitivity estimators on functions whose indices are known. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sens.h"
#include "testutil.h"

/* ------------------------------------------------------------- Ishigami */

static const double ISH_A = 7.0, ISH_B = 0.1;

/* u in (0,1)^3 -> x in (-pi, pi)^3 */
static double ishigami(const double *u)
{
    double x1 = M_PI * (2 * u[0] - 1), x2 = M_PI * (2 * u[1] - 1), x3 = M_PI * (2 * u[2] - 1);
    return sin(x1) + ISH_A * sin(x2) * sin(x2) + ISH_B * pow(x3, 4) * sin(x1);
}

/* The analytic indices (Ishigami & Homma 1990; Saltelli et al. 2008, 4.3). */
static void ishigami_indices(double *s1, double *st)
{
    double a = ISH_A, b = ISH_B, pi4 = pow(M_PI, 4), pi8 = pow(M_PI, 8);
    double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5);
    double v2 = a * a / 8;
    double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
    double v = v1 + v2 + v13;
    s1[0] = v1 / v, s1[1] = v2 / v, s1[2] = 0.0;
    st[0] = (v1 + v13) / v, st[1] = v2 / v, st[2] = v13 / v;
}

/* Evaluates f on a Saltelli design of n rows and d columns. */
static double *eval_design(size_t n, size_t d, double (*f)(const double *, const void *),
                           const void *ctx)
{
    size_t pts = n * (d + 2);
    double *x = malloc(pts * d * sizeof *x), *y = malloc(pts * sizeof *y);
    ts_err err;
    CU_ASSERT_FATAL(x && y);
    CU_ASSERT_FATAL(sens_saltelli_design(n, d, x, NULL, &err) == 0);
    for (size_t p = 0; p < pts; p++) {
        for (size_t i = 0; i < d; i++)
            CU_ASSERT(x[p * d + i] > 0 && x[p * d + i] < 1);
        y[p] = f(x + p * d, ctx);
    }
    free(x);
    return y;
}

static double ishigami_fn(const double *u, const void *ctx)
{
    (void)ctx;
    return ishigami(u);
}

/* |est - want| within 4 bootstrap standard errors (the 95 % interval's
 * half-width / 1.96; the bootstrap treats the rows as independent draws, so
 * for a quasi-random design it overstates the error, which only makes the
 * test safer), and the interval must be narrow enough for that to mean
 * something. */
static int index_ok(const char *what, const sens_ci *c, double want, double max_width)
{
    double se = (c->hi - c->lo) / (2 * 1.959963984540054);
    int ok = tu_within_se(what, c->est, want, se, 4.0) && c->hi - c->lo < max_width &&
             c->lo <= c->est + 1e-12 && c->est <= c->hi + 1e-12;
    if (!ok)
        printf("\n    %s: %.5f [%.5f, %.5f], want %.5f\n", what, c->est, c->lo, c->hi, want);
    return ok;
}

static void test_sobol_ishigami(void)
{
    double s1w[3], stw[3];
    ishigami_indices(s1w, stw);
    /* The values the literature quotes. */
    CU_ASSERT(fabs(s1w[0] - 0.3139) < 5e-5 && fabs(s1w[1] - 0.4424) < 5e-5);
    CU_ASSERT(fabs(stw[0] - 0.5576) < 5e-5 && fabs(stw[2] - 0.2437) < 5e-5);
    /* N = 2^13: the Monte Carlo se of the indices is about 0.01-0.02 at this
     * N, so an interval narrower than 0.1 and an estimate within 4 se. */
    size_t n = 8192, d = 3;
    double *y = eval_design(n, d, ishigami_fn, NULL);
    sens_ci s1[3], st[3];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, SENS_BOOT_SEED);
    ts_err err;
    CU_ASSERT_FATAL(sens_sobol(r, y, n, d, 1, 500, 1, s1, st, &err) == 0);
    const char *names[3] = {"S1 x1", "S1 x2", "S1 x3"}, *tnames[3] = {"ST x1", "ST x2", "ST x3"};
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT(index_ok(names[i], &s1[i], s1w[i], 0.1));
        CU_ASSERT(index_ok(tnames[i], &st[i], stw[i], 0.1));
    }
    /* A quasi-random design does better than its bootstrap says. */
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT(fabs(s1[i].est - s1w[i]) < 0.02);
        CU_ASSERT(fabs(st[i].est - stw[i]) < 0.02);
    }
    free(y);
    gsl_rng_free(r);
}

/* A linear additive function of quantile-mapped inputs: S1 = ST = c_i^2
 * var_i / sum.  Inputs: uniform on (0,1) (variance 1/12) and a standard
 * normal through its quantile (variance 1). */
static const double LIN_C[4] = {1.37, -2.385, 0.0, 0.61};

static double linear_fn(const double *u, const void *ctx)
{
    (void)ctx;
    return 3.1 + LIN_C[0] * u[0] + LIN_C[1] * u[1] + LIN_C[2] * u[2] +
           LIN_C[3] * gsl_cdf_ugaussian_Pinv(u[3]);
}

static void test_sobol_linear(void)
{
    double var[4] = {LIN_C[0] * LIN_C[0] / 12, LIN_C[1] * LIN_C[1] / 12, 0.0, LIN_C[3] * LIN_C[3]};
    double tot = var[0] + var[1] + var[2] + var[3];
    size_t n = 4096, d = 4;
    double *y = eval_design(n, d, linear_fn, NULL);
    sens_ci s1[4], st[4];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, SENS_BOOT_SEED);
    ts_err err;
    CU_ASSERT_FATAL(sens_sobol(r, y, n, d, 1, 500, 1, s1, st, &err) == 0);
    for (size_t i = 0; i < 4; i++) {
        char what[32];
        snprintf(what, sizeof what, "linear S1[%zu]", i);
        CU_ASSERT(index_ok(what, &s1[i], var[i] / tot, 0.1));
        snprintf(what, sizeof what, "linear ST[%zu]", i);
        CU_ASSERT(index_ok(what, &st[i], var[i] / tot, 0.1));
    }
    /* An input with no effect: f(AB_3) = f(A) row by row, so ST is 0 exactly. */
    CU_ASSERT_EQUAL(st[2].est, 0.0);
    CU_ASSERT_EQUAL(s1[2].est, 0.0);
    free(y);
    gsl_rng_free(r);
}

static double const_fn(const double *u, const void *ctx)
{
    (void)u;
    (void)ctx;
    return 0.875;
}

static void test_sobol_constant(void)
{
    size_t n = 64, d = 2;
    double *y = eval_design(n, d, const_fn, NULL);
    sens_ci s1[2], st[2];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ts_err err;
    CU_ASSERT_FATAL(sens_sobol(r, y, n, d, 1, 50, 1, s1, st, &err) == 0);
    CU_ASSERT(isnan(s1[0].est) && isnan(st[1].est) && isnan(st[1].lo));
    free(y);
    gsl_rng_free(r);
}

static double linear3_fn(const double *u, const void *ctx)
{
    (void)ctx;
    return 1.0 + u[0] - 2.0 * u[1] + 0.5 * u[2];
}

/* Columns side by side are each the column alone, bit for bit -- the same
 * resamples, sums in the same order -- on any number of threads, a
 * constant column's undefined indices included. */
static void test_sobol_columns(void)
{
    size_t n = 128, d = 3, k = 3, np = n * (d + 2);
    double *col[3] = {eval_design(n, d, ishigami_fn, NULL), eval_design(n, d, linear3_fn, NULL),
                      eval_design(n, d, const_fn, NULL)};
    double *y = malloc(np * k * sizeof *y);
    CU_ASSERT_FATAL(y && col[0] && col[1] && col[2]);
    for (size_t pt = 0; pt < np; pt++)
        for (size_t c = 0; c < k; c++)
            y[pt * k + c] = col[c][pt];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ts_err err;
    sens_ci s1[9], st[9], one1[3], onet[3];
    for (int nth = 1; nth <= 3; nth += 2) {
        gsl_rng_set(r, SENS_BOOT_SEED);
        CU_ASSERT_FATAL(sens_sobol(r, y, n, d, k, 300, nth, s1, st, &err) == 0);
        for (size_t c = 0; c < k; c++) {
            gsl_rng_set(r, SENS_BOOT_SEED);
            CU_ASSERT_FATAL(sens_sobol(r, col[c], n, d, 1, 300, 1, one1, onet, &err) == 0);
            CU_ASSERT(memcmp(one1, s1 + c * d, sizeof one1) == 0);
            CU_ASSERT(memcmp(onet, st + c * d, sizeof onet) == 0);
        }
    }
    CU_ASSERT(isfinite(s1[0].lo) && isfinite(st[5].hi) && isnan(s1[6].est) && isnan(st[8].lo));
    for (size_t c = 0; c < k; c++)
        free(col[c]);
    free(y);
    gsl_rng_free(r);
}

/* The design: A and B from a 2d-dimensional sequence, AB_i = A but column i;
 * beyond 20 parameters reverse Halton takes over. */
static void test_saltelli_design(void)
{
    size_t n = 16, d = 3;
    double x[16 * 5 * 3];
    const char *design;
    ts_err err;
    CU_ASSERT_FATAL(sens_saltelli_design(n, d, x, &design, &err) == 0);
    CU_ASSERT(strstr(design, "gsl_qrng_sobol") != NULL);
    /* GSL's Sobol sequence starts after the origin, at (1/2, ..., 1/2) */
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(x[i], 0.5);
        CU_ASSERT_EQUAL(x[n * d + i], 0.5);
    }
    for (size_t k = 0; k < d; k++)
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < d; i++)
                CU_ASSERT_EQUAL(x[((2 + k) * n + j) * d + i], i == k ? x[(n + j) * d + i] : x[j * d + i]);
    double *big = malloc(8 * 23 * 21 * sizeof *big);
    CU_ASSERT_FATAL(sens_saltelli_design(8, 21, big, &design, &err) == 0);
    CU_ASSERT(strstr(design, "reversehalton") != NULL);
    free(big);
}

/* --------------------------------------------------------------- Morris */

static const double MOR_C[5] = {4.2, -1.37, 0.0, 0.238, 2.6};

static void test_morris_linear(void)
{
    size_t r_traj = 25, d = 5, pts = r_traj * (d + 1);
    double *x = malloc(pts * d * sizeof *x), *y = malloc(pts * sizeof *y);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    sens_morris_design(r, r_traj, d, x);
    for (size_t p = 0; p < pts; p++) {
        y[p] = -0.7;
        for (size_t i = 0; i < d; i++) {
            double u = x[p * d + i];
            /* on the grid: (2l + 1) / 8 */
            CU_ASSERT(u == 0.125 || u == 0.375 || u == 0.625 || u == 0.875);
            y[p] += MOR_C[i] * u;
        }
    }
    double mu_star[5], ci[5], sigma[5], mu[5];
    ts_err err;
    CU_ASSERT_FATAL(sens_morris(r, x, y, r_traj, d, 200, mu_star, ci, sigma, mu, &err) == 0);
    for (size_t i = 0; i < d; i++) {
        /* every elementary effect is the coefficient itself */
        CU_ASSERT(tu_close(mu_star[i], fabs(MOR_C[i]), 1e-12, 1e-12));
        CU_ASSERT(tu_close(mu[i], MOR_C[i], 1e-12, 1e-12));
        CU_ASSERT(sigma[i] < 1e-12);
        CU_ASSERT(ci[i] < 1e-12);
    }
    /* a broken design is refused */
    x[d] = x[0] == 0.125 ? 0.375 : 0.125;
    x[d + 1] = x[1] == 0.125 ? 0.375 : 0.125;
    CU_ASSERT(sens_morris(r, x, y, r_traj, d, 10, mu_star, ci, sigma, mu, &err) == -1);
    free(x);
    free(y);
    gsl_rng_free(r);
}

/* Each step moves one coordinate by +-1/2, each coordinate once. */
static void test_morris_design(void)
{
    size_t r_traj = 40, d = 7;
    double *x = malloc(r_traj * (d + 1) * d * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    sens_morris_design(r, r_traj, d, x);
    int ups = 0, downs = 0;
    for (size_t t = 0; t < r_traj; t++) {
        int moved[7] = {0};
        for (size_t k = 1; k <= d; k++) {
            const double *a = x + (t * (d + 1) + k - 1) * d, *b = a + d;
            int n = 0;
            for (size_t i = 0; i < d; i++)
                if (a[i] != b[i]) {
                    n++;
                    moved[i]++;
                    CU_ASSERT_EQUAL(fabs(b[i] - a[i]), SENS_MORRIS_DELTA);
                    ups += b[i] > a[i];
                    downs += b[i] < a[i];
                }
            CU_ASSERT_EQUAL(n, 1);
        }
        for (size_t i = 0; i < d; i++)
            CU_ASSERT_EQUAL(moved[i], 1);
    }
    /* starts uniform on the levels: as many steps up as down, roughly */
    CU_ASSERT(ups > 100 && downs > 100);
    free(x);
    gsl_rng_free(r);
}

/* ------------------------------------------------------------- tornado */

static void test_order(void)
{
    double v[6] = {0.2385, NAN, 1.37, 0.2385, 0.0, 4.1};
    size_t o[6];
    sens_order_desc(v, 6, o);
    size_t want[6] = {5, 2, 0, 3, 4, 1};
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT_EQUAL(o[i], want[i]);
}

/* -------------------------------------------------- Kolmogorov-Smirnov */

static void test_kolmogorov(void)
{
    /* Critical values of Kolmogorov's distribution (e.g. Smirnov 1948's
     * table; Marsaglia, Tsang & Wang 2003) and two values of its CDF:
     * K(0.5) = 0.0360547563, K(1) = 0.7300003283. */
    TU_ASSERT_CLOSE(sens_kolmogorov_q(1.22385), 0.10, 2e-4);
    TU_ASSERT_CLOSE(sens_kolmogorov_q(1.35810), 0.05, 2e-4);
    TU_ASSERT_CLOSE(sens_kolmogorov_q(1.62762), 0.01, 2e-4);
    TU_ASSERT_CLOSE(sens_kolmogorov_q(1.94947), 0.001, 5e-4);
    TU_ASSERT_CLOSE(sens_kolmogorov_q(0.5), 1 - 0.0360547563, 1e-9);
    TU_ASSERT_CLOSE(sens_kolmogorov_q(1.0), 1 - 0.7300003283, 1e-9);
    /* the two series agree where they meet */
    CU_ASSERT(fabs(sens_kolmogorov_q(1.18 - 1e-12) - sens_kolmogorov_q(1.18)) < 1e-12);
    CU_ASSERT_EQUAL(sens_kolmogorov_q(0.0), 1.0);
    CU_ASSERT_EQUAL(sens_kolmogorov_q(0.05), 1.0);
    CU_ASSERT(sens_kolmogorov_q(4.0) > 0 && sens_kolmogorov_q(4.0) < 1e-13);
    /* monotone */
    double prev = 1.0;
    for (double x = 0.1; x < 3.0; x += 0.01) {
        double q = sens_kolmogorov_q(x);
        CU_ASSERT(q <= prev);
        prev = q;
    }
    /* two-sample p-value: Stephens' argument */
    double e = sqrt(300.0 * 200.0 / 500.0);
    TU_ASSERT_CLOSE(sens_ks_pvalue(0.137, 300, 200), sens_kolmogorov_q((e + 0.12 + 0.11 / e) * 0.137),
                    1e-15);
    CU_ASSERT(isnan(sens_ks_pvalue(0.3, 0, 12)));
}

static void test_ks_stat(void)
{
    double a[4] = {1, 2, 3, 4}, b[3] = {2.5, 5, 6};
    TU_ASSERT_CLOSE(sens_ks_stat(a, 4, b, 3), 2.0 / 3.0, 1e-15);
    TU_ASSERT_CLOSE(sens_ks_stat(b, 3, a, 4), 2.0 / 3.0, 1e-15);
    /* ties move both CDFs at once */
    double c[4] = {1, 2, 2, 3}, e[4] = {2, 2, 4, 5};
    TU_ASSERT_CLOSE(sens_ks_stat(c, 4, e, 4), 0.5, 1e-15);
    CU_ASSERT_EQUAL(sens_ks_stat(c, 4, c, 4), 0.0);
    CU_ASSERT(isnan(sens_ks_stat(c, 0, e, 4)));
}

/* One parameter decides the outcome, the other is irrelevant. */
static void test_filter_synthetic(void)
{
    size_t n = 4000, d = 2;
    double *x = malloc(n * d * sizeof *x);
    unsigned char *met = malloc(n);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 137);
    size_t n_met = 0;
    for (size_t i = 0; i < n; i++) {
        x[i * d] = gsl_rng_uniform(r);
        x[i * d + 1] = 10 + 3 * gsl_rng_uniform(r);
        met[i] = x[i * d] + gsl_ran_gaussian(r, 0.05) > 0.6;
        n_met += met[i];
    }
    double ks[2], p[2], mm[2], mx[2];
    ts_err err;
    CU_ASSERT_FATAL(sens_filter(x, met, n, d, ks, p, mm, mx, &err) == 0);
    /* deciding: the groups barely overlap; met above 0.6, missed below */
    CU_ASSERT(ks[0] > 0.9);
    CU_ASSERT(p[0] < 1e-100);
    CU_ASSERT(fabs(mm[0] - 0.8) < 0.03);
    CU_ASSERT(fabs(mx[0] - 0.3) < 0.03);
    /* irrelevant: D of the order of 1/sqrt(n), medians the same */
    double e = sqrt((double)n_met * (double)(n - n_met) / (double)n);
    CU_ASSERT(ks[1] < 1.63 / e);
    CU_ASSERT(p[1] > 0.01);
    CU_ASSERT(fabs(mm[1] - mx[1]) < 0.15);
    /* nobody met: no statistic */
    memset(met, 0, n);
    CU_ASSERT_FATAL(sens_filter(x, met, n, d, ks, p, mm, mx, &err) == 0);
    CU_ASSERT(isnan(ks[0]) && isnan(p[1]) && isnan(mm[0]) && !isnan(mx[0]));
    free(x);
    free(met);
    gsl_rng_free(r);
}

/* -------------------------------------------------------- variance split */

/* Y = mu_m + e: mu_m ~ N(0, 1.3^2) between outer points, e ~ N(0, 2.1^2)
 * within: the parameter share is 1.69 / (1.69 + 4.41). */
static void test_split_known(void)
{
    size_t m = 1500, n = 40;
    double *mean = malloc(m * sizeof *mean), *var = malloc(m * sizeof *var);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    double *ys = malloc(n * sizeof *ys);
    for (size_t k = 0; k < m; k++) {
        double mu = gsl_ran_gaussian(r, 1.3);
        for (size_t i = 0; i < n; i++)
            ys[i] = 7.25 + mu + gsl_ran_gaussian(r, 2.1);
        mean[k] = gsl_stats_mean(ys, 1, n);
        var[k] = gsl_stats_variance(ys, 1, n);
    }
    sens_split sp;
    ts_err err;
    CU_ASSERT_FATAL(sens_var_split(r, mean, var, m, n, 1, 400, &sp, &err) == 0);
    double want = 1.69 / (1.69 + 4.41);
    TU_ASSERT_WITHIN_SE("parameter share", sp.share, want, sp.share_se, 4.0);
    CU_ASSERT(sp.share_se > 0.005 && sp.share_se < 0.03);
    /* the chance part: W estimates 4.41 with se 4.41 sqrt(2 / (m (n - 1))) */
    TU_ASSERT_WITHIN_SE("chance part", sp.chance, 4.41, 4.41 * sqrt(2.0 / (m * (n - 1.0))), 4.0);
    TU_ASSERT_CLOSE(sp.total, sp.param + sp.chance, 1e-15);

    /* Fixed parameters: the parameter share is 0 by construction, and the
     * chance part is the pooled variance. */
    for (size_t k = 0; k < m; k++) {
        for (size_t i = 0; i < n; i++)
            ys[i] = 7.25 + gsl_ran_gaussian(r, 2.1);
        mean[k] = gsl_stats_mean(ys, 1, n);
        var[k] = gsl_stats_variance(ys, 1, n);
    }
    CU_ASSERT_FATAL(sens_var_split(r, mean, var, m, n, 0, 400, &sp, &err) == 0);
    CU_ASSERT_EQUAL(sp.share, 0.0);
    CU_ASSERT_EQUAL(sp.param, 0.0);
    CU_ASSERT_EQUAL(sp.share_se, 0.0);
    TU_ASSERT_WITHIN_SE("pooled chance", sp.chance, 4.41, 4.41 * sqrt(2.0 / (m * n - 1.0)), 4.0);
    CU_ASSERT(sens_var_split(r, mean, var, 1, n, 1, 10, &sp, &err) == -1);
    free(mean);
    free(var);
    free(ys);
    gsl_rng_free(r);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"Saltelli design", test_saltelli_design},
        {"Sobol indices of Ishigami (a = 7, b = 0.1)", test_sobol_ishigami},
        {"Sobol indices of a linear additive function", test_sobol_linear},
        {"Sobol indices of a constant are undefined", test_sobol_constant},
        {"Sobol indices of columns side by side", test_sobol_columns},
        {"Morris design", test_morris_design},
        {"Morris on a linear function", test_morris_linear},
        {"tornado order", test_order},
        {"Kolmogorov distribution", test_kolmogorov},
        {"two-sample KS statistic", test_ks_stat},
        {"filtering: one deciding, one irrelevant parameter", test_filter_synthetic},
        {"variance split with known parts", test_split_known},
        {NULL, NULL},
    };
    return tu_run("sens", tests);
}
