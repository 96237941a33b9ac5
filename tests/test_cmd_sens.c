/* Option parsing of `tiersim sensitivity` and `tiersim sweep`, on its own. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "testutil.h"

static char *copy[40];

static char **args(int argc, const char *const *argv)
{
    for (int i = 0; i < argc; i++)
        copy[i] = (char *)argv[i];
    copy[argc] = NULL;
    return copy;
}

static void test_sens_all_options(void)
{
    static const char *const argv[] = {
        "sensitivity", "--method", "sobol", "--param", "tier.a.exit", "--param",
        "transition.a->b.rate", "--range", "tier.b.exit=0.01:0.2385", "-N", "512", "--inner", "137",
        "-s", "2385", "-j", "3", "-o", "out dir", "--policy", "push", "--history", "h.csv",
        "--no-plots", "--quiet", "x.ini"};
    cli_args a;
    sens_flags f;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(sens_args_parse(26, args(26, argv), &a, &f, &err), 0);
    CU_ASSERT_EQUAL(f.method, SENS_SOBOL);
    CU_ASSERT_EQUAL(f.n_params, 2);
    CU_ASSERT_STRING_EQUAL(f.params[1], "transition.a->b.rate");
    CU_ASSERT_EQUAL(f.n_ranges, 1);
    CU_ASSERT_STRING_EQUAL(f.ranges[0], "tier.b.exit=0.01:0.2385");
    CU_ASSERT_EQUAL(f.base, 512);
    CU_ASSERT_EQUAL(f.inner, 137);
    CU_ASSERT(a.have_seed && a.seed == 2385);
    CU_ASSERT_EQUAL(a.threads, 3);
    CU_ASSERT_STRING_EQUAL(a.out_dir, "out dir");
    CU_ASSERT_EQUAL(a.n_policies, 1);
    CU_ASSERT_STRING_EQUAL(a.history, "h.csv");
    CU_ASSERT(a.no_plots && a.quiet);
    CU_ASSERT_EQUAL(a.n_operands, 1);
    CU_ASSERT_STRING_EQUAL(a.operands[0], "x.ini");
}

static void test_sens_defaults(void)
{
    static const char *const argv[] = {"sensitivity", "x.ini"};
    cli_args a;
    sens_flags f;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(sens_args_parse(2, args(2, argv), &a, &f, &err), 0);
    CU_ASSERT_EQUAL(f.method, SENS_TORNADO);
    CU_ASSERT_EQUAL(f.base, 0);
    CU_ASSERT_EQUAL(f.inner, 0);
    CU_ASSERT_EQUAL(f.n_params, 0);
    CU_ASSERT_PTR_NULL(a.out_dir);
}

/* The message is one line: `want`, then only the pointer to the command's
 * help, " (see tiersim CMD --help)". */
static int first_line_is(const char *msg, const char *want)
{
    size_t n = strlen(want);
    int ok = !strncmp(msg, want, n) && !strchr(msg, '\n') &&
             (msg[n] == '\0' || (!strncmp(msg + n, " (see tiersim ", 14) &&
                                  !strcmp(msg + strlen(msg) - 8, " --help)")));
    if (!ok)
        printf("\n    got:  %s\n    want: %s\n", msg, want);
    return ok;
}

static void expect_sens_error(int argc, const char *const *argv, const char *first_line)
{
    cli_args a;
    sens_flags f;
    ts_err err;
    CU_ASSERT_EQUAL(sens_args_parse(argc, args(argc, argv), &a, &f, &err), -1);
    CU_ASSERT(first_line_is(err.msg, first_line));
}

static void test_sens_errors(void)
{
    static const char *const a1[] = {"sensitivity", "--method", "anova", "x.ini"};
    expect_sens_error(4, a1, "sensitivity: --method: expected tornado, morris, sobol, filter or "
                             "split, got 'anova'");
    static const char *const a2[] = {"sensitivity", "-N", "64", "x.ini"};
    expect_sens_error(4, a2, "sensitivity: -N does not apply to --method tornado");
    static const char *const a3[] = {"sensitivity", "--method", "filter", "--inner", "5", "x.ini"};
    expect_sens_error(6, a3, "sensitivity: --inner does not apply to --method filter (-N sets its "
                             "replications)");
    static const char *const a4[] = {"sensitivity", "--method", "morris", "-N", "1", "x.ini"};
    expect_sens_error(6, a4, "sensitivity: -N (trajectories) for --method morris: expected 2 to "
                             "100000, got 1");
    static const char *const a5[] = {"sensitivity", "--range", "tier.a.exit=0.3", "x.ini"};
    expect_sens_error(4, a5, "sensitivity: --range: expected NAME=LO:HI, got 'tier.a.exit=0.3'");
    static const char *const a6[] = {"sensitivity", "--method", "split", "--inner", "1", "x.ini"};
    expect_sens_error(6, a6, "sensitivity: --inner for --method split: at least 2");
    static const char *const a7[] = {"sensitivity"};
    expect_sens_error(1, a7, "sensitivity: missing SCENARIO");
}

static void test_spec(void)
{
    char name[64];
    double lo, hi;
    uint64_t steps;
    ts_err err;
    CU_ASSERT_EQUAL(sensrun_parse_spec("transition.a->b.rate=0.02:0.15:8", name, sizeof name, &lo, &hi,
                                    &steps, &err), 0);
    CU_ASSERT_STRING_EQUAL(name, "transition.a->b.rate");
    CU_ASSERT_EQUAL(lo, 0.02);
    CU_ASSERT_EQUAL(hi, 0.15);
    CU_ASSERT_EQUAL(steps, 8);
    CU_ASSERT_EQUAL(sensrun_parse_spec("x=-0.5:1e3", name, sizeof name, &lo, &hi, NULL, &err), 0);
    CU_ASSERT(lo == -0.5 && hi == 1000);
    CU_ASSERT_EQUAL(sensrun_parse_spec("x=1:2:3", name, sizeof name, &lo, &hi, NULL, &err), -1);
    CU_ASSERT_EQUAL(sensrun_parse_spec("x=1:2", name, sizeof name, &lo, &hi, &steps, &err), -1);
    CU_ASSERT_EQUAL(sensrun_parse_spec("=1:2", name, sizeof name, &lo, &hi, NULL, &err), -1);
    CU_ASSERT_EQUAL(sensrun_parse_spec("x=0x1:2", name, sizeof name, &lo, &hi, NULL, &err), -1);
    CU_ASSERT_EQUAL(sensrun_parse_spec("x=2:1", name, sizeof name, &lo, &hi, NULL, &err), -1);
    CU_ASSERT_EQUAL(sensrun_parse_spec("x=1:2:1", name, sizeof name, &lo, &hi, &steps, &err), -1);
    CU_ASSERT_EQUAL(sensrun_parse_spec("x=1:2:2.5", name, sizeof name, &lo, &hi, &steps, &err), -1);
}

static void test_sweep_args(void)
{
    static const char *const ok[] = {"sweep", "--param", "tier.a.exit=0:0.2:5", "--param",
                                     "tier.a.inflow=10:30:3", "-n", "777", "x.ini"};
    cli_args a;
    sweep_flags f;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(sweep_args_parse(8, args(8, ok), &a, &f, &err), 0);
    CU_ASSERT_EQUAL(f.n_specs, 2);
    CU_ASSERT_EQUAL(a.replications, 777);
    static const char *const none[] = {"sweep", "x.ini"};
    CU_ASSERT_EQUAL(sweep_args_parse(2, args(2, none), &a, &f, &err), -1);
    CU_ASSERT(first_line_is(err.msg, "sweep: give the parameter to sweep with --param "
                                     "NAME=LO:HI:STEPS"));
    static const char *const three[] = {"sweep", "--param", "a=0:1:2", "--param", "b=0:1:2",
                                        "--param", "c=0:1:2", "x.ini"};
    CU_ASSERT_EQUAL(sweep_args_parse(8, args(8, three), &a, &f, &err), -1);
    CU_ASSERT(first_line_is(err.msg, "sweep: --param: at most 2 parameters"));
}

int main(void)
{
    static const tu_test tests[] = {
        {"sensitivity: every option", test_sens_all_options},
        {"sensitivity: defaults", test_sens_defaults},
        {"sensitivity: usage errors", test_sens_errors},
        {"NAME=LO:HI[:STEPS]", test_spec},
        {"sweep options", test_sweep_args},
        {NULL, NULL},
    };
    return tu_run("cmd_sens", tests);
}
