# tornado.gp -- tornado charts: for each target, how far the mean of the
# targeted count (top) and P(met) (bottom) move when one parameter goes from
# its median to its 5th or 95th percentile, the others staying at their
# medians; the widest swing on top.
#
# Run by tiersim (sim/sensplot.c) in a directory holding
#   meta  nt (targets), tname[nt] (file names), tlabel[nt], n_mean[nt],
#         n_p_met[nt] (bars in each panel), base_mean[nt] (the mean with
#         every parameter at its median), base_p_met[nt] (the run's P(met):
#         the P(met) bars have the other parameters drawn as in a run),
#         pm_half[nt] (the P(met) panel's range, -pm_half .. pm_half about
#         the run's P(met))
#   tornado_T_mean.tsv, tornado_T_p_met.tsv for target T, tab separated:
#         position (-1 the top bar) output_low output_high parameter
#         (the parameters that move it, widest swing first, at most 15)
# and writes tornado_NAME.png (1600x1000) and tornado_NAME.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

clo = '#1f77b4'
chi = '#d62728'
set style fill transparent solid 0.75 noborder
set border 3
set grid xtics lc '#e3e3e3' dt 1
set key outside bottom center horizontal samplen 1.5
set ytics nomirror scale 0
set xtics nomirror
set offsets graph 0.04, graph 0.04, 0, 0

do for [t = 1:nt] {
    do for [fmt = 1:2] {
        if (fmt == 1) {
            set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
            set output sprintf('tornado_%s.png', tname[t])
            fbig = ',20'; fmid = ',14'; fsmall = ',12'
        } else {
            set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
            set output sprintf('tornado_%s.svg', tname[t])
            fbig = ',16'; fmid = ',12'; fsmall = ',10'
        }
        set multiplot layout 2,1 title sprintf(f_title, tlabel[t]) font fbig
        do for [o = 1:2] {
            n = (o == 1) ? n_mean[t] : n_p_met[t]
            b = (o == 1) ? base_mean[t] : base_p_met[t]
            file = sprintf('tornado_%d_%s.tsv', t, o == 1 ? 'mean' : 'p_met')
            set yrange [-(n > 0 ? n : 1) - 0.6 : -0.4]
            set ytics font fsmall
            set xtics font fsmall
            set xtics format (o == 1 ? '%.4g' : '%+.2f')
            # the P(met) panel: the change from the run's P(met), either side
            # of 0 alike (its bars relative to the run: x0 = b, drawn at 0)
            x0 = (o == 1) ? 0 : b
            if (o == 1) {
                set autoscale x
                set xlabel t_x_mean . t_x_line font fmid
            } else {
                set xrange [-pm_half[t] : pm_half[t]]
                # new text (issue 13): the P(met) panel's axis
                set xlabel (b == b ? sprintf(f_x_change, b) : t_x_pmet) font fmid
            }
            bx = (o == 1) ? b : 0
            set key font fsmall
            unset arrow 1
            if (b == b) {
                set arrow 1 from bx, graph 0 to bx, graph 1 nohead lc 'black' lw 1.5 front
            }
            if (n > 0) {
                plot file using (($2 - x0 + bx) / 2):1:(abs($2 - x0 - bx) / 2):(0.36):ytic(4) \
                         with boxxyerror fc rgb clo title t_low, \
                     '' using (($3 - x0 + bx) / 2):1:(abs($3 - x0 - bx) / 2):(0.36) \
                         with boxxyerror fc rgb chi title t_high
            } else {
                set label 10 (b == b ? sprintf(f_none_at, b) : t_none) at graph 0.5, graph 0.5 center font fmid
                set xrange [0 : 1]
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
