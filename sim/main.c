/* main.c -- dispatches to the commands; `tiersim help` is generated from the
 * table. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>

#include "cmd.h"
#include "version.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *help;
} command;

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const command commands[] = {
    {"run", cmd_run,
     "SCENARIO [-n REPS] [-s SEED] [-j THREADS] [-o DIR] [--policy NAME]... [--precision E] "
     "[--max-reps N] [--history HISTORY.csv] [--no-plots] [--quiet]",
     "simulate the scenario and report how likely each target is to be met"},
    {"fit", cmd_fit, "SCENARIO HISTORY.csv [-o DIR] [--no-plots]",
     "estimate the scenario's `fit` parameters from an observed history (GSL least squares)"},
    {"plot", cmd_plot, "DIR",
     "redraw the charts and report.html of a finished output directory (gnuplot)"},
    {"compare", cmd_compare,
     "SCENARIO [--policy NAME | --policy A+B]... [--all-policies] [--scenario OTHER.ini]... "
     "[-n REPS] [-s SEED] [-j THREADS] [-o DIR] [--history HISTORY.csv] [--no-plots] [--quiet]",
     "policies and scenario variants against the baseline, paired on common random numbers"},
    {"goal", cmd_goal,
     "SCENARIO --target TIER --prob Q --lever NAME [--range LO:HI] [--policy NAME]... [-n REPS] "
     "[-s SEED] [-j THREADS] [-o DIR] [--history HISTORY.csv] [--no-plots] [--quiet]",
     "the smallest value of a lever at which a target is met with probability Q"},
    {"sensitivity", cmd_sensitivity,
     "SCENARIO [--method tornado|morris|sobol|filter|split] [--param NAME]... "
     "[--range NAME=LO:HI]... [-N BASE] [--inner REPS] [-s SEED] [-j THREADS] [-o DIR] "
     "[--policy NAME]... [--history HISTORY.csv] [--no-plots] [--quiet]",
     "which uncertain assumptions decide each target: tornado, Morris, Sobol indices, Monte "
     "Carlo filtering, or the variance split between parameters and chance"},
    {"sweep", cmd_sweep,
     "SCENARIO --param NAME=LO:HI:STEPS [--param NAME2=LO:HI:STEPS] [-n REPS] [-s SEED] "
     "[-j THREADS] [-o DIR] [--policy NAME]... [--history HISTORY.csv] [--no-plots] [--quiet]",
     "P(met) of every target over a grid of one or two parameters, on common random numbers"},
    {"check", cmd_check, "SCENARIO [--params]",
     "validate a scenario; with --params list every parameter and its distribution"},
    {"help", cmd_help, "", "this list"},
    {"version", cmd_version, "", "print the version"},
};


static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("tiersim %s -- how likely are a plan's enterprise-cultivation targets to be met?\n\n"
           "usage:\n", TIERSIM_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("  tiersim %s %s\n      %s\n", commands[i].name, commands[i].usage, commands[i].help);
    printf("\nexit status: 0 success, 1 failure, 2 bad input or usage.  See README.md.\n");
    return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("tiersim %s (GSL %s)\n", TIERSIM_VERSION, gsl_version);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    /* Every GSL failure becomes a status that the modules turn into a message. */
    gsl_set_error_handler_off();
    /* Past a file size limit (ulimit -f), a write fails with EFBIG, which the
     * commands report like a full disk, rather than the process being killed
     * with its temporary directory left behind. */
    signal(SIGXFSZ, SIG_IGN);
    cmd_line(argc, argv, cmd_full_line, CMD_LINE_MAX);
    if (argc < 2) {
        fprintf(stderr, "usage: tiersim COMMAND [ARGS]  (tiersim help lists the commands)\n");
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h"))
        name = "help";
    if (!strcmp(name, "--version"))
        name = "version";
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tiersim: unknown command '%s' (tiersim help lists the commands)\n", argv[1]);
    return EXIT_USAGE;
}
