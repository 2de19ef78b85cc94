/*
 * tcp_stack.h -- the table of operations that makes a host run one kernel's
 * TCP policy (FreeBSD's struct pr_usrreqs, Linux's struct proto).
 *
 * Kernels differ in policy, not in the TCP engine: how connect() picks a
 * local port and whether it may take over a TIME_WAIT 4-tuple, what
 * entering TIME_WAIT means (a capped zone that recycles, or a bucket count
 * past which there is no TIME_WAIT at all), how a segment to a TIME_WAIT
 * connection is judged, how SYNs back off, how long an orphaned FIN_WAIT_2
 * lasts, ISNs and timestamp offsets.  The engine (tcp_input.c, tcp_usrreq.c,
 * tcp_timer.c, tcp_subr.c) calls these through h->stack; each stack's
 * functions live in files named after the kernel files they mirror:
 *
 *   freebsd9: in_pcb.c, tcp_timewait.c, tcp_timer.c, tcp_subr.c
 *   freebsd14: freebsd14/in_pcb.c, freebsd14/tcp_timewait.c (with FreeBSD
 *             9's timers and ISNs)
 *   linux:    inet_hashtables.c, tcp_minisocks.c, inet_timewait_sock.c
 *
 * Rule IDs are in docs/RULES.md (PORT-n, TW-n, TCP-n for FreeBSD 9; LNX-n
 * for Linux).
 */
#ifndef TWSIM_TCP_STACK_H
#define TWSIM_TCP_STACK_H

#include <stdint.h>

#include "models/segment.h"
#include "models/tcp_seq.h"
#include "sim/simtime.h"

struct host;
struct inpcb;
struct tcpcb;

/*
 * What a connect() inherits when it took over a TIME_WAIT 4-tuple
 * (Linux tcp_twsk_unique, LNX-8): its first sequence number and the
 * peer's last timestamp.
 */
struct tcp_takeover {
	int		 taken;		/* 1: a TIME_WAIT entry was taken over */
	tcp_seq		 iss;
	uint32_t	 ts_recent;
};

struct tcp_stack_ops {
	const char	*name;		/* the scenario's `stack` value */
	/*
	 * Enter inp in the pcb table for a connect from laddr (the host's
	 * first address when 0) to faddr:fport, choosing the local port when
	 * lport is 0.  0, or EADDRNOTAVAIL / EADDRINUSE.  *tk says whether a
	 * TIME_WAIT 4-tuple was taken over.
	 */
	int		(*pcbconnect)(struct host *h, struct inpcb *inp,
			    uint32_t laddr, uint16_t lport, uint32_t faddr,
			    uint16_t fport, struct tcp_takeover *tk);
	/* tp (in TCPS_TIME_WAIT) becomes a TIME_WAIT entry, or closes. */
	void		(*twstart)(struct tcpcb *tp);
	/*
	 * A segment for a TIME_WAIT pcb.  1: the entry is gone and the
	 * segment must be looked up again for a listener, the new
	 * connection's ISN in *isn when non-zero; 0: consumed.
	 */
	int		(*twcheck)(struct inpcb *inp,
			    const struct tcp_segment *seg, tcp_seq *isn);
	/* Close every TIME_WAIT entry (host teardown). */
	void		(*twdestroy)(struct host *h);
	/* The ISN of a connection, and the timestamp offset of a pair. */
	tcp_seq		(*new_isn)(struct host *h, uint32_t laddr,
			    uint16_t lport, uint32_t faddr, uint16_t fport);
	uint32_t	(*ts_offset)(struct host *h, uint32_t laddr,
			    uint32_t faddr);
	/*
	 * After the tp->t_rxtshift-th timeout of a SYN (SYN_SENT) or SYN-ACK:
	 * the next RTO, or 0 to give up (ETIMEDOUT).
	 */
	sim_time_t	(*syn_rexmt)(struct tcpcb *tp);
	/*
	 * SYN_SENT got an ACK that does not cover exactly our SYN (TCP-1;
	 * the caller answers it with a RST).  NULL: nothing more; Linux
	 * sends the SYN again almost at once (LNX-25).
	 */
	void		(*synsent_bad_ack)(struct tcpcb *tp);
	/* The connection-establishment timer (0: none). */
	sim_time_t	(*keepinit)(const struct tcpcb *tp);
	/*
	 * Our FIN was acked by seg (FIN_WAIT_1 -> FIN_WAIT_2): 1 when tp is
	 * gone (Linux: an orphan's TIME_WAIT bucket in substate FIN_WAIT2,
	 * LNX-24), else 0 with the FIN_WAIT_2 timer armed.  NULL: the timer
	 * (FW2-1).
	 */
	int		(*finwait2)(struct tcpcb *tp,
			    const struct tcp_segment *seg);
	/*
	 * The FIN_WAIT_2 timer fired (the state is still FIN_WAIT_2): the
	 * stack ends or transforms tp itself (Linux, LNX-24).  NULL: as
	 * finwait2_recheck says.
	 */
	void		(*finwait2_expired)(struct tcpcb *tp);
	/* How long an orphaned FIN_WAIT_2 lasts (FreeBSD: its first look). */
	sim_time_t	(*finwait2_timeout)(const struct tcpcb *tp);
	/*
	 * When that timer fires: look again after this long, or 0 to close
	 * (FreeBSD's TP_MAXIDLE idle check, FW2-2).  NULL: close.
	 */
	sim_time_t	(*finwait2_recheck)(const struct tcpcb *tp);
	/* Added to every recomputed RTO (FreeBSD's tcp_rexmit_slop, RTO-1). */
	sim_time_t	 rexmit_slop;
	/*
	 * The smallest RTO computed from RTT samples: FreeBSD's
	 * tcp_rexmit_min (TCPTV_MIN, 30 ms); Linux's TCP_RTO_MIN (200 ms,
	 * LNX-23).
	 */
	sim_time_t	 rto_min;
	/*
	 * 1: passive opens go through a syncache with syncookies (SYNC-n,
	 * FreeBSD): random ISN and timestamp offset, no socket until the
	 * handshake completes.  0: the SYN makes a SYN_RECEIVED connection
	 * with the stack's ISN (Linux's request sock).
	 */
	int		 syncache;
	/*
	 * In-order data segments acked at once at the start of a connection
	 * before delayed ACKs begin (LNX-22: Linux's quickack mode,
	 * TCP_MAX_QUICKACKS); 0: FreeBSD's DELAY_ACK from the first (DP-7).
	 */
	int		 quickacks;
	/* 1: the host's pcbs are capped at kern.ipc.maxsockets (SOCK-1). */
	int		 maxsockets;
	/* The TIME_WAIT cap the sampler reports (tw_cap). */
	int		(*tw_cap)(const struct host *h);
	/*
	 * What the TIME_WAIT store really holds (tw_cap_effective; UMA-2 for
	 * FreeBSD 9's zone).  NULL: tw_cap.
	 */
	int		(*tw_cap_effective)(const struct host *h);
	/* Boot: the stack's own kernel timers; 0, or -1 (no memory). */
	int		(*boot)(struct host *h);
	/*
	 * The rule `--trace` names when a TIME_WAIT entry ends on its own
	 * timer (Linux, FreeBSD 14; FreeBSD 9's slow timer says TW-12) and
	 * when an entry is freed with its port (docs/RULES.md IDs).
	 */
	const char	*tw_timer_rule;
	const char	*tw_free_rule;
};

/* The operations of stack s (enum tunable_stack); NULL if unknown. */
const struct tcp_stack_ops	*tcp_stack_of(int s);

extern const struct tcp_stack_ops tcp_stack_freebsd9;
extern const struct tcp_stack_ops tcp_stack_freebsd14;
extern const struct tcp_stack_ops tcp_stack_linux;

#endif /* TWSIM_TCP_STACK_H */
