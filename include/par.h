#ifndef TIERSIM_PAR_H
#define TIERSIM_PAR_H

#include <stddef.h>
#include <stdint.h>

/* Processes working on one command (Open MPI, when tiersim is built with it
 * and started by mpirun; DESIGN.md, "Across machines").  Every process runs
 * the same command on the same inputs and so takes the same path through
 * it; the runners hand each process its share of the replications (or of
 * the design points) and combine the shares with the calls below, whose
 * sums are of integers (or copies of bits), so that every process ends with
 * the same numbers, byte for byte, as one process alone would.  Process 0
 * alone writes and prints.
 *
 * A NULL par is this process alone: rank 0 of 1, every call a no-op.  No
 * global state here: the command layer makes the one par of a run
 * (par_start) and passes it down. */

typedef struct par_group par_group;

/* Under mpirun (Open MPI's environment says so) and built with Open MPI:
 * MPI_Init, and the par of all the processes; else NULL.  par_stop
 * finalises (NULL: nothing). */
par_group *par_start(int *argc, char ***argv);
void par_stop(par_group *p);

int par_rank(const par_group *p);
int par_size(const par_group *p);
/* Whether this build can run across processes (built with Open MPI). */
int par_available(void);

/* Share k of n items (a chunk, a task): owned by process k mod size. */
static inline int par_owns(const par_group *p, uint64_t k)
{
    return p == NULL || k % (uint64_t)par_size(p) == (uint64_t)par_rank(p);
}

/* In place, over every process: the sums of n counters; the bitwise OR of
 * n words (each owned by one process, 0 elsewhere: an exact copy of its
 * bits, doubles included); the smallest and the largest of n. */
void par_sum_u64(const par_group *p, uint64_t *v, size_t n);
void par_or_u64(const par_group *p, void *words, size_t n);
void par_min_u64(const par_group *p, uint64_t *v, size_t n);
void par_max_u64(const par_group *p, uint64_t *v, size_t n);

/* len bytes from process `root` to every process. */
void par_bcast(const par_group *p, void *buf, size_t len, int root);

/* Every process's bytes to every process: *all gets them one after the
 * other in rank order, len_of[r] (size par_size) each one's length.  0; a
 * process that runs out of memory here ends the job (MPI_Abort), since the
 * others would wait for its bytes forever.  Alone: -1 out of memory. */
int par_allgather(const par_group *p, const void *mine, size_t len, unsigned char **all,
                  size_t *len_of);

#endif
