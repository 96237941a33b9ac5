/* The history reader (history.c over csvio.c's csvr_read): what it accepts
 * (columns by name in any order, extra columns, quoted fields with commas and
 * line breaks, a UTF-8 BOM, CRLF, blank lines, the optional sd) and every
 * refusal with its exact "FILE:LINE: message".
 *
 * Fixtures are in tests/data/fit/ (run from the project root, as `make test`
 * does); files whose bytes matter (BOM, CRLF) are written at run time into a
 * directory made with mkdtemp. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "history.h"
#include "scenario.h"
#include "testutil.h"

#define DATA "tests/data/fit/"

static char tmpdir[64];
static scenario *sc;    /* start 2022, end 2025: history years 1992 .. 2025 */

static const char scenario_text[] = "[scenario]\nname = h\nstart_year = 2022\nend_year = 2025\n"
                                    "[tier a]\nstock = 137\n[tier srdi]\nstock = 320\n";

static history *load_ok(const char *path)
{
    history *h = NULL;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (history_load(&h, path, sc, &err) < 0) {
        fprintf(stderr, "\n  %s refused: %s\n", path, err.msg);
        return NULL;
    }
    return h;
}

/* history_load must fail with exactly `want` and leave *out NULL. */
static int refuses(const char *path, const char *want)
{
    history *h = (history *)1;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (history_load(&h, path, sc, &err) == 0) {
        fprintf(stderr, "\n  %s accepted; wanted: %s\n", path, want);
        history_free(h);
        return 0;
    }
    if (h != NULL) {
        fprintf(stderr, "\n  %s refused but *out is not NULL\n", path);
        return 0;
    }
    if (strcmp(err.msg, want) != 0) {
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", err.msg, want);
        return 0;
    }
    return 1;
}
#define ASSERT_REFUSES(path, want) CU_ASSERT(refuses((path), (want)))

/* Writes `len` bytes into the temporary directory; returns the path. */
static const char *write_tmp(const char *name, const char *bytes, size_t len)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL_FATAL(fwrite(bytes, 1, len, f), len);
    CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
    return path;
}

static void check_row(const history *h, size_t i, int year, const char *tier,
                      hist_measure m, double value, double sd, int sd_given, int line)
{
    CU_ASSERT_FATAL(i < h->n_rows);
    const history_row *r = &h->rows[i];
    CU_ASSERT_EQUAL(r->year, year);
    CU_ASSERT_EQUAL(r->tier, (size_t)scenario_find_tier(sc, tier));
    CU_ASSERT_EQUAL(r->measure, m);
    CU_ASSERT_EQUAL(r->value, value);
    CU_ASSERT(tu_close(r->sd, sd, 1e-15, 0));
    CU_ASSERT_EQUAL(r->sd_given, sd_given);
    if (r->line != line)
        fprintf(stderr, "\n  row %zu: line %d, want %d\n", i, r->line, line);
    CU_ASSERT_EQUAL(r->line, line);
}

/* ------------------------------------------------------------ accepted */

/* Columns in any order (the header's names quoted or not), extra columns
 * ignored, a quoted source with a comma and one with a line break (the row's
 * line is the one it ends on), blank lines, blanks around fields, rows
 * shorter than the header when only sd and extras are missing, sd empty or
 * absent -> sqrt(max(value, 1)), a quoted sd, and the earliest year allowed
 * (start_year - 30). */
static void test_reads_columns_by_name(void)
{
    history *h = load_ok(DATA "good.csv");
    CU_ASSERT_FATAL(h != NULL);
    CU_ASSERT_STRING_EQUAL(h->path, DATA "good.csv");
    CU_ASSERT_EQUAL_FATAL(h->n_rows, 5);
    check_row(h, 0, 2022, "srdi", HIST_STOCK, 320, 17.5, 1, 2);
    check_row(h, 1, 2021, "a", HIST_NEW, 0, 1, 0, 4);
    check_row(h, 2, 2020, "a", HIST_EXITS, 0.64, 1, 0, 5);
    check_row(h, 3, 2023, "srdi", HIST_NEW, 1370, sqrt(1370.0), 0, 7);
    check_row(h, 4, 1992, "a", HIST_STOCK, 137, 3.7, 1, 8);
    history_free(h);
    history_free(NULL);
}

/* A UTF-8 BOM before the header, CRLF line ends (a quoted field holding a
 * CRLF too), no line end after the last row. */
static void test_bom_and_crlf(void)
{
    static const char bytes[] = "\xEF\xBB\xBFyear,tier,measure,value,sd\r\n"
                                "2022,a,stock,137,11.7\r\n"
                                "\r\n"
                                "2023,srdi,exits,23,\r\n"
                                "2024,a,new,41,,\"two\r\nlines\"\r\n"
                                "2025,a,new,43,6.5";
    history *h = load_ok(write_tmp("bom_crlf.csv", bytes, sizeof bytes - 1));
    CU_ASSERT_FATAL(h != NULL);
    CU_ASSERT_EQUAL_FATAL(h->n_rows, 4);
    check_row(h, 0, 2022, "a", HIST_STOCK, 137, 11.7, 1, 2);
    check_row(h, 1, 2023, "srdi", HIST_EXITS, 23, sqrt(23.0), 0, 4);
    check_row(h, 2, 2024, "a", HIST_NEW, 41, sqrt(41.0), 0, 6);
    check_row(h, 3, 2025, "a", HIST_NEW, 43, 6.5, 1, 7);
    history_free(h);
    /* A BOM and CRLF on a header the fit needs by name: still found. */
    static const char only[] = "\xEF\xBB\xBF\"year\",tier,measure,value\r\n2022,a,stock,137\r\n";
    h = load_ok(write_tmp("bom_quoted.csv", only, sizeof only - 1));
    CU_ASSERT(h != NULL && h->n_rows == 1);
    history_free(h);
}

/* The same stock in one tier for two measures and two tiers: not
 * duplicates. */
static void test_duplicates_need_year_tier_and_measure(void)
{
    static const char text[] = "year,tier,measure,value\n2022,a,stock,137\n2022,a,new,23\n"
                               "2022,srdi,stock,137\n2023,a,stock,137\n";
    history *h = load_ok(write_tmp("distinct.csv", text, sizeof text - 1));
    CU_ASSERT(h != NULL && h->n_rows == 4);
    history_free(h);
}

/* ------------------------------------------------------------ refused */

#define CSV_ERR "malformed CSV (error parsing data while strict checking enabled)"

static void test_malformed_csv(void)
{
    ASSERT_REFUSES(DATA "bad_quote.csv", DATA "bad_quote.csv:3: " CSV_ERR);
    /* An open quote runs to the end of the file: reported on the last line. */
    ASSERT_REFUSES(DATA "unterminated.csv", DATA "unterminated.csv:4: " CSV_ERR);
    ASSERT_REFUSES(DATA "no_such_file.csv",
                   DATA "no_such_file.csv: cannot read: No such file or directory");
}

static void test_bad_values(void)
{
    ASSERT_REFUSES(DATA "bad_value.csv",
                   DATA "bad_value.csv:3: value: expected a number of firms >= 0, got '13x7'");
    ASSERT_REFUSES(DATA "negative.csv",
                   DATA "negative.csv:3: value: expected a number of firms >= 0, got '-2.385'");
    ASSERT_REFUSES(DATA "sd_zero.csv", DATA "sd_zero.csv:2: sd: expected a number above 0, got '0'");
    ASSERT_REFUSES(DATA "sd_text.csv",
                   DATA "sd_text.csv:3: sd: expected a number above 0, got 'nan'");
    ASSERT_REFUSES(DATA "year_text.csv",
                   DATA "year_text.csv:2: year: expected a year, got '2022.5'");
}

static void test_header(void)
{
    ASSERT_REFUSES(DATA "missing_column.csv",
                   DATA "missing_column.csv:1: missing column 'measure' (the header needs "
                        "year,tier,measure,value and may have sd, source)");
    ASSERT_REFUSES(DATA "dup_column.csv", DATA "dup_column.csv:1: column 'value' appears twice");
    /* Data where the header should be: its first missing name is reported. */
    ASSERT_REFUSES(DATA "no_header.csv",
                   DATA "no_header.csv:1: missing column 'year' (the header needs "
                        "year,tier,measure,value and may have sd, source)");
    ASSERT_REFUSES(DATA "short_row.csv",
                   DATA "short_row.csv:3: expected at least 4 fields, got 2");
}

static void test_unknown_names(void)
{
    ASSERT_REFUSES(DATA "unknown_tier.csv", DATA "unknown_tier.csv:4: unknown tier 'gazelle'");
    ASSERT_REFUSES(DATA "unknown_measure.csv",
                   DATA "unknown_measure.csv:3: unknown measure 'entries' (expected stock, new "
                        "or exits)");
}

static void test_years(void)
{
    ASSERT_REFUSES(DATA "year_late.csv",
                   DATA "year_late.csv:3: year 2026 is outside the scenario's years (1992 .. 2025)");
    ASSERT_REFUSES(DATA "year_early.csv",
                   DATA "year_early.csv:3: year 1991 is outside the scenario's years (1992 .. "
                        "2025)");
}

static void test_duplicate_row(void)
{
    ASSERT_REFUSES(DATA "duplicate.csv",
                   DATA "duplicate.csv:6: 2022 a new is given twice (first at line 2)");
}

static void test_empty(void)
{
    ASSERT_REFUSES(DATA "empty.csv",
                   DATA "empty.csv: empty (expected a header year,tier,measure,value)");
    ASSERT_REFUSES(DATA "blank.csv",
                   DATA "blank.csv: empty (expected a header year,tier,measure,value)");
    ASSERT_REFUSES(DATA "header_only.csv", DATA "header_only.csv: no data rows");
}

/* More fields than the reader holds, and a NUL byte: refused with the line. */
static void test_reader_limits(void)
{
    char big[2048] = "year,tier,measure,value";
    for (int i = 4; i < 257; i++)
        strcat(big, ",x");
    strcat(big, "\n2022,a,stock,137\n");
    const char *path = write_tmp("wide.csv", big, strlen(big));
    char want[256];
    snprintf(want, sizeof want, "%s:1: more than 256 fields", path);
    ASSERT_REFUSES(path, want);
    static const char nul[] = "year,tier,measure,value\n2022,a,st\0ck,137\n";
    path = write_tmp("nul.csv", nul, sizeof nul - 1);
    snprintf(want, sizeof want, "%s:2: NUL byte in the file", path);
    ASSERT_REFUSES(path, want);
}

/* From memory: the same rows and messages as from a file, on bytes that need
 * not end in a NUL, and a history as long as a scenario allows (256 tiers,
 * 230 years, 3 measures: 176640 rows) read in linear time (finding a
 * repeated row used to compare every pair). */
static void test_from_memory(void)
{
    static const char text[] = "year,tier,measure,value\n2022,a,stock,137\n2022,a,stock,138XXXX";
    history *h = (history *)1;
    ts_err err;
    CU_ASSERT_EQUAL(history_parse_mem(&h, "mem.csv", text, sizeof text - 1 - 4, sc, &err), -1);
    CU_ASSERT_PTR_NULL(h);
    CU_ASSERT_STRING_EQUAL(err.msg, "mem.csv:3: 2022 a stock is given twice (first at line 2)");
    CU_ASSERT_EQUAL(history_parse_mem(&h, "mem.csv", text, 41, sc, &err), 0);
    CU_ASSERT(h && h->n_rows == 1 && h->rows[0].value == 137 && strcmp(h->path, "mem.csv") == 0);
    history_free(h);

    size_t cap = 256 * 1024;
    char *big = malloc(cap);
    CU_ASSERT_FATAL(big != NULL);
    size_t n = (size_t)snprintf(big, cap, "[scenario]\nname = big\nstart_year = 2000\n"
                                          "end_year = 2199\n");
    for (int k = 0; k < 256; k++)
        n += (size_t)snprintf(big + n, cap - n, "[tier t%d]\n", k);
    scenario *s = NULL;
    CU_ASSERT_FATAL(scenario_parse_string(&s, big, "big.ini", &err) == 0);
    free(big);
    cap = 8u << 20;
    big = malloc(cap);
    CU_ASSERT_FATAL(big != NULL);
    n = (size_t)snprintf(big, cap, "year,tier,measure,value\n");
    static const char *const m[] = {"stock", "new", "exits"};
    for (int y = 1970; y <= 2199; y++)
        for (int k = 0; k < 256; k++)
            for (int j = 0; j < 3; j++)
                n += (size_t)snprintf(big + n, cap - n, "%d,t%d,%s,%d\n", y, k, m[j], 137 + j);
    CU_ASSERT_FATAL(n < cap - 1);
    clock_t t0 = clock();
    CU_ASSERT_EQUAL(history_parse_mem(&h, "big.csv", big, n, s, &err), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CU_ASSERT(h && h->n_rows == 230 * 256 * 3);
    CU_ASSERT(secs < 10.0);
    history_free(h);
    free(big);
    scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    strcpy(tmpdir, "/tmp/tiersim_test_history_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    ts_err err;
    if (scenario_parse_string(&sc, scenario_text, "h.ini", &err) < 0) {
        fprintf(stderr, "scenario: %s\n", err.msg);
        return 2;
    }
    static const tu_test tests[] = {
        {"columns by name, quoting, sd defaults", test_reads_columns_by_name},
        {"BOM and CRLF", test_bom_and_crlf},
        {"duplicates need year, tier and measure", test_duplicates_need_year_tier_and_measure},
        {"malformed CSV", test_malformed_csv},
        {"bad values", test_bad_values},
        {"header", test_header},
        {"unknown tier and measure", test_unknown_names},
        {"years outside the scenario", test_years},
        {"duplicate row", test_duplicate_row},
        {"empty files", test_empty},
        {"reader limits", test_reader_limits},
        {"from memory; a long history in linear time", test_from_memory},
        {NULL, NULL},
    };
    int rc = tu_run("history", tests);
    static const char *const made[] = {"bom_crlf.csv", "bom_quoted.csv", "distinct.csv",
                                       "wide.csv", "nul.csv"};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", tmpdir, made[i]);
        remove(path);
    }
    rmdir(tmpdir);
    scenario_free(sc);
    return rc;
}
