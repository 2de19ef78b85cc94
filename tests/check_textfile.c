/*
 * check_textfile.c -- a scenario file is read whole only if it is a regular
 * text file within the size limit; anything else is refused at once, with a
 * message naming the path (and the line of a NUL byte).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/textfile.h"
#include "tests/e2e.h"

static char err[2048];

static void
setup(void)
{
	e2e_tmpdir_create("check_textfile");
}

static void
teardown(void)
{
	e2e_tmpdir_remove();
}

static void
write_bytes(const char *path, const char *bytes, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* textfile_read fails and err is exactly `want`. */
static void
refused(const char *path, size_t maxlen, const char *want)
{
	char *text = (char *)1;
	size_t len = 1;

	err[0] = '\0';
	ck_assert_int_eq(textfile_read(path, maxlen, &text, &len, err,
	    sizeof(err)), -1);
	ck_assert_ptr_null(text);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(err, want);
}

START_TEST(test_regular_file_is_read_whole)
{
	char *text;
	size_t len;

	write_bytes(e2e_path("a.ini"), "[run]\nduration = 1s\n", 20);
	ck_assert_int_eq(textfile_read(e2e_path("a.ini"), 100, &text, &len,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(len, 20);
	ck_assert_str_eq(text, "[run]\nduration = 1s\n");
	free(text);
	/* Empty is text too; the loader says what is missing. */
	write_bytes(e2e_path("e.ini"), "", 0);
	ck_assert_int_eq(textfile_read(e2e_path("e.ini"), 100, &text, &len,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(text, "");
	free(text);
}
END_TEST

START_TEST(test_size_limit_is_inclusive)
{
	char want[1200], *text;
	size_t len;
	int fd;

	/* Sparse files: the limit is checked before reading. */
	fd = open(e2e_path("big"), O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (16 << 20) + 1), 0);
	close(fd);
	snprintf(want, sizeof(want), "%s: larger than 16 MiB (16777217 "
	    "bytes)", e2e_path("big"));
	refused(e2e_path("big"), 16 << 20, want);
	write_bytes(e2e_path("fits"), "0123456789", 10);
	ck_assert_int_eq(textfile_read(e2e_path("fits"), 10, &text, &len, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(len, 10);
	free(text);
}
END_TEST

START_TEST(test_other_file_kinds_are_refused_without_blocking)
{
	char want[1200];

	refused("/dev/zero", 1 << 20,
	    "/dev/zero: not a regular file (a character device)");
	snprintf(want, sizeof(want), "%s: not a regular file (a directory)",
	    e2e_tmpdir());
	refused(e2e_tmpdir(), 1 << 20, want);
	/* No writer: a blocking open would never return. */
	ck_assert_int_eq(mkfifo(e2e_path("fifo"), 0600), 0);
	snprintf(want, sizeof(want), "%s: not a regular file (a FIFO)",
	    e2e_path("fifo"));
	refused(e2e_path("fifo"), 1 << 20, want);
	snprintf(want, sizeof(want), "%s: No such file or directory",
	    e2e_path("nosuch.ini"));
	refused(e2e_path("nosuch.ini"), 1 << 20, want);
}
END_TEST

START_TEST(test_nul_byte_is_refused_with_its_line)
{
	char want[1200];

	write_bytes(e2e_path("nul.ini"), "[run]\n\nduration\0 = 1s\n", 22);
	snprintf(want, sizeof(want), "%s:3: NUL byte (a scenario is text)",
	    e2e_path("nul.ini"));
	refused(e2e_path("nul.ini"), 100, want);
}
END_TEST

static Suite *
textfile_suite(void)
{
	Suite *s = suite_create("textfile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_regular_file_is_read_whole);
	tcase_add_test(tc, test_size_limit_is_inclusive);
	tcase_add_test(tc, test_other_file_kinds_are_refused_without_blocking);
	tcase_add_test(tc, test_nul_byte_is_refused_with_its_line);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(textfile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
