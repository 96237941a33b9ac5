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
 * Free parameters are optimised on a scale that respects their bounds
 * (logit for probabilities, log for positive values, log(1 + g) for growth),
 * chosen by the parameter's range, so `renewal`, event fractions and @YEAR
 * values are treated as the keys they belong to; a prior enters as a
 * Gaussian penalty (value - prior mean) / prior sd, so a parameter the data
 * do not touch comes out at its prior's mean and sd.  The covariance is
 * (J'J)^-1 at the optimum, mapped back to the natural scale. */

typedef struct {
    size_t param;          /* index into s->params */
    double estimate;
    double se;             /* NAN when the data and prior do not determine it */
    double lo95, hi95;     /* mapped back from the transformed scale: inside the bounds */
    int has_prior;
    double prior_mean, prior_sd;
} fit_estimate;

typedef struct {
    size_t row;            /* index into the history */
    double fitted;
    double residual;       /* observed - fitted */
    double standardized;   /* residual / sd */
} fit_point;

typedef struct fit_result {
    fit_estimate *est;
    size_t n_est;
    fit_point *pts;        /* the fitted rows, in history order */
    size_t n_pts;
    size_t n_ignored;      /* history rows no known level supports */
    double chi2;           /* sum of squared standardized residuals (data rows and priors) */
    int dof;               /* residuals - free parameters */
    size_t iterations;
    char (*warnings)[320];
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

/* Replaces every fitted parameter of s by its estimate: normal(estimate, se)
 * truncated to the parameter's range, or the estimate itself when se is 0
 * or undetermined. */
int fit_apply(scenario *s, const fit_result *r, ts_err *err);

/* The distribution fit_apply would write, in the scenario grammar. */
int fit_format_fitted(const scenario *s, const fit_estimate *e, char *buf, size_t len);

#endif
