/*
 * trace.c -- the lines of `twsim run --trace` (trace.h).
 *
 * The traced ids (the connections asked for, ranges included, and the
 * peers learnt from them) are a sorted array searched by bisection; the
 * last 4-tuples traced segments were seen on are a small ring, which lets
 * a RST that no connection sends (conn_id 0) be shown with the connection
 * it answers.
 * Lines go out as the simulation makes them, so they are in simulated-time
 * order.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/trace.h"
#include "sim/sim.h"

#define TRACE_TUPLES	256

struct trace_tuple {
	uint32_t	a, b;		/* addresses, a <= b */
	uint16_t	pa, pb;		/* their ports */
};

struct trace {
	FILE		*out;
	uint64_t	*ids;
	size_t		 nids, capids;
	struct trace_tuple tuples[TRACE_TUPLES];	/* a ring */
	size_t		 ntuples, tuple_next;
	uint64_t	 lines;
	int		 stopped;
};

/* Index of the first id >= id in the sorted set. */
static size_t
trace_lower(const struct trace *t, uint64_t id)
{
	size_t lo = 0, hi = t->nids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

static int
trace_has(const struct trace *t, uint64_t id)
{
	size_t i = trace_lower(t, id);

	return (i < t->nids && t->ids[i] == id);
}

/* Insert id, keeping the set sorted (peers are few: O(n) is fine). */
static void
trace_add(struct trace *t, uint64_t id)
{
	uint64_t *v;
	size_t cap, i;

	if (id == 0 || trace_has(t, id))
		return;
	if (t->nids == t->capids) {
		cap = t->capids ? 2 * t->capids : 8;
		v = realloc(t->ids, cap * sizeof(*v));
		if (v == NULL)
			return;		/* out of memory: traced less */
		t->ids = v;
		t->capids = cap;
	}
	i = trace_lower(t, id);
	memmove(&t->ids[i + 1], &t->ids[i], (t->nids - i) * sizeof(*t->ids));
	t->ids[i] = id;
	t->nids++;
}

static int
id_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

struct trace *
trace_create(FILE *out, const uint64_t *ids, size_t n)
{
	struct trace *t;
	size_t i;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return (NULL);
	t->out = out;
	t->capids = n + 8;
	if ((t->ids = malloc(t->capids * sizeof(*t->ids))) == NULL) {
		free(t);
		return (NULL);
	}
	/* The ids asked for, sorted, without repeats or 0. */
	for (i = 0; i < n; i++)
		if (ids[i] != 0)
			t->ids[t->nids++] = ids[i];
	qsort(t->ids, t->nids, sizeof(*t->ids), id_cmp);
	for (i = n = 0; i < t->nids; i++)
		if (n == 0 || t->ids[n - 1] != t->ids[i])
			t->ids[n++] = t->ids[i];
	t->nids = n;
	return (t);
}

void
trace_destroy(struct trace *t)
{
	if (t == NULL)
		return;
	free(t->ids);
	free(t);
}

void
trace_stop(struct trace *t)
{
	t->stopped = 1;
}

int
trace_wants(struct trace *t, uint64_t conn_id, uint64_t peer_id)
{
	if (t->stopped)
		return (0);
	if (conn_id != 0 && trace_has(t, conn_id))
		return (1);
	if (peer_id != 0 && trace_has(t, peer_id)) {
		trace_add(t, conn_id);
		return (1);
	}
	return (0);
}

static struct trace_tuple
tuple_of(const struct tcp_segment *s)
{
	struct trace_tuple k;

	if (s->saddr < s->daddr || (s->saddr == s->daddr &&
	    s->sport <= s->dport)) {
		k.a = s->saddr;
		k.pa = s->sport;
		k.b = s->daddr;
		k.pb = s->dport;
	} else {
		k.a = s->daddr;
		k.pa = s->dport;
		k.b = s->saddr;
		k.pb = s->sport;
	}
	return (k);
}

static int
tuple_eq(const struct trace_tuple *x, const struct trace_tuple *y)
{
	return (x->a == y->a && x->b == y->b && x->pa == y->pa &&
	    x->pb == y->pb);
}

static int
tuple_find(const struct trace *t, const struct trace_tuple *k)
{
	size_t i;

	for (i = 0; i < t->ntuples; i++)
		if (tuple_eq(&t->tuples[i], k))
			return (1);
	return (0);
}

/*
 * Remember the 4-tuple of a traced segment.  A RST of no connection
 * answers a segment just sent, so the last TRACE_TUPLES 4-tuples are
 * enough, and the search stays short whatever range is traced.
 */
static void
tuple_add(struct trace *t, const struct trace_tuple *k)
{
	size_t last = (t->tuple_next + TRACE_TUPLES - 1) % TRACE_TUPLES;

	if (t->ntuples > 0 && tuple_eq(&t->tuples[last], k))
		return;
	t->tuples[t->tuple_next] = *k;
	t->tuple_next = (t->tuple_next + 1) % TRACE_TUPLES;
	if (t->ntuples < TRACE_TUPLES)
		t->ntuples++;
}

static void
trace_time(struct trace *t, const struct host *h)
{
	sim_time_t now = sim_now(h->sim);

	fprintf(t->out, "%lld.%09lld %s ", (long long)(now / SIM_SEC),
	    (long long)(now % SIM_SEC), h->name);
}

static void
trace_prefix(struct trace *t, const struct host *h, uint64_t conn_id)
{
	trace_time(t, h);
	if (conn_id != 0)
		fprintf(t->out, "conn %llu ", (unsigned long long)conn_id);
	else
		fputs("conn - ", t->out);
}

void
trace_event(struct trace *t, const struct host *h, uint64_t conn_id,
    const char *rule, const char *fmt, ...)
{
	va_list ap;

	trace_prefix(t, h, conn_id);
	if (rule != NULL)
		fprintf(t->out, "[%s] ", rule);
	va_start(ap, fmt);
	vfprintf(t->out, fmt, ap);
	va_end(ap);
	fputc('\n', t->out);
	t->lines++;
}

static void
addr_str(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

void
trace_tap(void *arg, const struct host *h, enum net_tap_dir dir,
    const struct tcp_segment *seg)
{
	static const char *const what[] = {
		[NET_TAP_OUT] = "tx",
		[NET_TAP_IN] = "rx",
		[NET_TAP_LOST] = "lost on the path:",
		[NET_TAP_DUP] = "duplicated by the path:",
	};
	struct trace *t = arg;
	struct trace_tuple k = tuple_of(seg);
	char sa[16], da[16], fl[8];
	int n = 0;

	if (t->stopped)
		return;
	if (seg->conn_id != 0) {
		if (!trace_has(t, seg->conn_id))
			return;
		tuple_add(t, &k);
	} else if (!tuple_find(t, &k))
		return;
	addr_str(seg->saddr, sa, sizeof(sa));
	addr_str(seg->daddr, da, sizeof(da));
	/* Flags as tcpdump writes them. */
	if (seg->flags & TH_SYN)
		fl[n++] = 'S';
	if (seg->flags & TH_FIN)
		fl[n++] = 'F';
	if (seg->flags & TH_RST)
		fl[n++] = 'R';
	if (seg->flags & TH_PUSH)
		fl[n++] = 'P';
	if (seg->flags & TH_ACK)
		fl[n++] = '.';
	fl[n] = '\0';
	/*
	 * The tap runs before tcp_input: which connection of the receiver
	 * takes the segment is not known yet, so a segment line names the
	 * sender's (conn 0: a RST no connection sent, TCP-4).
	 */
	trace_time(t, h);
	fprintf(t->out, "%s %s:%u > %s:%u [%s] seq %u", what[dir], sa,
	    seg->sport, da, seg->dport, fl, seg->seq);
	if (seg->flags & TH_ACK)
		fprintf(t->out, " ack %u", seg->ack);
	fprintf(t->out, " win %u len %u", seg->win, seg->len);
	if (seg->opt_flags & TOF_TS)
		fprintf(t->out, " ts %u/%u", seg->tsval, seg->tsecr);
	fprintf(t->out, " (from conn %llu)\n",
	    (unsigned long long)seg->conn_id);
	t->lines++;
}

uint64_t
trace_lines(const struct trace *t)
{
	return (t->lines);
}
