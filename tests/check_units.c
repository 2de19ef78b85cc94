/*
 * check_units.c -- scenario values: times, sizes, rates, probabilities,
 * ports, addresses, distributions and rate steps, parsed exactly into base
 * units with errors that name the expected units; and the canonical text
 * that reads back to the same value.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenario.h"
#include "scenarios/units.h"

static char err[512];

static sim_time_t
t_ok(const char *s)
{
	sim_time_t t = -1;

	ck_assert_msg(units_parse_time(s, &t, err, sizeof(err)) == 0,
	    "'%s': %s", s, err);
	return t;
}

static void
t_bad(const char *s, const char *needle)
{
	sim_time_t t;

	err[0] = '\0';
	ck_assert_msg(units_parse_time(s, &t, err, sizeof(err)) != 0,
	    "'%s' accepted", s);
	ck_assert_msg(strstr(err, needle) != NULL, "'%s': '%s' lacks '%s'",
	    s, err, needle);
}

/*
 * Ranges are inclusive; a CIDR block gives its host addresses (no
 * network or broadcast address), except /31 (RFC 3021) and /32.
 */
START_TEST(test_ipv4_ranges_and_cidr_blocks)
{
	uint32_t a, b;

	ck_assert_int_eq(units_parse_ipv4_range(" 10.0.1.1 - 10.0.1.20 ", &a,
	    &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(a, 0x0a000101u);
	ck_assert_uint_eq(b, 0x0a000114u);
	ck_assert_int_eq(units_parse_ipv4_range("10.0.1.0/30", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(a, 0x0a000101u);
	ck_assert_uint_eq(b, 0x0a000102u);
	ck_assert_int_eq(units_parse_ipv4_range("10.0.1.0/24", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(b - a + 1, 254);
	ck_assert_int_eq(units_parse_ipv4_range("10.0.1.2/31", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(a, 0x0a000102u);
	ck_assert_uint_eq(b, 0x0a000103u);
	ck_assert_int_eq(units_parse_ipv4_range("10.0.1.9/32", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(a, b);
	ck_assert_int_eq(units_parse_ipv4_range("10.0.1.9", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(a, 0x0a000109u);
	ck_assert_uint_eq(b, a);
	ck_assert_int_eq(units_parse_ipv4_range("0.0.0.0/0", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(a, 1);
	ck_assert_uint_eq(b, 0xfffffffeu);
	ck_assert_int_ne(units_parse_ipv4_range("10.0.1.9-10.0.1.1", &a, &b,
	    err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "below the first"));
	ck_assert_int_ne(units_parse_ipv4_range("10.0.1.1/24", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "host bits set (the network is "
	    "10.0.1.0/24)"));
	ck_assert_int_ne(units_parse_ipv4_range("10.0.1.0/33", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_ipv4_range("10.0.1.0/-1", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_ipv4_range("10.0.1.0/2x", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_ipv4_range("10.0.1.1-", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "'10.0.1.1-' is not an address "
	    "range"));
}
END_TEST

START_TEST(test_time_units_scale_exactly)
{
	ck_assert_int_eq(t_ok("1.5s"), 1500000000LL);
	ck_assert_int_eq(t_ok("250ms"), 250000000LL);
	ck_assert_int_eq(t_ok("2min"), 120000000000LL);
	ck_assert_int_eq(t_ok("30s"), 30 * SIM_SEC);
	ck_assert_int_eq(t_ok("7us"), 7000);
	ck_assert_int_eq(t_ok("12ns"), 12);
	ck_assert_int_eq(t_ok("0.5us"), 500);
	ck_assert_int_eq(t_ok(" 3 s "), 3 * SIM_SEC);
	ck_assert_int_eq(t_ok(".25s"), 250 * SIM_MSEC);
	/* 0.1 is not exact in binary; the decimal parse is. */
	ck_assert_int_eq(t_ok("0.1s"), 100000000LL);
}
END_TEST

START_TEST(test_time_bare_zero_is_allowed_other_bare_numbers_are_not)
{
	ck_assert_int_eq(t_ok("0"), 0);
	ck_assert_int_eq(t_ok("0.0"), 0);
	t_bad("5", "missing unit");
	t_bad("5", "ns, us, ms, s, min");
}
END_TEST

START_TEST(test_time_rejects_bad_units_negative_overflow_and_junk)
{
	t_bad("10sec", "unknown unit 'sec'");
	t_bad("10sec", "ns, us, ms, s, min");
	t_bad("-1s", "negative");
	t_bad("1000000000min", "out of range");
	t_bad("99999999999999999999s", "not a time");
	t_bad("1.5ns", "whole number");
	t_bad("abc", "not a time");
	t_bad("", "empty");
}
END_TEST

/* An exponent is read exactly, and a value too large says so in its text. */
START_TEST(test_time_exponent_is_exact_and_overflow_names_the_value)
{
	ck_assert_int_eq(t_ok("1e3s"), 1000 * SIM_SEC);
	ck_assert_int_eq(t_ok("1.5E3ms"), 1500 * SIM_MSEC);
	ck_assert_int_eq(t_ok("2.5e-3s"), 2500 * SIM_USEC);
	ck_assert_int_eq(t_ok("1e+2us"), 100 * SIM_USEC);
	ck_assert_int_eq(t_ok("0e999s"), 0);
	ck_assert_int_eq(t_ok("9.223372036854775807e18ns"), INT64_MAX);
	t_bad("1e15s", "time '1e15s' is out of range (at most 9223372036s");
	t_bad("1e999999999s", "time '1e999999999s' is out of range");
	t_bad("1e-10s", "whole number of ns");
	t_bad("1e-999s", "whole number of ns");
	/* 'e' without digits is no exponent: the unit is wrong. */
	t_bad("1es", "unknown unit 'es'");
	t_bad("1e+s", "unknown unit 'e+s'");
}
END_TEST

START_TEST(test_time_largest_value_fits_int64)
{
	sim_time_t t;

	ck_assert_int_eq(units_parse_time("9223372036854775807ns", &t, err,
	    sizeof(err)), 0);
	ck_assert(t == INT64_MAX);
	ck_assert_int_ne(units_parse_time("9223372036854775808ns", &t, err,
	    sizeof(err)), 0);
}
END_TEST

START_TEST(test_size_binary_and_decimal_units)
{
	uint64_t b;

	ck_assert_int_eq(units_parse_size("1KiB", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 1024);
	ck_assert_int_eq(units_parse_size("1KB", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 1000);
	ck_assert_int_eq(units_parse_size("16KiB", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 16384);
	ck_assert_int_eq(units_parse_size("1.5KiB", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 1536);
	ck_assert_int_eq(units_parse_size("2MiB", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 2 * 1024 * 1024);
	ck_assert_int_eq(units_parse_size("3MB", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 3000000);
	ck_assert_int_eq(units_parse_size("512B", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 512);
	ck_assert_int_eq(units_parse_size("0", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 0);
}
END_TEST

START_TEST(test_size_rejects_missing_unit_and_fractional_bytes)
{
	uint64_t b;

	ck_assert_int_ne(units_parse_size("100", &b, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "KiB"));
	ck_assert_int_ne(units_parse_size("0.5B", &b, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_size("1kb", &b, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "unknown unit 'kb'"));
	ck_assert_int_ne(units_parse_size("-1KiB", &b, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_rate_needs_per_second)
{
	double r;

	ck_assert_int_eq(units_parse_rate("10/s", &r, err, sizeof(err)), 0);
	ck_assert(r == 10);
	ck_assert_int_eq(units_parse_rate("0.5/s", &r, err, sizeof(err)), 0);
	ck_assert(r == 0.5);
	ck_assert_int_eq(units_parse_rate("0", &r, err, sizeof(err)), 0);
	ck_assert(r == 0);
	ck_assert_int_ne(units_parse_rate("10", &r, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "/s"));
	ck_assert_int_ne(units_parse_rate("10/min", &r, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_rate("-1/s", &r, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_rate("inf/s", &r, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_rate("nan/s", &r, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_probability_is_between_0_and_1)
{
	double p;

	ck_assert_int_eq(units_parse_prob("0.001", &p, err, sizeof(err)), 0);
	ck_assert(p == 0.001);
	ck_assert_int_eq(units_parse_prob("1", &p, err, sizeof(err)), 0);
	ck_assert_int_eq(units_parse_prob("1e-3", &p, err, sizeof(err)), 0);
	ck_assert(p == 0.001);
	ck_assert_int_ne(units_parse_prob("1.5", &p, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_prob("-0.1", &p, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_prob("0.1%", &p, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_ports_ranges_and_addresses)
{
	int a, b;
	uint16_t port;
	uint32_t addr;
	int64_t i;
	uint64_t u;

	ck_assert_int_eq(units_parse_portrange("10000-10999", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(a, 10000);
	ck_assert_int_eq(b, 10999);
	ck_assert_int_eq(units_parse_portrange("5-4", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_portrange("0-10", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_portrange("1-70000", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_portrange("1000", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(units_parse_port("0", 1, &port, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_port("0", 0, &port, err, sizeof(err)), 0);
	ck_assert_int_eq(units_parse_ipv4("10.0.0.1", &addr, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(addr, 0x0a000001u);
	ck_assert_int_ne(units_parse_ipv4("10.0.0", &addr, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_ipv4("10.0.0.256", &addr, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(units_parse_int("-42", &i, err, sizeof(err)), 0);
	ck_assert_int_eq(i, -42);
	ck_assert_int_ne(units_parse_int("4x", &i, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_int("99999999999999999999", &i, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(units_parse_uint64("18446744073709551615", &u, err,
	    sizeof(err)), 0);
	ck_assert(u == UINT64_MAX);
}
END_TEST

START_TEST(test_dist_parameters_carry_time_units)
{
	struct dist d;

	ck_assert_int_eq(units_parse_dist("exponential(2ms)", &d, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(d.kind, DIST_EXPONENTIAL);
	ck_assert(d.p[0] == 2e6);
	ck_assert_int_eq(units_parse_dist("uniform(1ms, 3ms)", &d, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(d.kind, DIST_UNIFORM);
	ck_assert(d.p[0] == 1e6 && d.p[1] == 3e6);
	/* lognormal's spread and pareto's shape carry no unit. */
	ck_assert_int_eq(units_parse_dist("lognormal(10ms, 0.5)", &d, err,
	    sizeof(err)), 0);
	ck_assert(d.p[0] == 1e7 && d.p[1] == 0.5);
	ck_assert_int_eq(units_parse_dist("pareto(1ms, 2.5)", &d, err,
	    sizeof(err)), 0);
	ck_assert(d.p[1] == 2.5);
	ck_assert_int_eq(units_parse_dist("normal(5ms, 1ms)", &d, err,
	    sizeof(err)), 0);
	/* A plain time is a constant. */
	ck_assert_int_eq(units_parse_dist("2ms", &d, err, sizeof(err)), 0);
	ck_assert_int_eq(d.kind, DIST_CONSTANT);
	ck_assert(d.p[0] == 2e6);
}
END_TEST

START_TEST(test_dist_errors_name_the_choices)
{
	struct dist d;

	ck_assert_int_ne(units_parse_dist("expo(2ms)", &d, err, sizeof(err)),
	    0);
	ck_assert_ptr_nonnull(strstr(err, "unknown distribution 'expo'"));
	ck_assert_ptr_nonnull(strstr(err, "exponential"));
	ck_assert_int_ne(units_parse_dist("uniform(1ms)", &d, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "2 parameters"));
	ck_assert_int_ne(units_parse_dist("constant(1ms, 2ms)", &d, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_dist("exponential(2)", &d, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "missing unit"));
	ck_assert_int_ne(units_parse_dist("lognormal(1ms, 1s)", &d, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_dist("uniform(3ms, 1ms)", &d, err,
	    sizeof(err)), 0);
	/* The parameters as written, not in nanoseconds. */
	ck_assert_str_eq(err, "uniform: lo (3ms) must not exceed hi (1ms)");
	ck_assert_int_ne(units_parse_dist("exponential( 0s )", &d, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(err, "exponential: mean (0s) must be positive");
	ck_assert_int_ne(units_parse_dist("pareto(1ms, 0)", &d, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(err, "pareto: shape (0) must be positive");
	ck_assert_int_ne(units_parse_dist("lognormal(1ms, 1e400)", &d, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "'1e400' is not a plain number"));
	ck_assert_int_ne(units_parse_dist("exponential(2ms", &d, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_dist("fast", &d, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_rate_steps_start_times_increase)
{
	struct scenario_rate_step *s;
	size_t n;

	ck_assert_int_eq(units_parse_rate_steps("10/s, 50/s@60s, 20/s@120s",
	    &s, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert(s[0].start == 0 && s[0].rate == 10);
	ck_assert(s[1].start == 60 * SIM_SEC && s[1].rate == 50);
	ck_assert(s[2].start == 120 * SIM_SEC && s[2].rate == 20);
	free(s);
	ck_assert_int_eq(units_parse_rate_steps("5/s@10s", &s, &n, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(s[0].start == 10 * SIM_SEC);
	free(s);
	ck_assert_int_ne(units_parse_rate_steps("10/s, 50/s", &s, &n, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "@START"));
	ck_assert_int_ne(units_parse_rate_steps("10/s, 5/s@60s, 1/s@30s", &s,
	    &n, err, sizeof(err)), 0);
	ck_assert_int_ne(units_parse_rate_steps("10/s, 5/s@0s", &s, &n, err,
	    sizeof(err)), 0);
	ck_assert_int_ne(units_parse_rate_steps("10/s, 5/s@1", &s, &n, err,
	    sizeof(err)), 0);
}
END_TEST

START_TEST(test_canonical_text)
{
	char b[128];
	struct dist d;
	struct scenario_rate_step st[2] = { { 0, 10 }, { 60 * SIM_SEC, 2.5 } };

	ck_assert_str_eq(units_format_time(1500000000LL, b, sizeof(b)),
	    "1500ms");
	ck_assert_str_eq(units_format_time(30 * SIM_SEC, b, sizeof(b)), "30s");
	ck_assert_str_eq(units_format_time(0, b, sizeof(b)), "0s");
	ck_assert_str_eq(units_format_time(1, b, sizeof(b)), "1ns");
	ck_assert_str_eq(units_format_time(120 * SIM_SEC, b, sizeof(b)),
	    "120s");
	ck_assert_str_eq(units_format_size(1024, b, sizeof(b)), "1KiB");
	ck_assert_str_eq(units_format_size(1000, b, sizeof(b)), "1000B");
	ck_assert_str_eq(units_format_size(16384, b, sizeof(b)), "16KiB");
	ck_assert_str_eq(units_format_size(0, b, sizeof(b)), "0B");
	ck_assert_str_eq(units_format_double(0.001, b, sizeof(b)), "0.001");
	ck_assert_str_eq(units_format_double(10, b, sizeof(b)), "10");
	ck_assert_str_eq(units_format_double(0.1 + 0.2, b, sizeof(b)),
	    "0.30000000000000004");
	ck_assert_str_eq(units_format_rate(10, b, sizeof(b)), "10/s");
	ck_assert_str_eq(units_format_rate_steps(st, 2, b, sizeof(b)),
	    "10/s, 2.5/s@60s");
	ck_assert_str_eq(units_format_ipv4(0x0a000001u, b, sizeof(b)),
	    "10.0.0.1");
	ck_assert_int_eq(units_parse_dist("uniform( 1ms ,3000us )", &d, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(units_format_dist(&d, b, sizeof(b)),
	    "uniform(1ms, 3ms)");
	ck_assert_int_eq(units_parse_dist("lognormal(1.5ms, 0.25)", &d, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(units_format_dist(&d, b, sizeof(b)),
	    "lognormal(1500us, 0.25)");
}
END_TEST

START_TEST(test_canonical_time_reads_back_to_the_same_value)
{
	static const sim_time_t v[] = {
		1, 999, 1000, 1500000, 2 * SIM_SEC, 90 * SIM_SEC + 1,
		INT64_MAX, 123456789012345LL
	};
	char b[64];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_int_eq(t_ok(units_format_time(v[i], b, sizeof(b))),
		    v[i]);
}
END_TEST

/* PORT-1: a reversed range is accepted and kept as written. */
START_TEST(test_port1_reversed_range_is_accepted)
{
	int a, b;

	ck_assert_int_eq(units_parse_portrange("10999-10000", &a, &b, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(a, 10999);
	ck_assert_int_eq(b, 10000);
}
END_TEST

static Suite *
units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_port1_reversed_range_is_accepted);
	tcase_add_test(tc, test_time_units_scale_exactly);
	tcase_add_test(tc, test_ipv4_ranges_and_cidr_blocks);
	tcase_add_test(tc,
	    test_time_bare_zero_is_allowed_other_bare_numbers_are_not);
	tcase_add_test(tc,
	    test_time_rejects_bad_units_negative_overflow_and_junk);
	tcase_add_test(tc,
	    test_time_exponent_is_exact_and_overflow_names_the_value);
	tcase_add_test(tc, test_time_largest_value_fits_int64);
	tcase_add_test(tc, test_size_binary_and_decimal_units);
	tcase_add_test(tc, test_size_rejects_missing_unit_and_fractional_bytes);
	tcase_add_test(tc, test_rate_needs_per_second);
	tcase_add_test(tc, test_probability_is_between_0_and_1);
	tcase_add_test(tc, test_ports_ranges_and_addresses);
	tcase_add_test(tc, test_dist_parameters_carry_time_units);
	tcase_add_test(tc, test_dist_errors_name_the_choices);
	tcase_add_test(tc, test_rate_steps_start_times_increase);
	tcase_add_test(tc, test_canonical_text);
	tcase_add_test(tc, test_canonical_time_reads_back_to_the_same_value);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(units_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
