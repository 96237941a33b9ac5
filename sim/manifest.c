/* manifest.c -- manifest.txt: "key: value" lines, one writer for every command. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

void manifest_init(manifest *m)
{
    memset(m, 0, sizeof *m);
}

void manifest_add(manifest *m, const char *key, const char *fmt, ...)
{
    if (m->failed)
        return;
    if (m->n == MANIFEST_MAX) {
        m->failed = 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *v = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (!v) {
        m->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(v, (size_t)len + 1, fmt, ap);
    va_end(ap);
    m->key[m->n] = key;
    m->value[m->n++] = v;
}

const char *manifest_get(const manifest *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->key[i], key))
            return m->value[i];
    return NULL;
}

int manifest_write(const manifest *m, const char *path, ts_err *err)
{
    /* A manifest that lost a line would misstate the provenance: refuse it. */
    if (m->failed)
        return ts_errf(err, "%s: cannot write: out of memory or more than %d lines", path,
                       MANIFEST_MAX);
    FILE *f = fopen(path, "w");
    if (!f)
        return ts_errf(err, "%s: cannot write: %s", path, strerror(errno));
    for (size_t i = 0; i < m->n; i++)
        fprintf(f, "%s: %s\n", m->key[i], m->value[i]);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return ts_errf(err, "%s: write failed: %s", path, strerror(errno ? errno : EIO));
    return 0;
}

void manifest_free(manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->value[i]);
    manifest_init(m);
}
