/* csvio.c -- the CSV tables tiersim reads and writes (libcsv). */
#include "csvio.h"
#include "num.h"
#include "textin.h"

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

/* ---------------------------------------------------------------- reading */

#define CSV_BYTES_MAX (64L << 20)
#define CSV_FIELDS_MAX 256

typedef struct {
    char *fields[CSV_FIELDS_MAX];
    size_t n;
    int too_many;
    int line;
    int failed;
    csvr_row_fn row;
    void *ctx;
    ts_err *err;
    const char *path;
} reader_state;

static void reader_clear(reader_state *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->fields[i]);
    st->n = 0;
    st->too_many = 0;
}

/* A field as libcsv hands it (not NUL-terminated), copied; NULL when out of
 * memory. */
static char *field_dup(const void *s, size_t len)
{
    char *f = malloc(len + 1);
    if (f) {
        if (len)
            memcpy(f, s, len);
        f[len] = '\0';
    }
    return f;
}

static void on_field(void *s, size_t len, void *data)
{
    reader_state *st = data;
    if (st->failed)
        return;
    if (st->n == CSV_FIELDS_MAX) {
        st->too_many = 1;
        return;
    }
    char *f = field_dup(s, len);
    if (!f) {
        st->failed = 1;
        ts_errf(st->err, "%s: out of memory", st->path);
        return;
    }
    st->fields[st->n++] = f;
}

static void on_row(int c, void *data)
{
    (void)c;
    reader_state *st = data;
    if (!st->failed && st->too_many) {
        st->failed = 1;
        ts_errf(st->err, "%s:%d: more than %d fields", st->path, st->line, CSV_FIELDS_MAX);
    }
    if (!st->failed && st->row(st->ctx, st->line, st->fields, st->n, st->err) < 0)
        st->failed = 1;
    reader_clear(st);
}

char *csvio_read_file(const char *path, size_t *len, ts_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ts_errf(err, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int too_big = 0;
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        if (n > (size_t)CSV_BYTES_MAX) {
            too_big = 1;
            break;
        }
        char *b = realloc(buf, 2 * cap);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    int bad = ferror(f), why = errno;
    fclose(f);
    if (!buf) {
        ts_errf(err, "%s: out of memory", path);
        return NULL;
    }
    if (too_big) {
        free(buf);
        ts_errf(err, "%s: larger than %ld bytes", path, CSV_BYTES_MAX);
        return NULL;
    }
    if (bad) {
        free(buf);
        ts_errf(err, "%s: cannot read: %s", path, why ? strerror(why) : "read error");
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static const char *sep_name(char c)
{
    return c == ',' ? "','" : c == ';' ? "';'" : "tab";
}

/* The separator of a decoded table: the one of ',', ';' and tab that its
 * header line, the first that is not blank, has outside quotes (a quoted
 * name may hold anything, a line break too). */
static int find_sep(const char *name, const char *text, size_t len, char *sep, ts_err *err)
{
    static const char cands[3] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0}, i = 0;
    int line = 1;
    for (;;) {
        size_t j = i + strspn(text + i, " \t\r");
        if (j >= len || text[j] != '\n')
            break;
        i = j + 1;
        line++;
    }
    for (int quoted = 0; i < len && (quoted || text[i] != '\n'); i++) {
        if (text[i] == '"')
            quoted = !quoted;
        for (int k = 0; k < 3 && !quoted; k++)
            count[k] += text[i] == cands[k];
    }
    int first = -1;
    for (int k = 0; k < 3; k++) {
        if (!count[k])
            continue;
        if (first >= 0)
            return ts_errf(err, "%s:%d: the header has both %s and %s outside quotes: which "
                           "separates the columns? save it with one of them", name, line,
                           sep_name(cands[first]), sep_name(cands[k]));
        first = k;
    }
    *sep = first >= 0 ? cands[first] : ',';
    return 0;
}

/* A table's bytes as the readers parse them: UTF-8 (textin_decode), with the
 * separator of its header.  *text is NUL-terminated; free() it. */
static int decode_table(const char *name, const char *data, size_t len, char **text,
                        size_t *n, csvr_info *info, ts_err *err)
{
    if (textin_decode(name, data, len, text, n, &info->gb18030, err) < 0)
        return -1;
    if (find_sep(name, *text, *n, &info->sep, err) < 0) {
        free(*text);
        *text = NULL;
        return -1;
    }
    return 0;
}

int csvr_read_mem(const char *name, const char *data, size_t len, csvr_row_fn row, void *ctx,
                  ts_err *err)
{
    return csvr_read_mem_info(name, data, len, row, ctx, NULL, err);
}

int csvr_read_mem_info(const char *name, const char *data, size_t len, csvr_row_fn row,
                       void *ctx, csvr_info *info, ts_err *err)
{
    if (len > (size_t)CSV_BYTES_MAX)
        return ts_errf(err, "%s: larger than %ld bytes", name, CSV_BYTES_MAX);
    csvr_info mine;
    if (!info)
        info = &mine;
    char *text;
    if (decode_table(name, data, len, &text, &len, info, err) < 0)
        return -1;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(text);
        return ts_errf(err, "%s: out of memory", name);
    }
    csv_set_delim(&p, (unsigned char)info->sep);
    reader_state st;
    memset(&st, 0, sizeof st);
    st.row = row;
    st.ctx = ctx;
    st.err = err;
    st.path = name;
    /* Fed one physical line at a time, so that every row knows its line.
     * (Decoding left the lines where they were: textin.h.) */
    const char *s = text, *end = text + len;
    int rc = 0;
    while (!st.failed && s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
        const char *next = s + n;
        st.line++; /* at most CSV_BYTES_MAX lines: no overflow */
        if (csv_parse(&p, s, n, on_field, on_row, &st) != n) {
            rc = ts_errf(err, "%s:%d: malformed CSV (%s)", name, st.line,
                         csv_strerror(csv_error(&p)));
            break;
        }
        s = next;
    }
    if (rc == 0 && !st.failed && csv_fini(&p, on_field, on_row, &st) != 0)
        rc = ts_errf(err, "%s:%d: malformed CSV (%s)", name, st.line,
                     csv_strerror(csv_error(&p)));
    if (st.failed)
        rc = -1;
    reader_clear(&st);
    csv_free(&p);
    free(text);
    return rc;
}

int csvr_read(const char *path, csvr_row_fn row, void *ctx, ts_err *err)
{
    return csvr_read_info(path, row, ctx, NULL, err);
}

int csvr_read_info(const char *path, csvr_row_fn row, void *ctx, csvr_info *info, ts_err *err)
{
    size_t len;
    char *buf = csvio_read_file(path, &len, err);
    if (!buf)
        return -1;
    int rc = csvr_read_mem_info(path, buf, len, row, ctx, info, err);
    free(buf);
    return rc;
}

/* ---------------------------------------------------------------- reading */

typedef struct {
    char **f;
    size_t n;
    int line;
} csvt_row;

struct csvt {
    char *path;
    csvt_row *rows;     /* rows[0] is the header */
    size_t n_rows, cap_rows;
    size_t cap_fields;  /* of the last row */
    int line;           /* line being parsed */
    int in_row;
    int oom;
    int gb18030;        /* read as GB18030 */
};

static void csvt_on_field(void *s, size_t len, void *data)
{
    csvt *t = data;
    if (t->oom)
        return;
    if (!t->in_row) {
        if (t->n_rows == t->cap_rows) {
            size_t cap = t->cap_rows ? 2 * t->cap_rows : 64;
            csvt_row *r = realloc(t->rows, cap * sizeof *r);
            if (!r) {
                t->oom = 1;
                return;
            }
            t->rows = r;
            t->cap_rows = cap;
        }
        t->rows[t->n_rows] = (csvt_row){NULL, 0, t->line};
        t->n_rows++;
        t->cap_fields = 0;
        t->in_row = 1;
    }
    csvt_row *r = &t->rows[t->n_rows - 1];
    if (r->n == t->cap_fields) {
        size_t cap = t->cap_fields ? 2 * t->cap_fields : 16;
        char **f = realloc(r->f, cap * sizeof *f);
        if (!f) {
            t->oom = 1;
            return;
        }
        r->f = f;
        t->cap_fields = cap;
    }
    char *copy = field_dup(s, len);
    if (!copy) {
        t->oom = 1;
        return;
    }
    r->f[r->n++] = copy;
}

static void csvt_on_row(int c, void *data)
{
    (void)c;
    csvt *t = data;
    t->in_row = 0;
}

void csvt_free(csvt *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_rows; i++) {
        for (size_t j = 0; j < t->rows[i].n; j++)
            free(t->rows[i].f[j]);
        free(t->rows[i].f);
    }
    free(t->rows);
    free(t->path);
    free(t);
}

csvt *csvt_read(const char *path, ts_err *err)
{
    size_t len;
    char *raw = csvio_read_file(path, &len, err);
    if (!raw)
        return NULL;
    char *buf;
    csvr_info info;
    int decoded = decode_table(path, raw, len, &buf, &len, &info, err);
    free(raw);
    if (decoded < 0)
        return NULL;
    csvt *t = calloc(1, sizeof *t);
    size_t pn = strlen(path) + 1;
    if (!t || !(t->path = malloc(pn))) {
        free(t);
        free(buf);
        ts_errf(err, "%s: out of memory", path);
        return NULL;
    }
    memcpy(t->path, path, pn);
    t->gb18030 = info.gb18030;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(buf);
        csvt_free(t);
        ts_errf(err, "%s: out of memory", path);
        return NULL;
    }
    csv_set_delim(&p, (unsigned char)info.sep);
    const char *s = buf, *end = buf + len;
    /* Fed a line at a time, so that each row knows the line it starts on. */
    t->line = 1;
    int failed = 0;
    while (s < end && !failed) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
        if (csv_parse(&p, s, n, csvt_on_field, csvt_on_row, t) != n)
            failed = 1;
        s += n;
        if (!failed)
            t->line++;
    }
    /* At the end a quote left open is the last line's, not the one after. */
    if (!failed && csv_fini(&p, csvt_on_field, csvt_on_row, t) != 0) {
        failed = 1;
        t->line -= t->line > 1;
    }
    if (failed)
        ts_errf(err, "%s:%d: malformed CSV (%s)", path, t->line, csv_strerror(csv_error(&p)));
    csv_free(&p);
    free(buf);
    if (!failed && t->oom)
        failed = ts_errf(err, "%s: out of memory", path);
    if (!failed && t->n_rows == 0)
        failed = ts_errf(err, "%s: empty (expected a header row)", path);
    if (failed) {
        csvt_free(t);
        return NULL;
    }
    return t;
}

const char *csvt_path(const csvt *t)
{
    return t->path;
}

size_t csvt_rows(const csvt *t)
{
    return t->n_rows - 1;
}

size_t csvt_cols(const csvt *t)
{
    return t->rows[0].n;
}

const char *csvt_header(const csvt *t, long col)
{
    return col >= 0 && (size_t)col < t->rows[0].n ? t->rows[0].f[col] : "";
}

long csvt_col(const csvt *t, const char *name, ts_err *err)
{
    for (size_t j = 0; j < t->rows[0].n; j++)
        if (!strcmp(t->rows[0].f[j], name))
            return (long)j;
    ts_errf(err, "%s: missing column '%s'", t->path, name);
    return -1;
}

const char *csvt_field(const csvt *t, size_t row, long col)
{
    const csvt_row *r = &t->rows[row + 1];
    return col >= 0 && (size_t)col < r->n ? r->f[col] : "";
}

int csvt_gb18030(const csvt *t)
{
    return t->gb18030;
}

int csvt_line(const csvt *t, size_t row)
{
    return t->rows[row + 1].line;
}

int csvt_num(const csvt *t, size_t row, long col, int allow_empty, double *out, ts_err *err)
{
    const char *s = csvt_field(t, row, col);
    if (allow_empty && s[0] == '\0') {
        *out = NAN;
        return 0;
    }
    if (num_parse_double(s, out) < 0)
        return ts_errf(err, "%s:%d: column '%s': expected a number, got '%s'", t->path,
                       csvt_line(t, row), csvt_header(t, col), s);
    return 0;
}

int csvr_number(const csvr_info *info, const char *path, int line, const char *col,
                const char *text, double *out, ts_err *err)
{
    if (info->sep == ';' && strchr(text, ','))
        return ts_errf(err, "%s:%d: %s: '%s' has a ',' in a file separated by ';': a decimal "
                       "comma or a thousands separator? write it with '.' for decimals and no ','",
                       path, line, col, text);
    int rc = textin_number(text, out);
    if (rc == TEXTIN_BAD_GROUPING)
        return ts_errf(err, "%s:%d: %s: '%s': ',' separates thousands in groups of three digits "
                       "(1,200); write the number without it", path, line, col, text);
    return rc == 0 ? 0 : 1;
}
