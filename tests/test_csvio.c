/* csvio: the tables tiersim writes and reads back, and reading a whole file.
 * Exact bytes written, exact messages for every failure that names a place. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvio.h"
#include "filefix.h"
#include "outdir.h"
#include "testutil.h"

static void test_csv_write(void)
{
    char dir[4096], path[4200];
    tf_make_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/w.csv", dir);
    ts_err err;
    csvw *w = csvw_open(path, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    csvw_str(w, "tier");
    csvw_str(w, "label");
    csvw_str(w, "n");
    csvw_str(w, "x");
    csvw_str(w, "p");
    csvw_end_row(w);
    /* quoted only when needed: a comma, a quote, a line end, an outer blank */
    csvw_str(w, "a");
    csvw_str(w, "甲, \"q\"");
    csvw_int(w, -137);
    csvw_num(w, 0.2385);
    csvw_prob(w, 0.9);
    csvw_end_row(w);
    csvw_str(w, " b");
    csvw_str(w, "two\nlines");
    csvw_int(w, INT64_C(9007199254740993));
    csvw_num(w, -0.0);              /* no "-0" in a table */
    csvw_prob(w, NAN);              /* NaN as an empty field */
    csvw_end_row(w);
    csvw_str(w, "");
    csvw_str(w, "x ");
    csvw_int(w, 0);
    csvw_num(w, 1.0 / 3.0);
    csvw_num(w, INFINITY);
    csvw_end_row(w);
    CU_ASSERT_EQUAL(csvw_close(w, &err), 0);
    CU_ASSERT(tf_file_is(dir, "w.csv",
                         "tier,label,n,x,p\n"
                         "a,\"甲, \"\"q\"\"\",-137,0.2385,0.900000\n"
                         "\" b\",\"two\nlines\",9007199254740993,0,\n"
                         ",\"x \",0,0.3333333333,\n"));
    CU_ASSERT_EQUAL(csvw_close(NULL, &err), 0);

    /* a file that cannot be made; a write that fails (a full disk) */
    snprintf(path, sizeof path, "%s/no/w.csv", dir);
    CU_ASSERT_PTR_NULL(csvw_open(path, &err));
    char want[8400];
    snprintf(want, sizeof want, "%s: cannot write: No such file or directory", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    w = csvw_open("/dev/full", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    csvw_str(w, "tier");
    csvw_end_row(w);
    CU_ASSERT_EQUAL(csvw_close(w, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "/dev/full: write failed: No space left on device");
    outdir_remove_tree(dir);
}

static void test_csv_read(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    CU_ASSERT_EQUAL_FATAL(tf_spit(path, "\xEF\xBB\xBFtier,label,n\r\n"
                                        "a,\"甲, \"\"q\"\"\",137\r\n\r\n"
                                        "b,\"two\nlines\",0.2385\r\nc,x\r\nd,y,1.5z\r\n"), 0);
    ts_err err;
    csvt *t = csvt_read(path, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_STRING_EQUAL(csvt_path(t), path);
    CU_ASSERT_EQUAL(csvt_rows(t), 4);
    CU_ASSERT_EQUAL(csvt_cols(t), 3);
    CU_ASSERT_STRING_EQUAL(csvt_header(t, 0), "tier");
    CU_ASSERT_STRING_EQUAL(csvt_header(t, 3), "");
    CU_ASSERT_EQUAL(csvt_col(t, "n", &err), 2);
    CU_ASSERT_STRING_EQUAL(csvt_field(t, 0, 1), "甲, \"q\"");
    CU_ASSERT_STRING_EQUAL(csvt_field(t, 1, 1), "two\nlines");
    CU_ASSERT_STRING_EQUAL(csvt_field(t, 2, 2), "");     /* a short row */
    CU_ASSERT_EQUAL(csvt_line(t, 0), 2);
    CU_ASSERT_EQUAL(csvt_line(t, 1), 4);                 /* after the blank line */
    CU_ASSERT_EQUAL(csvt_line(t, 3), 7);
    double v;
    CU_ASSERT_EQUAL(csvt_num(t, 1, 2, 0, &v, &err), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.2385, 0);
    CU_ASSERT_EQUAL(csvt_num(t, 2, 2, 1, &v, &err), 0);
    CU_ASSERT(isnan(v));
    CU_ASSERT_EQUAL(csvt_num(t, 3, 2, 0, &v, &err), -1);
    char want[8400];
    snprintf(want, sizeof want, "%s:7: column 'n': expected a number, got '1.5z'", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_EQUAL(csvt_col(t, "p_met", &err), -1);
    snprintf(want, sizeof want, "%s: missing column 'p_met'", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    csvt_free(t);

    CU_ASSERT_EQUAL_FATAL(tf_spit(path, "a,b\n1,\"2\n3,4\n"), 0);
    CU_ASSERT_PTR_NULL(csvt_read(path, &err));
    snprintf(want, sizeof want, "%s:3: malformed CSV (", path);
    CU_ASSERT(strncmp(err.msg, want, strlen(want)) == 0);
    CU_ASSERT_EQUAL_FATAL(tf_spit(path, ""), 0);
    CU_ASSERT_PTR_NULL(csvt_read(path, &err));
    snprintf(want, sizeof want, "%s: empty (expected a header row)", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_PTR_NULL(csvt_read(dir, &err));
    snprintf(want, sizeof want, "%s: cannot read: Is a directory", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    csvt_free(NULL);
    outdir_remove_tree(dir);
}

/* csvr: every row with its line, the header too. */
typedef struct {
    char seen[512];
    int stop_at;
} rows_ctx;

static int on_row(void *ctx, int line, char *const *fields, size_t n, ts_err *err)
{
    rows_ctx *c = ctx;
    size_t used = strlen(c->seen);
    snprintf(c->seen + used, sizeof c->seen - used, "%d:", line);
    for (size_t i = 0; i < n; i++) {
        used = strlen(c->seen);
        snprintf(c->seen + used, sizeof c->seen - used, "%s[%s]", i ? "," : "", fields[i]);
    }
    used = strlen(c->seen);
    snprintf(c->seen + used, sizeof c->seen - used, ";");
    if (line == c->stop_at)
        return ts_errf(err, "stopped at %d", line);
    return 0;
}

static void test_csv_rows(void)
{
    static const char text[] = "\xEF\xBB\xBFyear,tier\r\n2022,\"a\nb\"\r\n\r\n"
                               "2023,\"c,\"\"d\"\"\"\n2024";
    rows_ctx c = {"", 0};
    ts_err err;
    CU_ASSERT_EQUAL(csvr_read_mem("h.csv", text, sizeof text - 1, on_row, &c, &err), 0);
    CU_ASSERT_STRING_EQUAL(c.seen, "1:[year],[tier];3:[2022],[a\nb];5:[2023],[c,\"d\"];6:[2024];");
    /* the callback's error stops the reading and is kept */
    rows_ctx stop = {"", 3};
    CU_ASSERT_EQUAL(csvr_read_mem("h.csv", text, sizeof text - 1, on_row, &stop, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "stopped at 3");
    CU_ASSERT_STRING_EQUAL(stop.seen, "1:[year],[tier];3:[2022],[a\nb];");
    static const char nul[] = "year\n20\00022\n";
    CU_ASSERT_EQUAL(csvr_read_mem("h.csv", nul, sizeof nul - 1, on_row, &c, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "h.csv:2: NUL byte in the file (saved as UTF-16, or not "
                                    "text): save it as UTF-8");
    char wide[1200] = "";
    for (int i = 0; i < 257; i++)
        strcat(wide, i ? ",x" : "x");
    strcat(wide, "\n");
    CU_ASSERT_EQUAL(csvr_read_mem("w.csv", wide, strlen(wide), on_row, &c, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "w.csv:1: more than 256 fields");
    static const char open_quote[] = "a\n\"b\n";
    CU_ASSERT_EQUAL(csvr_read_mem("q.csv", open_quote, sizeof open_quote - 1, on_row, &c, &err),
                    -1);
    CU_ASSERT(strncmp(err.msg, "q.csv:2: malformed CSV (", 24) == 0);
    CU_ASSERT_EQUAL(csvr_read("tests/data/nowhere.csv", on_row, &c, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "tests/data/nowhere.csv: cannot read: No such file or directory");
}

static void test_read_file(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    CU_ASSERT_EQUAL_FATAL(tf_write_in(dir, "m.txt", "seed: 2385\n甲\n"), 0);
    char path[4200], want[8400];
    snprintf(path, sizeof path, "%s/m.txt", dir);
    ts_err err;
    size_t len = 0;
    char *text = csvio_read_file(path, &len, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_STRING_EQUAL(text, "seed: 2385\n甲\n");
    CU_ASSERT_EQUAL(len, strlen("seed: 2385\n甲\n"));
    free(text);
    /* larger than the first buffer: read whole */
    char *big = malloc(200001);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    for (size_t i = 0; i < 200000; i++)
        big[i] = (char)('a' + i % 23);
    big[200000] = '\0';
    CU_ASSERT_EQUAL_FATAL(tf_write_in(dir, "big.txt", big), 0);
    snprintf(path, sizeof path, "%s/big.txt", dir);
    text = csvio_read_file(path, NULL, &err);
    CU_ASSERT(text && !strcmp(text, big));
    free(text);
    free(big);
    snprintf(path, sizeof path, "%s/none.txt", dir);
    CU_ASSERT_PTR_NULL(csvio_read_file(path, &len, &err));
    snprintf(want, sizeof want, "%s: cannot read: No such file or directory", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_PTR_NULL(csvio_read_file(dir, &len, &err));
    snprintf(want, sizeof want, "%s: cannot read: Is a directory", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    outdir_remove_tree(dir);
}

/* Both readers decode and find the separator: a table Excel saved on
 * Chinese Windows (GB18030, 甲 BCD7) with ';' and with tabs reads as its
 * UTF-8 comma twin, and csvr_read_info says how it was read. */
static void test_csv_read_decoded(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    static const char *const forms[] = {"tier,label,n\na,\"甲;\t\",137\n",
                                        "tier;label;n\na;\"\xBC\xD7;\t\";137\n",
                                        "tier\tlabel\tn\na\t\"甲;\t\"\t137\n"};
    static const char seps[] = {',', ';', '\t'};
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL_FATAL(tf_spit(path, forms[i]), 0);
        ts_err err;
        csvt *t = csvt_read(path, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT(csvt_cols(t) == 3 && csvt_rows(t) == 1);
        CU_ASSERT_STRING_EQUAL(csvt_field(t, 0, 1), "甲;\t");
        CU_ASSERT_STRING_EQUAL(csvt_field(t, 0, 2), "137");
        CU_ASSERT_EQUAL(csvt_gb18030(t), i == 1);
        csvt_free(t);
        rows_ctx c = {"", 0};
        csvr_info info = {-1, 0};
        CU_ASSERT_EQUAL(csvr_read_info(path, on_row, &c, &info, &err), 0);
        CU_ASSERT_STRING_EQUAL(c.seen, "1:[tier],[label],[n];2:[a],[甲;\t],[137];");
        CU_ASSERT(info.sep == seps[i] && info.gb18030 == (i == 1));
    }
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(tf_spit(path, "tier;label\tn\n"), 0);
    CU_ASSERT_PTR_NULL(csvt_read(path, &err));
    char want[8400];
    snprintf(want, sizeof want, "%s:1: the header has both ';' and tab outside quotes: which "
             "separates the columns? save it with one of them", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    outdir_remove_tree(dir);
}

int main(void)
{
    static const tu_test tests[] = {
        {"writing tables", test_csv_write},
        {"reading tables", test_csv_read},
        {"reading rows", test_csv_rows},
        {"reading decoded tables, any separator", test_csv_read_decoded},
        {"reading a whole file", test_read_file},
        {NULL, NULL},
    };
    return tu_run("csvio", tests);
}
