# goal.gp -- goal seeking: P(met) against the lever (with its 95 % band), the
# probability wanted, and the answer with the band of lever values where the
# estimate crosses it -/+ 2 standard errors.
#
# Run by tiersim (sim/plot.c) in a directory holding
#   meta  q, answer (1, or 0 when not reachable), value, band_lo, band_hi,
#         lever_name, target_name; the ranges x_lo, x_hi, y_lo, y_hi (chosen
#         to show the crossing); y_answer (the curve at the answer);
#         flat_from, flat_p, flat_to (the flat part of the curve left out of
#         the x range, NaN when none); answer_right (1: the answer's label to
#         the left of its line), answer_at (its height, a fraction of the plot)
#   data  one row per lever value, tab separated: x p lo hi
# and writes goal.png (1600x1000) and goal.svg (1200x750).

load meta
load text   # the words, in the output's language (sim/i18n.c)
set datafile separator "\t"
set termoption noenhanced
set xrange [x_lo : x_hi]
set yrange [y_lo : y_hi]
if (y_hi - y_lo >= 0.5) {
    set ytics 0, 0.1, 1 format '%.1f' nomirror
} else {
    set ytics autofreq format '%.2f' nomirror
}
set xtics nomirror
set border 3
set grid ytics lc '#e3e3e3' dt 1
set key outside bottom center horizontal samplen 2
set style fill solid 1.0 noborder

do for [fmt = 1:2] {
    if (fmt == 1) {
        set terminal pngcairo size 1600,1000 font "Noto Sans CJK SC,14" noenhanced linewidth 1.5
        set output 'goal.png'
        fbig = ',24'; fmid = ',16'
    } else {
        set terminal svg size 1200,750 dynamic font "Noto Sans CJK SC,12" noenhanced linewidth 1.2
        set output 'goal.svg'
        fbig = ',19'; fmid = ',13'
    }
    set title sprintf(f_title, target_name, q, lever_name) font fbig
    set xlabel (lever_name) font fmid
    set ylabel t_ylabel font fmid
    set key font fmid
    unset object 1
    unset arrow 1
    unset label 1
    unset label 2
    if (answer) {
        set object 1 rect from band_lo, graph 0 to band_hi, graph 1 fc rgb '#fde0c5' fs solid 1.0 noborder behind
        set arrow 1 from value, graph 0 to value, graph 1 nohead lw 3 lc rgb '#d62728' front
        if (answer_right) {
            set label 1 sprintf(f_answer_right, value) at value, graph answer_at right font fmid tc rgb '#d62728' front
        } else {
            set label 1 sprintf(f_answer, value) at value, graph answer_at left font fmid tc rgb '#d62728' front
        }
    } else {
        set label 1 t_unreachable at graph 0.5, graph 0.5 center font fbig tc rgb '#d62728' front
    }
    if (flat_from == flat_from) {
        # new text (issue 13): the flat part of the curve beyond the x range
        set label 2 sprintf(f_flat, flat_p, flat_from, flat_to) \
            at graph 0.98, graph 0.06 right font fmid tc rgb '#08519c' front
    }
    # the band's key entry (new text, issue 13)
    plot data using 1:3:4 with filledcurves fc rgb '#c6dbef' title t_band95, \
         '' using 1:2 with linespoints lw 3 pt 7 ps 1.2 lc rgb '#08519c' title t_pmet, \
         q with lines dt 2 lw 3 lc rgb '#2ca02c' title sprintf(f_wanted, q), \
         for [j = 1:answer] keyentry with boxes fc rgb '#fde0c5' \
             title sprintf(f_band_key, q), \
         for [j = 1:(y_answer == y_answer ? 1 : 0)] '+' every ::0::0 using (value):(y_answer) \
             with points pt 7 ps 2.2 lc rgb '#d62728' notitle
    set output
}
