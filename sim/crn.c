/* crn.c -- design points and arms on common random numbers (see crn.h). */
#include "crn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "engine.h"
#include "rng.h"

/* Per-thread workspace, allocated before the first task. */
typedef struct {
    engine_ws **eng;        /* one per arm */
    size_t n_eng;
    /* crn_eval_ref's engines (arm 0), made on first use: [d] for the
     * points at depth d of their group's tree */
    engine_ws **pool;
    size_t n_pool;
    gsl_rng *rp, *rc;
    double *theta;
    int64_t *out;
    char pad[128];          /* keep threads' workspaces on separate cache lines */
} crn_ws;

static void ws_free(crn_ws *w)
{
    for (size_t a = 0; a < w->n_eng; a++)
        engine_free(w->eng ? w->eng[a] : NULL);
    free(w->eng);
    for (size_t i = 0; i < w->n_pool; i++)
        engine_free(w->pool[i]);
    free(w->pool);
    gsl_rng_free(w->rp);
    gsl_rng_free(w->rc);
    free(w->theta);
    free(w->out);
    memset(w, 0, sizeof *w);
}

static int ws_init(crn_ws *w, const scenario *const *arms, size_t n_arms, const runner_opts *o)
{
    memset(w, 0, sizeof *w);
    size_t np = 1, nout = 1;
    for (size_t a = 0; a < n_arms; a++) {
        if (arms[a]->n_params > np)
            np = arms[a]->n_params;
        if (engine_out_len(arms[a]) > nout)
            nout = engine_out_len(arms[a]);
    }
    const gsl_rng_type *type = o->samplers == ENGINE_GSL ? gsl_rng_mt19937 : rng_xoshiro256pp;
    w->eng = calloc(n_arms, sizeof *w->eng);
    w->n_eng = w->eng ? n_arms : 0;
    w->rp = gsl_rng_alloc(type);
    w->rc = gsl_rng_alloc(type);
    w->theta = calloc(np, sizeof *w->theta);
    w->out = calloc(nout, sizeof *w->out);
    if (!w->eng || !w->rp || !w->rc || !w->theta || !w->out) {
        ws_free(w);
        return -1;
    }
    for (size_t a = 0; a < n_arms; a++)
        if (!(w->eng[a] = engine_alloc(arms[a], o->samplers))) {
            ws_free(w);
            return -1;
        }
    return 0;
}

static int thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* Replication i of scenario s (streams by rng_stream): every parameter is
 * drawn before the fixed ones overwrite theirs, so that a fixed value leaves
 * the others' draws as they were.  `drawn`, when not NULL, is what
 * engine_draw gives replication i (crn_draws below), copied instead. */
static int replicate_on(crn_ws *w, engine_ws *eng, const engine_ws *ref, const scenario *s,
                        const runner_opts *o, uint64_t i, const double *drawn, const double *fixed,
                        ts_err *err)
{
    int capped;
    if (drawn) {
        memcpy(w->theta, drawn, s->n_params * sizeof *w->theta);
    } else {
        rng_seed_rep(w->rp, o->seed, i, RNG_PARAMS);
        engine_draw(s, w->rp, w->theta);
    }
    if (fixed)
        for (size_t p = 0; p < s->n_params; p++)
            if (!isnan(fixed[p]))
                w->theta[p] = fixed[p];
    rng_seed_rep(w->rc, o->seed, i, RNG_CHANCE);
    if (ref)
        return engine_replay(eng, s, w->theta, w->rc, ref, w->out, &capped, err);
    return engine_run(eng, s, w->theta, w->rc, w->out, &capped, err);
}

/* The same on a workspace's engine of arm `arm`, drawing everything. */
static int replicate(crn_ws *w, size_t arm, const scenario *s, const runner_opts *o, uint64_t i,
                     const double *drawn, const double *fixed, ts_err *err)
{
    return replicate_on(w, w->eng[arm], NULL, s, o, i, drawn, fixed, err);
}

/* Target j's count in end_year: its tier's, or the sum over its tiers. */
static int64_t target_value(const scenario *s, const int64_t *out, size_t j)
{
    return engine_target_value(s, &s->targets[j], out, scenario_years(s) - 1);
}

/* The shared frame of every function here: tasks spread over threads, each
 * with its workspace; the first failing task (lowest index) names the error. */
typedef struct {
    const scenario *const *arms;
    size_t n_arms;
    const runner_opts *o;
    uint64_t n_tasks;
    int (*task)(void *ctx, crn_ws *w, uint64_t t, ts_err *err);
    void *ctx;
    uint64_t progress_per_task;
    uint64_t (*task_progress)(void *ctx, uint64_t t);   /* instead, when not NULL */
    uint64_t progress_total;
    /* The tasks' results, zero where a task did not write (calloc): across
     * processes (o->par) each task runs on one, and the bitwise OR of these
     * buffers gives every process every task's words exactly. */
    void *share[4];
    size_t share_words[4];
} frame;

/* Across processes: which one failed first (the lowest failing task, its
 * message to all), whether any was interrupted, and every task's results. */
static int frame_agree(const frame *f, uint64_t fail_task, ts_err *fail_err, int rc, ts_err *err)
{
    const par_group *p = f->o->par;
    if (par_size(p) == 1)
        return rc;
    uint64_t first = fail_task, stop = f->o->cancel && *f->o->cancel, oom = rc < 0 && fail_task == UINT64_MAX && !stop;
    par_min_u64(p, &first, 1);
    par_max_u64(p, &stop, 1);
    par_max_u64(p, &oom, 1);
    if (first != UINT64_MAX) {
        uint64_t root = fail_task == first ? (uint64_t)par_rank(p) : UINT64_MAX;
        par_min_u64(p, &root, 1);
        par_bcast(p, fail_err, sizeof *fail_err, (int)root);
        *err = *fail_err;
        return -1;
    }
    if (stop)
        return ts_errf(err, "interrupted");
    if (oom)
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < 4; i++)
        if (f->share[i])
            par_or_u64(p, f->share[i], f->share_words[i]);
    return 0;
}

static int run_frame(const frame *f, ts_err *err)
{
    int nth = runner_threads(f->o);
    crn_ws *ws = calloc((size_t)nth, sizeof *ws);
    if (!ws)
        return ts_errf(err, "out of memory");
    int rc = 0;
    for (int i = 0; i < nth && rc == 0; i++)
        if (ws_init(&ws[i], f->arms, f->n_arms, f->o) < 0)
            rc = ts_errf(err, "out of memory");
    uint64_t fail_task = UINT64_MAX, done = 0;
    ts_err fail_err = {{0}};
    if (rc == 0) {
#pragma omp parallel for num_threads(nth) schedule(dynamic, 1)
        for (uint64_t t = 0; t < f->n_tasks; t++) {
            if ((f->o->cancel && *f->o->cancel) || !par_owns(f->o->par, t))
                continue;
            ts_err e;
            if (f->task(f->ctx, &ws[thread_id()], t, &e) < 0) {
#pragma omp critical(crn_fail)
                if (t < fail_task) {
                    fail_task = t;
                    fail_err = e;
                }
            }
            if (f->o->progress) {
#pragma omp critical(crn_progress)
                {
                    /* every process does as much: its share, scaled */
                    uint64_t p = f->task_progress ? f->task_progress(f->ctx, t)
                                                  : f->progress_per_task;
                    done += p * (uint64_t)par_size(f->o->par);
                    f->o->progress(f->o->progress_ctx,
                                   done < f->progress_total ? done : f->progress_total,
                                   f->progress_total);
                }
            }
        }
        if (fail_task != UINT64_MAX) {
            *err = fail_err;
            rc = -1;
        } else if (f->o->cancel && *f->o->cancel) {
            rc = ts_errf(err, "interrupted");
        }
    }
    for (int i = 0; i < nth; i++)
        ws_free(&ws[i]);
    free(ws);
    return frame_agree(f, fail_task, &fail_err, rc, err);
}

/* ------------------------------------------------------------ crn_eval */

typedef struct {
    const scenario *s;
    const runner_opts *o;
    const crn_point *pts;
    uint64_t reps, chunks;
    /* [(point * chunks + chunk) * T + j]: Welford partials, merged in chunk order */
    double *n, *mean, *m2;
    uint64_t *met;
    const double *drawn;        /* crn_draws's rows, or NULL */
    /* Group g: points member[group[g] .. group[g + 1]) (a task is a
     * group's chunk of replications), a tree in depth-first preorder: at
     * position q, the position of the point it replays (SIZE_MAX for the
     * root) and its depth, which is the engine it runs on. */
    size_t *group, *member, *parent, *depth;
} eval_ctx;

/* On common random numbers every point draws the same parameters, and those
 * draws were a fifth of a replication (callgrind, the fitted qingdao-v1's
 * Sobol design): made once, in parallel, they are the same values, so the
 * same bytes.  None beyond CRN_DRAWS_BYTES, which keeps memory flat in
 * replications. */
double *crn_draws(const scenario *s, const runner_opts *o, uint64_t first, uint64_t reps)
{
    const size_t np = s->n_params;
    if (np == 0 || reps > CRN_DRAWS_BYTES / sizeof(double) / np)
        return NULL;
    double *cache = malloc((size_t)reps * np * sizeof *cache);
    if (!cache)
        return NULL;
    const gsl_rng_type *type = o->samplers == ENGINE_GSL ? gsl_rng_mt19937 : rng_xoshiro256pp;
    int failed = 0;
    int nth = runner_threads(o);
#pragma omp parallel num_threads(nth) reduction(| : failed)
    {
        gsl_rng *rp = gsl_rng_alloc(type);
        failed |= rp == NULL;
#pragma omp for schedule(static)
        for (uint64_t r = 0; r < reps; r++)
            if (rp) {
                rng_seed_rep(rp, o->seed, first + r, RNG_PARAMS);
                engine_draw(s, rp, cache + r * np);
            }
        gsl_rng_free(rp);
    }
    if (failed) {
        free(cache);
        return NULL;
    }
    return cache;
}

/* Three points or more on the same replications: below, filling the cache
 * saves less than it costs. */
static int share_draws(const crn_point *pts, size_t n)
{
    if (n < 3)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (pts[i].first_rep != pts[0].first_rep)
            return 0;
    return 1;
}

/* Point i's replication's targets into its partials of the chunk. */
static void accumulate(const eval_ctx *c, const int64_t *out, size_t i, uint64_t chunk)
{
    const scenario *s = c->s;
    size_t T = s->n_targets, cell = (size_t)(i * c->chunks + chunk) * T;
    double *n = c->n + cell, *mean = c->mean + cell, *m2 = c->m2 + cell;
    uint64_t *met = c->met + cell;
    for (size_t j = 0; j < T; j++) {
        int64_t v = target_value(s, out, j);
        met[j] += (uint64_t)(v >= s->targets[j].threshold);
        n[j] += 1.0;
        double d = (double)v - mean[j];
        mean[j] += d / n[j];
        m2[j] += d * ((double)v - mean[j]);
    }
}

/* Engine e of w's pool, made when first needed. */
static engine_ws *pool_engine(crn_ws *w, const scenario *s, engine_samplers samplers, size_t e)
{
    if (e >= w->n_pool) {
        engine_ws **p = realloc(w->pool, (e + 1) * sizeof *p);
        if (!p)
            return NULL;
        for (size_t i = w->n_pool; i <= e; i++)
            p[i] = NULL;
        w->pool = p;
        w->n_pool = e + 1;
    }
    if (!w->pool[e])
        w->pool[e] = engine_alloc(s, samplers);
    return w->pool[e];
}

/* In preorder, the last point of depth d before one of depth d + 1 is the
 * one it replays: one engine a depth holds every record still needed, and
 * the engines above the deepest level keep records. */
static int eval_task(void *vctx, crn_ws *w, uint64_t t, ts_err *err)
{
    eval_ctx *c = vctx;
    const scenario *s = c->s;
    const size_t first = c->group[t / c->chunks], size = c->group[t / c->chunks + 1] - first;
    const size_t *mem = c->member + first, *parent = c->parent + first, *depth = c->depth + first;
    uint64_t chunk = t % c->chunks;
    uint64_t lo = chunk * RUNNER_CHUNK;
    uint64_t hi = lo + RUNNER_CHUNK < c->reps ? lo + RUNNER_CHUNK : c->reps;
    size_t deepest = 0;
    for (size_t q = 0; q < size; q++)
        deepest = depth[q] > deepest ? depth[q] : deepest;
    for (size_t d = 0; d <= deepest && size > 1; d++) {
        engine_ws *e = pool_engine(w, s, c->o->samplers, d);
        if (!e)
            return ts_errf(err, "out of memory");
        engine_keep_record(e, d < deepest);
    }
    for (uint64_t r = lo; r < hi; r++) {
        const double *drawn = c->drawn ? c->drawn + r * s->n_params : NULL;
        for (size_t q = 0; q < size; q++) {
            const crn_point *pt = &c->pts[mem[q]];
            engine_ws *e = size == 1 ? w->eng[0] : w->pool[depth[q]];
            const engine_ws *ref = parent[q] == SIZE_MAX ? NULL : w->pool[depth[q] - 1];
            if (replicate_on(w, e, ref, s, c->o, pt->first_rep + r, drawn, pt->fixed, err) < 0)
                return -1;
            accumulate(c, w->out, mem[q], chunk);
        }
    }
    return 0;
}

static uint64_t eval_progress(void *vctx, uint64_t t)
{
    const eval_ctx *c = vctx;
    uint64_t chunk = t % c->chunks, lo = chunk * RUNNER_CHUNK;
    uint64_t hi = lo + RUNNER_CHUNK < c->reps ? lo + RUNNER_CHUNK : c->reps;
    return (hi - lo) * (c->group[t / c->chunks + 1] - c->group[t / c->chunks]);
}

/* Deepest a chain of replays goes: past it a point starts a tree of its
 * own, so that a thread holds at most this many engines more. */
#define CRN_REPLAY_DEPTH 32

/* Points in groups by the replays asked for: point i replays ref[i] when
 * that is another point of the same first_rep (ref NULL, ref[i] == i or
 * >= n: none); a cycle is cut where the walk up meets itself, a chain at
 * CRN_REPLAY_DEPTH.  Each group is a tree in depth-first preorder (children
 * in index order), groups in the order of their roots: group[n + 1] and
 * eval_ctx's member, parent and depth, n each.  The number of groups, or
 * SIZE_MAX when memory is short. */
static size_t make_groups(const crn_point *pts, const size_t *ref, size_t n, size_t *group,
                          size_t *member, size_t *parent, size_t *depth_at)
{
    size_t *up = malloc((n + 1) * sizeof *up), *depth = malloc((n + 1) * sizeof *depth);
    size_t *stack = malloc((n + 1) * sizeof *stack), *pos = malloc((n + 1) * sizeof *pos);
    size_t *kid_start = calloc(n + 2, sizeof *kid_start), *kids = malloc((n + 1) * sizeof *kids);
    unsigned char *state = calloc(n + 1, 1);
    size_t g = SIZE_MAX;
    if (!up || !depth || !stack || !pos || !kid_start || !kids || !state)
        goto done;
    for (size_t i = 0; i < n; i++)
        up[i] = ref && ref[i] < n && ref[i] != i && pts[ref[i]].first_rep == pts[i].first_rep
                    ? ref[i]
                    : SIZE_MAX;
    /* Depths: walk up to a point already placed or a root, then down again
     * (state 1: on the walk, 2: placed). */
    for (size_t i = 0; i < n; i++) {
        size_t h = 0, x = i;
        while (state[x] == 0) {
            state[x] = 1;
            stack[h++] = x;
            if (up[x] == SIZE_MAX)
                break;
            if (state[up[x]] == 1) {    /* a cycle: x leads it */
                up[x] = SIZE_MAX;
                break;
            }
            x = up[x];
        }
        while (h > 0) {
            x = stack[--h];
            if (up[x] != SIZE_MAX && depth[up[x]] + 1 > CRN_REPLAY_DEPTH)
                up[x] = SIZE_MAX;
            depth[x] = up[x] == SIZE_MAX ? 0 : depth[up[x]] + 1;
            state[x] = 2;
        }
    }
    /* Each point's children, in index order. */
    for (size_t i = 0; i < n; i++)
        if (up[i] != SIZE_MAX)
            kid_start[up[i] + 1]++;
    for (size_t i = 0; i < n; i++)
        kid_start[i + 1] += kid_start[i];
    for (size_t i = 0; i < n; i++)
        pos[i] = kid_start[i];  /* the next free place among i's children */
    for (size_t i = 0; i < n; i++)
        if (up[i] != SIZE_MAX)
            kids[pos[up[i]]++] = i;
    g = 0;
    size_t at = 0;
    for (size_t root = 0; root < n; root++) {
        if (up[root] != SIZE_MAX)
            continue;
        group[g++] = at;
        size_t h = 0;
        stack[h++] = root;
        while (h > 0) {
            size_t x = stack[--h];
            pos[x] = at;
            member[at] = x;
            parent[at] = up[x] == SIZE_MAX ? SIZE_MAX : pos[up[x]] - group[g - 1];
            depth_at[at++] = depth[x];
            for (size_t k = kid_start[x + 1]; k-- > kid_start[x];)
                stack[h++] = kids[k];
        }
    }
    group[g] = n;
done:
    free(up), free(depth), free(stack), free(pos), free(kid_start), free(kids), free(state);
    return g;
}

void crn_results_free(crn_result *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].met);
        free(r[i].mean);
        free(r[i].var);
        memset(&r[i], 0, sizeof r[i]);
    }
}

/* crn_eval with the points' parameter draws copied from `drawn` (crn_draws
 * of their common first_rep and these reps), or drawn when NULL. */
static int eval_drawn(const scenario *s, const runner_opts *o, const crn_point *pts,
                      const size_t *ref, size_t n, uint64_t reps, const double *drawn,
                      crn_result *out, ts_err *err)
{
    size_t T = s->n_targets;
    memset(out, 0, n * sizeof *out);
    if (reps == 0)
        return ts_errf(err, "no replications to run");
    eval_ctx c = {s, o, pts, reps, (reps + RUNNER_CHUNK - 1) / RUNNER_CHUNK, NULL, NULL, NULL, NULL,
                  NULL, NULL, NULL, NULL, NULL};
    size_t cells = (size_t)n * (size_t)c.chunks * T + 1;
    c.n = calloc(cells, sizeof *c.n);
    c.mean = calloc(cells, sizeof *c.mean);
    c.m2 = calloc(cells, sizeof *c.m2);
    c.met = calloc(cells, sizeof *c.met);
    c.group = calloc(n + 2, sizeof *c.group);
    c.member = calloc(n + 1, sizeof *c.member);
    c.parent = calloc(n + 1, sizeof *c.parent);
    c.depth = calloc(n + 1, sizeof *c.depth);
    int rc = 0;
    size_t n_groups = 0;
    if (!c.n || !c.mean || !c.m2 || !c.met || !c.group || !c.member || !c.parent || !c.depth ||
        (n_groups = make_groups(pts, ref, n, c.group, c.member, c.parent, c.depth)) ==
            SIZE_MAX)
        rc = ts_errf(err, "out of memory");
    uint64_t tasks = (uint64_t)n_groups * c.chunks;
    for (size_t i = 0; i < n && rc == 0; i++) {
        out[i].met = calloc(T + 1, sizeof *out[i].met);
        out[i].mean = calloc(T + 1, sizeof *out[i].mean);
        out[i].var = calloc(T + 1, sizeof *out[i].var);
        if (!out[i].met || !out[i].mean || !out[i].var)
            rc = ts_errf(err, "out of memory");
    }
    c.drawn = drawn;
    if (rc == 0) {
        const scenario *arms[1] = {s};
        frame f = {arms, 1, o, tasks, eval_task, &c, RUNNER_CHUNK, eval_progress, (uint64_t)n * reps,
                   {c.n, c.mean, c.m2, c.met}, {cells, cells, cells, cells}};
        rc = run_frame(&f, err);
    }
    /* Chan et al.'s pairwise merge, in task order: deterministic. */
    for (size_t i = 0; i < n && rc == 0; i++) {
        out[i].reps = reps;
        for (size_t j = 0; j < T; j++) {
            double nn = 0.0, mm = 0.0, m2 = 0.0;
            uint64_t met = 0;
            for (uint64_t ch = 0; ch < c.chunks; ch++) {
                size_t k = (size_t)(i * c.chunks + ch) * T + j;
                double nb = c.n[k];
                if (nb == 0)
                    continue;
                double d = c.mean[k] - mm, tot = nn + nb;
                mm += d * nb / tot;
                m2 += c.m2[k] + d * d * nn * nb / tot;
                nn = tot;
                met += c.met[k];
            }
            out[i].met[j] = met;
            out[i].mean[j] = mm;
            out[i].var[j] = nn > 1 ? m2 / (nn - 1) : 0.0;
        }
    }
    free(c.n);
    free(c.mean);
    free(c.m2);
    free(c.met);
    free(c.group);
    free(c.member);
    free(c.parent);
    free(c.depth);
    if (rc < 0)
        crn_results_free(out, n);
    return rc;
}

int crn_eval_ref(const scenario *s, const runner_opts *o, const crn_point *pts, const size_t *ref,
                 size_t n, uint64_t reps, crn_result *out, ts_err *err)
{
    double *drawn = share_draws(pts, n) ? crn_draws(s, o, pts[0].first_rep, reps) : NULL;
    int rc = eval_drawn(s, o, pts, ref, n, reps, drawn, out, err);
    free(drawn);
    return rc;
}

int crn_eval(const scenario *s, const runner_opts *o, const crn_point *pts, size_t n,
             uint64_t reps, crn_result *out, ts_err *err)
{
    return crn_eval_ref(s, o, pts, NULL, n, reps, out, err);
}

int crn_eval_kept(const scenario *s, const runner_opts *o, const double *fixed, uint64_t reps,
                  crn_kept *k, crn_result *out, ts_err *err)
{
    if (k->reps != reps) {
        free(k->rows);
        k->rows = crn_draws(s, o, 0, reps);
        k->reps = reps;
    }
    crn_point pt = {fixed, 0};
    return eval_drawn(s, o, &pt, NULL, 1, reps, k->rows, out, err);
}

void crn_kept_free(crn_kept *k)
{
    free(k->rows);
    k->rows = NULL;
    k->reps = 0;
}

/* --------------------------------------------------------- crn_records */

typedef struct {
    const scenario *s;
    const runner_opts *o;
    uint64_t reps;
    double *theta;
    int64_t *value;
} records_ctx;

static int records_task(void *vctx, crn_ws *w, uint64_t t, ts_err *err)
{
    records_ctx *c = vctx;
    const scenario *s = c->s;
    uint64_t lo = t * RUNNER_CHUNK, hi = lo + RUNNER_CHUNK < c->reps ? lo + RUNNER_CHUNK : c->reps;
    for (uint64_t r = lo; r < hi; r++) {
        if (replicate(w, 0, s, c->o, r, NULL, NULL, err) < 0)
            return -1;
        memcpy(c->theta + r * s->n_params, w->theta, s->n_params * sizeof *w->theta);
        for (size_t j = 0; j < s->n_targets; j++)
            c->value[r * s->n_targets + j] = target_value(s, w->out, j);
    }
    return 0;
}

int crn_records(const scenario *s, const runner_opts *o, uint64_t reps, double *theta,
                int64_t *value, ts_err *err)
{
    if (reps == 0)
        return ts_errf(err, "no replications to run");
    records_ctx c = {s, o, reps, theta, value};
    const scenario *arms[1] = {s};
    frame f = {arms, 1, o, (reps + RUNNER_CHUNK - 1) / RUNNER_CHUNK, records_task, &c,
               RUNNER_CHUNK, NULL, reps, {theta, value}, {reps * s->n_params, reps * s->n_targets}};
    /* Each process writes its replications' rows: the others' stay 0. */
    if (par_size(o->par) > 1) {
        memset(theta, 0, reps * s->n_params * sizeof *theta);
        memset(value, 0, reps * s->n_targets * sizeof *value);
    }
    return run_frame(&f, err);
}

/* ---------------------------------------------------------- crn_compare */

typedef struct {
    const scenario *const *arms;
    size_t n_arms, n0;
    const size_t *map;
    const runner_opts *o;
    uint64_t reps;
    uint64_t *met, *gain, *loss, *all;   /* [task][arm][target] and [task][arm] */
    unsigned char *base_met;             /* [task][target]: the baseline's outcome of the current rep */
} compare_ctx;

static int compare_task(void *vctx, crn_ws *w, uint64_t t, ts_err *err)
{
    compare_ctx *c = vctx;
    size_t A = c->n_arms, n0 = c->n0;
    uint64_t lo = t * RUNNER_CHUNK, hi = lo + RUNNER_CHUNK < c->reps ? lo + RUNNER_CHUNK : c->reps;
    uint64_t *met = c->met + t * A * n0, *gain = c->gain + t * A * n0, *loss = c->loss + t * A * n0;
    uint64_t *all = c->all + t * A;
    unsigned char *base = c->base_met + t * n0;
    for (uint64_t r = lo; r < hi; r++)
        for (size_t a = 0; a < A; a++) {
            const scenario *s = c->arms[a];
            if (replicate(w, a, s, c->o, r, NULL, NULL, err) < 0)
                return -1;
            int every = 1;
            for (size_t j = 0; j < n0; j++) {
                size_t k = c->map[a * n0 + j];
                int m = k != (size_t)-1 && target_value(s, w->out, k) >= s->targets[k].threshold;
                every &= m;
                if (a == 0)
                    base[j] = (unsigned char)m;
                met[a * n0 + j] += (uint64_t)m;
                gain[a * n0 + j] += (uint64_t)(m && !base[j]);
                loss[a * n0 + j] += (uint64_t)(!m && base[j]);
            }
            all[a] += (uint64_t)every;
        }
    return 0;
}

void crn_compare_free(crn_compare_result *r)
{
    if (!r)
        return;
    free(r->met);
    free(r->gain);
    free(r->loss);
    free(r->met_all);
    memset(r, 0, sizeof *r);
}

int crn_compare(const scenario *const *arms, size_t n_arms, const size_t *target_map,
                const runner_opts *o, uint64_t reps, crn_compare_result *out, ts_err *err)
{
    memset(out, 0, sizeof *out);
    if (reps == 0)
        return ts_errf(err, "no replications to run");
    size_t n0 = arms[0]->n_targets, A = n_arms;
    uint64_t tasks = (reps + RUNNER_CHUNK - 1) / RUNNER_CHUNK;
    compare_ctx c = {arms, A, n0, target_map, o, reps, NULL, NULL, NULL, NULL, NULL};
    size_t cells = (size_t)tasks * A * n0 + 1;
    c.met = calloc(cells, sizeof *c.met);
    c.gain = calloc(cells, sizeof *c.gain);
    c.loss = calloc(cells, sizeof *c.loss);
    c.all = calloc((size_t)tasks * A + 1, sizeof *c.all);
    c.base_met = calloc((size_t)tasks * n0 + 1, 1);
    out->met = calloc(A * n0 + 1, sizeof *out->met);
    out->gain = calloc(A * n0 + 1, sizeof *out->gain);
    out->loss = calloc(A * n0 + 1, sizeof *out->loss);
    out->met_all = calloc(A + 1, sizeof *out->met_all);
    int rc = 0;
    if (!c.met || !c.gain || !c.loss || !c.all || !c.base_met || !out->met || !out->gain ||
        !out->loss || !out->met_all)
        rc = ts_errf(err, "out of memory");
    if (rc == 0) {
        frame f = {arms, A, o, tasks, compare_task, &c, RUNNER_CHUNK, NULL, reps,
                   {c.met, c.gain, c.loss, c.all}, {cells, cells, cells, (size_t)tasks * A + 1}};
        rc = run_frame(&f, err);
    }
    for (uint64_t t = 0; t < tasks && rc == 0; t++) {
        for (size_t k = 0; k < A * n0; k++) {
            out->met[k] += c.met[t * A * n0 + k];
            out->gain[k] += c.gain[t * A * n0 + k];
            out->loss[k] += c.loss[t * A * n0 + k];
        }
        for (size_t a = 0; a < A; a++)
            out->met_all[a] += c.all[t * A + a];
    }
    out->reps = reps;
    free(c.met);
    free(c.gain);
    free(c.loss);
    free(c.all);
    free(c.base_met);
    if (rc < 0)
        crn_compare_free(out);
    return rc;
}

void crn_paired_delta(uint64_t gain, uint64_t loss, uint64_t n, double *delta, double *se)
{
    if (n == 0) {
        *delta = *se = NAN;
        return;
    }
    double d = ((double)gain - (double)loss) / (double)n;
    double v = ((double)(gain + loss) / (double)n - d * d) / (double)n;
    *delta = d;
    *se = sqrt(v > 0 ? v : 0.0);
}
