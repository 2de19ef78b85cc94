/*
 * tcp_usrreq.c -- the socket-level requests (FreeBSD's netinet/
 * tcp_usrreq.c): connect, listen, send, close and abort, turned into pcb
 * and tcpcb operations.  Applications (workload.c, tests) use only this
 * interface and the upcalls of struct tcp_app_ops.
 *
 * Closing follows tcp_usrclosed(): the state moves at once (ESTABLISHED ->
 * FIN_WAIT_1, CLOSE_WAIT -> LAST_ACK) and tcp_output() sends the FIN once
 * the queued data is out.  The application is detached on close; the
 * protocol finishes alone.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"

/* Listener close: its half-open children lose the back pointer. */
struct orphan_arg {
	struct tcpcb	*ltp;
};

static void
tcp_orphan_one(struct inpcb *inp, void *arg)
{
	struct orphan_arg *oa = arg;
	struct tcpcb *tp;

	if (inp->inp_flags & INP_TIMEWAIT)
		return;
	tp = inp->inp_ppcb;
	if (tp != NULL && tp->t_state == TCPS_SYN_RECEIVED &&
	    tp->t_app == NULL && tp->t_app_arg == oa->ltp)
		tp->t_app_arg = NULL;
}

void
tcp_listen_orphan(struct tcpcb *ltp)
{
	struct orphan_arg oa;

	oa.ltp = ltp;
	in_pcb_foreach(&ltp->t_host->pcbinfo, tcp_orphan_one, &oa);
}

int
tcp_usr_connect(struct host *h, uint32_t laddr, uint16_t lport,
    uint32_t faddr, uint16_t fport, const struct tcp_app_ops *ops,
    void *arg, struct tcpcb **tpp)
{
	struct inpcbinfo *pi = &h->pcbinfo;
	struct tcp_takeover tk;
	struct inpcb *inp;
	struct tcpcb *tp;
	int error;

	*tpp = NULL;
	h->stat.conn_attempted++;
	if (laddr == INADDR_ANY_HOST && h->naddrs > 0)
		laddr = h->addrs[0];
	/*
	 * SOCK-1: socket() fails with ENOBUFS once the host's pcbs (TIME_WAIT
	 * ones included) number maxsockets: uma_zalloc on the capped
	 * tcp_inpcb zone returns NULL (in_pcballoc, tcp_usr_attach).
	 */
	if (tcp_sockets_full(h) || (inp = in_pcballoc(pi)) == NULL) {
		h->stat.conn_failed_nobufs++;
		return (ENOBUFS);
	}
	/* The stack's port choice (PORT-n; Linux LNX-1..8). */
	error = h->stack->pcbconnect(h, inp, laddr, lport, faddr, fport, &tk);
	if (error != 0) {
		in_pcbfree(pi, inp);
		/*
		 * TCP-17: no ephemeral port (EADDRNOTAVAIL, what exhaustion
		 * looks like), or a fixed 4-tuple already taken
		 * (EADDRINUSE, counted apart so it does not read as
		 * exhaustion).
		 */
		if (error == EADDRNOTAVAIL) {
			h->stat.conn_failed_addrnotavail++;
			if (h->stat.first_addrnotavail < 0)
				h->stat.first_addrnotavail = sim_now(h->sim);
		} else if (error == EADDRINUSE)
			h->stat.conn_failed_addrinuse++;
		return (error);
	}
	tp = tcp_newtcpcb(h, inp);
	if (tp == NULL) {
		in_pcbfree(pi, inp);
		return (ENOBUFS);
	}
	tp->t_app = ops;
	tp->t_app_arg = arg;
	tp->t_connect_start = sim_now(h->sim);
	tp->iss = h->stack->new_isn(h, inp->inp_laddr, inp->inp_lport, faddr,
	    fport);
	if (tk.taken) {
		/* LNX-8: a TIME_WAIT 4-tuple taken over sets seq and PAWS. */
		tp->iss = tk.iss;
		tp->ts_recent = tk.ts_recent;
	}
	/* tcp_sendseqinit: snd_recover starts at iss too (DP-5). */
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_recover = tp->iss;
	tcp_state_change(tp, TCPS_SYN_SENT);
	tcp_timer_keep_start(tp);
	*tpp = tp;
	(void)tcp_output(tp);
	return (0);
}

int
tcp_usr_listen(struct host *h, uint32_t laddr, uint16_t lport,
    const struct tcp_app_ops *ops, void *arg)
{
	struct inpcbinfo *pi = &h->pcbinfo;
	struct inpcb *inp;
	struct tcpcb *tp;
	int error;

	/* SOCK-1: a listening socket is a socket too. */
	if (tcp_sockets_full(h) || (inp = in_pcballoc(pi)) == NULL)
		return (ENOBUFS);
	error = in_pcbbind(pi, inp, laddr, lport);
	if (error != 0) {
		in_pcbfree(pi, inp);
		return (error);
	}
	tp = tcp_newtcpcb(h, inp);
	if (tp == NULL) {
		in_pcbfree(pi, inp);
		return (ENOBUFS);
	}
	inp->inp_flags |= INP_LISTEN;
	tp->t_state = TCPS_LISTEN;
	tp->t_app = ops;
	tp->t_app_arg = arg;
	return (0);
}

struct tcpcb *
tcp_usr_listener(struct host *h, uint32_t laddr, uint16_t lport)
{
	struct inpcb *inp;
	struct tcpcb *tp;

	inp = in_pcblookup(&h->pcbinfo, 0, 0, laddr, lport, 0);
	if (inp == NULL || (inp->inp_flags & INP_TIMEWAIT))
		return (NULL);
	tp = inp->inp_ppcb;
	if (tp == NULL || tp->t_state != TCPS_LISTEN)
		return (NULL);
	return (tp);
}

int
tcp_usr_send(struct tcpcb *tp, uint32_t bytes)
{

	if (tp->t_flags & TF_APPCLOSED)
		return (EPIPE);
	switch (tp->t_state) {
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
		/* Sent once the handshake completes. */
		tp->snd_queued += bytes;
		return (0);
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
		tp->snd_queued += bytes;
		(void)tcp_output(tp);
		return (0);
	default:
		return (ENOTCONN);
	}
}

/*
 * tcp_usrclosed(): the state a close or a half close moves to (TCP-15,
 * TCP-16), with the FIN due after the queued data.  1 when the FIN is now
 * due; 0 when the connection was already closing.
 */
static int
tcp_usrclosed(struct tcpcb *tp)
{

	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tp->t_flags |= TF_NEEDFIN;
		tcp_state_change(tp, TCPS_FIN_WAIT_1);
		return (1);
	case TCPS_CLOSE_WAIT:
		tp->t_flags |= TF_NEEDFIN;
		tcp_state_change(tp, TCPS_LAST_ACK);
		return (1);
	default:
		return (0);
	}
}

int
tcp_usr_close(struct tcpcb *tp)
{

	tp->t_app = NULL;
	tp->t_app_arg = NULL;
	tp->t_flags |= TF_APPCLOSED;
	switch (tp->t_state) {
	case TCPS_LISTEN:
		tcp_listen_orphan(tp);
		/* FALLTHROUGH */
	case TCPS_CLOSED:
	case TCPS_SYN_SENT:
		(void)tcp_close(tp);
		return (0);
	default:
		break;
	}
	/* LNX-24: tcp_close of a socket already in FIN_WAIT_2. */
	if (tp->t_state == TCPS_FIN_WAIT_2 &&
	    tp->t_host->stack->finwait2 != NULL) {
		(void)tp->t_host->stack->finwait2(tp, NULL);
		return (0);
	}
	/* A connection already closing has nothing more to send. */
	if (tcp_usrclosed(tp))
		(void)tcp_output(tp);
	return (0);
}

/*
 * Half close (shutdown(SHUT_WR)): tcp_usrclosed() without detaching the
 * application, which may still receive (FreeBSD's tcp_usr_shutdown).
 * TF_APPCLOSED stays clear: data arriving afterwards is still delivered
 * (TCP-13 applies only once the socket is closed).
 */
int
tcp_usr_shutdown(struct tcpcb *tp)
{

	switch (tp->t_state) {
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
		/* A FIN queued behind the handshake is not modelled. */
		return (EOPNOTSUPP);
	case TCPS_LISTEN:
	case TCPS_CLOSED:
		return (ENOTCONN);
	default:
		break;
	}
	/* A connection already closing has nothing more to send. */
	if (tcp_usrclosed(tp))
		(void)tcp_output(tp);
	return (0);
}

int
tcp_usr_abort(struct tcpcb *tp)
{

	tp->t_app = NULL;
	tp->t_app_arg = NULL;
	tp->t_flags |= TF_APPCLOSED;
	if (tp->t_state == TCPS_LISTEN)
		tcp_listen_orphan(tp);
	(void)tcp_drop(tp, ECONNABORTED);
	return (0);
}
