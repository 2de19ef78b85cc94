/*
 * bench_population.c -- cost per connection against the TIME_WAIT
 * population.
 *
 * A server closes first and keeps every TIME_WAIT entry (maxtcptw 2e6,
 * maxsockets 1e7); 20 client hosts, one address each, each opening
 * N / (60.25 s x 20) connections/s (Poisson), so the server's population
 * reaches N after one 2MSL (60 s plus up to one 500 ms scan) and stays
 * there.  120 simulated seconds; the cost is measured over the second
 * half only, at the full population: wall time per connection started
 * between 60 s and 120 s.  N = 1e3, 1e4, 1e5, 1e6; the figure that
 * matters is the ratio of the largest cost to the smallest (target
 * <= 1.25: what one connection touches should not leave the cache as the
 * tables grow).  Each N runs TWSIM_BENCH_REPS times (default 3) and keeps
 * its best.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/bench/bench_run.h"

#define NCLIENTS	20

static char *
population_text(double n)
{
	char wl[256];

	snprintf(wl, sizeof(wl), "rate = %.4f/s\nrequest = 400B\n"
	    "response = 4KiB\nclose = server\n", n / 60.25 / NCLIENTS);
	return bench_clients_text("duration = 120s\nseed = 1\n"
	    "sample = 1000s\nconnections = no\n", "maxsockets = 10000000\n"
	    "maxtcptw = 2000000\n", NCLIENTS, wl);
}

int
main(void)
{
	static const double ns[] = { 1e3, 1e4, 1e5, 1e6 };
	const char *env = getenv("TWSIM_BENCH_REPS");
	int reps = env != NULL && atoi(env) > 0 ? atoi(env) : 3;
	double per, best, lo = 0, hi = 0;
	struct bench_run br, keep = { 0 };
	size_t i;
	char *text;
	int r;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		if ((text = population_text(ns[i])) == NULL)
			return 1;
		best = 0;
		for (r = 0; r < reps; r++) {
			if (bench_run_scenario(text, 60.0, &br) != 0) {
				fprintf(stderr, "bench_population: N=%.0f "
				    "failed\n", ns[i]);
				free(text);
				return 1;
			}
			per = br.win_wall / (double)br.win_connections;
			if (r == 0 || per < best) {
				best = per;
				keep = br;
			}
		}
		free(text);
		printf("population N=%.0e: %.3f us/connection, %.0f ns/event "
		    "(steady state 60-120 s: %" PRIu64 " connections), mean "
		    "queue %.0f events, peak RSS %.0f MiB\n", ns[i],
		    best * 1e6, keep.win_wall / (double)keep.win_events * 1e9,
		    keep.win_connections, keep.mean_queue,
		    keep.maxrss_kib / 1024.0);
		fflush(stdout);
		if (i == 0 || best < lo)
			lo = best;
		if (i == 0 || best > hi)
			hi = best;
	}
	printf("population: largest / smallest cost per connection %.2f "
	    "(target <= 1.25)\n", hi / lo);
	return 0;
}
