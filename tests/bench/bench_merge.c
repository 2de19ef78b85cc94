/*
 * bench_merge.c -- merging many part databases (`twsim merge OUT
 * PARTS...`, the last step of a sweep spread over many machines) stays
 * linear: about the cost of copying the rows, one transaction per input.
 *
 * It writes NPARTS part databases of one run each, ROWS connection rows
 * and a sample per host per second (as `twsim run --runs i -o parts/i.db`
 * would), then merges a quarter of them into one database and all of them
 * into another through results_sources_read() + results_merge_sources()
 * (the code of `twsim merge`), and prints rows per second for both.
 * Checks, each failing the benchmark (exit 1):
 *   - linear: the full merge's rows/s is at least 2/3 of the quarter's
 *     (a cost per input growing with the inputs merged before would show);
 *   - one transaction per input: the merge commits exactly NPARTS times
 *     (sqlite3_commit_hook on the output);
 *   - the merged database passes PRAGMA integrity_check and holds every
 *     row, run ids in run-index order.
 *
 * usage: bench_merge [NPARTS [ROWS]]   (default 160 parts x 25,000 rows;
 * TWSIM_BENCH_SCALE=0.1 scales the rows per part).  The scale,
 * 1,000 parts of 1e5 rows, is `bench_merge 1000 100000` (about 10 GB of
 * disk under $TMPDIR and several minutes).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "analysis/results.h"
#include "tests/bench/bench_rows.h"
#include "tests/bench/bench_clock.h"

#define SAMPLE_SECONDS	60	/* samples per host per part */

static int
fail(const char *what, const char *err)
{
	fprintf(stderr, "bench_merge: %s: %s\n", what, err);
	return 1;
}

/* Part i: one run, run index i, with `rows` connection rows. */
static int
write_part(const char *path, int i, long rows)
{
	struct results *r;
	struct results_run run;
	struct results_kv kv[2];
	char err[512], seed[32];
	int64_t id;

	if (results_open(path, RESULTS_RW_PART, &r, err, sizeof(err)) != 0)
		return fail(path, err);
	memset(&run, 0, sizeof(run));
	run.scenario = "bench";
	run.sweep = "rate=300/s";
	run.repetition = i;
	run.seed = 1000 + (uint64_t)i;
	run.version = "bench";
	run.run_index = i;
	snprintf(seed, sizeof(seed), "%d", 1000 + i);
	kv[0].key = "run.seed";
	kv[0].value = seed;
	kv[1].key = "workload.web.rate";
	kv[1].value = "300/s";
	run.nparams = 2;
	run.params = kv;
	if (results_run_begin(r, &run, &id) != 0)
		goto fail;
	if (bench_rows(r, id, SAMPLE_SECONDS, rows, i) != 0)
		goto fail;
	if (results_run_end(r, id, RESULTS_STATUS_COMPLETE, SAMPLE_SECONDS, 0,
	    0, 0, NULL, NULL) != 0)
		goto fail;
	results_close(r);
	return 0;
fail:
	fail(path, results_errmsg(r));
	results_close(r);
	return 1;
}

static int
count_commit(void *arg)
{
	(*(long *)arg)++;
	return 0;
}

/* Merges parts[0 .. n) into out; *secs gets the wall time, *cpu the
 * process's CPU time, *commits the number of transactions the output
 * committed. */
static int
merge(const char *out, char **parts, int n, double *secs, double *cpu,
    long *commits)
{
	clock_t c0 = clock();
	struct results_sources *src;
	struct results_merge_stats ms;
	struct results *r;
	char err[1024];
	double t0;
	int rc;

	*commits = 0;
	t0 = bench_wall_now();
	if (results_sources_read((const char *const *)parts, (size_t)n, &src,
	    err, sizeof(err)) != 0)
		return fail("sources", err);
	if (results_open(out, RESULTS_RW_CREATE, &r, err, sizeof(err)) != 0) {
		results_sources_free(src);
		return fail(out, err);
	}
	sqlite3_commit_hook(results_sqlite(r), count_commit, commits);
	rc = results_merge_sources(r, src, 0, &ms, err, sizeof(err));
	sqlite3_commit_hook(results_sqlite(r), NULL, NULL);
	results_close(r);
	results_sources_free(src);
	*secs = bench_wall_now() - t0;
	*cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	if (rc != 0)
		return fail("merge", err);
	if (ms.added != n) {
		fprintf(stderr, "bench_merge: %" PRId64 " runs added, not %d\n",
		    ms.added, n);
		return 1;
	}
	return 0;
}

static int
check_merged(const char *path, int n, long rows)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	const char *ok = NULL;
	int64_t nconn = -1, inorder = -1;
	int rc = 1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return fail(path, sqlite3_errmsg(db));
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ok = (const char *)sqlite3_column_text(st, 0);
	printf("merged database: PRAGMA integrity_check: %s\n",
	    ok != NULL ? ok : sqlite3_errmsg(db));
	if (ok != NULL && strcmp(ok, "ok") == 0)
		rc = 0;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM connections),"
	    " (SELECT count(*) FROM runs WHERE run_id = run_index + 1)", -1,
	    &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		nconn = sqlite3_column_int64(st, 0);
		inorder = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (nconn != (int64_t)n * rows || inorder != n) {
		fprintf(stderr, "bench_merge: %" PRId64 " connection rows (want "
		    "%" PRId64 "), %" PRId64 " of %d runs in run-index order\n",
		    nconn, (int64_t)n * rows, inorder, n);
		rc = 1;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	const char *tmpdir = getenv("TMPDIR"), *scale_env;
	char dir[512], quarter[600], full[600], **parts;
	double scale = 1, t0, tq, tf, cpuq, cpuf, rq, rf, ratio;
	long rows = 25000, cq, cf, per_row;
	int n = 160, nq, i, rc = 1;

	if (argc > 1)
		n = atoi(argv[1]);
	if (argc > 2)
		rows = atol(argv[2]);
	if ((scale_env = getenv("TWSIM_BENCH_SCALE")) != NULL &&
	    (scale = atof(scale_env)) > 0)
		rows = (long)ceil((double)rows * scale);
	if (n < 4 || rows < 1) {
		fprintf(stderr, "usage: bench_merge [NPARTS>=4 [ROWS>=1]]\n");
		return 2;
	}
	nq = n / 4;
	snprintf(dir, sizeof(dir), "%s/bench_merge.XXXXXX",
	    tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp");
	if (mkdtemp(dir) == NULL)
		return fail(dir, strerror(errno));
	if ((parts = calloc((size_t)n, sizeof(*parts))) == NULL)
		return fail("parts", "out of memory");

	t0 = bench_wall_now();
	for (i = 0; i < n; i++) {
		if ((parts[i] = malloc(strlen(dir) + 32)) == NULL)
			goto out;
		/* Named as a shell glob sorts them: 0, 1, 10, 100, ... */
		sprintf(parts[i], "%s/%d.db", dir, i);
	}
	for (i = 0; i < n; i++)
		if (write_part(parts[i], i, rows) != 0)
			goto out;
	printf("wrote %d part databases x %ld connection rows (+%d samples) in "
	    "%.1f s\n", n, rows, 2 * SAMPLE_SECONDS, bench_wall_now() - t0);
	/* Rows a run copies: connections, samples, params, host_stats, runs. */
	per_row = rows + 2 * SAMPLE_SECONDS + 2 + 1;

	snprintf(quarter, sizeof(quarter), "%s/quarter.db", dir);
	snprintf(full, sizeof(full), "%s/full.db", dir);
	if (merge(quarter, parts, nq, &tq, &cpuq, &cq) != 0 ||
	    merge(full, parts, n, &tf, &cpuf, &cf) != 0)
		goto out;
	rq = (double)nq * (double)per_row / tq;
	rf = (double)n * (double)per_row / tf;
	ratio = rf / rq;
	printf("merge %d parts: %.2f s (cpu %.2f s), %.0f rows/s, %ld "
	    "transactions\n", nq, tq, cpuq, rq, cq);
	printf("merge %d parts: %.2f s (cpu %.2f s), %.0f rows/s, %ld "
	    "transactions\n", n, tf, cpuf, rf, cf);
	printf("linearity: rows/s at %d parts / rows/s at %d parts = %.2f "
	    "(>= 0.67 required)\n", n, nq, ratio);
	printf("extrapolated: 1000 parts x 1e5 rows in about %.0f s\n",
	    1000.0 * (1e5 + (double)(per_row - rows)) / rf);
	rc = 0;
	if (ratio < 0.67) {
		fprintf(stderr, "bench_merge: not linear\n");
		rc = 1;
	}
	if (cq != nq || cf != n) {
		fprintf(stderr, "bench_merge: %ld and %ld transactions, not one "
		    "per input (%d, %d)\n", cq, cf, nq, n);
		rc = 1;
	}
	if (check_merged(full, n, rows) != 0)
		rc = 1;
out:
	for (i = 0; i < n; i++)
		if (parts[i] != NULL) {
			results_remove_files(parts[i]);
			free(parts[i]);
		}
	free(parts);
	results_remove_files(quarter);
	results_remove_files(full);
	rmdir(dir);
	return rc;
}
