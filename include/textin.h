#ifndef TIERSIM_TEXTIN_H
#define TIERSIM_TEXTIN_H

#include <stddef.h>

#include "tserr.h"

/* Text as the offices that write tiersim's inputs save it: Notepad and Excel
 * on Chinese Windows write GB18030 (GBK) unless told otherwise, UTF-8 with or
 * without a byte-order mark, or UTF-16; an IME in full-width mode types
 * （２，１８） for (2,18); a spreadsheet writes 1,200 for 1200.  Pure
 * functions: no printing, errors through ts_err. */

/* Decodes a whole input file (LEN bytes, not NUL-terminated; `name` stands
 * for the file in messages) to UTF-8, deciding in this order:
 *   1. a UTF-16 byte-order mark (FF FE or FE FF) or a NUL byte: refused,
 *      "NAME: saved as UTF-16 (it starts with FF FE): save it as UTF-8" or
 *      "NAME:LINE: NUL byte in the file (saved as UTF-16, or not text): save it as UTF-8";
 *   2. a UTF-8 byte-order mark: UTF-8, the mark dropped; an invalid sequence is
 *      "NAME:LINE: not valid UTF-8 (byte 0xNN), though the file starts with a
 *      UTF-8 byte-order mark";
 *   3. valid UTF-8: as it is;
 *   4. anything else: GB18030 (glibc's iconv), *was_gb18030 set to 1; a byte
 *      that is not GB18030 either is "NAME:LINE: neither UTF-8 nor GB18030
 *      (byte 0xNN): save it as UTF-8".
 * Line N of the result is line N of the input (lines end in '\n'): the mark
 * holds no line end, and in GB18030 the bytes 0x0A and 0x0D never occur inside
 * a character.  *utf8_out is malloc'd, NUL-terminated and holds no NUL byte;
 * free it with free().  *was_gb18030 is 0 unless step 4 read the file. */
int textin_decode(const char *name, const char *bytes, size_t len, char **utf8_out,
                  size_t *len_out, int *was_gb18030, ts_err *err);

/* 1 when the LEN bytes are well-formed UTF-8 (no overlong forms, surrogates
 * or code points above U+10FFFF), else 0. */
int textin_is_utf8(const char *s, size_t len);

/* The full-width forms of ASCII (U+FF01 .. U+FF5E: （ ） ， ： ％ ０-９ ． －
 * and the rest of the block) and the ideographic space U+3000 replaced in
 * place by their ASCII characters, as NFKC would; then blanks (space, tab) at
 * both ends removed.  Nothing else changes: 。、《》 and every other character
 * stay as written.  For values that the parser reads as numbers, names and
 * lists, never for free text. */
void textin_halfwidth(char *s);

/* textin_number's refusals. */
enum { TEXTIN_NOT_NUMBER = -1, TEXTIN_BAD_GROUPING = -2 };

/* A number as a spreadsheet writes it: num_parse_double's grammar, or digits
 * grouped in thousands by ',' (1,200, -12,345.25; one to three digits, the
 * first not 0, then groups of exactly three, then an optional fraction).  0
 * with *out set; TEXTIN_BAD_GROUPING for a text of digits, ',' and '.' (and a
 * sign) whose commas are not such a grouping (1,20, 1,2345, ,200, 0,470,
 * 1.5,2): the writer
 * meant something the number does not say; TEXTIN_NOT_NUMBER otherwise. */
int textin_number(const char *s, double *out);

#endif
