/* sensplot: the charts of sensitivity and sweep directories -- the data
 * written for each script (sensplot_prepare, exact bytes), the charts and
 * index.csv drawn with plots/ (gnuplot on PATH), and the exact message for
 * each malformed file.  Runs from the repository root (plots/). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartdir.h"
#include "filefix.h"
#include "outdir.h"
#include "plot.h"
#include "sensplot.h"
#include "testutil.h"

static const char tiers_csv[] = "tier,label,baseline_stock\na,甲 'a',137\nb,b,11\n";

/* The second b/mean row has no width and the a:stock one no low end: both
 * left out of the bars. */
static const char tornado_csv[] =
    "target,output,parameter,low,high,output_low,output_high,swing\n"
    "b,mean,transition.a->b.rate,0.02,0.15,9.75,35.97,26.22\n"
    "b,mean,tier.a.exit,0.009,0.11,29.9,29.9,0\n"
    "b,p_met,transition.a->b.rate,0.02,0.15,0,1,1\n"
    "a:stock,mean,tier.a.inflow,20.5,29.5,,190.5,\n";
static const char tornado_base_csv[] = "target,output,value\nb,mean,28.71\nb,p_met,0.936667\n"
                                       "a:stock,mean,195.71\n";
static const char sobol_csv[] =
    "target,output,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n"
    "b,mean,transition.a->b.rate,0.9,0.7,1.1,0.95,0.8,1.1\n"
    "b,p_met,transition.a->b.rate,0.8,0.6,1.0,0.85,0.7,1.0\n";
static const char morris_csv[] =
    "target,output,parameter,mu_star,mu_star_ci,sigma\n"
    "b,mean,transition.a->b.rate,25.2,5.4,7.5\n"
    "b,mean,tier.a.exit,1.3,0.7,0.98\n"
    "b,p_met,transition.a->b.rate,0.95,0.59,0.82\n";
/* tier.a.exit of b has no CDF: not drawn; a:stock has no 'missed' rows. */
static const char filter_csv[] =
    "target,parameter,ks,p_value,median_met,median_missed\n"
    "b,transition.a->b.rate,0.7992338773,2e-65,0.086,0.038\n"
    "b,tier.a.exit,0.0555876231,0.86,0.0426,0.0434\n"
    "a:stock,tier.a.exit,0.5841850105,1.8e-37,0.03,0.067\n";
static const char filter_cdf_csv[] =
    "target,parameter,group,quantile,value\n"
    "b,transition.a->b.rate,met,0,0.037\n"
    "b,transition.a->b.rate,met,1,0.15\n"
    "b,transition.a->b.rate,missed,0,0.02\n"
    "b,transition.a->b.rate,missed,1,0.09\n"
    "a:stock,tier.a.exit,met,0.5,0.03\n";

/* The meta lines of the two targets, as every per-target script reads them. */
#define TARGETS_META "nt = 2\narray tname[2]\narray tlabel[2]\ntname[1] = 'b'\ntlabel[1] = 'b'\n" \
                     "tname[2] = 'a_stock'\ntlabel[2] = 'a:stock \u2014 甲 ''a'''\n"

/* Where gnuplot's SVG draws the text TEXT: the translate() of its group (the
 * first of them); how many times it is drawn. */
static int svg_text_at(const char *svg, const char *text, double *x, double *y)
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
    }
    return n;
}

/* A directory holding the named files (NULL-terminated name, text pairs). */
static void make_dir_with(char *dir, size_t len, const char *const *files)
{
    tf_make_dir(dir, len);
    CU_ASSERT_EQUAL(tf_write_in(dir, "tiers.csv", tiers_csv), 0);
    for (const char *const *f = files; *f; f += 2)
        CU_ASSERT_EQUAL(tf_write_in(dir, f[0], f[1]), 0);
}

/* sensplot_prepare into a fresh chart directory of DIR; its status. */
static int prepare(const char *dir, chartdir **cd, ts_err *err)
{
    *cd = chartdir_open(dir, "plots", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*cd);
    return sensplot_prepare(*cd, LANG_EN, err);
}

static void test_panel_data(void)
{
    char dir[4096];
    static const char *const files[] = {"tornado.csv", tornado_csv, "tornado_base.csv",
                                        tornado_base_csv, NULL};
    make_dir_with(dir, sizeof dir, files);
    ts_err err;
    chartdir *cd;
    int rc = prepare(dir, &cd, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    const char *work = chartdir_work(cd);
    CU_ASSERT(tf_file_is(work, "tornado.meta",
                         TARGETS_META
                         "array n_mean[2]\narray n_p_met[2]\n"
                         "n_mean[1] = 1\nn_p_met[1] = 1\nn_mean[2] = 0\nn_p_met[2] = 0\n"
                         "array base_mean[2]\n"
                         "base_mean[1] = 28.710000000000001\nbase_mean[2] = 195.71000000000001\n"
                         "array base_p_met[2]\n"
                         "base_p_met[1] = 0.93666700000000003\nbase_p_met[2] = NaN\n"
                         /* the P(met) panel about the run's P(met): a round number past
                          * the largest change (0.94 here), 0.02 with no bar */
                         "array pm_half[2]\npm_half[1] = 1\npm_half[2] = 0.02\n"));
    CU_ASSERT(tf_file_is(work, "tornado_1_mean.tsv", "-1\t9.75\t35.97\ttransition.a->b.rate\n"));
    CU_ASSERT(tf_file_is(work, "tornado_1_p_met.tsv", "-1\t0\t1\ttransition.a->b.rate\n"));
    /* gnuplot refuses an empty file: one row it does not draw */
    CU_ASSERT(tf_file_is(work, "tornado_2_mean.tsv", "1\tNaN\n"));
    CU_ASSERT(tf_file_is(work, "tornado_2_p_met.tsv", "1\tNaN\n"));
    CU_ASSERT_EQUAL(chartdir_count(cd), 2);
    chartdir_free(cd);
    CU_ASSERT(!tf_exists(dir, "charts") && tf_clean(dir));
    outdir_remove_tree(dir);
}

static void test_filter_data(void)
{
    char dir[4096];
    static const char *const files[] = {"filter.csv", filter_csv, "filter_cdf.csv",
                                        filter_cdf_csv, NULL};
    make_dir_with(dir, sizeof dir, files);
    ts_err err;
    chartdir *cd;
    CU_ASSERT_EQUAL_FATAL(prepare(dir, &cd, &err), 0);
    const char *work = chartdir_work(cd);
    CU_ASSERT(tf_file_is(work, "filter.meta",
                         TARGETS_META
                         "array np[2]\narray pname[8]\narray ks[8]\n"
                         "pname[1] = 'transition.a->b.rate'\nks[1] = 0.79923387729999995\n"
                         "np[1] = 1\n"
                         "pname[5] = 'tier.a.exit'\nks[5] = 0.58418501050000005\nnp[2] = 1\n"));
    CU_ASSERT(tf_file_is(work, "filter_1_1.tsv", "0.037\t0\n0.15\t1\n\n\n0.02\t0\n0.09\t1\n"));
    CU_ASSERT(tf_file_is(work, "filter_2_1.tsv", "0.03\t0.5\n\n\nNaN\tNaN\n"));
    CU_ASSERT(!tf_exists(work, "filter_1_2.tsv"));
    chartdir_free(cd);
    outdir_remove_tree(dir);
}

static void test_sweep_data(void)
{
    char dir[4096];
    static const char *const one[] = {
        "sweep.csv", "transition.a->b.rate,b_p_met,b_se,a:stock_p_met,a:stock_se\n"
                     "0.1,0.996,0.002823,0.57,0.02214\n0.2,1,0,,\n", NULL};
    make_dir_with(dir, sizeof dir, one);
    ts_err err;
    chartdir *cd;
    CU_ASSERT_EQUAL_FATAL(prepare(dir, &cd, &err), 0);
    CU_ASSERT(tf_file_is(chartdir_work(cd), "sweep.meta",
                         "dims = 1\nnt = 2\narray tname[2]\narray tlabel[2]\n"
                         "xname = 'transition.a->b.rate'\nyname = ''\n"
                         "tname[1] = 'b'\ntlabel[1] = 'b'\n"
                         "tname[2] = 'a_stock'\ntlabel[2] = 'a:stock \u2014 甲 ''a'''\n"));
    CU_ASSERT(tf_file_is(chartdir_work(cd), "sweep.tsv",
                         "0.1\t0.996\t0.002823\t0.57\t0.02214\n0.2\t1\t0\tNaN\tNaN\n"));
    chartdir_free(cd);
    outdir_remove_tree(dir);

    /* two parameters: x y p, a blank line where x changes (gnuplot's grid) */
    static const char *const two[] = {
        "sweep.csv", "transition.a->b.rate,tier.a.inflow,b_p_met,b_se\n"
                     "0.1,5,0.986667,0.006622\n0.1,10,0.993333,0.004698\n0.2,5,1,0\n0.2,10,,\n",
        NULL};
    make_dir_with(dir, sizeof dir, two);
    CU_ASSERT_EQUAL_FATAL(prepare(dir, &cd, &err), 0);
    CU_ASSERT(tf_file_is(chartdir_work(cd), "sweep_1.tsv",
                         "0.1\t5\t0.986667\n0.1\t10\t0.993333\n\n0.2\t5\t1\n0.2\t10\tNaN\n"));
    chartdir_free(cd);
    /* and drawn: one heatmap per target */
    size_t n = 0;
    int rc = sensplot_draw(dir, "plots", LANG_EN, &n, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", "file,kind,caption\n"
                         "sweep_b,sweep,b: P(met) over transition.a->b.rate and tier.a.inflow\n"));
    CU_ASSERT(tf_png_ok(dir, "sweep_b") && tf_clean(dir));
    /* the title on two lines, the target's label first (issue 13: one line
     * ran off the canvas); the colour bar's label right of its tic labels,
     * not on them (its text is rotated: x is its middle line, 12 points high) */
    char *svg = tf_file_in(dir, "charts/sweep_b.svg", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
    double x1, y1, x2, y2, xt, yt, xc, yc;
    CU_ASSERT_EQUAL(svg_text_at(svg, "b:", &x1, &y1), 1);
    CU_ASSERT_EQUAL(svg_text_at(svg, "P(met) over transition.a->b.rate and tier.a.inflow", &x2,
                                &y2), 1);
    CU_ASSERT(y2 > y1);
    CU_ASSERT_EQUAL(svg_text_at(svg, "0.5", &xt, &yt), 1);
    CU_ASSERT_EQUAL(svg_text_at(svg, "P(target met)", &xc, &yc), 1);
    /* "0.5" begins at xt, 3 characters of about 6.5 units at 12 points; the
     * label's near edge (6 left of its middle) a line (12) clear of it: the
     * PNG's larger tic labels reach further */
    CU_ASSERT(xc - 6 - (xt + 3 * 6.5) >= 12);
    free(svg);
    outdir_remove_tree(dir);
}

/* Sobol's indices are shares of a variance: drawn within [0, 1] (the bars
 * and their intervals), an estimate beyond by 0.005 or more marked at its
 * bound with its value, and the chart says what the marks mean (issue 13:
 * a negative S1 and an ST of 1.42 were drawn as they were). */
static void test_sobol_clipped(void)
{
    char dir[4096];
    static const char *const files[] = {
        "sobol.csv",
        "target,output,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n"
        "b,mean,tier.a.exit,-0.16,-0.23,-0.1,0.07,0.05,0.09\n"
        "b,mean,tier.a.inflow,0.5,0.4,0.6,0.6,0.5,0.7\n"
        "b,p_met,transition.a->b.rate,0.03,-0.06,0.1,1.42,1.05,2.2\n"
        "b,p_met,tier.a.exit,-0.004,-0.01,0.002,0.02,,\n",
        NULL};
    make_dir_with(dir, sizeof dir, files);
    ts_err err;
    chartdir *cd;
    CU_ASSERT_EQUAL_FATAL(prepare(dir, &cd, &err), 0);
    const char *work = chartdir_work(cd);
    /* position, S1 S1_lo S1_hi ST ST_lo ST_hi within [0, 1] (an empty
     * interval stays empty), the parameter, the estimates S1 and ST */
    CU_ASSERT(tf_file_is(work, "sobol_1_mean.tsv",
                         "-1\t0\t0\t0\t0.07\t0.05\t0.09\ttier.a.exit\t-0.16\t0.07\n"
                         "-2\t0.5\t0.4\t0.6\t0.6\t0.5\t0.7\ttier.a.inflow\t0.5\t0.6\n"));
    CU_ASSERT(tf_file_is(work, "sobol_1_p_met.tsv",
                         "-1\t0.03\t0\t0.1\t1\t1\t1\ttransition.a->b.rate\t0.03\t1.42\n"
                         "-2\t0\t0\t0.002\t0.02\tNaN\tNaN\ttier.a.exit\t-0.004\t0.02\n"));
    /* two rows beyond [0, 1] by 0.005 or more (-0.004 is rounding) */
    char *meta = tf_file_in(work, "sobol.meta", NULL);
    CU_ASSERT(meta && strstr(meta, "array clipped[1]\n") && strstr(meta, "clipped[1] = 2\n"));
    free(meta);
    chartdir_free(cd);
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(sensplot_draw(dir, "plots", LANG_EN, &n, &err), 0);
    static const char *const marks[] = {"◀ -0.16", "1.42 ▶",
                                        "◀ ▶ an estimate outside [0, 1], drawn at the bound: too "
                                        "few design points (raise -N)", NULL};
    CU_ASSERT(tf_svg_has(dir, "sobol_b", marks));
    char *svg = tf_file_in(dir, "charts/sobol_b.svg", NULL);
    CU_ASSERT(svg && !strstr(svg, "◀ -0.00") && !strstr(svg, "-0.004"));
    free(svg);
    CU_ASSERT(tf_png_ok(dir, "sobol_b") && tf_clean(dir));
    outdir_remove_tree(dir);
}

/* Morris's labels (issue 13: they overlapped): placed where none covers
 * another, within the panel, in the order of mu*; those moved off their
 * point get a leader line. */
static void test_morris_labels(void)
{
    char dir[4096];
    static const char *const files[] = {
        "morris.csv",
        "target,output,parameter,mu_star,mu_star_ci,sigma\n"
        "b,mean,transition.a->b.quota,92,11,27\n"
        "b,mean,transition.a->b.rate,23,19,43\n"
        "b,mean,event.reform.move.old_municipal->srdi,4.3,3.6,8.6\n"
        "b,mean,tier.srdi.inflow,1.5,3.1,7\n"
        "b,mean,event.reform.move.old_provincial->srdi,1.2,1.0,3.4\n"
        "b,mean,tier.srdi.exit,0.5,0.3,1.9\n"
        "b,mean,tier.srdi.renewal,0.4,0.3,1.5\n"
        "b,mean,tier.innovative.inflow,0.1,0.1,0.3\n"
        "b,mean,tier.a.exit,0.05,0.1,0.2\n"
        "b,p_met,transition.a->b.rate,0.95,0.59,0.82\n",
        NULL};
    make_dir_with(dir, sizeof dir, files);
    ts_err err;
    chartdir *cd;
    CU_ASSERT_EQUAL_FATAL(prepare(dir, &cd, &err), 0);
    char *tsv = tf_file_in(chartdir_work(cd), "morris_1_mean.tsv", NULL);
    char *meta = tf_file_in(chartdir_work(cd), "morris.meta", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tsv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(meta);
    /* the ranges: the points fill 72 % of x (mu* and its interval) and 90 %
     * of y */
    CU_ASSERT(strstr(meta, "mx_mean[1] = 143.05555555555557\nmy_mean[1] = 47.777777777777779\n") != NULL);
    double mx = 143.05555555555557, my = 47.777777777777779;
    double bx0[9], bx1[9], by0[9], by1[9];
    size_t n = 0, labelled = 0, moved = 0;
    for (char *line = strtok(tsv, "\n"); line && n < 9; line = strtok(NULL, "\n"), n++) {
        int rank, right, lead;
        double mu, sg, ci, lx, ly;
        char par[128];
        if (sscanf(line, "%d\t%lf\t%lf\t%lf\t%127[^\t]\t%lf\t%lf\t%d\t%d", &rank, &mu, &sg, &ci, par,
                   &lx, &ly, &right, &lead) != 9 || isnan(lx)) {
            /* past the eighth, no label: NaN */
            CU_ASSERT(strstr(line, "\tNaN\tNaN\t0\t0") != NULL);
            bx0[n] = bx1[n] = by0[n] = by1[n] = -1;
            continue;
        }
        labelled++;
        moved += lead;
        double w = plot_text_em(par) * 0.0214, x = lx / mx, y = ly / my;
        bx0[n] = right ? x - w : x;
        bx1[n] = right ? x : x + w;
        by0[n] = y - 0.012;
        by1[n] = y + 0.012;
        CU_ASSERT(bx0[n] >= 0 && bx1[n] <= 1 && by0[n] >= 0 && by1[n] <= 1);
    }
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_EQUAL(labelled, 8);
    CU_ASSERT(moved >= 2);  /* the cluster at the origin cannot all sit beside their points */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (bx0[i] >= 0 && bx0[j] >= 0)
                CU_ASSERT(!(bx0[i] < bx1[j] && bx0[j] < bx1[i] && by0[i] < by1[j] &&
                            by0[j] < by1[i]));
    free(tsv);
    free(meta);
    chartdir_free(cd);
    size_t nc = 0;
    CU_ASSERT_EQUAL_FATAL(sensplot_draw(dir, "plots", LANG_EN, &nc, &err), 0);
    CU_ASSERT(tf_png_ok(dir, "morris_b") && tf_clean(dir));
    outdir_remove_tree(dir);
}

/* Every kind at once: the charts in index.csv's order, each drawn. */
static void test_draw(void)
{
    char dir[4096];
    static const char *const files[] = {
        "tornado.csv", tornado_csv, "tornado_base.csv", tornado_base_csv, "sobol.csv", sobol_csv,
        "morris.csv", morris_csv, "filter.csv", filter_csv, "filter_cdf.csv", filter_cdf_csv,
        NULL};
    make_dir_with(dir, sizeof dir, files);
    ts_err err;
    size_t n = 0;
    int rc = sensplot_draw(dir, "plots", LANG_EN, &n, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv",
        "file,kind,caption\n"
        "tornado_b,tornado,\"b: each parameter from its 5th to its 95th percentile, the others "
        "at their medians (for P(met): the others drawn as in a run, the bars from the run's "
        "P(met))\"\n"
        "tornado_a_stock,tornado,\"a:stock \u2014 甲 'a': each parameter from its 5th to its 95th "
        "percentile, the others at their medians (for P(met): the others drawn as in a run, the "
        "bars from the run's P(met))\"\n"
        "sobol_b,sobol,b: first-order (S1) and total (ST) Sobol indices with 95 % bootstrap "
        "intervals\n"
        "morris_b,morris,b: Morris screening: mean |elementary effect| (mu*) against its spread "
        "(sigma)\n"
        "filter_b,filter,\"b: where the replications that met the target and those that missed "
        "it differ most (Monte Carlo filtering, the parameters with the largest "
        "Kolmogorov-Smirnov distance)\"\n"
        "filter_a_stock,filter,\"a:stock \u2014 甲 'a': where the replications that met the "
        "target and those that missed it differ most (Monte Carlo filtering, the parameters with "
        "the largest Kolmogorov-Smirnov distance)\"\n"));
    static const char *const names[] = {"tornado_b", "tornado_a_stock", "sobol_b", "morris_b",
                                        "filter_b", "filter_a_stock"};
    for (size_t i = 0; i < 6; i++)
        CU_ASSERT(tf_png_ok(dir, names[i]));
    static const char *const tornado_b[] = {"transition.a->b.rate", NULL};
    CU_ASSERT(tf_svg_has(dir, "tornado_b", tornado_b));
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

/* Nothing of sensplot's in DIR: nothing drawn, no charts directory. */
static void test_nothing(void)
{
    char dir[4096];
    static const char *const files[] = {"manifest.txt", "seed: 2385\n", NULL};
    make_dir_with(dir, sizeof dir, files);
    ts_err err;
    size_t n = 137;
    CU_ASSERT_EQUAL(sensplot_draw(dir, "plots", LANG_EN, &n, &err), 0);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT(!tf_exists(dir, "charts") && tf_clean(dir));
    outdir_remove_tree(dir);
}

/* One malformed file: PLOT_EINPUT, the exact message (DIR, then `tail`),
 * nothing drawn. */
static void expect_einput(const char *file, const char *text, const char *const *more,
                          const char *tail)
{
    char dir[4096], want[8400];
    const char *files[8] = {file, text, NULL};
    size_t k = 2;
    for (const char *const *m = more; m && *m && k < 6; m++)
        files[k++] = *m;
    files[k] = NULL;
    make_dir_with(dir, sizeof dir, files);
    ts_err err;
    size_t n = 137;
    CU_ASSERT_EQUAL(sensplot_draw(dir, "plots", LANG_EN, &n, &err), PLOT_EINPUT);
    CU_ASSERT_EQUAL(n, 0);
    snprintf(want, sizeof want, "%s%s", dir, tail);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(!tf_exists(dir, "charts") && tf_clean(dir));
    outdir_remove_tree(dir);
}

static void test_malformed(void)
{
    static const char *const base[] = {"tornado_base.csv", tornado_base_csv, NULL};
    expect_einput("tornado.csv", "target,output,parameter,output_low\nb,mean,x,1\n", base,
                  "/tornado.csv: missing column 'output_high'");
    expect_einput("tornado.csv", "output,parameter,output_low,output_high\nmean,x,1,2\n", base,
                  "/tornado.csv: missing column 'target'");
    expect_einput("tornado.csv", "target,output,parameter,output_low,output_high\n"
                                 "b,mean,tier a,1,2\n", base,
                  "/tornado.csv:2: bad parameter name 'tier a'");
    expect_einput("tornado.csv", "target,output,parameter,output_low,output_high\n"
                                 "b,mean,tier.a.exit,1,2\n../b,mean,tier.a.exit,1,2\n", base,
                  "/tornado.csv:3: bad target name '../b'");
    expect_einput("tornado.csv", "target,output,parameter,output_low,output_high\n"
                                 "b,mean,tier.a.exit,1,2.385x\n", base,
                  "/tornado.csv:2: column 'output_high': expected a number, got '2.385x'");
    expect_einput("tornado.csv", tornado_csv, NULL,
                  "/tornado_base.csv: cannot read: No such file or directory");
    static const char *const bad_base[] = {"tornado_base.csv", "target,output,value\nb,mean,n/a\n",
                                           NULL};
    expect_einput("tornado.csv", tornado_csv, bad_base,
                  "/tornado_base.csv:2: column 'value': expected a number, got 'n/a'");
    expect_einput("sobol.csv", "target,output,parameter,S1,S1_lo,S1_hi,ST,ST_lo\n", NULL,
                  "/sobol.csv: missing column 'ST_hi'");
    expect_einput("morris.csv", "target,output,parameter,mu_star,mu_star_ci,sigma\n"
                                "b,mean,x,1,\"2\n", NULL,
                  "/morris.csv:2: malformed CSV (error parsing data while strict checking "
                  "enabled)");
    expect_einput("filter.csv", filter_csv, NULL,
                  "/filter_cdf.csv: cannot read: No such file or directory");
    static const char *const bad_cdf[] = {"filter_cdf.csv",
                                          "target,parameter,group,quantile,value\n"
                                          "b,transition.a->b.rate,met,0,low\n", NULL};
    expect_einput("filter.csv", filter_csv, bad_cdf,
                  "/filter_cdf.csv:2: column 'value': expected a number, got 'low'");
    static const char *const cdf_param[] = {"filter_cdf.csv",
                                            "target,parameter,group,quantile,value\n"
                                            "b,a;b,met,0,1\n", NULL};
    expect_einput("filter.csv", filter_csv, cdf_param,
                  "/filter_cdf.csv:2: bad parameter name 'a;b'");
    expect_einput("sweep.csv", "x,y,z,b_p_met,b_se\n1,2,3,0.5,0.1\n", NULL,
                  "/sweep.csv: expected 1 or 2 parameter columns, then up to 64 "
                  "TARGET_p_met,TARGET_se pairs");
    expect_einput("sweep.csv", "x y,b_p_met,b_se\n1,0.5,0.1\n", NULL,
                  "/sweep.csv: bad parameter name 'x y'");
    expect_einput("sweep.csv", "x,b-c_p_met,b-c_se\n1,0.5,0.1\n", NULL,
                  "/sweep.csv: bad target column 'b-c_p_met'");
    expect_einput("sweep.csv", "x,b_p_met,b_se\n1,0.5,0.1\nten,0.5,0.1\n", NULL,
                  "/sweep.csv:3: column 'x': expected a number, got 'ten'");
}

int main(void)
{
    static const tu_test tests[] = {
        {"Sobol: within [0, 1], marked", test_sobol_clipped},
        {"Morris: labels that do not overlap", test_morris_labels},
        {"tornado data", test_panel_data},
        {"filter data", test_filter_data},
        {"sweep data and chart", test_sweep_data},
        {"every kind drawn", test_draw},
        {"nothing to draw", test_nothing},
        {"malformed files", test_malformed},
        {NULL, NULL},
    };
    return tu_run("sensplot", tests);
}
