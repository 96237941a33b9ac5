#ifndef TIERSIM_OUTPUT_H
#define TIERSIM_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "crn.h"
#include "fit.h"
#include "goal.h"
#include "history.h"
#include "i18n.h"
#include "outdir.h"
#include "scenario.h"
#include "sensrun.h"
#include "tserr.h"

/* The CSVs (and fitted.ini) of the commands other than run, whose files
 * report.h owns: one writer per command, each writing every table of its
 * output directory and tiers.csv.  Target names are report_target_name's.
 * The manifest is the command layer's (cli.h). */

/* fit.csv, fitted.csv, fitted.ini (the scenario with its `fit` values
 * replaced, inheriting the rest through `base =`), tiers.csv. */
int output_fit(outdir *o, const scenario *s, const history *h, const fit_result *r,
               ts_err *err);
/* fit.csv and fitted.csv alone: what `run --history` keeps of its fit
 * beside the run's tables (s may already hold the fitted values). */
int output_fit_tables(outdir *o, const scenario *s, const history *h, const fit_result *r,
                      ts_err *err);

/* compare.csv (every arm's P(met) of each target of the first arm, with the
 * paired change against it) and tiers.csv. */
int output_compare(outdir *o, const scenario *const *arms, const char *const *names,
                   const char *const *labels, size_t n_arms, const crn_compare_result *r,
                   ts_err *err);

/* goal.csv (the answer) and goal_curve.csv (P(met) over the lever's range),
 * tiers.csv. */
typedef struct {
    const char *lever, *target;
    double q;                       /* the probability asked for */
    const goal_result *answer;
    const double *curve_x, *curve_p;
    size_t n_curve;
    uint64_t curve_reps;
} goal_output;
int output_goal(outdir *o, const scenario *s, const goal_output *g, ts_err *err);

typedef enum {
    SENS_TORNADO = 0,
    SENS_MORRIS,
    SENS_SOBOL,
    SENS_FILTER,
    SENS_SPLIT,
    SENS_N_METHODS
} sens_method;

extern const char *const sens_method_names[SENS_N_METHODS];

/* One sensitivity analysis as it ran: the method's result is the one read. */
typedef struct {
    const scenario *s;
    sens_method method;
    const size_t *factors;          /* the parameters studied, s->params indices */
    size_t d;
    sensrun_tornado_result tornado;
    sensrun_sobol_result sobol;
    sensrun_morris_result morris;
    sensrun_filter_result filter;
    sensrun_split_result split;
} sens_output;

/* The method's CSVs (tornado.csv + tornado_base.csv, sobol.csv, morris.csv,
 * filter.csv + filter_cdf.csv, split.csv), tiers.csv. */
int output_sens(outdir *o, const sens_output *an, ts_err *err);

/* What the summary's lines of method m show ("largest mu* ..."). */
const char *output_sens_reading(sens_method m);
/* A second line under the reading, or NULL (the tornado's P(met)). */
const char *output_sens_note(sens_method m, ts_lang lang);

/* One line of sensitivity's terminal summary: target j's output o
 * (SENSRUN_MEAN or SENSRUN_PMET) as the method sees it -- the top three
 * parameters, or the variance split -- into line; *on names the output.
 * v is scratch space for an->d + 1 values. */
void output_sens_line(const sens_output *an, size_t j, size_t o, double *v, char *line,
                      size_t len, const char **on);

/* sweep.csv (P(met) of every target at every grid point) and tiers.csv. */
int output_sweep(outdir *o, const scenario *s, const size_t *params,
                 const sensrun_sweep_result *r, ts_err *err);

#endif
