#ifndef TIERSIM_CSVIO_H
#define TIERSIM_CSVIO_H

#include <stdint.h>

#include "tserr.h"

/* Plain CSV tables (one header row, comma separated, '\n' line ends, UTF-8),
 * readable as they are by Excel, R and pandas.  Text fields are quoted with
 * libcsv only when they need it; numbers never are.  Every write is checked:
 * csvw_close reports the first failure (a full disk, say). */

typedef struct csvw csvw;

csvw *csvw_open(const char *path, ts_err *err);
void csvw_str(csvw *w, const char *s);
void csvw_int(csvw *w, int64_t v);
void csvw_num(csvw *w, double v);    /* %.10g; NaN and infinities as an empty field */
void csvw_prob(csvw *w, double p);   /* %.6f */
void csvw_end_row(csvw *w);
/* Closes the file; -1 with err naming the file when any write failed. */
int csvw_close(csvw *w, ts_err *err);

#endif
