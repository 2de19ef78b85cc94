/*
 * tcp_stack.c -- the per-stack tables of operations (tcp_stack.h), and the
 * Linux timer policies too small for a file of their own: the SYN's
 * backoff (Linux net/ipv4/tcp_timer.c tcp_retransmit_timer,
 * tcp_write_timeout) and the orphaned FIN_WAIT_2 (net/ipv4/tcp.c
 * tcp_fin_time).  Rule IDs: TCP-7, TCP-14 (FreeBSD 9), LNX-18, LNX-19
 * (Linux), in docs/RULES.md.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "models/freebsd14/freebsd14.h"
#include "models/host.h"
#include "models/in_pcb.h"
#include "models/linux.h"
#include "models/tcp_stack.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/trace.h"
#include "models/tunable.h"

/* FreeBSD 9 ************************************************************/

static int
bsd_pcbconnect(struct host *h, struct inpcb *inp, uint32_t laddr,
    uint16_t lport, uint32_t faddr, uint16_t fport, struct tcp_takeover *tk)
{

	tk->taken = 0;		/* FreeBSD never takes a TIME_WAIT over */
	return (in_pcbconnect(&h->pcbinfo, inp, laddr, lport, faddr, fport));
}

static int
bsd_twcheck(struct inpcb *inp, const struct tcp_segment *seg, tcp_seq *isn)
{

	*isn = 0;		/* TW-16: the listener picks a fresh ISN */
	return (tcp_twcheck(inp, seg));
}

/*
 * TS-1: FreeBSD 9/10 give an active open no timestamp offset: its tsval is
 * the plain clock (a passive open gets its syncookie's, SYNC-1).
 */
static uint32_t
bsd9_ts_offset(struct host *h, uint32_t laddr, uint32_t faddr)
{

	(void)h;
	(void)laddr;
	(void)faddr;
	return (0);
}

/* FreeBSD 12 and later: a random offset for every connection. */
static uint32_t
bsd_ts_offset(struct host *h, uint32_t laddr, uint32_t faddr)
{

	(void)laddr;
	(void)faddr;
	return (tcp_new_ts_offset(h));	/* TCP-10: one per connection */
}

static sim_time_t
bsd_keepinit(const struct tcpcb *tp)
{

	return (tp->t_host->tun.keepinit);	/* TCP-7 */
}

/* TP_MAXIDLE: keepcnt x keepintvl (600 s by default). */
static sim_time_t
bsd_maxidle(const struct host *h)
{

	return ((sim_time_t)h->tun.keepcnt * h->tun.keepintvl);
}

/*
 * FW2-1: FIN_WAIT_2 after close is timed by tcp_finwait2_timeout with
 * fast_finwait2_recycle, else by TP_MAXIDLE (FreeBSD 9.3 tcp_input).
 */
static sim_time_t
bsd_finwait2_timeout(const struct tcpcb *tp)
{
	const struct host *h = tp->t_host;

	return (h->tun.fast_finwait2_recycle ? h->tun.finwait2_timeout :
	    bsd_maxidle(h));
}

/*
 * FW2-2: tcp_timer_2msl: with fast_finwait2_recycle, close; otherwise
 * close only once nothing arrived for more than TP_MAXIDLE, else look
 * again in keepintvl.
 */
static sim_time_t
bsd_finwait2_recheck(const struct tcpcb *tp)
{
	const struct host *h = tp->t_host;

	if (h->tun.fast_finwait2_recycle ||
	    sim_now(h->sim) - tp->t_rcvtime > bsd_maxidle(h))
		return (0);
	return (h->tun.keepintvl);
}

/* UMA-2: the zone's whole slabs. */
static int
bsd_tw_cap_effective(const struct host *h)
{

	return (tcptw_zone_cap_effective(&h->twzone));
}

static int
bsd_tw_cap(const struct host *h)
{

	return (h->twzone.tw_max);
}

const struct tcp_stack_ops tcp_stack_freebsd9 = {
	.name = "freebsd9",
	.pcbconnect = bsd_pcbconnect,
	.twstart = tcp_twstart,
	.twcheck = bsd_twcheck,
	.twdestroy = tcp_tw_destroy,
	.new_isn = tcp_new_isn,
	.ts_offset = bsd9_ts_offset,
	.syn_rexmt = tcp_timer_syn_backoff,
	.keepinit = bsd_keepinit,
	.finwait2_timeout = bsd_finwait2_timeout,
	.finwait2_recheck = bsd_finwait2_recheck,
	.rexmit_slop = TCP_REXMIT_SLOP,
	.rto_min = TCPTV_MIN,
	.syncache = 1,
	.maxsockets = 1,
	.tw_cap = bsd_tw_cap,
	.tw_cap_effective = bsd_tw_cap_effective,
	.boot = host_boot_slowtimo,
	.tw_timer_rule = "TW-12",
	.tw_free_rule = "TW-21",
};

/* FreeBSD 14 ************************************************************/

/* F14-4: TIME_WAIT is bounded by the sockets it keeps. */
static int
f14_tw_cap(const struct host *h)
{

	return (h->tun.maxsockets);
}

const struct tcp_stack_ops tcp_stack_freebsd14 = {
	.name = "freebsd14",
	.pcbconnect = f14_pcbconnect,
	.twstart = f14_twstart,
	.twcheck = f14_twcheck,
	.twdestroy = f14_twdestroy,
	.new_isn = tcp_new_isn,
	.ts_offset = bsd_ts_offset,
	.syn_rexmt = tcp_timer_syn_backoff,
	.keepinit = bsd_keepinit,
	.finwait2_timeout = bsd_finwait2_timeout,
	.finwait2_recheck = bsd_finwait2_recheck,
	.rexmit_slop = TCP_REXMIT_SLOP,
	.rto_min = TCPTV_MIN,
	.syncache = 1,
	.maxsockets = 1,
	.tw_cap = f14_tw_cap,
	.boot = f14_boot,
	.tw_timer_rule = "F14-2",
	.tw_free_rule = "F14-2",
};

/* Linux ***************************************************************/

static tcp_seq
lnx_new_isn(struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
    uint16_t fport)
{

	return (secure_tcp_seq(h, laddr, lport, faddr, fport));	/* LNX-20 */
}

/*
 * LNX-18: SYN_SENT backs off linearly (the RTO stays 1 s) for the first
 * tcp_syn_linear_timeouts timeouts, then doubles up to TCP_RTO_MAX, and
 * gives up once tcp_syn_retries + tcp_syn_linear_timeouts retransmissions
 * are out.  SYN_RECEIVED (the request sock's SYN-ACK) doubles from 1 s and
 * gives up after TCP_SYNACK_RETRIES (5, tcp_synack_retries' default).
 */
static sim_time_t
lnx_syn_rexmt(struct tcpcb *tp)
{
	const struct host_tunables *t = &tp->t_host->tun;
	int timeouts = tp->t_rxtshift, max, shift;
	sim_time_t rto;

	if (tp->t_state == TCPS_SYN_SENT) {
		max = t->tcp_syn_retries + t->tcp_syn_linear_timeouts;
		shift = timeouts - t->tcp_syn_linear_timeouts;
	} else {
		max = 5;
		shift = timeouts;
	}
	/* tcp_write_timeout: the retransmissions so far are timeouts - 1. */
	if (timeouts - 1 >= max)
		return (0);
	if (shift < 0)
		shift = 0;
	if (shift > 7)			/* 1 s << 7 > TCP_RTO_MAX */
		return (LINUX_RTO_MAX);
	rto = LINUX_TIMEOUT_INIT << shift;
	return (rto < LINUX_RTO_MAX ? rto : LINUX_RTO_MAX);
}

/*
 * LNX-25: tcp_rcv_synsent_state_process: an unacceptable ACK to a SYN not
 * yet retransmitted -- typically the challenge ACK of a peer whose old
 * connection on this 4-tuple is still open (CLOSE_WAIT), which our RST
 * then resets -- re-arms the retransmit timer at TCP_TIMEOUT_MIN, two
 * jiffies on the wheel, so the SYN goes again almost at once instead of
 * after a whole initial RTO.
 */
static void
lnx_synsent_bad_ack(struct tcpcb *tp)
{
	struct host *h = tp->t_host;

	if (tp->t_rxtshift != 0)
		return;
	TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "LNX-25", "unacceptable "
	    "ACK to our SYN: RST, and the SYN again in two jiffies");
	tcp_timer_rexmt_at(tp, timer_wheel_expiry(sim_now(h->sim),
	    sim_time_from_ticks(2, h->tun.hz), h->tun.hz));
}

static sim_time_t
lnx_keepinit(const struct tcpcb *tp)
{

	(void)tp;
	return (0);	/* no such timer: the SYN's retries bound the connect */
}

static int
lnx_tw_cap(const struct host *h)
{

	return (h->tun.tcp_max_tw_buckets);	/* LNX-9 */
}

/*
 * Boot: the keys of secure_seq.c; no slow timer, no ipport_tick.  The
 * zone only allocates entries: tcp_max_tw_buckets bounds them (LNX-9).
 */
static int
lnx_boot(struct host *h)
{

	if (inet_hashinfo_init(h) != 0)
		return (-1);
	h->twzone.tw_max = INT32_MAX;
	h->twzone.tw_maxpages = 0;	/* no UMA limit on Linux (UMA-4) */
	return (0);
}

const struct tcp_stack_ops tcp_stack_linux = {
	.name = "linux",
	.pcbconnect = inet_hash_connect,
	.twstart = tcp_time_wait,
	.twcheck = tcp_timewait_state_process,
	.twdestroy = inet_twsk_purge,
	.new_isn = lnx_new_isn,
	.ts_offset = secure_tcp_ts_off,
	.syn_rexmt = lnx_syn_rexmt,
	.synsent_bad_ack = lnx_synsent_bad_ack,		/* LNX-25 */
	.keepinit = lnx_keepinit,
	.finwait2_timeout = tcp_fin_wait2_timer,	/* LNX-19 */
	.finwait2 = tcp_fin_wait2,			/* LNX-24 */
	.finwait2_expired = tcp_fin_wait2_expired,	/* LNX-24 */
	.rto_min = LINUX_RTO_MIN,
	.quickacks = LINUX_MAX_QUICKACKS,
	.tw_cap = lnx_tw_cap,
	.boot = lnx_boot,
	.tw_timer_rule = "LNX-11",
	.tw_free_rule = "LNX-11",
};

const struct tcp_stack_ops *
tcp_stack_of(int s)
{

	switch (s) {
	case TUNABLE_STACK_FREEBSD9:
		return (&tcp_stack_freebsd9);
	case TUNABLE_STACK_FREEBSD14:
		return (&tcp_stack_freebsd14);
	case TUNABLE_STACK_LINUX:
		return (&tcp_stack_linux);
	default:
		return (NULL);
	}
}
