/* cmd_sweep.c -- `tiersim sweep`: P(met) of every target over a grid of one
 * or two parameters, on common random numbers. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "report.h"
#include "rng.h"
#include "scenario.h"
#include "sensrun.h"

#define SWEEP_MAX_POINTS 10000

enum { OPT_PARAM = 256 };

static const cli_option sweep_options[] = {
    {"param", OPT_PARAM, 1, "NAME=LO:HI:STEPS", "a parameter and its grid of STEPS values from LO "
     "to HI (2 to 1000 steps); once, or twice for a grid of two", CLI_REQUIRED, "none (required)",
     "--param 'transition.srdi->little_giant.quota=25:65:9'"},
};

static int sweep_option(void *own, int key, const char *v, ts_err *err)
{
    (void)key;
    sweep_flags *f = own;
    char name[256];
    double lo, hi;
    uint64_t steps;
    ts_err e;
    if (f->n_specs == 2)
        return cli_usagef(err, "sweep", "--param: at most 2 parameters");
    if (sensrun_parse_spec(v, name, sizeof name, &lo, &hi, &steps, &e) < 0)
        return cli_usagef(err, "sweep", "--param: %s", e.msg);
    f->specs[f->n_specs++] = v;
    return 0;
}

static const char *const sweep_examples[] = {
    "tiersim sweep scenarios/qingdao.ini --param 'transition.srdi->little_giant.quota=25:65:9'",
    "tiersim sweep tests/data/tiny.ini --param tier.a.exit=0:0.1:3 "
    "--param 'transition.a->b.rate=0.02:0.12:3' -n 2000",
    NULL,
};

const cli_spec cmd_sweep_spec = {
    "sweep", "P(met) of every target over a grid of one or two parameters, on common random "
             "numbers",
    CLI_SIMULATE, "SCENARIO", 1, 1, sweep_options, 1, sweep_option, sweep_examples,
};

int sweep_args_parse(int argc, char **argv, cli_args *a, sweep_flags *f, ts_err *err)
{
    memset(f, 0, sizeof *f);
    if (cli_parse(&cmd_sweep_spec, argc, argv, a, f, err) < 0)
        return -1;
    if (!a->help && f->n_specs == 0)
        return cli_usagef(err, "sweep", "give the parameter to sweep with --param "
                          "NAME=LO:HI:STEPS");
    return 0;
}

/* The grid: each --param's parameter, ends and steps, checked. */
typedef struct {
    size_t params[2], steps[2], n_points;
    double lo[2], hi[2];
} grid;

static int make_grid(const scenario *s, const sweep_flags *f, grid *g, ts_err *err)
{
    g->n_points = 1;
    for (size_t k = 0; k < f->n_specs; k++) {
        char name[256];
        uint64_t steps;
        ts_err e;
        size_t i;
        sensrun_parse_spec(f->specs[k], name, sizeof name, &g->lo[k], &g->hi[k], &steps, &e);
        if (sensrun_find_param(s, "sweep", "--param", name, &i, err) < 0)
            return -1;
        if (k == 1 && i == g->params[0])
            return ts_errf(err, "sweep: --param %s: given twice", name);
        if (sensrun_check_value(s, i, g->lo[k], &e) < 0 ||
            sensrun_check_value(s, i, g->hi[k], &e) < 0)
            return ts_errf(err, "sweep: --param %s: %s", f->specs[k], e.msg);
        g->params[k] = i;
        g->steps[k] = (size_t)steps;
        g->n_points *= (size_t)steps;
    }
    if (g->n_points > SWEEP_MAX_POINTS)
        return ts_errf(err, "sweep: %zu grid points; at most %d", g->n_points, SWEEP_MAX_POINTS);
    return 0;
}

static void print_summary(const scenario *s, const grid *g, const sensrun_sweep_result *r,
                          const char *dir)
{
    size_t T = s->n_targets;
    char tn[160];
    printf("%s -- sweep of %s", s->name, s->params[g->params[0]].name);
    if (r->n_dims == 2)
        printf(" and %s", s->params[g->params[1]].name);
    printf(", %zu points x %llu replications on common random numbers\n\n", r->n_points,
           (unsigned long long)r->reps);
    if (r->n_dims == 1) {
        printf("%14s", "value");
        for (size_t j = 0; j < T; j++) {
            report_target_name(s, j, tn, sizeof tn);
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
            report_target_name(s, j, tn, sizeof tn);
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
    cli_args a;
    sweep_flags f;
    ts_err err;
    if (sweep_args_parse(argc, argv, &a, &f, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_sweep_spec);
    cli_session cs;
    sensrun_sweep_result r;
    memset(&r, 0, sizeof r);
    grid g;
    int status;
    if (cli_open(&cs, &cmd_sweep_spec, &a, a.operands[0], 0, &err) < 0 ||
        make_grid(cs.s, &f, &g, &err) < 0)
        goto fail;
    const scenario *s = cs.s;
    uint64_t reps = a.replications ? a.replications : s->replications;
    runner_opts o;
    cli_runner_opts(&cs, &o, 0);
    if (sensrun_sweep(cs.s, &o, g.params, g.lo, g.hi, g.steps, f.n_specs, reps, &r, &err) < 0)
        goto fail;
    cli_computed(&cs);
    if (output_sweep(cs.od, s, g.params, &r, &err) < 0)
        goto fail;
    manifest m;
    cli_manifest_begin(&cs, &m);
    manifest_add(&m, "method", "sweep");
    for (size_t k = 0; k < r.n_dims; k++) {
        char v[160];
        dist_format(&s->params[g.params[k]].value, v, sizeof v);
        manifest_add(&m, "sweep", "%s from %.10g to %.10g in %zu steps (as written: %s)",
                     s->params[g.params[k]].name, g.lo[k], g.hi[k], g.steps[k], v);
    }
    manifest_add(&m, "points", "%zu", r.n_points);
    manifest_add(&m, "replications", "%llu per point", (unsigned long long)r.reps);
    cli_manifest_end(&cs, &m, s->seed);
    manifest_add(&m, "common_random_numbers", "every point runs replications 0..%llu on the "
                 "same streams (%s); the other parameters are drawn as usual",
                 (unsigned long long)r.reps - 1, RNG_STREAM_RULE);
    if (cli_close(&cs, &m, CLI_CHARTS_ANALYSIS, &err) < 0)
        goto fail;
    print_summary(s, &g, &r, cs.dir);
    status = cli_end(&cs);
    goto out;
fail:
    status = cli_fail(&cs, &err);
out:
    sensrun_sweep_free(&r);
    return status;
}
