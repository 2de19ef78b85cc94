/*
 * bench_results.c -- what recording costs: one run writing 1e6 connection
 * records and a sample per host per second for an hour, through the same
 * prepared-statement writer the runner uses.  Prints rows per second.
 *
 * usage: bench_results [DBPATH] [NCONN]   (default a file under /tmp, 1e6)
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/results.h"
#include "tests/bench/bench_rows.h"
#include "tests/bench/bench_clock.h"

int
main(int argc, char **argv)
{
	struct results_run run = { "bench", "rate=300/s", 0, 1, "bench", 0, 0,
	    NULL };
	struct results *r;
	char path[256], err[512];
	double t0, t1;
	int64_t id, nconn = 1000000;

	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else
		snprintf(path, sizeof(path), "/tmp/bench_results.%ld.db",
		    (long)getpid());
	if (argc > 2)
		nconn = atoll(argv[2]);
	if (results_open(path, RESULTS_RW_CREATE, &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_results: %s\n", err);
		return 1;
	}
	t0 = bench_wall_now();
	if (results_run_begin(r, &run, &id) != 0)
		goto fail;
	if (bench_rows(r, id, 3600, (long)nconn, 0) != 0)
		goto fail;
	if (results_run_end(r, id, RESULTS_STATUS_COMPLETE, 3600, 0, 0,
	    RESULTS_REPLACE, NULL, NULL) != 0)
		goto fail;
	t1 = bench_wall_now();
	printf("bench_results: %lld connections + 7200 samples in %.2f s "
	    "(%.0f rows/s, %.2f us/row)\n", (long long)nconn, t1 - t0,
	    (nconn + 7200) / (t1 - t0), (t1 - t0) * 1e6 / (nconn + 7200));
	results_close(r);
	if (argc <= 1) {
		unlink(path);
	}
	return 0;
fail:
	fprintf(stderr, "bench_results: %s\n", results_errmsg(r));
	results_close(r);
	return 1;
}
