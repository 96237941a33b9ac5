/* sensrun.c -- sensitivity analysis of a scenario's targets: the designs of
 * sens.c run on common random numbers (see sensrun.h). */
#include "sensrun.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "crn.h"
#include "dist.h"
#include "engine.h"
#include "num.h"
#include "rng.h"

const char *const sensrun_output_names[SENSRUN_OUTPUTS] = {"mean", "p_met"};

long sensrun_param_policy(const scenario *s, size_t i)
{
    for (size_t p = 0; p < s->n_policies; p++) {
        const ts_policy *pol = &s->policies[p];
        if (pol->p_strength == i)
            return (long)p;
        for (size_t k = 0; k < pol->n_scales; k++)
            if (pol->scales[k].p_factor == i)
                return (long)p;
    }
    return -1;
}

size_t sensrun_default_factors(const scenario *s, size_t *factors)
{
    size_t d = 0;
    for (size_t i = 0; i < s->n_params; i++) {
        if (!dist_is_random(&s->params[i].value))
            continue;
        long p = sensrun_param_policy(s, i);
        if (p >= 0 && !s->policies[p].active)
            continue;
        factors[d++] = i;
    }
    return d;
}

int sensrun_set_range(scenario *s, size_t i, double lo, double hi, ts_err *err)
{
    ts_param *p = &s->params[i];
    if (!(lo < hi))
        return ts_errf(err, "%s: the range needs LO < HI, got %.10g:%.10g", p->name, lo, hi);
    if (sensrun_check_value(s, i, lo, err) < 0 || sensrun_check_value(s, i, hi, err) < 0)
        return -1;
    char text[128], why[256];
    snprintf(text, sizeof text, "uniform(%.17g, %.17g)", lo, hi);
    dist d;
    if (dist_parse(text, p->value.range, &d, why, sizeof why) < 0)
        return ts_errf(err, "%s: %s", p->name, why);
    p->value = d;
    return 0;
}

int sensrun_check_value(const scenario *s, size_t i, double v, ts_err *err)
{
    const ts_param *p = &s->params[i];
    const dist_range *r = &p->value.range;
    if (!isfinite(v))
        return ts_errf(err, "%s: %.10g is not a finite number", p->name, v);
    if (r->lo_open ? !(v > r->lo) : !(v >= r->lo))
        return ts_errf(err, "%s: %.10g is %s %.10g", p->name, v,
                       r->lo_open ? "not above" : "below", r->lo);
    if (v > r->hi)
        return ts_errf(err, "%s: %.10g is above %.10g", p->name, v, r->hi);
    return 0;
}

int sensrun_parse_spec(const char *spec, char *name, size_t name_len, double *lo, double *hi,
                    uint64_t *steps, ts_err *err)
{
    const char *want = steps ? "NAME=LO:HI:STEPS" : "NAME=LO:HI";
    const char *eq = strchr(spec, '=');
    char buf[256];
    if (!eq || eq == spec || strlen(eq + 1) >= sizeof buf)
        return ts_errf(err, "expected %s, got '%s'", want, spec);
    snprintf(name, name_len, "%.*s", (int)(eq - spec), spec);
    snprintf(buf, sizeof buf, "%s", eq + 1);
    char *parts[4] = {buf, NULL, NULL, NULL};
    size_t n = 1;
    for (char *p = buf; *p; p++)
        if (*p == ':') {
            if (n == 4)
                return ts_errf(err, "expected %s, got '%s'", want, spec);
            *p = '\0';
            parts[n++] = p + 1;
        }
    if (n != (steps ? 3u : 2u) || num_parse_double(parts[0], lo) < 0 ||
        num_parse_double(parts[1], hi) < 0)
        return ts_errf(err, "expected %s, got '%s'", want, spec);
    if (steps && (num_parse_uint64(parts[2], 1000, steps) < 0 || *steps < 2))
        return ts_errf(err, "expected %s with STEPS a whole number from 2 to 1000, got '%s'", want,
                       spec);
    if (!(*lo < *hi))
        return ts_errf(err, "expected %s with LO < HI, got '%s'", want, spec);
    return 0;
}

int sensrun_find_param(const scenario *s, const char *cmd, const char *opt, const char *name,
                       size_t *out, ts_err *err)
{
    size_t i = scenario_find_param(s, name);
    if (i == TS_NO_PARAM)
        return ts_errf(err, "%s: %s %s: unknown parameter (tiersim check %s --params lists "
                       "them)", cmd, opt, name, s->path);
    long p = sensrun_param_policy(s, i);
    if (p >= 0 && !s->policies[p].active)
        return ts_errf(err, "%s: %s %s: policy '%s' is off, so the parameter changes nothing "
                       "(add --policy %s)", cmd, opt, name, s->policies[p].name,
                       s->policies[p].name);
    *out = i;
    return 0;
}

/* Applies the ranges, then picks the factors: the --param names (and the
 * ranged ones), or every uncertain parameter.  factors[s->n_params]. */
int sensrun_pick_factors(scenario *s, const char *const *params, size_t n_params,
                         const char *const *ranges, size_t n_ranges, size_t *factors, size_t *d,
                         ts_err *err)
{
    unsigned char *chosen = calloc(s->n_params + 1, 1);
    if (!chosen)
        return ts_errf(err, "out of memory");
    int rc = 0;
    for (size_t k = 0; k < n_ranges && rc == 0; k++) {
        char name[256];
        double lo, hi;
        size_t i;
        ts_err e;
        sensrun_parse_spec(ranges[k], name, sizeof name, &lo, &hi, NULL, &e);
        if ((rc = sensrun_find_param(s, "sensitivity", "--range", name, &i, err)) < 0)
            break;
        if ((rc = sensrun_set_range(s, i, lo, hi, &e)) < 0)
            ts_errf(err, "sensitivity: --range %s: %s", ranges[k], e.msg);
        chosen[i] = 1;
    }
    for (size_t k = 0; k < n_params && rc == 0; k++) {
        size_t i;
        if ((rc = sensrun_find_param(s, "sensitivity", "--param", params[k], &i, err)) < 0)
            break;
        if (!dist_is_random(&s->params[i].value)) {
            char v[64];
            dist_format(&s->params[i].value, v, sizeof v);
            rc = ts_errf(err, "sensitivity: --param %s: fixed at %s in the scenario; give it a "
                         "range with --range %s=LO:HI", params[k], v, params[k]);
        }
        chosen[i] = 1;
    }
    if (rc == 0 && n_params == 0) {
        size_t n = sensrun_default_factors(s, factors);
        for (size_t k = 0; k < n; k++)
            chosen[factors[k]] = 1;
    }
    /* In the scenario's order, whatever the order on the command line. */
    *d = 0;
    for (size_t i = 0; i < s->n_params && rc == 0; i++)
        if (chosen[i])
            factors[(*d)++] = i;
    if (rc == 0 && *d == 0)
        rc = ts_errf(err, "sensitivity: %s has no uncertain parameters: give some a range with "
                     "--range NAME=LO:HI", s->path);
    free(chosen);
    return rc;
}

/* Progress across the batches of one evaluation: the runner reports each
 * batch from 0; the command sees one bar. */
typedef struct {
    const runner_opts *o;
    uint64_t offset, total;
} batch_progress;

static void on_batch_progress(void *ctx, uint64_t done, uint64_t total)
{
    const batch_progress *b = ctx;
    (void)total;
    b->o->progress(b->o->progress_ctx, b->offset + done, b->total);
}

/* A u of the design at point k. */
typedef struct {
    uint64_t bits;
    size_t k;
} u_at;

static int cmp_u_at(const void *a, const void *b)
{
    const u_at *x = a, *y = b;
    return (x->bits > y->bits) - (x->bits < y->bits);
}

/* rows[k * np + factors[i]] = the quantile of factor i at u[k * d + i], for
 * the n points of a batch.  A beta's quantile is a bisection of some 62 CDF
 * calls, which made up most of a Sobol analysis's time outside its
 * replications, one thread alone -- and a Saltelli design repeats every u of
 * its A and B matrices in d or 2 points.  So each factor's distinct values
 * (bit for bit) get one quantile each, over the threads, the same numbers
 * as one call a point.  `at` and `q` have room for n. */
static void design_quantiles(const scenario *s, const runner_opts *o, const size_t *factors,
                             size_t d, const double *u, size_t n, double *rows, size_t np,
                             u_at *at, double *q)
{
    const int nth = runner_threads(o);
    for (size_t i = 0; i < d; i++) {
        for (size_t k = 0; k < n; k++) {
            memcpy(&at[k].bits, &u[k * d + i], sizeof at[k].bits);
            at[k].k = k;
        }
        qsort(at, n, sizeof *at, cmp_u_at);
        /* q[g]: the g-th distinct value in sorted order, then its quantile. */
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            if (j == 0 || at[j].bits != at[j - 1].bits)
                memcpy(&q[m++], &at[j].bits, sizeof *q);
        const dist *dd = &s->params[factors[i]].value;
#pragma omp parallel for num_threads(nth) schedule(dynamic, 8)
        for (size_t g = 0; g < m; g++)
            q[g] = dist_quantile(dd, q[g]);
        for (size_t j = 0, g = 0; j < n; j++) {
            if (j > 0 && at[j].bits != at[j - 1].bits)
                g++;
            rows[at[j].k * np + factors[i]] = q[g];
        }
    }
}

/* Hash of point k's u without factor i's, and factor i. */
static uint64_t masked_hash(const double *u, size_t d, size_t k, size_t i)
{
    uint64_t h = rng_mix64((uint64_t)i + 1);
    for (size_t c = 0; c < d; c++)
        if (c != i) {
            uint64_t b;
            memcpy(&b, &u[k * d + c], sizeof b);
            h = rng_mix64(h ^ b);
        }
    return h;
}

/* Whether points k and m have the same u, bit for bit, but for factor i's. */
static int same_but(const double *u, size_t d, size_t k, size_t m, size_t i)
{
    for (size_t c = 0; c < d; c++)
        if (c != i && memcmp(&u[k * d + c], &u[m * d + c], sizeof *u) != 0)
            return 0;
    return 1;
}

/* Slots of design_refs's table at most (16 MiB of them). */
#define SENSRUN_REF_SLOTS ((size_t)1 << 21)

/* ref[k]: an earlier point of the n that differs from point k in one factor
 * at most (crn_eval_ref), or k.  A Saltelli design's AB_i differs from A in
 * factor i, a Morris step from the point before it in one factor.  Every
 * point's row goes into an open-addressing table once per factor, keyed by
 * the row without it.  Nothing when the table would be too large: then
 * every point draws all, the same results. */
static void design_refs(const double *u, size_t n, size_t d, size_t *ref)
{
    for (size_t k = 0; k < n; k++)
        ref[k] = k;
    size_t len = 16;
    while (len < 2 * n * d && len < SENSRUN_REF_SLOTS)
        len *= 2;
    size_t *tab = len >= 2 * n * d ? malloc(len * sizeof *tab) : NULL;
    if (!tab)
        return;
    for (size_t j = 0; j < len; j++)
        tab[j] = SIZE_MAX;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < d && ref[k] == k; i++)
            for (size_t j = masked_hash(u, d, k, i) & (len - 1); tab[j] != SIZE_MAX;
                 j = (j + 1) & (len - 1))
                if (tab[j] % d == i && same_but(u, d, k, tab[j] / d, i)) {
                    ref[k] = tab[j] / d;
                    break;
                }
        for (size_t i = 0; i < d; i++) {
            size_t j = masked_hash(u, d, k, i) & (len - 1);
            while (tab[j] != SIZE_MAX)
                j = (j + 1) & (len - 1);
            tab[j] = k * d + i;
        }
    }
    free(tab);
}

int sensrun_eval(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                 const double *u, size_t n_points, const double *base, uint64_t inner, double *y,
                 ts_err *err)
{
    /* Points go to the runner in batches, so that the parameter vectors
     * (n_params doubles a point) need bounded memory; every point runs
     * replications 0 .. inner-1 whatever its batch, so batching changes
     * nothing in the results. */
    size_t np = s->n_params, T = s->n_targets;
    size_t batch = n_points < SENSRUN_BATCH ? n_points : SENSRUN_BATCH;
    double *fixed = malloc((batch * np + 1) * sizeof *fixed);
    crn_point *pts = calloc(batch + 1, sizeof *pts);
    crn_result *res = calloc(batch + 1, sizeof *res);
    u_at *at = malloc((batch + 1) * sizeof *at);
    double *q = malloc((batch + 1) * sizeof *q);
    size_t *ref = malloc((batch + 1) * sizeof *ref);
    if (!fixed || !pts || !res || !at || !q || !ref) {
        free(fixed), free(pts), free(res), free(at), free(q), free(ref);
        return ts_errf(err, "out of memory");
    }
    batch_progress bp = {o, 0, (uint64_t)n_points * inner};
    runner_opts ob = *o;
    if (o->progress) {
        ob.progress = on_batch_progress;
        ob.progress_ctx = &bp;
    }
    int rc = 0;
    for (size_t first = 0; first < n_points && rc == 0; first += batch) {
        size_t n = n_points - first < batch ? n_points - first : batch;
        for (size_t k = 0; k < n; k++) {
            double *row = fixed + k * np;
            for (size_t p = 0; p < np; p++)
                row[p] = base ? base[p] : NAN;
            pts[k].fixed = row;
            pts[k].first_rep = 0;
        }
        design_quantiles(s, o, factors, d, u + first * d, n, fixed, np, at, q);
        design_refs(u + first * d, n, d, ref);
        bp.offset = (uint64_t)first * inner;
        if ((rc = crn_eval_ref(s, &ob, pts, ref, n, inner, res, err)) < 0)
            break;
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < T; j++) {
                double *yy = y + ((first + k) * T + j) * SENSRUN_OUTPUTS;
                yy[SENSRUN_MEAN] = res[k].mean[j];
                yy[SENSRUN_PMET] = (double)res[k].met[j] / (double)inner;
            }
        crn_results_free(res, n);
    }
    free(fixed), free(pts), free(res), free(at), free(q), free(ref);
    return rc;
}

/* A generator for the bootstrap, seeded afresh for each output so that an
 * output's intervals do not depend on how many outputs came before it. */
static gsl_rng *boot_rng(void)
{
    return gsl_rng_alloc(gsl_rng_mt19937);
}

/* Column (j, o) of y, for the estimators that take one output at a time. */
static void output_column(const double *y, size_t n_points, size_t T, size_t jo, double *col)
{
    for (size_t pt = 0; pt < n_points; pt++)
        col[pt] = y[pt * T * SENSRUN_OUTPUTS + jo];
}

/* -------------------------------------------------------------- tornado */

void sensrun_tornado_free(sensrun_tornado_result *r)
{
    if (!r)
        return;
    free(r->low), free(r->high), free(r->base), free(r->out_low), free(r->out_high);
    memset(r, 0, sizeof *r);
}

int sensrun_run_pmet(const scenario *s, const runner_opts *o, uint64_t reps, double *p,
                     ts_err *err)
{
    crn_point pt = {NULL, 0};
    crn_result r;
    if (crn_eval(s, o, &pt, 1, reps, &r, err) < 0)
        return -1;
    for (size_t j = 0; j < s->n_targets; j++)
        p[j] = (double)r.met[j] / (double)reps;
    crn_results_free(&r, 1);
    return 0;
}

/* P(met) with one factor at a time at its 5th and at its 95th percentile and
 * every other parameter drawn as in a run: points 2i (low) and 2i + 1
 * (high) of factor i, then the run itself (every parameter drawn). */
static int tornado_drawn(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                         uint64_t inner, sensrun_tornado_result *out, ts_err *err)
{
    size_t T = s->n_targets, np = s->n_params, n_points = 2 * d + 1;
    double *fixed = malloc((n_points * np + 1) * sizeof *fixed);
    crn_point *pts = calloc(n_points + 1, sizeof *pts);
    crn_result *res = calloc(n_points + 1, sizeof *res);
    size_t *ref = malloc((n_points + 1) * sizeof *ref);
    int rc = 0;
    if (!fixed || !pts || !res || !ref)
        rc = ts_errf(err, "out of memory");
    for (size_t pt = 0; pt < n_points && rc == 0; pt++) {
        double *row = fixed + pt * np;
        for (size_t p = 0; p < np; p++)
            row[p] = NAN;
        if (pt < 2 * d)
            row[factors[pt / 2]] = pt % 2 ? out->high[pt / 2] : out->low[pt / 2];
        pts[pt].fixed = row;
        pts[pt].first_rep = 0;
        /* one factor fixed: the others' tiers are the all-drawn point's */
        ref[pt] = 2 * d;
    }
    if (rc == 0)
        rc = crn_eval_ref(s, o, pts, ref, n_points, inner, res, err);
    if (rc == 0) {
        for (size_t j = 0; j < T; j++) {
            size_t jo = j * SENSRUN_OUTPUTS + SENSRUN_PMET;
            out->base[jo] = (double)res[2 * d].met[j] / (double)inner;
            for (size_t i = 0; i < d; i++) {
                out->out_low[jo * d + i] = (double)res[2 * i].met[j] / (double)inner;
                out->out_high[jo * d + i] = (double)res[2 * i + 1].met[j] / (double)inner;
            }
        }
        crn_results_free(res, n_points);
    }
    free(fixed), free(pts), free(res), free(ref);
    return rc;
}

int sensrun_tornado(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                    uint64_t inner, sensrun_tornado_result *out, ts_err *err)
{
    size_t T = s->n_targets, np = s->n_params, K = T * SENSRUN_OUTPUTS, n_points = 1 + 2 * d;
    memset(out, 0, sizeof *out);
    out->d = d;
    out->n_targets = T;
    out->low = malloc((d + 1) * sizeof *out->low);
    out->high = malloc((d + 1) * sizeof *out->high);
    out->base = malloc((K + 1) * sizeof *out->base);
    out->out_low = malloc((K * d + 1) * sizeof *out->out_low);
    out->out_high = malloc((K * d + 1) * sizeof *out->out_high);
    double *medians = malloc((np + 1) * sizeof *medians);
    double *u = malloc((n_points * d + 1) * sizeof *u);
    double *y = malloc((n_points * K + 1) * sizeof *y);
    int rc = 0;
    if (!out->low || !out->high || !out->base || !out->out_low || !out->out_high || !medians ||
        !u || !y)
        rc = ts_errf(err, "out of memory");
    if (rc == 0) {
        for (size_t p = 0; p < np; p++)
            medians[p] = dist_quantile(&s->params[p].value, 0.5);
        for (size_t pt = 0; pt < n_points; pt++)
            for (size_t i = 0; i < d; i++)
                u[pt * d + i] = 0.5;
        for (size_t i = 0; i < d; i++) {
            u[(1 + 2 * i) * d + i] = SENSRUN_TORNADO_LO;
            u[(2 + 2 * i) * d + i] = SENSRUN_TORNADO_HI;
            out->low[i] = dist_quantile(&s->params[factors[i]].value, SENSRUN_TORNADO_LO);
            out->high[i] = dist_quantile(&s->params[factors[i]].value, SENSRUN_TORNADO_HI);
        }
        rc = sensrun_eval(s, o, factors, d, u, n_points, medians, inner, y, err);
    }
    if (rc == 0)
        for (size_t jo = 0; jo < K; jo++) {
            out->base[jo] = y[jo];
            for (size_t i = 0; i < d; i++) {
                out->out_low[jo * d + i] = y[(1 + 2 * i) * K + jo];
                out->out_high[jo * d + i] = y[(2 + 2 * i) * K + jo];
            }
        }
    /* P(met) at every other parameter's median is nearly always 0 or 1 (a
     * typical future meets a target or it does not): its bars are P(met)
     * with the other parameters drawn, from the run's P(met). */
    if (rc == 0)
        rc = tornado_drawn(s, o, factors, d, inner, out, err);
    free(medians), free(u), free(y);
    if (rc < 0)
        sensrun_tornado_free(out);
    return rc;
}

/* ---------------------------------------------------------------- Sobol */

void sensrun_sobol_free(sensrun_sobol_result *r)
{
    if (!r)
        return;
    free(r->s1), free(r->st), free(r->mean), free(r->sd);
    memset(r, 0, sizeof *r);
}

/* The indices and bootstrap intervals of every output column: one
 * bootstrap from SENS_BOOT_SEED for all of them (each column used to draw
 * the same resamples again from the same seed), its resamples over the
 * threads. */
static int sobol_columns(const double *y, size_t n_points, size_t T, size_t n, size_t d,
                         int nth, sensrun_sobol_result *out, ts_err *err)
{
    const size_t K = T * SENSRUN_OUTPUTS;
    double *col = malloc((n_points + 1) * sizeof *col);
    gsl_rng *r = boot_rng();
    int rc = 0;
    if (!col || !r) {
        rc = ts_errf(err, "out of memory");
    } else {
        for (size_t jo = 0; jo < K; jo++) {
            output_column(y, n_points, T, jo, col);
            out->mean[jo] = gsl_stats_mean(col, 1, 2 * n);
            out->sd[jo] = gsl_stats_sd_m(col, 1, 2 * n, out->mean[jo]);
        }
        gsl_rng_set(r, SENS_BOOT_SEED);
        rc = sens_sobol(r, y, n, d, K, SENS_BOOT, nth, out->s1, out->st, err);
    }
    free(col);
    gsl_rng_free(r);
    return rc;
}

int sensrun_sobol(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                  size_t n, uint64_t inner, sensrun_sobol_result *out, ts_err *err)
{
    size_t T = s->n_targets, K = T * SENSRUN_OUTPUTS, n_points = n * (d + 2);
    memset(out, 0, sizeof *out);
    out->d = d;
    out->n_targets = T;
    out->n = n;
    out->s1 = malloc((K * d + 1) * sizeof *out->s1);
    out->st = malloc((K * d + 1) * sizeof *out->st);
    out->mean = malloc((K + 1) * sizeof *out->mean);
    out->sd = malloc((K + 1) * sizeof *out->sd);
    double *x = malloc((n_points * d + 1) * sizeof *x);
    double *y = malloc((n_points * K + 1) * sizeof *y);
    int rc = 0;
    if (!out->s1 || !out->st || !out->mean || !out->sd || !x || !y)
        rc = ts_errf(err, "out of memory");
    if (rc == 0)
        rc = sens_saltelli_design(n, d, x, &out->design, err);
    if (rc == 0)
        rc = sensrun_eval(s, o, factors, d, x, n_points, NULL, inner, y, err);
    if (rc == 0)
        rc = sobol_columns(y, n_points, T, n, d, runner_threads(o), out, err);
    free(x), free(y);
    if (rc < 0)
        sensrun_sobol_free(out);
    return rc;
}

void sensrun_sobol_check(const sensrun_sobol_result *r, const double *p_run, uint64_t run_reps,
                         sensrun_sobol_findings *out)
{
    memset(out, 0, sizeof *out);
    size_t T = r->n_targets, d = r->d;
    for (size_t jo = 0; jo < T * SENSRUN_OUTPUTS; jo++)
        for (size_t i = 0; i < d; i++)
            for (int k = 0; k < 2; k++) {
                const sens_ci *c = k ? &r->st[jo * d + i] : &r->s1[jo * d + i];
                double hw = (c->hi - c->lo) / 2;
                if (isfinite(hw) && hw > out->half_width) {
                    out->half_width = hw;
                    out->hw_target = jo / SENSRUN_OUTPUTS;
                    out->hw_output = jo % SENSRUN_OUTPUTS;
                    out->hw_factor = i;
                    out->hw_st = k;
                }
            }
    for (size_t j = 0; j < T; j++) {
        size_t jo = j * SENSRUN_OUTPUTS + SENSRUN_PMET;
        double sd = r->sd[jo], m = r->mean[jo], p = p_run[j];
        double se = sqrt(sd * sd / (2.0 * (double)r->n) + p * (1 - p) / (double)run_reps);
        if (!(sd > 0) || !(se > 0) || !isfinite(m))
            continue;
        double z = fabs(m - p) / se;
        out->n_far += z > SENSRUN_SOBOL_MAX_Z;
        if (z > out->z) {
            out->z = z;
            out->z_target = j;
        }
    }
}

/* --------------------------------------------------------------- Morris */

void sensrun_morris_free(sensrun_morris_result *r)
{
    if (!r)
        return;
    free(r->mu_star), free(r->mu_star_ci), free(r->sigma), free(r->mu);
    memset(r, 0, sizeof *r);
}

int sensrun_morris(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                   size_t n_traj, uint64_t inner, sensrun_morris_result *out, ts_err *err)
{
    size_t T = s->n_targets, K = T * SENSRUN_OUTPUTS, n_points = n_traj * (d + 1);
    memset(out, 0, sizeof *out);
    out->d = d;
    out->n_targets = T;
    out->n_traj = n_traj;
    out->mu_star = malloc((K * d + 1) * sizeof *out->mu_star);
    out->mu_star_ci = malloc((K * d + 1) * sizeof *out->mu_star_ci);
    out->sigma = malloc((K * d + 1) * sizeof *out->sigma);
    out->mu = malloc((K * d + 1) * sizeof *out->mu);
    double *x = calloc(n_points * d + 1, sizeof *x);
    double *y = malloc((n_points * K + 1) * sizeof *y);
    double *col = malloc((n_points + 1) * sizeof *col);
    gsl_rng *r = boot_rng();
    int rc = 0;
    if (!out->mu_star || !out->mu_star_ci || !out->sigma || !out->mu || !x || !y || !col || !r)
        rc = ts_errf(err, "out of memory");
    if (rc == 0) {
        /* The trajectories follow the run's seed (a 32-bit digest of it:
         * mt19937 takes 32 bits), so -s changes them as it changes the
         * replications. */
        gsl_rng_set(r, (unsigned long)(rng_mix64(o->seed ^ 0x6d6f72726973ULL) & 0xffffffffUL));
        sens_morris_design(r, n_traj, d, x);
        rc = sensrun_eval(s, o, factors, d, x, n_points, NULL, inner, y, err);
    }
    for (size_t jo = 0; jo < K && rc == 0; jo++) {
        output_column(y, n_points, T, jo, col);
        gsl_rng_set(r, SENS_BOOT_SEED);
        rc = sens_morris(r, x, col, n_traj, d, SENS_BOOT, out->mu_star + jo * d,
                         out->mu_star_ci + jo * d, out->sigma + jo * d, out->mu + jo * d, err);
    }
    free(x), free(y), free(col);
    gsl_rng_free(r);
    if (rc < 0)
        sensrun_morris_free(out);
    return rc;
}

/* --------------------------------------------------------------- filter */

void sensrun_filter_free(sensrun_filter_result *r)
{
    if (!r)
        return;
    free(r->ks), free(r->p_value), free(r->median_met), free(r->median_missed);
    free(r->n_met), free(r->x), free(r->met);
    memset(r, 0, sizeof *r);
}

int sensrun_filter(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                   uint64_t reps, sensrun_filter_result *out, ts_err *err)
{
    size_t T = s->n_targets, np = s->n_params, n = (size_t)reps;
    memset(out, 0, sizeof *out);
    out->d = d;
    out->n_targets = T;
    out->reps = reps;
    out->ks = malloc((T * d + 1) * sizeof *out->ks);
    out->p_value = malloc((T * d + 1) * sizeof *out->p_value);
    out->median_met = malloc((T * d + 1) * sizeof *out->median_met);
    out->median_missed = malloc((T * d + 1) * sizeof *out->median_missed);
    out->n_met = calloc(T + 1, sizeof *out->n_met);
    out->x = malloc((n * d + 1) * sizeof *out->x);
    out->met = malloc(n * T + 1);
    double *theta = malloc((n * np + 1) * sizeof *theta);
    int64_t *value = malloc((n * T + 1) * sizeof *value);
    unsigned char *metj = malloc(n + 1);
    int rc = 0;
    if (!out->ks || !out->p_value || !out->median_met || !out->median_missed || !out->n_met ||
        !out->x || !out->met || !theta || !value || !metj)
        rc = ts_errf(err, "out of memory");
    if (rc == 0)
        rc = crn_records(s, o, reps, theta, value, err);
    if (rc == 0)
        for (size_t r = 0; r < n; r++) {
            for (size_t i = 0; i < d; i++)
                out->x[r * d + i] = theta[r * np + factors[i]];
            for (size_t j = 0; j < T; j++)
                out->met[r * T + j] = (unsigned char)(value[r * T + j] >= s->targets[j].threshold);
        }
    for (size_t j = 0; j < T && rc == 0; j++) {
        for (size_t r = 0; r < n; r++) {
            metj[r] = out->met[r * T + j];
            out->n_met[j] += metj[r];
        }
        rc = sens_filter(out->x, metj, n, d, out->ks + j * d, out->p_value + j * d,
                         out->median_met + j * d, out->median_missed + j * d, err);
    }
    free(theta), free(value), free(metj);
    if (rc < 0)
        sensrun_filter_free(out);
    return rc;
}

/* -------------------------------------------------------- variance split */

void sensrun_split_free(sensrun_split_result *r)
{
    if (!r)
        return;
    free(r->split);
    memset(r, 0, sizeof *r);
}

int sensrun_split(const scenario *s, const runner_opts *o, const size_t *factors, size_t d,
                  uint64_t outer, uint64_t inner, sensrun_split_result *out, ts_err *err)
{
    size_t T = s->n_targets, np = s->n_params, M = (size_t)outer;
    memset(out, 0, sizeof *out);
    out->n_targets = T;
    out->outer = outer;
    out->inner = inner;
    for (size_t i = 0; i < d; i++)
        out->params_vary |= dist_is_random(&s->params[factors[i]].value);
    out->split = calloc(T * SENSRUN_OUTPUTS + 1, sizeof *out->split);
    double *fixed = malloc((M * np + 1) * sizeof *fixed);
    double *theta = malloc((np + 1) * sizeof *theta);
    crn_point *pts = calloc(M + 1, sizeof *pts);
    crn_result *res = calloc(M + 1, sizeof *res);
    double *mean = malloc((M + 1) * sizeof *mean), *var = malloc((M + 1) * sizeof *var);
    gsl_rng *rp = gsl_rng_alloc(o->samplers == ENGINE_GSL ? gsl_rng_mt19937 : rng_xoshiro256pp);
    gsl_rng *rb = boot_rng();
    int rc = 0;
    if (!out->split || !fixed || !theta || !pts || !res || !mean || !var || !rp || !rb)
        rc = ts_errf(err, "out of memory");
    if (rc == 0 && (outer < 2 || inner < 2))
        rc = ts_errf(err, "variance split: needs at least 2 outer points and 2 inner "
                     "replications each");
    /* Outer point m takes the factors drawn by its first inner replication
     * (replication m * inner, its parameter stream): the draw that an
     * ordinary replication would make.
     *
     * The inner replications are NOT common across outer points: point m
     * runs replications m * inner .. (m + 1) * inner - 1.  The law of total
     * variance needs the chance part of each inner mean to be independent
     * between points: B - W / inner estimates Var(E[Y | theta]) only because
     * E[B] = Var(E[Y | theta]) + E[Var(Y | theta)] / inner.  With common
     * random numbers every point would carry the same chance error, which
     * cancels out of B, so subtracting W / inner would remove chance variance
     * that B never held and the parameter part would come out too small
     * (negative, clipped to 0, for parameters of small effect). */
    for (size_t m = 0; m < M && rc == 0; m++) {
        double *row = fixed + m * np;
        rng_seed_rep(rp, o->seed, (uint64_t)m * inner, RNG_PARAMS);
        engine_draw(s, rp, theta);
        for (size_t p = 0; p < np; p++)
            row[p] = NAN;
        for (size_t i = 0; i < d; i++)
            row[factors[i]] = theta[factors[i]];
        pts[m].fixed = row;
        pts[m].first_rep = (uint64_t)m * inner;
    }
    if (rc == 0)
        rc = crn_eval(s, o, pts, M, inner, res, err);
    for (size_t j = 0; j < T && rc == 0; j++) {
        for (size_t oo = 0; oo < SENSRUN_OUTPUTS && rc == 0; oo++) {
            for (size_t m = 0; m < M; m++) {
                if (oo == SENSRUN_MEAN) {
                    mean[m] = res[m].mean[j];
                    var[m] = res[m].var[j];
                } else {
                    /* The indicator's inner mean and sample variance. */
                    double k = (double)res[m].met[j], nn = (double)inner;
                    mean[m] = k / nn;
                    var[m] = k * (nn - k) / (nn * (nn - 1.0));
                }
            }
            gsl_rng_set(rb, SENS_BOOT_SEED);
            rc = sens_var_split(rb, mean, var, M, (size_t)inner, out->params_vary, SENS_BOOT,
                                &out->split[j * SENSRUN_OUTPUTS + oo], err);
        }
    }
    if (rc == 0)
        crn_results_free(res, M);
    free(fixed), free(theta), free(pts), free(res), free(mean), free(var);
    gsl_rng_free(rp);
    gsl_rng_free(rb);
    if (rc < 0)
        sensrun_split_free(out);
    return rc;
}

/* ---------------------------------------------------------------- sweep */

void sensrun_sweep_free(sensrun_sweep_result *r)
{
    if (!r)
        return;
    free(r->values), free(r->met), free(r->mean);
    memset(r, 0, sizeof *r);
}

int sensrun_sweep(const scenario *s, const runner_opts *o, const size_t *params, const double *lo,
                  const double *hi, const size_t *steps, size_t n_dims, uint64_t reps,
                  sensrun_sweep_result *out, ts_err *err)
{
    size_t T = s->n_targets, np = s->n_params;
    memset(out, 0, sizeof *out);
    if (n_dims < 1 || n_dims > SENSRUN_SWEEP_MAX_DIMS)
        return ts_errf(err, "sweep: 1 or 2 parameters, got %zu", n_dims);
    size_t n_points = 1;
    for (size_t k = 0; k < n_dims; k++) {
        if (steps[k] < 2)
            return ts_errf(err, "sweep: %s: at least 2 steps", s->params[params[k]].name);
        if (sensrun_check_value(s, params[k], lo[k], err) < 0 ||
            sensrun_check_value(s, params[k], hi[k], err) < 0)
            return -1;
        n_points *= steps[k];
    }
    out->n_dims = n_dims;
    out->n_points = n_points;
    out->n_targets = T;
    out->reps = reps;
    out->values = malloc((n_points * n_dims + 1) * sizeof *out->values);
    out->met = malloc((n_points * T + 1) * sizeof *out->met);
    out->mean = malloc((n_points * T + 1) * sizeof *out->mean);
    double *fixed = malloc((n_points * np + 1) * sizeof *fixed);
    crn_point *pts = calloc(n_points + 1, sizeof *pts);
    crn_result *res = calloc(n_points + 1, sizeof *res);
    size_t *ref = malloc((n_points + 1) * sizeof *ref);
    int rc = 0;
    if (!out->values || !out->met || !out->mean || !fixed || !pts || !res || !ref)
        rc = ts_errf(err, "out of memory");
    for (size_t pt = 0; pt < n_points && rc == 0; pt++) {
        double *row = fixed + pt * np;
        for (size_t p = 0; p < np; p++)
            row[p] = NAN;
        size_t rest = pt;
        for (size_t k = n_dims; k-- > 0;) {
            size_t step = rest % steps[k];
            rest /= steps[k];
            /* The last value is hi exactly, not lo + (hi - lo) * 1 rounded. */
            double v = step + 1 == steps[k]
                           ? hi[k]
                           : lo[k] + (hi[k] - lo[k]) * (double)step / (double)(steps[k] - 1);
            out->values[pt * n_dims + k] = v;
            row[params[k]] = v;
        }
        pts[pt].fixed = row;
        pts[pt].first_rep = 0;
        /* The first dimension varies slowest: the point at its first value
         * differs from this one in that parameter alone. */
        ref[pt] = pt % (n_points / steps[0]);
    }
    if (rc == 0)
        rc = crn_eval_ref(s, o, pts, ref, n_points, reps, res, err);
    for (size_t pt = 0; pt < n_points && rc == 0; pt++)
        for (size_t j = 0; j < T; j++) {
            out->met[pt * T + j] = res[pt].met[j];
            out->mean[pt * T + j] = res[pt].mean[j];
        }
    if (rc == 0)
        crn_results_free(res, n_points);
    free(fixed), free(pts), free(res), free(ref);
    if (rc < 0)
        sensrun_sweep_free(out);
    return rc;
}
