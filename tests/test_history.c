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

/* known_until at the end of the horizon, so that rows of every year are
 * accepted (by default a history ends at the start). */
static const char scenario_text[] = "[scenario]\nname = h\nstart_year = 2022\nend_year = 2025\n"
                                    "known_until = 2025-12\n"
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
    /* the default January start: a bare year is its update year's end */
    CU_ASSERT_EQUAL(r->date, year * 12 + 11);
    CU_ASSERT_EQUAL(r->months_off, 0);
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

/* ------------------------------------------ separators and encodings */

/* One history written as a spreadsheet would save it: comma-separated with
 * "1,200" quoted, semicolon-separated, tab-separated, and comma-separated in
 * GB18030 with a Chinese source column (青岛 C7E0 B5BA, 统计 CDB3 BCC6).
 * Every form reads as the same rows on the same lines. */
static const char comma_csv[] = "year,tier,measure,value,sd,source\n"
                                "2021,a,stock,\"1,200\",\"1,050.5\",\"MIIT, 2021\"\n"
                                "\n"
                                "2022,srdi,new,320,,x\n"
                                "2023,a,exits,\"12,345\",17.5,\n";
static const char semicolon_csv[] = "year;tier;measure;value;sd;source\n"
                                    "2021;a;stock;1200;1050.5;MIIT, 2021\n"
                                    "\n"
                                    "2022;srdi;new;320;;x\n"
                                    "2023;a;exits;12345;17.5;\n";
static const char tab_csv[] = "year\ttier\tmeasure\tvalue\tsd\tsource\n"
                              "2021\ta\tstock\t1,200\t1,050.5\tMIIT, 2021\n"
                              "\n"
                              "2022\tsrdi\tnew\t320\t\tx\n"
                              "2023\ta\texits\t12,345\t17.5\t\n";
static const char gb_csv[] = "year,tier,measure,value,sd,source\n"
                             "2021,a,stock,\"1,200\",\"1,050.5\",\"\xC7\xE0\xB5\xBA\xCD\xB3\xBC\xC6\"\n"
                             "\n"
                             "2022,srdi,new,320,,x\n"
                             "2023,a,exits,\"12,345\",17.5,\n";

static void check_spreadsheet_rows(const history *h)
{
    CU_ASSERT_FATAL(h != NULL);
    CU_ASSERT_EQUAL_FATAL(h->n_rows, 3);
    check_row(h, 0, 2021, "a", HIST_STOCK, 1200, 1050.5, 1, 2);
    check_row(h, 1, 2022, "srdi", HIST_NEW, 320, sqrt(320.0), 0, 4);
    check_row(h, 2, 2023, "a", HIST_EXITS, 12345, 17.5, 1, 5);
}

static void test_separators_and_encodings(void)
{
    static const struct {
        const char *name, *text;
        size_t len;
        int gb18030;
    } forms[] = {
        {"comma.csv", comma_csv, sizeof comma_csv - 1, 0},
        {"semicolon.csv", semicolon_csv, sizeof semicolon_csv - 1, 0},
        {"tab.csv", tab_csv, sizeof tab_csv - 1, 0},
        {"gb18030.csv", gb_csv, sizeof gb_csv - 1, 1},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        history *h = load_ok(write_tmp(forms[i].name, forms[i].text, forms[i].len));
        check_spreadsheet_rows(h);
        CU_ASSERT(h && h->gb18030 == forms[i].gb18030);
        history_free(h);
        /* the same from memory */
        ts_err err;
        h = NULL;
        CU_ASSERT(history_parse_mem(&h, "m.csv", forms[i].text, forms[i].len, sc, &err) == 0);
        check_spreadsheet_rows(h);
        CU_ASSERT(h && h->gb18030 == forms[i].gb18030);
        history_free(h);
    }
    /* A ';' inside a quoted header name does not make the file ';'. */
    static const char quoted[] = "year,tier,measure,value,\"note; 备注\"\n2021,a,stock,137,x;y\n";
    history *h = load_ok(write_tmp("quoted_sep.csv", quoted, sizeof quoted - 1));
    CU_ASSERT(h != NULL && h->n_rows == 1 && h->rows[0].value == 137);
    history_free(h);
}

/* The commas a spreadsheet cannot have meant as thousands, with the line
 * and column; the encodings refused, as every reader refuses them. */
static void test_separators_refused(void)
{
    char want[512];
    const char *path;
    static const char bad_group[] = "year,tier,measure,value,sd\n2021,a,stock,137,\n"
                                    "2022,a,stock,\"1,20\",\n";
    path = write_tmp("bad_group.csv", bad_group, sizeof bad_group - 1);
    snprintf(want, sizeof want, "%s:3: value: '1,20': ',' separates thousands in groups of three "
             "digits (1,200); write the number without it", path);
    ASSERT_REFUSES(path, want);
    static const char bad_sd[] = "year\ttier\tmeasure\tvalue\tsd\n2021\ta\tstock\t137\t1,2345\n";
    path = write_tmp("bad_sd.csv", bad_sd, sizeof bad_sd - 1);
    snprintf(want, sizeof want, "%s:2: sd: '1,2345': ',' separates thousands in groups of three "
             "digits (1,200); write the number without it", path);
    ASSERT_REFUSES(path, want);
    /* In a ';' file a ',' may be a decimal comma: refused, however grouped. */
    static const char semi[] = "year;tier;measure;value;sd\n2021;a;stock;137;\n2022;a;new;13;2,5\n";
    path = write_tmp("semi_comma.csv", semi, sizeof semi - 1);
    snprintf(want, sizeof want, "%s:3: sd: '2,5' has a ',' in a file separated by ';': a decimal "
             "comma or a thousands separator? write it with '.' for decimals and no ','", path);
    ASSERT_REFUSES(path, want);
    static const char semi_group[] = "year;tier;measure;value\n2021;a;stock;1,200\n";
    path = write_tmp("semi_group.csv", semi_group, sizeof semi_group - 1);
    snprintf(want, sizeof want, "%s:2: value: '1,200' has a ',' in a file separated by ';': a "
             "decimal comma or a thousands separator? write it with '.' for decimals and no ','",
             path);
    ASSERT_REFUSES(path, want);
    /* Not a number at all: the message it always had. */
    static const char words[] = "year,tier,measure,value\n2021,a,stock,\"1,200 firms\"\n";
    path = write_tmp("words.csv", words, sizeof words - 1);
    snprintf(want, sizeof want, "%s:2: value: expected a number of firms >= 0, got '1,200 firms'",
             path);
    ASSERT_REFUSES(path, want);
    /* A header with two separators: which one is meant is not for us to guess. */
    static const char mixed[] = "\n year\ttier,measure,value\n2021,a,stock,137\n";
    path = write_tmp("mixed.csv", mixed, sizeof mixed - 1);
    snprintf(want, sizeof want, "%s:2: the header has both ',' and tab outside quotes: which "
             "separates the columns? save it with one of them", path);
    ASSERT_REFUSES(path, want);
    static const char utf16[] = "\xFF\xFEy\0e\0a\0r\0";
    path = write_tmp("utf16.csv", utf16, sizeof utf16 - 1);
    snprintf(want, sizeof want, "%s: saved as UTF-16 (it starts with FF FE): save it as UTF-8",
             path);
    ASSERT_REFUSES(path, want);
    static const char bom_bad[] = "\xEF\xBB\xBFyear,tier,measure,value\n2021,a,stock,137,\xC7\xE0\n";
    path = write_tmp("bom_bad.csv", bom_bad, sizeof bom_bad - 1);
    snprintf(want, sizeof want, "%s:2: not valid UTF-8 (byte 0xC7), though the file starts with "
             "a UTF-8 byte-order mark", path);
    ASSERT_REFUSES(path, want);
    static const char gb_bad[] = "year,tier,measure,value,source\n2021,a,stock,137,\xC7\xE0\n"
                                 "2022,a,stock,138,\xC7\n";
    path = write_tmp("gb_bad.csv", gb_bad, sizeof gb_bad - 1);
    snprintf(want, sizeof want, "%s:3: neither UTF-8 nor GB18030 (byte 0xC7): save it as UTF-8",
             path);
    ASSERT_REFUSES(path, want);
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
                   DATA "year_text.csv:2: year: expected a date YYYY-MM or a year YYYY, got "
                        "'2022.5'");
}

static void test_header(void)
{
    ASSERT_REFUSES(DATA "missing_column.csv",
                   DATA "missing_column.csv:1: missing column 'measure' (the header needs "
                        "year,tier,measure,value and may have sd, source)");
    ASSERT_REFUSES(DATA "dup_column.csv", DATA "dup_column.csv:1: column 'value' appears twice");
    /* Data where the header should be: its first missing name is reported. */
    ASSERT_REFUSES(DATA "no_header.csv",
                   DATA "no_header.csv:1: missing column 'year' or 'as_of' (the header needs "
                        "year,tier,measure,value and may have sd, source)");
    ASSERT_REFUSES(DATA "short_row.csv",
                   DATA "short_row.csv:3: expected at least 4 fields, got 2");
}

static void test_unknown_names(void)
{
    ASSERT_REFUSES(DATA "unknown_tier.csv", DATA "unknown_tier.csv:4: unknown tier 'gazelle'");
    ASSERT_REFUSES(DATA "unknown_measure.csv",
                   DATA "unknown_measure.csv:3: unknown measure 'entries' (expected stock, new, "
                        "exits, expired, renewed, moved_in or cumulative)");
}

static void test_years(void)
{
    /* A bare year is its December: a year after end_year is twelve months
     * from the last period end. */
    ASSERT_REFUSES(DATA "year_late.csv",
                   DATA "year_late.csv:3: 2026 is 12 months from the nearest period end "
                        "(2025-12); history dates run from 1992-06 to 2026-06 (six months "
                        "around the period ends of the update years 1992 .. 2025)");
    ASSERT_REFUSES(DATA "year_early.csv",
                   DATA "year_early.csv:3: 1991 is 12 months from the nearest period end "
                        "(1992-12); history dates run from 1992-06 to 2026-06 (six months "
                        "around the period ends of the update years 1992 .. 2025)");
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

/* ------------------------------------------------------------ dates */

static const char mid_year_text[] =
    "[scenario]\nname = h7\nstart_year = 2022\nstart = 2022-07\nend_year = 2025\n"
    "known_until = 2024-06\n[tier a]\nstock = 137\nvalidity = 3\n[tier srdi]\nstock = 320\n";

/* history_parse_mem of `text` against s must give exactly `want`. */
static int mem_refuses(const scenario *s, const char *text, const char *want)
{
    history *h = (history *)1;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (history_parse_mem(&h, "mem.csv", text, strlen(text), s, &err) == 0) {
        fprintf(stderr, "\n  accepted; wanted: %s\n", want);
        history_free(h);
        return 0;
    }
    if (h != NULL || strcmp(err.msg, want) != 0) {
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", err.msg, want);
        return 0;
    }
    return 1;
}
#define ASSERT_MEM_REFUSES(s, text, want) CU_ASSERT(mem_refuses((s), (text), (want)))

static void check_date(const history_row *r, int year, int y, int mo, int off)
{
    if (r->year != year || r->date != y * 12 + mo - 1 || r->months_off != off)
        fprintf(stderr, "\n  line %d: year %d, date %d-%02d, off %d; want %d, %d-%02d, %d\n",
                r->line, r->year, r->date / 12, r->date % 12 + 1, r->months_off, year, y, mo,
                off);
    CU_ASSERT_EQUAL(r->year, year);
    CU_ASSERT_EQUAL(r->date, y * 12 + mo - 1);
    CU_ASSERT_EQUAL(r->months_off, off);
}

/* start = 2022-07: update Y ends in June of Y + 1, the start (update 2021)
 * in 2022-06.  A date goes to the nearest period end, a tie (December, six
 * months from two) to the later one; a bare year is its December; the
 * column may be called as_of; known_until itself is allowed; the first
 * update year's period end (1993-06) takes dates from six months before. */
static void test_dates_mid_year(void)
{
    scenario *s = NULL;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_string(&s, mid_year_text, "h7.ini", &err) == 0);
    static const char text[] = "as_of,tier,measure,value\n"
                               "2022-06,a,stock,137\n"
                               "2022-09,srdi,stock,320\n"
                               "2022-12,a,new,23\n"
                               "2022,srdi,new,41\n"
                               "2023-06,a,stock,141\n"
                               "2024-06,a,expired,13\n"
                               "1992-12,a,stock,100\n"
                               "2023-01,srdi,exits,7\n"
                               "2022-01,a,exits,3\n";
    history *h = NULL;
    CU_ASSERT_FATAL(history_parse_mem(&h, "mem.csv", text, sizeof text - 1, s, &err) == 0);
    CU_ASSERT_EQUAL_FATAL(h->n_rows, 9);
    check_date(&h->rows[0], 2021, 2022, 6, 0);
    check_date(&h->rows[1], 2021, 2022, 9, 3);
    check_date(&h->rows[2], 2022, 2022, 12, -6);
    check_date(&h->rows[3], 2022, 2022, 12, -6);
    check_date(&h->rows[4], 2022, 2023, 6, 0);
    check_date(&h->rows[5], 2023, 2024, 6, 0);
    check_date(&h->rows[6], 1992, 1992, 12, -6);
    check_date(&h->rows[7], 2022, 2023, 1, -5);
    check_date(&h->rows[8], 2021, 2022, 1, -5);
    CU_ASSERT_EQUAL(h->rows[5].measure, HIST_EXPIRED);
    history_free(h);

    static const char *const window = "; history dates run from 1992-12 to 2026-12 (six months "
                                      "around the period ends of the update years 1992 .. 2025)";
    char want[512];
    snprintf(want, sizeof want, "mem.csv:2: 1992-11 is 7 months from the nearest period end "
             "(1993-06)%s", window);
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value\n1992-11,a,stock,1\n", want);
    /* the window is checked before known_until */
    snprintf(want, sizeof want, "mem.csv:2: 2027-01 is 7 months from the nearest period end "
             "(2026-06)%s", window);
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value\n2027-01,a,stock,1\n", want);
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value\n2022-06,a,stock,137\n2024-07,a,stock,1\n",
                       "mem.csv:3: 2024-07 is after known_until 2024-06: later outcomes belong in "
                       "an observed file for `tiersim validate`, not in the history");
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value\n2024,a,stock,1\n",
                       "mem.csv:2: 2024 is after known_until 2024-06: later outcomes belong in "
                       "an observed file for `tiersim validate`, not in the history");
    /* Two dates of one period: one row per period end. */
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value\n2023-06,a,stock,141\n2023-03,a,stock,140\n",
                       "mem.csv:3: 2023-03 a stock and line 2's 2023-06 fall on the same period "
                       "end 2023-06 (one row per period)");
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value\n2022-12,a,new,23\n2022,a,new,24\n",
                       "mem.csv:3: 2022 a new is given twice (first at line 2)");
    /* Re-review measures need validity (srdi has none). */
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value\n2023-06,srdi,expired,3\n",
                       "mem.csv:2: tier 'srdi' has no validity, so nothing expired: its "
                       "certificates are never re-reviewed");
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value\n2023-06,srdi,renewed,3\n",
                       "mem.csv:2: tier 'srdi' has no validity, so nothing renewed: its "
                       "certificates are never re-reviewed");
    /* Not dates. */
    static const char *const bad[] = {"2022-13", "2022-00", "2022-7", "22-07", "2022-07-01",
                                      "2022/07", "0999-12", "2022-1a", "+2022", "2022-"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text2[128];
        snprintf(text2, sizeof text2, "as_of,tier,measure,value\n%s,a,stock,1\n", bad[i]);
        snprintf(want, sizeof want, "mem.csv:2: as_of: expected a date YYYY-MM or a year YYYY, "
                 "got '%s'", bad[i]);
        ASSERT_MEM_REFUSES(s, text2, want);
    }
    ASSERT_MEM_REFUSES(s, "year,tier,as_of,measure,value\n2022,a,2022-06,stock,1\n",
                       "mem.csv:1: columns 'year' and 'as_of' both give the date: keep one");
    ASSERT_MEM_REFUSES(s, "as_of,tier,measure,value,as_of\n2022-06,a,stock,1,2022-06\n",
                       "mem.csv:1: column 'as_of' appears twice");
    scenario_free(s);
}

/* The default January start: a bare year is its update year (as histories
 * always were read), December of start_year - 1 the start, and without
 * known_until the history ends there. */
static void test_dates_default_start(void)
{
    scenario *s = NULL;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_string(&s, "[scenario]\nname = d\nstart_year = 2022\n"
                                          "end_year = 2025\n[tier a]\nstock = 137\n", "d.ini",
                                          &err) == 0);
    static const char text[] = "year,tier,measure,value\n2021,a,stock,137\n2021-12,a,new,23\n"
                               "2021-06,a,exits,3\n2021-05,a,new,19\n2020,a,stock,131\n";
    history *h = NULL;
    CU_ASSERT_FATAL(history_parse_mem(&h, "mem.csv", text, sizeof text - 1, s, &err) == 0);
    CU_ASSERT_EQUAL_FATAL(h->n_rows, 5);
    check_date(&h->rows[0], 2021, 2021, 12, 0);
    check_date(&h->rows[1], 2021, 2021, 12, 0);
    check_date(&h->rows[2], 2021, 2021, 6, -6);
    check_date(&h->rows[3], 2020, 2021, 5, 5);
    check_date(&h->rows[4], 2020, 2020, 12, 0);
    history_free(h);
    ASSERT_MEM_REFUSES(s, "year,tier,measure,value\n2022-01,a,stock,140\n",
                       "mem.csv:2: 2022-01 is after known_until 2021-12: later outcomes belong in "
                       "an observed file for `tiersim validate`, not in the history");
    ASSERT_MEM_REFUSES(s, "year,tier,measure,value\n2021,a,stock,137\n2021-12,a,stock,138\n",
                       "mem.csv:3: 2021-12 a stock is given twice (first at line 2)");
    scenario_free(s);
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
    snprintf(want, sizeof want, "%s:2: NUL byte in the file (saved as UTF-16, or not text): save "
             "it as UTF-8", path);
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
                                          "end_year = 2199\nknown_until = 2199-12\n");
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
        {"',', ';' and tab; \"1,200\"; GB18030", test_separators_and_encodings},
        {"separators, thousands and encodings refused", test_separators_refused},
        {"duplicates need year, tier and measure", test_duplicates_need_year_tier_and_measure},
        {"malformed CSV", test_malformed_csv},
        {"bad values", test_bad_values},
        {"header", test_header},
        {"unknown tier and measure", test_unknown_names},
        {"years outside the scenario", test_years},
        {"duplicate row", test_duplicate_row},
        {"empty files", test_empty},
        {"dates: a mid-year start", test_dates_mid_year},
        {"dates: the default start", test_dates_default_start},
        {"reader limits", test_reader_limits},
        {"from memory; a long history in linear time", test_from_memory},
        {NULL, NULL},
    };
    int rc = tu_run("history", tests);
    static const char *const made[] = {"bom_crlf.csv", "bom_quoted.csv", "distinct.csv",
                                       "wide.csv", "nul.csv", "comma.csv", "semicolon.csv",
                                       "tab.csv", "gb18030.csv", "quoted_sep.csv",
                                       "bad_group.csv", "bad_sd.csv", "semi_comma.csv",
                                       "semi_group.csv", "words.csv", "mixed.csv", "utf16.csv",
                                       "bom_bad.csv", "gb_bad.csv"};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", tmpdir, made[i]);
        remove(path);
    }
    rmdir(tmpdir);
    scenario_free(sc);
    return rc;
}
