#include "num.h"
#include "testutil.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sentinel that a failing parser must leave alone. */
#define UNTOUCHED (-123.25)

static int parses_to(const char *s, double want)
{
    double v = UNTOUCHED;
    if (num_parse_double(s, &v) != 0)
        return 0;
    /* Bitwise equality: the parser must give the double strtod gives, and +0. */
    return memcmp(&v, &want, sizeof v) == 0;
}

static int refused(const char *s)
{
    double v = UNTOUCHED;
    return num_parse_double(s, &v) == -1 && v == UNTOUCHED;
}

static void test_double_accepts(void)
{
    CU_ASSERT(parses_to("0", 0.0));
    CU_ASSERT(parses_to("1", 1.0));
    CU_ASSERT(parses_to("-1", -1.0));
    CU_ASSERT(parses_to("+1", 1.0));
    CU_ASSERT(parses_to("0.2385", 0.2385));
    CU_ASSERT(parses_to(".5", 0.5));
    CU_ASSERT(parses_to("-.5", -0.5));
    CU_ASSERT(parses_to("+.125", 0.125));
    CU_ASSERT(parses_to("137", 137.0));
    CU_ASSERT(parses_to("007", 7.0));
    CU_ASSERT(parses_to("1e3", 1000.0));
    CU_ASSERT(parses_to("1E-3", 0.001));
    CU_ASSERT(parses_to("1.5e+2", 150.0));
    CU_ASSERT(parses_to("2.5e0", 2.5));
    CU_ASSERT(parses_to("  6923 ", 6923.0));
    CU_ASSERT(parses_to("\t0.327\r\n", 0.327));
    CU_ASSERT(parses_to("1e0000000000000000000000003", 1000.0));
    CU_ASSERT(parses_to("0.1000000000000000000000000000000000000000000000001", 0.1));
}

static void test_double_limits(void)
{
    CU_ASSERT(parses_to("1e308", 1e308));
    CU_ASSERT(parses_to("-1e308", -1e308));
    CU_ASSERT(parses_to("1.7976931348623157e308", DBL_MAX));
    CU_ASSERT(refused("1e309"));
    CU_ASSERT(refused("-1e309"));
    CU_ASSERT(refused("1.7976931348623159e308")); /* rounds to infinity */
    CU_ASSERT(refused("1e99999999999999999999"));
    /* Underflow is accepted: to a subnormal, or to zero. */
    CU_ASSERT(parses_to("4.9e-324", 4.9e-324));
    CU_ASSERT(parses_to("1e-310", 1e-310));
    CU_ASSERT(parses_to("1e-400", 0.0));
    CU_ASSERT(parses_to("1e-99999999999999999999", 0.0));
}

static void test_double_negative_zero(void)
{
    const char *zeros[] = {"-0", "-0.0", "-.0", "-0e5", " -0 ", "-1e-400", "+0", "0.000"};
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
        double v = UNTOUCHED;
        CU_ASSERT_EQUAL(num_parse_double(zeros[i], &v), 0);
        CU_ASSERT(v == 0.0 && !signbit(v));
    }
}

static void test_double_refuses(void)
{
    const char *bad[] = {
        "", " ", "\t\n", "+", "-", ".", "+.", "-.", "1.", "-1.", "1.e5", "1e", "1e+", "1E-",
        "e5", "E5", "1.2.3", "12abc", "1 2", "1,5", "1_000", "--1", "+-1", "-+1", "1e1.5",
        "1e5e5", "0x1p3", "0X10", "0x10", "0b101", "nan", "NaN", "-nan", "inf", "-inf",
        "+inf", "infinity", "INF", "%", "5%", "1 %", "abc", "1d", "1f", "١٢", "\xef\xbc\x91",
        "(1)", "'1'", "1\x01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int ok = refused(bad[i]);
        if (!ok)
            fprintf(stderr, "\n  accepted '%s'\n", bad[i]);
        CU_ASSERT(ok);
    }
    double v = UNTOUCHED;
    CU_ASSERT_EQUAL(num_parse_double(NULL, &v), -1);
    CU_ASSERT(v == UNTOUCHED);
}

/* "X%" must give exactly the double of the decimal X/100 written out. */
static int percent_is(const char *s, const char *decimal, int want_pct)
{
    double v = UNTOUCHED;
    int pct = -1;
    if (num_parse_percent(s, &v, &pct) != 0 || pct != want_pct)
        return 0;
    double want = strtod(decimal, NULL);
    if (memcmp(&v, &want, sizeof v) != 0) {
        fprintf(stderr, "\n  '%s': got %.17g, want %.17g\n", s, v, want);
        return 0;
    }
    return 1;
}

static void test_percent(void)
{
    CU_ASSERT(percent_is("35.8%", "0.358", 1));
    CU_ASSERT(percent_is("32.7%", "0.327", 1));
    CU_ASSERT(percent_is("35.8 %", "0.358", 1));
    CU_ASSERT(percent_is("  35.8\t%  ", "0.358", 1));
    CU_ASSERT(percent_is("0.358", "0.358", 0));
    CU_ASSERT(percent_is("5%", "0.05", 1));
    CU_ASSERT(percent_is("0.5%", "0.005", 1));
    CU_ASSERT(percent_is(".5%", "0.005", 1));
    CU_ASSERT(percent_is("-2.5%", "-0.025", 1));
    CU_ASSERT(percent_is("+7%", "0.07", 1));
    CU_ASSERT(percent_is("100%", "1", 1));
    CU_ASSERT(percent_is("123.45%", "1.2345", 1));
    CU_ASSERT(percent_is("6923%", "69.23", 1));
    CU_ASSERT(percent_is("1e2%", "1", 1));
    CU_ASSERT(percent_is("2.3e-1%", "0.0023", 1));
    CU_ASSERT(percent_is("1e310%", "1e308", 1));
    CU_ASSERT(percent_is("0%", "0", 1));
    /* Digit strings longer than the parser's stack buffer. */
    CU_ASSERT(percent_is("12.3456789012345678901234567890123456789012345678901234567890"
                         "12345678901234567890123456789012345678901234567890%",
                         "0.123456789012345678901234567890123456789012345678901234567890"
                         "12345678901234567890123456789012345678901234567890", 1));

    double v = UNTOUCHED;
    CU_ASSERT_EQUAL(num_parse_percent("-0%", &v, NULL), 0);
    CU_ASSERT(v == 0.0 && !signbit(v));

    const char *bad[] = {"%", " % ", "5%%", "5 % %", "5% x", "%5", "x%", "1e311%", "nan%",
                         "inf%", "0x10%", "1.%", "", "5 %5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double w = UNTOUCHED;
        int pct = 7;
        int ok = num_parse_percent(bad[i], &w, &pct) == -1 && w == UNTOUCHED && pct == 7;
        if (!ok)
            fprintf(stderr, "\n  accepted '%s'\n", bad[i]);
        CU_ASSERT(ok);
    }
}

static void test_int64(void)
{
    int64_t v = 99;
    CU_ASSERT(num_parse_int64("0", INT64_MIN, INT64_MAX, &v) == 0 && v == 0);
    CU_ASSERT(num_parse_int64("137", INT64_MIN, INT64_MAX, &v) == 0 && v == 137);
    CU_ASSERT(num_parse_int64("-137", INT64_MIN, INT64_MAX, &v) == 0 && v == -137);
    CU_ASSERT(num_parse_int64(" 2022\n", INT64_MIN, INT64_MAX, &v) == 0 && v == 2022);
    CU_ASSERT(num_parse_int64("007", INT64_MIN, INT64_MAX, &v) == 0 && v == 7);
    CU_ASSERT(num_parse_int64("-0", INT64_MIN, INT64_MAX, &v) == 0 && v == 0);
    CU_ASSERT(num_parse_int64("9223372036854775807", INT64_MIN, INT64_MAX, &v) == 0 &&
              v == INT64_MAX);
    CU_ASSERT(num_parse_int64("-9223372036854775808", INT64_MIN, INT64_MAX, &v) == 0 &&
              v == INT64_MIN);
    CU_ASSERT(num_parse_int64("2025", 2022, 2025, &v) == 0 && v == 2025);
    CU_ASSERT(num_parse_int64("2022", 2022, 2025, &v) == 0 && v == 2022);

    const char *bad[] = {"9223372036854775808", "-9223372036854775809", "18446744073709551616",
                         "99999999999999999999999999", "+5", "1.0", "1e3", "", " ", "-", "--1",
                         "12abc", "0x10", "1 2", "- 1", "١", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 99;
        int ok = num_parse_int64(bad[i], INT64_MIN, INT64_MAX, &v) == -1 && v == 99;
        if (!ok)
            fprintf(stderr, "\n  accepted '%s'\n", bad[i]);
        CU_ASSERT(ok);
    }
    v = 99;
    CU_ASSERT(num_parse_int64("2021", 2022, 2025, &v) == -1 && v == 99);
    CU_ASSERT(num_parse_int64("2026", 2022, 2025, &v) == -1 && v == 99);
    CU_ASSERT(num_parse_int64("-1", 0, 10, &v) == -1 && v == 99);
    CU_ASSERT(num_parse_int64(NULL, 0, 10, &v) == -1 && v == 99);
}

static void test_uint64(void)
{
    uint64_t v = 99;
    CU_ASSERT(num_parse_uint64("0", UINT64_MAX, &v) == 0 && v == 0);
    CU_ASSERT(num_parse_uint64(" 20000 ", UINT64_MAX, &v) == 0 && v == 20000);
    CU_ASSERT(num_parse_uint64("18446744073709551615", UINT64_MAX, &v) == 0 && v == UINT64_MAX);
    CU_ASSERT(num_parse_uint64("64", 64, &v) == 0 && v == 64);

    const char *bad[] = {"18446744073709551616", "99999999999999999999999", "-1", "-0", "+1",
                         "1.5", "1e3", "", " ", "abc", "12abc", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 99;
        int ok = num_parse_uint64(bad[i], UINT64_MAX, &v) == -1 && v == 99;
        if (!ok)
            fprintf(stderr, "\n  accepted '%s'\n", bad[i]);
        CU_ASSERT(ok);
    }
    v = 99;
    CU_ASSERT(num_parse_uint64("65", 64, &v) == -1 && v == 99);
    CU_ASSERT(num_parse_uint64(NULL, 64, &v) == -1 && v == 99);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test t[] = {
        {"double accepts decimal forms", test_double_accepts},
        {"double limits: overflow refused, underflow accepted", test_double_limits},
        {"double: negative zero is +0", test_double_negative_zero},
        {"double refuses non-decimal text", test_double_refuses},
        {"percent", test_percent},
        {"int64", test_int64},
        {"uint64", test_uint64},
        {NULL, NULL},
    };
    return tu_run("num", t);
}
