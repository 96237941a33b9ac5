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
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "num.h"

/* Longest line accepted (inih needs room for "\r\n\0"). */
#define LINE_MAX_CHARS 4096
#define BASE_DEPTH_MAX 16
#define FILE_BYTES_MAX (16L << 20)
/* Keys in one section: no section has more than seven different keys, but
 * `scale` may repeat.  The bound keeps every check on keys linear. */
#define SECTION_KEYS_MAX 64

typedef enum { SEC_SCENARIO, SEC_TIER, SEC_TRANSITION, SEC_TARGET, SEC_POLICY } sec_kind;

static const char *const sec_kind_names[] = {"scenario", "tier", "transition", "target", "policy"};

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
} raw_kv;

typedef struct {
    raw_sec *secs;
    size_t n_secs, cap_secs;
    raw_kv *kvs;
    size_t n_kvs, cap_kvs;
    size_t n_kind[5];   /* sections of each kind, checked against the limits as they come */
} raw_ini;

/* State of one file's parse, shared by the line reader and the key handler. */
typedef struct {
    const char *text;
    size_t pos, len;
    int line;
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

/* The most sections of each kind a scenario may have (after inheritance). */
static const size_t sec_kind_max[] = {1, TS_MAX_TIERS, TS_MAX_TRANSITIONS, TS_MAX_TIERS,
                                      TS_MAX_POLICIES};
static const char *const sec_kind_plural[] = {"scenarios", "tiers", "transitions", "targets",
                                              "policies"};

static const char *raw_sec_label(const raw_sec *sec, char *buf, size_t n);

/* Counts one more section of sec's kind in raw; -1 with the limit named at
 * the section that goes past it.  Sections are counted while they are read,
 * so a huge file is refused before it costs time. */
static int count_section(raw_ini *raw, const raw_sec *sec, ts_err *err)
{
    if (raw->n_kind[sec->kind] >= sec_kind_max[sec->kind]) {
        char lab[2 * TS_NAME_MAX + 32];
        return ts_errf(err, "%s:%d: %s: more than %zu %s", sec->file, sec->line,
                       raw_sec_label(sec, lab, sizeof lab), sec_kind_max[sec->kind],
                       sec_kind_plural[sec->kind]);
    }
    raw->n_kind[sec->kind]++;
    return 0;
}

/* ------------------------------------------------ section header parsing */

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
    for (int i = 0; i < 5; i++)
        if (strlen(sec_kind_names[i]) == kwlen && strncmp(kw, sec_kind_names[i], kwlen) == 0)
            kind = i;
    if (kind < 0)
        return ts_errf(err, "%s:%d: unknown section [%s] (expected scenario, tier NAME, "
                       "transition A -> B, target TIER or policy NAME)", file, line, text);
    memset(sec, 0, sizeof *sec);
    sec->kind = (sec_kind)kind;
    sec->file = file;
    sec->line = line;
    p = skip_blanks(p);

    if (kind == SEC_SCENARIO) {
        if (*p)
            return ts_errf(err, "%s:%d: [scenario] takes no name, got '%s'", file, line, p);
        sec->canon = xstrdup("scenario");
        return sec->canon ? 0 : ts_errf(err, "%s:%d: out of memory", file, line);
    }
    if (kind == SEC_TRANSITION) {
        const char *arrow = strstr(p, "->");
        if (!arrow)
            return ts_errf(err, "%s:%d: [%s]: expected 'transition FROM -> TO'", file, line, text);
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
        size_t n = strlen(sec->a) + strlen(sec->b) + 16;
        sec->canon = malloc(n);
        if (!sec->canon)
            return ts_errf(err, "%s:%d: out of memory", file, line);
        snprintf(sec->canon, n, "transition %s->%s", sec->a, sec->b);
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
    size_t n = strlen(sec->a) + 16;
    sec->canon = malloc(n);
    if (!sec->canon)
        return ts_errf(err, "%s:%d: out of memory", file, line);
    snprintf(sec->canon, n, "%s %s", sec_kind_names[kind], sec->a);
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
    if (memchr(start, '\0', n)) {
        c->failed = 1;
        ts_errf(c->err, "%s:%d: NUL byte in the file", c->file, c->line);
        return NULL;
    }
    memcpy(str, start, n);
    str[n] = '\0';
    c->pos += n;

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
        if (sec.kind != SEC_SCENARIO && count_section(c->raw, &sec, c->err) < 0) {
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
    /* A section appears once in a file, so its keys are the last ones read. */
    size_t in_section = 0;
    for (size_t i = raw->n_kvs; i-- > 0 && raw->kvs[i].sec == c->cur_sec;) {
        in_section++;
        /* `scale` may be given several times in a policy; any other key once. */
        if (strcmp(raw->kvs[i].key, name) == 0 && strcmp(name, "scale") != 0) {
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
    if (!kv->key || !kv->value) {
        free(kv->key);
        free(kv->value);
        c->failed = 1;
        ts_errf(c->err, "%s:%d: out of memory", c->file, c->line);
        return 0;
    }
    raw->n_kvs++;
    return 1;
}

/* Parses one file's text into its own raw list. */
static int parse_text(const char *text, size_t len, const char *file, raw_ini *raw, ts_err *err)
{
    parse_ctx c = {text, 0, len, 0, file, raw, (size_t)-1, 0, err};
    /* inih's behaviour is set through its globals in the Debian build; these
     * are the settings the scenario format is documented with. */
    ini_max_line = LINE_MAX_CHARS + 3;
    ini_allow_multiline = 0;
    ini_allow_inline_comments = 1;
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
    size_t n_files, cap_files;
    char *stack[BASE_DEPTH_MAX + 2]; /* canonical paths being read, for cycles */
    size_t depth;
    size_t links;                    /* `base =` links followed to get here */
} chain;

static const char *chain_keep_name(chain *ch, const char *name)
{
    if (grow((void **)&ch->files, &ch->cap_files, ch->n_files + 1, sizeof *ch->files) < 0)
        return NULL;
    char *copy = xstrdup(name);
    if (!copy)
        return NULL;
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
            if (child->secs[i].kind != SEC_SCENARIO &&
                count_section(acc, &child->secs[i], err) < 0) {
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
    raw_ini mine = {0};
    if (parse_text(text, len, file, &mine, err) < 0) {
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

typedef struct {
    scenario *s;
    raw_ini *raw;
    ts_err *err;
    size_t cap_params;
} build;

static const char *raw_sec_label(const raw_sec *sec, char *buf, size_t n)
{
    switch (sec->kind) {
    case SEC_SCENARIO:
        snprintf(buf, n, "[scenario]");
        break;
    case SEC_TRANSITION:
        snprintf(buf, n, "transition '%s -> %s'", sec->a, sec->b);
        break;
    default:
        snprintf(buf, n, "%s '%s'", sec_kind_names[sec->kind], sec->a);
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
    return s->n_params++;
}

/* A parsed parameter value: a number or distribution, or a `fit` marker
 * (with its prior in d when it has one). */
typedef struct {
    dist d;
    int fit;
    int has_prior;
} pvalue;

static pvalue pvalue_fixed(double v, dist_range range)
{
    pvalue pv = {dist_fixed(v, range), 0, 0};
    return pv;
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

/* Parses kv's value as a parameter value in `range`; `fit` and `fit(PRIOR)`
 * are accepted where allow_fit is set. */
static int parse_value(build *b, const raw_kv *kv, dist_range range, int integer, int allow_fit,
                       pvalue *out)
{
    dist d;
    char why[300], inner[LINE_MAX_CHARS];
    int fit = split_fit(kv->value, inner, sizeof inner);
    if (fit < 0)
        return kv_err(b, kv, "expected 'fit' or 'fit(PRIOR)'");
    if (fit && !allow_fit)
        return kv_err(b, kv, "only stock, inflow, inflow_growth, exit and rate can be fitted");
    if (fit) {
        out->fit = 1;
        out->has_prior = inner[0] != '\0';
        out->d = dist_fixed(0.0, range);
        if (out->has_prior && dist_parse(inner, range, &out->d, why, sizeof why) < 0) {
            char msg[400];
            snprintf(msg, sizeof msg, "prior: %s", why);
            return kv_err(b, kv, msg);
        }
        return 0;
    }
    if (dist_parse(kv->value, range, &d, why, sizeof why) < 0)
        return kv_err(b, kv, why);
    if (integer && d.kind == DIST_FIXED && d.p[0] != floor(d.p[0])) {
        snprintf(why, sizeof why, "%.10g is not a whole number of firms", d.p[0]);
        return kv_err(b, kv, why);
    }
    if (integer && d.kind == DIST_FIXED && d.p[0] > 4611686018427387904.0) {
        snprintf(why, sizeof why, "%.10g is above 2^62", d.p[0]);
        return kv_err(b, kv, why);
    }
    out->d = d;
    out->fit = out->has_prior = 0;
    return 0;
}

/* Registers an already parsed value (kv NULL: a default) as parameter pname. */
static int param_add(build *b, const raw_kv *kv, const char *pname, pvalue v, int integer,
                     size_t *idx)
{
    *idx = add_param(b, pname, v.d, integer, kv);
    if (*idx == TS_NO_PARAM)
        return ts_errf(b->err, "out of memory");
    b->s->params[*idx].fit = v.fit;
    b->s->params[*idx].has_prior = v.has_prior;
    return 0;
}

static int parse_year(build *b, const raw_kv *kv, int *out)
{
    int64_t v;
    if (num_parse_int64(kv->value, 1000, 9999, &v) < 0)
        return kv_err(b, kv, "expected a year (a whole number from 1000 to 9999)");
    *out = (int)v;
    return 0;
}

static int parse_yesno(build *b, const raw_kv *kv, int *out)
{
    const char *v = kv->value;
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        *out = 0;
    else
        return kv_err(b, kv, "expected yes or no");
    return 0;
}

static char *dup_label(build *b, const raw_kv *kv)
{
    char *l = xstrdup(kv->value);
    if (!l)
        ts_errf(b->err, "out of memory");
    return l;
}

static int unknown_key(build *b, const raw_kv *kv, const char *expected)
{
    char why[256];
    snprintf(why, sizeof why, "unknown key (expected %s)", expected);
    return kv_err(b, kv, why);
}

static int build_scenario_section(build *b, size_t si, const raw_kv **have_start,
                                  const raw_kv **have_end)
{
    scenario *s = b->s;
    for (size_t i = 0; i < b->raw->n_kvs; i++) {
        const raw_kv *kv = &b->raw->kvs[i];
        if (kv->sec != si)
            continue;
        const char *k = kv->key;
        if (!strcmp(k, "name")) {
            if (!valid_scenario_name(kv->value))
                return kv_err(b, kv, "a name is letters, digits, '_', '-' and '.' (not "
                              "starting with '.' or '-'), at most 63 characters");
            snprintf(s->name, sizeof s->name, "%s", kv->value);
        } else if (!strcmp(k, "label")) {
            free(s->label);
            if (!(s->label = dup_label(b, kv)))
                return -1;
        } else if (!strcmp(k, "start_year")) {
            if (parse_year(b, kv, &s->start_year) < 0)
                return -1;
            *have_start = kv;
        } else if (!strcmp(k, "end_year")) {
            if (parse_year(b, kv, &s->end_year) < 0)
                return -1;
            *have_end = kv;
        } else if (!strcmp(k, "replications")) {
            if (num_parse_uint64(kv->value, 1000000000ULL, &s->replications) < 0 ||
                s->replications == 0)
                return kv_err(b, kv, "expected a whole number from 1 to 1000000000");
        } else if (!strcmp(k, "seed")) {
            if (num_parse_uint64(kv->value, UINT64_MAX, &s->seed) < 0)
                return kv_err(b, kv, "expected a whole number from 0 to 18446744073709551615");
        } else if (!strcmp(k, "base")) {
            /* already followed while reading */
        } else {
            return unknown_key(b, kv, "name, label, start_year, end_year, replications, seed, base");
        }
    }
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
    s->n_tiers++; /* counted now so that scenario_free releases its label */
    size_t *slots[5] = {&t->p_stock, &t->p_inflow, &t->p_growth, &t->p_dispersion, &t->p_exit};
    static const char *const keys[5] = {"stock", "inflow", "inflow_growth", "inflow_dispersion",
                                        "exit"};
    const dist_range *ranges[5] = {&DIST_RANGE_NONNEG, &DIST_RANGE_NONNEG, &DIST_RANGE_GROWTH,
                                   &DIST_RANGE_NONNEG, &DIST_RANGE_PROB};
    const raw_kv *given[5] = {NULL, NULL, NULL, NULL, NULL};
    pvalue values[5];
    for (int k = 0; k < 5; k++)
        values[k] = pvalue_fixed(0.0, *ranges[k]);
    /* Values are checked in the order they were written, so the first
     * mistake in the file is the one reported. */
    for (size_t i = 0; i < b->raw->n_kvs; i++) {
        const raw_kv *kv = &b->raw->kvs[i];
        if (kv->sec != si)
            continue;
        int found = 0;
        for (int k = 0; k < 5; k++)
            if (!strcmp(kv->key, keys[k])) {
                if (parse_value(b, kv, *ranges[k], k == 0, k != 3, &values[k]) < 0)
                    return -1;
                given[k] = kv;
                found = 1;
            }
        if (found)
            continue;
        if (!strcmp(kv->key, "label")) {
            free(t->label);
            if (!(t->label = dup_label(b, kv)))
                return -1;
        } else {
            return unknown_key(b, kv, "label, stock, inflow, inflow_growth, inflow_dispersion, exit");
        }
    }
    if (!t->label && !(t->label = xstrdup(t->name)))
        return ts_errf(b->err, "out of memory");
    for (int k = 0; k < 5; k++) {
        char pname[TS_NAME_MAX + 32];
        snprintf(pname, sizeof pname, "tier.%s.%s", t->name, keys[k]);
        if (param_add(b, given[k], pname, values[k], k == 0, slots[k]) < 0)
            return -1;
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
    t->p_quota = TS_NO_PARAM;
    if (find_tier_for(b, sec, sec->a, &t->from) < 0 || find_tier_for(b, sec, sec->b, &t->to) < 0)
        return -1;
    if (t->from == t->to)
        return ts_errf(b->err, "%s:%d: transition '%s -> %s': a tier cannot be promoted into "
                       "itself", sec->file, sec->line, sec->a, sec->b);
    const raw_kv *rate = NULL, *quota = NULL;
    pvalue rate_d, quota_d;
    char pname[2 * TS_NAME_MAX + 32];
    for (size_t i = 0; i < b->raw->n_kvs; i++) {
        const raw_kv *kv = &b->raw->kvs[i];
        if (kv->sec != si)
            continue;
        if (!strcmp(kv->key, "rate")) {
            if (parse_value(b, kv, DIST_RANGE_PROB, 0, 1, &rate_d) < 0)
                return -1;
            rate = kv;
        } else if (!strcmp(kv->key, "keep")) {
            if (parse_yesno(b, kv, &t->keep) < 0)
                return -1;
        } else if (!strcmp(kv->key, "quota")) {
            if (parse_value(b, kv, DIST_RANGE_NONNEG, 1, 0, &quota_d) < 0)
                return -1;
            quota = kv;
        } else {
            return unknown_key(b, kv, "rate, keep, quota");
        }
    }
    if (!rate)
        return ts_errf(b->err, "%s:%d: transition '%s -> %s': missing key 'rate'", sec->file,
                       sec->line, sec->a, sec->b);
    snprintf(pname, sizeof pname, "transition.%s->%s.rate", sec->a, sec->b);
    if (param_add(b, rate, pname, rate_d, 0, &t->p_rate) < 0)
        return -1;
    snprintf(pname, sizeof pname, "transition.%s->%s.quota", sec->a, sec->b);
    if (quota && param_add(b, quota, pname, quota_d, 1, &t->p_quota) < 0)
        return -1;
    s->n_transitions++;
    return 0;
}

static int build_target(build *b, size_t si)
{
    scenario *s = b->s;
    const raw_sec *sec = &b->raw->secs[si];
    size_t tier;
    if (find_tier_for(b, sec, sec->a, &tier) < 0)
        return -1;
    double tol = 0.0;
    const raw_kv *kinds[2] = {NULL, NULL};
    for (size_t i = 0; i < b->raw->n_kvs; i++) {
        const raw_kv *kv = &b->raw->kvs[i];
        if (kv->sec != si)
            continue;
        if (!strcmp(kv->key, "new")) {
            kinds[TS_TARGET_NEW] = kv;
        } else if (!strcmp(kv->key, "stock")) {
            kinds[TS_TARGET_STOCK] = kv;
        } else if (!strcmp(kv->key, "tolerance")) {
            if (num_parse_percent(kv->value, &tol, NULL) < 0)
                return kv_err(b, kv, "expected a number or a percentage");
            if (tol < 0.0 || tol >= 1.0)
                return kv_err(b, kv, "a tolerance is at least 0 and below 100%");
        } else {
            return unknown_key(b, kv, "new, stock, tolerance");
        }
    }
    if (!kinds[0] && !kinds[1])
        return ts_errf(b->err, "%s:%d: target '%s': missing key 'new' or 'stock'", sec->file,
                       sec->line, sec->a);
    for (int k = 0; k < 2; k++) {
        const raw_kv *kv = kinds[k];
        if (!kv)
            continue;
        double v;
        if (num_parse_double(kv->value, &v) < 0)
            return kv_err(b, kv, "expected a number of firms");
        if (v <= 0.0 || v > 4611686018427387904.0)
            return kv_err(b, kv, "a target is a number of firms above 0 (and below 2^62)");
        ts_target *t = &s->targets[s->n_targets++];
        t->tier = tier;
        t->kind = (ts_target_kind)k;
        t->value = v;
        t->tolerance = tol;
        /* The bar is target * (1 - tolerance), met by any whole count at or
         * above it.  A bar within the product's rounding error (2 ulps) of a
         * whole number is that number: 100 * (1 - 45%) is 55.000000000000007
         * in doubles and must not ask for 56 firms. */
        double bar = v * (1.0 - tol);
        double whole = nearbyint(bar), ulp = nextafter(bar, INFINITY) - bar;
        t->threshold = (int64_t)(fabs(bar - whole) < 2.0 * ulp ? whole : ceil(bar));
        if (t->threshold < 1)
            t->threshold = 1;
        t->file = kv->file;
        t->line = kv->line;
    }
    return 0;
}

/* Splits a scale list at top-level commas (commas inside parentheses belong
 * to a distribution) and parses each `WHAT : FACTOR`. */
static int build_scale_items(build *b, ts_policy *p, const raw_kv *kv, size_t *cap)
{
    scenario *s = b->s;
    const char *v = kv->value;
    size_t len = strlen(v);
    size_t start = 0;
    int depth = 0;
    for (size_t i = 0; i <= len; i++) {
        char ch = v[i];
        if (ch == '(')
            depth++;
        else if (ch == ')')
            depth--;
        if (!(ch == '\0' || (ch == ',' && depth == 0)))
            continue;
        char item[LINE_MAX_CHARS];
        snprintf(item, sizeof item, "%.*s", (int)(i - start), v + start);
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
            return kv_err(b, kv, why);
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
                return kv_err(b, kv, why);
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
                return kv_err(b, kv, why);
            }
            sc.kind = TS_SCALE_RATE;
            sc.index = t;
            snprintf(pname, sizeof pname, "policy.%s.scale.%s->%s", p->name, a, bname);
        } else {
            const char *dot = strrchr(what, '.');
            if (!dot || (strcmp(dot, ".inflow") && strcmp(dot, ".exit"))) {
                snprintf(why, sizeof why, "'%s': expected 'FROM -> TO', 'TIER.inflow' or "
                         "'TIER.exit'", what);
                return kv_err(b, kv, why);
            }
            char tname[TS_NAME_MAX + 1];
            if (!valid_ident(what, (size_t)(dot - what))) {
                snprintf(why, sizeof why, "'%s': expected a tier name before '%s'", what, dot);
                return kv_err(b, kv, why);
            }
            snprintf(tname, sizeof tname, "%.*s", (int)(dot - what), what);
            long k = scenario_find_tier(s, tname);
            if (k < 0) {
                snprintf(why, sizeof why, "unknown tier '%s'", tname);
                return kv_err(b, kv, why);
            }
            sc.kind = strcmp(dot, ".inflow") ? TS_SCALE_EXIT : TS_SCALE_INFLOW;
            sc.index = (size_t)k;
            snprintf(pname, sizeof pname, "policy.%s.scale.%s%s", p->name, tname, dot);
        }
        for (size_t j = 0; j < p->n_scales; j++)
            if (p->scales[j].kind == sc.kind && p->scales[j].index == sc.index) {
                snprintf(why, sizeof why, "'%s' is scaled twice", what);
                return kv_err(b, kv, why);
            }
        dist d;
        char dwhy[256];
        if (dist_parse(colon + 1, DIST_RANGE_NONNEG, &d, dwhy, sizeof dwhy) < 0) {
            snprintf(why, sizeof why, "'%s': %s", what, dwhy);
            return kv_err(b, kv, why);
        }
        if (grow((void **)&p->scales, cap, p->n_scales + 1, sizeof *p->scales) < 0)
            return ts_errf(b->err, "out of memory");
        sc.p_factor = add_param(b, pname, d, 0, kv);
        if (sc.p_factor == TS_NO_PARAM)
            return ts_errf(b->err, "out of memory");
        p->scales[p->n_scales++] = sc;
    }
    return 0;
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
    const raw_kv *from = NULL, *until = NULL;
    size_t cap = 0;
    char pname[TS_NAME_MAX + 32];
    snprintf(pname, sizeof pname, "policy.%s.scale", p->name);
    p->p_strength = add_param(b, pname, dist_fixed(1.0, DIST_RANGE_NONNEG), 0, NULL);
    if (p->p_strength == TS_NO_PARAM)
        return ts_errf(b->err, "out of memory");
    for (size_t i = 0; i < b->raw->n_kvs; i++) {
        const raw_kv *kv = &b->raw->kvs[i];
        if (kv->sec != si)
            continue;
        if (!strcmp(kv->key, "label")) {
            free(p->label);
            if (!(p->label = dup_label(b, kv)))
                return -1;
        } else if (!strcmp(kv->key, "from")) {
            if (parse_year(b, kv, &p->from) < 0)
                return -1;
            from = kv;
        } else if (!strcmp(kv->key, "until")) {
            if (parse_year(b, kv, &p->until) < 0)
                return -1;
            until = kv;
        } else if (!strcmp(kv->key, "scale")) {
            if (build_scale_items(b, p, kv, &cap) < 0)
                return -1;
        } else {
            return unknown_key(b, kv, "label, from, until, scale");
        }
    }
    if (!p->label && !(p->label = xstrdup(p->name)))
        return ts_errf(b->err, "out of memory");
    if (p->n_scales == 0)
        return ts_errf(b->err, "%s:%d: policy '%s': missing key 'scale'", sec->file, sec->line,
                       p->name);
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

static int interpret(scenario *s, raw_ini *raw, ts_err *err)
{
    build b = {s, raw, err, 0};
    size_t n_by_kind[5] = {0};
    for (size_t i = 0; i < raw->n_secs; i++)
        n_by_kind[raw->secs[i].kind]++;
    const char *top = s->path;
    if (n_by_kind[SEC_SCENARIO] == 0)
        return ts_errf(err, "%s: missing section [scenario]", top);
    if (n_by_kind[SEC_TIER] == 0)
        return ts_errf(err, "%s: no [tier NAME] section", top);
    /* The limits were checked as the sections were read (count_section). */
    for (int k = 1; k < 5; k++)
        assert(n_by_kind[k] <= sec_kind_max[k]);
    s->tiers = calloc(n_by_kind[SEC_TIER], sizeof *s->tiers);
    s->transitions = calloc(n_by_kind[SEC_TRANSITION] + 1, sizeof *s->transitions);
    s->targets = calloc(2 * n_by_kind[SEC_TARGET] + 1, sizeof *s->targets);
    s->policies = calloc(n_by_kind[SEC_POLICY] + 1, sizeof *s->policies);
    if (!s->tiers || !s->transitions || !s->targets || !s->policies)
        return ts_errf(err, "out of memory");

    s->replications = 10000;
    s->seed = 1;
    size_t scen = 0;
    for (size_t i = 0; i < raw->n_secs; i++)
        if (raw->secs[i].kind == SEC_SCENARIO)
            scen = i;
    const raw_kv *have_start = NULL, *have_end = NULL;
    if (build_scenario_section(&b, scen, &have_start, &have_end) < 0)
        return -1;
    const raw_sec *ss = &raw->secs[scen];
    if (!s->name[0])
        return ts_errf(err, "%s:%d: [scenario]: missing key 'name'", ss->file, ss->line);
    if (!have_start)
        return ts_errf(err, "%s:%d: [scenario]: missing key 'start_year'", ss->file, ss->line);
    if (!have_end)
        return ts_errf(err, "%s:%d: [scenario]: missing key 'end_year'", ss->file, ss->line);
    if (s->end_year < s->start_year)
        return ts_errf(err, "%s:%d: [scenario]: end_year %d is before start_year %d",
                       have_end->file, have_end->line, s->end_year, s->start_year);
    if (s->end_year - s->start_year + 1 > TS_MAX_YEARS)
        return ts_errf(err, "%s:%d: [scenario]: more than %d years from start_year to end_year",
                       have_end->file, have_end->line, TS_MAX_YEARS);
    if (!s->label && !(s->label = xstrdup(s->name)))
        return ts_errf(err, "out of memory");

    /* Tiers first: the other sections refer to them in any order. */
    for (size_t i = 0; i < raw->n_secs; i++)
        if (raw->secs[i].kind == SEC_TIER && build_tier(&b, i) < 0)
            return -1;
    for (size_t i = 0; i < raw->n_secs; i++) {
        if (raw->secs[i].kind == SEC_TRANSITION && build_transition(&b, i) < 0)
            return -1;
    }
    if (check_outgoing_sums(&b) < 0)
        return -1;
    for (size_t i = 0; i < raw->n_secs; i++) {
        int rc = 0;
        if (raw->secs[i].kind == SEC_TARGET)
            rc = build_target(&b, i);
        else if (raw->secs[i].kind == SEC_POLICY)
            rc = build_policy(&b, i);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ public API */

static int finish(scenario **out, chain *ch, raw_ini *raw, int rc, const char *name,
                  ts_err *err)
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
        s->n_files = ch->n_files;
        ch->files = NULL;
        ch->n_files = 0;
        rc = interpret(s, raw, err);
    }
    for (size_t i = 0; i < ch->n_files; i++)
        free(ch->files[i]);
    free(ch->files);
    raw_free(raw);
    if (rc < 0) {
        scenario_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

int scenario_load(scenario **out, const char *path, ts_err *err)
{
    chain ch = {0};
    raw_ini raw = {0};
    *out = NULL;
    int rc = load_file_chain(&ch, path, NULL, 0, &raw, err);
    return finish(out, &ch, &raw, rc, path, err);
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
    return finish(out, &ch, &raw, rc, name, err);
}

int scenario_parse_string(scenario **out, const char *text, const char *name, ts_err *err)
{
    return scenario_parse_mem(out, text, strlen(text), name, err);
}

void scenario_free(scenario *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->n_tiers; k++)
        free(s->tiers[k].label);
    for (size_t p = 0; p < s->n_policies; p++) {
        free(s->policies[p].label);
        free(s->policies[p].scales);
    }
    for (size_t i = 0; i < s->n_params; i++)
        free(s->params[i].name);
    for (size_t i = 0; i < s->n_files; i++)
        free(s->files[i]);
    free(s->files);
    free(s->params);
    free(s->tiers);
    free(s->transitions);
    free(s->targets);
    free(s->policies);
    free(s->label);
    free(s->path);
    free(s);
}

int scenario_activate_policy(scenario *s, const char *name, ts_err *err)
{
    for (size_t p = 0; p < s->n_policies; p++)
        if (!strcmp(s->policies[p].name, name)) {
            s->policies[p].active = 1;
            return 0;
        }
    char list[400] = "";
    size_t used = 0;
    for (size_t p = 0; p < s->n_policies && used < sizeof list - TS_NAME_MAX - 8; p++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", p ? ", " : "",
                         s->policies[p].name);
        if (n > 0)
            used += (size_t)n;
    }
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
