/* html.c -- report.html: one self-contained page from an output directory. */
#include "html.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "num.h"
#include "report.h"
#include "version.h"

#define PATH_MAX_LEN 4096

void html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static int starts(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

int html_inline_svg(FILE *f, const char *svg, const char *prefix)
{
    const char *p = strstr(svg, "<svg");
    if (!p)
        return -1;
    /* The attributes that name an id or refer to one, and the characters one
     * of which must come before each ("" for any); rewritten inside tags
     * only, so that text drawn on a chart is never changed (gnuplot escapes
     * '<' in text, so a '<' always opens a tag). */
    static const struct {
        const char *text, *after;
    } refs[] = {{"id='", " \t\n"}, {"id=\"", " \t\n"}, {"href='#", ": \t\n"},
                {"href=\"#", ": \t\n"}, {"url(#", ""}};
    const size_t n_refs = sizeof refs / sizeof refs[0];
    int in_tag = 0, root = 1;
    unsigned serial = 0;
    while (*p) {
        if (*p == '<') {
            in_tag = 1;
        } else if (*p == '>') {
            in_tag = 0;
            root = 0;
        }
        /* The root's xmlns declarations are for XML; HTML knows SVG without
         * them (and the page then names no address at all). */
        if (root && starts(p, "xmlns") && strchr(" \t\n", p[-1])) {
            const char *q = strchr(p, '=');
            char quote = q ? q[1] : '\0';
            const char *close = (quote == '"' || quote == '\'') ? strchr(q + 2, quote) : NULL;
            if (close) {
                p = close + 1;
                continue;
            }
        }
        size_t i = n_refs;
        if (in_tag)
            for (i = 0; i < n_refs; i++)
                if (starts(p, refs[i].text) &&
                    (!refs[i].after[0] || strchr(refs[i].after, p[-1])))
                    break;
        if (i == n_refs) {
            fputc(*p++, f);
            continue;
        }
        fputs(refs[i].text, f);
        fputs(prefix, f);
        p += strlen(refs[i].text);
        /* gnuplot repeats the (unreferenced) ids of its plot groups in a
         * multiplot: number them to keep every id unique. */
        if (starts(p, "gnuplot_plot_"))
            fprintf(f, "%u-", ++serial);
    }
    return 0;
}

/* ----------------------------------------------------------- the inputs */

/* The value of "key: value" in the manifest, copied into buf ("" if absent). */
static const char *manifest_get(const char *text, const char *key, char *buf, size_t len)
{
    size_t k = strlen(key);
    buf[0] = '\0';
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        if (!strncmp(line, key, k) && line[k] == ':') {
            const char *v = line + k + 1;
            while (*v == ' ')
                v++;
            size_t n = nl ? (size_t)(nl - v) : strlen(v);
            if (n >= len)
                n = len - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
        line = nl ? nl + 1 : NULL;
    }
    return buf;
}

/* The report card's why-lines (manifest "why: ..." of a run), and which
 * targets rest on assumptions only, under the card as on the terminal. */
static void why_section(FILE *f, ts_lang lang, const char *mtext)
{
    int open = 0;
    for (const char *line = mtext; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        if (n > 5 && !strncmp(line, "why: ", 5)) {
            char text[2048];
            snprintf(text, sizeof text, "%.*s", (int)(n - 5), line + 5);
            if (!open) {
                fputs("<p class=\"note\">", f);
                html_escape(f, i18n(lang, MSG_HTML_WHY));
                fputs("</p>\n<ul class=\"why\">\n", f);
            }
            fputs("<li>", f);
            html_escape(f, text);
            fputs("</li>\n", f);
            open = 1;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (open)
        fputs("</ul>\n", f);
    char assumed[2048];
    manifest_get(mtext, "assumptions_only", assumed, sizeof assumed);
    if (assumed[0] && strcmp(assumed, "none") != 0) {
        fputs("<p class=\"note\">", f);
        html_escape(f, i18n(lang, MSG_HTML_ASSUMED));
        html_escape(f, assumed);
        fputs(".</p>\n", f);
    }
}

static int path_in(char *buf, size_t len, const char *dir, const char *name)
{
    return snprintf(buf, len, "%s/%s", dir, name) < (int)len ? 0 : -1;
}

/* The label of `name` in table t's column `key` (NULL when t is NULL or
 * has no such row, or the label is empty). */
static const char *label_in(const csvt *t, const char *key, const char *name)
{
    if (!t)
        return NULL;
    long ct = csvt_col(t, key, NULL), cl = csvt_col(t, "label", NULL);
    if (ct < 0 || cl < 0)
        return NULL;
    for (size_t i = 0; i < csvt_rows(t); i++)
        if (!strcmp(csvt_field(t, i, ct), name) && csvt_field(t, i, cl)[0])
            return csvt_field(t, i, cl);
    return NULL;
}

/* Labels of tiers.csv, and of target_tiers.csv for the targets named apart
 * from a tier, when the directory has them. */
static const char *tier_label(const csvt *tiers, const csvt *named, const char *name)
{
    const char *l = label_in(tiers, "tier", name);
    if (!l)
        l = label_in(named, "target", name);
    return l ? l : name;
}

/* -------------------------------------------------------------- sections */

static void cell(FILE *f, const char *cls, const char *text)
{
    fprintf(f, cls ? "<td class=\"%s\">" : "<td>", cls);
    html_escape(f, text);
    fputs("</td>", f);
}

static void prob_cell(FILE *f, const char *text)
{
    double p;
    char buf[32];
    if (num_parse_double(text, &p) == 0) {
        snprintf(buf, sizeof buf, "%.3f", p);
        cell(f, NULL, buf);
    } else {
        cell(f, NULL, text);
    }
}

/* s escaped into buf, for a format's %s: cut to fit, never inside an
 * entity or a UTF-8 sequence. */
static const char *escaped(const char *s, char *buf, size_t len)
{
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    buf[0] = '\0';
    if (!m)
        return buf;
    html_escape(m, s);
    if (fclose(m) == 0 && text) {
        size_t k = strlen(text);
        if (k >= len) {
            k = len - 1;
            while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
                k--;
            size_t amp = k;
            while (amp > 0 && text[amp - 1] != '&' && text[amp - 1] != ';')
                amp--;
            if (amp > 0 && text[amp - 1] == '&')   /* an entity cut short */
                k = amp - 1;
        }
        memcpy(buf, text, k);
        buf[k] = '\0';
    }
    free(text);
    return buf;
}

/* The report card: targets.csv with the tiers' labels and verdicts. */
static int card_table(FILE *f, ts_lang lang, const csvt *t, const csvt *tiers,
                      const csvt *named, ts_err *err)
{
    static const char *const names[] = {"tier", "measure", "target", "threshold", "p_met",
                                        "ci_lo", "ci_hi", "p05", "p50", "p95"};
    long col[10];
    for (size_t i = 0; i < 10; i++)
        if ((col[i] = csvt_col(t, names[i], err)) < 0)
            return -1;
    /* needs: the whole count that meets the target, as the terminal and the
     * charts say, with the exact threshold beside it when that is not whole
     * (a directory written before targets.csv had `needs` derives it) */
    long needs_col = csvt_col(t, "needs", NULL);
    fprintf(f, "<h2>%s</h2>\n<table class=\"card\">\n%s\n<tbody>\n", i18n(lang, HTML_CARD),
            i18n(lang, HTML_CARD_HEAD));
    for (size_t i = 0; i < csvt_rows(t); i++) {
        const char *tier = csvt_field(t, i, col[0]);
        int all = !strcmp(tier, "ALL");
        double p = NAN;
        csvt_num(t, i, col[4], 1, &p, NULL);
        /* the class is the verdict's name, the same in every language */
        const char *v = isfinite(p) ? report_verdict_name(report_verdict(p)) : "";
        fprintf(f, "<tr class=\"%s%s\">", v, all ? " all" : "");
        fputs("<td class=\"l\">", f);
        if (all) {
            fputs(i18n(lang, HTML_CARD_ALL), f);
        } else {
            html_escape(f, tier_label(tiers, named, tier));
            fputs(" <small>", f);
            html_escape(f, tier);
            fputs("</small>", f);
        }
        fputs("</td>", f);
        cell(f, "l", i18n_measure(lang, csvt_field(t, i, col[1])));
        cell(f, NULL, csvt_field(t, i, col[2]));
        double thr = NAN, needs = NAN;
        csvt_num(t, i, col[3], 1, &thr, NULL);
        if (needs_col >= 0)
            csvt_num(t, i, needs_col, 1, &needs, NULL);
        if (!isfinite(needs) && isfinite(thr))
            needs = report_needs(thr);
        if (isfinite(needs)) {
            fprintf(f, "<td>%.0f", needs);
            if (isfinite(thr) && thr != needs) {
                fputs(" <small>(", f);
                html_escape(f, csvt_field(t, i, col[3]));
                fputs(")</small>", f);
            }
            fputs("</td>", f);
        } else {
            cell(f, NULL, "");
        }
        prob_cell(f, csvt_field(t, i, col[4]));
        double lo = NAN, hi = NAN;
        csvt_num(t, i, col[5], 1, &lo, NULL);
        csvt_num(t, i, col[6], 1, &hi, NULL);
        char ci[64] = "";
        if (isfinite(lo) && isfinite(hi))
            snprintf(ci, sizeof ci, "[%.3f, %.3f]", lo, hi);
        cell(f, NULL, ci);
        cell(f, "l verdict", isfinite(p) ? i18n_verdict(lang, (int)report_verdict(p)) : "");
        char q[128] = "";
        if (csvt_field(t, i, col[8])[0])
            snprintf(q, sizeof q, "%.40s / %.40s / %.40s", csvt_field(t, i, col[7]),
                     csvt_field(t, i, col[8]), csvt_field(t, i, col[9]));
        cell(f, NULL, q);
        fputs("</tr>\n", f);
    }
    fprintf(f, "</tbody>\n</table>\n<p class=\"note\">%s%s</p>\n", i18n(lang, HTML_CARD_NEEDS_NOTE),
            i18n(lang, HTML_CARD_NOTE));
    return 0;
}

/* Any other table (compare.csv, fit.csv) as it is. */
static void plain_table(FILE *f, const char *title, const csvt *t)
{
    fputs("<h2>", f);
    html_escape(f, title);
    fputs("</h2>\n<table>\n<thead><tr>", f);
    size_t nc = csvt_cols(t);
    for (size_t j = 0; j < nc; j++) {
        fputs("<th>", f);
        html_escape(f, csvt_header(t, (long)j));
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < csvt_rows(t); i++) {
        fputs("<tr>", f);
        for (size_t j = 0; j < nc; j++) {
            double v;
            const char *s = csvt_field(t, i, (long)j);
            cell(f, num_parse_double(s, &v) == 0 || !s[0] ? NULL : "l", s);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
}

/* The calibration: fit.csv, the chi-square with its p-value, and the fit's
 * warnings (its fit_warning lines of the manifest), which say what the
 * table cannot: a model the data reject, an estimate on its bound. */
static void fit_section(FILE *f, ts_lang lang, const csvt *t, const char *mtext)
{
    plain_table(f, i18n(lang, HTML_FIT_TABLE), t);
    char chi2[64], dof[32], p[64], e1[400], e2[200];
    manifest_get(mtext, "chi2", chi2, sizeof chi2);
    manifest_get(mtext, "dof", dof, sizeof dof);
    manifest_get(mtext, "chi2_p", p, sizeof p);
    if (chi2[0]) {
        fputs("<p class=\"note\">", f);
        i18n_fprintf(f, lang, HTML_CHI2, escaped(chi2, e1, sizeof e1), escaped(dof, e2, sizeof e2));
        /* (an older output has no chi2_p; 0 degrees of freedom, no test) */
        if (p[0] && strncmp(p, "none", 4) != 0)
            i18n_fprintf(f, lang, HTML_CHI2_P, escaped(p, e1, sizeof e1));
        else if (p[0])
            fputs(i18n(lang, HTML_CHI2_NO_TEST), f);
        fputs("</p>\n", f);
    }
    int any = 0;
    for (const char *line = mtext; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        static const char key[] = "fit_warning: ";
        if (n >= sizeof key - 1 && !strncmp(line, key, sizeof key - 1)) {
            if (!any++)
                fprintf(f, "<h3>%s</h3>\n<ul>\n", i18n(lang, HTML_FIT_WARNINGS));
            char *text = malloc(n + 1);
            if (text) {
                memcpy(text, line + sizeof key - 1, n - (sizeof key - 1));
                text[n - (sizeof key - 1)] = '\0';
                /* styled here, not in the page's style sheet, which stays as
                 * it is for outputs without a fit */
                fputs("<li style=\"background:#fbe7b5;margin:.3em 0;padding:.3em .6em\">", f);
                html_escape(f, text);
                fputs("</li>\n", f);
                free(text);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (any)
        fputs("</ul>\n", f);
}

/* A number of the summary as the terminal shows it: %.4g, "" for empty. */
static void num_cell(FILE *f, const char *text)
{
    double v;
    char buf[32];
    if (text[0] && num_parse_double(text, &v) == 0) {
        snprintf(buf, sizeof buf, "%.4g", v);
        cell(f, NULL, buf);
    } else {
        cell(f, NULL, text);
    }
}

/* The validation (validation-summary.csv): the verdict in words, then the
 * statistics with their intervals. */
static int validation_summary(FILE *f, ts_lang lang, const csvt *t, ts_err *err)
{
    static const char *const names[] = {"statistic", "value", "lo", "hi", "expected", "n",
                                        "p_value", "note"};
    long col[8];
    for (size_t i = 0; i < 8; i++)
        if ((col[i] = csvt_col(t, names[i], err)) < 0)
            return -1;
    const char *words = "", *far = "", *rows = "";
    for (size_t i = 0; i < csvt_rows(t); i++) {
        const char *stat = csvt_field(t, i, col[0]);
        if (!strcmp(stat, "verdict"))
            words = csvt_field(t, i, col[7]);
        else if (!strcmp(stat, "furthest_out"))
            far = csvt_field(t, i, col[7]);
        else if (!strcmp(stat, "rows"))
            rows = csvt_field(t, i, col[1]);
    }
    char e1[1600], e2[64], e3[1600];
    fprintf(f, "<h2>%s</h2>\n", i18n(lang, HTML_VALIDATION));
    i18n_fprintf(f, lang, HTML_VALIDATION_VERDICT, escaped(words, e1, sizeof e1),
                 escaped(rows, e2, sizeof e2), escaped(far, e3, sizeof e3));
    fprintf(f, "<table>\n%s\n<tbody>\n", i18n(lang, HTML_VALIDATION_HEAD));
    for (size_t i = 0; i < csvt_rows(t); i++) {
        const char *stat = csvt_field(t, i, col[0]);
        if (!strcmp(stat, "verdict") || !strcmp(stat, "furthest_out"))
            continue;
        fputs("<tr>", f);
        cell(f, "l", stat);
        num_cell(f, csvt_field(t, i, col[1]));
        double lo = NAN, hi = NAN;
        csvt_num(t, i, col[2], 1, &lo, NULL);
        csvt_num(t, i, col[3], 1, &hi, NULL);
        char ci[64] = "";
        if (isfinite(lo) && isfinite(hi))
            snprintf(ci, sizeof ci, "[%.3f, %.3f]", lo, hi);
        cell(f, NULL, ci);
        num_cell(f, csvt_field(t, i, col[4]));
        cell(f, NULL, csvt_field(t, i, col[5]));
        num_cell(f, csvt_field(t, i, col[6]));
        cell(f, "l", csvt_field(t, i, col[7]));
        fputs("</tr>\n", f);
    }
    fprintf(f, "</tbody>\n</table>\n<p class=\"note\">%s</p>\n", i18n(lang, HTML_VALIDATION_NOTE));
    return 0;
}

/* ----------------------------------------- the analyses' stated answers */

/* The manifest's warning lines (tiersim sensitivity's, when its design is too
 * small for what it is asked), where they cannot be missed. */
static void warnings_section(FILE *f, ts_lang lang, const char *mtext)
{
    int any = 0;
    for (const char *line = mtext; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        static const char key[] = "warning: ";
        if (n >= sizeof key - 1 && !strncmp(line, key, sizeof key - 1)) {
            if (!any++)
                fprintf(f, "<h2>%s</h2>\n<ul>\n", i18n(lang, HTML_WARNINGS));
            fputs("<li style=\"background:#fbe7b5;margin:.3em 0;padding:.3em .6em\">", f);
            char *text = malloc(n + 1);
            if (text) {
                memcpy(text, line + sizeof key - 1, n - (sizeof key - 1));
                text[n - (sizeof key - 1)] = '\0';
                html_escape(f, text);
                free(text);
            }
            fputs("</li>\n", f);
        }
        line = nl ? nl + 1 : NULL;
    }
    if (any)
        fputs("</ul>\n", f);
}

/* A target's label: TIER or TIER:MEASURE, by tiers.csv, or a named target's,
 * by target_tiers.csv. */
static void target_cell(FILE *f, ts_lang lang, const csvt *tiers, const csvt *named,
                        const char *target)
{
    char tier[256];
    snprintf(tier, sizeof tier, "%s", target);
    char *colon = strchr(tier, ':');
    if (colon)
        *colon = '\0';
    fputs("<td class=\"l\">", f);
    if (!strcmp(target, "ALL")) {
        fputs(i18n(lang, HTML_CARD_ALL), f);
    } else {
        html_escape(f, tier_label(tiers, named, tier));
        fputs(" <small>", f);
        html_escape(f, target);
        fputs("</small>", f);
    }
    fputs("</td>", f);
}

/* compare.csv as the terminal shows it -- a row per target, a column per
 * arm (named by its label), P(met) and the paired change +/- the half-width
 * of its 95 % interval -- then, per target, the arm that changes it most
 * beyond that interval. */
static int compare_summary(FILE *f, ts_lang lang, const csvt *t, const csvt *tiers,
                           const csvt *named, ts_err *err)
{
    static const char *const names[] = {"arm", "target", "p_met", "delta", "delta_se"};
    long col[5];
    for (size_t i = 0; i < 5; i++)
        if ((col[i] = csvt_col(t, names[i], err)) < 0)
            return -1;
    long lcol = csvt_col(t, "arm_label", NULL);
    size_t n = csvt_rows(t), na = 0, nt = 0;
    const char **arms = calloc(n + 1, sizeof *arms), **targets = calloc(n + 1, sizeof *targets);
    const char **labels = calloc(n + 1, sizeof *labels);
    if (!arms || !targets || !labels) {
        free(arms), free(targets), free(labels);
        return ts_errf(err, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const char *a = csvt_field(t, i, col[0]), *g = csvt_field(t, i, col[1]);
        size_t k = 0;
        while (k < na && strcmp(arms[k], a))
            k++;
        if (k == na) {
            arms[na] = a;
            labels[na++] = lcol >= 0 && csvt_field(t, i, lcol)[0] ? csvt_field(t, i, lcol) : a;
            /* the baseline's label is the word, in the page's language */
            if (na == 1 && !strcmp(labels[0], "baseline"))
                labels[0] = i18n(lang, GP_BASELINE);
        }
        for (k = 0; k < nt && strcmp(targets[k], g); k++)
            ;
        if (k == nt)
            targets[nt++] = g;
    }
    fprintf(f, "<h2>%s</h2>\n<table>\n<thead><tr><th class=\"l\">%s</th>", i18n(lang, HTML_COMPARE),
            i18n(lang, MSG_COL_TARGET));
    for (size_t a = 0; a < na; a++) {
        fputs("<th>", f);
        html_escape(f, labels[a]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t j = 0; j < nt; j++) {
        fprintf(f, "<tr%s>", strcmp(targets[j], "ALL") ? "" : " class=\"all\"");
        target_cell(f, lang, tiers, named, targets[j]);
        for (size_t a = 0; a < na; a++) {
            char text[96] = "";
            for (size_t i = 0; i < n; i++) {
                if (strcmp(csvt_field(t, i, col[0]), arms[a]) ||
                    strcmp(csvt_field(t, i, col[1]), targets[j]))
                    continue;
                double p = NAN, d = NAN, dse = NAN;
                csvt_num(t, i, col[2], 1, &p, NULL);
                csvt_num(t, i, col[3], 1, &d, NULL);
                csvt_num(t, i, col[4], 1, &dse, NULL);
                if (a == 0 || !isfinite(d) || !isfinite(dse))
                    snprintf(text, sizeof text, "%.3f", p);
                else
                    snprintf(text, sizeof text, "%.3f (%+.3f \u00b1 %.3f)", p, d,
                             REPORT_Z95 * dse);
            }
            cell(f, NULL, text);
        }
        fputs("</tr>\n", f);
    }
    fprintf(f, "</tbody>\n</table>\n<p class=\"note\">%s</p>\n<ul>\n", i18n(lang, HTML_COMPARE_NOTE));
    for (size_t j = 0; j < nt; j++) {
        double best = 0, best_hw = 0, p0 = NAN, p1 = NAN;
        size_t ba = 0;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(csvt_field(t, i, col[1]), targets[j]))
                continue;
            double p = NAN, d = NAN, dse = NAN;
            csvt_num(t, i, col[2], 1, &p, NULL);
            csvt_num(t, i, col[3], 1, &d, NULL);
            csvt_num(t, i, col[4], 1, &dse, NULL);
            if (!strcmp(csvt_field(t, i, col[0]), arms[0]))
                p0 = p;
            else if (isfinite(d) && isfinite(dse) && fabs(d) > REPORT_Z95 * dse &&
                     fabs(d) > fabs(best)) {
                best = d, best_hw = REPORT_Z95 * dse, p1 = p;
                for (ba = 0; ba < na && strcmp(arms[ba], csvt_field(t, i, col[0])); ba++)
                    ;
            }
        }
        fputs("<li>", f);
        html_escape(f, strcmp(targets[j], "ALL") ? targets[j] : i18n(lang, HTML_ALL_TARGETS));
        if (best != 0) {
            fputs(i18n(lang, HTML_COMPARE_MOVED), f);
            html_escape(f, labels[ba]);
            i18n_fprintf(f, lang, HTML_COMPARE_CHANGE, p0, p1, best, best_hw);
        } else {
            i18n_fprintf(f, lang, HTML_COMPARE_UNMOVED, p0);
        }
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
    free(arms), free(targets), free(labels);
    return 0;
}

/* goal.csv: the answer in words (the range and the replications from the
 * manifest), then the table as it is. */
static int goal_section(FILE *f, ts_lang lang, const csvt *t, const char *mtext, ts_err *err)
{
    static const char *const names[] = {"lever", "value", "p_met", "se", "bracket_lo",
                                        "bracket_hi", "target", "prob"};
    long col[8];
    for (size_t i = 0; i < 8; i++)
        if ((col[i] = csvt_col(t, names[i], err)) < 0)
            return -1;
    if (csvt_rows(t) < 1)
        return ts_errf(err, "%s: no rows", csvt_path(t));
    char range[128], reps[128];
    manifest_get(mtext, "range", range, sizeof range);
    manifest_get(mtext, "replications", reps, sizeof reps);
    double v = NAN, p = NAN, se = NAN, lo = NAN, hi = NAN, q = NAN;
    csvt_num(t, 0, col[1], 1, &v, NULL);
    csvt_num(t, 0, col[2], 1, &p, NULL);
    csvt_num(t, 0, col[3], 1, &se, NULL);
    csvt_num(t, 0, col[4], 1, &lo, NULL);
    csvt_num(t, 0, col[5], 1, &hi, NULL);
    csvt_num(t, 0, col[7], 1, &q, NULL);
    fprintf(f, "<h2>%s</h2>\n<p><strong>", i18n(lang, HTML_GOAL));
    html_escape(f, csvt_field(t, 0, col[6]));
    i18n_fprintf(f, lang, HTML_GOAL_PMET, q);
    if (isfinite(v)) {
        fputs(i18n(lang, HTML_GOAL_NEEDS), f);
        html_escape(f, csvt_field(t, 0, col[0]));
        i18n_fprintf(f, lang, HTML_GOAL_ANSWER, v, lo, hi, q, p, se);
        if (reps[0]) {
            fputs(i18n(lang, HTML_GOAL_REPS), f);
            html_escape(f, reps);
        }
        fputs(i18n(lang, HTML_GOAL_CLOSE), f);
    } else {
        fputs(i18n(lang, HTML_GOAL_UNREACHABLE), f);
        html_escape(f, csvt_field(t, 0, col[0]));
        fputs("</code>", f);
        if (range[0]) {
            fputs(i18n(lang, HTML_GOAL_IN), f);
            html_escape(f, range);
        }
        i18n_fprintf(f, lang, HTML_GOAL_TOP, p);
    }
    plain_table(f, i18n(lang, HTML_GOAL_TABLE), t);
    return 0;
}

/* tornado.csv: per target and output, the value where the bars start
 * (tornado_base.csv) and the three largest swings, as the terminal says. */
static int tornado_section(FILE *f, ts_lang lang, const char *dir, const csvt *t,
                           const csvt *tiers, const csvt *named, ts_err *err)
{
    static const char *const names[] = {"target", "output", "parameter", "output_low",
                                        "output_high", "swing"};
    long col[6];
    for (size_t i = 0; i < 6; i++)
        if ((col[i] = csvt_col(t, names[i], err)) < 0)
            return -1;
    char path[PATH_MAX_LEN];
    csvt *base = NULL;
    if (path_in(path, sizeof path, dir, "tornado_base.csv") == 0 && access(path, F_OK) == 0 &&
        !(base = csvt_read(path, err)))
        return -1;
    long bt = base ? csvt_col(base, "target", NULL) : -1, bo = base ? csvt_col(base, "output", NULL) : -1,
         bv = base ? csvt_col(base, "value", NULL) : -1;
    fprintf(f, "<h2>%s</h2>\n<table>\n%s\n<tbody>\n", i18n(lang, HTML_TORNADO),
            i18n(lang, HTML_TORNADO_HEAD));
    for (size_t i = 0; i < csvt_rows(t); i++) {
        const char *g = csvt_field(t, i, col[0]), *o = csvt_field(t, i, col[1]);
        if (i > 0 && !strcmp(g, csvt_field(t, i - 1, col[0])) &&
            !strcmp(o, csvt_field(t, i - 1, col[1])))
            continue;
        int pm = !strcmp(o, "p_met");
        fputs("<tr>", f);
        target_cell(f, lang, tiers, named, g);
        cell(f, "l", i18n(lang, pm ? HTML_TORNADO_PMET : HTML_TORNADO_MEAN));
        char from[64] = "";
        for (size_t b = 0; base && bt >= 0 && bo >= 0 && bv >= 0 && b < csvt_rows(base); b++)
            if (!strcmp(csvt_field(base, b, bt), g) && !strcmp(csvt_field(base, b, bo), o)) {
                double v;
                if (csvt_num(base, b, bv, 0, &v, NULL) == 0)
                    snprintf(from, sizeof from, pm ? "%.3f" : "%.4g", v);
            }
        cell(f, NULL, from);
        fputs("<td class=\"l\">", f);
        size_t shown = 0;
        for (size_t k = i; k < csvt_rows(t) && shown < 3; k++) {
            if (strcmp(csvt_field(t, k, col[0]), g) || strcmp(csvt_field(t, k, col[1]), o))
                break;
            double lo, hi, sw;
            if (csvt_num(t, k, col[3], 0, &lo, NULL) < 0 || csvt_num(t, k, col[4], 0, &hi, NULL) < 0 ||
                csvt_num(t, k, col[5], 0, &sw, NULL) < 0 || !(sw > 0))
                break;
            fputs(shown++ ? "; " : "", f);
            html_escape(f, csvt_field(t, k, col[2]));
            i18n_fprintf(f, lang, pm ? HTML_TORNADO_SWING_P : HTML_TORNADO_SWING_M, sw, lo, hi);
        }
        if (!shown)
            fputs(i18n(lang, GP_TORNADO_NONE), f);
        fputs("</td></tr>\n", f);
    }
    fprintf(f, "</tbody>\n</table>\n<p class=\"note\">%s</p>\n", i18n(lang, HTML_TORNADO_NOTE));
    csvt_free(base);
    return 0;
}

static int charts_section(FILE *f, ts_lang lang, const char *dir, ts_err *err)
{
    char path[PATH_MAX_LEN];
    if (path_in(path, sizeof path, dir, "charts/index.csv") < 0)
        return ts_errf(err, "%s: path too long", dir);
    if (access(path, F_OK) != 0) {
        fprintf(f, "<h2>%s</h2>\n<p class=\"note\">%s</p>\n", i18n(lang, HTML_CHARTS),
                i18n(lang, HTML_NO_CHARTS));
        return 0;
    }
    csvt *idx = csvt_read(path, err);
    if (!idx)
        return -1;
    long cf = csvt_col(idx, "file", err), cc = cf >= 0 ? csvt_col(idx, "caption", err) : -1;
    if (cf < 0 || cc < 0) {
        csvt_free(idx);
        return -1;
    }
    fprintf(f, "<h2>%s</h2>\n", i18n(lang, HTML_CHARTS));
    for (size_t i = 0; i < csvt_rows(idx); i++) {
        const char *name = csvt_field(idx, i, cf);
        char svg_path[PATH_MAX_LEN + 80], prefix[32];
        if (strchr(name, '/') || snprintf(svg_path, sizeof svg_path, "%s/charts/%s.svg", dir,
                                          name) >= (int)sizeof svg_path) {
            ts_errf(err, "%s:%d: bad chart name '%s'", path, csvt_line(idx, i), name);
            csvt_free(idx);     /* after the message: it holds name */
            return -1;
        }
        char *svg = csvio_read_file(svg_path, NULL, err);
        if (!svg) {
            csvt_free(idx);
            return -1;
        }
        snprintf(prefix, sizeof prefix, "c%zu-", i + 1);
        fputs("<figure id=\"", f);
        html_escape(f, name);
        fputs("\">\n", f);
        int rc = html_inline_svg(f, svg, prefix);
        free(svg);
        if (rc < 0) {
            csvt_free(idx);
            return ts_errf(err, "%s: not an SVG file", svg_path);
        }
        fputs("<figcaption>", f);
        html_escape(f, csvt_field(idx, i, cc));
        fputs("</figcaption>\n</figure>\n", f);
    }
    csvt_free(idx);
    return 0;
}

static const char style[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans\",\"PingFang SC\",\"Microsoft YaHei\","
    "system-ui,sans-serif;color:#222;max-width:1240px;margin:2em auto;padding:0 1em;"
    "line-height:1.45}\n"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #ddd}\n"
    ".sub{color:#555;margin-top:0}\n"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:.35em .7em;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}\n"
    "th{background:#f3f3f3}.l{text-align:left}small{color:#777}\n"
    "tr.likely td.verdict{background:#cfe8c9}tr.uncertain td.verdict{background:#fbe7b5}\n"
    "tr.unlikely td.verdict{background:#f4c7c3}tr.all td{border-top:2px solid #999;"
    "font-weight:bold}\n"
    "figure{margin:2em 0}figure svg{width:100%;height:auto;display:block}\n"
    "figcaption{color:#444;font-size:.95em;margin-top:.3em}\n"
    "pre{background:#f6f6f6;padding:1em;overflow-x:auto;white-space:pre-wrap}\n"
    ".note{color:#555;font-size:.95em}\n";

static int write_page(FILE *f, ts_lang lang, const char *dir, const char *mtext, ts_err *err)
{
    char name[256], label[1024], years[64], start[64], known[64], policies[1024], reps[64],
        seed[64];
    manifest_get(mtext, "scenario_name", name, sizeof name);
    manifest_get(mtext, "scenario_label", label, sizeof label);
    manifest_get(mtext, "years", years, sizeof years);
    manifest_get(mtext, "start", start, sizeof start);
    manifest_get(mtext, "known_until", known, sizeof known);
    manifest_get(mtext, "policies", policies, sizeof policies);
    manifest_get(mtext, "replications", reps, sizeof reps);
    manifest_get(mtext, "seed", seed, sizeof seed);
    if (!name[0]) {
        /* an output written before the manifest named the scenario: the
         * stem of its file, never the path */
        char path[1024];
        manifest_get(mtext, "scenario", path, sizeof path);
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        snprintf(name, sizeof name, "%.200s", base);
        char *dot = strrchr(name, '.');
        if (dot && dot != name)
            *dot = '\0';
    }

    /* the title is the scenario's label, what a planner calls it */
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
            i18n(lang, HTML_LANG));
    html_escape(f, label[0] ? label : name[0] ? name : "tiersim");
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
    html_escape(f, label[0] ? label : name);
    fprintf(f, "</h1>\n<p class=\"sub\">%s <strong>", i18n(lang, HTML_SCENARIO));
    html_escape(f, name);
    fputs("</strong>", f);
    /* The years are update years: `start` says when each begins, and
     * known_until what the scenario could know (DESIGN.md, "Dates"). */
    if (!strcmp(policies, "none"))
        snprintf(policies, sizeof policies, "%s", i18n(lang, MSG_NONE));
    const struct {
        msg_id what;
        const char *value;
    } parts[] = {{HTML_YEARS, years},       {HTML_START, start}, {HTML_KNOWN, known},
                 {HTML_POLICIES, policies}, {HTML_REPLICATIONS, reps}, {HTML_SEED, seed}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i].value[0]) {
            fprintf(f, " &middot; %s ", i18n(lang, parts[i].what));
            html_escape(f, parts[i].value);
        }
    fputs("</p>\n", f);
    warnings_section(f, lang, mtext);

    char path[PATH_MAX_LEN];
    csvt *tiers = NULL, *named = NULL;
    int rc = 0;
    if (path_in(path, sizeof path, dir, "tiers.csv") == 0 && access(path, F_OK) == 0 &&
        !(tiers = csvt_read(path, err)))
        return -1;
    if (path_in(path, sizeof path, dir, "target_tiers.csv") == 0 && access(path, F_OK) == 0 &&
        !(named = csvt_read(path, err))) {
        csvt_free(tiers);
        return -1;
    }
    static const struct {
        const char *file;
        msg_id title;           /* MSG_COUNT: a section of its own */
    } tables[] = {{"targets.csv", MSG_COUNT},
                  {"validation-summary.csv", MSG_COUNT},
                  {"validation.csv", HTML_VALIDATION_TABLE},
                  {"compare.csv", HTML_COMPARE_TABLE},
                  {"goal.csv", MSG_COUNT},
                  {"tornado.csv", MSG_COUNT},
                  {"fit.csv", HTML_FIT_TABLE}};
    for (size_t i = 0; rc == 0 && i < sizeof tables / sizeof tables[0]; i++) {
        if (path_in(path, sizeof path, dir, tables[i].file) < 0 || access(path, F_OK) != 0)
            continue;
        csvt *t = csvt_read(path, err);
        if (!t) {
            rc = -1;
            break;
        }
        if (i == 0) {
            rc = card_table(f, lang, t, tiers, named, err);
            why_section(f, lang, mtext);
        } else if (!strcmp(tables[i].file, "validation-summary.csv")) {
            rc = validation_summary(f, lang, t, err);
        } else if (!strcmp(tables[i].file, "fit.csv")) {
            fit_section(f, lang, t, mtext);
        } else if (!strcmp(tables[i].file, "goal.csv")) {
            rc = goal_section(f, lang, t, mtext, err);
        } else if (!strcmp(tables[i].file, "tornado.csv")) {
            rc = tornado_section(f, lang, dir, t, tiers, named, err);
        } else if (!strcmp(tables[i].file, "compare.csv")) {
            if ((rc = compare_summary(f, lang, t, tiers, named, err)) == 0)
                plain_table(f, i18n(lang, tables[i].title), t);
        } else {
            plain_table(f, i18n(lang, tables[i].title), t);
        }
        csvt_free(t);
    }
    csvt_free(tiers);
    csvt_free(named);
    if (rc == 0)
        rc = charts_section(f, lang, dir, err);
    if (rc < 0)
        return -1;
    fprintf(f, "<h2>%s</h2>\n<pre>", i18n(lang, HTML_MANIFEST));
    html_escape(f, mtext);
    fputs("</pre>\n", f);
    i18n_fprintf(f, lang, HTML_FOOTER, TIERSIM_VERSION);
    fputs("</body>\n</html>\n", f);
    return 0;
}

int html_write_report(const char *dir, ts_lang lang, ts_err *err)
{
    char mpath[PATH_MAX_LEN], out[PATH_MAX_LEN], tmp[PATH_MAX_LEN + 32];
    if (path_in(mpath, sizeof mpath, dir, "manifest.txt") < 0 ||
        path_in(out, sizeof out, dir, "report.html") < 0)
        return ts_errf(err, "%s: path too long", dir);
    char *mtext = csvio_read_file(mpath, NULL, err);
    if (!mtext)
        return -1;
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        free(mtext);
        return ts_errf(err, "%s: cannot write: %s", tmp, strerror(errno));
    }
    int rc = write_page(f, lang, dir, mtext, err);
    free(mtext);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        if (rc == 0)
            rc = ts_errf(err, "%s: write failed: %s", tmp, strerror(errno));
    }
    if (rc == 0 && rename(tmp, out) < 0)
        rc = ts_errf(err, "%s: cannot write: %s", out, strerror(errno));
    if (rc < 0)
        unlink(tmp);
    return rc;
}
