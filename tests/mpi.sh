#!/bin/sh
# Across processes (Open MPI): every command that simulates -- run (with
# --precision and --explain), batch, sensitivity (tornado, morris, sobol),
# sweep, compare, goal, validate -- under `mpirun -np 2` and `-np 3` writes
# the same bytes as one process (its CSVs and results.xlsx; -j differs too);
# process 0 alone writes (no scratch directory of another process is left);
# a failing replication gives the one message of one process, with its exit
# status; SIGINT leaves nothing behind.
#   sh tests/mpi.sh PATH/TO/tiersim        (skipped without mpirun or an MPI build)
set -u
case ${LC_ALL:-} in zh*) LC_ALL=C.UTF-8; export LC_ALL ;; esac
LC_MESSAGES=C; export LC_MESSAGES
BIN=${1:-./tiersim}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
if ! command -v mpirun >/dev/null 2>&1 || ! "$BIN" version | grep -q 'Open MPI'; then
    echo "  skipped: no mpirun, or tiersim built without Open MPI (libopenmpi-dev, openmpi-bin)"
    exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-mpi.XXXXXX")
trap 'rm -rf "$T"' EXIT
# Every process's scratch directory goes under this TMPDIR: none may stay.
mkdir "$T/tmp"
TMPDIR=$T/tmp
export TMPDIR
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok   $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; }

# mpirun as CI runs it: as root, more processes than cores, and -q, which
# leaves the program's own one line as the only message on failure.  On a
# Ctrl-C mpirun sends SIGCONT, waits odls_base_sigkill_timeout seconds (1 by
# default), sends SIGTERM, waits as long again and sends SIGKILL (strace,
# Open MPI 4.1): one second after SIGTERM is too short on a loaded machine
# for the processes to remove their temporary directories.
MPIRUN="timeout 600 mpirun --allow-run-as-root --oversubscribe -q --mca odls_base_sigkill_timeout 10"
# What is left under TMPDIR but Open MPI's own session directories.
left() { ls -A "$T/tmp" | grep -v '^ompi\.' || true; }

# same NAME ARGS...: ARGS (a tiersim command and its options, without -o and
# -j) alone with -j 2, then under mpirun -np 2 with -j 1 and -np 3 with -j 2:
# every CSV and results.xlsx the same bytes, stdout the same but for its
# last line (results: DIR).
same() {
    name=$1
    shift
    "$BIN" "$@" -j 2 -o "$T/one" >"$T/one.txt" 2>"$T/one.err"
    s1=$?
    # shellcheck disable=SC2086
    $MPIRUN -np 2 "$BIN" "$@" -j 1 -o "$T/two" >"$T/two.txt" 2>"$T/two.err"
    s2=$?
    # shellcheck disable=SC2086
    $MPIRUN -np 3 "$BIN" "$@" -j 2 -o "$T/three" >"$T/three.txt" 2>"$T/three.err"
    s3=$?
    if [ $s1 -ne 0 ] || [ $s2 -ne 0 ] || [ $s3 -ne 0 ]; then
        bad "$name: exit status $s1 / $s2 / $s3" "$(cat "$T/one.err" "$T/two.err" "$T/three.err" | head -5)"
        rm -rf "$T/one" "$T/two" "$T/three"
        return
    fi
    files=$(cd "$T/one" && find . -name '*.csv' -o -name results.xlsx | sort)
    n=0 differ=""
    for f in $files; do
        n=$((n + 1))
        cmp -s "$T/one/$f" "$T/two/$f" || differ="$differ np2:$f"
        cmp -s "$T/one/$f" "$T/three/$f" || differ="$differ np3:$f"
    done
    sed '$d' "$T/one.txt" >"$T/one.body"
    sed '$d' "$T/two.txt" >"$T/two.body"
    sed '$d' "$T/three.txt" >"$T/three.body"
    cmp -s "$T/one.body" "$T/two.body" && cmp -s "$T/one.body" "$T/three.body" || differ="$differ stdout"
    if [ -z "$differ" ] && [ $n -gt 0 ]; then
        ok "$name: -np 2 and -np 3 give one process's bytes ($n files and the terminal)"
    else
        bad "$name: differs from one process ($n files):$differ" "$(diff "$T/one.body" "$T/two.body" | head -4)"
    fi
    rm -rf "$T/one" "$T/two" "$T/three"
}

echo "one process's bytes, with 2 and 3 processes"
same "run" run tests/data/tiny.ini -n 20000 -q --no-plots
same "run --precision (batches: the stopping rule on every process's count)" \
    run tests/data/tiny.ini --precision 0.004 -q --no-plots
same "run --explain (goal seeking on the processes' shares)" \
    run tests/data/multi.ini -n 4000 --explain -q --no-plots
same "batch (members and aggregate)" batch tests/data/scenario/set.ini -n 3000 -q --no-plots
same "sensitivity tornado" sensitivity tests/data/tiny.ini --method tornado --inner 500 -q --no-plots
same "sensitivity morris" sensitivity tests/data/tiny.ini --method morris -N 8 --inner 200 -q --no-plots
same "sensitivity sobol" sensitivity tests/data/tiny.ini --method sobol -N 64 --inner 50 -q --no-plots
same "sweep" sweep tests/data/tiny.ini --param 'transition.a->b.rate=0.02:0.12:4' -n 1000 -q --no-plots
same "compare" compare tests/data/tiny.ini --policy push -n 4000 -q --no-plots
same "goal" goal tests/data/tiny.ini --target b --prob 0.8 --lever policy.push.scale --range 1:3 -n 2000 -q --no-plots
same "validate" validate tests/data/tiny.ini tests/data/observed/tiny.csv -n 4000 -q --no-plots

echo "process 0 alone writes: the charts and report.html, and nothing else anywhere"
$MPIRUN -np 2 "$BIN" run tests/data/tiny.ini -n 2000 -q -o "$T/charts" >/dev/null 2>"$T/charts.err"
[ -s "$T/charts/charts/card.png" ] && [ -s "$T/charts/report.html" ] && [ -z "$(left)" ] &&
    ls "$T" | grep -qv 'tmp-' && ok "charts by process 0; no scratch directory left" ||
    bad "charts / scratch" "$(ls -A "$T/tmp"; cat "$T/charts.err")"
grep -q '^threads: 1 in each of 2 processes (mpirun)' "$T/charts/manifest.txt" 2>/dev/null ||
    ! grep -q '^threads: ' "$T/charts/manifest.txt" && ok "manifest.txt says how many processes" ||
    bad "manifest threads line" "$(grep threads "$T/charts/manifest.txt")"

echo "a failing replication: one process's one line and exit status"
# With seed 11 the first replication whose inflow mean passes 2^52 lies in
# the second chunk (500 .. 999: -n 500 runs, -n 1000 fails), which process 1
# runs: its message must be the one process 0 prints.
printf '[scenario]\nname = s\nstart_year = 2022\nend_year = 2023\nseed = 11\n[tier a]\nstock = 100\ninflow = 1e14\ninflow_growth = uniform(0, 44.1)\n' >"$T/s.ini"
"$BIN" run "$T/s.ini" -n 500 -j 2 -q --no-plots -o "$T/f0" >/dev/null 2>&1 && rm -rf "$T/f0" ||
    bad "the failing scenario fails in the first chunk: choose another seed"
"$BIN" run "$T/s.ini" -n 5000 -j 2 -q --no-plots -o "$T/f1" >/dev/null 2>"$T/f1.err"
s1=$?
for np in 2 3; do
    # shellcheck disable=SC2086
    $MPIRUN -np $np "$BIN" run "$T/s.ini" -n 5000 -j 1 -q --no-plots -o "$T/f$np" >"$T/f$np.out" 2>"$T/f$np.err"
    s=$?
    if [ $s1 -eq 2 ] && [ $s -eq 2 ] && cmp -s "$T/f1.err" "$T/f$np.err" && [ "$(wc -l <"$T/f$np.err")" -eq 1 ] &&
        [ ! -s "$T/f$np.out" ] && [ ! -e "$T/f$np" ] && [ -z "$(left)" ]; then
        ok "-np $np: '$(cat "$T/f1.err")', exit 2, nothing written"
    else
        bad "-np $np failure: status $s1 / $s" "$(cat "$T/f1.err" "$T/f$np.err")"
    fi
done

echo "process 0 cannot open its output: every process stops"
: >"$T/afile"
timeout 120 mpirun --allow-run-as-root --oversubscribe -q -np 2 "$BIN" run tests/data/tiny.ini -n 2000 -q --no-plots \
    -o "$T/afile" >/dev/null 2>"$T/afile.err"
s=$?
[ $s -eq 1 ] && [ "$(cat "$T/afile.err")" = "$T/afile: exists and is not a directory" ] && [ -z "$(left)" ] &&
    ok "-o a file: status 1, one line, no scratch left (no process waits for it)" ||
    bad "-o a file under mpirun: status $s (124: a process waited forever)" "$(cat "$T/afile.err"; left)"

echo "SIGINT: nothing written by any process"
# One thread a process (fewer threads competing for the two cores), and the
# signal only once both processes are simulating -- their output and scratch
# directories exist -- so that it tests the interrupt, not start-up.  One
# SIGINT, as one Ctrl-C: timeout without --foreground passes a signal on to
# mpirun and then to its whole process group, so mpirun got it twice, and
# Open MPI takes a second Ctrl-C as "kill everything now" -- the processes
# died at once without removing their directories (1 run in 11 here; two
# SIGINTs 0.2 s apart do it every time).
timeout --foreground ${MPIRUN#timeout } -np 2 "$BIN" run tests/data/tiny.ini -n 1000000000 -q --no-plots -j 1 -o "$T/int" >/dev/null 2>"$T/int.err" &
pid=$!
i=0
while [ $i -lt 120 ] && ! { ls "$T" | grep -q 'int.tmp-' && [ -n "$(left)" ]; }; do
    sleep 0.5
    i=$((i + 1))
done
sleep 1
kill -INT $pid
wait $pid
s=$?
[ $s -ne 0 ] && [ ! -e "$T/int" ] && ! ls "$T" | grep -q 'int.tmp-' && [ -z "$(left)" ] &&
    [ "$(cat "$T/int.err")" = "run: interrupted; nothing written" ] &&
    ok "interrupted (status $s): no output, no temporary or scratch directory" ||
    bad "SIGINT under mpirun: status $s" "$(ls "$T" "$T/tmp"; cat "$T/int.err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
