#ifndef TIERSIM_PLOT_H
#define TIERSIM_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "tserr.h"

/* Charts, drawn by gnuplot from the files of an output directory alone, so
 * that `tiersim plot DIR` redraws any finished output.
 *
 * plot.c reads DIR's CSVs, writes what each script needs (KIND.meta: gnuplot
 * assignments of the labels and thresholds, every string single-quoted;
 * KIND.tsv: numbers only) into a fresh DIR/charts.tmp-XXXXXX, and runs, once
 * per chart kind,
 *
 *     gnuplot -d -e "meta='KIND.meta'; data='KIND.tsv'" PLOTS_DIR/KIND.gp
 *
 * with posix_spawnp (never a shell) and that directory as gnuplot's working
 * directory: no file name of the user's ever reaches gnuplot's parser, so
 * spaces, quotes and '$' in DIR are harmless.  Each script writes NAME.png
 * (pngcairo, 1600x1000) and NAME.svg (1200x750) for each of its charts.
 * When every script has succeeded the data files are removed, index.csv
 * (file,kind,caption: the charts in reading order) is written, and the
 * directory replaces DIR/charts in one rename; on any failure the previous
 * charts stay as they were. */

/* What to draw; plot_kinds tells which DIR's files allow. */
enum {
    PLOT_RUN = 1,       /* fan_TIER, card, pmet, dist_TIER: a run's CSVs */
    PLOT_FIT = 2,       /* fit_TIER_MEASURE: fitted.csv */
    PLOT_COMPARE = 4,   /* compare: compare.csv */
    PLOT_GOAL = 8       /* goal: goal.csv and goal_curve.csv */
};

#define PLOT_SKIPPED 1      /* gnuplot is not on PATH: nothing was drawn */
#define PLOT_EINPUT (-2)    /* DIR's files are missing or malformed */

/* The directory of the gnuplot scripts: `override` (TIERSIM_PLOTS, read by
 * the command layer) when not NULL or empty, else the first of plots,
 * ../plots, ../../plots and ../share/tiersim/plots beside the executable
 * (/proc/self/exe) that holds fan.gp.  An absolute path in buf. */
int plot_find_dir(const char *override, char *buf, size_t len, ts_err *err);

/* PLOT_RUN | PLOT_FIT | PLOT_COMPARE as DIR holds targets.csv (with
 * projection.csv), fitted.csv, compare.csv. */
unsigned plot_kinds(const char *dir);

/* Draws the charts of `kinds` from DIR's files into DIR/charts (replaced
 * whole).  Returns 0 (*n_charts, may be NULL, counts them), PLOT_SKIPPED,
 * PLOT_EINPUT or -1 (a gnuplot failure or a write that failed), with err. */
int plot_draw(const char *dir, const char *plots_dir, unsigned kinds, size_t *n_charts,
              ts_err *err);

/* plot_draw of one kind, for the commands that write those files. */
int plot_run(const char *dir, const char *plots_dir, ts_err *err);
int plot_fit(const char *dir, const char *plots_dir, ts_err *err);
int plot_compare(const char *dir, const char *plots_dir, ts_err *err);

/* Runs `gnuplot -d -e SETUP PLOTS_DIR/SCRIPT` in WORKDIR, gnuplot's stderr
 * going to WORKDIR/gnuplot.log.  0, PLOT_SKIPPED when gnuplot is not on PATH,
 * or -1 with "plot: PLOTS_DIR/SCRIPT: gnuplot exited with status N (its last
 * message)". */
int plot_gnuplot(const char *plots_dir, const char *script, const char *workdir,
                 const char *setup, ts_err *err);

/* Writes s to f as a gnuplot single-quoted string literal: ' doubled,
 * control characters as blanks (gnuplot reads such a literal verbatim, so no
 * label can end it early or be taken as a command).  Exposed for tests. */
void plot_quote(FILE *f, const char *s);

#endif
