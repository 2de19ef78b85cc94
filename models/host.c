/*
 * host.c -- a virtual FreeBSD 9 host: run-time sysctl writes and reads
 * through the table of tunables (models/tunable.c), the pcb table, the TIME_WAIT zone, the tcpcb free list,
 * the host's random streams and its two kernel timers (the 500 ms slow
 * timer that runs the 2MSL scan, and the 1 s ipport_tick).
 *
 * The host owns no protocol logic: it wires the pieces together and keeps
 * the invariants checkable (host_check) so tests can verify them after any
 * event.  Rule IDs (HOST-n, PORT-n, TW-n) are in docs/RULES.md.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/in_pcb.h"
#include "models/net.h"
#include "models/linux.h"
#include "models/tcp_stack.h"
#include "models/tcp_timewait.h"
#include "models/tcp_var.h"
#include "models/tunable.h"
#include "sim/rng.h"

#define SLOWTIMO_PERIOD	(500 * SIM_MSEC)	/* PR_SLOWHZ = 2 */
#define PORTTICK_PERIOD	SIM_SEC

/* tcp_slowtimo of this era: the 2MSL scan runs from the slow timer. */
static void
host_slowtimo(struct sim *sim, void *arg)
{
	struct host *h = arg;

	(void)sim;
	(void)tcp_tw_2msl_scan(h, 0);		/* TW-12 */
}

static void
host_porttick(struct sim *sim, void *arg)
{
	struct host *h = arg;

	(void)sim;
	ipport_tick(&h->pcbinfo, h->tun.randomcps, h->tun.randomtime);
}

int
host_boot_slowtimo(struct host *h)
{
	sim_time_t now = sim_now(h->sim);

	h->slowtimo = sim_every(h->sim, now + SLOWTIMO_PERIOD,
	    SLOWTIMO_PERIOD, host_slowtimo, h);
	h->porttick = sim_every(h->sim, now + PORTTICK_PERIOD,
	    PORTTICK_PERIOD, host_porttick, h);
	return (h->slowtimo == NULL || h->porttick == NULL ? -1 : 0);
}

static struct rng *
host_stream(struct host *h, const char *what)
{
	char name[256];

	snprintf(name, sizeof(name), "host/%s/%s", h->name, what);
	return (sim_rng(h->sim, name));
}

struct host *
host_create(struct net *net, int index, const char *name,
    const struct host_tunables *boot)
{
	struct host *h;
	size_t hashsize;
	sim_time_t now;

	if (boot != NULL && host_tunables_validate(boot, NULL, 0) != 0)
		return (NULL);
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return (NULL);
	h->name = strdup(name);
	if (h->name == NULL)
		goto fail;
	h->net = net;
	h->sim = net_sim(net);
	h->index = index;
	if (boot != NULL)
		h->tun = *boot;
	else
		host_tunables_init(&h->tun);
	h->stat.first_addrnotavail = -1;
	h->tick_ns = SIM_SEC / h->tun.hz;
	h->stack = tcp_stack_of(h->tun.stack);
	if (h->stack == NULL)
		goto fail;

	h->rng = host_stream(h, "isn");
	h->ts_rng = host_stream(h, "ts");
	if (h->rng == NULL || h->ts_rng == NULL)
		goto fail;
	/* The ISN secret, drawn once at boot (FreeBSD: arc4rand at first use). */
	h->isn_secret = ((uint64_t)gsl_rng_get(rng_gsl(h->rng)) << 32) |
	    gsl_rng_get(rng_gsl(h->rng));
	now = sim_now(h->sim);
	h->isn_offset_time = now;

	/* Hash buckets: at most maxsockets rounded up to a power of two. */
	hashsize = h->tun.maxsockets > 0 ? (size_t)h->tun.maxsockets : 16;
	if (in_pcbinfo_init(&h->pcbinfo, h, host_stream(h, "ports"),
	    hashsize) != 0)
		goto fail;
	tcp_tw_init(h);				/* TW-2 */
	/* The stack's own state and kernel timers. */
	if (h->stack->boot(h) != 0)
		goto fail;
	return (h);
fail:
	host_destroy(h);
	return (NULL);
}

static void
host_free_pcb(struct inpcb *inp, void *arg)
{
	struct host *h = arg;

	if (inp->inp_flags & INP_TIMEWAIT)
		return;		/* tcp_tw_destroy closed those already */
	if (inp->inp_ppcb != NULL) {
		tcp_close(inp->inp_ppcb);
		return;
	}
	in_pcbfree(&h->pcbinfo, inp);
}

void
host_destroy(struct host *h)
{

	if (h == NULL)
		return;
	if (h->slowtimo != NULL)
		sim_periodic_cancel(h->sim, h->slowtimo);
	if (h->porttick != NULL)
		sim_periodic_cancel(h->sim, h->porttick);
	if (h->pcbinfo.ipi_tuples != NULL) {
		if (h->stack != NULL)
			h->stack->twdestroy(h);
		else
			tcp_tw_destroy(h);
		/* Live connections: cancel their timers, free their pcbs. */
		in_pcb_foreach(&h->pcbinfo, host_free_pcb, h);
		in_pcbinfo_destroy(&h->pcbinfo);
	}
	tcp_subr_destroy(h);
	inet_hashinfo_destroy(h);
	free(h->name);
	free(h);
}

int
host_add_addr(struct host *h, uint32_t addr)
{
	int error;

	if (addr == INADDR_ANY_HOST)
		return (EINVAL);
	if (host_owns_addr(h, addr))
		return (EEXIST);
	if (h->naddrs >= HOST_MAXADDRS)
		return (ENOSPC);
	if ((error = in_pcbinfo_add_addr(&h->pcbinfo, addr)) != 0)
		return (error);
	h->addrs[h->naddrs++] = addr;
	return (0);
}

int
host_owns_addr(const struct host *h, uint32_t addr)
{
	int i;

	for (i = 0; i < h->naddrs; i++)
		if (h->addrs[i] == addr)
			return (1);
	return (0);
}

int
host_tunable_set(struct host *h, const struct tunable *t, int i,
    int64_t value, char *err, size_t errlen)
{

	if (!tunable_has(t, (enum tunable_stack)h->tun.stack)) {
		snprintf(err, errlen, "%s is not a tunable of a %s host",
		    t->key, tunable_stack_name((enum tunable_stack)
		    h->tun.stack));
		return (-1);
	}
	if (!(t->flags & TUNABLE_F_RUNTIME)) {
		snprintf(err, errlen, "%s is a boot-time tunable (read-only)",
		    t->key);
		return (-1);
	}
	if (t->set == NULL &&
	    ((double)value < t->min || (double)value > t->max)) {
		snprintf(err, errlen, "%s: value %jd out of range",
		    tunable_nvalues(t) > 1 ? t->names[i] : t->key,
		    (intmax_t)value);
		return (-1);
	}
	/* HOST-6: a value the host's other tunables rule out is refused. */
	if (t->check_with != NULL &&
	    t->check_with(&h->tun, value, err, errlen) != 0)
		return (-1);
	if (t->set != NULL)
		return (t->set(h, t, i, value, err, errlen));
	tunable_store(&h->tun, t, i, value);
	return (0);
}

int64_t
host_tunable_get(const struct host *h, const struct tunable *t, int i)
{

	if (t->get != NULL)
		return (t->get(h, t, i));
	return (tunable_value(&h->tun, t, i));
}

int
host_sysctl_set(struct host *h, const char *name, int64_t value, char *err,
    size_t errlen)
{
	const struct tunable *t;
	int i;

	if ((t = tunable_lookup_name(name, &i)) == NULL) {
		snprintf(err, errlen, "unknown sysctl \"%s\"", name);
		return (-1);
	}
	return (host_tunable_set(h, t, i, value, err, errlen));
}

int
host_sysctl_get(const struct host *h, const char *name, int64_t *value)
{
	const struct tunable *t;
	int i;

	if ((t = tunable_lookup_name(name, &i)) == NULL)
		return (-1);
	*value = host_tunable_get(h, t, i);
	return (0);
}

int
host_tw_count(const struct host *h)
{

	return (h->twzone.tw_used);
}

int
host_tw_cap(const struct host *h)
{

	return (h->stack->tw_cap(h));
}

int
host_tw_cap_effective(const struct host *h)
{

	/* UMA-2 for FreeBSD 9's zone; the others hold what they cap. */
	if (h->stack->tw_cap_effective != NULL)
		return (h->stack->tw_cap_effective(h));
	return (h->stack->tw_cap(h));
}

int
host_ports_in_use(const struct host *h)
{

	return (in_pcb_ports_in_use_total(&h->pcbinfo));
}

struct host_check_ctx {
	const struct host *h;
	size_t	 ntw, ntcpcb, nnull, nsyncache;
	char	*err;
	size_t	 errlen;
	int	 bad;
};

static void
host_check_pcb(struct inpcb *inp, void *arg)
{
	struct host_check_ctx *c = arg;
	struct inpcbinfo *pi = (struct inpcbinfo *)&c->h->pcbinfo;
	const struct tcptw *tw;
	const struct tcpcb *tp;

	if (c->bad)
		return;
	if (in_pcb_host(inp) != c->h) {
		snprintf(c->err, c->errlen, "pcb of another host in the table");
		c->bad = 1;
		return;
	}
	if (inp->inp_flags & INP_TIMEWAIT) {
		tw = inp->inp_ppcb;
		if (tw == NULL) {
			c->nnull++;
			return;
		}
		c->ntw++;
		if (tw->tw_inpcb != inp) {
			snprintf(c->err, c->errlen, "TIME_WAIT pcb %u:%u and "
			    "its entry do not point at each other",
			    (unsigned)inp->inp_laddr, (unsigned)inp->inp_lport);
			c->bad = 1;
			return;
		}
		/* Every TIME_WAIT pcb holds its port. */
		if (in_pcblookup_local(pi, inp->inp_laddr,
		    inp->inp_lport) == NULL ||
		    in_pcblookup(pi, inp->inp_faddr, inp->inp_fport,
		    inp->inp_laddr, inp->inp_lport, 0) != inp) {
			snprintf(c->err, c->errlen, "TIME_WAIT pcb %u:%u does "
			    "not hold its port", (unsigned)inp->inp_laddr,
			    (unsigned)inp->inp_lport);
			c->bad = 1;
		}
		return;
	}
	tp = inp->inp_ppcb;
	if (tp == NULL) {
		c->nnull++;
		return;
	}
	c->ntcpcb++;
	if (tp->t_flags & TF_SYNCACHE)
		c->nsyncache++;
	if (tp->t_inpcb != inp || tp->t_host != c->h) {
		snprintf(c->err, c->errlen, "tcpcb and pcb %u:%u do not point "
		    "at each other", (unsigned)inp->inp_laddr,
		    (unsigned)inp->inp_lport);
		c->bad = 1;
	}
}

/*
 * HOST-4: the invariants a test may check after any event (between events,
 * every live pcb is hashed: tcp_close frees what it drops).
 */
int
host_check(const struct host *h, char *err, size_t errlen)
{
	struct host_check_ctx c;

	if (in_pcb_check(&h->pcbinfo, err, errlen) != 0)
		return (-1);
	if (tcp_tw_check(h, err, errlen) != 0)
		return (-1);
	memset(&c, 0, sizeof(c));
	c.h = h;
	c.err = err;
	c.errlen = errlen;
	in_pcb_foreach((struct inpcbinfo *)&h->pcbinfo, host_check_pcb, &c);
	if (c.bad)
		return (-1);
	if (c.ntw != (size_t)h->twzone.tw_used) {
		snprintf(err, errlen, "%zu TIME_WAIT pcbs hashed, zone has %d "
		    "entries in use", c.ntw, h->twzone.tw_used);
		return (-1);
	}
	/* SYNC-6, SOCK-1: syncache entries are no sockets; the rest fit. */
	if (c.nsyncache != h->syncache_count) {
		snprintf(err, errlen, "%zu syncache entries hashed, %zu "
		    "counted", c.nsyncache, h->syncache_count);
		return (-1);
	}
	if (h->pcbinfo.ipi_count - h->syncache_count >
	    (size_t)h->tun.maxsockets) {
		snprintf(err, errlen, "%zu sockets' pcbs, maxsockets %d",
		    h->pcbinfo.ipi_count - h->syncache_count,
		    h->tun.maxsockets);
		return (-1);
	}
	if (c.ntcpcb != h->tcpcb_live) {
		snprintf(err, errlen, "%zu hashed pcbs hold a tcpcb but %zu "
		    "tcpcbs are live (leak)", c.ntcpcb, h->tcpcb_live);
		return (-1);
	}
	if (h->stat.tw_count != h->twzone.tw_used) {
		snprintf(err, errlen, "tw_count gauge %jd, zone in use %d",
		    (intmax_t)h->stat.tw_count, h->twzone.tw_used);
		return (-1);
	}
	return (0);
}
