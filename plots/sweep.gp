# sweep.gp -- a sweep of one parameter (P(met) of every target against it,
# with 95 % bands) or of two (a heatmap of P(met) for each target).
#
# Run by tiersim (sim/sensplot.c) in a directory holding
#   meta  dims (1 or 2), nt, tname[nt], tlabel[nt], xname, yname
#   one parameter:  sweep.tsv, tab separated: value, then p_met se of each target
#   two parameters: sweep_T.tsv for target T: x y p_met, a blank line where x changes
# and writes sweep.png / sweep.svg (one parameter) or sweep_NAME.png /
# sweep_NAME.svg (two), 1600x1000 and 1200x750.

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

array pal[10] = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', \
                 '#e377c2', '#7f7f7f', '#bcbd22']
do for [k = 1:10] { set linetype k lc rgb pal[k] lw 3 pt (k + 4) ps 1.3 }
set linetype cycle 10
set border 3
set xtics nomirror
set ytics nomirror
lo(p, se) = (p - 1.96 * se < 0) ? 0 : p - 1.96 * se
hi(p, se) = (p + 1.96 * se > 1) ? 1 : p + 1.96 * se

if (dims == 1) {
    set yrange [0 : 1.04]
    set ytics 0, 0.1, 1 format '%.1f'
    set grid xtics ytics lc '#e3e3e3' dt 1
    set key outside right center vertical Left reverse samplen 2 spacing 1.3
    set style fill transparent solid 0.15 noborder
    set arrow 1 from graph 0, first 0.8 to graph 1, first 0.8 nohead dt 2 lw 2 lc '#2ca02c'
    set arrow 2 from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 2 lw 2 lc '#555555'
    do for [fmt = 1:2] {
        if (fmt == 1) {
            set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
            set output 'sweep.png'
            fbig = ',22'; fmid = ',15'; fsmall = ',13'
        } else {
            set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
            set output 'sweep.svg'
            fbig = ',18'; fmid = ',12'; fsmall = ',11'
        }
        set title sprintf(f_title, xname) font fbig
        set xlabel xname font fmid
        set ylabel t_ylabel font fmid
        set tics font fmid
        set key font fsmall
        plot for [j = 1:nt] 'sweep.tsv' using 1:(lo(column(2 * j), column(2 * j + 1))):(hi(column(2 * j), column(2 * j + 1))) \
                 with filledcurves lc j notitle, \
             for [j = 1:nt] '' using 1:(column(2 * j)) with linespoints lt j title tlabel[j]
        set output
    }
} else {
    set palette defined (0 '#d62728', 0.5 '#fbe7b5', 0.8 '#a6d96a', 1 '#1a9641')
    set cbrange [0 : 1]
    set cbtics 0, 0.1, 1 format '%.1f'
    set autoscale xfix
    set autoscale yfix
    do for [t = 1:nt] {
        file = sprintf('sweep_%d.tsv', t)
        stats file using 1 nooutput
        nx = STATS_blocks
        do for [fmt = 1:2] {
            if (fmt == 1) {
                set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
                set output sprintf('sweep_%s.png', tname[t])
                fbig = ',22'; fmid = ',15'; fsmall = ',12'
            } else {
                set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
                set output sprintf('sweep_%s.svg', tname[t])
                fbig = ',18'; fmid = ',12'; fsmall = ',10'
            }
            # two lines: the target's label, then what the map shows (one
            # line ran off both sides of the canvas)
            set title sprintf(f_title2_head, tlabel[t]) . "\n" . sprintf(f_title2_over, xname, yname) font fbig
            set xlabel xname font fmid
            set ylabel yname font fmid
            # the colour bar's label clear of its tic labels
            set cblabel t_ylabel font fmid offset 2.5, 0
            set tics font fmid
            if (nx <= 16) {
                plot file using 1:2:3 with image notitle, \
                     '' using 1:2:(sprintf('%.2f', $3)) with labels font fsmall notitle
            } else {
                plot file using 1:2:3 with image notitle
            }
            set output
        }
    }
}
