#ifndef TIERSIM_CHARTDIR_H
#define TIERSIM_CHARTDIR_H

#include <stddef.h>
#include <stdio.h>

#include "csvio.h"
#include "i18n.h"
#include "tserr.h"

#define PLOT_SKIPPED 1      /* gnuplot is not on PATH: nothing was drawn */
#define PLOT_EINPUT (-2)    /* DIR's files are missing or malformed */

/* DIR/charts, made whole or not at all: the one place that knows how a chart
 * directory is written, for the run, fit, compare and goal charts (plot.c)
 * and the sensitivity and sweep charts (sensplot.c) alike.
 *
 * A drawing opens a fresh DIR/charts.tmp-XXXXXX, writes the data of each
 * chart kind there (KIND.meta: gnuplot assignments, every string quoted with
 * chartdir_quote; KIND.tsv or KIND_*.tsv: numbers; KIND.text: the words of
 * its titles, axes and legends in the output's language), registers each
 * chart (file name, kind, caption) and queues each kind's script.
 * chartdir_commit then runs, once per kind,
 *
 *     gnuplot -d -e "meta='KIND.meta'; data='KIND.tsv'; text='KIND.text'" PLOTS_DIR/KIND.gp
 *
 * with posix_spawnp (never a shell) and the work directory as gnuplot's
 * working directory, so that no file name of the user's reaches gnuplot's
 * parser.  Each script writes NAME.png and NAME.svg for each of its charts.
 * When every script has succeeded and written every chart, the data files
 * and gnuplot.log are removed, index.csv (file,kind,caption: the charts in
 * the order they were added) is written, and the work directory replaces
 * DIR/charts in one rename.  On any failure the previous charts stay as they
 * were and chartdir_free removes the work directory.
 *
 * The status codes, shared by plot.c and sensplot.c: PLOT_SKIPPED when
 * gnuplot is not on PATH, PLOT_EINPUT for DIR's files missing or malformed,
 * -1 for the rest. */

typedef struct chartdir chartdir;

/* Opens DIR/charts.tmp-XXXXXX for the scripts of PLOTS_DIR; NULL with err. */
chartdir *chartdir_open(const char *dir, const char *plots_dir, ts_err *err);
/* Removes the work directory unless committed, and frees; NULL is a no-op. */
void chartdir_free(chartdir *cd);
/* DIR, and the work directory where the data go. */
const char *chartdir_dir(const chartdir *cd);
const char *chartdir_work(const chartdir *cd);

/* ------------------------------------------------------ DIR's own files */

/* DIR/NAME exists. */
int chartdir_has(const char *dir, const char *name);
/* DIR/NAME read as a table, and cols[i] = its column names[i] for i < n (n
 * may be 0); NULL with csvt_read's message or "FILE: missing column 'NAME'"
 * (the caller's PLOT_EINPUT). */
csvt *chartdir_table(const char *dir, const char *name, const char *const *names, long *cols,
                     size_t n, ts_err *err);
/* The same lookup on a table already read: 0, or PLOT_EINPUT with err. */
int chartdir_columns(const csvt *t, const char *const *names, long *cols, size_t n,
                     ts_err *err);

/* ------------------------------------------------------------ the data */

/* A data file of the work directory, open for writing. */
typedef struct {
    FILE *f;
    char path[4224];    /* the work directory (< 4096 bytes), "/", a name (< 128) */
} chartdir_file;

/* Creates WORK/NAME (printf-style); -1 with "PATH: cannot write: REASON". */
int chartdir_fopen(chartdir *cd, chartdir_file *g, ts_err *err, const char *name_fmt, ...)
    TS_PRINTF(4, 5);
/* Closes g (nothing to do when g->f is NULL) and returns rc, the status so
 * far; but when rc is 0 and a write to g failed, -1 with "PATH: write
 * failed: REASON".  So `rc = chartdir_fclose(&g, rc, err);` on every path
 * keeps the first error. */
int chartdir_fclose(chartdir_file *g, int rc, ts_err *err);

/* Writes s as a gnuplot single-quoted string literal: ' doubled, control
 * characters as blanks (gnuplot reads such a literal verbatim, so no label
 * can end it early or be taken as a command). */
void chartdir_quote(FILE *f, const char *s);

/* Lines of KIND.meta: "VAR = V" (%.17g, NaN when not finite), "VAR = 'S'",
 * "array VAR[N]", and the 0-based element I of an array as VAR[I + 1]. */
void chartdir_meta_num(FILE *f, const char *var, double v);
void chartdir_meta_str(FILE *f, const char *var, const char *s);
void chartdir_meta_array(FILE *f, const char *var, size_t n);
void chartdir_meta_num_at(FILE *f, const char *var, size_t i, double v);
void chartdir_meta_str_at(FILE *f, const char *var, size_t i, const char *s);
/* The same for text whose lines are separated by '\n': each line quoted,
 * joined by gnuplot's "\n" (a tic label of several lines). */
void chartdir_meta_lines_at(FILE *f, const char *var, size_t i, const char *s);
/* A number of a .tsv row (%.10g; NaN, which gnuplot skips, when not
 * finite), then a tab, or the newline when `last`. */
void chartdir_tsv_num(FILE *f, double v, int last);

/* KIND.text: "VAR = 'TEXT'" for each word, its text the catalogue's in
 * lang, which the script reads with `load text`.  The scripts hold no
 * words of their own: what a chart says comes from i18n.c (the meta files
 * hold the data and the labels made from it).  -1 with err. */
typedef struct {
    const char *var;
    msg_id id;
} chartdir_word;
int chartdir_words(chartdir *cd, const char *kind, ts_lang lang, const chartdir_word *words,
                   size_t n, ts_err *err);

/* -------------------------------------------------- charts and scripts */

/* Registers the chart NAME (printf-style, at most 63 bytes) of KIND for
 * index.csv; -1 only when out of memory. */
int chartdir_add(chartdir *cd, const char *kind, const char *caption, ts_err *err,
                 const char *name_fmt, ...) TS_PRINTF(5, 6);
/* Puts the charts listed so far in the order of their kinds in kinds[n]
 * (stable; a kind not in it after those that are): the reading order of
 * index.csv, whatever the order the scripts run in. */
void chartdir_order(chartdir *cd, const char *const *kinds, size_t n);
/* Queues PLOTS_DIR/KIND.gp (once per kind), to draw the charts of KIND. */
void chartdir_job(chartdir *cd, const char *kind);
/* The charts registered so far. */
size_t chartdir_count(const chartdir *cd);

/* Runs the queued scripts in order, checks that each wrote its charts, then
 * removes the data, writes index.csv and moves the work directory to
 * DIR/charts (see above).  0, PLOT_SKIPPED or -1 with err; chartdir_free
 * is still to be called. */
int chartdir_commit(chartdir *cd, ts_err *err);

/* Runs `gnuplot -d -e SETUP PLOTS_DIR/SCRIPT` in WORKDIR, gnuplot's stderr
 * going to WORKDIR/gnuplot.log.  0, PLOT_SKIPPED when gnuplot is not on PATH,
 * or -1 with "plot: PLOTS_DIR/SCRIPT: gnuplot exited with status N (its last
 * message)". */
int chartdir_gnuplot(const char *plots_dir, const char *script, const char *workdir,
                     const char *setup, ts_err *err);

#endif
