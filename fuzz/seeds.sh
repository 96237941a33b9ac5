#!/bin/sh
# Seed corpora for `make fuzz`, written into DIR/{scenario,dist,history,decode,observed}:
# the scenario files, the history tables and the observed files of the
# project and its tests, every value written in a scenario (one file each),
# and for the decoder all of those files and each of its cases (marks,
# UTF-16, GB18030, full-width).  Run from the
# project root:  sh fuzz/seeds.sh build/fuzz/seeds
set -eu
out=${1:?usage: sh fuzz/seeds.sh DIR}
rm -rf "$out"
mkdir -p "$out/scenario" "$out/dist" "$out/history" "$out/decode" "$out/observed"
n=0
for f in scenarios/*.ini tests/data/*.ini tests/data/scenario/*.ini tests/data/scenario/*/*.ini; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    cp "$f" "$out/scenario/$n.ini"
done
for f in data/*.csv tests/data/*.csv tests/data/fit/*.csv; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    cp "$f" "$out/history/$n.csv"
done
cp "$out/scenario/"* "$out/history/"* "$out/decode/"
# GB18030 and ';'-separated versions of the history tables, for both readers.
for f in "$out/history/"*.csv; do
    sed 's/,/;/g' "$f" >"${f%.csv}-semicolon.csv"
done
for f in tests/data/zh-utf8.ini scenarios/qingdao.ini; do
    n=$((n + 1))
    iconv -f UTF-8 -t GB18030 "$f" >"$out/decode/gb$n" 2>/dev/null || true
done
i=0
for t in '\357\273\277[scenario]\r\n' '\377\376[\000s\000' '\376\377\000[' 'a\nb\000' \
         '\357\273\277label = \262\n' '\307\340\265\272\n\201\060\201\060' '\307\340\200' \
         'beta\357\274\210\062\357\274\214\061\070\357\274\211' '1,200\n' '12,345.5' \
         '\343\200\200\357\274\221\357\274\222\357\274\205'; do
    i=$((i + 1))
    printf "$t" >"$out/decode/case$i"
done
for f in tests/data/observed/*.csv tests/data/fit/*.csv; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    cp "$f" "$out/observed/$n.csv"
done
# The right-hand side of every `key = value` line, without its comment.
cat scenarios/*.ini tests/data/*.ini tests/data/scenario/*.ini |
    sed -n 's/^[^;#[]*=[ \t]*//p' | sed 's/[ \t][;#].*//; s/[ \t]*$//' | sort -u |
    while IFS= read -r v; do
        n=$((n + 1))
        printf '%s' "$v" >"$out/dist/$n"
    done
for v in '0.25' '35.8%' 'beta(2, 98)' 'uniform(2%, 6%)' 'normal(0.2, 0.05)' 'lognormal(3, 0.5)' \
         'triangular(10, 20, 40)' 'gamma(2, 15)' '-0' '1e-3' '1e308'; do
    n=$((n + 1))
    printf '%s' "$v" >"$out/dist/seed$n"
done
