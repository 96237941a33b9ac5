#ifndef TIERSIM_SENS_H
#define TIERSIM_SENS_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "tserr.h"

/* Sensitivity estimators on plain matrices: no scenario, no simulator, no
 * I/O, so that each can be checked against functions whose indices are known
 * (Ishigami, linear additive).  Every design lives on the unit cube: a
 * coordinate u in (0, 1) is a quantile of its parameter, which the caller
 * maps to a value (sensrun.c, with dist_quantile).
 *
 * Matrices are row-major: x[point * d + i] is coordinate i of a point.
 * Random choices (Morris trajectories, bootstrap resamples) take the
 * generator as the first argument `r`; the caller seeds it.  Each function
 * allocates its scratch space itself and frees it before returning. */

/* An estimate with its 95 % bootstrap percentile interval.  NaN when the
 * output does not vary (an index of a constant is undefined). */
typedef struct {
    double est, lo, hi;
} sens_ci;

#define SENS_BOOT 1000          /* bootstrap resamples used by the commands */
#define SENS_BOOT_SEED 2010UL   /* their fixed seed: intervals do not change between runs */

/* ---------------------------------------------------------------- Sobol */

/* Saltelli's design for first-order and total indices, N (d + 2) points:
 * rows 0..N-1 are A, N..2N-1 are B, and block 2 + i (rows (2 + i) N ...) is
 * AB_i, A with column i taken from B.  A and B are the left and right halves
 * of the first N points of one 2d-dimensional low-discrepancy sequence
 * (GSL's start after the origin): gsl_qrng_sobol while 2d <= 40,
 * gsl_qrng_reversehalton beyond (GSL's Sobol tables stop at 40 dimensions).
 * N a power of 2 suits Sobol best.  *design (may be NULL)
 * names the generator used.  x has N (d + 2) d elements. */
int sens_saltelli_design(size_t n, size_t d, double *x, const char **design, ts_err *err);

/* First-order and total indices from the outputs of that design, k output
 * columns side by side: y[point k + c] for its N (d + 2) points.  With V
 * the variance of a column's 2N outputs of A and B,
 *     S1_i = mean_j f(B)_j (f(AB_i)_j - f(A)_j) / V        (Saltelli et al. 2010)
 *     ST_i = mean_j (f(A)_j - f(AB_i)_j)^2 / (2 V)         (Jansen 1999)
 * (f(B) centred on the mean of the A and B outputs, which keeps the
 * expectation and removes the mean's share of the estimator's variance), and
 * 95 % percentile intervals from n_boot resamples of the N rows (each
 * resample recomputes V).  Every column is resampled by the same rows, drawn
 * from r, so a column's result is the one it has alone; n_threads share the
 * resamples and change nothing.  s1[c d + i], st[c d + i]. */
int sens_sobol(gsl_rng *r, const double *y, size_t n, size_t d, size_t k, size_t n_boot,
               int n_threads, sens_ci *s1, sens_ci *st, ts_err *err);

/* --------------------------------------------------------------- Morris */

/* Morris's grid: SENS_MORRIS_LEVELS levels per coordinate at the middles of
 * equal-probability bins, u = (2l + 1) / (2p), l = 0..p-1; a step moves one
 * coordinate by p/2 levels, SENS_MORRIS_DELTA on the quantile scale. */
#define SENS_MORRIS_LEVELS 4
#define SENS_MORRIS_DELTA 0.5

/* n_traj trajectories of d + 1 points (Morris 1991): a random start on the
 * grid, then each coordinate, in a random order, moved once by Delta (up
 * from the lower half of the levels, down from the upper half).
 * x[n_traj (d + 1) d]. */
void sens_morris_design(gsl_rng *r, size_t n_traj, size_t d, double *x);

/* Elementary effects EE = (f(x') - f(x)) / (u' - u) along each trajectory of
 * that design (u the coordinate that moved, so a downward step counts with
 * its sign).  mu_star = mean |EE| (Campolongo et al. 2007), sigma = the
 * sample sd of EE, mu = mean EE, and mu_star_ci = the half-width of a 95 %
 * interval of mu_star, 1.96 times its sd over n_boot bootstrap resamples of
 * the trajectories.  Arrays of d; mu may be NULL.  The design must be one of
 * sens_morris_design's (each step changes one coordinate). */
int sens_morris(gsl_rng *r, const double *x, const double *y, size_t n_traj, size_t d,
                size_t n_boot, double *mu_star, double *mu_star_ci, double *sigma, double *mu,
                ts_err *err);

/* ------------------------------------------------------------- tornado */

/* order[0..n-1]: the indices of v by decreasing value (NaN last; ties keep
 * index order).  For tornado bars, v is the swing |output_high - output_low|. */
void sens_order_desc(const double *v, size_t n, size_t *order);

/* ------------------------------------------------- Kolmogorov-Smirnov */

/* Two-sample statistic D = sup |F_a - F_b| of sorted samples (ties counted
 * together).  NaN when either is empty. */
double sens_ks_stat(const double *a, size_t na, const double *b, size_t nb);

/* P(K > x) of Kolmogorov's limiting distribution,
 *     Q(x) = 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2)                 for x >= 1.18,
 *     Q(x) = 1 - sqrt(2 pi) / x sum_k exp(-(2k-1)^2 pi^2 / (8 x^2))   below
 * (both series are truncated where the next term is below 1e-17). */
double sens_kolmogorov_q(double x);

/* Asymptotic p-value of D for samples of na and nb: Q((e + 0.12 + 0.11 / e) D)
 * with e = sqrt(na nb / (na + nb)) (Stephens 1970's small-sample correction). */
double sens_ks_pvalue(double d, size_t na, size_t nb);

/* Monte Carlo filtering: x[n d] parameter draws, met[n] the outcome of each
 * replication.  For each coordinate: the KS statistic and p-value between
 * the draws of the replications that met and those that missed, and the
 * median of each group.  NaN where a group is empty.  Arrays of d. */
int sens_filter(const double *x, const unsigned char *met, size_t n, size_t d, double *ks,
                double *p_value, double *median_met, double *median_missed, ts_err *err);

/* -------------------------------------------------------- variance split */

/* The law of total variance with nested replications: m outer points
 * (parameter vectors), each with n_inner replications on independent
 * streams, given by the inner means mean[m] and sample variances var[m]
 * (n_inner - 1 in the denominator).  With W = mean var (unbiased for
 * E[Var(Y | theta)]) and B = the sample variance of the means (whose
 * expectation is Var(E[Y | theta]) + W / n_inner),
 *     param  = max(0, B - W / n_inner),  chance = W,
 *     share  = param / (param + chance),
 * and share_se the sd of share over n_boot bootstrap resamples of the outer
 * points.  When params_vary is 0 (every outer point has the same parameters)
 * the parameter part is 0 by construction: param = share = share_se = 0 and
 * chance is the variance of all m n_inner replications pooled. */
typedef struct {
    double total, param, chance;
    double share, share_se;     /* share of the variance due to parameter uncertainty */
} sens_split;

int sens_var_split(gsl_rng *r, const double *mean, const double *var, size_t m, size_t n_inner,
                   int params_vary, size_t n_boot, sens_split *out, ts_err *err);

#endif
