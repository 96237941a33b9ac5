#ifndef TIERSIM_FILEFIX_H
#define TIERSIM_FILEFIX_H

/* Files and directories for the suites that read or draw output directories
 * (csvio, html, plot, sensplot, chartdir): written here, not with the code
 * under test, so that a bug there cannot hide itself.  Static inline, as
 * each suite uses a part of them. */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outdir.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "testutil.h"

/* The whole file, NUL-terminated (its length in *len when len is not NULL);
 * NULL when it cannot be read. */
static inline char *tf_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

static inline int tf_spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* DIR/NAME, read or written. */
static inline char *tf_file_in(const char *dir, const char *name, size_t *len)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return tf_slurp(path, len);
}

static inline int tf_write_in(const char *dir, const char *name, const char *text)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return tf_spit(path, text);
}

static inline int tf_exists(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* PATH set to DIR alone, so that no gnuplot is found; returns the old value
 * for tf_path_restore. */
static inline char *tf_path_only(const char *dir)
{
    const char *path = getenv("PATH");
    char *saved = path ? strdup(path) : NULL;
    setenv("PATH", dir, 1);
    return saved;
}

static inline void tf_path_restore(char *saved)
{
    if (saved)
        setenv("PATH", saved, 1);
    else
        unsetenv("PATH");
    free(saved);
}

/* A fresh directory whose name has a space, quotes and a '$': no file name
 * may reach a shell or gnuplot's parser. */
static inline void tf_make_dir(char *buf, size_t len)
{
    snprintf(buf, len, "%s/tiersim plot 'it''s' \"q\" $HOME.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(buf));
}

/* Copies the regular files of a fixture directory into dst. */
static inline void tf_copy_fixture(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *text = tf_file_in(src, e->d_name, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        CU_ASSERT_EQUAL(tf_write_in(dst, e->d_name, text), 0);
        free(text);
    }
    closedir(d);
}

/* Nothing but the charts and index.csv in DIR/charts, nothing left beside
 * (no charts.tmp-*, no charts.old-*). */
static inline int tf_clean(const char *dir)
{
    int ok = 1;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".tmp-") || strstr(e->d_name, ".old-")) {
            fprintf(stderr, "\n  left behind: %s\n", e->d_name);
            ok = 0;
        }
    if (d)
        closedir(d);
    char charts[4200];
    snprintf(charts, sizeof charts, "%s/charts", dir);
    d = opendir(charts);
    while (d && (e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] != '.' && (!dot || (strcmp(dot, ".png") && strcmp(dot, ".svg") &&
                                             strcmp(e->d_name, "index.csv")))) {
            fprintf(stderr, "\n  unexpected in charts/: %s\n", e->d_name);
            ok = 0;
        }
    }
    if (d)
        closedir(d);
    return ok;
}

/* DIR/charts/NAME.png: a PNG signature, 1600x1000, of a plausible size. */
static inline int tf_png_ok(const char *dir, const char *name)
{
    size_t n = 0;
    char file[256];
    snprintf(file, sizeof file, "charts/%s.png", name);
    unsigned char *p = (unsigned char *)tf_file_in(dir, file, &n);
    int ok = p && n > 20000 && n < 3000000 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8) &&
             !memcmp(p + 12, "IHDR", 4) &&
             ((uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 | (uint32_t)p[18] << 8 | p[19]) == 1600 &&
             ((uint32_t)p[20] << 24 | (uint32_t)p[21] << 16 | (uint32_t)p[22] << 8 | p[23]) == 1000;
    if (!ok)
        fprintf(stderr, "\n  %s: not a plausible 1600x1000 PNG (%zu bytes)\n", file, n);
    free(p);
    return ok;
}

/* DIR/charts/NAME.svg: an SVG that holds each of the NULL-terminated texts. */
static inline int tf_svg_has(const char *dir, const char *name, const char *const *texts)
{
    char file[256];
    snprintf(file, sizeof file, "charts/%s.svg", name);
    char *s = tf_file_in(dir, file, NULL);
    int ok = s && strstr(s, "<svg") && strstr(s, "</svg>");
    for (const char *const *t = texts; ok && *t; t++)
        if (!strstr(s, *t)) {
            fprintf(stderr, "\n  %s lacks '%s'\n", file, *t);
            ok = 0;
        }
    free(s);
    return ok;
}

/* Whether DIR/NAME reads exactly `want`; prints both when it does not. */
static inline int tf_file_is(const char *dir, const char *name, const char *want)
{
    char *got = tf_file_in(dir, name, NULL);
    int ok = got && !strcmp(got, want);
    if (!ok)
        fprintf(stderr, "\n  %s:\n--- got\n%s--- want\n%s---\n", name, got ? got : "(missing)\n",
                want);
    free(got);
    return ok;
}


/* Parses the scenario text `ini` (named `name` in messages), runs it on one
 * thread and writes its run CSVs into a fresh directory: its path in dir
 * (remove it with outdir_remove_tree).
 * Fails the test (fatally) when any step fails. */
static inline void tf_run_into(const char *ini, const char *name, char *dir, size_t len)
{
    scenario *s = NULL;
    ts_err err;
    int rc = scenario_parse_string(&s, ini, name, &err);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    runner_opts o;
    runner_opts_init(&o, s);
    o.threads = 1;
    runner_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(runner_run(s, &o, &r, &err), 0);
    /* A fresh empty directory is one outdir_begin may replace. */
    tf_make_dir(dir, len);
    outdir *od = NULL;
    CU_ASSERT_EQUAL_FATAL(outdir_begin(&od, dir, &err), 0);
    CU_ASSERT_EQUAL(report_write_run(od, s, r, &err), 0);
    CU_ASSERT_EQUAL(outdir_commit(od, &err), 0);
    runner_result_free(r);
    scenario_free(s);
}

#endif
