/* par.c -- the processes of one command: Open MPI when built with it
 * (TIERSIM_MPI) and started by mpirun, else this process alone. */
#include "par.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifdef TIERSIM_MPI
#include <mpi.h>

struct par_group {
    int rank, size;
};

int par_available(void)
{
    return 1;
}

par_group *par_start(int *argc, char ***argv)
{
    /* Started by mpirun: Open MPI's launcher sets OMPI_COMM_WORLD_SIZE.  A
     * program run on its own never initialises MPI, so it starts as fast as
     * without it and its memory checkers see no library state. */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK"))
        return NULL;
    par_group *world = calloc(1, sizeof *world);
    int provided;
    if (!world || MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        free(world);
        return NULL;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &world->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world->size);
    return world;
}

void par_stop(par_group *p)
{
    if (p) {
        /* Every process past its clean-up before any exits: mpirun ends the
         * job as soon as one exits with a failure, and MPI_Finalize need not
         * wait for the others, so one still removing its scratch directory
         * would be killed half-way. */
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Finalize();
        free(p);
    }
}

int par_rank(const par_group *p)
{
    return p ? p->rank : 0;
}

int par_size(const par_group *p)
{
    return p ? p->size : 1;
}

/* MPI counts are ints: long buffers go in pieces. */
#define PIECE ((size_t)1 << 28)

static void reduce(const par_group *p, void *v, size_t n, MPI_Datatype t, size_t elem, MPI_Op op)
{
    if (!p || p->size == 1)
        return;
    for (size_t off = 0; off < n; off += PIECE) {
        size_t k = n - off < PIECE ? n - off : PIECE;
        MPI_Allreduce(MPI_IN_PLACE, (char *)v + off * elem, (int)k, t, op, MPI_COMM_WORLD);
    }
}

void par_sum_u64(const par_group *p, uint64_t *v, size_t n)
{
    reduce(p, v, n, MPI_UINT64_T, sizeof *v, MPI_SUM);
}

void par_or_u64(const par_group *p, void *words, size_t n)
{
    reduce(p, words, n, MPI_UINT64_T, sizeof(uint64_t), MPI_BOR);
}

void par_min_u64(const par_group *p, uint64_t *v, size_t n)
{
    reduce(p, v, n, MPI_UINT64_T, sizeof *v, MPI_MIN);
}

void par_max_u64(const par_group *p, uint64_t *v, size_t n)
{
    reduce(p, v, n, MPI_UINT64_T, sizeof *v, MPI_MAX);
}

void par_bcast(const par_group *p, void *buf, size_t len, int root)
{
    if (!p || p->size == 1)
        return;
    for (size_t off = 0; off < len; off += PIECE) {
        size_t k = len - off < PIECE ? len - off : PIECE;
        MPI_Bcast((char *)buf + off, (int)k, MPI_BYTE, root, MPI_COMM_WORLD);
    }
}

int par_allgather(const par_group *p, const void *mine, size_t len, unsigned char **all,
                  size_t *len_of)
{
    int size = par_size(p);
    uint64_t *lens = calloc((size_t)size, sizeof *lens);
    if (!lens)
        MPI_Abort(MPI_COMM_WORLD, 1);
    lens[par_rank(p)] = len;
    par_sum_u64(p, lens, (size_t)size);
    size_t total = 0;
    for (int r = 0; r < size; r++) {
        len_of[r] = (size_t)lens[r];
        total += len_of[r];
    }
    free(lens);
    *all = malloc(total + 1);
    if (!*all)
        MPI_Abort(MPI_COMM_WORLD, 1);
    /* One broadcast per process: its bytes, to all.  Simple, in rank order,
     * and without the int displacements of MPI_Allgatherv. */
    size_t off = 0;
    for (int r = 0; r < size; r++) {
        if (r == par_rank(p))
            memcpy(*all + off, mine, len_of[r]);
        par_bcast(p, *all + off, len_of[r], r);
        off += len_of[r];
    }
    return 0;
}

#else /* this process alone */

int par_available(void)
{
    return 0;
}

par_group *par_start(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return NULL;
}

void par_stop(par_group *p)
{
    (void)p;
}

int par_rank(const par_group *p)
{
    (void)p;
    return 0;
}

int par_size(const par_group *p)
{
    (void)p;
    return 1;
}

void par_sum_u64(const par_group *p, uint64_t *v, size_t n)
{
    (void)p, (void)v, (void)n;
}

void par_or_u64(const par_group *p, void *words, size_t n)
{
    (void)p, (void)words, (void)n;
}

void par_min_u64(const par_group *p, uint64_t *v, size_t n)
{
    (void)p, (void)v, (void)n;
}

void par_max_u64(const par_group *p, uint64_t *v, size_t n)
{
    (void)p, (void)v, (void)n;
}

void par_bcast(const par_group *p, void *buf, size_t len, int root)
{
    (void)p, (void)buf, (void)len, (void)root;
}

int par_allgather(const par_group *p, const void *mine, size_t len, unsigned char **all,
                  size_t *len_of)
{
    (void)p;
    *all = malloc(len + 1);
    if (!*all)
        return -1;
    memcpy(*all, mine, len);
    len_of[0] = len;
    return 0;
}

#endif
