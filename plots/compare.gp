# compare.gp -- policy comparison: for each target, P(met) under the baseline
# and under each policy (or combination), side by side, with 95 % intervals
# and each policy's difference from the baseline.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  nt (targets), na (arms, the baseline first); arrays tlabel[nt],
#         arm[na] (the arms' labels); pages (charts), per_page (targets on
#         each but perhaps the last); key_cols, key_rows, key_col_w (the
#         key's layout: columns, rows, a column's width as a fraction of the
#         canvas)
#   data  one block per page (index p-1), one row per (arm, target), tab
#         separated: position p lo hi arm delta delta_se (0 0 for the
#         baseline) (the page's targets top-down, each a group of na
#         positions, the baseline on top)
# and writes compare.png (1600x1000) and compare.svg (1200x750), or with
# several pages compare_1.png, compare_2.png, ... and their SVGs.

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

array pal[10] = [0x8c8c8c, 0x1f77b4, 0xd62728, 0x2ca02c, 0x9467bd, 0xff7f0e, 0x17becf, 0x8c564b, \
                 0xe377c2, 0xbcbd22]
acol(a) = pal[(int(a) - 1) % 10 + 1]
half(p) = p < 0.006 ? 0.003 : p / 2
fp(x) = (x > 0 && x < 0.0005) ? '<0.001' : sprintf('%.3f', x)
dtext(a, p, d, dse) = a == 1 ? fp(p) : sprintf('%s  (%+.3f ± %.3f)', fp(p), d, 1.96 * dse)

g = na + 1
set xrange [0 : 1.42]
set xtics 0, 0.1, 1 format '%.1f' nomirror
set grid xtics lc '#e3e3e3' dt 1
set border 3
set style fill solid 0.9 noborder
# The key, drawn here (gnuplot's own would measure a CJK label by its bytes
# and leave out what it thinks does not fit): every arm, key_cols to a row,
# centred under the plot, which ends above it.
unset key
key_h = 0.03
key_x0 = 0.5 - key_cols * key_col_w / 2
key_y(a) = 0.02 + (key_rows - 1 - int((a - 1) / key_cols)) * key_h + key_h / 2
key_x(a) = key_x0 + ((a - 1) % key_cols) * key_col_w
do for [a = 1:na] {
    set object (100 + a) rect from screen key_x(a), screen key_y(a) - 0.008 \
        to screen key_x(a) + 0.018, screen key_y(a) + 0.008 fc rgb sprintf('#%06x', acol(a)) \
        fs solid 0.9 noborder
}
set bmargin at screen 0.115 + key_rows * key_h
set xlabel t_xlabel
set arrow 1 from 0.5, graph 0 to 0.5, graph 1 nohead dt 2 lw 2 lc '#555555' front
set arrow 2 from 0.8, graph 0 to 0.8, graph 1 nohead dt 2 lw 2 lc '#2ca02c' front

do for [pg = 1:pages] {
first = (pg - 1) * per_page
pn = (nt - first < per_page) ? nt - first : per_page
set yrange [0.3 : pn * g - 0.3]
# the targets' labels at the middle of their groups, and no other tics
set ytics nomirror scale 0 (tlabel[first + 1] (pn - 1) * g + (na + 1) / 2.0)
do for [j = 2:pn] { set ytics add (tlabel[first + j] (pn - j) * g + (na + 1) / 2.0) }
do for [j = 1:nt] { unset arrow (10 + j) }
do for [j = 1:pn - 1] { set arrow (10 + j) from graph 0, first j * g to first 1, first j * g nohead lc '#cccccc' }
name = pages == 1 ? 'compare' : sprintf('compare_%d', pg)
do for [fmt = 1:2] {
    if (fmt == 1) {
        set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
        set output name.'.png'
        fbig = ',24'; fmid = ',15'; fsmall = ',13'
    } else {
        set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
        set output name.'.svg'
        fbig = ',19'; fmid = ',12'; fsmall = ',11'
    }
    set title t_title font fbig
    set tics font fmid
    set key font fmid
    set xlabel font fsmall
    set label 1 '0.5' at 0.5, graph 1 offset 0, 0.8 center font fsmall tc '#555555'
    set label 2 t_likely_line at 0.8, graph 1 offset 0, 0.8 center font fsmall tc '#2ca02c'
    do for [a = 1:na] {
        set label (100 + a) arm[a] at screen key_x(a) + 0.024, screen key_y(a) left font fmid
    }
    plot data index (pg - 1) using (half($2)):1:(half($2)):(0.4):(acol($5)) with boxxyerror fc rgb variable notitle, \
         '' index (pg - 1) using 2:1:3:4 with xerrorbars lw 1.5 pt 7 ps 0.5 lc 'black' notitle, \
         '' index (pg - 1) using (1.02):1:(dtext($5, $2, $6, $7)) with labels left font fsmall notitle
    set output
}
}
