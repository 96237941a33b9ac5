# dist.gp -- for each target, the distribution of its measure in the end
# year over the replications, with the target's threshold and the median.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  n (targets); arrays name (of the files), label, measure ('new',
#         'stock' or 'cumulative'), when (the period end shown: YYYY or
#         YYYY-MM), thr (threshold, exact), needs (the whole count that meets
#         it), tgt (target as written), p_met, median
#   data  one block per target (index i-1), tab separated:
#         centre width count percent   (a bin of whole numbers)
# The bins that meet the threshold are blue, the others grey.
# and writes dist_NAME.png (1600x1000) and dist_NAME.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

cmet = 0x6baed6; cmiss = 0xbdbdbd; cthr = '#d62728'; cmed = '#08519c'
set style fill solid 0.9 border lc '#ffffff'
set border 3
set xtics nomirror format '%.0f'
set ytics nomirror
set yrange [0:*]
set grid ytics lc '#e3e3e3' dt 1
set key outside bottom center horizontal samplen 2 width 2
set bmargin 6.5
set ylabel t_ylabel

do for [i = 1:n] {
    # the bins' extent, widened to show the threshold wherever it lies
    # (stats honours the ranges the previous chart set)
    set autoscale x
    set yrange [*:*]
    stats data index (i - 1) using ($1 - $2 / 2):($1 + $2 / 2) nooutput
    lo = STATS_min_x < thr[i] ? STATS_min_x : thr[i]
    hi = STATS_max_y > thr[i] ? STATS_max_y : thr[i]
    pad = (hi - lo) * 0.04 + 0.5
    set xrange [lo - pad : hi + pad]
    set yrange [0:*]
    if (hi - lo < 12) { set xtics 1 } else { set xtics autofreq }
    what = measure[i] eq 'stock' ? sprintf(f_x_stock, when[i]) \
         : measure[i] eq 'cumulative' ? sprintf(f_x_cum, when[i]) \
         : sprintf(f_x_new, when[i])
    set xlabel what
    set arrow 1 from thr[i], graph 0 to thr[i], graph 1 nohead lw 3 dt 2 lc rgb cthr front
    set arrow 2 from median[i], graph 0 to median[i], graph 0.92 nohead lw 2 lc rgb cmed front
    thr_text = needs[i] == tgt[i] ? sprintf(f_target, tgt[i], p_met[i]) \
             : sprintf(f_target_needs, tgt[i], needs[i], p_met[i])
    do for [fmt = 1:2] {
        if (fmt == 1) {
            set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
            set output sprintf('dist_%s.png', name[i])
            fbig = ',24'; fmid = ',16'; fsmall = ',14'
        } else {
            set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
            set output sprintf('dist_%s.svg', name[i])
            fbig = ',19'; fmid = ',13'; fsmall = ',12'
        }
        set title sprintf(f_pair, label[i], measure[i] eq 'stock' ? t_stock \
                          : measure[i] eq 'cumulative' ? t_cum : t_new) font fbig
        set tics font fmid
        set key font fsmall
        set xlabel font fmid
        set ylabel font fmid
        set label 1 sprintf(f_pmet, p_met[i]) at graph 0.98, graph 0.95 right font fbig front
        # a bin meeting the threshold (by its centre) in blue, one missing it in grey
        plot data index (i - 1) using 1:4:2:($1 >= thr[i] ? cmet : cmiss) with boxes fc rgb variable notitle, \
             keyentry with boxes fc rgb sprintf('#%06x', cmet) title t_meet, \
             keyentry with boxes fc rgb sprintf('#%06x', cmiss) title t_miss, \
             keyentry with lines lw 3 dt 2 lc rgb cthr title thr_text, \
             keyentry with lines lw 2 lc rgb cmed title sprintf(f_median, median[i])
        set output
    }
}
