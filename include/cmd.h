#ifndef TIERSIM_CMD_H
#define TIERSIM_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <signal.h>
#include <time.h>

#include "outdir.h"
#include "runner.h"
#include "tserr.h"

/* The command layer: the only code that prints and picks exit statuses
 * (0 success, 1 other failure, 2 bad input or usage). */

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Everything tiersim prints on error is one line: a usage error names the
 * mistake and ends with this pointer to the usage, e.g.
 *     ts_errf(err, "run: -n: expected ..., got '%s'" CMD_SEE_HELP("run"), optarg); */
#define CMD_SEE_HELP(command) " (see tiersim " command " --help)"

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
int cmd_plot(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);   /* cmd_sens.c */
int cmd_sweep(int argc, char **argv);

/* Draws the charts of `kinds` (PLOT_RUN, PLOT_FIT, PLOT_COMPARE of plot.h)
 * from DIR's files into DIR/charts, then writes DIR/report.html; DIR is
 * normally a command's temporary output directory, before outdir_commit.
 * The gnuplot scripts come from $TIERSIM_PLOTS or beside the executable.
 * Returns 0; PLOT_SKIPPED (1) when gnuplot is not on PATH (report.html is
 * written all the same; with warn_missing the one-line warning is printed);
 * PLOT_EINPUT or -1 with err.  n_charts may be NULL. */
int cmd_draw(const char *dir, unsigned kinds, int warn_missing, size_t *n_charts, ts_err *err);

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

int cmd_load_scenario(const char *path, const char *history_path, int quiet, struct scenario **out,
                      ts_err *err);

/* The progress bar of long runs: on stderr when it is a terminal, not with
 * --quiet; begin installs it in the runner options. */
typedef struct {
    struct timespec start, last;
    int shown;
} cmd_progress_state;
void cmd_progress(void *ctx, uint64_t done, uint64_t total);
void cmd_progress_begin(cmd_progress_state *p, int quiet, runner_opts *o);
void cmd_progress_end(cmd_progress_state *p);

/* The options every simulating command shares, parsed strictly; errors are
 * one line naming the command: "CMD: -n: expected ..., got 'X' (see tiersim
 * CMD --help)". */
int cmd_opt_reps(const char *cmd, const char *arg, uint64_t *out, ts_err *err);
int cmd_opt_seed(const char *cmd, const char *arg, uint64_t *out, ts_err *err);
int cmd_opt_threads(const char *cmd, const char *arg, int *out, ts_err *err);
/* getopt's ':' (a value is missing) or '?' (an unknown option) for option `opt`. */
int cmd_opt_bad(const char *cmd, int c, const char *opt, ts_err *err);
/* Turns on the named policies and writes them comma-separated into list. */
int cmd_activate_policies(struct scenario *s, const char *const *names, size_t n, char *list,
                          size_t len, ts_err *err);

/* Threads a run will use: the request, or OpenMP's default. */
int cmd_threads(int requested);

/* SIGINT and SIGTERM set cmd_interrupted, which long runs poll (runner_opts
 * cancel): the run stops, its temporary directory is removed, exit 1. */
extern volatile sig_atomic_t cmd_interrupted;
void cmd_catch_signals(void);

/* The one line a failed command prints on stderr: err's message, a file in
 * the temporary output directory od (may be NULL) named where it would have
 * been; after SIGINT or SIGTERM "CMD: interrupted; nothing written".
 * Returns the exit status: `status`, or EXIT_FAIL when interrupted. */
int cmd_fail(const char *cmd, ts_err *err, const outdir *od, int status);

/* The end of a command that succeeded: flushes stdout and checks that every
 * write to it worked (`tiersim run ... > /dev/full`); EXIT_OK, or EXIT_FAIL
 * with one line on stderr. */
int cmd_flush_stdout(void);

int cmd_compare(int argc, char **argv);
int cmd_goal(int argc, char **argv);

#endif
