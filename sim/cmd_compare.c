/* cmd_compare.c -- `tiersim compare`: policies and scenario variants against
 * the baseline on common random numbers, with paired differences. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_version.h>

#include "cmd.h"
#include "crn.h"
#include "csvio.h"
#include "num.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "scenario.h"
#include "version.h"

#define MAX_ARMS 64

static const char compare_usage[] =
    "usage: tiersim compare SCENARIO [--policy NAME | --policy A+B]... [--all-policies] "
    "[--scenario OTHER.ini]... [-n REPS] [-s SEED] [-j THREADS] [-o DIR] [--history HISTORY.csv] "
    "[--no-plots] [--quiet]";

typedef struct {
    const char *scenario, *out_dir, *history;
    const char *arms[MAX_ARMS];     /* "A+B" policy sets */
    size_t n_arms;
    const char *others[MAX_ARMS];   /* --scenario files */
    size_t n_others;
    int all_policies, no_plots, quiet, help, have_seed, threads;
    uint64_t reps, seed;
} compare_args;

static int compare_args_parse(int argc, char **argv, compare_args *a, ts_err *err)
{
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, 'p'},
        {"all-policies", no_argument, NULL, 'A'},
        {"scenario", required_argument, NULL, 'S'},
        {"replications", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'j'},
        {"out", required_argument, NULL, 'o'},
        {"history", required_argument, NULL, 'H'},
        {"no-plots", no_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":n:s:j:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (a->n_arms == MAX_ARMS)
                return ts_errf(err, "compare: at most %d arms" CMD_SEE_HELP("compare"), MAX_ARMS);
            a->arms[a->n_arms++] = optarg;
            break;
        case 'A':
            a->all_policies = 1;
            break;
        case 'S':
            if (a->n_others == MAX_ARMS)
                return ts_errf(err, "compare: at most %d arms" CMD_SEE_HELP("compare"), MAX_ARMS);
            a->others[a->n_others++] = optarg;
            break;
        case 'n':
            if (cmd_opt_reps("compare", optarg, &a->reps, err) < 0)
                return -1;
            break;
        case 's':
            if (cmd_opt_seed("compare", optarg, &a->seed, err) < 0)
                return -1;
            a->have_seed = 1;
            break;
        case 'j':
            if (cmd_opt_threads("compare", optarg, &a->threads, err) < 0)
                return -1;
            break;
        case 'o':
            a->out_dir = optarg;
            break;
        case 'H':
            a->history = optarg;
            break;
        case 'P':
            a->no_plots = 1;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            a->help = 1;
            return 0;
        default:
            return cmd_opt_bad("compare", c, argv[optind - 1], err);
        }
    }
    if (optind != argc - 1)
        return ts_errf(err, "compare: expected one SCENARIO" CMD_SEE_HELP("compare"));
    a->scenario = argv[optind];
    if (!a->n_arms && !a->all_policies && !a->n_others)
        return ts_errf(err, "compare: nothing to compare: give --policy, --all-policies or "
                       "--scenario" CMD_SEE_HELP("compare"));
    return 0;
}

/* One arm: its scenario (owned) and its name. */
typedef struct {
    scenario *s;
    char name[256];
} arm;

/* Turns on every policy of "A+B+C". */
static int activate_set(scenario *s, const char *set, ts_err *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", set);
    for (char *tok = strtok(buf, "+"); tok; tok = strtok(NULL, "+"))
        if (scenario_activate_policy(s, tok, err) < 0)
            return -1;
    return 0;
}

/* The name of a target as compare.csv writes it: the tier, with the measure
 * when the tier also has a target of the other kind. */
static void target_name(const scenario *s, size_t j, char *buf, size_t len)
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

static int write_compare(outdir *od, const arm *arms, size_t n_arms, const crn_compare_result *r,
                         ts_err *err)
{
    const scenario *s0 = arms[0].s;
    size_t n0 = s0->n_targets;
    csvw *w = csvw_open(outdir_file(od, "compare.csv"), err);
    if (!w)
        return -1;
    static const char *const head[] = {"arm", "target", "p_met", "se", "delta", "delta_se"};
    for (size_t i = 0; i < 6; i++)
        csvw_str(w, head[i]);
    csvw_end_row(w);
    double n = (double)r->reps;
    for (size_t a = 0; a < n_arms; a++) {
        for (size_t j = 0; j <= n0; j++) {
            char name[160];
            uint64_t met;
            double d = 0.0, dse = 0.0;
            if (j < n0) {
                target_name(s0, j, name, sizeof name);
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
            csvw_str(w, arms[a].name);
            csvw_str(w, name);
            csvw_prob(w, (double)met / n);
            csvw_prob(w, proportion_se(met, r->reps));
            csvw_num(w, d);
            csvw_num(w, dse);
            csvw_end_row(w);
        }
    }
    return csvw_close(w, err);
}

static int write_manifest(outdir *od, const compare_args *a, const arm *arms, size_t n_arms,
                          uint64_t reps, uint64_t seed, int threads, ts_err *err)
{
    const char *path = outdir_file(od, "manifest.txt");
    FILE *f = fopen(path, "w");
    if (!f)
        return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    fprintf(f, "tiersim_version: %s\ncommand: %s\nscenario: %s\n", TIERSIM_VERSION,
            cmd_full_line, a->scenario);
    if (a->history)
        fprintf(f, "history: %s\n", a->history);
    fprintf(f, "arms:");
    for (size_t i = 0; i < n_arms; i++)
        fprintf(f, " %s", arms[i].name);
    fprintf(f, "\nseed: %llu\nreplications: %llu\nthreads: %d\ngsl_version: %s\n",
            (unsigned long long)seed, (unsigned long long)reps, threads, gsl_version);
    fprintf(f, "common_random_numbers: every arm runs replications 0..n-1 on the same streams "
               "(parameters 2i, chance 2i+1); delta and delta_se are paired\n");
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ts_errf(err, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

static void print_table(const arm *arms, size_t n_arms, const crn_compare_result *r)
{
    const scenario *s0 = arms[0].s;
    size_t n0 = s0->n_targets;
    printf("P(met) by arm, and the change against the baseline (paired, +/- its se), %llu "
           "replications on common random numbers\n\n%-20s", (unsigned long long)r->reps, "target");
    for (size_t a = 0; a < n_arms; a++)
        printf(" %22.22s", arms[a].name);
    printf("\n");
    for (size_t j = 0; j < n0; j++) {
        char name[160];
        target_name(s0, j, name, sizeof name);
        printf("%-20.20s", name);
        for (size_t a = 0; a < n_arms; a++) {
            double d, se, p = (double)r->met[a * n0 + j] / (double)r->reps;
            crn_paired_delta(r->gain[a * n0 + j], r->loss[a * n0 + j], r->reps, &d, &se);
            char cell[64];
            if (a == 0)
                snprintf(cell, sizeof cell, "%.3f", p);
            else
                snprintf(cell, sizeof cell, "%.3f (%+.3f±%.3f)", p, d, se);
            printf(" %22s", cell);
        }
        printf("\n");
    }
    printf("%-20s", "ALL");
    for (size_t a = 0; a < n_arms; a++)
        printf(" %22.3f", (double)r->met_all[a] / (double)r->reps);
    printf("\n");
}

int cmd_compare(int argc, char **argv)
{
    compare_args a;
    ts_err err;
    if (compare_args_parse(argc, argv, &a, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (a.help) {
        printf("%s\n", compare_usage);
        return EXIT_OK;
    }
    arm arms[1 + 2 * MAX_ARMS + TS_MAX_POLICIES];
    size_t n_arms = 0;
    size_t *map = NULL;
    crn_compare_result res;
    memset(&res, 0, sizeof res);
    outdir *od = NULL;
    int status = EXIT_USAGE;
    memset(arms, 0, sizeof arms);

    if (cmd_load_scenario(a.scenario, a.history, a.quiet, &arms[0].s, &err) < 0)
        goto fail;
    snprintf(arms[0].name, sizeof arms[0].name, "baseline");
    n_arms = 1;
    const scenario *base = arms[0].s;
    /* Policy arms reuse the baseline's (fitted) parameters: a copy of the
     * loaded scenario differs only in which policies are on. */
    size_t n_policy_arms = a.n_arms + (a.all_policies ? base->n_policies : 0);
    for (size_t i = 0; i < n_policy_arms; i++) {
        const char *set = i < a.n_arms ? a.arms[i] : base->policies[i - a.n_arms].name;
        if (cmd_load_scenario(a.scenario, a.history, 1, &arms[n_arms].s, &err) < 0)
            goto fail;
        snprintf(arms[n_arms].name, sizeof arms[n_arms].name, "%s", set);
        n_arms++;
        if (activate_set(arms[n_arms - 1].s, set, &err) < 0)
            goto fail;
    }
    for (size_t i = 0; i < a.n_others; i++) {
        if (cmd_load_scenario(a.others[i], NULL, 1, &arms[n_arms].s, &err) < 0)
            goto fail;
        snprintf(arms[n_arms].name, sizeof arms[n_arms].name, "%s", arms[n_arms].s->name);
        n_arms++;
    }
    size_t n0 = base->n_targets;
    map = calloc(n_arms * n0 + 1, sizeof *map);
    if (!map) {
        ts_errf(&err, "out of memory");
        status = EXIT_FAIL;
        goto fail;
    }
    for (size_t k = 0; k < n_arms; k++)
        for (size_t j = 0; j < n0; j++) {
            const ts_target *t = &base->targets[j];
            map[k * n0 + j] = (size_t)-1;
            const scenario *s = arms[k].s;
            for (size_t i = 0; i < s->n_targets; i++)
                if (s->targets[i].kind == t->kind &&
                    !strcmp(s->tiers[s->targets[i].tier].name, base->tiers[t->tier].name))
                    map[k * n0 + j] = i;
        }

    runner_opts o;
    runner_opts_init(&o, base);
    if (a.have_seed)
        o.seed = a.seed;
    o.threads = a.threads;
    uint64_t reps = a.reps ? a.reps : base->replications;
    cmd_catch_signals();
    o.cancel = &cmd_interrupted;
    cmd_progress_state ps;
    cmd_progress_begin(&ps, a.quiet, &o);
    const scenario *arm_s[1 + 2 * MAX_ARMS + TS_MAX_POLICIES];
    for (size_t k = 0; k < n_arms; k++)
        arm_s[k] = arms[k].s;
    int rc = crn_compare(arm_s, n_arms, map, &o, reps, &res, &err);
    cmd_progress_end(&ps);
    if (rc < 0) {
        status = cmd_interrupted ? EXIT_FAIL : EXIT_USAGE;
        goto fail;
    }

    status = EXIT_FAIL;
    char dir[4096];
    if (a.out_dir)
        snprintf(dir, sizeof dir, "%s", a.out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s-compare", base->name);
    int threads = cmd_threads(a.threads);
    if (outdir_begin(&od, dir, &err) < 0 || write_compare(od, arms, n_arms, &res, &err) < 0 ||
        write_manifest(od, &a, arms, n_arms, reps, o.seed, threads, &err) < 0 ||
        report_write_tiers(od, base, &err) < 0)
        goto fail;
    if (!a.no_plots && cmd_draw(outdir_tmp(od), PLOT_COMPARE, 1, NULL, &err) < 0)
        goto fail;
    if (cmd_interrupted) /* SIGINT or SIGTERM: no output */
        goto fail;
    if (outdir_commit(od, &err) < 0) {
        od = NULL;
        goto fail;
    }
    od = NULL;
    print_table(arms, n_arms, &res);
    printf("results: %s/\n", dir);
    status = cmd_flush_stdout();
    goto out;
fail:
    status = cmd_fail("compare", &err, od, status);
out:
    outdir_abort(od);
    crn_compare_free(&res);
    free(map);
    for (size_t k = 0; k < n_arms + 1 && k < sizeof arms / sizeof arms[0]; k++)
        scenario_free(arms[k].s);
    return status;
}
