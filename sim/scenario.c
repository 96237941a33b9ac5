/* scenario.c -- INI scenario files (read with inih) into a validated struct.
 *
 * Reading happens in two stages.  First every file of the `base =` chain is
 * read into a flat list of raw sections and keys, each remembering its file
 * and line; a file's keys replace its base's keys of the same section and
 * name.  Then the merged list is interpreted and validated, so that every
 * message can name the file and line the offending text came from. */
#include "scenario.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "num.h"
#include "regionset.h"
#include "textin.h"

/* Longest line accepted (inih needs room for "\r\n\0"). */
#define LINE_MAX_CHARS 4096
#define BASE_DEPTH_MAX 16
#define FILE_BYTES_MAX (16L << 20)
/* Keys in one section: no section of the key table has more than twelve
 * different keys, but `scale` and `move` may repeat and KEY@YEAR adds keys.
 * The bound keeps every check on keys linear. */
#define SECTION_KEYS_MAX 64

/* The kinds of section.  Their written forms are macros because the key
 * table below needs them as constants. */
typedef enum {
    SEC_SCENARIO,
    SEC_TIER,
    SEC_TRANSITION,
    SEC_TARGET,
    SEC_POLICY,
    SEC_EVENT,
    SEC_SET,
    SEC_MEMBER,
    SEC_SHARED,
    SEC_KINDS
} sec_kind;

#define SEC_FORM_SCENARIO "[scenario]"
#define SEC_FORM_TIER "[tier NAME]"
#define SEC_FORM_TRANSITION "[transition A -> B]"
#define SEC_FORM_TARGET "[target NAME]"
#define SEC_FORM_POLICY "[policy NAME]"
#define SEC_FORM_EVENT "[event NAME]"
#define SEC_FORM_SET "[set]"
#define SEC_FORM_MEMBER "[member NAME]"
#define SEC_FORM_SHARED "[shared PARAMETER]"
#define TS_MAX_MEMBERS 64

/* Each kind: the word that opens its header, how many names follow the word
 * (none, NAME, A -> B, or 3: a parameter's dotted name), its form, and how many a scenario may have once
 * inheritance has merged its files. */
static const struct {
    const char *word;
    int names;
    const char *form;
    const char *plural;
    size_t max;
} sec_kinds[SEC_KINDS] = {
    [SEC_SCENARIO] = {"scenario", 0, SEC_FORM_SCENARIO, "scenarios", 1},
    [SEC_TIER] = {"tier", 1, SEC_FORM_TIER, "tiers", TS_MAX_TIERS},
    [SEC_TRANSITION] = {"transition", 2, SEC_FORM_TRANSITION, "transitions", TS_MAX_TRANSITIONS},
    [SEC_TARGET] = {"target", 1, SEC_FORM_TARGET, "targets", TS_MAX_TIERS},
    [SEC_POLICY] = {"policy", 1, SEC_FORM_POLICY, "policies", TS_MAX_POLICIES},
    [SEC_EVENT] = {"event", 1, SEC_FORM_EVENT, "events", TS_MAX_EVENTS},
    [SEC_SET] = {"set", 0, SEC_FORM_SET, "sets", 1},
    [SEC_MEMBER] = {"member", 1, SEC_FORM_MEMBER, "members", TS_MAX_MEMBERS},
    [SEC_SHARED] = {"shared", 3, SEC_FORM_SHARED, "shared parameters", 1024},
};

typedef struct {
    sec_kind kind;
    char *canon;        /* "tier srdi", "transition a->b": identity across files */
    char *a, *b;        /* the name (tier, target, policy), or from/to for transitions */
    const char *file;
    int line;
} raw_sec;

typedef struct {
    size_t sec;         /* index into raw.secs */
    char *key;
    char *value;
    const char *file;
    int line;
    int assumption;     /* its inline comment starts with "assumption" (ts_param) */
} raw_kv;

typedef struct {
    raw_sec *secs;
    size_t n_secs, cap_secs;
    raw_kv *kvs;
    size_t n_kvs, cap_kvs;
    size_t n_kind[SEC_KINDS]; /* sections of each kind, checked against the limits as they come */
} raw_ini;

/* State of one file's parse, shared by the line reader and the key handler. */
typedef struct {
    const char *text;
    size_t pos, len;
    int line;
    const char *line_text;  /* the current line as written, for its inline comment */
    size_t line_len;
    const char *file;
    raw_ini *raw;
    size_t cur_sec;     /* (size_t)-1 before the first section */
    int failed;
    ts_err *err;
} parse_ctx;

/* ---------------------------------------------------------------- helpers */

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int is_ident_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int valid_ident(const char *s, size_t n)
{
    if (n == 0 || n >= TS_NAME_MAX || !is_ident_start((unsigned char)s[0]))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!is_ident_char((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Scenario names become directory names (out/NAME): no '/', no leading '.'. */
static int valid_scenario_name(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n < TS_NAME_MAX && s[0] != '.' && s[0] != '-' &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") == n;
}

static const char *skip_blanks(const char *p)
{
    while (*p && is_blank((unsigned char)*p))
        p++;
    return p;
}

static void raw_free(raw_ini *raw)
{
    for (size_t i = 0; i < raw->n_secs; i++) {
        free(raw->secs[i].canon);
        free(raw->secs[i].a);
        free(raw->secs[i].b);
    }
    for (size_t i = 0; i < raw->n_kvs; i++) {
        free(raw->kvs[i].key);
        free(raw->kvs[i].value);
    }
    free(raw->secs);
    free(raw->kvs);
    memset(raw, 0, sizeof *raw);
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

static size_t raw_find_sec(const raw_ini *raw, const char *canon)
{
    for (size_t i = 0; i < raw->n_secs; i++)
        if (strcmp(raw->secs[i].canon, canon) == 0)
            return i;
    return (size_t)-1;
}

static const char *raw_sec_label(const raw_sec *sec, char *buf, size_t n);
static int key_may_repeat(const char *name);
static int key_as_written(sec_kind sec, const char *name);

/* Counts one more section of sec's kind in raw; -1 with the limit named at
 * the section that goes past it.  Sections are counted while they are read,
 * so a huge file is refused before it costs time. */
static int count_section(raw_ini *raw, const raw_sec *sec, ts_err *err)
{
    if (raw->n_kind[sec->kind] >= sec_kinds[sec->kind].max) {
        char lab[2 * TS_NAME_MAX + 32];
        return ts_errf(err, "%s:%d: %s: more than %zu %s", sec->file, sec->line,
                       raw_sec_label(sec, lab, sizeof lab), sec_kinds[sec->kind].max,
                       sec_kinds[sec->kind].plural);
    }
    raw->n_kind[sec->kind]++;
    return 0;
}

/* ------------------------------------------------ section header parsing */

/* "expected scenario, tier NAME, ... or policy NAME": the forms without
 * their brackets. */
static void list_sections(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < SEC_KINDS && used < len; k++) {
        const char *form = sec_kinds[k].form;
        int n = snprintf(buf + used, len - used, "%s%.*s",
                         k == 0 ? "" : k == SEC_KINDS - 1 ? " or " : ", ",
                         (int)strlen(form) - 2, form + 1);
        if (n > 0)
            used += (size_t)n;
    }
}

/* Parses the text between '[' and ']' into a raw_sec (kind, names, canon). */
static int parse_section_header(const char *text, const char *file, int line, raw_sec *sec,
                                ts_err *err)
{
    const char *p = skip_blanks(text);
    const char *kw = p;
    while (*p && is_ident_char((unsigned char)*p))
        p++;
    size_t kwlen = (size_t)(p - kw);
    int kind = -1;
    for (int i = 0; i < SEC_KINDS; i++)
        if (strlen(sec_kinds[i].word) == kwlen && strncmp(kw, sec_kinds[i].word, kwlen) == 0)
            kind = i;
    if (kind < 0) {
        char forms[256];
        list_sections(forms, sizeof forms);
        return ts_errf(err, "%s:%d: unknown section [%s] (expected %s)", file, line, text, forms);
    }
    memset(sec, 0, sizeof *sec);
    sec->kind = (sec_kind)kind;
    sec->file = file;
    sec->line = line;
    p = skip_blanks(p);
    const char *word = sec_kinds[kind].word;

    if (sec_kinds[kind].names == 0) {
        if (*p)
            return ts_errf(err, "%s:%d: %s takes no name, got '%s'", file, line,
                           sec_kinds[kind].form, p);
        sec->canon = xstrdup(word);
        return sec->canon ? 0 : ts_errf(err, "%s:%d: out of memory", file, line);
    }
    if (sec_kinds[kind].names == 3) {
        /* A parameter's name as `tiersim check --params` lists it:
         * tier.srdi.exit, transition.srdi->little_giant.rate, ... */
        const char *end = p + strlen(p);
        while (end > p && is_blank((unsigned char)end[-1]))
            end--;
        size_t n = (size_t)(end - p);
        if (n == 0)
            return ts_errf(err, "%s:%d: [%s] needs a parameter's name", file, line, text);
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)p[i] <= ' ' && !(p[i] == ' ' && i + 1 < n))
                n = 0;
        if (n == 0 || n > 3 * TS_NAME_MAX)
            return ts_errf(err, "%s:%d: [%s]: expected a parameter's name (as `tiersim check "
                           "SCENARIO --params` lists it)", file, line, text);
        sec->a = xstrndup(p, n);
        if (!sec->a)
            return ts_errf(err, "%s:%d: out of memory", file, line);
        size_t cn = strlen(word) + n + 8;
        if (!(sec->canon = malloc(cn)))
            return ts_errf(err, "%s:%d: out of memory", file, line);
        snprintf(sec->canon, cn, "%s %s", word, sec->a);
        return 0;
    }
    if (sec_kinds[kind].names == 2) {
        const char *arrow = strstr(p, "->");
        if (!arrow)
            return ts_errf(err, "%s:%d: [%s]: expected '%s FROM -> TO'", file, line, text, word);
        const char *a_end = arrow;
        while (a_end > p && is_blank((unsigned char)a_end[-1]))
            a_end--;
        const char *q = skip_blanks(arrow + 2);
        const char *b_end = q + strlen(q);
        while (b_end > q && is_blank((unsigned char)b_end[-1]))
            b_end--;
        if (!valid_ident(p, (size_t)(a_end - p)) || !valid_ident(q, (size_t)(b_end - q)))
            return ts_errf(err, "%s:%d: [%s]: tier names are letters, digits and '_' "
                           "(not starting with a digit, at most %d characters)",
                           file, line, text, TS_NAME_MAX - 1);
        sec->a = xstrndup(p, (size_t)(a_end - p));
        sec->b = xstrndup(q, (size_t)(b_end - q));
        if (!sec->a || !sec->b)
            return ts_errf(err, "%s:%d: out of memory", file, line);
        size_t n = strlen(word) + strlen(sec->a) + strlen(sec->b) + 8;
        sec->canon = malloc(n);
        if (!sec->canon)
            return ts_errf(err, "%s:%d: out of memory", file, line);
        snprintf(sec->canon, n, "%s %s->%s", word, sec->a, sec->b);
        return 0;
    }
    const char *end = p + strlen(p);
    while (end > p && is_blank((unsigned char)end[-1]))
        end--;
    if (end == p)
        return ts_errf(err, "%s:%d: [%s] needs a name", file, line, text);
    if (!valid_ident(p, (size_t)(end - p)))
        return ts_errf(err, "%s:%d: [%s]: names are letters, digits and '_' (not starting "
                       "with a digit, at most %d characters)", file, line, text, TS_NAME_MAX - 1);
    sec->a = xstrndup(p, (size_t)(end - p));
    if (!sec->a)
        return ts_errf(err, "%s:%d: out of memory", file, line);
    size_t n = strlen(word) + strlen(sec->a) + 8;
    sec->canon = malloc(n);
    if (!sec->canon)
        return ts_errf(err, "%s:%d: out of memory", file, line);
    snprintf(sec->canon, n, "%s %s", word, sec->a);
    return 0;
}

/* ------------------------------------------------------ reading one file */

/* inih calls this for each line: it gives us exact line numbers (the Debian
 * build of inih does not pass them to the handler) and lets us see section
 * headers even when the section has no keys. */
static char *reader(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    if (c->failed || c->pos >= c->len)
        return NULL;
    const char *start = c->text + c->pos;
    const char *nl = memchr(start, '\n', c->len - c->pos);
    size_t n = nl ? (size_t)(nl - start) + 1 : c->len - c->pos;
    size_t content = n;
    while (content > 0 && (start[content - 1] == '\n' || start[content - 1] == '\r'))
        content--;
    c->line++;
    if (content > LINE_MAX_CHARS || n + 1 > (size_t)num) {
        c->failed = 1;
        ts_errf(c->err, "%s:%d: line longer than %d characters", c->file, c->line,
                LINE_MAX_CHARS);
        return NULL;
    }
    /* No NUL byte reaches here: textin_decode refused them. */
    memcpy(str, start, n);
    str[n] = '\0';
    c->pos += n;
    c->line_text = start;
    c->line_len = content;

    /* A BOM is allowed on the first line only; inih strips it itself. */
    const char *p = str;
    if (c->line == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    p = skip_blanks(p);
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close)
            return str; /* inih reports the malformed header */
        char inner[LINE_MAX_CHARS];
        size_t len = (size_t)(close - p - 1);
        memcpy(inner, p + 1, len);
        inner[len] = '\0';
        raw_sec sec = {0};
        if (parse_section_header(inner, c->file, c->line, &sec, c->err) < 0) {
            free(sec.canon);
            free(sec.a);
            free(sec.b);
            c->failed = 1;
            return NULL;
        }
        /* Within one file a section appears once; a section repeated in a
         * file that inherits merges into its base's instead (merge_into). */
        size_t prev = raw_find_sec(c->raw, sec.canon);
        if (prev != (size_t)-1) {
            ts_errf(c->err, "%s:%d: duplicate section [%s] (first at line %d)", c->file, c->line,
                    inner, c->raw->secs[prev].line);
            free(sec.canon);
            free(sec.a);
            free(sec.b);
            c->failed = 1;
            return NULL;
        }
        if (count_section(c->raw, &sec, c->err) < 0) {
            free(sec.canon);
            free(sec.a);
            free(sec.b);
            c->failed = 1;
            return NULL;
        }
        if (grow((void **)&c->raw->secs, &c->raw->cap_secs, c->raw->n_secs + 1,
                 sizeof *c->raw->secs) < 0) {
            free(sec.canon);
            free(sec.a);
            free(sec.b);
            c->failed = 1;
            ts_errf(c->err, "%s:%d: out of memory", c->file, c->line);
            return NULL;
        }
        c->cur_sec = c->raw->n_secs;
        c->raw->secs[c->raw->n_secs++] = sec;
    }
    return str;
}

/* Whether the line's inline comment (a ';' after a blank, as inih reads
 * it) begins with "assumption" (any case; "assumptions" too): the label the
 * convention of the scenario files gives a number that no data stand
 * behind (seed, shared data, derived or assumption; see
 * scenarios/qingdao.ini). */
static int comment_says_assumption(const char *line, size_t len)
{
    for (size_t i = 1; i < len; i++) {
        if (line[i] != ';' || !is_blank((unsigned char)line[i - 1]))
            continue;
        size_t j = i + 1;
        while (j < len && is_blank((unsigned char)line[j]))
            j++;
        static const char word[] = "assumption";
        size_t n = sizeof word - 1;
        if (len - j < n)
            return 0;
        for (size_t k = 0; k < n; k++)
            if ((line[j + k] | 0x20) != word[k])
                return 0;
        return 1;
    }
    return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    (void)section;
    parse_ctx *c = user;
    if (c->failed)
        return 0;
    if (c->cur_sec == (size_t)-1) {
        c->failed = 1;
        ts_errf(c->err, "%s:%d: key '%s' before any section", c->file, c->line, name);
        return 0;
    }
    raw_ini *raw = c->raw;
    char lab[2 * TS_NAME_MAX + 32];
    if (strlen(name) >= TS_NAME_MAX) {
        c->failed = 1;
        ts_errf(c->err, "%s:%d: %s: key '%.24s...' is longer than %d characters", c->file,
                c->line, raw_sec_label(&raw->secs[c->cur_sec], lab, sizeof lab), name,
                TS_NAME_MAX - 1);
        return 0;
    }
    /* KEY@YEAR: blanks around the '@' are dropped, so that `inflow @ 2024`
     * is the key `inflow@2024` for the duplicate check below and for
     * inheritance, which compare keys as text. */
    char at_key[TS_NAME_MAX];
    if (strchr(name, '@')) {
        size_t w = 0;
        for (size_t i = 0; name[i]; i++) {
            if (is_blank((unsigned char)name[i])) {
                size_t j = i;
                while (is_blank((unsigned char)name[j]))
                    j++;
                if (name[j] == '@' || (w > 0 && at_key[w - 1] == '@')) {
                    i = j - 1;
                    continue;
                }
            }
            at_key[w++] = name[i];
        }
        at_key[w] = '\0';
        name = at_key;
    }
    /* A section appears once in a file, so its keys are the last ones read. */
    size_t in_section = 0;
    for (size_t i = raw->n_kvs; i-- > 0 && raw->kvs[i].sec == c->cur_sec;) {
        in_section++;
        /* Only a key the table lets repeat ([policy] scale, [event] move) may
         * come twice.  Keys are matched to their sections later, so such a
         * key passes here in any section; a section that does not know it
         * then calls it unknown, which says more than "duplicate". */
        if (strcmp(raw->kvs[i].key, name) == 0 && !key_may_repeat(name)) {
            c->failed = 1;
            ts_errf(c->err, "%s:%d: duplicate key '%s' in [%s] (first at line %d)", c->file,
                    c->line, name, raw->secs[c->cur_sec].canon, raw->kvs[i].line);
            return 0;
        }
    }
    if (in_section >= SECTION_KEYS_MAX) {
        c->failed = 1;
        ts_errf(c->err, "%s:%d: %s: more than %d keys in one section", c->file, c->line,
                raw_sec_label(&raw->secs[c->cur_sec], lab, sizeof lab), SECTION_KEYS_MAX);
        return 0;
    }
    if (grow((void **)&raw->kvs, &raw->cap_kvs, raw->n_kvs + 1, sizeof *raw->kvs) < 0) {
        c->failed = 1;
        ts_errf(c->err, "%s:%d: out of memory", c->file, c->line);
        return 0;
    }
    raw_kv *kv = &raw->kvs[raw->n_kvs];
    kv->sec = c->cur_sec;
    kv->key = xstrdup(name);
    kv->value = xstrdup(value);
    kv->file = c->file;
    kv->line = c->line;
    kv->assumption = comment_says_assumption(c->line_text, c->line_len);
    if (!kv->key || !kv->value) {
        free(kv->key);
        free(kv->value);
        c->failed = 1;
        ts_errf(c->err, "%s:%d: out of memory", c->file, c->line);
        return 0;
    }
    /* A value typed with a Chinese IME in full-width mode, beta（2，18） or
     * 12％, reads as its ASCII; a label or a file name keeps what was
     * written. */
    if (!key_as_written(raw->secs[c->cur_sec].kind, name))
        textin_halfwidth(kv->value);
    raw->n_kvs++;
    return 1;
}

/* Parses one file's text into its own raw list. */
static int parse_text(const char *text, size_t len, const char *file, raw_ini *raw, ts_err *err)
{
    parse_ctx c = {text, 0, len, 0, NULL, 0, file, raw, (size_t)-1, 0, err};
    /* inih's behaviour is set through its globals in the Debian build; these
     * are the settings the scenario format is documented with. */
    ini_max_line = LINE_MAX_CHARS + 3;
    ini_allow_multiline = 0;
    ini_allow_inline_comments = 1;
    /* '#' after a blank ends a value as ';' does: both start comment lines,
     * and people who write one there write the other inline. */
    static char inline_comments[] = ";#";
    ini_inline_comment_prefixes = inline_comments;
    ini_allow_bom = 1;
    ini_stop_on_first_error = 1;
    int rc = ini_parse_stream(reader, &c, handler, &c);
    if (c.failed)
        return -1;
    if (rc > 0)
        return ts_errf(err, "%s:%d: malformed line (expected '[section]', 'key = value' or a "
                       "comment)", file, rc);
    if (rc < 0)
        return ts_errf(err, "%s: cannot parse (inih error %d)", file, rc);
    return 0;
}

static int read_file(const char *path, char **text, size_t *len, ts_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ts_errf(err, "%s: cannot read: %s", path, strerror(errno));
    /* Only regular files: a FIFO or a device (base = /dev/stdin) could block
     * or never end. */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
        fclose(f);
        return ts_errf(err, "%s: cannot read: %s", path,
                       S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (grow((void **)&buf, &cap, n + 4096 + 1, 1) < 0) {
            free(buf);
            fclose(f);
            return ts_errf(err, "%s: out of memory", path);
        }
        errno = 0;
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (n > (size_t)FILE_BYTES_MAX) {
            free(buf);
            fclose(f);
            return ts_errf(err, "%s: larger than %ld bytes", path, FILE_BYTES_MAX);
        }
    }
    int bad = ferror(f), why = errno;
    fclose(f);
    if (bad) {
        free(buf);
        return ts_errf(err, "%s: cannot read: %s", path, why ? strerror(why) : "read error");
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

/* ------------------------------------------------- the `base =` chain */

typedef struct {
    char **files;       /* owned copies of every file name read, kept for messages */
    unsigned char *gb18030;          /* by file: read as GB18030 (textin_decode) */
    size_t n_files, cap_files, cap_gb18030;
    char *stack[BASE_DEPTH_MAX + 2]; /* canonical paths being read, for cycles */
    size_t depth;
    size_t links;                    /* `base =` links followed to get here */
} chain;

static const char *chain_keep_name(chain *ch, const char *name)
{
    if (grow((void **)&ch->files, &ch->cap_files, ch->n_files + 1, sizeof *ch->files) < 0 ||
        grow((void **)&ch->gb18030, &ch->cap_gb18030, ch->n_files + 1, 1) < 0)
        return NULL;
    char *copy = xstrdup(name);
    if (!copy)
        return NULL;
    ch->gb18030[ch->n_files] = 0;
    ch->files[ch->n_files++] = copy;
    return copy;
}

/* `rel` relative to the directory of `from`. */
static char *resolve_relative(const char *from, const char *rel)
{
    if (rel[0] == '/' || !strchr(from, '/'))
        return xstrdup(rel);
    size_t dirlen = (size_t)(strrchr(from, '/') - from) + 1;
    char *p = malloc(dirlen + strlen(rel) + 1);
    if (!p)
        return NULL;
    memcpy(p, from, dirlen);
    strcpy(p + dirlen, rel);
    return p;
}

/* Appends `child` on top of `acc`: a child's key replaces every key of the
 * same section and name that came from the base.  Keys are compared within
 * their section only (at most SECTION_KEYS_MAX each), so merging stays
 * linear in the number of keys. */
static int merge_into(raw_ini *acc, raw_ini *child, ts_err *err)
{
    size_t *secmap = malloc((child->n_secs + 1) * sizeof *secmap);
    if (!secmap)
        return ts_errf(err, "out of memory");
    for (size_t i = 0; i < child->n_secs; i++) {
        size_t j = raw_find_sec(acc, child->secs[i].canon);
        if (j == (size_t)-1) {
            if (count_section(acc, &child->secs[i], err) < 0) {
                free(secmap);
                return -1;
            }
            if (grow((void **)&acc->secs, &acc->cap_secs, acc->n_secs + 1, sizeof *acc->secs) < 0) {
                free(secmap);
                return ts_errf(err, "out of memory");
            }
            j = acc->n_secs++;
            acc->secs[j] = child->secs[i];
            memset(&child->secs[i], 0, sizeof child->secs[i]);
        }
        secmap[i] = j;
    }
    /* The child's keys of each section of acc: a list per section. */
    size_t *first = malloc((acc->n_secs + 1) * sizeof *first);
    size_t *next = malloc((child->n_kvs + 1) * sizeof *next);
    if (!first || !next) {
        free(first);
        free(next);
        free(secmap);
        return ts_errf(err, "out of memory");
    }
    for (size_t j = 0; j < acc->n_secs; j++)
        first[j] = (size_t)-1;
    for (size_t k = child->n_kvs; k-- > 0;) {
        size_t j = secmap[child->kvs[k].sec];
        next[k] = first[j];
        first[j] = k;
    }
    /* Drop base keys that the child overrides. */
    size_t w = 0;
    for (size_t i = 0; i < acc->n_kvs; i++) {
        int overridden = 0;
        for (size_t k = first[acc->kvs[i].sec]; k != (size_t)-1 && !overridden; k = next[k])
            overridden = strcmp(child->kvs[k].key, acc->kvs[i].key) == 0;
        if (overridden) {
            free(acc->kvs[i].key);
            free(acc->kvs[i].value);
        } else {
            acc->kvs[w++] = acc->kvs[i];
        }
    }
    acc->n_kvs = w;
    free(first);
    free(next);
    for (size_t k = 0; k < child->n_kvs; k++) {
        if (grow((void **)&acc->kvs, &acc->cap_kvs, acc->n_kvs + 1, sizeof *acc->kvs) < 0) {
            free(secmap);
            return ts_errf(err, "out of memory");
        }
        acc->kvs[acc->n_kvs] = child->kvs[k];
        acc->kvs[acc->n_kvs].sec = secmap[child->kvs[k].sec];
        acc->n_kvs++;
        child->kvs[k].key = child->kvs[k].value = NULL;
    }
    free(secmap);
    return 0;
}

static int load_chain(chain *ch, const char *text, size_t len, const char *name, raw_ini *out,
                      ts_err *err);

static int load_file_chain(chain *ch, const char *path, const char *from_file, int from_line,
                           raw_ini *out, ts_err *err)
{
    char *canon = realpath(path, NULL);
    if (!canon) {
        if (from_file)
            return ts_errf(err, "%s:%d: base '%s': cannot read: %s", from_file, from_line, path,
                           strerror(errno));
        return ts_errf(err, "%s: cannot read: %s", path, strerror(errno));
    }
    for (size_t i = 0; i < ch->depth; i++)
        if (strcmp(ch->stack[i], canon) == 0) {
            free(canon);
            return ts_errf(err, "%s:%d: base '%s': inheritance cycle", from_file, from_line, path);
        }
    if (ch->links > BASE_DEPTH_MAX) {
        free(canon);
        return ts_errf(err, "%s:%d: base '%s': more than %d levels of inheritance", from_file,
                       from_line, path, BASE_DEPTH_MAX);
    }
    char *text = NULL;
    size_t len = 0;
    if (read_file(path, &text, &len, err) < 0) {
        free(canon);
        if (from_file) {
            char inner[sizeof err->msg];
            snprintf(inner, sizeof inner, "%s", err->msg);
            return ts_errf(err, "%s:%d: base: %s", from_file, from_line, inner);
        }
        return -1;
    }
    ch->stack[ch->depth++] = canon;
    int rc = load_chain(ch, text, len, path, out, err);
    ch->depth--;
    free(canon);
    free(text);
    return rc;
}

static int load_chain(chain *ch, const char *text, size_t len, const char *name, raw_ini *out,
                      ts_err *err)
{
    const char *file = chain_keep_name(ch, name);
    if (!file)
        return ts_errf(err, "%s: out of memory", name);
    size_t me = ch->n_files - 1;
    char *utf8;
    size_t utf8_len;
    int gb18030;
    if (textin_decode(file, text, len, &utf8, &utf8_len, &gb18030, err) < 0)
        return -1;
    ch->gb18030[me] = (unsigned char)gb18030;
    raw_ini mine = {0};
    int parsed = parse_text(utf8, utf8_len, file, &mine, err);
    free(utf8);
    if (parsed < 0) {
        raw_free(&mine);
        return -1;
    }
    /* A base is read first; this file's keys then override it. */
    const raw_kv *base = NULL;
    for (size_t i = 0; i < mine.n_kvs; i++)
        if (mine.secs[mine.kvs[i].sec].kind == SEC_SCENARIO && strcmp(mine.kvs[i].key, "base") == 0)
            base = &mine.kvs[i];
    raw_ini acc = {0};
    if (base) {
        if (base->value[0] == '\0') {
            ts_errf(err, "%s:%d: base: expected a file name", base->file, base->line);
            raw_free(&mine);
            return -1;
        }
        char *bpath = resolve_relative(file, base->value);
        ch->links++;
        int rc = bpath ? load_file_chain(ch, bpath, base->file, base->line, &acc, err)
                       : ts_errf(err, "%s: out of memory", file);
        ch->links--;
        free(bpath);
        if (rc < 0) {
            raw_free(&mine);
            raw_free(&acc);
            return -1;
        }
    }
    int rc = merge_into(&acc, &mine, err);
    raw_free(&mine);
    if (rc < 0) {
        raw_free(&acc);
        return -1;
    }
    *out = acc;
    return 0;
}

/* ------------------------------------------------------ interpretation */

/* A parameter of the keys of issue 11 (KEY@YEAR, inflow_quota, renewal,
 * event moves), held until every section is read and then registered after
 * all the others (see register_later), so that a scenario without those keys
 * has the parameters, in the order, that it had before them. */
typedef struct {
    char name[3 * TS_NAME_MAX + 32];    /* event.E.move.A->B is the longest */
    dist d;
    int fit, has_prior, integer;
    const raw_kv *kv;                   /* NULL: a default */
    size_t *slot;                       /* gets the index: a step's p, a move's p_frac */
} later_param;

typedef struct {
    scenario *s;
    raw_ini *raw;
    ts_err *err;
    size_t cap_params;
    later_param *later;
    size_t n_later, cap_later;
    const raw_kv **expire_to;           /* by tier: its expire_to line, resolved after all tiers */
} build;

static const char *raw_sec_label(const raw_sec *sec, char *buf, size_t n)
{
    const char *word = sec_kinds[sec->kind].word;
    switch (sec_kinds[sec->kind].names) {
    case 0:
        snprintf(buf, n, "%s", sec_kinds[sec->kind].form);
        break;
    case 2:
        snprintf(buf, n, "%s '%s -> %s'", word, sec->a, sec->b);
        break;
    default:
        snprintf(buf, n, "%s '%s'", word, sec->a);
        break;
    }
    return buf;
}

static int kv_err(build *b, const raw_kv *kv, const char *why)
{
    char lab[2 * TS_NAME_MAX + 32];
    raw_sec_label(&b->raw->secs[kv->sec], lab, sizeof lab);
    return ts_errf(b->err, "%s:%d: %s: %s: %s", kv->file, kv->line, lab, kv->key, why);
}

static size_t add_param(build *b, const char *name, dist value, int integer, const raw_kv *kv)
{
    scenario *s = b->s;
    if (grow((void **)&s->params, &b->cap_params, s->n_params + 1, sizeof *s->params) < 0)
        return TS_NO_PARAM;
    ts_param *p = &s->params[s->n_params];
    p->name = xstrdup(name);
    if (!p->name)
        return TS_NO_PARAM;
    p->value = value;
    p->integer = integer;
    p->fit = p->has_prior = 0;
    p->file = kv ? kv->file : NULL;
    p->line = kv ? kv->line : 0;
    p->assumption = kv ? kv->assumption : 0;
    return s->n_params++;
}

/* A parsed parameter value: a number or distribution, or a `fit` marker
 * (with its prior in d when it has one). */
typedef struct {
    dist d;
    int fit;
    int has_prior;
} pvalue;

/* Registers an already parsed value (kv NULL: a default) as parameter pname. */
static int param_add(build *b, const raw_kv *kv, const char *pname, pvalue v, int integer,
                     size_t *idx)
{
    *idx = add_param(b, pname, v.d, integer, kv);
    if (*idx == TS_NO_PARAM)
        return ts_errf(b->err, "out of memory");
    b->s->params[*idx].fit = v.fit;
    b->s->params[*idx].has_prior = v.has_prior;
    /* A value to be fitted rests on the history, whatever its comment says. */
    if (v.fit)
        b->s->params[*idx].assumption = 0;
    return 0;
}

/* ---------------------------------------------------- the table of keys
 *
 * Every key of every section is one row of key_table: what `tiersim check
 * --keys` and README.md show (section, name, kind, range, default, meaning)
 * and how it is read (its rule).  One loop, read_section, reads a section
 * through the table, so the parser, its checks, the lists in its messages
 * and the documentation cannot drift apart; a new key is a new row.
 *
 * The default column is behaviour too: "required" keys must be given; a
 * default in parentheses ("(none)", "(the name)") says what the section's
 * builder does without the key; any other default is read by the key's own
 * reader, as if it had been written, before the section's keys are. */

/* One section being read through the table (defined below the table, whose
 * size it needs). */
typedef struct section_read section_read;

/* Checks one key's text and stores its value.  kv is the line it was
 * written on, NULL when the text is the key's default. */
typedef int key_reader(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text);

static key_reader read_scenario_name, read_text, read_year, read_whole, read_base, read_param,
    read_yesno, read_number, read_target, read_scale, read_start, read_month, read_int,
    read_count, read_tier_name, read_cohorts, read_move, read_target_tiers, read_set_text;

/* What a key may hold beyond its range, as flag bits of its rule (named,
 * because a row of bare 0s and 1s would not say which is which). */
enum {
    /* Counts firms: a fixed value must be whole, and the engine rounds draws
     * (a stock) or floors them (a quota). */
    KEY_WHOLE = 1u << 0,
    /* May be written `fit`: fit estimates parameters from the mean path of
     * the counts, which a dispersion does not move and a quota only clips. */
    KEY_FIT = 1u << 1,
    /* May be given several times in one section. */
    KEY_REPEATS = 1u << 2,
    /* Read after the section's other keys, in table order, because its value
     * needs theirs (a target needs the tolerance written after it). */
    KEY_LATER = 1u << 3,
    /* A plain number may be written as a percentage. */
    KEY_PERCENT = 1u << 4,
    /* A plain number's bounds lo and hi are exclusive. */
    KEY_ABOVE_LO = 1u << 5,
    KEY_BELOW_HI = 1u << 6,
    /* May also be written KEY@YEAR (a value in force from update year YEAR,
     * start_year < YEAR <= end_year): each its own parameter, PREFIX.KEY@YEAR,
     * a step of the schedule at `sched`. */
    KEY_YEARLY = 1u << 7,
    /* Its parameter is registered with the KEY@YEAR ones, after every other
     * parameter (register_later), not among its section's. */
    KEY_APPENDED = 1u << 8,
    /* A tier key that only a tier with validity may have (refused without
     * it); a parameter of this kind defaults to 0 where the tier has it. */
    KEY_NEEDS_VALIDITY = 1u << 9,
};

/* A [target NAME] section while it is read: each measure given (new, stock,
 * cumulative) becomes a ts_target with the section's tolerance and tiers
 * (NAME alone without `tiers`), and its label. */
typedef struct {
    size_t *tiers;                  /* owned by build_target */
    size_t n_tiers;
    char *label;                    /* owned by build_target */
    double tolerance;
} target_keys;

/* [member NAME] and [shared PARAMETER] while they are read: the text of
 * their one key, interpreted once every member is loaded. */
typedef struct {
    char *text;
} set_keys;

/* How scenario.c reads a key.  A row's value lands in the struct its
 * section is read into (scenario, ts_tier, ts_transition, target_keys or
 * ts_policy) at `field`; a parameter's value is held until the section is
 * read, then registered in table order and its index stored at `field`. */
struct scenario_key_rule {
    sec_kind sec;
    key_reader *read;
    size_t field;
    unsigned flags;                 /* KEY_* */
    const dist_range *range;        /* a value or distribution (read_param, read_scale) */
    uint64_t min, max;              /* a whole number (read_year, read_whole) */
    double lo, hi;                  /* a plain number (read_number, read_target) */
    const char *expect, *outside;   /* a plain number's messages: not a number, out of range */
    ts_target_kind measure;         /* read_target */
    size_t sched;                   /* KEY_YEARLY: the ts_sched in the section's struct */
};

/* One row: the section kind (SCENARIO, TIER, ...), the five other strings of
 * its documentation, then its rule's fields by name.  The rule is a compound
 * literal, which at file scope is a static object: a key stays one row, and
 * what the rule holds stays inside this file. */
#define KEY(SEC, name, kind, range, deflt, meaning, ...)                                       \
    {SEC_FORM_##SEC, name, kind, range, deflt, meaning,                                        \
     &(const struct scenario_key_rule){.sec = SEC_##SEC, __VA_ARGS__}}

/* The largest count of firms: the engine counts in int64 and its samplers
 * are exact up to 2^62 (rng.h). */
#define COUNT_MAX 4611686018427387904.0

static const scenario_key key_table[] = {
    KEY(SCENARIO, "name", "name",
        "letters, digits, _ - . (not starting with . or -), at most 63 characters", "required",
        "identifies the scenario; outputs go to out/NAME",
        .read = read_scenario_name, .field = offsetof(scenario, name)),
    KEY(SCENARIO, "label", "text", "any, UTF-8", "(the name)", "free text for reports and charts",
        .read = read_text, .field = offsetof(scenario, label)),
    KEY(SCENARIO, "start_year", "year", "1000 .. 9999", "required", "first year simulated",
        .read = read_year, .field = offsetof(scenario, start_year), .min = 1000, .max = 9999),
    KEY(SCENARIO, "end_year", "year", "start_year .. 9999, at most 200 years", "required",
        "last year simulated (inclusive)",
        .read = read_year, .field = offsetof(scenario, end_year), .min = 1000, .max = 9999),
    KEY(SCENARIO, "start", "month YYYY-MM", "a month 01 .. 12 of start_year", "(January)",
        "the month each yearly update begins; update y ends in the month before it in y + 1",
        .read = read_start, .flags = KEY_LATER),
    KEY(SCENARIO, "known_until", "month YYYY-MM", "1000-01 .. 9999-12", "(the month before start)",
        "the last month the scenario's knowledge covers: fit refuses history dated after it",
        .read = read_month, .field = offsetof(scenario, known_until)),
    KEY(SCENARIO, "replications", "integer", "1 .. 1000000000", "10000",
        "replications of tiersim run (-n overrides it)",
        .read = read_whole, .field = offsetof(scenario, replications), .min = 1,
        .max = 1000000000),
    KEY(SCENARIO, "seed", "integer", "0 .. 18446744073709551615", "1",
        "seed of the random streams (-s overrides it)",
        .read = read_whole, .field = offsetof(scenario, seed), .min = 0, .max = UINT64_MAX),
    KEY(SCENARIO, "base", "file name", "relative to this file; no cycles, at most 16 levels",
        "(none)", "a scenario whose sections and keys this one inherits and overrides key by key",
        .read = read_base),

    KEY(TIER, "label", "text", "any, UTF-8", "(the name)", "free text for reports and charts",
        .read = read_text, .field = offsetof(ts_tier, label)),
    KEY(TIER, "stock", "whole number, distribution or fit", ">= 0", "0",
        "firms in the tier at the start of start_year (a draw is rounded)",
        .read = read_param, .field = offsetof(ts_tier, p_stock), .range = &DIST_RANGE_NONNEG,
        .flags = KEY_WHOLE | KEY_FIT),
    KEY(TIER, "inflow", "value, distribution or fit; also @YEAR", ">= 0", "0",
        "mean yearly entries from outside the modelled tiers (Poisson)",
        .read = read_param, .field = offsetof(ts_tier, p_inflow), .range = &DIST_RANGE_NONNEG,
        .flags = KEY_FIT | KEY_YEARLY, .sched = offsetof(ts_tier, inflow)),
    KEY(TIER, "inflow_growth", "value, distribution or fit; also @YEAR", "> -1", "0",
        "yearly growth of the mean inflow (32.7% or 0.327)",
        .read = read_param, .field = offsetof(ts_tier, p_growth), .range = &DIST_RANGE_GROWTH,
        .flags = KEY_FIT | KEY_YEARLY, .sched = offsetof(ts_tier, growth)),
    KEY(TIER, "inflow_dispersion", "value or distribution; also @YEAR", ">= 0",
        "0", "φ: 0 Poisson inflow, > 0 negative binomial (variance μ + φμ²)",
        .read = read_param, .field = offsetof(ts_tier, p_dispersion),
        .range = &DIST_RANGE_NONNEG, .flags = KEY_YEARLY, .sched = offsetof(ts_tier, dispersion)),
    KEY(TIER, "inflow_quota", "whole number or distribution; also @YEAR",
        ">= 0 (a draw is rounded down)", "(none)",
        "at most this many entries from outside a year: the inflow is min(draw, quota)",
        .read = read_param, .range = &DIST_RANGE_NONNEG,
        .flags = KEY_WHOLE | KEY_YEARLY | KEY_APPENDED, .sched = offsetof(ts_tier, inflow_quota)),
    KEY(TIER, "exit", "value, distribution or fit; also @YEAR", "[0, 1]", "0",
        "yearly probability that a firm leaves the tier",
        .read = read_param, .field = offsetof(ts_tier, p_exit), .range = &DIST_RANGE_PROB,
        .flags = KEY_FIT | KEY_YEARLY, .sched = offsetof(ts_tier, exit)),
    KEY(TIER, "validity", "whole number of years", "1 .. 50", "(none: no certificates)",
        "a certificate is re-reviewed V years after the year it was granted or renewed",
        .read = read_int, .field = offsetof(ts_tier, validity), .min = 1,
        .max = TS_MAX_VALIDITY, .expect = "expected a whole number of years from 1 to 50"),
    KEY(TIER, "renewal", "value, distribution or fit; also @YEAR", "[0, 1]; needs validity",
        "(0 with validity)", "probability that a certificate due for re-review is renewed",
        .read = read_param, .range = &DIST_RANGE_PROB,
        .flags = KEY_FIT | KEY_YEARLY | KEY_APPENDED | KEY_NEEDS_VALIDITY,
        .sched = offsetof(ts_tier, renewal)),
    KEY(TIER, "expire_to", "tier name", "another tier; needs validity", "(none: expired firms leave)",
        "the tier a certificate that is not renewed moves to, as a new certificate there",
        .read = read_tier_name, .flags = KEY_NEEDS_VALIDITY),
    KEY(TIER, "stock_cohorts", "number list", "at most validity numbers >= 0; needs validity",
        "(the stock split evenly)",
        "c1, c2, ...: the stock certified 1, 2, ... years before start_year (counts summing to "
        "a fixed stock, else proportions)",
        .read = read_cohorts, .flags = KEY_NEEDS_VALIDITY),
    KEY(TIER, "cumulative_start", "whole number", "0 .. 2^62", "0",
        "firms ever certified in the tier before the start (cumulative = cumulative_start + new)",
        .read = read_count, .field = offsetof(ts_tier, cumulative_start), .min = 0,
        .max = (uint64_t)1 << 62,
        .expect = "expected a whole number of firms from 0 to 4611686018427387904"),

    KEY(TRANSITION, "rate", "value, distribution or fit; also @YEAR",
        "[0, 1]; the rates out of A sum to <= 1 at their means", "required",
        "yearly probability that a surviving firm of A is promoted to B",
        .read = read_param, .field = offsetof(ts_transition, p_rate), .range = &DIST_RANGE_PROB,
        .flags = KEY_FIT | KEY_YEARLY, .sched = offsetof(ts_transition, rate)),
    KEY(TRANSITION, "keep", "yes/no", "yes, no, true, false, 1, 0", "no",
        "yes: nested certification, the promoted firm also stays in A",
        .read = read_yesno, .field = offsetof(ts_transition, keep)),
    KEY(TRANSITION, "quota", "whole number or distribution; also @YEAR",
        ">= 0 (a draw is rounded down)", "(none)",
        "at most this many promotions a year; the rest stay in A",
        .read = read_param, .field = offsetof(ts_transition, p_quota),
        .range = &DIST_RANGE_NONNEG, .flags = KEY_WHOLE | KEY_YEARLY,
        .sched = offsetof(ts_transition, quota)),

    KEY(TARGET, "tiers", "tier list",
        "one or more distinct tiers, comma-separated (written anywhere); NAME not another tier's",
        "(none: NAME is the tier)",
        "the target counts the sum of these tiers' measures in the same replication; NAME is "
        "then the target's own name",
        .read = read_target_tiers),
/* The three measures a target can count: the same grammar, their own meaning. */
#define TARGET_MEASURE(name, meaning, kind)                                                  \
    KEY(TARGET, name, "number", "> 0, <= 2^62", "(new, stock or cumulative is required)",    \
        meaning, .read = read_target, .flags = KEY_LATER | KEY_ABOVE_LO, .lo = 0.0,          \
        .hi = COUNT_MAX, .expect = "expected a number of firms",                             \
        .outside = "a target is a number of firms above 0 (and below 2^62)", .measure = kind)
    TARGET_MEASURE("new", "firms newly entering the tier (or the tiers, summed) from start_year "
                   "to end_year (inflow and promotions)", TS_TARGET_NEW),
    TARGET_MEASURE("stock", "firms in the tier (or the tiers, summed) at the end of end_year",
                   TS_TARGET_STOCK),
    TARGET_MEASURE("cumulative", "firms ever certified in the tier (or the tiers, summed) by the "
                   "end of end_year (cumulative_start + new)", TS_TARGET_CUMULATIVE),
    KEY(TARGET, "tolerance", "number or percentage", "[0, 1)", "0",
        "an \"about\" target is met at target * (1 - tolerance)",
        .read = read_number, .field = offsetof(target_keys, tolerance),
        .flags = KEY_PERCENT | KEY_BELOW_HI, .lo = 0.0, .hi = 1.0,
        .expect = "expected a number or a percentage",
        .outside = "a tolerance is at least 0 and below 100%"),

    KEY(POLICY, "label", "text", "any, UTF-8", "(the name)", "free text for reports and charts",
        .read = read_text, .field = offsetof(ts_policy, label)),
    KEY(POLICY, "from", "year", "start_year .. end_year", "(start_year)",
        "first year the policy acts",
        .read = read_year, .field = offsetof(ts_policy, from), .min = 1000, .max = 9999),
    KEY(POLICY, "until", "year", "from .. end_year", "(end_year)",
        "last year the policy acts (inclusive)",
        .read = read_year, .field = offsetof(ts_policy, until), .min = 1000, .max = 9999),
    KEY(POLICY, "scale", "scale list", "factors >= 0; the key may repeat", "required",
        "what the policy multiplies: A -> B : f, TIER.inflow : f, TIER.exit : f, "
        "comma-separated (f a value or distribution)",
        .read = read_scale, .range = &DIST_RANGE_NONNEG, .flags = KEY_REPEATS),

    KEY(EVENT, "label", "text", "any, UTF-8", "(the name)", "free text for reports and charts",
        .read = read_text, .field = offsetof(ts_event, label)),
    KEY(EVENT, "year", "year", "start_year .. end_year", "required",
        "the update year at whose start the moves happen (before its exits)",
        .read = read_year, .field = offsetof(ts_event, year), .min = 1000, .max = 9999),
    KEY(EVENT, "move", "move list",
        "fractions in [0, 1], summing to <= 1 out of each tier at their means; the key may repeat",
        "required",
        "A -> B : f, comma-separated (f a value, distribution or fit): a fraction f of A's firms "
        "moves to B",
        .read = read_move, .range = &DIST_RANGE_PROB, .flags = KEY_REPEATS | KEY_FIT),

    KEY(SET, "name", "name",
        "letters, digits, _ - . (not starting with . or -), at most 63 characters", "required",
        "identifies the set; outputs go to out/NAME",
        .read = read_scenario_name, .field = offsetof(scenario, name)),
    KEY(SET, "label", "text", "any, UTF-8", "(the name)", "free text for reports and charts",
        .read = read_text, .field = offsetof(scenario, label)),
    KEY(SET, "replications", "integer", "1 .. 1000000000", "10000",
        "replications of the set (-n overrides it); the members' own are not used",
        .read = read_whole, .field = offsetof(scenario, replications), .min = 1,
        .max = 1000000000),
    KEY(SET, "seed", "integer", "0 .. 18446744073709551615", "1",
        "seed of the set's random streams (-s overrides it)",
        .read = read_whole, .field = offsetof(scenario, seed), .min = 0, .max = UINT64_MAX),
    KEY(MEMBER, "scenario", "file name",
        "relative to the set file; a scenario with the members' start, start_year, end_year",
        "required",
        "the member: its tiers, targets, policies and parameters join the set as NAME.x",
        .read = read_set_text, .field = offsetof(set_keys, text)),
    KEY(SHARED, "value", "value or distribution", "PARAMETER's own range", "required",
        "drawn once per replication for every member that has PARAMETER (at least one)",
        .read = read_set_text, .field = offsetof(set_keys, text)),
};

#define N_KEYS (sizeof key_table / sizeof key_table[0])

/* A KEY@YEAR line of the section being read. */
typedef struct {
    size_t row;                     /* the row of KEY */
    int year;
    const raw_kv *kv;
    pvalue value;
} year_value;

/* What read_move keeps of an [event NAME] while its move lines are read. */
typedef struct {
    unsigned char *seen;            /* n_tiers * n_tiers: the moves A -> B given so far */
    pvalue *value;                  /* by move: its fraction until it is registered */
    const raw_kv **kv;              /* by move: where it was written */
} event_read;

struct section_read {
    build *b;
    size_t si;                      /* index of the section in b->raw */
    const raw_sec *sec;
    void *obj;                      /* the struct the rows' fields are in */
    const raw_kv *given[N_KEYS];    /* by row: where it was written, NULL when it was not */
    pvalue value[N_KEYS];           /* by row: a parameter's value until it is registered */
    year_value yearly[SECTION_KEYS_MAX]; /* the KEY@YEAR lines, in the order written */
    size_t n_yearly;
    event_read *event;              /* [event NAME] only */
};

static int default_is_value(const scenario_key *k)
{
    return strcmp(k->deflt, "required") != 0 && k->deflt[0] != '(';
}

static void *key_field(const section_read *r, const scenario_key *k)
{
    return (char *)r->obj + k->rule->field;
}

static const scenario_key *key_find(sec_kind sec, const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (key_table[i].rule->sec == sec && strcmp(key_table[i].name, name) == 0)
            return &key_table[i];
    return NULL;
}

static int key_may_repeat(const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if ((key_table[i].rule->flags & KEY_REPEATS) && strcmp(key_table[i].name, name) == 0)
            return 1;
    return 0;
}

/* A key whose value is kept byte for byte: free text, where Chinese
 * punctuation is part of the text, and file names, which may hold
 * full-width characters of their own. */
static int key_as_written(sec_kind sec, const char *name)
{
    const scenario_key *k = key_find(sec, name);
    return k && (k->rule->read == read_text || k->rule->read == read_base || sec == SEC_MEMBER);
}

/* Where a key of the section was written (NULL when it was not). */
static const raw_kv *key_given(const section_read *r, const char *name)
{
    const scenario_key *k = key_find(r->sec->kind, name);
    assert(k != NULL);
    return r->given[k - key_table];
}

/* The names of the rows `pick` accepts, in table order, joined by ", " and
 * by `last` before the final one, each in quotes when `quote`: the lists of
 * the messages are made here, never typed. */
static void list_keys(char *buf, size_t len, int (*pick)(const scenario_key *, sec_kind),
                      sec_kind sec, const char *last, int quote)
{
    size_t n = 0, used = 0;
    for (size_t i = 0; i < N_KEYS; i++)
        n += (size_t)pick(&key_table[i], sec);
    buf[0] = '\0';
    for (size_t i = 0, j = 0; i < N_KEYS && used < len; i++) {
        if (!pick(&key_table[i], sec))
            continue;
        const char *sep = j == 0 ? "" : j == n - 1 ? last : ", ";
        int w = snprintf(buf + used, len - used, "%s%s%s%s", sep, quote ? "'" : "",
                         key_table[i].name, quote ? "'" : "");
        if (w > 0)
            used += (size_t)w;
        j++;
    }
}

static int pick_section(const scenario_key *k, sec_kind sec)
{
    return k->rule->sec == sec;
}

static int pick_fit(const scenario_key *k, sec_kind sec)
{
    (void)sec;
    return (k->rule->flags & KEY_FIT) != 0;
}

static int pick_measure(const scenario_key *k, sec_kind sec)
{
    return k->rule->sec == sec && k->rule->read == read_target;
}

/* A reader's complaint about kv's text, or about a default the table gives
 * (which only a broken table can bring about). */
static int read_err(const section_read *r, const scenario_key *k, const raw_kv *kv,
                    const char *why)
{
    if (kv)
        return kv_err(r->b, kv, why);
    char lab[2 * TS_NAME_MAX + 32];
    return ts_errf(r->b->err, "%s:%d: %s: %s: the default '%s': %s", r->sec->file, r->sec->line,
                   raw_sec_label(r->sec, lab, sizeof lab), k->name, k->deflt, why);
}

static int unknown_key(const section_read *r, const raw_kv *kv)
{
    char names[400], why[450];
    list_keys(names, sizeof names, pick_section, r->sec->kind, ", ", 0);
    snprintf(why, sizeof why, "unknown key (expected %s)", names);
    return kv_err(r->b, kv, why);
}

static int parse_pvalue(const struct scenario_key_rule *u, const char *text, pvalue *out,
                        char *why, size_t len);

/* KEY@YEAR: KEY a row that takes it, YEAR four digits with start_year <
 * YEAR <= end_year (written exactly, so that the key's text names its year
 * once: the duplicate check and inheritance compare keys as text).  The
 * value is read by KEY's rule and kept in r->yearly for the builder. */
static int read_at_year(section_read *r, const raw_kv *kv)
{
    const scenario *s = r->b->s;
    const char *at = strchr(kv->key, '@');
    char name[TS_NAME_MAX], why[512];
    snprintf(name, sizeof name, "%.*s", (int)(at - kv->key), kv->key);
    const scenario_key *k = key_find(r->sec->kind, name);
    if (!k)
        return unknown_key(r, kv);
    if (!(k->rule->flags & KEY_YEARLY)) {
        snprintf(why, sizeof why, "%s takes no @YEAR", name);
        return kv_err(r->b, kv, why);
    }
    const char *yt = at + 1;
    int year = 0, digits = 1;
    for (size_t i = 0; i < 4 && digits; i++)
        if (yt[i] >= '0' && yt[i] <= '9')
            year = 10 * year + (yt[i] - '0');
        else
            digits = 0;
    if (!digits || yt[4] != '\0' || yt[0] == '0') {
        snprintf(why, sizeof why, "'%s' is not a year", yt);
        return kv_err(r->b, kv, why);
    }
    if (year <= s->start_year || year > s->end_year) {
        snprintf(why, sizeof why, "the year must be after start_year (%d) and at most end_year "
                 "(%d)", s->start_year, s->end_year);
        return kv_err(r->b, kv, why);
    }
    /* At most SECTION_KEYS_MAX keys reach a section (handler). */
    assert(r->n_yearly < SECTION_KEYS_MAX);
    year_value *yv = &r->yearly[r->n_yearly];
    yv->row = (size_t)(k - key_table);
    yv->year = year;
    yv->kv = kv;
    char vwhy[400];
    if (parse_pvalue(k->rule, kv->value, &yv->value, vwhy, sizeof vwhy) < 0)
        return kv_err(r->b, kv, vwhy);
    r->n_yearly++;
    return 0;
}

/* Reads section r->si through the table: first the defaults, then the
 * section's keys in the order they were written (so that the first mistake
 * in the file is the one reported), then the check for required keys, then
 * the keys that wait for the others. */
static int read_section(section_read *r)
{
    build *b = r->b;
    sec_kind sec = r->sec->kind;
    for (size_t i = 0; i < N_KEYS; i++) {
        const scenario_key *k = &key_table[i];
        if (k->rule->sec == sec && default_is_value(k) && k->rule->read(r, k, NULL, k->deflt) < 0)
            return -1;
    }
    for (size_t i = 0; i < b->raw->n_kvs; i++) {
        const raw_kv *kv = &b->raw->kvs[i];
        if (kv->sec != r->si)
            continue;
        const scenario_key *k = key_find(sec, kv->key);
        if (!k && strchr(kv->key, '@')) {
            if (read_at_year(r, kv) < 0)
                return -1;
            continue;
        }
        if (!k)
            return unknown_key(r, kv);
        r->given[k - key_table] = kv;
        if (!(k->rule->flags & KEY_LATER) && k->rule->read(r, k, kv, kv->value) < 0)
            return -1;
    }
    for (size_t i = 0; i < N_KEYS; i++) {
        const scenario_key *k = &key_table[i];
        if (k->rule->sec == sec && !r->given[i] && strcmp(k->deflt, "required") == 0) {
            char lab[2 * TS_NAME_MAX + 32];
            return ts_errf(b->err, "%s:%d: %s: missing key '%s'", r->sec->file, r->sec->line,
                           raw_sec_label(r->sec, lab, sizeof lab), k->name);
        }
    }
    for (size_t i = 0; i < N_KEYS; i++) {
        const scenario_key *k = &key_table[i];
        const raw_kv *kv = r->given[i];
        if (k->rule->sec == sec && (k->rule->flags & KEY_LATER) && kv &&
            k->rule->read(r, k, kv, kv->value) < 0)
            return -1;
    }
    return 0;
}

/* Registers the section's parameters in table order, named PREFIX.KEY, so
 * that the order of the parameters (and of the draws) does not depend on
 * the order of the lines.  A parameter without a value and without a
 * default gets no index (a transition without a quota).  The KEY_APPENDED
 * rows and every KEY@YEAR wait for register_later. */
static int register_params(section_read *r, const char *prefix)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const scenario_key *k = &key_table[i];
        if (k->rule->sec != r->sec->kind || k->rule->read != read_param ||
            (k->rule->flags & KEY_APPENDED))
            continue;
        size_t *slot = key_field(r, k);
        if (!r->given[i] && !default_is_value(k)) {
            *slot = TS_NO_PARAM;
            continue;
        }
        char pname[2 * TS_NAME_MAX + 64];
        snprintf(pname, sizeof pname, "%s.%s", prefix, k->name);
        if (param_add(r->b, r->given[i], pname, r->value[i], (k->rule->flags & KEY_WHOLE) != 0,
                      slot) < 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------- the readers */

static int read_scenario_name(section_read *r, const scenario_key *k, const raw_kv *kv,
                              const char *text)
{
    if (!valid_scenario_name(text))
        return read_err(r, k, kv, "a name is letters, digits, '_', '-' and '.' (not starting "
                        "with '.' or '-'), at most 63 characters");
    snprintf(key_field(r, k), TS_NAME_MAX, "%s", text);
    return 0;
}

static int read_text(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    (void)kv;
    char **dst = key_field(r, k);
    free(*dst);
    if (!(*dst = xstrdup(text)))
        return ts_errf(r->b->err, "out of memory");
    return 0;
}

/* A member's file or a shared value, kept until the members are loaded. */
static int read_set_text(section_read *r, const scenario_key *k, const raw_kv *kv,
                         const char *text)
{
    (void)kv;
    char **dst = key_field(r, k);
    free(*dst);
    if (!(*dst = xstrdup(text)))
        return ts_errf(r->b->err, "out of memory");
    return 0;
}

static int read_year(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    int64_t v;
    if (num_parse_int64(text, (int64_t)k->rule->min, (int64_t)k->rule->max, &v) < 0) {
        char why[128];
        snprintf(why, sizeof why, "expected a year (a whole number from %" PRIu64 " to %" PRIu64
                 ")", k->rule->min, k->rule->max);
        return read_err(r, k, kv, why);
    }
    *(int *)key_field(r, k) = (int)v;
    return 0;
}

static int read_whole(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    uint64_t v;
    if (num_parse_uint64(text, k->rule->max, &v) < 0 || v < k->rule->min) {
        char why[128];
        snprintf(why, sizeof why, "expected a whole number from %" PRIu64 " to %" PRIu64,
                 k->rule->min, k->rule->max);
        return read_err(r, k, kv, why);
    }
    *(uint64_t *)key_field(r, k) = v;
    return 0;
}

/* `base =` was followed while the files were read (load_chain). */
static int read_base(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    (void)r, (void)k, (void)kv, (void)text;
    return 0;
}

static int read_yesno(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    int *dst = key_field(r, k);
    if (!strcmp(text, "yes") || !strcmp(text, "true") || !strcmp(text, "1"))
        *dst = 1;
    else if (!strcmp(text, "no") || !strcmp(text, "false") || !strcmp(text, "0"))
        *dst = 0;
    else
        return read_err(r, k, kv, "expected yes or no");
    return 0;
}

/* A plain number within the row's bounds. */
static int number_in_bounds(section_read *r, const scenario_key *k, const raw_kv *kv,
                            const char *text, double *out)
{
    const struct scenario_key_rule *u = k->rule;
    double v;
    if ((u->flags & KEY_PERCENT ? num_parse_percent(text, &v, NULL)
                                : num_parse_double(text, &v)) < 0)
        return read_err(r, k, kv, u->expect);
    if ((u->flags & KEY_ABOVE_LO ? v <= u->lo : v < u->lo) ||
        (u->flags & KEY_BELOW_HI ? v >= u->hi : v > u->hi))
        return read_err(r, k, kv, u->outside);
    *out = v;
    return 0;
}

static int read_number(section_read *r, const scenario_key *k, const raw_kv *kv,
                       const char *text)
{
    return number_in_bounds(r, k, kv, text, key_field(r, k));
}

/* "fit" or "fit(PRIOR)": *inner gets PRIOR's text (empty for a bare fit).
 * Returns 0 when the value is not a fit marker at all. */
static int split_fit(const char *v, char *inner, size_t n)
{
    if (strncmp(v, "fit", 3) != 0)
        return 0;
    const char *p = skip_blanks(v + 3);
    if (*p == '\0') {
        inner[0] = '\0';
        return 1;
    }
    if (*p != '(')
        return 0;
    size_t len = strlen(p);
    while (len > 1 && is_blank((unsigned char)p[len - 1]))
        len--;
    if (p[len - 1] != ')')
        return -1;
    snprintf(inner, n, "%.*s", (int)(len - 2), p + 1);
    return 1;
}

/* A value or distribution in the rule's range, or `fit` / `fit(PRIOR)` where
 * the rule allows it; -1 with the reason in why (room for 400 bytes). */
static int parse_pvalue(const struct scenario_key_rule *u, const char *text, pvalue *out,
                        char *why, size_t len)
{
    dist d;
    char inner[LINE_MAX_CHARS];
    int fit = split_fit(text, inner, sizeof inner);
    if (fit < 0) {
        snprintf(why, len, "expected 'fit' or 'fit(PRIOR)'");
        return -1;
    }
    if (fit && !(u->flags & KEY_FIT)) {
        char names[200];
        list_keys(names, sizeof names, pick_fit, u->sec, " and ", 0);
        snprintf(why, len, "only %s can be fitted", names);
        return -1;
    }
    if (fit) {
        char dwhy[300];
        out->fit = 1;
        out->has_prior = inner[0] != '\0';
        out->d = dist_fixed(0.0, *u->range);
        if (out->has_prior && dist_parse(inner, *u->range, &out->d, dwhy, sizeof dwhy) < 0) {
            snprintf(why, len, "prior: %s", dwhy);
            return -1;
        }
        return 0;
    }
    /* A distribution's reason is cut at 300 bytes, a prior's after "prior: ". */
    if (dist_parse(text, *u->range, &d, why, len < 300 ? len : 300) < 0)
        return -1;
    if ((u->flags & KEY_WHOLE) && d.kind == DIST_FIXED && d.p[0] != floor(d.p[0])) {
        snprintf(why, len, "%.10g is not a whole number of firms", d.p[0]);
        return -1;
    }
    if ((u->flags & KEY_WHOLE) && d.kind == DIST_FIXED && d.p[0] > COUNT_MAX) {
        snprintf(why, len, "%.10g is above 2^62", d.p[0]);
        return -1;
    }
    out->d = d;
    out->fit = out->has_prior = 0;
    return 0;
}

/* A parameter's value, held in r->value until register_params (or
 * register_later). */
static int read_param(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    char why[400];
    if (parse_pvalue(k->rule, text, &r->value[k - key_table], why, sizeof why) < 0)
        return read_err(r, k, kv, why);
    return 0;
}

static char *target_label(const scenario *s, const size_t *tiers, size_t n);

/* One target per measure given, made once the tolerance is known. */
static int read_target(section_read *r, const scenario_key *k, const raw_kv *kv,
                       const char *text)
{
    scenario *s = r->b->s;
    target_keys *tk = r->obj;
    double v;
    if (number_in_bounds(r, k, kv, text, &v) < 0)
        return -1;
    /* Made by the first measure: the tiers are known by then. */
    if (!tk->label && !(tk->label = target_label(s, tk->tiers, tk->n_tiers)))
        return ts_errf(r->b->err, "out of memory");
    /* Counted first, so that scenario_free releases what it holds. */
    ts_target *t = &s->targets[s->n_targets++];
    snprintf(t->name, sizeof t->name, "%s", r->sec->a);
    t->tiers = malloc(tk->n_tiers * sizeof *t->tiers);
    t->label = xstrdup(tk->label);
    if (!t->tiers || !t->label)
        return ts_errf(r->b->err, "out of memory");
    memcpy(t->tiers, tk->tiers, tk->n_tiers * sizeof *t->tiers);
    t->n_tiers = tk->n_tiers;
    t->tier = tk->tiers[0];
    t->kind = k->rule->measure;
    t->value = v;
    t->tolerance = tk->tolerance;
    /* The bar is target * (1 - tolerance), met by any whole count at or
     * above it.  A bar within the product's rounding error (2 ulps) of a
     * whole number is that number: 100 * (1 - 45%) is 55.000000000000007
     * in doubles and must not ask for 56 firms. */
    double bar = v * (1.0 - tk->tolerance);
    double whole = nearbyint(bar), ulp = nextafter(bar, INFINITY) - bar;
    t->threshold = (int64_t)(fabs(bar - whole) < 2.0 * ulp ? whole : ceil(bar));
    if (t->threshold < 1)
        t->threshold = 1;
    t->file = kv ? kv->file : r->sec->file;
    t->line = kv ? kv->line : r->sec->line;
    return 0;
}

/* How many items a comma-separated list holds at most: its commas + 1. */
static size_t list_items(const char *text)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    return n;
}

/* tiers = a, b, ...: one or more distinct tiers (all tiers are read before
 * any target, so they may be written anywhere).  With it NAME is the
 * target's own name, and may not be a tier's (every output would call the
 * sum by that tier's name) unless the list is that tier alone, which is the
 * one-tier form written out. */
static int read_target_tiers(section_read *r, const scenario_key *k, const raw_kv *kv,
                             const char *text)
{
    const scenario *s = r->b->s;
    target_keys *tk = r->obj;
    size_t n = list_items(text);
    size_t *list = malloc(n * sizeof *list);
    if (!list)
        return ts_errf(r->b->err, "out of memory");
    free(tk->tiers);
    tk->tiers = list;
    tk->n_tiers = 0;
    char why[LINE_MAX_CHARS + 128];
    if (*skip_blanks(text) == '\0')
        return read_err(r, k, kv, "expected one or more tier names, comma-separated");
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *item = skip_blanks(p);
        size_t il = len - (size_t)(item - p);
        while (il > 0 && is_blank((unsigned char)item[il - 1]))
            il--;
        p = comma ? comma + 1 : p + len;
        if (il == 0)
            return read_err(r, k, kv, "an empty name in the list (expected tier names, "
                            "comma-separated)");
        char name[TS_NAME_MAX];
        if (!valid_ident(item, il)) {
            snprintf(why, sizeof why, "'%.*s' is not a tier name", (int)(il < 200 ? il : 200),
                     item);
            return read_err(r, k, kv, why);
        }
        snprintf(name, sizeof name, "%.*s", (int)il, item);
        long t = scenario_find_tier(s, name);
        if (t < 0) {
            snprintf(why, sizeof why, "unknown tier '%s'", name);
            return read_err(r, k, kv, why);
        }
        for (size_t j = 0; j < tk->n_tiers; j++)
            if (tk->tiers[j] == (size_t)t) {
                snprintf(why, sizeof why, "tier '%s' is listed twice", name);
                return read_err(r, k, kv, why);
            }
        tk->tiers[tk->n_tiers++] = (size_t)t;
    }
    /* Every table's joint row is ALL: a target of that name would be read as it. */
    if (!strcmp(r->sec->a, "ALL"))
        return read_err(r, k, kv, "'ALL' names the row of every target met together: a target "
                        "needs another name");
    long self = scenario_find_tier(s, r->sec->a);
    if (self >= 0 && !(tk->n_tiers == 1 && tk->tiers[0] == (size_t)self)) {
        snprintf(why, sizeof why, "'%s' is a tier's name: a target on other tiers needs a name "
                 "of its own", r->sec->a);
        return read_err(r, k, kv, why);
    }
    return 0;
}

/* The label of a target: its tier's, or its tiers' joined by " + ". */
static char *target_label(const scenario *s, const size_t *tiers, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(s->tiers[tiers[i]].label) + 3;
    char *label = malloc(len), *at = label;
    if (!label)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *l = s->tiers[tiers[i]].label;
        size_t ln = strlen(l);
        if (i) {
            memcpy(at, " + ", 3);
            at += 3;
        }
        memcpy(at, l, ln);
        at += ln;
    }
    *at = '\0';
    return label;
}

/* A scale list: split at top-level commas (commas inside parentheses belong
 * to a distribution), each item `WHAT : FACTOR` with the factor in the
 * row's range. */
static int read_scale(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    build *b = r->b;
    scenario *s = b->s;
    ts_policy *p = r->obj;
    size_t len = strlen(text);
    size_t start = 0;
    int depth = 0;
    for (size_t i = 0; i <= len; i++) {
        char ch = text[i];
        if (ch == '(')
            depth++;
        else if (ch == ')')
            depth--;
        if (!(ch == '\0' || (ch == ',' && depth == 0)))
            continue;
        char item[LINE_MAX_CHARS];
        snprintf(item, sizeof item, "%.*s", (int)(i - start), text + start);
        start = i + 1;
        size_t il = strlen(item), lead = strspn(item, " \t");
        while (il > lead && is_blank((unsigned char)item[il - 1]))
            item[--il] = '\0';
        memmove(item, item + lead, il - lead + 1);
        char *colon = strchr(item, ':');
        char why[512];
        if (!colon) {
            snprintf(why, sizeof why, "'%.200s': expected 'FROM -> TO : factor', "
                     "'TIER.inflow : factor' or 'TIER.exit : factor'", item);
            return read_err(r, k, kv, why);
        }
        *colon = '\0';
        const char *what = skip_blanks(item);
        char *we = colon;
        while (we > what && is_blank((unsigned char)we[-1]))
            *--we = '\0';
        ts_scale sc;
        char pname[3 * TS_NAME_MAX + 64];
        const char *arrow = strstr(what, "->");
        if (arrow) {
            char a[TS_NAME_MAX + 1], bname[TS_NAME_MAX + 1];
            const char *ae = arrow;
            while (ae > what && is_blank((unsigned char)ae[-1]))
                ae--;
            const char *bs = skip_blanks(arrow + 2);
            if (!valid_ident(what, (size_t)(ae - what)) || !valid_ident(bs, strlen(bs))) {
                snprintf(why, sizeof why, "'%s': expected 'FROM -> TO'", what);
                return read_err(r, k, kv, why);
            }
            snprintf(a, sizeof a, "%.*s", (int)(ae - what), what);
            snprintf(bname, sizeof bname, "%s", bs);
            size_t t;
            for (t = 0; t < s->n_transitions; t++)
                if (!strcmp(s->tiers[s->transitions[t].from].name, a) &&
                    !strcmp(s->tiers[s->transitions[t].to].name, bname))
                    break;
            if (t == s->n_transitions) {
                snprintf(why, sizeof why, "no transition '%s -> %s' in the scenario", a, bname);
                return read_err(r, k, kv, why);
            }
            sc.kind = TS_SCALE_RATE;
            sc.index = t;
            snprintf(pname, sizeof pname, "policy.%s.scale.%s->%s", p->name, a, bname);
        } else {
            const char *dot = strrchr(what, '.');
            if (!dot || (strcmp(dot, ".inflow") && strcmp(dot, ".exit"))) {
                snprintf(why, sizeof why, "'%s': expected 'FROM -> TO', 'TIER.inflow' or "
                         "'TIER.exit'", what);
                return read_err(r, k, kv, why);
            }
            char tname[TS_NAME_MAX + 1];
            if (!valid_ident(what, (size_t)(dot - what))) {
                snprintf(why, sizeof why, "'%s': expected a tier name before '%s'", what, dot);
                return read_err(r, k, kv, why);
            }
            snprintf(tname, sizeof tname, "%.*s", (int)(dot - what), what);
            long t = scenario_find_tier(s, tname);
            if (t < 0) {
                snprintf(why, sizeof why, "unknown tier '%s'", tname);
                return read_err(r, k, kv, why);
            }
            sc.kind = strcmp(dot, ".inflow") ? TS_SCALE_EXIT : TS_SCALE_INFLOW;
            sc.index = (size_t)t;
            snprintf(pname, sizeof pname, "policy.%s.scale.%s%s", p->name, tname, dot);
        }
        for (size_t j = 0; j < p->n_scales; j++)
            if (p->scales[j].kind == sc.kind && p->scales[j].index == sc.index) {
                snprintf(why, sizeof why, "'%s' is scaled twice", what);
                return read_err(r, k, kv, why);
            }
        dist d;
        char dwhy[256];
        if (dist_parse(colon + 1, *k->rule->range, &d, dwhy, sizeof dwhy) < 0) {
            snprintf(why, sizeof why, "'%s': %s", what, dwhy);
            return read_err(r, k, kv, why);
        }
        /* One more each time: a policy scales each tier's inflow and exit
         * and each transition at most once (checked above), so the list
         * stays short. */
        ts_scale *grown = realloc(p->scales, (p->n_scales + 1) * sizeof *p->scales);
        if (!grown)
            return ts_errf(b->err, "out of memory");
        p->scales = grown;
        sc.p_factor = add_param(b, pname, d, 0, kv);
        if (sc.p_factor == TS_NO_PARAM)
            return ts_errf(b->err, "out of memory");
        p->scales[p->n_scales++] = sc;
    }
    return 0;
}

/* "YYYY-MM": four digits (1000 .. 9999), '-', two digits (01 .. 12), as
 * year * 12 + month - 1. */
static int parse_month(const char *text, int *ym, char *why, size_t len)
{
    int ok = strlen(text) == 7 && text[4] == '-' && text[0] != '0';
    for (size_t i = 0; i < 7 && ok; i++)
        ok = i == 4 || (text[i] >= '0' && text[i] <= '9');
    if (!ok) {
        snprintf(why, len, "expected YYYY-MM, got '%.200s'", text);
        return -1;
    }
    int y = ((text[0] - '0') * 10 + (text[1] - '0')) * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int m = (text[5] - '0') * 10 + (text[6] - '0');
    if (m < 1 || m > 12) {
        snprintf(why, len, "month %.2s is not from 01 to 12", text + 5);
        return -1;
    }
    *ym = y * 12 + m - 1;
    return 0;
}

/* `start` is read after start_year (KEY_LATER): its year must be that one. */
static int read_start(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    scenario *s = r->obj;
    char why[300];
    int ym;
    if (parse_month(text, &ym, why, sizeof why) < 0)
        return read_err(r, k, kv, why);
    if (ym / 12 != s->start_year) {
        snprintf(why, sizeof why, "%s is not in start_year %d", text, s->start_year);
        return read_err(r, k, kv, why);
    }
    s->start_month = ym % 12 + 1;
    return 0;
}

static int read_month(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    char why[300];
    if (parse_month(text, key_field(r, k), why, sizeof why) < 0)
        return read_err(r, k, kv, why);
    return 0;
}

/* A whole number min .. max into an int (read_int) or an int64_t (read_count). */
static int whole_in_bounds(section_read *r, const scenario_key *k, const raw_kv *kv,
                           const char *text, int64_t *v)
{
    if (num_parse_int64(text, (int64_t)k->rule->min, (int64_t)k->rule->max, v) < 0)
        return read_err(r, k, kv, k->rule->expect);
    return 0;
}

static int read_int(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    int64_t v;
    if (whole_in_bounds(r, k, kv, text, &v) < 0)
        return -1;
    *(int *)key_field(r, k) = (int)v;
    return 0;
}

static int read_count(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    int64_t v;
    if (whole_in_bounds(r, k, kv, text, &v) < 0)
        return -1;
    *(int64_t *)key_field(r, k) = v;
    return 0;
}

/* expire_to: a name now, a tier once every tier is read (resolve_expire_to),
 * so that it may name a tier written further down. */
static int read_tier_name(section_read *r, const scenario_key *k, const raw_kv *kv,
                          const char *text)
{
    if (!valid_ident(text, strlen(text)))
        return read_err(r, k, kv, "expected a tier name");
    r->b->expire_to[(ts_tier *)r->obj - r->b->s->tiers] = kv;
    return 0;
}

/* stock_cohorts = c1, c2, ...: numbers (or percentages) from 0 to 2^62; what
 * they mean, counts or proportions, is settled once the stock and the
 * validity are known (check_certificates). */
static int read_cohorts(section_read *r, const scenario_key *k, const raw_kv *kv,
                        const char *text)
{
    ts_tier *t = r->obj;
    size_t n = list_items(text);
    double *c = malloc(n * sizeof *c);
    if (!c)
        return ts_errf(r->b->err, "out of memory");
    free(t->cohorts);
    t->cohorts = c;
    t->n_cohorts = 0;
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[LINE_MAX_CHARS], why[300];
        snprintf(item, sizeof item, "%.*s", (int)len, p);
        double v;
        if (num_parse_percent(item, &v, NULL) < 0 || v < 0.0 || v > COUNT_MAX) {
            const char *shown = skip_blanks(item);
            size_t sl = strlen(shown);
            while (sl > 0 && is_blank((unsigned char)shown[sl - 1]))
                sl--;
            snprintf(why, sizeof why, "expected numbers from 0 to 2^62, comma-separated; got "
                     "'%.*s'", (int)(sl < 200 ? sl : 200), shown);
            return read_err(r, k, kv, why);
        }
        c[t->n_cohorts++] = v;
        p = comma ? comma + 1 : p + len;
    }
    return 0;
}

/* A move list: split at top-level commas, each item `A -> B : FRACTION`
 * with the fraction read by the row's rule (a value or distribution in
 * [0, 1], or fit). */
static int read_move(section_read *r, const scenario_key *k, const raw_kv *kv, const char *text)
{
    build *b = r->b;
    scenario *s = b->s;
    ts_event *e = r->obj;
    event_read *er = r->event;
    size_t len = strlen(text), start = 0;
    int depth = 0;
    for (size_t i = 0; i <= len; i++) {
        char ch = text[i];
        if (ch == '(')
            depth++;
        else if (ch == ')')
            depth--;
        if (!(ch == '\0' || (ch == ',' && depth == 0)))
            continue;
        char item[LINE_MAX_CHARS], why[512];
        snprintf(item, sizeof item, "%.*s", (int)(i - start), text + start);
        start = i + 1;
        size_t il = strlen(item), lead = strspn(item, " \t");
        while (il > lead && is_blank((unsigned char)item[il - 1]))
            item[--il] = '\0';
        memmove(item, item + lead, il - lead + 1);
        char *colon = strchr(item, ':');
        const char *arrow = colon ? strstr(item, "->") : NULL;
        snprintf(why, sizeof why, "'%.200s': expected 'FROM -> TO : fraction'", item);
        if (!colon || !arrow || arrow > colon)
            return read_err(r, k, kv, why);
        *colon = '\0';
        char *we = colon;
        while (we > item && is_blank((unsigned char)we[-1]))
            *--we = '\0';
        const char *ae = arrow;
        while (ae > item && is_blank((unsigned char)ae[-1]))
            ae--;
        const char *bs = skip_blanks(arrow + 2);
        if (!valid_ident(item, (size_t)(ae - item)) || !valid_ident(bs, strlen(bs)))
            return read_err(r, k, kv, why); /* the message made above, of the whole item */
        char an[TS_NAME_MAX], bn[TS_NAME_MAX];
        snprintf(an, sizeof an, "%.*s", (int)(ae - item), item);
        snprintf(bn, sizeof bn, "%s", bs);
        long from = scenario_find_tier(s, an), to = scenario_find_tier(s, bn);
        if (from < 0 || to < 0) {
            snprintf(why, sizeof why, "unknown tier '%s'", from < 0 ? an : bn);
            return read_err(r, k, kv, why);
        }
        if (from == to) {
            snprintf(why, sizeof why, "'%s': a tier cannot move into itself", item);
            return read_err(r, k, kv, why);
        }
        unsigned char *seen = &er->seen[(size_t)from * s->n_tiers + (size_t)to];
        if (*seen) {
            snprintf(why, sizeof why, "'%s' is moved twice", item);
            return read_err(r, k, kv, why);
        }
        pvalue v;
        char vwhy[400];
        if (parse_pvalue(k->rule, skip_blanks(colon + 1), &v, vwhy, sizeof vwhy) < 0) {
            snprintf(why, sizeof why, "'%s': %s", item, vwhy);
            return read_err(r, k, kv, why);
        }
        *seen = 1;
        /* The three arrays grow together, by doubling. */
        size_t n = e->n_moves;
        if ((n & (n - 1)) == 0) {
            size_t cap = n ? 2 * n : 1;
            ts_move *m = realloc(e->moves, cap * sizeof *m);
            if (m)
                e->moves = m;
            pvalue *pv = m ? realloc(er->value, cap * sizeof *pv) : NULL;
            if (pv)
                er->value = pv;
            const raw_kv **pk = pv ? realloc(er->kv, cap * sizeof *pk) : NULL;
            if (!pk)
                return ts_errf(b->err, "out of memory");
            er->kv = pk;
        }
        e->moves[n] = (ts_move){(size_t)from, (size_t)to, TS_NO_PARAM, kv->file, kv->line};
        er->value[n] = v;
        er->kv[n] = kv;
        e->n_moves = n + 1;
    }
    return 0;
}

/* -------------------------------------------------- the section builders */

static int build_scenario_section(build *b, size_t si)
{
    scenario *s = b->s;
    section_read r = {.b = b, .si = si, .sec = &b->raw->secs[si], .obj = s};
    if (read_section(&r) < 0)
        return -1;
    const raw_kv *end = key_given(&r, "end_year");
    if (s->end_year < s->start_year)
        return ts_errf(b->err, "%s:%d: [scenario]: end_year %d is before start_year %d",
                       end->file, end->line, s->end_year, s->start_year);
    if (s->end_year - s->start_year + 1 > TS_MAX_YEARS)
        return ts_errf(b->err, "%s:%d: [scenario]: more than %d years from start_year to end_year",
                       end->file, end->line, TS_MAX_YEARS);
    if (!s->label && !(s->label = xstrdup(s->name)))
        return ts_errf(b->err, "out of memory");
    if (!key_given(&r, "start"))
        s->start_month = 1;
    if (!key_given(&r, "known_until"))
        s->known_until = s->start_year * 12 + s->start_month - 2;
    return 0;
}

/* Holds parameter NAME (written at kv, or a default when kv is NULL) for
 * register_later, which stores its index at *slot. */
static int later_add(build *b, const char *name, pvalue v, int integer, const raw_kv *kv,
                     size_t *slot)
{
    if (grow((void **)&b->later, &b->cap_later, b->n_later + 1, sizeof *b->later) < 0)
        return ts_errf(b->err, "out of memory");
    later_param *l = &b->later[b->n_later++];
    snprintf(l->name, sizeof l->name, "%s", name);
    l->d = v.d;
    l->fit = v.fit;
    l->has_prior = v.has_prior;
    l->integer = integer;
    l->kv = kv;
    l->slot = slot;
    *slot = TS_NO_PARAM;
    return 0;
}

/* The parameters of issue 11's keys, after every other parameter, in the
 * order they were held: tiers in section order (each tier's rows in table
 * order, a row's own key before its KEY@YEAR values, these by year), then
 * transitions (rate@YEAR, quota@YEAR) in section order, then events in
 * section order (each move in the order written). */
static int register_later(build *b)
{
    for (size_t i = 0; i < b->n_later; i++) {
        const later_param *l = &b->later[i];
        pvalue v = {l->d, l->fit, l->has_prior};
        if (param_add(b, l->kv, l->name, v, l->integer, l->slot) < 0)
            return -1;
    }
    return 0;
}

/* The schedules of the section's KEY_YEARLY rows: steps[0] the row's own
 * parameter (registered by register_params, or held here for a
 * KEY_APPENDED row: as written, or none), then the KEY@YEAR values by year.
 * A KEY_NEEDS_VALIDITY row has no schedule in a tier without validity, and
 * defaults to 0 in a tier with it. */
static int build_schedules(section_read *r, const char *prefix)
{
    build *b = r->b;
    const scenario *s = b->s;
    for (size_t i = 0; i < N_KEYS; i++) {
        const scenario_key *k = &key_table[i];
        const struct scenario_key_rule *u = k->rule;
        if (u->sec != r->sec->kind || !(u->flags & KEY_YEARLY))
            continue;
        ts_sched *sc = (ts_sched *)((char *)r->obj + u->sched);
        if ((u->flags & KEY_NEEDS_VALIDITY) && !((const ts_tier *)r->obj)->validity)
            continue; /* check_certificates refused any value written */
        /* This row's KEY@YEAR lines, by year (at most SECTION_KEYS_MAX). */
        size_t order[SECTION_KEYS_MAX], n = 0;
        for (size_t j = 0; j < r->n_yearly; j++) {
            if (r->yearly[j].row != i)
                continue;
            size_t at = n++;
            while (at > 0 && r->yearly[order[at - 1]].year > r->yearly[j].year) {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = j;
        }
        if (!(sc->steps = malloc((n + 1) * sizeof *sc->steps)))
            return ts_errf(b->err, "out of memory");
        sc->n = n + 1;
        sc->steps[0].year = s->start_year;
        char pname[3 * TS_NAME_MAX + 32];
        int integer = (u->flags & KEY_WHOLE) != 0;
        if (!(u->flags & KEY_APPENDED)) {
            sc->steps[0].p = *(const size_t *)key_field(r, k);
        } else if (r->given[i] || (u->flags & KEY_NEEDS_VALIDITY)) {
            pvalue v = r->given[i] ? r->value[i] : (pvalue){dist_fixed(0.0, *u->range), 0, 0};
            snprintf(pname, sizeof pname, "%s.%s", prefix, k->name);
            if (later_add(b, pname, v, integer, r->given[i], &sc->steps[0].p) < 0)
                return -1;
        } else {
            sc->steps[0].p = TS_NO_PARAM;
        }
        for (size_t j = 0; j < n; j++) {
            const year_value *yv = &r->yearly[order[j]];
            /* The handler refuses a key twice, and YEAR is written one way. */
            assert(j == 0 || r->yearly[order[j - 1]].year < yv->year);
            sc->steps[j + 1].year = yv->year;
            snprintf(pname, sizeof pname, "%s.%s@%d", prefix, k->name, yv->year);
            if (later_add(b, pname, yv->value, integer, yv->kv, &sc->steps[j + 1].p) < 0)
                return -1;
        }
    }
    return 0;
}

/* validity and what needs it: renewal (and renewal@YEAR), expire_to and
 * stock_cohorts are refused without it, at the first of them in the file;
 * stock_cohorts are at most V counts summing to a fixed stock, or else
 * proportions, normalised here. */
static int check_certificates(section_read *r, ts_tier *t)
{
    build *b = r->b;
    if (!t->validity) {
        const raw_kv *first = NULL;
        for (size_t i = 0; i < N_KEYS; i++)
            if (key_table[i].rule->sec == SEC_TIER &&
                (key_table[i].rule->flags & KEY_NEEDS_VALIDITY) && r->given[i] &&
                (!first || r->given[i] < first))
                first = r->given[i];
        for (size_t j = 0; j < r->n_yearly; j++)
            if ((key_table[r->yearly[j].row].rule->flags & KEY_NEEDS_VALIDITY) &&
                (!first || r->yearly[j].kv < first))
                first = r->yearly[j].kv;
        return first ? kv_err(b, first, "needs validity") : 0;
    }
    if (!t->n_cohorts)
        return 0;
    const raw_kv *kv = key_given(r, "stock_cohorts");
    char why[300];
    if (t->n_cohorts > (size_t)t->validity) {
        snprintf(why, sizeof why, "%zu cohorts, more than validity %d", t->n_cohorts,
                 t->validity);
        return kv_err(b, kv, why);
    }
    const ts_param *stock = &b->s->params[t->p_stock];
    if (!stock->fit && stock->value.kind == DIST_FIXED) {
        /* Counts: whole, summing to the stock.  Each is at most 2^62, so
         * the sum is exact until it passes 2^62, where it stops. */
        uint64_t sum = 0, want = (uint64_t)stock->value.p[0];
        for (size_t j = 0; j < t->n_cohorts; j++) {
            double c = t->cohorts[j];
            if (c != floor(c)) {
                snprintf(why, sizeof why, "%.10g is not a whole number of firms (with a fixed "
                         "stock the cohorts are counts)", c);
                return kv_err(b, kv, why);
            }
            if (sum <= (uint64_t)COUNT_MAX)
                sum += (uint64_t)c;
        }
        if (sum > (uint64_t)COUNT_MAX)
            snprintf(why, sizeof why, "the cohorts sum to more than 2^62, the stock is %" PRIu64,
                     want);
        else
            snprintf(why, sizeof why, "the cohorts sum to %" PRIu64 ", the stock is %" PRIu64,
                     sum, want);
        return sum == want ? 0 : kv_err(b, kv, why);
    }
    double sum = 0.0;
    for (size_t j = 0; j < t->n_cohorts; j++)
        sum += t->cohorts[j];
    if (sum == 0.0)
        return kv_err(b, kv, "the proportions are all 0");
    for (size_t j = 0; j < t->n_cohorts; j++)
        t->cohorts[j] /= sum;
    return 0;
}

static int build_tier(build *b, size_t si)
{
    scenario *s = b->s;
    const raw_sec *sec = &b->raw->secs[si];
    ts_tier *t = &s->tiers[s->n_tiers];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", sec->a);
    t->file = sec->file;
    t->line = sec->line;
    t->expire_to = -1;
    s->n_tiers++; /* counted now so that scenario_free releases its label */
    section_read r = {.b = b, .si = si, .sec = sec, .obj = t};
    if (read_section(&r) < 0)
        return -1;
    if (!t->label && !(t->label = xstrdup(t->name)))
        return ts_errf(b->err, "out of memory");
    char prefix[TS_NAME_MAX + 8];
    snprintf(prefix, sizeof prefix, "tier.%s", t->name);
    if (register_params(&r, prefix) < 0 || check_certificates(&r, t) < 0)
        return -1;
    return build_schedules(&r, prefix);
}

/* expire_to names a tier of the scenario, not its own. */
static int resolve_expire_to(build *b)
{
    scenario *s = b->s;
    for (size_t k = 0; k < s->n_tiers; k++) {
        const raw_kv *kv = b->expire_to[k];
        if (!kv)
            continue;
        long to = scenario_find_tier(s, kv->value);
        char why[128];
        if (to < 0) {
            snprintf(why, sizeof why, "unknown tier '%s'", kv->value);
            return kv_err(b, kv, why);
        }
        if ((size_t)to == k)
            return kv_err(b, kv, "a tier cannot expire into itself");
        s->tiers[k].expire_to = to;
    }
    return 0;
}

static int find_tier_for(build *b, const raw_sec *sec, const char *name, size_t *out)
{
    long k = scenario_find_tier(b->s, name);
    if (k < 0) {
        char lab[2 * TS_NAME_MAX + 32];
        return ts_errf(b->err, "%s:%d: %s: unknown tier '%s'", sec->file, sec->line,
                       raw_sec_label(sec, lab, sizeof lab), name);
    }
    *out = (size_t)k;
    return 0;
}

static int build_transition(build *b, size_t si)
{
    scenario *s = b->s;
    const raw_sec *sec = &b->raw->secs[si];
    ts_transition *t = &s->transitions[s->n_transitions];
    memset(t, 0, sizeof *t);
    t->file = sec->file;
    t->line = sec->line;
    if (find_tier_for(b, sec, sec->a, &t->from) < 0 || find_tier_for(b, sec, sec->b, &t->to) < 0)
        return -1;
    if (t->from == t->to)
        return ts_errf(b->err, "%s:%d: transition '%s -> %s': a tier cannot be promoted into "
                       "itself", sec->file, sec->line, sec->a, sec->b);
    section_read r = {.b = b, .si = si, .sec = sec, .obj = t};
    if (read_section(&r) < 0)
        return -1;
    char prefix[2 * TS_NAME_MAX + 16];
    snprintf(prefix, sizeof prefix, "transition.%s->%s", sec->a, sec->b);
    if (register_params(&r, prefix) < 0)
        return -1;
    s->n_transitions++; /* counted before its schedules, which scenario_free releases */
    return build_schedules(&r, prefix);
}

/* The measures are read after `tiers` and `tolerance` (KEY_LATER), so each
 * target is made with both.  Without `tiers` the name must be a tier, and
 * is checked before any key, as it always was. */
static int build_target(build *b, size_t si)
{
    scenario *s = b->s;
    const raw_sec *sec = &b->raw->secs[si];
    target_keys tk = {NULL, 0, NULL, 0.0};
    int listed = 0, rc = -1;
    for (size_t i = 0; i < b->raw->n_kvs && !listed; i++)
        listed = b->raw->kvs[i].sec == si && !strcmp(b->raw->kvs[i].key, "tiers");
    if (!listed) {
        if (!(tk.tiers = malloc(sizeof *tk.tiers)))
            return ts_errf(b->err, "out of memory");
        tk.n_tiers = 1;
        if (find_tier_for(b, sec, sec->a, &tk.tiers[0]) < 0)
            goto out;
    }
    size_t before = s->n_targets;
    section_read r = {.b = b, .si = si, .sec = sec, .obj = &tk};
    if (read_section(&r) < 0)
        goto out;
    if (s->n_targets == before) {
        char names[200];
        list_keys(names, sizeof names, pick_measure, SEC_TARGET, " or ", 1);
        ts_errf(b->err, "%s:%d: target '%s': missing key %s", sec->file, sec->line, sec->a,
                names);
        goto out;
    }
    rc = 0;
out:
    free(tk.tiers);
    free(tk.label);
    return rc;
}

static int build_policy(build *b, size_t si)
{
    scenario *s = b->s;
    const raw_sec *sec = &b->raw->secs[si];
    ts_policy *p = &s->policies[s->n_policies];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", sec->a);
    p->file = sec->file;
    p->line = sec->line;
    p->from = s->start_year;
    p->until = s->end_year;
    s->n_policies++; /* counted now so that scenario_free releases its parts */
    char pname[TS_NAME_MAX + 32];
    snprintf(pname, sizeof pname, "policy.%s.scale", p->name);
    p->p_strength = add_param(b, pname, dist_fixed(1.0, DIST_RANGE_NONNEG), 0, NULL);
    if (p->p_strength == TS_NO_PARAM)
        return ts_errf(b->err, "out of memory");
    section_read r = {.b = b, .si = si, .sec = sec, .obj = p};
    if (read_section(&r) < 0)
        return -1;
    if (!p->label && !(p->label = xstrdup(p->name)))
        return ts_errf(b->err, "out of memory");
    const raw_kv *from = key_given(&r, "from"), *until = key_given(&r, "until");
    if (from && (p->from < s->start_year || p->from > s->end_year))
        return kv_err(b, from, "the year is outside start_year .. end_year");
    if (until && (p->until < s->start_year || p->until > s->end_year))
        return kv_err(b, until, "the year is outside start_year .. end_year");
    if (p->from > p->until) {
        const raw_kv *kv = until ? until : from;
        return kv_err(b, kv, "'from' is after 'until'");
    }
    return 0;
}

/* Rates out of a tier, at their means, may not promise more than every firm. */
static int check_outgoing_sums(build *b)
{
    scenario *s = b->s;
    for (size_t k = 0; k < s->n_tiers; k++) {
        double sum = 0.0;
        size_t n = 0;
        for (size_t t = 0; t < s->n_transitions; t++)
            if (s->transitions[t].from == k) {
                sum += dist_mean(&s->params[s->transitions[t].p_rate].value);
                n++;
            }
        if (n > 1 && sum > 1.0 + 1e-12)
            return ts_errf(b->err, "%s:%d: tier '%s': outgoing transition rates sum to %.6g at "
                           "their means (above 1)", s->tiers[k].file, s->tiers[k].line,
                           s->tiers[k].name, sum);
    }
    return 0;
}

/* [event NAME]: its year within the scenario's, and the moves out of each
 * tier summing to at most 1 at their means. */
static int build_event(build *b, size_t si)
{
    scenario *s = b->s;
    const raw_sec *sec = &b->raw->secs[si];
    ts_event *e = &s->events[s->n_events];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", sec->a);
    e->file = sec->file;
    e->line = sec->line;
    s->n_events++; /* counted now so that scenario_free releases its parts */
    event_read er = {0};
    double *out = calloc(s->n_tiers, sizeof *out);
    er.seen = calloc(s->n_tiers * s->n_tiers, 1);
    section_read r = {.b = b, .si = si, .sec = sec, .obj = e, .event = &er};
    int rc = !out || !er.seen ? ts_errf(b->err, "out of memory") : read_section(&r);
    if (rc == 0 && !e->label && !(e->label = xstrdup(e->name)))
        rc = ts_errf(b->err, "out of memory");
    const raw_kv *year = rc == 0 ? key_given(&r, "year") : NULL;
    if (rc == 0 && (e->year < s->start_year || e->year > s->end_year))
        rc = kv_err(b, year, "the year is outside start_year .. end_year");
    for (size_t m = 0; rc == 0 && m < e->n_moves; m++)
        out[e->moves[m].from] += dist_mean(&er.value[m].d);
    for (size_t m = 0; rc == 0 && m < e->n_moves; m++) {
        size_t k = e->moves[m].from;
        if (out[k] > 1.0 + 1e-12)
            rc = ts_errf(b->err, "%s:%d: event '%s': the moves out of '%s' sum to %.6g at their "
                         "means (above 1)", sec->file, sec->line, e->name, s->tiers[k].name,
                         out[k]);
    }
    for (size_t m = 0; rc == 0 && m < e->n_moves; m++) {
        char pname[3 * TS_NAME_MAX + 32];
        snprintf(pname, sizeof pname, "event.%s.move.%s->%s", e->name,
                 s->tiers[e->moves[m].from].name, s->tiers[e->moves[m].to].name);
        rc = later_add(b, pname, er.value[m], 0, er.kv[m], &e->moves[m].p_frac);
    }
    free(out);
    free(er.seen);
    free(er.value);
    free(er.kv);
    return rc;
}

/* check_outgoing_sums for every update year in which a rate@YEAR takes
 * force (the values in force, at their means). */
static int check_yearly_sums(build *b)
{
    scenario *s = b->s;
    size_t *out = malloc((s->n_transitions + 1) * sizeof *out);
    if (!out)
        return ts_errf(b->err, "out of memory");
    int rc = 0;
    for (size_t k = 0; k < s->n_tiers && rc == 0; k++) {
        size_t n = 0, steps = 0;
        for (size_t t = 0; t < s->n_transitions; t++)
            if (s->transitions[t].from == k) {
                out[n++] = t;
                steps += s->transitions[t].rate.n - 1;
            }
        if (n < 2 || steps == 0)
            continue;
        for (int y = s->start_year + 1; y <= s->end_year && rc == 0; y++) {
            int changes = 0;
            for (size_t i = 0; i < n && !changes; i++) {
                const ts_sched *sc = &s->transitions[out[i]].rate;
                for (size_t j = 1; j < sc->n; j++)
                    changes |= sc->steps[j].year == y;
            }
            if (!changes)
                continue;
            double sum = 0.0;
            for (size_t i = 0; i < n; i++)
                sum += dist_mean(&s->params[scenario_step_at(&s->transitions[out[i]].rate, y)].value);
            if (sum > 1.0 + 1e-12)
                rc = ts_errf(b->err, "%s:%d: tier '%s': outgoing transition rates sum to %.6g at "
                             "their means in %d (above 1)", s->tiers[k].file, s->tiers[k].line,
                             s->tiers[k].name, sum, y);
        }
    }
    free(out);
    return rc;
}

static int interpret_sections(build *b);
static int interpret_set(build *b, const size_t *n_by_kind);
static int load(scenario **out, const char *path, int allow_set, ts_err *err);

/* allow_set 0: a member's file, which must be a scenario (a set inside a
 * set could hold itself). */
static int interpret(scenario *s, raw_ini *raw, int allow_set, ts_err *err)
{
    build b = {s, raw, err, 0, NULL, 0, 0, NULL};
    size_t n_by_kind[SEC_KINDS] = {0};
    for (size_t i = 0; i < raw->n_secs; i++)
        n_by_kind[raw->secs[i].kind]++;
    if (n_by_kind[SEC_SET] && !allow_set)
        return ts_errf(err, "%s is a set; a member is a scenario", s->path);
    int rc = n_by_kind[SEC_SET] ? interpret_set(&b, n_by_kind) : interpret_sections(&b);
    free(b.later);
    free(b.expire_to);
    return rc;
}

static int interpret_sections(build *b)
{
    scenario *s = b->s;
    raw_ini *raw = b->raw;
    ts_err *err = b->err;
    size_t n_by_kind[SEC_KINDS] = {0};
    for (size_t i = 0; i < raw->n_secs; i++)
        n_by_kind[raw->secs[i].kind]++;
    const char *top = s->path;
    for (size_t i = 0; i < raw->n_secs; i++)
        if (raw->secs[i].kind == SEC_MEMBER || raw->secs[i].kind == SEC_SHARED) {
            char lab[2 * TS_NAME_MAX + 32];
            return ts_errf(err, "%s:%d: %s: belongs in a set file (one with " SEC_FORM_SET
                           " instead of " SEC_FORM_SCENARIO ")", raw->secs[i].file,
                           raw->secs[i].line, raw_sec_label(&raw->secs[i], lab, sizeof lab));
        }
    if (n_by_kind[SEC_SCENARIO] == 0)
        return ts_errf(err, "%s: missing section " SEC_FORM_SCENARIO, top);
    if (n_by_kind[SEC_TIER] == 0)
        return ts_errf(err, "%s: no " SEC_FORM_TIER " section", top);
    /* The limits were checked as the sections were read (count_section). */
    for (int k = 0; k < SEC_KINDS; k++)
        assert(n_by_kind[k] <= sec_kinds[k].max);
    size_t n_measures = 0;
    for (size_t i = 0; i < N_KEYS; i++)
        n_measures += (size_t)pick_measure(&key_table[i], SEC_TARGET);
    s->tiers = calloc(n_by_kind[SEC_TIER], sizeof *s->tiers);
    s->transitions = calloc(n_by_kind[SEC_TRANSITION] + 1, sizeof *s->transitions);
    s->targets = calloc(n_measures * n_by_kind[SEC_TARGET] + 1, sizeof *s->targets);
    s->policies = calloc(n_by_kind[SEC_POLICY] + 1, sizeof *s->policies);
    s->events = calloc(n_by_kind[SEC_EVENT] + 1, sizeof *s->events);
    b->expire_to = calloc(n_by_kind[SEC_TIER], sizeof *b->expire_to);
    if (!s->tiers || !s->transitions || !s->targets || !s->policies || !s->events ||
        !b->expire_to)
        return ts_errf(err, "out of memory");

    size_t scen = 0;
    for (size_t i = 0; i < raw->n_secs; i++)
        if (raw->secs[i].kind == SEC_SCENARIO)
            scen = i;
    if (build_scenario_section(b, scen) < 0)
        return -1;

    /* Tiers first: the other sections (and expire_to) refer to them in any
     * order. */
    for (size_t i = 0; i < raw->n_secs; i++)
        if (raw->secs[i].kind == SEC_TIER && build_tier(b, i) < 0)
            return -1;
    if (resolve_expire_to(b) < 0)
        return -1;
    for (size_t i = 0; i < raw->n_secs; i++) {
        if (raw->secs[i].kind == SEC_TRANSITION && build_transition(b, i) < 0)
            return -1;
    }
    if (check_outgoing_sums(b) < 0)
        return -1;
    for (size_t i = 0; i < raw->n_secs; i++) {
        int rc = 0;
        if (raw->secs[i].kind == SEC_TARGET)
            rc = build_target(b, i);
        else if (raw->secs[i].kind == SEC_POLICY)
            rc = build_policy(b, i);
        if (rc < 0)
            return -1;
    }
    for (size_t i = 0; i < raw->n_secs; i++)
        if (raw->secs[i].kind == SEC_EVENT && build_event(b, i) < 0)
            return -1;
    if (register_later(b) < 0)
        return -1;
    return check_yearly_sums(b);
}

/* ------------------------------------------------------------ region sets */

/* The range of a parameter's values by its dotted name (tier.X.KEY[@YEAR],
 * transition.A->B.KEY[@YEAR], event.E.move.A->B, policy.P...): the range of
 * KEY's row, so that a shared value is checked as the members' own are. */
static const struct scenario_key_rule *param_rule(const char *name)
{
    static const struct scenario_key_rule move = {.sec = SEC_EVENT, .range = &DIST_RANGE_PROB};
    static const struct scenario_key_rule factor = {.sec = SEC_POLICY,
                                                    .range = &DIST_RANGE_NONNEG};
    sec_kind sec;
    if (!strncmp(name, "tier.", 5))
        sec = SEC_TIER;
    else if (!strncmp(name, "transition.", 11))
        sec = SEC_TRANSITION;
    else if (!strncmp(name, "event.", 6))
        return &move;
    else
        return &factor;
    const char *dot = strrchr(name, '.');
    char key[TS_NAME_MAX];
    snprintf(key, sizeof key, "%s", dot ? dot + 1 : name);
    key[strcspn(key, "@")] = '\0';
    const scenario_key *k = key_find(sec, key);
    return k && k->rule->range ? k->rule : &factor;
}

/* The tiers a set target names: NAME, or its `tiers` list. */
static int set_target_names(const build *b, size_t si, char ***names, size_t *n)
{
    const char *list = NULL;
    for (size_t i = 0; i < b->raw->n_kvs; i++)
        if (b->raw->kvs[i].sec == si && !strcmp(b->raw->kvs[i].key, "tiers"))
            list = b->raw->kvs[i].value;
    if (!list)
        list = b->raw->secs[si].a;
    *n = 0;
    *names = calloc(list_items(list) + 1, sizeof **names);
    if (!*names)
        return -1;
    for (const char *p = list; *p;) {
        p = skip_blanks(p);
        size_t len = strcspn(p, ",");
        size_t end = len;
        while (end > 0 && is_blank((unsigned char)p[end - 1]))
            end--;
        if (end && !((*names)[(*n)++] = xstrndup(p, end)))
            return -1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Adds NAME to the sum tiers' list unless it is there. */
static int add_sum_name(char ***sums, size_t *n, size_t *cap, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*sums)[i], name))
            return 0;
    if (grow((void **)sums, cap, *n + 1, sizeof **sums) < 0 || !((*sums)[*n] = xstrdup(name)))
        return -1;
    (*n)++;
    return 0;
}

/* The one key of [member NAME] or [shared PARAMETER], read through the
 * table (its required key, its errors); *text owned by the caller. */
static int read_set_section(build *b, size_t si, char **text)
{
    set_keys k = {NULL};
    section_read r = {.b = b, .si = si, .sec = &b->raw->secs[si], .obj = &k};
    if (read_section(&r) < 0) {
        free(k.text);
        return -1;
    }
    *text = k.text;
    return 0;
}

static int load_members(build *b, ts_member *members, size_t *n)
{
    raw_ini *raw = b->raw;
    ts_err *err = b->err;
    for (size_t i = 0; i < raw->n_secs; i++) {
        const raw_sec *sec = &raw->secs[i];
        if (sec->kind != SEC_MEMBER)
            continue;
        char *text;
        if (read_set_section(b, i, &text) < 0)
            return -1;
        char *path = resolve_relative(sec->file, text);
        free(text);
        if (!path)
            return ts_errf(err, "out of memory");
        ts_member *m = &members[(*n)++];
        snprintf(m->name, sizeof m->name, "%s", sec->a);
        m->file = sec->file;
        m->line = sec->line;
        ts_err inner;
        int rc = load(&m->s, path, 0, &inner);
        free(path);
        if (rc < 0)
            return ts_errf(err, "%s:%d: member '%s': %s", sec->file, sec->line, sec->a, inner.msg);
        const scenario *f = members[0].s, *ms = m->s;
        if (ms->start_year != f->start_year || ms->end_year != f->end_year ||
            ms->start_month != f->start_month) {
            char a[16], c[16];
            scenario_month_format(ms->start_year * 12 + ms->start_month - 1, a, sizeof a);
            scenario_month_format(f->start_year * 12 + f->start_month - 1, c, sizeof c);
            return ts_errf(err, "%s:%d: member '%s': starts %s and ends with update year %d, "
                           "member '%s' starts %s and ends with %d: the members of a set share "
                           "start, start_year and end_year", sec->file, sec->line, sec->a, a,
                           ms->end_year, members[0].name, c, f->end_year);
        }
    }
    return 0;
}

/* [shared PARAMETER] sections: a parameter some member has, its value read
 * with that parameter's range. */
static int read_shared(build *b, const ts_member *members, size_t n_members,
                       regionset_shared *shared, size_t *n)
{
    raw_ini *raw = b->raw;
    for (size_t i = 0; i < raw->n_secs; i++) {
        const raw_sec *sec = &raw->secs[i];
        if (sec->kind != SEC_SHARED)
            continue;
        set_keys sk = {NULL};
        if (read_set_section(b, i, &sk.text) < 0)
            return -1;
        const raw_kv *kv = NULL;
        for (size_t j = 0; j < raw->n_kvs; j++)
            if (raw->kvs[j].sec == i && !strcmp(raw->kvs[j].key, "value"))
                kv = &raw->kvs[j];
        int have = 0;
        for (size_t m = 0; m < n_members && !have; m++)
            have = scenario_find_param(members[m].s, sec->a) != TS_NO_PARAM;
        if (!have) {
            free(sk.text);
            return ts_errf(b->err, "%s:%d: shared '%s': no member has this parameter (`tiersim "
                           "check MEMBER.ini --params` lists a member's)", sec->file, sec->line,
                           sec->a);
        }
        /* The members' own rule for it; a set is not fitted. */
        const struct scenario_key_rule *rule = param_rule(sec->a);
        pvalue v;
        char why[400], inner[LINE_MAX_CHARS];
        int rc = split_fit(sk.text, inner, sizeof inner) != 0
                     ? (snprintf(why, sizeof why, "a set's values are drawn, not fitted (fit "
                                 "each member's scenario)"), -1)
                     : parse_pvalue(rule, sk.text, &v, why, sizeof why);
        free(sk.text);
        if (rc < 0)
            return kv_err(b, kv, why);
        regionset_shared *sh = &shared[(*n)++];
        sh->name = sec->a;
        sh->value = v.d;
        sh->file = kv->file;
        sh->line = kv->line;
        sh->assumption = kv->assumption;
    }
    return 0;
}

/* A set file: [set], [member NAME]..., [shared PARAMETER]..., [target
 * NAME]...  The members are loaded as scenarios of their own, merged into
 * s (regionset_merge), and the set's targets read against the sums. */
static int interpret_set(build *b, const size_t *n_by_kind)
{
    scenario *s = b->s;
    raw_ini *raw = b->raw;
    ts_err *err = b->err;
    for (size_t i = 0; i < raw->n_secs; i++) {
        sec_kind k = raw->secs[i].kind;
        if (k != SEC_SET && k != SEC_MEMBER && k != SEC_SHARED && k != SEC_TARGET) {
            char lab[2 * TS_NAME_MAX + 32];
            return ts_errf(err, "%s:%d: %s: a set file holds " SEC_FORM_SET ", " SEC_FORM_MEMBER
                           ", " SEC_FORM_SHARED " and " SEC_FORM_TARGET " sections only (a "
                           "member's own go in its scenario)", raw->secs[i].file,
                           raw->secs[i].line, raw_sec_label(&raw->secs[i], lab, sizeof lab));
        }
    }
    if (n_by_kind[SEC_MEMBER] == 0)
        return ts_errf(err, "%s: no " SEC_FORM_MEMBER " section", s->path);
    size_t set_sec = 0;
    for (size_t i = 0; i < raw->n_secs; i++)
        if (raw->secs[i].kind == SEC_SET)
            set_sec = i;
    section_read sr = {.b = b, .si = set_sec, .sec = &raw->secs[set_sec], .obj = s};
    if (read_section(&sr) < 0)
        return -1;
    if (!s->label && !(s->label = xstrdup(s->name)))
        return ts_errf(err, "out of memory");

    ts_member *members = calloc(n_by_kind[SEC_MEMBER], sizeof *members);
    regionset_shared *shared = calloc(n_by_kind[SEC_SHARED] + 1, sizeof *shared);
    char **sums = NULL;
    size_t n_members = 0, n_shared = 0, n_sums = 0, cap_sums = 0;
    int rc = -1;
    if (!members || !shared) {
        ts_errf(err, "out of memory");
        goto out;
    }
    if (load_members(b, members, &n_members) < 0 ||
        read_shared(b, members, n_members, shared, &n_shared) < 0)
        goto out;
    /* The sums: every tier name two members share, in the order the members
     * first have them, then those only the set's targets name. */
    for (size_t m = 0; m < n_members; m++)
        for (size_t k = 0; k < members[m].s->n_tiers; k++) {
            const char *name = members[m].s->tiers[k].name;
            size_t have = 0;
            for (size_t o = 0; o < n_members; o++)
                have += scenario_find_tier(members[o].s, name) >= 0;
            if (have >= 2 && add_sum_name(&sums, &n_sums, &cap_sums, name) < 0) {
                ts_errf(err, "out of memory");
                goto out;
            }
        }
    for (size_t i = 0; i < raw->n_secs; i++) {
        if (raw->secs[i].kind != SEC_TARGET)
            continue;
        char **names;
        size_t n;
        if (set_target_names(b, i, &names, &n) < 0) {
            ts_errf(err, "out of memory");
            goto out;
        }
        int bad = 0;
        for (size_t j = 0; j < n && !bad; j++) {
            size_t have = 0;
            for (size_t o = 0; o < n_members; o++)
                have += scenario_find_tier(members[o].s, names[j]) >= 0;
            if (!have)
                bad = ts_errf(err, "%s:%d: target '%s': no member has a tier '%s'",
                              raw->secs[i].file, raw->secs[i].line, raw->secs[i].a, names[j]);
            else if (add_sum_name(&sums, &n_sums, &cap_sums, names[j]) < 0)
                bad = ts_errf(err, "out of memory");
        }
        free_names(names, n);
        if (bad)
            goto out;
    }
    size_t n_measures = 0;
    for (size_t i = 0; i < N_KEYS; i++)
        n_measures += (size_t)pick_measure(&key_table[i], SEC_TARGET);
    /* s owns the members from here on. */
    rc = regionset_merge(s, members, n_members, shared, n_shared, (const char *const *)sums,
                         n_sums, n_measures * n_by_kind[SEC_TARGET], err);
    members = NULL;
    if (rc < 0)
        goto out;
    b->cap_params = s->n_params;
    for (size_t i = 0; i < raw->n_secs && rc == 0; i++)
        if (raw->secs[i].kind == SEC_TARGET)
            rc = build_target(b, i);
    for (size_t j = s->set_target0; j < s->n_targets; j++)
        s->targets[j].group = s->n_members;
out:
    if (members) {
        for (size_t m = 0; m < n_members; m++)
            scenario_free(members[m].s);
        free(members);
    }
    free(shared);
    free_names(sums, n_sums);
    return rc;
}

/* ------------------------------------------------------------ public API */

static int finish(scenario **out, chain *ch, raw_ini *raw, int rc, const char *name,
                  int allow_set, ts_err *err)
{
    scenario *s = NULL;
    if (rc == 0) {
        s = calloc(1, sizeof *s);
        if (!s || !(s->path = xstrdup(name))) {
            free(s);
            s = NULL;
            rc = ts_errf(err, "out of memory");
        }
    }
    if (s) {
        s->files = ch->files;
        s->files_gb18030 = ch->gb18030;
        s->n_files = ch->n_files;
        ch->files = NULL;
        ch->gb18030 = NULL;
        ch->n_files = 0;
        rc = interpret(s, raw, allow_set, err);
    }
    for (size_t i = 0; i < ch->n_files; i++)
        free(ch->files[i]);
    free(ch->files);
    free(ch->gb18030);
    raw_free(raw);
    if (rc < 0) {
        scenario_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

static int load(scenario **out, const char *path, int allow_set, ts_err *err)
{
    chain ch = {0};
    raw_ini raw = {0};
    *out = NULL;
    int rc = load_file_chain(&ch, path, NULL, 0, &raw, err);
    return finish(out, &ch, &raw, rc, path, allow_set, err);
}

int scenario_load(scenario **out, const char *path, ts_err *err)
{
    return load(out, path, 1, err);
}

int scenario_parse_mem(scenario **out, const char *text, size_t len, const char *name,
                       ts_err *err)
{
    chain ch = {0};
    raw_ini raw = {0};
    *out = NULL;
    if (len > (size_t)FILE_BYTES_MAX)
        return ts_errf(err, "%s: larger than %ld bytes", name, FILE_BYTES_MAX);
    int rc = load_chain(&ch, text, len, name, &raw, err);
    return finish(out, &ch, &raw, rc, name, 1, err);
}

int scenario_parse_string(scenario **out, const char *text, const char *name, ts_err *err)
{
    return scenario_parse_mem(out, text, strlen(text), name, err);
}

void scenario_free(scenario *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->n_tiers; k++) {
        ts_tier *t = &s->tiers[k];
        free(t->label);
        free(t->inflow.steps);
        free(t->growth.steps);
        free(t->dispersion.steps);
        free(t->exit.steps);
        free(t->inflow_quota.steps);
        free(t->renewal.steps);
        free(t->cohorts);
        free(t->sum_of);
    }
    for (size_t m = 0; m < s->n_members; m++) {
        scenario_free(s->members[m].s);
        free(s->members[m].param);
    }
    free(s->members);
    for (size_t t = 0; t < s->n_transitions; t++) {
        free(s->transitions[t].rate.steps);
        free(s->transitions[t].quota.steps);
    }
    for (size_t e = 0; e < s->n_events; e++) {
        free(s->events[e].label);
        free(s->events[e].moves);
    }
    for (size_t p = 0; p < s->n_policies; p++) {
        free(s->policies[p].label);
        free(s->policies[p].scales);
    }
    for (size_t j = 0; j < s->n_targets; j++) {
        free(s->targets[j].label);
        free(s->targets[j].tiers);
    }
    for (size_t i = 0; i < s->n_params; i++)
        free(s->params[i].name);
    for (size_t i = 0; i < s->n_files; i++)
        free(s->files[i]);
    free(s->files);
    free(s->files_gb18030);
    free(s->params);
    free(s->tiers);
    free(s->transitions);
    free(s->targets);
    free(s->policies);
    free(s->events);
    free(s->label);
    free(s->path);
    free(s);
}

size_t scenario_policy_list(const scenario *s, char *list, size_t len)
{
    size_t used = 0;
    list[0] = '\0';
    for (size_t p = 0; p < s->n_policies && used + TS_NAME_MAX + 8 < len; p++) {
        int n = snprintf(list + used, len - used, "%s%s", p ? ", " : "", s->policies[p].name);
        if (n > 0)
            used += (size_t)n;
    }
    return used;
}

int scenario_activate_policy(scenario *s, const char *name, ts_err *err)
{
    if (s->n_members)
        return regionset_activate_policy(s, name, err);
    for (size_t p = 0; p < s->n_policies; p++)
        if (!strcmp(s->policies[p].name, name)) {
            s->policies[p].active = 1;
            return 0;
        }
    char list[400];
    scenario_policy_list(s, list, sizeof list);
    if (s->n_policies == 0)
        return ts_errf(err, "%s: unknown policy '%s' (the scenario has no policies)", s->path,
                       name);
    return ts_errf(err, "%s: unknown policy '%s' (the scenario has: %s)", s->path, name, list);
}

size_t scenario_find_param(const scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_params; i++)
        if (!strcmp(s->params[i].name, name))
            return i;
    return TS_NO_PARAM;
}

long scenario_find_tier(const scenario *s, const char *name)
{
    for (size_t k = 0; k < s->n_tiers; k++)
        if (!strcmp(s->tiers[k].name, name))
            return (long)k;
    return -1;
}

size_t scenario_years(const scenario *s)
{
    return (size_t)(s->end_year - s->start_year + 1);
}

int scenario_period_end(const scenario *s, int y)
{
    /* Update y runs from month m of y to month m - 1 of y + 1 (December of
     * y when m is January): y * 12 + (m - 1) + 11.  A scenario not made by
     * the parser (start_month 0) starts in January. */
    int m = s->start_month >= 1 ? s->start_month : 1;
    return y * 12 + m + 10;
}

void scenario_month_format(int ym, char *buf, size_t len)
{
    snprintf(buf, len, "%04d-%02d", ym / 12, ym % 12 + 1);
}

size_t scenario_step_at(const ts_sched *sc, int y)
{
    if (sc->n == 0)
        return TS_NO_PARAM;
    size_t i = 0;
    while (i + 1 < sc->n && sc->steps[i + 1].year <= y)
        i++;
    return sc->steps[i].p;
}

void scenario_cohorts(const scenario *s, size_t k, int64_t n0, int64_t *c)
{
    const ts_tier *t = &s->tiers[k];
    size_t V = t->validity > 0 ? (size_t)t->validity : 0;
    if (V == 0)
        return;
    if (n0 < 0)
        n0 = 0;
    for (size_t j = 0; j < V; j++)
        c[j] = 0;
    size_t n = t->n_cohorts < V ? t->n_cohorts : V;
    /* Counts, when they are whole numbers that make up n0 exactly. */
    uint64_t sum = 0;
    int counts = n > 0;
    double w = 0.0;
    for (size_t j = 0; j < n; j++) {
        double x = t->cohorts[j];
        w += x;
        if (!(x >= 0.0 && x <= COUNT_MAX && x == floor(x)))
            counts = 0;
        else if (sum <= (uint64_t)n0)
            sum += (uint64_t)x;
    }
    if (counts && sum == (uint64_t)n0) {
        for (size_t j = 0; j < n; j++)
            c[j] = (int64_t)t->cohorts[j];
        return;
    }
    if (n == 0 || !(w > 0.0)) {
        for (size_t j = 0; j < V; j++)
            c[j] = n0 / (int64_t)V;
        c[0] += n0 % (int64_t)V;
        return;
    }
    /* Proportions: the floor of each share of c2 ... cn, the remainder
     * (never below 0) to c1. */
    int64_t rest = n0;
    for (size_t j = 1; j < n; j++) {
        double share = floor((double)n0 * (t->cohorts[j] / w));
        int64_t cj = share <= 0.0 ? 0 : share >= (double)rest ? rest : (int64_t)share;
        c[j] = cj;
        rest -= cj;
    }
    c[0] = rest;
}

void scenario_param_means(const scenario *s, double *theta)
{
    for (size_t i = 0; i < s->n_params; i++)
        theta[i] = dist_mean(&s->params[i].value);
}

size_t scenario_unfitted(const scenario *s, size_t *first)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_params; i++)
        if (s->params[i].fit) {
            if (n == 0 && first)
                *first = i;
            n++;
        }
    return n;
}

const scenario_key *scenario_keys(size_t *n)
{
    *n = N_KEYS;
    return key_table;
}

int scenario_key_markdown(const scenario_key *k, char *buf, size_t len)
{
    return snprintf(buf, len, "| %s | %s | %s | %s | %s | %s |", k->section, k->name, k->kind,
                    k->range, k->deflt, k->meaning);
}
