#!/bin/sh
# Seed corpora for `make fuzz`, written into DIR/{scenario,dist,history,observed}:
# the scenario files, the history tables and the observed files of the
# project and its tests, and every value written in a scenario (one file each).  Run from the
# project root:  sh fuzz/seeds.sh build/fuzz/seeds
set -eu
out=${1:?usage: sh fuzz/seeds.sh DIR}
rm -rf "$out"
mkdir -p "$out/scenario" "$out/dist" "$out/history" "$out/observed"
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
