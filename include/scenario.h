#ifndef TIERSIM_SCENARIO_H
#define TIERSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "tserr.h"

/* A validated scenario: what scenario.c makes of an INI file (and the files
 * it inherits from with `base =`).  Everything the engine needs is here;
 * nothing about the INI format leaks out.
 *
 * Every number that can vary lives in `params`, a flat list with one dotted
 * name each (tier.srdi.exit, transition.srdi->little_giant.rate,
 * policy.capital.scale, ...).  Tiers, transitions and policies refer to their
 * parameters by index, so a replication is fully described by one vector
 * theta[n_params] of drawn values. */

#define TS_NAME_MAX 64            /* identifiers: tiers, policies, scenario name */
#define TS_MAX_TIERS 256
#define TS_MAX_TRANSITIONS 1024
#define TS_MAX_POLICIES 64
#define TS_MAX_YEARS 200
#define TS_NO_PARAM ((size_t)-1)

typedef struct {
    char *name;          /* dotted name, e.g. "tier.srdi.exit" */
    dist value;
    int integer;         /* draws are rounded (stock) or floored (quota) to whole firms */
    int fit;             /* written `fit` or `fit(PRIOR)`: to be estimated by tiersim fit */
    int has_prior;       /* with fit: `value` holds the prior */
    const char *file;    /* where it was written (NULL for defaults) */
    int line;
} ts_param;

typedef struct {
    char name[TS_NAME_MAX];
    char *label;                        /* never NULL: defaults to the name */
    size_t p_stock, p_inflow, p_growth, p_dispersion, p_exit;
    const char *file;
    int line;
} ts_tier;

typedef struct {
    size_t from, to;                    /* tier indices */
    int keep;                           /* nested certification: stays in `from` too */
    size_t p_rate;
    size_t p_quota;                     /* TS_NO_PARAM when no quota */
    const char *file;
    int line;
} ts_transition;

typedef enum { TS_TARGET_NEW = 0, TS_TARGET_STOCK = 1 } ts_target_kind;

typedef struct {
    size_t tier;
    ts_target_kind kind;
    double value;                       /* as written */
    double tolerance;                   /* 0 .. <1 */
    int64_t threshold;                  /* smallest whole count that meets it */
    const char *file;
    int line;
} ts_target;

typedef enum { TS_SCALE_RATE = 0, TS_SCALE_INFLOW, TS_SCALE_EXIT } ts_scale_kind;

typedef struct {
    ts_scale_kind kind;
    size_t index;                       /* transition (RATE) or tier (INFLOW, EXIT) */
    size_t p_factor;
} ts_scale;

typedef struct {
    char name[TS_NAME_MAX];
    char *label;
    int from, until;                    /* years, inclusive */
    size_t p_strength;                  /* policy.NAME.scale, default 1 */
    ts_scale *scales;
    size_t n_scales;
    int active;                         /* set by scenario_activate_policy */
    const char *file;
    int line;
} ts_policy;

typedef struct scenario {
    char *path;                         /* the file it was loaded from */
    char name[TS_NAME_MAX];
    char *label;
    int start_year, end_year;
    uint64_t replications;
    uint64_t seed;

    ts_tier *tiers;
    size_t n_tiers;
    ts_transition *transitions;
    size_t n_transitions;
    ts_target *targets;
    size_t n_targets;
    ts_policy *policies;
    size_t n_policies;
    ts_param *params;
    size_t n_params;

    char **files;                       /* every file read (owned; params point into it) */
    size_t n_files;
} scenario;

/* Reads and validates PATH (following `base =`).  On error returns -1 with
 * err->msg = "FILE:LINE: what is wrong" (or "FILE: ..." without a line). */
int scenario_load(scenario **out, const char *path, ts_err *err);

/* The same from text in memory; `name` stands for the file in messages and
 * is the directory that a `base =` is relative to. */
int scenario_parse_string(scenario **out, const char *text, const char *name, ts_err *err);
/* The same from LEN bytes that may hold NUL bytes (refused with their line,
 * as in a file); what the fuzzer drives. */
int scenario_parse_mem(scenario **out, const char *text, size_t len, const char *name,
                       ts_err *err);

void scenario_free(scenario *s);        /* NULL is a no-op */

/* Turns policy NAME on.  Unknown names are an error that lists the policies. */
int scenario_activate_policy(scenario *s, const char *name, ts_err *err);

/* Number of parameters still marked `fit`; the first one's index in *first. */
size_t scenario_unfitted(const scenario *s, size_t *first);

/* Index of a parameter or tier by name; TS_NO_PARAM / -1 when absent. */
size_t scenario_find_param(const scenario *s, const char *name);
long scenario_find_tier(const scenario *s, const char *name);

/* Number of years simulated (end_year - start_year + 1). */
size_t scenario_years(const scenario *s);

/* The mean of each parameter as written (a distribution counts with its mean). */
void scenario_param_means(const scenario *s, double *theta);

/* One key of the scenario format.  scenario.c reads every file through the
 * table of these, so the six strings are both the documentation (`tiersim
 * check --keys`, the key table of README.md) and what the parser does: a key
 * whose default is "required" must be given, a default in parentheses says
 * what a section without the key gets, and any other default is read as if
 * it had been written. */
typedef struct {
    const char *section;    /* "[tier NAME]" */
    const char *name;       /* "exit" */
    const char *kind;       /* what may be written: "value, distribution or fit", "year", ... */
    const char *range;      /* "[0, 1]", ">= 0", "1 .. 1000000000" */
    const char *deflt;      /* "0", "required", "(none)" */
    const char *meaning;    /* one line */
    const struct scenario_key_rule *rule; /* how scenario.c reads it: private to scenario.c */
} scenario_key;

/* The table, in its documented order (the order of the README and of the
 * lists in messages); *n gets the number of keys. */
const scenario_key *scenario_keys(size_t *n);

/* Writes k's row of the README key table, without a newline:
 *   | [tier NAME] | exit | value, distribution or fit | [0, 1] | 0 | yearly ... |
 * Returns the length snprintf would have written (a row is shorter than
 * 512 bytes). */
int scenario_key_markdown(const scenario_key *k, char *buf, size_t len);

#endif
