/*
 * stats.h -- summary statistics over replications, on top of GSL.
 *
 * A sweep point is run several times with different seeds; the report
 * states each metric as a mean with a 95% confidence interval from
 * Student's t distribution (the replications are few, and their spread is
 * estimated from the same sample), and latencies as quantiles.  These are
 * the only statistics the analysis commands use, so they live here once,
 * tested against tabulated values.
 */
#ifndef TWSIM_STATS_H
#define TWSIM_STATS_H

#include <stddef.h>

/* Mean and 95% confidence interval of a sample of n replications. */
struct stats_ci {
	size_t	n;
	double	mean;		/* NAN when n == 0 */
	double	sd;		/* sample sd (n - 1 denominator); NAN when n < 2 */
	double	half;		/* CI half-width; NAN when n < 2 (no CI) */
	double	low;		/* mean - half; NAN when n < 2 */
	double	high;		/* mean + half; NAN when n < 2 */
};

double	stats_mean(const double *x, size_t n);	/* NAN when n == 0 */
double	stats_sd(const double *x, size_t n);	/* NAN when n < 2 */
/* Two-sided 95% Student t critical value for n samples (n - 1 dof). */
double	stats_t95(size_t n);			/* NAN when n < 2 */
/* t95(n) * sd / sqrt(n): the 95% CI half-width of the mean. */
double	stats_ci95_half(const double *x, size_t n);
void	stats_ci95(const double *x, size_t n, struct stats_ci *out);
/*
 * The p-quantile (0 <= p <= 1) of x, linear interpolation between order
 * statistics as GSL does it.  Sorts x in place.  NAN when n == 0.
 */
double	stats_quantile(double *x, size_t n, double p);
/* Same, for data the caller already sorted ascending. */
double	stats_quantile_sorted(const double *x, size_t n, double p);
/*
 * Same value as stats_quantile_sorted() on x sorted, found by selection
 * in O(n) instead of a sort (millions of values at the end of a run,
 * results.c); reorders x.  NAN when n == 0 or p is outside [0, 1].
 */
double	stats_quantile_select(double *x, size_t n, double p);

#endif /* TWSIM_STATS_H */
