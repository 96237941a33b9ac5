#ifndef TIERSIM_OBSERVED_H
#define TIERSIM_OBSERVED_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "scenario.h"
#include "tserr.h"

/* What happened: OBSERVED.csv for `tiersim validate` (and `run --observed`),
 * with the columns as_of,tier,measure,value[,source] (named by the header,
 * in any order; other columns are ignored).
 *
 * Dates are read by history_read_date (history.h), so they mean what a
 * history's dates mean: `YYYY-MM`, or `YYYY` for YYYY-12, matched to the
 * nearest period end (ties to the later), at most six months away.  The
 * period ends an observation may fall on are the start (the month before
 * `start`: the start stock) and those of the update years start_year ..
 * end_year.  Unlike a history's, an observed date may be after known_until:
 * observations are the outcomes the scenario did not know.
 *
 * Measures are the engine's (engine_measure_names): the levels `stock`,
 * `new` (entries since the start) and `cumulative`, and the counts during
 * the update year `inflow`, `promoted_in`, `exits`, `expired`, `renewed`,
 * `moved_in`.  At the start only a stock can be observed.  A value is a
 * whole number of firms, 0 .. 2^62.  One row per tier, measure and period
 * end. */

typedef struct {
    int year;              /* the update year matched; start_year - 1: the start stock */
    int date;              /* as written, year * 12 + month - 1 */
    int months_off;        /* date - the period end of `year`: -6 .. 6 */
    char as_of[8];         /* the date as written: "2024-06" or "2024" */
    size_t tier;
    ts_measure measure;
    int64_t value;
    char *source;          /* the source column, "" without one */
    int line;
} observed_row;

typedef struct observed {
    char *path;
    observed_row *rows;    /* in file order */
    size_t n_rows;
    int gb18030;           /* the file was not UTF-8 and was read as GB18030 */
} observed;

/* Reads and checks PATH against the scenario's tiers and years; every error
 * names the file and line ("FILE:LINE: unknown tier 'x'"). */
int observed_load(observed **out, const char *path, const scenario *s, ts_err *err);
/* The same from LEN bytes in memory; `name` stands for the file in messages. */
int observed_parse_mem(observed **out, const char *name, const char *data, size_t len,
                       const scenario *s, ts_err *err);
void observed_free(observed *o);    /* NULL is a no-op */

#endif
