/* xlsx.c -- results.xlsx: the tables of an output directory in one workbook.
 *
 * Why the workbook is built from the CSV files already written into the
 * directory (read back with libcsv just before the commit), rather than from
 * the structs each command holds:
 *  - the CSVs are the contract, as they are for the charts and report.html,
 *    which are drawn from the directory's files alone: every number in the
 *    workbook is parsed from the text of the CSV it comes from, so the two
 *    can never disagree, and the CSVs stay byte for byte what they were;
 *  - one call in cli_close serves every command, and a table added later
 *    (a new command's, a new diagnostic) gets its sheet with no code here:
 *    cells are typed by column name, and a column this file does not know
 *    is a number where its text is one;
 *  - the price is reading back a few files of at most a few MiB, once
 *    (README, Outputs: the time it takes for the Qingdao run).
 * The other way -- every writer feeding one table model to both the CSV and
 * the workbook -- would put a second writer beside each of report.c's and
 * output_*.c's, to keep in step by hand. */
#include "xlsx.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "csvio.h"
#include "num.h"
#include "report.h"
#include "zipread.h"

/* ---------------------------------------------------------- the tables */

/* The tables tiersim writes, in the order of their sheets: each command's
 * report card first.  A NULL file marks where the directory's other CSVs go. */
typedef struct {
    const char *file, *sheet, *what;
} known_table;

#define WIDE_SHEET "projection_wide"
#define WIDE_LABEL 24           /* projection_wide's label row wraps beyond this width */

static const known_table known[] = {
    {"targets.csv", "targets", "the report card: P(met) of each target with its 95 % Wilson "
                               "interval, and the targeted count's percentiles in the end year"},
    {"compare.csv", "compare", "P(met) of every target in each arm, and the paired change "
                               "against the first arm"},
    {"goal.csv", "goal", "the lever's value at which the target is met with the probability "
                         "asked for"},
    {"goal_curve.csv", "goal_curve", "P(met) over the lever's range"},
    {"fit.csv", "fit", "the calibration's estimates with their standard errors and 95 % "
                       "intervals"},
    {"fitted.csv", "fitted", "the history against the fitted trajectory, with the residuals"},
    {"tornado.csv", "tornado", "each parameter from its 5th to its 95th percentile, the others "
                               "at their medians"},
    {"tornado_base.csv", "tornado_base", "every parameter at its median"},
    {"sobol.csv", "sobol", "first-order (S1) and total (ST) Sobol indices with 95 % intervals"},
    {"morris.csv", "morris", "Morris elementary effects: mu* and sigma"},
    {"filter.csv", "filter", "Monte Carlo filtering: the parameters of the replications that "
                             "met each target against those that missed it"},
    {"filter_cdf.csv", "filter_cdf", "the two groups' distributions of the most separating "
                                     "parameters, as quantiles"},
    {"split.csv", "split", "the variance of each output split into parameter uncertainty and "
                           "chance"},
    {"sweep.csv", "sweep", "P(met) of every target at each point of the grid"},
    {"p_met_by_year.csv", "p_met_by_year", "the probability that each target's threshold is "
                                           "reached by the end of each update year"},
    {"projection.csv", WIDE_SHEET, "the median (p50) over the replications at the end of each "
                                   "update year: the firms in each tier (stock) and the new "
                                   "firms since the start (new); every measure and percentile "
                                   "is on the sheet projection"},
    {"projection.csv", "projection", "every tier and measure at the end of each update year: "
                                     "mean, sd and percentiles over the replications"},
    {"distribution.csv", "distribution", "each targeted count in the end year, in bins of "
                                         "whole numbers lo ... hi"},
    {NULL, NULL, NULL},
    {"tiers.csv", "tiers", "each tier's label and its stock at the start"},
    {"target_tiers.csv", "target_tiers", "the tiers each target counts (summed) and its label"},
};
#define N_KNOWN (sizeof known / sizeof known[0])
#define ABOUT_SHEET "about"

/* How a column's cells are written. */
typedef enum { K_AUTO, K_TEXT, K_PROB, K_COUNT, K_MEAN, K_2DP, K_N } col_kind;

static const char *const kind_format[K_N] = {
    [K_PROB] = "0.000", [K_COUNT] = "0", [K_MEAN] = "0.0", [K_2DP] = "0.00",
};

static const struct {
    const char *name;
    col_kind kind;
} column_kinds[] = {
    {"tier", K_TEXT}, {"label", K_TEXT}, {"measure", K_TEXT}, {"period_end", K_TEXT},
    {"arm", K_TEXT}, {"parameter", K_TEXT}, {"lever", K_TEXT}, {"output", K_TEXT},
    {"group", K_TEXT}, {"prior", K_TEXT},
    {"p_met", K_PROB}, {"se", K_PROB}, {"ci_lo", K_PROB}, {"ci_hi", K_PROB}, {"delta", K_PROB},
    {"delta_se", K_PROB}, {"prob", K_PROB}, {"share_param", K_PROB}, {"share_param_se", K_PROB},
    {"share_chance", K_PROB}, {"S1", K_PROB}, {"S1_lo", K_PROB}, {"S1_hi", K_PROB},
    {"ST", K_PROB}, {"ST_lo", K_PROB}, {"ST_hi", K_PROB}, {"ks", K_PROB},
    {"year", K_COUNT}, {"p05", K_COUNT}, {"p25", K_COUNT}, {"p50", K_COUNT}, {"p75", K_COUNT},
    {"p95", K_COUNT}, {"needs", K_COUNT}, {"lo", K_COUNT}, {"hi", K_COUNT}, {"count", K_COUNT},
    {"mean", K_MEAN}, {"sd", K_MEAN}, {"baseline_stock", K_MEAN}, {"observed", K_MEAN},
    {"fitted", K_MEAN}, {"residual", K_MEAN}, {"standardized_residual", K_2DP},
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

static col_kind kind_of(const char *column)
{
    for (size_t i = 0; i < sizeof column_kinds / sizeof column_kinds[0]; i++)
        if (!strcmp(column_kinds[i].name, column))
            return column_kinds[i].kind;
    /* sweep.csv's TARGET_p_met and TARGET_se */
    if (ends_with(column, "_p_met") || ends_with(column, "_se"))
        return K_PROB;
    return K_AUTO;
}

/* ------------------------------------------------------------ sheet names */

static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static int name_taken(const char *name, const char *const *taken, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (same_name(name, taken[i]))
            return 1;
    return same_name(name, "History"); /* Excel keeps it for change tracking */
}

void xlsx_sheet_name(const char *base, const char *const *taken, size_t n, char *out)
{
    char stem[XLSX_SHEET_MAX + 1];
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)base; *p && len < XLSX_SHEET_MAX; p++)
        stem[len++] = *p < 0x20 || *p >= 0x7f || strchr("[]:*?/\\", *p) ? '_' : (char)*p;
    stem[len] = '\0';
    if (len == 0)
        memcpy(stem, "table", (len = 5) + 1);
    if (stem[0] == '\'')
        stem[0] = '_';
    if (stem[len - 1] == '\'')
        stem[len - 1] = '_';
    snprintf(out, XLSX_SHEET_MAX + 1, "%s", stem);
    for (unsigned k = 2; name_taken(out, taken, n); k++) {
        char suffix[16];
        int s = snprintf(suffix, sizeof suffix, "~%u", k);
        int keep = (int)len < XLSX_SHEET_MAX - s ? (int)len : XLSX_SHEET_MAX - s;
        snprintf(out, XLSX_SHEET_MAX + 1, "%.*s%s", keep, stem, suffix);
    }
}

/* --------------------------------------------------------------- the plan */

typedef struct {
    char file[256];
    char sheet[XLSX_SHEET_MAX + 1];
    const char *what;           /* NULL: a table this file does not know */
    int wide;                   /* projection_wide, derived from projection.csv */
} sheet_plan;

typedef struct {
    const char *dir;
    char path[4200];            /* DIR/results.xlsx */
    lxw_workbook *wb;
    lxw_format *fmt[K_N];
    lxw_format *title, *head, *wrap, *head_wrap;
    char label[1024];           /* the scenario's, for the title rows */
    char *manifest;             /* manifest.txt, or NULL */
    csvt *tiers;                /* tiers.csv, or NULL */
    csvt *named;                /* target_tiers.csv, or NULL */
    sheet_plan *plan;
    size_t n_plan;
    /* What each sheet should hold, for the check of the file written. */
    size_t *rows, *last_row;    /* rows with a cell; the last such row (0-based) */
    size_t n_sheets;
} book;

static int is_csv(const char *dir, const char *name)
{
    size_t n = strlen(name);
    if (n < 5 || strcmp(name + n - 4, ".csv") != 0 || name[0] == '.' || n >= 256)
        return 0;
    char path[4400];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_plan(book *b, const char *file, const char *sheet, const char *what, int wide)
{
    sheet_plan *p = &b->plan[b->n_plan++];
    snprintf(p->file, sizeof p->file, "%s", file);
    snprintf(p->sheet, sizeof p->sheet, "%s", sheet);
    p->what = what;
    p->wide = wide;
}

/* The sheets, in order.  The directory's other CSVs are sorted by name:
 * readdir's order is the file system's, and the bytes must not depend on it. */
static int make_plan(book *b, ts_err *err)
{
    DIR *d = opendir(b->dir);
    if (!d)
        return ts_errf(err, "%s: cannot read the directory: %s", b->dir, strerror(errno));
    char **others = NULL;
    size_t n_others = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        int mine = 0;
        for (size_t k = 0; k < N_KNOWN; k++)
            mine |= known[k].file && !strcmp(known[k].file, e->d_name);
        if (mine || !is_csv(b->dir, e->d_name))
            continue;
        if (n_others == cap) {
            cap = cap ? 2 * cap : 16;
            char **o = realloc(others, cap * sizeof *o);
            if (!o) {
                rc = ts_errf(err, "out of memory");
                break;
            }
            others = o;
        }
        if (!(others[n_others] = strdup(e->d_name)))
            rc = ts_errf(err, "out of memory");
        else
            n_others++;
    }
    closedir(d);
    if (rc == 0 && n_others)
        qsort(others, n_others, sizeof *others, cmp_str);
    const char **taken = NULL;
    if (rc == 0 && (!(b->plan = calloc(N_KNOWN + n_others, sizeof *b->plan)) ||
                    !(taken = malloc((N_KNOWN + 1 + n_others) * sizeof *taken))))
        rc = ts_errf(err, "out of memory");
    /* Every name of a known sheet is kept from the others, present or not,
     * so that a table's sheet name does not depend on which others exist;
     * so are the names given to the others before it. */
    size_t n_taken = 0;
    for (size_t k = 0; rc == 0 && k < N_KNOWN; k++)
        if (known[k].sheet)
            taken[n_taken++] = known[k].sheet;
    if (rc == 0)
        taken[n_taken++] = ABOUT_SHEET;
    for (size_t k = 0; rc == 0 && k < N_KNOWN; k++) {
        if (!known[k].file) {
            for (size_t i = 0; i < n_others; i++) {
                char base[256], sheet[XLSX_SHEET_MAX + 1];
                snprintf(base, sizeof base, "%.*s", (int)(strlen(others[i]) - 4), others[i]);
                xlsx_sheet_name(base, taken, n_taken, sheet);
                add_plan(b, others[i], sheet, NULL, 0);
                taken[n_taken++] = b->plan[b->n_plan - 1].sheet;
            }
        } else if (is_csv(b->dir, known[k].file)) {
            add_plan(b, known[k].file, known[k].sheet, known[k].what,
                     !strcmp(known[k].sheet, WIDE_SHEET));
        }
    }
    for (size_t i = 0; i < n_others; i++)
        free(others[i]);
    free(others);
    free(taken);
    return rc;
}

/* --------------------------------------------------------------- manifest */

/* The value of KEY in manifest.txt ("" when absent), into buf. */
static const char *manifest_value(const book *b, const char *key, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t k = strlen(key);
    for (const char *line = b->manifest; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        if (n > k + 1 && !strncmp(line, key, k) && line[k] == ':' && line[k + 1] == ' ') {
            snprintf(buf, len, "%.*s", (int)(n - k - 2), line + k + 2);
            break;
        }
        line = nl ? nl + 1 : NULL;
    }
    return buf;
}

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The workbook's creation time: the first day of the month after the
 * scenario's knowledge stops (known_until), when the projection could first
 * be made -- a date of the inputs, so that the bytes do not change with the
 * clock.  libxlsxwriter reads 0 as "now", so the fallback for a manifest
 * without known_until is 1980-01-01, the zip members' own date. */
static time_t created_time(const book *b)
{
    char v[64];
    manifest_value(b, "known_until", v, sizeof v);
    int64_t y, m;
    int64_t t = days_from_civil(1980, 1, 1) * 86400;
    if (strlen(v) == 7 && v[4] == '-') {
        char ys[5], ms[3];
        memcpy(ys, v, 4);
        ys[4] = '\0';
        memcpy(ms, v + 5, 2);
        ms[2] = '\0';
        if (num_parse_int64(ys, 1980, 9999, &y) == 0 && num_parse_int64(ms, 1, 12, &m) == 0 &&
            !(y == 9999 && m == 12))
            t = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * 86400;
    }
    return (time_t)t;
}

/* ------------------------------------------------------------------ cells */

static int lxw_fail(const book *b, const char *sheet, lxw_error e, ts_err *err)
{
    return ts_errf(err, "%s: sheet '%s': %s", b->path, sheet, lxw_strerror(e));
}

/* Display width in Excel's units (about one per Latin character, two per
 * CJK one), for the column widths. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned c = *p;
        int n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        unsigned cp = n == 1 ? c : c & (0x3F >> (n - 1));
        for (int i = 1; i < n && (p[i] & 0xC0) == 0x80; i++)
            cp = cp << 6 | (p[i] & 0x3F);
        for (int i = 0; i < n && *p; i++)
            p++;
        w += cp >= 0x2E80 ? 2 : 1;
    }
    return w;
}

static size_t cell_width(const char *text, col_kind kind)
{
    double v;
    if (kind == K_TEXT || num_parse_double(text, &v) < 0 || !kind_format[kind])
        return text_width(text);
    char buf[64];
    int dec = kind == K_PROB ? 3 : kind == K_MEAN ? 1 : kind == K_2DP ? 2 : 0;
    int n = snprintf(buf, sizeof buf, "%.*f", dec, v);
    return n > 0 ? (size_t)n : 1;
}

static lxw_error put(const book *b, lxw_worksheet *ws, size_t row, size_t col, const char *text,
                     col_kind kind)
{
    double v;
    if (!text[0])
        return LXW_NO_ERROR;
    if (kind != K_TEXT && num_parse_double(text, &v) == 0)
        return worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, b->fmt[kind]);
    return worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, text, NULL);
}

/* The tier's label for a tier or target name ("b", or "b:new" for a tier
 * with two targets); a target named apart from a tier has its label in
 * target_tiers.csv. */
static const char *label_of(const book *b, const char *name)
{
    static const char all[] = "all targets, in the same replication";
    if (!b->tiers)
        return "";
    long ct = csvt_col(b->tiers, "tier", NULL), cl = csvt_col(b->tiers, "label", NULL);
    if (ct < 0 || cl < 0)
        return "";
    size_t n = strcspn(name, ":");
    for (size_t i = 0; i < csvt_rows(b->tiers); i++) {
        const char *t = csvt_field(b->tiers, i, ct);
        if (strlen(t) == n && !strncmp(t, name, n))
            return csvt_field(b->tiers, i, cl);
    }
    long nt = b->named ? csvt_col(b->named, "target", NULL) : -1;
    long nl = b->named ? csvt_col(b->named, "label", NULL) : -1;
    for (size_t i = 0; nt >= 0 && nl >= 0 && i < csvt_rows(b->named); i++) {
        const char *t = csvt_field(b->named, i, nt);
        if (strlen(t) == n && !strncmp(t, name, n))
            return csvt_field(b->named, i, nl);
    }
    return !strcmp(name, "ALL") ? all : "";
}

/* A sheet's row accounting, for the check of the written file. */
static void count_row(book *b, size_t row, int any)
{
    if (!any)
        return;
    b->rows[b->n_sheets - 1]++;
    b->last_row[b->n_sheets - 1] = row;
}

static lxw_worksheet *new_sheet(book *b, const char *name, const char *what, const char *file,
                                ts_err *err)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    if (!ws) {
        ts_errf(err, "%s: cannot add the sheet '%s'", b->path, name);
        return NULL;
    }
    b->rows[b->n_sheets] = 0;
    b->last_row[b->n_sheets] = 0;
    b->n_sheets++;
    /* "LABEL — WHAT (FILE)"; a table this file does not know: "LABEL — FILE" */
    char title[2048];
    const char *dash = b->label[0] ? " \xE2\x80\x94 " : "";
    if (what)
        snprintf(title, sizeof title, "%s%s%s (%s)", b->label, dash, what, file);
    else
        snprintf(title, sizeof title, "%s%s%s", b->label, dash, file);
    lxw_error e = worksheet_write_string(ws, 0, 0, title, b->title);
    if (e != LXW_NO_ERROR) {
        lxw_fail(b, name, e, err);
        return NULL;
    }
    count_row(b, 0, 1);
    return ws;
}

static size_t clamp_width(size_t w)
{
    return w < 6 ? 6 : w > 60 ? 60 : w;
}

/* ------------------------------------------------------- a table's sheet */

typedef enum { OUT_FIELD, OUT_LABEL, OUT_VERDICT } out_what;

typedef struct {
    out_what what;
    long src;               /* the CSV column (of the name, for a label; of p_met, for a verdict) */
    col_kind kind;
    const char *head;
    size_t width;
} out_col;

static const char *out_text(const book *b, const csvt *t, size_t row, const out_col *c)
{
    const char *f = csvt_field(t, row, c->src);
    if (c->what == OUT_LABEL)
        return label_of(b, f);
    if (c->what == OUT_VERDICT) {
        double p;
        return num_parse_double(f, &p) == 0 ? report_verdict_name(report_verdict(p)) : "";
    }
    return f;
}

/* The columns of a table's sheet: the CSV's, with the tier's label after a
 * tier (or target) name and, in the report card, the verdict after the
 * interval. */
static out_col *plan_columns(const book *b, const csvt *t, int card, size_t *n_out)
{
    size_t n = csvt_cols(t);
    out_col *c = calloc(n + 2, sizeof *c);
    if (!c)
        return NULL;
    long tier = csvt_col(t, "tier", NULL), target = csvt_col(t, "target", NULL);
    long named = tier >= 0 ? tier : target;
    int labels = b->tiers && csvt_col(t, "label", NULL) < 0 && named >= 0;
    long p_met = csvt_col(t, "p_met", NULL), ci_hi = csvt_col(t, "ci_hi", NULL);
    long verdict_after = card && p_met >= 0 ? (ci_hi >= 0 ? ci_hi : p_met) : -1;
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        const char *h = csvt_header(t, (long)j);
        c[k++] = (out_col){OUT_FIELD, (long)j, kind_of(h), h, 0};
        if (labels && (long)j == named)
            c[k++] = (out_col){OUT_LABEL, (long)j, K_TEXT, "label", 0};
        if ((long)j == verdict_after)
            c[k++] = (out_col){OUT_VERDICT, p_met, K_TEXT, "verdict", 0};
    }
    *n_out = k;
    return c;
}

/* A table too large for a sheet (of memory, or of Excel's rows): a note
 * pointing to the CSV. */
static int too_large(book *b, const sheet_plan *p, long long bytes, size_t rows, ts_err *err)
{
    lxw_worksheet *ws = new_sheet(b, p->sheet, p->what, p->file, err);
    if (!ws)
        return -1;
    char note[512];
    if (rows)
        snprintf(note, sizeof note, "%s has %zu rows, more than a sheet holds: read the CSV",
                 p->file, rows);
    else
        snprintf(note, sizeof note, "%s has %lld bytes, more than this workbook takes (%ld): "
                 "read the CSV", p->file, bytes, XLSX_TABLE_BYTES_MAX);
    lxw_error e = worksheet_write_string(ws, 2, 0, note, NULL);
    if (e != LXW_NO_ERROR)
        return lxw_fail(b, p->sheet, e, err);
    count_row(b, 2, 1);
    return 0;
}

#define EXCEL_ROWS 1048576u

static int table_sheet(book *b, const sheet_plan *p, const csvt *t, ts_err *err)
{
    if (csvt_rows(t) + 2 > EXCEL_ROWS)
        return too_large(b, p, 0, csvt_rows(t), err);
    size_t n;
    out_col *c = plan_columns(b, t, !strcmp(p->file, "targets.csv"), &n);
    if (!c)
        return ts_errf(err, "out of memory");
    lxw_worksheet *ws = new_sheet(b, p->sheet, p->what, p->file, err);
    if (!ws) {
        free(c);
        return -1;
    }
    /* Widths first: libxlsxwriter writes each row out as it is finished
     * (constant_memory), so everything about the columns comes before. */
    for (size_t k = 0; k < n; k++) {
        c[k].width = text_width(c[k].head);
        for (size_t i = 0; i < csvt_rows(t); i++) {
            size_t w = cell_width(out_text(b, t, i, &c[k]), c[k].kind);
            if (w > c[k].width)
                c[k].width = w;
        }
    }
    lxw_error e = LXW_NO_ERROR;
    for (size_t k = 0; k < n && e == LXW_NO_ERROR; k++)
        e = worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k,
                                 (double)clamp_width(c[k].width + 2), NULL);
    worksheet_freeze_panes(ws, 2, 0);
    if (e == LXW_NO_ERROR && n && csvt_rows(t))
        e = worksheet_autofilter(ws, 1, 0, (lxw_row_t)(csvt_rows(t) + 1), (lxw_col_t)(n - 1));
    for (size_t k = 0; k < n && e == LXW_NO_ERROR; k++)
        e = worksheet_write_string(ws, 1, (lxw_col_t)k, c[k].head, b->head);
    count_row(b, 1, n > 0);
    for (size_t i = 0; i < csvt_rows(t) && e == LXW_NO_ERROR; i++) {
        int any = 0;
        for (size_t k = 0; k < n && e == LXW_NO_ERROR; k++) {
            const char *text = out_text(b, t, i, &c[k]);
            any |= text[0] != '\0';
            e = put(b, ws, i + 2, k, text, c[k].kind);
        }
        count_row(b, i + 2, any);
    }
    free(c);
    return e == LXW_NO_ERROR ? 0 : lxw_fail(b, p->sheet, e, err);
}

/* projection_wide: one row per update year, a column per tier for the
 * median stock and another for the median of new, under the tiers' labels. */
typedef struct {
    const csvt *t;
    long cy, cp, ct, cm, cv;
    size_t *year_row, *tier_row;    /* a row of each year and of each tier, in order */
    size_t n_years, n_tiers;
    const char **cells;             /* [year][tier][stock, new]: p50's text, or NULL */
} wide_grid;

static size_t grid_find(const csvt *t, long col, const size_t *rows, size_t n, size_t i)
{
    size_t k = 0;
    while (k < n && strcmp(csvt_field(t, rows[k], col), csvt_field(t, i, col)))
        k++;
    return k;
}

static int wide_grid_fill(wide_grid *g, ts_err *err)
{
    const csvt *t = g->t;
    size_t rows = csvt_rows(t);
    /* period_end is optional: directories written before it had none. */
    g->cp = csvt_col(t, "period_end", NULL);
    if ((g->cy = csvt_col(t, "year", err)) < 0 || (g->ct = csvt_col(t, "tier", err)) < 0 ||
        (g->cm = csvt_col(t, "measure", err)) < 0 || (g->cv = csvt_col(t, "p50", err)) < 0)
        return -1;
    g->year_row = malloc((rows + 1) * sizeof *g->year_row);
    g->tier_row = malloc((rows + 1) * sizeof *g->tier_row);
    if (!g->year_row || !g->tier_row)
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < rows; i++) {
        if (grid_find(t, g->cy, g->year_row, g->n_years, i) == g->n_years)
            g->year_row[g->n_years++] = i;
        if (grid_find(t, g->ct, g->tier_row, g->n_tiers, i) == g->n_tiers)
            g->tier_row[g->n_tiers++] = i;
    }
    if (!(g->cells = calloc(g->n_years * g->n_tiers * 2 + 1, sizeof *g->cells)))
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < rows; i++) {
        const char *m = csvt_field(t, i, g->cm);
        int which = !strcmp(m, "stock") ? 0 : !strcmp(m, "new") ? 1 : -1;
        if (which < 0)
            continue;
        size_t y = grid_find(t, g->cy, g->year_row, g->n_years, i);
        size_t k = grid_find(t, g->ct, g->tier_row, g->n_tiers, i);
        g->cells[(y * g->n_tiers + k) * 2 + (size_t)which] = csvt_field(t, i, g->cv);
    }
    return 0;
}

static lxw_error wide_write(book *b, lxw_worksheet *ws, const wide_grid *g)
{
    const csvt *t = g->t;
    size_t nt = g->n_tiers;
    lxw_error e = worksheet_set_column(ws, 0, 0, 6, NULL);
    if (e == LXW_NO_ERROR)
        e = worksheet_set_column(ws, 1, 1, 11, NULL);
    /* Columns as wide as "stock NAME", and a label of up to 24 units; a
     * longer label wraps in a row made tall enough for it (Excel does not
     * size rows to wrapped text itself). */
    size_t lines = 1;
    for (size_t k = 0; k < nt && e == LXW_NO_ERROR; k++) {
        const char *name = csvt_field(t, g->tier_row[k], g->ct);
        size_t lw = text_width(label_of(b, name)), w = lw < WIDE_LABEL ? lw : WIDE_LABEL;
        if (text_width(name) + 6 > w)
            w = text_width(name) + 6;
        w = clamp_width(w);
        if ((lw + w - 1) / w > lines)
            lines = (lw + w - 1) / w;
        double width = (double)(w + 2);
        e = worksheet_set_column(ws, (lxw_col_t)(2 + k), (lxw_col_t)(2 + k), width, NULL);
        if (e == LXW_NO_ERROR)
            e = worksheet_set_column(ws, (lxw_col_t)(2 + nt + k), (lxw_col_t)(2 + nt + k), width,
                                     NULL);
    }
    worksheet_freeze_panes(ws, 3, 2);
    /* Two header rows: "stock TIER" / "new TIER", then the tier's label. */
    if (e == LXW_NO_ERROR)
        e = worksheet_write_string(ws, 1, 0, "year", b->head);
    if (e == LXW_NO_ERROR)
        e = worksheet_write_string(ws, 1, 1, "period_end", b->head);
    for (size_t k = 0; k < nt && e == LXW_NO_ERROR; k++) {
        const char *name = csvt_field(t, g->tier_row[k], g->ct);
        char head[320];
        snprintf(head, sizeof head, "stock %s", name);
        e = worksheet_write_string(ws, 1, (lxw_col_t)(2 + k), head, b->head);
        snprintf(head, sizeof head, "new %s", name);
        if (e == LXW_NO_ERROR)
            e = worksheet_write_string(ws, 1, (lxw_col_t)(2 + nt + k), head, b->head);
    }
    count_row(b, 1, 1);
    if (e == LXW_NO_ERROR)
        e = worksheet_set_row(ws, 2, 15.0 * (double)(lines < 6 ? lines : 6), NULL);
    if (e == LXW_NO_ERROR)
        e = worksheet_write_string(ws, 2, 1, "label", b->head);
    for (size_t k = 0; k < nt && e == LXW_NO_ERROR; k++) {
        const char *l = label_of(b, csvt_field(t, g->tier_row[k], g->ct));
        if (l[0])
            e = worksheet_write_string(ws, 2, (lxw_col_t)(2 + k), l, b->head_wrap);
        if (l[0] && e == LXW_NO_ERROR)
            e = worksheet_write_string(ws, 2, (lxw_col_t)(2 + nt + k), l, b->head_wrap);
    }
    count_row(b, 2, 1);
    for (size_t y = 0; y < g->n_years && e == LXW_NO_ERROR; y++) {
        size_t row = 3 + y;
        e = put(b, ws, row, 0, csvt_field(t, g->year_row[y], g->cy), K_COUNT);
        if (e == LXW_NO_ERROR)
            e = put(b, ws, row, 1, csvt_field(t, g->year_row[y], g->cp), K_TEXT);
        for (size_t k = 0; k < nt && e == LXW_NO_ERROR; k++)
            for (size_t w = 0; w < 2 && e == LXW_NO_ERROR; w++) {
                const char *v = g->cells[(y * nt + k) * 2 + w];
                if (v)
                    e = put(b, ws, row, 2 + w * nt + k, v, K_COUNT);
            }
        count_row(b, row, 1);
    }
    return e;
}

static int wide_sheet(book *b, const sheet_plan *p, const csvt *t, ts_err *err)
{
    wide_grid g;
    memset(&g, 0, sizeof g);
    g.t = t;
    int rc = wide_grid_fill(&g, err);
    lxw_worksheet *ws = NULL;
    if (rc == 0 && !(ws = new_sheet(b, p->sheet, p->what, p->file, err)))
        rc = -1;
    lxw_error e = rc == 0 ? wide_write(b, ws, &g) : LXW_NO_ERROR;
    if (e != LXW_NO_ERROR)
        rc = lxw_fail(b, p->sheet, e, err);
    free(g.year_row);
    free(g.tier_row);
    free(g.cells);
    return rc;
}

static int plan_sheet(book *b, const sheet_plan *p, ts_err *err)
{
    char path[4400];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", b->dir, p->file);
    if (stat(path, &st) < 0)
        return ts_errf(err, "%s: cannot read: %s", path, strerror(errno));
    if (st.st_size > XLSX_TABLE_BYTES_MAX)
        return too_large(b, p, (long long)st.st_size, 0, err);
    csvt *t = csvt_read(path, err);
    if (!t)
        return -1;
    int rc = p->wide ? wide_sheet(b, p, t, err) : table_sheet(b, p, t, err);
    csvt_free(t);
    return rc;
}

/* about: manifest.txt's lines as key and value, less the three that
 * describe how the command was run rather than what it computed (the
 * command line, the threads, and lang, the language of the charts: the
 * workbook is the same bytes for any -o, -j or --lang). */
static int about_sheet(book *b, ts_err *err)
{
    lxw_worksheet *ws = new_sheet(b, ABOUT_SHEET, "how these results were made", "manifest.txt",
                                  err);
    if (!ws)
        return -1;
    lxw_error e = worksheet_set_column(ws, 0, 0, 24, NULL);
    if (e == LXW_NO_ERROR)
        e = worksheet_set_column(ws, 1, 1, 100, b->wrap);
    worksheet_freeze_panes(ws, 2, 0);
    if (e == LXW_NO_ERROR)
        e = worksheet_write_string(ws, 1, 0, "key", b->head);
    if (e == LXW_NO_ERROR)
        e = worksheet_write_string(ws, 1, 1, "value", b->head);
    count_row(b, 1, 1);
    size_t row = 2;
    for (const char *line = b->manifest; line && *line && e == LXW_NO_ERROR;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        const char *colon = memchr(line, ':', n);
        char key[128], value[4096];
        size_t k = colon && colon[1] == ' ' ? (size_t)(colon - line) : 0;
        snprintf(key, sizeof key, "%.*s", (int)(k < sizeof key ? k : sizeof key - 1), line);
        snprintf(value, sizeof value, "%.*s", (int)(k ? n - k - 2 : n), k ? colon + 2 : line);
        line = nl ? nl + 1 : NULL;
        /* what changes with -o, -j and --lang: the why-lines are written
         * in the run's language, for report.html; the workbook keeps the
         * same bytes in every language (the card's numbers say the rest) */
        if (!strcmp(key, "command") || !strcmp(key, "threads") || !strcmp(key, "lang") ||
            !strcmp(key, "why") || (!key[0] && !value[0]))
            continue;
        if (key[0])
            e = worksheet_write_string(ws, (lxw_row_t)row, 0, key, NULL);
        if (e == LXW_NO_ERROR)
            e = put(b, ws, row, 1, value, K_TEXT);
        count_row(b, row, 1);
        row++;
    }
    if (e == LXW_NO_ERROR)
        e = worksheet_write_string(ws, (lxw_row_t)row, 0, "command, threads", NULL);
    if (e == LXW_NO_ERROR)
        e = worksheet_write_string(ws, (lxw_row_t)row, 1,
                                   "in manifest.txt; left out here so that the workbook has the "
                                   "same bytes whatever -o and -j", NULL);
    count_row(b, row, 1);
    return e == LXW_NO_ERROR ? 0 : lxw_fail(b, ABOUT_SHEET, e, err);
}

/* ---------------------------------------------------- libxlsxwriter's say */

/* libxlsxwriter 1.1.4 prints its diagnostics on stderr (LXW_ERROR and
 * LXW_WARN in common.h, compiled in) and returns bare codes.  So that only
 * the command layer prints, and a failure is the one line it prints, stderr
 * is lent a file in DIR for the time of the workbook (no other thread runs
 * then), and what was said there becomes part of the message. */
typedef struct {
    int saved, fd;
} capture;

static void capture_begin(capture *c, const char *dir)
{
    c->saved = c->fd = -1;
    char path[4400];
    snprintf(path, sizeof path, "%s/.xlsx-stderr-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return;
    unlink(path);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    if (saved < 0 || dup2(fd, STDERR_FILENO) < 0) {
        if (saved >= 0)
            close(saved);
        close(fd);
        return;
    }
    c->saved = saved;
    c->fd = fd;
}

/* Restores stderr; its last line written meanwhile, without libxlsxwriter's
 * "[ERROR]..." prefix, into buf ("" if nothing). */
static void capture_end(capture *c, char *buf, size_t len)
{
    buf[0] = '\0';
    if (c->saved < 0)
        return;
    fflush(stderr);
    dup2(c->saved, STDERR_FILENO);
    close(c->saved);
    char text[2048];
    off_t end = lseek(c->fd, 0, SEEK_END);
    off_t from = end > (off_t)sizeof text - 1 ? end - (off_t)sizeof text + 1 : 0;
    ssize_t n = end > 0 ? pread(c->fd, text, (size_t)(end - from), from) : 0;
    close(c->fd);
    if (n <= 0)
        return;
    text[n] = '\0';
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    const char *last = strrchr(text, '\n');
    last = last ? last + 1 : text;
    if (last[0] == '[') { /* "[ERROR][packager.c:83]: " or "[WARNING]: " */
        const char *p = last;
        while (*p == '[' && strchr(p, ']'))
            p = strchr(p, ']') + 1;
        last = p + strspn(p, ": ");
    }
    snprintf(buf, len, "%s", last);
}

/* ---------------------------------------------------------------- checked */

/* An XML member is whole when it ends with its root element's end tag (or
 * is that one empty element). */
static int xml_whole(const char *s, size_t n)
{
    while (n > 0 && strchr(" \t\r\n", s[n - 1]))
        n--;
    const char *p = s, *end = s + n;
    while ((p = memchr(p, '<', (size_t)(end - p))) && p + 1 < end && (p[1] == '?' || p[1] == '!'))
        p++;
    if (!p || p + 1 >= end)
        return 0;
    const char *name = p + 1;
    size_t k = 0;
    while (name + k < end && !strchr(" \t\r\n/>", name[k]))
        k++;
    if (k == 0)
        return 0;
    if (n >= k + 3 && end[-1] == '>' && !memcmp(end - k - 3, "</", 2) &&
        !memcmp(end - k - 1, name, k))
        return 1;
    const char *gt = memchr(name, '>', (size_t)(end - name));
    return gt && gt + 1 == end && gt[-1] == '/';
}

/* Rows of a worksheet member: "<row r=" tags, and the last one's number. */
static void sheet_rows(const char *s, size_t *rows, size_t *last)
{
    *rows = *last = 0;
    for (const char *p = s; (p = strstr(p, "<row r=\"")); p += 8) {
        (*rows)++;
        *last = (size_t)strtoul(p + 8, NULL, 10);
    }
}

/* libxlsxwriter writes each part of the workbook into a temporary file and
 * does not check those writes: past a full disk or a file size limit it
 * zips what the file holds and reports success, a sheet cut short in a valid
 * archive.  So the file is read back: every member must inflate to its size
 * and CRC, every XML member must be whole, and every sheet must hold the
 * rows that were written into it. */
static int check_written(const book *b, ts_err *err)
{
    zipr *z;
    if (zipr_open(&z, b->path, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < zipr_count(z); i++) {
        const zipr_entry *e = zipr_at(z, i);
        char *data;
        size_t len;
        if (zipr_read(z, i, &data, &len, err) < 0) {
            rc = -1;
            break;
        }
        if ((ends_with(e->name, ".xml") || ends_with(e->name, ".rels")) && !xml_whole(data, len))
            rc = ts_errf(err, "%s: write failed: %s is cut short (its temporary file could not "
                         "be written whole: a full disk or a file size limit?)", b->path, e->name);
        free(data);
    }
    for (size_t s = 0; rc == 0 && s < b->n_sheets; s++) {
        char name[64];
        snprintf(name, sizeof name, "xl/worksheets/sheet%zu.xml", s + 1);
        long i = zipr_find(z, name);
        char *data = NULL;
        size_t rows, last;
        if (i < 0) {
            rc = ts_errf(err, "%s: write failed: %s is missing", b->path, name);
        } else if (zipr_read(z, (size_t)i, &data, NULL, err) < 0) {
            rc = -1;
        } else {
            sheet_rows(data, &rows, &last);
            if (rows != b->rows[s] || (rows && last != b->last_row[s] + 1))
                rc = ts_errf(err, "%s: write failed: %s holds %zu of its %zu rows (its "
                             "temporary file could not be written whole: a full disk or a file "
                             "size limit?)", b->path, name, rows, b->rows[s]);
        }
        free(data);
    }
    zipr_close(z);
    return rc;
}

/* ------------------------------------------------------------------ book */

static int make_formats(book *b, ts_err *err)
{
    for (int k = 0; k < K_N; k++) {
        if (!kind_format[k])
            continue;
        if (!(b->fmt[k] = workbook_add_format(b->wb)))
            return ts_errf(err, "%s: out of memory", b->path);
        format_set_num_format(b->fmt[k], kind_format[k]);
    }
    if (!(b->title = workbook_add_format(b->wb)) || !(b->head = workbook_add_format(b->wb)) ||
        !(b->wrap = workbook_add_format(b->wb)) || !(b->head_wrap = workbook_add_format(b->wb)))
        return ts_errf(err, "%s: out of memory", b->path);
    format_set_bold(b->title);
    format_set_font_size(b->title, 12);
    format_set_bold(b->head);
    format_set_bottom(b->head, LXW_BORDER_THIN);
    format_set_text_wrap(b->wrap);
    format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(b->head_wrap);
    format_set_text_wrap(b->head_wrap);
    format_set_align(b->head_wrap, LXW_ALIGN_VERTICAL_TOP);
    return 0;
}

static int build(book *b, ts_err *err)
{
    char tmpdir[4200];
    snprintf(tmpdir, sizeof tmpdir, "%s", b->dir);
    /* constant_memory: each row goes to a temporary file once written, so a
     * sweep's or a long history's table costs no memory; its temporary
     * files go into DIR itself (removed at once, and with DIR on failure),
     * not into /tmp: nothing is written outside the output. */
    lxw_workbook_options opts = {.constant_memory = 1, .tmpdir = tmpdir, .use_zip64 = 0};
    if (!(b->wb = workbook_new_opt(b->path, &opts)))
        return ts_errf(err, "%s: cannot start the workbook (out of memory)", b->path);
    if (make_formats(b, err) < 0)
        return -1;
    char name[128], subject[256];
    manifest_value(b, "scenario_name", name, sizeof name);
    snprintf(subject, sizeof subject, "tiersim results%s%s", name[0] ? ": " : "", name);
    char author[] = "tiersim";
    lxw_doc_properties props = {.title = b->label, .subject = subject, .author = author,
                                .created = created_time(b)};
    lxw_error e = workbook_set_properties(b->wb, &props);
    if (e != LXW_NO_ERROR)
        return ts_errf(err, "%s: %s", b->path, lxw_strerror(e));
    for (size_t i = 0; i < b->n_plan; i++)
        if (plan_sheet(b, &b->plan[i], err) < 0)
            return -1;
    return about_sheet(b, err);
}

/* "PATH: write failed: REASON (libxlsxwriter: WHAT)": the system's reason
 * where libxlsxwriter gave one ("... System error = File too large"), as the
 * CSVs' messages do; its own text otherwise, unless it names the file again. */
static int close_failed(const book *b, lxw_error e, const char *said, ts_err *err)
{
    const char *sys = strstr(said, "System error = ");
    if (sys && sys[15])
        return ts_errf(err, "%s: write failed: %s (libxlsxwriter: %s)", b->path, sys + 15,
                       lxw_strerror(e));
    if (said[0] && !strstr(said, b->dir))
        return ts_errf(err, "%s: write failed: %s (libxlsxwriter: %s)", b->path, lxw_strerror(e),
                       said);
    return ts_errf(err, "%s: write failed: %s", b->path, lxw_strerror(e));
}

int xlsx_write_dir(const char *dir, ts_err *err)
{
    book b;
    memset(&b, 0, sizeof b);
    b.dir = dir;
    if (snprintf(b.path, sizeof b.path, "%s/%s", dir, XLSX_FILE) >= (int)sizeof b.path)
        return ts_errf(err, "%s: name too long", dir);
    char mpath[4400];
    snprintf(mpath, sizeof mpath, "%s/manifest.txt", dir);
    if (access(mpath, F_OK) == 0 && !(b.manifest = csvio_read_file(mpath, NULL, err)))
        return -1;
    manifest_value(&b, "scenario_label", b.label, sizeof b.label);
    if (!b.label[0])
        manifest_value(&b, "scenario_name", b.label, sizeof b.label);
    int rc = 0;
    char tpath[4400];
    snprintf(tpath, sizeof tpath, "%s/tiers.csv", dir);
    if (is_csv(dir, "tiers.csv") && !(b.tiers = csvt_read(tpath, err)))
        rc = -1;
    snprintf(tpath, sizeof tpath, "%s/target_tiers.csv", dir);
    if (rc == 0 && is_csv(dir, "target_tiers.csv") && !(b.named = csvt_read(tpath, err)))
        rc = -1;
    if (rc == 0)
        rc = make_plan(&b, err);
    if (rc == 0 && (!(b.rows = calloc(b.n_plan + 1, sizeof *b.rows)) ||
                    !(b.last_row = calloc(b.n_plan + 1, sizeof *b.last_row))))
        rc = ts_errf(err, "out of memory");
    if (rc == 0) {
        capture cap;
        char said[2048];
        capture_begin(&cap, dir);
        rc = build(&b, err);
        lxw_error e = LXW_NO_ERROR;
        if (rc < 0 && b.wb)
            lxw_workbook_free(b.wb); /* nothing was written: the file appears at the close */
        else
            e = workbook_close(b.wb);
        b.wb = NULL;
        capture_end(&cap, said, sizeof said);
        if (rc == 0 && e != LXW_NO_ERROR)
            rc = close_failed(&b, e, said, err);
        else if (rc == 0 && said[0])
            rc = ts_errf(err, "%s: libxlsxwriter: %s", b.path, said);
        if (rc == 0)
            rc = check_written(&b, err);
        if (rc < 0)
            unlink(b.path);
    }
    csvt_free(b.tiers);
    csvt_free(b.named);
    free(b.manifest);
    free(b.plan);
    free(b.rows);
    free(b.last_row);
    return rc;
}
