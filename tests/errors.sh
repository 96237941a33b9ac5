#!/bin/sh
# Every mistake of README.md's "Errors" tables, made for real: each case
# writes the bad input, runs tiersim and asserts the exit status, the exact
# one line on stderr, nothing on stdout and no output directory (not even a
# temporary one).  Then the README's tables are checked against the cases,
# both ways: every message the README shows was produced here verbatim, with
# its exit status, and every case here is in the README.
#   sh tests/errors.sh PATH/TO/tiersim
# The cases run in an empty directory, so messages name s.ini, h.csv, out.
set -u
# tiersim speaks the locale's language (--lang's default: LC_ALL, then
# LC_MESSAGES, then LANG): these tests read its English words.
case ${LC_ALL:-} in zh*) LC_ALL=C.UTF-8; export LC_ALL ;; esac
LC_MESSAGES=C; export LC_MESSAGES
BIN=${1:-./tiersim}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-err.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir "$T/w" && cd "$T/w" || exit 1
pass=0
fail=0
: >"$T/seen"

bad() { fail=$((fail + 1)); echo "  FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; }

# ec STATUS 'EXACT MESSAGE' ARGS...: runs tiersim ARGS in the work directory.
# With LIMIT_F=N the file size limit is N blocks (ulimit -f); with SIGNAL=SIG
# the run is sent SIG after a second; with STDOUT=FILE stdout goes there.
ec() {
    want_status=$1 want_msg=$2
    shift 2
    had_out=0
    [ -e out ] && had_out=1
    rm -f "$T/stdout"
    out_file=${STDOUT:-$T/stdout}
    if [ -n "${SIGNAL:-}" ]; then
        "$BIN" "$@" >"$out_file" 2>"$T/stderr" &
        pid=$!
        sleep 1
        kill -"$SIGNAL" "$pid"
        wait "$pid"
        status=$?
    elif [ -n "${LIMIT_F:-}" ]; then
        (ulimit -f "$LIMIT_F" && exec "$BIN" "$@") >"$out_file" 2>"$T/stderr"
        status=$?
    else
        "$BIN" "$@" >"$out_file" 2>"$T/stderr"
        status=$?
    fi
    got=$(cat "$T/stderr")
    printf '%s\t%s\n' "$status" "$got" >>"$T/seen"
    name="tiersim $*"
    if [ "$status" -ne "$want_status" ]; then
        bad "$name: exit status $status, want $want_status" "$got"
    elif [ "$got" != "$want_msg" ]; then
        bad "$name: message" "got:  $got
want: $want_msg"
    elif [ "$(wc -l <"$T/stderr")" -ne 1 ]; then
        bad "$name: $(wc -l <"$T/stderr") lines on stderr, want 1"
    elif [ -s "$T/stdout" ] && [ -z "${STDOUT:-}" ]; then
        bad "$name: wrote to stdout" "$(head -3 "$T/stdout")"
    elif [ $had_out = 0 ] && [ -e out ]; then
        bad "$name: left an output directory"
    elif ls | grep -q '\.tmp-'; then
        bad "$name: left a temporary directory"
    else
        pass=$((pass + 1))
    fi
}

# scen 'TEXT': s.ini is the head below (lines 1-6) followed by TEXT from
# line 7 (\n separates lines).
HEAD='[scenario]
name = s
start_year = 2022
end_year = 2025
[tier a]
stock = 137
'
scen() { printf '%s%b\n' "$HEAD" "$1" >s.ini; }
# file NAME 'TEXT': any file, \n separating lines.
file() { printf '%b' "$2" >"$1"; }

echo "scenario files: syntax"
scen 'stock 12'
ec 2 "s.ini:7: malformed line (expected '[section]', 'key = value' or a comment)" run s.ini -o out
{ printf '%s' "$HEAD"; printf 'label = '; head -c 4100 /dev/zero | tr '\0' x; printf '\n'; } >s.ini
ec 2 's.ini:7: line longer than 4096 characters' run s.ini -o out
{ printf '%s' "$HEAD"; printf 'label = a\000b\n'; } >s.ini
ec 2 's.ini:7: NUL byte in the file (saved as UTF-16, or not text): save it as UTF-8' run s.ini -o out
file s.ini 'name = s\n[scenario]\n'
ec 2 "s.ini:1: key 'name' before any section" run s.ini -o out
scen '[tiers b]'
ec 2 's.ini:7: unknown section [tiers b] (expected scenario, tier NAME, transition A -> B, target NAME, policy NAME, event NAME, set, member NAME or shared PARAMETER)' run s.ini -o out
scen '[tier]'
ec 2 's.ini:7: [tier] needs a name' run s.ini -o out
scen '[tier 2b]'
ec 2 "s.ini:7: [tier 2b]: names are letters, digits and '_' (not starting with a digit, at most 63 characters)" run s.ini -o out
scen '[transition a b]'
ec 2 "s.ini:7: [transition a b]: expected 'transition FROM -> TO'" run s.ini -o out
scen '[tier a]'
ec 2 's.ini:7: duplicate section [tier a] (first at line 5)' run s.ini -o out
scen 'stock = 138'
ec 2 "s.ini:7: duplicate key 'stock' in [tier a] (first at line 6)" run s.ini -o out
scen 'stok = 3'
ec 2 "s.ini:7: tier 'a': stok: unknown key (expected label, stock, inflow, inflow_growth, inflow_dispersion, inflow_quota, exit, validity, renewal, expire_to, stock_cohorts, cumulative_start)" run s.ini -o out
scen 'inflow_growth_rate_per_year_for_the_planning_horizon_of_the_city_plan = 5%'
ec 2 "s.ini:7: tier 'a': key 'inflow_growth_rate_per_y...' is longer than 63 characters" run s.ini -o out
{ printf '%s[policy p]\n' "$HEAD"; i=0; while [ $i -lt 65 ]; do echo 'scale = a.inflow : 1.1'; i=$((i + 1)); done; } >s.ini
ec 2 "s.ini:72: policy 'p': more than 64 keys in one section" run s.ini -o out

echo "scenario files: sections and limits"
file s.ini '[tier a]\nstock = 137\n'
ec 2 's.ini: missing section [scenario]' run s.ini -o out
file s.ini '[scenario]\nname = s\nstart_year = 2022\nend_year = 2025\n'
ec 2 's.ini: no [tier NAME] section' run s.ini -o out
file s.ini '[scenario]\nstart_year = 2022\nend_year = 2025\n[tier a]\n'
ec 2 "s.ini:1: [scenario]: missing key 'name'" run s.ini -o out
{ printf '%s' "$HEAD"; i=1; while [ $i -le 256 ]; do echo "[tier t$i]"; i=$((i + 1)); done; } >s.ini
ec 2 "s.ini:262: tier 't256': more than 256 tiers" run s.ini -o out
{ printf '%s' "$HEAD"; i=0; while [ $i -lt 33 ]; do echo "[tier t$i]"; i=$((i + 1)); done
  n=0; a=0; while [ $a -lt 33 ]; do b=0; while [ $b -lt 33 ]; do
      [ $a -ne $b ] && [ $n -le 1024 ] && { printf '[transition t%d -> t%d]\nrate = 0.01\n' $a $b; n=$((n + 1)); }
      b=$((b + 1)); done; a=$((a + 1)); done; } >s.ini
ec 2 "s.ini:2088: transition 't32 -> t0': more than 1024 transitions" run s.ini -o out
{ printf '%s' "$HEAD"; i=0; while [ $i -le 64 ]; do printf '[policy p%d]\nscale = a.inflow : 1.1\n' $i; i=$((i + 1)); done; } >s.ini
ec 2 "s.ini:135: policy 'p64': more than 64 policies" run s.ini -o out

echo "scenario files: [scenario]"
file s.ini '[scenario]\nname = my/plan\n[tier a]\n'
ec 2 "s.ini:2: [scenario]: name: a name is letters, digits, '_', '-' and '.' (not starting with '.' or '-'), at most 63 characters" run s.ini -o out
file s.ini '[scenario]\nname = s\nstart_year = 2022.5\nend_year = 2025\n[tier a]\n'
ec 2 "s.ini:3: [scenario]: start_year: expected a year (a whole number from 1000 to 9999)" run s.ini -o out
file s.ini '[scenario]\nname = s\nstart_year = 2022\nend_year = 2021\n[tier a]\n'
ec 2 's.ini:4: [scenario]: end_year 2021 is before start_year 2022' run s.ini -o out
file s.ini '[scenario]\nname = s\nstart_year = 2022\nend_year = 2300\n[tier a]\n'
ec 2 's.ini:4: [scenario]: more than 200 years from start_year to end_year' run s.ini -o out
file s.ini '[scenario]\nname = s\nstart_year = 2022\nend_year = 2025\nreplications = 0\n[tier a]\n'
ec 2 's.ini:5: [scenario]: replications: expected a whole number from 1 to 1000000000' run s.ini -o out
file s.ini '[scenario]\nname = s\nstart_year = 2022\nend_year = 2025\nseed = -1\n[tier a]\n'
ec 2 's.ini:5: [scenario]: seed: expected a whole number from 0 to 18446744073709551615' run s.ini -o out

echo "scenario files: inheritance"
file s.ini '[scenario]\nbase = nowhere.ini\n'
ec 2 "s.ini:2: base 'nowhere.ini': cannot read: No such file or directory" run s.ini -o out
file s.ini '[scenario]\nbase =\n'
ec 2 's.ini:2: base: expected a file name' run s.ini -o out
file s.ini '[scenario]\nbase = t.ini\n'
file t.ini '[scenario]\nbase = s.ini\n'
ec 2 "t.ini:2: base 's.ini': inheritance cycle" run s.ini -o out
i=0
while [ $i -lt 17 ]; do file "d$i.ini" "[scenario]\nbase = d$((i + 1)).ini\n"; i=$((i + 1)); done
printf '%s' "$HEAD" >d17.ini
ec 2 "d16.ini:2: base 'd17.ini': more than 16 levels of inheritance" run d0.ini -o out
rm -f d*.ini t.ini

echo "scenario files: values"
scen 'exit = 1.2'
ec 2 "s.ini:7: tier 'a': exit: 1.2 is above 1" run s.ini -o out
scen 'inflow = -3'
ec 2 "s.ini:7: tier 'a': inflow: -3 is below 0" run s.ini -o out
scen 'inflow_growth = -100%'
ec 2 "s.ini:7: tier 'a': inflow_growth: -1 is not above -1" run s.ini -o out
scen 'inflow = about 60'
ec 2 "s.ini:7: tier 'a': inflow: expected a number, got 'about 60'" run s.ini -o out
scen 'inflow = nan'
ec 2 "s.ini:7: tier 'a': inflow: expected a number, got 'nan'" run s.ini -o out
scen 'inflow = 0x1p4'
ec 2 "s.ini:7: tier 'a': inflow: expected a number, got '0x1p4'" run s.ini -o out
scen 'inflow = 1e400'
ec 2 "s.ini:7: tier 'a': inflow: number '1e400' is too large" run s.ini -o out
scen 'inflow ='
ec 2 "s.ini:7: tier 'a': inflow: empty value" run s.ini -o out
scen '[tier b]\nstock = 3.5'
ec 2 "s.ini:8: tier 'b': stock: 3.5 is not a whole number of firms" run s.ini -o out
scen '[tier b]\nstock = 1e19'
ec 2 "s.ini:8: tier 'b': stock: 1e+19 is above 2^62" run s.ini -o out
scen 'exit = Beta(2, 98)'
ec 2 "s.ini:7: tier 'a': exit: unknown distribution 'Beta'; did you mean 'beta'?" run s.ini -o out
scen 'exit = binomial(2, 98)'
ec 2 "s.ini:7: tier 'a': exit: unknown distribution 'binomial'" run s.ini -o out
scen 'exit = beta(2)'
ec 2 "s.ini:7: tier 'a': exit: beta takes 2 arguments, got 1" run s.ini -o out
scen 'exit = beta(2, 98'
ec 2 "s.ini:7: tier 'a': exit: missing ')'" run s.ini -o out
scen 'exit = beta(2, 98) per year'
ec 2 "s.ini:7: tier 'a': exit: unexpected 'per year' after ')'" run s.ini -o out
scen 'exit = beta(0, 98)'
ec 2 "s.ini:7: tier 'a': exit: beta needs a > 0, got 0" run s.ini -o out
scen 'exit = beta(2e-7, 98)'
ec 2 "s.ini:7: tier 'a': exit: beta needs a and b at least 1e-6, got 2e-07" run s.ini -o out
scen 'exit = beta(2000000, 98)'
ec 2 "s.ini:7: tier 'a': exit: beta needs a + b at most 1e6, got 2000098" run s.ini -o out
scen 'exit = uniform(0.3, 0.2)'
ec 2 "s.ini:7: tier 'a': exit: uniform needs lo < hi, got 0.3 and 0.2" run s.ini -o out
scen 'exit = uniform(0.3, 1.2)'
ec 2 "s.ini:7: tier 'a': exit: uniform(0.3, 1.2) reaches above 1" run s.ini -o out
scen 'exit = normal(0.05, 0)'
ec 2 "s.ini:7: tier 'a': exit: normal needs sd > 0, got 0" run s.ini -o out
scen 'exit = normal(-0.5, 0.1)'
ec 2 "s.ini:7: tier 'a': exit: normal(-0.5, 0.1) has less than 0.1% of its mass inside [0, 1]" run s.ini -o out
scen 'inflow = normal(2385, 1e-13)'
ec 2 "s.ini:7: tier 'a': inflow: normal's sd 1e-13 is too small for its mean 2385 (mean + sd is the mean)" run s.ini -o out
scen 'exit = lognormal(-3, 0.5)'
ec 2 "s.ini:7: tier 'a': exit: lognormal is unbounded above; use beta or a truncated normal for a probability" run s.ini -o out
scen 'exit = triangular(0.1, 0.4, 0.3)'
ec 2 "s.ini:7: tier 'a': exit: triangular needs lo <= mode <= hi, got mode 0.4 outside [0.1, 0.3]" run s.ini -o out
scen 'inflow = gamma(0, 2)'
ec 2 "s.ini:7: tier 'a': inflow: gamma needs shape > 0, got 0" run s.ini -o out
scen 'inflow_dispersion = fit'
ec 2 "s.ini:7: tier 'a': inflow_dispersion: only stock, inflow, inflow_growth, exit, renewal, rate and move can be fitted" run s.ini -o out
scen 'exit = fit(beta(2, 98)) x'
ec 2 "s.ini:7: tier 'a': exit: expected 'fit' or 'fit(PRIOR)'" run s.ini -o out
scen 'inflow = fit'
ec 2 "s.ini:7: tier.a.inflow is written 'fit': run \`tiersim fit s.ini HISTORY.csv\` and then its fitted.ini, or pass --history HISTORY.csv" run s.ini -o out

echo "scenario files: transitions, targets, policies"
scen '[transition a -> zz]\nrate = 0.1'
ec 2 "s.ini:7: transition 'a -> zz': unknown tier 'zz'" run s.ini -o out
scen '[transition a -> a]\nrate = 0.1'
ec 2 "s.ini:7: transition 'a -> a': a tier cannot be promoted into itself" run s.ini -o out
scen '[tier b]\n[transition a -> b]\nkeep = yes'
ec 2 "s.ini:8: transition 'a -> b': missing key 'rate'" run s.ini -o out
scen '[tier b]\n[transition a -> b]\nrate = 0.1\nkeep = maybe'
ec 2 "s.ini:10: transition 'a -> b': keep: expected yes or no" run s.ini -o out
scen '[tier b]\n[transition a -> b]\nrate = 0.1\nquota = 2.5'
ec 2 "s.ini:10: transition 'a -> b': quota: 2.5 is not a whole number of firms" run s.ini -o out
scen '[tier b]\n[tier c]\n[transition a -> b]\nrate = 0.7\n[transition a -> c]\nrate = uniform(0.3, 0.7)'
ec 2 "s.ini:5: tier 'a': outgoing transition rates sum to 1.2 at their means (above 1)" run s.ini -o out
scen '[target zz]\nnew = 100'
ec 2 "s.ini:7: target 'zz': unknown tier 'zz'" run s.ini -o out
scen '[target a]\ntolerance = 10%'
ec 2 "s.ini:7: target 'a': missing key 'new', 'stock' or 'cumulative'" run s.ini -o out
scen '[target a]\nnew = about 2000'
ec 2 "s.ini:8: target 'a': new: expected a number of firms" run s.ini -o out
scen '[target a]\nnew = 0'
ec 2 "s.ini:8: target 'a': new: a target is a number of firms above 0 (and below 2^62)" run s.ini -o out
scen '[target a]\nnew = 100\ntolerance = 100%'
ec 2 "s.ini:9: target 'a': tolerance: a tolerance is at least 0 and below 100%" run s.ini -o out
scen '[tier b]\n[target ab]\ntiers = a, zz\nnew = 300'
ec 2 "s.ini:9: target 'ab': tiers: unknown tier 'zz'" run s.ini -o out
scen '[tier b]\n[target ab]\ntiers = a, b, a\nnew = 300'
ec 2 "s.ini:9: target 'ab': tiers: tier 'a' is listed twice" run s.ini -o out
scen '[tier b]\n[target ab]\ntiers =\nnew = 300'
ec 2 "s.ini:9: target 'ab': tiers: expected one or more tier names, comma-separated" run s.ini -o out
scen '[tier b]\n[target ab]\ntiers = a,,b\nnew = 300'
ec 2 "s.ini:9: target 'ab': tiers: an empty name in the list (expected tier names, comma-separated)" run s.ini -o out
scen '[tier b]\n[target ab]\ntiers = a b\nnew = 300'
ec 2 "s.ini:9: target 'ab': tiers: 'a b' is not a tier name" run s.ini -o out
scen '[tier b]\n[target a]\ntiers = a, b\nnew = 300'
ec 2 "s.ini:9: target 'a': tiers: 'a' is a tier's name: a target on other tiers needs a name of its own" run s.ini -o out
scen '[tier b]\n[target ALL]\ntiers = a, b\nnew = 300'
ec 2 "s.ini:9: target 'ALL': tiers: 'ALL' names the row of every target met together: a target needs another name" run s.ini -o out
scen '[policy p]\nlabel = support'
ec 2 "s.ini:7: policy 'p': missing key 'scale'" run s.ini -o out
scen '[policy p]\nscale = a.inflow 1.2'
ec 2 "s.ini:8: policy 'p': scale: 'a.inflow 1.2': expected 'FROM -> TO : factor', 'TIER.inflow : factor' or 'TIER.exit : factor'" run s.ini -o out
scen '[policy p]\nscale = a -> b : 1.2'
ec 2 "s.ini:8: policy 'p': scale: no transition 'a -> b' in the scenario" run s.ini -o out
scen '[policy p]\nscale = zz.inflow : 1.2'
ec 2 "s.ini:8: policy 'p': scale: unknown tier 'zz'" run s.ini -o out
scen '[policy p]\nscale = a.inflow : 1.2, a.inflow : 1.3'
ec 2 "s.ini:8: policy 'p': scale: 'a.inflow' is scaled twice" run s.ini -o out
scen '[policy p]\nscale = a.inflow : -1.2'
ec 2 "s.ini:8: policy 'p': scale: 'a.inflow': -1.2 is below 0" run s.ini -o out
scen '[policy p]\nfrom = 2030\nscale = a.inflow : 1.2'
ec 2 "s.ini:8: policy 'p': from: the year is outside start_year .. end_year" run s.ini -o out
scen '[policy p]\nfrom = 2024\nuntil = 2023\nscale = a.inflow : 1.2'
ec 2 "s.ini:9: policy 'p': until: 'from' is after 'until'" run s.ini -o out

echo "scenario files: dates, certificates, values by year, events"
D='[scenario]\nname = s\nstart_year = 2022\nend_year = 2025\n'
file s.ini "${D}start = 2022-13\n[tier a]\n"
ec 2 's.ini:5: [scenario]: start: month 13 is not from 01 to 12' check s.ini
file s.ini "${D}known_until = 2022-00\n[tier a]\n"
ec 2 's.ini:5: [scenario]: known_until: month 00 is not from 01 to 12' check s.ini
file s.ini "${D}start = 2022-7\n[tier a]\n"
ec 2 "s.ini:5: [scenario]: start: expected YYYY-MM, got '2022-7'" check s.ini
file s.ini "${D}start = 2023-07\n[tier a]\n"
ec 2 's.ini:5: [scenario]: start: 2023-07 is not in start_year 2022' check s.ini
for v in 0 2.5 -1 51; do
    scen "validity = $v"
    ec 2 "s.ini:7: tier 'a': validity: expected a whole number of years from 1 to 50" check s.ini
done
scen 'renewal = 0.8'
ec 2 "s.ini:7: tier 'a': renewal: needs validity" check s.ini
scen 'renewal@2024 = 0.8'
ec 2 "s.ini:7: tier 'a': renewal@2024: needs validity" check s.ini
scen 'expire_to = b\n[tier b]'
ec 2 "s.ini:7: tier 'a': expire_to: needs validity" check s.ini
scen 'stock_cohorts = 40, 97'
ec 2 "s.ini:7: tier 'a': stock_cohorts: needs validity" check s.ini
scen 'validity = 3\nrenewal = 1.2'
ec 2 "s.ini:8: tier 'a': renewal: 1.2 is above 1" check s.ini
scen 'validity = 3\nexpire_to = a'
ec 2 "s.ini:8: tier 'a': expire_to: a tier cannot expire into itself" check s.ini
scen 'validity = 3\nexpire_to = zz'
ec 2 "s.ini:8: tier 'a': expire_to: unknown tier 'zz'" check s.ini
scen 'validity = 3\nstock_cohorts = 40, 50, 40'
ec 2 "s.ini:8: tier 'a': stock_cohorts: the cohorts sum to 130, the stock is 137" check s.ini
scen 'validity = 3\nstock_cohorts = 40, 50, 40, 7'
ec 2 "s.ini:8: tier 'a': stock_cohorts: 4 cohorts, more than validity 3" check s.ini
scen 'validity = 3\nstock_cohorts = 40, 50.5, 46.5'
ec 2 "s.ini:8: tier 'a': stock_cohorts: 50.5 is not a whole number of firms (with a fixed stock the cohorts are counts)" check s.ini
scen 'validity = 3\nstock_cohorts = 40, -3, 100'
ec 2 "s.ini:8: tier 'a': stock_cohorts: expected numbers from 0 to 2^62, comma-separated; got '-3'" check s.ini
scen '[tier b]\nstock = uniform(10, 20)\nvalidity = 2\nstock_cohorts = 0, 0'
ec 2 "s.ini:10: tier 'b': stock_cohorts: the proportions are all 0" check s.ini
scen 'inflow_quota = -3'
ec 2 "s.ini:7: tier 'a': inflow_quota: -3 is below 0" check s.ini
scen 'cumulative_start = 9.5'
ec 2 "s.ini:7: tier 'a': cumulative_start: expected a whole number of firms from 0 to 4611686018427387904" check s.ini
scen 'inflow@20x4 = 30'
ec 2 "s.ini:7: tier 'a': inflow@20x4: '20x4' is not a year" check s.ini
scen 'inflow@2022 = 30'
ec 2 "s.ini:7: tier 'a': inflow@2022: the year must be after start_year (2022) and at most end_year (2025)" check s.ini
scen 'stock@2024 = 150'
ec 2 "s.ini:7: tier 'a': stock@2024: stock takes no @YEAR" check s.ini
scen 'inflow@2024 = 30\ninflow@2024 = 40'
ec 2 "s.ini:8: duplicate key 'inflow@2024' in [tier a] (first at line 7)" check s.ini
scen '[tier b]\n[tier c]\n[transition a -> b]\nrate = 0.5\nrate@2024 = 0.7\n[transition a -> c]\nrate = 0.4'
ec 2 "s.ini:5: tier 'a': outgoing transition rates sum to 1.1 at their means in 2024 (above 1)" check s.ini
scen '[tier b]\n[event e]\nyear = 2026\nmove = a -> b : 0.5'
ec 2 "s.ini:9: event 'e': year: the year is outside start_year .. end_year" check s.ini
scen '[event e]\nyear = 2023'
ec 2 "s.ini:7: event 'e': missing key 'move'" check s.ini
scen '[event e]\nyear = 2023\nmove = a -> zz : 0.5'
ec 2 "s.ini:9: event 'e': move: unknown tier 'zz'" check s.ini
scen '[event e]\nyear = 2023\nmove = a -> a : 0.5'
ec 2 "s.ini:9: event 'e': move: 'a -> a': a tier cannot move into itself" check s.ini
scen '[tier b]\n[event e]\nyear = 2023\nmove = a -> b : 1.2'
ec 2 "s.ini:10: event 'e': move: 'a -> b': 1.2 is above 1" check s.ini
scen '[tier b]\n[tier c]\n[event e]\nyear = 2023\nmove = a -> b : 0.7, a -> c : beta(4, 6)'
ec 2 "s.ini:9: event 'e': the moves out of 'a' sum to 1.1 at their means (above 1)" check s.ini
scen '[tier b]\n[event e]\nyear = 2023\nmove = a -> b : 0.5\nmove = a->b : 0.1'
ec 2 "s.ini:11: event 'e': move: 'a->b' is moved twice" check s.ini
scen '[tier b]\n[event e]\nyear = 2023\nmove = a b : 0.5'
ec 2 "s.ini:10: event 'e': move: 'a b : 0.5': expected 'FROM -> TO : fraction'" check s.ini
{ printf '%s[tier b]\n' "$HEAD"; i=0; while [ $i -le 256 ]; do printf '[event e%d]\nyear = 2023\nmove = a -> b : 0.001\n' $i; i=$((i + 1)); done; } >s.ini
ec 2 "s.ini:776: event 'e256': more than 256 events" check s.ini
scen '[target a]\ncumulative = 0'
ec 2 "s.ini:8: target 'a': cumulative: a target is a number of firms above 0 (and below 2^62)" check s.ini

echo "scenario files: files"
ec 2 'nope.ini: cannot read: No such file or directory' run nope.ini -o out
mkdir dir.ini
ec 2 'dir.ini: cannot read: Is a directory' run dir.ini -o out
rmdir dir.ini

echo "history tables"
file s.ini '[scenario]\nname = s\nstart_year = 2022\nend_year = 2025\n[tier a]\nstock = 500\ninflow = fit\nexit = fit(beta(2, 30))\n'
H='year,tier,measure,value\n'
ec 2 'h.csv: cannot read: No such file or directory' fit s.ini h.csv -o out
file h.csv "${H}2021,a,stock,\"48\"0\n"
ec 2 'h.csv:2: malformed CSV (error parsing data while strict checking enabled)' fit s.ini h.csv -o out
file h.csv ''
ec 2 'h.csv: empty (expected a header year,tier,measure,value)' fit s.ini h.csv -o out
file h.csv "$H"
ec 2 'h.csv: no data rows' fit s.ini h.csv -o out
file h.csv 'year,tier,value\n2021,a,480\n'
ec 2 "h.csv:1: missing column 'measure' (the header needs year,tier,measure,value and may have sd, source)" fit s.ini h.csv -o out
file h.csv 'year,tier,measure,value,value\n2021,a,stock,480,481\n'
ec 2 "h.csv:1: column 'value' appears twice" fit s.ini h.csv -o out
file h.csv "${H}2021,a\n"
ec 2 'h.csv:2: expected at least 4 fields, got 2' fit s.ini h.csv -o out
file h.csv "${H}mid-2021,a,stock,480\n"
ec 2 "h.csv:2: year: expected a date YYYY-MM or a year YYYY, got 'mid-2021'" fit s.ini h.csv -o out
file h.csv "${H}2021-13,a,stock,480\n"
ec 2 "h.csv:2: year: expected a date YYYY-MM or a year YYYY, got '2021-13'" fit s.ini h.csv -o out
file h.csv "${H}2026,a,stock,480\n"
ec 2 "h.csv:2: 2026 is 12 months from the nearest period end (2025-12); history dates run from 1992-06 to 2026-06 (six months around the period ends of the update years 1992 .. 2025)" fit s.ini h.csv -o out
file h.csv "${H}2022,a,stock,480\n"
ec 2 "h.csv:2: 2022 is after known_until 2021-12: later outcomes belong in an observed file for \`tiersim validate\`, not in the history" fit s.ini h.csv -o out
file h.csv "${H}2021-06,a,stock,480\n2021-09,a,stock,481\n"
ec 2 "h.csv:3: 2021-09 a stock and line 2's 2021-06 fall on the same period end 2021-12 (one row per period)" fit s.ini h.csv -o out
file h.csv 'year,tier,as_of,measure,value\n2021,a,2021-12,stock,480\n'
ec 2 "h.csv:1: columns 'year' and 'as_of' both give the date: keep one" fit s.ini h.csv -o out
file h.csv 'tier,measure,value\na,stock,480\n'
ec 2 "h.csv:1: missing column 'year' or 'as_of' (the header needs year,tier,measure,value and may have sd, source)" fit s.ini h.csv -o out
file h.csv "${H}2021,a,expired,48\n"
ec 2 "h.csv:2: tier 'a' has no validity, so nothing expired: its certificates are never re-reviewed" fit s.ini h.csv -o out
file h.csv "${H}2021,srdi,stock,480\n"
ec 2 "h.csv:2: unknown tier 'srdi'" fit s.ini h.csv -o out
file h.csv "${H}2021,a,entries,60\n"
ec 2 "h.csv:2: unknown measure 'entries' (expected stock, new, exits, expired, renewed, moved_in or cumulative)" fit s.ini h.csv -o out
file h.csv "${H}2021,a,stock,\"4,800 firms\"\n"
ec 2 "h.csv:2: value: expected a number of firms >= 0, got '4,800 firms'" fit s.ini h.csv -o out
file h.csv 'year,tier,measure,value,sd\n2021,a,stock,480,0\n'
ec 2 "h.csv:2: sd: expected a number above 0, got '0'" fit s.ini h.csv -o out
file h.csv "${H}2021,a,stock,480\n2021,a,new,60\n2021,a,stock,481\n"
ec 2 'h.csv:4: 2021 a stock is given twice (first at line 2)' fit s.ini h.csv -o out
file h.csv "${H}2021,a,st\000ck,480\n"
ec 2 'h.csv:2: NUL byte in the file (saved as UTF-16, or not text): save it as UTF-8' fit s.ini h.csv -o out
{ printf 'year,tier,measure,value'; i=0; while [ $i -lt 253 ]; do printf ',x'; i=$((i + 1)); done; printf '\n2021,a,stock,480\n'; } >h.csv
ec 2 'h.csv:1: more than 256 fields' fit s.ini h.csv -o out
file h.csv "${H}2021,a,stock,480\n"
ec 2 'h.csv: no history row can be fitted: every row is a stock or cumulative at 2021-12, the level the fit starts from; add rows dated after it' fit s.ini h.csv -o out
ec 2 'h.csv: no history row can be fitted: every row is a stock or cumulative at 2021-12, the level the fit starts from; add rows dated after it' run s.ini --history h.csv -o out
file h.csv "${H}2019,a,new,48\n2020,a,new,50\n"
ec 2 'h.csv: no history row can be fitted: every row depends on levels not known at the start of its year (the first, line 2: 2019-12 a new); add the stocks, at the end of the year before, of the tiers they depend on' fit s.ini h.csv -o out
rm -f h.csv

echo "encodings, separators, full-width forms"
printf '\377\376[\000s\000c\000' >s.ini
ec 2 's.ini: saved as UTF-16 (it starts with FF FE): save it as UTF-8' run s.ini -o out
{ printf '\357\273\277%s' "$HEAD"; printf 'label = \262\n'; } >s.ini
ec 2 's.ini:7: not valid UTF-8 (byte 0xB2), though the file starts with a UTF-8 byte-order mark' run s.ini -o out
{ printf '%s' "$HEAD"; printf 'label = \307\340 \200\n'; } >s.ini
ec 2 's.ini:7: neither UTF-8 nor GB18030 (byte 0x80): save it as UTF-8' run s.ini -o out
file s.ini '[scenario]\nname = s\nstart_year = 2022\nend_year = 2025\n[tier a]\nstock = 500\ninflow = fit\nexit = fit(beta(2, 30))\n'
printf '\377\376y\000e\000a\000r\000' >h.csv
ec 2 'h.csv: saved as UTF-16 (it starts with FF FE): save it as UTF-8' fit s.ini h.csv -o out
file h.csv 'year,tier;measure,value\n2021,a,stock,480\n'
ec 2 "h.csv:1: the header has both ',' and ';' outside quotes: which separates the columns? save it with one of them" fit s.ini h.csv -o out
file h.csv "${H}2021,a,stock,\"1,20\"\n"
ec 2 "h.csv:2: value: '1,20': ',' separates thousands in groups of three digits (1,200); write the number without it" fit s.ini h.csv -o out
file h.csv 'year;tier;measure;value\n2021;a;stock;1,200\n'
ec 2 "h.csv:2: value: '1,200' has a ',' in a file separated by ';': a decimal comma or a thousands separator? write it with '.' for decimals and no ','" fit s.ini h.csv -o out
rm -f h.csv

echo "region sets"
file a.ini '[scenario]\nname = a\nstart_year = 2023\nend_year = 2025\n[tier srdi]\nstock = 100\ninflow = 20\n[tier lg]\nstock = 10\n[transition srdi -> lg]\nrate = beta(2, 38)\n'
file late.ini '[scenario]\nname = late\nstart_year = 2023\nstart = 2023-07\nend_year = 2025\n[tier lg]\n'
file bad.ini '[scenario]\nname = bad\nstart_year = 2023\nend_year = 2025\n[tier x]\nexit = 2\n'
SET='[set]\nname = ab\n[member a]\nscenario = a.ini\n'
file set.ini "${SET}[member bad]\nscenario = bad.ini\n"
ec 2 "set.ini:5: member 'bad': bad.ini:6: tier 'x': exit: 2 is above 1" batch set.ini -o out
file set.ini "${SET}[member b]\nscenario = b.ini\n"
ec 2 "set.ini:5: member 'b': b.ini: cannot read: No such file or directory" batch set.ini -o out
file set.ini "${SET}[member late]\nscenario = late.ini\n"
ec 2 "set.ini:5: member 'late': starts 2023-07 and ends with update year 2025, member 'a' starts 2023-01 and ends with 2025: the members of a set share start, start_year and end_year" batch set.ini -o out
file set.ini "${SET}[shared tier.q.exit]\nvalue = 0.1\n"
ec 2 "set.ini:5: shared 'tier.q.exit': no member has this parameter (\`tiersim check MEMBER.ini --params\` lists a member's)" batch set.ini -o out
file set.ini "${SET}[shared transition.srdi->lg.rate]\nvalue = 1.5\n"
ec 2 "set.ini:6: shared 'transition.srdi->lg.rate': value: 1.5 is above 1" batch set.ini -o out
file set.ini "${SET}[shared transition.srdi->lg.rate]\nvalue = fit\n"
ec 2 "set.ini:6: shared 'transition.srdi->lg.rate': value: a set's values are drawn, not fitted (fit each member's scenario)" batch set.ini -o out
file set.ini "${SET}[target unicorn]\nnew = 3\n"
ec 2 "set.ini:5: target 'unicorn': no member has a tier 'unicorn'" batch set.ini -o out
file set.ini "${SET}[tier x]\nstock = 3\n"
ec 2 "set.ini:5: tier 'x': a set file holds [set], [member NAME], [shared PARAMETER] and [target NAME] sections only (a member's own go in its scenario)" batch set.ini -o out
file set.ini '[set]\nname = ab\n'
ec 2 'set.ini: no [member NAME] section' batch set.ini -o out
file set.ini "${SET}[member c]\n"
ec 2 "set.ini:5: member 'c': missing key 'scenario'" batch set.ini -o out
file set.ini "${SET}[member i]\nscenario = set.ini\n"
ec 2 "set.ini:5: member 'i': set.ini is a set; a member is a scenario" batch set.ini -o out
scen 'inflow = 20\n[member a]\nscenario = a.ini'
ec 2 "s.ini:8: member 'a': belongs in a set file (one with [set] instead of [scenario])" run s.ini -o out
scen 'inflow = 20'
ec 2 's.ini: a scenario, not a set (a set starts with [set]): tiersim run simulates a scenario' batch s.ini -o out
file set.ini "$SET"
ec 2 "set.ini: no member has a policy 'push' (the members' policies: none)" batch set.ini --policy push -o out
ec 2 'set.ini: a region set is not fitted: fit each member'"'"'s scenario with its own history, then make the set of the fitted scenarios' fit set.ini h.csv -o out
rm -f a.ini late.ini bad.ini set.ini

echo "observed files"
scen 'inflow = 20'
O='as_of,tier,measure,value\n'
ec 2 'o.csv: cannot read: No such file or directory' validate s.ini o.csv -o out
file o.csv "${O}2023,a,stock,\"15\"0\n"
ec 2 'o.csv:2: malformed CSV (error parsing data while strict checking enabled)' validate s.ini o.csv -o out
file o.csv ''
ec 2 'o.csv: empty (expected a header as_of,tier,measure,value)' validate s.ini o.csv -o out
file o.csv "$O"
ec 2 'o.csv: no data rows' validate s.ini o.csv -o out
file o.csv 'year,tier,measure,value\n2023,a,stock,150\n'
ec 2 "o.csv:1: missing column 'as_of' (the header needs as_of,tier,measure,value and may have source)" validate s.ini o.csv -o out
file o.csv 'as_of,tier,measure,value,value\n2023,a,stock,150,151\n'
ec 2 "o.csv:1: column 'value' appears twice" validate s.ini o.csv -o out
file o.csv "${O}2023,a\n"
ec 2 'o.csv:2: expected at least 4 fields, got 2' validate s.ini o.csv -o out
file o.csv "${O}2023H1,a,stock,150\n"
ec 2 "o.csv:2: as_of: expected a date YYYY-MM or a year YYYY, got '2023H1'" validate s.ini o.csv -o out
file o.csv "${O}2027,a,stock,150\n"
ec 2 'o.csv:2: 2027 is 24 months from the nearest period end (2025-12); observed dates run from 2021-06 to 2026-06 (six months around the start, 2021-12, and the period ends of the update years 2022 .. 2025)' validate s.ini o.csv -o out
file o.csv "${O}2021-12,a,new,3\n"
ec 2 "o.csv:2: 2021-12 falls on the start (2021-12), where only a stock can be observed, not 'new'" validate s.ini o.csv -o out
file o.csv "${O}2023,srdi,stock,150\n"
ec 2 "o.csv:2: unknown tier 'srdi'" validate s.ini o.csv -o out
file o.csv "${O}2023,a,entries,60\n"
ec 2 "o.csv:2: unknown measure 'entries' (expected stock, new, cumulative, inflow, promoted_in, exits, expired, renewed or moved_in)" validate s.ini o.csv -o out
file o.csv "${O}2023,a,expired,4\n"
ec 2 "o.csv:2: tier 'a' has no validity, so nothing expired: its certificates are never re-reviewed" validate s.ini o.csv -o out
file o.csv "${O}2023,a,stock,\"48,00\"\n"
ec 2 "o.csv:2: value: '48,00': ',' separates thousands in groups of three digits (1,200); write the number without it" validate s.ini o.csv -o out
for v in 12.5 -3; do
    file o.csv "${O}2023,a,stock,$v\n"
    v=$(printf '%s' "$v" | tr -d '"')
    ec 2 "o.csv:2: value: expected a whole number of firms from 0 to 2^62, got '$v'" validate s.ini o.csv -o out
done
file o.csv "${O}2023,a,stock,150\n2023,a,new,60\n2023,a,stock,151\n"
ec 2 'o.csv:4: 2023 a stock is given twice (first at line 2)' validate s.ini o.csv -o out
file o.csv "${O}2023-09,a,stock,150\n2024-02,a,stock,155\n"
ec 2 "o.csv:3: 2024-02 a stock and line 2's 2023-09 fall on the same period end 2023-12 (one row per period)" validate s.ini o.csv -o out
file o.csv "${O}2023,a,st\000ck,150\n"
ec 2 'o.csv:2: NUL byte in the file (saved as UTF-16, or not text): save it as UTF-8' validate s.ini o.csv -o out
{ printf 'as_of,tier,measure,value'; i=0; while [ $i -lt 253 ]; do printf ',x'; i=$((i + 1)); done; printf '\n2023,a,stock,150\n'; } >o.csv
ec 2 'o.csv:1: more than 256 fields' validate s.ini o.csv -o out
file o.csv "${O}2023,srdi,stock,150\n"
ec 2 "o.csv:2: unknown tier 'srdi'" run s.ini --observed o.csv -o out
scen 'inflow = fit'
file o.csv "${O}2023,a,stock,150\n"
ec 2 "s.ini:7: tier.a.inflow is written 'fit': run \`tiersim fit s.ini HISTORY.csv\` and then its fitted.ini, or pass --history HISTORY.csv" validate s.ini o.csv -o out
rm -f o.csv

echo "command line"
scen '[tier b]\n[transition a -> b]\nrate = 0.1\n[target b]\nnew = 10\n[policy p]\nscale = a -> b : 1.2'
ec 2 'usage: tiersim COMMAND [ARGS]  (tiersim help lists the commands)'
ec 2 "tiersim: unknown command 'simulate' (tiersim help lists the commands)" simulate s.ini
ec 2 'run: missing SCENARIO (see tiersim run --help)' run
ec 2 'run: unexpected operand '\''t.ini'\'' after SCENARIO (see tiersim run --help)' run s.ini t.ini
ec 2 "run: unknown option '--reps' (see tiersim run --help)" run s.ini --reps 100
ec 2 "run: option '--replications' needs a value (see tiersim run --help)" run s.ini --replications
ec 2 "run: -n: expected a whole number from 1 to 1000000000, got '1e4' (see tiersim run --help)" run s.ini -n 1e4
ec 2 "run: -s: expected a whole number from 0 to 18446744073709551615, got '-1' (see tiersim run --help)" run s.ini -s -1
ec 2 "run: -j: expected a whole number from 1 to 1024, got '0' (see tiersim run --help)" run s.ini -j 0
ec 2 "run: --precision: expected a standard error above 0 and below 0.5, got '1%' (see tiersim run --help)" run s.ini --precision 1%
ec 2 "run: --max-reps: expected a whole number from 1 to 1000000000, got '0' (see tiersim run --help)" run s.ini --precision 0.01 --max-reps 0
ec 2 'run: -o: expected a directory (see tiersim run --help)' run s.ini -o ''
ec 2 "s.ini: unknown policy 'capital' (the scenario has: p)" run s.ini --policy capital -o out
ec 2 'fit: missing SCENARIO HISTORY.csv (see tiersim fit --help)' fit s.ini
ec 2 'check: missing SCENARIO (see tiersim check --help)' check
ec 2 "check: unknown option '--verbose' (see tiersim check --help)" check s.ini --verbose
ec 2 'compare: nothing to compare: give --policy, --all-policies or --scenario (see tiersim compare --help)' compare s.ini
ec 2 'goal: --target, --prob and --lever are required (see tiersim goal --help)' goal s.ini --target b --prob 0.8
ec 2 "goal: --prob: expected a probability strictly between 0 and 1, got '80%' (see tiersim goal --help)" goal s.ini --target b --prob 80% --lever policy.p.scale
ec 2 "goal: --range: LO must be below HI, got '2:1' (see tiersim goal --help)" goal s.ini --target b --prob 0.8 --lever policy.p.scale --range 2:1
ec 2 "s.ini: no target 'a' (the scenario's targets are [target NAME] sections)" goal s.ini --target a --prob 0.8 --lever policy.p.scale -o out
ec 2 "s.ini: unknown lever 'policy.q.scale' (tiersim check s.ini --params lists the parameter names)" goal s.ini --target b --prob 0.8 --lever policy.q.scale -o out
ec 2 'validate: missing SCENARIO OBSERVED.csv (see tiersim validate --help)' validate s.ini
ec 2 'run: --observed: expected a file (see tiersim run --help)' run s.ini --observed ''
ec 2 'plot: missing DIR (see tiersim plot --help)' plot
scen '[tier b]\n[transition a -> b]\nrate = 0.1\n[target ab]\ntiers = a, b\nnew = 10\nstock = 150\n[policy p]\nscale = a -> b : 1.2'
ec 2 "s.ini: target 'ab' counts more than one measure: write ab:new or ab:stock" goal s.ini --target ab --prob 0.8 --lever policy.p.scale -o out
mkdir notout
ec 2 'plot: notout: not a tiersim output directory (no manifest.txt)' plot notout
rmdir notout

echo "running and writing"
scen 'inflow = 1e15\ninflow_growth = 1000'
ec 2 "s.ini:5: tier 'a': inflow mean 1.001e+18 in 2023 is above 2^52 (the growth is too large for the horizon)" run s.ini -n 10 -o out
file s.ini '[scenario]\nname = s\nstart_year = 2022\nend_year = 2025\n[tier a]\nstock = 4000000000000000000\n[tier b]\n[transition a -> b]\nrate = 1\nkeep = yes\n'
ec 2 "s.ini:7: tier 'b': more than 2^62 firms in 2023" run s.ini -n 10 -o out
cp "$ROOT/tests/data/tiny.ini" tiny.ini
mkdir out && echo keep >out/keep.txt
ec 1 'out: exists and is not a tiersim output directory (no manifest.txt); not replacing it' run tiny.ini -n 100 --no-plots -q -o out
[ "$(cat out/keep.txt)" = keep ] || bad "the directory that is not a tiersim output was touched"
rm -rf out && echo x >out
ec 1 'out: exists and is not a directory' run tiny.ini -n 100 --no-plots -q -o out
rm -f out
LIMIT_F=1 ec 1 'out/projection.csv: write failed: File too large' run tiny.ini -n 100 -j 1 --no-plots -q -o out
STDOUT=/dev/full ec 1 'tiersim: standard output: write failed: No space left on device' check tiny.ini
SIGNAL=INT ec 1 'run: interrupted; nothing written' run tiny.ini -n 1000000000 -q --no-plots -o out
SIGNAL=TERM ec 1 'run: interrupted; nothing written' run tiny.ini -n 1000000000 -q --no-plots -o out

echo "README.md: every message of its Errors tables, verbatim, with its exit status"
# Rows of the tables between the markers: | mistake | `` message `` | status |
sed -n '/<!-- errors:begin -->/,/<!-- errors:end -->/p' "$ROOT/README.md" |
    sed -n 's/^| .* | `` \(.*\) `` | \([0-9]\) |$/\2\t\1/p' >"$T/readme"
sort -u "$T/seen" >"$T/seen.sorted"
sort -u "$T/readme" >"$T/readme.sorted"
n_readme=$(wc -l <"$T/readme.sorted")
if [ "$n_readme" -lt 100 ]; then
    bad "README.md: found only $n_readme error rows between <!-- errors:begin --> and <!-- errors:end -->"
fi
missing=$(comm -23 "$T/readme.sorted" "$T/seen.sorted")
[ -z "$missing" ] || bad "README.md shows messages no case here produces" "$missing"
extra=$(comm -13 "$T/readme.sorted" "$T/seen.sorted")
[ -z "$extra" ] || bad "cases here whose message README.md does not show" "$extra"
[ -z "$missing" ] && [ -z "$extra" ] && pass=$((pass + 1))

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
