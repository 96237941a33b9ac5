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
 * The expected trajectory is the exact mean recursion of the yearly update
 * (quotas as min(expected promotions, quota)), run from the first history
 * year.  A tier's level is known at the end of start_year - 1 (the scenario's
 * stock, at its mean) and at the end of every year the history gives its
 * stock; a known level is used as the starting point of the next year (so
 * each year is predicted from the observed level before it).  A history row
 * is fitted when the levels it depends on -- its tier's and, for `new` and
 * `stock`, the tiers promoting into it -- are known at the start of its year.
 *
 * Free parameters are optimised on a scale that respects their bounds
 * (logit for probabilities, log for positive values, log(1 + g) for growth);
 * a prior enters as a Gaussian penalty (value - prior mean) / prior sd, so a
 * parameter the data do not touch comes out at its prior's mean and sd.  The
 * covariance is (J'J)^-1 at the optimum, mapped back to the natural scale. */

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

typedef struct {
    size_t max_iter;       /* trust-region iterations before "did not converge" (0: 500) */
} fit_options;

/* opts may be NULL for the defaults. */
int fit_run(const scenario *s, const history *h, const fit_options *opts, fit_result **out,
            ts_err *err);
void fit_result_free(fit_result *r);    /* NULL is a no-op */

/* Replaces every fitted parameter of s by its estimate: normal(estimate, se)
 * truncated to the parameter's range, or the estimate itself when se is 0
 * or undetermined. */
int fit_apply(scenario *s, const fit_result *r, ts_err *err);

/* The distribution fit_apply would write, in the scenario grammar. */
int fit_format_fitted(const scenario *s, const fit_estimate *e, char *buf, size_t len);

#endif
