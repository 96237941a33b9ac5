/* cmd_validate.c -- `tiersim validate`: run the scenario and score its
 * projection against what happened. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"
#include "observed.h"
#include "output_validate.h"
#include "plot.h"
#include "report.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "validate.h"

static const char *const validate_examples[] = {
    "tiersim validate scenarios/qingdao.ini data/qingdao-reported.csv",
    "tiersim validate scenarios/qingdao-v1.ini data/qingdao-reported.csv --history data/qingdao-v1-history.csv -n 5000",
    "tiersim validate tests/data/tiny.ini tests/data/observed/tiny.csv -n 50000 -o out/check",
    NULL,
};

const cli_spec cmd_validate_spec = {
    "validate", "run the scenario and score its projection against observed outcomes (bands, "
                "PIT, CRPS, a verdict)",
    CLI_SIMULATE, "SCENARIO OBSERVED.csv", 2, 2, NULL, 0, NULL, validate_examples,
};

int validate_args_parse(int argc, char **argv, cli_args *a, ts_err *err)
{
    return cli_parse(&cmd_validate_spec, argc, argv, a, NULL, err);
}

static void print_rows(const scenario *s, const observed *o, const validate_row *rows)
{
    printf("%-8s %-18s %-12s %10s %10s %10s %10s  %6s %4s %4s %10s\n", "as_of", "tier", "measure",
           "observed", "p05", "p50", "p95", "PIT", "in50", "in90", "CRPS");
    for (size_t i = 0; i < o->n_rows; i++) {
        const observed_row *ob = &o->rows[i];
        const validate_row *r = &rows[i];
        printf("%-8s %-18s %-12s %10lld %10lld %10lld %10lld  %6.3f %4d %4d %10.4g\n", ob->as_of,
               s->tiers[ob->tier].name, engine_measure_names[ob->measure], (long long)ob->value,
               (long long)r->q[0], (long long)r->q[2], (long long)r->q[4], r->pit, r->inside50,
               r->inside90, r->crps);
    }
}

static void print_band(const char *name, const validate_cover *c)
{
    char inside[48], ci[48];
    snprintf(inside, sizeof inside, "%llu of %llu", (unsigned long long)c->inside,
             (unsigned long long)c->n);
    snprintf(ci, sizeof ci, "[%.3f, %.3f]", c->lo, c->hi);
    printf("%-9s %-14s %6.3f  %-16s  %8.3f\n", name, inside, c->share, ci, c->expected);
}

static void print_summary(const scenario *s, const observed *o, const validate_row *rows,
                          const validate_summary *sum, const char *dir)
{
    printf("\n%-9s %-14s %6s  %-16s  %8s\n", "band", "inside", "share", "interval", "expected");
    print_band("50 %", &sum->band50);
    print_band("90 %", &sum->band90);
    printf("(intervals: Wilson at %.2f %%; expected: the forecasts' own probability of their "
           "band)\n", 100 * VALIDATE_LEVEL);
    printf("PIT       mean %.3f [%.3f, %.3f]; above 0.5: %llu of %zu (binomial p = %.3g); "
           "KS distance %.3f (p = %.3g)\n", sum->pit_mean, sum->pit_mean_lo, sum->pit_mean_hi,
           (unsigned long long)sum->above, sum->n, sum->above_p, sum->ks, sum->ks_p);
    printf("CRPS      %.4g, the mean over %zu rows", sum->crps, sum->n);
    if (sum->n_naive) {
        printf("; over the %zu with a naive forecast: projection %.4g, naive %.4g", sum->n_naive,
               sum->crps_model_naive, sum->crps_naive);
        if (isfinite(sum->skill))
            printf(", skill %.3f", sum->skill);
    }
    printf("\n");
    if (sum->n_naive < sum->n)
        printf("          %zu row%s without a naive forecast (no known level of the measure to "
               "carry forward)\n", sum->n - sum->n_naive, sum->n - sum->n_naive == 1 ? "" : "s");
    if (sum->n_wide)
        printf("note: %zu row%s scored from histogram bins wider than one firm (their CRPS is "
               "within twice the width)\n", sum->n_wide, sum->n_wide == 1 ? "" : "s");
    char words[128], far[1024];
    validate_verdict(sum->findings, words, sizeof words);
    output_validate_furthest(s, o, rows, sum, far, sizeof far);
    printf("\nverdict: %s (%zu rows); furthest out: %s\n", words, sum->n, far);
    printf("results: %s/\n", dir);
}

int cmd_validate(int argc, char **argv)
{
    cli_args a;
    ts_err err;
    if (validate_args_parse(argc, argv, &a, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_validate_spec);
    cli_session cs;
    runner_result *res = NULL;
    observed *obs = NULL;
    validate_row *rows = NULL;
    validate_summary sum;
    if (cli_open(&cs, &cmd_validate_spec, &a, a.operands[0], 0, &err) < 0)
        goto fail;
    /* Read before the run, so that a mistake in it costs no simulation. */
    if (cli_load_observed(&obs, a.operands[1], cs.s, &err) < 0)
        goto fail;
    runner_opts o;
    cli_runner_opts(&cs, &o, 0);
    if (runner_run(cs.s, &o, &res, &err) < 0)
        goto fail;
    cli_computed(&cs);
    if (!(rows = malloc(obs->n_rows * sizeof *rows))) {
        ts_errf(&err, "out of memory");
        goto fail;
    }
    if (validate_score_all(cs.s, res, obs, cs.hist, cs.s->seed, rows, &err) < 0 ||
        validate_summarise(rows, obs->n_rows, &sum, &err) < 0)
        goto fail;
    if (report_write_run(cs.od, cs.s, res, &err) < 0 ||
        output_validate(cs.od, cs.s, obs, rows, &sum, &err) < 0)
        goto fail;
    manifest m;
    cli_manifest_begin(&cs, &m);
    manifest_add(&m, "replications", "%llu", (unsigned long long)res->replications);
    manifest_add(&m, "observed", "%s", a.operands[1]);
    manifest_add(&m, "observed_rows", "%zu", obs->n_rows);
    manifest_add(&m, "pit_uniforms", "%s", VALIDATE_PIT_RULE);
    manifest_add(&m, "verdict_rule", "three tests (PITs above 0.5, exact binomial; the 50 %% and "
                 "90 %% bands' Wilson intervals against their expected coverage) at %g each",
                 VALIDATE_ALPHA / VALIDATE_TESTS);
    cli_manifest_end(&cs, &m, cs.s->seed);
    manifest_add(&m, "streams", "%s", RNG_STREAM_RULE);
    manifest_add(&m, "capped_replications", "%llu", (unsigned long long)res->capped);
    if (cli_close(&cs, &m, PLOT_RUN | PLOT_VALIDATE, &err) < 0)
        goto fail;
    printf("validation of %s against %s: %zu rows, %llu replications, seed %llu\n\n", cs.s->name,
           a.operands[1], obs->n_rows, (unsigned long long)res->replications,
           (unsigned long long)cs.s->seed);
    print_rows(cs.s, obs, rows);
    print_summary(cs.s, obs, rows, &sum, cs.dir);
    free(rows);
    observed_free(obs);
    runner_result_free(res);
    return cli_end(&cs);
fail:
    free(rows);
    observed_free(obs);
    runner_result_free(res);
    return cli_fail(&cs, &err);
}
