# fit.gp -- a calibration's fit: for each (tier, measure) of the history, the
# observed values with their sd and the fitted trajectory, and a panel of the
# standardized residuals (observed - fitted) / sd; per_page series a chart.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  n (series), per_page, pages; arrays name, label, measure (per
#         series) and page_rows (history rows on each chart); y0 (the first
#         year), monthly (1: time labelled YYYY-MM, else YYYY) and
#         period[y - y0 + 2] (the period end of update year y)
#   data  one block per series (index s-1), tab separated:
#         year observed sd fitted residual standardized position
#         (sd NaN when unknown; position: the row's place on the residual panel)
# and writes fit_P.png (1600x1000) and fit_P.svg (1200x750), P = 1 .. pages.

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

cobs = '#222222'; cfit = '#d62728'; cres = '#1f77b4'
set border 3
set xtics nomirror format '%.0f'
set ytics nomirror
set grid ytics lc '#e3e3e3' dt 1
set style fill solid 0.9 noborder

do for [p = 1:pages] {
    first = (p - 1) * per_page + 1
    last = p * per_page < n ? p * per_page : n
    m = last - first + 1
    cols = m <= 2 ? m : (m <= 4 ? 2 : (m <= 6 ? 3 : 4))
    rows = int(ceil(m / real(cols)))
    # the series in a grid above, the residuals across the bottom
    top = 0.93; split = 0.31
    cw = 1.0 / cols; ch = (top - split) / rows
    do for [fmt = 1:2] {
        if (fmt == 1) {
            set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
            set output sprintf('fit_%d.png', p)
            fbig = ',22'; fmid = ',15'; fsmall = ',13'
        } else {
            set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
            set output sprintf('fit_%d.svg', p)
            fbig = ',18'; fmid = ',12'; fsmall = ',11'
        }
        set tics font fsmall
        set key font fsmall
        set multiplot title t_title font fbig
        set key top left samplen 1.5 spacing 1
        do for [s = first:last] {
            k = s - first
            set origin (k % cols) * cw, top - (k / cols + 1) * ch
            set size cw, ch
            set title sprintf(f_pair, label[s], measure[s]) font fmid
            # stats honours the ranges set before: free them first
            set autoscale xy
            stats data index (s - 1) using 1 nooutput
            set xrange [STATS_min - 0.6 : STATS_max + 0.6]
            ya = int(STATS_min); yb = int(STATS_max)
            xstep = monthly ? (yb - ya > 5 ? int(ceil((yb - ya) / 4.0)) : 1) \
                            : (yb - ya > 10 ? int(ceil((yb - ya) / 8.0)) : 1)
            set xtics (period[ya - y0 + 2] ya)
            do for [yy = ya + xstep : yb : xstep] { set xtics add (period[yy - y0 + 2] yy) }
            set offsets 0, 0, graph 0.2, graph 0.2
            # (a row without an sd has no whisker, but keeps its point)
            plot data index (s - 1) using 1:2:3 with yerrorbars lw 2 pt 7 ps 1.3 lc rgb cobs notitle, \
                 '' index (s - 1) using 1:2 with points pt 7 ps 1.3 lc rgb cobs \
                     title (s == first ? t_observed : ''), \
                 '' index (s - 1) using 1:4 with linespoints lw 3 pt 13 ps 1.6 lc rgb cfit \
                     title (s == first ? t_fitted : '')
        }
        # the residual panel: every row of this page, in order
        set origin 0, 0
        set size 1, split - 0.01
        set title t_residuals font fmid
        set offsets 0, 0, 0, 0
        set xrange [0.4 : page_rows[p] + 0.6]
        set yrange [-3:3]
        set ytics (-2, 0, 2)
        set xtics 1 rotate by 20 right font fsmall
        set arrow 1 from graph 0, first 2 to graph 1, first 2 nohead dt 2 lc '#999999'
        set arrow 2 from graph 0, first -2 to graph 1, first -2 nohead dt 2 lc '#999999'
        set arrow 3 from graph 0, first 0 to graph 1, first 0 nohead lc '#555555'
        clip(r) = r > 3 ? 3 : (r < -3 ? -3 : r)
        plot for [s = first:last] data index (s - 1) \
                 using 7:(clip($6)):xtic(sprintf('%s %s %s', name[s], measure[s], period[int($1) - y0 + 2])) \
                 with impulses lw 6 lc rgb cres notitle, \
             for [s = first:last] data index (s - 1) using 7:(clip($6)) with points pt 7 ps 1.2 lc rgb cres notitle
        unset arrow 1
        unset arrow 2
        unset arrow 3
        set xtics norotate
        set ytics autofreq
        set autoscale xy
        unset multiplot
        set output
    }
}
