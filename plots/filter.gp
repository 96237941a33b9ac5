# filter.gp -- Monte Carlo filtering: for each target, the distribution of the
# parameters that separate best (largest Kolmogorov-Smirnov distance) among
# the replications that met the target and among those that missed it.
#
# Run by tiersim (sim/sensplot.c) in a directory holding
#   meta  nt, tname[nt], tlabel[nt], np[nt] (panels, at most 4; 0: no chart),
#         pname[4 nt], ks[4 nt] (target t's k-th at (t - 1) * 4 + k)
#   filter_T_K.tsv, tab separated: block 0 (met), two blank lines, block 1
#         (missed), each row: value quantile
# and writes filter_NAME.png (1600x1000) and filter_NAME.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

set border 3
set grid xtics ytics lc '#e3e3e3' dt 1
set xtics nomirror
set ytics nomirror 0, 0.25, 1 format '%.2f'
set yrange [0 : 1]
set key inside bottom right samplen 1.5

do for [t = 1:nt] {
    if (np[t] > 0) {
        do for [fmt = 1:2] {
            if (fmt == 1) {
                set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
                set output sprintf('filter_%s.png', tname[t])
                fbig = ',20'; fmid = ',14'; fsmall = ',12'
            } else {
                set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
                set output sprintf('filter_%s.svg', tname[t])
                fbig = ',16'; fmid = ',12'; fsmall = ',10'
            }
            set multiplot layout 2,2 title sprintf(f_title, tlabel[t]) font fbig
            do for [k = 1:4] {
                if (k <= np[t]) {
                    i = (t - 1) * 4 + k
                    set title sprintf(f_panel, pname[i], ks[i]) font fmid
                    set xlabel t_xlabel font fsmall
                    set ylabel t_ylabel font fsmall
                    set tics font fsmall
                    set key font fsmall
                    plot sprintf('filter_%d_%d.tsv', t, k) index 0 using 1:2 with lines lw 3 lc '#2ca02c' title t_met, \
                         '' index 1 using 1:2 with lines lw 3 lc '#d62728' title t_missed
                } else {
                    set multiplot next
                }
            }
            unset multiplot
            unset title
            set output
        }
    }
}
