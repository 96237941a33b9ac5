#ifndef TIERSIM_REPORT_H
#define TIERSIM_REPORT_H

#include <stdint.h>

#include "csvio.h"
#include "outdir.h"
#include "runner.h"
#include "scenario.h"
#include "tserr.h"

/* What a run says about each target, and the files of a run's output
 * directory (projection.csv, targets.csv, p_met_by_year.csv, tiers.csv,
 * distribution.csv). */

#define REPORT_Z95 1.959963984540054

typedef struct {
    double bar;                     /* target * (1 - tolerance) */
    uint64_t met, n;
    double p_met, se, ci_lo, ci_hi; /* ci: 95 % Wilson */
    int64_t p05, p50, p95;          /* of the targeted measure in end_year */
} target_summary;

typedef enum { VERDICT_UNLIKELY, VERDICT_UNCERTAIN, VERDICT_LIKELY } verdict;

void report_target(const scenario *s, const runner_result *r, size_t j, target_summary *t);
/* The joint row: every target met in the same replication. */
void report_all(const runner_result *r, target_summary *t);
/* likely when p >= 0.8, unlikely when p <= 0.2, otherwise uncertain. */
verdict report_verdict(double p);
const char *report_verdict_name(verdict v);
const char *report_target_measure(const ts_target *t);   /* "new", "stock" or "cumulative" */
/* The whole count that meets a bar target * (1 - tolerance), by the
 * scenario's rule (ts_target.threshold): a bar within 2 ulps of a whole
 * number is that number, else the next one up; at least 1.  For the tables
 * and charts of a directory written before targets.csv had `needs`. */
double report_needs(double bar);

/* projection.csv, targets.csv, p_met_by_year.csv, tiers.csv and
 * distribution.csv of a run (the manifest is the command layer's). */
int report_write_run(outdir *o, const scenario *s, const runner_result *r, ts_err *err);

/* The first two cells of every per-year row: the update year y and its
 * period_end (YYYY-MM, DESIGN.md "Dates"), so that each table dates its rows
 * the same way. */
void report_year_cells(csvw *w, const scenario *s, int y);

/* The name of target j in every CSV and table: NAME of its [target NAME]
 * (its tier, or the name of a target over several tiers), with ":MEASURE"
 * (new, stock or cumulative) when the section has another target. */
void report_target_name(const scenario *s, size_t j, char *buf, size_t len);

/* tiers.csv: tier,label,baseline_stock (the mean of the stock as written), so
 * that charts drawn later from the directory alone can use the labels.  Part
 * of report_write_run; other commands whose outputs name tiers call it too. */
int report_write_tiers(outdir *o, const scenario *s, ts_err *err);
/* 1 when some target's name is not a tier's (a target over several tiers, or
 * one written `tiers = T` under a name of its own): report_write_tiers then
 * also writes target_tiers.csv, target,tiers,label, from which charts and
 * tables drawn later from the directory alone name and label it. */
int report_named_targets(const scenario *s);

/* Equal bins over the values a histogram holds, for distribution.csv: at most
 * max_bins bins of a width 1, 2 or 5 times a power of 10, the first starting
 * at *lo (a multiple of the width at or below the minimum).  Bin b holds the
 * whole numbers lo + b*width ... lo + (b+1)*width - 1.  Returns the number of
 * bins (0 for an empty histogram). */
size_t report_bins(const hist *h, size_t max_bins, int64_t *lo, int64_t *width);
#define REPORT_DIST_BINS 50

#endif
