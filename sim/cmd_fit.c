/* cmd_fit.c -- `tiersim fit`: calibrate a scenario's `fit` parameters to a
 * history and write fit.csv, fitted.csv, fitted.ini and manifest.txt. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_version.h>

#include "cmd.h"
#include "csvio.h"
#include "fit.h"
#include "history.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "scenario.h"
#include "version.h"

static const char fit_usage[] = "usage: tiersim fit SCENARIO HISTORY.csv [-o DIR] [--no-plots]";

typedef struct {
    const char *scenario, *history, *out_dir;
    int no_plots, help;
} fit_args;

static int fit_args_parse(int argc, char **argv, fit_args *a, ts_err *err)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},
        {"no-plots", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        if (c == 'o') {
            if (!optarg[0])
                return ts_errf(err, "fit: -o: expected a directory" CMD_SEE_HELP("fit"));
            a->out_dir = optarg;
        } else if (c == 'P') {
            a->no_plots = 1;
        } else if (c == 'h') {
            a->help = 1;
            return 0;
        } else if (c == ':') {
            return ts_errf(err, "fit: option '%s' needs a value"
                                CMD_SEE_HELP("fit"), argv[optind - 1]);
        } else {
            return ts_errf(err, "fit: unknown option '%s'" CMD_SEE_HELP("fit"), argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return ts_errf(err, "fit: expected SCENARIO and HISTORY.csv" CMD_SEE_HELP("fit"));
    a->scenario = argv[optind];
    a->history = argv[optind + 1];
    return 0;
}

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

static void num_or_empty(csvw *w, double v)
{
    if (isfinite(v))
        csvw_num(w, v);
    else
        csvw_str(w, "");
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
        char prior[128] = "";
        if (p->has_prior)
            dist_format(&p->value, prior, sizeof prior);
        csvw_str(w, p->name);
        csvw_num(w, e->estimate);
        num_or_empty(w, e->se);
        num_or_empty(w, e->lo95);
        num_or_empty(w, e->hi95);
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
    static const char *const head[] = {"year", "tier", "measure", "observed", "fitted",
                                       "residual", "standardized_residual"};
    for (size_t i = 0; i < 7; i++)
        csvw_str(w, head[i]);
    csvw_end_row(w);
    for (size_t i = 0; i < r->n_pts; i++) {
        const fit_point *pt = &r->pts[i];
        const history_row *row = &h->rows[pt->row];
        csvw_int(w, row->year);
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

/* fitted.ini inherits the scenario (`base =`) and overrides each fitted key,
 * so everything else stays exactly as the planner wrote it. */
static int write_fitted_ini(outdir *o, const scenario *s, const fit_result *r,
                            const char *history_path, ts_err *err)
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
            history_path);
    fprintf(f, "; Every `fit` of the scenario is replaced by normal(estimate, se), truncated to "
               "the parameter's range\n; (a fixed value where the se is 0 or undetermined). "
               "Everything else comes from the base.\n\n");
    fprintf(f, "[scenario]\nbase = %s\n", base);
    /* One section per tier or transition, holding all of its fitted keys. */
    for (size_t j = 0; j < r->n_est; j++) {
        const char *name = s->params[r->est[j].param].name;
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
            char value[160];
            fit_format_fitted(s, e, value, sizeof value);
            fprintf(f, "%s = %s    ; estimate %.6g, se %.3g\n", other + sec_len + 1, value,
                    e->estimate, e->se);
        }
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ts_errf(err, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

static int write_manifest(outdir *o, const scenario *s, const history *h, const fit_result *r,
                          ts_err *err)
{
    const char *path = outdir_file(o, "manifest.txt");
    FILE *f = fopen(path, "w");
    if (!f)
        return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    fprintf(f, "tiersim_version: %s\n", TIERSIM_VERSION);
    fprintf(f, "command: %s\n", cmd_full_line);
    fprintf(f, "scenario: %s\n", s->path);
    fprintf(f, "scenario_name: %s\n", s->name);
    fprintf(f, "history: %s\n", h->path);
    fprintf(f, "history_rows: %zu (fitted %zu, ignored %zu)\n", h->n_rows, r->n_pts,
            r->n_ignored);
    fprintf(f, "parameters: %zu\n", r->n_est);
    fprintf(f, "chi2: %.6g\ndof: %d\niterations: %zu\n", r->chi2, r->dof, r->iterations);
    fprintf(f, "method: gsl_multifit_nlinear trust region (Levenberg-Marquardt), "
               "finite-difference Jacobian, covariance (J'J)^-1\n");
    fprintf(f, "gsl_version: %s\n", gsl_version);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ts_errf(err, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

static void print_table(FILE *out, const scenario *s, const fit_result *r)
{
    fprintf(out, "%-40s %12s %10s %23s  %s\n", "parameter", "estimate", "se", "95% interval",
            "prior");
    for (size_t j = 0; j < r->n_est; j++) {
        const fit_estimate *e = &r->est[j];
        const ts_param *p = &s->params[e->param];
        char prior[128] = "(none)", ci[64];
        if (p->has_prior)
            dist_format(&p->value, prior, sizeof prior);
        snprintf(ci, sizeof ci, "[%.4g, %.4g]", e->lo95, e->hi95);
        fprintf(out, "%-40s %12.5g %10.3g %23s  %s\n", p->name, e->estimate, e->se, ci, prior);
    }
    size_t priors = 0;
    for (size_t j = 0; j < r->n_est; j++)
        priors += (size_t)r->est[j].has_prior;
    fprintf(out, "\nresidual chi-square %.3f on %d degrees of freedom (%zu fitted rows, %zu "
                 "priors, %zu parameters)\n", r->chi2, r->dof, r->n_pts, priors, r->n_est);
}

/* Shared with `tiersim run --history`: load the history, fit, report. */
int cmd_fit_scenario(scenario *s, const char *history_path, FILE *report, fit_result **out,
                     history **hout, ts_err *err)
{
    history *h = NULL;
    fit_result *r = NULL;
    *out = NULL;
    if (hout)
        *hout = NULL;
    if (history_load(&h, history_path, s, err) < 0)
        return -1;
    if (fit_run(s, h, NULL, &r, err) < 0) {
        history_free(h);
        return -1;
    }
    if (report) {
        print_table(report, s, r);
        if (r->n_ignored)
            fprintf(report, "%zu history rows are not fitted (the levels they depend on are not "
                            "known at the start of their year); their stocks still serve as "
                            "starting levels\n", r->n_ignored);
    }
    for (size_t i = 0; i < r->n_warnings; i++)
        fprintf(stderr, "tiersim: warning: %s\n", r->warnings[i]);
    *out = r;
    if (hout)
        *hout = h;
    else
        history_free(h);
    return 0;
}

int cmd_fit(int argc, char **argv)
{
    fit_args a;
    ts_err err;
    if (fit_args_parse(argc, argv, &a, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (a.help) {
        printf("%s\n", fit_usage);
        return EXIT_OK;
    }
    scenario *s = NULL;
    history *h = NULL;
    fit_result *r = NULL;
    outdir *od = NULL;
    int status = EXIT_USAGE;
    char dir[4096];
    cmd_catch_signals();
    if (scenario_load(&s, a.scenario, &err) < 0)
        goto fail;
    if (cmd_fit_scenario(s, a.history, stdout, &r, &h, &err) < 0)
        goto fail;
    status = EXIT_FAIL;
    if (a.out_dir)
        snprintf(dir, sizeof dir, "%s", a.out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s-fit", s->name);
    if (outdir_begin(&od, dir, &err) < 0 || write_fit_csv(od, s, r, &err) < 0 ||
        write_fitted_csv(od, s, h, r, &err) < 0 || write_fitted_ini(od, s, r, a.history, &err) < 0 ||
        write_manifest(od, s, h, r, &err) < 0 || report_write_tiers(od, s, &err) < 0)
        goto fail;
    /* The fit chart goes into the temporary directory: all or nothing. */
    if (!a.no_plots && cmd_draw(outdir_tmp(od), PLOT_FIT, 1, NULL, &err) < 0)
        goto fail;
    if (cmd_interrupted) /* SIGINT or SIGTERM: no output */
        goto fail;
    if (outdir_commit(od, &err) < 0) {
        od = NULL;
        goto fail;
    }
    printf("results: %s/ (run the fitted scenario: tiersim run %s/fitted.ini)\n", dir, dir);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
    return cmd_flush_stdout();
fail:
    status = cmd_fail("fit", &err, od, status);
    outdir_abort(od);
    fit_result_free(r);
    history_free(h);
    scenario_free(s);
    return status;
}
