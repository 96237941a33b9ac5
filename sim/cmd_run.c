/* cmd_run.c -- `tiersim run`: simulate a scenario and report its targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "explain.h"
#include "num.h"
#include "observed.h"
#include "output.h"
#include "output_validate.h"
#include "outdir.h"
#include "plot.h"
#include "regionset.h"
#include "report.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "xlsx.h"

enum { OPT_PRECISION = 256, OPT_MAX_REPS, OPT_OBSERVED, OPT_EXPLAIN };

/* --explain's goal seeking: replications per evaluation (at most the run's). */
#define WHY_REACH_REPS 2000

static const cli_option run_options[] = {
    {"precision", OPT_PRECISION, 1, "E", "keep adding replications, 4000 at a time, until every "
     "target's P(met) has a standard error of at most E (0 < E < 0.5)", 0,
     "off (exactly -n replications)", "--precision 0.002"},
    {"max-reps", OPT_MAX_REPS, 1, "N", "the most replications --precision may run", 0, "10000000",
     "--max-reps 200000"},
    {"observed", OPT_OBSERVED, 1, "OBSERVED.csv", "draw these outcomes on the fan charts "
     "(observed.csv; `tiersim validate` scores them)", 0, "none",
     "--observed data/qingdao-reported.csv"},
    {"explain", OPT_EXPLAIN, 0, NULL, "in the why-line of each target that is not likely, also "
     "give the value of its lever at which P(met) would reach 0.5 (0.8 where it is 0.5 "
     "already), found as tiersim goal finds it: about 0.4 s a line on Qingdao", 0,
     "off (the lever and the way it helps, from the run's own replications)", "--explain"},
};

static int run_option(void *own, int key, const char *v, ts_err *err)
{
    run_flags *r = own;
    if (key == OPT_OBSERVED) {
        if (!v[0])
            return cli_usagef(err, "run", "--observed: expected a file");
        r->observed = v;
        return 0;
    }
    if (key == OPT_EXPLAIN) {
        r->explain = 1;
    } else if (key == OPT_PRECISION) {
        if (num_parse_double(v, &r->precision) < 0 || !(r->precision > 0) || r->precision >= 0.5)
            return cli_usagef(err, "run", "--precision: expected a standard error above 0 and "
                              "below 0.5, got '%s'", v);
    } else if (num_parse_uint64(v, 1000000000ULL, &r->max_replications) < 0 ||
               r->max_replications == 0) {
        return cli_usagef(err, "run", "--max-reps: expected a whole number from 1 to "
                          "1000000000, got '%s'", v);
    }
    return 0;
}

static const char *const run_examples[] = {
    "tiersim run scenarios/qingdao.ini",
    "tiersim run scenarios/qingdao.ini --policy capital --policy gradient -n 50000 -s 7",
    "tiersim run scenarios/qingdao-v1.ini --history data/qingdao-v1-history.csv",
    "tiersim run scenarios/qingdao.ini --explain",
    NULL,
};

const cli_spec cmd_run_spec = {
    "run", "simulate the scenario and report how likely each target is to be met",
    CLI_SIMULATE, "SCENARIO", 1, 1, run_options, sizeof run_options / sizeof run_options[0],
    run_option, run_examples,
};

static const char *const batch_examples[] = {
    "tiersim batch scenarios/national-example.ini",
    "tiersim batch scenarios/national-example.ini -n 20000 --policy capital -o out/national",
    NULL,
};

const cli_spec cmd_batch_spec = {
    "batch", "simulate a region set: every member and the sums, the shared parameters drawn "
    "once per replication for all members",
    CLI_SIMULATE, "SET", 1, 1, run_options, sizeof run_options / sizeof run_options[0],
    run_option, batch_examples,
};

static int simulate_parse(const cli_spec *spec, int argc, char **argv, cli_args *a,
                          run_flags *r, ts_err *err)
{
    memset(r, 0, sizeof *r);
    r->max_replications = 10000000;
    return cli_parse(spec, argc, argv, a, r, err);
}

int run_args_parse(int argc, char **argv, cli_args *a, run_flags *r, ts_err *err)
{
    return simulate_parse(&cmd_run_spec, argc, argv, a, r, err);
}

int batch_args_parse(int argc, char **argv, cli_args *a, run_flags *r, ts_err *err)
{
    return simulate_parse(&cmd_batch_spec, argc, argv, a, r, err);
}

/* ------------------------------------------------------------- why-lines */

/* Why each target that is not likely is not: its median against what it
 * needs, the assumption whose draws move its count most (explain.h) and,
 * with --explain, the value of that lever that would make it more likely. */
typedef struct {
    uint64_t n;                 /* replications recorded */
    double *theta;              /* [rep * n_params + i] */
    int64_t *value;             /* [rep * n_targets + j] */
    unsigned char *want;        /* [j]: not likely */
    explain_lever *lever;       /* [j] */
    explain_reach *reach;       /* [j], with --explain (q 0: none) */
    unsigned char *assumed;     /* [j]: assumptions only */
} why;

static void why_free(why *w)
{
    free(w->theta);
    free(w->value);
    free(w->want);
    free(w->lever);
    free(w->reach);
    free(w->assumed);
    memset(w, 0, sizeof *w);
}

/* Room for the records of the run's first replications (runner_opts). */
static int why_alloc(why *w, const scenario *s, uint64_t reps, ts_err *err)
{
    memset(w, 0, sizeof *w);
    size_t T = s->n_targets + 1;
    w->n = explain_record_reps(s, reps);
    w->theta = malloc(((size_t)w->n * s->n_params + 1) * sizeof *w->theta);
    w->value = malloc(((size_t)w->n * T + 1) * sizeof *w->value);
    w->want = calloc(T, 1);
    w->lever = calloc(T, sizeof *w->lever);
    w->reach = calloc(T, sizeof *w->reach);
    w->assumed = calloc(T, 1);
    if (!w->theta || !w->value || !w->want || !w->lever || !w->reach || !w->assumed) {
        why_free(w);
        return ts_errf(err, "out of memory");
    }
    return 0;
}

static int why_compute(why *w, const scenario *s, const runner_result *r, const runner_opts *o,
                       int reach, ts_err *err)
{
    if (w->n > r->replications)
        w->n = r->replications;
    target_summary t;
    for (size_t j = 0; j < s->n_targets; j++) {
        report_target(s, r, j, &t);
        w->want[j] = report_verdict(t.p_met) != VERDICT_LIKELY;
        w->assumed[j] = (unsigned char)explain_assumptions_only(s, j);
    }
    if (explain_levers(s, w->theta, w->value, w->n, w->want, w->lever, err) < 0)
        return -1;
    uint64_t reps = r->replications < WHY_REACH_REPS ? r->replications : WHY_REACH_REPS;
    for (size_t j = 0; reach && j < s->n_targets; j++) {
        if (!w->want[j] || w->lever[j].param == TS_NO_PARAM)
            continue;
        report_target(s, r, j, &t);
        if (explain_reach_value(s, o, j, w->lever[j].param, w->lever[j].rho,
                                t.p_met < 0.5 ? 0.5 : 0.8, reps, &w->reach[j], err) < 0)
            return -1;
    }
    return 0;
}

/* "srdi: median 892 vs 1800 needed, short by 908; most moved by
 * tier.srdi.inflow (rank correlation +0.92: higher helps)", in lang. */
static void why_text(const scenario *s, const runner_result *r, const why *w, size_t j,
                     ts_lang lang, char *buf, size_t len)
{
    target_summary t;
    char name[160];
    report_target(s, r, j, &t);
    report_target_name(s, j, name, sizeof name);
    int64_t need = s->targets[j].threshold;
    size_t used = (size_t)i18n_snprintf(buf, len, lang, MSG_WHY_MEDIAN, name, (long long)t.p50,
                                        (long long)need);
    if (used < len)
        used += (size_t)(t.p50 < need
                             ? i18n_snprintf(buf + used, len - used, lang, MSG_WHY_SHORT,
                                             (long long)(need - t.p50))
                             : i18n_snprintf(buf + used, len - used, lang, MSG_WHY_FALL_SHORT,
                                             100.0 * (1.0 - t.p_met)));
    const explain_lever *l = &w->lever[j];
    if (used < len && l->param == TS_NO_PARAM) {
        i18n_snprintf(buf + used, len - used, lang, MSG_WHY_NONE, l->rho_floor);
        return;
    }
    const ts_param *p = &s->params[l->param];
    if (used < len)
        used += (size_t)i18n_snprintf(buf + used, len - used, lang, MSG_WHY_MOVED, p->name,
                                      l->rho, i18n(lang, l->rho > 0 ? MSG_WHY_HIGHER
                                                                    : MSG_WHY_LOWER));
    /* The value is where P(met) would be q were the assumption known to be
     * that: beside its assumed median it says how far that is. */
    const explain_reach *x = &w->reach[j];
    double median = dist_quantile(&p->value, 0.5);
    if (used < len && x->q > 0 && x->reachable)
        used += (size_t)i18n_snprintf(buf + used, len - used, lang, MSG_WHY_REACH, x->q,
                                      l->rho > 0 ? ">=" : "<=", x->value, median);
    else if (used < len && x->q > 0)
        used += (size_t)i18n_snprintf(buf + used, len - used, lang, MSG_WHY_UNREACHED, x->q,
                                      x->p_met, x->value);
    if (used < len)
        snprintf(buf + used, len - used, "%s", i18n(lang, MSG_WHY_CLOSE));
}

/* The report card on the terminal, in lang.  Its columns are as wide as
 * their widest cell in columns of the terminal (i18n_width: a Chinese
 * character takes two), so that it stays aligned in every language. */
enum { COL_NAME, COL_MEASURE, COL_VALUE, COL_NEEDS, COL_PMET, COL_CI, COL_VERDICT, N_COLS };

/* The columns' least widths (the English card's) and what comes before
 * each: one blank, or two before P(met), the interval and the verdict. */
static const size_t col_min[N_COLS] = {18, 10, 9, 9, 7, 17, 9};
static const char *const col_gap[N_COLS] = {"", " ", " ", " ", "  ", "  ", "  "};
static const int col_right[N_COLS] = {0, 0, 1, 1, 1, 0, 0};

static void card_row(const size_t *width, const char *const *cell)
{
    for (int c = 0; c < N_COLS; c++) {
        fputs(col_gap[c], stdout);
        i18n_pad(stdout, cell[c], width[c], col_right[c]);
    }
}

static void print_report(const scenario *s, const runner_result *r, const why *w, const char *dir,
                         const char *policies, ts_lang lang)
{
    printf("%s -- %s\n", s->name, s->label);
    i18n_fprintf(stdout, lang, MSG_CARD_YEARS, s->start_year, s->end_year);
    if (s->start_month > 1) {
        /* Update years that do not start in January: say which months they cover. */
        char from[16], to[16];
        scenario_month_format(s->start_year * 12 + s->start_month - 1, from, sizeof from);
        scenario_month_format(scenario_period_end(s, s->end_year), to, sizeof to);
        i18n_fprintf(stdout, lang, MSG_CARD_MONTHS, from, to);
    }
    i18n_fprintf(stdout, lang, MSG_CARD_RUN, (unsigned long long)r->replications,
                 (unsigned long long)s->seed, policies[0] ? policies : i18n(lang, MSG_NONE));

    /* Every cell first, then the widths, then the rows. */
    size_t n = s->n_targets + (s->n_targets > 1), rows = n + 1;
    char (*text)[N_COLS][64] = calloc(rows, sizeof *text);
    const char *(*cell)[N_COLS] = calloc(rows, sizeof *cell);
    char (*tail)[128] = calloc(rows, sizeof *tail);
    if (!text || !cell || !tail) {
        free(text);
        free(cell);
        free(tail);
        fprintf(stderr, "tiersim: out of memory\n");
        return;
    }
    static const msg_id head[N_COLS] = {MSG_COL_TARGET, MSG_COL_MEASURE, MSG_COL_VALUE,
                                        MSG_COL_NEEDS, MSG_COL_PMET, MSG_COL_CI, MSG_COL_VERDICT};
    for (int c = 0; c < N_COLS; c++)
        cell[0][c] = i18n(lang, head[c]);
    target_summary t;
    for (size_t j = 0; j < n; j++) {
        const char **row = cell[j + 1];
        char (*buf)[64] = text[j + 1];
        if (j < s->n_targets) {
            const ts_target *tg = &s->targets[j];
            report_target(s, r, j, &t);
            row[COL_NAME] = tg->name;
            row[COL_MEASURE] = i18n_measure(lang, report_target_measure(tg));
            snprintf(buf[COL_VALUE], 64, "%.10g", tg->value);
            snprintf(buf[COL_NEEDS], 64, "%lld", (long long)tg->threshold);
            row[COL_VALUE] = buf[COL_VALUE];
            row[COL_NEEDS] = buf[COL_NEEDS];
            snprintf(tail[j + 1], sizeof tail[j + 1], "%lld / %lld / %lld", (long long)t.p05,
                     (long long)t.p50, (long long)t.p95);
        } else {
            report_all(r, &t);
            row[COL_NAME] = i18n(lang, MSG_CARD_ALL);
            row[COL_MEASURE] = row[COL_VALUE] = row[COL_NEEDS] = "";
        }
        snprintf(buf[COL_PMET], 64, "%.3f", t.p_met);
        snprintf(buf[COL_CI], 64, "[%.3f, %.3f]", t.ci_lo, t.ci_hi);
        row[COL_PMET] = buf[COL_PMET];
        row[COL_CI] = buf[COL_CI];
        row[COL_VERDICT] = i18n_verdict(lang, (int)report_verdict(t.p_met));
    }
    size_t width[N_COLS];
    for (int c = 0; c < N_COLS; c++) {
        width[c] = col_min[c];
        for (size_t i = 0; i < rows; i++) {
            size_t cw = i18n_width(cell[i][c]);
            width[c] = cw > width[c] ? cw : width[c];
        }
    }
    card_row(width, cell[0]);
    printf("  %s\n", i18n(lang, MSG_COL_QUANTILES));
    for (size_t j = 0; j < n; j++) {
        card_row(width, cell[j + 1]);
        if (j < s->n_targets)
            printf("  %s   %s%s", tail[j + 1], s->targets[j].label,
                   w->assumed[j] ? i18n(lang, MSG_ASSUMED_MARK) : "");
        putchar('\n');
    }
    free(text);
    free(cell);
    free(tail);
    size_t n_assumed = 0, n_why = 0;
    for (size_t j = 0; j < s->n_targets; j++) {
        n_assumed += w->assumed[j];
        n_why += w->want[j];
    }
    if (n_why) {
        putchar('\n');
        i18n_fprintf(stdout, lang, MSG_WHY_HEAD, (unsigned long long)w->n);
        putchar('\n');
        for (size_t j = 0; j < s->n_targets; j++) {
            char line[1024];
            if (!w->want[j])
                continue;
            why_text(s, r, w, j, lang, line, sizeof line);
            printf("  %s\n", line);
        }
    }
    if (n_assumed)
        printf("\n%s\n", i18n(lang, MSG_ASSUMED_LEGEND));
    printf("\n%s\n", i18n(lang, MSG_CARD_READING));
    if (r->capped)
        i18n_fprintf(stdout, lang, MSG_CARD_CAPPED, (unsigned long long)r->capped,
                     (unsigned long long)r->replications);
    i18n_fprintf(stdout, lang, MSG_RESULTS, dir);
}

/* The why-lines and the targets resting on assumptions only, for the
 * manifest (and so report.html). */
static void why_manifest(const scenario *s, const runner_result *r, const why *w, ts_lang lang,
                         manifest *m)
{
    char list[4096] = "";
    size_t used = 0;
    for (size_t j = 0; j < s->n_targets; j++) {
        char line[1024];
        if (w->want[j]) {
            why_text(s, r, w, j, lang, line, sizeof line);
            manifest_add(m, "why", "%s", line);
        }
        if (w->assumed[j] && used < sizeof list) {
            report_target_name(s, j, line, sizeof line);
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                     line);
        }
    }
    manifest_add(m, "assumptions_only", "%s", used ? list : "none");
    size_t evals = 0, lines = 0;
    for (size_t j = 0; j < s->n_targets; j++)
        if (w->reach[j].q > 0) {
            evals += w->reach[j].evaluations;
            lines++;
        }
    if (lines)
        manifest_add(m, "explain", "%zu why-lines' lever values by Brent on the common-random-"
                     "number estimate of P(met): %zu evaluations of %llu replications", lines,
                     evals, (unsigned long long)(r->replications < WHY_REACH_REPS
                                                     ? r->replications : WHY_REACH_REPS));
}

/* ------------------------------------------------------------ batch */

/* One part of a set (member m, or the sums for m == n_members) written as a
 * run of its own into DIR/members/NAME or DIR/aggregate: its CSVs, manifest,
 * workbook, charts and report.html. */
static int write_part(const cli_session *cs, const runner_result *res, size_t m, ts_err *err)
{
    const scenario *set = cs->s;
    char rel[TS_NAME_MAX + 16];
    if (m < set->n_members)
        snprintf(rel, sizeof rel, "members/%s", set->members[m].name);
    else
        snprintf(rel, sizeof rel, "aggregate");
    regionset_view v;
    runner_result *rv = NULL;
    outdir *od = NULL;
    if (regionset_view_init(&v, set, m, err) < 0)
        return -1;
    int rc = runner_result_view(res, v.tier0, v.s.n_tiers, v.target0, v.s.n_targets, v.group,
                                &rv, err);
    if (rc == 0)
        rc = outdir_sub(&od, cs->od, rel, err);
    if (rc == 0)
        rc = report_write_run(od, &v.s, rv, err);
    if (rc == 0) {
        cli_session part = *cs;
        part.s = &v.s;
        if (m < set->n_members)
            part.scenario_path = set->members[m].s->path;
        manifest mf;
        cli_manifest_begin(&part, &mf);
        manifest_add(&mf, "set", "%s (%s)", set->name, cs->scenario_path);
        manifest_add(&mf, "part", "%s", m < set->n_members ? "member" : "aggregate: the sums of "
                     "the members' tiers, replication by replication");
        manifest_add(&mf, "replications", "%llu", (unsigned long long)res->replications);
        cli_manifest_end(&part, &mf, set->seed);
        manifest_add(&mf, "streams", "%s", RNG_STREAM_RULE);
        rc = manifest_write(&mf, outdir_file(od, "manifest.txt"), err);
        manifest_free(&mf);
    }
    if (rc == 0 && cli_writes())
        rc = xlsx_write_dir(outdir_tmp(od), err);
    if (rc == 0 && cli_draws(cs) && cli_draw(outdir_tmp(od), PLOT_RUN, cs->a->lang, 0, NULL, err) < 0)
        rc = -1;
    outdir_sub_end(od);
    runner_result_free(rv);
    regionset_view_free(&v);
    return rc;
}

static int write_parts(const cli_session *cs, const runner_result *res, ts_err *err)
{
    for (size_t m = 0; m <= cs->s->n_members; m++)
        if (write_part(cs, res, m, err) < 0)
            return -1;
    return 0;
}

static int simulate(const cli_spec *spec, int argc, char **argv)
{
    cli_args a;
    run_flags rf;
    ts_err err;
    int batch = spec == &cmd_batch_spec;
    if (simulate_parse(spec, argc, argv, &a, &rf, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(spec);
    cli_session cs;
    runner_result *res = NULL;
    observed *obs = NULL;
    why w;
    memset(&w, 0, sizeof w);
    if (cli_open(&cs, spec, &a, a.operands[0], 0, &err) < 0)
        goto fail;
    if (batch && !cs.s->n_members) {
        ts_errf(&err, "%s: a scenario, not a set (a set starts with [set]): tiersim run "
                "simulates a scenario", cs.s->path);
        goto fail;
    }
    if (rf.observed && cli_load_observed(&obs, rf.observed, cs.s, &err) < 0)
        goto fail;
    runner_opts o;
    cli_runner_opts(&cs, &o, 0);
    o.precision = rf.precision;
    o.max_replications = rf.max_replications;
    if (why_alloc(&w, cs.s, rf.precision > 0 ? o.max_replications : o.replications, &err) < 0) {
        cs.status = EXIT_FAIL;
        goto fail;
    }
    o.record_reps = w.n;
    o.record_theta = w.theta;
    o.record_value = w.value;
    if (runner_run(cs.s, &o, &res, &err) < 0)
        goto fail;
    /* --explain's evaluations run quietly, on the run's streams. */
    o.record_reps = 0;
    o.progress = NULL;
    if (why_compute(&w, cs.s, res, &o, rf.explain, &err) < 0)
        goto fail;
    cli_computed(&cs);
    if (report_write_run(cs.od, cs.s, res, &err) < 0 ||
        (obs && output_observed(cs.od, cs.s, obs, &err) < 0) ||
        (batch && write_parts(&cs, res, &err) < 0))
        goto fail;
    /* With --history the fit behind the run is part of its output. */
    if (cs.fit && output_fit_tables(cs.od, cs.s, cs.hist, cs.fit, &err) < 0)
        goto fail;
    manifest m;
    cli_manifest_begin(&cs, &m);
    if (cs.fit)
        cli_manifest_fit(&cs, &m);
    manifest_add(&m, "replications", "%llu", (unsigned long long)res->replications);
    if (obs)
        manifest_add(&m, "observed", "%s (%zu rows, on the fan charts)", rf.observed, obs->n_rows);
    if (rf.precision > 0)
        manifest_add(&m, "precision", "%g (%s)", rf.precision,
                     res->precision_reached ? "reached" : "not reached: stopped at the cap");
    cli_manifest_end(&cs, &m, cs.s->seed);
    manifest_add(&m, "streams", "%s", RNG_STREAM_RULE);
    manifest_add(&m, "capped_replications", "%llu", (unsigned long long)res->capped);
    why_manifest(cs.s, res, &w, a.lang, &m);
    if (cli_close(&cs, &m, PLOT_RUN | (cs.fit ? PLOT_FIT : 0), &err) < 0)
        goto fail;
    print_report(cs.s, res, &w, cs.dir, cs.policies, a.lang);
    if (rf.precision > 0 && !res->precision_reached)
        i18n_fprintf(stderr, a.lang, MSG_WARN_PRECISION, rf.precision,
                     (unsigned long long)rf.max_replications);
    observed_free(obs);
    runner_result_free(res);
    why_free(&w);
    return cli_end(&cs);
fail:
    observed_free(obs);
    runner_result_free(res);
    why_free(&w);
    return cli_fail(&cs, &err);
}

int cmd_run(int argc, char **argv)
{
    return simulate(&cmd_run_spec, argc, argv);
}

int cmd_batch(int argc, char **argv)
{
    return simulate(&cmd_batch_spec, argc, argv);
}
