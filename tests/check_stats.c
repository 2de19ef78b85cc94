/*
 * check_stats.c -- analysis/stats.c against hand-computed values and the
 * tabulated two-sided 95% Student t critical values (12.706 for 1 degree of
 * freedom, 2.776 for 4, 2.045 for 29).
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <gsl/gsl_sort.h>

#include "analysis/stats.h"

START_TEST(test_mean_and_sample_sd_of_known_sample)
{
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };

	ck_assert_double_eq_tol(stats_mean(x, 8), 5.0, 1e-12);
	/* Sum of squared deviations 32, n - 1 = 7 (not the population 2.0). */
	ck_assert_double_eq_tol(stats_sd(x, 8), sqrt(32.0 / 7.0), 1e-12);
}
END_TEST

START_TEST(test_t95_matches_tables)
{

	ck_assert_double_eq_tol(stats_t95(2), 12.706, 5e-4);
	ck_assert_double_eq_tol(stats_t95(5), 2.776, 5e-4);
	ck_assert_double_eq_tol(stats_t95(30), 2.045, 5e-4);
}
END_TEST

START_TEST(test_ci_half_width_n2)
{
	const double x[] = { 1, 3 };
	struct stats_ci ci;

	/* sd = sqrt(2), sqrt(n) = sqrt(2): half-width is t itself. */
	stats_ci95(x, 2, &ci);
	ck_assert_uint_eq(ci.n, 2);
	ck_assert_double_eq_tol(ci.mean, 2.0, 1e-12);
	ck_assert_double_eq_tol(ci.half, 12.706, 5e-4);
	ck_assert_double_eq_tol(ci.low, 2.0 - 12.706, 5e-4);
	ck_assert_double_eq_tol(ci.high, 2.0 + 12.706, 5e-4);
}
END_TEST

START_TEST(test_ci_half_width_n5)
{
	const double x[] = { 1, 2, 3, 4, 5 };

	/* sd = sqrt(2.5); 2.776 * 1.58114 / 2.23607 = 1.9632 */
	ck_assert_double_eq_tol(stats_ci95_half(x, 5), 1.9632, 5e-4);
}
END_TEST

START_TEST(test_ci_half_width_n30)
{
	double x[30];
	size_t i;

	for (i = 0; i < 30; i++)
		x[i] = (double)(i + 1);
	/* sd = sqrt(30 * 31 / 12); 2.045 * 8.80341 / 5.47723 = 3.2873 */
	ck_assert_double_eq_tol(stats_ci95_half(x, 30), 3.2873, 5e-4);
}
END_TEST

START_TEST(test_single_replication_has_no_interval)
{
	const double x[] = { 42 };
	struct stats_ci ci;

	stats_ci95(x, 1, &ci);
	ck_assert_double_eq(ci.mean, 42.0);
	ck_assert(isnan(ci.sd));
	ck_assert(isnan(ci.half));
	ck_assert(isnan(ci.low));
	ck_assert(isnan(ci.high));
	ck_assert(isnan(stats_t95(1)));
}
END_TEST

START_TEST(test_empty_sample_is_nan)
{
	struct stats_ci ci;

	ck_assert(isnan(stats_mean(NULL, 0)));
	ck_assert(isnan(stats_quantile(NULL, 0, 0.5)));
	stats_ci95(NULL, 0, &ci);
	ck_assert_uint_eq(ci.n, 0);
	ck_assert(isnan(ci.mean));
}
END_TEST

START_TEST(test_quantiles_interpolate_between_order_statistics)
{
	double x[] = { 4, 1, 3, 2 };	/* unsorted on purpose */

	/* Median of 1..4 is 2.5; p99 is 3 + 0.97 (position 0.99 * 3). */
	ck_assert_double_eq_tol(stats_quantile(x, 4, 0.5), 2.5, 1e-12);
	ck_assert_double_eq_tol(stats_quantile(x, 4, 0.99), 3.97, 1e-12);
	ck_assert_double_eq_tol(stats_quantile(x, 4, 1.0), 4.0, 1e-12);
	ck_assert_double_eq_tol(stats_quantile(x, 4, 0.0), 1.0, 1e-12);
	/* stats_quantile sorted in place. */
	ck_assert_double_eq(x[0], 1.0);
	ck_assert_double_eq(x[3], 4.0);
	ck_assert(isnan(stats_quantile_sorted(x, 4, 1.5)));
}
END_TEST

/*
 * Selection gives exactly the value of the sort (the TIME_WAIT and connect
 * quantiles of connection_stats, results.c): many ties, many sizes.
 */
START_TEST(test_quantile_select_equals_sorted)
{
	static const double ps[] = { 0.0, 0.01, 0.5, 0.99, 0.999, 1.0 };
	double x[1000], y[1000], sel[1000], want, got;
	uint64_t z = 7;
	size_t n, i, k;

	for (n = 1; n <= 1000; n = n < 10 ? n + 1 : n * 3 + 1) {
		for (i = 0; i < n; i++) {
			z = z * 6364136223846793005ull + 1442695040888963407ull;
			/* A value in 0..49 plus a fraction: ties and not. */
			x[i] = (double)((z >> 33) % 50) + ((z >> 20) & 1 ?
			    (double)(z >> 40) / 16777216.0 : 0.0);
		}
		memcpy(y, x, n * sizeof(*x));
		gsl_sort(y, 1, n);
		for (k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
			want = stats_quantile_sorted(y, n, ps[k]);
			memcpy(sel, x, n * sizeof(*x));
			got = stats_quantile_select(sel, n, ps[k]);
			ck_assert_msg(got == want, "n %zu p %g: select %.17g, "
			    "sorted %.17g", n, ps[k], got, want);
		}
	}
	ck_assert(isnan(stats_quantile_select(x, 0, 0.5)));
	ck_assert(isnan(stats_quantile_select(x, 4, 1.5)));
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("stats");
	tc = tcase_create("core");
	tcase_add_test(tc, test_mean_and_sample_sd_of_known_sample);
	tcase_add_test(tc, test_t95_matches_tables);
	tcase_add_test(tc, test_ci_half_width_n2);
	tcase_add_test(tc, test_ci_half_width_n5);
	tcase_add_test(tc, test_ci_half_width_n30);
	tcase_add_test(tc, test_single_replication_has_no_interval);
	tcase_add_test(tc, test_empty_sample_is_nan);
	tcase_add_test(tc, test_quantiles_interpolate_between_order_statistics);
	tcase_add_test(tc, test_quantile_select_equals_sorted);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(stats_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
