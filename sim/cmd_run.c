/* cmd_run.c -- `tiersim run`: simulate a scenario and report its targets. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "num.h"
#include "output.h"
#include "observed.h"
#include "output_validate.h"
#include "plot.h"
#include "report.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"

enum { OPT_PRECISION = 256, OPT_MAX_REPS, OPT_OBSERVED };

static const cli_option run_options[] = {
    {"precision", OPT_PRECISION, 1, "E", "run until every target's P(met) has a standard error "
                                         "of at most E (0 < E < 0.5), in batches of 4000", 0},
    {"max-reps", OPT_MAX_REPS, 1, "N", "the most replications --precision may take (default "
                                       "10000000)", 0},
    {"observed", OPT_OBSERVED, 1, "OBSERVED.csv", "draw these outcomes on the fan charts "
                                                  "(observed.csv; `tiersim validate` scores them)",
     0},
};

static int run_option(void *own, int key, const char *v, ts_err *err)
{
    run_flags *r = own;
    if (key == OPT_OBSERVED) {
        if (!v[0])
            return cli_usagef(err, "run", "--observed: expected a file");
        r->observed = v;
    } else if (key == OPT_PRECISION) {
        if (num_parse_double(v, &r->precision) < 0 || !(r->precision > 0) || r->precision >= 0.5)
            return cli_usagef(err, "run", "--precision: expected a standard error above 0 and "
                              "below 0.5, got '%s'", v);
    } else if (num_parse_uint64(v, 1000000000ULL, &r->max_replications) < 0 ||
               r->max_replications == 0) {
        return cli_usagef(err, "run", "--max-reps: expected a whole number from 1 to "
                          "1000000000, got '%s'", v);
    }
    return 0;
}

static const char *const run_examples[] = {
    "tiersim run scenarios/qingdao.ini --history data/qingdao-history.csv",
    "tiersim run scenarios/qingdao.ini --policy capital -n 50000 -s 7 -o out/capital",
    NULL,
};

const cli_spec cmd_run_spec = {
    "run", "simulate the scenario and report how likely each target is to be met",
    CLI_SIMULATE, "SCENARIO", 1, 1, run_options, sizeof run_options / sizeof run_options[0],
    run_option, run_examples,
};

int run_args_parse(int argc, char **argv, cli_args *a, run_flags *r, ts_err *err)
{
    memset(r, 0, sizeof *r);
    r->max_replications = 10000000;
    return cli_parse(&cmd_run_spec, argc, argv, a, r, err);
}

/* The report card on the terminal. */
static void print_report(const scenario *s, const runner_result *r, const char *dir,
                         const char *policies)
{
    printf("%s -- %s\n", s->name, s->label);
    printf("%d-%d", s->start_year, s->end_year);
    if (s->start_month > 1) {
        /* Update years that do not start in January: say which months they cover. */
        char from[16], to[16];
        scenario_month_format(s->start_year * 12 + s->start_month - 1, from, sizeof from);
        scenario_month_format(scenario_period_end(s, s->end_year), to, sizeof to);
        printf(" (%s to %s)", from, to);
    }
    printf(", %llu replications, seed %llu, policies: %s\n\n", (unsigned long long)r->replications,
           (unsigned long long)s->seed, policies[0] ? policies : "none");
    printf("%-18s %-10s %9s %9s  %7s  %-17s  %-9s  %s\n", "target", "measure", "target", "needs",
           "P(met)", "95% interval", "verdict", "5-50-95% in end year");
    target_summary t;
    char ci[40], q[64];
    for (size_t j = 0; j < s->n_targets; j++) {
        const ts_target *tg = &s->targets[j];
        report_target(s, r, j, &t);
        snprintf(ci, sizeof ci, "[%.3f, %.3f]", t.ci_lo, t.ci_hi);
        snprintf(q, sizeof q, "%lld / %lld / %lld", (long long)t.p05, (long long)t.p50,
                 (long long)t.p95);
        printf("%-18s %-10s %9.10g %9lld  %7.3f  %-17s  %-9s  %s   %s\n", tg->name,
               report_target_measure(tg), tg->value, (long long)tg->threshold, t.p_met, ci,
               report_verdict_name(report_verdict(t.p_met)), q, tg->label);
    }
    if (s->n_targets > 1) {
        report_all(r, &t);
        snprintf(ci, sizeof ci, "[%.3f, %.3f]", t.ci_lo, t.ci_hi);
        printf("%-18s %-10s %9s %9s  %7.3f  %-17s  %-9s\n", "ALL", "", "", "", t.p_met, ci,
               report_verdict_name(report_verdict(t.p_met)));
    }
    printf("\n'needs' is the whole number of firms that meets the target after its tolerance; "
           "P(met) is the share of replications reaching it.\n");
    if (r->capped)
        printf("note: in %llu of %llu replications a tier's outgoing rates summed above 1 and "
               "were scaled down to 1.\n", (unsigned long long)r->capped,
               (unsigned long long)r->replications);
    printf("results: %s/\n", dir);
}

int cmd_run(int argc, char **argv)
{
    cli_args a;
    run_flags rf;
    ts_err err;
    if (run_args_parse(argc, argv, &a, &rf, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_run_spec);
    cli_session cs;
    runner_result *res = NULL;
    observed *obs = NULL;
    if (cli_open(&cs, &cmd_run_spec, &a, a.operands[0], "", 0, &err) < 0)
        goto fail;
    if (rf.observed && cli_load_observed(&obs, rf.observed, cs.s, &err) < 0)
        goto fail;
    runner_opts o;
    cli_runner_opts(&cs, &o, 0);
    o.precision = rf.precision;
    o.max_replications = rf.max_replications;
    if (runner_run(cs.s, &o, &res, &err) < 0)
        goto fail;
    cli_computed(&cs);
    if (report_write_run(cs.od, cs.s, res, &err) < 0 ||
        (obs && output_observed(cs.od, cs.s, obs, &err) < 0))
        goto fail;
    /* With --history the fit behind the run is part of its output. */
    if (cs.fit && output_fit_tables(cs.od, cs.s, cs.hist, cs.fit, &err) < 0)
        goto fail;
    manifest m;
    cli_manifest_begin(&cs, &m);
    if (cs.fit)
        cli_manifest_fit(&cs, &m);
    manifest_add(&m, "replications", "%llu", (unsigned long long)res->replications);
    if (obs)
        manifest_add(&m, "observed", "%s (%zu rows, on the fan charts)", rf.observed, obs->n_rows);
    if (rf.precision > 0)
        manifest_add(&m, "precision", "%g (%s)", rf.precision,
                     res->precision_reached ? "reached" : "not reached: stopped at the cap");
    cli_manifest_end(&cs, &m, cs.s->seed);
    manifest_add(&m, "streams", "%s", RNG_STREAM_RULE);
    manifest_add(&m, "capped_replications", "%llu", (unsigned long long)res->capped);
    if (cli_close(&cs, &m, PLOT_RUN | (cs.fit ? PLOT_FIT : 0), &err) < 0)
        goto fail;
    print_report(cs.s, res, cs.dir, cs.policies);
    if (rf.precision > 0 && !res->precision_reached)
        fprintf(stderr, "tiersim: warning: --precision %g not reached within %llu replications\n",
                rf.precision, (unsigned long long)rf.max_replications);
    observed_free(obs);
    runner_result_free(res);
    return cli_end(&cs);
fail:
    observed_free(obs);
    runner_result_free(res);
    return cli_fail(&cs, &err);
}
