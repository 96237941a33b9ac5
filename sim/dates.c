/* dates.c -- months of the calendar as the scenario's yearly updates see them
 * (DESIGN.md, "Dates"): a month is year * 12 + month - 1, so that months
 * subtract and compare as integers. */
#include <stdio.h>

#include "scenario.h"

int scenario_period_end(const scenario *s, int y)
{
    /* A scenario built without `start =` (or by hand) has start_month 0:
     * it means January, the documented default, here in the one place that
     * every period end goes through. */
    int m = s->start_month >= 1 && s->start_month <= 12 ? s->start_month : 1;
    /* The update of year y runs from month m of y to month m - 1 of y + 1:
     * (y + 1) * 12 + (m - 1) - 1, which for m = 1 is December of y. */
    return y * 12 + m + 10;
}

void scenario_month_format(int ym, char *buf, size_t len)
{
    /* Floor division, so that a month before year 0 cannot print month 0
     * or a negative month. */
    int year = ym >= 0 ? ym / 12 : -((-ym + 11) / 12);
    int month = ym - year * 12 + 1;
    snprintf(buf, len, "%04d-%02d", year, month);
}
