/*
 * linux.h -- the Linux stack's policy functions (stack = linux), each in
 * a file named after the Linux file it mirrors, so the two trees can be
 * read side by side.  Rule IDs LNX-n are in docs/RULES.md; the kernel is
 * Linux 6.18 (net/ipv4/, net/core/secure_seq.c, kernel/time/timer.c).
 *
 *   secure_seq.c          ISNs, timestamp offsets, the port offset hash
 *   inet_hashtables.c     connect(): the local port, TIME_WAIT takeover
 *   tcp_minisocks.c       entering TIME_WAIT, segments in TIME_WAIT
 *   inet_timewait_sock.c  the TIME_WAIT timer on the timer wheel
 *   tcp_stack.c           the ops table, SYN backoff, FIN_WAIT_2 (tcp_timer.c)
 *
 * The engine reaches them only through struct tcp_stack_ops (tcp_stack.h).
 */
#ifndef TWSIM_LINUX_H
#define TWSIM_LINUX_H

#include <stdint.h>

#include "models/segment.h"
#include "models/tcp_seq.h"
#include "sim/simtime.h"

struct host;
struct inpcb;
struct tcpcb;
struct tcptw;
struct tcp_takeover;

/* TCP_TIMEWAIT_LEN (include/net/tcp.h): 60 s, not a tunable. */
#define LINUX_TIMEWAIT_LEN	(60 * SIM_SEC)
/* TCP_TIMEOUT_INIT: the SYN's first RTO. */
#define LINUX_TIMEOUT_INIT	SIM_SEC
/* TCP_RTO_MIN: the RTO floor (LNX-23). */
#define LINUX_RTO_MIN		(200 * SIM_MSEC)
/* TCP_RTO_MAX. */
#define LINUX_RTO_MAX		(120 * SIM_SEC)
/* INET_TABLE_PERTURB_SIZE (CONFIG_INET_TABLE_PERTURB_ORDER 16). */
#define LINUX_TABLE_PERTURB_SIZE (1u << 16)
/* tcp_invalid_ratelimit: one out-of-window ACK per 500 ms. */
#define LINUX_INVALID_RATELIMIT	(500 * SIM_MSEC)
/* TCP_PAWS_MSL: a RST's PAWS check lasts 60 s after the last timestamp. */
#define LINUX_PAWS_MSL		60
/*
 * TCP_MAX_QUICKACKS (include/net/tcp.h): the quick ACKs tcp_incr_quickack
 * grants a connection's first data, when the receive window allows 16
 * (it does at tcp_rmem's default).
 */
#define LINUX_MAX_QUICKACKS	16

/*
 * Per-host state of the Linux policy: the keys of secure_seq.c and the
 * port perturbation table of __inet_hash_connect (filled at first use).
 */
struct inet_hashinfo {
	uint64_t	 net_secret[2];	/* ports and ISNs (siphash keys there) */
	uint64_t	 ts_secret;	/* timestamp offsets */
	uint32_t	*table_perturb;	/* LINUX_TABLE_PERTURB_SIZE entries */
};

/* secure_seq.c (LNX-2, LNX-20) */
uint64_t	secure_ipv4_port_ephemeral(const struct host *h,
		    uint32_t saddr, uint32_t daddr, uint16_t dport);
tcp_seq		secure_tcp_seq(struct host *h, uint32_t saddr,
		    uint16_t sport, uint32_t daddr, uint16_t dport);
uint32_t	secure_tcp_ts_off(struct host *h, uint32_t saddr,
		    uint32_t daddr);

/* inet_hashtables.c (LNX-1..8) */
int		inet_hashinfo_init(struct host *h);
void		inet_hashinfo_destroy(struct host *h);
int		inet_hash_connect(struct host *h, struct inpcb *inp,
		    uint32_t laddr, uint16_t lport, uint32_t faddr,
		    uint16_t fport, struct tcp_takeover *tk);
int		tcp_twsk_unique(const struct host *h, const struct tcptw *tw,
		    int twp);

/* tcp_minisocks.c (LNX-9..11, LNX-13..17, LNX-19, LNX-24) */
void		tcp_time_wait(struct tcpcb *tp);
sim_time_t	tcp_fin_time(const struct tcpcb *tp);
sim_time_t	tcp_fin_wait2_timer(const struct tcpcb *tp);
int		tcp_fin_wait2(struct tcpcb *tp,
		    const struct tcp_segment *seg);
void		tcp_fin_wait2_expired(struct tcpcb *tp);
int		tcp_timewait_state_process(struct inpcb *inp,
		    const struct tcp_segment *seg, tcp_seq *isn);

/* inet_timewait_sock.c (LNX-12) */
sim_time_t	timer_wheel_expiry(sim_time_t now, sim_time_t timeo, int hz);
/* The granularity of the wheel level a timeout falls on (its lateness is
   in (0, granularity]). */
sim_time_t	timer_wheel_granularity(sim_time_t timeo, int hz);
/* When the timer fires (tw_time keeps only its 32-bit ticks). */
sim_time_t	inet_twsk_schedule(struct tcptw *tw, sim_time_t timeo);
void		inet_twsk_deschedule_put(struct tcptw *tw);
void		inet_twsk_purge(struct host *h);

#endif /* TWSIM_LINUX_H */
