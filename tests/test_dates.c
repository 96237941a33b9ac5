/* dates: the period end of each update year for the start months at both
 * ends and in the middle of the year, and months written as YYYY-MM. */
#include <string.h>

#include "scenario.h"
#include "testutil.h"

static int ym(int year, int month)
{
    return year * 12 + month - 1;
}

static void test_period_end(void)
{
    scenario s;
    memset(&s, 0, sizeof s);
    s.start_year = 2022;
    /* January: the update of 2022 is the calendar year */
    s.start_month = 1;
    CU_ASSERT_EQUAL(scenario_period_end(&s, 2022), ym(2022, 12));
    CU_ASSERT_EQUAL(scenario_period_end(&s, 2021), ym(2021, 12));
    /* July (Qingdao's plan): 2022-07 .. 2023-06 */
    s.start_month = 7;
    CU_ASSERT_EQUAL(scenario_period_end(&s, 2022), ym(2023, 6));
    CU_ASSERT_EQUAL(scenario_period_end(&s, 2025), ym(2026, 6));
    /* the update before the start ends the month before it */
    CU_ASSERT_EQUAL(scenario_period_end(&s, 2021), ym(2022, 6));
    /* December: 2022-12 .. 2023-11 */
    s.start_month = 12;
    CU_ASSERT_EQUAL(scenario_period_end(&s, 2022), ym(2023, 11));
    /* a scenario that never said (start_month 0) starts in January */
    s.start_month = 0;
    CU_ASSERT_EQUAL(scenario_period_end(&s, 2024), ym(2024, 12));
}

static void test_month_format(void)
{
    char buf[16];
    scenario_month_format(ym(2023, 6), buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2023-06");
    scenario_month_format(ym(2022, 12), buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2022-12");
    scenario_month_format(ym(1987, 1), buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "1987-01");
    /* the buffer of at least 8 that the header asks for is enough */
    char small[8];
    scenario_month_format(ym(2385, 11), small, sizeof small);
    CU_ASSERT_STRING_EQUAL(small, "2385-11");
}

int main(void)
{
    static const tu_test tests[] = {
        {"period ends", test_period_end},
        {"months as YYYY-MM", test_month_format},
        {NULL, NULL},
    };
    return tu_run("dates", tests);
}
