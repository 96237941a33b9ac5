/* fit.c -- calibration of `fit` parameters to an observed history
 * (see include/fit.h for the model and the conventions). */
#include "fit.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_erf.h>

#include "yearly.h"

#define Z95 1.959963984540054

/* The thresholds of the warnings (not tolerances of the solver: they decide
 * what is worth saying, not what is computed).  |r| above FIT_CORR_WARN: the
 * data determine a combination of two parameters, the confidence region is
 * a thin ridge.  A prior "pins" its parameter when the estimate moved less
 * than FIT_PIN_SHIFT prior sds and the se shrank by less than 1 -
 * FIT_PIN_SE: the history added next to nothing. */
#define FIT_CORR_WARN 0.95
#define FIT_PIN_SHIFT 0.1
#define FIT_PIN_SE 0.9

/* How often a rate behind a binding quota is halved in search of a start
 * where it moves the data: 2^-40 of the first start (1e-12 times) is below
 * any rate a history could show. */
#define FIT_QUOTA_HALVINGS 40

/* What a parameter must move some fitted row by, in units of its sd, to
 * count as moving it (moves_data). */
#define FIT_MOVE_MIN 1e-6

/* The residual of every row at parameters whose means yearly_fill refuses:
 * far above any residual of data, and its square summed over any history
 * still finite. */
#define FIT_OUT_OF_RANGE 1e100

/* The transformed scale of a free parameter (fit.h): a scaled logit on a
 * bounded support (lo, hi), log(x - lo) on a half-line, log1p for the
 * growth's (-1, inf), where x - lo would lose the digits of a small g. */
typedef enum { Z_LOGIT, Z_LOG, Z_LOG1P } zkind;

typedef struct {
    zkind kind;
    double lo, hi;
} zscale;

typedef struct {
    const scenario *s;
    const history *h;
    size_t K, T;
    int y0, y1;                 /* levels known at the end of y0; years y0+1 .. y1 predicted */
    size_t nf;                  /* free parameters */
    size_t *fidx;               /* their indices in s->params */
    zscale *tr;                 /* their transformed scales */
    double *theta;              /* every parameter: means, free ones overwritten */
    yearly *yv;                 /* the values in force in every update year, from theta */
    ts_err yerr;                /* yearly_fill's message when a mean is out of range */
    long *row_at;               /* [((y - y0) * K + k) * HIST_MEASURES + m] -> history row, or -1 */
    double *pred;               /* per history row */
    char *valid;                /* per history row: its levels were known */
    /* The state at the start of a year: levels, the cumulative count, and
     * for each tier with validity V its expected firms by certificate age
     * 0 .. V (coh + coh_at[k]; age a = certified a years before the year;
     * age 0 holds the firms an event gives a certificate of the year). */
    double *N, *cum, *coh, *coh_pre;
    size_t *coh_at;             /* (size_t)-1: no validity */
    size_t n_coh;
    char *known, *known_cum, *known_pre;
    /* One year's expected flows. */
    double *Nn, *cohn, *X, *in, *out, *I, *moved, *renewed, *expired, *arrive;
    char *known_n, *known_mv;
    int64_t *ci;                /* scenario_cohorts scratch: 2 x TS_MAX_VALIDITY */
    size_t *used;               /* fitted rows */
    size_t n_used;
    size_t *prior_j;            /* free parameters with a prior */
    size_t n_prior;
} model;

static zscale zscale_of(const ts_param *p)
{
    zscale t;
    t.lo = p->value.range.lo;
    t.hi = p->value.range.hi;
    /* A prior narrower than the range (uniform(0, 20) for an inflow) bounds
     * the estimate and its interval: the support as drawn. */
    if (p->has_prior) {
        t.lo = fmax(t.lo, dist_quantile(&p->value, 0.0));
        t.hi = fmin(t.hi, dist_quantile(&p->value, 1.0));
    }
    if (isfinite(t.hi))
        t.kind = Z_LOGIT;
    else
        t.kind = t.lo == -1.0 ? Z_LOG1P : Z_LOG;
    return t;
}

/* For (lo, hi) = (0, 1) each of these is the plain logit to the last bit
 * (0 + 1 * p, 1 * p * (1 - p)), as for lo = 0 exp and log are. */
static double to_nat(const zscale *t, double z)
{
    switch (t->kind) {
    case Z_LOGIT:
        return t->lo + (t->hi - t->lo) * (1.0 / (1.0 + exp(-z)));
    case Z_LOG:
        return t->lo + exp(z);
    default:
        return expm1(z);
    }
}

static double to_z(const zscale *t, double x)
{
    switch (t->kind) {
    case Z_LOGIT:
        return log((x - t->lo) / (t->hi - x));
    case Z_LOG:
        return log(x - t->lo);
    default:
        return log1p(x);
    }
}

/* d(natural)/dz, for mapping the covariance back. */
static double dnat_dz(const zscale *t, double z)
{
    if (t->kind == Z_LOGIT) {
        double p = 1.0 / (1.0 + exp(-z));
        return (t->hi - t->lo) * p * (1.0 - p);
    }
    return exp(z);
}

/* The history row of (y, k, measure) for y0 <= y <= y1, or -1. */
static long row_of(const model *m, int y, size_t k, hist_measure meas)
{
    return m->row_at[(((size_t)(y - m->y0)) * m->K + k) * HIST_MEASURES + meas];
}

static long row_index(const model *m, int y, size_t k, hist_measure meas)
{
    if (y <= m->y0 || y > m->y1)
        return -1;
    return row_of(m, y, k, meas);
}

/* ------------------------------------------------------------ capped means */

/* E[min(C, Q)] for a count C whose law is one of three, by its pmf: GSL's
 * pdf at one point, then the ratio of neighbouring terms.  Only the side
 * of Q away from the mean is summed (E[min(C, Q)] = E C - sum_{k > Q} (k -
 * Q) p(k) when Q is at or above the mean, Q - sum_{k < Q} (Q - k) p(k) below
 * it), so a cap far in the tail costs nothing and gives the mean itself to
 * the last bit, and the sum stops where its remainder, bounded by the
 * geometric series of the terms' ratio, falls below 1e-17 of the result. */
typedef enum { C_POISSON, C_NEGBIN, C_BINOMIAL } count_law;

typedef struct {
    count_law law;
    double mu;          /* Poisson: the mean */
    double p, r;        /* negative binomial: p = 1 / (1 + phi mu), r = 1 / phi */
    double n;           /* binomial: trials (whole), success p */
} count_dist;

static double count_mean(const count_dist *d)
{
    switch (d->law) {
    case C_POISSON:
        return d->mu;
    case C_NEGBIN:
        return d->r * (1.0 - d->p) / d->p;
    default:
        return d->n * d->p;
    }
}

static double count_pdf(const count_dist *d, unsigned k)
{
    switch (d->law) {
    case C_POISSON:
        return gsl_ran_poisson_pdf(k, d->mu);
    case C_NEGBIN:
        return gsl_ran_negative_binomial_pdf(k, d->p, d->r);
    default:
        return gsl_ran_binomial_pdf(k, d->p, (unsigned)d->n);
    }
}

/* p(k + 1) / p(k) */
static double ratio_up(const count_dist *d, double k)
{
    switch (d->law) {
    case C_POISSON:
        return d->mu / (k + 1.0);
    case C_NEGBIN:
        return (d->r + k) / (k + 1.0) * (1.0 - d->p);
    default:
        return (d->n - k) / (k + 1.0) * (d->p / (1.0 - d->p));
    }
}

/* p(k - 1) / p(k), k >= 1 */
static double ratio_down(const count_dist *d, double k)
{
    switch (d->law) {
    case C_POISSON:
        return k / d->mu;
    case C_NEGBIN:
        return k / ((d->r + k - 1.0) * (1.0 - d->p));
    default:
        return k / (d->n - k + 1.0) * ((1.0 - d->p) / d->p);
    }
}

/* sum_{i >= 1} (d0 + i) rho^i, the bound of what a sum whose terms fall
 * by at least rho each step has left; infinite for rho >= 1. */
static double rest_bound(double d0, double rho)
{
    if (!(rho < 1.0))
        return INFINITY;
    return d0 * rho / (1.0 - rho) + rho / ((1.0 - rho) * (1.0 - rho));
}

#define CAP_REL 1e-17
#define CAP_TERMS_MAX 1e7

static double capped_mean(const count_dist *d, double q)
{
    double mean = count_mean(d);
    if (!(mean > 0.0) || q <= 0.0)
        return mean > 0.0 ? 0.0 : mean;
    if (d->law == C_BINOMIAL && q >= d->n)
        return mean;
    /* GSL's pdfs take unsigned counts: beyond them (four billion firms in
     * one tier or cap) the difference from min(mean, Q) is below 1e-5 of
     * either. */
    if (q + 2.0 > (double)UINT_MAX || (d->law == C_BINOMIAL && d->n > (double)UINT_MAX))
        return mean < q ? mean : q;
    /* A negative binomial of r < 1 has its pmf rising towards 0 and falling
     * ever more slowly (towards 1 - p) upwards: bound the ratios by that. */
    int slow = d->law == C_NEGBIN && d->r < 1.0;
    if (q >= mean) {
        double k = q + 1.0, pk = count_pdf(d, (unsigned)k), tail = 0.0;
        for (; pk > 0.0; k += 1.0) {
            tail += (k - q) * pk;
            double rho = ratio_up(d, k);
            if (pk * rest_bound(k - q, slow ? 1.0 - d->p : rho) < CAP_REL * mean)
                break;
            pk *= rho;
            if (d->law == C_BINOMIAL && k >= d->n)
                break;
        }
        return mean - tail;
    }
    /* Rising towards 0, a slow law's terms cannot be cut short: all q of
     * them are summed; for a cap above CAP_TERMS_MAX (ten million firms a
     * year, no list is that long) min(mean, Q), which is Q here. */
    if (slow && q > CAP_TERMS_MAX)
        return q;
    double k = q - 1.0, pk = count_pdf(d, (unsigned)k), low = 0.0;
    for (; pk > 0.0; k -= 1.0) {
        low += (q - k) * pk;
        if (k < 1.0)
            break;
        double rho = ratio_down(d, k);
        if (!slow && pk * rest_bound(q - k, rho) < CAP_REL * q)
            break;
        pk *= rho;
    }
    return q - low;
}

/* E[min(I, Q)] for the inflow I: Poisson(mu), or with dispersion phi > 0
 * the negative binomial of mean mu and variance mu + phi mu^2 (the Gamma
 * mixture of DESIGN.md).  Q < 0: no cap. */
static double capped_inflow(double mu, double phi, double q)
{
    if (q < 0.0)
        return mu;
    count_dist d;
    memset(&d, 0, sizeof d);
    if (phi > 0.0) {
        d.law = C_NEGBIN;
        d.r = 1.0 / phi;
        d.p = 1.0 / (1.0 + phi * mu);
        if (!(d.p > 0.0 && d.p < 1.0) || !isfinite(d.r))
            return mu < q ? mu : q;
        double v = capped_mean(&d, q);
        /* the negative binomial's mean r (1 - p) / p is mu only to rounding */
        return q >= mu && v == count_mean(&d) ? mu : v;
    }
    d.law = C_POISSON;
    d.mu = mu;
    return capped_mean(&d, q);
}

/* E[min(B, Q)] for the promotions B ~ Binomial(n, p) out of the expected
 * survivors n, a real number: exact for whole n; between two whole numbers
 * it is linear, which is the expectation for survivors ⌊n⌋ or ⌈n⌉ with mean
 * n (rounding n instead would make the prediction a step function of exits
 * and stocks, whose finite-difference derivatives are 0 or infinite).  A
 * cap at or above ⌈n⌉ caps nothing: the uncapped mean n p, `mean`. */
static double capped_promotions(double n, double p, double q, double mean)
{
    /* (no survivors, or fewer than none by the rounding of moves that take
     * all of a tier) */
    if (q < 0.0 || !(n > 0.0) || q >= ceil(n))
        return mean;
    if (!(p > 0.0))
        return 0.0;
    if (p >= 1.0)
        return n < q ? n : q;
    double n0 = floor(n), frac = n - n0;
    count_dist d;
    memset(&d, 0, sizeof d);
    d.law = C_BINOMIAL;
    d.p = p;
    d.n = n0;
    double e0 = capped_mean(&d, q);
    if (frac == 0.0)
        return e0;
    d.n = n0 + 1.0;
    return (1.0 - frac) * e0 + frac * capped_mean(&d, q);
}

/* ------------------------------------------------------------ the mean recursion */

/* Tier k's cohorts (ages 1 .. V) for a level L as scenario_cohorts splits
 * a start stock: exact for a whole L, linear between two whole numbers. */
static void cohorts_of_level(model *m, size_t k, double L)
{
    const ts_tier *t = &m->s->tiers[k];
    double *c = m->coh + m->coh_at[k];
    size_t V = (size_t)t->validity;
    c[0] = 0.0;
    if (!(L >= 0.0 && L < 4e18)) {
        for (size_t a = 1; a <= V; a++)
            c[a] = L / (double)V;
        return;
    }
    double n0 = floor(L), frac = L - n0;
    int64_t *lo = m->ci, *hi = m->ci + TS_MAX_VALIDITY;
    scenario_cohorts(m->s, k, (int64_t)n0, lo);
    if (frac > 0.0)
        scenario_cohorts(m->s, k, (int64_t)n0 + 1, hi);
    for (size_t a = 1; a <= V; a++)
        c[a] = frac > 0.0 ? (1.0 - frac) * (double)lo[a - 1] + frac * (double)hi[a - 1]
                          : (double)lo[a - 1];
}

/* An observed level replaces the predicted one: its cohorts keep the
 * predicted shares (at the start, the scenario's: stock_cohorts). */
static void set_level(model *m, size_t k, double L, int y)
{
    m->N[k] = L;
    if (m->coh_at[k] == (size_t)-1)
        return;
    double *c = m->coh + m->coh_at[k], sum = 0.0;
    size_t V = (size_t)m->s->tiers[k].validity;
    for (size_t a = 0; a <= V; a++)
        sum += c[a];
    if (y == m->s->start_year - 1 || !(sum > 0.0)) {
        cohorts_of_level(m, k, L);
        return;
    }
    for (size_t a = 0; a <= V; a++)
        c[a] *= L / sum;
}

/* The events of update year y, in file order: each moves the fraction f of
 * its source's expected firms (the stocks before it) to the target; a moved
 * firm keeps its certificate age where both tiers have the same validity,
 * else it gets a certificate of year y (age 0) where the target has
 * validity. */
static void apply_events(model *m, int y)
{
    const scenario *s = m->s;
    size_t m0 = 0;
    for (size_t e = 0; e < s->n_events; m0 += s->events[e].n_moves, e++) {
        const ts_event *ev = &s->events[e];
        if (ev->year != y)
            continue;
        memcpy(m->coh_pre, m->coh, m->n_coh * sizeof *m->coh);
        memcpy(m->known_pre, m->known, m->K);
        double *pre = m->Nn;        /* free until the flows of the year */
        memcpy(pre, m->N, m->K * sizeof *pre);
        for (size_t i = 0; i < ev->n_moves; i++) {
            const ts_move *mv = &ev->moves[i];
            double f = m->yv->move[m0 + i], amt = f * pre[mv->from];
            m->N[mv->from] -= amt;
            m->N[mv->to] += amt;
            m->moved[mv->to] += amt;
            m->known[mv->to] = (char)(m->known[mv->to] && m->known_pre[mv->from]);
            size_t af = m->coh_at[mv->from], at = m->coh_at[mv->to];
            int vf = s->tiers[mv->from].validity, vt = s->tiers[mv->to].validity;
            if (af != (size_t)-1)
                for (int a = 0; a <= vf; a++)
                    m->coh[af + (size_t)a] -= f * m->coh_pre[af + (size_t)a];
            if (at == (size_t)-1)
                continue;
            if (vf == vt)
                for (int a = 0; a <= vt; a++)
                    m->coh[at + (size_t)a] += f * m->coh_pre[af + (size_t)a];
            else
                m->coh[at] += amt;
        }
    }
}

/* The mean recursion from the levels at the end of y0 to y1, recording the
 * prediction of every history row and whether its levels were known; the
 * order inside a year is DESIGN.md's (events, exits, promotions and their
 * quotas, re-review, inflow), on the values yearly_fill puts in force.  A
 * year before start_year has start_year's values, the inflow carried back
 * by its growth.  -1 when yearly_fill refuses theta (m->yerr). */
static int predict(model *m)
{
    const scenario *s = m->s;
    size_t K = m->K, T = m->T;
    const double *th = m->theta;
    const yearly *v = m->yv;
    if (yearly_fill(m->yv, s, th, &m->yerr) < 0)
        return -1;
    int start = s->start_year;
    for (size_t k = 0; k < K; k++) {
        const ts_tier *t = &s->tiers[k];
        long r0 = row_of(m, m->y0, k, HIST_STOCK), rc = row_of(m, m->y0, k, HIST_CUMULATIVE);
        m->known[k] = m->known_cum[k] = (char)(m->y0 == start - 1);
        m->N[k] = th[t->p_stock];
        m->cum[k] = (double)t->cumulative_start;
        if (r0 >= 0) {
            m->N[k] = m->h->rows[r0].value;
            m->known[k] = 1;
        }
        if (rc >= 0) {
            m->cum[k] = m->h->rows[rc].value;
            m->known_cum[k] = 1;
        }
        if (m->coh_at[k] != (size_t)-1)
            cohorts_of_level(m, k, m->N[k]);
    }
    for (int y = m->y0 + 1; y <= m->y1; y++) {
        size_t yi = y < start ? 0 : (size_t)(y - start);
        for (size_t k = 0; k < K; k++)
            m->moved[k] = m->arrive[k] = m->renewed[k] = m->expired[k] = 0.0;
        if (y >= start)
            apply_events(m, y);
        for (size_t k = 0; k < K; k++) {
            const ts_tier *t = &s->tiers[k];
            size_t i = yi * K + k;
            m->X[k] = m->N[k] * v->exit[i];
            m->in[k] = m->out[k] = 0.0;
            double mu = v->inflow[i];
            if (y < start)
                mu *= pow(1.0 + th[t->p_growth], (double)(y - start));
            m->I[k] = capped_inflow(mu, v->disp[i], v->iquota[i]);
            m->known_n[k] = m->known_mv[k] = m->known[k];
        }
        for (size_t t = 0; t < T; t++) {
            const ts_transition *tr = &s->transitions[t];
            double surv = m->N[tr->from] - m->X[tr->from], rate = v->rate[yi * T + t];
            double mv = surv * rate;
            mv = capped_promotions(surv, rate, v->quota[yi * T + t], mv);
            m->in[tr->to] += mv;
            if (!tr->keep)
                m->out[tr->from] += mv;
            if (!m->known[tr->from])
                m->known_n[tr->to] = 0;
        }
        /* Re-review of the cohort certified in y - V, after the exits and
         * promotions, which take every cohort alike. */
        for (size_t k = 0; k < K; k++) {
            const ts_tier *t = &s->tiers[k];
            if (m->coh_at[k] == (size_t)-1)
                continue;
            double *c = m->coh + m->coh_at[k];
            double keep = m->N[k] > 0.0 ? (m->N[k] - m->X[k] - m->out[k]) / m->N[k] : 0.0;
            double due = c[t->validity] * keep;
            m->renewed[k] = due * v->renewal[yi * K + k];
            m->expired[k] = due - m->renewed[k];
            if (t->expire_to >= 0) {
                size_t to = (size_t)t->expire_to;
                m->arrive[to] += m->expired[k];
                if (!m->known[k])
                    m->known_n[to] = m->known_mv[to] = 0;
            }
        }
        for (size_t k = 0; k < K; k++) {
            const ts_tier *t = &s->tiers[k];
            if (m->coh_at[k] == (size_t)-1) {
                m->Nn[k] = m->N[k] - m->X[k] - m->out[k] + m->in[k] + m->I[k] + m->arrive[k];
                continue;
            }
            /* Ages move on a year; the entrants of y (inflow, promotions
             * in, renewals, expire_to arrivals) are of age 1 next year. */
            const double *c = m->coh + m->coh_at[k];
            double *cn = m->cohn + m->coh_at[k];
            double keep = m->N[k] > 0.0 ? (m->N[k] - m->X[k] - m->out[k]) / m->N[k] : 0.0;
            int V = t->validity;
            cn[0] = 0.0;
            cn[1] = c[0] * keep + m->renewed[k] + m->in[k] + m->I[k] + m->arrive[k];
            double sum = cn[1];
            for (int a = 2; a <= V; a++) {
                cn[a] = c[a - 1] * keep;
                sum += cn[a];
            }
            m->Nn[k] = sum;
        }
        for (size_t k = 0; k < K; k++) {
            double entries = m->in[k] + m->I[k];
            double vals[HIST_MEASURES] = {m->Nn[k], entries, m->X[k], m->expired[k],
                                          m->renewed[k], m->moved[k] + m->arrive[k],
                                          m->cum[k] + entries};
            int ok[HIST_MEASURES] = {m->known_n[k], m->known_n[k], m->known[k], m->known[k],
                                     m->known[k], m->known_mv[k],
                                     m->known_cum[k] && m->known_n[k]};
            for (int meas = 0; meas < HIST_MEASURES; meas++) {
                long r = row_index(m, y, k, (hist_measure)meas);
                if (r >= 0) {
                    m->pred[r] = vals[meas];
                    m->valid[r] = (char)ok[meas];
                }
            }
        }
        double *swap = m->coh;
        m->coh = m->cohn;
        m->cohn = swap;
        for (size_t k = 0; k < K; k++) {
            const ts_tier *t = &s->tiers[k];
            m->cum[k] += m->in[k] + m->I[k];
            m->known_cum[k] = (char)(m->known_cum[k] && m->known_n[k]);
            m->N[k] = m->Nn[k];
            m->known[k] = m->known_n[k];
            long r = row_index(m, y, k, HIST_STOCK), rc = row_index(m, y, k, HIST_CUMULATIVE);
            if (r >= 0) {
                set_level(m, k, m->h->rows[r].value, y);
                m->known[k] = 1;
            } else if (y == start - 1) {
                set_level(m, k, th[t->p_stock], y);
                m->known[k] = 1;
            }
            if (rc >= 0) {
                m->cum[k] = m->h->rows[rc].value;
                m->known_cum[k] = 1;
            } else if (y == start - 1) {
                m->cum[k] = (double)t->cumulative_start;
                m->known_cum[k] = 1;
            }
        }
    }
    return 0;
}

static void set_free(model *m, const gsl_vector *z)
{
    for (size_t j = 0; j < m->nf; j++)
        m->theta[m->fidx[j]] = to_nat(&m->tr[j], gsl_vector_get(z, j));
}

static int residuals(const gsl_vector *z, void *params, gsl_vector *f)
{
    model *m = params;
    set_free(m, z);
    if (predict(m) < 0) {
        /* A mean beyond what the engine could draw (yearly_fill refuses
         * it): a point the optimiser must step back from.  A residual far
         * above any other makes the trust region reject the step and
         * shrink; an error status would not (GSL's driver retries the same
         * step). */
        for (size_t k = 0; k < f->size; k++)
            gsl_vector_set(f, k, FIT_OUT_OF_RANGE);
        return GSL_SUCCESS;
    }
    size_t i = 0;
    for (size_t u = 0; u < m->n_used; u++) {
        const history_row *r = &m->h->rows[m->used[u]];
        gsl_vector_set(f, i++, (m->pred[m->used[u]] - r->value) / r->sd);
    }
    for (size_t q = 0; q < m->n_prior; q++) {
        size_t j = m->prior_j[q];
        const dist *prior = &m->s->params[m->fidx[j]].value;
        gsl_vector_set(f, i++, (m->theta[m->fidx[j]] - dist_mean(prior)) / dist_sd(prior));
    }
    for (size_t k = 0; k < f->size; k++)
        if (!isfinite(gsl_vector_get(f, k)))
            return GSL_EDOM;
    return GSL_SUCCESS;
}

static void model_free(model *m)
{
    free(m->fidx);
    free(m->tr);
    free(m->theta);
    yearly_free(m->yv);
    free(m->row_at);
    free(m->pred);
    free(m->valid);
    double *vecs[] = {m->N, m->cum, m->coh, m->coh_pre, m->Nn, m->cohn, m->X, m->in, m->out,
                      m->I, m->moved, m->renewed, m->expired, m->arrive};
    for (size_t v = 0; v < sizeof vecs / sizeof vecs[0]; v++)
        free(vecs[v]);
    free(m->coh_at);
    free(m->known);
    free(m->known_cum);
    free(m->known_pre);
    free(m->known_n);
    free(m->known_mv);
    free(m->ci);
    free(m->used);
    free(m->prior_j);
}

void fit_result_free(fit_result *r)
{
    if (!r)
        return;
    free(r->est);
    free(r->pts);
    free(r->warnings);
    free(r);
}

static void warn(fit_result *r, const char *fmt, ...) TS_PRINTF(2, 3);

static void warn(fit_result *r, const char *fmt, ...)
{
    void *p = realloc(r->warnings, (r->n_warnings + 1) * sizeof *r->warnings);
    if (!p)
        return;
    r->warnings = p;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->warnings[r->n_warnings++], sizeof *r->warnings, fmt, ap);
    va_end(ap);
}

/* The first history row of tier k and measure `want` from update year
 * `from` on with a value above 0, or -1. */
static long first_row_from(const model *m, size_t k, hist_measure want, int from)
{
    for (size_t i = 0; i < m->h->n_rows; i++) {
        const history_row *r = &m->h->rows[i];
        if (r->tier == k && r->measure == want && r->year >= from && r->value > 0)
            return (long)i;
    }
    return -1;
}

/* A starting point inside the bounds: the prior's mean, else something of
 * the right size from the data. */
static double start_value(const model *m, size_t j)
{
    const ts_param *p = &m->s->params[m->fidx[j]];
    double x;
    if (p->has_prior) {
        x = dist_mean(&p->value);
    } else if (m->tr[j].kind == Z_LOGIT) {
        x = 0.1;        /* a probability: without a prior its support is [0, 1] */
    } else if (m->tr[j].kind == Z_LOG1P) {
        x = 0.05;
    } else {
        /* a stock or an inflow (inflow@YEAR too): the tier's first observed
         * level, or its first entries from the year the value takes force */
        x = 10.0;
        for (size_t k = 0; k < m->K; k++) {
            const ts_tier *t = &m->s->tiers[k];
            long r = -1;
            if (m->fidx[j] == t->p_stock)
                r = first_row_from(m, k, HIST_STOCK, INT_MIN);
            for (size_t i = 0; i < t->inflow.n && r < 0; i++)
                if (m->fidx[j] == t->inflow.steps[i].p)
                    r = first_row_from(m, k, HIST_NEW, i ? t->inflow.steps[i].year : INT_MIN);
            if (m->fidx[j] == t->p_inflow && t->inflow.n == 0)
                r = first_row_from(m, k, HIST_NEW, INT_MIN);
            if (r >= 0) {
                x = m->h->rows[r].value;
                break;
            }
        }
    }
    /* Off the ends, where the transformed scale is infinite (a prior's mean
     * may sit on one). */
    const zscale *t = &m->tr[j];
    if (t->kind == Z_LOGIT)
        x = fmin(fmax(x, t->lo + 1e-4 * (t->hi - t->lo)), t->hi - 1e-4 * (t->hi - t->lo));
    else if (t->kind == Z_LOG1P)
        x = fmax(x, -0.99);
    else
        x = fmax(x, t->lo + 1e-3);
    return x;
}

/* Everything but the free parameters: the history's years and rows, the
 * state of the recursion, theta at the parameters' means. */
static int model_alloc(model *m, const scenario *s, const history *h, ts_err *err)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    m->h = h;
    m->K = s->n_tiers;
    m->T = s->n_transitions;
    m->y0 = s->start_year - 1;
    m->y1 = s->start_year - 1;
    for (size_t i = 0; i < h->n_rows; i++) {
        if (h->rows[i].year < m->y0)
            m->y0 = h->rows[i].year;
        if (h->rows[i].year > m->y1)
            m->y1 = h->rows[i].year;
    }
    size_t Y = (size_t)(m->y1 - m->y0 + 1), K = m->K;
    for (size_t i = 0; i < s->n_params; i++)
        if (s->params[i].fit)
            m->nf++;
    m->coh_at = calloc(K + 1, sizeof *m->coh_at);
    if (m->coh_at)
        for (size_t k = 0; k < K; k++) {
            int V = s->tiers[k].validity;
            m->coh_at[k] = V > 0 ? m->n_coh : (size_t)-1;
            m->n_coh += V > 0 ? (size_t)V + 1 : 0;
        }
    m->fidx = calloc(m->nf + 1, sizeof *m->fidx);
    m->tr = calloc(m->nf + 1, sizeof *m->tr);
    m->prior_j = calloc(m->nf + 1, sizeof *m->prior_j);
    m->theta = calloc(s->n_params + 1, sizeof *m->theta);
    m->yv = yearly_alloc(s);
    m->row_at = malloc(Y * K * HIST_MEASURES * sizeof *m->row_at);
    m->pred = calloc(h->n_rows, sizeof *m->pred);
    m->valid = calloc(h->n_rows, 1);
    m->used = calloc(h->n_rows, sizeof *m->used);
    double **vecs[] = {&m->N, &m->cum, &m->Nn, &m->X, &m->in, &m->out, &m->I, &m->moved,
                       &m->renewed, &m->expired, &m->arrive};
    int ok = 1;
    for (size_t v = 0; v < sizeof vecs / sizeof vecs[0]; v++)
        ok &= (*vecs[v] = calloc(K, sizeof **vecs[v])) != NULL;
    m->coh = calloc(m->n_coh + 1, sizeof *m->coh);
    m->coh_pre = calloc(m->n_coh + 1, sizeof *m->coh_pre);
    m->cohn = calloc(m->n_coh + 1, sizeof *m->cohn);
    char **flags[] = {&m->known, &m->known_cum, &m->known_pre, &m->known_n, &m->known_mv};
    for (size_t v = 0; v < sizeof flags / sizeof flags[0]; v++)
        ok &= (*flags[v] = calloc(K, 1)) != NULL;
    m->ci = calloc(2 * TS_MAX_VALIDITY, sizeof *m->ci);
    if (!ok || !m->coh_at || !m->fidx || !m->tr || !m->prior_j || !m->theta || !m->yv ||
        !m->row_at || !m->pred || !m->valid || !m->used || !m->coh || !m->coh_pre || !m->cohn ||
        !m->ci)
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < Y * K * HIST_MEASURES; i++)
        m->row_at[i] = -1;
    for (size_t i = 0; i < h->n_rows; i++) {
        const history_row *r = &h->rows[i];
        m->row_at[(((size_t)(r->year - m->y0)) * K + r->tier) * HIST_MEASURES + r->measure] =
            (long)i;
    }
    scenario_param_means(s, m->theta);
    return 0;
}

static int model_init(model *m, const scenario *s, const history *h, ts_err *err)
{
    if (model_alloc(m, s, h, err) < 0)
        return -1;
    size_t j = 0;
    for (size_t i = 0; i < s->n_params; i++) {
        if (!s->params[i].fit)
            continue;
        m->fidx[j] = i;
        m->tr[j] = zscale_of(&s->params[i]);
        if (s->params[i].has_prior)
            m->prior_j[m->n_prior++] = j;
        j++;
    }
    for (j = 0; j < m->nf; j++)
        m->theta[m->fidx[j]] = start_value(m, j);
    if (predict(m) < 0)
        return ts_errf(err, "%s", m->yerr.msg);
    for (size_t i = 0; i < h->n_rows; i++)
        if (h->rows[i].year > m->y0 && m->valid[i])
            m->used[m->n_used++] = i;
    return 0;
}

/* Which free parameters move any fitted row at all (a finite-difference
 * probe on the natural scale around the starting point): by more than
 * FIT_MOVE_MIN of the row's sd, since behind a binding cap E[min(B, Q)]
 * still moves by the pmf's far tail, 1e-10 and less, which no optimiser
 * can climb. */
static int moves_data(model *m, size_t j)
{
    double *before = malloc(m->h->n_rows * sizeof *before);
    if (!before)
        return 1;
    if (predict(m) < 0) {
        free(before);
        return 1;
    }
    memcpy(before, m->pred, m->h->n_rows * sizeof *before);
    size_t i = m->fidx[j];
    double x = m->theta[i];
    const zscale *t = &m->tr[j];
    double step = t->kind != Z_LOGIT ? 0.5 * x + 1.0
                  : x < 0.5 * (t->lo + t->hi) ? 0.25 * (t->hi - x) : -0.25 * (x - t->lo);
    m->theta[i] = x + step;
    int moved = predict(m) < 0;
    for (size_t u = 0; u < m->n_used && !moved; u++)
        moved = !(fabs(m->pred[m->used[u]] - before[m->used[u]]) <=
                  FIT_MOVE_MIN * m->h->rows[m->used[u]].sd);
    m->theta[i] = x;
    (void)predict(m);
    free(before);
    return moved;
}

int fit_predict(const scenario *s, const history *h, const double *theta, double *pred,
                char *fitted, ts_err *err)
{
    model m;
    int rc = model_alloc(&m, s, h, err);
    if (rc == 0) {
        memcpy(m.theta, theta, s->n_params * sizeof *theta);
        rc = predict(&m);
        if (rc < 0)
            ts_errf(err, "%s", m.yerr.msg);
    }
    for (size_t i = 0; rc == 0 && i < h->n_rows; i++) {
        int later = h->rows[i].year > m.y0;
        pred[i] = later ? m.pred[i] : NAN;
        fitted[i] = (char)(later && m.valid[i]);
    }
    model_free(&m);
    return rc;
}

void fit_opts_default(fit_opts *o)
{
    o->max_iter = 500;
    o->xtol = 1e-10;
    o->gtol = 1e-10;
    o->ftol = 0.0;
    o->fd_step = GSL_SQRT_DBL_EPSILON;
    o->noprog_gtol = 1e-4;
    o->svd_rtol = 1e-8;
    o->null_loading = 0.3;
    o->covar_epsrel = 1e-12;
}

/* The options' ranges (fit.h); a caller's mistake, so a message rather than
 * an assert. */
static int check_opts(const fit_opts *o, ts_err *err)
{
    const struct {
        const char *name;
        double v, lo;
        int lo_open;
        double hi;
        int hi_open;
    } f[] = {
        {"xtol", o->xtol, 0, 0, INFINITY, 1},
        {"gtol", o->gtol, 0, 0, INFINITY, 1},
        {"ftol", o->ftol, 0, 0, INFINITY, 1},
        {"fd_step", o->fd_step, 0, 1, INFINITY, 1},
        {"noprog_gtol", o->noprog_gtol, 0, 0, INFINITY, 1},
        {"svd_rtol", o->svd_rtol, 0, 0, 1, 1},
        {"null_loading", o->null_loading, 0, 1, 1, 1},
        {"covar_epsrel", o->covar_epsrel, 0, 0, 1, 1},
    };
    if (o->max_iter == 0)
        return ts_errf(err, "fit options: max_iter is 0: expected at least 1");
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        double v = f[i].v;
        if (!(f[i].lo_open ? v > f[i].lo : v >= f[i].lo) ||
            !(f[i].hi_open ? v < f[i].hi : v <= f[i].hi))
            return ts_errf(err, "fit options: %s is %g: expected a number in %c%g, %g%c",
                           f[i].name, v, f[i].lo_open ? '(' : '[', f[i].lo, f[i].hi,
                           f[i].hi_open ? ')' : ']');
    }
    return 0;
}

/* A history none of whose rows the recursion can predict: say why, row by
 * row kind, before any parameter is looked at. */
static int no_rows_error(const model *m, ts_err *err)
{
    const history *h = m->h;
    size_t start = 0, unknown = 0;
    const history_row *first = NULL;
    for (size_t i = 0; i < h->n_rows; i++) {
        const history_row *r = &h->rows[i];
        if (r->year == m->y0 && (r->measure == HIST_STOCK || r->measure == HIST_CUMULATIVE)) {
            start++;
        } else {
            unknown++;
            if (!first)
                first = r;
        }
    }
    char at[16], date[16] = "";
    scenario_month_format(scenario_period_end(m->s, m->y0), at, sizeof at);
    if (first)
        scenario_month_format(first->date, date, sizeof date);
    if (!unknown)
        return ts_errf(err, "%s: no history row can be fitted: every row is a stock or "
                       "cumulative at %s, the level the fit starts from; add rows dated after it",
                       h->path, at);
    char where[96];
    snprintf(where, sizeof where, "(the first, line %d: %s %s %s)", first->line, date,
             m->s->tiers[first->tier].name, history_measure_names[first->measure]);
    const char *fix = unknown == 1 ? "add the stocks, at the end of the year before, of the "
                                     "tiers it depends on"
                                   : "add the stocks, at the end of the year before, of the "
                                     "tiers they depend on";
    if (!start)
        return ts_errf(err, "%s: no history row can be fitted: every row depends on levels not "
                       "known at the start of its year %s; %s", h->path, where, fix);
    return ts_errf(err, "%s: no history row can be fitted: %zu row%s a stock or cumulative at "
                   "%s, the level the fit starts from, and %zu depend%s on levels not known at "
                   "the start of %s year %s; %s", h->path, start, start == 1 ? " is" : "s are",
                   at, unknown, unknown == 1 ? "s" : "", unknown == 1 ? "its" : "their", where,
                   fix);
}

/* The goodness-of-fit warning: the chi-square, its p-value and the
 * FIT_GOF_WORST largest standardized residuals (observed - fitted) / sd,
 * of data rows or priors (a prior's "observed" is its mean), f being the
 * fit's residuals (fitted - observed) / sd in the order of `residuals`. */
static void warn_misfit(fit_result *res, const model *m, const gsl_vector *f)
{
    size_t worst[FIT_GOF_WORST], nw = 0;
    for (size_t i = 0; i < f->size; i++) {
        double a = fabs(gsl_vector_get(f, i));
        size_t at = nw;
        while (at > 0 && fabs(gsl_vector_get(f, worst[at - 1])) < a)
            at--;
        if (at == FIT_GOF_WORST)
            continue;
        if (nw < FIT_GOF_WORST)
            nw++;
        memmove(worst + at + 1, worst + at, (nw - 1 - at) * sizeof *worst);
        worst[at] = i;
    }
    char list[FIT_WARNING_MAX] = "";
    size_t used = 0;
    for (size_t k = 0; k < nw && used < sizeof list; k++) {
        size_t i = worst[k];
        double z = -gsl_vector_get(f, i) + 0.0;
        /* the largest always; the next ones where they stand out */
        if (k > 0 && !(fabs(z) >= FIT_GOF_NAME_SD))
            break;
        int n;
        if (i < m->n_used) {
            const history_row *r = &m->h->rows[m->used[i]];
            char date[16];
            scenario_month_format(r->date, date, sizeof date);
            double fitted = m->pred[m->used[i]];
            n = snprintf(list + used, sizeof list - used, "%sline %d, %s %s %s: observed %.6g, "
                         "fitted %.6g, residual %.4g (%.3g sd)", k ? "; " : "", r->line, date,
                         m->s->tiers[r->tier].name, history_measure_names[r->measure],
                         r->value, fitted, r->value - fitted, z);
        } else {
            size_t j = m->prior_j[i - m->n_used];
            const ts_param *p = &m->s->params[m->fidx[j]];
            char prior[128];
            dist_format(&p->value, prior, sizeof prior);
            n = snprintf(list + used, sizeof list - used, "%sthe prior %s of %s: mean %.6g, "
                         "estimate %.6g (%.3g sd)", k ? "; " : "", prior, p->name,
                         dist_mean(&p->value), m->theta[m->fidx[j]], z);
        }
        if (n > 0)
            used += (size_t)n;
    }
    warn(res, "the model does not fit the history: residual chi-square %.4g on %d degrees of "
         "freedom, p = %.2g (below %g); the largest standardized residuals: %s; the estimates, "
         "se and intervals are those of a model the data reject", res->chi2, res->dof,
         res->p_value, FIT_GOF_P, list);
}

/* Whether free parameter j sits on an end of its support: moving it there,
 * the others held at the optimum z, raises the chi-square by at most
 * FIT_BOUND_CHI2 of it (the bound nearer to the estimate on the transformed
 * scale; z = -inf or +inf is the bound itself).  A probe of the cost, not
 * a test on the se, because at the bound the transform flattens the
 * Jacobian's column and the se is then undetermined or meaningless.
 * -1 at the lower end, 1 at the upper, 0 inside.  Leaves theta at z. */
static int at_bound(model *m, const gsl_vector *z, size_t j, double chi2, gsl_vector *zb,
                    gsl_vector *fb)
{
    const zscale *t = &m->tr[j];
    double zj = gsl_vector_get(z, j);
    int side = t->kind == Z_LOGIT && zj > 0 ? 1 : -1;
    gsl_vector_memcpy(zb, z);
    gsl_vector_set(zb, j, side * INFINITY);
    double cost = INFINITY;
    if (residuals(zb, m, fb) == GSL_SUCCESS)
        gsl_blas_ddot(fb, fb, &cost);
    set_free(m, z);
    (void)predict(m);
    return cost - chi2 <= FIT_BOUND_CHI2 * fmax(chi2, 1.0) ? side : 0;
}

static void warn_bound(fit_result *res, const ts_param *p, const fit_estimate *e)
{
    double bound = e->at_bound < 0 ? e->support_lo : e->support_hi;
    double range = e->at_bound < 0 ? p->value.range.lo : p->value.range.hi;
    char whose[160] = "its range", se[32] = "undetermined";
    if (bound != range) {
        char prior[128];
        dist_format(&p->value, prior, sizeof prior);
        snprintf(whose, sizeof whose, "its prior %s", prior);
    }
    if (isfinite(e->se))
        snprintf(se, sizeof se, "%.3g", e->se);
    warn(res, "%s is at the %s end %g of %s (estimate %.3g, se %s): the history pushes it "
         "against the bound, where the se and the interval are no measure of its uncertainty",
         p->name, e->at_bound < 0 ? "lower" : "upper", bound, whose, e->estimate, se);
}

static fit_dist_match fitted_dist(const scenario *s, const fit_estimate *e, dist *out,
                                  const char **why);

/* The mass of d (gamma, beta or a normal truncated to its range) below lo
 * and above hi. */
static void mass_outside(const dist *d, double lo, double hi, double *below, double *above)
{
    const double *q = d->p;
    *below = *above = 0.0;
    switch (d->kind) {
    case DIST_GAMMA:
        *below = gsl_cdf_gamma_P(lo, q[0], q[1]);
        *above = isfinite(hi) ? gsl_cdf_gamma_Q(hi, q[0], q[1]) : 0.0;
        break;
    case DIST_BETA:
        *below = gsl_cdf_beta_P(lo, q[0], q[1]);
        *above = gsl_cdf_beta_Q(hi, q[0], q[1]);
        break;
    case DIST_NORMAL: {
        /* the untruncated normal's mass between the range's ends and lo, hi */
        double r_lo = gsl_cdf_gaussian_P(d->range.lo - q[0], q[1]);
        double r_hi = isfinite(d->range.hi) ? gsl_cdf_gaussian_Q(d->range.hi - q[0], q[1]) : 0.0;
        *below = (gsl_cdf_gaussian_P(lo - q[0], q[1]) - r_lo) / d->trunc_mass;
        *above = isfinite(hi) ? (gsl_cdf_gaussian_Q(hi - q[0], q[1]) - r_hi) / d->trunc_mass : 0.0;
        break;
    }
    default:
        break;
    }
}

/* The share of the runs' draws beyond the prior's support that makes it
 * worth a warning (a uniform(0, 20) prior, a gamma of mean 10 and sd 6). */
#define FIT_PRIOR_LEAK 0.01

/* The runs' distribution lives on the parameter's range: where a prior
 * bounds the support more narrowly, say how much of it reaches past. */
static void warn_prior_leak(fit_result *res, const scenario *s, const fit_estimate *e,
                            const dist *d)
{
    const ts_param *p = &s->params[e->param];
    if (!e->has_prior || (e->support_lo == p->value.range.lo &&
                          e->support_hi == p->value.range.hi))
        return;
    double below, above;
    mass_outside(d, e->support_lo, e->support_hi, &below, &above);
    if (!(below + above > FIT_PRIOR_LEAK))
        return;
    char where[96], prior[128];
    if (below > 0.5 * FIT_PRIOR_LEAK && above > 0.5 * FIT_PRIOR_LEAK)
        snprintf(where, sizeof where, "outside (%g, %g)", e->support_lo, e->support_hi);
    else if (above > below)
        snprintf(where, sizeof where, "above %g", e->support_hi);
    else
        snprintf(where, sizeof where, "below %g", e->support_lo);
    dist_format(&e->prior, prior, sizeof prior);
    warn(res, "%s: the %s of mean %.4g and sd %.3g that fitted.ini and the runs use has %.1f %% "
         "of its mass %s, where its prior %s has none (the grammar has no such distribution "
         "bounded there)", p->name, d->kind == DIST_GAMMA ? "gamma" : d->kind == DIST_BETA ?
         "beta" : "truncated normal", dist_mean(d), dist_sd(d), 100.0 * (below + above), where,
         prior);
}

/* What fit_fitted_dist could not give: the runs would draw the parameter
 * with a spread other than its se, or fixed at the estimate. */
static void warn_fitted_dist(fit_result *res, const scenario *s, const fit_estimate *e)
{
    if (!(isfinite(e->se) && e->se > 0))
        return;
    dist d;
    const char *why = "";
    fit_dist_match how = fitted_dist(s, e, &d, &why);
    const char *name = s->params[e->param].name;
    if (how == FIT_DIST_MATCHED) {
        warn_prior_leak(res, s, e, &d);
        return;
    }
    char text[160];
    dist_format(&d, text, sizeof text);
    if (how == FIT_DIST_FIXED)
        warn(res, "%s: fitted.ini and the runs fix it at the estimate %s (se %.3g): %s", name,
             text, e->se, why);
    else
        warn(res, "%s: fitted.ini and the runs draw it from %s, of mean %.6g (the estimate) but "
             "sd %.3g, not the se %.3g: %s", name, text, e->estimate, dist_sd(&d), e->se, why);
}

int fit_run(const scenario *s, const history *h, const fit_opts *opts, fit_result **out,
            ts_err *err)
{
    fit_opts defaults;
    *out = NULL;
    if (!opts) {
        fit_opts_default(&defaults);
        opts = &defaults;
    } else if (check_opts(opts, err) < 0) {
        return -1;
    }
    model m;
    fit_result *res = calloc(1, sizeof *res);
    gsl_multifit_nlinear_workspace *w = NULL;
    gsl_vector *z0 = NULL;
    gsl_matrix *covar = NULL, *A = NULL, *V = NULL;
    gsl_vector *S = NULL, *work = NULL;
    char *undetermined = NULL;      /* per free parameter: in a null direction of J */
    int *bound = NULL;              /* per free parameter: at_bound */
    gsl_vector *zb = NULL, *fb = NULL;
    int rc = -1;
    if (!res) {
        ts_errf(err, "out of memory");
        return -1;
    }
    if (model_init(&m, s, h, err) < 0)
        goto done;
    if (m.nf == 0) {
        ts_errf(err, "%s: no parameter is written 'fit' or 'fit(PRIOR)': nothing to estimate",
                s->path);
        goto done;
    }
    /* Before the parameters: with no row, every one of them has nothing to
     * fit it to, and a fit of priors alone would only restate them. */
    if (m.n_used == 0) {
        no_rows_error(&m, err);
        goto done;
    }
    for (size_t j = 0; j < m.nf; j++) {
        const ts_param *p = &s->params[m.fidx[j]];
        /* The prior's residual divides by its sd. */
        if (p->has_prior && !(dist_sd(&p->value) > 0)) {
            char prior[128];
            dist_format(&p->value, prior, sizeof prior);
            ts_errf(err, "%s:%d: %s: the prior of fit(%s) has no spread: write the value itself, "
                    "or a distribution", p->file, p->line, p->name, prior);
            goto done;
        }
        /* A rate behind a quota that binds at the starting point moves no
         * row (E[min(promotions, quota)] is flat there, to the pmf's far
         * tail) and the optimiser could not leave it: start it lower until
         * the rows move. */
        int moved = moves_data(&m, j);
        double x0 = m.theta[m.fidx[j]], lo = m.tr[j].lo;
        int rate = p->value.range.hi == 1.0;
        for (int half = 0; !moved && rate && half < FIT_QUOTA_HALVINGS; half++) {
            m.theta[m.fidx[j]] = lo + 0.5 * (m.theta[m.fidx[j]] - lo);
            moved = moves_data(&m, j);
        }
        if (!moved)
            m.theta[m.fidx[j]] = x0;
        if (!p->has_prior && !moved) {
            ts_errf(err, "%s:%d: %s: nothing to fit it to (no fitted history row depends on it); "
                    "add history rows or a prior: fit(PRIOR)", p->file, p->line, p->name);
            goto done;
        }
    }
    size_t n = m.n_used + m.n_prior, p = m.nf;
    if (n < p) {
        ts_errf(err, "%s: %zu parameters to fit but only %zu fitted history rows and priors",
                h->path, p, n);
        goto done;
    }
    /* Rows neither fitted nor serving as a starting level. */
    for (size_t i = 0; i < h->n_rows; i++)
        if (!(h->rows[i].year == m.y0 && (h->rows[i].measure == HIST_STOCK ||
                                          h->rows[i].measure == HIST_CUMULATIVE)))
            res->n_ignored++;
    res->n_ignored -= m.n_used;

    gsl_multifit_nlinear_fdf fdf;
    memset(&fdf, 0, sizeof fdf);
    fdf.f = residuals;
    fdf.df = NULL; /* forward differences: the problem is small */
    fdf.n = n;
    fdf.p = p;
    fdf.params = &m;
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    fp.h_df = opts->fd_step;
    w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n, p);
    z0 = gsl_vector_alloc(p);
    covar = gsl_matrix_alloc(p, p);
    if (!w || !z0 || !covar) {
        ts_errf(err, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < p; j++)
        gsl_vector_set(z0, j, to_z(&m.tr[j], m.theta[m.fidx[j]]));
    int status = gsl_multifit_nlinear_init(z0, &fdf, w);
    int info = 0;
    if (status == GSL_SUCCESS)
        status = gsl_multifit_nlinear_driver(opts->max_iter, opts->xtol, opts->gtol, opts->ftol,
                                             NULL, NULL, &info, w);
    res->iterations = gsl_multifit_nlinear_niter(w);
    /* The driver reports a first iteration without progress as EMAXITER with
     * info = ENOPROG: the same case as below (e.g. a start already at the
     * optimum, where no step can reduce the cost). */
    if (status == GSL_EMAXITER && info == GSL_ENOPROG)
        status = GSL_ENOPROG;
    if (status == GSL_ENOPROG) {
        /* The trust region could not shrink further: an optimum reached to
         * rounding when the gradient J'f vanishes there, a failure if not. */
        gsl_vector *g = gsl_vector_alloc(p);
        double gmax = INFINITY, ff = 0.0;
        if (g) {
            gsl_blas_dgemv(CblasTrans, 1.0, gsl_multifit_nlinear_jac(w),
                           gsl_multifit_nlinear_residual(w), 0.0, g);
            gmax = fabs(gsl_vector_get(g, gsl_blas_idamax(g)));
            gsl_blas_ddot(gsl_multifit_nlinear_residual(w), gsl_multifit_nlinear_residual(w), &ff);
            gsl_vector_free(g);
        }
        if (gmax <= opts->noprog_gtol * (1.0 + ff))
            status = GSL_SUCCESS;
    }
    if (status == GSL_EMAXITER || status == GSL_ENOPROG) {
        ts_errf(err, "%s: the fit did not converge after %zu iterations (last step %.3g on the "
                "transformed scale: %s)", h->path, res->iterations, gsl_blas_dnrm2(w->dx),
                gsl_strerror(status));
        goto done;
    } else if (status != GSL_SUCCESS) {
        ts_errf(err, "%s: the fit failed: %s", h->path, gsl_strerror(status));
        goto done;
    }
    const gsl_vector *z = gsl_multifit_nlinear_position(w);
    const gsl_vector *f = gsl_multifit_nlinear_residual(w);
    gsl_matrix *J = gsl_multifit_nlinear_jac(w);
    set_free(&m, z);
    if (predict(&m) < 0) {
        ts_errf(err, "%s", m.yerr.msg);
        goto done;
    }
    double chi2;
    gsl_blas_ddot(f, f, &chi2);
    res->chi2 = chi2;
    res->dof = (int)n - (int)p;
    /* With as many parameters as residuals any model fits: no test. */
    res->p_value = res->dof > 0 ? gsl_cdf_chisq_Q(chi2, res->dof) : NAN;
    res->pts = calloc(m.n_used + 1, sizeof *res->pts);
    if (!res->pts) {
        ts_errf(err, "out of memory");
        goto done;
    }
    for (size_t u = 0; u < m.n_used; u++) {
        const history_row *r = &h->rows[m.used[u]];
        fit_point *pt = &res->pts[u];
        pt->row = m.used[u];
        pt->fitted = m.pred[m.used[u]];
        pt->residual = r->value - pt->fitted;
        pt->standardized = pt->residual / r->sd;
    }
    res->n_pts = m.n_used;
    if (res->p_value < FIT_GOF_P)
        warn_misfit(res, &m, f);

    /* Identifiability: singular values of J, then correlations. */
    A = gsl_matrix_alloc(n, p);
    V = gsl_matrix_alloc(p, p);
    S = gsl_vector_alloc(p);
    work = gsl_vector_alloc(p);
    undetermined = calloc(p, 1);
    bound = calloc(p, sizeof *bound);
    zb = gsl_vector_alloc(p);
    fb = gsl_vector_alloc(n);
    if (!A || !V || !S || !work || !undetermined || !bound || !zb || !fb) {
        ts_errf(err, "out of memory");
        goto done;
    }
    /* First the estimates on a bound: J's column of each is flat there (the
     * transform's derivative vanishes), which is no lack of data. */
    for (size_t j = 0; j < p; j++)
        bound[j] = at_bound(&m, z, j, chi2, zb, fb);
    gsl_matrix_memcpy(A, J);
    int singular = 0;
    if (gsl_linalg_SV_decomp(A, V, S, work) == GSL_SUCCESS) {
        double smax = gsl_vector_get(S, 0), smin = gsl_vector_get(S, p - 1);
        if (!(smin > opts->svd_rtol * smax)) {
            singular = 1;
            /* Every parameter in a direction the data do not see is
             * undetermined: the covariance below (a pivoted QR that drops
             * columns) would give the others of that direction the se they
             * would have with the dropped ones fixed. */
            for (size_t i = 0; i < p; i++) {
                if (gsl_vector_get(S, i) > opts->svd_rtol * smax)
                    continue;
                size_t big = 0;
                for (size_t j = 0; j < p; j++) {
                    double v = fabs(gsl_matrix_get(V, j, i));
                    if (v > opts->null_loading)
                        undetermined[j] = 1;
                    if (v > fabs(gsl_matrix_get(V, big, i)))
                        big = j;
                }
                /* A direction spread over many parameters (or a
                 * null_loading near 1) may have no component above
                 * null_loading; the warning must still name one. */
                undetermined[big] = 1;
            }
            char names[256] = "";
            for (size_t j = 0; j < p; j++)
                if (undetermined[j] && !bound[j]) {
                    size_t used = strlen(names);
                    snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                             s->params[m.fidx[j]].name);
                }
            /* (one on a bound has its own warning, which says why) */
            if (names[0])
                warn(res, "the data cannot determine %s (near-zero singular value %.3g): give "
                     "priors or more history", names, smin);
        }
    }
    gsl_multifit_nlinear_covar(J, opts->covar_epsrel, covar);

    res->est = calloc(p, sizeof *res->est);
    if (!res->est) {
        ts_errf(err, "out of memory");
        goto done;
    }
    res->n_est = p;
    for (size_t j = 0; j < p; j++) {
        fit_estimate *e = &res->est[j];
        const ts_param *pp = &s->params[m.fidx[j]];
        double zj = gsl_vector_get(z, j), vz = gsl_matrix_get(covar, j, j);
        const zscale *t = &m.tr[j];
        e->param = m.fidx[j];
        e->estimate = to_nat(t, zj);
        e->support_lo = t->lo;
        e->support_hi = t->hi;
        e->has_prior = pp->has_prior;
        if (pp->has_prior) {
            e->prior = pp->value;
            e->prior_mean = dist_mean(&pp->value);
            e->prior_sd = dist_sd(&pp->value);
        }
        if (singular && (vz == 0.0 || undetermined[j])) {
            e->se = e->lo95 = e->hi95 = NAN;
        } else {
            double sz = sqrt(vz);
            e->se = dnat_dz(t, zj) * sz;
            e->lo95 = to_nat(t, zj - Z95 * sz);
            e->hi95 = to_nat(t, zj + Z95 * sz);
        }
        e->at_bound = bound[j];
        if (e->at_bound)
            warn_bound(res, pp, e);
        if (pp->has_prior && isfinite(e->se) && e->prior_sd > 0 &&
            fabs(e->estimate - e->prior_mean) < FIT_PIN_SHIFT * e->prior_sd &&
            e->se > FIT_PIN_SE * e->prior_sd)
            warn(res, "%s is pinned to its prior (estimate and se are the prior's): the history "
                 "says little about it", pp->name);
        warn_fitted_dist(res, s, e);
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = a + 1; b < p; b++) {
            double va = gsl_matrix_get(covar, a, a), vb = gsl_matrix_get(covar, b, b);
            if (va > 0 && vb > 0) {
                double r = gsl_matrix_get(covar, a, b) / sqrt(va * vb);
                if (fabs(r) > FIT_CORR_WARN)
                    warn(res, "%s and %s are correlated (r = %.3f): the data determine a "
                         "combination of them more than each", s->params[m.fidx[a]].name,
                         s->params[m.fidx[b]].name, r);
            }
        }
    rc = 0;
done:
    gsl_multifit_nlinear_free(w);
    gsl_vector_free(z0);
    gsl_matrix_free(covar);
    gsl_matrix_free(A);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    free(undetermined);
    free(bound);
    gsl_vector_free(zb);
    gsl_vector_free(fb);
    model_free(&m);
    if (rc < 0) {
        fit_result_free(res);
        return -1;
    }
    *out = res;
    return 0;
}

/* ------------------------------------------------------------ fitted distributions */

/* A normal(mu, sigma) truncated to x >= L, with alpha = (L - mu) / sigma
 * (mirrored for x <= U): with lambda = phi(alpha) / Q(alpha) (GSL's
 * hazard), its mean is L + sigma (lambda - alpha) and its sd sigma sqrt(1 +
 * alpha lambda - lambda^2).  The ratio of the sd to the mean's distance
 * from L depends on alpha alone, rising from 0 (alpha -> -inf: the bound
 * far away, the untruncated normal) towards 1 (the exponential's), so one
 * root in alpha gives the normal of a given mean and sd. */
static double tn_ratio(double alpha)
{
    double lam = gsl_sf_hazard(alpha), v = 1.0 + alpha * lam - lam * lam;
    return sqrt(v > 0.0 ? v : 0.0) / (lam - alpha);
}

static double tn_ratio_minus(double alpha, void *target)
{
    return tn_ratio(alpha) - *(const double *)target;
}

/* The least mass inside the range of a matched truncated normal: 1 %.
 * The runs draw it by redrawing, 1 / mass draws on average; the grammar
 * allows DIST_MIN_TRUNC_MASS (0.1 %, 1000 draws), which would widen the
 * widest sd it can match by only 2 % (from 0.918 to 0.940 of the mean's
 * distance from the bound). */
#define FIT_TN_MIN_MASS 0.01

static double tn_alpha_max(void)
{
    return gsl_cdf_ugaussian_Qinv(FIT_TN_MIN_MASS);
}

/* Where the bound is more than this many sds from the mean, the
 * truncation moves the mean by phi(30) / Q(-30) ~ 1e-196 sd: the normal is
 * its own match (and GSL's hazard would underflow not far beyond). */
#define FIT_TN_FAR 30.0

/* The normal(mu, sigma), truncated at `bound` on the side `side` (+1:
 * x >= bound, -1: x <= bound), whose mean is at d > 0 from the bound and
 * whose sd is sd, solved for alpha by Brent's method; beyond tn_ratio's
 * reach at tn_alpha_max the widest one of that mean.  Returns
 * FIT_DIST_MATCHED or FIT_DIST_NARROWER, FIT_DIST_FIXED if the solver fails. */
static fit_dist_match tn_match(double bound, int side, double d, double sd, double *mu,
                               double *sigma)
{
    double r = sd / d, amax = tn_alpha_max(), alpha;
    fit_dist_match how = FIT_DIST_MATCHED;
    if (r < 1.0 / FIT_TN_FAR) {
        *mu = bound + side * d;
        *sigma = sd;
        return how;
    }
    if (!(r < tn_ratio(amax))) {
        alpha = amax;
        how = FIT_DIST_NARROWER;
    } else {
        gsl_function fn = {tn_ratio_minus, &r};
        gsl_root_fsolver *rs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
        int status = rs ? gsl_root_fsolver_set(rs, &fn, -FIT_TN_FAR, amax) : GSL_ENOMEM;
        for (int it = 0; status == GSL_SUCCESS && it < 200; it++) {
            status = gsl_root_fsolver_iterate(rs);
            if (status == GSL_SUCCESS &&
                gsl_root_test_interval(gsl_root_fsolver_x_lower(rs), gsl_root_fsolver_x_upper(rs),
                                       0.0, 1e-14) == GSL_SUCCESS)
                break;
        }
        alpha = rs ? gsl_root_fsolver_root(rs) : NAN;
        gsl_root_fsolver_free(rs);
        if (status != GSL_SUCCESS || !isfinite(alpha))
            return FIT_DIST_FIXED;
    }
    *sigma = d / (gsl_sf_hazard(alpha) - alpha);
    *mu = bound - side * *sigma * alpha;
    return how;
}

/* A beta of mean m (0 < m < 1) and sd sd, as fit.h says. */
static fit_dist_match beta_for(double m, double sd, char *text, size_t len, const char **why)
{
    double k = m * (1.0 - m) / (sd * sd) - 1.0;
    if (k > DIST_BETA_MAX) {
        /* An se this small: the normal of that mean and sd, truncated to
         * [0, 1], from its nearer end (the other is far beyond it). */
        double mu, sigma;
        int lower = m <= 0.5;
        fit_dist_match how = tn_match(lower ? 0.0 : 1.0, lower ? 1 : -1, lower ? m : 1.0 - m,
                                      sd, &mu, &sigma);
        if (how != FIT_DIST_MATCHED) {
            *why = "no beta of the grammar (a + b <= 1e6) or truncated normal has that mean and "
                   "an sd that small";
            return FIT_DIST_FIXED;
        }
        snprintf(text, len, "normal(%.17g, %.17g)", mu, sigma);
        return how;
    }
    fit_dist_match how = FIT_DIST_MATCHED;
    if (!(k >= 2.0)) {
        k = 2.0;
        how = FIT_DIST_NARROWER;
        *why = "a beta of that sd would have a + b below 2, U-shaped with most of its mass near "
               "0 and 1 (and for se^2 >= m (1 - m) no law on [0, 1] has it): the beta of a + b = "
               "2 is written";
    }
    double a = m * k, b = (1.0 - m) * k;
    if (a < DIST_BETA_MIN || b < DIST_BETA_MIN) {
        if (a < b) {
            a = DIST_BETA_MIN;
            b = a * (1.0 - m) / m;
        } else {
            b = DIST_BETA_MIN;
            a = b * m / (1.0 - m);
        }
        how = FIT_DIST_NARROWER;
        *why = "a beta's a and b are at least 1e-6, so the one of that mean is narrower";
        if (!(a + b <= DIST_BETA_MAX)) {
            *why = "the estimate is within 1e-12 of an end of [0, 1], where no beta of the "
                   "grammar has that mean";
            return FIT_DIST_FIXED;
        }
    }
    snprintf(text, len, "beta(%.17g, %.17g)", a, b);
    return how;
}

static fit_dist_match fitted_dist(const scenario *s, const fit_estimate *e, dist *out,
                                  const char **why)
{
    const ts_param *p = &s->params[e->param];
    dist_range range = p->value.range;
    double m = e->estimate, sd = e->se;
    char text[160] = "";
    fit_dist_match how = FIT_DIST_FIXED;
    *why = "";
    if (isfinite(sd) && sd > 0 && isfinite(m)) {
        if (isfinite(range.hi)) {
            /* [0, 1]: the only bounded range of a fittable key */
            if (m > range.lo && m < range.hi)
                how = beta_for(m, sd, text, sizeof text, why);
            else
                *why = "the estimate is at an end of [0, 1], where no beta has that mean";
        } else if (range.lo == 0.0 && !range.lo_open) {
            double shape = (m / sd) * (m / sd), scale = sd * sd / m;
            if (shape > 0 && isfinite(shape) && scale > 0 && isfinite(scale)) {
                snprintf(text, sizeof text, "gamma(%.17g, %.17g)", shape, scale);
                how = FIT_DIST_MATCHED;
            } else {
                *why = "no gamma has that mean and sd in double precision";
            }
        } else {
            /* growth: (-1, inf) */
            double mu, sigma;
            how = tn_match(range.lo, 1, m - range.lo, sd, &mu, &sigma);
            if (how == FIT_DIST_NARROWER)
                *why = "a normal truncated at -1 with 1 % of its mass above it has an sd of at most "
                   "0.92 (1 + its mean)";
            else if (how == FIT_DIST_FIXED)
                *why = "no truncated normal with that mean and sd was found";
            if (how != FIT_DIST_FIXED)
                snprintf(text, sizeof text, "normal(%.17g, %.17g)", mu, sigma);
        }
        if (how != FIT_DIST_FIXED && dist_parse(text, range, out, NULL, 0) == 0)
            return how;
        if (how != FIT_DIST_FIXED)
            *why = "the distribution of that mean and sd is outside the grammar's limits";
    }
    *out = dist_fixed(m, range);
    if (p->integer)
        out->p[0] = nearbyint(out->p[0]);
    return FIT_DIST_FIXED;
}

fit_dist_match fit_fitted_dist(const scenario *s, const fit_estimate *e, dist *out)
{
    const char *why;
    return fitted_dist(s, e, out, &why);
}

int fit_format_fitted(const scenario *s, const fit_estimate *e, char *buf, size_t len)
{
    dist d;
    fit_fitted_dist(s, e, &d);
    return dist_format(&d, buf, len);
}

int fit_apply(scenario *s, const fit_result *r, ts_err *err)
{
    for (size_t j = 0; j < r->n_est; j++) {
        const fit_estimate *e = &r->est[j];
        ts_param *p = &s->params[e->param];
        char text[160];
        fit_format_fitted(s, e, text, sizeof text);
        dist d;
        char why[256];
        if (dist_parse(text, p->value.range, &d, why, sizeof why) < 0)
            return ts_errf(err, "%s: fitted value '%s': %s", p->name, text, why);
        p->value = d;
        p->fit = 0;
        p->has_prior = 0;
    }
    return 0;
}
