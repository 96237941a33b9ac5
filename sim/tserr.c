#include "tserr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ts_errf(ts_err *e, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int ts_err_prefix(ts_err *e, const char *prefix)
{
    if (e) {
        char tmp[sizeof e->msg];
        /* A message too long for the buffer is cut, never overflowed. */
        if (snprintf(tmp, sizeof tmp, "%s: %s", prefix, e->msg) < 0)
            return -1;
        memcpy(e->msg, tmp, sizeof tmp);
    }
    return -1;
}
