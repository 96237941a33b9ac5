#ifndef TIERSIM_OUTDIR_H
#define TIERSIM_OUTDIR_H

#include "tserr.h"

/* Output directories that appear whole or not at all.  A command writes into
 * a fresh temporary directory beside DIR ("DIR.tmp-XXXXXX") and commits it by
 * renaming it into place; an earlier DIR is replaced only when it is a
 * tiersim output (it holds manifest.txt) or empty, never merged. */

typedef struct outdir outdir;

int outdir_begin(outdir **out, const char *dir, ts_err *err);
const char *outdir_tmp(const outdir *o);       /* where to write now */
const char *outdir_final(const outdir *o);     /* where it will be */
/* tmp/name, in a buffer owned by o (valid until the next call). */
const char *outdir_file(outdir *o, const char *name);
/* Moves the temporary directory into place and frees o. */
int outdir_commit(outdir *o, ts_err *err);
/* Removes the temporary directory and frees o; NULL is a no-op. */
void outdir_abort(outdir *o);
/* A message naming a file in the temporary directory is rewritten to name
 * it where it would have been (DIR/x rather than DIR.tmp-XXXXXX/x): the
 * temporary directory is gone once the command has failed.  o may be NULL. */
void outdir_err_path(const outdir *o, ts_err *err);

/* A subdirectory REL of parent's temporary directory (created, with its
 * parents), written through the same calls; it appears when parent is
 * committed, and goes with it when parent is aborted.  End it with
 * outdir_sub_end (before parent's commit or abort). */
int outdir_sub(outdir **out, const outdir *parent, const char *rel, ts_err *err);
void outdir_sub_end(outdir *o);     /* NULL is a no-op */

/* Removes a directory tree (no symlinks followed).  0 or -1. */
int outdir_remove_tree(const char *path);

#endif
