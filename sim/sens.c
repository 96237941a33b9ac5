/* sens.c -- sensitivity estimators on plain matrices (see sens.h). */
#include "sens.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* ---------------------------------------------------------------- Sobol */

/* Quasi-random coordinates are multiples of 2^-k: keep them off 0 and 1,
 * where a quantile can be infinite. */
static double open_unit(double u)
{
    const double eps = 1.0 / 4294967296.0;
    return u < eps ? eps : u > 1.0 - eps ? 1.0 - eps : u;
}

int sens_saltelli_design(size_t n, size_t d, double *x, const char **design, ts_err *err)
{
    if (n < 2 || d < 1)
        return ts_errf(err, "Saltelli design: needs N >= 2 and at least one parameter");
    const gsl_qrng_type *type = gsl_qrng_sobol;
    const char *name = "Sobol (gsl_qrng_sobol)";
    if (2 * d > 40) {
        type = gsl_qrng_reversehalton;
        name = "reverse Halton (gsl_qrng_reversehalton: more than 20 parameters)";
    }
    if (2 * d > 1229)
        return ts_errf(err, "Saltelli design: at most 614 parameters, got %zu", d);
    if (design)
        *design = name;
    gsl_qrng *q = gsl_qrng_alloc(type, (unsigned)(2 * d));
    double *pt = malloc(2 * d * sizeof *pt);
    if (!q || !pt) {
        gsl_qrng_free(q);
        free(pt);
        return ts_errf(err, "out of memory");
    }
    /* GSL's sequences start after the origin (Sobol's first point is
     * (1/2, ..., 1/2)), so no point is skipped: with N a power of 2 the A and
     * B rows are then a complete (t, m, 2d)-net. */
    int rc = 0;
    for (size_t j = 0; j < n && rc == 0; j++) {
        if ((rc = gsl_qrng_get(q, pt)) != 0)
            break;
        double *a = x + j * d, *b = x + (n + j) * d;
        for (size_t i = 0; i < d; i++) {
            a[i] = open_unit(pt[i]);
            b[i] = open_unit(pt[d + i]);
        }
        for (size_t k = 0; k < d; k++) {
            double *ab = x + ((2 + k) * n + j) * d;
            memcpy(ab, a, d * sizeof *ab);
            ab[k] = b[k];
        }
    }
    gsl_qrng_free(q);
    free(pt);
    if (rc != 0)
        return ts_errf(err, "Saltelli design: the quasi-random sequence ran out after %zu points",
                       n);
    return 0;
}

/* Working sums of one estimate: per output column c, mean[c] and v[c], and
 * per factor i, a[i * k + c] and b[i * k + c]. */
typedef struct {
    double *mean, *v, *a, *b;
} sobol_sums;

static int sums_alloc(sobol_sums *w, size_t k, size_t d)
{
    w->mean = malloc(k * sizeof *w->mean);
    w->v = malloc(k * sizeof *w->v);
    w->a = malloc(d * k * sizeof *w->a);
    w->b = malloc(d * k * sizeof *w->b);
    return w->mean && w->v && w->a && w->b ? 0 : -1;
}

static void sums_free(sobol_sums *w)
{
    free(w->mean), free(w->v), free(w->a), free(w->b);
}

/* S1 and ST of every column on the rows idx[0..n-1] (all rows when idx is
 * NULL): s1[c * d + i].  Row r of block g is y + (g n + r) k, its k columns
 * side by side, so one resampled row serves every column and the loops
 * over c run over contiguous doubles; each sum still adds its terms in the
 * order of j, so a column's result is the one it has alone (k = 1).
 *
 * f(B) enters S1 centred on the mean of the A and B outputs: the expectation
 * of f(B) (f(AB_i) - f(A)) does not change (f(AB_i) - f(A) has mean 0), but
 * the variance of the estimator loses the term mean^2 Var(f(AB_i) - f(A)),
 * which dominates for outputs far from 0 (a mean of 12000 firms, a P(met)
 * near 1). */
/* The loops over c are the bootstrap's arithmetic (n_boot resamples x N x
 * d x k terms): compiled for AVX2 too, and taken where the processor has it
 * (a Sobol analysis with --inner 2 of the fitted qingdao-v1: 0.83 of the old
 * code's time with SSE2 alone, 0.75 with AVX2).  Lane-wise adds and
 * multiplies round as the scalar ones do (no FMA: -std=c11 contracts
 * nothing), so every path gives the same bits. */
__attribute__((target_clones("avx2", "default")))
static void sobol_once(const double *y, size_t n, size_t d, size_t k, const size_t *idx,
                       sobol_sums *w, double *s1, double *st)
{
    double *restrict mean = w->mean, *restrict v = w->v, *restrict sa = w->a, *restrict sb = w->b;
    for (size_t c = 0; c < k; c++)
        mean[c] = v[c] = 0.0;
    for (size_t c = 0; c < d * k; c++)
        sa[c] = sb[c] = 0.0;
    for (size_t j = 0; j < n; j++) {
        size_t r = idx ? idx[j] : j;
        const double *fa = y + r * k, *fb = y + (n + r) * k;
#pragma omp simd
        for (size_t c = 0; c < k; c++)
            mean[c] += fa[c] + fb[c];
    }
    for (size_t c = 0; c < k; c++)
        mean[c] /= (double)(2 * n);
    for (size_t j = 0; j < n; j++) {
        size_t r = idx ? idx[j] : j;
        const double *fa = y + r * k, *fb = y + (n + r) * k;
#pragma omp simd
        for (size_t c = 0; c < k; c++)
            v[c] += (fa[c] - mean[c]) * (fa[c] - mean[c]) + (fb[c] - mean[c]) * (fb[c] - mean[c]);
    }
    for (size_t c = 0; c < k; c++)
        v[c] /= (double)(2 * n - 1);
    /* Factor by factor: A, B and one AB_i (3 N k doubles) stay in cache
     * while the rows are visited in their random order. */
    for (size_t i = 0; i < d; i++) {
        double *restrict a = sa + i * k, *restrict b = sb + i * k;
        for (size_t j = 0; j < n; j++) {
            size_t r = idx ? idx[j] : j;
            const double *fa = y + r * k, *fb = y + (n + r) * k;
            const double *fab = y + ((2 + i) * n + r) * k;
#pragma omp simd
            for (size_t c = 0; c < k; c++) {
                double diff = fab[c] - fa[c];
                a[c] += (fb[c] - mean[c]) * diff;
                b[c] += diff * diff;
            }
        }
    }
    for (size_t c = 0; c < k; c++)
        for (size_t i = 0; i < d; i++) {
            if (v[c] > 0.0) {
                s1[c * d + i] = sa[i * k + c] / (double)n / v[c];
                st[c * d + i] = sb[i * k + c] / (double)(2 * n) / v[c];
            } else {
                s1[c * d + i] = st[c * d + i] = NAN;
            }
        }
}

/* The 2.5 % and 97.5 % points of the finite values among v[0..n-1]. */
static void percentile_interval(double *v, size_t n, double *lo, double *hi)
{
    size_t k = 0;
    for (size_t b = 0; b < n; b++)
        if (isfinite(v[b]))
            v[k++] = v[b];
    if (k == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(v, 1, k);
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, k, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, k, 0.975);
}

/* Resamples whose indices are drawn ahead, at most this many bytes of them:
 * the draws are one sequence from r, the arithmetic is spread over the
 * threads. */
#define SOBOL_BOOT_IDX_BYTES (4u << 20)

int sens_sobol(gsl_rng *r, const double *y, size_t n, size_t d, size_t k, size_t n_boot,
               int n_threads, sens_ci *s1, sens_ci *st, ts_err *err)
{
    if (n < 2 || d < 1 || k < 1)
        return ts_errf(err, "Sobol indices: needs N >= 2 and at least one parameter");
    (void)n_threads;   /* without OpenMP */
    const size_t kd = k * d;
    size_t block = SOBOL_BOOT_IDX_BYTES / (n * sizeof(size_t));
    block = block < 1 ? 1 : block > n_boot ? n_boot : block;
    double *a = malloc(kd * sizeof *a), *b = malloc(kd * sizeof *b);
    /* Resample kb's estimates at [(c d + i) n_boot + kb]: each index's
     * n_boot values side by side for its percentiles. */
    double *bs1 = malloc((n_boot * kd + 1) * sizeof *bs1), *bst = malloc((n_boot * kd + 1) * sizeof *bst);
    size_t *idx = malloc((block * n + 1) * sizeof *idx);
    sobol_sums w0 = {0};
    int oom = !a || !b || !bs1 || !bst || !idx || sums_alloc(&w0, k, d) < 0;
    if (!oom)
        sobol_once(y, n, d, k, NULL, &w0, a, b);
    for (size_t k0 = 0; !oom && k0 < n_boot; k0 += block) {
        size_t nb = n_boot - k0 < block ? n_boot - k0 : block;
        for (size_t j = 0; j < nb * n; j++)
            idx[j] = (size_t)gsl_rng_uniform_int(r, (unsigned long)n);
        int bad = 0;
#pragma omp parallel num_threads(n_threads) reduction(| : bad)
        {
            sobol_sums w = {0};
            double *e1 = malloc(kd * sizeof *e1), *et = malloc(kd * sizeof *et);
            bad = sums_alloc(&w, k, d) < 0 || !e1 || !et;
#pragma omp for schedule(static)
            for (size_t q = 0; q < nb; q++) {
                if (bad)
                    continue;
                sobol_once(y, n, d, k, idx + q * n, &w, e1, et);
                for (size_t ci = 0; ci < kd; ci++) {
                    bs1[ci * n_boot + k0 + q] = e1[ci];
                    bst[ci * n_boot + k0 + q] = et[ci];
                }
            }
            sums_free(&w);
            free(e1), free(et);
        }
        oom = bad;
    }
    if (!oom) {
        for (size_t ci = 0; ci < kd; ci++) {
            s1[ci].est = a[ci];
            st[ci].est = b[ci];
        }
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 1)
        for (size_t ci = 0; ci < kd; ci++) {
            if (isnan(a[ci]) || n_boot == 0) {
                s1[ci].lo = s1[ci].hi = st[ci].lo = st[ci].hi = NAN;
                continue;
            }
            percentile_interval(bs1 + ci * n_boot, n_boot, &s1[ci].lo, &s1[ci].hi);
            percentile_interval(bst + ci * n_boot, n_boot, &st[ci].lo, &st[ci].hi);
        }
    }
    sums_free(&w0);
    free(a), free(b), free(bs1), free(bst), free(idx);
    return oom ? ts_errf(err, "out of memory") : 0;
}

/* --------------------------------------------------------------- Morris */

static double morris_level(unsigned l)
{
    return (2.0 * l + 1.0) / (2.0 * SENS_MORRIS_LEVELS);
}

void sens_morris_design(gsl_rng *r, size_t n_traj, size_t d, double *x)
{
    const unsigned half = SENS_MORRIS_LEVELS / 2;
    unsigned *lev = malloc(d * sizeof *lev);
    size_t *perm = malloc(d * sizeof *perm);
    if (!lev || !perm) {
        /* The caller's x stays as it was; sens_morris then refuses it. */
        free(lev);
        free(perm);
        return;
    }
    for (size_t t = 0; t < n_traj; t++) {
        double *row = x + t * (d + 1) * d;
        for (size_t i = 0; i < d; i++) {
            lev[i] = (unsigned)gsl_rng_uniform_int(r, SENS_MORRIS_LEVELS);
            perm[i] = i;
            row[i] = morris_level(lev[i]);
        }
        gsl_ran_shuffle(r, perm, d, sizeof *perm);
        for (size_t k = 1; k <= d; k++) {
            double *next = row + d;
            memcpy(next, row, d * sizeof *next);
            size_t i = perm[k - 1];
            lev[i] = lev[i] < half ? lev[i] + half : lev[i] - half;
            next[i] = morris_level(lev[i]);
            row = next;
        }
    }
    free(lev);
    free(perm);
}

static double mean_abs(const double *ee, size_t n_traj, size_t d, size_t i, const size_t *idx)
{
    double s = 0.0;
    for (size_t t = 0; t < n_traj; t++)
        s += fabs(ee[(idx ? idx[t] : t) * d + i]);
    return s / (double)n_traj;
}

int sens_morris(gsl_rng *r, const double *x, const double *y, size_t n_traj, size_t d,
                size_t n_boot, double *mu_star, double *mu_star_ci, double *sigma, double *mu,
                ts_err *err)
{
    if (n_traj < 1 || d < 1)
        return ts_errf(err, "Morris: needs at least one trajectory and one parameter");
    double *ee = malloc(n_traj * d * sizeof *ee);
    size_t *idx = malloc(n_traj * sizeof *idx);
    double *boot = malloc((n_boot + 1) * sizeof *boot);
    if (!ee || !idx || !boot) {
        free(ee), free(idx), free(boot);
        return ts_errf(err, "out of memory");
    }
    for (size_t i = 0; i < n_traj * d; i++)
        ee[i] = NAN;
    for (size_t t = 0; t < n_traj; t++) {
        for (size_t k = 1; k <= d; k++) {
            const double *a = x + (t * (d + 1) + k - 1) * d, *b = a + d;
            size_t moved = d, n_moved = 0;
            for (size_t i = 0; i < d; i++)
                if (a[i] != b[i]) {
                    moved = i;
                    n_moved++;
                }
            if (n_moved != 1 || !isnan(ee[t * d + moved])) {
                free(ee), free(idx), free(boot);
                return ts_errf(err, "Morris: trajectory %zu, step %zu does not move exactly one "
                               "new parameter", t + 1, k);
            }
            double ya = y[t * (d + 1) + k - 1], yb = y[t * (d + 1) + k];
            ee[t * d + moved] = (yb - ya) / (b[moved] - a[moved]);
        }
    }
    for (size_t i = 0; i < d; i++) {
        double s = 0.0, ss = 0.0;
        for (size_t t = 0; t < n_traj; t++)
            s += ee[t * d + i];
        double m = s / (double)n_traj;
        for (size_t t = 0; t < n_traj; t++)
            ss += (ee[t * d + i] - m) * (ee[t * d + i] - m);
        mu_star[i] = mean_abs(ee, n_traj, d, i, NULL);
        sigma[i] = n_traj > 1 ? sqrt(ss / (double)(n_traj - 1)) : NAN;
        if (mu)
            mu[i] = m;
        mu_star_ci[i] = NAN;
    }
    /* One resample of the trajectories serves every parameter. */
    double *bm = malloc((n_boot * d + 1) * sizeof *bm);
    if (!bm) {
        free(ee), free(idx), free(boot);
        return ts_errf(err, "out of memory");
    }
    for (size_t k = 0; k < n_boot; k++) {
        for (size_t t = 0; t < n_traj; t++)
            idx[t] = (size_t)gsl_rng_uniform_int(r, (unsigned long)n_traj);
        for (size_t i = 0; i < d; i++)
            bm[k * d + i] = mean_abs(ee, n_traj, d, i, idx);
    }
    for (size_t i = 0; i < d && n_boot > 1; i++) {
        for (size_t k = 0; k < n_boot; k++)
            boot[k] = bm[k * d + i];
        mu_star_ci[i] = 1.959963984540054 * gsl_stats_sd(boot, 1, n_boot);
    }
    free(bm);
    free(ee), free(idx), free(boot);
    return 0;
}

/* ------------------------------------------------------------- tornado */

void sens_order_desc(const double *v, size_t n, size_t *order)
{
    /* Insertion sort: n is the number of parameters, and it is stable. */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0) {
            double a = v[order[j - 1]], b = v[i];
            int before = isnan(a) ? !isnan(b) : (!isnan(b) && b > a);
            if (!before)
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

/* ------------------------------------------------- Kolmogorov-Smirnov */

double sens_ks_stat(const double *a, size_t na, const double *b, size_t nb)
{
    if (na == 0 || nb == 0)
        return NAN;
    size_t i = 0, j = 0;
    double d = 0.0;
    while (i < na && j < nb) {
        double v = a[i] < b[j] ? a[i] : b[j];
        while (i < na && a[i] <= v)
            i++;
        while (j < nb && b[j] <= v)
            j++;
        double diff = fabs((double)i / (double)na - (double)j / (double)nb);
        if (diff > d)
            d = diff;
    }
    return d;
}

double sens_kolmogorov_q(double x)
{
    if (isnan(x))
        return NAN;
    if (x <= 0.0)
        return 1.0;
    if (x < 1.18) {
        /* exp(-(2k-1)^2 pi^2 / (8 x^2)) = y^((2k-1)^2); y <= 0.413 here, and
         * y^121 < 1e-46: the first six terms are all that count. */
        double y = exp(-M_PI * M_PI / (8.0 * x * x));
        if (y == 0.0)
            return 1.0;
        double s = 0.0;
        for (int k = 1; k <= 6; k++) {
            double e = (double)((2 * k - 1) * (2 * k - 1));
            s += pow(y, e);
        }
        double p = sqrt(2.0 * M_PI) / x * s;
        return p >= 1.0 ? 0.0 : 1.0 - p;
    }
    /* y = exp(-2 x^2) <= 0.0617: y^(k^2) for k <= 5 reaches 1e-30. */
    double y = exp(-2.0 * x * x), q = 0.0;
    for (int k = 1; k <= 5; k++)
        q += (k % 2 ? 2.0 : -2.0) * pow(y, (double)(k * k));
    return q < 0.0 ? 0.0 : q > 1.0 ? 1.0 : q;
}

double sens_ks_pvalue(double d, size_t na, size_t nb)
{
    if (isnan(d) || na == 0 || nb == 0)
        return NAN;
    double e = sqrt((double)na * (double)nb / ((double)na + (double)nb));
    return sens_kolmogorov_q((e + 0.12 + 0.11 / e) * d);
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static double median_sorted(const double *v, size_t n)
{
    return n ? gsl_stats_median_from_sorted_data(v, 1, n) : NAN;
}

int sens_filter(const double *x, const unsigned char *met, size_t n, size_t d, double *ks,
                double *p_value, double *median_met, double *median_missed, ts_err *err)
{
    double *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return ts_errf(err, "out of memory");
    }
    for (size_t i = 0; i < d; i++) {
        size_t na = 0, nb = 0;
        for (size_t r = 0; r < n; r++) {
            double v = x[r * d + i];
            if (met[r])
                a[na++] = v;
            else
                b[nb++] = v;
        }
        qsort(a, na, sizeof *a, cmp_double);
        qsort(b, nb, sizeof *b, cmp_double);
        ks[i] = sens_ks_stat(a, na, b, nb);
        p_value[i] = sens_ks_pvalue(ks[i], na, nb);
        median_met[i] = median_sorted(a, na);
        median_missed[i] = median_sorted(b, nb);
    }
    free(a);
    free(b);
    return 0;
}

/* -------------------------------------------------------- variance split */

/* B and W over the outer points idx[0..m-1] (all when idx is NULL). */
static void split_once(const double *mean, const double *var, size_t m, size_t n_inner,
                       const size_t *idx, double *param, double *chance)
{
    double grand = 0.0, w = 0.0;
    for (size_t k = 0; k < m; k++) {
        size_t o = idx ? idx[k] : k;
        grand += mean[o];
        w += var[o];
    }
    grand /= (double)m;
    w /= (double)m;
    double b = 0.0;
    for (size_t k = 0; k < m; k++) {
        size_t o = idx ? idx[k] : k;
        b += (mean[o] - grand) * (mean[o] - grand);
    }
    b /= (double)(m - 1);
    double p = b - w / (double)n_inner;
    *param = p > 0.0 ? p : 0.0;
    *chance = w;
}

int sens_var_split(gsl_rng *r, const double *mean, const double *var, size_t m, size_t n_inner,
                   int params_vary, size_t n_boot, sens_split *out, ts_err *err)
{
    if (m < 2 || n_inner < 2)
        return ts_errf(err, "variance split: needs at least 2 outer points and 2 inner "
                       "replications each");
    memset(out, 0, sizeof *out);
    if (!params_vary) {
        /* Every replication has the same parameters: pool them all. */
        double grand = 0.0;
        for (size_t k = 0; k < m; k++)
            grand += mean[k];
        grand /= (double)m;
        double ss = 0.0;
        for (size_t k = 0; k < m; k++)
            ss += (double)(n_inner - 1) * var[k] +
                  (double)n_inner * (mean[k] - grand) * (mean[k] - grand);
        out->chance = out->total = ss / ((double)m * (double)n_inner - 1.0);
        return 0;
    }
    split_once(mean, var, m, n_inner, NULL, &out->param, &out->chance);
    out->total = out->param + out->chance;
    out->share = out->total > 0.0 ? out->param / out->total : NAN;
    out->share_se = NAN;
    if (n_boot < 2 || !(out->total > 0.0))
        return 0;
    size_t *idx = malloc(m * sizeof *idx);
    double *boot = malloc(n_boot * sizeof *boot);
    if (!idx || !boot) {
        free(idx);
        free(boot);
        return ts_errf(err, "out of memory");
    }
    size_t k = 0;
    for (size_t b = 0; b < n_boot; b++) {
        for (size_t o = 0; o < m; o++)
            idx[o] = (size_t)gsl_rng_uniform_int(r, (unsigned long)m);
        double p, c;
        split_once(mean, var, m, n_inner, idx, &p, &c);
        if (p + c > 0.0)
            boot[k++] = p / (p + c);
    }
    out->share_se = k > 1 ? gsl_stats_sd(boot, 1, k) : NAN;
    free(idx);
    free(boot);
    return 0;
}
