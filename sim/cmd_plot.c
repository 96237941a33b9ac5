/* cmd_plot.c -- `tiersim plot DIR`: redraw the charts and report.html of a
 * finished output directory; and cmd_draw, which the commands that write
 * an output directory share. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "html.h"
#include "plot.h"
#include "sensplot.h"

static const char plot_usage[] = "usage: tiersim plot DIR";

int cmd_draw(const char *dir, unsigned kinds, int warn_missing, size_t *n_charts, ts_err *err)
{
    char plots[4096];
    /* The one place TIERSIM_PLOTS is read: the library takes the directory. */
    const char *override = getenv("TIERSIM_PLOTS");
    if (plot_find_dir(override, plots, sizeof plots, err) < 0) {
        if (!override || !override[0]) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%.400s; set TIERSIM_PLOTS to their directory", err->msg);
            ts_errf(err, "%s", msg);
        }
        ts_err_prefix(err, "plot");
        return -1;
    }
    /* A run, fit, compare or goal directory, else a sensitivity or sweep one. */
    int rc = kinds ? plot_draw(dir, plots, kinds, n_charts, err)
                   : sensplot_draw(dir, plots, n_charts, err);
    if (rc == PLOT_SKIPPED && warn_missing)
        fprintf(stderr, "tiersim: warning: gnuplot not found; charts skipped (CSVs are complete)\n");
    if (rc < 0)
        return rc;
    if (html_write_report(dir, err) < 0)
        return -1;
    return rc;
}

static volatile sig_atomic_t plot_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    plot_interrupted = 1;
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            printf("%s\n", plot_usage);
            return EXIT_OK;
        }
        fprintf(stderr, "plot: unknown option '%s'" CMD_SEE_HELP("plot") "\n", argv[optind - 1]);
        return EXIT_USAGE;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "plot: expected one DIR" CMD_SEE_HELP("plot") "\n");
        return EXIT_USAGE;
    }
    const char *dir = argv[optind];
    char manifest[4200];
    struct stat st;
    snprintf(manifest, sizeof manifest, "%s/manifest.txt", dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "plot: %s: not a directory\n", dir);
        return EXIT_USAGE;
    }
    if (access(manifest, F_OK) != 0) {
        fprintf(stderr, "plot: %s: not a tiersim output directory (no manifest.txt)\n", dir);
        return EXIT_USAGE;
    }
    unsigned kinds = plot_kinds(dir);
    static const char *const sens_files[] = {"tornado.csv", "morris.csv", "sobol.csv",
                                             "filter.csv", "sweep.csv"};
    int sens = 0;
    for (size_t i = 0; i < sizeof sens_files / sizeof sens_files[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, sens_files[i]);
        sens |= access(path, F_OK) == 0;
    }
    if (!kinds && !sens) {
        fprintf(stderr, "plot: %s: nothing to draw (no targets.csv, fitted.csv or compare.csv)\n",
                dir);
        return EXIT_USAGE;
    }
    /* Ctrl-C reaches gnuplot too; the charts then stay as they were, and the
     * temporary directory is removed before we leave. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    ts_err err;
    size_t n = 0;
    int rc = cmd_draw(dir, kinds, 0, &n, &err);
    if (plot_interrupted) {
        fprintf(stderr, "plot: interrupted\n");
        return EXIT_FAIL;
    }
    if (rc == PLOT_SKIPPED) {
        fprintf(stderr, "plot: gnuplot not found; nothing drawn (report.html has the tables)\n");
        return EXIT_FAIL;
    }
    if (rc < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return rc == PLOT_EINPUT ? EXIT_USAGE : EXIT_FAIL;
    }
    printf("charts: %s/charts/ (%zu chart%s, PNG and SVG)\nreport: %s/report.html\n", dir, n,
           n == 1 ? "" : "s", dir);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
