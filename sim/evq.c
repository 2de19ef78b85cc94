/*
 * evq.c -- the event queue: an implicit 4-ary min-heap of timed callbacks,
 * with same-delay lanes in front of it.
 *
 * Two arrays and the lanes make the queue:
 *
 *  - the heap proper, of 16-byte entries {time, key}.  The key packs the
 *    insertion sequence number (high EVQ_SEQ_BITS bits) above the index of
 *    the event's record (low EVQ_SLOT_BITS bits).  Sequence numbers are
 *    unique, so comparing (time, key) is comparing (time, sequence): equal
 *    times pop in push order (libuv's start_id tie-break), and the record
 *    index rides along for free.  Four 16-byte siblings fill one 64-byte
 *    cache line: the array is 64-byte aligned and the root sits at index
 *    HEAP_BASE = 3, so the children of the node at index i, 4i-8 .. 4i-5,
 *    start at a multiple of four, on a line boundary.  A 4-ary heap is
 *    half as deep as a binary one, and each level costs one line.
 *
 *  - the records, {fn, arg, time, key, pos, gen, lane links}, one cache
 *    line each, in a slot array that grows by doubling, with a LIFO free
 *    list threaded through `pos` (the most recently freed, still cached
 *    record is reused first).  A record in the heap has `pos` = its
 *    entry's index, kept current by every move (libevent's
 *    minheap-internal.h), so cancel finds its entry in O(1) and removes it
 *    in O(log n) without search.
 *
 *  - lanes: a simulator pushes most events at a fixed delay after "now"
 *    (a network latency, an RTO, keepinit), and events pushed with the
 *    same delay come due in push order, so they need no heap: each lane
 *    is a doubly linked list of records in (time, key) order, and only
 *    its head has a heap entry.  A push behind a lane's tail and a cancel
 *    of anything but a head are O(1) without touching the heap; popping a
 *    head puts its successor in its place with one sift-down.  "Now" is
 *    the time of the last pop (the caller's clock while it handles that
 *    event); lanes are picked by a hash of the delay, claimed by the first
 *    delay that finds one empty (among a few probed), and an event joins
 *    a lane only with the lane's delay and a time at or after its tail.
 *    So the heap holds one entry per lane plus the events that fit none
 *    (17 on average in the standard benchmark, where it held 700), and
 *    the order of pops is still exactly (time, sequence): lanes only
 *    decide where an event waits.
 *    Measured with the whole simulator (bench_sim's load): 15% less CPU
 *    time than the heap alone.
 *
 * Handles are (generation << 32 | slot).  A record's generation is odd
 * while it is pending and even while it is free, and it is bumped on every
 * allocation and every release; so a handle of an event that fired or was
 * cancelled, or one never issued, does not match and cancel returns
 * EVQ_ENOENT.  Handle 0 carries generation 0, which is even: never valid.
 * (A slot must be reused 2^31 times before a stale handle can alias again.)
 *
 * Sift-up and sift-down move a hole instead of swapping entries, so each
 * level writes one entry and one record position.  Pop uses the
 * bottom-up variant (Floyd, Wegener): the hole at the root is walked down
 * to a leaf along the smaller children without comparing against the
 * displaced last entry, which is then sifted up from there.  The last entry
 * is usually one of the latest events, so it rarely climbs, and each level
 * saves a comparison.
 *
 * Speed is measured against a bare binary heap by tests/bench/bench_evq.c
 * (`make bench`); what it took to stay within 0.8 of it (a branch-free
 * 128-bit comparison, branch-free child selection, prefetching two levels
 * ahead, huge pages for large arrays) is explained where it is done.
 *
 * A cancelled lane head hands its heap entry to the next event of its
 * lane without moving it: the entry then holds a lower bound of that
 * event's (time, key), and a pop first makes the root exact
 * (root_settle()).  Timers are stopped in about the order they were
 * armed, so this saves a sift per stopped timer.
 *
 * When EVQ_SEQ_BITS of sequence numbers run out (2^36 pushes: about an
 * hour of simulation at twenty million events per second), the pending
 * events' sequence numbers (in the heap and in the lanes) are renumbered
 * 0..n-1 in their existing order.  The renumbering preserves every
 * pairwise comparison, so every lane stays sorted untouched; the heap's
 * entries are made exact and the heap is built again.
 *
 * Nothing here allocates in the steady state: once both arrays have grown
 * to the largest number of pending events, push, pop and cancel only move
 * entries.
 */
#include "config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/evq.h"

#ifndef EVQ_SLOT_BITS
#define EVQ_SLOT_BITS	28		/* at most 268 million pending events */
#endif
#define EVQ_SEQ_BITS	(64 - EVQ_SLOT_BITS)
#define SLOT_MASK	((UINT64_C(1) << EVQ_SLOT_BITS) - 1)
#define SEQ_LIMIT	(UINT64_C(1) << EVQ_SEQ_BITS)
/*
 * At most as many records as slot numbers, and at most half as many as
 * sequence numbers, so that a renumbering (which leaves n in use) frees at
 * least half the sequence space.  Handles carry the slot in 32 bits.
 */
#define SLOT_LIMIT	(UINT64_C(1) << EVQ_SLOT_BITS)
#define MAX_SLOTS	((size_t)(SLOT_LIMIT < SEQ_LIMIT / 2 ? SLOT_LIMIT : \
			    SEQ_LIMIT / 2))
_Static_assert(MAX_SLOTS <= UINT32_MAX, "slot must fit a handle's 32 bits");

#define HEAP_BASE	3		/* array index of the root */
#define HEAP_ALIGN	64		/* one cache line of four siblings */
#define INITIAL_CAP	64
#define FREE_END	UINT32_MAX	/* end of the free list */

struct hent {
	sim_time_t	time;
	uint64_t	key;		/* seq << EVQ_SLOT_BITS | slot */
};

/*
 * One record per event, one cache line each (the array is line-aligned):
 * a pop reads the popped record and the next one of its lane.
 */
struct evrec {
	evq_fn		fn;
	void		*arg;
	sim_time_t	time;		/* as in its heap entry */
	uint64_t	key;		/* as in its heap entry */
	uint32_t	pos;		/* heap index (NOPOS in a lane's body),
					   or next free slot */
	uint32_t	gen;		/* odd: pending, even: free */
	uint32_t	lane;		/* NOLANE, or its lane */
	uint32_t	prev, next;	/* lane neighbours, or NIL */
	uint32_t	pad[3];
};
_Static_assert(sizeof(struct evrec) == 64, "a record is one cache line");

/*
 * A lane: pending events pushed with one and the same delay (time minus
 * the time of the last pop, "now" for the caller), in push order.  Since
 * the clock never goes back, such events come due in push order too, so
 * the list is sorted by (time, key) as it stands: only its head needs to
 * sit in the heap, a push behind it is O(1), and so is a cancel of any
 * event but the head.  An event joins a lane only when its time is at or
 * after the lane's tail -- what keeps the list sorted whatever the
 * caller does -- so lanes are a shortcut, never a change of order.
 */
struct evlane {
	uint64_t	delay;		/* of its events (time - last pop) */
	sim_time_t	tail_time;	/* time of the last event */
	uint32_t	head, tail;	/* slots, or NIL when empty */
	uint64_t	pad;		/* 32 bytes: l - lanes is a shift */
};

#define NLANES		64		/* a power of two */
#define NOLANE		UINT32_MAX
#define NIL		UINT32_MAX
#define NOPOS		0		/* below HEAP_BASE: not in the heap */

struct evq {
	struct hent	*heap;		/* entries at [HEAP_BASE, HEAP_BASE+hn) */
	size_t		 hn;		/* entries in the heap */
	size_t		 n;		/* pending events, heap and lanes */
	size_t		 heapcap;	/* entries the heap can hold */
	struct evrec	*recs;
	size_t		 nrecs;		/* records allocated */
	uint32_t	 freelist;	/* first free record, or FREE_END */
	uint64_t	 seq;		/* next sequence number */
	sim_time_t	 last;		/* time of the last pop */
	struct evlane	 lanes[NLANES];
};

/* Children of array index i start at 4i - 8 (root HEAP_BASE -> 4). */
#define FIRST_CHILD(i)	(4 * (i) - 8)
#define PARENT(i)	(((i) - 4) / 4 + HEAP_BASE)

/*
 * (time, key) < (time, key).  Where the compiler has 128-bit integers the
 * pair is compared as one unsigned number, time (sign bit flipped, so the
 * signed order survives) above key: a compare-and-borrow pair with no
 * branch, whose result min_child() uses as a number.  Branches on event
 * times are unpredictable by nature; this was worth 30% at small queue
 * sizes in tests/bench/bench_evq.c.
 */
#ifdef __SIZEOF_INT128__
static inline unsigned __int128
hent_ord(const struct hent *a)
{
	return ((unsigned __int128)((uint64_t)a->time ^ (UINT64_C(1) << 63))
	    << 64) | a->key;
}

static inline int
hent_less(const struct hent *a, const struct hent *b)
{
	return hent_ord(a) < hent_ord(b);
}
#else
static inline int
hent_less(const struct hent *a, const struct hent *b)
{
	return a->time < b->time || (a->time == b->time && a->key < b->key);
}
#endif

/*
 * Fetch the grandchildren of i (16 entries, four cache lines) while the
 * children are being compared: the next level's line is then on its way
 * before the choice is known.  Without it a large heap (10^6 events, 16 MB)
 * waits for memory at every level; with it the bench's Q=10^6 hold loop
 * runs 1.5 times as fast.
 */
#if defined(__GNUC__)
#define PREFETCH(p)	__builtin_prefetch(p)
#define ALWAYS_INLINE	__attribute__((always_inline))
#else
#define PREFETCH(p)	((void)(p))
#define ALWAYS_INLINE
#endif

/*
 * always_inline: GCC 12 sees that a function made only of prefetches has no
 * side effects, and when it does not inline it, deletes the call.
 */
/*
 * Below PREFETCH_MIN entries (16 KB) the whole heap stays in the L1 cache
 * and a prefetch only costs its instructions: the simulator's heap holds a
 * few dozen lane heads, and there the prefetches were a tenth of every
 * sift.  The test is on `end`, which does not change during a sift.
 */
#define PREFETCH_MIN	1024

static inline ALWAYS_INLINE void
prefetch_grandchildren(const struct hent *h, size_t i, size_t end)
{
	size_t g = FIRST_CHILD(FIRST_CHILD(i));

	if (end < PREFETCH_MIN)
		return;
	/* Only lines that hold entries: no pointer past the array. */
	if (g + 12 < end) {
		PREFETCH(&h[g]);
		PREFETCH(&h[g + 4]);
		PREFETCH(&h[g + 8]);
		PREFETCH(&h[g + 12]);
	} else {
		for (; g < end; g += 4)
			PREFETCH(&h[g]);
	}
}

static inline uint32_t
key_slot(uint64_t key)
{
	return (uint32_t)(key & SLOT_MASK);
}

/*
 * Memory for the two arrays.  Small ones are aligned to a cache line (the
 * heap's sibling groups rely on it).  Arrays of 2 MB and more are aligned
 * to 2 MB and offered to the kernel for transparent huge pages: the heap
 * and the records are read and written at random, and with 4 KB pages a
 * queue of 10^6 events (40 MB) misses the TLB on almost every level of
 * every sift.  Measured with tests/bench/bench_evq.c: +25% at Q=10^6,
 * while the bare binary heap there gains nothing from the same treatment
 * (its random accesses are fewer).  madvise() is only a hint: where THP is
 * off or unknown the arrays work the same, on small pages.
 */
#define HUGE_PAGE	((size_t)2 << 20)

static void *
array_alloc(size_t size)
{
	void *p;
	size_t align = size >= HUGE_PAGE ? HUGE_PAGE : HEAP_ALIGN;

	if (posix_memalign(&p, align, size) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (size >= HUGE_PAGE)
		(void)madvise(p, size & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
	return p;
}

/* Grow an array to nsize bytes, keeping its first used bytes. */
static void *
array_grow(void *old, size_t used, size_t nsize)
{
	void *p = array_alloc(nsize);

	if (p == NULL)
		return NULL;
	if (old != NULL) {
		memcpy(p, old, used);
		free(old);
	}
	return p;
}

static int
heap_grow(struct evq *q)
{
	struct hent *nh;
	size_t ncap;

	/* HEAP_BASE unused entries sit in front of the root. */
	ncap = q->heapcap == 0 ? INITIAL_CAP : q->heapcap * 2;
	nh = array_grow(q->heap, (HEAP_BASE + q->hn) * sizeof(*nh),
	    (HEAP_BASE + ncap) * sizeof(*nh));
	if (nh == NULL)
		return EVQ_ENOMEM;
	q->heap = nh;
	q->heapcap = ncap;
	return EVQ_OK;
}

static int
recs_grow(struct evq *q)
{
	struct evrec *nr;
	size_t ncap, i;

	ncap = q->nrecs == 0 ? INITIAL_CAP : q->nrecs * 2;
	if (ncap > MAX_SLOTS)
		ncap = MAX_SLOTS;
	nr = array_grow(q->recs, q->nrecs * sizeof(*nr), ncap * sizeof(*nr));
	if (nr == NULL)
		return EVQ_ENOMEM;
	/* New records go on the free list in index order. */
	for (i = q->nrecs; i < ncap; i++) {
		memset(&nr[i], 0, sizeof(nr[i]));
		nr[i].pos = i + 1 < ncap ? (uint32_t)(i + 1) : q->freelist;
	}
	q->freelist = (uint32_t)q->nrecs;
	q->recs = nr;
	q->nrecs = ncap;
	return EVQ_OK;
}

struct evq *
evq_create(void)
{
	struct evq *q;
	size_t i;

	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return NULL;
	q->freelist = FREE_END;
	for (i = 0; i < NLANES; i++)
		q->lanes[i].head = q->lanes[i].tail = NIL;
	if (heap_grow(q) != EVQ_OK || recs_grow(q) != EVQ_OK) {
		evq_destroy(q);
		return NULL;
	}
	return q;
}

void
evq_destroy(struct evq *q)
{
	if (q == NULL)
		return;
	free(q->heap);
	free(q->recs);
	free(q);
}

/* Place e at hole index i or above it, moving larger parents down. */
static inline void
sift_up(struct evq *q, size_t i, struct hent e)
{
	struct hent *h = q->heap;
	struct evrec *r = q->recs;
	size_t p;

	while (i > HEAP_BASE) {
		p = PARENT(i);
		if (!hent_less(&e, &h[p]))
			break;
		h[i] = h[p];
		r[key_slot(h[i].key)].pos = (uint32_t)i;
		i = p;
	}
	h[i] = e;
	r[key_slot(e.key)].pos = (uint32_t)i;
}

/*
 * Index of the smallest of the children of i, which has at least one.
 * A full group is a tournament of two pairs, and the winners are picked by
 * arithmetic on the comparison results, not by `?:`: which child wins is a
 * coin toss on random times, so a branch would mispredict half the time.
 * Written with `?:`, GCC used conditional moves or branches depending on
 * whether it inlined the function (measured: 25% apart at Q=10^3); with
 * the arithmetic there is no branch to choose, and the function can be
 * inlined into the sift loops (another 10%).
 */
static inline ALWAYS_INLINE size_t
min_child(const struct hent *h, size_t i, size_t end)
{
	size_t c = FIRST_CHILD(i), m = c;

	if (c + 4 <= end) {
		size_t a = c + (size_t)hent_less(&h[c + 1], &h[c]);
		size_t b = c + 2 + (size_t)hent_less(&h[c + 3], &h[c + 2]);
		size_t b_wins = -(size_t)hent_less(&h[b], &h[a]);

		return a ^ ((a ^ b) & b_wins);
	}
	for (c++; c < end; c++)
		if (hent_less(&h[c], &h[m]))
			m = c;
	return m;
}

/* Place e at hole index i or below it, moving smaller children up. */
static inline ALWAYS_INLINE void
sift_down_inline(struct evq *q, size_t i, struct hent e)
{
	struct hent *h = q->heap;
	struct evrec *r = q->recs;
	size_t end = HEAP_BASE + q->hn, c;

	while (FIRST_CHILD(i) < end) {
		prefetch_grandchildren(h, i, end);
		c = min_child(h, i, end);
		if (!hent_less(&h[c], &e))
			break;
		h[i] = h[c];
		r[key_slot(h[i].key)].pos = (uint32_t)i;
		i = c;
	}
	h[i] = e;
	r[key_slot(e.key)].pos = (uint32_t)i;
}

/* The same, called: only the pop from a lane inlines it (pop_root). */
static __attribute__((noinline)) void
sift_down(struct evq *q, size_t i, struct hent e)
{

	sift_down_inline(q, i, e);
}

/*
 * Renumber the pending entries' sequence numbers 0..n-1, keeping their
 * order, once the sequence space is exhausted.  Sorting a copy of the keys
 * gives each one its rank; since sequence numbers are unique and rank is
 * monotone, every (time, key) comparison between events keeps its
 * outcome.  Inexact heap entries (root_settle()) carry the number of a
 * cancelled event, which has no rank: the heap is rebuilt from exact
 * entries.
 */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
renumber(struct evq *q)
{
	struct evrec *r;
	uint64_t *keys, k;
	size_t i, j, lo, hi, mid;

	if (q->n == 0) {
		q->seq = 0;
		return EVQ_OK;
	}
	keys = malloc(q->n * sizeof(*keys));
	if (keys == NULL)
		return EVQ_ENOMEM;
	/* Every pending event, in the heap or in a lane's body. */
	for (i = 0, j = 0; i < q->nrecs; i++)
		if (q->recs[i].gen & 1)
			keys[j++] = q->recs[i].key;
	assert(j == q->n);
	qsort(keys, q->n, sizeof(*keys), cmp_u64);
	for (i = 0; i < q->nrecs; i++) {
		r = &q->recs[i];
		if ((r->gen & 1) == 0)
			continue;
		k = r->key;
		lo = 0;
		hi = q->n;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (keys[mid] <= k)
				lo = mid;
			else
				hi = mid;
		}
		r->key = ((uint64_t)lo << EVQ_SLOT_BITS) | (k & SLOT_MASK);
		if (r->pos != NOPOS) {
			q->heap[r->pos].time = r->time;
			q->heap[r->pos].key = r->key;
		}
	}
	free(keys);
	q->seq = q->n;
	/*
	 * Every entry is exact now; those that were not (root_settle()) may
	 * have grown, so the heap is built again (Floyd: sift down every
	 * parent, the last first).
	 */
	for (i = q->hn; i-- > 0;)
		if (FIRST_CHILD(HEAP_BASE + i) < HEAP_BASE + q->hn)
			sift_down(q, HEAP_BASE + i, q->heap[HEAP_BASE + i]);
	return EVQ_OK;
}

/*
 * The lane for events pushed `delay` after the last pop: the one of that
 * delay among LANE_PROBE lanes from the delay's hash, else the first empty
 * one of them (claimed by the caller), else NULL: the event waits in the
 * heap.  Probing matters: with one slot per hash, the 3 s SYN timer and
 * the 60 s FIN_WAIT_2 timer of the standard load shared their slots with
 * lanes that are never empty, and 80 of the heap's 100 entries were theirs.
 */
#define LANE_PROBE	4

/* The first lane probed for `delay`: the top log2(NLANES) bits of a hash. */
static inline size_t
lane_hash(uint64_t delay)
{

	return (size_t)((delay * UINT64_C(0x9e3779b97f4a7c15)) >> 58);
}

static inline struct evlane *
lane_find(struct evq *q, uint64_t delay)
{
	struct evlane *l, *empty = NULL;
	size_t i, b = lane_hash(delay);

	/*
	 * A first probe last claimed by this delay is the answer, empty or
	 * not, as the loop would find: another lane takes this delay only
	 * while the first probe holds events of another delay (were it
	 * empty, it would be the first empty one), and the first probe is
	 * not claimed by this delay again while that lane holds them (it
	 * would match).  (Were it otherwise, only where an event waits
	 * would change, not the order of pops.)  Two pushes in three that
	 * come here in bench_sim's load find their lane so, empty: a delayed
	 * ACK or FIN_WAIT_2 timer armed and stopped within one event.
	 * Measured: -0.4% instructions for the whole simulator.
	 */
	l = &q->lanes[b];
	if (l->delay == delay)
		return l;
	for (i = 0; i < LANE_PROBE; i++) {
		l = &q->lanes[(b + i) & (NLANES - 1)];
		if (l->head == NIL) {
			if (empty == NULL)
				empty = l;
		} else if (l->delay == delay)
			return l;
	}
	return empty;
}
_Static_assert(NLANES == 64, "lane_hash takes the top 6 bits");

/*
 * Take the first free record, slot (there is one), for an event at
 * `when`: filled in, with the next sequence number, and counted.  Its
 * place (lane, heap position) and its handle are the caller's to set.
 */
static inline ALWAYS_INLINE struct evrec *
rec_take(struct evq *q, uint32_t slot, sim_time_t when, evq_fn fn,
    void *arg)
{
	struct evrec *r = &q->recs[slot];

	q->freelist = r->pos;
	r->fn = fn;
	r->arg = arg;
	r->gen++;
	assert(r->gen & 1);
	r->time = when;
	r->key = (q->seq++ << EVQ_SLOT_BITS) | slot;
	r->next = NIL;
	q->n++;
	return r;
}

/* evq_push() in general: any lane, the heap, growing the arrays. */
static __attribute__((noinline)) int
push_slow(struct evq *q, sim_time_t when, evq_fn fn, void *arg,
    evq_handle_t *h)
{
	struct evrec *r;
	struct evlane *l;
	struct hent e;
	uint64_t delay;
	uint32_t slot;

	if (__builtin_expect(q->n >= MAX_SLOTS, 0))
		return EVQ_ENOMEM;
	if (__builtin_expect(q->hn == q->heapcap, 0) &&
	    heap_grow(q) != EVQ_OK)
		return EVQ_ENOMEM;
	if (__builtin_expect(q->freelist == FREE_END, 0) &&
	    recs_grow(q) != EVQ_OK)
		return EVQ_ENOMEM;
	if (__builtin_expect(q->seq == SEQ_LIMIT, 0) && renumber(q) != EVQ_OK)
		return EVQ_ENOMEM;

	slot = q->freelist;
	r = rec_take(q, slot, when, fn, arg);
	if (h != NULL)
		*h = ((evq_handle_t)r->gen << 32) | slot;
	e.time = when;
	e.key = r->key;

	/* Unsigned: defined for any pair of times. */
	delay = (uint64_t)when - (uint64_t)q->last;
	l = lane_find(q, delay);
	if (l == NULL) {
		r->lane = NOLANE;
		r->prev = NIL;
	} else if (l->head == NIL) {
		/* An empty lane: this delay's events go here from now on. */
		l->delay = delay;
		l->head = l->tail = slot;
		l->tail_time = when;
		r->lane = (uint32_t)(l - q->lanes);
		r->prev = NIL;
	} else if (when >= l->tail_time) {
		/* Behind the tail: (time, key) order holds, no heap work. */
		q->recs[l->tail].next = slot;
		r->prev = l->tail;
		r->lane = (uint32_t)(l - q->lanes);
		r->pos = NOPOS;
		l->tail = slot;
		l->tail_time = when;
		return EVQ_OK;
	} else {
		r->lane = NOLANE;
		r->prev = NIL;
	}
	q->hn++;
	sift_up(q, HEAP_BASE + q->hn - 1, e);
	return EVQ_OK;
}

/*
 * Most pushes (83% in bench_sim's load) go behind the tail of the lane
 * that lane_find() probes first or second, and need no new memory: that
 * case alone is done here, on a short path that calls nothing (but
 * rec_take()'s assertion's failure, which makes the compiler save a few
 * registers on entry), and anything else is left to push_slow().  Both
 * put the event in the same place: lane_find() returns the first probe's
 * lane whenever its delay matches, and otherwise the second's when its
 * delay matches and it holds events (the first then is empty or another
 * delay's).
 */
int
evq_push(struct evq *q, sim_time_t when, evq_fn fn, void *arg,
    evq_handle_t *h)
{
	struct evrec *r;
	struct evlane *l;
	uint64_t delay = (uint64_t)when - (uint64_t)q->last;
	uint32_t slot;
	size_t b = lane_hash(delay);

	l = &q->lanes[b];
	/*
	 * The second probe too: a delay finds its first taken when another
	 * delay of the same hash came first, and keeps the second as long as
	 * the other holds events -- in bench_sim's load the 3 s SYN timers,
	 * behind the 75 s keepinit timers armed just before them: two pushes
	 * per connection that went to push_slow() (-0.3% instructions for
	 * the simulator; computing the lane without a branch cost more).
	 */
	if (l->delay != delay)
		l = &q->lanes[(b + 1) & (NLANES - 1)];
	if (__builtin_expect(l->delay != delay || l->head == NIL ||
	    when < l->tail_time || q->freelist == FREE_END ||
	    q->seq == SEQ_LIMIT || q->n >= MAX_SLOTS, 0))
		return push_slow(q, when, fn, arg, h);
	slot = q->freelist;
	r = rec_take(q, slot, when, fn, arg);
	r->prev = l->tail;
	r->lane = (uint32_t)(l - q->lanes);
	r->pos = NOPOS;
	q->recs[l->tail].next = slot;
	l->tail = slot;
	l->tail_time = when;
	if (h != NULL)
		*h = ((evq_handle_t)r->gen << 32) | slot;
	return EVQ_OK;
}

static inline void
rec_free(struct evq *q, uint32_t slot)
{
	struct evrec *r = &q->recs[slot];

	r->gen++;
	r->pos = q->freelist;
	q->freelist = slot;
}

/* The record behind h if it is pending, else NULL. */
static inline struct evrec *
handle_rec(const struct evq *q, evq_handle_t h)
{
	uint32_t slot = (uint32_t)(h & UINT32_MAX);
	uint32_t gen = (uint32_t)(h >> 32);
	struct evrec *r;

	if (slot >= q->nrecs || (gen & 1) == 0)
		return NULL;
	r = &q->recs[slot];
	return r->gen == gen ? r : NULL;
}

/*
 * Take r out of its lane.  When r was the lane's head and another event
 * follows, that one takes r's heap entry and 1 is returned: the heap holds
 * as many entries as before.  0: r's heap entry, if any, is still to be
 * removed.
 *
 * The successor is later than r, so its entry can only move down.  When r
 * is popped (settle != 0) it goes where it belongs at once.  When r is
 * cancelled the entry keeps r's time and sequence number, now a lower
 * bound (see root_settle()), and only its slot changes: timers are mostly
 * stopped in the order they were armed, so the cancelled event is nearly
 * always the head of its lane, and a sift per stopped timer was a tenth of
 * the simulator's instructions.
 */
static inline int
lane_unlink(struct evq *q, struct evrec *r, int settle)
{
	struct evrec *recs = q->recs;
	struct evlane *l = &q->lanes[r->lane];
	struct hent e;
	uint32_t nx = r->next;

	if (r->prev != NIL) {
		/* In the body: not in the heap. */
		recs[r->prev].next = nx;
		if (nx != NIL)
			recs[nx].prev = r->prev;
		else {
			l->tail = r->prev;
			l->tail_time = recs[r->prev].time;
		}
		return 1;
	}
	if (nx == NIL) {
		l->head = l->tail = NIL;
		return 0;
	}
	l->head = nx;
	recs[nx].prev = NIL;
	if (!settle) {
		q->heap[r->pos].key = (q->heap[r->pos].key & ~SLOT_MASK) | nx;
		recs[nx].pos = r->pos;
		return 1;
	}
	e.time = recs[nx].time;
	e.key = recs[nx].key;
	sift_down(q, r->pos, e);
	return 1;
}

/*
 * Make the root entry exact.  An entry is exact when its key is its
 * record's; a cancelled lane head leaves an inexact one (lane_unlink()),
 * whose (time, key) is at most that of the event it stands for.  So every
 * pending event's own (time, key) is at least its entry's or, in a lane's
 * body, its head's, and an exact root is the earliest event; an inexact
 * one is given its event's values and sifted down, and the new root looked
 * at again.  A lane whose head is cancelled again and again pays one sift
 * when its entry comes to the top, not one per cancel.  Needs hn > 0.
 */
static inline void
root_settle(struct evq *q)
{
	struct hent *h = q->heap, e;
	struct evrec *r;

	for (;;) {
		r = &q->recs[key_slot(h[HEAP_BASE].key)];
		if (__builtin_expect(h[HEAP_BASE].key == r->key, 1))
			return;
		e.time = r->time;
		e.key = r->key;
		sift_down(q, HEAP_BASE, e);
	}
}

int
evq_cancel(struct evq *q, evq_handle_t h)
{
	struct evrec *r;
	struct hent last;
	size_t i, end;

	r = handle_rec(q, h);
	if (r == NULL)
		return EVQ_ENOENT;
	q->n--;
	if (r->lane != NOLANE && lane_unlink(q, r, 0)) {
		rec_free(q, (uint32_t)(h & UINT32_MAX));
		return EVQ_OK;
	}
	i = r->pos;
	assert(i >= HEAP_BASE && i < HEAP_BASE + q->hn);
	assert(key_slot(q->heap[i].key) == (uint32_t)(h & UINT32_MAX));
	rec_free(q, (uint32_t)(h & UINT32_MAX));

	end = HEAP_BASE + --q->hn;
	if (i == end)
		return EVQ_OK;		/* it was the last entry */
	/* Fill the hole with the last entry, which may go either way. */
	last = q->heap[end];
	if (i > HEAP_BASE && hent_less(&last, &q->heap[PARENT(i)]))
		sift_up(q, i, last);
	else
		sift_down(q, i, last);
	return EVQ_OK;
}

/*
 * The rest of pop_root() for a root that no event of its lane follows:
 * its entry leaves the heap.
 */
static __attribute__((noinline)) int
pop_heap(struct evq *q, struct evrec *r, uint32_t slot)
{
	struct hent *h = q->heap;
	struct evrec *recs = q->recs;
	struct hent last;
	size_t i, c, end;

	if (r->lane != NOLANE)
		(void)lane_unlink(q, r, 1);	/* empties the lane */
	rec_free(q, slot);

	end = HEAP_BASE + --q->hn;
	if (q->hn == 0)
		return EVQ_OK;
	last = h[end];
	/* Walk the hole down to a leaf along the smaller children ... */
	i = HEAP_BASE;
	while (FIRST_CHILD(i) < end) {
		prefetch_grandchildren(h, i, end);
		c = min_child(h, i, end);
		h[i] = h[c];
		recs[key_slot(h[i].key)].pos = (uint32_t)i;
		i = c;
	}
	/* ... then put the last entry there and let it climb. */
	sift_up(q, i, last);
	return EVQ_OK;
}

/*
 * Remove the root, which exists and is exact, and hand back what it
 * holds.  Most pops take the head of a lane that goes on: the next event
 * of the lane takes the root's place with one sift down, inlined here --
 * in bench_sim's load nine pops in ten, and the call was a fifth of it.
 */
static inline ALWAYS_INLINE int
pop_root(struct evq *q, sim_time_t *when, evq_fn *fn, void **arg)
{
	struct hent *h = q->heap, e;
	struct evrec *recs = q->recs, *r;
	uint32_t slot, nx;

	slot = key_slot(h[HEAP_BASE].key);
	r = &recs[slot];
	q->last = h[HEAP_BASE].time;
	if (when != NULL)
		*when = h[HEAP_BASE].time;
	if (fn != NULL)
		*fn = r->fn;
	if (arg != NULL)
		*arg = r->arg;
	q->n--;
	/* The root is a lane's head, never in a lane's body. */
	if (r->lane == NOLANE || (nx = r->next) == NIL)
		return pop_heap(q, r, slot);
	q->lanes[r->lane].head = nx;
	recs[nx].prev = NIL;
	e.time = recs[nx].time;
	e.key = recs[nx].key;
	rec_free(q, slot);
	sift_down_inline(q, HEAP_BASE, e);
	return EVQ_OK;
}

int
evq_pop(struct evq *q, sim_time_t *when, evq_fn *fn, void **arg)
{

	if (q->n == 0)
		return EVQ_EMPTY;
	root_settle(q);
	return pop_root(q, when, fn, arg);
}

/*
 * The run loop's question, asked once per event: is anything due by
 * `until`, and if so, which?  One call instead of three (size, peek, pop)
 * across files.
 */
int
evq_pop_due(struct evq *q, sim_time_t until, sim_time_t *when, evq_fn *fn,
    void **arg)
{

	if (q->n == 0)
		return EVQ_EMPTY;
	root_settle(q);
	if (q->heap[HEAP_BASE].time > until)
		return EVQ_LATER;
	return pop_root(q, when, fn, arg);
}

/*
 * The queue is const to the caller: settling the root changes no event's
 * time or order, only where the heap keeps it.  (q was not defined const:
 * evq_create() allocated it.)
 */
sim_time_t
evq_peek_time(const struct evq *q)
{

	if (q->hn == 0)
		return SIM_TIME_MAX;
	root_settle((struct evq *)(uintptr_t)q);
	return q->heap[HEAP_BASE].time;
}

size_t
evq_size(const struct evq *q)
{
	return q->n;
}

int
evq_pending(const struct evq *q, evq_handle_t h)
{
	return handle_rec(q, h) != NULL;
}
