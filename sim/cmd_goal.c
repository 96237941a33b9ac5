/* cmd_goal.c -- `tiersim goal`: the smallest value of a lever at which a
 * target is met with probability Q. */
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
#include "goal.h"
#include "num.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "scenario.h"
#include "version.h"

#define CURVE_POINTS 21

static const char goal_usage[] =
    "usage: tiersim goal SCENARIO --target TIER --prob Q --lever NAME [--range LO:HI] "
    "[--policy NAME]... [-n REPS] [-s SEED] [-j THREADS] [-o DIR] [--history HISTORY.csv] "
    "[--no-plots] [--quiet]";

typedef struct {
    const char *scenario, *target, *lever, *out_dir, *history;
    const char *policies[CMD_MAX_POLICIES];
    size_t n_policies;
    double q, lo, hi;
    int have_range, have_q, have_seed, threads, no_plots, quiet, help;
    uint64_t reps, seed;
} goal_args;

static int parse_range(const char *text, double *lo, double *hi)
{
    const char *colon = strchr(text, ':');
    char a[64], b[64];
    if (!colon || (size_t)(colon - text) >= sizeof a || strlen(colon + 1) >= sizeof b)
        return -1;
    snprintf(a, sizeof a, "%.*s", (int)(colon - text), text);
    snprintf(b, sizeof b, "%s", colon + 1);
    return num_parse_double(a, lo) < 0 || num_parse_double(b, hi) < 0 ? -1 : 0;
}

static int goal_args_parse(int argc, char **argv, goal_args *a, ts_err *err)
{
    static const struct option longopts[] = {
        {"target", required_argument, NULL, 't'},
        {"prob", required_argument, NULL, 'Q'},
        {"lever", required_argument, NULL, 'l'},
        {"range", required_argument, NULL, 'r'},
        {"policy", required_argument, NULL, 'p'},
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
        case 't':
            a->target = optarg;
            break;
        case 'Q':
            if (num_parse_double(optarg, &a->q) < 0 || !(a->q > 0.0 && a->q < 1.0))
                return ts_errf(err, "goal: --prob: expected a probability strictly between 0 and "
                               "1, got '%s'" CMD_SEE_HELP("goal"), optarg);
            a->have_q = 1;
            break;
        case 'l':
            a->lever = optarg;
            break;
        case 'r':
            if (parse_range(optarg, &a->lo, &a->hi) < 0)
                return ts_errf(err, "goal: --range: expected LO:HI, got '%s'"
                                    CMD_SEE_HELP("goal"), optarg);
            if (!(a->lo < a->hi))
                return ts_errf(err, "goal: --range: LO must be below HI, got '%s'"
                                    CMD_SEE_HELP("goal"), optarg);
            a->have_range = 1;
            break;
        case 'p':
            if (a->n_policies == CMD_MAX_POLICIES)
                return ts_errf(err, "goal: at most %d policies"
                                    CMD_SEE_HELP("goal"), CMD_MAX_POLICIES);
            a->policies[a->n_policies++] = optarg;
            break;
        case 'n':
            if (cmd_opt_reps("goal", optarg, &a->reps, err) < 0)
                return -1;
            break;
        case 's':
            if (cmd_opt_seed("goal", optarg, &a->seed, err) < 0)
                return -1;
            a->have_seed = 1;
            break;
        case 'j':
            if (cmd_opt_threads("goal", optarg, &a->threads, err) < 0)
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
            return cmd_opt_bad("goal", c, argv[optind - 1], err);
        }
    }
    if (optind != argc - 1)
        return ts_errf(err, "goal: expected one SCENARIO" CMD_SEE_HELP("goal"));
    a->scenario = argv[optind];
    if (!a->target || !a->have_q || !a->lever)
        return ts_errf(err, "goal: --target, --prob and --lever are required" CMD_SEE_HELP("goal"));
    return 0;
}

typedef struct {
    const scenario *s;
    const runner_opts *o;
    size_t lever, target;
    double *fixed;
} eval_ctx;

static int eval_lever(void *vctx, double x, uint64_t reps, double *p, ts_err *err)
{
    eval_ctx *c = vctx;
    c->fixed[c->lever] = x;
    crn_point pt = {c->fixed, 0};
    crn_result r;
    if (crn_eval(c->s, c->o, &pt, 1, reps, &r, err) < 0)
        return -1;
    *p = (double)r.met[c->target] / (double)reps;
    crn_results_free(&r, 1);
    return 0;
}

/* The target named by "TIER" or "TIER:new" / "TIER:stock". */
static int find_target(const scenario *s, const char *name, size_t *out, ts_err *err)
{
    char tier[TS_NAME_MAX + 16];
    snprintf(tier, sizeof tier, "%s", name);
    char *colon = strchr(tier, ':');
    const char *kind = NULL;
    if (colon) {
        *colon = '\0';
        kind = colon + 1;
    }
    size_t found = (size_t)-1, count = 0;
    for (size_t j = 0; j < s->n_targets; j++) {
        const ts_target *t = &s->targets[j];
        if (strcmp(s->tiers[t->tier].name, tier) != 0)
            continue;
        if (kind && strcmp(kind, report_target_measure(t)) != 0)
            continue;
        found = j;
        count++;
    }
    if (count == 0)
        return ts_errf(err, "%s: no target '%s' (the scenario's targets are [target TIER] "
                       "sections)", s->path, name);
    if (count > 1)
        return ts_errf(err, "%s: tier '%s' has a new and a stock target: write %s:new or "
                       "%s:stock", s->path, name, name, name);
    *out = found;
    return 0;
}

int cmd_goal(int argc, char **argv)
{
    goal_args a;
    ts_err err;
    if (goal_args_parse(argc, argv, &a, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (a.help) {
        printf("%s\n", goal_usage);
        return EXIT_OK;
    }
    scenario *s = NULL;
    outdir *od = NULL;
    double *fixed = NULL;
    int status = EXIT_USAGE;
    if (cmd_load_scenario(a.scenario, a.history, a.quiet, &s, &err) < 0)
        goto fail;
    for (size_t i = 0; i < a.n_policies; i++)
        if (scenario_activate_policy(s, a.policies[i], &err) < 0)
            goto fail;
    size_t target = 0, lever = scenario_find_param(s, a.lever);
    if (find_target(s, a.target, &target, &err) < 0)
        goto fail;
    if (lever == TS_NO_PARAM) {
        ts_errf(&err, "%s: unknown lever '%s' (tiersim check %s --params lists the parameter "
                "names)", s->path, a.lever, s->path);
        goto fail;
    }
    const ts_param *lp = &s->params[lever];
    /* A policy's lever means nothing while the policy is off. */
    if (!strncmp(a.lever, "policy.", 7))
        for (size_t i = 0; i < s->n_policies; i++) {
            size_t n = strlen(s->policies[i].name);
            if (!strncmp(a.lever + 7, s->policies[i].name, n) && a.lever[7 + n] == '.')
                s->policies[i].active = 1;
        }
    if (!a.have_range) {
        if (lp->value.range.hi == 1.0) {
            a.lo = 0.0;
            a.hi = 1.0;
        } else if (!strncmp(a.lever, "policy.", 7) && strlen(a.lever) > 6 &&
                   !strcmp(a.lever + strlen(a.lever) - 6, ".scale")) {
            a.lo = 0.0;
            a.hi = 5.0;
        } else {
            ts_errf(&err, "goal: give --range LO:HI for the lever '%s'", a.lever);
            goto fail;
        }
    }
    if (a.lo < lp->value.range.lo || (lp->value.range.lo_open && a.lo <= lp->value.range.lo) ||
        a.hi > lp->value.range.hi) {
        ts_errf(&err, "goal: --range %g:%g leaves the valid range of %s", a.lo, a.hi, a.lever);
        goto fail;
    }

    runner_opts o;
    runner_opts_init(&o, s);
    if (a.have_seed)
        o.seed = a.seed;
    o.threads = a.threads;
    cmd_catch_signals();
    o.cancel = &cmd_interrupted;
    fixed = malloc(s->n_params * sizeof *fixed);
    if (!fixed) {
        ts_errf(&err, "out of memory");
        status = EXIT_FAIL;
        goto fail;
    }
    for (size_t i = 0; i < s->n_params; i++)
        fixed[i] = NAN;
    eval_ctx ctx = {s, &o, lever, target, fixed};
    uint64_t reps = a.reps ? a.reps : s->replications;
    goal_opts go = {a.lo, a.hi, a.q, reps, 4 * reps, 1e-4 * (a.hi - a.lo)};
    goal_result gr;
    cmd_progress_state ps;
    cmd_progress_begin(&ps, 1, &o); /* many short evaluations: no bar */
    if (goal_seek(eval_lever, &ctx, &go, &gr, &err) < 0) {
        status = cmd_interrupted ? EXIT_FAIL : EXIT_USAGE;
        goto fail;
    }
    double curve_p[CURVE_POINTS];
    for (int i = 0; i < CURVE_POINTS; i++)
        if (eval_lever(&ctx, a.lo + (a.hi - a.lo) * i / (CURVE_POINTS - 1), reps, &curve_p[i],
                       &err) < 0)
            goto fail;

    status = EXIT_FAIL;
    char dir[4096];
    if (a.out_dir)
        snprintf(dir, sizeof dir, "%s", a.out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s-goal", s->name);
    if (outdir_begin(&od, dir, &err) < 0)
        goto fail;
    csvw *w = csvw_open(outdir_file(od, "goal.csv"), &err);
    if (!w)
        goto fail;
    /* The six columns, then what the chart needs to title itself. */
    static const char *const head[] = {"lever", "value", "p_met", "se", "bracket_lo",
                                       "bracket_hi", "target", "prob"};
    for (size_t i = 0; i < 8; i++)
        csvw_str(w, head[i]);
    csvw_end_row(w);
    csvw_str(w, a.lever);
    csvw_num(w, gr.value);
    csvw_prob(w, gr.p_met);
    csvw_prob(w, gr.se);
    csvw_num(w, gr.band_lo);
    csvw_num(w, gr.band_hi);
    csvw_str(w, a.target);
    csvw_num(w, a.q);
    csvw_end_row(w);
    if (csvw_close(w, &err) < 0)
        goto fail;
    w = csvw_open(outdir_file(od, "goal_curve.csv"), &err);
    if (!w)
        goto fail;
    csvw_str(w, "lever_value");
    csvw_str(w, "p_met");
    csvw_str(w, "se");
    csvw_end_row(w);
    for (int i = 0; i < CURVE_POINTS; i++) {
        csvw_num(w, a.lo + (a.hi - a.lo) * i / (CURVE_POINTS - 1));
        csvw_prob(w, curve_p[i]);
        csvw_prob(w, sqrt(curve_p[i] * (1 - curve_p[i]) / (double)reps));
        csvw_end_row(w);
    }
    if (csvw_close(w, &err) < 0)
        goto fail;
    if (report_write_tiers(od, s, &err) < 0)
        goto fail;
    const char *mpath = outdir_file(od, "manifest.txt");
    FILE *f = fopen(mpath, "w");
    if (!f) {
        ts_errf(&err, "%s: cannot write: %s", mpath, strerror(errno));
        goto fail;
    }
    fprintf(f, "tiersim_version: %s\ncommand: %s\nscenario: %s\ntarget: %s\nprob: %g\n"
               "lever: %s\nrange: %g:%g\nseed: %llu\nreplications: %llu per evaluation, %llu at "
               "the answer\nevaluations: %zu\nthreads: %d\ngsl_version: %s\nmethod: Brent "
               "(gsl_root_fsolver_brent) on the common-random-number estimate of P(met)\n",
            TIERSIM_VERSION, cmd_full_line, a.scenario, a.target, a.q, a.lever, a.lo, a.hi,
            (unsigned long long)o.seed, (unsigned long long)reps,
            (unsigned long long)go.reps_final, gr.evaluations, cmd_threads(a.threads),
            gsl_version);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        ts_errf(&err, "%s: write failed", mpath);
        goto fail;
    }
    if (!a.no_plots && cmd_draw(outdir_tmp(od), PLOT_GOAL, 1, NULL, &err) < 0)
        goto fail;
    if (cmd_interrupted) /* SIGINT or SIGTERM: no output */
        goto fail;
    if (outdir_commit(od, &err) < 0) {
        od = NULL;
        goto fail;
    }
    od = NULL;
    const char *tname = s->tiers[s->targets[target].tier].name;
    if (!gr.reachable)
        printf("%s: P(met) >= %g is not reachable with %s in [%g, %g]: P(met) is %.3f at %g "
               "(and %.3f at %g)\n", tname, a.q, a.lever, a.lo, a.hi, gr.p_hi, a.hi, gr.p_lo,
               a.lo);
    else if (gr.value == a.lo)
        printf("%s: P(met) >= %g already at the low end: %s = %g gives P(met) = %.3f (se %.3f)\n",
               tname, a.q, a.lever, a.lo, gr.p_met, gr.se);
    else
        printf("%s: P(met) >= %g needs %s >= %.4g (between %.4g and %.4g, the values where "
               "P(met) crosses %g -/+ 2 se); there P(met) = %.3f (se %.3f, %llu replications)\n",
               tname, a.q, a.lever, gr.value, gr.band_lo, gr.band_hi, a.q, gr.p_met, gr.se,
               (unsigned long long)go.reps_final);
    printf("results: %s/\n", dir);
    status = cmd_flush_stdout();
    goto out;
fail:
    status = cmd_fail("goal", &err, od, status);
out:
    outdir_abort(od);
    free(fixed);
    scenario_free(s);
    return status;
}
