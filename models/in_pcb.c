/*
 * in_pcb.c -- protocol control blocks: allocation, the two lookup hashes and
 * ephemeral port selection, after FreeBSD 9's netinet/in_pcb.c.
 *
 * A pcb is found two ways once it has a local port: in the 4-tuple table
 * (segment demultiplexing; listeners sit there with faddr 0, fport 0) and
 * on the local-port hash (is (laddr, lport) held by anybody?).  The port
 * hash is what makes TIME_WAIT expensive: a TIME_WAIT pcb stays on it and
 * keeps its ephemeral port from in_pcb_lport() until tcp_twclose() drops
 * it.
 *
 * The kernel chains both hashes.  The model chains the port hash but keeps
 * the 4-tuple table open-addressed (struct inpcbinfo says how), because of
 * what one connection touches at a million TIME_WAIT entries: a chained
 * lookup reads a bucket head and every pcb on its chain, each a cache miss
 * once the tables outgrow the cache; a slot word read tells almost every
 * non-matching pcb apart without touching it.  Which pcb a lookup finds is
 * the same either way: no 4-tuple is hashed twice (in_pcb_check says so).
 *
 * pcbs come from slabs of INPCB_SLAB and return to a free list, so the
 * steady state never calls malloc.  A pcb's inp_index names its slab and
 * place, so a 32-bit slot half can name it.  Rule IDs (PORT-n) are in
 * docs/RULES.md.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "sim/rng.h"

static size_t
in_pcbporthash(const struct inpcbinfo *pi, uint32_t laddr, uint16_t lport)
{
	uint32_t h;

	h = laddr * 0x9e3779b1u ^ (uint32_t)lport * 0x85ebca77u;
	h ^= h >> 16;
	return (h & pi->ipi_porthashmask);
}

/* ---- the 4-tuple table ------------------------------------------------ */

#define TUPLE_SLOT(hash, inp)	(((uint64_t)(hash) << 32) | \
				    ((uint64_t)(inp)->inp_index + 1))
#define TUPLE_HASH(slot)	((uint32_t)((slot) >> 32))
#define TUPLE_INDEX(slot)	((uint32_t)(slot) - 1)

/* The table starts with this many slots and doubles while 3/4 full. */
#define IN_PCBTUPLE_MIN	64

static struct inpcb *
in_pcb_by_index(const struct inpcbinfo *pi, uint32_t index)
{

	return (&pi->ipi_slabv[index / INPCB_SLAB]->pcbs[index % INPCB_SLAB]);
}

/* Put a slot word into the first empty slot from its home on. */
static void
tuple_put(uint64_t *tab, size_t mask, uint64_t slot)
{
	size_t i;

	for (i = TUPLE_HASH(slot) & mask; tab[i] != 0; i = (i + 1) & mask)
		;
	tab[i] = slot;
}

/*
 * Move every slot word into a table of n slots.  Each word carries its
 * hash, so no pcb is touched: at a million pcbs, reading them would be a
 * million cache misses.  ENOMEM leaves the table as it was.
 */
static int
in_pcb_tuples_resize(struct inpcbinfo *pi, size_t n)
{
	uint64_t *tab;
	size_t i;

	if ((tab = calloc(n, sizeof(*tab))) == NULL)
		return (ENOMEM);
	if (pi->ipi_tuples != NULL)
		for (i = 0; i <= pi->ipi_tuplemask; i++)
			if (pi->ipi_tuples[i] != 0)
				tuple_put(tab, n - 1, pi->ipi_tuples[i]);
	free(pi->ipi_tuples);
	pi->ipi_tuples = tab;
	pi->ipi_tuplemask = n - 1;
	return (0);
}

/*
 * The first pcb other than `skip` hashed under exactly this 4-tuple.  Only
 * slots whose whole hash matches cost a look at their pcb.
 */
static struct inpcb *
tuple_find(const struct inpcbinfo *pi, uint32_t faddr, uint16_t fport,
    uint32_t laddr, uint16_t lport, const struct inpcb *skip)
{
	const uint64_t *tab = pi->ipi_tuples;
	struct inpcb *inp;
	uint32_t h;
	size_t i;

	h = in_pcbhash(faddr, fport, laddr, lport);
	for (i = h & pi->ipi_tuplemask; tab[i] != 0;
	    i = (i + 1) & pi->ipi_tuplemask) {
		if (TUPLE_HASH(tab[i]) != h)
			continue;
		inp = in_pcb_by_index(pi, TUPLE_INDEX(tab[i]));
		if (inp != skip && inp->inp_faddr == faddr &&
		    inp->inp_fport == fport && inp->inp_laddr == laddr &&
		    inp->inp_lport == lport)
			return (inp);
	}
	return (NULL);
}

/*
 * Take inp's word out and shift the rest of its cluster back: each later
 * word moves into the hole unless its home lies cyclically in
 * (hole, its slot], where it would no longer be found.
 */
static void
tuple_remove(struct inpcbinfo *pi, const struct inpcb *inp)
{
	uint64_t *tab = pi->ipi_tuples;
	size_t mask = pi->ipi_tuplemask, hole, j, home;
	uint32_t h;

	h = in_pcbhash(inp->inp_faddr, inp->inp_fport, inp->inp_laddr,
	    inp->inp_lport);
	for (hole = h & mask; tab[hole] != TUPLE_SLOT(h, inp);
	    hole = (hole + 1) & mask)
		assert(tab[hole] != 0);		/* it is in the table */
	for (j = (hole + 1) & mask; tab[j] != 0; j = (j + 1) & mask) {
		home = TUPLE_HASH(tab[j]) & mask;
		if (((j - home) & mask) < ((j - hole) & mask))
			continue;		/* home in (hole, j]: stays */
		tab[hole] = tab[j];
		hole = j;
	}
	tab[hole] = 0;
}

/* ---- the port hash ---------------------------------------------------- */

/*
 * The port hash starts at this many buckets (or ipi_porthashmax when
 * smaller) and doubles as pcbs arrive.
 */
#define IN_PCBHASH_MIN	64

/*
 * Move every pcb of the port hash into a table of n buckets.  The order
 * of pcbs on a chain changes, which no lookup can see: the port hash is
 * only asked whether anybody holds (laddr, lport).  ENOMEM leaves the
 * table as it was (still correct, only fuller).
 *
 * The hashed pcbs are found by walking the slabs in memory order (a pcb
 * is hashed iff INP_INHASH), not the old chains, and are linked into the
 * new table without being unlinked from the old one, which is freed
 * whole.
 */
static int
in_pcb_porthash_resize(struct inpcbinfo *pi, size_t n)
{
	struct inpcbhead *pb;
	struct inpcb *inp;
	uint32_t k;
	size_t i;

	if ((pb = malloc(n * sizeof(*pb))) == NULL)
		return (ENOMEM);
	for (i = 0; i < n; i++)
		LIST_INIT(&pb[i]);
	pi->ipi_porthashmask = n - 1;
	for (k = 0; k < pi->ipi_nslabs; k++)
		for (i = 0; i < INPCB_SLAB; i++) {
			inp = &pi->ipi_slabv[k]->pcbs[i];
			if ((inp->inp_flags & INP_INHASH) == 0)
				continue;
			LIST_INSERT_HEAD(&pb[in_pcbporthash(pi, inp->inp_laddr,
			    inp->inp_lport)], inp, inp_portlist);
		}
	free(pi->ipi_porthashbase);
	pi->ipi_porthashbase = pb;
	return (0);
}

int
in_pcbinfo_init(struct inpcbinfo *pi, struct host *h, struct rng *r,
    size_t hashsize)
{
	size_t n;

	memset(pi, 0, sizeof(*pi));
	/*
	 * Round up to a power of two so a mask selects the bucket; at most
	 * 2^20 buckets (8 MB), whatever maxsockets says.  That is the most
	 * the port hash grows to; it starts small.
	 */
	for (n = 16; n < hashsize && n < ((size_t)1 << 20); n <<= 1)
		;
	pi->ipi_porthashmax = n;
	if (in_pcb_porthash_resize(pi, n < IN_PCBHASH_MIN ? n :
	    IN_PCBHASH_MIN) != 0 ||
	    in_pcb_tuples_resize(pi, IN_PCBTUPLE_MIN) != 0) {
		in_pcbinfo_destroy(pi);
		return (ENOMEM);
	}
	pi->ipi_host = h;
	pi->ipi_rng = r;
	/* No range counted yet (empty); in_pcb_lport sets it. */
	pi->ipi_busy_first = 1;
	pi->ipi_busy_last = 0;
	return (0);
}

void
in_pcbinfo_destroy(struct inpcbinfo *pi)
{
	uint32_t k;
	int i;

	for (k = 0; k < pi->ipi_nslabs; k++)
		free(pi->ipi_slabv[k]);
	free(pi->ipi_slabv);
	free(pi->ipi_tuples);
	free(pi->ipi_porthashbase);
	for (i = 0; i < pi->ipi_naddrs; i++)
		free(pi->ipi_addrs[i].ia_portmap);
	free(pi->ipi_addrs);
	free(pi->ipi_wildmap);
	memset(pi, 0, sizeof(*pi));
}

int
in_pcbinfo_add_addr(struct inpcbinfo *pi, uint32_t addr)
{
	struct in_pcbaddr *a;
	int i;

	for (i = 0; i < pi->ipi_naddrs; i++)
		if (pi->ipi_addrs[i].ia_addr == addr)
			return (EEXIST);
	a = realloc(pi->ipi_addrs, (pi->ipi_naddrs + 1) * sizeof(*a));
	if (a == NULL)
		return (ENOMEM);
	pi->ipi_addrs = a;
	memset(&a[pi->ipi_naddrs], 0, sizeof(*a));
	a[pi->ipi_naddrs].ia_addr = addr;
	pi->ipi_naddrs++;
	return (0);
}

static struct in_pcbaddr *
in_pcb_addr(const struct inpcbinfo *pi, uint32_t addr)
{
	int i;

	for (i = 0; i < pi->ipi_naddrs; i++)
		if (pi->ipi_addrs[i].ia_addr == addr)
			return (&pi->ipi_addrs[i]);
	return (NULL);
}

/* ---- port maps: a bit per port ---------------------------------------- */

static int
portmap_isset(const uint64_t *m, int port)
{

	return ((m[port >> 6] >> (port & 63)) & 1);
}

/* The second bitmap of a port map: ports held by two pcbs or more. */
#define PORTMAP_SHARED(m)	((m) + IN_PCB_PORTMAP_WORDS)

static void
portmap_flip(uint64_t *m, int port)
{

	m[port >> 6] ^= (uint64_t)1 << (port & 63);
}

/* Set bits of (a | w) in [from, to]; w may be NULL. */
static int
portmap_count(const uint64_t *a, const uint64_t *w, int from, int to)
{
	uint64_t x, mask;
	int i, n;

	n = 0;
	for (i = from >> 6; i <= to >> 6; i++) {
		x = a[i] | (w != NULL ? w[i] : 0);
		mask = ~(uint64_t)0;
		if (i == from >> 6)
			mask &= ~(uint64_t)0 << (from & 63);
		if (i == to >> 6 && (to & 63) != 63)
			mask &= ((uint64_t)1 << ((to & 63) + 1)) - 1;
		n += __builtin_popcountll(x & mask);
	}
	return (n);
}

/* The lowest port in [from, to] clear in both a and w, or -1. */
static int
portmap_first_free(const uint64_t *a, const uint64_t *w, int from, int to)
{
	uint64_t freebits;
	int i, port;

	for (i = from >> 6; i <= to >> 6; i++) {
		freebits = ~(a[i] | w[i]);
		if (i == from >> 6)
			freebits &= ~(uint64_t)0 << (from & 63);
		if (freebits == 0)
			continue;
		port = (i << 6) + __builtin_ctzll(freebits);
		return (port <= to ? port : -1);
	}
	return (-1);
}

/* Recount every address's ia_busy for the range [first, last]. */
static void
in_pcb_busy_recount(struct inpcbinfo *pi, int first, int last)
{
	struct in_pcbaddr *ia;
	int i;

	for (i = 0; i < pi->ipi_naddrs; i++) {
		ia = &pi->ipi_addrs[i];
		if (ia->ia_portmap != NULL)
			ia->ia_busy = portmap_count(ia->ia_portmap,
			    pi->ipi_wildmap, first, last);
	}
	pi->ipi_busy_first = first;
	pi->ipi_busy_last = last;
}

/*
 * Build the port map of `ia` (and the wildcard's, the first time) from
 * the pcbs already hashed: once per address, at its first ephemeral
 * allocation.  From then on in_pcb_port_held() keeps both up to date.
 */
static uint64_t *
in_pcb_portmap_new(const struct inpcbinfo *pi, uint32_t laddr)
{
	struct inpcb *inp;
	uint64_t *m;
	uint32_t k;
	size_t i;

	m = calloc(2 * IN_PCB_PORTMAP_WORDS, sizeof(*m));
	if (m == NULL)
		return (NULL);
	for (k = 0; k < pi->ipi_nslabs; k++)
		for (i = 0; i < INPCB_SLAB; i++) {
			inp = &pi->ipi_slabv[k]->pcbs[i];
			if ((inp->inp_flags & INP_INHASH) == 0 ||
			    inp->inp_laddr != laddr)
				continue;
			/* A second holder marks the port shared. */
			if (portmap_isset(m, inp->inp_lport))
				PORTMAP_SHARED(m)[inp->inp_lport >> 6] |=
				    (uint64_t)1 << (inp->inp_lport & 63);
			else
				portmap_flip(m, inp->inp_lport);
		}
	return (m);
}

static int
in_pcb_portmap_build(struct inpcbinfo *pi, struct in_pcbaddr *ia)
{
	uint64_t *m;

	if (pi->ipi_wildmap == NULL &&
	    (pi->ipi_wildmap = in_pcb_portmap_new(pi, INADDR_ANY_HOST)) == NULL)
		return (ENOMEM);
	if ((m = in_pcb_portmap_new(pi, ia->ia_addr)) == NULL)
		return (ENOMEM);
	ia->ia_portmap = m;
	ia->ia_busy = portmap_count(m, pi->ipi_wildmap, pi->ipi_busy_first,
	    pi->ipi_busy_last);
	return (0);
}

static int
in_pcb_in_busy_range(const struct inpcbinfo *pi, int port)
{

	return (port >= pi->ipi_busy_first && port <= pi->ipi_busy_last);
}

/*
 * (laddr, lport) just gained its first holder (held 1) or lost its last
 * (held 0): the gauge, the maps and the busy counts follow.  A wildcard
 * port is busy on every address (PORT-3), so it counts for each address
 * that does not hold the port itself.
 */
static void
in_pcb_port_held(struct inpcbinfo *pi, uint32_t laddr, uint16_t lport,
    int held)
{
	struct in_pcbaddr *ia;
	int d, i;

	d = held ? 1 : -1;
	if (laddr == INADDR_ANY_HOST) {
		if (pi->ipi_wildmap == NULL)
			return;
		portmap_flip(pi->ipi_wildmap, lport);
		if (!in_pcb_in_busy_range(pi, lport))
			return;
		for (i = 0; i < pi->ipi_naddrs; i++) {
			ia = &pi->ipi_addrs[i];
			if (ia->ia_portmap != NULL &&
			    !portmap_isset(ia->ia_portmap, lport))
				ia->ia_busy += d;
		}
		return;
	}
	if ((ia = in_pcb_addr(pi, laddr)) == NULL)
		return;
	ia->ia_ports_in_use += d;
	if (ia->ia_portmap == NULL)
		return;
	portmap_flip(ia->ia_portmap, lport);
	if (in_pcb_in_busy_range(pi, lport) &&
	    !portmap_isset(pi->ipi_wildmap, lport))
		ia->ia_busy += d;
}

/* Does a first/last holder of laddr's ports change anything we count? */
static int
in_pcb_port_counted(const struct inpcbinfo *pi, uint32_t laddr)
{

	if (laddr == INADDR_ANY_HOST)
		return (pi->ipi_wildmap != NULL);
	return (in_pcb_addr(pi, laddr) != NULL);
}

/* laddr's port map, or NULL while it has none. */
static uint64_t *
in_pcb_portmap(const struct inpcbinfo *pi, uint32_t laddr)
{
	const struct in_pcbaddr *ia;

	if (laddr == INADDR_ANY_HOST)
		return (pi->ipi_wildmap);
	ia = in_pcb_addr(pi, laddr);
	return (ia != NULL ? ia->ia_portmap : NULL);
}

struct inpcb *
in_pcballoc(struct inpcbinfo *pi)
{
	struct inpcb_slab *s, **v;
	struct inpcb *inp;
	uint32_t i, index;

	if (pi->ipi_free == NULL) {
		/* Grow by one slab; its pcbs go on the free list. */
		if (pi->ipi_nslabs == pi->ipi_slabvcap) {
			i = pi->ipi_slabvcap == 0 ? 16 : 2 * pi->ipi_slabvcap;
			if (i > UINT32_MAX / INPCB_SLAB ||
			    (v = realloc(pi->ipi_slabv, i * sizeof(*v))) == NULL)
				return (NULL);
			pi->ipi_slabv = v;
			pi->ipi_slabvcap = i;
		}
		if ((s = malloc(sizeof(*s))) == NULL)
			return (NULL);
		/* Zeroed: the slab walks read the flags of free pcbs too. */
		memset(s->pcbs, 0, sizeof(s->pcbs));
		s->host = pi->ipi_host;
		for (i = INPCB_SLAB; i-- > 0;) {
			s->pcbs[i].inp_index = pi->ipi_nslabs * INPCB_SLAB + i;
			s->pcbs[i].inp_ppcb = pi->ipi_free;
			pi->ipi_free = &s->pcbs[i];
		}
		pi->ipi_slabv[pi->ipi_nslabs++] = s;
		pi->ipi_nfree += INPCB_SLAB;
	}
	inp = pi->ipi_free;
	pi->ipi_free = inp->inp_ppcb;
	pi->ipi_nfree--;
	index = inp->inp_index;
	memset(inp, 0, sizeof(*inp));
	inp->inp_index = index;
	inp->inp_flags = INP_ALLOCATED;
	pi->ipi_count++;
	return (inp);
}

/* Does any pcb other than `skip` hold exactly (laddr, lport)? */
static struct inpcb *
in_pcb_port_holder(const struct inpcbinfo *pi, uint32_t laddr,
    uint16_t lport, const struct inpcb *skip)
{
	struct inpcb *inp;

	LIST_FOREACH(inp, &pi->ipi_porthashbase[in_pcbporthash(pi, laddr,
	    lport)], inp_portlist)
		if (inp != skip && inp->inp_laddr == laddr &&
		    inp->inp_lport == lport)
			return (inp);
	return (NULL);
}

/* How many pcbs hold exactly (laddr, lport), counting up to `most`. */
static int
in_pcb_port_holders(const struct inpcbinfo *pi, uint32_t laddr,
    uint16_t lport, int most)
{
	struct inpcb *inp;
	int n = 0;

	LIST_FOREACH(inp, &pi->ipi_porthashbase[in_pcbporthash(pi, laddr,
	    lport)], inp_portlist)
		if (inp->inp_laddr == laddr && inp->inp_lport == lport &&
		    ++n == most)
			break;
	return (n);
}

/*
 * Enter both hashes.  The per-address gauge and the port maps count
 * distinct local ports held, so only the first holder of (laddr, lport)
 * counts.
 */
static void
in_pcbinshash(struct inpcbinfo *pi, struct inpcb *inp)
{
	uint64_t *map;

	/* The 4-tuple table: at most 3/4 full, or lookups probe long. */
	if (4 * (pi->ipi_nhashed + 1) > 3 * (pi->ipi_tuplemask + 1))
		(void)in_pcb_tuples_resize(pi, 2 * (pi->ipi_tuplemask + 1));
	/*
	 * The port hash: load factor 1 at most, until it reaches
	 * ipi_porthashmax buckets or one per (address, port) key there can
	 * be -- the ports of each address and of the wildcard.  A server's
	 * million TIME_WAIT entries share one key; more buckets would only
	 * cost memory.
	 */
	if (pi->ipi_nhashed > pi->ipi_porthashmask &&
	    pi->ipi_porthashmask + 1 < pi->ipi_porthashmax &&
	    pi->ipi_porthashmask + 1 < ((size_t)pi->ipi_naddrs + 1) * 65536)
		(void)in_pcb_porthash_resize(pi, 2 * (pi->ipi_porthashmask + 1));
	/*
	 * First holder?  With a port map the bits say so, without walking a
	 * chain of pcbs that are mostly out of the cache; a second holder
	 * marks the port shared.
	 */
	if ((map = in_pcb_portmap(pi, inp->inp_laddr)) != NULL) {
		if (!portmap_isset(map, inp->inp_lport))
			in_pcb_port_held(pi, inp->inp_laddr, inp->inp_lport,
			    1);
		else
			PORTMAP_SHARED(map)[inp->inp_lport >> 6] |=
			    (uint64_t)1 << (inp->inp_lport & 63);
	} else if (in_pcb_port_counted(pi, inp->inp_laddr) &&
	    in_pcb_port_holder(pi, inp->inp_laddr, inp->inp_lport,
	    inp) == NULL)
		in_pcb_port_held(pi, inp->inp_laddr, inp->inp_lport, 1);
	/*
	 * A full table that could not grow (ENOMEM) must still keep an empty
	 * slot, or probes would never end.
	 */
	if (pi->ipi_nhashed + 1 > pi->ipi_tuplemask) {
		fprintf(stderr, "twsim: out of memory for the pcb table\n");
		abort();
	}
	tuple_put(pi->ipi_tuples, pi->ipi_tuplemask, TUPLE_SLOT(in_pcbhash(
	    inp->inp_faddr, inp->inp_fport, inp->inp_laddr, inp->inp_lport),
	    inp));
	LIST_INSERT_HEAD(&pi->ipi_porthashbase[in_pcbporthash(pi,
	    inp->inp_laddr, inp->inp_lport)], inp, inp_portlist);
	inp->inp_flags |= INP_INHASH;
	inp->inp_flags &= ~INP_DROPPED;
	pi->ipi_nhashed++;
	if (inp->inp_laddr == INADDR_ANY_HOST)
		pi->ipi_nwild++;
}

static void
in_pcbremhash(struct inpcbinfo *pi, struct inpcb *inp)
{
	uint64_t *map;

	if ((inp->inp_flags & INP_INHASH) == 0)
		return;
	tuple_remove(pi, inp);
	LIST_REMOVE(inp, inp_portlist);
	inp->inp_flags &= ~INP_INHASH;
	pi->ipi_nhashed--;
	if (inp->inp_laddr == INADDR_ANY_HOST)
		pi->ipi_nwild--;
	/*
	 * Last holder?  Unless the map marks the port shared, yes; if it
	 * does, count who is left (at most two to find).
	 */
	if ((map = in_pcb_portmap(pi, inp->inp_laddr)) != NULL) {
		if (!portmap_isset(PORTMAP_SHARED(map), inp->inp_lport))
			in_pcb_port_held(pi, inp->inp_laddr, inp->inp_lport,
			    0);
		else if (in_pcb_port_holders(pi, inp->inp_laddr,
		    inp->inp_lport, 2) < 2)
			portmap_flip(PORTMAP_SHARED(map), inp->inp_lport);
	} else if (in_pcb_port_counted(pi, inp->inp_laddr) &&
	    in_pcb_port_holder(pi, inp->inp_laddr, inp->inp_lport,
	    NULL) == NULL)
		in_pcb_port_held(pi, inp->inp_laddr, inp->inp_lport, 0);
}

struct inpcb *
in_pcblookup_local(struct inpcbinfo *pi, uint32_t laddr, uint16_t lport)
{
	struct inpcb *inp;
	int i;

	if (laddr == INADDR_ANY_HOST) {
		/* The wildcard overlaps every address of the host. */
		for (i = 0; i < pi->ipi_naddrs; i++)
			if ((inp = in_pcb_port_holder(pi,
			    pi->ipi_addrs[i].ia_addr, lport, NULL)) != NULL)
				return (inp);
		return (in_pcb_port_holder(pi, INADDR_ANY_HOST, lport, NULL));
	}
	if ((inp = in_pcb_port_holder(pi, laddr, lport, NULL)) != NULL)
		return (inp);
	/*
	 * A wildcard-bound listener holds the port on every address too;
	 * with none hashed (a client) there is no bucket to look at.
	 */
	if (pi->ipi_nwild == 0)
		return (NULL);
	return (in_pcb_port_holder(pi, INADDR_ANY_HOST, lport, NULL));
}

struct inpcb *
in_pcblookup_hint(const struct inpcbinfo *pi, uint32_t hint, uint32_t faddr,
    uint16_t fport, uint32_t laddr, uint16_t lport)
{
	struct inpcb *inp;

	if (hint == 0 || hint - 1 >= (uint64_t)pi->ipi_nslabs * INPCB_SLAB)
		return (NULL);
	inp = in_pcb_by_index(pi, hint - 1);
	if ((inp->inp_flags & INP_INHASH) == 0 || inp->inp_faddr != faddr ||
	    inp->inp_fport != fport || inp->inp_laddr != laddr ||
	    inp->inp_lport != lport)
		return (NULL);
	return (inp);
}

struct inpcb *
in_pcblookup(struct inpcbinfo *pi, uint32_t faddr, uint16_t fport,
    uint32_t laddr, uint16_t lport, int wildcard)
{
	struct inpcb *inp;

	if ((inp = tuple_find(pi, faddr, fport, laddr, lport, NULL)) != NULL)
		return (inp);
	if (!wildcard)
		return (NULL);
	/* A listener: bound to laddr first, then to the wildcard. */
	if ((inp = tuple_find(pi, 0, 0, laddr, lport, NULL)) != NULL)
		return (inp);
	return (tuple_find(pi, 0, 0, INADDR_ANY_HOST, lport, NULL));
}

/*
 * PORT-1..PORT-4: FreeBSD 9 in_pcb_lport for TCP.  The cursor jumps to a
 * random point when randomization is on and not throttled (PORT-2), then
 * probes upward with wrap-around; a port is busy when any pcb holds it on
 * laddr, whatever its peer, or on the wildcard (PORT-3).  After
 * last - first + 1 busy candidates: EADDRNOTAVAIL (PORT-4).
 *
 * The kernel probes one candidate at a time; the model reaches the same
 * end state without doing so.  The probe's first step takes the cursor to
 * c = (cursor + 1, or first when that leaves the range); it then stops at
 * the first free port of c..last, first..c-1.  The port map finds that
 * port a word at a time.  With every port of the range busy (ia_busy
 * says so at once), the probe makes a full lap and leaves the cursor on
 * the port before c.  tests/check_in_pcb.c holds the one-by-one probe
 * and checks both agree on ports, cursor and random draws.
 */
int
in_pcb_lport(struct inpcbinfo *pi, uint32_t laddr, uint16_t *lportp)
{
	const struct host_tunables *t = &pi->ipi_host->tun;
	struct in_pcbaddr *ia;
	int first, last, aux, dorandom, c, port;

	/* in_pcbbind_setup: only an address of this host can be bound. */
	if ((ia = in_pcb_addr(pi, laddr)) == NULL)
		return (EADDRNOTAVAIL);
	if (ia->ia_portmap == NULL && in_pcb_portmap_build(pi, ia) != 0)
		return (ENOMEM);
	first = t->portrange_first;
	last = t->portrange_last;
	/* PORT-1: a reversed range is used the right way round. */
	if (first > last) {
		aux = first;
		first = last;
		last = aux;
	}
	/* PORT-8: a changed range is counted afresh. */
	if (first != pi->ipi_busy_first || last != pi->ipi_busy_last)
		in_pcb_busy_recount(pi, first, last);
	/* PORT-2: random start unless throttled; never for a 1-port range. */
	dorandom = t->randomized && pi->ipport_stoprandom == 0;
	if (first == last)
		dorandom = 0;
	/* PORT-5: every TCP allocation counts for the throttle. */
	pi->ipport_tcpallocs++;
	if (dorandom)
		pi->ipport_lastport = first +
		    (int)rng_uniform_int(pi->ipi_rng, (uint32_t)(last - first));
	/* PORT-3: the first candidate, wrapping to first outside the range. */
	c = pi->ipport_lastport + 1;
	if (c < first || c > last)
		c = first;
	if (ia->ia_busy == last - first + 1) {
		/* PORT-4: a full lap, every candidate busy. */
		pi->ipport_lastport = c == first ? last : c - 1;
		return (EADDRNOTAVAIL);
	}
	port = portmap_first_free(ia->ia_portmap, pi->ipi_wildmap, c, last);
	if (port < 0)
		port = portmap_first_free(ia->ia_portmap, pi->ipi_wildmap,
		    first, c - 1);
	assert(port >= first && port <= last);
	pi->ipport_lastport = port;
	*lportp = (uint16_t)port;
	return (0);
}

int
in_pcbbind(struct inpcbinfo *pi, struct inpcb *inp, uint32_t laddr,
    uint16_t lport)
{
	struct inpcb *other;
	int error, i;

	if (lport == 0) {
		if (laddr == INADDR_ANY_HOST)
			return (EINVAL);
		if ((error = in_pcb_lport(pi, laddr, &lport)) != 0)
			return (error);
	} else {
		/* PORT-7: two listeners may not overlap on a port. */
		if (laddr == INADDR_ANY_HOST) {
			for (i = -1; i < pi->ipi_naddrs; i++) {
				uint32_t a = i < 0 ? INADDR_ANY_HOST :
				    pi->ipi_addrs[i].ia_addr;
				if (tuple_find(pi, 0, 0, a, lport, inp) != NULL)
					return (EADDRINUSE);
			}
		} else {
			other = in_pcblookup(pi, 0, 0, laddr, lport, 1);
			if (other != NULL && other != inp)
				return (EADDRINUSE);
		}
	}
	in_pcbremhash(pi, inp);
	inp->inp_laddr = laddr;
	inp->inp_lport = lport;
	inp->inp_faddr = 0;
	inp->inp_fport = 0;
	in_pcbinshash(pi, inp);
	return (0);
}

int
in_pcbconnect(struct inpcbinfo *pi, struct inpcb *inp, uint32_t laddr,
    uint16_t lport, uint32_t faddr, uint16_t fport)
{
	struct inpcb *other;
	int error;

	if (laddr == INADDR_ANY_HOST) {
		if (pi->ipi_naddrs == 0)
			return (EADDRNOTAVAIL);
		laddr = pi->ipi_addrs[0].ia_addr;
	}
	if (lport == 0) {
		if ((error = in_pcb_lport(pi, laddr, &lport)) != 0)
			return (error);
	}
	/* PORT-6: only the exact 4-tuple is refused. */
	other = in_pcblookup(pi, faddr, fport, laddr, lport, 0);
	if (other != NULL && other != inp)
		return (EADDRINUSE);
	in_pcbremhash(pi, inp);
	inp->inp_laddr = laddr;
	inp->inp_lport = lport;
	inp->inp_faddr = faddr;
	inp->inp_fport = fport;
	in_pcbinshash(pi, inp);
	return (0);
}

void
in_pcbdrop(struct inpcbinfo *pi, struct inpcb *inp)
{

	in_pcbremhash(pi, inp);
	inp->inp_flags |= INP_DROPPED;
}

void
in_pcbfree(struct inpcbinfo *pi, struct inpcb *inp)
{

	uint32_t index;

	assert(inp->inp_flags & INP_ALLOCATED);	/* not already free */
	assert(pi->ipi_count > 0);
	in_pcbremhash(pi, inp);
	index = inp->inp_index;
	memset(inp, 0, sizeof(*inp));
	inp->inp_index = index;
	inp->inp_ppcb = pi->ipi_free;
	pi->ipi_free = inp;
	pi->ipi_nfree++;
	pi->ipi_count--;
}

/*
 * PORT-5: FreeBSD's ipport_tick, once a second.  More than randomcps TCP
 * allocations in the last second suspends randomization for randomtime
 * seconds; each quiet second counts the suspension down.
 */
void
ipport_tick(struct inpcbinfo *pi, int randomcps, int randomtime)
{

	if (pi->ipport_tcpallocs <= pi->ipport_tcplastcount +
	    (uint64_t)(randomcps < 0 ? 0 : randomcps)) {
		if (pi->ipport_stoprandom > 0)
			pi->ipport_stoprandom--;
	} else
		pi->ipport_stoprandom = randomtime;
	pi->ipport_tcplastcount = pi->ipport_tcpallocs;
}

int
in_pcb_ports_in_use(const struct inpcbinfo *pi, uint32_t laddr)
{
	const struct in_pcbaddr *ia;

	ia = in_pcb_addr(pi, laddr);
	return (ia == NULL ? 0 : ia->ia_ports_in_use);
}

int
in_pcb_ports_in_use_total(const struct inpcbinfo *pi)
{
	int i, n;

	for (n = 0, i = 0; i < pi->ipi_naddrs; i++)
		n += pi->ipi_addrs[i].ia_ports_in_use;
	return (n);
}

void
in_pcb_foreach(struct inpcbinfo *pi, void (*fn)(struct inpcb *, void *),
    void *arg)
{
	struct inpcb *inp;
	uint32_t index;

	/*
	 * By index, not by slot: fn may free its pcb, and a removal shifts
	 * other slots of the table back -- past the walk, or into a slot it
	 * already visited.  The slabs never move.
	 */
	for (index = 0; index < pi->ipi_nslabs * INPCB_SLAB; index++) {
		inp = in_pcb_by_index(pi, index);
		if (inp->inp_flags & INP_INHASH)
			fn(inp, arg);
	}
}

int
in_pcb_check(const struct inpcbinfo *pi, char *err, size_t errlen)
{
	const struct inpcb *inp, *o;
	const struct in_pcbaddr *ia;
	const uint64_t *map;
	uint64_t slot;
	uint32_t h;
	size_t i, j, nhash, nport;
	int *count, *nshared, ai, a;

	nhash = nport = 0;
	count = calloc(pi->ipi_naddrs + 1, sizeof(*count));
	nshared = calloc(pi->ipi_naddrs + 1, sizeof(*nshared));
	if (count == NULL || nshared == NULL) {
		free(count);
		free(nshared);
		snprintf(err, errlen, "in_pcb_check: out of memory");
		return (-1);
	}
	for (i = 0; i <= pi->ipi_tuplemask; i++) {
		if ((slot = pi->ipi_tuples[i]) == 0)
			continue;
		nhash++;
		if (TUPLE_INDEX(slot) >= pi->ipi_nslabs * INPCB_SLAB) {
			snprintf(err, errlen, "4-tuple slot %zu names pcb %u, "
			    "beyond the slabs", i, (unsigned)TUPLE_INDEX(slot));
			goto fail;
		}
		inp = in_pcb_by_index(pi, TUPLE_INDEX(slot));
		if ((inp->inp_flags & INP_INHASH) == 0 ||
		    (inp->inp_flags & INP_DROPPED) != 0) {
			snprintf(err, errlen, "pcb %u:%u in hash without "
			    "INP_INHASH or with INP_DROPPED",
			    (unsigned)inp->inp_laddr, (unsigned)inp->inp_lport);
			goto fail;
		}
		h = in_pcbhash(inp->inp_faddr, inp->inp_fport, inp->inp_laddr,
		    inp->inp_lport);
		if (TUPLE_HASH(slot) != h) {
			snprintf(err, errlen, "4-tuple slot %zu holds a hash "
			    "its pcb does not have", i);
			goto fail;
		}
		/* Findable: no empty slot between its home and it. */
		for (j = h & pi->ipi_tuplemask; j != i;
		    j = (j + 1) & pi->ipi_tuplemask)
			if (pi->ipi_tuples[j] == 0) {
				snprintf(err, errlen, "pcb %u:%u cut off from "
				    "its home slot", (unsigned)inp->inp_laddr,
				    (unsigned)inp->inp_lport);
				goto fail;
			}
		/* One pcb per 4-tuple: a lookup would see only one. */
		if (tuple_find(pi, inp->inp_faddr, inp->inp_fport,
		    inp->inp_laddr, inp->inp_lport, inp) != NULL) {
			snprintf(err, errlen, "two pcbs hold 4-tuple %u:%u",
			    (unsigned)inp->inp_laddr, (unsigned)inp->inp_lport);
			goto fail;
		}
	}
	if (4 * nhash > 3 * (pi->ipi_tuplemask + 1)) {
		snprintf(err, errlen, "4-tuple table over-full: %zu of %zu",
		    nhash, pi->ipi_tuplemask + 1);
		goto fail;
	}
	for (i = 0; i <= pi->ipi_porthashmask; i++) {
		LIST_FOREACH(inp, &pi->ipi_porthashbase[i], inp_portlist) {
			nport++;
			if (in_pcbporthash(pi, inp->inp_laddr,
			    inp->inp_lport) != i) {
				snprintf(err, errlen, "pcb in the wrong port "
				    "bucket");
				goto fail;
			}
			/*
			 * Count each (laddr, lport) once: at its first holder;
			 * the wildcard's ports in the last slot.
			 */
			if (inp->inp_laddr == INADDR_ANY_HOST) {
				ai = pi->ipi_naddrs;
				map = pi->ipi_wildmap;
			} else if ((ia = in_pcb_addr(pi,
			    inp->inp_laddr)) != NULL) {
				ai = (int)(ia - pi->ipi_addrs);
				map = ia->ia_portmap;
			} else
				continue;
			if (map != NULL && !portmap_isset(map, inp->inp_lport)) {
				snprintf(err, errlen, "pcb %u:%u holds a port "
				    "its port map says is free",
				    (unsigned)inp->inp_laddr,
				    (unsigned)inp->inp_lport);
				goto fail;
			}
			LIST_FOREACH(o, &pi->ipi_porthashbase[i], inp_portlist)
				if (o->inp_laddr == inp->inp_laddr &&
				    o->inp_lport == inp->inp_lport)
					break;
			if (o != inp)
				continue;
			count[ai]++;
			/* The shared bit: two holders or more. */
			if (map != NULL && portmap_isset(PORTMAP_SHARED(map),
			    inp->inp_lport) != (in_pcb_port_holders(pi,
			    inp->inp_laddr, inp->inp_lport, 2) == 2)) {
				snprintf(err, errlen, "pcb %u:%u: port map's "
				    "shared bit is wrong",
				    (unsigned)inp->inp_laddr,
				    (unsigned)inp->inp_lport);
				goto fail;
			}
			if (map != NULL && portmap_isset(PORTMAP_SHARED(map),
			    inp->inp_lport))
				nshared[ai]++;
		}
	}
	if (nhash != nport) {
		snprintf(err, errlen, "4-tuple hash holds %zu pcbs, port hash "
		    "%zu", nhash, nport);
		goto fail;
	}
	if (nhash != pi->ipi_nhashed) {
		snprintf(err, errlen, "4-tuple hash holds %zu pcbs, count says "
		    "%zu", nhash, pi->ipi_nhashed);
		goto fail;
	}
	if (nhash != pi->ipi_count) {
		snprintf(err, errlen, "%zu pcbs live but %zu hashed",
		    pi->ipi_count, nhash);
		goto fail;
	}
	for (a = 0; a < pi->ipi_naddrs; a++) {
		ia = &pi->ipi_addrs[a];
		if (count[a] != ia->ia_ports_in_use) {
			snprintf(err, errlen, "address %u: ports-in-use gauge "
			    "%d, port hash holds %d", (unsigned)ia->ia_addr,
			    ia->ia_ports_in_use, count[a]);
			goto fail;
		}
		/* Every held port is set (above), and no other. */
		if (ia->ia_portmap == NULL)
			continue;
		if (portmap_count(PORTMAP_SHARED(ia->ia_portmap), NULL, 0,
		    65535) != nshared[a]) {
			snprintf(err, errlen, "address %u: port map marks %d "
			    "ports shared, %d are", (unsigned)ia->ia_addr,
			    portmap_count(PORTMAP_SHARED(ia->ia_portmap), NULL,
			    0, 65535), nshared[a]);
			goto fail;
		}
		if (portmap_count(ia->ia_portmap, NULL, 0, 65535) != count[a]) {
			snprintf(err, errlen, "address %u: port map holds %d "
			    "ports, port hash %d", (unsigned)ia->ia_addr,
			    portmap_count(ia->ia_portmap, NULL, 0, 65535),
			    count[a]);
			goto fail;
		}
		if (ia->ia_busy != portmap_count(ia->ia_portmap,
		    pi->ipi_wildmap, pi->ipi_busy_first, pi->ipi_busy_last)) {
			snprintf(err, errlen, "address %u: busy count %d, port "
			    "maps say %d", (unsigned)ia->ia_addr, ia->ia_busy,
			    portmap_count(ia->ia_portmap, pi->ipi_wildmap,
			    pi->ipi_busy_first, pi->ipi_busy_last));
			goto fail;
		}
	}
	if (pi->ipi_wildmap != NULL &&
	    portmap_count(pi->ipi_wildmap, NULL, 0, 65535) !=
	    count[pi->ipi_naddrs]) {
		snprintf(err, errlen, "wildcard port map holds %d ports, port "
		    "hash %d", portmap_count(pi->ipi_wildmap, NULL, 0, 65535),
		    count[pi->ipi_naddrs]);
		goto fail;
	}
	if (pi->ipi_wildmap != NULL &&
	    portmap_count(PORTMAP_SHARED(pi->ipi_wildmap), NULL, 0, 65535) !=
	    nshared[pi->ipi_naddrs]) {
		snprintf(err, errlen, "wildcard port map marks the wrong ports "
		    "shared");
		goto fail;
	}
	free(count);
	free(nshared);
	return (0);
fail:
	free(count);
	free(nshared);
	return (-1);
}
