/* cmd_run.c -- `tiersim run`: simulate a scenario and report its targets. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "fit.h"
#include "num.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"

static const char run_usage[] =
    "usage: tiersim run SCENARIO [-n REPS] [-s SEED] [-j THREADS] [-o DIR] [--policy NAME]... "
    "[--precision E] [--max-reps N] [--history HISTORY.csv] [--no-plots] [--quiet]";

int run_args_parse(int argc, char **argv, run_args *a, ts_err *err)
{
    static const struct option longopts[] = {
        {"replications", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'j'},
        {"out", required_argument, NULL, 'o'},
        {"policy", required_argument, NULL, 'p'},
        {"precision", required_argument, NULL, 'e'},
        {"max-reps", required_argument, NULL, 'm'},
        {"no-plots", no_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},
        {"history", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->max_replications = 10000000;
    optind = 0; /* glibc: a full reset, so the parser can run more than once */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":n:s:j:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cmd_opt_reps("run", optarg, &a->replications, err) < 0)
                return -1;
            break;
        case 's':
            if (cmd_opt_seed("run", optarg, &a->seed, err) < 0)
                return -1;
            a->have_seed = 1;
            break;
        case 'j':
            if (cmd_opt_threads("run", optarg, &a->threads, err) < 0)
                return -1;
            break;
        case 'o':
            if (!optarg[0])
                return ts_errf(err, "run: -o: expected a directory" CMD_SEE_HELP("run"));
            a->out_dir = optarg;
            break;
        case 'p':
            if (a->n_policies == CMD_MAX_POLICIES)
                return ts_errf(err, "run: --policy: at most %d policies"
                                    CMD_SEE_HELP("run"), CMD_MAX_POLICIES);
            a->policies[a->n_policies++] = optarg;
            break;
        case 'e':
            if (num_parse_double(optarg, &a->precision) < 0 || !(a->precision > 0) ||
                a->precision >= 0.5)
                return ts_errf(err, "run: --precision: expected a standard error above 0 and "
                               "below 0.5, got '%s'" CMD_SEE_HELP("run"), optarg);
            break;
        case 'm':
            if (num_parse_uint64(optarg, 1000000000ULL, &a->max_replications) < 0 ||
                a->max_replications == 0)
                return ts_errf(err, "run: --max-reps: expected a whole number from 1 to "
                               "1000000000, got '%s'" CMD_SEE_HELP("run"), optarg);
            break;
        case 'P':
            a->no_plots = 1;
            break;
        case 'H':
            a->history = optarg;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            a->help = 1;
            return 0;
        default:
            return cmd_opt_bad("run", c, argv[optind - 1], err);
        }
    }
    if (optind != argc - 1)
        return ts_errf(err, optind >= argc ? "run: missing SCENARIO" CMD_SEE_HELP("run")
                                           : "run: expected one SCENARIO" CMD_SEE_HELP("run"));
    a->scenario = argv[optind];
    return 0;
}

/* ------------------------------------------------------------- progress */

typedef struct {
    struct timespec start, last;
    int shown;
} progress_state;

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

static void progress(void *ctx, uint64_t done, uint64_t total)
{
    progress_state *p = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (done < total && seconds_between(&p->last, &now) < 0.25)
        return;
    p->last = now;
    double el = seconds_between(&p->start, &now);
    double frac = total ? (double)done / (double)total : 1.0;
    int bar = (int)(frac * 30.0);
    char b[31];
    for (int i = 0; i < 30; i++)
        b[i] = i < bar ? '#' : '.';
    b[30] = '\0';
    double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
    fprintf(stderr, "\r[%s] %llu/%llu  %.1fs elapsed, ETA %.1fs ", b, (unsigned long long)done,
            (unsigned long long)total, el, eta);
    p->shown = 1;
}

/* --------------------------------------------------------------- signals */

/* ---------------------------------------------------------------- output */

static void print_report(FILE *f, const scenario *s, const runner_result *r, const char *dir,
                         const char *policies)
{
    fprintf(f, "%s -- %s\n", s->name, s->label);
    fprintf(f, "%d-%d, %llu replications, seed %llu, policies: %s\n\n", s->start_year,
            s->end_year, (unsigned long long)r->replications, (unsigned long long)s->seed,
            policies[0] ? policies : "none");
    fprintf(f, "%-18s %-7s %9s %9s  %7s  %-17s  %-9s  %s\n", "target", "measure", "target",
            "needs", "P(met)", "95% interval", "verdict", "5-50-95% in end year");
    target_summary t;
    for (size_t j = 0; j < s->n_targets; j++) {
        const ts_target *tg = &s->targets[j];
        report_target(s, r, j, &t);
        char ci[40], q[64];
        snprintf(ci, sizeof ci, "[%.3f, %.3f]", t.ci_lo, t.ci_hi);
        snprintf(q, sizeof q, "%lld / %lld / %lld", (long long)t.p05, (long long)t.p50,
                 (long long)t.p95);
        fprintf(f, "%-18s %-7s %9.10g %9lld  %7.3f  %-17s  %-9s  %s   %s\n",
                s->tiers[tg->tier].name, report_target_measure(tg), tg->value,
                (long long)tg->threshold, t.p_met, ci, report_verdict_name(report_verdict(t.p_met)),
                q, s->tiers[tg->tier].label);
    }
    if (s->n_targets > 1) {
        report_all(r, &t);
        char ci[40];
        snprintf(ci, sizeof ci, "[%.3f, %.3f]", t.ci_lo, t.ci_hi);
        fprintf(f, "%-18s %-7s %9s %9s  %7.3f  %-17s  %-9s\n", "ALL", "", "", "", t.p_met, ci,
                report_verdict_name(report_verdict(t.p_met)));
    }
    fprintf(f, "\n'needs' is the whole number of firms that meets the target after its "
               "tolerance; P(met) is the share of replications reaching it.\n");
    if (r->capped)
        fprintf(f, "note: in %llu of %llu replications a tier's outgoing rates summed above 1 "
                   "and were scaled down to 1.\n", (unsigned long long)r->capped,
                (unsigned long long)r->replications);
    fprintf(f, "results: %s/\n", dir);
}

int cmd_run(int argc, char **argv)
{
    run_args a;
    ts_err err;
    if (run_args_parse(argc, argv, &a, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (a.help) {
        printf("%s\n", run_usage);
        return EXIT_OK;
    }
    scenario *s = NULL;
    runner_result *res = NULL;
    outdir *od = NULL;
    char dir[4096];
    char policies[CMD_MAX_POLICIES * (TS_NAME_MAX + 1) + 1] = "";
    int status = EXIT_USAGE;

    if (scenario_load(&s, a.scenario, &err) < 0)
        goto fail;
    if (a.history) {
        fit_result *fr = NULL;
        if (cmd_fit_scenario(s, a.history, stdout, &fr, NULL, &err) < 0)
            goto fail;
        int rc = fit_apply(s, fr, &err);
        fit_result_free(fr);
        if (rc < 0)
            goto fail;
        printf("\n");
    }
    size_t first_fit;
    if (scenario_unfitted(s, &first_fit) > 0) {
        const ts_param *p = &s->params[first_fit];
        ts_errf(&err, "%s:%d: %s is written 'fit': run `tiersim fit %s HISTORY.csv` and then its "
                "fitted.ini, or pass --history HISTORY.csv", p->file, p->line, p->name, a.scenario);
        goto fail;
    }
    if (cmd_activate_policies(s, a.policies, a.n_policies, policies, sizeof policies, &err) < 0)
        goto fail;
    if (a.have_seed)
        s->seed = a.seed;
    if (a.out_dir)
        snprintf(dir, sizeof dir, "%s", a.out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s", s->name);

    runner_opts o;
    runner_opts_init(&o, s);
    if (a.replications)
        o.replications = a.replications;
    o.threads = a.threads;
    o.precision = a.precision;
    o.max_replications = a.max_replications;
    o.cancel = &cmd_interrupted;
    progress_state ps = {{0, 0}, {0, 0}, 0};
    if (!a.quiet && isatty(STDERR_FILENO)) {
        clock_gettime(CLOCK_MONOTONIC, &ps.start);
        o.progress = progress;
        o.progress_ctx = &ps;
    }
    cmd_catch_signals();

    int rc = runner_run(s, &o, &res, &err);
    if (ps.shown)
        fputc('\n', stderr);
    if (rc < 0) {
        status = cmd_interrupted ? EXIT_FAIL : EXIT_USAGE;
        goto fail;
    }
    status = EXIT_FAIL;
    if (outdir_begin(&od, dir, &err) < 0)
        goto fail;
    run_manifest m = {cmd_full_line, a.scenario, policies, s->seed, res->replications,
                      res->threads, a.precision, res->precision_reached,
                      "xoshiro256++ (tiersim rng.c, seeded by splitmix64 of seed and stream)"};
    if (report_write_run(od, s, res, &m, &err) < 0)
        goto fail;
    /* The charts and report.html go into the temporary directory too, so
     * that the output still appears whole or not at all. */
    if (!a.no_plots && cmd_draw(outdir_tmp(od), PLOT_RUN, 1, NULL, &err) < 0 && !cmd_interrupted)
        goto fail;
    if (cmd_interrupted) /* SIGINT or SIGTERM: no output (cmd_fail says so) */
        goto fail;
    if (outdir_commit(od, &err) < 0) {
        od = NULL;
        goto fail;
    }
    od = NULL;
    print_report(stdout, s, res, dir, policies);
    if (a.precision > 0 && !res->precision_reached)
        fprintf(stderr, "tiersim: warning: --precision %g not reached within %llu replications\n",
                a.precision, (unsigned long long)a.max_replications);
    runner_result_free(res);
    scenario_free(s);
    return cmd_flush_stdout();
fail:
    status = cmd_fail("run", &err, od, status);
    outdir_abort(od);
    runner_result_free(res);
    scenario_free(s);
    return status;
}
