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

/* ---------------------------------------------------------------- data */

/* card: the labels as the scripts read them (quotes doubled, nothing else
 * touched), the joint row apart, one row per target top-down. */
static void test_card_data(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    tf_copy_fixture("tests/data/plot/run", dir);
    ts_err err;
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    int rc = plot_prepare(cd, PLOT_RUN, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(chartdir_count(cd), 6);
    const char *work = chartdir_work(cd);
    CU_ASSERT(tf_file_is(work, "card.meta",
                         "n = 2\narray label[2]\nall_p = 0.42666700000000002\n"
                         "all_lo = 0.38768200000000003\nall_hi = 0.46658500000000003\n"
                         "label[1] = '乙级企业 (tier b): new \u2265 22.5'\n"
                         "label[2] = '甲 ''a'' \"tier\" $HOME <b>&amp; x_1^2 @{}: stock \u2265 "
                         "190'\n"));
    /* position, P(met), its interval, the verdict (1: uncertain) */
    CU_ASSERT(tf_file_is(work, "card.tsv", "3\t0.67\t0.631399\t0.706438\t1\n"
                                           "2\t0.608333\t0.568705\t0.646583\t1\n"));
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
    CU_ASSERT_EQUAL_FATAL(plot_prepare(cd, PLOT_GOAL, &err), 0);
    CU_ASSERT(tf_file_is(chartdir_work(cd), "goal.meta",
                         "q = 0.90000000000000002\nanswer = 1\nvalue = 1.3700000000000001\n"
                         "band_lo = 1.2\nband_hi = 1.5\nlever_name = 'policy.push.scale'\n"
                         "target_name = 'b'\n"));
    CU_ASSERT(tf_file_is(chartdir_work(cd), "goal.tsv",
                         "1\t0.8\t0.7804003602\t0.8195996398\n"
                         "2\t0.95\t0.9402001801\t0.9597998199\n"
                         "3\t1\t0.8040036015\t1\n"));
    chartdir_free(cd);
    size_t n = 0;
    int rc = plot_draw(dir, "plots", PLOT_GOAL, &n, &err);
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
    CU_ASSERT_EQUAL(plot_draw(dir, "plots", PLOT_GOAL, &n, &err), PLOT_EINPUT);
    char want[8400];
    snprintf(want, sizeof want, "%s/goal.csv: expected one answer and a curve of two points or "
                                "more", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", "file,kind,caption\n"
                         "goal,goal,\"Goal seeking: P(met) against the lever, the probability "
                         "wanted and the answer with its band\"\n"));
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
    int rc = plot_draw(dir, "plots", PLOT_RUN, &n, &err);
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
    CU_ASSERT(tf_svg_has(dir, "fan_a", fan_a));
    CU_ASSERT(tf_svg_has(dir, "fan_b", fan_b));
    CU_ASSERT(tf_svg_has(dir, "card", card));
    CU_ASSERT(tf_svg_has(dir, "pmet", pmet));
    CU_ASSERT(tf_svg_has(dir, "dist_b", dist_b));
    CU_ASSERT(tf_svg_has(dir, "dist_a", dist_a));
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
        {"goal data and chart", test_goal},
        {"run charts", test_run_charts},
        {"fit chart", test_fit_chart},
        {"policy comparison chart", test_compare_chart},
        {"a failing script", test_gnuplot_failure},
        {"no gnuplot", test_no_gnuplot},
        {"malformed inputs", test_bad_input},
        {NULL, NULL},
    };
    return tu_run("plot", tests);
}
