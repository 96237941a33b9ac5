/* output_analysis.c -- the CSVs of `tiersim compare`, `goal`, `sensitivity`
 * and `sweep`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "csvio.h"
#include "i18n.h"
#include "num.h"
#include "output.h"
#include "report.h"
#include "sens.h"
#include "summary.h"

const char *const sens_method_names[SENS_N_METHODS] = {"tornado", "morris", "sobol", "filter",
                                                       "split"};

/* A new table of the output directory, its header row written. */
static csvw *open_table(outdir *od, const char *name, const char *const *cols, size_t n,
                        ts_err *err)
{
    csvw *w = csvw_open(outdir_file(od, name), err);
    if (!w)
        return NULL;
    for (size_t i = 0; i < n; i++)
        csvw_str(w, cols[i]);
    csvw_end_row(w);
    return w;
}

/* ---------------------------------------------------------------- compare */

int output_compare(outdir *od, const scenario *const *arms, const char *const *names,
                   const char *const *labels, size_t n_arms, const crn_compare_result *r,
                   ts_err *err)
{
    const scenario *s0 = arms[0];
    size_t n0 = s0->n_targets;
    /* arm_label (the scenario's text for the arm, for the charts): last, so
     * that the columns before it keep their places */
    static const char *const head[] = {"arm", "target", "p_met", "se", "delta", "delta_se",
                                       "arm_label"};
    csvw *w = open_table(od, "compare.csv", head, 7, err);
    if (!w)
        return -1;
    double n = (double)r->reps;
    for (size_t a = 0; a < n_arms; a++) {
        for (size_t j = 0; j <= n0; j++) {
            char name[160];
            uint64_t met;
            double d = 0.0, dse = 0.0;
            if (j < n0) {
                report_target_name(s0, j, name, sizeof name);
                met = r->met[a * n0 + j];
                crn_paired_delta(r->gain[a * n0 + j], r->loss[a * n0 + j], r->reps, &d, &dse);
            } else {
                snprintf(name, sizeof name, "ALL");
                met = r->met_all[a];
                /* The joint outcome's pairs are not counted: its delta is the
                 * plain difference and its se the conservative unpaired one. */
                double p0 = (double)r->met_all[0] / n, p1 = (double)met / n;
                d = p1 - p0;
                dse = a ? sqrt(p0 * (1 - p0) / n + p1 * (1 - p1) / n) : 0.0;
            }
            csvw_str(w, names[a]);
            csvw_str(w, name);
            csvw_prob(w, (double)met / n);
            csvw_prob(w, proportion_se(met, r->reps));
            csvw_num(w, d);
            csvw_num(w, dse);
            csvw_str(w, labels && labels[a] ? labels[a] : names[a]);
            csvw_end_row(w);
        }
    }
    if (csvw_close(w, err) < 0)
        return -1;
    return report_write_tiers(od, s0, err);
}

/* ------------------------------------------------------------------- goal */

int output_goal(outdir *od, const scenario *s, const goal_output *g, ts_err *err)
{
    const goal_result *gr = g->answer;
    /* The answer's six columns, then what the chart needs to title itself. */
    static const char *const head[] = {"lever", "value", "p_met", "se", "bracket_lo",
                                       "bracket_hi", "target", "prob"};
    csvw *w = open_table(od, "goal.csv", head, 8, err);
    if (!w)
        return -1;
    csvw_str(w, g->lever);
    csvw_num(w, gr->value);
    csvw_prob(w, gr->p_met);
    csvw_prob(w, gr->se);
    csvw_num(w, gr->band_lo);
    csvw_num(w, gr->band_hi);
    csvw_str(w, g->target);
    csvw_num(w, g->q);
    csvw_end_row(w);
    if (csvw_close(w, err) < 0)
        return -1;
    static const char *const curve_head[] = {"lever_value", "p_met", "se"};
    if (!(w = open_table(od, "goal_curve.csv", curve_head, 3, err)))
        return -1;
    for (size_t i = 0; i < g->n_curve; i++) {
        double p = g->curve_p[i];
        csvw_num(w, g->curve_x[i]);
        csvw_prob(w, p);
        csvw_prob(w, sqrt(p * (1 - p) / (double)g->curve_reps));
        csvw_end_row(w);
    }
    if (csvw_close(w, err) < 0)
        return -1;
    return report_write_tiers(od, s, err);
}

/* ------------------------------------------------------------ sensitivity */

static const char *pname(const sens_output *an, size_t i)
{
    return an->s->params[an->factors[i]].name;
}


static void num_or_empty(csvw *w, double v)
{
    csvw_num(w, v); /* NaN and infinities become an empty field */
}

/* An output's value: probabilities as probabilities. */
static void out_value(csvw *w, size_t o, double v)
{
    if (o == SENSRUN_PMET && isfinite(v))
        csvw_prob(w, v);
    else
        num_or_empty(w, v);
}

static int write_tornado(outdir *od, const sens_output *an, size_t *order, double *swing, ts_err *err)
{
    const sensrun_tornado_result *r = &an->tornado;
    static const char *const head[] = {"target", "output", "parameter", "low", "high",
                                       "output_low", "output_high", "swing"};
    csvw *w = open_table(od, "tornado.csv", head, 8, err);
    if (!w)
        return -1;
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            size_t jo = j * SENSRUN_OUTPUTS + o;
            char tn[160];
            report_target_name(an->s, j, tn, sizeof tn);
            for (size_t i = 0; i < an->d; i++)
                swing[i] = fabs(r->out_high[jo * an->d + i] - r->out_low[jo * an->d + i]);
            sens_order_desc(swing, an->d, order);
            for (size_t k = 0; k < an->d; k++) {
                size_t i = order[k];
                csvw_str(w, tn);
                csvw_str(w, sensrun_output_names[o]);
                csvw_str(w, pname(an, i));
                csvw_num(w, r->low[i]);
                csvw_num(w, r->high[i]);
                out_value(w, o, r->out_low[jo * an->d + i]);
                out_value(w, o, r->out_high[jo * an->d + i]);
                out_value(w, o, swing[i]);
                csvw_end_row(w);
            }
        }
    if (csvw_close(w, err) < 0)
        return -1;
    /* tornado_base.csv: every parameter at its median, where the bars start. */
    static const char *const bhead[] = {"target", "output", "value"};
    w = open_table(od, "tornado_base.csv", bhead, 3, err);
    if (!w)
        return -1;
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            char tn[160];
            report_target_name(an->s, j, tn, sizeof tn);
            csvw_str(w, tn);
            csvw_str(w, sensrun_output_names[o]);
            out_value(w, o, r->base[j * SENSRUN_OUTPUTS + o]);
            csvw_end_row(w);
        }
    return csvw_close(w, err);
}

static int write_sobol(outdir *od, const sens_output *an, size_t *order, double *key, ts_err *err)
{
    const sensrun_sobol_result *r = &an->sobol;
    static const char *const head[] = {"target", "output", "parameter", "S1", "S1_lo", "S1_hi",
                                       "ST", "ST_lo", "ST_hi"};
    csvw *w = open_table(od, "sobol.csv", head, 9, err);
    if (!w)
        return -1;
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            size_t jo = j * SENSRUN_OUTPUTS + o;
            char tn[160];
            report_target_name(an->s, j, tn, sizeof tn);
            for (size_t i = 0; i < an->d; i++)
                key[i] = r->st[jo * an->d + i].est;
            sens_order_desc(key, an->d, order);
            for (size_t k = 0; k < an->d; k++) {
                const sens_ci *s1 = &r->s1[jo * an->d + order[k]], *st = &r->st[jo * an->d + order[k]];
                csvw_str(w, tn);
                csvw_str(w, sensrun_output_names[o]);
                csvw_str(w, pname(an, order[k]));
                num_or_empty(w, s1->est);
                num_or_empty(w, s1->lo);
                num_or_empty(w, s1->hi);
                num_or_empty(w, st->est);
                num_or_empty(w, st->lo);
                num_or_empty(w, st->hi);
                csvw_end_row(w);
            }
        }
    return csvw_close(w, err);
}

static int write_morris(outdir *od, const sens_output *an, size_t *order, ts_err *err)
{
    const sensrun_morris_result *r = &an->morris;
    static const char *const head[] = {"target", "output", "parameter", "mu_star", "mu_star_ci",
                                       "sigma"};
    csvw *w = open_table(od, "morris.csv", head, 6, err);
    if (!w)
        return -1;
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            size_t jo = j * SENSRUN_OUTPUTS + o;
            char tn[160];
            report_target_name(an->s, j, tn, sizeof tn);
            sens_order_desc(r->mu_star + jo * an->d, an->d, order);
            for (size_t k = 0; k < an->d; k++) {
                size_t i = jo * an->d + order[k];
                csvw_str(w, tn);
                csvw_str(w, sensrun_output_names[o]);
                csvw_str(w, pname(an, order[k]));
                num_or_empty(w, r->mu_star[i]);
                num_or_empty(w, r->mu_star_ci[i]);
                num_or_empty(w, r->sigma[i]);
                csvw_end_row(w);
            }
        }
    return csvw_close(w, err);
}

#define FILTER_CDF_PARAMS 4     /* the CDFs kept for the chart: the top parameters by KS */
#define FILTER_CDF_POINTS 101   /* quantiles 0, 0.01, ..., 1 of each group */

static int write_filter(outdir *od, const sens_output *an, size_t *order, ts_err *err)
{
    const sensrun_filter_result *r = &an->filter;
    size_t T = an->s->n_targets, d = an->d, n = (size_t)r->reps;
    static const char *const head[] = {"target", "parameter", "ks", "p_value", "median_met",
                                       "median_missed"};
    csvw *w = open_table(od, "filter.csv", head, 6, err);
    if (!w)
        return -1;
    for (size_t j = 0; j < T; j++) {
        char tn[160];
        report_target_name(an->s, j, tn, sizeof tn);
        sens_order_desc(r->ks + j * d, d, order);
        for (size_t k = 0; k < d; k++) {
            size_t i = j * d + order[k];
            csvw_str(w, tn);
            csvw_str(w, pname(an, order[k]));
            num_or_empty(w, r->ks[i]);
            num_or_empty(w, r->p_value[i]);
            num_or_empty(w, r->median_met[i]);
            num_or_empty(w, r->median_missed[i]);
            csvw_end_row(w);
        }
    }
    if (csvw_close(w, err) < 0)
        return -1;

    /* filter_cdf.csv: the two groups' distributions of the top parameters,
     * as quantiles, so that the chart can be drawn from the directory. */
    static const char *const chead[] = {"target", "parameter", "group", "quantile", "value"};
    w = open_table(od, "filter_cdf.csv", chead, 5, err);
    if (!w)
        return -1;
    double *v = malloc((n + 1) * sizeof *v);
    if (!v) {
        csvw_close(w, NULL);
        return ts_errf(err, "out of memory");
    }
    for (size_t j = 0; j < T; j++) {
        char tn[160];
        report_target_name(an->s, j, tn, sizeof tn);
        sens_order_desc(r->ks + j * d, d, order);
        for (size_t k = 0; k < d && k < FILTER_CDF_PARAMS; k++) {
            if (!isfinite(r->ks[j * d + order[k]]))
                break;
            for (int g = 1; g >= 0; g--) {
                size_t m = 0;
                for (size_t rep = 0; rep < n; rep++)
                    if (r->met[rep * T + j] == g)
                        v[m++] = r->x[rep * d + order[k]];
                gsl_sort(v, 1, m);
                for (size_t q = 0; q < FILTER_CDF_POINTS; q++) {
                    double qq = (double)q / (FILTER_CDF_POINTS - 1);
                    csvw_str(w, tn);
                    csvw_str(w, pname(an, order[k]));
                    csvw_str(w, g ? "met" : "missed");
                    csvw_num(w, qq);
                    csvw_num(w, gsl_stats_quantile_from_sorted_data(v, 1, m, qq));
                    csvw_end_row(w);
                }
            }
        }
    }
    free(v);
    return csvw_close(w, err);
}

static int write_split(outdir *od, const sens_output *an, ts_err *err)
{
    const sensrun_split_result *r = &an->split;
    static const char *const head[] = {"target", "output", "var_total", "var_param",
                                       "var_chance", "share_param", "share_param_se",
                                       "share_chance"};
    csvw *w = open_table(od, "split.csv", head, 8, err);
    if (!w)
        return -1;
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            const sens_split *sp = &r->split[j * SENSRUN_OUTPUTS + o];
            char tn[160];
            report_target_name(an->s, j, tn, sizeof tn);
            csvw_str(w, tn);
            csvw_str(w, o == SENSRUN_MEAN ? "value" : "met");
            num_or_empty(w, sp->total);
            num_or_empty(w, sp->param);
            num_or_empty(w, sp->chance);
            num_or_empty(w, sp->share);
            num_or_empty(w, sp->share_se);
            num_or_empty(w, isfinite(sp->share) ? 1.0 - sp->share : NAN);
            csvw_end_row(w);
        }
    return csvw_close(w, err);
}

int output_sens(outdir *od, const sens_output *an, ts_err *err)
{
    size_t *order = malloc((an->d + 1) * sizeof *order);
    double *key = malloc((an->d + 1) * sizeof *key);
    int rc = 0;
    if (!order || !key)
        rc = ts_errf(err, "out of memory");
    if (rc == 0) {
        switch (an->method) {
        case SENS_TORNADO:
            rc = write_tornado(od, an, order, key, err);
            break;
        case SENS_SOBOL:
            rc = write_sobol(od, an, order, key, err);
            break;
        case SENS_MORRIS:
            rc = write_morris(od, an, order, err);
            break;
        case SENS_FILTER:
            rc = write_filter(od, an, order, err);
            break;
        case SENS_SPLIT:
            rc = write_split(od, an, err);
            break;
        default:
            break;
        }
    }
    if (rc == 0)
        rc = report_write_tiers(od, an->s, err);
    free(order);
    free(key);
    return rc;
}

/* The three parameters with the largest v[0..d-1], as "name 0.123, ..."
 * (decimals < 0: four significant digits). */
static void top3(const sens_output *an, const double *v, int decimals, char *buf, size_t len)
{
    size_t order[768]; /* more than any scenario has parameters */
    size_t d = an->d < sizeof order / sizeof order[0] ? an->d : sizeof order / sizeof order[0];
    sens_order_desc(v, d, order);
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < 3 && k < d && used < len; k++) {
        if (!isfinite(v[order[k]]) || v[order[k]] == 0.0)
            break;
        char num[32];
        if (decimals >= 0)
            snprintf(num, sizeof num, "%.*f", decimals, v[order[k]]);
        else
            snprintf(num, sizeof num, "%.4g", v[order[k]]);
        int n = snprintf(buf + used, len - used, "%s%s %s", k ? ", " : "", pname(an, order[k]),
                         num);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (!buf[0])
        snprintf(buf, len, "(no parameter moves it)");
}


static const char *const sens_reading[SENS_N_METHODS] = {
    [SENS_TORNADO] = "[the value with every parameter at its median] largest swings (each "
                     "parameter from its 5th to its 95th percentile, the others at their medians)",
    [SENS_MORRIS] = "largest mu* (mean |elementary effect| per unit of quantile)",
    [SENS_SOBOL] = "[mean +- sd of the output over the design] largest total Sobol indices ST",
    [SENS_FILTER] = "largest Kolmogorov-Smirnov distances between the parameters of the "
                    "replications that met the target and of those that missed it",
    [SENS_SPLIT] = "share of the variance due to parameter uncertainty (the rest is chance)",
};

const char *output_sens_reading(sens_method m)
{
    return sens_reading[m];
}

/* The tornado's P(met) line reads otherwise than its mean line (issue 13). */
const char *output_sens_note(sens_method m, ts_lang lang)
{
    return m == SENS_TORNADO ? i18n(lang, MSG_SENS_TORNADO_NOTE) : NULL;
}

/* One line of the terminal summary: target j's output o (SENSRUN_MEAN or
 * SENSRUN_PMET) as the method sees it, into line; *on names the output.
 * v is scratch space of an->d + 1 values. */
void output_sens_line(const sens_output *an, size_t j, size_t o, double *v, char *line,
                      size_t len, const char **on)
{
    size_t d = an->d, jo = j * SENSRUN_OUTPUTS + o;
    *on = o == SENSRUN_MEAN ? "mean" : "P(met)";
    switch (an->method) {
    case SENS_TORNADO: {
        char ctx[64];
        snprintf(ctx, sizeof ctx, o == SENSRUN_PMET ? "[%.3f] " : "[%.4g] ",
                 an->tornado.base[jo]);
        for (size_t i = 0; i < d; i++)
            v[i] = fabs(an->tornado.out_high[jo * d + i] - an->tornado.out_low[jo * d + i]);
        size_t used = strlen(ctx);
        memcpy(line, ctx, used + 1);
        top3(an, v, o == SENSRUN_PMET ? 3 : -1, line + used, len - used);
        break;
    }
    case SENS_MORRIS:
        top3(an, an->morris.mu_star + jo * d, o == SENSRUN_PMET ? 3 : -1, line, len);
        break;
    case SENS_SOBOL: {
        /* An output that hardly varies has indices of noise: say so. */
        char ctx[64];
        snprintf(ctx, sizeof ctx, o == SENSRUN_PMET ? "[%.3f +- %.3f] " : "[%.4g +- %.3g] ",
                 an->sobol.mean[jo], an->sobol.sd[jo]);
        for (size_t i = 0; i < d; i++)
            v[i] = an->sobol.st[jo * d + i].est;
        size_t used = strlen(ctx);
        memcpy(line, ctx, used + 1);
        top3(an, v, 2, line + used, len - used);
        break;
    }
    case SENS_FILTER:
        if (o == SENSRUN_MEAN) {
            snprintf(line, len, "%llu of %llu replications met it",
                     (unsigned long long)an->filter.n_met[j],
                     (unsigned long long)an->filter.reps);
            *on = "";
        } else {
            uint64_t met = an->filter.n_met[j], n = an->filter.reps;
            if (met == 0 || met == n)
                snprintf(line, len, "(%s replication met it: nothing to compare)",
                         met ? "every" : "no");
            else
                top3(an, an->filter.ks + j * d, 2, line, len);
            *on = "KS";
        }
        break;
    case SENS_SPLIT: {
        const sens_split *sp = &an->split.split[jo];
        *on = o == SENSRUN_MEAN ? "value" : "met";
        if (isfinite(sp->share))
            snprintf(line, len, "parameters %.1f %% (se %.1f), chance %.1f %%",
                     100 * sp->share, 100 * sp->share_se, 100 * (1 - sp->share));
        else
            snprintf(line, len, "(no variation)");
        break;
    }
    default:
        line[0] = '\0';
    }
}

/* ------------------------------------------------------------------ sweep */

int output_sweep(outdir *od, const scenario *s, const size_t *params,
                 const sensrun_sweep_result *r, ts_err *err)
{
    size_t T = s->n_targets;
    csvw *w = csvw_open(outdir_file(od, "sweep.csv"), err);
    if (!w)
        return -1;
    for (size_t k = 0; k < r->n_dims; k++)
        csvw_str(w, s->params[params[k]].name);
    for (size_t j = 0; j < T; j++) {
        char tn[160], col[200];
        report_target_name(s, j, tn, sizeof tn);
        snprintf(col, sizeof col, "%s_p_met", tn);
        csvw_str(w, col);
        snprintf(col, sizeof col, "%s_se", tn);
        csvw_str(w, col);
    }
    csvw_end_row(w);
    for (size_t pt = 0; pt < r->n_points; pt++) {
        for (size_t k = 0; k < r->n_dims; k++)
            csvw_num(w, r->values[pt * r->n_dims + k]);
        for (size_t j = 0; j < T; j++) {
            uint64_t met = r->met[pt * T + j];
            csvw_prob(w, (double)met / (double)r->reps);
            csvw_prob(w, proportion_se(met, r->reps));
        }
        csvw_end_row(w);
    }
    if (csvw_close(w, err) < 0)
        return -1;
    return report_write_tiers(od, s, err);
}

