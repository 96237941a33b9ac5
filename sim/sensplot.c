/* sensplot.c -- charts of sensitivity and sweep outputs (see sensplot.h). */
#include "sensplot.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "outdir.h"
#include "plot.h"

#define PATH_LEN 4096
#define NAME_LEN 64

/* ------------------------------------------------------------ the context */

typedef struct {
    char name[NAME_LEN];
    char kind[16];
    char caption[512];
} chart;

typedef struct {
    const char *dir, *plots;
    char work[PATH_LEN];
    int have_work;
    chart *charts;
    size_t n_charts, cap;
    csvt *tiers;                /* tiers.csv when DIR has one */
} ctx;

static int add_chart(ctx *c, const char *kind, const char *name, const char *caption,
                     ts_err *err)
{
    if (c->n_charts == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        chart *ch = realloc(c->charts, cap * sizeof *ch);
        if (!ch)
            return ts_errf(err, "out of memory");
        c->charts = ch;
        c->cap = cap;
    }
    chart *ch = &c->charts[c->n_charts++];
    snprintf(ch->name, sizeof ch->name, "%s", name);
    snprintf(ch->kind, sizeof ch->kind, "%s", kind);
    snprintf(ch->caption, sizeof ch->caption, "%s", caption);
    return 0;
}

static int exists(const char *dir, const char *name)
{
    char path[PATH_LEN];
    return snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path &&
           access(path, F_OK) == 0;
}

static csvt *read_csv(const ctx *c, const char *name, ts_err *err)
{
    char path[PATH_LEN];
    if (snprintf(path, sizeof path, "%s/%s", c->dir, name) >= (int)sizeof path) {
        ts_errf(err, "%s/%s: path too long", c->dir, name);
        return NULL;
    }
    return csvt_read(path, err);
}

/* A file in the work directory, opened for writing; printf-style name. */
static FILE *work_open(const ctx *c, ts_err *err, const char *fmt, ...) TS_PRINTF(3, 4);
static FILE *work_open(const ctx *c, ts_err *err, const char *fmt, ...)
{
    char name[NAME_LEN * 2], path[PATH_LEN + NAME_LEN * 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    snprintf(path, sizeof path, "%s/%s", c->work, name);
    FILE *f = fopen(path, "w");
    if (!f)
        ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    return f;
}

static int work_close(FILE *f, ts_err *err)
{
    if (!f)
        return 0;
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ts_errf(err, "plot: a chart data file: write failed: %s", strerror(errno));
    return 0;
}

static void tsv_num(FILE *f, double v, int last)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("NaN", f);
    fputc(last ? '\n' : '\t', f);
}

static void meta_str_at(FILE *f, const char *var, size_t i, const char *s)
{
    fprintf(f, "%s[%zu] = ", var, i + 1);
    plot_quote(f, s);
    fputc('\n', f);
}

static void meta_num_at(FILE *f, const char *var, size_t i, double v)
{
    if (isfinite(v))
        fprintf(f, "%s[%zu] = %.17g\n", var, i + 1, v);
    else
        fprintf(f, "%s[%zu] = NaN\n", var, i + 1);
}

/* Parameter names go into .tsv files as ytic labels: dotted identifiers and
 * "->" only, never a tab, quote or newline. */
static int safe_param(const char *s)
{
    if (!*s || strlen(s) >= 200)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == '-' || *s == '>'))
            return 0;
    return 1;
}

/* A target's name as part of a file name: TIER or TIER:MEASURE -> TIER_MEASURE. */
static int file_name(const char *target, char *buf, size_t len)
{
    size_t n = strlen(target);
    if (n == 0 || n >= len || n >= 48)
        return -1;
    for (size_t i = 0; i <= n; i++) {
        char ch = target[i];
        if (ch == ':')
            ch = '_';
        else if (ch && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                         (ch >= '0' && ch <= '9') || ch == '_'))
            return -1;
        buf[i] = ch;
    }
    return 0;
}

/* "TIER -- label" from tiers.csv, or the name alone. */
static void target_label(const ctx *c, const char *target, char *buf, size_t len)
{
    snprintf(buf, len, "%s", target);
    if (!c->tiers)
        return;
    long ct = csvt_col(c->tiers, "tier", NULL), cl = csvt_col(c->tiers, "label", NULL);
    if (ct < 0 || cl < 0)
        return;
    size_t tl = strcspn(target, ":");
    for (size_t i = 0; i < csvt_rows(c->tiers); i++) {
        const char *name = csvt_field(c->tiers, i, ct), *label = csvt_field(c->tiers, i, cl);
        if (strlen(name) == tl && !strncmp(name, target, tl) && label[0] && strcmp(label, name)) {
            snprintf(buf, len, "%s \xe2\x80\x94 %s", target, label);
            return;
        }
    }
}

/* The targets of a table, in order of first appearance. */
typedef struct {
    char **name;
    size_t n;
} target_list;

static void targets_free(target_list *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->name[i]);
    free(t->name);
    memset(t, 0, sizeof *t);
}

static int targets_collect(const csvt *t, long col, target_list *out, ts_err *err)
{
    memset(out, 0, sizeof *out);
    out->name = calloc(csvt_rows(t) + 1, sizeof *out->name);
    if (!out->name)
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < csvt_rows(t); i++) {
        const char *s = csvt_field(t, i, col);
        int seen = 0;
        for (size_t k = 0; k < out->n && !seen; k++)
            seen = !strcmp(out->name[k], s);
        if (seen)
            continue;
        char fn[NAME_LEN];
        if (file_name(s, fn, sizeof fn) < 0) {
            ts_errf(err, "%s:%d: bad target name '%s'", csvt_path(t), csvt_line(t, i), s);
            return PLOT_EINPUT;
        }
        size_t n = strlen(s) + 1;
        if (!(out->name[out->n] = malloc(n)))
            return ts_errf(err, "out of memory");
        memcpy(out->name[out->n++], s, n);
    }
    return 0;
}

/* Columns by name; PLOT_EINPUT with err naming the missing one. */
static int columns(const csvt *t, const char *const *names, long *cols, size_t n, ts_err *err)
{
    for (size_t i = 0; i < n; i++)
        if ((cols[i] = csvt_col(t, names[i], err)) < 0)
            return PLOT_EINPUT;
    return 0;
}

/* The meta lines every per-target script shares: nt, tname[], tlabel[]. */
static void meta_targets(const ctx *c, FILE *m, const target_list *tl)
{
    fprintf(m, "nt = %zu\narray tname[%zu]\narray tlabel[%zu]\n", tl->n, tl->n ? tl->n : 1,
            tl->n ? tl->n : 1);
    for (size_t j = 0; j < tl->n; j++) {
        char fn[NAME_LEN], label[1024];
        file_name(tl->name[j], fn, sizeof fn);
        target_label(c, tl->name[j], label, sizeof label);
        meta_str_at(m, "tname", j, fn);
        meta_str_at(m, "tlabel", j, label);
    }
}

static int run_script(ctx *c, const char *kind, ts_err *err)
{
    char script[32], setup[64];
    snprintf(script, sizeof script, "%s.gp", kind);
    snprintf(setup, sizeof setup, "meta='%s.meta'", kind);
    return plot_gnuplot(c->plots, script, c->work, setup, err);
}

/* ------------------------------------- tornado, sobol, morris: two panels */

static const char *const outputs[2] = {"mean", "p_met"};

/* Writes KIND_J_OUTPUT.tsv for each target and output: the first
 * SENSPLOT_TOP rows (the CSV is sorted by importance) whose first `need`
 * columns are all finite (and, with skip_equal, whose first two differ), as
 * "-k v1 v2 ... parameter", and their counts into the meta array n_OUTPUT[]. */
static int panels(ctx *c, const csvt *t, const target_list *tl, const char *kind, FILE *m,
                  const long *vcols, size_t nv, size_t need, int skip_equal, ts_err *err)
{
    long cols[3];
    static const char *const key[3] = {"target", "output", "parameter"};
    int rc = columns(t, key, cols, 3, err);
    if (rc < 0)
        return rc;
    for (size_t o = 0; o < 2; o++)
        fprintf(m, "array n_%s[%zu]\n", outputs[o], tl->n ? tl->n : 1);
    for (size_t j = 0; j < tl->n; j++)
        for (size_t o = 0; o < 2; o++) {
            FILE *f = work_open(c, err, "%s_%zu_%s.tsv", kind, j + 1, outputs[o]);
            if (!f)
                return -1;
            size_t k = 0;
            for (size_t i = 0; i < csvt_rows(t) && k < SENSPLOT_TOP; i++) {
                if (strcmp(csvt_field(t, i, cols[0]), tl->name[j]) ||
                    strcmp(csvt_field(t, i, cols[1]), outputs[o]))
                    continue;
                const char *p = csvt_field(t, i, cols[2]);
                if (!safe_param(p)) {
                    work_close(f, NULL);
                    ts_errf(err, "%s:%d: bad parameter name '%s'", csvt_path(t), csvt_line(t, i), p);
                    return PLOT_EINPUT;
                }
                double v[8];
                int ok = 1;
                for (size_t q = 0; q < nv; q++) {
                    if (csvt_num(t, i, vcols[q], 1, &v[q], err) < 0) {
                        work_close(f, NULL);
                        return PLOT_EINPUT;
                    }
                    ok &= q >= need || isfinite(v[q]);
                }
                /* a tornado bar of no width says nothing: left out */
                if (!ok || (skip_equal && v[0] == v[1]))
                    continue;
                k++;
                fprintf(f, "%d\t", -(int)k);
                for (size_t q = 0; q < nv; q++)
                    tsv_num(f, v[q], 0);
                fprintf(f, "%s\n", p);
            }
            if (k == 0) /* gnuplot refuses an empty file: one row it will not draw */
                fprintf(f, "1\tNaN\n");
            if (work_close(f, err) < 0)
                return -1;
            fprintf(m, "n_%s[%zu] = %zu\n", outputs[o], j + 1, k);
        }
    return 0;
}

typedef struct {
    const char *kind, *csv;
    const char *cols[6];
    size_t n_cols, need;
    const char *caption;
} panel_kind;

static const panel_kind panel_kinds[] = {
    {"tornado", "tornado.csv", {"output_low", "output_high"}, 2, 2,
     "each parameter from its 5th to its 95th percentile, the others at their medians"},
    {"sobol", "sobol.csv", {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"}, 6, 4,
     "first-order (S1) and total (ST) Sobol indices with 95 % bootstrap intervals"},
    {"morris", "morris.csv", {"mu_star", "sigma", "mu_star_ci"}, 3, 2,
     "Morris screening: mean |elementary effect| (mu*) against its spread (sigma)"},
};

static int draw_panels(ctx *c, const panel_kind *pk, ts_err *err)
{
    csvt *t = read_csv(c, pk->csv, err), *base = NULL;
    if (!t)
        return PLOT_EINPUT;
    target_list tl = {NULL, 0};
    FILE *m = NULL;
    long vcols[6], tc = csvt_col(t, "target", err);
    int rc = tc < 0 ? PLOT_EINPUT : columns(t, pk->cols, vcols, pk->n_cols, err);
    if (rc == 0)
        rc = targets_collect(t, tc, &tl, err);
    if (rc == 0 && !(m = work_open(c, err, "%s.meta", pk->kind)))
        rc = -1;
    if (rc == 0) {
        meta_targets(c, m, &tl);
        rc = panels(c, t, &tl, pk->kind, m, vcols, pk->n_cols, pk->need,
                    !strcmp(pk->kind, "tornado"), err);
    }
    /* The tornado's bars start at the value with every parameter at its median. */
    if (rc == 0 && !strcmp(pk->kind, "tornado")) {
        if (!(base = read_csv(c, "tornado_base.csv", err)))
            rc = PLOT_EINPUT;
        long bc[3];
        static const char *const bn[3] = {"target", "output", "value"};
        if (rc == 0)
            rc = columns(base, bn, bc, 3, err);
        for (size_t o = 0; o < 2 && rc == 0; o++) {
            fprintf(m, "array base_%s[%zu]\n", outputs[o], tl.n ? tl.n : 1);
            for (size_t j = 0; j < tl.n && rc == 0; j++) {
                double v = NAN;
                for (size_t i = 0; i < csvt_rows(base) && rc == 0; i++)
                    if (!strcmp(csvt_field(base, i, bc[0]), tl.name[j]) &&
                        !strcmp(csvt_field(base, i, bc[1]), outputs[o]) &&
                        csvt_num(base, i, bc[2], 1, &v, err) < 0)
                        rc = PLOT_EINPUT;
                meta_num_at(m, outputs[o][0] == 'm' ? "base_mean" : "base_p_met", j, v);
            }
        }
    }
    if (work_close(m, rc == 0 ? err : NULL) < 0 && rc == 0)
        rc = -1;
    if (rc == 0)
        rc = run_script(c, pk->kind, err);
    for (size_t j = 0; j < tl.n && rc == 0; j++) {
        char fn[NAME_LEN], name[NAME_LEN * 2], label[1024], caption[1600];
        file_name(tl.name[j], fn, sizeof fn);
        snprintf(name, sizeof name, "%s_%s", pk->kind, fn);
        target_label(c, tl.name[j], label, sizeof label);
        snprintf(caption, sizeof caption, "%s: %s", label, pk->caption);
        rc = add_chart(c, pk->kind, name, caption, err);
    }
    targets_free(&tl);
    csvt_free(t);
    csvt_free(base);
    return rc;
}

/* ----------------------------------------------------------------- filter */

#define FILTER_TOP 4

static int draw_filter(ctx *c, ts_err *err)
{
    csvt *t = read_csv(c, "filter.csv", err), *cdf = NULL;
    if (!t)
        return PLOT_EINPUT;
    target_list tl = {NULL, 0};
    FILE *m = NULL;
    long fc[3], cc[5];
    static const char *const fn_[3] = {"target", "parameter", "ks"};
    static const char *const cn[5] = {"target", "parameter", "group", "quantile", "value"};
    int rc = columns(t, fn_, fc, 3, err);
    if (rc == 0 && !(cdf = read_csv(c, "filter_cdf.csv", err)))
        rc = PLOT_EINPUT;
    if (rc == 0)
        rc = columns(cdf, cn, cc, 5, err);
    if (rc == 0)
        rc = targets_collect(t, fc[0], &tl, err);
    if (rc == 0 && !(m = work_open(c, err, "filter.meta")))
        rc = -1;
    size_t *np = calloc(tl.n + 1, sizeof *np);
    if (rc == 0 && !np)
        rc = ts_errf(err, "out of memory");
    if (rc == 0) {
        meta_targets(c, m, &tl);
        size_t cells = (tl.n ? tl.n : 1) * FILTER_TOP;
        fprintf(m, "array np[%zu]\narray pname[%zu]\narray ks[%zu]\n", tl.n ? tl.n : 1, cells,
                cells);
    }
    for (size_t j = 0; j < tl.n && rc == 0; j++) {
        /* The parameters of filter_cdf.csv for this target, in its order. */
        const char *seen[FILTER_TOP];
        for (size_t i = 0; i < csvt_rows(cdf) && rc == 0; i++) {
            if (strcmp(csvt_field(cdf, i, cc[0]), tl.name[j]))
                continue;
            const char *p = csvt_field(cdf, i, cc[1]);
            size_t k = 0;
            while (k < np[j] && strcmp(seen[k], p))
                k++;
            if (k < np[j] || np[j] == FILTER_TOP)
                continue;
            if (!safe_param(p)) {
                ts_errf(err, "%s:%d: bad parameter name '%s'", csvt_path(cdf), csvt_line(cdf, i), p);
                rc = PLOT_EINPUT;
                break;
            }
            seen[np[j]++] = p;
        }
        for (size_t k = 0; k < np[j] && rc == 0; k++) {
            double ks = NAN;
            for (size_t i = 0; i < csvt_rows(t) && rc == 0; i++)
                if (!strcmp(csvt_field(t, i, fc[0]), tl.name[j]) &&
                    !strcmp(csvt_field(t, i, fc[1]), seen[k]) &&
                    csvt_num(t, i, fc[2], 1, &ks, err) < 0)
                    rc = PLOT_EINPUT;
            meta_str_at(m, "pname", j * FILTER_TOP + k, seen[k]);
            meta_num_at(m, "ks", j * FILTER_TOP + k, ks);
            FILE *f = rc == 0 ? work_open(c, err, "filter_%zu_%zu.tsv", j + 1, k + 1) : NULL;
            if (rc == 0 && !f)
                rc = -1;
            /* block 0: met, block 1: missed (two blank lines between) */
            for (int g = 0; g < 2 && rc == 0; g++) {
                size_t rows = 0;
                for (size_t i = 0; i < csvt_rows(cdf) && rc == 0; i++) {
                    if (strcmp(csvt_field(cdf, i, cc[0]), tl.name[j]) ||
                        strcmp(csvt_field(cdf, i, cc[1]), seen[k]) ||
                        strcmp(csvt_field(cdf, i, cc[2]), g ? "missed" : "met"))
                        continue;
                    double q, v;
                    if (csvt_num(cdf, i, cc[3], 0, &q, err) < 0 ||
                        csvt_num(cdf, i, cc[4], 0, &v, err) < 0) {
                        rc = PLOT_EINPUT;
                        break;
                    }
                    tsv_num(f, v, 0);
                    tsv_num(f, q, 1);
                    rows++;
                }
                if (rows == 0)
                    fprintf(f, "NaN\tNaN\n");
                if (g == 0)
                    fprintf(f, "\n\n");
            }
            if (work_close(f, rc == 0 ? err : NULL) < 0 && rc == 0)
                rc = -1;
        }
        fprintf(m, "np[%zu] = %zu\n", j + 1, np[j]);
    }
    if (work_close(m, rc == 0 ? err : NULL) < 0 && rc == 0)
        rc = -1;
    size_t drawn = 0;
    for (size_t j = 0; j < tl.n; j++)
        drawn += np[j] > 0;
    if (rc == 0 && drawn)
        rc = run_script(c, "filter", err);
    for (size_t j = 0; j < tl.n && rc == 0; j++) {
        if (!np[j])
            continue;
        char fname[NAME_LEN], name[NAME_LEN * 2], label[1024], caption[1600];
        file_name(tl.name[j], fname, sizeof fname);
        snprintf(name, sizeof name, "filter_%s", fname);
        target_label(c, tl.name[j], label, sizeof label);
        snprintf(caption, sizeof caption, "%s: where the replications that met the target and "
                 "those that missed it differ most (Monte Carlo filtering, the parameters with "
                 "the largest Kolmogorov-Smirnov distance)", label);
        rc = add_chart(c, "filter", name, caption, err);
    }
    free(np);
    targets_free(&tl);
    csvt_free(t);
    csvt_free(cdf);
    return rc;
}

/* ------------------------------------------------------------------ sweep */

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n > k && !strcmp(s + n - k, tail);
}

static int draw_sweep(ctx *c, ts_err *err)
{
    csvt *t = read_csv(c, "sweep.csv", err);
    if (!t)
        return PLOT_EINPUT;
    size_t nc = csvt_cols(t), dims = 0;
    while (dims < nc && !ends_with(csvt_header(t, (long)dims), "_p_met"))
        dims++;
    size_t nt = (nc - dims) / 2;
    int rc = 0;
    if (dims < 1 || dims > 2 || nt == 0 || nt > 64 || dims + 2 * nt != nc) {
        ts_errf(err, "%s: expected 1 or 2 parameter columns, then up to 64 TARGET_p_met,TARGET_se "
                "pairs", csvt_path(t));
        rc = PLOT_EINPUT;
    }
    for (size_t k = 0; k < dims && rc == 0; k++)
        if (!safe_param(csvt_header(t, (long)k))) {
            ts_errf(err, "%s: bad parameter name '%s'", csvt_path(t), csvt_header(t, (long)k));
            rc = PLOT_EINPUT;
        }
    FILE *m = NULL, *f = NULL;
    if (rc == 0 && !(m = work_open(c, err, "sweep.meta")))
        rc = -1;
    char tnames[64][NAME_LEN];
    if (rc == 0) {
        fprintf(m, "dims = %zu\nnt = %zu\narray tname[%zu]\narray tlabel[%zu]\nxname = ", dims,
                nt, nt, nt);
        plot_quote(m, csvt_header(t, 0));
        fprintf(m, "\nyname = ");
        plot_quote(m, dims == 2 ? csvt_header(t, 1) : "");
        fputc('\n', m);
        for (size_t j = 0; j < nt && rc == 0; j++) {
            const char *h = csvt_header(t, (long)(dims + 2 * j));
            char target[NAME_LEN], label[1024];
            size_t len = strlen(h) - strlen("_p_met");
            snprintf(target, sizeof target, "%.*s", (int)len, h);
            if (file_name(target, tnames[j], NAME_LEN) < 0) {
                ts_errf(err, "%s: bad target column '%s'", csvt_path(t), h);
                rc = PLOT_EINPUT;
                break;
            }
            target_label(c, target, label, sizeof label);
            meta_str_at(m, "tname", j, tnames[j]);
            meta_str_at(m, "tlabel", j, label);
        }
    }
    /* 1 parameter: sweep.tsv, x then p, se of each target; 2 parameters:
     * sweep_J.tsv, x y p with a blank line where x changes (gnuplot's grid). */
    for (size_t j = 0; j < (dims == 2 ? nt : 1) && rc == 0; j++) {
        f = dims == 2 ? work_open(c, err, "sweep_%zu.tsv", j + 1) : work_open(c, err, "sweep.tsv");
        if (!f) {
            rc = -1;
            break;
        }
        double prev = NAN;
        for (size_t i = 0; i < csvt_rows(t) && rc == 0; i++) {
            double x, y = 0, v;
            if (csvt_num(t, i, 0, 0, &x, err) < 0 ||
                (dims == 2 && csvt_num(t, i, 1, 0, &y, err) < 0)) {
                rc = PLOT_EINPUT;
                break;
            }
            if (dims == 2) {
                if (i > 0 && x != prev)
                    fputc('\n', f);
                prev = x;
                if (csvt_num(t, i, (long)(2 + 2 * j), 1, &v, err) < 0) {
                    rc = PLOT_EINPUT;
                    break;
                }
                tsv_num(f, x, 0);
                tsv_num(f, y, 0);
                tsv_num(f, v, 1);
            } else {
                tsv_num(f, x, 0);
                for (size_t q = 0; q < 2 * nt && rc == 0; q++) {
                    if (csvt_num(t, i, (long)(1 + q), 1, &v, err) < 0)
                        rc = PLOT_EINPUT;
                    tsv_num(f, v, q + 1 == 2 * nt);
                }
            }
        }
        if (work_close(f, rc == 0 ? err : NULL) < 0 && rc == 0)
            rc = -1;
    }
    if (work_close(m, rc == 0 ? err : NULL) < 0 && rc == 0)
        rc = -1;
    if (rc == 0)
        rc = run_script(c, "sweep", err);
    if (rc == 0 && dims == 1) {
        char caption[512];
        snprintf(caption, sizeof caption, "P(met) of every target as %s varies (95 %% bands), "
                 "the other parameters drawn as usual", csvt_header(t, 0));
        rc = add_chart(c, "sweep", "sweep", caption, err);
    }
    for (size_t j = 0; j < nt && rc == 0 && dims == 2; j++) {
        char name[NAME_LEN * 2], caption[1600], label[1024], target[NAME_LEN];
        const char *h = csvt_header(t, (long)(dims + 2 * j));
        snprintf(target, sizeof target, "%.*s", (int)(strlen(h) - strlen("_p_met")), h);
        target_label(c, target, label, sizeof label);
        snprintf(name, sizeof name, "sweep_%.60s", tnames[j]);
        snprintf(caption, sizeof caption, "%s: P(met) over %s and %s", label, csvt_header(t, 0),
                 csvt_header(t, 1));
        rc = add_chart(c, "sweep", name, caption, err);
    }
    csvt_free(t);
    return rc;
}

/* ---------------------------------------------------------------- drawing */

/* Every chart written, and not empty? */
static int check_outputs(const ctx *c, ts_err *err)
{
    for (size_t i = 0; i < c->n_charts; i++)
        for (int e = 0; e < 2; e++) {
            char path[PATH_LEN + NAME_LEN + 8];
            struct stat st;
            snprintf(path, sizeof path, "%s/%s.%s", c->work, c->charts[i].name, e ? "svg" : "png");
            if (stat(path, &st) != 0 || st.st_size == 0)
                return ts_errf(err, "plot: %s/%s.gp: gnuplot did not write %s.%s", c->plots,
                               c->charts[i].kind, c->charts[i].name, e ? "svg" : "png");
        }
    return 0;
}

/* Removes the data files (.tsv, .meta) and gnuplot.log from the work dir. */
static void remove_data(const ctx *c)
{
    DIR *d = opendir(c->work);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (ends_with(e->d_name, ".tsv") || ends_with(e->d_name, ".meta") ||
            !strcmp(e->d_name, "gnuplot.log")) {
            char path[PATH_LEN + 300];
            snprintf(path, sizeof path, "%s/%s", c->work, e->d_name);
            unlink(path);
        }
    closedir(d);
}

static int write_index(const ctx *c, ts_err *err)
{
    char path[PATH_LEN + 16];
    snprintf(path, sizeof path, "%s/index.csv", c->work);
    csvw *w = csvw_open(path, err);
    if (!w)
        return -1;
    csvw_str(w, "file");
    csvw_str(w, "kind");
    csvw_str(w, "caption");
    csvw_end_row(w);
    for (size_t i = 0; i < c->n_charts; i++) {
        csvw_str(w, c->charts[i].name);
        csvw_str(w, c->charts[i].kind);
        csvw_str(w, c->charts[i].caption);
        csvw_end_row(w);
    }
    return csvw_close(w, err);
}

/* DIR/charts is replaced whole: the old one (if any) removed only once the
 * new one is complete. */
static int swap_in(ctx *c, ts_err *err)
{
    char final[PATH_LEN + 16], old[PATH_LEN + 48];
    snprintf(final, sizeof final, "%s/charts", c->dir);
    snprintf(old, sizeof old, "%s.old-%ld", final, (long)getpid());
    struct stat st;
    int had = lstat(final, &st) == 0;
    if (had && !S_ISDIR(st.st_mode))
        return ts_errf(err, "%s: exists and is not a directory", final);
    if (had && rename(final, old) < 0)
        return ts_errf(err, "%s: cannot replace: %s", final, strerror(errno));
    if (rename(c->work, final) < 0) {
        int e = errno;
        if (had)
            rename(old, final);
        return ts_errf(err, "%s: cannot create: %s", final, strerror(e));
    }
    c->have_work = 0;
    if (had)
        outdir_remove_tree(old);
    return 0;
}

int sensplot_draw(const char *dir, const char *plots_dir, size_t *n_charts, ts_err *err)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.dir = dir;
    c.plots = plots_dir;
    if (n_charts)
        *n_charts = 0;
    int any = exists(dir, "sweep.csv") || exists(dir, "filter.csv");
    for (size_t k = 0; k < sizeof panel_kinds / sizeof panel_kinds[0]; k++)
        any |= exists(dir, panel_kinds[k].csv);
    if (!any)
        return 0;
    if (snprintf(c.work, sizeof c.work, "%s/charts.tmp-XXXXXX", dir) >= (int)sizeof c.work)
        return ts_errf(err, "%s: path too long", dir);
    if (!mkdtemp(c.work))
        return ts_errf(err, "%s: cannot create a directory in it: %s", dir, strerror(errno));
    c.have_work = 1;
    int rc = 0;
    if (exists(dir, "tiers.csv") && !(c.tiers = read_csv(&c, "tiers.csv", err)))
        rc = PLOT_EINPUT;
    for (size_t k = 0; k < sizeof panel_kinds / sizeof panel_kinds[0] && rc == 0; k++)
        if (exists(dir, panel_kinds[k].csv))
            rc = draw_panels(&c, &panel_kinds[k], err);
    if (rc == 0 && exists(dir, "filter.csv"))
        rc = draw_filter(&c, err);
    if (rc == 0 && exists(dir, "sweep.csv"))
        rc = draw_sweep(&c, err);
    if (rc == 0)
        rc = check_outputs(&c, err);
    if (rc == 0) {
        remove_data(&c);
        rc = write_index(&c, err);
    }
    if (rc == 0)
        rc = swap_in(&c, err);
    if (rc == 0 && n_charts)
        *n_charts = c.n_charts;
    if (c.have_work)
        outdir_remove_tree(c.work);
    csvt_free(c.tiers);
    free(c.charts);
    return rc;
}
