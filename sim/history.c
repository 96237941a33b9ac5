/* history.c -- the observed history a calibration is fitted to. */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "num.h"

const char *const history_measure_names[HIST_MEASURES] = {"stock", "new", "exits"};

enum { COL_YEAR, COL_TIER, COL_MEASURE, COL_VALUE, COL_SD, N_COLS };
static const char *const col_names[N_COLS] = {"year", "tier", "measure", "value", "sd"};

typedef struct {
    const scenario *s;
    history *h;
    size_t cap;
    int col[N_COLS];   /* field index of each column, -1 when absent */
    int have_header;
    int *first_line;   /* [((year - first year) * n_tiers + tier) * HIST_MEASURES + measure]:
                        * the line that gave it, 0 when none (a row is looked up
                        * in constant time, so a long file cannot take quadratic time) */
} load_ctx;

static const char *trim(char *f)
{
    while (*f == ' ' || *f == '\t')
        f++;
    size_t n = strlen(f);
    while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t' || f[n - 1] == '\r'))
        f[--n] = '\0';
    return f;
}

static int read_header(load_ctx *c, int line, char *const *fields, size_t n, ts_err *err)
{
    for (int k = 0; k < N_COLS; k++)
        c->col[k] = -1;
    for (size_t i = 0; i < n; i++) {
        const char *name = trim(fields[i]);
        for (int k = 0; k < N_COLS; k++)
            if (!strcmp(name, col_names[k])) {
                if (c->col[k] >= 0)
                    return ts_errf(err, "%s:%d: column '%s' appears twice", c->h->path, line,
                                   name);
                c->col[k] = (int)i;
            }
    }
    for (int k = 0; k < COL_SD; k++)
        if (c->col[k] < 0)
            return ts_errf(err, "%s:%d: missing column '%s' (the header needs "
                           "year,tier,measure,value and may have sd, source)", c->h->path, line,
                           col_names[k]);
    c->have_header = 1;
    return 0;
}

static int on_row(void *vctx, int line, char *const *fields, size_t n, ts_err *err)
{
    load_ctx *c = vctx;
    const scenario *s = c->s;
    const char *path = c->h->path;
    if (!c->have_header)
        return read_header(c, line, fields, n, err);
    /* The row needs every required column: say how many that is, not just
     * where the first one missing sits. */
    int need = 0;
    for (int k = 0; k < COL_SD; k++)
        if (c->col[k] + 1 > need)
            need = c->col[k] + 1;
    if ((size_t)need > n)
        return ts_errf(err, "%s:%d: expected at least %d fields, got %zu", path, line, need, n);
    history_row r;
    memset(&r, 0, sizeof r);
    r.line = line;
    const char *year = trim(fields[c->col[COL_YEAR]]);
    int64_t y;
    int lo = s->start_year - HISTORY_YEARS_BEFORE;
    if (num_parse_int64(year, 1000, 9999, &y) < 0)
        return ts_errf(err, "%s:%d: year: expected a year, got '%s'", path, line, year);
    if (y < lo || y > s->end_year)
        return ts_errf(err, "%s:%d: year %d is outside the scenario's years (%d .. %d)", path,
                       line, (int)y, lo, s->end_year);
    r.year = (int)y;
    const char *tier = trim(fields[c->col[COL_TIER]]);
    long k = scenario_find_tier(s, tier);
    if (k < 0)
        return ts_errf(err, "%s:%d: unknown tier '%s'", path, line, tier);
    r.tier = (size_t)k;
    const char *measure = trim(fields[c->col[COL_MEASURE]]);
    int m;
    for (m = 0; m < HIST_MEASURES; m++)
        if (!strcmp(measure, history_measure_names[m]))
            break;
    if (m == HIST_MEASURES)
        return ts_errf(err, "%s:%d: unknown measure '%s' (expected stock, new or exits)", path,
                       line, measure);
    r.measure = (hist_measure)m;
    const char *value = trim(fields[c->col[COL_VALUE]]);
    if (num_parse_double(value, &r.value) < 0 || r.value < 0)
        return ts_errf(err, "%s:%d: value: expected a number of firms >= 0, got '%s'", path, line,
                       value);
    const char *sd = c->col[COL_SD] >= 0 && (size_t)c->col[COL_SD] < n
                         ? trim(fields[c->col[COL_SD]])
                         : "";
    if (sd[0]) {
        if (num_parse_double(sd, &r.sd) < 0 || !(r.sd > 0))
            return ts_errf(err, "%s:%d: sd: expected a number above 0, got '%s'", path, line, sd);
        r.sd_given = 1;
    } else {
        /* Poisson-like: a count's sd is about its square root. */
        r.sd = sqrt(r.value > 1.0 ? r.value : 1.0);
    }
    if (!c->first_line) {
        size_t n_years = (size_t)(s->end_year - lo + 1);
        c->first_line = calloc(n_years * s->n_tiers * HIST_MEASURES, sizeof *c->first_line);
        if (!c->first_line)
            return ts_errf(err, "%s: out of memory", path);
    }
    int *first = &c->first_line[((size_t)(r.year - lo) * s->n_tiers + r.tier) * HIST_MEASURES +
                                r.measure];
    if (*first)
        return ts_errf(err, "%s:%d: %d %s %s is given twice (first at line %d)", path, line,
                       r.year, s->tiers[r.tier].name, measure, *first);
    *first = line;
    if (c->h->n_rows == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 32;
        history_row *p = realloc(c->h->rows, ncap * sizeof *p);
        if (!p)
            return ts_errf(err, "%s: out of memory", path);
        c->h->rows = p;
        c->cap = ncap;
    }
    c->h->rows[c->h->n_rows++] = r;
    return 0;
}

/* Reads the table (from the file `name`, or from `data` when it is not NULL)
 * into a new history. */
static int history_read(history **out, const char *name, const char *data, size_t len,
                        const scenario *s, ts_err *err)
{
    *out = NULL;
    history *h = calloc(1, sizeof *h);
    size_t n = strlen(name) + 1;
    if (!h || !(h->path = malloc(n))) {
        free(h);
        return ts_errf(err, "%s: out of memory", name);
    }
    memcpy(h->path, name, n);
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.h = h;
    int rc = data ? csvr_read_mem(name, data, len, on_row, &c, err)
                  : csvr_read(name, on_row, &c, err);
    free(c.first_line);
    if (rc < 0) {
        history_free(h);
        return -1;
    }
    if (!c.have_header) {
        history_free(h);
        return ts_errf(err, "%s: empty (expected a header year,tier,measure,value)", name);
    }
    if (h->n_rows == 0) {
        history_free(h);
        return ts_errf(err, "%s: no data rows", name);
    }
    *out = h;
    return 0;
}

int history_load(history **out, const char *path, const scenario *s, ts_err *err)
{
    return history_read(out, path, NULL, 0, s, err);
}

int history_parse_mem(history **out, const char *name, const char *data, size_t len,
                      const scenario *s, ts_err *err)
{
    return history_read(out, name, data ? data : "", len, s, err);
}

void history_free(history *h)
{
    if (!h)
        return;
    free(h->rows);
    free(h->path);
    free(h);
}
