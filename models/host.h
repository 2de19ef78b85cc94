/*
 * host.h -- a virtual FreeBSD host: its addresses, tunables (sysctls), TCP
 * statistics, pcb table, TIME_WAIT zone and kernel timers.
 *
 * Tunables have the defaults of a FreeBSD 9 host.  A value given at
 * creation is the boot-time (loader) tunable and applies as given; a change
 * at run time goes through host_sysctl_set() and behaves as the sysctl
 * would (e.g. a maxtcptw write below 32 is ignored, tcp_timewait.c).
 *
 * Kernel timers: the 500 ms slow timer (tcp_slowtimo, which runs the 2MSL
 * scan in this era) and the 1 s ipport_tick.
 */
#ifndef TWSIM_HOST_H
#define TWSIM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "models/in_pcb.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "sim/sim.h"

struct net;

struct host_tunables {
	int		hz;		/* kern.hz: 1000 */
	sim_time_t	msl;		/* net.inet.tcp.msl: 30 s */
	int		portrange_first;/* net.inet.ip.portrange.first: 10000 */
	int		portrange_last;	/* net.inet.ip.portrange.last: 65535 */
	int		randomized;	/* net.inet.ip.portrange.randomized: 1 */
	int		randomcps;	/* ...randomcps: 10 */
	int		randomtime;	/* ...randomtime: 45 (seconds) */
	int		maxsockets;	/* kern.ipc.maxsockets: 25600 */
	int		maxtcptw;	/* net.inet.tcp.maxtcptw: 0 = auto */
	int		nolocaltimewait;/* net.inet.tcp.nolocaltimewait: 0 */
	int		rfc1323;	/* net.inet.tcp.rfc1323: 1 */
	sim_time_t	rto_initial;	/* initial RTO: 3 s */
	sim_time_t	keepinit;	/* net.inet.tcp.keepinit: 75 s */
};

void	host_tunables_init(struct host_tunables *t);
/* Boot values sane (hz divides 1e9, ports 0..65535, ...): 0, or -1 + err. */
int	host_tunables_validate(const struct host_tunables *t, char *err,
	    size_t errlen);

#define HOST_MAXADDRS	16

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
	struct rng		*ts_rng;	/* per-connection ts_offset */
	struct tcpcb_slab	*tcpcb_slabs;	/* backing memory of tcpcbs */
	size_t			 tcpcb_nfree;	/* tcpcbs on the free list */
	sim_time_t		 tick_ns;	/* 1/hz in ns (host_ticks) */
};

/* tcpcbs come from slabs of this many (no malloc per connection). */
#define TCPCB_SLAB	128

/*
 * Created by net_add_host(); the net owns and destroys hosts (destroy the
 * net before its sim).  Random streams: "host/<name>/isn" (ISN secret and
 * increments), "host/<name>/ports" (random port jumps), "host/<name>/ts"
 * (timestamp offsets).  The slow timer first fires 500 ms after creation,
 * ipport_tick 1 s after.  boot must be valid (host_tunables_validate).
 */
struct host	*host_create(struct net *net, int index, const char *name,
		    const struct host_tunables *boot);
void		 host_destroy(struct host *h);
int		 host_add_addr(struct host *h, uint32_t addr);
int		 host_owns_addr(const struct host *h, uint32_t addr);

/* Current kernel `ticks` of this host. */
int64_t		 host_ticks(const struct host *h);

/*
 * Run-time sysctl writes and reads by name: "maxtcptw", "maxsockets",
 * "nolocaltimewait", "msl", "portrange_first", ... (the scenario's host
 * keys).  Values in base units (ns for times).  Returns 0, or -1 with a
 * message for an unknown name or a value out of range.
 *
 * Names: hz (read-only at run time), msl, portrange_first, portrange_last,
 * randomized, randomcps, randomtime, maxsockets, maxtcptw,
 * nolocaltimewait, rfc1323, rto_initial, keepinit.  The times (msl,
 * randomtime, rto_initial, keepinit) are in ns here, although
 * host_tunables.randomtime counts whole seconds (a write is truncated to
 * whole seconds).
 * Semantics (docs/RULES.md HOST-n, PORT-n, TW-n): a maxtcptw write below
 * 32 is ignored and still returns 0 (TW-4); reading maxtcptw while 0
 * gives the auto size (TW-3); maxsockets may only grow (kern.ipc.
 * maxsockets refuses a decrease: -1) and re-caps an auto-sized zone
 * (TW-5); portrange values are clamped to 1024..65535 as the kernel does
 * and apply from the next allocation (they do not re-cap the zone); msl
 * applies to entries created afterwards.
 */
int		 host_sysctl_set(struct host *h, const char *name,
		    int64_t value, char *err, size_t errlen);
int		 host_sysctl_get(const struct host *h, const char *name,
		    int64_t *value);

/* Gauges for the sampler. */
int		 host_tw_count(const struct host *h);
int		 host_tw_cap(const struct host *h);
int		 host_ports_in_use(const struct host *h);

/* Invariants (pcb/port accounting, zone): 0, or -1 with a message. */
int		 host_check(const struct host *h, char *err, size_t errlen);

#endif /* TWSIM_HOST_H */
