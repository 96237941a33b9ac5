/* chartdir.c -- DIR/charts as a transaction, and running gnuplot (see chartdir.h). */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np, renameat2 */
#include "chartdir.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outdir.h"

extern char **environ;

#define PATH_LEN 4096
#define NAME_LEN 64     /* a chart's file name, without extension */
#define KIND_LEN 16
#define MAX_JOBS 16     /* more than the kinds of plot.c and sensplot.c together */

typedef struct {
    char name[NAME_LEN];
    char kind[KIND_LEN];
    char *caption;
} chart;

struct chartdir {
    char dir[PATH_LEN];
    char plots[PATH_LEN];
    char work[PATH_LEN];
    int have_work;          /* work still to be removed by chartdir_free */
    chart *charts;
    size_t n_charts, cap_charts;
    char jobs[MAX_JOBS][KIND_LEN];
    size_t n_jobs;
};

chartdir *chartdir_open(const char *dir, const char *plots_dir, ts_err *err)
{
    chartdir *cd = calloc(1, sizeof *cd);
    if (!cd) {
        ts_errf(err, "out of memory");
        return NULL;
    }
    const char *too_long = NULL;
    if (snprintf(cd->plots, sizeof cd->plots, "%s", plots_dir) >= (int)sizeof cd->plots)
        too_long = plots_dir;
    else if (snprintf(cd->dir, sizeof cd->dir, "%s", dir) >= (int)sizeof cd->dir ||
             snprintf(cd->work, sizeof cd->work, "%s/charts.tmp-XXXXXX", dir) >=
                 (int)sizeof cd->work)
        too_long = dir;
    if (too_long) {
        ts_errf(err, "%s: path too long", too_long);
        free(cd);
        return NULL;
    }
    if (!mkdtemp(cd->work)) {
        ts_errf(err, "%s: cannot create a directory in it: %s", dir, strerror(errno));
        free(cd);
        return NULL;
    }
    cd->have_work = 1;
    return cd;
}

void chartdir_free(chartdir *cd)
{
    if (!cd)
        return;
    for (size_t i = 0; i < cd->n_charts; i++)
        free(cd->charts[i].caption);
    free(cd->charts);
    if (cd->have_work)
        outdir_remove_tree(cd->work);
    free(cd);
}

const char *chartdir_dir(const chartdir *cd)
{
    return cd->dir;
}

const char *chartdir_work(const chartdir *cd)
{
    return cd->work;
}

/* ------------------------------------------------------ DIR's own files */

int chartdir_has(const char *dir, const char *name)
{
    char path[PATH_LEN];
    return snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path &&
           access(path, F_OK) == 0;
}

csvt *chartdir_table(const char *dir, const char *name, const char *const *names, long *cols,
                     size_t n, ts_err *err)
{
    char path[PATH_LEN];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        ts_errf(err, "%s/%s: path too long", dir, name);
        return NULL;
    }
    csvt *t = csvt_read(path, err);
    if (t && chartdir_columns(t, names, cols, n, err) < 0) {
        csvt_free(t);
        return NULL;
    }
    return t;
}

int chartdir_columns(const csvt *t, const char *const *names, long *cols, size_t n,
                     ts_err *err)
{
    for (size_t i = 0; i < n; i++)
        if ((cols[i] = csvt_col(t, names[i], err)) < 0)
            return PLOT_EINPUT;
    return 0;
}

/* ------------------------------------------------------------ the data */

int chartdir_fopen(chartdir *cd, chartdir_file *g, ts_err *err, const char *name_fmt, ...)
{
    char name[2 * NAME_LEN];
    va_list ap;
    va_start(ap, name_fmt);
    vsnprintf(name, sizeof name, name_fmt, ap);
    va_end(ap);
    g->f = NULL;
    if (snprintf(g->path, sizeof g->path, "%s/%s", cd->work, name) >= (int)sizeof g->path)
        return ts_errf(err, "%s/%s: path too long", cd->work, name);
    g->f = fopen(g->path, "w");
    if (!g->f)
        return ts_errf(err, "%s: cannot write: %s", g->path, strerror(errno));
    return 0;
}

int chartdir_fclose(chartdir_file *g, int rc, ts_err *err)
{
    if (!g->f)
        return rc;
    int bad = ferror(g->f);
    int closed = fclose(g->f);
    g->f = NULL;
    if ((bad || closed != 0) && rc == 0)
        return ts_errf(err, "%s: write failed: %s", g->path, strerror(errno));
    return rc;
}

void chartdir_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\'')
            fputs("''", f);
        else if (*p < 0x20 || *p == 0x7f)
            fputc(' ', f);
        else
            fputc(*p, f);
    }
    fputc('\'', f);
}

void chartdir_meta_num(FILE *f, const char *var, double v)
{
    if (isfinite(v))
        fprintf(f, "%s = %.17g\n", var, v);
    else
        fprintf(f, "%s = NaN\n", var);
}

void chartdir_meta_str(FILE *f, const char *var, const char *s)
{
    fprintf(f, "%s = ", var);
    chartdir_quote(f, s);
    fputc('\n', f);
}

void chartdir_meta_array(FILE *f, const char *var, size_t n)
{
    fprintf(f, "array %s[%zu]\n", var, n);
}

void chartdir_meta_num_at(FILE *f, const char *var, size_t i, double v)
{
    if (isfinite(v))
        fprintf(f, "%s[%zu] = %.17g\n", var, i + 1, v);
    else
        fprintf(f, "%s[%zu] = NaN\n", var, i + 1);
}

void chartdir_meta_lines_at(FILE *f, const char *var, size_t i, const char *s)
{
    fprintf(f, "%s[%zu] = ", var, i + 1);
    for (;;) {
        size_t n = strcspn(s, "\n");
        char *line = malloc(n + 1);
        if (line) {
            memcpy(line, s, n);
            line[n] = '\0';
            chartdir_quote(f, line);
            free(line);
        } else {
            fputs("''", f);
        }
        if (!s[n])
            break;
        fputs(" . \"\\n\" . ", f);
        s += n + 1;
    }
    fputc('\n', f);
}

void chartdir_meta_str_at(FILE *f, const char *var, size_t i, const char *s)
{
    fprintf(f, "%s[%zu] = ", var, i + 1);
    chartdir_quote(f, s);
    fputc('\n', f);
}

void chartdir_tsv_num(FILE *f, double v, int last)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("NaN", f);
    fputc(last ? '\n' : '\t', f);
}

int chartdir_words(chartdir *cd, const char *kind, ts_lang lang, const chartdir_word *words,
                   size_t n, ts_err *err)
{
    chartdir_file g;
    if (chartdir_fopen(cd, &g, err, "%s.text", kind) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        chartdir_meta_str(g.f, words[i].var, i18n(lang, words[i].id));
    return chartdir_fclose(&g, 0, err);
}

/* -------------------------------------------------- charts and scripts */

int chartdir_add(chartdir *cd, const char *kind, const char *caption, ts_err *err,
                 const char *name_fmt, ...)
{
    if (cd->n_charts == cd->cap_charts) {
        size_t cap = cd->cap_charts ? 2 * cd->cap_charts : 32;
        chart *ch = realloc(cd->charts, cap * sizeof *ch);
        if (!ch)
            return ts_errf(err, "out of memory");
        cd->charts = ch;
        cd->cap_charts = cap;
    }
    chart *ch = &cd->charts[cd->n_charts];
    va_list ap;
    va_start(ap, name_fmt);
    vsnprintf(ch->name, sizeof ch->name, name_fmt, ap);
    va_end(ap);
    snprintf(ch->kind, sizeof ch->kind, "%s", kind);
    if (!(ch->caption = strdup(caption)))
        return ts_errf(err, "out of memory");
    cd->n_charts++;
    return 0;
}

void chartdir_order(chartdir *cd, const char *const *kinds, size_t n)
{
    /* a stable insertion sort by the kind's place in kinds (n: not there) */
    for (size_t i = 1; i < cd->n_charts; i++) {
        chart ch = cd->charts[i];
        size_t r = 0;
        while (r < n && strcmp(kinds[r], ch.kind))
            r++;
        size_t j = i;
        for (; j > 0; j--) {
            size_t q = 0;
            while (q < n && strcmp(kinds[q], cd->charts[j - 1].kind))
                q++;
            if (q <= r)
                break;
            cd->charts[j] = cd->charts[j - 1];
        }
        cd->charts[j] = ch;
    }
}

void chartdir_job(chartdir *cd, const char *kind)
{
    assert(cd->n_jobs < MAX_JOBS);
    snprintf(cd->jobs[cd->n_jobs++], KIND_LEN, "%s", kind);
}

size_t chartdir_count(const chartdir *cd)
{
    return cd->n_charts;
}

/* The last non-empty line of gnuplot's stderr, without a leading
 * '"SCRIPT" ' (the script is already named in the message). */
static void last_message(const char *log, const char *script, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(log, "rb");
    if (!f)
        return;
    char tail[4096];
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size > (long)sizeof tail - 1)
        fseek(f, size - (long)sizeof tail + 1, SEEK_SET);
    else
        fseek(f, 0, SEEK_SET);
    size_t n = fread(tail, 1, sizeof tail - 1, f);
    fclose(f);
    tail[n] = '\0';
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r' || tail[n - 1] == ' '))
        tail[--n] = '\0';
    char *line = strrchr(tail, '\n');
    line = line ? line + 1 : tail;
    size_t sl = strlen(script);
    if (line[0] == '"' && !strncmp(line + 1, script, sl) && line[sl + 1] == '"' &&
        line[sl + 2] == ' ')
        line += sl + 3;
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    size_t n_line = strlen(line);
    if (n_line >= len)
        n_line = len - 1;
    memcpy(buf, line, n_line);
    buf[n_line] = '\0';
}

int chartdir_gnuplot(const char *plots_dir, const char *script, const char *workdir,
                     const char *setup, ts_err *err)
{
    char shown[PATH_LEN], abs_dir[PATH_LEN], abs_script[PATH_LEN + 64];
    snprintf(shown, sizeof shown, "%s/%s", plots_dir, script);
    /* gnuplot runs in workdir: the script needs an absolute name. */
    if (!realpath(plots_dir, abs_dir))
        return ts_errf(err, "plot: %s: %s", plots_dir, strerror(errno));
    snprintf(abs_script, sizeof abs_script, "%s/%s", abs_dir, script);
    if (access(abs_script, R_OK) != 0)
        return ts_errf(err, "plot: %s: cannot read the script: %s", shown, strerror(errno));

    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return ts_errf(err, "plot: out of memory");
    int rc = posix_spawn_file_actions_addchdir_np(&fa, workdir);
    if (!rc)
        rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!rc)
        rc = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (!rc) /* after the chdir: relative to workdir */
        rc = posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "gnuplot.log",
                                              O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (rc) {
        posix_spawn_file_actions_destroy(&fa);
        return ts_errf(err, "plot: %s", strerror(rc));
    }
    /* -d: ignore the user's ~/.gnuplot, so that charts do not depend on it. */
    char a0[] = "gnuplot", a1[] = "-d", a2[] = "-e";
    char *argv[] = {a0, a1, a2, (char *)setup, abs_script, NULL};
    pid_t pid;
    rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc == ENOENT)
        return PLOT_SKIPPED;
    if (rc)
        return ts_errf(err, "plot: %s: cannot run gnuplot: %s", shown, strerror(rc));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return ts_errf(err, "plot: %s: waiting for gnuplot: %s", shown, strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char log[PATH_LEN + 16], said[400];
    snprintf(log, sizeof log, "%s/gnuplot.log", workdir);
    last_message(log, abs_script, said, sizeof said);
    char how[64];
    if (WIFEXITED(status))
        snprintf(how, sizeof how, "gnuplot exited with status %d", WEXITSTATUS(status));
    else
        snprintf(how, sizeof how, "gnuplot was killed by signal %d",
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return ts_errf(err, said[0] ? "plot: %s: %s (%s)" : "plot: %s: %s%s", shown, how, said);
}

/* Runs KIND.gp, then checks that it wrote every chart of its kind, and not
 * empty: a script that draws nothing must not pass for one that worked. */
static int run_job(const chartdir *cd, const char *kind, ts_err *err)
{
    char script[KIND_LEN + 8], setup[3 * KIND_LEN + 48];
    snprintf(script, sizeof script, "%s.gp", kind);
    snprintf(setup, sizeof setup, "meta='%s.meta'; data='%s.tsv'; text='%s.text'", kind, kind,
             kind);
    int rc = chartdir_gnuplot(cd->plots, script, cd->work, setup, err);
    for (size_t i = 0; rc == 0 && i < cd->n_charts; i++)
        for (int e = 0; rc == 0 && e < 2 && !strcmp(cd->charts[i].kind, kind); e++) {
            char path[PATH_LEN + NAME_LEN + 8];
            struct stat st;
            const char *ext = e ? "svg" : "png";
            snprintf(path, sizeof path, "%s/%s.%s", cd->work, cd->charts[i].name, ext);
            if (stat(path, &st) != 0 || st.st_size == 0)
                rc = ts_errf(err, "plot: %s/%s: gnuplot did not write %s.%s", cd->plots, script,
                             cd->charts[i].name, ext);
        }
    return rc;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n > k && !strcmp(s + n - k, tail);
}

/* What only gnuplot needed: the .meta, .text and .tsv files, and gnuplot.log. */
static void remove_data(const chartdir *cd)
{
    DIR *d = opendir(cd->work);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (ends_with(e->d_name, ".tsv") || ends_with(e->d_name, ".meta") ||
            ends_with(e->d_name, ".text") || !strcmp(e->d_name, "gnuplot.log")) {
            char path[PATH_LEN + 300];
            snprintf(path, sizeof path, "%s/%s", cd->work, e->d_name);
            unlink(path);
        }
    closedir(d);
}

static int write_index(const chartdir *cd, ts_err *err)
{
    char path[PATH_LEN + 16];
    snprintf(path, sizeof path, "%s/index.csv", cd->work);
    csvw *w = csvw_open(path, err);
    if (!w)
        return -1;
    static const char *const header[] = {"file", "kind", "caption"};
    for (size_t j = 0; j < 3; j++)
        csvw_str(w, header[j]);
    csvw_end_row(w);
    for (size_t i = 0; i < cd->n_charts; i++) {
        const chart *ch = &cd->charts[i];
        const char *row[3] = {ch->name, ch->kind, ch->caption};
        for (size_t j = 0; j < 3; j++)
            csvw_str(w, row[j]);
        csvw_end_row(w);
    }
    return csvw_close(w, err);
}

/* Moves the work directory to DIR/charts in one step: exchanged with the old
 * charts where the kernel can, else the old set aside until the new is in. */
static int swap_in(chartdir *cd, ts_err *err)
{
    char final[PATH_LEN + 16];
    snprintf(final, sizeof final, "%s/charts", cd->dir);
    struct stat st;
    if (lstat(final, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return ts_errf(err, "%s: exists and is not a directory", final);
        if (renameat2(AT_FDCWD, cd->work, AT_FDCWD, final, RENAME_EXCHANGE) == 0)
            return 0;   /* the old charts are now at cd->work, removed by chartdir_free */
        char old[PATH_LEN + 48];
        snprintf(old, sizeof old, "%s.old-%ld", final, (long)getpid());
        if (rename(final, old) < 0)
            return ts_errf(err, "%s: cannot replace: %s", final, strerror(errno));
        if (rename(cd->work, final) < 0) {
            int e = errno;
            rename(old, final);
            return ts_errf(err, "%s: cannot replace: %s", final, strerror(e));
        }
        outdir_remove_tree(old);
        cd->have_work = 0;
        return 0;
    }
    if (rename(cd->work, final) < 0)
        return ts_errf(err, "%s: cannot create: %s", final, strerror(errno));
    cd->have_work = 0;
    return 0;
}

int chartdir_commit(chartdir *cd, ts_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < cd->n_jobs; i++)
        rc = run_job(cd, cd->jobs[i], err);
    if (rc == 0) {
        remove_data(cd);
        rc = write_index(cd, err);
    }
    if (rc == 0)
        rc = swap_in(cd, err);
    return rc;
}
