/*
 * bench_heap.c -- the bare binary heap and its hold model (bench_heap.h).
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tests/bench/bench_heap.h"

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

int64_t *
bench_delays(void)
{
	int64_t *delay;
	gsl_rng *g;
	size_t i;

	delay = malloc(BENCH_NDELAYS * sizeof(*delay));
	g = gsl_rng_alloc(gsl_rng_mt19937);
	if (delay == NULL || g == NULL) {
		free(delay);
		if (g != NULL)
			gsl_rng_free(g);
		return NULL;
	}
	gsl_rng_set(g, 1);
	for (i = 0; i < BENCH_NDELAYS; i++)
		delay[i] = (int64_t)(gsl_ran_exponential(g,
		    BENCH_MEAN_DELAY_NS) + 0.5);
	gsl_rng_free(g);
	return delay;
}

double
bench_bare_hold(size_t q, uint64_t nev, const int64_t *delay, uint64_t *sum)
{
	struct bare_heap h = { NULL, 0, 0, 0 };
	int64_t t;
	uint64_t i, s = 0;
	size_t d = 0;
	double t0, t1;

	for (i = 0; i < q; i++)
		bare_push(&h, delay[d++ & BENCH_DELAY_MASK]);
	t0 = bench_cpu_now();
	for (i = 0; i < nev; i++) {
		t = bare_pop(&h);
		s += (uint64_t)t;
		bare_push(&h, t + delay[d++ & BENCH_DELAY_MASK]);
	}
	t1 = bench_cpu_now();
	free(h.a);
	*sum = s;
	return nev / (t1 - t0);
}

double
bench_bare_hold_best(size_t q, uint64_t nev, unsigned reps)
{
	int64_t *delay = bench_delays();
	uint64_t sum;
	double best = 0, r;
	unsigned i;

	if (delay == NULL)
		return 0;
	for (i = 0; i < reps; i++) {
		r = bench_bare_hold(q, nev, delay, &sum);
		if (r > best)
			best = r;
	}
	free(delay);
	return best;
}
