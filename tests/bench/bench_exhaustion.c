/*
 * bench_exhaustion.c -- what running out of ephemeral ports costs.
 *
 * A load balancer opens 2,000 connections/s (Poisson) to one backend over
 * constant 1 ms paths with the default range (10000-65535: 55,536 ports)
 * and closes first, for 60 simulated seconds, twice:
 *
 *   maxtcptw = 60000: the zone outgrows the range, so TIME_WAIT holds
 *                     every port from about 28 s on and each further
 *                     connect fails with EADDRNOTAVAIL (exhausting);
 *   maxtcptw = 0:     the auto cap (min(27,768, maxsockets / 5) =
 *                     20,000) recycles the oldest entry instead (the
 *                     baseline).
 *
 * maxsockets is raised to 100,000: at its default, 25,600, the pcbs of
 * TIME_WAIT (SOCK-1) would run out before the ports, and connects would
 * fail with ENOBUFS, which costs nothing to find -- not what this measures.
 *
 * In the kernel every failed connect probes the whole range; the model
 * answers from a busy count (models/in_pcb.c), so the exhausting run
 * should cost about what the recycling one does.  Target: wall time at
 * most 2x the baseline's, both measured in this run (best of
 * TWSIM_BENCH_REPS, default 3).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/bench/bench_run.h"

static const char lb_text[] =
    "[run]\n"
    "duration = 60s\n"
    "seed = 1\n"
    "sample = 1s\n"
    "connections = no\n"
    "\n"
    "[host backend]\n"
    "address = 10.0.0.1\n"
    "listen = 80\n"
    "\n"
    "[host lb]\n"
    "address = 10.0.0.2\n"
    "maxsockets = 100000\n"
    "maxtcptw = %d\n"
    "\n"
    "[path lb backend]\n"
    "latency = constant(1ms)\n"
    "\n"
    "[workload w]\n"
    "client = lb\n"
    "server = backend:80\n"
    "rate = 2000/s\n"
    "request = 512B\n"
    "response = 2KiB\n"
    "close = client\n";

/* The best (shortest) of reps runs with this maxtcptw. */
static int
best_of(int maxtcptw, int reps, struct bench_run *best)
{
	struct bench_run br;
	char text[sizeof(lb_text) + 16];
	int i;

	snprintf(text, sizeof(text), lb_text, maxtcptw);
	for (i = 0; i < reps; i++) {
		if (bench_run_scenario(text, 0, &br) != 0)
			return -1;
		if (i == 0 || br.wall < best->wall)
			*best = br;
	}
	return 0;
}

int
main(void)
{
	struct bench_run ex, rc;
	const char *env = getenv("TWSIM_BENCH_REPS");
	int reps = env != NULL && atoi(env) > 0 ? atoi(env) : 3;

	if (best_of(60000, reps, &ex) != 0 || best_of(0, reps, &rc) != 0) {
		fprintf(stderr, "bench_exhaustion: a run failed\n");
		return 1;
	}
	printf("exhaustion maxtcptw=60000 (exhausting): %.3f s wall, %"
	    PRIu64 " connections attempted, TIME_WAIT peak %" PRId64 "\n",
	    ex.wall, ex.connections, ex.tw_peak);
	printf("exhaustion maxtcptw=0 (auto cap %" PRId64 ", recycling): "
	    "%.3f s wall, %" PRIu64 " connections attempted\n", rc.tw_cap,
	    rc.wall, rc.connections);
	printf("exhaustion: exhausting / recycling wall ratio %.2f "
	    "(target <= 2)\n", ex.wall / rc.wall);
	return 0;
}
