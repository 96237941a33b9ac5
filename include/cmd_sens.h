#ifndef TIERSIM_CMD_SENS_H
#define TIERSIM_CMD_SENS_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"
#include "tserr.h"

/* `tiersim sensitivity` and `tiersim sweep`: options parsed into structs on
 * their own (so that tests can check them), and the charts both draw. */

typedef enum {
    SENS_TORNADO = 0,
    SENS_MORRIS,
    SENS_SOBOL,
    SENS_FILTER,
    SENS_SPLIT,
    SENS_N_METHODS
} sens_method;

extern const char *const sens_method_names[SENS_N_METHODS];

#define SENS_MAX_ARGS 256       /* --param and --range, each */

typedef struct {
    const char *scenario, *out_dir, *history;
    sens_method method;
    const char *params[SENS_MAX_ARGS];      /* --param NAME */
    size_t n_params;
    const char *ranges[SENS_MAX_ARGS];      /* --range NAME=LO:HI, as typed */
    size_t n_ranges;
    const char *policies[CMD_MAX_POLICIES];
    size_t n_policies;
    uint64_t base;                          /* -N; 0: the method's default */
    uint64_t inner;                         /* --inner; 0: the method's default */
    int have_seed;
    uint64_t seed;
    int threads, no_plots, quiet, help;
} sens_args;

/* Parses argv (argv[0] is "sensitivity").  -1 with a usage message in err. */
int sens_args_parse(int argc, char **argv, sens_args *a, ts_err *err);

/* Splits "NAME=LO:HI" (steps == NULL) or "NAME=LO:HI:STEPS" into its parts;
 * name is cut to name_len.  -1 with "expected NAME=LO:HI..., got '...'". */
int sens_parse_spec(const char *spec, char *name, size_t name_len, double *lo, double *hi,
                    uint64_t *steps, ts_err *err);

typedef struct {
    const char *scenario, *out_dir, *history;
    const char *specs[2];                   /* --param NAME=LO:HI:STEPS */
    size_t n_specs;
    const char *policies[CMD_MAX_POLICIES];
    size_t n_policies;
    uint64_t replications;                  /* -n; 0: the scenario's */
    int have_seed;
    uint64_t seed;
    int threads, no_plots, quiet, help;
} sweep_args;

int sweep_args_parse(int argc, char **argv, sweep_args *a, ts_err *err);

struct scenario;
/* The name of target j in the CSVs: its tier, with ":new" or ":stock" when the
 * tier also has a target of the other kind (as compare.csv writes it). */
void sens_target_name(const struct scenario *s, size_t j, char *buf, size_t len);

/* Draws the sensitivity and sweep charts of DIR (a command's temporary
 * output directory) into DIR/charts, then DIR/report.html.  Returns 0, or
 * PLOT_SKIPPED when gnuplot is not on PATH (the one-line warning printed), or
 * -1 with err. */
int cmd_sens_draw(const char *dir, ts_err *err);

#endif
