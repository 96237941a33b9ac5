#ifndef TIERSIM_TSERR_H
#define TIERSIM_TSERR_H

/* An error message owned by the caller: library code fills it and returns -1,
 * the command layer prints it.  No global error state anywhere. */
typedef struct {
    char msg[512];
} ts_err;

#if defined(__GNUC__)
#define TS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TS_PRINTF(a, b)
#endif

/* Fills e->msg (when e is not NULL) and returns -1, so that error paths read
 * `return ts_errf(err, "%s:%d: ...", ...);`. */
int ts_errf(ts_err *e, const char *fmt, ...) TS_PRINTF(2, 3);

/* Prefixes e->msg with "prefix: " (used to add a file or command name). */
int ts_err_prefix(ts_err *e, const char *prefix);

#endif
