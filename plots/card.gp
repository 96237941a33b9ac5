# card.gp -- the report card: P(met) of each target as a bar with its 95 %
# interval, coloured by verdict, reference lines at 0.5 and 0.8, and the
# joint probability (every target met in the same replication) apart.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  n (targets), label[n] (the text of each bar), all_p, all_lo, all_hi
#         (the joint row; NaN when absent)
#   data  one row per target, the first on top, tab separated:
#         position p_met ci_lo ci_hi verdict (0 unlikely, 1 uncertain, 2 likely)
# and writes card.png (1600x1000) and card.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

vcol(v) = v == 2 ? 0x2ca02c : (v == 1 ? 0xf2a900 : 0xd62728)
tcol(v) = v == 2 ? 0x1b7a1b : (v == 1 ? 0x9a6a00 : 0xc00000)  # text: darker
cjoint = 0x54548c
has(t) = (t == t) ? 1 : 0
# a bar of P = 0 still shows its colour as a sliver
half(p) = p < 0.006 ? 0.003 : p / 2
fp(x) = (x > 0 && x < 0.0005) ? '<0.001' : sprintf('%.3f', x)
card_text(p, lo, hi) = sprintf('%s  [%s, %s]', fp(p), fp(lo), fp(hi))

set xrange [0 : 1.36]
set xtics 0, 0.1, 1 format '%.1f' nomirror
set yrange [-0.8 : n + 1.8]
set ytics nomirror scale 0
set grid xtics lc '#e3e3e3' dt 1
set border 3
set style fill solid 0.9 noborder
# The key at a fixed place under the plot: gnuplot measures a CJK title by
# its bytes, finds the Chinese key too wide for the bottom margin and drops
# its last entry (难以达成) when the key is placed `outside bottom`.
set key at screen 0.5, screen 0.035 center center horizontal samplen 1.5 maxrows 1
set bmargin 6
set xlabel t_xlabel

set arrow 1 from 0.5, graph 0 to 0.5, graph 1 nohead dt 2 lw 2 lc '#555555' front
set arrow 2 from 0.8, graph 0 to 0.8, graph 1 nohead dt 2 lw 2 lc '#2ca02c' front
set arrow 3 from graph 0, first 1 to first 1, first 1 nohead lw 1.5 lc '#999999'
set samples 2

do for [fmt = 1:2] {
    if (fmt == 1) {
        set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
        set output 'card.png'
        fbig = ',24'; fmid = ',16'; fsmall = ',14'
    } else {
        set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
        set output 'card.svg'
        fbig = ',19'; fmid = ',13'; fsmall = ',12'
    }
    set title t_title font fbig
    set tics font fmid
    set key font fsmall
    set xlabel font fsmall
    set label 1 '0.5' at 0.5, graph 1 offset 0, 0.8 center font fsmall tc '#555555'
    set label 2 t_likely_line at 0.8, graph 1 offset 0, 0.8 center font fsmall tc '#2ca02c'
    plot data using (half($2)):1:(half($2)):(0.32):(vcol($5)):ytic(label[int($0) + 1]) \
             with boxxyerror fc rgb variable notitle, \
         '' using 2:1:3:4 with xerrorbars lw 2 pt 7 ps 0.6 lc 'black' notitle, \
         '' using (1.02):1:(card_text($2, $3, $4)):(tcol($5)) with labels left font fmid tc rgb variable notitle, \
         for [j = 1:has(all_p)] '+' every ::0::0 using (half(all_p)):(0):(half(all_p)):(0.32):(cjoint):ytic(t_all) \
             with boxxyerror fc rgb variable notitle, \
         for [j = 1:has(all_p)] '+' every ::0::0 using (all_p):(0):(all_lo):(all_hi) with xerrorbars lw 2 pt 7 ps 0.6 lc 'black' notitle, \
         for [j = 1:has(all_p)] '+' every ::0::0 using (1.02):(0):(card_text(all_p, all_lo, all_hi)) \
             with labels left font fmid notitle, \
         keyentry with boxes fc rgb '#2ca02c' title t_key_likely, \
         keyentry with boxes fc rgb '#f2a900' title t_key_uncertain, \
         keyentry with boxes fc rgb '#d62728' title t_key_unlikely
    set output
}
