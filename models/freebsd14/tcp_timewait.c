/*
 * freebsd14/tcp_timewait.c -- the FreeBSD 14 stack's TIME_WAIT: no
 * compressed zone, no maxtcptw, no recycling.  A connection in TIME_WAIT
 * keeps its full tcpcb and its socket for 2 MSL on the connection's own
 * timer; what bounds TIME_WAIT is kern.ipc.maxsockets (F14-4).  The twin
 * of FreeBSD 14 sys/netinet/tcp_timewait.c (tcp_twstart, tcp_twcheck).
 * Rules F14-2 and F14-3 in docs/RULES.md.
 *
 * The model keeps the engine's struct tcptw as the record of a TIME_WAIT
 * connection (what a tcpcb in TCPS_TIME_WAIT still uses of itself) from
 * the host's zone, uncapped here, and on its queue in arming order for the
 * invariants; nothing scans that queue.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>

#include "models/freebsd14/freebsd14.h"
#include "models/host.h"
#include "models/in_pcb.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/trace.h"

/*
 * F14-2: tcp_timer_activate(tp, TT_2MSL, 2 * V_tcp_msl): a callout 2 MSL
 * of ticks from now (a re-arm replaces it).  MSL is read now.
 */
static void
f14_tw_2msl_reset(struct tcptw *tw)
{
	struct host *h = in_pcb_host(tw->tw_inpcb);
	int64_t ticks;

	ticks = host_ticks(h) + 2 * sim_time_to_ticks(h->tun.msl, h->tun.hz);
	tw->tw_time = tw_ticks32(ticks);	/* for tests; the timer decides */
	/* At expiry tcp_timer_2msl closes the connection (F14-2). */
	tcptw_timer_arm(tw, sim_time_from_ticks(ticks, h->tun.hz),
	    tcptw_timer_expired);
}

void
f14_twstart(struct tcpcb *tp)
{
	struct host *h = tp->t_host;
	struct inpcb *inp = tp->t_inpcb;
	struct tcptw *tw;
	int acknow;

	assert(inp != NULL && inp->inp_ppcb == tp);
	/*
	 * F14-2: the pending ACK goes out first (tcp_output), then
	 * nolocaltimewait -- on by default in 14 -- closes a connection to
	 * one of this host's own addresses at once.
	 */
	if (h->tun.nolocaltimewait && host_owns_addr(h, inp->inp_faddr)) {
		if (tp->t_flags & TF_ACKNOW)
			(void)tcp_output(tp);
		TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "F14-2",
		    "nolocaltimewait: the peer is local, no TIME_WAIT");
		h->stat.tw_skipped_local++;
		tcp_tw_report_skipped(tp);
		(void)tcp_close(tp);
		return;
	}
	/* No cap: the zone only allocates (F14-4 bounds the sockets). */
	tw = tcptw_zone_alloc(&h->twzone);
	if (tw == NULL) {
		h->stat.tw_skipped_nomem++;	/* out of memory only */
		tcp_tw_report_skipped(tp);
		(void)tcp_close(tp);
		return;
	}
	tw->tw_inpcb = inp;
	tw->tw_timer = SIM_EVENT_NONE;
	(void)tcp_tw_keep(tw, tp);
	acknow = tp->t_flags & TF_ACKNOW;
	TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "F14-2", "TIME_WAIT: "
	    "the connection stays (%d in TIME_WAIT); 2MSL ends %.3f s from "
	    "now", h->twzone.tw_used, sim_time_to_sec(2 * h->tun.msl));
	tcp_discardcb(tp);
	inp->inp_ppcb = tw;
	inp->inp_flags |= INP_TIMEWAIT;
	TAILQ_INSERT_TAIL(&h->twzone.twq_2msl, tw, tw_2msl);
	if (acknow)
		(void)tcp_twrespond(tw, TH_ACK);
	f14_tw_2msl_reset(tw);
	tcptw_count_entered(h);
}

int
f14_twcheck(struct inpcb *inp, const struct tcp_segment *th, tcp_seq *isn)
{
	struct host *h = in_pcb_host(inp);
	struct tcptw *tw = inp->inp_ppcb;
	uint8_t thflags = th->flags;

	*isn = 0;
	assert(tw != NULL);		/* nothing recycles in 14 */
	/* F14-3: RST is dropped (RFC 1337; Stevens vol. 2 p. 964). */
	if (thflags & TH_RST) {
		TCP_TRACE(h, tw->conn_id, th->conn_id, "F14-3",
		    "RST in TIME_WAIT: ignored (RFC 1337)");
		h->stat.rst_ignored_tw++;
		return (0);
	}
	/*
	 * F14-3: a SYN without ACK above rcv_nxt ends TIME_WAIT and goes on
	 * to the listener (tcps_tw_recycles); a SYN|ACK does not, unlike 9.
	 */
	if ((thflags & (TH_SYN | TH_ACK)) == TH_SYN &&
	    SEQ_GT(th->seq, tw->rcv_nxt)) {
		TCP_TRACE(h, tw->conn_id, th->conn_id, "F14-3",
		    "SYN seq %u above rcv_nxt %u: TIME_WAIT closed, the SYN "
		    "reopens the 4-tuple", th->seq, tw->rcv_nxt);
		h->stat.tw_reopened++;
		tcp_tw_report(tw, TW_END_REOPENED);
		tcptw_timer_close(tw);
		return (1);
	}
	/*
	 * F14-3: without ACK, dropped; a retransmitted FIN restarts 2 MSL; an
	 * ACK for anything but a pure duplicate ACK -- as FreeBSD 9.
	 */
	return (tcp_twcheck_ack(tw, th, f14_tw_2msl_reset));
}

void
f14_twdestroy(struct host *h)
{
	struct tcptw *tw;

	while ((tw = TAILQ_FIRST(&h->twzone.twq_2msl)) != NULL)
		tcptw_timer_close(tw);
	tcp_tw_destroy(h);
}

/* Boot: no slow timer and no ipport_tick in 14; an uncapped zone. */
int
f14_boot(struct host *h)
{

	h->twzone.tw_max = INT32_MAX;
	/*
	 * F14-2: and no UMA limit (UMA-4).  tcp_tw_init sized FreeBSD 9's
	 * zone at maxsockets / 5 slabs; left so, a host booted with a small
	 * maxsockets would skip TIME_WAIT past it.
	 */
	h->twzone.tw_maxpages = 0;
	return (0);
}
