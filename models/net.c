/*
 * net.c -- the network between the virtual hosts: a registry of hosts and
 * of the addresses they own, one-way paths with latency, loss and
 * duplication, and delivery of segments as simulator events.
 *
 * A segment handed to net_output() is copied into a pooled in-flight
 * record and delivered later by an event that calls tcp_input() on the
 * host owning the destination (or a test's deliver hook).  Records come
 * from slabs and go back to a free list, so the steady state allocates
 * nothing.  Rule IDs (NET-n) are in docs/RULES.md.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/net.h"
#include "models/tcp_var.h"
#include "sim/dist.h"
#include "sim/rng.h"

#define NET_DEFAULT_LATENCY	SIM_MSEC		/* NET-1 */
#define NET_LOOPBACK_LATENCY	(10 * SIM_USEC)		/* NET-1 */
#define NET_PATHMAT_MAX		1024	/* hosts: a matrix of 2^20 paths */
#define NET_INFLIGHT_SLAB	256

struct net_path {
	struct net_path	*next;		/* paths from the same host */
	int		 to;		/* destination host index */
	struct net_path_config cfg;
	struct rng	*rng;		/* "path/<from>-><to>" */
	int		 lat_fixed;	/* latency is constant(): lat_ns */
	sim_time_t	 lat_ns;
};

struct net_inflight {
	struct tcp_segment seg;
	struct net	*net;
	struct host	*dst;
	struct net_inflight *next;	/* free list */
};

struct net_inflight_slab {
	struct net_inflight_slab *next;
	struct net_inflight recs[NET_INFLIGHT_SLAB];
};

/*
 * NET-7: the latest arrival scheduled for one flow (a 4-tuple in one
 * direction).  An entry whose arrival has passed orders nothing any more
 * and may be reused.
 */
struct net_flow {
	uint32_t	 saddr, daddr;
	uint16_t	 sport, dport;
	int		 used;		/* slot ever taken (probe chains) */
	sim_time_t	 last;
};

struct net_addrent {
	uint32_t	 addr;		/* 0: empty slot */
	struct host	*host;
};

struct net {
	struct sim	*sim;
	struct host	**hosts;
	struct net_path	**paths;	/* per source host index */
	/*
	 * paths as a dense matrix [from * pathmat_n + to], rebuilt from the
	 * lists when the host count changed: a server that many hosts have
	 * paths to has a long list, and walking it on every segment cost
	 * more than the rest of net_output.  Only up to NET_PATHMAT_MAX
	 * hosts (8 MB of matrix): beyond, the lists (named paths only).
	 */
	struct net_path	**pathmat;
	int		 pathmat_n;	/* hosts the matrix was built for */
	int		 nhosts, hostcap;
	struct net_addrent *addrtab;	/* open addressing, power of two */
	size_t		 addrcap, naddrs;
	struct net_stats stats;
	uint64_t	 next_conn_id;
	net_deliver_fn	 hook;
	void		*hookarg;
	struct net_inflight *free;
	struct net_inflight_slab *slabs;
	size_t		 inflight;
	/* NET-7: open addressing, power of two; rebuilt when crowded. */
	struct net_flow	*flows;
	size_t		 flowcap, flowused;
	int		 ntaps;		/* NET-8 */
	/* Cold: read only when ntaps > 0, so kept off the hot fields. */
	struct {
		net_tap_fn	 fn;
		void		*arg;
	}		 taps[NET_MAXTAPS];
};

struct net *
net_create(struct sim *sim)
{
	struct net *net;

	net = calloc(1, sizeof(*net));
	if (net == NULL)
		return (NULL);
	net->sim = sim;
	net->next_conn_id = 1;
	net->pathmat_n = -1;
	return (net);
}

void
net_destroy(struct net *net)
{
	struct net_inflight_slab *s, *snext;
	struct net_path *p, *pnext;
	int i;

	if (net == NULL)
		return;
	for (i = 0; i < net->nhosts; i++) {
		host_destroy(net->hosts[i]);
		for (p = net->paths[i]; p != NULL; p = pnext) {
			pnext = p->next;
			free(p);
		}
	}
	for (s = net->slabs; s != NULL; s = snext) {
		snext = s->next;
		free(s);
	}
	free(net->hosts);
	free(net->paths);
	free(net->pathmat);
	free(net->addrtab);
	free(net->flows);
	free(net);
}

struct sim *
net_sim(const struct net *net)
{

	return (net->sim);
}

struct host *
net_add_host(struct net *net, const char *name,
    const struct host_tunables *boot, char *err, size_t errlen)
{
	struct host_tunables defaults;
	struct host **hv, *h;
	struct net_path **pv;
	int cap;

	if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL) {
		snprintf(err, errlen, "host name \"%s\": must be non-empty, "
		    "without '/'", name == NULL ? "" : name);
		return (NULL);
	}
	if (net_host_by_name(net, name) != NULL) {
		snprintf(err, errlen, "host \"%s\" already exists", name);
		return (NULL);
	}
	if (boot == NULL) {
		host_tunables_init(&defaults);
		boot = &defaults;
	}
	if (host_tunables_validate(boot, err, errlen) != 0)
		return (NULL);
	if (net->nhosts == net->hostcap) {
		cap = net->hostcap ? 2 * net->hostcap : 8;
		hv = realloc(net->hosts, cap * sizeof(*hv));
		if (hv == NULL)
			goto nomem;
		net->hosts = hv;
		pv = realloc(net->paths, cap * sizeof(*pv));
		if (pv == NULL)
			goto nomem;
		net->paths = pv;
		net->hostcap = cap;
	}
	h = host_create(net, net->nhosts, name, boot);
	if (h == NULL)
		goto nomem;
	net->hosts[net->nhosts] = h;
	net->paths[net->nhosts] = NULL;
	net->nhosts++;
	return (h);
nomem:
	snprintf(err, errlen, "host \"%s\": out of memory", name);
	return (NULL);
}

static size_t
net_addr_slot(uint32_t addr, size_t mask)
{
	uint32_t x = addr * 0x9e3779b1u;

	return ((x ^ (x >> 16)) & mask);
}

static int
net_addr_grow(struct net *net)
{
	struct net_addrent *old = net->addrtab, *tab;
	size_t oldcap = net->addrcap, cap, i, j;

	cap = oldcap ? 2 * oldcap : 32;
	tab = calloc(cap, sizeof(*tab));
	if (tab == NULL)
		return (-1);
	for (i = 0; i < oldcap; i++) {
		if (old[i].addr == 0)
			continue;
		for (j = net_addr_slot(old[i].addr, cap - 1); tab[j].addr != 0;
		    j = (j + 1) & (cap - 1))
			;
		tab[j] = old[i];
	}
	free(old);
	net->addrtab = tab;
	net->addrcap = cap;
	return (0);
}

int
net_add_addr(struct net *net, struct host *h, uint32_t addr, char *err,
    size_t errlen)
{
	struct host *owner;
	size_t j;

	if (addr == 0) {
		snprintf(err, errlen, "address 0.0.0.0 cannot be assigned");
		return (-1);
	}
	/* NET-4: an address belongs to one host only. */
	if ((owner = net_host_by_addr(net, addr)) != NULL) {
		snprintf(err, errlen, "address %u.%u.%u.%u already belongs to "
		    "host \"%s\"", addr >> 24, (addr >> 16) & 0xff,
		    (addr >> 8) & 0xff, addr & 0xff, owner->name);
		return (-1);
	}
	if (2 * (net->naddrs + 1) > net->addrcap && net_addr_grow(net) != 0) {
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	if (host_add_addr(h, addr) != 0) {
		snprintf(err, errlen, "host \"%s\": cannot add address "
		    "%u.%u.%u.%u (at most %d per host)", h->name, addr >> 24,
		    (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff,
		    HOST_MAXADDRS);
		return (-1);
	}
	for (j = net_addr_slot(addr, net->addrcap - 1);
	    net->addrtab[j].addr != 0; j = (j + 1) & (net->addrcap - 1))
		;
	net->addrtab[j].addr = addr;
	net->addrtab[j].host = h;
	net->naddrs++;
	return (0);
}

int
net_nhosts(const struct net *net)
{

	return (net->nhosts);
}

struct host *
net_host(const struct net *net, int index)
{

	if (index < 0 || index >= net->nhosts)
		return (NULL);
	return (net->hosts[index]);
}

/*
 * The owner of addr, or NULL.  Inline into net_output(), which asks once
 * for every segment sent: the call cost a third of the lookup.
 */
static inline struct host *
net_addr_owner(const struct net *net, uint32_t addr)
{
	size_t j;

	if (net->addrcap == 0 || addr == 0)
		return (NULL);
	for (j = net_addr_slot(addr, net->addrcap - 1);
	    net->addrtab[j].addr != 0; j = (j + 1) & (net->addrcap - 1))
		if (net->addrtab[j].addr == addr)
			return (net->addrtab[j].host);
	return (NULL);
}

struct host *
net_host_by_addr(const struct net *net, uint32_t addr)
{

	return (net_addr_owner(net, addr));
}

struct host *
net_host_by_name(const struct net *net, const char *name)
{
	int i;

	for (i = 0; i < net->nhosts; i++)
		if (strcmp(net->hosts[i]->name, name) == 0)
			return (net->hosts[i]);
	return (NULL);
}

static sim_time_t	net_draw_delay(const struct dist *d, struct rng *r);

static struct net_path *
net_path_find(const struct net *net, int from, int to)
{
	struct net_path *p;

	for (p = net->paths[from]; p != NULL; p = p->next)
		if (p->to == to)
			return (p);
	return (NULL);
}

/* Rebuild the path matrix for the current hosts: 0, or -1 (no memory). */
static int
net_pathmat_build(struct net *net)
{
	struct net_path **m, *p;
	size_t n = (size_t)net->nhosts;
	int i;

	m = calloc(n * n > 0 ? n * n : 1, sizeof(*m));
	if (m == NULL)
		return (-1);
	for (i = 0; i < net->nhosts; i++)
		for (p = net->paths[i]; p != NULL; p = p->next)
			m[(size_t)i * n + (size_t)p->to] = p;
	free(net->pathmat);
	net->pathmat = m;
	net->pathmat_n = net->nhosts;
	return (0);
}

/* The configured path from -> to, or NULL (hot: every segment). */
static struct net_path *
net_path_get(struct net *net, int from, int to)
{

	if (net->nhosts > NET_PATHMAT_MAX ||
	    (net->pathmat_n != net->nhosts && net_pathmat_build(net) != 0))
		return (net_path_find(net, from, to));
	return (net->pathmat[(size_t)from * (size_t)net->pathmat_n +
	    (size_t)to]);
}

int
net_set_path(struct net *net, const struct host *from, const struct host *to,
    const struct net_path_config *cfg, char *err, size_t errlen)
{
	struct net_path *p;
	char name[512], derr[256];

	if (from == NULL || to == NULL || from->net != net || to->net != net) {
		snprintf(err, errlen, "path: hosts not in this network");
		return (-1);
	}
	if (dist_validate(&cfg->latency, derr, sizeof(derr)) != 0) {
		snprintf(err, errlen, "path %s->%s: latency: %s", from->name,
		    to->name, derr);
		return (-1);
	}
	if (!(cfg->loss >= 0.0 && cfg->loss <= 1.0) ||
	    !(cfg->duplicate >= 0.0 && cfg->duplicate <= 1.0)) {
		snprintf(err, errlen, "path %s->%s: loss and duplicate are "
		    "probabilities in [0, 1]", from->name, to->name);
		return (-1);
	}
	if (cfg->duplicate > 0.0 && dist_validate(&cfg->duplicate_delay, derr,
	    sizeof(derr)) != 0) {
		snprintf(err, errlen, "path %s->%s: duplicate delay: %s",
		    from->name, to->name, derr);
		return (-1);
	}
	p = net_path_find(net, from->index, to->index);
	if (p == NULL) {
		p = calloc(1, sizeof(*p));
		if (p == NULL) {
			snprintf(err, errlen, "out of memory");
			return (-1);
		}
		snprintf(name, sizeof(name), "path/%s->%s", from->name,
		    to->name);
		p->rng = sim_rng(net->sim, name);
		if (p->rng == NULL) {
			free(p);
			snprintf(err, errlen, "path %s->%s: no random stream",
			    from->name, to->name);
			return (-1);
		}
		p->to = to->index;
		p->next = net->paths[from->index];
		net->paths[from->index] = p;
		net->pathmat_n = -1;	/* rebuilt on the next segment */
	}
	p->cfg = *cfg;
	/*
	 * A constant latency draws nothing from the stream (dist_sample),
	 * so it can be converted once here instead of for every segment.
	 */
	p->lat_fixed = cfg->latency.kind == DIST_CONSTANT;
	p->lat_ns = p->lat_fixed ? net_draw_delay(&cfg->latency, p->rng) : 0;
	return (0);
}

static struct net_inflight *
net_inflight_get(struct net *net)
{
	struct net_inflight_slab *s;
	struct net_inflight *r;
	size_t i;

	if (net->free == NULL) {
		s = malloc(sizeof(*s));
		if (s == NULL)
			return (NULL);
		s->next = net->slabs;
		net->slabs = s;
		for (i = NET_INFLIGHT_SLAB; i-- > 0;) {
			s->recs[i].next = net->free;
			net->free = &s->recs[i];
		}
	}
	r = net->free;
	net->free = r->next;
	net->inflight++;
	return (r);
}

static void
net_inflight_put(struct net *net, struct net_inflight *r)
{

	r->next = net->free;
	net->free = r;
	net->inflight--;
}

/* NET-8: show a segment to every tap. */
static void
net_tap(struct net *net, const struct host *h, enum net_tap_dir dir,
    const struct tcp_segment *seg)
{
	int i;

	for (i = 0; i < net->ntaps; i++)
		net->taps[i].fn(net->taps[i].arg, h, dir, seg);
}

static void
net_deliver(struct sim *sim, void *arg)
{
	struct net_inflight *r = arg;
	struct net *net = r->net;

	(void)sim;
	net->stats.delivered++;
	if (net->ntaps > 0)
		net_tap(net, r->dst, NET_TAP_IN, &r->seg);
	/* The record stays ours during the call: tcp_input may send. */
	if (net->hook != NULL)
		net->hook(net->hookarg, r->dst, &r->seg);
	else
		tcp_input(r->dst, &r->seg);
	net_inflight_put(net, r);
}

static void
net_schedule(struct net *net, struct host *dst, const struct tcp_segment *seg,
    sim_time_t delay)
{
	struct net_inflight *r;

	r = net_inflight_get(net);
	if (r == NULL) {
		net->stats.lost++;	/* out of memory: the wire drops it */
		return;
	}
	r->seg = *seg;
	r->net = net;
	r->dst = dst;
	if (sim_after(net->sim, delay, net_deliver, r, NULL) != SIM_OK) {
		net_inflight_put(net, r);
		net->stats.lost++;
	}
}

static sim_time_t
net_draw_delay(const struct dist *d, struct rng *r)
{
	double v = dist_sample(d, r);

	if (!(v > 0.0))
		return (0);
	if (v >= 9e18)
		return ((sim_time_t)9e18);
	return ((sim_time_t)llround(v));
}

static size_t
net_flow_hash(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport)
{
	uint64_t x = ((uint64_t)saddr << 32 | daddr) ^
	    ((uint64_t)sport << 16 | dport) * 0x9e3779b97f4a7c15ULL;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return ((size_t)x);
}

/*
 * Rebuild the flow table keeping only flows with a segment still in
 * flight, in a table at least four times their number.  0, or -1 when out
 * of memory (the old table stays).
 */
static int
net_flow_rebuild(struct net *net, sim_time_t now)
{
	struct net_flow *old = net->flows, *nf;
	size_t i, j, live = 0, cap, oldcap = net->flowcap;

	for (i = 0; i < oldcap; i++)
		if (old[i].used && old[i].last > now)
			live++;
	for (cap = 64; cap < 4 * (live + 1); cap *= 2)
		;
	nf = calloc(cap, sizeof(*nf));
	if (nf == NULL)
		return (-1);
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used || old[i].last <= now)
			continue;
		j = net_flow_hash(old[i].saddr, old[i].daddr, old[i].sport,
		    old[i].dport) & (cap - 1);
		while (nf[j].used)
			j = (j + 1) & (cap - 1);
		nf[j] = old[i];
	}
	free(old);
	net->flows = nf;
	net->flowcap = cap;
	net->flowused = live;
	return (0);
}

/*
 * NET-7: the flow's entry, made (last 0) when it has none; NULL when out
 * of memory.  Dead entries (last <= now) are reused; a table more than
 * half full of used slots is rebuilt with the live ones only.
 */
static struct net_flow *
net_flow_get(struct net *net, const struct tcp_segment *seg, sim_time_t now)
{
	struct net_flow *f, *dead = NULL;
	size_t j, mask;

	if (net->flowused + 1 > net->flowcap / 2 &&
	    net_flow_rebuild(net, now) != 0 && net->flowcap == 0)
		return (NULL);
	mask = net->flowcap - 1;
	j = net_flow_hash(seg->saddr, seg->daddr, seg->sport, seg->dport) &
	    mask;
	for (;; j = (j + 1) & mask) {
		f = &net->flows[j];
		if (!f->used)
			break;
		if (f->saddr == seg->saddr && f->daddr == seg->daddr &&
		    f->sport == seg->sport && f->dport == seg->dport)
			return (f);
		if (dead == NULL && f->last <= now)
			dead = f;
	}
	if (dead != NULL)
		f = dead;
	else {
		if (net->flowused + 1 > net->flowcap - 1)
			return (NULL);
		net->flowused++;
	}
	f->used = 1;
	f->saddr = seg->saddr;
	f->daddr = seg->daddr;
	f->sport = seg->sport;
	f->dport = seg->dport;
	f->last = 0;
	return (f);
}

void
net_output(struct net *net, struct host *from, const struct tcp_segment *seg)
{
	struct net_path *p;
	struct net_flow *f;
	struct host *dst;
	sim_time_t lat, now, arrive;

	if (net->ntaps > 0)
		net_tap(net, from, NET_TAP_OUT, seg);
	/* NET-3: nobody owns the destination: counted and dropped. */
	dst = net_addr_owner(net, seg->daddr);
	if (dst == NULL) {
		net->stats.no_route++;
		return;
	}
	p = net_path_get(net, from->index, dst->index);
	if (p == NULL) {
		/* NET-1: unconfigured paths: 1 ms, or 10 us to oneself. */
		net_schedule(net, dst, seg, dst == from ?
		    NET_LOOPBACK_LATENCY : NET_DEFAULT_LATENCY);
		return;
	}
	/* NET-2: loss, then latency, then duplication, from the path. */
	if (p->cfg.loss > 0.0 && rng_uniform(p->rng) < p->cfg.loss) {
		net->stats.lost++;
		if (net->ntaps > 0)
			net_tap(net, from, NET_TAP_LOST, seg);
		return;
	}
	lat = p->lat_fixed ? p->lat_ns :
	    net_draw_delay(&p->cfg.latency, p->rng);
	/*
	 * NET-7: a flow does not reorder.  Latency varies from segment to
	 * segment, but a segment of a flow (one 4-tuple, one direction)
	 * cannot overtake the one sent before it (one route, FIFO queues,
	 * per-flow hashing onto links), so it arrives no earlier than its
	 * predecessor.  Without this, independent draws of a jittery latency
	 * would reorder almost every burst, which TCP answers with spurious
	 * retransmits.  Other flows are not held back: ordering across all
	 * flows would make latency grow with load, which is not the network.
	 * Duplicates (NET-5) are exempt: they are the stray copies that
	 * arrive out of order.
	 */
	now = sim_now(net->sim);
	arrive = now + lat;
	if (!p->lat_fixed) {	/* constant latency keeps order as it is */
		f = net_flow_get(net, seg, now);
		if (f != NULL) {
			if (arrive < f->last)
				arrive = f->last;
			f->last = arrive;
		}
	}
	net_schedule(net, dst, seg, arrive - now);
	if (p->cfg.duplicate > 0.0 && rng_uniform(p->rng) < p->cfg.duplicate) {
		/*
		 * NET-5: the copy arrives later: an old duplicate, and never
		 * before its original (NET-7 may have held that back).
		 */
		net->stats.duplicated++;
		if (net->ntaps > 0)
			net_tap(net, from, NET_TAP_DUP, seg);
		net_schedule(net, dst, seg, arrive - now +
		    net_draw_delay(&p->cfg.duplicate_delay, p->rng));
	}
}

const struct net_stats *
net_stats(const struct net *net)
{

	return (&net->stats);
}

void
net_set_deliver_hook(struct net *net, net_deliver_fn fn, void *arg)
{

	net->hook = fn;
	net->hookarg = arg;
}

int
net_add_tap(struct net *net, net_tap_fn fn, void *arg)
{

	if (net->ntaps == NET_MAXTAPS)
		return (-1);
	net->taps[net->ntaps].fn = fn;
	net->taps[net->ntaps].arg = arg;
	net->ntaps++;
	return (0);
}

size_t
net_inflight(const struct net *net)
{

	return (net->inflight);
}

uint64_t
net_new_conn_id(struct net *net)
{

	return (net->next_conn_id++);
}
