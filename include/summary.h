#ifndef TIERSIM_SUMMARY_H
#define TIERSIM_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

/* Summaries whose memory does not grow with the number of replications.
 *
 * hist: a histogram of nonnegative integer counts (firms).  Bins have width 1
 * -- so quantiles are exact -- while the values seen span fewer than
 * HIST_MAX_BINS consecutive integers; beyond that the bin width doubles as
 * often as needed (bins stay aligned to multiples of the width, so merging
 * histograms is exact and independent of the order in which values arrived).
 * The mean is always exact (a 128-bit integer sum). */

#define HIST_MAX_BINS 32768

typedef struct hist hist;

/* The layout is shown only for hist_add1's inline fast path below: nothing
 * outside summary.c reads or writes these fields. */
__extension__ typedef unsigned __int128 hist_u128;
struct hist {
    uint64_t *bins;   /* cap entries allocated, the first nbins in use */
    size_t cap;
    size_t nbins;     /* 0 exactly when n == 0 */
    int64_t base;     /* bin index of bins[0] */
    int shift;        /* width = 2^shift */
    uint64_t n;
    int64_t min, max; /* exact; meaningful when n > 0 */
    hist_u128 sum;    /* exact sum of the values */
    /* 1 after hist_add1_lazy counted a value into a width-1 bin without
     * n, min, max and sum: the bins hold them exactly, and hist_settle
     * recomputes them from there. */
    int stale;
};

hist *hist_alloc(void);
void hist_free(hist *h);                      /* NULL is a no-op */
void hist_reset(hist *h);                     /* empty again, keeps memory */

/* Adds `count` observations of value v (v >= 0).  May grow the bin array;
 * returns -1 only when memory runs out. */
int hist_add(hist *h, int64_t v, uint64_t count);

/* hist_add1 and hist_add1_lazy below: one body, `lazy` a constant in each. */
static inline int hist_count1(hist *h, int64_t v, int lazy)
{
    /* A negative v (refused by hist_add) or an empty histogram (nbins 0)
     * falls through to the slow path. */
    if (v < 0)
        return hist_add(h, v, 1);
    const uint64_t idx = (uint64_t)((v >> h->shift) - h->base);
    if (idx >= h->nbins)
        return hist_add(h, v, 1);
    h->bins[idx]++;
    if (lazy && h->shift == 0) {
        h->stale = 1;
        return 0;
    }
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    h->n++;
    h->sum += (uint64_t)v;
    return 0;
}

/* hist_add(h, v, 1), inline: the runner adds every measure of every
 * replication, and a value inside the current window (all but a bounded
 * number of times a run) needs no re-planning and no 128-bit multiply. */
static inline int hist_add1(hist *h, int64_t v)
{
    return hist_count1(h, v, 0);
}

/* hist_add1 for a histogram many values are counted into before anything
 * reads it (the runner's per-thread histograms): while its bins have width 1
 * they hold every value exactly, so only the bin is counted, and n, min,
 * max and sum are recomputed from the bins by hist_settle -- the loads,
 * compares and stores that hist_add1 spends on them in each of a
 * replication's ~180 updates (1 % of a run's instructions, callgrind;
 * paired wall time 0.99, median of 11).  Wider bins lose the values, so
 * from there on hist_add1_lazy keeps them as hist_add1 does; hist_add (the
 * growth) settles first.  Until hist_settle(h), no other function may be
 * given h (they assert it). */
static inline int hist_add1_lazy(hist *h, int64_t v)
{
    return hist_count1(h, v, 1);
}

/* n, min, max and sum of h from its width-1 bins, after hist_add1_lazy. */
void hist_settle(hist *h);

/* dst += src.  Returns -1 only when memory runs out. */
int hist_merge(hist *dst, const hist *src);

/* A histogram as words, for another process (par.h) to merge: the counts
 * are a function of the values alone, so merging the packed shares of every
 * process gives the histogram one process would have built.  hist_pack
 * writes hist_pack_words(h) words and returns their number;
 * hist_merge_packed merges one packed histogram from w (at most avail
 * words; *used gets how many it took): 0, or -1 when the words are not a
 * packed histogram or memory ran out. */
size_t hist_pack_words(const hist *h);
size_t hist_pack(const hist *h, uint64_t *w);
int hist_merge_packed(hist *dst, const uint64_t *w, size_t avail, size_t *used);

uint64_t hist_count(const hist *h);
int64_t hist_min(const hist *h);              /* exact smallest value seen; 0 when empty */
int64_t hist_max(const hist *h);              /* exact largest value seen; 0 when empty */
int64_t hist_width(const hist *h);            /* current bin width (1 = exact) */
double hist_mean(const hist *h);              /* exact mean; NAN when empty */
double hist_sd(const hist *h);                /* sample sd (n - 1); 0 when n < 2, NAN when empty */

/* The q-quantile as the inverse of the empirical CDF (R's type 1): the
 * smallest v with F(v) >= q, for q in [0, 1] (q = 0 gives the minimum).
 * Exact while the width is 1; otherwise the lower edge of the bin, clamped to
 * [min, max].  0 when empty. */
int64_t hist_quantile(const hist *h, double q);

/* The occupied span of bins, in increasing order: bin i (0 .. hist_bins(h)
 * - 1) counts the values of the whole numbers *lo .. *hi (its width,
 * clamped to [min, max]; lo == hi while the width is 1).  hist_bins is 0
 * for an empty histogram; bins inside the span may count 0. */
size_t hist_bins(const hist *h);
uint64_t hist_bin(const hist *h, size_t i, int64_t *lo, int64_t *hi);

/* Number of observations >= threshold (exact while width is 1). */
uint64_t hist_count_at_least(const hist *h, int64_t threshold);

/* Wilson score interval for `successes` out of n at normal quantile z
 * (1.959963984540054 for 95 %).  n = 0 gives [0, 1]. */
void wilson_interval(uint64_t successes, uint64_t n, double z, double *lo, double *hi);

/* Monte Carlo standard error of a proportion, sqrt(p (1 - p) / n); 0 when n = 0. */
double proportion_se(uint64_t successes, uint64_t n);

#endif
