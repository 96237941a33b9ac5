# validate.gp -- where each observed outcome fell in its projected
# distribution: its randomised PIT, one row per observed row (the file's
# first on top), coloured by tier, over the PIT ranges that the 50 % and 90 %
# bands hold (0.25 .. 0.75, 0.05 .. 0.95); beside it the PITs' histogram in
# tenths, against the n / 10 of a projection that is right.  A right
# projection scatters its outcomes evenly over 0 .. 1; piled at the ends, the
# bands are too narrow; on one side, the projection is biased.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  n (rows), ng (tiers seen), group[ng] (their labels), labels (1: name
#         each row on the axis), rowlabel[n] ("tier measure as_of"), bins[10]
#         (PITs in [0, 0.1), ..., [0.9, 1])
#   data  one row per observed row, tab separated: position pit group
# and writes validate_pit.png (1600x1000) and validate_pit.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

c90 = '#eef3fb'; c50 = '#c6dbef'; cbar = '#6baed6'
set style fill solid 1.0 noborder
set border 3
set tics nomirror
set grid xtics lc '#e3e3e3' dt 1
set samples 10

do for [fmt = 1:2] {
    if (fmt == 1) {
        set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
        set output 'validate_pit.png'
        fbig = ',24'; fmid = ',16'; fsmall = ',13'
    } else {
        set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
        set output 'validate_pit.svg'
        fbig = ',19'; fmid = ',13'; fsmall = ',11'
    }
    set multiplot title t_title font fbig
    set tics font fsmall
    set key font fsmall

    # left: one row per observed row
    set lmargin at screen (labels ? 0.24 : 0.08)
    set rmargin at screen 0.62
    set tmargin at screen 0.88
    set bmargin at screen 0.2
    set xrange [0 : 1]
    set yrange [0.3 : n + 0.7]
    set xtics 0, 0.1, 1 format '%.1f'
    if (labels) {
        set ytics () scale 0
        do for [k = 1:n] { set ytics add (rowlabel[k] n - k + 1) }
    } else {
        set ytics autofreq scale 0.5
    }
    set xlabel t_xlabel font fsmall
    set object 1 rect from 0.05, graph 0 to 0.95, graph 1 fc rgb c90 behind
    set object 2 rect from 0.25, graph 0 to 0.75, graph 1 fc rgb c50 behind
    set arrow 1 from 0.5, graph 0 to 0.5, graph 1 nohead dt 2 lw 1.5 lc '#555555' front
    set key outside bottom center horizontal maxrows 2 samplen 1
    plot for [g = 1:ng] data using ($3 == g ? $2 : NaN):1 with points pt 7 ps 1.6 lc g \
         title group[g]
    unset object 1
    unset object 2
    unset arrow 1

    # right: the histogram in tenths
    set lmargin at screen 0.7
    set rmargin at screen 0.98
    set xrange [0 : 1]
    set yrange [0 : *]
    set ytics autofreq scale 1
    set xtics 0, 0.2, 1 format '%.1f'
    set xlabel t_hist font fsmall
    set key outside bottom center vertical samplen 2
    plot sample [k = 1:10:1] '+' using ((k - 0.5) / 10):(bins[int(k)]):(0.09) with boxes \
             fc rgb cbar title t_rows, \
         n / 10.0 with lines dt 2 lw 2 lc rgb '#d62728' title sprintf(f_right, n / 10.0)
    unset multiplot
    set output
}
