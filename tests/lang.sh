#!/bin/sh
# Command-level tests of --lang (issue 13): the report card in English and
# Chinese against golden files, and aligned in terminal columns (measured
# with wc -L, that is glibc's wcwidth, not tiersim's own table); the
# language of the locale (LC_ALL, LC_MESSAGES, LANG) and --lang over it;
# the same CSVs in both languages; the charts' words (Chinese titles in the
# SVGs) and report.html's headings; `tiersim plot` redraws in the output's
# language or --lang's; the progress bar, notes and warnings in Chinese, one
# line each; error messages English in both; README.zh-CN.md's key and error
# tables against README.md's.
#   sh tests/lang.sh PATH/TO/tiersim      (GOLDEN_UPDATE=1 rewrites the golden cards)
set -u
BIN=${1:-./tiersim}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/tiersim-lang.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "  ok   $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; }

# loc ENV... -- ARGS: tiersim ARGS in the environment that env(1) makes of
# ENV ("-u NAME" unsets, "NAME=" sets empty); $NOLOC first unsets every
# locale variable, so that only the named ones speak.
loc() {
    envargs=""
    while [ "$1" != -- ]; do
        envargs="$envargs $1"
        shift
    done
    shift
    # shellcheck disable=SC2086
    env $envargs "$BIN" "$@"
}
NOLOC="-u LC_ALL -u LC_MESSAGES -u LANG -u LANGUAGE"

# card NAME SCENARIO GOLDEN ARGS...: the card of a run equals GOLDEN (the
# output directory written as OUT).
card() {
    name=$1 scen=$2 golden=$3
    shift 3
    rm -rf "$T/card"
    "$BIN" run "$scen" -o "$T/card" -j 1 -q --no-plots "$@" >"$T/card.txt" 2>"$T/card.err"
    status=$?
    sed "s|$T/card|OUT|" "$T/card.txt" >"$T/card.out"
    [ "${GOLDEN_UPDATE:-0}" = 1 ] && [ $status -eq 0 ] && mkdir -p "$(dirname "$golden")" &&
        cp "$T/card.out" "$golden"
    if [ $status -ne 0 ]; then
        bad "$name: exit status $status" "$(cat "$T/card.err")"
    elif [ -s "$T/card.err" ]; then
        bad "$name: stderr" "$(cat "$T/card.err")"
    elif cmp -s "$T/card.out" "$golden"; then
        ok "$name"
    else
        bad "$name" "$(diff "$golden" "$T/card.out" | head -8)"
    fi
}

echo "the report card in both languages (golden)"
card "tiny, English" tests/data/tiny.ini tests/golden/tiny/report.txt --lang en
card "tiny, Chinese" tests/data/tiny.ini tests/golden/tiny/report-zh.txt --lang zh
cp "$T/card.out" "$T/aligned-tiny.txt"
card "zh-utf8.ini (Chinese labels), English" tests/data/zh-utf8.ini tests/golden/zh/report.txt --lang en
card "zh-utf8.ini (Chinese labels), Chinese" tests/data/zh-utf8.ini tests/golden/zh/report-zh.txt --lang zh
cp "$T/card.out" "$T/aligned-zh.txt"
card "zh-utf8.ini with a policy, Chinese" tests/data/zh-utf8.ini tests/golden/zh/report-zh-policy.txt \
    --lang zh --policy capital -n 500
card "certs.ini (months, a cumulative target), Chinese" tests/data/certs.ini tests/golden/certs/report-zh.txt \
    --lang zh -n 500
cp "$T/card.out" "$T/aligned-certs.txt"
"$BIN" run bench/crosscheck-edges.ini -n 300 -j 1 -q --no-plots -o "$T/capped" --lang zh >"$T/capped.txt" 2>&1 &&
    grep -q '^注：有 [0-9]* 次模拟（共 300 次）中某一层级的流出比率之和超过 1，已按比例压缩为 1。$' "$T/capped.txt" &&
    ok "the note on capped rates, in Chinese" || bad "capped note" "$(tail -3 "$T/capped.txt")"
grep -q '^b                  新增 ' tests/golden/tiny/report-zh.txt &&
    grep -q '不确定' tests/golden/tiny/report-zh.txt && grep -q '^全部目标 ' tests/golden/tiny/report-zh.txt &&
    grep -q '可能达成' tests/golden/zh/report-zh.txt && grep -q '^结果：OUT/$' tests/golden/zh/report-zh.txt &&
    grep -q '难以达成' tests/golden/certs/report-zh.txt && grep -q '^giant              累计 ' tests/golden/certs/report-zh.txt &&
    grep -q '^2022-2025 年（2022-08 至 2026-07），500 次模拟，随机种子 2385，政策：无$' tests/golden/certs/report-zh.txt &&
    grep -q '政策：capital$' tests/golden/zh/report-zh-policy.txt &&
    ! grep -qE 'replications|verdict|uncertain|likely|needs' tests/golden/tiny/report-zh.txt &&
    ok "the Chinese cards say 新增, 累计, 不确定, 可能达成, 难以达成, 全部目标, the months, 结果; no English word" ||
    bad "the Chinese golden cards' words"

echo "the Chinese cards printed above are aligned in terminal columns (wc -L: glibc's wcwidth)"
# width TEXT: its columns on a terminal
width() { printf '%s' "$1" | LC_ALL=C.UTF-8 wc -L; }
# aligned FILE: in the table (from the header to the blank line) the
# interval, the verdict and the quantiles start at the same column on every
# line: the header's "95%", "判断" and "期末" over the rows' cells.
aligned() {
    sed -n '4,/^$/p' "$1" | sed '/^$/d' >"$T/table"
    n=0 want="" why=""
    while IFS= read -r line; do
        n=$((n + 1))
        if [ $n -eq 1 ]; then
            got="$(width "${line%%95%*}") $(width "${line%%判断*}") $(width "${line%%期末*}")"
        else
            case $line in
                *可能达成*) v=可能达成 ;;
                *难以达成*) v=难以达成 ;;
                *) v=不确定 ;;
            esac
            rest=${line#*"$v"}
            q=${rest#"${rest%%[! ]*}"}
            got="$(width "${line%%\[*}") $(width "${line%%"$v"*}") $(( $(width "$line") - $(width "$q") ))"
            [ -z "$q" ] && got="${got% *} ${want##* }"     # the joint row has no quantiles
        fi
        [ -z "$want" ] && want=$got
        [ "$got" = "$want" ] || why="$why line $n: columns $got, not $want;"
    done <"$T/table"
    [ $n -ge 2 ] && [ -z "$why" ] && return 0
    echo "$n lines;$why"
    return 1
}
for g in tiny zh certs; do
    msg=$(aligned "$T/aligned-$g.txt") && ok "$g: the interval, verdict and quantile columns line up" ||
        bad "$g: misaligned" "$msg"
done

echo "the language of the locale, and --lang over it"
"$BIN" run tests/data/tiny.ini -j 1 -q --no-plots -o "$T/loc" --lang zh | sed "s|$T/loc|OUT|" >"$T/zh.txt"
"$BIN" run tests/data/tiny.ini -j 1 -q --no-plots -o "$T/loc" --lang en | sed "s|$T/loc|OUT|" >"$T/en.txt"
# lang_is WANT NAME ENV... -- ARGS...: the card of a run with ENV (as loc
# takes it) and ARGS is in WANT ("zh" or "en")
lang_is() {
    want=$1 name=$2
    shift 2
    envs=""
    while [ "$1" != -- ]; do
        envs="$envs $1"
        shift
    done
    shift
    # shellcheck disable=SC2086
    loc $NOLOC $envs -- run tests/data/tiny.ini -j 1 -q --no-plots -o "$T/loc" "$@" 2>"$T/loc.err" |
        sed "s|$T/loc|OUT|" >"$T/loc.txt"
    cmp -s "$T/loc.txt" "$T/$want.txt" && [ ! -s "$T/loc.err" ] && ok "$name" ||
        bad "$name" "$(head -4 "$T/loc.txt"; cat "$T/loc.err")"
}
lang_is zh "LANG=zh_CN.UTF-8: Chinese" LANG=zh_CN.UTF-8 --
lang_is en "LC_ALL=C LANG=zh_CN.UTF-8: English (LC_ALL first)" LC_ALL=C LANG=zh_CN.UTF-8 --
lang_is zh "LC_MESSAGES=zh_CN.UTF-8 LANG=en_US.UTF-8: Chinese" LC_MESSAGES=zh_CN.UTF-8 LANG=en_US.UTF-8 --
lang_is en "LC_ALL empty, LC_MESSAGES=C, LANG=zh_CN.UTF-8: English (the first non-empty)" \
    LC_ALL= LC_MESSAGES=C LANG=zh_CN.UTF-8 --
lang_is zh "LC_ALL and LC_MESSAGES empty, LANG=zh_CN.UTF-8: Chinese" LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 --
lang_is zh "LC_ALL=zh_TW.UTF-8: Chinese" LC_ALL=zh_TW.UTF-8 LANG=C --
lang_is en "no locale at all: English" --
lang_is en "LANG=zh_CN.UTF-8 --lang en: English" LANG=zh_CN.UTF-8 -- --lang en
lang_is zh "LC_ALL=C --lang zh: Chinese" LC_ALL=C -- --lang zh
loc $NOLOC LANG=zh_CN.UTF-8 -- run tests/data/tiny.ini --lang fr -o "$T/err" >"$T/out" 2>"$T/err.txt"
status=$?
[ $status -eq 2 ] && [ ! -s "$T/out" ] && [ ! -e "$T/err" ] &&
    [ "$(cat "$T/err.txt")" = "run: --lang: expected zh or en, got 'fr' (see tiersim run --help)" ] &&
    ok "--lang fr: exit 2, one English line" || bad "--lang fr (status $status)" "$(cat "$T/err.txt")"
for cmd in "fit tests/data/tinyfit.ini tests/data/tinyfit.csv" "check tests/data/tiny.ini" "plot $T" \
    "compare tests/data/tiny.ini --policy push" "sensitivity tests/data/tiny.ini" "sweep tests/data/tiny.ini" \
    "goal tests/data/tiny.ini" "validate tests/data/tiny.ini x.csv"; do
    # shellcheck disable=SC2086
    "$BIN" $cmd --lang xx >/dev/null 2>"$T/err.txt"
    c=${cmd%% *}
    [ "$(cat "$T/err.txt")" = "$c: --lang: expected zh or en, got 'xx' (see tiersim $c --help)" ] ||
        bad "$c takes --lang" "$(cat "$T/err.txt")"
done
"$BIN" check tests/data/tiny.ini --lang zh >/dev/null && "$BIN" run --help | grep -q -- '--lang zh|en' &&
    ok "every command takes --lang (one option of cli.c's table)" || bad "check --lang zh / run --help"

echo "the same data in every language"
"$BIN" run tests/data/tiny.ini -j 1 -q -n 600 -o "$T/en" --lang en >/dev/null 2>&1
"$BIN" run tests/data/tiny.ini -j 1 -q -n 600 -o "$T/zh" --lang zh >/dev/null 2>"$T/zh.err"
same=1
for f in projection.csv targets.csv p_met_by_year.csv tiers.csv distribution.csv; do
    cmp -s "$T/en/$f" "$T/zh/$f" || same=0
done
[ $same = 1 ] && ok "the CSVs are the same bytes in English and Chinese" || bad "a CSV depends on --lang"
cmp -s "$T/en/results.xlsx" "$T/zh/results.xlsx" && ok "results.xlsx is the same bytes in both" ||
    bad "results.xlsx depends on --lang"
grep -q '^lang: zh$' "$T/zh/manifest.txt" && grep -q '^lang: en$' "$T/en/manifest.txt" &&
    ok "the manifest records the language" || bad "manifest lang" "$(grep lang "$T/zh/manifest.txt")"
[ "$(sed 1d "$T/zh/charts/index.csv" | cut -d, -f1)" = "$(sed 1d "$T/en/charts/index.csv" | cut -d, -f1)" ] &&
    ok "the same chart files in both languages" || bad "chart names depend on --lang"

echo "charts and report.html in Chinese"
if command -v gnuplot >/dev/null 2>&1 && [ -f "$T/zh/charts/card.svg" ]; then
    Z=$T/zh/charts
    grep -q '<text>各项目标的达成可能性</text>' "$Z/card.svg" &&
        grep -q '<text>目标达成概率（条形：估计值；误差线：95% 置信区间）</text>' "$Z/card.svg" &&
        grep -q '<text>乙 (tier b)：新增 25（所需 23）</text>' "$Z/card.svg" &&
        grep -q '<text>可能达成（P ≥ 0.8）</text>' "$Z/card.svg" &&
        ! grep -q 'Report card\|likely (P' "$Z/card.svg" &&
        ok "card.svg: the Chinese title, axis, labels and legend, no English" ||
        bad "card.svg" "$(grep -o '<text>[^<]*</text>' "$Z/card.svg" | head -8)"
    grep -q '<text>各年末在册企业数（存量）</text>' "$Z/fan_a.svg" && grep -q '<text>90% 区间</text>' "$Z/fan_a.svg" &&
        grep -q '<text>中位数</text>' "$Z/fan_a.svg" && grep -q '<text>2024</text>' "$Z/fan_a.svg" &&
        grep -q '<text>各项目标逐年达成概率</text>' "$Z/pmet.svg" && grep -q '<text>年末</text>' "$Z/pmet.svg" &&
        grep -q '达成概率 = 0\.' "$Z/dist_b.svg" && grep -q '中位数 ' "$Z/dist_b.svg" &&
        ok "fan, pmet, dist: Chinese titles and legends; the time axis in years as in English" ||
        bad "fan/pmet/dist SVGs" "$(grep -o '<text>[^<]*</text>' "$Z/fan_a.svg" | head -8)"
    grep -q '^card,card,目标达成情况：' "$Z/index.csv" && ok "charts/index.csv: Chinese captions" ||
        bad "index.csv captions" "$(cat "$Z/index.csv")"
    H=$T/zh/report.html
    grep -q '<html lang="zh-Hans">' "$H" && grep -q '<h2>目标达成情况</h2>' "$H" && grep -q '<h2>图表</h2>' "$H" &&
        grep -q '<th class="l">目标</th><th class="l">口径</th><th>目标值</th><th>所需</th><th>达成概率</th>' "$H" &&
        grep -q '<td class="l">存量</td>' "$H" && grep -q '<td class="l verdict">不确定</td>' "$H" &&
        grep -q '<tr class="uncertain all"><td class="l">全部目标（在同一次模拟中同时达成）</td>' "$H" &&
        grep -q '<figcaption>目标达成情况：' "$H" && grep -q '<h2>运行记录（manifest.txt）</h2>' "$H" &&
        grep -q '情景 <strong>tiny</strong> &middot; 年份 2022-2024' "$H" &&
        ! grep -q '<h2>Report card</h2>\|<h2>Charts</h2>' "$H" &&
        ok "report.html: Chinese headings, column names, verdicts, captions; CSS classes as in English" ||
        bad "report.html in Chinese" "$(grep -o '<h2>[^<]*</h2>' "$H")"
    grep -q '<html lang="en">' "$T/en/report.html" && grep -q '<h2>Report card</h2>' "$T/en/report.html" &&
        grep -q 'Report card: how likely is each target to be met?' "$T/en/charts/card.svg" &&
        ok "report.html and charts in English with --lang en" || bad "English report.html"

    echo "tiersim plot: the output's language, or --lang's"
    cp "$Z/card.svg" "$T/card-zh.svg"
    loc $NOLOC LANG=en_US.UTF-8 -- plot "$T/zh" >/dev/null 2>"$T/plot.err" &&
        grep -q '<text>各项目标的达成可能性</text>' "$Z/card.svg" && grep -q '<h2>目标达成情况</h2>' "$T/zh/report.html" &&
        ok "plot DIR redraws a Chinese output in Chinese (its manifest), whatever the locale" ||
        bad "plot DIR (zh)" "$(cat "$T/plot.err")"
    cmp -s "$Z/card.svg" "$T/card-zh.svg" && ok "the redrawn card.svg is the same bytes" || bad "plot: card.svg changed"
    "$BIN" plot "$T/zh" --lang en >/dev/null 2>"$T/plot.err" &&
        grep -q 'Report card: how likely is each target to be met?' "$Z/card.svg" &&
        grep -q '<h2>Report card</h2>' "$T/zh/report.html" && grep -q '^lang: zh$' "$T/zh/manifest.txt" &&
        ok "plot DIR --lang en redraws it in English (the manifest keeps the run's language)" ||
        bad "plot --lang en" "$(cat "$T/plot.err")"
    "$BIN" plot "$T/en" --lang zh >/dev/null 2>&1 && grep -q '<text>各项目标的达成可能性</text>' "$T/en/charts/card.svg" &&
        ok "plot DIR --lang zh redraws an English output in Chinese" || bad "plot --lang zh"
    grep -v '^lang: ' "$T/en/manifest.txt" >"$T/m" && cp "$T/m" "$T/en/manifest.txt"
    loc $NOLOC LANG=zh_CN.UTF-8 -- plot "$T/en" >/dev/null 2>&1 &&
        grep -q '<h2>目标达成情况</h2>' "$T/en/report.html" &&
        loc $NOLOC LANG=C -- plot "$T/en" >/dev/null 2>&1 && grep -q '<h2>Report card</h2>' "$T/en/report.html" &&
        ok "plot of an output without a lang line: the locale's language" || bad "plot, no lang line"

    for k in "compare tests/data/tiny.ini --policy push -n 500" "goal tests/data/tiny.ini --target b --prob 0.9 --lever policy.push.scale -n 400" \
        "sensitivity tests/data/tiny.ini --inner 60" "sensitivity tests/data/tiny.ini --method sobol -N 16 --inner 8" \
        "sensitivity tests/data/tiny.ini --method morris -N 4 --inner 8" "sensitivity tests/data/tiny.ini --method filter -N 200" \
        "sweep tests/data/tiny.ini --param tier.a.exit=0:0.2:3 -n 100" \
        "sweep tests/data/tiny.ini --param tier.a.exit=0:0.2:2 --param tier.b.exit=0:0.1:2 -n 100" \
        "validate tests/data/tiny.ini tests/data/observed/tiny.csv -n 400" "fit tests/data/tinyfit.ini tests/data/tinyfit.csv"; do
        rm -rf "$T/k"
        # shellcheck disable=SC2086
        "$BIN" $k -o "$T/k" --lang zh >/dev/null 2>"$T/k.err" </dev/null
        status=$?
        n=$(sed 1d "$T/k/charts/index.csv" 2>/dev/null | wc -l)
        english=$(grep -l -E '<text>(What moves|Sobol indices|Morris screening|P\(met\)|Goal:|Policies compared|Fit to|Where the outcomes)' "$T"/k/charts/*.svg 2>/dev/null)
        if [ $status -eq 0 ] && [ "$n" -gt 0 ] && [ -z "$english" ] && grep -q '<h2>图表</h2>' "$T/k/report.html" &&
            grep -q '：\|的' "$T/k/charts/index.csv"; then
            ok "${k%% -*} --lang zh: $n charts, Chinese words"
        else
            bad "${k%% -*} --lang zh (status $status, $n charts)" "$(cat "$T/k.err"; echo "$english")"
        fi
        case $k in sensitivity*inner\ 60)
            grep -q '<text>影响 a — 甲 (tier a) 的因素</text>' "$T/k/charts/tornado_a.svg" &&
                grep -q '<text>参数取第 5 百分位数</text>' "$T/k/charts/tornado_a.svg" &&
                ok "tornado_a.svg: 影响 a — 甲 (tier a) 的因素, its legend" || bad "tornado_a.svg's words" ;;
        esac
    done
else
    echo "  (gnuplot not on PATH: the chart checks are skipped)"
fi
# Long Chinese labels (Qingdao's): every entry of the card's key is drawn
# (gnuplot once dropped the last one, measuring CJK titles by their bytes).
if command -v gnuplot >/dev/null 2>&1; then
    "$BIN" run scenarios/qingdao.ini -n 200 -j 1 -q --lang zh -o "$T/qzh" >/dev/null 2>&1
    grep -q '<text>可能达成（P ≥ 0.8）</text>' "$T/qzh/charts/card.svg" &&
        grep -q '<text>不确定</text>' "$T/qzh/charts/card.svg" &&
        grep -q '<text>难以达成（P ≤ 0.2）</text>' "$T/qzh/charts/card.svg" &&
        ok "qingdao card.svg in Chinese: all three verdicts in its key" ||
        bad "the Chinese card's key lost an entry" "$(grep -o '<text>[^<]*P [^<]*</text>' "$T/qzh/charts/card.svg")"
fi

echo "progress bar, notes and warnings in Chinese, one line each; errors in English"
mkdir -p "$T/nobin"
PATH="$T/nobin" "$BIN" run tests/data/tiny.ini -n 300 -o "$T/ng" -q --lang zh >/dev/null 2>"$T/err"
[ "$(cat "$T/err")" = "tiersim: 警告：未找到 gnuplot，未绘制图表（CSV 文件完整）" ] &&
    grep -q '<h2>图表</h2>' "$T/ng/report.html" && grep -q '未绘制图表（未找到 gnuplot）' "$T/ng/report.html" &&
    ok "without gnuplot: one Chinese warning line; report.html says so in Chinese" || bad "gnuplot warning" "$(cat "$T/err")"
"$BIN" run tests/data/tiny.ini --precision 0.001 --max-reps 4000 -o "$T/pr" -q --no-plots --lang zh >/dev/null 2>"$T/err"
[ "$(cat "$T/err")" = "tiersim: 警告：--precision 0.001 未能在 4000 次模拟内达到" ] &&
    ok "--precision not reached: one Chinese warning line" || bad "precision warning" "$(cat "$T/err")"
"$BIN" check tests/data/zh-gb18030.ini --lang zh >/dev/null 2>"$T/err"
[ "$(cat "$T/err")" = "tiersim: 提示：tests/data/zh-gb18030.ini 不是 UTF-8 编码，已按 GB18030 读取" ] &&
    ok "a GB18030 file: one Chinese note" || bad "GB18030 note" "$(cat "$T/err")"
"$BIN" fit tests/data/fit/misfit.ini tests/data/fit/misfit.csv -o "$T/mf" --lang zh >/dev/null 2>"$T/err"
n=$(grep -c . "$T/err")
[ "$n" -ge 1 ] && [ "$(grep -vc '^tiersim: 警告：' "$T/err")" -eq 0 ] &&
    ok "the fit's warnings: $n lines, each 'tiersim: 警告：' and the fit's words" || bad "fit warnings" "$(cat "$T/err")"
if command -v script >/dev/null 2>&1; then
    script -qec "$BIN run tests/data/tiny.ini -n 20000 -j 1 --no-plots -o $T/tty --lang zh" /dev/null >"$T/tty.txt" 2>&1
    grep -q '\] [0-9]*/20000  已用 [0-9.]* 秒，预计还需 [0-9.]* 秒' "$T/tty.txt" &&
        ok "the progress bar on a terminal: 已用 … 秒，预计还需 … 秒" || bad "progress bar" "$(tr '\r' '\n' <"$T/tty.txt" | head -3)"
else
    echo "  (no script(1): the progress bar check is skipped)"
fi
for args in "run nowhere.ini" "run tests/data/tiny.ini -n 0" "run tests/data/tiny.ini --policy nope"; do
    # shellcheck disable=SC2086
    "$BIN" $args --lang zh >/dev/null 2>"$T/zh.err"
    # shellcheck disable=SC2086
    "$BIN" $args --lang en >/dev/null 2>"$T/en.err"
    cmp -s "$T/zh.err" "$T/en.err" && [ "$(wc -l <"$T/zh.err")" -eq 1 ] || bad "'$args' errs differently in Chinese" "$(cat "$T/zh.err")"
done
ok "error messages are the same English line in both languages"

echo "README.zh-CN.md: its key and error tables match README.md's"
Z=README.zh-CN.md
if [ ! -f "$Z" ]; then
    bad "README.zh-CN.md is missing"
else
    grep -q 'README.zh-CN.md' README.md && grep -q '(README.md)' "$Z" && ok "each README links to the other" ||
        bad "README links"
    grep -q '^make run ' "$Z" && grep -q '^make test ' "$Z" && ok "its first screen has make run and make test" ||
        bad "make run / make test in $Z"
    # keys: section and key of every row, in order
    keys() { sed -n '/<!-- keys:begin -->/,/<!-- keys:end -->/p' "$1" | sed -n 's/^| \([^|]*\) | \([^|]*\) |.*/\1 \2/p'; }
    keys README.md >"$T/k.en"
    keys "$Z" >"$T/k.zh"
    [ "$(wc -l <"$T/k.en")" -ge 30 ] && cmp -s "$T/k.en" "$T/k.zh" &&
        ok "the key table: the same $(wc -l <"$T/k.en") keys in the same order" ||
        bad "the key tables differ" "$(diff "$T/k.en" "$T/k.zh" | head -6)"
    # errors: the message and the status of every row, in order; the headings' count
    errs() { sed -n '/<!-- errors:begin -->/,/<!-- errors:end -->/p' "$1" | sed -n 's/^| .* | `` \(.*\) `` | \([0-9]\) |$/\2 \1/p'; }
    errs README.md >"$T/e.en"
    errs "$Z" >"$T/e.zh"
    heads() { sed -n '/<!-- errors:begin -->/,/<!-- errors:end -->/p' "$1" | grep -c '^### '; }
    [ "$(wc -l <"$T/e.en")" -ge 100 ] && cmp -s "$T/e.en" "$T/e.zh" && [ "$(heads README.md)" -eq "$(heads "$Z")" ] &&
        ok "the error tables: the same $(wc -l <"$T/e.en") messages verbatim, in order, with their exit status" ||
        bad "the error tables differ" "$(diff "$T/e.en" "$T/e.zh" | head -6)"
    # the mistakes are described in Chinese: every row's first cell has a CJK character or is code only
    sed -n '/<!-- errors:begin -->/,/<!-- errors:end -->/p' "$Z" | grep '^| ' | grep -v '^| mistake\|^| 错误\|^| ---' |
        sed 's/^| \(.*\) | `` .*/\1/' | sed 's/`[^`]*`//g' | grep '[A-Za-z]\{4,\}' |
        LC_ALL=C grep -v "$(printf '[\344-\351]')" >"$T/untranslated"     # no lead byte of a CJK ideograph
    [ ! -s "$T/untranslated" ] && ok "every mistake described in Chinese (or by its code alone)" ||
        bad "mistakes left in English in $Z" "$(head -5 "$T/untranslated")"
    # its Chinese card has the header tiersim prints (the numbers change with the engine)
    grep -q '^目标               口径          目标值      所需  达成概率  95% 置信区间       判断       期末' "$Z" &&
        ok "its Qingdao card has the Chinese header tiersim prints" || bad "the Chinese Qingdao card's header"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
