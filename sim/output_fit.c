/* output_fit.c -- the files of `tiersim fit`: fit.csv, fitted.csv, fitted.ini. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "output.h"
#include "report.h"
#include "version.h"

/* `to` relative to directory `from` (both absolute and canonical). */
static void relative_path(const char *from, const char *to, char *buf, size_t len)
{
    size_t common = 0, i = 0;
    while (from[i] && to[i] && from[i] == to[i]) {
        if (from[i] == '/')
            common = i;
        i++;
    }
    if (from[i] == '\0' && to[i] == '/')
        common = i;
    size_t used = 0;
    buf[0] = '\0';
    for (const char *p = from + common; *p; p++)
        if (*p == '/' && used + 4 < len) {
            memcpy(buf + used, "../", 4);
            used += 3;
        }
    snprintf(buf + used, len - used, "%s", to + common + 1);
}

static int write_fit_csv(outdir *o, const scenario *s, const fit_result *r, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(o, "fit.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"parameter", "estimate", "se", "lo95", "hi95", "prior"};
    for (size_t i = 0; i < 6; i++)
        csvw_str(w, head[i]);
    csvw_end_row(w);
    for (size_t j = 0; j < r->n_est; j++) {
        const fit_estimate *e = &r->est[j];
        const ts_param *p = &s->params[e->param];
        /* The prior kept in the estimate: after fit_apply (run --history)
         * the parameter holds the fitted distribution. */
        char prior[128] = "";
        if (e->has_prior)
            dist_format(&e->prior, prior, sizeof prior);
        csvw_str(w, p->name);
        csvw_num(w, e->estimate);
        csvw_num(w, e->se); /* NaN: an empty field */
        csvw_num(w, e->lo95);
        csvw_num(w, e->hi95);
        csvw_str(w, prior);
        csvw_end_row(w);
    }
    return csvw_close(w, err);
}

static int write_fitted_csv(outdir *o, const scenario *s, const history *h, const fit_result *r,
                            ts_err *err)
{
    csvw *w = csvw_open(outdir_file(o, "fitted.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"year", "period_end", "tier", "measure", "observed",
                                       "fitted", "residual", "standardized_residual"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csvw_str(w, head[i]);
    csvw_end_row(w);
    for (size_t i = 0; i < r->n_pts; i++) {
        const fit_point *pt = &r->pts[i];
        const history_row *row = &h->rows[pt->row];
        /* A history row's year is an update year: it ends where the
         * projection's rows of that year do. */
        report_year_cells(w, s, row->year);
        csvw_str(w, s->tiers[row->tier].name);
        csvw_str(w, history_measure_names[row->measure]);
        csvw_num(w, row->value);
        csvw_num(w, pt->fitted);
        csvw_num(w, pt->residual);
        csvw_num(w, pt->standardized);
        csvw_end_row(w);
    }
    return csvw_close(w, err);
}

static void se_text(const fit_estimate *e, char *buf, size_t len)
{
    if (isfinite(e->se))
        snprintf(buf, len, "%.3g", e->se);
    else
        snprintf(buf, len, "undetermined");
}

/* fitted.ini inherits the scenario (`base =`) and overrides each fitted key,
 * so everything else stays exactly as the planner wrote it. */
static int write_fitted_ini(outdir *o, const scenario *s, const history *h,
                            const fit_result *r, ts_err *err)
{
    const char *path = outdir_file(o, "fitted.ini");
    char *dir = realpath(outdir_tmp(o), NULL), *scen = realpath(s->path, NULL);
    if (!dir || !scen) {
        free(dir);
        free(scen);
        return ts_errf(err, "%s: cannot resolve its path: %s", s->path, strerror(errno));
    }
    char base[4096];
    relative_path(dir, scen, base, sizeof base);
    free(dir);
    free(scen);
    FILE *f = fopen(path, "w");
    if (!f)
        return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    fprintf(f, "; fitted by tiersim %s: `tiersim fit %s %s`\n", TIERSIM_VERSION, s->path,
            h->path);
    fprintf(f, "; Every `fit` of the scenario is replaced by a distribution of mean the estimate "
               "and sd its se:\n; gamma for a stock or an inflow, beta for a probability, a "
               "normal truncated at -1 for a growth\n; (narrower where the range allows no such "
               "sd, and a fixed value where the se is 0 or undetermined:\n; the fit's warnings "
               "say which). Everything else comes from the base.\n\n");
    fprintf(f, "[scenario]\nbase = %s\n", base);
    /* One section per tier or transition, holding all of its fitted keys
     * (KEY@YEAR included: tier.a.inflow@2024 is `inflow@2024` in [tier a]). */
    for (size_t j = 0; j < r->n_est; j++) {
        const char *name = s->params[r->est[j].param].name;
        if (!strncmp(name, "event.", 6))
            continue;
        size_t sec_len = (size_t)(strrchr(name, '.') - name);
        int seen = 0;
        for (size_t i = 0; i < j && !seen; i++)
            seen = !strncmp(s->params[r->est[i].param].name, name, sec_len + 1);
        if (seen)
            continue;
        const char *dot1 = strchr(name, '.');
        fprintf(f, "\n[%.*s %.*s]\n", (int)(dot1 - name), name, (int)(sec_len - (size_t)(dot1 - name) - 1),
                dot1 + 1);
        for (size_t i = j; i < r->n_est; i++) {
            const fit_estimate *e = &r->est[i];
            const char *other = s->params[e->param].name;
            if (strncmp(other, name, sec_len + 1) != 0)
                continue;
            char value[160], se[32];
            fit_format_fitted(s, e, value, sizeof value);
            se_text(e, se, sizeof se);
            fprintf(f, "%s = %s    ; estimate %.6g, se %s\n", other + sec_len + 1, value,
                    e->estimate, se);
        }
    }
    /* An event's `move` keys replace all of the base's, so an event with a
     * fitted fraction is written with every move, the others as written. */
    for (size_t e = 0; e < s->n_events; e++) {
        const ts_event *ev = &s->events[e];
        int any = 0;
        for (size_t i = 0; i < ev->n_moves && !any; i++)
            for (size_t j = 0; j < r->n_est && !any; j++)
                any = r->est[j].param == ev->moves[i].p_frac;
        if (!any)
            continue;
        fprintf(f, "\n[event %s]\n", ev->name);
        for (size_t i = 0; i < ev->n_moves; i++) {
            const ts_move *mv = &ev->moves[i];
            const fit_estimate *e_fit = NULL;
            for (size_t j = 0; j < r->n_est; j++)
                if (r->est[j].param == mv->p_frac)
                    e_fit = &r->est[j];
            char value[160];
            if (e_fit)
                fit_format_fitted(s, e_fit, value, sizeof value);
            else
                dist_format(&s->params[mv->p_frac].value, value, sizeof value);
            fprintf(f, "move = %s -> %s : %s", s->tiers[mv->from].name, s->tiers[mv->to].name,
                    value);
            if (e_fit) {
                char se[32];
                se_text(e_fit, se, sizeof se);
                fprintf(f, "    ; estimate %.6g, se %s", e_fit->estimate, se);
            }
            fputc('\n', f);
        }
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ts_errf(err, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

int output_fit_tables(outdir *o, const scenario *s, const history *h, const fit_result *r,
                      ts_err *err)
{
    if (write_fit_csv(o, s, r, err) < 0 || write_fitted_csv(o, s, h, r, err) < 0)
        return -1;
    return 0;
}

int output_fit(outdir *o, const scenario *s, const history *h, const fit_result *r,
               ts_err *err)
{
    if (output_fit_tables(o, s, h, r, err) < 0 || write_fitted_ini(o, s, h, r, err) < 0)
        return -1;
    return report_write_tiers(o, s, err);
}
