/*
 * uipc_socket.c -- the socket layer over tcp_usrreq.c (FreeBSD's
 * kern/uipc_socket.c: socreate, sobind, solisten, soaccept, soconnect,
 * sosend, soreceive, soshutdown, soclose, sosetopt, sogetopt).
 *
 * Sockets are for callers that speak system calls (twsim packetdrill);
 * the workloads use tcp_usrreq.h directly.  A socket is the application
 * of its connection: the tcp_app_ops upcalls below keep its state
 * (connected, bytes readable, peer closed, error), and it finds its tcpcb
 * by 4-tuple and incarnation whenever it needs it (see the header).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/tcp_usrreq.h"
#include "models/tcp_var.h"
#include "models/tunable.h"
#include "models/uipc_socket.h"

/*
 * SO-6.  The buffers start at the host's sendspace and recvspace (the
 * tunable table: FreeBSD's net.inet.tcp.sendspace 32768, recvspace 65536;
 * Linux's tcp_wmem[1] 16384, tcp_rmem[1] 131072).  FreeBSD 9 and 14: a
 * flag option reads as its bit (sogetopt: so_options & SO_REUSEADDR 0x4,
 * SO_LINGER 0x80; tcp_ctloutput: t_flags & TF_NODELAY 0x4).  Linux: a
 * flag reads as 1, and a size written is doubled (sk_setsockopt).
 */
static const struct so_stack_conv so_conv[TUNABLE_NSTACKS] = {
	[TUNABLE_STACK_FREEBSD9] = { 0x4, 0x80, 0x4, 0 },
	[TUNABLE_STACK_FREEBSD14] = { 0x4, 0x80, 0x4, 0 },
	[TUNABLE_STACK_LINUX] = { 1, 1, 1, 1 },
};

const struct so_stack_conv *
so_stack_conv(const struct socket *so)
{

	return (&so_conv[so->so_host->tun.stack]);
}

static void	so_connected(void *, struct tcpcb *);
static void	so_accepted(void *, struct tcpcb *, void **);
static void	so_received(void *, struct tcpcb *, uint32_t);
static void	so_peer_closed(void *, struct tcpcb *);
static void	so_failed(void *, struct tcpcb *, int);

static const struct tcp_app_ops so_ops = {
	.connected = so_connected,
	.accepted = so_accepted,
	.received = so_received,
	.peer_closed = so_peer_closed,
	.failed = so_failed,
};

/* The connection (or listener) tcpcb of so, checked by incarnation. */
struct tcpcb *
sototcpcb(const struct socket *so)
{
	struct inpcb *inp;
	struct tcpcb *tp;

	if (so->so_listening)
		return (tcp_usr_listener(so->so_host, so->so_laddr,
		    so->so_lport));
	if (so->so_conn_id == 0)
		return (NULL);
	inp = in_pcblookup(&so->so_host->pcbinfo, so->so_faddr, so->so_fport,
	    so->so_laddr, so->so_lport, 0);
	if (inp == NULL || (inp->inp_flags & INP_TIMEWAIT) ||
	    inp->inp_ppcb == NULL)
		return (NULL);
	tp = inp->inp_ppcb;
	return (tp->conn_id == so->so_conn_id ? tp : NULL);
}

/* A connection's 4-tuple and incarnation, once it has a pcb. */
static void
so_attach(struct socket *so, const struct tcpcb *tp)
{
	const struct inpcb *inp = tp->t_inpcb;

	so->so_laddr = inp->inp_laddr;
	so->so_lport = inp->inp_lport;
	so->so_faddr = inp->inp_faddr;
	so->so_fport = inp->inp_fport;
	so->so_conn_id = tp->conn_id;
}

/* ---- upcalls -------------------------------------------------------- */

static void
so_connected(void *arg, struct tcpcb *tp)
{
	struct socket *so = arg;

	(void)tp;
	if (so == NULL)
		return;
	so->so_state &= ~SS_ISCONNECTING;
	so->so_state |= SS_ISCONNECTED;
}

/* soisconnected() on a new connection: it joins the listener's queue. */
static void
so_accepted(void *listen_arg, struct tcpcb *tp, void **conn_arg)
{
	struct socket *head = listen_arg, *so;

	*conn_arg = NULL;
	if (head == NULL || (so = socreate(head->so_host)) == NULL)
		return;
	/* sonewconn(): the new socket inherits the listener's options. */
	so->so_reuseaddr = head->so_reuseaddr;
	so->so_linger_on = head->so_linger_on;
	so->so_linger = head->so_linger;
	so->so_nodelay = head->so_nodelay;
	so->so_rcvbuf = head->so_rcvbuf;
	so->so_sndbuf = head->so_sndbuf;
	so->so_bound = 1;
	so_attach(so, tp);
	so->so_state = SS_ISCONNECTED;
	so->so_head = head;
	TAILQ_INSERT_TAIL(&head->so_comp, so, so_list);
	head->so_qlen++;
	*conn_arg = so;
}

static void
so_received(void *arg, struct tcpcb *tp, uint32_t bytes)
{
	struct socket *so = arg;

	(void)tp;
	if (so != NULL && (so->so_state & SS_CANTRCVMORE) == 0)
		so->so_rcv_cc += bytes;
}

static void
so_peer_closed(void *arg, struct tcpcb *tp)
{
	struct socket *so = arg;

	(void)tp;
	if (so != NULL)
		so->so_state |= SS_CANTRCVMORE;
}

static void
so_failed(void *arg, struct tcpcb *tp, int error)
{
	struct socket *so = arg;

	(void)tp;
	if (so == NULL)
		return;
	so->so_error = error;
	so->so_conn_id = 0;
	so->so_state &= ~(SS_ISCONNECTING | SS_ISCONNECTED);
	so->so_state |= SS_ISDISCONNECTED | SS_CANTRCVMORE | SS_CANTSENDMORE;
}

/* ---- requests ------------------------------------------------------- */

struct socket *
socreate(struct host *h)
{
	struct socket *so;

	so = calloc(1, sizeof(*so));
	if (so == NULL)
		return (NULL);
	so->so_host = h;
	so->so_rcvbuf = h->tun.recvspace;
	so->so_sndbuf = h->tun.sendspace;
	TAILQ_INIT(&so->so_comp);
	return (so);
}

int
sobind(struct socket *so, uint32_t laddr, uint16_t lport)
{

	if (so->so_bound || so->so_listening || so->so_conn_id != 0)
		return (EINVAL);
	if (laddr != 0 && !host_owns_addr(so->so_host, laddr))
		return (EADDRNOTAVAIL);
	so->so_laddr = laddr;
	so->so_lport = lport;
	so->so_bound = 1;
	return (0);
}

int
solisten(struct socket *so, int backlog)
{
	int error;

	(void)backlog;
	if (so->so_listening)
		return (0);
	if (so->so_conn_id != 0 || (so->so_state & SS_ISCONNECTED))
		return (EINVAL);
	error = tcp_usr_listen(so->so_host, so->so_laddr, so->so_lport,
	    &so_ops, so);
	if (error != 0)
		return (error);
	so->so_listening = 1;
	return (0);
}

/* SO-2: the oldest completed connection. */
int
soaccept(struct socket *so, struct socket **newso)
{
	struct socket *s;

	*newso = NULL;
	if (!so->so_listening)
		return (EINVAL);
	s = TAILQ_FIRST(&so->so_comp);
	if (s == NULL)
		return (sototcpcb(so) == NULL ? ECONNABORTED : EWOULDBLOCK);
	TAILQ_REMOVE(&so->so_comp, s, so_list);
	so->so_qlen--;
	s->so_head = NULL;
	*newso = s;
	return (0);
}

/* SO-1: the SYN goes now; the handshake completes later. */
int
soconnect(struct socket *so, uint32_t faddr, uint16_t fport)
{
	struct tcpcb *tp;
	int error;

	if (so->so_listening)
		return (EOPNOTSUPP);
	if (so->so_state & SS_ISCONNECTED)
		return (EISCONN);
	if (so->so_state & SS_ISCONNECTING)
		return (EALREADY);
	error = tcp_usr_connect(so->so_host, so->so_laddr, so->so_lport,
	    faddr, fport, &so_ops, so, &tp);
	if (error != 0)
		return (error);
	so_attach(so, tp);
	so->so_state |= SS_ISCONNECTING;
	return (EINPROGRESS);
}

int
soconnected(const struct socket *so)
{

	if (so->so_state & SS_ISCONNECTED)
		return (1);
	if (so->so_error != 0 || (so->so_state & SS_ISDISCONNECTED))
		return (-1);
	return (0);
}

/* A pending error is returned once (sogeterror; SO-1, SO-3). */
static int
so_take_error(struct socket *so)
{
	int error = so->so_error;

	so->so_error = 0;
	return (error);
}

int
sosend(struct socket *so, uint32_t len)
{
	struct tcpcb *tp;

	if (so->so_error != 0)
		return (so_take_error(so));
	if (so->so_state & SS_CANTSENDMORE)
		return (EPIPE);
	if ((so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) == 0)
		return (ENOTCONN);
	tp = sototcpcb(so);
	if (tp == NULL)
		return (EPIPE);
	return (tcp_usr_send(tp, len));
}

/* SO-3 */
int
soreceive(struct socket *so, uint32_t len, uint32_t *got)
{

	*got = 0;
	if (so->so_rcv_cc > 0) {
		*got = so->so_rcv_cc < len ? (uint32_t)so->so_rcv_cc : len;
		so->so_rcv_cc -= *got;
		return (0);
	}
	if (so->so_error != 0)
		return (so_take_error(so));
	if (so->so_state & SS_CANTRCVMORE)
		return (0);
	if ((so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) == 0)
		return (ENOTCONN);
	/* A connection gone without an upcall (TIME_WAIT, closed): EOF. */
	if ((so->so_state & SS_ISCONNECTED) && sototcpcb(so) == NULL)
		return (0);
	return (EWOULDBLOCK);
}

/* SO-4: a half close keeps the socket attached. */
int
soshutdown(struct socket *so, int how)
{
	struct tcpcb *tp;

	if (how < SO_SHUT_RD || how > SO_SHUT_RDWR)
		return (EINVAL);
	if ((so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) == 0)
		return (ENOTCONN);
	if (how != SO_SHUT_WR) {
		/* sorflush(): unread data is discarded. */
		so->so_state |= SS_CANTRCVMORE;
		so->so_rcv_cc = 0;
	}
	if (how == SO_SHUT_RD || (so->so_state & SS_CANTSENDMORE))
		return (0);
	so->so_state |= SS_CANTSENDMORE;
	tp = sototcpcb(so);
	return (tp != NULL ? tcp_usr_shutdown(tp) : 0);
}

/* soabort() (SO-2): a queued connection nobody accepted is reset. */
static void
so_abort_free(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp != NULL)
		(void)tcp_usr_abort(tp);
	free(so);
}

int
soclose(struct socket *so)
{
	struct socket *s;
	struct tcpcb *tp;

	if (so->so_listening) {
		while ((s = TAILQ_FIRST(&so->so_comp)) != NULL) {
			TAILQ_REMOVE(&so->so_comp, s, so_list);
			so_abort_free(s);
		}
		tp = sototcpcb(so);
		if (tp != NULL)
			(void)tcp_usr_close(tp);
		free(so);
		return (0);
	}
	tp = sototcpcb(so);
	if (tp != NULL) {
		/*
		 * SO-5, tcp_disconnect(): SO_LINGER with a zero time
		 * drops the connection (RST); otherwise unread data is
		 * flushed and the close is orderly (FIN).
		 */
		if (so->so_linger_on && so->so_linger == 0)
			(void)tcp_usr_abort(tp);
		else
			(void)tcp_usr_close(tp);
	}
	free(so);
	return (0);
}

int
sosetopt(struct socket *so, enum sockopt_name name, int v, int v2)
{

	switch (name) {
	case SOOPT_RCVBUF:
	case SOOPT_SNDBUF:
		if (v <= 0)
			return (EINVAL);
		if (so_stack_conv(so)->bufdouble)
			v = v > INT32_MAX / 2 ? INT32_MAX : v * 2;
		if (name == SOOPT_RCVBUF)
			so->so_rcvbuf = v;
		else
			so->so_sndbuf = v;
		return (0);
	case SOOPT_REUSEADDR:
		so->so_reuseaddr = v != 0;
		return (0);
	case SOOPT_LINGER:
		if (v2 < 0)
			return (EINVAL);
		so->so_linger_on = v != 0;
		so->so_linger = v2;
		return (0);
	case SOOPT_NODELAY:
		so->so_nodelay = v != 0;
		return (0);
	case SOOPT_ERROR:
		break;
	}
	return (ENOPROTOOPT);
}

int
sogetopt(struct socket *so, enum sockopt_name name, int *v, int *v2)
{

	*v2 = 0;
	switch (name) {
	case SOOPT_RCVBUF:
		*v = so->so_rcvbuf;
		return (0);
	case SOOPT_SNDBUF:
		*v = so->so_sndbuf;
		return (0);
	/* SO-6: a set flag reads as the stack says (FreeBSD: its bit). */
	case SOOPT_REUSEADDR:
		*v = so->so_reuseaddr ? so_stack_conv(so)->reuseaddr : 0;
		return (0);
	case SOOPT_LINGER:
		*v = so->so_linger_on ? so_stack_conv(so)->linger : 0;
		*v2 = so->so_linger;
		return (0);
	case SOOPT_NODELAY:
		*v = so->so_nodelay ? so_stack_conv(so)->nodelay : 0;
		return (0);
	case SOOPT_ERROR:
		*v = so_take_error(so);
		return (0);
	}
	return (ENOPROTOOPT);
}
