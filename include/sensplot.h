#ifndef TIERSIM_SENSPLOT_H
#define TIERSIM_SENSPLOT_H

#include <stddef.h>

#include "chartdir.h"
#include "tserr.h"

/* Charts of `tiersim sensitivity` and `tiersim sweep`, drawn by gnuplot from
 * the files of an output directory alone into a chart directory (chartdir.h,
 * as plot.c's): KIND.meta (gnuplot assignments), KIND_*.tsv (numbers, and
 * parameter names, which are dotted identifiers) and KIND.text (the words,
 * in the output's language) for plots/KIND.gp, each
 * chart as NAME.png (1600x1000) and NAME.svg (1200x750), listed in
 * index.csv, DIR/charts replaced whole or not at all.
 *
 * What is drawn, from what DIR holds:
 *   tornado.csv + tornado_base.csv   tornado_TARGET: bars from the value at the
 *                                    medians to the 5th / 95th percentile ends
 *   sobol.csv                        sobol_TARGET: S1 and ST with 95 % intervals
 *   morris.csv                       morris_TARGET: mu* against sigma
 *   filter.csv + filter_cdf.csv      filter_TARGET: the parameter's CDF among
 *                                    replications that met / missed, top 4
 *   sweep.csv (one parameter)        sweep: P(met) of every target, 95 % bands
 *   sweep.csv (two parameters)       sweep_TARGET: a heatmap of P(met)
 * Each of the first three has a panel for the mean of the targeted measure and
 * one for P(met); at most SENSPLOT_TOP parameters per panel. */

#define SENSPLOT_TOP 15

/* 0 (*n_charts, may be NULL, counts the charts), PLOT_SKIPPED when gnuplot
 * is not on PATH, PLOT_EINPUT when a file is malformed, or -1, with err.
 * Nothing to draw is not an error (0 charts, no DIR/charts).  The charts'
 * words and captions in lang. */
int sensplot_draw(const char *dir, const char *plots_dir, ts_lang lang, size_t *n_charts,
                  ts_err *err);

/* The data of DIR's charts written into cd's work directory and their
 * scripts queued, without running gnuplot: sensplot_draw but for
 * chartdir_commit.  0, PLOT_EINPUT or -1 with err.  Exposed for tests. */
int sensplot_prepare(chartdir *cd, ts_lang lang, ts_err *err);

#endif
