/*
 * e2e.h -- test support for suites that look at twsim from outside: a
 * private temporary directory per test, the real twsim binary run as a
 * subprocess, and a results database read back with plain SQLite.
 *
 * check_cli and check_validation run the CLI; check_results uses only the
 * directory and file helpers.  Every helper fails the current Check test
 * (ck_assert) on anything unexpected, so callers need no error paths.
 *
 * The directory is the one piece of state: Check's fixtures take no
 * argument, so e2e_tmpdir_create() (from a suite's setup) keeps its name
 * here for e2e_path() and e2e_tmpdir_remove() (from teardown).
 */
#ifndef TESTS_E2E_H
#define TESTS_E2E_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* ---- the test's directory and files ------------------------------------- */

/* Creates $TMPDIR/PREFIX.XXXXXX (TMPDIR unset or empty: /tmp). */
void		 e2e_tmpdir_create(const char *prefix);
/* Removes the directory and all in it. */
void		 e2e_tmpdir_remove(void);
const char	*e2e_tmpdir(void);
/* NAME in the test's directory (8 rotating static buffers). */
const char	*e2e_path(const char *name);
/* REL in the source tree: $srcdir (set by the harness), else TWSIM_SRCDIR. */
const char	*e2e_srcpath(const char *rel);
/* The whole file, malloc'ed and NUL-terminated; *len (len may be NULL)
 * gets its size. */
char		*e2e_slurp(const char *path, size_t *len);
int		 e2e_exists(const char *path);

/* ---- the twsim binary --------------------------------------------------- */

/* $TWSIM, else the build tree's twsim (TWSIM_BUILDDIR). */
const char	*e2e_twsim_binary(void);
/*
 * Starts twsim with the NULL-terminated arguments (argv[0] is supplied);
 * stdin is /dev/null, stdout and stderr are appended to the log file
 * e2e_path("twsim.log").
 */
pid_t		 e2e_spawn(const char *const *args);
/* Exit code of a finished child; 128 + signal when killed. */
int		 e2e_wait(pid_t pid);
/* Runs twsim ARG... (NULL-terminated) and returns its exit code. */
int		 e2e_twsim(const char *arg, ...);
/* Copies the log to stderr (Check's messages are short). */
void		 e2e_show_log(void);

/* Fails the test, showing the log, unless twsim exited `want`. */
#define e2e_assert_exit(got, want) do {					\
	int got_ = (got);						\
	if (got_ != (want))						\
		e2e_show_log();						\
	ck_assert_msg(got_ == (want), "twsim exited %d, expected %d",	\
	    got_, (want));						\
} while (0)

/* ---- reading a database ------------------------------------------------- */

/* Opens an existing database read-write (busy timeout 5 s). */
sqlite3		*e2e_db_open(const char *path);
/* The single integer a query yields (NULL counts as -1). */
int64_t		 e2e_q_int(sqlite3 *db, const char *fmt, ...);
/* The single real a query yields (NULL is NAN). */
double		 e2e_q_dbl(sqlite3 *db, const char *fmt, ...);
/* The single text a query yields, malloc'ed (NULL when SQL NULL). */
char		*e2e_q_text(sqlite3 *db, const char *fmt, ...);
/*
 * Every row of a query as text, exactly: reals in hexadecimal floating
 * point ("%a"), so that "the same rows" means the same bits.  Malloc'ed.
 */
char		*e2e_q_rows(sqlite3 *db, const char *fmt, ...);

/*
 * Every result table of a twsim database as text (e2e_q_rows), rows by
 * key, wall-clock columns (started_at, wall_seconds) left out: two
 * databases holding the same runs give the same text.  Malloc'ed.
 */
char		*e2e_db_dump(const char *path);
/* Fails the test, naming the first differing line, unless a equals b. */
void		 e2e_assert_same_dump(const char *a, const char *b,
		    const char *what);

#endif /* !TESTS_E2E_H */
