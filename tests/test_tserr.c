/* Error messages (tserr.c): formatting, the one-line guarantee (control
 * characters escaped), the cut of a message too long for the 512-byte
 * buffer (never inside a UTF-8 sequence or an escape, always ending "..."),
 * a NULL err, and ts_err_prefix. */
#include "tserr.h"
#include "testutil.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#define CAP sizeof(((ts_err *)0)->msg)

static int msg_is(const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return 1;
    fprintf(stderr, "\n  got:  %s\n  want: %s\n", got, want);
    return 0;
}
#define ASSERT_MSG(got, want) CU_ASSERT(msg_is((got), (want)))

/* n copies of c, in a static buffer. */
static const char *rep(char c, size_t n)
{
    static char buf[4096];
    CU_ASSERT_FATAL(n < sizeof buf);
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

/* head, then n copies of c, then tail, into buf of size cap. */
static char *text_of(char *buf, size_t cap, const char *head, char c, size_t n, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    CU_ASSERT_FATAL(h + n + t < cap);
    memcpy(buf, head, h);
    memset(buf + h, c, n);
    memcpy(buf + h + n, tail, t + 1);
    return buf;
}

/* Every byte of s is in a complete UTF-8 sequence (the encodings of the
 * test texts: lead bytes 0xC2..0xF4 and their continuation bytes). */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int more = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC2 ? 1 : -1;
        if (more < 0)
            return 0;
        p++;
        for (int i = 0; i < more; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

static void test_format(void)
{
    ts_err e;
    strcpy(e.msg, "(untouched)");
    CU_ASSERT_EQUAL(ts_errf(&e, "%s:%d: rate %g is above 1", "qd.ini", 137, 1.2385), -1);
    ASSERT_MSG(e.msg, "qd.ini:137: rate 1.2385 is above 1");
    CU_ASSERT_EQUAL(ts_errf(&e, "%s", ""), -1);
    ASSERT_MSG(e.msg, "");
    /* A NULL err is allowed (a caller that only wants the status) and
     * still fails. */
    CU_ASSERT_EQUAL(ts_errf(NULL, "%s", "ignored"), -1);
    CU_ASSERT_EQUAL(ts_err_prefix(NULL, "plot"), -1);
}

/* Quoted user input cannot break the message over lines: line breaks and
 * control characters are escaped, the tab and UTF-8 are kept. */
static void test_one_line(void)
{
    ts_err e;
    ts_errf(&e, "unknown tier '%s'", "a\nb\r\x01\x1f\x7f\tc");
    ASSERT_MSG(e.msg, "unknown tier 'a\\nb\\r\\x01\\x1f\\x7f\tc'");
    ts_errf(&e, "tier '%s'", "Qingdao \xe9\x9d\x92\xe5\xb2\x9b");   /* 青岛 */
    ASSERT_MSG(e.msg, "tier 'Qingdao \xe9\x9d\x92\xe5\xb2\x9b'");
}

/* Up to CAP - 3 = 509 bytes a message is kept whole; one that does not fit
 * the buffer (CAP bytes or more with its NUL) is cut to CAP - 4 bytes and
 * "...".  (510 and 511 bytes, which would just fit, are cut too today: the
 * room for "..." is kept before it is known whether the rest fits; not
 * held here either way.) */
static void test_truncation(void)
{
    ts_err e;
    char want[CAP + 8];

    ts_errf(&e, "%s", rep('a', 509));
    CU_ASSERT_EQUAL(strlen(e.msg), 509);
    ASSERT_MSG(e.msg, rep('a', 509));

    for (size_t n = 512; n <= 2500; n += n < 520 ? 1 : 397) {
        ts_errf(&e, "%s", rep('b', n));
        text_of(want, sizeof want, "", 'b', 508, "...");
        if (!msg_is(e.msg, want))
            fprintf(stderr, "  (for %zu bytes)\n", n);
        CU_ASSERT_STRING_EQUAL(e.msg, want);
    }
    /* Longer than ts_errf's own formatting buffer (4 x 512): still cut
     * the same way. */
    ts_errf(&e, "%s%s", rep('c', 2000), "tail");
    text_of(want, sizeof want, "", 'c', 508, "...");
    ASSERT_MSG(e.msg, want);

    /* An escape that would not fit is dropped whole, not split: here
     * "\n" would need bytes 508 and 509. */
    char text[CAP + 8];
    ts_errf(&e, "%s", text_of(text, sizeof text, "", 'd', 507, "\nz"));
    text_of(want, sizeof want, "", 'd', 507, "...");
    ASSERT_MSG(e.msg, want);
    /* ... and one that ends the message and fits is kept. */
    ts_errf(&e, "%s", text_of(text, sizeof text, "", 'd', 507, "\n"));
    text_of(want, sizeof want, "", 'd', 507, "\\n");
    ASSERT_MSG(e.msg, want);
}

/* The cut backs off to the start of a UTF-8 sequence, for sequences of 2,
 * 3 and 4 bytes at every offset around the cut. */
static void test_truncation_utf8(void)
{
    static const char *const chars[] = {"\xc3\xa9", "\xe5\xb2\x9b", "\xf0\x9f\x8f\xad"};
    ts_err e;
    for (size_t c = 0; c < 3; c++)
        for (size_t lead = 500; lead <= 510; lead++) {
            char text[1200];
            size_t w = strlen(text_of(text, sizeof text, "", 'e', lead, ""));
            for (size_t k = strlen(chars[c]); w + k < 1100; w += k)
                memcpy(text + w, chars[c], k + 1);
            ts_errf(&e, "%s", text);
            size_t n = strlen(e.msg);
            CU_ASSERT(n < CAP);
            /* CAP - 4 bytes less at most one character, then "..." */
            CU_ASSERT(n >= CAP - 4 - 4 + 3);
            CU_ASSERT(n >= 3 && strcmp(e.msg + n - 3, "...") == 0);
            CU_ASSERT(valid_utf8(e.msg));
            CU_ASSERT(strncmp(e.msg, text, n - 3) == 0);
        }
}

static void test_prefix(void)
{
    ts_err e;
    ts_errf(&e, "%s:%d: unknown tier '%s'", "h.csv", 7, "gazelle");
    CU_ASSERT_EQUAL(ts_err_prefix(&e, "plot"), -1);
    ASSERT_MSG(e.msg, "plot: h.csv:7: unknown tier 'gazelle'");
    /* A prefix is held to the same rules: escaped, and the whole cut to
     * the buffer. */
    ts_err_prefix(&e, "a\nb");
    ASSERT_MSG(e.msg, "a\\nb: plot: h.csv:7: unknown tier 'gazelle'");
    ts_errf(&e, "%s", rep('f', 507));
    ts_err_prefix(&e, "fit");
    char want[CAP + 8];
    text_of(want, sizeof want, "fit: ", 'f', 503, "...");
    ASSERT_MSG(e.msg, want);
}

int main(void)
{
    gsl_set_error_handler_off();
    static const tu_test t[] = {
        {"formatting and a NULL err", test_format},
        {"one line: control characters escaped", test_one_line},
        {"truncation at the buffer", test_truncation},
        {"truncation never splits UTF-8", test_truncation_utf8},
        {"ts_err_prefix", test_prefix},
        {NULL, NULL},
    };
    return tu_run("tserr", t);
}
