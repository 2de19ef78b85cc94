/*
 * freebsd14/in_pcb.c -- the FreeBSD 14 stack's connect(): the local port
 * of a connect() without bind(), and the socket limit.  The twin of
 * FreeBSD 14 sys/netinet/in_pcb.c in_pcb_lport_dest (called by
 * in_pcbconnect with INPLOOKUP_WILDCARD) and of the socket zone's cap,
 * kern.ipc.maxsockets (kern/uipc_socket.c).  Rules F14-1 and F14-4 in
 * docs/RULES.md.
 *
 * Against FreeBSD 9 (models/in_pcb.c, PORT-2..PORT-5): a candidate port is
 * busy only for the same 4-tuple (or a listener on it), so one port serves
 * many destinations; the cursor jumps to a random point at every
 * allocation -- the randomcps/randomtime throttle is gone.
 */
#include "config.h"

#include <errno.h>

#include "models/freebsd14/freebsd14.h"
#include "models/host.h"
#include "models/in_pcb.h"
#include "models/tcp_stack.h"
#include "sim/rng.h"

/*
 * F14-1: from first + random % (last - first), upward with wrap-around,
 * last - first + 1 candidates; a candidate is busy when the lookup with
 * INPLOOKUP_WILDCARD finds the exact 4-tuple or a listener on (laddr or
 * the wildcard, port).  None free: EADDRNOTAVAIL.
 */
int
in_pcb_lport_dest(struct host *h, uint32_t laddr, uint32_t faddr,
    uint16_t fport, uint16_t *lportp)
{
	struct inpcbinfo *pi = &h->pcbinfo;
	int first, last, aux, count;

	first = h->tun.portrange_first;
	last = h->tun.portrange_last;
	if (first > last) {
		aux = first;
		first = last;
		last = aux;
	}
	if (h->tun.randomized && first != last)
		pi->ipport_lastport = first +
		    (int)rng_uniform_int(pi->ipi_rng, (uint32_t)(last - first));
	count = last - first;
	do {
		if (count-- < 0)
			return (EADDRNOTAVAIL);
		++pi->ipport_lastport;
		if (pi->ipport_lastport < first || pi->ipport_lastport > last)
			pi->ipport_lastport = first;
	} while (in_pcblookup(pi, faddr, fport, laddr,
	    (uint16_t)pi->ipport_lastport, 1) != NULL);
	*lportp = (uint16_t)pi->ipport_lastport;
	return (0);
}

int
f14_pcbconnect(struct host *h, struct inpcb *inp, uint32_t laddr,
    uint16_t lport, uint32_t faddr, uint16_t fport, struct tcp_takeover *tk)
{
	struct inpcbinfo *pi = &h->pcbinfo;
	int error;

	tk->taken = 0;
	/*
	 * F14-4: the socket this connect uses is one of kern.ipc.maxsockets;
	 * every pcb but this new one holds one (a TIME_WAIT connection keeps
	 * its socket until 2 MSL ends).  socket() fails with ENOBUFS.
	 */
	if (pi->ipi_count > (size_t)h->tun.maxsockets)
		return (ENOBUFS);
	if (laddr == INADDR_ANY_HOST) {
		if (pi->ipi_naddrs == 0)
			return (EADDRNOTAVAIL);
		laddr = pi->ipi_addrs[0].ia_addr;
	}
	if (lport == 0 && (error = in_pcb_lport_dest(h, laddr, faddr, fport,
	    &lport)) != 0)
		return (error);
	/* PORT-6 for a fixed port; a free 4-tuple for an ephemeral one. */
	return (in_pcbconnect(pi, inp, laddr, lport, faddr, fport));
}
