/*
 * check_dist.c -- the distribution table: names, validation messages,
 * sampling that agrees with the stated mean, never-negative draws, and
 * formatting as a scenario writes it.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/dist.h"

#define NDRAWS	200000

/*
 * Sample mean of n draws against dist_mean(), within 5 standard errors
 * (estimated from the draws) plus a hair for rounding.  The stream is
 * fixed, so the outcome is deterministic; a wrong mean formula or a wrong
 * mapping of parameters onto gsl_ran_* misses by far more than that.
 */
static void
check_mean(struct dist d, const char *stream)
{
	struct rng *r = rng_create(2024, stream);
	double x, sum = 0, sum2 = 0, mean, var, se, want;
	int i;

	ck_assert_int_eq(dist_validate(&d, NULL, 0), 0);
	for (i = 0; i < NDRAWS; i++) {
		x = dist_sample(&d, r);
		ck_assert(x >= 0);
		sum += x;
		sum2 += x * x;
	}
	mean = sum / NDRAWS;
	var = sum2 / NDRAWS - mean * mean;
	se = sqrt(var > 0 ? var / NDRAWS : 0);
	want = dist_mean(&d);
	ck_assert_msg(fabs(mean - want) <= 5 * se + 1e-9 * fabs(want),
	    "%s: sample mean %g, dist_mean %g (se %g)", stream, mean, want, se);
	rng_destroy(r);
}

START_TEST(test_constant_sample_mean_matches)
{
	check_mean((struct dist){ DIST_CONSTANT, { 7e6, 0 } }, "constant");
}
END_TEST

START_TEST(test_exponential_sample_mean_matches)
{
	check_mean((struct dist){ DIST_EXPONENTIAL, { 2e6, 0 } }, "exp");
}
END_TEST

START_TEST(test_uniform_sample_mean_matches)
{
	check_mean((struct dist){ DIST_UNIFORM, { 1e6, 3e6 } }, "uniform");
}
END_TEST

START_TEST(test_normal_sample_mean_matches)
{
	check_mean((struct dist){ DIST_NORMAL, { 50, 10 } }, "normal");
}
END_TEST

START_TEST(test_normal_clamped_at_zero_mean_matches)
{
	/* Clamping lifts the mean of N(1, 2) to about 1.396. */
	struct dist d = { DIST_NORMAL, { 1, 2 } };

	ck_assert(fabs(dist_mean(&d) - 1.3956) < 1e-3);
	check_mean(d, "normal-clamped");
}
END_TEST

START_TEST(test_lognormal_sample_mean_matches)
{
	check_mean((struct dist){ DIST_LOGNORMAL, { 1e6, 0.5 } }, "lognormal");
}
END_TEST

START_TEST(test_pareto_sample_mean_matches)
{
	check_mean((struct dist){ DIST_PARETO, { 1e6, 3 } }, "pareto");
}
END_TEST

START_TEST(test_draws_are_never_negative_and_in_support)
{
	struct dist u = { DIST_UNIFORM, { 5, 6 } };
	struct dist n = { DIST_NORMAL, { 0, 1 } };
	struct dist p = { DIST_PARETO, { 3, 1.5 } };
	struct dist c = { DIST_CONSTANT, { 0.25, 0 } };
	struct rng *r = rng_create(1, "support");
	int i, zeros = 0;
	double x;

	for (i = 0; i < 10000; i++) {
		x = dist_sample(&u, r);
		ck_assert(x >= 5 && x < 6);
		x = dist_sample(&n, r);
		ck_assert(x >= 0);
		zeros += x == 0;
		ck_assert(dist_sample(&p, r) >= 3);
		ck_assert(dist_sample(&c, r) == 0.25);
	}
	/* Half of N(0, 1) is clamped to exactly 0. */
	ck_assert(zeros > 4500 && zeros < 5500);
	/* Even unvalidated parameters never give a negative draw. */
	c.p[0] = -1;
	ck_assert(dist_sample(&c, r) == 0);
	c.p[0] = NAN;
	ck_assert(dist_sample(&c, r) == 0);
	rng_destroy(r);
}
END_TEST

START_TEST(test_pareto_mean_is_infinite_for_shape_at_most_one)
{
	struct dist d = { DIST_PARETO, { 1, 1 } };

	ck_assert(isinf(dist_mean(&d)) && dist_mean(&d) > 0);
	d.p[1] = 0.5;
	ck_assert(isinf(dist_mean(&d)));
	d.p[1] = 2;
	ck_assert(fabs(dist_mean(&d) - 2) < 1e-12);
}
END_TEST

static void
expect_invalid(struct dist d, const char *msg)
{
	char err[128] = "";

	ck_assert_int_eq(dist_validate(&d, err, sizeof(err)), -1);
	ck_assert_str_eq(err, msg);
}

START_TEST(test_validate_rejects_uniform_lo_above_hi)
{
	expect_invalid((struct dist){ DIST_UNIFORM, { 5, 3 } },
	    "uniform: lo (5) must not exceed hi (3)");
}
END_TEST

START_TEST(test_validate_rejects_negative_parameters)
{
	expect_invalid((struct dist){ DIST_CONSTANT, { -1, 0 } },
	    "constant: v (-1) must not be negative");
	expect_invalid((struct dist){ DIST_NORMAL, { 10, -2 } },
	    "normal: sd (-2) must not be negative");
	expect_invalid((struct dist){ DIST_UNIFORM, { -3, 5 } },
	    "uniform: lo (-3) must not be negative");
}
END_TEST

START_TEST(test_validate_rejects_non_finite_parameters)
{
	expect_invalid((struct dist){ DIST_EXPONENTIAL, { NAN, 0 } },
	    "exponential: mean (nan) must be finite");
	expect_invalid((struct dist){ DIST_UNIFORM, { 1, INFINITY } },
	    "uniform: hi (inf) must be finite");
}
END_TEST

START_TEST(test_validate_rejects_kind_specific_bounds)
{
	expect_invalid((struct dist){ DIST_PARETO, { 1, 0 } },
	    "pareto: shape (0) must be positive");
	expect_invalid((struct dist){ DIST_PARETO, { 0, 2 } },
	    "pareto: scale (0) must be positive");
	expect_invalid((struct dist){ DIST_LOGNORMAL, { 0, 1 } },
	    "lognormal: median (0) must be positive");
	expect_invalid((struct dist){ DIST_EXPONENTIAL, { 0, 0 } },
	    "exponential: mean (0) must be positive");
	expect_invalid((struct dist){ (enum dist_kind)DIST_NKINDS, { 1, 1 } },
	    "unknown distribution kind 6");
}
END_TEST

START_TEST(test_validate_accepts_good_parameters)
{
	static const struct dist good[] = {
		{ DIST_CONSTANT, { 0, 0 } },
		{ DIST_EXPONENTIAL, { 1e-3, 0 } },
		{ DIST_UNIFORM, { 2, 2 } },
		{ DIST_NORMAL, { 0, 0 } },
		{ DIST_LOGNORMAL, { 1, 0 } },
		{ DIST_PARETO, { 1, 0.5 } },
	};
	char err[64];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_int_eq(dist_validate(&good[i], err, sizeof(err)), 0);
	/* A one-parameter kind ignores p[1]. */
	ck_assert_int_eq(dist_validate(&(struct dist){ DIST_CONSTANT,
	    { 1, NAN } }, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_kind_by_name_finds_every_kind_and_rejects_unknown)
{
	int k;

	for (k = 0; k < DIST_NKINDS; k++)
		ck_assert_int_eq(dist_kind_by_name(dist_info(k)->name), k);
	ck_assert_int_eq(dist_kind_by_name("exponential"), DIST_EXPONENTIAL);
	ck_assert_int_eq(dist_kind_by_name("pareto"), DIST_PARETO);
	ck_assert_int_eq(dist_kind_by_name("gamma"), -1);
	ck_assert_int_eq(dist_kind_by_name(""), -1);
	ck_assert_int_eq(dist_kind_by_name("expo"), -1);
	ck_assert_int_eq(dist_kind_by_name(NULL), -1);
}
END_TEST

START_TEST(test_info_table_describes_every_kind)
{
	const struct dist_info *di;
	int k, i;

	for (k = 0; k < DIST_NKINDS; k++) {
		di = dist_info(k);
		ck_assert_ptr_nonnull(di);
		ck_assert(di->nparams == 1 || di->nparams == 2);
		for (i = 0; i < di->nparams; i++)
			ck_assert(di->param_names[i] != NULL &&
			    di->param_names[i][0] != '\0');
		ck_assert(di->meaning != NULL && di->meaning[0] != '\0');
		/* The first parameter always carries the quantity's unit. */
		ck_assert_int_eq(di->param_has_unit[0], 1);
	}
	ck_assert_ptr_null(dist_info(DIST_NKINDS));
	ck_assert_ptr_null(dist_info((enum dist_kind)-1));
	/* The unitless parameters named in dist.h. */
	ck_assert_int_eq(dist_info(DIST_LOGNORMAL)->param_has_unit[1], 0);
	ck_assert_int_eq(dist_info(DIST_PARETO)->param_has_unit[1], 0);
	ck_assert_int_eq(dist_info(DIST_UNIFORM)->param_has_unit[1], 1);
	ck_assert_int_eq(dist_info(DIST_NORMAL)->param_has_unit[1], 1);
	ck_assert_str_eq(dist_info(DIST_LOGNORMAL)->param_names[0], "median");
	ck_assert_str_eq(dist_info(DIST_PARETO)->param_names[1], "shape");
}
END_TEST

START_TEST(test_format_writes_scenario_syntax)
{
	char buf[64];

	ck_assert_int_eq(dist_format(&(struct dist){ DIST_UNIFORM,
	    { 1e6, 3e6 } }, buf, sizeof(buf)), 25);
	ck_assert_str_eq(buf, "uniform(1000000, 3000000)");
	dist_format(&(struct dist){ DIST_EXPONENTIAL, { 0.1, 9 } }, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "exponential(0.1)");
	dist_format(&(struct dist){ DIST_PARETO, { 1e6, 1.5 } }, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "pareto(1000000, 1.5)");
	ck_assert_int_eq(dist_format(&(struct dist){ DIST_NKINDS, { 0, 0 } },
	    buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(test_format_round_trips_every_double)
{
	struct dist d = { DIST_LOGNORMAL, { 1.0 / 3.0, 0.1 + 0.2 } };
	char buf[80], *p, *end;

	dist_format(&d, buf, sizeof(buf));
	p = strchr(buf, '(');
	ck_assert_ptr_nonnull(p);
	ck_assert(strtod(p + 1, &end) == d.p[0]);
	ck_assert(*end == ',');
	ck_assert(strtod(end + 1, &end) == d.p[1]);
	ck_assert_str_eq(end, ")");
}
END_TEST

START_TEST(test_format_reports_truncation_like_snprintf)
{
	char buf[8];

	ck_assert_int_eq(dist_format(&(struct dist){ DIST_CONSTANT, { 42, 0 } },
	    buf, sizeof(buf)), 12);
	ck_assert_str_eq(buf, "constan");
}
END_TEST

static Suite *
dist_suite(void)
{
	Suite *s = suite_create("dist");
	TCase *tc = tcase_create("sample");

	tcase_add_test(tc, test_constant_sample_mean_matches);
	tcase_add_test(tc, test_exponential_sample_mean_matches);
	tcase_add_test(tc, test_uniform_sample_mean_matches);
	tcase_add_test(tc, test_normal_sample_mean_matches);
	tcase_add_test(tc, test_normal_clamped_at_zero_mean_matches);
	tcase_add_test(tc, test_lognormal_sample_mean_matches);
	tcase_add_test(tc, test_pareto_sample_mean_matches);
	tcase_add_test(tc, test_draws_are_never_negative_and_in_support);
	tcase_add_test(tc, test_pareto_mean_is_infinite_for_shape_at_most_one);
	suite_add_tcase(s, tc);

	tc = tcase_create("validate");
	tcase_add_test(tc, test_validate_rejects_uniform_lo_above_hi);
	tcase_add_test(tc, test_validate_rejects_negative_parameters);
	tcase_add_test(tc, test_validate_rejects_non_finite_parameters);
	tcase_add_test(tc, test_validate_rejects_kind_specific_bounds);
	tcase_add_test(tc, test_validate_accepts_good_parameters);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_test(tc, test_kind_by_name_finds_every_kind_and_rejects_unknown);
	tcase_add_test(tc, test_info_table_describes_every_kind);
	tcase_add_test(tc, test_format_writes_scenario_syntax);
	tcase_add_test(tc, test_format_round_trips_every_double);
	tcase_add_test(tc, test_format_reports_truncation_like_snprintf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dist_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
