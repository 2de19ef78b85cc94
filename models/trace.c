/*
 * trace.c -- the lines of `twsim run --trace` (trace.h).
 *
 * The set of traced ids is small (the connections asked for and the peers
 * learnt from them), so it is a plain array searched linearly; so are the
 * 4-tuples traced connections were seen on, which let a RST that no
 * connection sends (conn_id 0) be shown with the connection it answers.
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

struct trace_tuple {
	uint32_t	a, b;		/* addresses, a <= b */
	uint16_t	pa, pb;		/* their ports */
};

struct trace {
	FILE		*out;
	uint64_t	*ids;
	size_t		 nids, capids;
	struct trace_tuple *tuples;
	size_t		 ntuples, captuples;
	uint64_t	 lines;
	int		 stopped;
};

static int
trace_has(const struct trace *t, uint64_t id)
{
	size_t i;

	for (i = 0; i < t->nids; i++)
		if (t->ids[i] == id)
			return (1);
	return (0);
}

static void
trace_add(struct trace *t, uint64_t id)
{
	uint64_t *v;
	size_t cap;

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
	t->ids[t->nids++] = id;
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
	for (i = 0; i < n; i++)
		trace_add(t, ids[i]);
	if (t->nids < n) {
		trace_destroy(t);
		return (NULL);
	}
	return (t);
}

void
trace_destroy(struct trace *t)
{
	if (t == NULL)
		return;
	free(t->ids);
	free(t->tuples);
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
tuple_find(const struct trace *t, const struct trace_tuple *k)
{
	size_t i;

	for (i = 0; i < t->ntuples; i++)
		if (t->tuples[i].a == k->a && t->tuples[i].b == k->b &&
		    t->tuples[i].pa == k->pa && t->tuples[i].pb == k->pb)
			return (1);
	return (0);
}

static void
tuple_add(struct trace *t, const struct trace_tuple *k)
{
	struct trace_tuple *v;
	size_t cap;

	if (tuple_find(t, k))
		return;
	if (t->ntuples == t->captuples) {
		cap = t->captuples ? 2 * t->captuples : 8;
		v = realloc(t->tuples, cap * sizeof(*v));
		if (v == NULL)
			return;
		t->tuples = v;
		t->captuples = cap;
	}
	t->tuples[t->ntuples++] = *k;
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
