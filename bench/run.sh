#!/bin/sh
# make bench: throughput and peak memory of scenarios/qingdao.ini, tiersim
# against the GSL baseline, at 10^6 and 10^7 replications (BENCH_REPS to change).
BUILD=${1:-build}
REPS=${BENCH_REPS:-"1000000 10000000"}
echo "tiersim bench: scenarios/qingdao.ini on $(nproc) cores, $(date -u +%Y-%m-%d)"
# shellcheck disable=SC2086
"$BUILD/bench_engine" scenarios/qingdao.ini $REPS
