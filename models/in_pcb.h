/*
 * in_pcb.h -- protocol control blocks, their lookup table and ephemeral
 * port selection (FreeBSD netinet/in_pcb.c of the tcp_timewait.c era).
 *
 * A struct inpcb names one endpoint: local and foreign address and port.
 * Its protocol state hangs off inp_ppcb: a struct tcpcb for a live
 * connection, a struct tcptw once compressed into TIME_WAIT (INP_TIMEWAIT),
 * or NULL once the TIME_WAIT state was recycled.
 *
 * The table finds pcbs two ways: by 4-tuple (segment demultiplexing; an
 * open-addressing table of hashes, see struct inpcbinfo) and by local
 * (address, port) (is this port busy?; a chained hash).  Both are O(1)
 * expected.
 *
 * Ephemeral ports (in_pcb_lport, FreeBSD 9): a per-table cursor
 * `ipport_lastport`; when net.inet.ip.portrange.randomized is set and the
 * allocation rate has not tripped the throttle, the cursor first jumps to
 * first + random % (last - first); then linear probing upward, wrapping,
 * at most last - first + 1 candidates, until a port no pcb holds on that
 * local address (whatever the destination, TIME_WAIT pcbs included).  None
 * free: EADDRNOTAVAIL.  ipport_tick(), once a second, suspends
 * randomization for `randomtime` seconds once more than `randomcps` TCP
 * allocations happened in the last second.
 *
 * The kernel probes one port at a time, so a connect on an exhausted
 * range costs 55,536 lookups.  The model gives the same answer from a
 * per-address busy count and port bitmap (struct in_pcbaddr): the same
 * random draw, the same port, the same cursor, at a cost that does not
 * depend on how many ports are busy.  tests/check_in_pcb.c keeps the
 * one-by-one probe as the reference and checks the two agree.
 */
#ifndef TWSIM_IN_PCB_H
#define TWSIM_IN_PCB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

struct host;
struct rng;

/* inp_flags */
#define INP_TIMEWAIT	0x0001	/* inp_ppcb is a struct tcptw (or NULL) */
#define INP_DROPPED	0x0002	/* out of the hashes: port released */
#define INP_LISTEN	0x0004	/* a listening endpoint */
#define INP_INHASH	0x0008	/* linked in both hashes */
#define INP_ALLOCATED	0x0010	/* off the free list */

#define INADDR_ANY_HOST	((uint32_t)0)

/*
 * One local address of the host and the ports held on it.  ia_portmap is
 * two bitmaps of IN_PCB_PORTMAP_WORDS words each: a bit per port set
 * while any pcb holds (ia_addr, port), then a bit per port set while two
 * or more do (fixed-port clients share, PORT-6).  ia_busy counts the
 * ports of the range [ipi_busy_first, ipi_busy_last] busy on this
 * address, its own or the wildcard's (PORT-3).  With them in_pcb_lport()
 * fails a full range at once and finds the next free port 64 at a time,
 * choosing exactly the port the kernel's one-by-one probe would, and
 * entering or leaving the hashes knows a port's first and last holder
 * without walking a chain.  The maps are built at the address's first
 * ephemeral allocation, so a server that only listens never pays their
 * 16 KiB.
 */
struct in_pcbaddr {
	uint32_t	 ia_addr;
	int		 ia_ports_in_use;	/* distinct ports held: the gauge */
	int		 ia_busy;		/* busy ports of the range */
	uint64_t	*ia_portmap;		/* NULL until first needed */
};

#define IN_PCB_PORTMAP_WORDS	(65536 / 64)

/*
 * 48 bytes: a TIME_WAIT entry keeps its pcb, so every byte here is paid a
 * million times at a million entries (issue budget: 161 bytes per entry,
 * tcptw and table slots included).  The host is not stored: it is in the
 * slab header, found from inp_index (in_pcb_host()).
 */
struct inpcb {
	LIST_ENTRY(inpcb) inp_portlist;	/* local (addr, port) chain */
	void		*inp_ppcb;	/* struct tcpcb * or struct tcptw * */
	uint32_t	 inp_laddr, inp_faddr;
	uint16_t	 inp_lport, inp_fport;
	uint32_t	 inp_flags;
	uint32_t	 inp_index;	/* slab number * INPCB_SLAB + place */
};

LIST_HEAD(inpcbhead, inpcb);

/* pcbs come from slabs of this many, never one malloc per connection. */
#define INPCB_SLAB	256

struct inpcb_slab {
	struct host	*host;		/* every pcb of the slab is this host's */
	struct inpcb	 pcbs[INPCB_SLAB];
};

struct inpcbinfo {
	/*
	 * The 4-tuple table: open addressing, linear probing, one 64-bit
	 * word per slot -- the 4-tuple's 32-bit hash in the high half, the
	 * pcb's inp_index + 1 in the low half, 0 for an empty slot.  A lookup
	 * compares hashes in the slots and touches a pcb only when its whole
	 * hash matches: a 4-tuple nobody holds (every SYN to a server) costs
	 * one cache line, not a bucket head plus every pcb chained on it,
	 * which at a million TIME_WAIT entries were all out of the cache.
	 * Removal shifts the rest of the cluster back (no tombstones).  The
	 * table doubles while more than 3/4 full, whatever maxsockets says:
	 * open addressing cannot hold more pcbs than slots.
	 */
	uint64_t	*ipi_tuples;
	size_t		 ipi_tuplemask;		/* slots - 1, a power of two */
	/* Chained by local (addr, port); grows to ipi_porthashmax buckets. */
	struct inpcbhead *ipi_porthashbase;
	size_t		 ipi_porthashmask;
	struct host	*ipi_host;
	struct rng	*ipi_rng;		/* random port jumps */

	/* Port allocation state (FreeBSD's V_ipport_* variables). */
	int		 ipport_lastport;
	uint64_t	 ipport_tcpallocs;
	uint64_t	 ipport_tcplastcount;
	int		 ipport_stoprandom;	/* seconds left without random */

	/* The host's local addresses, each with its ports (in_pcbaddr). */
	struct in_pcbaddr *ipi_addrs;
	int		 ipi_naddrs;
	/*
	 * Ports bound to the wildcard address (a listener on INADDR_ANY holds
	 * its port on every address, PORT-3): a map as in in_pcbaddr, kept
	 * from the first ephemeral allocation on (NULL before).
	 */
	uint64_t	*ipi_wildmap;
	/* The range the ia_busy counts are of (PORT-8: it may change). */
	int		 ipi_busy_first, ipi_busy_last;

	struct inpcb	*ipi_free;		/* free list (via inp_ppcb) */
	size_t		 ipi_count;		/* pcbs allocated and live */
	/* Backing memory: slab k holds the pcbs of index k * INPCB_SLAB.. */
	struct inpcb_slab **ipi_slabv;
	uint32_t	 ipi_nslabs, ipi_slabvcap;
	size_t		 ipi_nfree;		/* pcbs on the free list */

	/*
	 * The port hash starts small and doubles whenever the hashed pcbs
	 * outnumber its buckets, up to ipi_porthashmax buckets: the size
	 * asked of in_pcbinfo_init (from maxsockets), and never more than
	 * there are (address, port) keys to tell apart.  Sized to the
	 * population it stays in cache; sized to maxsockets, every lookup
	 * missed it.
	 */
	size_t		 ipi_porthashmax;	/* most buckets, a power of two */
	size_t		 ipi_nhashed;		/* pcbs in the hashes */
	size_t		 ipi_nwild;		/* of those, bound to INADDR_ANY */
};

/* The host a pcb belongs to: its slab's. */
static inline struct host *
in_pcb_host(const struct inpcb *inp)
{
	const struct inpcb *first = inp - inp->inp_index % INPCB_SLAB;

	return (((const struct inpcb_slab *)(const void *)((const char *)first -
	    offsetof(struct inpcb_slab, pcbs)))->host);
}

/*
 * The 4-tuple's 32-bit hash (the kernel's INP_PCBHASH): its low bits pick
 * the home slot in ipi_tuples.
 */
static inline uint32_t
in_pcbhash(uint32_t faddr, uint16_t fport, uint32_t laddr, uint16_t lport)
{
	uint32_t h;

	h = laddr * 0x9e3779b1u;
	h ^= faddr * 0x85ebca77u;
	h ^= (((uint32_t)fport << 16) | lport) * 0xc2b2ae3du;
	h ^= h >> 15;
	h *= 0x27d4eb2fu;
	h ^= h >> 13;
	return (h);
}

/*
 * Fetch what in_pcbremhash() will touch for inp -- its 4-tuple's home
 * slot and its neighbours on the port chain -- ahead of time, for a
 * caller that knows which pcb leaves the hashes next and that it will be
 * cold by then (the 2MSL queue's next entry, tcp_tw_2msl_scan).  Reads
 * inp, so inp should be in the cache already.  Inline, and always so:
 * GCC drops a call to a function made only of prefetches.
 */
static inline __attribute__((always_inline)) void
in_pcb_prefetch_remhash(const struct inpcbinfo *pi, const struct inpcb *inp)
{

	if ((inp->inp_flags & INP_INHASH) == 0)
		return;
	__builtin_prefetch(&pi->ipi_tuples[in_pcbhash(inp->inp_faddr,
	    inp->inp_fport, inp->inp_laddr, inp->inp_lport) &
	    pi->ipi_tuplemask]);
	if (inp->inp_portlist.le_next != NULL)
		__builtin_prefetch(inp->inp_portlist.le_next);
	__builtin_prefetch(inp->inp_portlist.le_prev);
}

int		 in_pcbinfo_init(struct inpcbinfo *pi, struct host *h,
		    struct rng *r, size_t hashsize);
void		 in_pcbinfo_destroy(struct inpcbinfo *pi);
/* Tell the table about a local address (for the per-address gauge). */
int		 in_pcbinfo_add_addr(struct inpcbinfo *pi, uint32_t addr);

struct inpcb	*in_pcballoc(struct inpcbinfo *pi);
/*
 * Bind a fixed local (laddr, lport) without a peer (a listener; laddr 0 is
 * the wildcard): 0, or EADDRINUSE when another unconnected pcb (listener)
 * already holds an overlapping (laddr, lport).  Connected pcbs on that port
 * do not conflict (SO_REUSEADDR, as servers set it).  lport 0 picks an
 * ephemeral port (laddr must then be one of the host's).  The pcb enters
 * both hashes with faddr 0, fport 0.
 */
int		 in_pcbbind(struct inpcbinfo *pi, struct inpcb *inp,
		    uint32_t laddr, uint16_t lport);
/*
 * Connect: choose an ephemeral port when lport == 0 (EADDRNOTAVAIL when
 * none is free), refuse a 4-tuple already in use (EADDRINUSE), and enter
 * the pcb into both hashes.  laddr 0 means the host's first address.
 * A fixed lport may be shared with other pcbs that talk to a different
 * destination (the SO_REUSEADDR behaviour of fixed-port clients, PORT-6);
 * only the exact 4-tuple is refused, TIME_WAIT pcbs included.  An
 * ephemeral port, in contrast, must be free on laddr whatever the
 * destination (PORT-3).
 */
int		 in_pcbconnect(struct inpcbinfo *pi, struct inpcb *inp,
		    uint32_t laddr, uint16_t lport, uint32_t faddr,
		    uint16_t fport);
/* Exact 4-tuple match, else (with wildcard) a listener on lport. */
/*
 * The pcb behind a segment's dst_pcb hint (inp_index + 1, 0: none) when it
 * is hashed and holds exactly this 4-tuple, else NULL: then it is the pcb
 * that in_pcblookup() finds, as a 4-tuple has one pcb at most
 * (in_pcb_check()), without the walk through the 4-tuple table.
 */
struct inpcb	*in_pcblookup_hint(const struct inpcbinfo *pi, uint32_t hint,
		    uint32_t faddr, uint16_t fport, uint32_t laddr,
		    uint16_t lport);
struct inpcb	*in_pcblookup(struct inpcbinfo *pi, uint32_t faddr,
		    uint16_t fport, uint32_t laddr, uint16_t lport,
		    int wildcard);
/*
 * Any pcb holding local (laddr, lport), or a listener bound to the wildcard
 * address on lport (it holds the port on every address, PORT-3).  laddr 0
 * asks about every address of the host.
 */
struct inpcb	*in_pcblookup_local(struct inpcbinfo *pi, uint32_t laddr,
		    uint16_t lport);
/* Leave the hashes (the port is free again); the pcb stays allocated. */
void		 in_pcbdrop(struct inpcbinfo *pi, struct inpcb *inp);
/* Drop if needed and return the pcb to the free list. */
void		 in_pcbfree(struct inpcbinfo *pi, struct inpcb *inp);
/* Once a second: the randomization throttle (FreeBSD's ipport_tick). */
void		 ipport_tick(struct inpcbinfo *pi, int randomcps,
		    int randomtime);
int		 in_pcb_ports_in_use(const struct inpcbinfo *pi, uint32_t laddr);
int		 in_pcb_ports_in_use_total(const struct inpcbinfo *pi);

/*
 * Ephemeral port selection alone (FreeBSD 9 in_pcb_lport): 0 and the port
 * in *lportp, or EADDRNOTAVAIL (also for an address the host does not
 * own, before anything is counted or drawn, as in_pcbbind_setup refuses
 * it), ENOMEM when the address's port map cannot be built.  Counts
 * ipport_tcpallocs.  in_pcbconnect()
 * calls it; exported for tests and the benchmark.
 */
int		 in_pcb_lport(struct inpcbinfo *pi, uint32_t laddr,
		    uint16_t *lportp);
/*
 * Visit every hashed pcb (tests, invariants, teardown) in inp_index
 * order, which the table's history (growth, removals) does not change.
 * fn may free the pcb it is handed, and no other.
 */
void		 in_pcb_foreach(struct inpcbinfo *pi,
		    void (*fn)(struct inpcb *inp, void *arg), void *arg);
/*
 * Invariants: every hashed pcb is in both hashes, the per-address counts
 * match the port hash, the port maps and busy counts match the pcbs,
 * ipi_count matches the hashed pcbs.  0, or -1 with a message.
 */
int		 in_pcb_check(const struct inpcbinfo *pi, char *err,
		    size_t errlen);

#endif /* TWSIM_IN_PCB_H */
