/*
 * host.h -- a virtual FreeBSD host: its addresses, tunables (sysctls), TCP
 * statistics, pcb table, TIME_WAIT zone and kernel timers.
 *
 * Tunables (struct host_tunables, models/tunable.h) have the defaults of a
 * FreeBSD 9 host.  A value given at creation is the boot-time (loader)
 * tunable and applies as given; a change at run time goes through
 * host_tunable_set() and behaves as the sysctl would (e.g. a maxtcptw
 * write below 32 is ignored, tcp_timewait.c).
 *
 * Kernel timers: the 500 ms slow timer (tcp_slowtimo, which runs the 2MSL
 * scan in this era) and the 1 s ipport_tick.
 */
#ifndef TWSIM_HOST_H
#define TWSIM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "models/in_pcb.h"
#include "models/tcp_stack.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/tunable.h"
#include "sim/sim.h"

struct net;
struct trace;

/*
 * The end of a TIME_WAIT (tcp_tw_report): the connection's incarnation
 * and its peer's (one of them is the client's), when TIME_WAIT began and
 * ended, and how (enum tw_end).  The runner records it per connection.
 */
typedef void	(*host_tw_report_fn)(void *arg, const struct host *h,
		    uint64_t conn_id, uint64_t peer_conn_id, sim_time_t start,
		    sim_time_t end, int how);

/* A host's addresses; a scenario's address ranges are held to it. */
#define HOST_MAXADDRS	256

struct host {
	char			*name;
	struct net		*net;
	struct sim		*sim;
	int			 index;		/* in the net */
	uint32_t		 addrs[HOST_MAXADDRS];
	int			 naddrs;
	struct host_tunables	 tun;
	struct tcpstat		 stat;
	struct inpcbinfo	 pcbinfo;
	struct tcptw_zone	 twzone;
	struct tcpcb		*tcpcb_free;	/* free list */
	size_t			 tcpcb_live;
	uint64_t		 isn_secret;	/* keyed ISN hash */
	uint32_t		 isn_offset;	/* FreeBSD's V_isn_offset */
	sim_time_t		 isn_offset_time;
	struct rng		*rng;		/* ISN increments etc. */
	struct sim_periodic	*slowtimo;	/* 500 ms */
	struct sim_periodic	*porttick;	/* 1 s */
	uint32_t		 isn_offset_old; /* at the last 10 ms isn tick */
	struct rng		*ts_rng;	/* syncache ISN, ts offset */
	size_t			 syncache_count; /* TF_SYNCACHE tcpcbs */
	struct tcpcb_slab	*tcpcb_slabs;	/* backing memory of tcpcbs */
	size_t			 tcpcb_nfree;	/* tcpcbs on the free list */
	sim_time_t		 tick_ns;	/* 1/hz in ns (host_ticks) */
	/* The kernel's policy (tun.stack): ports, TIME_WAIT, timers. */
	const struct tcp_stack_ops *stack;
	struct inet_hashinfo	*hashinfo;	/* linux: models/linux.h */
	host_tw_report_fn	 tw_report;	/* NULL: nobody listens */
	void			*tw_report_arg;
	struct trace		*trace;		/* --trace (trace.h), or NULL */
};

/* tcpcbs come from slabs of this many (no malloc per connection). */
#define TCPCB_SLAB	128

/*
 * Created by net_add_host(); the net owns and destroys hosts (destroy the
 * net before its sim).  Random streams: "host/<name>/isn" (ISN secret and
 * increments), "host/<name>/ports" (random port jumps), "host/<name>/ts"
 * (the syncache's random ISNs and timestamp offsets, SYNC-1).  The slow
 * timer first fires 500 ms after creation, ipport_tick 1 s after.  boot must be valid (host_tunables_validate).
 */
struct host	*host_create(struct net *net, int index, const char *name,
		    const struct host_tunables *boot);
void		 host_destroy(struct host *h);
int		 host_add_addr(struct host *h, uint32_t addr);
int		 host_owns_addr(const struct host *h, uint32_t addr);

/*
 * FreeBSD 9's boot (tcp_stack_freebsd9.boot): the 500 ms slow timer that
 * runs the 2MSL scan and the 1 s ipport_tick.  0, or -1.
 */
int		 host_boot_slowtimo(struct host *h);

/*
 * Current kernel `ticks` of this host.  Inline: it is read for every
 * segment timed and every TIME_WAIT entry, and a call into host.c cost
 * more than the arithmetic.  At the default hz the divisor is a constant
 * the compiler turns into a multiplication, five times cheaper than
 * dividing by a variable; time is >= 0 in a run.
 */
static inline int64_t
host_ticks(const struct host *h)
{
	sim_time_t now = sim_now(h->sim);

	if (now >= 0 && h->tick_ns == SIM_MSEC)
		return (now / SIM_MSEC);
	return (now >= 0 ? now / h->tick_ns :
	    sim_time_to_ticks(now, h->tun.hz));
}

/*
 * TS-3: tcp_ts_getticks (tcp_var.h's, kept here because it reads the
 * host's clock): milliseconds of uptime, whatever hz is.  Counted from 1,
 * not 0: the kernel takes a tsecr of 0 for "no echo", and a real host has
 * been up for a while when it opens a connection, whereas a simulated one
 * may connect in its first millisecond.  Inline for the same reason as
 * host_ticks: every segment sent or acknowledged reads it.
 */
static inline uint32_t
tcp_ts_getticks(const struct host *h)
{

	return ((uint32_t)(sim_now(h->sim) / SIM_MSEC) + 1);
}

/*
 * Run-time sysctl writes and reads of value i of tunable t (a row of
 * models/tunable.c; i is 1 only for the last port of a PORTRANGE), in base
 * units (ns for times).  A write goes through the row's hook, with the
 * kernel's semantics (docs/RULES.md HOST-n, PORT-n, TW-n): a maxtcptw
 * write below 32 is ignored and still returns 0 (TW-4); reading maxtcptw
 * while 0 gives the auto size (TW-3); maxsockets may only grow (-1 for a
 * decrease) and re-caps an auto-sized zone (TW-5); portrange values are
 * clamped to 1024..65535 and apply from the next allocation (they do not
 * re-cap the zone); msl applies to entries created afterwards, and one
 * whose 2 MSL the host's hz puts beyond 32-bit ticks is refused (-1,
 * HOST-6).  A
 * tunable without TUNABLE_F_RUNTIME (hz) refuses a write; a row without
 * a hook checks the bounds and stores.  Returns 0, or -1 with a message.
 */
int		 host_tunable_set(struct host *h, const struct tunable *t,
		    int i, int64_t value, char *err, size_t errlen);
int64_t		 host_tunable_get(const struct host *h,
		    const struct tunable *t, int i);
/*
 * The same by value name: "maxtcptw", "msl", "portrange_first", ...
 * (tunable_lookup_name).  -1 with a message for an unknown name.
 */
int		 host_sysctl_set(struct host *h, const char *name,
		    int64_t value, char *err, size_t errlen);
int		 host_sysctl_get(const struct host *h, const char *name,
		    int64_t *value);

/* Gauges for the sampler. */
int		 host_tw_count(const struct host *h);
int		 host_tw_cap(const struct host *h);	/* the sysctl's value */
/* What the zone really holds (UMA-2): whole slabs; 0 = no limit. */
int		 host_tw_cap_effective(const struct host *h);
int		 host_ports_in_use(const struct host *h);

/* Invariants (pcb/port accounting, zone): 0, or -1 with a message. */
int		 host_check(const struct host *h, char *err, size_t errlen);

#endif /* TWSIM_HOST_H */
