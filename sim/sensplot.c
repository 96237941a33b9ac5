/* sensplot.c -- charts of sensitivity and sweep outputs (see sensplot.h). */
#include "sensplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "plot.h"

#define NAME_LEN 64
#define SENSPLOT_CLIP_SHOWN 0.005

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
    {"f_x_change", GP_TORNADO_X_CHANGE},
};
static const chartdir_word sobol_words[] = {
    {"f_title", GP_SOBOL_TITLE},     {"t_x_mean", GP_SOBOL_X_MEAN},
    {"t_x_pmet", GP_SOBOL_X_PMET},   {"t_total", GP_SOBOL_TOTAL},
    {"t_first", GP_SOBOL_FIRST},     {"t_no_variation", GP_NO_VARIATION},
    {"t_clipped", GP_SOBOL_CLIPPED},
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
    {"t_ylabel", GP_P_TARGET_MET},   {"f_title2_head", GP_SWEEP_TITLE2_HEAD},
    {"f_title2_over", GP_SWEEP_TITLE2_OVER},
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

/* An index beyond [0, 1] by what two decimals show (sobol.gp marks it). */
static int outside01(double v)
{
    return v <= -SENSPLOT_CLIP_SHOWN || v >= 1.0 + SENSPLOT_CLIP_SHOWN;
}

/* ------------------------------------------------- Morris: label places */

/* Morris's labels, placed here so that none covers another or a point: the
 * panels of morris.gp have fixed margins (each 0.42 of the width and 0.81
 * of the height of the canvas) and fixed ranges (morris.meta's mx_*, my_*),
 * so a label's box is known in fractions of its panel: an em of the PNG's
 * 11 points (14.4 pixels) is 0.0214 of its width, a line 0.024 of its
 * height (the wider of the two terminals).  The largest mu* is placed
 * first; each label takes the first free place of: right of its point,
 * left of it, then ever further above and below on either side (with a
 * leader line back to the point). */
#define MORRIS_LABELS 8
#define MORRIS_EM_W 0.0214
#define MORRIS_LINE_H 0.024
#define MORRIS_GAP 0.012
#define MORRIS_DOT 0.01         /* a point's half-size */
#define MORRIS_X_FILL 0.72      /* the points use this share of the x range */
#define MORRIS_Y_FILL 0.9

typedef struct {
    double x0, x1, y0, y1;
} box;

static int boxes_meet(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Places labels 0 .. nl-1 of n points (px, py in fractions of the panel,
 * their intervals' half-widths ci, text widths w): lx, ly the anchor
 * (fractions), right[] 1 when the label ends at the anchor, lead[] 1 when
 * it moved off its point.  The points, their intervals and the key (the top
 * right corner) are in the way as well as the labels placed before. */
static void morris_place(const double *px, const double *py, const double *ci, const double *w,
                         size_t n, size_t nl, double *lx, double *ly, int *right, int *lead)
{
    box placed[MORRIS_LABELS + 2 * SENSPLOT_TOP + 1];
    size_t np = 0;
    placed[np++] = (box){0.62, 1.0, 0.92, 1.0};
    for (size_t i = 0; i < n; i++) {
        placed[np++] = (box){px[i] - MORRIS_DOT, px[i] + MORRIS_DOT, py[i] - MORRIS_DOT,
                             py[i] + MORRIS_DOT};
        placed[np++] = (box){px[i] - ci[i], px[i] + ci[i], py[i] - 0.004, py[i] + 0.004};
    }
    for (size_t i = 0; i < nl; i++) {
        double h = MORRIS_LINE_H, best_x = px[i] + MORRIS_GAP, best_y = py[i] + h / 2;
        int best_r = 0, found = 0;
        for (int k = 0; k <= 24 && !found; k++) {
            /* the vertical shift: 0, +1, -1, +2, -2, ... lines */
            double dy = (k + 1) / 2 * (k % 2 ? 1.0 : -1.0) * h + h / 2;
            for (int side = 0; side < 2 && !found; side++) {
                double x0 = side ? px[i] - MORRIS_GAP - w[i] : px[i] + MORRIS_GAP;
                box b = {x0, x0 + w[i], py[i] + dy - h / 2, py[i] + dy + h / 2};
                if (b.x0 < 0 || b.x1 > 1 || b.y0 < 0 || b.y1 > 1)
                    continue;
                int clear = 1;
                for (size_t q = 0; q < np && clear; q++)
                    clear = !boxes_meet(&b, &placed[q]);
                if (!clear)
                    continue;
                found = 1;
                best_x = side ? x0 + w[i] : x0;
                best_y = py[i] + dy;
                best_r = side;
                placed[np++] = b;
            }
        }
        lx[i] = best_x;
        ly[i] = best_y;
        right[i] = best_r;
        lead[i] = fabs(best_y - (py[i] + h / 2)) > 1e-9;
    }
}

/* Writes KIND_J_OUTPUT.tsv for each target and output: the first
 * SENSPLOT_TOP rows (the CSV is sorted by importance) whose first `need`
 * columns are all finite (and, with skip_equal, whose first two differ), as
 * "-k v1 v2 ... parameter", and their counts into the meta array n_OUTPUT[].
 * With clip (Sobol's indices, shares of a variance), every value is drawn
 * within [0, 1] and the row ends with the estimates v1 and v4 as they are
 * (S1 and ST: the script marks those it clipped); the meta array
 * clipped[] counts, per target, the rows of both panels with an estimate
 * outside [0, 1] by 0.005 or more.  With labels (Morris: v1 mu*, v2 sigma,
 * v3 the half-width of mu*'s interval), the row ends with the place of its
 * label: x, y (NaN: none), 1 to end the label there (else begin it), 1 for
 * a leader line; and the ranges go to mx_OUTPUT[], my_OUTPUT[]. */
enum { PANEL_PLAIN = 0, PANEL_SKIP_EQUAL, PANEL_CLIP, PANEL_LABELS };

static int panels(ctx *c, const csvt *t, const target_list *tl, const char *kind, FILE *m,
                  const long *vcols, size_t nv, size_t need, int mode, ts_err *err)
{
    long cols[3];
    static const char *const key[3] = {"target", "output", "parameter"};
    int rc = chartdir_columns(t, key, cols, 3, err);
    if (rc < 0)
        return rc;
    for (size_t o = 0; o < 2; o++)
        fprintf(m, "array n_%s[%zu]\n", outputs[o], tl->n ? tl->n : 1);
    if (mode == PANEL_CLIP)
        fprintf(m, "array clipped[%zu]\n", tl->n ? tl->n : 1);
    if (mode == PANEL_LABELS)
        for (size_t o = 0; o < 2; o++)
            fprintf(m, "array mx_%s[%zu]\narray my_%s[%zu]\n", outputs[o], tl->n ? tl->n : 1,
                    outputs[o], tl->n ? tl->n : 1);
    for (size_t j = 0; j < tl->n; j++) {
        size_t n_clipped = 0;
        for (size_t o = 0; o < 2; o++) {
            double v[SENSPLOT_TOP][8];
            const char *par[SENSPLOT_TOP];
            size_t k = 0;
            for (size_t i = 0; i < csvt_rows(t) && k < SENSPLOT_TOP; i++) {
                if (strcmp(csvt_field(t, i, cols[0]), tl->name[j]) ||
                    strcmp(csvt_field(t, i, cols[1]), outputs[o]))
                    continue;
                const char *p = csvt_field(t, i, cols[2]);
                if (!safe_param(p)) {
                    ts_errf(err, "%s:%d: bad parameter name '%s'", csvt_path(t),
                            csvt_line(t, i), p);
                    return PLOT_EINPUT;
                }
                int ok = 1;
                for (size_t q = 0; q < nv; q++) {
                    if (csvt_num(t, i, vcols[q], 1, &v[k][q], err) < 0)
                        return PLOT_EINPUT;
                    ok &= q >= need || isfinite(v[k][q]);
                }
                /* a tornado bar of no width says nothing: left out */
                if (!ok || (mode == PANEL_SKIP_EQUAL && v[k][0] == v[k][1]))
                    continue;
                par[k++] = p;
            }
            double lx[SENSPLOT_TOP], ly[SENSPLOT_TOP];
            int right[SENSPLOT_TOP], lead[SENSPLOT_TOP];
            double mx = 1, my = 1;
            if (mode == PANEL_LABELS) {
                double px[SENSPLOT_TOP], py[SENSPLOT_TOP], pci[SENSPLOT_TOP], w[SENSPLOT_TOP];
                double top_x = 0, top_y = 0;
                for (size_t r = 0; r < k; r++) {
                    double ci = isfinite(v[r][2]) ? v[r][2] : 0;
                    top_x = fmax(top_x, v[r][0] + ci);
                    top_y = fmax(top_y, v[r][1]);
                }
                mx = top_x > 0 ? top_x / MORRIS_X_FILL : 1;
                my = top_y > 0 ? top_y / MORRIS_Y_FILL : 1;
                for (size_t r = 0; r < k; r++) {
                    px[r] = v[r][0] / mx;
                    py[r] = v[r][1] / my;
                    pci[r] = isfinite(v[r][2]) ? v[r][2] / mx : 0;
                    w[r] = plot_text_em(par[r]) * MORRIS_EM_W;
                }
                size_t nl = k < MORRIS_LABELS ? k : MORRIS_LABELS;
                morris_place(px, py, pci, w, k, nl, lx, ly, right, lead);
                for (size_t r = 0; r < k; r++) {
                    lx[r] = r < nl ? lx[r] * mx : NAN;
                    ly[r] = r < nl ? ly[r] * my : NAN;
                    right[r] = r < nl ? right[r] : 0;
                    lead[r] = r < nl ? lead[r] : 0;
                }
                chartdir_meta_num_at(m, o ? "mx_p_met" : "mx_mean", j, mx);
                chartdir_meta_num_at(m, o ? "my_p_met" : "my_mean", j, my);
            }
            chartdir_file g;
            if (chartdir_fopen(c->cd, &g, err, "%s_%zu_%s.tsv", kind, j + 1, outputs[o]) < 0)
                return -1;
            for (size_t r = 0; r < k; r++) {
                fprintf(g.f, "%d\t", -(int)(r + 1));
                for (size_t q = 0; q < nv; q++)
                    chartdir_tsv_num(g.f, mode == PANEL_CLIP && isfinite(v[r][q])
                                              ? fmin(1.0, fmax(0.0, v[r][q]))
                                              : v[r][q], 0);
                if (mode == PANEL_CLIP) {
                    fprintf(g.f, "%s\t", par[r]);
                    chartdir_tsv_num(g.f, v[r][0], 0);
                    chartdir_tsv_num(g.f, v[r][3], 1);
                    n_clipped += outside01(v[r][0]) || outside01(v[r][3]);
                } else if (mode == PANEL_LABELS) {
                    fprintf(g.f, "%s\t", par[r]);
                    chartdir_tsv_num(g.f, lx[r], 0);
                    chartdir_tsv_num(g.f, ly[r], 0);
                    fprintf(g.f, "%d\t%d\n", right[r], lead[r]);
                } else {
                    fprintf(g.f, "%s\n", par[r]);
                }
            }
            if (k == 0) /* gnuplot refuses an empty file: one row it will not draw */
                fprintf(g.f, "1\tNaN\n");
            if ((rc = chartdir_fclose(&g, 0, err)) < 0)
                return rc;
            fprintf(m, "n_%s[%zu] = %zu\n", outputs[o], j + 1, k);
        }
        if (mode == PANEL_CLIP)
            fprintf(m, "clipped[%zu] = %zu\n", j + 1, n_clipped);
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

/* The smallest of 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1 at least x (1 beyond). */
static double nice_half(double x)
{
    static const double steps[] = {0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (x <= steps[i])
            return steps[i];
    return 1.0;
}

/* The tornado's bars start at tornado_base.csv's value -- for the mean
 * every parameter at its median, for P(met) the run's -- into the meta
 * arrays base_mean[] and base_p_met[]; the P(met) panel shows the change
 * from it over a range symmetric about 0, pm_half[] either side: a round
 * number above the largest change of its bars. */
static int tornado_base(const ctx *c, const csvt *t, FILE *m, const target_list *tl, ts_err *err)
{
    long bc[3], tc[5];
    static const char *const bn[3] = {"target", "output", "value"};
    static const char *const tn[5] = {"target", "output", "parameter", "output_low",
                                      "output_high"};
    if (chartdir_columns(t, tn, tc, 5, err) < 0)
        return PLOT_EINPUT;
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
    fprintf(m, "array pm_half[%zu]\n", tl->n ? tl->n : 1);
    for (size_t j = 0; j < tl->n && rc == 0; j++) {
        double b, top = 0;
        size_t k = 0;
        rc = lookup(base, bc, tl->name[j], "p_met", bc[2], &b, err);
        for (size_t i = 0; i < csvt_rows(t) && rc == 0 && k < SENSPLOT_TOP; i++) {
            if (strcmp(csvt_field(t, i, tc[0]), tl->name[j]) ||
                strcmp(csvt_field(t, i, tc[1]), "p_met"))
                continue;
            double lo, hi;
            if (csvt_num(t, i, tc[3], 1, &lo, err) < 0 || csvt_num(t, i, tc[4], 1, &hi, err) < 0) {
                rc = PLOT_EINPUT;
                break;
            }
            if (!isfinite(lo) || !isfinite(hi) || lo == hi)
                continue;
            k++;
            if (isfinite(b))
                top = fmax(top, fmax(fabs(lo - b), fabs(hi - b)));
        }
        chartdir_meta_num_at(m, "pm_half", j, nice_half(1.1 * top));
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
        int mode = !strcmp(pk->kind, "tornado") ? PANEL_SKIP_EQUAL
                   : !strcmp(pk->kind, "sobol") ? PANEL_CLIP
                   : !strcmp(pk->kind, "morris") ? PANEL_LABELS
                                                 : PANEL_PLAIN;
        rc = panels(c, t, &tl, pk->kind, m.f, vcols, pk->n_cols, pk->need, mode, err);
    }
    if (rc == 0 && !strcmp(pk->kind, "tornado"))
        rc = tornado_base(c, t, m.f, &tl, err);
    rc = chartdir_fclose(&m, rc, err);
    if (rc == 0)
        rc = queue(c, pk->kind, pk->words, pk->n_words, err);
    for (size_t j = 0; j < tl.n && rc == 0; j++) {
        char fn[NAME_LEN], label[1024], caption[1600];
        file_name(tl.name[j], fn, sizeof fn);
        target_label(c, tl.name[j], label, sizeof label);
        /* the tornado's P(met) bars have the other parameters drawn (issue 13) */
        char what[1024];
        snprintf(what, sizeof what, "%s%s", i18n(c->lang, pk->caption),
                 !strcmp(pk->kind, "tornado") ? i18n(c->lang, CAP_TORNADO_PMET) : "");
        i18n_snprintf(caption, sizeof caption, c->lang, GP_PAIR, label, what);
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
