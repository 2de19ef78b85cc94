/*
 * stats.c -- mean, sample standard deviation, Student-t confidence
 * intervals and quantiles, computed with GSL.
 *
 * Every function accepts any n, and answers NAN where the statistic does
 * not exist (the mean of nothing, the spread of one value), rather than
 * passing GSL an argument that its default error handler would abort on:
 * one replication is a normal situation for a report, not an error.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/stats.h"

double
stats_mean(const double *x, size_t n)
{

	if (n == 0)
		return (NAN);
	return (gsl_stats_mean(x, 1, n));
}

double
stats_sd(const double *x, size_t n)
{

	if (n < 2)
		return (NAN);
	return (gsl_stats_sd(x, 1, n));
}

double
stats_t95(size_t n)
{

	if (n < 2)
		return (NAN);
	/* Two-sided 95%: 2.5% in each tail. */
	return (gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)));
}

double
stats_ci95_half(const double *x, size_t n)
{

	if (n < 2)
		return (NAN);
	return (stats_t95(n) * stats_sd(x, n) / sqrt((double)n));
}

void
stats_ci95(const double *x, size_t n, struct stats_ci *out)
{

	out->n = n;
	out->mean = stats_mean(x, n);
	out->sd = stats_sd(x, n);
	out->half = stats_ci95_half(x, n);
	if (n < 2) {
		out->low = NAN;
		out->high = NAN;
	} else {
		out->low = out->mean - out->half;
		out->high = out->mean + out->half;
	}
}

double
stats_quantile_sorted(const double *x, size_t n, double p)
{

	if (n == 0 || !(p >= 0.0 && p <= 1.0))
		return (NAN);
	return (gsl_stats_quantile_from_sorted_data(x, 1, n, p));
}

double
stats_quantile_select(double *x, size_t n, double p)
{
	double index, delta, lo, hi;
	size_t lhs, i;

	if (n == 0 || !(p >= 0.0 && p <= 1.0))
		return (NAN);
	/*
	 * gsl_stats_quantile_from_sorted_data(): the order statistic at
	 * floor(p (n - 1)) and the next, weighted by the fraction.  After
	 * gsl_stats_select() puts the former in place, x[lhs + 1 ..] hold
	 * the larger values, so the next is their least.
	 */
	index = p * (double)(n - 1);
	lhs = (size_t)index;
	delta = index - (double)lhs;
	lo = gsl_stats_select(x, 1, n, lhs);
	if (lhs == n - 1)
		return (lo);
	hi = x[lhs + 1];
	for (i = lhs + 2; i < n; i++)
		if (x[i] < hi)
			hi = x[i];
	return ((1 - delta) * lo + delta * hi);
}

double
stats_quantile(double *x, size_t n, double p)
{

	if (n == 0)
		return (NAN);
	gsl_sort(x, 1, n);
	return (stats_quantile_sorted(x, n, p));
}
