#ifndef TIERSIM_VALIDATE_H
#define TIERSIM_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "history.h"
#include "observed.h"
#include "runner.h"
#include "scenario.h"
#include "summary.h"
#include "tserr.h"

/* Scoring a projection against what happened (DESIGN.md, "Checking a
 * projection against what happened").  Pure: no I/O, no printing.
 *
 * The forecast of an observed count is the histogram of its (year, tier,
 * measure) over the replications (the start stock's for a date at the
 * start).  Its CDF at the whole numbers, F(z) = P(X <= z), is read from the
 * bins; while a bin holds one whole number (width 1, the histograms of
 * summary.h below 32768 distinct values) that is the empirical CDF exactly.
 * A wider bin says only how many values fell in it, and the scoring spreads
 * them evenly over its whole numbers (within [min, max]): F is then linear
 * inside the bin, which moves the CRPS by less than twice the width.
 *
 * For an observed count x:
 *   - pit = F(x - 1) + U (F(x) - F(x - 1)), the randomised probability
 *     integral transform; uniform on (0, 1) when x is a draw from F, also for
 *     a discrete F.  U is validate_uniforms' for the row.
 *   - inside50 = p25 <= x <= p75 and inside90 = p05 <= x <= p95, with the
 *     quantiles of projection.csv (hist_quantile: the smallest v with F(v) >=
 *     q).  For a discrete F the band holds more than its nominal share,
 *     P(p25 <= X <= p75) = F(p75) - F(p25 - 1) >= 0.5: p_band50 and p_band90
 *     are those probabilities, the coverage to expect when x is drawn from F.
 *   - crps = sum over all integers z of (F(z) - 1{z >= x})^2, the continuous
 *     ranked probability score of F (the integral of (F(t) - 1{t >= x})^2
 *     over t, which for integer-valued F and x is this sum), equal to
 *     E|X - x| - E|X - X'| / 2; computed from the bins in extended precision
 *     (the tails beyond [min, max] in closed form).  0 for a point forecast
 *     equal to x; |x - f| for a point forecast f. */

typedef struct {
    int64_t observed;
    int64_t q[5];               /* p05, p25, p50, p75, p95 */
    double pit;
    double pit_lo, pit_hi;      /* F(x - 1) and F(x): the range the PIT is drawn in */
    int inside50, inside90;
    double p_band50, p_band90;  /* the forecast's own probability of each band */
    double crps;
    int wide;                   /* scored from bins wider than one whole number */
    int has_naive;
    double naive, crps_naive;   /* the naive forecast (validate_naive) and |x - naive| */
} validate_row;

/* F(x) = P(X <= x) of the histogram (bins spread evenly, as above); 0 for
 * an empty one. */
double validate_cdf(const hist *h, int64_t x);
double validate_pit(const hist *h, int64_t x, double u);
double validate_crps(const hist *h, int64_t x);
/* Every field of r but the naive ones from forecast h, outcome x and U. */
void validate_score(const hist *h, int64_t x, double u, validate_row *r);

/* The U of the randomised PIT: row i (0-based, in the file's order) takes the
 * first gsl_rng_uniform of stream i (rng_seed_stream) of the run seed XOR
 * VALIDATE_PIT_SALT ("validate" in ASCII), a stream no replication uses.  So
 * a PIT depends on the seed and on the row's place only. */
#define VALIDATE_PIT_SALT 0x76616c6964617465ULL
#define VALIDATE_PIT_RULE "observed row i's U is the first uniform of stream i of seed ^ " \
                          "0x76616c6964617465"
int validate_uniforms(uint64_t seed, size_t n, double *u, ts_err *err);

/* The naive forecast of row o, a point: the last known level carried
 * forward.  The levels known are the history's rows (h may be NULL; they
 * are all dated at or before known_until) and the scenario's start: the
 * stock at its mean (means: scenario_param_means of s) and cumulative_start,
 * dated the month before `start`.
 *   - stock, cumulative: the latest known level of the tier (a history row
 *     dated at the start wins over the scenario's value);
 *   - new (entries since the start) at update year y: the latest history
 *     `new` (a year's entries) times the y - start_year + 1 years since the
 *     start;
 *   - exits, expired, renewed, moved_in: the latest history row of the
 *     measure, a year's count carried forward;
 *   - inflow, promoted_in (no history measure), and new or a count without a
 *     history row of its kind: none.
 * Returns 1 with *value, or 0 when there is none. */
int validate_naive(const scenario *s, const history *h, const double *means,
                   const observed_row *o, double *value);

/* Scores every row of o against run r (the start stock's histogram for a
 * row at the start), with the naive forecasts from h (may be NULL) and the
 * PIT's U from seed.  rows has o->n_rows entries.  -1 with err only when out
 * of memory. */
int validate_score_all(const scenario *s, const runner_result *r, const observed *o,
                       const history *h, uint64_t seed, validate_row *rows, ts_err *err);

/* ----------------------------------------------------------- summaries */

/* A band's coverage: `inside` of n, its Wilson interval at the verdict's
 * level (VALIDATE_LEVEL), and the coverage to expect of a forecast that is
 * right (the mean of the rows' p_band). */
typedef struct {
    uint64_t inside, n;
    double share, lo, hi;
    double expected;
} validate_cover;

/* The verdict's findings (validate_summary.findings). */
enum {
    VALIDATE_BIASED_LOW = 1u << 0,      /* outcomes above the median too often */
    VALIDATE_BIASED_HIGH = 1u << 1,     /* ... below it */
    VALIDATE_TOO_NARROW = 1u << 2,      /* a band holds fewer outcomes than it should */
    VALIDATE_TOO_WIDE = 1u << 3         /* ... more */
};

/* The verdict makes three tests (bias, the 50 % band, the 90 % band) and
 * shares a false-alarm rate of VALIDATE_ALPHA among them (Bonferroni): each
 * at VALIDATE_ALPHA / 3, so that a model that is right gets some finding at
 * most 5 % of the time.  Every interval of the summary is at that level,
 * 1 - 0.05 / 3 = 98.33 % (z = VALIDATE_Z), so that what it shows is what
 * the verdict tests. */
#define VALIDATE_ALPHA 0.05
#define VALIDATE_TESTS 3
#define VALIDATE_LEVEL (1.0 - VALIDATE_ALPHA / VALIDATE_TESTS)
#define VALIDATE_Z 2.3939797998185104  /* the normal quantile 1 - ALPHA / (2 TESTS) */
#define VALIDATE_WORST 3

typedef struct {
    size_t n;
    validate_cover band50, band90;
    /* the mean PIT, its interval with the sd of a uniform PIT (1 / sqrt
     * 12n; cut to [0, 1]), and the two-sided p-value of 0.5 by that normal
     * approximation */
    double pit_mean, pit_mean_lo, pit_mean_hi, pit_mean_p;
    /* PITs above 0.5: the count, its share with a Wilson interval, and the
     * exact two-sided binomial p-value against 1/2 */
    uint64_t above;
    double above_share, above_lo, above_hi, above_p;
    /* Kolmogorov-Smirnov distance of the PITs from the uniform, with the
     * asymptotic p-value (Stephens' correction); not part of the verdict */
    double ks, ks_p;
    double crps;                /* mean over every row */
    size_t n_naive;             /* rows with a naive forecast */
    double crps_model_naive;    /* mean CRPS of the model over those rows */
    double crps_naive;          /* mean CRPS of the naive forecast over them */
    double skill;               /* 1 - crps_model_naive / crps_naive; NaN without
                                 * such rows or when the naive CRPS is 0 */
    size_t n_wide;              /* rows scored from wide bins */
    unsigned findings;          /* VALIDATE_* */
    /* The rows furthest out: by the distance from 0.5 of the range the PIT
     * is drawn in, [F(x - 1), F(x)] (not of the PIT itself, whose draw would
     * name an outcome that is exactly a point forecast); largest first, ties
     * in file order; only rows whose range misses 0.5 (x not a median). */
    size_t worst[VALIDATE_WORST];
    size_t n_worst;
} validate_summary;

/* Sums up n >= 1 rows and applies the verdict's rule, each test at
 * VALIDATE_ALPHA / VALIDATE_TESTS:
 *   - biased low (high) when the exact two-sided binomial test of the count
 *     of PITs above 0.5 against 1/2 has p below it and more (fewer) than
 *     half are above;
 *   - bands too narrow when the Wilson interval (at VALIDATE_Z) of either
 *     band's coverage lies wholly below the coverage expected (its
 *     `expected`), else too wide when either lies wholly above it.
 * -1 with err only when out of memory. */
int validate_summarise(const validate_row *rows, size_t n, validate_summary *sum, ts_err *err);

/* The findings in words: "biased low and bands too narrow", or "consistent
 * with the outcomes" for none. */
void validate_verdict(unsigned findings, char *buf, size_t len);

/* The two-sided exact binomial p-value of k successes out of n against
 * probability p0: min(1, 2 min(P(K <= k), P(K >= k))). */
double validate_binomial_p(uint64_t k, uint64_t n, double p0);

/* The one-sample Kolmogorov-Smirnov distance of x[0..n) from the uniform on
 * (0, 1), and in *p its asymptotic p-value (Stephens' correction), for n >= 1.
 * x is left as it was. */
double validate_ks_uniform(const double *x, size_t n, double *p, ts_err *err);

#endif
