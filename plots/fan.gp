# fan.gp -- one fan chart per tier: its stock at the end of each year and its
# cumulative new firms (median, 50 % and 90 % bands), the baseline stock and
# the target's threshold; a third panel, the firms ever certified
# (cumulative), for a tier with a cumulative target; and the observed
# outcomes of a validation (or of run --observed) as labelled points.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  gnuplot assignments: n (tiers), y0, y1 (first and last update year),
#         monthly (1: time labelled YYYY-MM, else YYYY), start (when the first
#         update begins), period[y - y0 + 2] (the period end of update year y,
#         from y0 - 1, the start), and arrays name, label, baseline, thr_new,
#         tgt_new, thr_stock, tgt_stock, thr_cum, tgt_cum (NaN: no such target;
#         thr_*: the whole count the target needs, as the terminal says);
#         x_lo, x_hi (the x range); obs_data (the points' file) and per tier
#         obs_s, obs_n, obs_c (its points on each panel) and obs_top (the
#         largest)
#   data  one block per tier (index i-1), tab separated:
#         year s05 s25 s50 s75 s95 n05 n25 n50 n75 n95 c05 c25 c50 c75 c95
#   obs_data  one row per point: x (update year + months / 12), tier (1-based),
#         panel (1 stock, 2 new, 3 cumulative), value, label ("2024-06: 6835")
# and writes fan_NAME.png (1600x1000) and fan_NAME.svg (1200x750) per tier.

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced

c90 = '#c6dbef'; c50 = '#6baed6'; cmed = '#08519c'; cthr = '#d62728'; cobs = '#e6550d'
span = y1 - y0 + 2
# a tic at the start and every xstep years, labelled by its period end
# (a YYYY-MM label is wider than a year: fewer of them)
xstep = monthly ? (span <= 8 ? 1 : int(ceil(span / 7.0))) : (span <= 14 ? 1 : int(ceil(span / 12.0)))
set xrange [x_lo : x_hi]
set xtics (period[1] y0 - 1)
do for [j = 1 + xstep : span : xstep] { set xtics add (period[j] y0 - 2 + j) }
set yrange [0:*]
set offsets 0, 0, graph 0.06, 0   # room above a threshold at the top
set ytics format '%.0f'
set grid ytics lc '#dddddd' dt 1
set border 3
set xtics nomirror
set ytics nomirror
set key outside bottom center horizontal Left reverse maxrows 2 samplen 2 spacing 1.1 width 2
set style fill solid 1.0 noborder
set samples 2

# thr_text(t, g): the threshold line's key entry (t: what the target needs).
# gnuplot sizes the key by the title of an empty `for` too (a panel without
# a target, t = g = NaN): that title is the one it always was, so that those
# charts keep their layout.
thr_text(t, g) = (t == g) ? sprintf(f_target, g) \
               : (t != t) ? sprintf(f_target_at, g, t) : sprintf(f_target_needs, g, t)
has(t) = (t == t) ? 1 : 0
one = (y1 == y0) ? 1 : 0    # a single year: its bands drawn as boxes (an area needs two)

# The panels' plot commands, run with eval so that a panel without observed
# points draws exactly what it drew before there were any (an empty `for`
# still takes a plot's place and a line type).  Panel p of tier i adds the
# points of obs_data whose tier is i and panel p, labelled with their dates.
fan_stock = "data index (i - 1) using 1:2:6 with filledcurves fc rgb c90 title t_band90, " . \
    "'' index (i - 1) using 1:3:5 with filledcurves fc rgb c50 title t_band50, " . \
    "for [j = 1:one] '' index (i - 1) using 1:4:($1 - 0.2):($1 + 0.2):2:6 with boxxyerror fc rgb c90 notitle, " . \
    "for [j = 1:one] '' index (i - 1) using 1:4:($1 - 0.2):($1 + 0.2):3:5 with boxxyerror fc rgb c50 notitle, " . \
    "'' index (i - 1) using 1:4 with linespoints lw 3 pt 7 ps 1.2 lc rgb cmed title t_median, " . \
    "for [j = 1:has(b)] '+' using (y0 - 1):(b) every ::0::0 with points pt 7 ps 2.2 lc rgb 'black' " . \
    "title sprintf(f_start, b), " . \
    "for [j = 1:has(ts)] '+' using 1:(ts) with lines dt 2 lw 3 lc rgb cthr title thr_text(ts, gs)"
fan_new = "data index (i - 1) using 1:7:11 with filledcurves fc rgb c90 title t_band90, " . \
    "'' index (i - 1) using 1:8:10 with filledcurves fc rgb c50 title t_band50, " . \
    "for [j = 1:one] '' index (i - 1) using 1:9:($1 - 0.2):($1 + 0.2):7:11 with boxxyerror fc rgb c90 notitle, " . \
    "for [j = 1:one] '' index (i - 1) using 1:9:($1 - 0.2):($1 + 0.2):8:10 with boxxyerror fc rgb c50 notitle, " . \
    "'' index (i - 1) using 1:9 with linespoints lw 3 pt 7 ps 1.2 lc rgb cmed title t_median, " . \
    "for [j = 1:has(tn)] '+' using 1:(tn) with lines dt 2 lw 3 lc rgb cthr title thr_text(tn, gn)"
fan_cum = "data index (i - 1) using 1:12:16 with filledcurves fc rgb c90 title t_band90, " . \
    "'' index (i - 1) using 1:13:15 with filledcurves fc rgb c50 title t_band50, " . \
    "for [j = 1:one] '' index (i - 1) using 1:14:($1 - 0.2):($1 + 0.2):12:16 with boxxyerror fc rgb c90 notitle, " . \
    "for [j = 1:one] '' index (i - 1) using 1:14:($1 - 0.2):($1 + 0.2):13:15 with boxxyerror fc rgb c50 notitle, " . \
    "'' index (i - 1) using 1:14 with linespoints lw 3 pt 7 ps 1.2 lc rgb cmed title t_median, " . \
    "for [j = 1:has(tc)] '+' using 1:(tc) with lines dt 2 lw 3 lc rgb cthr title thr_text(tc, gc)"
obs_x(t, p) = ($2 == t && $3 == p) ? $1 : NaN
obs_tail(p, count) = count > 0 ? \
    sprintf(", obs_data using (obs_x(i, %d)):4 with points pt 9 ps 2.2 lc rgb cobs title t_observed" . \
            ", obs_data using (obs_x(i, %d)):4:5 with labels left offset 1, 0.2 font fsmall tc rgb cobs notitle", \
            p, p) : ''

do for [i = 1:n] {
    # whole-number tics when the counts are small (stats honours the ranges
    # set before it: free them first)
    set autoscale xy
    stats data index (i - 1) using ($6 > $11 ? $6 : $11) nooutput
    top = STATS_max
    top = baseline[i] > top ? baseline[i] : top
    top = thr_stock[i] > top ? thr_stock[i] : top
    top = thr_new[i] > top ? thr_new[i] : top
    top = obs_top[i] > top ? obs_top[i] : top
    cum = has(tgt_cum[i])
    if (cum) {
        stats data index (i - 1) using 16 nooutput
        top = STATS_max > top ? STATS_max : top
        top = thr_cum[i] > top ? thr_cum[i] : top
    }
    if (top < 10) { set ytics 1 } else { set ytics autofreq }
    set xrange [x_lo : x_hi]
    set yrange [0:*]
    do for [fmt = 1:2] {
        if (fmt == 1) {
            set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
            set output sprintf('fan_%s.png', name[i])
            fbig = ',24'; fmid = ',17'; fsmall = ',14'
        } else {
            set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
            set output sprintf('fan_%s.svg', name[i])
            fbig = ',19'; fmid = ',14'; fsmall = ',12'
        }
        set key font fsmall
        set tics font fsmall
        set multiplot layout 1,(2 + cum) title label[i] font fbig margins 0.07, 0.98, 0.2, 0.88 spacing 0.07
        ts = thr_stock[i]; gs = tgt_stock[i]; tn = thr_new[i]; gn = tgt_new[i]; b = baseline[i]
        tc = thr_cum[i]; gc = tgt_cum[i]

        # three panels leave room for short titles only
        set title (cum ? t_stock_short : monthly ? t_stock_update : t_stock_year) font fmid
        eval 'plot ' . fan_stock . obs_tail(1, obs_s[i])

        set title sprintf(cum ? f_new_since : f_new_cum, start) font fmid
        eval 'plot ' . fan_new . obs_tail(2, obs_n[i])

        if (cum) {
            set title t_cum font fmid
            eval 'plot ' . fan_cum . obs_tail(3, obs_c[i])
        }
        unset multiplot
        set output
    }
}
