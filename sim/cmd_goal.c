/* cmd_goal.c -- `tiersim goal`: the smallest value of a lever at which a
 * target is met with probability Q. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "crn.h"
#include "goal.h"
#include "num.h"
#include "plot.h"
#include "report.h"
#include "rng.h"
#include "scenario.h"

#define CURVE_POINTS 21
/* The curve is refined across the grid steps that hold the answer and its
 * band, so that it is drawn through the estimates there and not
 * interpolated across them: CURVE_REFINE more points, evenly spaced, and
 * the answer and the band's ends themselves. */
#define CURVE_REFINE 10
#define CURVE_MAX (CURVE_POINTS + CURVE_REFINE + 3)

enum { OPT_TARGET = 256, OPT_PROB, OPT_LEVER, OPT_RANGE };

static const cli_option goal_options[] = {
    {"target", OPT_TARGET, 1, "TIER", "the target to reach (TIER:new, TIER:stock or "
     "TIER:cumulative where the tier has several)", CLI_REQUIRED | CLI_NAMES_DIR, "none (required)",
     "--target little_giant"},
    {"prob", OPT_PROB, 1, "Q", "the probability it should be met with, 0 < Q < 1", CLI_REQUIRED,
     "none (required)", "--prob 0.8"},
    {"lever", OPT_LEVER, 1, "NAME", "the parameter to move (tiersim check SCENARIO --params "
     "lists them); a policy's lever turns the policy on", CLI_REQUIRED, "none (required)",
     "--lever policy.gradient.scale"},
    {"range", OPT_RANGE, 1, "LO:HI", "where to look for the lever's value", 0,
     "0:1 for a rate or fraction, 0:5 for a policy's scale; required for any other lever",
     "--range 20:100"},
};

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

static int goal_option(void *own, int key, const char *v, ts_err *err)
{
    goal_flags *g = own;
    switch (key) {
    case OPT_TARGET:
        g->target = v;
        break;
    case OPT_PROB:
        if (num_parse_double(v, &g->q) < 0 || !(g->q > 0.0 && g->q < 1.0))
            return cli_usagef(err, "goal", "--prob: expected a probability strictly between 0 "
                              "and 1, got '%s'", v);
        break;
    case OPT_LEVER:
        g->lever = v;
        break;
    default:
        if (parse_range(v, &g->lo, &g->hi) < 0)
            return cli_usagef(err, "goal", "--range: expected LO:HI, got '%s'", v);
        if (!(g->lo < g->hi))
            return cli_usagef(err, "goal", "--range: LO must be below HI, got '%s'", v);
        g->have_range = 1;
        break;
    }
    return 0;
}

static const char *const goal_examples[] = {
    "tiersim goal scenarios/qingdao.ini --target srdi --prob 0.8 --lever policy.gradient.scale",
    "tiersim goal scenarios/qingdao.ini --target little_giant --prob 0.95 "
    "--lever 'transition.srdi->little_giant.quota' --range 20:100",
    NULL,
};

const cli_spec cmd_goal_spec = {
    "goal", "the smallest value of a lever at which a target is met with probability Q",
    CLI_SIMULATE, "SCENARIO", 1, 1, goal_options, sizeof goal_options / sizeof goal_options[0],
    goal_option, goal_examples,
};

int goal_args_parse(int argc, char **argv, cli_args *a, goal_flags *g, ts_err *err)
{
    memset(g, 0, sizeof *g);
    if (cli_parse(&cmd_goal_spec, argc, argv, a, g, err) < 0)
        return -1;
    if (!a->help && (!g->target || !(g->q > 0) || !g->lever))
        return cli_usagef(err, "goal", "--target, --prob and --lever are required");
    return 0;
}

typedef struct {
    const scenario *s;
    const runner_opts *o;
    size_t lever, target;
    double *fixed;
    crn_kept kept;          /* the evaluations' parameter draws, made once */
} eval_ctx;

static int eval_lever(void *vctx, double x, uint64_t reps, double *p, ts_err *err)
{
    eval_ctx *c = vctx;
    c->fixed[c->lever] = x;
    crn_result r;
    if (crn_eval_kept(c->s, c->o, c->fixed, reps, &c->kept, &r, err) < 0)
        return -1;
    *p = (double)r.met[c->target] / (double)reps;
    crn_results_free(&r, 1);
    return 0;
}

/* The curve's lever values x[0..n) in one evaluation, P(met) into p: each
 * point differs from the first in the lever alone, so it replays the first
 * point's replications (crn_eval_ref) and draws only the tiers the lever
 * reaches -- the same P(met) as eval_lever at each value. */
static int eval_curve(eval_ctx *c, const double *x, size_t n, uint64_t reps, double *p,
                      ts_err *err)
{
    const size_t np = c->s->n_params;
    double *rows = malloc((n * np + 1) * sizeof *rows);
    crn_point *pts = calloc(n + 1, sizeof *pts);
    size_t *ref = calloc(n + 1, sizeof *ref);
    crn_result *res = calloc(n + 1, sizeof *res);
    int rc = !rows || !pts || !ref || !res ? ts_errf(err, "out of memory") : 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        memcpy(rows + i * np, c->fixed, np * sizeof *rows);
        rows[i * np + c->lever] = x[i];
        pts[i].fixed = rows + i * np;
        pts[i].first_rep = 0;
    }
    if (rc == 0 && n > 0 && (rc = crn_eval_ref(c->s, c->o, pts, ref, n, reps, res, err)) == 0) {
        for (size_t i = 0; i < n; i++)
            p[i] = (double)res[i].met[c->target] / (double)reps;
        crn_results_free(res, n);
    }
    free(rows), free(pts), free(ref), free(res);
    return rc;
}

/* The target named by "NAME" or "NAME:new" / "NAME:stock" / "NAME:cumulative"
 * (NAME of its [target NAME]: a tier, or a target over several tiers). */
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
        if (strcmp(t->name, tier) != 0)
            continue;
        if (kind && strcmp(kind, report_target_measure(t)) != 0)
            continue;
        found = j;
        count++;
    }
    if (count == 0)
        return ts_errf(err, "%s: no target '%s' (the scenario's targets are [target NAME] "
                       "sections)", s->path, name);
    if (count > 1) {
        /* "write b:new or b:stock": the measures the target has, in file order. */
        char list[3 * (TS_NAME_MAX + 16) + 16] = "";
        size_t used = 0, i = 0;
        for (size_t j = 0; j < s->n_targets; j++) {
            if (strcmp(s->targets[j].name, tier) != 0)
                continue;
            i++;
            int w = snprintf(list + used, sizeof list - used, "%s%s:%s",
                             i == 1 ? "" : i == count ? " or " : ", ", tier,
                             report_target_measure(&s->targets[j]));
            if (w > 0 && (size_t)w < sizeof list - used)
                used += (size_t)w;
        }
        return ts_errf(err, "%s: target '%s' counts more than one measure: write %s", s->path,
                       name, list);
    }
    *out = found;
    return 0;
}

/* The lever, its policy turned on (a policy's lever means nothing while the
 * policy is off), and the range to search: -1 with err when it is unknown or
 * the range leaves its valid values. */
static int find_lever(scenario *s, goal_flags *g, size_t *out, ts_err *err)
{
    size_t lever = scenario_find_param(s, g->lever);
    if (lever == TS_NO_PARAM)
        return ts_errf(err, "%s: unknown lever '%s' (tiersim check %s --params lists the "
                       "parameter names)", s->path, g->lever, s->path);
    const ts_param *lp = &s->params[lever];
    int is_policy = !strncmp(g->lever, "policy.", 7);
    if (is_policy)
        for (size_t i = 0; i < s->n_policies; i++) {
            size_t n = strlen(s->policies[i].name);
            if (!strncmp(g->lever + 7, s->policies[i].name, n) && g->lever[7 + n] == '.')
                s->policies[i].active = 1;
        }
    size_t len = strlen(g->lever);
    if (!g->have_range) {
        if (lp->value.range.hi == 1.0) {
            g->lo = 0.0;
            g->hi = 1.0;
        } else if (is_policy && len > 6 && !strcmp(g->lever + len - 6, ".scale")) {
            g->lo = 0.0;
            g->hi = 5.0;
        } else {
            return ts_errf(err, "goal: give --range LO:HI for the lever '%s'", g->lever);
        }
    }
    if (g->lo < lp->value.range.lo || (lp->value.range.lo_open && g->lo <= lp->value.range.lo) ||
        g->hi > lp->value.range.hi)
        return ts_errf(err, "goal: --range %g:%g leaves the valid range of %s", g->lo, g->hi,
                       g->lever);
    *out = lever;
    return 0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The lever values of goal_curve.csv, ascending: the grid of CURVE_POINTS
 * over the range, and where an answer lies inside it, CURVE_REFINE more
 * across the grid steps from the one below the answer and its band to the
 * one above, with the answer and the band's ends.  Returns how many. */
static size_t curve_grid(const goal_flags *g, const goal_result *gr, double *x)
{
    size_t n = 0;
    double step = (g->hi - g->lo) / (CURVE_POINTS - 1);
    for (int i = 0; i < CURVE_POINTS; i++)
        x[n++] = i == CURVE_POINTS - 1 ? g->hi : g->lo + step * i;
    if (gr->reachable && gr->value > g->lo) {
        double lo = fmin(gr->value, gr->band_lo), hi = fmax(gr->value, gr->band_hi);
        double a = g->lo + step * floor((lo - g->lo) / step);
        double b = fmin(g->hi, g->lo + step * ceil((hi - g->lo) / step));
        if (b <= a)
            b = fmin(g->hi, a + step);
        for (int k = 1; k <= CURVE_REFINE; k++)
            x[n++] = a + (b - a) * k / (CURVE_REFINE + 1);
        x[n++] = gr->value;
        x[n++] = gr->band_lo;
        x[n++] = gr->band_hi;
    }
    qsort(x, n, sizeof *x, by_value);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && x[i] >= g->lo && x[i] <= g->hi && (m == 0 || x[i] != x[m - 1]))
            x[m++] = x[i];
    return m;
}

static void print_answer(const char *tname, const goal_flags *g, const goal_result *gr,
                         const goal_opts *go, const char *dir)
{
    if (!gr->reachable)
        printf("%s: P(met) >= %g is not reachable with %s in [%g, %g]: P(met) is %.3f at %g "
               "(and %.3f at %g)\n", tname, g->q, g->lever, g->lo, g->hi, gr->p_hi, g->hi,
               gr->p_lo, g->lo);
    else if (gr->value == g->lo)
        printf("%s: P(met) >= %g already at the low end: %s = %g gives P(met) = %.3f (se %.3f)\n",
               tname, g->q, g->lever, g->lo, gr->p_met, gr->se);
    else
        printf("%s: P(met) >= %g needs %s >= %.4g (between %.4g and %.4g, the values where "
               "P(met) crosses %g -/+ 2 se); there P(met) = %.3f (se %.3f, %llu replications)\n",
               tname, g->q, g->lever, gr->value, gr->band_lo, gr->band_hi, g->q, gr->p_met,
               gr->se, (unsigned long long)go->reps_final);
    printf("results: %s/\n", dir);
}

int cmd_goal(int argc, char **argv)
{
    cli_args a;
    goal_flags g;
    ts_err err;
    if (goal_args_parse(argc, argv, &a, &g, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_goal_spec);
    cli_session cs;
    double *fixed = NULL;
    eval_ctx ctx = {NULL, NULL, 0, 0, NULL, {NULL, 0}};
    int status;
    size_t target = 0, lever = 0;
    if (cli_open(&cs, &cmd_goal_spec, &a, a.operands[0], 0, &err) < 0 ||
        find_target(cs.s, g.target, &target, &err) < 0 || find_lever(cs.s, &g, &lever, &err) < 0)
        goto fail;
    runner_opts o;
    cli_runner_opts(&cs, &o, 1); /* many short evaluations: no bar */
    if (!(fixed = malloc(cs.s->n_params * sizeof *fixed))) {
        ts_errf(&err, "out of memory");
        cs.status = EXIT_FAIL;
        goto fail;
    }
    for (size_t i = 0; i < cs.s->n_params; i++)
        fixed[i] = NAN;
    ctx = (eval_ctx){cs.s, &o, lever, target, fixed, {NULL, 0}};
    uint64_t reps = a.replications ? a.replications : cs.s->replications;
    goal_opts go = {g.lo, g.hi, g.q, reps, 4 * reps, 1e-4 * (g.hi - g.lo), 0};
    goal_result gr;
    double curve_x[CURVE_MAX], curve_p[CURVE_MAX];
    if (goal_seek(eval_lever, &ctx, &go, &gr, &err) < 0)
        goto fail;
    size_t n_curve = curve_grid(&g, &gr, curve_x);
    crn_kept_free(&ctx.kept); /* the curve draws its own, once */
    if (eval_curve(&ctx, curve_x, n_curve, reps, curve_p, &err) < 0)
        goto fail;
    cli_computed(&cs);
    goal_output out = {g.lever, g.target, g.q, &gr, curve_x, curve_p, n_curve, reps};
    if (output_goal(cs.od, cs.s, &out, &err) < 0)
        goto fail;
    manifest m;
    cli_manifest_begin(&cs, &m);
    manifest_add(&m, "target", "%s", g.target);
    manifest_add(&m, "prob", "%g", g.q);
    manifest_add(&m, "lever", "%s", g.lever);
    manifest_add(&m, "range", "%g:%g", g.lo, g.hi);
    manifest_add(&m, "replications", "%llu per evaluation, %llu at the answer",
                 (unsigned long long)reps, (unsigned long long)go.reps_final);
    manifest_add(&m, "evaluations", "%zu", gr.evaluations);
    manifest_add(&m, "method", "Brent (gsl_root_fsolver_brent) on the common-random-number "
                 "estimate of P(met)");
    cli_manifest_end(&cs, &m, o.seed);
    manifest_add(&m, "streams", "%s", RNG_STREAM_RULE);
    if (cli_close(&cs, &m, PLOT_GOAL, &err) < 0)
        goto fail;
    print_answer(cs.s->targets[target].name, &g, &gr, &go, cs.dir);
    status = cli_end(&cs);
    goto out;
fail:
    status = cli_fail(&cs, &err);
out:
    crn_kept_free(&ctx.kept);
    free(fixed);
    return status;
}
