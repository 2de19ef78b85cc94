/*
 * check_evq.c -- the event queue's rules: (time, sequence) order, FIFO
 * among equal times, cancellation through generation-checked handles, and
 * a long randomized run against a sorted-array reference.
 *
 * The sequence-renumbering path only triggers after 2^36 pushes, so the
 * bottom of this file also compiles sim/evq.c a second time with a tiny
 * sequence field (EVQ_SLOT_BITS 54: 10 bits of sequence, so at most 512
 * pending events and a renumbering at least every 512 pushes) under the
 * prefix tevq_, and runs the same randomized reference check against it.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/evq.h"

/* ---- the second, small-sequence build of evq.c, as tevq_* ---- */
#define evq_create	tevq_create
#define evq_destroy	tevq_destroy
#define evq_push	tevq_push
#define evq_cancel	tevq_cancel
#define evq_pop		tevq_pop
#define evq_pop_due	tevq_pop_due
#define evq_peek_time	tevq_peek_time
#define evq_size	tevq_size
#define evq_pending	tevq_pending
struct evq	*evq_create(void);
void		 evq_destroy(struct evq *q);
int		 evq_push(struct evq *q, sim_time_t when, evq_fn fn, void *arg,
		    evq_handle_t *h);
int		 evq_cancel(struct evq *q, evq_handle_t h);
int		 evq_pop(struct evq *q, sim_time_t *when, evq_fn *fn, void **arg);
int		 evq_pop_due(struct evq *q, sim_time_t until, sim_time_t *when,
		    evq_fn *fn, void **arg);
sim_time_t	 evq_peek_time(const struct evq *q);
size_t		 evq_size(const struct evq *q);
int		 evq_pending(const struct evq *q, evq_handle_t h);
#define EVQ_SLOT_BITS	54
#include "sim/evq.c"
#undef evq_create
#undef evq_destroy
#undef evq_push
#undef evq_cancel
#undef evq_pop
#undef evq_pop_due
#undef evq_peek_time
#undef evq_size
#undef evq_pending

/* The API under test, either build. */
struct evq_ops {
	struct evq	*(*create)(void);
	void		 (*destroy)(struct evq *);
	int		 (*push)(struct evq *, sim_time_t, evq_fn, void *,
			    evq_handle_t *);
	int		 (*cancel)(struct evq *, evq_handle_t);
	int		 (*pop)(struct evq *, sim_time_t *, evq_fn *, void **);
	size_t		 (*size)(const struct evq *);
	sim_time_t	 (*peek)(const struct evq *);
	int		 (*pending)(const struct evq *, evq_handle_t);
};

static const struct evq_ops real_ops = {
	evq_create, evq_destroy, evq_push, evq_cancel, evq_pop, evq_size,
	evq_peek_time, evq_pending
};
static const struct evq_ops small_seq_ops = {
	tevq_create, tevq_destroy, tevq_push, tevq_cancel, tevq_pop,
	tevq_size, tevq_peek_time, tevq_pending
};

static void
fn_a(void *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
}

static void
fn_b(void *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
}

/* Push an event at t whose argument is the integer id. */
static evq_handle_t
push_id(struct evq *q, sim_time_t t, intptr_t id)
{
	evq_handle_t h = EVQ_HANDLE_NONE;

	ck_assert_int_eq(evq_push(q, t, fn_a, (void *)id, &h), EVQ_OK);
	ck_assert(h != EVQ_HANDLE_NONE);
	return h;
}

/* Pop and check the time and id. */
static void
pop_expect(struct evq *q, sim_time_t t, intptr_t id)
{
	sim_time_t when;
	evq_fn fn;
	void *arg;

	ck_assert_int_eq(evq_pop(q, &when, &fn, &arg), EVQ_OK);
	ck_assert_int_eq(when, t);
	ck_assert_int_eq((intptr_t)arg, id);
}

START_TEST(test_pops_in_time_order)
{
	static const sim_time_t times[] = { 50, 10, 40, 30, 20, -5, 1000, 0 };
	static const sim_time_t sorted[] = { -5, 0, 10, 20, 30, 40, 50, 1000 };
	struct evq *q = evq_create();
	size_t i;

	for (i = 0; i < 8; i++)
		push_id(q, times[i], (intptr_t)times[i]);
	ck_assert_uint_eq(evq_size(q), 8);
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(evq_peek_time(q), sorted[i]);
		pop_expect(q, sorted[i], (intptr_t)sorted[i]);
	}
	ck_assert_uint_eq(evq_size(q), 0);
	evq_destroy(q);
}
END_TEST

START_TEST(test_equal_times_pop_in_push_order)
{
	struct evq *q = evq_create();
	intptr_t i;

	/* Interleave two instants so the heap really has to reorder. */
	for (i = 0; i < 1000; i++)
		push_id(q, i % 2 ? 7 : 3, i);
	for (i = 0; i < 1000; i += 2)
		pop_expect(q, 3, i);
	for (i = 1; i < 1000; i += 2)
		pop_expect(q, 7, i);
	evq_destroy(q);
}
END_TEST

START_TEST(test_pop_hands_back_fn_and_arg)
{
	struct evq *q = evq_create();
	int x, y;
	sim_time_t when;
	evq_fn fn;
	void *arg;

	ck_assert_int_eq(evq_push(q, 2, fn_b, &y, NULL), EVQ_OK);
	ck_assert_int_eq(evq_push(q, 1, fn_a, &x, NULL), EVQ_OK);
	ck_assert_int_eq(evq_pop(q, &when, &fn, &arg), EVQ_OK);
	ck_assert(fn == fn_a && arg == &x && when == 1);
	ck_assert_int_eq(evq_pop(q, &when, &fn, &arg), EVQ_OK);
	ck_assert(fn == fn_b && arg == &y && when == 2);
	evq_destroy(q);
}
END_TEST

START_TEST(test_empty_queue_pops_EVQ_EMPTY_and_peeks_max)
{
	struct evq *q = evq_create();
	sim_time_t when = 123;

	ck_assert_int_eq(evq_peek_time(q), SIM_TIME_MAX);
	ck_assert_int_eq(evq_pop(q, &when, NULL, NULL), EVQ_EMPTY);
	ck_assert_int_eq(when, 123);
	push_id(q, 5, 1);
	pop_expect(q, 5, 1);
	ck_assert_int_eq(evq_pop(q, NULL, NULL, NULL), EVQ_EMPTY);
	ck_assert_int_eq(evq_peek_time(q), SIM_TIME_MAX);
	evq_destroy(q);
}
END_TEST

/*
 * pop_due pops only what is due by `until` (an event exactly at `until`
 * is due), says EVQ_LATER and leaves the queue alone otherwise, and
 * EVQ_EMPTY on an empty queue.
 */
START_TEST(test_pop_due_pops_only_what_is_due)
{
	struct evq *q = evq_create();
	sim_time_t when = 123;
	evq_fn fn;
	void *arg;

	ck_assert_int_eq(evq_pop_due(q, SIM_TIME_MAX, &when, &fn, &arg),
	    EVQ_EMPTY);
	ck_assert_int_eq(when, 123);
	push_id(q, 20, 2);
	push_id(q, 10, 1);
	ck_assert_int_eq(evq_pop_due(q, 9, &when, &fn, &arg), EVQ_LATER);
	ck_assert_int_eq(when, 123);
	ck_assert_uint_eq(evq_size(q), 2);
	ck_assert_int_eq(evq_pop_due(q, 10, &when, &fn, &arg), EVQ_OK);
	ck_assert(when == 10 && (intptr_t)arg == 1);
	ck_assert_int_eq(evq_pop_due(q, 19, &when, &fn, &arg), EVQ_LATER);
	ck_assert_int_eq(evq_pop_due(q, 25, &when, &fn, &arg), EVQ_OK);
	ck_assert(when == 20 && (intptr_t)arg == 2);
	ck_assert_int_eq(evq_pop_due(q, 25, &when, &fn, &arg), EVQ_EMPTY);
	evq_destroy(q);
}
END_TEST

/* Ten events at 10, 20, ..., 100 with ids 1..10; handles in h[1..10]. */
static struct evq *
ten_events(evq_handle_t h[11])
{
	struct evq *q = evq_create();
	intptr_t i;

	/* Pushed out of order so the heap array is not sorted. */
	for (i = 10; i >= 1; i--)
		h[i] = push_id(q, i * 10, i);
	return q;
}

static void
pop_all_but(struct evq *q, intptr_t skip)
{
	intptr_t i;

	for (i = 1; i <= 10; i++)
		if (i != skip)
			pop_expect(q, i * 10, i);
	ck_assert_int_eq(evq_pop(q, NULL, NULL, NULL), EVQ_EMPTY);
}

START_TEST(test_cancel_head)
{
	evq_handle_t h[11];
	struct evq *q = ten_events(h);

	ck_assert_int_eq(evq_cancel(q, h[1]), EVQ_OK);
	ck_assert_uint_eq(evq_size(q), 9);
	ck_assert_int_eq(evq_peek_time(q), 20);
	pop_all_but(q, 1);
	evq_destroy(q);
}
END_TEST

START_TEST(test_cancel_middle)
{
	evq_handle_t h[11];
	struct evq *q = ten_events(h);

	ck_assert_int_eq(evq_cancel(q, h[6]), EVQ_OK);
	ck_assert(!evq_pending(q, h[6]));
	pop_all_but(q, 6);
	evq_destroy(q);
}
END_TEST

START_TEST(test_cancel_latest_event)
{
	evq_handle_t h[11];
	struct evq *q = ten_events(h);

	ck_assert_int_eq(evq_cancel(q, h[10]), EVQ_OK);
	pop_all_but(q, 10);
	evq_destroy(q);
}
END_TEST

START_TEST(test_cancel_last_heap_entry)
{
	evq_handle_t h[11];
	struct evq *q = ten_events(h);
	/* The latest time does not climb: it stays in the last array slot. */
	evq_handle_t last = push_id(q, 1000, 11);

	ck_assert_int_eq(evq_cancel(q, last), EVQ_OK);
	ck_assert_uint_eq(evq_size(q), 10);
	pop_all_but(q, 0);
	evq_destroy(q);
}
END_TEST

START_TEST(test_cancel_only_event)
{
	struct evq *q = evq_create();
	evq_handle_t h = push_id(q, 5, 1);

	ck_assert_int_eq(evq_cancel(q, h), EVQ_OK);
	ck_assert_uint_eq(evq_size(q), 0);
	ck_assert_int_eq(evq_pop(q, NULL, NULL, NULL), EVQ_EMPTY);
	evq_destroy(q);
}
END_TEST

START_TEST(test_cancel_of_fired_event_is_ENOENT)
{
	evq_handle_t h[11];
	struct evq *q = ten_events(h);

	pop_expect(q, 10, 1);
	ck_assert(!evq_pending(q, h[1]));
	ck_assert_int_eq(evq_cancel(q, h[1]), EVQ_ENOENT);
	ck_assert_uint_eq(evq_size(q), 9);
	/* The slot of the fired event is reused by the next push. */
	push_id(q, 15, 99);
	ck_assert_int_eq(evq_cancel(q, h[1]), EVQ_ENOENT);
	pop_expect(q, 15, 99);
	pop_all_but(q, 1);
	evq_destroy(q);
}
END_TEST

START_TEST(test_double_cancel_is_ENOENT)
{
	evq_handle_t h[11];
	struct evq *q = ten_events(h);

	ck_assert_int_eq(evq_cancel(q, h[4]), EVQ_OK);
	ck_assert_int_eq(evq_cancel(q, h[4]), EVQ_ENOENT);
	ck_assert_uint_eq(evq_size(q), 9);
	pop_all_but(q, 4);
	evq_destroy(q);
}
END_TEST

START_TEST(test_stale_handle_does_not_cancel_reused_slot)
{
	struct evq *q = evq_create();
	evq_handle_t a, b;

	a = push_id(q, 1, 1);
	ck_assert_int_eq(evq_cancel(q, a), EVQ_OK);
	b = push_id(q, 2, 2);		/* LIFO free list: a's slot */
	ck_assert_uint_eq(a & UINT32_MAX, b & UINT32_MAX);
	ck_assert(a != b);
	ck_assert_int_eq(evq_cancel(q, a), EVQ_ENOENT);
	ck_assert(evq_pending(q, b));
	pop_expect(q, 2, 2);
	evq_destroy(q);
}
END_TEST

START_TEST(test_garbage_handles_are_ENOENT)
{
	evq_handle_t h[11];
	struct evq *q = ten_events(h);
	static const evq_handle_t junk[] = {
		EVQ_HANDLE_NONE, 1, UINT64_MAX, UINT32_MAX,
		(UINT64_C(1) << 32) | 5000000,	/* slot out of range */
		(UINT64_C(2) << 32) | 0,	/* even generation: free */
		(UINT64_C(3) << 32) | 0,	/* generation not issued yet */
	};
	size_t i;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		ck_assert_int_eq(evq_pending(q, junk[i]), 0);
		ck_assert_int_eq(evq_cancel(q, junk[i]), EVQ_ENOENT);
	}
	ck_assert_uint_eq(evq_size(q), 10);
	pop_all_but(q, 0);
	evq_destroy(q);
}
END_TEST

START_TEST(test_forged_handle_of_free_record_is_ENOENT)
{
	evq_handle_t h[11], forged;
	struct evq *q = ten_events(h);

	/* After its event fires, the record's generation is 2 (free). */
	pop_expect(q, 10, 1);
	forged = (UINT64_C(2) << 32) | (h[1] & UINT32_MAX);
	ck_assert_int_eq(evq_pending(q, forged), 0);
	ck_assert_int_eq(evq_cancel(q, forged), EVQ_ENOENT);
	ck_assert_uint_eq(evq_size(q), 9);
	pop_all_but(q, 1);
	evq_destroy(q);
}
END_TEST

START_TEST(test_pending_follows_event_life)
{
	struct evq *q = evq_create();
	evq_handle_t a = push_id(q, 1, 1), b = push_id(q, 2, 2);

	ck_assert(evq_pending(q, a) && evq_pending(q, b));
	pop_expect(q, 1, 1);
	ck_assert(!evq_pending(q, a) && evq_pending(q, b));
	ck_assert_int_eq(evq_cancel(q, b), EVQ_OK);
	ck_assert(!evq_pending(q, b));
	evq_destroy(q);
}
END_TEST

START_TEST(test_grows_past_initial_capacity)
{
	struct evq *q = evq_create();
	intptr_t i, n = 100000;

	for (i = n - 1; i >= 0; i--)
		push_id(q, i, i);
	for (i = 0; i < n; i++)
		pop_expect(q, i, i);
	evq_destroy(q);
}
END_TEST

/*
 * The randomized reference check.  The reference is a sorted array of
 * (time, seq, id); every push, cancel and pop is mirrored and every pop's
 * time and id must agree.  Handles of all events ever pushed are kept, so
 * cancels hit pending, fired and cancelled events alike, and the return
 * code must say which.
 */
struct ref_ev {
	sim_time_t	time;
	uint64_t	seq;
	intptr_t	id;
};

struct ref {
	struct ref_ev	*a;
	size_t		 n, cap;
};

static int
ref_less(const struct ref_ev *x, const struct ref_ev *y)
{
	return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

static void
ref_insert(struct ref *r, struct ref_ev e)
{
	size_t lo = 0, hi = r->n, mid;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->a = realloc(r->a, r->cap * sizeof(*r->a));
		ck_assert_ptr_nonnull(r->a);
	}
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (ref_less(&r->a[mid], &e))
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&r->a[lo + 1], &r->a[lo], (r->n - lo) * sizeof(*r->a));
	r->a[lo] = e;
	r->n++;
}

static int
ref_remove_id(struct ref *r, intptr_t id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->a[i].id == id) {
			memmove(&r->a[i], &r->a[i + 1],
			    (r->n - i - 1) * sizeof(*r->a));
			r->n--;
			return 1;
		}
	return 0;
}

/*
 * When set, pushes draw their delay from these few values instead of
 * 0..63: long runs of events pushed with one delay (evq.c's lanes) with
 * cancels at their head, in their middle and at their tail.
 */
static const sim_time_t *ref_delays;
static size_t ref_ndelays;

static void
randomized_against_reference(const struct evq_ops *ops, unsigned seed,
    long nops, size_t target)
{
	struct evq *q = ops->create();
	struct ref r = { NULL, 0, 0 };
	evq_handle_t *handles = NULL;
	size_t nh = 0, hcap = 0;
	uint64_t seq = 0, x = seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
	sim_time_t now = 0, when;
	long op, pops = 0, cancels = 0, okcancels = 0;
	intptr_t id;
	void *arg;
	evq_fn fn;
	int rc, expect;

	ck_assert_ptr_nonnull(q);
	for (op = 0; op < nops; op++) {
		unsigned k;

		/* xorshift64*: the test's own deterministic stream. */
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		k = (unsigned)((x * UINT64_C(0x2545f4914f6cdd1d)) >> 33);
		/* Bias towards pushes while below the target size, so the
		 * queue grows to it and then hovers around it. */
		if (k % 100 < (r.n < target ? 55u : 30u)) {
			/* Coarse times force plenty of ties. */
			when = now + (ref_ndelays > 0 ?
			    ref_delays[(k >> 8) % ref_ndelays] :
			    (sim_time_t)((k >> 8) % 64));
			if (nh == hcap) {
				hcap = hcap ? 2 * hcap : 1024;
				handles = realloc(handles,
				    hcap * sizeof(*handles));
				ck_assert_ptr_nonnull(handles);
			}
			id = (intptr_t)nh;
			ck_assert_int_eq(ops->push(q, when, fn_a, (void *)id,
			    &handles[nh]), EVQ_OK);
			nh++;
			ref_insert(&r, (struct ref_ev){ when, seq++, id });
		} else if (k % 100 < 75 && nh > 0) {
			/* Mostly recent handles (many still pending), now and
			 * then any handle ever issued (mostly gone). */
			if (k & 0x80)
				id = (intptr_t)((k >> 8) % nh);
			else
				id = (intptr_t)(nh - 1 - (k >> 8) %
				    (nh < 4 * target ? nh : 4 * target));
			expect = ref_remove_id(&r, id);
			rc = ops->cancel(q, handles[id]);
			ck_assert_int_eq(rc, expect ? EVQ_OK : EVQ_ENOENT);
			ck_assert_int_eq(ops->pending(q, handles[id]), 0);
			cancels++;
			okcancels += expect;
		} else {
			rc = ops->pop(q, &when, &fn, &arg);
			if (r.n == 0) {
				ck_assert_int_eq(rc, EVQ_EMPTY);
				continue;
			}
			ck_assert_int_eq(rc, EVQ_OK);
			ck_assert_int_eq(when, r.a[0].time);
			ck_assert_int_eq((intptr_t)arg, r.a[0].id);
			ck_assert(fn == fn_a);
			memmove(&r.a[0], &r.a[1], (r.n - 1) * sizeof(*r.a));
			r.n--;
			now = when;
			pops++;
		}
		ck_assert_uint_eq(ops->size(q), r.n);
		ck_assert_int_eq(ops->peek(q),
		    r.n ? r.a[0].time : SIM_TIME_MAX);
	}
	/* Drain: the rest must come out in reference order too. */
	while (r.n > 0) {
		ck_assert_int_eq(ops->pop(q, &when, &fn, &arg), EVQ_OK);
		ck_assert_int_eq(when, r.a[0].time);
		ck_assert_int_eq((intptr_t)arg, r.a[0].id);
		memmove(&r.a[0], &r.a[1], (r.n - 1) * sizeof(*r.a));
		r.n--;
	}
	ck_assert_int_eq(ops->pop(q, NULL, NULL, NULL), EVQ_EMPTY);
	/* The mix really exercised every path. */
	ck_assert_int_gt(pops, nops / 5);
	ck_assert_int_gt(okcancels, nops / 20);
	ck_assert_int_gt(cancels - okcancels, nops / 20);
	free(handles);
	free(r.a);
	ops->destroy(q);
}

START_TEST(test_randomized_mixed_ops_match_sorted_reference)
{
	randomized_against_reference(&real_ops, 1 + (unsigned)_i, 60000, 2000);
}
END_TEST

START_TEST(test_randomized_ops_across_sequence_renumbering)
{
	/* 60000 pushes+ of a 10-bit sequence: well over 50 renumberings. */
	randomized_against_reference(&small_seq_ops, 7 + (unsigned)_i, 60000,
	    300);
}
END_TEST

/* Three delays, one of them 0 (ties with now): lanes long and busy. */
static const sim_time_t few_delays[] = { 0, 7, 1000, 7, 1000, 7 };

START_TEST(test_randomized_few_delays_match_sorted_reference)
{
	ref_delays = few_delays;
	ref_ndelays = sizeof(few_delays) / sizeof(few_delays[0]);
	randomized_against_reference(_i == 0 ? &real_ops : &small_seq_ops,
	    11 + (unsigned)_i, 60000, _i == 0 ? 2000 : 300);
	ref_delays = NULL;
	ref_ndelays = 0;
}
END_TEST

/*
 * Events pushed with one delay after a pop share a lane (evq.c): a cancel
 * of its head, of its middle and of its tail, and pushes with other delays
 * and earlier times between them, leave (time, push order) intact.
 */
START_TEST(test_same_delay_events_cancel_anywhere_in_push_order)
{
	struct evq *q = evq_create();
	evq_handle_t h[8];
	intptr_t i;

	push_id(q, 0, 100);
	pop_expect(q, 0, 100);		/* now 0 */
	for (i = 0; i < 8; i++) {
		h[i] = push_id(q, 50, i);	/* all at now + 50 */
		if (i == 3)
			push_id(q, 10, 103);	/* earlier, another delay */
	}
	ck_assert_int_eq(evq_cancel(q, h[0]), EVQ_OK);	/* head */
	ck_assert_int_eq(evq_cancel(q, h[4]), EVQ_OK);	/* middle */
	ck_assert_int_eq(evq_cancel(q, h[7]), EVQ_OK);	/* tail */
	ck_assert_uint_eq(evq_size(q), 6);
	pop_expect(q, 10, 103);		/* now 10 */
	push_id(q, 60, 8);		/* now + 50 again: after h[6] */
	push_id(q, 50, 9);		/* a tie at 50, pushed last */
	pop_expect(q, 50, 1);
	pop_expect(q, 50, 2);
	ck_assert_int_eq(evq_cancel(q, h[5]), EVQ_OK);
	pop_expect(q, 50, 3);
	pop_expect(q, 50, 6);
	pop_expect(q, 50, 9);
	pop_expect(q, 60, 8);
	ck_assert_int_eq(evq_pop(q, NULL, NULL, NULL), EVQ_EMPTY);
	ck_assert_int_eq(evq_cancel(q, h[6]), EVQ_ENOENT);
	evq_destroy(q);
}
END_TEST

START_TEST(test_push_beyond_slot_limit_is_ENOMEM)
{
	struct evq *q = tevq_create();
	intptr_t i;

	for (i = 0; i < 512; i++)
		ck_assert_int_eq(tevq_push(q, 512 - i, fn_a, (void *)i, NULL),
		    EVQ_OK);
	ck_assert_int_eq(tevq_push(q, 0, fn_a, NULL, NULL), EVQ_ENOMEM);
	ck_assert_uint_eq(tevq_size(q), 512);
	/* Still a correct queue, and one pop makes room again. */
	ck_assert_int_eq(tevq_peek_time(q), 1);
	ck_assert_int_eq(tevq_pop(q, NULL, NULL, NULL), EVQ_OK);
	ck_assert_int_eq(tevq_push(q, 0, fn_a, NULL, NULL), EVQ_OK);
	tevq_destroy(q);
}
END_TEST

START_TEST(test_renumbering_preserves_fifo_among_ties)
{
	struct evq *q = tevq_create();
	sim_time_t when;
	void *arg;
	intptr_t i;

	/*
	 * 500 ties pending while 1500 more push/pop pairs run the sequence
	 * counter around its 1024 values several times: the ties must still
	 * come out in push order, and the churn in order after them.
	 */
	for (i = 0; i < 500; i++)
		ck_assert_int_eq(tevq_push(q, 9, fn_a, (void *)i, NULL),
		    EVQ_OK);
	for (i = 0; i < 1500; i++) {
		ck_assert_int_eq(tevq_push(q, 1, fn_a, (void *)-1, NULL),
		    EVQ_OK);
		ck_assert_int_eq(tevq_pop(q, &when, NULL, &arg), EVQ_OK);
		ck_assert_int_eq(when, 1);
	}
	/* 2000 pushes into 1024 sequence numbers: it did renumber. */
	ck_assert_uint_lt(q->seq, 1024);
	for (i = 0; i < 500; i++) {
		ck_assert_int_eq(tevq_pop(q, &when, NULL, &arg), EVQ_OK);
		ck_assert_int_eq(when, 9);
		ck_assert_int_eq((intptr_t)arg, i);
	}
	tevq_destroy(q);
}
END_TEST

static Suite *
evq_suite(void)
{
	Suite *s = suite_create("evq");
	TCase *tc = tcase_create("order");

	tcase_add_test(tc, test_pops_in_time_order);
	tcase_add_test(tc, test_equal_times_pop_in_push_order);
	tcase_add_test(tc, test_pop_hands_back_fn_and_arg);
	tcase_add_test(tc, test_empty_queue_pops_EVQ_EMPTY_and_peeks_max);
	tcase_add_test(tc, test_pop_due_pops_only_what_is_due);
	tcase_add_test(tc, test_grows_past_initial_capacity);
	suite_add_tcase(s, tc);

	tc = tcase_create("cancel");
	tcase_add_test(tc, test_cancel_head);
	tcase_add_test(tc, test_cancel_middle);
	tcase_add_test(tc, test_cancel_latest_event);
	tcase_add_test(tc, test_cancel_last_heap_entry);
	tcase_add_test(tc, test_cancel_only_event);
	tcase_add_test(tc, test_cancel_of_fired_event_is_ENOENT);
	tcase_add_test(tc, test_double_cancel_is_ENOENT);
	tcase_add_test(tc, test_stale_handle_does_not_cancel_reused_slot);
	tcase_add_test(tc, test_garbage_handles_are_ENOENT);
	tcase_add_test(tc, test_forged_handle_of_free_record_is_ENOENT);
	tcase_add_test(tc, test_pending_follows_event_life);
	tcase_add_test(tc, test_same_delay_events_cancel_anywhere_in_push_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("randomized");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_randomized_mixed_ops_match_sorted_reference,
	    0, 2);
	tcase_add_loop_test(tc,
	    test_randomized_ops_across_sequence_renumbering, 0, 2);
	tcase_add_test(tc, test_renumbering_preserves_fifo_among_ties);
	tcase_add_loop_test(tc,
	    test_randomized_few_delays_match_sorted_reference, 0, 2);
	tcase_add_test(tc, test_push_beyond_slot_limit_is_ENOMEM);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(evq_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
