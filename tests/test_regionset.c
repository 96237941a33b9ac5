/* Region sets: the set file and its errors, every sum exact replication by
 * replication, a shared parameter that makes members move together and
 * members that are independent without one, the parts' views. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "regionset.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

static char dir[64];

static void put(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* Two cities: a's little giants come from its SRDI firms at a rate the set
 * may share with b's; b has certificates and a tier a lacks. */
static const char city_a[] =
    "[scenario]\nname = a\nstart_year = 2023\nend_year = 2025\n"
    "[tier srdi]\nstock = 100\ninflow = 20\nexit = 0.05\n"
    "[tier lg]\nstock = 10\nexit = 0.02\n"
    "[transition srdi -> lg]\nrate = beta(2, 38)\n"
    "[target lg]\nnew = 12\n[policy push]\nscale = srdi -> lg : 1.5\n";
static const char city_b[] =
    "[scenario]\nname = b\nstart_year = 2023\nend_year = 2025\n"
    "[tier srdi]\nstock = uniform(250, 350)\ninflow = 40\nexit = 0.05\n"
    "[tier lg]\nstock = 20\nexit = 0.02\nvalidity = 3\nrenewal = 0.9\n"
    "[tier champion]\nstock = 5\ninflow = 2\n"
    "[transition srdi -> lg]\nrate = beta(2, 38)\n[target lg]\nnew = 30\n";

static const char shared_set[] =
    "[set]\nname = ab\nseed = 5\n"
    "[member a]\nscenario = a.ini\n[member b]\nscenario = b.ini\n"
    "[shared transition.srdi->lg.rate]\nvalue = beta(2, 38)\n"
    "[target lg]\nnew = 40\n[target both]\ntiers = lg, champion\nstock = 70\n";

static void setup_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/tiersim-set-XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    put("a.ini", city_a);
    put("b.ini", city_b);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT(system(cmd) == 0);
}

static scenario *load_set(const char *text)
{
    put("set.ini", text);
    char path[128];
    snprintf(path, sizeof path, "%s/set.ini", dir);
    scenario *s = NULL;
    ts_err err;
    if (scenario_load(&s, path, &err) < 0) {
        fprintf(stderr, "\n  %s\n", err.msg);
        CU_FAIL_FATAL("load");
    }
    return s;
}

/* The message of loading set.ini = text, with DIR for the directory. */
static void expect_error(const char *text, const char *want_fmt)
{
    put("set.ini", text);
    char path[128], want[1024];
    snprintf(path, sizeof path, "%s/set.ini", dir);
    /* DIR in want_fmt stands for the directory. */
    size_t used = 0;
    for (const char *p = want_fmt; *p && used + sizeof dir < sizeof want;)
        if (!strncmp(p, "DIR", 3)) {
            used += (size_t)snprintf(want + used, sizeof want - used, "%s", dir);
            p += 3;
        } else {
            want[used++] = *p++;
        }
    want[used] = '\0';
    scenario *s = NULL;
    ts_err err;
    CU_ASSERT_EQUAL(scenario_load(&s, path, &err), -1);
    CU_ASSERT_PTR_NULL(s);
    if (strcmp(err.msg, want))
        fprintf(stderr, "\n  got  %s\n  want %s\n", err.msg, want);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
}

static void test_merged_structure(void)
{
    setup_dir();
    scenario *s = load_set(shared_set);
    CU_ASSERT_STRING_EQUAL(s->name, "ab");
    CU_ASSERT_EQUAL(s->n_members, 2);
    CU_ASSERT_EQUAL(s->seed, 5);
    /* a's two tiers, b's three, then the sums: lg and srdi (both members),
     * champion (named by a set target only). */
    CU_ASSERT_EQUAL(s->n_tiers, 8);
    CU_ASSERT_EQUAL(s->sum_tier0, 5);
    CU_ASSERT_STRING_EQUAL(s->tiers[0].name, "a.srdi");
    CU_ASSERT_STRING_EQUAL(s->tiers[4].name, "b.champion");
    CU_ASSERT_STRING_EQUAL(s->tiers[5].name, "srdi");
    CU_ASSERT_STRING_EQUAL(s->tiers[6].name, "lg");
    CU_ASSERT_STRING_EQUAL(s->tiers[7].name, "champion");
    CU_ASSERT_EQUAL(s->tiers[6].n_sum, 2);
    CU_ASSERT_EQUAL(s->tiers[7].n_sum, 1);
    /* The shared rate is one parameter both transitions use. */
    size_t shared = scenario_find_param(s, "transition.srdi->lg.rate");
    CU_ASSERT_NOT_EQUAL(shared, TS_NO_PARAM);
    CU_ASSERT_EQUAL(s->transitions[0].p_rate, shared);
    CU_ASSERT_EQUAL(s->transitions[1].p_rate, shared);
    CU_ASSERT_EQUAL(scenario_find_param(s, "a.transition.srdi->lg.rate"), TS_NO_PARAM);
    CU_ASSERT_NOT_EQUAL(scenario_find_param(s, "b.tier.srdi.stock"), TS_NO_PARAM);
    /* Targets: the members' (named MEMBER.NAME, their member's group), the set's. */
    CU_ASSERT_EQUAL(s->n_targets, 4);
    CU_ASSERT_STRING_EQUAL(s->targets[0].name, "a.lg");
    CU_ASSERT_EQUAL(s->targets[1].group, 1);
    CU_ASSERT_EQUAL(s->set_target0, 2);
    CU_ASSERT_EQUAL(s->targets[2].tier, 6);
    CU_ASSERT_EQUAL(s->targets[3].n_tiers, 2);
    CU_ASSERT_EQUAL(s->targets[3].group, 2);
    /* A policy of one member: on by its own name. */
    ts_err err;
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "push", &err), 0);
    CU_ASSERT(s->policies[0].active);
    CU_ASSERT_STRING_EQUAL(s->policies[0].name, "a.push");
    /* MEMBER.NAME: that member's policy by its name in the set. */
    s->policies[0].active = 0;
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "a.push", &err), 0);
    CU_ASSERT(s->policies[0].active);
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "b.push", &err), -1);
    CU_ASSERT_EQUAL(scenario_activate_policy(s, "pull", &err), -1);
    char want[512];
    snprintf(want, sizeof want, "%s/set.ini: no member has a policy 'pull' (the members' "
             "policies: a.push)", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    scenario_free(s);
    remove_dir();
}

#define REPS 4000

static runner_result *run_recorded(const scenario *s, double *theta, int64_t *value)
{
    runner_opts o;
    runner_opts_init(&o, s);
    o.replications = REPS;
    o.threads = 2;
    o.record_reps = REPS;
    o.record_theta = theta;
    o.record_value = value;
    runner_result *r = NULL;
    ts_err err;
    if (runner_run(s, &o, &r, &err) < 0) {
        fprintf(stderr, "\n  %s\n", err.msg);
        CU_FAIL_FATAL("run");
    }
    return r;
}

/* Replication by replication, the set's count is the members' counts added
 * up; the aggregate's means are the sums of the members' means. */
static void test_sums_are_exact(void)
{
    setup_dir();
    scenario *s = load_set(shared_set);
    double *theta = malloc(REPS * s->n_params * sizeof *theta);
    int64_t *v = malloc(REPS * s->n_targets * sizeof *v);
    runner_result *r = run_recorded(s, theta, v);
    size_t bad = 0;
    for (size_t i = 0; i < REPS; i++)
        bad += v[i * 4 + 2] != v[i * 4 + 0] + v[i * 4 + 1];
    CU_ASSERT_EQUAL(bad, 0);
    for (size_t y = 0; y < r->n_years; y++)
        for (int m = 0; m < M_COUNT; m++) {
            double sum = hist_mean(runner_hist(r, y, 1, (ts_measure)m)) +
                         hist_mean(runner_hist(r, y, 3, (ts_measure)m));
            CU_ASSERT(tu_close(hist_mean(runner_hist(r, y, 6, (ts_measure)m)), sum, 1e-12,
                               1e-12));
        }
    CU_ASSERT(tu_close(hist_mean(runner_start_hist(r, 5)),
                       hist_mean(runner_start_hist(r, 0)) + hist_mean(runner_start_hist(r, 2)),
                       1e-12, 0));
    /* The views: member b's tiers and targets as b's own, the sums as the set's. */
    regionset_view vb, va;
    runner_result *rb = NULL, *ra = NULL;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(regionset_view_init(&vb, s, 1, &err), 0);
    CU_ASSERT_EQUAL_FATAL(regionset_view_init(&va, s, 2, &err), 0);
    CU_ASSERT_EQUAL(runner_result_view(r, vb.tier0, vb.s.n_tiers, vb.target0, vb.s.n_targets,
                                       vb.group, &rb, &err), 0);
    CU_ASSERT_EQUAL(runner_result_view(r, va.tier0, va.s.n_tiers, va.target0, va.s.n_targets,
                                       va.group, &ra, &err), 0);
    CU_ASSERT_STRING_EQUAL(vb.s.tiers[2].name, "champion");
    CU_ASSERT_PTR_EQUAL(runner_hist(rb, 2, 2, M_STOCK), runner_hist(r, 2, 4, M_STOCK));
    CU_ASSERT_EQUAL(runner_met(rb, 0), runner_met(r, 1));
    CU_ASSERT_STRING_EQUAL(va.s.tiers[1].name, "lg");
    CU_ASSERT_EQUAL(va.s.targets[1].tiers[1], 2);
    CU_ASSERT_PTR_EQUAL(runner_target_hist(ra, 1), runner_target_hist(r, 3));
    /* Every target met: per part, from the same replications. */
    uint64_t all_b = 0, all_set = 0;
    for (size_t i = 0; i < REPS; i++) {
        all_b += v[i * 4 + 1] >= s->targets[1].threshold;
        all_set += v[i * 4 + 2] >= s->targets[2].threshold && v[i * 4 + 3] >= s->targets[3].threshold;
    }
    CU_ASSERT_EQUAL(rb->met_all, all_b);
    CU_ASSERT_EQUAL(ra->met_all, all_set);
    /* b's view draws the shared rate, not its own. */
    size_t p = scenario_find_param(&vb.s, "transition.srdi->lg.rate");
    CU_ASSERT_EQUAL(vb.s.params[p].value.kind, s->params[scenario_find_param(s,
                                                 "transition.srdi->lg.rate")].value.kind);
    runner_result_free(rb);
    runner_result_free(ra);
    regionset_view_free(&vb);
    regionset_view_free(&va);
    runner_result_free(r);
    free(theta);
    free(v);
    scenario_free(s);
    remove_dir();
}

/* The correlation of a's and b's new little giants over the replications. */
static double member_correlation(const char *set)
{
    scenario *s = load_set(set);
    double *theta = malloc(REPS * s->n_params * sizeof *theta);
    int64_t *v = malloc(REPS * s->n_targets * sizeof *v);
    runner_result *r = run_recorded(s, theta, v);
    double *x = malloc(REPS * sizeof *x), *y = malloc(REPS * sizeof *y);
    for (size_t i = 0; i < REPS; i++) {
        x[i] = (double)v[i * s->n_targets + 0];
        y[i] = (double)v[i * s->n_targets + 1];
    }
    double rho = gsl_stats_correlation(x, 1, y, 1, REPS);
    free(x);
    free(y);
    runner_result_free(r);
    free(theta);
    free(v);
    scenario_free(s);
    return rho;
}

/* One rate for both cities makes their counts move together: beta(2, 38)
 * has a coefficient of variation of 0.68, which dominates both cities'
 * promotions (their chance adds a Poisson-like spread of the same size at
 * most), so the correlation is far above 0.3.  Without the [shared]
 * section each draws its own rate and the correlation is 0 within 4
 * standard errors (1 / sqrt(n) under independence). */
static void test_shared_parameter_correlates(void)
{
    setup_dir();
    double rho = member_correlation(shared_set);
    CU_ASSERT(rho > 0.3);
    char own[1024];
    snprintf(own, sizeof own, "%s",
             "[set]\nname = ab\nseed = 5\n[member a]\nscenario = a.ini\n[member b]\n"
             "scenario = b.ini\n[target lg]\nnew = 40\n");
    double rho0 = member_correlation(own);
    TU_ASSERT_WITHIN_SE("independent members' correlation", rho0, 0.0, 1.0 / sqrt(REPS), 4.0);
    remove_dir();
}

static void test_errors(void)
{
    setup_dir();
    put("bad.ini", "[scenario]\nname = bad\nstart_year = 2023\nend_year = 2025\n[tier x]\n"
                   "exit = 2\n");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[member bad]\nscenario = bad.ini\n",
                 "DIR/set.ini:5: member 'bad': DIR/bad.ini:6: tier 'x': exit: 2 is above 1");
    put("late.ini", "[scenario]\nname = late\nstart_year = 2023\nstart = 2023-07\n"
                    "end_year = 2025\n[tier x]\n");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[member late]\nscenario = late.ini\n",
                 "DIR/set.ini:5: member 'late': starts 2023-07 and ends with update year 2025, "
                 "member 'a' starts 2023-01 and ends with 2025: the members of a set share "
                 "start, start_year and end_year");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[shared tier.q.exit]\nvalue = 0.1\n",
                 "DIR/set.ini:5: shared 'tier.q.exit': no member has this parameter (`tiersim "
                 "check MEMBER.ini --params` lists a member's)");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n"
                 "[shared transition.srdi->lg.rate]\nvalue = 1.5\n",
                 "DIR/set.ini:6: shared 'transition.srdi->lg.rate': value: 1.5 is above 1");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[target unicorn]\nnew = 3\n",
                 "DIR/set.ini:5: target 'unicorn': no member has a tier 'unicorn'");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[tier x]\nstock = 3\n",
                 "DIR/set.ini:5: tier 'x': a set file holds [set], [member NAME], [shared "
                 "PARAMETER] and [target NAME] sections only (a member's own go in its scenario)");
    expect_error("[set]\nname = s\n",
                 "DIR/set.ini: no [member NAME] section");
    expect_error("[set]\nname = s\n[member a]\n", "DIR/set.ini:3: member 'a': missing key 'scenario'");
    expect_error("[set]\nname = s\n[member a]\nscenario = nothere.ini\n",
                 "DIR/set.ini:3: member 'a': DIR/nothere.ini: cannot read: No such file or directory");
    put("inner.ini", "[set]\nname = inner\n[member a]\nscenario = a.ini\n");
    expect_error("[set]\nname = s\n[member i]\nscenario = inner.ini\n",
                 "DIR/set.ini:3: member 'i': DIR/inner.ini is a set; a member is a scenario");
    expect_error("[scenario]\nname = s\nstart_year = 2023\nend_year = 2024\n[tier x]\n"
                 "[member a]\nscenario = a.ini\n",
                 "DIR/set.ini:6: member 'a': belongs in a set file (one with [set] instead of "
                 "[scenario])");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[shared  ]\nvalue = 1\n",
                 "DIR/set.ini:5: [shared  ] needs a parameter's name");
    /* The set's keys from the key table: the required ones, and no `fit`. */
    expect_error("[set]\nlabel = s\n[member a]\nscenario = a.ini\n",
                 "DIR/set.ini:1: [set]: missing key 'name'");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[shared tier.lg.exit]\n",
                 "DIR/set.ini:5: shared 'tier.lg.exit': missing key 'value'");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[shared tier.lg.exit]\n"
                 "value = fit(beta(1, 9))\n",
                 "DIR/set.ini:6: shared 'tier.lg.exit': value: a set's values are drawn, not "
                 "fitted (fit each member's scenario)");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[shared tier.srdi.stock]\n"
                 "value = 7.5\n",
                 "DIR/set.ini:6: shared 'tier.srdi.stock': value: 7.5 is not a whole number of "
                 "firms");
    expect_error("[set]\nname = s\n[member a]\nscenario = a.ini\n[set]\nname = t\n",
                 "DIR/set.ini:5: duplicate section [set] (first at line 1)");
    remove_dir();
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test tests[] = {
        {"the merged scenario: tiers, sums, shared parameters, targets, policies",
         test_merged_structure},
        {"sums exact per replication; the parts' views", test_sums_are_exact},
        {"a shared parameter correlates members; none leaves them independent",
         test_shared_parameter_correlates},
        {"set file errors name their place", test_errors},
        {NULL, NULL},
    };
    return tu_run("regionset", tests);
}
