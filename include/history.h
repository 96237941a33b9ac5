#ifndef TIERSIM_HISTORY_H
#define TIERSIM_HISTORY_H

#include <stddef.h>

#include "scenario.h"
#include "tserr.h"

/* Observed history for calibration: HISTORY.csv with the columns
 * year,tier,measure,value[,sd][,source] (named by the header, in any order;
 * other columns are ignored).  measure is `stock` (the level at the end of
 * that year), `new` (entries during that year: inflow and promotions in) or
 * `exits` (during that year).  sd is optional: empty or absent means
 * Poisson-like, sqrt(max(value, 1)). */

typedef enum { HIST_STOCK = 0, HIST_NEW, HIST_EXITS, HIST_MEASURES } hist_measure;

extern const char *const history_measure_names[HIST_MEASURES];

/* Years a history may hold, relative to the scenario. */
#define HISTORY_YEARS_BEFORE 30

typedef struct {
    int year;
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
} history;

/* Reads and checks PATH against the scenario's tiers and years.  Errors name
 * the file and line: "FILE:LINE: unknown tier 'x'". */
int history_load(history **out, const char *path, const scenario *s, ts_err *err);
/* The same from LEN bytes in memory; `name` stands for the file in messages. */
int history_parse_mem(history **out, const char *name, const char *data, size_t len,
                      const scenario *s, ts_err *err);
void history_free(history *h);   /* NULL is a no-op */

#endif
