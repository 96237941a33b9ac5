/* validate.c -- PIT, bands, CRPS, naive forecasts and the verdict (see validate.h). */
#include "validate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "engine.h"
#include "rng.h"
#include "sens.h"

/* ------------------------------------------------------- one forecast */

double validate_cdf(const hist *h, int64_t x)
{
    uint64_t n = hist_count(h);
    if (n == 0 || x < hist_min(h))
        return 0.0;
    if (x >= hist_max(h))
        return 1.0;
    long double below = 0;
    for (size_t i = 0, nb = hist_bins(h); i < nb; i++) {
        int64_t lo, hi;
        uint64_t c = hist_bin(h, i, &lo, &hi);
        if (x < lo)
            break;
        if (x >= hi) {
            below += (long double)c;
            continue;
        }
        /* x inside a wide bin: its count spread evenly over lo .. hi */
        below += (long double)c * (long double)(x - lo + 1) / (long double)(hi - lo + 1);
        break;
    }
    return (double)(below / (long double)n);
}

double validate_pit(const hist *h, int64_t x, double u)
{
    double f0 = x > INT64_MIN ? validate_cdf(h, x - 1) : 0.0, f1 = validate_cdf(h, x);
    return f0 + u * (f1 - f0);
}

/* The sum of (a + b j)^2 for j = j0 .. j1 (j0 <= j1), in closed form: a wide
 * bin's terms without a loop over its whole numbers. */
static long double sum_squares(long double a, long double b, int64_t j0, int64_t j1)
{
    long double m = (long double)(j1 - j0 + 1);
    long double s1 = ((long double)j0 + (long double)j1) * m / 2.0L;
    /* sum of j^2 from j0 to j1 as S(j1) - S(j0 - 1), S(k) = k (k + 1) (2k + 1) / 6 */
    long double k1 = (long double)j1, k0 = (long double)(j0 - 1);
    long double s2 = (k1 * (k1 + 1) * (2 * k1 + 1) - k0 * (k0 + 1) * (2 * k0 + 1)) / 6.0L;
    return m * a * a + 2 * a * b * s1 + b * b * s2;
}

double validate_crps(const hist *h, int64_t x)
{
    uint64_t n = hist_count(h);
    if (n == 0)
        return NAN;
    int64_t min = hist_min(h), max = hist_max(h);
    /* Below min F is 0 and the terms are 1{z >= x}; from max on F is 1 and
     * they are 1{z < x}. */
    long double sum = 0;
    if (x < min)
        sum += (long double)(min - x);
    if (x > max)
        sum += (long double)(x - max);
    long double nn = (long double)n, cum = 0;
    for (size_t i = 0, nb = hist_bins(h); i < nb; i++) {
        int64_t lo, hi;
        uint64_t c = hist_bin(h, i, &lo, &hi);
        /* z = lo + j - 1, j = 1 .. m: F(z) = (cum + c j / m) / n; the terms
         * from max on are counted above */
        int64_t top = hi < max ? hi : max - 1;
        if (top >= lo) {
            long double m = (long double)(hi - lo + 1);
            long double a = cum / nn, b = (long double)c / (m * nn);
            int64_t jx = x - lo + 1;            /* the first j with z >= x */
            int64_t jt = top - lo + 1;
            if (jx > 1)                          /* z < x: 1{z >= x} = 0 */
                sum += sum_squares(a, b, 1, jx - 1 < jt ? jx - 1 : jt);
            if (jx <= jt)                        /* z >= x: 1 */
                sum += sum_squares(a - 1, b, jx > 1 ? jx : 1, jt);
        }
        cum += (long double)c;
    }
    return (double)sum;
}

void validate_score(const hist *h, int64_t x, double u, validate_row *r)
{
    static const double qs[5] = {0.05, 0.25, 0.50, 0.75, 0.95};
    memset(r, 0, sizeof *r);
    r->observed = x;
    for (int i = 0; i < 5; i++)
        r->q[i] = hist_quantile(h, qs[i]);
    r->pit_lo = validate_cdf(h, x - 1);
    r->pit_hi = validate_cdf(h, x);
    r->pit = r->pit_lo + u * (r->pit_hi - r->pit_lo);
    r->inside50 = r->q[1] <= x && x <= r->q[3];
    r->inside90 = r->q[0] <= x && x <= r->q[4];
    r->p_band50 = validate_cdf(h, r->q[3]) - validate_cdf(h, r->q[1] - 1);
    r->p_band90 = validate_cdf(h, r->q[4]) - validate_cdf(h, r->q[0] - 1);
    r->crps = validate_crps(h, x);
    r->wide = hist_width(h) > 1;
    r->naive = NAN;
    r->crps_naive = NAN;
}

int validate_uniforms(uint64_t seed, size_t n, double *u, ts_err *err)
{
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256pp);
    if (!r)
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        rng_seed_stream(r, seed ^ VALIDATE_PIT_SALT, (uint64_t)i);
        u[i] = gsl_rng_uniform(r);
    }
    gsl_rng_free(r);
    return 0;
}

/* ------------------------------------------------------------- naive */

/* The history measure whose latest row carries observed measure m forward;
 * -1 for none. */
static int history_measure_of(ts_measure m)
{
    switch (m) {
    case M_STOCK: return HIST_STOCK;
    case M_CUMULATIVE: return HIST_CUMULATIVE;
    case M_NEW: return HIST_NEW;
    case M_EXITS: return HIST_EXITS;
    case M_EXPIRED: return HIST_EXPIRED;
    case M_RENEWED: return HIST_RENEWED;
    case M_MOVED_IN: return HIST_MOVED_IN;
    default: return -1;
    }
}

int validate_naive(const scenario *s, const history *h, const double *means,
                   const observed_row *o, double *value)
{
    int hm = history_measure_of(o->measure);
    if (hm < 0)
        return 0;
    int have = 0, date = 0;
    double v = 0;
    /* The scenario's own level at the start: a level measure only. */
    if (o->measure == M_STOCK || o->measure == M_CUMULATIVE) {
        have = 1;
        date = scenario_period_end(s, s->start_year - 1);
        v = o->measure == M_STOCK ? means[s->tiers[o->tier].p_stock]
                                  : (double)s->tiers[o->tier].cumulative_start;
    }
    for (size_t i = 0; h && i < h->n_rows; i++) {
        const history_row *r = &h->rows[i];
        if (r->tier != o->tier || (int)r->measure != hm || (have && r->date < date))
            continue;
        have = 1;
        date = r->date;
        v = r->value;
    }
    if (!have)
        return 0;
    /* `new` is counted from the start: a year's entries, once a year. */
    *value = o->measure == M_NEW ? v * (double)(o->year - s->start_year + 1) : v;
    return 1;
}

int validate_score_all(const scenario *s, const runner_result *r, const observed *o,
                       const history *h, uint64_t seed, validate_row *rows, ts_err *err)
{
    double *u = malloc((o->n_rows + 1) * sizeof *u);
    double *means = malloc((s->n_params + 1) * sizeof *means);
    if (!u || !means) {
        free(u);
        free(means);
        return ts_errf(err, "out of memory");
    }
    int rc = validate_uniforms(seed, o->n_rows, u, err);
    scenario_param_means(s, means);
    for (size_t i = 0; rc == 0 && i < o->n_rows; i++) {
        const observed_row *ob = &o->rows[i];
        const hist *f = ob->year < s->start_year
                            ? runner_start_hist(r, ob->tier)
                            : runner_hist(r, (size_t)(ob->year - s->start_year), ob->tier,
                                          ob->measure);
        validate_score(f, ob->value, u[i], &rows[i]);
        double nv;
        if (validate_naive(s, h, means, ob, &nv)) {
            rows[i].has_naive = 1;
            rows[i].naive = nv;
            rows[i].crps_naive = fabs((double)ob->value - nv);
        }
    }
    free(u);
    free(means);
    return rc;
}

/* --------------------------------------------------------- summaries */

double validate_binomial_p(uint64_t k, uint64_t n, double p0)
{
    if (n == 0)
        return 1.0;
    double le = gsl_cdf_binomial_P((unsigned)k, p0, (unsigned)n);
    double ge = k == 0 ? 1.0 : gsl_cdf_binomial_Q((unsigned)(k - 1), p0, (unsigned)n);
    double p = 2.0 * (le < ge ? le : ge);
    return p < 1.0 ? p : 1.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double validate_ks_uniform(const double *x, size_t n, double *p, ts_err *err)
{
    double *v = malloc((n + 1) * sizeof *v);
    if (!v)
        return ts_errf(err, "out of memory");
    memcpy(v, x, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double above = (double)(i + 1) / (double)n - v[i], below = v[i] - (double)i / (double)n;
        if (above > d)
            d = above;
        if (below > d)
            d = below;
    }
    free(v);
    double e = sqrt((double)n);
    *p = sens_kolmogorov_q((e + 0.12 + 0.11 / e) * d);
    return d;
}

static void cover(validate_cover *c, uint64_t inside, size_t n, double expected_sum)
{
    c->inside = inside;
    c->n = n;
    c->share = (double)inside / (double)n;
    wilson_interval(inside, n, VALIDATE_Z, &c->lo, &c->hi);
    c->expected = expected_sum / (double)n;
}

/* Rows by how far out they are, descending, then in file order. */
typedef struct {
    double far;
    size_t i;
} far_row;

static int by_far(const void *a, const void *b)
{
    const far_row *x = a, *y = b;
    if (x->far != y->far)
        return x->far < y->far ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

int validate_summarise(const validate_row *rows, size_t n, validate_summary *sum, ts_err *err)
{
    memset(sum, 0, sizeof *sum);
    sum->n = n;
    double *pit = malloc((n + 1) * sizeof *pit);
    far_row *far = malloc((n + 1) * sizeof *far);
    if (!pit || !far) {
        free(pit);
        free(far);
        return ts_errf(err, "out of memory");
    }
    uint64_t in50 = 0, in90 = 0;
    double e50 = 0, e90 = 0, pit_sum = 0, crps = 0, crps_m = 0, crps_n = 0;
    for (size_t i = 0; i < n; i++) {
        const validate_row *r = &rows[i];
        in50 += (uint64_t)r->inside50;
        in90 += (uint64_t)r->inside90;
        e50 += r->p_band50;
        e90 += r->p_band90;
        pit[i] = r->pit;
        pit_sum += r->pit;
        sum->above += r->pit > 0.5;
        crps += r->crps;
        sum->n_wide += (size_t)r->wide;
        if (r->has_naive) {
            sum->n_naive++;
            crps_m += r->crps;
            crps_n += r->crps_naive;
        }
        far[i].far = fmax(0.0, fmax(r->pit_lo - 0.5, 0.5 - r->pit_hi));
        far[i].i = i;
    }
    cover(&sum->band50, in50, n, e50);
    cover(&sum->band90, in90, n, e90);
    double se = sqrt(1.0 / 12.0 / (double)n);
    sum->pit_mean = pit_sum / (double)n;
    sum->pit_mean_lo = fmax(0.0, sum->pit_mean - VALIDATE_Z * se);
    sum->pit_mean_hi = fmin(1.0, sum->pit_mean + VALIDATE_Z * se);
    sum->pit_mean_p = 2.0 * gsl_cdf_ugaussian_Q(fabs(sum->pit_mean - 0.5) / se);
    sum->above_share = (double)sum->above / (double)n;
    wilson_interval(sum->above, n, VALIDATE_Z, &sum->above_lo, &sum->above_hi);
    sum->above_p = validate_binomial_p(sum->above, n, 0.5);
    int rc = 0;
    sum->ks = validate_ks_uniform(pit, n, &sum->ks_p, err);
    if (sum->ks < 0)
        rc = -1;
    sum->crps = crps / (double)n;
    sum->crps_model_naive = sum->n_naive ? crps_m / (double)sum->n_naive : NAN;
    sum->crps_naive = sum->n_naive ? crps_n / (double)sum->n_naive : NAN;
    sum->skill = sum->n_naive && crps_n > 0 ? 1.0 - crps_m / crps_n : NAN;

    if (sum->above_p < VALIDATE_ALPHA / VALIDATE_TESTS)
        sum->findings |= 2 * sum->above > n ? VALIDATE_BIASED_LOW : VALIDATE_BIASED_HIGH;
    const validate_cover *bands[2] = {&sum->band50, &sum->band90};
    int narrow = 0, wide = 0;
    for (int b = 0; b < 2; b++) {
        narrow |= bands[b]->hi < bands[b]->expected;
        wide |= bands[b]->lo > bands[b]->expected;
    }
    if (narrow)
        sum->findings |= VALIDATE_TOO_NARROW;
    else if (wide)
        sum->findings |= VALIDATE_TOO_WIDE;

    qsort(far, n, sizeof *far, by_far);
    for (size_t i = 0; i < n && i < VALIDATE_WORST && far[i].far > 0; i++)
        sum->worst[sum->n_worst++] = far[i].i;
    free(pit);
    free(far);
    return rc;
}

void validate_verdict(unsigned findings, char *buf, size_t len)
{
    static const struct {
        unsigned flag;
        const char *text;
    } words[] = {{VALIDATE_BIASED_LOW, "biased low"},
                 {VALIDATE_BIASED_HIGH, "biased high"},
                 {VALIDATE_TOO_NARROW, "bands too narrow"},
                 {VALIDATE_TOO_WIDE, "bands too wide"}};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (!(findings & words[i].flag))
            continue;
        int w = snprintf(buf + used, len - used, "%s%s", used ? " and " : "", words[i].text);
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
    }
    if (!used)
        snprintf(buf, len, "consistent with the outcomes");
}
