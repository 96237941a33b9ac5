#ifndef TIERSIM_CMD_H
#define TIERSIM_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tserr.h"

/* The command layer: the only code that prints and picks exit statuses
 * (0 success, 1 other failure, 2 bad input or usage). */

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define CMD_MAX_POLICIES 64

/* `tiersim run` options, parsed on their own so that tests can check them. */
typedef struct {
    const char *scenario;
    uint64_t replications;          /* 0: the scenario's */
    int have_seed;
    uint64_t seed;
    int threads;                    /* 0: all */
    const char *out_dir;            /* NULL: out/<scenario name> */
    const char *policies[CMD_MAX_POLICIES];
    size_t n_policies;
    int no_plots;
    int quiet;
    double precision;               /* 0: off */
    uint64_t max_replications;      /* cap with --precision */
    const char *history;            /* --history: fit first, then run */
    int help;
} run_args;

/* Parses argv (argv[0] is "run").  -1 with a usage message in err. */
int run_args_parse(int argc, char **argv, run_args *a, ts_err *err);

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_fit(int argc, char **argv);

struct scenario;
struct fit_result;
struct history;
/* Loads HISTORY, fits s's `fit` parameters, prints the table to `report`
 * (may be NULL) and the warnings to stderr; *hout may be NULL. */
int cmd_fit_scenario(struct scenario *s, const char *history_path, FILE *report,
                     struct fit_result **out, struct history **hout, ts_err *err);

/* "tiersim run ..." as typed, for manifests (buffer owned by the caller). */
void cmd_line(int argc, char **argv, char *buf, size_t len);

/* The full command line of this process, set by main for manifests. */
#define CMD_LINE_MAX 4096
extern char cmd_full_line[CMD_LINE_MAX];

#endif
