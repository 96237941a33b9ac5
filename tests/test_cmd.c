/* Option parsing of `tiersim run`, on its own. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "testutil.h"

static int parse(run_args *a, ts_err *err, int argc, const char *const *argv)
{
    char *copy[32];
    for (int i = 0; i < argc; i++)
        copy[i] = (char *)argv[i];
    copy[argc] = NULL;
    return run_args_parse(argc, copy, a, err);
}

static void test_all_options(void)
{
    static const char *const argv[] = {"run", "-n", "137", "-s", "2385", "-j", "3", "-o", "out dir",
                                       "--policy", "capital", "--policy", "gradient",
                                       "--precision", "0.005", "--max-reps", "90000", "--no-plots",
                                       "--quiet", "scenarios/q.ini"};
    run_args a;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(parse(&a, &err, 20, argv), 0);
    CU_ASSERT_STRING_EQUAL(a.scenario, "scenarios/q.ini");
    CU_ASSERT_EQUAL(a.replications, 137);
    CU_ASSERT(a.have_seed);
    CU_ASSERT_EQUAL(a.seed, 2385);
    CU_ASSERT_EQUAL(a.threads, 3);
    CU_ASSERT_STRING_EQUAL(a.out_dir, "out dir");
    CU_ASSERT_EQUAL(a.n_policies, 2);
    CU_ASSERT_STRING_EQUAL(a.policies[0], "capital");
    CU_ASSERT_STRING_EQUAL(a.policies[1], "gradient");
    CU_ASSERT_DOUBLE_EQUAL(a.precision, 0.005, 0);
    CU_ASSERT_EQUAL(a.max_replications, 90000);
    CU_ASSERT(a.no_plots);
    CU_ASSERT(a.quiet);
}

static void test_defaults(void)
{
    static const char *const argv[] = {"run", "x.ini"};
    run_args a;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(parse(&a, &err, 2, argv), 0);
    CU_ASSERT_EQUAL(a.replications, 0);
    CU_ASSERT(!a.have_seed);
    CU_ASSERT_EQUAL(a.threads, 0);
    CU_ASSERT_PTR_NULL(a.out_dir);
    CU_ASSERT_EQUAL(a.n_policies, 0);
    CU_ASSERT_EQUAL(a.max_replications, 10000000);
    CU_ASSERT_DOUBLE_EQUAL(a.precision, 0, 0);
}

/* A usage error is one line: the mistake, then where the usage is. */
static void expect_error(int argc, const char *const *argv, const char *mistake)
{
    run_args a;
    ts_err err;
    char want[600];
    snprintf(want, sizeof want, "%s (see tiersim run --help)", mistake);
    CU_ASSERT_EQUAL(parse(&a, &err, argc, argv), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    if (strcmp(err.msg, want) != 0)
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", err.msg, want);
    CU_ASSERT(strchr(err.msg, '\n') == NULL);
}

static void test_errors(void)
{
    static const char *const a1[] = {"run"};
    expect_error(1, a1, "run: missing SCENARIO");
    static const char *const a2[] = {"run", "-n", "0", "x.ini"};
    expect_error(4, a2, "run: -n: expected a whole number from 1 to 1000000000, got '0'");
    static const char *const a3[] = {"run", "-n", "12abc", "x.ini"};
    expect_error(4, a3, "run: -n: expected a whole number from 1 to 1000000000, got '12abc'");
    static const char *const a4[] = {"run", "-j", "0", "x.ini"};
    expect_error(4, a4, "run: -j: expected a whole number from 1 to 1024, got '0'");
    static const char *const a5[] = {"run", "-s", "-1", "x.ini"};
    expect_error(4, a5, "run: -s: expected a whole number from 0 to 18446744073709551615, got '-1'");
    static const char *const a6[] = {"run", "--precision", "0.5", "x.ini"};
    expect_error(4, a6, "run: --precision: expected a standard error above 0 and below 0.5, got '0.5'");
    static const char *const a7[] = {"run", "--precision", "nan", "x.ini"};
    expect_error(4, a7, "run: --precision: expected a standard error above 0 and below 0.5, got 'nan'");
    static const char *const a8[] = {"run", "--frob", "x.ini"};
    expect_error(3, a8, "run: unknown option '--frob'");
    static const char *const a9[] = {"run", "x.ini", "-o"};
    expect_error(3, a9, "run: option '-o' needs a value");
    static const char *const a10[] = {"run", "x.ini", "y.ini"};
    expect_error(3, a10, "run: expected one SCENARIO");
}

/* The parser can run more than once in a process (getopt state is reset). */
static void test_reentrant(void)
{
    static const char *const argv[] = {"run", "-n", "5", "x.ini"};
    run_args a;
    ts_err err;
    CU_ASSERT_EQUAL(parse(&a, &err, 4, argv), 0);
    CU_ASSERT_EQUAL(parse(&a, &err, 4, argv), 0);
    CU_ASSERT_EQUAL(a.replications, 5);
}

static void test_cmd_line_quotes(void)
{
    char a0[] = "tiersim", a1[] = "run", a2[] = "my file.ini", a3[] = "-o", a4[] = "a$b";
    char *argv[] = {a0, a1, a2, a3, a4, NULL};
    char buf[256];
    cmd_line(5, argv, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "tiersim run 'my file.ini' -o 'a$b'");
}

int main(void)
{
    static const tu_test tests[] = {
        {"all options", test_all_options},
        {"defaults", test_defaults},
        {"errors", test_errors},
        {"reentrant", test_reentrant},
        {"command line quoting", test_cmd_line_quotes},
        {NULL, NULL},
    };
    return tu_run("cmd", tests);
}
