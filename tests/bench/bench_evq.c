/*
 * bench_evq.c -- the event queue against a bare binary heap, hold model.
 *
 * The hold model (Jones, CACM 1986) is the classic priority-queue benchmark
 * for simulators: the queue holds Q pending events; each step pops the
 * earliest and pushes one new event a random delay after it, so the size
 * stays Q.  The kernel runs it through the public API (evq_push/evq_pop),
 * exactly what sim_run() does; the contender is a minimal binary heap of
 * 16-byte {time, seq} entries with no handles and no cancellation, the
 * floor any handle-carrying queue pays for.  Both see the same delays
 * (exponential, mean 1 ms, drawn once from GSL's mt19937 into a table
 * cycled through), and both must pop the same sequence of times: the
 * benchmark checks that as it goes.
 *
 * Rates are events per second of CPU time (see now_sec()).
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

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/evq.h"

#define NDELAYS		(1u << 20)	/* table of delays, cycled */
#define DELAY_MASK	(NDELAYS - 1)
#define MEAN_DELAY_NS	1e6
#define DEFAULT_EVENTS	10000000ULL

/* The contender: a textbook binary min-heap on (time, seq), hole sifts. */
struct bare_ent {
	int64_t		time;
	uint64_t	seq;
};

struct bare_heap {
	struct bare_ent	*a;
	size_t		 n, cap;
	uint64_t	 seq;
};

static inline int
bare_less(const struct bare_ent *x, const struct bare_ent *y)
{
	return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

static void
bare_push(struct bare_heap *h, int64_t t)
{
	struct bare_ent e = { t, h->seq++ };
	size_t i, p;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->a = realloc(h->a, h->cap * sizeof(*h->a));
		if (h->a == NULL)
			abort();
	}
	i = h->n++;
	while (i > 0) {
		p = (i - 1) / 2;
		if (!bare_less(&e, &h->a[p]))
			break;
		h->a[i] = h->a[p];
		i = p;
	}
	h->a[i] = e;
}

static int64_t
bare_pop(struct bare_heap *h)
{
	struct bare_ent *a = h->a, last;
	int64_t top = a[0].time;
	size_t i = 0, c, n;

	n = --h->n;
	last = a[n];
	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && bare_less(&a[c + 1], &a[c]))
			c++;
		if (!bare_less(&a[c], &last))
			break;
		a[i] = a[c];
		i = c;
	}
	a[i] = last;
	return top;
}

static void
noop(void *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
}

/*
 * CPU time of this thread, not wall-clock time: on a shared machine the
 * loop is preempted now and then, and time spent off the CPU says nothing
 * about either queue.
 */
static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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
		if (evq_push(eq, delay[d++ & DELAY_MASK], noop, NULL,
		    NULL) != EVQ_OK)
			abort();
	t0 = now_sec();
	for (i = 0; i < nev; i++) {
		if (evq_pop(eq, &t, &fn, &arg) != EVQ_OK)
			abort();
		s += (uint64_t)t;
		if (evq_push(eq, t + delay[d++ & DELAY_MASK], noop, NULL,
		    NULL) != EVQ_OK)
			abort();
	}
	t1 = now_sec();
	evq_destroy(eq);
	*sum = s;
	return nev / (t1 - t0);
}

static double
run_bare(size_t q, uint64_t nev, const int64_t *delay, uint64_t *sum)
{
	struct bare_heap h = { NULL, 0, 0, 0 };
	int64_t t;
	uint64_t i, s = 0;
	size_t d = 0;
	double t0, t1;

	for (i = 0; i < q; i++)
		bare_push(&h, delay[d++ & DELAY_MASK]);
	t0 = now_sec();
	for (i = 0; i < nev; i++) {
		t = bare_pop(&h);
		s += (uint64_t)t;
		bare_push(&h, t + delay[d++ & DELAY_MASK]);
	}
	t1 = now_sec();
	free(h.a);
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
	gsl_rng *g;
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

	delay = malloc(NDELAYS * sizeof(*delay));
	g = gsl_rng_alloc(gsl_rng_mt19937);
	if (delay == NULL || g == NULL)
		return 1;
	gsl_rng_set(g, 1);
	for (i = 0; i < NDELAYS; i++)
		delay[i] = (int64_t)(gsl_ran_exponential(g, MEAN_DELAY_NS) +
		    0.5);
	gsl_rng_free(g);

	fprintf(stderr, "hold model, %" PRIu64 " events per Q, exponential "
	    "delays of mean %.0f ns, best of %lu\n", nev, MEAN_DELAY_NS,
	    reps);
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		k = b = 0;
		for (rep = 0; rep < reps; rep++) {
			rate = run_kernel(qs[i], nev, delay, &ksum);
			k = rate > k ? rate : k;
			rate = run_bare(qs[i], nev, delay, &bsum);
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
