# sobol.gp -- Sobol indices: for each target, the first-order (S1) and total
# (ST) indices of each parameter with 95 % bootstrap intervals, for the mean of
# the targeted count (top) and P(met) (bottom); the largest ST on top.
#
# Run by tiersim (sim/sensplot.c) in a directory holding
#   meta  nt, tname[nt], tlabel[nt], n_mean[nt], n_p_met[nt], clipped[nt]
#         (rows with an estimate outside [0, 1])
#   sobol_T_mean.tsv, sobol_T_p_met.tsv, tab separated:
#         position S1 S1_lo S1_hi ST ST_lo ST_hi parameter S1_est ST_est
#         (the indices and their intervals within [0, 1], where a share of a
#         variance lies; then the estimates as they are: one outside [0, 1]
#         is marked at the bound it was clipped to, with its value)
# and writes sobol_NAME.png (1600x1000) and sobol_NAME.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

cs1 = '#1f77b4'
cst = '#ff7f0e'
set style fill solid 0.85 noborder
set border 3
set grid xtics lc '#e3e3e3' dt 1
set key outside bottom center horizontal samplen 1.5
set ytics nomirror scale 0
set xtics nomirror format '%.1f'
set xrange [-0.05 : 1.05]
# the mark of an estimate drawn at a bound: its value and an arrowhead
# pointing out of the range
# (beyond by at least 0.005: what two decimals show; less is rounding)
above(v) = v >= 1.005 ? sprintf('%.2f ▶', v) : ''
below(v) = v <= -0.005 ? sprintf('◀ %.2f', v) : ''

bars = "file using ($5 / 2):($1 + 0.19):(abs($5) / 2):(0.17):ytic(8) " . \
           "with boxxyerror fc rgb cst title t_total, " . \
       "'' using 5:($1 + 0.19):6:7 with xerrorbars lc 'black' pt 7 ps 0.4 notitle, " . \
       "'' using ($2 / 2):($1 - 0.19):(abs($2) / 2):(0.17) " . \
           "with boxxyerror fc rgb cs1 title t_first, " . \
       "'' using 2:($1 - 0.19):3:4 with xerrorbars lc 'black' pt 7 ps 0.4 notitle"
marks = ", '' using (1.0):($1 + 0.19):(above($10)) with labels right offset -0.4, 0 " . \
            "font fsmall tc rgb '#c00000' notitle, " . \
        "'' using (0.0):($1 + 0.19):(below($10)) with labels left offset 0.4, 0 " . \
            "font fsmall tc rgb '#c00000' notitle, " . \
        "'' using (1.0):($1 - 0.19):(above($9)) with labels right offset -0.4, 0 " . \
            "font fsmall tc rgb '#c00000' notitle, " . \
        "'' using (0.0):($1 - 0.19):(below($9)) with labels left offset 0.4, 0 " . \
            "font fsmall tc rgb '#c00000' notitle"

do for [t = 1:nt] {
    do for [fmt = 1:2] {
        if (fmt == 1) {
            set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
            set output sprintf('sobol_%s.png', tname[t])
            fbig = ',20'; fmid = ',14'; fsmall = ',12'
        } else {
            set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
            set output sprintf('sobol_%s.svg', tname[t])
            fbig = ',16'; fmid = ',12'; fsmall = ',10'
        }
        unset label 11
        if (clipped[t] > 0) {
            # new text (issue 13): what the marks mean
            set label 11 t_clipped \
                at screen 0.01, screen 0.015 left font fsmall tc rgb '#c00000' front
        }
        set multiplot layout 2,1 title sprintf(f_title, tlabel[t]) font fbig
        do for [o = 1:2] {
            n = (o == 1) ? n_mean[t] : n_p_met[t]
            file = sprintf('sobol_%d_%s.tsv', t, o == 1 ? 'mean' : 'p_met')
            set yrange [-(n > 0 ? n : 1) - 0.6 : -0.4]
            set ytics font fsmall
            set xtics font fsmall
            set key font fsmall
            set xlabel (o == 1 ? t_x_mean : t_x_pmet) font fmid
            if (n > 0) {
                # the marks only where something was clipped (a chart
                # without any is drawn as it was)
                eval 'plot ' . bars . (clipped[t] > 0 ? marks : '')
            } else {
                set label 10 t_no_variation at graph 0.5, graph 0.5 center font fmid
                unset ytics
                plot 2 notitle
                unset label 10
                set ytics nomirror scale 0
            }
        }
        unset multiplot
        set output
    }
}
