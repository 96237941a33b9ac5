#include "dist.h"
#include "num.h"

#include <assert.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

const dist_range DIST_RANGE_PROB = {0.0, 1.0, 0};
const dist_range DIST_RANGE_NONNEG = {0.0, INFINITY, 0};
const dist_range DIST_RANGE_GROWTH = {-1.0, INFINITY, 1};

/* DIST_MIN_TRUNC_MASS (dist.h): a normal is refused when less than this
 * much of its mass lies inside the range: redrawing would take more than
 * 1000 draws on average. */

/* Draws of a truncated normal before giving up on redrawing (never reached
 * for a dist from dist_parse: with mass >= 1e-3 the chance is below e^-1000).
 * After that the draw is made by inversion, which has the same law. */
#define DIST_MAX_REDRAWS 1000000

/* DIST_BETA_MIN and DIST_BETA_MAX (dist.h): smallest a or b, largest
 * a + b of a beta (see check_args). */

/* One row per distribution: the table drives parsing and formatting. */
typedef struct {
    dist_kind kind;
    const char *name;
    int nargs;
} dist_info;

static const dist_info dist_table[] = {
    {DIST_BETA, "beta", 2},
    {DIST_UNIFORM, "uniform", 2},
    {DIST_NORMAL, "normal", 2},
    {DIST_LOGNORMAL, "lognormal", 2},
    {DIST_TRIANGULAR, "triangular", 3},
    {DIST_GAMMA, "gamma", 2},
};
#define DIST_TABLE_LEN (sizeof dist_table / sizeof dist_table[0])

static const dist_info *info_by_kind(dist_kind kind)
{
    for (size_t i = 0; i < DIST_TABLE_LEN; i++)
        if (dist_table[i].kind == kind)
            return &dist_table[i];
    return NULL;
}

static const dist_info *info_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < DIST_TABLE_LEN; i++)
        if (strlen(dist_table[i].name) == len && memcmp(dist_table[i].name, name, len) == 0)
            return &dist_table[i];
    return NULL;
}

/* ---- messages -------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *why, size_t why_len, const char *fmt, ...)
{
    if (why && why_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The shortest %g text that reads back as x, so a message never says
 * "1 is above 1" about 1.0000000000000002. */
typedef struct {
    char s[32];
} numtext;

static numtext fmt_num(double x)
{
    numtext t;
    x += 0.0; /* -0 -> 0 */
    /* Start with at least the integer digits, so that 20 reads "20", not "2e+01". */
    int prec = 1;
    for (double a = fabs(x); a >= 10.0 && a < 1e17 && prec < 17; a /= 10.0)
        prec++;
    for (; prec <= 17; prec++) {
        snprintf(t.s, sizeof t.s, "%.*g", prec, x);
        if (strtod(t.s, NULL) == x)
            break;
    }
    return t;
}

/* "[0, 1]", "[0, inf)", "(-1, inf)". */
typedef struct {
    char s[80];
} rangetext;

static rangetext fmt_range(dist_range range)
{
    rangetext t;
    snprintf(t.s, sizeof t.s, "%c%s, %s%c", range.lo_open ? '(' : '[', fmt_num(range.lo).s,
             isinf(range.hi) ? "inf" : fmt_num(range.hi).s, isinf(range.hi) ? ')' : ']');
    return t;
}

/* The distribution as written, with exact numbers, for messages. */
typedef struct {
    char s[128];
} disttext;

static disttext fmt_dist(const dist *d)
{
    disttext t;
    const dist_info *in = info_by_kind(d->kind);
    if (!in) {
        snprintf(t.s, sizeof t.s, "%s", fmt_num(d->p[0]).s);
    } else if (in->nargs == 2) {
        snprintf(t.s, sizeof t.s, "%s(%s, %s)", in->name, fmt_num(d->p[0]).s,
                 fmt_num(d->p[1]).s);
    } else {
        snprintf(t.s, sizeof t.s, "%s(%s, %s, %s)", in->name, fmt_num(d->p[0]).s,
                 fmt_num(d->p[1]).s, fmt_num(d->p[2]).s);
    }
    return t;
}

/* ---- the truncated normal ------------------------------------------ */

/* Standardised ends of the range for a normal: a = (lo - mean) / sd, b likewise. */
static void normal_ends(const dist *d, double *a, double *b)
{
    *a = (d->range.lo - d->p[0]) / d->p[1];
    *b = isinf(d->range.hi) ? INFINITY : (d->range.hi - d->p[0]) / d->p[1];
}

/* Mass of N(0, 1) in [a, b].  When the interval lies right of 0 the upper
 * tails are used, which keep their precision where P is close to 1. */
static double normal_mass(double a, double b)
{
    if (a > 0.0) {
        double qb = isinf(b) ? 0.0 : gsl_cdf_ugaussian_Q(b);
        return gsl_cdf_ugaussian_Q(a) - qb;
    }
    double pb = isinf(b) ? 1.0 : gsl_cdf_ugaussian_P(b);
    return pb - gsl_cdf_ugaussian_P(a);
}

/* phi(x) and x * phi(x), both 0 at an infinite end. */
static double phi(double x)
{
    return isinf(x) ? 0.0 : gsl_ran_ugaussian_pdf(x);
}

static double x_phi(double x)
{
    return isinf(x) ? 0.0 : x * gsl_ran_ugaussian_pdf(x);
}

static int in_range(double x, dist_range range)
{
    if (range.lo_open ? !(x > range.lo) : !(x >= range.lo))
        return 0;
    return x <= range.hi;
}

/* ---- parsing ---------------------------------------------------------- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static const char *skip_blanks(const char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

/* True when every character of [s, s+len) could belong to a decimal number
 * (used only to word the message for "1e309": too large, not "not a number"). */
static int looks_decimal(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0' || !strchr("0123456789+-.eE% \t", s[i]))
            return 0;
    return 1;
}

/* Reads the number in [s, s+len) (a percentage allowed). */
static int parse_number(const char *s, size_t len, double *out, char *why, size_t why_len)
{
    char small[64];
    char *tok = len < sizeof small ? small : malloc(len + 1);
    if (!tok)
        return fail(why, why_len, "out of memory");
    memcpy(tok, s, len);
    tok[len] = '\0';

    int rc = num_parse_percent(tok, out, NULL);
    if (rc < 0) {
        /* num_parse_percent refuses overflow; tell it apart from garbage. */
        char *end;
        errno = 0;
        double v = strtod(tok, &end);
        if (looks_decimal(tok, len) && errno == ERANGE && isinf(v))
            fail(why, why_len, "number '%s' is too large", tok);
        else
            fail(why, why_len, "expected a number, got '%s'", tok);
    }
    if (tok != small)
        free(tok);
    return rc;
}

/* Parses the "(arg, arg[, arg])" of distribution in, from the '(' at open
 * to the end of the text. */
static int parse_call(const dist_info *in, const char *open, dist *d, char *why, size_t why_len)
{
    const char *p = open + 1;
    int n = 0;
    double args[3] = {0.0, 0.0, 0.0};

    p = skip_blanks(p);
    if (*p == ')') {
        p++;
    } else {
        for (;;) {
            const char *tok = skip_blanks(p);
            const char *e = tok;
            while (*e && *e != ',' && *e != ')')
                e++;
            const char *tend = e;
            while (tend > tok && is_blank(tend[-1]))
                tend--;
            if (tend == tok) {
                if (*e == '\0')
                    return fail(why, why_len, "missing ')'");
                return fail(why, why_len, "%s: argument %d is empty", in->name, n + 1);
            }
            double v;
            if (parse_number(tok, (size_t)(tend - tok), &v, why, why_len) < 0)
                return -1;
            if (n < 3)
                args[n] = v;
            n++;
            if (*e == '\0')
                return fail(why, why_len, "missing ')'");
            p = e + 1;
            if (*e == ')')
                break;
        }
    }

    p = skip_blanks(p);
    if (*p != '\0') {
        const char *end = p + strlen(p);
        while (is_blank(end[-1]))
            end--;
        return fail(why, why_len, "unexpected '%.*s' after ')'", (int)(end - p), p);
    }
    if (n != in->nargs)
        return fail(why, why_len, "%s takes %d arguments, got %d", in->name, in->nargs, n);

    d->kind = in->kind;
    for (int i = 0; i < 3; i++)
        d->p[i] = args[i];
    return 0;
}

/* The arguments on their own, before the range is looked at. */
static int check_args(const dist *d, char *why, size_t why_len)
{
    /* num_parse_percent already refuses inf and nan: this guards the invariant. */
    const dist_info *in = info_by_kind(d->kind);
    int nargs = in ? in->nargs : 1;
    for (int i = 0; i < nargs; i++)
        if (!isfinite(d->p[i]))
            return fail(why, why_len, "%s is not finite", fmt_num(d->p[i]).s);

    const double *p = d->p;
    switch (d->kind) {
    case DIST_BETA:
        if (!(p[0] > 0.0))
            return fail(why, why_len, "beta needs a > 0, got %s", fmt_num(p[0]).s);
        if (!(p[1] > 0.0))
            return fail(why, why_len, "beta needs b > 0, got %s", fmt_num(p[1]).s);
        /* Below, GSL's sampler returns NaN (its 1/a overflows), and the
         * beta is as good as a draw of 0 or 1. */
        if (p[0] < DIST_BETA_MIN || p[1] < DIST_BETA_MIN)
            return fail(why, why_len, "beta needs a and b at least 1e-6, got %s",
                        fmt_num(p[0] < DIST_BETA_MIN ? p[0] : p[1]).s);
        /* Beyond, the beta is as good as a fixed value (sd below 5e-4), and
         * GSL's CDF fails (NaN) for a and b both near 1e6. */
        if (!(p[0] + p[1] <= DIST_BETA_MAX))
            return fail(why, why_len, "beta needs a + b at most 1e6, got %s",
                        fmt_num(p[0] + p[1]).s);
        break;
    case DIST_UNIFORM:
        if (!(p[0] < p[1]))
            return fail(why, why_len, "uniform needs lo < hi, got %s and %s", fmt_num(p[0]).s,
                        fmt_num(p[1]).s);
        break;
    case DIST_NORMAL:
        if (!(p[1] > 0.0))
            return fail(why, why_len, "normal needs sd > 0, got %s", fmt_num(p[1]).s);
        /* An sd below the mean's precision draws the mean every time: at an
         * open end of the range (growth > -1) redrawing would never end. */
        if (!(p[0] + p[1] > p[0] && p[0] - p[1] < p[0]))
            return fail(why, why_len, "normal's sd %s is too small for its mean %s "
                        "(mean + sd is the mean)", fmt_num(p[1]).s, fmt_num(p[0]).s);
        break;
    case DIST_LOGNORMAL:
        if (!(p[1] > 0.0))
            return fail(why, why_len, "lognormal needs sigma > 0, got %s", fmt_num(p[1]).s);
        break;
    case DIST_TRIANGULAR:
        if (!(p[0] < p[2]))
            return fail(why, why_len, "triangular needs lo < hi, got %s and %s",
                        fmt_num(p[0]).s, fmt_num(p[2]).s);
        if (!(p[0] <= p[1] && p[1] <= p[2]))
            return fail(why, why_len, "triangular needs lo <= mode <= hi, got mode %s outside [%s, %s]",
                        fmt_num(p[1]).s, fmt_num(p[0]).s, fmt_num(p[2]).s);
        break;
    case DIST_GAMMA:
        if (!(p[0] > 0.0))
            return fail(why, why_len, "gamma needs shape > 0, got %s", fmt_num(p[0]).s);
        if (!(p[1] > 0.0))
            return fail(why, why_len, "gamma needs scale > 0, got %s", fmt_num(p[1]).s);
        break;
    case DIST_FIXED:
        break;
    }
    return 0;
}

/* [lo, hi] (a bounded support) must lie within the range. */
static int check_support(const dist *d, double lo, double hi, char *why, size_t why_len)
{
    const dist_range *r = &d->range;
    if (r->lo_open && lo <= r->lo)
        return fail(why, why_len, "%s reaches down to %s; the value must be above %s",
                    fmt_dist(d).s, fmt_num(lo).s, fmt_num(r->lo).s);
    if (lo < r->lo)
        return fail(why, why_len, "%s reaches below %s", fmt_dist(d).s, fmt_num(r->lo).s);
    if (hi > r->hi)
        return fail(why, why_len, "%s reaches above %s", fmt_dist(d).s, fmt_num(r->hi).s);
    return 0;
}

/* lognormal and gamma: the range must hold [0, +inf). */
static int check_halfline(const dist *d, char *why, size_t why_len)
{
    const char *name = info_by_kind(d->kind)->name;
    const dist_range *r = &d->range;
    if (!isinf(r->hi)) {
        if (r->lo == 0.0 && r->hi == 1.0 && !r->lo_open)
            return fail(why, why_len,
                        "%s is unbounded above; use beta or a truncated normal for a probability",
                        name);
        return fail(why, why_len, "%s is unbounded above; the value must be at most %s", name,
                    fmt_num(r->hi).s);
    }
    if (r->lo > 0.0 || (r->lo == 0.0 && r->lo_open))
        return fail(why, why_len, "%s reaches down to 0; the value must be %s %s", name,
                    r->lo_open ? "above" : "at least", fmt_num(r->lo).s);
    return 0;
}

static int check_range(dist *d, char *why, size_t why_len)
{
    const dist_range *r = &d->range;
    const double *p = d->p;
    switch (d->kind) {
    case DIST_FIXED:
        if (r->lo_open && !(p[0] > r->lo))
            return fail(why, why_len, "%s is not above %s", fmt_num(p[0]).s, fmt_num(r->lo).s);
        if (p[0] < r->lo)
            return fail(why, why_len, "%s is below %s", fmt_num(p[0]).s, fmt_num(r->lo).s);
        if (p[0] > r->hi)
            return fail(why, why_len, "%s is above %s", fmt_num(p[0]).s, fmt_num(r->hi).s);
        return 0;
    case DIST_UNIFORM:
        return check_support(d, p[0], p[1], why, why_len);
    case DIST_TRIANGULAR:
        return check_support(d, p[0], p[2], why, why_len);
    case DIST_BETA:
        if (r->lo > 0.0 || (r->lo == 0.0 && r->lo_open) || r->hi < 1.0)
            return fail(why, why_len, "beta takes values in [0, 1], which reaches outside %s",
                        fmt_range(*r).s);
        return 0;
    case DIST_LOGNORMAL:
    case DIST_GAMMA:
        return check_halfline(d, why, why_len);
    case DIST_NORMAL: {
        double a, b;
        normal_ends(d, &a, &b);
        d->trunc_mass = normal_mass(a, b);
        if (!(d->trunc_mass >= DIST_MIN_TRUNC_MASS))
            return fail(why, why_len, "%s has less than 0.1%% of its mass inside %s",
                        fmt_dist(d).s, fmt_range(*r).s);
        return 0;
    }
    }
    return 0;
}

/* "Beta(2, 98)": the names are lowercase, so say which one was meant. */
static int unknown_name(const char *s, size_t len, char *why, size_t why_len)
{
    char lower[16];
    if (len < sizeof lower) {
        for (size_t i = 0; i < len; i++)
            lower[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
        lower[len] = '\0';
        if (info_by_name(lower, len))
            return fail(why, why_len, "unknown distribution '%.*s'; did you mean '%s'?",
                        (int)len, s, lower);
    }
    return fail(why, why_len, "unknown distribution '%.*s'", (int)len, s);
}

/* trunc_mass is 1 for every kind but normal: the whole mass is inside. */
dist dist_fixed(double value, dist_range range)
{
    dist d;
    d.kind = DIST_FIXED;
    d.p[0] = value;
    d.p[1] = 0.0;
    d.p[2] = 0.0;
    d.range = range;
    d.trunc_mass = 1.0;
    return d;
}

int dist_parse(const char *text, dist_range range, dist *out, char *why, size_t why_len)
{
    if (!text)
        text = "";
    const char *s = skip_blanks(text);
    if (*s == '\0')
        return fail(why, why_len, "empty value");

    dist d = dist_fixed(0.0, range);
    const char *e = s;
    while (is_alnum(*e))
        e++;
    size_t name_len = (size_t)(e - s);
    const char *open = skip_blanks(e);
    const dist_info *in = is_alpha(*s) ? info_by_name(s, name_len) : NULL;
    if (is_alpha(*s) && *open == '(') {
        if (!in)
            return unknown_name(s, name_len, why, why_len);
        if (parse_call(in, open, &d, why, why_len) < 0)
            return -1;
    } else if (in) {
        return fail(why, why_len, "expected '(' after '%s'", in->name);
    } else {
        /* A number; "abc", "nan" and "inf" get the number's message. */
        const char *end = s + strlen(s);
        while (end > s && is_blank(end[-1]))
            end--;
        if (parse_number(s, (size_t)(end - s), &d.p[0], why, why_len) < 0)
            return -1;
    }

    if (check_args(&d, why, why_len) < 0 || check_range(&d, why, why_len) < 0)
        return -1;
    *out = d;
    return 0;
}

/* ---- drawing ---------------------------------------------------------- */

/* The inverse CDF of triangular(lo, mode, hi).  The square roots are taken
 * factor by factor: w * (mode - lo) overflows for values near 1e154 and
 * above.  The ranges keep hi - lo finite (lo >= -1). */
static double triangular_inv(const double *p, double u)
{
    double lo = p[0], mode = p[1], hi = p[2];
    double w = hi - lo, x;
    if (u * w < mode - lo)
        x = lo + sqrt(u) * sqrt(w) * sqrt(mode - lo);
    else
        x = hi - sqrt(1.0 - u) * sqrt(w) * sqrt(hi - mode);
    return x < lo ? lo : x > hi ? hi : x;
}

double dist_sample(const dist *d, gsl_rng *r)
{
    const double *p = d->p;
    switch (d->kind) {
    case DIST_FIXED:
        return p[0];
    case DIST_BETA:
        return gsl_ran_beta(r, p[0], p[1]);
    case DIST_UNIFORM:
        return gsl_ran_flat(r, p[0], p[1]);
    case DIST_NORMAL:
        /* Truncation by redrawing, never by clipping: clipping would pile
         * mass on the ends of the range. */
        for (long i = 0; i < DIST_MAX_REDRAWS; i++) {
            double x = p[0] + gsl_ran_gaussian(r, p[1]);
            if (in_range(x, d->range))
                return x;
        }
        return dist_quantile(d, gsl_rng_uniform_pos(r));
    case DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, p[0], p[1]);
    case DIST_TRIANGULAR:
        return triangular_inv(p, gsl_rng_uniform(r));
    case DIST_GAMMA:
        return gsl_ran_gamma(r, p[0], p[1]);
    }
    assert(0 && "bad dist kind");
    return NAN;
}

/* ---- moments and quantiles ----------------------------------------- */

double dist_mean(const dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case DIST_FIXED:
        return p[0];
    case DIST_BETA:
        return p[0] / (p[0] + p[1]);
    case DIST_UNIFORM:
        return 0.5 * p[0] + 0.5 * p[1]; /* no overflow near DBL_MAX */
    case DIST_NORMAL: {
        double a, b;
        normal_ends(d, &a, &b);
        return p[0] + p[1] * (phi(a) - phi(b)) / d->trunc_mass;
    }
    case DIST_LOGNORMAL:
        return exp(p[0] + 0.5 * p[1] * p[1]);
    case DIST_TRIANGULAR: {
        double m = (p[0] + p[1] + p[2]) / 3.0;
        return isfinite(m) ? m : p[0] / 3.0 + p[1] / 3.0 + p[2] / 3.0; /* near DBL_MAX */
    }
    case DIST_GAMMA:
        return p[0] * p[1];
    }
    assert(0 && "bad dist kind");
    return NAN;
}

double dist_sd(const dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case DIST_FIXED:
        return 0.0;
    case DIST_BETA: {
        double s = p[0] + p[1];
        return sqrt(p[0] * p[1] / (s * s * (s + 1.0)));
    }
    case DIST_UNIFORM:
        return (p[1] - p[0]) / sqrt(12.0);
    case DIST_NORMAL: {
        double a, b;
        normal_ends(d, &a, &b);
        double z = d->trunc_mass;
        double m = (phi(a) - phi(b)) / z;
        double v = 1.0 + (x_phi(a) - x_phi(b)) / z - m * m;
        return p[1] * sqrt(v > 0.0 ? v : 0.0);
    }
    case DIST_LOGNORMAL: {
        double s2 = p[1] * p[1];
        return sqrt(expm1(s2)) * exp(p[0] + 0.5 * s2);
    }
    case DIST_TRIANGULAR: {
        /* Scaled by the largest magnitude, so the squares cannot overflow. */
        double m = fmax(fabs(p[0]), fmax(fabs(p[1]), fabs(p[2])));
        double a = p[0] / m, c = p[1] / m, b = p[2] / m;
        double v = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        return m * sqrt(v > 0.0 ? v : 0.0);
    }
    case DIST_GAMMA:
        return sqrt(p[0]) * p[1];
    }
    assert(0 && "bad dist kind");
    return NAN;
}

/* The CDF of d (beta and gamma only), for the bisection fallback. */
static double cdf_of(const dist *d, double x)
{
    if (d->kind == DIST_BETA)
        return gsl_cdf_beta_P(x, d->p[0], d->p[1]);
    return gsl_cdf_gamma_P(x, d->p[0], d->p[1]);
}

/* The smallest x in [lo, hi] (0 <= lo < hi) with cdf(x) >= u, to the
 * double: a bisection over the bit patterns of the doubles, which are
 * ordered like the values for x >= 0, so it ends in at most 64 steps
 * wherever the quantile lies (1e-300 as well as 0.5).  It needs only the
 * CDF, which GSL evaluates for every shape; GSL's beta inverse does not
 * return for some (beta(1e6, 1e6) at u = 0.5, tiny a or b) and fails with
 * NaN for many more, so the beta uses this always and the gamma when GSL's
 * inverse fails. */
static double bisect_quantile(const dist *d, double u, double lo, double hi)
{
    if (!(hi <= DBL_MAX))
        hi = DBL_MAX;
    if (!(lo >= 0.0))
        lo = 0.0;
    lo += 0.0; /* -0 -> +0: its bit pattern sorts first */
    uint64_t a, b;
    memcpy(&a, &lo, sizeof a);
    memcpy(&b, &hi, sizeof b);
    if (cdf_of(d, lo) >= u)
        return lo;
    /* cdf(bits a) < u <= cdf(bits b), or the CDF failed (NaN): either way
     * the answer stays in [lo, hi]. */
    while (b - a > 1) {
        uint64_t m = a + (b - a) / 2;
        double x;
        memcpy(&x, &m, sizeof x);
        if (cdf_of(d, x) < u)
            a = m;
        else
            b = m;
    }
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static double normal_quantile(const dist *d, double u)
{
    double a, b;
    normal_ends(d, &a, &b);
    double z;
    if (a > 0.0) {
        /* Right of the mean: work with upper tails, Q(x) = Q(a) - u Z. */
        double q = gsl_cdf_ugaussian_Q(a) - u * d->trunc_mass;
        z = gsl_cdf_ugaussian_Qinv(q > 0.0 ? q : 0.0);
    } else {
        double pp = gsl_cdf_ugaussian_P(a) + u * d->trunc_mass;
        z = gsl_cdf_ugaussian_Pinv(pp < 1.0 ? pp : 1.0);
    }
    double x = d->p[0] + d->p[1] * z;
    /* Rounding may step an ulp outside the interval; the exact quantile lies
     * inside (above an open lower end). */
    double lo = d->range.lo_open ? nextafter(d->range.lo, INFINITY) : d->range.lo;
    if (!(x >= lo))
        x = lo;
    if (x > d->range.hi)
        x = d->range.hi;
    return x;
}

double dist_quantile(const dist *d, double u)
{
    const double *p = d->p;
    if (isnan(u))
        return NAN;
    if (d->kind == DIST_FIXED)
        return p[0];

    /* The ends of the support as drawn. */
    double lo, hi;
    switch (d->kind) {
    case DIST_BETA:
        lo = 0.0, hi = 1.0;
        break;
    case DIST_UNIFORM:
        lo = p[0], hi = p[1];
        break;
    case DIST_NORMAL:
        lo = d->range.lo, hi = d->range.hi;
        break;
    case DIST_TRIANGULAR:
        lo = p[0], hi = p[2];
        break;
    default: /* lognormal, gamma */
        lo = 0.0, hi = INFINITY;
        break;
    }
    if (u <= 0.0)
        return lo;
    if (u >= 1.0)
        return hi;

    double x = NAN;
    switch (d->kind) {
    case DIST_BETA:
        x = bisect_quantile(d, u, lo, hi);
        break;
    case DIST_UNIFORM:
        x = gsl_cdf_flat_Pinv(u, p[0], p[1]);
        break;
    case DIST_NORMAL:
        x = normal_quantile(d, u);
        break;
    case DIST_LOGNORMAL:
        x = gsl_cdf_lognormal_Pinv(u, p[0], p[1]);
        break;
    case DIST_TRIANGULAR:
        x = triangular_inv(p, u);
        break;
    case DIST_GAMMA:
        x = gsl_cdf_gamma_Pinv(u, p[0], p[1]);
        if (!(x >= lo && x <= hi))
            x = bisect_quantile(d, u, lo, hi);
        break;
    case DIST_FIXED:
        break;
    }
    return x;
}

/* ---- formatting ------------------------------------------------------- */

int dist_format(const dist *d, char *buf, size_t len)
{
    /* The shortest text that reads back as the same double: a fitted or
     * formatted value survives a round trip through a scenario file. */
    return snprintf(buf, len, "%s", fmt_dist(d).s);
}

int dist_is_random(const dist *d)
{
    return d->kind != DIST_FIXED;
}
