/* cmd_fit.c -- `tiersim fit`: calibrate a scenario's `fit` parameters to a
 * history and write fit.csv, fitted.csv, fitted.ini and manifest.txt. */
#include <stdio.h>
#include <gsl/gsl_version.h>

#include "cmd.h"
#include "plot.h"

static const char *const fit_examples[] = {
    "tiersim fit scenarios/qingdao-v1.ini data/qingdao-v1-history.csv",
    "tiersim run out/qingdao-v1-fit/fitted.ini",
    "tiersim fit tests/data/tinyfit.ini tests/data/tinyfit.csv --no-plots",
    NULL,
};

const cli_spec cmd_fit_spec = {
    "fit", "estimate the scenario's `fit` parameters from an observed history (GSL least squares)",
    CLI_OUT | CLI_NO_PLOTS, "SCENARIO HISTORY.csv", 2, 2, NULL, 0, NULL, fit_examples,
};

int fit_args_parse(int argc, char **argv, cli_args *a, ts_err *err)
{
    int rc = cli_parse(&cmd_fit_spec, argc, argv, a, NULL, err);
    /* The history is an operand here, and cli_open fits whatever --history names. */
    if (rc == 0 && !a->help)
        a->history = a->operands[1];
    return rc;
}

int cmd_fit(int argc, char **argv)
{
    cli_args a;
    ts_err err;
    if (fit_args_parse(argc, argv, &a, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_fit_spec);
    cli_session cs;
    if (cli_open(&cs, &cmd_fit_spec, &a, a.operands[0], CLI_KEEP_FIT, &err) < 0)
        goto fail;
    cli_computed(&cs);
    if (output_fit(cs.od, cs.s, cs.hist, cs.fit, &err) < 0)
        goto fail;
    manifest m;
    cli_manifest_begin(&cs, &m);
    cli_manifest_fit(&cs, &m);
    manifest_add(&m, "gsl_version", "%s", gsl_version);
    if (cli_close(&cs, &m, PLOT_FIT, &err) < 0)
        goto fail;
    printf("results: %s/ (run the fitted scenario: tiersim run %s/fitted.ini)\n", cs.dir, cs.dir);
    return cli_end(&cs);
fail:
    return cli_fail(&cs, &err);
}
