/* plot.c -- the run, fit, compare and goal charts: the data gnuplot's scripts
 * read, written into a chart directory (chartdir.h). */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "report.h"

#define PATH_MAX_LEN 4096
#define NAME_MAX_LEN 64         /* tier names and measures: identifiers */

/* ------------------------------------------------------- finding scripts */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int plot_find_dir(const char *override, char *buf, size_t len, ts_err *err)
{
    if (override && override[0]) {
        if (!is_dir(override))
            return ts_errf(err, "%s: not a directory of gnuplot scripts", override);
        if (snprintf(buf, len, "%s", override) >= (int)len)
            return ts_errf(err, "%s: path too long", override);
        return 0;
    }
    char exe[PATH_MAX_LEN];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0)
        return ts_errf(err, "cannot find the gnuplot scripts: /proc/self/exe: %s", strerror(errno));
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    static const char *const rel[] = {"plots", "../plots", "../../plots", "../share/tiersim/plots"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char cand[PATH_MAX_LEN + 64], real[PATH_MAX_LEN];
        snprintf(cand, sizeof cand, "%s/%s/fan.gp", exe, rel[i]);
        if (access(cand, R_OK) != 0)
            continue;
        cand[strlen(cand) - strlen("/fan.gp")] = '\0';
        if (!realpath(cand, real))
            continue;
        if (snprintf(buf, len, "%s", real) >= (int)len)
            return ts_errf(err, "%s: path too long", real);
        return 0;
    }
    return ts_errf(err, "cannot find the gnuplot scripts (no fan.gp in plots, ../plots, "
                   "../../plots or ../share/tiersim/plots beside %s)", exe);
}

/* ------------------------------------------------------------ the context */

typedef struct {
    char *name;
    char *label;
    double baseline;
} tier_row;

typedef struct {
    const char *dir;
    chartdir *cd;
    ts_lang lang;           /* of the words of every chart and caption */
    tier_row *tiers;
    size_t n_tiers;
    tier_row *named;        /* target_tiers.csv: targets named apart from a tier (no baseline) */
    size_t n_named;
} plot_ctx;

/* Tier names and measures become parts of file names: identifiers only, or
 * a region set's MEMBER.TIER (identifiers joined by single dots). */
static int is_ident(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= NAME_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int start = i == 0 || s[i - 1] == '.';
        if (c == '.' && !start && i + 1 < n)
            continue;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (!start && c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

static void free_rows(tier_row *rows, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(rows[k].name);
        free(rows[k].label);
    }
    free(rows);
}

static void free_tiers(plot_ctx *c)
{
    free_rows(c->tiers, c->n_tiers);
    free_rows(c->named, c->n_named);
    c->tiers = c->named = NULL;
    c->n_tiers = c->n_named = 0;
}

static long find_tier(const plot_ctx *c, const char *name)
{
    for (size_t k = 0; k < c->n_tiers; k++)
        if (!strcmp(c->tiers[k].name, name))
            return (long)k;
    return -1;
}

/* A target over several tiers (or named apart from its tier), from
 * target_tiers.csv; -1 when the name is none. */
static long find_named(const plot_ctx *c, const char *name)
{
    for (size_t k = 0; k < c->n_named; k++)
        if (!strcmp(c->named[k].name, name))
            return (long)k;
    return -1;
}

static const char *label_of(const plot_ctx *c, const char *name)
{
    long k = find_tier(c, name);
    if (k >= 0)
        return c->tiers[k].label;
    k = find_named(c, name);
    return k >= 0 ? c->named[k].label : name;
}

/* The words of each kind's charts: the variables of KIND.text its script
 * uses (chartdir_words). */
#define WORDS(w) w, sizeof w / sizeof w[0]
static const chartdir_word fan_words[] = {
    {"t_band90", GP_BAND90},          {"t_band50", GP_BAND50},
    {"t_median", GP_MEDIAN},          {"f_start", GP_FAN_START},
    {"t_observed", GP_FAN_OBSERVED},  {"f_target", GP_FAN_TARGET},
    {"f_target_at", GP_FAN_TARGET_AT}, {"t_stock_short", GP_FAN_STOCK_SHORT},
    {"t_stock_update", GP_FAN_STOCK_UPDATE}, {"t_stock_year", GP_FAN_STOCK_YEAR},
    {"f_new_since", GP_FAN_NEW_SINCE}, {"f_new_cum", GP_FAN_NEW_CUM},
    {"t_cum", GP_FAN_CUM},            {"f_target_needs", GP_FAN_TARGET_NEEDS},
};
static const chartdir_word card_words[] = {
    {"t_title", GP_CARD_TITLE},       {"t_xlabel", GP_CARD_XLABEL},
    {"t_likely_line", GP_LIKELY_LINE}, {"t_all", GP_CARD_ALL},
    {"t_key_likely", GP_KEY_LIKELY},  {"t_key_uncertain", GP_KEY_UNCERTAIN},
    {"t_key_unlikely", GP_KEY_UNLIKELY},
};
static const chartdir_word pmet_words[] = {
    {"t_title", GP_PMET_TITLE},       {"t_x_update", GP_PMET_X_UPDATE},
    {"t_x_year", GP_PMET_X_YEAR},     {"t_ylabel", GP_PMET_YLABEL},
    {"t_likely_line", GP_LIKELY_LINE},
};
static const chartdir_word dist_words[] = {
    {"t_ylabel", GP_DIST_YLABEL},     {"f_x_stock", GP_DIST_X_STOCK},
    {"f_x_cum", GP_DIST_X_CUM},       {"f_x_new", GP_DIST_X_NEW},
    {"f_target", GP_DIST_TARGET},     {"f_threshold", GP_DIST_THRESHOLD},
    {"t_stock", GP_DIST_STOCK},       {"t_cum", GP_DIST_CUM},
    {"t_new", GP_DIST_NEW},           {"f_pair", GP_PAIR},
    {"f_pmet", GP_DIST_PMET},         {"t_meet", GP_DIST_MEET},
    {"t_miss", GP_DIST_MISS},         {"f_median", GP_DIST_MEDIAN},
    {"f_target_needs", GP_DIST_TARGET_NEEDS},
};
static const chartdir_word fit_words[] = {
    {"t_title", GP_FIT_TITLE},        {"f_pair", GP_PAIR},
    {"t_observed", GP_FIT_OBSERVED},  {"t_fitted", GP_FIT_FITTED},
    {"t_residuals", GP_FIT_RESIDUALS},
};
static const chartdir_word compare_words[] = {
    {"t_title", GP_COMPARE_TITLE},    {"t_xlabel", GP_COMPARE_XLABEL},
    {"t_likely_line", GP_LIKELY_LINE},
};
static const chartdir_word goal_words[] = {
    {"f_title", GP_GOAL_TITLE},       {"t_ylabel", GP_PROB_MET},
    {"f_answer", GP_GOAL_ANSWER},     {"t_unreachable", GP_GOAL_UNREACHABLE},
    {"t_band95", GP_BAND95},          {"t_pmet", GP_PMET},
    {"f_wanted", GP_GOAL_WANTED},     {"f_answer_right", GP_GOAL_ANSWER_RIGHT},
    {"f_flat", GP_GOAL_FLAT},         {"f_band_key", GP_GOAL_BAND_KEY},
};
static const chartdir_word validate_words[] = {
    {"t_title", GP_VALIDATE_TITLE},   {"t_xlabel", GP_VALIDATE_XLABEL},
    {"t_hist", GP_VALIDATE_HIST},     {"t_rows", GP_VALIDATE_ROWS},
    {"f_right", GP_VALIDATE_RIGHT},
};
static const struct {
    const char *kind;
    const chartdir_word *words;
    size_t n;
} kind_words[] = {
    {"fan", WORDS(fan_words)},         {"card", WORDS(card_words)},
    {"pmet", WORDS(pmet_words)},       {"dist", WORDS(dist_words)},
    {"fit", WORDS(fit_words)},         {"compare", WORDS(compare_words)},
    {"goal", WORDS(goal_words)},       {"validate", WORDS(validate_words)},
};

/* KIND.meta, KIND.tsv and KIND.text opened (the last written whole), and
 * KIND.gp queued to draw from them. */
static int open_kind(plot_ctx *c, const char *kind, chartdir_file *meta, chartdir_file *data,
                     ts_err *err)
{
    chartdir_job(c->cd, kind);
    for (size_t i = 0; i < sizeof kind_words / sizeof kind_words[0]; i++)
        if (!strcmp(kind_words[i].kind, kind) &&
            chartdir_words(c->cd, kind, c->lang, kind_words[i].words, kind_words[i].n, err) < 0)
            return -1;
    if (chartdir_fopen(c->cd, meta, err, "%s.meta", kind) < 0 ||
        chartdir_fopen(c->cd, data, err, "%s.tsv", kind) < 0)
        return -1;
    return 0;
}

/* Closes both, whatever happens to the first; rc or the first write error. */
static int close_kind(chartdir_file *meta, chartdir_file *data, int rc, ts_err *err)
{
    rc = chartdir_fclose(meta, rc, err);
    return chartdir_fclose(data, rc, err);
}

static int bad_ident(const csvt *t, size_t row, const char *what, const char *s, ts_err *err)
{
    return ts_errf(err, "%s:%d: %s '%s' is not an identifier", csvt_path(t), csvt_line(t, row),
                   what, s);
}

static int load_tier_rows(plot_ctx *c, int required, ts_err *err);

/* target_tiers.csv (report.h), where the run has targets named apart from
 * a tier: their names and labels. */
static int load_named(plot_ctx *c, ts_err *err)
{
    static const char *const names[] = {"target", "label"};
    long col[2];
    csvt *t = chartdir_table(c->dir, "target_tiers.csv", names, col, 2, err);
    if (!t)
        return PLOT_EINPUT;
    int rc = PLOT_EINPUT;
    size_t n = csvt_rows(t);
    if (!(c->named = calloc(n ? n : 1, sizeof *c->named))) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = csvt_field(t, i, col[0]), *label = csvt_field(t, i, col[1]);
        if (!is_ident(name)) {
            bad_ident(t, i, "target", name, err);
            goto out;
        }
        tier_row *r = &c->named[c->n_named];
        r->name = strdup(name);
        r->label = strdup(label[0] ? label : name);
        c->n_named++;
        if (!r->name || !r->label) {
            rc = ts_errf(err, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    csvt_free(t);
    return rc;
}

/* tiers.csv: names, labels and baselines.  Without it (a fit's or a
 * comparison's directory may lack one) the tier names stand for labels.
 * target_tiers.csv, when there is one, names the other targets. */
static int load_tiers(plot_ctx *c, int required, ts_err *err)
{
    int rc = load_tier_rows(c, required, err);
    if (rc == 0 && chartdir_has(c->dir, "target_tiers.csv"))
        rc = load_named(c, err);
    return rc;
}

static int load_tier_rows(plot_ctx *c, int required, ts_err *err)
{
    if (!required && !chartdir_has(c->dir, "tiers.csv"))
        return 0;
    static const char *const names[] = {"tier", "label", "baseline_stock"};
    long col[3];
    csvt *t = chartdir_table(c->dir, "tiers.csv", names, col, 3, err);
    if (!t)
        return PLOT_EINPUT;
    int rc = PLOT_EINPUT;
    size_t n = csvt_rows(t);
    if (!(c->tiers = calloc(n ? n : 1, sizeof *c->tiers))) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = csvt_field(t, i, col[0]);
        if (!is_ident(name)) {
            bad_ident(t, i, "tier", name, err);
            goto out;
        }
        if (find_tier(c, name) >= 0) {
            ts_errf(err, "%s:%d: tier '%s' appears twice", csvt_path(t), csvt_line(t, i), name);
            goto out;
        }
        tier_row *r = &c->tiers[c->n_tiers];
        if (csvt_num(t, i, col[2], 1, &r->baseline, err) < 0)
            goto out;
        r->name = strdup(name);
        r->label = strdup(csvt_field(t, i, col[1])[0] ? csvt_field(t, i, col[1]) : name);
        c->n_tiers++;
        if (!r->name || !r->label) {
            rc = ts_errf(err, "out of memory");
            goto out;
        }
    }
    if (required && n == 0) {
        ts_errf(err, "%s: no rows", csvt_path(t));
        goto out;
    }
    rc = 0;
out:
    csvt_free(t);
    return rc;
}

/* ------------------------------------------------------------ run charts */

/* The measures a target counts, as targets.csv names them. */
enum { TM_NEW = 0, TM_STOCK, TM_CUMULATIVE, TM_COUNT };
static const char *const measure_names[TM_COUNT] = {"new", "stock", "cumulative"};

typedef struct {
    long tier;              /* -1 for a target named apart from a tier (target_tiers.csv) */
    const char *name, *label; /* the plot_ctx's: the tier's, or the named target's */
    int measure;            /* TM_* */
    int twin;               /* the target has another measure: charts name the measure */
    double target, threshold, p_met, ci_lo, ci_hi, p50;
    double needs;           /* the whole count that meets it (the terminal's 'needs') */
} target_row;

typedef struct {
    target_row *t;
    size_t n;
    double all_p, all_lo, all_hi;
    int have_all;
} target_list;

static int load_targets(plot_ctx *c, target_list *tl, ts_err *err)
{
    static const char *const names[] = {"tier", "measure", "target", "threshold", "p_met",
                                        "ci_lo", "ci_hi", "p50"};
    long col[8];
    csvt *t = chartdir_table(c->dir, "targets.csv", names, col, 8, err);
    if (!t)
        return PLOT_EINPUT;
    /* needs: a directory written before targets.csv had it derives it */
    long needs_col = csvt_col(t, "needs", NULL);
    int rc = PLOT_EINPUT;
    size_t n = csvt_rows(t);
    if (!(tl->t = calloc(n ? n : 1, sizeof *tl->t))) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *tier = csvt_field(t, i, col[0]), *m = csvt_field(t, i, col[1]);
        if (!strcmp(tier, "ALL")) {
            if (csvt_num(t, i, col[4], 0, &tl->all_p, err) < 0 ||
                csvt_num(t, i, col[5], 0, &tl->all_lo, err) < 0 ||
                csvt_num(t, i, col[6], 0, &tl->all_hi, err) < 0)
                goto out;
            tl->have_all = 1;
            continue;
        }
        target_row *r = &tl->t[tl->n];
        long named = -1;
        if ((r->tier = find_tier(c, tier)) < 0 && (named = find_named(c, tier)) < 0) {
            ts_errf(err, "%s:%d: tier '%s' is not in tiers.csv%s", csvt_path(t), csvt_line(t, i),
                    tier, c->n_named ? " or target_tiers.csv" : "");
            goto out;
        }
        r->name = r->tier >= 0 ? c->tiers[r->tier].name : c->named[named].name;
        r->label = r->tier >= 0 ? c->tiers[r->tier].label : c->named[named].label;
        r->measure = 0;
        while (r->measure < TM_COUNT && strcmp(m, measure_names[r->measure]))
            r->measure++;
        if (r->measure == TM_COUNT) {
            ts_errf(err, "%s:%d: measure '%s' (expected new, stock or cumulative)",
                    csvt_path(t), csvt_line(t, i), m);
            goto out;
        }
        if (csvt_num(t, i, col[2], 0, &r->target, err) < 0 ||
            csvt_num(t, i, col[3], 0, &r->threshold, err) < 0 ||
            csvt_num(t, i, col[4], 0, &r->p_met, err) < 0 ||
            csvt_num(t, i, col[5], 0, &r->ci_lo, err) < 0 ||
            csvt_num(t, i, col[6], 0, &r->ci_hi, err) < 0 ||
            csvt_num(t, i, col[7], 1, &r->p50, err) < 0)
            goto out;
        r->needs = NAN;
        if (needs_col >= 0 && csvt_num(t, i, needs_col, 1, &r->needs, err) < 0)
            goto out;
        if (!isfinite(r->needs))
            r->needs = report_needs(r->threshold);
        tl->n++;
    }
    for (size_t j = 0; j < tl->n; j++)
        for (size_t k = 0; k < tl->n; k++)
            tl->t[j].twin |= k != j && !strcmp(tl->t[k].name, tl->t[j].name);
    rc = 0;
out:
    csvt_free(t);
    return rc;
}

/* A whole year within the range tiersim accepts. */
static int year_at(const csvt *t, size_t row, long col, int *year, ts_err *err)
{
    double v;
    if (csvt_num(t, row, col, 0, &v, err) < 0)
        return -1;
    if (v != floor(v) || v < 1000 || v > 9999)
        return ts_errf(err, "%s:%d: year %g is not a year from 1000 to 9999", csvt_path(t),
                       csvt_line(t, row), v);
    *year = (int)v;
    return 0;
}

/* ------------------------------------------------------------ time axes */

/* Time on a chart: update years, labelled by their period ends (DESIGN.md,
 * "Dates").  The period end of year y is month y * 12 + off (year * 12 +
 * month - 1); off is 11, December of y, for a January start, and the labels
 * are then the years alone. */
typedef struct {
    int y0, y1;             /* the first and last year of the table */
    int off;                /* 11 .. 22: the same for every row */
} time_axis;

#define AXIS_YEARLY 11

static void axis_label(const time_axis *ax, int y, char *buf, size_t len)
{
    if (ax->off == AXIS_YEARLY)
        snprintf(buf, len, "%d", y);
    else
        scenario_month_format(y * 12 + ax->off, buf, len);
}

/* A period_end field, "YYYY-MM", as a month. */
static int month_at(const csvt *t, size_t row, long col, int *ym, ts_err *err)
{
    const char *s = csvt_field(t, row, col);
    int ok = strlen(s) == 7 && s[4] == '-';
    for (size_t i = 0; ok && i < 7; i++)
        ok = i == 4 || (s[i] >= '0' && s[i] <= '9');
    int month = ok ? (s[5] - '0') * 10 + (s[6] - '0') : 0;
    if (!ok || month < 1 || month > 12)
        return ts_errf(err, "%s:%d: period_end '%s' is not a month YYYY-MM", csvt_path(t),
                       csvt_line(t, row), s);
    int year = 0;
    for (size_t i = 0; i < 4; i++)
        year = year * 10 + (s[i] - '0');
    *ym = year * 12 + month - 1;
    return 0;
}

/* The years of every row of t and the offset of their period ends.  One
 * scenario has one start month, so a period end that falls elsewhere in its
 * year than the others is a damaged file, not a chart to draw.  A table
 * without the column (written before tiersim had it) has calendar years. */
static int read_axis(const csvt *t, long ycol, time_axis *ax, ts_err *err)
{
    long pcol = csvt_col(t, "period_end", NULL);
    ax->y0 = 9999;
    ax->y1 = 1000;
    ax->off = AXIS_YEARLY;
    for (size_t i = 0; i < csvt_rows(t); i++) {
        int y, ym = 0;
        if (year_at(t, i, ycol, &y, err) < 0)
            return -1;
        ax->y0 = y < ax->y0 ? y : ax->y0;
        ax->y1 = y > ax->y1 ? y : ax->y1;
        if (pcol < 0)
            continue;
        if (month_at(t, i, pcol, &ym, err) < 0)
            return -1;
        int off = ym - y * 12;
        if (i == 0) {
            if (off < 11 || off > 22)
                return ts_errf(err, "%s:%d: period_end %s cannot end update year %d (an "
                               "update year ends from December of that year to November of "
                               "the next)", csvt_path(t), csvt_line(t, i),
                               csvt_field(t, i, pcol), y);
            ax->off = off;
        } else if (off != ax->off) {
            return ts_errf(err, "%s:%d: period_end %s of year %d does not agree with line "
                           "%d's %s of year %s (one start month for every row)",
                           csvt_path(t), csvt_line(t, i), csvt_field(t, i, pcol), y,
                           csvt_line(t, 0), csvt_field(t, 0, pcol), csvt_field(t, 0, ycol));
        }
    }
    return 0;
}

/* The axis for a script, in KIND.meta: monthly (0: the labels are years),
 * start (when the first update begins, '2022' or '2022-07') and period[i],
 * the label of year y0 - 2 + i -- period[1] is the start's level, which is
 * the period end of the update before y0. */
static void meta_axis(FILE *f, const time_axis *ax)
{
    char buf[32];
    fprintf(f, "monthly = %d\n", ax->off != AXIS_YEARLY);
    if (ax->off == AXIS_YEARLY)
        snprintf(buf, sizeof buf, "%d", ax->y0);
    else
        scenario_month_format((ax->y0 - 1) * 12 + ax->off + 1, buf, sizeof buf);
    chartdir_meta_str(f, "start", buf);
    size_t n = (size_t)(ax->y1 - ax->y0 + 2);
    chartdir_meta_array(f, "period", n);
    for (size_t i = 0; i < n; i++) {
        axis_label(ax, ax->y0 - 1 + (int)i, buf, sizeof buf);
        chartdir_meta_str_at(f, "period", i, buf);
    }
}

/* ------------------------------------------------------ observed points */

/* An outcome drawn over a fan: on tier k's panel (TM_STOCK's, TM_NEW's or
 * TM_CUMULATIVE's) at x, its update year plus months_off / 12. */
typedef struct {
    long tier;
    int measure;            /* TM_* */
    double x, value;
    char label[48];         /* "2024-06: 6835" */
} obs_point;

typedef struct {
    obs_point *p;
    size_t n;
} obs_list;

/* The outcomes of DIR, when it has them -- validation.csv (tiersim validate)
 * or observed.csv (run --observed) -- that a fan shows: the levels stock,
 * new and cumulative.  The counts during a year have no panel; they are in
 * the tables and the PIT chart. */
static int load_points(plot_ctx *c, const time_axis *ax, obs_list *ol, ts_err *err)
{
    const char *file = chartdir_has(c->dir, "validation.csv") ? "validation.csv"
                       : chartdir_has(c->dir, "observed.csv") ? "observed.csv"
                                                               : NULL;
    if (!file)
        return 0;
    static const char *const names[] = {"as_of", "tier", "measure", "observed", "period_end",
                                        "months_off"};
    long col[6];
    csvt *t = chartdir_table(c->dir, file, names, col, 6, err);
    if (!t)
        return PLOT_EINPUT;
    int rc = PLOT_EINPUT;
    size_t n = csvt_rows(t);
    if (!(ol->p = calloc(n ? n : 1, sizeof *ol->p))) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *m = csvt_field(t, i, col[2]);
        int tm = 0;
        while (tm < TM_COUNT && strcmp(m, measure_names[tm]))
            tm++;
        if (tm == TM_COUNT)
            continue;
        obs_point *p = &ol->p[ol->n];
        if ((p->tier = find_tier(c, csvt_field(t, i, col[1]))) < 0) {
            ts_errf(err, "%s:%d: tier '%s' is not in tiers.csv", csvt_path(t), csvt_line(t, i),
                    csvt_field(t, i, col[1]));
            goto out;
        }
        int ym;
        double off;
        if (month_at(t, i, col[4], &ym, err) < 0 || csvt_num(t, i, col[5], 0, &off, err) < 0 ||
            csvt_num(t, i, col[3], 0, &p->value, err) < 0)
            goto out;
        int year = (ym - ax->off) / 12;
        if ((ym - ax->off) % 12 != 0 || year < ax->y0 - 1 || year > ax->y1) {
            ts_errf(err, "%s:%d: period_end %s is not the end of an update year of "
                    "projection.csv (nor of the one before it)", csvt_path(t), csvt_line(t, i),
                    csvt_field(t, i, col[4]));
            goto out;
        }
        if (off != floor(off) || fabs(off) > 6) {
            ts_errf(err, "%s:%d: months_off %s is not a whole number from -6 to 6",
                    csvt_path(t), csvt_line(t, i), csvt_field(t, i, col[5]));
            goto out;
        }
        p->measure = tm;
        p->x = year + off / 12.0;
        /* The label is a field of a .tsv: no tab or line break in it. */
        snprintf(p->label, sizeof p->label, "%.16s: %.0f", csvt_field(t, i, col[0]), p->value);
        for (char *q = p->label; *q; q++)
            if ((unsigned char)*q < 0x20)
                *q = ' ';
        ol->n++;
    }
    rc = 0;
out:
    csvt_free(t);
    return rc;
}

/* fan_obs.tsv and what fan.meta says of it: the x range (wide enough for a
 * point six months past the last period end), and per tier the points on
 * each panel and the largest.  Without outcomes every count is 0 and the
 * range the one the script always had, so the charts are drawn as before. */
static int write_points(plot_ctx *c, const time_axis *ax, const obs_list *ol, FILE *meta,
                        ts_err *err)
{
    double lo = ax->y0 - 1.45, hi = ax->y1 + 0.45;
    for (size_t i = 0; i < ol->n; i++) {
        lo = fmin(lo, ol->p[i].x - 0.3);
        hi = fmax(hi, ol->p[i].x + 0.3);
    }
    chartdir_meta_num(meta, "x_lo", lo);
    chartdir_meta_num(meta, "x_hi", hi);
    chartdir_meta_str(meta, "obs_data", "fan_obs.tsv");
    static const char *const arrays[TM_COUNT] = {[TM_STOCK] = "obs_s", [TM_NEW] = "obs_n",
                                                 [TM_CUMULATIVE] = "obs_c"};
    size_t nk = c->n_tiers;
    for (int m = 0; m < TM_COUNT; m++)
        chartdir_meta_array(meta, arrays[m], nk);
    chartdir_meta_array(meta, "obs_top", nk);
    for (size_t k = 0; k < nk; k++) {
        double top = 0;
        size_t count[TM_COUNT] = {0, 0, 0};
        for (size_t i = 0; i < ol->n; i++)
            if (ol->p[i].tier == (long)k) {
                count[ol->p[i].measure]++;
                top = fmax(top, ol->p[i].value);
            }
        for (int m = 0; m < TM_COUNT; m++)
            chartdir_meta_num_at(meta, arrays[m], k, (double)count[m]);
        chartdir_meta_num_at(meta, "obs_top", k, top);
    }
    chartdir_file f = {NULL, ""};
    if (chartdir_fopen(c->cd, &f, err, "fan_obs.tsv") < 0)
        return -1;
    static const int panel_of[TM_COUNT] = {[TM_STOCK] = 1, [TM_NEW] = 2, [TM_CUMULATIVE] = 3};
    /* x, tier (1-based), panel (1 stock, 2 new, 3 cumulative), value, label */
    for (size_t i = 0; i < ol->n; i++) {
        const obs_point *p = &ol->p[i];
        chartdir_tsv_num(f.f, p->x, 0);
        fprintf(f.f, "%ld\t%d\t", p->tier + 1, panel_of[p->measure]);
        chartdir_tsv_num(f.f, p->value, 0);
        fprintf(f.f, "%s\n", p->label);
    }
    /* gnuplot reads an empty file as an error only when it plots from it */
    return chartdir_fclose(&f, 0, err);
}

/* fan: projection.csv's quantiles of stock, new and cumulative by tier and
 * year (the cumulative panel is drawn for a tier with a cumulative target). */
#define FAN_Q 15                /* per (tier, year): 5 quantiles of each measure */

static int write_fan(plot_ctx *c, const target_list *tl, ts_err *err)
{
    static const char *const names[] = {"year", "tier", "measure", "p05", "p25", "p50",
                                        "p75", "p95"};
    long col[8];
    csvt *t = chartdir_table(c->dir, "projection.csv", names, col, 8, err);
    if (!t)
        return PLOT_EINPUT;
    double *q = NULL;
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    obs_list obs = {NULL, 0};
    int rc = PLOT_EINPUT;
    size_t n = csvt_rows(t);
    time_axis ax;
    if (read_axis(t, col[0], &ax, err) < 0)
        goto out;
    if (n == 0) {
        ts_errf(err, "%s: no rows", csvt_path(t));
        goto out;
    }
    int y0 = ax.y0, y1 = ax.y1;
    size_t ny = (size_t)(y1 - y0 + 1), nk = c->n_tiers;
    /* q[((k * ny) + y) * FAN_Q + 5 * panel + quantile], NaN until read; the
     * panels in fan.gp's order: stock, new, cumulative */
    if (!(q = malloc(nk * ny * FAN_Q * sizeof *q))) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nk * ny * FAN_Q; i++)
        q[i] = NAN;
    static const int panel_of[TM_COUNT] = {[TM_STOCK] = 0, [TM_NEW] = 1, [TM_CUMULATIVE] = 2};
    for (size_t i = 0; i < n; i++) {
        const char *m = csvt_field(t, i, col[2]);
        int tm = 0;
        while (tm < TM_COUNT && strcmp(m, measure_names[tm]))
            tm++;
        if (tm == TM_COUNT)
            continue;
        long k = find_tier(c, csvt_field(t, i, col[1]));
        if (k < 0) {
            ts_errf(err, "%s:%d: tier '%s' is not in tiers.csv", csvt_path(t), csvt_line(t, i),
                    csvt_field(t, i, col[1]));
            goto out;
        }
        int y;
        year_at(t, i, col[0], &y, err);
        double *row = &q[((size_t)k * ny + (size_t)(y - y0)) * FAN_Q + 5 * (size_t)panel_of[tm]];
        for (size_t j = 0; j < 5; j++)
            if (csvt_num(t, i, col[3 + j], 0, &row[j], err) < 0)
                goto out;
    }
    if ((rc = load_points(c, &ax, &obs, err)) != 0)
        goto out;
    rc = -1;
    if (open_kind(c, "fan", &meta, &data, err) < 0)
        goto out;
    fprintf(meta.f, "n = %zu\ny0 = %d\ny1 = %d\n", nk, y0, y1);
    meta_axis(meta.f, &ax);
    static const char *const arrays[] = {"name", "label", "baseline", "thr_new", "tgt_new",
                                         "thr_stock", "tgt_stock", "thr_cum", "tgt_cum"};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++)
        chartdir_meta_array(meta.f, arrays[a], nk);
    for (size_t k = 0; k < nk; k++) {
        size_t have = 0;
        for (size_t j = 0; j < ny * FAN_Q; j++)
            have += isfinite(q[k * ny * FAN_Q + j]) != 0;
        if (have == 0) {
            ts_errf(err, "%s: no rows for tier '%s'", csvt_path(t), c->tiers[k].name);
            rc = PLOT_EINPUT;
            goto out;
        }
    }
    for (size_t k = 0; k < nk; k++) {
        const tier_row *tr = &c->tiers[k];
        double thr[TM_COUNT] = {NAN, NAN, NAN}, tgt[TM_COUNT] = {NAN, NAN, NAN};
        for (size_t j = 0; j < tl->n; j++)
            if (tl->t[j].tier == (long)k) {
                thr[tl->t[j].measure] = tl->t[j].needs;
                tgt[tl->t[j].measure] = tl->t[j].target;
            }
        chartdir_meta_str_at(meta.f, "name", k, tr->name);
        chartdir_meta_str_at(meta.f, "label", k, tr->label);
        chartdir_meta_num_at(meta.f, "baseline", k, tr->baseline);
        chartdir_meta_num_at(meta.f, "thr_new", k, thr[TM_NEW]);
        chartdir_meta_num_at(meta.f, "tgt_new", k, tgt[TM_NEW]);
        chartdir_meta_num_at(meta.f, "thr_stock", k, thr[TM_STOCK]);
        chartdir_meta_num_at(meta.f, "tgt_stock", k, tgt[TM_STOCK]);
        chartdir_meta_num_at(meta.f, "thr_cum", k, thr[TM_CUMULATIVE]);
        chartdir_meta_num_at(meta.f, "tgt_cum", k, tgt[TM_CUMULATIVE]);
        /* One block per tier (gnuplot's `index k`); every year, NaN where
         * projection.csv has no row, so that no block is ever empty. */
        if (k)
            fputs("\n\n", data.f);
        for (size_t y = 0; y < ny; y++) {
            fprintf(data.f, "%d\t", y0 + (int)y);
            for (size_t j = 0; j < FAN_Q; j++)
                chartdir_tsv_num(data.f, q[(k * ny + y) * FAN_Q + j], j == FAN_Q - 1);
        }
        char caption[1024];
        i18n_snprintf(caption, sizeof caption, c->lang,
                      isfinite(tgt[TM_CUMULATIVE]) ? CAP_FAN_CUM : CAP_FAN, tr->label);
        if (chartdir_add(c->cd, "fan", caption, err, "fan_%s", tr->name) < 0)
            goto out;
    }
    if (write_points(c, &ax, &obs, meta.f, err) < 0)
        goto out;
    rc = 0;
out:
    rc = close_kind(&meta, &data, rc, err);
    free(q);
    free(obs.p);
    csvt_free(t);
    return rc;
}

/* The text beside a target's bar: "LABEL: new >= 90" when the count it
 * needs is the target itself, else the plan's number with what it needs:
 * "LABEL: new 2000 (needs 1800)". */
static void target_text(const plot_ctx *c, const target_row *r, char *buf, size_t len)
{
    if (r->needs == r->target)
        i18n_snprintf(buf, len, c->lang, CAP_TARGET, r->label,
                      i18n_measure(c->lang, measure_names[r->measure]), r->needs);
    else
        i18n_snprintf(buf, len, c->lang, CAP_TARGET_NEEDS, r->label,
                      i18n_measure(c->lang, measure_names[r->measure]), r->target, r->needs);
}

/* A tic label of at most CARD_LINE_EM ems a line (plot_text_em), broken at
 * blanks (or, in text without them, between characters), at most
 * CARD_LINES lines, the last cut with "…": gnuplot widens the left margin to
 * the widest tic label, and one long label (a target over several tiers
 * joins their labels) would push the bars off the canvas. */
#define CARD_LINE_EM 30.0
#define CARD_LINES 3

static size_t utf8_len(const char *p)
{
    unsigned c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    for (size_t k = 1; k < n; k++)
        if (!p[k])
            return k;
    return n;
}

static void wrap_label(const char *text, char *out, size_t len)
{
    size_t used = 0, lines = 1;
    double em = 0;
    const char *p = text;
    out[0] = '\0';
    while (*p && used + 8 < len) {
        /* the next word: up to a blank, or one character of text without blanks */
        size_t w = 0;
        if (*p == ' ') {
            w = 1;
        } else {
            while (p[w] && p[w] != ' ' && (unsigned char)p[w] < 0x80)
                w++;
            if (!w)
                w = utf8_len(p);
        }
        char word[256];
        snprintf(word, sizeof word, "%.*s", (int)(w < sizeof word ? w : sizeof word - 1), p);
        double wem = plot_text_em(word);
        if (em > 0 && em + wem > CARD_LINE_EM && *p != ' ') {
            if (lines == CARD_LINES) {
                used += (size_t)snprintf(out + used, len - used, "…");
                return;
            }
            while (used && out[used - 1] == ' ')
                out[--used] = '\0';
            used += (size_t)snprintf(out + used, len - used, "\n");
            lines++;
            em = 0;
        }
        if (!(em == 0 && *p == ' ')) {
            used += (size_t)snprintf(out + used, len - used, "%s", word);
            em += wem;
        }
        p += w;
    }
}

/* card: P(met) per target with its interval and verdict, and the joint row. */
static int write_card(plot_ctx *c, const target_list *tl, ts_err *err)
{
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    int rc = -1;
    if (open_kind(c, "card", &meta, &data, err) < 0)
        goto out;
    size_t n = tl->n;
    fprintf(meta.f, "n = %zu\n", n);
    chartdir_meta_array(meta.f, "label", n);
    chartdir_meta_num(meta.f, "all_p", tl->have_all ? tl->all_p : NAN);
    chartdir_meta_num(meta.f, "all_lo", tl->have_all ? tl->all_lo : NAN);
    chartdir_meta_num(meta.f, "all_hi", tl->have_all ? tl->all_hi : NAN);
    for (size_t j = 0; j < n; j++) {
        const target_row *r = &tl->t[j];
        char text[1024];
        target_text(c, r, text, sizeof text);
        char wrapped[1100];
        wrap_label(text, wrapped, sizeof wrapped);
        chartdir_meta_lines_at(meta.f, "label", j, wrapped);
        /* row: position (the first target on top), p, lo, hi, verdict */
        fprintf(data.f, "%zu\t", n - j + 1);
        chartdir_tsv_num(data.f, r->p_met, 0);
        chartdir_tsv_num(data.f, r->ci_lo, 0);
        chartdir_tsv_num(data.f, r->ci_hi, 0);
        fprintf(data.f, "%d\n", (int)report_verdict(r->p_met));
    }
    rc = chartdir_add(c->cd, "card", i18n(c->lang, CAP_CARD), err, "card");
out:
    rc = close_kind(&meta, &data, rc, err);
    return rc;
}

/* pmet: P(met by year), one block per target in targets.csv's order. */
static int write_pmet(plot_ctx *c, const target_list *tl, ts_err *err)
{
    static const char *const names[] = {"year", "tier", "measure", "p_met"};
    long col[4];
    csvt *t = chartdir_table(c->dir, "p_met_by_year.csv", names, col, 4, err);
    if (!t)
        return PLOT_EINPUT;
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    int rc = -1;
    if (open_kind(c, "pmet", &meta, &data, err) < 0)
        goto out;
    time_axis ax;
    if (read_axis(t, col[0], &ax, err) < 0) {
        rc = PLOT_EINPUT;
        goto out;
    }
    fprintf(meta.f, "n = %zu\ny0 = %d\ny1 = %d\n", tl->n, ax.y0, ax.y1);
    meta_axis(meta.f, &ax);
    chartdir_meta_array(meta.f, "label", tl->n);
    for (size_t j = 0; j < tl->n; j++) {
        const target_row *r = &tl->t[j];
        char text[1024];
        target_text(c, r, text, sizeof text);
        char wrapped[1100];
        wrap_label(text, wrapped, sizeof wrapped);
        chartdir_meta_lines_at(meta.f, "label", j, wrapped);
        if (j)
            fputs("\n\n", data.f);
        size_t rows = 0;
        for (size_t i = 0; i < csvt_rows(t); i++) {
            if (strcmp(csvt_field(t, i, col[1]), r->name) ||
                strcmp(csvt_field(t, i, col[2]), measure_names[r->measure]))
                continue;
            int y;
            double p;
            if (year_at(t, i, col[0], &y, err) < 0 || csvt_num(t, i, col[3], 0, &p, err) < 0) {
                rc = PLOT_EINPUT;
                goto out;
            }
            fprintf(data.f, "%d\t", y);
            chartdir_tsv_num(data.f, p, 1);
            rows++;
        }
        if (!rows) {
            ts_errf(err, "%s: no rows for target %s %s", csvt_path(t), r->name,
                    measure_names[r->measure]);
            rc = PLOT_EINPUT;
            goto out;
        }
    }
    rc = chartdir_add(c->cd, "pmet", i18n(c->lang, CAP_PMET), err, "pmet");
out:
    rc = close_kind(&meta, &data, rc, err);
    csvt_free(t);
    return rc;
}

/* dist: the end-year histogram of each targeted measure. */
static int write_dist(plot_ctx *c, const target_list *tl, ts_err *err)
{
    static const char *const names[] = {"year", "tier", "measure", "lo", "hi", "count"};
    long col[6];
    csvt *t = chartdir_table(c->dir, "distribution.csv", names, col, 6, err);
    if (!t)
        return PLOT_EINPUT;
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    int rc = -1;
    if (open_kind(c, "dist", &meta, &data, err) < 0)
        goto out;
    time_axis ax;
    if (read_axis(t, col[0], &ax, err) < 0) {
        rc = PLOT_EINPUT;
        goto out;
    }
    fprintf(meta.f, "n = %zu\n", tl->n);
    /* name: the chart's file name; when: the period end it shows */
    static const char *const arrays[] = {"name", "label", "measure", "when", "thr", "needs",
                                         "tgt", "p_met", "median"};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++)
        chartdir_meta_array(meta.f, arrays[a], tl->n);
    for (size_t j = 0; j < tl->n; j++) {
        const target_row *r = &tl->t[j];
        const char *tier = r->name, *m = measure_names[r->measure];
        /* Two passes: the total first, for the shares. */
        double total = 0;
        int year = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < csvt_rows(t); i++) {
                if (strcmp(csvt_field(t, i, col[1]), tier) || strcmp(csvt_field(t, i, col[2]), m))
                    continue;
                double lo, hi, count;
                if (year_at(t, i, col[0], &year, err) < 0 ||
                    csvt_num(t, i, col[3], 0, &lo, err) < 0 ||
                    csvt_num(t, i, col[4], 0, &hi, err) < 0 ||
                    csvt_num(t, i, col[5], 0, &count, err) < 0) {
                    rc = PLOT_EINPUT;
                    goto out;
                }
                if (pass == 0) {
                    total += count;
                    continue;
                }
                /* lo, hi are whole numbers, both in the bin: draw it from
                 * lo - 1/2 to hi + 1/2 */
                chartdir_tsv_num(data.f, 0.5 * (lo + hi), 0);
                chartdir_tsv_num(data.f, hi - lo + 1, 0);
                chartdir_tsv_num(data.f, count, 0);
                chartdir_tsv_num(data.f, total > 0 ? 100.0 * count / total : NAN, 1);
            }
        if (!(total > 0)) {
            ts_errf(err, "%s: no rows for target %s %s", csvt_path(t), tier, m);
            rc = PLOT_EINPUT;
            goto out;
        }
        fputs("\n\n", data.f);
        /* a tier with two targets has two distributions: one file each */
        char file[2 * NAME_MAX_LEN + 8], when[32];
        if (r->twin)
            snprintf(file, sizeof file, "dist_%s_%s", tier, m);
        else
            snprintf(file, sizeof file, "dist_%s", tier);
        axis_label(&ax, year, when, sizeof when);
        chartdir_meta_str_at(meta.f, "name", j, file + strlen("dist_"));
        chartdir_meta_str_at(meta.f, "label", j, r->label);
        chartdir_meta_str_at(meta.f, "measure", j, m);
        chartdir_meta_str_at(meta.f, "when", j, when);
        chartdir_meta_num_at(meta.f, "thr", j, r->threshold);
        chartdir_meta_num_at(meta.f, "needs", j, r->needs);
        chartdir_meta_num_at(meta.f, "tgt", j, r->target);
        chartdir_meta_num_at(meta.f, "p_met", j, r->p_met);
        chartdir_meta_num_at(meta.f, "median", j, r->p50);
        char caption[1024];
        static const msg_id what[TM_COUNT] = {[TM_NEW] = CAP_DIST_NEW,
                                              [TM_STOCK] = CAP_DIST_STOCK,
                                              [TM_CUMULATIVE] = CAP_DIST_CUM};
        i18n_snprintf(caption, sizeof caption, c->lang, what[r->measure], r->label, when);
        if (chartdir_add(c->cd, "dist", caption, err, "%s", file) < 0)
            goto out;
    }
    rc = 0;
out:
    rc = close_kind(&meta, &data, rc, err);
    csvt_free(t);
    return rc;
}

static int draw_run_data(plot_ctx *c, ts_err *err)
{
    target_list tl = {NULL, 0, NAN, NAN, NAN, 0};
    int rc = load_tiers(c, 1, err);
    if (rc == 0)
        rc = load_targets(c, &tl, err);
    if (rc == 0)
        rc = write_fan(c, &tl, err);
    if (rc == 0 && tl.n > 0) {
        rc = write_card(c, &tl, err);
        if (rc == 0)
            rc = write_pmet(c, &tl, err);
        if (rc == 0)
            rc = write_dist(c, &tl, err);
    }
    /* in reading order (charts/index.csv, report.html): the report card,
     * P(met) by year, the fans, the distributions (the scripts run in the
     * order above) */
    if (rc == 0) {
        static const char *const order[] = {"card", "pmet", "fan", "dist"};
        chartdir_order(c->cd, order, sizeof order / sizeof order[0]);
    }
    free(tl.t);
    return rc;
}

/* ------------------------------------------------------------ fit charts */

typedef struct {
    size_t row;
    int year;
} year_row;

static int by_year(const void *a, const void *b)
{
    const year_row *x = a, *y = b;
    return (x->year > y->year) - (x->year < y->year);
}

/* fit: fitted.csv, a panel per (tier, measure) in order of appearance and a
 * panel of the standardized residuals, FIT_PER_PAGE series to a chart. */
#define FIT_PER_PAGE 8

static int draw_fit_data(plot_ctx *c, ts_err *err)
{
    int rc = load_tiers(c, 0, err);
    if (rc != 0)
        return rc;
    static const char *const names[] = {"year", "tier", "measure", "observed", "fitted",
                                        "residual", "standardized_residual"};
    long col[7];
    csvt *t = chartdir_table(c->dir, "fitted.csv", names, col, 7, err);
    if (!t)
        return PLOT_EINPUT;
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    year_row *rows = NULL;
    size_t *series = NULL, n_series = 0;
    rc = PLOT_EINPUT;
    size_t n = csvt_rows(t);
    rows = malloc((n ? n : 1) * sizeof *rows);
    series = malloc((n ? n : 1) * sizeof *series); /* first row of each series */
    if (!rows || !series) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    time_axis ax;
    if (read_axis(t, col[0], &ax, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const char *tier = csvt_field(t, i, col[1]), *m = csvt_field(t, i, col[2]);
        if (!is_ident(tier)) {
            bad_ident(t, i, "tier", tier, err);
            goto out;
        }
        if (!is_ident(m)) {
            bad_ident(t, i, "measure", m, err);
            goto out;
        }
        size_t s = 0;
        while (s < n_series && (strcmp(csvt_field(t, series[s], col[1]), tier) ||
                                strcmp(csvt_field(t, series[s], col[2]), m)))
            s++;
        if (s == n_series)
            series[n_series++] = i;
    }
    if (n_series == 0) {
        ts_errf(err, "%s: no rows", csvt_path(t));
        goto out;
    }
    rc = -1;
    if (open_kind(c, "fit", &meta, &data, err) < 0)
        goto out;
    size_t pages = (n_series + FIT_PER_PAGE - 1) / FIT_PER_PAGE;
    fprintf(meta.f, "n = %zu\nper_page = %d\npages = %zu\ny0 = %d\n", n_series, FIT_PER_PAGE,
            pages, ax.y0);
    meta_axis(meta.f, &ax);
    static const char *const arrays[] = {"name", "label", "measure"};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++)
        chartdir_meta_array(meta.f, arrays[a], n_series);
    chartdir_meta_array(meta.f, "page_rows", pages);
    size_t pos = 0; /* the row's place on its page's residual panel */
    for (size_t s = 0; s < n_series; s++) {
        const char *tier = csvt_field(t, series[s], col[1]), *m = csvt_field(t, series[s], col[2]);
        size_t nr = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(csvt_field(t, i, col[1]), tier) && !strcmp(csvt_field(t, i, col[2]), m)) {
                rows[nr].row = i;
                year_at(t, i, col[0], &rows[nr].year, err);
                nr++;
            }
        qsort(rows, nr, sizeof *rows, by_year);
        if (s % FIT_PER_PAGE == 0)
            pos = 0;
        if (s)
            fputs("\n\n", data.f);
        for (size_t r = 0; r < nr; r++) {
            double v[4];
            for (size_t j = 0; j < 4; j++)
                if (csvt_num(t, rows[r].row, col[3 + j], 1, &v[j], err) < 0) {
                    rc = PLOT_EINPUT;
                    goto out;
                }
            /* sd = residual / standardized residual, when that is not 0 */
            double sd = v[3] != 0 && isfinite(v[3]) ? fabs(v[2] / v[3]) : NAN;
            fprintf(data.f, "%d\t", rows[r].year);
            chartdir_tsv_num(data.f, v[0], 0);          /* observed */
            chartdir_tsv_num(data.f, sd, 0);
            chartdir_tsv_num(data.f, v[1], 0);          /* fitted */
            chartdir_tsv_num(data.f, v[2], 0);          /* residual */
            chartdir_tsv_num(data.f, v[3], 0);          /* standardized */
            fprintf(data.f, "%zu\n", ++pos);
        }
        chartdir_meta_str_at(meta.f, "name", s, tier);
        chartdir_meta_str_at(meta.f, "label", s, label_of(c, tier));
        chartdir_meta_str_at(meta.f, "measure", s, m);
        chartdir_meta_num_at(meta.f, "page_rows", s / FIT_PER_PAGE, (double)pos);
    }
    for (size_t p = 0; p < pages; p++) {
        char caption[256];
        if (p)
            i18n_snprintf(caption, sizeof caption, c->lang, CAP_FIT_MORE, p + 1);
        else
            snprintf(caption, sizeof caption, "%s", i18n(c->lang, CAP_FIT));
        if (chartdir_add(c->cd, "fit", caption, err, "fit_%zu", p + 1) < 0)
            goto out;
    }
    rc = 0;
out:
    rc = close_kind(&meta, &data, rc, err);
    free(rows);
    free(series);
    csvt_free(t);
    return rc;
}

/* ------------------------------------------------------- compare charts */

/* Index of s in list[0..*n), appended when absent. */
static size_t intern(const char **list, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(list[i], s))
            return i;
    list[*n] = s;
    return (*n)++;
}

/* The width of a label in ems, estimated for Noto Sans CJK SC: a CJK or
 * full-width character (and the curly quotes, full width in that font) one
 * em, an ASCII one half (its Latin letters average 0.45), anything else
 * 0.6.  An estimate for layout only (how many key entries fit a row, where
 * a label goes); it errs on the wide side.  pngcairo draws an em of a
 * font of P points 1.31 P pixels wide. */
double plot_text_em(const char *s)
{
    double em = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = *p;
        size_t len = cp < 0x80 ? 1 : cp < 0xe0 ? 2 : cp < 0xf0 ? 3 : 4;
        if (len > 1) {
            cp &= 0x3fu >> (len - 1);
            for (size_t k = 1; k < len && (p[k] & 0xc0) == 0x80; k++)
                cp = cp << 6 | (p[k] & 0x3fu);
        }
        for (size_t k = 0; k < len && *p; k++)
            p++;
        em += cp < 0x80 ? 0.5 : (cp >= 0x1100 || (cp >= 0x2010 && cp <= 0x206f)) ? 1.0 : 0.6;
    }
    return em;
}

/* A key drawn by the script itself (gnuplot's own measures a CJK label by
 * its bytes and drops the entries it thinks do not fit): n entries at most
 * `widest_em` wide, in columns of *col_w (a fraction of the canvas width:
 * an em is 0.0123 of it, 15 points on the 1600-pixel PNG being the tighter
 * terminal, plus the swatch and a gap), as many columns as fit in 0.94. */
static size_t key_columns(double widest_em, size_t n, double *col_w)
{
    *col_w = widest_em * 0.0123 + 0.045;
    size_t cols = (size_t)(0.94 / *col_w);
    if (cols < 1)
        cols = 1;
    return cols > n ? n : cols;
}

/* compare: compare.csv, P(met) per target for each arm, in the file's order
 * (the first arm, the baseline, is the reference of the deltas), each arm
 * named by its label (arm_label, the scenario's text; the name in a file
 * written before there was one).  A chart holds as many rows (a row per arm
 * and target, and a blank one between targets) as leave each the height of
 * its value label, COMPARE_ROW_PX of the PNG's 1000 (13 points, 1.31 pixels
 * each), in the height the title and the key leave: more arms than fit
 * spread the targets over several charts, so that no label runs into the
 * next.  compare.gp's key takes 0.03 of the height a row, under 0.885 of it
 * (less 0.1 for the title) for the plot. */
#define COMPARE_ROW_PX 17.5

static int draw_compare_data(plot_ctx *c, ts_err *err)
{
    int rc = load_tiers(c, 0, err);
    if (rc != 0)
        return rc;
    static const char *const names[] = {"arm", "target", "p_met", "se", "delta", "delta_se"};
    long col[6];
    csvt *t = chartdir_table(c->dir, "compare.csv", names, col, 6, err);
    if (!t)
        return PLOT_EINPUT;
    long lcol = csvt_col(t, "arm_label", NULL);
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    const char **arms = NULL, **targets = NULL, **alabel = NULL;
    size_t na = 0, nt = 0;
    rc = PLOT_EINPUT;
    size_t n = csvt_rows(t);
    arms = malloc((n + 1) * sizeof *arms);
    targets = malloc((n + 1) * sizeof *targets);
    alabel = malloc((n + 1) * sizeof *alabel);
    if (!arms || !targets || !alabel) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (!csvt_field(t, i, col[0])[0] || !csvt_field(t, i, col[1])[0]) {
            ts_errf(err, "%s:%d: empty arm or target", csvt_path(t), csvt_line(t, i));
            goto out;
        }
        size_t before = na;
        size_t a = intern(arms, &na, csvt_field(t, i, col[0]));
        if (na > before) {
            const char *l = lcol >= 0 ? csvt_field(t, i, lcol) : "";
            alabel[a] = l[0] ? l : arms[a];
            /* the baseline's label is the word, in the output's language */
            if (a == 0 && !strcmp(alabel[a], "baseline"))
                alabel[a] = i18n(c->lang, GP_BASELINE);
        }
        intern(targets, &nt, csvt_field(t, i, col[1]));
    }
    if (nt == 0) {
        ts_errf(err, "%s: no rows", csvt_path(t));
        goto out;
    }
    rc = -1;
    if (open_kind(c, "compare", &meta, &data, err) < 0)
        goto out;
    /* the key: every arm, in as many columns as the widest label allows */
    double widest = 0, col_w;
    for (size_t a = 0; a < na; a++)
        widest = fmax(widest, plot_text_em(alabel[a]));
    size_t kcols = key_columns(widest, na, &col_w), krows = (na + kcols - 1) / kcols;
    /* pages: as few as hold every target in the rows that fit, the targets
     * shared out evenly, in order */
    double plot_px = (0.885 - 0.1 - 0.03 * (double)krows) * 1000.0;
    size_t slots = plot_px > 0 ? (size_t)(plot_px / COMPARE_ROW_PX) : 0;
    size_t per = slots / (na + 1);
    if (per < 1)
        per = 1;
    size_t pages = (nt + per - 1) / per;
    per = (nt + pages - 1) / pages;
    fprintf(meta.f, "nt = %zu\nna = %zu\npages = %zu\nper_page = %zu\nkey_cols = %zu\n"
            "key_rows = %zu\n", nt, na, pages, per, kcols, krows);
    chartdir_meta_num(meta.f, "key_col_w", col_w);
    chartdir_meta_array(meta.f, "tlabel", nt);
    chartdir_meta_array(meta.f, "arm", na);
    for (size_t a = 0; a < na; a++)
        chartdir_meta_str_at(meta.f, "arm", a, alabel[a]);
    for (size_t j = 0; j < nt; j++) {
        /* a target is TIER, or TIER:MEASURE when the tier has two */
        char tier[NAME_MAX_LEN * 2], text[1024];
        snprintf(tier, sizeof tier, "%s", targets[j]);
        char *colon = strchr(tier, ':');
        if (colon)
            *colon = '\0';
        if (!strcmp(targets[j], "ALL"))
            snprintf(text, sizeof text, "%s", i18n(c->lang, GP_COMPARE_ALL));
        else if (colon)
            snprintf(text, sizeof text, "%s (%s)", label_of(c, tier),
                     i18n_measure(c->lang, colon + 1));
        else
            snprintf(text, sizeof text, "%s", label_of(c, tier));
        chartdir_meta_str_at(meta.f, "tlabel", j, text);
    }
    /* One block per page (gnuplot's `index p`).  Rows: position (the page's
     * targets top-down, arms within a target top-down, a blank slot between
     * targets), p, lo, hi, arm (1-based), delta, its se. */
    for (size_t p = 0; p < pages; p++) {
        size_t first = p * per, last = first + per < nt ? first + per : nt;
        size_t pn = last - first;
        if (p)
            fputs("\n\n", data.f);
        for (size_t i = 0; i < n; i++) {
            size_t a = intern(arms, &na, csvt_field(t, i, col[0]));
            size_t j = intern(targets, &nt, csvt_field(t, i, col[1]));
            if (j < first || j >= last)
                continue;
            double pm, se, d, dse;
            if (csvt_num(t, i, col[2], 0, &pm, err) < 0 ||
                csvt_num(t, i, col[3], 0, &se, err) < 0 ||
                csvt_num(t, i, col[4], 1, &d, err) < 0 ||
                csvt_num(t, i, col[5], 1, &dse, err) < 0) {
                rc = PLOT_EINPUT;
                goto out;
            }
            fprintf(data.f, "%zu\t", (pn - 1 - (j - first)) * (na + 1) + (na - a));
            chartdir_tsv_num(data.f, pm, 0);
            chartdir_tsv_num(data.f, fmax(0.0, pm - REPORT_Z95 * se), 0);
            chartdir_tsv_num(data.f, fmin(1.0, pm + REPORT_Z95 * se), 0);
            fprintf(data.f, "%zu\t", a + 1);
            /* (gnuplot drops a row with NaN in any column it reads) */
            chartdir_tsv_num(data.f, a && isfinite(d) ? d : 0, 0);
            chartdir_tsv_num(data.f, a && isfinite(dse) ? dse : 0, 1);
        }
    }
    const char *caption = i18n(c->lang, CAP_COMPARE);
    if (pages == 1) {
        rc = chartdir_add(c->cd, "compare", caption, err, "compare");
    } else {
        rc = 0;
        for (size_t p = 0; p < pages && rc == 0; p++) {
            /* new text (issue 13): which page of the comparison */
            char cap[256];
            i18n_snprintf(cap, sizeof cap, c->lang, CAP_COMPARE_PAGE, caption, p + 1, pages);
            rc = chartdir_add(c->cd, "compare", cap, err, "compare_%zu", p + 1);
        }
    }
out:
    rc = close_kind(&meta, &data, rc, err);
    free(arms);
    free(targets);
    free(alabel);
    csvt_free(t);
    return rc;
}

/* ---------------------------------------------------------- goal charts */

/* goal: goal_curve.csv (P(met) on a grid of lever values) with goal.csv's
 * answer, its band and the probability wanted.  plot.c chooses the ranges
 * (goal.meta's x_lo .. x_hi, y_lo .. y_hi) so that the crossing shows: P(met)
 * from a little below the lowest of the curve's band and q to a little
 * above the highest, 0 to 1 when that is most of it; and when the curve is
 * flat (within 2 se of its last value) over the upper part of the range,
 * the lever up to two grid steps past where it flattens and past the band,
 * with a note of the flat part (flat_from, flat_p; NaN when the range is
 * whole).  The answer's label goes on the side of its line with room for
 * it (answer_right: 1, to the left of the line), and at a height
 * (answer_at, of the plot) clear of the curve. */
#define GOAL_MAX_POINTS 4096

static int draw_goal_data(plot_ctx *c, ts_err *err)
{
    static const char *const gnames[] = {"lever", "value", "bracket_lo", "bracket_hi", "target",
                                         "prob"};
    static const char *const cnames[] = {"lever_value", "p_met", "se"};
    long gcol[6], ccol[3];
    csvt *g = chartdir_table(c->dir, "goal.csv", gnames, gcol, 6, err);
    csvt *t = g ? chartdir_table(c->dir, "goal_curve.csv", cnames, ccol, 3, err) : NULL;
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    double *cx = NULL, *cp = NULL, *cse = NULL;
    int rc = PLOT_EINPUT;
    if (!t)
        goto out;
    size_t n = csvt_rows(t);
    if (csvt_rows(g) != 1 || n < 2 || n > GOAL_MAX_POINTS) {
        ts_errf(err, "%s: expected one answer and a curve of two points or more", csvt_path(g));
        goto out;
    }
    double value, blo, bhi, q, p_ans = NAN;
    long pcol = csvt_col(g, "p_met", NULL);
    if (csvt_num(g, 0, gcol[1], 1, &value, err) < 0 || csvt_num(g, 0, gcol[2], 1, &blo, err) < 0 ||
        csvt_num(g, 0, gcol[3], 1, &bhi, err) < 0 || csvt_num(g, 0, gcol[5], 0, &q, err) < 0 ||
        (pcol >= 0 && csvt_num(g, 0, pcol, 1, &p_ans, err) < 0))
        goto out;
    cx = malloc(n * sizeof *cx);
    cp = malloc(n * sizeof *cp);
    cse = malloc(n * sizeof *cse);
    if (!cx || !cp || !cse) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (csvt_num(t, i, ccol[0], 0, &cx[i], err) < 0 ||
            csvt_num(t, i, ccol[1], 0, &cp[i], err) < 0 ||
            csvt_num(t, i, ccol[2], 0, &cse[i], err) < 0)
            goto out;
    int answer = isfinite(value);
    /* P(met): the curve's 95 % band, q and the answer's estimate */
    double ylo = q, yhi = q;
    for (size_t i = 0; i < n; i++) {
        ylo = fmin(ylo, fmax(0.0, cp[i] - REPORT_Z95 * cse[i]));
        yhi = fmax(yhi, fmin(1.0, cp[i] + REPORT_Z95 * cse[i]));
    }
    if (answer && isfinite(p_ans)) {
        ylo = fmin(ylo, p_ans);
        yhi = fmax(yhi, p_ans);
    }
    if (yhi - ylo >= 0.5) {
        ylo = 0.0;
        yhi = 1.02;
    } else {
        double pad = fmax(0.02, 0.1 * (yhi - ylo));
        ylo = fmax(0.0, ylo - pad);
        yhi = fmin(1.02, yhi + pad);
    }
    /* the lever: the whole range, or up to where the curve flattens */
    double x0 = cx[0], x1 = cx[n - 1], xhi = x1, flat_from = NAN, flat_p = NAN;
    size_t m = n - 1;
    double tol = fmax(2.0 * cse[n - 1], 0.002);
    while (m > 0 && fabs(cp[m - 1] - cp[n - 1]) <= tol)
        m--;
    double edge = fmax(value, isfinite(bhi) ? bhi : value);
    /* (a curve flat from before the answer and its band is no flat part) */
    if (answer && m < n - 1 && cx[m] > edge) {
        double step = (x1 - x0) / 20.0;
        double cut = fmin(x1, cx[m] + 2.0 * step);
        if (cut < x0 + 0.6 * (x1 - x0)) {
            xhi = cut;
            flat_from = cx[m];
            flat_p = cp[n - 1];
        }
    }
    /* the answer on the curve as drawn: the estimate at its lever value */
    double y_ans = NAN;
    for (size_t i = 0; answer && i + 1 < n; i++)
        if (value >= cx[i] && value <= cx[i + 1])
            y_ans = cx[i + 1] > cx[i]
                        ? cp[i] + (cp[i + 1] - cp[i]) * (value - cx[i]) / (cx[i + 1] - cx[i])
                        : cp[i];
    rc = -1;
    if (open_kind(c, "goal", &meta, &data, err) < 0)
        goto out;
    fprintf(meta.f, "q = %.17g\n", q);
    fprintf(meta.f, "answer = %s\n", answer ? "1" : "0");
    fprintf(meta.f, "value = %.17g\nband_lo = %.17g\nband_hi = %.17g\n",
            answer ? value : 0, isfinite(blo) ? blo : 0, isfinite(bhi) ? bhi : 0);
    chartdir_meta_str(meta.f, "lever_name", csvt_field(g, 0, gcol[0]));
    chartdir_meta_str(meta.f, "target_name", csvt_field(g, 0, gcol[4]));
    chartdir_meta_num(meta.f, "x_lo", x0);
    chartdir_meta_num(meta.f, "x_hi", xhi);
    chartdir_meta_num(meta.f, "y_lo", ylo);
    chartdir_meta_num(meta.f, "y_hi", yhi);
    chartdir_meta_num(meta.f, "y_answer", y_ans);
    chartdir_meta_num(meta.f, "flat_from", flat_from);
    chartdir_meta_num(meta.f, "flat_p", flat_p);
    chartdir_meta_num(meta.f, "flat_to", x1);
    /* the label " answer 0.03021" beside its line: to the right unless
     * that would run past the plot (the label is about a tenth of its
     * width at the PNG's 16 points), then to the left */
    fprintf(meta.f, "answer_right = %d\n",
            answer && xhi > x0 && (value - x0) / (xhi - x0) > 0.8 ? 1 : 0);
    /* and at the top of the plot, or at its foot when the curve passes the
     * answer in the top quarter */
    fprintf(meta.f, "answer_at = %s\n",
            isfinite(y_ans) && (y_ans - ylo) / (yhi - ylo) > 0.75 ? "0.06" : "0.95");
    for (size_t i = 0; i < n; i++) {
        chartdir_tsv_num(data.f, cx[i], 0);
        chartdir_tsv_num(data.f, cp[i], 0);
        chartdir_tsv_num(data.f, fmax(0.0, cp[i] - REPORT_Z95 * cse[i]), 0);
        chartdir_tsv_num(data.f, fmin(1.0, cp[i] + REPORT_Z95 * cse[i]), 1);
    }
    rc = chartdir_add(c->cd, "goal", i18n(c->lang, CAP_GOAL), err, "goal");
out:
    rc = close_kind(&meta, &data, rc, err);
    free(cx);
    free(cp);
    free(cse);
    csvt_free(g);
    csvt_free(t);
    return rc;
}

/* ------------------------------------------------------ validate chart */

/* validate_pit: validation.csv's PIT of every observed row, one row each
 * (the file's first row on top), coloured by tier, over the bands' ranges of
 * PIT (0.25 .. 0.75 and 0.05 .. 0.95, where a right forecast puts half and
 * nine tenths of its outcomes), and beside it the PITs' histogram in tenths
 * against the n / 10 a uniform PIT would give. */
#define PIT_LABELS_MAX 40       /* more rows than this: no label per row */

static int draw_validate_data(plot_ctx *c, ts_err *err)
{
    int rc = load_tiers(c, 0, err);
    if (rc != 0)
        return rc;
    static const char *const names[] = {"as_of", "tier", "measure", "pit"};
    long col[4];
    csvt *t = chartdir_table(c->dir, "validation.csv", names, col, 4, err);
    if (!t)
        return PLOT_EINPUT;
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    const char **groups = NULL;
    size_t ng = 0, n = csvt_rows(t), bins[10] = {0};
    double *pit = NULL;
    rc = PLOT_EINPUT;
    groups = malloc((n + 1) * sizeof *groups);
    pit = malloc((n + 1) * sizeof *pit);
    if (!groups || !pit) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    if (n == 0) {
        ts_errf(err, "%s: no rows", csvt_path(t));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *tier = csvt_field(t, i, col[1]), *m = csvt_field(t, i, col[2]);
        if (!is_ident(tier)) {
            bad_ident(t, i, "tier", tier, err);
            goto out;
        }
        if (!is_ident(m)) {
            bad_ident(t, i, "measure", m, err);
            goto out;
        }
        if (csvt_num(t, i, col[3], 0, &pit[i], err) < 0)
            goto out;
        if (!(pit[i] >= 0 && pit[i] <= 1)) {
            ts_errf(err, "%s:%d: pit %s is not a probability", csvt_path(t), csvt_line(t, i),
                    csvt_field(t, i, col[3]));
            goto out;
        }
        intern(groups, &ng, tier);
        bins[pit[i] >= 1 ? 9 : (size_t)(pit[i] * 10)]++;
    }
    rc = -1;
    if (open_kind(c, "validate", &meta, &data, err) < 0)
        goto out;
    fprintf(meta.f, "n = %zu\nng = %zu\nlabels = %d\n", n, ng, n <= PIT_LABELS_MAX);
    chartdir_meta_array(meta.f, "group", ng);
    for (size_t g = 0; g < ng; g++)
        chartdir_meta_str_at(meta.f, "group", g, label_of(c, groups[g]));
    chartdir_meta_array(meta.f, "bins", 10);
    for (size_t b = 0; b < 10; b++)
        chartdir_meta_num_at(meta.f, "bins", b, (double)bins[b]);
    chartdir_meta_array(meta.f, "rowlabel", n);
    for (size_t i = 0; i < n; i++) {
        char text[160];
        snprintf(text, sizeof text, "%s %s %.16s", csvt_field(t, i, col[1]),
                 csvt_field(t, i, col[2]), csvt_field(t, i, col[0]));
        chartdir_meta_str_at(meta.f, "rowlabel", i, text);
        /* position (the first row on top), pit, tier group (1-based) */
        fprintf(data.f, "%zu\t", n - i);
        chartdir_tsv_num(data.f, pit[i], 0);
        fprintf(data.f, "%zu\n", intern(groups, &ng, csvt_field(t, i, col[1])) + 1);
    }
    rc = chartdir_add(c->cd, "validate", i18n(c->lang, CAP_VALIDATE), err, "validate_pit");
out:
    rc = close_kind(&meta, &data, rc, err);
    free(groups);
    free(pit);
    csvt_free(t);
    return rc;
}

/* ---------------------------------------------------------------- drawing */

unsigned plot_kinds(const char *dir)
{
    static const struct {
        const char *file;
        unsigned kind;
    } k[] = {{"targets.csv", PLOT_RUN}, {"fitted.csv", PLOT_FIT}, {"compare.csv", PLOT_COMPARE},
             {"goal.csv", PLOT_GOAL}, {"validation.csv", PLOT_VALIDATE}};
    unsigned kinds = 0;
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (chartdir_has(dir, k[i].file))
            kinds |= k[i].kind;
    return kinds;
}

int plot_prepare(chartdir *cd, unsigned kinds, ts_lang lang, ts_err *err)
{
    plot_ctx c = {chartdir_dir(cd), cd, lang, NULL, 0, NULL, 0};
    int rc = 0;
    if (kinds & PLOT_RUN)
        rc = draw_run_data(&c, err);
    /* Each kind reads tiers.csv itself (required for a run, optional else). */
    if (rc == 0 && (kinds & PLOT_FIT)) {
        free_tiers(&c);
        rc = draw_fit_data(&c, err);
    }
    if (rc == 0 && (kinds & PLOT_COMPARE)) {
        free_tiers(&c);
        rc = draw_compare_data(&c, err);
    }
    if (rc == 0 && (kinds & PLOT_GOAL))
        rc = draw_goal_data(&c, err);
    if (rc == 0 && (kinds & PLOT_VALIDATE)) {
        free_tiers(&c);
        rc = draw_validate_data(&c, err);
    }
    free_tiers(&c);
    return rc;
}

int plot_draw(const char *dir, const char *plots_dir, unsigned kinds, ts_lang lang,
              size_t *n_charts, ts_err *err)
{
    if (n_charts)
        *n_charts = 0;
    chartdir *cd = chartdir_open(dir, plots_dir, err);
    if (!cd)
        return -1;
    int rc = plot_prepare(cd, kinds, lang, err);
    if (rc == 0)
        rc = chartdir_commit(cd, err);
    if (rc == 0 && n_charts)
        *n_charts = chartdir_count(cd);
    chartdir_free(cd);
    return rc;
}

int plot_run(const char *dir, const char *plots_dir, ts_err *err)
{
    return plot_draw(dir, plots_dir, PLOT_RUN, LANG_EN, NULL, err);
}

int plot_fit(const char *dir, const char *plots_dir, ts_err *err)
{
    return plot_draw(dir, plots_dir, PLOT_FIT, LANG_EN, NULL, err);
}

int plot_compare(const char *dir, const char *plots_dir, ts_err *err)
{
    return plot_draw(dir, plots_dir, PLOT_COMPARE, LANG_EN, NULL, err);
}
