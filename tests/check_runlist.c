/*
 * check_runlist.c -- sets of run indices ("0,3,7-9"): what `twsim run
 * --runs` accepts and what `twsim merge --status` prints, parsed strictly
 * and written back in the same notation.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/runlist.h"

static char err[512];

/* The indices SPEC selects among n, written back ("0-2,5"). */
static const char *
roundtrip(const char *spec, size_t n)
{
	static char out[256];
	unsigned char sel[64];
	FILE *f;

	ck_assert_uint_le(n, sizeof(sel));
	ck_assert_msg(runlist_parse(spec, n, sel, err, sizeof(err)) == 0,
	    "'%s': %s", spec, err);
	f = fmemopen(out, sizeof(out), "w");
	ck_assert_ptr_nonnull(f);
	runlist_write(f, sel, n, 1);
	fclose(f);
	return out;
}

static void
bad(const char *spec, size_t n, const char *needle)
{
	unsigned char sel[64];

	err[0] = '\0';
	ck_assert_msg(runlist_parse(spec, n, sel, err, sizeof(err)) != 0,
	    "'%s' accepted", spec);
	ck_assert_msg(strstr(err, needle) != NULL, "'%s': '%s' lacks '%s'",
	    spec, err, needle);
}

START_TEST(test_indices_and_ranges)
{
	ck_assert_str_eq(roundtrip("0,3,7-9", 10), "0,3,7-9");
	ck_assert_str_eq(roundtrip("9,7-8,3,0", 10), "0,3,7-9");
	ck_assert_str_eq(roundtrip("0-9", 10), "0-9");
	ck_assert_str_eq(roundtrip("4", 10), "4");
	ck_assert_str_eq(roundtrip("1,2,3,5", 10), "1-3,5");
	/* Listed twice, run once. */
	ck_assert_str_eq(roundtrip("2,2,1-3", 10), "1-3");
	ck_assert_str_eq(roundtrip("5-5", 6), "5");
}
END_TEST

START_TEST(test_bad_spec_names_the_item)
{
	bad("", 10, "empty list");
	bad("1,,2", 10, "empty item");
	bad(",1", 10, "empty item");
	bad("1,", 10, "empty item at the end");
	bad("x", 10, "'x' in 'x' is not a run index");
	bad("1,2x", 10, "'2x' in '1,2x'");
	bad("-1", 10, "'-1'");
	bad("+1", 10, "'+1'");
	bad(" 1", 10, "' 1'");
	bad("1-", 10, "'1-' in '1-' is not a range");
	bad("1-2-3", 10, "'1-2-3'");
	bad("3-1", 10, "range '3-1' in '3-1' runs backwards");
	bad("10", 10, "run index 10 does not exist: the runs are 0-9");
	bad("8-12", 10, "run index 12 does not exist");
	bad("0", 0, "there are no runs");
	bad("99999999999999999999999", 10, "is not a run index");
}
END_TEST

START_TEST(test_count_and_write_by_state)
{
	/* merge --status: one state per index, each written as a list. */
	unsigned char st[8] = { 2, 2, 1, 0, 2, 0, 0, 2 };
	char out[64];
	FILE *f;

	ck_assert_uint_eq(runlist_count(st, 8, 2), 4);
	ck_assert_uint_eq(runlist_count(st, 8, 1), 1);
	ck_assert_uint_eq(runlist_count(st, 8, 0), 3);
	f = fmemopen(out, sizeof(out), "w");
	runlist_write(f, st, 8, 2);
	fputc('|', f);
	runlist_write(f, st, 8, 0);
	fputc('|', f);
	runlist_write(f, st, 8, 3);	/* none: nothing */
	fclose(f);
	ck_assert_str_eq(out, "0-1,4,7|3,5-6|");
}
END_TEST

static Suite *
runlist_suite(void)
{
	Suite *s = suite_create("runlist");
	TCase *tc = tcase_create("runlist");

	tcase_add_test(tc, test_indices_and_ranges);
	tcase_add_test(tc, test_bad_spec_names_the_item);
	tcase_add_test(tc, test_count_and_write_by_state);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(runlist_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
