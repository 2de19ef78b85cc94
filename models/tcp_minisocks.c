/*
 * tcp_minisocks.c -- the Linux stack's TIME_WAIT: entering it (or not,
 * past tcp_max_tw_buckets), an orphan's FIN_WAIT_2 as a bucket of its
 * own (substate FIN_WAIT2), and what a segment does to either.  The twin of
 * Linux 6.18 net/ipv4/tcp_minisocks.c (tcp_time_wait,
 * tcp_timewait_state_process) with the parts of tcp_v4_rcv and
 * tcp_v4_timewait_ack (tcp_ipv4.c) that act on its verdict.  Rule IDs
 * LNX-9..LNX-11, LNX-13..LNX-17, LNX-19 and LNX-24 are in docs/RULES.md.
 *
 * Compare FreeBSD's tcp_twstart and tcp_twcheck (tcp_timewait.c): Linux
 * has no zone to recycle from -- past the bucket limit a connection
 * simply gets no TIME_WAIT -- a RST kills TIME_WAIT unless tcp_rfc1337,
 * a SYN may also reopen on a newer timestamp, and the 60 s restart on
 * most segments.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/linux.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/trace.h"

/* 3.5 RTO, the kernel's (rto << 2) - (rto >> 1): the least a FIN_WAIT_2
   lasts (tcp_fin_time, tcp_time_wait). */
static sim_time_t
tcp_rto_3_5(const struct tcpcb *tp)
{

	return ((tp->t_rxtcur << 2) - (tp->t_rxtcur >> 1));
}

/*
 * tcp_time_wait(sk, state, timeo): tp becomes a TIME_WAIT bucket in
 * substate `state` -- TCPS_TIME_WAIT for TCP_TIMEWAIT_LEN, or an orphan's
 * TCPS_FIN_WAIT_2 for timeo, at least 3.5 RTO (LNX-24) -- or, past
 * tcp_max_tw_buckets, closes at once (LNX-9).  Buckets of both substates
 * count against the limit and in tw_count, as in the kernel's sockstat.
 */
static void
tcp_time_wait_state(struct tcpcb *tp, int state, sim_time_t timeo)
{
	struct host *h = tp->t_host;
	struct inpcb *inp = tp->t_inpcb;
	struct tcptw *tw;
	sim_time_t when;
	int acknow;

	assert(inp != NULL && inp->inp_ppcb == tp);
	/* LNX-9: inet_twsk_alloc refuses past tcp_max_tw_buckets. */
	if (h->twzone.tw_used >= h->tun.tcp_max_tw_buckets ||
	    (tw = tcptw_zone_alloc(&h->twzone)) == NULL) {
		TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "LNX-9",
		    "%d TIME_WAIT entries, tcp_max_tw_buckets %d: no "
		    "TIME_WAIT%s, closed at once", h->twzone.tw_used,
		    h->tun.tcp_max_tw_buckets, state == TCPS_FIN_WAIT_2 ?
		    " (FIN_WAIT2) bucket" : "");
		h->stat.tw_skipped_nomem++;	/* Linux TCPTimeWaitOverflow */
		tcp_tw_report_skipped(tp);
		/* tcp_fin acked the FIN before tcp_time_wait was called. */
		if (tp->t_flags & TF_ACKNOW)
			(void)tcp_output(tp);
		(void)tcp_close(tp);
		return;
	}
	tw->tw_inpcb = inp;
	tw->tw_timer = SIM_EVENT_NONE;

	/*
	 * LNX-10: what the entry keeps -- FreeBSD's fields (TW-9), and the
	 * second of the last peer timestamp: the FIN (or, for FIN_WAIT2, the
	 * ACK of ours) that brought us here stamped ts_recent.
	 */
	tw->ts_recent_stamp = tcp_tw_keep(tw, tp) ?
	    (int32_t)(sim_now(h->sim) / SIM_SEC) : -1;
	tw->tw_substate = (uint8_t)state;
	tw->tw_last_oow_ms = 0;
	acknow = tp->t_flags & TF_ACKNOW;
	/* The timeout: at least 3.5 RTO; TIME_WAIT always 60 s (LNX-11). */
	if (timeo < tcp_rto_3_5(tp))
		timeo = tcp_rto_3_5(tp);
	if (state == TCPS_TIME_WAIT)
		timeo = LINUX_TIMEWAIT_LEN;

	tcp_discardcb(tp);
	inp->inp_ppcb = tw;
	inp->inp_flags |= INP_TIMEWAIT;
	/* On the zone's queue too, in arming order, for its invariants
	   (tcp_tw_check); nothing scans it on a Linux host. */
	TAILQ_INSERT_TAIL(&h->twzone.twq_2msl, tw, tw_2msl);
	/* The ACK of the FIN goes out first (tcp_fin sends it). */
	if (acknow)
		(void)tcp_twrespond(tw, TH_ACK);
	when = inet_twsk_schedule(tw, timeo);
	TCP_TRACE(h, tw->conn_id, tw->peer_conn_id, state == TCPS_TIME_WAIT ?
	    "LNX-11" : "LNX-24", "TIME_WAIT entry made%s (%d in use); the "
	    "timer wheel fires it %.3f s from now", state == TCPS_TIME_WAIT ?
	    "" : " in substate FIN_WAIT2", h->twzone.tw_used,
	    sim_time_to_sec(when - sim_now(h->sim)));
	tcptw_count_entered(h);
}

void
tcp_time_wait(struct tcpcb *tp)
{

	tcp_time_wait_state(tp, TCPS_TIME_WAIT, LINUX_TIMEWAIT_LEN);
}

/* LNX-19: tcp_fin_time: tcp_fin_timeout, at least 3.5 RTO. */
sim_time_t
tcp_fin_time(const struct tcpcb *tp)
{
	sim_time_t tmo = tp->t_host->tun.tcp_fin_timeout;

	return (tmo < tcp_rto_3_5(tp) ? tcp_rto_3_5(tp) : tmo);
}

/*
 * LNX-24: how long the FIN_WAIT_2 socket's timer runs (tcp_rcv_state_process
 * and tcp_close arm the keepalive timer): tcp_fin_time, less the
 * TCP_TIMEWAIT_LEN the bucket will take over when it is longer.
 */
sim_time_t
tcp_fin_wait2_timer(const struct tcpcb *tp)
{
	sim_time_t tmo = tcp_fin_time(tp);

	return (tmo > LINUX_TIMEWAIT_LEN ? tmo - LINUX_TIMEWAIT_LEN : tmo);
}

/*
 * LNX-24: FIN_WAIT_2 of an orphan -- tcp_rcv_state_process once our FIN
 * is acked by seg, tcp_close in FIN_WAIT_2 (seg NULL).  A socket the
 * application still holds waits with no timer.  An orphan whose
 * tcp_fin_time is at most TCP_TIMEWAIT_LEN gives its socket up for a
 * bucket in substate FIN_WAIT2 for that long -- unless seg carries the
 * peer's FIN as well, which moves the socket on at once; a longer one
 * keeps the socket on its timer (tcp_fin_wait2_timer) first.  1 when tp
 * is gone.
 */
int
tcp_fin_wait2(struct tcpcb *tp, const struct tcp_segment *seg)
{
	sim_time_t tmo;

	if ((tp->t_flags & TF_APPCLOSED) == 0)
		return (0);
	tmo = tcp_fin_time(tp);
	if (tmo > LINUX_TIMEWAIT_LEN ||
	    (seg != NULL && (seg->flags & TH_FIN))) {
		tcp_timer_2msl_start(tp);
		return (0);
	}
	tcp_time_wait_state(tp, TCPS_FIN_WAIT_2, tmo);
	return (1);
}

/*
 * LNX-24: tcp_keepalive_timer for an orphan in FIN_WAIT_2: what is left of
 * tcp_fin_time past TCP_TIMEWAIT_LEN goes on as a FIN_WAIT2 bucket (at
 * least 3.5 RTO); with nothing left, a RST and the socket is gone.
 */
void
tcp_fin_wait2_expired(struct tcpcb *tp)
{
	sim_time_t tmo = tcp_fin_time(tp) - LINUX_TIMEWAIT_LEN;

	if (tmo > 0) {
		tcp_time_wait_state(tp, TCPS_FIN_WAIT_2, tmo);
		return;
	}
	(void)tcp_drop(tp, ETIMEDOUT);	/* tcp_send_active_reset */
}

/*
 * LNX-13: tcp_paws_reject for an entry with a recorded timestamp: the
 * segment's tsval is older than ts_recent; a RST only within TCP_PAWS_MSL
 * of the last timestamp.
 */
static int
tcp_tw_paws_reject(const struct host *h, const struct tcptw *tw,
    const struct tcp_segment *seg)
{

	if ((int32_t)(tw->t_recent - seg->tsval) <= 0)
		return (0);
	if ((seg->flags & TH_RST) && sim_now(h->sim) / SIM_SEC >=
	    (sim_time_t)tw->ts_recent_stamp + LINUX_PAWS_MSL)
		return (0);
	return (1);
}

/*
 * LNX-16: tcp_oow_rate_limited: a segment carrying sequence space other
 * than a SYN (data or FIN) is always answered; anything else gets at most
 * one ACK per tcp_invalid_ratelimit.
 */
static int
tcp_tw_oow_ack(struct host *h, struct tcptw *tw,
    const struct tcp_segment *seg)
{
	uint32_t now_ms = (uint32_t)(sim_now(h->sim) / SIM_MSEC);
	int32_t elapsed;

	if (segment_seqlen(seg) != 0 && (seg->flags & TH_SYN) == 0) {
		TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-16", "segment "
		    "with data or FIN: answered with an ACK");
		return (tcp_twrespond(tw, TH_ACK), 0);
	}
	/* The kernel's u32 clock: 0 means never. */
	elapsed = (int32_t)(now_ms - tw->tw_last_oow_ms);
	if (tw->tw_last_oow_ms != 0 && elapsed >= 0 &&
	    elapsed < LINUX_INVALID_RATELIMIT / SIM_MSEC) {
		TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-16", "not "
		    "answered: an ACK went out %d ms ago "
		    "(tcp_invalid_ratelimit)", (int)elapsed);
		return (0);
	}
	tw->tw_last_oow_ms = now_ms;
	TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-16",
	    "answered with an ACK from TIME_WAIT");
	(void)tcp_twrespond(tw, TH_ACK);
	return (0);
}

/* Is there a listener for the segment's destination (inet_lookup_listener)? */
static int
tcp_tw_listener(struct host *h, const struct tcp_segment *seg)
{
	struct inpcb *l;
	struct tcpcb *ltp;

	l = in_pcblookup(&h->pcbinfo, 0, 0, seg->daddr, seg->dport, 1);
	if (l == NULL || (l->inp_flags & INP_TIMEWAIT))
		return (0);
	ltp = l->inp_ppcb;
	return (ltp != NULL && ltp->t_state == TCPS_LISTEN);
}

/*
 * LNX-24: a segment for a bucket in substate FIN_WAIT2 -- the checks of
 * tcp_rcv_state_process again: out of the window (or PAWS-rejected), an
 * ACK at most every tcp_invalid_ratelimit; a RST kills the bucket; a SYN
 * at or above rcv_nxt, new data, or a FIN not exactly at rcv_nxt is
 * answered with a RST and kills it; a duplicate ACK is dropped; the FIN at
 * rcv_nxt moves the bucket to TIME_WAIT for TCP_TIMEWAIT_LEN, acked.
 */
static int
tcp_tw_fin_wait2(struct host *h, struct tcptw *tw,
    const struct tcp_segment *seg, int paws_reject, int saw_tstamp)
{
	uint32_t wnd = (uint32_t)tw->last_win << tw->tw_rcv_wscale;
	tcp_seq end_seq = seg->seq + segment_seqlen(seg);
	uint8_t th = seg->flags;

	/* tcp_in_window: the segment overlaps [rcv_nxt, rcv_nxt + wnd]. */
	if (paws_reject || !(!SEQ_LT(end_seq, tw->rcv_nxt) &&
	    !SEQ_GT(seg->seq, tw->rcv_nxt + wnd))) {
		TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-24", "FIN_WAIT2 "
		    "bucket: segment out of the window");
		return (tcp_tw_oow_ack(h, tw, seg));
	}
	if (th & TH_RST) {
		TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-24", "FIN_WAIT2 "
		    "bucket: RST, killed");
		h->stat.tw_killed_rst++;
		tcp_tw_report(tw, TW_END_KILLED);
		inet_twsk_deschedule_put(tw);
		return (0);
	}
	if (((th & TH_SYN) && !SEQ_LT(seg->seq, tw->rcv_nxt)) ||
	    ((th & TH_ACK) && SEQ_GT(end_seq, tw->rcv_nxt) &&
	    end_seq != seg->seq && (!(th & TH_FIN) ||
	    end_seq != tw->rcv_nxt + 1))) {
		TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-24", "FIN_WAIT2 "
		    "bucket: %s: answered with a RST, killed", (th & TH_SYN) ?
		    "SYN" : "new data after our FIN");
		tcp_respond_rst(h, seg);
		h->stat.tw_killed_rst++;
		tcp_tw_report(tw, TW_END_KILLED);
		inet_twsk_deschedule_put(tw);
		return (0);
	}
	if (!(th & TH_ACK) || !SEQ_GT(end_seq, tw->rcv_nxt) ||
	    end_seq == seg->seq)
		return (0);			/* a duplicate ACK */
	/* The FIN at rcv_nxt: true TIME_WAIT. */
	tw->tw_substate = TCPS_TIME_WAIT;
	tw->rcv_nxt = end_seq;
	if (saw_tstamp) {
		tw->t_recent = seg->tsval;
		tw->ts_recent_stamp = (int32_t)(sim_now(h->sim) / SIM_SEC);
	}
	TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-24", "FIN_WAIT2 bucket: "
	    "the peer's FIN; TIME_WAIT for 60 s, acked");
	inet_twsk_schedule(tw, LINUX_TIMEWAIT_LEN);
	(void)tcp_twrespond(tw, TH_ACK);
	return (0);
}

int
tcp_timewait_state_process(struct inpcb *inp, const struct tcp_segment *seg,
    tcp_seq *isn)
{
	struct host *h = in_pcb_host(inp);
	struct tcptw *tw = inp->inp_ppcb;
	uint8_t th = seg->flags;
	int paws_reject = 0, saw_tstamp;
	tcp_seq rcv_nxt, end_seq;

	*isn = 0;
	if (tw == NULL) {
		h->stat.tw_dropped_recycled++;
		return (0);
	}
	rcv_nxt = tw->rcv_nxt;
	end_seq = seg->seq + segment_seqlen(seg);
	saw_tstamp = (seg->opt_flags & TOF_TS) && tw->ts_recent_stamp >= 0;
	if (saw_tstamp && tcp_tw_paws_reject(h, tw, seg)) {
		paws_reject = 1;			/* LNX-13 */
		TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-13", "PAWS: "
		    "tsval %u older than ts_recent %u: rejected", seg->tsval,
		    tw->t_recent);
	}

	if (tw->tw_substate == TCPS_FIN_WAIT_2)
		return (tcp_tw_fin_wait2(h, tw, seg, paws_reject, saw_tstamp));

	/*
	 * LNX-14: exactly at rcv_nxt with no sequence space: a RST or a bare
	 * ACK.
	 */
	if (!paws_reject && seg->seq == rcv_nxt &&
	    (seg->seq == end_seq || (th & TH_RST))) {
		if (th & TH_RST) {
			if (!h->tun.tcp_rfc1337) {
				/* TIME_WAIT assassination (RFC 1337). */
				TCP_TRACE(h, tw->conn_id, seg->conn_id,
				    "LNX-14", "RST at rcv_nxt: TIME_WAIT "
				    "killed (tcp_rfc1337 0)");
				h->stat.tw_killed_rst++;
				tcp_tw_report(tw, TW_END_KILLED);
				inet_twsk_deschedule_put(tw);
				return (0);
			}
			TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-14",
			    "RST at rcv_nxt: ignored (tcp_rfc1337 1)");
			h->stat.rst_ignored_tw++;
		} else {
			TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-14",
			    "bare ACK at rcv_nxt: 60 s restarted, not "
			    "answered");
			h->stat.tw_rearmed++;
			inet_twsk_schedule(tw, LINUX_TIMEWAIT_LEN);
		}
		if (saw_tstamp) {
			tw->t_recent = seg->tsval;
			tw->ts_recent_stamp = (int32_t)(sim_now(h->sim) /
			    SIM_SEC);
		}
		return (0);
	}

	/*
	 * LNX-15: a new SYN: above rcv_nxt, or with a newer timestamp.  With
	 * a listener, the entry ends and the caller hands the SYN to it with
	 * the ISN derived from the entry; with none, tcp_v4_rcv falls
	 * through to the ACK.
	 */
	if ((th & (TH_SYN | TH_RST | TH_ACK)) == TH_SYN && !paws_reject &&
	    (SEQ_GT(seg->seq, rcv_nxt) ||
	    (saw_tstamp && (int32_t)(tw->t_recent - seg->tsval) < 0))) {
		*isn = tw->snd_nxt + 65535 + 2;
		if (*isn == 0)
			*isn = 1;
		if (!tcp_tw_listener(h, seg)) {
			TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-15",
			    "new SYN but no listener: answered with an ACK");
			*isn = 0;
			(void)tcp_twrespond(tw, TH_ACK);
			return (0);
		}
		TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-15", "SYN seq %u "
		    "above rcv_nxt %u (or with a newer timestamp): TIME_WAIT "
		    "ends, the SYN goes to the listener", seg->seq, rcv_nxt);
		h->stat.tw_reopened++;
		tcp_tw_report(tw, TW_END_REOPENED);
		inet_twsk_deschedule_put(tw);
		return (1);
	}

	/* LNX-16: everything else. */
	if (paws_reject)
		h->stat.paws_rejected_tw++;		/* Linux PAWSTimewait */
	if ((th & TH_RST) == 0) {
		/*
		 * An ACK-less SYN may be a new connection with a random ISN
		 * below rcv_nxt: it does not restart the timer.
		 */
		if (paws_reject || (th & TH_ACK)) {
			TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-16",
			    "60 s restarted");
			h->stat.tw_rearmed++;
			inet_twsk_schedule(tw, LINUX_TIMEWAIT_LEN);
		}
		return (tcp_tw_oow_ack(h, tw, seg));
	}
	TCP_TRACE(h, tw->conn_id, seg->conn_id, "LNX-16", "RST not at "
	    "rcv_nxt: dropped");
	h->stat.rst_ignored_tw++;
	return (0);
}
