/*
 * cc_newreno.h -- congestion control as FreeBSD 9 runs it by default:
 * the cc framework's hooks in tcp_input.c (cc_conn_init, cc_ack_received,
 * cc_cong_signal, cc_post_recovery) and the NewReno module behind them
 * (netinet/cc/cc_newreno.c).  Rules DP-2 .. DP-6 and DP-13 of
 * docs/RULES.md.
 *
 * The state lives in the tcpcb (snd_cwnd, snd_ssthresh, t_bytes_acked,
 * t_ccflags, snd_recover, TF_FASTRECOVERY); these functions are the only
 * writers of snd_cwnd outside the retransmission kludges of tcp_input.c
 * that the kernel also does inline (fast retransmit, limited transmit,
 * partial ACKs).
 */
#ifndef TWSIM_CC_NEWRENO_H
#define TWSIM_CC_NEWRENO_H

#include <stdint.h>

#include "models/tcp_seq.h"

struct tcpcb;

/* ACK types (cc.h). */
#define CC_ACK		0x0001	/* regular in-sequence ACK */
#define CC_DUPACK	0x0002	/* duplicate ACK */
/* Congestion signals. */
#define CC_NDUPACK	0x0010	/* tcprexmtthresh duplicate ACKs */
#define CC_RTO		0x0020	/* the retransmit timer fired */

/* t_ccflags (struct cc_var's flags). */
#define CCF_ABC_SENTAWND	0x0001	/* a cwnd's worth acked (ABC) */
#define CCF_CWND_LIMITED	0x0002	/* cwnd <= the peer's window */

/* DP-2: the initial window, once the connection is established. */
void	cc_conn_init(struct tcpcb *tp);
/* DP-3, DP-4: an ACK of `acked` new bytes (CC_ACK) or a dup (CC_DUPACK). */
void	cc_ack_received(struct tcpcb *tp, uint32_t acked, int type);
/* DP-5, DP-6: three duplicate ACKs (CC_NDUPACK) or a timeout (CC_RTO). */
void	cc_cong_signal(struct tcpcb *tp, int type);
/* DP-5: the ACK `ack` covers snd_recover: recovery is over. */
void	cc_post_recovery(struct tcpcb *tp, tcp_seq ack);
/* DP-13: idle for an RTO: back to the restart window. */
void	cc_after_idle(struct tcpcb *tp);

#endif /* TWSIM_CC_NEWRENO_H */
