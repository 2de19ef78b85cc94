/*
 * bench_evq.c -- the event queue against a bare binary heap, hold model.
 *
 * The hold model (Jones, CACM 1986) is the classic priority-queue benchmark
 * for simulators: the queue holds Q pending events; each step pops the
 * earliest and pushes one new event a random delay after it, so the size
 * stays Q.  The kernel runs it through the public API (evq_push/evq_pop),
 * exactly what sim_run() does; the contender (tests/bench/bench_heap.c)
 * is a minimal binary heap of 16-byte {time, seq} entries with no handles
 * and no cancellation, the floor any handle-carrying queue pays for.  Both see the same delays
 * (exponential, mean 1 ms, drawn once from GSL's mt19937 into a table
 * cycled through), and both must pop the same sequence of times: the
 * benchmark checks that as it goes.
 *
 * Rates are events per second of CPU time (see bench_cpu_now()).
 *
 * Output, one line per Q:
 *   hold Q=100000: kernel 12345678 ev/s, bare 15000000 ev/s, ratio 0.82
 *
 * Each contender runs REPS times, alternating, and the best rate of each
 * is reported: the machine is shared (parallel builds, other tests), and
 * the best of a few runs is the rate the code can sustain, the others
 * being that rate minus interference.
 *
 * Usage: bench_evq [EVENTS_PER_Q [REPS]]
 *   EVENTS_PER_Q  default 10000000 (or TWSIM_BENCH_EVENTS); a small number
 *                 gives a quick smoke run
 *   REPS          default 3 (or TWSIM_BENCH_REPS)
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>


#include "sim/evq.h"
#include "tests/bench/bench_heap.h"

#define DEFAULT_EVENTS	10000000ULL

static void
noop(void *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
}

static double
run_kernel(size_t q, uint64_t nev, const int64_t *delay, uint64_t *sum)
{
	struct evq *eq;
	sim_time_t t;
	evq_fn fn;
	void *arg;
	uint64_t i, s = 0;
	size_t d = 0;
	double t0, t1;

	eq = evq_create();
	if (eq == NULL)
		abort();
	for (i = 0; i < q; i++)
		if (evq_push(eq, delay[d++ & BENCH_DELAY_MASK], noop, NULL,
		    NULL) != EVQ_OK)
			abort();
	t0 = bench_cpu_now();
	for (i = 0; i < nev; i++) {
		if (evq_pop(eq, &t, &fn, &arg) != EVQ_OK)
			abort();
		s += (uint64_t)t;
		if (evq_push(eq, t + delay[d++ & BENCH_DELAY_MASK], noop, NULL,
		    NULL) != EVQ_OK)
			abort();
	}
	t1 = bench_cpu_now();
	evq_destroy(eq);
	*sum = s;
	return nev / (t1 - t0);
}

int
main(int argc, char **argv)
{
	static const size_t qs[] = { 1000, 100000, 1000000 };
	uint64_t nev = DEFAULT_EVENTS, ksum, bsum;
	unsigned long reps = 3, rep;
	const char *env;
	int64_t *delay;
	double k, b, rate;
	size_t i;

	env = getenv("TWSIM_BENCH_EVENTS");
	if (argc > 1)
		env = argv[1];
	if (env != NULL && strtoull(env, NULL, 10) > 0)
		nev = strtoull(env, NULL, 10);
	env = getenv("TWSIM_BENCH_REPS");
	if (argc > 2)
		env = argv[2];
	if (env != NULL && strtoul(env, NULL, 10) > 0)
		reps = strtoul(env, NULL, 10);

	if ((delay = bench_delays()) == NULL)
		return 1;

	fprintf(stderr, "hold model, %" PRIu64 " events per Q, exponential "
	    "delays of mean %.0f ns, best of %lu\n", nev, BENCH_MEAN_DELAY_NS,
	    reps);
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		k = b = 0;
		for (rep = 0; rep < reps; rep++) {
			rate = run_kernel(qs[i], nev, delay, &ksum);
			k = rate > k ? rate : k;
			rate = bench_bare_hold(qs[i], nev, delay, &bsum);
			b = rate > b ? rate : b;
			if (ksum != bsum) {
				fprintf(stderr, "hold Q=%zu: kernel and bare "
				    "heap popped different times\n", qs[i]);
				return 1;
			}
		}
		printf("hold Q=%zu: kernel %.0f ev/s, bare %.0f ev/s, "
		    "ratio %.2f\n", qs[i], k, b, k / b);
		fflush(stdout);
	}
	free(delay);
	return 0;
}
