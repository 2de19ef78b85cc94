/*
 * trace.h -- `twsim run --trace CONN_ID`: every event of chosen
 * connections, one line each, in simulated-time order (the role of ns-3's
 * NS_LOG).
 *
 * A connection is a client incarnation's conn_id, the number the
 * connections table and the segments carry (segment.h).  Its peer -- the
 * server-side incarnation that answers it, or a TIME_WAIT entry its SYN
 * meets -- is traced with it: a model hook names both ids and the trace
 * learns the peer's (trace_wants).  A RST that no connection sends
 * (conn_id 0, TCP-4) is traced when its 4-tuple is a traced connection's.
 *
 * The models call TCP_TRACE at the places where something happens (state
 * changes, timers, TIME_WAIT rules, closes); segments in and out, losses
 * and duplicates come through the network's tap (trace_tap, NET-8).  With
 * no trace (host->trace NULL) a hook costs one pointer test.
 *
 * Lines:  "<seconds> <host> conn <id> [<rule>] <event>" -- the time with
 * nine decimals, the rule (a docs/RULES.md ID) where one fired -- and for
 * segments "<seconds> <host> tx|rx|lost on the path:|duplicated by the
 * path: <A:P> > <B:Q> [<flags>] seq .. ack .. win .. len .. ts ../..
 * (from conn <id>)", flags as tcpdump writes them.
 */
#ifndef TWSIM_TRACE_H
#define TWSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/net.h"
#include "models/segment.h"

struct host;
struct trace;

/* A trace of the connections `ids` (n of them) written to out. */
struct trace	*trace_create(FILE *out, const uint64_t *ids, size_t n);
void		 trace_destroy(struct trace *t);
/* From now on nothing is traced (the run is over; teardown follows). */
void		 trace_stop(struct trace *t);

/*
 * 1 when conn_id, or its peer peer_id, is traced; a conn_id whose peer is
 * traced becomes traced itself (0 ids are ignored).
 */
int		 trace_wants(struct trace *t, uint64_t conn_id,
		    uint64_t peer_id);
/* One line for conn_id on host h, at the host's simulated time. */
void		 trace_event(struct trace *t, const struct host *h,
		    uint64_t conn_id, const char *rule, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
/* The network tap (net_add_tap with the trace as arg). */
void		 trace_tap(void *arg, const struct host *h,
		    enum net_tap_dir dir, const struct tcp_segment *seg);
/* Lines written so far. */
uint64_t	 trace_lines(const struct trace *t);

/*
 * The model's hook: on host h, an event of connection cid whose peer is
 * pid, under rule (a docs/RULES.md ID, or NULL).
 */
#define TCP_TRACE(h, cid, pid, rule, ...) do {				\
	if ((h)->trace != NULL && trace_wants((h)->trace, (cid), (pid)))	\
		trace_event((h)->trace, (h), (cid), (rule), __VA_ARGS__);	\
} while (0)

#endif /* TWSIM_TRACE_H */
