/* rng_lanes.c -- rng.c's binomial, Poisson and hypergeometric samplers,
 * RNG_LANES streams at a time (rng_lanes.h).
 *
 * Each sampler is one body written over lane arrays, compiled twice, for
 * AVX2 and for AVX-512 (function target attributes, chosen at run time), and
 * vectorised by the compiler (`omp simd`).  A lane's arithmetic is the scalar
 * sampler's expression by expression -- the same constants, the same order,
 * IEEE operations that are exact per lane (+ - * / floor fabs) -- so the
 * vectors compute what the scalar code computes; what differs is only the
 * control flow: every lane steps at once, a lane that has its variate stops
 * drawing (its stream advances only while it draws), and the rejection
 * tests that need a logarithm run one lane at a time through libm, as in the
 * scalar code.  A rejection loop ends when its last lane accepts. */
#include "rng_lanes.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "rng.h"
#include "rng_core.h"

#define L RNG_LANES
#define LANES_INLINE static inline __attribute__((always_inline))

/* Beyond this n a lane's counts do not fit a double exactly and the scalar
 * sampler's integer checks matter: such a lane takes the scalar route. */
#define LANES_EXACT 0x1.0p53

/* ---- paths ------------------------------------------------------------- */

int rng_path_supported(rng_path p)
{
    __builtin_cpu_init();
    switch (p) {
    case RNG_PATH_SCALAR:
        return 1;
    case RNG_PATH_AVX2:
        return __builtin_cpu_supports("avx2") != 0;
    case RNG_PATH_AVX512:
        return __builtin_cpu_supports("avx512f") != 0;
    }
    return 0;
}

rng_path rng_path_best(void)
{
    return rng_path_supported(RNG_PATH_AVX512) ? RNG_PATH_AVX512
           : rng_path_supported(RNG_PATH_AVX2) ? RNG_PATH_AVX2
                                                : RNG_PATH_SCALAR;
}

static const char *const path_names[] = {"scalar", "avx2", "avx512"};

const char *rng_path_name(rng_path p)
{
    return (unsigned)p < 3 ? path_names[p] : "?";
}

int rng_path_parse(const char *s, rng_path *p)
{
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, path_names[i]) == 0) {
            *p = (rng_path)i;
            return 0;
        }
    return -1;
}

/* ---- state ------------------------------------------------------------- */

int rng_lanes_init(rng_lanes *st)
{
    memset(st, 0, sizeof *st);
    st->scratch = gsl_rng_alloc(rng_xoshiro256pp);
    return st->scratch ? 0 : -1;
}

void rng_lanes_free(rng_lanes *st)
{
    gsl_rng_free(st->scratch);
    st->scratch = NULL;
}

void rng_lanes_seed(rng_lanes *st, uint64_t seed, const uint64_t stream[RNG_LANES])
{
    for (int l = 0; l < L; l++) {
        rng_seed_stream(st->scratch, seed, stream[l]);
        rng_lanes_store(st, l, st->scratch);
    }
}

void rng_lanes_load(const rng_lanes *st, int lane, gsl_rng *r)
{
    assert(r->type == rng_xoshiro256pp);
    xo_state *x = r->state;
    for (int w = 0; w < 4; w++)
        x->s[w] = st->s[w][lane];
}

void rng_lanes_store(rng_lanes *st, int lane, const gsl_rng *r)
{
    assert(r->type == rng_xoshiro256pp);
    const xo_state *x = r->state;
    for (int w = 0; w < 4; w++)
        st->s[w][lane] = x->s[w];
}

/* ---- selects ------------------------------------------------------------ */

/* m ? a : b for a flag m in {0, 1}, as bit masks: no branch for the
 * compiler to turn into control flow (which stops the vectoriser) or into
 * masked stores (which AVX2 lacks for this use). */
LANES_INLINE uint64_t sel_u(int64_t m, uint64_t a, uint64_t b)
{
    const uint64_t mm = (uint64_t)0 - (uint64_t)m;
    return (a & mm) | (b & ~mm);
}

LANES_INLINE double sel_d(int64_t m, double a, double b)
{
    union {
        uint64_t u;
        double d;
    } x = {.d = a}, y = {.d = b}, r;
    r.u = sel_u(m, x.u, y.u);
    return r.d;
}

/* floor(x), exactly, in operations every path vectorises (the compiler
 * does not vectorise floor() itself without -fno-trapping-math): adding and
 * subtracting 2^52 with x's sign rounds |x| < 2^52 to the nearest integer
 * (the spacing of doubles there is 1), one less when that is above x; from
 * 2^52 on, and for infinities and NaN, floor(x) is x.  -0 stays -0. */
LANES_INLINE double lane_floor(double x)
{
    const double c = sel_d(x < 0.0, -0x1.0p52, 0x1.0p52);
    const double r = (x + c) - c;
    const double f = r - sel_d(r > x, 1.0, 0.0);
    return sel_d((fabs(x) < 0x1.0p52) & (x != 0.0), f, x);
}

/* ---- the lane uniform -------------------------------------------------- */

/* xo_unif(xo_next) of lane l, the lane's stream advanced only when `draw`
 * (the new state is computed either way and kept or not: a select, not a
 * branch).  (double)(x >> 12) is formed by placing the 52 bits under the
 * exponent of 2^52 and subtracting 2^52 -- exact, and within AVX2, which
 * has no 64-bit integer conversion. */
LANES_INLINE double lane_unif(uint64_t s[4][L], int l, int64_t draw)
{
    uint64_t a0 = s[0][l], a1 = s[1][l], a2 = s[2][l], a3 = s[3][l];
    const uint64_t res = rotl(a0 + a3, 23) + a0, t = a1 << 17;
    a2 ^= a0;
    a3 ^= a1;
    a1 ^= a2;
    a0 ^= a3;
    a2 ^= t;
    a3 = rotl(a3, 45);
    s[0][l] = sel_u(draw, a0, s[0][l]);
    s[1][l] = sel_u(draw, a1, s[1][l]);
    s[2][l] = sel_u(draw, a2, s[2][l]);
    s[3][l] = sel_u(draw, a3, s[3][l]);
    union {
        uint64_t u;
        double d;
    } b = {.u = (res >> 12) | UINT64_C(0x4330000000000000)};
    return ((b.d - 0x1.0p52) + 0.5) * 0x1.0p-52;
}

static int any_lane(const int64_t *act)
{
    int64_t any = 0;
    for (int l = 0; l < L; l++)
        any |= act[l];
    return any;
}

/* ---- binomial ---------------------------------------------------------- */

/* binomial_inversion of rng.c in the lanes with use[l], p[l] <= 1/2 and
 * n p < 10: k[l] gets the variate.  A lane's state machine: draw u (f = f0,
 * k = 0), then per step accept k when u <= f, else u -= f, k++, f *= a/k - s,
 * and draw again when k passes n or f vanishes. */
LANES_INLINE void inversion_lanes(uint64_t s[4][L], const double *p, const double *nd,
                                  const int64_t *use, double *k_out)
{
    double S[L], A[L], F0[L], U[L], F[L], K[L];
    int64_t act[L], need[L];
    for (int l = 0; l < L; l++) {
        const double pl = use[l] ? p[l] : 0.25, nl = use[l] ? nd[l] : 1.0;
        const double q = 1.0 - pl;
        S[l] = pl / q;
        A[l] = (nl + 1.0) * S[l];
        F0[l] = use[l] ? exp(nl * log1p(-pl)) : 1.0;
        act[l] = need[l] = use[l];
        U[l] = F[l] = K[l] = 0.0;
    }
    while (any_lane(act)) {
#pragma omp simd
        for (int l = 0; l < L; l++) {
            const int64_t a = act[l], fresh = a & need[l];
            const double unew = lane_unif(s, l, fresh);
            const double u = sel_d(fresh, unew, U[l]), f = sel_d(fresh, F0[l], F[l]);
            const double k = sel_d(fresh, 0.0, K[l]);
            const int64_t done = a & (u <= f), step = a & !(u <= f);
            const double k2 = k + 1.0, f2 = f * (A[l] / k2 - S[l]);
            U[l] = sel_d(step, u - f, u);
            K[l] = sel_d(step, k2, k);
            F[l] = sel_d(step, f2, f);
            k_out[l] = sel_d(done, k, k_out[l]);
            need[l] = step & ((k2 > nd[l]) | !(f2 > 0.0));
            act[l] = step;
        }
    }
}

/* The proposal of Hoermann's transformed rejection (BTRS and PTRS alike):
 * two uniforms of lane l (drawn when `draw`), u - 1/2 and v, and
 * floor((2 a / us + b) u + c) with us = 1/2 - |u|. */
LANES_INLINE double tr_proposal(uint64_t s[4][L], int l, int64_t draw, double a, double b,
                                double c, double *v, double *us, double *inv_us)
{
    const double u = lane_unif(s, l, draw) - 0.5;
    *v = lane_unif(s, l, draw);
    *us = 0.5 - fabs(u);
    *inv_us = 1.0 / *us;
    return lane_floor((2.0 * a * *inv_us + b) * u + c);
}

/* binomial_btrs of rng.c in the lanes with use[l], p[l] <= 1/2, n p >= 10 and
 * n < 2^53 (where k = m + j is exact in doubles and the scalar code's integer
 * range checks say what the double ones say). */
LANES_INLINE void btrs_lanes(uint64_t s[4][L], const double *p, const double *nd, const int64_t *use,
                             double *k_out)
{
    double Q[L], SPQ[L], B[L], A[L], VR[L], MD[L], DM[L], C[L], NM[L];
    double V[L], IU[L], JD[L];
    double ALPHA[L];
    btrs_test BT[L];
    int64_t act[L], slow[L];
    int ready[L];
#pragma omp simd
    for (int l = 0; l < L; l++) {
        const double pl = sel_d(use[l], p[l], 0.25), nl = sel_d(use[l], nd[l], 100.0);
        Q[l] = 1.0 - pl;
        SPQ[l] = sqrt(nl * pl * Q[l]);
        B[l] = 1.15 + 2.53 * SPQ[l];
        A[l] = -0.0873 + 0.0248 * B[l] + 0.01 * pl;
        VR[l] = 0.92 - 4.2 / B[l];
        const double mp = (nl + 1.0) * pl;
        MD[l] = lane_floor(mp);
        DM[l] = mp - MD[l];
        C[l] = DM[l] + 0.5 - pl;
        NM[l] = nl - MD[l];
        act[l] = use[l];
        ready[l] = 0;
        V[l] = IU[l] = JD[l] = ALPHA[l] = 0.0;
    }
    while (any_lane(act)) {
#pragma omp simd
        for (int l = 0; l < L; l++) {
            const int64_t a = act[l];
            double v, us, inv_us;
            const double jd = tr_proposal(s, l, a, A[l], B[l], C[l], &v, &us, &inv_us);
            const int64_t inr = (jd >= -MD[l]) & (jd <= NM[l]) & (fabs(jd) < 0x1.0p62);
            const int64_t fast = inr & (us >= 0.07) & (v <= VR[l]);
            k_out[l] = sel_d(a & fast, MD[l] + jd, k_out[l]);
            slow[l] = a & inr & !fast;
            V[l] = v;
            IU[l] = inv_us;
            JD[l] = jd;
            act[l] = a & !fast;
        }
        for (int l = 0; l < L; l++) {
            if (!slow[l])
                continue;
            const double md = MD[l], nm = NM[l], jd = JD[l], inv_us = IU[l];
            if (!ready[l]) {
                ALPHA[l] = (2.83 + 5.1 / B[l]) * SPQ[l];
                btrs_test_init(&BT[l], p[l], Q[l], md, nm, DM[l]);
                ready[l] = 1;
            }
            const double lhs = log(V[l] * ALPHA[l] / (A[l] * inv_us * inv_us + B[l]));
            const double rhs = btrs_log_ratio(&BT[l], md, nm, jd);
            if (lhs <= rhs) {
                k_out[l] = md + jd;
                act[l] = 0;
            }
        }
    }
}

/* The lanes' routes as rng_binomial chooses them; `scalar` lanes (n >= 2^53)
 * go through rng_binomial on the scratch generator. */
LANES_INLINE void binomial_body(rng_lanes *st, const double *p, const uint64_t *n, uint64_t *out)
{
    double pp[L], nd[L], k[L];
    int64_t inv[L], btrs[L];
    int flip[L], any_inv = 0, any_btrs = 0;
    for (int l = 0; l < L; l++) {
        inv[l] = btrs[l] = flip[l] = 0;
        pp[l] = nd[l] = k[l] = 0.0;
        if (n[l] == 0 || !(p[l] > 0.0)) {
            out[l] = 0;
        } else if (p[l] >= 1.0) {
            out[l] = n[l];
        } else if ((double)n[l] >= LANES_EXACT) {
            rng_lanes_load(st, l, st->scratch);
            out[l] = rng_binomial(st->scratch, p[l], n[l]);
            rng_lanes_store(st, l, st->scratch);
        } else {
            flip[l] = p[l] > 0.5;
            pp[l] = flip[l] ? 1.0 - p[l] : p[l];
            nd[l] = (double)n[l];
            if (nd[l] * pp[l] < 10.0)
                any_inv = inv[l] = 1;
            else
                any_btrs = btrs[l] = 1;
        }
    }
    if (any_inv)
        inversion_lanes(st->s, pp, nd, inv, k);
    if (any_btrs)
        btrs_lanes(st->s, pp, nd, btrs, k);
    for (int l = 0; l < L; l++)
        if (inv[l] || btrs[l]) {
            const uint64_t kl = (uint64_t)k[l];
            out[l] = flip[l] ? n[l] - kl : kl;
        }
}

/* ---- Poisson ----------------------------------------------------------- */

/* The multiplication method of rng_poisson (mu < 10). */
LANES_INLINE void poisson_mult_lanes(uint64_t s[4][L], const double *mu, const int64_t *use,
                                     double *k_out)
{
    double LIM[L], PROD[L], K[L];
    int64_t act[L];
    for (int l = 0; l < L; l++) {
        LIM[l] = use[l] ? exp(-mu[l]) : 0.0;
        act[l] = use[l];
    }
#pragma omp simd
    for (int l = 0; l < L; l++) {
        PROD[l] = lane_unif(s, l, act[l]);
        K[l] = 0.0;
    }
    while (any_lane(act)) {
#pragma omp simd
        for (int l = 0; l < L; l++) {
            const int64_t more = act[l] & (PROD[l] > LIM[l]);
            const double unew = lane_unif(s, l, more);
            K[l] = sel_d(more, K[l] + 1.0, K[l]);
            PROD[l] = sel_d(more, PROD[l] * unew, PROD[l]);
            act[l] = more;
        }
    }
    for (int l = 0; l < L; l++)
        if (use[l])
            k_out[l] = K[l];
}

/* poisson_ptrs of rng.c (mu >= 10). */
LANES_INLINE void ptrs_lanes(uint64_t s[4][L], const double *mu, const int64_t *use, double *k_out)
{
    double MU[L], B[L], A[L], IA[L], VR[L], FL[L], C[L];
    double V[L], IU[L], JD[L], KD[L];
    int64_t act[L], slow[L];
#pragma omp simd
    for (int l = 0; l < L; l++) {
        MU[l] = sel_d(use[l], mu[l], 100.0);
        const double slam = sqrt(MU[l]);
        B[l] = 0.931 + 2.53 * slam;
        A[l] = -0.059 + 0.02483 * B[l];
        IA[l] = 1.1239 + 1.1328 / (B[l] - 3.4);
        VR[l] = 0.9277 - 3.6224 / (B[l] - 2.0);
        FL[l] = lane_floor(MU[l]);
        C[l] = (MU[l] - FL[l]) + 0.43;
        act[l] = use[l];
        V[l] = IU[l] = JD[l] = KD[l] = 0.0;
    }
    while (any_lane(act)) {
#pragma omp simd
        for (int l = 0; l < L; l++) {
            const int64_t a = act[l];
            double v, us, inv_us;
            const double jd = tr_proposal(s, l, a, A[l], B[l], C[l], &v, &us, &inv_us);
            const double kd = FL[l] + jd;
            const int64_t inr = (kd >= 0.0) & (kd < 0x1.0p63);
            const int64_t fast = inr & (us >= 0.07) & (v <= VR[l]);
            const int64_t squeezed_out = (us < 0.013) & (v > us);
            k_out[l] = sel_d(a & fast, kd, k_out[l]);
            slow[l] = a & inr & !fast & !squeezed_out;
            V[l] = v;
            IU[l] = inv_us;
            JD[l] = jd;
            KD[l] = kd;
            act[l] = a & !fast;
        }
        for (int l = 0; l < L; l++) {
            if (!slow[l])
                continue;
            const double m = MU[l], jd = JD[l], kd = KD[l], inv_us = IU[l];
            const double x = (jd + 1.0) - (m - FL[l]);
            const double lhs = log(V[l] * IA[l] / (A[l] * inv_us * inv_us + B[l]));
            const double rhs =
                x - kd * log1p(x / m) - 0.5 * log(kd + 1.0) - HALF_LOG_2PI - fc(kd);
            if (lhs <= rhs) {
                k_out[l] = kd;
                act[l] = 0;
            }
        }
    }
}

LANES_INLINE void poisson_body(rng_lanes *st, const double *mu, uint64_t *out)
{
    double k[L];
    int64_t mult[L], ptrs[L];
    int any_mult = 0, any_ptrs = 0;
    for (int l = 0; l < L; l++) {
        k[l] = 0.0;
        mult[l] = ptrs[l] = 0;
        if (!(mu[l] > 0.0)) {
            out[l] = 0;
            continue;
        }
        assert(mu[l] <= 0x1.0p62);
        if (mu[l] >= 10.0)
            any_ptrs = ptrs[l] = 1;
        else
            any_mult = mult[l] = 1;
    }
    if (any_mult)
        poisson_mult_lanes(st->s, mu, mult, k);
    if (any_ptrs)
        ptrs_lanes(st->s, mu, ptrs, k);
    for (int l = 0; l < L; l++)
        if (mult[l] || ptrs[l])
            out[l] = (uint64_t)k[l];
}

/* ---- hypergeometric ---------------------------------------------------- */

/* hyper_small of rng.c in the lanes with use[l] (n1 <= n2, t <= N / 2,
 * min(t, n1) <= HYPER_SMALL, N < 2^53).  f(0) is the scalar code's: the
 * table's (hyper_zero_height) where it takes it, else the product, block
 * for block (sixteen factors a block, two accumulators each), the lanes
 * with fewer factors (or none) multiplying by 1 (exact) where the others
 * still have some. */
LANES_INLINE void hyper_small_lanes(uint64_t s[4][L], const double *n1, const double *n2,
                                    const double *t, const int64_t *use, double *k_out)
{
    double D1[L], DT[L], C2[L], DHI[L], PH[L], AA[L], BB[L], SC[L], F0[L], U[L], F[L], K[L];
    int64_t act[L], need[L];
    double blocks = 0.0;
    for (int l = 0; l < L; l++) {
        const double a1 = use[l] ? n1[l] : 1.0, a2 = use[l] ? n2[l] : 1.0, tl = use[l] ? t[l] : 1.0;
        const double N = a1 + a2, hi = tl < a1 ? tl : a1, other = tl < a1 ? a1 : tl;
        D1[l] = a1;
        DT[l] = tl;
        C2[l] = a2 - tl + 1.0;
        DHI[l] = hi;
        AA[l] = N - other;
        BB[l] = N;
        SC[l] = N >= 0x1.0p32 ? 0x1.0p-32 : 1.0;
        const int table = use[l] && hi > HYPER_PRODUCT && N < LF_TABLE;
        F0[l] = table ? hyper_zero_height(AA[l], N, hi) : 1.0;
        /* A lane with its f(0) from the table multiplies by 1 below. */
        PH[l] = table ? 0.0 : hi;
        act[l] = need[l] = use[l];
        U[l] = F[l] = K[l] = 0.0;
        const double nb = ceil(PH[l] / 16.0);
        blocks = use[l] && nb > blocks ? nb : blocks;
    }
    for (double blk = 0.0; blk < blocks; blk += 1.0) {
        double N0[L], N1[L], E0[L], E1[L];
#pragma omp simd
        for (int l = 0; l < L; l++)
            N0[l] = N1[l] = E0[l] = E1[l] = 1.0;
        const double i0 = 16.0 * blk;
        for (double j = 0.0; j < 16.0; j += 2.0) {
            const double i = i0 + j;
#pragma omp simd
            for (int l = 0; l < L; l++) {
                const double end = i0 + 16.0 < PH[l] ? i0 + 16.0 : PH[l];
                const int64_t pair = i + 1.0 < end, one = (i < end) & !(i + 1.0 < end);
                const double sc = SC[l], a = AA[l], b = BB[l];
                N0[l] = N0[l] * sel_d(pair | one, (a - i) * sc, 1.0);
                N1[l] = N1[l] * sel_d(pair, (a - i - 1.0) * sc, 1.0);
                E0[l] = E0[l] * sel_d(pair | one, (b - i) * sc, 1.0);
                E1[l] = E1[l] * sel_d(pair, (b - i - 1.0) * sc, 1.0);
            }
        }
#pragma omp simd
        for (int l = 0; l < L; l++)
            F0[l] = F0[l] * sel_d(i0 < PH[l], (N0[l] * N1[l]) / (E0[l] * E1[l]), 1.0);
    }
    /* The walk up from 0: accept k when u <= f; start again when k reaches
     * the top of the support or f vanishes first. */
    while (any_lane(act)) {
#pragma omp simd
        for (int l = 0; l < L; l++) {
            const int64_t a = act[l], fresh = a & need[l];
            const double unew = lane_unif(s, l, fresh);
            const double u = sel_d(fresh, unew, U[l]), f = sel_d(fresh, F0[l], F[l]);
            const double k = sel_d(fresh, 0.0, K[l]);
            const int64_t done = a & (u <= f);
            const int64_t stuck = a & !(u <= f) & ((k == DHI[l]) | !(f > 0.0));
            const int64_t step = a & !(u <= f) & !stuck;
            const double f2 = f * ((D1[l] - k) * (DT[l] - k) / ((k + 1.0) * (C2[l] + k)));
            U[l] = sel_d(step, u - f, u);
            F[l] = sel_d(step, f2, f);
            K[l] = sel_d(step, k + 1.0, k);
            k_out[l] = sel_d(done, k, k_out[l]);
            need[l] = stuck;
            act[l] = a & !done;
        }
    }
}

/* hyper_chop_down of rng.c in the lanes with use[l] (n1 <= n2, t <= N / 2,
 * both above HYPER_SMALL, N < 2^53): f(m) one lane at a time through
 * hyper_height (the table or Loader's pmf, libm's exp, as the scalar
 * code), then the walk outward from the mode, one step down and one up a
 * round. */
LANES_INLINE void hyper_chop_lanes(uint64_t s[4][L], const double *n1, const double *n2,
                                   const double *t, const int64_t *use, double *k_out)
{
    double MD[L], D1[L], DT[L], C2[L], FM[L], RDN[L], RUP[L];
    double U[L], JD[L], JU[L], FLO[L], FHI[L];
    int64_t act[L], fresh[L], down[L], up[L];
    for (int l = 0; l < L; l++) {
        const double d1 = use[l] ? n1[l] : 100.0, d2 = use[l] ? n2[l] : 100.0;
        const double dt = use[l] ? t[l] : 100.0, dN = d1 + d2;
        const double hi = dt < d1 ? dt : d1;
        const double mq = lane_floor((dt + 1.0) * (d1 + 1.0) / (dN + 2.0));
        const double md = mq >= hi ? hi : mq;
        double fm = 1.0;
        if (use[l]) {
            fm = hyper_height(md, d1, d2, dt, (dN - dt) / dN);
            assert(fm > 0.0 && fm <= 1.0 + 1e-9);
        }
        MD[l] = md;
        D1[l] = d1;
        DT[l] = dt;
        C2[l] = d2 - dt + 1.0;
        FM[l] = fm;
        RDN[l] = md;
        RUP[l] = hi - md;
        act[l] = fresh[l] = use[l];
        down[l] = up[l] = 0;
        U[l] = JD[l] = JU[l] = FLO[l] = FHI[l] = 0.0;
    }
    while (any_lane(act)) {
#pragma omp simd
        for (int l = 0; l < L; l++) {
            const int64_t a = act[l], fr = a & fresh[l], walk = a & !fresh[l];
            const double md = MD[l];
            /* A fresh lane draws u and accepts the mode at once, or sets out. */
            const double unew = lane_unif(s, l, fr) - FM[l];
            const int64_t at_mode = fr & (unew <= 0.0);
            double u = sel_d(fr, unew, U[l]);
            double jd = sel_d(fr, 0.0, JD[l]), ju = sel_d(fr, 0.0, JU[l]);
            double flo = sel_d(fr, FM[l], FLO[l]), fhi = sel_d(fr, FM[l], FHI[l]);
            int64_t dn = sel_u(fr, md > 0.0, (uint64_t)down[l]) != 0;
            int64_t upl = sel_u(fr, RUP[l] > 0.0, (uint64_t)up[l]) != 0;
            /* A walking lane takes one step down, then (if still walking)
             * one up. */
            const double kd = md - jd;
            const double flo2 = flo * (kd * (C2[l] + kd - 1.0) / ((D1[l] - kd + 1.0) * (DT[l] - kd + 1.0)));
            const int64_t sd = walk & dn;
            flo = sel_d(sd, flo2, flo);
            jd = sel_d(sd, jd + 1.0, jd);
            u = sel_d(sd, u - flo2, u);
            const int64_t acc_dn = sd & (u <= 0.0);
            dn = sel_u(sd, (jd < RDN[l]) & (flo > 0.0), (uint64_t)dn) != 0;
            const double ku = md + ju;
            const double fhi2 = fhi * ((D1[l] - ku) * (DT[l] - ku) / ((ku + 1.0) * (C2[l] + ku)));
            const int64_t su = walk & !acc_dn & upl;
            fhi = sel_d(su, fhi2, fhi);
            ju = sel_d(su, ju + 1.0, ju);
            u = sel_d(su, u - fhi2, u);
            const int64_t acc_up = su & (u <= 0.0);
            upl = sel_u(su, (ju < RUP[l]) & (fhi > 0.0), (uint64_t)upl) != 0;
            const int64_t done = at_mode | acc_dn | acc_up;
            k_out[l] = sel_d(at_mode, md, k_out[l]);
            k_out[l] = sel_d(acc_dn, md - jd, k_out[l]);
            k_out[l] = sel_d(acc_up, md + ju, k_out[l]);
            U[l] = u;
            JD[l] = jd;
            JU[l] = ju;
            FLO[l] = flo;
            FHI[l] = fhi;
            down[l] = dn;
            up[l] = upl;
            /* Both sides stopped without a variate: a new uniform. */
            fresh[l] = walk & !done & !dn & !upl;
            act[l] = a & !done;
        }
    }
}

/* The symmetries of rng_hypergeometric, lane by lane: the lane samples K
 * from (c1, c2, tc) with c1 <= c2 and tc <= (c1 + c2) / 2, and returns
 * base + sign K. */
LANES_INLINE void hyper_body(rng_lanes *st, const uint64_t *n1, const uint64_t *n2,
                             const uint64_t *t, uint64_t *out)
{
    double c1[L], c2[L], tc[L], k[L];
    int64_t small[L], chop[L], base[L], sign[L];
    int any_small = 0, any_chop = 0;
    for (int l = 0; l < L; l++) {
        small[l] = chop[l] = 0;
        c1[l] = c2[l] = tc[l] = k[l] = 0.0;
        assert(n1[l] <= UINT64_MAX - n2[l] && t[l] <= n1[l] + n2[l]);
        const uint64_t N = n1[l] + n2[l];
        if (t[l] == 0 || n1[l] == 0) {
            out[l] = 0;
            continue;
        }
        if (n2[l] == 0) {
            out[l] = t[l];
            continue;
        }
        if (t[l] == N) {
            out[l] = n1[l];
            continue;
        }
        if ((double)N >= LANES_EXACT) {
            rng_lanes_load(st, l, st->scratch);
            out[l] = rng_hypergeometric(st->scratch, n1[l], n2[l], t[l]);
            rng_lanes_store(st, l, st->scratch);
            continue;
        }
        uint64_t a1 = n1[l], a2 = n2[l], tt = t[l];
        int64_t b = 0, sg = 1;
        if (tt > N - tt) { /* n1 less the type-1 items left */
            b = (int64_t)a1;
            sg = -1;
            tt = N - tt;
        }
        if (a1 > a2) { /* the others drawn are tt less them */
            b += sg * (int64_t)tt;
            sg = -sg;
            const uint64_t x = a1;
            a1 = a2;
            a2 = x;
        }
        base[l] = b;
        sign[l] = sg;
        c1[l] = (double)a1;
        c2[l] = (double)a2;
        tc[l] = (double)tt;
        if (tt <= HYPER_SMALL || a1 <= HYPER_SMALL)
            any_small = small[l] = 1;
        else
            any_chop = chop[l] = 1;
    }
    if (any_small)
        hyper_small_lanes(st->s, c1, c2, tc, small, k);
    if (any_chop)
        hyper_chop_lanes(st->s, c1, c2, tc, chop, k);
    for (int l = 0; l < L; l++)
        if (small[l] || chop[l])
            out[l] = (uint64_t)(base[l] + sign[l] * (int64_t)k[l]);
}

/* ---- the compiled paths ------------------------------------------------ */

#define LANES_AVX2 __attribute__((target("avx2")))
#define LANES_AVX512 __attribute__((target("avx512f")))

LANES_AVX2 static void binomial_avx2(rng_lanes *st, const double *p, const uint64_t *n,
                                     uint64_t *out)
{
    binomial_body(st, p, n, out);
}

LANES_AVX512 static void binomial_avx512(rng_lanes *st, const double *p, const uint64_t *n,
                                         uint64_t *out)
{
    binomial_body(st, p, n, out);
}

LANES_AVX2 static void poisson_avx2(rng_lanes *st, const double *mu, uint64_t *out)
{
    poisson_body(st, mu, out);
}

LANES_AVX512 static void poisson_avx512(rng_lanes *st, const double *mu, uint64_t *out)
{
    poisson_body(st, mu, out);
}

LANES_AVX2 static void hyper_avx2(rng_lanes *st, const uint64_t *n1, const uint64_t *n2,
                                  const uint64_t *t, uint64_t *out)
{
    hyper_body(st, n1, n2, t, out);
}

LANES_AVX512 static void hyper_avx512(rng_lanes *st, const uint64_t *n1, const uint64_t *n2,
                                      const uint64_t *t, uint64_t *out)
{
    hyper_body(st, n1, n2, t, out);
}

void rng_lanes_binomial(rng_path path, rng_lanes *st, const double p[RNG_LANES],
                        const uint64_t n[RNG_LANES], uint64_t out[RNG_LANES])
{
    switch (path) {
    case RNG_PATH_AVX512:
        binomial_avx512(st, p, n, out);
        return;
    case RNG_PATH_AVX2:
        binomial_avx2(st, p, n, out);
        return;
    case RNG_PATH_SCALAR:
        break;
    }
    for (int l = 0; l < L; l++) {
        rng_lanes_load(st, l, st->scratch);
        out[l] = rng_binomial(st->scratch, p[l], n[l]);
        rng_lanes_store(st, l, st->scratch);
    }
}

void rng_lanes_poisson(rng_path path, rng_lanes *st, const double mu[RNG_LANES],
                       uint64_t out[RNG_LANES])
{
    switch (path) {
    case RNG_PATH_AVX512:
        poisson_avx512(st, mu, out);
        return;
    case RNG_PATH_AVX2:
        poisson_avx2(st, mu, out);
        return;
    case RNG_PATH_SCALAR:
        break;
    }
    for (int l = 0; l < L; l++) {
        rng_lanes_load(st, l, st->scratch);
        out[l] = rng_poisson(st->scratch, mu[l]);
        rng_lanes_store(st, l, st->scratch);
    }
}

void rng_lanes_hypergeometric(rng_path path, rng_lanes *st, const uint64_t n1[RNG_LANES],
                              const uint64_t n2[RNG_LANES], const uint64_t t[RNG_LANES],
                              uint64_t out[RNG_LANES])
{
    switch (path) {
    case RNG_PATH_AVX512:
        hyper_avx512(st, n1, n2, t, out);
        return;
    case RNG_PATH_AVX2:
        hyper_avx2(st, n1, n2, t, out);
        return;
    case RNG_PATH_SCALAR:
        break;
    }
    for (int l = 0; l < L; l++) {
        rng_lanes_load(st, l, st->scratch);
        out[l] = rng_hypergeometric(st->scratch, n1[l], n2[l], t[l]);
        rng_lanes_store(st, l, st->scratch);
    }
}
