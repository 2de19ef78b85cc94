/*
 * capture.h -- test support: run a twsim command function in-process with
 * its stdout and stderr captured, for the suites that check what a command
 * prints (check_params, check_scenario).
 */
#ifndef TESTS_CAPTURE_H
#define TESTS_CAPTURE_H

#include <stddef.h>

/*
 * Runs cmd(argc, argv) with file descriptors 1 and 2 both sent to one
 * temporary file, then restores them; the output, NUL-terminated and cut
 * at len - 1 bytes, goes to out.  Returns cmd's exit code.
 */
int	capture_cmd(int (*cmd)(int, char **), int argc, char **argv,
	    char *out, size_t len);

#endif /* !TESTS_CAPTURE_H */
