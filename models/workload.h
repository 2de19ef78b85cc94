/*
 * workload.h -- applications: request/response clients and servers.
 *
 * A client opens connections to a server at a rate from an arrival process
 * (Poisson, constant, or a rate that steps over time), optionally from a
 * fixed source port (old rsh/NFS-style clients that reach a server's
 * TIME_WAIT with the same 4-tuple), sends the request, reads the response,
 * holds for a while, and closes first or lets the server close.  The server
 * side answers each request with the response size and closes first when
 * the workload says so.  Each connection's outcome is reported through a
 * callback, so models never know about the results database.
 */
#ifndef TWSIM_WORKLOAD_H
#define TWSIM_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "sim/simtime.h"

struct net;
struct host;
struct workload;

enum workload_arrival { WORKLOAD_POISSON, WORKLOAD_CONSTANT };
enum workload_closer { WORKLOAD_CLOSE_CLIENT, WORKLOAD_CLOSE_SERVER };

struct workload_rate_step {
	sim_time_t	start;		/* from this time on ... */
	double		rate;		/* ... connections per second */
};

#define WORKLOAD_MAXSTEPS 32
/* Largest request or response: they are counted in 32 bits (4 GiB - 1). */
#define WORKLOAD_MAXBYTES UINT32_MAX

struct workload_config {
	const char	*name;
	struct host	*client;
	uint32_t	 client_addr;	/* 0: each address in turn (WL-9) */
	struct host	*server;
	uint32_t	 server_addr;	/* 0: the server's first address */
	uint16_t	 server_port;
	enum workload_arrival arrival;
	int		 nsteps;
	struct workload_rate_step steps[WORKLOAD_MAXSTEPS];
	uint32_t	 request;	/* bytes */
	uint32_t	 response;	/* bytes */
	sim_time_t	 hold;		/* after the response, before closing */
	enum workload_closer close_by;
	sim_time_t	 close_delay;	/* WL-10: the second closer's */
	uint16_t	 sport;		/* 0: ephemeral */
	sim_time_t	 start, stop;
};

enum conn_outcome {
	CONN_OK,
	CONN_ADDRNOTAVAIL,
	CONN_TIMEOUT,
	CONN_RESET,
	CONN_NOBUFS,		/* ENOBUFS: maxsockets reached (SOCK-1) */
	CONN_ADDRINUSE,		/* EADDRINUSE: fixed 4-tuple taken (WL-7) */
	CONN_NOUTCOMES
};

const char	*conn_outcome_name(enum conn_outcome o);	/* "ok", ... */

struct conn_record {
	uint64_t	 conn_id;	/* the client incarnation's (tcp_var.h);
					   from the same sequence when connect
					   failed */
	const char	*workload;
	const char	*client;	/* host name */
	uint16_t	 lport;		/* 0 when no port was had */
	const char	*server;	/* "host:port" */
	sim_time_t	 t_start;
	sim_time_t	 t_established;	/* -1: never */
	sim_time_t	 t_end;		/* -1: still open at destroy */
	enum conn_outcome outcome;
	int		 syn_sent;
};

typedef void (*workload_record_fn)(void *ctx, const struct conn_record *r);

/*
 * Create a workload (and, on first use of server:port, its server
 * application, which listens there).  NULL + err on error.
 *
 * Arrivals (WL-1..WL-4) come from the workload's own random stream
 * "workload/<name>".  The rate in force at time t is that of the last step
 * with start <= t (none yet: no arrivals); the process changes rate at
 * each step start.  Constant arrivals fall at the start of each rate
 * period (or at cfg->start) and every 1/rate after; Poisson arrivals are
 * exponential gaps redrawn at each step start.  No arrival at or after
 * cfg->stop (stop 0: never stops).
 *
 * The server application answers once it has `request` bytes, with
 * `response` bytes, and closes first when close_by is server, else when
 * the client's FIN arrives.  Workloads sharing a server:port must agree on
 * request, response and close_by (WL-6); a listener made by
 * workload_listen() takes the first workload's values.
 *
 * Each connection's outcome is reported once the client finished: closed
 * (ok), or failed (timeout, reset), or could not get a port or 4-tuple
 * (addrnotavail: EADDRNOTAVAIL, or EADDRINUSE for a fixed sport).
 * Connect latency is t_established - t_start of the records.
 */
struct workload	*workload_create(struct net *net,
		    const struct workload_config *cfg,
		    workload_record_fn record, void *record_ctx,
		    char *err, size_t errlen);
/*
 * Stops the arrivals, reports every client connection still open through
 * the record callback (t_end -1, outcome ok; t_established -1 when still
 * connecting), closes them and frees the workload.
 */
void		 workload_destroy(struct workload *w);

/* Connections started / in progress, for progress and tests. */
uint64_t	 workload_started(const struct workload *w);
uint64_t	 workload_active(const struct workload *w);

/*
 * A listener with no workload (a host's `listen` port): it accepts every
 * connection, answers nothing and closes when the client closes.  Listens
 * on addr (0: all the host's addresses).  Returns 0 (also when a workload
 * already serves that port), or -1 + err.  It needs no destruction: it
 * holds no memory beyond its pcb, freed with the host.
 */
int		 workload_listen(struct net *net, struct host *h,
		    uint32_t addr, uint16_t port, char *err, size_t errlen);

#endif /* TWSIM_WORKLOAD_H */
