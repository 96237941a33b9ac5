#!/bin/sh
# make bench, Open MPI part: the strong scaling of a Sobol analysis of the
# region set scenarios/national-example.ini (Qingdao and Hefei; 8 parameters,
# N = 512, 100 inner replications: 5120 design points x 100) over 1 and 2
# processes of one thread each, against one process without mpirun; the cost
# of a chunk (500 replications of scenarios/qingdao.ini on one core); what a
# reduction moves; and from those, what the analysis of README.md's
# "Across machines" would take on a cluster.  Run from the project root:
#   sh bench/mpi_bench.sh [BUILD]          (needs mpirun and an MPI build)
set -e
BUILD=${1:-build}
BIN=./tiersim
if ! command -v mpirun >/dev/null 2>&1 || ! "$BIN" version | grep -q 'Open MPI'; then
    echo "mpi: skipped (no mpirun, or tiersim built without Open MPI)"
    exit 0
fi
MPIRUN="mpirun --allow-run-as-root --oversubscribe -q"
N=${BENCH_MPI_N:-512}
set -- --param 'transition.srdi->little_giant.rate' --param tier.little_giant.renewal \
    --param qingdao.tier.srdi.inflow --param hefei.tier.srdi.inflow \
    --param 'qingdao.transition.srdi->little_giant.quota' --param 'hefei.transition.srdi->little_giant.quota' \
    --param qingdao.tier.little_giant.exit --param hefei.tier.little_giant.exit
secs() {
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}'
}
SOB="sensitivity scenarios/national-example.ini --method sobol -N $N --inner 100 -j 1 -q --no-plots"
# shellcheck disable=SC2086
alone=$(secs "$BIN" $SOB -o "$BUILD/bench-mpi0" "$@")
# shellcheck disable=SC2086
one=$(secs $MPIRUN -np 1 "$BIN" $SOB -o "$BUILD/bench-mpi1" "$@")
# shellcheck disable=SC2086
two=$(secs $MPIRUN -np 2 "$BIN" $SOB -o "$BUILD/bench-mpi2" "$@")
cmp -s "$BUILD/bench-mpi1/sobol.csv" "$BUILD/bench-mpi2/sobol.csv" && same="the same sobol.csv" || same="SOBOL.CSV DIFFERS"
echo "mpi: Sobol of scenarios/national-example.ini (8 parameters, N = $N, $((N * 10)) points x 100), 1 thread a process: alone $alone s, 1 process $one s, 2 processes $two s: speed-up $(echo "$one $two" | awk '{printf "%.2f", $1 / $2}'), efficiency $(echo "$one $two" | awk '{printf "%.0f", 50 * $1 / $2}') % ($same; load average $(cut -d' ' -f1-3 /proc/loadavg))"

# A chunk: 500 replications of the Qingdao scenario on one core.
reps=200000
chunk=$(secs "$BIN" run scenarios/qingdao.ini -n $reps -j 1 -q --no-plots -o "$BUILD/bench-mpi-chunk")
per_chunk=$(echo "$chunk $reps" | awk '{printf "%.4f", $1 / ($2 / 500)}')
rate=$(echo "$chunk $reps" | awk '{printf "%.0f", $2 / $1}')
echo "mpi: a chunk (500 replications of scenarios/qingdao.ini, 1 core): $per_chunk s ($rate city replications a core-second)"
# What crosses the network: a Sobol point's results are 4 words a target
# (n, mean, m2, met) of its chunk, reduced once for each batch of points; a
# run's, every histogram once (at most 4096 bins, 8 bytes each).
echo "mpi: reduction of a Sobol analysis of one city-variant: 10240 points x 4 words x 8 targets x 8 bytes = $((10240 * 4 * 8 * 8 / 1024)) KiB in all"
# The cluster: every Chinese prefecture-level city (~300) x the plan's 8
# measures x Sobol for 8 parameters (N = 1024: 10240 points x 100
# replications): 2.46e9 city replications, on 16 nodes of 32 cores.
echo "$rate" | awk '{reps = 300 * 8 * 10240 * 100; cores = 16 * 32;
    printf "mpi: estimate: 300 cities x 8 measures x Sobol (8 parameters, N = 1024, 100 inner) = %.3g city replications; on 16 nodes x 32 cores at %d a core-second: %.0f s (%.1f min) of simulation, plus mpirun'"'"'s start-up (0.3 s here; seconds on a cluster) and 2400 reductions of 2.5 MiB\n",
    reps, $1, reps / ($1 * cores), reps / ($1 * cores) / 60}'
