#ifndef TIERSIM_HTML_H
#define TIERSIM_HTML_H

#include <stdio.h>

#include "i18n.h"
#include "tserr.h"

/* DIR/report.html: one self-contained page to send to a colleague -- the
 * scenario's name, the report card table (targets.csv, or compare.csv /
 * fit.csv for those outputs), every chart of DIR/charts/index.csv inlined
 * as SVG, and manifest.txt.  No script, no stylesheet, image or font from
 * anywhere else: it opens offline in any browser.  Made from DIR's files
 * alone; written beside as report.html.tmp-PID and renamed into place.  Its
 * headings, notes and verdicts in lang (the tables' contents as the CSVs
 * have them). */
int html_write_report(const char *dir, ts_lang lang, ts_err *err);

/* Text with & < > " ' escaped. */
void html_escape(FILE *f, const char *s);

/* An SVG file's text made fit to inline in HTML: the XML prologue and
 * DOCTYPE before <svg dropped, and every id (and each reference to one:
 * href="#..", url(#..)) inside a tag prefixed with `prefix`, so that charts
 * sharing gnuplot's ids (gpPt0, textbox, ...) do not collide on one page.
 * -1 when the text holds no <svg. */
int html_inline_svg(FILE *f, const char *svg, const char *prefix);

#endif
