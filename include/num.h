#ifndef TIERSIM_NUM_H
#define TIERSIM_NUM_H

#include <stdint.h>

/* Strict number parsing for everything a user types.  Leading and trailing
 * blanks are allowed; anything else that is not part of the number is an
 * error.  Only plain decimal notation is accepted ([+-]digits[.digits][e[+-]digits]
 * or [+-].digits...): no hex floats, no "nan", no "inf", no empty string.
 * Values that overflow a double are refused.  Negative zero is read as 0.
 * Each returns 0 on success, -1 on failure (and leaves *out untouched). */
int num_parse_double(const char *s, double *out);

/* As num_parse_double, with an optional '%' suffix dividing by 100
 * ("35.8%" -> 0.358).  *was_percent (may be NULL) tells whether it had one. */
int num_parse_percent(const char *s, double *out, int *was_percent);

/* A decimal integer (no sign other than '-', no exponent, no fraction) within
 * [lo, hi]. */
int num_parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out);

/* A decimal unsigned integer within [0, hi]. */
int num_parse_uint64(const char *s, uint64_t hi, uint64_t *out);

#endif
