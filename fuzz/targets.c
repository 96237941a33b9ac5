/* targets.c -- the bodies of the fuzz harnesses (see fuzz.h).
 *
 * Besides "no crash, no sanitizer report, no leak, no hang", each harness
 * checks properties that must hold for every input that parses, and aborts
 * when one fails, so that the fuzzer reports it like a crash:
 *  - a value's draws lie in its range and are never NaN;
 *  - a value written with dist_format reads back as the same value (fitted.ini
 *    and `check --params` rely on it);
 *  - an error message is one line (no control characters but the tab);
 *  - decoded text is UTF-8 with the input's lines, and a scenario reads the
 *    same from its GB18030 twin. */
#include "fuzz.h"

#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "dist.h"
#include "engine.h"
#include "fit.h"
#include "history.h"
#include "observed.h"
#include "rng.h"
#include "runner.h"
#include "scenario.h"
#include "textin.h"
#include "validate.h"

#define FUZZ_SCENARIO_NAME "tests/data/scenario/fuzz.ini"

static void property(int ok, const char *what, const char *detail)
{
    if (!ok) {
        fprintf(stderr, "fuzz: property violated: %s (%s)\n", what, detail);
        abort();
    }
}

static void check_message(const ts_err *err)
{
    for (const unsigned char *p = (const unsigned char *)err->msg; *p; p++)
        property(*p >= 0x20 || *p == '\t', "an error message is one line", err->msg);
    property(err->msg[0] != '\0', "an error has a message", "(empty)");
}

static void setup(void)
{
    static int done;
    if (!done) {
        gsl_set_error_handler_off();
        done = 1;
    }
}

/* ---------------------------------------------------------- encodings */

/* LEN bytes converted by glibc's iconv from `from` to `to`; NULL when iconv
 * refuses them.  *out_len gets the length. */
static char *convert(const char *to, const char *from, const char *s, size_t len,
                     size_t *out_len)
{
    iconv_t cd = iconv_open(to, from);
    property(cd != (iconv_t)-1, "iconv knows the encoding", from);
    size_t cap = 4 * len + 8, left = cap;
    char *buf = malloc(cap), *in = (char *)s, *o = buf;
    size_t in_left = len;
    int ok = buf && iconv(cd, &in, &in_left, &o, &left) != (size_t)-1;
    iconv_close(cd);
    if (!ok) {
        free(buf);
        return NULL;
    }
    *out_len = (size_t)(o - buf);
    return buf;
}

/* UTF-8 by glibc's decoder, not by the code under test. */
static int glibc_utf8(const char *s, size_t len)
{
    size_t n;
    char *w = convert("UTF-32LE", "UTF-8", s, len, &n);
    free(w);
    return w != NULL;
}

static size_t count_lines(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

static int has_fullwidth(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF) ||
            (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E) ||
            (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80))
            return 1;
    return 0;
}

int fuzz_decode(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    char *out;
    size_t n;
    int gb;
    ts_err err;
    if (textin_decode("fuzz.txt", in, size, &out, &n, &gb, &err) < 0) {
        check_message(&err);
        property(strncmp(err.msg, "fuzz.txt", 8) == 0, "a decoding error names the file",
                 err.msg);
        return 0;
    }
    int bom = size >= 3 && !memcmp(in, "\xEF\xBB\xBF", 3);
    property(out[n] == '\0' && strlen(out) == n, "decoded text holds no NUL", "");
    property(glibc_utf8(out, n), "decoded text is UTF-8 (by glibc)", "");
    property(textin_is_utf8(out, n), "decoded text is UTF-8 (by textin_is_utf8)", "");
    property(count_lines(in, size) == count_lines(out, n), "decoding keeps the lines", "");
    property(gb == !textin_is_utf8(in + 3 * bom, size - 3 * bom) && !(gb && bom),
             "GB18030 exactly when the file is not UTF-8 and has no UTF-8 mark", "");
    if (!gb)
        property(n == size - 3 * bom && !memcmp(out, in + 3 * bom, n),
                 "UTF-8 is kept as it is (without its mark)", "");
    /* Decoded text decodes to itself (but for a mark that was text). */
    char *again;
    size_t m;
    int gb2;
    property(textin_decode("fuzz.txt", out, n, &again, &m, &gb2, &err) == 0 && !gb2,
             "decoded text decodes again, as UTF-8", err.msg);
    size_t skip = n >= 3 && !memcmp(out, "\xEF\xBB\xBF", 3) ? 3 : 0;
    property(m == n - skip && !memcmp(again, out + skip, m), "decoded text decodes to itself",
             "");
    free(again);

    /* The first line as a value. */
    size_t len = strcspn(out, "\n");
    char *v = malloc(len + 1);
    if (v) {
        memcpy(v, out, len);
        v[len] = '\0';
        textin_halfwidth(v);
        size_t vl = strlen(v);
        property(vl <= len && glibc_utf8(v, vl), "half-width text is UTF-8, never longer", v);
        property(!has_fullwidth(v), "no full-width form is left", v);
        property(vl == 0 || (v[0] != ' ' && v[0] != '\t' && v[vl - 1] != ' ' && v[vl - 1] != '\t'),
                 "no blank is left at the ends", v);
        char *w = malloc(vl + 1);
        if (w) {
            memcpy(w, v, vl + 1);
            textin_halfwidth(w);
            property(!strcmp(v, w), "half-width twice is half-width once", v);
            free(w);
        }
        double x;
        /* The number without its commas, as long as v: a fixed buffer cut
         * a value led by some 300 blanks (vertical tabs, which strtod
         * skips, and ideographic spaces) before its digits, and the
         * property failed on the harness's own truncation. */
        char *plain = malloc(vl + 1);
        if (plain && textin_number(v, &x) == 0 && strchr(v, ',')) {
            size_t j = 0;
            for (const char *p = v; *p; p++)
                if (*p != ',')
                    plain[j++] = *p;
            plain[j] = '\0';
            double y;
            property(textin_number(plain, &y) == 0 && x == y,
                     "a grouped number is the number without its commas", v);
        }
        free(plain);
        free(v);
    }
    free(out);
    return 0;
}

/* ------------------------------------------------------------ values */

static int in_range(double x, dist_range r)
{
    if (isnan(x))
        return 0;
    if (r.lo_open ? !(x > r.lo) : !(x >= r.lo))
        return 0;
    return x <= r.hi;
}

/* Same value: same kind and bit-identical arguments (after -0 -> 0). */
static int same_dist(const dist *a, const dist *b)
{
    if (a->kind != b->kind)
        return 0;
    for (int i = 0; i < 3; i++)
        if (a->p[i] + 0.0 != b->p[i] + 0.0)
            return 0;
    return 1;
}

static void exercise_dist(const dist *d, gsl_rng *r, const char *text)
{
    char buf[256], why[300];
    dist_format(d, buf, sizeof buf);
    dist back;
    int rc = dist_parse(buf, d->range, &back, why, sizeof why);
    property(rc == 0, "a formatted value reads back", buf);
    property(same_dist(d, &back), "a formatted value reads back as the same value", buf);
    (void)dist_mean(d);
    (void)dist_sd(d);
    (void)dist_is_random(d);
    static const double us[] = {0.0, 1e-300, 0.001, 0.2385, 0.5, 0.999, 1.0};
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
        double q = dist_quantile(d, us[i]);
        /* The ends may be infinite (a gamma's 1), and the inverse CDF of an
         * extreme shape may step an ulp out; inside the range otherwise. */
        property(!isnan(q), "a quantile is a number", text);
    }
    for (int i = 0; i < 16; i++) {
        double x = dist_sample(d, r);
        char detail[400];
        snprintf(detail, sizeof detail, "%.200s -> %.17g", text, x);
        property(in_range(x, d->range), "a draw lies in the parameter's range", detail);
    }
}

int fuzz_dist(const uint8_t *data, size_t size)
{
    setup();
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    if (r) {
        const dist_range ranges[3] = {DIST_RANGE_PROB, DIST_RANGE_NONNEG, DIST_RANGE_GROWTH};
        for (int k = 0; k < 3; k++) {
            dist d;
            char why[300];
            rng_seed_stream(r, 2385, (uint64_t)k);
            if (dist_parse(text, ranges[k], &d, why, sizeof why) == 0)
                exercise_dist(&d, r, text);
        }
        gsl_rng_free(r);
    }
    free(text);
    return 0;
}

/* ---------------------------------------------------------- scenarios */

/* A few replications of the engine, and of the runner when the scenario
 * is small enough for its histograms to be cheap. */
static void run_scenario(scenario *s)
{
    for (size_t p = 0; p < s->n_policies; p++) {
        ts_err err;
        property(scenario_activate_policy(s, s->policies[p].name, &err) == 0,
                 "a policy of the scenario can be turned on", s->policies[p].name);
    }
    double *means = malloc((s->n_params + 1) * sizeof *means);
    if (means) {
        scenario_param_means(s, means);
        free(means);
    }
    if (scenario_unfitted(s, NULL) > 0)
        return;
    engine_ws *w = engine_alloc(s, ENGINE_FAST);
    double *theta = malloc((s->n_params + 1) * sizeof *theta);
    int64_t *out = malloc((engine_out_len(s) + 1) * sizeof *out);
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    if (w && theta && out && r) {
        for (uint64_t rep = 0; rep < 2; rep++) {
            rng_seed_rep(r, 4242, rep, RNG_PARAMS);
            engine_draw(s, r, theta);
            rng_seed_rep(r, 4242, rep, RNG_CHANCE);
            int capped;
            ts_err err;
            if (engine_run(w, s, theta, r, out, &capped, &err) < 0)
                check_message(&err);
        }
    }
    gsl_rng_free(r);
    free(out);
    free(theta);
    engine_free(w);

    if (engine_out_len(s) <= 2000) {
        runner_opts o;
        runner_opts_init(&o, s);
        o.replications = 3;
        o.threads = 1;
        runner_result *res = NULL;
        ts_err err;
        if (runner_run(s, &o, &res, &err) < 0)
            check_message(&err);
        runner_result_free(res);
    }
}

/* A schedule as scenario.h describes it: steps[0] in force from
 * start_year, then @YEAR steps in increasing years after it, each with a
 * parameter; steps[0] may be "none" only where `none_first`. */
static void check_sched(const scenario *s, const ts_sched *sc, int none_first, const char *what)
{
    property(sc->n >= 1 && sc->steps != NULL, "a schedule has a first step", what);
    property(sc->steps[0].year == s->start_year, "a schedule starts at start_year", what);
    property(sc->steps[0].p < s->n_params || (none_first && sc->steps[0].p == TS_NO_PARAM),
             "a schedule's first step is a parameter", what);
    for (size_t j = 1; j < sc->n; j++) {
        property(sc->steps[j].year > sc->steps[j - 1].year && sc->steps[j].year <= s->end_year,
                 "a schedule's years increase within the scenario", what);
        property(sc->steps[j].p < s->n_params, "an @YEAR step is a parameter", what);
    }
}

/* The parts of a scenario that issue 11 added, as scenario.h promises them. */
static void check_structure(const scenario *s)
{
    property(s->start_month >= 1 && s->start_month <= 12, "start is a month", s->name);
    for (size_t k = 0; k < s->n_tiers; k++) {
        const ts_tier *t = &s->tiers[k];
        check_sched(s, &t->inflow, 0, t->name);
        check_sched(s, &t->growth, 0, t->name);
        check_sched(s, &t->dispersion, 0, t->name);
        check_sched(s, &t->exit, 0, t->name);
        check_sched(s, &t->inflow_quota, 1, t->name);
        property(t->p_inflow == t->inflow.steps[0].p && t->p_growth == t->growth.steps[0].p &&
                     t->p_dispersion == t->dispersion.steps[0].p &&
                     t->p_exit == t->exit.steps[0].p,
                 "a tier's p_ fields are its schedules' first steps", t->name);
        if (!t->validity) {
            property(t->renewal.n == 0 && t->expire_to == -1 && t->n_cohorts == 0,
                     "a tier without validity has no certificates", t->name);
            continue;
        }
        property(t->validity >= 1 && t->validity <= TS_MAX_VALIDITY, "validity is 1 .. 50",
                 t->name);
        check_sched(s, &t->renewal, 0, t->name);
        property(t->expire_to == -1 || (t->expire_to >= 0 && (size_t)t->expire_to < s->n_tiers &&
                                        (size_t)t->expire_to != k),
                 "expire_to is another tier", t->name);
        property(t->n_cohorts <= (size_t)t->validity, "at most validity cohorts", t->name);
        int64_t c[TS_MAX_VALIDITY];
        const ts_param *st = &s->params[t->p_stock];
        int64_t n0s[] = {0, 1, 137, 4611686018427387904LL,
                         st->value.kind == DIST_FIXED ? (int64_t)st->value.p[0] : 0};
        for (size_t i = 0; i < sizeof n0s / sizeof n0s[0]; i++) {
            scenario_cohorts(s, k, n0s[i], c);
            int64_t sum = 0;
            for (int j = 0; j < t->validity; j++) {
                property(c[j] >= 0 && c[j] <= n0s[i], "a cohort is 0 .. n0", t->name);
                sum += c[j];
            }
            property(sum == n0s[i], "the cohorts sum to the stock", t->name);
        }
    }
    for (size_t i = 0; i < s->n_transitions; i++) {
        const ts_transition *t = &s->transitions[i];
        check_sched(s, &t->rate, 0, "rate");
        check_sched(s, &t->quota, 1, "quota");
        property(t->p_rate == t->rate.steps[0].p && t->p_quota == t->quota.steps[0].p,
                 "a transition's p_ fields are its schedules' first steps", "transition");
    }
    /* A region set: the sums add up members' tiers, every target belongs to
     * a member or to the set. */
    for (size_t k = 0; k < s->n_tiers; k++) {
        const ts_tier *t = &s->tiers[k];
        property(s->n_members || t->n_sum == 0, "only a set has sums", t->name);
        for (size_t i = 0; i < t->n_sum; i++)
            property(t->sum_of[i] < s->sum_tier0 && k >= s->sum_tier0,
                     "a sum adds up members' tiers", t->name);
    }
    for (size_t m = 0; m < s->n_members; m++) {
        const ts_member *mb = &s->members[m];
        property(mb->tier0 + mb->s->n_tiers <= s->sum_tier0 &&
                     mb->target0 + mb->s->n_targets <= s->set_target0,
                 "a member's tiers and targets lie inside the set", mb->name);
        for (size_t p = 0; p < mb->s->n_params; p++)
            property(mb->param[p] < s->n_params, "a member's parameter is the set's", mb->name);
    }
    for (size_t j = 0; j < s->n_targets; j++) {
        const ts_target *t = &s->targets[j];
        property(t->group <= s->n_members &&
                     (!s->n_members || (t->group == s->n_members) == (j >= s->set_target0)),
                 "a target's group is its member or the set", t->name);
        property(t->n_tiers >= 1 && t->tiers != NULL && t->label != NULL && t->name[0] &&
                     t->tier == t->tiers[0] && t->threshold >= 1,
                 "a target has tiers, a name, a label and a threshold", t->name);
        for (size_t i = 0; i < t->n_tiers; i++) {
            property(t->tiers[i] < s->n_tiers, "a target's tiers are the scenario's", t->name);
            for (size_t k = 0; k < i; k++)
                property(t->tiers[k] != t->tiers[i], "a target's tiers are distinct", t->name);
        }
        long self = scenario_find_tier(s, t->name);
        property(self < 0 || (t->n_tiers == 1 && t->tier == (size_t)self),
                 "a target named after a tier counts that tier alone", t->name);
    }
    for (size_t e = 0; e < s->n_events; e++) {
        const ts_event *ev = &s->events[e];
        property(ev->year >= s->start_year && ev->year <= s->end_year && ev->n_moves >= 1 &&
                     ev->label != NULL,
                 "an event has a year of the scenario and moves", ev->name);
        for (size_t m = 0; m < ev->n_moves; m++)
            property(ev->moves[m].from < s->n_tiers && ev->moves[m].to < s->n_tiers &&
                         ev->moves[m].from != ev->moves[m].to &&
                         ev->moves[m].p_frac < s->n_params,
                     "a move joins two tiers with a parameter", ev->name);
    }
}

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* A UTF-8 scenario (no mark) with characters beyond ASCII, saved as GB18030,
 * must read as the same scenario: every label, parameter and line. */
static void check_gb18030_twin(const scenario *s, const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t n;
    int ascii = 1;
    for (size_t i = 0; i < size && ascii; i++)
        ascii = data[i] < 0x80;
    if (ascii || (size >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) || !textin_is_utf8(text, size))
        return;
    char *gb = convert("GB18030", "UTF-8", text, size, &n);
    if (!gb)
        return; /* glibc's table lacks a character: nothing to compare */
    /* A few code points do not survive GB18030 and back in glibc's tables
     * (private-use mappings that changed between GB18030's editions): the
     * twin is then another text, not the same one. */
    size_t back_len;
    char *back = convert("UTF-8", "GB18030", gb, n, &back_len);
    int round_trip = back && back_len == size && !memcmp(back, text, size);
    free(back);
    /* A GB18030 text that is also valid UTF-8 (小 is D0 A1, which UTF-8
     * reads as С) is read as UTF-8, as DESIGN.md says: it is not the twin. */
    if (!round_trip || textin_is_utf8(gb, n)) {
        free(gb);
        return;
    }
    scenario *t = NULL;
    ts_err err;
    int rc = scenario_parse_mem(&t, gb, n, FUZZ_SCENARIO_NAME, &err);
    free(gb);
    property(rc == 0, "the GB18030 twin of a scenario parses", err.msg);
    property(t->files_gb18030[0] == 1 && s->files_gb18030[0] == 0,
             "the GB18030 twin is noted, its UTF-8 file not", t->name);
    int same = t->n_params == s->n_params && t->n_tiers == s->n_tiers &&
               t->n_policies == s->n_policies && t->n_events == s->n_events &&
               same_text(t->label, s->label) && !strcmp(t->name, s->name);
    for (size_t i = 0; same && i < s->n_params; i++)
        same = !strcmp(t->params[i].name, s->params[i].name) &&
               t->params[i].value.kind == s->params[i].value.kind &&
               !memcmp(t->params[i].value.p, s->params[i].value.p, sizeof s->params[i].value.p) &&
               t->params[i].line == s->params[i].line;
    for (size_t k = 0; same && k < s->n_tiers; k++)
        same = same_text(t->tiers[k].label, s->tiers[k].label);
    for (size_t k = 0; same && k < s->n_policies; k++)
        same = same_text(t->policies[k].label, s->policies[k].label);
    for (size_t k = 0; same && k < s->n_events; k++)
        same = same_text(t->events[k].label, s->events[k].label);
    property(same, "the GB18030 twin is the same scenario", s->name);
    scenario_free(t);
}

int fuzz_scenario(const uint8_t *data, size_t size)
{
    setup();
    scenario *s = NULL;
    ts_err err;
    if (scenario_parse_mem(&s, (const char *)data, size, FUZZ_SCENARIO_NAME, &err) < 0) {
        property(s == NULL, "a refused scenario is not returned", err.msg);
        check_message(&err);
        return 0;
    }
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    if (r) {
        rng_seed_stream(r, 137, 0);
        for (size_t i = 0; i < s->n_params; i++)
            if (!s->params[i].fit || s->params[i].has_prior)
                exercise_dist(&s->params[i].value, r, s->params[i].name);
        gsl_rng_free(r);
    }
    check_structure(s);
    check_gb18030_twin(s, data, size);
    run_scenario(s);
    scenario_free(s);
    return 0;
}

/* ------------------------------------------------------------ history */

/* Three tiers over 2022-2025 (history years 1992-2025, dates 1992-06 ..
 * 2026-06, known until 2025-12 so that every year's rows are accepted and
 * the months after it are refused), with parameters to fit so that an
 * accepted history is also fitted, through every step of the mean
 * recursion: cohorts and re-review (srdi), an inflow cap, a quota, an
 * event. */
static const char history_scenario[] =
    "[scenario]\nname = fuzzh\nstart_year = 2022\nend_year = 2025\nknown_until = 2025-12\n"
    "[tier a]\nstock = 500\ninflow = fit\nexit = fit(beta(2, 30))\n"
    "[tier b]\nstock = 41\ninflow_quota@2024 = 5\n"
    "[tier srdi]\nstock = 320\ninflow = fit(uniform(0, 50))\nvalidity = 3\n"
    "renewal = fit(beta(6, 4))\n"
    "[transition a -> b]\nrate = fit(beta(2, 50))\n"
    "[transition b -> srdi]\nrate = 0.0385\nquota = 7\n"
    "[event reform]\nyear = 2023\nmove = b -> srdi : 0.137\n";

int fuzz_history(const uint8_t *data, size_t size)
{
    setup();
    static scenario *s;
    ts_err err;
    if (!s && scenario_parse_string(&s, history_scenario, "fuzzh.ini", &err) < 0) {
        fprintf(stderr, "fuzz: the history harness's scenario: %s\n", err.msg);
        abort();
    }
    history *h = NULL;
    if (history_parse_mem(&h, "fuzz.csv", (const char *)data, size, s, &err) < 0) {
        property(h == NULL, "a refused history is not returned", err.msg);
        check_message(&err);
        return 0;
    }
    property(h->gb18030 == 0 || h->gb18030 == 1, "a history says how it was decoded", "");
    /* A short allowance: the harness looks for crashes, not for optima. */
    fit_opts fo;
    fit_opts_default(&fo);
    fo.max_iter = 50;
    fit_result *fr = NULL;
    if (fit_run(s, h, &fo, &fr, &err) < 0)
        check_message(&err);
    fit_result_free(fr);
    history_free(h);
    return 0;
}

/* ----------------------------------------------------------- observed */

/* A July start (the start is 2022-06; period ends 2023-06 .. 2026-06, so
 * dates run 2021-12 .. 2026-12), a tier with certificates (expired and
 * renewed are measures of it), one whose stock is drawn (its start row has
 * a spread), and enough replications for histograms of several values;
 * with known_until at the start, as observations come after it. */
static const char observed_scenario[] =
    "[scenario]\nname = fuzzo\nstart_year = 2022\nend_year = 2025\nstart = 2022-07\n"
    "seed = 2385\n"
    "[tier a]\nstock = uniform(120, 160)\ninflow = uniform(20, 30)\nexit = beta(2, 38)\n"
    "[tier srdi]\nstock = 320\ninflow = 41\nvalidity = 3\nrenewal = beta(6, 4)\n"
    "cumulative_start = 97\n"
    "[transition a -> srdi]\nrate = beta(3, 37)\nkeep = yes\n";

/* What validate.h promises of every row and summary. */
static void check_scores(const validate_row *rows, size_t n, const validate_summary *sum)
{
    for (size_t i = 0; i < n; i++) {
        const validate_row *r = &rows[i];
        property(r->pit >= 0 && r->pit <= 1 && r->pit_lo <= r->pit && r->pit <= r->pit_hi,
                 "a PIT lies in [F(x - 1), F(x)] within [0, 1]", "pit");
        property(isfinite(r->crps) && r->crps >= 0, "a CRPS is a number >= 0", "crps");
        /* (exact for bins of one value; a wide bin's quantile is its lower edge) */
        property(r->wide || (r->p_band50 >= 0.5 - 1e-12 && r->p_band90 >= 0.9 - 1e-12),
                 "a band holds at least its nominal share", "p_band");
        property(r->p_band50 <= r->p_band90 + 1e-12 && r->p_band90 <= 1 + 1e-12,
                 "the 90 % band holds the 50 % band's share and at most all", "p_band");
        property(!r->inside50 || r->inside90, "inside the 50 % band is inside the 90 % band",
                 "inside");
        property(!r->has_naive || (isfinite(r->crps_naive) && r->crps_naive >= 0),
                 "a naive CRPS is a number >= 0", "naive");
    }
    property(sum->n == n && sum->band50.inside <= n && sum->band90.inside >= sum->band50.inside,
             "the coverage counts add up", "summary");
    property(sum->band90.lo <= sum->band90.share && sum->band90.share <= sum->band90.hi &&
                 sum->band50.lo <= sum->band50.share && sum->band50.share <= sum->band50.hi,
             "a coverage lies in its interval", "summary");
    property(sum->ks >= 0 && sum->ks <= 1 && sum->ks_p >= 0 && sum->ks_p <= 1 &&
                 sum->above_p >= 0 && sum->above_p <= 1,
             "the tests' statistics and p-values are in range", "summary");
    property(!(sum->findings & VALIDATE_BIASED_LOW) || !(sum->findings & VALIDATE_BIASED_HIGH),
             "biased one way at most", "summary");
    char text[256];
    validate_verdict(sum->findings, text, sizeof text);
    property(text[0] != '\0', "a verdict has words", "verdict");
}

int fuzz_observed(const uint8_t *data, size_t size)
{
    setup();
    static scenario *s;
    static runner_result *res;
    ts_err err;
    if (!s) {
        if (scenario_parse_string(&s, observed_scenario, "fuzzo.ini", &err) < 0) {
            fprintf(stderr, "fuzz: the observed harness's scenario: %s\n", err.msg);
            abort();
        }
        runner_opts o;
        runner_opts_init(&o, s);
        o.replications = 60;
        o.threads = 1;
        if (runner_run(s, &o, &res, &err) < 0) {
            fprintf(stderr, "fuzz: the observed harness's run: %s\n", err.msg);
            abort();
        }
    }
    observed *ob = NULL;
    if (observed_parse_mem(&ob, "fuzz.csv", (const char *)data, size, s, &err) < 0) {
        property(ob == NULL, "a refused observed file is not returned", err.msg);
        check_message(&err);
        return 0;
    }
    for (size_t i = 0; i < ob->n_rows; i++) {
        const observed_row *r = &ob->rows[i];
        property(r->year >= s->start_year - 1 && r->year <= s->end_year &&
                     r->months_off >= -6 && r->months_off <= 6 && r->tier < s->n_tiers &&
                     r->value >= 0 && (r->year >= s->start_year || r->measure == M_STOCK),
                 "an observed row is dated within the scenario, a count, a stock at the start",
                 r->as_of);
    }
    validate_row *rows = malloc((ob->n_rows + 1) * sizeof *rows);
    validate_summary sum;
    if (rows && validate_score_all(s, res, ob, NULL, s->seed, rows, &err) == 0 &&
        validate_summarise(rows, ob->n_rows, &sum, &err) == 0)
        check_scores(rows, ob->n_rows, &sum);
    free(rows);
    observed_free(ob);
    return 0;
}
