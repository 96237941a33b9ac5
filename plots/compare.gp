# compare.gp -- policy comparison: for each target, P(met) under the baseline
# and under each policy (or combination), side by side, with 95 % intervals
# and each policy's difference from the baseline.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  nt (targets), na (arms, the baseline first); arrays tlabel[nt], arm[na]
#   data  one row per (arm, target), tab separated:
#         position p lo hi arm delta delta_se (0 0 for the baseline)
#         (targets top-down, each a group of na positions, the baseline on top)
# and writes compare.png (1600x1000) and compare.svg (1200x750).

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
set yrange [0.3 : nt * g - 0.3]
# the targets' labels at the middle of their groups, and no other tics
set ytics nomirror scale 0 (tlabel[1] (nt - 1) * g + (na + 1) / 2.0)
do for [j = 2:nt] { set ytics add (tlabel[j] (nt - j) * g + (na + 1) / 2.0) }
do for [j = 1:nt - 1] { set arrow (10 + j) from graph 0, first j * g to first 1, first j * g nohead lc '#cccccc' }
set grid xtics lc '#e3e3e3' dt 1
set border 3
set style fill solid 0.9 noborder
set key outside bottom center horizontal samplen 1.5
set bmargin 6
set xlabel t_xlabel
set arrow 1 from 0.5, graph 0 to 0.5, graph 1 nohead dt 2 lw 2 lc '#555555' front
set arrow 2 from 0.8, graph 0 to 0.8, graph 1 nohead dt 2 lw 2 lc '#2ca02c' front

do for [fmt = 1:2] {
    if (fmt == 1) {
        set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
        set output 'compare.png'
        fbig = ',24'; fmid = ',15'; fsmall = ',13'
    } else {
        set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
        set output 'compare.svg'
        fbig = ',19'; fmid = ',12'; fsmall = ',11'
    }
    set title t_title font fbig
    set tics font fmid
    set key font fmid
    set xlabel font fsmall
    set label 1 '0.5' at 0.5, graph 1 offset 0, 0.8 center font fsmall tc '#555555'
    set label 2 t_likely_line at 0.8, graph 1 offset 0, 0.8 center font fsmall tc '#2ca02c'
    plot data using (half($2)):1:(half($2)):(0.4):(acol($5)) with boxxyerror fc rgb variable notitle, \
         '' using 2:1:3:4 with xerrorbars lw 1.5 pt 7 ps 0.5 lc 'black' notitle, \
         '' using (1.02):1:(dtext($5, $2, $6, $7)) with labels left font fsmall notitle, \
         for [a = 1:na] keyentry with boxes fc rgb sprintf('#%06x', acol(a)) title arm[a]
    set output
}
