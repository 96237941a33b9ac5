/* textin.c -- decoding input files, full-width forms, spreadsheet numbers. */
#include "textin.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

/* The line (from 1) that byte `off` of the text is on. */
static int line_of(const char *bytes, size_t off)
{
    int line = 1;
    for (const char *p = bytes, *end = bytes + off; (p = memchr(p, '\n', (size_t)(end - p)));
         p++)
        line++;
    return line;
}

/* The length of the well-formed UTF-8 prefix of s (Unicode's table 3-7:
 * the second byte's range depends on the first, which excludes overlong
 * forms, the surrogates and code points above U+10FFFF). */
static size_t utf8_prefix(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t j = 2; j < n; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF)
                return i;
        i += n;
    }
    return len;
}

int textin_is_utf8(const char *s, size_t len)
{
    return utf8_prefix((const unsigned char *)s, len) == len;
}

static char *copy0(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* GB18030 to UTF-8 with glibc's iconv.  On a byte that is not GB18030 (or a
 * character cut off by the end of the file), the message names its line in
 * the input, which is its line in the output too. */
static int from_gb18030(const char *name, const char *bytes, size_t len, char **out,
                        size_t *out_len, ts_err *err)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return ts_errf(err, "%s: not UTF-8, and GB18030 cannot be read here (iconv: %s)", name,
                       strerror(errno));
    /* A GB18030 character of 2 bytes is at most 3 in UTF-8, one of 4 at most
     * 4: 1.5 times the input, plus room for the NUL.  E2BIG grows it all the
     * same, in case some table says otherwise. */
    size_t cap = len + len / 2 + 8;
    char *buf = malloc(cap);
    char *in = (char *)bytes; /* iconv's prototype; it does not write the input */
    size_t in_left = len, used = 0;
    int rc = 0;
    while (buf && in_left > 0) {
        char *o = buf + used;
        size_t o_left = cap - used - 1;
        size_t r = iconv(cd, &in, &in_left, &o, &o_left);
        used = (size_t)(o - buf);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            char *b = realloc(buf, 2 * cap);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
            continue;
        }
        /* EILSEQ, or EINVAL for a character the end of the file cuts off. */
        size_t off = (size_t)(in - bytes);
        rc = ts_errf(err, "%s:%d: neither UTF-8 nor GB18030 (byte 0x%02X): save it as UTF-8",
                     name, line_of(bytes, off), (unsigned)(unsigned char)bytes[off]);
        break;
    }
    iconv_close(cd);
    if (!buf)
        return ts_errf(err, "%s: out of memory", name);
    if (rc < 0) {
        free(buf);
        return -1;
    }
    buf[used] = '\0';
    *out = buf;
    *out_len = used;
    return 0;
}

int textin_decode(const char *name, const char *bytes, size_t len, char **utf8_out,
                  size_t *len_out, int *was_gb18030, ts_err *err)
{
    const unsigned char *u = (const unsigned char *)bytes;
    *utf8_out = NULL;
    *len_out = 0;
    *was_gb18030 = 0;
    /* UTF-16 first: its text is full of NUL bytes, and the mark says more
     * than "NUL byte" would. */
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return ts_errf(err, "%s: saved as UTF-16 (it starts with %02X %02X): save it as UTF-8",
                       name, u[0], u[1]);
    const char *nul = len ? memchr(bytes, '\0', len) : NULL;
    if (nul)
        return ts_errf(err, "%s:%d: NUL byte in the file (saved as UTF-16, or not text): save "
                       "it as UTF-8", name, line_of(bytes, (size_t)(nul - bytes)));
    size_t start = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        /* The writer said UTF-8: a bad byte is damage, not another encoding. */
        size_t ok = 3 + utf8_prefix(u + 3, len - 3);
        if (ok < len)
            return ts_errf(err, "%s:%d: not valid UTF-8 (byte 0x%02X), though the file starts "
                           "with a UTF-8 byte-order mark", name, line_of(bytes, ok), u[ok]);
        start = 3;
    } else if (utf8_prefix(u, len) < len) {
        /* GB18030 is what Notepad and Excel write on Chinese Windows as
         * "ANSI"; it contains GBK and GB2312, so one decoder serves all
         * three.  The whole file is converted before any parser sees it, so
         * that a label reaches the reports, charts and CSVs, which are UTF-8,
         * as the same text its UTF-8 twin gives, and no parser meets a GBK
         * second byte that is ASCII ('[', ']', '\\' are among them). */
        if (from_gb18030(name, bytes, len, utf8_out, len_out, err) < 0)
            return -1;
        *was_gb18030 = 1;
        return 0;
    }
    if (!(*utf8_out = copy0(bytes + start, len - start)))
        return ts_errf(err, "%s: out of memory", name);
    *len_out = len - start;
    return 0;
}

void textin_halfwidth(char *s)
{
    unsigned char *r = (unsigned char *)s, *w = r;
    while (*r) {
        /* U+FF01 .. U+FF5E are EF BC 81 .. EF BC BF and EF BD 80 .. EF BD 9E;
         * each is its ASCII character plus 0xFEE0. */
        if (r[0] == 0xEF && r[1] == 0xBC && r[2] >= 0x81 && r[2] <= 0xBF) {
            *w++ = (unsigned char)(r[2] - 0x60);
            r += 3;
        } else if (r[0] == 0xEF && r[1] == 0xBD && r[2] >= 0x80 && r[2] <= 0x9E) {
            *w++ = (unsigned char)(r[2] - 0x20);
            r += 3;
        } else if (r[0] == 0xE3 && r[1] == 0x80 && r[2] == 0x80) {
            *w++ = ' ';
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    /* An ideographic space at either end is now a blank that inih, which
     * strips ASCII blanks only, left there. */
    while (w > (unsigned char *)s && (w[-1] == ' ' || w[-1] == '\t'))
        *--w = '\0';
    size_t lead = strspn(s, " \t");
    if (lead)
        memmove(s, s + lead, (size_t)(w - (unsigned char *)s) - lead + 1);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int textin_number(const char *s, double *out)
{
    if (!strchr(s, ','))
        return num_parse_double(s, out) == 0 ? 0 : TEXTIN_NOT_NUMBER;
    const char *p = s + strspn(s, " \t\r\n\v\f");
    size_t body = strcspn(p, " \t\r\n\v\f");
    if (p[body + strspn(p + body, " \t\r\n\v\f")] != '\0' ||
        strspn(p, "0123456789,.+-") != body)
        return TEXTIN_NOT_NUMBER;
    /* [+-] d{1,3} (, d{3})+ [. d+]: copied without its commas. */
    char plain[128];
    size_t w = 0, i = 0;
    if (p[i] == '+' || p[i] == '-')
        plain[w++] = p[i++];
    size_t lead = 0;
    while (i < body && is_digit(p[i]) && lead < 4)
        plain[w++] = p[i++], lead++;
    /* No spreadsheet writes 0,470 or 01,200; a comma there is something else. */
    int ok = lead >= 1 && lead <= 3 && p[i - lead] != '0' && i < body && p[i] == ',';
    while (ok && i < body && p[i] == ',') {
        ok = body - i > 3 && is_digit(p[i + 1]) && is_digit(p[i + 2]) && is_digit(p[i + 3]) &&
             w + 3 < sizeof plain - 1;
        if (ok) {
            memcpy(plain + w, p + i + 1, 3);
            w += 3;
            i += 4;
        }
    }
    if (ok && i < body && p[i] == '.') {
        plain[w++] = p[i++];
        ok = i < body;
        while (ok && i < body && is_digit(p[i]) && w < sizeof plain - 1)
            plain[w++] = p[i++];
    }
    if (!ok || i != body)
        return TEXTIN_BAD_GROUPING;
    plain[w] = '\0';
    return num_parse_double(plain, out) == 0 ? 0 : TEXTIN_BAD_GROUPING;
}
