/* textin: the decoding order of input files with every message exact, line
 * numbers kept through GB18030, the UTF-8 check against glibc's own decoder,
 * full-width forms, and numbers grouped in thousands.  GB18030 bytes are
 * written out here (from the GB18030-2005 tables), not made with the code
 * under test: 青 C7E0, 岛 B5BA, （ A3A8, ， A3AC, ％ A3A5, 乚 815D (its second
 * byte is ']'), U+0080 81308130, 𠀀 95328236. */
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "textin.h"

/* textin_decode of the LEN bytes under the name "f.txt". */
static int decode(const char *bytes, size_t len, char **out, size_t *n, int *gb, ts_err *err)
{
    strcpy(err->msg, "(no message)");
    return textin_decode("f.txt", bytes, len, out, n, gb, err);
}

/* The bytes decode to exactly `want` (NUL-terminated, no NUL inside), with
 * the given GB18030 flag. */
static int decodes_to(const char *bytes, size_t len, const char *want, int want_gb)
{
    char *out = (char *)1;
    size_t n = 1;
    int gb = -1;
    ts_err err;
    if (decode(bytes, len, &out, &n, &gb, &err) < 0) {
        fprintf(stderr, "\n  refused: %s\n", err.msg);
        return 0;
    }
    int ok = n == strlen(want) && memcmp(out, want, n) == 0 && out[n] == '\0' && gb == want_gb;
    if (!ok)
        fprintf(stderr, "\n  got %zu bytes '%.*s' (gb %d), want '%s' (gb %d)\n", n, (int)n, out,
                gb, want, want_gb);
    free(out);
    return ok;
}

/* The bytes are refused with exactly `want`, and *out stays NULL. */
static int refused(const char *bytes, size_t len, const char *want)
{
    char *out = (char *)1;
    size_t n;
    int gb;
    ts_err err;
    if (decode(bytes, len, &out, &n, &gb, &err) == 0) {
        fprintf(stderr, "\n  accepted; wanted: %s\n", want);
        free(out);
        return 0;
    }
    if (out != NULL || strcmp(err.msg, want) != 0) {
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", err.msg, want);
        return 0;
    }
    return 1;
}

#define DECODES(lit, want, gb) CU_ASSERT(decodes_to((lit), sizeof(lit) - 1, (want), (gb)))
#define REFUSED(lit, want) CU_ASSERT(refused((lit), sizeof(lit) - 1, (want)))

/* Step 1: UTF-16 and NUL bytes, before anything else. */
static void test_utf16_and_nul(void)
{
    REFUSED("\xFF\xFE[\0s\0]\0", "f.txt: saved as UTF-16 (it starts with FF FE): save it as UTF-8");
    REFUSED("\xFE\xFF\0[\0s", "f.txt: saved as UTF-16 (it starts with FE FF): save it as UTF-8");
    /* the mark alone, and a mark that is also not UTF-8 nor GB18030 */
    REFUSED("\xFF\xFE", "f.txt: saved as UTF-16 (it starts with FF FE): save it as UTF-8");
    /* UTF-16 without its mark: the NUL bytes, on the line they are on */
    REFUSED("[\0s\0", "f.txt:1: NUL byte in the file (saved as UTF-16, or not text): save it as "
                      "UTF-8");
    REFUSED("a\nb\r\nc\0d\n", "f.txt:3: NUL byte in the file (saved as UTF-16, or not text): "
                              "save it as UTF-8");
    /* before the UTF-8 mark is looked at, and in a file that would be GB18030 */
    REFUSED("\xEF\xBB\xBF\n\0", "f.txt:2: NUL byte in the file (saved as UTF-16, or not text): "
                                "save it as UTF-8");
    REFUSED("\xC7\xE0\n\n\0", "f.txt:3: NUL byte in the file (saved as UTF-16, or not text): "
                              "save it as UTF-8");
}

/* Steps 2 and 3: UTF-8, with its mark dropped, or as it is. */
static void test_utf8(void)
{
    DECODES("", "", 0);
    DECODES("\xEF\xBB\xBF", "", 0);
    DECODES("\xEF\xBB\xBF[scenario]\r\nlabel = 青岛\r\n", "[scenario]\r\nlabel = 青岛\r\n", 0);
    DECODES("plain ASCII\n", "plain ASCII\n", 0);
    DECODES("青岛 𠀀 （２）\n", "青岛 𠀀 （２）\n", 0);
    /* a second mark is text (U+FEFF), not dropped */
    DECODES("\xEF\xBB\xBF\xEF\xBB\xBFx", "\xEF\xBB\xBFx", 0);
    /* After a UTF-8 mark a bad byte is an error on its line, not GB18030. */
    REFUSED("\xEF\xBB\xBF" "a\nlabel = \xC7\xE0\n",
            "f.txt:2: not valid UTF-8 (byte 0xC7), though the file starts with a UTF-8 "
            "byte-order mark");
    REFUSED("\xEF\xBB\xBF\n\n\n\xE9\x9D",
            "f.txt:4: not valid UTF-8 (byte 0xE9), though the file starts with a UTF-8 "
            "byte-order mark");
    REFUSED("\xEF\xBB\xBF\xED\xA0\x80",
            "f.txt:1: not valid UTF-8 (byte 0xED), though the file starts with a UTF-8 "
            "byte-order mark");
}

/* Step 4: GB18030, lines kept, with the flag. */
static void test_gb18030(void)
{
    DECODES("label = \xC7\xE0\xB5\xBA\n", "label = 青岛\n", 1);
    DECODES("\xC7\xE0\r\n\r\n\xB5\xBA", "青\r\n\r\n岛", 1);
    DECODES("exit = beta\xA3\xA8" "2\xA3\xAC" "98)\ngrowth = 12\xA3\xA5\n",
            "exit = beta（2，98)\ngrowth = 12％\n", 1);
    /* a second byte that is ']' belongs to its character */
    DECODES("[tier a]\nlabel = \x81\x5D]\n", "[tier a]\nlabel = 乚]\n", 1);
    /* four-byte sequences: U+0080 and a character beyond the BMP */
    DECODES("\x81\x30\x81\x30|\x95\x32\x82\x36", "\xC2\x80|𠀀", 1);
    /* a byte that is neither, on its line; a character cut off by the end */
    REFUSED("[scenario]\nlabel = \xC7\xE0\n\x80\n",
            "f.txt:3: neither UTF-8 nor GB18030 (byte 0x80): save it as UTF-8");
    REFUSED("\xC7\xE0\n\xC7\xE0\n\xC7\n",
            "f.txt:3: neither UTF-8 nor GB18030 (byte 0xC7): save it as UTF-8");
    REFUSED("\xC7\xE0\n\n\xC7", "f.txt:3: neither UTF-8 nor GB18030 (byte 0xC7): save it as UTF-8");
    REFUSED("\xC7\xE0\xFF", "f.txt:1: neither UTF-8 nor GB18030 (byte 0xFF): save it as UTF-8");
    REFUSED("\x81\x30\x81", "f.txt:1: neither UTF-8 nor GB18030 (byte 0x81): save it as UTF-8");
}

/* A generator of bytes that are often GB18030, sometimes UTF-8, with line
 * ends: for the properties below. */
static uint64_t rng_state = 0x2385137ULL;
static unsigned next_byte(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state >> 24) & 0xFF;
}

static size_t random_text(char *buf, size_t cap)
{
    static const char *const pieces[] = {"\xC7\xE0", "\xB5\xBA", "\x81\x5D", "\x81\x30\x81\x30",
                                         "\n", "\r\n", "a", "[", "\xE9\x9D\x92", "\xEF\xBC\x88",
                                         "\xED\xA0\x80", "\xC0\x80", "\xF4\x90\x80\x80",
                                         "\xF0\x9F\x98\x80", "\x80", "\xFF"};
    size_t n = 0, k = next_byte() % 12;
    for (size_t i = 0; i < k; i++) {
        unsigned r = next_byte();
        const char *p = r < 200 ? pieces[r % (sizeof pieces / sizeof pieces[0])] : NULL;
        char one[2] = {(char)(next_byte() | 1), '\0'}; /* never NUL */
        if (!p)
            p = one;
        size_t len = strlen(p);
        if (n + len >= cap)
            break;
        memcpy(buf + n, p, len);
        n += len;
    }
    return n;
}

static size_t count_nl(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += s[i] == '\n';
    return c;
}

/* Every decoded text has the lines of its input; and an error's line is the
 * line of a byte the decoder could not read. */
static void test_lines_kept(void)
{
    size_t decoded = 0, gb = 0;
    for (int t = 0; t < 20000; t++) {
        char in[64], *out;
        size_t n = random_text(in, sizeof in), m;
        int was_gb;
        ts_err err;
        if (decode(in, n, &out, &m, &was_gb, &err) == 0) {
            CU_ASSERT(count_nl(in, n) == count_nl(out, m));
            CU_ASSERT(textin_is_utf8(out, m));
            CU_ASSERT(strlen(out) == m);
            decoded++;
            gb += (size_t)was_gb;
            free(out);
        } else {
            int line = 0;
            CU_ASSERT(sscanf(err.msg, "f.txt:%d:", &line) == 1);
            CU_ASSERT(line >= 1 && (size_t)line <= count_nl(in, n) + 1);
        }
    }
    /* the generator reaches every branch */
    CU_ASSERT(decoded > 1000 && gb > 1000 && decoded < 20000);
}

/* textin_is_utf8 agrees with glibc's UTF-8 decoder (which refuses overlong
 * forms, surrogates and code points above U+10FFFF too). */
static void test_is_utf8(void)
{
    CU_ASSERT(textin_is_utf8("", 0));
    CU_ASSERT(textin_is_utf8("\xF4\x8F\xBF\xBF", 4));
    CU_ASSERT(!textin_is_utf8("\xF4\x90\x80\x80", 4));
    CU_ASSERT(!textin_is_utf8("\xC0\xAF", 2));
    CU_ASSERT(!textin_is_utf8("\xE0\x80\xAF", 3));
    CU_ASSERT(!textin_is_utf8("\xED\xBF\xBF", 3));
    CU_ASSERT(textin_is_utf8("\xEE\x80\x80", 3));
    CU_ASSERT(!textin_is_utf8("\xE9\x9D", 2));
    iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
    CU_ASSERT_FATAL(cd != (iconv_t)-1);
    size_t agree = 0, valid = 0;
    for (int t = 0; t < 20000; t++) {
        char in[64], out[512];
        size_t n = random_text(in, sizeof in);
        char *ip = in, *op = out;
        size_t il = n, ol = sizeof out;
        iconv(cd, NULL, NULL, NULL, NULL);
        int glibc = iconv(cd, &ip, &il, &op, &ol) != (size_t)-1;
        agree += glibc == textin_is_utf8(in, n);
        valid += (size_t)glibc;
    }
    iconv_close(cd);
    CU_ASSERT_EQUAL(agree, 20000);
    CU_ASSERT(valid > 1000 && valid < 19000);
}

static int halfwidth_is(const char *in, const char *want)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", in);
    textin_halfwidth(buf);
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "\n  '%s' -> '%s', want '%s'\n", in, buf, want);
        return 0;
    }
    return 1;
}
#define HALFWIDTH(in, want) CU_ASSERT(halfwidth_is((in), (want)))

static void test_halfwidth(void)
{
    HALFWIDTH("beta（2，18）", "beta(2,18)");
    HALFWIDTH("１２．５％", "12.5%");
    HALFWIDTH("uniform（０．０２，　0.06）", "uniform(0.02, 0.06)");
    HALFWIDTH("a －＞ b ： 1.2", "a -> b : 1.2");
    HALFWIDTH("ｂｅｔａ（２， ９８）", "beta(2, 98)");
    /* the ends of the block: U+FF01 '!' and U+FF5E '~' */
    HALFWIDTH("\xEF\xBC\x81\xEF\xBD\x9E", "!~");
    /* ideographic spaces at the ends go, like ASCII blanks */
    HALFWIDTH("　\t137　 ", "137");
    HALFWIDTH("　", "");
    /* what is not a full-width form of ASCII stays: U+FF00, U+FF5F, U+FF61,
     * 。、《》, and a cut-off sequence */
    HALFWIDTH("\xEF\xBC\x80|\xEF\xBD\x9F|\xEF\xBD\xA1", "\xEF\xBC\x80|\xEF\xBD\x9F|\xEF\xBD\xA1");
    HALFWIDTH("12。5、《6》", "12。5、《6》");
    HALFWIDTH("1\xEF\xBC", "1\xEF\xBC");
    HALFWIDTH("x\xE3\x80", "x\xE3\x80");
    HALFWIDTH("", "");
}

static int number_is(const char *s, double want)
{
    double x = -1.0;
    int rc = textin_number(s, &x);
    if (rc != 0 || x != want) {
        fprintf(stderr, "\n  '%s': rc %d, %g; want %g\n", s, rc, x, want);
        return 0;
    }
    return 1;
}

static void test_number(void)
{
    CU_ASSERT(number_is("1,200", 1200));
    CU_ASSERT(number_is("12,345.25", 12345.25));
    CU_ASSERT(number_is("-1,234,567", -1234567));
    CU_ASSERT(number_is("+999,000", 999000));
    CU_ASSERT(number_is(" 1,200\t", 1200));
    CU_ASSERT(number_is("1200", 1200));
    CU_ASSERT(number_is("0.2385", 0.2385));
    CU_ASSERT(number_is("137,000,000,000,000,000,000", 1.37e20));
    static const char *const grouping[] = {"1,20", "1,2345", ",200", "1,,200", "1,200,",
                                           "1.5,2", "1,200.", "1234,567", "-,200", "1,200.5.6",
                                           "1,200,00", "0,470", "01,200"};
    for (size_t i = 0; i < sizeof grouping / sizeof grouping[0]; i++) {
        double x = 0.2385;
        int rc = textin_number(grouping[i], &x);
        if (rc != TEXTIN_BAD_GROUPING)
            fprintf(stderr, "\n  '%s': rc %d\n", grouping[i], rc);
        CU_ASSERT_EQUAL(rc, TEXTIN_BAD_GROUPING);
        CU_ASSERT_EQUAL(x, 0.2385);
    }
    static const char *const not_numbers[] = {"", "abc", "1,200 firms", "1,200e3", "0x1p4",
                                              "nan", "1 ,200", "about 60", "1，200"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++) {
        double x = 0.2385;
        int rc = textin_number(not_numbers[i], &x);
        if (rc != TEXTIN_NOT_NUMBER)
            fprintf(stderr, "\n  '%s': rc %d\n", not_numbers[i], rc);
        CU_ASSERT_EQUAL(rc, TEXTIN_NOT_NUMBER);
        CU_ASSERT_EQUAL(x, 0.2385);
    }
}

int main(void)
{
    static const tu_test tests[] = {
        {"UTF-16 and NUL bytes refused first", test_utf16_and_nul},
        {"UTF-8, with or without its mark", test_utf8},
        {"GB18030 otherwise, errors with their line", test_gb18030},
        {"decoding keeps the lines", test_lines_kept},
        {"the UTF-8 check agrees with glibc", test_is_utf8},
        {"full-width forms to ASCII", test_halfwidth},
        {"numbers grouped in thousands", test_number},
        {NULL, NULL},
    };
    return tu_run("textin", tests);
}
