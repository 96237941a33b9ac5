/* cmd_sens.c -- `tiersim sensitivity`: which assumptions decide whether each
 * target is met (tornado, Morris, Sobol, Monte Carlo filtering, and the
 * variance split between parameter uncertainty and chance). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "num.h"
#include "report.h"
#include "rng.h"
#include "scenario.h"
#include "sens.h"
#include "sensrun.h"

/* A Sobol or Morris design's points are held in memory (the quantiles and
 * two outputs per target each). */
#define SENS_MAX_POINTS 1000000

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

enum { OPT_METHOD = 256, OPT_PARAM, OPT_RANGE, OPT_INNER };

static const cli_option sens_options[] = {
    {"method", OPT_METHOD, 1, "tornado|morris|sobol|filter|split", "the analysis: one factor at "
     "a time, elementary effects, variance indices, what separates the replications that met "
     "from those that missed, or parameters against chance", CLI_NAMES_DIR, "tornado",
     "--method sobol"},
    {"param", OPT_PARAM, 1, "NAME", "study this parameter (it must have a distribution); "
     "repeatable", CLI_REPEAT, "every uncertain parameter, except those of policies that are off",
     "--param tier.srdi.inflow"},
    {"range", OPT_RANGE, 1, "NAME=LO:HI", "study NAME, fixed or not, as uniform over [LO, HI]; "
     "repeatable", CLI_REPEAT, "none", "--range tier.gazelle.inflow_growth=0:0.1"},
    {NULL, 'N', 1, "BASE", "the design's size: Morris trajectories, Sobol's base sample, "
     "filter's replications, split's outer draws (tornado takes none)", 0,
     "morris 20, sobol 1024, filter the scenario's replications (at most 200000), split 1000",
     "-N 512"},
    {"inner", OPT_INNER, 1, "REPS", "replications per design point (filter takes none)", 0,
     "tornado the scenario's replications, morris 200, sobol 100, split 100", "--inner 200"},
};

static int sens_option(void *own, int key, const char *v, ts_err *err)
{
    sens_flags *f = own;
    char name[256];
    double lo, hi;
    ts_err e;
    switch (key) {
    case OPT_METHOD: {
        size_t k = 0;
        while (k < SENS_N_METHODS && strcmp(v, sens_method_names[k]) != 0)
            k++;
        if (k == SENS_N_METHODS)
            return cli_usagef(err, "sensitivity", "--method: expected tornado, morris, sobol, "
                              "filter or split, got '%s'", v);
        f->method = (sens_method)k;
        return 0;
    }
    case OPT_PARAM:
        if (f->n_params == SENS_MAX_ARGS)
            return cli_usagef(err, "sensitivity", "--param: at most %d", SENS_MAX_ARGS);
        f->params[f->n_params++] = v;
        return 0;
    case OPT_RANGE:
        if (f->n_ranges == SENS_MAX_ARGS)
            return cli_usagef(err, "sensitivity", "--range: at most %d", SENS_MAX_ARGS);
        if (sensrun_parse_spec(v, name, sizeof name, &lo, &hi, NULL, &e) < 0)
            return cli_usagef(err, "sensitivity", "--range: %s", e.msg);
        f->ranges[f->n_ranges++] = v;
        return 0;
    case 'N':
        if (num_parse_uint64(v, 1000000, &f->base) < 0 || f->base == 0)
            return cli_usagef(err, "sensitivity", "-N: expected a whole number from 1 to "
                              "1000000, got '%s'", v);
        return 0;
    default:
        if (num_parse_uint64(v, 10000000, &f->inner) < 0 || f->inner == 0)
            return cli_usagef(err, "sensitivity", "--inner: expected a whole number from 1 to "
                              "10000000, got '%s'", v);
        return 0;
    }
}

static const char *const sens_examples[] = {
    "tiersim sensitivity scenarios/qingdao.ini",
    "tiersim sensitivity scenarios/qingdao.ini --method filter",
    "tiersim sensitivity scenarios/qingdao.ini --method sobol -N 512 --param tier.srdi.inflow "
    "--param 'transition.srdi->little_giant.quota'",
    NULL,
};

const cli_spec cmd_sens_spec = {
    "sensitivity", "which uncertain assumptions decide each target: tornado, Morris, Sobol "
                   "indices, Monte Carlo filtering, or the variance split between parameters "
                   "and chance",
    CLI_SIMULATE & ~(unsigned)CLI_REPS, "SCENARIO", 1, 1, sens_options,
    sizeof sens_options / sizeof sens_options[0], sens_option, sens_examples,
};

int sens_args_parse(int argc, char **argv, cli_args *a, sens_flags *f, ts_err *err)
{
    memset(f, 0, sizeof *f);
    f->method = SENS_TORNADO;
    if (cli_parse(&cmd_sens_spec, argc, argv, a, f, err) < 0 || a->help)
        return a->help ? 0 : -1;
    const char *m = sens_method_names[f->method];
    if (f->base && !method_table[f->method].n_max)
        return cli_usagef(err, "sensitivity", "-N does not apply to --method %s", m);
    if (f->base && (f->base < method_table[f->method].n_min ||
                    f->base > method_table[f->method].n_max))
        return cli_usagef(err, "sensitivity", "-N (%s) for --method %s: expected %llu to %llu, got "
                       "%llu", method_table[f->method].n_means, m,
                       (unsigned long long)method_table[f->method].n_min,
                       (unsigned long long)method_table[f->method].n_max,
                       (unsigned long long)f->base);
    if (f->inner && !method_table[f->method].inner_min)
        return cli_usagef(err, "sensitivity", "--inner does not apply to --method %s (-N sets its "
                       "replications)", m);
    if (f->inner && f->inner < method_table[f->method].inner_min)
        return cli_usagef(err, "sensitivity", "--inner for --method %s: at least %llu", m,
                       (unsigned long long)method_table[f->method].inner_min);
    return 0;
}

/* ------------------------------------------------------------ the factors */

/* ---------------------------------------------------------------- command */

/* Warnings of a Sobol design too small for what it is asked (issue 13: -N
 * 128 gave an ST of 1.13 and a P(met) 0.13 from the run's without a word):
 * sensrun_sobol_check's findings, in words. */
#define SENS_MAX_WARNINGS 2

typedef struct {
    char text[SENS_MAX_WARNINGS][1024];  /* English, for the manifest */
    char shown[SENS_MAX_WARNINGS][1024]; /* in the output's language, for stderr */
    size_t n;
} sens_warnings;

static int sobol_checks(const cli_session *cs, const runner_opts *o, const sens_output *an,
                        uint64_t n, uint64_t inner, sens_warnings *w, ts_err *err)
{
    const scenario *s = cs->s;
    size_t T = s->n_targets;
    uint64_t reps = s->replications;
    double *p = malloc((T + 1) * sizeof *p);
    if (!p)
        return ts_errf(err, "out of memory");
    if (sensrun_run_pmet(s, o, reps, p, err) < 0) {
        free(p);
        return -1;
    }
    sensrun_sobol_findings fd;
    sensrun_sobol_check(&an->sobol, p, reps, &fd);
    const ts_lang langs[2] = {LANG_EN, cli_lang()};
    char tn[160];
    if (fd.half_width > SENSRUN_SOBOL_MAX_HALF_WIDTH) {
        report_target_name(s, fd.hw_target, tn, sizeof tn);
        for (int l = 0; l < 2; l++)
            i18n_snprintf(l ? w->shown[w->n] : w->text[w->n], sizeof w->text[0], langs[l],
                          MSG_SOBOL_WIDE, (unsigned long long)n, fd.half_width,
                          fd.hw_st ? "ST" : "S1", s->params[an->factors[fd.hw_factor]].name, tn,
                          i18n(langs[l], fd.hw_output == SENSRUN_PMET ? GP_PMET : MSG_SOBOL_MEAN),
                          SENSRUN_SOBOL_MAX_HALF_WIDTH);
        w->n++;
    }
    if (fd.n_far > 0) {
        size_t jo = fd.z_target * SENSRUN_OUTPUTS + SENSRUN_PMET;
        report_target_name(s, fd.z_target, tn, sizeof tn);
        for (int l = 0; l < 2; l++) {
            char more[128] = "";
            if (fd.n_far > 1)
                i18n_snprintf(more, sizeof more, langs[l],
                              fd.n_far > 2 ? MSG_SOBOL_MORE : MSG_SOBOL_MORE1, fd.n_far - 1);
            i18n_snprintf(l ? w->shown[w->n] : w->text[w->n], sizeof w->text[0], langs[l],
                          MSG_SOBOL_FAR, tn, an->sobol.mean[jo], p[fd.z_target],
                          (unsigned long long)reps, fd.z, SENSRUN_SOBOL_MAX_Z, more,
                          (unsigned long long)n, (unsigned long long)inner);
        }
        w->n++;
    }
    free(p);
    return 0;
}

/* The design as it ran: what the manifest and the summary say of it. */
typedef struct {
    uint64_t n, inner, points;
    const char *design;         /* Sobol's quasi-random sequence */
} design;

static int run_method(const cli_session *cs, const runner_opts *o, sens_output *an,
                      const design *dz, ts_err *err)
{
    scenario *s = cs->s;
    switch (an->method) {
    case SENS_TORNADO:
        return sensrun_tornado(s, o, an->factors, an->d, dz->inner, &an->tornado, err);
    case SENS_MORRIS:
        return sensrun_morris(s, o, an->factors, an->d, (size_t)dz->n, dz->inner, &an->morris, err);
    case SENS_SOBOL:
        return sensrun_sobol(s, o, an->factors, an->d, (size_t)dz->n, dz->inner, &an->sobol, err);
    case SENS_FILTER:
        return sensrun_filter(s, o, an->factors, an->d, dz->n, &an->filter, err);
    default:
        return sensrun_split(s, o, an->factors, an->d, dz->n, dz->inner, &an->split, err);
    }
}

static void add_manifest(const cli_session *cs, const sens_output *an, const design *dz,
                         manifest *m)
{
    const scenario *s = cs->s;
    sens_method md = an->method;
    cli_manifest_begin(cs, m);
    manifest_add(m, "method", "%s", sens_method_names[md]);
    char names[8192] = "";
    for (size_t i = 0, used = 0; i < an->d && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, " %s",
                                 s->params[an->factors[i]].name);
    manifest_add(m, "parameters", "%zu:%s", an->d, names);
    for (size_t i = 0; i < an->d; i++) {
        char v[160];
        dist_format(&s->params[an->factors[i]].value, v, sizeof v);
        manifest_add(m, "distribution", "%s %s", s->params[an->factors[i]].name, v);
    }
    unsigned long long n = dz->n, points = dz->points;
    if (md == SENS_TORNADO)
        manifest_add(m, "design", "each parameter at its 5th and 95th percentile, every other "
                     "parameter at its median; %llu points", points);
    else if (md == SENS_MORRIS)
        manifest_add(m, "design", "%llu Morris trajectories, %d levels at quantiles (2l+1)/%d, "
                     "steps of %g in quantile; %llu points\ntrajectory_seed: from the run seed",
                     n, SENS_MORRIS_LEVELS, 2 * SENS_MORRIS_LEVELS, SENS_MORRIS_DELTA, points);
    else if (md == SENS_SOBOL)
        manifest_add(m, "design", "Saltelli, N = %llu, N (d + 2) = %llu points from %s\n"
                     "estimators: first order Saltelli et al. 2010, total Jansen 1999", n, points,
                     dz->design);
    else if (md == SENS_FILTER)
        manifest_add(m, "design", "replications 0..%llu of an ordinary run (Monte Carlo "
                     "filtering), two-sample Kolmogorov-Smirnov, asymptotic p-value with "
                     "Stephens' correction", n - 1);
    else
        manifest_add(m, "design", "%llu outer parameter draws x %llu inner replications on "
                     "independent streams (law of total variance, unbiased between-part)", n,
                     (unsigned long long)dz->inner);
    if (md != SENS_FILTER)
        manifest_add(m, "inner_replications", "%llu per point", (unsigned long long)dz->inner);
    manifest_add(m, "replications", "%llu", (unsigned long long)(dz->points * dz->inner));
    if (md == SENS_SOBOL || md == SENS_MORRIS || md == SENS_SPLIT)
        manifest_add(m, "bootstrap", "%d resamples, gsl_rng_mt19937 seed %lu", SENS_BOOT,
                     SENS_BOOT_SEED);
    cli_manifest_end(cs, m, s->seed);
    if (md != SENS_FILTER && md != SENS_SPLIT)
        manifest_add(m, "common_random_numbers", "every design point runs replications 0..%llu "
                     "on the same streams (%s)", (unsigned long long)dz->inner - 1,
                     RNG_STREAM_RULE);
}


static void print_summary(const sens_output *an, const design *dz, const char *dir)
{
    const scenario *s = an->s;
    double *v = malloc((an->d + 1) * sizeof *v);
    if (!v)
        return;
    printf("%s -- sensitivity (%s) of %zu parameter%s", s->name, sens_method_names[an->method],
           an->d, an->d == 1 ? "" : "s");
    if (an->method == SENS_FILTER)
        printf(", %llu replications", (unsigned long long)dz->n);
    else
        printf(", %llu points x %llu replications", (unsigned long long)dz->points,
               (unsigned long long)dz->inner);
    printf("%s%s\n%s:\n", dz->design ? "; design " : "", dz->design ? dz->design : "",
           output_sens_reading(an->method));
    if (output_sens_note(an->method, cli_lang()))
        printf("%s:\n", output_sens_note(an->method, cli_lang()));
    printf("\n");
    for (size_t j = 0; j < s->n_targets; j++) {
        char tn[160], line[1024];
        report_target_name(s, j, tn, sizeof tn);
        for (size_t o = 0; o < SENSRUN_OUTPUTS; o++) {
            const char *on;
            output_sens_line(an, j, o, v, line, sizeof line, &on);
            printf("%-18.18s %-7s %s\n", o == 0 ? tn : "", on, line);
        }
    }
    free(v);
    printf("\nresults: %s/\n", dir);
}

int cmd_sensitivity(int argc, char **argv)
{
    cli_args a;
    sens_flags f;
    ts_err err;
    if (sens_args_parse(argc, argv, &a, &f, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_sens_spec);
    cli_session cs;
    size_t *factors = NULL;
    sens_output an;
    memset(&an, 0, sizeof an);
    an.method = f.method;
    int status;
    if (cli_open(&cs, &cmd_sens_spec, &a, a.operands[0], 0, &err) < 0)
        goto fail;
    an.s = cs.s;
    if (!(factors = calloc(cs.s->n_params + 1, sizeof *factors))) {
        ts_errf(&err, "out of memory");
        cs.status = EXIT_FAIL;
        goto fail;
    }
    if (sensrun_pick_factors(cs.s, f.params, f.n_params, f.ranges, f.n_ranges, factors, &an.d,
                             &err) < 0)
        goto fail;
    an.factors = factors;
    const method_info *mt = &method_table[f.method];
    design dz = {f.base ? f.base : mt->n_default ? mt->n_default : cs.s->replications,
                 f.inner ? f.inner : mt->inner_default ? mt->inner_default : cs.s->replications,
                 0, NULL};
    if (!f.base && mt->n_max && dz.n > mt->n_max)
        dz.n = mt->n_max; /* filter: the scenario's replications, within the bound */
    dz.points = f.method == SENS_TORNADO  ? 1 + 2 * an.d
                : f.method == SENS_MORRIS ? dz.n * (an.d + 1)
                : f.method == SENS_SOBOL  ? dz.n * (an.d + 2)
                                          : dz.n;
    if (f.method == SENS_FILTER)
        dz.inner = 1;
    if ((f.method == SENS_SOBOL || f.method == SENS_MORRIS) && dz.points > SENS_MAX_POINTS) {
        ts_errf(&err, "sensitivity: the design has %llu points (%zu parameters, -N %llu); at "
                "most %d: lower -N or study fewer parameters with --param",
                (unsigned long long)dz.points, an.d, (unsigned long long)dz.n, SENS_MAX_POINTS);
        goto fail;
    }
    runner_opts o;
    cli_runner_opts(&cs, &o, 0);
    if (run_method(&cs, &o, &an, &dz, &err) < 0)
        goto fail;
    sens_warnings warn = {{{0}}, {{0}}, 0};
    if (f.method == SENS_SOBOL && sobol_checks(&cs, &o, &an, dz.n, dz.inner, &warn, &err) < 0)
        goto fail;
    dz.design = f.method == SENS_SOBOL ? an.sobol.design : NULL;
    cli_computed(&cs);
    manifest m;
    if (output_sens(cs.od, &an, &err) < 0)
        goto fail;
    add_manifest(&cs, &an, &dz, &m);
    for (size_t k = 0; k < warn.n; k++) {
        i18n_fprintf(stderr, cli_lang(), MSG_WARNING, warn.shown[k]);
        manifest_add(&m, "warning", "%s", warn.text[k]);
    }
    /* The variance split has no chart. */
    if (cli_close(&cs, &m, f.method == SENS_SPLIT ? 0 : CLI_CHARTS_ANALYSIS, &err) < 0)
        goto fail;
    print_summary(&an, &dz, cs.dir);
    status = cli_end(&cs);
    goto out;
fail:
    status = cli_fail(&cs, &err);
out:
    sensrun_tornado_free(&an.tornado);
    sensrun_sobol_free(&an.sobol);
    sensrun_morris_free(&an.morris);
    sensrun_filter_free(&an.filter);
    sensrun_split_free(&an.split);
    free(factors);
    return status;
}
