#!/bin/sh
# Command-level tests of the charts: `tiersim run` draws them (PNG and SVG)
# and report.html into its output directory, also under a name with spaces,
# quotes and '$'; --no-plots draws nothing; without gnuplot on PATH one
# warning line and exit 0; `tiersim plot DIR` redraws, keeps the old charts
# when a script fails, and refuses a directory tiersim did not write.
#   sh tests/plots.sh PATH/TO/tiersim
set -u
# tiersim speaks the locale's language (--lang's default: LC_ALL, then
# LC_MESSAGES, then LANG): these tests read its English words.
case ${LC_ALL:-} in zh*) LC_ALL=C.UTF-8; export LC_ALL ;; esac
LC_MESSAGES=C; export LC_MESSAGES
BIN=${1:-./tiersim}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-plots.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "  ok   $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; }

# png_ok FILE: the PNG signature, 1600x1000 in IHDR, 20 kB .. 3 MB.
png_ok() {
    [ -f "$1" ] || return 1
    size=$(wc -c <"$1")
    [ "$size" -gt 20000 ] && [ "$size" -lt 3000000 ] || return 1
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || return 1
    [ "$(head -c 24 "$1" | tail -c 8 | od -An -tx1 | tr -d ' \n')" = 00000640000003e8 ]
}

# charts_ok DIR: every chart of DIR/charts/index.csv as PNG and SVG.
charts_ok() {
    [ -f "$1/charts/index.csv" ] || return 1
    for c in $(sed 1d "$1/charts/index.csv" | cut -d, -f1); do
        png_ok "$1/charts/$c.png" || { echo "bad PNG: $c"; return 1; }
        grep -q '</svg>' "$1/charts/$c.svg" || { echo "bad SVG: $c"; return 1; }
    done
}

# html_ok DIR N: report.html inlines N charts, has the report card table and
# names nothing outside itself.
html_ok() {
    h="$1/report.html"
    [ -f "$h" ] && [ "$(grep -c '<svg' "$h")" -eq "$2" ] && grep -q '<table class="card">' "$h" &&
        ! grep -Eiq 'https?:|src=|<link|<script|@import|url\([^#]|href="[^#]|href='"'"'[^#]' "$h"
}

echo "charts of a run, in a directory named with a space, a quote and a dollar"
D="$T/it's a \$HOME \"dir\""
"$BIN" run tests/data/tiny.ini -n 600 -s 2385 -o "$D" -q >"$T/out" 2>"$T/err"
status=$?
if [ $status -ne 0 ]; then
    bad "run exits 0 (got $status)" "$(cat "$T/err")"
else
    ok "run exits 0"
    [ ! -s "$T/err" ] && ok "nothing on stderr" || bad "stderr" "$(cat "$T/err")"
    n=$(sed 1d "$D/charts/index.csv" | wc -l)
    [ "$n" -eq 6 ] && ok "6 charts listed in charts/index.csv" || bad "charts listed: $n"
    msg=$(charts_ok "$D") && ok "each chart is a 1600x1000 PNG and an SVG" || bad "chart files" "$msg"
    for f in fan_a fan_b card pmet dist_a dist_b; do
        [ -f "$D/charts/$f.png" ] && [ -f "$D/charts/$f.svg" ] || bad "missing $f"
    done
    grep -q '<text>甲 (tier a)</text>' "$D/charts/fan_a.svg" && grep -q '<text>乙 (tier b)</text>' "$D/charts/fan_b.svg" &&
        grep -q '乙 (tier b): new 25 (needs 23)' "$D/charts/card.svg" && grep -q 'P(met) = ' "$D/charts/dist_b.svg" &&
        ok "the SVGs carry the scenario's labels" || bad "labels in the SVGs"
    # the card: the plan's number and the whole count the terminal says it
    # needs (issue 13: it showed the threshold, 22.5, alone)
    needs=$(awk '$1 == "b" && $2 == "new" { print $4 }' "$T/out")
    [ "$needs" = 23 ] && grep -q "<text>乙 (tier b): new 25 (needs $needs)</text>" "$D/charts/card.svg" &&
        grep -q "<text>乙 (tier b): new 25 (needs $needs)</text>" "$D/charts/pmet.svg" &&
        grep -q "<text>target 25 (needs $needs)</text>" "$D/charts/fan_b.svg" &&
        ok "card, P(met) and fan: target 25, needs $needs, as the terminal says" || bad "needs on the charts" "terminal: '$needs'"
    # report.html: the report card first, then P(met) by year, then the fans
    order=$(grep -o '<figure id="[a-z_]*"' "$D/report.html" | sed 's/.*id="//; s/"//' | tr '\n' ' ')
    [ "$order" = "card pmet fan_a fan_b dist_b dist_a " ] && [ "$(sed 1d "$D/charts/index.csv" | cut -d, -f1 | tr '\n' ' ')" = "$order" ] &&
        ok "report.html and index.csv: the card, P(met) by year, the fans, the distributions" || bad "chart order" "$order"
    html_ok "$D" 6 && ok "report.html: the table, 6 charts inline, nothing external" || bad "report.html"
    ls "$T" | grep -q '\.tmp-' && bad "a temporary directory was left" || ok "no temporary directory left"
fi

echo "--no-plots"
"$BIN" run tests/data/tiny.ini -n 600 -o "$T/np" -q --no-plots >/dev/null 2>&1 &&
    [ -f "$T/np/targets.csv" ] && [ ! -e "$T/np/charts" ] && [ ! -e "$T/np/report.html" ] &&
    ok "--no-plots writes the CSVs only" || bad "--no-plots"

echo "without gnuplot on PATH"
mkdir -p "$T/nobin"
PATH="$T/nobin" "$BIN" run tests/data/tiny.ini -n 600 -o "$T/ng" -q >"$T/out" 2>"$T/err"
status=$?
[ $status -eq 0 ] && [ "$(cat "$T/err")" = "tiersim: warning: gnuplot not found; charts skipped (CSVs are complete)" ] &&
    [ -f "$T/ng/projection.csv" ] && [ -f "$T/ng/targets.csv" ] && [ -f "$T/ng/manifest.txt" ] &&
    [ ! -e "$T/ng/charts" ] && grep -q 'No charts were drawn' "$T/ng/report.html" &&
    ok "one warning line, the CSVs and report.html, exit 0" || bad "no gnuplot (status $status)" "$(cat "$T/err")"
cmp -s "$T/ng/targets.csv" "$T/np/targets.csv" && ok "the same CSVs as with charts" || bad "CSVs differ without gnuplot"
PATH="$T/nobin" "$BIN" plot "$T/ng" >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && [ "$(cat "$T/err")" = "plot: gnuplot not found; nothing drawn (report.html has the tables)" ] &&
    ok "plot without gnuplot: exit 1, one line" || bad "plot without gnuplot" "$(cat "$T/err")"

echo "tiersim plot DIR"
"$BIN" plot "$T/np" >"$T/out" 2>"$T/err" && charts_ok "$T/np" >/dev/null && html_ok "$T/np" 6 &&
    [ "$(cat "$T/out")" = "charts: $T/np/charts/ (6 charts, PNG and SVG)
report: $T/np/report.html" ] && ok "redraws a finished run from its files alone" || bad "plot DIR" "$(cat "$T/out" "$T/err")"
cp "$T/np/charts/card.png" "$T/card.png"
TIERSIM_PLOTS=tests/data/plot/bad "$BIN" plot "$T/np" >"$T/out" 2>"$T/err"
status=$?
[ $status -eq 1 ] && [ "$(cat "$T/err")" = "plot: tests/data/plot/bad/fan.gp: gnuplot exited with status 1 (line 3: undefined function: nosuchfunction)" ] &&
    [ ! -s "$T/out" ] && ok "a failing script: its name and gnuplot's message, exit 1" ||
    bad "failing script (status $status)" "$(cat "$T/err")"
cmp -s "$T/card.png" "$T/np/charts/card.png" && charts_ok "$T/np" >/dev/null && ! ls "$T/np" | grep -q '\.tmp-' &&
    ok "the earlier charts are kept whole" || bad "charts after a failure"
TIERSIM_PLOTS=tests/data/plot/bad "$BIN" run tests/data/tiny.ini -n 600 -o "$T/badrun" -q >/dev/null 2>"$T/err"
[ $? -eq 1 ] && [ ! -e "$T/badrun" ] && ! ls "$T" | grep -q '^badrun\.tmp-' &&
    ok "run with a failing script: exit 1, no output directory" || bad "run with a failing script" "$(cat "$T/err")"
TIERSIM_PLOTS="$T/nowhere" "$BIN" run tests/data/tiny.ini -n 600 -o "$T/nowhere-run" -q >/dev/null 2>"$T/err"
[ $? -eq 1 ] && [ "$(cat "$T/err")" = "plot: $T/nowhere: not a directory of gnuplot scripts" ] &&
    ok "TIERSIM_PLOTS naming no directory: exit 1, one line" || bad "TIERSIM_PLOTS" "$(cat "$T/err")"
mkdir -p "$T/notours"
"$BIN" plot "$T/notours" >"$T/out" 2>"$T/err"
[ $? -eq 2 ] && [ "$(cat "$T/err")" = "plot: $T/notours: not a tiersim output directory (no manifest.txt)" ] &&
    ok "a directory tiersim did not write: exit 2" || bad "plot on a foreign directory" "$(cat "$T/err")"
"$BIN" plot >/dev/null 2>&1
[ $? -eq 2 ] && ok "plot without DIR: exit 2" || bad "plot without DIR"
cp -r tests/data/plot/run "$T/broken" && printf 'tier,measure,target,threshold,p_met,se,ci_lo,ci_hi,p05,p50,p95\nb,new,25,22.5,x,0,0,0,1,2,3\n' >"$T/broken/targets.csv"
"$BIN" plot "$T/broken" >/dev/null 2>"$T/err"
[ $? -eq 2 ] && [ "$(cat "$T/err")" = "$T/broken/targets.csv:2: column 'p_met': expected a number, got 'x'" ] &&
    ok "a malformed CSV: exit 2, file, line and column" || bad "malformed CSV" "$(cat "$T/err")"

echo "time labelled by period end"
# tiny.ini starts in January: years; a copy whose period ends are Junes (a
# start in July) is redrawn from its files with YYYY-MM labels.
# P(met by year) has a label for every year (issue 13: once none at all)
grep -q '<text>2021</text>' "$T/np/charts/fan_a.svg" && grep -q '<text>2024</text>' "$T/np/charts/fan_a.svg" &&
    grep -q '<text>2022</text>' "$T/np/charts/pmet.svg" && grep -q '<text>2023</text>' "$T/np/charts/pmet.svg" &&
    grep -q '<text>2024</text>' "$T/np/charts/pmet.svg" && grep -q 'by the end of 2024' "$T/np/charts/dist_b.svg" &&
    grep -q 'years 2022-2024 &middot; start 2022-01 &middot; known until 2021-12 &middot;' "$T/np/report.html" &&
    ok "a January start: charts labelled by year, report.html names start and known_until" ||
    bad "January labels"
cp -r "$T/np" "$T/july"
for f in projection.csv p_met_by_year.csv distribution.csv; do
    awk -F, -v OFS=, 'NR > 1 { $2 = ($1 + 1) "-06" } 1' "$T/np/$f" >"$T/july/$f"
done
"$BIN" plot "$T/july" >/dev/null 2>"$T/err" && charts_ok "$T/july" >/dev/null &&
    grep -q '<text>2022-06</text>' "$T/july/charts/fan_a.svg" && grep -q '<text>2025-06</text>' "$T/july/charts/fan_a.svg" &&
    grep -q 'new firms since the start of 2022-07 (cumulative)' "$T/july/charts/fan_b.svg" &&
    grep -q '<text>2023-06</text>' "$T/july/charts/pmet.svg" && grep -q '<text>2024-06</text>' "$T/july/charts/pmet.svg" &&
    grep -q '<text>2025-06</text>' "$T/july/charts/pmet.svg" && grep -q 'by the end of 2025-06' "$T/july/charts/dist_b.svg" &&
    ! grep -q '<text>2023</text>' "$T/july/charts/fan_a.svg" &&
    ok "a July start: every time axis labelled YYYY-MM by period end" || bad "July labels" "$(cat "$T/err")"

echo "fit and comparison charts (fixtures)"
cp -r tests/data/plot/fit "$T/fit" && cp -r tests/data/plot/compare "$T/cmp"
"$BIN" plot "$T/fit" >/dev/null 2>"$T/err" && png_ok "$T/fit/charts/fit_1.png" &&
    grep -q '省级专精特新中小企业 (SRDI): stock' "$T/fit/charts/fit_1.svg" && grep -q '<figure id="fit_1">' "$T/fit/report.html" &&
    ok "fit_1: observed, fitted, residuals" || bad "fit chart" "$(cat "$T/err")"
"$BIN" plot "$T/cmp" >/dev/null 2>"$T/err" && png_ok "$T/cmp/charts/compare.png" &&
    grep -q 'capital+gradient' "$T/cmp/charts/compare.svg" && grep -q '<figure id="compare">' "$T/cmp/report.html" &&
    ok "compare: baseline beside each policy" || bad "compare chart" "$(cat "$T/err")"

# a comparison run: one key entry per arm, by the scenario's label for it
"$BIN" compare tests/data/tiny.ini --all-policies -n 600 -o "$T/cmp2" -q >/dev/null 2>"$T/err" &&
    [ "$(grep -c '<text>push (test)</text>' "$T/cmp2/charts/compare.svg")" = 1 ] &&
    [ "$(grep -c '<text>a policy that changes nothing (for the paired comparison test)</text>' "$T/cmp2/charts/compare.svg")" = 1 ] &&
    [ "$(grep -c '<text>baseline</text>' "$T/cmp2/charts/compare.svg")" = 1 ] &&
    ! grep -q '<text>noop</text>' "$T/cmp2/charts/compare.svg" &&
    ok "compare: a key entry per arm, each by its label" || bad "compare key" "$(cat "$T/err")"

echo "chart data: what is drawn is what the CSVs say"
# A probe fan.gp prints the largest median of each panel into the files the
# real script would draw: the stock panel must show projection.csv's stock
# quantiles and the new-firms panel its new quantiles (they were swapped once).
mkdir -p "$T/probe" && cp plots/*.gp "$T/probe/"
cat >"$T/probe/fan.gp" <<'GP'
load meta
set datafile separator "\t"
do for [i = 1:n] {
    stats data index (i - 1) using 4 nooutput
    set print sprintf('fan_%s.png', name[i])
    print sprintf('%.0f', STATS_max)
    stats data index (i - 1) using 9 nooutput
    set print sprintf('fan_%s.svg', name[i])
    print sprintf('<svg xmlns="http://www.w3.org/2000/svg"><desc>%.0f</desc></svg>', STATS_max)
    unset print
}
GP
cp -r tests/data/plot/run "$T/probe_run"
TIERSIM_PLOTS="$T/probe" "$BIN" plot "$T/probe_run" >/dev/null 2>"$T/err"
want_stock=$(awk -F, '$2 == "a" && $3 == "stock" { if ($8 > m) m = $8 } END { print m }' "$T/probe_run/projection.csv")
want_new=$(awk -F, '$2 == "a" && $3 == "new" { if ($8 > m) m = $8 } END { print m }' "$T/probe_run/projection.csv")
[ "$(cat "$T/probe_run/charts/fan_a.png" 2>/dev/null)" = "$want_stock" ] &&
    [ "$(sed -n 's/.*<desc>\([0-9]*\)<.*/\1/p' "$T/probe_run/charts/fan_a.svg" 2>/dev/null)" = "$want_new" ] &&
    ok "fan chart: the stock panel draws the stock quantiles, the new panel the new ones" ||
    bad "fan chart data" "stock panel $(cat "$T/probe_run/charts/fan_a.png" 2>/dev/null) (want $want_stock), new panel $(cat "$T/probe_run/charts/fan_a.svg" 2>/dev/null) (want $want_new); $(cat "$T/err")"

echo "tiersim plot redraws a sensitivity directory"
"$BIN" sensitivity tests/data/tiny.ini --method tornado --inner 300 -o "$T/sens" -q >/dev/null 2>"$T/err" &&
    rm -rf "$T/sens/charts" && "$BIN" plot "$T/sens" >/dev/null 2>>"$T/err" &&
    [ -s "$T/sens/charts/tornado_a.png" ] && [ -s "$T/sens/charts/tornado_b.svg" ] &&
    ok "tornado charts redrawn from tornado.csv" || bad "plot on a sensitivity directory" "$(cat "$T/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
