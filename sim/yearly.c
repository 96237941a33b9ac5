/* yearly.c -- the values in force in every update year (see yearly.h). */
#include "yearly.h"

#include <math.h>
#include <stdlib.h>

#include "engine.h"

yearly *yearly_alloc(const scenario *s)
{
    yearly *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    size_t K = s->n_tiers, T = s->n_transitions, Y = scenario_years(s), M = 0;
    for (size_t e = 0; e < s->n_events; e++)
        M += s->events[e].n_moves;
    v->n_years = Y;
    v->n_tiers = K;
    v->n_trans = T;
    v->n_moves = M;
    v->inflow = calloc(Y * K + 1, sizeof *v->inflow);
    v->disp = calloc(Y * K + 1, sizeof *v->disp);
    v->iquota = calloc(Y * K + 1, sizeof *v->iquota);
    v->exit = calloc(Y * K + 1, sizeof *v->exit);
    v->renewal = calloc(Y * K + 1, sizeof *v->renewal);
    v->rate = calloc(Y * T + 1, sizeof *v->rate);
    v->quota = calloc(Y * T + 1, sizeof *v->quota);
    v->move = calloc(M + 1, sizeof *v->move);
    v->out_start = calloc(K + 1, sizeof *v->out_start);
    v->out_list = calloc(T + 1, sizeof *v->out_list);
    if (!v->inflow || !v->disp || !v->iquota || !v->exit || !v->renewal || !v->rate ||
        !v->quota || !v->move || !v->out_start || !v->out_list) {
        yearly_free(v);
        return NULL;
    }
    size_t n = 0;
    for (size_t k = 0; k < K; k++) {
        v->out_start[k] = n;
        for (size_t t = 0; t < T; t++)
            if (s->transitions[t].from == k)
                v->out_list[n++] = t;
    }
    v->out_start[K] = n;
    return v;
}

void yearly_free(yearly *v)
{
    if (!v)
        return;
    free(v->inflow);
    free(v->disp);
    free(v->iquota);
    free(v->exit);
    free(v->renewal);
    free(v->rate);
    free(v->quota);
    free(v->move);
    free(v->out_start);
    free(v->out_list);
    free(v);
}

size_t yearly_param_at(const ts_sched *sc, int year)
{
    size_t p = sc->n ? sc->steps[0].p : TS_NO_PARAM;
    for (size_t i = 1; i < sc->n && sc->steps[i].year <= year; i++)
        p = sc->steps[i].p;
    return p;
}

static double value_at(const ts_sched *sc, int year, const double *theta, double none)
{
    size_t p = yearly_param_at(sc, year);
    return p == TS_NO_PARAM ? none : theta[p];
}

/* A cap as a whole number of firms: the floor, and a cap drawn above any
 * count caps nothing (and would not fit an int64_t: quota = uniform(0,
 * 1e300)).  -1 for none. */
static double whole_cap(const ts_sched *sc, int year, const double *theta)
{
    double q = value_at(sc, year, theta, -1.0);
    if (q < 0.0)
        return -1.0;
    q = floor(q);
    return q < (double)ENGINE_COUNT_MAX ? q : (double)ENGINE_COUNT_MAX;
}

/* mu(y) = v_tau * prod_{t = tau+1 .. y} (1 + g_t), tau the latest year <= y
 * in which an inflow value took force.  Runs of one growth value are one
 * pow(), so that without @YEAR values this is inflow * (1 + g)^(y - start)
 * to the last bit, as it always was. */
static double inflow_mean(const ts_tier *tier, int start, int year, const double *theta)
{
    int tau = start;
    for (size_t i = 1; i < tier->inflow.n && tier->inflow.steps[i].year <= year; i++)
        tau = tier->inflow.steps[i].year;
    double prod = 1.0;
    int t = tau + 1;
    while (t <= year) {
        size_t p = yearly_param_at(&tier->growth, t);
        int end = t;
        while (end < year && yearly_param_at(&tier->growth, end + 1) == p)
            end++;
        prod *= pow(1.0 + theta[p], (double)(end - t + 1));
        t = end + 1;
    }
    return theta[yearly_param_at(&tier->inflow, tau)] * prod;
}

/* A policy factor at strength s: s = 1 is the factor as written, s = 0 no
 * effect, s = 2 twice the effect (1 + 2 (f - 1)); never below 0. */
static double policy_factor(double f, double strength)
{
    double v = 1.0 + strength * (f - 1.0);
    return v > 0.0 ? v : 0.0;
}

static void apply_policies(yearly *v, const scenario *s, const double *theta)
{
    size_t K = v->n_tiers, T = v->n_trans;
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
                    v->rate[y * T + sc->index] *= f;
                else if (sc->kind == TS_SCALE_INFLOW)
                    v->inflow[y * K + sc->index] *= f;
                else
                    v->exit[y * K + sc->index] *= f;
            }
        }
    }
}

/* Each of tier k's outgoing rates capped at 1, their sum scaled down to 1.
 * 1 when the sum had to be scaled. */
static int cap_rates(yearly *v, size_t y, size_t k)
{
    double sum = 0.0, *rate = v->rate + y * v->n_trans;
    for (size_t i = v->out_start[k]; i < v->out_start[k + 1]; i++) {
        double *r = &rate[v->out_list[i]];
        if (*r > 1.0)
            *r = 1.0;
        sum += *r;
    }
    if (!(sum > 1.0))
        return 0;
    for (size_t i = v->out_start[k]; i < v->out_start[k + 1]; i++)
        rate[v->out_list[i]] /= sum;
    return 1;
}

/* An event's drawn fractions out of one tier summing above 1 are scaled down
 * to 1 (at their means they cannot: the scenario is refused).  1 when some
 * were. */
static int cap_moves(yearly *v, const scenario *s, const double *theta)
{
    int capped = 0;
    size_t m0 = 0;
    for (size_t e = 0; e < s->n_events; e++) {
        const ts_event *ev = &s->events[e];
        for (size_t i = 0; i < ev->n_moves; i++)
            v->move[m0 + i] = theta[ev->moves[i].p_frac];
        for (size_t i = 0; i < ev->n_moves; i++) {
            double sum = 0.0;
            for (size_t j = 0; j < ev->n_moves; j++)
                if (ev->moves[j].from == ev->moves[i].from)
                    sum += theta[ev->moves[j].p_frac];
            if (sum > 1.0) {
                v->move[m0 + i] = theta[ev->moves[i].p_frac] / sum;
                capped = 1;
            }
        }
        m0 += ev->n_moves;
    }
    return capped;
}

/* The yearly values of a tier without @YEAR values: one lookup each, the
 * inflow mean as inflow * (1 + g)^y -- this runs once per replication. */
static int constant_tier(const ts_tier *t)
{
    return t->inflow.n == 1 && t->growth.n == 1 && t->dispersion.n == 1 && t->exit.n == 1 &&
           t->inflow_quota.n <= 1 && t->renewal.n <= 1;
}

int yearly_fill(yearly *v, const scenario *s, const double *theta, ts_err *err)
{
    size_t K = v->n_tiers, T = v->n_trans, Y = v->n_years;
    for (size_t k = 0; k < K; k++) {
        const ts_tier *tier = &s->tiers[k];
        if (constant_tier(tier)) {
            double base = theta[tier->inflow.steps[0].p], g = theta[tier->growth.steps[0].p];
            double disp = theta[tier->dispersion.steps[0].p], exit = theta[tier->exit.steps[0].p];
            double cap = whole_cap(&tier->inflow_quota, s->start_year, theta);
            double renewal = tier->validity ? value_at(&tier->renewal, s->start_year, theta, 0.0)
                                            : 0.0;
            for (size_t y = 0; y < Y; y++) {
                size_t i = y * K + k;
                /* pow(x, 0) and pow(1, y) are exactly 1: skipping them changes
                 * no bit and saves most tiers' pow() calls. */
                v->inflow[i] = y == 0 || g == 0.0 ? base : base * pow(1.0 + g, (double)y);
                v->disp[i] = disp;
                v->iquota[i] = cap;
                v->exit[i] = exit;
                v->renewal[i] = renewal;
            }
            continue;
        }
        for (size_t y = 0; y < Y; y++) {
            int year = s->start_year + (int)y;
            size_t i = y * K + k;
            v->inflow[i] = inflow_mean(tier, s->start_year, year, theta);
            v->disp[i] = value_at(&tier->dispersion, year, theta, 0.0);
            v->iquota[i] = whole_cap(&tier->inflow_quota, year, theta);
            v->exit[i] = value_at(&tier->exit, year, theta, 0.0);
            v->renewal[i] = tier->validity ? value_at(&tier->renewal, year, theta, 0.0) : 0.0;
        }
    }
    for (size_t t = 0; t < T; t++) {
        const ts_transition *tr = &s->transitions[t];
        int constant = tr->rate.n == 1 && tr->quota.n <= 1;
        double rate = theta[tr->rate.steps[0].p];
        double quota = whole_cap(&tr->quota, s->start_year, theta);
        for (size_t y = 0; y < Y; y++) {
            int year = s->start_year + (int)y;
            v->rate[y * T + t] = constant ? rate : value_at(&tr->rate, year, theta, 0.0);
            v->quota[y * T + t] = constant ? quota : whole_cap(&tr->quota, year, theta);
        }
    }
    apply_policies(v, s, theta);
    int capped = 0;
    for (size_t y = 0; y < Y; y++)
        for (size_t k = 0; k < K; k++) {
            double *e = &v->exit[y * K + k];
            if (*e > 1.0)
                *e = 1.0;
            double mu = v->inflow[y * K + k];
            if (!(mu <= ENGINE_MEAN_MAX))
                return ts_errf(err, "%s:%d: tier '%s': inflow mean %.6g in %d is above 2^52 "
                               "(the growth is too large for the horizon)", s->tiers[k].file,
                               s->tiers[k].line, s->tiers[k].name, mu, s->start_year + (int)y);
            capped |= cap_rates(v, y, k);
        }
    capped |= cap_moves(v, s, theta);
    return capped;
}
