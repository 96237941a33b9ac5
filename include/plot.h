#ifndef TIERSIM_PLOT_H
#define TIERSIM_PLOT_H

#include <stddef.h>

#include "chartdir.h"
#include "tserr.h"

/* Charts, drawn by gnuplot from the files of an output directory alone, so
 * that `tiersim plot DIR` redraws any finished output.
 *
 * plot.c reads DIR's CSVs and writes what each script needs (KIND.meta:
 * gnuplot assignments of the labels and thresholds; KIND.tsv: numbers only;
 * KIND.text: the charts' words in the output's language, from i18n.h's
 * catalogue) into a chart directory (chartdir.h: the temporary directory,
 * gnuplot run as `gnuplot -d -e "meta='KIND.meta'; data='KIND.tsv';
 * text='KIND.text'" PLOTS_DIR/KIND.gp`, index.csv, and DIR/charts replaced
 * in one rename or not at all).  Each
 * script writes NAME.png (pngcairo, 1600x1000) and NAME.svg (1200x750) for
 * each of its charts. */

/* What to draw; plot_kinds tells which DIR's files allow. */
enum {
    PLOT_RUN = 1,       /* fan_TIER, card, pmet, dist_TIER: a run's CSVs */
    PLOT_FIT = 2,       /* fit_TIER_MEASURE: fitted.csv */
    PLOT_COMPARE = 4,   /* compare: compare.csv */
    PLOT_GOAL = 8,      /* goal: goal.csv and goal_curve.csv */
    PLOT_VALIDATE = 16  /* validate_pit: validation.csv (and its points on the fans) */
};

/* PLOT_SKIPPED and PLOT_EINPUT: chartdir.h's. */

/* The directory of the gnuplot scripts: `override` (TIERSIM_PLOTS, read by
 * the command layer) when not NULL or empty, else the first of plots,
 * ../plots, ../../plots and ../share/tiersim/plots beside the executable
 * (/proc/self/exe) that holds fan.gp.  An absolute path in buf. */
int plot_find_dir(const char *override, char *buf, size_t len, ts_err *err);

/* A label's width in ems as Noto Sans CJK SC draws it, estimated on the
 * wide side (a CJK or full-width character 1, another 0.56 or 0.6): for
 * laying out keys and labels, never for the text itself. */
double plot_text_em(const char *utf8);

/* PLOT_RUN | PLOT_FIT | PLOT_COMPARE | PLOT_GOAL | PLOT_VALIDATE as DIR
 * holds targets.csv (with projection.csv), fitted.csv, compare.csv, goal.csv,
 * validation.csv.  A run's fan charts show the outcomes of validation.csv
 * or observed.csv (run --observed) when DIR has one. */
unsigned plot_kinds(const char *dir);

/* Draws the charts of `kinds` from DIR's files into DIR/charts (replaced
 * whole), their titles, axes, legends and captions in lang.  Returns 0
 * (*n_charts, may be NULL, counts them), PLOT_SKIPPED, PLOT_EINPUT or -1 (a
 * gnuplot failure or a write that failed), with err. */
int plot_draw(const char *dir, const char *plots_dir, unsigned kinds, ts_lang lang,
              size_t *n_charts, ts_err *err);

/* plot_draw of one kind, in English. */
int plot_run(const char *dir, const char *plots_dir, ts_err *err);
int plot_fit(const char *dir, const char *plots_dir, ts_err *err);
int plot_compare(const char *dir, const char *plots_dir, ts_err *err);

/* The data of the charts of `kinds` written into cd's work directory and
 * their scripts queued, without running gnuplot: plot_draw but for
 * chartdir_commit.  0, PLOT_EINPUT or -1 with err.  Exposed for tests. */
int plot_prepare(chartdir *cd, unsigned kinds, ts_lang lang, ts_err *err);

#endif
