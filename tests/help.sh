#!/bin/sh
# Command-level tests of the help that teaches: every option of every command
# (as `tiersim help` lists them, so a new command is covered without editing
# this file) has a meaning, a default and an example in its help; every
# worked example of every help runs; the man page is made from the same
# tables; `make install PREFIX=...` gives a program that runs the installed
# Qingdao scenario and draws with the installed gnuplot scripts.
#   sh tests/help.sh PATH/TO/tiersim
set -u
BIN=${1:-./tiersim}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-help.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "  ok   $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; }

# The commands, from the generated list (not from this file).
cmds=$("$BIN" help | sed -n 's/^  tiersim \([a-z_]*\) .*/\1/p' | grep -vx help)
[ "$(echo "$cmds" | wc -w)" -ge 8 ] && ok "tiersim help lists $(echo $cmds | wc -w) commands" ||
    bad "tiersim help lists too few commands" "$cmds"

echo "every option: a meaning, a default and an example"
for c in $cmds; do
    "$BIN" help "$c" >"$T/help-$c.txt" 2>&1 || bad "help $c exits 0"
    # One record per option: its first line starts "  -"; then its meaning,
    # "default: ..." and "example: ..." lines, indented.  The example must be
    # of the option itself.
    msg=$(awk '
        /^options:$/ { on = 1; next }
        /^examples:$/ || /^$/ { if (on && opt != "") check(); if (/^examples:$/) on = 0; opt = ""; next }
        !on { next }
        /^  -/ {
            if (opt != "") check()
            opt = $1; sub(/,$/, "", opt); long = ""
            if ($2 ~ /^--/) long = $2
            rest = $0; sub(/^  [^ ].*[^ ]  +/, "", rest)
            meaning = (rest != $0 && rest != "") ? rest : ""
            def = ""; ex = ""; last = "m"; next
        }
        /^ +default:/ { def = $0; sub(/^ +default: */, "", def); last = "d"; next }
        /^ +example: / { ex = $0; sub(/^ +example: */, "", ex); last = "e"; next }
        /^ +[^ ]/ { t = $0; sub(/^ +/, "", t); if (last == "m") meaning = meaning t; else if (last == "d") def = def t; next }
        function check() {
            n++
            if (meaning == "") print opt ": no meaning"
            if (def == "") print opt ": no default"
            if (ex == "") print opt ": no example"
            split(ex, w, " ")
            if (w[1] != opt && w[1] != long) print opt ": the example \"" ex "\" is not of " opt
        }
        END { if (n < 1) print "no options found" }
    ' "$T/help-$c.txt")
    [ -z "$msg" ] && ok "help $c: every option has a meaning, a default and an example" ||
        bad "help $c" "$msg"
    n=$(sed -n '/^examples:$/,$p' "$T/help-$c.txt" | grep -c '^  tiersim ')
    [ "$n" -ge 2 ] && ok "help $c: $n worked examples" || bad "help $c: $n worked examples, want at least 2"
done

echo "every worked example runs (in a scratch directory, with few replications)"
# The examples name scenarios/, data/ and tests/ relative to the sources and
# write into out/: run them where those are links, in the order the help
# lists them, so that `plot out/qingdao` finds the run before it.
W=$T/work
mkdir -p "$W" && for d in scenarios data tests; do ln -s "$ROOT/$d" "$W/$d"; done
have_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && have_gnuplot=1
for c in $cmds; do
    sed -n '/^examples:$/,$p' "$T/help-$c.txt" | sed -n 's/^  tiersim //p' >"$T/examples-$c"
    while IFS= read -r line; do
        # Options given last win: these keep every example quick without
        # changing what it shows.
        extra=
        grep -q -- '^  -n, --replications' "$T/help-$c.txt" && extra="$extra -n 200"
        grep -q -- '^  --no-plots' "$T/help-$c.txt" && extra="$extra --no-plots"
        grep -q -- '^  -q, --quiet' "$T/help-$c.txt" && extra="$extra -q"
        if [ "$c" = sensitivity ]; then
            case $line in
            *"--method filter"*) extra="$extra -N 200" ;;
            *"--method sobol"* | *"--method morris"* | *"--method split"*) extra="$extra -N 4 --inner 10" ;;
            *) extra="$extra --inner 20" ;;
            esac
        fi
        if [ "$c" = plot ] && [ $have_gnuplot = 0 ]; then
            echo "  skip tiersim $line (no gnuplot)"
            continue
        fi
        (cd "$W" && eval "\"\$BIN\" $line $extra") >"$T/ex.out" 2>"$T/ex.err" </dev/null
        status=$?
        [ $status -eq 0 ] && ok "tiersim $line" || bad "tiersim $line$extra: exit $status" "$(tail -3 "$T/ex.err")"
    done <"$T/examples-$c"
done

echo "default output directories: named by what was run"
# The examples above wrote these (README, Outputs).
for d in qingdao qingdao+capital+gradient qingdao-v1 qingdao-v1-fit tinyfit-fit qingdao-compare-all-policies \
    qingdao-compare-capital+gradient-qingdao-pessimistic qingdao-goal-srdi qingdao-goal-little_giant \
    qingdao-sensitivity-tornado qingdao-sensitivity-filter qingdao-sensitivity-sobol qingdao-sweep tiny-sweep; do
    [ -f "$W/out/$d/manifest.txt" ] || bad "no out/$d from the examples" "$(ls "$W/out")"
done
(cd "$W" && "$BIN" run tests/data/tiny.ini --policy push --policy noop -n 100 -q >"$T/card.txt" 2>&1) &&
    grep -qx 'results: out/tiny+noop+push/' "$T/card.txt" && grep -qx 'policies: push,noop' "$W/out/tiny+noop+push/manifest.txt" &&
    grep -q 'policies push,noop' "$W/out/tiny+noop+push/report.html" &&
    ok "run --policy push --policy noop: out/tiny+noop+push, the manifest and report.html say which" ||
    bad "run with policies" "$(cat "$T/card.txt"; ls "$W/out")"
(cd "$W" && "$BIN" run tests/data/tiny.ini --policy noop --policy push --policy noop -n 137 -q --no-plots &&
    "$BIN" run tests/data/tiny.ini -n 100 -q --no-plots) >/dev/null 2>&1 &&
    grep -qx 'replications: 137' "$W/out/tiny+noop+push/manifest.txt" && [ -f "$W/out/tiny/manifest.txt" ] &&
    [ "$(ls "$W/out" | grep -c '^tiny\(+.*\)*$')" -eq 2 ] &&
    ok "the same policies in another order replace their own run; the run without them is apart" ||
    bad "policy order" "$(ls "$W/out")"

echo "the man page"
"$BIN" help --man >"$T/tiersim.1" 2>"$T/man.err"
status=$?
[ $status -eq 0 ] && [ ! -s "$T/man.err" ] && head -1 "$T/tiersim.1" | grep -q '^\.TH TIERSIM 1 ' &&
    ok "help --man prints roff, starting with .TH" || bad "help --man (status $status)" "$(head -2 "$T/tiersim.1")"
for s in NAME SYNOPSIS DESCRIPTION COMMANDS '"EXIT STATUS"' ENVIRONMENT FILES EXAMPLES; do
    grep -qx "\.SH $s" "$T/tiersim.1" || bad "the man page has no section $s"
done
missing=
for c in $cmds; do
    grep -qx "\.SS $c" "$T/tiersim.1" || missing="$missing $c"
    # each option's example, as the page would print it
    sed -n 's/^ *example: //p' "$T/help-$c.txt" | while IFS= read -r e; do
        esc=$(printf '%s' "$e" | sed 's/\\/\\e/g; s/-/\\-/g')
        grep -qF "Example: \\fB$esc\\fR" "$T/tiersim.1" || echo "$c: $e"
    done >>"$T/man.missing"
done
[ -z "$missing" ] && [ ! -s "$T/man.missing" ] && ok "the man page has every command and every option's example" ||
    bad "the man page lacks" "$missing $(cat "$T/man.missing")"
for st in 0 1 2; do
    grep -A1 -x '\.TP' "$T/tiersim.1" | grep -qx "\.B $st" || bad "the man page does not give exit status $st"
done
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$T/tiersim.1" >"$T/man.txt" 2>"$T/man.warn"
    [ $? -eq 0 ] && [ ! -s "$T/man.warn" ] && grep -q 'EXIT STATUS' "$T/man.txt" &&
        ok "man -l renders it without a warning" || bad "man -l" "$(head -5 "$T/man.warn")"
fi

echo "make install PREFIX=..."
# The build directory of the binary under test, so that the sanitizer build
# installs itself (make passes its command-line variables down in MAKEFLAGS).
B=$(dirname "$BIN")
case $B in "$ROOT"/*) B=${B#"$ROOT"/} ;; *) B= ;; esac
if [ -z "$B" ]; then
    echo "  skip: $BIN is not under $ROOT"
else
    P=$T/p/usr   # two levels down: no ../../plots of the sources can stand in for the installed ones
    make -s -C "$ROOT" install PREFIX="$P" BUILD="$B" >"$T/install.out" 2>&1
    status=$?
    [ $status -eq 0 ] && [ -x "$P/bin/tiersim" ] && [ -f "$P/share/man/man1/tiersim.1" ] &&
        [ -f "$P/share/tiersim/plots/fan.gp" ] && [ -f "$P/share/tiersim/scenarios/qingdao.ini" ] &&
        ok "make install puts the program, the man page, the plots and the scenario under PREFIX" ||
        bad "make install (status $status)" "$(tail -5 "$T/install.out")"
    cmp -s "$P/share/man/man1/tiersim.1" "$T/tiersim.1" && ok "the installed man page is help --man's" ||
        bad "the installed man page differs from help --man"
    if command -v man >/dev/null 2>&1; then
        man -l "$P/share/man/man1/tiersim.1" >/dev/null 2>"$T/man.warn" && [ ! -s "$T/man.warn" ] &&
            ok "man -l reads the installed page" || bad "man -l on the installed page" "$(cat "$T/man.warn")"
    else
        head -1 "$P/share/man/man1/tiersim.1" | grep -q '^\.TH' && ok "the installed page starts with .TH" ||
            bad "the installed page"
    fi
    # From elsewhere, without TIERSIM_PLOTS: the installed program, scenario and plots alone.
    mkdir -p "$T/elsewhere"
    plots=--no-plots
    [ $have_gnuplot = 1 ] && plots=
    (cd "$T/elsewhere" && env -u TIERSIM_PLOTS "$P/bin/tiersim" run "$P/share/tiersim/scenarios/qingdao.ini" \
        -n 200 -o "$T/out" -q $plots) >"$T/inst.out" 2>"$T/inst.err"
    status=$?
    [ $status -eq 0 ] && [ -f "$T/out/targets.csv" ] && grep -q '^little_giant,new,100,' "$T/out/targets.csv" &&
        ok "the installed tiersim runs the installed qingdao.ini" || bad "installed run (status $status)" "$(cat "$T/inst.err")"
    if [ $have_gnuplot = 1 ]; then
        [ -s "$T/out/charts/card.png" ] && [ -s "$T/out/report.html" ] &&
            ok "the installed tiersim draws its charts with the installed plots" || bad "installed charts" "$(ls "$T/out")"
        # Without its plots the installed program says where it looked: the
        # charts above came from PREFIX/share/tiersim/plots.
        mv "$P/share/tiersim/plots" "$P/share/tiersim/plots.away"
        (cd "$T/elsewhere" && env -u TIERSIM_PLOTS "$P/bin/tiersim" run "$P/share/tiersim/scenarios/qingdao.ini" \
            -n 200 -o "$T/out2" -q) >/dev/null 2>"$T/inst.err"
        status=$?
        [ $status -eq 1 ] && grep -q 'cannot find the gnuplot scripts.*share/tiersim/plots' "$T/inst.err" &&
            ok "... and nothing else: without them it fails, naming where it looked" ||
            bad "installed run without plots (status $status)" "$(cat "$T/inst.err")"
        mv "$P/share/tiersim/plots.away" "$P/share/tiersim/plots"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
