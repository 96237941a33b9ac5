/* chartdir: DIR/charts as a transaction -- a commit replaces the charts
 * whole, a failure leaves the previous ones, index.csv lists the charts in
 * order -- and the meta/tsv writers gnuplot reads.  The scripts here are
 * tiny ones of the test's own (gnuplot on PATH is needed, as for plot). */
#define _GNU_SOURCE /* open_memstream */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chartdir.h"
#include "filefix.h"
#include "outdir.h"
#include "plot.h"
#include "testutil.h"

static void test_quote(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    chartdir_quote(f, "甲 'a' \"b\" $HOME\tx\ny");
    fputc('|', f);
    chartdir_quote(f, "");
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "'甲 ''a'' \"b\" $HOME x y'|''");
    free(buf);
}

static void test_meta_tsv(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    chartdir_meta_num(f, "q", 0.2385);
    chartdir_meta_num(f, "all_p", NAN);
    chartdir_meta_str(f, "lever_name", "policy.push.scale's");
    chartdir_meta_array(f, "label", 137);
    chartdir_meta_str_at(f, "label", 0, "甲: new \u2265 22.5");
    chartdir_meta_num_at(f, "thr", 136, 1.0 / 3.0);
    chartdir_meta_num_at(f, "thr", 2, INFINITY);
    chartdir_tsv_num(f, 2022, 0);
    chartdir_tsv_num(f, 0.123456789012345, 0);
    chartdir_tsv_num(f, NAN, 1);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "q = 0.23849999999999999\n"
                                "all_p = NaN\n"
                                "lever_name = 'policy.push.scale''s'\n"
                                "array label[137]\n"
                                "label[1] = '甲: new \u2265 22.5'\n"
                                "thr[137] = 0.33333333333333331\n"
                                "thr[3] = NaN\n"
                                "2022\t0.123456789\tNaN\n");
    free(buf);
}

/* A scripts directory of the test's: probe.gp writes NAME.png (holding the
 * data file it was given) and NAME.svg for each name in meta; lazy.gp
 * writes nothing; bad.gp fails. */
static void make_scripts(const char *base, char *plots, size_t len)
{
    snprintf(plots, len, "%s/plots", base);
    CU_ASSERT_EQUAL_FATAL(mkdir(plots, 0755), 0);
    CU_ASSERT_EQUAL(tf_write_in(plots, "probe.gp",
                                "load meta\n"
                                "do for [i = 1:n] {\n"
                                "    set print name[i] . '.png'\n"
                                "    print data\n"
                                "    set print name[i] . '.svg'\n"
                                "    print '<svg/>'\n"
                                "}\n"
                                "unset print\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(plots, "lazy.gp", "load meta\n"), 0);
    CU_ASSERT_EQUAL(tf_write_in(plots, "bad.gp", "load meta\nx = nosuchfunction(1)\n"), 0);
}

/* One transaction: KIND.meta naming the charts, each registered; the
 * status of the commit. */
static int draw(const char *dir, const char *plots, const char *kind, const char *const *names,
                size_t n, ts_err *err)
{
    chartdir *cd = chartdir_open(dir, plots, err);
    if (!cd)
        return -1;
    chartdir_file meta = {NULL, ""}, data = {NULL, ""};
    int rc = chartdir_fopen(cd, &meta, err, "%s.meta", kind);
    if (rc == 0)
        rc = chartdir_fopen(cd, &data, err, "%s.tsv", kind);
    if (rc == 0) {
        fprintf(meta.f, "n = %zu\n", n);
        chartdir_meta_array(meta.f, "name", n ? n : 1);     /* gnuplot has no empty arrays */
        chartdir_tsv_num(data.f, 137, 1);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char caption[128];
        snprintf(caption, sizeof caption, "chart %zu, \"%s\"", i + 1, names[i]);
        chartdir_meta_str_at(meta.f, "name", i, names[i]);
        rc = chartdir_add(cd, kind, caption, err, "%s", names[i]);
    }
    rc = chartdir_fclose(&meta, rc, err);
    rc = chartdir_fclose(&data, rc, err);
    if (rc == 0) {
        chartdir_job(cd, kind);
        CU_ASSERT_EQUAL(chartdir_count(cd), n);
        rc = chartdir_commit(cd, err);
    }
    chartdir_free(cd);
    return rc;
}

static void test_commit(void)
{
    char dir[4096], plots[4200];
    tf_make_dir(dir, sizeof dir);
    make_scripts(dir, plots, sizeof plots);
    ts_err err;
    static const char *const first[] = {"one", "two_b"};
    int rc = draw(dir, plots, "probe", first, 2, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    /* gnuplot was given meta='probe.meta'; data='probe.tsv' */
    CU_ASSERT(tf_file_is(dir, "charts/one.png", "probe.tsv\n"));
    CU_ASSERT(tf_file_is(dir, "charts/two_b.svg", "<svg/>\n"));
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", "file,kind,caption\n"
                                                  "one,probe,\"chart 1, \"\"one\"\"\"\n"
                                                  "two_b,probe,\"chart 2, \"\"two_b\"\"\"\n"));
    /* the data and gnuplot's log are gone, nothing is left beside */
    CU_ASSERT(!tf_exists(dir, "charts/probe.meta") && !tf_exists(dir, "charts/probe.tsv") &&
              !tf_exists(dir, "charts/gnuplot.log"));
    CU_ASSERT(tf_clean(dir));

    /* a second commit replaces the charts whole */
    static const char *const second[] = {"three"};
    CU_ASSERT_EQUAL_FATAL(draw(dir, plots, "probe", second, 1, &err), 0);
    CU_ASSERT(tf_exists(dir, "charts/three.png") && !tf_exists(dir, "charts/one.png"));
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", "file,kind,caption\n"
                                                  "three,probe,\"chart 1, \"\"three\"\"\"\n"));
    CU_ASSERT(tf_clean(dir));

    /* no charts at all is a commit too: an index of its header alone */
    CU_ASSERT_EQUAL(draw(dir, plots, "probe", second, 0, &err), 0);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", "file,kind,caption\n"));
    outdir_remove_tree(dir);
}

/* Every failure leaves the previous charts as they were and no work dir. */
static void test_failures(void)
{
    char dir[4096], plots[4200], want[8400];
    tf_make_dir(dir, sizeof dir);
    make_scripts(dir, plots, sizeof plots);
    ts_err err;
    static const char *const names[] = {"one"};
    CU_ASSERT_EQUAL_FATAL(draw(dir, plots, "probe", names, 1, &err), 0);
    static const char index[] = "file,kind,caption\none,probe,\"chart 1, \"\"one\"\"\"\n";

    CU_ASSERT_EQUAL(draw(dir, plots, "bad", names, 1, &err), -1);
    snprintf(want, sizeof want, "plot: %s/bad.gp: gnuplot exited with status 1 "
                                "(line 2: undefined function: nosuchfunction)", plots);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", index) && tf_clean(dir));

    CU_ASSERT_EQUAL(draw(dir, plots, "lazy", names, 1, &err), -1);
    snprintf(want, sizeof want, "plot: %s/lazy.gp: gnuplot did not write one.png", plots);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", index) && tf_clean(dir));

    CU_ASSERT_EQUAL(draw(dir, plots, "nosuch", names, 1, &err), -1);
    snprintf(want, sizeof want, "plot: %s/nosuch.gp: cannot read the script: No such file or "
                                "directory", plots);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", index) && tf_clean(dir));

    /* abandoned: freed without a commit */
    chartdir *cd = chartdir_open(dir, plots, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    CU_ASSERT(strncmp(chartdir_work(cd), dir, strlen(dir)) == 0 &&
              strncmp(chartdir_work(cd) + strlen(dir), "/charts.tmp-", 12) == 0);
    CU_ASSERT_STRING_EQUAL(chartdir_dir(cd), dir);
    chartdir_free(cd);
    chartdir_free(NULL);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", index) && tf_clean(dir));

    /* without gnuplot on PATH: PLOT_SKIPPED, nothing drawn */
    char empty[4200];
    snprintf(empty, sizeof empty, "%s/nobin", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(empty, 0755), 0);
    char *saved = tf_path_only(empty);
    int rc = draw(dir, plots, "probe", names, 1, &err);
    CU_ASSERT_EQUAL(chartdir_gnuplot(plots, "probe.gp", dir, "meta='x'", &err), PLOT_SKIPPED);
    tf_path_restore(saved);
    CU_ASSERT_EQUAL(rc, PLOT_SKIPPED);
    CU_ASSERT(tf_file_is(dir, "charts/index.csv", index) && tf_clean(dir));

    /* DIR/charts that is not a directory is never replaced */
    outdir_remove_tree(dir);
    tf_make_dir(dir, sizeof dir);
    make_scripts(dir, plots, sizeof plots);
    CU_ASSERT_EQUAL(tf_write_in(dir, "charts", "mine\n"), 0);
    CU_ASSERT_EQUAL(draw(dir, plots, "probe", names, 1, &err), -1);
    snprintf(want, sizeof want, "%s/charts: exists and is not a directory", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT(tf_file_is(dir, "charts", "mine\n"));
    outdir_remove_tree(dir);

    /* no directory to make the work directory in */
    CU_ASSERT_PTR_NULL(chartdir_open("tests/data/nowhere", plots, &err));
    CU_ASSERT_STRING_EQUAL(err.msg, "tests/data/nowhere: cannot create a directory in it: No such "
                                    "file or directory");
}

/* A data file whose write fails (a full disk) names itself; an earlier
 * error is kept. */
static void test_write_failure(void)
{
    char dir[4096], want[8500];
    tf_make_dir(dir, sizeof dir);
    ts_err err;
    chartdir *cd = chartdir_open(dir, "plots", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
    char link[8400];
    snprintf(link, sizeof link, "%s/full.tsv", chartdir_work(cd));
    CU_ASSERT_EQUAL_FATAL(symlink("/dev/full", link), 0);
    chartdir_file g = {NULL, ""};
    CU_ASSERT_EQUAL_FATAL(chartdir_fopen(cd, &g, &err, "%s.tsv", "full"), 0);
    chartdir_tsv_num(g.f, 2385, 1);
    CU_ASSERT_EQUAL(chartdir_fclose(&g, 0, &err), -1);
    snprintf(want, sizeof want, "%s: write failed: No space left on device", link);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_EQUAL_FATAL(chartdir_fopen(cd, &g, &err, "full.tsv"), 0);
    chartdir_tsv_num(g.f, 2385, 1);
    strcpy(err.msg, "the first error");
    CU_ASSERT_EQUAL(chartdir_fclose(&g, PLOT_EINPUT, &err), PLOT_EINPUT);
    CU_ASSERT_STRING_EQUAL(err.msg, "the first error");
    CU_ASSERT_PTR_NULL(g.f);
    CU_ASSERT_EQUAL(chartdir_fclose(&g, 0, &err), 0);   /* closed already: nothing to do */
    chartdir_free(cd);
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

/* DIR's own tables: missing files and columns are the caller's PLOT_EINPUT. */
static void test_tables(void)
{
    char dir[4096], want[8400];
    tf_make_dir(dir, sizeof dir);
    CU_ASSERT_EQUAL(tf_write_in(dir, "t.csv", "target,output,value\nb,mean,28.71\n"), 0);
    CU_ASSERT(chartdir_has(dir, "t.csv") && !chartdir_has(dir, "u.csv"));
    ts_err err;
    static const char *const names[] = {"value", "target", "swing"};
    long col[3] = {-9, -9, -9};
    csvt *t = chartdir_table(dir, "t.csv", names, col, 2, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT(col[0] == 2 && col[1] == 0 && col[2] == -9);
    CU_ASSERT_EQUAL(chartdir_columns(t, names, col, 3, &err), PLOT_EINPUT);
    snprintf(want, sizeof want, "%s/t.csv: missing column 'swing'", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    csvt_free(t);
    CU_ASSERT_PTR_NULL(chartdir_table(dir, "t.csv", names, col, 3, &err));
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_PTR_NULL(chartdir_table(dir, "u.csv", NULL, NULL, 0, &err));
    snprintf(want, sizeof want, "%s/u.csv: cannot read: No such file or directory", dir);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    outdir_remove_tree(dir);
}

/* KIND.text: the words of a kind in the language asked for, quoted as
 * gnuplot reads them; removed with the data at the commit. */
static void test_words(void)
{
    char dir[4096];
    tf_make_dir(dir, sizeof dir);
    ts_err err;
    static const chartdir_word words[] = {{"t_title", GP_CARD_TITLE},
                                          {"f_target", GP_DIST_TARGET},
                                          {"t_all", MSG_CARD_READING}};
    for (int l = 0; l < LANG_COUNT; l++) {
        chartdir *cd = chartdir_open(dir, "plots", &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(cd);
        CU_ASSERT_EQUAL(chartdir_words(cd, "probe", (ts_lang)l, words, 3, &err), 0);
        if (l == LANG_ZH) {
            CU_ASSERT(tf_file_is(chartdir_work(cd), "probe.text",
                                 "t_title = '各项目标的达成可能性'\n"
                                 "f_target = '目标 %g：达成概率 = %.3f'\n"
                                 "t_all = '“所需”是计入容差后达成目标所需的企业数（取整）；“达成概率”是"
                                 "达到该数的模拟次数占全部模拟的比例。'\n"));
        } else {
            CU_ASSERT(tf_file_is(chartdir_work(cd), "probe.text",
                                 "t_title = 'Report card: how likely is each target to be met?'\n"
                                 "f_target = 'target %g: P(met) = %.3f'\n"
                                 "t_all = '''needs'' is the whole number of firms that meets the "
                                 "target after its tolerance; P(met) is the share of replications "
                                 "reaching it.'\n"));
        }
        chartdir_free(cd);
    }
    CU_ASSERT(tf_clean(dir));
    outdir_remove_tree(dir);
}

int main(void)
{
    static const tu_test tests[] = {
        {"gnuplot string literals", test_quote},
        {"meta and tsv lines", test_meta_tsv},
        {"a commit replaces the charts", test_commit},
        {"a failure keeps the charts", test_failures},
        {"a write that fails", test_write_failure},
        {"DIR's tables", test_tables},
        {"the words of a kind (KIND.text)", test_words},
        {NULL, NULL},
    };
    return tu_run("chartdir", tests);
}
