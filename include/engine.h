#ifndef TIERSIM_ENGINE_H
#define TIERSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "scenario.h"
#include "tserr.h"

/* The yearly update of DESIGN.md for one replication.  Pure: no I/O, no
 * globals, no allocation after engine_alloc.  Counts are exact 64-bit
 * integers. */

/* Levels at the end of an update year (stock, new, cumulative) and counts
 * of what happened during it (the rest). */
typedef enum {
    M_STOCK = 0,     /* N[k] at the end of the year */
    M_NEW,           /* cumulative entries (inflow + promotions in) since start_year */
    M_INFLOW,        /* entries from outside during the year (after inflow_quota) */
    M_PROMOTED_IN,   /* promotions into the tier during the year (after quotas) */
    M_EXITS,         /* exits during the year */
    M_EXPIRED,       /* certificates re-reviewed and not renewed */
    M_RENEWED,       /* certificates re-reviewed and renewed (not new) */
    M_MOVED_IN,      /* arrivals by an [event] or another tier's expire_to (not new) */
    M_CUMULATIVE,    /* cumulative_start + new */
    M_COUNT
} ts_measure;

/* Measures that need no summary of their own: ENGINE_ZERO, always 0 for
 * tier k (expired and renewed without validity, moved_in where no event or
 * expire_to leads in); ENGINE_AS_NEW, always equal to M_NEW (cumulative
 * without cumulative_start); else ENGINE_DRAWN. */
enum { ENGINE_DRAWN = 0, ENGINE_ZERO, ENGINE_AS_NEW };
int engine_measure_kind(const scenario *s, size_t k, ts_measure m);

/* The measure a target counts: M_NEW, M_STOCK or M_CUMULATIVE. */
ts_measure engine_target_measure(const ts_target *t);

extern const char *const engine_measure_names[M_COUNT];

/* Largest count the engine accepts (a tier or a flow); beyond it a run stops
 * with an error naming the tier and year rather than overflowing. */
#define ENGINE_COUNT_MAX ((int64_t)1 << 62)

/* Target t's count in year index y of one replication's engine_run `out`:
 * its tier's measure, or for a target over several tiers the sum of theirs
 * in the same replication (DESIGN.md, "Targets over several tiers").  The
 * sum stops at ENGINE_COUNT_MAX, which no threshold exceeds, so whether a
 * target is met never depends on it.  Inline: the runner calls it for
 * every target, year and replication, and a one-tier target costs what
 * indexing `out` did. */
static inline int64_t engine_target_value(const scenario *s, const ts_target *t,
                                          const int64_t *out, size_t y)
{
    ts_measure m = t->kind == TS_TARGET_NEW     ? M_NEW /* engine_target_measure's map */
                   : t->kind == TS_TARGET_STOCK ? M_STOCK
                                                : M_CUMULATIVE;
    const int64_t *row = out + y * s->n_tiers * M_COUNT + m;
    if (t->n_tiers == 1)
        return row[t->tier * M_COUNT];
    int64_t sum = 0;
    for (size_t i = 0; i < t->n_tiers; i++) {
        int64_t v = row[t->tiers[i] * M_COUNT];
        sum = v > ENGINE_COUNT_MAX - sum ? ENGINE_COUNT_MAX : sum + v;
    }
    return sum;
}
/* Largest inflow mean (rng_poisson's limit). */
#define ENGINE_MEAN_MAX 4503599627370496.0 /* 2^52 */

typedef enum {
    ENGINE_FAST = 0,    /* rng_binomial / rng_poisson (BTRS, PTRS) */
    ENGINE_GSL = 1      /* gsl_ran_binomial / gsl_ran_poisson on every draw: the benchmark baseline */
} engine_samplers;

typedef struct engine_ws engine_ws;

engine_ws *engine_alloc(const scenario *s, engine_samplers samplers);
void engine_free(engine_ws *w);   /* NULL is a no-op */

/* Draws every parameter once into theta[s->n_params], in parameter order.
 * All parameters are drawn, whether or not their policy is active, so that the
 * random stream's use does not depend on which policies are on. */
void engine_draw(const scenario *s, gsl_rng *r, double *theta);

/* engine_draw in two parts, for a caller that draws many replications into
 * one theta: engine_fixed_params sets the fixed values once, and
 * engine_redraw draws the others, idx[0..n) as engine_drawn_params lists
 * them (idx has room for s->n_params) -- the same stream use and the same
 * theta as engine_draw, without a pass over some 55 fixed parameters of
 * the Qingdao scenarios a replication. */
size_t engine_drawn_params(const scenario *s, size_t *idx);
void engine_fixed_params(const scenario *s, double *theta);
void engine_redraw(const scenario *s, gsl_rng *r, double *theta, const size_t *idx, size_t n);

/* Simulates start_year .. end_year from the parameter vector theta.
 * out[(y * n_tiers + k) * M_COUNT + m] receives measure m of tier k at the end
 * of year index y.  *capped is set to 1 when some tier's outgoing rates
 * (drawn or scaled by a policy) summed above 1 in some year and were scaled
 * down to 1, else 0.  Returns 0, or -1 with err when a count would exceed
 * ENGINE_COUNT_MAX or an inflow mean ENGINE_MEAN_MAX. */
int engine_run(engine_ws *w, const scenario *s, const double *theta, gsl_rng *r, int64_t *out,
               int *capped, ts_err *err);

/* A record of each run's draws, tier by tier, for engine_replay to read
 * (off by default: it costs a few copies a year).  Turning it on or off
 * forgets the last run's. */
void engine_keep_record(engine_ws *w, int on);

/* engine_run of theta on the replication whose chance stream r is seeded as
 * for ref's last run, which kept a record (ref: another workspace of the same
 * scenario).  With the fast samplers every (year, tier) draws from its own
 * substream, so a tier whose own inputs are ref's -- yearly values, outgoing
 * rates and quotas, start stock, event fractions -- and that no tier with
 * other inputs feeds (by a transition, expire_to or an event) draws what it
 * drew in ref's run: those are copied from the record, the others drawn.  The
 * same out, *capped and errors as engine_run, bit for bit; all drawn when r is
 * another replication's, the samplers are GSL's, or ref's run failed. */
int engine_replay(engine_ws *w, const scenario *s, const double *theta, gsl_rng *r,
                  const engine_ws *ref, int64_t *out, int *capped, ts_err *err);

/* How many tiers the last run of w copied from a record (0 for engine_run):
 * for the tests and benchmarks. */
size_t engine_copied(const engine_ws *w);

/* Tier k's stock at the start of start_year in the replication of theta:
 * the drawn stock rounded to whole firms, as engine_run starts from it
 * (which refuses one of ENGINE_COUNT_MAX or more). */
int64_t engine_start_stock(const scenario *s, const double *theta, size_t k);

/* Whether tier k's start stock differs between replications (a region
 * set's sum: whether any of its members' does). */
int engine_stock_is_random(const scenario *s, size_t k);

/* Size of engine_run's `out` in elements. */
size_t engine_out_len(const scenario *s);

#endif
