/* Random streams and the binomial / Poisson samplers of the engine.
 *
 * xoshiro256++ is wrapped as a GSL generator type so that every GSL sampler
 * accepts it, but the two samplers the engine calls millions of times per run
 * read its state directly: going through gsl_rng_uniform costs an indirect
 * call per uniform, which is a large share of a variate that needs only two.
 * Any other GSL type still works through gsl_rng_uniform_pos. */

#include "rng.h"
#include "rng_core.h"

#include <assert.h>
#include <math.h>

uint64_t rng_mix64(uint64_t z)
{
    return mix64(z);
}

static void xo_set(void *vstate, unsigned long int seed)
{
    xo_seed(vstate, (uint64_t)seed);
}

/* The upper bits: the authors note the lowest bits of the ++ scrambler are
 * the weakest, and GSL's integer interface is 32 bits wide. */
static unsigned long int xo_get(void *vstate)
{
    return (unsigned long int)(xo_next(((xo_state *)vstate)->s) >> 32);
}

static double xo_get_double(void *vstate)
{
    return (double)(xo_next(((xo_state *)vstate)->s) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xo_type = {
    "xoshiro256++", 0xffffffffUL, 0, sizeof(xo_state), &xo_set, &xo_get, &xo_get_double,
};

const gsl_rng_type *rng_xoshiro256pp = &xo_type;

void rng_seed_stream(gsl_rng *r, uint64_t seed, uint64_t stream)
{
    const uint64_t x0 = seed ^ mix64(stream + GOLDEN_GAMMA);

    if (r->type == &xo_type)
        xo_seed(r->state, x0);
    else
        gsl_rng_set(r, (unsigned long int)(rng_mix64(x0) & 0xffffffffu));
}

uint64_t rng_stream(uint64_t rep, rng_use use)
{
    assert((use == RNG_PARAMS || use == RNG_CHANCE) && rep < UINT64_C(1) << 63);
    return 2 * rep + (uint64_t)use;
}

void rng_seed_rep(gsl_rng *r, uint64_t seed, uint64_t rep, rng_use use)
{
    rng_seed_stream(r, seed, rng_stream(rep, use));
}

/* ---- log-factorials -------------------------------------------------- */

double rng_lf[LF_TABLE][2];

/* log n! = E log 2 + log M for n! = M 2^E, 1 <= M < 2: M is carried as a
 * double-double product (each step exact but for ~2^-105), so only one log
 * per entry is taken, in long double, of a number in [1, 2) -- no sum of
 * thousands of logs whose roundings add up (that loses 1e-15 by 16383).
 * Before main: the table is a constant of the program, the same on every
 * thread, and the engine reads it without a check. */
__attribute__((constructor)) static void lf_fill(void)
{
    static const double ln2_hi = 0x1.62e42fefa39efp-1, ln2_lo = 0x1.abc9e3b39803fp-56;
    double mh = 1.0, ml = 0.0;
    int e2 = 0;
    rng_lf[0][0] = rng_lf[0][1] = rng_lf[1][0] = rng_lf[1][1] = 0.0;
    for (int n = 2; n < LF_TABLE; n++) {
        double p = mh * n, s, e;
        two_sum(p, fma(mh, n, -p) + ml * n, &s, &e);
        int ex;
        frexp(s, &ex);
        mh = ldexp(s, 1 - ex);
        ml = ldexp(e, 1 - ex);
        e2 += ex - 1;
        const long double lm = logl((long double)mh + (long double)ml);
        const double lmh = (double)lm, lml = (double)(lm - lmh);
        const double a = e2 * ln2_hi, ae = fma(e2, ln2_hi, -a) + e2 * ln2_lo + lml;
        two_sum(a, lmh, &s, &e);
        two_sum(s, e + ae, &rng_lf[n][0], &rng_lf[n][1]);
    }
}

/* ---- uniforms for the samplers ----------------------------------------- */

/* The xoshiro state when r is one, so that the samplers can skip the
 * function pointer; NULL otherwise. */
static inline xo_state *fast_state(const gsl_rng *r)
{
    return r->type == &xo_type ? r->state : NULL;
}

/* A uniform in the open interval (0, 1).  For xoshiro: the midpoints of 2^52
 * equal cells, (i + 1/2) 2^-52, all exactly representable, so 0 and 1 are
 * impossible without a retry loop; log(U) is finite and 0.5 - |U - 0.5| > 0,
 * which BTRS and PTRS divide by. */
static inline double unif_pos(gsl_rng *r, xo_state *xs)
{
    if (xs)
        return xo_unif(xo_next(xs->s));
    return gsl_rng_uniform_pos(r);
}

double rng_uniform_pos(gsl_rng *r)
{
    return unif_pos(r, fast_state(r));
}

/* ---- binomial ---------------------------------------------------------- */

/* Inversion by sequential search (Kachitvichyanukul & Schmeiser 1988, BINV):
 * one uniform, then about n p + 1 multiply-adds walking the pmf up from
 * f(0) = q^n with f(k) = f(k - 1) (n - k + 1) / k * p / q.  The waiting-time
 * method (a log per success) measured 2-3x slower than gsl_ran_binomial
 * here; this one beats it.  For n p < 10 and p <= 1/2, q^n >= e^-14: no
 * underflow.  If rounding leaves u above the summed mass, the walk would run
 * off the end (f reaches 0 or k passes n): start again with a new uniform. */
static uint64_t binomial_inversion(gsl_rng *r, xo_state *xs, double p, uint64_t n)
{
    const double q = 1.0 - p, s = p / q, a = ((double)n + 1.0) * s;
    const double f0 = exp((double)n * log1p(-p));
    for (;;) {
        double u = unif_pos(r, xs), f = f0;
        uint64_t k = 0;
        while (u > f) {
            u -= f;
            k++;
            f *= a / (double)k - s;
            if (k > n || !(f > 0.0))
                break;
        }
        if (u <= f && k <= n)
            return k;
    }
}

/* BTRS, Hoermann (1993), "The generation of binomial random variates",
 * J. Statist. Comput. Simul. 46, 101-110, for n p >= 10 and p <= 1/2; the
 * constants are the paper's.  Unlike the textbook form, everything is
 * computed relative to the mode m = floor((n + 1) p): k = m + j with j a
 * small integer-valued double, and the acceptance test
 *     log f(k) - log f(m) = log[m! (n-m)! / (k! (n-k)!)] + j log(p / q)
 * is rewritten with Stirling's formula and log1p as
 *     -(k + 1/2) log1p(j / (m+1)) - (n - k + 1/2) log1p(-j / (n-m+1))
 *     + j log1p((D - q) / (q (m+1))) + fc(m) + fc(n-m) - fc(k) - fc(n-k),
 * with D = (n + 1) p - m in [0, 1).  Each term is O(j) and they cancel to
 * O(1), so this keeps full precision up to n = 2^62, where both k (in
 * doubles) and the textbook's logs of ratios of ~1e18 would be off by
 * hundreds.  Below n = LF_TABLE the bracket comes from the log-factorial
 * table instead (btrs_log_ratio, rng_core.h): no libm call but the lhs's
 * log, and no truncated series. */
static uint64_t binomial_btrs(gsl_rng *r, xo_state *xs, double p, uint64_t n)
{
    const double q = 1.0 - p;
    const double nd = (double)n;
    const double spq = sqrt(nd * p * q);
    const double b = 1.15 + 2.53 * spq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * p;
    const double vr = 0.92 - 4.2 / b;
    const double mp = (nd + 1.0) * p;
    const double md = floor(mp);
    const uint64_t m = (uint64_t)md;
    const double dm = mp - md;          /* D above */
    const double c = dm + 0.5 - p;      /* Hoermann's c = n p + 1/2, minus m */
    const double nm = (double)(n - m);
    /* Needed only on the rejection path: set up on its first visit. */
    int slow_ready = 0;
    double alpha = 0.0;
    btrs_test bt = {0};

    for (;;) {
        const double u = unif_pos(r, xs) - 0.5;
        const double v = unif_pos(r, xs);
        const double us = 0.5 - fabs(u);
        const double inv_us = 1.0 / us;
        const double jd = floor((2.0 * a * inv_us + b) * u + c);

        /* Range first, in doubles: jd can be astronomically large when us is
         * tiny, and converting it unchecked would be undefined.  The bound
         * 2^62 only matters for n > 2^62, outside the contract. */
        if (!(jd >= -md && jd <= nm && fabs(jd) < 0x1.0p62))
            continue;
        /* nm may be rounded up when n - m > 2^53: recheck exactly. */
        const int64_t j = (int64_t)jd;
        uint64_t k;
        if (j < 0) {
            if ((uint64_t)-j > m)
                continue;
            k = m - (uint64_t)-j;
        } else {
            if ((uint64_t)j > n - m)
                continue;
            k = m + (uint64_t)j;
        }

        if (us >= 0.07 && v <= vr)
            return k;

        if (!slow_ready) {
            alpha = (2.83 + 5.1 / b) * spq;
            btrs_test_init(&bt, p, q, md, nm, dm);
            slow_ready = 1;
        }
        const double lhs = log(v * alpha / (a * inv_us * inv_us + b));
        const double rhs = btrs_log_ratio(&bt, md, nm, jd);
        if (lhs <= rhs)
            return k;
    }
}

uint64_t rng_binomial(gsl_rng *r, double p, uint64_t n)
{
    if (n == 0 || !(p > 0.0))
        return 0;
    if (p >= 1.0)
        return n;

    xo_state *xs = fast_state(r);
    /* Both methods need p <= 1/2 (BTRS's constants are fitted for it, and
     * inversion is cheapest for the rarer outcome); 1 - p is exact there. */
    const int flip = p > 0.5;
    const double pp = flip ? 1.0 - p : p;
    const uint64_t k = (double)n * pp < 10.0 ? binomial_inversion(r, xs, pp, n)
                                             : binomial_btrs(r, xs, pp, n);
    return flip ? n - k : k;
}

/* ---- Poisson ----------------------------------------------------------- */

/* PTRS, Hoermann (1993), "The transformed rejection method for generating
 * Poisson random variables", Insurance: Math. Econ. 12, 39-45, as in numpy's
 * random_poisson_ptrs, for mu >= 10.  As in BTRS above, k = floor(mu) + j is
 * formed from a small offset so that it is exact for mu up to 2^52, and
 *     log f(k) = -mu + k log mu - log k!
 *              = x - k log1p(x / mu) - log(k + 1) / 2 - log(2 pi) / 2 - fc(k)
 * with x = k + 1 - mu avoids subtracting numbers of size mu log mu. */
static uint64_t poisson_ptrs(gsl_rng *r, xo_state *xs, double mu)
{
    const double slam = sqrt(mu);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2.0);
    const double fl = floor(mu);
    const double c = (mu - fl) + 0.43;

    for (;;) {
        const double u = unif_pos(r, xs) - 0.5;
        const double v = unif_pos(r, xs);
        const double us = 0.5 - fabs(u);
        const double inv_us = 1.0 / us;
        const double jd = floor((2.0 * a * inv_us + b) * u + c);
        const double kd = fl + jd;

        /* In doubles before any conversion (see binomial_btrs). */
        if (!(kd >= 0.0 && kd < 0x1.0p63))
            continue;
        if (us >= 0.07 && v <= vr)
            return (uint64_t)kd;
        if (us < 0.013 && v > us)
            continue;

        const double x = (jd + 1.0) - (mu - fl);
        const double lhs = log(v * inv_alpha / (a * inv_us * inv_us + b));
        const double rhs = x - kd * log1p(x / mu) - 0.5 * log(kd + 1.0) - HALF_LOG_2PI - fc(kd);
        if (lhs <= rhs)
            return (uint64_t)kd;
    }
}

uint64_t rng_poisson(gsl_rng *r, double mu)
{
    if (!(mu > 0.0))
        return 0;
    /* Beyond this (or at infinity) PTRS would reject every k it can
     * represent and never return. */
    assert(mu <= 0x1.0p62);

    xo_state *xs = fast_state(r);
    if (mu >= 10.0)
        return poisson_ptrs(r, xs, mu);

    /* Multiplication method (Knuth, TAOCP vol. 2, 3.4.1): the number of
     * uniforms whose running product stays above exp(-mu); about mu + 1
     * uniforms and no logarithm. */
    const double limit = exp(-mu);
    double prod = unif_pos(r, xs);
    uint64_t k = 0;
    while (prod > limit) {
        k++;
        prod *= unif_pos(r, xs);
    }
    return k;
}

/* ---- hypergeometric ---------------------------------------------------- */

/* Inversion by chop-down search from the mode, for n1 <= n2 and t <= N / 2
 * (so the support is 0 .. min(t, n1)).  The height of the pmf at the mode m,
 *     f(m) = C(n1, m) C(n2, t - m) / C(N, t)
 *          = b(m; n1, p) b(t - m; n2, p) / b(t; N, p)   for any p, q
 * (the powers of p and q cancel, so p + q need not be exactly 1), is computed
 * once by hyper_height (rng_core.h: the log-factorial table below N =
 * LF_TABLE, Loader's binomial pmf with p = t / N beyond); then one uniform
 * is used
 * up walking outward from m, alternately one step down and one step up with
 *     f(k + 1) / f(k) = (n1 - k)(t - k) / ((k + 1)(n2 - t + k + 1)),
 * which takes about 1 + E|K - m| <= 1 + 2 sd steps.  A side stops at the
 * support's edge or when its mass underflows; if rounding leaves u above
 * the whole summed mass, start again with a new uniform, so that any error
 * in f(m) downwards only renormalises (the walk's sum is then exactly the
 * pmf it samples), and one upwards (~1e-15) would cut that much off the far
 * tails. */
static uint64_t hyper_chop_down(gsl_rng *r, xo_state *xs, uint64_t n1, uint64_t n2, uint64_t t)
{
    const uint64_t N = n1 + n2, hi = t < n1 ? t : n1;
    const double d1 = (double)n1, d2 = (double)n2, dt = (double)t, dN = (double)N;
    /* Any start works; the mode floor((t + 1)(n1 + 1) / (N + 2)) is the
     * cheapest.  In doubles, so clamped: t + 1 and n1 + 1 may overflow.  The
     * quotient is at most n1 + 1 < 2^63: truncating to int64_t is the floor
     * (and cheaper than floor(), a call without SSE4.1). */
    const double mq = (dt + 1.0) * (d1 + 1.0) / (dN + 2.0);
    const uint64_t mi = mq < 0x1.0p62 ? (uint64_t)(int64_t)mq : UINT64_C(1) << 62;
    const uint64_t m = mi >= hi ? hi : mi;
    const double md = (double)m;

    const double fm = hyper_height(md, d1, d2, dt, (double)(N - t) / dN);
    assert(fm > 0.0 && fm <= 1.0 + 1e-9);
    const double c2 = d2 - dt + 1.0;   /* n2 - t + k + 1 = c2 + k */

    /* The walk counts its steps from m in doubles (converting a uint64_t
     * costs a branch on x86-64): offsets below 2^53 are exact, and the
     * room to each edge, m and hi - m, converts exactly below 2^53 (beyond,
     * a walk of about an sd never gets there).  k = m -+ offset is only
     * used in the ratios, where rounding it beyond 2^53 costs 2^-53. */
    const double room_dn = (double)m, room_up = (double)(hi - m);
    for (;;) {
        double u = unif_pos(r, xs) - fm;
        if (u <= 0.0)
            return m;
        double jd = 0.0, ju = 0.0, flo = fm, fhi = fm;
        int down = m > 0, up = m < hi;
        while (down || up) {
            if (down) {
                /* f(k - 1) = f(k) k (n2 - t + k) / ((n1 - k + 1)(t - k + 1)) */
                const double k = md - jd;
                flo *= k * (c2 + k - 1.0) / ((d1 - k + 1.0) * (dt - k + 1.0));
                jd += 1.0;
                u -= flo;
                if (u <= 0.0)
                    return m - (uint64_t)jd;
                down = jd < room_dn && flo > 0.0;
            }
            if (up) {
                const double k = md + ju;
                fhi *= (d1 - k) * (dt - k) / ((k + 1.0) * (c2 + k));
                ju += 1.0;
                u -= fhi;
                if (u <= 0.0)
                    return m + (uint64_t)ju;
                up = ju < room_up && fhi > 0.0;
            }
        }
    }
}


/* Inversion by sequential search up from 0 (as binomial_inversion), for
 * n1 <= n2, t <= N / 2 and s = min(t, n1) <= HYPER_SMALL:
 *     f(0) = C(n2, t) / C(N, t) = prod_{i < s} (N - max(t, n1) - i) / (N - i)
 * as quotients of products of sixteen factors (one division each) -- or,
 * past one such block and below N = LF_TABLE, from four log-factorials of
 * the table (hyper_zero_height) -- then
 * E K + 1 <= s / 2 + 1 steps up.  Rounding that leaves u above the summed
 * mass starts again. */
static uint64_t hyper_small(gsl_rng *r, xo_state *xs, uint64_t n1, uint64_t n2, uint64_t t)
{
    const uint64_t N = n1 + n2, hi = t < n1 ? t : n1, other = t < n1 ? n1 : t;
    /* Counters in doubles: converting a uint64_t costs a branch on x86-64,
     * and a - i, b - i stay exact below 2^53 (relative error 2^-53 beyond). */
    const double d1 = (double)n1, dt = (double)t, c2 = (double)n2 - dt + 1.0, dhi = (double)hi;
    const double a = (double)(N - other), b = (double)N;
    /* Factors lie in [1, N]: scaled by 2^-32 (exactly) when N >= 2^32, each
     * is in [2^-32, 2^32], so sixteen of them neither overflow nor
     * underflow.  Two accumulators each, to halve the chain of dependent
     * multiplications. */
    const double sc = N >= UINT64_C(1) << 32 ? 0x1.0p-32 : 1.0;
    const int table = hi > HYPER_PRODUCT && N < LF_TABLE;
    double f0 = table ? hyper_zero_height(a, b, dhi) : 1.0;
    for (double i = 0.0; !table && i < dhi;) {
        double n0 = 1.0, n1x = 1.0, e0 = 1.0, e1 = 1.0;
        const double end = i + 16.0 < dhi ? i + 16.0 : dhi;
        for (; i + 1.0 < end; i += 2.0) {
            n0 *= (a - i) * sc;
            n1x *= (a - i - 1.0) * sc;
            e0 *= (b - i) * sc;
            e1 *= (b - i - 1.0) * sc;
        }
        if (i < end) {
            n0 *= (a - i) * sc;
            e0 *= (b - i) * sc;
            i += 1.0;
        }
        f0 *= (n0 * n1x) / (e0 * e1);
    }
    for (;;) {
        double u = unif_pos(r, xs), f = f0, k = 0.0;
        while (u > f) {
            if (k == dhi || !(f > 0.0))
                break;
            u -= f;
            f *= (d1 - k) * (dt - k) / ((k + 1.0) * (c2 + k));
            k += 1.0;
        }
        if (u <= f)
            return (uint64_t)k;
    }
}

uint64_t rng_hypergeometric(gsl_rng *r, uint64_t n1, uint64_t n2, uint64_t t)
{
    assert(n1 <= UINT64_MAX - n2 && t <= n1 + n2);
    const uint64_t N = n1 + n2;
    if (t == 0 || n1 == 0)
        return 0;
    if (n2 == 0)
        return t;
    if (t == N)
        return n1;
    /* Symmetries: fewer drawn than left (the type-1 items drawn are n1 less
     * those left), and the rarer type counted (the others drawn are t less
     * them).  They bound the walk by the smaller of the sds' arguments and
     * keep p = t / N <= 1/2 and the support starting at 0. */
    if (t > N - t)
        return n1 - rng_hypergeometric(r, n1, n2, N - t);
    if (n1 > n2)
        return t - rng_hypergeometric(r, n2, n1, t);
    xo_state *xs = fast_state(r);
    if (t <= HYPER_SMALL || n1 <= HYPER_SMALL)
        return hyper_small(r, xs, n1, n2, t);
    return hyper_chop_down(r, xs, n1, n2, t);
}
