/*
 * net.h -- the network: hosts, their addresses, and the paths between them.
 *
 * A path carries segments one way from one host to another with a one-way
 * latency drawn per segment from a distribution, an optional loss
 * probability and an optional duplication probability; a duplicate arrives
 * once more after the latency plus an extra delay drawn from its own
 * distribution -- this is how old duplicate segments reach a later
 * incarnation of a connection.  Delivery is an event.  Segments to an
 * address no host owns are counted and dropped.
 *
 * Without a configured path, segments between two different hosts use a
 * constant 1 ms latency and segments a host sends to one of its own
 * addresses a constant 10 us (loopback).
 *
 * In-flight segments live in pooled records: no malloc per segment once the
 * pool has grown to the working set.
 */
#ifndef TWSIM_NET_H
#define TWSIM_NET_H

#include <stddef.h>
#include <stdint.h>

#include "models/segment.h"
#include "sim/dist.h"
#include "sim/sim.h"

struct host;
struct host_tunables;

struct net_path_config {
	struct dist	latency;	/* ns */
	double		loss;		/* 0..1 */
	double		duplicate;	/* 0..1 */
	struct dist	duplicate_delay;/* ns, added to the latency */
};

struct net_stats {
	uint64_t	delivered;
	uint64_t	lost;
	uint64_t	duplicated;
	uint64_t	no_route;	/* destination address unowned */
};

struct net;

struct net	*net_create(struct sim *sim);
void		 net_destroy(struct net *net);	/* destroys its hosts */
struct sim	*net_sim(const struct net *net);

/* Add a host; the boot tunables apply as given.  NULL + err on error. */
struct host	*net_add_host(struct net *net, const char *name,
		    const struct host_tunables *boot, char *err,
		    size_t errlen);
/* Give a host an address (unique across the net): 0, or -1 + err. */
int		 net_add_addr(struct net *net, struct host *h, uint32_t addr,
		    char *err, size_t errlen);
int		 net_nhosts(const struct net *net);
struct host	*net_host(const struct net *net, int index);
struct host	*net_host_by_addr(const struct net *net, uint32_t addr);
struct host	*net_host_by_name(const struct net *net, const char *name);

/*
 * Configure the one-way path from -> to (validated): 0, or -1 + err.
 * Each configured path draws from its own stream "path/<from>-><to>", in
 * this order per segment: loss (when loss > 0), latency, duplicate (when
 * duplicate > 0), duplicate delay.  A lost segment is not duplicated.
 */
int		 net_set_path(struct net *net, const struct host *from,
		    const struct host *to, const struct net_path_config *cfg,
		    char *err, size_t errlen);

/*
 * Send a segment from host `from` (its source address must be one of the
 * host's).  The segment is copied; delivery calls tcp_input() on the host
 * owning the destination address.
 */
void		 net_output(struct net *net, struct host *from,
		    const struct tcp_segment *seg);

const struct net_stats *net_stats(const struct net *net);

/*
 * Test double: deliver segments to fn(arg, host, seg) instead of
 * tcp_input(host, seg); fn NULL restores tcp_input.  seg is valid during
 * the call only.
 */
typedef void (*net_deliver_fn)(void *arg, struct host *h,
		    const struct tcp_segment *seg);
void		 net_set_deliver_hook(struct net *net, net_deliver_fn fn,
		    void *arg);
/*
 * Taps: observers of the wire (packet captures, --trace), NET-8.  A tap
 * sees every segment a host hands to the network (NET_TAP_OUT, before any
 * loss: what the sender's interface shows), every segment delivered to a
 * host (NET_TAP_IN, before tcp_input), and what the path did to a segment
 * (NET_TAP_LOST, NET_TAP_DUP), at the simulated time of each.  h is the
 * sending host for OUT, LOST and DUP, the receiving one for IN.  A tap only
 * looks: no model decision depends on one, and the models know nothing of
 * what it does with the segment (captures use libpcap, models do not).
 * At most NET_MAXTAPS; returns 0, or -1 when full.
 */
enum net_tap_dir { NET_TAP_OUT, NET_TAP_IN, NET_TAP_LOST, NET_TAP_DUP };
typedef void (*net_tap_fn)(void *arg, const struct host *h,
		    enum net_tap_dir dir, const struct tcp_segment *seg);
#define NET_MAXTAPS	4
int		 net_add_tap(struct net *net, net_tap_fn fn, void *arg);

/* Records of in-flight segments currently allocated (tests: no leak). */
size_t		 net_inflight(const struct net *net);

/* A new, unique connection incarnation id (segment.h's conn_id). */
uint64_t	 net_new_conn_id(struct net *net);

#endif /* TWSIM_NET_H */
