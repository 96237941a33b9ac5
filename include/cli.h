#ifndef TIERSIM_CLI_H
#define TIERSIM_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "i18n.h"
#include "manifest.h"
#include "outdir.h"
#include "runner.h"
#include "tserr.h"

/* The command layer's one set of helpers: the only code that prints and picks
 * exit statuses (0 success, 1 other failure, 2 bad input or usage).  Every
 * command is  parse -> cli_open -> compute -> write -> cli_close -> print ->
 * cli_end,  with cli_fail on any error:
 *
 *     cli_args a;  (own options in a struct of the command's)
 *     if (cmd_x_parse(argc, argv, &a, &own, &err) < 0) return cli_usage_error(&err);
 *     if (a.help) return cli_help(&cmd_x_spec);
 *     cli_session cs;
 *     if (cli_open(&cs, &cmd_x_spec, &a, a.operands[0], 0, &err) < 0) goto fail;
 *     ...compute with cs.s and cli_runner_opts(&cs, &o)...
 *     ...write into cs.od (outdir_file)...
 *     if (cli_close(&cs, &manifest, PLOT_X, &err) < 0) goto fail;
 *     ...print the summary...
 *     return cli_end(&cs);
 *   fail:
 *     return cli_fail(&cs, &err);
 */

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define CLI_MAX_POLICIES 64
#define CLI_MAX_OPERANDS 4
#define CLI_MAX_DIR_PARTS (3 * CLI_MAX_POLICIES)
#define CLI_DIR_MAX 4096

/* The options that several commands share, as a mask: each command names the
 * ones it takes, and cli_parse handles, checks and documents them alike. */
enum {
    CLI_REPS = 1u << 0,         /* -n, --replications REPS */
    CLI_SEED = 1u << 1,         /* -s, --seed SEED */
    CLI_THREADS = 1u << 2,      /* -j, --threads THREADS */
    CLI_OUT = 1u << 3,          /* -o, --out DIR */
    CLI_POLICY = 1u << 4,       /* --policy NAME, repeatable */
    CLI_HISTORY = 1u << 5,      /* --history HISTORY.csv */
    CLI_NO_PLOTS = 1u << 6,     /* --no-plots */
    CLI_QUIET = 1u << 7,        /* -q, --quiet */
    CLI_LANG = 1u << 8,         /* --lang zh|en: every command takes it, named or not */
    /* What every command that simulates a scenario takes. */
    CLI_SIMULATE = CLI_REPS | CLI_SEED | CLI_THREADS | CLI_OUT | CLI_POLICY | CLI_HISTORY |
                   CLI_NO_PLOTS | CLI_QUIET
};

/* One option of a command's own: getopt_long's fields plus its help.  The
 * help, the man page and the parser all read these rows, so an option cannot
 * be taken without being documented, nor documented without being taken. */
typedef struct {
    const char *name;           /* long name, without "--"; NULL: the short letter only */
    int key;                    /* its short letter, or a code >= 256 for a long-only option */
    int has_arg;                /* 0 or 1 */
    const char *arg;            /* the value's name in the usage ("NAME=LO:HI"), NULL without */
    const char *help;           /* what it means, in a sentence */
    unsigned flags;             /* CLI_REQUIRED, CLI_REPEAT */
    const char *deflt;          /* what holds without it ("the scenario's seed", "off") */
    const char *example;        /* the option as it would be typed ("-n 50000") */
} cli_option;

/* CLI_NAMES_DIR: the option's value is part of the default output
 * directory's name (cli_default_dir): goal's --target, sensitivity's
 * --method, compare's arms.  When such an option is not given, its `deflt`
 * names it, so that default must then be a value ("tornado"). */
enum { CLI_REQUIRED = 1u << 0, CLI_REPEAT = 1u << 1, CLI_NAMES_DIR = 1u << 2 };

typedef struct cli_args cli_args;

/* A command: its name, what it takes, and the usage line and help built
 * from that (cli_help).  on_option receives each of the command's own options
 * (key and value; `own` is the command's struct) and returns 0 or -1 with a
 * message made by cli_optf. */
typedef struct {
    const char *name;               /* "run" */
    const char *summary;            /* one line for `tiersim help` */
    unsigned common;                /* CLI_* */
    const char *operands;           /* "SCENARIO HISTORY.csv", for the usage */
    size_t min_operands, max_operands;
    const cli_option *options;      /* the command's own, in usage order */
    size_t n_options;
    int (*on_option)(void *own, int key, const char *value, ts_err *err);
    const char *const *examples;    /* NULL-terminated command lines, for the help */
} cli_spec;

/* A CLI_NAMES_DIR option as given: its key and value (its name, for an
 * option without a value). */
typedef struct {
    int key;
    const char *value;
} cli_dir_part;

/* What the shared options and the operands say; zero where not given. */
struct cli_args {
    const char *cmd;                /* the spec's name */
    uint64_t replications;          /* -n; 0: the scenario's */
    int have_seed;
    uint64_t seed;                  /* -s */
    int threads;                    /* -j; 0: OpenMP's default */
    const char *out_dir;            /* -o; NULL: out/<scenario name><suffix> */
    const char *policies[CLI_MAX_POLICIES];
    size_t n_policies;
    const char *history;            /* --history */
    int no_plots, quiet, help;
    ts_lang lang;                   /* --lang, else the locale's (cli_lang_default) */
    int have_lang;                  /* --lang was given */
    const char *operands[CLI_MAX_OPERANDS];
    size_t n_operands;
    /* The values of the CLI_NAMES_DIR options, in the order given. */
    cli_dir_part dir_parts[CLI_MAX_DIR_PARTS];
    size_t n_dir_parts;
};

/* Parses argv (argv[0] is the command's name): options and operands in any
 * order.  -1 with the one-line message in err, always of the form
 * "CMD: ... (see tiersim CMD --help)".  Sets the process's language
 * (cli_lang) to a->lang. */
int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *a, void *own, ts_err *err);

/* A usage message "CMD: MESSAGE (see tiersim CMD --help)" in err; returns -1.
 * For the checks a command's parser makes after cli_parse. */
int cli_usagef(ts_err *err, const char *cmd, const char *fmt, ...) TS_PRINTF(3, 4);

/* "tiersim CMD OPERANDS [OPTIONS]" on one line, with its newline. */
void cli_print_synopsis(FILE *f, const cli_spec *spec);
/* What `tiersim CMD --help` prints: "usage: " and the synopsis, the summary,
 * every option with its meaning, default and an example, and the command's
 * worked examples. */
void cli_print_usage(FILE *f, const cli_spec *spec);

/* Every option spec takes, in the order of its help: the shared ones it
 * names, its own, then --help.  Fills at most max of out; returns how many
 * there are. */
size_t cli_spec_options(const cli_spec *spec, const cli_option **out, size_t max);

/* The manual page tiersim(1) in roff, made from the same tables as the help:
 * every command of `specs` (main's dispatch table, in its order) with its
 * options and examples, the exit statuses, the environment and the files. */
void cli_print_man(FILE *f, const cli_spec *const *specs, size_t n);

/* `--help`: the full usage on stdout; EXIT_OK. */
int cli_help(const cli_spec *spec);
/* A parse error: its line on stderr; EXIT_USAGE. */
int cli_usage_error(const ts_err *err);

/* ---------------------------------------------------------------- language */

/* The language of the locale (i18n_lang_from_locale of LC_ALL, LC_MESSAGES
 * and LANG): what a command speaks without --lang.  The one place they are
 * read. */
ts_lang cli_lang_default(void);
/* The language this process speaks on the terminal -- the report card, the
 * progress bar, notes and warnings: set by cli_parse from --lang or the
 * locale (and by `tiersim plot` from the output's manifest), once per
 * command, like cli_command_line.  English until then.  The library modules
 * (plot, sensplot, html) take the language as an argument instead. */
ts_lang cli_lang(void);
void cli_set_lang(ts_lang lang);

/* ----------------------------------------------------------------- session */

/* The progress bar of long runs: on stderr when it is a terminal, not with
 * --quiet. */
typedef struct {
    struct timespec start, last;
    int shown;
    ts_lang lang;
} cli_progress;

struct fit_result;
struct history;

/* cli_open's flags. */
enum {
    CLI_KEEP_FIT = 1u << 0,     /* fit: keep the fit's result, do not apply it, allow `fit` */
    CLI_NO_OUTPUT = 1u << 1     /* open no output directory (check, for instance) */
};

typedef struct {
    const cli_spec *spec;
    const cli_args *a;
    const char *scenario_path;
    scenario *s;                 /* loaded; fitted when --history; policies on; seed set */
    struct fit_result *fit;         /* with --history: the fit (CLI_KEEP_FIT: not applied) */
    struct history *hist;           /* with --history: its rows */
    char policies[CLI_MAX_POLICIES * (TS_NAME_MAX + 1) + 1];   /* the active policies, "a,b"; "" for none */
    char dir[CLI_DIR_MAX];          /* where the output will be */
    outdir *od;                     /* the open output transaction */
    int threads;                    /* the threads the run will use */
    cli_progress progress;
    int status;                     /* the exit status a failure now means */
    char scratch[512];              /* a process other than 0: where it writes ("" else) */
} cli_session;

/* Under mpirun (par.h): the processes, passed to the runners by
 * cli_runner_opts; whether this process is the one that prints and writes
 * (process 0, or a process alone); whether it draws charts (that, and no
 * --no-plots). */
const par_group *cli_processes(void);
int cli_writes(void);
int cli_draws(const cli_session *cs);

/* A session that loads nothing (plot, check): enough for cli_fail and cli_end. */
void cli_init(cli_session *cs, const cli_spec *spec, const cli_args *a);

/* Loads SCENARIO_PATH, fits it when --history (the table on stdout unless
 * --quiet), refuses a `fit` left unfitted, turns on --policy, applies -s,
 * catches SIGINT and SIGTERM, and opens the output transaction for -o DIR
 * or cli_default_dir's.  -1 with err (cli_fail then reports it). */
int cli_open(cli_session *cs, const cli_spec *spec, const cli_args *a, const char *scenario_path,
             unsigned flags, ts_err *err);

/* The default output directory, named by what was run, so that one run does
 * not silently replace another (README, Outputs):
 *     out/NAME[+POLICY...][-CMD][-PART...]
 * NAME the scenario's name; +POLICY for each --policy, sorted and each once
 * (the same policies make the same run whatever their order); -CMD for every
 * command but run; then -PART for each value of the command's CLI_NAMES_DIR
 * options, in the order of its option table and then as given (a file
 * contributes its name without directory and extension).  A character that
 * does not belong in a file name becomes '_'; a name longer than 200 bytes
 * is cut and ends in a hash of the whole.  Returns the length written, or
 * -1 when buf is too small. */
int cli_default_dir(const cli_spec *spec, const cli_args *a, const char *scenario_name,
                    char *buf, size_t len);

/* Runner options for cs: the scenario's defaults with -n, -j, the seed, the
 * interrupt flag and the progress bar (unless quiet: many short runs pass 1). */
void cli_runner_opts(cli_session *cs, runner_opts *o, int quiet);

/* The computation is done: ends the progress bar; a failure from now on is
 * the output's (EXIT_FAIL), no longer the inputs' (EXIT_USAGE). */
void cli_computed(cli_session *cs);

/* Writes the manifest (the shared header of cli_manifest_begin, then m's
 * lines), draws the charts of `chart_kinds` (plot.h's PLOT_*, or
 * CLI_CHARTS_ANALYSIS for sensitivity and sweep; 0 for none) and report.html
 * unless --no-plots, and commits the output.  -1 with err. */
#define CLI_CHARTS_ANALYSIS 0x100u
int cli_close(cli_session *cs, manifest *m, unsigned chart_kinds, ts_err *err);   /* frees m */

/* The end of a command that succeeded: frees cs, flushes stdout and checks
 * that every write to it worked (`tiersim run ... > /dev/full`); EXIT_OK, or
 * EXIT_FAIL with one line on stderr. */
int cli_end(cli_session *cs);

/* The end of a command that failed: one line on stderr -- err's message, a
 * file of the temporary output named where it would have been, or after
 * SIGINT or SIGTERM "CMD: interrupted; nothing written" -- removes the
 * temporary output, frees cs; returns the exit status. */
int cli_fail(cli_session *cs, ts_err *err);

/* The manifest's first lines, the same in every command: tiersim_version,
 * command, scenario, scenario_name, scenario_label, years, history (when
 * given), policies ("none" when none), lang (the language of the words in
 * the charts and report.html: `tiersim plot` redraws in it by default). */
void cli_manifest_begin(const cli_session *cs, manifest *m);
/* The fit's lines (with --history, or fit's operand): history_rows,
 * parameters, chi2, dof, chi2_p, iterations, method, and one fit_warning
 * line per warning of the fit. */
void cli_manifest_fit(const cli_session *cs, manifest *m);
/* Its last lines: seed, threads, gsl_version, generator. */
void cli_manifest_end(const cli_session *cs, manifest *m, uint64_t seed);

/* ----------------------------------------------------------- lower level */

/* Loads a scenario as cli_open does (fitted when history_path, refused with
 * a `fit` left), for commands that load several (compare's arms). */
int cli_load_scenario(const char *path, const char *history_path, int quiet,
                      scenario **out, ts_err *err);

/* "tiersim: note: FILE is not UTF-8: read as GB18030" on stderr: a file that
 * textin_decode read as GB18030 (the loaders say which; cli_open and
 * cli_load_scenario note the scenario's files and the history's). */
void cli_note_gb18030(const char *file);
/* The note for every file of s's `base =` chain read as GB18030. */
void cli_note_scenario(const scenario *s);
/* observed_load, with the note when the file was read as GB18030. */
struct observed;
int cli_load_observed(struct observed **out, const char *path, const scenario *s, ts_err *err);

/* Draws the charts of `kinds` from DIR's files into DIR/charts, then writes
 * DIR/report.html, their words in lang.  0; PLOT_SKIPPED (1) when gnuplot is
 * not on PATH (report.html is written all the same; with warn_missing the
 * one-line warning is printed); PLOT_EINPUT or -1 with err.  n_charts may be
 * NULL. */
int cli_draw(const char *dir, unsigned kinds, ts_lang lang, int warn_missing, size_t *n_charts,
             ts_err *err);

/* SIGINT and SIGTERM set cli_interrupted, which long runs poll (runner_opts
 * cancel).  The one place the program installs signal handlers. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_signals(void);

/* What every process does first (main calls it): GSL's abort-on-error handler
 * off, SIGXFSZ ignored (a write past `ulimit -f` fails like a full disk), the
 * command line kept for the manifests. */
void cli_start(int argc, char **argv);

/* The full command line of this process, quoted so that it can be re-run;
 * set by main, written into every manifest. */
#define CLI_LINE_MAX 4096
extern char cli_command_line[CLI_LINE_MAX];
void cli_set_command_line(int argc, char **argv);


#endif
