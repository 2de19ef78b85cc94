/*
 * check_sim.c -- the run loop's contract (sim.h): scheduling rules, each
 * way sim_run() stops, periodic timers, context-owned random streams, and
 * reproducibility of whole runs within one process.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/dist.h"
#include "sim/sim.h"

/* A log of (time, id) that callbacks append to. */
#define LOGMAX	4096

struct log {
	sim_time_t	t[LOGMAX];
	intptr_t	id[LOGMAX];
	int		n;
};

static struct log *
log_new(void)
{
	struct log *l = calloc(1, sizeof(*l));

	ck_assert_ptr_nonnull(l);
	return l;
}

static void
log_put(struct log *l, sim_time_t t, intptr_t id)
{
	ck_assert_int_lt(l->n, LOGMAX);
	l->t[l->n] = t;
	l->id[l->n] = id;
	l->n++;
}

/* Callbacks get a struct ev: the log and an id to record. */
struct ev {
	struct log	*log;
	intptr_t	 id;
	int		 action;	/* what to do besides logging */
	volatile sig_atomic_t *flag;
	struct sim_periodic *other;
};

enum { ACT_NONE, ACT_STOP, ACT_FLAG, ACT_SAME_TIME, ACT_CANCEL_OTHER };

static void
on_event(struct sim *sim, void *arg)
{
	struct ev *e = arg;
	static struct ev later;

	log_put(e->log, sim_now(sim), e->id);
	switch (e->action) {
	case ACT_STOP:
		sim_stop(sim);
		break;
	case ACT_FLAG:
		*e->flag = 1;
		break;
	case ACT_SAME_TIME:
		later = (struct ev){ e->log, e->id + 100, ACT_NONE, NULL,
		    NULL };
		ck_assert_int_eq(sim_at(sim, sim_now(sim), on_event, &later,
		    NULL), SIM_OK);
		break;
	case ACT_CANCEL_OTHER:
		sim_periodic_cancel(sim, e->other);
		break;
	}
}

/* n events at 10, 20, ..., 10n with ids 1..n. */
static struct ev *
schedule_n(struct sim *sim, struct log *l, int n)
{
	struct ev *evs = calloc(n, sizeof(*evs));
	int i;

	ck_assert_ptr_nonnull(evs);
	for (i = 0; i < n; i++) {
		evs[i].log = l;
		evs[i].id = i + 1;
		ck_assert_int_eq(sim_at(sim, 10 * (i + 1), on_event, &evs[i],
		    NULL), SIM_OK);
	}
	return evs;
}

START_TEST(test_events_run_in_time_order_with_clock_at_event_time)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev e[4] = {
		{ l, 3, 0, NULL, NULL }, { l, 1, 0, NULL, NULL },
		{ l, 2, 0, NULL, NULL }, { l, 4, 0, NULL, NULL },
	};

	sim_at(sim, 30, on_event, &e[0], NULL);
	sim_at(sim, 10, on_event, &e[1], NULL);
	sim_after(sim, 20, on_event, &e[2], NULL);
	sim_at(sim, 40, on_event, &e[3], NULL);
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(l->n, 4);
	ck_assert(l->t[0] == 10 && l->t[1] == 20 && l->t[2] == 30 &&
	    l->t[3] == 40);
	ck_assert(l->id[0] == 1 && l->id[1] == 2 && l->id[2] == 3 &&
	    l->id[3] == 4);
	ck_assert_uint_eq(sim_events(sim), 4);
	sim_destroy(sim);
	free(l);
}
END_TEST

START_TEST(test_same_time_events_run_in_scheduling_order)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev e[3] = {
		{ l, 1, ACT_SAME_TIME, NULL, NULL }, { l, 2, 0, NULL, NULL },
		{ l, 3, 0, NULL, NULL },
	};
	int i;

	for (i = 0; i < 3; i++)
		sim_at(sim, 5, on_event, &e[i], NULL);
	sim_run(sim, SIM_TIME_MAX, 0);
	/* 101 is scheduled at 5 by event 1, so it runs after 2 and 3. */
	ck_assert_int_eq(l->n, 4);
	ck_assert(l->id[0] == 1 && l->id[1] == 2 && l->id[2] == 3 &&
	    l->id[3] == 101);
	ck_assert_int_eq(l->t[3], 5);
	sim_destroy(sim);
	free(l);
}
END_TEST

START_TEST(test_scheduling_in_the_past_is_SIM_EPAST)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev *evs = schedule_n(sim, l, 5);
	struct ev e = { l, 99, 0, NULL, NULL };

	sim_run(sim, 25, 0);
	ck_assert_int_eq(sim_now(sim), 25);
	ck_assert_int_eq(sim_at(sim, 24, on_event, &e, NULL), SIM_EPAST);
	ck_assert_ptr_nonnull(strstr(sim_errmsg(sim), "before now"));
	ck_assert_int_eq(sim_after(sim, -1, on_event, &e, NULL), SIM_EPAST);
	ck_assert_int_eq(sim_at(sim, 25, on_event, &e, NULL), SIM_OK);
	ck_assert_int_eq(sim_after(sim, SIM_TIME_MAX, on_event, &e, NULL),
	    SIM_EINVAL);
	ck_assert_int_eq(sim_at(sim, 25, NULL, &e, NULL), SIM_EINVAL);
	sim_run(sim, SIM_TIME_MAX, 0);
	/* 10, 20, then 99 at 25 (scheduled at now), then 30, 40, 50. */
	ck_assert_int_eq(l->n, 6);
	ck_assert_int_eq(l->id[2], 99);
	sim_destroy(sim);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_cancel_prevents_the_event_and_twice_is_SIM_ENOENT)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev e[2] = { { l, 1, 0, NULL, NULL }, { l, 2, 0, NULL, NULL } };
	sim_event_t h1, h2;

	sim_at(sim, 10, on_event, &e[0], &h1);
	sim_at(sim, 20, on_event, &e[1], &h2);
	ck_assert(sim_pending(sim, h1));
	ck_assert_int_eq(sim_cancel(sim, h1), SIM_OK);
	ck_assert(!sim_pending(sim, h1));
	ck_assert_int_eq(sim_cancel(sim, h1), SIM_ENOENT);
	ck_assert_ptr_nonnull(strstr(sim_errmsg(sim), "not pending"));
	ck_assert_int_eq(sim_cancel(sim, SIM_EVENT_NONE), SIM_ENOENT);
	sim_run(sim, SIM_TIME_MAX, 0);
	ck_assert_int_eq(l->n, 1);
	ck_assert_int_eq(l->id[0], 2);
	/* A fired event cannot be cancelled either. */
	ck_assert_int_eq(sim_cancel(sim, h2), SIM_ENOENT);
	sim_destroy(sim);
	free(l);
}
END_TEST

START_TEST(test_run_stops_for_time_and_runs_event_exactly_at_until)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev *evs = schedule_n(sim, l, 3);

	ck_assert_int_eq(sim_run(sim, 20, 0), SIM_STOP_TIME);
	ck_assert_int_eq(l->n, 2);		/* 10 and 20 == until */
	ck_assert_int_eq(l->t[1], 20);
	ck_assert_int_eq(sim_now(sim), 20);
	ck_assert_int_eq(sim_run(sim, 25, 0), SIM_STOP_TIME);
	ck_assert_int_eq(l->n, 2);
	ck_assert_int_eq(sim_now(sim), 25);	/* clock set to until */
	/* An end time in the past does not move the clock back. */
	ck_assert_int_eq(sim_run(sim, 5, 0), SIM_STOP_TIME);
	ck_assert_int_eq(sim_now(sim), 25);
	ck_assert_int_eq(sim_run(sim, 1000, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(l->n, 3);
	ck_assert_uint_eq(sim_events(sim), 3);
	ck_assert_int_eq(sim_now(sim), 1000);
	sim_destroy(sim);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_run_stops_on_event_budget)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev *evs = schedule_n(sim, l, 10);

	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 4), SIM_STOP_BUDGET);
	ck_assert_int_eq(l->n, 4);
	ck_assert_int_eq(sim_now(sim), 40);
	ck_assert_uint_eq(sim_events(sim), 4);
	/* The budget counts per call. */
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 4), SIM_STOP_BUDGET);
	ck_assert_uint_eq(sim_events(sim), 8);
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 4), SIM_STOP_EMPTY);
	ck_assert_uint_eq(sim_events(sim), 10);
	sim_destroy(sim);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_sim_stop_from_callback_stops_after_that_event)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev *evs = schedule_n(sim, l, 5);

	evs[1].action = ACT_STOP;		/* the event at 20 */
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_REQUEST);
	ck_assert_int_eq(l->n, 2);
	ck_assert_int_eq(sim_now(sim), 20);
	/* The request is consumed: the next run carries on. */
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(l->n, 5);
	sim_destroy(sim);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_stop_flag_is_checked_between_events)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev *evs = schedule_n(sim, l, 5);
	volatile sig_atomic_t flag = 0;

	sim_set_stop_flag(sim, &flag);
	evs[2].action = ACT_FLAG;		/* the event at 30 */
	evs[2].flag = &flag;
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_REQUEST);
	ck_assert_int_eq(l->n, 3);
	/* The flag is the caller's: while it is set, runs stop at once. */
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_REQUEST);
	ck_assert_int_eq(l->n, 3);
	flag = 0;
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(l->n, 5);
	sim_set_stop_flag(sim, NULL);
	sim_destroy(sim);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_run_on_empty_queue_stops_empty_with_clock_at_until)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev *evs;

	ck_assert_int_eq(sim_run(sim, 1000, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(sim_now(sim), 1000);
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(sim_now(sim), 1000);
	sim_destroy(sim);

	/* Finite end: the clock moves on to it once nothing is left. */
	sim = sim_create(1);
	l->n = 0;
	evs = schedule_n(sim, l, 2);
	ck_assert_int_eq(sim_run(sim, 1000, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(l->n, 2);
	ck_assert_int_eq(sim_now(sim), 1000);
	sim_destroy(sim);
	free(evs);

	/* "Until done": the clock stays at the last event's time. */
	sim = sim_create(1);
	l->n = 0;
	evs = schedule_n(sim, l, 2);
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(sim_now(sim), 20);
	sim_destroy(sim);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_periodic_fires_at_first_plus_multiples_of_period)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev e = { l, 7, 0, NULL, NULL };
	struct sim_periodic *p;
	int i;

	p = sim_every(sim, 100, 50, on_event, &e);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sim_run(sim, 300, 0), SIM_STOP_TIME);
	ck_assert_int_eq(l->n, 5);		/* 100 .. 300 inclusive */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(l->t[i], 100 + 50 * i);
	ck_assert_int_eq(sim_run(sim, 1000, 0), SIM_STOP_TIME);
	ck_assert_int_eq(l->n, 19);
	sim_periodic_cancel(sim, p);
	ck_assert_int_eq(sim_run(sim, 5000, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(l->n, 19);
	sim_destroy(sim);
	free(l);
}
END_TEST

/* Cancels its own timer on its third call. */
struct selfcancel {
	struct sim_periodic *p;
	int calls;
};

static void
on_tick_selfcancel(struct sim *sim, void *arg)
{
	struct selfcancel *sc = arg;

	if (++sc->calls == 3)
		sim_periodic_cancel(sim, sc->p);
}

START_TEST(test_periodic_cancel_from_inside_its_callback)
{
	struct sim *sim = sim_create(1);
	struct selfcancel sc = { NULL, 0 };

	sc.p = sim_every(sim, 0, 10, on_tick_selfcancel, &sc);
	ck_assert_ptr_nonnull(sc.p);
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(sc.calls, 3);
	ck_assert_int_eq(sim_now(sim), 20);
	sim_destroy(sim);
}
END_TEST

START_TEST(test_periodic_cancel_of_another_timer_from_a_callback)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev a = { l, 1, ACT_CANCEL_OTHER, NULL, NULL };
	struct ev b = { l, 2, 0, NULL, NULL };
	struct sim_periodic *pa, *pb;

	pb = sim_every(sim, 5, 10, on_event, &b);	/* 5, 15, 25, ... */
	pa = sim_every(sim, 20, 1000, on_event, &a);	/* 20 cancels b */
	a.other = pb;
	ck_assert_ptr_nonnull(pa);
	ck_assert_int_eq(sim_run(sim, 100, 0), SIM_STOP_TIME);
	/* b at 5, 15; a at 20; nothing of b after. */
	ck_assert_int_eq(l->n, 3);
	ck_assert(l->id[0] == 2 && l->id[1] == 2 && l->id[2] == 1);
	sim_periodic_cancel(sim, pa);
	sim_periodic_cancel(sim, NULL);
	sim_destroy(sim);
	free(l);
}
END_TEST

START_TEST(test_periodic_past_end_of_time_goes_idle_but_stays_cancellable)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev e = { l, 1, 0, NULL, NULL };
	struct sim_periodic *p;

	p = sim_every(sim, SIM_TIME_MAX - 5, 10, on_event, &e);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(l->n, 1);
	ck_assert_int_eq(sim_now(sim), SIM_TIME_MAX - 5);
	sim_periodic_cancel(sim, p);	/* ASan/valgrind: no use after free */
	sim_destroy(sim);
	free(l);
}
END_TEST

START_TEST(test_sim_stop_before_run_stops_it_before_any_event)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev *evs = schedule_n(sim, l, 3);

	sim_stop(sim);
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_REQUEST);
	ck_assert_int_eq(l->n, 0);
	ck_assert_int_eq(sim_run(sim, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
	ck_assert_int_eq(l->n, 3);
	sim_destroy(sim);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_periodic_rejects_bad_arguments)
{
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev e = { l, 1, 0, NULL, NULL };
	struct ev *evs = schedule_n(sim, l, 1);

	ck_assert_ptr_null(sim_every(sim, 0, 0, on_event, &e));
	ck_assert_ptr_nonnull(strstr(sim_errmsg(sim), "period"));
	ck_assert_ptr_null(sim_every(sim, 0, -5, on_event, &e));
	sim_run(sim, 10, 0);
	ck_assert_ptr_null(sim_every(sim, 9, 5, on_event, &e));
	ck_assert_ptr_nonnull(strstr(sim_errmsg(sim), "before now"));
	ck_assert_ptr_null(sim_every(sim, 10, 5, NULL, &e));
	sim_destroy(sim);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_destroy_frees_pending_events_and_timers)
{
	/* Valgrind / ASan pin this one: nothing may leak. */
	struct sim *sim = sim_create(1);
	struct log *l = log_new();
	struct ev *evs = schedule_n(sim, l, 100);

	ck_assert_ptr_nonnull(sim_every(sim, 0, 7, on_event, &evs[0]));
	ck_assert_ptr_nonnull(sim_every(sim, 3, 11, on_event, &evs[1]));
	ck_assert_ptr_nonnull(sim_rng(sim, "a"));
	ck_assert_int_eq(sim_run(sim, 200, 0), SIM_STOP_TIME);
	sim_destroy(sim);
	sim_destroy(NULL);
	free(evs);
	free(l);
}
END_TEST

START_TEST(test_sim_rng_is_the_named_stream_of_the_seed)
{
	struct sim *sim = sim_create(99);
	struct rng *a = sim_rng(sim, "workload/web");
	struct rng *ref = rng_create(99, "workload/web");
	char name[32];
	int i;

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(sim_seed(sim), 99);
	strcpy(name, "workload/web");
	ck_assert_ptr_eq(sim_rng(sim, name), a);	/* by value */
	ck_assert_ptr_ne(sim_rng(sim, "workload/db"), a);
	for (i = 0; i < 20; i++)
		ck_assert_ptr_nonnull(sim_rng(sim, (char[]){ 'x', (char)('a' + i),
		    '\0' }));
	ck_assert_ptr_eq(sim_rng(sim, "workload/web"), a);	/* after grow */
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(gsl_rng_get(rng_gsl(a)),
		    gsl_rng_get(rng_gsl(ref)));
	ck_assert_ptr_null(sim_rng(sim, NULL));
	rng_destroy(ref);
	sim_destroy(sim);
}
END_TEST

/*
 * A small random workload: clients that each schedule their next request
 * after an exponential think time drawn from their own stream, and now and
 * then cancel another client's pending request; a periodic sampler logs
 * the number of events so far.  Everything it does depends only on the
 * seed, so two runs must agree event for event.
 */
#define NCLIENTS	8

struct workload;

struct client {
	struct workload	*w;
	int		 c;
};

struct workload {
	struct log	*log;
	struct rng	*r[NCLIENTS];
	sim_event_t	 next[NCLIENTS];
	struct client	 clients[NCLIENTS];
	struct dist	 think;
};

static void
wl_request(struct sim *sim, void *arg)
{
	struct client *cl = arg;
	struct workload *w = cl->w;
	int c = cl->c;
	sim_time_t d;
	uint32_t victim;

	log_put(w->log, sim_now(sim), c);
	w->next[c] = SIM_EVENT_NONE;
	d = (sim_time_t)dist_sample(&w->think, w->r[c]);
	ck_assert_int_eq(sim_after(sim, d, wl_request, arg, &w->next[c]),
	    SIM_OK);
	if (rng_uniform(w->r[c]) < 0.1) {
		victim = rng_uniform_int(w->r[c], NCLIENTS);
		if (victim != (uint32_t)c &&
		    w->next[victim] != SIM_EVENT_NONE &&
		    sim_cancel(sim, w->next[victim]) == SIM_OK) {
			log_put(w->log, sim_now(sim), 1000 + victim);
			/* The victim starts over a little later. */
			ck_assert_int_eq(sim_after(sim, 1000, wl_request,
			    &w->clients[victim], &w->next[victim]), SIM_OK);
		}
	}
}

static void
wl_sample(struct sim *sim, void *arg)
{
	struct workload *w = arg;

	log_put(w->log, sim_now(sim), -(intptr_t)sim_events(sim));
}

static uint64_t
run_workload(uint64_t seed, struct log *l)
{
	struct workload w;
	struct sim *sim = sim_create(seed);
	char name[32];
	uint64_t n;
	int c;

	memset(&w, 0, sizeof(w));
	w.log = l;
	w.think = (struct dist){ DIST_EXPONENTIAL, { 1e6, 0 } };
	for (c = 0; c < NCLIENTS; c++) {
		snprintf(name, sizeof(name), "workload/client%d", c);
		w.r[c] = sim_rng(sim, name);
		w.clients[c] = (struct client){ &w, c };
		ck_assert_int_eq(sim_at(sim, c, wl_request, &w.clients[c],
		    &w.next[c]), SIM_OK);
	}
	ck_assert_ptr_nonnull(sim_every(sim, 0, 5000000, wl_sample, &w));
	ck_assert_int_eq(sim_run(sim, 200 * SIM_MSEC, 0), SIM_STOP_TIME);
	n = sim_events(sim);
	sim_destroy(sim);
	return n;
}

START_TEST(test_two_runs_in_one_process_are_identical)
{
	struct log *a = log_new(), *b = log_new(), *c = log_new();
	uint64_t na, nb, nc;
	int i, cancels = 0;

	na = run_workload(42, a);
	nb = run_workload(42, b);
	nc = run_workload(43, c);
	ck_assert_uint_gt(na, 1000);
	ck_assert_uint_eq(na, nb);
	ck_assert_int_eq(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		ck_assert_int_eq(a->t[i], b->t[i]);
		ck_assert_int_eq(a->id[i], b->id[i]);
		cancels += a->id[i] >= 1000;
	}
	ck_assert_int_gt(cancels, 10);
	/* And the trace does depend on the seed. */
	ck_assert(nc != na || c->n != a->n ||
	    memcmp(c->t, a->t, a->n * sizeof(a->t[0])) != 0);
	free(a);
	free(b);
	free(c);
}
END_TEST

static Suite *
sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("schedule");

	tcase_add_test(tc,
	    test_events_run_in_time_order_with_clock_at_event_time);
	tcase_add_test(tc, test_same_time_events_run_in_scheduling_order);
	tcase_add_test(tc, test_scheduling_in_the_past_is_SIM_EPAST);
	tcase_add_test(tc,
	    test_cancel_prevents_the_event_and_twice_is_SIM_ENOENT);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_test(tc,
	    test_run_stops_for_time_and_runs_event_exactly_at_until);
	tcase_add_test(tc, test_run_stops_on_event_budget);
	tcase_add_test(tc, test_sim_stop_from_callback_stops_after_that_event);
	tcase_add_test(tc, test_stop_flag_is_checked_between_events);
	tcase_add_test(tc, test_sim_stop_before_run_stops_it_before_any_event);
	tcase_add_test(tc, test_run_on_empty_queue_stops_empty_with_clock_at_until);
	suite_add_tcase(s, tc);

	tc = tcase_create("periodic");
	tcase_add_test(tc,
	    test_periodic_fires_at_first_plus_multiples_of_period);
	tcase_add_test(tc, test_periodic_cancel_from_inside_its_callback);
	tcase_add_test(tc,
	    test_periodic_cancel_of_another_timer_from_a_callback);
	tcase_add_test(tc, test_periodic_rejects_bad_arguments);
	tcase_add_test(tc,
	    test_periodic_past_end_of_time_goes_idle_but_stays_cancellable);
	tcase_add_test(tc, test_destroy_frees_pending_events_and_timers);
	suite_add_tcase(s, tc);

	tc = tcase_create("streams");
	tcase_add_test(tc, test_sim_rng_is_the_named_stream_of_the_seed);
	tcase_add_test(tc, test_two_runs_in_one_process_are_identical);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sim_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
