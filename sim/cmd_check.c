/* cmd_check.c -- `tiersim check`: validate a scenario, list its parameters,
 * or list every scenario key. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "scenario.h"

enum { OPT_PARAMS = 256, OPT_KEYS };

static const cli_option check_options[] = {
    {"params", OPT_PARAMS, 0, NULL, "list every parameter: its name, value, mean and where it "
     "is set", 0, "off (check the file and count what it holds)", "--params"},
    {"keys", OPT_KEYS, 0, NULL, "list every scenario key (section, kind, range, default, "
     "meaning) as a Markdown table; takes no SCENARIO", 0, "off", "--keys"},
};

static int check_option(void *own, int key, const char *v, ts_err *err)
{
    (void)v;
    (void)err;
    check_flags *c = own;
    if (key == OPT_PARAMS)
        c->params = 1;
    else
        c->keys = 1;
    return 0;
}

static const char *const check_examples[] = {
    "tiersim check scenarios/qingdao.ini",
    "tiersim check scenarios/qingdao.ini --params",
    "tiersim check --keys",
    NULL,
};

const cli_spec cmd_check_spec = {
    "check", "validate a scenario; with --params list every parameter and its distribution",
    0, "SCENARIO", 0, 1, check_options, sizeof check_options / sizeof check_options[0],
    check_option, check_examples,
};

int check_args_parse(int argc, char **argv, cli_args *a, check_flags *c, ts_err *err)
{
    memset(c, 0, sizeof *c);
    if (cli_parse(&cmd_check_spec, argc, argv, a, c, err) < 0 || a->help)
        return a->help ? 0 : -1;
    if (c->keys && a->n_operands)
        return cli_usagef(err, "check", "--keys takes no SCENARIO");
    if (c->keys && c->params)
        return cli_usagef(err, "check", "--keys and --params go one at a time");
    if (!c->keys && !a->n_operands)
        return cli_usagef(err, "check", "missing SCENARIO");
    return 0;
}

static void print_keys(void)
{
    size_t n;
    const scenario_key *keys = scenario_keys(&n);
    printf("| section | key | kind | range | default | meaning |\n"
           "| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < n; i++) {
        char row[1024];
        scenario_key_markdown(&keys[i], row, sizeof row);
        printf("%s\n", row);
    }
}

static void print_params(const scenario *s)
{
    printf("%-52s %-28s %12s  %s\n", "parameter", "value", "mean", "where");
    for (size_t i = 0; i < s->n_params; i++) {
        const ts_param *p = &s->params[i];
        char v[128], where[512], d[120];
        dist_format(&p->value, d, sizeof d);
        if (p->fit && p->has_prior)
            snprintf(v, sizeof v, "fit(%s)", d);
        else
            snprintf(v, sizeof v, "%s", p->fit ? "fit" : d);
        if (p->file)
            snprintf(where, sizeof where, "%s:%d", p->file, p->line);
        else
            snprintf(where, sizeof where, "(default)");
        if (p->fit && !p->has_prior)
            printf("%-52s %-28s %12s  %s\n", p->name, v, "", where);
        else
            printf("%-52s %-28s %12.6g  %s\n", p->name, v, dist_mean(&p->value), where);
    }
}

int cmd_check(int argc, char **argv)
{
    cli_args a;
    check_flags c;
    ts_err err;
    if (check_args_parse(argc, argv, &a, &c, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_check_spec);
    cli_session cs;
    cli_init(&cs, &cmd_check_spec, &a);
    if (c.keys) {
        print_keys();
        return cli_end(&cs);
    }
    if (scenario_load(&cs.s, a.operands[0], &err) < 0)
        return cli_fail(&cs, &err);
    cli_note_scenario(cs.s);
    const scenario *s = cs.s;
    if (c.params) {
        print_params(s);
    } else {
        size_t uncertain = 0;
        for (size_t i = 0; i < s->n_params; i++)
            uncertain += (size_t)dist_is_random(&s->params[i].value);
        printf("%s: ok -- %zu tiers, %zu transitions, %zu targets, %zu policies, %zu parameters "
               "(%zu uncertain), %d-%d\n", a.operands[0], s->n_tiers, s->n_transitions,
               s->n_targets, s->n_policies, s->n_params, uncertain, s->start_year, s->end_year);
    }
    return cli_end(&cs);
}
