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
 *
 * tcp_output() is called after every state change that may have something
 * to send: the user requests, the end of input processing (which also
 * carries the ACK, TCP-5) and the retransmit timer.
 */
#include "config.h"

#include <string.h>

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

int
tcp_output(struct tcpcb *tp)
{
	struct host *h = tp->t_host;
	struct inpcb *inp = tp->t_inpcb;
	struct tcp_segment seg;
	tcp_seq data_end, datastart, old_max;
	uint32_t avail, len, off, win, newdata;
	uint8_t flags;
	int sent = 0, sendalot, use_ts;

again:
	flags = tcp_outflags[tp->t_state];
	if (flags == 0 || inp == NULL)
		return (sent);
	/* The SYN goes out only from iss (first send or after a rewind). */
	if ((flags & TH_SYN) && tp->snd_nxt != tp->iss)
		flags &= ~TH_SYN;

	len = 0;
	sendalot = 0;
	data_end = tcp_data_end(tp);
	if (tp->t_state >= TCPS_ESTABLISHED && SEQ_GT(tp->snd_nxt, tp->iss)) {
		avail = SEQ_GT(data_end, tp->snd_nxt) ?
		    data_end - tp->snd_nxt : 0;
		/* The peer's window limits what may be in flight. */
		off = tp->snd_nxt - tp->snd_una;
		win = tp->snd_wnd > off ? tp->snd_wnd - off : 0;
		len = avail;
		if (len > win)
			len = win;
		if (len > TCP_MSS)
			len = TCP_MSS;
		if (len < avail && len == TCP_MSS)
			sendalot = 1;
	} else
		data_end = tp->snd_nxt;	/* nothing before the handshake */

	/*
	 * The FIN takes the sequence number after the data: send it when
	 * this segment ends there (first time, or again after a rewind).
	 */
	if ((flags & TH_FIN) && (tp->snd_nxt + len != data_end ||
	    tp->t_state < TCPS_ESTABLISHED))
		flags &= ~TH_FIN;

	if (len == 0 && (flags & (TH_SYN | TH_FIN)) == 0 &&
	    (tp->t_flags & TF_ACKNOW) == 0)
		return (sent);
	/* TCP-6: PSH on the segment that sends the last queued byte. */
	if (len > 0 && tp->snd_nxt + len == data_end)
		flags |= TH_PUSH;

	memset(&seg, 0, sizeof(seg));
	seg.saddr = inp->inp_laddr;
	seg.daddr = inp->inp_faddr;
	seg.sport = inp->inp_lport;
	seg.dport = inp->inp_fport;
	seg.seq = tp->snd_nxt;
	seg.ack = (flags & TH_ACK) ? tp->rcv_nxt : 0;
	seg.flags = flags;
	seg.len = len;
	win = tp->rcv_wnd >> tp->rcv_scale;
	seg.win = win > 65535 ? 65535 : (uint16_t)win;
	seg.conn_id = tp->conn_id;

	/*
	 * RFC 7323: the SYN asks for timestamps when rfc1323 is on; the
	 * SYN-ACK and every later segment carry them only when both sides
	 * asked (TCP-10).
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
	}

	/* Statistics: anything below snd_max is a retransmission. */
	if (SEQ_LT(tp->snd_nxt, tp->snd_max)) {
		if (flags & TH_SYN)
			h->stat.rexmt_syn++;
		else if (len > 0)
			h->stat.rexmt_data++;
		else if (flags & TH_FIN)
			h->stat.rexmt_fin++;
	}
	if (flags & TH_SYN)
		tp->t_syn_sent++;

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
	if (SEQ_GT(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;

	/*
	 * Anything that takes sequence space is timed (RFC 6298 5.1); a
	 * syncache entry has its own timer (SYNC-2).
	 */
	if ((len > 0 || (flags & (TH_SYN | TH_FIN))) &&
	    tp->t_rexmt == SIM_EVENT_NONE && (tp->t_flags & TF_SYNCACHE) == 0)
		tcp_timer_rexmt_start(tp);

	/* What we advertised: the TIME_WAIT entry keeps it (TW-9). */
	if (SEQ_GT(tp->rcv_nxt + tp->rcv_wnd, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + tp->rcv_wnd;
	tp->t_flags &= ~TF_ACKNOW;

	h->stat.segs_sent++;
	/* A connection whose peer is traced is traced from its first send. */
	if (h->trace != NULL)
		(void)trace_wants(h->trace, tp->conn_id, tp->peer_conn_id);
	net_output(h->net, h, &seg);
	sent++;
	/*
	 * After a timeout only the oldest segment goes again (FreeBSD's
	 * cwnd of one segment); its ACK says what the peer still lacks.
	 */
	if (tp->t_flags & TF_RXTONE) {
		tp->t_flags &= ~TF_RXTONE;
		return (sent);
	}
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
