/*
 * tcp_output.c -- what a connection sends (FreeBSD's netinet/tcp_output.c,
 * reduced to the model's needs).
 *
 * Data is a byte count, so the send "buffer" is three numbers: snd_una
 * (oldest unacknowledged), snd_max (highest sent) and snd_queued (bytes the
 * application queued that were never sent).  The end of the data stream is
 * snd_max + snd_queued, or snd_max - 1 once the FIN went out (the FIN takes
 * the sequence number after the last byte).  A retransmission rewinds
 * snd_nxt to snd_una and sends again from there (go-back-N, TCP-8).
 * What may go is what the send buffer holds (at most t_sndbuf bytes from
 * snd_una) within min(the peer's window, cwnd), in segments of t_maxseg,
 * short ones only as sender silly-window avoidance and Nagle allow
 * (DP-4, DP-9, DP-10).
 *
 * tcp_output() is called after every state change that may have something
 * to send: the user requests, the end of input processing (which also
 * carries the ACK, TCP-5), the retransmit and delayed-ACK timers.  Most
 * calls find nothing to send; tcp_output_idle() recognises the commonest
 * of them with a few of the full decision's own tests, so that
 * tcp_output_full() runs only when it may send or change something.
 */
#include "config.h"

#include <string.h>

#include "models/cc_newreno.h"
#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/segment.h"
#include "models/tcp_var.h"
#include "models/trace.h"

/* Flags per state (FreeBSD's tcp_outflags[], tcp_fsm.h). */
static const uint8_t tcp_outflags[TCP_NSTATES] = {
	[TCPS_CLOSED] = 0,
	[TCPS_LISTEN] = 0,
	[TCPS_SYN_SENT] = TH_SYN,
	[TCPS_SYN_RECEIVED] = TH_SYN | TH_ACK,
	[TCPS_ESTABLISHED] = TH_ACK,
	[TCPS_CLOSE_WAIT] = TH_ACK,
	[TCPS_FIN_WAIT_1] = TH_FIN | TH_ACK,
	[TCPS_CLOSING] = TH_FIN | TH_ACK,
	[TCPS_LAST_ACK] = TH_FIN | TH_ACK,
	[TCPS_FIN_WAIT_2] = TH_ACK,
	[TCPS_TIME_WAIT] = TH_ACK,
};

void
tcp_state_change(struct tcpcb *tp, enum tcp_state s)
{
	struct host *h = tp->t_host;

	TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, NULL, "state %s -> %s",
	    tcp_state_name(tp->t_state), tcp_state_name(s));
	if (tp->t_state == TCPS_ESTABLISHED && s != TCPS_ESTABLISHED)
		h->stat.established--;
	else if (tp->t_state != TCPS_ESTABLISHED && s == TCPS_ESTABLISHED)
		h->stat.established++;
	tp->t_state = s;
}

/* Sequence number just after the last data byte the application queued. */
static tcp_seq
tcp_data_end(const struct tcpcb *tp)
{

	uint64_t q = tp->snd_queued;

	if (tp->t_flags & TF_SENTFIN)
		return (tp->snd_max - 1);
	/*
	 * Sequence space is 32 bits: look at most 1 GiB ahead (the window
	 * keeps far less in flight), so a multi-GiB queue never wraps.
	 */
	if (q > ((uint64_t)1 << 30))
		q = (uint64_t)1 << 30;
	return (tp->snd_max + (uint32_t)q);
}

uint32_t
tcp_sbcc(const struct tcpcb *tp)
{
	tcp_seq data_end = tcp_data_end(tp);
	uint32_t total;

	/*
	 * DP-9: the application writes all it has at once and blocks when
	 * the buffer is full, so the buffer holds min(its size, everything
	 * from snd_una to the end of the data).
	 */
	total = SEQ_GT(data_end, tp->snd_una) ? data_end - tp->snd_una : 0;
	return (total < tp->t_sndbuf ? total : tp->t_sndbuf);
}

/*
 * DP-9: the window we offer is the receive buffer (the application reads
 * at once), never less than what we already advertised and at most
 * TCP_MAXWIN << rcv_scale.
 */
static inline uint32_t
tcp_recwin(const struct tcpcb *tp)
{
	uint32_t recwin = tp->t_rcvbuf;

	if (recwin < tp->t_rcvbuf / 4 && recwin < tp->t_maxseg)
		recwin = 0;
	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt) &&
	    recwin < tp->rcv_adv - tp->rcv_nxt)
		recwin = tp->rcv_adv - tp->rcv_nxt;
	if (recwin > (uint32_t)TCP_MAXWIN << tp->rcv_scale)
		recwin = (uint32_t)TCP_MAXWIN << tp->rcv_scale;
	return (recwin);
}

/*
 * DP-9: a window update of its own (when nothing else goes) when the
 * window grew by two segments and by a quarter of the buffer (or the
 * buffer is small), unless a delayed ACK will carry it or the peer is
 * done sending.
 */
static inline int
tcp_winupdate_due(const struct tcpcb *tp, uint32_t recwin)
{
	uint32_t adv, oldwin;

	if (tp->t_state < TCPS_ESTABLISHED || (tp->t_flags & TF_DELACK) ||
	    tp->t_state == TCPS_CLOSE_WAIT || tp->t_state == TCPS_CLOSING ||
	    tp->t_state == TCPS_LAST_ACK || tp->t_state == TCPS_TIME_WAIT)
		return (0);
	adv = recwin;
	oldwin = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ?
	    tp->rcv_adv - tp->rcv_nxt : 0;
	adv = adv > oldwin ? adv - oldwin : 0;
	return ((oldwin >> tp->rcv_scale) != ((adv + oldwin) >>
	    tp->rcv_scale) && adv >= 2 * tp->t_maxseg &&
	    (adv >= tp->t_rcvbuf / 4 || recwin <= tp->t_rcvbuf / 8 ||
	    tp->t_rcvbuf <= 8 * tp->t_maxseg));
}

/*
 * 1 when tcp_output_full() would send nothing and change nothing: most
 * calls, above all the one at the end of every tcp_input, find nothing to
 * do, and this answers them in a tenth of the instructions.  It decides
 * nothing of its own: each test below is one that tcp_output_full()
 * makes, and when any of them could lead it to send or to change state,
 * the answer is 0 and tcp_output_full() decides as it always did.  A
 * connection in ESTABLISHED or later (no SYN to send) qualifies when
 *
 *  - no ACK is owed (TF_ACKNOW), it is not in SACK recovery (SACK-5:
 *    resends from the scoreboard) and TF_LASTIDLE is clear (tcp_output
 *    clears it);
 *  - it was not rewound (snd_nxt == snd_max: no SACK-7 adjustment, no
 *    retransmission pending);
 *  - DP-13: it is not idle for an RTO (the window would restart);
 *  - no byte waits beyond snd_nxt, so the length that DP-4/DP-9 allow is
 *    0 whatever the window, and no FIN waits (none in the state's flags,
 *    or sent already: its sequence number is then below the data end);
 *  - DP-10: less than 7/8 of the send buffer is in flight, so the
 *    buffer does not grow (the send buffer holds at most what is in
 *    flight);
 *  - SACK-5: the retransmit timer need not be restarted;
 *  - DP-9: no window update is due.
 */
static inline int
output_idle(const struct tcpcb *tp)
{
	uint32_t tf = tp->t_flags;

	if (tp->t_state < TCPS_ESTABLISHED ||
	    (tf & (TF_ACKNOW | TF_FASTRECOVERY | TF_LASTIDLE)) != 0 ||
	    tp->snd_nxt != tp->snd_max)
		return (0);
	if (tp->snd_max == tp->snd_una &&
	    sim_now(tp->t_host->sim) - tp->t_rcvtime >= tp->t_rxtcur)
		return (0);
	if (SEQ_GT(tcp_data_end(tp), tp->snd_nxt) ||
	    ((tcp_outflags[tp->t_state] & TH_FIN) && (tf & TF_SENTFIN) == 0))
		return (0);
	if (tp->snd_max - tp->snd_una >= tp->t_sndbuf / 8 * 7)
		return (0);
	if ((tf & TF_SACK_PERMIT) && SEQ_GT(tp->snd_max, tp->snd_una) &&
	    tp->t_rexmt == SIM_EVENT_NONE && (tf & TF_SYNCACHE) == 0)
		return (0);
	return (!tcp_winupdate_due(tp, tcp_recwin(tp)));
}

int
tcp_output_idle(const struct tcpcb *tp)
{

	return (output_idle(tp));
}

int
tcp_output(struct tcpcb *tp)
{

	if (tp->t_inpcb == NULL || tcp_outflags[tp->t_state] == 0 ||
	    output_idle(tp))
		return (0);
	return (tcp_output_full(tp));
}

/* tcp_output(), for a connection that may have something to send. */
int
tcp_output_full(struct tcpcb *tp)
{
	struct host *h = tp->t_host;
	struct inpcb *inp = tp->t_inpcb;
	struct tcp_segment seg;
	struct sackhole *p;
	tcp_seq data_end, datastart, old_max, startseq;
	uint32_t len, off, sendwin, sb_cc, recwin, newdata;
	uint32_t sack_bytes_rxmt, cwin, i, nsacks;
	uint8_t flags;
	int sent = 0, sendalot, use_ts, idle, dosend, sack_rxmit;

	if (inp == NULL || tcp_outflags[tp->t_state] == 0)
		return (0);
	/*
	 * DP-13: idle (nothing in flight) for an RTO since the last segment
	 * arrived: the window restarts (cc_after_idle).  `idle` is decided
	 * once per call: it lets a short last segment go (Nagle, DP-9).
	 */
	idle = (tp->t_flags & TF_LASTIDLE) || tp->snd_max == tp->snd_una;
	if (idle && tp->t_state >= TCPS_ESTABLISHED &&
	    sim_now(h->sim) - tp->t_rcvtime >= tp->t_rxtcur) {
		cc_after_idle(tp);
		TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "DP-13",
		    "idle for an RTO: cwnd restarts at %u", tp->snd_cwnd);
	}
	tp->t_flags &= ~TF_LASTIDLE;

again:
	/* SACK-7: after a timeout, skip what the peer reported holding. */
	if ((tp->t_flags & TF_SACK_PERMIT) && SEQ_LT(tp->snd_nxt, tp->snd_max))
		tcp_sack_adjust(tp);
	flags = tcp_outflags[tp->t_state];
	/* The SYN goes out only from iss (first send or after a rewind). */
	if ((flags & TH_SYN) && tp->snd_nxt != tp->iss)
		flags &= ~TH_SYN;

	len = 0;
	sendalot = 0;
	dosend = 0;
	sb_cc = 0;
	sack_rxmit = 0;
	sack_bytes_rxmt = 0;
	p = NULL;
	data_end = tcp_data_end(tp);
	off = tp->snd_nxt - tp->snd_una;
	sendwin = tp->snd_wnd < tp->snd_cwnd ? tp->snd_wnd : tp->snd_cwnd;
	/*
	 * SACK-5: in recovery, first resend from the scoreboard's next hole
	 * (never beyond snd_recover) what the window leaves after what was
	 * resent already.
	 */
	if ((tp->t_flags & (TF_SACK_PERMIT | TF_FASTRECOVERY)) ==
	    (TF_SACK_PERMIT | TF_FASTRECOVERY) &&
	    (p = tcp_sack_output(tp, &sack_bytes_rxmt)) != NULL) {
		cwin = sendwin > sack_bytes_rxmt ? sendwin - sack_bytes_rxmt : 0;
		if (SEQ_GT(p->end, tp->snd_recover)) {
			if (SEQ_GEQ(p->rxmit, tp->snd_recover))
				p = NULL;
			else
				len = tp->snd_recover - p->rxmit;
		} else
			len = p->end - p->rxmit;
		if (p != NULL) {
			if (len > cwin)
				len = cwin;
			off = p->rxmit - tp->snd_una;
			if (len > 0) {
				sack_rxmit = 1;
				sendalot = 1;
			}
		}
	}
	if (tp->t_state >= TCPS_ESTABLISHED && SEQ_GT(tp->snd_nxt, tp->iss)) {
		/*
		 * DP-4, DP-9: what may be in flight is the smaller of the
		 * peer's window and cwnd, and only what the send buffer
		 * holds (tcp_output's len = min(sb_cc, sendwin) - off).
		 * SACK-5: new data during SACK recovery: cwnd less what went
		 * since recovery began and what was resent.
		 */
		sb_cc = tcp_sbcc(tp);
		if (sack_rxmit)
			;
		else if (sack_bytes_rxmt == 0) {
			len = (sb_cc < sendwin ? sb_cc : sendwin);
			len = len > off ? len - off : 0;
		} else {
			len = sb_cc < tp->snd_wnd ? sb_cc : tp->snd_wnd;
			len = len > off ? len - off : 0;
			cwin = tp->snd_nxt - tp->sack_newdata +
			    sack_bytes_rxmt;
			cwin = tp->snd_cwnd > cwin ? tp->snd_cwnd - cwin : 0;
			if (len > cwin)
				len = cwin;
		}
		/*
		 * DP-10: sendbuf_auto grows the send buffer by sendbuf_inc
		 * when the peer's window is at least 4/5 of it, it is 7/8
		 * full, below sendbuf_max, and the window covers what it
		 * holds beyond what is in flight.
		 */
		if (h->tun.sendbuf_auto && (tp->t_sndsbflags & SB_AUTOSIZE) &&
		    tp->snd_wnd / 4 * 5 >= tp->t_sndbuf &&
		    sb_cc >= tp->t_sndbuf / 8 * 7 &&
		    sb_cc < (uint32_t)h->tun.sendbuf_max &&
		    sendwin >= sb_cc - (off < sb_cc ? off : sb_cc)) {
			uint32_t want = tp->t_sndbuf +
			    (uint32_t)h->tun.sendbuf_inc;

			if (want > (uint32_t)h->tun.sendbuf_max)
				want = (uint32_t)h->tun.sendbuf_max;
			if (!tcp_sbreserve(tp, &tp->t_sndbuf, want))
				tp->t_sndsbflags &= ~SB_AUTOSIZE;
			else
				TCP_TRACE(h, tp->conn_id, tp->peer_conn_id,
				    "DP-10", "send buffer grown to %u",
				    tp->t_sndbuf);
		}
		if (len > tp->t_maxseg) {
			len = tp->t_maxseg;
			sendalot = 1;
		}
		/*
		 * DP-9: sender silly-window avoidance and Nagle: a short
		 * segment goes only when it is the end of the data and the
		 * connection was idle, when it is half the largest window
		 * the peer offered, or when it is a retransmission; or when
		 * something else (an ACK, the FIN) goes anyway.
		 */
		if (len >= tp->t_maxseg || sack_rxmit)
			dosend = 1;
		else if (len > 0 && ((idle && len + off >= sb_cc) ||
		    (tp->max_sndwnd > 0 && len >= tp->max_sndwnd / 2) ||
		    SEQ_LT(tp->snd_nxt, tp->snd_max)))
			dosend = 1;
	} else
		data_end = tp->snd_nxt;	/* nothing before the handshake */

	/*
	 * The FIN takes the sequence number after the data: send it when
	 * this segment ends there (first time, or again after a rewind).
	 */
	startseq = sack_rxmit ? p->rxmit : tp->snd_nxt;
	if (sack_rxmit)
		flags &= ~TH_FIN;	/* a hole is data only */
	if ((flags & TH_FIN) && (startseq + len != data_end ||
	    tp->t_state < TCPS_ESTABLISHED))
		flags &= ~TH_FIN;

	recwin = tcp_recwin(tp);
	if (!dosend && tcp_winupdate_due(tp, recwin))
		dosend = 1;
	if (tp->t_flags & TF_ACKNOW)
		dosend = 1;
	if (flags & TH_SYN)
		dosend = 1;
	if ((flags & TH_FIN) && ((tp->t_flags & TF_SENTFIN) == 0 ||
	    tp->snd_nxt == tp->snd_una))
		dosend = 1;
	if (!dosend) {
		/*
		 * SACK-5: recovery stopped the retransmit timer; if nothing
		 * could go, it must run again or a lost resend stalls.
		 */
		if ((tp->t_flags & TF_SACK_PERMIT) &&
		    SEQ_GT(tp->snd_max, tp->snd_una) &&
		    tp->t_rexmt == SIM_EVENT_NONE &&
		    (tp->t_flags & TF_SYNCACHE) == 0)
			tcp_timer_rexmt_start(tp);
		return (sent);
	}
	/* TCP-6: PSH on the segment that sends the last queued byte. */
	if (len > 0 && startseq + len == data_end)
		flags |= TH_PUSH;

	segment_zero(&seg);
	seg.saddr = inp->inp_laddr;
	seg.daddr = inp->inp_faddr;
	seg.sport = inp->inp_lport;
	seg.dport = inp->inp_fport;
	seg.seq = startseq;
	seg.ack = (flags & TH_ACK) ? tp->rcv_nxt : 0;
	seg.flags = flags;
	seg.len = len;
	/* DP-8: a SYN's window is never scaled. */
	if (flags & TH_SYN)
		seg.win = (uint16_t)(tp->t_rcvbuf < TCP_MAXWIN ?
		    tp->t_rcvbuf : TCP_MAXWIN);
	else
		seg.win = (uint16_t)(recwin >> tp->rcv_scale);
	seg.conn_id = tp->conn_id;
	seg.src_pcb = inp->inp_index + 1;
	seg.dst_pcb = tp->t_peer_pcb;

	/*
	 * RFC 7323: the SYN asks for timestamps when rfc1323 is on; the
	 * SYN-ACK and every later segment carry them only when both sides
	 * asked (TCP-10).  DP-8: the window scale option goes on a SYN
	 * that requests it, and on a SYN-ACK only when the SYN offered it.
	 */
	if ((flags & (TH_SYN | TH_ACK)) == TH_SYN)
		use_ts = (tp->t_flags & TF_REQ_TSTMP) != 0;
	else
		use_ts = (tp->t_flags & (TF_REQ_TSTMP | TF_RCVD_TSTMP)) ==
		    (TF_REQ_TSTMP | TF_RCVD_TSTMP);
	if (use_ts && (tp->t_flags & TF_NOOPT) == 0) {
		seg.opt_flags |= TOF_TS;
		/* SYNC-1: a syncache entry's SYN-ACK carries sc_ts. */
		seg.tsval = (tp->t_flags & TF_SYNCACHE) ? tp->t_sc_ts :
		    tcp_ts_getticks(h) + tp->ts_offset;
		seg.tsecr = (flags & TH_ACK) ? tp->ts_recent : 0;
		/*
		 * DP-11: receive autotuning measures a round trip from the
		 * first timestamp we send after it starts over.
		 */
		if (tp->rfbuf_ts == 0 && (tp->t_rcvsbflags & SB_AUTOSIZE))
			tp->rfbuf_ts = tcp_ts_getticks(h);
	}
	if ((flags & TH_SYN) && (tp->t_flags & TF_REQ_SCALE) &&
	    (tp->t_flags & TF_NOOPT) == 0 && ((flags & TH_ACK) == 0 ||
	    (tp->t_flags & TF_RCVD_SCALE))) {
		seg.opt_flags |= TOF_SCALE;
		seg.wscale = (uint8_t)tp->request_r_scale;
	}
	/*
	 * SACK-1, SACK-2: a SYN permits SACK when we would use it; later
	 * segments report our blocks, as many as the 40 bytes of options
	 * hold beside a timestamp (3) or alone (4).
	 */
	if ((tp->t_flags & (TF_SACK_PERMIT | TF_NOOPT)) == TF_SACK_PERMIT) {
		if (flags & TH_SYN)
			seg.opt_flags |= TOF_SACKPERM;
		else if (tp->rcv_numsacks > 0) {
			nsacks = (seg.opt_flags & TOF_TS) ? 3 : TCP_MAX_SACK;
			if (nsacks > (uint32_t)tp->rcv_numsacks)
				nsacks = (uint32_t)tp->rcv_numsacks;
			seg.opt_flags |= TOF_SACK;
			seg.nsacks = (uint8_t)nsacks;
			for (i = 0; i < nsacks; i++)
				seg.sacks[i] = tp->sackblks[i];
		}
	}

	/* Statistics: anything below snd_max is a retransmission. */
	if (SEQ_LT(startseq, tp->snd_max)) {
		if (flags & TH_SYN)
			h->stat.rexmt_syn++;
		else if (len > 0)
			h->stat.rexmt_data++;
		else if (flags & TH_FIN)
			h->stat.rexmt_fin++;
	}
	if (flags & TH_SYN)
		tp->t_syn_sent++;

	/*
	 * SACK-5: a resend from a hole advances the hole, not snd_nxt.
	 */
	if (sack_rxmit) {
		p->rxmit += len;
		tp->sack_bytes_rexmit += len;
		goto sent;
	}
	/* Advance snd_nxt over SYN, data and FIN. */
	old_max = tp->snd_max;
	datastart = tp->snd_nxt + ((flags & TH_SYN) ? 1 : 0);
	tp->snd_nxt = datastart + len;
	if (SEQ_GT(tp->snd_nxt, old_max)) {
		newdata = tp->snd_nxt - (SEQ_GT(datastart, old_max) ?
		    datastart : old_max);
		tp->snd_queued -= newdata;
	}
	if (flags & TH_FIN) {
		tp->snd_nxt++;
		tp->t_flags |= TF_SENTFIN;
	}
	if (SEQ_GT(tp->snd_nxt, tp->snd_max)) {
		tp->snd_max = tp->snd_nxt;
		/*
		 * DP-12: time this segment when none is being timed (new
		 * data only, so an ACK never times a retransmission: Karn).
		 */
		if (!tp->t_rttimed && (tp->t_flags & TF_SYNCACHE) == 0) {
			tp->t_rttimed = 1;
			tp->t_rtttime = host_ticks(h);
			tp->t_rtseq = seg.seq;
		}
	}

sent:
	/*
	 * The retransmit timer runs whenever something is outstanding
	 * (RFC 6298 5.1; tcp_output's `timer:`), even after a pure ACK --
	 * recovery may have stopped it (DP-5, SACK-5); a syncache entry has
	 * its own timer (SYNC-2).
	 */
	if (tp->t_rexmt == SIM_EVENT_NONE && (tp->t_flags & TF_SYNCACHE) == 0 &&
	    ((sack_rxmit && tp->snd_nxt != tp->snd_max) ||
	    tp->snd_nxt != tp->snd_una))
		tcp_timer_rexmt_start(tp);

	/* What we advertised: the TIME_WAIT entry keeps it (TW-9). */
	if (recwin > 0 && SEQ_GT(tp->rcv_nxt + recwin, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + recwin;
	if (flags & TH_ACK)
		tp->last_ack_sent = tp->rcv_nxt;
	/* DP-7: this segment carries the ACK a delayed ACK would have. */
	tp->t_flags &= ~(TF_ACKNOW | TF_DELACK);
	if (tp->t_delack != SIM_EVENT_NONE)	/* seldom: spare the call */
		tcp_timer_delack_stop(tp);

	h->stat.segs_sent++;
	/* A connection whose peer is traced is traced from its first send. */
	if (h->trace != NULL)
		(void)trace_wants(h->trace, tp->conn_id, tp->peer_conn_id);
	net_output(h->net, h, &seg);
	sent++;
	if (sendalot)
		goto again;
	return (sent);
}

void
tcp_respond_rst(struct host *h, const struct tcp_segment *in)
{
	struct tcp_segment rst;

	if (in->flags & TH_RST)
		return;
	memset(&rst, 0, sizeof(rst));
	rst.saddr = in->daddr;
	rst.daddr = in->saddr;
	rst.sport = in->dport;
	rst.dport = in->sport;
	if (in->flags & TH_ACK) {
		rst.seq = in->ack;
		rst.flags = TH_RST;
	} else {
		rst.seq = 0;
		rst.ack = in->seq + segment_seqlen(in);
		rst.flags = TH_RST | TH_ACK;
	}
	/*
	 * No connection sends it: conn_id 0 is never a hazard (HAZ-5); but
	 * it remembers which incarnation provoked it (HAZ-7).
	 */
	rst.conn_id = 0;
	rst.rst_for = in->conn_id;
	h->stat.rst_sent++;
	h->stat.segs_sent++;
	net_output(h->net, h, &rst);
}
