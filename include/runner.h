#ifndef TIERSIM_RUNNER_H
#define TIERSIM_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "par.h"
#include "scenario.h"
#include "summary.h"
#include "tserr.h"

/* Replications, threads and aggregation.  No I/O: progress is reported
 * through a callback the command layer owns.
 *
 * Reproducibility: replication i (counted from 0) draws its parameters from
 * stream 2i and its chance events from stream 2i + 1 of the run seed
 * (rng_stream, rng.h).  Replications are handed to threads in chunks of
 * RUNNER_CHUNK; all sums are integer, so results are identical, byte for
 * byte, for any number of threads, and the first n replications of a larger
 * run are exactly the replications of a run of n. */

#define RUNNER_CHUNK 500
/* --precision adds replications in batches of this many chunks. */
#define RUNNER_BATCH_CHUNKS 8

typedef struct {
    uint64_t replications;          /* used when precision == 0 */
    uint64_t seed;
    int threads;                    /* <= 0: OpenMP's default */
    double precision;               /* > 0: run until every target's P(met) SE <= precision */
    uint64_t max_replications;      /* the cap with precision */
    engine_samplers samplers;
    volatile sig_atomic_t *cancel;  /* polled between chunks; may be NULL */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    /* Per-replication records of replications 0 .. record_reps-1, for what
     * needs the draws behind each outcome (the report card's why-lines):
     * record_theta[rep * n_params + i] the drawn parameters,
     * record_value[rep * n_targets + j] each target's count in end_year.
     * Each replication writes its own rows, so they are the same for any
     * number of threads.  0: none (the arrays may be NULL). */
    uint64_t record_reps;
    double *record_theta;
    int64_t *record_value;
    /* Processes (par.h): each runs the chunks (and crn.h's tasks) it owns,
     * and every process ends with the whole result.  NULL: this one alone. */
    const par_group *par;
} runner_opts;

typedef struct {
    size_t n_years, n_tiers, n_targets;
    uint64_t replications;          /* replications actually run */
    int threads;                    /* threads used */
    hist **hists;                   /* [(y * n_tiers + k) * M_COUNT + m] */
    hist **start;                   /* [k]: tier k's stock at the start (drawn where the
                                     * scenario's stock is a distribution) */
    uint64_t *met_by_year;          /* [j * n_years + y]: target j's threshold reached at year y */
    uint64_t met_all;               /* every target met at end_year in the same replication */
    hist **sums;                    /* [j]: a target over several tiers, the sum in end_year
                                     * (NULL for a one-tier target) */
    const hist **target_end;        /* [j]: target j's count in end_year: sums[j], or its
                                     * tier's histogram of the measure */
    uint64_t capped;                /* replications whose rates were scaled down to sum to 1 */
    /* A region set: [g] the replications in which member g (g < n_members),
     * or the set itself (g == n_members), met all its targets at end_year. */
    uint64_t *met_group;
    size_t n_groups;                /* n_members + 1, or 0 */
    int view;                       /* runner_result_view's: borrows the histograms */
    int precision_reached;          /* with precision: 1 when the SE goal was met before the cap */
} runner_result;

/* Fills the defaults: the scenario's replications and seed, all threads,
 * fast samplers, cap 10^7. */
void runner_opts_init(runner_opts *o, const scenario *s);

/* The threads a request asks for: `requested`, or OpenMP's default when
 * <= 0; 1 without OpenMP.  At least 1.  The one rule, for the runner's
 * options (runner_threads) and the command line's -j. */
int runner_thread_count(int requested);
int runner_threads(const runner_opts *o);

int runner_run(const scenario *s, const runner_opts *o, runner_result **out, ts_err *err);
void runner_result_free(runner_result *r);   /* NULL is a no-op */

/* A part of r as the result of a scenario of its own: tiers tier0 ..
 * tier0 + n_tiers - 1 and targets target0 .. target0 + n_targets - 1, "every
 * target met" that of group `group` (a region set's member or the set; any
 * other: r's own).  The view borrows r's histograms: free it (with
 * runner_result_free) before r. */
int runner_result_view(const runner_result *r, size_t tier0, size_t n_tiers, size_t target0,
                       size_t n_targets, size_t group, runner_result **out, ts_err *err);

const hist *runner_hist(const runner_result *r, size_t year, size_t tier, ts_measure m);
/* The start stock of tier k over the replications: the level a date at the
 * start (the month before `start`) is compared with. */
const hist *runner_start_hist(const runner_result *r, size_t tier);
uint64_t runner_met(const runner_result *r, size_t target); /* at end_year */
/* The distribution of target j's count in end_year over the replications:
 * its tier's measure, or the sum over its tiers in each replication. */
const hist *runner_target_hist(const runner_result *r, size_t target);

/* The stopping rule's standard error: Agresti-Coull's p~ = (x + 2) / (n + 4)
 * in sqrt(p~ (1 - p~) / n), so a run is not stopped early just because no
 * replication has met (or missed) a target yet. */
double runner_stopping_se(uint64_t successes, uint64_t n);

#endif
