/* cmd_sens.c -- `tiersim sensitivity`: which assumptions decide whether each
 * target is met (tornado, Morris, Sobol, Monte Carlo filtering, and the
 * variance split between parameter uncertainty and chance). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_version.h>

#include "cmd_sens.h"
#include "csvio.h"
#include "html.h"
#include "num.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "scenario.h"
#include "sensplot.h"
#include "sensrun.h"
#include "version.h"

const char *const sens_method_names[SENS_N_METHODS] = {"tornado", "morris", "sobol", "filter",
                                                       "split"};

/* A Sobol or Morris design's points are held in memory (the quantiles and
 * two outputs per target each). */
#define SENS_MAX_POINTS 1000000

static const char sens_usage[] =
    "usage: tiersim sensitivity SCENARIO [--method tornado|morris|sobol|filter|split] "
    "[--param NAME]... [--range NAME=LO:HI]... [-N BASE] [--inner REPS] [-s SEED] [-j THREADS] "
    "[-o DIR] [--policy NAME]... [--history HISTORY.csv] [--no-plots] [--quiet]";

/* -N and --inner: what they mean for each method, their defaults and bounds
 * (0 in `inner_default`: the scenario's replications; 0 in n_max: -N does
 * not apply). */
typedef struct {
    const char *n_means;
    uint64_t n_default, n_min, n_max;
    uint64_t inner_default, inner_min;
} method_info;

static const method_info method_table[SENS_N_METHODS] = {
    [SENS_TORNADO] = {NULL, 0, 0, 0, 0, 1},
    [SENS_MORRIS] = {"trajectories", 20, 2, 100000, 200, 1},
    [SENS_SOBOL] = {"base sample size", 1024, 2, 1000000, 100, 1},
    /* filter and split hold a parameter vector per replication / outer draw */
    [SENS_FILTER] = {"replications", 0, 10, 200000, 0, 0},
    [SENS_SPLIT] = {"outer parameter draws", 1000, 2, 100000, 100, 2},
};

int sens_parse_spec(const char *spec, char *name, size_t name_len, double *lo, double *hi,
                    uint64_t *steps, ts_err *err)
{
    const char *want = steps ? "NAME=LO:HI:STEPS" : "NAME=LO:HI";
    const char *eq = strchr(spec, '=');
    char buf[256];
    if (!eq || eq == spec || strlen(eq + 1) >= sizeof buf)
        return ts_errf(err, "expected %s, got '%s'", want, spec);
    snprintf(name, name_len, "%.*s", (int)(eq - spec), spec);
    snprintf(buf, sizeof buf, "%s", eq + 1);
    char *parts[4] = {buf, NULL, NULL, NULL};
    size_t n = 1;
    for (char *p = buf; *p; p++)
        if (*p == ':') {
            if (n == 4)
                return ts_errf(err, "expected %s, got '%s'", want, spec);
            *p = '\0';
            parts[n++] = p + 1;
        }
    if (n != (steps ? 3u : 2u) || num_parse_double(parts[0], lo) < 0 ||
        num_parse_double(parts[1], hi) < 0)
        return ts_errf(err, "expected %s, got '%s'", want, spec);
    if (steps && (num_parse_uint64(parts[2], 1000, steps) < 0 || *steps < 2))
        return ts_errf(err, "expected %s with STEPS a whole number from 2 to 1000, got '%s'", want,
                       spec);
    if (!(*lo < *hi))
        return ts_errf(err, "expected %s with LO < HI, got '%s'", want, spec);
    return 0;
}

int sens_args_parse(int argc, char **argv, sens_args *a, ts_err *err)
{
    static const struct option longopts[] = {
        {"method", required_argument, NULL, 'm'},
        {"param", required_argument, NULL, 'p'},
        {"range", required_argument, NULL, 'r'},
        {"inner", required_argument, NULL, 'i'},
        {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'j'},
        {"out", required_argument, NULL, 'o'},
        {"policy", required_argument, NULL, 'P'},
        {"history", required_argument, NULL, 'H'},
        {"no-plots", no_argument, NULL, 'X'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->method = SENS_TORNADO;
    optind = 0; /* glibc: a full reset, so the parser can run more than once */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":N:s:j:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': {
            size_t k = 0;
            while (k < SENS_N_METHODS && strcmp(optarg, sens_method_names[k]) != 0)
                k++;
            if (k == SENS_N_METHODS)
                return ts_errf(err, "sensitivity: --method: expected tornado, morris, sobol, "
                               "filter or split, got '%s'" CMD_SEE_HELP("sensitivity"), optarg);
            a->method = (sens_method)k;
            break;
        }
        case 'p':
            if (a->n_params == SENS_MAX_ARGS)
                return ts_errf(err, "sensitivity: --param: at most %d" CMD_SEE_HELP("sensitivity"), SENS_MAX_ARGS);
            a->params[a->n_params++] = optarg;
            break;
        case 'r': {
            char name[256];
            double lo, hi;
            ts_err e;
            if (a->n_ranges == SENS_MAX_ARGS)
                return ts_errf(err, "sensitivity: --range: at most %d" CMD_SEE_HELP("sensitivity"), SENS_MAX_ARGS);
            if (sens_parse_spec(optarg, name, sizeof name, &lo, &hi, NULL, &e) < 0)
                return ts_errf(err, "sensitivity: --range: %s" CMD_SEE_HELP("sensitivity"), e.msg);
            a->ranges[a->n_ranges++] = optarg;
            break;
        }
        case 'N':
            if (num_parse_uint64(optarg, 1000000, &a->base) < 0 || a->base == 0)
                return ts_errf(err, "sensitivity: -N: expected a whole number from 1 to 1000000, "
                               "got '%s'" CMD_SEE_HELP("sensitivity"), optarg);
            break;
        case 'i':
            if (num_parse_uint64(optarg, 10000000, &a->inner) < 0 || a->inner == 0)
                return ts_errf(err, "sensitivity: --inner: expected a whole number from 1 to "
                               "10000000, got '%s'" CMD_SEE_HELP("sensitivity"), optarg);
            break;
        case 's':
            if (cmd_opt_seed("sensitivity", optarg, &a->seed, err) < 0)
                return -1;
            a->have_seed = 1;
            break;
        case 'j':
            if (cmd_opt_threads("sensitivity", optarg, &a->threads, err) < 0)
                return -1;
            break;
        case 'o':
            if (!optarg[0])
                return ts_errf(err, "sensitivity: -o: expected a directory" CMD_SEE_HELP("sensitivity"));
            a->out_dir = optarg;
            break;
        case 'P':
            if (a->n_policies == CMD_MAX_POLICIES)
                return ts_errf(err, "sensitivity: --policy: at most %d policies" CMD_SEE_HELP("sensitivity"),
                               CMD_MAX_POLICIES);
            a->policies[a->n_policies++] = optarg;
            break;
        case 'H':
            a->history = optarg;
            break;
        case 'X':
            a->no_plots = 1;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            a->help = 1;
            return 0;
        default:
            return cmd_opt_bad("sensitivity", c, argv[optind - 1], err);
        }
    }
    if (optind != argc - 1)
        return ts_errf(err, optind >= argc ? "sensitivity: missing SCENARIO" CMD_SEE_HELP("sensitivity")
                                           : "sensitivity: expected one SCENARIO" CMD_SEE_HELP("sensitivity"));
    a->scenario = argv[optind];
    const char *m = sens_method_names[a->method];
    if (a->base && !method_table[a->method].n_max)
        return ts_errf(err, "sensitivity: -N does not apply to --method %s" CMD_SEE_HELP("sensitivity"), m);
    if (a->base && (a->base < method_table[a->method].n_min ||
                    a->base > method_table[a->method].n_max))
        return ts_errf(err, "sensitivity: -N (%s) for --method %s: expected %llu to %llu, got "
                       "%llu" CMD_SEE_HELP("sensitivity"), method_table[a->method].n_means, m,
                       (unsigned long long)method_table[a->method].n_min,
                       (unsigned long long)method_table[a->method].n_max,
                       (unsigned long long)a->base);
    if (a->inner && !method_table[a->method].inner_min)
        return ts_errf(err, "sensitivity: --inner does not apply to --method %s (-N sets its "
                       "replications)" CMD_SEE_HELP("sensitivity"), m);
    if (a->inner && a->inner < method_table[a->method].inner_min)
        return ts_errf(err, "sensitivity: --inner for --method %s: at least %llu" CMD_SEE_HELP("sensitivity"), m,
                       (unsigned long long)method_table[a->method].inner_min);
    return 0;
}

/* ------------------------------------------------------------ the factors */

/* The name of a target in the CSVs: its tier, with the measure when the tier
 * also has a target of the other kind (as compare.csv writes it). */
void sens_target_name(const scenario *s, size_t j, char *buf, size_t len)
{
    const ts_target *t = &s->targets[j];
    int twin = 0;
    for (size_t k = 0; k < s->n_targets; k++)
        twin |= k != j && s->targets[k].tier == t->tier;
    if (twin)
        snprintf(buf, len, "%s:%s", s->tiers[t->tier].name, report_target_measure(t));
    else
        snprintf(buf, len, "%s", s->tiers[t->tier].name);
}

static int find_param(const scenario *s, const char *opt, const char *name, size_t *out,
                      ts_err *err)
{
    size_t i = scenario_find_param(s, name);
    if (i == TS_NO_PARAM)
        return ts_errf(err, "sensitivity: %s %s: unknown parameter (tiersim check %s --params "
                       "lists them)", opt, name, s->path);
    long p = sensrun_param_policy(s, i);
    if (p >= 0 && !s->policies[p].active)
        return ts_errf(err, "sensitivity: %s %s: policy '%s' is off, so the parameter changes "
                       "nothing (add --policy %s)", opt, name, s->policies[p].name,
                       s->policies[p].name);
    *out = i;
    return 0;
}

/* Applies the ranges, then picks the factors: the --param names (and the
 * ranged ones), or every uncertain parameter.  factors[s->n_params]. */
static int pick_factors(scenario *s, const sens_args *a, size_t *factors, size_t *d, ts_err *err)
{
    unsigned char *chosen = calloc(s->n_params + 1, 1);
    if (!chosen)
        return ts_errf(err, "out of memory");
    int rc = 0;
    for (size_t k = 0; k < a->n_ranges && rc == 0; k++) {
        char name[256];
        double lo, hi;
        size_t i;
        ts_err e;
        sens_parse_spec(a->ranges[k], name, sizeof name, &lo, &hi, NULL, &e);
        if ((rc = find_param(s, "--range", name, &i, err)) < 0)
            break;
        if ((rc = sensrun_set_range(s, i, lo, hi, &e)) < 0)
            ts_errf(err, "sensitivity: --range %s: %s", a->ranges[k], e.msg);
        chosen[i] = 1;
    }
    for (size_t k = 0; k < a->n_params && rc == 0; k++) {
        size_t i;
        if ((rc = find_param(s, "--param", a->params[k], &i, err)) < 0)
            break;
        if (!dist_is_random(&s->params[i].value)) {
            char v[64];
            dist_format(&s->params[i].value, v, sizeof v);
            rc = ts_errf(err, "sensitivity: --param %s: fixed at %s in the scenario; give it a "
                         "range with --range %s=LO:HI", a->params[k], v, a->params[k]);
        }
        chosen[i] = 1;
    }
    if (rc == 0 && a->n_params == 0) {
        size_t n = sensrun_default_factors(s, factors);
        for (size_t k = 0; k < n; k++)
            chosen[factors[k]] = 1;
    }
    /* In the scenario's order, whatever the order on the command line. */
    *d = 0;
    for (size_t i = 0; i < s->n_params && rc == 0; i++)
        if (chosen[i])
            factors[(*d)++] = i;
    if (rc == 0 && *d == 0)
        rc = ts_errf(err, "sensitivity: %s has no uncertain parameters: give some a range with "
                     "--range NAME=LO:HI", s->path);
    free(chosen);
    return rc;
}

/* ---------------------------------------------------------------- signals */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ---------------------------------------------------------------- outputs */

/* The analysis as it ran: what the writers and the summary need. */
typedef struct {
    const sens_args *a;
    const scenario *s;
    const size_t *factors;
    size_t d;
    uint64_t n, inner, points, seed;
    int threads;
    const char *design;
    char policies[CMD_MAX_POLICIES * (TS_NAME_MAX + 1) + 1];
    sensrun_tornado_result tornado;
    sensrun_sobol_result sobol;
    sensrun_morris_result morris;
    sensrun_filter_result filter;
    sensrun_split_result split;
} analysis;

static const char *pname(const analysis *an, size_t i)
{
    return an->s->params[an->factors[i]].name;
}

static void header(csvw *w, const char *const *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        csvw_str(w, cols[i]);
    csvw_end_row(w);
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

static int write_tornado(outdir *od, const analysis *an, size_t *order, double *swing, ts_err *err)
{
    const sensrun_tornado_result *r = &an->tornado;
    csvw *w = csvw_open(outdir_file(od, "tornado.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"target", "output", "parameter", "low", "high",
                                       "output_low", "output_high", "swing"};
    header(w, head, 8);
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            size_t jo = j * SENSRUN_OUTPUTS + o;
            char tn[160];
            sens_target_name(an->s, j, tn, sizeof tn);
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
    w = csvw_open(outdir_file(od, "tornado_base.csv"), err);
    if (!w)
        return -1;
    static const char *const bhead[] = {"target", "output", "value"};
    header(w, bhead, 3);
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            char tn[160];
            sens_target_name(an->s, j, tn, sizeof tn);
            csvw_str(w, tn);
            csvw_str(w, sensrun_output_names[o]);
            out_value(w, o, r->base[j * SENSRUN_OUTPUTS + o]);
            csvw_end_row(w);
        }
    return csvw_close(w, err);
}

static int write_sobol(outdir *od, const analysis *an, size_t *order, double *key, ts_err *err)
{
    const sensrun_sobol_result *r = &an->sobol;
    csvw *w = csvw_open(outdir_file(od, "sobol.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"target", "output", "parameter", "S1", "S1_lo", "S1_hi",
                                       "ST", "ST_lo", "ST_hi"};
    header(w, head, 9);
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            size_t jo = j * SENSRUN_OUTPUTS + o;
            char tn[160];
            sens_target_name(an->s, j, tn, sizeof tn);
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

static int write_morris(outdir *od, const analysis *an, size_t *order, ts_err *err)
{
    const sensrun_morris_result *r = &an->morris;
    csvw *w = csvw_open(outdir_file(od, "morris.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"target", "output", "parameter", "mu_star", "mu_star_ci",
                                       "sigma"};
    header(w, head, 6);
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            size_t jo = j * SENSRUN_OUTPUTS + o;
            char tn[160];
            sens_target_name(an->s, j, tn, sizeof tn);
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

static int write_filter(outdir *od, const analysis *an, size_t *order, ts_err *err)
{
    const sensrun_filter_result *r = &an->filter;
    size_t T = an->s->n_targets, d = an->d, n = (size_t)r->reps;
    csvw *w = csvw_open(outdir_file(od, "filter.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"target", "parameter", "ks", "p_value", "median_met",
                                       "median_missed"};
    header(w, head, 6);
    for (size_t j = 0; j < T; j++) {
        char tn[160];
        sens_target_name(an->s, j, tn, sizeof tn);
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
    w = csvw_open(outdir_file(od, "filter_cdf.csv"), err);
    if (!w)
        return -1;
    static const char *const chead[] = {"target", "parameter", "group", "quantile", "value"};
    header(w, chead, 5);
    double *v = malloc((n + 1) * sizeof *v);
    if (!v) {
        csvw_close(w, NULL);
        return ts_errf(err, "out of memory");
    }
    for (size_t j = 0; j < T; j++) {
        char tn[160];
        sens_target_name(an->s, j, tn, sizeof tn);
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

static int write_split(outdir *od, const analysis *an, ts_err *err)
{
    const sensrun_split_result *r = &an->split;
    csvw *w = csvw_open(outdir_file(od, "split.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"target", "output", "var_total", "var_param",
                                       "var_chance", "share_param", "share_param_se",
                                       "share_chance"};
    header(w, head, 8);
    for (size_t j = 0; j < an->s->n_targets; j++)
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            const sens_split *sp = &r->split[j * SENSRUN_OUTPUTS + o];
            char tn[160];
            sens_target_name(an->s, j, tn, sizeof tn);
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

static int write_manifest(outdir *od, const analysis *an, ts_err *err)
{
    const sens_args *a = an->a;
    const scenario *s = an->s;
    const char *path = outdir_file(od, "manifest.txt");
    FILE *f = fopen(path, "w");
    if (!f)
        return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    fprintf(f, "tiersim_version: %s\ncommand: %s\nscenario: %s\nscenario_name: %s\n"
               "scenario_label: %s\nyears: %d-%d\n", TIERSIM_VERSION, cmd_full_line,
            a->scenario, s->name, s->label, s->start_year, s->end_year);
    if (a->history)
        fprintf(f, "history: %s\n", a->history);
    fprintf(f, "policies: %s\nmethod: %s\n", an->policies[0] ? an->policies : "none",
            sens_method_names[a->method]);
    fprintf(f, "parameters: %zu:", an->d);
    for (size_t i = 0; i < an->d; i++)
        fprintf(f, " %s", pname(an, i));
    fprintf(f, "\n");
    for (size_t i = 0; i < an->d; i++) {
        char v[160];
        dist_format(&s->params[an->factors[i]].value, v, sizeof v);
        fprintf(f, "distribution: %s %s\n", pname(an, i), v);
    }
    switch (a->method) {
    case SENS_TORNADO:
        fprintf(f, "design: each parameter at its 5th and 95th percentile, every other "
                   "parameter at its median; %llu points\n", (unsigned long long)an->points);
        break;
    case SENS_MORRIS:
        fprintf(f, "design: %llu Morris trajectories, %d levels at quantiles (2l+1)/%d, steps "
                   "of %g in quantile; %llu points\ntrajectory_seed: from the run seed\n",
                (unsigned long long)an->n, SENS_MORRIS_LEVELS, 2 * SENS_MORRIS_LEVELS,
                SENS_MORRIS_DELTA, (unsigned long long)an->points);
        break;
    case SENS_SOBOL:
        fprintf(f, "design: Saltelli, N = %llu, N (d + 2) = %llu points from %s\n"
                   "estimators: first order Saltelli et al. 2010, total Jansen 1999\n",
                (unsigned long long)an->n, (unsigned long long)an->points, an->design);
        break;
    case SENS_FILTER:
        fprintf(f, "design: replications 0..%llu of an ordinary run (Monte Carlo filtering), "
                   "two-sample Kolmogorov-Smirnov, asymptotic p-value with Stephens' "
                   "correction\n", (unsigned long long)an->n - 1);
        break;
    case SENS_SPLIT:
        fprintf(f, "design: %llu outer parameter draws x %llu inner replications on independent "
                   "streams (law of total variance, unbiased between-part)\n",
                (unsigned long long)an->n, (unsigned long long)an->inner);
        break;
    default:
        break;
    }
    if (a->method != SENS_FILTER)
        fprintf(f, "inner_replications: %llu per point\n", (unsigned long long)an->inner);
    fprintf(f, "replications: %llu\n", (unsigned long long)(an->points * an->inner));
    if (a->method == SENS_SOBOL || a->method == SENS_MORRIS || a->method == SENS_SPLIT)
        fprintf(f, "bootstrap: %d resamples, gsl_rng_mt19937 seed %lu\n", SENS_BOOT,
                SENS_BOOT_SEED);
    fprintf(f, "seed: %llu\nthreads: %d\ngsl_version: %s\n", (unsigned long long)an->seed,
            an->threads, gsl_version);
    fprintf(f, "generator: xoshiro256++ (tiersim rng.c, seeded by splitmix64 of seed and "
               "stream)\n");
    if (a->method != SENS_FILTER && a->method != SENS_SPLIT)
        fprintf(f, "common_random_numbers: every design point runs replications 0..%llu on "
                   "the same streams (parameters 2i, chance 2i+1)\n",
                (unsigned long long)an->inner - 1);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ts_errf(err, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

static int write_outputs(outdir *od, const analysis *an, ts_err *err)
{
    size_t *order = malloc((an->d + 1) * sizeof *order);
    double *key = malloc((an->d + 1) * sizeof *key);
    int rc = 0;
    if (!order || !key)
        rc = ts_errf(err, "out of memory");
    if (rc == 0) {
        switch (an->a->method) {
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
    if (rc == 0)
        rc = write_manifest(od, an, err);
    free(order);
    free(key);
    return rc;
}

/* ---------------------------------------------------------------- summary */

/* The three parameters with the largest v[0..d-1], as "name 0.123, ..."
 * (decimals < 0: four significant digits). */
static void top3(const analysis *an, const double *v, int decimals, char *buf, size_t len)
{
    size_t order[SENS_MAX_ARGS + 512];
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

static void print_summary(const analysis *an, const char *dir)
{
    const scenario *s = an->s;
    size_t T = s->n_targets, d = an->d;
    double *v = malloc((d + 1) * sizeof *v);
    if (!v)
        return;
    const char *what = "";
    switch (an->a->method) {
    case SENS_TORNADO:
        what = "[the value with every parameter at its median] largest swings (each parameter "
               "from its 5th to its 95th percentile, the others at their medians)";
        break;
    case SENS_MORRIS:
        what = "largest mu* (mean |elementary effect| per unit of quantile)";
        break;
    case SENS_SOBOL:
        what = "[mean +- sd of the output over the design] largest total Sobol indices ST";
        break;
    case SENS_FILTER:
        what = "largest Kolmogorov-Smirnov distances between the parameters of the "
               "replications that met the target and of those that missed it";
        break;
    case SENS_SPLIT:
        what = "share of the variance due to parameter uncertainty (the rest is chance)";
        break;
    default:
        break;
    }
    printf("%s -- sensitivity (%s) of %zu parameter%s", s->name,
           sens_method_names[an->a->method], d, d == 1 ? "" : "s");
    if (an->a->method == SENS_FILTER)
        printf(", %llu replications", (unsigned long long)an->n);
    else
        printf(", %llu points x %llu replications", (unsigned long long)an->points,
               (unsigned long long)an->inner);
    printf("%s%s\n%s:\n\n", an->design ? "; design " : "", an->design ? an->design : "", what);
    for (size_t j = 0; j < T; j++) {
        char tn[160], line[1024];
        sens_target_name(s, j, tn, sizeof tn);
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            size_t jo = j * SENSRUN_OUTPUTS + o;
            const char *on = o == SENSRUN_MEAN ? "mean" : "P(met)";
            switch (an->a->method) {
            case SENS_TORNADO: {
                char ctx[64];
                snprintf(ctx, sizeof ctx, o == SENSRUN_PMET ? "[%.3f] " : "[%.4g] ",
                         an->tornado.base[jo]);
                for (size_t i = 0; i < d; i++)
                    v[i] = fabs(an->tornado.out_high[jo * d + i] - an->tornado.out_low[jo * d + i]);
                size_t used = strlen(ctx);
                memcpy(line, ctx, used + 1);
                top3(an, v, o == SENSRUN_PMET ? 3 : -1, line + used, sizeof line - used);
                break;
            }
            case SENS_MORRIS:
                top3(an, an->morris.mu_star + jo * d, o == SENSRUN_PMET ? 3 : -1, line,
                     sizeof line);
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
                top3(an, v, 2, line + used, sizeof line - used);
                break;
            }
            case SENS_FILTER:
                if (o == SENSRUN_MEAN) {
                    snprintf(line, sizeof line, "%llu of %llu replications met it",
                             (unsigned long long)an->filter.n_met[j],
                             (unsigned long long)an->filter.reps);
                    on = "";
                } else {
                    uint64_t met = an->filter.n_met[j], n = an->filter.reps;
                    if (met == 0 || met == n)
                        snprintf(line, sizeof line, "(%s replication met it: nothing to compare)",
                                 met ? "every" : "no");
                    else
                        top3(an, an->filter.ks + j * d, 2, line, sizeof line);
                    on = "KS";
                }
                break;
            case SENS_SPLIT: {
                const sens_split *sp = &an->split.split[jo];
                on = o == SENSRUN_MEAN ? "value" : "met";
                if (isfinite(sp->share))
                    snprintf(line, sizeof line, "parameters %.1f %% (se %.1f), chance %.1f %%",
                             100 * sp->share, 100 * sp->share_se, 100 * (1 - sp->share));
                else
                    snprintf(line, sizeof line, "(no variation)");
                break;
            }
            default:
                line[0] = '\0';
            }
            printf("%-18.18s %-7s %s\n", o == 0 ? tn : "", on, line);
        }
    }
    free(v);
    printf("\nresults: %s/\n", dir);
}

/* ------------------------------------------------------------------ charts */

int cmd_sens_draw(const char *dir, ts_err *err)
{
    char plots[4096];
    /* As cmd_draw: TIERSIM_PLOTS is read here, the library takes the directory. */
    if (plot_find_dir(getenv("TIERSIM_PLOTS"), plots, sizeof plots, err) < 0) {
        ts_err_prefix(err, "plot");
        return -1;
    }
    int rc = sensplot_draw(dir, plots, NULL, err);
    if (rc == PLOT_SKIPPED)
        fprintf(stderr, "tiersim: warning: gnuplot not found; charts skipped (CSVs are complete)\n");
    if (rc < 0)
        return -1;
    if (html_write_report(dir, err) < 0)
        return -1;
    return rc;
}

/* ----------------------------------------------------------------- command */

int cmd_sensitivity(int argc, char **argv)
{
    sens_args a;
    ts_err err;
    if (sens_args_parse(argc, argv, &a, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (a.help) {
        printf("%s\n", sens_usage);
        return EXIT_OK;
    }
    scenario *s = NULL;
    size_t *factors = NULL;
    outdir *od = NULL;
    int status = EXIT_USAGE;
    analysis an;
    memset(&an, 0, sizeof an);
    an.a = &a;
    char dir[4096];

    if (cmd_load_scenario(a.scenario, a.history, a.quiet, &s, &err) < 0)
        goto fail;
    an.s = s;
    if (cmd_activate_policies(s, a.policies, a.n_policies, an.policies, sizeof an.policies, &err) < 0)
        goto fail;
    if (!(factors = calloc(s->n_params + 1, sizeof *factors))) {
        ts_errf(&err, "out of memory");
        status = EXIT_FAIL;
        goto fail;
    }
    if (pick_factors(s, &a, factors, &an.d, &err) < 0)
        goto fail;
    an.factors = factors;
    if (a.have_seed)
        s->seed = a.seed;
    an.seed = s->seed;
    an.threads = cmd_threads(a.threads);
    const method_info *mt = &method_table[a.method];
    an.n = a.base ? a.base : mt->n_default ? mt->n_default : s->replications;
    if (!a.base && mt->n_max && an.n > mt->n_max)
        an.n = mt->n_max; /* filter: the scenario's replications, within the bound */
    an.inner = a.inner ? a.inner : mt->inner_default ? mt->inner_default : s->replications;
    if (a.out_dir)
        snprintf(dir, sizeof dir, "%s", a.out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s-%s", s->name, sens_method_names[a.method]);

    uint64_t design_points = a.method == SENS_SOBOL    ? an.n * (an.d + 2)
                             : a.method == SENS_MORRIS ? an.n * (an.d + 1)
                                                       : 0;
    if (design_points > SENS_MAX_POINTS) {
        ts_errf(&err, "sensitivity: the design has %llu points (%zu parameters, -N %llu); at "
                "most %d: lower -N or study fewer parameters with --param",
                (unsigned long long)design_points, an.d, (unsigned long long)an.n,
                SENS_MAX_POINTS);
        goto fail;
    }

    runner_opts o;
    runner_opts_init(&o, s);
    o.threads = a.threads;
    o.cancel = &interrupted;
    cmd_progress_state ps;
    cmd_progress_begin(&ps, a.quiet, &o);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int rc = 0;
    switch (a.method) {
    case SENS_TORNADO:
        an.points = 1 + 2 * an.d;
        rc = sensrun_tornado(s, &o, factors, an.d, an.inner, &an.tornado, &err);
        break;
    case SENS_MORRIS:
        an.points = an.n * (an.d + 1);
        rc = sensrun_morris(s, &o, factors, an.d, (size_t)an.n, an.inner, &an.morris, &err);
        break;
    case SENS_SOBOL:
        an.points = an.n * (an.d + 2);
        rc = sensrun_sobol(s, &o, factors, an.d, (size_t)an.n, an.inner, &an.sobol, &err);
        an.design = an.sobol.design;
        break;
    case SENS_FILTER:
        an.points = an.n;
        an.inner = 1;
        rc = sensrun_filter(s, &o, factors, an.d, an.n, &an.filter, &err);
        break;
    case SENS_SPLIT:
        an.points = an.n;
        rc = sensrun_split(s, &o, factors, an.d, an.n, an.inner, &an.split, &err);
        break;
    default:
        break;
    }
    cmd_progress_end(&ps);
    if (rc < 0) {
        status = interrupted ? EXIT_FAIL : EXIT_USAGE;
        goto fail;
    }
    status = EXIT_FAIL;
    if (outdir_begin(&od, dir, &err) < 0 || write_outputs(od, &an, &err) < 0)
        goto fail;
    if (!a.no_plots && a.method != SENS_SPLIT && cmd_sens_draw(outdir_tmp(od), &err) < 0 &&
        !interrupted)
        goto fail;
    if (interrupted) {
        ts_errf(&err, "interrupted");
        goto fail;
    }
    if (outdir_commit(od, &err) < 0) {
        od = NULL;
        goto fail;
    }
    od = NULL;
    print_summary(&an, dir);
    status = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
    goto out;
fail:
    fprintf(stderr, "%s\n", err.msg);
out:
    outdir_abort(od);
    sensrun_tornado_free(&an.tornado);
    sensrun_sobol_free(&an.sobol);
    sensrun_morris_free(&an.morris);
    sensrun_filter_free(&an.filter);
    sensrun_split_free(&an.split);
    free(factors);
    scenario_free(s);
    return status;
}
