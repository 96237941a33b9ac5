#ifndef TIERSIM_FIT_H
#define TIERSIM_FIT_H

#include <stddef.h>

#include "history.h"
#include "scenario.h"
#include "tserr.h"

/* Calibration: the parameters written `fit` or `fit(PRIOR)` are estimated by
 * weighted nonlinear least squares (gsl_multifit_nlinear, trust region) of
 * the model's expected trajectory against an observed history.
 *
 * The expected trajectory is the exact mean recursion of the yearly update,
 * on the values yearly_fill puts in force in each update year (@YEAR values,
 * the inflow's growth recursion), in DESIGN.md's order: events (moving the
 * expected stocks by their fractions), exits, promotions, re-review of the
 * cohort certified V years before (expected counts per certificate year,
 * starting from scenario_cohorts of the stock), inflow.  Caps count as
 * E[min(draw, Q)]: for an inflow_quota the Poisson (negative binomial with a
 * dispersion) summed from its pmf; for a transition quota B ~ Binomial(n, p)
 * out of the expected survivors n, linear between the whole numbers around
 * n.  A year before start_year has start_year's values, its inflow carried
 * back by the growth.  It is run from the first history year.  A tier's
 * level is known at the end of start_year - 1 (the scenario's stock, at its
 * mean; cumulative_start for the level `cumulative`) and at the end of every
 * year the history gives its stock (or cumulative); a known level is used as
 * the starting point of the next year (so each year is predicted from the
 * observed level before it; an observed stock keeps the predicted shares of
 * its certificate cohorts, and at the start the scenario's).  A history row
 * is fitted when the levels it depends on -- its tier's and, for `new`,
 * `stock`, `moved_in` and `cumulative`, those of the tiers moving or
 * promoting into it -- are known at the start of its year.
 *
 * Free parameters are optimised on a scale that respects their support:
 * the parameter's range, narrowed by a prior's support (uniform(0, 20) for
 * an inflow: (0, 20)).  A bounded support (lo, hi) is a scaled logit, z =
 * log((x - lo) / (hi - x)) (for a probability without a narrower prior the
 * plain logit); a half-line (lo, inf) is log(x - lo) (log(1 + g) for growth).
 * The scale depends only on the key's range and the prior, so `renewal`,
 * event fractions and @YEAR values are treated as the keys they belong to.
 * A prior enters as a Gaussian penalty (value - prior mean) / prior sd, so a
 * parameter the data do not touch comes out at its prior's mean and sd.
 * The covariance is (J'J)^-1 at the optimum on the transformed scale: the se
 * is mapped back to the natural scale by the derivative of the transform
 * (the delta method), and the 95 % interval is z +- 1.96 se_z mapped back,
 * so it lies inside the support by construction (no clipping) and is
 * asymmetric where the support makes it so.
 *
 * The fit judges itself, in warnings (data, never printed here): a residual
 * chi-square (data rows and priors) whose p-value on its degrees of freedom
 * is below FIT_GOF_P names the largest standardized residuals; an estimate
 * that could sit on an end of its support for all the chi-square can tell
 * is "at the bound" (FIT_BOUND_CHI2); a parameter the data cannot determine, two estimates correlated
 * beyond 0.95 and a prior that pins its parameter are named, and so is a
 * fitted distribution (fit_fitted_dist) that cannot have the se as its sd. */

/* The goodness-of-fit warning: P(chi2 >= observed) below FIT_GOF_P; it
 * names the largest standardized residual and the next ones, up to
 * FIT_GOF_WORST, that are at least FIT_GOF_NAME_SD. */
#define FIT_GOF_P 0.01
#define FIT_GOF_WORST 3
#define FIT_GOF_NAME_SD 2.0
/* An estimate is at the bound when moving it onto the end of its support
 * (the others held) raises the chi-square by at most FIT_BOUND_CHI2 times
 * the chi-square (times 1 below 1): a difference no history can show.  For
 * an estimate inside, where the chi-square rises as (distance / se)^2, that
 * is a bound within 3e-4 sqrt(chi2) se; an optimiser that pushes a value
 * against its bound stops much nearer (the transform's derivative, and with
 * it the gradient, vanish there), and the se then describes the bound, not
 * the data. */
#define FIT_BOUND_CHI2 1e-7

typedef struct {
    size_t param;          /* index into s->params */
    double estimate;
    double se;             /* NAN when the data and prior do not determine it */
    double lo95, hi95;     /* mapped back from the transformed scale: inside the support */
    double support_lo, support_hi;  /* the range, narrowed by the prior's support */
    int at_bound;          /* -1 at support_lo, 1 at support_hi, 0 inside (FIT_BOUND_CHI2) */
    int has_prior;
    dist prior;            /* the prior as written (with has_prior): fit_apply replaces it */
    double prior_mean, prior_sd;
} fit_estimate;

typedef struct {
    size_t row;            /* index into the history */
    double fitted;
    double residual;       /* observed - fitted */
    double standardized;   /* residual / sd */
} fit_point;

#define FIT_WARNING_MAX 640

typedef struct fit_result {
    fit_estimate *est;
    size_t n_est;
    fit_point *pts;        /* the fitted rows, in history order */
    size_t n_pts;
    size_t n_ignored;      /* history rows no known level supports */
    double chi2;           /* sum of squared standardized residuals (data rows and priors) */
    int dof;               /* residuals - free parameters */
    double p_value;        /* gsl_cdf_chisq_Q(chi2, dof); NAN for dof 0 (no test) */
    size_t iterations;
    char (*warnings)[FIT_WARNING_MAX];
    size_t n_warnings;
} fit_result;

/* The tolerances and limits of fit_run, as gsl_multifit_nlinear_parameters
 * are of GSL's solver: fill the struct with fit_opts_default, then change
 * what you need.  Each default is given with the reason for it.  "z" is the
 * transformed scale the optimiser works on (see above). */
typedef struct {
    /* Trust-region iterations before "the fit did not converge": 500.  A fit
     * of a few parameters that converges takes tens; only a fit that is
     * going nowhere reaches this. */
    size_t max_iter;
    /* GSL's step test, |dz_i| <= xtol (|z_i| + xtol): 1e-10.  A step that
     * small is negligible against any standard error a fit with data behind
     * it reports, so more iterations would not change an estimate in any
     * digit that matters. */
    double xtol;
    /* GSL's scaled-gradient test, max_i |g_i| max(|z_i|, 1) <= gtol
     * max(cost, 1): 1e-10, for the same reason. */
    double gtol;
    /* GSL's test on the relative decrease of the cost: 0, so that the step
     * and gradient tests decide; a cost that decreases slowly is not taken
     * for an optimum. */
    double ftol;
    /* Relative step of the forward-difference Jacobian (GSL's h_df):
     * GSL_SQRT_DBL_EPSILON (1.49e-8), GSL's own default, which balances the
     * truncation error of the difference against the rounding error of the
     * residuals (each a sum of a few yearly terms, close to machine
     * precision). */
    double fd_step;
    /* When the trust region cannot shrink further (GSL_ENOPROG), the point
     * is accepted as the optimum if max_i |(J'f)_i| <= noprog_gtol (1 + f'f):
     * 1e-4.  A start at the optimum, where no step can reduce the cost,
     * stops this way with a gradient at rounding level; 1e-4 is far above
     * rounding and far below the pull of data the fit does not match.  0
     * makes every such stop a failure. */
    double noprog_gtol;
    /* J is treated as singular -- some parameters undetermined, with a
     * warning -- when its smallest singular value is <= svd_rtol times the
     * largest: 1e-8, the relative error of a forward-difference Jacobian
     * with step fd_step, below which a singular value is
     * indistinguishable from 0. */
    double svd_rtol;
    /* A parameter is undetermined when its component in a singular
     * direction of J (a unit vector) exceeds null_loading in absolute value:
     * 0.3.  Small enough that every parameter of a combination of two or
     * three (inflow against exit at steady state: 0.7 each) is named, large
     * enough that one barely touched by the direction is not; 1 would name
     * none. */
    double null_loading;
    /* gsl_multifit_nlinear_covar's epsrel: 1e-12, the columns of J (in its
     * pivoted QR) with |R_kk| <= epsrel |R_11| are dropped.  Below svd_rtol,
     * so that only a direction already reported as undetermined is dropped. */
    double covar_epsrel;
} fit_opts;

/* Fills o with the defaults above. */
void fit_opts_default(fit_opts *o);

/* opts may be NULL for the defaults.  Options out of their ranges (max_iter
 * 0, a tolerance negative or not finite, fd_step not above 0, svd_rtol or
 * covar_epsrel not below 1, null_loading not in (0, 1)) are an error
 * naming the field. */
int fit_run(const scenario *s, const history *h, const fit_opts *opts, fit_result **out,
            ts_err *err);
void fit_result_free(fit_result *r);    /* NULL is a no-op */

/* The mean recursion above at theta (a value for every parameter of s, as
 * scenario_param_means gives them): pred[i] is the prediction of history row
 * i and fitted[i] whether a fit would use it (its levels are known); a row
 * that only gives the starting level gets NAN and 0.  -1 with yearly_fill's
 * message when a mean is out of range. */
int fit_predict(const scenario *s, const history *h, const double *theta, double *pred,
                char *fitted, ts_err *err);

/* What fit_fitted_dist could do with an estimate and its se. */
typedef enum {
    FIT_DIST_MATCHED = 0,   /* mean = estimate and sd = se */
    FIT_DIST_NARROWER,      /* mean = estimate, sd below the se: none of the grammar on the
                             * range has both (a rate with se^2 >= m (1 - m), ...) */
    FIT_DIST_FIXED          /* the estimate itself: se 0 or undetermined, or no distribution
                             * of the grammar with that mean */
} fit_dist_match;

/* The distribution a fitted parameter is given for the runs (fitted.ini,
 * fit_apply), on the parameter's range, of mean exactly the estimate m
 * (a normal truncated at 0 with mean 1.5e-7 and sd 77 would have mean 61)
 * and sd the se s where the range allows it:
 *  - [0, inf) (stock, inflow): gamma(shape (m / s)^2, scale s^2 / m);
 *  - [0, 1] (rates, exits, renewal, moves): beta(m k, (1 - m) k) with
 *    a + b = k = m (1 - m) / s^2 - 1.  For s^2 > m (1 - m) / 3 (k < 2) it
 *    is beta(2 m, 2 (1 - m)) instead, of sd sqrt(m (1 - m) / 3) (uniform at
 *    m = 0.5): a beta with a + b < 2 is U-shaped, most of its mass near 0
 *    and 1, which is not what a wide se means (and at s^2 >= m (1 - m) no
 *    law on [0, 1] has that mean and sd).  Where k is above the grammar's
 *    a + b <= 1e6 (an se below about sqrt(m (1 - m)) / 1000), the normal
 *    truncated to [0, 1] whose mean and sd are m and s (solved for); where
 *    m k or (1 - m) k is below beta's 1e-6, the beta of mean m with that
 *    parameter 1e-6, narrower;
 *  - (-1, inf) (growth): the normal truncated at -1 whose mean and sd are m
 *    and s (solved for, with at least 1 % of its mass above -1, the runs
 *    drawing it by redrawing: s at most 0.918 (1 + m); beyond, the widest);
 *  - the estimate itself (a stock rounded to whole firms) where the se is
 *    0 or undetermined.
 * Returns the fit_dist_match; out has the distribution. */
fit_dist_match fit_fitted_dist(const scenario *s, const fit_estimate *e, dist *out);

/* Replaces every fitted parameter of s by fit_fitted_dist's distribution. */
int fit_apply(scenario *s, const fit_result *r, ts_err *err);

/* The distribution fit_apply would write, in the scenario grammar. */
int fit_format_fitted(const scenario *s, const fit_estimate *e, char *buf, size_t len);

#endif
