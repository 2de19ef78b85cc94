/*
 * cc_newreno.c -- NewReno congestion control with appropriate byte
 * counting, as FreeBSD 9 runs it by default: the framework hooks of
 * netinet/tcp_input.c (cc_conn_init, cc_ack_received, cc_cong_signal,
 * cc_post_recovery) and netinet/cc/cc_newreno.c (newreno_ack_received,
 * newreno_cong_signal, newreno_post_recovery, newreno_after_idle), both at
 * FreeBSD 9.3 (the releng/9.3 tree).  Rules DP-2 .. DP-6 and DP-13 of
 * docs/RULES.md; written from what those functions do.
 */
#include "config.h"

#include "models/cc_newreno.h"
#include "models/host.h"
#include "models/tcp_var.h"

static uint32_t
umin(uint32_t a, uint32_t b)
{

	return (a < b ? a : b);
}

static uint32_t
umax(uint32_t a, uint32_t b)
{

	return (a > b ? a : b);
}

/*
 * DP-2: cc_conn_init: RFC 6928's ten segments with initcwnd10 (on by
 * default in FreeBSD 9.3), else RFC 3390's min(4 mss, max(2 mss, 4380))
 * with rfc3390, else RFC 5681 3.1's 2, 3 or 4 segments by segment size.
 */
void
cc_conn_init(struct tcpcb *tp)
{
	const struct host_tunables *tun = &tp->t_host->tun;
	uint32_t mss = tp->t_maxseg;

	if (tun->initcwnd10)
		tp->snd_cwnd = umin(10 * mss, umax(2 * mss, 14600));
	else if (tun->rfc3390)
		tp->snd_cwnd = umin(4 * mss, umax(2 * mss, 4380));
	else if (mss > 2190)
		tp->snd_cwnd = 2 * mss;
	else if (mss > 1095)
		tp->snd_cwnd = 3 * mss;
	else
		tp->snd_cwnd = 4 * mss;
}

/*
 * DP-3, DP-4: cc_ack_received then newreno_ack_received.  Slow start
 * (cwnd <= ssthresh) grows cwnd by the bytes acked, at most abc_l_var
 * segments per ACK (one segment while resending after a timeout, when
 * snd_nxt < snd_max); congestion avoidance grows it by one segment each
 * time a cwnd's worth of bytes has been acked (ABC).  Without rfc3465:
 * one segment per ACK, and mss^2 / cwnd in congestion avoidance.  Only
 * regular ACKs outside recovery grow it, and only while cwnd <= the
 * peer's window (CCF_CWND_LIMITED); cwnd never exceeds the largest
 * window the peer can offer.
 */
void
cc_ack_received(struct tcpcb *tp, uint32_t acked, int type)
{
	const struct host_tunables *tun = &tp->t_host->tun;
	uint32_t cw = tp->snd_cwnd, incr = tp->t_maxseg, cap;

	if (tp->snd_cwnd <= tp->snd_wnd)
		tp->t_ccflags |= CCF_CWND_LIMITED;
	else
		tp->t_ccflags &= ~CCF_CWND_LIMITED;
	if (type == CC_ACK) {
		if (tp->snd_cwnd > tp->snd_ssthresh) {
			tp->t_bytes_acked += umin(acked,
			    (uint32_t)tun->abc_l_var * tp->t_maxseg);
			if (tp->t_bytes_acked >= tp->snd_cwnd) {
				tp->t_bytes_acked -= tp->snd_cwnd;
				tp->t_ccflags |= CCF_ABC_SENTAWND;
			}
		} else {
			tp->t_ccflags &= ~CCF_ABC_SENTAWND;
			tp->t_bytes_acked = 0;
		}
	}

	if (type != CC_ACK || (tp->t_flags & TF_FASTRECOVERY) ||
	    (tp->t_ccflags & CCF_CWND_LIMITED) == 0)
		return;
	if (cw > tp->snd_ssthresh) {
		if (tun->rfc3465) {
			if (tp->t_ccflags & CCF_ABC_SENTAWND)
				tp->t_ccflags &= ~CCF_ABC_SENTAWND;
			else
				incr = 0;
		} else
			incr = umax(incr * incr / cw, 1);
	} else if (tun->rfc3465) {
		if (tp->snd_nxt == tp->snd_max)
			incr = umin(acked,
			    (uint32_t)tun->abc_l_var * tp->t_maxseg);
		else
			incr = umin(acked, tp->t_maxseg);
	}
	if (incr > 0) {
		cap = (uint32_t)TCP_MAXWIN << tp->snd_scale;
		tp->snd_cwnd = umin(cw + incr, cap);
	}
}

/*
 * DP-5, DP-6: cc_cong_signal then newreno_cong_signal.  Three duplicate
 * ACKs outside recovery: snd_recover = snd_max, ssthresh = max(cwnd / 2,
 * 2 segments) in whole segments, fast recovery begins.  A timeout: out
 * of recovery, ssthresh = max(min(peer window, cwnd) / 2, 2 segments) in
 * whole segments, cwnd one segment.
 */
void
cc_cong_signal(struct tcpcb *tp, int type)
{
	uint32_t mss = tp->t_maxseg, win;

	switch (type) {
	case CC_NDUPACK:
		if ((tp->t_flags & TF_FASTRECOVERY) == 0) {
			tp->snd_recover = tp->snd_max;
			win = umax(tp->snd_cwnd / 2 / mss, 2) * mss;
			tp->snd_ssthresh = win;
			tp->t_flags |= TF_FASTRECOVERY;
		}
		break;
	case CC_RTO:
		tp->t_dupacks = 0;
		tp->t_bytes_acked = 0;
		tp->t_flags &= ~TF_FASTRECOVERY;
		tp->snd_ssthresh = umax(2,
		    umin(tp->snd_wnd, tp->snd_cwnd) / 2 / mss) * mss;
		tp->snd_cwnd = mss;
		break;
	default:
		break;
	}
}

/*
 * DP-5: newreno_post_recovery: the ACK that ends recovery deflates cwnd
 * to ssthresh, or to what is still in flight plus one segment when that
 * is less (no burst); ABC starts over.
 */
void
cc_post_recovery(struct tcpcb *tp, tcp_seq ack)
{

	if (tp->t_flags & TF_FASTRECOVERY) {
		if (SEQ_GT(ack + tp->snd_ssthresh, tp->snd_max))
			tp->snd_cwnd = tp->snd_max - ack + tp->t_maxseg;
		else
			tp->snd_cwnd = tp->snd_ssthresh;
	}
	tp->t_bytes_acked = 0;
}

/*
 * DP-13: newreno_after_idle: after an idle RTO the window restarts at
 * the RFC 3390 window (2 segments without rfc3390), if that is smaller.
 */
void
cc_after_idle(struct tcpcb *tp)
{
	uint32_t mss = tp->t_maxseg, rw;

	if (tp->t_host->tun.rfc3390)
		rw = umin(4 * mss, umax(2 * mss, 4380));
	else
		rw = 2 * mss;
	tp->snd_cwnd = umin(rw, tp->snd_cwnd);
}
