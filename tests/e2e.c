/*
 * e2e.c -- test support shared by the suites that run twsim from outside
 * (check_cli, check_validation) or need a scratch directory of files
 * (check_results): see e2e.h.
 *
 * The CLI is started with posix_spawn rather than system() so that a test
 * can signal the very process (SIGINT/SIGKILL in check_cli) and read its
 * exit code without a shell in between.  Databases are read with the
 * SQLite C API, never through twsim's own readers, so a bug in those cannot
 * hide a bug in what was written.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "tests/e2e.h"

#ifndef TWSIM_SRCDIR
#define TWSIM_SRCDIR	"."
#endif
#ifndef TWSIM_BUILDDIR
#define TWSIM_BUILDDIR	"."
#endif

extern char **environ;

/* The current test's directory (see e2e.h: Check fixtures take no context). */
static char tmpdir[512];

/* ---- the test's directory and files ------------------------------------- */

void
e2e_tmpdir_create(const char *prefix)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/%s.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp", prefix);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

void
e2e_tmpdir_remove(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

const char *
e2e_tmpdir(void)
{
	return tmpdir;
}

const char *
e2e_path(const char *name)
{
	static char buf[8][640];
	static int k;

	/* Without a fixture the path would land in "/" (and collide). */
	ck_assert_msg(tmpdir[0] != '\0', "e2e_path(%s) outside a test "
	    "directory: add the e2e fixture to the test case", name);
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

const char *
e2e_srcpath(const char *rel)
{
	static char buf[8][1024];
	static int k;
	const char *s = getenv("srcdir");

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s",
	    s != NULL && *s != '\0' ? s : TWSIM_SRCDIR, rel);
	return buf[k];
}

char *
e2e_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';		/* text files can be compared as strings */
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

int
e2e_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* ---- the twsim binary --------------------------------------------------- */

const char *
e2e_twsim_binary(void)
{
	const char *t = getenv("TWSIM");

	return t != NULL && *t != '\0' ? t : TWSIM_BUILDDIR "/twsim";
}

pid_t
e2e_spawn(const char *const *args)
{
	posix_spawn_file_actions_t fa;
	const char *argv[64];
	const char *log = e2e_path("twsim.log");
	pid_t pid;
	int i, rc;

	argv[0] = e2e_twsim_binary();
	for (i = 0; args[i] != NULL; i++) {
		ck_assert_int_lt(i, 62);
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log,
	    O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv,
	    environ);
	posix_spawn_file_actions_destroy(&fa);
	ck_assert_msg(rc == 0, "cannot start %s: %s", argv[0], strerror(rc));
	return pid;
}

int
e2e_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int
e2e_twsim(const char *arg, ...)
{
	const char *args[64];
	va_list ap;
	int n = 0;

	va_start(ap, arg);
	for (; arg != NULL; arg = va_arg(ap, const char *)) {
		ck_assert_int_lt(n, 63);
		args[n++] = arg;
	}
	va_end(ap);
	args[n] = NULL;
	return e2e_wait(e2e_spawn(args));
}

void
e2e_show_log(void)
{
	char line[512];
	FILE *f = fopen(e2e_path("twsim.log"), "r");

	if (f == NULL)
		return;
	fprintf(stderr, "---- twsim output ----\n");
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stderr);
	fclose(f);
}

/* ---- reading a database ------------------------------------------------- */

sqlite3 *
e2e_db_open(const char *path)
{
	sqlite3 *db = NULL;
	struct stat sb;

	ck_assert_msg(stat(path, &sb) == 0, "no database %s", path);
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static sqlite3_stmt *
q_prepare(sqlite3 *db, const char *fmt, va_list ap)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_vmprintf(fmt, ap);

	ck_assert_ptr_nonnull(sql);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_free(sql);
	return st;
}

/* Prepares a single-value query and steps to the one row it must yield. */
static sqlite3_stmt *
q_row(sqlite3 *db, const char *fmt, va_list ap)
{
	sqlite3_stmt *st = q_prepare(db, fmt, ap);

	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no row: %s",
	    sqlite3_sql(st));
	return st;
}

int64_t
e2e_q_int(sqlite3 *db, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int64_t v;

	va_start(ap, fmt);
	st = q_row(db, fmt, ap);
	va_end(ap);
	v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

double
e2e_q_dbl(sqlite3 *db, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	double v;

	va_start(ap, fmt);
	st = q_row(db, fmt, ap);
	va_end(ap);
	v = sqlite3_column_type(st, 0) == SQLITE_NULL ? NAN :
	    sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

char *
e2e_q_text(sqlite3 *db, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	char *v = NULL;

	va_start(ap, fmt);
	st = q_row(db, fmt, ap);
	va_end(ap);
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

char *
e2e_q_rows(sqlite3 *db, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	char *out = NULL, cell[64];
	size_t len = 0, cap = 0;
	int i, n;

	va_start(ap, fmt);
	st = q_prepare(db, fmt, ap);
	va_end(ap);
	n = sqlite3_column_count(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			const char *s;
			size_t sl;

			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				s = "NULL";
				break;
			case SQLITE_FLOAT:
				snprintf(cell, sizeof(cell), "%a",
				    sqlite3_column_double(st, i));
				s = cell;
				break;
			default:
				s = (const char *)sqlite3_column_text(st, i);
				break;
			}
			sl = strlen(s);
			if (len + sl + 2 > cap) {
				cap = (cap + sl + 2) * 2;
				out = realloc(out, cap);
				ck_assert_ptr_nonnull(out);
			}
			memcpy(out + len, s, sl);
			len += sl;
			out[len++] = i + 1 < n ? '|' : '\n';
		}
	}
	sqlite3_finalize(st);
	out = realloc(out, len + 1);
	ck_assert_ptr_nonnull(out);
	out[len] = '\0';
	return out;
}

/* Every result table of a database as text, wall-clock columns left out. */
char *
e2e_db_dump(const char *path)
{
	static const char *const queries[] = {
		"SELECT run_id, scenario, sweep, repetition, seed, status, "
		    "sim_seconds, events, version, error, identity, "
		    "param_digest, run_index FROM runs ORDER BY run_id",
		"SELECT * FROM params ORDER BY run_id, key",
		"SELECT * FROM samples ORDER BY run_id, host, t",
		"SELECT * FROM connections ORDER BY run_id, conn_id",
		"SELECT * FROM host_stats ORDER BY run_id, host",
		"SELECT * FROM connection_stats ORDER BY run_id, host",
		"SELECT * FROM run_summary",
		NULL
	};
	sqlite3 *db = e2e_db_open(path);
	char *all = strdup(""), *part;
	size_t i;

	for (i = 0; queries[i] != NULL; i++) {
		char *cat;

		part = e2e_q_rows(db, "%s", queries[i]);
		cat = malloc(strlen(all) + strlen(part) + 16);
		ck_assert_ptr_nonnull(cat);
		sprintf(cat, "%s== %zu\n%s", all, i, part);
		free(all);
		free(part);
		all = cat;
	}
	sqlite3_close(db);
	return all;
}

/* First differing line of two dumps, for the failure message. */
void
e2e_assert_same_dump(const char *a, const char *b, const char *what)
{
	size_t i, line = 1, start = 0;

	for (i = 0; a[i] != '\0' && a[i] == b[i]; i++)
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
	if (a[i] != b[i]) {
		int la = (int)strcspn(a + start, "\n");
		int lb = (int)strcspn(b + start, "\n");

		ck_abort_msg("%s: differ at line %zu: '%.*s' vs '%.*s'", what,
		    line, la > 160 ? 160 : la, a + start, lb > 160 ? 160 : lb,
		    b + start);
	}
}
