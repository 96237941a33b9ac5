/* cli.c -- the command layer's shared set-up and tear-down: the common
 * options, the output transaction, the manifest's shared lines, the charts,
 * the one error printer and the one signal handler. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>

#include "cli.h"
#include "fit.h"
#include "history.h"
#include "observed.h"
#include "html.h"
#include "num.h"
#include "plot.h"
#include "rng.h"
#include "scenario.h"
#include "sensplot.h"
#include "version.h"
#include "xlsx.h"

/* ------------------------------------------------------- the command line */

char cli_command_line[CLI_LINE_MAX];

/* The processes of this run (par.h): NULL alone, or mpirun's.  The command
 * layer's, as cli_interrupted is: passed down to the runners in their
 * options, never read by the library itself. */
static par_group *cli_par;

static void stop_par(void)
{
    par_stop(cli_par);
    cli_par = NULL;
}

const par_group *cli_processes(void)
{
    return cli_par;
}

int cli_writes(void)
{
    return par_rank(cli_par) == 0;
}

void cli_start(int argc, char **argv)
{
    /* Under mpirun every process runs the command; process 0 alone prints
     * and writes (the others compute their shares into a scratch directory
     * that goes with them: see cli_open). */
    cli_par = par_start(NULL, NULL);
    if (cli_par) {
        atexit(stop_par);
        if (!cli_writes() && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
            exit(EXIT_FAIL);
    }
    /* Every GSL failure becomes a status that the modules turn into a message. */
    gsl_set_error_handler_off();
    /* Past a file size limit (ulimit -f), a write fails with EFBIG, which the
     * commands report like a full disk, rather than the process being killed
     * with its temporary directory left behind. */
    signal(SIGXFSZ, SIG_IGN);
    cli_set_command_line(argc, argv);
}

void cli_set_command_line(int argc, char **argv)
{
    size_t used = 0;
    cli_command_line[0] = '\0';
    for (int i = 0; i < argc && used + 1 < CLI_LINE_MAX; i++) {
        /* Quote arguments a shell would split, so the line can be re-run. */
        int plain = argv[i][0] != '\0' && strcspn(argv[i], " \t\n'\"$\\;&|<>()*?`") == strlen(argv[i]);
        int n = snprintf(cli_command_line + used, CLI_LINE_MAX - used, plain ? "%s%s" : "%s'%s'",
                         i ? " " : "", argv[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* ---------------------------------------------------------------- signals */

volatile sig_atomic_t cli_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ---------------------------------------------------------------- options */

/* Codes of the shared long-only options: above any short letter and any
 * command's own code (which start at 256). */
enum { OPT_POLICY = 0x10000, OPT_HISTORY, OPT_NO_PLOTS, OPT_HELP, OPT_LANG };

typedef struct {
    unsigned mask;
    cli_option opt;
} common_option;

static const common_option common_options[] = {
    {CLI_REPS, {"replications", 'n', 1, "REPS", "how many replications to run; each draws every "
                "uncertain value of the scenario afresh", 0,
                "the scenario's `replications` (10000 where it has none)", "-n 50000"}},
    {CLI_SEED, {"seed", 's', 1, "SEED", "the seed of the random streams: the same seed gives the "
                "same results, byte for byte", 0, "the scenario's `seed` (1 where it has none)",
                "-s 7"}},
    {CLI_THREADS, {"threads", 'j', 1, "THREADS", "how many threads to use; any number gives the "
                   "same bytes", 0, "every core", "-j 2"}},
    {CLI_OUT, {"out", 'o', 1, "DIR", "the output directory; an earlier DIR is replaced whole, "
               "and only when it is a tiersim output", 0,
               "out/ and a name made of what was run (README, Outputs)", "-o out/capital"}},
    {CLI_POLICY, {"policy", OPT_POLICY, 1, "NAME", "turn on a [policy NAME] of the scenario; "
                  "repeatable", CLI_REPEAT, "none (every policy is off)", "--policy capital"}},
    {CLI_HISTORY, {"history", OPT_HISTORY, 1, "HISTORY.csv", "fit the scenario's `fit` values to "
                   "this history first (the table of estimates is printed), then use them", 0,
                   "none (a scenario with `fit` values is refused)",
                   "--history data/qingdao-v1-history.csv"}},
    {CLI_NO_PLOTS, {"no-plots", OPT_NO_PLOTS, 0, NULL, "write the CSVs (and results.xlsx) only: no "
                    "charts, no report.html", 0, "off (the charts and report.html are drawn, with gnuplot)",
                    "--no-plots"}},
    {CLI_QUIET, {"quiet", 'q', 0, NULL, "no progress bar, no fit table", 0,
                 "off (a progress bar on a terminal; the fit table with --history)", "-q"}},
    {CLI_LANG, {"lang", OPT_LANG, 1, "zh|en", "the language of the report card, charts, "
                "report.html and warnings; CSVs and error messages are the same in both", 0,
                "the output's for plot, else zh when LC_ALL, LC_MESSAGES or LANG starts with zh, "
                "else en", "--lang zh"}},
};
#define N_COMMON (sizeof common_options / sizeof common_options[0])

/* Whether spec takes the shared option of `mask`: --lang every command does. */
static int takes(const cli_spec *spec, unsigned mask)
{
    return ((spec->common | CLI_LANG) & mask) != 0;
}

/* ---------------------------------------------------------------- language */

static ts_lang process_lang = LANG_EN;

ts_lang cli_lang_default(void)
{
    return i18n_lang_from_locale(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"));
}

ts_lang cli_lang(void)
{
    return process_lang;
}

void cli_set_lang(ts_lang lang)
{
    process_lang = lang;
}

int cli_usagef(ts_err *err, const char *cmd, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ts_errf(err, "%s: %s (see tiersim %s --help)", cmd, msg, cmd);
}

static int common_value(const cli_spec *spec, int key, const char *v, cli_args *a, ts_err *err)
{
    const char *cmd = spec->name;
    int64_t j;
    switch (key) {
    case 'n':
        if (num_parse_uint64(v, 1000000000ULL, &a->replications) < 0 || a->replications == 0)
            return cli_usagef(err, cmd, "-n: expected a whole number from 1 to 1000000000, got "
                              "'%s'", v);
        return 0;
    case 's':
        if (num_parse_uint64(v, UINT64_MAX, &a->seed) < 0)
            return cli_usagef(err, cmd, "-s: expected a whole number from 0 to "
                              "18446744073709551615, got '%s'", v);
        a->have_seed = 1;
        return 0;
    case 'j':
        if (num_parse_int64(v, 1, 1024, &j) < 0)
            return cli_usagef(err, cmd, "-j: expected a whole number from 1 to 1024, got '%s'", v);
        a->threads = (int)j;
        return 0;
    case 'o':
        if (!v[0])
            return cli_usagef(err, cmd, "-o: expected a directory");
        a->out_dir = v;
        return 0;
    case OPT_POLICY:
        if (a->n_policies == CLI_MAX_POLICIES)
            return cli_usagef(err, cmd, "--policy: at most %d policies", CLI_MAX_POLICIES);
        a->policies[a->n_policies++] = v;
        return 0;
    case OPT_HISTORY:
        if (!v[0])
            return cli_usagef(err, cmd, "--history: expected a file");
        a->history = v;
        return 0;
    case OPT_NO_PLOTS:
        a->no_plots = 1;
        return 0;
    case 'q':
        a->quiet = 1;
        return 0;
    case OPT_LANG:
        if (i18n_parse_lang(v, &a->lang) < 0)
            return cli_usagef(err, cmd, "--lang: expected zh or en, got '%s'", v);
        a->have_lang = 1;
        return 0;
    default:
        return 0;
    }
}

/* The command's own option with this key, or NULL. */
static const cli_option *own_option(const cli_spec *spec, int key)
{
    for (size_t i = 0; i < spec->n_options; i++)
        if (spec->options[i].key == key)
            return &spec->options[i];
    return NULL;
}

/* Runs f over every option spec takes: the shared ones it names, its own,
 * then --help. */
static void each_option(const cli_spec *spec, void (*f)(const cli_option *o, void *ctx), void *ctx)
{
    for (size_t i = 0; i < N_COMMON; i++)
        if (takes(spec, common_options[i].mask))
            f(&common_options[i].opt, ctx);
    for (size_t i = 0; i < spec->n_options; i++)
        f(&spec->options[i], ctx);
    static const cli_option help = {"help", 'h', 0, NULL, "print this help and exit", 0, "off",
                                    "--help"};
    f(&help, ctx);
}

typedef struct {
    struct option *longopts;
    size_t n;
    char *shortopts;
    size_t n_short;
} getopt_tables;

static void add_getopt(const cli_option *o, void *ctx)
{
    getopt_tables *t = ctx;
    if (o->name)
        t->longopts[t->n++] = (struct option){o->name, o->has_arg ? required_argument : no_argument,
                                              NULL, o->key};
    if (o->key > 0 && o->key < 128) {
        t->shortopts[t->n_short++] = (char)o->key;
        if (o->has_arg)
            t->shortopts[t->n_short++] = ':';
    }
}

int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *a, void *own, ts_err *err)
{
    memset(a, 0, sizeof *a);
    a->cmd = spec->name;
    size_t n_max = N_COMMON + spec->n_options + 2;
    getopt_tables t = {calloc(n_max, sizeof(struct option)), 0, calloc(2 * n_max + 2, 1), 1};
    if (!t.longopts || !t.shortopts) {
        free(t.longopts);
        free(t.shortopts);
        return ts_errf(err, "%s: out of memory", spec->name);
    }
    t.shortopts[0] = ':';   /* a missing value is reported as ':', not printed by getopt */
    each_option(spec, add_getopt, &t);
    optind = 0; /* glibc: a full reset, so the parser can run more than once */
    opterr = 0;
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, t.shortopts, t.longopts, NULL)) != -1) {
        int mine = 0;
        for (size_t i = 0; i < N_COMMON; i++)
            mine |= takes(spec, common_options[i].mask) && common_options[i].opt.key == c;
        if (c == 'h') {
            a->help = 1;
            break;
        } else if (c == ':') {
            rc = cli_usagef(err, spec->name, "option '%s' needs a value", argv[optind - 1]);
        } else if (c == '?') {
            rc = cli_usagef(err, spec->name, "unknown option '%s'", argv[optind - 1]);
        } else if (mine) {
            rc = common_value(spec, c, optarg, a, err);
        } else {
            rc = spec->on_option(own, c, optarg, err);
            const cli_option *o = own_option(spec, c);
            if (rc == 0 && o && (o->flags & CLI_NAMES_DIR)) {
                if (a->n_dir_parts == CLI_MAX_DIR_PARTS)
                    rc = cli_usagef(err, spec->name, "'%s' given too often (at most %d such "
                                    "options)", argv[optind - 1], CLI_MAX_DIR_PARTS);
                else
                    a->dir_parts[a->n_dir_parts++] = (cli_dir_part){
                        c, o->has_arg ? optarg : o->name};
            }
        }
    }
    free(t.longopts);
    free(t.shortopts);
    if (!a->have_lang)
        a->lang = cli_lang_default();
    cli_set_lang(a->lang);
    if (rc < 0 || a->help)
        return rc;
    for (int i = optind; i < argc; i++) {
        if (a->n_operands == spec->max_operands || a->n_operands == CLI_MAX_OPERANDS)
            return cli_usagef(err, spec->name, "unexpected operand '%s' after %s", argv[i],
                              spec->operands);
        a->operands[a->n_operands++] = argv[i];
    }
    if (a->n_operands < spec->min_operands)
        return cli_usagef(err, spec->name, "missing %s", spec->operands);
    return 0;
}

/* ------------------------------------------------- output directory names */

#define DIR_NAME_MAX 200    /* bytes of the last component: well below NAME_MAX (255) */
#define NAME_BUF (4 * DIR_NAME_MAX) /* what is hashed when the name is cut */

/* Appends s to the name, as a character a file name may hold everywhere an
 * analyst copies it (Windows shares included): letters, digits, _ . + -;
 * anything else becomes '_'. */
static void name_put(char *name, size_t *used, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char ch = (unsigned char)s[i];
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '+' || ch == '-';
        if (*used + 1 < NAME_BUF)
            name[(*used)++] = keep ? (char)ch : '_';
    }
    name[*used] = '\0';
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* A value that names a file ("OTHER.ini"): its name without directory and
 * extension, which is what tells two arms apart. */
static void file_stem(const char *path, const char **start, size_t *n)
{
    const char *slash = strrchr(path, '/');
    *start = slash ? slash + 1 : path;
    const char *dot = strrchr(*start, '.');
    *n = dot && dot > *start ? (size_t)(dot - *start) : strlen(*start);
}

static int names_a_file(const cli_option *o)
{
    size_t n = o->arg ? strlen(o->arg) : 0;
    return n > 4 && (!strcmp(o->arg + n - 4, ".ini") || !strcmp(o->arg + n - 4, ".csv"));
}

int cli_default_dir(const cli_spec *spec, const cli_args *a, const char *scenario_name,
                    char *buf, size_t len)
{
    char name[NAME_BUF];
    size_t used = 0;
    name_put(name, &used, scenario_name, strlen(scenario_name));
    if (spec->common & CLI_POLICY) {
        const char *sorted[CLI_MAX_POLICIES];
        size_t n = a->n_policies < CLI_MAX_POLICIES ? a->n_policies : CLI_MAX_POLICIES;
        memcpy(sorted, a->policies, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, by_name);
        for (size_t i = 0; i < n; i++)
            if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0) {
                name_put(name, &used, "+", 1);
                name_put(name, &used, sorted[i], strlen(sorted[i]));
            }
    }
    /* run is the projection itself; every other command says what it did. */
    if (strcmp(spec->name, "run") != 0) {
        name_put(name, &used, "-", 1);
        name_put(name, &used, spec->name, strlen(spec->name));
    }
    for (size_t i = 0; i < spec->n_options; i++) {
        const cli_option *o = &spec->options[i];
        if (!(o->flags & CLI_NAMES_DIR))
            continue;
        size_t given = 0;
        for (size_t j = 0; j < a->n_dir_parts; j++) {
            if (a->dir_parts[j].key != o->key)
                continue;
            const char *v = a->dir_parts[j].value;
            size_t n = strlen(v);
            if (names_a_file(o))
                file_stem(v, &v, &n);
            name_put(name, &used, "-", 1);
            name_put(name, &used, v, n);
            given++;
        }
        if (!given && o->has_arg && !(o->flags & CLI_REPEAT) && o->deflt) {
            name_put(name, &used, "-", 1);
            name_put(name, &used, o->deflt, strlen(o->deflt));
        }
    }
    if (used > DIR_NAME_MAX) {
        /* Cut, with a hash of the whole so that two long names stay apart. */
        uint32_t h = 2166136261u; /* FNV-1a */
        for (size_t i = 0; i < used; i++)
            h = (h ^ (unsigned char)name[i]) * 16777619u;
        snprintf(name + DIR_NAME_MAX - 9, 10, "-%08x", (unsigned)h);
        used = DIR_NAME_MAX;
    }
    int w = snprintf(buf, len, "out/%s", name);
    return w < 0 || (size_t)w >= len ? -1 : w;
}

/* What the help and the man page say -o defaults to, for this command: the
 * rule of cli_default_dir written as a pattern. */
static void dir_pattern(const cli_spec *spec, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "out/NAME%s%s%s",
                                   spec->common & CLI_POLICY ? "[+POLICY...]" : "",
                                   strcmp(spec->name, "run") ? "-" : "",
                                   strcmp(spec->name, "run") ? spec->name : "");
    for (size_t i = 0; i < spec->n_options && used < len; i++) {
        const cli_option *o = &spec->options[i];
        if (!(o->flags & CLI_NAMES_DIR))
            continue;
        char part[80];
        size_t k = 0;
        for (const char *p = o->name ? o->name : ""; *p && k + 1 < sizeof part; p++)
            part[k++] = o->has_arg && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        part[k] = '\0';
        used += (size_t)snprintf(buf + used, len - used,
                                 o->flags & CLI_REPEAT ? "[-%s]..." : o->has_arg ? "-%s" : "[-%s]",
                                 part);
    }
    if (used < len)
        snprintf(buf + used, len - used, ", named by what was run%s",
                 spec->common & CLI_POLICY ? " (the policies sorted)" : "");
}

/* "-n REPS" or "--policy NAME": how the option is typed. */
static void option_text(const cli_option *o, int both, char *buf, size_t len)
{
    const char *v = o->arg ? o->arg : "";
    const char *sep = o->arg ? " " : "";
    if (o->key > 0 && o->key < 128 && o->name && both)
        snprintf(buf, len, "-%c, --%s%s%s", o->key, o->name, sep, v);
    else if (o->key > 0 && o->key < 128)
        snprintf(buf, len, "-%c%s%s", o->key, sep, v);
    else
        snprintf(buf, len, "--%s%s%s", o->name, sep, v);
}

static void print_usage_item(const cli_option *o, void *ctx)
{
    FILE *f = ctx;
    char text[128];
    /* --help and --lang, which every command takes, in the options only */
    if (o->key == 'h' || o->key == OPT_LANG)
        return;
    option_text(o, 0, text, sizeof text);
    fprintf(f, o->flags & CLI_REQUIRED ? " %s%s" : " [%s]%s", text,
            o->flags & CLI_REPEAT ? "..." : "");
}

#define HELP_WIDTH 79
#define HELP_INDENT 30

/* Writes text starting at column col, wrapped at HELP_WIDTH with the
 * continuation lines at HELP_INDENT, and a newline: the meanings stay
 * readable in an 80-column terminal. */
static void put_wrapped(FILE *f, const char *text, size_t col)
{
    const char *p = text;
    while (*p) {
        size_t room = col < HELP_WIDTH ? HELP_WIDTH - col : 1, n = strlen(p), cut = n;
        if (n > room) {
            cut = room;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (cut == 0) /* one word longer than the room: on a line of its own */
                cut = strcspn(p, " ");
        }
        fprintf(f, "%.*s\n", (int)cut, p);
        p += cut;
        while (*p == ' ')
            p++;
        if (*p)
            fprintf(f, "%*s", HELP_INDENT, "");
        col = HELP_INDENT;
    }
}

typedef struct {
    FILE *f;
    const cli_spec *spec;
} help_ctx;

/* An option's default as the help shows it: -o's is the naming rule of the
 * command at hand. */
static const char *option_default(const cli_option *o, const cli_spec *spec, char *buf,
                                  size_t len)
{
    if (o->key != 'o' || !o->deflt)
        return o->deflt;
    dir_pattern(spec, buf, len);
    return buf;
}

static void print_option_help(const cli_option *o, void *vctx)
{
    const help_ctx *ctx = vctx;
    FILE *f = ctx->f;
    char text[128], line[512], pattern[256];
    const char *deflt = option_default(o, ctx->spec, pattern, sizeof pattern);
    option_text(o, 1, text, sizeof text);
    /* A long flag puts its meaning on the next line, so the meanings align. */
    if (strlen(text) > HELP_INDENT - 4)
        fprintf(f, "  %s\n%*s", text, HELP_INDENT, "");
    else
        fprintf(f, "  %-*s  ", HELP_INDENT - 4, text);
    put_wrapped(f, o->help ? o->help : "", HELP_INDENT);
    /* A row without them shows none (and tests/help.sh fails on it). */
    if (deflt && deflt[0]) {
        snprintf(line, sizeof line, "default: %s", deflt);
        fprintf(f, "%*s", HELP_INDENT, "");
        put_wrapped(f, line, HELP_INDENT);
    }
    /* Never wrapped: it is copied as it stands. */
    if (o->example && o->example[0])
        fprintf(f, "%*sexample: %s\n", HELP_INDENT, "", o->example);
}

void cli_print_synopsis(FILE *f, const cli_spec *spec)
{
    fprintf(f, "tiersim %s%s%s", spec->name, spec->operands[0] ? " " : "", spec->operands);
    each_option(spec, print_usage_item, f);
    fputc('\n', f);
}

void cli_print_usage(FILE *f, const cli_spec *spec)
{
    fprintf(f, "usage: ");
    cli_print_synopsis(f, spec);
    fprintf(f, "\n%s\n\noptions:\n", spec->summary);
    help_ctx ctx = {f, spec};
    each_option(spec, print_option_help, &ctx);
    if (spec->examples && spec->examples[0]) {
        fprintf(f, "\nexamples:\n");
        for (const char *const *e = spec->examples; *e; e++)
            fprintf(f, "  %s\n", *e);
    }
}

typedef struct {
    const cli_option **out;
    size_t n, max;
} option_list;

static void add_to_list(const cli_option *o, void *ctx)
{
    option_list *l = ctx;
    if (l->n < l->max)
        l->out[l->n] = o;
    l->n++;
}

size_t cli_spec_options(const cli_spec *spec, const cli_option **out, size_t max)
{
    option_list l = {out, 0, max};
    each_option(spec, add_to_list, &l);
    return l.n;
}

/* ---------------------------------------------------------- the man page */

/* Text for roff: a backslash prints as \e and every hyphen as \- (so that
 * options, file names and examples copy from the page as they were typed,
 * not as typographic hyphens); `font` wraps it in \fB or \fI. */
static void roff_text(FILE *f, const char *t, char font)
{
    if (font)
        fprintf(f, "\\f%c", font);
    for (const char *p = t; *p; p++) {
        if (*p == '\\')
            fputs("\\e", f);
        else if (*p == '-')
            fputs("\\-", f);
        else
            fputc(*p, f);
    }
    if (font)
        fputs("\\fR", f);
}

/* A line of running text; \& first, so that a leading '.' or '\'' is never
 * read as a request. */
static void roff_line(FILE *f, const char *t, char font)
{
    fputs("\\&", f);
    roff_text(f, t, font);
    fputc('\n', f);
}

static void man_synopsis_item(const cli_option *o, void *ctx)
{
    FILE *f = ctx;
    char text[128];
    if (o->key == 'h')
        return;
    option_text(o, 0, text, sizeof text);
    fputs(o->flags & CLI_REQUIRED ? " " : " [", f);
    /* The option and its value stay together on one line. */
    for (const char *p = text; *p; p++) {
        if (*p == ' ')
            fputs("\\ ", f);
        else if (*p == '-')
            fputs("\\-", f);
        else
            fputc(*p, f);
    }
    fputs(o->flags & CLI_REQUIRED ? "" : "]", f);
    if (o->flags & CLI_REPEAT)
        fputs("...", f);
}

static void man_synopsis(FILE *f, const cli_spec *spec)
{
    fprintf(f, ".PP\n\\fBtiersim %s\\fR", spec->name);
    if (spec->operands[0]) {
        fputc(' ', f);
        roff_text(f, spec->operands, 'I');
    }
    each_option(spec, man_synopsis_item, f);
    fputc('\n', f);
}

static void man_option(const cli_option *o, void *vctx)
{
    const help_ctx *ctx = vctx;
    FILE *f = ctx->f;
    char text[128], pattern[256];
    const char *deflt = option_default(o, ctx->spec, pattern, sizeof pattern);
    option_text(o, 1, text, sizeof text);
    fputs(".TP\n", f);
    roff_line(f, text, 'B');
    roff_line(f, o->help ? o->help : "", 0);
    if (deflt && deflt[0]) {
        fputs(".br\nDefault: ", f);
        roff_text(f, deflt, 0);
        fputs(".\n", f);
    }
    if (o->example && o->example[0]) {
        fputs(".br\nExample: ", f);
        roff_text(f, o->example, 'B');
        fputc('\n', f);
    }
}

void cli_print_man(FILE *f, const cli_spec *const *specs, size_t n)
{
    fprintf(f, ".TH TIERSIM 1 \"\" \"tiersim %s\" \"tiersim manual\"\n", TIERSIM_VERSION);
    /* No hyphenation, ragged right: option names must not break. */
    fputs(".nh\n.ad l\n.SH NAME\ntiersim \\- how likely are a plan's enterprise\\-cultivation targets to be "
          "met?\n.SH SYNOPSIS\n", f);
    for (size_t i = 0; i < n; i++)
        man_synopsis(f, specs[i]);
    fputs(".PP\n\\fBtiersim help\\fR [\\fICOMMAND\\fR] [\\-\\-man]\n"
          ".PP\n\\fBtiersim version\\fR\n"
          ".SH DESCRIPTION\n"
          "tiersim turns a city's or province's plan for cultivating small and medium enterprises "
          "\\(em tiers of certification, a baseline, targets such as \"about 100 new national "
          "little giants by 2025\" \\(em into a stochastic model of yearly inflows, promotions "
          "between tiers, re\\-reviews and exits, read from an INI scenario file.\n"
          "It runs many replications, every uncertain assumption drawn afresh in each, and "
          "reports what each tier will hold and the probability that each target is met, with "
          "its Monte Carlo error.\n"
          ".PP\n"
          "Options and operands may come in any order.\n"
          "Every command writes its results into an output directory that appears whole or "
          "not at all, with a \\fBmanifest.txt\\fR that records the version, the command line, "
          "the scenario, the policies, the seed and the replications.\n"
          ".SH COMMANDS\n", f);
    for (size_t i = 0; i < n; i++) {
        const cli_spec *spec = specs[i];
        fprintf(f, ".SS %s\n", spec->name);
        roff_line(f, spec->summary, 0);
        fputs(".PP\nOptions:\n", f);
        help_ctx ctx = {f, spec};
        each_option(spec, man_option, &ctx);
        if (spec->examples && spec->examples[0]) {
            fputs(".PP\nExamples:\n.RS\n.nf\n", f);
            for (const char *const *e = spec->examples; *e; e++)
                roff_line(f, *e, 0);
            fputs(".fi\n.RE\n", f);
        }
    }
    fputs(".SS help\n"
          "\\fBtiersim help\\fR lists the commands; \\fBtiersim help\\fR \\fICOMMAND\\fR (or "
          "\\fBtiersim\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR) prints every option of the "
          "command with its meaning, default and an example, and the command's worked examples; "
          "\\fBtiersim help \\-\\-man\\fR prints this page.\n"
          ".SH \"EXIT STATUS\"\n"
          ".TP\n.B 0\nsuccess.\n"
          ".TP\n.B 1\nany other failure: a write that failed, a full disk, an interrupted run, "
          "gnuplot failing, an output directory that would replace files tiersim did not "
          "write.\n"
          ".TP\n.B 2\nbad input or usage: a scenario or history file, an option, a name that "
          "does not exist.\n"
          "The message is one line and names the file, line and key.\n"
          ".PP\nA command that fails leaves no output directory behind, and an earlier one as it "
          "was.\n"
          ".SH ENVIRONMENT\n"
          ".TP\n.B TIERSIM_PLOTS\n"
          "The directory of the gnuplot scripts (\\fBfan.gp\\fR, \\fBcard.gp\\fR, ...).\n"
          "Without it they are looked for in \\fBplots\\fR, \\fB../plots\\fR, "
          "\\fB../../plots\\fR and \\fB../share/tiersim/plots\\fR beside the executable, so an "
          "installed tiersim finds \\fIPREFIX\\fB/share/tiersim/plots\\fR.\n"
          ".SH FILES\n"
          ".TP\n.I SCENARIO.ini\n"
          "The scenario: [scenario], [tier NAME], [transition A \\-> B], [target TIER], "
          "[policy NAME] and [event NAME] sections; \\fBtiersim check \\-\\-keys\\fR lists "
          "every key.\n"
          ".TP\n.B out/\\fINAME\\fR...\n"
          "The default output directory, named by what was run (see the \\fB\\-o\\fR "
          "option); \\fB\\-o\\fR \\fIDIR\\fR puts it elsewhere.\n"
          "A run writes \\fBprojection.csv\\fR, \\fBtargets.csv\\fR, "
          "\\fBp_met_by_year.csv\\fR, \\fBtiers.csv\\fR, \\fBdistribution.csv\\fR, "
          "\\fBmanifest.txt\\fR, and unless \\fB\\-\\-no\\-plots\\fR the charts in "
          "\\fBcharts/\\fR and \\fBreport.html\\fR.\n"
          ".TP\n.I PREFIX\\fB/share/tiersim/plots/\\fR\n"
          "The gnuplot scripts, one per chart kind.\n"
          ".TP\n.I PREFIX\\fB/share/tiersim/scenarios/qingdao.ini\\fR\n"
          "The default scenario: Qingdao's 2022\\-2025 plan for SRDI (\\(lqzhuanjingtexin\\(rq) "
          "SMEs, as known in July 2022.\n"
          ".SH EXAMPLES\n.nf\n", f);
    for (size_t i = 0; i < n; i++)
        if (specs[i]->examples && specs[i]->examples[0])
            roff_line(f, specs[i]->examples[0], 0);
    fputs(".fi\n.SH \"SEE ALSO\"\n.BR gnuplot (1);\n"
          "README.md of the tiersim sources: the model, every scenario key, every error "
          "message and how to read each output.\n", f);
}

int cli_help(const cli_spec *spec)
{
    cli_print_usage(stdout, spec);
    return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_FAIL;
}

int cli_usage_error(const ts_err *err)
{
    fprintf(stderr, "%s\n", err->msg);
    return EXIT_USAGE;
}

/* --------------------------------------------------------------- progress */

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

/* A progress line on stderr, at most four times a second. */
static void progress(void *ctx, uint64_t done, uint64_t total)
{
    cli_progress *p = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (done < total && p->shown && seconds_between(&p->last, &now) < 0.25)
        return;
    p->last = now;
    double el = seconds_between(&p->start, &now);
    double frac = total ? (double)done / (double)total : 1.0;
    char b[31];
    for (int i = 0; i < 30; i++)
        b[i] = i < (int)(frac * 30.0) ? '#' : '.';
    b[30] = '\0';
    double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
    i18n_fprintf(stderr, p->lang, MSG_PROGRESS, b, (unsigned long long)done,
                 (unsigned long long)total, el, eta);
    p->shown = 1;
}

static void progress_end(cli_progress *p)
{
    if (p->shown)
        fputc('\n', stderr);
    p->shown = 0;
}

/* -------------------------------------------------------------------- fit */

/* "p = 0.998", or why there is no p-value. */
static void fit_p_text(const fit_result *r, char *buf, size_t len)
{
    if (isnan(r->p_value))
        snprintf(buf, len, "no test of fit");
    else
        snprintf(buf, len, "p = %.3g", r->p_value);
}

static void print_fit_table(FILE *out, const scenario *s, const fit_result *r)
{
    fprintf(out, "%-40s %12s %10s %23s  %s\n", "parameter", "estimate", "se", "95% interval",
            "prior");
    size_t priors = 0;
    for (size_t j = 0; j < r->n_est; j++) {
        const fit_estimate *e = &r->est[j];
        const ts_param *p = &s->params[e->param];
        char prior[128] = "(none)", ci[64];
        if (e->has_prior)
            dist_format(&e->prior, prior, sizeof prior);
        snprintf(ci, sizeof ci, "[%.4g, %.4g]", e->lo95, e->hi95);
        fprintf(out, "%-40s %12.5g %10.3g %23s  %s\n", p->name, e->estimate, e->se, ci, prior);
        priors += (size_t)e->has_prior;
    }
    char p[64];
    fit_p_text(r, p, sizeof p);
    fprintf(out, "\nresidual chi-square %.3f on %d degrees of freedom, %s (%zu fitted rows, %zu "
                 "priors, %zu parameters)\n", r->chi2, r->dof, p, r->n_pts, priors, r->n_est);
    if (r->n_ignored)
        fprintf(out, "%zu history rows are not fitted (the levels they depend on are not known "
                     "at the start of their year); their stocks still serve as starting "
                     "levels\n", r->n_ignored);
}

void cli_note_gb18030(const char *file)
{
    i18n_fprintf(stderr, cli_lang(), MSG_NOTE_GB18030, file);
}

int cli_load_observed(observed **out, const char *path, const scenario *s, ts_err *err)
{
    if (observed_load(out, path, s, err) < 0)
        return -1;
    if ((*out)->gb18030)
        cli_note_gb18030(path);
    return 0;
}

void cli_note_scenario(const scenario *s)
{
    for (size_t i = 0; i < s->n_files; i++)
        if (s->files_gb18030[i])
            cli_note_gb18030(s->files[i]);
}

/* Fits s to the history at path: the table on `report` (may be NULL), the
 * fit's warnings on stderr; with `apply` the estimates replace the `fit`
 * values.  The result and the history go to *fr and *h. */
static int fit_history(scenario *s, const char *path, FILE *report, int apply, fit_result **fr,
                       history **h, ts_err *err)
{
    if (history_load(h, path, s, err) < 0)
        return -1;
    if ((*h)->gb18030)
        cli_note_gb18030(path);
    if (fit_run(s, *h, NULL, fr, err) < 0)
        return -1;
    if (report)
        print_fit_table(report, s, *fr);
    for (size_t i = 0; i < (*fr)->n_warnings; i++)
        i18n_fprintf(stderr, cli_lang(), MSG_WARNING, (*fr)->warnings[i]);
    return apply ? fit_apply(s, *fr, err) : 0;
}

static int refuse_unfitted(const scenario *s, const char *path, ts_err *err)
{
    size_t first;
    if (scenario_unfitted(s, &first) == 0)
        return 0;
    const ts_param *p = &s->params[first];
    return ts_errf(err, "%s:%d: %s is written 'fit': run `tiersim fit %s HISTORY.csv` and then "
                   "its fitted.ini, or pass --history HISTORY.csv", p->file, p->line, p->name,
                   path);
}

int cli_load_scenario(const char *path, const char *history_path, int quiet, scenario **out,
                      ts_err *err)
{
    scenario *s = NULL;
    fit_result *fr = NULL;
    history *h = NULL;
    int rc = scenario_load(&s, path, err);
    if (rc == 0)
        cli_note_scenario(s);
    if (rc == 0 && history_path)
        rc = fit_history(s, history_path, quiet ? NULL : stdout, 1, &fr, &h, err);
    if (rc == 0)
        rc = refuse_unfitted(s, path, err);
    fit_result_free(fr);
    history_free(h);
    if (rc < 0) {
        scenario_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

/* ---------------------------------------------------------------- session */

void cli_init(cli_session *cs, const cli_spec *spec, const cli_args *a)
{
    memset(cs, 0, sizeof *cs);
    cs->spec = spec;
    cs->a = a;
    cs->status = EXIT_USAGE;
}

int cli_open(cli_session *cs, const cli_spec *spec, const cli_args *a, const char *scenario_path,
             unsigned flags, ts_err *err)
{
    cli_init(cs, spec, a);
    cs->scenario_path = scenario_path;
    cli_catch_signals();
    if (scenario_load(&cs->s, scenario_path, err) < 0)
        return -1;
    cli_note_scenario(cs->s);
    /* A set's members are fitted on their own histories, each its scenario. */
    if (cs->s->n_members && (a->history || (flags & CLI_KEEP_FIT)))
        return ts_errf(err, "%s: a region set is not fitted: fit each member's scenario with "
                       "its own history, then make the set of the fitted scenarios",
                       scenario_path);
    if (a->history) {
        int keep = (flags & CLI_KEEP_FIT) != 0;
        if (fit_history(cs->s, a->history, a->quiet ? NULL : stdout, !keep, &cs->fit, &cs->hist,
                        err) < 0)
            return -1;
        if (!keep && !a->quiet)
            putchar('\n');
    }
    if (!(flags & CLI_KEEP_FIT) && refuse_unfitted(cs->s, scenario_path, err) < 0)
        return -1;
    size_t used = 0;
    for (size_t i = 0; i < a->n_policies; i++) {
        if (scenario_activate_policy(cs->s, a->policies[i], err) < 0)
            return -1;
        int w = snprintf(cs->policies + used, sizeof cs->policies - used, "%s%s", i ? "," : "",
                         a->policies[i]);
        if (w > 0 && (size_t)w < sizeof cs->policies - used)
            used += (size_t)w;
    }
    if (a->have_seed)
        cs->s->seed = a->seed;
    cs->threads = runner_thread_count(a->threads);
    if (a->out_dir)
        snprintf(cs->dir, sizeof cs->dir, "%s", a->out_dir);
    else
        cli_default_dir(spec, a, cs->s->name, cs->dir, sizeof cs->dir);
    if (flags & CLI_NO_OUTPUT)
        return 0;
    cs->status = EXIT_FAIL;
    int rc;
    if (!cli_writes()) {
        /* Another process than 0: its writes go to a scratch directory of
         * its own, removed at the end (cli_close, cli_fail), so that the
         * commands run as they do alone and only process 0's output stays. */
        snprintf(cs->scratch, sizeof cs->scratch, "%s/tiersim-rank%d-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", par_rank(cli_par));
        char out[sizeof cs->scratch + 8];
        if (!mkdtemp(cs->scratch)) {
            rc = ts_errf(err, "%s: cannot create: %s", cs->scratch, strerror(errno));
            cs->scratch[0] = '\0';
        } else {
            snprintf(out, sizeof out, "%s/out", cs->scratch);
            rc = outdir_begin(&cs->od, out, err);
        }
    } else {
        rc = outdir_begin(&cs->od, cs->dir, err);
    }
    /* The one step where processes can part: process 0 alone opens DIR.  If
     * any failed, all stop here, or the others would wait in the runner for
     * a process that has left. */
    uint64_t failed = rc < 0;
    par_max_u64(cli_par, &failed, 1);
    if (failed && rc == 0)
        rc = ts_errf(err, "another process could not open its output");
    if (rc < 0)
        return -1;
    cs->status = EXIT_USAGE;
    return 0;
}

void cli_runner_opts(cli_session *cs, runner_opts *o, int quiet)
{
    runner_opts_init(o, cs->s);
    if (cs->a->replications)
        o->replications = cs->a->replications;
    o->threads = cs->a->threads;
    o->cancel = &cli_interrupted;
    o->par = cli_par;
    memset(&cs->progress, 0, sizeof cs->progress);
    if (quiet || cs->a->quiet || !isatty(STDERR_FILENO))
        return;
    cs->progress.lang = cli_lang();
    clock_gettime(CLOCK_MONOTONIC, &cs->progress.start);
    o->progress = progress;
    o->progress_ctx = &cs->progress;
}

void cli_computed(cli_session *cs)
{
    progress_end(&cs->progress);
    cs->status = EXIT_FAIL;
}

void cli_manifest_begin(const cli_session *cs, manifest *m)
{
    const scenario *s = cs->s;
    manifest_init(m);
    manifest_add(m, "tiersim_version", "%s", TIERSIM_VERSION);
    manifest_add(m, "command", "%s", cli_command_line);
    manifest_add(m, "scenario", "%s", cs->scenario_path);
    manifest_add(m, "scenario_name", "%s", s->name);
    manifest_add(m, "scenario_label", "%s", s->label);
    manifest_add(m, "years", "%d-%d", s->start_year, s->end_year);
    /* Both from scenario_period_end: the update before start_year ends the
     * month before `start`, which is also known_until's default (0: not
     * given, in a scenario read without the key). */
    int before = scenario_period_end(s, s->start_year - 1);
    char start[16], known[16];
    scenario_month_format(before + 1, start, sizeof start);
    scenario_month_format(s->known_until > 0 ? s->known_until : before, known, sizeof known);
    manifest_add(m, "start", "%s", start);
    manifest_add(m, "known_until", "%s", known);
    if (cs->a->history)
        manifest_add(m, "history", "%s", cs->a->history);
    manifest_add(m, "policies", "%s", cs->policies[0] ? cs->policies : "none");
    manifest_add(m, "lang", "%s", i18n_lang_name(cs->a->lang));
}

/* More fit warnings than this are counted in the manifest, not copied (the
 * manifest has room for MANIFEST_MAX lines; stderr has them all). */
#define CLI_MANIFEST_WARNINGS 100

void cli_manifest_fit(const cli_session *cs, manifest *m)
{
    const fit_result *r = cs->fit;
    manifest_add(m, "history_rows", "%zu (fitted %zu, ignored %zu)", cs->hist->n_rows, r->n_pts,
                 r->n_ignored);
    manifest_add(m, "parameters", "%zu", r->n_est);
    manifest_add(m, "chi2", "%.6g", r->chi2);
    manifest_add(m, "dof", "%d", r->dof);
    if (isnan(r->p_value))
        manifest_add(m, "chi2_p", "none (0 degrees of freedom: no test of fit)");
    else
        manifest_add(m, "chi2_p", "%.3g", r->p_value);
    manifest_add(m, "iterations", "%zu", r->iterations);
    manifest_add(m, "method", "gsl_multifit_nlinear trust region (Levenberg-Marquardt), "
                 "finite-difference Jacobian, covariance (J'J)^-1");
    for (size_t i = 0; i < r->n_warnings && i < CLI_MANIFEST_WARNINGS; i++)
        manifest_add(m, "fit_warning", "%s", r->warnings[i]);
    if (r->n_warnings > CLI_MANIFEST_WARNINGS)
        manifest_add(m, "fit_warning", "and %zu more (on stderr)",
                     r->n_warnings - CLI_MANIFEST_WARNINGS);
}

void cli_manifest_end(const cli_session *cs, manifest *m, uint64_t seed)
{
    manifest_add(m, "seed", "%llu", (unsigned long long)seed);
    if (par_size(cli_par) > 1)
        manifest_add(m, "threads", "%d in each of %d processes (mpirun)", cs->threads,
                     par_size(cli_par));
    else
        manifest_add(m, "threads", "%d", cs->threads);
    manifest_add(m, "gsl_version", "%s", gsl_version);
    manifest_add(m, "generator", "%s", RNG_GENERATOR);
}

int cli_draw(const char *dir, unsigned kinds, ts_lang lang, int warn_missing, size_t *n_charts,
             ts_err *err)
{
    char plots[4096];
    /* The one place TIERSIM_PLOTS is read: the library takes the directory. */
    const char *override = getenv("TIERSIM_PLOTS");
    if (plot_find_dir(override, plots, sizeof plots, err) < 0) {
        if (!override || !override[0]) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%.400s; set TIERSIM_PLOTS to their directory", err->msg);
            ts_errf(err, "%s", msg);
        }
        ts_err_prefix(err, "plot");
        return -1;
    }
    int rc = kinds & CLI_CHARTS_ANALYSIS ? sensplot_draw(dir, plots, lang, n_charts, err)
                                         : plot_draw(dir, plots, kinds, lang, n_charts, err);
    if (rc == PLOT_SKIPPED && warn_missing)
        fputs(i18n(cli_lang(), MSG_WARN_NO_GNUPLOT), stderr);
    if (rc < 0)
        return rc;
    if (html_write_report(dir, lang, err) < 0)
        return -1;
    return rc;
}

/* A process other than 0 drops what it wrote (cli_open). */
static void drop_scratch(cli_session *cs)
{
    if (!cs->scratch[0])
        return;
    outdir_abort(cs->od);
    cs->od = NULL;
    outdir_remove_tree(cs->scratch);
    cs->scratch[0] = '\0';
}

int cli_draws(const cli_session *cs)
{
    return !cs->a->no_plots && cli_writes();
}

int cli_close(cli_session *cs, manifest *m, unsigned chart_kinds, ts_err *err)
{
    if (!cli_writes()) {
        manifest_free(m);
        drop_scratch(cs);
        return cli_interrupted ? -1 : 0;
    }
    int rc = manifest_write(m, outdir_file(cs->od, "manifest.txt"), err);
    manifest_free(m);
    if (rc < 0)
        return -1;
    /* results.xlsx, from the tables and manifest just written: inside the
     * transaction too, and before the charts, which it does not need. */
    if (xlsx_write_dir(outdir_tmp(cs->od), err) < 0)
        return -1;
    /* The charts and report.html go into the temporary directory too, so
     * that the output still appears whole or not at all. */
    if (!cs->a->no_plots && chart_kinds &&
        cli_draw(outdir_tmp(cs->od), chart_kinds, cs->a->lang, 1, NULL, err) < 0 &&
        !cli_interrupted)
        return -1;
    if (cli_interrupted) /* SIGINT or SIGTERM: no output (cli_fail says so) */
        return -1;
    rc = outdir_commit(cs->od, err);
    cs->od = NULL;
    return rc;
}

static void session_free(cli_session *cs)
{
    drop_scratch(cs);
    outdir_abort(cs->od);
    cs->od = NULL;
    fit_result_free(cs->fit);
    history_free(cs->hist);
    scenario_free(cs->s);
    cs->fit = NULL;
    cs->hist = NULL;
    cs->s = NULL;
}

int cli_end(cli_session *cs)
{
    session_free(cs);
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return EXIT_OK;
    fprintf(stderr, "tiersim: standard output: write failed: %s\n", strerror(errno ? errno : EIO));
    return EXIT_FAIL;
}

int cli_fail(cli_session *cs, ts_err *err)
{
    int status = cs->status;
    progress_end(&cs->progress);
    if (cli_interrupted) {
        fprintf(stderr, "%s: interrupted; nothing written\n", cs->spec->name);
        status = EXIT_FAIL;
    } else {
        outdir_err_path(cs->od, err);
        fprintf(stderr, "%s\n", err->msg);
    }
    session_free(cs);
    return status;
}
