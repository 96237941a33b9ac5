/* outdir.c -- all-or-nothing output directories. */
#define _GNU_SOURCE /* renameat2 */
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct outdir {
    char *final;
    char *tmp;
    char file[4096];
};

static int mkdir_p(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int outdir_remove_tree(const char *path)
{
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int outdir_begin(outdir **out, const char *dir, ts_err *err)
{
    *out = NULL;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0 || n > 3000)
        return ts_errf(err, "%s: not a usable output directory name", dir);
    outdir *o = calloc(1, sizeof *o);
    if (!o)
        return ts_errf(err, "out of memory");
    o->final = malloc(n + 1);
    o->tmp = malloc(n + 16);
    if (!o->final || !o->tmp) {
        free(o->final);
        free(o->tmp);
        free(o);
        return ts_errf(err, "out of memory");
    }
    memcpy(o->final, dir, n);
    o->final[n] = '\0';

    struct stat st;
    if (lstat(o->final, &st) == 0 && !S_ISDIR(st.st_mode)) {
        ts_errf(err, "%s: exists and is not a directory", o->final);
        goto fail;
    }
    /* The parent must exist for the temporary directory to sit beside DIR. */
    char *slash = strrchr(o->final, '/');
    if (slash && slash != o->final) {
        *slash = '\0';
        int rc = mkdir_p(o->final);
        *slash = '/';
        if (rc < 0) {
            ts_errf(err, "%s: cannot create its parent directory: %s", o->final, strerror(errno));
            goto fail;
        }
    }
    snprintf(o->tmp, n + 16, "%s.tmp-XXXXXX", o->final);
    if (!mkdtemp(o->tmp)) {
        ts_errf(err, "%s: cannot create a directory beside it: %s", o->final, strerror(errno));
        goto fail;
    }
    *out = o;
    return 0;
fail:
    free(o->final);
    free(o->tmp);
    free(o);
    return -1;
}

const char *outdir_tmp(const outdir *o)
{
    return o->tmp;
}

const char *outdir_final(const outdir *o)
{
    return o->final;
}

const char *outdir_file(outdir *o, const char *name)
{
    snprintf(o->file, sizeof o->file, "%s/%s", o->tmp, name);
    return o->file;
}

static void outdir_release(outdir *o)
{
    free(o->final);
    free(o->tmp);
    free(o);
}

int outdir_sub(outdir **out, const outdir *parent, const char *rel, ts_err *err)
{
    *out = NULL;
    outdir *o = calloc(1, sizeof *o);
    size_t nt = strlen(parent->tmp) + strlen(rel) + 2, nf = strlen(parent->final) + strlen(rel) + 2;
    if (!o || !(o->tmp = malloc(nt)) || !(o->final = malloc(nf))) {
        if (o)
            free(o->tmp);
        free(o);
        return ts_errf(err, "out of memory");
    }
    snprintf(o->tmp, nt, "%s/%s", parent->tmp, rel);
    snprintf(o->final, nf, "%s/%s", parent->final, rel);
    if (mkdir_p(o->tmp) < 0) {
        ts_errf(err, "%s: cannot create: %s", o->tmp, strerror(errno));
        outdir_release(o);
        return -1;
    }
    *out = o;
    return 0;
}

void outdir_sub_end(outdir *o)
{
    if (o)
        outdir_release(o);
}

/* An existing DIR may be replaced when tiersim wrote it (manifest.txt) or
 * when it is empty: -o pointed at a folder of other files is refused. */
static int replaceable(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    if (access(path, F_OK) == 0)
        return 1;
    return rmdir(dir) == 0; /* empty: removed, and the rename below creates it */
}

int outdir_commit(outdir *o, ts_err *err)
{
    /* fsync of the files is left to the OS: the rename is what makes the
     * directory appear whole. */
    struct stat st;
    int rc = 0;
    if (lstat(o->final, &st) == 0) {
        if (!replaceable(o->final)) {
            rc = ts_errf(err, "%s: exists and is not a tiersim output directory (no manifest.txt);"
                         " not replacing it", o->final);
        } else if (lstat(o->final, &st) == 0) {
            /* Swap in one step, so that DIR is never missing, then remove the
             * old contents now sitting at the temporary name. */
            if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->final, RENAME_EXCHANGE) == 0) {
                outdir_remove_tree(o->tmp);
                outdir_release(o);
                return 0;
            }
            char old[4200];
            snprintf(old, sizeof old, "%s.old-%ld", o->final, (long)getpid());
            if (rename(o->final, old) < 0 || rename(o->tmp, o->final) < 0)
                rc = ts_errf(err, "%s: cannot move the results into place: %s", o->final,
                             strerror(errno));
            else
                outdir_remove_tree(old);
        } else if (rename(o->tmp, o->final) < 0) {
            rc = ts_errf(err, "%s: cannot move the results into place: %s", o->final,
                         strerror(errno));
        }
    } else if (rename(o->tmp, o->final) < 0) {
        rc = ts_errf(err, "%s: cannot move the results into place: %s", o->final, strerror(errno));
    }
    if (rc < 0) {
        outdir_abort(o);
        return -1;
    }
    outdir_release(o);
    return 0;
}

void outdir_abort(outdir *o)
{
    if (!o)
        return;
    outdir_remove_tree(o->tmp);
    outdir_release(o);
}

void outdir_err_path(const outdir *o, ts_err *err)
{
    if (!o || !err)
        return;
    const char *at = strstr(err->msg, o->tmp);
    if (!at)
        return;
    char rest[sizeof err->msg];
    snprintf(rest, sizeof rest, "%s", at + strlen(o->tmp));
    int head = (int)(at - err->msg);
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%.*s", head, err->msg);
    ts_errf(err, "%s%s%s", msg, o->final, rest);
}
