/* report.c -- target summaries and the CSV files of a run. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_version.h>

#include "csvio.h"
#include "engine.h"
#include "version.h"

static void fill_proportion(uint64_t met, uint64_t n, target_summary *t)
{
    t->met = met;
    t->n = n;
    t->p_met = n ? (double)met / (double)n : NAN;
    t->se = proportion_se(met, n);
    wilson_interval(met, n, REPORT_Z95, &t->ci_lo, &t->ci_hi);
}

const char *report_target_measure(const ts_target *t)
{
    return engine_measure_names[engine_target_measure(t)];
}

void report_target(const scenario *s, const runner_result *r, size_t j, target_summary *t)
{
    const ts_target *tg = &s->targets[j];
    memset(t, 0, sizeof *t);
    t->bar = tg->value * (1.0 - tg->tolerance);
    fill_proportion(runner_met(r, j), r->replications, t);
    const hist *h = runner_target_hist(r, j);
    t->p05 = hist_quantile(h, 0.05);
    t->p50 = hist_quantile(h, 0.50);
    t->p95 = hist_quantile(h, 0.95);
}

void report_all(const runner_result *r, target_summary *t)
{
    memset(t, 0, sizeof *t);
    t->bar = NAN;
    fill_proportion(r->met_all, r->replications, t);
}

verdict report_verdict(double p)
{
    if (p >= 0.8)
        return VERDICT_LIKELY;
    if (p <= 0.2)
        return VERDICT_UNLIKELY;
    return VERDICT_UNCERTAIN;
}

const char *report_verdict_name(verdict v)
{
    static const char *const names[] = {"unlikely", "uncertain", "likely"};
    return names[v];
}

double report_needs(double bar)
{
    double whole = nearbyint(bar), ulp = nextafter(bar, INFINITY) - bar;
    double w = fabs(bar - whole) < 2.0 * ulp ? whole : ceil(bar);
    return w < 1 ? 1 : w;
}

void report_year_cells(csvw *w, const scenario *s, int y)
{
    char pe[16];
    scenario_month_format(scenario_period_end(s, y), pe, sizeof pe);
    csvw_int(w, y);
    csvw_str(w, pe);
}

static int write_projection(outdir *o, const scenario *s, const runner_result *r, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(o, "projection.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"year", "period_end", "tier", "measure", "mean", "sd",
                                       "p05", "p25", "p50", "p75", "p95"};
    static const double qs[] = {0.05, 0.25, 0.50, 0.75, 0.95};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csvw_str(w, head[i]);
    csvw_end_row(w);
    for (size_t y = 0; y < r->n_years; y++)
        for (size_t k = 0; k < s->n_tiers; k++)
            for (int m = 0; m < M_COUNT; m++) {
                const hist *h = runner_hist(r, y, k, (ts_measure)m);
                report_year_cells(w, s, s->start_year + (int)y);
                csvw_str(w, s->tiers[k].name);
                csvw_str(w, engine_measure_names[m]);
                csvw_num(w, hist_mean(h));
                csvw_num(w, hist_sd(h));
                for (size_t q = 0; q < sizeof qs / sizeof qs[0]; q++)
                    csvw_int(w, hist_quantile(h, qs[q]));
                csvw_end_row(w);
            }
    return csvw_close(w, err);
}

/* A row of targets.csv; needs is the whole count that meets the target (the
 * terminal's 'needs'), 0 for the joint row (an empty field). */
static void target_row(csvw *w, const char *tier, const char *measure, double value,
                       const target_summary *t, int have_quantiles, int64_t needs)
{
    csvw_str(w, tier);
    csvw_str(w, measure);
    csvw_num(w, value);
    csvw_num(w, t->bar);
    csvw_prob(w, t->p_met);
    csvw_prob(w, t->se);
    csvw_prob(w, t->ci_lo);
    csvw_prob(w, t->ci_hi);
    if (have_quantiles) {
        csvw_int(w, t->p05);
        csvw_int(w, t->p50);
        csvw_int(w, t->p95);
    } else {
        csvw_str(w, "");
        csvw_str(w, "");
        csvw_str(w, "");
    }
    if (needs > 0)
        csvw_int(w, needs);
    else
        csvw_str(w, "");
    csvw_end_row(w);
}

static int write_targets(outdir *o, const scenario *s, const runner_result *r, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(o, "targets.csv"), err);
    if (!w)
        return -1;
    /* needs: last, so that the columns before it keep their places */
    static const char *const head[] = {"tier", "measure", "target", "threshold", "p_met", "se",
                                       "ci_lo", "ci_hi", "p05", "p50", "p95", "needs"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csvw_str(w, head[i]);
    csvw_end_row(w);
    target_summary t;
    for (size_t j = 0; j < s->n_targets; j++) {
        report_target(s, r, j, &t);
        target_row(w, s->targets[j].name, report_target_measure(&s->targets[j]),
                   s->targets[j].value, &t, 1, s->targets[j].threshold);
    }
    if (s->n_targets > 0) {
        report_all(r, &t);
        target_row(w, "ALL", "", NAN, &t, 0, 0);
    }
    return csvw_close(w, err);
}

static int write_p_met_by_year(outdir *o, const scenario *s, const runner_result *r, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(o, "p_met_by_year.csv"), err);
    if (!w)
        return -1;
    csvw_str(w, "year");
    csvw_str(w, "period_end");
    csvw_str(w, "tier");
    csvw_str(w, "measure");
    csvw_str(w, "p_met");
    csvw_end_row(w);
    for (size_t y = 0; y < r->n_years; y++)
        for (size_t j = 0; j < s->n_targets; j++) {
            report_year_cells(w, s, s->start_year + (int)y);
            csvw_str(w, s->targets[j].name);
            csvw_str(w, report_target_measure(&s->targets[j]));
            csvw_prob(w, r->replications
                             ? (double)r->met_by_year[j * r->n_years + y] / (double)r->replications
                             : NAN);
            csvw_end_row(w);
        }
    return csvw_close(w, err);
}

int report_named_targets(const scenario *s)
{
    for (size_t j = 0; j < s->n_targets; j++)
        if (strcmp(s->targets[j].name, s->tiers[s->targets[j].tier].name) != 0)
            return 1;
    return 0;
}

/* target_tiers.csv: target,tiers,label for each target (once for the
 * measures of one section), the tiers joined by " + ". */
static int write_target_tiers(outdir *o, const scenario *s, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(o, "target_tiers.csv"), err);
    if (!w)
        return -1;
    csvw_str(w, "target");
    csvw_str(w, "tiers");
    csvw_str(w, "label");
    csvw_end_row(w);
    for (size_t j = 0; j < s->n_targets; j++) {
        const ts_target *t = &s->targets[j];
        int seen = 0;
        for (size_t i = 0; i < j && !seen; i++)
            seen = !strcmp(s->targets[i].name, t->name);
        if (seen)
            continue;
        /* At most TS_MAX_TIERS names of under TS_NAME_MAX bytes and " + ". */
        char tiers[TS_MAX_TIERS * (TS_NAME_MAX + 3)];
        size_t used = 0;
        for (size_t i = 0; i < t->n_tiers; i++)
            used += (size_t)snprintf(tiers + used, sizeof tiers - used, "%s%s", i ? " + " : "",
                                     s->tiers[t->tiers[i]].name);
        csvw_str(w, t->name);
        csvw_str(w, tiers);
        csvw_str(w, t->label);
        csvw_end_row(w);
    }
    return csvw_close(w, err);
}

int report_write_tiers(outdir *o, const scenario *s, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(o, "tiers.csv"), err);
    if (!w)
        return -1;
    double *mean = malloc((s->n_params ? s->n_params : 1) * sizeof *mean);
    if (!mean) {
        csvw_close(w, NULL);
        return ts_errf(err, "out of memory");
    }
    scenario_param_means(s, mean);
    csvw_str(w, "tier");
    csvw_str(w, "label");
    csvw_str(w, "baseline_stock");
    csvw_end_row(w);
    for (size_t k = 0; k < s->n_tiers; k++) {
        csvw_str(w, s->tiers[k].name);
        csvw_str(w, s->tiers[k].label);
        csvw_num(w, mean[s->tiers[k].p_stock]);
        csvw_end_row(w);
    }
    free(mean);
    if (csvw_close(w, err) < 0)
        return -1;
    return report_named_targets(s) ? write_target_tiers(o, s, err) : 0;
}

size_t report_bins(const hist *h, size_t max_bins, int64_t *lo, int64_t *width)
{
    *lo = 0;
    *width = 1;
    if (hist_count(h) == 0 || max_bins == 0)
        return 0;
    int64_t min = hist_min(h), max = hist_max(h);
    int64_t w = 1;
    /* The smallest of 1, 2, 5, 10, 20, 50, ... that needs at most max_bins
     * bins once the first bin is aligned to a multiple of it (counts are
     * never negative, and a width above max always fits in one bin). */
    for (int64_t decade = 1; decade <= INT64_MAX / 10; decade *= 10) {
        static const int64_t steps[] = {1, 2, 5};
        int found = 0;
        for (size_t i = 0; i < 3 && !found; i++) {
            w = steps[i] * decade;
            int64_t first = min / w * w;
            found = (uint64_t)(max - first) / (uint64_t)w + 1 <= max_bins;
        }
        if (found)
            break;
    }
    *lo = min / w * w;
    *width = w;
    return (size_t)((uint64_t)(max - *lo) / (uint64_t)w + 1);
}

/* distribution.csv: the histogram of each targeted measure in end_year, in
 * REPORT_DIST_BINS equal bins; the counts sum to the replications. */
static int write_distribution(outdir *o, const scenario *s, const runner_result *r, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(o, "distribution.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"year", "period_end", "tier", "measure", "lo", "hi",
                                       "count"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csvw_str(w, head[i]);
    csvw_end_row(w);
    for (size_t j = 0; j < s->n_targets; j++) {
        const ts_target *tg = &s->targets[j];
        const hist *h = runner_target_hist(r, j);
        int64_t lo, width;
        size_t n = report_bins(h, REPORT_DIST_BINS, &lo, &width);
        for (size_t b = 0; b < n; b++) {
            int64_t a = lo + (int64_t)b * width, z = a + width - 1;
            report_year_cells(w, s, s->end_year);
            csvw_str(w, tg->name);
            csvw_str(w, report_target_measure(tg));
            csvw_int(w, a);
            csvw_int(w, z);
            csvw_int(w, (int64_t)(hist_count_at_least(h, a) - hist_count_at_least(h, z + 1)));
            csvw_end_row(w);
        }
    }
    return csvw_close(w, err);
}

int report_write_run(outdir *o, const scenario *s, const runner_result *r, ts_err *err)
{
    if (write_projection(o, s, r, err) < 0 || write_targets(o, s, r, err) < 0 ||
        write_p_met_by_year(o, s, r, err) < 0 || report_write_tiers(o, s, err) < 0 ||
        write_distribution(o, s, r, err) < 0)
        return -1;
    return 0;
}

void report_target_name(const scenario *s, size_t j, char *buf, size_t len)
{
    const ts_target *t = &s->targets[j];
    int twin = 0;
    for (size_t k = 0; k < s->n_targets; k++)
        twin |= k != j && !strcmp(s->targets[k].name, t->name);
    if (twin)
        snprintf(buf, len, "%s:%s", t->name, report_target_measure(t));
    else
        snprintf(buf, len, "%s", t->name);
}
