/* The observed reader (observed.c, its dates through history_read_date):
 * columns by name, quoting, BOM and CRLF, the source column; dates matched
 * to the nearest period end of a July-start scenario (ties to the later, a
 * bare year for December, the start, the six-month limit at both ends, no
 * known_until bound); and every refusal with its exact "FILE:LINE: message",
 * leaving *out NULL. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observed.h"
#include "scenario.h"
#include "testutil.h"

/* Update y runs July y to June y + 1: the start is 2022-06, the period ends
 * 2023-06 .. 2026-06; known_until (2022-07) bounds histories, not this. */
static const char scenario_text[] = "[scenario]\nname = o\nstart_year = 2022\nend_year = 2025\n"
                                    "start = 2022-07\nknown_until = 2022-07\n"
                                    "[tier a]\nstock = 137\n[tier srdi]\nstock = 320\n"
                                    "validity = 3\n";
static scenario *sc;

static observed *parse_ok(const char *text)
{
    observed *o = NULL;
    ts_err err;
    if (observed_parse_mem(&o, "o.csv", text, strlen(text), sc, &err) < 0) {
        fprintf(stderr, "\n  refused: %s\n", err.msg);
        return NULL;
    }
    return o;
}

/* observed_parse_mem must fail with exactly `want` and leave *out NULL. */
static int refuses(const char *text, size_t len, const char *want)
{
    observed *o = (observed *)1;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (observed_parse_mem(&o, "o.csv", text, len, sc, &err) == 0) {
        fprintf(stderr, "\n  accepted; wanted: %s\n", want);
        observed_free(o);
        return 0;
    }
    if (o != NULL) {
        fprintf(stderr, "\n  refused but *out is not NULL\n");
        return 0;
    }
    if (strcmp(err.msg, want) != 0) {
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", err.msg, want);
        return 0;
    }
    return 1;
}
#define ASSERT_REFUSES(text, want) CU_ASSERT(refuses((text), strlen(text), (want)))

static void check_row(const observed *o, size_t i, const char *as_of, int year, int months_off,
                      const char *tier, ts_measure m, int64_t value, const char *source,
                      int line)
{
    CU_ASSERT_FATAL(i < o->n_rows);
    const observed_row *r = &o->rows[i];
    CU_ASSERT_STRING_EQUAL(r->as_of, as_of);
    CU_ASSERT_EQUAL(r->year, year);
    CU_ASSERT_EQUAL(r->months_off, months_off);
    CU_ASSERT_STRING_EQUAL(sc->tiers[r->tier].name, tier);
    CU_ASSERT_EQUAL(r->measure, m);
    CU_ASSERT_EQUAL(r->value, value);
    CU_ASSERT_STRING_EQUAL(r->source, source);
    CU_ASSERT_EQUAL(r->line, line);
    if (r->year != year || r->months_off != months_off || r->line != line)
        fprintf(stderr, "\n  row %zu: year %d off %d line %d\n", i, r->year, r->months_off,
                r->line);
}

/* Columns in any order, an extra column, a quoted source with a comma and
 * a line break, blanks, a blank line, every measure. */
static void test_columns(void)
{
    observed *o = parse_ok("note,value,measure,tier,source,as_of\n"
                           "x, 6835 ,stock,srdi,\"Qingdao Morning Post, 2024-06-07\",2024-06\n"
                           "\n"
                           ",190,cumulative,a,\"two\nlines\",2024-01\n"
                           ",503,new,srdi,,2023-04\n"
                           ",12,inflow,a,,2025-06\n,4,promoted_in,a,,2025-06\n"
                           ",3,exits,a,,2025-06\n,7,expired,srdi,,2025-06\n"
                           ",9,renewed,srdi,,2025-06\n,1,moved_in,a,,2025-06\n"
                           ",6835.0,stock,a,,2026-06\n");
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_EQUAL_FATAL(o->n_rows, 10);
    CU_ASSERT_STRING_EQUAL(o->path, "o.csv");
    check_row(o, 0, "2024-06", 2023, 0, "srdi", M_STOCK, 6835, "Qingdao Morning Post, 2024-06-07",
              2);
    check_row(o, 1, "2024-01", 2023, -5, "a", M_CUMULATIVE, 190, "two\nlines", 5);
    check_row(o, 2, "2023-04", 2022, -2, "srdi", M_NEW, 503, "", 6);
    check_row(o, 3, "2025-06", 2024, 0, "a", M_INFLOW, 12, "", 7);
    CU_ASSERT_EQUAL(o->rows[4].measure, M_PROMOTED_IN);
    CU_ASSERT_EQUAL(o->rows[5].measure, M_EXITS);
    CU_ASSERT_EQUAL(o->rows[6].measure, M_EXPIRED);
    CU_ASSERT_EQUAL(o->rows[7].measure, M_RENEWED);
    CU_ASSERT_EQUAL(o->rows[8].measure, M_MOVED_IN);
    check_row(o, 9, "2026-06", 2025, 0, "a", M_STOCK, 6835, "", 13);
    observed_free(o);
    observed_free(NULL);
    /* 2^62 exactly, in digits; 6.835e3 */
    o = parse_ok("as_of,tier,measure,value\n2024-06,a,stock,4611686018427387904\n"
                 "2024-06,a,new,6.835e3\n");
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT(o->rows[0].value == 4611686018427387904LL && o->rows[1].value == 6835);
    observed_free(o);
    /* no source column at all */
    o = parse_ok("as_of,tier,measure,value\n2024-06,a,stock,140\n");
    CU_ASSERT_FATAL(o != NULL);
    check_row(o, 0, "2024-06", 2023, 0, "a", M_STOCK, 140, "", 2);
    observed_free(o);
}

/* A UTF-8 BOM, CRLF, no line end after the last row. */
static void test_bom_crlf(void)
{
    observed *o = parse_ok("\xEF\xBB\xBF\"as_of\",tier,measure,value,source\r\n"
                           "2023-06,a,stock,141,\"a\r\nb\"\r\n\r\n2024-06,a,stock,150");
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_EQUAL_FATAL(o->n_rows, 2);
    check_row(o, 0, "2023-06", 2022, 0, "a", M_STOCK, 141, "a\r\nb", 3);
    check_row(o, 1, "2024-06", 2023, 0, "a", M_STOCK, 150, "", 5);
    observed_free(o);
}

/* The nearest period end; six months from two of them, the later; a bare
 * year is December; the start and six months around it; the last period
 * end and six months after it; and after known_until, accepted. */
static void test_dates(void)
{
    observed *o = parse_ok("as_of,tier,measure,value\n"
                           "2023-06,a,stock,1\n"        /* update 2022's end */
                           "2023-12,a,new,2\n"          /* 6 from 2023-06 and 2024-06: 2024-06 */
                           "2023,a,exits,3\n"           /* 2023-12, the same */
                           "2024-02,a,inflow,4\n"       /* 4 before 2024-06 */
                           "2022-06,a,stock,5\n"        /* the start */
                           "2021-12,srdi,stock,6\n"     /* 6 before the start: still it */
                           "2022-12,srdi,new,7\n"       /* 6 after it, 6 before 2023-06: 2023-06 */
                           "2026-12,a,stock,9\n");      /* 6 after the last period end */
    CU_ASSERT_FATAL(o != NULL);
    CU_ASSERT_EQUAL_FATAL(o->n_rows, 8);
    check_row(o, 0, "2023-06", 2022, 0, "a", M_STOCK, 1, "", 2);
    check_row(o, 1, "2023-12", 2023, -6, "a", M_NEW, 2, "", 3);
    check_row(o, 2, "2023", 2023, -6, "a", M_EXITS, 3, "", 4);
    check_row(o, 3, "2024-02", 2023, -4, "a", M_INFLOW, 4, "", 5);
    check_row(o, 4, "2022-06", 2021, 0, "a", M_STOCK, 5, "", 6);
    check_row(o, 5, "2021-12", 2021, -6, "srdi", M_STOCK, 6, "", 7);
    check_row(o, 6, "2022-12", 2022, -6, "srdi", M_NEW, 7, "", 8);
    check_row(o, 7, "2026-12", 2025, 6, "a", M_STOCK, 9, "", 9);
    observed_free(o);
    /* 3 months after the start, 9 before the first period end: the start */
    o = parse_ok("as_of,tier,measure,value\n2022-09,srdi,stock,8\n");
    CU_ASSERT_FATAL(o != NULL);
    check_row(o, 0, "2022-09", 2021, 3, "srdi", M_STOCK, 8, "", 2);
    observed_free(o);
    /* one month beyond the window, at each end */
    ASSERT_REFUSES("as_of,tier,measure,value\n2021-11,a,stock,1\n",
                   "o.csv:2: 2021-11 is 7 months from the nearest period end (2022-06); observed "
                   "dates run from 2021-12 to 2026-12 (six months around the start, 2022-06, "
                   "and the period ends of the update years 2022 .. 2025)");
    ASSERT_REFUSES("as_of,tier,measure,value\n2026-12,a,stock,1\n2027,a,new,1\n",
                   "o.csv:3: 2027 is 18 months from the nearest period end (2026-06); observed "
                   "dates run from 2021-12 to 2026-12 (six months around the start, 2022-06, "
                   "and the period ends of the update years 2022 .. 2025)");
    /* only a stock at the start */
    ASSERT_REFUSES("as_of,tier,measure,value\n2022-09,a,new,3\n",
                   "o.csv:2: 2022-09 falls on the start (2022-06), where only a stock can be "
                   "observed, not 'new'");
    ASSERT_REFUSES("as_of,tier,measure,value\n2022-06,a,cumulative,3\n",
                   "o.csv:2: 2022-06 falls on the start (2022-06), where only a stock can be "
                   "observed, not 'cumulative'");
    static const char *const bad[] = {"2022-13", "2022-00", "2022-7", "22-07", "2022-07-01",
                                      "mid-2023", "0x7e6", "", "2023H1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128], want[160];
        snprintf(text, sizeof text, "as_of,tier,measure,value\n%s,a,stock,1\n", bad[i]);
        snprintf(want, sizeof want, "o.csv:2: as_of: expected a date YYYY-MM or a year YYYY, "
                 "got '%s'", bad[i]);
        ASSERT_REFUSES(text, want);
    }
}

/* A January start: a bare year is that update year's end; the start is
 * the December before. */
static void test_january_start(void)
{
    scenario *s = NULL;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_string(&s, "[scenario]\nname = j\nstart_year = 2022\n"
                                              "end_year = 2024\n[tier a]\nstock = 9\n",
                                          "j.ini", &err) == 0);
    static const char text[] = "as_of,tier,measure,value\n2022,a,stock,1\n2021,a,stock,2\n"
                               "2024-06,a,new,3\n2025-06,a,exits,4\n";
    observed *o = NULL;
    CU_ASSERT_FATAL(observed_parse_mem(&o, "j.csv", text, sizeof text - 1, s, &err) == 0);
    CU_ASSERT(o->rows[0].year == 2022 && o->rows[0].months_off == 0);
    CU_ASSERT(o->rows[1].year == 2021 && o->rows[1].months_off == 0);
    CU_ASSERT(o->rows[2].year == 2024 && o->rows[2].months_off == -6);
    CU_ASSERT(o->rows[3].year == 2024 && o->rows[3].months_off == 6);
    observed_free(o);
    static const char late[] = "as_of,tier,measure,value\n2025-07,a,stock,1\n";
    CU_ASSERT_EQUAL(observed_parse_mem(&o, "j.csv", late, sizeof late - 1, s, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "j.csv:2: 2025-07 is 7 months from the nearest period end "
                                    "(2024-12); observed dates run from 2021-06 to 2025-06 (six "
                                    "months around the start, 2021-12, and the period ends of "
                                    "the update years 2022 .. 2024)");
    scenario_free(s);
}

/* Every other refusal, with its line. */
static void test_refusals(void)
{
    const char *H = "as_of,tier,measure,value\n";
    char t[512];
#define WITH(rows) (snprintf(t, sizeof t, "%s%s", H, rows), t)
    ASSERT_REFUSES("", "o.csv: empty (expected a header as_of,tier,measure,value)");
    ASSERT_REFUSES("\n\n", "o.csv: empty (expected a header as_of,tier,measure,value)");
    ASSERT_REFUSES(H, "o.csv: no data rows");
    ASSERT_REFUSES("as_of,tier,value\n2024,a,1\n",
                   "o.csv:1: missing column 'measure' (the header needs as_of,tier,measure,value "
                   "and may have source)");
    ASSERT_REFUSES("year,tier,measure,value\n2024,a,stock,1\n",
                   "o.csv:1: missing column 'as_of' (the header needs as_of,tier,measure,value "
                   "and may have source)");
    ASSERT_REFUSES("as_of,tier,measure,value,source,source\n2024,a,stock,1,x,y\n",
                   "o.csv:1: column 'source' appears twice");
    ASSERT_REFUSES(WITH("2024-06,a\n"), "o.csv:2: expected at least 4 fields, got 2");
    ASSERT_REFUSES(WITH("2024-06,a,stock,\"48\"0\n"),
                   "o.csv:2: malformed CSV (error parsing data while strict checking enabled)");
    ASSERT_REFUSES(WITH("2024-06,zz,stock,1\n"), "o.csv:2: unknown tier 'zz'");
    ASSERT_REFUSES(WITH("2024-06,a,entries,1\n"),
                   "o.csv:2: unknown measure 'entries' (expected stock, new, cumulative, inflow, "
                   "promoted_in, exits, expired, renewed or moved_in)");
    ASSERT_REFUSES(WITH("2024-06,a,renewed,1\n"),
                   "o.csv:2: tier 'a' has no validity, so nothing renewed: its certificates are "
                   "never re-reviewed");
    static const char *const values[] = {"12.5", "-3", "", "1e19", "nan", "6835 firms",
                                         "4611686018427387905", "9007199254740994.0"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char row[64], want[160];
        snprintf(row, sizeof row, "2024-06,a,stock,\"%s\"\n", values[i]);
        snprintf(want, sizeof want, "o.csv:2: value: expected a whole number of firms from 0 to "
                 "2^62, got '%s'", values[i]);
        ASSERT_REFUSES(WITH(row), want);
    }
    ASSERT_REFUSES(WITH("2024-06,a,stock,1\n2024-06,a,new,1\n2024-06,srdi,stock,1\n"
                        "2024-06,a,stock,2\n"),
                   "o.csv:5: 2024-06 a stock is given twice (first at line 2)");
    ASSERT_REFUSES(WITH("2024-01,srdi,stock,6835\n2024-06,srdi,stock,6835\n"),
                   "o.csv:3: 2024-06 srdi stock and line 2's 2024-01 fall on the same period "
                   "end 2024-06 (one row per period)");
    /* Counts as a spreadsheet writes them: grouped in threes, or refused as
     * history refuses them; a ',' in a ';' file may be a decimal comma. */
    observed *g = parse_ok(WITH("2024-06,a,stock,\"4,800\"\n"));
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT_EQUAL(g->rows[0].value, 4800);
    CU_ASSERT_EQUAL(g->gb18030, 0);
    observed_free(g);
    ASSERT_REFUSES(WITH("2024-06,a,stock,\"48,00\"\n"),
                   "o.csv:2: value: '48,00': ',' separates thousands in groups of three digits "
                   "(1,200); write the number without it");
    ASSERT_REFUSES("as_of;tier;measure;value\n2024-06;a;stock;4,800\n",
                   "o.csv:2: value: '4,800' has a ',' in a file separated by ';': a decimal comma "
                   "or a thousands separator? write it with '.' for decimals and no ','");
    /* 青岛 in GB18030, in the source column: read, and said so */
    g = parse_ok("as_of,tier,measure,value,source\n2024-06,a,stock,5,\xC7\xE0\xB5\xBA\n");
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT_EQUAL(g->gb18030, 1);
    CU_ASSERT_STRING_EQUAL(g->rows[0].source, "青岛");
    observed_free(g);
    static const char nul[] = "as_of,tier,measure,value\n2024-06,a,st\0ck,1\n";
    CU_ASSERT(refuses(nul, sizeof nul - 1, "o.csv:2: NUL byte in the file (saved as UTF-16, or not text): save it as UTF-8"));
    char wide[2048] = "as_of,tier,measure,value";
    for (int i = 4; i < 257; i++)
        strcat(wide, ",x");
    strcat(wide, "\n2024-06,a,stock,1\n");
    ASSERT_REFUSES(wide, "o.csv:1: more than 256 fields");
    /* a file that is not there */
    observed *o = (observed *)1;
    ts_err err;
    CU_ASSERT_EQUAL(observed_load(&o, "tests/data/observed/nowhere.csv", sc, &err), -1);
    CU_ASSERT_PTR_NULL(o);
    CU_ASSERT_STRING_EQUAL(err.msg, "tests/data/observed/nowhere.csv: cannot read: No such file "
                                    "or directory");
#undef WITH
}

int main(void)
{
    gsl_set_error_handler_off();
    ts_err err;
    if (scenario_parse_string(&sc, scenario_text, "o.ini", &err) < 0) {
        fprintf(stderr, "scenario: %s\n", err.msg);
        return 2;
    }
    static const tu_test tests[] = {
        {"columns by name, quoting, every measure", test_columns},
        {"BOM and CRLF", test_bom_crlf},
        {"dates: nearest period end, ties, the start, the six-month limit", test_dates},
        {"dates: a January start", test_january_start},
        {"every refusal with its line", test_refusals},
        {NULL, NULL},
    };
    int rc = tu_run("observed", tests);
    scenario_free(sc);
    return rc;
}
