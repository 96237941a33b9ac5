/* regionset.c -- a region set's members merged into one scenario, and the
 * views of its parts. */
#include "regionset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* "LABEL (member)": the member's part of the set's own outputs. */
static char *member_label(const char *label, const char *member)
{
    size_t n = strlen(label) + strlen(member) + 4;
    char *d = malloc(n);
    if (d)
        snprintf(d, n, "%s (%s)", label, member);
    return d;
}

static int prefixed(char *dst, const char *member, const char *name, const ts_member *m,
                    const char *what, ts_err *err)
{
    int n = snprintf(dst, TS_NAME_MAX, "%s.%s", member, name);
    if (n < 0 || n >= TS_NAME_MAX)
        return ts_errf(err, "%s:%d: member '%s': %s '%s': '%s.%s' is longer than %d characters",
                       m->file, m->line, member, what, name, member, name, TS_NAME_MAX - 1);
    return 0;
}

static int copy_sched(ts_sched *dst, const ts_sched *src, const size_t *map)
{
    dst->n = src->n;
    dst->steps = NULL;
    if (!src->n)
        return 0;
    if (!(dst->steps = malloc(src->n * sizeof *dst->steps)))
        return -1;
    for (size_t i = 0; i < src->n; i++) {
        dst->steps[i].year = src->steps[i].year;
        dst->steps[i].p = src->steps[i].p == TS_NO_PARAM ? TS_NO_PARAM : map[src->steps[i].p];
    }
    return 0;
}

static size_t remap(const size_t *map, size_t p)
{
    return p == TS_NO_PARAM ? TS_NO_PARAM : map[p];
}

/* The set's parameters: every member's in member order (MEMBER.NAME), the
 * shared ones where a member has them, then the shared values, then the
 * sums' constant 0.  One stream draws them in this order (engine_draw). */
static int merge_params(scenario *s, ts_member *members, size_t n, const regionset_shared *shared,
                        size_t n_shared, size_t *p_zero, ts_err *err)
{
    size_t total = n_shared + 1;
    for (size_t i = 0; i < n; i++)
        total += members[i].s->n_params;
    if (!(s->params = calloc(total, sizeof *s->params)))
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ts_member *m = &members[i];
        if (!(m->param = malloc((m->s->n_params + 1) * sizeof *m->param)))
            return ts_errf(err, "out of memory");
    }
    /* The shared ones' indices come after every member's own. */
    size_t shared0 = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t p = 0; p < members[i].s->n_params; p++) {
            int sh = 0;
            for (size_t j = 0; j < n_shared && !sh; j++)
                sh = !strcmp(shared[j].name, members[i].s->params[p].name);
            shared0 += !sh;
        }
    for (size_t i = 0; i < n; i++) {
        ts_member *m = &members[i];
        for (size_t p = 0; p < m->s->n_params; p++) {
            const ts_param *src = &m->s->params[p];
            size_t sh = n_shared;
            for (size_t j = 0; j < n_shared && sh == n_shared; j++)
                if (!strcmp(shared[j].name, src->name))
                    sh = j;
            if (sh < n_shared) {
                m->param[p] = shared0 + sh;
                /* The whole-number rounding is the parameter's kind: the
                 * same in every member that has it. */
                s->params[shared0 + sh].integer = src->integer;
                continue;
            }
            ts_param *dst = &s->params[s->n_params];
            *dst = *src;
            size_t len = strlen(m->name) + strlen(src->name) + 2;
            if (!(dst->name = malloc(len)))
                return ts_errf(err, "out of memory");
            snprintf(dst->name, len, "%s.%s", m->name, src->name);
            m->param[p] = s->n_params++;
        }
    }
    for (size_t j = 0; j < n_shared; j++) {
        ts_param *dst = &s->params[s->n_params];
        if (!(dst->name = dup_text(shared[j].name)))
            return ts_errf(err, "out of memory");
        dst->value = shared[j].value;
        dst->file = shared[j].file;
        dst->line = shared[j].line;
        dst->assumption = shared[j].assumption;
        s->n_params++;
    }
    ts_param *zero = &s->params[s->n_params];
    if (!(zero->name = dup_text("set.sums")))
        return ts_errf(err, "out of memory");
    zero->value = dist_fixed(0.0, DIST_RANGE_NONNEG);
    *p_zero = s->n_params++;
    return 0;
}

static int merge_tier(ts_tier *dst, const ts_tier *src, const ts_member *m, const size_t *map,
                      ts_err *err)
{
    if (prefixed(dst->name, m->name, src->name, m, "tier", err) < 0)
        return -1;
    dst->label = member_label(src->label, m->name);
    dst->p_stock = remap(map, src->p_stock);
    dst->p_inflow = remap(map, src->p_inflow);
    dst->p_growth = remap(map, src->p_growth);
    dst->p_dispersion = remap(map, src->p_dispersion);
    dst->p_exit = remap(map, src->p_exit);
    dst->validity = src->validity;
    dst->expire_to = src->expire_to < 0 ? -1 : src->expire_to + (long)m->tier0;
    dst->n_cohorts = src->n_cohorts;
    dst->cumulative_start = src->cumulative_start;
    dst->file = src->file;
    dst->line = src->line;
    if (src->n_cohorts && (dst->cohorts = malloc(src->n_cohorts * sizeof *dst->cohorts)))
        memcpy(dst->cohorts, src->cohorts, src->n_cohorts * sizeof *dst->cohorts);
    if (!dst->label || (src->n_cohorts && !dst->cohorts) ||
        copy_sched(&dst->inflow, &src->inflow, map) < 0 ||
        copy_sched(&dst->growth, &src->growth, map) < 0 ||
        copy_sched(&dst->dispersion, &src->dispersion, map) < 0 ||
        copy_sched(&dst->exit, &src->exit, map) < 0 ||
        copy_sched(&dst->inflow_quota, &src->inflow_quota, map) < 0 ||
        copy_sched(&dst->renewal, &src->renewal, map) < 0)
        return ts_errf(err, "out of memory");
    return 0;
}

static int one_step(ts_sched *sc, int year, size_t p)
{
    if (!(sc->steps = malloc(sizeof *sc->steps)))
        return -1;
    sc->steps[0].year = year;
    sc->steps[0].p = p;
    sc->n = 1;
    return 0;
}

/* Sum tier NAME over every member that has a tier of that name. */
static int make_sum(scenario *s, ts_tier *dst, const char *name, const ts_member *members,
                    size_t n, size_t p_zero, ts_err *err)
{
    snprintf(dst->name, sizeof dst->name, "%s", name);
    dst->expire_to = -1;
    if (!(dst->sum_of = malloc(n * sizeof *dst->sum_of)))
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        long k = scenario_find_tier(members[i].s, name);
        if (k < 0)
            continue;
        const ts_tier *t = &members[i].s->tiers[k];
        if (!dst->n_sum) {
            dst->label = dup_text(t->label);
            dst->file = t->file;
            dst->line = t->line;
        }
        dst->sum_of[dst->n_sum++] = members[i].tier0 + (size_t)k;
        dst->cumulative_start += t->cumulative_start;
    }
    dst->p_stock = dst->p_inflow = dst->p_growth = dst->p_dispersion = dst->p_exit = p_zero;
    if (!dst->label || one_step(&dst->inflow, s->start_year, p_zero) < 0 ||
        one_step(&dst->growth, s->start_year, p_zero) < 0 ||
        one_step(&dst->dispersion, s->start_year, p_zero) < 0 ||
        one_step(&dst->exit, s->start_year, p_zero) < 0 ||
        one_step(&dst->inflow_quota, s->start_year, TS_NO_PARAM) < 0)
        return ts_errf(err, "out of memory");
    return 0;
}

static int merge_member(scenario *s, ts_member *m, ts_err *err)
{
    const scenario *ms = m->s;
    const size_t *map = m->param;
    for (size_t k = 0; k < ms->n_tiers; k++)
        if (merge_tier(&s->tiers[s->n_tiers++], &ms->tiers[k], m, map, err) < 0)
            return -1;
    for (size_t t = 0; t < ms->n_transitions; t++) {
        const ts_transition *src = &ms->transitions[t];
        ts_transition *dst = &s->transitions[s->n_transitions++];
        *dst = *src;
        dst->from += m->tier0;
        dst->to += m->tier0;
        dst->p_rate = remap(map, src->p_rate);
        dst->p_quota = remap(map, src->p_quota);
        dst->rate.steps = dst->quota.steps = NULL;
        if (copy_sched(&dst->rate, &src->rate, map) < 0 ||
            copy_sched(&dst->quota, &src->quota, map) < 0)
            return ts_errf(err, "out of memory");
    }
    for (size_t e = 0; e < ms->n_events; e++) {
        const ts_event *src = &ms->events[e];
        ts_event *dst = &s->events[s->n_events++];
        *dst = *src;
        dst->label = member_label(src->label, m->name);
        dst->moves = malloc((src->n_moves + 1) * sizeof *dst->moves);
        if (!dst->label || !dst->moves)
            return ts_errf(err, "out of memory");
        if (prefixed(dst->name, m->name, src->name, m, "event", err) < 0)
            return -1;
        for (size_t i = 0; i < src->n_moves; i++) {
            dst->moves[i] = src->moves[i];
            dst->moves[i].from += m->tier0;
            dst->moves[i].to += m->tier0;
            dst->moves[i].p_frac = map[src->moves[i].p_frac];
        }
    }
    for (size_t p = 0; p < ms->n_policies; p++) {
        const ts_policy *src = &ms->policies[p];
        ts_policy *dst = &s->policies[s->n_policies++];
        *dst = *src;
        dst->active = 0;
        dst->label = member_label(src->label, m->name);
        dst->scales = malloc((src->n_scales + 1) * sizeof *dst->scales);
        if (!dst->label || !dst->scales)
            return ts_errf(err, "out of memory");
        if (prefixed(dst->name, m->name, src->name, m, "policy", err) < 0)
            return -1;
        dst->p_strength = remap(map, src->p_strength);
        for (size_t i = 0; i < src->n_scales; i++) {
            dst->scales[i] = src->scales[i];
            dst->scales[i].index += src->scales[i].kind == TS_SCALE_RATE ? m->transition0 : m->tier0;
            dst->scales[i].p_factor = remap(map, src->scales[i].p_factor);
        }
    }
    for (size_t j = 0; j < ms->n_targets; j++) {
        const ts_target *src = &ms->targets[j];
        ts_target *dst = &s->targets[s->n_targets++];
        *dst = *src;
        dst->label = member_label(src->label, m->name);
        dst->tiers = malloc(src->n_tiers * sizeof *dst->tiers);
        if (!dst->label || !dst->tiers)
            return ts_errf(err, "out of memory");
        if (prefixed(dst->name, m->name, src->name, m, "target", err) < 0)
            return -1;
        for (size_t i = 0; i < src->n_tiers; i++)
            dst->tiers[i] = src->tiers[i] + m->tier0;
        dst->tier = dst->tiers[0];
        dst->group = (size_t)(m - s->members);
    }
    return 0;
}

int regionset_merge(scenario *s, ts_member *members, size_t n, const regionset_shared *shared,
                    size_t n_shared, const char *const *sum_names, size_t n_sums,
                    size_t extra_targets, ts_err *err)
{
    /* s owns the members from here on, whatever happens. */
    s->members = members;
    s->n_members = n;
    const scenario *first = members[0].s;
    s->start_year = first->start_year;
    s->end_year = first->end_year;
    s->start_month = first->start_month;
    s->known_until = first->known_until;
    size_t K = n_sums, T = 0, E = 0, P = 0, J = extra_targets;
    for (size_t i = 0; i < n; i++) {
        ts_member *m = &members[i];
        m->tier0 = K - n_sums;
        m->transition0 = T;
        m->event0 = E;
        m->policy0 = P;
        m->target0 = J - extra_targets;
        K += m->s->n_tiers;
        T += m->s->n_transitions;
        E += m->s->n_events;
        P += m->s->n_policies;
        J += m->s->n_targets;
        if (m->s->known_until < s->known_until)
            s->known_until = m->s->known_until;
    }
    if (K > TS_MAX_TIERS)
        return ts_errf(err, "%s: the members and the sums have %zu tiers together (at most %d)",
                       s->path, K, TS_MAX_TIERS);
    s->tiers = calloc(K, sizeof *s->tiers);
    s->transitions = calloc(T + 1, sizeof *s->transitions);
    s->events = calloc(E + 1, sizeof *s->events);
    s->policies = calloc(P + 1, sizeof *s->policies);
    s->targets = calloc(J + 1, sizeof *s->targets);
    if (!s->tiers || !s->transitions || !s->events || !s->policies || !s->targets)
        return ts_errf(err, "out of memory");
    size_t p_zero = 0;
    if (merge_params(s, members, n, shared, n_shared, &p_zero, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (merge_member(s, &members[i], err) < 0)
            return -1;
    s->sum_tier0 = s->n_tiers;
    for (size_t a = 0; a < n_sums; a++)
        if (make_sum(s, &s->tiers[s->n_tiers++], sum_names[a], members, n, p_zero, err) < 0)
            return -1;
    s->set_target0 = s->n_targets;
    return 0;
}

int regionset_activate_policy(scenario *s, const char *name, ts_err *err)
{
    int found = 0;
    /* MEMBER.NAME turns on that member's policy alone; NAME every member's. */
    for (size_t p = 0; p < s->n_policies; p++) {
        const char *dot = strchr(s->policies[p].name, '.');
        if (!strcmp(s->policies[p].name, name) || (dot && !strcmp(dot + 1, name))) {
            s->policies[p].active = 1;
            found = 1;
        }
    }
    if (found)
        return 0;
    char list[400];
    size_t used = scenario_policy_list(s, list, sizeof list);
    return ts_errf(err, "%s: no member has a policy '%s' (the members' policies: %s)", s->path,
                   name, used ? list : "none");
}

/* ------------------------------------------------------------- views */

int regionset_view_init(regionset_view *v, const scenario *set, size_t m, ts_err *err)
{
    memset(v, 0, sizeof *v);
    v->group = m;
    v->aggregate = m >= set->n_members;
    if (m < set->n_members) {
        /* The member as it loads, but with the values it drew in the set
         * (a shared parameter's, not its own). */
        const ts_member *mb = &set->members[m];
        v->s = *mb->s;
        v->tier0 = mb->tier0;
        v->target0 = mb->target0;
        v->s.params = malloc((mb->s->n_params + 1) * sizeof *v->s.params);
        if (!v->s.params)
            return ts_errf(err, "out of memory");
        for (size_t i = 0; i < mb->s->n_params; i++) {
            v->s.params[i] = mb->s->params[i];
            v->s.params[i].value = set->params[mb->param[i]].value;
        }
        /* A member's policies are on where the set's are. */
        v->s.policies = malloc((mb->s->n_policies + 1) * sizeof *v->s.policies);
        if (!v->s.policies) {
            free(v->s.params);
            return ts_errf(err, "out of memory");
        }
        for (size_t p = 0; p < mb->s->n_policies; p++) {
            v->s.policies[p] = mb->s->policies[p];
            v->s.policies[p].active = set->policies[mb->policy0 + p].active;
        }
        return 0;
    }
    /* The sums, named as the tiers they add up, with the set's targets. */
    v->s = *set;
    v->s.members = NULL;
    v->s.n_members = 0;
    v->tier0 = set->sum_tier0;
    v->target0 = set->set_target0;
    v->s.n_tiers = set->n_tiers - set->sum_tier0;
    v->s.n_targets = set->n_targets - set->set_target0;
    v->s.transitions = NULL;
    v->s.n_transitions = 0;
    v->s.events = NULL;
    v->s.n_events = 0;
    v->s.policies = NULL;
    v->s.n_policies = 0;
    v->s.tiers = malloc((v->s.n_tiers + 1) * sizeof *v->s.tiers);
    v->s.targets = malloc((v->s.n_targets + 1) * sizeof *v->s.targets);
    if (!v->s.tiers || !v->s.targets) {
        free(v->s.tiers);
        free(v->s.targets);
        return ts_errf(err, "out of memory");
    }
    memcpy(v->s.tiers, set->tiers + set->sum_tier0, v->s.n_tiers * sizeof *v->s.tiers);
    for (size_t k = 0; k < v->s.n_tiers; k++) {
        v->s.tiers[k].sum_of = NULL;
        v->s.tiers[k].n_sum = 0;
    }
    for (size_t j = 0; j < v->s.n_targets; j++) {
        ts_target *t = &v->s.targets[j];
        *t = set->targets[set->set_target0 + j];
        t->group = 0;
        /* tiers[] are the set's indices: the view's are tier0 below. */
        t->tiers = malloc(t->n_tiers * sizeof *t->tiers);
        if (!t->tiers) {
            v->s.n_targets = j;
            regionset_view_free(v);
            return ts_errf(err, "out of memory");
        }
        for (size_t i = 0; i < t->n_tiers; i++)
            t->tiers[i] = set->targets[set->set_target0 + j].tiers[i] - set->sum_tier0;
        t->tier = t->tiers[0];
    }
    return 0;
}

void regionset_view_free(regionset_view *v)
{
    if (v->aggregate) {
        for (size_t j = 0; j < v->s.n_targets; j++)
            free(v->s.targets[j].tiers);
        free(v->s.targets);
        free(v->s.tiers);
    } else {
        free(v->s.params);
        free(v->s.policies);
    }
    memset(v, 0, sizeof *v);
}
