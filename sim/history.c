/* history.c -- the observed history a calibration is fitted to. */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "num.h"

const char *const history_measure_names[HIST_MEASURES] = {
    "stock", "new", "exits", "expired", "renewed", "moved_in", "cumulative"};

enum { COL_YEAR, COL_TIER, COL_MEASURE, COL_VALUE, COL_SD, N_COLS };
static const char *const col_names[N_COLS] = {"year", "tier", "measure", "value", "sd"};
/* The date column's other name (DESIGN.md's observed files call it so). */
static const char as_of[] = "as_of";

typedef struct {
    int line;          /* the line that gave it, 0 when none */
    int date;
} first_row;

typedef struct {
    const scenario *s;
    history *h;
    size_t cap;
    int col[N_COLS];   /* field index of each column, -1 when absent */
    const char *date_name; /* the date column's name as the header gives it */
    int have_header;
    first_row *first;  /* [((year - first year) * n_tiers + tier) * HIST_MEASURES + measure]
                        * (a row is looked up in constant time, so a long file
                        * cannot take quadratic time) */
    csvr_info info;    /* the file's separator, known before the first row */
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
    c->date_name = col_names[COL_YEAR];
    for (size_t i = 0; i < n; i++) {
        const char *name = trim(fields[i]);
        for (int k = 0; k < N_COLS; k++) {
            int is_as_of = k == COL_YEAR && !strcmp(name, as_of);
            if (strcmp(name, col_names[k]) != 0 && !is_as_of)
                continue;
            if (c->col[k] >= 0) {
                if (k == COL_YEAR && strcmp(name, c->date_name) != 0)
                    return ts_errf(err, "%s:%d: columns 'year' and 'as_of' both give the date: "
                                   "keep one", c->h->path, line);
                return ts_errf(err, "%s:%d: column '%s' appears twice", c->h->path, line,
                               name);
            }
            c->col[k] = (int)i;
            if (k == COL_YEAR)
                c->date_name = is_as_of ? as_of : col_names[COL_YEAR];
        }
    }
    for (int k = 0; k < COL_SD; k++)
        if (c->col[k] < 0)
            return ts_errf(err, "%s:%d: missing column '%s'%s (the header needs "
                           "year,tier,measure,value and may have sd, source)", c->h->path, line,
                           col_names[k], k == COL_YEAR ? " or 'as_of'" : "");
    c->have_header = 1;
    return 0;
}

/* `YYYY-MM` (two digits of month, 01 .. 12) or `YYYY` (meaning YYYY-12), as
 * a month index year * 12 + month - 1. */
static int parse_date(const char *text, int *ym)
{
    int64_t y;
    size_t n = strlen(text);
    if (n == 7 && text[4] == '-') {
        char year[5];
        memcpy(year, text, 4);
        year[4] = '\0';
        for (size_t i = 0; i < 7; i++)
            if (i != 4 && !(text[i] >= '0' && text[i] <= '9'))
                return -1;
        int month = (text[5] - '0') * 10 + (text[6] - '0');
        if (num_parse_int64(year, 1000, 9999, &y) < 0 || month < 1 || month > 12)
            return -1;
        *ym = (int)y * 12 + month - 1;
        return 0;
    }
    if (num_parse_int64(text, 1000, 9999, &y) < 0)
        return -1;
    *ym = (int)y * 12 + 11;
    return 0;
}

/* Floor division by a positive divisor. */
static int floor_div(int a, int b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The update year (lo .. hi) whose period end is nearest to the month
 * index d, a tie going to the later one; *off = d - its period end.  Period
 * ends are twelve months apart. */
static int match_period(const scenario *s, int lo, int hi, int d, int *off)
{
    int base = scenario_period_end(s, lo);
    int k = floor_div(d - base + HISTORY_MONTHS_OFF_MAX, 12);
    if (k < 0)
        k = 0;
    if (k > hi - lo)
        k = hi - lo;
    *off = d - scenario_period_end(s, lo + k);
    return lo + k;
}

int history_read_date(const scenario *s, int lo, int hi, const char *text, const char *path,
                      int line, const char *column, const char *kind, history_date *d,
                      ts_err *err)
{
    if (parse_date(text, &d->date) < 0)
        return ts_errf(err, "%s:%d: %s: expected a date YYYY-MM or a year YYYY, got '%s'", path,
                       line, column, text);
    d->year = match_period(s, lo, hi, d->date, &d->months_off);
    if (abs(d->months_off) <= HISTORY_MONTHS_OFF_MAX)
        return 0;
    char pe[16], first[16], last[16], window[96];
    scenario_month_format(d->date - d->months_off, pe, sizeof pe);
    scenario_month_format(scenario_period_end(s, lo) - HISTORY_MONTHS_OFF_MAX, first,
                          sizeof first);
    scenario_month_format(scenario_period_end(s, hi) + HISTORY_MONTHS_OFF_MAX, last,
                          sizeof last);
    /* The update before start_year is no update the scenario simulates: its
     * period end is the start, and the message calls it so. */
    if (lo == s->start_year - 1) {
        char start[16];
        scenario_month_format(scenario_period_end(s, lo), start, sizeof start);
        snprintf(window, sizeof window, "the start, %s, and the period ends of the update years "
                 "%d .. %d", start, lo + 1, hi);
    } else {
        snprintf(window, sizeof window, "the period ends of the update years %d .. %d", lo, hi);
    }
    return ts_errf(err, "%s:%d: %s is %d months from the nearest period end (%s); %s dates run "
                   "from %s to %s (six months around %s)", path, line, text, abs(d->months_off),
                   pe, kind, first, last, window);
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
    const char *date = trim(fields[c->col[COL_YEAR]]);
    int lo = s->start_year - HISTORY_YEARS_BEFORE;
    history_date hd;
    if (history_read_date(s, lo, s->end_year, date, path, line, c->date_name, "history", &hd,
                          err) < 0)
        return -1;
    r.year = hd.year;
    r.date = hd.date;
    r.months_off = hd.months_off;
    /* known_until 0 is a scenario built by hand: the default, the start
     * (the month before `start`), as scenario_period_end takes start_month 0
     * for January. */
    int known = s->known_until > 0 ? s->known_until : scenario_period_end(s, s->start_year - 1);
    if (r.date > known) {
        char ku[16];
        scenario_month_format(known, ku, sizeof ku);
        return ts_errf(err, "%s:%d: %s is after known_until %s: later outcomes belong in an "
                       "observed file for `tiersim validate`, not in the history", path, line,
                       date, ku);
    }
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
        return ts_errf(err, "%s:%d: unknown measure '%s' (expected stock, new, exits, expired, "
                       "renewed, moved_in or cumulative)", path, line, measure);
    r.measure = (hist_measure)m;
    if ((r.measure == HIST_EXPIRED || r.measure == HIST_RENEWED) && !s->tiers[k].validity)
        return ts_errf(err, "%s:%d: tier '%s' has no validity, so nothing %s: its certificates "
                       "are never re-reviewed", path, line, tier, measure);
    const char *value = trim(fields[c->col[COL_VALUE]]);
    int num = csvr_number(&c->info, c->h->path, line, "value", value, &r.value, err);
    if (num < 0)
        return -1;
    if (num > 0 || r.value < 0)
        return ts_errf(err, "%s:%d: value: expected a number of firms >= 0, got '%s'", path, line,
                       value);
    const char *sd = c->col[COL_SD] >= 0 && (size_t)c->col[COL_SD] < n
                         ? trim(fields[c->col[COL_SD]])
                         : "";
    if (sd[0]) {
        int sd_num = csvr_number(&c->info, c->h->path, line, "sd", sd, &r.sd, err);
        if (sd_num < 0)
            return -1;
        if (sd_num > 0 || !(r.sd > 0))
            return ts_errf(err, "%s:%d: sd: expected a number above 0, got '%s'", path, line, sd);
        r.sd_given = 1;
    } else {
        /* Poisson-like: a count's sd is about its square root. */
        r.sd = sqrt(r.value > 1.0 ? r.value : 1.0);
    }
    if (!c->first) {
        size_t n_years = (size_t)(s->end_year - lo + 1);
        c->first = calloc(n_years * s->n_tiers * HIST_MEASURES, sizeof *c->first);
        if (!c->first)
            return ts_errf(err, "%s: out of memory", path);
    }
    first_row *first =
        &c->first[((size_t)(r.year - lo) * s->n_tiers + r.tier) * HIST_MEASURES + r.measure];
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
    first->line = line;
    first->date = r.date;
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
    int rc = data ? csvr_read_mem_info(name, data, len, on_row, &c, &c.info, err)
                  : csvr_read_info(name, on_row, &c, &c.info, err);
    free(c.first);
    h->gb18030 = c.info.gb18030;
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
