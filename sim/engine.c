/* engine.c -- one replication of the tier model (DESIGN.md, "The model").
 *
 * Each year, from the stocks at its start, every tier updates together:
 * exits ~ Binomial(N, exit); the survivors split multinomially over the
 * outgoing transitions and "stay" (drawn as conditional binomials, as
 * gsl_ran_multinomial does); a quota caps a transition's promotions, the
 * excess staying in the source; inflow ~ Poisson(mean), or gamma-Poisson with
 * dispersion; keep transitions add to the target without leaving the source. */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "rng.h"

const char *const engine_measure_names[M_COUNT] = {"stock",   "new",     "inflow",
                                                   "promoted_in", "exits", "expired",
                                                   "renewed", "moved_in", "cumulative"};

ts_measure engine_target_measure(const ts_target *t)
{
    return t->kind == TS_TARGET_NEW     ? M_NEW
           : t->kind == TS_TARGET_STOCK ? M_STOCK
                                        : M_CUMULATIVE;
}

struct engine_ws {
    engine_samplers samplers;
    size_t n_tiers, n_trans, n_years;
    size_t *out_start, *out_list;   /* outgoing transitions of tier k: out_list[out_start[k] .. out_start[k+1]) */
    int64_t *N, *N_next, *newc, *moved;
    int64_t *quota;                 /* per transition, -1 = none */
    double *rate;                   /* [y * n_trans + t] effective rate */
    double *exit;                   /* [y * n_tiers + k] effective exit probability */
    double *mu;                     /* [y * n_tiers + k] inflow mean */
    double *disp;                   /* per tier */
    gsl_rng *sub;                   /* the (year, tier) substream, fast samplers only */
};

size_t engine_out_len(const scenario *s)
{
    return scenario_years(s) * s->n_tiers * M_COUNT;
}

void engine_free(engine_ws *w)
{
    if (!w)
        return;
    free(w->out_start);
    free(w->out_list);
    free(w->N);
    free(w->N_next);
    free(w->newc);
    free(w->moved);
    free(w->quota);
    free(w->rate);
    free(w->exit);
    free(w->mu);
    free(w->disp);
    gsl_rng_free(w->sub);
    free(w);
}

engine_ws *engine_alloc(const scenario *s, engine_samplers samplers)
{
    engine_ws *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    size_t K = s->n_tiers, T = s->n_transitions, Y = scenario_years(s);
    w->samplers = samplers;
    w->n_tiers = K;
    w->n_trans = T;
    w->n_years = Y;
    w->out_start = calloc(K + 1, sizeof *w->out_start);
    w->out_list = calloc(T + 1, sizeof *w->out_list);
    w->N = calloc(K, sizeof *w->N);
    w->N_next = calloc(K, sizeof *w->N_next);
    w->newc = calloc(K, sizeof *w->newc);
    w->moved = calloc(T + 1, sizeof *w->moved);
    w->quota = calloc(T + 1, sizeof *w->quota);
    w->rate = calloc(Y * T + 1, sizeof *w->rate);
    w->exit = calloc(Y * K, sizeof *w->exit);
    w->mu = calloc(Y * K, sizeof *w->mu);
    w->disp = calloc(K, sizeof *w->disp);
    w->sub = samplers == ENGINE_FAST ? gsl_rng_alloc(rng_xoshiro256pp) : NULL;
    if ((samplers == ENGINE_FAST && !w->sub) || !w->out_start || !w->out_list || !w->N || !w->N_next || !w->newc || !w->moved ||
        !w->quota || !w->rate || !w->exit || !w->mu || !w->disp) {
        engine_free(w);
        return NULL;
    }
    size_t n = 0;
    for (size_t k = 0; k < K; k++) {
        w->out_start[k] = n;
        for (size_t t = 0; t < T; t++)
            if (s->transitions[t].from == k)
                w->out_list[n++] = t;
    }
    w->out_start[K] = n;
    return w;
}

void engine_draw(const scenario *s, gsl_rng *r, double *theta)
{
    for (size_t i = 0; i < s->n_params; i++)
        theta[i] = dist_sample(&s->params[i].value, r);
}

static uint64_t draw_binomial(const engine_ws *w, gsl_rng *r, double p, int64_t n)
{
    if (n <= 0 || p <= 0.0)
        return 0;
    if (w->samplers == ENGINE_GSL && n <= (int64_t)UINT32_MAX)
        return gsl_ran_binomial(r, p, (unsigned int)n);
    return rng_binomial(r, p, (uint64_t)n);
}

static uint64_t draw_poisson(const engine_ws *w, gsl_rng *r, double mu)
{
    if (mu <= 0.0)
        return 0;
    if (w->samplers == ENGINE_GSL && mu < 1e9)
        return gsl_ran_poisson(r, mu);
    return rng_poisson(r, mu);
}

/* A policy factor at strength s: s = 1 is the factor as written, s = 0 no
 * effect, s = 2 twice the effect (1 + 2 (f - 1)); never below 0. */
static double policy_factor(double f, double strength)
{
    double v = 1.0 + strength * (f - 1.0);
    return v > 0.0 ? v : 0.0;
}

/* Effective rates, exits and inflow means of every year, from theta and the
 * active policies.  Returns 1 when some tier's outgoing rates had to be
 * scaled down to sum to 1. */
static int prepare(engine_ws *w, const scenario *s, const double *theta, ts_err *err, int *bad)
{
    size_t K = w->n_tiers, T = w->n_trans, Y = w->n_years;
    int capped = 0;
    *bad = 0;
    for (size_t k = 0; k < K; k++) {
        const ts_tier *tier = &s->tiers[k];
        double base = theta[tier->p_inflow], g = theta[tier->p_growth];
        w->disp[k] = theta[tier->p_dispersion];
        for (size_t y = 0; y < Y; y++) {
            w->mu[y * K + k] = base * pow(1.0 + g, (double)y);
            w->exit[y * K + k] = theta[tier->p_exit];
        }
    }
    for (size_t t = 0; t < T; t++) {
        const ts_transition *tr = &s->transitions[t];
        for (size_t y = 0; y < Y; y++)
            w->rate[y * T + t] = theta[tr->p_rate];
        /* A quota drawn above any count caps nothing (and would not fit an
         * int64_t: quota = uniform(0, 1e300)). */
        double q = tr->p_quota == TS_NO_PARAM ? -1.0 : floor(theta[tr->p_quota]);
        w->quota[t] = q < (double)ENGINE_COUNT_MAX ? (int64_t)q : ENGINE_COUNT_MAX;
    }
    for (size_t p = 0; p < s->n_policies; p++) {
        const ts_policy *pol = &s->policies[p];
        if (!pol->active)
            continue;
        double strength = theta[pol->p_strength];
        for (int year = pol->from; year <= pol->until; year++) {
            size_t y = (size_t)(year - s->start_year);
            for (size_t i = 0; i < pol->n_scales; i++) {
                const ts_scale *sc = &pol->scales[i];
                double f = policy_factor(theta[sc->p_factor], strength);
                if (sc->kind == TS_SCALE_RATE)
                    w->rate[y * T + sc->index] *= f;
                else if (sc->kind == TS_SCALE_INFLOW)
                    w->mu[y * K + sc->index] *= f;
                else
                    w->exit[y * K + sc->index] *= f;
            }
        }
    }
    for (size_t y = 0; y < Y; y++) {
        for (size_t k = 0; k < K; k++) {
            double *e = &w->exit[y * K + k];
            if (*e > 1.0)
                *e = 1.0;
            double mu = w->mu[y * K + k];
            if (!(mu <= ENGINE_MEAN_MAX)) {
                *bad = 1;
                return ts_errf(err, "%s:%d: tier '%s': inflow mean %.6g in %d is above 2^52 "
                               "(the growth is too large for the horizon)", s->tiers[k].file,
                               s->tiers[k].line, s->tiers[k].name, mu, s->start_year + (int)y);
            }
            double sum = 0.0;
            for (size_t i = w->out_start[k]; i < w->out_start[k + 1]; i++) {
                double *rt = &w->rate[y * T + w->out_list[i]];
                if (*rt > 1.0)
                    *rt = 1.0;
                sum += *rt;
            }
            if (sum > 1.0) {
                capped = 1;
                for (size_t i = w->out_start[k]; i < w->out_start[k + 1]; i++)
                    w->rate[y * T + w->out_list[i]] /= sum;
            }
        }
    }
    return capped;
}

static int overflow(const scenario *s, size_t k, size_t y, ts_err *err)
{
    return ts_errf(err, "%s:%d: tier '%s': more than 2^62 firms in %d", s->tiers[k].file,
                   s->tiers[k].line, s->tiers[k].name, s->start_year + (int)y);
}

int engine_run(engine_ws *w, const scenario *s, const double *theta, gsl_rng *r, int64_t *out,
               int *capped, ts_err *err)
{
    size_t K = w->n_tiers, T = w->n_trans, Y = w->n_years;
    int bad;
    int c = prepare(w, s, theta, err, &bad);
    if (bad)
        return -1;
    *capped = c;
    for (size_t k = 0; k < K; k++) {
        double n0 = theta[s->tiers[k].p_stock];
        if (!(n0 < (double)ENGINE_COUNT_MAX))
            return overflow(s, k, 0, err);
        w->N[k] = (int64_t)llround(n0);
        w->newc[k] = 0;
    }
    /* Common random numbers, draw by draw: with the fast samplers every
     * (year, tier) draws from its own substream of the replication's chance
     * stream, so a parameter that changes how many uniforms one tier's
     * rejection samplers use in one year leaves every other draw alone. */
    uint64_t sub_seed = 0;
    if (w->sub)
        sub_seed = ((uint64_t)gsl_rng_get(r) << 32) | (uint64_t)gsl_rng_get(r);
    for (size_t y = 0; y < Y; y++) {
        int64_t *row = out + y * K * M_COUNT;
        const double *rate = w->rate + y * T;
        for (size_t k = 0; k < K; k++) {
            row[k * M_COUNT + M_PROMOTED_IN] = 0;
            w->N_next[k] = w->N[k];
        }
        for (size_t k = 0; k < K; k++) {
            gsl_rng *rk = r;
            if (w->sub) {
                rng_seed_stream(w->sub, sub_seed, (uint64_t)(y * K + k));
                rk = w->sub;
            }
            int64_t n = w->N[k];
            int64_t x = (int64_t)draw_binomial(w, rk, w->exit[y * K + k], n);
            int64_t left = n - x;
            double left_p = 1.0;
            w->N_next[k] -= x;
            row[k * M_COUNT + M_EXITS] = x;
            for (size_t i = w->out_start[k]; i < w->out_start[k + 1]; i++) {
                size_t t = w->out_list[i];
                double rt = rate[t];
                int64_t m = 0;
                if (left > 0 && rt > 0.0) {
                    double p = left_p > rt ? rt / left_p : 1.0;
                    m = (int64_t)draw_binomial(w, rk, p, left);
                }
                left -= m;
                left_p -= rt;
                if (w->quota[t] >= 0 && m > w->quota[t])
                    m = w->quota[t];
                w->moved[t] = m;
            }
            double mu = w->mu[y * K + k];
            /* Over-dispersion: a Gamma(1/phi, phi) multiplier of mean 1 makes
             * the count negative binomial with variance mu + phi mu^2. */
            if (w->disp[k] > 0.0 && mu > 0.0) {
                mu *= gsl_ran_gamma(rk, 1.0 / w->disp[k], w->disp[k]);
                if (!(mu <= ENGINE_MEAN_MAX))
                    return ts_errf(err, "%s:%d: tier '%s': inflow mean %.6g in %d is above "
                                   "2^52 (the dispersion is too large)", s->tiers[k].file,
                                   s->tiers[k].line, s->tiers[k].name, mu,
                                   s->start_year + (int)y);
            }
            row[k * M_COUNT + M_INFLOW] = (int64_t)draw_poisson(w, rk, mu);
        }
        for (size_t t = 0; t < T; t++) {
            const ts_transition *tr = &s->transitions[t];
            int64_t m = w->moved[t];
            if (!tr->keep)
                w->N_next[tr->from] -= m;
            int64_t *in = &row[tr->to * M_COUNT + M_PROMOTED_IN];
            if (*in > ENGINE_COUNT_MAX - m)
                return overflow(s, tr->to, y, err);
            *in += m;
        }
        for (size_t k = 0; k < K; k++) {
            int64_t add = row[k * M_COUNT + M_PROMOTED_IN] + row[k * M_COUNT + M_INFLOW];
            if (add > ENGINE_COUNT_MAX - w->N_next[k] || add > ENGINE_COUNT_MAX - w->newc[k])
                return overflow(s, k, y, err);
            w->N[k] = w->N_next[k] + add;
            w->newc[k] += add;
            row[k * M_COUNT + M_STOCK] = w->N[k];
            row[k * M_COUNT + M_NEW] = w->newc[k];
            row[k * M_COUNT + M_EXPIRED] = 0;
            row[k * M_COUNT + M_RENEWED] = 0;
            row[k * M_COUNT + M_MOVED_IN] = 0;
            row[k * M_COUNT + M_CUMULATIVE] = s->tiers[k].cumulative_start + w->newc[k];
        }
    }
    return 0;
}
