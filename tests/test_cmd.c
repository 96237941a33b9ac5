/* The command layer on its own: every command's option parser (the shared
 * options through cli_parse, each command's own), exact usage messages, the
 * help generated from the option tables, the command line, the manifest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "manifest.h"
#include "testutil.h"

static char *copy[40];

static char **args(int argc, const char *const *argv)
{
    for (int i = 0; i < argc; i++)
        copy[i] = (char *)argv[i];
    copy[argc] = NULL;
    return copy;
}

#define ARGC(v) ((int)(sizeof(v) / sizeof(v)[0]))

/* A parser under test: argv (argv[0] is the command) -> 0 or -1 with err. */
typedef int (*parser)(int argc, char **argv, cli_args *a, ts_err *err);

static run_flags run_f;
static compare_flags compare_f;
static goal_flags goal_f;
static check_flags check_f;
static int p_run(int c, char **v, cli_args *a, ts_err *e) { return run_args_parse(c, v, a, &run_f, e); }
static int p_fit(int c, char **v, cli_args *a, ts_err *e) { return fit_args_parse(c, v, a, e); }
static int p_plot(int c, char **v, cli_args *a, ts_err *e) { return plot_args_parse(c, v, a, e); }
static int p_check(int c, char **v, cli_args *a, ts_err *e) { return check_args_parse(c, v, a, &check_f, e); }
static int p_compare(int c, char **v, cli_args *a, ts_err *e)
{
    return compare_args_parse(c, v, a, &compare_f, e);
}
static int p_goal(int c, char **v, cli_args *a, ts_err *e) { return goal_args_parse(c, v, a, &goal_f, e); }
static int p_validate(int c, char **v, cli_args *a, ts_err *e) { return validate_args_parse(c, v, a, e); }
static sens_flags sens_f;
static sweep_flags sweep_f;
static int p_sens(int c, char **v, cli_args *a, ts_err *e) { return sens_args_parse(c, v, a, &sens_f, e); }
static int p_sweep(int c, char **v, cli_args *a, ts_err *e) { return sweep_args_parse(c, v, a, &sweep_f, e); }

/* Every command with its own parser. */
static const struct {
    const cli_spec *spec;
    parser parse;
} commands[] = {
    {&cmd_run_spec, p_run},         {&cmd_fit_spec, p_fit},   {&cmd_plot_spec, p_plot},
    {&cmd_compare_spec, p_compare}, {&cmd_goal_spec, p_goal}, {&cmd_sens_spec, p_sens},
    {&cmd_sweep_spec, p_sweep},     {&cmd_check_spec, p_check}, {&cmd_validate_spec, p_validate},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* A usage error is one line: the mistake, then where the usage is. */
static void expect_error(parser p, int argc, const char *const *argv, const char *mistake)
{
    cli_args a;
    ts_err err;
    char want[600];
    snprintf(want, sizeof want, "%s (see tiersim %s --help)", mistake, argv[0]);
    CU_ASSERT_EQUAL(p(argc, args(argc, argv), &a, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    if (strcmp(err.msg, want) != 0)
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", err.msg, want);
    CU_ASSERT(strchr(err.msg, '\n') == NULL);
}

static void test_run_all_options(void)
{
    static const char *const argv[] = {"run", "-n", "137", "-s", "2385", "-j", "3", "-o", "out dir",
                                       "--policy", "capital", "--policy", "gradient",
                                       "--precision", "0.005", "--max-reps", "90000", "--no-plots",
                                       "--quiet", "scenarios/q.ini", "--history", "h.csv"};
    cli_args a;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(p_run(ARGC(argv), args(ARGC(argv), argv), &a, &err), 0);
    CU_ASSERT_EQUAL(a.n_operands, 1);
    CU_ASSERT_STRING_EQUAL(a.operands[0], "scenarios/q.ini");
    CU_ASSERT_EQUAL(a.replications, 137);
    CU_ASSERT(a.have_seed);
    CU_ASSERT_EQUAL(a.seed, 2385);
    CU_ASSERT_EQUAL(a.threads, 3);
    CU_ASSERT_STRING_EQUAL(a.out_dir, "out dir");
    CU_ASSERT_EQUAL(a.n_policies, 2);
    CU_ASSERT_STRING_EQUAL(a.policies[0], "capital");
    CU_ASSERT_STRING_EQUAL(a.policies[1], "gradient");
    CU_ASSERT_STRING_EQUAL(a.history, "h.csv");
    CU_ASSERT_DOUBLE_EQUAL(run_f.precision, 0.005, 0);
    CU_ASSERT_EQUAL(run_f.max_replications, 90000);
    CU_ASSERT(a.no_plots);
    CU_ASSERT(a.quiet);
    CU_ASSERT(!a.help);
}

static void test_run_defaults(void)
{
    static const char *const argv[] = {"run", "x.ini"};
    cli_args a;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(p_run(2, args(2, argv), &a, &err), 0);
    CU_ASSERT_EQUAL(a.replications, 0);
    CU_ASSERT(!a.have_seed);
    CU_ASSERT_EQUAL(a.threads, 0);
    CU_ASSERT_PTR_NULL(a.out_dir);
    CU_ASSERT_PTR_NULL(a.history);
    CU_ASSERT_EQUAL(a.n_policies, 0);
    CU_ASSERT_EQUAL(run_f.max_replications, 10000000);
    CU_ASSERT_DOUBLE_EQUAL(run_f.precision, 0, 0);
}

static void test_run_errors(void)
{
    static const char *const a1[] = {"run"};
    expect_error(p_run, 1, a1, "run: missing SCENARIO");
    static const char *const a2[] = {"run", "-n", "0", "x.ini"};
    expect_error(p_run, 4, a2, "run: -n: expected a whole number from 1 to 1000000000, got '0'");
    static const char *const a3[] = {"run", "-n", "12abc", "x.ini"};
    expect_error(p_run, 4, a3, "run: -n: expected a whole number from 1 to 1000000000, got '12abc'");
    static const char *const a4[] = {"run", "-j", "0", "x.ini"};
    expect_error(p_run, 4, a4, "run: -j: expected a whole number from 1 to 1024, got '0'");
    static const char *const a5[] = {"run", "-s", "-1", "x.ini"};
    expect_error(p_run, 4, a5, "run: -s: expected a whole number from 0 to 18446744073709551615, "
                               "got '-1'");
    static const char *const a6[] = {"run", "--precision", "0.5", "x.ini"};
    expect_error(p_run, 4, a6, "run: --precision: expected a standard error above 0 and below 0.5, "
                               "got '0.5'");
    static const char *const a7[] = {"run", "--precision", "nan", "x.ini"};
    expect_error(p_run, 4, a7, "run: --precision: expected a standard error above 0 and below 0.5, "
                               "got 'nan'");
    static const char *const a8[] = {"run", "--frob", "x.ini"};
    expect_error(p_run, 3, a8, "run: unknown option '--frob'");
    static const char *const a9[] = {"run", "x.ini", "-o"};
    expect_error(p_run, 3, a9, "run: option '-o' needs a value");
    static const char *const a10[] = {"run", "x.ini", "y.ini"};
    expect_error(p_run, 3, a10, "run: unexpected operand 'y.ini' after SCENARIO");
    static const char *const a11[] = {"run", "-o", "", "x.ini"};
    expect_error(p_run, 4, a11, "run: -o: expected a directory");
    static const char *const a12[] = {"run", "--max-reps", "0", "x.ini"};
    expect_error(p_run, 4, a12, "run: --max-reps: expected a whole number from 1 to 1000000000, "
                                "got '0'");
    static const char *const a13[] = {"run", "--history", "", "x.ini"};
    expect_error(p_run, 4, a13, "run: --history: expected a file");
    static const char *const a14[] = {"run", "--seed", "x.ini"};
    expect_error(p_run, 3, a14, "run: -s: expected a whole number from 0 to 18446744073709551615, "
                                "got 'x.ini'");
    static const char *const a15[] = {"run", "x.ini", "--seed"};
    expect_error(p_run, 3, a15, "run: option '--seed' needs a value");
}

/* The same shared option means the same, with the same message, in every
 * command that takes it; a command that does not take it refuses it. */
static void test_shared_options_alike(void)
{
    static const char *const c1[] = {"compare", "x.ini", "--policy", "p", "-o", ""};
    expect_error(p_compare, ARGC(c1), c1, "compare: -o: expected a directory");
    static const char *const c2[] = {"goal", "x.ini", "-n", "-3"};
    expect_error(p_goal, ARGC(c2), c2, "goal: -n: expected a whole number from 1 to 1000000000, "
                                       "got '-3'");
    static const char *const c3[] = {"fit", "x.ini", "h.csv", "-n", "5"};
    expect_error(p_fit, ARGC(c3), c3, "fit: unknown option '-n'");
    static const char *const c4[] = {"fit", "x.ini", "h.csv", "-o", ""};
    expect_error(p_fit, ARGC(c4), c4, "fit: -o: expected a directory");
    static const char *const c5[] = {"plot", "--no-plots", "d"};
    expect_error(p_plot, ARGC(c5), c5, "plot: unknown option '--no-plots'");
    static const char *const c6[] = {"check", "x.ini", "-q"};
    expect_error(p_check, ARGC(c6), c6, "check: unknown option '-q'");
}

static void test_fit_plot_check(void)
{
    cli_args a;
    ts_err err;
    static const char *const f1[] = {"fit", "--no-plots", "x.ini", "h.csv", "-o", "d"};
    CU_ASSERT_EQUAL_FATAL(p_fit(ARGC(f1), args(ARGC(f1), f1), &a, &err), 0);
    CU_ASSERT_STRING_EQUAL(a.operands[0], "x.ini");
    CU_ASSERT_STRING_EQUAL(a.history, "h.csv");
    CU_ASSERT(a.no_plots);
    static const char *const f2[] = {"fit", "x.ini"};
    expect_error(p_fit, 2, f2, "fit: missing SCENARIO HISTORY.csv");
    static const char *const f3[] = {"fit", "x.ini", "h.csv", "more.csv"};
    expect_error(p_fit, 4, f3, "fit: unexpected operand 'more.csv' after SCENARIO HISTORY.csv");
    static const char *const p1[] = {"plot"};
    expect_error(p_plot, 1, p1, "plot: missing DIR");
    static const char *const k1[] = {"check", "--params", "x.ini"};
    CU_ASSERT_EQUAL_FATAL(p_check(3, args(3, k1), &a, &err), 0);
    CU_ASSERT(check_f.params && !check_f.keys);
    static const char *const k2[] = {"check", "--keys"};
    CU_ASSERT_EQUAL_FATAL(p_check(2, args(2, k2), &a, &err), 0);
    CU_ASSERT(check_f.keys && a.n_operands == 0);
    static const char *const k3[] = {"check", "--keys", "x.ini"};
    expect_error(p_check, 3, k3, "check: --keys takes no SCENARIO");
    static const char *const k4[] = {"check"};
    expect_error(p_check, 1, k4, "check: missing SCENARIO");
    static const char *const k5[] = {"check", "--keys", "--params"};
    expect_error(p_check, 3, k5, "check: --keys and --params go one at a time");
}

static void test_compare_goal(void)
{
    cli_args a;
    ts_err err;
    static const char *const c1[] = {"compare", "x.ini", "--policy", "a+b", "--policy", "c",
                                     "--all-policies", "--scenario", "y.ini", "-n", "77"};
    CU_ASSERT_EQUAL_FATAL(p_compare(ARGC(c1), args(ARGC(c1), c1), &a, &err), 0);
    CU_ASSERT_EQUAL(a.n_policies, 2);
    CU_ASSERT_STRING_EQUAL(a.policies[0], "a+b");
    CU_ASSERT(compare_f.all_policies);
    CU_ASSERT_EQUAL(compare_f.n_others, 1);
    CU_ASSERT_STRING_EQUAL(compare_f.others[0], "y.ini");
    CU_ASSERT_EQUAL(a.replications, 77);
    static const char *const c2[] = {"compare", "x.ini"};
    expect_error(p_compare, 2, c2, "compare: nothing to compare: give --policy, --all-policies or "
                                   "--scenario");
    static const char *const g1[] = {"goal", "x.ini", "--target", "b:new", "--prob", "0.8",
                                     "--lever", "policy.push.scale", "--range", "0.5:2.5"};
    CU_ASSERT_EQUAL_FATAL(p_goal(ARGC(g1), args(ARGC(g1), g1), &a, &err), 0);
    CU_ASSERT_STRING_EQUAL(goal_f.target, "b:new");
    CU_ASSERT_STRING_EQUAL(goal_f.lever, "policy.push.scale");
    CU_ASSERT_DOUBLE_EQUAL(goal_f.q, 0.8, 0);
    CU_ASSERT(goal_f.have_range && goal_f.lo == 0.5 && goal_f.hi == 2.5);
    static const char *const g2[] = {"goal", "x.ini", "--target", "b", "--lever", "l"};
    expect_error(p_goal, ARGC(g2), g2, "goal: --target, --prob and --lever are required");
    static const char *const g3[] = {"goal", "x.ini", "--prob", "1"};
    expect_error(p_goal, ARGC(g3), g3, "goal: --prob: expected a probability strictly between 0 "
                                       "and 1, got '1'");
    static const char *const g4[] = {"goal", "x.ini", "--range", "2:1"};
    expect_error(p_goal, ARGC(g4), g4, "goal: --range: LO must be below HI, got '2:1'");
    static const char *const g5[] = {"goal", "x.ini", "--range", "2"};
    expect_error(p_goal, ARGC(g5), g5, "goal: --range: expected LO:HI, got '2'");
}

/* validate: two operands with the options in any order, every shared
 * option of a simulating command; run --observed. */
static void test_validate_and_observed(void)
{
    cli_args a;
    ts_err err;
    static const char *const v1[] = {"validate", "-n", "137", "x.ini", "--history", "h.csv",
                                     "-s", "2385", "o.csv", "-j", "2", "--no-plots", "-o", "d",
                                     "-q", "--policy", "p"};
    CU_ASSERT_EQUAL_FATAL(p_validate(ARGC(v1), args(ARGC(v1), v1), &a, &err), 0);
    CU_ASSERT_EQUAL(a.n_operands, 2);
    CU_ASSERT_STRING_EQUAL(a.operands[0], "x.ini");
    CU_ASSERT_STRING_EQUAL(a.operands[1], "o.csv");
    CU_ASSERT_STRING_EQUAL(a.history, "h.csv");
    CU_ASSERT(a.replications == 137 && a.have_seed && a.seed == 2385 && a.threads == 2);
    CU_ASSERT(a.no_plots && a.quiet && a.n_policies == 1);
    CU_ASSERT_STRING_EQUAL(a.out_dir, "d");
    static const char *const v2[] = {"validate", "x.ini"};
    expect_error(p_validate, ARGC(v2), v2, "validate: missing SCENARIO OBSERVED.csv");
    static const char *const v3[] = {"validate", "x.ini", "o.csv", "p.csv"};
    expect_error(p_validate, ARGC(v3), v3,
                 "validate: unexpected operand 'p.csv' after SCENARIO OBSERVED.csv");
    static const char *const v4[] = {"validate", "x.ini", "o.csv", "--observed", "o.csv"};
    expect_error(p_validate, ARGC(v4), v4, "validate: unknown option '--observed'");
    static const char *const v5[] = {"validate", "x.ini", "o.csv", "-n", "0"};
    expect_error(p_validate, ARGC(v5), v5,
                 "validate: -n: expected a whole number from 1 to 1000000000, got '0'");
    static const char *const r1[] = {"run", "--observed", "o.csv", "x.ini"};
    CU_ASSERT_EQUAL_FATAL(p_run(ARGC(r1), args(ARGC(r1), r1), &a, &err), 0);
    CU_ASSERT_STRING_EQUAL(run_f.observed, "o.csv");
    static const char *const r2[] = {"run", "x.ini"};
    CU_ASSERT_EQUAL_FATAL(p_run(ARGC(r2), args(ARGC(r2), r2), &a, &err), 0);
    CU_ASSERT_PTR_NULL(run_f.observed);
    static const char *const r3[] = {"run", "x.ini", "--observed", ""};
    expect_error(p_run, ARGC(r3), r3, "run: --observed: expected a file");
    /* the help is the option table's */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    cli_print_usage(f, &cmd_validate_spec);
    fclose(f);
    CU_ASSERT(strstr(buf, "usage: tiersim validate SCENARIO OBSERVED.csv [-n REPS] [-s SEED] "
                          "[-j THREADS] [-o DIR] [--policy NAME]... [--history HISTORY.csv] "
                          "[--no-plots] [-q]\n") == buf);
    CU_ASSERT(strstr(buf, "\nexamples:\n  tiersim validate ") != NULL);
    free(buf);
}

/* The parser can run more than once in a process (getopt state is reset). */
static void test_reentrant(void)
{
    static const char *const argv[] = {"run", "-n", "5", "x.ini"};
    cli_args a;
    ts_err err;
    CU_ASSERT_EQUAL(p_run(4, args(4, argv), &a, &err), 0);
    CU_ASSERT_EQUAL(p_run(4, args(4, argv), &a, &err), 0);
    CU_ASSERT_EQUAL(a.replications, 5);
    CU_ASSERT_STRING_EQUAL(a.operands[0], "x.ini");
}

/* The help is made from the same tables the parser reads: every option the
 * parser takes appears in it, and only those. */
static void test_help_from_tables(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    cli_print_usage(f, &cmd_goal_spec);
    fclose(f);
    CU_ASSERT(strstr(buf, "usage: tiersim goal SCENARIO [-n REPS] [-s SEED] [-j THREADS] [-o DIR] "
                          "[--policy NAME]... [--history HISTORY.csv] [--no-plots] [-q] "
                          "--target TIER --prob Q --lever NAME [--range LO:HI]\n") == buf);
    CU_ASSERT(strstr(buf, "\n  -n, --replications REPS     how many replications to run; each "
                          "draws every\n                              uncertain value of the "
                          "scenario afresh\n                              default: the "
                          "scenario's `replications` (10000\n                              where "
                          "it has none)\n                              example: -n 50000\n")
              != NULL);
    CU_ASSERT(strstr(buf, "\n  --range LO:HI               where to look") != NULL);
    /* -o's default is the command's naming rule. */
    CU_ASSERT(strstr(buf, "default: out/NAME[+POLICY...]-goal-TARGET, named") != NULL);
    CU_ASSERT(strstr(buf, "\nexamples:\n  tiersim goal ") != NULL);
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    cli_print_synopsis(f, &cmd_sens_spec);
    fclose(f);
    /* -N is short-only; sensitivity takes no -n. */
    CU_ASSERT(strstr(buf, " [-N BASE] ") != NULL);
    CU_ASSERT(strstr(buf, "[-n REPS]") == NULL);
    free(buf);
}

/* Splits a line as sh would split the help's examples (blanks, and single
 * quotes around an argument), appending to argv; the words live in buf. */
static int split_words(const char *line, char *buf, size_t len, char **argv, int argc, int max)
{
    size_t used = 0;
    const char *p = line;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (argc == max)
            return -1;
        argv[argc++] = buf + used;
        while (*p && *p != ' ') {
            if (*p == '\'') {
                for (p++; *p && *p != '\''; p++)
                    if (used + 1 < len)
                        buf[used++] = *p;
                if (*p)
                    p++;
            } else if (used + 1 < len) {
                buf[used++] = *p++;
            }
        }
        if (used + 1 >= len)
            return -1;
        buf[used++] = '\0';
    }
    argv[argc] = NULL;
    return argc;
}

/* Parses "tiersim CMD ..." (and `more`, when given, after it) with the
 * command's own parser: 0, or -1 with the message. */
static int parse_example(parser parse, const char *line, const char *more, ts_err *err)
{
    char buf[2048], *argv[64];
    cli_args a;
    CU_ASSERT_FATAL(strncmp(line, "tiersim ", 8) == 0);
    int argc = split_words(line + 8, buf, sizeof buf / 2, argv, 0, 63);
    if (argc > 0 && more)
        argc = split_words(more, buf + sizeof buf / 2, sizeof buf / 2, argv, argc, 63);
    CU_ASSERT_FATAL(argc > 0);
    return parse(argc, argv, &a, err);
}

static int nonempty(const char *s)
{
    return s && s[0];
}

/* The help teaches every option: a meaning, a default and an example, the
 * example of the option itself; every command has at least two worked
 * examples (tests/help.sh runs them). */
static void test_every_option_documented(void)
{
    for (size_t c = 0; c < N_COMMANDS; c++) {
        const cli_spec *spec = commands[c].spec;
        const cli_option *opts[64];
        size_t n = cli_spec_options(spec, opts, 64);
        CU_ASSERT_FATAL(n <= 64);
        CU_ASSERT(n >= 1 + spec->n_options);
        for (size_t i = 0; i < n; i++) {
            const cli_option *o = opts[i];
            char short_form[4] = "", long_form[80] = "";
            if (o->key > 0 && o->key < 128)
                snprintf(short_form, sizeof short_form, "-%c", o->key);
            if (o->name)
                snprintf(long_form, sizeof long_form, "--%s", o->name);
            int documented = nonempty(o->help) && nonempty(o->deflt) && nonempty(o->example);
            size_t w = o->example ? strcspn(o->example, " ") : 0;
            int of_itself = o->example && ((w == strlen(short_form) && w &&
                                            !strncmp(o->example, short_form, w)) ||
                                           (w == strlen(long_form) && w &&
                                            !strncmp(o->example, long_form, w)));
            CU_ASSERT(documented && of_itself);
            if (!documented || !of_itself)
                fprintf(stderr, "\n  %s %s%s: meaning, default or example missing, or the "
                        "example is not of the option\n", spec->name, short_form, long_form);
        }
        size_t n_examples = 0;
        while (spec->examples && spec->examples[n_examples])
            n_examples++;
        CU_ASSERT(n_examples >= 2);
    }
}

/* The parser of the command an example line runs ("tiersim CMD ..."). */
static parser parser_of(const char *line)
{
    for (size_t c = 0; c < N_COMMANDS; c++) {
        size_t n = strlen(commands[c].spec->name);
        if (!strncmp(line, "tiersim ", 8) && !strncmp(line + 8, commands[c].spec->name, n) &&
            line[8 + n] == ' ')
            return commands[c].parse;
    }
    return NULL;
}

/* Every worked example parses with its command's own parser (a help may
 * show the next step with another command: fit's, running fitted.ini), and
 * every option's example does too, added to one of the command's own. */
static void test_examples_parse(void)
{
    for (size_t c = 0; c < N_COMMANDS; c++) {
        const cli_spec *spec = commands[c].spec;
        ts_err err;
        size_t own = 0;
        for (const char *const *e = spec->examples; e && *e; e++) {
            parser p = parser_of(*e);
            CU_ASSERT_PTR_NOT_NULL_FATAL(p);
            CU_ASSERT_EQUAL(parse_example(p, *e, NULL, &err), 0);
            own += p == commands[c].parse;
        }
        CU_ASSERT(own >= 2);
        const cli_option *opts[64];
        size_t n = cli_spec_options(spec, opts, 64);
        for (size_t i = 0; i < n && i < 64; i++) {
            if (opts[i]->key == 'h' || !opts[i]->example)
                continue;
            int parsed = 0;
            for (const char *const *e = spec->examples; e && *e && !parsed; e++)
                parsed = parser_of(*e) == commands[c].parse &&
                         parse_example(commands[c].parse, *e, opts[i]->example, &err) == 0;
            CU_ASSERT(parsed);
            if (!parsed)
                fprintf(stderr, "\n  %s: the example '%s' parses with none of the command's "
                        "examples: %s\n", spec->name, opts[i]->example, err.msg);
        }
    }
}

/* The default output directory of `tiersim ARGV...` for a scenario named x. */
static void dir_of(parser parse, const cli_spec *spec, int argc, const char *const *argv,
                   char *buf, size_t len)
{
    cli_args a;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(parse(argc, args(argc, argv), &a, &err), 0);
    CU_ASSERT_FATAL(cli_default_dir(spec, &a, "x", buf, len) > 0);
}

#define EXPECT_DIR(parse, spec, want, ...)                                                       \
    do {                                                                                         \
        static const char *const argv_[] = {__VA_ARGS__};                                       \
        char got_[512];                                                                          \
        dir_of(parse, spec, ARGC(argv_), argv_, got_, sizeof got_);                             \
        CU_ASSERT_STRING_EQUAL(got_, want);                                                      \
        if (strcmp(got_, want) != 0)                                                             \
            fprintf(stderr, "\n  got:  %s\n  want: %s\n", got_, want);                           \
    } while (0)

/* Output directories are named by what was run (README, Outputs). */
static void test_default_dir(void)
{
    EXPECT_DIR(p_run, &cmd_run_spec, "out/x", "run", "x.ini");
    /* The same policies are the same run, whatever their order or repeats. */
    EXPECT_DIR(p_run, &cmd_run_spec, "out/x+capital+gradient", "run", "x.ini", "--policy",
               "gradient", "--policy", "capital");
    EXPECT_DIR(p_run, &cmd_run_spec, "out/x+capital+gradient", "run", "--policy", "capital",
               "x.ini", "--policy", "gradient", "--policy", "capital", "-n", "137");
    EXPECT_DIR(p_fit, &cmd_fit_spec, "out/x-fit", "fit", "x.ini", "h.csv");
    EXPECT_DIR(p_goal, &cmd_goal_spec, "out/x-goal-little_giant", "goal", "x.ini", "--target",
               "little_giant", "--prob", "0.8", "--lever", "l");
    EXPECT_DIR(p_goal, &cmd_goal_spec, "out/x+push-goal-b_new", "goal", "x.ini", "--target",
               "b:new", "--prob", "0.8", "--lever", "l", "--policy", "push");
    EXPECT_DIR(p_sens, &cmd_sens_spec, "out/x-sensitivity-tornado", "sensitivity", "x.ini");
    EXPECT_DIR(p_sens, &cmd_sens_spec, "out/x+p-sensitivity-sobol", "sensitivity", "x.ini",
               "--method", "sobol", "--policy", "p");
    EXPECT_DIR(p_sweep, &cmd_sweep_spec, "out/x-sweep", "sweep", "x.ini", "--param",
               "tier.a.exit=0:1:3");
    /* compare's arms: its options in table order, each as given (A+B kept). */
    EXPECT_DIR(p_compare, &cmd_compare_spec, "out/x-compare-gradient+capital-digital-all-policies-"
               "qingdao-optimistic", "compare", "x.ini", "--scenario",
               "scenarios/qingdao-optimistic.ini", "--policy", "gradient+capital", "--all-policies",
               "--policy", "digital");
    /* Nothing a file name should not hold, and no way out of out/. */
    EXPECT_DIR(p_compare, &cmd_compare_spec, "out/x-compare-.._.._etc_p_x", "compare", "x.ini",
               "--policy", "../../etc/p x");
    /* -o is -o. */
    cli_args a;
    ts_err err;
    static const char *const o1[] = {"run", "x.ini", "-o", "elsewhere", "--policy", "p"};
    CU_ASSERT_EQUAL_FATAL(p_run(ARGC(o1), args(ARGC(o1), o1), &a, &err), 0);
    CU_ASSERT_STRING_EQUAL(a.out_dir, "elsewhere");
    /* A long name is cut to 200 bytes and ends in a hash of the whole, so
     * that two long names stay apart. */
    static const char *long1[2 + 2 * 8], *long2[2 + 2 * 8];
    static char names[2][8][64];
    long1[0] = long2[0] = "run";
    long1[1] = long2[1] = "x.ini";
    for (int i = 0; i < 8; i++) {
        snprintf(names[0][i], 64, "policy_with_a_long_name_%02d_aaaaaaaaaaaaaaaaaaaa", i);
        snprintf(names[1][i], 64, "policy_with_a_long_name_%02d_aaaaaaaaaaaaaaaaaaab", i);
        long1[2 + 2 * i] = long2[2 + 2 * i] = "--policy";
        long1[3 + 2 * i] = names[0][i];
        long2[3 + 2 * i] = names[1][i];
    }
    char d1[512], d2[512];
    dir_of(p_run, &cmd_run_spec, ARGC(long1), long1, d1, sizeof d1);
    dir_of(p_run, &cmd_run_spec, ARGC(long2), long2, d2, sizeof d2);
    CU_ASSERT_EQUAL(strlen(d1), strlen("out/") + 200);
    CU_ASSERT(strncmp(d1, "out/x+policy_with_a_long_name_00_", 33) == 0);
    CU_ASSERT(d1[strlen(d1) - 9] == '-');
    CU_ASSERT(strcmp(d1, d2) != 0);
    CU_ASSERT_EQUAL(cli_default_dir(&cmd_run_spec, &a, "x", d1, 5), -1);
}

static void test_command_line_quotes(void)
{
    char a0[] = "tiersim", a1[] = "run", a2[] = "my file.ini", a3[] = "-o", a4[] = "a$b", a5[] = "";
    char *argv[] = {a0, a1, a2, a3, a4, a5, NULL};
    cli_set_command_line(6, argv);
    CU_ASSERT_STRING_EQUAL(cli_command_line, "tiersim run 'my file.ini' -o 'a$b' ''");
}

static void test_manifest(void)
{
    manifest m;
    manifest_init(&m);
    manifest_add(&m, "seed", "%llu", 2385ULL);
    manifest_add(&m, "distribution", "%s %s", "tier.a.exit", "beta(2, 98)");
    manifest_add(&m, "distribution", "%s", "second");
    CU_ASSERT_STRING_EQUAL(manifest_get(&m, "distribution"), "tier.a.exit beta(2, 98)");
    CU_ASSERT_PTR_NULL(manifest_get(&m, "nothing"));
    char path[] = "/tmp/tiersim-manifest-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    ts_err err;
    CU_ASSERT_EQUAL(manifest_write(&m, path, &err), 0);
    char text[256] = "";
    FILE *f = fopen(path, "r");
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    CU_ASSERT_STRING_EQUAL(text, "seed: 2385\ndistribution: tier.a.exit beta(2, 98)\n"
                                 "distribution: second\n");
    /* Past MANIFEST_MAX lines the manifest refuses to be written short. */
    for (int i = 0; i < MANIFEST_MAX; i++)
        manifest_add(&m, "k", "%d", i);
    CU_ASSERT_EQUAL(manifest_write(&m, path, &err), -1);
    char want[256];
    snprintf(want, sizeof want, "%s: cannot write: out of memory or more than %d lines", path,
             MANIFEST_MAX);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    manifest_free(&m);
    CU_ASSERT_EQUAL(m.n, 0);
    CU_ASSERT_EQUAL(manifest_write(&m, "/nonexistent-dir/manifest.txt", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "/nonexistent-dir/manifest.txt: cannot write: No such file or "
                                    "directory");
    manifest_free(NULL);
    unlink(path);
}

/* --lang: every command takes it, named in its spec or not; without it the
 * locale's language (LC_ALL, then LC_MESSAGES, then LANG), which cli_parse
 * also makes the process's (cli_lang). */
static void test_lang(void)
{
    cli_args a;
    ts_err err;
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    setenv("LANG", "zh_CN.UTF-8", 1);
    static const char *const v1[] = {"plot", "d"};
    CU_ASSERT_EQUAL_FATAL(p_plot(ARGC(v1), args(ARGC(v1), v1), &a, &err), 0);
    CU_ASSERT(a.lang == LANG_ZH && !a.have_lang && cli_lang() == LANG_ZH);
    static const char *const v2[] = {"check", "--lang", "en", "x.ini"};
    CU_ASSERT_EQUAL_FATAL(p_check(ARGC(v2), args(ARGC(v2), v2), &a, &err), 0);
    CU_ASSERT(a.lang == LANG_EN && a.have_lang && cli_lang() == LANG_EN);
    setenv("LC_ALL", "C", 1);
    static const char *const v3[] = {"run", "x.ini"};
    CU_ASSERT_EQUAL_FATAL(p_run(ARGC(v3), args(ARGC(v3), v3), &a, &err), 0);
    CU_ASSERT(a.lang == LANG_EN && !a.have_lang);
    static const char *const v4[] = {"run", "x.ini", "--lang=zh"};
    CU_ASSERT_EQUAL_FATAL(p_run(ARGC(v4), args(ARGC(v4), v4), &a, &err), 0);
    CU_ASSERT(a.lang == LANG_ZH && a.have_lang && cli_lang() == LANG_ZH);
    static const char *const v5[] = {"run", "x.ini", "--lang", "zh_CN"};
    expect_error(p_run, ARGC(v5), v5, "run: --lang: expected zh or en, got 'zh_CN'");
    static const char *const v6[] = {"validate", "x.ini", "o.csv", "--lang"};
    expect_error(p_validate, ARGC(v6), v6, "validate: option '--lang' needs a value");
    unsetenv("LC_ALL");
    unsetenv("LANG");
    cli_set_lang(LANG_EN);
}

int main(void)
{
    static const tu_test tests[] = {
        {"run: every option", test_run_all_options},
        {"run: defaults", test_run_defaults},
        {"run: usage errors", test_run_errors},
        {"shared options alike in every command", test_shared_options_alike},
        {"fit, plot, check", test_fit_plot_check},
        {"compare, goal", test_compare_goal},
        {"validate; run --observed", test_validate_and_observed},
        {"reentrant", test_reentrant},
        {"help from the option tables", test_help_from_tables},
        {"every option has a meaning, a default and an example", test_every_option_documented},
        {"every example parses", test_examples_parse},
        {"default output directories", test_default_dir},
        {"command line quoting", test_command_line_quotes},
        {"manifest", test_manifest},
        {"--lang and the locale", test_lang},
        {NULL, NULL},
    };
    return tu_run("cmd", tests);
}
