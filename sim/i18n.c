/* i18n.c -- the message catalogue: every word tiersim shows a person, in
 * English and Chinese, in one table.
 *
 * Why our own catalogue and not gettext.  gettext is in Debian's libc, but
 * (1) it translates only after setlocale() into an installed locale: a
 * machine with only C.UTF-8 (this one, a fresh Debian, most containers)
 * shows English whatever --lang says, unless tiersim starts calling
 * setlocale, which would also change how the C library reads numbers and
 * prints them into CSVs; (2) it needs .mo files compiled by msgfmt (the
 * gettext package, a build dependency more) and found at run time through
 * bindtextdomain -- tiersim runs from its build directory as well as
 * installed, so that is one more path to search, beside plots/; (3) a
 * missing or fuzzy translation silently falls back to English, and nothing
 * checks that a translated printf format takes the same arguments until a
 * run crashes on one.  Two languages and ~150 messages fit in one C table:
 * designated initializers tie each text to its id, tests/test_i18n.c fails
 * on any id without both texts and on any format whose conversions differ
 * between the languages, the binary carries its words (no files to
 * install), and --lang works on any machine.  Adding a language is adding
 * a column.
 *
 * How to add a message: an id in include/i18n.h (with its conversions in a
 * comment when it is a format), a row here, FMT when it is a printf format
 * (then a literal '%' is written '%%').  Chinese terms used throughout, for
 * a government analyst: 目标 target, 达成概率 P(met), 置信区间 interval, 中位数
 * median, 情景 scenario, 政策 policy, 存量 stock, 新增 new, 累计 cumulative,
 * 所需 needs, 判断 verdict, 模拟 replication, 门槛 threshold, 口径 measure. */
#include "i18n.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "report.h"

#define FMT 1

typedef struct {
    int fmt;
    const char *text[LANG_COUNT];
} message;

static const message catalogue[] = {
    /* ------------------------------------------------------ the report card */
    [MSG_CARD_YEARS] = {FMT, {"%d-%d", "%d-%d 年"}},
    [MSG_CARD_MONTHS] = {FMT, {" (%s to %s)", "（%s 至 %s）"}},
    [MSG_CARD_RUN] = {FMT, {", %llu replications, seed %llu, policies: %s\n\n",
                            "，%llu 次模拟，随机种子 %llu，政策：%s\n\n"}},
    [MSG_NONE] = {0, {"none", "无"}},
    [MSG_COL_TARGET] = {0, {"target", "目标"}},
    [MSG_COL_MEASURE] = {0, {"measure", "口径"}},
    [MSG_COL_VALUE] = {0, {"target", "目标值"}},
    [MSG_COL_NEEDS] = {0, {"needs", "所需"}},
    [MSG_COL_PMET] = {0, {"P(met)", "达成概率"}},
    [MSG_COL_CI] = {0, {"95% interval", "95% 置信区间"}},
    [MSG_COL_VERDICT] = {0, {"verdict", "判断"}},
    [MSG_COL_QUANTILES] = {0, {"5-50-95% in end year", "期末 5%/50%/95% 分位数"}},
    [MSG_CARD_ALL] = {0, {"ALL", "全部目标"}},
    [MSG_CARD_READING] = {0, {"'needs' is the whole number of firms that meets the target after "
                              "its tolerance; P(met) is the share of replications reaching it.",
                              "“所需”是计入容差后达成目标所需的企业数（取整）；“达成概率”是达到该数的"
                              "模拟次数占全部模拟的比例。"}},
    [MSG_CARD_CAPPED] = {FMT, {"note: in %llu of %llu replications a tier's outgoing rates summed "
                               "above 1 and were scaled down to 1.\n",
                               "注：有 %llu 次模拟（共 %llu 次）中某一层级的流出比率之和超过 1，已按"
                               "比例压缩为 1。\n"}},
    [MSG_WHY_HEAD] = {FMT, {"why not likely (the rank correlation of each assumption's draws with "
                            "the count, over %llu replications):",
                            "为何不是“可能达成”（各项假设的抽样值与该计数的秩相关，基于 %llu 次模拟）："}},
    [MSG_WHY_MEDIAN] = {FMT, {"%s: median %lld vs %lld needed", "%s：中位数 %lld，所需 %lld"}},
    [MSG_WHY_SHORT] = {FMT, {", short by %lld", "，差 %lld"}},
    [MSG_WHY_FALL_SHORT] = {FMT, {", yet %.0f%% of replications fall short",
                                  "，但仍有 %.0f%% 的模拟达不到"}},
    [MSG_WHY_NONE] = {FMT, {"; no single assumption stands out (every rank correlation below "
                            "%.2f: chance, or several together)",
                            "；没有哪一项假设单独起主导作用（各秩相关均低于 %.2f：或属偶然，或为多项"
                            "共同作用）"}},
    [MSG_WHY_MOVED] = {FMT, {"; most moved by %s (rank correlation %+.2f: %s helps",
                             "；影响最大的是 %s（秩相关 %+.2f：%s有利"}},
    [MSG_WHY_HIGHER] = {0, {"higher", "调高"}},
    [MSG_WHY_LOWER] = {0, {"lower", "调低"}},
    [MSG_WHY_REACH] = {FMT, {"; P(met) >= %g needs it %s %.4g, its assumed median %.4g",
                             "；达成概率要到 %g，需要它 %s %.4g，而假设的中位数是 %.4g"}},
    [MSG_WHY_UNREACHED] = {FMT, {"; P(met) >= %g is not reached within its assumed 1-99%% range: "
                                 "%.3f at %.4g",
                                 "；在其假设的 1%%–99%% 范围内达成概率到不了 %g：取 %.3f 于 %.4g"}},
    [MSG_WHY_CLOSE] = {0, {")", "）"}},
    [MSG_ASSUMED_MARK] = {0, {"  (assumptions only)", "  （仅凭假设）"}},
    [MSG_ASSUMED_LEGEND] = {0, {"(assumptions only): every number written for the flows that make "
                                "the count is labelled an assumption in the scenario; no data stand "
                                "behind it.",
                                "（仅凭假设）：形成该计数的各项流量，其每个数值在情景文件中都标为假设，"
                                "没有数据支撑。"}},
    [MSG_HTML_WHY] = {0, {"Why not likely (the rank correlation of each assumption's draws with "
                          "the count):",
                          "为何不是“可能达成”（各项假设的抽样值与该计数的秩相关）："}},
    [MSG_HTML_ASSUMED] = {0, {"Resting on assumptions only (every number written for the flows "
                              "that make the count is labelled an assumption in the scenario): ",
                              "仅凭假设（形成该计数的各项流量，其每个数值在情景文件中都标为假设）："}},
    [MSG_RESULTS] = {FMT, {"results: %s/\n", "结果：%s/\n"}},
    [MSG_VERDICT_UNLIKELY] = {0, {"unlikely", "难以达成"}},
    [MSG_VERDICT_UNCERTAIN] = {0, {"uncertain", "不确定"}},
    [MSG_VERDICT_LIKELY] = {0, {"likely", "可能达成"}},
    [MSG_MEASURE_NEW] = {0, {"new", "新增"}},
    [MSG_MEASURE_STOCK] = {0, {"stock", "存量"}},
    [MSG_MEASURE_CUMULATIVE] = {0, {"cumulative", "累计"}},

    /* ---------------------------------------------- progress, notes, warnings */
    [MSG_PROGRESS] = {FMT, {"\r[%s] %llu/%llu  %.1fs elapsed, ETA %.1fs ",
                            "\r[%s] %llu/%llu  已用 %.1f 秒，预计还需 %.1f 秒 "}},
    [MSG_WARNING] = {FMT, {"tiersim: warning: %s\n", "tiersim: 警告：%s\n"}},
    [MSG_NOTE_GB18030] = {FMT, {"tiersim: note: %s is not UTF-8: read as GB18030\n",
                                "tiersim: 提示：%s 不是 UTF-8 编码，已按 GB18030 读取\n"}},
    [MSG_WARN_NO_GNUPLOT] = {0, {"tiersim: warning: gnuplot not found; charts skipped (CSVs are "
                                 "complete)\n",
                                 "tiersim: 警告：未找到 gnuplot，未绘制图表（CSV 文件完整）\n"}},
    [MSG_WARN_PRECISION] = {FMT, {"tiersim: warning: --precision %g not reached within %llu "
                                  "replications\n",
                                  "tiersim: 警告：--precision %g 未能在 %llu 次模拟内达到\n"}},
    /* issue 13: compare's heading, the tornado's second line, Sobol's warnings */
    [MSG_COMPARE_HEADING] = {FMT, {"P(met) by arm, and the change against the baseline (paired, "
                                   "+/- the half-width of its 95 %% interval, 1.96 se), %llu "
                                   "replications on common random numbers\n\n",
                                   "各方案的达成概率及其相对基准情景的变化（配对比较，± 为其 95%% "
                                   "置信区间的半宽，即 1.96 个标准误），共同随机数下 %llu 次模拟\n\n"}},
    [MSG_SENS_TORNADO_NOTE] = {0, {"P(met): [the run's P(met), every parameter drawn] largest "
                                   "swings (each parameter from its 5th to its 95th percentile, "
                                   "the others drawn as in a run)",
                                   "达成概率：[本次运行的达成概率，全部参数照常抽样] 最大摆幅（每个参数"
                                   "从第 5 百分位数变到第 95 百分位数，其余参数照常抽样）"}},
    [MSG_SOBOL_WIDE] = {FMT, {"sobol: -N %llu is too small for the intervals asked: a 95 %% "
                              "interval reaches %.2f either side of its index (%s of %s for %s "
                              "%s), more than %.1f; raise -N",
                              "sobol：-N %llu 太小，达不到所要求的区间精度：有一个 95%% 置信区间在指数"
                              "两侧各达 %.2f（%s，参数 %s，目标 %s，%s），超过 %.1f；请增大 -N"}},
    [MSG_SOBOL_FAR] = {FMT, {"sobol: the design's P(met) of %s is %.3f against the run's %.3f "
                             "(%llu replications), %.1f se apart (more than %g%s): -N %llu x "
                             "--inner %llu is too small to represent the scenario; raise -N (or "
                             "--inner)",
                             "sobol：设计中 %s 的达成概率为 %.3f，而本次运行为 %.3f（%llu 次模拟），"
                             "相差 %.1f 个标准误（超过 %g%s）：-N %llu × --inner %llu 太小，不足以代表"
                             "该情景；请增大 -N（或 --inner）"}},
    [MSG_SOBOL_MORE1] = {FMT, {", and %zu more target", "，另有 %zu 个目标亦然"}},
    [MSG_SOBOL_MORE] = {FMT, {", and %zu more targets", "，另有 %zu 个目标亦然"}},
    [MSG_SOBOL_MEAN] = {0, {"mean", "均值"}},

    /* ----------------------------------------------------- charts: shared */
    [GP_LIKELY_LINE] = {0, {"0.8 (likely)", "0.8（可能达成）"}},
    [GP_PMET] = {0, {"P(met)", "达成概率"}},
    [GP_P_TARGET_MET] = {0, {"P(target met)", "目标达成概率"}},
    [GP_PROB_MET] = {0, {"probability that the target is met", "目标达成概率"}},
    [GP_BAND90] = {0, {"90 % band", "90% 区间"}},
    [GP_BAND50] = {0, {"50 % band", "50% 区间"}},
    [GP_BAND95] = {0, {"95 % band", "95% 区间"}},
    [GP_MEDIAN] = {0, {"median", "中位数"}},
    [GP_PAIR] = {FMT, {"%s: %s", "%s：%s"}},
    [GP_NO_VARIATION] = {0, {"the output does not vary", "结果不随参数变化"}},
    /* card.gp */
    [GP_CARD_TITLE] = {0, {"Report card: how likely is each target to be met?",
                           "各项目标的达成可能性"}},
    [GP_CARD_XLABEL] = {0, {"probability that the target is met (bar: estimate; whisker: 95 % "
                            "interval)",
                            "目标达成概率（条形：估计值；误差线：95% 置信区间）"}},
    [GP_CARD_ALL] = {0, {"all targets, same replication", "全部目标同时达成"}},
    [GP_KEY_LIKELY] = {0, {"likely (P ≥ 0.8)", "可能达成（P ≥ 0.8）"}},
    [GP_KEY_UNCERTAIN] = {0, {"uncertain", "不确定"}},
    [GP_KEY_UNLIKELY] = {0, {"unlikely (P ≤ 0.2)", "难以达成（P ≤ 0.2）"}},
    /* compare.gp */
    [GP_COMPARE_TITLE] = {0, {"Policies compared: the probability that each target is met",
                              "政策比较：各项目标的达成概率"}},
    [GP_COMPARE_XLABEL] = {0, {"probability that the target is met (whisker: 95 % interval; in "
                               "brackets: difference from the baseline ± 95 %)",
                               "目标达成概率（误差线：95% 置信区间；括号内：与基准情景之差 ± 95% 区间）"}},
    [GP_COMPARE_ALL] = {0, {"all targets (joint)", "全部目标（同时达成）"}},
    [GP_BASELINE] = {0, {"baseline", "基准情景"}},
    /* dist.gp */
    [GP_DIST_YLABEL] = {0, {"share of replications (%)", "模拟次数占比（%）"}},
    [GP_DIST_X_STOCK] = {FMT, {"firms in the tier at the end of %s", "截至 %s 在册企业数"}},
    [GP_DIST_X_CUM] = {FMT, {"firms ever certified in the tier, by the end of %s",
                             "截至 %s 累计认定企业数"}},
    [GP_DIST_X_NEW] = {FMT, {"new firms since the start, by the end of %s",
                             "自起始至 %s 新增企业数"}},
    [GP_DIST_TARGET] = {FMT, {"target %g: P(met) = %.3f", "目标 %g：达成概率 = %.3f"}},
    [GP_DIST_THRESHOLD] = {FMT, {"threshold %g (target %g): P(met) = %.3f",
                                 "门槛 %g（目标 %g）：达成概率 = %.3f"}},
    [GP_DIST_TARGET_NEEDS] = {FMT, {"target %g (needs %g): P(met) = %.3f",
                                    "目标 %g（所需 %g）：达成概率 = %.3f"}},
    [GP_DIST_STOCK] = {0, {"stock", "存量"}},
    [GP_DIST_CUM] = {0, {"firms ever certified", "累计认定企业"}},
    [GP_DIST_NEW] = {0, {"new firms", "新增企业"}},
    [GP_DIST_PMET] = {FMT, {"P(met) = %.3f", "达成概率 = %.3f"}},
    [GP_DIST_MEET] = {0, {"replications that meet the target", "达成目标的模拟"}},
    [GP_DIST_MISS] = {0, {"that miss it", "未达成的模拟"}},
    [GP_DIST_MEDIAN] = {FMT, {"median %g", "中位数 %g"}},
    /* fan.gp */
    [GP_FAN_START] = {FMT, {"start: %g", "起始：%g"}},
    [GP_FAN_OBSERVED] = {0, {"observed", "实际值"}},
    [GP_FAN_TARGET] = {FMT, {"target %g", "目标 %g"}},
    [GP_FAN_TARGET_AT] = {FMT, {"target %g (met at %g)", "目标 %g（达到 %g 即算达成）"}},
    [GP_FAN_TARGET_NEEDS] = {FMT, {"target %g (needs %g)", "目标 %g（所需 %g）"}},
    [GP_FAN_STOCK_SHORT] = {0, {"firms in the tier (stock)", "在册企业数（存量）"}},
    [GP_FAN_STOCK_UPDATE] = {0, {"firms in the tier at the end of each update year (stock)",
                                 "各更新年度末在册企业数（存量）"}},
    [GP_FAN_STOCK_YEAR] = {0, {"firms in the tier at the end of each year (stock)",
                               "各年末在册企业数（存量）"}},
    [GP_FAN_NEW_SINCE] = {FMT, {"new firms since %s", "自 %s 起新增企业数"}},
    [GP_FAN_NEW_CUM] = {FMT, {"new firms since the start of %s (cumulative)",
                              "自 %s 起新增企业数（累计）"}},
    [GP_FAN_CUM] = {0, {"firms ever certified (cumulative)", "累计认定企业数"}},
    /* filter.gp */
    [GP_FILTER_TITLE] = {FMT, {"%s: the parameters of the futures that met it and of those that "
                               "missed it",
                               "%s：达成与未达成目标的模拟中参数的分布"}},
    [GP_FILTER_PANEL] = {FMT, {"%s  (KS distance %.2f)", "%s（KS 距离 %.2f）"}},
    [GP_FILTER_XLABEL] = {0, {"value", "参数值"}},
    [GP_FILTER_YLABEL] = {0, {"share of replications at or below", "不超过该值的模拟占比"}},
    [GP_FILTER_MET] = {0, {"met", "达成"}},
    [GP_FILTER_MISSED] = {0, {"missed", "未达成"}},
    /* fit.gp */
    [GP_FIT_TITLE] = {0, {"Fit to the observed history: observed ± sd (black), fitted (red)",
                          "历史数据拟合：实际值 ± 标准差（黑），拟合值（红）"}},
    [GP_FIT_OBSERVED] = {0, {"observed ± sd", "实际值 ± 标准差"}},
    [GP_FIT_FITTED] = {0, {"fitted", "拟合值"}},
    [GP_FIT_RESIDUALS] = {0, {"standardized residuals (observed - fitted) / sd, cut at ±3",
                              "标准化残差（实际值 − 拟合值）/ 标准差，超出 ±3 截断"}},
    /* goal.gp */
    [GP_GOAL_TITLE] = {FMT, {"Goal: P(met) of %s >= %g against %s",
                             "目标反推：%s 达成概率 ≥ %g，随 %s 的变化"}},
    [GP_GOAL_ANSWER] = {FMT, {" answer %.4g", " 所需取值 %.4g"}},
    [GP_GOAL_ANSWER_RIGHT] = {FMT, {"answer %.4g ", "所需取值 %.4g "}},
    [GP_GOAL_FLAT] = {FMT, {"P(met) stays at %.3f (within 2 se) from %g to %g",
                            "达成概率保持在 %.3f（2 个标准误以内），自 %g 至 %g"}},
    [GP_GOAL_BAND_KEY] = {FMT, {"lever values where P(met) crosses %g -/+ 2 se",
                                "达成概率越过 %g ∓ 2 个标准误处的调节参数取值"}},
    [GP_GOAL_UNREACHABLE] = {0, {"not reachable in this range", "在此范围内无法达到"}},
    [GP_GOAL_WANTED] = {FMT, {"wanted: %g", "要求：%g"}},
    /* morris.gp */
    [GP_MORRIS_TITLE] = {FMT, {"Morris screening of %s: effect (mu*) against its spread (sigma)",
                               "%s 的 Morris 筛选：效应（mu*）与其离散程度（sigma）"}},
    [GP_MORRIS_X_MEAN] = {0, {"mu* on the mean of the targeted count", "对目标计数均值的 mu*"}},
    [GP_MORRIS_X_PMET] = {0, {"mu* on P(met)", "对达成概率的 mu*"}},
    /* pmet.gp */
    [GP_PMET_TITLE] = {0, {"Probability that each target is met by each year",
                           "各项目标逐年达成概率"}},
    [GP_PMET_X_UPDATE] = {0, {"end of the update year", "更新年度末"}},
    [GP_PMET_X_YEAR] = {0, {"end of year", "年末"}},
    [GP_PMET_YLABEL] = {0, {"P(threshold reached by then)", "届时达到门槛的概率"}},
    /* sobol.gp */
    [GP_SOBOL_TITLE] = {FMT, {"Sobol indices of %s", "%s 的 Sobol 指数"}},
    [GP_SOBOL_X_MEAN] = {0, {"share of the variance of the mean of the targeted count",
                             "占目标计数均值方差的比例"}},
    [GP_SOBOL_X_PMET] = {0, {"share of the variance of P(met)", "占达成概率方差的比例"}},
    [GP_SOBOL_TOTAL] = {0, {"total (ST)", "总效应（ST）"}},
    [GP_SOBOL_FIRST] = {0, {"first order (S1)", "一阶效应（S1）"}},
    [GP_SOBOL_CLIPPED] = {0, {"◀ ▶ an estimate outside [0, 1], drawn at the bound: too few "
                              "design points (raise -N)",
                              "◀ ▶ 估计值超出 [0, 1]，画在边界处：设计点太少（请增大 -N）"}},
    /* sweep.gp */
    [GP_SWEEP_TITLE] = {FMT, {"P(met) of each target as %s varies", "各目标达成概率随 %s 的变化"}},
    [GP_SWEEP_TITLE2] = {FMT, {"%s: P(met) over %s and %s", "%s：达成概率随 %s 与 %s 的变化"}},
    [GP_SWEEP_TITLE2_HEAD] = {FMT, {"%s:", "%s："}},
    [GP_SWEEP_TITLE2_OVER] = {FMT, {"P(met) over %s and %s", "达成概率随 %s 与 %s 的变化"}},
    /* tornado.gp */
    [GP_TORNADO_TITLE] = {FMT, {"What moves %s", "影响 %s 的因素"}},
    [GP_TORNADO_X_MEAN] = {0, {"mean of the targeted count in the end year",
                               "期末年目标计数的均值"}},
    [GP_TORNADO_X_LINE] = {0, {" (line: every parameter at its median)",
                               "（竖线：全部参数取中位数）"}},
    [GP_TORNADO_LOW] = {0, {"parameter at its 5th percentile", "参数取第 5 百分位数"}},
    [GP_TORNADO_HIGH] = {0, {"at its 95th percentile", "取第 95 百分位数"}},
    [GP_TORNADO_NONE_AT] = {FMT, {"no parameter moves it: %.4g with every parameter at its median",
                                  "没有参数能改变它：全部参数取中位数时为 %.4g"}},
    [GP_TORNADO_NONE] = {0, {"no parameter moves it", "没有参数能改变它"}},
    [GP_TORNADO_X_CHANGE] = {FMT, {"change in P(target met) from the run's %.3f (line; bars: one "
                                   "parameter at its 5th or 95th percentile, the others drawn)",
                                   "目标达成概率相对本次运行 %.3f 的变化（竖线：本次运行；条形：单个参数"
                                   "取第 5 或第 95 百分位数，其余参数照常抽样）"}},
    /* validate.gp */
    [GP_VALIDATE_TITLE] = {0, {"Where the outcomes fell in their projected distributions (PIT)",
                               "实际结果落在预测分布中的位置（PIT）"}},
    [GP_VALIDATE_XLABEL] = {0, {"PIT: the projected probability of a count below the outcome "
                                "(randomised)",
                                "PIT：预测计数低于实际值的概率（随机化）"}},
    [GP_VALIDATE_HIST] = {0, {"PIT, in tenths", "PIT（按十分位）"}},
    [GP_VALIDATE_ROWS] = {0, {"observed rows", "实际数据行"}},
    [GP_VALIDATE_RIGHT] = {FMT, {"a right projection: %g each", "预测准确时：每格 %g"}},

    /* ------------------------------------------------------------ captions */
    [CAP_TARGET] = {FMT, {"%s: %s ≥ %g", "%s：%s ≥ %g"}},
    [CAP_TARGET_NEEDS] = {FMT, {"%s: %s %g (needs %g)", "%s：%s %g（所需 %g）"}},
    [CAP_FAN] = {FMT, {"%s: stock and cumulative new firms by year (median, 50 %% and 90 %% bands)",
                       "%s：逐年存量与累计新增企业数（中位数、50%% 与 90%% 区间）"}},
    [CAP_FAN_CUM] = {FMT, {"%s: stock, cumulative new firms and firms ever certified by year "
                           "(median, 50 %% and 90 %% bands)",
                           "%s：逐年存量、累计新增企业数与累计认定企业数（中位数、50%% 与 90%% 区间）"}},
    [CAP_CARD] = {0, {"Report card: the probability that each target is met, with its 95 % "
                      "interval; the joint probability apart",
                      "目标达成情况：各项目标的达成概率及其 95% 置信区间；全部目标同时达成的概率单列"}},
    [CAP_PMET] = {0, {"The probability that each target's threshold is reached by each year",
                      "各项目标逐年达到门槛的概率"}},
    [CAP_DIST_NEW] = {FMT, {"%s: distribution of the cumulative new firms in %s, with the "
                            "target's threshold",
                            "%s：%s 累计新增企业数的分布及目标门槛"}},
    [CAP_DIST_STOCK] = {FMT, {"%s: distribution of the stock in %s, with the target's threshold",
                              "%s：%s 存量的分布及目标门槛"}},
    [CAP_DIST_CUM] = {FMT, {"%s: distribution of the firms ever certified (cumulative) in %s, "
                            "with the target's threshold",
                            "%s：%s 累计认定企业数的分布及目标门槛"}},
    [CAP_FIT] = {0, {"Fit: observed values with their sd, the fitted trajectory, and the "
                     "standardized residuals (observed - fitted) / sd",
                     "拟合：实际值及其标准差、拟合轨迹与标准化残差（实际值 − 拟合值）/ 标准差"}},
    [CAP_FIT_MORE] = {FMT, {"Fit (continued, page %zu)", "拟合（续，第 %zu 页）"}},
    [CAP_COMPARE] = {0, {"Policy comparison: the probability that each target is met, baseline "
                         "beside each policy (95 % intervals)",
                         "政策比较：基准情景与各项政策下的目标达成概率（95% 置信区间）"}},
    [CAP_COMPARE_PAGE] = {FMT, {"%s (page %zu of %zu)", "%s（第 %zu 页，共 %zu 页）"}},
    [CAP_GOAL] = {0, {"Goal seeking: P(met) against the lever, the probability wanted and the "
                      "answer with its band",
                      "目标反推：达成概率随调节参数的变化、要求的概率及答案所在区间"}},
    [CAP_VALIDATE] = {0, {"Validation: where each observed outcome fell in its projected "
                          "distribution (PIT), with the ranges that hold the 50 % and 90 % bands, "
                          "and the PITs' histogram",
                          "检验：每项实际结果在预测分布中的位置（PIT）、50% 与 90% 区间对应的范围及 "
                          "PIT 直方图"}},
    [CAP_TORNADO] = {0, {"each parameter from its 5th to its 95th percentile, the others at their "
                         "medians",
                         "每个参数从第 5 百分位数变到第 95 百分位数，其余参数取中位数"}},
    [CAP_TORNADO_PMET] = {0, {" (for P(met): the others drawn as in a run, the bars from the "
                              "run's P(met))",
                              "（达成概率：其余参数照常抽样，条形自本次运行的达成概率起）"}},
    [CAP_SOBOL] = {0, {"first-order (S1) and total (ST) Sobol indices with 95 % bootstrap "
                       "intervals",
                       "一阶（S1）与总效应（ST）Sobol 指数及其 95% 自助法区间"}},
    [CAP_MORRIS] = {0, {"Morris screening: mean |elementary effect| (mu*) against its spread "
                        "(sigma)",
                        "Morris 筛选：基本效应绝对值的均值（mu*）与其离散程度（sigma）"}},
    [CAP_FILTER] = {FMT, {"%s: where the replications that met the target and those that missed "
                          "it differ most (Monte Carlo filtering, the parameters with the largest "
                          "Kolmogorov-Smirnov distance)",
                          "%s：达成与未达成目标的模拟差别最大的参数（蒙特卡洛过滤，按 "
                          "Kolmogorov-Smirnov 距离取最大者）"}},
    [CAP_SWEEP] = {FMT, {"P(met) of every target as %s varies (95 %% bands), the other "
                         "parameters drawn as usual",
                         "各目标达成概率随 %s 的变化（95%% 区间），其余参数照常抽样"}},

    /* --------------------------------------------------------- report.html */
    [HTML_LANG] = {0, {"en", "zh-Hans"}},
    [HTML_SCENARIO] = {0, {"scenario", "情景"}},
    [HTML_YEARS] = {0, {"years", "年份"}},
    [HTML_START] = {0, {"start", "起始"}},
    [HTML_KNOWN] = {0, {"known until", "信息截至"}},
    [HTML_POLICIES] = {0, {"policies", "政策"}},
    [HTML_REPLICATIONS] = {0, {"replications", "模拟次数"}},
    [HTML_SEED] = {0, {"seed", "随机种子"}},
    [HTML_CARD] = {0, {"Report card", "目标达成情况"}},
    [HTML_CARD_HEAD] = {0, {"<thead><tr><th class=\"l\">target</th><th class=\"l\">measure</th>"
                            "<th>target</th><th>needs</th><th>P(met)</th>"
                            "<th>95&nbsp;% interval</th><th class=\"l\">verdict</th>"
                            "<th>5&nbsp;% / 50&nbsp;% / 95&nbsp;% in the end year</th></tr>"
                            "</thead>",
                            "<thead><tr><th class=\"l\">目标</th><th class=\"l\">口径</th>"
                            "<th>目标值</th><th>所需</th><th>达成概率</th>"
                            "<th>95% 置信区间</th><th class=\"l\">判断</th>"
                            "<th>期末 5% / 50% / 95% 分位数</th></tr></thead>"}},
    [HTML_CARD_ALL] = {0, {"all targets, in the same replication",
                           "全部目标（在同一次模拟中同时达成）"}},
    [HTML_CARD_NOTE] = {0, {"P(met) is the share of replications that reach the threshold (the "
                            "target less its tolerance); the verdict is <em>likely</em> at "
                            "P&nbsp;&ge;&nbsp;0.8, <em>unlikely</em> at P&nbsp;&le;&nbsp;0.2, "
                            "otherwise <em>uncertain</em>.",
                            "达成概率是达到门槛（目标值扣除容差）的模拟次数所占比例；达成概率 "
                            "&ge;&nbsp;0.8 判断为<em>可能达成</em>，&le;&nbsp;0.2 为<em>难以达成"
                            "</em>，其余为<em>不确定</em>。"}},
    [HTML_CARD_NEEDS_NOTE] = {0, {"<em>needs</em> is the whole number of firms that meets the "
                                  "target after its tolerance (in brackets the exact threshold, the "
                                  "target less its tolerance, where that is not a whole number). ",
                                  "<em>所需</em>是计入容差后达成目标所需的企业数（取整；门槛即目标值扣除"
                                  "容差，不是整数时括号内为其精确值）。"}},
    [HTML_WARNINGS] = {0, {"Warnings", "警告"}},
    [HTML_FIT_TABLE] = {0, {"Fitted parameters (fit.csv)", "拟合参数（fit.csv）"}},
    [HTML_CHI2] = {FMT, {"residual chi-square %s on %s degrees of freedom (data rows and priors)",
                         "残差卡方 %s，自由度 %s（数据行与先验）"}},
    [HTML_CHI2_P] = {FMT, {", p = %s: below 0.01 the fit warns that the model does not fit",
                           "，p = %s：低于 0.01 时拟合会警告模型与数据不符"}},
    [HTML_CHI2_NO_TEST] = {0, {": no test of fit", "：无法检验拟合优度"}},
    [HTML_FIT_WARNINGS] = {0, {"Warnings of the fit", "拟合警告"}},
    [HTML_VALIDATION] = {0, {"Validation against the observed outcomes", "与实际结果对照检验"}},
    [HTML_VALIDATION_VERDICT] = {FMT, {"<p>Verdict: <strong>%s</strong> (%s observed rows). "
                                       "Furthest out: %s.</p>\n",
                                       "<p>结论：<strong>%s</strong>（%s 行实际数据）。偏离最大："
                                       "%s。</p>\n"}},
    [HTML_VALIDATION_HEAD] = {0, {"<thead><tr><th class=\"l\">statistic</th><th>value</th>"
                                  "<th>interval</th><th>expected</th><th>n</th><th>p-value</th>"
                                  "<th class=\"l\">note</th></tr></thead>",
                                  "<thead><tr><th class=\"l\">统计量</th><th>数值</th>"
                                  "<th>区间</th><th>期望</th><th>n</th><th>p 值</th>"
                                  "<th class=\"l\">说明</th></tr></thead>"}},
    [HTML_VALIDATION_NOTE] = {0, {"PIT: the projected probability of a count below the outcome, "
                                  "randomised within the outcome's own probability, so that a "
                                  "projection that is right gives PITs spread evenly over 0 to 1. "
                                  "Inside: p25 &le; outcome &le; p75 (50&nbsp;% band), p05 &le; "
                                  "outcome &le; p95 (90&nbsp;% band); a band of a count holds at "
                                  "least its nominal share, and <em>expected</em> is the share "
                                  "the projection itself gives it. CRPS: the continuous ranked "
                                  "probability score, in firms (0 for a point forecast that is "
                                  "exactly right). The verdict's three tests share a 5&nbsp;% "
                                  "false-alarm rate.",
                                  "PIT：预测计数低于实际值的概率，并在实际值本身的概率内随机化；预测"
                                  "准确时 PIT 在 0 到 1 之间均匀分布。落入区间：p25 &le; 实际值 "
                                  "&le; p75（50% 区间），p05 &le; 实际值 &le; p95（90% 区间）；"
                                  "计数的区间至少覆盖其名义比例，<em>期望</em>是预测本身给出的覆盖"
                                  "比例。CRPS：连续分级概率评分，单位为企业数（点预测完全准确时为 "
                                  "0）。结论所依据的三项检验合计误报率为 5%。"}},
    [HTML_VALIDATION_TABLE] = {0, {"Every observed outcome scored (validation.csv)",
                                   "逐项实际结果评分（validation.csv）"}},
    [HTML_COMPARE_TABLE] = {0, {"Policy comparison (compare.csv)", "政策比较（compare.csv）"}},
    [HTML_COMPARE] = {0, {"Policy comparison", "政策比较"}},
    [HTML_COMPARE_NOTE] = {0, {"P(met) of each target under each arm, and in brackets its change "
                               "from the baseline (the first column), paired on common random "
                               "numbers, &plusmn; the half-width of its 95&nbsp;% interval (1.96 "
                               "se).",
                               "各方案下各项目标的达成概率；括号内为相对基准情景（第一列）的变化，"
                               "按共同随机数配对计算，&plusmn; 为其 95% 置信区间的半宽（1.96 个标准误）。"}},
    [HTML_ALL_TARGETS] = {0, {"all targets", "全部目标"}},
    [HTML_COMPARE_MOVED] = {0, {": moved most by ", "：变化最大的方案是 "}},
    [HTML_COMPARE_CHANGE] = {FMT, {", %.3f &rarr; %.3f (%+.3f &plusmn; %.3f)",
                                   "，%.3f &rarr; %.3f（%+.3f &plusmn; %.3f）"}},
    [HTML_COMPARE_UNMOVED] = {FMT, {": %.3f; no arm changes it beyond the 95&nbsp;%% interval of "
                                    "the change",
                                    "：%.3f；没有哪个方案使其变化超出变化量的 95%% 置信区间"}},
    [HTML_GOAL] = {0, {"Goal", "目标反推"}},
    [HTML_GOAL_PMET] = {FMT, {"</strong>: P(met) &ge; %g ", "</strong>：达成概率 &ge; %g，"}},
    [HTML_GOAL_NEEDS] = {0, {"needs <code>", "需要 <code>"}},
    [HTML_GOAL_ANSWER] = {FMT, {"</code> &ge; <strong>%.4g</strong> (between %.4g and %.4g, the "
                                "values where P(met) crosses %g &minus;/+ 2 se); there P(met) = "
                                "%.3f (se %.3f",
                                "</code> &ge; <strong>%.4g</strong>（介于 %.4g 与 %.4g 之间，即达成"
                                "概率越过 %g &minus;/+ 2 个标准误之处）；此时达成概率 = %.3f（标准误 "
                                "%.3f"}},
    [HTML_GOAL_REPS] = {0, {"; replications ", "；模拟次数 "}},
    [HTML_GOAL_CLOSE] = {0, {").</p>\n", "）。</p>\n"}},
    [HTML_GOAL_UNREACHABLE] = {0, {"is <strong>not reachable</strong> with <code>",
                                   "<strong>无法达到</strong>，调节参数 <code>"}},
    [HTML_GOAL_IN] = {0, {" in ", " 取值范围 "}},
    [HTML_GOAL_TOP] = {FMT, {": P(met) is %.3f at the top of the range.</p>\n",
                             "：在范围上端达成概率为 %.3f。</p>\n"}},
    [HTML_GOAL_TABLE] = {0, {"The answer (goal.csv)", "反推结果（goal.csv）"}},
    [HTML_TORNADO] = {0, {"What moves each target (tornado)", "影响各项目标的因素（龙卷风图）"}},
    [HTML_TORNADO_HEAD] = {0, {"<thead><tr><th class=\"l\">target</th><th class=\"l\">output</th>"
                               "<th>from</th><th class=\"l\">largest swings (5th to 95th "
                               "percentile of the parameter)</th></tr></thead>",
                               "<thead><tr><th class=\"l\">目标</th><th class=\"l\">结果</th>"
                               "<th>起点</th><th class=\"l\">最大摆幅（参数从第 5 到第 95 百分位数）"
                               "</th></tr></thead>"}},
    [HTML_TORNADO_PMET] = {0, {"P(met): the run's, the others drawn",
                               "达成概率：本次运行的值，其余参数照常抽样"}},
    [HTML_TORNADO_MEAN] = {0, {"mean: every parameter at its median", "均值：全部参数取中位数"}},
    [HTML_TORNADO_SWING_P] = {FMT, {" %.3f (%.3f to %.3f)", " %.3f（%.3f 至 %.3f）"}},
    [HTML_TORNADO_SWING_M] = {FMT, {" %.4g (%.4g to %.4g)", " %.4g（%.4g 至 %.4g）"}},
    [HTML_TORNADO_NOTE] = {0, {"The mean of the targeted count with every parameter at its median, "
                               "and P(met) as the run gives it; each swing is how far one parameter "
                               "moves it from its 5th to its 95th percentile (for the mean the "
                               "others at their medians, for P(met) the others drawn as in a run); "
                               "tornado.csv has every parameter.",
                               "起点：目标计数的均值取全部参数为中位数时的值，达成概率取本次运行的值；"
                               "每项摆幅是单个参数从第 5 百分位数变到第 95 百分位数时结果的变化（均值"
                               "时其余参数取中位数，达成概率时其余参数照常抽样）；tornado.csv 列出全部"
                               "参数。"}},
    [HTML_CHARTS] = {0, {"Charts", "图表"}},
    [HTML_NO_CHARTS] = {0, {"No charts were drawn (gnuplot was not found); <code>tiersim plot "
                            "DIR</code> draws them from this directory.",
                            "未绘制图表（未找到 gnuplot）；<code>tiersim plot DIR</code> 可根据本"
                            "目录的文件绘制。"}},
    [HTML_MANIFEST] = {0, {"Manifest", "运行记录（manifest.txt）"}},
    [HTML_FOOTER] = {FMT, {"<p class=\"note\">Written by tiersim %s from the files of this "
                           "directory; <code>tiersim plot DIR</code> redraws it.</p>\n",
                           "<p class=\"note\">由 tiersim %s 根据本目录的文件生成；<code>tiersim "
                           "plot DIR</code> 可重新生成。</p>\n"}},
};

/* Every id has a row (one missing in the middle is a NULL, which the tests
 * find; one missing at the end, a table too short, is found here). */
_Static_assert(sizeof catalogue / sizeof catalogue[0] == MSG_COUNT,
               "the catalogue has a row for every msg_id");

const char *i18n_raw(ts_lang lang, msg_id id)
{
    if ((unsigned)id >= MSG_COUNT || (unsigned)lang >= LANG_COUNT)
        return NULL;
    return catalogue[id].text[lang];
}

const char *i18n(ts_lang lang, msg_id id)
{
    if ((unsigned)lang >= LANG_COUNT)
        lang = LANG_EN;
    const char *s = i18n_raw(lang, id);
    if (!s)
        s = i18n_raw(LANG_EN, id);
    return s ? s : "";
}

int i18n_is_format(msg_id id)
{
    return (unsigned)id < MSG_COUNT && catalogue[id].fmt == FMT;
}

int i18n_fprintf(FILE *f, ts_lang lang, msg_id id, ...)
{
    va_list ap;
    va_start(ap, id);
    int n = vfprintf(f, i18n(lang, id), ap);
    va_end(ap);
    return n;
}

int i18n_snprintf(char *buf, size_t len, ts_lang lang, msg_id id, ...)
{
    va_list ap;
    va_start(ap, id);
    int n = vsnprintf(buf, len, i18n(lang, id), ap);
    va_end(ap);
    return n;
}

const char *i18n_verdict(ts_lang lang, int v)
{
    static const msg_id ids[] = {[VERDICT_UNLIKELY] = MSG_VERDICT_UNLIKELY,
                                 [VERDICT_UNCERTAIN] = MSG_VERDICT_UNCERTAIN,
                                 [VERDICT_LIKELY] = MSG_VERDICT_LIKELY};
    if (v < 0 || v > VERDICT_LIKELY)
        return "";
    return i18n(lang, ids[v]);
}

const char *i18n_measure(ts_lang lang, const char *measure)
{
    static const struct {
        const char *name;
        msg_id id;
    } m[] = {{"new", MSG_MEASURE_NEW}, {"stock", MSG_MEASURE_STOCK},
             {"cumulative", MSG_MEASURE_CUMULATIVE}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcmp(measure, m[i].name))
            return i18n(lang, m[i].id);
    return measure;
}

/* ------------------------------------------------------------ languages */

static const char *const lang_names[LANG_COUNT] = {"en", "zh"};

int i18n_parse_lang(const char *s, ts_lang *out)
{
    for (int l = 0; l < LANG_COUNT; l++)
        if (!strcmp(s, lang_names[l])) {
            *out = (ts_lang)l;
            return 0;
        }
    return -1;
}

const char *i18n_lang_name(ts_lang lang)
{
    return (unsigned)lang < LANG_COUNT ? lang_names[lang] : lang_names[LANG_EN];
}

ts_lang i18n_lang_from_locale(const char *lc_all, const char *lc_messages, const char *lang)
{
    /* POSIX: LC_ALL overrides LC_MESSAGES, which overrides LANG; an empty
     * variable counts as unset. */
    const char *const vars[] = {lc_all, lc_messages, lang};
    for (size_t i = 0; i < 3; i++)
        if (vars[i] && vars[i][0])
            return !strncmp(vars[i], "zh", 2) ? LANG_ZH : LANG_EN;
    return LANG_EN;
}

/* ---------------------------------------------------------------- width */

/* Decodes one UTF-8 character at *p (advancing it); an invalid or cut
 * sequence is one byte, returned as U+FFFD. */
static uint32_t next_char(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t c = s[0];
    size_t more = c < 0x80 ? 0 : c >= 0xC2 && c < 0xE0 ? 1 : c >= 0xE0 && c < 0xF0 ? 2
                 : c >= 0xF0 && c < 0xF5 ? 3 : (size_t)-1;
    if (more == (size_t)-1) {
        *p = s + 1;
        return 0xFFFD;
    }
    c &= more ? 0x3Fu >> more : 0x7Fu;
    for (size_t i = 1; i <= more; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p = s + 1;
            return 0xFFFD;
        }
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    *p = s + 1 + more;
    return c;
}

/* Unicode's East Asian Width W and F ranges that Chinese text uses (UAX
 * #11; the Unicode 15 table, the ranges merged where nothing between them
 * is narrow), and the combining marks that take no column. */
static const uint32_t wide[][2] = {
    {0x1100, 0x115F},   /* hangul jamo initials */
    {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},   {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},
    {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},   {0x26AA, 0x26AB},
    {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},   {0x26D4, 0x26D4},
    {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},   {0x26FA, 0x26FA},
    {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},   {0x2728, 0x2728},
    {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},   {0x2757, 0x2757},
    {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x303E},   /* CJK radicals, ideographic description, CJK punctuation 、。《》「」 */
    {0x3041, 0x33FF},   /* kana, bopomofo, hangul compatibility, kanbun, CJK strokes, enclosed, compatibility */
    {0x3400, 0x4DBF},   /* CJK extension A */
    {0x4E00, 0x9FFF},   /* CJK unified ideographs */
    {0xA000, 0xA4CF},   /* yi */
    {0xA960, 0xA97F},   /* hangul jamo extended A */
    {0xAC00, 0xD7A3},   /* hangul syllables */
    {0xF900, 0xFAFF},   /* CJK compatibility ideographs */
    {0xFE10, 0xFE19},   /* vertical forms */
    {0xFE30, 0xFE6F},   /* CJK compatibility forms, small form variants */
    {0xFF00, 0xFF60},   /* full-width forms （），：；！？ and ０-９ Ａ-Ｚ */
    {0xFFE0, 0xFFE6},   /* full-width signs ￥ */
    {0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F251}, {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF},
    {0x20000, 0x2FFFD}, /* CJK extensions B .. F, compatibility supplement */
    {0x30000, 0x3FFFD}, /* CJK extensions G, H */
};

static const uint32_t zero[][2] = {
    {0x0300, 0x036F}, {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0x302A, 0x302D}, {0x3099, 0x309A},
    {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

static int in_ranges(uint32_t c, const uint32_t (*r)[2], size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < r[mid][0])
            hi = mid;
        else if (c > r[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

size_t i18n_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c = next_char(&p);
        if (in_ranges(c, zero, sizeof zero / sizeof zero[0]))
            continue;
        w += in_ranges(c, wide, sizeof wide / sizeof wide[0]) ? 2 : 1;
    }
    return w;
}

void i18n_pad(FILE *f, const char *s, size_t width, int right_align)
{
    size_t w = i18n_width(s);
    if (!right_align)
        fputs(s, f);
    for (; w < width; w++)
        fputc(' ', f);
    if (right_align)
        fputs(s, f);
}
