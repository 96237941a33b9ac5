#ifndef TIERSIM_MANIFEST_H
#define TIERSIM_MANIFEST_H

#include <stddef.h>

#include "tserr.h"

/* manifest.txt, the provenance of every output directory: "key: value"
 * lines in the order they were added, so that the CSVs stay plain for Excel.
 * One writer for every command: the commands feed it pairs. */

/* Enough for the shared lines, a command's own and a fit's warnings
 * (cli_manifest_fit copies at most 100). */
#define MANIFEST_MAX 256

typedef struct {
    size_t n;
    const char *key[MANIFEST_MAX];
    char *value[MANIFEST_MAX];          /* owned */
    int failed;                         /* out of memory or over MANIFEST_MAX */
} manifest;

void manifest_init(manifest *m);
/* Adds "key: value" with the value formatted as printf does.  A key may
 * repeat (one line per parameter's distribution, say). */
void manifest_add(manifest *m, const char *key, const char *fmt, ...) TS_PRINTF(3, 4);
/* The value of the first line with key, or NULL. */
const char *manifest_get(const manifest *m, const char *key);
/* Writes every line to path.  -1 with "PATH: cannot write: ..." or
 * "PATH: write failed: ...". */
int manifest_write(const manifest *m, const char *path, ts_err *err);
void manifest_free(manifest *m);        /* NULL is a no-op; m may be reused after init */

#endif
