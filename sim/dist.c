/*
 * dist.c -- named probability distributions over gsl_ran_*.
 *
 * One table, dist_table[], says everything there is to say about each kind:
 * its scenario name, its parameters' names and which of them carry the
 * quantity's unit, and a line of meaning.  The scenario parser, `--help`
 * and the docs all read it through dist_info(); nothing about a
 * distribution is written twice.
 *
 * Values are durations and sizes, so a draw is never negative: the normal
 * distribution is clamped at 0 (and dist_mean() reports the mean of the
 * clamped variable, which is what the simulation sees), and negative or
 * non-finite parameters are rejected by dist_validate().
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "sim/dist.h"

static const struct dist_info dist_table[DIST_NKINDS] = {
	[DIST_CONSTANT] = {
		.name = "constant", .nparams = 1,
		.param_names = { "v", NULL }, .param_has_unit = { 1, 0 },
		.meaning = "always v",
	},
	[DIST_EXPONENTIAL] = {
		.name = "exponential", .nparams = 1,
		.param_names = { "mean", NULL }, .param_has_unit = { 1, 0 },
		.meaning = "exponential with the given mean (memoryless arrivals)",
	},
	[DIST_UNIFORM] = {
		.name = "uniform", .nparams = 2,
		.param_names = { "lo", "hi" }, .param_has_unit = { 1, 1 },
		.meaning = "flat on [lo, hi)",
	},
	[DIST_NORMAL] = {
		.name = "normal", .nparams = 2,
		.param_names = { "mean", "sd" }, .param_has_unit = { 1, 1 },
		.meaning = "Gaussian with the given mean and standard deviation, "
		    "negative draws clamped to 0",
	},
	[DIST_LOGNORMAL] = {
		.name = "lognormal", .nparams = 2,
		.param_names = { "median", "s" }, .param_has_unit = { 1, 0 },
		.meaning = "exp(N(ln median, s)): median as given, s the unitless "
		    "spread of the logarithm",
	},
	[DIST_PARETO] = {
		.name = "pareto", .nparams = 2,
		.param_names = { "scale", "shape" }, .param_has_unit = { 1, 0 },
		.meaning = "heavy tail, x >= scale, P(X > x) = (scale/x)^shape; "
		    "infinite mean when shape <= 1",
	},
};

const struct dist_info *
dist_info(enum dist_kind kind)
{
	if ((int)kind < 0 || kind >= DIST_NKINDS)
		return NULL;
	return &dist_table[kind];
}

int
dist_kind_by_name(const char *name)
{
	int k;

	if (name == NULL)
		return -1;
	for (k = 0; k < DIST_NKINDS; k++)
		if (strcmp(dist_table[k].name, name) == 0)
			return k;
	return -1;
}

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Parameter i as a message shows it: the caller's text when it gave one
 * (the value as the user wrote it, unit and all), else the number.
 */
static const char *
param_text(const struct dist *d, const char *const *text, int i, char *buf,
    size_t len)
{
	if (text != NULL && text[i] != NULL)
		return text[i];
	snprintf(buf, len, "%g", d->p[i]);
	return buf;
}

int
dist_validate(const struct dist *d, char *err, size_t errlen)
{
	return dist_validate_text(d, NULL, err, errlen);
}

int
dist_validate_text(const struct dist *d, const char *const *text, char *err,
    size_t errlen)
{
	const struct dist_info *di;
	char a[32], b[32];
	int i;

	if (d == NULL)
		return fail(err, errlen, "no distribution");
	di = dist_info(d->kind);
	if (di == NULL)
		return fail(err, errlen, "unknown distribution kind %d",
		    (int)d->kind);
	for (i = 0; i < di->nparams; i++) {
		if (!isfinite(d->p[i]))
			return fail(err, errlen, "%s: %s (%s) must be finite",
			    di->name, di->param_names[i],
			    param_text(d, text, i, a, sizeof(a)));
		if (d->p[i] < 0)
			return fail(err, errlen,
			    "%s: %s (%s) must not be negative",
			    di->name, di->param_names[i],
			    param_text(d, text, i, a, sizeof(a)));
	}
	switch (d->kind) {
	case DIST_EXPONENTIAL:
		if (d->p[0] <= 0)
			return fail(err, errlen,
			    "exponential: mean (%s) must be positive",
			    param_text(d, text, 0, a, sizeof(a)));
		break;
	case DIST_UNIFORM:
		if (d->p[0] > d->p[1])
			return fail(err, errlen,
			    "uniform: lo (%s) must not exceed hi (%s)",
			    param_text(d, text, 0, a, sizeof(a)),
			    param_text(d, text, 1, b, sizeof(b)));
		break;
	case DIST_LOGNORMAL:
		if (d->p[0] <= 0)
			return fail(err, errlen,
			    "lognormal: median (%s) must be positive",
			    param_text(d, text, 0, a, sizeof(a)));
		break;
	case DIST_PARETO:
		if (d->p[0] <= 0)
			return fail(err, errlen,
			    "pareto: scale (%s) must be positive",
			    param_text(d, text, 0, a, sizeof(a)));
		if (d->p[1] <= 0)
			return fail(err, errlen,
			    "pareto: shape (%s) must be positive",
			    param_text(d, text, 1, a, sizeof(a)));
		break;
	case DIST_CONSTANT:
	case DIST_NORMAL:
	case DIST_NKINDS:
		break;
	}
	return 0;
}

/*
 * Parameters are assumed valid (dist_validate() at load time); even so the
 * result is clamped at 0, so "never negative" holds whatever the input.
 */
double
dist_sample(const struct dist *d, struct rng *r)
{
	gsl_rng *g = rng_gsl(r);
	double x = 0;

	switch (d->kind) {
	case DIST_CONSTANT:
		x = d->p[0];
		break;
	case DIST_EXPONENTIAL:
		x = gsl_ran_exponential(g, d->p[0]);
		break;
	case DIST_UNIFORM:
		x = gsl_ran_flat(g, d->p[0], d->p[1]);
		break;
	case DIST_NORMAL:
		/* Clamped at 0: a negative duration or size means nothing. */
		x = d->p[0] + gsl_ran_gaussian(g, d->p[1]);
		break;
	case DIST_LOGNORMAL:
		x = gsl_ran_lognormal(g, log(d->p[0]), d->p[1]);
		break;
	case DIST_PARETO:
		/* gsl_ran_pareto(r, a, b): a is the shape, b the scale. */
		x = gsl_ran_pareto(g, d->p[1], d->p[0]);
		break;
	case DIST_NKINDS:
		break;
	}
	return x > 0 ? x : 0;		/* also maps NaN to 0 */
}

double
dist_mean(const struct dist *d)
{
	double m, s, z;

	switch (d->kind) {
	case DIST_CONSTANT:
	case DIST_EXPONENTIAL:
		return d->p[0];
	case DIST_UNIFORM:
		return (d->p[0] + d->p[1]) / 2;
	case DIST_NORMAL:
		/* E[max(X, 0)] = m Phi(m/s) + s phi(m/s), X ~ N(m, s). */
		m = d->p[0];
		s = d->p[1];
		if (s <= 0)
			return m > 0 ? m : 0;
		z = m / s;
		return m * gsl_cdf_ugaussian_P(z) + s * gsl_ran_ugaussian_pdf(z);
	case DIST_LOGNORMAL:
		return d->p[0] * exp(d->p[1] * d->p[1] / 2);
	case DIST_PARETO:
		if (d->p[1] <= 1)
			return INFINITY;
		return d->p[1] * d->p[0] / (d->p[1] - 1);
	case DIST_NKINDS:
		break;
	}
	return NAN;
}

/*
 * Shortest of %.15g / %.16g / %.17g that reads back as the same double, so
 * the text is both readable ("0.1", not "0.10000000000000001") and exact.
 */
static void
fmt_double(char *buf, size_t len, double v)
{
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, len, "%.17g", v);
}

/*
 * Returns what snprintf returns: the length of the full text (>= len means
 * it was truncated), or -1 for an unknown kind.
 */
int
dist_format(const struct dist *d, char *buf, size_t len)
{
	const struct dist_info *di;
	char a[32], b[32];

	di = d == NULL ? NULL : dist_info(d->kind);
	if (di == NULL)
		return -1;
	fmt_double(a, sizeof(a), d->p[0]);
	if (di->nparams == 1)
		return snprintf(buf, len, "%s(%s)", di->name, a);
	fmt_double(b, sizeof(b), d->p[1]);
	return snprintf(buf, len, "%s(%s, %s)", di->name, a, b);
}
