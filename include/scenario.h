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
#define TS_MAX_EVENTS 256
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
    /* Its line's inline comment starts with "assumption": by the scenario
     * format's convention (seed, shared data, derived or assumption), a
     * number that no data stand behind.  0 for defaults and `fit` values. */
    int assumption;
} ts_param;

/* A key whose value can change by year (KEY@YEAR = value): steps[0] is the
 * key as written, or its default, in force from start_year; steps[1..n-1]
 * are the KEY@YEAR values, in increasing year order (start_year < year <=
 * end_year), each in force from its update year until the next.  p is a
 * parameter index, or TS_NO_PARAM for "none" (an inflow_quota or quota
 * that is not set before its first @YEAR). */
typedef struct {
    int year;
    size_t p;
} ts_step;

typedef struct {
    ts_step *steps;                     /* owned; n >= 1 */
    size_t n;
} ts_sched;

#define TS_MAX_VALIDITY 50

typedef struct {
    char name[TS_NAME_MAX];
    char *label;                        /* never NULL: defaults to the name */
    /* steps[0].p of the schedules below, kept for the code that knows no
     * @YEAR (and equal to it). */
    size_t p_stock, p_inflow, p_growth, p_dispersion, p_exit;
    ts_sched inflow, growth, dispersion, exit;
    ts_sched inflow_quota;              /* steps[0].p TS_NO_PARAM: no cap until a @YEAR sets one */
    /* Certificates (DESIGN.md, "Validity and re-review"): validity V >= 1
     * makes the tier track its firms by certificate year; 0 = no cohorts
     * (then renewal has n == 0, expire_to is -1, n_cohorts is 0). */
    int validity;
    ts_sched renewal;                   /* with validity: default 0 */
    long expire_to;                     /* tier index, or -1: expired firms leave */
    /* stock_cohorts = c1, ..., cn (n <= V): firms certified 1 .. n years before
     * start_year.  Counts when the stock is a fixed number (they sum to it),
     * proportions otherwise; n_cohorts 0: split evenly (scenario_cohorts). */
    double *cohorts;
    size_t n_cohorts;
    int64_t cumulative_start;           /* firms ever certified before the start (default 0) */
    /* A region set's sum (DESIGN.md, "Region sets"): n_sum > 0 makes the tier
     * the members' tiers sum_of[0 .. n_sum-1] added up measure by measure in
     * each replication; it has no firms of its own (its parameters are the
     * set's constant 0, `set.sums`).  Owned; 0 and NULL elsewhere. */
    size_t *sum_of;
    size_t n_sum;
    const char *file;
    int line;
} ts_tier;

typedef struct {
    size_t from, to;                    /* tier indices */
    int keep;                           /* nested certification: stays in `from` too */
    size_t p_rate;                      /* = rate.steps[0].p */
    size_t p_quota;                     /* = quota.steps[0].p; TS_NO_PARAM when no quota */
    ts_sched rate, quota;
    const char *file;
    int line;
} ts_transition;

/* [event NAME]: at the start of update year `year`, before its exits, each
 * source tier's firms split by one multinomial draw over the event's moves
 * out of it and staying (DESIGN.md, "Scheduled changes"). */
typedef struct {
    size_t from, to;                    /* tier indices, from != to */
    size_t p_frac;                      /* event.NAME.move.A->B, in [0, 1] */
    const char *file;
    int line;
} ts_move;

typedef struct {
    char name[TS_NAME_MAX];
    char *label;                        /* never NULL: defaults to the name */
    int year;                           /* start_year <= year <= end_year */
    ts_move *moves;                     /* in file order */
    size_t n_moves;
    const char *file;
    int line;
} ts_event;

typedef enum {
    TS_TARGET_NEW = 0,
    TS_TARGET_STOCK = 1,
    TS_TARGET_CUMULATIVE = 2            /* cumulative_start + new */
} ts_target_kind;

/* [target NAME]: without `tiers`, NAME is a tier and the target counts it
 * (n_tiers 1, tiers[0] == tier); with `tiers = a, b, ...` the target counts
 * the sum of those tiers' measures in the same replication (DESIGN.md,
 * "Targets over several tiers") and NAME is its own name, never another
 * tier's.  Each measure given is one ts_target; those of one section share
 * NAME, tolerance and tiers. */
typedef struct {
    char name[TS_NAME_MAX];             /* NAME: what every output calls the target */
    char *label;                        /* never NULL (owned): its tier's label, or the
                                         * labels of its tiers joined by " + " */
    size_t *tiers;                      /* owned: n_tiers >= 1 distinct tier indices, as written */
    size_t n_tiers;
    size_t tier;                        /* tiers[0]: the tier of a one-tier target */
    ts_target_kind kind;
    double value;                       /* as written */
    double tolerance;                   /* 0 .. <1 */
    int64_t threshold;                  /* smallest whole count that meets it */
    /* In a region set: the member whose target it is (0 .. n_members-1), or
     * n_members for the set's own; 0 elsewhere.  "Every target met" is
     * counted per group too (runner_result.met_group). */
    size_t group;
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

struct scenario;

/* [member NAME] of a region set: the member's scenario as it loads on its
 * own, and where its parts sit in the set's merged scenario (its tiers are
 * tier0 .. tier0 + s->n_tiers - 1, in its order, named NAME.TIER; its
 * targets likewise from target0, named NAME.TARGET). */
typedef struct {
    char name[TS_NAME_MAX];
    struct scenario *s;                 /* owned */
    size_t tier0, transition0, target0, policy0, event0;
    size_t *param;                      /* [i]: the set's index of the member's parameter i */
    const char *file;                   /* the [member] section */
    int line;
} ts_member;

typedef struct scenario {
    char *path;                         /* the file it was loaded from */
    char name[TS_NAME_MAX];
    char *label;
    int start_year, end_year;
    /* start = YYYY-MM: the month each yearly update begins (1 .. 12, default
     * 1); known_until = YYYY-MM: where the scenario's knowledge stops, as
     * year * 12 + month - 1 (default: the month before start). */
    int start_month;
    int known_until;
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
    ts_event *events;                   /* in file order */
    size_t n_events;
    ts_param *params;
    size_t n_params;

    /* A region set ([set] instead of [scenario]): one scenario made of its
     * members' (each parameter named MEMBER.NAME, a [shared] one by its own
     * name, drawn once per replication for every member that has it), then
     * the sums (ts_tier.sum_of) from tier sum_tier0 on, and the set's own
     * targets from set_target0 on.  n_members 0 for a scenario. */
    ts_member *members;
    size_t n_members, sum_tier0, set_target0;

    char **files;                       /* every file read (owned; params point into it) */
    size_t n_files;
    /* By file: 1 where it was not UTF-8 and was read as GB18030 (textin.h),
     * which the command layer notes on stderr. */
    unsigned char *files_gb18030;
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

/* The policies' names, ", "-separated, as many as fit in len; the length. */
size_t scenario_policy_list(const scenario *s, char *list, size_t len);

/* Turns policy NAME on.  Unknown names are an error that lists the policies. */
int scenario_activate_policy(scenario *s, const char *name, ts_err *err);

/* Number of parameters still marked `fit`; the first one's index in *first. */
size_t scenario_unfitted(const scenario *s, size_t *first);

/* Index of a parameter or tier by name; TS_NO_PARAM / -1 when absent. */
size_t scenario_find_param(const scenario *s, const char *name);
long scenario_find_tier(const scenario *s, const char *name);

/* Number of years simulated (end_year - start_year + 1). */
size_t scenario_years(const scenario *s);

/* The last month of update year y (its period end) as year * 12 + month - 1:
 * for start 2022-07, update 2022 ends 2023-06. */
int scenario_period_end(const scenario *s, int y);
/* A month index (year * 12 + month - 1) as "YYYY-MM"; buf of at least 8. */
void scenario_month_format(int ym, char *buf, size_t len);

/* The parameter in force in update year y: the last step whose year is at
 * most y (steps[0] before the first @YEAR); TS_NO_PARAM for an empty
 * schedule or a step that is "none". */
size_t scenario_step_at(const ts_sched *sc, int y);

/* The start stock n0 of tier k split into its certificate cohorts:
 * c[j - 1] firms certified j years before start_year, j = 1 .. V (c has
 * room for V); by stock_cohorts (counts as written, or proportions of n0:
 * floor of each share, the remainder to c1), or evenly (n0 / V each, the
 * remainder to c1).  Counts are used as written when they sum to n0; for
 * any other n0 (a stock set by sweep, sensitivity or goal) they are read
 * as proportions.  Cohorts beyond those written are 0.  Nothing for a tier
 * without validity. */
void scenario_cohorts(const scenario *s, size_t k, int64_t n0, int64_t *c);

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
