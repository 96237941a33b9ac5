#include "num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every number a user types goes through here.  The grammar is checked by
 * hand before strtod sees the text, because strtod alone accepts far more
 * than a scenario file should: hex floats ("0x1p3"), "nan", "inf",
 * "infinity", and whatever the locale adds.
 *
 *     number   = [+-] mantissa [exponent]
 *     mantissa = digits [ "." digits ] | "." digits
 *     exponent = ( "e" | "E" ) [+-] digits
 *
 * so "1.", ".", "1e", "+" and "1.2.3" are refused.  Blanks (space, tab, CR,
 * LF, VT, FF) may surround the number.  strtod is then run on exactly the
 * span the grammar accepted; it must consume all of it (it would not if
 * LC_NUMERIC had a decimal comma; tiersim never calls setlocale, so the
 * "C" locale is in force). */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static const char *skip_blanks(const char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

/* Where the parts of a decimal number lie in the text. */
typedef struct {
    const char *start;      /* first character (the sign, if any) */
    const char *int_digits; /* integer digits, int_len of them */
    size_t int_len;
    const char *frac_digits; /* digits after the point, frac_len of them */
    size_t frac_len;
    const char *exp;        /* the 'e' or 'E', or end when there is none */
    const char *end;        /* one past the number */
} decimal_span;

/* Matches the grammar above at s; returns 0 and fills *d, or -1. */
static int scan_decimal(const char *s, decimal_span *d)
{
    const char *p = s;
    d->start = s;
    if (*p == '+' || *p == '-')
        p++;
    d->int_digits = p;
    while (is_digit(*p))
        p++;
    d->int_len = (size_t)(p - d->int_digits);
    d->frac_digits = p;
    d->frac_len = 0;
    if (*p == '.') {
        p++;
        d->frac_digits = p;
        while (is_digit(*p))
            p++;
        d->frac_len = (size_t)(p - d->frac_digits);
        if (d->frac_len == 0) /* "1." and "." */
            return -1;
    }
    if (d->int_len == 0 && d->frac_len == 0)
        return -1;
    d->exp = p;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (!is_digit(*q))
            return -1;
        while (is_digit(*q))
            q++;
        p = q;
    }
    d->end = p;
    return 0;
}

/* strtod on [s, end), which scan_decimal has accepted.  Overflow is refused;
 * underflow (to a subnormal or to zero) is accepted; -0 becomes +0. */
static int convert(const char *s, const char *end, double *out)
{
    char *stop;
    errno = 0;
    double v = strtod(s, &stop);
    if (stop != end)
        return -1;
    if (errno == ERANGE && isinf(v))
        return -1;
    if (v == 0.0)
        v = 0.0;
    *out = v;
    return 0;
}

/* Reads "35.8" followed by '%' as the decimal "0.358" rather than 35.8 / 100,
 * so that the result is the double nearest to the value written, exactly as
 * if the user had written the fraction (35.8 / 100 can differ in the last
 * bit).  The decimal point is moved two places left in a copy of the text. */
static int convert_percent(const decimal_span *d, double *out)
{
    size_t exp_len = (size_t)(d->end - d->exp);
    size_t need = 1 + 2 + 2 + d->int_len + d->frac_len + 1 + exp_len + 1;
    char small[128];
    char *buf = need <= sizeof small ? small : malloc(need);
    if (!buf)
        return -1;

    char *w = buf;
    if (*d->start == '-' || *d->start == '+')
        *w++ = *d->start;
    if (d->int_len >= 3) {
        size_t head = d->int_len - 2;
        memcpy(w, d->int_digits, head);
        w += head;
        *w++ = '.';
        memcpy(w, d->int_digits + head, 2);
        w += 2;
    } else {
        *w++ = '0';
        *w++ = '.';
        for (size_t i = d->int_len; i < 2; i++)
            *w++ = '0';
        memcpy(w, d->int_digits, d->int_len);
        w += d->int_len;
    }
    memcpy(w, d->frac_digits, d->frac_len);
    w += d->frac_len;
    memcpy(w, d->exp, exp_len);
    w += exp_len;
    *w = '\0';

    int rc = convert(buf, w, out);
    if (buf != small)
        free(buf);
    return rc;
}

static int parse(const char *s, int allow_percent, double *out, int *was_percent)
{
    if (!s)
        return -1;
    decimal_span d;
    const char *p = skip_blanks(s);
    if (scan_decimal(p, &d) < 0)
        return -1;
    const char *q = skip_blanks(d.end);
    int pct = 0;
    if (allow_percent && *q == '%') {
        pct = 1;
        q = skip_blanks(q + 1);
    }
    if (*q != '\0')
        return -1;

    double v;
    if ((pct ? convert_percent(&d, &v) : convert(d.start, d.end, &v)) < 0)
        return -1;
    *out = v;
    if (was_percent)
        *was_percent = pct;
    return 0;
}

int num_parse_double(const char *s, double *out)
{
    return parse(s, 0, out, NULL);
}

int num_parse_percent(const char *s, double *out, int *was_percent)
{
    return parse(s, 1, out, was_percent);
}

/* Digits at *ps into a magnitude, refusing anything above max.  Checked
 * before each multiplication, so nothing wraps. */
static int read_magnitude(const char **ps, uint64_t max, uint64_t *mag)
{
    const char *p = *ps;
    uint64_t m = 0;
    if (!is_digit(*p))
        return -1;
    for (; is_digit(*p); p++) {
        uint64_t digit = (uint64_t)(*p - '0');
        if (m > (max - digit) / 10)
            return -1;
        m = m * 10 + digit;
    }
    *ps = p;
    *mag = m;
    return 0;
}

int num_parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (!s)
        return -1;
    const char *p = skip_blanks(s);
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    /* |INT64_MIN| = INT64_MAX + 1 fits in a uint64_t. */
    uint64_t max = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t mag;
    if (read_magnitude(&p, max, &mag) < 0)
        return -1;
    if (*skip_blanks(p) != '\0')
        return -1;

    int64_t v;
    if (!neg)
        v = (int64_t)mag;
    else if (mag == (uint64_t)INT64_MAX + 1u)
        v = INT64_MIN;
    else
        v = -(int64_t)mag;
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int num_parse_uint64(const char *s, uint64_t hi, uint64_t *out)
{
    if (!s)
        return -1;
    const char *p = skip_blanks(s);
    uint64_t v;
    if (read_magnitude(&p, UINT64_MAX, &v) < 0)
        return -1;
    if (*skip_blanks(p) != '\0')
        return -1;
    if (v > hi)
        return -1;
    *out = v;
    return 0;
}
