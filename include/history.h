#ifndef TIERSIM_HISTORY_H
#define TIERSIM_HISTORY_H

#include <stddef.h>

#include "scenario.h"
#include "tserr.h"

/* Observed history for calibration: HISTORY.csv with the columns
 * year,tier,measure,value[,sd][,source] (named by the header, in any order;
 * other columns are ignored; the date column may be named `as_of` instead of
 * `year`).
 *
 * Dates.  A row is dated `YYYY-MM`, or `YYYY`, which means YYYY-12: the
 * date of the level it reports, or the end of the period its count covers.
 * It is matched to the nearest period end of an update year
 * (scenario_period_end: for start = 2022-07, update 2022 ends 2023-06; for
 * the default January start, update Y ends YYYY-12, so a bare year is that
 * update year, as it always was); a tie goes to the later period end.  The
 * update years a history may hold run from start_year - HISTORY_YEARS_BEFORE
 * to end_year, and a date more than six months from all their period ends is
 * refused.  Update year start_year - 1 ends in the month before `start`: a
 * stock dated there is the start stock.  A date after the scenario's
 * known_until is refused: later outcomes are for `tiersim validate`.
 *
 * Measures: `stock` (the level at the date), `new` (entries during the
 * update year: inflow and promotions in), `exits`, `expired` and `renewed`
 * (the re-review of a tier with validity), `moved_in` (firms an event moved
 * in, and expired firms arriving through expire_to), all during the update
 * year, and `cumulative` (the level cumulative_start + entries since the
 * start).  sd is optional: empty or absent means Poisson-like,
 * sqrt(max(value, 1)). */

typedef enum {
    HIST_STOCK = 0,
    HIST_NEW,
    HIST_EXITS,
    HIST_EXPIRED,
    HIST_RENEWED,
    HIST_MOVED_IN,
    HIST_CUMULATIVE,
    HIST_MEASURES
} hist_measure;

extern const char *const history_measure_names[HIST_MEASURES];

/* Years a history may hold, relative to the scenario. */
#define HISTORY_YEARS_BEFORE 30
/* How far a date may be from the period end it is matched to. */
#define HISTORY_MONTHS_OFF_MAX 6

typedef struct {
    int year;              /* the update year matched (start_year - 1: the start) */
    int date;              /* the date as written, year * 12 + month - 1 (YYYY: month 12) */
    int months_off;        /* date - period end of `year`: -6 .. 6 */
    size_t tier;
    hist_measure measure;
    double value;
    double sd;
    int sd_given;
    int line;
} history_row;

typedef struct history {
    char *path;
    history_row *rows;
    size_t n_rows;
    int gb18030;           /* the file was not UTF-8 and was read as GB18030 */
} history;

/* A date of a history or observed row (observed.h reads its dates here too,
 * so that both files mean the same by a date). */
typedef struct {
    int year;              /* the update year matched */
    int date;              /* as written, year * 12 + month - 1 (YYYY: month 12) */
    int months_off;        /* date - period end of `year`: -6 .. 6 */
} history_date;

/* TEXT as a date `YYYY-MM` or `YYYY` (December) matched to the nearest
 * period end of the update years lo .. hi, a tie going to the later one;
 * more than HISTORY_MONTHS_OFF_MAX months from all of them is refused.
 * Errors name PATH:LINE:
 *   "COLUMN: expected a date YYYY-MM or a year YYYY, got 'TEXT'"
 *   "TEXT is N months from the nearest period end (PE); KIND dates run from
 *    A to B (six months around the period ends of the update years LO .. HI)"
 * (with lo = start_year - 1, "around the start, PE, and the period ends of
 * the update years LO+1 .. HI"). */
int history_read_date(const scenario *s, int lo, int hi, const char *text, const char *path,
                      int line, const char *column, const char *kind, history_date *d,
                      ts_err *err);

/* Reads and checks PATH against the scenario's tiers, years and known_until.
 * Errors name the file and line: "FILE:LINE: unknown tier 'x'".  The file is
 * decoded and separated as csvio.h says (UTF-8 or GB18030; ',', ';' or tab);
 * value and sd may group thousands, "1,200", except in a ';' file. */
int history_load(history **out, const char *path, const scenario *s, ts_err *err);
/* The same from LEN bytes in memory; `name` stands for the file in messages. */
int history_parse_mem(history **out, const char *name, const char *data, size_t len,
                      const scenario *s, ts_err *err);
void history_free(history *h);   /* NULL is a no-op */

#endif
