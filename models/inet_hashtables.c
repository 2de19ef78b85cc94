/*
 * inet_hashtables.c -- the Linux stack's connect(): which local port a
 * connect() without bind() gets, when a local port is busy, and when a
 * TIME_WAIT 4-tuple may be taken over.  The twin of Linux 6.18
 * net/ipv4/inet_hashtables.c (__inet_hash_connect, __inet_check_established)
 * and of tcp_twsk_unique (net/ipv4/tcp_ipv4.c), under the kernel's names.
 * Rule IDs LNX-1..LNX-8 are in docs/RULES.md; tests/check_linux.c pins
 * them.
 *
 * Unlike FreeBSD 9 (in_pcb.c, PORT-3), a port is busy only for the same
 * 4-tuple, so one local port serves many destinations; the scan starts at
 * a per-destination offset and tries one parity, then the other.  The pcb
 * table is the engine's (in_pcb.c): the bind buckets of Linux become
 * "does a listener hold this port" and "does this 4-tuple exist".
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/linux.h"
#include "models/tcp_stack.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/trace.h"
#include "sim/rng.h"

int
inet_hashinfo_init(struct host *h)
{
	struct inet_hashinfo *hi;
	gsl_rng *g = rng_gsl(h->rng);

	hi = calloc(1, sizeof(*hi));
	if (hi == NULL)
		return (-1);
	hi->net_secret[0] = ((uint64_t)gsl_rng_get(g) << 32) | gsl_rng_get(g);
	hi->net_secret[1] = ((uint64_t)gsl_rng_get(g) << 32) | gsl_rng_get(g);
	hi->ts_secret = ((uint64_t)gsl_rng_get(g) << 32) | gsl_rng_get(g);
	h->hashinfo = hi;
	return (0);
}

void
inet_hashinfo_destroy(struct host *h)
{

	if (h->hashinfo == NULL)
		return;
	free(h->hashinfo->table_perturb);
	free(h->hashinfo);
	h->hashinfo = NULL;
}

/*
 * LNX-2: the perturbation table, filled with random words at the first
 * connect (get_random_sleepable_once); from the host's "ports" stream.
 */
static uint32_t *
inet_table_perturb(struct host *h)
{
	struct inet_hashinfo *hi = h->hashinfo;
	gsl_rng *g;
	uint32_t i;

	if (hi->table_perturb != NULL)
		return (hi->table_perturb);
	hi->table_perturb = malloc(LINUX_TABLE_PERTURB_SIZE *
	    sizeof(*hi->table_perturb));
	if (hi->table_perturb == NULL)
		return (NULL);
	g = rng_gsl(h->pcbinfo.ipi_rng);
	for (i = 0; i < LINUX_TABLE_PERTURB_SIZE; i++)
		hi->table_perturb[i] = (uint32_t)gsl_rng_get(g);
	return (hi->table_perturb);
}

static int
ipv4_is_loopback(uint32_t addr)
{

	return ((addr >> 24) == 127);
}

/*
 * LNX-7: may a connect take over this TIME_WAIT entry?  twp is 0 when the
 * connect had a fixed local port (the kernel passes no twp then), which
 * allows any entry that recorded a timestamp, whatever tcp_tw_reuse says.
 */
int
tcp_twsk_unique(const struct host *h, const struct tcptw *tw, int twp)
{
	const struct inpcb *inp = tw->tw_inpcb;
	int reuse = h->tun.tcp_tw_reuse;
	int64_t now_ms;

	/* LNX-24: a FIN_WAIT2 bucket's peer may still be sending. */
	if (tw->tw_substate == TCPS_FIN_WAIT_2)
		reuse = 0;
	if (reuse == 2 && !ipv4_is_loopback(inp->inp_faddr) &&
	    !ipv4_is_loopback(inp->inp_laddr))
		reuse = 0;
	if (tw->ts_recent_stamp < 0)
		return (0);		/* the connection had no timestamps */
	if (!twp)
		return (1);
	if (!reuse)
		return (0);
	/* time_after32(tcp_clock_ms(), tw_entry_stamp + delay): strictly. */
	now_ms = sim_now(h->sim) / SIM_MSEC;
	return (now_ms > tw->tw_start / SIM_MSEC + h->tun.tcp_tw_reuse_delay /
	    SIM_MSEC);
}

/*
 * LNX-4: __inet_check_established.  0 when the 4-tuple is unique -- after
 * taking over a TIME_WAIT entry LNX-7 allows (LNX-8: *tk gets the new
 * connection's ISN and the peer's last timestamp, the entry is killed,
 * tw_reused) -- or EADDRNOTAVAIL.
 */
static int
inet_check_established(struct host *h, uint32_t laddr, uint16_t lport,
    uint32_t faddr, uint16_t fport, int twp, struct tcp_takeover *tk)
{
	struct inpcb *other;
	struct tcptw *tw;

	other = in_pcblookup(&h->pcbinfo, faddr, fport, laddr, lport, 0);
	if (other == NULL)
		return (0);
	if ((other->inp_flags & INP_TIMEWAIT) == 0 ||
	    (tw = other->inp_ppcb) == NULL || !tcp_twsk_unique(h, tw, twp))
		return (EADDRNOTAVAIL);
	tk->taken = 1;
	tk->iss = tw->snd_nxt + 65535 + 2;
	if (tk->iss == 0)
		tk->iss = 1;
	tk->ts_recent = tw->t_recent;
	TCP_TRACE(h, tw->conn_id, 0, "LNX-8", "a connect takes this TIME_WAIT "
	    "4-tuple over (tcp_tw_reuse %d): entry killed, new ISN %u",
	    h->tun.tcp_tw_reuse, tk->iss);
	h->stat.tw_reused++;			/* Linux TWRecycled */
	tcp_tw_report(tw, TW_END_REUSED);
	inet_twsk_deschedule_put(tw);
	return (0);
}

/*
 * LNX-3: a port some socket bound with bind() -- here, a listener on any
 * address of the host or the wildcard -- is never used by connect().
 */
static int
inet_port_bound(struct host *h, uint16_t port)
{
	struct inpcbinfo *pi = &h->pcbinfo;
	int i;

	if (in_pcblookup(pi, 0, 0, INADDR_ANY_HOST, port, 0) != NULL)
		return (1);
	for (i = 0; i < h->naddrs; i++)
		if (in_pcblookup(pi, 0, 0, h->addrs[i], port, 0) != NULL)
			return (1);
	return (0);
}

static void
inet_pcb_enter(struct host *h, struct inpcb *inp, uint32_t laddr,
    uint16_t lport, uint32_t faddr, uint16_t fport)
{
	int error;

	/* The 4-tuple was checked free: the engine's connect cannot fail. */
	error = in_pcbconnect(&h->pcbinfo, inp, laddr, lport, faddr, fport);
	(void)error;
}

int
inet_hash_connect(struct host *h, struct inpcb *inp, uint32_t laddr,
    uint16_t lport, uint32_t faddr, uint16_t fport, struct tcp_takeover *tk)
{
	uint32_t *perturb, remaining, offset, index, step;
	uint64_t port_offset;
	int low, high, port, error;
	uint32_t i;

	tk->taken = 0;
	if (laddr == INADDR_ANY_HOST) {
		if (h->naddrs == 0)
			return (EADDRNOTAVAIL);
		laddr = h->addrs[0];
	}
	if (lport != 0) {
		/* A fixed port: only the 4-tuple check, with no twp. */
		error = inet_check_established(h, laddr, lport, faddr, fport,
		    0, tk);
		if (error == 0)
			inet_pcb_enter(h, inp, laddr, lport, faddr, fport);
		return (error);
	}

	/* LNX-1: [low, high[, an even number of candidates. */
	low = h->tun.portrange_first;
	high = h->tun.portrange_last;
	if (low > high) {
		port = low;
		low = high;
		high = port;
	}
	high++;
	remaining = (uint32_t)(high - low);
	if (remaining > 1)
		remaining &= ~1u;
	step = 2;

	/* LNX-2: the per-destination offset, made even. */
	perturb = inet_table_perturb(h);
	if (perturb == NULL)
		return (ENOBUFS);
	port_offset = secure_ipv4_port_ephemeral(h, laddr, faddr, fport);
	index = (uint32_t)port_offset & (LINUX_TABLE_PERTURB_SIZE - 1);
	offset = (perturb[index] + (uint32_t)(port_offset >> 32)) % remaining;
	offset &= ~1u;

	/* LNX-3: this parity first, then the other. */
	for (;;) {
		port = low + (int)offset;
		for (i = 0; i < remaining; i += step, port += (int)step) {
			if (port >= high)
				port -= (int)remaining;
			if (inet_port_bound(h, (uint16_t)port))
				continue;
			if (inet_check_established(h, laddr, (uint16_t)port,
			    faddr, fport, 1, tk) == 0)
				goto ok;
		}
		offset++;
		if ((offset & 1) == 0 || remaining <= 1)
			break;
	}
	return (EADDRNOTAVAIL);			/* LNX-6 */
ok:
	/* LNX-5: a little randomness for the next port of this offset. */
	{
		uint32_t r = rng_uniform_int(h->pcbinfo.ipi_rng, 8) * step;

		perturb[index] += (i > r ? i : r) + step;
	}
	inet_pcb_enter(h, inp, laddr, (uint16_t)port, faddr, fport);
	return (0);
}
