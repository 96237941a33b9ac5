/* The scenario parser: every key of every section read into the struct, every
 * error with its exact message and FILE:LINE, and `base =` inheritance on the
 * fixtures in tests/data/scenario/ (run from the project root, as `make test`
 * does).
 *
 * Texts in memory are parsed under the name "t.ini", so messages read
 * "t.ini:LINE: ...".  The line numbers of the building blocks below are
 * written next to them: keep them in step when editing. */
#include <gsl/gsl_errno.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "testutil.h"
#include "textin.h"

#define DATA "tests/data/scenario/"

/* Identifiers of 63 characters (the longest) and 64. */
#define NAME63 "abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ_012345678"
#define NAME64 NAME63 "9"
#define NAME63_K "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"

/* Lines 1-4. */
#define HEAD "[scenario]\nname = t\nstart_year = 2022\nend_year = 2025\n"
/* HEAD, then lines 5-7 (tier a, its stock, tier b); the next line is 8. */
#define AB HEAD "[tier a]\nstock = 137\n[tier b]\n"
/* AB, then lines 8-9 (transition a -> b); the next line is 10. */
#define ABT AB "[transition a -> b]\nrate = 0.2385\n"

/* ------------------------------------------------------------ helpers */

static scenario *parse_as(const char *text, const char *name)
{
    scenario *s = NULL;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (scenario_parse_string(&s, text, name, &err) < 0) {
        fprintf(stderr, "\n  refused: %s\n", err.msg);
        return NULL;
    }
    return s;
}

static scenario *parse_ok(const char *text)
{
    return parse_as(text, "t.ini");
}

static scenario *load_ok(const char *path)
{
    scenario *s = NULL;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (scenario_load(&s, path, &err) < 0) {
        fprintf(stderr, "\n  %s refused: %s\n", path, err.msg);
        return NULL;
    }
    return s;
}

/* Reports the difference; *out must come back NULL on failure. */
static int check_refusal(int rc, scenario *s, const ts_err *err, const char *want)
{
    if (rc == 0) {
        fprintf(stderr, "\n  accepted; wanted: %s\n", want);
        scenario_free(s);
        return 0;
    }
    if (s != NULL) {
        fprintf(stderr, "\n  refused but *out is not NULL (%s)\n", err->msg);
        return 0;
    }
    if (strcmp(err->msg, want) != 0) {
        fprintf(stderr, "\n  got:  %.300s\n  want: %.300s\n", err->msg, want);
        return 0;
    }
    return 1;
}

static int err_is(const char *text, const char *want)
{
    scenario *s = (scenario *)&s; /* must be reset to NULL */
    ts_err err;
    strcpy(err.msg, "(no message)");
    int rc = scenario_parse_string(&s, text, "t.ini", &err);
    return check_refusal(rc, s, &err, want);
}

static int load_err_is(const char *path, const char *want)
{
    scenario *s = (scenario *)&s;
    ts_err err;
    strcpy(err.msg, "(no message)");
    int rc = scenario_load(&s, path, &err);
    return check_refusal(rc, s, &err, want);
}

/* Only the beginning of the message is fixed (the rest comes from the C
 * library). */
static int load_err_starts(const char *path, const char *want)
{
    scenario *s = (scenario *)&s;
    ts_err err;
    strcpy(err.msg, "(no message)");
    int rc = scenario_load(&s, path, &err);
    if (rc == 0 || s != NULL) {
        fprintf(stderr, "\n  %s accepted; wanted: %s...\n", path, want);
        scenario_free(rc == 0 ? s : NULL);
        return 0;
    }
    if (strncmp(err.msg, want, strlen(want)) != 0) {
        fprintf(stderr, "\n  got:  %s\n  want: %s...\n", err.msg, want);
        return 0;
    }
    return 1;
}

#define ERR(text, want) CU_ASSERT(err_is((text), (want)))
#define LOAD_ERR(path, want) CU_ASSERT(load_err_is((path), (want)))

static const ts_param *param(const scenario *s, const char *name)
{
    size_t i = scenario_find_param(s, name);
    if (i == TS_NO_PARAM) {
        fprintf(stderr, "\n  no parameter %s\n", name);
        return NULL;
    }
    return &s->params[i];
}

static int same_str(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* The parameter exists, is fixed at v, and was written at file:line
 * (file NULL and line 0 for a default). */
static int fixed_at(const scenario *s, const char *name, double v, const char *file, int line)
{
    const ts_param *p = param(s, name);
    if (!p)
        return 0;
    int ok = p->value.kind == DIST_FIXED && p->value.p[0] == v && p->line == line &&
             (file ? same_str(p->file, file) : p->file == NULL);
    if (!ok)
        fprintf(stderr, "\n  %s: kind %d value %.17g at %s:%d; want %.17g at %s:%d\n", name,
                (int)p->value.kind, p->value.p[0], p->file ? p->file : "(null)", p->line, v,
                file ? file : "(null)", line);
    return ok;
}

/* The parameter is a distribution of that kind with these arguments. */
static int dist_at(const scenario *s, const char *name, dist_kind kind, double a, double b,
                   double c, const char *file, int line)
{
    const ts_param *p = param(s, name);
    if (!p)
        return 0;
    int ok = p->value.kind == kind && p->value.p[0] == a && p->value.p[1] == b &&
             p->value.p[2] == c && same_str(p->file, file) && p->line == line;
    if (!ok)
        fprintf(stderr, "\n  %s: kind %d (%g, %g, %g) at %s:%d\n", name, (int)p->value.kind,
                p->value.p[0], p->value.p[1], p->value.p[2], p->file ? p->file : "(null)",
                p->line);
    return ok;
}

/* Index of transition from -> to, or -1. */
static long transition(const scenario *s, const char *from, const char *to)
{
    for (size_t t = 0; t < s->n_transitions; t++)
        if (!strcmp(s->tiers[s->transitions[t].from].name, from) &&
            !strcmp(s->tiers[s->transitions[t].to].name, to))
            return (long)t;
    return -1;
}

static const ts_policy *policy(const scenario *s, const char *name)
{
    for (size_t p = 0; p < s->n_policies; p++)
        if (!strcmp(s->policies[p].name, name))
            return &s->policies[p];
    return NULL;
}

static const char *pname(const scenario *s, size_t i)
{
    return i < s->n_params ? s->params[i].name : "(out of range)";
}

/* ------------------------------------------------ [scenario] section */

static void test_scenario_keys(void)
{
    scenario *s = parse_ok("[scenario]\n"
                           "name = qingdao-2022.v2_b\n"
                           "label = 青岛“专精特新”方案 (2022—2025年)\n"
                           "start_year = 2021\n"
                           "end_year = 2027\n"
                           "replications = 137\n"
                           "seed = 18446744073709551615\n"
                           "[tier a]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->name, "qingdao-2022.v2_b");
    CU_ASSERT_STRING_EQUAL(s->label, "青岛“专精特新”方案 (2022—2025年)");
    CU_ASSERT_EQUAL(s->start_year, 2021);
    CU_ASSERT_EQUAL(s->end_year, 2027);
    CU_ASSERT_EQUAL(scenario_years(s), 7);
    CU_ASSERT(s->replications == 137);
    CU_ASSERT(s->seed == UINT64_MAX);
    CU_ASSERT_STRING_EQUAL(s->path, "t.ini");
    CU_ASSERT_EQUAL(s->n_tiers, 1);
    CU_ASSERT_EQUAL(s->n_transitions, 0);
    CU_ASSERT_EQUAL(s->n_targets, 0);
    CU_ASSERT_EQUAL(s->n_policies, 0);
    CU_ASSERT_EQUAL(s->n_files, 1);
    CU_ASSERT(s->n_files == 1 && same_str(s->files[0], "t.ini"));
    scenario_free(s);

    /* Defaults: label = name, 10000 replications, seed 1; one year. */
    s = parse_ok("[scenario]\nname = t\nstart_year = 2023\nend_year = 2023\nseed = 0\n"
                 "[tier a]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->label, "t");
    CU_ASSERT(s->replications == 10000);
    CU_ASSERT(s->seed == 0);
    CU_ASSERT_EQUAL(scenario_years(s), 1);
    scenario_free(s);

    s = parse_ok(HEAD "[tier a]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT(s->seed == 1 && s->replications == 10000);
    scenario_free(s);

    /* The limits themselves are accepted. */
    s = parse_ok("[scenario]\nname = t\nstart_year = 1000\nend_year = 1199\n"
                 "replications = 1000000000\n[tier a]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(scenario_years(s), TS_MAX_YEARS);
    CU_ASSERT(s->replications == 1000000000ULL);
    scenario_free(s);

    scenario_free(NULL); /* a no-op */
}

/* ------------------------------------------------------ [tier NAME] */

static void test_tier_keys(void)
{
    scenario *s = parse_ok(HEAD
                           "[tier srdi]\n"                                      /* 5 */
                           "label = 专精特新中小企业 (provincial)\n"            /* 6 */
                           "stock = 6923\n"                                     /* 7 */
                           "inflow = 23.85\n"                                   /* 8 */
                           "inflow_growth = 35.8%\n"                            /* 9 */
                           "inflow_dispersion = 0.137\n"                        /* 10 */
                           "exit = beta(2, 98)\n"                               /* 11 */
                           "[tier little_giant]\n"                              /* 12 */
                           "[tier gazelle]\n"                                   /* 13 */
                           "stock = uniform(130, 157)\n"                        /* 14 */
                           "inflow = gamma(2.5, 4.2)\n"                         /* 15 */
                           "inflow_growth = normal(-3.2%, 0.041)\n"             /* 16 */
                           "exit = triangular(0.01, 0.0385, 0.07)\n"            /* 17 */
                           "inflow_dispersion = lognormal(-1.3, 0.25)\n");      /* 18 */
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_tiers, 3);
    CU_ASSERT_EQUAL(s->n_params, 15);
    CU_ASSERT_EQUAL(scenario_find_tier(s, "srdi"), 0);
    CU_ASSERT_EQUAL(scenario_find_tier(s, "little_giant"), 1);
    CU_ASSERT_EQUAL(scenario_find_tier(s, "gazelle"), 2);
    CU_ASSERT_EQUAL(scenario_find_tier(s, "unicorn"), -1);
    CU_ASSERT_EQUAL(scenario_find_tier(s, "Srdi"), -1);

    const ts_tier *t = &s->tiers[0];
    CU_ASSERT_STRING_EQUAL(t->name, "srdi");
    CU_ASSERT_STRING_EQUAL(t->label, "专精特新中小企业 (provincial)");
    CU_ASSERT(same_str(t->file, "t.ini"));
    CU_ASSERT_EQUAL(t->line, 5);
    CU_ASSERT(fixed_at(s, "tier.srdi.stock", 6923, "t.ini", 7));
    CU_ASSERT(fixed_at(s, "tier.srdi.inflow", 23.85, "t.ini", 8));
    CU_ASSERT(fixed_at(s, "tier.srdi.inflow_growth", 0.358, "t.ini", 9));
    CU_ASSERT(fixed_at(s, "tier.srdi.inflow_dispersion", 0.137, "t.ini", 10));
    CU_ASSERT(dist_at(s, "tier.srdi.exit", DIST_BETA, 2, 98, 0, "t.ini", 11));
    /* The slots point at the parameters of those names. */
    CU_ASSERT_STRING_EQUAL(pname(s, t->p_stock), "tier.srdi.stock");
    CU_ASSERT_STRING_EQUAL(pname(s, t->p_inflow), "tier.srdi.inflow");
    CU_ASSERT_STRING_EQUAL(pname(s, t->p_growth), "tier.srdi.inflow_growth");
    CU_ASSERT_STRING_EQUAL(pname(s, t->p_dispersion), "tier.srdi.inflow_dispersion");
    CU_ASSERT_STRING_EQUAL(pname(s, t->p_exit), "tier.srdi.exit");
    /* Only the stock counts firms. */
    CU_ASSERT(s->params[t->p_stock].integer);
    CU_ASSERT(!s->params[t->p_inflow].integer);
    CU_ASSERT(!s->params[t->p_growth].integer);
    CU_ASSERT(!s->params[t->p_dispersion].integer);
    CU_ASSERT(!s->params[t->p_exit].integer);
    /* Each value carries the range of its key. */
    CU_ASSERT(s->params[t->p_exit].value.range.hi == 1.0);
    CU_ASSERT(isinf(s->params[t->p_stock].value.range.hi));
    CU_ASSERT(s->params[t->p_growth].value.range.lo == -1.0 &&
              s->params[t->p_growth].value.range.lo_open);

    /* Absent keys: 0, no file, line 0; the label is the name. */
    t = &s->tiers[1];
    CU_ASSERT_STRING_EQUAL(t->label, "little_giant");
    CU_ASSERT_EQUAL(t->line, 12);
    CU_ASSERT(fixed_at(s, "tier.little_giant.stock", 0, NULL, 0));
    CU_ASSERT(fixed_at(s, "tier.little_giant.inflow", 0, NULL, 0));
    CU_ASSERT(fixed_at(s, "tier.little_giant.inflow_growth", 0, NULL, 0));
    CU_ASSERT(fixed_at(s, "tier.little_giant.inflow_dispersion", 0, NULL, 0));
    CU_ASSERT(fixed_at(s, "tier.little_giant.exit", 0, NULL, 0));
    CU_ASSERT(s->params[t->p_stock].integer);

    /* Every distribution, in keys given in another order. */
    CU_ASSERT(dist_at(s, "tier.gazelle.stock", DIST_UNIFORM, 130, 157, 0, "t.ini", 14));
    CU_ASSERT(dist_at(s, "tier.gazelle.inflow", DIST_GAMMA, 2.5, 4.2, 0, "t.ini", 15));
    CU_ASSERT(dist_at(s, "tier.gazelle.inflow_growth", DIST_NORMAL, -0.032, 0.041, 0, "t.ini",
                      16));
    CU_ASSERT(dist_at(s, "tier.gazelle.exit", DIST_TRIANGULAR, 0.01, 0.0385, 0.07, "t.ini", 17));
    CU_ASSERT(dist_at(s, "tier.gazelle.inflow_dispersion", DIST_LOGNORMAL, -1.3, 0.25, 0,
                      "t.ini", 18));
    CU_ASSERT(s->params[s->tiers[2].p_stock].integer);

    CU_ASSERT_EQUAL(scenario_find_param(s, "tier.srdi.rate"), TS_NO_PARAM);
    CU_ASSERT_EQUAL(scenario_find_param(s, "tier.unicorn.exit"), TS_NO_PARAM);

    /* The means as written. */
    double theta[15];
    scenario_param_means(s, theta);
    TU_ASSERT_CLOSE(theta[s->tiers[0].p_exit], 0.02, 1e-12);
    TU_ASSERT_CLOSE(theta[s->tiers[0].p_stock], 6923, 0);
    TU_ASSERT_CLOSE(theta[s->tiers[2].p_stock], 143.5, 1e-12);
    TU_ASSERT_CLOSE(theta[s->tiers[2].p_inflow], 2.5 * 4.2, 1e-12);
    CU_ASSERT(theta[s->tiers[1].p_exit] == 0.0);
    scenario_free(s);
}

/* ------------------------------------------------ [transition A -> B] */

static void test_transition_keys(void)
{
    scenario *s = parse_ok(HEAD
                           "[tier a]\n[tier b]\n[tier c]\n[tier d]\n"  /* 5-8 */
                           "[transition a -> b]\n"                     /* 9 */
                           "rate = 0.2385\n"                           /* 10 */
                           "keep = yes\n"                              /* 11 */
                           "quota = 17\n"                              /* 12 */
                           "[transition a -> c]\n"                     /* 13 */
                           "keep = true\n"                             /* 14 */
                           "rate = beta(3, 37)\n"                      /* 15 */
                           "[transition a -> d]\n"                     /* 16 */
                           "rate = 4.15%\n"                            /* 17 */
                           "keep = 1\n"                                /* 18 */
                           "[transition b -> c]\n"                     /* 19 */
                           "rate = uniform(2%, 6%)\n"                  /* 20 */
                           "keep = no\n"                               /* 21 */
                           "quota = uniform(11, 19)\n"                 /* 22 */
                           "[transition b -> d]\n"                     /* 23 */
                           "rate = 0.0731\n"                           /* 24 */
                           "keep = false\n"                            /* 25 */
                           "[transition c -> d]\n"                     /* 26 */
                           "rate = 1\n"                                /* 27 */
                           "keep = 0\n"                                /* 28 */
                           "[transition d -> a]\n"                     /* 29 */
                           "rate = 0\n");                              /* 30 */
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_transitions, 7);
    static const struct {
        const char *from, *to;
        int keep, line;
    } want[] = {{"a", "b", 1, 9},  {"a", "c", 1, 13}, {"a", "d", 1, 16}, {"b", "c", 0, 19},
                {"b", "d", 0, 23}, {"c", "d", 0, 26}, {"d", "a", 0, 29}};
    for (size_t i = 0; i < 7; i++) {
        const ts_transition *t = &s->transitions[i];
        CU_ASSERT_STRING_EQUAL(s->tiers[t->from].name, want[i].from);
        CU_ASSERT_STRING_EQUAL(s->tiers[t->to].name, want[i].to);
        CU_ASSERT_EQUAL(t->keep, want[i].keep);
        CU_ASSERT_EQUAL(t->line, want[i].line);
        CU_ASSERT(same_str(t->file, "t.ini"));
        char name[64];
        snprintf(name, sizeof name, "transition.%s->%s.rate", want[i].from, want[i].to);
        CU_ASSERT_STRING_EQUAL(pname(s, t->p_rate), name);
        CU_ASSERT(!s->params[t->p_rate].integer);
        CU_ASSERT(s->params[t->p_rate].value.range.hi == 1.0);
    }
    CU_ASSERT(fixed_at(s, "transition.a->b.rate", 0.2385, "t.ini", 10));
    CU_ASSERT(dist_at(s, "transition.a->c.rate", DIST_BETA, 3, 37, 0, "t.ini", 15));
    CU_ASSERT(fixed_at(s, "transition.a->d.rate", 0.0415, "t.ini", 17));
    CU_ASSERT(dist_at(s, "transition.b->c.rate", DIST_UNIFORM, 0.02, 0.06, 0, "t.ini", 20));
    CU_ASSERT(fixed_at(s, "transition.b->d.rate", 0.0731, "t.ini", 24));
    CU_ASSERT(fixed_at(s, "transition.c->d.rate", 1, "t.ini", 27));
    CU_ASSERT(fixed_at(s, "transition.d->a.rate", 0, "t.ini", 30));

    /* A quota parameter exists only where one was given; it counts firms. */
    CU_ASSERT(fixed_at(s, "transition.a->b.quota", 17, "t.ini", 12));
    CU_ASSERT(dist_at(s, "transition.b->c.quota", DIST_UNIFORM, 11, 19, 0, "t.ini", 22));
    CU_ASSERT_STRING_EQUAL(pname(s, s->transitions[0].p_quota), "transition.a->b.quota");
    CU_ASSERT(s->params[s->transitions[0].p_quota].integer);
    CU_ASSERT_STRING_EQUAL(pname(s, s->transitions[3].p_quota), "transition.b->c.quota");
    for (size_t i = 0; i < 7; i++)
        if (i != 0 && i != 3)
            CU_ASSERT(s->transitions[i].p_quota == TS_NO_PARAM);
    CU_ASSERT_EQUAL(scenario_find_param(s, "transition.a->c.quota"), TS_NO_PARAM);
    CU_ASSERT_EQUAL(scenario_find_param(s, "transition.c->d.quota"), TS_NO_PARAM);
    /* 4 tiers x 5, 7 rates, 2 quotas. */
    CU_ASSERT_EQUAL(s->n_params, 29);
    scenario_free(s);

    /* keep defaults to no; rates out of a tier may sum to exactly 1 at the means. */
    s = parse_ok(AB "[tier c]\n"
                    "[transition a -> b]\nrate = 0.625\n"
                    "[transition a -> c]\nrate = uniform(0.25, 0.5)\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(s->n_transitions, 2);
    CU_ASSERT_EQUAL(s->transitions[0].keep, 0);
    CU_ASSERT_EQUAL(s->transitions[1].keep, 0);
    scenario_free(s);
}

/* --------------------------------------------------------- [target TIER] */

static void test_target_keys(void)
{
    scenario *s = parse_ok(HEAD
                           "[tier srdi]\n[tier unicorn]\n[tier hidden]\n[tier listed]\n" /* 5-8 */
                           "[target srdi]\n"           /* 9 */
                           "new = 2000\n"              /* 10 */
                           "tolerance = 10%\n"         /* 11 */
                           "[target unicorn]\n"        /* 12 */
                           "tolerance = 10%\n"         /* 13 */
                           "new = 8\n"                 /* 14 */
                           "[target hidden]\n"         /* 15 */
                           "stock = 137\n"             /* 16 */
                           "new = 100\n"               /* 17 */
                           "tolerance = 0.25\n"        /* 18 */
                           "[target listed]\n"         /* 19 */
                           "new = 5\n"                 /* 20 */
                           "[target little]\n"         /* 21: refers to a tier defined later */
                           "stock = 97.5\n"            /* 22 */
                           "tolerance = 0\n"           /* 23 */
                           "[tier little]\n");         /* 24 */
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_targets, 6);
    static const struct {
        const char *tier;
        ts_target_kind kind;
        double value, tol;
        int64_t threshold;
        int line;
    } want[] = {
        {"srdi", TS_TARGET_NEW, 2000, 0.1, 1800, 10},
        {"unicorn", TS_TARGET_NEW, 8, 0.1, 8, 14},        /* 7.2 rounds up */
        {"hidden", TS_TARGET_NEW, 100, 0.25, 75, 17},     /* new before stock */
        {"hidden", TS_TARGET_STOCK, 137, 0.25, 103, 16},  /* 102.75 */
        {"listed", TS_TARGET_NEW, 5, 0, 5, 20},
        {"little", TS_TARGET_STOCK, 97.5, 0, 98, 22},
    };
    for (size_t i = 0; i < 6; i++) {
        const ts_target *t = &s->targets[i];
        CU_ASSERT_STRING_EQUAL(s->tiers[t->tier].name, want[i].tier);
        CU_ASSERT_EQUAL(t->kind, want[i].kind);
        CU_ASSERT(t->value == want[i].value);
        CU_ASSERT(t->tolerance == want[i].tol);
        if (t->threshold != want[i].threshold)
            fprintf(stderr, "\n  target %zu: threshold %lld, want %lld\n", i,
                    (long long)t->threshold, (long long)want[i].threshold);
        CU_ASSERT(t->threshold == want[i].threshold);
        CU_ASSERT_EQUAL(t->line, want[i].line);
        CU_ASSERT(same_str(t->file, "t.ini"));
    }
    /* Targets are no parameters. */
    CU_ASSERT_EQUAL(s->n_params, 25);
    scenario_free(s);

    /* 100 at 10% is 90 (not 91); 1000 at 3.7% is 963 whatever the last bit of 1 - 0.037. */
    s = parse_ok(AB "[tier c]\n[target a]\nnew = 100\ntolerance = 10%\n"
                    "[target b]\nnew = 1000\nstock = 2.385\ntolerance = 3.7%\n"
                    "[target c]\nnew = 100\ntolerance = 45%\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_targets, 4);
    CU_ASSERT(s->targets[0].threshold == 90);
    CU_ASSERT(s->targets[1].threshold == 963);
    CU_ASSERT(s->targets[2].threshold == 3); /* 2.296755 */
    /* 100 * (1 - 0.45) is 55.00000000000001 in doubles: the slack makes it 55, not 56. */
    CU_ASSERT(s->targets[3].threshold == 55);
    scenario_free(s);

    /* A tiny target still needs one firm. */
    s = parse_ok(AB "[target a]\nnew = 0.2385\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT(s->n_targets == 1 && s->targets[0].threshold == 1);
    scenario_free(s);
}

/* The slack that turns 1800.0000000000002 into 1800 must not lower a large
 * target by whole firms: the threshold is the smallest whole count at or
 * above value * (1 - tolerance). */
static void test_target_threshold_large(void)
{
    scenario *s = parse_ok(AB "[target a]\nnew = 5000000000000\n"
                              "[target b]\nstock = 4000000000000000\ntolerance = 50%\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_targets, 2);
    if (s->targets[0].threshold != 5000000000000LL || s->targets[1].threshold != 2000000000000000LL)
        fprintf(stderr, "\n  thresholds %lld and %lld, want 5000000000000 and 2000000000000000\n",
                (long long)s->targets[0].threshold, (long long)s->targets[1].threshold);
    CU_ASSERT(s->targets[0].threshold == 5000000000000LL);
    CU_ASSERT(s->targets[1].threshold == 2000000000000000LL);
    scenario_free(s);
}

/* [target NAME] with tiers = a, b: a target on the sum, named NAME, with the
 * tiers in the order written (a tier written after the target too), the
 * tiers' labels joined, each measure of the section its own target. */
static void test_target_tiers(void)
{
    scenario *s = parse_ok(HEAD
                           "[tier prov]\nlabel = 省级\n[tier lg]\n"      /* 5-7 */
                           "[target champions]\n"                        /* 8 */
                           "tolerance = 3.7%\n"                          /* 9 */
                           "stock = 300\n"                               /* 10 */
                           "tiers = lg ,prov,  later\n"                  /* 11 */
                           "new = 137\n"                                 /* 12 */
                           "[target lg]\nnew = 41\n"                     /* 13-14 */
                           "[target just_prov]\ntiers = prov\ncumulative = 20\n" /* 15-17 */
                           "[target prov]\ntiers = prov\nstock = 9\n"    /* 18-20 */
                           "[tier later]\nlabel = 后\n");                /* 21-22 */
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_targets, 5);
    const ts_target *t = s->targets;
    /* new before stock, as for a one-tier target; the same tiers for both */
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_STRING_EQUAL(t[i].name, "champions");
        CU_ASSERT_FATAL(t[i].n_tiers == 3);
        CU_ASSERT(t[i].tiers[0] == 1 && t[i].tiers[1] == 0 && t[i].tiers[2] == 2 &&
                  t[i].tier == 1);
        CU_ASSERT_STRING_EQUAL(t[i].label, "lg + 省级 + 后");
        CU_ASSERT(t[i].tolerance == 0.037);
    }
    CU_ASSERT(t[0].kind == TS_TARGET_NEW && t[0].threshold == 132 && t[0].line == 12); /* 131.9 */
    CU_ASSERT(t[1].kind == TS_TARGET_STOCK && t[1].threshold == 289 && t[1].line == 10); /* 288.9 */
    /* the one-tier form: NAME is the tier, its label the tier's */
    CU_ASSERT(!strcmp(t[2].name, "lg") && t[2].n_tiers == 1 && t[2].tiers[0] == 1 &&
              t[2].tier == 1 && !strcmp(t[2].label, "lg"));
    /* one tier under a name of its own, and the one-tier form written out */
    CU_ASSERT(!strcmp(t[3].name, "just_prov") && t[3].n_tiers == 1 && t[3].tier == 0 &&
              t[3].kind == TS_TARGET_CUMULATIVE && !strcmp(t[3].label, "省级"));
    CU_ASSERT(!strcmp(t[4].name, "prov") && t[4].n_tiers == 1 && t[4].tier == 0 &&
              t[4].kind == TS_TARGET_STOCK && t[4].line == 20);
    scenario_free(s);
}

static void test_errors_target_tiers(void)
{
    /* Each with the line of `tiers` and the section's NAME. */
    ERR(AB "[target ab]\ntiers = a, zz\nnew = 10\n",
        "t.ini:9: target 'ab': tiers: unknown tier 'zz'");
    ERR(AB "[target ab]\nnew = 10\ntiers = a, b, a\n",
        "t.ini:10: target 'ab': tiers: tier 'a' is listed twice");
    ERR(AB "[target ab]\ntiers =\nnew = 10\n",
        "t.ini:9: target 'ab': tiers: expected one or more tier names, comma-separated");
    ERR(AB "[target ab]\ntiers = a,,b\nnew = 10\n",
        "t.ini:9: target 'ab': tiers: an empty name in the list (expected tier names, "
        "comma-separated)");
    ERR(AB "[target ab]\ntiers = a, b,\nnew = 10\n",
        "t.ini:9: target 'ab': tiers: an empty name in the list (expected tier names, "
        "comma-separated)");
    ERR(AB "[target ab]\ntiers = a b\nnew = 10\n",
        "t.ini:9: target 'ab': tiers: 'a b' is not a tier name");
    ERR(AB "[target ab]\ntiers = a -> b\nnew = 10\n",
        "t.ini:9: target 'ab': tiers: 'a -> b' is not a tier name");
    ERR(AB "[target a]\ntiers = a, b\nnew = 10\n",
        "t.ini:9: target 'a': tiers: 'a' is a tier's name: a target on other tiers needs a name "
        "of its own");
    ERR(AB "[target b]\ntiers = a\nnew = 10\n",
        "t.ini:9: target 'b': tiers: 'b' is a tier's name: a target on other tiers needs a name "
        "of its own");
    ERR(AB "[target ALL]\ntiers = a, b\nnew = 10\n",
        "t.ini:9: target 'ALL': tiers: 'ALL' names the row of every target met together: a "
        "target needs another name");
    ERR(AB "[target ab]\ntiers = a, b\nnew = 10\ntiers = b\n",
        "t.ini:11: duplicate key 'tiers' in [target ab] (first at line 9)");
    /* Without a measure, and a measure's own errors, as for one tier. */
    ERR(AB "[target ab]\ntiers = a, b\ntolerance = 5%\n",
        "t.ini:8: target 'ab': missing key 'new', 'stock' or 'cumulative'");
    ERR(AB "[target ab]\ntiers = a, b\nstock = 0\n",
        "t.ini:10: target 'ab': stock: a target is a number of firms above 0 (and below 2^62)");
    ERR(AB "[target ab]\ntiers = a, b\nnew = 10\ntiers@2024 = a\n",
        "t.ini:11: target 'ab': tiers@2024: tiers takes no @YEAR");
    /* Without tiers the name is a tier, checked before any key, as it always was. */
    ERR(AB "[target ab]\nnew = about 10\n", "t.ini:8: target 'ab': unknown tier 'ab'");
}

/* -------------------------------------------------------- [policy NAME] */

static void test_policy_keys(void)
{
    scenario *s = parse_ok(HEAD
                           "[tier a]\n[tier b]\n[tier c]\n"                       /* 5-7 */
                           "[transition a -> b]\nrate = 0.2385\n"                 /* 8-9 */
                           "[transition b -> c]\nrate = 0.0731\n"                 /* 10-11 */
                           "[policy capital]\n"                                   /* 12 */
                           "label = 资本赋能 capital empowerment\n"               /* 13 */
                           "from = 2023\n"                                        /* 14 */
                           "until = 2024\n"                                       /* 15 */
                           "scale = a -> b : uniform(1.05, 1.2), a.inflow : 1.1, b.exit:0.8385\n"
                           /* 16 */
                           "scale = b->c:137%\n"                                  /* 17 */
                           "scale =   c.inflow   :   triangular(0.9, 1.0, 1.3)  , c.exit : 0\n"
                           /* 18 */
                           "[policy talent]\n"                                    /* 19 */
                           "scale = a.exit : 0.75\n");                            /* 20 */
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_policies, 2);

    const ts_policy *p = &s->policies[0];
    CU_ASSERT_STRING_EQUAL(p->name, "capital");
    CU_ASSERT_STRING_EQUAL(p->label, "资本赋能 capital empowerment");
    CU_ASSERT_EQUAL(p->from, 2023);
    CU_ASSERT_EQUAL(p->until, 2024);
    CU_ASSERT_EQUAL(p->active, 0);
    CU_ASSERT(same_str(p->file, "t.ini"));
    CU_ASSERT_EQUAL(p->line, 12);
    /* The strength of the whole policy: 1, a default without a place. */
    CU_ASSERT_STRING_EQUAL(pname(s, p->p_strength), "policy.capital.scale");
    CU_ASSERT(fixed_at(s, "policy.capital.scale", 1, NULL, 0));
    CU_ASSERT(!s->params[p->p_strength].integer);

    CU_ASSERT_EQUAL_FATAL(p->n_scales, 6);
    static const struct {
        ts_scale_kind kind;
        const char *tier, *to; /* the tier, or a transition tier -> to */
        const char *param;
    } want[] = {
        {TS_SCALE_RATE, "a", "b", "policy.capital.scale.a->b"},
        {TS_SCALE_INFLOW, "a", NULL, "policy.capital.scale.a.inflow"},
        {TS_SCALE_EXIT, "b", NULL, "policy.capital.scale.b.exit"},
        {TS_SCALE_RATE, "b", "c", "policy.capital.scale.b->c"},
        {TS_SCALE_INFLOW, "c", NULL, "policy.capital.scale.c.inflow"},
        {TS_SCALE_EXIT, "c", NULL, "policy.capital.scale.c.exit"},
    };
    for (size_t i = 0; i < 6; i++) {
        const ts_scale *sc = &p->scales[i];
        CU_ASSERT_EQUAL(sc->kind, want[i].kind);
        long idx = want[i].to ? transition(s, want[i].tier, want[i].to)
                              : scenario_find_tier(s, want[i].tier);
        CU_ASSERT(idx >= 0 && sc->index == (size_t)idx);
        CU_ASSERT_STRING_EQUAL(pname(s, sc->p_factor), want[i].param);
        CU_ASSERT(!s->params[sc->p_factor].integer);
        CU_ASSERT(isinf(s->params[sc->p_factor].value.range.hi));
    }
    CU_ASSERT(dist_at(s, "policy.capital.scale.a->b", DIST_UNIFORM, 1.05, 1.2, 0, "t.ini", 16));
    CU_ASSERT(fixed_at(s, "policy.capital.scale.a.inflow", 1.1, "t.ini", 16));
    CU_ASSERT(fixed_at(s, "policy.capital.scale.b.exit", 0.8385, "t.ini", 16));
    CU_ASSERT(fixed_at(s, "policy.capital.scale.b->c", 1.37, "t.ini", 17));
    CU_ASSERT(dist_at(s, "policy.capital.scale.c.inflow", DIST_TRIANGULAR, 0.9, 1.0, 1.3,
                      "t.ini", 18));
    CU_ASSERT(fixed_at(s, "policy.capital.scale.c.exit", 0, "t.ini", 18));

    /* Defaults: label = name, the whole span of years. */
    p = &s->policies[1];
    CU_ASSERT_STRING_EQUAL(p->name, "talent");
    CU_ASSERT_STRING_EQUAL(p->label, "talent");
    CU_ASSERT_EQUAL(p->from, 2022);
    CU_ASSERT_EQUAL(p->until, 2025);
    CU_ASSERT_EQUAL(p->line, 19);
    CU_ASSERT_EQUAL_FATAL(p->n_scales, 1);
    CU_ASSERT_EQUAL(p->scales[0].kind, TS_SCALE_EXIT);
    CU_ASSERT_EQUAL(p->scales[0].index, 0);
    CU_ASSERT(fixed_at(s, "policy.talent.scale", 1, NULL, 0));
    CU_ASSERT(fixed_at(s, "policy.talent.scale.a.exit", 0.75, "t.ini", 20));
    /* 3 tiers x 5, 2 rates, 2 strengths, 7 factors. */
    CU_ASSERT_EQUAL(s->n_params, 26);
    scenario_free(s);

    /* The same tier may be scaled in inflow and exit, a transition and its
     * source tier together; from = until is one year. */
    s = parse_ok(ABT "[policy p]\nfrom = 2025\nuntil = 2025\n"
                     "scale = a.inflow : 2, a.exit : 0.5, a -> b : 1.5\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT(s->n_policies == 1 && s->policies[0].n_scales == 3);
    CU_ASSERT(s->policies[0].from == 2025 && s->policies[0].until == 2025);
    scenario_free(s);

    /* Only until given: from stays start_year. */
    s = parse_ok(ABT "[policy p]\nuntil = 2023\nscale = a.inflow : 2\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT(s->policies[0].from == 2022 && s->policies[0].until == 2023);
    scenario_free(s);
}

static void test_find_and_activate(void)
{
    scenario *s = parse_ok(ABT "[policy p]\nscale = a.inflow : 1.1\n"
                               "[policy q2]\nscale = a -> b : 1.2\n");
    CU_ASSERT_FATAL(s != NULL);
    ts_err err;
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "q2", &err), 0);
    CU_ASSERT_EQUAL(s->policies[0].active, 0);
    CU_ASSERT_EQUAL(s->policies[1].active, 1);
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "p", &err), 0);
    CU_ASSERT_EQUAL(s->policies[0].active, 1);
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "q2", &err), 0); /* twice is fine */

    CU_ASSERT_EQUAL(scenario_activate_policy(s, "capital", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "t.ini: unknown policy 'capital' (the scenario has: p, q2)");
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "P", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "t.ini: unknown policy 'P' (the scenario has: p, q2)");

    CU_ASSERT_EQUAL(scenario_find_param(s, "policy.p.scale"), s->policies[0].p_strength);
    CU_ASSERT_EQUAL(scenario_find_param(s, "policy.q2.scale.a->b"),
                    s->policies[1].scales[0].p_factor);
    CU_ASSERT_EQUAL(scenario_find_param(s, "transition.a->b.rate"), s->transitions[0].p_rate);
    CU_ASSERT_EQUAL(scenario_find_param(s, "transition.a -> b.rate"), TS_NO_PARAM);
    CU_ASSERT_EQUAL(scenario_find_param(s, "policy.q.scale"), TS_NO_PARAM);
    CU_ASSERT_EQUAL(scenario_find_param(s, ""), TS_NO_PARAM);
    CU_ASSERT_EQUAL(scenario_find_tier(s, "b"), 1);
    CU_ASSERT_EQUAL(scenario_find_tier(s, ""), -1);
    /* Every parameter name is unique and found at its own index. */
    for (size_t i = 0; i < s->n_params; i++)
        CU_ASSERT_EQUAL(scenario_find_param(s, s->params[i].name), i);
    scenario_free(s);

    s = parse_ok(AB);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "capital", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "t.ini: unknown policy 'capital' (the scenario has no policies)");
    scenario_free(s);
}

/* ------------------------------------------------------------- syntax */

static void test_comments_and_spacing(void)
{
    scenario *s = parse_ok("# a full-line comment with '#'\n"
                           "; a full-line comment with ';'\n"
                           "\n"
                           "   ; an indented comment\n"
                           "[ scenario ]   ; the header may carry a comment\n"
                           "name=t\n"
                           "  start_year   =   2022   ; seed\n"
                           "end_year\t=\t2025\n"
                           "\n"
                           "[ tier  srdi ]\n"
                           "label = 专精特新“小巨人” ; 中文注释 after the label\n"
                           "stock = 320 ; seed, 2022\n"
                           "inflow_growth = 32.7%       ; percentages accepted\n"
                           "exit = beta(2, 98)          ; drawn once per replication\n"
                           "#stock = 999\n"
                           ";stock = 999\n"
                           "[\ttier\tlittle_giant\t]\n"
                           "label = a;b has no blank before ';', so it stays\n"
                           "[transition srdi->little_giant]\n"
                           "rate = 0.0412\n"
                           "[ transition   little_giant   ->   srdi ]\n"
                           "rate = 0.0137\n"
                           "[target  srdi ]\n"
                           "new = 2000\n"
                           "[ policy   capital ]\n"
                           "scale = srdi -> little_giant : 1.2 ; a comment after a list\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->name, "t");
    CU_ASSERT_EQUAL(s->start_year, 2022);
    CU_ASSERT_EQUAL(s->end_year, 2025);
    CU_ASSERT_EQUAL_FATAL(s->n_tiers, 2);
    CU_ASSERT_STRING_EQUAL(s->tiers[0].name, "srdi");
    CU_ASSERT_STRING_EQUAL(s->tiers[0].label, "专精特新“小巨人”");
    CU_ASSERT_EQUAL(s->tiers[0].line, 10);
    CU_ASSERT(fixed_at(s, "tier.srdi.stock", 320, "t.ini", 12));
    CU_ASSERT(fixed_at(s, "tier.srdi.inflow_growth", 0.327, "t.ini", 13));
    CU_ASSERT(dist_at(s, "tier.srdi.exit", DIST_BETA, 2, 98, 0, "t.ini", 14));
    CU_ASSERT_STRING_EQUAL(s->tiers[1].name, "little_giant");
    CU_ASSERT_STRING_EQUAL(s->tiers[1].label, "a;b has no blank before ';', so it stays");
    CU_ASSERT_EQUAL(s->tiers[1].line, 17);
    CU_ASSERT_EQUAL_FATAL(s->n_transitions, 2);
    CU_ASSERT_EQUAL(s->transitions[0].line, 19);
    CU_ASSERT(fixed_at(s, "transition.srdi->little_giant.rate", 0.0412, "t.ini", 20));
    CU_ASSERT(fixed_at(s, "transition.little_giant->srdi.rate", 0.0137, "t.ini", 22));
    CU_ASSERT(s->n_targets == 1 && s->targets[0].line == 24 && s->targets[0].value == 2000);
    CU_ASSERT_EQUAL_FATAL(s->n_policies, 1);
    CU_ASSERT_STRING_EQUAL(s->policies[0].name, "capital");
    CU_ASSERT(fixed_at(s, "policy.capital.scale.srdi->little_giant", 1.2, "t.ini", 26));
    scenario_free(s);

    /* Names of 63 characters are the longest allowed. */
    s = parse_ok(HEAD "[tier " NAME63 "]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->tiers[0].name, NAME63);
    scenario_free(s);

    /* name: value is inih's alternative spelling of name = value. */
    s = parse_ok(HEAD "[tier a]\nstock: 137\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT(fixed_at(s, "tier.a.stock", 137, "t.ini", 6));
    scenario_free(s);
}

static void test_crlf_and_bom(void)
{
    static const char text[] = "\xEF\xBB\xBF"
                               "[scenario]\r\n"
                               "name = crlf\r\n"
                               "label = 青岛 ; comment\r\n"
                               "start_year = 2022\r\n"
                               "end_year = 2025\r\n"
                               "\r\n"
                               "[tier srdi]\r\n"
                               "label = 专精特新中小企业\r\n"
                               "stock = 6923\r\n"
                               "inflow_growth = 35.8%\r\n"
                               "[tier lg]\r\n"
                               "[transition srdi -> lg]\r\n"
                               "rate = uniform(0.02, 0.06)\r\n"
                               "keep = yes\r\n"
                               "[policy p]\r\n"
                               "scale = srdi -> lg : 1.2, srdi.inflow : 1.1\r\n";
    scenario *s = parse_ok(text);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->name, "crlf");
    CU_ASSERT_STRING_EQUAL(s->label, "青岛");
    CU_ASSERT_EQUAL(s->end_year, 2025);
    CU_ASSERT_EQUAL_FATAL(s->n_tiers, 2);
    CU_ASSERT_STRING_EQUAL(s->tiers[0].label, "专精特新中小企业");
    CU_ASSERT_EQUAL(s->tiers[0].line, 7);
    CU_ASSERT(fixed_at(s, "tier.srdi.stock", 6923, "t.ini", 9));
    CU_ASSERT(fixed_at(s, "tier.srdi.inflow_growth", 0.358, "t.ini", 10));
    CU_ASSERT(s->n_transitions == 1 && s->transitions[0].keep == 1);
    CU_ASSERT(dist_at(s, "transition.srdi->lg.rate", DIST_UNIFORM, 0.02, 0.06, 0, "t.ini", 13));
    CU_ASSERT(s->n_policies == 1 && s->policies[0].n_scales == 2);
    CU_ASSERT(fixed_at(s, "policy.p.scale.srdi.inflow", 1.1, "t.ini", 16));
    scenario_free(s);

    /* A BOM before a comment line; no final newline. */
    s = parse_ok("\xEF\xBB\xBF; comment\n" HEAD "[tier a]\nstock = 137");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT(fixed_at(s, "tier.a.stock", 137, "t.ini", 7));
    scenario_free(s);

    /* An error after a BOM and CRLF lines counts lines the same way. */
    ERR("\xEF\xBB\xBF[scenario]\r\nname = t\r\nstart_year = 2022\r\nend_year = 2025\r\n"
        "[tier a]\r\nexit = 1.0385\r\n",
        "t.ini:6: tier 'a': exit: 1.0385 is above 1");
    /* A BOM is allowed at the start only. */
    ERR(HEAD "\xEF\xBB\xBF[tier a]\n",
        "t.ini:5: malformed line (expected '[section]', 'key = value' or a comment)");
}

/* ------------------------------------------- encodings (textin.h) */

/* TEXT as Notepad saves it in "ANSI" on Chinese Windows: GB18030, by iconv
 * from UTF-8 (the reverse of what the parser does).  *len is its length. */
static char *to_gb18030(const char *text, size_t *len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    CU_ASSERT_FATAL(cd != (iconv_t)-1);
    size_t n = strlen(text), cap = 2 * n + 8;
    char *out = malloc(cap), *in = (char *)text, *o = out;
    CU_ASSERT_FATAL(out != NULL);
    size_t il = n, ol = cap;
    CU_ASSERT_FATAL(iconv(cd, &in, &il, &o, &ol) != (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(o - out);
    return out;
}

/* A scenario with Chinese labels in every kind of section, Chinese
 * punctuation in the labels, full-width forms in the values and '#' and ';'
 * comments: the UTF-8 twin of the GB18030 file below.  Line numbers are
 * written next to the lines the tests name. */
static const char zh_text[] =
    "; 青岛“专精特新”测试\n"
    "[scenario]\n"
    "name = zh # 名称\n"                                            /* 3 */
    "label = 青岛（2022—2025年），“专精特新”；第#3批 # 注释\n"        /* 4 */
    "start_year = 2022\n"
    "end_year = 2025\n"
    "[tier srdi]\n"                                                 /* 7 */
    "label = 专精特新中小企业（省级）\n"
    "stock = ３２０\n"                                              /* 9 */
    "inflow_growth = 32.7％ ; 百分比\n"                             /* 10 */
    "exit = beta（2，98）\n"                                        /* 11 */
    "validity = ３\n"
    "stock_cohorts = 100，120，100\n"                               /* 13 */
    "[tier lg]\n"
    "label = 专精特新“小巨人”企业\n"
    "[transition srdi -> lg]\n"
    "rate = uniform（０．０２，　0.06）\n"                          /* 17 */
    "quota = １２　\n"
    "[target lg]\n"
    "new = 100\n"
    "tolerance = 10％\n"                                            /* 21 */
    "[policy capital]\n"
    "label = 资本赋能（措施三）\n"
    "scale = srdi －＞ lg ： 1.2， srdi.inflow ： 1.1\n"              /* 24 */
    "[event reform]\n"
    "label = 改革：省市合并\n"
    "year = ２０２３\n"
    "move = srdi -> lg ： 5％\n";                                    /* 28 */

/* What zh_text says, whichever file it came from. */
static int zh_as_written(const scenario *s, const char *file)
{
    int ok = s->n_files == 1 && same_str(s->files[0], file) && same_str(s->name, "zh") &&
             same_str(s->label, "青岛（2022—2025年），“专精特新”；第#3批") && s->n_tiers == 2 &&
             same_str(s->tiers[0].label, "专精特新中小企业（省级）") &&
             same_str(s->tiers[1].label, "专精特新“小巨人”企业") && s->n_policies == 1 &&
             same_str(s->policies[0].label, "资本赋能（措施三）") && s->n_events == 1 &&
             same_str(s->events[0].label, "改革：省市合并") && s->events[0].year == 2023 &&
             s->tiers[0].validity == 3 && s->tiers[0].n_cohorts == 3 &&
             s->tiers[0].cohorts[0] == 100 && s->tiers[0].cohorts[1] == 120 &&
             s->tiers[0].cohorts[2] == 100 && s->n_targets == 1 &&
             s->targets[0].value == 100 && s->targets[0].tolerance == 0.1;
    if (!ok)
        fprintf(stderr, "\n  %s: labels, years, cohorts or target not as written\n", file);
    return ok && fixed_at(s, "tier.srdi.stock", 320, file, 9) &&
           fixed_at(s, "tier.srdi.inflow_growth", 0.327, file, 10) &&
           dist_at(s, "tier.srdi.exit", DIST_BETA, 2, 98, 0, file, 11) &&
           dist_at(s, "transition.srdi->lg.rate", DIST_UNIFORM, 0.02, 0.06, 0, file, 17) &&
           fixed_at(s, "transition.srdi->lg.quota", 12, file, 18) &&
           fixed_at(s, "policy.capital.scale.srdi->lg", 1.2, file, 24) &&
           fixed_at(s, "policy.capital.scale.srdi.inflow", 1.1, file, 24) &&
           fixed_at(s, "event.reform.move.srdi->lg", 0.05, file, 28);
}

/* A GB18030 file reads as its UTF-8 twin: the same labels, byte for byte,
 * the same values and lines; only files_gb18030 tells them apart. */
static void test_gb18030_twin(void)
{
    scenario *u = NULL, *g = NULL;
    ts_err err;
    CU_ASSERT_FATAL(scenario_parse_mem(&u, zh_text, sizeof zh_text - 1, "zh.ini", &err) == 0);
    size_t len;
    char *gb = to_gb18030(zh_text, &len);
    CU_ASSERT(len < sizeof zh_text - 1 && !textin_is_utf8(gb, len));
    if (scenario_parse_mem(&g, gb, len, "zh-gb.ini", &err) < 0)
        fprintf(stderr, "\n  refused: %s\n", err.msg);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT(zh_as_written(u, "zh.ini"));
    CU_ASSERT(zh_as_written(g, "zh-gb.ini"));
    CU_ASSERT_EQUAL_FATAL(g->n_params, u->n_params);
    for (size_t i = 0; i < u->n_params; i++) {
        const ts_param *a = &u->params[i], *b = &g->params[i];
        CU_ASSERT(same_str(a->name, b->name) && a->value.kind == b->value.kind &&
                  !memcmp(a->value.p, b->value.p, sizeof a->value.p) && a->line == b->line);
    }
    CU_ASSERT(u->files_gb18030[0] == 0);
    CU_ASSERT(g->files_gb18030[0] == 1);
    scenario_free(u);
    scenario_free(g);
    free(gb);

    /* A mistake after Chinese lines is on the line it is on in the file. */
    char bad[sizeof zh_text + 64];
    snprintf(bad, sizeof bad, "%s[tier x]\nexit = 1.2385\n", zh_text);
    gb = to_gb18030(bad, &len);
    scenario *s = (scenario *)&s;
    int rc = scenario_parse_mem(&s, gb, len, "zh-gb.ini", &err);
    CU_ASSERT(check_refusal(rc, s, &err, "zh-gb.ini:30: tier 'x': exit: 1.2385 is above 1"));
    free(gb);
    /* A UTF-8 byte-order mark: UTF-8, and the same lines. */
    snprintf(bad, sizeof bad, "\xEF\xBB\xBF%s", zh_text);
    s = parse_as(bad, "zh.ini");
    CU_ASSERT(s && zh_as_written(s, "zh.ini") && s->files_gb18030[0] == 0);
    scenario_free(s);
}

/* Full-width forms read as ASCII in values only: a label keeps them, and so
 * does a key's name; a message shows the value as it was read. */
static void test_fullwidth_values(void)
{
    scenario *s = parse_ok(HEAD "[tier a]\nlabel = 甲（ａ）：１２％　\nstock = 　１３７　\n"
                                "inflow_dispersion = ０．２３８５\n");
    CU_ASSERT_FATAL(s != NULL);
    /* inih strips the ASCII blanks around a value only; U+3000 stays in a label */
    CU_ASSERT_STRING_EQUAL(s->tiers[0].label, "甲（ａ）：１２％　");
    CU_ASSERT(fixed_at(s, "tier.a.stock", 137, "t.ini", 7));
    CU_ASSERT(fixed_at(s, "tier.a.inflow_dispersion", 0.2385, "t.ini", 8));
    scenario_free(s);
    ERR(HEAD "[tier a]\nexit = beta（2，98\n", "t.ini:6: tier 'a': exit: missing ')'");
    ERR(HEAD "[tier a]\ninflow = ６０家\n", "t.ini:6: tier 'a': inflow: expected a number, got '60家'");
    /* 。 is no decimal point */
    ERR(HEAD "[tier a]\ninflow = 6。5\n", "t.ini:6: tier 'a': inflow: expected a number, got '6。5'");
    ERR(HEAD "[tier a]\nｓｔｏｃｋ = 1\n",
        "t.ini:6: tier 'a': ｓｔｏｃｋ: unknown key (expected label, stock, inflow, inflow_growth, "
        "inflow_dispersion, inflow_quota, exit, validity, renewal, expire_to, stock_cohorts, "
        "cumulative_start)");
}

/* '#' after a blank ends a value, as ';' does, in a label too; with no
 * blank before it, it is part of the value. */
static void test_hash_comments(void)
{
    scenario *s = parse_ok("[scenario]\nname = t # the name\nlabel = 资本赋能 # from the plan\n"
                           "start_year = 2022\t# first\nend_year = 2025\n[tier a]\n"
                           "label = 第#3批 ; a note\nstock = 137 # seed, 2022\n"
                           "exit = beta(2, 98)\t#\tper year\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->name, "t");
    CU_ASSERT_STRING_EQUAL(s->label, "资本赋能");
    CU_ASSERT_EQUAL(s->start_year, 2022);
    CU_ASSERT_STRING_EQUAL(s->tiers[0].label, "第#3批");
    CU_ASSERT(fixed_at(s, "tier.a.stock", 137, "t.ini", 8));
    CU_ASSERT(dist_at(s, "tier.a.exit", DIST_BETA, 2, 98, 0, "t.ini", 9));
    scenario_free(s);
    ERR("[scenario]\nname = t\nstart_year = 2022\nend_year = 2025#\n[tier a]\n",
        "t.ini:4: [scenario]: end_year: expected a year (a whole number from 1000 to 9999)");
    ERR(HEAD "[tier a]\nexit = beta(2, 98)# per year\n",
        "t.ini:6: tier 'a': exit: unexpected '# per year' after ')'");
}

static char enc_dir[64];

static const char *enc_file(const char *name, const char *bytes, size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", enc_dir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT(fwrite(bytes, 1, len, f) == len);
    CU_ASSERT(fclose(f) == 0);
    return path;
}

/* Each file of a `base =` chain is decoded on its own: a GB18030 base under
 * a UTF-8 child, its errors in its own name and line; the refusals of each
 * step; a base's file name is kept as written, full-width forms and all. */
static void test_encodings_in_chains(void)
{
    strcpy(enc_dir, "/tmp/tiersim_test_enc_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(enc_dir) != NULL);
    char path[256], want[512];
    size_t len;
    char *gb = to_gb18030(HEAD "[tier a]\nlabel = 甲（省级）\nstock = １３７\n", &len);
    enc_file("基（甲）.ini", gb, len);
    free(gb);
    static const char child[] = "[scenario]\nbase = 基（甲）.ini\n[tier a]\nexit = 3％\n";
    snprintf(path, sizeof path, "%s", enc_file("child.ini", child, sizeof child - 1));
    scenario *s = load_ok(path);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_files, 2);
    CU_ASSERT(s->files_gb18030[0] == 0 && s->files_gb18030[1] == 1);
    CU_ASSERT(strstr(s->files[1], "基（甲）.ini") != NULL);
    CU_ASSERT_STRING_EQUAL(s->tiers[0].label, "甲（省级）");
    CU_ASSERT(fixed_at(s, "tier.a.stock", 137, s->files[1], 7));
    CU_ASSERT(fixed_at(s, "tier.a.exit", 0.03, s->files[0], 4));
    scenario_free(s);

    /* the base's byte that is neither UTF-8 nor GB18030 */
    static const char bad_gb[] = "[scenario]\nname = b\nstart_year = 2022\nend_year = 2025\n"
                                 "label = \xC7\xE0\x80\n";
    enc_file("基（甲）.ini", bad_gb, sizeof bad_gb - 1);
    snprintf(want, sizeof want, "%s/基（甲）.ini:5: neither UTF-8 nor GB18030 (byte 0x80): "
             "save it as UTF-8", enc_dir);
    LOAD_ERR(path, want);
    /* a base saved as UTF-16 */
    enc_file("基（甲）.ini", "\xFE\xFF\0[", 4);
    snprintf(want, sizeof want, "%s/基（甲）.ini: saved as UTF-16 (it starts with FE FF): save it "
             "as UTF-8", enc_dir);
    LOAD_ERR(path, want);
    /* a byte after a UTF-8 mark */
    static const char bad_utf8[] = "\xEF\xBB\xBF[scenario]\nname = b\nlabel = \xE9\x9D\n";
    enc_file("基（甲）.ini", bad_utf8, sizeof bad_utf8 - 1);
    snprintf(want, sizeof want, "%s/基（甲）.ini:3: not valid UTF-8 (byte 0xE9), though the file "
             "starts with a UTF-8 byte-order mark", enc_dir);
    LOAD_ERR(path, want);
    /* the base's name read as ASCII would be another file */
    static const char child_ascii[] = "[scenario]\nbase = 基(甲).ini\n";
    enc_file("child.ini", child_ascii, sizeof child_ascii - 1);
    snprintf(want, sizeof want, "%s:2: base '%s/基(甲).ini': cannot read: No such file or "
             "directory", path, enc_dir);
    LOAD_ERR(path, want);

    /* In memory too (the fuzzer's way in): UTF-16 in either order. */
    scenario *m = (scenario *)&m;
    ts_err err;
    int rc = scenario_parse_mem(&m, "\xFF\xFE[\0", 4, "t.ini", &err);
    CU_ASSERT(check_refusal(rc, m, &err,
                            "t.ini: saved as UTF-16 (it starts with FF FE): save it as UTF-8"));
    snprintf(path, sizeof path, "%s/基（甲）.ini", enc_dir);
    remove(path);
    snprintf(path, sizeof path, "%s/child.ini", enc_dir);
    remove(path);
    CU_ASSERT(rmdir(enc_dir) == 0);
}

/* Lines of exactly 4096 characters are read; longer ones are refused with
 * their line number, whatever the line ending. */
static void test_long_lines(void)
{
    static const char *const endings[] = {"\n", "\r\n", ""};
    for (size_t e = 0; e < 3; e++) {
        for (size_t len = 4095; len <= 4098; len++) {
            size_t cap = len + 256;
            char *text = malloc(cap);
            CU_ASSERT_FATAL(text != NULL);
            /* the label line is line 6, the last line when there is no ending */
            int n = snprintf(text, cap, "%s[tier a]\nlabel = ", HEAD);
            memset(text + n, 'x', len - 8);
            snprintf(text + n + len - 8, cap - (size_t)n - len + 8, "%s%s", endings[e],
                     e < 2 ? "stock = 137\n" : "");
            CU_ASSERT(strlen(text) == (size_t)n + len - 8 + strlen(endings[e]) +
                                      (e < 2 ? 12 : 0));
            if (len <= 4096) {
                scenario *s = parse_ok(text);
                if (!s)
                    fprintf(stderr, "  (line of %zu characters, ending %zu)\n", len, e);
                CU_ASSERT(s != NULL);
                if (s) {
                    CU_ASSERT(strlen(s->tiers[0].label) == len - 8);
                    CU_ASSERT(s->tiers[0].label[0] == 'x');
                }
                scenario_free(s);
            } else {
                if (!err_is(text, "t.ini:6: line longer than 4096 characters")) {
                    fprintf(stderr, "  (line of %zu characters, ending %zu)\n", len, e);
                    CU_FAIL("long line");
                }
            }
            free(text);
        }
    }

    /* Far too long, later in the file. */
    size_t cap = 20000;
    char *text = malloc(cap);
    CU_ASSERT_FATAL(text != NULL);
    int n = snprintf(text, cap, "%s", AB "[policy p]\n" "scale = a.inflow : 1.1, ");
    memset(text + n, ' ', 9000);
    snprintf(text + n + 9000, cap - (size_t)n - 9000, "\nlabel = x\n");
    CU_ASSERT(err_is(text, "t.ini:9: line longer than 4096 characters"));
    free(text);
}

/* ------------------------------------------------------- syntax errors */

static void test_errors_lines(void)
{
    ERR(AB "[tier c]\nstock 137\n",
        "t.ini:9: malformed line (expected '[section]', 'key = value' or a comment)");
    ERR(HEAD "[tier a\nstock = 137\n",
        "t.ini:5: malformed line (expected '[section]', 'key = value' or a comment)");
    ERR("; comment\nname = t\n[scenario]\n", "t.ini:2: key 'name' before any section");
    ERR("\n\nstock: 3\n", "t.ini:3: key 'stock' before any section");
    ERR(AB "[tier c]\n[tiers d]\n",
        "t.ini:9: unknown section [tiers d] (expected scenario, tier NAME, transition A -> B, "
        "target NAME, policy NAME, event NAME, set, member NAME or shared PARAMETER)");
    ERR(AB "[]\n",
        "t.ini:8: unknown section [] (expected scenario, tier NAME, transition A -> B, "
        "target NAME, policy NAME, event NAME, set, member NAME or shared PARAMETER)");
    ERR(AB "[Tier c]\n",
        "t.ini:8: unknown section [Tier c] (expected scenario, tier NAME, transition A -> B, "
        "target NAME, policy NAME, event NAME, set, member NAME or shared PARAMETER)");
    ERR("[scenario main]\nname = t\n", "t.ini:1: [scenario] takes no name, got 'main'");
}

static void test_errors_section_names(void)
{
    ERR(AB "[tier]\n", "t.ini:8: [tier] needs a name");
    ERR(AB "[tier   ]\n", "t.ini:8: [tier   ] needs a name");
    ERR(AB "[target]\n", "t.ini:8: [target] needs a name");
    ERR(AB "[policy ]\n", "t.ini:8: [policy ] needs a name");
    ERR(AB "[transition a]\n", "t.ini:8: [transition a]: expected 'transition FROM -> TO'");
    ERR(AB "[transition]\n", "t.ini:8: [transition]: expected 'transition FROM -> TO'");
    ERR(AB "[transition -> b]\n",
        "t.ini:8: [transition -> b]: tier names are letters, digits and '_' (not starting "
        "with a digit, at most 63 characters)");
    ERR(AB "[transition a ->]\n",
        "t.ini:8: [transition a ->]: tier names are letters, digits and '_' (not starting "
        "with a digit, at most 63 characters)");
    ERR(AB "[transition a -> b -> c]\n",
        "t.ini:8: [transition a -> b -> c]: tier names are letters, digits and '_' (not "
        "starting with a digit, at most 63 characters)");
    ERR(AB "[transition 1a -> b]\n",
        "t.ini:8: [transition 1a -> b]: tier names are letters, digits and '_' (not starting "
        "with a digit, at most 63 characters)");
    ERR(HEAD "[tier 2a]\n",
        "t.ini:5: [tier 2a]: names are letters, digits and '_' (not starting with a digit, "
        "at most 63 characters)");
    ERR(HEAD "[tier a-b]\n",
        "t.ini:5: [tier a-b]: names are letters, digits and '_' (not starting with a digit, "
        "at most 63 characters)");
    ERR(HEAD "[tier a b]\n",
        "t.ini:5: [tier a b]: names are letters, digits and '_' (not starting with a digit, "
        "at most 63 characters)");
    ERR(HEAD "[tier 专精特新]\n",
        "t.ini:5: [tier 专精特新]: names are letters, digits and '_' (not starting with a "
        "digit, at most 63 characters)");
    ERR(HEAD "[tier " NAME64 "]\n",
        "t.ini:5: [tier " NAME64 "]: "
        "names are letters, digits and '_' (not starting with a digit, at most 63 "
        "characters)");
    ERR(AB "[policy a.b]\nscale = a.inflow : 2\n",
        "t.ini:8: [policy a.b]: names are letters, digits and '_' (not starting with a "
        "digit, at most 63 characters)");
    ERR(AB "[target 7]\nnew = 3\n",
        "t.ini:8: [target 7]: names are letters, digits and '_' (not starting with a digit, "
        "at most 63 characters)");
}

static void test_errors_unknown_keys(void)
{
    ERR("[scenario]\nname = t\nstrat_year = 2022\n[tier a]\n",
        "t.ini:3: [scenario]: strat_year: unknown key (expected name, label, start_year, "
        "end_year, start, known_until, replications, seed, base)");
    ERR(AB "stok = 3\n",
        "t.ini:8: tier 'b': stok: unknown key (expected label, stock, inflow, inflow_growth, "
        "inflow_dispersion, inflow_quota, exit, validity, renewal, expire_to, stock_cohorts, "
        "cumulative_start)");
    ERR(AB "rate = 0.2\n",
        "t.ini:8: tier 'b': rate: unknown key (expected label, stock, inflow, inflow_growth, "
        "inflow_dispersion, inflow_quota, exit, validity, renewal, expire_to, stock_cohorts, "
        "cumulative_start)");
    ERR(AB "Stock = 3\n",
        "t.ini:8: tier 'b': Stock: unknown key (expected label, stock, inflow, inflow_growth, "
        "inflow_dispersion, inflow_quota, exit, validity, renewal, expire_to, stock_cohorts, "
        "cumulative_start)");
    ERR(ABT "quote = 3\n",
        "t.ini:10: transition 'a -> b': quote: unknown key (expected rate, keep, quota)");
    ERR(ABT "[target b]\nnew = 3\nvalue = 3\n",
        "t.ini:12: target 'b': value: unknown key (expected tiers, new, stock, cumulative, tolerance)");
    ERR(ABT "[policy p]\nscale = a.inflow : 2\nscales = a.exit : 2\n",
        "t.ini:12: policy 'p': scales: unknown key (expected label, from, until, scale)");
    /* base belongs to [scenario] */
    ERR(AB "base = other.ini\n",
        "t.ini:8: tier 'b': base: unknown key (expected label, stock, inflow, inflow_growth, "
        "inflow_dispersion, inflow_quota, exit, validity, renewal, expire_to, stock_cohorts, "
        "cumulative_start)");
}

static void test_errors_duplicates(void)
{
    ERR(HEAD "[tier a]\nstock = 137\nstock = 138\n",
        "t.ini:7: duplicate key 'stock' in [tier a] (first at line 6)");
    ERR(HEAD "name = u\n", "t.ini:5: duplicate key 'name' in [scenario] (first at line 2)");
    ERR(ABT "keep = yes\nrate = 0.3\n",
        "t.ini:11: duplicate key 'rate' in [transition a->b] (first at line 9)");
    ERR(ABT "[policy p]\nlabel = x\nscale = a.inflow : 2\nlabel = y\n",
        "t.ini:13: duplicate key 'label' in [policy p] (first at line 11)");
    ERR(AB "[tier a]\n", "t.ini:8: duplicate section [tier a] (first at line 5)");
    ERR(AB "[tier  a ]\n", "t.ini:8: duplicate section [tier  a ] (first at line 5)");
    ERR(AB "[ tier\ta]\n", "t.ini:8: duplicate section [ tier\ta] (first at line 5)");
    ERR(ABT "[transition a->b]\n",
        "t.ini:10: duplicate section [transition a->b] (first at line 8)");
    ERR(ABT "[ transition  a  ->  b ]\n",
        "t.ini:10: duplicate section [ transition  a  ->  b ] (first at line 8)");
    ERR(AB "[scenario]\n", "t.ini:8: duplicate section [scenario] (first at line 1)");
    ERR(AB "[target a]\nnew = 3\n[target a]\n",
        "t.ini:10: duplicate section [target a] (first at line 8)");
    ERR(AB "[policy p]\n[policy p]\n", "t.ini:9: duplicate section [policy p] (first at line 8)");
    /* A tier, a target and a policy may share a name. */
    scenario *s = parse_ok(AB "[target a]\nnew = 3\n[policy a]\nscale = a.inflow : 2\n");
    CU_ASSERT(s != NULL);
    scenario_free(s);
}

/* ------------------------------------------------ structure and values */

static void test_errors_structure(void)
{
    ERR("; nothing\n", "t.ini: missing section [scenario]");
    ERR("", "t.ini: missing section [scenario]");
    ERR("[tier a]\nstock = 3\n", "t.ini: missing section [scenario]");
    ERR(HEAD, "t.ini: no [tier NAME] section");
    ERR(HEAD "[target a]\nnew = 3\n", "t.ini: no [tier NAME] section");
    ERR("[scenario]\nstart_year = 2022\nend_year = 2025\n[tier a]\n",
        "t.ini:1: [scenario]: missing key 'name'");
    ERR("; c\n[scenario]\nname = t\nend_year = 2025\n[tier a]\n",
        "t.ini:2: [scenario]: missing key 'start_year'");
    ERR("[scenario]\nname = t\nstart_year = 2022\n[tier a]\n",
        "t.ini:1: [scenario]: missing key 'end_year'");
    ERR("[scenario]\nname = t\nstart_year = 2025\nend_year = 2022\n[tier a]\n",
        "t.ini:4: [scenario]: end_year 2022 is before start_year 2025");
    ERR("[scenario]\nname = t\nend_year = 2024\n\nstart_year = 2025\n[tier a]\n",
        "t.ini:3: [scenario]: end_year 2024 is before start_year 2025");
    ERR("[scenario]\nname = t\nstart_year = 1900\nend_year = 2100\n[tier a]\n",
        "t.ini:4: [scenario]: more than 200 years from start_year to end_year");

    ERR(AB "[transition a -> zz]\nrate = 0.1\n",
        "t.ini:8: transition 'a -> zz': unknown tier 'zz'");
    ERR(AB "[transition zz -> a]\nrate = 0.1\n",
        "t.ini:8: transition 'zz -> a': unknown tier 'zz'");
    ERR(AB "[transition a -> A]\nrate = 0.1\n",
        "t.ini:8: transition 'a -> A': unknown tier 'A'");
    ERR(AB "[target zz]\nnew = 3\n", "t.ini:8: target 'zz': unknown tier 'zz'");
    ERR(AB "[transition a->a]\nrate = 0.1\n",
        "t.ini:8: transition 'a -> a': a tier cannot be promoted into itself");
    ERR(AB "[transition a -> b]\nkeep = yes\n",
        "t.ini:8: transition 'a -> b': missing key 'rate'");
    ERR(AB "[target b]\ntolerance = 10%\n", "t.ini:8: target 'b': missing key 'new', 'stock' or "
                                            "'cumulative'");
    ERR(ABT "[policy p]\nlabel = 无\nfrom = 2023\n",
        "t.ini:10: policy 'p': missing key 'scale'");
}

static void test_errors_scenario_values(void)
{
    ERR("[scenario]\nname = .hidden\n[tier a]\n",
        "t.ini:2: [scenario]: name: a name is letters, digits, '_', '-' and '.' (not starting "
        "with '.' or '-'), at most 63 characters");
    ERR("[scenario]\nname = a/b\n[tier a]\n",
        "t.ini:2: [scenario]: name: a name is letters, digits, '_', '-' and '.' (not starting "
        "with '.' or '-'), at most 63 characters");
    ERR("[scenario]\nname = 青岛\n[tier a]\n",
        "t.ini:2: [scenario]: name: a name is letters, digits, '_', '-' and '.' (not starting "
        "with '.' or '-'), at most 63 characters");
    ERR("[scenario]\nname =\n[tier a]\n",
        "t.ini:2: [scenario]: name: a name is letters, digits, '_', '-' and '.' (not starting "
        "with '.' or '-'), at most 63 characters");
    ERR("[scenario]\nname = " NAME64 "\n[tier a]\n",
        "t.ini:2: [scenario]: name: a name is letters, digits, '_', '-' and '.' (not starting "
        "with '.' or '-'), at most 63 characters");

    static const char *const years[] = {"999", "10000", "2022.0", "2e3", "twenty", "", "-2022"};
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        char text[256], want[256];
        snprintf(text, sizeof text, "[scenario]\nname = t\nstart_year = %s\n[tier a]\n", years[i]);
        CU_ASSERT(err_is(text, "t.ini:3: [scenario]: start_year: expected a year (a whole "
                               "number from 1000 to 9999)"));
        snprintf(text, sizeof text, "[scenario]\nname = t\nstart_year = 2022\n; x\n"
                                    "end_year = %s\n[tier a]\n", years[i]);
        snprintf(want, sizeof want, "t.ini:5: [scenario]: end_year: expected a year (a whole "
                                    "number from 1000 to 9999)");
        CU_ASSERT(err_is(text, want));
    }

    static const char *const reps[] = {"0", "-3", "abc", "12.5", "1e4", "1000000001", "0x10", ""};
    for (size_t i = 0; i < sizeof reps / sizeof reps[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, HEAD "replications = %s\n[tier a]\n", reps[i]);
        if (!err_is(text, "t.ini:5: [scenario]: replications: expected a whole number from 1 "
                          "to 1000000000"))
            CU_FAIL(reps[i]);
    }
    static const char *const seeds[] = {"-1", "18446744073709551616", "1.5", "seed", "1e3", ""};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "[scenario]\nname = t\nseed = %s\n[tier a]\n", seeds[i]);
        if (!err_is(text, "t.ini:3: [scenario]: seed: expected a whole number from 0 to "
                          "18446744073709551615"))
            CU_FAIL(seeds[i]);
    }
}

static void test_errors_tier_values(void)
{
    ERR(AB "exit = -0.1\n", "t.ini:8: tier 'b': exit: -0.1 is below 0");
    ERR(AB "exit = 1.2\n", "t.ini:8: tier 'b': exit: 1.2 is above 1");
    ERR(AB "exit = 102%\n", "t.ini:8: tier 'b': exit: 1.02 is above 1");
    ERR(HEAD "[tier a]\nstock = -5\n", "t.ini:6: tier 'a': stock: -5 is below 0");
    ERR(HEAD "[tier a]\nstock = 3.5\n", "t.ini:6: tier 'a': stock: 3.5 is not a whole number of firms");
    ERR(HEAD "[tier a]\nstock = nan\n", "t.ini:6: tier 'a': stock: expected a number, got 'nan'");
    ERR(HEAD "[tier a]\nstock = inf\n", "t.ini:6: tier 'a': stock: expected a number, got 'inf'");
    ERR(HEAD "[tier a]\nstock = 0x10\n",
        "t.ini:6: tier 'a': stock: expected a number, got '0x10'");
    ERR(HEAD "[tier a]\nstock = 1e400\n", "t.ini:6: tier 'a': stock: number '1e400' is too large");
    ERR(HEAD "[tier a]\nstock =\n", "t.ini:6: tier 'a': stock: empty value");
    ERR(HEAD "[tier a]\nstock = 1e19\n", "t.ini:6: tier 'a': stock: 1e+19 is above 2^62");
    ERR(AB "inflow = -2.385\n", "t.ini:8: tier 'b': inflow: -2.385 is below 0");
    ERR(AB "inflow_growth = -100%\n", "t.ini:8: tier 'b': inflow_growth: -1 is not above -1");
    ERR(AB "inflow_dispersion = -0.137\n", "t.ini:8: tier 'b': inflow_dispersion: -0.137 is below 0");
    ERR(AB "exit = beta(0, 2)\n", "t.ini:8: tier 'b': exit: beta needs a > 0, got 0");
    ERR(AB "exit = beta(2, -98)\n", "t.ini:8: tier 'b': exit: beta needs b > 0, got -98");
    ERR(AB "exit = Beta(2, 98)\n",
        "t.ini:8: tier 'b': exit: unknown distribution 'Beta'; did you mean 'beta'?");
    ERR(AB "exit = uniform(0.3, 0.2)\n",
        "t.ini:8: tier 'b': exit: uniform needs lo < hi, got 0.3 and 0.2");
    ERR(AB "exit = uniform(0.3, 1.2)\n",
        "t.ini:8: tier 'b': exit: uniform(0.3, 1.2) reaches above 1");
    ERR(AB "exit = lognormal(-3, 0.5)\n",
        "t.ini:8: tier 'b': exit: lognormal is unbounded above; use beta or a truncated normal "
        "for a probability");
    ERR(AB "exit = normal(-0.5, 0.1)\n",
        "t.ini:8: tier 'b': exit: normal(-0.5, 0.1) has less than 0.1% of its mass inside [0, 1]");
    ERR(AB "exit = beta(2, 98\n", "t.ini:8: tier 'b': exit: missing ')'");
    ERR(AB "exit = beta(2)\n", "t.ini:8: tier 'b': exit: beta takes 2 arguments, got 1");
    /* Numbers in messages are written as the user would write them. */
    ERR(AB "stock = uniform(-3, 10)\n", "t.ini:8: tier 'b': stock: uniform(-3, 10) reaches below 0");
    ERR(AB "exit = 20\n", "t.ini:8: tier 'b': exit: 20 is above 1");
    ERR(AB "stock = -100\n", "t.ini:8: tier 'b': stock: -100 is below 0");
}

static void test_errors_transition_values(void)
{
    ERR(AB "[transition a -> b]\nrate = 1.2\n", "t.ini:9: transition 'a -> b': rate: 1.2 is above 1");
    ERR(AB "[transition a -> b]\nrate = -0.2385\n",
        "t.ini:9: transition 'a -> b': rate: -0.2385 is below 0");
    ERR(AB "[transition a -> b]\nrate = lognormal(-3, 0.5)\n",
        "t.ini:9: transition 'a -> b': rate: lognormal is unbounded above; use beta or a "
        "truncated normal for a probability");
    ERR(AB "[transition a -> b]\nrate = gamma(2, 0.01)\n",
        "t.ini:9: transition 'a -> b': rate: gamma is unbounded above; use beta or a "
        "truncated normal for a probability");
    ERR(AB "[transition a -> b]\nrate = normal(-5, 0.1)\n",
        "t.ini:9: transition 'a -> b': rate: normal(-5, 0.1) has less than 0.1% of its mass "
        "inside [0, 1]");
    ERR(AB "[transition a -> b]\nrate = uniform(0.3, 0.2)\n",
        "t.ini:9: transition 'a -> b': rate: uniform needs lo < hi, got 0.3 and 0.2");
    ERR(AB "[transition a -> b]\nrate = beta(0, 2)\n",
        "t.ini:9: transition 'a -> b': rate: beta needs a > 0, got 0");
    ERR(AB "[transition a -> b]\nrate =\n", "t.ini:9: transition 'a -> b': rate: empty value");
    ERR(AB "[transition a -> b]\nrate = 0.2;x\n",
        "t.ini:9: transition 'a -> b': rate: expected a number, got '0.2;x'");
    ERR(AB "[transition a -> b]\nrate = 0.2\nkeep = Yes\n",
        "t.ini:10: transition 'a -> b': keep: expected yes or no");
    ERR(AB "[transition a -> b]\nrate = 0.2\nkeep =\n",
        "t.ini:10: transition 'a -> b': keep: expected yes or no");
    ERR(AB "[transition a -> b]\nrate = 0.2\nkeep = 2\n",
        "t.ini:10: transition 'a -> b': keep: expected yes or no");
    ERR(AB "[transition a -> b]\nrate = 0.2\nquota = 2.5\n",
        "t.ini:10: transition 'a -> b': quota: 2.5 is not a whole number of firms");
    ERR(AB "[transition a -> b]\nrate = 0.2\nquota = -17\n",
        "t.ini:10: transition 'a -> b': quota: -17 is below 0");

    /* Rates out of one tier summing above 1 at their means: on the tier's line. */
    ERR(AB "[tier c]\n"                                    /* 8 */
           "[transition a -> b]\nrate = 0.6\n"             /* 9-10 */
           "[transition b -> c]\nrate = 0.9\n"             /* 11-12: another tier */
           "[transition a -> c]\nrate = uniform(0.3, 0.7)\n",
        "t.ini:5: tier 'a': outgoing transition rates sum to 1.1 at their means (above 1)");
    ERR(AB "[tier c]\n"
           "[transition b -> a]\nrate = beta(3, 7)\n"
           "[transition b -> c]\nrate = 0.7385\n",
        "t.ini:7: tier 'b': outgoing transition rates sum to 1.0385 at their means (above 1)");
}

static void test_errors_target_values(void)
{
    ERR(AB "[target b]\nnew = 100\ntolerance = 100%\n",
        "t.ini:10: target 'b': tolerance: a tolerance is at least 0 and below 100%");
    ERR(AB "[target b]\nnew = 100\ntolerance = 1\n",
        "t.ini:10: target 'b': tolerance: a tolerance is at least 0 and below 100%");
    ERR(AB "[target b]\nnew = 100\ntolerance = -5%\n",
        "t.ini:10: target 'b': tolerance: a tolerance is at least 0 and below 100%");
    ERR(AB "[target b]\nnew = 100\ntolerance = about 10%\n",
        "t.ini:10: target 'b': tolerance: expected a number or a percentage");
    ERR(AB "[target b]\nnew = 0\n",
        "t.ini:9: target 'b': new: a target is a number of firms above 0 (and below 2^62)");
    ERR(AB "[target b]\nnew = -137\n",
        "t.ini:9: target 'b': new: a target is a number of firms above 0 (and below 2^62)");
    ERR(AB "[target b]\nnew = 5\nstock = 0\n",
        "t.ini:10: target 'b': stock: a target is a number of firms above 0 (and below 2^62)");
    ERR(AB "[target b]\nnew = 1e19\n",
        "t.ini:9: target 'b': new: a target is a number of firms above 0 (and below 2^62)");
    ERR(AB "[target b]\nnew = about 2000\n", "t.ini:9: target 'b': new: expected a number of firms");
    ERR(AB "[target b]\nnew = 10%\n", "t.ini:9: target 'b': new: expected a number of firms");
    ERR(AB "[target b]\nnew = uniform(1, 2)\n",
        "t.ini:9: target 'b': new: expected a number of firms");
}

static void test_errors_policy_values(void)
{
    /* ABT: tiers a (5) and b (7), transition a -> b (8); line 10 is the next. */
    ERR(ABT "[policy p]\nfrom = 2021\nscale = a.inflow : 2\n",
        "t.ini:11: policy 'p': from: the year is outside start_year .. end_year");
    ERR(ABT "[policy p]\nscale = a.inflow : 2\nuntil = 2026\n",
        "t.ini:12: policy 'p': until: the year is outside start_year .. end_year");
    ERR(ABT "[policy p]\nfrom = 2024\nuntil = 2023\nscale = a.inflow : 2\n",
        "t.ini:12: policy 'p': until: 'from' is after 'until'");
    ERR(ABT "[policy p]\nfrom = next year\nscale = a.inflow : 2\n",
        "t.ini:11: policy 'p': from: expected a year (a whole number from 1000 to 9999)");
    ERR(ABT "[policy p]\nscale = a.inflow 1.2\n",
        "t.ini:11: policy 'p': scale: 'a.inflow 1.2': expected 'FROM -> TO : factor', "
        "'TIER.inflow : factor' or 'TIER.exit : factor'");
    ERR(ABT "[policy p]\nscale =\n",
        "t.ini:11: policy 'p': scale: '': expected 'FROM -> TO : factor', "
        "'TIER.inflow : factor' or 'TIER.exit : factor'");
    ERR(ABT "[policy p]\nscale = b -> a : 1.2\n",
        "t.ini:11: policy 'p': scale: no transition 'b -> a' in the scenario");
    ERR(ABT "[policy p]\nscale = a -> zz : 1.2\n",
        "t.ini:11: policy 'p': scale: no transition 'a -> zz' in the scenario");
    ERR(ABT "[policy p]\nscale = a -> : 1.2\n",
        "t.ini:11: policy 'p': scale: 'a ->': expected 'FROM -> TO'");
    ERR(ABT "[policy p]\nscale = zz.inflow : 1.2\n",
        "t.ini:11: policy 'p': scale: unknown tier 'zz'");
    ERR(ABT "[policy p]\nscale = a.stock : 1.2\n",
        "t.ini:11: policy 'p': scale: 'a.stock': expected 'FROM -> TO', 'TIER.inflow' or "
        "'TIER.exit'");
    ERR(ABT "[policy p]\nscale = a : 1.2\n",
        "t.ini:11: policy 'p': scale: 'a': expected 'FROM -> TO', 'TIER.inflow' or "
        "'TIER.exit'");
    ERR(ABT "[policy p]\nscale = .inflow : 1.2\n",
        "t.ini:11: policy 'p': scale: '.inflow': expected a tier name before '.inflow'");
    ERR(ABT "[policy p]\nscale = a.inflow : 1.2, b.exit : 0.9, a.inflow : 1.3\n",
        "t.ini:11: policy 'p': scale: 'a.inflow' is scaled twice");
    ERR(ABT "[policy p]\nscale = a -> b : 1.2\nscale = a.exit : 0.9\nscale = a->b : 1.3\n",
        "t.ini:13: policy 'p': scale: 'a->b' is scaled twice");
    ERR(ABT "[policy p]\nscale = a.inflow : -1.2\n",
        "t.ini:11: policy 'p': scale: 'a.inflow': -1.2 is below 0");
    ERR(ABT "[policy p]\nscale = a.inflow : uniform(-0.5, 1.5)\n",
        "t.ini:11: policy 'p': scale: 'a.inflow': uniform(-0.5, 1.5) reaches below 0");
    ERR(ABT "[policy p]\nscale = a.inflow :\n",
        "t.ini:11: policy 'p': scale: 'a.inflow': empty value");
    /* Unbalanced parentheses: the distribution says what is wrong. */
    ERR(ABT "[policy p]\nscale = a.inflow : uniform(1.05, 1.2, a.exit : 0.9\n",
        "t.ini:11: policy 'p': scale: 'a.inflow': expected a number, got 'a.exit : 0.9'");
    ERR(ABT "[policy p]\nscale = a.inflow : uniform(1.05, 1.2\n",
        "t.ini:11: policy 'p': scale: 'a.inflow': missing ')'");
    ERR(ABT "[policy p]\nscale = a.inflow : uniform(1.05, 1.2)), a.exit : 0.9\n",
        "t.ini:11: policy 'p': scale: 'a.inflow': unexpected '), a.exit : 0.9' after ')'");
}

/* Limits: 256 tiers, 64 policies; names of 63 characters everywhere. */
static void test_limits(void)
{
    size_t cap = 64 * 1024;
    char *text = malloc(cap);
    CU_ASSERT_FATAL(text != NULL);
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = (size_t)snprintf(text, cap, "%s", HEAD);
        for (int k = 0; k < TS_MAX_TIERS + extra; k++)
            n += (size_t)snprintf(text + n, cap - n, "[tier t%d]\n", k);
        if (!extra) {
            scenario *s = parse_ok(text);
            CU_ASSERT(s != NULL && s->n_tiers == TS_MAX_TIERS);
            scenario_free(s);
        } else {
            /* HEAD is 4 lines: tier t256 is on line 5 + 256. */
            CU_ASSERT(err_is(text, "t.ini:261: tier 't256': more than 256 tiers"));
        }
    }
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = (size_t)snprintf(text, cap, "%s", AB);
        for (int k = 0; k < TS_MAX_POLICIES + extra; k++)
            n += (size_t)snprintf(text + n, cap - n, "[policy p%d]\nscale = a.inflow : 1.1\n", k);
        if (!extra) {
            scenario *s = parse_ok(text);
            CU_ASSERT(s != NULL && s->n_policies == TS_MAX_POLICIES);
            scenario_free(s);
        } else {
            /* AB is 7 lines, two per policy: p64 is on line 8 + 2 * 64. */
            CU_ASSERT(err_is(text, "t.ini:136: policy 'p64': more than 64 policies"));
        }
    }
    /* 1024 transitions: 33 tiers have 33 * 32 = 1056 pairs. */
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = (size_t)snprintf(text, cap, "%s", HEAD);
        for (int k = 0; k < 33; k++)
            n += (size_t)snprintf(text + n, cap - n, "[tier t%d]\n", k);
        int made = 0;
        for (int a = 0; a < 33 && made < TS_MAX_TRANSITIONS + extra; a++)
            for (int b = 0; b < 33 && made < TS_MAX_TRANSITIONS + extra; b++)
                if (a != b) {
                    n += (size_t)snprintf(text + n, cap - n, "[transition t%d -> t%d]\nrate = 0.01\n",
                                          a, b);
                    made++;
                }
        CU_ASSERT_FATAL(n < cap - 1);
        if (!extra) {
            scenario *s = parse_ok(text);
            CU_ASSERT(s != NULL && s->n_transitions == TS_MAX_TRANSITIONS);
            scenario_free(s);
        } else {
            /* the 1025th: tiers on lines 5-37, two lines per transition */
            CU_ASSERT(err_is(text, "t.ini:2086: transition 't32 -> t0': more than 1024 "
                                   "transitions"));
        }
    }
    /* A base and its child count together: the child's section past the
     * limit is named. */
    {
        size_t n = (size_t)snprintf(text, cap, "[scenario]\nbase = base.ini\n");
        for (int k = 0; k < TS_MAX_POLICIES; k++)
            n += (size_t)snprintf(text + n, cap - n, "[policy c%d]\nscale = a.inflow : 1.1\n", k);
        scenario *s = NULL;
        ts_err err;
        CU_ASSERT_EQUAL(scenario_parse_string(&s, text, DATA "mem.ini", &err), -1);
        /* base.ini has policy p; c63 is the 65th, on line 3 + 2 * 63 */
        CU_ASSERT_STRING_EQUAL(err.msg, DATA "mem.ini:129: policy 'c63': more than 64 policies");
    }
    /* Keys: at most 63 characters, at most 64 in one section. */
    {
        char key[128];
        memset(key, 'k', 64);
        key[64] = '\0';
        snprintf(text, cap, HEAD "[tier a]\n%s = 1\n", key);
        CU_ASSERT(err_is(text, "t.ini:6: tier 'a': key 'kkkkkkkkkkkkkkkkkkkkkkkk...' is longer "
                               "than 63 characters"));
        key[63] = '\0';
        snprintf(text, cap, HEAD "[tier a]\n%s = 1\n", key);
        CU_ASSERT(err_is(text, "t.ini:6: tier 'a': " NAME63_K ": unknown key (expected label, "
                               "stock, inflow, inflow_growth, inflow_dispersion, inflow_quota, "
                               "exit, validity, renewal, expire_to, stock_cohorts, "
                               "cumulative_start)"));
        size_t n = (size_t)snprintf(text, cap, "%s", AB "[policy p]\n");
        for (int k = 0; k < 65; k++)
            n += (size_t)snprintf(text + n, cap - n, "scale = a.inflow : 1.1\n");
        CU_ASSERT(err_is(text, "t.ini:73: policy 'p': more than 64 keys in one section"));
    }

    /* The longest names make whole parameter names. */
    char b63[TS_NAME_MAX];
    memset(b63, 'b', TS_NAME_MAX - 1);
    b63[TS_NAME_MAX - 1] = '\0';
    snprintf(text, cap, HEAD "[tier " NAME63 "]\n[tier %s]\n"                     /* 5-6 */
                             "[transition " NAME63 " -> %s]\nrate = 0.2385\nquota = 3\n" /* 7-9 */
                             "[policy %s]\nscale = " NAME63 " -> %s : 1.5, %s.exit : 2\n", /* 10-11 */
             b63, b63, b63, b63, b63);
    scenario *s = parse_ok(text);
    CU_ASSERT_FATAL(s != NULL);
    char want[512];
    snprintf(want, sizeof want, "tier.%s.inflow_dispersion", b63);
    CU_ASSERT(scenario_find_param(s, want) != TS_NO_PARAM);
    snprintf(want, sizeof want, "transition." NAME63 "->%s.quota", b63);
    CU_ASSERT(fixed_at(s, want, 3, "t.ini", 9));
    snprintf(want, sizeof want, "policy.%s.scale." NAME63 "->%s", b63, b63);
    CU_ASSERT(fixed_at(s, want, 1.5, "t.ini", 11));
    snprintf(want, sizeof want, "policy.%s.scale.%s.exit", b63, b63);
    CU_ASSERT(fixed_at(s, want, 2, "t.ini", 11));
    scenario_free(s);
    free(text);
}

/* Numbers at the edges: -0 is 0 (never a negative zero in the struct), the
 * largest and smallest doubles are accepted where the range allows, hex
 * floats and non-numbers are refused; labels keep any UTF-8 text. */
static void test_numbers_at_the_edges(void)
{
    scenario *s = parse_ok(HEAD "[tier b]\nstock = -0\nexit = -0%\ninflow = 1.7976931348623157e308\n"
                                "inflow_growth = -0.0\ninflow_dispersion = 4.9e-324\n"
                                "label = 专精特新“小巨人” é ü \xF0\x9F\x8F\xAD\n");
    CU_ASSERT_FATAL(s != NULL);
    const ts_param *p = param(s, "tier.b.stock");
    CU_ASSERT(p && p->value.p[0] == 0.0 && !signbit(p->value.p[0]));
    p = param(s, "tier.b.exit");
    CU_ASSERT(p && p->value.p[0] == 0.0 && !signbit(p->value.p[0]));
    p = param(s, "tier.b.inflow_growth");
    CU_ASSERT(p && p->value.p[0] == 0.0 && !signbit(p->value.p[0]));
    CU_ASSERT(fixed_at(s, "tier.b.inflow", 1.7976931348623157e308, "t.ini", 8));
    CU_ASSERT(fixed_at(s, "tier.b.inflow_dispersion", 4.9e-324, "t.ini", 10));
    CU_ASSERT_STRING_EQUAL(s->tiers[0].label, "专精特新“小巨人” é ü \xF0\x9F\x8F\xAD");
    scenario_free(s);

    ERR(HEAD "[tier b]\ninflow = 0x1p3\n", "t.ini:6: tier 'b': inflow: expected a number, got '0x1p3'");
    ERR(HEAD "[tier b]\ninflow = 1.8e308\n", "t.ini:6: tier 'b': inflow: number '1.8e308' is too large");
    ERR(HEAD "[tier b]\ninflow = infinity\n",
        "t.ini:6: tier 'b': inflow: expected a number, got 'infinity'");
    ERR(HEAD "[tier b]\ninflow = 1,000\n", "t.ini:6: tier 'b': inflow: expected a number, got '1,000'");
    /* 2^62 firms is the most; the next double above is refused. */
    s = parse_ok(HEAD "[tier b]\nstock = 4611686018427387904\n");
    CU_ASSERT(s != NULL);
    scenario_free(s);
    ERR(HEAD "[tier b]\nstock = 4611686018427388928\n",
        "t.ini:6: tier 'b': stock: 4.611686018e+18 is above 2^62");
    /* A name in another script is refused with its bytes quoted whole. */
    ERR(HEAD "[tier 青岛]\n",
        "t.ini:5: [tier 青岛]: names are letters, digits and '_' (not starting with a digit, at "
        "most 63 characters)");
    /* Control characters in a value are quoted as escapes: the message stays one line. */
    ERR(HEAD "[tier b]\ninflow = 1\x01" "2\n",
        "t.ini:6: tier 'b': inflow: expected a number, got '1\\x012'");
    ERR(HEAD "[tier b]\ninflow = 1\r2\n", "t.ini:6: tier 'b': inflow: expected a number, got '1\\r2'");
}

/* ---------------------------------------------------------- files */

static void test_errors_files(void)
{
    LOAD_ERR(DATA "missing.ini", DATA "missing.ini: cannot read: No such file or directory");
    LOAD_ERR(DATA "nul.ini", DATA "nul.ini:6: NUL byte in the file (saved as UTF-16, or not text): "
                                  "save it as UTF-8");
    CU_ASSERT(load_err_starts(DATA "sub", DATA "sub: cannot read: "));
    LOAD_ERR(DATA "base_missing.ini",
             DATA "base_missing.ini:3: base '" DATA "nowhere.ini': cannot read: No such file "
                  "or directory");
    /* Cycles: a -> b -> a is reported where it closes; a file naming itself. */
    LOAD_ERR(DATA "cycle_a.ini",
             DATA "cycle_b.ini:3: base '" DATA "cycle_a.ini': inheritance cycle");
    LOAD_ERR(DATA "cycle_b.ini",
             DATA "cycle_a.ini:2: base '" DATA "cycle_b.ini': inheritance cycle");
    LOAD_ERR(DATA "self.ini", DATA "self.ini:3: base '" DATA "self.ini': inheritance cycle");
    ERR("[scenario]\nname = t\nbase =\n", "t.ini:3: base: expected a file name");
    /* In memory, `base` is relative to the directory of the name. */
    ts_err err;
    scenario *s = NULL;
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = nowhere.ini\n",
                                          DATA "mem.ini", &err), -1);
    CU_ASSERT(s == NULL);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "mem.ini:2: base '" DATA "nowhere.ini': cannot read: "
                                    "No such file or directory");
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = tests/nowhere.ini\n",
                                          "t.ini", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "t.ini:2: base 'tests/nowhere.ini': cannot read: No such "
                                    "file or directory");
}

/* deep/dNN.ini inherits deep/d(NN+1).ini; d17.ini is the root.  d01 has 16
 * levels of inheritance above it (allowed), d00 has 17 (refused where the
 * 17th base is named). */
static void test_base_depth(void)
{
    scenario *s = load_ok(DATA "deep/d01.ini");
    CU_ASSERT(s != NULL);
    if (s) {
        CU_ASSERT_STRING_EQUAL(s->name, "deep");
        CU_ASSERT_EQUAL(s->n_files, 17);
        CU_ASSERT(fixed_at(s, "tier.a.stock", 137, DATA "deep/d17.ini", 7));
    }
    scenario_free(s);
    s = load_ok(DATA "deep/d02.ini");
    CU_ASSERT(s != NULL);
    scenario_free(s);
    LOAD_ERR(DATA "deep/d00.ini", DATA "deep/d16.ini:3: base '" DATA
                                  "deep/d17.ini': more than 16 levels of inheritance");

    /* The same chains from memory count the same way. */
    s = parse_as("[scenario]\nbase = d02.ini\n", DATA "deep/d01.ini");
    CU_ASSERT(s != NULL);
    scenario_free(s);
    ts_err err;
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = d01.ini\n", DATA "deep/d00.ini",
                                          &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "deep/d16.ini:3: base '" DATA
                                    "deep/d17.ini': more than 16 levels of inheritance");
}

/* ---------------------------------------------------------- inheritance */

static void test_inherit_base_alone(void)
{
    scenario *s = load_ok(DATA "base.ini");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->path, DATA "base.ini");
    CU_ASSERT_STRING_EQUAL(s->name, "base");
    CU_ASSERT_STRING_EQUAL(s->label, "基础 base scenario");
    CU_ASSERT(s->replications == 137 && s->seed == 4242);
    CU_ASSERT(s->start_year == 2022 && s->end_year == 2025);
    CU_ASSERT(s->n_tiers == 2 && s->n_transitions == 1 && s->n_targets == 1 &&
              s->n_policies == 1);
    CU_ASSERT(s->n_files == 1 && same_str(s->files[0], DATA "base.ini"));
    CU_ASSERT_EQUAL_FATAL(s->policies[0].n_scales, 2);
    CU_ASSERT(fixed_at(s, "policy.p.scale.a->b", 1.25, DATA "base.ini", 31));
    CU_ASSERT(fixed_at(s, "policy.p.scale.a.inflow", 1.1, DATA "base.ini", 32));
    scenario_free(s);
}

static void test_inherit_child(void)
{
    const char *B = DATA "base.ini", *C = DATA "child.ini";
    scenario *s = load_ok(C);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->path, C);
    CU_ASSERT_EQUAL(s->n_files, 2);
    /* [scenario]: name and end_year from the child, the rest from the base. */
    CU_ASSERT_STRING_EQUAL(s->name, "child");
    CU_ASSERT_STRING_EQUAL(s->label, "基础 base scenario");
    CU_ASSERT_EQUAL(s->start_year, 2022);
    CU_ASSERT_EQUAL(s->end_year, 2024);
    CU_ASSERT(s->replications == 137 && s->seed == 4242);

    /* Tiers: the base's first, then the child's new one. */
    CU_ASSERT_EQUAL_FATAL(s->n_tiers, 3);
    CU_ASSERT_STRING_EQUAL(s->tiers[0].name, "a");
    CU_ASSERT_STRING_EQUAL(s->tiers[1].name, "b");
    CU_ASSERT_STRING_EQUAL(s->tiers[2].name, "c");
    CU_ASSERT_STRING_EQUAL(s->tiers[0].label, "甲 (tier a)");
    CU_ASSERT(same_str(s->tiers[0].file, B) && s->tiers[0].line == 10);
    CU_ASSERT(same_str(s->tiers[2].file, C) && s->tiers[2].line == 10);
    CU_ASSERT_STRING_EQUAL(s->tiers[2].label, "c");
    /* Key by key: the child's exit, the base's stock and inflow where written. */
    CU_ASSERT(fixed_at(s, "tier.a.stock", 137, B, 12));
    CU_ASSERT(fixed_at(s, "tier.a.inflow", 23.85, B, 13));
    CU_ASSERT(fixed_at(s, "tier.a.exit", 0.0412, C, 8));
    CU_ASSERT(fixed_at(s, "tier.a.inflow_growth", 0, NULL, 0));
    CU_ASSERT(fixed_at(s, "tier.b.stock", 41, B, 17));
    CU_ASSERT(fixed_at(s, "tier.c.stock", 7, C, 11));

    /* Transitions: the child's rate replaces the base's; keep and quota stay. */
    CU_ASSERT_EQUAL_FATAL(s->n_transitions, 2);
    long ab = transition(s, "a", "b"), bc = transition(s, "b", "c");
    CU_ASSERT_FATAL(ab >= 0 && bc >= 0);
    CU_ASSERT(dist_at(s, "transition.a->b.rate", DIST_UNIFORM, 0.1, 0.3, 0, C, 14));
    CU_ASSERT_EQUAL(s->transitions[ab].keep, 1);
    CU_ASSERT(fixed_at(s, "transition.a->b.quota", 17, B, 22));
    CU_ASSERT(same_str(s->transitions[ab].file, B) && s->transitions[ab].line == 19);
    CU_ASSERT(fixed_at(s, "transition.b->c.rate", 0.0731, C, 17));
    CU_ASSERT(s->transitions[bc].p_quota == TS_NO_PARAM);
    CU_ASSERT_EQUAL(s->transitions[bc].keep, 0);
    CU_ASSERT(same_str(s->transitions[bc].file, C) && s->transitions[bc].line == 16);

    /* Targets: the base's and the child's new one. */
    CU_ASSERT_EQUAL_FATAL(s->n_targets, 2);
    CU_ASSERT(s->targets[0].tier == 1 && s->targets[0].kind == TS_TARGET_NEW &&
              s->targets[0].threshold == 1800 && same_str(s->targets[0].file, B) &&
              s->targets[0].line == 25);
    CU_ASSERT(s->targets[1].tier == 2 && s->targets[1].kind == TS_TARGET_STOCK &&
              s->targets[1].threshold == 11 && same_str(s->targets[1].file, C) &&
              s->targets[1].line == 20);

    /* Policies: the child's scale list replaces the base's whole list; label
     * and from stay; until follows the child's end_year. */
    CU_ASSERT_EQUAL_FATAL(s->n_policies, 2);
    const ts_policy *p = policy(s, "p"), *q = policy(s, "q");
    CU_ASSERT_FATAL(p != NULL && q != NULL);
    CU_ASSERT_STRING_EQUAL(p->label, "政策 p");
    CU_ASSERT_EQUAL(p->from, 2023);
    CU_ASSERT_EQUAL(p->until, 2024);
    CU_ASSERT_EQUAL_FATAL(p->n_scales, 1);
    CU_ASSERT_EQUAL(p->scales[0].kind, TS_SCALE_EXIT);
    CU_ASSERT_EQUAL(p->scales[0].index, 1);
    CU_ASSERT(fixed_at(s, "policy.p.scale.b.exit", 0.9, C, 23));
    CU_ASSERT_EQUAL(scenario_find_param(s, "policy.p.scale.a->b"), TS_NO_PARAM);
    CU_ASSERT_EQUAL(scenario_find_param(s, "policy.p.scale.a.inflow"), TS_NO_PARAM);
    CU_ASSERT_EQUAL_FATAL(q->n_scales, 1);
    CU_ASSERT(q->scales[0].kind == TS_SCALE_RATE && q->scales[0].index == (size_t)bc);
    CU_ASSERT(fixed_at(s, "policy.q.scale.b->c", 1.5, C, 26));
    CU_ASSERT(same_str(q->file, C) && q->line == 25);

    ts_err err;
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "r", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "child.ini: unknown policy 'r' (the scenario has: p, q)");
    scenario_free(s);
}

static void test_inherit_grandchild(void)
{
    /* base = ../child.ini, whose base = base.ini is relative to child.ini's directory. */
    const char *G = DATA "sub/grandchild.ini", *C = DATA "sub/../child.ini",
               *B = DATA "sub/../base.ini";
    scenario *s = load_ok(G);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(s->n_files, 3);
    CU_ASSERT_STRING_EQUAL(s->name, "grandchild");
    CU_ASSERT_EQUAL(s->end_year, 2024);
    CU_ASSERT(fixed_at(s, "tier.c.inflow", 3.25, G, 6));
    CU_ASSERT(fixed_at(s, "tier.c.stock", 7, C, 11));
    CU_ASSERT(fixed_at(s, "tier.a.stock", 137, B, 12));
    CU_ASSERT(fixed_at(s, "tier.a.exit", 0.0412, C, 8));
    CU_ASSERT(s->n_tiers == 3 && s->n_transitions == 2 && s->n_policies == 2);
    scenario_free(s);

    /* From memory: base relative to the directory of the name given. */
    s = parse_as("[scenario]\nbase = base.ini\nname = mem\n[tier a]\nstock = 138\n",
                 DATA "mem.ini");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->name, "mem");
    CU_ASSERT_STRING_EQUAL(s->path, DATA "mem.ini");
    CU_ASSERT(fixed_at(s, "tier.a.stock", 138, DATA "mem.ini", 5));
    CU_ASSERT(fixed_at(s, "tier.a.inflow", 23.85, DATA "base.ini", 13));
    CU_ASSERT_EQUAL(s->n_tiers, 2);
    scenario_free(s);

    /* A child that keeps a policy's scale but changes its label. */
    s = parse_as("[scenario]\nbase = base.ini\n[policy p]\nlabel = new label\n", DATA "mem.ini");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_STRING_EQUAL(s->policies[0].label, "new label");
    CU_ASSERT_EQUAL(s->policies[0].n_scales, 2);
    CU_ASSERT(fixed_at(s, "policy.p.scale.a->b", 1.25, DATA "base.ini", 31));
    scenario_free(s);
}

static void test_inherit_errors(void)
{
    /* An error in the child's text points into the child... */
    LOAD_ERR(DATA "child_bad_rate.ini",
             DATA "child_bad_rate.ini:5: transition 'a -> b': rate: 1.3 is above 1");
    /* ...an error in the base's text into the base. */
    LOAD_ERR(DATA "child_of_bad.ini", DATA "bad_base.ini:7: tier 'a': exit: 1.5 is above 1");
    /* A child's end_year: the message names the child, where it is written. */
    LOAD_ERR(DATA "child_years.ini",
             DATA "child_years.ini:3: [scenario]: end_year 2020 is before start_year 2022");

    const char *M = DATA "mem.ini";
    ts_err err;
    scenario *s = NULL;
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = base.ini\nend_year = 2300\n",
                                          M, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "mem.ini:3: [scenario]: more than 200 years from "
                                    "start_year to end_year");
    /* A child's start_year after the base's end_year: on the base's end_year line. */
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = base.ini\nstart_year = 2030\n",
                                          M, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "base.ini:6: [scenario]: end_year 2025 is before "
                                    "start_year 2030");
    /* A base that cannot be read names the child's line (a directory here). */
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = sub\n", M, &err), -1);
    CU_ASSERT_NSTRING_EQUAL(err.msg, DATA "mem.ini:2: base", strlen(DATA "mem.ini:2: base"));
    /* A base that is not valid text: the message points into the base. */
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = nul.ini\n", M, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "nul.ini:6: NUL byte in the file (saved as UTF-16, or "
                                         "not text): save it as UTF-8");
    /* A child's transition pushes the base's tier over 1: on the tier's line in the base. */
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = base.ini\n"
                                              "[transition a -> b]\nrate = 0.8\n"
                                              "[tier c]\n[transition a -> c]\nrate = 0.2385\n",
                                          M, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "base.ini:10: tier 'a': outgoing transition rates sum "
                                    "to 1.0385 at their means (above 1)");
    /* A child's policy years are checked against the child's years. */
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = base.ini\nend_year = 2022\n",
                                          M, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "base.ini:30: policy 'p': from: the year is outside "
                                    "start_year .. end_year");
    /* A child's unknown key, and a child's duplicate key within its own file. */
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = base.ini\n[tier b]\nexits = 1\n",
                                          M, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "mem.ini:4: tier 'b': exits: unknown key (expected "
                                    "label, stock, inflow, inflow_growth, inflow_dispersion, "
                                    "inflow_quota, exit, validity, renewal, expire_to, "
                                    "stock_cohorts, cumulative_start)");
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = base.ini\n[tier b]\nstock = 1\n"
                                              "stock = 2\n", M, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "mem.ini:5: duplicate key 'stock' in [tier b] (first "
                                    "at line 4)");
    /* A child's scale naming a transition only the base has is fine; one it lacks is not. */
    CU_ASSERT_EQUAL(scenario_parse_string(&s, "[scenario]\nbase = base.ini\n[policy p]\n"
                                              "scale = b -> a : 2\n", M, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, DATA "mem.ini:4: policy 'p': scale: no transition 'b -> a' "
                                    "in the scenario");
    CU_ASSERT(s == NULL);
}

/* A section header of 4098 characters on the last line (no newline): a line
 * too long, not a write past the header buffer (run under AddressSanitizer).
 * Last in the suite because the overflow may abort it. */
static void test_long_header_at_eof(void)
{
    size_t cap = 8192;
    char *text = malloc(cap);
    CU_ASSERT_FATAL(text != NULL);
    int n = snprintf(text, cap, "%s[tier ", AB);
    memset(text + n, 'a', 4091);
    snprintf(text + n + 4091, cap - (size_t)n - 4091, "]");
    CU_ASSERT(strlen(text) == sizeof AB - 1 + 4098);
    CU_ASSERT(err_is(text, "t.ini:8: line longer than 4096 characters"));
    free(text);
}

/* ------------------------------------- dates: start, known_until, period ends */

static int month_is(int ym, const char *want)
{
    char buf[8];
    scenario_month_format(ym, buf, sizeof buf);
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "\n  month %d is %s, want %s\n", ym, buf, want);
        return 0;
    }
    return 1;
}

static void test_dates(void)
{
    /* Defaults: January; known until the month before it. */
    scenario *s = parse_ok(HEAD "[tier a]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(s->start_month, 1);
    CU_ASSERT_EQUAL(s->known_until, 2021 * 12 + 11);
    CU_ASSERT(month_is(s->known_until, "2021-12"));
    CU_ASSERT_EQUAL(scenario_period_end(s, 2022), 2022 * 12 + 11);
    CU_ASSERT(month_is(scenario_period_end(s, 2022), "2022-12"));
    CU_ASSERT(month_is(scenario_period_end(s, 2025), "2025-12"));
    scenario_free(s);

    /* start written before start_year: it is read after the other keys. */
    s = parse_ok("[scenario]\nname = t\nstart = 2022-07\nstart_year = 2022\nend_year = 2025\n"
                 "known_until = 2022-07\n[tier a]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(s->start_month, 7);
    CU_ASSERT_EQUAL(s->known_until, 2022 * 12 + 6);
    CU_ASSERT(month_is(s->known_until, "2022-07"));
    /* For start 2022-07, update 2022 ends 2023-06 (DESIGN.md). */
    CU_ASSERT_EQUAL(scenario_period_end(s, 2022), 2023 * 12 + 5);
    CU_ASSERT(month_is(scenario_period_end(s, 2022), "2023-06"));
    CU_ASSERT(month_is(scenario_period_end(s, 2025), "2026-06"));
    scenario_free(s);

    s = parse_ok(HEAD "start = 2022-12\n[tier a]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(s->start_month, 12);
    CU_ASSERT(month_is(s->known_until, "2022-11"));
    CU_ASSERT(month_is(scenario_period_end(s, 2023), "2024-11"));
    scenario_free(s);

    s = parse_ok(HEAD "start = 2022-02\nknown_until = 1999-01\n[tier a]\n");
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT(month_is(scenario_period_end(s, 2024), "2025-01"));
    CU_ASSERT(month_is(s->known_until, "1999-01"));
    scenario_free(s);

    CU_ASSERT(month_is(1000 * 12, "1000-01"));
    CU_ASSERT(month_is(9999 * 12 + 11, "9999-12"));
    char small[4];
    scenario_month_format(2022 * 12 + 6, small, sizeof small);
    CU_ASSERT_STRING_EQUAL(small, "202");
}

static void test_errors_dates(void)
{
    ERR(HEAD "start = 2022-13\n[tier a]\n",
        "t.ini:5: [scenario]: start: month 13 is not from 01 to 12");
    ERR(HEAD "start = 2022-00\n[tier a]\n",
        "t.ini:5: [scenario]: start: month 00 is not from 01 to 12");
    static const char *const bad[] = {"2022-7", "2022/07", "22-07", "2022-07-01", "0999-07",
                                      "July 2022", "2022-0x", "", "+202-07"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256], want[256];
        snprintf(text, sizeof text, HEAD "start = %s\n[tier a]\n", bad[i]);
        snprintf(want, sizeof want, "t.ini:5: [scenario]: start: expected YYYY-MM, got '%s'",
                 bad[i]);
        if (!err_is(text, want))
            CU_FAIL(bad[i]);
        snprintf(text, sizeof text, HEAD "known_until = %s\n[tier a]\n", bad[i]);
        snprintf(want, sizeof want, "t.ini:5: [scenario]: known_until: expected YYYY-MM, got "
                 "'%s'", bad[i]);
        if (!err_is(text, want))
            CU_FAIL(bad[i]);
    }
    ERR(HEAD "known_until = 2022-13\n[tier a]\n",
        "t.ini:5: [scenario]: known_until: month 13 is not from 01 to 12");
    ERR(HEAD "start = 2023-07\n[tier a]\n",
        "t.ini:5: [scenario]: start: 2023-07 is not in start_year 2022");
    ERR(HEAD "start = 2021-12\n[tier a]\n",
        "t.ini:5: [scenario]: start: 2021-12 is not in start_year 2022");
    ERR(HEAD "start@2023 = 2022-07\n[tier a]\n",
        "t.ini:5: [scenario]: start@2023: start takes no @YEAR");
}

/* ------------------------------------------------------------ KEY@YEAR */

/* Schedule sc has n steps: the years and the parameters' names (NULL for
 * "none"). */
static int sched_is(const scenario *s, const ts_sched *sc, size_t n, const int *years,
                    const char *const *names)
{
    if (sc->n != n) {
        fprintf(stderr, "\n  %zu steps, want %zu\n", sc->n, n);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        int ok = sc->steps[i].year == years[i] &&
                 (names[i] ? sc->steps[i].p < s->n_params &&
                                 !strcmp(s->params[sc->steps[i].p].name, names[i])
                           : sc->steps[i].p == TS_NO_PARAM);
        if (!ok) {
            fprintf(stderr, "\n  step %zu: %d %s, want %d %s\n", i, sc->steps[i].year,
                    sc->steps[i].p == TS_NO_PARAM ? "(none)" : pname(s, sc->steps[i].p),
                    years[i], names[i] ? names[i] : "(none)");
            return 0;
        }
    }
    return 1;
}

#define SCHED(s, sc, ...)                                                                   \
    do {                                                                                    \
        static const struct {                                                               \
            int y;                                                                          \
            const char *name;                                                               \
        } st_[] = {__VA_ARGS__};                                                            \
        int ys_[16];                                                                        \
        const char *ns_[16];                                                                \
        size_t n_ = sizeof st_ / sizeof st_[0];                                             \
        for (size_t i_ = 0; i_ < n_; i_++) {                                                \
            ys_[i_] = st_[i_].y;                                                            \
            ns_[i_] = st_[i_].name;                                                         \
        }                                                                                   \
        CU_ASSERT(sched_is((s), (sc), n_, ys_, ns_));                                       \
    } while (0)

/* The parameters of s are exactly these, in this order. */
static int params_are(const scenario *s, const char *const *names, size_t n)
{
    int ok = s->n_params == n;
    for (size_t i = 0; i < n && i < s->n_params; i++)
        if (strcmp(s->params[i].name, names[i]) != 0) {
            fprintf(stderr, "\n  parameter %zu is %s, want %s\n", i, s->params[i].name,
                    names[i]);
            ok = 0;
        }
    if (s->n_params != n)
        fprintf(stderr, "\n  %zu parameters, want %zu\n", s->n_params, n);
    return ok;
}

static void test_schedules(void)
{
    scenario *s = parse_ok(HEAD
                           "[tier a]\n"                            /* 5 */
                           "stock = 137\n"                         /* 6 */
                           "inflow@2025 = 40\n"                    /* 7 */
                           "inflow = 23.85\n"                      /* 8 */
                           "inflow @ 2023 = 31.5\n"                /* 9: blanks around @ */
                           "exit@2024 = beta(2, 98)\n"             /* 10 */
                           "inflow_quota@2024 = 17\n"              /* 11 */
                           "inflow_growth@2023 = 5%\n"             /* 12 */
                           "inflow_dispersion@2025 = 0.137\n"      /* 13 */
                           "[tier b]\n"                            /* 14 */
                           "inflow_quota = uniform(11, 19)\n"      /* 15 */
                           "[transition a -> b]\n"                 /* 16 */
                           "rate = 0.2385\n"                       /* 17 */
                           "rate@2024 = fit(beta(2, 30))\n"        /* 18 */
                           "quota@2025 = 9\n"                      /* 19 */
                           "quota@2023 = uniform(3, 8)\n"          /* 20 */
                           "[transition b -> a]\n"                 /* 21 */
                           "rate = 0.1\n"                          /* 22 */
                           "quota = 3\n");                         /* 23 */
    CU_ASSERT_FATAL(s != NULL);
    const ts_tier *a = &s->tiers[0], *b = &s->tiers[1];
    SCHED(s, &a->inflow, {2022, "tier.a.inflow"}, {2023, "tier.a.inflow@2023"},
          {2025, "tier.a.inflow@2025"});
    SCHED(s, &a->growth, {2022, "tier.a.inflow_growth"}, {2023, "tier.a.inflow_growth@2023"});
    SCHED(s, &a->dispersion, {2022, "tier.a.inflow_dispersion"},
          {2025, "tier.a.inflow_dispersion@2025"});
    SCHED(s, &a->exit, {2022, "tier.a.exit"}, {2024, "tier.a.exit@2024"});
    SCHED(s, &a->inflow_quota, {2022, NULL}, {2024, "tier.a.inflow_quota@2024"});
    SCHED(s, &b->inflow, {2022, "tier.b.inflow"});
    SCHED(s, &b->exit, {2022, "tier.b.exit"});
    SCHED(s, &b->inflow_quota, {2022, "tier.b.inflow_quota"});
    CU_ASSERT(a->renewal.n == 0 && b->renewal.n == 0);
    /* The p_ fields are the first steps. */
    CU_ASSERT(a->p_inflow == a->inflow.steps[0].p && a->p_growth == a->growth.steps[0].p &&
              a->p_dispersion == a->dispersion.steps[0].p && a->p_exit == a->exit.steps[0].p);
    CU_ASSERT(b->p_inflow == b->inflow.steps[0].p);
    /* Values, lines, whole numbers; a key given only @YEAR has its default first. */
    CU_ASSERT(fixed_at(s, "tier.a.inflow", 23.85, "t.ini", 8));
    CU_ASSERT(fixed_at(s, "tier.a.inflow@2023", 31.5, "t.ini", 9));
    CU_ASSERT(fixed_at(s, "tier.a.inflow@2025", 40, "t.ini", 7));
    CU_ASSERT(fixed_at(s, "tier.a.inflow_growth", 0, NULL, 0));
    CU_ASSERT(fixed_at(s, "tier.a.inflow_growth@2023", 0.05, "t.ini", 12));
    CU_ASSERT(s->params[a->growth.steps[1].p].value.range.lo_open);
    CU_ASSERT(dist_at(s, "tier.a.exit@2024", DIST_BETA, 2, 98, 0, "t.ini", 10));
    CU_ASSERT(s->params[a->exit.steps[1].p].value.range.hi == 1.0);
    CU_ASSERT(fixed_at(s, "tier.a.inflow_quota@2024", 17, "t.ini", 11));
    CU_ASSERT(s->params[a->inflow_quota.steps[1].p].integer);
    CU_ASSERT(dist_at(s, "tier.b.inflow_quota", DIST_UNIFORM, 11, 19, 0, "t.ini", 15));
    CU_ASSERT(s->params[b->inflow_quota.steps[0].p].integer);
    CU_ASSERT(!s->params[a->inflow.steps[1].p].integer);

    const ts_transition *ab = &s->transitions[0], *ba = &s->transitions[1];
    SCHED(s, &ab->rate, {2022, "transition.a->b.rate"}, {2024, "transition.a->b.rate@2024"});
    SCHED(s, &ab->quota, {2022, NULL}, {2023, "transition.a->b.quota@2023"},
          {2025, "transition.a->b.quota@2025"});
    SCHED(s, &ba->rate, {2022, "transition.b->a.rate"});
    SCHED(s, &ba->quota, {2022, "transition.b->a.quota"});
    CU_ASSERT(ab->p_rate == ab->rate.steps[0].p && ab->p_quota == TS_NO_PARAM);
    CU_ASSERT(ba->p_quota == ba->quota.steps[0].p);
    const ts_param *fp = param(s, "transition.a->b.rate@2024");
    CU_ASSERT(fp && fp->fit && fp->has_prior && fp->value.kind == DIST_BETA && fp->line == 18);
    CU_ASSERT(dist_at(s, "transition.a->b.quota@2023", DIST_UNIFORM, 3, 8, 0, "t.ini", 20));
    CU_ASSERT(s->params[ab->quota.steps[1].p].integer);
    CU_ASSERT_EQUAL(scenario_unfitted(s, NULL), 1);

    /* The value in force in each update year. */
    CU_ASSERT(scenario_step_at(&a->inflow, 2022) == a->p_inflow);
    CU_ASSERT_STRING_EQUAL(pname(s, scenario_step_at(&a->inflow, 2023)), "tier.a.inflow@2023");
    CU_ASSERT_STRING_EQUAL(pname(s, scenario_step_at(&a->inflow, 2024)), "tier.a.inflow@2023");
    CU_ASSERT_STRING_EQUAL(pname(s, scenario_step_at(&a->inflow, 2025)), "tier.a.inflow@2025");
    CU_ASSERT(scenario_step_at(&ab->quota, 2022) == TS_NO_PARAM);
    CU_ASSERT_STRING_EQUAL(pname(s, scenario_step_at(&ab->quota, 2024)),
                           "transition.a->b.quota@2023");
    CU_ASSERT(scenario_step_at(&a->renewal, 2024) == TS_NO_PARAM);

    /* The order: every parameter of the older keys as before, then these,
     * tier by tier in table order and year order, then the transitions'. */
    static const char *const order[] = {
        "tier.a.stock", "tier.a.inflow", "tier.a.inflow_growth", "tier.a.inflow_dispersion",
        "tier.a.exit", "tier.b.stock", "tier.b.inflow", "tier.b.inflow_growth",
        "tier.b.inflow_dispersion", "tier.b.exit", "transition.a->b.rate",
        "transition.b->a.rate", "transition.b->a.quota",
        "tier.a.inflow@2023", "tier.a.inflow@2025", "tier.a.inflow_growth@2023",
        "tier.a.inflow_dispersion@2025", "tier.a.inflow_quota@2024", "tier.a.exit@2024",
        "tier.b.inflow_quota", "transition.a->b.rate@2024", "transition.a->b.quota@2023",
        "transition.a->b.quota@2025"};
    CU_ASSERT(params_are(s, order, sizeof order / sizeof order[0]));
    scenario_free(s);

    /* The rates out of a tier may sum to exactly 1 in a year. */
    s = parse_ok(AB "[tier c]\n[transition a -> b]\nrate = 0.5\nrate@2024 = 0.625\n"
                    "[transition a -> c]\nrate = 0.375\n");
    CU_ASSERT(s != NULL);
    scenario_free(s);
}

static void test_errors_at_year(void)
{
    ERR(AB "inflow@20x4 = 3\n", "t.ini:8: tier 'b': inflow@20x4: '20x4' is not a year");
    static const char *const bad[] = {"", "24", "02024", "0999", "2024.0", "+2024", "2e3",
                                      "2024@2025"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256], want[256];
        snprintf(text, sizeof text, AB "exit@%s = 0.1\n", bad[i]);
        snprintf(want, sizeof want, "t.ini:8: tier 'b': exit@%s: '%s' is not a year", bad[i],
                 bad[i]);
        if (!err_is(text, want))
            CU_FAIL(bad[i]);
    }
    ERR(AB "inflow@2022 = 3\n",
        "t.ini:8: tier 'b': inflow@2022: the year must be after start_year (2022) and at most "
        "end_year (2025)");
    ERR(AB "inflow@2026 = 3\n",
        "t.ini:8: tier 'b': inflow@2026: the year must be after start_year (2022) and at most "
        "end_year (2025)");
    ERR(AB "inflow@2021 = 3\n",
        "t.ini:8: tier 'b': inflow@2021: the year must be after start_year (2022) and at most "
        "end_year (2025)");
    /* Keys that take no @YEAR, in every section. */
    ERR(AB "stock@2024 = 3\n", "t.ini:8: tier 'b': stock@2024: stock takes no @YEAR");
    ERR(AB "label@2024 = x\n", "t.ini:8: tier 'b': label@2024: label takes no @YEAR");
    ERR(AB "validity@2024 = 3\n", "t.ini:8: tier 'b': validity@2024: validity takes no @YEAR");
    ERR(AB "stock_cohorts@2024 = 3\n",
        "t.ini:8: tier 'b': stock_cohorts@2024: stock_cohorts takes no @YEAR");
    ERR(AB "cumulative_start@2024 = 3\n",
        "t.ini:8: tier 'b': cumulative_start@2024: cumulative_start takes no @YEAR");
    ERR(AB "expire_to@2024 = a\n", "t.ini:8: tier 'b': expire_to@2024: expire_to takes no @YEAR");
    ERR(HEAD "seed@2024 = 3\n[tier a]\n", "t.ini:5: [scenario]: seed@2024: seed takes no @YEAR");
    ERR(ABT "keep@2024 = yes\n", "t.ini:10: transition 'a -> b': keep@2024: keep takes no @YEAR");
    ERR(AB "[target a]\nnew = 3\nnew@2024 = 4\n",
        "t.ini:10: target 'a': new@2024: new takes no @YEAR");
    ERR(AB "[policy p]\nscale = a.inflow : 2\nfrom@2024 = 2023\n",
        "t.ini:10: policy 'p': from@2024: from takes no @YEAR");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : 0.1\nmove@2024 = a -> b : 0.2\n",
        "t.ini:11: event 'e': move@2024: move takes no @YEAR");
    /* An unknown key stays unknown with a year. */
    ERR(AB "stok@2024 = 3\n",
        "t.ini:8: tier 'b': stok@2024: unknown key (expected label, stock, inflow, inflow_growth, "
        "inflow_dispersion, inflow_quota, exit, validity, renewal, expire_to, stock_cohorts, "
        "cumulative_start)");
    ERR(AB "@2024 = 3\n",
        "t.ini:8: tier 'b': @2024: unknown key (expected label, stock, inflow, inflow_growth, "
        "inflow_dispersion, inflow_quota, exit, validity, renewal, expire_to, stock_cohorts, "
        "cumulative_start)");
    /* The same KEY@YEAR twice, however it is spaced. */
    ERR(AB "inflow@2024 = 3\ninflow@2024 = 4\n",
        "t.ini:9: duplicate key 'inflow@2024' in [tier b] (first at line 8)");
    ERR(AB "inflow@2024 = 3\ninflow  @2024 = 4\n",
        "t.ini:9: duplicate key 'inflow@2024' in [tier b] (first at line 8)");
    /* The base key's range and grammar. */
    ERR(AB "inflow@2024 = -3\n", "t.ini:8: tier 'b': inflow@2024: -3 is below 0");
    ERR(AB "exit@2024 = 1.2\n", "t.ini:8: tier 'b': exit@2024: 1.2 is above 1");
    ERR(AB "inflow_growth@2023 = -100%\n",
        "t.ini:8: tier 'b': inflow_growth@2023: -1 is not above -1");
    ERR(AB "inflow_quota@2023 = 2.5\n",
        "t.ini:8: tier 'b': inflow_quota@2023: 2.5 is not a whole number of firms");
    ERR(AB "inflow_dispersion@2024 = fit\n",
        "t.ini:8: tier 'b': inflow_dispersion@2024: only stock, inflow, inflow_growth, exit, "
        "renewal, rate and move can be fitted");
    ERR(ABT "quota@2024 = fit\n",
        "t.ini:10: transition 'a -> b': quota@2024: only stock, inflow, inflow_growth, exit, "
        "renewal, rate and move can be fitted");
    ERR(ABT "rate@2024 = beta(0, 2)\n",
        "t.ini:10: transition 'a -> b': rate@2024: beta needs a > 0, got 0");
    /* A required key stays required beside its @YEAR values. */
    ERR(AB "[transition a -> b]\nrate@2024 = 0.1\n",
        "t.ini:8: transition 'a -> b': missing key 'rate'");
    /* Rates out of one tier above 1 in a year, on the tier's line. */
    ERR(AB "[tier c]\n"
           "[transition a -> b]\nrate = 0.5\nrate@2024 = 0.7\n"
           "[transition a -> c]\nrate = 0.4\nrate@2025 = 0.1\n",
        "t.ini:5: tier 'a': outgoing transition rates sum to 1.1 at their means in 2024 "
        "(above 1)");
    ERR(AB "[tier c]\n"
           "[transition a -> b]\nrate = 0.5\nrate@2023 = 0.2\n"
           "[transition a -> c]\nrate = 0.4\nrate@2025 = beta(9, 1)\n",
        "t.ini:5: tier 'a': outgoing transition rates sum to 1.1 at their means in 2025 "
        "(above 1)");
}

/* ------------------------------------------- certificates and cohorts */

static void test_certificates(void)
{
    scenario *s;
    s = parse_ok(HEAD
                 "[tier srdi]\n"                         /* 5 */
                 "stock = 137\n"                         /* 6 */
                 "validity = 3\n"                        /* 7 */
                 "stock_cohorts = 40, 50, 47\n"          /* 8 */
                 "expire_to = lapsed\n"                  /* 9: written further down */
                 "cumulative_start = 97\n"               /* 10 */
                 "[tier drawn]\n"                        /* 11 */
                 "stock = uniform(130, 157)\n"           /* 12 */
                 "validity = 4\n"                        /* 13 */
                 "stock_cohorts = 50%, 2, 2\n"           /* 14: proportions */
                 "renewal = beta(3, 2)\n"                /* 15 */
                 "renewal@2024 = fit(beta(2, 2))\n"      /* 16 */
                 "[tier even]\n"                         /* 17 */
                 "stock = 137\n"                         /* 18 */
                 "validity = 5\n"                        /* 19 */
                 "[tier lapsed]\n"                       /* 20 */
                 "[tier fitted]\n"                       /* 21 */
                 "stock = fit\n"                         /* 22 */
                 "validity = 2\n"                        /* 23 */
                 "stock_cohorts = 3\n");                 /* 24 */
    CU_ASSERT_FATAL(s != NULL);
    const ts_tier *srdi = &s->tiers[0], *drawn = &s->tiers[1], *even = &s->tiers[2],
                  *lapsed = &s->tiers[3], *fitted = &s->tiers[4];
    CU_ASSERT_EQUAL(srdi->validity, 3);
    CU_ASSERT_EQUAL_FATAL(srdi->n_cohorts, 3);
    CU_ASSERT(srdi->cohorts[0] == 40 && srdi->cohorts[1] == 50 && srdi->cohorts[2] == 47);
    CU_ASSERT_EQUAL(srdi->expire_to, 3);
    CU_ASSERT(srdi->cumulative_start == 97);
    SCHED(s, &srdi->renewal, {2022, "tier.srdi.renewal"});
    CU_ASSERT(fixed_at(s, "tier.srdi.renewal", 0, NULL, 0));
    CU_ASSERT(s->params[srdi->renewal.steps[0].p].value.range.hi == 1.0);
    /* Proportions of a drawn stock, normalised. */
    CU_ASSERT_EQUAL(drawn->validity, 4);
    CU_ASSERT_EQUAL_FATAL(drawn->n_cohorts, 3);
    TU_ASSERT_CLOSE(drawn->cohorts[0], 0.5 / 4.5, 1e-15);
    TU_ASSERT_CLOSE(drawn->cohorts[1], 2 / 4.5, 1e-15);
    TU_ASSERT_CLOSE(drawn->cohorts[2], 2 / 4.5, 1e-15);
    SCHED(s, &drawn->renewal, {2022, "tier.drawn.renewal"}, {2024, "tier.drawn.renewal@2024"});
    CU_ASSERT(dist_at(s, "tier.drawn.renewal", DIST_BETA, 3, 2, 0, "t.ini", 15));
    const ts_param *fp = param(s, "tier.drawn.renewal@2024");
    CU_ASSERT(fp && fp->fit && fp->has_prior && fp->line == 16);
    CU_ASSERT(drawn->expire_to == -1 && drawn->cumulative_start == 0);
    CU_ASSERT(even->validity == 5 && even->n_cohorts == 0 && even->expire_to == -1);
    CU_ASSERT(lapsed->validity == 0 && lapsed->renewal.n == 0 && lapsed->expire_to == -1 &&
              lapsed->n_cohorts == 0 && lapsed->cumulative_start == 0);
    CU_ASSERT(fitted->n_cohorts == 1 && fitted->cohorts[0] == 1.0);
    for (size_t k = 0; k < s->n_tiers; k++)
        SCHED(s, &s->tiers[k].inflow_quota, {2022, NULL});
    static const char *const order[] = {
        "tier.srdi.stock", "tier.srdi.inflow", "tier.srdi.inflow_growth",
        "tier.srdi.inflow_dispersion", "tier.srdi.exit", "tier.drawn.stock",
        "tier.drawn.inflow", "tier.drawn.inflow_growth", "tier.drawn.inflow_dispersion",
        "tier.drawn.exit", "tier.even.stock", "tier.even.inflow", "tier.even.inflow_growth",
        "tier.even.inflow_dispersion", "tier.even.exit", "tier.lapsed.stock",
        "tier.lapsed.inflow", "tier.lapsed.inflow_growth", "tier.lapsed.inflow_dispersion",
        "tier.lapsed.exit", "tier.fitted.stock", "tier.fitted.inflow",
        "tier.fitted.inflow_growth", "tier.fitted.inflow_dispersion", "tier.fitted.exit",
        "tier.srdi.renewal", "tier.drawn.renewal", "tier.drawn.renewal@2024",
        "tier.even.renewal", "tier.fitted.renewal"};
    CU_ASSERT(params_are(s, order, sizeof order / sizeof order[0]));

    /* scenario_cohorts: counts as written; proportions of any other n0
     * (floor of each share, the remainder to c1); evenly without
     * stock_cohorts; 0 beyond the cohorts written. */
    int64_t c[6];
    scenario_cohorts(s, 0, 137, c);
    CU_ASSERT(c[0] == 40 && c[1] == 50 && c[2] == 47);
    scenario_cohorts(s, 0, 140, c); /* 140 * 50/137 = 51.09, 140 * 47/137 = 48.03 */
    CU_ASSERT(c[0] == 41 && c[1] == 51 && c[2] == 48);
    scenario_cohorts(s, 0, 0, c);
    CU_ASSERT(c[0] == 0 && c[1] == 0 && c[2] == 0);
    for (size_t j = 0; j < 6; j++)
        c[j] = -7;
    scenario_cohorts(s, 1, 143, c); /* 143 * 4/9 = 63.56 twice; c4 0 */
    CU_ASSERT(c[0] == 17 && c[1] == 63 && c[2] == 63 && c[3] == 0 && c[4] == -7);
    scenario_cohorts(s, 1, 1, c);
    CU_ASSERT(c[0] == 1 && c[1] == 0 && c[2] == 0 && c[3] == 0);
    scenario_cohorts(s, 2, 137, c); /* 137 = 5 * 27 + 2 */
    CU_ASSERT(c[0] == 29 && c[1] == 27 && c[2] == 27 && c[3] == 27 && c[4] == 27 && c[5] == -7);
    scenario_cohorts(s, 2, 3, c);
    CU_ASSERT(c[0] == 3 && c[1] == 0 && c[4] == 0);
    c[0] = -7;
    scenario_cohorts(s, 3, 137, c); /* no validity: nothing */
    CU_ASSERT(c[0] == -7);
    scenario_cohorts(s, 4, 5000000000000LL, c); /* one proportion of two cohorts */
    CU_ASSERT(c[0] == 5000000000000LL && c[1] == 0);
    scenario_free(s);

    /* A fixed stock of 0 has cohorts of 0; large counts are exact (to
     * 2^53, where doubles stop holding every whole number); proportions of
     * a stock near 2^62 stay within it. */
    s = parse_ok(HEAD "[tier a]\nvalidity = 2\nstock_cohorts = 0, 0\n"
                      "[tier b]\nstock = 9007199254740992\nvalidity = 2\n"
                      "stock_cohorts = 9007199254740991, 1\n"
                      "[tier c]\nstock = fit\nvalidity = 3\nstock_cohorts = 1, 1, 1\n");
    CU_ASSERT_FATAL(s != NULL);
    scenario_cohorts(s, 0, 0, c);
    CU_ASSERT(c[0] == 0 && c[1] == 0);
    scenario_cohorts(s, 1, 9007199254740992LL, c);
    CU_ASSERT(c[0] == 9007199254740991LL && c[1] == 1);
    scenario_cohorts(s, 2, 4611686018427387904LL, c);
    CU_ASSERT(c[0] + c[1] + c[2] == 4611686018427387904LL && c[0] >= c[1] && c[1] == c[2]);
    scenario_free(s);
}

static void test_errors_certificates(void)
{
    static const char *const v[] = {"0", "2.5", "-3", "51", "three", ""};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, AB "validity = %s\n", v[i]);
        if (!err_is(text, "t.ini:8: tier 'b': validity: expected a whole number of years from 1 "
                          "to 50"))
            CU_FAIL(v[i]);
    }
    /* Without validity: the first in the file is named. */
    ERR(AB "renewal = 0.8\n", "t.ini:8: tier 'b': renewal: needs validity");
    ERR(AB "renewal@2024 = 0.8\n", "t.ini:8: tier 'b': renewal@2024: needs validity");
    ERR(AB "expire_to = a\n", "t.ini:8: tier 'b': expire_to: needs validity");
    ERR(AB "stock_cohorts = 3\n", "t.ini:8: tier 'b': stock_cohorts: needs validity");
    ERR(AB "stock_cohorts = 3\nrenewal = 0.5\n", "t.ini:8: tier 'b': stock_cohorts: needs validity");
    ERR(AB "renewal@2025 = 0.5\nexpire_to = zz\n",
        "t.ini:8: tier 'b': renewal@2025: needs validity");
    ERR(AB "validity = 3\nrenewal = 1.2\n", "t.ini:9: tier 'b': renewal: 1.2 is above 1");
    ERR(AB "validity = 3\nrenewal = lognormal(-1, 0.5)\n",
        "t.ini:9: tier 'b': renewal: lognormal is unbounded above; use beta or a truncated "
        "normal for a probability");
    ERR(AB "validity = 3\nrenewal@2023 = -0.1\n", "t.ini:9: tier 'b': renewal@2023: -0.1 is below 0");
    ERR(AB "validity = 3\nexpire_to = b\n",
        "t.ini:9: tier 'b': expire_to: a tier cannot expire into itself");
    ERR(AB "validity = 3\nexpire_to = zz\n", "t.ini:9: tier 'b': expire_to: unknown tier 'zz'");
    ERR(AB "validity = 3\nexpire_to = a b\n", "t.ini:9: tier 'b': expire_to: expected a tier name");
    ERR(AB "validity = 3\nexpire_to =\n", "t.ini:9: tier 'b': expire_to: expected a tier name");
    /* Cohorts: at most V; counts of a fixed stock; proportions otherwise. */
    ERR(HEAD "[tier a]\nstock = 137\nvalidity = 3\nstock_cohorts = 40, 50, 40, 7\n",
        "t.ini:8: tier 'a': stock_cohorts: 4 cohorts, more than validity 3");
    ERR(HEAD "[tier a]\nstock = 137\nvalidity = 3\nstock_cohorts = 40, 50, 40\n",
        "t.ini:8: tier 'a': stock_cohorts: the cohorts sum to 130, the stock is 137");
    ERR(HEAD "[tier a]\nvalidity = 3\nstock_cohorts = 1\n",
        "t.ini:7: tier 'a': stock_cohorts: the cohorts sum to 1, the stock is 0");
    ERR(HEAD "[tier a]\nstock = 4611686018427387904\nvalidity = 3\n"
             "stock_cohorts = 4611686018427387904, 1e18, 1e18\n",
        "t.ini:8: tier 'a': stock_cohorts: the cohorts sum to more than 2^62, the stock is "
        "4611686018427387904");
    ERR(HEAD "[tier a]\nstock = 137\nvalidity = 3\nstock_cohorts = 40, 50.5, 46.5\n",
        "t.ini:8: tier 'a': stock_cohorts: 50.5 is not a whole number of firms (with a fixed "
        "stock the cohorts are counts)");
    ERR(HEAD "[tier a]\nstock = 137\nvalidity = 3\nstock_cohorts = 50%, 50%\n",
        "t.ini:8: tier 'a': stock_cohorts: 0.5 is not a whole number of firms (with a fixed "
        "stock the cohorts are counts)");
    static const char *const bad[] = {"x", "-3", "1e19", "nan", "", "0x10", "4 5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256], want[256];
        snprintf(text, sizeof text, HEAD "[tier a]\nstock = 137\nvalidity = 3\n"
                                         "stock_cohorts = 40,  %s , 97\n", bad[i]);
        snprintf(want, sizeof want, "t.ini:8: tier 'a': stock_cohorts: expected numbers from 0 "
                 "to 2^62, comma-separated; got '%s'", bad[i]);
        if (!err_is(text, want))
            CU_FAIL(bad[i]);
    }
    ERR(HEAD "[tier a]\nstock = 137\nvalidity = 3\nstock_cohorts = 40, 97,\n",
        "t.ini:8: tier 'a': stock_cohorts: expected numbers from 0 to 2^62, comma-separated; "
        "got ''");
    ERR(HEAD "[tier a]\nstock = uniform(10, 20)\nvalidity = 3\nstock_cohorts = 0, 0%\n",
        "t.ini:8: tier 'a': stock_cohorts: the proportions are all 0");
    ERR(HEAD "[tier a]\nstock = fit(uniform(10, 20))\nvalidity = 3\nstock_cohorts = 0\n",
        "t.ini:8: tier 'a': stock_cohorts: the proportions are all 0");
    /* inflow_quota and cumulative_start. */
    ERR(AB "inflow_quota = -17\n", "t.ini:8: tier 'b': inflow_quota: -17 is below 0");
    ERR(AB "inflow_quota = 2.5\n",
        "t.ini:8: tier 'b': inflow_quota: 2.5 is not a whole number of firms");
    ERR(AB "inflow_quota = uniform(-1, 3)\n",
        "t.ini:8: tier 'b': inflow_quota: uniform(-1, 3) reaches below 0");
    static const char *const cum[] = {"-1", "9.5", "4611686018427387905", "many", ""};
    for (size_t i = 0; i < sizeof cum / sizeof cum[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, AB "cumulative_start = %s\n", cum[i]);
        if (!err_is(text, "t.ini:8: tier 'b': cumulative_start: expected a whole number of firms "
                          "from 0 to 4611686018427387904"))
            CU_FAIL(cum[i]);
    }
    scenario *s = parse_ok(AB "cumulative_start = 4611686018427387904\n");
    CU_ASSERT(s && s->tiers[1].cumulative_start == 4611686018427387904LL);
    scenario_free(s);
    s = parse_ok(AB "validity = 50\n");
    CU_ASSERT(s && s->tiers[1].validity == TS_MAX_VALIDITY);
    scenario_free(s);
}

/* --------------------------------------------------------- [event NAME] */

static void test_events(void)
{
    scenario *s = parse_ok(HEAD
                           "[event merge]\n"                                         /* 5 */
                           "label = 两级名单合并\n"                                  /* 6 */
                           "year = 2022\n"                                           /* 7 */
                           "move = old -> srdi : 0.6, muni->srdi:beta(6, 4)\n"        /* 8 */
                           "move = old -> gone : fit(beta(1, 9))\n"                  /* 9 */
                           "[tier srdi]\n"                                           /* 10 */
                           "[tier old]\n"                                            /* 11 */
                           "stock = 320\n"                                           /* 12 */
                           "[tier muni]\n"                                           /* 13 */
                           "stock = 6923\n"                                          /* 14 */
                           "[tier gone]\n"                                           /* 15 */
                           "[event close]\n"                                         /* 16 */
                           "year = 2025\n"                                           /* 17 */
                           "move = srdi -> gone : fit, gone -> srdi : 1\n"           /* 18 */
                           "[policy p]\n"                                            /* 19 */
                           "scale = srdi.inflow : 1.1\n");                           /* 20 */
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_events, 2);
    const ts_event *e = &s->events[0];
    CU_ASSERT_STRING_EQUAL(e->name, "merge");
    CU_ASSERT_STRING_EQUAL(e->label, "两级名单合并");
    CU_ASSERT_EQUAL(e->year, 2022);
    CU_ASSERT(same_str(e->file, "t.ini") && e->line == 5);
    CU_ASSERT_EQUAL_FATAL(e->n_moves, 3);
    static const struct {
        size_t from, to;
        int line;
        const char *name;
    } want[] = {{1, 0, 8, "event.merge.move.old->srdi"},
                {2, 0, 8, "event.merge.move.muni->srdi"},
                {1, 3, 9, "event.merge.move.old->gone"}};
    for (size_t m = 0; m < 3; m++) {
        CU_ASSERT(e->moves[m].from == want[m].from && e->moves[m].to == want[m].to);
        CU_ASSERT(same_str(e->moves[m].file, "t.ini") && e->moves[m].line == want[m].line);
        CU_ASSERT_STRING_EQUAL(pname(s, e->moves[m].p_frac), want[m].name);
    }
    CU_ASSERT(fixed_at(s, "event.merge.move.old->srdi", 0.6, "t.ini", 8));
    CU_ASSERT(dist_at(s, "event.merge.move.muni->srdi", DIST_BETA, 6, 4, 0, "t.ini", 8));
    const ts_param *p = param(s, "event.merge.move.old->gone");
    CU_ASSERT(p && p->fit && p->has_prior && p->value.kind == DIST_BETA && p->line == 9);
    CU_ASSERT(p && p->value.range.hi == 1.0 && !p->integer);
    e = &s->events[1];
    CU_ASSERT_STRING_EQUAL(e->label, "close");
    CU_ASSERT(e->year == 2025 && e->n_moves == 2 && e->line == 16);
    p = param(s, "event.close.move.srdi->gone");
    CU_ASSERT(p && p->fit && !p->has_prior);
    CU_ASSERT(fixed_at(s, "event.close.move.gone->srdi", 1, "t.ini", 18));
    CU_ASSERT_EQUAL(scenario_unfitted(s, NULL), 2);
    /* Events' parameters come last, after the policies'. */
    static const char *const order[] = {
        "tier.srdi.stock", "tier.srdi.inflow", "tier.srdi.inflow_growth",
        "tier.srdi.inflow_dispersion", "tier.srdi.exit", "tier.old.stock", "tier.old.inflow",
        "tier.old.inflow_growth", "tier.old.inflow_dispersion", "tier.old.exit",
        "tier.muni.stock", "tier.muni.inflow", "tier.muni.inflow_growth",
        "tier.muni.inflow_dispersion", "tier.muni.exit", "tier.gone.stock", "tier.gone.inflow",
        "tier.gone.inflow_growth", "tier.gone.inflow_dispersion", "tier.gone.exit",
        "policy.p.scale", "policy.p.scale.srdi.inflow", "event.merge.move.old->srdi",
        "event.merge.move.muni->srdi", "event.merge.move.old->gone",
        "event.close.move.srdi->gone", "event.close.move.gone->srdi"};
    CU_ASSERT(params_are(s, order, sizeof order / sizeof order[0]));
    scenario_free(s);

    /* Fractions out of one tier may sum to exactly 1; an event may share a
     * name with a tier or a policy. */
    s = parse_ok(AB "[event a]\nyear = 2023\nmove = a -> b : 0.625\nmove = b -> a : 0.1, "
                    "a -> c : uniform(0.25, 0.5)\n[tier c]\n");
    CU_ASSERT(s != NULL && s->n_events == 1 && s->events[0].n_moves == 3);
    scenario_free(s);
}

static void test_errors_events(void)
{
    /* AB: tiers a (5) and b (7); the event starts on line 8. */
    ERR(AB "[event e]\nmove = a -> b : 0.5\n", "t.ini:8: event 'e': missing key 'year'");
    ERR(AB "[event e]\nyear = 2023\n", "t.ini:8: event 'e': missing key 'move'");
    ERR(AB "[event e]\nyear = 2026\nmove = a -> b : 0.5\n",
        "t.ini:9: event 'e': year: the year is outside start_year .. end_year");
    ERR(AB "[event e]\nyear = 2021\nmove = a -> b : 0.5\n",
        "t.ini:9: event 'e': year: the year is outside start_year .. end_year");
    ERR(AB "[event e]\nyear = 2023.5\nmove = a -> b : 0.5\n",
        "t.ini:9: event 'e': year: expected a year (a whole number from 1000 to 9999)");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> zz : 0.5\n",
        "t.ini:10: event 'e': move: unknown tier 'zz'");
    ERR(AB "[event e]\nyear = 2023\nmove = zz -> b : 0.5\n",
        "t.ini:10: event 'e': move: unknown tier 'zz'");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> a : 0.5\n",
        "t.ini:10: event 'e': move: 'a -> a': a tier cannot move into itself");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : 1.2\n",
        "t.ini:10: event 'e': move: 'a -> b': 1.2 is above 1");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : uniform(0.5, 1.5)\n",
        "t.ini:10: event 'e': move: 'a -> b': uniform(0.5, 1.5) reaches above 1");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : fit(gamma(2, 3))\n",
        "t.ini:10: event 'e': move: 'a -> b': prior: gamma is unbounded above; use beta or a "
        "truncated normal for a probability");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b :\n",
        "t.ini:10: event 'e': move: 'a -> b': empty value");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : 0.5, a->b : 0.1\n",
        "t.ini:10: event 'e': move: 'a->b' is moved twice");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : 0.5\nmove = b -> a : 0.1, a -> b : 0.1\n",
        "t.ini:11: event 'e': move: 'a -> b' is moved twice");
    ERR(AB "[event e]\nyear = 2023\nmove = a b : 0.5\n",
        "t.ini:10: event 'e': move: 'a b : 0.5': expected 'FROM -> TO : fraction'");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b 0.5\n",
        "t.ini:10: event 'e': move: 'a -> b 0.5': expected 'FROM -> TO : fraction'");
    ERR(AB "[event e]\nyear = 2023\nmove = a : 0.5 -> b\n",
        "t.ini:10: event 'e': move: 'a : 0.5 -> b': expected 'FROM -> TO : fraction'");
    ERR(AB "[event e]\nyear = 2023\nmove = -> b : 0.5\n",
        "t.ini:10: event 'e': move: '-> b : 0.5': expected 'FROM -> TO : fraction'");
    ERR(AB "[event e]\nyear = 2023\nmove =\n",
        "t.ini:10: event 'e': move: '': expected 'FROM -> TO : fraction'");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : 0.5,\n",
        "t.ini:10: event 'e': move: '': expected 'FROM -> TO : fraction'");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : fit(beta(2, 3)) x\n",
        "t.ini:10: event 'e': move: 'a -> b': expected 'fit' or 'fit(PRIOR)'");
    /* Out of one tier above 1 at the means, on the event's line. */
    ERR(AB "[tier c]\n[event e]\nyear = 2023\nmove = a -> b : 0.7\nmove = b -> c : 0.9, "
           "a -> c : beta(4, 6)\n",
        "t.ini:9: event 'e': the moves out of 'a' sum to 1.1 at their means (above 1)");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : 0.1\nscale = a.inflow : 2\n",
        "t.ini:11: event 'e': scale: unknown key (expected label, year, move)");
    ERR(AB "[event]\n", "t.ini:8: [event] needs a name");
    ERR(AB "[event 1e]\n",
        "t.ini:8: [event 1e]: names are letters, digits and '_' (not starting with a digit, "
        "at most 63 characters)");
    ERR(AB "[event e]\nyear = 2023\nmove = a -> b : 0.1\n[event e]\n",
        "t.ini:11: duplicate section [event e] (first at line 8)");
    ERR(AB "[event e]\nyear = 2023\nyear = 2024\n",
        "t.ini:10: duplicate key 'year' in [event e] (first at line 9)");

    /* 256 events; the 257th is refused. */
    size_t cap = 64 * 1024;
    char *text = malloc(cap);
    CU_ASSERT_FATAL(text != NULL);
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = (size_t)snprintf(text, cap, "%s", AB);
        for (int k = 0; k < TS_MAX_EVENTS + extra; k++)
            n += (size_t)snprintf(text + n, cap - n, "[event e%d]\nyear = 2023\n"
                                  "move = a -> b : 0.001\n", k);
        CU_ASSERT_FATAL(n < cap - 1);
        if (!extra) {
            scenario *s = parse_ok(text);
            CU_ASSERT(s != NULL && s->n_events == TS_MAX_EVENTS);
            scenario_free(s);
        } else {
            /* AB is 7 lines, three per event: e256 is on line 8 + 3 * 256. */
            CU_ASSERT(err_is(text, "t.ini:776: event 'e256': more than 256 events"));
        }
    }
    free(text);
}

/* ------------------------------------------------ [target] cumulative */

static void test_target_cumulative(void)
{
    scenario *s = parse_ok(AB "cumulative_start = 97\n"                         /* 8 */
                              "[target a]\ncumulative = 2000\ntolerance = 10%\n" /* 9-11 */
                              "[target b]\ncumulative = 7\nnew = 5\n");          /* 12-14 */
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_targets, 3);
    CU_ASSERT(s->targets[0].tier == 0 && s->targets[0].kind == TS_TARGET_CUMULATIVE &&
              s->targets[0].threshold == 1800 && s->targets[0].line == 10);
    /* In table order: new before cumulative. */
    CU_ASSERT(s->targets[1].tier == 1 && s->targets[1].kind == TS_TARGET_NEW &&
              s->targets[1].threshold == 5 && s->targets[1].line == 14);
    CU_ASSERT(s->targets[2].tier == 1 && s->targets[2].kind == TS_TARGET_CUMULATIVE &&
              s->targets[2].threshold == 7 && s->targets[2].line == 13);
    CU_ASSERT(s->tiers[1].cumulative_start == 97);
    scenario_free(s);
    ERR(AB "[target a]\ncumulative = 0\n",
        "t.ini:9: target 'a': cumulative: a target is a number of firms above 0 (and below 2^62)");
    ERR(AB "[target a]\ncumulative = about 300\n",
        "t.ini:9: target 'a': cumulative: expected a number of firms");
}

/* ------------------------------------------ inheritance of the new keys */

static void test_inherit_certificates(void)
{
    const char *B = DATA "cert_base.ini", *C = DATA "cert_child.ini";
    scenario *s = load_ok(C);
    CU_ASSERT_FATAL(s != NULL);
    /* [scenario]: start from the base, known_until from the child. */
    CU_ASSERT_EQUAL(s->start_month, 7);
    CU_ASSERT(month_is(s->known_until, "2022-12"));
    CU_ASSERT_EQUAL_FATAL(s->n_tiers, 3);
    const ts_tier *srdi = &s->tiers[0];
    /* inflow@2024 from the child replaces the base's; inflow@2025 is new. */
    SCHED(s, &srdi->inflow, {2022, "tier.srdi.inflow"}, {2024, "tier.srdi.inflow@2024"},
          {2025, "tier.srdi.inflow@2025"});
    CU_ASSERT(fixed_at(s, "tier.srdi.inflow", 23.85, B, 10));
    CU_ASSERT(fixed_at(s, "tier.srdi.inflow@2024", 35, C, 8));
    CU_ASSERT(fixed_at(s, "tier.srdi.inflow@2025", 40, C, 9));
    CU_ASSERT_EQUAL(srdi->validity, 3);
    SCHED(s, &srdi->renewal, {2022, "tier.srdi.renewal"}, {2025, "tier.srdi.renewal@2025"});
    CU_ASSERT(fixed_at(s, "tier.srdi.renewal", 0.4, B, 13));
    CU_ASSERT(dist_at(s, "tier.srdi.renewal@2025", DIST_BETA, 3, 2, 0, C, 10));
    CU_ASSERT(srdi->n_cohorts == 3 && srdi->cohorts[2] == 47);
    CU_ASSERT_EQUAL(srdi->expire_to, 2);
    const ts_transition *t = &s->transitions[0];
    SCHED(s, &t->rate, {2022, "transition.srdi->old.rate"},
          {2024, "transition.srdi->old.rate@2024"});
    SCHED(s, &t->quota, {2022, NULL}, {2023, "transition.srdi->old.quota@2023"});
    CU_ASSERT(fixed_at(s, "transition.srdi->old.rate@2024", 0.1, B, 23));
    /* The child's move line replaces the base's whole list; year stays. */
    CU_ASSERT_EQUAL_FATAL(s->n_events, 2);
    const ts_event *e = &s->events[0];
    CU_ASSERT_STRING_EQUAL(e->name, "merge");
    CU_ASSERT_STRING_EQUAL(e->label, "the lists merge");
    CU_ASSERT(e->year == 2022 && same_str(e->file, B) && e->line == 25);
    CU_ASSERT_EQUAL_FATAL(e->n_moves, 2);
    CU_ASSERT(fixed_at(s, "event.merge.move.old->srdi", 0.5, C, 18));
    CU_ASSERT(fixed_at(s, "event.merge.move.old->lapsed", 0.25, C, 18));
    CU_ASSERT(s->events[1].year == 2024 && same_str(s->events[1].file, C));
    CU_ASSERT(fixed_at(s, "event.close.move.srdi->old", 0.125, C, 22));
    scenario_free(s);

    /* The base alone. */
    s = load_ok(B);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT(month_is(s->known_until, "2022-06"));
    CU_ASSERT(s->tiers[0].expire_to == -1 && s->tiers[0].inflow.n == 2);
    CU_ASSERT(s->n_events == 1 && s->events[0].n_moves == 1);
    CU_ASSERT(fixed_at(s, "event.merge.move.old->srdi", 0.6, B, 27));
    scenario_free(s);
}

/* ------------------------------------------------------- the key table */

/* The six section forms; a row naming any other would belong to no
 * section the parser reads. */
static const char *const FORMS[] = {"[scenario]",    "[tier NAME]",   "[transition A -> B]",
                                    "[target NAME]", "[policy NAME]", "[event NAME]"};
#define N_FORMS (sizeof FORMS / sizeof FORMS[0])

/* A region set's sections: test_regionset reads them in set files. */
static int is_set_form(const char *s)
{
    return !strcmp(s, "[set]") || !strcmp(s, "[member NAME]") ||
           !strcmp(s, "[shared PARAMETER]");
}

static int is_form(const char *s)
{
    for (size_t i = 0; i < N_FORMS; i++)
        if (strcmp(s, FORMS[i]) == 0)
            return 1;
    return is_set_form(s);
}

/* Every cell present, on one line and free of '|' (it would split a cell of
 * the markdown table); each section's keys unique and together; every row
 * shorter than the 512 bytes scenario.h promises. */
static void test_key_table(void)
{
    size_t n = 0;
    const scenario_key *k = scenario_keys(&n);
    CU_ASSERT_FATAL(k != NULL);
    CU_ASSERT(n >= 23);
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = {k[i].section, k[i].name, k[i].kind, k[i].range, k[i].deflt,
                               k[i].meaning};
        for (size_t c = 0; c < 6; c++) {
            CU_ASSERT_FATAL(cells[c] != NULL);
            if (cells[c][0] == '\0' || strpbrk(cells[c], "|\n\r")) {
                fprintf(stderr, "\n  row %zu (%s): cell %zu is '%s'\n", i, k[i].name, c, cells[c]);
                CU_FAIL("a cell is empty or holds '|' or a line end");
            }
        }
        if (!is_form(k[i].section)) {
            fprintf(stderr, "\n  row %zu (%s): section '%s'\n", i, k[i].name, k[i].section);
            CU_FAIL("a row names an unknown section");
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(k[i].section, k[j].section) != 0)
                continue;
            CU_ASSERT(strcmp(k[i].name, k[j].name) != 0);
            /* A section's rows are together: the row before i is of its section. */
            CU_ASSERT(strcmp(k[i - 1].section, k[i].section) == 0);
        }
        char row[600];
        int len = scenario_key_markdown(&k[i], row, sizeof row);
        CU_ASSERT(len > 0 && len < 512);
    }
    /* The one row the format was specified by, cell by cell. */
    char row[600];
    for (size_t i = 0; i < n; i++)
        if (!strcmp(k[i].section, "[tier NAME]") && !strcmp(k[i].name, "exit")) {
            scenario_key_markdown(&k[i], row, sizeof row);
            CU_ASSERT_STRING_EQUAL(row, "| [tier NAME] | exit | value, distribution or fit; "
                                        "also @YEAR | [0, 1] | 0 | yearly probability that a "
                                        "firm leaves the tier |");
        }
    /* Truncation: snprintf's contract. */
    char small[8];
    CU_ASSERT(scenario_key_markdown(&k[0], small, sizeof small) > 7);
    CU_ASSERT_STRING_EQUAL(small, "| [scen");
}

/* README.md's key table, between <!-- keys:begin --> and <!-- keys:end -->,
 * is exactly what `tiersim check --keys` prints: the header, the rule, then
 * one row per key in table order.  (Tests run from the project root.) */
static void test_key_table_in_readme(void)
{
    FILE *f = fopen("README.md", "r");
    CU_ASSERT_FATAL(f != NULL);
    size_t n = 0;
    const scenario_key *k = scenario_keys(&n);
    char line[2048], want[2048];
    int inside = 0, ended = 0, lineno = 0;
    size_t row = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!strcmp(line, "<!-- keys:begin -->")) {
            CU_ASSERT(!inside && !ended);
            inside = 1;
            continue;
        }
        if (!strcmp(line, "<!-- keys:end -->")) {
            CU_ASSERT(inside);
            inside = 0;
            ended = 1;
            continue;
        }
        if (!inside)
            continue;
        if (row == 0)
            snprintf(want, sizeof want, "| section | key | kind | range | default | meaning |");
        else if (row == 1)
            snprintf(want, sizeof want, "| --- | --- | --- | --- | --- | --- |");
        else if (row - 2 < n)
            scenario_key_markdown(&k[row - 2], want, sizeof want);
        else
            snprintf(want, sizeof want, "(no more rows: the table has %zu keys)", n);
        if (strcmp(line, want) != 0 && bad++ < 3)
            fprintf(stderr, "\n  README.md:%d\n    has:  %s\n    want: %s\n", lineno, line, want);
        row++;
    }
    fclose(f);
    CU_ASSERT(ended);
    CU_ASSERT(bad == 0);
    if (row != n + 2)
        fprintf(stderr, "\n  README.md has %zu lines between the markers, the table %zu keys\n",
                row, n);
    CU_ASSERT(row == n + 2);
}

/* The fuzzer's dictionary knows every key, so it can reach every reader. */
static void test_key_table_in_fuzz_dict(void)
{
    FILE *f = fopen("fuzz/scenario.dict", "r");
    CU_ASSERT_FATAL(f != NULL);
    char dict[16384];
    size_t len = fread(dict, 1, sizeof dict - 1, f);
    dict[len] = '\0';
    fclose(f);
    size_t n = 0;
    const scenario_key *k = scenario_keys(&n);
    for (size_t i = 0; i < n; i++) {
        char entry[80];
        snprintf(entry, sizeof entry, "\n\"%s\"\n", k[i].name);
        if (!strstr(dict, entry)) {
            fprintf(stderr, "\n  fuzz/scenario.dict lacks \"%s\"\n", k[i].name);
            CU_FAIL("a key is missing from the fuzz dictionary");
        }
    }
}

/* The smallest scenario with every section: one line for each required
 * key, tier a's stock and validity (which renewal needs) and target b's
 * new, so that each can be left out or replaced. */
static const char *const SECTION_HEADER[] = {"[scenario]", "[tier a]",   "[transition a -> b]",
                                             "[target b]", "[policy p]", "[event e]"};
static const char *const SECTION_LINES[][3] = {
    {"name = t", "start_year = 2022", "end_year = 2025"},
    {"stock = 137", "validity = 3", NULL},
    {"rate = 0.2385", NULL, NULL},
    {"new = 31", NULL, NULL},
    {"scale = a.inflow : 1.2", NULL, NULL},
    {"year = 2023", "move = a -> b : 0.2385", NULL},
};

static size_t form_index(const char *form)
{
    for (size_t i = 0; i < N_FORMS; i++)
        if (!strcmp(form, FORMS[i]))
            return i;
    return 0;
}

/* The minimal scenario with row k's line dropped (replace NULL) or written
 * as `NAME = replace`. */
static void minimal_with(char *buf, size_t len, const scenario_key *k, const char *replace)
{
    size_t sec = form_index(k->section), used = 0;
    int done = 0;
    for (size_t s = 0; s < N_FORMS; s++) {
        used += (size_t)snprintf(buf + used, len - used, "%s\n", SECTION_HEADER[s]);
        for (size_t l = 0; l < 3 && SECTION_LINES[s][l]; l++) {
            size_t nl = strlen(k->name);
            int mine = s == sec && !strncmp(SECTION_LINES[s][l], k->name, nl) &&
                       SECTION_LINES[s][l][nl] == ' ';
            if (mine) {
                done = 1;
                if (replace)
                    used += (size_t)snprintf(buf + used, len - used, "%s = %s\n", k->name,
                                             replace);
                continue;
            }
            used += (size_t)snprintf(buf + used, len - used, "%s\n", SECTION_LINES[s][l]);
        }
        if (s == sec && !done && replace)
            used += (size_t)snprintf(buf + used, len - used, "%s = %s\n", k->name, replace);
        if (s == 1)
            used += (size_t)snprintf(buf + used, len - used, "[tier b]\n");
    }
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* The default column is behaviour: every "required" key, left out, is
 * named missing; a key with any other default may be left out. */
static void test_key_table_required(void)
{
    char text[1024];
    minimal_with(text, sizeof text, &(scenario_key){"[scenario]", "none", "", "", "", "", NULL},
                 NULL);
    scenario *s = parse_ok(text);
    CU_ASSERT_FATAL(s != NULL);
    scenario_free(s);
    size_t n = 0, required = 0;
    const scenario_key *k = scenario_keys(&n);
    for (size_t i = 0; i < n; i++) {
        if (is_set_form(k[i].section))
            continue;
        minimal_with(text, sizeof text, &k[i], NULL);
        ts_err err;
        s = NULL;
        int rc = scenario_parse_string(&s, text, "t.ini", &err);
        scenario_free(s);
        char tail[128];
        snprintf(tail, sizeof tail, ": missing key '%s'", k[i].name);
        if (!strcmp(k[i].deflt, "required")) {
            required++;
            if (rc == 0 || !ends_with(err.msg, tail)) {
                fprintf(stderr, "\n  %s %s left out: %s\n", k[i].section, k[i].name,
                        rc ? err.msg : "accepted");
                CU_FAIL("a required key is not required");
            }
        } else if (!strcmp(k[i].name, "new")) {
            /* one measure of the pair may go: stock comes in its place */
            CU_ASSERT(rc < 0 && strstr(err.msg, "missing key 'new', 'stock' or 'cumulative'"));
        } else if (rc != 0) {
            fprintf(stderr, "\n  %s %s left out: %s\n", k[i].section, k[i].name, err.msg);
            CU_FAIL("a key with a default is required");
        }
    }
    CU_ASSERT(required == 7);
}

/* The kind column says which values may be fitted: "... or fit" keys take
 * `fit` and become parameters to estimate; the other values and
 * distributions are refused with the list of those that may. */
static void test_key_table_fit(void)
{
    static const char *const PREFIX[] = {"", "tier.a", "transition.a->b", "", "", ""};
    size_t n = 0, fittable = 0, values = 0;
    const scenario_key *k = scenario_keys(&n);
    for (size_t i = 0; i < n; i++) {
        if (!strstr(k[i].kind, "distribution") || is_set_form(k[i].section))
            continue;
        values++;
        char text[1024];
        minimal_with(text, sizeof text, &k[i], "fit");
        ts_err err;
        scenario *s = NULL;
        int rc = scenario_parse_string(&s, text, "t.ini", &err);
        if (strstr(k[i].kind, "or fit")) {
            fittable++;
            char name[128];
            snprintf(name, sizeof name, "%s.%s", PREFIX[form_index(k[i].section)], k[i].name);
            const ts_param *p = rc == 0 ? param(s, name) : NULL;
            if (!p || !p->fit) {
                fprintf(stderr, "\n  %s = fit: %s\n", name, rc ? err.msg : "not marked fit");
                CU_FAIL("a key of kind '... or fit' cannot be fitted");
            }
        } else if (rc == 0 || !ends_with(err.msg, ": only stock, inflow, inflow_growth, exit, "
                                                  "renewal, rate and move can be fitted")) {
            fprintf(stderr, "\n  %s = fit: %s\n", k[i].name, rc ? err.msg : "accepted");
            CU_FAIL("a key that is not '... or fit' took `fit`");
        }
        scenario_free(s);
    }
    CU_ASSERT(values == 9);
    CU_ASSERT(fittable == 6);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test t[] = {
        {"[scenario] keys and defaults", test_scenario_keys},
        {"[tier] keys, defaults and distributions", test_tier_keys},
        {"[transition] rate, keep, quota", test_transition_keys},
        {"[target] values, tolerances, thresholds", test_target_keys},
        {"[target] threshold of a large target", test_target_threshold_large},
        {"[target] tiers: a target over several tiers", test_target_tiers},
        {"errors: [target] tiers", test_errors_target_tiers},
        {"[policy] label, years, scale lists", test_policy_keys},
        {"find_param, find_tier, activate_policy", test_find_and_activate},
        {"comments, blanks, padded headers", test_comments_and_spacing},
        {"CRLF, BOM, UTF-8 labels", test_crlf_and_bom},
        {"encodings: a GB18030 file reads as its UTF-8 twin", test_gb18030_twin},
        {"encodings: full-width forms in values, not in labels", test_fullwidth_values},
        {"encodings: '#' comments after a value", test_hash_comments},
        {"encodings: each file of a base chain, and the refusals", test_encodings_in_chains},
        {"long lines", test_long_lines},
        {"errors: lines and sections", test_errors_lines},
        {"errors: section names", test_errors_section_names},
        {"errors: unknown keys", test_errors_unknown_keys},
        {"errors: duplicates", test_errors_duplicates},
        {"errors: structure", test_errors_structure},
        {"errors: [scenario] values", test_errors_scenario_values},
        {"errors: [tier] values", test_errors_tier_values},
        {"errors: [transition] values", test_errors_transition_values},
        {"errors: [target] values", test_errors_target_values},
        {"errors: [policy] values", test_errors_policy_values},
        {"limits: sections and name lengths", test_limits},
        {"numbers at the edges, UTF-8, control characters", test_numbers_at_the_edges},
        {"errors: files, bases, cycles", test_errors_files},
        {"base chains up to 16 levels", test_base_depth},
        {"inheritance: the base alone", test_inherit_base_alone},
        {"inheritance: child overrides key by key", test_inherit_child},
        {"inheritance: grandchild, relative paths", test_inherit_grandchild},
        {"inheritance: errors point into the right file", test_inherit_errors},
        {"a long section header on the last line", test_long_header_at_eof},
        {"dates: start, known_until, period ends", test_dates},
        {"errors: dates", test_errors_dates},
        {"KEY@YEAR: schedules, defaults, parameter order", test_schedules},
        {"errors: KEY@YEAR", test_errors_at_year},
        {"validity, renewal, expire_to, stock_cohorts, scenario_cohorts", test_certificates},
        {"errors: certificates, inflow_quota, cumulative_start", test_errors_certificates},
        {"[event] year, moves, parameters", test_events},
        {"errors: [event]", test_errors_events},
        {"[target] cumulative", test_target_cumulative},
        {"inheritance: the new keys, key by key", test_inherit_certificates},
        {"key table: cells, sections, rows", test_key_table},
        {"key table: README.md holds it verbatim", test_key_table_in_readme},
        {"key table: the fuzz dictionary knows every key", test_key_table_in_fuzz_dict},
        {"key table: required keys are required", test_key_table_required},
        {"key table: the kind says which keys may be fitted", test_key_table_fit},
        {NULL, NULL},
    };
    return tu_run("scenario", t);
}
