/* cmd_common.c -- pieces every command shares. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cmd.h"
#include "fit.h"
#include "num.h"
#include "scenario.h"

char cmd_full_line[CMD_LINE_MAX];

void cmd_line(int argc, char **argv, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < argc && used + 1 < len; i++) {
        /* Quote arguments a shell would split, so the line can be re-run. */
        int plain = argv[i][0] != '\0' && strcspn(argv[i], " \t\n'\"$\\;&|<>()*?`") == strlen(argv[i]);
        int n = snprintf(buf + used, len - used, plain ? "%s%s" : "%s'%s'", i ? " " : "", argv[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* Loads a scenario for a command that simulates it: fitted first when a
 * history is given, then refused if a `fit` is left. */
int cmd_load_scenario(const char *path, const char *history_path, int quiet, struct scenario **out,
                      ts_err *err)
{
    scenario *s = NULL;
    *out = NULL;
    if (scenario_load(&s, path, err) < 0)
        return -1;
    if (history_path) {
        fit_result *fr = NULL;
        if (cmd_fit_scenario(s, history_path, quiet ? NULL : stdout, &fr, NULL, err) < 0) {
            scenario_free(s);
            return -1;
        }
        int rc = fit_apply(s, fr, err);
        fit_result_free(fr);
        if (rc < 0) {
            scenario_free(s);
            return -1;
        }
    }
    size_t first;
    if (scenario_unfitted(s, &first) > 0) {
        const ts_param *p = &s->params[first];
        ts_errf(err, "%s:%d: %s is written 'fit': run `tiersim fit %s HISTORY.csv` and then its "
                "fitted.ini, or pass --history HISTORY.csv", p->file, p->line, p->name, path);
        scenario_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* A progress line on stderr, at most four times a second. */
void cmd_progress(void *ctx, uint64_t done, uint64_t total)
{
    cmd_progress_state *p = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = (double)(now.tv_sec - p->last.tv_sec) + 1e-9 * (double)(now.tv_nsec - p->last.tv_nsec);
    if (done < total && p->shown && since < 0.25)
        return;
    p->last = now;
    double el = (double)(now.tv_sec - p->start.tv_sec) + 1e-9 * (double)(now.tv_nsec - p->start.tv_nsec);
    double frac = total ? (double)done / (double)total : 1.0;
    char b[31];
    for (int i = 0; i < 30; i++)
        b[i] = i < (int)(frac * 30.0) ? '#' : '.';
    b[30] = '\0';
    double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
    fprintf(stderr, "\r[%s] %llu/%llu  %.1fs elapsed, ETA %.1fs ", b, (unsigned long long)done,
            (unsigned long long)total, el, eta);
    p->shown = 1;
}

void cmd_progress_begin(cmd_progress_state *p, int quiet, runner_opts *o)
{
    memset(p, 0, sizeof *p);
    if (quiet || !isatty(STDERR_FILENO))
        return;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    o->progress = cmd_progress;
    o->progress_ctx = p;
}

void cmd_progress_end(cmd_progress_state *p)
{
    if (p->shown)
        fputc('\n', stderr);
    p->shown = 0;
}

int cmd_threads(int requested)
{
#ifdef _OPENMP
    return requested > 0 ? requested : omp_get_max_threads();
#else
    (void)requested;
    return 1;
#endif
}

volatile sig_atomic_t cmd_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    cmd_interrupted = 1;
}

void cmd_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cmd_fail(const char *cmd, ts_err *err, const outdir *od, int status)
{
    if (cmd_interrupted) {
        fprintf(stderr, "%s: interrupted; nothing written\n", cmd);
        return EXIT_FAIL;
    }
    outdir_err_path(od, err);
    fprintf(stderr, "%s\n", err->msg);
    return status;
}

int cmd_flush_stdout(void)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return EXIT_OK;
    fprintf(stderr, "tiersim: standard output: write failed: %s\n",
            strerror(errno ? errno : EIO));
    return EXIT_FAIL;
}

/* ------------------------------------------------- options every command shares */

int cmd_opt_reps(const char *cmd, const char *arg, uint64_t *out, ts_err *err)
{
    if (num_parse_uint64(arg, 1000000000ULL, out) < 0 || *out == 0)
        return ts_errf(err, "%s: -n: expected a whole number from 1 to 1000000000, got '%s' "
                       "(see tiersim %s --help)", cmd, arg, cmd);
    return 0;
}

int cmd_opt_seed(const char *cmd, const char *arg, uint64_t *out, ts_err *err)
{
    if (num_parse_uint64(arg, UINT64_MAX, out) < 0)
        return ts_errf(err, "%s: -s: expected a whole number from 0 to 18446744073709551615, "
                       "got '%s' (see tiersim %s --help)", cmd, arg, cmd);
    return 0;
}

int cmd_opt_threads(const char *cmd, const char *arg, int *out, ts_err *err)
{
    int64_t v;
    if (num_parse_int64(arg, 1, 1024, &v) < 0)
        return ts_errf(err, "%s: -j: expected a whole number from 1 to 1024, got '%s' "
                       "(see tiersim %s --help)", cmd, arg, cmd);
    *out = (int)v;
    return 0;
}

int cmd_opt_bad(const char *cmd, int c, const char *opt, ts_err *err)
{
    if (c == ':')
        return ts_errf(err, "%s: option '%s' needs a value (see tiersim %s --help)", cmd, opt, cmd);
    return ts_errf(err, "%s: unknown option '%s' (see tiersim %s --help)", cmd, opt, cmd);
}

int cmd_activate_policies(scenario *s, const char *const *names, size_t n, char *list,
                          size_t len, ts_err *err)
{
    size_t used = 0;
    if (len)
        list[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (scenario_activate_policy(s, names[i], err) < 0)
            return -1;
        int w = snprintf(list + used, len - used, "%s%s", i ? "," : "", names[i]);
        if (w > 0 && (size_t)w < len - used)
            used += (size_t)w;
    }
    return 0;
}
