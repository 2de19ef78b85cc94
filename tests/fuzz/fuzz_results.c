/*
 * fuzz_results.c -- libFuzzer harness for the results database readers.
 *
 * The input is written to a file, which every reader then opens as a
 * results database, as a user would point them at a damaged or foreign
 * file: `twsim report` (text, CSV, JSON, one run), every named query of
 * `twsim query`, `twsim export` of every table and view the file holds, and
 * the chart data of `twsim plot` (a time series and a sweep; no gnuplot).
 * Each must end with an exit code and a message -- no crash, sanitizer
 * report, leak or hang (`make fuzz`, tests/fuzz/run).  Printed output is
 * lost (tests/fuzz/run closes the harness's stdout and stderr); exports go
 * to a scratch file beside the input, so no run can touch a device.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "analysis/commands.h"
#include "analysis/plot.h"
#include "analysis/query.h"
#include "analysis/report.h"
#include "analysis/results.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file the input is written to, in a directory of our own. */
static char dbpath[4096];

static void
remove_files(void)
{
	static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
	char p[4200];
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", dbpath, suffix[i]);
		(void)unlink(p);
	}
}

static void
remove_dir(void)
{
	char *slash;

	remove_files();
	slash = strrchr(dbpath, '/');
	if (slash != NULL) {
		*slash = '\0';
		(void)rmdir(dbpath);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4000];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/fuzz_results.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("fuzz_results: mkdtemp");
		exit(1);
	}
	snprintf(dbpath, sizeof(dbpath), "%s/r.db", dir);
	atexit(remove_dir);
	return 0;
}

static void
cmd(int (*fn)(int, char **), const char *a0, const char *a1, const char *a2,
    const char *a3, const char *a4)
{
	char *argv[6];
	int argc = 0;

	argv[argc++] = (char *)a0;
	argv[argc++] = dbpath;
	if (a1 != NULL)
		argv[argc++] = (char *)a1;
	if (a2 != NULL)
		argv[argc++] = (char *)a2;
	if (a3 != NULL)
		argv[argc++] = (char *)a3;
	if (a4 != NULL)
		argv[argc++] = (char *)a4;
	argv[argc] = NULL;
	(void)fn(argc, argv);
}

/* The chart data of `twsim plot`, written nowhere. */
static void
plot_data(sqlite3 *db, const char *metric, const char *by)
{
	struct report_plot_opts o;
	struct plot *pl = NULL;
	char err[1024];
	FILE *f;

	memset(&o, 0, sizeof(o));
	o.metric = metric;
	o.by = by;
	if (report_plot(db, &o, &pl, err, sizeof(err)) == REPORT_OK &&
	    (f = fopen("/dev/null", "w")) != NULL) {
		(void)plot_write_data(pl, f);
		fclose(f);
	}
	plot_destroy(pl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct query_named *q;
	struct results *r;
	sqlite3_stmt *st;
	char err[1024], **tables = NULL, outpath[4200];
	size_t ntables = 0, i;
	FILE *f;

	remove_files();
	f = fopen(dbpath, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();

	cmd(cmd_report, "report", NULL, NULL, NULL, NULL);
	cmd(cmd_report, "report", "--json", NULL, NULL, NULL);
	cmd(cmd_report, "report", "--csv", "--run", "1", NULL);
	for (q = query_named_table; q->name != NULL; q++)
		cmd(cmd_query, "query", q->name, "--csv", NULL, NULL);
	cmd(cmd_query, "query", "SELECT * FROM params", "--json", NULL, NULL);

	if (results_open(dbpath, RESULTS_READONLY, &r, err,
	    sizeof(err)) != RESULTS_OK)
		return 0;
	/* Export every table and view the file says it has. */
	if (sqlite3_prepare_v2(results_sqlite(r), "SELECT name FROM "
	    "sqlite_master WHERE type IN ('table', 'view') LIMIT 32", -1, &st,
	    NULL) == SQLITE_OK) {
		tables = calloc(32, sizeof(*tables));
		while (tables != NULL && sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);

			if (t != NULL &&
			    (tables[ntables] = strdup((const char *)t)) != NULL)
				ntables++;
		}
		sqlite3_finalize(st);
	}
	plot_data(results_sqlite(r), "tw_count", NULL);
	plot_data(results_sqlite(r), "tw_peak", "rate");
	results_close(r);
	snprintf(outpath, sizeof(outpath), "%s.export", dbpath);
	for (i = 0; i < ntables; i++) {
		cmd(cmd_export, "export", tables[i], "-o", outpath, NULL);
		(void)unlink(outpath);
		free(tables[i]);
	}
	free(tables);
	return 0;
}
