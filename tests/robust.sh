#!/bin/sh
# Robustness of the binary: outputs whole or absent (a full disk, a file
# size limit, SIGINT and SIGTERM leave no output and an earlier DIR intact),
# no file written outside DIR, and determinism: the same inputs and seed
# give identical bytes across runs, thread counts and --precision stopping
# points, for every command that samples.
#   sh tests/robust.sh PATH/TO/tiersim
set -u
# tiersim speaks the locale's language (--lang's default: LC_ALL, then
# LC_MESSAGES, then LANG): these tests read its English words.
case ${LC_ALL:-} in zh*) LC_ALL=C.UTF-8; export LC_ALL ;; esac
LC_MESSAGES=C; export LC_MESSAGES
BIN=${1:-./tiersim}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-robust.XXXXXX")
MNT=""
cleanup() {
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok   $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; }
TINY=tests/data/tiny.ini

# no_tmp DIR: no DIR.tmp-* beside DIR.
no_tmp() { ! ls "$(dirname "$1")" | grep -q "^$(basename "$1")\.tmp-"; }

# same_csvs A B: every CSV of A is in B with the same bytes, and B has no
# other CSV.  (manifest.txt records the command line and threads: not compared.)
same_csvs() {
    [ -d "$1" ] && [ -d "$2" ] || return 1
    a=$(cd "$1" && find . -name '*.csv' | sort)
    b=$(cd "$2" && find . -name '*.csv' | sort)
    [ -n "$a" ] && [ "$a" = "$b" ] || return 1
    for f in $a; do cmp -s "$1/$f" "$2/$f" || return 1; done
}

echo "outputs whole or absent"
"$BIN" run $TINY -n 300 -j 1 --no-plots -q -o "$T/keep" >/dev/null 2>&1
(cd "$T/keep" && cksum ./*) >"$T/keep.sum"

# A file size limit: writes fail with EFBIG (SIGXFSZ is ignored), exit 1.
(ulimit -f 1 && exec "$BIN" run $TINY -n 300 -j 1 --no-plots -q -o "$T/keep") >"$T/out" 2>"$T/err"
status=$?
[ $status -eq 1 ] && [ "$(cat "$T/err")" = "$T/keep/projection.csv: write failed: File too large" ] &&
    [ ! -s "$T/out" ] && no_tmp "$T/keep" && (cd "$T/keep" && cksum ./*) | cmp -s - "$T/keep.sum" &&
    ok "a file size limit: exit 1, one line naming the file, the earlier DIR intact" ||
    bad "file size limit (status $status)" "$(cat "$T/err")"
(ulimit -f 1 && exec "$BIN" run $TINY -n 300 -j 1 --no-plots -q -o "$T/new") >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$T/new" ] && no_tmp "$T/new" && ok "a file size limit: no DIR, no temporary directory" ||
    bad "file size limit leaves output"
(ulimit -f 1 && exec "$BIN" fit tests/data/tinyfit.ini tests/data/tinyfit.csv --no-plots -o "$T/fit") >/dev/null 2>"$T/err"
[ $? -eq 1 ] && [ ! -e "$T/fit" ] && no_tmp "$T/fit" && [ "$(wc -l <"$T/err")" -eq 1 ] &&
    ok "fit under a file size limit: exit 1, one line, no output" || bad "fit under a file size limit" "$(cat "$T/err")"

# A full disk: a 64 KiB tmpfs (needs root and mount; skipped otherwise).
mkdir "$T/mnt"
if mount -t tmpfs -o size=64k tmpfs "$T/mnt" 2>/dev/null; then
    MNT=$T/mnt
    head -c 60000 /dev/zero >"$T/mnt/filler" 2>/dev/null
    "$BIN" run $TINY -n 300 -j 1 --no-plots -q -o "$T/mnt/out" >/dev/null 2>"$T/err"
    status=$?
    [ $status -eq 1 ] && [ ! -e "$T/mnt/out" ] && no_tmp "$T/mnt/out" && [ "$(wc -l <"$T/err")" -eq 1 ] &&
        grep -q "^$T/mnt/out/[a-z_]*\.csv: write failed: No space left on device$" "$T/err" &&
        ok "a full disk (tmpfs): exit 1, one line naming the file, no output" ||
        bad "full disk (status $status)" "$(cat "$T/err")"
    umount "$T/mnt" && MNT=""
else
    echo "  skip a full disk on a tmpfs (mount not permitted here)"
fi

# SIGINT and SIGTERM: the run stops, exit 1, the earlier DIR as it was.
for sig in INT TERM; do
    "$BIN" run $TINY -n 1000000000 -j 2 --no-plots -q -o "$T/keep" >"$T/out" 2>"$T/err" &
    pid=$!
    sleep 1
    kill -$sig $pid
    wait $pid
    status=$?
    [ $status -eq 1 ] && [ "$(cat "$T/err")" = "run: interrupted; nothing written" ] && no_tmp "$T/keep" &&
        (cd "$T/keep" && cksum ./*) | cmp -s - "$T/keep.sum" &&
        ok "SIG$sig stops a run: exit 1, one line, the earlier DIR intact" || bad "SIG$sig (status $status)" "$(cat "$T/err")"
done
"$BIN" compare $TINY --policy push -n 1000000000 -j 2 --no-plots -q -o "$T/cmpint" >/dev/null 2>"$T/err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
status=$?
[ $status -eq 1 ] && [ "$(cat "$T/err")" = "compare: interrupted; nothing written" ] && [ ! -e "$T/cmpint" ] &&
    no_tmp "$T/cmpint" && ok "SIGINT stops compare: exit 1, no output" || bad "compare SIGINT (status $status)" "$(cat "$T/err")"

# Every command says the same on SIGINT (one handler, one message).
for cmdline in "sensitivity $TINY --inner 10000000" "sweep $TINY --param tier.a.inflow=5:15:3 -n 1000000000" \
               "goal $TINY --target b --prob 0.9 --lever policy.push.scale -n 1000000000" \
               "validate $TINY tests/data/observed/tiny.csv -n 1000000000"; do
    name=${cmdline%% *}
    # shellcheck disable=SC2086
    "$BIN" $cmdline -j 2 --no-plots -q -o "$T/int-$name" >/dev/null 2>"$T/err" &
    pid=$!
    sleep 1
    kill -INT $pid
    wait $pid
    status=$?
    [ $status -eq 1 ] && [ "$(cat "$T/err")" = "$name: interrupted; nothing written" ] &&
        [ ! -e "$T/int-$name" ] && no_tmp "$T/int-$name" &&
        ok "SIGINT stops $name: exit 1, the same one line, no output" ||
        bad "$name SIGINT (status $status)" "$(cat "$T/err")"
done

echo "no file outside DIR"
mkdir -p "$T/cwd" "$T/home" "$T/tmp"
cp $TINY "$T/cwd/tiny.ini"
(cd "$T/cwd" && HOME=$T/home TMPDIR=$T/tmp "$BIN" run tiny.ini -n 300 -o out -q >/dev/null 2>&1)
[ $? -eq 0 ] && [ "$(ls -A "$T/cwd" | tr '\n' ' ')" = "out tiny.ini " ] && [ -z "$(ls -A "$T/home" "$T/tmp" 2>/dev/null | grep -v ':$' | grep .)" ] &&
    ok "run (with charts when gnuplot is installed) writes only DIR" || bad "files outside DIR" "$(ls -A "$T/cwd" "$T/home" "$T/tmp")"
(cd "$T/cwd" && HOME=$T/home TMPDIR=$T/tmp "$BIN" fit "$ROOT/tests/data/tinyfit.ini" "$ROOT/tests/data/tinyfit.csv" -o fit >/dev/null 2>&1)
[ $? -eq 0 ] && [ "$(ls -A "$T/cwd" | tr '\n' ' ')" = "fit out tiny.ini " ] && ok "fit writes only DIR" || bad "fit: files outside DIR" "$(ls -A "$T/cwd")"

echo "determinism: identical bytes across runs, threads and --precision stopping points"
for j in 1 1b 2 3; do
    "$BIN" run $TINY -n 1500 -j "${j%b}" --no-plots -q -o "$T/run$j" >/dev/null 2>&1
done
same_csvs "$T/run1" "$T/run1b" && ok "run: the same bytes twice" || bad "run is not repeatable"
same_csvs "$T/run1" "$T/run2" && same_csvs "$T/run1" "$T/run3" &&
    ok "run: -j 1, 2 and 3 give the same bytes (every CSV)" || bad "run depends on -j"
"$BIN" run $TINY --precision 0.005 --max-reps 200000 -j 1 --no-plots -q -o "$T/p1" >/dev/null 2>&1
"$BIN" run $TINY --precision 0.005 --max-reps 200000 -j 3 --no-plots -q -o "$T/p3" >/dev/null 2>&1
n=$(sed -n 's/^replications: //p' "$T/p1/manifest.txt")
"$BIN" run $TINY -n "${n:-1}" -j 2 --no-plots -q -o "$T/pn" >/dev/null 2>&1
same_csvs "$T/p1" "$T/p3" && ok "run --precision: -j 1 and -j 3 stop at the same point with the same bytes" ||
    bad "--precision depends on -j"
same_csvs "$T/p1" "$T/pn" && ok "run --precision stopping at $n replications equals run -n $n" ||
    bad "--precision differs from -n $n"
"$BIN" run $TINY -n 1500 -j 2 --policy push --no-plots -q -o "$T/pol1" >/dev/null 2>&1
"$BIN" run $TINY -n 1500 -j 3 --policy push --no-plots -q -o "$T/pol2" >/dev/null 2>&1
same_csvs "$T/pol1" "$T/pol2" && ok "run --policy: -j 2 and -j 3 give the same bytes" || bad "run --policy depends on -j"
for j in 1 2 3; do
    "$BIN" compare $TINY --policy push --all-policies -n 1500 -j $j --no-plots -q -o "$T/cmp$j" >/dev/null 2>&1
done
"$BIN" compare $TINY --policy push --all-policies -n 1500 -j 1 --no-plots -q -o "$T/cmp1b" >/dev/null 2>&1
same_csvs "$T/cmp1" "$T/cmp1b" && same_csvs "$T/cmp1" "$T/cmp2" && same_csvs "$T/cmp1" "$T/cmp3" &&
    ok "compare: the same bytes twice and for -j 1, 2, 3" || bad "compare is not deterministic"
for j in 1 3; do
    "$BIN" goal $TINY --target b --prob 0.9 --lever policy.push.scale -n 600 -j $j --no-plots -q -o "$T/goal$j" >/dev/null 2>&1
done
"$BIN" goal $TINY --target b --prob 0.9 --lever policy.push.scale -n 600 -j 1 --no-plots -q -o "$T/goal1b" >/dev/null 2>&1
same_csvs "$T/goal1" "$T/goal1b" && same_csvs "$T/goal1" "$T/goal3" &&
    ok "goal: the same bytes twice and for -j 1, 3" || bad "goal is not deterministic"
"$BIN" fit tests/data/tinyfit.ini tests/data/tinyfit.csv --no-plots -o "$T/fit1" >/dev/null 2>&1
"$BIN" fit tests/data/tinyfit.ini tests/data/tinyfit.csv --no-plots -o "$T/fit2" >/dev/null 2>&1
same_csvs "$T/fit1" "$T/fit2" && cmp -s "$T/fit1/fitted.ini" "$T/fit2/fitted.ini" &&
    ok "fit: the same bytes twice (fit.csv, fitted.csv, fitted.ini)" || bad "fit is not deterministic"
"$BIN" run tests/data/tinyfit.ini --history tests/data/tinyfit.csv -n 800 -j 1 --no-plots -q -o "$T/h1" >/dev/null 2>&1
"$BIN" run tests/data/tinyfit.ini --history tests/data/tinyfit.csv -n 800 -j 3 --no-plots -q -o "$T/h3" >/dev/null 2>&1
same_csvs "$T/h1" "$T/h3" && ok "run --history: -j 1 and -j 3 give the same bytes" || bad "run --history depends on -j"

for j in 1 1b 3; do
    "$BIN" validate $TINY tests/data/observed/tiny.csv -n 1500 -j "${j%b}" --no-plots -q -o "$T/val$j" >/dev/null 2>&1
done
same_csvs "$T/val1" "$T/val1b" && same_csvs "$T/val1" "$T/val3" &&
    ok "validate: the same bytes twice and for -j 1, 3 (every CSV, validation's too)" || bad "validate is not deterministic"
(ulimit -f 1 && exec "$BIN" validate $TINY tests/data/observed/tiny.csv -n 300 -j 1 --no-plots -q -o "$T/valf") >/dev/null 2>"$T/err"
[ $? -eq 1 ] && [ ! -e "$T/valf" ] && no_tmp "$T/valf" && [ "$(wc -l <"$T/err")" -eq 1 ] &&
    ok "validate under a file size limit: exit 1, one line, no output" || bad "validate under a file size limit" "$(cat "$T/err")"

# ---- sensitivity commands ------------------------------------------------
# (sensitivity analysis: add every method and sweep shape here; each must give
# the same bytes twice and for -j 1 and -j 3.)
if "$BIN" help | grep -q 'tiersim sensitivity'; then
    for m in "tornado --inner 200" "morris -N 4 --inner 20" "sobol -N 32 --inner 10" "filter -N 300" \
             "split -N 20 --inner 10"; do
        name=${m%% *}
        for j in 1 1b 3; do
            # shellcheck disable=SC2086
            "$BIN" sensitivity $TINY --method $m -j "${j%b}" --no-plots -q -o "$T/sens-$name-$j" >/dev/null 2>&1
        done
        same_csvs "$T/sens-$name-1" "$T/sens-$name-1b" && same_csvs "$T/sens-$name-1" "$T/sens-$name-3" &&
            ok "sensitivity --method $name: the same bytes twice and for -j 1, 3" ||
            bad "sensitivity --method $name is not deterministic"
    done
fi
if "$BIN" help | grep -q 'tiersim sweep'; then
    for j in 1 1b 3; do
        "$BIN" sweep $TINY --param 'transition.a->b.rate=0.02:0.12:3' --param tier.a.exit=0:0.1:2 -n 200 -j "${j%b}" \
            --no-plots -q -o "$T/sweep-$j" >/dev/null 2>&1
    done
    same_csvs "$T/sweep-1" "$T/sweep-1b" && same_csvs "$T/sweep-1" "$T/sweep-3" &&
        ok "sweep: the same bytes twice and for -j 1, 3" || bad "sweep is not deterministic"
fi
# ---- end of the sensitivity commands ---------------------------------------

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
