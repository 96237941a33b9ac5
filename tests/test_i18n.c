/* i18n: the catalogue is complete (every id has an English and a Chinese
 * text), every format takes the same conversions in the same order in both
 * languages (C's printf and gnuplot's sprintf read the arguments in order),
 * plain texts stay plain, the language of a locale, and the display width
 * of CJK text that keeps the report card aligned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "testutil.h"

/* The conversions of a printf format, each as its flags, width, precision,
 * length and letter ("%.3f" -> ".3f"), joined by '|'; "%%" is no
 * conversion.  -1 for a '%' that starts no valid conversion. */
static int conversions(const char *fmt, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        const char *q = p + 1;
        q += strspn(q, "-+ #0");
        q += strspn(q, "0123456789*");
        if (*q == '.') {
            q++;
            q += strspn(q, "0123456789*");
        }
        q += strspn(q, "hlLqjzt");
        if (!*q || !strchr("diouxXeEfFgGaAcs", *q))
            return -1;
        int n = snprintf(out + used, len - used, "%s%.*s", used ? "|" : "", (int)(q - p),
                         p + 1);
        if (n < 0 || (size_t)n >= len - used)
            return -1;
        used += (size_t)n;
        p = q;
    }
    return 0;
}

static void test_complete(void)
{
    size_t missing = 0;
    for (int id = 0; id < MSG_COUNT; id++)
        for (int l = 0; l < LANG_COUNT; l++) {
            const char *s = i18n_raw((ts_lang)l, (msg_id)id);
            if (!s || !s[0]) {
                fprintf(stderr, "\n  message %d has no %s text", id, i18n_lang_name((ts_lang)l));
                missing++;
            }
        }
    CU_ASSERT_EQUAL(missing, 0);
    CU_ASSERT_PTR_NULL(i18n_raw(LANG_EN, MSG_COUNT));
    CU_ASSERT_STRING_EQUAL(i18n((ts_lang)7, MSG_VERDICT_LIKELY), "likely");
}

/* Formats: the same conversions, in the same order; each a valid one. */
static void test_formats(void)
{
    size_t bad = 0, formats = 0;
    for (int id = 0; id < MSG_COUNT; id++) {
        if (!i18n_is_format((msg_id)id))
            continue;
        formats++;
        char en[256], zh[256];
        const char *e = i18n_raw(LANG_EN, (msg_id)id), *z = i18n_raw(LANG_ZH, (msg_id)id);
        if (!e || !z || conversions(e, en, sizeof en) < 0 || conversions(z, zh, sizeof zh) < 0 ||
            strcmp(en, zh) || !en[0]) {
            fprintf(stderr, "\n  message %d: '%s' and '%s' differ in their conversions", id,
                    e ? e : "(null)", z ? z : "(null)");
            bad++;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(formats >= 40);
    /* the checker itself */
    char c[256];
    CU_ASSERT(conversions("%s: %.3f %% %llu %-9s %zu", c, sizeof c) == 0 &&
              !strcmp(c, "s|.3f|llu|-9s|zu"));
    CU_ASSERT_EQUAL(conversions("90 % band", c, sizeof c), -1);
    CU_ASSERT(conversions("95 % interval", c, sizeof c) == 0 && !strcmp(c, " i"));
}

/* A plain text is printed as it is (fputs, or a gnuplot string that no
 * sprintf reads): a '%' in it is meant as a percent sign, so it must not be
 * written as the "%%" of a format. */
static void test_plain(void)
{
    size_t bad = 0;
    for (int id = 0; id < MSG_COUNT; id++)
        for (int l = 0; l < LANG_COUNT && !i18n_is_format((msg_id)id); l++) {
            const char *s = i18n_raw((ts_lang)l, (msg_id)id);
            if (s && strstr(s, "%%")) {
                fprintf(stderr, "\n  plain message %d has '%%%%': %s", id, s);
                bad++;
            }
        }
    CU_ASSERT_EQUAL(bad, 0);
}

/* The words a Chinese analyst reads on the card. */
static void test_terms(void)
{
    CU_ASSERT_STRING_EQUAL(i18n_verdict(LANG_ZH, 2), "可能达成");
    CU_ASSERT_STRING_EQUAL(i18n_verdict(LANG_ZH, 1), "不确定");
    CU_ASSERT_STRING_EQUAL(i18n_verdict(LANG_ZH, 0), "难以达成");
    CU_ASSERT_STRING_EQUAL(i18n_verdict(LANG_EN, 0), "unlikely");
    CU_ASSERT_STRING_EQUAL(i18n_verdict(LANG_EN, 3), "");
    CU_ASSERT_STRING_EQUAL(i18n_measure(LANG_ZH, "stock"), "存量");
    CU_ASSERT_STRING_EQUAL(i18n_measure(LANG_ZH, "new"), "新增");
    CU_ASSERT_STRING_EQUAL(i18n_measure(LANG_ZH, "cumulative"), "累计");
    CU_ASSERT_STRING_EQUAL(i18n_measure(LANG_ZH, "inflow"), "inflow");
    CU_ASSERT_STRING_EQUAL(i18n_measure(LANG_EN, "stock"), "stock");
    CU_ASSERT_STRING_EQUAL(i18n(LANG_ZH, MSG_COL_PMET), "达成概率");
    char buf[128];
    CU_ASSERT(i18n_snprintf(buf, sizeof buf, LANG_ZH, GP_DIST_THRESHOLD, 22.5, 25.0, 0.6387) > 0);
    CU_ASSERT_STRING_EQUAL(buf, "门槛 22.5（目标 25）：达成概率 = 0.639");
    i18n_snprintf(buf, sizeof buf, LANG_EN, GP_DIST_THRESHOLD, 22.5, 25.0, 0.6387);
    CU_ASSERT_STRING_EQUAL(buf, "threshold 22.5 (target 25): P(met) = 0.639");
}

/* POSIX's order: LC_ALL, then LC_MESSAGES, then LANG, the first non-empty. */
static void test_locale(void)
{
    CU_ASSERT_EQUAL(i18n_lang_from_locale(NULL, NULL, NULL), LANG_EN);
    CU_ASSERT_EQUAL(i18n_lang_from_locale(NULL, NULL, "zh_CN.UTF-8"), LANG_ZH);
    CU_ASSERT_EQUAL(i18n_lang_from_locale("", "", "zh_TW.Big5"), LANG_ZH);
    CU_ASSERT_EQUAL(i18n_lang_from_locale("C", NULL, "zh_CN.UTF-8"), LANG_EN);
    CU_ASSERT_EQUAL(i18n_lang_from_locale("", "en_US.UTF-8", "zh_CN.UTF-8"), LANG_EN);
    CU_ASSERT_EQUAL(i18n_lang_from_locale(NULL, "zh_CN.GB18030", "C"), LANG_ZH);
    CU_ASSERT_EQUAL(i18n_lang_from_locale("zh", "C", "C"), LANG_ZH);
    CU_ASSERT_EQUAL(i18n_lang_from_locale("C.UTF-8", NULL, NULL), LANG_EN);
    CU_ASSERT_EQUAL(i18n_lang_from_locale(NULL, NULL, "POSIX"), LANG_EN);
    ts_lang l = LANG_EN;
    CU_ASSERT(i18n_parse_lang("zh", &l) == 0 && l == LANG_ZH);
    CU_ASSERT(i18n_parse_lang("en", &l) == 0 && l == LANG_EN);
    CU_ASSERT_EQUAL(i18n_parse_lang("zh_CN", &l), -1);
    CU_ASSERT_EQUAL(i18n_parse_lang("", &l), -1);
    CU_ASSERT_STRING_EQUAL(i18n_lang_name(LANG_ZH), "zh");
}

/* Columns on a terminal: two for a Chinese character or full-width form. */
static void test_width(void)
{
    CU_ASSERT_EQUAL(i18n_width(""), 0);
    CU_ASSERT_EQUAL(i18n_width("little_giant"), 12);
    CU_ASSERT_EQUAL(i18n_width("达成概率"), 8);
    CU_ASSERT_EQUAL(i18n_width("95% 置信区间"), 12);
    CU_ASSERT_EQUAL(i18n_width("专精特新“小巨人”企业"), 20);    /* “” narrow, as wcwidth says */
    CU_ASSERT_EQUAL(i18n_width("（测试），２０２２—"), 19);     /* full-width forms; — narrow */
    CU_ASSERT_EQUAL(i18n_width("、。《》「」"), 12);             /* CJK punctuation */
    CU_ASSERT_EQUAL(i18n_width("𠀀"), 2);                       /* extension B, 4 bytes */
    CU_ASSERT_EQUAL(i18n_width("e\xcc\x81"), 1);                /* e + combining acute */
    CU_ASSERT_EQUAL(i18n_width("\xff" "a"), 2);                 /* an invalid byte: one column */
    CU_ASSERT_EQUAL(i18n_width("\xe4\xb8"), 2);                 /* a cut sequence: a column a byte */
    CU_ASSERT_EQUAL(i18n_width("한국"), 4);
    CU_ASSERT_EQUAL(i18n_width("ｱ"), 1);                        /* half-width katakana */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    i18n_pad(f, "不确定", 9, 0);
    fputc('|', f);
    i18n_pad(f, "达成概率", 10, 1);
    fputc('|', f);
    i18n_pad(f, "可能达成可能达成", 9, 0);
    fputc('|', f);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "不确定   |  达成概率|可能达成可能达成|");
    free(buf);
}

int main(void)
{
    static const tu_test tests[] = {
        {"every id has both texts", test_complete},
        {"formats match between languages", test_formats},
        {"plain texts", test_plain},
        {"terms", test_terms},
        {"language of the locale", test_locale},
        {"display width", test_width},
        {NULL, NULL},
    };
    return tu_run("i18n", tests);
}
