/* engine.c -- one replication of the tier model (DESIGN.md, "The model" and
 * "How certification really works").
 *
 * Inside update year y, from the stocks left after step 0:
 *   (0) the events of year y, in file order: each source tier's firms split
 *       by one multinomial draw over the event's moves and staying;
 *   (1) exits ~ Binomial(N, exit);
 *   (2) the survivors split multinomially over the outgoing transitions and
 *       "stay" (conditional binomials, as gsl_ran_multinomial draws them); a
 *       quota caps a transition's promotions, the excess staying;
 *   (3) re-review of the certificates of year y - V: each renewed with the
 *       renewal in force, else expired (to expire_to's tier, or out);
 *   (4) inflow ~ Poisson(mean), gamma-Poisson with dispersion, capped by
 *       inflow_quota.
 * Entrants of year y (inflow, promotions in, renewals, expire_to arrivals)
 * join at its end.  A tier with validity tracks its firms by certificate
 * year; which firms exit or are promoted is a uniform random subset across
 * those cohorts (multivariate hypergeometric), drawn after the tier's
 * totals, so the totals -- and so the counts of a scenario in which nothing
 * expires -- are the draws they are without cohorts. */
#include "engine.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "rng.h"
#include "yearly.h"

const char *const engine_measure_names[M_COUNT] = {"stock",   "new",     "inflow",
                                                   "promoted_in", "exits", "expired",
                                                   "renewed", "moved_in", "cumulative"};

ts_measure engine_target_measure(const ts_target *t)
{
    return t->kind == TS_TARGET_NEW     ? M_NEW
           : t->kind == TS_TARGET_STOCK ? M_STOCK
                                        : M_CUMULATIVE;
}

/* A schedule whose every value is fixed at 0: a policy scales 0 to 0, a
 * dispersion multiplies a mean of 0, and Binomial(n, 0) and Poisson(0) are
 * 0 without a draw. */
static int always_zero(const scenario *s, const ts_sched *sc)
{
    for (size_t i = 0; i < sc->n; i++) {
        if (sc->steps[i].p == TS_NO_PARAM)
            return 0;
        const dist *d = &s->params[sc->steps[i].p].value;
        if (d->kind != DIST_FIXED || d->p[0] != 0.0)
            return 0;
    }
    return 1;
}

int engine_measure_kind(const scenario *s, size_t k, ts_measure m)
{
    const ts_tier *tier = &s->tiers[k];
    if (tier->n_sum) {
        /* A sum is 0 where all its members' are, `new` where all theirs
         * are (then its cumulative_start, their sum, is 0 too). */
        int kind = engine_measure_kind(s, tier->sum_of[0], m);
        for (size_t i = 1; i < tier->n_sum; i++)
            if (engine_measure_kind(s, tier->sum_of[i], m) != kind)
                return ENGINE_DRAWN;
        return kind;
    }
    if (m == M_EXPIRED || m == M_RENEWED)
        return tier->validity ? ENGINE_DRAWN : ENGINE_ZERO;
    if (m == M_CUMULATIVE)
        return tier->cumulative_start ? ENGINE_DRAWN : ENGINE_AS_NEW;
    /* Structural zeros (a tier no transition leads into, an inflow or exit
     * fixed at 0 in every year) cost a histogram update per replication and
     * year otherwise: on qingdao.ini 21 of the runner's 180 a replication. */
    if (m == M_PROMOTED_IN) {
        for (size_t t = 0; t < s->n_transitions; t++)
            if (s->transitions[t].to == k)
                return ENGINE_DRAWN;
        return ENGINE_ZERO;
    }
    if (m == M_INFLOW)
        return always_zero(s, &tier->inflow) ? ENGINE_ZERO : ENGINE_DRAWN;
    if (m == M_EXITS)
        return always_zero(s, &tier->exit) ? ENGINE_ZERO : ENGINE_DRAWN;
    if (m != M_MOVED_IN)
        return ENGINE_DRAWN;
    for (size_t e = 0; e < s->n_events; e++)
        for (size_t i = 0; i < s->events[e].n_moves; i++)
            if (s->events[e].moves[i].to == k)
                return ENGINE_DRAWN;
    for (size_t j = 0; j < s->n_tiers; j++)
        if (s->tiers[j].validity && s->tiers[j].expire_to == (long)k)
            return ENGINE_DRAWN;
    return ENGINE_ZERO;
}

struct engine_ws {
    engine_samplers samplers;
    size_t n_tiers, n_trans, n_years;
    int64_t *N, *N_next, *newc, *moved, *promoted;
    int64_t *arrive;                /* per tier: expire_to arrivals of the year */
    /* Certificate cohorts: tier k's V + 1 slots coh[coh_start[k] ..], the
     * firms of certificate year c in slot c mod (V + 1) -- one more slot than
     * V so that this year's certificates never share the slot of the cohort
     * under review. */
    size_t *coh_start;
    /* slot_of, tabled: [k * slot_stride + cert_year - (start_year - vmax)]
     * for the certificate years start_year - vmax .. end_year (a 64-bit
     * division per look-up was about 0.8 % of a run, by perf). */
    size_t *slot_tab, slot_stride;
    int slot_year0;
    int64_t *coh, *avail, *sel, *part;
    /* An event's arrivals, per tier and per cohort slot, held back until
     * all its moves are drawn: every move draws from the stocks before the
     * event, so a firm it moves into a tier is not moved on by it. */
    int64_t *ev_N, *ev_coh;
    yearly *v;
    gsl_rng *sub;                   /* the (year, tier) substream, fast samplers only */
    /* The record engine_replay reads (engine_keep_record): what each
     * (year, tier)'s draws did, of the last run, valid when rec_ok. */
    int record, rec_ok;
    uint64_t rec_sub_seed;
    int64_t *rec_tier;              /* [(y K + k) REC_TIER]: exits, inflow, renewed, expired */
    int64_t *rec_moved, *rec_promoted;  /* [y T + t] */
    int64_t *rec_coh;               /* [y slots + i]: the cohorts after year y's tier updates */
    int64_t *start_N;               /* [k]: the stocks the run started from */
    /* A replay's tiers to draw, and the tiers each one feeds (transitions,
     * expire_to, event moves): down_list[down_start[k] .. down_start[k + 1]). */
    unsigned char *redo;
    size_t *queue, *down_start, *down_list;
    size_t copied;                  /* tiers the last run copied */
};

enum { REC_EXITS, REC_INFLOW, REC_RENEWED, REC_EXPIRED, REC_TIER };

size_t engine_out_len(const scenario *s)
{
    return scenario_years(s) * s->n_tiers * M_COUNT;
}

void engine_free(engine_ws *w)
{
    if (!w)
        return;
    free(w->N);
    free(w->N_next);
    free(w->newc);
    free(w->moved);
    free(w->promoted);
    free(w->arrive);
    free(w->coh_start);
    free(w->slot_tab);
    free(w->coh);
    free(w->avail);
    free(w->sel);
    free(w->part);
    free(w->ev_N);
    free(w->ev_coh);
    yearly_free(w->v);
    gsl_rng_free(w->sub);
    free(w->rec_tier);
    free(w->rec_moved);
    free(w->rec_promoted);
    free(w->rec_coh);
    free(w->start_N);
    free(w->redo);
    free(w->queue);
    free(w->down_start);
    free(w->down_list);
    free(w);
}

engine_ws *engine_alloc(const scenario *s, engine_samplers samplers)
{
    engine_ws *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    size_t K = s->n_tiers, T = s->n_transitions, slots = 0, vmax = 0;
    w->samplers = samplers;
    w->n_tiers = K;
    w->n_trans = T;
    w->n_years = scenario_years(s);
    w->coh_start = calloc(K + 1, sizeof *w->coh_start);
    for (size_t k = 0; k < K && w->coh_start; k++) {
        size_t V = (size_t)s->tiers[k].validity;
        w->coh_start[k] = slots;
        slots += V ? V + 1 : 0;
        vmax = V + 1 > vmax ? V + 1 : vmax;
    }
    if (w->coh_start)
        w->coh_start[K] = slots;
    /* vmax is the largest V + 1 */
    w->slot_year0 = s->start_year - (int)(vmax ? vmax - 1 : 0);
    w->slot_stride = w->n_years + vmax + 1;
    w->slot_tab = calloc(K * w->slot_stride + 1, sizeof *w->slot_tab);
    for (size_t k = 0; k < K && w->slot_tab; k++)
        for (size_t i = 0; s->tiers[k].validity && i < w->slot_stride; i++)
            w->slot_tab[k * w->slot_stride + i] =
                (size_t)(w->slot_year0 + (int)i) % (size_t)(s->tiers[k].validity + 1);
    w->N = calloc(K, sizeof *w->N);
    w->N_next = calloc(K, sizeof *w->N_next);
    w->newc = calloc(K, sizeof *w->newc);
    w->arrive = calloc(K, sizeof *w->arrive);
    w->moved = calloc(T + 1, sizeof *w->moved);
    w->promoted = calloc(T + 1, sizeof *w->promoted);
    w->coh = calloc(slots + 1, sizeof *w->coh);
    w->avail = calloc(vmax + 1, sizeof *w->avail);
    w->sel = calloc(vmax + 1, sizeof *w->sel);
    w->part = calloc(vmax + 1, sizeof *w->part);
    w->ev_N = calloc(K + 1, sizeof *w->ev_N);
    w->ev_coh = calloc(slots + 1, sizeof *w->ev_coh);
    w->v = yearly_alloc(s);
    w->sub = samplers == ENGINE_FAST ? gsl_rng_alloc(rng_xoshiro256pp) : NULL;
    size_t Y = w->n_years;
    w->rec_tier = calloc(Y * K * REC_TIER + 1, sizeof *w->rec_tier);
    w->rec_moved = calloc(Y * T + 1, sizeof *w->rec_moved);
    w->rec_promoted = calloc(Y * T + 1, sizeof *w->rec_promoted);
    w->rec_coh = calloc(Y * slots + 1, sizeof *w->rec_coh);
    w->start_N = calloc(K + 1, sizeof *w->start_N);
    w->redo = calloc(K + 1, sizeof *w->redo);
    w->queue = calloc(K + 1, sizeof *w->queue);
    w->down_start = calloc(K + 2, sizeof *w->down_start);
    size_t n_edges = T + K;
    for (size_t e = 0; e < s->n_events; e++)
        n_edges += s->events[e].n_moves;
    w->down_list = calloc(n_edges + 1, sizeof *w->down_list);
    if (w->down_start && w->down_list) {
        size_t n = 0;
        for (size_t k = 0; k < K; k++) {
            w->down_start[k] = n;
            for (size_t t = 0; t < T; t++)
                if (s->transitions[t].from == k)
                    w->down_list[n++] = s->transitions[t].to;
            if (s->tiers[k].validity && s->tiers[k].expire_to >= 0)
                w->down_list[n++] = (size_t)s->tiers[k].expire_to;
            for (size_t e = 0; e < s->n_events; e++)
                for (size_t i = 0; i < s->events[e].n_moves; i++)
                    if (s->events[e].moves[i].from == k)
                        w->down_list[n++] = s->events[e].moves[i].to;
        }
        w->down_start[K] = n;
    }
    if (!w->rec_tier || !w->rec_moved || !w->rec_promoted || !w->rec_coh || !w->start_N ||
        !w->redo || !w->queue || !w->down_start || !w->down_list) {
        engine_free(w);
        return NULL;
    }
    if ((samplers == ENGINE_FAST && !w->sub) || !w->coh_start || !w->slot_tab || !w->N || !w->N_next || !w->newc || !w->arrive || !w->moved ||
        !w->promoted || !w->coh || !w->avail || !w->sel || !w->part || !w->ev_N || !w->ev_coh || !w->v) {
        engine_free(w);
        return NULL;
    }
    return w;
}

void engine_draw(const scenario *s, gsl_rng *r, double *theta)
{
    /* A fixed value without the call: the Qingdao scenarios have about 95
     * parameters, of which some 55 are fixed, and the call with its switch
     * was 1.5 % of a run's instructions (callgrind).  dist_sample draws
     * nothing for them either, so the stream is the same. */
    for (size_t i = 0; i < s->n_params; i++) {
        const dist *d = &s->params[i].value;
        theta[i] = d->kind == DIST_FIXED ? d->p[0] : dist_sample(d, r);
    }
}

size_t engine_drawn_params(const scenario *s, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_params; i++)
        if (s->params[i].value.kind != DIST_FIXED)
            idx[n++] = i;
    return n;
}

void engine_fixed_params(const scenario *s, double *theta)
{
    for (size_t i = 0; i < s->n_params; i++)
        if (s->params[i].value.kind == DIST_FIXED)
            theta[i] = s->params[i].value.p[0];
}

void engine_redraw(const scenario *s, gsl_rng *r, double *theta, const size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        theta[idx[i]] = dist_sample(&s->params[idx[i]].value, r);
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

/* t of the firms counted in c[0..n-1], a uniform random subset: how many
 * from each (multivariate hypergeometric, one slot after another). */
static void draw_subset(gsl_rng *r, const int64_t *c, size_t n, int64_t t, int64_t *out)
{
    int64_t rest = 0;
    for (size_t i = 0; i < n; i++)
        rest += c[i];
    for (size_t i = 0; i < n; i++) {
        rest -= c[i];
        if (t <= 0 || c[i] == 0)
            out[i] = 0;
        else if (rest == 0)
            out[i] = t;
        else
            out[i] = (int64_t)rng_hypergeometric(r, (uint64_t)c[i], (uint64_t)rest,
                                                 (uint64_t)t);
        t -= out[i];
    }
}

/* The cohort slot of certificate year cert_year in tier k (with validity):
 * cert_year mod (V + 1). */
static size_t slot_of(const engine_ws *w, size_t k, int cert_year)
{
    return w->slot_tab[k * w->slot_stride + (size_t)(cert_year - w->slot_year0)];
}

static int overflow(const scenario *s, size_t k, size_t y, ts_err *err)
{
    return ts_errf(err, "%s:%d: tier '%s': more than 2^62 firms in %d", s->tiers[k].file,
                   s->tiers[k].line, s->tiers[k].name, s->start_year + (int)y);
}

int64_t engine_start_stock(const scenario *s, const double *theta, size_t k)
{
    const ts_tier *t = &s->tiers[k];
    if (!t->n_sum)
        return (int64_t)llround(theta[t->p_stock]);
    int64_t sum = 0;
    for (size_t i = 0; i < t->n_sum; i++) {
        int64_t v = engine_start_stock(s, theta, t->sum_of[i]);
        sum = v > ENGINE_COUNT_MAX - sum ? ENGINE_COUNT_MAX : sum + v;
    }
    return sum;
}

int engine_stock_is_random(const scenario *s, size_t k)
{
    const ts_tier *t = &s->tiers[k];
    if (!t->n_sum)
        return dist_is_random(&s->params[t->p_stock].value);
    for (size_t i = 0; i < t->n_sum; i++)
        if (engine_stock_is_random(s, t->sum_of[i]))
            return 1;
    return 0;
}

/* A region set's sum tiers in year row `row`: their members' measures added
 * up, as the targets over several tiers add theirs. */
static int fill_sums(const scenario *s, int64_t *row, size_t y, ts_err *err)
{
    for (size_t a = 0; a < s->n_tiers; a++) {
        const ts_tier *t = &s->tiers[a];
        for (size_t i = 0; i < t->n_sum; i++) {
            const int64_t *src = row + t->sum_of[i] * M_COUNT;
            int64_t *dst = row + a * M_COUNT;
            for (int m = 0; m < M_COUNT; m++) {
                if (i == 0)
                    dst[m] = 0;
                if (src[m] > ENGINE_COUNT_MAX - dst[m])
                    return overflow(s, a, y, err);
                dst[m] += src[m];
            }
        }
    }
    return 0;
}

/* The start: stocks, and the cohorts of the tiers with validity. */
static int start_stocks(engine_ws *w, const scenario *s, const double *theta, ts_err *err)
{
    memset(w->coh, 0, w->coh_start[w->n_tiers] * sizeof *w->coh);
    for (size_t k = 0; k < w->n_tiers; k++) {
        const ts_tier *tier = &s->tiers[k];
        if (tier->n_sum) { /* no firms of its own: fill_sums adds its members' */
            w->N[k] = w->newc[k] = 0;
            continue;
        }
        if (!(theta[tier->p_stock] < (double)ENGINE_COUNT_MAX))
            return overflow(s, k, 0, err);
        w->N[k] = engine_start_stock(s, theta, k);
        w->newc[k] = 0;
        if (!tier->validity)
            continue;
        int64_t *c = w->part;
        scenario_cohorts(s, k, w->N[k], c);
        for (int j = 1; j <= tier->validity; j++)
            w->coh[w->coh_start[k] + slot_of(w, k, s->start_year - j)] += c[j - 1];
    }
    return 0;
}

/* n firms of tier `from` (their cohorts `part`, or none) arrive in `to` in
 * update year `year`: they keep their certificate year where both tiers have
 * the same validity, else hold one of `year` in `to` (if it has validity). */
static void arrive_cohorts(engine_ws *w, int64_t *coh, const scenario *s, size_t from, size_t to,
                           int year, const int64_t *part, int64_t n)
{
    int V = s->tiers[to].validity;
    if (!V)
        return;
    int64_t *dst = coh + w->coh_start[to];
    if (part && s->tiers[from].validity == V) {
        for (int i = 0; i <= V; i++)
            dst[i] += part[i];
        return;
    }
    dst[slot_of(w, to, year)] += n;
}

/* Step (0): the events of update year index y. */
static int run_events(engine_ws *w, const scenario *s, gsl_rng *r, uint64_t sub_seed, size_t y,
                      int64_t *row, ts_err *err)
{
    size_t K = w->n_tiers, m0 = 0;
    int year = s->start_year + (int)y;
    for (size_t e = 0; e < s->n_events; e++) {
        const ts_event *ev = &s->events[e];
        if (ev->year != year) {
            m0 += ev->n_moves;
            continue;
        }
        for (size_t a = 0; a < K; a++) {
            size_t first = ev->n_moves;
            for (size_t i = 0; i < ev->n_moves && first == ev->n_moves; i++)
                if (ev->moves[i].from == a)
                    first = i;
            if (first == ev->n_moves)
                continue;
            gsl_rng *ra = r;
            if (w->sub) {
                /* Streams past every (year, tier) one: an event leaves
                 * every other draw as it was. */
                rng_seed_stream(w->sub, sub_seed,
                                (uint64_t)(w->n_years * K + (y * s->n_events + e) * K + a));
                ra = w->sub;
            }
            /* One multinomial split of a's firms over its moves and staying. */
            int64_t left = w->N[a];
            double left_p = 1.0;
            for (size_t i = first; i < ev->n_moves; i++) {
                const ts_move *mv = &ev->moves[i];
                if (mv->from != a)
                    continue;
                double f = w->v->move[m0 + i];
                int64_t m = 0;
                if (left > 0 && f > 0.0)
                    m = (int64_t)draw_binomial(w, ra, left_p > f ? f / left_p : 1.0, left);
                left -= m;
                left_p -= f;
                if (m == 0)
                    continue;
                int64_t *part = NULL;
                if (s->tiers[a].validity) {
                    size_t n = (size_t)s->tiers[a].validity + 1;
                    int64_t *src = w->coh + w->coh_start[a];
                    draw_subset(ra, src, n, m, w->sel);
                    for (size_t j = 0; j < n; j++)
                        src[j] -= w->sel[j];
                    part = w->sel;
                }
                w->N[a] -= m;
                w->ev_N[mv->to] += m;
                arrive_cohorts(w, w->ev_coh, s, a, mv->to, year, part, m);
            }
        }
        size_t slots = w->coh_start[K];
        for (size_t k = 0; k < K; k++) {
            int64_t m = w->ev_N[k];
            if (!m)
                continue;
            if (w->N[k] > ENGINE_COUNT_MAX - m)
                return overflow(s, k, y, err);
            w->N[k] += m;
            row[k * M_COUNT + M_MOVED_IN] += m;
            w->ev_N[k] = 0;
        }
        for (size_t i = 0; i < slots; i++) {
            w->coh[i] += w->ev_coh[i];
            w->ev_coh[i] = 0;
        }
        m0 += ev->n_moves;
    }
    return 0;
}

/* Steps (1) to (3) for the cohorts of tier k, after its totals were drawn:
 * which cohorts the exits and promotions came from, then the re-review.
 * Returns the firms renewed; *expired gets the rest of the cohort due. */
static int64_t review(engine_ws *w, const scenario *s, gsl_rng *r, size_t k, size_t y,
                      int64_t exits, int64_t *expired)
{
    const ts_tier *tier = &s->tiers[k];
    size_t n = (size_t)tier->validity + 1;
    int year = s->start_year + (int)y;
    int64_t *c = w->coh + w->coh_start[k];
    draw_subset(r, c, n, exits, w->part);
    for (size_t j = 0; j < n; j++) {
        c[j] -= w->part[j];
        w->avail[j] = c[j];
    }
    /* Each survivor goes to at most one transition: the selected ones leave
     * `avail`; of those, the promoted (after the quota) a uniform subset.
     * Which firms a keep transition selected matters only to the non-keep
     * transitions after it (the firms stay in their cohorts): past the last
     * non-keep one nothing is drawn. */
    size_t end = w->v->out_start[k];
    for (size_t i = w->v->out_start[k]; i < w->v->out_start[k + 1]; i++)
        if (!s->transitions[w->v->out_list[i]].keep)
            end = i + 1;
    for (size_t i = w->v->out_start[k]; i < end; i++) {
        size_t t = w->v->out_list[i];
        if (w->moved[t] == 0)
            continue;
        draw_subset(r, w->avail, n, w->moved[t], w->sel);
        for (size_t j = 0; j < n; j++)
            w->avail[j] -= w->sel[j];
        if (s->transitions[t].keep || w->promoted[t] == 0)
            continue;
        if (w->promoted[t] < w->moved[t])
            draw_subset(r, w->sel, n, w->promoted[t], w->part);
        else
            memcpy(w->part, w->sel, n * sizeof *w->part);
        for (size_t j = 0; j < n; j++)
            c[j] -= w->part[j];
    }
    size_t due = slot_of(w, k, year - tier->validity);
    int64_t renewed = (int64_t)draw_binomial(w, r, w->v->renewal[y * w->n_tiers + k], c[due]);
    *expired = c[due] - renewed;
    c[due] = 0;
    c[slot_of(w, k, year)] += renewed;
    return renewed;
}

/* Steps (1), (2), (4) and, with validity, (3) for tier k in year index y. */
static int update_tier(engine_ws *w, const scenario *s, gsl_rng *rk, size_t k, size_t y,
                       int64_t *row, ts_err *err)
{
    size_t K = w->n_tiers, T = w->n_trans;
    const yearly *v = w->v;
    const double *rate = v->rate + y * T;
    int64_t n = w->N[k];
    int64_t x = (int64_t)draw_binomial(w, rk, v->exit[y * K + k], n);
    int64_t left = n - x;
    double left_p = 1.0;
    w->N_next[k] -= x;
    row[k * M_COUNT + M_EXITS] = x;
    for (size_t i = w->v->out_start[k]; i < w->v->out_start[k + 1]; i++) {
        size_t t = w->v->out_list[i];
        double rt = rate[t];
        int64_t m = 0;
        if (left > 0 && rt > 0.0) {
            double p = left_p > rt ? rt / left_p : 1.0;
            m = (int64_t)draw_binomial(w, rk, p, left);
        }
        left -= m;
        left_p -= rt;
        double q = v->quota[y * T + t];
        w->moved[t] = m;
        w->promoted[t] = q >= 0.0 && (double)m > q ? (int64_t)q : m;
    }
    double mu = v->inflow[y * K + k], disp = v->disp[y * K + k];
    /* Over-dispersion: a Gamma(1/phi, phi) multiplier of mean 1 makes the
     * count negative binomial with variance mu + phi mu^2. */
    if (disp > 0.0 && mu > 0.0) {
        mu *= gsl_ran_gamma(rk, 1.0 / disp, disp);
        if (!(mu <= ENGINE_MEAN_MAX))
            return ts_errf(err, "%s:%d: tier '%s': inflow mean %.6g in %d is above 2^52 (the "
                           "dispersion is too large)", s->tiers[k].file, s->tiers[k].line,
                           s->tiers[k].name, mu, s->start_year + (int)y);
    }
    int64_t inflow = (int64_t)draw_poisson(w, rk, mu);
    double cap = v->iquota[y * K + k];
    if (cap >= 0.0 && (double)inflow > cap)
        inflow = (int64_t)cap;
    row[k * M_COUNT + M_INFLOW] = inflow;
    if (s->tiers[k].validity) {
        int64_t expired;
        row[k * M_COUNT + M_RENEWED] = review(w, s, rk, k, y, x, &expired);
        row[k * M_COUNT + M_EXPIRED] = expired;
        w->N_next[k] -= expired;
        if (s->tiers[k].expire_to >= 0)
            w->arrive[s->tiers[k].expire_to] += expired;
    }
    return 0;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The tiers a replay against ref must draw: those whose own inputs differ
 * from ref's run -- a yearly value, an outgoing rate or quota, the start
 * stock (the start cohorts follow from it), an event fraction out of it --
 * and every tier they feed, directly or not.  The others start where ref's
 * started, draw from the same substreams with the same values, and receive
 * what they received there: their draws are ref's, by induction year by
 * year.  Returns how many tiers are left to copy. */
static size_t mark_redo(engine_ws *w, const engine_ws *ref, const scenario *s)
{
    const size_t K = w->n_tiers, T = w->n_trans, Y = w->n_years;
    const yearly *a = w->v, *b = ref->v;
    size_t nq = 0;
    for (size_t k = 0; k < K; k++) {
        int changed = w->N[k] != ref->start_N[k];
        for (size_t y = 0; y < Y && !changed; y++) {
            size_t i = y * K + k;
            changed = !same_bits(a->inflow[i], b->inflow[i]) || !same_bits(a->disp[i], b->disp[i]) ||
                      !same_bits(a->iquota[i], b->iquota[i]) || !same_bits(a->exit[i], b->exit[i]) ||
                      !same_bits(a->renewal[i], b->renewal[i]);
            for (size_t j = a->out_start[k]; j < a->out_start[k + 1] && !changed; j++) {
                size_t t = y * T + a->out_list[j];
                changed = !same_bits(a->rate[t], b->rate[t]) || !same_bits(a->quota[t], b->quota[t]);
            }
        }
        w->redo[k] = (unsigned char)changed;
        if (changed)
            w->queue[nq++] = k;
    }
    for (size_t e = 0, m = 0; e < s->n_events; e++)
        for (size_t i = 0; i < s->events[e].n_moves; i++, m++) {
            size_t from = s->events[e].moves[i].from;
            if (!w->redo[from] && !same_bits(a->move[m], b->move[m])) {
                w->redo[from] = 1;
                w->queue[nq++] = from;
            }
        }
    for (size_t q = 0; q < nq; q++)
        for (size_t j = w->down_start[w->queue[q]]; j < w->down_start[w->queue[q] + 1]; j++) {
            size_t to = w->down_list[j];
            if (!w->redo[to]) {
                w->redo[to] = 1;
                w->queue[nq++] = to;
            }
        }
    return K - nq;
}

/* What update_tier did for tier k in year index y, kept for a replay. */
static void record_tier(engine_ws *w, size_t k, size_t y, const int64_t *row)
{
    int64_t *rt = w->rec_tier + (y * w->n_tiers + k) * REC_TIER;
    const int64_t *rk = row + k * M_COUNT;
    rt[REC_EXITS] = rk[M_EXITS];
    rt[REC_INFLOW] = rk[M_INFLOW];
    rt[REC_RENEWED] = rk[M_RENEWED];
    rt[REC_EXPIRED] = rk[M_EXPIRED];
    for (size_t i = w->v->out_start[k]; i < w->v->out_start[k + 1]; i++) {
        size_t t = w->v->out_list[i];
        w->rec_moved[y * w->n_trans + t] = w->moved[t];
        w->rec_promoted[y * w->n_trans + t] = w->promoted[t];
    }
}

/* update_tier's effects for tier k in year index y, from ref's record: the
 * same writes in the same places (the cohorts after the year's updates:
 * restore_cohorts). */
static void replay_tier(engine_ws *w, const engine_ws *ref, const scenario *s, size_t k, size_t y,
                        int64_t *row)
{
    const int64_t *rt = ref->rec_tier + (y * w->n_tiers + k) * REC_TIER;
    int64_t *rk = row + k * M_COUNT;
    rk[M_EXITS] = rt[REC_EXITS];
    rk[M_INFLOW] = rt[REC_INFLOW];
    w->N_next[k] -= rt[REC_EXITS];
    for (size_t i = w->v->out_start[k]; i < w->v->out_start[k + 1]; i++) {
        size_t t = w->v->out_list[i];
        w->moved[t] = ref->rec_moved[y * w->n_trans + t];
        w->promoted[t] = ref->rec_promoted[y * w->n_trans + t];
    }
    if (s->tiers[k].validity) {
        rk[M_RENEWED] = rt[REC_RENEWED];
        rk[M_EXPIRED] = rt[REC_EXPIRED];
        w->N_next[k] -= rt[REC_EXPIRED];
        if (s->tiers[k].expire_to >= 0)
            w->arrive[s->tiers[k].expire_to] += rt[REC_EXPIRED];
    }
}

/* The copied tiers' cohorts after year y's updates: ref's. */
static void restore_cohorts(engine_ws *w, const engine_ws *ref, const scenario *s, size_t y)
{
    const size_t slots = w->coh_start[w->n_tiers];
    for (size_t k = 0; k < w->n_tiers; k++)
        if (!w->redo[k] && s->tiers[k].validity)
            memcpy(w->coh + w->coh_start[k], ref->rec_coh + y * slots + w->coh_start[k],
                   (size_t)(s->tiers[k].validity + 1) * sizeof *w->coh);
}

/* engine_run, and engine_replay when ref is not NULL. */
static int simulate(engine_ws *w, const scenario *s, const double *theta, gsl_rng *r,
                    const engine_ws *ref, int64_t *out, int *capped, ts_err *err)
{
    size_t K = w->n_tiers, T = w->n_trans, Y = w->n_years;
    int c = yearly_fill(w->v, s, theta, err);
    if (c < 0)
        return -1;
    *capped = c;
    if (start_stocks(w, s, theta, err) < 0)
        return -1;
    /* Common random numbers, draw by draw: with the fast samplers every
     * (year, tier) draws from its own substream of the replication's chance
     * stream, so a parameter that changes how many uniforms one tier's
     * rejection samplers use in one year leaves every other draw alone. */
    uint64_t sub_seed = 0;
    if (w->sub)
        sub_seed = ((uint64_t)gsl_rng_get(r) << 32) | (uint64_t)gsl_rng_get(r);
    /* Another replication's record, or none of these substreams: draw all. */
    w->copied = ref && w->sub && ref->rec_ok && ref->rec_sub_seed == sub_seed
                    ? mark_redo(w, ref, s)
                    : 0;
    if (!w->copied)
        ref = NULL;
    const size_t slots = w->coh_start[K];
    if (w->record) {
        w->rec_ok = 0;
        w->rec_sub_seed = sub_seed;
        memcpy(w->start_N, w->N, K * sizeof *w->N);
    }
    for (size_t y = 0; y < Y; y++) {
        int64_t *row = out + y * K * M_COUNT;
        int year = s->start_year + (int)y;
        memset(row, 0, K * M_COUNT * sizeof *row);
        if (s->n_events && run_events(w, s, r, sub_seed, y, row, err) < 0)
            return -1;
        for (size_t k = 0; k < K; k++) {
            w->N_next[k] = w->N[k];
            w->arrive[k] = 0;
        }
        for (size_t k = 0; k < K; k++) {
            gsl_rng *rk = r;
            if (s->tiers[k].n_sum)
                continue;
            if (ref && !w->redo[k]) {
                replay_tier(w, ref, s, k, y, row);
            } else {
                if (w->sub) {
                    rng_seed_stream(w->sub, sub_seed, (uint64_t)(y * K + k));
                    rk = w->sub;
                }
                if (update_tier(w, s, rk, k, y, row, err) < 0)
                    return -1;
            }
            if (w->record)
                record_tier(w, k, y, row);
        }
        if (ref)
            restore_cohorts(w, ref, s, y);
        if (w->record)
            memcpy(w->rec_coh + y * slots, w->coh, slots * sizeof *w->coh);
        for (size_t t = 0; t < T; t++) {
            const ts_transition *tr = &s->transitions[t];
            int64_t m = w->promoted[t];
            if (!tr->keep)
                w->N_next[tr->from] -= m;
            int64_t *in = &row[tr->to * M_COUNT + M_PROMOTED_IN];
            if (*in > ENGINE_COUNT_MAX - m)
                return overflow(s, tr->to, y, err);
            *in += m;
        }
        for (size_t k = 0; k < K; k++) {
            int64_t add = row[k * M_COUNT + M_PROMOTED_IN] + row[k * M_COUNT + M_INFLOW];
            int64_t arrive = w->arrive[k];
            if (add > ENGINE_COUNT_MAX - w->N_next[k] - arrive || add > ENGINE_COUNT_MAX - w->newc[k])
                return overflow(s, k, y, err);
            w->N[k] = w->N_next[k] + add + arrive;
            w->newc[k] += add;
            if (s->tiers[k].validity) {
                w->coh[w->coh_start[k] + slot_of(w, k, year)] += add + arrive;
            }
            row[k * M_COUNT + M_MOVED_IN] += arrive;
            row[k * M_COUNT + M_STOCK] = w->N[k];
            row[k * M_COUNT + M_NEW] = w->newc[k];
            row[k * M_COUNT + M_CUMULATIVE] = s->tiers[k].cumulative_start + w->newc[k];
        }
        if (s->n_members && fill_sums(s, row, y, err) < 0)
            return -1;
    }
    if (w->record)
        w->rec_ok = 1;
    return 0;
}

int engine_run(engine_ws *w, const scenario *s, const double *theta, gsl_rng *r, int64_t *out,
               int *capped, ts_err *err)
{
    return simulate(w, s, theta, r, NULL, out, capped, err);
}

int engine_replay(engine_ws *w, const scenario *s, const double *theta, gsl_rng *r,
                  const engine_ws *ref, int64_t *out, int *capped, ts_err *err)
{
    assert(ref != w && ref->n_tiers == w->n_tiers && ref->n_trans == w->n_trans &&
           ref->n_years == w->n_years && ref->coh_start[ref->n_tiers] == w->coh_start[w->n_tiers]);
    return simulate(w, s, theta, r, ref, out, capped, err);
}

size_t engine_copied(const engine_ws *w)
{
    return w->copied;
}

void engine_keep_record(engine_ws *w, int on)
{
    w->record = on != 0;
    w->rec_ok = 0;
}
