/* observed.c -- the outcomes a projection is checked against (OBSERVED.csv). */
#include "observed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "history.h"
#include "num.h"

enum { COL_AS_OF, COL_TIER, COL_MEASURE, COL_VALUE, COL_SOURCE, N_COLS };
static const char *const col_names[N_COLS] = {"as_of", "tier", "measure", "value", "source"};
#define N_REQUIRED COL_SOURCE

/* The measures in the order messages list them: levels first. */
static const ts_measure listed[M_COUNT] = {M_STOCK,   M_NEW,     M_CUMULATIVE,
                                           M_INFLOW,  M_PROMOTED_IN, M_EXITS,
                                           M_EXPIRED, M_RENEWED, M_MOVED_IN};

typedef struct {
    int line;          /* the row that gave it, 0 when none */
    int date;
} first_row;

typedef struct {
    const scenario *s;
    observed *o;
    size_t cap;
    int col[N_COLS];   /* field index of each column, -1 when absent */
    int have_header;
    csvr_info info;    /* the file's separator, known before the first row */
    first_row *first;  /* [((year - (start_year - 1)) * n_tiers + tier) * M_COUNT + measure]:
                        * a repeated row found in constant time */
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
        for (int k = 0; k < N_COLS; k++) {
            if (strcmp(name, col_names[k]) != 0)
                continue;
            if (c->col[k] >= 0)
                return ts_errf(err, "%s:%d: column '%s' appears twice", c->o->path, line, name);
            c->col[k] = (int)i;
        }
    }
    for (int k = 0; k < N_REQUIRED; k++)
        if (c->col[k] < 0)
            return ts_errf(err, "%s:%d: missing column '%s' (the header needs "
                           "as_of,tier,measure,value and may have source)", c->o->path, line,
                           col_names[k]);
    c->have_header = 1;
    return 0;
}

static int parse_measure(const char *text, ts_measure *m)
{
    for (int i = 0; i < M_COUNT; i++)
        if (!strcmp(text, engine_measure_names[i])) {
            *m = (ts_measure)i;
            return 0;
        }
    return -1;
}

static int unknown_measure(const char *path, int line, const char *text, ts_err *err)
{
    char list[256] = "";
    size_t used = 0;
    for (int i = 0; i < M_COUNT; i++) {
        const char *sep = i == 0 ? "" : i == M_COUNT - 1 ? " or " : ", ";
        int w = snprintf(list + used, sizeof list - used, "%s%s", sep,
                         engine_measure_names[listed[i]]);
        if (w > 0 && (size_t)w < sizeof list - used)
            used += (size_t)w;
    }
    return ts_errf(err, "%s:%d: unknown measure '%s' (expected %s)", path, line, text, list);
}

/* A count of firms: a whole number 0 .. 2^62 (a spreadsheet may write it
 * 6835.0; it may not write 4,800 or 12.5).  Digits are read exactly; any
 * other form only where a double holds the whole number exactly (below
 * 2^53), so that no count is rounded on the way in. */
static int parse_count(const char *text, int64_t *v)
{
    if (num_parse_int64(text, 0, ENGINE_COUNT_MAX, v) == 0)
        return 0;
    double x;
    if (num_parse_double(text, &x) < 0 || x < 0 || x != floor(x) || x > 9007199254740992.0)
        return -1;
    *v = (int64_t)x;
    return 0;
}

/* A count as a spreadsheet writes it, "1,200" (csvr_number's rules).
 * *out = -1 when the text has no ',' (the caller reads it as digits, exactly),
 * else the count; -1 with err when the ',' cannot be read. */
static int read_grouped(const load_ctx *c, int line, const char *text, int64_t *out,
                        ts_err *err)
{
    *out = -1;
    if (!strchr(text, ','))
        return 0;
    double v;
    int rc = csvr_number(&c->info, c->o->path, line, "value", text, &v, err);
    if (rc < 0)
        return -1;
    /* grouped digits are whole and far below 2^53 where they are firms */
    if (rc == 0 && v >= 0 && v <= 4611686018427387904.0 && v == (double)(int64_t)v)
        *out = (int64_t)v;
    return 0;
}

static int on_row(void *vctx, int line, char *const *fields, size_t n, ts_err *err)
{
    load_ctx *c = vctx;
    const scenario *s = c->s;
    const char *path = c->o->path;
    if (!c->have_header)
        return read_header(c, line, fields, n, err);
    int need = 0;
    for (int k = 0; k < N_REQUIRED; k++)
        if (c->col[k] + 1 > need)
            need = c->col[k] + 1;
    if ((size_t)need > n)
        return ts_errf(err, "%s:%d: expected at least %d fields, got %zu", path, line, need, n);
    observed_row r;
    memset(&r, 0, sizeof r);
    r.line = line;
    const char *date = trim(fields[c->col[COL_AS_OF]]);
    /* The start is the period end of the update before start_year. */
    int lo = s->start_year - 1;
    history_date hd;
    if (history_read_date(s, lo, s->end_year, date, path, line, "as_of", "observed", &hd,
                          err) < 0)
        return -1;
    r.year = hd.year;
    r.date = hd.date;
    r.months_off = hd.months_off;
    snprintf(r.as_of, sizeof r.as_of, "%s", date);   /* a date that parsed: at most 7 bytes */
    const char *tier = trim(fields[c->col[COL_TIER]]);
    long k = scenario_find_tier(s, tier);
    if (k < 0)
        return ts_errf(err, "%s:%d: unknown tier '%s'", path, line, tier);
    r.tier = (size_t)k;
    const char *measure = trim(fields[c->col[COL_MEASURE]]);
    if (parse_measure(measure, &r.measure) < 0)
        return unknown_measure(path, line, measure, err);
    if ((r.measure == M_EXPIRED || r.measure == M_RENEWED) && !s->tiers[k].validity)
        return ts_errf(err, "%s:%d: tier '%s' has no validity, so nothing %s: its certificates "
                       "are never re-reviewed", path, line, tier, measure);
    if (r.year == lo && r.measure != M_STOCK) {
        char start[16];
        scenario_month_format(scenario_period_end(s, lo), start, sizeof start);
        return ts_errf(err, "%s:%d: %s falls on the start (%s), where only a stock can be "
                       "observed, not '%s'", path, line, date, start, measure);
    }
    const char *value = trim(fields[c->col[COL_VALUE]]);
    if (read_grouped(c, line, value, &r.value, err) < 0)
        return -1;
    if (r.value < 0 && parse_count(value, &r.value) < 0)
        return ts_errf(err, "%s:%d: value: expected a whole number of firms from 0 to 2^62, "
                       "got '%s'", path, line, value);
    if (!c->first) {
        size_t n_years = (size_t)(s->end_year - lo + 1);
        c->first = calloc(n_years * s->n_tiers * M_COUNT, sizeof *c->first);
        if (!c->first)
            return ts_errf(err, "%s: out of memory", path);
    }
    first_row *first =
        &c->first[((size_t)(r.year - lo) * s->n_tiers + r.tier) * M_COUNT + r.measure];
    if (first->line && first->date == r.date)
        return ts_errf(err, "%s:%d: %s %s %s is given twice (first at line %d)", path, line,
                       date, s->tiers[r.tier].name, measure, first->line);
    if (first->line) {
        char a[16], pe[16];
        scenario_month_format(first->date, a, sizeof a);
        scenario_month_format(r.date - r.months_off, pe, sizeof pe);
        return ts_errf(err, "%s:%d: %s %s %s and line %d's %s fall on the same period end %s "
                       "(one row per period)", path, line, date, s->tiers[r.tier].name, measure,
                       first->line, a, pe);
    }
    const char *source = c->col[COL_SOURCE] >= 0 && (size_t)c->col[COL_SOURCE] < n
                             ? trim(fields[c->col[COL_SOURCE]])
                             : "";
    if (c->o->n_rows == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 32;
        observed_row *p = realloc(c->o->rows, ncap * sizeof *p);
        if (!p)
            return ts_errf(err, "%s: out of memory", path);
        c->o->rows = p;
        c->cap = ncap;
    }
    if (!(r.source = strdup(source)))
        return ts_errf(err, "%s: out of memory", path);
    first->line = line;
    first->date = r.date;
    c->o->rows[c->o->n_rows++] = r;
    return 0;
}

static int observed_read(observed **out, const char *name, const char *data, size_t len,
                         const scenario *s, ts_err *err)
{
    *out = NULL;
    observed *o = calloc(1, sizeof *o);
    if (!o || !(o->path = strdup(name))) {
        free(o);
        return ts_errf(err, "%s: out of memory", name);
    }
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.o = o;
    int rc = data ? csvr_read_mem_info(name, data, len, on_row, &c, &c.info, err)
                  : csvr_read_info(name, on_row, &c, &c.info, err);
    o->gb18030 = c.info.gb18030;
    free(c.first);
    if (rc == 0 && !c.have_header)
        rc = ts_errf(err, "%s: empty (expected a header as_of,tier,measure,value)", name);
    else if (rc == 0 && o->n_rows == 0)
        rc = ts_errf(err, "%s: no data rows", name);
    if (rc < 0) {
        observed_free(o);
        return -1;
    }
    *out = o;
    return 0;
}

int observed_load(observed **out, const char *path, const scenario *s, ts_err *err)
{
    return observed_read(out, path, NULL, 0, s, err);
}

int observed_parse_mem(observed **out, const char *name, const char *data, size_t len,
                       const scenario *s, ts_err *err)
{
    return observed_read(out, name, data ? data : "", len, s, err);
}

void observed_free(observed *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n_rows; i++)
        free(o->rows[i].source);
    free(o->rows);
    free(o->path);
    free(o);
}
