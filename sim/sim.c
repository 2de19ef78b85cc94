/*
 * sim.c -- the simulation context and its run loop.
 *
 * The context owns everything a run's kernel needs: the clock, the event
 * queue, the periodic timers, the named random streams and the stop
 * request.  Nothing is global, so runs created one after the other in one
 * process are independent and, with the same seed and the same model,
 * identical.  The loop itself is Redis ae.c-sized: pop the earliest event,
 * advance the clock to it, call it.
 *
 * Callbacks are stored in the event queue as evq_fn and converted back to
 * sim_fn before the call.  C guarantees that a function pointer converted
 * to another function pointer type and back compares equal to the original
 * (C11 6.3.2.3p8); only a call through the wrong type would be undefined,
 * and sim_run() never makes one.
 *
 * Semantics of sim_run(), in the order the loop checks them before each
 * event:
 *
 *  1. the stop request (sim_stop(), or a non-zero *stop_flag): return
 *     SIM_STOP_REQUEST.  sim_stop() is a one-shot request: the run that
 *     honours it clears it, so the next sim_run() continues.  A sim_stop()
 *     made outside any run stops the next run before its first event.  The
 *     external flag is the caller's and is left as it is.
 *  2. the budget: when max_events != 0 events have run in this call,
 *     return SIM_STOP_BUDGET.
 *  3. an empty queue: return SIM_STOP_EMPTY.  With a finite `until` the
 *     clock moves on to `until`, exactly as for SIM_STOP_TIME: nothing is
 *     left to happen up to then, so that much time has passed (a runner
 *     stepping in slices then sees the clock at each slice's end).  With
 *     until == SIM_TIME_MAX ("run until done") it stays at the last
 *     event's time.
 *  4. the next event is later than `until`: set the clock to `until` and
 *     return SIM_STOP_TIME.  An event at exactly `until` runs.  The clock
 *     never goes backwards: with until < now it stays at now.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "sim/sim.h"

struct sim_periodic {
	TAILQ_ENTRY(sim_periodic) link;	/* on sim->periodics */
	sim_time_t	 next;		/* time of the pending firing */
	sim_time_t	 period;
	sim_fn		 fn;
	void		*arg;
	sim_event_t	 ev;		/* the pending firing */
	int		 firing;	/* inside fn right now */
	int		 cancelled;	/* cancelled from inside fn */
};
TAILQ_HEAD(periodic_list, sim_periodic);

struct sim_stream {
	const char	*name;		/* rng_name(r), owned by r */
	struct rng	*r;
};

struct sim {
	struct sim_clock clock;		/* first: sim_now() reads it inline */
	uint64_t	 seed;
	uint64_t	 events;	/* processed, over all runs */
	struct evq	*q;
	int		 stop;		/* sim_stop() requested */
	int		 running;	/* inside sim_run() */
	volatile sig_atomic_t *stop_flag;
	struct periodic_list periodics;
	struct sim_stream *streams;	/* named rng streams, in creation order */
	size_t		 nstreams, streamcap;
	/*
	 * streams by name: open addressing over indices + 1 (0 empty), a
	 * power of two at most half full.  A run of 10,000 hosts asks for
	 * tens of thousands of streams; a linear search made that quadratic.
	 */
	size_t		*streamidx;
	size_t		 streamidxcap;
	char		 errmsg[256];
};

_Static_assert(offsetof(struct sim, clock) == 0,
    "sim_now() (sim.h) reads the clock as the struct's first member");

static int
sim_err(struct sim *sim, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
sim_err(struct sim *sim, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sim->errmsg, sizeof(sim->errmsg), fmt, ap);
	va_end(ap);
	return code;
}

struct sim *
sim_create(uint64_t master_seed)
{
	struct sim *sim;

	sim = calloc(1, sizeof(*sim));
	if (sim == NULL)
		return NULL;
	sim->q = evq_create();
	if (sim->q == NULL) {
		free(sim);
		return NULL;
	}
	sim->seed = master_seed;
	TAILQ_INIT(&sim->periodics);
	return sim;
}

void
sim_destroy(struct sim *sim)
{
	struct sim_periodic *p;
	size_t i;

	if (sim == NULL)
		return;
	while ((p = TAILQ_FIRST(&sim->periodics)) != NULL) {
		TAILQ_REMOVE(&sim->periodics, p, link);
		free(p);
	}
	for (i = 0; i < sim->nstreams; i++)
		rng_destroy(sim->streams[i].r);
	free(sim->streams);
	free(sim->streamidx);
	evq_destroy(sim->q);
	free(sim);
}

uint64_t
sim_seed(const struct sim *sim)
{
	return sim->seed;
}

uint64_t
sim_events(const struct sim *sim)
{
	return sim->events;
}

size_t
sim_queue_size(const struct sim *sim)
{
	return evq_size(sim->q);
}

const char *
sim_errmsg(const struct sim *sim)
{
	return sim->errmsg;
}

/*
 * sim_at() and sim_after() once their own checks passed.  Inline in both:
 * every segment and timer comes through here, and sim_after() calling
 * sim_at() was one call too many.  The messages are sim_at's in both, as
 * when one called the other.
 */
static inline int
sim_push(struct sim *sim, sim_time_t when, sim_fn fn, void *arg,
    sim_event_t *h)
{
	if (fn == NULL)
		return sim_err(sim, SIM_EINVAL, "sim_at: no callback");
	if (evq_push(sim->q, when, (evq_fn)fn, arg, h) != EVQ_OK)
		return sim_err(sim, SIM_ENOMEM,
		    "sim_at: out of memory for the event queue");
	return SIM_OK;
}

int
sim_at(struct sim *sim, sim_time_t when, sim_fn fn, void *arg,
    sim_event_t *h)
{
	if (fn == NULL)
		return sim_err(sim, SIM_EINVAL, "sim_at: no callback");
	if (when < sim->clock.now)
		return sim_err(sim, SIM_EPAST,
		    "sim_at: time %jd ns is before now (%jd ns)",
		    (intmax_t)when, (intmax_t)sim->clock.now);
	return sim_push(sim, when, fn, arg, h);
}

int
sim_after(struct sim *sim, sim_time_t delay, sim_fn fn, void *arg,
    sim_event_t *h)
{
	if (delay < 0)
		return sim_err(sim, SIM_EPAST,
		    "sim_after: negative delay %jd ns", (intmax_t)delay);
	if (delay > SIM_TIME_MAX - sim->clock.now)
		return sim_err(sim, SIM_EINVAL,
		    "sim_after: delay %jd ns overflows the clock",
		    (intmax_t)delay);
	return sim_push(sim, sim->clock.now + delay, fn, arg, h);
}

int
sim_cancel(struct sim *sim, sim_event_t h)
{
	if (evq_cancel(sim->q, h) != EVQ_OK)
		return sim_err(sim, SIM_ENOENT,
		    "sim_cancel: event %#jx is not pending", (uintmax_t)h);
	return SIM_OK;
}

int
sim_pending(const struct sim *sim, sim_event_t h)
{
	return evq_pending(sim->q, h);
}

/*
 * A periodic timer is one pending event that re-arms itself after each
 * call.  The callback may cancel its own timer: sim_periodic_cancel() then
 * only marks it, and the timer is freed here once fn has returned, so
 * neither the caller nor this function touches freed memory.
 */
static void
periodic_fire(struct sim *sim, void *arg)
{
	struct sim_periodic *p = arg;

	p->ev = SIM_EVENT_NONE;
	p->firing = 1;
	p->fn(sim, p->arg);
	p->firing = 0;
	if (p->cancelled) {
		TAILQ_REMOVE(&sim->periodics, p, link);
		free(p);
		return;
	}
	/*
	 * Re-arm at first + k period exactly (no drift).  Should the next
	 * firing lie beyond the end of time, or memory run out, the timer
	 * stays on the list, idle, so the owner's handle remains valid for
	 * sim_periodic_cancel() and sim_destroy() frees it.
	 */
	if (p->period <= SIM_TIME_MAX - p->next &&
	    sim_at(sim, p->next + p->period, periodic_fire, p, &p->ev) ==
	    SIM_OK)
		p->next += p->period;
}

struct sim_periodic *
sim_every(struct sim *sim, sim_time_t first, sim_time_t period, sim_fn fn,
    void *arg)
{
	struct sim_periodic *p;

	if (fn == NULL) {
		sim_err(sim, SIM_EINVAL, "sim_every: no callback");
		return NULL;
	}
	if (period <= 0) {
		sim_err(sim, SIM_EINVAL,
		    "sim_every: period (%jd ns) must be positive",
		    (intmax_t)period);
		return NULL;
	}
	if (first < sim->clock.now) {
		sim_err(sim, SIM_EPAST,
		    "sim_every: first time %jd ns is before now (%jd ns)",
		    (intmax_t)first, (intmax_t)sim->clock.now);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		sim_err(sim, SIM_ENOMEM, "sim_every: out of memory");
		return NULL;
	}
	p->next = first;
	p->period = period;
	p->fn = fn;
	p->arg = arg;
	if (sim_at(sim, first, periodic_fire, p, &p->ev) != SIM_OK) {
		free(p);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&sim->periodics, p, link);
	return p;
}

void
sim_periodic_cancel(struct sim *sim, struct sim_periodic *p)
{
	if (p == NULL)
		return;
	if (p->firing) {
		/* From inside its own callback: periodic_fire() frees it. */
		p->cancelled = 1;
		return;
	}
	if (p->ev != SIM_EVENT_NONE)
		(void)evq_cancel(sim->q, p->ev);
	TAILQ_REMOVE(&sim->periodics, p, link);
	free(p);
}

enum sim_stop_reason
sim_run(struct sim *sim, sim_time_t until, uint64_t max_events)
{
	uint64_t done = 0;
	sim_time_t t;
	evq_fn fn;
	void *arg;
	int r;

	enum sim_stop_reason why;

	assert(!sim->running);		/* not re-entrant */
	sim->running = 1;
	for (;;) {
		if (sim->stop || (sim->stop_flag != NULL && *sim->stop_flag)) {
			sim->stop = 0;
			why = SIM_STOP_REQUEST;
			break;
		}
		if (max_events != 0 && done == max_events) {
			why = SIM_STOP_BUDGET;
			break;
		}
		r = evq_pop_due(sim->q, until, &t, &fn, &arg);
		if (r == EVQ_EMPTY) {
			if (until != SIM_TIME_MAX && until > sim->clock.now)
				sim->clock.now = until;
			why = SIM_STOP_EMPTY;
			break;
		}
		if (r == EVQ_LATER) {
			if (until > sim->clock.now)
				sim->clock.now = until;
			why = SIM_STOP_TIME;
			break;
		}
		assert(t >= sim->clock.now);
		sim->clock.now = t;
		sim->events++;
		done++;
		((sim_fn)fn)(sim, arg);
	}
	sim->running = 0;
	return why;
}

void
sim_stop(struct sim *sim)
{
	sim->stop = 1;
}

void
sim_set_stop_flag(struct sim *sim, volatile sig_atomic_t *stop_flag)
{
	sim->stop_flag = stop_flag;
}

static size_t
stream_slot(const char *name, size_t cap)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*name != '\0') {
		h ^= (unsigned char)*name++;
		h *= 16777619u;
	}
	return (size_t)h & (cap - 1);
}

/* Make room in the index for one more stream: 0, or -1 (no memory). */
static int
stream_index_grow(struct sim *sim)
{
	size_t *idx, cap, i, j;

	if (2 * (sim->nstreams + 1) <= sim->streamidxcap)
		return 0;
	cap = sim->streamidxcap ? 2 * sim->streamidxcap : 64;
	idx = calloc(cap, sizeof(*idx));
	if (idx == NULL)
		return -1;
	for (i = 0; i < sim->nstreams; i++) {
		for (j = stream_slot(sim->streams[i].name, cap); idx[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		idx[j] = i + 1;
	}
	free(sim->streamidx);
	sim->streamidx = idx;
	sim->streamidxcap = cap;
	return 0;
}

struct rng *
sim_rng(struct sim *sim, const char *stream_name)
{
	struct sim_stream *ns;
	struct rng *r;
	size_t i, j, ncap;

	if (stream_name == NULL) {
		sim_err(sim, SIM_EINVAL, "sim_rng: no stream name");
		return NULL;
	}
	if (sim->streamidxcap > 0)
		for (j = stream_slot(stream_name, sim->streamidxcap);
		    (i = sim->streamidx[j]) != 0;
		    j = (j + 1) & (sim->streamidxcap - 1))
			if (strcmp(sim->streams[i - 1].name, stream_name) == 0)
				return sim->streams[i - 1].r;
	if (stream_index_grow(sim) != 0) {
		sim_err(sim, SIM_ENOMEM, "sim_rng: out of memory");
		return NULL;
	}
	if (sim->nstreams == sim->streamcap) {
		ncap = sim->streamcap == 0 ? 8 : sim->streamcap * 2;
		ns = realloc(sim->streams, ncap * sizeof(*ns));
		if (ns == NULL) {
			sim_err(sim, SIM_ENOMEM, "sim_rng: out of memory");
			return NULL;
		}
		sim->streams = ns;
		sim->streamcap = ncap;
	}
	r = rng_create(sim->seed, stream_name);
	if (r == NULL) {
		sim_err(sim, SIM_ENOMEM,
		    "sim_rng: cannot create stream \"%s\"", stream_name);
		return NULL;
	}
	sim->streams[sim->nstreams].name = rng_name(r);
	sim->streams[sim->nstreams].r = r;
	for (j = stream_slot(rng_name(r), sim->streamidxcap);
	    sim->streamidx[j] != 0; j = (j + 1) & (sim->streamidxcap - 1))
		;
	sim->streamidx[j] = ++sim->nstreams;
	return r;
}
