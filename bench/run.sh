#!/bin/sh
# make bench: throughput and peak memory of the Qingdao scenario (calibrated
# first, as `make run` does), tiersim against the GSL baseline, at 10^6 and
# 10^7 replications (BENCH_REPS to change).
set -e
BUILD=${1:-build}
REPS=${BENCH_REPS:-"1000000 10000000"}
./tiersim fit scenarios/qingdao.ini data/qingdao-history.csv -o "$BUILD/bench-fit" --no-plots >/dev/null
echo "tiersim bench: scenarios/qingdao.ini (fitted) on $(nproc) cores, $(date -u +%Y-%m-%d)"
# shellcheck disable=SC2086
"$BUILD/bench_engine" "$BUILD/bench-fit/fitted.ini" $REPS
