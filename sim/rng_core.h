#ifndef TIERSIM_RNG_CORE_H
#define TIERSIM_RNG_CORE_H

/* The generator and the log-factorial remainder that rng.c's scalar samplers
 * and rng_lanes.c's lanes both use: one definition, so that a lane and the
 * scalar sampler it must reproduce bit for bit cannot drift apart.  Private
 * to sim/ (not in include/). */

#include <math.h>
#include <stdint.h>

/* ---- xoshiro256++ ------------------------------------------------------ */

typedef struct {
    uint64_t s[4];
} xo_state;

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* next() of xoshiro256++ 1.0, Blackman & Vigna (2019),
 * https://prng.di.unimi.it/xoshiro256plusplus.c, unchanged. */
static inline uint64_t xo_next(uint64_t *s)
{
    const uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    const uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

#define GOLDEN_GAMMA UINT64_C(0x9E3779B97F4A7C15)

/* Stafford's "Mix13" finaliser, as used by splitmix64 (Steele, Lea &
 * Flood 2014). */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* The state is outputs 1..4 of splitmix64 started at x, the seeding the
 * xoshiro authors recommend.  The four counters differ and the finaliser is
 * a bijection, so at most one word is zero and the state can never be the
 * all-zero fixed point.  Unrolled, the four finalisers are independent
 * chains the processor overlaps: the engine seeds a substream per (year,
 * tier). */
static inline void xo_seed(xo_state *st, uint64_t x)
{
    st->s[0] = mix64(x + GOLDEN_GAMMA);
    st->s[1] = mix64(x + 2 * GOLDEN_GAMMA);
    st->s[2] = mix64(x + 3 * GOLDEN_GAMMA);
    st->s[3] = mix64(x + 4 * GOLDEN_GAMMA);
}

/* ---- log-factorial remainder ------------------------------------------- */

#define HALF_LOG_2PI 0.91893853320467274178

/* fc(k) = log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2], the
 * remainder of Stirling's formula for (k + 1)!, as used by BTRS and PTRS
 * (Hoermann 1993) and TensorFlow: exact values up to k = 9, the asymptotic
 * series beyond (truncation error below 3e-11 at k = 10).  This replaces
 * lgamma on the rejection path, and it stays accurate for k near 2^62 where
 * lgamma(k + 1) is ~4e19 and has no digits left for the differences the
 * acceptance tests take. */
static inline double fc(double k)
{
    static const double table[10] = {
        0.08106146679532726, 0.04134069595540929, 0.02767792568499834,
        0.02079067210376509, 0.01664469118982119, 0.01387612882307075,
        0.01189670994589177, 0.01041126526197209, 0.009255462182712733,
        0.008330563433362871,
    };
    if (k <= 9.0)
        return table[(int)k];
    /* One division: this runs on the rejection path of every sampler. */
    const double r = 1.0 / (k + 1.0);
    const double r2 = r * r;
    return (1.0 / 12.0 - (1.0 / 360.0 - r2 * (1.0 / 1260.0)) * r2) * r;
}


/* The open-interval uniform of 52 bits: the midpoint of cell x >> 12 of
 * 2^52 (see unif_pos in rng.c). */
static inline double xo_unif(uint64_t x)
{
    return ((double)(x >> 12) + 0.5) * 0x1.0p-52;
}

/* ---- Loader's binomial pmf (the hypergeometric samplers' f(mode)) ---- */

/* Loader's stirlerr(n) = log n! - [(n + 1/2) log n - n + log(2 pi) / 2] for
 * an integer n >= 1 (C. Loader 2000, "Fast and accurate computation of
 * binomial probabilities", as in R's nmath): exact values up to 15, five
 * terms of the asymptotic series beyond (truncation error below 1e-16 at
 * n = 16), one division.  It equals fc(n - 1), but fc's three terms stop at
 * 3e-11, and this is the only place where an error in the pmf's height is
 * not corrected by rejection. */
static inline double stirlerr(double n)
{
    static const double table[16] = {
        0.0, /* unused */
        0.081061466795327258, 0.041340695955409294, 0.027677925684998339,
        0.020790672103765093, 0.016644691189821192, 0.013876128823070748,
        0.01189670994589177,  0.010411265261972096, 0.0092554621827127329,
        0.0083305634333628713, 0.0075736754879518408, 0.0069428401072095299,
        0.0064089941880042071, 0.0059513701127588477, 0.0055547335519628014,
    };
    if (n <= 15.0)
        return table[(int)n];
    const double r = 1.0 / n, r2 = r * r;
    return (1.0 / 12.0 -
            (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - (1.0 / 1188.0) * r2) * r2) * r2) * r2) *
           r;
}

/* Loader's bd0(x, np) = x log(x / np) + np - x, the deviance term, without
 * cancellation when x is close to np: by the series
 *     (x - np) v + 2 x (v^3 / 3 + v^5 / 5 + ...),  v = (x - np) / (x + np),
 * there (no logarithm: at the mode, where the sampler evaluates it, |v| is
 * about 1/sqrt(np), so a few terms), directly elsewhere.  x > 0. */
static inline double bd0(double x, double np)
{
    static const double inv_odd[16] = {
        1.0,        1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11, 1.0 / 13, 1.0 / 15,
        1.0 / 17,   1.0 / 19, 1.0 / 21, 1.0 / 23, 1.0 / 25, 1.0 / 27, 1.0 / 29, 1.0 / 31,
    };
    const double d = x - np;
    /* |v| < 0.1: v^32 < 1e-32, so 15 terms always converge. */
    if (fabs(d) < 0.1 * (x + np)) {
        const double v = d / (x + np), v2 = v * v;
        double s = d * v, ej = 2.0 * x * v;
        for (int j = 1; j < 16; j++) {
            ej *= v2;
            const double s1 = s + ej * inv_odd[j];
            if (s1 == s)
                break;
            s = s1;
        }
        return s;
    }
    return x * log(x / np) + np - x;
}

/* Adds sign times log b(x; n, p, q) to the pmf height being built, after
 * Loader (R's dbinom_raw): b = exp(lc) / sqrt(2 pi x (n - x) / n) with
 *     lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x)
 *          - bd0(x, n p) - bd0(n - x, n q),
 * so that the three calls of a height need one sqrt and one exp between
 * them: lc goes to *acc, the square-root's argument to *prod (times or over),
 * its 2 pi to *n2pi.  Relative accuracy near 1e-15 for n up to 2^62, where
 * log-factorials by lgamma (values near 1e20) would have no digits left. */
static inline void add_log_binom(double x, double n, double p, double q, int sign, double *acc,
                                 double *prod, int *n2pi)
{
    if (x == 0.0) {
        *acc += sign * (n * log1p(-p));
        return;
    }
    if (x == n) {
        *acc += sign * (n * log(p));
        return;
    }
    const double lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) -
                      bd0(n - x, n * q);
    const double v = x * ((n - x) / n);
    *acc += sign * lc;
    *prod = sign > 0 ? *prod * v : *prod / v;
    *n2pi += sign;
}

/* ---- log-factorials as double-doubles (the hypergeometric heights) ---- */

/* rng_lf[n] = log n! as hi + lo (|lo| <= ulp(hi) / 2), for n < LF_TABLE,
 * filled once before main (rng.c) to within 4e-20 of the exact value
 * (checked against 60-digit references in tests/test_rng.c).  A height of
 * the hypergeometric pmf is then a signed sum of a few table entries and
 * one exp: exact two-sums keep the cancellation of terms near 1e5 from
 * costing digits, so the height is as accurate as exp (about 1 ulp), where
 * Loader's pmf is near 1e-15 -- and it costs some 60 instructions instead
 * of the 650 of three Loader terms (callgrind; bd0's series and stirlerr's
 * divisions), or of hyper_small's product of 2 min(t, n1) factors.  The
 * engine's cohorts stay below LF_TABLE (qingdao.ini: 99.9 % of its draws);
 * beyond, the samplers use the formulas without a table. */
#define LF_TABLE 16384
extern double rng_lf[LF_TABLE][2];

/* Knuth's two-sum: s + e == a + b exactly. */
static inline void two_sum(double a, double b, double *s, double *e)
{
    const double t = a + b, bb = t - a;
    *e = (a - (t - bb)) + (b - bb);
    *s = t;
}

/* (*hi, *lo) += sign log n! for an integer 0 <= n < LF_TABLE. */
static inline void lf_add(double n, double sign, double *hi, double *lo)
{
    const double *v = rng_lf[(int64_t)n];
    double s, e;
    two_sum(*hi, sign * v[0], &s, &e);
    *hi = s;
    *lo += e + sign * v[1];
}

/* exp(hi + lo) for |lo| small against 1: exp(hi) (1 + lo) after
 * renormalising, the error of the linear term below 1e-20. */
static inline double lf_exp(double hi, double lo)
{
    double s, e;
    two_sum(hi, lo, &s, &e);
    return exp(s) * (1.0 + e);
}

/* C(n1, m) C(n2, t - m) / C(N, t), the hypergeometric pmf at m, for
 * N = n1 + n2: by the table below LF_TABLE, by Loader's binomial pmf with
 * p = t / N and q = (N - t) / N (the caller's, exact for any N) beyond --
 * the powers of p and q cancel, so p + q need not be exactly 1; one exp,
 * no lgamma. */
static inline double hyper_height(double m, double n1, double n2, double t, double q)
{
    const double N = n1 + n2;
    if (N < LF_TABLE) {
        double hi = 0.0, lo = 0.0;
        lf_add(n1, 1.0, &hi, &lo);
        lf_add(m, -1.0, &hi, &lo);
        lf_add(n1 - m, -1.0, &hi, &lo);
        lf_add(n2, 1.0, &hi, &lo);
        lf_add(t - m, -1.0, &hi, &lo);
        lf_add(n2 - t + m, -1.0, &hi, &lo);
        lf_add(N, -1.0, &hi, &lo);
        lf_add(t, 1.0, &hi, &lo);
        lf_add(N - t, 1.0, &hi, &lo);
        return lf_exp(hi, lo);
    }
    const double p = t / N;
    double acc = 0.0, prod = 1.0;
    int n2pi = 0;
    add_log_binom(m, n1, p, q, 1, &acc, &prod, &n2pi);
    add_log_binom(t - m, n2, p, q, 1, &acc, &prod, &n2pi);
    add_log_binom(t, N, p, q, -1, &acc, &prod, &n2pi);
    return exp(acc - n2pi * HALF_LOG_2PI) / sqrt(prod);
}

/* hyper_small's f(0) = prod_{i < s} (a - i) / (b - i) = (a! / (a - s)!) /
 * (b! / (b - s)!) by the table, where b < LF_TABLE and the product would
 * take more than one block of sixteen factors. */
#define HYPER_PRODUCT 16
static inline double hyper_zero_height(double a, double b, double s)
{
    double hi = 0.0, lo = 0.0;
    lf_add(a, 1.0, &hi, &lo);
    lf_add(a - s, -1.0, &hi, &lo);
    lf_add(b, -1.0, &hi, &lo);
    lf_add(b - s, 1.0, &hi, &lo);
    return lf_exp(hi, lo);
}

/* ---- BTRS's acceptance test (rng.c and the lanes) --------------------- */

/* log f(m + j) - log f(m) for the binomial(n, p) pmf f, m = floor((n + 1) p)
 * its mode and nm = n - m, set up on a call's first visit to the rejection
 * path.  Below n = LF_TABLE it is
 *     [log m! + log (n - m)! - log k! - log (n - k)!] + j log(p / q),
 * the bracket a double-double sum of four table entries (exact to 1e-20: the
 * terms near 1e5 cancel without costing digits), so a visit costs no libm
 * call, where the Stirling form below takes two log1p and two divisions; and
 * it is more accurate: fc's truncation (3e-11 at k = 10) is gone, what is
 * left is j log(p / q) rounded (~1e-14).  Beyond the table, Hoermann's
 * Stirling form relative to the mode (see binomial_btrs in rng.c), which
 * keeps its digits up to n = 2^62. */
typedef struct {
    int table;
    double lf_hi, lf_lo, lpq;            /* the table's form */
    double lr, fcm, inv_m1, inv_nm1;     /* Stirling's form */
} btrs_test;

static inline void btrs_test_init(btrs_test *bt, double p, double q, double md, double nm,
                                  double dm)
{
    bt->table = md + nm < LF_TABLE;
    bt->lf_hi = bt->lf_lo = bt->lpq = bt->lr = bt->fcm = bt->inv_m1 = bt->inv_nm1 = 0.0;
    if (bt->table) {
        lf_add(md, 1.0, &bt->lf_hi, &bt->lf_lo);
        lf_add(nm, 1.0, &bt->lf_hi, &bt->lf_lo);
        bt->lpq = log(p / q);
        return;
    }
    bt->inv_m1 = 1.0 / (md + 1.0);
    bt->inv_nm1 = 1.0 / (nm + 1.0);
    bt->lr = log1p((dm - q) * bt->inv_m1 / q);
    bt->fcm = fc(md) + fc(nm);
}

/* k = m + jd, n - k = nm - jd, both in [0, n]. */
static inline double btrs_log_ratio(const btrs_test *bt, double md, double nm, double jd)
{
    if (bt->table) {
        double hi = bt->lf_hi, lo = bt->lf_lo;
        lf_add(md + jd, -1.0, &hi, &lo);
        lf_add(nm - jd, -1.0, &hi, &lo);
        return (hi + lo) + jd * bt->lpq;
    }
    const double k1 = md + 1.0 + jd;       /* k + 1 */
    const double nk1 = nm + 1.0 - jd;      /* n - k + 1 */
    return -(k1 - 0.5) * log1p(jd * bt->inv_m1) - (nk1 - 0.5) * log1p(-jd * bt->inv_nm1) +
           jd * bt->lr + bt->fcm - fc(k1 - 1.0) - fc(nk1 - 1.0);
}

/* Up to this min(t, n1), hyper_small's set-up (twice that many
 * multiplications) and walk from 0 beat hyper_chop_down's set-up (an exp, a
 * sqrt and about fifteen divisions); on the cohorts benchmark (bench/run.sh)
 * 48 to 96 measured alike and 16 or 128 clearly slower.  Most of the
 * engine's draws are here. */
#define HYPER_SMALL 64

#endif
