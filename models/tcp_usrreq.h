/*
 * tcp_usrreq.h -- the socket-level interface applications use (FreeBSD's
 * tcp_usrreq.c: connect, listen, send, close/shutdown, abort) and the
 * upcalls a connection makes to its application.
 *
 * An application never sees segments: it connects, queues byte counts,
 * is told how many in-order bytes arrived, learns that the peer closed,
 * and closes.  After tcp_usr_close() the application is detached from the
 * connection; the protocol carries on alone (FIN_WAIT_*, TIME_WAIT).
 */
#ifndef TWSIM_TCP_USRREQ_H
#define TWSIM_TCP_USRREQ_H

#include <stdint.h>

struct host;
struct tcpcb;

struct tcp_app_ops {
	/* Active open completed (ESTABLISHED). */
	void	(*connected)(void *arg, struct tcpcb *tp);
	/* A listener accepted tp; set *conn_arg for the new connection. */
	void	(*accepted)(void *listen_arg, struct tcpcb *tp,
		    void **conn_arg);
	/* `bytes` new in-order bytes arrived. */
	void	(*received)(void *arg, struct tcpcb *tp, uint32_t bytes);
	/* The peer's FIN arrived: no more data will come. */
	void	(*peer_closed)(void *arg, struct tcpcb *tp);
	/*
	 * The connection is gone before the application closed it:
	 * ETIMEDOUT (SYN or retransmissions exhausted), ECONNREFUSED (RST
	 * to a SYN), ECONNRESET.  tp is invalid after the call.
	 */
	void	(*failed)(void *arg, struct tcpcb *tp, int error);
};

/*
 * Active open from laddr (0: the host's first address) and lport (0:
 * ephemeral) to faddr:fport.  Returns 0 and the new connection in *tpp, or
 * EADDRNOTAVAIL (no free port; counted) or EADDRINUSE (4-tuple busy).
 */
int	tcp_usr_connect(struct host *h, uint32_t laddr, uint16_t lport,
	    uint32_t faddr, uint16_t fport, const struct tcp_app_ops *ops,
	    void *arg, struct tcpcb **tpp);
/* Passive open on laddr (0: any of the host's addresses) and lport. */
int	tcp_usr_listen(struct host *h, uint32_t laddr, uint16_t lport,
	    const struct tcp_app_ops *ops, void *arg);
/* Queue `bytes` for sending. */
int	tcp_usr_send(struct tcpcb *tp, uint32_t bytes);
/* Orderly close: FIN after queued data; the application is detached. */
int	tcp_usr_close(struct tcpcb *tp);
/*
 * Half close (shutdown SHUT_WR): FIN after queued data; the application
 * stays attached and may still receive.  ENOTCONN before a connection,
 * EOPNOTSUPP during the handshake (a FIN queued behind it is not
 * modelled), 0 when already closing.
 */
int	tcp_usr_shutdown(struct tcpcb *tp);
/* Abortive close: RST; the application is detached. */
int	tcp_usr_abort(struct tcpcb *tp);

/* The listening tcpcb bound exactly to (laddr, lport), or NULL. */
struct tcpcb *tcp_usr_listener(struct host *h, uint32_t laddr,
	    uint16_t lport);

/*
 * Upcall rules.  Upcalls are made after the segment that caused them was
 * processed; from inside connected, accepted, received and peer_closed the
 * application may call tcp_usr_send() and tcp_usr_close() on the same
 * connection (whatever it sends leaves with the pending ACK), but not
 * tcp_usr_abort().  After `failed` returns, tp is gone.  Closing a
 * listener (tcp_usr_close on it) closes connections that complete their
 * handshake afterwards.
 *
 * Errors: tcp_usr_send returns EPIPE after close, ENOTCONN when the
 * connection is closing; tcp_usr_connect and tcp_usr_listen ENOBUFS when
 * out of memory, tcp_usr_listen EADDRINUSE for a taken port.  A connect
 * failing with EADDRNOTAVAIL or EADDRINUSE counts conn_attempted and
 * conn_failed_addrnotavail and sets first_addrnotavail (TCP-17).
 */

#endif /* TWSIM_TCP_USRREQ_H */
