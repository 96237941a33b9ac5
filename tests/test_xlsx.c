/* xlsx: results.xlsx from an output directory's files -- a run of a small
 * scenario with Chinese tier labels, plus tables the module does not know --
 * opened again and read cell by cell: the sheets and their order, the labels
 * beside the tier names, numbers typed with their formats, the wide sheet,
 * the manifest, fixed timestamps, the same bytes from the same files, and
 * no workbook at all when it cannot be written whole. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "filefix.h"
#include "num.h"
#include "testutil.h"
#include "xlsx.h"
#include "zipread.h"

static const char scenario_ini[] =
    "[scenario]\nname = xl\nlabel = 青岛 测试 & <test>\nstart_year = 2022\nend_year = 2024\n"
    "replications = 400\nseed = 7\nstart = 2022-08\n"
    "[tier srdi]\nlabel = 专精特新中小企业 (SRDI)\nstock = 320\ninflow = 60\nexit = beta(2, 98)\n"
    "[tier giant]\nlabel = 专精特新“小巨人”企业\nstock = 97\nexit = 0.02\n"
    "[transition srdi -> giant]\nrate = uniform(0.02, 0.06)\nkeep = yes\n"
    "[target giant]\nnew = 30\ntolerance = 10%\n"
    "[target srdi]\nstock = 400\n";

static const char manifest_txt[] =
    "tiersim_version: 0.1.0\n"
    "command: ./tiersim run xl.ini -j 3 -o somewhere\n"
    "scenario: xl.ini\n"
    "scenario_name: xl\n"
    "scenario_label: 青岛 测试 & <test>\n"
    "start: 2022-08\n"
    "known_until: 2022-07\n"
    "seed: 7\n"
    "threads: 3\n"
    "design: a value\n"
    "estimators: its second line\n";

/* ------------------------------------------------------------ reading it */

static char *member(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, XLSX_FILE);
    zipr *z;
    ts_err err;
    char *data = NULL;
    if (zipr_open(&z, path, &err) < 0) {
        fprintf(stderr, "\n  %s\n", err.msg);
        return NULL;
    }
    long i = zipr_find(z, name);
    if (i >= 0 && zipr_read(z, (size_t)i, &data, NULL, &err) < 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    zipr_close(z);
    return data;
}

static void unescape(const char *s, size_t n, char *out, size_t len)
{
    static const struct {
        const char *from, *to;
    } ents[] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}, {"&apos;", "'"}};
    size_t w = 0;
    for (size_t i = 0; i < n && w + 1 < len;) {
        size_t k = 0;
        while (k < 5 && strncmp(s + i, ents[k].from, strlen(ents[k].from)))
            k++;
        if (k < 5) {
            out[w++] = ents[k].to[0];
            i += strlen(ents[k].from);
        } else {
            out[w++] = s[i++];
        }
    }
    out[w] = '\0';
}

/* The value of attribute NAME in the tag starting at p, or "". */
static void attr(const char *p, const char *name, char *buf, size_t len)
{
    char pat[64];
    snprintf(pat, sizeof pat, " %s=\"", name);
    const char *gt = strchr(p, '>'), *a = strstr(p, pat);
    buf[0] = '\0';
    if (!a || !gt || a > gt)
        return;
    a += strlen(pat);
    const char *q = strchr(a, '"');
    unescape(a, (size_t)(q - a), buf, len);
}

typedef struct {
    int found;
    char type[32];      /* "" a number, "inlineStr", "s" */
    int style;          /* the s attribute, 0 without */
    char text[1024];
} cell;

static cell cell_at(const char *sheet, const char *ref)
{
    cell c;
    memset(&c, 0, sizeof c);
    char pat[40], s[16];
    snprintf(pat, sizeof pat, "<c r=\"%s\"", ref);
    const char *p = sheet ? strstr(sheet, pat) : NULL;
    if (!p)
        return c;
    c.found = 1;
    attr(p, "t", c.type, sizeof c.type);
    attr(p, "s", s, sizeof s);
    c.style = atoi(s);
    const char *gt = strchr(p, '>'), *end = strstr(p, "</c>");
    if (gt[-1] == '/' || !end)
        return c;
    const char *open = strstr(gt, c.type[0] ? "<t" : "<v>");
    if (!open || open > end)
        return c;
    open = strchr(open, '>') + 1;
    const char *close = strstr(open, c.type[0] ? "</t>" : "</v>");
    unescape(open, (size_t)(close - open), c.text, sizeof c.text);
    return c;
}

/* The number format of cell style s ("General" for the built-in 0). */
static void style_format(const char *styles, int s, char *buf, size_t len)
{
    snprintf(buf, len, "?");
    const char *p = strstr(styles, "<cellXfs");
    for (int i = 0; p && i <= s; i++)
        p = strstr(p + 1, "<xf ");
    if (!p)
        return;
    char id[16];
    attr(p, "numFmtId", id, sizeof id);
    if (!strcmp(id, "0")) {
        snprintf(buf, len, "General");
        return;
    }
    char pat[64];
    snprintf(pat, sizeof pat, "<numFmt numFmtId=\"%s\"", id);
    const char *f = strstr(styles, pat);
    if (f)
        attr(f, "formatCode", buf, len);
}

/* The sheet names of xl/workbook.xml, in order, joined by spaces. */
static void sheet_names(const char *dir, char *buf, size_t len)
{
    char *wb = member(dir, "xl/workbook.xml");
    buf[0] = '\0';
    size_t used = 0;
    for (const char *p = wb; p && (p = strstr(p, "<sheet ")); p++) {
        char name[64];
        attr(p, "name", name, sizeof name);
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "", name);
    }
    free(wb);
}

static char *sheet(const char *dir, int i)
{
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", i);
    return member(dir, name);
}

/* ------------------------------------------------------------- fixtures */

/* A run of scenario_ini written into a fresh directory, its manifest, and
 * three tables the module does not know (one named like Excel's reserved
 * sheet, one with characters a sheet name may not have). */
static void make_run(char *dir, size_t len)
{
    tf_run_into(scenario_ini, "xl.ini", dir, len);
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", manifest_txt), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "History.csv", "year,value\n2022,1.5\n2023,x\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "zz:odd[1].csv", "tier,p_met\ngiant,0.25\nnone,\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "validation.csv", "as_of,tier,measure,value\n"
                                                       "2023-07,srdi,stock,350\n"), 0);
}

static int write_ok(const char *dir)
{
    ts_err err;
    int rc = xlsx_write_dir(dir, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    return rc == 0;
}

/* ---------------------------------------------------------------- tests */

static void test_sheet_name(void)
{
    const char *taken[] = {"targets", "About", "long_name_of_exactly_31_chars_x"};
    char out[XLSX_SHEET_MAX + 1];
    xlsx_sheet_name("validation", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "validation");
    xlsx_sheet_name("TARGETS", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "TARGETS~2");
    xlsx_sheet_name("about", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "about~2");
    xlsx_sheet_name("history", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "history~2");
    xlsx_sheet_name("a[1]:b*c?d/e\\f", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "a_1__b_c_d_e_f");
    xlsx_sheet_name("'quoted'", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "_quoted_");
    xlsx_sheet_name("", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "table");
    xlsx_sheet_name("表", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "___");
    xlsx_sheet_name("long_name_of_exactly_31_chars_xyz", taken, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "long_name_of_exactly_31_chars~2");
    CU_ASSERT_EQUAL(strlen(out), XLSX_SHEET_MAX);
    const char *many[] = {"t", "t~2", "t~3"};
    xlsx_sheet_name("T", many, 3, out);
    CU_ASSERT_STRING_EQUAL(out, "T~4");
}

static void test_sheets_in_order(void)
{
    char dir[4096], names[1024];
    make_run(dir, sizeof dir);
    CU_ASSERT_FATAL(write_ok(dir));
    sheet_names(dir, names, sizeof names);
    CU_ASSERT_STRING_EQUAL(names, "targets p_met_by_year projection_wide projection distribution "
                                  "History~2 validation zz_odd_1_ tiers about");
    /* Every sheet's title names the scenario; the unknown table's, its file. */
    char *s6 = sheet(dir, 6), *s1 = sheet(dir, 1);
    CU_ASSERT_STRING_EQUAL(cell_at(s6, "A1").text, "青岛 测试 & <test> — History.csv");
    CU_ASSERT_PTR_NOT_NULL(strstr(cell_at(s1, "A1").text, "青岛 测试 & <test> — the report card"));
    /* Frozen title and header rows. */
    CU_ASSERT_PTR_NOT_NULL(s1 && strstr(s1, "<pane ySplit=\"2\" topLeftCell=\"A3\""));
    free(s6);
    free(s1);
    outdir_remove_tree(dir);
}

static void test_report_card(void)
{
    char dir[4096], fmt[64];
    make_run(dir, sizeof dir);
    csvt *t = csvt_read(strcat(strcpy((char[4200]){0}, dir), "/targets.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_FATAL(write_ok(dir));
    char *s = sheet(dir, 1), *styles = member(dir, "xl/styles.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(styles);
    /* The header: the CSV's columns, the label after the tier, the verdict
     * after the interval. */
    static const char *const head[] = {"tier", "label", "measure", "target", "threshold", "p_met",
                                       "se", "ci_lo", "ci_hi", "verdict", "p05", "p50", "p95"};
    for (int j = 0; j < 13; j++) {
        char ref[8];
        snprintf(ref, sizeof ref, "%c2", 'A' + j);
        CU_ASSERT_STRING_EQUAL(cell_at(s, ref).text, head[j]);
    }
    /* Row 3 is the first target: giant, its Chinese label beside it. */
    CU_ASSERT_STRING_EQUAL(cell_at(s, "A3").text, "giant");
    cell label = cell_at(s, "B3");
    CU_ASSERT_STRING_EQUAL(label.text, "专精特新“小巨人”企业");
    CU_ASSERT_STRING_EQUAL(label.type, "inlineStr");
    CU_ASSERT_STRING_EQUAL(cell_at(s, "B4").text, "专精特新中小企业 (SRDI)");
    CU_ASSERT_STRING_EQUAL(cell_at(s, "B5").text, "all targets, in the same replication");
    /* P(met): a number (no type), the CSV's value, shown as 0.000. */
    cell p = cell_at(s, "F3");
    CU_ASSERT_TRUE(p.found);
    CU_ASSERT_STRING_EQUAL(p.type, "");
    double want, got;
    CU_ASSERT_EQUAL(num_parse_double(csvt_field(t, 0, csvt_col(t, "p_met", NULL)), &want), 0);
    CU_ASSERT_EQUAL(num_parse_double(p.text, &got), 0);
    CU_ASSERT_EQUAL(got, want);
    style_format(styles, p.style, fmt, sizeof fmt);
    CU_ASSERT_STRING_EQUAL(fmt, "0.000");
    style_format(styles, cell_at(s, "I5").style, fmt, sizeof fmt);   /* ci_hi of ALL */
    CU_ASSERT_STRING_EQUAL(fmt, "0.000");
    /* Counts as 0, the target as it is; the ALL row's empty cells absent. */
    cell p05 = cell_at(s, "K3");
    CU_ASSERT_STRING_EQUAL(p05.type, "");
    style_format(styles, p05.style, fmt, sizeof fmt);
    CU_ASSERT_STRING_EQUAL(fmt, "0");
    style_format(styles, cell_at(s, "D3").style, fmt, sizeof fmt);
    CU_ASSERT_STRING_EQUAL(fmt, "General");
    CU_ASSERT_STRING_EQUAL(cell_at(s, "D3").text, "30");
    CU_ASSERT_FALSE(cell_at(s, "K5").found);
    const char *v = cell_at(s, "J3").text;
    CU_ASSERT(!strcmp(v, "likely") || !strcmp(v, "uncertain") || !strcmp(v, "unlikely"));
    free(s);
    free(styles);
    csvt_free(t);
    outdir_remove_tree(dir);
}

static void test_projection_sheets(void)
{
    char dir[4096], fmt[64], path[4200];
    make_run(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/projection.csv", dir);
    csvt *t = csvt_read(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_FATAL(write_ok(dir));
    char *wide = sheet(dir, 3), *lng = sheet(dir, 4), *styles = member(dir, "xl/styles.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(wide);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lng);
    /* wide: year, period_end, stock of each tier, new of each tier; the
     * labels under the names; the medians of projection.csv. */
    CU_ASSERT_PTR_NOT_NULL(strstr(cell_at(wide, "A1").text, "median (p50)"));
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "C2").text, "stock srdi");
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "D2").text, "stock giant");
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "E2").text, "new srdi");
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "F2").text, "new giant");
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "D3").text, "专精特新“小巨人”企业");
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "F3").text, "专精特新“小巨人”企业");
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "A4").text, "2022");
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "B4").text, "2023-07");
    CU_ASSERT_STRING_EQUAL(cell_at(wide, "B6").text, "2025-07");
    CU_ASSERT_PTR_NOT_NULL(strstr(wide, "<pane xSplit=\"2\" ySplit=\"3\""));
    long cy = csvt_col(t, "year", NULL), ct = csvt_col(t, "tier", NULL);
    long cm = csvt_col(t, "measure", NULL), cv = csvt_col(t, "p50", NULL);
    int checked = 0;
    for (size_t i = 0; i < csvt_rows(t); i++) {
        const char *y = csvt_field(t, i, cy), *k = csvt_field(t, i, ct), *m = csvt_field(t, i, cm);
        if (strcmp(m, "stock") && strcmp(m, "new"))
            continue;
        char ref[24];
        snprintf(ref, sizeof ref, "%c%d", 'C' + (strcmp(k, "giant") == 0) + 2 * !strcmp(m, "new"),
                 4 + atoi(y) - 2022);
        cell c = cell_at(wide, ref);
        CU_ASSERT_STRING_EQUAL(c.text, csvt_field(t, i, cv));
        CU_ASSERT_STRING_EQUAL(c.type, "");
        style_format(styles, c.style, fmt, sizeof fmt);
        CU_ASSERT_STRING_EQUAL(fmt, "0");
        checked++;
    }
    CU_ASSERT_EQUAL(checked, 12);
    /* long: the CSV's rows with the label after the tier; means as 0.0. */
    CU_ASSERT_STRING_EQUAL(cell_at(lng, "C2").text, "tier");
    CU_ASSERT_STRING_EQUAL(cell_at(lng, "D2").text, "label");
    CU_ASSERT_STRING_EQUAL(cell_at(lng, "D3").text, "专精特新中小企业 (SRDI)");
    CU_ASSERT_STRING_EQUAL(cell_at(lng, "F2").text, "mean");
    style_format(styles, cell_at(lng, "F3").style, fmt, sizeof fmt);
    CU_ASSERT_STRING_EQUAL(fmt, "0.0");
    free(wide);
    free(lng);
    free(styles);
    csvt_free(t);
    outdir_remove_tree(dir);
}

/* Tables the module does not know: numbers where the text is one, text
 * elsewhere, probabilities by their column's name; about: the manifest
 * without the command line and threads. */
static void test_other_tables_and_about(void)
{
    char dir[4096], fmt[64];
    make_run(dir, sizeof dir);
    CU_ASSERT_FATAL(write_ok(dir));
    char *hist_s = sheet(dir, 6), *odd = sheet(dir, 8), *about = sheet(dir, 10);
    char *styles = member(dir, "xl/styles.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(about);
    CU_ASSERT_STRING_EQUAL(cell_at(hist_s, "B3").type, "");
    CU_ASSERT_STRING_EQUAL(cell_at(hist_s, "B3").text, "1.5");
    CU_ASSERT_STRING_EQUAL(cell_at(hist_s, "B4").type, "inlineStr");
    CU_ASSERT_STRING_EQUAL(cell_at(hist_s, "B4").text, "x");
    CU_ASSERT_STRING_EQUAL(cell_at(odd, "B3").text, "专精特新“小巨人”企业");
    CU_ASSERT_FALSE(cell_at(odd, "B4").found); /* no tier 'none' */
    style_format(styles, cell_at(odd, "C3").style, fmt, sizeof fmt);
    CU_ASSERT_STRING_EQUAL(fmt, "0.000");
    CU_ASSERT_STRING_EQUAL(cell_at(about, "A3").text, "tiersim_version");
    CU_ASSERT_STRING_EQUAL(cell_at(about, "A4").text, "scenario");
    CU_ASSERT_STRING_EQUAL(cell_at(about, "A6").text, "scenario_label");
    CU_ASSERT_STRING_EQUAL(cell_at(about, "B6").text, "青岛 测试 & <test>");
    CU_ASSERT_STRING_EQUAL(cell_at(about, "A11").text, "estimators");
    CU_ASSERT_STRING_EQUAL(cell_at(about, "A12").text, "command, threads");
    CU_ASSERT_PTR_NULL(strstr(about, ">command<"));
    CU_ASSERT_PTR_NULL(strstr(about, ">threads<"));
    CU_ASSERT_PTR_NULL(strstr(about, "somewhere"));
    free(hist_s);
    free(odd);
    free(about);
    free(styles);
    outdir_remove_tree(dir);
}

/* The creation time from known_until, the zip members' fixed timestamps,
 * the document's title. */
static void test_fixed_times(void)
{
    char dir[4096], path[4200];
    make_run(dir, sizeof dir);
    CU_ASSERT_FATAL(write_ok(dir));
    char *core = member(dir, "docProps/core.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(core);
    CU_ASSERT_PTR_NOT_NULL(strstr(core, ">2022-08-01T00:00:00Z</dcterms:created>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(core, ">2022-08-01T00:00:00Z</dcterms:modified>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(core, "<dc:title>青岛 测试 &amp; &lt;test&gt;</dc:title>"));
    free(core);
    snprintf(path, sizeof path, "%s/%s", dir, XLSX_FILE);
    zipr *z;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(zipr_open(&z, path, &err), 0);
    CU_ASSERT(zipr_count(z) > 10);
    for (size_t i = 0; i < zipr_count(z); i++) {
        const zipr_entry *e = zipr_at(z, i);
        CU_ASSERT_EQUAL(e->dos_date, 0x21); /* 1980-01-01 */
        CU_ASSERT_EQUAL(e->dos_time, 0);
        CU_ASSERT_EQUAL(e->local_date, 0x21);
        CU_ASSERT_EQUAL(e->local_time, 0);
    }
    zipr_close(z);
    /* Without known_until: 1980-01-01, never the clock. */
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", "scenario_name: xl\n"), 0);
    CU_ASSERT_FATAL(write_ok(dir));
    core = member(dir, "docProps/core.xml");
    CU_ASSERT_PTR_NOT_NULL(core && strstr(core, ">1980-01-01T00:00:00Z</dcterms:created>"));
    free(core);
    outdir_remove_tree(dir);
}

/* The same files give the same bytes, whatever the directory's name and
 * the order the files were made in; the CSVs are not touched. */
static void test_same_bytes(void)
{
    char a[4096], b[4096];
    make_run(a, sizeof a);
    tf_make_dir(b, sizeof b);
    static const char *const files[] = {"validation.csv", "zz:odd[1].csv", "tiers.csv",
                                        "targets.csv", "projection.csv", "p_met_by_year.csv",
                                        "manifest.txt", "History.csv", "distribution.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *text = tf_file_in(a, files[i], NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT_EQUAL(tf_write_in(b, files[i], text), 0);
        free(text);
    }
    char *before = tf_file_in(a, "projection.csv", NULL);
    CU_ASSERT_FATAL(write_ok(a));
    CU_ASSERT_FATAL(write_ok(b));
    size_t na, nb;
    char *xa = tf_file_in(a, XLSX_FILE, &na), *xb = tf_file_in(b, XLSX_FILE, &nb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xa);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xb);
    CU_ASSERT_EQUAL(na, nb);
    CU_ASSERT(na == nb && !memcmp(xa, xb, na));
    CU_ASSERT(tf_file_is(a, "projection.csv", before));
    /* and again, over the first */
    CU_ASSERT_FATAL(write_ok(a));
    free(xb);
    xb = tf_file_in(a, XLSX_FILE, &nb);
    CU_ASSERT(xb && na == nb && !memcmp(xa, xb, na));
    free(before);
    free(xa);
    free(xb);
    outdir_remove_tree(a);
    outdir_remove_tree(b);
}

/* Nothing but a manifest: a workbook of its about sheet. */
static void test_no_tables(void)
{
    char dir[4096], names[256];
    tf_make_dir(dir, sizeof dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", manifest_txt), 0);
    CU_ASSERT_FATAL(write_ok(dir));
    sheet_names(dir, names, sizeof names);
    CU_ASSERT_STRING_EQUAL(names, "about");
    outdir_remove_tree(dir);
}

/* Tables the module does not know come in the order of their names, not in
 * the directory's (8 of them: the file system's order is all but certain
 * to differ somewhere). */
static void test_others_sorted(void)
{
    char dir[4096], names[256];
    tf_make_dir(dir, sizeof dir);
    static const char *const files[] = {"f5.csv", "f0.csv", "f7.csv", "f2.csv", "f6.csv",
                                        "f1.csv", "f4.csv", "f3.csv"};
    for (size_t i = 0; i < 8; i++)
        CU_ASSERT_EQUAL(tf_write_in(dir, files[i], "x\n1\n"), 0);
    CU_ASSERT_FATAL(write_ok(dir));
    sheet_names(dir, names, sizeof names);
    CU_ASSERT_STRING_EQUAL(names, "f0 f1 f2 f3 f4 f5 f6 f7 about");
    outdir_remove_tree(dir);
}

/* Runs xlsx_write_dir with stderr sent to a file: -1, the message, nothing
 * printed, no results.xlsx left (a directory in its place stays). */
static void expect_failure(const char *dir, const char *want_prefix, const char *want_part)
{
    char log[4200];
    snprintf(log, sizeof log, "%s/../xlsx-test-stderr-%ld", dir, (long)getpid());
    int fd = open(log, O_CREAT | O_TRUNC | O_WRONLY, 0600), saved = dup(STDERR_FILENO);
    CU_ASSERT_FATAL(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    ts_err err;
    int rc = xlsx_write_dir(dir, &err);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    CU_ASSERT_EQUAL(rc, -1);
    if (rc == -1) {
        if (strncmp(err.msg, want_prefix, strlen(want_prefix)) || !strstr(err.msg, want_part))
            fprintf(stderr, "\n  got: %s\n", err.msg);
        CU_ASSERT_EQUAL(strncmp(err.msg, want_prefix, strlen(want_prefix)), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, want_part));
    }
    struct stat st;
    CU_ASSERT_EQUAL(stat(log, &st), 0);
    CU_ASSERT_EQUAL(st.st_size, 0);
    unlink(log);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, XLSX_FILE);
    CU_ASSERT(lstat(path, &st) < 0 || S_ISDIR(st.st_mode));
    /* libxlsxwriter's and the check's temporary files are gone too */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        CU_ASSERT(e->d_name[0] != '.' || !e->d_name[1] || !strcmp(e->d_name, ".."));
    if (d)
        closedir(d);
}

static void test_cannot_write(void)
{
    char dir[4096], path[4200], want[4400];
    make_run(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, XLSX_FILE);
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
    snprintf(want, sizeof want, "%s: write failed: ", path);
    expect_failure(dir, want, "Is a directory");
    rmdir(path);
    outdir_remove_tree(dir);
}

static void test_bad_table(void)
{
    char dir[4096], want[4400];
    make_run(dir, sizeof dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "validation.csv", "a,b\n1,\"open\n"), 0);
    snprintf(want, sizeof want, "%s/validation.csv:2: malformed CSV", dir);
    expect_failure(dir, want, "");
    outdir_remove_tree(dir);
}

/* big.csv (sheet 7, after History) is 600 KB of CSV, 3 MB of sheet.
 * Past a file size limit libxlsxwriter's temporary files are cut short and
 * it still zips them and reports success: the check reading the file back
 * must refuse it. */
static void test_cut_short(void)
{
    char dir[4096], want[4400];
    make_run(dir, sizeof dir);
    FILE *f = fopen(strcat(strcpy((char[4200]){0}, dir), "/big.csv"), "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("a,b,c,d,e\n", f);
    for (int i = 0; i < 20000; i++)
        fprintf(f, "%d,%d.25,%d.5,%d.75,x%d\n", i, i, i, i, i);
    CU_ASSERT_EQUAL(fclose(f), 0);
    struct rlimit saved, lim;
    CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &saved), 0);
    lim = saved;
    lim.rlim_cur = 512 * 1024;
    void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &lim), 0);
    snprintf(want, sizeof want, "%s/%s: write failed: xl/worksheets/sheet7.xml", dir, XLSX_FILE);
    expect_failure(dir, want, "(its temporary file could not be written whole");
    CU_ASSERT_EQUAL(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old);
    outdir_remove_tree(dir);
}

/* A table larger than XLSX_TABLE_BYTES_MAX: a sheet saying so. */
static void test_too_large(void)
{
    char dir[4096], path[4200];
    make_run(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/huge.csv", dir);
    int fd = open(path, O_CREAT | O_WRONLY, 0600);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(ftruncate(fd, XLSX_TABLE_BYTES_MAX + 1), 0); /* sparse: never read */
    close(fd);
    CU_ASSERT_FATAL(write_ok(dir));
    char names[1024];
    sheet_names(dir, names, sizeof names);
    CU_ASSERT_PTR_NOT_NULL(strstr(names, " huge validation "));
    char *s = sheet(dir, 7);
    CU_ASSERT_PTR_NOT_NULL(strstr(cell_at(s, "A3").text, "huge.csv has 16777217 bytes"));
    free(s);
    outdir_remove_tree(dir);
}

int main(void)
{
    static const tu_test tests[] = {
        {"sheet names: valid, unique, not History", test_sheet_name},
        {"sheets in order, titled, frozen", test_sheets_in_order},
        {"the report card: labels, numbers, formats, verdicts", test_report_card},
        {"projection_wide and projection", test_projection_sheets},
        {"other tables typed by content; about without command and threads",
         test_other_tables_and_about},
        {"creation time from known_until; fixed zip timestamps", test_fixed_times},
        {"the same files give the same bytes; CSVs untouched", test_same_bytes},
        {"no tables: the about sheet alone", test_no_tables},
        {"other tables in the order of their names", test_others_sorted},
        {"a workbook that cannot be written: -1, nothing printed, nothing left", test_cannot_write},
        {"a malformed table: -1, nothing left", test_bad_table},
        {"temporary files cut short by a file size limit: refused", test_cut_short},
        {"a table too large: a sheet saying so", test_too_large},
        {NULL, NULL},
    };
    return tu_run("xlsx", tests);
}
