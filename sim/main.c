/* main.c -- dispatches to the commands; `tiersim help` is generated from
 * their specs. */
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_version.h>

#include "cmd.h"
#include "par.h"
#include "version.h"

typedef struct {
    const cli_spec *spec;
    int (*fn)(int argc, char **argv);
} command;

static const command commands[] = {
    {&cmd_run_spec, cmd_run},         {&cmd_fit_spec, cmd_fit},
    {&cmd_plot_spec, cmd_plot},       {&cmd_compare_spec, cmd_compare},
    {&cmd_goal_spec, cmd_goal},       {&cmd_sens_spec, cmd_sensitivity},
    {&cmd_sweep_spec, cmd_sweep},     {&cmd_validate_spec, cmd_validate},
    {&cmd_batch_spec, cmd_batch},
    {&cmd_check_spec, cmd_check},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static int help(int argc, char **argv)
{
    /* The manual page, from the same specs (the build writes it as tiersim.1). */
    if (argc == 2 && !strcmp(argv[1], "--man")) {
        const cli_spec *specs[N_COMMANDS];
        for (size_t i = 0; i < N_COMMANDS; i++)
            specs[i] = commands[i].spec;
        cli_print_man(stdout, specs, N_COMMANDS);
        return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_FAIL;
    }
    /* `tiersim help CMD` is `tiersim CMD --help`. */
    if (argc > 1)
        for (size_t i = 0; i < N_COMMANDS; i++)
            if (!strcmp(argv[1], commands[i].spec->name))
                return cli_help(commands[i].spec);
    if (argc > 1) {
        fprintf(stderr, "tiersim: help: unknown command '%s' (tiersim help lists the commands)\n",
                argv[1]);
        return EXIT_USAGE;
    }
    printf("tiersim %s -- how likely are a plan's enterprise-cultivation targets to be met?\n\n"
           "usage:\n", TIERSIM_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        printf("  ");
        cli_print_synopsis(stdout, commands[i].spec);
        printf("      %s\n", commands[i].spec->summary);
    }
    printf("  tiersim help [COMMAND] [--man]\n      this list, a command's options with their "
           "defaults and examples, or the manual page (roff)\n"
           "  tiersim version\n      print the version\n"
           "\nexit status: 0 success, 1 failure, 2 bad input or usage.  See README.md.\n");
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

int main(int argc, char **argv)
{
    cli_start(argc, argv);
    if (argc < 2) {
        fprintf(stderr, "usage: tiersim COMMAND [ARGS]  (tiersim help lists the commands)\n");
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h"))
        return help(argc - 1, argv + 1);
    if (!strcmp(name, "version") || !strcmp(name, "--version")) {
        printf("tiersim %s (GSL %s%s)\n", TIERSIM_VERSION, gsl_version,
               par_available() ? "; Open MPI: mpirun -np N tiersim ..." : "");
        return EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(name, commands[i].spec->name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tiersim: unknown command '%s' (tiersim help lists the commands)\n", argv[1]);
    return EXIT_USAGE;
}
