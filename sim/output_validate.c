/* output_validate.c -- validation.csv, validation-summary.csv, observed.csv. */
#include "output_validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csvio.h"
#include "engine.h"

void output_validate_period_end(const scenario *s, const observed_row *r, char *buf, size_t len)
{
    scenario_month_format(scenario_period_end(s, r->year), buf, len);
}

/* The columns both files begin with. */
static void row_head(csvw *w, const scenario *s, const observed_row *r)
{
    char pe[16];
    output_validate_period_end(s, r, pe, sizeof pe);
    csvw_str(w, r->as_of);
    csvw_str(w, s->tiers[r->tier].name);
    csvw_str(w, engine_measure_names[r->measure]);
    csvw_int(w, r->value);
    csvw_str(w, pe);
    csvw_int(w, r->months_off);
}

static void header(csvw *w, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        csvw_str(w, names[i]);
    csvw_end_row(w);
}

int output_observed(outdir *od, const scenario *s, const observed *o, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(od, "observed.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"as_of", "tier", "measure", "observed", "period_end",
                                       "months_off", "source"};
    header(w, head, sizeof head / sizeof head[0]);
    for (size_t i = 0; i < o->n_rows; i++) {
        row_head(w, s, &o->rows[i]);
        csvw_str(w, o->rows[i].source);
        csvw_end_row(w);
    }
    return csvw_close(w, err);
}

static int write_rows(outdir *od, const scenario *s, const observed *o, const validate_row *rows,
                      ts_err *err)
{
    csvw *w = csvw_open(outdir_file(od, "validation.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"as_of", "tier", "measure", "observed", "period_end",
                                       "months_off", "p05", "p25", "p50", "p75", "p95", "pit",
                                       "inside50", "inside90", "crps", "source"};
    header(w, head, sizeof head / sizeof head[0]);
    for (size_t i = 0; i < o->n_rows; i++) {
        const validate_row *r = &rows[i];
        row_head(w, s, &o->rows[i]);
        for (int q = 0; q < 5; q++)
            csvw_int(w, r->q[q]);
        csvw_prob(w, r->pit);
        csvw_int(w, r->inside50);
        csvw_int(w, r->inside90);
        csvw_num(w, r->crps);
        csvw_str(w, o->rows[i].source);
        csvw_end_row(w);
    }
    return csvw_close(w, err);
}

void output_validate_furthest(const scenario *s, const observed *o, const validate_row *rows,
                              const validate_summary *sum, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (sum->n_worst == 0)
        snprintf(buf, len, "none: every outcome is at a projected median");
    for (size_t j = 0; j < sum->n_worst; j++) {
        const observed_row *r = &o->rows[sum->worst[j]];
        int w = snprintf(buf + used, len - used, "%s%s %s %s (PIT %.3f)", j ? "; " : "",
                         s->tiers[r->tier].name, engine_measure_names[r->measure], r->as_of,
                         rows[sum->worst[j]].pit);
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
    }
}

/* One row of validation-summary.csv; NaN fields are empty. */
static void stat_row(csvw *w, const char *name, double value, double lo, double hi,
                     double expected, size_t n, double p, const char *note)
{
    csvw_str(w, name);
    csvw_num(w, value);
    csvw_num(w, lo);
    csvw_num(w, hi);
    csvw_num(w, expected);
    csvw_int(w, (int64_t)n);
    csvw_num(w, p);
    csvw_str(w, note);
    csvw_end_row(w);
}

static int write_summary(outdir *od, const scenario *s, const observed *o,
                         const validate_row *rows, const validate_summary *sum, ts_err *err)
{
    csvw *w = csvw_open(outdir_file(od, "validation-summary.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"statistic", "value", "lo", "hi", "expected", "n",
                                       "p_value", "note"};
    header(w, head, sizeof head / sizeof head[0]);
    char note[1024];
    const double X = NAN;
    stat_row(w, "rows", (double)sum->n, X, X, X, sum->n, X, "observed rows scored");
    snprintf(note, sizeof note, "%llu of %zu inside p25..p75; interval: Wilson at %.2f %%; "
             "expected: the forecasts' own probability of their band",
             (unsigned long long)sum->band50.inside, sum->n, 100 * VALIDATE_LEVEL);
    stat_row(w, "inside50", sum->band50.share, sum->band50.lo, sum->band50.hi,
             sum->band50.expected, sum->n, X, note);
    snprintf(note, sizeof note, "%llu of %zu inside p05..p95; interval: Wilson at %.2f %%; "
             "expected: the forecasts' own probability of their band",
             (unsigned long long)sum->band90.inside, sum->n, 100 * VALIDATE_LEVEL);
    stat_row(w, "inside90", sum->band90.share, sum->band90.lo, sum->band90.hi,
             sum->band90.expected, sum->n, X, note);
    stat_row(w, "pit_mean", sum->pit_mean, sum->pit_mean_lo, sum->pit_mean_hi, 0.5, sum->n,
             sum->pit_mean_p, "interval and p-value with the sd of a uniform PIT");
    snprintf(note, sizeof note, "%llu of %zu PITs above 0.5; p_value: exact binomial test "
             "against 1/2 (a finding below %.4f)", (unsigned long long)sum->above, sum->n,
             VALIDATE_ALPHA / VALIDATE_TESTS);
    stat_row(w, "pit_above_half", sum->above_share, sum->above_lo, sum->above_hi, 0.5, sum->n,
             sum->above_p, note);
    stat_row(w, "pit_ks", sum->ks, X, X, X, sum->n, sum->ks_p,
             "Kolmogorov-Smirnov distance of the PITs from the uniform (not part of the verdict)");
    stat_row(w, "crps", sum->crps, X, X, X, sum->n, X, "mean CRPS of the projection, every row");
    stat_row(w, "crps_model_on_naive_rows", sum->crps_model_naive, X, X, X, sum->n_naive, X,
             "mean CRPS of the projection over the rows with a naive forecast");
    snprintf(note, sizeof note, "the last known level carried forward; %zu of %zu rows have "
             "none", sum->n - sum->n_naive, sum->n);
    stat_row(w, "crps_naive", sum->crps_naive, X, X, X, sum->n_naive, X, note);
    stat_row(w, "skill", sum->skill, X, X, X, sum->n_naive, X,
             "1 - crps_model_on_naive_rows / crps_naive (above 0: better than naive)");
    stat_row(w, "wide_bins", (double)sum->n_wide, X, X, X, sum->n, X,
             "rows scored from histogram bins wider than one firm (CRPS within twice the width)");
    validate_verdict(sum->findings, note, sizeof note);
    stat_row(w, "verdict", X, X, X, X, sum->n, X, note);
    output_validate_furthest(s, o, rows, sum, note, sizeof note);
    stat_row(w, "furthest_out", X, X, X, X, sum->n_worst, X, note);
    return csvw_close(w, err);
}

int output_validate(outdir *od, const scenario *s, const observed *o, const validate_row *rows,
                    const validate_summary *sum, ts_err *err)
{
    if (write_rows(od, s, o, rows, err) < 0 || write_summary(od, s, o, rows, sum, err) < 0)
        return -1;
    return 0;
}
