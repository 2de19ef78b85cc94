/*
 * tcp_timewait.c -- compressed TIME_WAIT: the capped zone of struct tcptw,
 * the 2MSL FIFO queue, and what a segment does to a connection in
 * TIME_WAIT.  The model's twin of FreeBSD's sys/netinet/tcp_timewait.c
 * (git revision c243e4902be8df1e643c76b5f18b68bb77cc5268), function for
 * function and under the kernel's names; each rule carries its ID from docs/RULES.md (TW-1 ..
 * TW-21), which its test in tests/check_timewait.c names as well.
 *
 * The zone is a free cache of entries grown in slabs of TCPTW_SLAB (our
 * memory); on top of it the zone keeps UMA's accounting (UMA-1..UMA-4):
 * the limit counts whole UMA slabs of TCPTW_UMA_IPERS entries, and slabs
 * once allocated are never given back (UMA_ZONE_NOFREE).  Every entry in
 * use is on the 2MSL queue, oldest first; the slow timer (host.c) scans it
 * from the head.
 *
 * Memory: one TIME_WAIT connection costs a struct tcptw (88 bytes on LP64,
 * 40 of them the oracle's, the records' and the Linux and FreeBSD 14
 * stacks') plus its struct inpcb (48 bytes): 136 bytes, against ~800 for
 * a full tcpcb + inpcb + socket in the kernel.  tcp_timewait.h asserts
 * the entry's 88 at compile time, check_timewait the sum at <= 256 bytes;
 * tests/bench/bench_twmem measures it at 10^6 entries.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/trace.h"

struct tcptw_slab {
	struct tcptw_slab *next;
	struct tcptw	 tws[TCPTW_SLAB];
};

/*
 * UMA-1: uma_zone_set_max (FreeBSD 9 sys/vm/uma_core.c) rounds the limit
 * up to whole slabs; 0 means no limit.  Slabs already allocated stay
 * (UMA-3), so a limit lowered below them takes effect only as far as it
 * stops new slabs.
 */
static void
tcptw_zone_set_max(struct tcptw_zone *z, int max)
{

	z->tw_max = max;
	z->tw_maxpages = max / TCPTW_UMA_IPERS;
	if (z->tw_maxpages * TCPTW_UMA_IPERS < max)
		z->tw_maxpages++;
}

int
tcptw_zone_cap_effective(const struct tcptw_zone *z)
{

	if (z->tw_maxpages == 0)
		return (0);			/* UMA-4 */
	return ((z->tw_pages > z->tw_maxpages ? z->tw_pages :
	    z->tw_maxpages) * TCPTW_UMA_IPERS);
}

/*
 * uma_zalloc(M_NOWAIT): UMA-2, a free item in a slab the keg already has
 * is always handed out; UMA-3, a new slab only while the keg is below its
 * page limit (keg_fetch_slab); UMA-4, a limit of 0 never refuses.
 */
struct tcptw *
tcptw_zone_alloc(struct tcptw_zone *z)
{
	struct tcptw_slab *s;
	struct tcptw *tw;
	size_t i;
	int newpage;

	newpage = z->tw_used >= z->tw_pages * TCPTW_UMA_IPERS;
	if (newpage && z->tw_maxpages != 0 && z->tw_pages >= z->tw_maxpages)
		return (NULL);
	if ((tw = TAILQ_FIRST(&z->tw_free)) == NULL) {
		s = malloc(sizeof(*s));
		if (s == NULL)
			return (NULL);
		s->next = z->tw_slabs;
		z->tw_slabs = s;
		for (i = 0; i < TCPTW_SLAB; i++) {
			s->tws[i].tw_inpcb = NULL;
			TAILQ_INSERT_TAIL(&z->tw_free, &s->tws[i], tw_2msl);
		}
		z->tw_cached += TCPTW_SLAB;
		tw = TAILQ_FIRST(&z->tw_free);
	}
	TAILQ_REMOVE(&z->tw_free, tw, tw_2msl);
	z->tw_cached--;
	z->tw_used++;
	/* No timer of its own yet, whichever stack arms one (or none). */
	tw->tw_timer = SIM_EVENT_NONE;
	if (newpage)
		z->tw_pages++;
	return (tw);
}

static void
tcptw_zone_free(struct tcptw_zone *z, struct tcptw *tw)
{

	tw->tw_inpcb = NULL;
	TAILQ_INSERT_HEAD(&z->tw_free, tw, tw_2msl);
	z->tw_cached++;
	z->tw_used--;
}

/*
 * TW-1: the automatic cap.  Half the ephemeral range, so TIME_WAIT cannot
 * tie up more than half the ports; at least 32 against tiny ranges; at
 * most a fifth of maxsockets.  The range may be given reversed.
 */
int
tcptw_auto_size(const struct host *h)
{
	int halfrange, n;

	if (h->tun.portrange_last > h->tun.portrange_first)
		halfrange = (h->tun.portrange_last - h->tun.portrange_first) / 2;
	else
		halfrange = (h->tun.portrange_first - h->tun.portrange_last) / 2;
	n = halfrange > 32 ? halfrange : 32;
	return (n < h->tun.maxsockets / 5 ? n : h->tun.maxsockets / 5);
}

/*
 * TW-3: reading net.inet.tcp.maxtcptw while it is 0 reports the size the
 * zone would be given automatically now.
 */
int
sysctl_maxtcptw_get(const struct host *h)
{

	if (h->twzone.maxtcptw == 0)
		return (tcptw_auto_size(h));
	return (h->twzone.maxtcptw);
}

/*
 * TW-4: a write of 32 or more sets the tunable and re-caps the zone; a
 * smaller write is silently ignored (the sysctl still succeeds).  Entries
 * above a lowered cap are not closed, and the slabs they came from stay
 * the zone's (UMA-3): recycling (TW-7) starts only once demand exceeds
 * what those slabs hold.
 */
int
sysctl_maxtcptw_set(struct host *h, int value)
{

	if (value < 32)
		return (0);
	h->twzone.maxtcptw = value;
	h->tun.maxtcptw = value;
	tcptw_zone_set_max(&h->twzone, value);
	return (1);
}

/* TW-5: maxsockets changed; an auto-sized zone follows it. */
void
tcp_tw_zone_change(struct host *h)
{

	if (h->twzone.maxtcptw == 0)
		tcptw_zone_set_max(&h->twzone, tcptw_auto_size(h));
}

/*
 * TW-2: at boot, maxtcptw 0 means the auto size; any other value is the
 * cap as given -- the loader tunable has no floor of 32, unlike the sysctl.
 */
void
tcp_tw_init(struct host *h)
{
	struct tcptw_zone *z = &h->twzone;

	memset(z, 0, sizeof(*z));
	TAILQ_INIT(&z->twq_2msl);
	TAILQ_INIT(&z->tw_free);
	z->maxtcptw = h->tun.maxtcptw;
	if (z->maxtcptw == 0)
		tcptw_zone_set_max(z, tcptw_auto_size(h));
	else
		tcptw_zone_set_max(z, z->maxtcptw);
}

void
tcp_tw_destroy(struct host *h)
{
	struct tcptw_zone *z = &h->twzone;
	struct tcptw_slab *s, *next;
	struct tcptw *tw;

	while ((tw = TAILQ_FIRST(&z->twq_2msl)) != NULL)
		tcp_twclose(tw, 0);
	for (s = z->tw_slabs; s != NULL; s = next) {
		next = s->next;
		free(s);
	}
	z->tw_slabs = NULL;
	TAILQ_INIT(&z->tw_free);
	z->tw_cached = 0;
}

void
tcp_twstart(struct tcpcb *tp)
{
	struct host *h = tp->t_host;
	struct inpcb *inp = tp->t_inpcb;
	struct tcptw *tw;
	int acknow;

	assert(inp != NULL && inp->inp_ppcb == tp);
	assert((inp->inp_flags & INP_TIMEWAIT) == 0);
	/*
	 * TW-6: nolocaltimewait.  A connection to one of this host's own
	 * addresses closes at once: both ends are here, no old duplicate
	 * can wander in from the network.
	 */
	if (h->tun.nolocaltimewait && host_owns_addr(h, inp->inp_faddr)) {
		TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "TW-6",
		    "nolocaltimewait: the peer is local, no TIME_WAIT");
		h->stat.tw_skipped_local++;
		tcp_tw_report_skipped(tp);
		tcp_close(tp);
		return;
	}

	tw = tcptw_zone_alloc(&h->twzone);
	if (tw == NULL) {
		/* TW-7: the zone is at its cap; recycle the oldest entry. */
		tw = tcp_tw_2msl_scan(h, 1);
		if (tw == NULL) {
			/* TW-8: nothing to recycle: no TIME_WAIT at all. */
			TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "TW-8",
			    "TIME_WAIT zone full (cap %d), nothing to "
			    "recycle: no TIME_WAIT", h->twzone.tw_max);
			h->stat.tw_skipped_nomem++;
			tcp_tw_report_skipped(tp);
			tcp_close(tp);
			return;
		}
	}
	tw->tw_inpcb = inp;
	(void)tcp_tw_keep(tw, tp);		/* TW-9 */
	acknow = tp->t_flags & TF_ACKNOW;
	TCP_TRACE(h, tp->conn_id, tp->peer_conn_id, "TW-11",
	    "TIME_WAIT entry made (%d of cap %d); 2MSL ends %.3f s from now",
	    h->twzone.tw_used, h->twzone.tw_max,
	    sim_time_to_sec(2 * h->tun.msl));

	/* The full control block is no longer needed: discard it. */
	tcp_discardcb(tp);
	inp->inp_ppcb = tw;
	inp->inp_flags |= INP_TIMEWAIT;
	/* TW-10: an ACK that was due goes out from the entry. */
	if (acknow)
		tcp_twrespond(tw, TH_ACK);
	tcp_tw_2msl_reset(tw, 0);		/* TW-11 */
	tcptw_count_entered(h);
}

int
tcp_tw_keep(struct tcptw *tw, const struct tcpcb *tp)
{
	int ts;

	/*
	 * TW-9: keep what the answers of TW-20 need.  The window is the last
	 * one advertised, as the peer sees it (scaled).
	 */
	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt))
		tw->last_win = (uint16_t)((tp->rcv_adv - tp->rcv_nxt) >>
		    tp->rcv_scale);
	else
		tw->last_win = 0;
	/* TW-9: timestamps only when both ends use them (RFC 7323). */
	ts = (tp->t_flags & (TF_REQ_TSTMP | TF_RCVD_TSTMP | TF_NOOPT)) ==
	    (TF_REQ_TSTMP | TF_RCVD_TSTMP);
	tw->t_recent = ts ? tp->ts_recent : 0;
	tw->ts_offset = ts ? tp->ts_offset : 0;
	tw->snd_nxt = tp->snd_nxt;
	tw->rcv_nxt = tp->rcv_nxt;
	/*
	 * Not iss, irs or t_starttime: the kernel copies them for
	 * tcp_twrecycleable alone, which is compiled out (#if 0).
	 */
	tw->tw_time = 0;
	tw->tw_substate = TCPS_TIME_WAIT;	/* Linux may say otherwise */
	tw->tw_rcv_wscale = (uint8_t)tp->rcv_scale;
	tw->conn_id = tp->conn_id;
	tw->peer_conn_id = tp->peer_conn_id;
	tw->tw_start = sim_now(tp->t_host->sim);
	return (ts);
}

static void	tcp_tw_2msl_rearm(struct tcptw *tw);

int
tcp_twcheck(struct inpcb *inp, const struct tcp_segment *th)
{
	struct host *h = in_pcb_host(inp);
	struct tcptw *tw;
	uint8_t thflags;

	/*
	 * TW-14: the pcb's TIME_WAIT state was already recycled but the pcb
	 * is still around: drop.
	 */
	tw = inp->inp_ppcb;
	if (tw == NULL) {
		TCP_TRACE(h, 0, th->conn_id, "TW-14", "segment for a recycled "
		    "TIME_WAIT pcb: dropped");
		h->stat.tw_dropped_recycled++;
		return (0);
	}
	thflags = th->flags;

	/*
	 * TW-15: RST is dropped.  Honouring it would end TIME_WAIT early and
	 * let old duplicates reach a new incarnation (RFC 1337, "TIME-WAIT
	 * assassination"; Stevens vol. 2 p. 964).
	 */
	if (thflags & TH_RST) {
		TCP_TRACE(h, tw->conn_id, th->conn_id, "TW-15",
		    "RST in TIME_WAIT: ignored (RFC 1337)");
		h->stat.rst_ignored_tw++;
		return (0);
	}

	/*
	 * TW-16: a SYN above everything the old connection received starts
	 * a new one: close the entry and let the caller find the listener.
	 */
	if ((thflags & TH_SYN) && SEQ_GT(th->seq, tw->rcv_nxt)) {
		TCP_TRACE(h, tw->conn_id, th->conn_id, "TW-16",
		    "SYN seq %u above rcv_nxt %u: TIME_WAIT closed, the SYN "
		    "reopens the 4-tuple", th->seq, tw->rcv_nxt);
		h->stat.tw_reopened++;
		tcp_tw_report(tw, TW_END_REOPENED);
		tcp_twclose(tw, 0);
		return (1);
	}

	return (tcp_twcheck_ack(tw, th, tcp_tw_2msl_rearm));
}

/* TW-13 through TW-18: tcp_tw_2msl_reset with rearm. */
static void
tcp_tw_2msl_rearm(struct tcptw *tw)
{

	tcp_tw_2msl_reset(tw, 1);
}

/*
 * TW-17..TW-19, shared with FreeBSD 14 (F14-3), whose tcp_twcheck ends
 * the same way: drop what has no ACK, restart 2 MSL on a retransmitted
 * FIN (rearm), and answer all but a pure duplicate ACK.
 */
int
tcp_twcheck_ack(struct tcptw *tw, const struct tcp_segment *th,
    void (*rearm)(struct tcptw *tw))
{
	struct host *h = in_pcb_host(tw->tw_inpcb);
	uint8_t thflags = th->flags;
	tcp_seq seq;

	/* TW-17: anything else without ACK is dropped. */
	if ((thflags & TH_ACK) == 0) {
		TCP_TRACE(h, tw->conn_id, th->conn_id, "TW-17",
		    (thflags & TH_SYN) ? "SYN seq %u not above rcv_nxt %u: "
		    "dropped" : "segment without ACK (seq %u, rcv_nxt %u): "
		    "dropped", th->seq, tw->rcv_nxt);
		if (thflags & TH_SYN)
			h->stat.syn_dropped_tw++;
		return (0);
	}

	/*
	 * TW-18: a retransmitted FIN (our ACK of it was lost) restarts 2 MSL
	 * so that the entry outlives the peer's retransmissions.
	 */
	if (thflags & TH_FIN) {
		seq = th->seq + th->len + ((thflags & TH_SYN) ? 1 : 0);
		if (seq + 1 == tw->rcv_nxt) {
			TCP_TRACE(h, tw->conn_id, th->conn_id, "TW-18",
			    "retransmitted FIN: 2MSL re-armed");
			h->stat.tw_rearmed++;
			rearm(tw);
		}
	}

	/*
	 * TW-19: answer with an ACK unless this is a pure duplicate ACK (it
	 * would only make the peer answer in turn).
	 */
	if (thflags != TH_ACK || th->len != 0 ||
	    th->seq != tw->rcv_nxt || th->ack != tw->snd_nxt) {
		TCP_TRACE(h, tw->conn_id, th->conn_id, "TW-19",
		    "answered with an ACK from TIME_WAIT");
		tcp_twrespond(tw, TH_ACK);
	} else
		TCP_TRACE(h, tw->conn_id, th->conn_id, "TW-19",
		    "pure duplicate ACK: not answered");
	return (0);
}

/*
 * TW-21: closing an entry drops its pcb from the hashes -- the port is free
 * at once -- and frees the pcb.  With reuse the entry stays allocated for
 * the caller (TW-7); otherwise it returns to the zone.
 */
void
tcp_twclose(struct tcptw *tw, int reuse)
{
	struct inpcb *inp = tw->tw_inpcb;
	struct host *h = in_pcb_host(inp);

	/* The kernel's KASSERTs: a TIME_WAIT pcb and its own entry. */
	assert(inp->inp_flags & INP_TIMEWAIT);
	assert(inp->inp_ppcb == tw);
	TCP_TRACE(h, tw->conn_id, 0, h->stack != NULL ?
	    h->stack->tw_free_rule : "TW-21", "TIME_WAIT entry freed: port "
	    "%u free", inp->inp_lport);
	tw->tw_inpcb = NULL;
	TAILQ_REMOVE(&h->twzone.twq_2msl, tw, tw_2msl);	/* 2msl_stop */
	inp->inp_ppcb = NULL;
	in_pcbdrop(&h->pcbinfo, inp);
	in_pcbfree(&h->pcbinfo, inp);
	h->stat.tw_count--;
	if (reuse)
		return;
	tcptw_zone_free(&h->twzone, tw);
}

/*
 * TW-20: the answer from TIME_WAIT: seq snd_nxt, ack rcv_nxt, the last
 * window, and timestamps when the connection had them (tsval from our
 * clock plus the connection's offset, tsecr the last tsval we saw).
 */
int
tcp_twrespond(struct tcptw *tw, int flags)
{
	struct inpcb *inp = tw->tw_inpcb;
	struct host *h = in_pcb_host(inp);
	struct tcp_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.saddr = inp->inp_laddr;
	seg.daddr = inp->inp_faddr;
	seg.sport = inp->inp_lport;
	seg.dport = inp->inp_fport;
	if (tw->t_recent && flags == TH_ACK) {
		seg.opt_flags |= TOF_TS;
		seg.tsval = tcp_ts_getticks(h) + tw->ts_offset;
		seg.tsecr = tw->t_recent;
	}
	seg.seq = tw->snd_nxt;
	seg.ack = tw->rcv_nxt;
	seg.flags = (uint8_t)flags;
	seg.win = tw->last_win;
	seg.conn_id = tw->conn_id;
	if (flags & TH_ACK)
		h->stat.acks_sent_tw++;
	h->stat.segs_sent++;
	net_output(h->net, h, &seg);
	return (0);
}

/*
 * TW-11: the entry ends 2 MSL from now and joins the tail, so the queue
 * stays ordered by expiry.  TW-13: a re-armed entry leaves its place first
 * and moves to the tail.  MSL is read now, so a changed msl applies to
 * entries (re)armed afterwards.
 */
void
tcp_tw_2msl_reset(struct tcptw *tw, int rearm)
{
	struct host *h;

	assert(tw->tw_inpcb != NULL);
	h = in_pcb_host(tw->tw_inpcb);
	if (rearm)
		TAILQ_REMOVE(&h->twzone.twq_2msl, tw, tw_2msl);
	/* The kernel's int arithmetic: ticks + 2 * tcp_msl may wrap. */
	tw->tw_time = tw_ticks32(host_ticks(h) + 2 *
	    sim_time_to_ticks(h->tun.msl, h->tun.hz));
	TAILQ_INSERT_TAIL(&h->twzone.twq_2msl, tw, tw_2msl);
}

struct tcptw *
tcp_tw_2msl_scan(struct host *h, int reuse)
{
	struct tcptw *tw, *next;
	int32_t ticks = tw_ticks32(host_ticks(h));

	for (;;) {
		tw = TAILQ_FIRST(&h->twzone.twq_2msl);
		/*
		 * The head is the next entry to expire or be recycled, and
		 * by then it is cold: it was queued 2 MSL ago, or one zone's
		 * worth of connections ago.  So while this one goes, the
		 * next ones are fetched, each a step ahead of the one it
		 * needs: the lines in_pcbremhash will touch for the next
		 * entry's pcb (fetched the time before), the pcb of the one
		 * after (whose line was fetched the time before), and the
		 * line of the one after that.  Prefetches only, of what will
		 * be read anyway; written out here because GCC drops a call
		 * to a function made only of prefetches.
		 */
		if (tw != NULL && (next = TAILQ_NEXT(tw, tw_2msl)) != NULL) {
			if (next->tw_inpcb != NULL)
				in_pcb_prefetch_remhash(&h->pcbinfo,
				    next->tw_inpcb);
			if ((next = TAILQ_NEXT(next, tw_2msl)) != NULL) {
				__builtin_prefetch(next->tw_inpcb);
				if (TAILQ_NEXT(next, tw_2msl) != NULL)
					__builtin_prefetch(TAILQ_NEXT(next,
					    tw_2msl));
			}
		}
		/*
		 * TW-12: stop at the first entry whose time has not come, by
		 * the kernel's wrap-safe (tw->tw_time - ticks) > 0 on 32-bit
		 * ticks (HOST-6 keeps the difference within 2^31).
		 */
		if (tw == NULL || (!reuse &&
		    tw_ticks_diff(tw->tw_time, ticks) > 0))
			break;
		if (reuse)
			TCP_TRACE(h, tw->conn_id, 0, "TW-7", "TIME_WAIT zone "
			    "full (cap %d): this oldest entry is recycled "
			    "early", h->twzone.tw_max);
		else
			TCP_TRACE(h, tw->conn_id, 0, "TW-12", "2MSL over: "
			    "expired by the slow timer");
		tcp_tw_report(tw, reuse ? TW_END_RECYCLED : TW_END_EXPIRED);
		tcp_twclose(tw, reuse);
		if (reuse) {
			/* TW-7: the oldest entry, closed early, reused. */
			h->stat.tw_recycled++;
			return (tw);
		}
		h->stat.tw_expired++;
	}
	return (NULL);
}

const char *
tw_end_name(enum tw_end how)
{
	static const char *const names[] = {
		[TW_END_EXPIRED] = "expired",
		[TW_END_RECYCLED] = "recycled",
		[TW_END_REOPENED] = "reopened",
		[TW_END_REUSED] = "reused",
		[TW_END_KILLED] = "killed",
		[TW_END_SKIPPED] = "skipped",
		[TW_END_OPEN] = "open",
	};

	return ((unsigned)how < sizeof(names) / sizeof(names[0]) ?
	    names[how] : "?");
}

void
tcp_tw_report(const struct tcptw *tw, enum tw_end how)
{
	const struct host *h = in_pcb_host(tw->tw_inpcb);

	if (h->tw_report != NULL)
		h->tw_report(h->tw_report_arg, h, tw->conn_id,
		    tw->peer_conn_id, tw->tw_start, how == TW_END_OPEN ? -1 :
		    sim_now(h->sim), (int)how);
}

void
tcp_tw_report_skipped(const struct tcpcb *tp)
{
	const struct host *h = tp->t_host;

	if (h->tw_report != NULL)
		h->tw_report(h->tw_report_arg, h, tp->conn_id,
		    tp->peer_conn_id, sim_now(h->sim), sim_now(h->sim),
		    (int)TW_END_SKIPPED);
}

int
tcp_tw_check(const struct host *h, char *err, size_t errlen)
{
	const struct tcptw_zone *z = &h->twzone;
	const struct tcptw *tw;
	int n, nfree;

	/*
	 * The queue is in arming order, not necessarily expiry order: an msl
	 * lowered at run time lets younger entries expire first (as in the
	 * kernel, they then wait behind the older head).
	 */
	n = 0;
	TAILQ_FOREACH(tw, &z->twq_2msl, tw_2msl) {
		n++;
		if (tw->tw_inpcb == NULL) {
			snprintf(err, errlen, "2MSL queue entry %d has no pcb",
			    n);
			return (-1);
		}
		if ((tw->tw_inpcb->inp_flags & INP_TIMEWAIT) == 0 ||
		    tw->tw_inpcb->inp_ppcb != tw) {
			snprintf(err, errlen, "2MSL queue entry %d: its pcb "
			    "is not in TIME_WAIT on it", n);
			return (-1);
		}
	}
	if (n != z->tw_used) {
		snprintf(err, errlen, "zone has %d entries in use, 2MSL queue "
		    "%d", z->tw_used, n);
		return (-1);
	}
	/* UMA-2/UMA-3: never more entries than the slabs hold. */
	if (z->tw_used > z->tw_pages * TCPTW_UMA_IPERS) {
		snprintf(err, errlen, "zone has %d entries in use, %d slabs "
		    "of %d", z->tw_used, z->tw_pages, TCPTW_UMA_IPERS);
		return (-1);
	}
	nfree = 0;
	TAILQ_FOREACH(tw, &z->tw_free, tw_2msl)
		nfree++;
	if (nfree != z->tw_cached) {
		snprintf(err, errlen, "zone free cache holds %d, counted %d",
		    nfree, z->tw_cached);
		return (-1);
	}
	return (0);
}

void
tcptw_timer_arm(struct tcptw *tw, sim_time_t when, sim_fn fn)
{
	struct host *h = in_pcb_host(tw->tw_inpcb);

	if (tw->tw_timer != SIM_EVENT_NONE)
		(void)sim_cancel(h->sim, tw->tw_timer);
	tw->tw_timer = SIM_EVENT_NONE;
	(void)sim_at(h->sim, when, fn, tw, &tw->tw_timer);
}

void
tcptw_timer_close(struct tcptw *tw)
{
	struct host *h = in_pcb_host(tw->tw_inpcb);

	if (tw->tw_timer != SIM_EVENT_NONE)
		(void)sim_cancel(h->sim, tw->tw_timer);
	tw->tw_timer = SIM_EVENT_NONE;
	tcp_twclose(tw, 0);
}

void
tcptw_count_entered(struct host *h)
{

	h->stat.tw_entered++;
	h->stat.tw_count++;
	if (h->stat.tw_count > h->stat.tw_peak)
		h->stat.tw_peak = h->stat.tw_count;
}

void
tcptw_timer_expired(struct sim *sim, void *arg)
{
	struct tcptw *tw = arg;
	struct host *h = in_pcb_host(tw->tw_inpcb);

	(void)sim;
	tw->tw_timer = SIM_EVENT_NONE;
	TCP_TRACE(h, tw->conn_id, 0, h->stack->tw_timer_rule, "2MSL over: "
	    "the entry's own timer fired");
	h->stat.tw_expired++;
	tcp_tw_report(tw, TW_END_EXPIRED);
	tcp_twclose(tw, 0);
}
