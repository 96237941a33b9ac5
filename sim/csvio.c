/* csvio.c -- the CSV tables tiersim reads and writes (libcsv). */
#include "csvio.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csvw {
    FILE *f;
    char *path;
    int first_in_row;
    int failed;
    int saved_errno;
};

csvw *csvw_open(const char *path, ts_err *err)
{
    csvw *w = calloc(1, sizeof *w);
    size_t n = strlen(path) + 1;
    if (!w || !(w->path = malloc(n))) {
        free(w);
        ts_errf(err, "%s: out of memory", path);
        return NULL;
    }
    memcpy(w->path, path, n);
    w->f = fopen(path, "w");
    if (!w->f) {
        ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
        free(w->path);
        free(w);
        return NULL;
    }
    w->first_in_row = 1;
    return w;
}

static void note(csvw *w, int ok)
{
    if (!ok && !w->failed) {
        w->failed = 1;
        w->saved_errno = errno;
    }
}

static void sep(csvw *w)
{
    if (!w->first_in_row)
        note(w, fputc(',', w->f) != EOF);
    w->first_in_row = 0;
}

void csvw_str(csvw *w, const char *s)
{
    sep(w);
    size_t n = strlen(s);
    int quote = n > 0 && (strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[n - 1] == ' ');
    if (quote)
        note(w, csv_fwrite(w->f, s, n) == 0);
    else
        note(w, fwrite(s, 1, n, w->f) == n);
}

void csvw_int(csvw *w, int64_t v)
{
    sep(w);
    note(w, fprintf(w->f, "%" PRId64, v) > 0);
}

void csvw_num(csvw *w, double v)
{
    sep(w);
    if (isfinite(v))
        note(w, fprintf(w->f, "%.10g", v == 0.0 ? 0.0 : v) > 0);
}

void csvw_prob(csvw *w, double p)
{
    sep(w);
    if (isfinite(p))
        note(w, fprintf(w->f, "%.6f", p) > 0);
}

void csvw_end_row(csvw *w)
{
    note(w, fputc('\n', w->f) != EOF);
    w->first_in_row = 1;
}

int csvw_close(csvw *w, ts_err *err)
{
    if (!w)
        return 0;
    note(w, fflush(w->f) == 0);
    note(w, !ferror(w->f));
    note(w, fclose(w->f) == 0);
    int rc = 0;
    if (w->failed)
        rc = ts_errf(err, "%s: write failed: %s", w->path,
                     w->saved_errno ? strerror(w->saved_errno) : "I/O error");
    free(w->path);
    free(w);
    return rc;
}
