/* runner.c -- many replications on several threads, aggregated in memory
 * that does not grow with their number. */
#include "runner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "rng.h"

/* Everything one thread needs, allocated once before its first chunk. */
typedef struct {
    engine_ws *engine;
    gsl_rng *r_param, *r_chance;
    double *theta;
    int64_t *out;
    hist **hists;
    hist **start;                   /* [k]: the start stock of the tiers whose stock is drawn */
    const size_t *drawn;            /* runner_run's: the outputs summarised per replication */
    size_t n_drawn;
    size_t *params, n_params;       /* the parameters drawn (engine_drawn_params) */
    size_t *stocks, n_stocks;       /* the tiers whose start stock is drawn */
    uint64_t *met_by_year;
    hist **sums;                    /* [j]: a target over several tiers, its count in end_year */
    uint64_t met_all, capped, reps;
    uint64_t *met_group;            /* [g]: a region set's member g (or the set) met all its targets */
    unsigned char *group_all;       /* [g]: scratch of one replication */
    size_t n_start, n_sums;
    int failed;
    /* Each thread writes its counters on every replication: keep them off
     * the cache lines of the other threads' workspaces. */
    char pad[128];
} thread_ws;

void runner_opts_init(runner_opts *o, const scenario *s)
{
    memset(o, 0, sizeof *o);
    o->replications = s->replications;
    o->seed = s->seed;
    o->threads = 0;
    o->max_replications = 10000000;
    o->samplers = ENGINE_FAST;
}

static void free_hists(hist **h, size_t n)
{
    if (!h)
        return;
    for (size_t i = 0; i < n; i++)
        hist_free(h[i]);
    free(h);
}

static hist **alloc_hists(size_t n)
{
    hist **h = calloc(n, sizeof *h);
    if (!h)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(h[i] = hist_alloc())) {
            free_hists(h, n);
            return NULL;
        }
    return h;
}

/* [j]: a histogram for each target over several tiers, NULL for a one-tier
 * target (its tier's histogram is the target's). */
static hist **alloc_sums(const scenario *s)
{
    hist **h = calloc(s->n_targets + 1, sizeof *h);
    for (size_t j = 0; h && j < s->n_targets; j++)
        if (s->targets[j].n_tiers > 1 && !(h[j] = hist_alloc())) {
            free_hists(h, s->n_targets);
            return NULL;
        }
    return h;
}

static void thread_ws_free(thread_ws *t, size_t n_hists)
{
    engine_free(t->engine);
    gsl_rng_free(t->r_param);
    gsl_rng_free(t->r_chance);
    free(t->theta);
    free(t->out);
    free_hists(t->hists, n_hists);
    free_hists(t->start, t->n_start);
    free_hists(t->sums, t->n_sums);
    free(t->met_by_year);
    free(t->met_group);
    free(t->group_all);
    free(t->params);
    free(t->stocks);
    memset(t, 0, sizeof *t);
}

static int thread_ws_init(thread_ws *t, const scenario *s, const runner_opts *o)
{
    size_t n_out = engine_out_len(s);
    memset(t, 0, sizeof *t);
    const gsl_rng_type *type = o->samplers == ENGINE_GSL ? gsl_rng_mt19937 : rng_xoshiro256pp;
    t->engine = engine_alloc(s, o->samplers);
    t->r_param = gsl_rng_alloc(type);
    t->r_chance = gsl_rng_alloc(type);
    t->theta = calloc(s->n_params + 1, sizeof *t->theta);
    t->out = calloc(n_out, sizeof *t->out);
    t->hists = alloc_hists(n_out);
    t->n_start = s->n_tiers;
    t->start = alloc_hists(s->n_tiers);
    t->met_by_year = calloc(s->n_targets * scenario_years(s) + 1, sizeof *t->met_by_year);
    t->n_sums = s->n_targets;
    t->sums = alloc_sums(s);
    t->met_group = calloc(s->n_members + 2, sizeof *t->met_group);
    t->group_all = calloc(s->n_members + 2, 1);
    t->params = calloc(s->n_params + 1, sizeof *t->params);
    t->stocks = calloc(s->n_tiers + 1, sizeof *t->stocks);
    if (!t->engine || !t->r_param || !t->r_chance || !t->theta || !t->out || !t->hists ||
        !t->start || !t->met_by_year || !t->sums || !t->met_group || !t->group_all ||
        !t->params || !t->stocks) {
        thread_ws_free(t, n_out);
        return -1;
    }
    t->n_params = engine_drawn_params(s, t->params);
    engine_fixed_params(s, t->theta);
    for (size_t k = 0; k < s->n_tiers; k++)
        if (engine_stock_is_random(s, k))
            t->stocks[t->n_stocks++] = k;
    return 0;
}

/* One replication: draw, simulate, fold into the thread's summaries. */
static int replicate(thread_ws *t, const scenario *s, const runner_opts *o, uint64_t rep,
                     ts_err *err)
{
    size_t Y = scenario_years(s);
    rng_seed_rep(t->r_param, o->seed, rep, RNG_PARAMS);
    rng_seed_rep(t->r_chance, o->seed, rep, RNG_CHANCE);
    engine_redraw(s, t->r_param, t->theta, t->params, t->n_params);
    int capped;
    if (engine_run(t->engine, s, t->theta, t->r_chance, t->out, &capped, err) < 0)
        return -1;
    /* hist_add grows a histogram only when a value lands outside the span
     * seen so far: a bounded number of times per run, not per replication. */
    for (size_t d = 0; d < t->n_drawn; d++) {
        size_t i = t->drawn[d];
        if (hist_add1_lazy(t->hists[i], t->out[i]) < 0)
            return ts_errf(err, "out of memory");
    }
    /* A fixed start stock is the same in every replication: added once at
     * the end, so only a drawn one costs anything here. */
    for (size_t i = 0; i < t->n_stocks; i++)
        if (hist_add1(t->start[t->stocks[i]], engine_start_stock(s, t->theta, t->stocks[i])) < 0)
            return ts_errf(err, "out of memory");
    if (rep < o->record_reps)
        memcpy(o->record_theta + rep * s->n_params, t->theta, s->n_params * sizeof *t->theta);
    int all = 1;
    if (s->n_members)
        memset(t->group_all, 1, s->n_members + 1);
    for (size_t j = 0; j < s->n_targets; j++) {
        const ts_target *tg = &s->targets[j];
        int64_t v = 0;
        for (size_t y = 0; y < Y; y++) {
            v = engine_target_value(s, tg, t->out, y);
            t->met_by_year[j * Y + y] += (uint64_t)(v >= tg->threshold);
        }
        all &= v >= tg->threshold;
        if (s->n_members)
            t->group_all[tg->group] &= (unsigned char)(v >= tg->threshold);
        /* A target over several tiers: its sum's own distribution (a one-tier
         * target's is its tier's, summarised above). */
        if (t->sums[j] && hist_add(t->sums[j], v, 1) < 0)
            return ts_errf(err, "out of memory");
        if (rep < o->record_reps)
            o->record_value[rep * s->n_targets + j] = v;
    }
    t->met_all += (uint64_t)all;
    for (size_t g = 0; s->n_members && g <= s->n_members; g++)
        t->met_group[g] += t->group_all[g];
    t->capped += (uint64_t)capped;
    t->reps++;
    return 0;
}

/* The start stock of each tier whose stock is fixed: its value in every
 * replication. */
static int add_fixed_starts(const scenario *s, runner_result *res)
{
    double *mean = malloc((s->n_params + 1) * sizeof *mean);
    if (!mean)
        return -1;
    scenario_param_means(s, mean);
    int rc = 0;
    for (size_t k = 0; k < s->n_tiers && rc == 0; k++)
        if (!engine_stock_is_random(s, k))
            rc = hist_add(res->start[k], engine_start_stock(s, mean, k), res->replications);
    free(mean);
    return rc;
}

double runner_stopping_se(uint64_t successes, uint64_t n)
{
    if (n == 0)
        return INFINITY;
    double p = ((double)successes + 2.0) / ((double)n + 4.0);
    return sqrt(p * (1.0 - p) / (double)n);
}

static int precision_met(const scenario *s, const par_group *p, thread_ws *ws, int nthreads,
                         uint64_t reps, double precision)
{
    size_t Y = scenario_years(s), T = s->n_targets;
    uint64_t *x = calloc(T + 1, sizeof *x);
    if (!x)
        return 0;
    for (size_t j = 0; j < T; j++)
        for (int i = 0; i < nthreads; i++)
            x[j] += ws[i].met_by_year[j * Y + Y - 1];
    par_sum_u64(p, x, T); /* every process's replications */
    int met = 1;
    for (size_t j = 0; j < T && met; j++)
        met = runner_stopping_se(x[j], reps) <= precision;
    free(x);
    return met;
}

/* Across processes (par.h): every histogram of every process merged into
 * each, in rank order.  A histogram's counts depend on its values alone
 * (summary.c), so the result is the one histogram one process would have
 * built from all of them.  0, or -1 out of memory. */
static int share_hists(const par_group *p, hist **h, size_t n)
{
    if (par_size(p) == 1)
        return 0;
    size_t words = 0;
    for (size_t i = 0; i < n; i++)
        words += h[i] ? hist_pack_words(h[i]) : 0;
    uint64_t *mine = malloc((words + 1) * sizeof *mine);
    size_t *len_of = calloc((size_t)par_size(p), sizeof *len_of);
    unsigned char *all = NULL;
    int rc = mine && len_of ? 0 : -1;
    size_t k = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (h[i])
            k += hist_pack(h[i], mine + k);
    /* Every process takes part, even one that ran out of memory. */
    if (par_allgather(p, mine, rc == 0 ? k * sizeof *mine : 0, &all, len_of) < 0)
        rc = -1;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (h[i])
            hist_reset(h[i]);
    size_t off = 0;
    for (int r = 0; r < par_size(p) && rc == 0; r++) {
        const uint64_t *w = (const uint64_t *)(all + off);
        size_t left = len_of[r] / sizeof *w, used = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (!h[i])
                continue;
            rc = hist_merge_packed(h[i], w, left, &used);
            w += used;
            left -= used;
        }
        off += len_of[r];
    }
    free(mine);
    free(len_of);
    free(all);
    return rc;
}

/* What the processes agree on after a batch: the first failing replication
 * (its message to all), whether any was interrupted. */
static int agree_batch(const runner_opts *o, uint64_t *fail_rep, ts_err *fail_err)
{
    const par_group *p = o->par;
    if (par_size(p) == 1)
        return 0;
    uint64_t first = *fail_rep, stop = o->cancel && *o->cancel;
    par_min_u64(p, &first, 1);
    par_max_u64(p, &stop, 1);
    if (first != UINT64_MAX) {
        uint64_t root = *fail_rep == first ? (uint64_t)par_rank(p) : UINT64_MAX;
        par_min_u64(p, &root, 1);
        par_bcast(p, fail_err, sizeof *fail_err, (int)root);
        *fail_rep = first;
    }
    return (int)stop;
}

int runner_thread_count(int requested)
{
#ifdef _OPENMP
    int n = requested > 0 ? requested : omp_get_max_threads();
#else
    (void)requested;
    int n = 1;
#endif
    return n < 1 ? 1 : n;
}

int runner_threads(const runner_opts *o)
{
    return runner_thread_count(o->threads);
}

int runner_run(const scenario *s, const runner_opts *o, runner_result **out, ts_err *err)
{
    *out = NULL;
    size_t n_out = engine_out_len(s), Y = scenario_years(s);
    int nthreads = runner_threads(o);
    uint64_t target = o->precision > 0 ? o->max_replications : o->replications;
    uint64_t batch = o->precision > 0 ? (uint64_t)RUNNER_CHUNK * RUNNER_BATCH_CHUNKS : target;
    if (target == 0)
        return ts_errf(err, "no replications to run");
    size_t first_fit;
    if (scenario_unfitted(s, &first_fit) > 0)
        return ts_errf(err, "%s:%d: %s is written 'fit' and has not been fitted",
                       s->params[first_fit].file, s->params[first_fit].line,
                       s->params[first_fit].name);

    thread_ws *ws = calloc((size_t)nthreads, sizeof *ws);
    runner_result *res = calloc(1, sizeof *res);
    unsigned char *derived = malloc(n_out + 1);
    size_t *drawn = malloc((n_out + 1) * sizeof *drawn), n_drawn = 0;
    if (!ws || !res || !derived || !drawn) {
        free(ws);
        free(res);
        free(derived);
        free(drawn);
        return ts_errf(err, "out of memory");
    }
    /* A measure that is always 0, or always `new`, costs nothing per
     * replication: its histogram is made once at the end. */
    for (size_t i = 0; i < n_out; i++) {
        derived[i] = (unsigned char)engine_measure_kind(s, (i / M_COUNT) % s->n_tiers,
                                                        (ts_measure)(i % M_COUNT));
        if (derived[i] == ENGINE_DRAWN)
            drawn[n_drawn++] = i;
    }
    int rc = 0;
    for (int i = 0; i < nthreads && rc == 0; i++) {
        if (thread_ws_init(&ws[i], s, o) < 0)
            rc = ts_errf(err, "out of memory");
        ws[i].drawn = drawn;
        ws[i].n_drawn = n_drawn;
    }

    /* Across processes each records its own replications' rows: the others'
     * stay 0 for the bitwise OR that copies them to all. */
    if (par_size(o->par) > 1 && o->record_reps) {
        memset(o->record_theta, 0, (size_t)o->record_reps * s->n_params * sizeof *o->record_theta);
        memset(o->record_value, 0, (size_t)o->record_reps * s->n_targets * sizeof *o->record_value);
    }
    /* The first failing replication (lowest index) names the error, so the
     * message does not depend on thread scheduling. */
    uint64_t fail_rep = UINT64_MAX;
    ts_err fail_err = {{0}};
    uint64_t done = 0;
    while (rc == 0 && done < target) {
        uint64_t end = done + batch < target ? done + batch : target;
        uint64_t n_chunks = (end - done + RUNNER_CHUNK - 1) / RUNNER_CHUNK;
        uint64_t begin = done;
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
        for (uint64_t c = 0; c < n_chunks; c++) {
            int tid = 0;
#ifdef _OPENMP
            tid = omp_get_thread_num();
#endif
            thread_ws *t = &ws[tid];
            if (t->failed || (o->cancel && *o->cancel))
                continue;
            uint64_t lo = begin + c * RUNNER_CHUNK;
            uint64_t hi = lo + RUNNER_CHUNK < end ? lo + RUNNER_CHUNK : end;
            if (!par_owns(o->par, lo / RUNNER_CHUNK))
                continue;
            for (uint64_t rep = lo; rep < hi; rep++) {
                ts_err e;
                if (replicate(t, s, o, rep, &e) < 0) {
                    t->failed = 1;
#pragma omp critical(runner_fail)
                    if (rep < fail_rep) {
                        fail_rep = rep;
                        fail_err = e;
                    }
                    break;
                }
            }
            if (o->progress) {
#pragma omp critical(runner_progress)
                {
                    /* every process does as much: its share, scaled */
                    done += (hi - lo) * (uint64_t)par_size(o->par);
                    o->progress(o->progress_ctx, done < end ? done : end, target);
                }
            }
        }
        done = end;
        int stopped = agree_batch(o, &fail_rep, &fail_err);
        if (fail_rep != UINT64_MAX) {
            *err = fail_err;
            rc = -1;
        } else if ((o->cancel && *o->cancel) || stopped) {
            rc = ts_errf(err, "interrupted");
        } else if (o->precision > 0 && precision_met(s, o->par, ws, nthreads, done, o->precision)) {
            res->precision_reached = 1;
            break;
        }
    }

    if (rc == 0) {
        res->n_years = Y;
        res->n_tiers = s->n_tiers;
        res->n_targets = s->n_targets;
        res->threads = nthreads;
        res->hists = alloc_hists(n_out);
        res->start = alloc_hists(s->n_tiers);
        res->met_by_year = calloc(s->n_targets * Y + 1, sizeof *res->met_by_year);
        res->sums = alloc_sums(s);
        res->target_end = calloc(s->n_targets + 1, sizeof *res->target_end);
        res->n_groups = s->n_members ? s->n_members + 1 : 0;
        res->met_group = calloc(res->n_groups + 1, sizeof *res->met_group);
        if (!res->hists || !res->start || !res->met_by_year || !res->sums || !res->target_end ||
            !res->met_group)
            rc = ts_errf(err, "out of memory");
        for (int i = 0; i < nthreads && rc == 0; i++) {
            for (size_t h = 0; h < n_out; h++)
                hist_settle(ws[i].hists[h]);
            for (size_t h = 0; h < n_out && rc == 0; h++)
                if (hist_merge(res->hists[h], ws[i].hists[h]) < 0)
                    rc = ts_errf(err, "out of memory");
            for (size_t k = 0; k < s->n_tiers && rc == 0; k++)
                if (hist_merge(res->start[k], ws[i].start[k]) < 0)
                    rc = ts_errf(err, "out of memory");
            for (size_t j = 0; j < s->n_targets * Y; j++)
                res->met_by_year[j] += ws[i].met_by_year[j];
            for (size_t j = 0; j < s->n_targets && rc == 0; j++)
                if (res->sums[j] && hist_merge(res->sums[j], ws[i].sums[j]) < 0)
                    rc = ts_errf(err, "out of memory");
            res->met_all += ws[i].met_all;
            for (size_t g = 0; g < res->n_groups; g++)
                res->met_group[g] += ws[i].met_group[g];
            res->capped += ws[i].capped;
            res->replications += ws[i].reps;
        }
        /* Across processes: each ran its chunks; all end with every one. */
        if (rc == 0 && par_size(o->par) > 1) {
            uint64_t counts[3] = {res->met_all, res->capped, res->replications};
            par_sum_u64(o->par, counts, 3);
            res->met_all = counts[0];
            res->capped = counts[1];
            res->replications = counts[2];
            par_sum_u64(o->par, res->met_by_year, s->n_targets * Y);
            par_sum_u64(o->par, res->met_group, res->n_groups);
            if (share_hists(o->par, res->hists, n_out) < 0 ||
                share_hists(o->par, res->start, s->n_tiers) < 0 ||
                share_hists(o->par, res->sums, s->n_targets) < 0)
                rc = ts_errf(err, "out of memory");
            if (o->record_reps) {
                par_or_u64(o->par, o->record_theta, (size_t)o->record_reps * s->n_params);
                par_or_u64(o->par, o->record_value, (size_t)o->record_reps * s->n_targets);
            }
        }
        for (size_t h = 0; h < n_out && rc == 0; h++) {
            int ok = derived[h] == ENGINE_ZERO    ? hist_add(res->hists[h], 0, res->replications)
                     : derived[h] == ENGINE_AS_NEW ? hist_merge(res->hists[h],
                                                                res->hists[h - h % M_COUNT + M_NEW])
                                                   : 0;
            if (ok < 0)
                rc = ts_errf(err, "out of memory");
        }
        if (rc == 0 && add_fixed_starts(s, res) < 0)
            rc = ts_errf(err, "out of memory");
        for (size_t j = 0; j < s->n_targets && rc == 0; j++)
            res->target_end[j] = res->sums[j] ? res->sums[j]
                                              : runner_hist(res, Y - 1, s->targets[j].tier,
                                                            engine_target_measure(&s->targets[j]));
    }
    free(derived);
    free(drawn);
    for (int i = 0; i < nthreads; i++)
        thread_ws_free(&ws[i], n_out);
    free(ws);
    if (rc < 0) {
        runner_result_free(res);
        return -1;
    }
    *out = res;
    return 0;
}

int runner_result_view(const runner_result *r, size_t tier0, size_t n_tiers, size_t target0,
                       size_t n_targets, size_t group, runner_result **out, ts_err *err)
{
    *out = NULL;
    runner_result *v = calloc(1, sizeof *v);
    if (!v)
        return ts_errf(err, "out of memory");
    *v = *r;
    v->view = 1;
    v->n_tiers = n_tiers;
    v->n_targets = n_targets;
    v->n_groups = 0;
    v->met_group = NULL;
    v->met_all = group < r->n_groups ? r->met_group[group] : r->met_all;
    size_t Y = r->n_years;
    v->hists = malloc((Y * n_tiers * M_COUNT + 1) * sizeof *v->hists);
    v->start = malloc((n_tiers + 1) * sizeof *v->start);
    v->met_by_year = malloc((n_targets * Y + 1) * sizeof *v->met_by_year);
    v->sums = malloc((n_targets + 1) * sizeof *v->sums);
    v->target_end = malloc((n_targets + 1) * sizeof *v->target_end);
    if (!v->hists || !v->start || !v->met_by_year || !v->sums || !v->target_end) {
        runner_result_free(v);
        return ts_errf(err, "out of memory");
    }
    for (size_t y = 0; y < Y; y++)
        for (size_t k = 0; k < n_tiers; k++)
            for (size_t m = 0; m < M_COUNT; m++)
                v->hists[(y * n_tiers + k) * M_COUNT + m] =
                    r->hists[(y * r->n_tiers + tier0 + k) * M_COUNT + m];
    for (size_t k = 0; k < n_tiers; k++)
        v->start[k] = r->start[tier0 + k];
    memcpy(v->met_by_year, r->met_by_year + target0 * Y, n_targets * Y * sizeof *v->met_by_year);
    for (size_t j = 0; j < n_targets; j++) {
        v->sums[j] = r->sums[target0 + j];
        v->target_end[j] = r->target_end[target0 + j];
    }
    *out = v;
    return 0;
}

void runner_result_free(runner_result *r)
{
    if (!r)
        return;
    if (r->view) {
        free(r->hists);
        free(r->start);
        free(r->sums);
        free((void *)r->target_end);
        free(r->met_by_year);
        free(r);
        return;
    }
    free(r->met_group);
    free_hists(r->hists, r->n_years * r->n_tiers * M_COUNT);
    free_hists(r->start, r->n_tiers);
    free_hists(r->sums, r->n_targets);
    free(r->target_end);
    free(r->met_by_year);
    free(r);
}

const hist *runner_hist(const runner_result *r, size_t year, size_t tier, ts_measure m)
{
    return r->hists[(year * r->n_tiers + tier) * M_COUNT + m];
}

const hist *runner_start_hist(const runner_result *r, size_t tier)
{
    return r->start[tier];
}

const hist *runner_target_hist(const runner_result *r, size_t target)
{
    return r->target_end[target];
}

uint64_t runner_met(const runner_result *r, size_t target)
{
    return r->met_by_year[target * r->n_years + r->n_years - 1];
}
