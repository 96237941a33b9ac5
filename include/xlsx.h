#ifndef TIERSIM_XLSX_H
#define TIERSIM_XLSX_H

#include <stddef.h>

#include "tserr.h"

/* results.xlsx: every table of an output directory in one Excel workbook
 * (libxlsxwriter), for the analysts who open results in Excel rather than R
 * or pandas.  Built from the directory's files alone -- its CSVs, tiers.csv
 * for the labels, manifest.txt -- so that it holds exactly the numbers the
 * CSVs hold; the CSVs are not touched.
 *
 * Sheets, in this order: the command's report card (targets, compare, goal,
 * fit, the sensitivity method's table, sweep), its other tables, for a run
 * p_met_by_year, projection_wide (median stock and new firms, one column per
 * tier) and projection, distribution, then any other CSV of the directory
 * (by name), tiers, and about (the manifest).  Each sheet has a title row
 * (the scenario's label and what the table holds), a header row of the CSV's
 * column names, both frozen, and the tier's label in a column beside each
 * tier (or target) name.  Numbers are numbers, formatted by column:
 * probabilities 0.000, counts 0, means 0.0.
 *
 * The same directory gives the same bytes: the document's creation time is
 * the first day of the month after the manifest's known_until (1980-01-01
 * without one), never the clock, and the zip members carry libxlsxwriter's
 * fixed 1980-01-01 timestamps.  The manifest's command line and thread count
 * (which change with -o and -j, not with the results) are left to
 * manifest.txt. */

#define XLSX_FILE "results.xlsx"
#define XLSX_SHEET_MAX 31                   /* characters in a sheet name (Excel's limit) */
#define XLSX_TABLE_BYTES_MAX (16L << 20)    /* a larger CSV gets a sheet saying so instead */

/* Writes DIR/results.xlsx, checks it by reading it back, and returns 0; or
 * -1 with "DIR/results.xlsx: ..." in err, leaving no results.xlsx.  A
 * directory without CSVs still gets one (its about sheet).  libxlsxwriter's
 * own diagnostics, which it prints on stderr, are caught and become part of
 * the message. */
int xlsx_write_dir(const char *dir, ts_err *err);

/* The sheet name for a table called BASE (a CSV's name without ".csv"):
 * ASCII, at most XLSX_SHEET_MAX characters, none of []:*?/\ and no
 * apostrophe at either end, not Excel's reserved "History", and different
 * (ignoring ASCII case) from each of the n names in taken -- a clash gets
 * "~2", "~3", ....  out holds at least XLSX_SHEET_MAX + 1 bytes. */
void xlsx_sheet_name(const char *base, const char *const *taken, size_t n, char *out);

#endif
