/*
 * tcp_input.c -- segment arrival: demultiplexing and the TCP state machine
 * (FreeBSD's netinet/tcp_input.c of the tcp_timewait.c era, tcp_input()
 * and tcp_do_segment(), reduced to what the model needs).
 *
 * The order of the checks is the kernel's, because it decides what an old
 * duplicate can do to a connection: demultiplex (a TIME_WAIT pcb goes to
 * tcp_twcheck); SYN_SENT; then RST, PAWS, trimming to the window, the
 * timestamp update, an in-window SYN, the ACK, data and FIN.  Rules carry
 * IDs TCP-n and HAZ-n (docs/RULES.md).
 *
 * Application upcalls (connected, accepted, received, peer_closed) are
 * made once the segment has been processed, so the application always
 * sees a consistent tcpcb; what it sends from the upcall goes out in the
 * same segment as the ACK (TCP-5).  A failed upcall is made by tcp_drop()
 * or, for a received RST, just before the connection closes.
 *
 * Hazards (HAZ-n): every segment carries the sending incarnation's
 * conn_id, and a tcpcb records its peer's (peer_conn_id) from the SYN or
 * SYN-ACK.  A segment from another incarnation that this code acts on
 * is counted in h->stat.hazards.  Protocol decisions never read conn_id.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "models/cc_newreno.h"
#include "models/host.h"
#include "models/in_pcb.h"
#include "models/segment.h"
#include "models/tcp_stack.h"
#include "models/tcp_timewait.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "models/trace.h"

/* Received a FIN already: CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT. */
#define TCPS_HAVERCVDFIN(s) \
	((s) == TCPS_CLOSE_WAIT || (s) == TCPS_CLOSING || \
	(s) == TCPS_LAST_ACK || (s) == TCPS_TIME_WAIT)

/* HAZ-5: a segment from an incarnation other than the peer we know. */
static int
tcp_seg_is_old(const struct tcpcb *tp, const struct tcp_segment *seg)
{

	return (seg->conn_id != 0 && tp->peer_conn_id != 0 &&
	    seg->conn_id != tp->peer_conn_id);
}

/* HAZ-1..HAZ-4: count an old duplicate acted on, and show it in --trace. */
static void
tcp_hazard(struct tcpcb *tp, const char *rule, const char *what)
{

	tp->t_host->stat.hazards++;
	TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, rule,
	    "hazard: %s of another incarnation acted on (RFC 1337)", what);
}

/*
 * A RST closed the connection (or an old one did: HAZ-3): tell the
 * application, then free everything.  No RST goes back.
 */
static void
tcp_reset_close(struct tcpcb *tp, int error)
{
	const struct tcp_app_ops *app = tp->t_app;

	if (app != NULL && (tp->t_flags & TF_APPCLOSED) == 0 && error != 0) {
		tp->t_app = NULL;
		if (app->failed != NULL)
			app->failed(tp->t_app_arg, tp, error);
	}
	(void)tcp_close(tp);
}

struct tcpcb *
tcp_passive_open(struct host *h, struct tcpcb *ltp,
    const struct tcp_segment *seg)
{
	struct inpcbinfo *pi = &h->pcbinfo;
	struct inpcb *inp;
	struct tcpcb *tp;

	inp = in_pcballoc(pi);
	if (inp == NULL)
		return (NULL);
	if (in_pcbconnect(pi, inp, seg->daddr, seg->dport, seg->saddr,
	    seg->sport) != 0) {
		in_pcbfree(pi, inp);
		return (NULL);
	}
	tp = tcp_newtcpcb(h, inp);
	if (tp == NULL) {
		in_pcbfree(pi, inp);
		return (NULL);
	}
	tp->t_app = NULL;
	tp->t_app_arg = ltp;
	/* The peer first, so that --trace follows this side from here on. */
	tp->peer_conn_id = seg->conn_id;
	tp->t_peer_pcb = seg->src_pcb;	/* for dst_pcb: a hint only */
	tcp_state_change(tp, TCPS_SYN_RECEIVED);
	tp->irs = seg->seq;
	tp->rcv_nxt = seg->seq + 1;
	tp->rcv_adv = tp->rcv_nxt + tp->rcv_wnd;
	tp->snd_wnd = seg->win;
	/*
	 * DP-8: syncache_add (and Linux's request sock) scales the window
	 * only when the SYN offered a scale and rfc1323 is on: the peer's
	 * shift is kept, ours is the one that reaches maxsockbuf.
	 */
	if ((tp->t_flags & TF_REQ_SCALE) && (seg->opt_flags & TOF_SCALE)) {
		tp->t_flags |= TF_RCVD_SCALE;
		tp->snd_scale = seg->wscale > TCP_MAX_WINSHIFT ?
		    TCP_MAX_WINSHIFT : seg->wscale;
	} else
		tp->t_flags &= ~TF_REQ_SCALE;
	/* SACK-1: SACK only when the SYN permitted it. */
	if ((seg->opt_flags & TOF_SACKPERM) == 0)
		tp->t_flags &= ~TF_SACK_PERMIT;
	return (tp);
}

/*
 * TCP-11: a SYN for a listener opens a passive connection; anything else
 * but a RST gets a RST.  FreeBSD: a syncache entry (SYNC-1, tcp_syncache.c).
 * Linux: a connection in SYN_RECEIVED with the 4-tuple of the segment that
 * answers with a SYN-ACK; until the handshake completes it has no
 * application: t_app is NULL and t_app_arg points at the listener's tcpcb,
 * whose application is told (accepted) on the ACK.
 */
static void
tcp_input_listen(struct host *h, struct tcpcb *ltp,
    const struct tcp_segment *seg, tcp_seq tw_isn)
{
	struct tcpcb *tp;

	if (seg->flags & TH_RST)
		return;
	if (seg->flags & TH_ACK) {
		/* RFC 793: an ACK to a listener is answered with RST. */
		tcp_respond_rst(h, seg);
		return;
	}
	if ((seg->flags & TH_SYN) == 0)
		return;
	/* TCP-11, SYNC-1: FreeBSD's passive opens go through the syncache. */
	if (h->stack->syncache) {
		syncache_add(h, ltp, seg);
		return;
	}
	if ((tp = tcp_passive_open(h, ltp, seg)) == NULL)
		return;
	/* LNX-15: a SYN that ended a TIME_WAIT gets the ISN it derived. */
	tp->iss = tw_isn != 0 ? tw_isn : h->stack->new_isn(h, seg->daddr,
	    seg->dport, seg->saddr, seg->sport);
	/* tcp_sendseqinit: snd_recover starts at iss too (DP-5). */
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_recover = tp->iss;
	/* TCP-10: timestamps only when both sides ask (RFC 7323 3.2). */
	if ((tp->t_flags & TF_REQ_TSTMP) && (seg->opt_flags & TOF_TS)) {
		tp->t_flags |= TF_RCVD_TSTMP;
		tp->ts_recent = seg->tsval;
	} else
		tp->t_flags &= ~TF_REQ_TSTMP;
	tcp_timer_keep_start(tp);
	(void)tcp_output(tp);
}

/*
 * TCP-3: keep out-of-order data [seq, seq + len) as a block, merged with
 * its neighbours.  A full queue drops the segment (the peer resends):
 * 0, and it is not SACKed either (SACK-3); 1 when kept.
 */
static int
tcp_reass_insert(struct tcpcb *tp, tcp_seq seq, uint32_t len, int old)
{
	struct tcp_reass_blk *b = tp->t_reass;
	tcp_seq end = seq + len;
	int i, j, n = tp->t_nreass;

	/* First block that ends at or after seq. */
	for (i = 0; i < n && SEQ_LT(b[i].end, seq); i++)
		;
	if (i < n && SEQ_LEQ(b[i].start, end)) {
		/* Overlaps or touches block i: grow it, swallow followers. */
		if (SEQ_LT(seq, b[i].start))
			b[i].start = seq;
		if (SEQ_GT(end, b[i].end))
			b[i].end = end;
		b[i].old |= old;
		for (j = i + 1; j < n && SEQ_LEQ(b[j].start, b[i].end); j++) {
			if (SEQ_GT(b[j].end, b[i].end))
				b[i].end = b[j].end;
			b[i].old |= b[j].old;
		}
		if (j > i + 1) {
			memmove(&b[i + 1], &b[j], (size_t)(n - j) * sizeof(*b));
			tp->t_nreass = n - (j - i - 1);
		}
		return (1);
	}
	if (n == TCP_REASS_MAX)
		return (0);
	memmove(&b[i + 1], &b[i], (size_t)(n - i) * sizeof(*b));
	b[i].start = seq;
	b[i].end = end;
	b[i].old = old;
	tp->t_nreass = n + 1;
	return (1);
}

/* TCP-3: after rcv_nxt advanced, deliver the blocks it reached. */
static uint32_t
tcp_reass_pull(struct tcpcb *tp, int *hazard)
{
	struct tcp_reass_blk *b = tp->t_reass;
	uint32_t got = 0;
	int i, n = tp->t_nreass;

	for (i = 0; i < n && SEQ_LEQ(b[i].start, tp->rcv_nxt); i++) {
		if (SEQ_GT(b[i].end, tp->rcv_nxt)) {
			got += b[i].end - tp->rcv_nxt;
			tp->rcv_nxt = b[i].end;
			if (b[i].old)
				*hazard = 1;		/* HAZ-1 */
		}
	}
	if (i > 0) {
		memmove(&b[0], &b[i], (size_t)(n - i) * sizeof(*b));
		tp->t_nreass = n - i;
	}
	return (got);
}

/*
 * TCP-9, DP-12: the RTT sample of an ACK of new data: from the timestamp
 * it echoes when timestamps are on, else from the segment being timed
 * when the ACK covers it (tcp_do_segment's process_ACK).  Karn's rule is
 * in what is timed: only new data (tcp_output), and a retransmission
 * stops the timing (tcp_timer_rexmt, fast retransmit, partial ACKs).
 */
static void
tcp_rtt_sample(struct tcpcb *tp, const struct tcp_segment *seg)
{
	struct host *h = tp->t_host;
	uint32_t ticks;

	if ((seg->opt_flags & TOF_TS) && seg->tsecr != 0 &&
	    (tp->t_flags & TF_RCVD_TSTMP)) {
		ticks = tcp_ts_getticks(h) - (seg->tsecr - tp->ts_offset) + 1;
		if ((int32_t)ticks <= 0)
			return;
		/* TS-3: the timestamp clock counts milliseconds. */
		tcp_xmit_timer(tp, (sim_time_t)ticks * SIM_MSEC);
		tp->t_rttimed = 0;
	} else if (tp->t_rttimed && SEQ_GT(seg->ack, tp->t_rtseq)) {
		tcp_xmit_timer(tp, (sim_time_t)(host_ticks(h) -
		    tp->t_rtttime) * h->tick_ns);
		tp->t_rttimed = 0;
	}
}

/*
 * DP-5: tcp_newreno_partial_ack: an ACK inside recovery that does not
 * reach snd_recover: resend the next unacknowledged segment at once, and
 * deflate cwnd by what was acked less one segment.  snd_una is not yet
 * updated.
 */
static void
tcp_newreno_partial_ack(struct tcpcb *tp, tcp_seq ack)
{
	tcp_seq onxt = tp->snd_nxt;
	uint32_t ocwnd = tp->snd_cwnd, acked = ack - tp->snd_una;

	tcp_timer_rexmt_stop(tp);
	tp->t_rttimed = 0;
	tp->snd_nxt = ack;
	tp->snd_cwnd = tp->t_maxseg + acked;
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
	tp->snd_cwnd = ocwnd;
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
	tp->snd_cwnd = tp->snd_cwnd > acked ? tp->snd_cwnd - acked : 0;
	tp->snd_cwnd += tp->t_maxseg;
}

/*
 * DP-5: duplicate ACKs (tcp_do_segment): the third starts fast
 * retransmit and NewReno recovery, further ones inflate cwnd by a
 * segment each; with rfc3042 the first two send new data (limited
 * transmit).  Returns 1 when the segment is consumed (the kernel's `goto
 * drop`), 0 when processing goes on.
 */
static int
tcp_dupack(struct tcpcb *tp, const struct tcp_segment *seg, uint8_t thflags)
{
	struct host *h = tp->t_host;
	tcp_seq onxt;
	uint32_t oldcwnd, sent, sb, avail, awnd;
	tcp_seq oldsndmax;
	int finpending = (thflags & TH_FIN) &&
	    !TCPS_HAVERCVDFIN(tp->t_state);

	if (tp->t_rexmt == SIM_EVENT_NONE || seg->ack != tp->snd_una) {
		tp->t_dupacks = 0;
		return (0);
	}
	if (++tp->t_dupacks > TCPREXMTTHRESH ||
	    (tp->t_flags & TF_FASTRECOVERY)) {
		cc_ack_received(tp, 0, CC_DUPACK);
		if ((tp->t_flags & TF_SACK_PERMIT) &&
		    (tp->t_flags & TF_FASTRECOVERY)) {
			/*
			 * SACK-6: a segment more only while less than
			 * ssthresh is in flight (what the peer has not
			 * SACKed, plus what was resent).
			 */
			awnd = (tp->snd_nxt - tp->snd_fack) +
			    tp->sack_bytes_rexmit;
			if (awnd < tp->snd_ssthresh) {
				tp->snd_cwnd += tp->t_maxseg;
				if (tp->snd_cwnd > tp->snd_ssthresh)
					tp->snd_cwnd = tp->snd_ssthresh;
			}
		} else
			tp->snd_cwnd += tp->t_maxseg;
		if (finpending)
			return (0);
		(void)tcp_output(tp);
		return (1);
	}
	if (tp->t_dupacks == TCPREXMTTHRESH) {
		onxt = tp->snd_nxt;
		if ((tp->t_flags & TF_SACK_PERMIT) ?
		    (tp->t_flags & TF_FASTRECOVERY) != 0 :
		    SEQ_LEQ(seg->ack, tp->snd_recover)) {
			tp->t_dupacks = 0;
			return (0);
		}
		cc_cong_signal(tp, CC_NDUPACK);
		cc_ack_received(tp, 0, CC_DUPACK);
		tcp_timer_rexmt_stop(tp);
		tp->t_rttimed = 0;
		if (tp->t_flags & TF_SACK_PERMIT) {
			/*
			 * SACK-5: recovery from the scoreboard: one segment
			 * now (the first hole), more as duplicates come.
			 */
			h->stat.fast_rexmt++;
			TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "SACK-5",
			    "third duplicate ACK: SACK recovery to %u, ssthresh "
			    "%u", tp->snd_recover - tp->iss, tp->snd_ssthresh);
			tp->sack_newdata = tp->snd_nxt;
			tp->snd_cwnd = tp->t_maxseg;
			(void)tcp_output(tp);
			return (1);
		}
		tp->snd_nxt = seg->ack;
		tp->snd_cwnd = tp->t_maxseg;
		h->stat.fast_rexmt++;
		TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "DP-5",
		    "third duplicate ACK: fast retransmit of %u, ssthresh %u",
		    seg->ack - tp->iss, tp->snd_ssthresh);
		if (finpending)
			return (0);
		(void)tcp_output(tp);
		tp->snd_cwnd = tp->snd_ssthresh + tp->t_maxseg *
		    (uint32_t)(tp->t_dupacks - tp->snd_limited);
		if (SEQ_GT(onxt, tp->snd_nxt))
			tp->snd_nxt = onxt;
		return (1);
	}
	if (!h->tun.rfc3042)
		return (0);
	/* DP-5: limited transmit (RFC 3042). */
	cc_ack_received(tp, 0, CC_DUPACK);
	oldcwnd = tp->snd_cwnd;
	oldsndmax = tp->snd_max;
	if (tp->t_dupacks == 1)
		tp->snd_limited = 0;
	tp->snd_cwnd = (tp->snd_nxt - tp->snd_una) +
	    (uint32_t)(tp->t_dupacks - tp->snd_limited) * tp->t_maxseg;
	if (finpending)
		return (0);
	/* Only when there is new data to send (else it would be pure ACKs). */
	sb = tcp_sbcc(tp);
	avail = sb > tp->snd_nxt - tp->snd_una ? sb -
	    (tp->snd_nxt - tp->snd_una) : 0;
	if (avail > 0)
		(void)tcp_output(tp);
	sent = tp->snd_max - oldsndmax;
	if (sent > tp->t_maxseg)
		tp->snd_limited = 2;
	else if (sent > 0)
		tp->snd_limited++;
	tp->snd_cwnd = oldcwnd;
	return (1);
}

/*
 * DP-11: the receive buffer grows by recvbuf_inc (up to recvbuf_max) when
 * more than 7/8 of it arrived within one round trip as measured by our
 * own timestamp coming back, less than a second; one step per RTT, only
 * in a bulk transfer that takes the kernel's header-prediction path.
 */
static void
tcp_autorcvbuf(struct tcpcb *tp, const struct tcp_segment *seg,
    uint32_t tlen)
{
	struct host *h = tp->t_host;
	uint32_t tsecr, newsize = 0;

	if (!h->tun.recvbuf_auto || (seg->opt_flags & TOF_TS) == 0 ||
	    seg->tsecr == 0 || (tp->t_rcvsbflags & SB_AUTOSIZE) == 0)
		return;
	tsecr = seg->tsecr - tp->ts_offset;
	if (TSTMP_GT(tsecr, tp->rfbuf_ts) &&
	    tsecr - tp->rfbuf_ts < (uint32_t)h->tun.hz) {
		if (tp->rfbuf_cnt > tp->t_rcvbuf / 8 * 7 &&
		    tp->t_rcvbuf < (uint32_t)h->tun.recvbuf_max) {
			newsize = tp->t_rcvbuf + (uint32_t)h->tun.recvbuf_inc;
			if (newsize > (uint32_t)h->tun.recvbuf_max)
				newsize = (uint32_t)h->tun.recvbuf_max;
		}
		tp->rfbuf_ts = 0;
		tp->rfbuf_cnt = 0;
	} else
		tp->rfbuf_cnt += tlen;
	if (newsize != 0 && !tcp_sbreserve(tp, &tp->t_rcvbuf, newsize))
		tp->t_rcvsbflags &= ~SB_AUTOSIZE;
	else if (newsize != 0)
		TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "DP-11",
		    "receive buffer grown to %u", tp->t_rcvbuf);
}

static void
tcp_do_segment(struct tcpcb *tp, const struct tcp_segment *seg)
{
	struct host *h = tp->t_host;
	const struct tcp_app_ops *app;
	struct tcpcb *ltp;
	uint8_t thflags = seg->flags;
	tcp_seq th_seq = seg->seq;
	uint32_t tlen = seg->len, delivered = 0;
	int32_t todrop;
	uint32_t tiwin, acked, maxwin;
	int has_ts, old, fin_old, hazard = 0, ourfinisacked, predict;
	int up_connected = 0, up_accepted = 0, up_peerclosed = 0;

	old = tcp_seg_is_old(tp, seg);
	tp->t_rcvtime = sim_now(h->sim);	/* FW2-2 */
	has_ts = (seg->opt_flags & TOF_TS) &&
	    (tp->t_flags & (TF_REQ_TSTMP | TF_RCVD_TSTMP)) ==
	    (TF_REQ_TSTMP | TF_RCVD_TSTMP);
	/* DP-8: the window, unscaled (a SYN's never is: snd_scale is 0). */
	tiwin = (uint32_t)seg->win << tp->snd_scale;

	if (tp->t_state == TCPS_SYN_SENT) {
		/* TCP-1: the ACK of a SYN-ACK must cover exactly our SYN. */
		if ((thflags & TH_ACK) && (SEQ_LEQ(seg->ack, tp->iss) ||
		    SEQ_GT(seg->ack, tp->snd_max))) {
			if (h->stack->synsent_bad_ack != NULL)
				h->stack->synsent_bad_ack(tp);	/* LNX-25 */
			tcp_respond_rst(h, seg);
			return;
		}
		/* TCP-4: RST|ACK to our SYN: refused. */
		if (thflags & TH_RST) {
			if (thflags & TH_ACK) {
				h->stat.conn_failed_reset++;
				(void)tcp_drop(tp, ECONNREFUSED);
			}
			return;
		}
		if ((thflags & TH_SYN) == 0)
			return;
		tp->irs = th_seq;
		tp->rcv_nxt = th_seq + 1;
		tp->rcv_adv = tp->rcv_nxt + tp->rcv_wnd;
		tp->peer_conn_id = seg->conn_id;
		/* DP-8: scaling when both SYNs offered it. */
		if ((seg->opt_flags & TOF_SCALE) &&
		    (tp->t_flags & TF_REQ_SCALE)) {
			tp->t_flags |= TF_RCVD_SCALE;
			tp->snd_scale = seg->wscale > TCP_MAX_WINSHIFT ?
			    TCP_MAX_WINSHIFT : seg->wscale;
		} else
			tp->t_flags &= ~TF_REQ_SCALE;
		tp->snd_wnd = seg->win;
		tp->max_sndwnd = tp->snd_wnd;
		tp->snd_wl1 = th_seq;
		tp->snd_wl2 = seg->ack;
		if ((tp->t_flags & TF_REQ_TSTMP) && (seg->opt_flags & TOF_TS)) {
			tp->t_flags |= TF_RCVD_TSTMP;
			tp->ts_recent = seg->tsval;
		} else
			tp->t_flags &= ~TF_REQ_TSTMP;
		/* SACK-1: SACK only when the SYN-ACK permits it too. */
		if ((seg->opt_flags & TOF_SACKPERM) == 0)
			tp->t_flags &= ~TF_SACK_PERMIT;
		tcp_mss(tp);
		tp->t_flags |= TF_ACKNOW;
		if (thflags & TH_ACK) {
			if ((tp->t_flags & (TF_RCVD_SCALE | TF_REQ_SCALE)) ==
			    (TF_RCVD_SCALE | TF_REQ_SCALE))
				tp->rcv_scale = tp->request_r_scale;
			maxwin = (uint32_t)TCP_MAXWIN << tp->rcv_scale;
			tp->rcv_adv = tp->rcv_nxt + (tp->rcv_wnd < maxwin ?
			    tp->rcv_wnd : maxwin);
			tp->snd_una = seg->ack;
			if (SEQ_LT(tp->snd_nxt, tp->snd_una))
				tp->snd_nxt = tp->snd_una;
			tcp_timer_rexmt_stop(tp);
			tcp_timer_keep_stop(tp);
			tp->t_rxtshift = 0;
			tp->t_rxtcur = tcp_rexmtval(tp);
			tcp_rtt_sample(tp, seg);
			tcp_state_change(tp, TCPS_ESTABLISHED);
			cc_conn_init(tp);
			h->stat.conn_established++;
			up_connected = 1;
		} else {
			/* Simultaneous open (RFC 793): send SYN-ACK. */
			tcp_state_change(tp, TCPS_SYN_RECEIVED);
			tp->snd_nxt = tp->snd_una;
			tcp_timer_rexmt_stop(tp);
		}
		goto upcalls;
	}

	/*
	 * DP-11: header prediction's bulk-receive path: in-order data and
	 * nothing else, in ESTABLISHED, nothing being retransmitted, the
	 * window unchanged, nothing waiting for reassembly.  Only there does
	 * the receive buffer grow; any other segment restarts its count.
	 */
	predict = tp->t_state == TCPS_ESTABLISHED && th_seq == tp->rcv_nxt &&
	    (thflags & (TH_SYN | TH_FIN | TH_RST | TH_ACK)) == TH_ACK &&
	    tp->snd_nxt == tp->snd_max && tiwin != 0 &&
	    tiwin == tp->snd_wnd && tp->t_nreass == 0 &&
	    (!has_ts || TSTMP_GEQ(seg->tsval, tp->ts_recent)) &&
	    tlen > 0 && seg->ack == tp->snd_una;
	if (predict)
		tcp_autorcvbuf(tp, seg, tlen);
	else {
		tp->rfbuf_ts = 0;
		tp->rfbuf_cnt = 0;
	}
	/* The window: the (empty) receive buffer, or what we advertised. */
	tp->rcv_wnd = tp->t_rcvbuf;
	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt) &&
	    tp->rcv_adv - tp->rcv_nxt > tp->rcv_wnd)
		tp->rcv_wnd = tp->rcv_adv - tp->rcv_nxt;

	/*
	 * TCP-4: a RST in the window closes the connection (FreeBSD of this
	 * era: rcv_nxt <= seq < rcv_nxt + rcv_wnd).  HAZ-3 when it is old.
	 */
	if (thflags & TH_RST) {
		int error = 0;

		if (!(SEQ_GEQ(th_seq, tp->rcv_nxt) &&
		    SEQ_LT(th_seq, tp->rcv_nxt + tp->rcv_wnd)))
			return;
		/*
		 * HAZ-3 (old), HAZ-7: a RST answering a segment of another
		 * incarnation of this endpoint (an old duplicate of ours that
		 * reached the peer after the connection there was gone) that
		 * lands in this incarnation's window.
		 */
		if (old)
			tcp_hazard(tp, "HAZ-3", "a RST");
		else if (seg->rst_for != 0 && seg->rst_for != tp->conn_id)
			tcp_hazard(tp, "HAZ-7", "a RST answering");
		switch (tp->t_state) {
		case TCPS_SYN_RECEIVED:
			error = ECONNREFUSED;
			break;
		case TCPS_ESTABLISHED:
		case TCPS_FIN_WAIT_1:
		case TCPS_FIN_WAIT_2:
		case TCPS_CLOSE_WAIT:
			error = ECONNRESET;
			break;
		default:	/* CLOSING, LAST_ACK: just close */
			break;
		}
		if (error != 0)
			h->stat.conn_failed_reset++;
		tcp_reset_close(tp, error);
		return;
	}

	/* TCP-10: PAWS (RFC 7323 5.3): an old timestamp is not accepted. */
	if (has_ts && tp->ts_recent != 0 &&
	    TSTMP_LT(seg->tsval, tp->ts_recent)) {
		tp->t_flags |= TF_ACKNOW;
		goto dropafterack;
	}

	/* The peer resends its SYN: our SYN-ACK was lost; send it again. */
	if (tp->t_state == TCPS_SYN_RECEIVED && (thflags & TH_SYN) &&
	    th_seq == tp->irs) {
		tp->snd_nxt = tp->snd_una;
		(void)tcp_output(tp);
		return;
	}

	/* A segment before the SYN we answered is not for us. */
	if (tp->t_state == TCPS_SYN_RECEIVED && SEQ_LT(th_seq, tp->irs)) {
		tcp_respond_rst(h, seg);
		return;
	}

	/* TCP-3: trim what was already received (duplicates are acked). */
	todrop = (int32_t)(tp->rcv_nxt - th_seq);
	if (todrop > 0) {
		if (thflags & TH_SYN) {
			thflags &= ~TH_SYN;
			th_seq++;
			todrop--;
		}
		if (todrop > (int32_t)tlen ||
		    (todrop == (int32_t)tlen && (thflags & TH_FIN) == 0)) {
			/* A complete duplicate: ack it, act on nothing. */
			thflags &= ~TH_FIN;
			tp->t_flags |= TF_ACKNOW;
			todrop = (int32_t)tlen;
		}
		th_seq += (uint32_t)todrop;
		tlen -= (uint32_t)todrop;
	}

	/*
	 * TCP-13: new data after the application closed resets the peer
	 * (tcps_rcvafterclose).  HAZ-1 when the data is old.
	 */
	if ((tp->t_flags & TF_APPCLOSED) && tp->t_state > TCPS_CLOSE_WAIT &&
	    tlen > 0) {
		if (old)
			tcp_hazard(tp, "HAZ-1", "data after close");
		(void)tcp_close(tp);
		tcp_respond_rst(h, seg);
		return;
	}

	/* Data beyond the window is dropped (and acked). */
	todrop = (int32_t)((th_seq + tlen) - (tp->rcv_nxt + tp->rcv_wnd));
	if (todrop > 0) {
		if (todrop >= (int32_t)tlen) {
			if (!(tp->rcv_wnd == 0 && th_seq == tp->rcv_nxt))
				goto dropafterack;
			tp->t_flags |= TF_ACKNOW;
		}
		tlen -= (uint32_t)todrop > tlen ? tlen : (uint32_t)todrop;
		thflags &= ~(TH_PUSH | TH_FIN);
	}

	/* RFC 7323 4.3: remember the timestamp of the segment we ack. */
	if (has_ts && SEQ_LEQ(th_seq, tp->rcv_nxt) &&
	    SEQ_LEQ(tp->rcv_nxt, th_seq + tlen +
	    ((thflags & (TH_SYN | TH_FIN)) != 0)))
		tp->ts_recent = seg->tsval;

	/*
	 * TCP-12: a SYN in the window is an error: RST and drop (FreeBSD
	 * before RFC 5961).  HAZ-4 when it is old.
	 */
	if (thflags & TH_SYN) {
		if (old)
			tcp_hazard(tp, "HAZ-4", "a SYN");
		h->stat.conn_failed_reset++;
		(void)tcp_drop(tp, ECONNRESET);
		return;
	}

	if ((thflags & TH_ACK) == 0) {
		if (tp->t_flags & TF_ACKNOW)
			goto dropafterack;
		return;
	}

	/* ACK processing. */
	if (tp->t_state == TCPS_SYN_RECEIVED) {
		/* TCP-1: the third segment of the handshake. */
		if (SEQ_LEQ(seg->ack, tp->snd_una) ||
		    SEQ_GT(seg->ack, tp->snd_max)) {
			tcp_respond_rst(h, seg);
			return;
		}
		tcp_timer_keep_stop(tp);
		if (tp->t_app == NULL) {
			h->stat.accepts++;
			up_accepted = 1;
		} else {
			h->stat.conn_established++;
			up_connected = 1;
		}
		/* DP-1, DP-8: syncache_socket's tcp_mss; scaling if both. */
		tcp_mss(tp);
		if ((tp->t_flags & (TF_RCVD_SCALE | TF_REQ_SCALE)) ==
		    (TF_RCVD_SCALE | TF_REQ_SCALE))
			tp->rcv_scale = tp->request_r_scale;
		tp->snd_wnd = tiwin;
		tp->snd_wl1 = th_seq - 1;
		tcp_state_change(tp, TCPS_ESTABLISHED);
		cc_conn_init(tp);
	}
	if (SEQ_GT(seg->ack, tp->snd_max)) {
		tp->t_flags |= TF_ACKNOW;
		goto dropafterack;
	}
	/* SACK-4: the scoreboard takes the ACK and its blocks first. */
	if ((tp->t_flags & TF_SACK_PERMIT) &&
	    ((seg->opt_flags & TOF_SACK) || tp->snd_numholes > 0))
		tcp_sack_doack(tp, seg);
	if (SEQ_LEQ(seg->ack, tp->snd_una)) {
		/* DP-5: a duplicate ACK: nothing but the same window. */
		if (tlen == 0 && tiwin == tp->snd_wnd) {
			if (tcp_dupack(tp, seg, thflags))
				return;
		} else
			tp->t_dupacks = 0;
	} else {
		/* TCP-2: new data acknowledged. */
		if (tp->t_flags & TF_FASTRECOVERY) {
			if (SEQ_GEQ(seg->ack, tp->snd_recover))
				cc_post_recovery(tp, seg->ack);
			else if (tp->t_flags & TF_SACK_PERMIT)
				tcp_sack_partialack(tp, seg->ack);
			else
				tcp_newreno_partial_ack(tp, seg->ack);
		}
		tp->t_dupacks = 0;
		tcp_rtt_sample(tp, seg);
		tp->t_rxtshift = 0;
		tp->t_rxtcur = tcp_rexmtval(tp);
		ourfinisacked = (tp->t_flags & TF_SENTFIN) &&
		    seg->ack == tp->snd_max;
		if (seg->ack == tp->snd_max)
			tcp_timer_rexmt_stop(tp);
		else
			tcp_timer_rexmt_start(tp);
		/* DP-3: what this ACK covers, less our SYN and FIN. */
		acked = seg->ack - tp->snd_una;
		if (tp->snd_una == tp->iss && acked > 0)
			acked--;
		if (ourfinisacked && acked > 0)
			acked--;
		if (acked > 0)
			cc_ack_received(tp, acked, CC_ACK);
		tp->snd_wnd = tp->snd_wnd > acked ? tp->snd_wnd - acked : 0;
		/* snd_recover stays behind snd_una across a wrap. */
		if ((tp->t_flags & TF_FASTRECOVERY) == 0 &&
		    SEQ_GT(tp->snd_una, tp->snd_recover) &&
		    SEQ_LEQ(seg->ack, tp->snd_recover))
			tp->snd_recover = seg->ack - 1;
		if ((tp->t_flags & TF_FASTRECOVERY) &&
		    SEQ_GEQ(seg->ack, tp->snd_recover))
			tp->t_flags &= ~TF_FASTRECOVERY;
		tp->snd_una = seg->ack;
		if ((tp->t_flags & TF_SACK_PERMIT) &&
		    SEQ_GT(tp->snd_una, tp->snd_recover))
			tp->snd_recover = tp->snd_una;
		if (SEQ_LT(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
		if (ourfinisacked) {
			switch (tp->t_state) {
			case TCPS_FIN_WAIT_1:
				/* FW2-1: do not wait for ever for the FIN. */
				tcp_state_change(tp, TCPS_FIN_WAIT_2);
				if (h->stack->finwait2 == NULL)
					tcp_timer_2msl_start(tp);
				else if (h->stack->finwait2(tp, seg))
					return;		/* LNX-24 */
				break;
			case TCPS_CLOSING:
				/* TCP-15: into TIME_WAIT (tcp_twstart). */
				tcp_state_change(tp, TCPS_TIME_WAIT);
				h->stack->twstart(tp);
				return;
			case TCPS_LAST_ACK:
				/* TCP-16: the passive closer is done. */
				(void)tcp_close(tp);
				return;
			default:
				break;
			}
		}
	}
	/* DP-8: step6: take the window of the newest segment. */
	if (SEQ_LT(tp->snd_wl1, th_seq) || (tp->snd_wl1 == th_seq &&
	    (SEQ_LT(tp->snd_wl2, seg->ack) || (tp->snd_wl2 == seg->ack &&
	    tiwin > tp->snd_wnd)))) {
		tp->snd_wnd = tiwin;
		tp->snd_wl1 = th_seq;
		tp->snd_wl2 = seg->ack;
		if (tp->snd_wnd > tp->max_sndwnd)
			tp->max_sndwnd = tp->snd_wnd;
	}

	/*
	 * TCP-2: in-order data goes to the application, with whatever the
	 * reassembly queue holds after it; TCP-3: out-of-order data (and an
	 * early FIN) waits in the queue.
	 */
	fin_old = old;
	if ((tlen > 0 || (thflags & TH_FIN)) &&
	    !TCPS_HAVERCVDFIN(tp->t_state)) {
		if (th_seq == tp->rcv_nxt) {
			/*
			 * DP-7: in-order data with nothing to reassemble is
			 * acked at once only every second segment (the
			 * delayed-ACK timer is running); otherwise the ACK
			 * waits for the timer or for data to ride on.  LNX-22:
			 * a Linux connection's first data segments are acked
			 * at once (quickack mode).
			 */
			if (tp->t_nreass == 0 &&
			    tp->t_state >= TCPS_ESTABLISHED &&
			    tp->t_delack == SIM_EVENT_NONE &&
			    h->tun.delayed_ack && tp->t_quickack == 0)
				tp->t_flags |= TF_DELACK;
			else
				tp->t_flags |= TF_ACKNOW;
			if (tlen > 0 && tp->t_quickack > 0 &&
			    --tp->t_quickack == 0)
				TCP_TRACE(h, tp->conn_id, tp->peer_conn_id,
				    "LNX-22", "last quick ACK: delayed ACKs "
				    "from now on");
			tp->rcv_nxt += tlen;
			delivered = tlen;
			if (old && tlen > 0)
				hazard = 1;		/* HAZ-1 */
			if ((thflags & TH_FIN) == 0 && tp->t_nreass > 0)
				delivered += tcp_reass_pull(tp, &hazard);
			if ((thflags & TH_FIN) == 0 && tp->t_reass_fin &&
			    tp->t_reass_finseq == tp->rcv_nxt) {
				thflags |= TH_FIN;
				fin_old = tp->t_reass_fin_old;
			}
		} else {
			if (tlen > 0 && !tcp_reass_insert(tp, th_seq, tlen,
			    old)) {
				/* Dropped, FIN and all: nothing to SACK. */
				tlen = 0;
				thflags &= ~TH_FIN;
			}
			if (thflags & TH_FIN) {
				tp->t_reass_fin = 1;
				tp->t_reass_fin_old = old;
				tp->t_reass_finseq = th_seq + tlen;
				thflags &= ~TH_FIN;
			}
			tp->t_flags |= TF_ACKNOW;
		}
	}

	/* SACK-3: the blocks we report, once the data is in. */
	if (tlen > 0 && (tp->t_flags & TF_SACK_PERMIT) &&
	    !TCPS_HAVERCVDFIN(tp->t_state))
		tcp_update_sack_list(tp, th_seq, th_seq + tlen);

	/* TCP-15/16: the peer's FIN, once everything before it arrived. */
	if (thflags & TH_FIN) {
		if (!TCPS_HAVERCVDFIN(tp->t_state)) {
			tp->rcv_nxt++;
			up_peerclosed = 1;
			tp->t_nreass = 0;
			tp->t_reass_fin = 0;
			if (fin_old)
				hazard = 2;		/* HAZ-2 */
		}
		tp->t_flags |= TF_ACKNOW;
		switch (tp->t_state) {
		case TCPS_SYN_RECEIVED:
		case TCPS_ESTABLISHED:
			tcp_state_change(tp, TCPS_CLOSE_WAIT);
			break;
		case TCPS_FIN_WAIT_1:
			tcp_state_change(tp, TCPS_CLOSING);
			break;
		case TCPS_FIN_WAIT_2:
			/* TW-10: TF_ACKNOW is set, the entry sends the ACK. */
			if (hazard)
				tcp_hazard(tp, hazard == 2 ? "HAZ-2" : "HAZ-1",
				    hazard == 2 ? "a FIN" : "data");
			tcp_state_change(tp, TCPS_TIME_WAIT);
			tp->t_host->stack->twstart(tp);
			return;
		default:
			break;
		}
	}
	if (hazard)
		tcp_hazard(tp, hazard == 2 ? "HAZ-2" : "HAZ-1",
		    hazard == 2 ? "a FIN" : "data");

upcalls:
	/* TCP-11: the listener's application takes the new connection. */
	if (up_accepted) {
		ltp = tp->t_app_arg;
		tp->t_app_arg = NULL;
		if (ltp != NULL && ltp->t_app != NULL &&
		    ltp->t_app->accepted != NULL) {
			tp->t_app = ltp->t_app;
			ltp->t_app->accepted(ltp->t_app_arg, tp,
			    &tp->t_app_arg);
		} else {
			/* Nobody to accept it: close at once. */
			tp->t_app = NULL;
			(void)tcp_usr_close(tp);
			up_peerclosed = 0;
			delivered = 0;
		}
	}
	app = tp->t_app;
	if (up_connected && app != NULL && app->connected != NULL)
		app->connected(tp->t_app_arg, tp);
	app = tp->t_app;
	if (delivered > 0 && app != NULL && app->received != NULL)
		app->received(tp->t_app_arg, tp, delivered);
	app = tp->t_app;
	if (up_peerclosed && app != NULL && app->peer_closed != NULL)
		app->peer_closed(tp->t_app_arg, tp);
	(void)tcp_output(tp);
	/* DP-7: check_delack: an ACK nothing carried waits for the timer. */
	if (tp->t_flags & TF_DELACK) {
		tp->t_flags &= ~TF_DELACK;
		tcp_timer_delack_start(tp);
	}
	return;

dropafterack:
	if (thflags & TH_RST)
		return;
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

void
tcp_input(struct host *h, const struct tcp_segment *seg)
{
	struct inpcb *inp;
	struct tcpcb *tp;
	tcp_seq tw_isn = 0;
	int again = 0;

	h->stat.segs_rcvd++;
findpcb:
	/* The hint, checked, is the lookup's answer; else the table. */
	inp = in_pcblookup_hint(&h->pcbinfo, seg->dst_pcb, seg->saddr,
	    seg->sport, seg->daddr, seg->dport);
	if (inp == NULL)
		inp = in_pcblookup(&h->pcbinfo, seg->saddr, seg->sport,
		    seg->daddr, seg->dport, 1);
	if (inp == NULL) {
		/* TCP-4: nobody listens: RST (drops_noport for a SYN). */
		if ((seg->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN)
			h->stat.drops_noport++;
		tcp_respond_rst(h, seg);
		return;
	}
	if (inp->inp_flags & INP_TIMEWAIT) {
		/* TW-14..TW-19; TW-16: a reopening SYN finds the listener. */
		if (h->stack->twcheck(inp, seg, &tw_isn) && !again) {
			again = 1;
			goto findpcb;
		}
		return;
	}
	tp = inp->inp_ppcb;
	if (tp == NULL) {
		tcp_respond_rst(h, seg);
		return;
	}
	if (tp->t_state == TCPS_LISTEN) {
		tcp_input_listen(h, tp, seg, tw_isn);
		return;
	}
	tp->t_peer_pcb = seg->src_pcb;	/* for dst_pcb: a hint only */
	/* SYNC-3..SYNC-7: a passive open is not a socket until its ACK. */
	if (tp->t_flags & TF_SYNCACHE) {
		switch (syncache_input(tp, seg)) {
		case 1:
			break;
		case SYNCACHE_LOOKUP_AGAIN:
			if (!again) {
				again = 1;
				goto findpcb;
			}
			return;
		default:
			return;
		}
	}
	tcp_do_segment(tp, seg);
}
