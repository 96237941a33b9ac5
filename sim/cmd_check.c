/* cmd_check.c -- `tiersim check`: validate a scenario, list its parameters. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "scenario.h"

static const char check_usage[] = "usage: tiersim check SCENARIO [--params]";

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"params", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int list = 0, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'p') {
            list = 1;
        } else if (c == 'h') {
            printf("%s\n", check_usage);
            return EXIT_OK;
        } else {
            fprintf(stderr, "check: unknown option '%s'"
                            CMD_SEE_HELP("check") "\n", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "check: expected one SCENARIO" CMD_SEE_HELP("check") "\n");
        return EXIT_USAGE;
    }
    scenario *s;
    ts_err err;
    if (scenario_load(&s, argv[optind], &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_USAGE;
    }
    if (!list) {
        size_t uncertain = 0;
        for (size_t i = 0; i < s->n_params; i++)
            uncertain += (size_t)dist_is_random(&s->params[i].value);
        printf("%s: ok -- %zu tiers, %zu transitions, %zu targets, %zu policies, %zu parameters "
               "(%zu uncertain), %d-%d\n", argv[optind], s->n_tiers, s->n_transitions,
               s->n_targets, s->n_policies, s->n_params, uncertain, s->start_year, s->end_year);
    } else {
        printf("%-52s %-28s %12s  %s\n", "parameter", "value", "mean", "where");
        for (size_t i = 0; i < s->n_params; i++) {
            const ts_param *p = &s->params[i];
            char v[128], where[512];
            double mean = dist_mean(&p->value);
            char d[120];
            dist_format(&p->value, d, sizeof d);
            if (p->fit && p->has_prior)
                snprintf(v, sizeof v, "fit(%s)", d);
            else if (p->fit)
                snprintf(v, sizeof v, "fit");
            else
                snprintf(v, sizeof v, "%s", d);
            if (p->file)
                snprintf(where, sizeof where, "%s:%d", p->file, p->line);
            else
                snprintf(where, sizeof where, "(default)");
            if (p->fit && !p->has_prior)
                printf("%-52s %-28s %12s  %s\n", p->name, v, "", where);
            else
                printf("%-52s %-28s %12.6g  %s\n", p->name, v, mean, where);
        }
    }
    scenario_free(s);
    return cmd_flush_stdout();
}
