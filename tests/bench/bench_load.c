/*
 * bench_load.c -- scenario loading against the size of the scenario.
 *
 * A scenario of N hosts (one address and one listening port each), N
 * workloads (host i connects to host i+1), N two-way paths and one [at]
 * change, loaded and expanded the way `twsim check` does
 * (scenario_load_string), for N = 1,000 and 10,000.  Loading should be
 * linear: the time per host about the same at both sizes.  Target: the
 * 10,000-host scenario in under a second.  Best of TWSIM_BENCH_REPS
 * (default 3), in CPU time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenarios/scenario.h"
#include "tests/bench/bench_clock.h"

static char *
big_text(int n)
{
	size_t cap = (size_t)n * 256 + 256, off = 0;
	char *s = malloc(cap);
	int i;

	if (s == NULL)
		return NULL;
	off += (size_t)snprintf(s + off, cap - off,
	    "[run]\nduration = 10s\nseed = 1\n");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, cap - off,
		    "\n[host h%d]\naddress = 11.%d.%d.%d\nlisten = 80\n", i,
		    (i >> 16) & 255, (i >> 8) & 255, i & 255);
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, cap - off,
		    "\n[workload w%d]\nclient = h%d\nserver = h%d:80\n"
		    "rate = 1/s\n", i, i, (i + 1) % n);
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, cap - off,
		    "\n[path h%d h%d]\nlatency = constant(2ms)\n", i,
		    (i + 1) % n);
	off += (size_t)snprintf(s + off, cap - off,
	    "\n[at 5s]\nh0.maxtcptw = 5000\n");
	return s;
}

/* CPU seconds to load it, best of reps; -1 on error. */
static double
load_time(int n, int reps)
{
	struct scenario *sc;
	char err[1024], *text = big_text(n);
	double best = -1, t0, t;
	int r;

	if (text == NULL)
		return -1;
	for (r = 0; r < reps; r++) {
		t0 = bench_cpu_now();
		if (scenario_load_string("big.ini", text, NULL, 0, 0, &sc, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "bench_load: %s\n", err);
			free(text);
			return -1;
		}
		t = bench_cpu_now() - t0;
		scenario_free(sc);
		if (best < 0 || t < best)
			best = t;
	}
	free(text);
	return best;
}

int
main(void)
{
	const char *env = getenv("TWSIM_BENCH_REPS");
	int reps = env != NULL && atoi(env) > 0 ? atoi(env) : 3;
	double small, big;

	if ((small = load_time(1000, reps)) < 0 ||
	    (big = load_time(10000, reps)) < 0)
		return 1;
	printf("load 1000 hosts + 1000 workloads + 1000 paths: %.3f s "
	    "(%.1f us/host)\n", small, small / 1000 * 1e6);
	printf("load 10000 hosts + 10000 workloads + 10000 paths: %.3f s "
	    "(%.1f us/host; target < 1 s)\n", big, big / 10000 * 1e6);
	printf("load: cost per host at 10000 / at 1000 = %.2f (linear: "
	    "about 1)\n", (big / 10000) / (small / 1000));
	return 0;
}
