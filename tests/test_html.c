/* html: report.html from an output directory's files alone -- the report
 * card, the charts of charts/index.csv inlined, the manifest -- with nothing
 * from anywhere else.  No gnuplot needed: the charts here are written by
 * hand.  Runs from the repository root (tests/data/plot/). */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "filefix.h"
#include "html.h"
#include "outdir.h"
#include "testutil.h"

static void test_escape(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    html_escape(f, "a<b>&\"c'甲");
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "a&lt;b&gt;&amp;&quot;c&#39;甲");
    free(buf);
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
    fclose(f);
    free(buf);
}

/* A run's directory with two charts drawn by hand (gnuplot's ids in both). */
static void make_run(char *dir, size_t len)
{
    tf_make_dir(dir, len);
    tf_copy_fixture("tests/data/plot/run", dir);
    char charts[4200];
    snprintf(charts, sizeof charts, "%s/charts", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(charts, 0755), 0);
    static const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"
                              "<path id='gpPt0'/><use href='#gpPt0'/></svg>\n";
    CU_ASSERT_EQUAL(tf_write_in(charts, "card.svg", svg), 0);
    CU_ASSERT_EQUAL(tf_write_in(charts, "fan_a.svg", svg), 0);
    CU_ASSERT_EQUAL(tf_write_in(charts, "index.csv",
                                "file,kind,caption\ncard,card,\"Report card, <all> & more\"\n"
                                "fan_a,fan,甲: stock\n"), 0);
}

static void test_run_page(void)
{
    char dir[4096];
    make_run(dir, sizeof dir);
    ts_err err;
    int rc = html_write_report(dir, LANG_EN, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    char *html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    /* the title: the scenario's label, what a planner calls it (issue 13) */
    CU_ASSERT(strstr(html, "<title>小 tiny scenario, &quot;quoted&quot;, with a comma</title>") !=
              NULL);
    CU_ASSERT(strstr(html, "<p class=\"sub\">scenario <strong>tiny</strong> &middot; years "
                           "2022-2024 &middot; policies (none) &middot; replications 600 "
                           "&middot; seed 2385</p>") != NULL);
    /* the card: labels escaped beside the names, 3 decimals, the verdict */
    CU_ASSERT(strstr(html, "<td class=\"l\">乙级企业 (tier b) <small>b</small></td>"
                           "<td class=\"l\">new</td><td>25</td><td>23 <small>(22.5)</small></td>"
                           "<td>0.670</td>"
                           "<td>[0.631, 0.706]</td><td class=\"l verdict\">uncertain</td>"
                           "<td>10 / 29 / 36</td>") != NULL);
    /* needs, as the terminal says: the whole count, the exact threshold
     * beside it where that is not whole (the fixture's targets.csv, written
     * before there was a needs column, derives it) */
    CU_ASSERT(strstr(html, "<th>target</th><th>needs</th><th>P(met)</th>") != NULL);
    CU_ASSERT(strstr(html, "<td>190</td><td>190</td><td>0.608</td>") != NULL);
    CU_ASSERT(strstr(html, "<td class=\"l\">甲 &#39;a&#39; &quot;tier&quot; $HOME &lt;b&gt;"
                           "&amp;amp; x_1^2 @{} <small>a</small></td>") != NULL);
    CU_ASSERT(strstr(html, "<tr class=\"uncertain all\"><td class=\"l\">all targets, in the "
                           "same replication</td>") != NULL);
    /* each chart in index.csv's order, its ids prefixed by its place */
    const char *card = strstr(html, "<figure id=\"card\">\n<svg >"
                                    "<path id='c1-gpPt0'/><use href='#c1-gpPt0'/></svg>\n"
                                    "<figcaption>Report card, &lt;all&gt; &amp; more"
                                    "</figcaption>\n</figure>");
    const char *fan = strstr(html, "<figure id=\"fan_a\">\n<svg >"
                                   "<path id='c2-gpPt0'/><use href='#c2-gpPt0'/></svg>\n"
                                   "<figcaption>甲: stock</figcaption>");
    CU_ASSERT(card && fan && card < fan);
    CU_ASSERT(strstr(html, "<h2>Manifest</h2>\n<pre>tiersim_version: 0.1.0\n") != NULL);
    CU_ASSERT(strstr(html, "seed: 2385") != NULL);
    /* nothing from elsewhere */
    CU_ASSERT(strstr(html, "<?xml") == NULL && strstr(html, "http") == NULL &&
              strstr(html, "src=") == NULL && strstr(html, "<link") == NULL &&
              strstr(html, "<script") == NULL && strstr(html, "@import") == NULL);
    for (const char *p = html; (p = strstr(p, "url(")); p++)
        CU_ASSERT(p[4] == '#');
    for (const char *p = html; (p = strstr(p, "href=")); p++)
        CU_ASSERT(p[6] == '#');
    free(html);
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

/* The header dates the run: when its updates start and what it could know
 * (the manifest's start and known_until, DESIGN.md "Dates"). */
static void test_dates_in_header(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt",
                                "tiersim_version: 0.1.0\nscenario_name: qd\nyears: 2022-2025\n"
                                "start: 2022-08\nknown_until: 2022-07\npolicies: none\n"
                                "replications: 2385\nseed: 7\n"), 0);
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    char *html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<p class=\"sub\">scenario <strong>qd</strong> &middot; years "
                                   "2022-2025 &middot; start 2022-08 &middot; known until "
                                   "2022-07 &middot; policies none &middot; replications 2385 "
                                   "&middot; seed 7</p>"));
    free(html);
    outdir_remove_tree(dir);
}

/* Without charts/ the page says why, and how to draw them. */
static void test_no_charts(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    char *html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<h2>Charts</h2>\n<p class=\"note\">No charts were drawn "
                                   "(gnuplot was not found); <code>tiersim plot DIR</code> "
                                   "draws them from this directory.</p>") &&
              strstr(html, "<table class=\"card\">") && !strstr(html, "<svg"));
    free(html);
    outdir_remove_tree(dir);
}

/* compare.csv as it is; a fit's directory without a table still has a page. */
static void test_other_tables(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/compare", dir);
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    char *html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<h2>Policy comparison (compare.csv)</h2>") &&
              strstr(html, "<th>arm</th><th>target</th><th>p_met</th>") &&
              strstr(html, "<tr><td class=\"l\">baseline</td><td class=\"l\">little_giant</td>"
                           "<td>0.8137</td><td>0.0039</td><td></td><td></td></tr>") &&
              strstr(html, "<td class=\"l\">capital+gradient</td>") &&
              !strstr(html, "<table class=\"card\">"));
    free(html);
    outdir_remove_tree(dir);
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/fit", dir);
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<title>fitfixture") && !strstr(html, "<table"));
    free(html);
    /* With fit.csv (a fit, or a run with --history) the fit's section: the
     * table, the chi-square with its p-value and each fit_warning line of
     * the manifest, escaped. */
    CU_ASSERT_EQUAL(tf_write_in(dir, "fit.csv", "parameter,estimate,se,lo95,hi95,prior\n"
                                                "tier.a.inflow,1.2e-08,,,,\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", "scenario_name: fitfixture\nchi2: 152.657\n"
                                                     "dof: 3\nchi2_p: 7.04e-33\n"
                                                     "fit_warning: the model does not fit <a>\n"
                                                     "fit_warning: tier.a.inflow is at 0\n"
                                                     "seed: 1\n"), 0);
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<h2>Fitted parameters (fit.csv)</h2>") &&
              strstr(html, "<td class=\"l\">tier.a.inflow</td><td>1.2e-08</td><td></td>") &&
              strstr(html, "residual chi-square 152.657 on 3 degrees of freedom (data rows and "
                           "priors), p = 7.04e-33: below 0.01") &&
              strstr(html, "<h3>Warnings of the fit</h3>") &&
              strstr(html, ">the model does not fit &lt;a&gt;</li>\n<li ") &&
              strstr(html, ">tier.a.inflow is at 0</li>\n</ul>"));
    free(html);
    /* 0 degrees of freedom: no p-value; no warnings, no list */
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", "scenario_name: fitfixture\nchi2: 0\n"
                                                     "dof: 0\nchi2_p: none (0 degrees of freedom: "
                                                     "no test of fit)\n"), 0);
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "on 0 degrees of freedom (data rows and priors): no test of "
                                   "fit</p>") &&
              !strstr(html, "Warnings of the fit"));
    free(html);
    outdir_remove_tree(dir);
}

/* The analyses' pages (issue 13): a comparison's table as the terminal shows
 * it, by the arms' labels, +/- the 95 % half-width, and which arm moves each
 * target; a goal's answer in words; a tornado's largest swings; the
 * manifest's warnings at the top; a title from the scenario's file, not its
 * path, when the manifest names no scenario. */
static void test_stated_answers(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", "tiersim_version: 0.1.0\n"
                                                     "scenario: some/where/qd-2022.ini\n"
                                                     "warning: sobol: -N 8 is too <small>\n"
                                                     "seed: 1\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "tiers.csv", "tier,label,baseline_stock\nb,乙,11\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "compare.csv",
                                "arm,target,p_met,se,delta,delta_se,arm_label\n"
                                "baseline,b,0.5,0.01,0,0,baseline\n"
                                "baseline,ALL,0.5,0.01,0,0,baseline\n"
                                "push,b,0.6,0.01,0.1,0.01,推 push (assumed)\n"
                                "push,ALL,0.6,0.01,0.1,0.06,推 push (assumed)\n"
                                "noop,b,0.5,0.01,0,0,nothing\n"
                                "noop,ALL,0.5,0.01,0,0,nothing\n"), 0);
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    char *html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT(strstr(html, "<title>qd-2022</title>") && strstr(html, "<h1>qd-2022</h1>") &&
              strstr(html, "some/where") > strstr(html, "<h2>Manifest</h2>"));
    const char *w = strstr(html, "<h2>Warnings</h2>\n<ul>\n<li ");
    CU_ASSERT(w && strstr(w, ">sobol: -N 8 is too &lt;small&gt;</li>"));
    CU_ASSERT(strstr(html, "<th class=\"l\">target</th><th>baseline</th><th>推 push (assumed)</th>"
                           "<th>nothing</th>") != NULL);
    CU_ASSERT(strstr(html, "<td>0.500</td><td>0.600 (+0.100 \u00b1 0.020)</td>"
                           "<td>0.500 (+0.000 \u00b1 0.000)</td>") != NULL);
    CU_ASSERT(strstr(html, "<li>b: moved most by 推 push (assumed), 0.500 &rarr; 0.600 "
                           "(+0.100 &plusmn; 0.020)</li>") != NULL);
    /* the joint row's +0.1 is within its 95 % interval (0.118): no arm */
    CU_ASSERT(strstr(html, "<li>all targets: 0.500; no arm changes it beyond the 95&nbsp;% "
                           "interval of the change</li>") != NULL);
    CU_ASSERT(w && w < strstr(html, "<h2>Policy comparison</h2>"));
    free(html);
    outdir_remove_tree(dir);

    tf_make_dir(dir, sizeof dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", "scenario_name: qd\nscenario_label: 青岛\n"
                                                     "range: 0:1\nreplications: 100 per "
                                                     "evaluation, 400 at the answer\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal.csv", "lever,value,p_met,se,bracket_lo,bracket_hi,"
                                                 "target,prob\n"
                                                 "t.a->b.rate,0.0302,0.803,0.001,0.0295,0.031,b,"
                                                 "0.8\n"), 0);
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<title>青岛</title>") &&
              strstr(html, "<h2>Goal</h2>\n<p><strong>b</strong>: P(met) &ge; 0.8 needs <code>"
                           "t.a-&gt;b.rate</code> &ge; <strong>0.0302</strong> (between 0.0295 "
                           "and 0.031, the values where P(met) crosses 0.8 &minus;/+ 2 se); "
                           "there P(met) = 0.803 (se 0.001; replications 100 per evaluation, "
                           "400 at the answer).</p>") &&
              strstr(html, "<h2>The answer (goal.csv)</h2>"));
    free(html);
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal.csv", "lever,value,p_met,se,bracket_lo,bracket_hi,"
                                                 "target,prob\nx,,0.64,0.01,,,b,0.8\n"), 0);
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "P(met) &ge; 0.8 is <strong>not reachable</strong> with "
                                   "<code>x</code> in 0:1: P(met) is 0.640 at the top of the "
                                   "range."));
    free(html);
    outdir_remove_tree(dir);

    tf_make_dir(dir, sizeof dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", "scenario_name: qd\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "tornado.csv",
                                "target,output,parameter,low,high,output_low,output_high,swing\n"
                                "b,mean,q,28,59,84,177,93\nb,mean,r,0.02,0.15,121,132,10.5\n"
                                "b,p_met,q,28,59,0.01,0.97,0.96\n"
                                "b,p_met,z,1,2,0.864,0.864,0\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "tornado_base.csv", "target,output,value\nb,mean,132\n"
                                                         "b,p_met,0.864\n"), 0);
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT(html && strstr(html, "<td>132</td><td class=\"l\">q 93 (84 to 177); r 10.5 (121 "
                                   "to 132)</td>") &&
              strstr(html, "<td>0.864</td><td class=\"l\">q 0.960 (0.010 to 0.970)</td>"));
    free(html);
    outdir_remove_tree(dir);
}

/* A validation: the verdict and furthest rows in words, the statistics with
 * their intervals (the verdict's rows not repeated), validation.csv as it
 * is, after the report card. */
static void test_validation(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "validation-summary.csv",
                                "statistic,value,lo,hi,expected,n,p_value,note\n"
                                "rows,6,,,,6,,observed rows scored\n"
                                "inside90,0.5,0.1505215585,0.8494784415,0.9374166667,6,,"
                                "3 of 6 inside p05..p95\n"
                                "pit_above_half,1,0.51,1,0.5,6,0.03125,6 of 6 <above>\n"
                                "verdict,,,,,6,,bands too narrow\n"
                                "furthest_out,,,,,3,,a stock 2021-12 (PIT 1.000)\n"),
                    0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "validation.csv",
                                "as_of,tier,measure,observed,pit,source\n"
                                "2021-12,a,stock,140,1.000000,start\n"),
                    0);
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(html_write_report(dir, LANG_EN, &err), 0);
    char *html = tf_file_in(dir, "report.html", NULL);
    CU_ASSERT_FATAL(html != NULL);
    const char *card = strstr(html, "<table class=\"card\">");
    const char *v = strstr(html, "<h2>Validation against the observed outcomes</h2>\n<p>Verdict: "
                                 "<strong>bands too narrow</strong> (6 observed rows). Furthest "
                                 "out: a stock 2021-12 (PIT 1.000).</p>");
    CU_ASSERT(card && v && card < v);
    CU_ASSERT(strstr(html, "<tr><td class=\"l\">inside90</td><td>0.5</td><td>[0.151, 0.849]</td>"
                           "<td>0.9374</td><td>6</td><td></td><td class=\"l\">3 of 6 inside "
                           "p05..p95</td></tr>") != NULL);
    CU_ASSERT(strstr(html, "<td>0.03125</td><td class=\"l\">6 of 6 &lt;above&gt;</td>") != NULL);
    CU_ASSERT(strstr(html, "<td class=\"l\">verdict</td>") == NULL);
    CU_ASSERT(strstr(html, "<h2>Every observed outcome scored (validation.csv)</h2>") != NULL);
    CU_ASSERT(strstr(html, "<td class=\"l\">start</td>") != NULL);
    free(html);
    outdir_remove_tree(dir);
}

/* What cannot be made into a page: the exact message, and no report.html. */
static void test_bad_inputs(void)
{
    char dir[4096], want[8400];
    make_run(dir, sizeof dir);
    ts_err err;
    CU_ASSERT_EQUAL(tf_write_in(dir, "charts/index.csv", "file,kind,caption\ngone,fan,x\n"), 0);
    CU_ASSERT_EQUAL(html_write_report(dir, LANG_EN, &err), -1);
    snprintf(want, sizeof want, "%s/charts/gone.svg: cannot read: No such file or directory", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_EQUAL(tf_write_in(dir, "charts/index.csv", "file,kind,caption\ncard,card,x\n"
                                                         "../manifest,fan,y\n"), 0);
    CU_ASSERT_EQUAL(html_write_report(dir, LANG_EN, &err), -1);
    snprintf(want, sizeof want, "%s/charts/index.csv:3: bad chart name '../manifest'", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_EQUAL(tf_write_in(dir, "charts/index.csv", "file,kind,caption\ncard,card,x\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "charts/card.svg", "<html>not a chart</html>\n"), 0);
    CU_ASSERT_EQUAL(html_write_report(dir, LANG_EN, &err), -1);
    snprintf(want, sizeof want, "%s/charts/card.svg: not an SVG file", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_EQUAL(tf_write_in(dir, "charts/index.csv", "name,caption\ncard,x\n"), 0);
    CU_ASSERT_EQUAL(html_write_report(dir, LANG_EN, &err), -1);
    snprintf(want, sizeof want, "%s/charts/index.csv: missing column 'file'", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(!tf_exists(dir, "report.html"));
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    CU_ASSERT_EQUAL(unlink(path), 0);
    CU_ASSERT_EQUAL(html_write_report(dir, LANG_EN, &err), -1);
    snprintf(want, sizeof want, "%s: cannot read: No such file or directory", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(!tf_exists(dir, "report.html"));
    outdir_remove_tree(dir);
}

int main(void)
{
    static const tu_test tests[] = {
        {"the analyses' tables and stated answers", test_stated_answers},
        {"escaping", test_escape},
        {"inline SVG", test_inline_svg},
        {"a run's page", test_run_page},
        {"start and known_until in the header", test_dates_in_header},
        {"no charts", test_no_charts},
        {"compare and fit pages", test_other_tables},
        {"a validation's page", test_validation},
        {"inputs that make no page", test_bad_inputs},
        {NULL, NULL},
    };
    return tu_run("html", tests);
}
