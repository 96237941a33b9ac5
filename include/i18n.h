#ifndef TIERSIM_I18N_H
#define TIERSIM_I18N_H

#include <stddef.h>
#include <stdio.h>

/* The words tiersim shows a person -- the report card, the charts' titles,
 * axes and legends, report.html, the progress bar and the warnings -- in
 * English or Chinese, from one catalogue (sim/i18n.c says why it is not
 * gettext).  What a program reads stays the same in every language: CSVs,
 * identifiers, file names, manifest keys, error messages and the tick
 * labels of time axes. */

typedef enum { LANG_EN, LANG_ZH, LANG_COUNT } ts_lang;

/* Every message.  A message marked FMT in the catalogue is a printf format
 * (for C, or for gnuplot's sprintf: the same conversions, in the same order,
 * in both languages; tests/test_i18n.c checks); any other is plain text, in
 * which '%' is a character like any other. */
typedef enum {
    /* the report card of `tiersim run` */
    MSG_CARD_YEARS,             /* FMT %d %d */
    MSG_CARD_MONTHS,            /* FMT %s %s */
    MSG_CARD_RUN,               /* FMT %llu %llu %s */
    MSG_NONE,
    MSG_COL_TARGET,
    MSG_COL_MEASURE,
    MSG_COL_VALUE,
    MSG_COL_NEEDS,
    MSG_COL_PMET,
    MSG_COL_CI,
    MSG_COL_VERDICT,
    MSG_COL_QUANTILES,
    MSG_CARD_ALL,
    MSG_CARD_READING,
    MSG_CARD_CAPPED,            /* FMT %llu %llu */
    /* the why-lines under the card (cmd_run.c) and their legend */
    MSG_WHY_HEAD,               /* FMT %llu */
    MSG_WHY_MEDIAN,             /* FMT %s %lld %lld */
    MSG_WHY_SHORT,              /* FMT %lld */
    MSG_WHY_FALL_SHORT,         /* FMT %.0f */
    MSG_WHY_NONE,               /* FMT %.2f */
    MSG_WHY_MOVED,              /* FMT %s %+.2f %s */
    MSG_WHY_HIGHER,
    MSG_WHY_LOWER,
    MSG_WHY_REACH,              /* FMT %g %s %.4g %.4g */
    MSG_WHY_UNREACHED,          /* FMT %g %.3f %.4g */
    MSG_WHY_CLOSE,
    MSG_ASSUMED_MARK,
    MSG_ASSUMED_LEGEND,
    MSG_HTML_WHY,
    MSG_HTML_ASSUMED,
    MSG_RESULTS,                /* FMT %s */
    /* verdicts and measures (report_verdict, engine_measure_names) */
    MSG_VERDICT_UNLIKELY,
    MSG_VERDICT_UNCERTAIN,
    MSG_VERDICT_LIKELY,
    MSG_MEASURE_NEW,
    MSG_MEASURE_STOCK,
    MSG_MEASURE_CUMULATIVE,
    /* the command layer: progress bar, notes and warnings (one line each) */
    MSG_PROGRESS,               /* FMT %s %llu %llu %.1f %.1f */
    MSG_WARNING,                /* FMT %s: "tiersim: warning: ..." */
    MSG_NOTE_GB18030,           /* FMT %s */
    MSG_WARN_NO_GNUPLOT,
    MSG_WARN_PRECISION,         /* FMT %g %llu */
    /* compare's and sensitivity's terminal lines, Sobol's warnings (issue 13) */
    MSG_COMPARE_HEADING,        /* FMT %llu */
    MSG_SENS_TORNADO_NOTE,
    MSG_SOBOL_WIDE,             /* FMT %llu %.2f %s %s %s %s %.1f */
    MSG_SOBOL_FAR,              /* FMT %s %.3f %.3f %llu %.1f %g %s %llu %llu */
    MSG_SOBOL_MORE1,            /* FMT %zu */
    MSG_SOBOL_MORE,             /* FMT %zu */
    MSG_SOBOL_MEAN,
    /* chart texts shared by several scripts */
    GP_LIKELY_LINE,
    GP_PMET,
    GP_P_TARGET_MET,
    GP_PROB_MET,
    GP_BAND90,
    GP_BAND50,
    GP_BAND95,
    GP_MEDIAN,
    GP_PAIR,                    /* FMT %s %s: "LABEL: WHAT" */
    GP_NO_VARIATION,
    /* card.gp */
    GP_CARD_TITLE,
    GP_CARD_XLABEL,
    GP_CARD_ALL,
    GP_KEY_LIKELY,
    GP_KEY_UNCERTAIN,
    GP_KEY_UNLIKELY,
    /* compare.gp */
    GP_COMPARE_TITLE,
    GP_COMPARE_XLABEL,
    GP_COMPARE_ALL,
    GP_BASELINE,
    /* dist.gp */
    GP_DIST_YLABEL,
    GP_DIST_X_STOCK,            /* FMT %s */
    GP_DIST_X_CUM,              /* FMT %s */
    GP_DIST_X_NEW,              /* FMT %s */
    GP_DIST_TARGET,             /* FMT %g %.3f */
    GP_DIST_THRESHOLD,          /* FMT %g %g %.3f */
    GP_DIST_TARGET_NEEDS,       /* FMT %g %g %.3f */
    GP_DIST_STOCK,
    GP_DIST_CUM,
    GP_DIST_NEW,
    GP_DIST_PMET,               /* FMT %.3f */
    GP_DIST_MEET,
    GP_DIST_MISS,
    GP_DIST_MEDIAN,             /* FMT %g */
    /* fan.gp */
    GP_FAN_START,               /* FMT %g */
    GP_FAN_OBSERVED,
    GP_FAN_TARGET,              /* FMT %g */
    GP_FAN_TARGET_AT,           /* FMT %g %g */
    GP_FAN_TARGET_NEEDS,        /* FMT %g %g */
    GP_FAN_STOCK_SHORT,
    GP_FAN_STOCK_UPDATE,
    GP_FAN_STOCK_YEAR,
    GP_FAN_NEW_SINCE,           /* FMT %s */
    GP_FAN_NEW_CUM,             /* FMT %s */
    GP_FAN_CUM,
    /* filter.gp */
    GP_FILTER_TITLE,            /* FMT %s */
    GP_FILTER_PANEL,            /* FMT %s %.2f */
    GP_FILTER_XLABEL,
    GP_FILTER_YLABEL,
    GP_FILTER_MET,
    GP_FILTER_MISSED,
    /* fit.gp */
    GP_FIT_TITLE,
    GP_FIT_OBSERVED,
    GP_FIT_FITTED,
    GP_FIT_RESIDUALS,
    /* goal.gp */
    GP_GOAL_TITLE,              /* FMT %s %g %s */
    GP_GOAL_ANSWER,             /* FMT %.4g */
    GP_GOAL_ANSWER_RIGHT,       /* FMT %.4g */
    GP_GOAL_FLAT,               /* FMT %.3f %g %g */
    GP_GOAL_BAND_KEY,           /* FMT %g */
    GP_GOAL_UNREACHABLE,
    GP_GOAL_WANTED,             /* FMT %g */
    /* morris.gp */
    GP_MORRIS_TITLE,            /* FMT %s */
    GP_MORRIS_X_MEAN,
    GP_MORRIS_X_PMET,
    /* pmet.gp */
    GP_PMET_TITLE,
    GP_PMET_X_UPDATE,
    GP_PMET_X_YEAR,
    GP_PMET_YLABEL,
    /* sobol.gp */
    GP_SOBOL_TITLE,             /* FMT %s */
    GP_SOBOL_X_MEAN,
    GP_SOBOL_X_PMET,
    GP_SOBOL_TOTAL,
    GP_SOBOL_FIRST,
    GP_SOBOL_CLIPPED,
    /* sweep.gp */
    GP_SWEEP_TITLE,             /* FMT %s */
    GP_SWEEP_TITLE2,            /* FMT %s %s %s */
    GP_SWEEP_TITLE2_HEAD,       /* FMT %s: the heatmap's title, line 1 */
    GP_SWEEP_TITLE2_OVER,       /* FMT %s %s: line 2 */
    /* tornado.gp */
    GP_TORNADO_TITLE,           /* FMT %s */
    GP_TORNADO_X_MEAN,
    GP_TORNADO_X_LINE,
    GP_TORNADO_LOW,
    GP_TORNADO_HIGH,
    GP_TORNADO_NONE_AT,         /* FMT %.4g */
    GP_TORNADO_NONE,
    GP_TORNADO_X_CHANGE,        /* FMT %.3f */
    /* validate.gp */
    GP_VALIDATE_TITLE,
    GP_VALIDATE_XLABEL,
    GP_VALIDATE_HIST,
    GP_VALIDATE_ROWS,
    GP_VALIDATE_RIGHT,          /* FMT %g */
    /* chart captions (charts/index.csv, report.html) and labels made in C */
    CAP_TARGET,                 /* FMT %s %s %g: "LABEL: MEASURE >= THRESHOLD" */
    CAP_TARGET_NEEDS,           /* FMT %s %s %g %g: "LABEL: MEASURE TARGET (needs N)" */
    CAP_FAN,                    /* FMT %s */
    CAP_FAN_CUM,                /* FMT %s */
    CAP_CARD,
    CAP_PMET,
    CAP_DIST_NEW,               /* FMT %s %s */
    CAP_DIST_STOCK,             /* FMT %s %s */
    CAP_DIST_CUM,               /* FMT %s %s */
    CAP_FIT,
    CAP_FIT_MORE,               /* FMT %zu */
    CAP_COMPARE,
    CAP_COMPARE_PAGE,           /* FMT %s %zu %zu */
    CAP_GOAL,
    CAP_VALIDATE,
    CAP_TORNADO,
    CAP_TORNADO_PMET,
    CAP_SOBOL,
    CAP_MORRIS,
    CAP_FILTER,                 /* FMT %s */
    CAP_SWEEP,                  /* FMT %s */
    /* report.html */
    HTML_LANG,
    HTML_SCENARIO,
    HTML_YEARS,
    HTML_START,
    HTML_KNOWN,
    HTML_POLICIES,
    HTML_REPLICATIONS,
    HTML_SEED,
    HTML_CARD,
    HTML_CARD_HEAD,
    HTML_CARD_ALL,
    HTML_CARD_NOTE,
    HTML_CARD_NEEDS_NOTE,
    HTML_WARNINGS,
    HTML_FIT_TABLE,
    HTML_CHI2,                  /* FMT %s %s */
    HTML_CHI2_P,                /* FMT %s */
    HTML_CHI2_NO_TEST,
    HTML_FIT_WARNINGS,
    HTML_VALIDATION,
    HTML_VALIDATION_VERDICT,    /* FMT %s %s %s */
    HTML_VALIDATION_HEAD,
    HTML_VALIDATION_NOTE,
    HTML_VALIDATION_TABLE,
    HTML_COMPARE_TABLE,
    HTML_COMPARE,
    HTML_COMPARE_NOTE,
    HTML_ALL_TARGETS,
    HTML_COMPARE_MOVED,
    HTML_COMPARE_CHANGE,        /* FMT %.3f %.3f %+.3f %.3f */
    HTML_COMPARE_UNMOVED,       /* FMT %.3f */
    HTML_GOAL,
    HTML_GOAL_PMET,             /* FMT %g */
    HTML_GOAL_NEEDS,
    HTML_GOAL_ANSWER,           /* FMT %.4g %.4g %.4g %g %.3f %.3f */
    HTML_GOAL_REPS,
    HTML_GOAL_CLOSE,
    HTML_GOAL_UNREACHABLE,
    HTML_GOAL_IN,
    HTML_GOAL_TOP,              /* FMT %.3f */
    HTML_GOAL_TABLE,
    HTML_TORNADO,
    HTML_TORNADO_HEAD,
    HTML_TORNADO_PMET,
    HTML_TORNADO_MEAN,
    HTML_TORNADO_SWING_P,       /* FMT %.3f %.3f %.3f */
    HTML_TORNADO_SWING_M,       /* FMT %.4g %.4g %.4g */
    HTML_TORNADO_NOTE,
    HTML_CHARTS,
    HTML_NO_CHARTS,
    HTML_MANIFEST,
    HTML_FOOTER,                /* FMT %s */
    MSG_COUNT
} msg_id;

/* The text of id in lang (never NULL for a valid id; LANG_EN for a lang out
 * of range). */
const char *i18n(ts_lang lang, msg_id id);
/* 1 when id's text is a printf format. */
int i18n_is_format(msg_id id);
/* The catalogue as it is, for tests: en or zh of id, NULL when missing. */
const char *i18n_raw(ts_lang lang, msg_id id);

/* printf of a message: vfprintf / vsnprintf of i18n(lang, id).  The
 * arguments are those of the English text (the Chinese has the same
 * conversions, in the same order). */
int i18n_fprintf(FILE *f, ts_lang lang, msg_id id, ...);
int i18n_snprintf(char *buf, size_t len, ts_lang lang, msg_id id, ...);

/* The verdict (report.h's, 0 unlikely .. 2 likely) and the measure
 * ("new", "stock", "cumulative"; anything else as it is) in lang. */
const char *i18n_verdict(ts_lang lang, int v);
const char *i18n_measure(ts_lang lang, const char *measure);

/* "zh" or "en" into *out; -1 for anything else. */
int i18n_parse_lang(const char *s, ts_lang *out);
/* "zh" or "en". */
const char *i18n_lang_name(ts_lang lang);
/* The language of a POSIX locale: the first non-empty of LC_ALL,
 * LC_MESSAGES and LANG (each may be NULL), Chinese when it starts with
 * "zh", else English. */
ts_lang i18n_lang_from_locale(const char *lc_all, const char *lc_messages, const char *lang);

/* The columns a UTF-8 text takes on a terminal: 2 for each East Asian Wide
 * or Fullwidth character (CJK ideographs, kana, hangul, CJK and full-width
 * punctuation), 0 for a combining mark, 1 for the rest (an invalid byte
 * counts 1).  Our own table rather than wcwidth(3), which needs setlocale
 * and a UTF-8 locale the machine may not have; tiersim never calls
 * setlocale. */
size_t i18n_width(const char *s);
/* s padded with blanks to `width` columns (by i18n_width), on the right
 * (left-aligned) or, with right_align, on the left; a wider s as it is. */
void i18n_pad(FILE *f, const char *s, size_t width, int right_align);

#endif
