/* zipread: archives built byte by byte here (stored and deflated members),
 * read back; damaged ones -- a wrong CRC, a deflate stream cut short, a
 * directory pointing past the end, no end record -- refused with a message,
 * never read out of bounds (the suite also runs under ASan). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "testutil.h"
#include "zipread.h"

typedef struct {
    unsigned char b[8192];
    size_t n;
} bytes;

static void put16(bytes *z, unsigned v)
{
    z->b[z->n++] = (unsigned char)(v & 0xff);
    z->b[z->n++] = (unsigned char)(v >> 8 & 0xff);
}

static void put32(bytes *z, unsigned long v)
{
    put16(z, (unsigned)(v & 0xffff));
    put16(z, (unsigned)(v >> 16 & 0xffff));
}

static void put(bytes *z, const void *p, size_t n)
{
    memcpy(z->b + z->n, p, n);
    z->n += n;
}

typedef struct {
    const char *name, *text;
    int deflate;
    unsigned long crc_xor;      /* nonzero: a wrong CRC in the directory */
    size_t cut;                 /* bytes of the compressed data left out */
} member;

/* An archive of the members, with 1980-01-01 00:00 timestamps (date 0x21)
 * in the local headers and 2001-02-03 in the directory, to tell them apart. */
static void build(bytes *z, const member *m, size_t n)
{
    size_t off[8];
    unsigned char data[8][2048];
    unsigned long size[8];
    z->n = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(m[i].text);
        if (m[i].deflate) {
            z_stream s;
            memset(&s, 0, sizeof s);
            CU_ASSERT_EQUAL_FATAL(deflateInit2(&s, 9, Z_DEFLATED, -MAX_WBITS, 8,
                                               Z_DEFAULT_STRATEGY), Z_OK);
            s.next_in = (Bytef *)(uintptr_t)m[i].text;
            s.avail_in = (uInt)len;
            s.next_out = data[i];
            s.avail_out = sizeof data[i];
            CU_ASSERT_EQUAL_FATAL(deflate(&s, Z_FINISH), Z_STREAM_END);
            size[i] = s.total_out;
            deflateEnd(&s);
        } else {
            memcpy(data[i], m[i].text, len);
            size[i] = len;
        }
        size[i] -= m[i].cut;
        off[i] = z->n;
        put32(z, 0x04034b50);
        put16(z, 20);
        put16(z, 0);
        put16(z, m[i].deflate ? 8 : 0);
        put16(z, 0);
        put16(z, 0x21);
        put32(z, crc32(0, (const Bytef *)m[i].text, (uInt)len));
        put32(z, size[i]);
        put32(z, len);
        put16(z, (unsigned)strlen(m[i].name));
        put16(z, 0);
        put(z, m[i].name, strlen(m[i].name));
        put(z, data[i], size[i]);
    }
    size_t cd = z->n;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(m[i].text);
        put32(z, 0x02014b50);
        put16(z, 20);
        put16(z, 20);
        put16(z, 0);
        put16(z, m[i].deflate ? 8 : 0);
        put16(z, 0x6000);
        put16(z, (21u << 9) | (2u << 5) | 3u);
        put32(z, crc32(0, (const Bytef *)m[i].text, (uInt)len) ^ m[i].crc_xor);
        put32(z, size[i]);
        put32(z, len);
        put16(z, (unsigned)strlen(m[i].name));
        put16(z, 0);
        put16(z, 0);
        put16(z, 0);
        put16(z, 0);
        put32(z, 0);
        put32(z, off[i]);
        put(z, m[i].name, strlen(m[i].name));
    }
    size_t cd_size = z->n - cd;
    put32(z, 0x06054b50);
    put16(z, 0);
    put16(z, 0);
    put16(z, (unsigned)n);
    put16(z, (unsigned)n);
    put32(z, cd_size);
    put32(z, cd);
    put16(z, 0);
}

static char path[256];

static void spit(const bytes *z, size_t n)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(z->b, 1, n, f), n);
    fclose(f);
}

static void test_read(void)
{
    static const char text[] = "<a><b>甲乙 repeated repeated repeated repeated</b></a>";
    member m[] = {{"x.txt", "stored text", 0, 0, 0}, {"dir/y.xml", text, 1, 0, 0}};
    bytes z;
    build(&z, m, 2);
    spit(&z, z.n);
    zipr *r;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(zipr_open(&r, path, &err), 0);
    CU_ASSERT_EQUAL(zipr_count(r), 2);
    CU_ASSERT_EQUAL(zipr_find(r, "dir/y.xml"), 1);
    CU_ASSERT_EQUAL(zipr_find(r, "nope"), -1);
    const zipr_entry *e = zipr_at(r, 1);
    CU_ASSERT_EQUAL(e->method, 8);
    CU_ASSERT_EQUAL(e->local_date, 0x21);
    CU_ASSERT_EQUAL(e->local_time, 0);
    CU_ASSERT_EQUAL(e->dos_date, (21u << 9) | (2u << 5) | 3u);
    CU_ASSERT_EQUAL(e->dos_time, 0x6000);
    char *data;
    size_t len;
    CU_ASSERT_EQUAL(zipr_read(r, 0, &data, &len, &err), 0);
    CU_ASSERT_STRING_EQUAL(data, "stored text");
    CU_ASSERT_EQUAL(len, 11);
    free(data);
    CU_ASSERT_EQUAL(zipr_read(r, 1, &data, NULL, &err), 0);
    CU_ASSERT_STRING_EQUAL(data, text);
    free(data);
    zipr_close(r);
    zipr_close(NULL);
}

static void expect_member_error(const member *m, const char *want)
{
    bytes z;
    build(&z, m, 1);
    spit(&z, z.n);
    zipr *r;
    ts_err err;
    CU_ASSERT_EQUAL_FATAL(zipr_open(&r, path, &err), 0);
    char *data = (char *)"untouched";
    CU_ASSERT_EQUAL(zipr_read(r, 0, &data, NULL, &err), -1);
    CU_ASSERT_PTR_NULL(data);
    char msg[600];
    snprintf(msg, sizeof msg, "%s: %s: %s", path, m->name, want);
    CU_ASSERT_STRING_EQUAL(err.msg, msg);
    zipr_close(r);
}

static void test_damaged_member(void)
{
    static const char text[] = "<worksheet><row/><row/><row/><row/><row/><row/></worksheet>";
    member crc = {"a.xml", text, 1, 1, 0};
    expect_member_error(&crc, "CRC mismatch");
    member stored = {"a.xml", "plain", 0, 0x10, 0};
    expect_member_error(&stored, "CRC mismatch");
    member cut = {"a.xml", text, 1, 0, 5};
    expect_member_error(&cut, "damaged or cut short (inflate failed)");
    member short_stored = {"a.xml", "plain", 0, 0, 2};
    expect_member_error(&short_stored, "stored member of the wrong size");
}

static void expect_open_error(size_t n, const bytes *z, const char *want)
{
    spit(z, n);
    zipr *r = (zipr *)1;
    ts_err err;
    CU_ASSERT_EQUAL(zipr_open(&r, path, &err), -1);
    CU_ASSERT_PTR_NULL(r);
    char msg[600];
    snprintf(msg, sizeof msg, "%s: %s", path, want);
    CU_ASSERT_STRING_EQUAL(err.msg, msg);
}

static void test_damaged_archive(void)
{
    member m[] = {{"x.txt", "stored text", 0, 0, 0}};
    bytes z;
    build(&z, m, 1);
    expect_open_error(0, &z, "not a zip archive (too short)");
    expect_open_error(z.n - 1, &z, "not a zip archive (no end of central directory)");
    /* the directory's offset past the end of the file */
    bytes bad = z;
    bad.b[bad.n - 6] = 0xff;
    bad.b[bad.n - 5] = 0xff;
    expect_open_error(bad.n, &bad, "not a zip archive (central directory outside the file)");
    /* a member's local header offset past the end */
    bad = z;
    size_t cd = (size_t)bad.b[bad.n - 6] | (size_t)bad.b[bad.n - 5] << 8;
    bad.b[cd + 42] = 0xf0;
    expect_open_error(bad.n, &bad, "not a zip archive (bad local header)");
    /* a member whose compressed size runs past the end */
    bad = z;
    bad.b[cd + 20] = 0xff;
    bad.b[cd + 21] = 0xff;
    expect_open_error(bad.n, &bad, "not a zip archive (member data past the end)");
    ts_err err;
    zipr *r;
    CU_ASSERT_EQUAL(zipr_open(&r, "/nonexistent/x.zip", &err), -1);
    CU_ASSERT_STRING_EQUAL(err.msg, "/nonexistent/x.zip: cannot read: No such file or directory");
}

int main(void)
{
    snprintf(path, sizeof path, "%s/tiersim-zipread-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return 2;
    close(fd);
    static const tu_test tests[] = {
        {"stored and deflated members read back", test_read},
        {"a damaged member is refused", test_damaged_member},
        {"a damaged archive is refused", test_damaged_archive},
        {NULL, NULL},
    };
    int rc = tu_run("zipread", tests);
    unlink(path);
    return rc;
}
