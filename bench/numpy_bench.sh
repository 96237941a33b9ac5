#!/bin/sh
# bench/numpy_bench.sh [BUILD]: the last section of make bench (bench/run.sh),
# runnable on its own.
# The numpy baseline: bench/numpy_model.py, an independent implementation of
# DESIGN.md's model vectorised over replications (what an analyst would write
# instead of tiersim; make crosscheck compares the two), against tiersim on 1
# and 2 threads, the same replications, in this invocation: the fitted
# qingdao-v1 and scenarios/qingdao.ini, BENCH_NUMPY_REPS (400000) each, the
# median of BENCH_NUMPY_ROUNDS (3) alternating rounds.  Skipped without numpy.
set -e
BUILD=${1:-build}
[ -f "$BUILD/bench-fit/fitted.ini" ] ||
    ./tiersim fit scenarios/qingdao-v1.ini data/qingdao-v1-history.csv -o "$BUILD/bench-fit" --no-plots >/dev/null 2>&1
PY=$(sh bench/numpy_python.sh) || PY=""
if [ -z "$PY" ]; then
    echo "numpy baseline: skipped (python3-numpy is not installed; sh scripts/deps.sh bench installs it)"
    exit 0
fi
NREPS=${BENCH_NUMPY_REPS:-400000}
ROUNDS=${BENCH_NUMPY_ROUNDS:-3}
NPDIR=$BUILD/bench-numpy
rm -rf "$NPDIR"
mkdir -p "$NPDIR"
echo "numpy baseline: $("$PY" -c 'import numpy, sys; print("numpy %s, python %s" % (numpy.__version__, sys.version.split()[0]))'), $NREPS replications, median of $ROUNDS rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# measure OUT CMD...: "wall-seconds peak-RSS-KiB cpu-seconds" of CMD into OUT
# (/usr/bin/time where present, else python's resource module on a child).
# CPU seconds (user + system) say what the work costs when other jobs share
# the cores; wall seconds are what the ratios are taken of.
measure() {
    out=$1
    shift
    if [ -x /usr/bin/time ]; then
        t0=$(date +%s.%N)
        /usr/bin/time -f '%M %U %S' -o "$NPDIR/time.out" "$@" >/dev/null
        t1=$(date +%s.%N)
        echo "$t0 $t1 $(tail -n 1 "$NPDIR/time.out")" | awk '{printf "%.3f %d %.2f\n", $2 - $1, $3, $4 + $5}' >"$out"
    else
        "$PY" -c 'import resource, subprocess, sys, time
t = time.time()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %d %.2f" % (time.time() - t, u.ru_maxrss, u.ru_utime + u.ru_stime))
sys.exit(rc)' "$@" >"$out"
    fi
}
medcol() { sort -n | sed -n "$(((ROUNDS + 1) / 2))p"; }
for scen in "$BUILD/bench-fit/fitted.ini" scenarios/qingdao.ini; do
    name=$(basename "$(dirname "$scen")")/$(basename "$scen")
    r=1
    while [ $r -le "$ROUNDS" ]; do
        measure "$NPDIR/t1.$r" ./tiersim run "$scen" -n "$NREPS" --no-plots -q -j 1 -o "$NPDIR/run-t1"
        measure "$NPDIR/t2.$r" ./tiersim run "$scen" -n "$NREPS" --no-plots -q -j 2 -o "$NPDIR/run-t2"
        measure "$NPDIR/np.$r" "$PY" bench/numpy_model.py "$scen" -n "$NREPS" -q -o "$NPDIR/run-np"
        r=$((r + 1))
    done
    years=$(cut -d, -f1 "$NPDIR/run-t1/projection.csv" | grep -E '^[0-9]+$' | sort -u | wc -l)
    echo "$name ($years years), $NREPS replications:"
    for c in t1 t2 np; do
        s=$(cat "$NPDIR/$c".[0-9]* | cut -d' ' -f1 | medcol)
        m=$(cat "$NPDIR/$c".[0-9]* | cut -d' ' -f2 | sort -n | tail -n 1)
        u=$(cat "$NPDIR/$c".[0-9]* | cut -d' ' -f3 | medcol)
        eval "secs_$c=$s cpu_$c=$u"
        case $c in t1) what="tiersim, 1 thread " ;; t2) what="tiersim, 2 threads" ;; np) what="numpy (1 process) " ;; esac
        echo "$what $s $m $NREPS $years $u" | awk '{printf "  %s  %8.2f s  %10.0f replication-years/s  peak RSS %6.1f MiB  (cpu %.2f s)\n", substr($0, 1, 18), $4, $6 * $7 / $4, $5 / 1024, $8}'
    done
    # shellcheck disable=SC2154 # set by eval
    echo "$secs_t1 $secs_t2 $secs_np $cpu_t1 $cpu_np" | awk '{printf "  tiersim / numpy throughput: %.2fx on 1 thread (goal >= 4x), %.2fx on 2 (goal >= 8x) (by cpu seconds, 1 thread: %.2fx); tiersim 2 threads / 1 thread: %.2fx (goal >= 1.9x)\n", $3 / $1, $3 / $2, $5 / $4, $1 / $2}'
    # The same ratios round by round (the three runs of a round follow each
    # other, so a drift of the machine's speed between rounds cancels), and
    # their median: the steadier figure on a shared machine.
    r=1 pairs=""
    while [ $r -le "$ROUNDS" ]; do
        pairs="$pairs$(cut -d' ' -f1 "$NPDIR/t1.$r" "$NPDIR/t2.$r" "$NPDIR/np.$r" | tr '\n' ' ')
"
        r=$((r + 1))
    done
    printf '%s' "$pairs" | awk -v n="$ROUNDS" '
        NF == 3 { a[NR] = $3 / $1; b[NR] = $3 / $2; c[NR] = $1 / $2 }
        function med(x,   i, j, t, m) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
            m = int((n + 1) / 2); return x[m]
        }
        END { printf "  round by round (median of %d): %.2fx numpy on 1 thread, %.2fx on 2; 2 threads / 1: %.2fx\n", n, med(a), med(b), med(c) }'
    # The 2-thread wall ratio is set by what else runs on the cores; the CPU
    # seconds are not: 2 threads taking the CPU seconds of 1 means nothing is
    # lost to the threads themselves (false sharing, a serial merge), and the
    # cores granted are CPU seconds / wall seconds.
    # shellcheck disable=SC2154 # set by eval
    echo "$cpu_t1 $cpu_t2 $secs_t2" | awk '{printf "  2 threads: %.2fx the cpu seconds of 1 (1.00: no work lost to threading); %.2f of 2 cores granted during the run\n", $2 / $1, $2 / $3}'
    echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores: above 1, the second thread shares its core with other jobs)"
    rm -f "$NPDIR"/t1.* "$NPDIR"/t2.* "$NPDIR"/np.*
done
# numpy's own throughput choice: the block of replications each numpy call
# draws for (default 100000), and the bit generator (PCG64 default, SFC64).
printf 'numpy choice, fitted qingdao-v1, %s replications (1 run each):' "$NREPS"
for opt in "--block 10000" "--block 100000" "--block 400000" "--block 100000 --bitgen sfc64"; do
    # shellcheck disable=SC2086
    measure "$NPDIR/choice" "$PY" bench/numpy_model.py "$BUILD/bench-fit/fitted.ini" -n "$NREPS" -q $opt -o "$NPDIR/run-np"
    printf '  %s: %s s, %s MiB;' "$opt" "$(cut -d' ' -f1 "$NPDIR/choice")" "$(cut -d' ' -f2 "$NPDIR/choice" | awk '{printf "%.0f", $1 / 1024}')"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
