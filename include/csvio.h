#ifndef TIERSIM_CSVIO_H
#define TIERSIM_CSVIO_H

#include <stddef.h>
#include <stdint.h>

#include "tserr.h"

/* Plain CSV tables (one header row, comma separated, '\n' line ends, UTF-8),
 * readable as they are by Excel, R and pandas.  Text fields are quoted with
 * libcsv only when they need it; numbers never are.  Every write is checked:
 * csvw_close reports the first failure (a full disk, say). */

typedef struct csvw csvw;

csvw *csvw_open(const char *path, ts_err *err);
void csvw_str(csvw *w, const char *s);
void csvw_int(csvw *w, int64_t v);
void csvw_num(csvw *w, double v);    /* %.10g; NaN and infinities as an empty field */
void csvw_prob(csvw *w, double p);   /* %.6f */
void csvw_end_row(csvw *w);
/* Closes the file; -1 with err naming the file when any write failed. */
int csvw_close(csvw *w, ts_err *err);

/* Reading, in both readers below: the file is decoded to UTF-8 first
 * (textin_decode: UTF-8 with or without a BOM, else GB18030; UTF-16 and NUL
 * bytes refused), and its separator is the one of ',', ';' and tab that its
 * header line (the first line that is not blank) has outside quotes: Excel
 * writes ';' where the decimal mark is a comma, and tabs as "Text".  A header
 * with none of them is one column (','); one with two of them is refused,
 * "FILE:LINE: the header has both ',' and ';' outside quotes: which separates
 * the columns? save it with one of them" (tab written "tab").
 *
 * A whole table in memory (the files tiersim reads back are its own
 * outputs and small).  The first row is the header; CRLF accepted, quoted
 * fields follow RFC 4180 (libcsv, strict mode), blank lines are ignored.
 * Fields are read as text; csvt_num parses them with the strict number
 * parser and names the file, line and column when it fails. */

typedef struct csvt csvt;

csvt *csvt_read(const char *path, ts_err *err);
void csvt_free(csvt *t);                                   /* NULL is a no-op */
const char *csvt_path(const csvt *t);
size_t csvt_rows(const csvt *t);                           /* data rows (no header) */
size_t csvt_cols(const csvt *t);                           /* columns of the header */
const char *csvt_header(const csvt *t, long col);          /* "" beyond the header */
/* Index of column NAME, or -1 with "FILE: missing column 'NAME'" in err. */
long csvt_col(const csvt *t, const char *name, ts_err *err);
/* Field of a data row; "" when the row is shorter than the header. */
const char *csvt_field(const csvt *t, size_t row, long col);
int csvt_line(const csvt *t, size_t row);                  /* line in the file (header: 1) */
/* A number; -1 with "FILE:LINE: column 'NAME': expected a number, got 'X'".
 * With allow_empty, an empty field reads as NaN. */
int csvt_num(const csvt *t, size_t row, long col, int allow_empty, double *out, ts_err *err);
/* 1 when the file was not UTF-8 and was read as GB18030. */
int csvt_gb18030(const csvt *t);

/* Reading: every row of the file (the header too) is passed to `row` with
 * the physical line it ends on, its fields unquoted, NUL-terminated and
 * UTF-8.  Decoding and separator as above; CRLF and LF line ends are both
 * accepted; blank lines are skipped.  Malformed quoting is an error naming
 * the line.  `row` returns 0 to go on or -1 (with err filled) to stop. */
typedef int (*csvr_row_fn)(void *ctx, int line, char *const *fields, size_t n, ts_err *err);
int csvr_read(const char *path, csvr_row_fn row, void *ctx, ts_err *err);
/* The same on LEN bytes in memory (they need not be NUL-terminated); `name`
 * stands for the file in messages.  csvr_read reads the file (at most 64 MiB)
 * and calls this. */
int csvr_read_mem(const char *name, const char *data, size_t len, csvr_row_fn row, void *ctx,
                  ts_err *err);

/* What the reader found about the file, for the callers that care: filled
 * before the first row is passed to `row`, so a row function can read it
 * (a ',' inside a number means something else in a ';' file). */
typedef struct {
    int gb18030;        /* not UTF-8: read as GB18030 (the command layer notes it) */
    char sep;           /* ',', ';' or '\t' */
} csvr_info;
int csvr_read_info(const char *path, csvr_row_fn row, void *ctx, csvr_info *info, ts_err *err);
int csvr_read_mem_info(const char *name, const char *data, size_t len, csvr_row_fn row,
                       void *ctx, csvr_info *info, ts_err *err);

/* A number of column `col` of line `line` of file `path` as a spreadsheet
 * writes it: "1,200" is 1200 where ',' can only be a thousands separator.
 * In a ';' file it may as well be a decimal comma (that is why the file has
 * ';'), and a grouping that is not in threes is no thousands separator: both
 * are refused rather than guessed.  0 with *out; 1 when the text is not a
 * number at all (the caller says what it expected); -1 with err for a comma
 * it cannot read. */
int csvr_number(const csvr_info *info, const char *path, int line, const char *col,
                const char *text, double *out, ts_err *err);

/* The whole of PATH in memory, NUL-terminated, its length in *len (len may
 * be NULL), at most 64 MiB (tiersim reads back its own outputs); NULL with
 * "PATH: cannot read: REASON", "PATH: larger than N bytes" or "PATH: out of
 * memory".  Free with free(). */
char *csvio_read_file(const char *path, size_t *len, ts_err *err);

#endif
