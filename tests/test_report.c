/* report: the verdicts, the bins of distribution.csv and tiers.csv, the part
 * of a run's outputs that charts drawn later rely on. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filefix.h"
#include "outdir.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "summary.h"
#include "testutil.h"

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

/* The thresholds belong to the verdict they name: 0.8 is likely, 0.2 unlikely. */
static void test_verdict(void)
{
    CU_ASSERT_EQUAL(report_verdict(0.8), VERDICT_LIKELY);
    CU_ASSERT_EQUAL(report_verdict(0.7999), VERDICT_UNCERTAIN);
    CU_ASSERT_EQUAL(report_verdict(0.2001), VERDICT_UNCERTAIN);
    CU_ASSERT_EQUAL(report_verdict(0.2), VERDICT_UNLIKELY);
    CU_ASSERT_EQUAL(report_verdict(0.0), VERDICT_UNLIKELY);
    CU_ASSERT_EQUAL(report_verdict(1.0), VERDICT_LIKELY);
    CU_ASSERT_STRING_EQUAL(report_verdict_name(VERDICT_LIKELY), "likely");
    CU_ASSERT_STRING_EQUAL(report_verdict_name(VERDICT_UNCERTAIN), "uncertain");
    CU_ASSERT_STRING_EQUAL(report_verdict_name(VERDICT_UNLIKELY), "unlikely");
}

/* tiers.csv: the names, the labels as the scenario writes them (quoted
 * where CSV needs it) and the mean starting stock. */
static void test_tiers_csv(void)
{
    static const char ini[] =
        "[scenario]\nname = t\nstart_year = 2022\nend_year = 2023\n"
        "[tier a]\nlabel = 甲, \"first\"\nstock = uniform(130, 144)\n"
        "[tier b]\nstock = 11\nexit = 0.0385\n"
        "[transition a -> b]\nrate = 0.2385\n";
    scenario *s = NULL;
    ts_err err;
    int rc = scenario_parse_string(&s, ini, "t.ini", &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    char base[4096], dir[4200];
    tf_make_dir(base, sizeof base);
    snprintf(dir, sizeof dir, "%s/out", base);
    outdir *o = NULL;
    CU_ASSERT_EQUAL_FATAL(outdir_begin(&o, dir, &err), 0);
    CU_ASSERT_EQUAL(report_write_tiers(o, s, &err), 0);
    CU_ASSERT_EQUAL(outdir_commit(o, &err), 0);
    CU_ASSERT(tf_file_is(dir, "tiers.csv",
                         "tier,label,baseline_stock\na,\"甲, \"\"first\"\"\",137\nb,b,11\n"));
    scenario_free(s);
    outdir_remove_tree(base);
}

/* A scenario that starts in July dates each update year by the June after
 * it: every per-year row of a run carries that period end beside its year.
 * (Nothing is drawn at random here: no inflow, no exits.) */
static void test_july_start(void)
{
    static const char ini[] =
        "[scenario]\nname = t\nstart_year = 2022\nend_year = 2023\nstart = 2022-07\n"
        "replications = 7\n[tier a]\nstock = 137\n[target a]\nstock = 100\n";
    char dir[4200];
    tf_run_into(ini, "t.ini", dir, sizeof dir);
    char *proj = tf_file_in(dir, "projection.csv", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(proj);
    static const char head[] = "year,period_end,tier,measure,mean,sd,p05,p25,p50,p75,p95\n"
                               "2022,2023-06,a,stock,137,0,137,137,137,137,137\n"
                               "2022,2023-06,a,new,0,0,0,0,0,0,0\n";
    CU_ASSERT(strncmp(proj, head, strlen(head)) == 0);
    CU_ASSERT(strstr(proj, "\n2023,2023-06,") == NULL);
    CU_ASSERT(strstr(proj, "\n2023,2024-06,a,stock,137,0,137,137,137,137,137\n") != NULL);
    CU_ASSERT(strstr(proj, "\n2023,2024-06,a,cumulative,0,0,0,0,0,0,0\n") != NULL);
    free(proj);
    CU_ASSERT(tf_file_is(dir, "p_met_by_year.csv", "year,period_end,tier,measure,p_met\n"
                                                   "2022,2023-06,a,stock,1.000000\n"
                                                   "2023,2024-06,a,stock,1.000000\n"));
    CU_ASSERT(tf_file_is(dir, "distribution.csv", "year,period_end,tier,measure,lo,hi,count\n"
                                                  "2023,2024-06,a,stock,137,137,7\n"));
    outdir_remove_tree(dir);
}

int main(void)
{
    static const tu_test tests[] = {
        {"distribution bins", test_bins},
        {"verdicts", test_verdict},
        {"tiers.csv", test_tiers_csv},
        {"period ends of a July start", test_july_start},
        {NULL, NULL},
    };
    return tu_run("report", tests);
}
