/* sensplot.c -- charts of sensitivity and sweep outputs (see sensplot.h). */
#include "sensplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "plot.h"

#define NAME_LEN 64

/* ------------------------------------------------------------ the context */

typedef struct {
    const char *dir;
    chartdir *cd;
    ts_lang lang;               /* of the charts' words and captions */
    csvt *tiers;                /* tiers.csv when DIR has one */
    csvt *named;                /* target_tiers.csv when DIR has one */
} ctx;

/* The words of each script (KIND.text, chartdir_words). */
#define WORDS(w) w, sizeof w / sizeof w[0]
static const chartdir_word tornado_words[] = {
    {"f_title", GP_TORNADO_TITLE},   {"t_x_mean", GP_TORNADO_X_MEAN},
    {"t_x_pmet", GP_P_TARGET_MET},   {"t_x_line", GP_TORNADO_X_LINE},
    {"t_low", GP_TORNADO_LOW},       {"t_high", GP_TORNADO_HIGH},
    {"f_none_at", GP_TORNADO_NONE_AT}, {"t_none", GP_TORNADO_NONE},
};
static const chartdir_word sobol_words[] = {
    {"f_title", GP_SOBOL_TITLE},     {"t_x_mean", GP_SOBOL_X_MEAN},
    {"t_x_pmet", GP_SOBOL_X_PMET},   {"t_total", GP_SOBOL_TOTAL},
    {"t_first", GP_SOBOL_FIRST},     {"t_no_variation", GP_NO_VARIATION},
};
static const chartdir_word morris_words[] = {
    {"f_title", GP_MORRIS_TITLE},    {"t_x_mean", GP_MORRIS_X_MEAN},
    {"t_x_pmet", GP_MORRIS_X_PMET},  {"t_no_variation", GP_NO_VARIATION},
};
static const chartdir_word filter_words[] = {
    {"f_title", GP_FILTER_TITLE},    {"f_panel", GP_FILTER_PANEL},
    {"t_xlabel", GP_FILTER_XLABEL},  {"t_ylabel", GP_FILTER_YLABEL},
    {"t_met", GP_FILTER_MET},        {"t_missed", GP_FILTER_MISSED},
};
static const chartdir_word sweep_words[] = {
    {"f_title", GP_SWEEP_TITLE},     {"f_title2", GP_SWEEP_TITLE2},
    {"t_ylabel", GP_P_TARGET_MET},
};

/* KIND.text written and KIND.gp queued. */
static int queue(ctx *c, const char *kind, const chartdir_word *words, size_t n, ts_err *err)
{
    if (chartdir_words(c->cd, kind, c->lang, words, n, err) < 0)
        return -1;
    chartdir_job(c->cd, kind);
    return 0;
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

/* "TIER -- label" from table t (its column key and label); 1 when found. */
static int label_from(const csvt *t, const char *key, const char *target, char *buf, size_t len)
{
    if (!t)
        return 0;
    long ct = csvt_col(t, key, NULL), cl = csvt_col(t, "label", NULL);
    if (ct < 0 || cl < 0)
        return 0;
    size_t tl = strcspn(target, ":");
    for (size_t i = 0; i < csvt_rows(t); i++) {
        const char *name = csvt_field(t, i, ct), *label = csvt_field(t, i, cl);
        if (strlen(name) == tl && !strncmp(name, target, tl) && label[0] && strcmp(label, name)) {
            snprintf(buf, len, "%s \xe2\x80\x94 %s", target, label);
            return 1;
        }
    }
    return 0;
}

/* "TIER -- label" from tiers.csv (a target named apart from a tier: from
 * target_tiers.csv), or the name alone. */
static void target_label(const ctx *c, const char *target, char *buf, size_t len)
{
    snprintf(buf, len, "%s", target);
    if (!label_from(c->tiers, "tier", target, buf, len))
        label_from(c->named, "target", target, buf, len);
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

/* The meta lines every per-target script shares: nt, tname[], tlabel[]. */
static void meta_targets(const ctx *c, FILE *m, const target_list *tl)
{
    fprintf(m, "nt = %zu\narray tname[%zu]\narray tlabel[%zu]\n", tl->n, tl->n ? tl->n : 1,
            tl->n ? tl->n : 1);
    for (size_t j = 0; j < tl->n; j++) {
        char fn[NAME_LEN], label[1024];
        file_name(tl->name[j], fn, sizeof fn);
        target_label(c, tl->name[j], label, sizeof label);
        chartdir_meta_str_at(m, "tname", j, fn);
        chartdir_meta_str_at(m, "tlabel", j, label);
    }
}

/* The number in column `vcol` of the last row whose columns key[0] and
 * key[1] read a and b; NaN when there is none, PLOT_EINPUT when it is not a
 * number. */
static int lookup(const csvt *t, const long *key, const char *a, const char *b, long vcol,
                  double *v, ts_err *err)
{
    *v = NAN;
    for (size_t i = 0; i < csvt_rows(t); i++)
        if (!strcmp(csvt_field(t, i, key[0]), a) && !strcmp(csvt_field(t, i, key[1]), b) &&
            csvt_num(t, i, vcol, 1, v, err) < 0)
            return PLOT_EINPUT;
    return 0;
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
    int rc = chartdir_columns(t, key, cols, 3, err);
    if (rc < 0)
        return rc;
    for (size_t o = 0; o < 2; o++)
        fprintf(m, "array n_%s[%zu]\n", outputs[o], tl->n ? tl->n : 1);
    for (size_t j = 0; j < tl->n; j++)
        for (size_t o = 0; o < 2; o++) {
            chartdir_file g;
            if (chartdir_fopen(c->cd, &g, err, "%s_%zu_%s.tsv", kind, j + 1, outputs[o]) < 0)
                return -1;
            size_t k = 0;
            for (size_t i = 0; i < csvt_rows(t) && k < SENSPLOT_TOP; i++) {
                if (strcmp(csvt_field(t, i, cols[0]), tl->name[j]) ||
                    strcmp(csvt_field(t, i, cols[1]), outputs[o]))
                    continue;
                const char *p = csvt_field(t, i, cols[2]);
                if (!safe_param(p)) {
                    ts_errf(err, "%s:%d: bad parameter name '%s'", csvt_path(t),
                            csvt_line(t, i), p);
                    return chartdir_fclose(&g, PLOT_EINPUT, err);
                }
                double v[8];
                int ok = 1;
                for (size_t q = 0; q < nv; q++) {
                    if (csvt_num(t, i, vcols[q], 1, &v[q], err) < 0)
                        return chartdir_fclose(&g, PLOT_EINPUT, err);
                    ok &= q >= need || isfinite(v[q]);
                }
                /* a tornado bar of no width says nothing: left out */
                if (!ok || (skip_equal && v[0] == v[1]))
                    continue;
                k++;
                fprintf(g.f, "%d\t", -(int)k);
                for (size_t q = 0; q < nv; q++)
                    chartdir_tsv_num(g.f, v[q], 0);
                fprintf(g.f, "%s\n", p);
            }
            if (k == 0) /* gnuplot refuses an empty file: one row it will not draw */
                fprintf(g.f, "1\tNaN\n");
            if ((rc = chartdir_fclose(&g, 0, err)) < 0)
                return rc;
            fprintf(m, "n_%s[%zu] = %zu\n", outputs[o], j + 1, k);
        }
    return 0;
}

typedef struct {
    const char *kind, *csv;
    const char *cols[6];
    size_t n_cols, need;
    msg_id caption;
    const chartdir_word *words;
    size_t n_words;
} panel_kind;

static const panel_kind panel_kinds[] = {
    {"tornado", "tornado.csv", {"output_low", "output_high"}, 2, 2, CAP_TORNADO,
     WORDS(tornado_words)},
    {"sobol", "sobol.csv", {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"}, 6, 4, CAP_SOBOL,
     WORDS(sobol_words)},
    {"morris", "morris.csv", {"mu_star", "sigma", "mu_star_ci"}, 3, 2, CAP_MORRIS,
     WORDS(morris_words)},
};

/* The tornado's bars start at the value with every parameter at its median:
 * tornado_base.csv's, into the meta arrays base_mean[] and base_p_met[]. */
static int tornado_base(const ctx *c, FILE *m, const target_list *tl, ts_err *err)
{
    long bc[3];
    static const char *const bn[3] = {"target", "output", "value"};
    csvt *base = chartdir_table(c->dir, "tornado_base.csv", bn, bc, 3, err);
    if (!base)
        return PLOT_EINPUT;
    int rc = 0;
    for (size_t o = 0; o < 2 && rc == 0; o++) {
        fprintf(m, "array base_%s[%zu]\n", outputs[o], tl->n ? tl->n : 1);
        for (size_t j = 0; j < tl->n && rc == 0; j++) {
            double v;
            rc = lookup(base, bc, tl->name[j], outputs[o], bc[2], &v, err);
            chartdir_meta_num_at(m, outputs[o][0] == 'm' ? "base_mean" : "base_p_met", j, v);
        }
    }
    csvt_free(base);
    return rc;
}

static int draw_panels(ctx *c, const panel_kind *pk, ts_err *err)
{
    static const char *const target[1] = {"target"};
    long tc, vcols[6];
    csvt *t = chartdir_table(c->dir, pk->csv, target, &tc, 1, err);
    if (!t)
        return PLOT_EINPUT;
    target_list tl = {NULL, 0};
    chartdir_file m = {NULL, ""};
    int rc = chartdir_columns(t, pk->cols, vcols, pk->n_cols, err);
    if (rc == 0)
        rc = targets_collect(t, tc, &tl, err);
    if (rc == 0)
        rc = chartdir_fopen(c->cd, &m, err, "%s.meta", pk->kind);
    if (rc == 0) {
        meta_targets(c, m.f, &tl);
        rc = panels(c, t, &tl, pk->kind, m.f, vcols, pk->n_cols, pk->need,
                    !strcmp(pk->kind, "tornado"), err);
    }
    if (rc == 0 && !strcmp(pk->kind, "tornado"))
        rc = tornado_base(c, m.f, &tl, err);
    rc = chartdir_fclose(&m, rc, err);
    if (rc == 0)
        rc = queue(c, pk->kind, pk->words, pk->n_words, err);
    for (size_t j = 0; j < tl.n && rc == 0; j++) {
        char fn[NAME_LEN], label[1024], caption[1600];
        file_name(tl.name[j], fn, sizeof fn);
        target_label(c, tl.name[j], label, sizeof label);
        i18n_snprintf(caption, sizeof caption, c->lang, GP_PAIR, label,
                      i18n(c->lang, pk->caption));
        rc = chartdir_add(c->cd, pk->kind, caption, err, "%s_%s", pk->kind, fn);
    }
    targets_free(&tl);
    csvt_free(t);
    return rc;
}

/* ----------------------------------------------------------------- filter */

#define FILTER_TOP 4

/* filter_J_K.tsv: the CDF of parameter K among the replications that met
 * target J (block 0) and those that missed it (block 1). */
static int filter_cdf(ctx *c, const csvt *cdf, const long *cc, const char *target,
                      const char *param, size_t j, size_t k, ts_err *err)
{
    chartdir_file g;
    if (chartdir_fopen(c->cd, &g, err, "filter_%zu_%zu.tsv", j + 1, k + 1) < 0)
        return -1;
    int rc = 0;
    for (int grp = 0; grp < 2 && rc == 0; grp++) {
        size_t rows = 0;
        for (size_t i = 0; i < csvt_rows(cdf) && rc == 0; i++) {
            if (strcmp(csvt_field(cdf, i, cc[0]), target) ||
                strcmp(csvt_field(cdf, i, cc[1]), param) ||
                strcmp(csvt_field(cdf, i, cc[2]), grp ? "missed" : "met"))
                continue;
            double q, v;
            if (csvt_num(cdf, i, cc[3], 0, &q, err) < 0 ||
                csvt_num(cdf, i, cc[4], 0, &v, err) < 0) {
                rc = PLOT_EINPUT;
                break;
            }
            chartdir_tsv_num(g.f, v, 0);
            chartdir_tsv_num(g.f, q, 1);
            rows++;
        }
        if (rows == 0)
            fprintf(g.f, "NaN\tNaN\n");
        if (grp == 0)
            fprintf(g.f, "\n\n");
    }
    rc = chartdir_fclose(&g, rc, err);
    return rc;
}

static int draw_filter(ctx *c, ts_err *err)
{
    long fc[3], cc[5];
    static const char *const fn_[3] = {"target", "parameter", "ks"};
    static const char *const cn[5] = {"target", "parameter", "group", "quantile", "value"};
    csvt *t = chartdir_table(c->dir, "filter.csv", fn_, fc, 3, err), *cdf = NULL;
    if (!t)
        return PLOT_EINPUT;
    target_list tl = {NULL, 0};
    chartdir_file m = {NULL, ""};
    int rc = 0;
    if (!(cdf = chartdir_table(c->dir, "filter_cdf.csv", cn, cc, 5, err)))
        rc = PLOT_EINPUT;
    if (rc == 0)
        rc = targets_collect(t, fc[0], &tl, err);
    if (rc == 0)
        rc = chartdir_fopen(c->cd, &m, err, "filter.meta");
    size_t *np = calloc(tl.n + 1, sizeof *np);
    if (rc == 0 && !np)
        rc = ts_errf(err, "out of memory");
    if (rc == 0) {
        meta_targets(c, m.f, &tl);
        size_t cells = (tl.n ? tl.n : 1) * FILTER_TOP;
        fprintf(m.f, "array np[%zu]\narray pname[%zu]\narray ks[%zu]\n", tl.n ? tl.n : 1, cells,
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
                ts_errf(err, "%s:%d: bad parameter name '%s'", csvt_path(cdf),
                        csvt_line(cdf, i), p);
                rc = PLOT_EINPUT;
                break;
            }
            seen[np[j]++] = p;
        }
        for (size_t k = 0; k < np[j] && rc == 0; k++) {
            double ks;
            rc = lookup(t, fc, tl.name[j], seen[k], fc[2], &ks, err);
            chartdir_meta_str_at(m.f, "pname", j * FILTER_TOP + k, seen[k]);
            chartdir_meta_num_at(m.f, "ks", j * FILTER_TOP + k, ks);
            if (rc == 0)
                rc = filter_cdf(c, cdf, cc, tl.name[j], seen[k], j, k, err);
        }
        fprintf(m.f, "np[%zu] = %zu\n", j + 1, np[j]);
    }
    rc = chartdir_fclose(&m, rc, err);
    size_t drawn = 0;
    for (size_t j = 0; j < tl.n; j++)
        drawn += np[j] > 0;
    if (rc == 0 && drawn)
        rc = queue(c, "filter", WORDS(filter_words), err);
    for (size_t j = 0; j < tl.n && rc == 0; j++) {
        if (!np[j])
            continue;
        char fname[NAME_LEN], label[1024], caption[1600];
        file_name(tl.name[j], fname, sizeof fname);
        target_label(c, tl.name[j], label, sizeof label);
        i18n_snprintf(caption, sizeof caption, c->lang, CAP_FILTER, label);
        rc = chartdir_add(c->cd, "filter", caption, err, "filter_%s", fname);
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

/* 1 parameter: sweep.tsv, x then p, se of each target; 2 parameters:
 * sweep_J.tsv, x y p with a blank line where x changes (gnuplot's grid). */
static int sweep_data(ctx *c, const csvt *t, size_t dims, size_t nt, ts_err *err)
{
    int rc = 0;
    for (size_t j = 0; j < (dims == 2 ? nt : 1) && rc == 0; j++) {
        chartdir_file g;
        rc = dims == 2 ? chartdir_fopen(c->cd, &g, err, "sweep_%zu.tsv", j + 1)
                       : chartdir_fopen(c->cd, &g, err, "sweep.tsv");
        if (rc < 0)
            break;
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
                    fputc('\n', g.f);
                prev = x;
                if (csvt_num(t, i, (long)(2 + 2 * j), 1, &v, err) < 0) {
                    rc = PLOT_EINPUT;
                    break;
                }
                chartdir_tsv_num(g.f, x, 0);
                chartdir_tsv_num(g.f, y, 0);
                chartdir_tsv_num(g.f, v, 1);
            } else {
                chartdir_tsv_num(g.f, x, 0);
                for (size_t q = 0; q < 2 * nt && rc == 0; q++) {
                    if (csvt_num(t, i, (long)(1 + q), 1, &v, err) < 0)
                        rc = PLOT_EINPUT;
                    chartdir_tsv_num(g.f, v, q + 1 == 2 * nt);
                }
            }
        }
        rc = chartdir_fclose(&g, rc, err);
    }
    return rc;
}

static int draw_sweep(ctx *c, ts_err *err)
{
    csvt *t = chartdir_table(c->dir, "sweep.csv", NULL, NULL, 0, err);
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
    chartdir_file m = {NULL, ""};
    if (rc == 0)
        rc = chartdir_fopen(c->cd, &m, err, "sweep.meta");
    char tnames[64][NAME_LEN];
    if (rc == 0) {
        fprintf(m.f, "dims = %zu\nnt = %zu\narray tname[%zu]\narray tlabel[%zu]\n", dims, nt, nt,
                nt);
        chartdir_meta_str(m.f, "xname", csvt_header(t, 0));
        chartdir_meta_str(m.f, "yname", dims == 2 ? csvt_header(t, 1) : "");
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
            chartdir_meta_str_at(m.f, "tname", j, tnames[j]);
            chartdir_meta_str_at(m.f, "tlabel", j, label);
        }
    }
    if (rc == 0)
        rc = sweep_data(c, t, dims, nt, err);
    rc = chartdir_fclose(&m, rc, err);
    if (rc == 0)
        rc = queue(c, "sweep", WORDS(sweep_words), err);
    if (rc == 0 && dims == 1) {
        char caption[512];
        i18n_snprintf(caption, sizeof caption, c->lang, CAP_SWEEP, csvt_header(t, 0));
        rc = chartdir_add(c->cd, "sweep", caption, err, "sweep");
    }
    for (size_t j = 0; j < nt && rc == 0 && dims == 2; j++) {
        char caption[1600], label[1024], target[NAME_LEN];
        const char *h = csvt_header(t, (long)(dims + 2 * j));
        snprintf(target, sizeof target, "%.*s", (int)(strlen(h) - strlen("_p_met")), h);
        target_label(c, target, label, sizeof label);
        i18n_snprintf(caption, sizeof caption, c->lang, GP_SWEEP_TITLE2, label,
                      csvt_header(t, 0), csvt_header(t, 1));
        rc = chartdir_add(c->cd, "sweep", caption, err, "sweep_%.60s", tnames[j]);
    }
    csvt_free(t);
    return rc;
}

/* ---------------------------------------------------------------- drawing */

/* Does DIR hold anything to draw? */
static int any_input(const char *dir)
{
    int any = chartdir_has(dir, "sweep.csv") || chartdir_has(dir, "filter.csv");
    for (size_t k = 0; k < sizeof panel_kinds / sizeof panel_kinds[0]; k++)
        any |= chartdir_has(dir, panel_kinds[k].csv);
    return any;
}

int sensplot_prepare(chartdir *cd, ts_lang lang, ts_err *err)
{
    ctx c = {chartdir_dir(cd), cd, lang, NULL, NULL};
    int rc = 0;
    if (chartdir_has(c.dir, "tiers.csv") &&
        !(c.tiers = chartdir_table(c.dir, "tiers.csv", NULL, NULL, 0, err)))
        rc = PLOT_EINPUT;
    if (rc == 0 && chartdir_has(c.dir, "target_tiers.csv") &&
        !(c.named = chartdir_table(c.dir, "target_tiers.csv", NULL, NULL, 0, err)))
        rc = PLOT_EINPUT;
    for (size_t k = 0; k < sizeof panel_kinds / sizeof panel_kinds[0] && rc == 0; k++)
        if (chartdir_has(c.dir, panel_kinds[k].csv))
            rc = draw_panels(&c, &panel_kinds[k], err);
    if (rc == 0 && chartdir_has(c.dir, "filter.csv"))
        rc = draw_filter(&c, err);
    if (rc == 0 && chartdir_has(c.dir, "sweep.csv"))
        rc = draw_sweep(&c, err);
    csvt_free(c.tiers);
    csvt_free(c.named);
    return rc;
}

int sensplot_draw(const char *dir, const char *plots_dir, ts_lang lang, size_t *n_charts,
                  ts_err *err)
{
    if (n_charts)
        *n_charts = 0;
    if (!any_input(dir))
        return 0;
    chartdir *cd = chartdir_open(dir, plots_dir, err);
    if (!cd)
        return -1;
    int rc = sensplot_prepare(cd, lang, err);
    if (rc == 0)
        rc = chartdir_commit(cd, err);
    if (rc == 0 && n_charts)
        *n_charts = chartdir_count(cd);
    chartdir_free(cd);
    return rc;
}
