/*
 * tcp_syncache.c -- passive opens before they are sockets: the model's twin
 * of FreeBSD's sys/netinet/tcp_syncache.c (9.3: syncache_add,
 * syncache_respond, syncache_timer, syncache_chkrst, syncache_expand,
 * syncache_socket).  Rule IDs SYNC-n are in docs/RULES.md.
 *
 * A SYN for a listener makes a syncache entry, not a socket.  The model
 * keeps the entry as a tcpcb in SYN_RECEIVED flagged TF_SYNCACHE, whose pcb
 * sits in the 4-tuple hash so that the peer's next segments find it; it
 * does not count as a socket (SOCK-1) and nothing about it is counted as a
 * connection failure.  Segments for it never reach tcp_do_segment: they
 * come here (tcp_input dispatches), as in the kernel they go from the
 * listener to the syncache.  Once the ACK of the SYN-ACK arrives, the entry
 * becomes a connection (syncache_socket) and tcp_do_segment takes the ACK
 * and whatever it carries.
 *
 * Syncookies are on, as by default: the SYN-ACK's ISN (and timestamp)
 * is a cookie, so an entry that is gone can still be rebuilt from the ACK
 * that echoes it (syncookie_lookup).  The model keeps what the cookie
 * encodes as a shadow of the dropped entry (TF_SYNCOOKIE) for the
 * cookie's lifetime, SYNCOOKIE_LIFETIME (SYNC-7).
 *
 * Left out: the bucket and cache limits (tcps_sc_bucketoverflow), window
 * scaling, and the secret's odd/even rotation (a cookie is taken to live
 * exactly SYNCOOKIE_LIFETIME after its SYN-ACK; in the kernel, 16 to 32 s).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/segment.h"
#include "models/tcp_var.h"
#include "sim/rng.h"

/* SYNC-2: SYN-ACK retransmissions before the entry is dropped. */
#define SYNCACHE_MAXREXMTS	3
/* SYNC-7: how long a syncookie validates (the secret's lifetime). */
#define SYNCOOKIE_LIFETIME	(16 * SIM_SEC)

static void	syncache_timer(struct sim *sim, void *arg);

/*
 * SYNC-2: SYNCACHE_TIMEOUT: the sc_rxmits-th timeout comes
 * TCPTV_RTOBASE x tcp_backoff[sc_rxmits - 1] after now (3, 6, 12, 24 s).
 * t_rxtshift plays sc_rxmits.
 */
static void
syncache_timeout(struct tcpcb *tp)
{
	struct host *h = tp->t_host;

	tp->t_rxtshift++;
	tcp_timer_rexmt_stop(tp);
	(void)sim_after(h->sim, h->tun.rto_initial *
	    tcp_backoff[tp->t_rxtshift - 1], syncache_timer, tp,
	    &tp->t_rexmt);
}

/* syncache_respond: the SYN-ACK (again), from iss. */
static void
syncache_respond(struct tcpcb *tp)
{

	tp->snd_nxt = tp->snd_una;
	(void)tcp_output(tp);
}

/* An entry (or its cookie) is gone: no RST, no socket, no count (SYNC-6). */
static void
syncache_free(struct tcpcb *tp)
{

	tp->t_host->syncache_count--;
	(void)tcp_close(tp);
}

static void
syncookie_expire(struct sim *sim, void *arg)
{
	struct tcpcb *tp = arg;

	(void)sim;
	tp->t_rexmt = SIM_EVENT_NONE;
	syncache_free(tp);
}

/*
 * SYNC-7: the entry is dropped, but the cookie its SYN-ACK carried stays
 * valid until SYNCOOKIE_LIFETIME after that SYN-ACK: keep it as a shadow
 * until then, so that an ACK echoing it still makes the connection.
 */
static void
syncache_drop(struct tcpcb *tp)
{
	struct host *h = tp->t_host;
	sim_time_t left = tp->t_sc_time + SYNCOOKIE_LIFETIME - sim_now(h->sim);

	tcp_timer_rexmt_stop(tp);
	if (left <= 0) {
		syncache_free(tp);
		return;
	}
	tp->t_flags |= TF_SYNCOOKIE;
	(void)sim_after(h->sim, left, syncookie_expire, tp, &tp->t_rexmt);
}

/*
 * SYNC-2: syncache_timer: retransmit the SYN-ACK until SYNCACHE_MAXREXMTS
 * retransmissions went unanswered, then drop the entry (tcps_sc_stale).
 */
static void
syncache_timer(struct sim *sim, void *arg)
{
	struct tcpcb *tp = arg;

	(void)sim;
	tp->t_rexmt = SIM_EVENT_NONE;
	if (tp->t_rxtshift > SYNCACHE_MAXREXMTS) {
		syncache_drop(tp);		/* 45 s: its cookie is stale */
		return;
	}
	syncache_respond(tp);
	syncache_timeout(tp);
}

/* arc4random, or the syncookie: effectively random for each entry. */
static uint32_t
syncache_random(struct host *h)
{

	return ((uint32_t)gsl_rng_get(rng_gsl(h->ts_rng)));
}

void
syncache_add(struct host *h, struct tcpcb *ltp, const struct tcp_segment *seg)
{
	struct tcpcb *tp;

	if ((tp = tcp_passive_open(h, ltp, seg)) == NULL)
		return;
	h->syncache_count++;
	tp->t_flags |= TF_SYNCACHE;
	/*
	 * SYNC-1: the ISN is arc4random() -- or, with syncookies on (the
	 * default), the cookie: random for every entry either way, so a
	 * reused 4-tuple starts nowhere near its previous incarnation.
	 */
	tp->iss = syncache_random(h);
	/* tcp_sendseqinit: snd_recover starts at iss too (DP-5). */
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_recover = tp->iss;
	tp->t_sc_time = sim_now(h->sim);
	/*
	 * SYNC-1, TS-2: with timestamps the SYN-ACK's tsval is the value the
	 * syncookie encoded (sc_ts), fixed for the entry; the connection's
	 * offset is sc_ts - tcp_ts_getticks() (sc_tsoff).
	 */
	if ((tp->t_flags & TF_REQ_TSTMP) && (seg->opt_flags & TOF_TS)) {
		tp->t_flags |= TF_RCVD_TSTMP;
		tp->ts_recent = seg->tsval;
		tp->t_sc_ts = syncache_random(h);
		tp->ts_offset = tp->t_sc_ts - tcp_ts_getticks(h);
	} else
		tp->t_flags &= ~TF_REQ_TSTMP;
	tp->t_rxtshift = 0;
	syncache_respond(tp);
	syncache_timeout(tp);
}

/*
 * SYNC-7: syncookie_lookup: an ACK whose seq is irs + 1, whose ack is the
 * cookie + 1 and which echoes the cookie's timestamp rebuilds the entry.
 */
static int
syncookie_valid(const struct tcpcb *tp, const struct tcp_segment *seg)
{

	if (seg->seq - 1 != tp->irs || seg->ack - 1 != tp->iss)
		return (0);
	if (seg->opt_flags & TOF_TS)
		return ((tp->t_flags & TF_RCVD_TSTMP) &&
		    seg->tsecr == tp->t_sc_ts);
	return (1);
}

/*
 * SYNC-6, SOCK-1: syncache_socket: the handshake is complete and now the
 * connection needs a socket.  Past maxsockets there is none (ENOBUFS):
 * the entry goes and the ACK is dropped without an answer
 * (tcps_sc_aborted).  1: tcp_do_segment takes the segment.
 */
static int
syncache_socket(struct tcpcb *tp)
{
	struct host *h = tp->t_host;

	tcp_timer_rexmt_stop(tp);
	if (tcp_sockets_full(h)) {
		h->stat.conn_failed_nobufs++;
		syncache_free(tp);
		return (0);
	}
	tp->t_flags &= ~(TF_SYNCACHE | TF_SYNCOOKIE);
	h->syncache_count--;
	tp->t_rxtshift = 0;
	return (1);
}

int
syncache_input(struct tcpcb *tp, const struct tcp_segment *seg)
{
	struct host *h = tp->t_host;
	uint8_t thflags = seg->flags;

	if (tp->t_flags & TF_SYNCOOKIE) {
		/*
		 * SYNC-7: only a cookie is left.  A SYN makes a new entry
		 * (look up again: the listener takes it); an ACK is checked
		 * against the cookie -- a bad one gets a RST and leaves the
		 * cookie as valid as before; anything else finds no entry.
		 */
		if ((thflags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN) {
			tcp_timer_rexmt_stop(tp);
			syncache_free(tp);
			return (SYNCACHE_LOOKUP_AGAIN);
		}
		if (thflags & TH_RST)
			return (0);
		if ((thflags & (TH_SYN | TH_ACK)) == TH_ACK) {
			if (syncookie_valid(tp, seg)) {
				if (seg->opt_flags & TOF_TS)
					tp->ts_recent = seg->tsval;
				return (syncache_socket(tp));
			}
			tcp_respond_rst(h, seg);
			return (0);
		}
		if (thflags & TH_ACK)
			tcp_respond_rst(h, seg);
		return (0);
	}
	/* SYNC-5: syncache_chkrst: a RST in the window drops the entry. */
	if (thflags & TH_RST) {
		if (SEQ_GEQ(seg->seq, tp->irs) &&
		    SEQ_LEQ(seg->seq, tp->irs + tp->rcv_wnd))
			syncache_drop(tp);
		return (0);
	}
	/* SYN|ACK to a listen socket: RST (tcp_input dropwithreset). */
	if ((thflags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
		tcp_respond_rst(h, seg);
		return (0);
	}
	/*
	 * SYNC-3: a duplicate SYN (whatever its seq: syncache_add does not
	 * look) resends the SYN-ACK and restarts the retransmission count;
	 * its timestamp becomes the one to reflect.
	 */
	if (thflags & TH_SYN) {
		if ((tp->t_flags & TF_RCVD_TSTMP) && (seg->opt_flags & TOF_TS))
			tp->ts_recent = seg->tsval;
		else if (tp->t_flags & TF_RCVD_TSTMP)
			tp->t_flags &= ~(TF_REQ_TSTMP | TF_RCVD_TSTMP);
		tp->t_rxtshift = 0;
		syncache_respond(tp);
		syncache_timeout(tp);
		return (0);
	}
	if ((thflags & TH_ACK) == 0)
		return (0);
	/*
	 * SYNC-4: syncache_expand: the ACK must be iss + 1, the seq within
	 * (irs, irs + wnd], and the timestamp echo the SYN-ACK's; otherwise
	 * the entry is dropped (its cookie lives on, SYNC-7) and the segment
	 * gets a RST.  An old duplicate of the previous incarnation does
	 * this to a new handshake; the cookie then saves it.
	 */
	if (seg->ack != tp->iss + 1 || SEQ_LEQ(seg->seq, tp->irs) ||
	    SEQ_GT(seg->seq, tp->irs + tp->rcv_wnd) ||
	    ((tp->t_flags & TF_RCVD_TSTMP) == 0 && (seg->opt_flags & TOF_TS)) ||
	    ((seg->opt_flags & TOF_TS) && seg->tsecr != tp->t_sc_ts)) {
		syncache_drop(tp);
		tcp_respond_rst(h, seg);
		return (0);
	}
	return (syncache_socket(tp));
}
