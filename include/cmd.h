#ifndef TIERSIM_CMD_H
#define TIERSIM_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "output.h"

/* The commands: `tiersim NAME ...` runs cmd_NAME(argc - 1, argv + 1).  Each
 * has a spec (its options, for the parser and the help) and a public parser
 * that tests check on its own: cli_args for the shared options and operands,
 * a struct of the command's own for the rest. */

extern const cli_spec cmd_run_spec, cmd_fit_spec, cmd_plot_spec, cmd_check_spec,
    cmd_compare_spec, cmd_goal_spec, cmd_sens_spec, cmd_sweep_spec, cmd_validate_spec, cmd_batch_spec;

int cmd_run(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_goal(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_batch(int argc, char **argv);

/* `tiersim run SCENARIO`: --precision, --max-reps, --observed, --explain. */
typedef struct {
    double precision;               /* 0: off */
    uint64_t max_replications;      /* the cap with --precision */
    const char *observed;           /* --observed OBSERVED.csv: overlaid on the fan charts */
    int explain;                    /* the why-lines also give the lever's value (goal) */
} run_flags;
int run_args_parse(int argc, char **argv, cli_args *a, run_flags *r, ts_err *err);
/* `tiersim batch SET`: run's options. */
int batch_args_parse(int argc, char **argv, cli_args *a, run_flags *r, ts_err *err);

/* `tiersim validate SCENARIO OBSERVED.csv`: no options of its own. */
int validate_args_parse(int argc, char **argv, cli_args *a, ts_err *err);

/* `tiersim fit SCENARIO HISTORY.csv`: no options of its own. */
int fit_args_parse(int argc, char **argv, cli_args *a, ts_err *err);

/* `tiersim plot DIR`. */
int plot_args_parse(int argc, char **argv, cli_args *a, ts_err *err);

/* `tiersim check SCENARIO [--params]`, `tiersim check --keys`. */
typedef struct {
    int params, keys;
} check_flags;
int check_args_parse(int argc, char **argv, cli_args *a, check_flags *c, ts_err *err);

/* `tiersim compare SCENARIO`: each --policy is an arm ("A+B" turns on both),
 * --all-policies one arm per policy, --scenario OTHER.ini an arm of another
 * scenario. */
typedef struct {
    const char *others[CLI_MAX_POLICIES];
    size_t n_others;
    int all_policies;
} compare_flags;
int compare_args_parse(int argc, char **argv, cli_args *a, compare_flags *c, ts_err *err);

/* `tiersim goal SCENARIO --target TIER --prob Q --lever NAME [--range LO:HI]`. */
typedef struct {
    const char *target, *lever;
    double q, lo, hi;
    int have_range;
} goal_flags;
int goal_args_parse(int argc, char **argv, cli_args *a, goal_flags *g, ts_err *err);

/* `tiersim sensitivity SCENARIO`. */
#define SENS_MAX_ARGS 256           /* --param and --range, each */
typedef struct {
    sens_method method;
    const char *params[SENS_MAX_ARGS];      /* --param NAME */
    size_t n_params;
    const char *ranges[SENS_MAX_ARGS];      /* --range NAME=LO:HI, as typed */
    size_t n_ranges;
    uint64_t base;                          /* -N; 0: the method's default */
    uint64_t inner;                         /* --inner; 0: the method's default */
} sens_flags;
int sens_args_parse(int argc, char **argv, cli_args *a, sens_flags *o, ts_err *err);

/* `tiersim sweep SCENARIO --param NAME=LO:HI:STEPS [--param ...]`. */
typedef struct {
    const char *specs[2];
    size_t n_specs;
} sweep_flags;
int sweep_args_parse(int argc, char **argv, cli_args *a, sweep_flags *o, ts_err *err);

#endif
