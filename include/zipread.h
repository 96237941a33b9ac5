#ifndef TIERSIM_ZIPREAD_H
#define TIERSIM_ZIPREAD_H

#include <stddef.h>
#include <stdint.h>

#include "tserr.h"

/* Reading a zip archive back (zlib's inflate): enough of the format to check
 * a workbook tiersim has just written -- every member complete, its CRC
 * right -- and for the tests to look inside one.  No ZIP64, no encryption,
 * one disk: what libxlsxwriter writes for files under 4 GiB.  Every offset
 * and size is checked against the file, so a damaged archive is an error,
 * never a read out of bounds. */

typedef struct {
    char *name;                 /* NUL-terminated */
    uint16_t method;            /* 0 stored, 8 deflated */
    uint16_t dos_time, dos_date;        /* as the central directory has them */
    uint16_t local_time, local_date;    /* as the member's local header has them */
    uint32_t crc, csize, usize;
    size_t data;                /* offset of the compressed bytes in the file */
} zipr_entry;

typedef struct zipr zipr;

/* Reads PATH (at most 1 GiB) and its central directory.  -1 with
 * "PATH: cannot read: ..." or "PATH: not a zip archive (...)". */
int zipr_open(zipr **out, const char *path, ts_err *err);
void zipr_close(zipr *z);       /* NULL is a no-op */

size_t zipr_count(const zipr *z);
const zipr_entry *zipr_at(const zipr *z, size_t i);
/* The index of member NAME, or -1. */
long zipr_find(const zipr *z, const char *name);
/* Member i uncompressed, NUL-terminated, into *data (free with free()), its
 * length in *len (may be NULL); its size and CRC-32 checked.  -1 with
 * "PATH: MEMBER: ..." when the member is damaged or cut short. */
int zipr_read(const zipr *z, size_t i, char **data, size_t *len, ts_err *err);

#endif
