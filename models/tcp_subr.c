/*
 * tcp_subr.c -- TCP control blocks and the things every part of TCP needs
 * around them: creation from a free list, discarding, closing and aborting
 * a connection, initial sequence numbers and timestamp offsets (FreeBSD's
 * netinet/tcp_subr.c of the tcp_timewait.c era).
 *
 * tcpcbs come from slabs of TCPCB_SLAB hung off the host and go back to the
 * host's free list, so opening and closing connections allocates nothing in
 * the steady state.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_stack.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "models/trace.h"
#include "sim/rng.h"

struct tcpcb_slab {
	struct tcpcb_slab *next;
	struct tcpcb	 tcbs[TCPCB_SLAB];
};

/* ISN generator constants (FreeBSD tcp_subr.c). */
#define ISN_BYTES_PER_SECOND	1048576
#define ISN_TICK		(10 * SIM_MSEC)	/* tcp_isn_tick period */
#define ISN_PER_TICK		(ISN_BYTES_PER_SECOND / 100)
#define ISN_STATIC_INCREMENT	4096
#define ISN_RANDOM_INCREMENT	(4096 - 1)

static const char *const tcp_state_names[TCP_NSTATES] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
	"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2",
	"TIME_WAIT"
};

const char *
tcp_state_name(enum tcp_state s)
{

	if ((int)s < 0 || s >= TCP_NSTATES)
		return ("?");
	return (tcp_state_names[s]);
}

struct tcpcb *
tcp_newtcpcb(struct host *h, struct inpcb *inp)
{
	struct tcpcb_slab *s;
	struct tcpcb *tp;
	size_t i;

	if (h->tcpcb_free == NULL) {
		s = malloc(sizeof(*s));
		if (s == NULL)
			return (NULL);
		s->next = h->tcpcb_slabs;
		h->tcpcb_slabs = s;
		for (i = TCPCB_SLAB; i-- > 0;) {
			s->tcbs[i].t_freelink = h->tcpcb_free;
			h->tcpcb_free = &s->tcbs[i];
		}
		h->tcpcb_nfree += TCPCB_SLAB;
	}
	tp = h->tcpcb_free;
	h->tcpcb_free = tp->t_freelink;
	h->tcpcb_nfree--;
	/*
	 * Zeroed up to the arrays at the end (SACK blocks, scoreboard,
	 * reassembly): they are read only below their counts, which are
	 * zeroed, so their 336 bytes -- nearly half the tcpcb, five cache
	 * lines written per connection -- need not be.
	 */
	memset(tp, 0, offsetof(struct tcpcb, sackblks));
	tp->t_inpcb = inp;
	tp->t_host = h;
	tp->t_state = TCPS_CLOSED;
	if (h->tun.rfc1323)
		tp->t_flags |= TF_REQ_TSTMP;
	/*
	 * DP-1, DP-8, DP-9: a full-size segment until the handshake says
	 * otherwise; cwnd and ssthresh as large as a window can be until
	 * cc_conn_init; the buffers at sendspace and recvspace, both
	 * autosized; the window shift that reaches maxsockbuf requested
	 * along with timestamps when rfc1323 is on.
	 */
	tp->t_maxseg = TCP_MSS;
	tp->snd_cwnd = (uint32_t)TCP_MAXWIN << TCP_MAX_WINSHIFT;
	tp->snd_ssthresh = (uint32_t)TCP_MAXWIN << TCP_MAX_WINSHIFT;
	tp->t_sndbuf = (uint32_t)h->tun.sendspace;
	tp->t_rcvbuf = (uint32_t)h->tun.recvspace;
	tp->t_sndsbflags = tp->t_rcvsbflags = SB_AUTOSIZE;
	if (h->tun.rfc1323)
		tp->t_flags |= TF_REQ_SCALE;
	/* SACK-1: offered when sack is on. */
	if (h->tun.sack)
		tp->t_flags |= TF_SACK_PERMIT;
	tp->sack_nexthole = -1;
	tp->t_quickack = h->stack->quickacks;	/* LNX-22 */
	tp->request_r_scale = tcp_request_scale(h);
	tp->rcv_wnd = tp->t_rcvbuf;
	tp->t_rxtcur = h->tun.rto_initial;
	tp->t_rexmt = tp->t_keep = tp->t_2msl = tp->t_delack =
	    SIM_EVENT_NONE;
	tp->t_starttime = host_ticks(h);
	/*
	 * TS-1: FreeBSD 9/10 give an active open no offset (the stack's op
	 * returns 0); FreeBSD 12+: random per connection; Linux: per address
	 * pair.  A FreeBSD passive open gets its syncookie's (SYNC-1, TS-2).
	 */
	tp->ts_offset = h->stack->ts_offset(h, inp != NULL ? inp->inp_laddr :
	    0, inp != NULL ? inp->inp_faddr : 0);
	tp->conn_id = net_new_conn_id(h->net);
	tp->t_connect_start = sim_now(h->sim);
	if (inp != NULL)
		inp->inp_ppcb = tp;
	h->tcpcb_live++;
	return (tp);
}

static void
tcp_timer_stop(struct sim *sim, sim_event_t *ev)
{

	if (*ev != SIM_EVENT_NONE) {
		/* Already fired is fine: handles are generation-checked. */
		(void)sim_cancel(sim, *ev);
		*ev = SIM_EVENT_NONE;
	}
}

void
tcp_discardcb(struct tcpcb *tp)
{
	struct host *h = tp->t_host;

	assert(h != NULL && h->tcpcb_live > 0);
	tcp_timer_stop(h->sim, &tp->t_rexmt);
	tcp_timer_stop(h->sim, &tp->t_keep);
	tcp_timer_stop(h->sim, &tp->t_2msl);
	tcp_timer_stop(h->sim, &tp->t_delack);
	if (tp->t_state == TCPS_ESTABLISHED)
		h->stat.established--;
	if (tp->t_inpcb != NULL && tp->t_inpcb->inp_ppcb == tp)
		tp->t_inpcb->inp_ppcb = NULL;
	/*
	 * Not zeroed here: tcp_newtcpcb() zeroes all 712 bytes when it takes
	 * the tcpcb again, and nothing reads a freed one (the suites pass
	 * with it filled with garbage instead).  Once per connection, that
	 * was 1% of the instructions of bench_sim's load.
	 */
	tp->t_freelink = h->tcpcb_free;
	h->tcpcb_free = tp;
	h->tcpcb_nfree++;
	h->tcpcb_live--;
}

struct tcpcb *
tcp_close(struct tcpcb *tp)
{
	struct host *h = tp->t_host;
	struct inpcb *inp = tp->t_inpcb;

	TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, NULL,
	    "closed in %s: pcb freed", tcp_state_name(tp->t_state));

	if (inp != NULL)
		in_pcbdrop(&h->pcbinfo, inp);
	tcp_discardcb(tp);
	if (inp != NULL)
		in_pcbfree(&h->pcbinfo, inp);
	return (NULL);
}

struct tcpcb *
tcp_drop(struct tcpcb *tp, int error)
{
	struct host *h = tp->t_host;
	struct inpcb *inp = tp->t_inpcb;
	const struct tcp_app_ops *app;
	struct tcp_segment rst;

	TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, NULL, "dropped: %s",
	    error == ETIMEDOUT ? "ETIMEDOUT" : error == ECONNRESET ?
	    "ECONNRESET" : error == ECONNREFUSED ? "ECONNREFUSED" : "error");
	/* TCPS_HAVERCVDSYN: the peer has state to reset. */
	if (tp->t_state >= TCPS_SYN_RECEIVED && inp != NULL) {
		memset(&rst, 0, sizeof(rst));
		rst.saddr = inp->inp_laddr;
		rst.daddr = inp->inp_faddr;
		rst.sport = inp->inp_lport;
		rst.dport = inp->inp_fport;
		rst.seq = tp->snd_nxt;
		rst.ack = tp->rcv_nxt;
		rst.flags = TH_RST | TH_ACK;
		rst.conn_id = tp->conn_id;
		h->stat.rst_sent++;
		h->stat.segs_sent++;
		net_output(h->net, h, &rst);
	}
	app = tp->t_app;
	if (app != NULL && (tp->t_flags & TF_APPCLOSED) == 0) {
		/* Detach first, so the upcall cannot re-enter through tp. */
		tp->t_app = NULL;
		if (app->failed != NULL)
			app->failed(tp->t_app_arg, tp, error);
	}
	return (tcp_close(tp));
}

/* A keyed 64-bit mix (splitmix64 finalizer over secret ^ data). */
static uint64_t
tcp_isn_mix(uint64_t x)
{

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (x);
}

tcp_seq
tcp_new_isn(struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
    uint16_t fport)
{
	sim_time_t now, ticks;
	uint64_t k;
	uint32_t projected;
	tcp_seq isn;

	/*
	 * The 10 ms tcp_isn_tick, applied lazily: each tick projects the
	 * offset 10485 above its value at the previous tick and takes the
	 * larger (so it grows at least ISN_BYTES_PER_SECOND).
	 */
	now = sim_now(h->sim);
	ticks = (now - h->isn_offset_time) / ISN_TICK;
	if (ticks > 0) {
		projected = h->isn_offset_old + ISN_PER_TICK;
		if (SEQ_GT(projected, h->isn_offset))
			h->isn_offset = projected;
		h->isn_offset += (uint32_t)((ticks - 1) * ISN_PER_TICK);
		h->isn_offset_old = h->isn_offset;
		h->isn_offset_time += ticks * ISN_TICK;
	}

	/* The hash of the 4-tuple keyed by the host's secret (MD5 there). */
	k = tcp_isn_mix(h->isn_secret ^ (((uint64_t)fport << 16) | lport));
	k = tcp_isn_mix(k ^ (((uint64_t)faddr << 32) | laddr));
	isn = (tcp_seq)k;

	h->isn_offset += ISN_STATIC_INCREMENT +
	    rng_uniform_int(h->rng, ISN_RANDOM_INCREMENT + 1);
	isn += h->isn_offset;
	return (isn);
}

/* FreeBSD 12+'s tcp_new_ts_offset: random for each connection. */
uint32_t
tcp_new_ts_offset(struct host *h)
{

	return ((uint32_t)gsl_rng_get(rng_gsl(h->ts_rng)));
}

int
tcp_request_scale(const struct host *h)
{
	int scale = 0;

	/* DP-8: tcp_connect, syncache_add: the least shift reaching sb_max. */
	while (scale < TCP_MAX_WINSHIFT &&
	    ((uint64_t)TCP_MAXWIN << scale) < (uint64_t)h->tun.maxsockbuf)
		scale++;
	return (scale);
}

int
tcp_sbreserve(const struct tcpcb *tp, uint32_t *hiwat, uint32_t size)
{
	/*
	 * DP-9: sbreserve refuses more than sb_max scaled by the mbuf
	 * cluster overhead, MCLBYTES / (MSIZE + MCLBYTES) = 2048 / 2304.
	 */
	uint64_t lim = (uint64_t)tp->t_host->tun.maxsockbuf * 2048 / 2304;

	if (size > lim)
		return (0);
	*hiwat = size;
	return (1);
}

void
tcp_mss(struct tcpcb *tp)
{
	uint32_t mss = TCP_MSS, bufsize, sbmax;

	/* DP-1: tcp_mss_update: timestamps take 12 bytes of each segment. */
	if ((tp->t_flags & (TF_REQ_TSTMP | TF_NOOPT)) == TF_REQ_TSTMP &&
	    (tp->t_flags & TF_RCVD_TSTMP))
		mss -= TCPOLEN_TSTAMP_APPA;
	tp->t_maxseg = mss;
	/* tcp_mss: both buffers in whole segments, at most sb_max. */
	sbmax = (uint32_t)tp->t_host->tun.maxsockbuf;
	bufsize = tp->t_sndbuf;
	if (bufsize < mss)
		tp->t_maxseg = mss = bufsize;
	else {
		bufsize = (bufsize + mss - 1) / mss * mss;
		if (bufsize > sbmax)
			bufsize = sbmax;
		if (bufsize > tp->t_sndbuf)
			(void)tcp_sbreserve(tp, &tp->t_sndbuf, bufsize);
	}
	bufsize = tp->t_rcvbuf;
	if (bufsize > mss) {
		bufsize = (bufsize + mss - 1) / mss * mss;
		if (bufsize > sbmax)
			bufsize = sbmax;
		if (bufsize > tp->t_rcvbuf)
			(void)tcp_sbreserve(tp, &tp->t_rcvbuf, bufsize);
	}
}

int
tcp_sockets_full(const struct host *h)
{

	if (!h->stack->maxsockets)
		return (0);
	return (h->pcbinfo.ipi_count - h->syncache_count >=
	    (size_t)h->tun.maxsockets);
}

void
tcp_subr_destroy(struct host *h)
{
	struct tcpcb_slab *s, *next;

	for (s = h->tcpcb_slabs; s != NULL; s = next) {
		next = s->next;
		free(s);
	}
	h->tcpcb_slabs = NULL;
	h->tcpcb_free = NULL;
	h->tcpcb_nfree = 0;
}
