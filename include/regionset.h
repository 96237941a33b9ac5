#ifndef TIERSIM_REGIONSET_H
#define TIERSIM_REGIONSET_H

#include <stddef.h>

#include "dist.h"
#include "scenario.h"
#include "tserr.h"

/* Region sets (DESIGN.md, "Region sets"): the members' scenarios made into
 * one scenario, so that replication i runs every member with the same draws
 * of the shared parameters, every sum is exact per replication, and every
 * command that takes a scenario takes a set.  scenario.c reads the set file
 * and loads the members; this module merges them and makes the views that
 * `tiersim batch` writes. */

/* [shared NAME]: the value every member that has parameter NAME draws. */
typedef struct {
    const char *name;
    dist value;
    const char *file;
    int line;
    int assumption;
} regionset_shared;

/* Fills s (its name, label, replications, seed and files already set; no
 * tiers, transitions, policies, events, targets or parameters yet) from
 * members[0 .. n-1] (loaded, calendars checked; s takes them over):
 * members' parameters as MEMBER.NAME, except the shared ones; their tiers
 * as MEMBER.TIER, then one sum tier per name of sum_names (the tiers of that
 * name in every member that has one, at least one); their transitions,
 * events, policies (MEMBER.POLICY) and targets (MEMBER.TARGET, group = the
 * member).  Room is left for extra_targets more targets.  On error -1 with
 * err naming the member's section. */
int regionset_merge(scenario *s, ts_member *members, size_t n, const regionset_shared *shared,
                    size_t n_shared, const char *const *sum_names, size_t n_sums,
                    size_t extra_targets, ts_err *err);

/* A part of a set seen as a scenario of its own, for writing its outputs:
 * the member m's own scenario, or (m == n_members) the sums with the set's
 * targets.  `view` borrows from set; free it with regionset_view_free. */
typedef struct {
    scenario s;                 /* the view: borrowed names and parameters */
    size_t tier0, target0;      /* its tiers and targets in the set */
    size_t group;               /* its targets' group */
    int aggregate;              /* the sums: s.tiers and s.targets are copies to free */
} regionset_view;

int regionset_view_init(regionset_view *v, const scenario *set, size_t m, ts_err *err);
void regionset_view_free(regionset_view *v);

/* Turns on policy NAME in every member that has it (MEMBER.NAME); -1 with
 * the policies of the members listed when none has it. */
int regionset_activate_policy(scenario *s, const char *name, ts_err *err);

#endif
