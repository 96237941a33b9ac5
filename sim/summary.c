/* Summaries in bounded memory: an integer histogram with exact mean, and the
 * interval helpers for proportions.
 *
 * The histogram
 * -------------
 * Bin j at shift s holds the values v with v >> s == j, i.e. the integers
 * [j * 2^s, (j + 1) * 2^s); the width is 2^s.  Bins are therefore aligned to
 * multiples of the width, and coarsening from shift s to s + d maps bin j to
 * bin j >> d without ever splitting a bin.
 *
 * The shift is always the smallest s >= 0 for which the values seen so far
 * span at most HIST_MAX_BINS bins, (max >> s) - (min >> s) + 1 <= MAX.  That
 * span only shrinks as s grows and only grows as [min, max] widens, so
 * raising the shift "as often as needed" on every add keeps it minimal, and
 * the minimal shift depends on min and max alone.  Every bin count is then a
 * function of the multiset of values only: adding values in any order, or
 * merging histograms built from any split of them, gives the same shift and
 * the same counts.  The runner relies on this for outputs that are
 * byte-identical for any number of threads.
 *
 * Storage is a window of bin indices [base, base + nbins) held densely in
 * `bins`; bins outside [min >> s, max >> s] are zero.  The window grows by at
 * least doubling (amortised O(1) per add even for values arriving in
 * descending order) and never holds more than HIST_MAX_BINS bins.  Everything
 * that reads the bins walks [min >> s, max >> s] in index order, so the window
 * itself -- which does depend on the order of arrival -- never shows in a
 * result. */

#include "summary.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef hist_u128 u128;

/* The first window: small, so that the thousands of histograms of a run cost
 * little until their values spread out. */
#define HIST_MIN_BINS 64

/* struct hist: in summary.h (for hist_add1). */

hist *hist_alloc(void)
{
    hist *h = calloc(1, sizeof *h);
    return h; /* calloc: no bins, shift 0, empty */
}

void hist_free(hist *h)
{
    if (!h)
        return;
    free(h->bins);
    free(h);
}

void hist_settle(hist *h)
{
    if (!h->stale)
        return;
    /* Width 1 (stale is set only there, and the shift only grows after a
     * settle): bin j holds the value base + j. */
    uint64_t n = 0;
    u128 sum = 0;
    int64_t lo = 0, hi = 0;
    for (size_t j = 0; j < h->nbins; j++) {
        const uint64_t c = h->bins[j];
        if (!c)
            continue;
        const int64_t v = h->base + (int64_t)j;
        if (n == 0)
            lo = v;
        hi = v;
        n += c;
        sum += (u128)(uint64_t)v * c;
    }
    h->n = n;
    h->min = lo;
    h->max = hi;
    h->sum = sum;
    h->stale = 0;
}

void hist_reset(hist *h)
{
    /* The bins are zeroed when a window is next set up, so only the
     * bookkeeping is cleared here. */
    h->nbins = 0;
    h->base = 0;
    h->shift = 0;
    h->n = 0;
    h->min = h->max = 0;
    h->sum = 0;
    h->stale = 0;
}

/* Largest bin index at shift s. */
static int64_t max_index(int s)
{
    return INT64_MAX >> s;
}

/* Smallest shift >= s at which [lo, hi] spans at most HIST_MAX_BINS bins.
 * Terminates by s = 48, where every int64_t >= 0 fits in 32768 bins. */
static int fit_shift(int64_t lo, int64_t hi, int s)
{
    while ((hi >> s) - (lo >> s) + 1 > HIST_MAX_BINS)
        s++;
    return s;
}

/* Makes h ready to count values in [lo, hi] (0 <= lo <= hi): raises the shift
 * until the union of [lo, hi] with the values already seen fits, and widens
 * the window to cover it.  Does not record any value.  On allocation failure
 * returns -1 with h unchanged. */
static int hist_prepare(hist *h, int64_t lo, int64_t hi)
{
    hist_settle(h); /* the window is planned from n, min and max */
    int64_t nlo = lo, nhi = hi;
    if (h->n > 0) {
        if (h->min < nlo)
            nlo = h->min;
        if (h->max > nhi)
            nhi = h->max;
    }
    int s = fit_shift(nlo, nhi, h->shift);
    int d = s - h->shift;

    /* The current window once coarsened to shift s. */
    int64_t cb = 0, ce = -1;
    if (h->nbins > 0) {
        cb = h->base >> d;
        ce = (h->base + ((int64_t)h->nbins - 1)) >> d; /* no overflow at the top */
    }
    int64_t rlo = nlo >> s, rhi = nhi >> s; /* bins that must be covered */
    int covered = h->nbins > 0 && rlo >= cb && rhi <= ce;

    /* A new window: at least double the old one, room on the side that grew. */
    int64_t nb = 0, nn = 0;
    if (!covered) {
        int64_t cn = ce - cb + 1; /* 0 when there was no window */
        nn = rhi - rlo + 1;
        if (nn < 2 * cn)
            nn = 2 * cn;
        if (nn < HIST_MIN_BINS)
            nn = HIST_MIN_BINS;
        if (nn > HIST_MAX_BINS)
            nn = HIST_MAX_BINS;
        if (nn - 1 > max_index(s)) /* not nn > max + 1: that overflows at s = 0 */
            nn = max_index(s) + 1;
        nb = (h->nbins > 0 && rlo < cb) ? rhi - nn + 1 : rlo;
        if (nb < 0)
            nb = 0;
        if (nb > max_index(s) - nn + 1)
            nb = max_index(s) - nn + 1;
        assert(nb <= rlo && rhi - nb <= nn - 1);
        if ((size_t)nn > h->cap) {
            uint64_t *p = realloc(h->bins, (size_t)nn * sizeof *p);
            if (!p)
                return -1;
            h->bins = p;
            h->cap = (size_t)nn;
        }
    }

    /* Coarsen in place: old bin j goes to new position (base + j) >> d - cb,
     * which is never beyond j, so one ascending pass is safe. */
    if (d > 0 && h->nbins > 0) {
        for (size_t j = 0; j < h->nbins; j++) {
            uint64_t c = h->bins[j];
            size_t to = (size_t)(((h->base + (int64_t)j) >> d) - cb);
            h->bins[j] = 0;
            h->bins[to] += c;
        }
        h->nbins = (size_t)(ce - cb + 1);
        h->base = cb;
    }
    h->shift = s;

    if (!covered) {
        /* Move the occupied bins into the new window and zero the rest. */
        size_t n_new = (size_t)nn;
        if (h->n > 0) {
            int64_t olo = h->min >> s, ohi = h->max >> s;
            size_t len = (size_t)(ohi - olo + 1);
            size_t from = (size_t)(olo - h->base), to = (size_t)(olo - nb);
            memmove(h->bins + to, h->bins + from, len * sizeof *h->bins);
            memset(h->bins, 0, to * sizeof *h->bins);
            memset(h->bins + to + len, 0, (n_new - to - len) * sizeof *h->bins);
        } else {
            memset(h->bins, 0, n_new * sizeof *h->bins);
        }
        h->base = nb;
        h->nbins = n_new;
    }
    return 0;
}

int hist_add(hist *h, int64_t v, uint64_t count)
{
    assert(v >= 0);
    if (count == 0)
        return 0;
    hist_settle(h);
    /* The runner adds every measure of every replication here: a value inside
     * the current window needs no re-planning (the span still fits). */
    if (h->nbins > 0) {
        int64_t idx = (v >> h->shift) - h->base;
        if (idx >= 0 && idx < (int64_t)h->nbins) {
            h->bins[idx] += count;
            if (v < h->min)
                h->min = v;
            if (v > h->max)
                h->max = v;
            h->n += count;
            h->sum += (u128)v * count;
            return 0;
        }
    }
    if (hist_prepare(h, v, v) < 0)
        return -1;
    h->bins[(v >> h->shift) - h->base] += count;
    if (h->n == 0 || v < h->min)
        h->min = v;
    if (h->n == 0 || v > h->max)
        h->max = v;
    h->n += count;
    h->sum += (u128)v * count;
    return 0;
}

int hist_merge(hist *dst, const hist *src)
{
    assert(!src->stale);
    if (src->n == 0)
        return 0;
    /* Read src before dst changes: they may be the same histogram. */
    int64_t smin = src->min, smax = src->max;
    uint64_t sn = src->n;
    u128 ssum = src->sum;
    if (hist_prepare(dst, smin, smax) < 0)
        return -1;
    /* dst's shift is now >= src's: each src bin lands whole in one dst bin.
     * When dst == src nothing moved (same range, same shift) and each bin is
     * read once before it is written, so the counts double as they should. */
    int d = dst->shift - src->shift;
    assert(d >= 0);
    for (int64_t j = smin >> src->shift; j <= smax >> src->shift; j++) {
        uint64_t c = src->bins[j - src->base];
        if (c)
            dst->bins[(j >> d) - dst->base] += c;
    }
    if (dst->n == 0 || smin < dst->min)
        dst->min = smin;
    if (dst->n == 0 || smax > dst->max)
        dst->max = smax;
    dst->n += sn;
    dst->sum += ssum;
    return 0;
}

/* The packed form: n, min, max, the two halves of sum, shift, then the bins
 * of [min >> shift, max >> shift]: 6 + span words. */
size_t hist_pack_words(const hist *h)
{
    assert(!h->stale);
    return h->n ? 6 + (size_t)((h->max >> h->shift) - (h->min >> h->shift) + 1) : 1;
}

size_t hist_pack(const hist *h, uint64_t *w)
{
    assert(!h->stale);
    w[0] = h->n;
    if (!h->n)
        return 1;
    w[1] = (uint64_t)h->min;
    w[2] = (uint64_t)h->max;
    w[3] = (uint64_t)h->sum;
    w[4] = (uint64_t)(h->sum >> 64);
    w[5] = (uint64_t)h->shift;
    size_t k = 6;
    for (int64_t j = h->min >> h->shift; j <= h->max >> h->shift; j++)
        w[k++] = h->bins[j - h->base];
    return k;
}

int hist_merge_packed(hist *dst, const uint64_t *w, size_t avail, size_t *used)
{
    if (avail < 1)
        return -1;
    if (w[0] == 0) {
        *used = 1;
        return 0;
    }
    if (avail < 6 || w[5] > 62 || (int64_t)w[1] < 0 || (int64_t)w[2] < (int64_t)w[1])
        return -1;
    hist src = {0};
    src.n = w[0];
    src.min = (int64_t)w[1];
    src.max = (int64_t)w[2];
    src.sum = (u128)w[3] | (u128)w[4] << 64;
    src.shift = (int)w[5];
    src.base = src.min >> src.shift;
    src.nbins = (size_t)((src.max >> src.shift) - src.base + 1);
    if (src.nbins > avail - 6)
        return -1;
    src.cap = src.nbins;
    /* The bins are read where they lie: src is never written. */
    src.bins = (uint64_t *)(uintptr_t)(w + 6);
    *used = 6 + src.nbins;
    return hist_merge(dst, &src);
}

uint64_t hist_count(const hist *h)
{
    assert(!h->stale);
    return h->n;
}

int64_t hist_min(const hist *h)
{
    assert(!h->stale);
    return h->n ? h->min : 0;
}

int64_t hist_max(const hist *h)
{
    assert(!h->stale);
    return h->n ? h->max : 0;
}

int64_t hist_width(const hist *h)
{
    assert(!h->stale);
    return (int64_t)1 << h->shift;
}

/* The exact mean as floor q plus fraction r / n (0 <= r < n): the integer
 * part is kept apart so that deviations from the mean can be formed without
 * losing the low bits of values near 2^62. */
static void mean_parts(const hist *h, int64_t *q, double *frac)
{
    *q = (int64_t)(h->sum / h->n);
    *frac = (double)(uint64_t)(h->sum % h->n) / (double)h->n;
}

double hist_mean(const hist *h)
{
    assert(!h->stale);
    if (h->n == 0)
        return NAN;
    int64_t q;
    double frac;
    mean_parts(h, &q, &frac);
    return (double)q + frac;
}

/* Sample sd in two passes over the bins around the exact mean.  A bin stands
 * for the centre of the integers it holds within [min, max] (the value itself
 * when the width is 1).  Depends on the bin counts only, so it is as
 * reproducible as they are. */
double hist_sd(const hist *h)
{
    assert(!h->stale);
    if (h->n == 0)
        return NAN;
    if (h->n < 2)
        return 0.0;
    int64_t q;
    double frac;
    mean_parts(h, &q, &frac);
    int s = h->shift;
    int64_t w = (int64_t)1 << s;
    double ss = 0.0, sd1 = 0.0; /* sums of c d^2 and of c d */
    for (int64_t j = h->min >> s; j <= h->max >> s; j++) {
        uint64_t c = h->bins[j - h->base];
        if (!c)
            continue;
        int64_t a = j << s, b = a + (w - 1);
        if (a < h->min)
            a = h->min;
        if (b > h->max)
            b = h->max;
        double dev = (double)(a - q) + (double)(b - a) / 2.0 - frac;
        double cd = (double)c * dev;
        sd1 += cd;
        ss += cd * dev;
    }
    /* Corrected two-pass: sd1 is 0 up to rounding when the width is 1. */
    double var = (ss - sd1 * sd1 / (double)h->n) / (double)(h->n - 1);
    return var > 0.0 ? sqrt(var) : 0.0;
}

/* Rank (1-based) of the type-1 quantile: the smallest k with k >= q n.  The
 * product q n is rounded, so a few ulps of slack are allowed below an integer
 * (as R's own fuzz does): q = i / n computed in double gives rank i. */
static uint64_t quantile_rank(uint64_t n, double q)
{
    if (!(q > 0.0))
        return 1;
    double np = q * (double)n;
    double k = ceil(np - 4.0 * DBL_EPSILON * (np > 1.0 ? np : 1.0));
    if (k >= (double)n)
        return n;
    if (k < 1.0)
        return 1;
    return (uint64_t)k;
}

int64_t hist_quantile(const hist *h, double q)
{
    assert(!h->stale);
    if (h->n == 0)
        return 0;
    uint64_t rank = quantile_rank(h->n, q);
    int s = h->shift;
    uint64_t cum = 0;
    int64_t j = h->min >> s;
    for (; j < h->max >> s; j++) {
        cum += h->bins[j - h->base];
        if (cum >= rank)
            break;
    }
    /* The lower edge of the bin, clamped to [min, max]: exact at width 1. */
    int64_t v = j << s;
    if (v < h->min)
        v = h->min;
    if (v > h->max)
        v = h->max;
    return v;
}

size_t hist_bins(const hist *h)
{
    assert(!h->stale);
    if (h->n == 0)
        return 0;
    return (size_t)((h->max >> h->shift) - (h->min >> h->shift) + 1);
}

uint64_t hist_bin(const hist *h, size_t i, int64_t *lo, int64_t *hi)
{
    assert(!h->stale);
    int s = h->shift;
    int64_t j = (h->min >> s) + (int64_t)i;
    assert(h->n > 0 && j <= h->max >> s);
    int64_t a = j << s, b = a + (((int64_t)1 << s) - 1);
    *lo = a < h->min ? h->min : a;
    *hi = b > h->max ? h->max : b;
    return h->bins[j - h->base];
}

/* Counts the values whose bin's lower edge (clamped to [min, max], the same
 * representative hist_quantile returns) is >= threshold.  Exact at width 1,
 * and at any width when threshold <= min, threshold > max, or threshold is a
 * multiple of the width. */
uint64_t hist_count_at_least(const hist *h, int64_t threshold)
{
    assert(!h->stale);
    if (h->n == 0 || threshold > h->max)
        return 0;
    if (threshold <= h->min)
        return h->n;
    int s = h->shift;
    int64_t j = threshold >> s;
    if ((j << s) != threshold)
        j++;
    uint64_t c = 0;
    for (; j <= h->max >> s; j++)
        c += h->bins[j - h->base];
    return c;
}

void wilson_interval(uint64_t successes, uint64_t n, double z, double *lo, double *hi)
{
    assert(successes <= n);
    if (n == 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    double nn = (double)n;
    double p = (double)successes / nn;
    double z2 = z * z;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = z / denom * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    double l = centre - half, u = centre + half;
    /* The bounds at 0 and n are 0 and 1 exactly, not a rounding away. */
    if (successes == 0 || l < 0.0)
        l = 0.0;
    if (successes == n || u > 1.0)
        u = 1.0;
    *lo = l;
    *hi = u;
}

double proportion_se(uint64_t successes, uint64_t n)
{
    if (n == 0)
        return 0.0;
    double p = (double)successes / (double)n;
    return sqrt(p * (1.0 - p) / (double)n);
}
