/* Output directories (outdir.c): a command's results appear whole or not at
 * all.  begin makes DIR.tmp-XXXXXX beside DIR; commit moves it into place,
 * replacing an earlier tiersim output (manifest.txt) or an empty directory
 * but never a directory of other files; abort removes it; outdir_err_path
 * names files where they would have been; outdir_remove_tree does not
 * follow symlinks.  Every error message exactly.  Everything happens in a
 * directory made with mkdtemp. */
#include "outdir.h"
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64];

static int msg_is(const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return 1;
    fprintf(stderr, "\n  got:  %s\n  want: %s\n", got, want);
    return 0;
}
#define ASSERT_MSG(got, want) CU_ASSERT(msg_is((got), (want)))

/* base/name, in one of a few rotating buffers: for a use right away.  A path
 * kept through a test is a PATH() local. */
static const char *at(const char *name)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", base, name);
    return buf[i];
}

#define PATH(var, name) \
    char var[512];      \
    snprintf(var, sizeof var, "%s/%s", base, name)

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    CU_ASSERT_FATAL(fclose(f) == 0);
}

/* The file's text, "" when it cannot be read. */
static const char *get(const char *path)
{
    static char buf[256];
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    return buf;
}

static int is_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Entries of base whose name starts with prefix (a leftover DIR.tmp-* or
 * DIR.old-* is a bug). */
static int count_prefixed(const char *prefix)
{
    DIR *d = opendir(base);
    CU_ASSERT_FATAL(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static outdir *begin_ok(const char *dir)
{
    outdir *o = NULL;
    ts_err err;
    strcpy(err.msg, "(no message)");
    if (outdir_begin(&o, dir, &err) < 0) {
        fprintf(stderr, "\n  %s\n", err.msg);
        CU_FAIL_FATAL("outdir_begin failed");
    }
    return o;
}

/* A new DIR: the temporary directory sits beside it, named DIR.tmp-XXXXXX;
 * files go there; commit renames it, leaving nothing else behind. */
static void test_new_directory(void)
{
    PATH(dir, "run137");
    outdir *o = begin_ok(dir);
    CU_ASSERT_STRING_EQUAL(outdir_final(o), dir);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s.tmp-", dir);
    CU_ASSERT(strncmp(outdir_tmp(o), prefix, strlen(prefix)) == 0);
    CU_ASSERT_EQUAL(strlen(outdir_tmp(o)), strlen(prefix) + 6);
    CU_ASSERT(is_dir(outdir_tmp(o)));
    CU_ASSERT(!exists(dir));
    char want[700];
    snprintf(want, sizeof want, "%s/tiers.csv", outdir_tmp(o));
    CU_ASSERT_STRING_EQUAL(outdir_file(o, "tiers.csv"), want);
    put(outdir_file(o, "tiers.csv"), "tier,stock\na,137\n");
    put(outdir_file(o, "manifest.txt"), "seed: 2385\n");
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s", outdir_tmp(o));
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(outdir_commit(o, &err), 0);
    CU_ASSERT(is_dir(dir));
    CU_ASSERT(!exists(tmp));
    CU_ASSERT_STRING_EQUAL(get(at("run137/tiers.csv")), "tier,stock\na,137\n");
    CU_ASSERT_STRING_EQUAL(get(at("run137/manifest.txt")), "seed: 2385\n");
    CU_ASSERT_EQUAL(count_prefixed("run137."), 0);
    CU_ASSERT_EQUAL(outdir_remove_tree(dir), 0);
}

/* Trailing slashes are not part of the name; missing parents are made. */
static void test_names_and_parents(void)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/deep/er/out///", base);
    outdir *o = begin_ok(dir);
    CU_ASSERT_STRING_EQUAL(outdir_final(o), at("deep/er/out"));
    CU_ASSERT(is_dir(at("deep/er")));
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(outdir_commit(o, &err), 0);
    CU_ASSERT(is_dir(at("deep/er/out")));
    CU_ASSERT_EQUAL(outdir_remove_tree(at("deep")), 0);
    CU_ASSERT(!exists(at("deep")));
}

/* An earlier tiersim output is replaced as a whole (no file of the old run
 * survives, none is merged), and so is an empty directory. */
static void test_replace(void)
{
    PATH(dir, "again");
    CU_ASSERT_FATAL(mkdir(dir, 0777) == 0);
    put(at("again/manifest.txt"), "seed: 1\n");
    put(at("again/old-only.csv"), "stale\n");
    outdir *o = begin_ok(dir);
    put(outdir_file(o, "manifest.txt"), "seed: 2\n");
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(outdir_commit(o, &err), 0);
    CU_ASSERT_STRING_EQUAL(get(at("again/manifest.txt")), "seed: 2\n");
    CU_ASSERT(!exists(at("again/old-only.csv")));
    CU_ASSERT_EQUAL(count_prefixed("again."), 0);

    PATH(empty, "empty");
    CU_ASSERT_FATAL(mkdir(empty, 0777) == 0);
    o = begin_ok(empty);
    put(outdir_file(o, "manifest.txt"), "seed: 3\n");
    CU_ASSERT_EQUAL_FATAL(outdir_commit(o, &err), 0);
    CU_ASSERT_STRING_EQUAL(get(at("empty/manifest.txt")), "seed: 3\n");
    CU_ASSERT_EQUAL(count_prefixed("empty."), 0);
    CU_ASSERT_EQUAL(outdir_remove_tree(dir), 0);
    CU_ASSERT_EQUAL(outdir_remove_tree(empty), 0);
}

/* -o pointed at a folder of other files: refused at commit, the folder
 * untouched, the results not left behind. */
static void test_refuse_foreign_directory(void)
{
    PATH(dir, "Documents");
    CU_ASSERT_FATAL(mkdir(dir, 0777) == 0);
    put(at("Documents/thesis.tex"), "\\chapter{Tiers}\n");
    outdir *o = begin_ok(dir);
    put(outdir_file(o, "manifest.txt"), "seed: 4\n");
    ts_err err;
    CU_ASSERT_EQUAL(outdir_commit(o, &err), -1);
    char want[700];
    snprintf(want, sizeof want, "%s: exists and is not a tiersim output directory (no "
             "manifest.txt); not replacing it", dir);
    ASSERT_MSG(err.msg, want);
    CU_ASSERT_STRING_EQUAL(get(at("Documents/thesis.tex")), "\\chapter{Tiers}\n");
    CU_ASSERT(!exists(at("Documents/manifest.txt")));
    CU_ASSERT_EQUAL(count_prefixed("Documents."), 0);
    CU_ASSERT_EQUAL(outdir_remove_tree(dir), 0);
}

static void test_begin_errors(void)
{
    outdir *o = (outdir *)&o;
    ts_err err;
    CU_ASSERT_EQUAL(outdir_begin(&o, "", &err), -1);
    CU_ASSERT_PTR_NULL(o);
    ASSERT_MSG(err.msg, ": not a usable output directory name");

    /* A name longer than any path the module keeps (3000 bytes): the
     * message quotes it, cut to the buffer. */
    char name[3100];
    memset(name, 'n', 3001);
    name[3001] = '\0';
    CU_ASSERT_EQUAL(outdir_begin(&o, name, &err), -1);
    CU_ASSERT_PTR_NULL(o);
    CU_ASSERT(strncmp(err.msg, "nnnn", 4) == 0);
    CU_ASSERT(strcmp(err.msg + strlen(err.msg) - 3, "...") == 0);

    PATH(file, "results.csv");
    put(file, "not a directory\n");
    char want[700];
    CU_ASSERT_EQUAL(outdir_begin(&o, file, &err), -1);
    snprintf(want, sizeof want, "%s: exists and is not a directory", file);
    ASSERT_MSG(err.msg, want);
    CU_ASSERT_STRING_EQUAL(get(file), "not a directory\n");

    /* The parent cannot be made: a file is in the way. */
    PATH(below, "results.csv/sub/out");
    CU_ASSERT_EQUAL(outdir_begin(&o, below, &err), -1);
    snprintf(want, sizeof want, "%s: cannot create its parent directory: %s", below,
             strerror(ENOTDIR));
    ASSERT_MSG(err.msg, want);
    CU_ASSERT_PTR_NULL(o);

    /* The temporary directory cannot be made beside DIR.  (Root may write
     * anywhere: then there is nothing to test.) */
    if (geteuid() != 0) {
        PATH(ro, "readonly");
        CU_ASSERT_FATAL(mkdir(ro, 0555) == 0);
        PATH(inside, "readonly/out");
        CU_ASSERT_EQUAL(outdir_begin(&o, inside, &err), -1);
        snprintf(want, sizeof want, "%s: cannot create a directory beside it: %s", inside,
                 strerror(EACCES));
        ASSERT_MSG(err.msg, want);
        CU_ASSERT_EQUAL(rmdir(ro), 0);
    }
    CU_ASSERT_EQUAL(unlink(file), 0);
}

/* abort removes the temporary directory with what was written into it,
 * leaves an earlier DIR as it was, and takes NULL. */
static void test_abort(void)
{
    PATH(dir, "kept");
    CU_ASSERT_FATAL(mkdir(dir, 0777) == 0);
    put(at("kept/manifest.txt"), "seed: 5\n");
    outdir *o = begin_ok(dir);
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s", outdir_tmp(o));
    CU_ASSERT_FATAL(mkdir(outdir_file(o, "charts"), 0777) == 0);
    put(outdir_file(o, "charts/fan.dat"), "2022 137\n");
    put(outdir_file(o, "manifest.txt"), "seed: 6\n");
    outdir_abort(o);
    CU_ASSERT(!exists(tmp));
    CU_ASSERT_EQUAL(count_prefixed("kept."), 0);
    CU_ASSERT_STRING_EQUAL(get(at("kept/manifest.txt")), "seed: 5\n");
    outdir_abort(NULL);
    CU_ASSERT_EQUAL(outdir_remove_tree(dir), 0);
}

/* A message naming the temporary directory names DIR instead (the first
 * time it appears); others, a NULL outdir or a NULL err are left alone. */
static void test_err_path(void)
{
    PATH(dir, "named");
    outdir *o = begin_ok(dir);
    ts_err err;
    ts_errf(&err, "%s/tiers.csv: write failed: %s", outdir_tmp(o), strerror(ENOSPC));
    outdir_err_path(o, &err);
    char want[1200];
    snprintf(want, sizeof want, "%s/tiers.csv: write failed: %s", dir, strerror(ENOSPC));
    ASSERT_MSG(err.msg, want);

    ts_errf(&err, "gnuplot: %s/charts/fan.png and %s/x", outdir_tmp(o), outdir_tmp(o));
    outdir_err_path(o, &err);
    snprintf(want, sizeof want, "gnuplot: %s/charts/fan.png and %s/x", dir, outdir_tmp(o));
    ASSERT_MSG(err.msg, want);

    ts_errf(&err, "h.csv:7: unknown tier 'gazelle'");
    outdir_err_path(o, &err);
    ASSERT_MSG(err.msg, "h.csv:7: unknown tier 'gazelle'");
    ts_errf(&err, "%s/tiers.csv", outdir_tmp(o));
    snprintf(want, sizeof want, "%s", err.msg);
    outdir_err_path(NULL, &err);
    ASSERT_MSG(err.msg, want);
    outdir_err_path(o, NULL);
    outdir_abort(o);
    CU_ASSERT(!exists(dir));
}

/* The whole tree goes; a symlink inside is removed, not followed. */
static void test_remove_tree(void)
{
    PATH(outside, "outside");
    CU_ASSERT_FATAL(mkdir(outside, 0777) == 0);
    put(at("outside/keep.txt"), "mine\n");
    PATH(tree, "tree");
    CU_ASSERT_FATAL(mkdir(tree, 0777) == 0);
    CU_ASSERT_FATAL(mkdir(at("tree/a"), 0777) == 0);
    CU_ASSERT_FATAL(mkdir(at("tree/a/b"), 0777) == 0);
    put(at("tree/top.csv"), "1\n");
    put(at("tree/a/b/deep.csv"), "2\n");
    CU_ASSERT_FATAL(symlink(outside, at("tree/a/link")) == 0);
    CU_ASSERT_EQUAL(outdir_remove_tree(tree), 0);
    CU_ASSERT(!exists(tree));
    CU_ASSERT_STRING_EQUAL(get(at("outside/keep.txt")), "mine\n");
    CU_ASSERT_EQUAL(outdir_remove_tree(at("nothing-here")), -1);
    CU_ASSERT_EQUAL(outdir_remove_tree(outside), 0);
}

int main(void)
{
    gsl_set_error_handler_off();
    strcpy(base, "/tmp/tiersim_test_outdir_XXXXXX");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 2;
    }
    static const tu_test t[] = {
        {"a new directory", test_new_directory},
        {"trailing slashes and missing parents", test_names_and_parents},
        {"an earlier output or an empty directory is replaced", test_replace},
        {"a directory of other files is refused", test_refuse_foreign_directory},
        {"begin: errors", test_begin_errors},
        {"abort", test_abort},
        {"outdir_err_path", test_err_path},
        {"outdir_remove_tree", test_remove_tree},
        {NULL, NULL},
    };
    int rc = tu_run("outdir", t);
    /* Empty unless a test failed: then its leftovers are worth a look. */
    if (rmdir(base) != 0)
        fprintf(stderr, "left %s\n", base);
    return rc;
}
