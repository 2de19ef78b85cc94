/*
 * uipc_socket.h -- a small socket layer over tcp_usrreq.h (FreeBSD's
 * kern/uipc_socket.c and sys/socketvar.h, reduced to what a script of
 * system calls needs): create, bind, listen, accept, connect, send,
 * receive, shutdown, close and a few options, with the kernel's names
 * (socreate, solisten, soaccept, ...) and errno values.
 *
 * It never blocks: the simulator has no threads, so a call that would
 * block returns EWOULDBLOCK (accept, receive) or EINPROGRESS (connect),
 * and the caller decides whether to wait for the state to change
 * (packetdrill's blocking system calls do).  Data is a byte count, like
 * everything in the model: the receive buffer is the number of bytes
 * delivered and not yet read.
 *
 * A socket finds its connection by 4-tuple and incarnation (the tcpcb's
 * conn_id), not by pointer: a connection can leave for TIME_WAIT or close
 * while the socket is still open (after shutdown), and the model tells the
 * application nothing then.  A socket whose connection is gone is
 * disconnected.
 *
 * Not modelled: the send and receive buffers do not limit anything (the
 * model's window is fixed, TCP-6), so SO_SNDBUF and SO_RCVBUF are kept and
 * read back only; TCP_NODELAY likewise (the model has no Nagle); the
 * listen backlog does not limit the accept queue.
 */
#ifndef TWSIM_UIPC_SOCKET_H
#define TWSIM_UIPC_SOCKET_H

#include <stdint.h>
#include <sys/queue.h>

struct host;
struct tcpcb;

/* so_state (socketvar.h). */
#define SS_ISCONNECTED		0x0002
#define SS_ISCONNECTING		0x0004
#define SS_ISDISCONNECTED	0x2000
#define SS_NBIO			0x0100	/* non-blocking (O_NONBLOCK) */
#define SS_CANTSENDMORE		0x0010	/* shutdown(SHUT_WR) or peer gone */
#define SS_CANTRCVMORE		0x0020	/* peer's FIN, or shutdown(SHUT_RD) */

/* The options a socket keeps (SOL_SOCKET and IPPROTO_TCP levels). */
enum sockopt_name {
	SOOPT_RCVBUF,		/* SO_RCVBUF */
	SOOPT_SNDBUF,		/* SO_SNDBUF */
	SOOPT_REUSEADDR,	/* SO_REUSEADDR */
	SOOPT_LINGER,		/* SO_LINGER: onoff, seconds */
	SOOPT_NODELAY,		/* TCP_NODELAY */
	SOOPT_ERROR		/* SO_ERROR: read (and cleared) only */
};

/* shutdown(2)'s `how`. */
#define SO_SHUT_RD	0
#define SO_SHUT_WR	1
#define SO_SHUT_RDWR	2

/*
 * What a socket reads back, per stack: the value a set flag option reads
 * as, and whether a buffer size written is doubled (Linux's sk_setsockopt
 * does, for its bookkeeping).  The default buffer sizes are the host's
 * sendspace and recvspace (DP-9).
 */
struct so_stack_conv {
	int	reuseaddr, linger, nodelay; /* a set flag reads as this */
	int	bufdouble;		/* 1: a size written is doubled */
};

struct socket {
	struct host	*so_host;
	int		 so_state;	/* SS_* */
	int		 so_error;	/* pending error (SO_ERROR) */
	int		 so_listening;	/* solisten() done */
	int		 so_bound;	/* sobind() done */
	int		 so_reuseaddr;
	int		 so_linger_on, so_linger;	/* SO_LINGER */
	int		 so_nodelay;	/* TCP_NODELAY */
	int		 so_rcvbuf, so_sndbuf;
	uint64_t	 so_rcv_cc;	/* bytes delivered, not yet read */
	/* Local address as bound, then the connection's 4-tuple. */
	uint32_t	 so_laddr, so_faddr;
	uint16_t	 so_lport, so_fport;
	uint64_t	 so_conn_id;	/* the tcpcb's incarnation; 0: none */
	/* A listener's completed connections (soaccept takes the head). */
	TAILQ_HEAD(, socket) so_comp;
	int		 so_qlen;
	struct socket	*so_head;	/* the listener whose queue holds us */
	TAILQ_ENTRY(socket) so_list;
};

/* The read-back values of so's stack (SO-6). */
const struct so_stack_conv *so_stack_conv(const struct socket *so);
/* A new TCP socket on h: NULL when out of memory (ENOBUFS). */
struct socket	*socreate(struct host *h);
/*
 * Local address (0: any of the host's) and port (0: ephemeral at connect
 * or listen).  EINVAL when already bound, EADDRNOTAVAIL for an address the
 * host does not own.
 */
int		 sobind(struct socket *so, uint32_t laddr, uint16_t lport);
/* Passive open on the bound address: EADDRINUSE, EINVAL (connected). */
int		 solisten(struct socket *so, int backlog);
/*
 * The oldest completed connection in *newso: EWOULDBLOCK when none,
 * EINVAL when so is not listening, ECONNABORTED when the listener is gone.
 */
int		 soaccept(struct socket *so, struct socket **newso);
/*
 * Active open: the SYN goes out now and EINPROGRESS is returned (the
 * handshake completes later: soisconnected()); EISCONN, EALREADY,
 * EOPNOTSUPP (listening), EADDRNOTAVAIL / EADDRINUSE (no port, busy
 * 4-tuple), ENOBUFS.
 */
int		 soconnect(struct socket *so, uint32_t faddr, uint16_t fport);
/* 1 when connected, 0 while connecting, -1 when it failed (so_error). */
int		 soconnected(const struct socket *so);
/* Queue len bytes: EPIPE after shutdown, ENOTCONN, a pending error. */
int		 sosend(struct socket *so, uint32_t len);
/*
 * Read up to len bytes into *got: 0 with *got 0 at end of stream,
 * EWOULDBLOCK when nothing is there yet, ENOTCONN, or a pending error
 * (ECONNRESET, ...), which is cleared.
 */
int		 soreceive(struct socket *so, uint32_t len, uint32_t *got);
/* SO_SHUT_RD, _WR, _RDWR: ENOTCONN when not connected, EINVAL. */
int		 soshutdown(struct socket *so, int how);
/*
 * Close and free so: the connection closes in order (FIN), or with a RST
 * under SO_LINGER with a zero time; a listener's queued connections are
 * aborted (RST).  Always 0.
 */
int		 soclose(struct socket *so);
/* Options: 0, ENOPROTOOPT for an unknown one, EINVAL for a bad value. */
int		 sosetopt(struct socket *so, enum sockopt_name name, int v,
		    int v2);
int		 sogetopt(struct socket *so, enum sockopt_name name, int *v,
		    int *v2);
/* The tcpcb of so's connection (or listener), or NULL when it is gone. */
struct tcpcb	*sototcpcb(const struct socket *so);

#endif /* TWSIM_UIPC_SOCKET_H */
