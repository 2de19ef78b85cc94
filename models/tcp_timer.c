/*
 * tcp_timer.c -- the per-connection timers (FreeBSD's netinet/tcp_timer.c):
 * retransmission, connection establishment (keepinit), FIN_WAIT_2 and the
 * delayed ACK (DP-7).
 * TIME_WAIT has no per-connection timer: its entries wait on the 2MSL
 * queue that the host's slow timer scans (tcp_timewait.c).
 *
 * Each timer is one simulator event whose handle lives in the tcpcb
 * (t_rexmt, t_keep, t_2msl, t_delack); tcp_discardcb() cancels them, so a
 * timer never fires on a freed tcpcb.
 *
 * The RTO follows Jacobson/Karels as RFC 6298 states it, from timestamp
 * RTT samples (TCP-9); every recomputed value goes through TCPT_RANGESET,
 * which adds the stack's tcp_rexmit_slop (200 ms on FreeBSD, RTO-1; none
 * on Linux) before flooring it at 30 ms (tcp_rexmit_min) and capping it
 * at 64 s.
 */
#include "config.h"

#include <errno.h>

#include "models/cc_newreno.h"
#include "models/host.h"
#include "models/tcp_stack.h"
#include "models/tcp_var.h"
#include "models/trace.h"

/* tcp_timer.c's tables. */
const int tcp_syn_backoff[TCP_MAXRXTSHIFT + 1] =
    { 1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 64, 64, 64 };
const int tcp_backoff[TCP_MAXRXTSHIFT + 1] =
    { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512, 512, 512 };

/*
 * RTO-1: TCPT_RANGESET (FreeBSD 9.3 tcp_timer.h): value + tcp_rexmit_slop,
 * then at least vmin and at most TCPTV_REXMTMAX.
 */
static sim_time_t
tcp_rangeset(const struct tcpcb *tp, sim_time_t v, sim_time_t vmin)
{

	v += tp->t_host->stack->rexmit_slop;
	if (v < vmin)
		return (vmin);
	if (v > TCPTV_REXMTMAX)
		return (TCPTV_REXMTMAX);
	return (v);
}

/* TCP_REXMTVAL: srtt + 4 rttvar, or the initial RTO before any sample. */
static sim_time_t
tcp_rexmtval_raw(const struct tcpcb *tp)
{

	if (tp->t_srtt == 0)
		return (tp->t_host->tun.rto_initial);
	return (tp->t_srtt + 4 * tp->t_rttvar);
}

sim_time_t
tcp_rexmtval(const struct tcpcb *tp)
{

	if (tp->t_srtt == 0)
		return (tp->t_host->tun.rto_initial);
	return (tcp_rangeset(tp, tcp_rexmtval_raw(tp),
	    tp->t_host->stack->rto_min));
}

void
tcp_xmit_timer(struct tcpcb *tp, sim_time_t rtt)
{
	sim_time_t delta, rmin;

	if (rtt <= 0)
		rtt = 1;
	if (tp->t_srtt == 0) {
		/* RFC 6298 2.2: the first measurement. */
		tp->t_srtt = rtt;
		tp->t_rttvar = rtt / 2;
	} else {
		/* 2.3: beta 1/4, alpha 1/8. */
		delta = rtt - tp->t_srtt;
		tp->t_rttvar += ((delta < 0 ? -delta : delta) -
		    tp->t_rttvar) / 4;
		tp->t_srtt += delta / 8;
		if (tp->t_srtt <= 0)
			tp->t_srtt = 1;
	}
	tp->t_rxtshift = 0;
	/* RTO-1, RTO-3: the slop is part of every data RTO; LNX-23. */
	rmin = tp->t_host->stack->rto_min;
	tp->t_rxtcur = tcp_rangeset(tp, tcp_rexmtval_raw(tp),
	    rmin > rtt + 2 * tp->t_host->tick_ns ? rmin :
	    rtt + 2 * tp->t_host->tick_ns);
}

/*
 * TCP-7, RTO-1, RTO-2 (FreeBSD's tcp_timer_rexmt for a SYN): the backoff
 * of tcp_syn_backoff on TCP_REXMTVAL, plus the slop: on a dead path SYNs
 * go at 0, 3.0, 6.2, 9.4, ... s.  At the third retransmission timestamps
 * (and window scaling and SACK) are no longer asked for, for middleboxes that drop
 * unknown options.
 */
sim_time_t
tcp_timer_syn_backoff(struct tcpcb *tp)
{

	if (tp->t_rxtshift > TCP_MAXRXTSHIFT)
		return (0);
	/* RTO-2, DP-8, SACK-1: nor SACK, after the third. */
	if (tp->t_state == TCPS_SYN_SENT && tp->t_rxtshift == 3)
		tp->t_flags &= ~(TF_REQ_TSTMP | TF_REQ_SCALE | TF_SACK_PERMIT);
	return (tcp_rangeset(tp, tcp_rexmtval_raw(tp) *
	    tcp_syn_backoff[tp->t_rxtshift], TCPTV_MIN));
}

/*
 * TCP-7, TCP-8: the retransmit timer.  SYN and SYN-ACK back off as the
 * host's stack says (FreeBSD: tcp_syn_backoff; Linux: LNX-18), anything
 * else by tcp_backoff; after TCP_MAXRXTSHIFT retransmissions (or when the
 * stack gives a SYN up) the connection is dropped with ETIMEDOUT.
 */
static void
tcp_timer_rexmt(struct sim *sim, void *arg)
{
	struct tcpcb *tp = arg;
	struct host *h = tp->t_host;
	sim_time_t rexmt;

	tp->t_rexmt = SIM_EVENT_NONE;
	TCP_TRACE(h, tp->conn_id, tp->peer_conn_id,
	    tp->t_state <= TCPS_SYN_RECEIVED ? "TCP-7" : "TCP-8",
	    "retransmit timer fired (retransmission %d)",
	    tp->t_rxtshift + 1);
	/* SACK-7: a timeout empties the scoreboard. */
	tcp_free_sackholes(tp);
	++tp->t_rxtshift;
	if (tp->t_state == TCPS_SYN_SENT || tp->t_state == TCPS_SYN_RECEIVED)
		rexmt = h->stack->syn_rexmt(tp);
	else if (tp->t_rxtshift > TCP_MAXRXTSHIFT)
		rexmt = 0;
	else
		rexmt = tcp_rangeset(tp, tcp_rexmtval_raw(tp) *
		    tcp_backoff[tp->t_rxtshift], tp->t_host->stack->rto_min);
	if (rexmt == 0) {
		h->stat.conn_failed_timeout++;
		(void)tcp_drop(tp, ETIMEDOUT);
		return;
	}
	h->stat.rexmt_timeouts++;
	tp->t_rxtcur = rexmt;
	/*
	 * Go back N: resend from the oldest unacknowledged byte.  DP-6: the
	 * timeout is a congestion signal: cwnd is one segment, so only the
	 * oldest segment goes now; its ACK says what the peer still lacks.
	 * DP-12: no RTT sample from anything sent before (Karn).
	 */
	tp->snd_nxt = tp->snd_una;
	tp->snd_recover = tp->snd_max;
	tp->t_flags |= TF_ACKNOW;
	tp->t_rttimed = 0;
	cc_cong_signal(tp, CC_RTO);
	TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "DP-6",
	    "timeout: cwnd %u, ssthresh %u, resend from %u", tp->snd_cwnd,
	    tp->snd_ssthresh, tp->snd_una - tp->iss);
	(void)tcp_output(tp);
	(void)sim;
}

void
tcp_timer_rexmt_start(struct tcpcb *tp)
{
	struct sim *sim = tp->t_host->sim;

	if (tp->t_rexmt != SIM_EVENT_NONE)
		(void)sim_cancel(sim, tp->t_rexmt);
	tp->t_rexmt = SIM_EVENT_NONE;
	(void)sim_after(sim, tp->t_rxtcur, tcp_timer_rexmt, tp, &tp->t_rexmt);
	TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, NULL,
	    "retransmit timer armed: %.3f s", sim_time_to_sec(tp->t_rxtcur));
}

/* The retransmit timer, at `when` instead of t_rxtcur from now. */
void
tcp_timer_rexmt_at(struct tcpcb *tp, sim_time_t when)
{
	struct sim *sim = tp->t_host->sim;

	if (tp->t_rexmt != SIM_EVENT_NONE)
		(void)sim_cancel(sim, tp->t_rexmt);
	tp->t_rexmt = SIM_EVENT_NONE;
	(void)sim_at(sim, when, tcp_timer_rexmt, tp, &tp->t_rexmt);
	TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, NULL,
	    "retransmit timer armed: %.3f s", sim_time_to_sec(when -
	    sim_now(sim)));
}

void
tcp_timer_rexmt_stop(struct tcpcb *tp)
{

	if (tp->t_rexmt != SIM_EVENT_NONE) {
		(void)sim_cancel(tp->t_host->sim, tp->t_rexmt);
		TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, NULL,
		    "retransmit timer stopped: all acknowledged");
	}
	tp->t_rexmt = SIM_EVENT_NONE;
}

/*
 * TCP-7: net.inet.tcp.keepinit bounds the whole handshake (FreeBSD); a
 * stack without such a timer (Linux: the SYN's retries do) starts none.
 */
static void
tcp_timer_keep(struct sim *sim, void *arg)
{
	struct tcpcb *tp = arg;

	tp->t_keep = SIM_EVENT_NONE;
	TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, "TCP-7",
	    "connection-establishment timer (keepinit) fired in %s",
	    tcp_state_name(tp->t_state));
	if (tp->t_state < TCPS_ESTABLISHED) {
		tp->t_host->stat.conn_failed_timeout++;
		(void)tcp_drop(tp, ETIMEDOUT);
	}
	(void)sim;
}

void
tcp_timer_keep_start(struct tcpcb *tp)
{
	struct sim *sim = tp->t_host->sim;
	sim_time_t k = tp->t_host->stack->keepinit(tp);

	tcp_timer_keep_stop(tp);
	if (k <= 0)
		return;
	(void)sim_after(sim, k, tcp_timer_keep, tp, &tp->t_keep);
	TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, "TCP-7",
	    "connection-establishment timer armed: %.3f s",
	    sim_time_to_sec(k));
}

void
tcp_timer_keep_stop(struct tcpcb *tp)
{

	if (tp->t_keep != SIM_EVENT_NONE)
		(void)sim_cancel(tp->t_host->sim, tp->t_keep);
	tp->t_keep = SIM_EVENT_NONE;
}

/*
 * TCP-14, FW2-2: FIN_WAIT_2 after the application closed does not wait for
 * ever for the peer's FIN.  When the timer fires the stack says whether to
 * look again later (FreeBSD: while something arrived within TP_MAXIDLE,
 * every keepintvl) or to close (Linux tcp_fin_time, LNX-19).
 */
static void
tcp_timer_2msl(struct sim *sim, void *arg)
{
	struct tcpcb *tp = arg;
	const struct tcp_stack_ops *st = tp->t_host->stack;
	sim_time_t again;

	tp->t_2msl = SIM_EVENT_NONE;
	TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, "TCP-14",
	    "FIN_WAIT_2 timer fired in %s", tcp_state_name(tp->t_state));
	if (tp->t_state != TCPS_FIN_WAIT_2)
		return;
	if (st->finwait2_expired != NULL) {
		st->finwait2_expired(tp);
		return;
	}
	again = st->finwait2_recheck != NULL ? st->finwait2_recheck(tp) : 0;
	if (again <= 0) {
		(void)tcp_close(tp);
		return;
	}
	(void)sim_after(sim, again, tcp_timer_2msl, tp, &tp->t_2msl);
}

/* FW2-1: the first look comes after the stack's FIN_WAIT_2 timeout. */
void
tcp_timer_2msl_start(struct tcpcb *tp)
{
	struct sim *sim = tp->t_host->sim;

	if (tp->t_2msl != SIM_EVENT_NONE)
		(void)sim_cancel(sim, tp->t_2msl);
	tp->t_2msl = SIM_EVENT_NONE;
	(void)sim_after(sim, tp->t_host->stack->finwait2_timeout(tp),
	    tcp_timer_2msl, tp, &tp->t_2msl);
	TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, "TCP-14",
	    "FIN_WAIT_2 timer armed: %.3f s",
	    sim_time_to_sec(tp->t_host->stack->finwait2_timeout(tp)));
}

/*
 * DP-7: tcp_timer_delack: the delayed ACK is due: send it (with whatever
 * else tcp_output finds to send).
 */
static void
tcp_timer_delack(struct sim *sim, void *arg)
{
	struct tcpcb *tp = arg;

	tp->t_delack = SIM_EVENT_NONE;
	tp->t_flags |= TF_ACKNOW;
	tp->t_host->stat.delack_sent++;
	TCP_TRACE(tp->t_host, tp->conn_id, tp->peer_conn_id, "DP-7",
	    "delayed-ACK timer fired: ACK %u", tp->rcv_nxt - tp->irs);
	(void)tcp_output(tp);
	(void)sim;
}

void
tcp_timer_delack_start(struct tcpcb *tp)
{
	struct host *h = tp->t_host;

	tcp_timer_delack_stop(tp);
	(void)sim_after(h->sim, h->tun.delacktime, tcp_timer_delack, tp,
	    &tp->t_delack);
}

void
tcp_timer_delack_stop(struct tcpcb *tp)
{

	if (tp->t_delack != SIM_EVENT_NONE)
		(void)sim_cancel(tp->t_host->sim, tp->t_delack);
	tp->t_delack = SIM_EVENT_NONE;
}
