/* plot: the run, fit, compare and goal charts -- the data written for each
 * script (plot_prepare, exact bytes), the charts drawn with plots/ (gnuplot
 * on PATH: scripts/deps.sh installs it), and the exact message for each
 * failure.  Runs from the repository root (plots/, tests/data/plot/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chartdir.h"
#include "filefix.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

/* --------------------------------------------------------------- units */

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

/* Where gnuplot's SVG draws the text TEXT: the translate() of its group and
 * its anchor (start, middle, end); how many times it is drawn. */
static int svg_text(const char *svg, const char *text, double *x, double *y, char *anchor,
                    size_t anchor_len)
{
    char want[1200];
    snprintf(want, sizeof want, "<text>%s</text>", text);
    int n = 0;
    for (const char *p = svg; (p = strstr(p, want)); p++) {
        if (n++)
            continue;
        const char *g = p;
        while (g > svg && strncmp(g, "<g transform=\"translate(", 24))
            g--;
        if (sscanf(g, "<g transform=\"translate(%lf,%lf)", x, y) != 2)
            return -1;
        const char *a = strstr(g, "text-anchor=\"");
        snprintf(anchor, anchor_len, "%.*s", a && a < p ? (int)strcspn(a + 13, "\"") : 0,
                 a && a < p ? a + 13 : "");
    }
    return n;
}

/* ---------------------------------------------------------------- data */

/* card: the labels as the scripts read them (quotes doubled, nothing else
 * touched), the joint row apart, one row per target top-down. */
/* A label longer than a card line (a target over several tiers joins its
 * tiers' labels) is broken at blanks, or between Chinese characters, into at
 * most three lines of at most 30 ems, the last cut with "…": one long tic
 * label made gnuplot widen the left margin until the bars left the canvas. */
static void test_card_long_label(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "tiers.csv", "tier,label,baseline_stock\n"
                                "a,安徽省专精特新冠军企业（省级认定，含制造业与服务业）国家级专精特新“小巨人”企业（工业和信息化部认定）再加上更多更多的文字使它超过三行的长度限制再加上更多更多的文字以及更多的说明文字使它更长,137\n"
                                "b,provincial SRDI champions and national little giants together (one figure),11\n"), 0);
    ts_err err;
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    CU_ASSERT_EQUAL_FATAL(plot_prepare(cd, PLOT_RUN, LANG_EN, &err), 0);
    char *meta = tf_file_in(chartdir_work(cd), "card.meta", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(meta);
    CU_ASSERT(strstr(meta, "label[1] = 'provincial SRDI champions and national little giants' . "
                           "\"\\n\" . 'together (one figure): new 25 (needs 23)'\n") != NULL);
    const char *l2 = strstr(meta, "label[2] = ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(l2);
    size_t lines = 1;
    for (const char *p = l2; *p && *p != '\n'; p++)
        lines += !strncmp(p, "\"\\n\"", 4);
    CU_ASSERT_EQUAL(lines, 3);
    CU_ASSERT(strstr(l2, "…'\n") != NULL);
    free(meta);
    chartdir_free(cd);
}

static void test_card_data(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    ts_err err;
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    int rc = plot_prepare(cd, PLOT_RUN, LANG_EN, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(chartdir_count(cd), 6);
    const char *work = chartdir_work(cd);
    CU_ASSERT(tf_file_is(work, "card.meta",
                         "n = 2\narray label[2]\nall_p = 0.42666700000000002\n"
                         "all_lo = 0.38768200000000003\nall_hi = 0.46658500000000003\n"
                         "label[1] = '乙级企业 (tier b): new 25 (needs 23)'\n"
                         "label[2] = '甲 ''a'' \"tier\" $HOME <b>&amp; x_1^2 @{}: stock \u2265 "
                         "190'\n"));
    /* position, P(met), its interval, the verdict (1: uncertain) */
    CU_ASSERT(tf_file_is(work, "card.tsv", "3\t0.67\t0.631399\t0.706438\t1\n"
                                           "2\t0.608333\t0.568705\t0.646583\t1\n"));
    /* the fixture has no period_end column (written before there was one):
     * its years are calendar years, labelled as such */
    char *fan = tf_file_in(work, "fan.meta", NULL);
    CU_ASSERT(fan && strstr(fan, "n = 2\ny0 = 2022\ny1 = 2024\nmonthly = 0\nstart = '2022'\n"
                                 "array period[4]\nperiod[1] = '2021'\nperiod[2] = '2022'\n"
                                 "period[3] = '2023'\nperiod[4] = '2024'\n") == fan);
    free(fan);
    static const char *const kinds[] = {"fan", "card", "pmet", "dist"};
    for (size_t i = 0; i < 4; i++) {
        char meta[32], tsv[32];
        snprintf(meta, sizeof meta, "%s.meta", kinds[i]);
        snprintf(tsv, sizeof tsv, "%s.tsv", kinds[i]);
        CU_ASSERT(tf_exists(work, meta) && tf_exists(work, tsv));
    }
    chartdir_free(cd);
    CU_ASSERT(!tf_exists(dir, "charts") && tf_clean(dir));
    outdir_remove_tree(dir);
}

/* goal: the answer, its band and the curve with 95 % bands clipped to [0, 1];
 * then drawn. */
static void test_goal(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal.csv", "lever,value,bracket_lo,bracket_hi,target,prob\n"
                                                 "policy.push.scale,1.37,1.2,1.5,b,0.9\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal_curve.csv", "lever_value,p_met,se\n1,0.8,0.01\n"
                                                       "2,0.95,0.005\n3,1,0.1\n"), 0);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_GOAL);
    ts_err err;
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    CU_ASSERT_EQUAL_FATAL(plot_prepare(cd, PLOT_GOAL, LANG_EN, &err), 0);
    /* the ranges: the lever's whole range (the curve is not flat beyond the
     * answer), P(met) from below the lowest band to 1.02 (most of 0 .. 1
     * would be empty); the answer's label right of its line, at the top */
    CU_ASSERT(tf_file_is(chartdir_work(cd), "goal.meta",
                         "q = 0.90000000000000002\nanswer = 1\nvalue = 1.3700000000000001\n"
                         "band_lo = 1.2\nband_hi = 1.5\nlever_name = 'policy.push.scale'\n"
                         "target_name = 'b'\nx_lo = 1\nx_hi = 3\ny_lo = 0.75844039617005943\n"
                         "y_hi = 1.02\ny_answer = 0.85550000000000004\nflat_from = NaN\n"
                         "flat_p = NaN\nflat_to = 3\nanswer_right = 0\nanswer_at = 0.95\n"));
    CU_ASSERT(tf_file_is(chartdir_work(cd), "goal.tsv",
                         "1\t0.8\t0.7804003602\t0.8195996398\n"
                         "2\t0.95\t0.9402001801\t0.9597998199\n"
                         "3\t1\t0.8040036015\t1\n"));
    chartdir_free(cd);
    size_t n = 0;
    int rc = plot_draw(dir, "plots", PLOT_GOAL, LANG_EN, &n, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", "file,kind,caption\n"
                         "goal,goal,\"Goal seeking: P(met) against the lever, the probability "
                         "wanted and the answer with its band\"\n"));
    CU_ASSERT(tf_png_ok(dir, "goal") && tf_clean(dir));
    /* one answer and a curve of two points or more */
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal_curve.csv", "lever_value,p_met,se\n1,0.8,0.01\n"), 0);
    CU_ASSERT_EQUAL(plot_draw(dir, "plots", PLOT_GOAL, LANG_EN, &n, &err), PLOT_EINPUT);
    char want[8400];
    snprintf(want, sizeof want, "%s/goal.csv: expected one answer and a curve of two points or "
                                "more", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", "file,kind,caption\n"
                         "goal,goal,\"Goal seeking: P(met) against the lever, the probability "
                         "wanted and the answer with its band\"\n"));
    outdir_remove_tree(dir);
}

/* The goal chart (issue 13): the answer's label inside the plot wherever the
 * answer lies -- at the right end of the range, to the left of its line --
 * the band in the key, and a curve flat past the answer left out of the x
 * range, with a note. */
static void test_goal_layout(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    /* the answer at 0.95 of the range */
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal.csv", "lever,value,p_met,se,bracket_lo,bracket_hi,"
                                                 "target,prob\n"
                                                 "x,2.9,0.81,0.003,2.85,2.95,b,0.8\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal_curve.csv", "lever_value,p_met,se\n1,0.1,0.003\n"
                                                       "1.5,0.3,0.003\n2,0.5,0.003\n"
                                                       "2.5,0.7,0.003\n2.9,0.8,0.003\n"
                                                       "3,0.83,0.003\n"), 0);
    ts_err err;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(plot_draw(dir, "plots", PLOT_GOAL, LANG_EN, &n, &err), 0);
    char *svg = tf_file_in(dir, "charts/goal.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
    double x = 0, y = 0, x1 = 0, y1 = 0, x3 = 0;
    char anchor[16] = "", a1[16], a3[16];
    /* the axis: tic labels 1 and 3 at the plot's left and right ends */
    CU_ASSERT_EQUAL(svg_text(svg, " 1", &x1, &y1, a1, sizeof a1), 1);
    CU_ASSERT_EQUAL(svg_text(svg, " 3", &x3, &y1, a3, sizeof a3), 1);
    CU_ASSERT_EQUAL(svg_text(svg, "answer 2.9 ", &x, &y, anchor, sizeof anchor), 1);
    /* ends at the line (x of 2.9), its text (13 points, about 6 a character)
     * to the left, inside the plot */
    CU_ASSERT_STRING_EQUAL(anchor, "end");
    CU_ASSERT(x <= x3 && x - 11 * 0.6 * 13 >= x1);
    CU_ASSERT(strstr(svg, "lever values where P(met) crosses 0.8 -/+ 2 se") != NULL);
    free(svg);
    /* the answer near the left end: its label to the right, still inside */
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal.csv", "lever,value,p_met,se,bracket_lo,bracket_hi,"
                                                 "target,prob\n"
                                                 "x,1.2,0.81,0.003,1.15,1.25,b,0.2\n"), 0);
    CU_ASSERT_EQUAL_FATAL(plot_draw(dir, "plots", PLOT_GOAL, LANG_EN, &n, &err), 0);
    svg = tf_file_in(dir, "charts/goal.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
    CU_ASSERT_EQUAL(svg_text(svg, " answer 1.2", &x, &y, anchor, sizeof anchor), 1);
    CU_ASSERT(!strcmp(anchor, "start") && x >= x1 && x + 11 * 0.6 * 13 <= x3);
    free(svg);
    /* a curve flat from 1.5 on (within 2 se of its last value): the x range
     * ends two grid steps past where it flattens, with a note */
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal_curve.csv", "lever_value,p_met,se\n"
                                                       "0,0,0\n0.05,0.6,0.005\n0.1,0.85,0.004\n"
                                                       "0.15,0.9,0.003\n0.5,0.9,0.003\n"
                                                       "1,0.9,0.003\n2,0.9,0.003\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "goal.csv", "lever,value,p_met,se,bracket_lo,bracket_hi,"
                                                 "target,prob\n"
                                                 "x,0.07,0.8,0.003,0.065,0.075,b,0.8\n"), 0);
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    CU_ASSERT_EQUAL_FATAL(plot_prepare(cd, PLOT_GOAL, LANG_EN, &err), 0);
    char *meta = tf_file_in(chartdir_work(cd), "goal.meta", NULL);
    CU_ASSERT(meta && strstr(meta, "x_lo = 0\nx_hi = 0.34999999999999998\n") &&
              strstr(meta, "flat_from = 0.14999999999999999\nflat_p = 0.90000000000000002\n"
                           "flat_to = 2\n"));
    free(meta);
    chartdir_free(cd);
    CU_ASSERT_EQUAL_FATAL(plot_draw(dir, "plots", PLOT_GOAL, LANG_EN, &n, &err), 0);
    static const char *const flat[] = {"P(met) stays at 0.900 (within 2 se) from 0.15 to 2", NULL};
    CU_ASSERT(tf_svg_has(dir, "goal", flat));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

/* A run's files whose update years end in July (a scenario starting in
 * August), with a cumulative target beside a stock target on tier a. */
static void write_july_run(const char *dir)
{
    CU_ASSERT_EQUAL(tf_write_in(dir, "manifest.txt", "tiersim_version: 0.1.0\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "tiers.csv", "tier,label,baseline_stock\n"
                                                  "a,甲,137\nb,乙,11\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "targets.csv",
                                "tier,measure,target,threshold,p_met,se,ci_lo,ci_hi,p05,p50,p95\n"
                                "b,new,25,22.5,0.67,0.019,0.63,0.71,10,29,36\n"
                                "a,stock,190,190,0.61,0.02,0.57,0.65,160,195,223\n"
                                "a,cumulative,480,432,0.2385,0.013,0.21,0.26,400,420,450\n"
                                "ALL,,,,0.13,0.01,0.11,0.15,,,\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "projection.csv",
                                "year,period_end,tier,measure,mean,sd,p05,p25,p50,p75,p95\n"
                                "2022,2023-07,a,stock,155,8,142,150,155,160,168\n"
                                "2022,2023-07,a,new,25,6,16,21,25,29,35\n"
                                "2022,2023-07,a,exits,7,2,4,6,7,8,10\n"
                                "2022,2023-07,a,cumulative,385,6,376,381,385,389,395\n"
                                "2022,2023-07,b,stock,20,3,15,18,20,22,25\n"
                                "2022,2023-07,b,new,12,3,7,10,12,14,17\n"
                                "2022,2023-07,b,cumulative,12,3,7,10,12,14,17\n"
                                "2023,2024-07,a,stock,175,9,160,169,175,181,190\n"
                                "2023,2024-07,a,new,51,8,38,45,51,57,64\n"
                                "2023,2024-07,a,exits,8,2,5,7,8,9,11\n"
                                "2023,2024-07,a,cumulative,411,8,398,405,411,417,424\n"
                                "2023,2024-07,b,stock,29,4,22,26,29,32,36\n"
                                "2023,2024-07,b,new,24,4,17,21,24,27,31\n"
                                "2023,2024-07,b,cumulative,24,4,17,21,24,27,31\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "p_met_by_year.csv",
                                "year,period_end,tier,measure,p_met\n"
                                "2022,2023-07,b,new,0.000000\n2022,2023-07,a,stock,0.000000\n"
                                "2022,2023-07,a,cumulative,0.000000\n"
                                "2023,2024-07,b,new,0.670000\n2023,2024-07,a,stock,0.610000\n"
                                "2023,2024-07,a,cumulative,0.238500\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(dir, "distribution.csv",
                                "year,period_end,tier,measure,lo,hi,count\n"
                                "2023,2024-07,b,new,20,24,300\n2023,2024-07,b,new,25,29,300\n"
                                "2023,2024-07,a,stock,170,179,400\n"
                                "2023,2024-07,a,stock,180,189,200\n"
                                "2023,2024-07,a,cumulative,400,419,350\n"
                                "2023,2024-07,a,cumulative,420,439,250\n"), 0);
}

/* The period ends label time: YYYY-MM for a start in any month but January,
 * the start at the period end of the update before the first; the
 * cumulative target gets its thresholds on the fan chart, its own line of
 * P(met) and a distribution of its own (tier a has two). */
static void test_month_labels(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    write_july_run(dir);
    ts_err err;
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    int rc = plot_prepare(cd, PLOT_RUN, LANG_EN, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    const char *work = chartdir_work(cd);
    static const char axis[] = "monthly = 1\nstart = '2022-08'\narray period[3]\n"
                               "period[1] = '2022-07'\nperiod[2] = '2023-07'\n"
                               "period[3] = '2024-07'\n";
    char want[4096];
    snprintf(want, sizeof want,
             "n = 2\ny0 = 2022\ny1 = 2023\n%s"
             "array name[2]\narray label[2]\narray baseline[2]\narray thr_new[2]\n"
             "array tgt_new[2]\narray thr_stock[2]\narray tgt_stock[2]\narray thr_cum[2]\n"
             "array tgt_cum[2]\n"
             "name[1] = 'a'\nlabel[1] = '甲'\nbaseline[1] = 137\nthr_new[1] = NaN\n"
             "tgt_new[1] = NaN\nthr_stock[1] = 190\ntgt_stock[1] = 190\nthr_cum[1] = 432\n"
             "tgt_cum[1] = 480\n"
             "name[2] = 'b'\nlabel[2] = '乙'\nbaseline[2] = 11\nthr_new[2] = 23\n"
             "tgt_new[2] = 25\nthr_stock[2] = NaN\ntgt_stock[2] = NaN\nthr_cum[2] = NaN\n"
             "tgt_cum[2] = NaN\n"
             /* no observed points: the x range as it always was */
             "x_lo = 2020.55\nx_hi = 2023.45\nobs_data = 'fan_obs.tsv'\n"
             "array obs_n[2]\narray obs_s[2]\narray obs_c[2]\narray obs_top[2]\n"
             "obs_n[1] = 0\nobs_s[1] = 0\nobs_c[1] = 0\nobs_top[1] = 0\n"
             "obs_n[2] = 0\nobs_s[2] = 0\nobs_c[2] = 0\nobs_top[2] = 0\n", axis);
    CU_ASSERT(tf_file_is(work, "fan.meta", want));
    CU_ASSERT(tf_file_is(work, "fan_obs.tsv", ""));
    /* year, then the quantiles of stock, new and cumulative */
    CU_ASSERT(tf_file_is(work, "fan.tsv",
                         "2022\t142\t150\t155\t160\t168\t16\t21\t25\t29\t35"
                         "\t376\t381\t385\t389\t395\n"
                         "2023\t160\t169\t175\t181\t190\t38\t45\t51\t57\t64"
                         "\t398\t405\t411\t417\t424\n"
                         "\n\n"
                         "2022\t15\t18\t20\t22\t25\t7\t10\t12\t14\t17\t7\t10\t12\t14\t17\n"
                         "2023\t22\t26\t29\t32\t36\t17\t21\t24\t27\t31\t17\t21\t24\t27\t31\n"));
    snprintf(want, sizeof want, "n = 3\ny0 = 2022\ny1 = 2023\n%sarray label[3]\n"
             "label[1] = '乙: new 25 (needs 23)'\nlabel[2] = '甲: stock \u2265 190'\n"
             "label[3] = '甲: cumulative 480 (needs 432)'\n", axis);
    CU_ASSERT(tf_file_is(work, "pmet.meta", want));
    CU_ASSERT(tf_file_is(work, "pmet.tsv", "2022\t0\n2023\t0.67\n\n\n2022\t0\n2023\t0.61\n\n\n"
                                           "2022\t0\n2023\t0.2385\n"));
    char *dm = tf_file_in(work, "dist.meta", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dm);
    CU_ASSERT(strstr(dm, "name[1] = 'b'\nlabel[1] = '乙'\nmeasure[1] = 'new'\n"
                           "when[1] = '2024-07'\n") != NULL);
    CU_ASSERT(strstr(dm, "name[2] = 'a_stock'\nlabel[2] = '甲'\nmeasure[2] = 'stock'\n"
                         "when[2] = '2024-07'\n") != NULL);
    CU_ASSERT(strstr(dm, "name[3] = 'a_cumulative'\nlabel[3] = '甲'\n"
                         "measure[3] = 'cumulative'\nwhen[3] = '2024-07'\nthr[3] = 432\n"
                         "needs[3] = 432\ntgt[3] = 480\n") != NULL);
    /* the exact threshold for the line, the whole count for the text */
    CU_ASSERT(strstr(dm, "thr[1] = 22.5\nneeds[1] = 23\ntgt[1] = 25\n") != NULL);
    free(dm);
    chartdir_free(cd);

    /* drawn: the labels on the charts, a distribution per target of tier a */
    size_t n = 0;
    rc = plot_draw(dir, "plots", PLOT_RUN, LANG_EN, &n, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(n, 7);
    char *index = tf_file_in(dir, "charts/index.csv", NULL);
    CU_ASSERT(index && strstr(index, "\nfan_a,fan,\"甲: stock, cumulative new firms and firms "
                                     "ever certified by year (median, 50 % and 90 % bands)\"\n") &&
              strstr(index, "\nfan_b,fan,\"乙: stock and cumulative new firms by year") &&
              strstr(index, "\ndist_b,dist,\"乙: distribution of the cumulative new firms in "
                            "2024-07, with the target's threshold\"\n") &&
              strstr(index, "\ndist_a_stock,dist,\"甲: distribution of the stock in 2024-07,") &&
              strstr(index, "\ndist_a_cumulative,dist,\"甲: distribution of the firms ever "
                            "certified (cumulative) in 2024-07,"));
    free(index);
    static const char *const fan_a[] = {"<text>2022-07</text>", "<text>2023-07</text>",
                                        "<text>2024-07</text>", "firms in the tier (stock)",
                                        "new firms since 2022-08",
                                        "firms ever certified (cumulative)",
                                        "target 480 (needs 432)", NULL};
    static const char *const fan_b[] = {"<text>2022-07</text>", "<text>2024-07</text>",
                                        "firms in the tier at the end of each update year (stock)",
                                        "new firms since the start of 2022-08 (cumulative)", NULL};
    static const char *const pmet[] = {"<text>2023-07</text>", "<text>2024-07</text>",
                                       "end of the update year", "甲: cumulative 480 (needs 432)",
                                       "乙: new 25 (needs 23)", NULL};
    static const char *const dist_a[] = {"甲: firms ever certified",
                                         "firms ever certified in the tier, by the end of 2024-07",
                                         NULL};
    static const char *const dist_s[] = {"firms in the tier at the end of 2024-07", NULL};
    /* the card: the plan's number and what it needs (issue 13) */
    static const char *const card[] = {"甲: cumulative 480 (needs 432)", "乙: new 25 (needs 23)",
                                       "甲: stock ≥ 190", NULL};
    CU_ASSERT(tf_svg_has(dir, "fan_a", fan_a));
    CU_ASSERT(tf_svg_has(dir, "fan_b", fan_b));
    CU_ASSERT(tf_svg_has(dir, "pmet", pmet));
    CU_ASSERT(tf_svg_has(dir, "dist_a_cumulative", dist_a));
    CU_ASSERT(tf_svg_has(dir, "dist_a_stock", dist_s));
    CU_ASSERT(tf_svg_has(dir, "card", card));
    static const char *const names[] = {"fan_a", "fan_b", "card", "pmet", "dist_b",
                                        "dist_a_stock", "dist_a_cumulative"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        CU_ASSERT(tf_png_ok(dir, names[i]));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

/* From a scenario that starts in July to its charts: the CSVs of the run
 * carry its period ends, and the charts, drawn from those files alone, are
 * labelled by them (the update of 2022 ends 2023-06). */
static void test_july_scenario(void)
{
    static const char ini[] =
        "[scenario]\nname = july\nstart_year = 2022\nend_year = 2024\nreplications = 50\n"
        "start = 2022-07\nseed = 2385\n[tier a]\nstock = 137\ninflow = 11.5\n[target a]\n"
        "new = 30\n";
    char dir[4200];
    tf_run_into(ini, "july.ini", dir, sizeof dir);
    ts_err err;
    char *proj = tf_file_in(dir, "projection.csv", NULL);
    CU_ASSERT(proj && strstr(proj, "\n2022,2023-06,a,stock,") &&
              strstr(proj, "\n2024,2025-06,a,new,"));
    free(proj);
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    int rc = plot_prepare(cd, PLOT_RUN, LANG_EN, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    static const char axis[] = "monthly = 1\nstart = '2022-07'\narray period[4]\n"
                               "period[1] = '2022-06'\nperiod[2] = '2023-06'\n"
                               "period[3] = '2024-06'\nperiod[4] = '2025-06'\n";
    char *fan = tf_file_in(chartdir_work(cd), "fan.meta", NULL);
    char *pmet = tf_file_in(chartdir_work(cd), "pmet.meta", NULL);
    char *dm = tf_file_in(chartdir_work(cd), "dist.meta", NULL);
    CU_ASSERT(fan && strstr(fan, "y1 = 2024\n") && strstr(fan, axis));
    CU_ASSERT(pmet && strstr(pmet, axis));
    CU_ASSERT(dm && strstr(dm, "when[1] = '2025-06'\n"));
    free(fan);
    free(pmet);
    free(dm);
    chartdir_free(cd);
    outdir_remove_tree(dir);
}


/* -------------------------------------------------------------- charts */

static void test_run_charts(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_RUN);
    ts_err err;
    size_t n = 0;
    int rc = plot_draw(dir, "plots", PLOT_RUN, LANG_EN, &n, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(n, 6);
    static const char *const names[] = {"fan_a", "fan_b", "card", "pmet", "dist_a", "dist_b"};
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT(tf_png_ok(dir, names[i]));
    /* every label drawn as written: no quoting, no enhanced-text markup */
    static const char *const fan_a[] = {"甲 'a' \"tier\" $HOME &lt;b>&amp;amp; x_1^2 @{}",
                                        "firms in the tier at the end of each year (stock)",
                                        "start: 137", "target 190", NULL};
    static const char *const fan_b[] = {"乙级企业 (tier b)", "target 25 (needs 23)",
                                        "new firms since the start of 2022 (cumulative)", NULL};
    static const char *const card[] = {"Report card", "乙级企业 (tier b): new 25 (needs 23)",
                                       "x_1^2 @{}: stock ≥ 190", "0.670  [0.631, 0.706]",
                                       "0.608  [0.569, 0.647]", "0.427  [0.388, 0.467]",
                                       "all targets, same replication", NULL};
    /* P(met by year): a label for every year on its axis (issue 13: once
     * none, `set xtics (expr)` read as a tic list) */
    static const char *const pmet[] = {"Probability that each target is met by each year",
                                       "乙级企业 (tier b): new 25 (needs 23)", "<text>2022</text>",
                                       "<text>2023</text>", "<text>2024</text>", "end of year",
                                       NULL};
    static const char *const dist_b[] = {"乙级企业 (tier b): new firms",
                                         "target 25 (needs 23): P(met) = 0.670",
                                         "median 29", "by the end of 2024", NULL};
    static const char *const dist_a[] = {"target 190: P(met) = 0.608",
                                         "firms in the tier at the end of 2024", NULL};
    CU_ASSERT(tf_svg_has(dir, "fan_a", fan_a));
    CU_ASSERT(tf_svg_has(dir, "fan_b", fan_b));
    CU_ASSERT(tf_svg_has(dir, "card", card));
    CU_ASSERT(tf_svg_has(dir, "pmet", pmet));
    CU_ASSERT(tf_svg_has(dir, "dist_b", dist_b));
    CU_ASSERT(tf_svg_has(dir, "dist_a", dist_a));
    /* the reading order: the report card, P(met) by year, then the fans
     * (the scripts still run fan first) */
    char *index = tf_file_in(dir, "charts/index.csv", NULL);
    const char *c1 = index ? strstr(index, "\ncard,card,") : NULL;
    const char *c2 = index ? strstr(index, "\npmet,pmet,") : NULL;
    const char *c3 = index ? strstr(index, "\nfan_a,fan,") : NULL;
    const char *c4 = index ? strstr(index, "\ndist_b,dist,") : NULL;
    CU_ASSERT(c1 && c2 && c3 && c4 && index + strlen("file,kind,caption") == c1 && c1 < c2 &&
              c2 < c3 && c3 < c4);
    free(index);
    CU_ASSERT(tf_clean(dir));

    /* drawing again replaces the charts whole */
    CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), 0);
    CU_ASSERT(tf_clean(dir));
    CU_ASSERT(tf_png_ok(dir, "card"));
    outdir_remove_tree(dir);
}

static void test_fit_chart(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/fit", dir);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_FIT);
    ts_err err;
    int rc = plot_fit(dir, "plots", &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT(tf_png_ok(dir, "fit_1"));
    static const char *const fit[] = {"Fit to the observed history",
                                      "省级专精特新中小企业 (SRDI): stock",
                                      "省级专精特新中小企业 (SRDI): new",
                                      "专精特新“小巨人”企业: new", "little_giant new 2022",
                                      "standardized residuals", NULL};
    CU_ASSERT(tf_svg_has(dir, "fit_1", fit));
    CU_ASSERT(tf_clean(dir));
    /* history years of a scenario starting in July: labelled by the June
     * that ends each, on the panels and the residuals alike */
    CU_ASSERT_EQUAL(tf_write_in(dir, "fitted.csv",
                                "year,period_end,tier,measure,observed,fitted,residual,"
                                "standardized_residual\n"
                                "2019,2020-06,srdi,stock,241,236.5,4.5,0.2385\n"
                                "2020,2021-06,srdi,stock,263,268.1,-5.1,-0.2702\n"
                                "2021,2022-06,srdi,stock,320,311.7,8.3,0.4398\n"
                                "2021,2022-06,little_giant,new,37,33.9,3.1,0.5322\n"), 0);
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    CU_ASSERT_EQUAL_FATAL(plot_prepare(cd, PLOT_FIT, LANG_EN, &err), 0);
    char *meta = tf_file_in(chartdir_work(cd), "fit.meta", NULL);
    CU_ASSERT(meta && strstr(meta, "n = 2\nper_page = 8\npages = 1\ny0 = 2019\nmonthly = 1\n"
                                   "start = '2019-07'\narray period[4]\n"
                                   "period[1] = '2019-06'\nperiod[2] = '2020-06'\n"
                                   "period[3] = '2021-06'\nperiod[4] = '2022-06'\n") == meta);
    free(meta);
    chartdir_free(cd);
    CU_ASSERT_EQUAL_FATAL(plot_fit(dir, "plots", &err), 0);
    static const char *const fit_m[] = {"<text>2020-06</text>", "<text>2022-06</text>",
                                        "little_giant new 2022-06", "srdi stock 2020-06", NULL};
    CU_ASSERT(tf_svg_has(dir, "fit_1", fit_m));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

static void test_compare_chart(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/compare", dir);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_COMPARE);
    ts_err err;
    int rc = plot_compare(dir, "plots", &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT(tf_png_ok(dir, "compare"));
    static const char *const cmp[] = {"Policies compared", "专精特新“小巨人”企业 (little giant)",
                                      "省级专精特新 (SRDI)", "all targets (joint)", "baseline",
                                      "capital+gradient", "0.938  (+0.124 ± 0.009)",
                                      "0.238  (+0.223 ± 0.006)", NULL};
    CU_ASSERT(tf_svg_has(dir, "compare", cmp));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

/* The key of the comparison (issue 13): one entry per arm, named by the
 * arm's label (compare.csv's arm_label), every entry inside the canvas; and
 * with more arms than leave room for their value labels, the targets spread
 * over several charts. */
static void test_compare_key(void)
{
    static const char *const arms[][2] = {
        {"baseline", "baseline"},
        {"gradient", "梯度培育 tiered cultivation (assumed effect)"},
        {"innovation", "创新协同 innovation collaboration (assumed effect)"},
        {"digital", "数字化崛起 digital transformation (assumed effect)"},
        {"capital", "资本赋能 capital empowerment (assumed effect)"},
        {"factors", "要素配置 factor allocation (assumed effect)"},
        {"dual_circulation", "双循环融入 dual-circulation integration (assumed effect)"},
        {"system", "体系升级 cultivation-system upgrade (assumed effect)"},
        {"services", "专项服务 dedicated services (assumed effect)"},
    };
    static const char *const targets[] = {"little_giant", "srdi", "gazelle", "ALL"};
    for (size_t na = 4; na <= 9; na += 5) {
        char dir[4096];
        tf_make_dir(dir, sizeof dir);
        tf_copy_fixture("tests/data/plot/compare", dir);
        char csv[16384];
        size_t used = (size_t)snprintf(csv, sizeof csv,
                                       "arm,target,p_met,se,delta,delta_se,arm_label\n");
        for (size_t a = 0; a < na; a++)
            for (size_t j = 0; j < 4; j++)
                used += (size_t)snprintf(csv + used, sizeof csv - used,
                                         "%s,%s,0.%zu%zu,0.003,%s,%s,%s\n", arms[a][0], targets[j],
                                         j + 2, a, a ? "0.01" : "0", a ? "0.002" : "0",
                                         arms[a][1]);
        CU_ASSERT_EQUAL_FATAL(tf_write_in(dir, "compare.csv", csv), 0);
        ts_err err;
        size_t n = 0;
        int rc = plot_draw(dir, "plots", PLOT_COMPARE, LANG_EN, &n, &err);
        if (rc != 0)
            fprintf(stderr, "\n  %s\n", err.msg);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
        /* 4 arms: one chart of 4 targets; 9 arms: 10 rows a target, 3 to a chart */
        CU_ASSERT_EQUAL(n, na == 4 ? 1 : 2);
        for (size_t pg = 1; pg <= n; pg++) {
            char name[32];
            snprintf(name, sizeof name, n == 1 ? "compare" : "compare_%zu", pg);
            CU_ASSERT(tf_png_ok(dir, name));
            char file[48];
            snprintf(file, sizeof file, "charts/%s.svg", name);
            char *svg = tf_file_in(dir, file, NULL);
            CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
            for (size_t a = 0; a < na; a++) {
                double x = -1, y = -1;
                char anchor[16] = "";
                int k = svg_text(svg, arms[a][1], &x, &y, anchor, sizeof anchor);
                /* once, left-aligned, the whole label inside 1200 x 750 */
                CU_ASSERT_EQUAL(k, 1);
                CU_ASSERT(!strcmp(anchor, "start") && x >= 0 && y > 600 && y < 750 &&
                          x + 12.0 * plot_text_em(arms[a][1]) <= 1200);
                if (k != 1 || x + 12.0 * plot_text_em(arms[a][1]) > 1200)
                    fprintf(stderr, "\n  %s: %s drawn %d times, at x %g\n", name, arms[a][1], k,
                            x);
                /* and not the arm's bare name in place of its label */
                if (a > 0) {
                    char bare[64];
                    snprintf(bare, sizeof bare, "<text>%s</text>", arms[a][0]);
                    CU_ASSERT(strstr(svg, bare) == NULL);
                }
            }
            free(svg);
        }
        CU_ASSERT(tf_clean(dir));
        outdir_remove_tree(dir);
    }
}

/* A script that fails: the exact message, and the earlier charts kept. */
static void test_gnuplot_failure(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(plot_run(dir, "plots", &err), 0);
    size_t n0 = 0, n1 = 0;
    char *before = tf_file_in(dir, "charts/card.png", &n0);
    CU_ASSERT_EQUAL(plot_run(dir, "tests/data/plot/bad", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "plot: tests/data/plot/bad/fan.gp: gnuplot exited with "
                                    "status 1 (line 3: undefined function: nosuchfunction)");
    char *after = tf_file_in(dir, "charts/card.png", &n1);
    CU_ASSERT(before && after && n0 == n1 && !memcmp(before, after, n0));
    CU_ASSERT(tf_clean(dir));
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
    tf_make_dir(dir, sizeof dir);
    tf_make_dir(empty, sizeof empty);
    tf_copy_fixture("tests/data/plot/run", dir);
    char *saved = tf_path_only(empty);
    ts_err err;
    int rc = plot_run(dir, "plots", &err);
    tf_path_restore(saved);
    CU_ASSERT_EQUAL(rc, PLOT_SKIPPED);
    CU_ASSERT(!tf_exists(dir, "charts"));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
    outdir_remove_tree(empty);
}

/* A validation's directory: the run fixture and validation.csv (calendar
 * years, as the fixture's projection.csv has no period_end).  The rows: the
 * start stock, a stock a month early, new (the second panel), a count (no
 * panel: only the PIT chart), b's stock half a year late. */
static const char validation_csv[] =
    "as_of,tier,measure,observed,period_end,months_off,p05,p25,p50,p75,p95,pit,inside50,"
    "inside90,crps,source\n"
    "2021-12,a,stock,140,2021-12,0,137,137,137,137,137,1.000000,0,0,3,start\n"
    "2023-11,a,stock,170,2023-12,-1,150,160,170,180,190,0.512300,1,1,4.5,\n"
    "2023,b,new,19,2023-12,0,5,12,18,24,24,0.555664,1,1,1.97,\"a, b\"\n"
    "2024,a,exits,12,2024-12,0,1,3,6,11,18,0.818289,0,1,3.15,\n"
    "2025-06,b,stock,41,2024-12,6,18,28,37,43,46,0.035340,0,0,3.12,\n";

static void test_validation_data(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "validation.csv", validation_csv), 0);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_RUN | PLOT_VALIDATE);
    ts_err err;
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    int rc = plot_prepare(cd, PLOT_RUN | PLOT_VALIDATE, LANG_EN, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(chartdir_count(cd), 7);
    const char *work = chartdir_work(cd);
    /* x = update year + months_off / 12; tier (1-based); panel; value; label */
    CU_ASSERT(tf_file_is(work, "fan_obs.tsv",
                         "2021\t1\t1\t140\t2021-12: 140\n"
                         "2022.916667\t1\t1\t170\t2023-11: 170\n"
                         "2023\t2\t2\t19\t2023: 19\n"
                         "2024.5\t2\t1\t41\t2025-06: 41\n"));
    /* the range reaches half a year past the last period end, and the
     * counts per tier and panel */
    char *fan = tf_file_in(work, "fan.meta", NULL);
    CU_ASSERT(fan && strstr(fan, "x_lo = 2020.55\nx_hi = 2024.8\nobs_data = 'fan_obs.tsv'\n"));
    CU_ASSERT(fan && strstr(fan, "obs_n[1] = 0\nobs_s[1] = 2\nobs_c[1] = 0\nobs_top[1] = 170\n"
                                 "obs_n[2] = 1\nobs_s[2] = 1\nobs_c[2] = 0\nobs_top[2] = 41\n"));
    free(fan);
    /* the PIT chart: every row, the first on top, by tier; the histogram */
    CU_ASSERT(tf_file_is(work, "validate.tsv", "5\t1\t1\n4\t0.5123\t1\n3\t0.555664\t2\n"
                                               "2\t0.818289\t1\n1\t0.03534\t2\n"));
    char *meta = tf_file_in(work, "validate.meta", NULL);
    CU_ASSERT(meta && strstr(meta, "n = 5\nng = 2\nlabels = 1\narray group[2]\n"
                                   "group[1] = '甲 ''a'' \"tier\" $HOME <b>&amp; x_1^2 @{}'\n"
                                   "group[2] = '乙级企业 (tier b)'\n") == meta);
    CU_ASSERT(meta && strstr(meta, "bins[1] = 1\nbins[2] = 0\nbins[3] = 0\nbins[4] = 0\n"
                                   "bins[5] = 0\nbins[6] = 2\nbins[7] = 0\nbins[8] = 0\n"
                                   "bins[9] = 1\nbins[10] = 1\n"));
    CU_ASSERT(meta && strstr(meta, "rowlabel[1] = 'a stock 2021-12'\n"));
    CU_ASSERT(meta && strstr(meta, "rowlabel[5] = 'b stock 2025-06'\n"));
    free(meta);
    chartdir_free(cd);

    /* drawn: the points labelled with their dates on the fans, the PIT chart */
    size_t n = 0;
    rc = plot_draw(dir, "plots", PLOT_RUN | PLOT_VALIDATE, LANG_EN, &n, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(n, 7);
    static const char *const fan_a[] = {"observed", "2021-12: 140", "2023-11: 170", NULL};
    static const char *const fan_b[] = {"observed", "2023: 19", "2025-06: 41", NULL};
    static const char *const pit[] = {"Where the outcomes fell in their projected distributions",
                                      "a stock 2021-12", "b stock 2025-06", "乙级企业 (tier b)",
                                      "a right projection: 0.5 each", NULL};
    CU_ASSERT(tf_svg_has(dir, "fan_a", fan_a));
    CU_ASSERT(tf_svg_has(dir, "fan_b", fan_b));
    CU_ASSERT(tf_svg_has(dir, "validate_pit", pit));
    CU_ASSERT(tf_png_ok(dir, "validate_pit"));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);

    /* run --observed: observed.csv, the same points, no PIT chart */
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "observed.csv",
                                "as_of,tier,measure,observed,period_end,months_off,source\n"
                                "2023,b,new,19,2023-12,0,x\n"),
                    0);
    CU_ASSERT_EQUAL(plot_kinds(dir), PLOT_RUN);
    cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    CU_ASSERT_EQUAL_FATAL(plot_prepare(cd, PLOT_RUN, LANG_EN, &err), 0);
    CU_ASSERT(tf_file_is(chartdir_work(cd), "fan_obs.tsv", "2023\t2\t2\t19\t2023: 19\n"));
    chartdir_free(cd);
    outdir_remove_tree(dir);

    /* malformed: a period end that ends no update year, months_off out of
     * range, a PIT that is no probability */
    static const char *const bad[][2] = {
        {"2023-06,a,stock,1,2023-06,0,1,1,1,1,1,0.5,1,1,0,\n",
         ":2: period_end 2023-06 is not the end of an update year of projection.csv (nor of "
         "the one before it)"},
        {"2026,a,stock,1,2026-12,0,1,1,1,1,1,0.5,1,1,0,\n",
         ":2: period_end 2026-12 is not the end of an update year of projection.csv (nor of "
         "the one before it)"},
        {"2023,a,stock,1,2023-12,9,1,1,1,1,1,0.5,1,1,0,\n",
         ":2: months_off 9 is not a whole number from -6 to 6"},
        {"2023,a,exits,1,2023-12,0,1,1,1,1,1,1.5,1,1,0,\n", ":2: pit 1.5 is not a probability"},
    };
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512], want[8400];
        snprintf(text, sizeof text, "%.*s%s", (int)(strchr(validation_csv, '\n') - validation_csv + 1),
                 validation_csv, bad[i][0]);
        CU_ASSERT_EQUAL(tf_write_in(dir, "validation.csv", text), 0);
        CU_ASSERT_EQUAL(plot_draw(dir, "plots", PLOT_RUN | PLOT_VALIDATE, LANG_EN, NULL, &err),
                        PLOT_EINPUT);
        snprintf(want, sizeof want, "%s/validation.csv%s", dir, bad[i][1]);
        CU_ASSERT_STRING_EQUAL(err.msg, want);
    }
    CU_ASSERT(!tf_exists(dir, "charts"));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

/* Malformed files: PLOT_EINPUT with the file, line and column. */
static void test_bad_input(void)
{
    char dir[4096], path[4200], want[8400];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    ts_err err;
    snprintf(path, sizeof path, "%s/targets.csv", dir);
    tf_spit(path, "tier,measure,target,threshold,p_met,se,ci_lo,ci_hi,p05,p50,p95\n"
               "b,new,25,22.5,0.670000,0.019196,0.631399,0.706438,10,29,36\n"
               "a,stock,190,190,0.6o8,0.019928,0.568705,0.646583,160,195,223\n");
    CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), PLOT_EINPUT);
    snprintf(want, sizeof want, "%s:3: column 'p_met': expected a number, got '0.6o8'", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    tf_spit(path, "tier,measure,target,threshold,p_met\nb,new,25,22.5,0.67\n");
    CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), PLOT_EINPUT);
    snprintf(want, sizeof want, "%s: missing column 'ci_lo'", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    /* period ends: a month, one start month for all rows, within its year */
    tf_copy_fixture("tests/data/plot/run", dir);
    snprintf(path, sizeof path, "%s/projection.csv", dir);
    static const char head[] = "year,period_end,tier,measure,mean,sd,p05,p25,p50,p75,p95\n";
    static const char *const bad_pe[][2] = {
        {"2022,2023-13,a,stock,1,0,1,1,1,1,1\n",
         ":2: period_end '2023-13' is not a month YYYY-MM"},
        {"2022,2023-7,a,stock,1,0,1,1,1,1,1\n",
         ":2: period_end '2023-7' is not a month YYYY-MM"},
        {"2022,2023-07,a,stock,1,0,1,1,1,1,1\n2023,2024-06,a,stock,1,0,1,1,1,1,1\n",
         ":3: period_end 2024-06 of year 2023 does not agree with line 2's 2023-07 of year "
         "2022 (one start month for every row)"},
        {"2022,2022-11,a,stock,1,0,1,1,1,1,1\n",
         ":2: period_end 2022-11 cannot end update year 2022 (an update year ends from "
         "December of that year to November of the next)"},
        {"2022,2023-12,a,stock,1,0,1,1,1,1,1\n",
         ":2: period_end 2023-12 cannot end update year 2022 (an update year ends from "
         "December of that year to November of the next)"},
    };
    for (size_t i = 0; i < sizeof bad_pe / sizeof bad_pe[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s", head, bad_pe[i][0]);
        tf_spit(path, text);
        CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), PLOT_EINPUT);
        snprintf(want, sizeof want, "%s%s", path, bad_pe[i][1]);
        CU_ASSERT_STRING_EQUAL(err.msg, want);
    }
    snprintf(path, sizeof path, "%s/tiers.csv", dir);
    tf_spit(path, "tier,label,baseline_stock\na,甲,137\n../b,乙,11\n");
    CU_ASSERT_EQUAL(plot_run(dir, "plots", &err), PLOT_EINPUT);
    snprintf(want, sizeof want, "%s:3: tier '../b' is not an identifier", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(!tf_exists(dir, "charts"));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

int main(void)
{
    static const tu_test tests[] = {
        {"finding the scripts", test_find_dir},
        {"card data", test_card_data},
        {"card: long labels wrapped", test_card_long_label},
        {"goal data and chart", test_goal},
        {"goal: the answer's label inside the plot, the band in the key", test_goal_layout},
        {"time labelled by period end", test_month_labels},
        {"a July start, from the scenario to the charts", test_july_scenario},
        {"run charts", test_run_charts},
        {"fit chart", test_fit_chart},
        {"policy comparison chart", test_compare_chart},
        {"policy comparison: every arm in the key, by its label", test_compare_key},
        {"a failing script", test_gnuplot_failure},
        {"no gnuplot", test_no_gnuplot},
        {"malformed inputs", test_bad_input},
        {"a validation: observed points on the fans, the PIT chart", test_validation_data},
        {NULL, NULL},
    };
    return tu_run("plot", tests);
}
