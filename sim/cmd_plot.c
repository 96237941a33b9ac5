/* cmd_plot.c -- `tiersim plot DIR`: redraw the charts and report.html of a
 * finished output directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "csvio.h"
#include "plot.h"

static const char *const plot_examples[] = {
    "tiersim plot out/qingdao",
    "tiersim plot out/qingdao-v1-fit",
    NULL,
};

const cli_spec cmd_plot_spec = {
    "plot", "redraw the charts and report.html of a finished output directory (gnuplot)",
    0, "DIR", 1, 1, NULL, 0, NULL, plot_examples,
};

int plot_args_parse(int argc, char **argv, cli_args *a, ts_err *err)
{
    return cli_parse(&cmd_plot_spec, argc, argv, a, NULL, err);
}

/* Whether DIR holds a sensitivity or sweep analysis. */
static int is_analysis(const char *dir)
{
    static const char *const files[] = {"tornado.csv", "morris.csv", "sobol.csv", "filter.csv",
                                        "sweep.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[CLI_DIR_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (access(path, F_OK) == 0)
            return 1;
    }
    return 0;
}

/* What DIR's files allow to draw (plot.h's kinds, else CLI_CHARTS_ANALYSIS). */
static int dir_kinds(const char *dir, unsigned *kinds, ts_err *err)
{
    char manifest_path[CLI_DIR_MAX + 32];
    struct stat st;
    snprintf(manifest_path, sizeof manifest_path, "%s/manifest.txt", dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ts_errf(err, "plot: %s: not a directory", dir);
    if (access(manifest_path, F_OK) != 0)
        return ts_errf(err, "plot: %s: not a tiersim output directory (no manifest.txt)", dir);
    *kinds = plot_kinds(dir);
    if (!*kinds && is_analysis(dir))
        *kinds = CLI_CHARTS_ANALYSIS;
    if (!*kinds)
        return ts_errf(err, "plot: %s: nothing to draw (no targets.csv, fitted.csv or "
                       "compare.csv)", dir);
    return 0;
}

/* The language the output was written in: its manifest's "lang: " line
 * (0), or -1 when it has none (an output of a tiersim before --lang). */
static int dir_lang(const char *dir, ts_lang *lang)
{
    char path[CLI_DIR_MAX + 32];
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    char *text = csvio_read_file(path, NULL, NULL);
    int rc = -1;
    for (const char *line = text; line && *line && rc < 0;) {
        const char *nl = strchr(line, '\n');
        char value[8];
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        if (n > 6 && n < 6 + sizeof value && !strncmp(line, "lang: ", 6)) {
            memcpy(value, line + 6, n - 6);
            value[n - 6] = '\0';
            rc = i18n_parse_lang(value, lang);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return rc;
}

int cmd_plot(int argc, char **argv)
{
    cli_args a;
    ts_err err;
    if (plot_args_parse(argc, argv, &a, &err) < 0)
        return cli_usage_error(&err);
    if (a.help)
        return cli_help(&cmd_plot_spec);
    cli_session cs;
    cli_init(&cs, &cmd_plot_spec, &a);
    const char *dir = a.operands[0];
    unsigned kinds;
    if (dir_kinds(dir, &kinds, &err) < 0)
        return cli_fail(&cs, &err);
    /* Without --lang, the charts are redrawn in the language the output
     * was written in, else the locale's. */
    ts_lang lang = a.lang;
    if (!a.have_lang && dir_lang(dir, &lang) == 0)
        cli_set_lang(lang);
    /* Ctrl-C reaches gnuplot too; the charts then stay as they were, and the
     * temporary directory is removed before we leave. */
    cli_catch_signals();
    size_t n = 0;
    int rc = cli_draw(dir, kinds, lang, 0, &n, &err);
    cs.status = rc == PLOT_EINPUT ? EXIT_USAGE : EXIT_FAIL;
    if (rc == PLOT_SKIPPED)
        ts_errf(&err, "plot: gnuplot not found; nothing drawn (report.html has the tables)");
    if (rc != 0 || cli_interrupted)
        return cli_fail(&cs, &err);
    printf("charts: %s/charts/ (%zu chart%s, PNG and SVG)\nreport: %s/report.html\n", dir, n,
           n == 1 ? "" : "s", dir);
    return cli_end(&cs);
}
