/*
 * freebsd14.h -- the FreeBSD 14 stack's policy functions (stack =
 * freebsd14), in files named after the FreeBSD 14 files they mirror:
 *
 *   freebsd14/in_pcb.c        connect(): in_pcb_lport_dest, the socket limit
 *   freebsd14/tcp_timewait.c  TIME_WAIT without the compressed zone
 *
 * Everything else (ISNs, timestamp offsets, SYN backoff, keepinit,
 * FIN_WAIT_2) is FreeBSD 9's, unchanged in 14.  Rule IDs F14-n are in
 * docs/RULES.md; the kernel is FreeBSD 14 (sys/netinet/in_pcb.c,
 * tcp_timewait.c, tcp_usrreq.c, tcp_subr.c, kern/uipc_socket.c).
 */
#ifndef TWSIM_FREEBSD14_H
#define TWSIM_FREEBSD14_H

#include <stdint.h>

#include "models/segment.h"
#include "models/tcp_seq.h"

struct host;
struct inpcb;
struct tcpcb;
struct tcp_takeover;

/* freebsd14/in_pcb.c (F14-1, F14-4) */
int	in_pcb_lport_dest(struct host *h, uint32_t laddr, uint32_t faddr,
	    uint16_t fport, uint16_t *lportp);
int	f14_pcbconnect(struct host *h, struct inpcb *inp, uint32_t laddr,
	    uint16_t lport, uint32_t faddr, uint16_t fport,
	    struct tcp_takeover *tk);

/* freebsd14/tcp_timewait.c (F14-2, F14-3) */
void	f14_twstart(struct tcpcb *tp);
int	f14_twcheck(struct inpcb *inp, const struct tcp_segment *seg,
	    tcp_seq *isn);
void	f14_twdestroy(struct host *h);
int	f14_boot(struct host *h);

#endif /* TWSIM_FREEBSD14_H */
