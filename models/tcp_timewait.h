/*
 * tcp_timewait.h -- compressed TIME_WAIT state: the zone, the 2MSL queue and
 * the segment rules, mirroring FreeBSD's sys/netinet/tcp_timewait.c (the
 * revision in shared/reference).  Function names are the kernel's, so the
 * two files can be read side by side; rule IDs (TW-n) are in docs/RULES.md.
 *
 * When a connection enters TIME_WAIT its tcpcb is discarded and replaced by
 * a small struct tcptw from a capped zone (net.inet.tcp.maxtcptw).  Entries
 * wait on a FIFO (the 2MSL queue) that the 500 ms slow timer scans; when
 * the zone is full the oldest entry is recycled early.
 */
#ifndef TWSIM_TCP_TIMEWAIT_H
#define TWSIM_TCP_TIMEWAIT_H

#include <stdint.h>
#include <sys/queue.h>

#include "models/segment.h"
#include "models/tcp_seq.h"

struct host;
struct inpcb;
struct tcpcb;

struct tcptw {
	struct inpcb	*tw_inpcb;	/* NULL while free */
	tcp_seq		 snd_nxt;
	tcp_seq		 rcv_nxt;
	tcp_seq		 iss;
	tcp_seq		 irs;
	uint32_t	 t_recent;	/* ts_recent, 0 without timestamps */
	uint32_t	 ts_offset;
	uint16_t	 last_win;
	int64_t		 t_starttime;	/* ticks */
	int64_t		 tw_time;	/* ticks at which 2MSL ends */
	uint64_t	 conn_id;	/* simulator oracle (segment.h) */
	TAILQ_ENTRY(tcptw) tw_2msl;	/* the 2MSL queue, or the free list */
};

TAILQ_HEAD(tcptw_queue, tcptw);

/* The zone and the queue; one per host (FreeBSD: one per vnet). */
struct tcptw_zone {
	struct tcptw_queue twq_2msl;	/* FIFO by entry into 2MSL */
	struct tcptw_queue tw_free;	/* cached free entries */
	int		 tw_max;	/* the zone's cap (uma_zone_set_max) */
	int		 tw_used;	/* entries allocated = queue length */
	int		 maxtcptw;	/* the tunable; 0 = auto */
};

void	tcp_tw_init(struct host *h);		/* boot: cap from tunables */
void	tcp_tw_destroy(struct host *h);		/* close every entry */
int	tcptw_auto_size(const struct host *h);
void	tcp_tw_zone_change(struct host *h);	/* maxsockets changed */
/* sysctl net.inet.tcp.maxtcptw: read (auto size while 0) and write. */
int	sysctl_maxtcptw_get(const struct host *h);
int	sysctl_maxtcptw_set(struct host *h, int value);	/* 1 applied, 0 ignored */

void	tcp_twstart(struct tcpcb *tp);
int	tcp_twcheck(struct inpcb *inp, const struct tcp_segment *th);
void	tcp_twclose(struct tcptw *tw, int reuse);
int	tcp_twrespond(struct tcptw *tw, int flags);
struct tcptw *tcp_tw_2msl_scan(struct host *h, int reuse);

/* Invariants for tests: 0, or -1 with a message. */
int	tcp_tw_check(const struct host *h, char *err, size_t errlen);

#endif /* TWSIM_TCP_TIMEWAIT_H */
