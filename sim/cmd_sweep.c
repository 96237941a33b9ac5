/* cmd_sweep.c -- `tiersim sweep`: P(met) of every target over a grid of one
 * or two parameters, on common random numbers. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_version.h>

#include "cmd_sens.h"
#include "csvio.h"
#include "num.h"
#include "outdir.h"
#include "report.h"
#include "scenario.h"
#include "sensrun.h"
#include "summary.h"
#include "version.h"

#define SWEEP_MAX_POINTS 10000

static const char sweep_usage[] =
    "usage: tiersim sweep SCENARIO --param NAME=LO:HI:STEPS [--param NAME2=LO:HI:STEPS] "
    "[-n REPS] [-s SEED] [-j THREADS] [-o DIR] [--policy NAME]... [--history HISTORY.csv] "
    "[--no-plots] [--quiet]";

int sweep_args_parse(int argc, char **argv, sweep_args *a, ts_err *err)
{
    static const struct option longopts[] = {
        {"param", required_argument, NULL, 'p'},
        {"replications", required_argument, NULL, 'n'},
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
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":n:s:j:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': {
            char name[256];
            double lo, hi;
            uint64_t steps;
            ts_err e;
            if (a->n_specs == 2)
                return ts_errf(err, "sweep: --param: at most 2 parameters" CMD_SEE_HELP("sweep"));
            if (sens_parse_spec(optarg, name, sizeof name, &lo, &hi, &steps, &e) < 0)
                return ts_errf(err, "sweep: --param: %s" CMD_SEE_HELP("sweep"), e.msg);
            a->specs[a->n_specs++] = optarg;
            break;
        }
        case 'n':
            if (cmd_opt_reps("sweep", optarg, &a->replications, err) < 0)
                return -1;
            break;
        case 's':
            if (cmd_opt_seed("sweep", optarg, &a->seed, err) < 0)
                return -1;
            a->have_seed = 1;
            break;
        case 'j':
            if (cmd_opt_threads("sweep", optarg, &a->threads, err) < 0)
                return -1;
            break;
        case 'o':
            if (!optarg[0])
                return ts_errf(err, "sweep: -o: expected a directory" CMD_SEE_HELP("sweep"));
            a->out_dir = optarg;
            break;
        case 'P':
            if (a->n_policies == CMD_MAX_POLICIES)
                return ts_errf(err, "sweep: --policy: at most %d policies" CMD_SEE_HELP("sweep"), CMD_MAX_POLICIES);
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
            return cmd_opt_bad("sweep", c, argv[optind - 1], err);
        }
    }
    if (optind != argc - 1)
        return ts_errf(err, optind >= argc ? "sweep: missing SCENARIO" CMD_SEE_HELP("sweep")
                                           : "sweep: expected one SCENARIO" CMD_SEE_HELP("sweep"));
    a->scenario = argv[optind];
    if (a->n_specs == 0)
        return ts_errf(err, "sweep: give the parameter to sweep with --param NAME=LO:HI:STEPS" CMD_SEE_HELP("sweep"));
    return 0;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct {
    const sweep_args *a;
    const scenario *s;
    size_t params[2];
    double lo[2], hi[2];
    size_t steps[2];
    uint64_t seed;
    int threads;
    char policies[CMD_MAX_POLICIES * (TS_NAME_MAX + 1) + 1];
    sensrun_sweep_result r;
} sweep_run;

static int write_sweep(outdir *od, const sweep_run *sw, ts_err *err)
{
    const scenario *s = sw->s;
    const sensrun_sweep_result *r = &sw->r;
    size_t T = s->n_targets;
    csvw *w = csvw_open(outdir_file(od, "sweep.csv"), err);
    if (!w)
        return -1;
    for (size_t k = 0; k < r->n_dims; k++)
        csvw_str(w, s->params[sw->params[k]].name);
    for (size_t j = 0; j < T; j++) {
        char tn[160], col[200];
        sens_target_name(s, j, tn, sizeof tn);
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
    return csvw_close(w, err);
}

static int write_manifest(outdir *od, const sweep_run *sw, ts_err *err)
{
    const sweep_args *a = sw->a;
    const scenario *s = sw->s;
    const char *path = outdir_file(od, "manifest.txt");
    FILE *f = fopen(path, "w");
    if (!f)
        return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    fprintf(f, "tiersim_version: %s\ncommand: %s\nscenario: %s\nscenario_name: %s\n"
               "scenario_label: %s\nyears: %d-%d\n", TIERSIM_VERSION, cmd_full_line,
            a->scenario, s->name, s->label, s->start_year, s->end_year);
    if (a->history)
        fprintf(f, "history: %s\n", a->history);
    fprintf(f, "policies: %s\nmethod: sweep\n", sw->policies[0] ? sw->policies : "none");
    for (size_t k = 0; k < sw->r.n_dims; k++) {
        char v[160];
        dist_format(&s->params[sw->params[k]].value, v, sizeof v);
        fprintf(f, "sweep: %s from %.10g to %.10g in %zu steps (as written: %s)\n",
                s->params[sw->params[k]].name, sw->lo[k], sw->hi[k], sw->steps[k], v);
    }
    fprintf(f, "points: %zu\nreplications: %llu per point\nseed: %llu\nthreads: %d\n"
               "gsl_version: %s\n", sw->r.n_points, (unsigned long long)sw->r.reps,
            (unsigned long long)sw->seed, sw->threads, gsl_version);
    fprintf(f, "generator: xoshiro256++ (tiersim rng.c, seeded by splitmix64 of seed and "
               "stream)\ncommon_random_numbers: every point runs replications 0..%llu on the "
               "same streams (parameters 2i, chance 2i+1); the other parameters are drawn as "
               "usual\n", (unsigned long long)sw->r.reps - 1);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ts_errf(err, "%s: write failed: %s", path, strerror(errno));
    return 0;
}

static void print_summary(const sweep_run *sw, const char *dir)
{
    const scenario *s = sw->s;
    const sensrun_sweep_result *r = &sw->r;
    size_t T = s->n_targets;
    printf("%s -- sweep of %s", s->name, s->params[sw->params[0]].name);
    if (r->n_dims == 2)
        printf(" and %s", s->params[sw->params[1]].name);
    printf(", %zu points x %llu replications on common random numbers\n\n", r->n_points,
           (unsigned long long)r->reps);
    if (r->n_dims == 1) {
        printf("%14s", "value");
        for (size_t j = 0; j < T; j++) {
            char tn[160];
            sens_target_name(s, j, tn, sizeof tn);
            printf(" %14.14s", tn);
        }
        printf("\n");
        for (size_t pt = 0; pt < r->n_points; pt++) {
            printf("%14.6g", r->values[pt]);
            for (size_t j = 0; j < T; j++)
                printf(" %14.3f", (double)r->met[pt * T + j] / (double)r->reps);
            printf("\n");
        }
    } else {
        printf("P(met) over the grid, lowest and highest:\n");
        for (size_t j = 0; j < T; j++) {
            char tn[160];
            sens_target_name(s, j, tn, sizeof tn);
            double lo = 1, hi = 0;
            for (size_t pt = 0; pt < r->n_points; pt++) {
                double p = (double)r->met[pt * T + j] / (double)r->reps;
                lo = p < lo ? p : lo;
                hi = p > hi ? p : hi;
            }
            printf("  %-18.18s %.3f .. %.3f\n", tn, lo, hi);
        }
    }
    printf("\nresults: %s/\n", dir);
}

int cmd_sweep(int argc, char **argv)
{
    sweep_args a;
    ts_err err;
    if (sweep_args_parse(argc, argv, &a, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (a.help) {
        printf("%s\n", sweep_usage);
        return EXIT_OK;
    }
    scenario *s = NULL;
    outdir *od = NULL;
    int status = EXIT_USAGE;
    sweep_run sw;
    memset(&sw, 0, sizeof sw);
    sw.a = &a;
    char dir[4096];

    if (cmd_load_scenario(a.scenario, a.history, a.quiet, &s, &err) < 0)
        goto fail;
    sw.s = s;
    if (cmd_activate_policies(s, a.policies, a.n_policies, sw.policies, sizeof sw.policies, &err) < 0)
        goto fail;
    size_t points = 1;
    for (size_t k = 0; k < a.n_specs; k++) {
        char name[256];
        uint64_t steps;
        ts_err e;
        sens_parse_spec(a.specs[k], name, sizeof name, &sw.lo[k], &sw.hi[k], &steps, &e);
        size_t i = scenario_find_param(s, name);
        if (i == TS_NO_PARAM) {
            ts_errf(&err, "sweep: --param %s: unknown parameter (tiersim check %s --params lists "
                    "them)", name, a.scenario);
            goto fail;
        }
        long p = sensrun_param_policy(s, i);
        if (p >= 0 && !s->policies[p].active) {
            ts_errf(&err, "sweep: --param %s: policy '%s' is off, so the parameter changes "
                    "nothing (add --policy %s)", name, s->policies[p].name, s->policies[p].name);
            goto fail;
        }
        if (k == 1 && i == sw.params[0]) {
            ts_errf(&err, "sweep: --param %s: given twice", name);
            goto fail;
        }
        if (sensrun_check_value(s, i, sw.lo[k], &e) < 0 ||
            sensrun_check_value(s, i, sw.hi[k], &e) < 0) {
            ts_errf(&err, "sweep: --param %s: %s", a.specs[k], e.msg);
            goto fail;
        }
        sw.params[k] = i;
        sw.steps[k] = (size_t)steps;
        points *= (size_t)steps;
    }
    if (points > SWEEP_MAX_POINTS) {
        ts_errf(&err, "sweep: %zu grid points; at most %d", points, SWEEP_MAX_POINTS);
        goto fail;
    }
    if (a.have_seed)
        s->seed = a.seed;
    sw.seed = s->seed;
    sw.threads = cmd_threads(a.threads);
    uint64_t reps = a.replications ? a.replications : s->replications;
    if (a.out_dir)
        snprintf(dir, sizeof dir, "%s", a.out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s-sweep", s->name);

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
    int rc = sensrun_sweep(s, &o, sw.params, sw.lo, sw.hi, sw.steps, a.n_specs, reps, &sw.r, &err);
    cmd_progress_end(&ps);
    if (rc < 0) {
        status = interrupted ? EXIT_FAIL : EXIT_USAGE;
        goto fail;
    }
    status = EXIT_FAIL;
    if (outdir_begin(&od, dir, &err) < 0 || write_sweep(od, &sw, &err) < 0 ||
        report_write_tiers(od, s, &err) < 0 || write_manifest(od, &sw, &err) < 0)
        goto fail;
    if (!a.no_plots && cmd_sens_draw(outdir_tmp(od), &err) < 0 && !interrupted)
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
    print_summary(&sw, dir);
    status = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
    goto out;
fail:
    fprintf(stderr, "%s\n", err.msg);
out:
    outdir_abort(od);
    sensrun_sweep_free(&sw.r);
    scenario_free(s);
    return status;
}
