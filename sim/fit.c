/* fit.c -- calibration of `fit` parameters to an observed history
 * (see include/fit.h for the model and the conventions). */
#include "fit.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_multifit_nlinear.h>

#define Z95 1.959963984540054

/* The thresholds of the warnings (not tolerances of the solver: they decide
 * what is worth saying, not what is computed).  |r| above FIT_CORR_WARN: the
 * data determine a combination of two parameters, the confidence region is
 * a thin ridge.  A prior "pins" its parameter when the estimate moved less
 * than FIT_PIN_SHIFT prior sds and the se shrank by less than 1 -
 * FIT_PIN_SE: the history added next to nothing. */
#define FIT_CORR_WARN 0.95
#define FIT_PIN_SHIFT 0.1
#define FIT_PIN_SE 0.9

/* How often a rate behind a binding quota is halved in search of a start
 * where it moves the data: 2^-40 of the first start (1e-12 times) is below
 * any rate a history could show. */
#define FIT_QUOTA_HALVINGS 40

typedef enum { T_PROB, T_NONNEG, T_GROWTH } transform;

typedef struct {
    const scenario *s;
    const history *h;
    size_t K, T;
    int y0, y1;                 /* levels known at the end of y0; years y0+1 .. y1 predicted */
    size_t nf;                  /* free parameters */
    size_t *fidx;               /* their indices in s->params */
    transform *tr;
    double *theta;              /* every parameter: means, free ones overwritten */
    long *row_at;               /* [((y - y0) * K + k) * HIST_MEASURES + m] -> history row, or -1 */
    double *pred;               /* per history row */
    char *valid;                /* per history row: its levels were known */
    double *N, *Nn, *X, *in, *out, *I, *M, *rate;
    char *known, *known_n;
    size_t *used;               /* fitted rows */
    size_t n_used;
    size_t *prior_j;            /* free parameters with a prior */
    size_t n_prior;
} model;

static transform transform_of(const dist_range *r)
{
    if (r->hi == 1.0)
        return T_PROB;
    return r->lo_open ? T_GROWTH : T_NONNEG;
}

static double to_nat(transform t, double z)
{
    switch (t) {
    case T_PROB:
        return 1.0 / (1.0 + exp(-z));
    case T_NONNEG:
        return exp(z);
    default:
        return expm1(z);
    }
}

static double to_z(transform t, double x)
{
    switch (t) {
    case T_PROB:
        return log(x / (1.0 - x));
    case T_NONNEG:
        return log(x);
    default:
        return log1p(x);
    }
}

/* d(natural)/dz, for mapping the covariance back. */
static double dnat_dz(transform t, double z)
{
    if (t == T_PROB) {
        double p = to_nat(t, z);
        return p * (1.0 - p);
    }
    return exp(z);
}

static long row_index(const model *m, int y, size_t k, hist_measure meas)
{
    if (y <= m->y0 || y > m->y1)
        return -1;
    return m->row_at[(((size_t)(y - m->y0)) * m->K + k) * HIST_MEASURES + meas];
}

/* The mean recursion from the levels at the end of y0 to y1, recording the
 * prediction of every history row and whether its levels were known. */
static void predict(model *m)
{
    const scenario *s = m->s;
    size_t K = m->K, T = m->T;
    const double *th = m->theta;
    for (size_t k = 0; k < K; k++) {
        long r0 = m->row_at[(0 * K + k) * HIST_MEASURES + HIST_STOCK];
        m->known[k] = 0;
        m->N[k] = th[s->tiers[k].p_stock];
        if (r0 >= 0) {
            m->N[k] = m->h->rows[r0].value;
            m->known[k] = 1;
        } else if (m->y0 == s->start_year - 1) {
            m->known[k] = 1;
        }
    }
    for (int y = m->y0 + 1; y <= m->y1; y++) {
        for (size_t k = 0; k < K; k++) {
            m->X[k] = m->N[k] * th[s->tiers[k].p_exit];
            m->in[k] = m->out[k] = 0.0;
            double g = th[s->tiers[k].p_growth];
            m->I[k] = th[s->tiers[k].p_inflow] * pow(1.0 + g, (double)(y - s->start_year));
            m->known_n[k] = m->known[k];
        }
        /* Rates out of a tier summing above 1 are scaled to 1, as in the engine. */
        for (size_t k = 0; k < K; k++) {
            double sum = 0.0;
            for (size_t t = 0; t < T; t++)
                if (s->transitions[t].from == k)
                    sum += th[s->transitions[t].p_rate];
            for (size_t t = 0; t < T; t++)
                if (s->transitions[t].from == k)
                    m->rate[t] = th[s->transitions[t].p_rate] / (sum > 1.0 ? sum : 1.0);
        }
        for (size_t t = 0; t < T; t++) {
            const ts_transition *tr = &s->transitions[t];
            double mv = (m->N[tr->from] - m->X[tr->from]) * m->rate[t];
            if (tr->p_quota != TS_NO_PARAM) {
                double q = floor(th[tr->p_quota]);
                if (mv > q)
                    mv = q;
            }
            m->M[t] = mv;
            m->in[tr->to] += mv;
            if (!tr->keep)
                m->out[tr->from] += mv;
            if (!m->known[tr->from])
                m->known_n[tr->to] = 0;
        }
        for (size_t k = 0; k < K; k++) {
            m->Nn[k] = m->N[k] - m->X[k] - m->out[k] + m->in[k] + m->I[k];
            double v[HIST_MEASURES] = {m->Nn[k], m->in[k] + m->I[k], m->X[k]};
            int ok[HIST_MEASURES] = {m->known_n[k], m->known_n[k], m->known[k]};
            for (int meas = 0; meas < HIST_MEASURES; meas++) {
                long r = row_index(m, y, k, (hist_measure)meas);
                if (r >= 0) {
                    m->pred[r] = v[meas];
                    m->valid[r] = (char)ok[meas];
                }
            }
        }
        for (size_t k = 0; k < K; k++) {
            m->N[k] = m->Nn[k];
            m->known[k] = m->known_n[k];
            long r = row_index(m, y, k, HIST_STOCK);
            if (r >= 0) {
                m->N[k] = m->h->rows[r].value;
                m->known[k] = 1;
            } else if (y == s->start_year - 1) {
                m->N[k] = th[s->tiers[k].p_stock];
                m->known[k] = 1;
            }
        }
    }
}

static void set_free(model *m, const gsl_vector *z)
{
    for (size_t j = 0; j < m->nf; j++)
        m->theta[m->fidx[j]] = to_nat(m->tr[j], gsl_vector_get(z, j));
}

static int residuals(const gsl_vector *z, void *params, gsl_vector *f)
{
    model *m = params;
    set_free(m, z);
    predict(m);
    size_t i = 0;
    for (size_t u = 0; u < m->n_used; u++) {
        const history_row *r = &m->h->rows[m->used[u]];
        gsl_vector_set(f, i++, (m->pred[m->used[u]] - r->value) / r->sd);
    }
    for (size_t q = 0; q < m->n_prior; q++) {
        size_t j = m->prior_j[q];
        const dist *prior = &m->s->params[m->fidx[j]].value;
        gsl_vector_set(f, i++, (m->theta[m->fidx[j]] - dist_mean(prior)) / dist_sd(prior));
    }
    for (size_t k = 0; k < f->size; k++)
        if (!isfinite(gsl_vector_get(f, k)))
            return GSL_EDOM;
    return GSL_SUCCESS;
}

static void model_free(model *m)
{
    free(m->fidx);
    free(m->tr);
    free(m->theta);
    free(m->row_at);
    free(m->pred);
    free(m->valid);
    free(m->N);
    free(m->Nn);
    free(m->X);
    free(m->in);
    free(m->out);
    free(m->I);
    free(m->M);
    free(m->rate);
    free(m->known);
    free(m->known_n);
    free(m->used);
    free(m->prior_j);
}

void fit_result_free(fit_result *r)
{
    if (!r)
        return;
    free(r->est);
    free(r->pts);
    free(r->warnings);
    free(r);
}

static void warn(fit_result *r, const char *fmt, ...) TS_PRINTF(2, 3);

static void warn(fit_result *r, const char *fmt, ...)
{
    void *p = realloc(r->warnings, (r->n_warnings + 1) * sizeof *r->warnings);
    if (!p)
        return;
    r->warnings = p;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->warnings[r->n_warnings++], sizeof *r->warnings, fmt, ap);
    va_end(ap);
}

/* A starting point inside the bounds: the prior's mean, else something of
 * the right size from the data. */
static double start_value(const model *m, size_t j)
{
    const ts_param *p = &m->s->params[m->fidx[j]];
    double x;
    if (p->has_prior) {
        x = dist_mean(&p->value);
    } else if (m->tr[j] == T_PROB) {
        x = 0.1;
    } else if (m->tr[j] == T_GROWTH) {
        x = 0.05;
    } else {
        /* an inflow or a stock: the tier's first observed level or entries */
        x = 10.0;
        for (size_t k = 0; k < m->K; k++) {
            const ts_tier *t = &m->s->tiers[k];
            hist_measure want = m->fidx[j] == t->p_stock ? HIST_STOCK : HIST_NEW;
            if (m->fidx[j] != t->p_stock && m->fidx[j] != t->p_inflow)
                continue;
            for (size_t i = 0; i < m->h->n_rows; i++)
                if (m->h->rows[i].tier == k && m->h->rows[i].measure == want &&
                    m->h->rows[i].value > 0) {
                    x = m->h->rows[i].value;
                    break;
                }
        }
    }
    /* Off the ends, where the transformed scale is infinite (a prior's mean
     * may sit on one). */
    if (m->tr[j] == T_PROB)
        x = fmin(fmax(x, 1e-4), 1.0 - 1e-4);
    else if (m->tr[j] == T_GROWTH)
        x = fmax(x, -0.99);
    else
        x = fmax(x, 1e-3);
    return x;
}

static int model_init(model *m, const scenario *s, const history *h, ts_err *err)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    m->h = h;
    m->K = s->n_tiers;
    m->T = s->n_transitions;
    m->y0 = s->start_year - 1;
    m->y1 = s->start_year - 1;
    for (size_t i = 0; i < h->n_rows; i++) {
        if (h->rows[i].year < m->y0)
            m->y0 = h->rows[i].year;
        if (h->rows[i].year > m->y1)
            m->y1 = h->rows[i].year;
    }
    size_t Y = (size_t)(m->y1 - m->y0 + 1), K = m->K, T = m->T;
    for (size_t i = 0; i < s->n_params; i++)
        if (s->params[i].fit)
            m->nf++;
    m->fidx = calloc(m->nf + 1, sizeof *m->fidx);
    m->tr = calloc(m->nf + 1, sizeof *m->tr);
    m->prior_j = calloc(m->nf + 1, sizeof *m->prior_j);
    m->theta = calloc(s->n_params + 1, sizeof *m->theta);
    m->row_at = malloc(Y * K * HIST_MEASURES * sizeof *m->row_at);
    m->pred = calloc(h->n_rows, sizeof *m->pred);
    m->valid = calloc(h->n_rows, 1);
    m->used = calloc(h->n_rows, sizeof *m->used);
    double **vecs[] = {&m->N, &m->Nn, &m->X, &m->in, &m->out, &m->I};
    for (size_t v = 0; v < sizeof vecs / sizeof vecs[0]; v++)
        *vecs[v] = calloc(K, sizeof **vecs[v]);
    m->M = calloc(T + 1, sizeof *m->M);
    m->rate = calloc(T + 1, sizeof *m->rate);
    m->known = calloc(K, 1);
    m->known_n = calloc(K, 1);
    if (!m->fidx || !m->tr || !m->prior_j || !m->theta || !m->row_at || !m->pred || !m->valid ||
        !m->used || !m->N || !m->Nn || !m->X || !m->in || !m->out || !m->I || !m->M ||
        !m->rate || !m->known || !m->known_n)
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < Y * K * HIST_MEASURES; i++)
        m->row_at[i] = -1;
    for (size_t i = 0; i < h->n_rows; i++) {
        const history_row *r = &h->rows[i];
        m->row_at[(((size_t)(r->year - m->y0)) * K + r->tier) * HIST_MEASURES + r->measure] =
            (long)i;
    }
    scenario_param_means(s, m->theta);
    size_t j = 0;
    for (size_t i = 0; i < s->n_params; i++) {
        if (!s->params[i].fit)
            continue;
        m->fidx[j] = i;
        m->tr[j] = transform_of(&s->params[i].value.range);
        if (s->params[i].has_prior)
            m->prior_j[m->n_prior++] = j;
        j++;
    }
    for (j = 0; j < m->nf; j++)
        m->theta[m->fidx[j]] = start_value(m, j);
    predict(m);
    for (size_t i = 0; i < h->n_rows; i++)
        if (h->rows[i].year > m->y0 && m->valid[i])
            m->used[m->n_used++] = i;
    return 0;
}

/* Which free parameters move any fitted row at all (a finite-difference
 * probe on the natural scale around the starting point). */
static int moves_data(model *m, size_t j)
{
    double *before = malloc(m->h->n_rows * sizeof *before);
    if (!before)
        return 1;
    predict(m);
    memcpy(before, m->pred, m->h->n_rows * sizeof *before);
    size_t i = m->fidx[j];
    double x = m->theta[i];
    double step = m->tr[j] == T_PROB ? (x < 0.5 ? 0.25 * (1 - x) : -0.25 * x) : 0.5 * x + 1.0;
    m->theta[i] = x + step;
    predict(m);
    int moved = 0;
    for (size_t u = 0; u < m->n_used && !moved; u++)
        moved = m->pred[m->used[u]] != before[m->used[u]];
    m->theta[i] = x;
    predict(m);
    free(before);
    return moved;
}

void fit_opts_default(fit_opts *o)
{
    o->max_iter = 500;
    o->xtol = 1e-10;
    o->gtol = 1e-10;
    o->ftol = 0.0;
    o->fd_step = GSL_SQRT_DBL_EPSILON;
    o->noprog_gtol = 1e-4;
    o->svd_rtol = 1e-8;
    o->null_loading = 0.3;
    o->covar_epsrel = 1e-12;
}

/* The options' ranges (fit.h); a caller's mistake, so a message rather than
 * an assert. */
static int check_opts(const fit_opts *o, ts_err *err)
{
    const struct {
        const char *name;
        double v, lo;
        int lo_open;
        double hi;
        int hi_open;
    } f[] = {
        {"xtol", o->xtol, 0, 0, INFINITY, 1},
        {"gtol", o->gtol, 0, 0, INFINITY, 1},
        {"ftol", o->ftol, 0, 0, INFINITY, 1},
        {"fd_step", o->fd_step, 0, 1, INFINITY, 1},
        {"noprog_gtol", o->noprog_gtol, 0, 0, INFINITY, 1},
        {"svd_rtol", o->svd_rtol, 0, 0, 1, 1},
        {"null_loading", o->null_loading, 0, 1, 1, 1},
        {"covar_epsrel", o->covar_epsrel, 0, 0, 1, 1},
    };
    if (o->max_iter == 0)
        return ts_errf(err, "fit options: max_iter is 0: expected at least 1");
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        double v = f[i].v;
        if (!(f[i].lo_open ? v > f[i].lo : v >= f[i].lo) ||
            !(f[i].hi_open ? v < f[i].hi : v <= f[i].hi))
            return ts_errf(err, "fit options: %s is %g: expected a number in %c%g, %g%c",
                           f[i].name, v, f[i].lo_open ? '(' : '[', f[i].lo, f[i].hi,
                           f[i].hi_open ? ')' : ']');
    }
    return 0;
}

int fit_run(const scenario *s, const history *h, const fit_opts *opts, fit_result **out,
            ts_err *err)
{
    fit_opts defaults;
    *out = NULL;
    if (!opts) {
        fit_opts_default(&defaults);
        opts = &defaults;
    } else if (check_opts(opts, err) < 0) {
        return -1;
    }
    model m;
    fit_result *res = calloc(1, sizeof *res);
    gsl_multifit_nlinear_workspace *w = NULL;
    gsl_vector *z0 = NULL;
    gsl_matrix *covar = NULL, *A = NULL, *V = NULL;
    gsl_vector *S = NULL, *work = NULL;
    char *undetermined = NULL;      /* per free parameter: in a null direction of J */
    int rc = -1;
    if (!res) {
        ts_errf(err, "out of memory");
        return -1;
    }
    if (model_init(&m, s, h, err) < 0)
        goto done;
    if (m.nf == 0) {
        ts_errf(err, "%s: no parameter is written 'fit' or 'fit(PRIOR)': nothing to estimate",
                s->path);
        goto done;
    }
    for (size_t j = 0; j < m.nf; j++) {
        const ts_param *p = &s->params[m.fidx[j]];
        /* The prior's residual divides by its sd. */
        if (p->has_prior && !(dist_sd(&p->value) > 0)) {
            char prior[128];
            dist_format(&p->value, prior, sizeof prior);
            ts_errf(err, "%s:%d: %s: the prior of fit(%s) has no spread: write the value itself, "
                    "or a distribution", p->file, p->line, p->name, prior);
            goto done;
        }
        /* A rate behind a quota that binds at the starting point moves no
         * row (min(expected promotions, quota) is flat there) and the
         * optimiser could not leave it: start it lower until the rows move. */
        int moved = moves_data(&m, j);
        double x0 = m.theta[m.fidx[j]];
        for (int half = 0; !moved && m.tr[j] == T_PROB && half < FIT_QUOTA_HALVINGS; half++) {
            m.theta[m.fidx[j]] *= 0.5;
            moved = moves_data(&m, j);
        }
        if (!moved)
            m.theta[m.fidx[j]] = x0;
        if (!p->has_prior && !moved) {
            ts_errf(err, "%s:%d: %s: nothing to fit it to (no fitted history row depends on it); "
                    "add history rows or a prior: fit(PRIOR)", p->file, p->line, p->name);
            goto done;
        }
    }
    size_t n = m.n_used + m.n_prior, p = m.nf;
    if (n < p) {
        ts_errf(err, "%s: %zu parameters to fit but only %zu fitted history rows and priors",
                h->path, p, n);
        goto done;
    }
    /* Rows neither fitted nor serving as a starting level. */
    for (size_t i = 0; i < h->n_rows; i++)
        if (!(h->rows[i].year == m.y0 && h->rows[i].measure == HIST_STOCK))
            res->n_ignored++;
    res->n_ignored -= m.n_used;

    gsl_multifit_nlinear_fdf fdf;
    memset(&fdf, 0, sizeof fdf);
    fdf.f = residuals;
    fdf.df = NULL; /* forward differences: the problem is small */
    fdf.n = n;
    fdf.p = p;
    fdf.params = &m;
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    fp.h_df = opts->fd_step;
    w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n, p);
    z0 = gsl_vector_alloc(p);
    covar = gsl_matrix_alloc(p, p);
    if (!w || !z0 || !covar) {
        ts_errf(err, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < p; j++)
        gsl_vector_set(z0, j, to_z(m.tr[j], m.theta[m.fidx[j]]));
    int status = gsl_multifit_nlinear_init(z0, &fdf, w);
    int info = 0;
    if (status == GSL_SUCCESS)
        status = gsl_multifit_nlinear_driver(opts->max_iter, opts->xtol, opts->gtol, opts->ftol,
                                             NULL, NULL, &info, w);
    res->iterations = gsl_multifit_nlinear_niter(w);
    /* The driver reports a first iteration without progress as EMAXITER with
     * info = ENOPROG: the same case as below (e.g. a start already at the
     * optimum, where no step can reduce the cost). */
    if (status == GSL_EMAXITER && info == GSL_ENOPROG)
        status = GSL_ENOPROG;
    if (status == GSL_ENOPROG) {
        /* The trust region could not shrink further: an optimum reached to
         * rounding when the gradient J'f vanishes there, a failure if not. */
        gsl_vector *g = gsl_vector_alloc(p);
        double gmax = INFINITY, ff = 0.0;
        if (g) {
            gsl_blas_dgemv(CblasTrans, 1.0, gsl_multifit_nlinear_jac(w),
                           gsl_multifit_nlinear_residual(w), 0.0, g);
            gmax = fabs(gsl_vector_get(g, gsl_blas_idamax(g)));
            gsl_blas_ddot(gsl_multifit_nlinear_residual(w), gsl_multifit_nlinear_residual(w), &ff);
            gsl_vector_free(g);
        }
        if (gmax <= opts->noprog_gtol * (1.0 + ff))
            status = GSL_SUCCESS;
    }
    if (status == GSL_EMAXITER || status == GSL_ENOPROG) {
        ts_errf(err, "%s: the fit did not converge after %zu iterations (last step %.3g on the "
                "transformed scale: %s)", h->path, res->iterations, gsl_blas_dnrm2(w->dx),
                gsl_strerror(status));
        goto done;
    } else if (status != GSL_SUCCESS) {
        ts_errf(err, "%s: the fit failed: %s", h->path, gsl_strerror(status));
        goto done;
    }
    const gsl_vector *z = gsl_multifit_nlinear_position(w);
    const gsl_vector *f = gsl_multifit_nlinear_residual(w);
    gsl_matrix *J = gsl_multifit_nlinear_jac(w);
    set_free(&m, z);
    predict(&m);
    double chi2;
    gsl_blas_ddot(f, f, &chi2);
    res->chi2 = chi2;
    res->dof = (int)n - (int)p;

    /* Identifiability: singular values of J, then correlations. */
    A = gsl_matrix_alloc(n, p);
    V = gsl_matrix_alloc(p, p);
    S = gsl_vector_alloc(p);
    work = gsl_vector_alloc(p);
    undetermined = calloc(p, 1);
    if (!A || !V || !S || !work || !undetermined) {
        ts_errf(err, "out of memory");
        goto done;
    }
    gsl_matrix_memcpy(A, J);
    int singular = 0;
    if (gsl_linalg_SV_decomp(A, V, S, work) == GSL_SUCCESS) {
        double smax = gsl_vector_get(S, 0), smin = gsl_vector_get(S, p - 1);
        if (!(smin > opts->svd_rtol * smax)) {
            singular = 1;
            /* Every parameter in a direction the data do not see is
             * undetermined: the covariance below (a pivoted QR that drops
             * columns) would give the others of that direction the se they
             * would have with the dropped ones fixed. */
            for (size_t i = 0; i < p; i++) {
                if (gsl_vector_get(S, i) > opts->svd_rtol * smax)
                    continue;
                size_t big = 0;
                for (size_t j = 0; j < p; j++) {
                    double v = fabs(gsl_matrix_get(V, j, i));
                    if (v > opts->null_loading)
                        undetermined[j] = 1;
                    if (v > fabs(gsl_matrix_get(V, big, i)))
                        big = j;
                }
                /* A direction spread over many parameters (or a
                 * null_loading near 1) may have no component above
                 * null_loading; the warning must still name one. */
                undetermined[big] = 1;
            }
            char names[256] = "";
            for (size_t j = 0; j < p; j++)
                if (undetermined[j]) {
                    size_t used = strlen(names);
                    snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                             s->params[m.fidx[j]].name);
                }
            warn(res, "the data cannot determine %s (near-zero singular value %.3g): give "
                 "priors or more history", names, smin);
        }
    }
    gsl_multifit_nlinear_covar(J, opts->covar_epsrel, covar);

    res->est = calloc(p, sizeof *res->est);
    res->pts = calloc(m.n_used + 1, sizeof *res->pts);
    if (!res->est || !res->pts) {
        ts_errf(err, "out of memory");
        goto done;
    }
    res->n_est = p;
    for (size_t j = 0; j < p; j++) {
        fit_estimate *e = &res->est[j];
        const ts_param *pp = &s->params[m.fidx[j]];
        double zj = gsl_vector_get(z, j), vz = gsl_matrix_get(covar, j, j);
        e->param = m.fidx[j];
        e->estimate = to_nat(m.tr[j], zj);
        e->has_prior = pp->has_prior;
        if (pp->has_prior) {
            e->prior_mean = dist_mean(&pp->value);
            e->prior_sd = dist_sd(&pp->value);
        }
        if (singular && (vz == 0.0 || undetermined[j])) {
            e->se = e->lo95 = e->hi95 = NAN;
        } else {
            double sz = sqrt(vz);
            e->se = dnat_dz(m.tr[j], zj) * sz;
            e->lo95 = to_nat(m.tr[j], zj - Z95 * sz);
            e->hi95 = to_nat(m.tr[j], zj + Z95 * sz);
        }
        if (pp->has_prior && isfinite(e->se) && e->prior_sd > 0 &&
            fabs(e->estimate - e->prior_mean) < FIT_PIN_SHIFT * e->prior_sd &&
            e->se > FIT_PIN_SE * e->prior_sd)
            warn(res, "%s is pinned to its prior (estimate and se are the prior's): the history "
                 "says little about it", pp->name);
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = a + 1; b < p; b++) {
            double va = gsl_matrix_get(covar, a, a), vb = gsl_matrix_get(covar, b, b);
            if (va > 0 && vb > 0) {
                double r = gsl_matrix_get(covar, a, b) / sqrt(va * vb);
                if (fabs(r) > FIT_CORR_WARN)
                    warn(res, "%s and %s are correlated (r = %.3f): the data determine a "
                         "combination of them more than each", s->params[m.fidx[a]].name,
                         s->params[m.fidx[b]].name, r);
            }
        }
    for (size_t u = 0; u < m.n_used; u++) {
        const history_row *r = &h->rows[m.used[u]];
        fit_point *pt = &res->pts[u];
        pt->row = m.used[u];
        pt->fitted = m.pred[m.used[u]];
        pt->residual = r->value - pt->fitted;
        pt->standardized = pt->residual / r->sd;
    }
    res->n_pts = m.n_used;
    rc = 0;
done:
    gsl_multifit_nlinear_free(w);
    gsl_vector_free(z0);
    gsl_matrix_free(covar);
    gsl_matrix_free(A);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    free(undetermined);
    model_free(&m);
    if (rc < 0) {
        fit_result_free(res);
        return -1;
    }
    *out = res;
    return 0;
}

int fit_format_fitted(const scenario *s, const fit_estimate *e, char *buf, size_t len)
{
    const ts_param *p = &s->params[e->param];
    if (isfinite(e->se) && e->se > 0) {
        char text[128];
        snprintf(text, sizeof text, "normal(%.17g, %.17g)", e->estimate, e->se);
        dist d;
        /* A truncated normal needs some mass in range; one that is nearly all
         * outside (an estimate at a bound with a wide se) is kept as written. */
        if (dist_parse(text, p->value.range, &d, NULL, 0) == 0)
            return dist_format(&d, buf, len);
    }
    dist d = dist_fixed(e->estimate, p->value.range);
    if (p->integer)
        d.p[0] = nearbyint(d.p[0]);
    return dist_format(&d, buf, len);
}

int fit_apply(scenario *s, const fit_result *r, ts_err *err)
{
    for (size_t j = 0; j < r->n_est; j++) {
        const fit_estimate *e = &r->est[j];
        ts_param *p = &s->params[e->param];
        char text[160];
        fit_format_fitted(s, e, text, sizeof text);
        dist d;
        char why[256];
        if (dist_parse(text, p->value.range, &d, why, sizeof why) < 0)
            return ts_errf(err, "%s: fitted value '%s': %s", p->name, text, why);
        p->value = d;
        p->fit = 0;
        p->has_prior = 0;
    }
    return 0;
}
