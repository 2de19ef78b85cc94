/*
 * bench_rows.h -- the rows of a benchmark run, written through the
 * results writer the runner uses (bench_results: the cost of recording;
 * bench_merge: part databases to merge).
 */
#ifndef TESTS_BENCH_ROWS_H
#define TESTS_BENCH_ROWS_H

#include <stdint.h>

#include "analysis/results.h"

/*
 * Writes, into run `id` of r, a sample per host (client and server) per
 * second for `seconds`, then `nconn` connection rows of a 300/s load.
 * `salt` varies the values from run to run.  0, or -1 with the message on
 * r (results_errmsg()).
 */
int	bench_rows(struct results *r, int64_t id, long seconds, long nconn,
	    long salt);

#endif /* TESTS_BENCH_ROWS_H */
