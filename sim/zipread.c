/* zipread.c -- a zip archive read back: central directory, members inflated
 * with zlib and checked against their sizes and CRCs. */
#include "zipread.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ZIPR_BYTES_MAX (1L << 30)

struct zipr {
    char *path;
    unsigned char *buf;
    size_t len;
    zipr_entry *e;
    size_t n;
};

static uint16_t u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int read_all(zipr *z, ts_err *err)
{
    FILE *f = fopen(z->path, "rb");
    if (!f)
        return ts_errf(err, "%s: cannot read: %s", z->path, strerror(errno));
    size_t cap = 1 << 16;
    z->buf = malloc(cap);
    while (z->buf) {
        z->len += fread(z->buf + z->len, 1, cap - z->len, f);
        if (z->len < cap || cap > (size_t)ZIPR_BYTES_MAX)
            break;
        unsigned char *b = realloc(z->buf, 2 * cap);
        if (!b) {
            free(z->buf);
            z->buf = NULL;
            break;
        }
        z->buf = b;
        cap *= 2;
    }
    int bad = ferror(f), why = errno;
    fclose(f);
    if (!z->buf)
        return ts_errf(err, "%s: out of memory", z->path);
    if (z->len > (size_t)ZIPR_BYTES_MAX)
        return ts_errf(err, "%s: larger than %ld bytes", z->path, ZIPR_BYTES_MAX);
    if (bad)
        return ts_errf(err, "%s: cannot read: %s", z->path, why ? strerror(why) : "read error");
    return 0;
}

static int not_zip(const zipr *z, const char *why, ts_err *err)
{
    return ts_errf(err, "%s: not a zip archive (%s)", z->path, why);
}

/* The end of central directory record: the last signature that leaves room
 * for the record and its comment. */
static int find_directory(zipr *z, size_t *cd_off, size_t *cd_n, ts_err *err)
{
    const unsigned char *b = z->buf;
    if (z->len < 22)
        return not_zip(z, "too short", err);
    size_t lowest = z->len > 22 + 65535 ? z->len - 22 - 65535 : 0;
    for (size_t at = z->len - 22;; at--) {
        if (u32(b + at) == 0x06054b50 && at + 22 + u16(b + at + 20) == z->len) {
            if (u16(b + at + 4) != 0 || u16(b + at + 6) != 0 || u16(b + at + 8) != u16(b + at + 10))
                return not_zip(z, "several disks", err);
            size_t off = u32(b + at + 16), size = u32(b + at + 12);
            if (off == 0xFFFFFFFFu || u16(b + at + 10) == 0xFFFF)
                return not_zip(z, "ZIP64", err);
            if (off > at || size > at - off)
                return not_zip(z, "central directory outside the file", err);
            *cd_off = off;
            *cd_n = u16(b + at + 10);
            return 0;
        }
        if (at == lowest)
            break;
    }
    return not_zip(z, "no end of central directory", err);
}

static int read_entries(zipr *z, size_t off, size_t n, ts_err *err)
{
    const unsigned char *b = z->buf;
    z->e = calloc(n ? n : 1, sizeof *z->e);
    if (!z->e)
        return ts_errf(err, "%s: out of memory", z->path);
    for (size_t i = 0; i < n; i++) {
        if (off > z->len || z->len - off < 46 || u32(b + off) != 0x02014b50)
            return not_zip(z, "bad central directory entry", err);
        const unsigned char *c = b + off;
        size_t name_len = u16(c + 28), extra = u16(c + 30), comment = u16(c + 32);
        if (z->len - off - 46 < name_len + extra + comment)
            return not_zip(z, "central directory entry past the end", err);
        zipr_entry *e = &z->e[z->n];
        if (!(e->name = malloc(name_len + 1)))
            return ts_errf(err, "%s: out of memory", z->path);
        z->n++;
        memcpy(e->name, c + 46, name_len);
        e->name[name_len] = '\0';
        if (u16(c + 8) & 1)
            return not_zip(z, "encrypted member", err);
        e->method = u16(c + 10);
        e->dos_time = u16(c + 12);
        e->dos_date = u16(c + 14);
        e->crc = u32(c + 16);
        e->csize = u32(c + 20);
        e->usize = u32(c + 24);
        if (e->csize == 0xFFFFFFFFu || e->usize == 0xFFFFFFFFu)
            return not_zip(z, "ZIP64 member", err);
        size_t loc = u32(c + 42);
        if (loc > z->len || z->len - loc < 30 || u32(b + loc) != 0x04034b50)
            return not_zip(z, "bad local header", err);
        e->local_time = u16(b + loc + 10);
        e->local_date = u16(b + loc + 12);
        size_t head = 30 + (size_t)u16(b + loc + 26) + u16(b + loc + 28);
        if (z->len - loc < head || z->len - loc - head < e->csize)
            return not_zip(z, "member data past the end", err);
        e->data = loc + head;
        off += 46 + name_len + extra + comment;
    }
    return 0;
}

int zipr_open(zipr **out, const char *path, ts_err *err)
{
    *out = NULL;
    zipr *z = calloc(1, sizeof *z);
    if (!z || !(z->path = strdup(path))) {
        free(z);
        return ts_errf(err, "%s: out of memory", path);
    }
    size_t off = 0, n = 0;
    if (read_all(z, err) < 0 || find_directory(z, &off, &n, err) < 0 ||
        read_entries(z, off, n, err) < 0) {
        zipr_close(z);
        return -1;
    }
    *out = z;
    return 0;
}

void zipr_close(zipr *z)
{
    if (!z)
        return;
    for (size_t i = 0; i < z->n; i++)
        free(z->e[i].name);
    free(z->e);
    free(z->buf);
    free(z->path);
    free(z);
}

size_t zipr_count(const zipr *z)
{
    return z->n;
}

const zipr_entry *zipr_at(const zipr *z, size_t i)
{
    return &z->e[i];
}

long zipr_find(const zipr *z, const char *name)
{
    for (size_t i = 0; i < z->n; i++)
        if (!strcmp(z->e[i].name, name))
            return (long)i;
    return -1;
}

int zipr_read(const zipr *z, size_t i, char **data, size_t *len, ts_err *err)
{
    const zipr_entry *e = &z->e[i];
    *data = NULL;
    char *out = malloc((size_t)e->usize + 1);
    if (!out)
        return ts_errf(err, "%s: %s: out of memory", z->path, e->name);
    const unsigned char *in = z->buf + e->data;
    if (e->method == 0) {
        if (e->csize != e->usize) {
            free(out);
            return ts_errf(err, "%s: %s: stored member of the wrong size", z->path, e->name);
        }
        if (e->usize)
            memcpy(out, in, e->usize);
    } else if (e->method == 8) {
        z_stream s;
        memset(&s, 0, sizeof s);
        if (inflateInit2(&s, -MAX_WBITS) != Z_OK) {
            free(out);
            return ts_errf(err, "%s: %s: out of memory", z->path, e->name);
        }
        s.next_in = (Bytef *)(uintptr_t)in; /* zlib's API is not const; it only reads */
        s.avail_in = e->csize;
        s.next_out = (Bytef *)out;
        s.avail_out = e->usize;
        int rc = inflate(&s, Z_FINISH);
        uLong got = s.total_out;
        inflateEnd(&s);
        if (rc != Z_STREAM_END || got != e->usize) {
            free(out);
            return ts_errf(err, "%s: %s: damaged or cut short (%s)", z->path, e->name,
                           rc == Z_STREAM_END ? "wrong size" : "inflate failed");
        }
    } else {
        free(out);
        return ts_errf(err, "%s: %s: compression method %u not supported", z->path, e->name,
                       (unsigned)e->method);
    }
    if (crc32(crc32(0L, Z_NULL, 0), (const Bytef *)out, e->usize) != e->crc) {
        free(out);
        return ts_errf(err, "%s: %s: CRC mismatch", z->path, e->name);
    }
    out[e->usize] = '\0';
    *data = out;
    if (len)
        *len = e->usize;
    return 0;
}
