#ifndef TIERSIM_OUTPUT_VALIDATE_H
#define TIERSIM_OUTPUT_VALIDATE_H

#include <stddef.h>

#include "observed.h"
#include "outdir.h"
#include "scenario.h"
#include "tserr.h"
#include "validate.h"

/* The CSVs of `tiersim validate` and of `run --observed` (the run's own are
 * report.h's; the manifest is the command layer's). */

/* validation.csv: one row per observed row, in the file's order --
 *   as_of,tier,measure,observed,period_end,months_off,p05,p25,p50,p75,p95,
 *   pit,inside50,inside90,crps,source
 * (period_end the period end the date was matched to: the month before
 * `start` for the start stock) -- and validation-summary.csv:
 *   statistic,value,lo,hi,expected,n,p_value,note
 * with the rows rows, inside50, inside90, pit_mean, pit_above_half, pit_ks,
 * crps, crps_model_on_naive_rows, crps_naive, skill, wide_bins, verdict and
 * furthest_out (validate.h says what each is). */
int output_validate(outdir *od, const scenario *s, const observed *o, const validate_row *rows,
                    const validate_summary *sum, ts_err *err);

/* observed.csv, for a run's fan charts: as_of,tier,measure,observed,
 * period_end,months_off,source -- validation.csv's first columns. */
int output_observed(outdir *od, const scenario *s, const observed *o, ts_err *err);

/* "srdi stock 2024-06 (PIT 0.998); a new 2025 (PIT 0.012)": the summary's
 * rows furthest out, or "none: every outcome is at a projected median". */
void output_validate_furthest(const scenario *s, const observed *o, const validate_row *rows,
                              const validate_summary *sum, char *buf, size_t len);

/* The observed row's period end as "YYYY-MM". */
void output_validate_period_end(const scenario *s, const observed_row *r, char *buf, size_t len);

#endif
