/*
 * tcp_minisocks.c -- the Linux stack's TIME_WAIT: entering it (or not,
 * past tcp_max_tw_buckets) and what a segment does to it.  The twin of
 * Linux 6.18 net/ipv4/tcp_minisocks.c (tcp_time_wait,
 * tcp_timewait_state_process) with the parts of tcp_v4_rcv and
 * tcp_v4_timewait_ack (tcp_ipv4.c) that act on its verdict.  Rule IDs
 * LNX-9..LNX-11 and LNX-13..LNX-17 are in docs/RULES.md.
 *
 * Compare FreeBSD's tcp_twstart and tcp_twcheck (tcp_timewait.c): Linux
 * has no zone to recycle from -- past the bucket limit a connection
 * simply gets no TIME_WAIT -- a RST kills TIME_WAIT unless tcp_rfc1337,
 * a SYN may also reopen on a newer timestamp, and the 60 s restart on
 * most segments.
 */
#include "config.h"

#include <assert.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/linux.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/trace.h"

void
tcp_time_wait(struct tcpcb *tp)
{
	struct host *h = tp->t_host;
	struct inpcb *inp = tp->t_inpcb;
	struct tcptw *tw;
	int acknow;

	assert(inp != NULL && inp->inp_ppcb == tp);
	/* LNX-9: inet_twsk_alloc refuses past tcp_max_tw_buckets. */
	if (h->twzone.tw_used >= h->tun.tcp_max_tw_buckets ||
	    (tw = tcptw_zone_alloc(&h->twzone)) == NULL) {
		TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "LNX-9",
		    "%d TIME_WAIT entries, tcp_max_tw_buckets %d: no "
		    "TIME_WAIT, closed at once", h->twzone.tw_used,
		    h->tun.tcp_max_tw_buckets);
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
	 * second of the last peer timestamp: the FIN that brought us here
	 * stamped ts_recent.
	 */
	tw->ts_recent_stamp = tcp_tw_keep(tw, tp) ?
	    (int32_t)(sim_now(h->sim) / SIM_SEC) : -1;
	tw->tw_last_oow_ms = 0;
	acknow = tp->t_flags & TF_ACKNOW;

	tcp_discardcb(tp);
	inp->inp_ppcb = tw;
	inp->inp_flags |= INP_TIMEWAIT;
	/* On the zone's queue too, in arming order, for its invariants
	   (tcp_tw_check); nothing scans it on a Linux host. */
	TAILQ_INSERT_TAIL(&h->twzone.twq_2msl, tw, tw_2msl);
	/* The ACK of the FIN goes out first (tcp_fin sends it). */
	if (acknow)
		(void)tcp_twrespond(tw, TH_ACK);
	/* LNX-11: TCP_TIMEWAIT_LEN on the wheel, whatever tcp_fin_timeout. */
	inet_twsk_schedule(tw, LINUX_TIMEWAIT_LEN);
	TCP_TRACE(h, tw->conn_id, tw->peer_conn_id, "LNX-11", "TIME_WAIT "
	    "entry made (%d in use); the timer wheel fires it %.3f s from "
	    "now", h->twzone.tw_used, sim_time_to_sec(sim_time_from_ticks(
	    tw->tw_time, h->tun.hz) - sim_now(h->sim)));
	tcptw_count_entered(h);
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
