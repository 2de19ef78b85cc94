/*
 * tcp_var.h -- the TCP control block, connection states and statistics.
 *
 * Mirrors FreeBSD's netinet/tcp_var.h and tcp_fsm.h at the level the model
 * needs: sequence variables, the flags TIME_WAIT reads (TF_ACKNOW and the
 * timestamp negotiation flags), timers as simulator event handles, and the
 * per-host statistics in the spirit of `netstat -s -p tcp`.
 *
 * Data is abstracted to byte counts: an application queues N bytes and the
 * connection carries them as segments whose `len` advances seq/ack.
 *
 * Ownership: struct tcpcb is allocated from the host's free list by
 * tcp_newtcpcb() (tcp_subr.c) and released by tcp_discardcb().
 */
#ifndef TWSIM_TCP_VAR_H
#define TWSIM_TCP_VAR_H

#include <stdint.h>

#include "models/segment.h"
#include "models/tcp_seq.h"
#include "sim/sim.h"

struct host;
struct inpcb;
struct tcp_app_ops;

/* Connection states, in FreeBSD's order (tcp_fsm.h). */
enum tcp_state {
	TCPS_CLOSED,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED,
	TCPS_CLOSE_WAIT,
	TCPS_FIN_WAIT_1,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_FIN_WAIT_2,
	TCPS_TIME_WAIT,
	TCP_NSTATES
};

const char	*tcp_state_name(enum tcp_state s);

/* t_flags (subset of FreeBSD's). */
#define TF_ACKNOW	0x0001	/* ack peer immediately */
#define TF_DELACK	0x0002	/* ack, but try to delay it (DP-7) */
#define TF_NOOPT	0x0008	/* don't use tcp options */
#define TF_SENTFIN	0x0010	/* have sent FIN */
#define TF_REQ_SCALE	0x0020	/* have/will request window scaling */
#define TF_RCVD_SCALE	0x0040	/* other side has requested scaling */
#define TF_REQ_TSTMP	0x0080	/* have/will request timestamps */
#define TF_RCVD_TSTMP	0x0100	/* a timestamp was received in SYN */
#define TF_APPCLOSED	0x0200	/* application closed: no more sends */
#define TF_NEEDFIN	0x0400	/* send FIN once queued data is out */
#define TF_SYNCACHE	0x10000	/* a syncache entry, not yet a socket */
#define TF_SYNCOOKIE	0x20000	/* ... dropped; only its cookie is left */
#define TF_FASTRECOVERY	0x100000 /* NewReno fast recovery (DP-5) */
#define TF_SACK_PERMIT	0x200000 /* SACK negotiated (SACK-1) */
#define TF_LASTIDLE	0x40000000 /* connection was previously idle */

/* Socket buffer flags (sb_flags) of the model's two buffers. */
#define SB_AUTOSIZE	0x0800	/* automatically size the buffer */

struct tcpcb {
	struct inpcb	*t_inpcb;
	struct host	*t_host;
	enum tcp_state	 t_state;
	uint32_t	 t_flags;

	/* Send sequence variables (RFC 793 3.2). */
	tcp_seq		 iss;
	tcp_seq		 snd_una;
	tcp_seq		 snd_nxt;
	tcp_seq		 snd_max;
	uint32_t	 snd_wnd;
	uint64_t	 snd_queued;	/* bytes queued by the app, not yet sent */

	/* Receive sequence variables. */
	tcp_seq		 irs;
	tcp_seq		 rcv_nxt;
	tcp_seq		 rcv_adv;	/* highest seq advertised + 1 */
	uint32_t	 rcv_wnd;
	int		 rcv_scale;
	tcp_seq		 last_ack_sent;

	/*
	 * The data path (DP-n): the segment size, NewReno's congestion state
	 * (cc_newreno.c) and the window scales negotiated on the SYNs.
	 */
	uint32_t	 t_maxseg;	/* payload per full segment */
	uint32_t	 snd_cwnd, snd_ssthresh;
	uint32_t	 t_bytes_acked;	/* ABC in congestion avoidance */
	int		 t_ccflags;	/* CCF_* (cc_newreno.c) */
	tcp_seq		 snd_recover;	/* snd_max when recovery began */
	int		 t_dupacks, snd_limited;
	uint32_t	 max_sndwnd;	/* largest window the peer offered */
	tcp_seq		 snd_wl1, snd_wl2; /* segment of the last window */
	int		 snd_scale;	/* the peer's window shift */
	int		 request_r_scale; /* the shift we offer */
	/*
	 * The socket buffers' sizes (sb_hiwat) and flags: data is a byte
	 * count and applications read at once, so the receive buffer is
	 * always empty and its size is the window; the send buffer holds
	 * min(its size, data not yet acknowledged).
	 */
	uint32_t	 t_sndbuf, t_rcvbuf;
	int		 t_sndsbflags, t_rcvsbflags;
	uint32_t	 rfbuf_ts;	/* DP-11: timestamp starting the RTT */
	uint32_t	 rfbuf_cnt;	/* ... and the bytes received since */
	/*
	 * SACK (tcp_sack.c, SACK-n): the blocks we report as a receiver,
	 * most recent first, and the sender's scoreboard: the holes between
	 * snd_una and snd_fack (the highest byte SACKed), oldest first, each
	 * with how far it was resent (rxmit).  The arrays are at the end.
	 */
	int		 rcv_numsacks;	/* in sackblks[] */
	int		 snd_numholes;	/* in snd_holes[] */
	int		 sack_nexthole;	/* index of the next hole to resend */
	uint32_t	 sack_bytes_rexmit; /* bytes resent from the holes */
	tcp_seq		 snd_fack;
	tcp_seq		 sack_newdata;	/* snd_nxt when recovery began */
	/* DP-12: the segment being timed without timestamps (Karn). */
	int		 t_rttimed;	/* 1: t_rtttime, t_rtseq valid */
	int64_t		 t_rtttime;	/* ticks when it was sent */
	tcp_seq		 t_rtseq;

	/* RFC 7323 timestamps. */
	uint32_t	 ts_recent;
	uint32_t	 ts_offset;
	uint32_t	 t_sc_ts;	/* TF_SYNCACHE: the SYN-ACK's tsval */
	sim_time_t	 t_sc_time;	/* TF_SYNCACHE: made at this time */

	/* Retransmission. */
	int		 t_rxtshift;	/* backoff index */
	sim_time_t	 t_rxtcur;	/* current RTO */
	sim_time_t	 t_srtt, t_rttvar; /* 0 until the first sample */
	sim_event_t	 t_rexmt;	/* retransmit timer */
	sim_event_t	 t_keep;	/* connection-establishment timer */
	sim_event_t	 t_2msl;	/* FIN_WAIT_2 timer */
	sim_event_t	 t_delack;	/* delayed-ACK timer (DP-7) */
	int		 t_quickack;	/* segments still acked at once (LNX-22) */
	int64_t		 t_starttime;	/* ticks at creation */
	sim_time_t	 t_rcvtime;	/* last segment received (FW2-2) */

	/* Application binding (tcp_usrreq.h). */
	const struct tcp_app_ops *t_app;
	void		*t_app_arg;

	/*
	 * Reassembly queue (tcp_input.c, TCP-3): out-of-order data as sorted,
	 * disjoint blocks of sequence space -- payload is a byte count, so a
	 * block is all there is to keep -- and a FIN that arrived early.
	 * Added by the state-machine side; zero in a new tcpcb.  The blocks
	 * are at the end.
	 */
	int		 t_nreass;	/* in t_reass[] */
	int		 t_reass_fin;		/* 1: FIN at t_reass_finseq */
	int		 t_reass_fin_old;
	tcp_seq		 t_reass_finseq;

	/* Simulator bookkeeping, never read by protocol decisions. */
	uint64_t	 conn_id;	/* this incarnation */
	uint64_t	 peer_conn_id;	/* incarnation of the peer we talk to */
	uint32_t	 t_peer_pcb;	/* the peer's src_pcb hint, for dst_pcb */
	sim_time_t	 t_connect_start;
	int		 t_syn_sent;	/* SYNs transmitted (1 + retransmits) */

	struct tcpcb	*t_freelink;	/* free list */

	/*
	 * The arrays, last: 336 bytes that a segment without loss or
	 * reordering never reads.  Between the sequence variables and the
	 * timers they spread what every segment reads over twice as many
	 * cache lines, and with thousands of connections interleaved a
	 * tcpcb is rarely in the cache when its next segment comes.  Only
	 * their first rcv_numsacks, snd_numholes and t_nreass entries are
	 * ever read, so tcp_newtcpcb() does not zero them: sackblks stays
	 * the first of them.
	 */
#define MAX_SACK_BLKS	6	/* blocks a receiver remembers */
#define TCP_SACK_MAXHOLES 16	/* holes a scoreboard holds (kernel: 128) */
	struct sackblk	 sackblks[MAX_SACK_BLKS];
	struct sackhole {
		tcp_seq		 start, end, rxmit;
	}		 snd_holes[TCP_SACK_MAXHOLES];
#define TCP_REASS_MAX	8
	struct tcp_reass_blk {
		tcp_seq		 start, end;	/* [start, end) */
		int		 old;		/* from another incarnation */
	}		 t_reass[TCP_REASS_MAX];
};

/*
 * Per-host TCP statistics.  Counters only grow; gauges follow the state.
 */
struct tcpstat {
	/* Connections. */
	uint64_t	conn_attempted;		/* connect() calls */
	uint64_t	conn_established;	/* active opens that completed */
	uint64_t	conn_failed_addrnotavail; /* no ephemeral port */
	uint64_t	conn_failed_timeout;	/* keepinit / rexmt exhausted */
	uint64_t	conn_failed_reset;	/* RST received or refused */
	uint64_t	conn_failed_nobufs;	/* ENOBUFS (SOCK-1) */
	uint64_t	conn_failed_addrinuse;	/* EADDRINUSE: 4-tuple taken */
	uint64_t	accepts;		/* passive opens completed */

	/* TIME_WAIT (tcp_timewait.c). */
	uint64_t	tw_entered;		/* tcptw entries created */
	uint64_t	tw_expired;		/* closed by the 2MSL scan */
	uint64_t	tw_recycled;		/* closed early: zone full */
	uint64_t	tw_reopened;		/* closed by a new SYN */
	uint64_t	tw_skipped_local;	/* nolocaltimewait */
	uint64_t	tw_skipped_nomem;	/* zone full, nothing to recycle */
	uint64_t	rst_ignored_tw;		/* RST dropped in TIME_WAIT */
	uint64_t	acks_sent_tw;		/* tcp_twrespond(TH_ACK) */
	uint64_t	syn_dropped_tw;		/* SYN not above rcv_nxt */
	uint64_t	tw_dropped_recycled;	/* segment to a tw-less pcb */
	uint64_t	tw_rearmed;		/* 2MSL restarted by a FIN */
	uint64_t	tw_reused;		/* connect took a TIME_WAIT
						   4-tuple over (Linux
						   TWRecycled, LNX-4) */
	uint64_t	tw_killed_rst;		/* RST ended TIME_WAIT (LNX-14) */
	uint64_t	paws_rejected_tw;	/* PAWS in TIME_WAIT (LNX-13) */

	/* Segments. */
	uint64_t	segs_sent;
	uint64_t	segs_rcvd;
	uint64_t	rst_sent;
	uint64_t	rexmt_syn;
	uint64_t	rexmt_data;
	uint64_t	rexmt_fin;
	uint64_t	rexmt_timeouts;		/* retransmit timer expiries */
	uint64_t	fast_rexmt;		/* fast retransmits (DP-5) */
	uint64_t	delack_sent;		/* ACKs the delack timer sent */
	uint64_t	drops_noport;		/* SYN to a closed port: RST */

	/* Old duplicates of an earlier incarnation acted on (RFC 1337). */
	uint64_t	hazards;

	/* Gauges. */
	int64_t		tw_count;		/* entries in the zone */
	int64_t		tw_peak;
	int64_t		established;		/* in ESTABLISHED now */
	sim_time_t	first_addrnotavail;	/* -1: never */
};

/* tcp_subr.c: control blocks, ISNs, closing (owner: TIME_WAIT/pcb side). */
/*
 * A new tcpcb from the host's free list, attached to inp (inp->inp_ppcb =
 * tp): state CLOSED, t_starttime = ticks, t_rxtcur = rto_initial,
 * TF_REQ_TSTMP and TF_REQ_SCALE when rfc1323 is on, ts_offset 0 (TS-1),
 * the buffers at sendspace/recvspace and rcv_wnd the latter (DP-9),
 * timers SIM_EVENT_NONE and a fresh conn_id (net_new_conn_id).  NULL when
 * out of memory.
 */
struct tcpcb	*tcp_newtcpcb(struct host *h, struct inpcb *inp);
/*
 * Cancel tp's timers (t_rexmt, t_keep, t_2msl, t_delack), detach it from
 * its inpcb and return it to the free list.  A tcpcb still in ESTABLISHED
 * takes itself off the `established` gauge; otherwise the gauge is the
 * state machine's (whoever moves t_state away from ESTABLISHED decrements
 * it).
 */
void		 tcp_discardcb(struct tcpcb *tp);
/* Drop the pcb from the hashes, free it and discard tp.  Returns NULL. */
struct tcpcb	*tcp_close(struct tcpcb *tp);
/*
 * Abort: RST|ACK (seq snd_nxt, ack rcv_nxt) when the connection has
 * received a SYN (state >= SYN_RECEIVED; rst_sent, segs_sent), the
 * application's `failed` upcall with `error` when it is still attached
 * (t_app != NULL and not TF_APPCLOSED; t_app is cleared first), then
 * tcp_close().  Returns NULL.  The caller counts the cause
 * (conn_failed_timeout, conn_failed_reset, ...).
 */
struct tcpcb	*tcp_drop(struct tcpcb *tp, int error);
/*
 * FreeBSD's ISN generator of the tcp_timewait.c era: keyed hash of the
 * 4-tuple with a per-host secret, plus a per-host offset that grows by at
 * least 1,048,576 per second (the 10 ms isn tick, applied lazily) and by
 * 4096 + random(0..4095) per ISN.
 */
tcp_seq		 tcp_new_isn(struct host *h, uint32_t laddr, uint16_t lport,
		    uint32_t faddr, uint16_t fport);
/*
 * TS-3: the timestamp clock counts milliseconds whatever hz is
 * (tsval = tcp_ts_getticks + ts_offset): tcp_ts_getticks() is inline in
 * models/host.h, beside the host's clock it reads.
 */
/* A random timestamp offset (FreeBSD 12+'s, for each connection). */
uint32_t	 tcp_new_ts_offset(struct host *h);
/*
 * SOCK-1: every pcb but a syncache entry is a socket's (TIME_WAIT ones
 * included); 1 when they number maxsockets, so one more is ENOBUFS.
 */
int		 tcp_sockets_full(const struct host *h);
/* Host teardown: release the tcpcb slabs (every tcpcb, live or free). */
void		 tcp_subr_destroy(struct host *h);

/* tcp_input.c, tcp_output.c, tcp_timer.c (owner: state-machine side). */
void		 tcp_input(struct host *h, const struct tcp_segment *seg);

/*
 * tcp_syncache.c (SYNC-n): a SYN for listener ltp makes an entry and
 * answers SYN-ACK; syncache_input takes every later segment for the
 * entry (or its cookie) and returns 1 when the entry became a connection
 * that tcp_do_segment must now process the segment on,
 * SYNCACHE_LOOKUP_AGAIN when the entry is gone and the segment (a new
 * SYN) must be looked up again, 0 when it was consumed.
 */
#define SYNCACHE_LOOKUP_AGAIN	2
void		 syncache_add(struct host *h, struct tcpcb *ltp,
		    const struct tcp_segment *seg);
/*
 * TCP-11: the connection a SYN for listener ltp opens, in SYN_RECEIVED,
 * with the segment's 4-tuple, irs and window, no application yet (t_app
 * NULL, t_app_arg ltp); the caller picks the ISN.  NULL: no memory.
 */
struct tcpcb	*tcp_passive_open(struct host *h, struct tcpcb *ltp,
		    const struct tcp_segment *seg);
int		 syncache_input(struct tcpcb *tp,
		    const struct tcp_segment *seg);
/* (further prototypes added here) */

/*
 * Segment size.  Payload is a byte count, so a segment of MSS bytes costs
 * one event whatever its size; 1460 keeps segment counts realistic
 * (TCP-6).
 */
#define TCP_MSS			1460
#define TCPOLEN_TSTAMP_APPA	12	/* DP-1: timestamps cost 12 bytes */
#define TCP_MAXWIN		65535	/* largest unscaled window */
#define TCP_MAX_WINSHIFT	14	/* largest window shift */
#define TCPREXMTTHRESH		3	/* duplicate ACKs: fast retransmit */
#define TCP_MAXRXTSHIFT		12		/* retransmissions before drop */
#define TCPTV_MIN		(30 * SIM_MSEC)	/* tcp_rexmit_min */
#define TCP_REXMIT_SLOP		(200 * SIM_MSEC) /* tcp_rexmit_slop, RTO-1 */
#define TCPTV_REXMTMAX		(64 * SIM_SEC)	/* RTO ceiling */

/* Backoff multipliers of the RTO (tcp_timer.c). */
extern const int tcp_syn_backoff[TCP_MAXRXTSHIFT + 1];
/*
 * TCP-7: FreeBSD's RTO for a SYN or SYN-ACK after its t_rxtshift-th
 * timeout, or 0 once TCP_MAXRXTSHIFT is passed (tcp_stack_freebsd9's
 * syn_rexmt).
 */
sim_time_t	 tcp_timer_syn_backoff(struct tcpcb *tp);
extern const int tcp_backoff[TCP_MAXRXTSHIFT + 1];

/*
 * tcp_output: send what tp's state and queue call for -- the SYN or
 * SYN-ACK, data within min(the peer's window, cwnd) and the send buffer
 * in segments of at most t_maxseg (DP-4, DP-9), the FIN once the queue
 * is empty, a window update, or a pending ACK (TF_ACKNOW).
 * Returns the number of segments sent.
 */
int		 tcp_output(struct tcpcb *tp);
/*
 * tcp_output's two halves: 1 when a call would send nothing and change
 * nothing, answered cheaply (most calls); and the full decision, which
 * tcp_output() makes only when that answer is 0.  Public for the test
 * that pins that the two agree (check_tcp.c).
 */
int		 tcp_output_idle(const struct tcpcb *tp);
int		 tcp_output_full(struct tcpcb *tp);
/*
 * DP-9: what the send buffer holds (sb_cc): min(t_sndbuf, the data from
 * snd_una to the end of what the application queued).
 */
uint32_t	 tcp_sbcc(const struct tcpcb *tp);
/*
 * Answer a segment that no connection takes with a RST (tcp_input's
 * dropwithreset): never to a RST; seq = its ack when it carries an ACK,
 * else RST|ACK acknowledging it.  Counts rst_sent and segs_sent.
 */
void		 tcp_respond_rst(struct host *h, const struct tcp_segment *seg);
/*
 * A listener is closing: its half-open connections (SYN_RECEIVED, not
 * yet accepted) forget it and are closed when their handshake completes.
 */
void		 tcp_listen_orphan(struct tcpcb *ltp);
/* Move tp to state s, keeping the `established` gauge. */
void		 tcp_state_change(struct tcpcb *tp, enum tcp_state s);

/*
 * DP-1: tcp_mss at the handshake: t_maxseg is TCP_MSS less 12 bytes when
 * timestamps were negotiated, and both socket buffers are rounded up to
 * whole segments (at most maxsockbuf).
 */
void		 tcp_mss(struct tcpcb *tp);
/* DP-8: the window shift that lets a window reach maxsockbuf. */
int		 tcp_request_scale(const struct host *h);
/*
 * DP-9, DP-10, DP-11: sbreserve: grow a socket buffer to `size`; 0 when
 * size exceeds what maxsockbuf allows (the buffer stays as it is).
 */
int		 tcp_sbreserve(const struct tcpcb *tp, uint32_t *hiwat,
		    uint32_t size);

/*
 * tcp_sack.c (SACK-n): the receiver's block list after data
 * [start, end) arrived; the scoreboard after an ACK (and its blocks); the
 * next hole to resend (NULL: none) with the bytes resent so far; a partial
 * ACK in recovery; snd_nxt past what the peer holds after a timeout;
 * emptying the scoreboard.
 */
void		 tcp_update_sack_list(struct tcpcb *tp, tcp_seq start,
		    tcp_seq end);
void		 tcp_sack_doack(struct tcpcb *tp, const struct tcp_segment *seg);
struct sackhole	*tcp_sack_output(struct tcpcb *tp, uint32_t *bytes_rexmt);
void		 tcp_sack_partialack(struct tcpcb *tp, tcp_seq ack);
void		 tcp_sack_adjust(struct tcpcb *tp);
void		 tcp_free_sackholes(struct tcpcb *tp);

/* tcp_timer.c: the per-connection timers (sim events on tp). */
void		 tcp_timer_rexmt_start(struct tcpcb *tp);	/* t_rxtcur */
void		 tcp_timer_rexmt_at(struct tcpcb *tp, sim_time_t when);
void		 tcp_timer_rexmt_stop(struct tcpcb *tp);
void		 tcp_timer_keep_start(struct tcpcb *tp);	/* keepinit */
void		 tcp_timer_keep_stop(struct tcpcb *tp);
/* FW2-1: FIN_WAIT_2 after close: finwait2_timeout or TP_MAXIDLE. */
void		 tcp_timer_2msl_start(struct tcpcb *tp);
/* DP-7: the delayed-ACK timer, delacktime from now; stop cancels it. */
void		 tcp_timer_delack_start(struct tcpcb *tp);
void		 tcp_timer_delack_stop(struct tcpcb *tp);
/* An RTT sample (Jacobson/Karels, RFC 6298): sets t_rxtcur. */
void		 tcp_xmit_timer(struct tcpcb *tp, sim_time_t rtt);
/*
 * The current RTO before backoff: rto_initial until the first sample, then
 * srtt + 4 rttvar + tcp_rexmit_slop within [30 ms, 64 s] (RTO-1).
 */
sim_time_t	 tcp_rexmtval(const struct tcpcb *tp);

#endif /* TWSIM_TCP_VAR_H */
