#ifndef TIERSIM_FUZZ_H
#define TIERSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The bodies of the fuzz harnesses, shared by the libFuzzer entry points
 * (fuzz/fuzz_*.c, built with clang -fsanitize=fuzzer) and by
 * tests/test_fuzz.c, which replays tests/fuzz-regressions/ with any
 * compiler.  Each takes one input, drives a parser (and what follows a
 * successful parse) and returns 0; a bug shows as a crash, a sanitizer
 * report, a leak or a hang.  Paths are relative to the project root. */

/* The input as a scenario file, parsed with scenario_parse_mem under the
 * name tests/data/scenario/fuzz.ini (so `base = base.ini` reaches the
 * fixtures); when it parses, every policy is turned on, each parameter's
 * text form is read back, the schedules, cohorts and events are checked
 * against what scenario.h promises, and a few replications are run.  An
 * input in UTF-8 with characters beyond ASCII is also parsed in GB18030,
 * which must give the same scenario. */
int fuzz_scenario(const uint8_t *data, size_t size);

/* The input as a value (dist_parse) in each of the three ranges; when it
 * parses: the mean, sd, quantiles, draws, and the formatted text read back
 * to the same value. */
int fuzz_dist(const uint8_t *data, size_t size);

/* The input as a history CSV (history_parse_mem) against a fixed scenario
 * with three tiers. */
int fuzz_history(const uint8_t *data, size_t size);

/* The input as a file to decode (textin_decode): what it gives is UTF-8 by
 * glibc's own decoder, holds no NUL, has the input's lines and decodes to
 * itself; then textin_halfwidth and textin_number on its first line. */
int fuzz_decode(const uint8_t *data, size_t size);
/* The input as an observed file (observed_parse_mem) against a fixed
 * scenario with a July start, certificates and a drawn stock; when it
 * parses, every row is scored against a small run of it and summed up, and
 * the scores checked against what validate.h promises (PITs within their
 * range, CRPS >= 0, bands that hold their nominal share, a verdict). */
int fuzz_observed(const uint8_t *data, size_t size);

#endif
