# morris.gp -- Morris screening: for each target, each parameter's mu* (mean
# absolute elementary effect per unit of quantile, with its 95 % interval)
# against sigma (their spread: interaction or non-linearity), for the mean of
# the targeted count (left) and P(met) (right).
#
# Run by tiersim (sim/sensplot.c) in a directory holding
#   meta  nt, tname[nt], tlabel[nt], n_mean[nt], n_p_met[nt], and the
#         panels' ranges 0 .. mx_mean[nt], my_mean[nt], mx_p_met[nt],
#         my_p_met[nt]
#   morris_T_mean.tsv, morris_T_p_met.tsv, tab separated:
#         rank (-1 the largest mu*) mu_star sigma mu_star_ci parameter,
#         then where its label goes (sim/sensplot.c places them clear of one
#         another and of the points, for these ranges and margins): x y
#         (NaN: no label) right (1: the label ends there) lead (1: a line
#         from the point to it)
# and writes morris_NAME.png (1600x1000) and morris_NAME.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

set border 3
set grid xtics ytics lc '#e3e3e3' dt 1
set xtics nomirror
set ytics nomirror
# fixed margins: sensplot.c places the labels for panels of these sizes
set tmargin at screen 0.91
set bmargin at screen 0.10

do for [t = 1:nt] {
    do for [fmt = 1:2] {
        if (fmt == 1) {
            set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
            set output sprintf('morris_%s.png', tname[t])
            fbig = ',20'; fmid = ',14'; fsmall = ',11'
        } else {
            set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
            set output sprintf('morris_%s.svg', tname[t])
            fbig = ',16'; fmid = ',12'; fsmall = ',9'
        }
        set multiplot layout 1,2 title sprintf(f_title, tlabel[t]) font fbig
        do for [o = 1:2] {
            n = (o == 1) ? n_mean[t] : n_p_met[t]
            file = sprintf('morris_%d_%s.tsv', t, o == 1 ? 'mean' : 'p_met')
            if (o == 1) {
                set lmargin at screen 0.06
                set rmargin at screen 0.48
            } else {
                set lmargin at screen 0.56
                set rmargin at screen 0.98
            }
            set xrange [0 : (o == 1 ? mx_mean[t] : mx_p_met[t])]
            set yrange [0 : (o == 1 ? my_mean[t] : my_p_met[t])]
            set xlabel (o == 1 ? t_x_mean : t_x_pmet) font fmid
            set ylabel 'sigma' font fmid
            set tics font fsmall
            if (n > 0) {
                plot x dt 2 lc '#999999' title 'sigma = mu*', \
                     file using 2:3:($2 - $4):($2 + $4) with xerrorbars pt 7 ps 1.2 lc '#1f77b4' notitle, \
                     '' using 2:3:($9 > 0.5 ? $6 - $2 : NaN):($7 - $3) with vectors nohead lw 0.8 lc '#aaaaaa' notitle, \
                     '' using 6:7:($8 > 0.5 ? '' : stringcolumn(5)) with labels left font fsmall notitle, \
                     '' using 6:7:($8 > 0.5 ? stringcolumn(5) : '') with labels right font fsmall notitle
            } else {
                set label 10 t_no_variation at graph 0.5, graph 0.5 center font fmid
                set xrange [0 : 1]
                set yrange [0 : 1]
                unset ytics
                plot 2 notitle
                unset label 10
                set ytics nomirror
            }
        }
        unset multiplot
        set output
    }
}
