/*
 * dist.h -- named probability distributions over gsl_ran_*.
 *
 * A scenario writes a distribution as NAME(P1[, P2]), for example
 * "exponential(2ms)" or "uniform(1ms, 3ms)".  This module owns the names,
 * the number and meaning of the parameters and which of them carry the
 * quantity's unit (a time, a size); the scenario loader parses the text and
 * the units and hands over a struct dist in base units (ns for times).
 *
 *   constant(v)            always v
 *   exponential(mean)      mean v                      (gsl_ran_exponential)
 *   uniform(lo, hi)        flat on [lo, hi)            (gsl_ran_flat)
 *   normal(mean, sd)       Gaussian, clamped at 0      (gsl_ran_gaussian)
 *   lognormal(median, s)   exp(N(ln median, s)); s unitless (gsl_ran_lognormal)
 *   pareto(scale, shape)   x >= scale, tail index shape; shape unitless
 *                                                     (gsl_ran_pareto)
 */
#ifndef TWSIM_DIST_H
#define TWSIM_DIST_H

#include <stddef.h>

#include "sim/rng.h"

enum dist_kind {
	DIST_CONSTANT,
	DIST_EXPONENTIAL,
	DIST_UNIFORM,
	DIST_NORMAL,
	DIST_LOGNORMAL,
	DIST_PARETO,
	DIST_NKINDS
};

struct dist {
	enum dist_kind	kind;
	double		p[2];		/* parameters, in base units */
};

struct dist_info {
	const char	*name;		/* "exponential" */
	int		 nparams;	/* 1 or 2 */
	const char	*param_names[2];/* "mean", ... */
	int		 param_has_unit[2]; /* 1: carries the quantity's unit */
	const char	*meaning;	/* one line for docs and --help */
};

const struct dist_info	*dist_info(enum dist_kind kind);
/* Kind by name; returns -1 when unknown. */
int			 dist_kind_by_name(const char *name);
/* Check parameters (e.g. uniform lo <= hi, positive mean); 0 or -1 + err. */
int			 dist_validate(const struct dist *d, char *err, size_t errlen);
/*
 * The same, but messages show parameter i as text[i] (the value as the user
 * wrote it, "5ms") instead of its number in base units; text or text[i]
 * may be NULL.
 */
int			 dist_validate_text(const struct dist *d,
			    const char *const *text, char *err, size_t errlen);
/* Draw one value (never negative). */
double			 dist_sample(const struct dist *d, struct rng *r);
/* Expected value, for reports and predictions (INFINITY if undefined). */
double			 dist_mean(const struct dist *d);
/*
 * Format as a scenario would write it, parameters in base units, e.g.
 * "uniform(1000000, 3000000)"; returns what snprintf would (>= len:
 * truncated), or -1 for an unknown kind.
 */
int			 dist_format(const struct dist *d, char *buf, size_t len);

#endif /* TWSIM_DIST_H */
