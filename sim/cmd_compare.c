/* cmd_compare.c -- `tiersim compare`: policies and scenario variants against
 * the baseline on common random numbers, with paired differences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "crn.h"
#include "i18n.h"
#include "plot.h"
#include "report.h"
#include "rng.h"
#include "scenario.h"

#define MAX_ARMS (1 + 2 * CLI_MAX_POLICIES + TS_MAX_POLICIES)

enum { OPT_ARM = 256, OPT_ALL, OPT_OTHER };

static const cli_option compare_options[] = {
    {"policy", OPT_ARM, 1, "NAME|A+B", "an arm with the policy turned on (A+B: both in one "
     "arm); repeatable", CLI_REPEAT | CLI_NAMES_DIR, "none", "--policy capital+gradient"},
    {"all-policies", OPT_ALL, 0, NULL, "an arm for every policy of the scenario, each on its own",
     CLI_NAMES_DIR, "off", "--all-policies"},
    {"scenario", OPT_OTHER, 1, "OTHER.ini", "an arm of another scenario (its targets matched "
     "by tier and kind); repeatable", CLI_REPEAT | CLI_NAMES_DIR, "none",
     "--scenario scenarios/qingdao-pessimistic.ini"},
};

/* The arms are kept in cli_args' policy list: --policy means an arm here. */
typedef struct {
    compare_flags *c;
    cli_args *a;
} compare_ctx;

static int compare_option(void *own, int key, const char *v, ts_err *err)
{
    compare_ctx *x = own;
    if (key == OPT_ALL) {
        x->c->all_policies = 1;
        return 0;
    }
    const char **list = key == OPT_ARM ? x->a->policies : x->c->others;
    size_t *n = key == OPT_ARM ? &x->a->n_policies : &x->c->n_others;
    if (*n == CLI_MAX_POLICIES)
        return cli_usagef(err, "compare", "%s: at most %d", key == OPT_ARM ? "--policy"
                                                                           : "--scenario",
                          CLI_MAX_POLICIES);
    list[(*n)++] = v;
    return 0;
}

static const char *const compare_examples[] = {
    "tiersim compare scenarios/qingdao.ini --all-policies",
    "tiersim compare scenarios/qingdao.ini --policy capital+gradient --scenario "
    "scenarios/qingdao-pessimistic.ini",
    NULL,
};

const cli_spec cmd_compare_spec = {
    "compare", "policies and scenario variants against the baseline, paired on common random "
               "numbers",
    CLI_SIMULATE & ~(unsigned)CLI_POLICY, "SCENARIO", 1, 1, compare_options,
    sizeof compare_options / sizeof compare_options[0], compare_option, compare_examples,
};

int compare_args_parse(int argc, char **argv, cli_args *a, compare_flags *c, ts_err *err)
{
    memset(c, 0, sizeof *c);
    compare_ctx x = {c, a};
    /* cli_parse clears a first: the arms it collects land in it afterwards. */
    if (cli_parse(&cmd_compare_spec, argc, argv, a, &x, err) < 0)
        return -1;
    if (!a->help && !a->n_policies && !c->all_policies && !c->n_others)
        return cli_usagef(err, "compare", "nothing to compare: give --policy, --all-policies or "
                          "--scenario");
    return 0;
}

/* Turns on every policy of "A+B+C". */
static int activate_set(scenario *s, const char *set, ts_err *err)
{
    char buf[CLI_MAX_POLICIES * (TS_NAME_MAX + 1) + 1];
    snprintf(buf, sizeof buf, "%s", set);
    for (char *tok = strtok(buf, "+"); tok; tok = strtok(NULL, "+"))
        if (scenario_activate_policy(s, tok, err) < 0)
            return -1;
    return 0;
}

/* An arm's label for the charts and report.html: the scenario's own text --
 * a policy's label (those of "A+B" joined by " + "), another scenario's
 * label -- where it has one, else the arm's name. */
static char *arm_label(const scenario *s, const char *set, int other)
{
    char buf[CLI_MAX_POLICIES * 512];
    size_t used = 0;
    buf[0] = '\0';
    if (other) {
        snprintf(buf, sizeof buf, "%s", s->label && s->label[0] ? s->label : s->name);
    } else {
        char names[CLI_MAX_POLICIES * (TS_NAME_MAX + 1) + 1];
        snprintf(names, sizeof names, "%s", set);
        for (char *tok = strtok(names, "+"); tok && used < sizeof buf; tok = strtok(NULL, "+")) {
            const char *text = tok;
            for (size_t i = 0; i < s->n_policies; i++)
                if (!strcmp(s->policies[i].name, tok) && s->policies[i].label &&
                    s->policies[i].label[0])
                    text = s->policies[i].label;
            int n = snprintf(buf + used, sizeof buf - used, "%s%s", used ? " + " : "", text);
            if (n < 0)
                break;
            used += (size_t)n;
        }
    }
    return strdup(buf);
}

/* Loads the arms after the baseline (arms[0], the session's): policy arms
 * reuse the baseline's file and fit, other scenarios load as they are. */
static int load_arms(const cli_session *cs, const compare_flags *c, scenario **arms,
                     const char **names, char **labels, size_t *n_arms, ts_err *err)
{
    const scenario *base = cs->s;
    size_t n_sets = cs->a->n_policies + (c->all_policies ? base->n_policies : 0);
    for (size_t i = 0; i < n_sets + c->n_others; i++) {
        int other = i >= n_sets;
        const char *path = other ? c->others[i - n_sets] : cs->scenario_path;
        if (cli_load_scenario(path, other ? NULL : cs->a->history, 1, &arms[*n_arms], err) < 0)
            return -1;
        scenario *s = arms[(*n_arms)++];
        if (other) {
            names[*n_arms - 1] = s->name;
            if (!(labels[*n_arms - 1] = arm_label(s, NULL, 1)))
                return ts_errf(err, "out of memory");
            continue;
        }
        const char *set = i < cs->a->n_policies ? cs->a->policies[i]
                                                : base->policies[i - cs->a->n_policies].name;
        names[*n_arms - 1] = set;
        if (activate_set(s, set, err) < 0)
            return -1;
        if (!(labels[*n_arms - 1] = arm_label(s, set, 0)))
            return ts_errf(err, "out of memory");
    }
    return 0;
}

/* map[k * T + j]: the target of arm k that is the baseline's target j (the
 * same name and measure). */
static void match_targets(const scenario *const *arms, size_t n_arms, size_t *map)
{
    const scenario *base = arms[0];
    size_t T = base->n_targets;
    for (size_t k = 0; k < n_arms; k++)
        for (size_t j = 0; j < T; j++) {
            const ts_target *t = &base->targets[j];
            map[k * T + j] = (size_t)-1;
            for (size_t i = 0; i < arms[k]->n_targets; i++)
                if (arms[k]->targets[i].kind == t->kind && !strcmp(arms[k]->targets[i].name, t->name))
                    map[k * T + j] = i;
        }
}

/* The table's heading (MSG_COMPARE_HEADING): the change is given +/- the
 * half-width of its 95 % interval, as on the chart and in report.html
 * (issue 13; was "+/- its se"). */
static void print_table(const scenario *base, const char *const *names, size_t n_arms,
                        const crn_compare_result *r)
{
    size_t T = base->n_targets;
    i18n_fprintf(stdout, cli_lang(), MSG_COMPARE_HEADING, (unsigned long long)r->reps);
    printf("%-20s", "target");
    for (size_t a = 0; a < n_arms; a++)
        printf(" %22.22s", names[a]);
    printf("\n");
    for (size_t j = 0; j < T; j++) {
        char name[160];
        report_target_name(base, j, name, sizeof name);
        printf("%-20.20s", name);
        for (size_t a = 0; a < n_arms; a++) {
            double d, se, p = (double)r->met[a * T + j] / (double)r->reps;
            crn_paired_delta(r->gain[a * T + j], r->loss[a * T + j], r->reps, &d, &se);
            char cell[64];
            if (a == 0)
                snprintf(cell, sizeof cell, "%.3f", p);
            else
                snprintf(cell, sizeof cell, "%.3f (%+.3f±%.3f)", p, d, REPORT_Z95 * se);
            printf(" %22s", cell);
        }
        printf("\n");
    }
    printf("%-20s", "ALL");
    for (size_t a = 0; a < n_arms; a++)
        printf(" %22.3f", (double)r->met_all[a] / (double)r->reps);
    printf("\n");
}

int cmd_compare(int argc, char **argv)
{
    cli_args a;
    compare_flags c;
    ts_err err;
    if (compare_args_parse(argc, argv, &a, &c, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_compare_spec);
    scenario *arms[MAX_ARMS] = {NULL};
    const char *names[MAX_ARMS] = {"baseline"};
    char *labels[MAX_ARMS] = {NULL};
    size_t n_arms = 1, *map = NULL;
    int status;
    crn_compare_result res;
    memset(&res, 0, sizeof res);
    cli_session cs;
    /* The arms are the command's, not policies of the baseline: open without them. */
    cli_args base_args = a;
    base_args.n_policies = 0;
    if (cli_open(&cs, &cmd_compare_spec, &base_args, a.operands[0], 0, &err) < 0)
        goto fail;
    cs.a = &a;
    arms[0] = cs.s;
    if (!(labels[0] = strdup(names[0]))) {
        ts_errf(&err, "out of memory");
        cs.status = EXIT_FAIL;
        goto fail;
    }
    if (load_arms(&cs, &c, arms, names, labels, &n_arms, &err) < 0)
        goto fail;
    if (!(map = calloc(n_arms * cs.s->n_targets + 1, sizeof *map))) {
        ts_errf(&err, "out of memory");
        cs.status = EXIT_FAIL;
        goto fail;
    }
    match_targets((const scenario *const *)arms, n_arms, map);
    runner_opts o;
    cli_runner_opts(&cs, &o, 0);
    uint64_t reps = a.replications ? a.replications : cs.s->replications;
    if (crn_compare((const scenario *const *)arms, n_arms, map, &o, reps, &res, &err) < 0)
        goto fail;
    cli_computed(&cs);
    if (output_compare(cs.od, (const scenario *const *)arms, names, (const char *const *)labels,
                       n_arms, &res, &err) < 0)
        goto fail;
    manifest m;
    cli_manifest_begin(&cs, &m);
    char list[MAX_ARMS * 64] = "";
    for (size_t k = 0, used = 0; k < n_arms && used < sizeof list; k++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? " " : "", names[k]);
    manifest_add(&m, "arms", "%s", list);
    manifest_add(&m, "replications", "%llu", (unsigned long long)reps);
    cli_manifest_end(&cs, &m, o.seed);
    manifest_add(&m, "common_random_numbers", "every arm runs replications 0..n-1 on the same "
                 "streams (%s); delta and delta_se are paired", RNG_STREAM_RULE);
    if (cli_close(&cs, &m, PLOT_COMPARE, &err) < 0)
        goto fail;
    print_table(cs.s, names, n_arms, &res);
    printf("results: %s/\n", cs.dir);
    status = cli_end(&cs);
    goto out;
fail:
    status = cli_fail(&cs, &err);
out:
    crn_compare_free(&res);
    free(map);
    for (size_t k = 1; k < n_arms; k++)
        scenario_free(arms[k]);
    for (size_t k = 0; k < MAX_ARMS; k++)
        free(labels[k]);
    return status;
}
