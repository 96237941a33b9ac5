#ifndef TIERSIM_YEARLY_H
#define TIERSIM_YEARLY_H

#include <stddef.h>

#include "scenario.h"
#include "tserr.h"

/* The values in force in every update year of one replication, from its
 * parameter vector theta: the KEY@YEAR schedules, the inflow growth
 * recursion, the active policies, and the caps of DESIGN.md.  The engine
 * and the fit's mean recursion both read them from here, so that the model
 * they compute is the same one.  Pure: no I/O; allocation in yearly_alloc
 * only. */

typedef struct {
    size_t n_years, n_tiers, n_trans, n_moves;
    /* [y * n_tiers + k] */
    double *inflow;     /* mean of the yearly inflow (before any dispersion draw) */
    double *disp;       /* inflow_dispersion, >= 0 */
    double *iquota;     /* floor of inflow_quota, or -1: no cap */
    double *exit;       /* in [0, 1] */
    double *renewal;    /* in [0, 1]; 0 where the tier has no validity */
    /* [y * n_trans + t] */
    double *rate;       /* each capped at 1; a tier's sum scaled down to 1 */
    double *quota;      /* floor of the quota, or -1: none */
    /* [m]: the m-th move of all events, events in file order: its fraction,
     * the fractions out of one tier of one event scaled down to sum to 1. */
    double *move;
    /* Tier k's outgoing transitions: out_list[out_start[k] .. out_start[k+1]),
     * in transition order. */
    size_t *out_start, *out_list;
} yearly;

yearly *yearly_alloc(const scenario *s);
void yearly_free(yearly *v);    /* NULL is a no-op */

/* The value of a schedule in force in update year `year` (its last step at
 * or before it): the parameter index, TS_NO_PARAM for "none". */
size_t yearly_param_at(const ts_sched *sc, int year);

/* Fills v.  Returns 0; 1 when some tier's outgoing rates or some event's
 * fractions out of a tier summed above 1 and were scaled down; -1 with
 * "FILE:LINE: tier 'T': inflow mean M in YEAR is above 2^52 ..." when a mean
 * is too large to draw. */
int yearly_fill(yearly *v, const scenario *s, const double *theta, ts_err *err);

#endif
