#include "tserr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Copies `text` into e->msg so that the message is always one line of valid
 * text, whatever user input it quotes (a CSV field may hold a line break, a
 * scenario line a control character):
 *  - line breaks and other control characters (but the tab) are written as
 *    \n, \r or \xNN;
 *  - a message too long for the buffer is cut at a character boundary (never
 *    inside a UTF-8 sequence) and ends with "...". */
static void set_msg(ts_err *e, const char *text)
{
    const size_t cap = sizeof e->msg;
    size_t w = 0;
    int cut = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        char esc[8];
        size_t n;
        if (*p == '\n')
            n = (size_t)snprintf(esc, sizeof esc, "\\n");
        else if (*p == '\r')
            n = (size_t)snprintf(esc, sizeof esc, "\\r");
        else if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            n = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
        else
            esc[0] = (char)*p, n = 1;
        if (w + n + 4 > cap) { /* room for "..." and the NUL */
            cut = p[1] != '\0' || w + n + 1 > cap;
            if (!cut) {
                memcpy(e->msg + w, esc, n);
                w += n;
            }
            break;
        }
        memcpy(e->msg + w, esc, n);
        w += n;
    }
    if (cut) {
        /* Back off to the start of a UTF-8 sequence. */
        while (w > 0 && ((unsigned char)e->msg[w - 1] & 0xC0) == 0x80)
            w--;
        if (w > 0 && ((unsigned char)e->msg[w - 1] & 0x80))
            w--;
        memcpy(e->msg + w, "...", 3);
        w += 3;
    }
    e->msg[w] = '\0';
}

int ts_errf(ts_err *e, const char *fmt, ...)
{
    if (e) {
        char text[4 * sizeof e->msg];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        if (n < 0)
            text[0] = '\0';
        set_msg(e, text);
    }
    return -1;
}

int ts_err_prefix(ts_err *e, const char *prefix)
{
    if (e) {
        char tmp[2 * sizeof e->msg];
        if (snprintf(tmp, sizeof tmp, "%s: %s", prefix, e->msg) < 0)
            return -1;
        set_msg(e, tmp);
    }
    return -1;
}
