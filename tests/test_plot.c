/* Charts: the data written for gnuplot, running it, report.html, and the
 * CSV reader they use.  Needs gnuplot on PATH (scripts/deps.sh installs it);
 * runs from the repository root (plots/, tests/data/plot/). */
#define _GNU_SOURCE /* open_memstream, setenv */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "html.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "summary.h"
#include "testutil.h"

/* ------------------------------------------------------------- helpers */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

static int spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* A fresh directory whose name has a space, quotes and a '$'. */
static void make_dir(char *buf, size_t len)
{
    snprintf(buf, len, "%s/tiersim plot 'it''s' \"q\" $HOME.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(buf));
}

/* Copies the regular files of a fixture directory into dst. */
static void copy_fixture(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char from[8400], to[8400];
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
        char *text = slurp(from, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT_EQUAL(spit(to, text), 0);
        free(text);
    }
    closedir(d);
}

static char *file_in(const char *dir, const char *name, size_t *len)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return slurp(path, len);
}

/* A PNG with a valid signature, 1600x1000, of a plausible size. */
static int png_ok(const char *dir, const char *name)
{
    size_t n = 0;
    char file[256];
    snprintf(file, sizeof file, "charts/%s.png", name);
    unsigned char *p = (unsigned char *)file_in(dir, file, &n);
    int ok = p && n > 20000 && n < 3000000 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8) &&
             !memcmp(p + 12, "IHDR", 4) &&
             ((uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 | (uint32_t)p[18] << 8 | p[19]) == 1600 &&
             ((uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 | (uint32_t)p[22] << 8 | p[23]) == 1000;
    if (!ok)
        fprintf(stderr, "\n  %s: not a plausible 1600x1000 PNG (%zu bytes)\n", file, n);
    free(p);
    return ok;
}

/* An SVG that holds each of the NULL-terminated texts. */
static int svg_has(const char *dir, const char *name, const char *const *texts)
{
    char file[256];
    snprintf(file, sizeof file, "charts/%s.svg", name);
    char *s = file_in(dir, file, NULL);
    int ok = s && strstr(s, "<svg") && strstr(s, "</svg>");
    for (const char *const *t = texts; ok && *t; t++)
        if (!strstr(s, *t)) {
            fprintf(stderr, "\n  %s lacks '%s'\n", file, *t);
            ok = 0;
        }
    free(s);
    return ok;
}

/* Nothing but the charts and index.csv in DIR/charts, nothing left beside. */
static int clean(const char *dir)
{
    int ok = 1;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".tmp-") || strstr(e->d_name, ".old-")) {
            fprintf(stderr, "\n  left behind: %s\n", e->d_name);
            ok = 0;
        }
    if (d)
        closedir(d);
    char charts[4200];
    snprintf(charts, sizeof charts, "%s/charts", dir);
    d = opendir(charts);
    while (d && (e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] != '.' && (!dot || (strcmp(dot, ".png") && strcmp(dot, ".svg") &&
                                             strcmp(e->d_name, "index.csv")))) {
            fprintf(stderr, "\n  unexpected in charts/: %s\n", e->d_name);
            ok = 0;
        }
    }
    if (d)
        closedir(d);
    return ok;
}

static int exists(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* --------------------------------------------------------------- units */

static void test_quote(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    plot_quote(f, "甲 'a' \"b\" $HOME\tx\ny");
    fputc('|', f);
    plot_quote(f, "");
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "'甲 ''a'' \"b\" $HOME x y'|''");
    free(buf);
}

static void test_bins(void)
{
    hist *h = hist_alloc();
    int64_t lo = -1, w = -1;
    CU_ASSERT_EQUAL(report_bins(h, 50, &lo, &w), 0);
    hist_add(h, 137, 3);
    CU_ASSERT_EQUAL(report_bins(h, 50, &lo, &w), 1);
    CU_ASSERT_EQUAL(lo, 137);
    CU_ASSERT_EQUAL(w, 1);
    /* 137 .. 2385 does not fit 50 bins of 1, 2, 5, 10 or 20; of 50 it needs
     * (2385 - 100) / 50 + 1 = 46 starting at 100 */
    hist_add(h, 2385, 1);
    hist_add(h, 911, 7);
    CU_ASSERT_EQUAL(report_bins(h, 50, &lo, &w), 46);
    CU_ASSERT_EQUAL(lo, 100);
    CU_ASSERT_EQUAL(w, 50);
    /* the bins cover every observation exactly once */
    uint64_t total = 0;
    for (int64_t b = 0; b < 46; b++)
        total += hist_count_at_least(h, lo + b * w) - hist_count_at_least(h, lo + (b + 1) * w);
    CU_ASSERT_EQUAL(total, 11);
    /* 23 .. 71 in at most 7 bins: width 10 from 20 gives 6 */
    hist_reset(h);
    hist_add(h, 23, 1);
    hist_add(h, 71, 1);
    CU_ASSERT_EQUAL(report_bins(h, 7, &lo, &w), 6);
    CU_ASSERT_EQUAL(lo, 20);
    CU_ASSERT_EQUAL(w, 10);
    CU_ASSERT_EQUAL(report_bins(h, 1, &lo, &w), 1);
    CU_ASSERT_EQUAL(lo, 0);
    CU_ASSERT_EQUAL(w, 100);
    hist_free(h);
}

static void test_csv_read(void)
{
    char dir[4096];
    make_dir(dir, sizeof dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    CU_ASSERT_EQUAL_FATAL(spit(path, "\xEF\xBB\xBFtier,label,n\r\na,\"甲, \"\"q\"\"\",137\r\n\r\n"
                                     "b,\"two\nlines\",0.2385\r\nc,x\r\nd,y,1.5z\r\n"), 0);
    ts_err err;
    csvt *t = csvt_read(path, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(csvt_rows(t), 4);
    CU_ASSERT_EQUAL(csvt_cols(t), 3);
    CU_ASSERT_STRING_EQUAL(csvt_header(t, 0), "tier");
    CU_ASSERT_EQUAL(csvt_col(t, "n", &err), 2);
    CU_ASSERT_STRING_EQUAL(csvt_field(t, 0, 1), "甲, \"q\"");
    CU_ASSERT_STRING_EQUAL(csvt_field(t, 1, 1), "two\nlines");
    CU_ASSERT_STRING_EQUAL(csvt_field(t, 2, 2), "");     /* a short row */
    CU_ASSERT_EQUAL(csvt_line(t, 0), 2);
    CU_ASSERT_EQUAL(csvt_line(t, 1), 4);                 /* after the blank line */
    CU_ASSERT_EQUAL(csvt_line(t, 3), 7);
    double v;
    CU_ASSERT_EQUAL(csvt_num(t, 1, 2, 0, &v, &err), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 0.2385, 0);
    CU_ASSERT_EQUAL(csvt_num(t, 2, 2, 1, &v, &err), 0);
    CU_ASSERT(isnan(v));
    CU_ASSERT_EQUAL(csvt_num(t, 3, 2, 0, &v, &err), -1);
    char want[8400];
    snprintf(want, sizeof want, "%s:7: column 'n': expected a number, got '1.5z'", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_EQUAL(csvt_col(t, "p_met", &err), -1);
    snprintf(want, sizeof want, "%s: missing column 'p_met'", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    csvt_free(t);

    CU_ASSERT_EQUAL_FATAL(spit(path, "a,b\n1,\"2\n3,4\n"), 0);
    CU_ASSERT_PTR_NULL(csvt_read(path, &err));
    CU_ASSERT(strstr(err.msg, "malformed CSV") != NULL);
    CU_ASSERT_EQUAL_FATAL(spit(path, ""), 0);
    CU_ASSERT_PTR_NULL(csvt_read(path, &err));
    snprintf(want, sizeof want, "%s: empty (expected a header row)", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    csvt_free(NULL);
    outdir_remove_tree(dir);
}

static void test_inline_svg(void)
{
    static const char svg[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
        "<svg \n viewBox=\"0 0 1200 750\"\n xmlns=\"http://www.w3.org/2000/svg\"\n"
        " xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n"
        "<g id=\"gnuplot_plot_1a\"><path id='gpPt3' d='M0'/>"
        "<use xlink:href='#gpPt3' filter='url(#textbox)'/></g>\n"
        "<g id=\"gnuplot_plot_1a\"/><text>id='x' url(#y) 甲 &lt;b></text></svg>\n";
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(html_inline_svg(f, svg, "c7-"), 0);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf,
        "<svg \n viewBox=\"0 0 1200 750\"\n \n \n>\n"
        "<g id=\"c7-1-gnuplot_plot_1a\"><path id='c7-gpPt3' d='M0'/>"
        "<use xlink:href='#c7-gpPt3' filter='url(#c7-textbox)'/></g>\n"
        "<g id=\"c7-2-gnuplot_plot_1a\"/><text>id='x' url(#y) 甲 &lt;b></text></svg>\n");
    free(buf);
    f = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(html_inline_svg(f, "<html>no chart</html>", "c1-"), -1);
    html_escape(f, "a<b>&\"c'");
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "a&lt;b&gt;&amp;&quot;c&#39;");
    free(buf);
}

static void test_find_dir(void)
{
    char buf[4096];
    ts_err err;
    CU_ASSERT_EQUAL(plot_find_dir("tests/data/plot/bad", buf, sizeof buf, &err), 0);
    CU_ASSERT_STRING_EQUAL(buf, "tests/data/plot/bad");
    CU_ASSERT_EQUAL(plot_find_dir("tests/data/plot/nowhere", buf, sizeof buf, &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "tests/data/plot/nowhere: not a directory of gnuplot scripts");
    /* without an override: beside the executable, or a message saying where
     * it looked (build/san/tests has no plots within two levels) */
    if (plot_find_dir(NULL, buf, sizeof buf, &err) == 0) {
        char fan[4200];
        snprintf(fan, sizeof fan, "%s/fan.gp", buf);
        CU_ASSERT(buf[0] == '/' && access(fan, R_OK) == 0);
    } else {
        CU_ASSERT(strstr(err.msg, "cannot find the gnuplot scripts") == err.msg);
    }
}

/* -------------------------------------------------------------- charts */

static void test_run_charts(void)
{
    char dir[4096];
    make_dir(dir, sizeof dir);
    copy_fixture("tests/data/plot/run", dir);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_RUN);
    ts_err err;
    size_t n = 0;
    int rc = plot_draw(dir, "plots", PLOT_RUN, &n, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(n, 6);
    static const char *const names[] = {"fan_a", "fan_b", "card", "pmet", "dist_a", "dist_b"};
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT(png_ok(dir, names[i]));
    /* every label drawn as written: no quoting, no enhanced-text markup */
    static const char *const fan_a[] = {"甲 'a' \"tier\" $HOME &lt;b>&amp;amp; x_1^2 @{}",
                                        "firms in the tier at the end of each year (stock)",
                                        "start: 137", "target 190", NULL};
    static const char *const fan_b[] = {"乙级企业 (tier b)", "target 25 (met at 22.5)",
                                        "new firms since the start of 2022 (cumulative)", NULL};
    static const char *const card[] = {"Report card", "乙级企业 (tier b): new ≥ 22.5",
                                       "x_1^2 @{}: stock ≥ 190", "0.670  [0.631, 0.706]",
                                       "0.608  [0.569, 0.647]", "0.427  [0.388, 0.467]",
                                       "all targets, same replication", NULL};
    static const char *const pmet[] = {"Probability that each target is met by each year",
                                       "乙级企业 (tier b): new ≥ 22.5", NULL};
    static const char *const dist_b[] = {"乙级企业 (tier b): new firms",
                                         "threshold 22.5 (target 25): P(met) = 0.670",
                                         "median 29", "by the end of 2024", NULL};
    static const char *const dist_a[] = {"target 190: P(met) = 0.608",
                                         "firms in the tier at the end of 2024", NULL};
    CU_ASSERT(svg_has(dir, "fan_a", fan_a));
    CU_ASSERT(svg_has(dir, "fan_b", fan_b));
    CU_ASSERT(svg_has(dir, "card", card));
    CU_ASSERT(svg_has(dir, "pmet", pmet));
    CU_ASSERT(svg_has(dir, "dist_b", dist_b));
    CU_ASSERT(svg_has(dir, "dist_a", dist_a));
    CU_ASSERT(clean(dir));

    /* the page: the table, every chart inline, nothing from elsewhere */
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, &err), 0);
    char *html = file_in(dir, "report.html", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    size_t svgs = 0;
    for (const char *p = html; (p = strstr(p, "<svg")); p++)
        svgs++;
    CU_ASSERT_EQUAL(svgs, 6);
    for (size_t i = 0; i < 6; i++) {
        char fig[64];
        snprintf(fig, sizeof fig, "<figure id=\"%s\">", names[i]);
        CU_ASSERT(strstr(html, fig) != NULL);
    }
    CU_ASSERT(strstr(html, "<title>tiny \u2014 小 tiny scenario, &quot;quoted&quot;, with a "
                           "comma</title>") != NULL);
    CU_ASSERT(strstr(html, "<td class=\"l\">乙级企业 (tier b) <small>b</small></td>"
                           "<td class=\"l\">new</td><td>25</td><td>22.5</td><td>0.670</td>"
                           "<td>[0.631, 0.706]</td><td class=\"l verdict\">uncertain</td>"
                           "<td>10 / 29 / 36</td>") != NULL);
    CU_ASSERT(strstr(html, "all targets, in the same replication") != NULL);
    CU_ASSERT(strstr(html, "seed: 2385") != NULL);
    CU_ASSERT(strstr(html, "<?xml") == NULL && strstr(html, "http") == NULL &&
              strstr(html, "src=") == NULL && strstr(html, "<link") == NULL &&
              strstr(html, "<script") == NULL && strstr(html, "@import") == NULL);
    for (const char *p = html; (p = strstr(p, "url(")); p++)
        CU_ASSERT(p[4] == '#');
    for (const char *p = html; (p = strstr(p, "href=")); p++)
        CU_ASSERT(p[6] == '#');
    free(html);

    /* drawing again replaces the charts whole */
    CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), 0);
    CU_ASSERT(clean(dir));
    CU_ASSERT(png_ok(dir, "card"));
    outdir_remove_tree(dir);
}

static void test_fit_chart(void)
{
    char dir[4096];
    make_dir(dir, sizeof dir);
    copy_fixture("tests/data/plot/fit", dir);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_FIT);
    ts_err err;
    int rc = plot_fit(dir, "plots", &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT(png_ok(dir, "fit_1"));
    static const char *const fit[] = {"Fit to the observed history",
                                      "省级专精特新中小企业 (SRDI): stock",
                                      "省级专精特新中小企业 (SRDI): new",
                                      "专精特新“小巨人”企业: new", "little_giant new 2022",
                                      "standardized residuals", NULL};
    CU_ASSERT(svg_has(dir, "fit_1", fit));
    CU_ASSERT(clean(dir));
    CU_ASSERT_EQUAL(html_write_report(dir, &err), 0);
    char *html = file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<figure id=\"fit_1\">") && strstr(html, "fitfixture"));
    free(html);
    outdir_remove_tree(dir);
}

static void test_compare_chart(void)
{
    char dir[4096];
    make_dir(dir, sizeof dir);
    copy_fixture("tests/data/plot/compare", dir);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_COMPARE);
    ts_err err;
    int rc = plot_compare(dir, "plots", &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT(png_ok(dir, "compare"));
    static const char *const cmp[] = {"Policies compared", "专精特新“小巨人”企业 (little giant)",
                                      "省级专精特新 (SRDI)", "all targets (joint)", "baseline",
                                      "capital+gradient", "0.938  (+0.124 ± 0.009)",
                                      "0.238  (+0.223 ± 0.006)", NULL};
    CU_ASSERT(svg_has(dir, "compare", cmp));
    CU_ASSERT(clean(dir));
    CU_ASSERT_EQUAL(html_write_report(dir, &err), 0);
    char *html = file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<figure id=\"compare\">") &&
              strstr(html, "<td class=\"l\">capital+gradient</td>"));
    free(html);
    outdir_remove_tree(dir);
}

/* A script that fails: the exact message, and the earlier charts kept. */
static void test_gnuplot_failure(void)
{
    char dir[4096];
    make_dir(dir, sizeof dir);
    copy_fixture("tests/data/plot/run", dir);
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(plot_run(dir, "plots", &err), 0);
    size_t n0 = 0, n1 = 0;
    char *before = file_in(dir, "charts/card.png", &n0);
    CU_ASSERT_EQUAL(plot_run(dir, "tests/data/plot/bad", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "plot: tests/data/plot/bad/fan.gp: gnuplot exited with "
                                    "status 1 (line 3: undefined function: nosuchfunction)");
    char *after = file_in(dir, "charts/card.png", &n1);
    CU_ASSERT(before && after && n0 == n1 && !memcmp(before, after, n0));
    CU_ASSERT(clean(dir));
    free(before);
    free(after);
    /* a kind whose file is missing */
    CU_ASSERT_EQUAL(plot_fit(dir, "tests/data/plot/bad", &err), PLOT_EINPUT);
    char want[8400];
    snprintf(want, sizeof want, "%s/fitted.csv: cannot read: No such file or directory", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    outdir_remove_tree(dir);
}

/* Without gnuplot on PATH nothing is drawn and nothing is left. */
static void test_no_gnuplot(void)
{
    char dir[4096], empty[4096];
    make_dir(dir, sizeof dir);
    make_dir(empty, sizeof empty);
    copy_fixture("tests/data/plot/run", dir);
    const char *path = getenv("PATH");
    char *saved = path ? strdup(path) : NULL;
    setenv("PATH", empty, 1);
    ts_err err;
    int rc = plot_run(dir, "plots", &err);
    if (saved)
        setenv("PATH", saved, 1);
    else
        unsetenv("PATH");
    free(saved);
    CU_ASSERT_EQUAL(rc, PLOT_SKIPPED);
    CU_ASSERT(!exists(dir, "charts"));
    CU_ASSERT(clean(dir));
    /* report.html is still written, and says why there are no charts */
    CU_ASSERT_EQUAL(html_write_report(dir, &err), 0);
    char *html = file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "No charts were drawn") && strstr(html, "<table class=\"card\">"));
    free(html);
    outdir_remove_tree(dir);
    outdir_remove_tree(empty);
}

/* Malformed files: PLOT_EINPUT with the file, line and column. */
static void test_bad_input(void)
{
    char dir[4096], path[4200], want[8400];
    make_dir(dir, sizeof dir);
    copy_fixture("tests/data/plot/run", dir);
    ts_err err;
    snprintf(path, sizeof path, "%s/targets.csv", dir);
    spit(path, "tier,measure,target,threshold,p_met,se,ci_lo,ci_hi,p05,p50,p95\n"
               "b,new,25,22.5,0.670000,0.019196,0.631399,0.706438,10,29,36\n"
               "a,stock,190,190,0.6o8,0.019928,0.568705,0.646583,160,195,223\n");
    CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), PLOT_EINPUT);
    snprintf(want, sizeof want, "%s:3: column 'p_met': expected a number, got '0.6o8'", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    spit(path, "tier,measure,target,threshold,p_met\nb,new,25,22.5,0.67\n");
    CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), PLOT_EINPUT);
    snprintf(want, sizeof want, "%s: missing column 'ci_lo'", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    snprintf(path, sizeof path, "%s/tiers.csv", dir);
    spit(path, "tier,label,baseline_stock\na,甲,137\n../b,乙,11\n");
    CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), PLOT_EINPUT);
    snprintf(want, sizeof want, "%s:3: tier '../b' is not an identifier", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(!exists(dir, "charts"));
    CU_ASSERT(clean(dir));
    outdir_remove_tree(dir);
}

int main(void)
{
    static const tu_test tests[] = {
        {"gnuplot string literals", test_quote},
        {"distribution bins", test_bins},
        {"CSV reading", test_csv_read},
        {"inline SVG", test_inline_svg},
        {"finding the scripts", test_find_dir},
        {"run charts and report.html", test_run_charts},
        {"fit chart", test_fit_chart},
        {"policy comparison chart", test_compare_chart},
        {"a failing script", test_gnuplot_failure},
        {"no gnuplot", test_no_gnuplot},
        {"malformed inputs", test_bad_input},
        {NULL, NULL},
    };
    return tu_run("plot", tests);
}
