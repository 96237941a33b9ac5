# pmet.gp -- P(met by year): for each target, the probability that its
# threshold has been reached by the end of each year.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  n (targets), label[n], y0, y1 (first and last update year), monthly
#         (1: time labelled YYYY-MM, else YYYY), period[y - y0 + 2] (the
#         period end of update year y)
#   data  one block per target (index i-1), tab separated: year p
# and writes pmet.png (1600x1000) and pmet.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

# Ten colours that stay apart on a projector (no yellow).
array pal[10] = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', \
                 '#e377c2', '#7f7f7f', '#bcbd22']
do for [k = 1:10] { set linetype k lc rgb pal[k] lw 3 pt (k + 4) ps 1.6 }
set linetype cycle 10

set yrange [0 : 1.04]
set ytics 0, 0.1, 1 format '%.1f' nomirror
span = y1 - y0 + 1
# a tic on each year that is a multiple of xstep, labelled by its period end
# (a YYYY-MM label is wider than a year: fewer of them)
xstep = monthly ? (span <= 8 ? 1 : int(ceil(span / 7.0))) : (span <= 14 ? 1 : int(ceil(span / 12.0)))
set xtics () nomirror
do for [y = y0 : y1] { if (y % xstep == 0) { set xtics add (period[y - y0 + 2] y) } }
set autoscale xfix
set offsets 0.25, 0.25, 0, 0
set grid xtics ytics lc '#e3e3e3' dt 1
set border 3
set key outside right center vertical Left reverse samplen 2 spacing 1.3
set xlabel monthly ? t_x_update : t_x_year
set ylabel t_ylabel
set arrow 1 from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 2 lw 2 lc '#555555'
set arrow 2 from graph 0, first 0.8 to graph 1, first 0.8 nohead dt 2 lw 2 lc '#2ca02c'

do for [fmt = 1:2] {
    if (fmt == 1) {
        set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
        set output 'pmet.png'
        fbig = ',24'; fmid = ',16'; fsmall = ',14'
    } else {
        set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
        set output 'pmet.svg'
        fbig = ',19'; fmid = ',13'; fsmall = ',12'
    }
    set title t_title font fbig
    set tics font fmid
    set key font fsmall
    set xlabel font fmid
    set ylabel font fmid
    set label 1 t_likely_line at graph 0.01, first 0.8 offset 0, 0.7 left font fsmall tc '#2ca02c'
    set label 2 '0.5' at graph 0.01, first 0.5 offset 0, 0.7 left font fsmall tc '#555555'
    plot for [i = 1:n] data index (i - 1) using 1:2 with linespoints lt i title label[i]
    set output
}
