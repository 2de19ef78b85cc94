/*
 * capture.c -- running a command with its output captured: see capture.h.
 *
 * The descriptors, not just the stdio streams, are redirected so that
 * anything the command writes reaches the file; stdio is flushed on both
 * sides of the switch so that nothing buffered crosses it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/capture.h"

int
capture_cmd(int (*cmd)(int, char **), int argc, char **argv, char *out,
    size_t len)
{
	FILE *tmp = tmpfile();
	int so, se, rc;
	size_t n;

	ck_assert_ptr_nonnull(tmp);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fileno(tmp), 1);
	dup2(fileno(tmp), 2);
	rc = cmd(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	rewind(tmp);
	n = fread(out, 1, len - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return (rc);
}
