/* explain.c -- why a target is unlikely or uncertain (explain.h). */
#include "explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crn.h"
#include "goal.h"
#include "sensrun.h"

uint64_t explain_record_reps(const scenario *s, uint64_t replications)
{
    uint64_t per = (uint64_t)s->n_params + s->n_targets + 1;
    uint64_t n = EXPLAIN_MAX_NUMBERS / per;
    if (n > EXPLAIN_MAX_RECORDS)
        n = EXPLAIN_MAX_RECORDS;
    return n < replications ? n : replications;
}

/* ------------------------------------------------------------------ ranks */

/* Ranks are computed for every uncertain parameter and every target wanted,
 * over up to EXPLAIN_MAX_RECORDS replications: a radix sort of the values'
 * bits keeps that to a few milliseconds, where qsort's comparisons made it
 * cost two thirds of a Qingdao run. */
typedef struct {
    uint64_t *key, *key2;
    uint32_t *idx, *idx2;
} sort_ws;

/* The bits of x as an unsigned number in the order of the doubles. */
static uint64_t order_bits(double x)
{
    uint64_t u;
    if (x == 0.0)
        x = 0.0; /* -0 ties with 0 */
    memcpy(&u, &x, sizeof u);
    return u >> 63 ? ~u : u | (1ull << 63);
}

/* Sorts ws->key[0..n) with ws->idx along (LSD radix, a byte at a time,
 * skipping bytes all keys share). */
static void radix_sort(sort_ws *ws, size_t n)
{
    uint64_t *k = ws->key, *k2 = ws->key2;
    uint32_t *ix = ws->idx, *ix2 = ws->idx2;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((k[i] >> shift) & 255u) + 1]++;
        int same = 0;
        for (int b = 1; b <= 256 && !same; b++)
            same = count[b] == n;
        if (same)
            continue;
        for (int b = 1; b <= 256; b++)
            count[b] += count[b - 1];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(k[i] >> shift) & 255u]++;
            k2[at] = k[i];
            ix2[at] = ix[i];
        }
        uint64_t *tk = k;
        k = k2;
        k2 = tk;
        uint32_t *ti = ix;
        ix = ix2;
        ix2 = ti;
    }
    if (k != ws->key) {
        memcpy(ws->key, k, n * sizeof *k);
        memcpy(ws->idx, ix, n * sizeof *ix);
    }
}

/* r[i]: the rank of x[i * stride] among the n values, ties given the mean of
 * their ranks (counts tie often), centred on the mean rank; returns the sum
 * of squares of r, 0 when every value is the same. */
static double centred_midranks(const double *x, size_t stride, size_t n, sort_ws *ws, double *r)
{
    for (size_t i = 0; i < n; i++) {
        ws->key[i] = order_bits(x[i * stride]);
        ws->idx[i] = (uint32_t)i;
    }
    radix_sort(ws, n);
    double centre = 0.5 * (double)(n + 1), ss = 0.0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && ws->key[b] == ws->key[a])
            b++;
        double mid = 0.5 * (double)(a + b - 1) + 1.0 - centre;
        for (size_t k = a; k < b; k++)
            r[ws->idx[k]] = mid;
        ss += (double)(b - a) * mid * mid;
        a = b;
    }
    return ss;
}

int explain_levers(const scenario *s, const double *theta, const int64_t *value, uint64_t n,
                   const unsigned char *want, explain_lever *out, ts_err *err)
{
    size_t T = s->n_targets, P = s->n_params;
    for (size_t j = 0; j < T; j++)
        out[j] = (explain_lever){TS_NO_PARAM, 0.0,
                                 n > 1 ? EXPLAIN_Z / sqrt((double)n - 1.0) : 1.0, n};
    if (n < 3 || n > UINT32_MAX)
        return 0;
    size_t *factors = malloc((P + 1) * sizeof *factors);
    size_t d = factors ? sensrun_default_factors(s, factors) : 0;
    sort_ws ws = {malloc(n * sizeof(uint64_t)), malloc(n * sizeof(uint64_t)),
                  malloc(n * sizeof(uint32_t)), malloc(n * sizeof(uint32_t))};
    double *ranks = malloc(((size_t)n * (d + 1) + 1) * sizeof *ranks);
    double *ss = malloc((d + 1) * sizeof *ss);
    double *x = malloc(n * sizeof *x);
    int rc = 0;
    if (!factors || !ws.key || !ws.key2 || !ws.idx || !ws.idx2 || !ranks || !ss || !x) {
        rc = ts_errf(err, "out of memory");
        goto out;
    }
    /* Each factor's ranks once, for every target that wants them. */
    for (size_t f = 0; f < d; f++)
        ss[f] = centred_midranks(theta + factors[f], P, n, &ws, ranks + f * n);
    double *ry = ranks + d * n;
    for (size_t j = 0; j < T; j++) {
        if (!want[j])
            continue;
        for (size_t i = 0; i < n; i++)
            x[i] = (double)value[i * T + j];
        double ssy = centred_midranks(x, 1, n, &ws, ry);
        if (ssy == 0.0)
            continue; /* the count never varies: nothing moves it */
        double best = 0.0;
        for (size_t f = 0; f < d; f++) {
            if (ss[f] == 0.0)
                continue;
            const double *rf = ranks + f * n;
            double dot = 0.0;
            for (size_t i = 0; i < n; i++)
                dot += rf[i] * ry[i];
            double rho = dot / sqrt(ss[f] * ssy);
            if (fabs(rho) > fabs(best)) {
                best = rho;
                out[j].param = factors[f];
            }
        }
        out[j].rho = best;
        if (fabs(best) < out[j].rho_floor)
            out[j].param = TS_NO_PARAM;
    }
out:
    free(factors);
    free(ws.key);
    free(ws.key2);
    free(ws.idx);
    free(ws.idx2);
    free(ranks);
    free(ss);
    free(x);
    return rc;
}

/* ------------------------------------------------------ assumptions only */

typedef struct {
    size_t written, assumed;
} basis;

static void count_param(const scenario *s, size_t p, basis *b)
{
    if (p == TS_NO_PARAM || !s->params[p].file)
        return;
    b->written++;
    b->assumed += (size_t)s->params[p].assumption;
}

static void count_sched(const scenario *s, const ts_sched *sc, basis *b)
{
    for (size_t i = 0; i < sc->n; i++)
        count_param(s, sc->steps[i].p, b);
}

int explain_assumptions_only(const scenario *s, size_t j)
{
    const ts_target *tg = &s->targets[j];
    size_t k = tg->tier;
    const ts_tier *t = &s->tiers[k];
    basis b = {0, 0};
    count_sched(s, &t->inflow, &b);
    count_sched(s, &t->growth, &b);
    count_sched(s, &t->dispersion, &b);
    count_sched(s, &t->inflow_quota, &b);
    int stock = tg->kind == TS_TARGET_STOCK;
    for (size_t i = 0; i < s->n_transitions; i++) {
        const ts_transition *tr = &s->transitions[i];
        if (tr->to == k || (stock && tr->from == k && !tr->keep)) {
            count_sched(s, &tr->rate, &b);
            count_sched(s, &tr->quota, &b);
        }
    }
    if (stock) {
        count_param(s, t->p_stock, &b);
        count_sched(s, &t->exit, &b);
        count_sched(s, &t->renewal, &b);
        for (size_t e = 0; e < s->n_events; e++)
            for (size_t m = 0; m < s->events[e].n_moves; m++)
                if (s->events[e].moves[m].from == k || s->events[e].moves[m].to == k)
                    count_param(s, s->events[e].moves[m].p_frac, &b);
    }
    return b.written > 0 && b.assumed == b.written;
}

/* ------------------------------------------------------------- the goal */

typedef struct {
    const scenario *s;
    const runner_opts *o;
    size_t target, param;
    double sign;            /* -1: the lever is searched downward, as -x */
    double *fixed;
    crn_kept kept;          /* the evaluations' parameter draws, made once */
} reach_ctx;

static int eval_at(void *vctx, double x, uint64_t reps, double *p, ts_err *err)
{
    reach_ctx *c = vctx;
    c->fixed[c->param] = c->sign * x;
    crn_result r;
    if (crn_eval_kept(c->s, c->o, c->fixed, reps, &c->kept, &r, err) < 0)
        return -1;
    *p = (double)r.met[c->target] / (double)reps;
    crn_results_free(&r, 1);
    return 0;
}

int explain_reach_value(const scenario *s, const runner_opts *o, size_t j, size_t param,
                        double rho, double q, uint64_t reps, explain_reach *out, ts_err *err)
{
    memset(out, 0, sizeof *out);
    const dist *d = &s->params[param].value;
    out->q = q;
    out->lo = dist_quantile(d, 0.01);
    out->hi = dist_quantile(d, 0.99);
    if (!(out->lo < out->hi))
        return ts_errf(err, "%s: no range to search", s->params[param].name);
    double *fixed = malloc((s->n_params + 1) * sizeof *fixed);
    if (!fixed)
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < s->n_params; i++)
        fixed[i] = NAN;
    double sign = rho >= 0 ? 1.0 : -1.0;
    reach_ctx c = {s, o, j, param, sign, fixed, {NULL, 0}};
    double lo = sign > 0 ? out->lo : -out->hi, hi = sign > 0 ? out->hi : -out->lo;
    goal_opts go = {lo, hi, q, reps, 4 * reps, 1e-3 * (hi - lo), 1};
    goal_result gr;
    int rc = goal_seek(eval_at, &c, &go, &gr, err);
    crn_kept_free(&c.kept);
    free(fixed);
    if (rc < 0)
        return -1;
    out->reachable = gr.reachable;
    out->value = sign * (gr.reachable ? gr.value : hi);
    out->p_met = gr.reachable ? gr.p_met : gr.p_hi;
    out->evaluations = gr.evaluations;
    return 0;
}
